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
