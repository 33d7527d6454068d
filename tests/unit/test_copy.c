/* test_copy.c: copying applications and ERTS into a release tree. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/copy.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/plan.h"
#include "relc/strbuf.h"
#include "relc/walk.h"

static struct relc_arena arena;

static const struct relc_app *
load_app(const char *dir, const char *rel, const char *name)
{
	struct relc_app *app = relc_arena_alloc(&arena, sizeof(*app));
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	relc_strbuf_addf(&path, "%s/%s/ebin/%s.app", dir, rel, name);
	assert_int_equal(relc_fs_read_file(&text, path.buf, 1 << 20, 0, &err),
			 0);
	assert_int_equal(relc_appfile_parse(app, text.buf, text.len, path.buf,
					    name, &arena, &err),
			 0);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	return app;
}

static int
contains(const char *data, size_t len, const char *what)
{
	size_t n = strlen(what), i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(data + i, what, n))
			return 1;
	return 0;
}

static char *
path_in(const char *dir, const char *rel)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/%s", dir, rel);
	return relc_strbuf_detach(&sb, NULL);
}

/* Copy app as a plan with these settings would, into DIR/out/lib. */
static int
copy_app(const char *dir, const struct relc_app *app, int strip, int src,
	 int follow, struct relc_error *err)
{
	struct relc_copy_stats stats;
	struct relc_plan plan;
	struct relc_plan_app pa;
	struct relc_strbuf name = RELC_STRBUF_INIT;
	char *lib = path_in(dir, "out/lib");
	int r;

	memset(&stats, 0, sizeof(stats));
	memset(&plan, 0, sizeof(plan));
	memset(&pa, 0, sizeof(pa));
	plan.follow_external_links = follow;
	relc_strbuf_addf(&name, "%s-%s", app->name, app->vsn);
	pa.app = app;
	pa.dirname = name.buf;
	pa.how = RELC_PLAN_COPY;
	pa.subdirs = RELC_PLAN_EBIN | RELC_PLAN_PRIV |
		     (src ? RELC_PLAN_SRC | RELC_PLAN_INCLUDE : 0);
	pa.strip = strip;
	relc_walk_remove(lib, err);
	assert_int_equal(relc_fs_mkdirs(lib, 0755, err), 0);
	r = relc_copy_app(&plan, &pa, lib, &stats, NULL, err);
	free(lib);
	relc_strbuf_release(&name);
	return r;
}

static int
assemble(const char *dir, const struct relc_app *app, int strip, int src,
	 struct relc_error *err)
{
	return copy_app(dir, app, strip, src, 0, err);
}

static mode_t
mode_of(const char *dir, const char *rel)
{
	struct stat st;
	char *p = path_in(dir, rel);

	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return st.st_mode & 07777;
}

