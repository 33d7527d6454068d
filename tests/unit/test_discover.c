/* test_discover.c: the application index over real directories. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"
#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/discover.h"
#include "relc/error.h"
#include "relc/strbuf.h"

static void
test_sources_rank_and_versions(void **state)
{
	const char *dir = *state;
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_appindex *idx = relc_appindex_new(&arena);
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const struct relc_app *app;

	fixture_app(dir, "build/lib/mine", "mine", "0.1.0", "[kernel]");
	fixture_app(dir, "build/lib/shared", "shared", "9.0", "[kernel]");
	fixture_app(dir, "otp/lib/shared-1.0", "shared", "1.0", "[kernel]");
	fixture_app(dir, "otp/lib/multi-1.9", "multi", "1.9", "[]");
	fixture_app(dir, "otp/lib/multi-1.10", "multi", "1.10", "[]");
	fixture_app(dir, "otp/lib/odd_dir", "renamed", "3", "[]");
	fixture_write(dir, "otp/lib/not_an_app/README", "x");
	fixture_app(dir, "single", "single", "2", "[]");

	relc_strbuf_addf(&sb, "%s/build/lib", dir);
	assert_int_equal(
	    relc_appindex_add(idx, sb.buf, RELC_ORIGIN_PROJECT, 0, &err), 0);
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "%s/single", dir);
	assert_int_equal(
	    relc_appindex_add(idx, sb.buf, RELC_ORIGIN_PROJECT, 0, &err), 0);
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "%s/missing", dir);
	assert_int_equal(
	    relc_appindex_add(idx, sb.buf, RELC_ORIGIN_PROJECT, 1, &err), 1);
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "%s/otp/lib", dir);
	assert_int_equal(
	    relc_appindex_add(idx, sb.buf, RELC_ORIGIN_PROJECT, 0, &err), 0);

	/* the first source wins over a later one, even with a lower vsn */
	assert_int_equal(relc_appindex_lookup(&app, idx, "shared", NULL, &err),
			 0);
	assert_string_equal(app->vsn, "9.0");
	/* unless a version is asked for */
	assert_int_equal(relc_appindex_lookup(&app, idx, "shared", "1.0", &err),
			 0);
	assert_string_equal(app->vsn, "1.0");
	/* within a source the highest version wins */
	assert_int_equal(relc_appindex_lookup(&app, idx, "multi", NULL, &err),
			 0);
	assert_string_equal(app->vsn, "1.10");
	assert_int_equal(relc_appindex_lookup(&app, idx, "renamed", NULL, &err),
			 0);
	assert_int_equal(relc_appindex_lookup(&app, idx, "single", NULL, &err),
			 0);
	assert_int_equal(relc_appindex_lookup(&app, idx, "nope", NULL, &err),
			 1);
	assert_int_equal(relc_appindex_lookup(&app, idx, "shared", "5", &err),
			 1);
	relc_strbuf_reset(&sb);
	relc_appindex_describe(&sb, idx, "multi");
	assert_non_null(strstr(sb.buf, "1.9 in "));
	assert_non_null(strstr(sb.buf, "1.10 in "));
	assert_false(relc_error_isset(&err));
	relc_strbuf_release(&sb);
	relc_appindex_free(idx);
	relc_arena_release(&arena);
}

static void
test_broken_app_file(void **state)
{
	const char *dir = *state;
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_appindex *idx = relc_appindex_new(&arena);
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const struct relc_app *app;

	fixture_write(dir, "lib/bad/ebin/bad.app", "{application, bad, [}.\n");
	relc_strbuf_addf(&sb, "%s/lib", dir);
	assert_int_equal(
	    relc_appindex_add(idx, sb.buf, RELC_ORIGIN_PROJECT, 0, &err), 0);
	assert_int_equal(relc_appindex_lookup(&app, idx, "bad", NULL, &err),
			 -1);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.col, 21);
	assert_non_null(strstr(err.path, "lib/bad/ebin/bad.app"));
	relc_error_release(&err);
	relc_strbuf_release(&sb);
	relc_appindex_free(idx);
	relc_arena_release(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sources_rank_and_versions,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_broken_app_file,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
