/*
 * test_lock.c: the directory lock (lock.h): taking and letting go, waiting
 * for another process that holds it, and an interrupt while waiting.
 * Another process holds the lock in a forked child; pipes sequence the
 * two, so nothing sleeps longer than it must.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/error.h"
#include "relc/interrupt.h"
#include "relc/lock.h"
#include "relc/strbuf.h"

/* Can another process lock dir right now? 1 yes, 0 no. */
static int
free_for_others(const char *dir)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			_exit(2);
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			_exit(1);
		_exit(errno == EWOULDBLOCK ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) <= 1);
	return WEXITSTATUS(status);
}

/*
 * A child that holds the lock on dir until the parent closes `cmd` (or
 * `hold_ms` passed).  Writing 'K' to cmd makes it send SIGINT to the
 * parent every 20 ms from then on.
 */
struct holder {
	pid_t pid;
	int cmd; /* the parent's end; -1 once closed */
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
holder_child(const char *dir, int ready, int cmd, long hold_ms)
{
	struct relc_lock l = RELC_LOCK_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	pid_t parent = getppid();
	long deadline = now_ms() + hold_ms;
	int killing = 0;

	if (relc_lock_dir(&l, dir, NULL, NULL, &err))
		_exit(2);
	if (write(ready, "L", 1) != 1)
		_exit(3);
	for (;;) {
		struct pollfd p = {cmd, POLLIN, 0};
		char c;
		int r = poll(&p, 1, 20);

		if (r > 0) {
			if (read(cmd, &c, 1) != 1)
				_exit(0); /* EOF: let go */
			if (c == 'K')
				killing = 1;
		}
		if (killing)
			kill(parent, SIGINT);
		if (now_ms() > deadline)
			_exit(0);
	}
}

static void
holder_start(struct holder *h, const char *dir, long hold_ms)
{
	int ready[2], cmd[2];
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(cmd), 0);
	h->pid = fork();
	assert_true(h->pid >= 0);
	if (h->pid == 0) {
		close(ready[0]);
		close(cmd[1]);
		holder_child(dir, ready[1], cmd[0], hold_ms);
		_exit(4);
	}
	close(ready[1]);
	close(cmd[0]);
	h->cmd = cmd[1];
	/* the child holds the lock once it says so */
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, 'L');
	close(ready[0]);
}