static void
test_copies_ebin_priv_and_src(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_app *app;
	struct stat st;
	char *p, *data;
	size_t len;

	fixture_app(dir, "src/a", "a", "1.2", "[kernel]");
	fixture_write(dir, "src/a/ebin/a.appup", "{\"1.2\", [], []}.");
	fixture_write(dir, "src/a/priv/data/x.txt", "payload");
	fixture_write(dir, "src/a/priv/tool", "#!/bin/sh\n");
	fixture_write(dir, "elsewhere/shared.txt", "from a link");
	fixture_write(dir, "src/a/src/a_m.erl", "-module(a_m).");
	p = path_in(dir, "src/a/priv/tool");
	assert_int_equal(chmod(p, 04755), 0);
	free(p);
	p = path_in(dir, "src/a/priv/linked.txt");
	assert_int_equal(symlink("../../../elsewhere/shared.txt", p), 0);
	free(p);
	p = path_in(dir, "src/a/priv/data");
	assert_int_equal(chmod(p, 0777), 0);
	free(p);
	p = path_in(dir, "src/a/priv/data/x.txt");
	assert_int_equal(chmod(p, 0666), 0);
	free(p);
	app = load_app(dir, "src/a", "a");

	/* a link out of the application: refused, unless allowed */
	assert_int_equal(assemble(dir, app, 1, 0, &err), -1);
	assert_non_null(strstr(err.msg.buf, "priv/linked.txt' is a symbolic "
					    "link (-> ../../../elsewhere/"
					    "shared.txt) that leads out of"));
	assert_non_null(strstr(err.msg.buf, "follow_external_links"));
	relc_error_release(&err);
	assert_int_equal(copy_app(dir, app, 1, 0, 1, &err), 0);
	data = fixture_read(dir, "out/lib/a-1.2/priv/linked.txt", &len);
	assert_string_equal(data, "from a link");
	free(data);
	p = path_in(dir, "out/lib/a-1.2/priv/linked.txt");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode)); /* a copy, not a link */
	free(p);
	p = path_in(dir, "out/lib/a-1.2/priv/tool");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755); /* no setuid */
	free(p);
	/* no group or world write, on files and directories */
	assert_int_equal(mode_of(dir, "out/lib/a-1.2/priv/data"), 0755);
	assert_int_equal(mode_of(dir, "out/lib/a-1.2/priv/data/x.txt"), 0644);
	data = fixture_read(dir, "out/lib/a-1.2/ebin/a.appup", NULL);
	assert_non_null(data);
	free(data);
	data = fixture_read(dir, "out/lib/a-1.2/ebin/a_m.beam", &len);
	assert_non_null(data);
	assert_false(contains(data, len, "Dbgi")); /* stripped */
	assert_true(contains(data, len, "Code"));
	free(data);
	data = fixture_read(dir, "out/lib/a-1.2/src/a_m.erl", NULL);
	assert_null(data); /* no include_src */

	assert_int_equal(copy_app(dir, app, 0, 1, 1, &err), 0);
	data = fixture_read(dir, "out/lib/a-1.2/src/a_m.erl", NULL);
	assert_string_equal(data, "-module(a_m).");
	free(data);
	data = fixture_read(dir, "out/lib/a-1.2/ebin/a_m.beam", &len);
	assert_true(contains(data, len, "Dbgi")); /* not stripped */
	free(data);
}

static void
test_dangling_top_level_links_are_absent(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	char *p;

	/* rebar3 links priv and include even when they do not exist */
	fixture_app(dir, "src/b", "b", "1", "[kernel]");
	p = path_in(dir, "src/b/priv");
	assert_int_equal(symlink("../nowhere/priv", p), 0);
	free(p);
	assert_int_equal(assemble(dir, load_app(dir, "src/b", "b"), 1, 0, &err),
			 0);
	assert_false(relc_fs_exists(p = path_in(dir, "out/lib/b-1/priv")));
	free(p);
}

static void
test_link_errors(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_app *app;
	char *p;

	fixture_app(dir, "src/c", "c", "1", "[kernel]");
	fixture_write(dir, "src/c/priv/sub/f", "x");
	app = load_app(dir, "src/c", "c");
	p = path_in(dir, "src/c/priv/sub/dangling");
	assert_int_equal(symlink("missing-target", p), 0);
	assert_int_equal(assemble(dir, app, 1, 0, &err), -1);
	assert_non_null(strstr(err.msg.buf, "priv/sub/dangling' is a dangling "
					    "symbolic link (-> "
					    "missing-target)"));
	relc_error_release(&err);
	assert_int_equal(unlink(p), 0);
	free(p);
	p = path_in(dir, "src/c/priv/sub/up");
	assert_int_equal(symlink("..", p), 0);
	free(p);
	assert_int_equal(assemble(dir, app, 1, 0, &err), -1);
	assert_non_null(strstr(err.msg.buf, "priv/sub/up' leads back to a "
					    "directory it is in"));
	relc_error_release(&err);
}

