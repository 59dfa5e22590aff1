// C fixture for the callback tests of internal/callback and ffi
// (ffi/callback_*_test.go builds this file too). The benchmarks use
// internal/benchfix/bench.c.
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdatomic.h>

typedef intptr_t (*cb1)(intptr_t);
typedef intptr_t (*cb2)(intptr_t, intptr_t);

// fired counts every call C made through a callback pointer in call_cb_n and
// the multi-thread loops: ffi's tests check fired == delivered + exceptional
// against it.
static atomic_long fired;
intptr_t cbfix_fired(void) { return atomic_load(&fired); }
void cbfix_reset(void) { atomic_store(&fired, 0); }

// call_cb_n calls cb(i) for i in [0,n) on the calling thread and returns the sum of results.
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

// call_cb_n_thread starts one pthread that calls cb n times, waits for it and
// returns the sum: the caller is blocked inside this C function the whole time.
intptr_t call_cb_n_thread(cb1 cb, intptr_t n) {
	struct thr t = {cb, n, 0};
	pthread_t th;
	if (pthread_create(&th, NULL, thr_main, &t) != 0) return -1;
	pthread_join(th, NULL);
	return t.sum;
}

// Mixed argument layout: ints and floats interleaved, narrow types with
// garbage in the upper bits of their registers.
typedef intptr_t (*cbmix)(int8_t, double, uint16_t, float, int32_t, double, uint8_t, int64_t, float, void *, double, double, double, double);
intptr_t call_cb_mix(cbmix cb) {
	return cb(-5, 1.5, 65535, 2.25f, -100000, 3.5, 1, 1LL << 40, -0.5f, (void *)0x1234, 5.5, 6.5, 7.5, 8.5);
}

// Narrow returns: the callback returns int8; C widens.
typedef int8_t (*cbi8)(int8_t);
intptr_t call_cb_i8(cbi8 cb, int8_t x) { return (intptr_t)cb(x); }

// Userdata form: cb(ud, x).
intptr_t call_cb_ud(cb2 cb, intptr_t ud, intptr_t x) { return cb(ud, x); }

// Many threads: thread k calls cb(k, seq) for seq in [0,iters) and checks the
// answer is seq + k*1000000. An answer equal to exc (the callback's
// exceptional value) counts in nexc, any other wrong one in bad.
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

// call_cb_threads runs nthreads such threads and joins them. It returns the
// number of wrong answers (-1 when a thread could not be created) and stores
// the number of exceptional ones in *nexc.
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

// Detached threads that call back while Go does not wait in C, as
// call_cb_threads's threads do (every answer other than seq + k*1000000
// counts in detached_bad).
static atomic_long det_done, det_bad;
static void *det_main(void *p) {
	struct mt *m = p;
	mt_main(m);
	atomic_fetch_add(&det_bad, m->bad);
	free(m);
	atomic_fetch_add(&det_done, 1);
	return NULL;
}
intptr_t spawn_detached(cb2 cb, intptr_t nthreads, intptr_t iters) {
	atomic_store(&det_done, 0);
	atomic_store(&det_bad, 0);
	for (intptr_t i = 0; i < nthreads; i++) {
		struct mt *m = malloc(sizeof *m);
		*m = (struct mt){cb, i, iters, 0, INTPTR_MIN, 0};
		pthread_t th;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &a, det_main, m) != 0) { free(m); atomic_fetch_add(&det_done, 1); }
		pthread_attr_destroy(&a);
	}
	return 0;
}
intptr_t detached_done(void) { return atomic_load(&det_done); }
intptr_t detached_bad(void) { return atomic_load(&det_bad); }

// Churn: total short-lived threads, at most conc alive at once, each calls cb(i) once.
// Returns the sum of results.
intptr_t churn(cb1 cb, intptr_t total, intptr_t conc) {
	intptr_t s = 0;
	struct thr *ts = calloc(conc, sizeof *ts);
	pthread_t *ths = calloc(conc, sizeof *ths);
	for (intptr_t done = 0; done < total; ) {
		intptr_t k = total - done < conc ? total - done : conc;
		for (intptr_t i = 0; i < k; i++) {
			ts[i] = (struct thr){cb, 1, 0};
			pthread_create(&ths[i], NULL, thr_main, &ts[i]);
		}
		for (intptr_t i = 0; i < k; i++) { pthread_join(ths[i], NULL); s += ts[i].sum; }
		done += k;
	}
	free(ts); free(ths);
	return s;
}

// A stored callback, called later (after the Go side closed it, say).
static cb1 stored;
void store_cb(cb1 cb) { stored = cb; }
intptr_t call_stored(intptr_t x) { return stored(x); }
intptr_t call_stored_thread(intptr_t x) {
	struct thr t = {stored, 1, 0};
	pthread_t th;
	pthread_create(&th, NULL, thr_main, &t);
	pthread_join(th, NULL);
	(void)x;
	return t.sum;
}

// Recursion through Go: cb(depth) is expected to call call_cb_depth again.
intptr_t call_cb_depth(cb1 cb, intptr_t depth) { return cb(depth); }

