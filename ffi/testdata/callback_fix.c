// C fixture for the ffi callback tests (ffi/callback_*_test.go).
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdatomic.h>

typedef intptr_t (*cb1)(intptr_t);
typedef intptr_t (*cb2)(intptr_t, intptr_t);

// fired counts every call C made through a callback pointer: the tests check
// fired == delivered + exceptional against it.
static atomic_long fired;
intptr_t cbfix_fired(void) { return atomic_load(&fired); }
void cbfix_reset(void) { atomic_store(&fired, 0); }

// call_cb_n calls cb(i) for i in [0,n) on the calling thread and returns the
// sum of the results.
intptr_t call_cb_n(cb1 cb, intptr_t n) {
	intptr_t s = 0;
	for (intptr_t i = 0; i < n; i++) {
		atomic_fetch_add(&fired, 1);
		s += cb(i);
	}
	return s;
}

struct thr { cb1 cb; intptr_t n; intptr_t sum; };

static void *thr_main(void *p) {
	struct thr *t = p;
	t->sum = call_cb_n(t->cb, t->n);
	return NULL;
}

// call_cb_n_thread starts one pthread that calls cb n times and waits for it
// before returning the sum: the caller is blocked inside this C function for
// the whole time (the deadlock every peer has).
intptr_t call_cb_n_thread(cb1 cb, intptr_t n) {
	struct thr t = {cb, n, 0};
	pthread_t th;
	if (pthread_create(&th, NULL, thr_main, &t) != 0) return -1;
	pthread_join(th, NULL);
	return t.sum;
}

// Many threads: thread k calls cb(k, seq) for seq in [0,iters) and checks the
// answer is seq + k*1000000. Returns the number of wrong answers; *exc counts
// the answers equal to exc (the callback's exceptional value).
struct mt { cb2 cb; intptr_t idx, iters, bad, exc, nexc; };
static void *mt_main(void *p) {
	struct mt *m = p;
	for (intptr_t i = 0; i < m->iters; i++) {
		atomic_fetch_add(&fired, 1);
		intptr_t r = m->cb(m->idx, i);
		if (r == m->exc) m->nexc++;
		else if (r != i + m->idx * 1000000) m->bad++;
	}
	return NULL;
}
intptr_t call_cb_threads(cb2 cb, intptr_t nthreads, intptr_t iters, intptr_t exc, intptr_t *nexc) {
	struct mt *ms = calloc(nthreads, sizeof *ms);
	pthread_t *ths = calloc(nthreads, sizeof *ths);
	intptr_t bad = 0;
	*nexc = 0;
	for (intptr_t i = 0; i < nthreads; i++) {
		ms[i] = (struct mt){cb, i, iters, 0, exc, 0};
		if (pthread_create(&ths[i], NULL, mt_main, &ms[i]) != 0) { nthreads = i; bad = -1; break; }
	}
	for (intptr_t i = 0; i < nthreads; i++) {
		pthread_join(ths[i], NULL);
		if (bad >= 0) bad += ms[i].bad;
		*nexc += ms[i].nexc;
	}
	free(ms);
	free(ths);
	return bad;
}

// Detached threads calling back while Go is not inside any C call.
static atomic_long det_done;
static void *det_main(void *p) {
	struct thr *t = p;
	thr_main(t);
	free(t);
	atomic_fetch_add(&det_done, 1);
	return NULL;
}
intptr_t spawn_detached(cb1 cb, intptr_t nthreads, intptr_t iters) {
	atomic_store(&det_done, 0);
	for (intptr_t i = 0; i < nthreads; i++) {
		struct thr *t = malloc(sizeof *t);
		*t = (struct thr){cb, iters, 0};
		pthread_t th;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &a, det_main, t) != 0) { free(t); atomic_fetch_add(&det_done, 1); }
		pthread_attr_destroy(&a);
	}
	return 0;
}
intptr_t detached_done(void) { return atomic_load(&det_done); }

// queue_n calls submit(loop, reqs + i*stride, work, after) for i in [0,n),
// for libuv's uv_queue_work, in one C call: the works are all queued before
// the caller needs its execution token back, whatever the works' handlers
// do with it meanwhile. It returns the first non-zero result, or 0.
typedef int (*submit4)(void *, void *, void *, void *);
int queue_n(submit4 submit, void *loop, char *reqs, intptr_t stride, void *work, void *after, intptr_t n) {
	for (intptr_t i = 0; i < n; i++) {
		int rc = submit(loop, reqs + i * stride, work, after);
		if (rc != 0) return rc;
	}
	return 0;
}
