// Callback fixture for package actor's lifetime tests: C code that calls a
// callback from a pthread it creates (a thread the Go runtime never made).
#include <pthread.h>
#include <stdint.h>

typedef intptr_t (*cb1)(intptr_t);

struct thr { cb1 cb; intptr_t x; intptr_t r; };

static void *thr_main(void *p) {
	struct thr *t = p;
	t->r = t->cb(t->x);
	return NULL;
}

// call_on_thread starts a pthread that calls cb(x), waits for it and returns
// what cb returned (-999 if the thread could not be created).
intptr_t call_on_thread(cb1 cb, intptr_t x) {
	struct thr t = {cb, x, 0};
	pthread_t th;
	if (pthread_create(&th, NULL, thr_main, &t) != 0) return -999;
	pthread_join(th, NULL);
	return t.r;
}
