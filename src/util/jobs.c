/*
 * jobs.c: a small pool of threads over a list of jobs (see jobs.h).
 */
#include "relc/compat.h"
#include "relc/jobs.h"

#include <pthread.h>
#include <unistd.h>

#include "relc/error.h"
#include "relc/xalloc.h"

#define MAX_THREADS 16

struct pool {
	size_t n, next;
	relc_job_fn run;
	void *ctx;
	struct relc_error *errs;
	unsigned char *failed;
	int stop;
	pthread_mutex_t mu;
};

static void *
worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->mu);
		if (p->stop || p->next >= p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (p->run(p->ctx, i, &p->errs[i])) {
			pthread_mutex_lock(&p->mu);
			p->failed[i] = 1;
			p->stop = 1;
			pthread_mutex_unlock(&p->mu);
		}
	}
}

unsigned
relc_jobs_threads(unsigned asked, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = asked ? asked : (cpus > 0 ? (unsigned)cpus : 1);

	if (t > MAX_THREADS)
		t = MAX_THREADS;
	if (t > n)
		t = (unsigned)n;
	return t ? t : 1;
}

int
relc_jobs_run(size_t n, relc_job_fn run, void *ctx, unsigned threads,
	      struct relc_error *err)
{
	pthread_t tids[MAX_THREADS];
	struct pool p;
	unsigned t = relc_jobs_threads(threads, n), started = 0, k;
	size_t i;

	if (!n)
		return 0;
	memset(&p, 0, sizeof(p));
	p.n = n;
	p.run = run;
	p.ctx = ctx;
	RELC_CALLOC_ARRAY(p.errs, n);
	RELC_CALLOC_ARRAY(p.failed, n);
	for (i = 0; i < n; i++)
		relc_error_init(&p.errs[i]);
	pthread_mutex_init(&p.mu, NULL);
	for (; started + 1 < t; started++)
		if (pthread_create(&tids[started], NULL, worker, &p))
			break;
	worker(&p);
	for (k = 0; k < started; k++)
		pthread_join(tids[k], NULL);
	pthread_mutex_destroy(&p.mu);
	for (i = 0; i < n; i++) {
		if (p.failed[i] && !relc_error_isset(err)) {
			*err = p.errs[i];
			relc_error_init(&p.errs[i]);
		}
		relc_error_release(&p.errs[i]);
	}
	free(p.errs);
	free(p.failed);
	return relc_error_isset(err) ? -1 : 0;
}
