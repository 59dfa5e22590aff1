// Fixture for the gate tests: counts entries (fired), tracks how many calls
// are inside at once (max concurrency), and records the thread of each call.
#define _GNU_SOURCE
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int fired, inside, max_inside;
static atomic_long last_tid;

static void busy(void) {
	for (volatile int i = 0; i < 20000; i++) {
	}
}

int fx_enter(int x) {
	atomic_fetch_add(&fired, 1);
	int n = atomic_fetch_add(&inside, 1) + 1;
	int m = atomic_load(&max_inside);
	while (n > m && !atomic_compare_exchange_weak(&max_inside, &m, n)) {
	}
	atomic_store(&last_tid, (long)syscall(SYS_gettid));
	busy();
	atomic_fetch_sub(&inside, 1);
	return x * 2;
}

long fx_tid(void) {
	atomic_fetch_add(&fired, 1);
	return (long)syscall(SYS_gettid);
}

int fx_fired(void) { return atomic_load(&fired); }
int fx_max(void) { return atomic_load(&max_inside); }
void fx_reset(void) {
	atomic_store(&fired, 0);
	atomic_store(&inside, 0);
	atomic_store(&max_inside, 0);
}

int fx_id(int x) { return x; }

// A plain (not atomic) counter: fx_inc reads it, waits a little and writes
// it back, so two calls inside at once lose an increment.
static volatile long plain;

void fx_inc(void) {
	long v = plain;
	for (volatile int i = 0; i < 200; i++) {
	}
	plain = v + 1;
}

long fx_plain(void) { return plain; }
void fx_plain_reset(void) { plain = 0; }
