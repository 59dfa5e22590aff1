// Native crashes for the crash report tests (ffi/crash_linux_amd64_test.go):
// each is called through goractor and kills the process.
#include <stdlib.h>

// crash_segv reads through the pointer p (NULL in the tests). The volatile
// read keeps the compiler from folding it into a trap instruction.
int crash_segv(long p) { return *(volatile int *)p; }

// crash_abort calls abort(): SIGABRT raised inside libc, called from here.
void crash_abort(void) { abort(); }

// crash_ok returns x + 1: a call that does not crash.
int crash_ok(int x) { return x + 1; }

#include <pthread.h>

static void *segv_thread(void *p) { return (void *)(long)*(volatile int *)p; }

// crash_on_thread reads through NULL on a thread it creates (a thread
// neither Go nor goractor made) and waits for it.
int crash_on_thread(void) {
	pthread_t t;
	if (pthread_create(&t, NULL, segv_thread, NULL) != 0)
		return -1;
	pthread_join(t, NULL);
	return 0;
}

// crash_overflow recurses until the stack runs out: the crash handler then
// runs only on an alternate signal stack. The volatile frame and the use
// after the call keep the compiler from turning it into a loop.
int crash_overflow(int n) {
	volatile char pad[256];
	pad[0] = (char)n;
	return crash_overflow(n + 1) + pad[0];
}
