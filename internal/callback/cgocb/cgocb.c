//go:build cgo

#include <pthread.h>
#include <stdint.h>
#include "_cgo_export.h"

intptr_t cgocb_call_n(intptr_t n) {
	intptr_t s = 0;
	for (intptr_t i = 0; i < n; i++) s += goractorCgocbHandler(i);
	return s;
}

struct cgocb_thr { intptr_t n, sum; };

static void *cgocb_main(void *p) {
	struct cgocb_thr *t = p;
	t->sum = cgocb_call_n(t->n);
	return NULL;
}

intptr_t cgocb_call_n_thread(intptr_t n) {
	struct cgocb_thr t = {n, 0};
	pthread_t th;
	if (pthread_create(&th, NULL, cgocb_main, &t) != 0) return -1;
	pthread_join(th, NULL);
	return t.sum;
}