static void
holder_finish(struct holder *h)
{
	int status;

	if (h->cmd >= 0)
		close(h->cmd);
	h->cmd = -1;
	assert_int_equal(waitpid(h->pid, &status, 0), h->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

struct waited {
	int calls;
	struct relc_strbuf msg;
	struct holder *h;
	char send;     /* write this to the holder; 0: close the pipe */
	int raise_sig; /* relc_interrupt_raise this */
	long called_ms;
};

static void
on_waiting(void *ctx, const char *msg)
{
	struct waited *w = ctx;

	w->calls++;
	w->called_ms = now_ms();
	relc_strbuf_addstr(&w->msg, msg);
	if (w->raise_sig)
		relc_interrupt_raise(w->raise_sig);
	if (w->send) {
		if (write(w->h->cmd, &w->send, 1) != 1)
			abort();
	} else if (w->h) {
		close(w->h->cmd);
		w->h->cmd = -1;
	}
}

/* Lock, let go, lock again. */
static void
test_lock_and_release(void **state)
{
	const char *dir = *state;
	struct relc_lock l = RELC_LOCK_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct waited w;

	memset(&w, 0, sizeof(w));
	assert_int_equal(free_for_others(dir), 1);
	assert_int_equal(relc_lock_dir(&l, dir, on_waiting, &w, &err), 0);
	assert_true(l.fd >= 0);
	assert_int_equal(w.calls, 0); /* nobody else had it */
	assert_int_equal(free_for_others(dir), 0);
	relc_lock_release(&l);
	assert_int_equal(l.fd, -1);
	assert_int_equal(free_for_others(dir), 1);
	relc_lock_release(&l); /* a released lock is fine */
	{
		struct relc_lock never = RELC_LOCK_INIT;

		relc_lock_release(&never);
	}
	assert_int_equal(relc_lock_dir(&l, dir, NULL, NULL, &err), 0);
	assert_int_equal(free_for_others(dir), 0);
	relc_lock_release(&l);
	assert_false(relc_error_isset(&err));
}

/* What cannot be locked: a missing directory, a file. */
static void
test_lock_fails(void **state)
{
	const char *dir = *state;
	struct relc_lock l = RELC_LOCK_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf p = RELC_STRBUF_INIT;

	relc_strbuf_addf(&p, "%s/missing", dir);
	assert_int_equal(relc_lock_dir(&l, p.buf, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, RELC_EIO);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_non_null(strstr(err.msg.buf, p.buf));
	assert_int_equal(l.fd, -1);
	relc_error_release(&err);
	fixture_write(dir, "file", "");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/file", dir);
	assert_int_equal(relc_lock_dir(&l, p.buf, NULL, NULL, &err), -1);
	assert_int_equal(err.sys_errno, ENOTDIR);
	assert_int_equal(l.fd, -1);
	relc_error_release(&err);
	relc_strbuf_release(&p);
}

/* Held by another process: `waiting` once, then the lock when it goes. */
static void
test_lock_waits_for_holder(void **state)
{
	const char *dir = *state;
	struct relc_lock l = RELC_LOCK_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct holder h;
	struct waited w;

	alarm(20);
	holder_start(&h, dir, 10000);
	memset(&w, 0, sizeof(w));
	w.h = &h; /* the callback closes the pipe: the holder exits */
	assert_int_equal(relc_lock_dir(&l, dir, on_waiting, &w, &err), 0);
	assert_int_equal(w.calls, 1);
	assert_non_null(strstr(w.msg.buf, dir));
	assert_non_null(strstr(w.msg.buf, "waiting"));
	assert_null(strchr(w.msg.buf, '\n'));
	assert_true(l.fd >= 0);
	holder_finish(&h);
	assert_int_equal(free_for_others(dir), 0);
	relc_lock_release(&l);
	relc_strbuf_release(&w.msg);

	/* without a callback, the same wait */
	holder_start(&h, dir, 200);
	assert_int_equal(relc_lock_dir(&l, dir, NULL, NULL, &err), 0);
	holder_finish(&h);
	relc_lock_release(&l);
	alarm(0);
}

static void
restore_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	relc_interrupt_raise(0);
}

/* Every test: no alarm left behind by a failed assertion, no handlers. */
static int
teardown(void **state)
{
	alarm(0);
	restore_signals();
	return fixture_tmpdir_teardown(state);
}

/* SIGINT while waiting: the wait stops with RELC_EINTERRUPTED. */
static void
test_lock_interrupted(void **state)
{
	const char *dir = *state;
	struct relc_lock l = RELC_LOCK_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct holder h;
	struct waited w;

	alarm(20);
	relc_interrupt_install();
	holder_start(&h, dir, 10000);
	memset(&w, 0, sizeof(w));
	w.h = &h;
	w.send = 'K'; /* the holder starts sending SIGINT */
	assert_int_equal(relc_lock_dir(&l, dir, on_waiting, &w, &err), -1);
	assert_int_equal(err.kind, RELC_EINTERRUPTED);
	assert_int_equal(l.fd, -1);
	assert_int_equal(w.calls, 1);
	assert_int_equal(relc_interrupt_signal(), SIGINT);
	holder_finish(&h);
	restore_signals();
	relc_error_release(&err);
	relc_strbuf_release(&w.msg);
	/* the lock is free again, and can be had */
	assert_int_equal(relc_lock_dir(&l, dir, NULL, NULL, &err), 0);
	relc_lock_release(&l);
	alarm(0);
}

/*
 * An interrupt that is already there when the wait begins (it came while
 * `waiting` printed its message) stops the wait too: it must not be lost
 * until the other process lets go.
 */
static void
test_lock_interrupt_pending_when_waiting(void **state)
{
	const char *dir = *state;
	struct relc_lock l = RELC_LOCK_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct holder h;
	struct waited w;
	long waited_ms;
	int r;

	alarm(20);
	relc_interrupt_install();
	holder_start(&h, dir, 2000); /* lets go by itself after 2 s */
	memset(&w, 0, sizeof(w));
	w.h = &h;
	w.send = 'x'; /* nothing for the holder to do */
	w.raise_sig = SIGINT;
	r = relc_lock_dir(&l, dir, on_waiting, &w, &err);
	waited_ms = now_ms() - w.called_ms;
	relc_lock_release(&l);
	holder_finish(&h);
	restore_signals();
	assert_int_equal(w.calls, 1);
	assert_int_equal(r, -1);
	assert_int_equal(err.kind, RELC_EINTERRUPTED);
	assert_true(waited_ms < 1000);
	relc_error_release(&err);
	relc_strbuf_release(&w.msg);
	alarm(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lock_and_release,
					    fixture_tmpdir_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_fails,
					    fixture_tmpdir_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_waits_for_holder,
					    fixture_tmpdir_setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_interrupted,
					    fixture_tmpdir_setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_lock_interrupt_pending_when_waiting, fixture_tmpdir_setup,
		teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
