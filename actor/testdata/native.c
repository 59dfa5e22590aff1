// Native fixture for package actor's tests: thread-local state, a
// blocking sleep and a blocking read, called through purego.
#include <time.h>
#include <unistd.h>

static __thread int tls_value;

void set_tls(int v) { tls_value = v; }
int get_tls(void) { return tls_value; }

void sleep_ms(int ms) {
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0) {}
}

// wait_fd blocks in C until one byte can be read from fd (the test writes
// it when it wants the call to return), and returns read's result.
int wait_fd(int fd) {
	char c;
	return (int)read(fd, &c, 1);
}
