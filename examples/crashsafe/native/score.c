// The native library of examples/crashsafe: a scoring function with a bug
// that dereferences NULL on one input, as native code does now and then.
long score(long x) {
	if (x == 13) {
		volatile long *p = (volatile long *)0;
		return *p; // SIGSEGV
	}
	return x * x + 1;
}
