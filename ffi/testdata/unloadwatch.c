// unloadwatch: a library that reports calls made into it after its unload
// began. watch_set gives it two ints of the test's memory: [0] is set by the
// library's destructor (dlclose runs it before unmapping the code), [1]
// counts the calls that started after that.
#include <stdatomic.h>

static _Atomic int *watch;

void watch_set(int *p) { watch = (_Atomic int *)p; }

__attribute__((destructor)) static void fini(void) {
	if (watch)
		atomic_store(&watch[0], 1);
}

int watched_add(int a, int b) {
	_Atomic int *w = watch;
	if (w && atomic_load(&w[0]))
		atomic_fetch_add(&w[1], 1);
	return a + b;
}

void watched_noop(void) {
	_Atomic int *w = watch;
	if (w && atomic_load(&w[0]))
		atomic_fetch_add(&w[1], 1);
}