static void
test_refused_sources(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_app *app;
	char *p;

	fixture_app(dir, "src/e", "e", "1", "[kernel]");
	fixture_write(dir, "src/e/priv/ok", "x");
	app = load_app(dir, "src/e", "e");
	/* a FIFO is refused, and the copy does not wait on it */
	p = path_in(dir, "src/e/priv/pipe");
	assert_int_equal(mkfifo(p, 0644), 0);
	assert_int_equal(assemble(dir, app, 1, 0, &err), -1);
	assert_non_null(strstr(err.msg.buf, "priv/pipe' is a FIFO: a release "
					    "holds only regular files and "
					    "directories"));
	relc_error_release(&err);
	assert_int_equal(unlink(p), 0);
	free(p);
	/* priv linked to "/" (or to what holds the application): refused */
	p = path_in(dir, "src/e/priv/ok");
	assert_int_equal(unlink(p), 0);
	free(p);
	p = path_in(dir, "src/e/priv");
	assert_int_equal(rmdir(p), 0);
	assert_int_equal(symlink("/", p), 0);
	assert_int_equal(copy_app(dir, app, 1, 0, 1, &err), -1);
	assert_non_null(strstr(err.msg.buf, "priv' leads to '/', which holds "
					    "the application itself"));
	relc_error_release(&err);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("..", p), 0);
	assert_int_equal(copy_app(dir, app, 1, 0, 1, &err), -1);
	assert_non_null(strstr(err.msg.buf, "which holds the application "
					    "itself"));
	relc_error_release(&err);
	free(p);
}

static void
test_missing_module_beam(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_app *app;
	char *p;

	fixture_app(dir, "src/d", "d", "1", "[kernel]");
	app = load_app(dir, "src/d", "d");
	p = path_in(dir, "src/d/ebin/d_m.beam");
	assert_int_equal(unlink(p), 0);
	free(p);
	assert_int_equal(assemble(dir, app, 1, 0, &err), -1);
	assert_non_null(strstr(err.msg.buf, "lists module 'd_m', but "));
	assert_non_null(strstr(err.path, "d.app"));
	assert_non_null(strstr(err.msg.buf, "d_m.beam is missing"));
	relc_error_release(&err);
}

static void
test_erts(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_copy_stats stats;
	struct relc_plan plan;
	struct relc_strbuf src = RELC_STRBUF_INIT;
	char *root = fixture_fake_otp(dir, "otp"), *out = path_in(dir, "rel"),
	     *p;

	memset(&stats, 0, sizeof(stats));
	memset(&plan, 0, sizeof(plan));
	relc_strbuf_addf(&src, "%s/erts-13.1.5/bin", root);
	plan.erts_src = src.buf;
	plan.erts_dirname = "erts-13.1.5";
	assert_int_equal(relc_fs_mkdirs(out, 0755, &err), 0);
	assert_int_equal(relc_copy_erts(&plan, out, &stats, NULL, &err), 0);
	relc_strbuf_release(&src);
	assert_true(relc_fs_is_file(p = path_in(dir, "rel/erts-13.1.5/bin/"
						     "beam.smp")));
	free(p);
	assert_true(relc_fs_is_file(p = path_in(dir, "rel/erts-13.1.5/bin/"
						     "erlexec")));
	free(p);
	assert_false(relc_fs_exists(p = path_in(dir, "rel/erts-13.1.5/bin/"
						     "dialyzer")));
	free(p);
	assert_false(relc_fs_exists(p = path_in(dir, "rel/erts-13.1.5/bin/"
						     "start.src")));
	free(p);
	assert_int_equal(stats.files, 2);
	free(root);
	free(out);
}

static int
setup(void **state)
{
	relc_arena_init(&arena);
	return fixture_tmpdir_setup(state);
}

static int
teardown(void **state)
{
	relc_arena_release(&arena);
	return fixture_tmpdir_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_copies_ebin_priv_and_src,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_dangling_top_level_links_are_absent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_link_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused_sources, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_missing_module_beam, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_erts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
