/*
 * jobs.h: running independent jobs on several threads.
 *
 * Job i is run(ctx, i, err) with an error struct of its own.  After the
 * first failure no new job starts; the error reported is that of the
 * failed job that comes first in job order, whichever thread saw its
 * failure first, so that the message does not depend on the timing.
 */
#ifndef RELC_JOBS_H
#define RELC_JOBS_H

#include <stddef.h>

struct relc_error;

typedef int (*relc_job_fn)(void *ctx, size_t i, struct relc_error *err);

/* The threads to use for `asked` (0: one per CPU) and n jobs. */
unsigned relc_jobs_threads(unsigned asked, size_t n);

/* Run jobs 0..n-1 on up to `threads` threads (0: one per CPU). */
int relc_jobs_run(size_t n, relc_job_fn run, void *ctx, unsigned threads,
		  struct relc_error *err);

#endif
