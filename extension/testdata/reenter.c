// Fixture for re-entry from threads the Go runtime did not create: each
// function calls a callback on a new pthread and joins it before returning,
// so the caller is inside native code for the whole callback.
#include <pthread.h>
#include <stdint.h>

typedef int64_t (*cb_t)(int64_t);

struct job {
	cb_t cb;
	int64_t x, r;
};

static void *run(void *p) {
	struct job *j = p;
	j->r = j->cb(j->x);
	return 0;
}

int64_t re_on_thread(cb_t cb, int64_t x) {
	struct job j = {cb, x, 0};
	pthread_t t;
	if (pthread_create(&t, 0, run, &j) != 0) {
		return -2;
	}
	pthread_join(t, 0);
	return j.r;
}

int64_t re_inline(cb_t cb, int64_t x) { return cb(x); }

int64_t re_id(int64_t x) { return x; }
