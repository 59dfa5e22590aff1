// A library whose constructor installs a SIGUSR1 handler WITHOUT SA_ONSTACK,
// chaining to the handler it replaced (as many libraries do). When the signal
// lands on a thread running a goroutine, the chained Go handler finds itself
// off the signal stack and the Go runtime throws:
// "non-Go code set up signal handler without SA_ONSTACK flag".
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

static struct sigaction prev;
static volatile sig_atomic_t fired;

static void handler(int sig, siginfo_t *info, void *ctx) {
	fired++;
	if (prev.sa_flags & SA_SIGINFO) {
		if (prev.sa_sigaction) prev.sa_sigaction(sig, info, ctx);
	} else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
		prev.sa_handler(sig);
	}
}

__attribute__((constructor)) static void install(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART; /* no SA_ONSTACK: the bug under test */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &prev);
}

int sig_fired(void) { return fired; }
