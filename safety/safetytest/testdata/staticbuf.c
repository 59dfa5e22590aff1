// Fixture for the conformance suite: fmt_num formats into a static buffer
// (like l64a, asctime, strerror), slowly enough that two threads calling it
// at once overwrite each other's result. Declared parallel-safe, it must fail
// the suite. twice is honestly parallel-safe; next_id keeps a hidden counter,
// so its results differ even serially (inconclusive, not a violation).
// sum_to keeps its running sum in a static variable.
#include <stdio.h>

static char buf[32];
static int counter;

static void spin(int n) {
	for (volatile int i = 0; i < n; i++) {
	}
}

const char *fmt_num(int n) {
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "num-%d", n);
	for (int i = 0; i <= len; i++) {
		buf[i] = tmp[i];
		spin(300);
	}
	spin(20000);
	return buf;
}

// sum_to accumulates in a static variable: wrong under parallel calls, right
// when calls are kept apart (by the gate's policies). Its result is an int, so
// nothing is read after the call returns.
static volatile int acc;

int sum_to(int n) {
	acc = 0;
	for (int i = 1; i <= n; i++) {
		acc += i;
		spin(100);
	}
	return acc;
}

int twice(int n) { return 2 * n; }

int next_id(void) { return ++counter; }

// fast_num is l64a's shape: it writes two bytes of a static buffer and
// returns, so two threads overlap only inside a few instructions; tls_num does
// the same into a thread-local buffer, which is parallel-safe.
static char fast_buf[32];

const char *fast_num(int n) {
	fast_buf[0] = 'a' + n % 26;
	fast_buf[1] = 0;
	return fast_buf;
}

const char *tls_num(int n) {
	static __thread char tls_buf[32];
	tls_buf[0] = 'a' + n % 26;
	tls_buf[1] = 0;
	return tls_buf;
}

// coin alternates 1, 0, 1, … through a hidden counter: its results differ
// between two serial runs and repeat within one, so neither the sequence nor
// the distribution of its results can be judged (inconclusive).
static int coin_state;

int coin(void) { return coin_state ^= 1; }
