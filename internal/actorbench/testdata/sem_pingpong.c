// sem_pingpong_us runs a ping-pong between two pthreads over two POSIX
// semaphores (sem_post/sem_wait) and returns microseconds per round trip.
// It is the C baseline for goractor's pinned-actor ping-pong benchmark.
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

static sem_t ping, pong;
static int rounds;

static void *ponger(void *arg) {
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		sem_wait(&ping);
		sem_post(&pong);
	}
	return 0;
}

double sem_pingpong_us(int iters) {
	pthread_t t;
	struct timespec a, b;
	rounds = iters;
	sem_init(&ping, 0, 0);
	sem_init(&pong, 0, 0);
	if (pthread_create(&t, 0, ponger, 0) != 0) return -1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < iters; i++) {
		sem_post(&ping);
		sem_wait(&pong);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	pthread_join(t, 0);
	sem_destroy(&ping);
	sem_destroy(&pong);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / iters;
}