// A thread that calls cb(0), then stays alive (outside Go) until
// held_release() is called, then calls cb(1) and exits. held_join waits for
// it and returns the sum of both results.
static pthread_t held_th;
static atomic_int held_go;
static struct thr held_t;
static void *held_main(void *p) {
	struct thr *t = p;
	t->sum = t->cb(0);
	while (!atomic_load(&held_go)) usleep(100);
	t->sum += t->cb(1);
	return NULL;
}
intptr_t held_start(cb1 cb) {
	atomic_store(&held_go, 0);
	held_t = (struct thr){cb, 0, 0};
	return pthread_create(&held_th, NULL, held_main, &held_t);
}
void held_release(void) { atomic_store(&held_go, 1); }
intptr_t held_join(void) { pthread_join(held_th, NULL); return held_t.sum; }

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

// Close storm (TestCloseDuringCallStorm): Go publishes records of callbacks
// it creates and closes while C threads call them. A thread, until Go sets
// *stop (at most iters times), reads the index of the newest record (an atomic load: Go fills a record
// before it stores its index), calls fn(h, tag) and checks the answer:
// tag + 1 from the handler, exc, the exceptional value of a closed
// callback, or 0, what a stale Handle whose table entry another callback
// took gets (out[3]); anything else counts in out[2]. out[0] counts the
// calls, out[1] the exceptional answers (exc or 0).
struct srec { intptr_t fn, h, tag; };
struct storm { struct srec *recs; _Atomic intptr_t *cur, *stop; intptr_t iters, exc; _Atomic intptr_t *out; };
static void *storm_main(void *p) {
	struct storm *s = p;
	for (intptr_t i = 0; i < s->iters && !atomic_load(s->stop); i++) {
		struct srec r = s->recs[atomic_load(s->cur)];
		intptr_t got = ((cb2)r.fn)(r.h, r.tag);
		atomic_fetch_add(&s->out[0], 1);
		if (got == s->exc) atomic_fetch_add(&s->out[1], 1);
		else if (got == 0) { atomic_fetch_add(&s->out[1], 1); atomic_fetch_add(&s->out[3], 1); }
		else if (got != r.tag + 1) atomic_fetch_add(&s->out[2], 1);
	}
	return NULL;
}

// storm_run runs nthreads such threads and joins them; -1 when a thread
// could not be created.
intptr_t storm_run(intptr_t nthreads, intptr_t iters, struct srec *recs, _Atomic intptr_t *cur, _Atomic intptr_t *stop, intptr_t exc, _Atomic intptr_t *out) {
	struct storm s = {recs, cur, stop, iters, exc, out};
	pthread_t *ths = calloc(nthreads, sizeof *ths);
	intptr_t r = 0;
	for (intptr_t i = 0; i < nthreads; i++) {
		if (pthread_create(&ths[i], NULL, storm_main, &s) != 0) { nthreads = i; r = -1; break; }
	}
	for (intptr_t i = 0; i < nthreads; i++) pthread_join(ths[i], NULL);
	free(ths);
	return r;
}

// storm_publish makes record k the newest (through a C call, as a C API
// receives a callback, so that the race detector sees Go's writes before
// the C threads' calls).
void storm_publish(_Atomic intptr_t *cur, intptr_t k) { atomic_store(cur, k); }

// call_cb_keeps_regs calls cb(x) with marker values in the callee-saved
// registers RBX and R12-R15 (x86-64 System V) and returns cb's result when
// all of them still hold their marker after the call, -1 when one does
// not. (RBP is left alone: the runtime may walk frame pointers.) On other
// architectures it only calls cb.
#if defined(__x86_64__)
__attribute__((naked)) intptr_t call_cb_keeps_regs(cb1 cb, intptr_t x) {
	__asm__ volatile(
		"push %rbx\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
		"mov %rdi, %rax\n\tmov %rsi, %rdi\n\t"
		"movabs $0x0b0b0b0b0b0b0b01, %rbx\n\t"
		"movabs $0x0c0c0c0c0c0c0c02, %r12\n\t"
		"movabs $0x0d0d0d0d0d0d0d03, %r13\n\t"
		"movabs $0x0e0e0e0e0e0e0e04, %r14\n\t"
		"movabs $0x0f0f0f0f0f0f0f05, %r15\n\t"
		"call *%rax\n\t" // five pushes after the return address: RSP is 16-byte aligned
		"movabs $0x0b0b0b0b0b0b0b01, %rcx\n\tcmp %rcx, %rbx\n\tjne 1f\n\t"
		"movabs $0x0c0c0c0c0c0c0c02, %rcx\n\tcmp %rcx, %r12\n\tjne 1f\n\t"
		"movabs $0x0d0d0d0d0d0d0d03, %rcx\n\tcmp %rcx, %r13\n\tjne 1f\n\t"
		"movabs $0x0e0e0e0e0e0e0e04, %rcx\n\tcmp %rcx, %r14\n\tjne 1f\n\t"
		"movabs $0x0f0f0f0f0f0f0f05, %rcx\n\tcmp %rcx, %r15\n\tjne 1f\n\t"
		"jmp 2f\n"
		"1:\n\tmov $-1, %rax\n"
		"2:\n\tpop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbx\n\tret\n");
}
#else
intptr_t call_cb_keeps_regs(cb1 cb, intptr_t x) { return cb(x); }
#endif
