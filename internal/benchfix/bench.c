/* The benchmark fixture ABI shared by ffi's benchmarks, the callback tests
 * and `goractor bench`: the same functions every peer measured
 * (docs/ffi.md, shared reference measurements Part 2). Keep it exactly so. */
#include <pthread.h>
#include <time.h>

int add(int a, int b) { return a + b; }

double hypot2(double a, double b) { return a * a + b * b; }

void noop(void) {}

long call_cb_n(int (*cb)(int), int n) {
	long s = 0;
	for (int i = 0; i < n; i++) s += cb(i);
	return s;
}

struct cbn { int (*cb)(int); int n; long sum; };

static void *cb_thread(void *p) {
	struct cbn *a = p;
	a->sum = call_cb_n(a->cb, a->n);
	return 0;
}

long call_cb_n_thread(int (*cb)(int), int n) {
	struct cbn a = { cb, n, 0 };
	pthread_t t;
	if (pthread_create(&t, 0, cb_thread, &a) != 0) return -1;
	pthread_join(t, 0);
	return a.sum;
}

int sleep_us(int us) {
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) != 0) {}
	return us;
}

int sleep_ms(int ms) { return sleep_us(ms * 1000) / 1000; }

/* The same-run ceiling of an offload pool: threads pthreads (at most 256)
 * making calls sleep_ms(1) calls between them, back to back. It returns
 * calls, or -1 when no thread could be created. */
static void *sleeper(void *p) {
	long *left = p;
	while (__atomic_sub_fetch(left, 1, __ATOMIC_RELAXED) >= 0) sleep_ms(1);
	return 0;
}

long sleep_ms_threads(int threads, long calls) {
	long left = calls;
	pthread_t t[256];
	int n = 0;
	if (threads > 256) threads = 256;
	while (n < threads && pthread_create(&t[n], 0, sleeper, &left) == 0) n++;
	for (int i = 0; i < n; i++) pthread_join(t[i], 0);
	return n == 0 ? -1 : calls;
}
