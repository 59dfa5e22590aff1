/* ffi's test fixture: every supported type, structs by value, variadic,
 * errno, NULL returns, buffers, and a concurrency gauge for pool tests.
 * It includes the benchmark fixture (internal/benchfix/bench.c, the
 * one copy `goractor bench` embeds) so the benchmark ABI is the same library. */
#include "../../internal/benchfix/bench.c"
#include <errno.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int8_t id_i8(int8_t v) { return v; }
int16_t id_i16(int16_t v) { return v; }
int32_t id_i32(int32_t v) { return v; }
int64_t id_i64(int64_t v) { return v; }
uint8_t id_u8(uint8_t v) { return v; }
uint16_t id_u16(uint16_t v) { return v; }
uint32_t id_u32(uint32_t v) { return v; }
uint64_t id_u64(uint64_t v) { return v; }
uintptr_t id_uptr(uintptr_t v) { return v; }
float id_f32(float v) { return v; }
double id_f64(double v) { return v; }
bool id_bool(bool v) { return v; }
void *id_ptr(void *v) { return v; }
bool not_bool(bool v) { return !v; }

/* sign extension: the callee sees a negative small int */
int64_t widen_i8(int8_t v) { return v; }
int64_t widen_i16(int16_t v) { return v; }
uint64_t widen_u8(uint8_t v) { return v; }

