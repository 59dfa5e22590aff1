// Fixture of package host: functions that work, and functions that crash
// the process they run in in every way a host must survive.
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int crashy_add(int a, int b) { return a + b; }

// crashy_check doubles x, and dereferences NULL when x is 13.
int crashy_check(int x) {
	if (x == 13) {
		volatile int *p = (volatile int *)0;
		return *p;
	}
	return x * 2;
}

void crashy_abort(void) { abort(); }

void crashy_bus(void) { raise(SIGBUS); }

void crashy_exit(int code) { _exit(code); }

// crashy_sleep_ms sleeps, so that a test can kill the host mid-call.
int crashy_sleep_ms(int ms) {
	usleep((useconds_t)ms * 1000);
	return ms;
}

// crashy_fill writes v into the n bytes of buf and returns n.
long crashy_fill(unsigned char *buf, long n, int v) {
	memset(buf, v, (size_t)n);
	return n;
}

int crashy_getpid(void) { return (int)getpid(); }

static int counter;

// crashy_next is not parallel-safe: it counts without a lock.
int crashy_next(void) { return ++counter; }
