/*
 * test_carry.c: keeping what a previous release holds that relc did not
 * write: hard links before the swap, moves after it (what could not be
 * linked, what came late), never through a link, and the journal a run
 * killed after its swap leaves for the next.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/arena.h"
#include "relc/carry.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"

static int
there(const char *dir, const char *rel)
{
	struct stat st;
	char *p = fixture_join(dir, rel);
	int r = lstat(p, &st) == 0;

	free(p);
	return r;
}

/* A previous release R (relc wrote bin/app and releases/) and a new S. */
static void
trees(const char *dir, struct relc_stamp *prev)
{
	static struct relc_stamp_entry made[] = {
	    {'d', 0755, 0, 0, 0, "bin"},
	    {'f', 0755, 0, 0, 0, "bin/app"},
	    {'d', 0755, 0, 0, 0, "releases"},
	};

	fixture_write(dir, "R/bin/app", "old");
	fixture_write(dir, "R/releases/COOKIE", "secret");
	fixture_write(dir, "R/tmp/COOKIE", "generated");
	fixture_write(dir, "R/log/erlang.log.1", "a log");
	fixture_write(dir, "S/bin/app", "new");
	fixture_write(dir, "S/releases/1/app.rel", "{release}.");
	memset(prev, 0, sizeof(*prev));
	relc_arena_init(&prev->arena);
	prev->entries = made;
	prev->nentries = RELC_ARRAY_SIZE(made);
}

static void
setup_carry(struct relc_carry *c, const char *dir, char **r, char **s,
	    const struct relc_stamp *prev)
{
	*r = fixture_join(dir, "R");
	*s = fixture_join(dir, "S");
	memset(c, 0, sizeof(*c));
	c->release = *r;
	c->staging = *s;
	c->name = "app";
	c->prev = prev;
}

/* rename R and S into each other's places, as the swap does */
static void
swap(const char *dir)
{
	char *r = fixture_join(dir, "R"), *s = fixture_join(dir, "S"),
	     *t = fixture_join(dir, "T");

	assert_int_equal(rename(r, t), 0);
	assert_int_equal(rename(s, r), 0);
	assert_int_equal(rename(t, s), 0);
	free(r);
	free(s);
	free(t);
}

static void
test_over_and_finish(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_stamp prev;
	struct relc_carry c;
	char *r, *s, *data;
	unsigned long cookie, log;

	trees(dir, &prev);
	fixture_write(dir, "outside/keep", "not the release's");
	r = fixture_join(dir, "R/log/elsewhere");
	data = fixture_join(dir, "outside");
	assert_int_equal(symlink(data, r), 0);
	free(r);
	free(data);
	r = fixture_join(dir,
			 "R/log/self"); /* a loop, for a walk that follows */
	assert_int_equal(symlink(".", r), 0);
	free(r);
	cookie = fixture_inode(dir, "R/releases/COOKIE");
	log = fixture_inode(dir, "R/log/erlang.log.1");
	setup_carry(&c, dir, &r, &s, &prev);
	assert_int_equal(relc_carry_over(&c, &err), 0);
	/* before the swap: links in S, R untouched, a journal */
	assert_int_equal(fixture_inode(dir, "S/releases/COOKIE"), cookie);
	assert_int_equal(fixture_inode(dir, "S/log/erlang.log.1"), log);
	assert_int_equal(fixture_inode(dir, "R/log/erlang.log.1"), log);
	assert_true(there(dir, "S/log/elsewhere"));
	data = fixture_read(dir, "S/" RELC_STAMP_DIR "/carried", NULL);
	assert_non_null(data);
	assert_non_null(strstr(data, "releases/COOKIE\n"));
	free(data);
	data = fixture_read(dir, "S/bin/app", NULL);
	assert_string_equal(data, "new"); /* relc's own, not carried */
	free(data);

	/* the swap; then a log file opened before it was over */
	swap(dir);
	fixture_write(dir, "S/log/erlang.log.2", "late");
	relc_carry_finish(&c, s);
	data = fixture_read(dir, "R/log/erlang.log.2", NULL);
	assert_string_equal(data, "late");
	free(data);
	assert_false(there(dir, "R/" RELC_STAMP_DIR "/carried"));
	/* nothing was taken out of, or put into, where a link leads */
	data = fixture_read(dir, "outside/keep", NULL);
	assert_string_equal(data, "not the release's");
	free(data);
	assert_false(there(dir, "outside/erlang.log.2"));
	assert_false(there(dir, "R/log/self/erlang.log.2/x")); /* no loop */
	relc_carry_release(&c);
	relc_arena_release(&prev.arena);
	free(r);
	free(s);
}

/* An operator's file where the new release has one of its own. */
static void
test_conflict(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_stamp prev;
	struct relc_carry c;
	char *r, *s;

	trees(dir, &prev);
	fixture_write(dir, "R/releases/1/app.rel", "the operator's");
	setup_carry(&c, dir, &r, &s, &prev);
	assert_int_equal(relc_carry_over(&c, &err), -1);
	assert_non_null(strstr(err.msg.buf, "was not made by relc, and the new "
					    "release has a "
					    "'releases/1/app.rel' of its own"));
	relc_error_release(&err);
	relc_carry_release(&c);
	relc_arena_release(&prev.arena);
	free(r);
	free(s);
}

/* The journal of a run killed after its swap, finished by the next. */
static void
test_recover(void **state)
{
	const char *dir = *state;
	char *parent = fixture_join(dir, "p"),
	     *rel = fixture_join(dir, "p/app"), *data;

	fixture_write(dir, "p/app/.relc/carried",
		      ".relc-1-app.AbCdEf\nlog\ntmp/COOKIE\n");
	fixture_write(dir, "p/app/log/a", "linked");
	fixture_write(dir, "p/.relc-1-app.AbCdEf/log/b", "late");
	fixture_write(dir, "p/.relc-1-app.AbCdEf/tmp/COOKIE", "not linked");
	relc_carry_recover(parent, rel);
	data = fixture_read(dir, "p/app/log/b", NULL);
	assert_string_equal(data, "late");
	free(data);
	data = fixture_read(dir, "p/app/tmp/COOKIE", NULL);
	assert_string_equal(data, "not linked");
	free(data);
	assert_false(there(dir, "p/app/.relc/carried"));
	/* after a swap without exchange, the old tree may be STAGING.old */
	fixture_write(dir, "p/app/.relc/carried", ".relc-2-app.XyZ123\nlog\n");
	fixture_write(dir, "p/.relc-2-app.XyZ123.old/log/c", "aside");
	relc_carry_recover(parent, rel);
	data = fixture_read(dir, "p/app/log/c", NULL);
	assert_string_equal(data, "aside");
	free(data);
	/* a journal that names no leftover of relc's is ignored */
	fixture_write(dir, "p/app/.relc/carried", "../etc\nlog\n");
	relc_carry_recover(parent, rel);
	free(parent);
	free(rel);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_over_and_finish,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_conflict, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_recover, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