/* mixed int and float registers */
double mixed(int a, double b, int c, float d) { return a + b + c + d; }
double many(int a, int b, int c, int d, int e, int f, int g, int h, double x, double y) {
	return a + b + c + d + e + f + g + h + x + y;
}
int64_t six(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) {
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

size_t my_strlen(const char *s) { return s ? strlen(s) : (size_t)-1; }
const char *greeting(void) { return "hello, world"; }
const char *null_str(void) { return 0; }
void *null_ptr(void) { return 0; }
const char *echo(const char *s) { return s; }
int is_null(const void *p) { return p == 0; }

/* buffers */
long sum_bytes(const unsigned char *b, int n) {
	long s = 0;
	for (int i = 0; i < n; i++) s += b[i];
	return s;
}
void fill_bytes(unsigned char *b, int n, int v) { memset(b, v, n); }
/* sleeps, then sums: for offload tests that GC during the call */
long slow_sum_bytes(const unsigned char *b, int n, int ms) {
	sleep_ms(ms);
	return sum_bytes(b, n);
}
void out_int(int *p, int v) { *p = v; }

/* structs by value */
typedef struct { int32_t x, y; } Point;
typedef struct { double x, y; } Vec2;
typedef struct { int64_t a, b, c; } Big;
Point point_add(Point p, Point q) { Point r = { p.x + q.x, p.y + q.y }; return r; }
Vec2 vec_scale(Vec2 v, double k) { Vec2 r = { v.x * k, v.y * k }; return r; }
Big big_add(Big p, Big q) { Big r = { p.a + q.a, p.b + q.b, p.c + q.c }; return r; }

/* variadic */
long sum_ints(int n, ...) {
	va_list ap;
	va_start(ap, n);
	long s = 0;
	for (int i = 0; i < n; i++) s += va_arg(ap, int);
	va_end(ap);
	return s;
}

/* errno */
int set_errno(int e) { errno = e; return -1; }
int keep_errno(void) { return 0; }

/* concurrency gauge */
static int cur_conc, max_conc, started, finished;
static pthread_mutex_t conc_mu = PTHREAD_MUTEX_INITIALIZER;
int conc_sleep_ms(int ms) {
	pthread_mutex_lock(&conc_mu);
	started++;
	if (++cur_conc > max_conc) max_conc = cur_conc;
	pthread_mutex_unlock(&conc_mu);
	sleep_ms(ms);
	pthread_mutex_lock(&conc_mu);
	cur_conc--;
	finished++;
	pthread_mutex_unlock(&conc_mu);
	return ms;
}
int max_concurrency(void) { pthread_mutex_lock(&conc_mu); int m = max_conc; pthread_mutex_unlock(&conc_mu); return m; }
int conc_finished(void) { pthread_mutex_lock(&conc_mu); int m = finished; pthread_mutex_unlock(&conc_mu); return m; }
void conc_reset(void) { pthread_mutex_lock(&conc_mu); cur_conc = max_conc = started = finished = 0; pthread_mutex_unlock(&conc_mu); }

long tid(void) { return (long)pthread_self(); }
long os_tid(void) { return syscall(SYS_gettid); } /* the kernel's id, as in /proc/self/task */

/* a result in a static buffer, like l64a or inet_ntoa: the next call
 * overwrites it, so the caller must copy it before anyone calls again */
static char fmt_buf[32];
const char *fmt_num(int v) {
	char tmp[32];
	int n = 0, neg = v < 0;
	unsigned u = neg ? -(unsigned)v : (unsigned)v;
	do { tmp[n++] = '0' + u % 10; u /= 10; } while (u);
	int i = 0;
	fmt_buf[i++] = 'n';
	if (neg) fmt_buf[i++] = '-';
	while (n) fmt_buf[i++] = tmp[--n];
	fmt_buf[i] = 0;
	return fmt_buf;
}

int64_t five(int64_t a, int32_t b, double c, int8_t d, uint16_t e) { return a + 2 * b + (int64_t)(3 * c) + 4 * d + 5 * e; }
void five_void(int64_t a, int32_t b, double c, int8_t d, int64_t *out) { *out = a + b + (int64_t)c + d; }
int str_cmp(const char *a, const char *b) { return strcmp(a, b); }
const char *str_chr(const char *s, int c) { return strchr(s, c); }
/* calls cb (which may move the calling goroutine's stack) before reading
 * its string and buffer arguments */
long cb_then_read(int (*cb)(int), const char *s, const unsigned char *b, int n) {
	long r = cb(1);
	return r + (long)strlen(s) * 1000 + sum_bytes(b, n);
}

/* small structs in every System V class mix */
typedef struct { double x; int64_t n; } DI;   /* SSE, INTEGER */
typedef struct { int64_t n; double x; } ID;   /* INTEGER, SSE */
typedef struct { float a, b; } F2;            /* one SSE eightbyte */
typedef struct { int32_t a; float b; } IF;    /* one INTEGER eightbyte (mixed) */
typedef struct { uint8_t r, g, b; } RGB;      /* 3 bytes, INTEGER */
typedef struct { float a, b, c; } F3;         /* SSE, SSE (12 bytes) */
DI di_mix(DI a, int k) { DI r = { a.x * k, a.n + k }; return r; }
ID id_mix(ID a, double k) { ID r = { a.n * 2, a.x + k }; return r; }
F2 f2_swap(F2 v) { F2 r = { v.b, v.a }; return r; }
IF if_mix(IF v) { IF r = { v.a + 1, v.b * 2 }; return r; }
RGB rgb_inv(RGB c) { RGB r = { 255 - c.r, 255 - c.g, 255 - c.b }; return r; }
F3 f3_scale(F3 v, float k) { F3 r = { v.a * k, v.b * k, v.c * k }; return r; }
/* the struct no longer fits the registers: it goes on the stack */
int64_t six_then_point(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, Point p) {
	return a + b + c + d + e + p.x * 100 + p.y;
}
double di_sum(DI a, DI b, DI c, DI d) { return a.x + a.n + b.x + b.n + c.x + c.n + d.x + d.n; }
typedef struct { int64_t a, b; } Pair;       /* INTEGER, INTEGER */
/* five integer registers taken, the pair needs two: it goes on the stack */
int64_t five_then_pair(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, Pair p) {
	return a + b + c + d + e + p.a * 100 + p.b;
}

/* rendezvous: each call waits until n calls are inside at once, polling,
 * and returns 1; once one call has waited timeout_ms in vain, it and every
 * later call return 0 at once (the calls were not run side by side). */
static atomic_int rv_inside, rv_expired;
int rendezvous(int n, int timeout_ms) {
	atomic_fetch_add(&rv_inside, 1);
	for (long waited = 0; atomic_load(&rv_inside) < n; waited++) {
		if (atomic_load(&rv_expired) || waited >= (long)timeout_ms * 10) {
			atomic_store(&rv_expired, 1);
			return 0;
		}
		usleep(100);
	}
	return 1;
}
void rendezvous_reset(void) { atomic_store(&rv_inside, 0); atomic_store(&rv_expired, 0); }

/* a short C function that calls back into Go: bound WithLeaf by
 * TestLeaf_CallbackRefused, where the callback must be refused. kind 0
 * calls the pointer form cb(x), kind 1 the handle form cb(leaf_ud, x). */
static intptr_t leaf_ud;
intptr_t leaf_set_ud(intptr_t ud) { leaf_ud = ud; return ud; }
int64_t leaf_cb(void *cb, int32_t kind, int32_t x) {
	if (kind == 0) return ((intptr_t (*)(intptr_t))cb)(x) + 1;
	return ((intptr_t (*)(intptr_t, intptr_t))cb)(leaf_ud, x) + 1;
}
