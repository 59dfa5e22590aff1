// Native fixture for package actor's tests: thread-local state and a
// blocking sleep, called through purego.
#include <time.h>

static __thread int tls_value;

void set_tls(int v) { tls_value = v; }
int get_tls(void) { return tls_value; }

void sleep_ms(int ms) {
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0) {}
}
