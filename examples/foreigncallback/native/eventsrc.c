/* eventsrc: a tiny C library that, like many real ones (audio engines,
 * network stacks, file watchers), delivers events from threads it starts
 * itself. The Go side never created these threads. */
#include <pthread.h>
#include <stdlib.h>

typedef int (*event_cb)(int source, int seq);

struct src { event_cb cb; int id, n; long sum; };

static void *source_main(void *p) {
	struct src *s = p;
	for (int i = 0; i < s->n; i++) s->sum += s->cb(s->id, i);
	return NULL;
}

static struct src *srcs;
static pthread_t *ths;
static int nsrc;

/* start_sources starts n threads; each calls cb(source, seq) for seq in
 * [0, m). It returns at once (0) or -1 when a thread could not start. */
int start_sources(event_cb cb, int n, int m) {
	srcs = calloc(n, sizeof *srcs);
	ths = calloc(n, sizeof *ths);
	nsrc = 0;
	for (int i = 0; i < n; i++) {
		srcs[i] = (struct src){cb, i, m, 0};
		if (pthread_create(&ths[i], NULL, source_main, &srcs[i]) != 0) return -1;
		nsrc++;
	}
	return 0;
}

/* join_sources waits for the threads start_sources started and returns the
 * sum of every callback's return value. */
long join_sources(void) {
	long sum = 0;
	for (int i = 0; i < nsrc; i++) {
		pthread_join(ths[i], NULL);
		sum += srcs[i].sum;
	}
	free(srcs);
	free(ths);
	srcs = NULL;
	ths = NULL;
	nsrc = 0;
	return sum;
}

/* run_sources is start_sources + join_sources in one blocking call: the
 * caller waits inside C while the threads call back. */
long run_sources(event_cb cb, int n, int m) {
	if (start_sources(cb, n, m) != 0) return -1;
	return join_sources();
}
