/*
 * test_jobs.c: jobs on several threads (jobs.h): each job runs once, and
 * the error reported is that of the first failed job in job order, not of
 * the first failure in time.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "relc/error.h"
#include "relc/jobs.h"

#define NJOBS 1000

struct counts {
	atomic_int runs[NJOBS];
	atomic_int total;
	size_t order[NJOBS];
	pthread_t threads[NJOBS];
	atomic_int fail_from; /* jobs >= this fail (-1: none) */
};

static int
count_job(void *ctx, size_t i, struct relc_error *err)
{
	struct counts *c = ctx;
	int k = atomic_fetch_add(&c->total, 1);

	atomic_fetch_add(&c->runs[i], 1);
	if (k >= 0 && k < NJOBS)
		c->order[k] = i;
	c->threads[i] = pthread_self();
	if (atomic_load(&c->fail_from) >= 0 &&
	    i >= (size_t)atomic_load(&c->fail_from))
		return relc_error_set(err, RELC_EIO, "job %zu failed", i);
	return 0;
}

static struct counts *
counts_new(void)
{
	struct counts *c = calloc(1, sizeof(*c));
	size_t i;

	assert_non_null(c);
	for (i = 0; i < NJOBS; i++)
		atomic_init(&c->runs[i], 0);
	atomic_init(&c->total, 0);
	atomic_init(&c->fail_from, -1);
	return c;
}

static void
test_threads(void **state)
{
	unsigned t;

	(void)state;
	t = relc_jobs_threads(0, 1000);
	assert_true(t >= 1);
	assert_int_equal(relc_jobs_threads(3, 10), 3);
	assert_int_equal(relc_jobs_threads(1, 10), 1);
	assert_int_equal(relc_jobs_threads(8, 2), 2); /* no more than jobs */
	assert_int_equal(relc_jobs_threads(0, 1), 1);
	assert_int_equal(relc_jobs_threads(5, 0), 1);
}

/* Every job runs exactly once, whatever the number of threads. */
static void
test_every_job_once(void **state)
{
	static const unsigned threads[] = {0, 1, 2, 4, 8, 64};
	size_t k, i;

	(void)state;
	for (k = 0; k < RELC_ARRAY_SIZE(threads); k++) {
		struct relc_error err = RELC_ERROR_INIT;
		struct counts *c = counts_new();

		assert_int_equal(
		    relc_jobs_run(NJOBS, count_job, c, threads[k], &err), 0);
		assert_false(relc_error_isset(&err));
		assert_int_equal(atomic_load(&c->total), NJOBS);
		for (i = 0; i < NJOBS; i++)
			assert_int_equal(atomic_load(&c->runs[i]), 1);
		free(c);
	}
}

static void
test_no_jobs(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct counts *c = counts_new();

	(void)state;
	assert_int_equal(relc_jobs_run(0, count_job, c, 4, &err), 0);
	assert_int_equal(atomic_load(&c->total), 0);
	assert_false(relc_error_isset(&err));
	free(c);
}

/* One thread: the jobs in order, on the calling thread. */
static void
test_one_thread(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct counts *c = counts_new();
	size_t i;

	(void)state;
	assert_int_equal(relc_jobs_run(50, count_job, c, 1, &err), 0);
	for (i = 0; i < 50; i++) {
		assert_int_equal(c->order[i], i);
		assert_true(pthread_equal(c->threads[i], pthread_self()));
	}
	free(c);
}

/* After a failure no new job starts (one thread: the rest never run). */
static void
test_stops_after_failure(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct counts *c = counts_new();
	size_t i;

	(void)state;
	atomic_store(&c->fail_from, 3);
	assert_int_equal(relc_jobs_run(50, count_job, c, 1, &err), -1);
	assert_int_equal(err.kind, RELC_EIO);
	assert_string_equal(err.msg.buf, "job 3 failed");
	assert_int_equal(atomic_load(&c->total), 4);
	for (i = 4; i < 50; i++)
		assert_int_equal(atomic_load(&c->runs[i]), 0);
	relc_error_release(&err);
	free(c);
}

/* Every job fails: job 0's error, however many threads. */
static void
test_all_fail(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct counts *c = counts_new();

	(void)state;
	atomic_store(&c->fail_from, 0);
	assert_int_equal(relc_jobs_run(NJOBS, count_job, c, 8, &err), -1);
	assert_string_equal(err.msg.buf, "job 0 failed");
	relc_error_release(&err);
	free(c);
}

static void
nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Wait (up to 5 s) for flag; 1 if it came. */
static int
await(atomic_int *flag)
{
	int k;

	for (k = 0; k < 5000; k++) {
		if (atomic_load(flag))
			return 1;
		nap(1);
	}
	return 0;
}

struct race {
	atomic_int started5, failed9, started[2], saw_other[2];
};

/* Two jobs that wait for each other: only possible on two threads. */
static int
meet_job(void *ctx, size_t i, struct relc_error *err)
{
	struct race *r = ctx;

	(void)err;
	atomic_store(&r->started[i], 1);
	atomic_store(&r->saw_other[i], await(&r->started[1 - i]));
	return 0;
}

static void
test_runs_concurrently(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct race r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(relc_jobs_run(2, meet_job, &r, 2, &err), 0);
	assert_true(atomic_load(&r.saw_other[0]));
	assert_true(atomic_load(&r.saw_other[1]));
}

/*
 * Job 5 fails slowly, job 9 at once (but only once job 5 is under way):
 * job 9's failure is seen first, job 5's error is the one reported.
 */
static int
race_job(void *ctx, size_t i, struct relc_error *err)
{
	struct race *r = ctx;

	if (i == 5) {
		atomic_store(&r->started5, 1);
		if (!await(&r->failed9))
			return relc_error_set(err, RELC_EINTERNAL,
					      "job 9 never failed");
		nap(50);
		return relc_error_set(err, RELC_EIO, "job 5 failed slowly");
	}
	if (i == 9) {
		if (!await(&r->started5))
			return relc_error_set(err, RELC_EINTERNAL,
					      "job 5 never started");
		atomic_store(&r->failed9, 1);
		return relc_error_set(err, RELC_EIO, "job 9 failed at once");
	}
	return 0;
}

static void
test_first_failure_in_job_order(void **state)
{
	int round;

	(void)state;
	for (round = 0; round < 5; round++) {
		struct relc_error err = RELC_ERROR_INIT;
		struct race r;

		memset(&r, 0, sizeof(r));
		assert_int_equal(relc_jobs_run(20, race_job, &r, 4, &err), -1);
		assert_int_equal(err.kind, RELC_EIO);
		assert_string_equal(err.msg.buf, "job 5 failed slowly");
		relc_error_release(&err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_every_job_once),
	    cmocka_unit_test(test_no_jobs),
	    cmocka_unit_test(test_one_thread),
	    cmocka_unit_test(test_stops_after_failure),
	    cmocka_unit_test(test_all_fail),
	    cmocka_unit_test(test_runs_concurrently),
	    cmocka_unit_test(test_first_failure_in_job_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
