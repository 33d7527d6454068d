/*
 * test_release.c: the whole build against a fake OTP installation (so the
 * test needs no Erlang), including what a failed build leaves behind.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "fixture.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/fsutil.h"
#include "relc/release.h"
#include "relc/strbuf.h"
#include "relc/term.h"

static void
project(const char *dir, const char *version)
{
	struct relc_strbuf cfg = RELC_STRBUF_INIT;

	free(fixture_fake_otp(dir, "otp"));
	fixture_app(dir, "proj/_build/prod/lib/app", "app", "0.3.0",
		    "[kernel, stdlib, dep]");
	fixture_app(dir, "proj/_build/default/lib/dep", "dep", "1.0.0",
		    "[kernel, stdlib]");
	relc_strbuf_addf(&cfg,
			 "releases:\n"
			 "  app:\n"
			 "    version: \"%s\"\n"
			 "    include_erts: ../otp\n",
			 version);
	fixture_write(dir, "proj/rel/relc.yaml", cfg.buf);
	relc_strbuf_release(&cfg);
}

static int
build_with_path(const char *dir, const char *path_env,
		struct relc_build_result *res, struct relc_error *err)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;
	struct relc_build_opts opts;
	int r;

	relc_strbuf_addf(&p, "%s/proj", dir);
	memset(&opts, 0, sizeof(opts));
	opts.project_dir = p.buf;
	opts.path_env = path_env;
	r = relc_release_build(res, &opts, err);
	relc_strbuf_release(&p);
	return r;
}

static int
build(const char *dir, struct relc_build_result *res, struct relc_error *err)
{
	return build_with_path(dir, "/nonexistent", res, err); /* no erl */
}

static void
test_builds_release_files(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_arena arena = RELC_ARENA_INIT;
	const struct relc_term *script;
	size_t len;
	char *rel, *boot;

	project(dir, "0.3.0");
	if (build(dir, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	assert_string_equal(res.name, "app");
	assert_string_equal(res.env, "prod");
	assert_string_equal(res.otp_version, "25.2.3");
	assert_int_equal(res.napps, 5);
	assert_string_equal(res.apps[3].name, "dep");
	assert_string_equal(res.apps[4].name, "app");
	relc_build_result_release(&res);
	rel = fixture_read(
	    dir, "proj/_build/prod/rel/app/releases/0.3.0/app.rel", NULL);
	assert_non_null(rel);
	assert_non_null(strstr(rel, "{erts,\"13.1.5\"}"));
	assert_non_null(strstr(rel, "{dep,\"1.0.0\"}"));
	free(rel);
	boot = fixture_read(
	    dir, "proj/_build/prod/rel/app/releases/0.3.0/start.boot", &len);
	assert_non_null(boot);
	assert_int_equal(relc_etf_decode(&script, boot, len, &arena, &err), 0);
	assert_true(relc_term_is_atom(script->u.tuple.v[0], "script"));
	free(boot);
	relc_arena_release(&arena);
	boot = fixture_read(dir,
			    "proj/_build/prod/rel/app/releases/0.3.0/"
			    "start_clean.boot",
			    NULL);
	assert_non_null(boot);
	free(boot);
	boot = fixture_read(dir,
			    "proj/_build/prod/rel/app/releases/0.3.0/"
			    "no_dot_erlang.boot",
			    NULL);
	assert_non_null(boot);
	free(boot);
}

static int
is_executable(const char *dir, const char *rel)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;
	struct stat st;
	int r;

	relc_strbuf_addf(&p, "%s/%s", dir, rel);
	r = stat(p.buf, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0777) == 0755;
	relc_strbuf_release(&p);
	return r;
}

static void
assert_file(const char *dir, const char *rel, const char *want)
{
	char *got = fixture_read(dir, rel, NULL);

	if (!got)
		fail_msg("%s is missing", rel);
	if (want)
		assert_string_equal(got, want);
	free(got);
}

/* [{release, "app", "0.3.0", "13.1.5", [...{dep, "1.0.0", Dir}...], permanent}]
 */
static void
assert_releases(const char *text)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf flat = RELC_STRBUF_INIT;
	const struct relc_term **t;
	size_t n;

	assert_int_equal(
	    relc_term_parse(&t, &n, text, strlen(text), 0, &arena, &err), 0);
	assert_int_equal(n, 1);
	relc_term_print_flat(&flat, t[0]);
	assert_string_equal(flat.buf,
			    "[{release,\"app\",\"0.3.0\",\"13.1.5\","
			    "[{kernel,\"8.5.3\",\"./lib/kernel-8.5.3\"},"
			    "{stdlib,\"4.2\",\"./lib/stdlib-4.2\"},"
			    "{sasl,\"4.2\",\"./lib/sasl-4.2\"},"
			    "{dep,\"1.0.0\",\"./lib/dep-1.0.0\"},"
			    "{app,\"0.3.0\",\"./lib/app-0.3.0\"}],"
			    "permanent}]");
	relc_strbuf_release(&flat);
	relc_arena_release(&arena);
}

static void
test_release_tree(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	char *text;

	project(dir, "0.3.0");
	fixture_write(dir, "proj/config/vm.args", "+Q 1000\n");
	if (build(dir, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	relc_build_result_release(&res);
#define REL "proj/_build/prod/rel/app/"
	assert_true(is_executable(dir, REL "bin/app"));
	assert_true(is_executable(dir, REL "erts-13.1.5/bin/erl"));
	assert_true(is_executable(dir, REL "erts-13.1.5/bin/erlexec"));
	assert_null(fixture_read(dir, REL "erts-13.1.5/bin/dialyzer", NULL));
	assert_file(dir, REL "releases/start_erl.data", "13.1.5 0.3.0");
	assert_file(dir, REL "releases/0.3.0/sys.config", "[].\n");
	assert_file(dir, REL "releases/0.3.0/vm.args", "+Q 1000\n");
	assert_file(dir, REL "lib/kernel-8.5.3/ebin/kernel.app", NULL);
	assert_file(dir, REL "lib/dep-1.0.0/ebin/dep_m.beam", NULL);
	assert_file(dir, REL "lib/app-0.3.0/ebin/app.app", NULL);
	text = fixture_read(dir, REL "releases/RELEASES", NULL);
	assert_releases(text);
	free(text);
	text = fixture_read(dir, REL "bin/app", NULL);
	assert_non_null(strstr(text, "RELEASE_NAME='app'\n"));
	assert_non_null(strstr(text, "RELC_ERTS_INCLUDED='true'\n"));
	free(text);

	/* a project's own template wins, and a bad one is an error */
	fixture_write(dir, "proj/rel/templates/bin",
		      "#!/bin/sh\necho {{release_name}} {{release_vsn}}\n");
	assert_int_equal(build(dir, &res, &err), 0);
	relc_build_result_release(&res);
	assert_file(dir, REL "bin/app", "#!/bin/sh\necho 'app' '0.3.0'\n");
	fixture_write(dir, "proj/rel/templates/bin", "#!/bin/sh\n{{oops}}\n");
	assert_int_equal(build(dir, &res, &err), -1);
	assert_string_equal(err.msg.buf, "unknown template variable 'oops'");
	assert_int_equal(err.line, 2);
	relc_error_release(&err);
#undef REL
}

static void
test_without_erts(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf erl_path = RELC_STRBUF_INIT;
	char *text;

	project(dir, "1.0.0");
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    version: \"1.0.0\"\n"
		      "    include_erts: ../otp\n"
		      "environments:\n  prod:\n    include_erts: false\n");
	fixture_write(dir, "proj/config/sys.config", "[{app, [{k, v}]}].\n");
	/* without ERTS, the OTP is the one of the erl on PATH */
	relc_strbuf_addf(&erl_path, "/nonexistent:%s/otp/bin", dir);
	if (build_with_path(dir, erl_path.buf, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	relc_build_result_release(&res);
	assert_null(fixture_read(dir,
				 "proj/_build/prod/rel/app/lib/kernel-8.5.3/"
				 "ebin/kernel.app",
				 NULL));
	assert_null(fixture_read(dir,
				 "proj/_build/prod/rel/app/releases/"
				 "RELEASES",
				 NULL));
	assert_file(dir, "proj/_build/prod/rel/app/lib/app-0.3.0/ebin/app.app",
		    NULL);
	assert_file(dir, "proj/_build/prod/rel/app/releases/1.0.0/sys.config",
		    "[{app, [{k, v}]}].\n");
	text = fixture_read(dir,
			    "proj/_build/prod/rel/app/releases/1.0.0/"
			    "start.script",
			    NULL);
	assert_non_null(strstr(text, "\"$RELEASE_LIB/app-0.3.0/ebin\""));
	assert_non_null(strstr(text, "\"$ROOT/lib/kernel-8.5.3/ebin\""));
	free(text);
	text = fixture_read(dir, "proj/_build/prod/rel/app/bin/app", NULL);
	assert_non_null(strstr(text, "RELC_OTP_APPS='kernel-8.5.3 stdlib-4.2 "
				     "sasl-4.2'\n"));
	free(text);

	fixture_write(dir, "proj/config/sys.config",
		      "[{app, []}].\n{extra}.\n");
	assert_int_equal(build_with_path(dir, erl_path.buf, &res, &err), -1);
	assert_string_equal(err.msg.buf,
			    "sys.config must hold one term: a list "
			    "of {Application, [{Key, Value}]}");
	assert_int_equal(err.line, 2);
	relc_error_release(&err);
	relc_strbuf_release(&erl_path);
}

/*
 * Without ERTS, only OTP's own applications (installed_application_versions)
 * are the target's; another package in OTP's lib/ (Debian's sqlite3 in
 * p1_sqlite3-VSN) is copied.
 */
static void
test_without_erts_distribution_package(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf erl_path = RELC_STRBUF_INIT;
	char *text;

	free(fixture_fake_otp(dir, "otp"));
	fixture_write(dir, "otp/releases/25/installed_application_versions",
		      "erts-13.1.5\nkernel-8.5.3\nstdlib-4.2\nsasl-4.2\n");
	fixture_app(dir, "otp/lib/p1_sqlite3-1.1.14", "sqlite3", "1.1.14",
		    "[kernel, stdlib]");
	fixture_app(dir, "proj/_build/prod/lib/app", "app", "0.3.0",
		    "[kernel, stdlib, sqlite3]");
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    version: \"1.0.0\"\n"
		      "    include_erts: false\n");
	relc_strbuf_addf(&erl_path, "/nonexistent:%s/otp/bin", dir);
	if (build_with_path(dir, erl_path.buf, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	relc_build_result_release(&res);
	assert_file(dir,
		    "proj/_build/prod/rel/app/lib/sqlite3-1.1.14/ebin/"
		    "sqlite3.app",
		    NULL);
	assert_null(fixture_read(dir,
				 "proj/_build/prod/rel/app/lib/kernel-8.5.3/"
				 "ebin/kernel.app",
				 NULL));
	text = fixture_read(dir, "proj/_build/prod/rel/app/bin/app", NULL);
	assert_non_null(strstr(text, "RELC_OTP_APPS='kernel-8.5.3 stdlib-4.2 "
				     "sasl-4.2'\n"));
	free(text);
	relc_strbuf_release(&erl_path);
}

static void
test_failed_build_keeps_previous_release(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf rels = RELC_STRBUF_INIT;
	char **names;
	size_t n;
	char *rel;

	project(dir, "1.0.0");
	assert_int_equal(build(dir, &res, &err), 0);
	relc_build_result_release(&res);
	/*
	 * A module without its .beam fails after the staging directory was
	 * made, while copying into it.
	 */
	project(dir, "2.0.0");
	fixture_write(dir, "proj/_build/prod/lib/app/ebin/app.app",
		      "{application, app, [{description, \"app\"}, "
		      "{vsn, \"0.3.0\"}, {modules, [app_m, gone]}, "
		      "{registered, []}, {applications, [kernel, stdlib, "
		      "dep]}]}.\n");
	assert_int_equal(build(dir, &res, &err), -1);
	assert_non_null(strstr(err.msg.buf, "lists module 'gone', but "));
	relc_error_release(&err);
	rel = fixture_read(
	    dir, "proj/_build/prod/rel/app/releases/1.0.0/app.rel", NULL);
	assert_non_null(rel);
	free(rel);
	relc_strbuf_addf(&rels, "%s/proj/_build/prod/rel", dir);
	assert_int_equal(relc_fs_list_dir(&names, &n, rels.buf, 0, &err), 0);
	assert_int_equal(n, 1); /* no staging directory left over */
	assert_string_equal(names[0], "app");
	relc_fs_free_names(names, n);
	relc_strbuf_release(&rels);
}

static void
test_config_errors_name_the_place(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;

	project(dir, "1.0.0");
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    include_erts: ../nowhere\n");
	assert_int_equal(build(dir, &res, &err), -1);
	assert_non_null(strstr(err.msg.buf, "include_erts: '"));
	assert_non_null(strstr(err.msg.buf, "nowhere' is not a directory"));
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 19);
	relc_error_release(&err);
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    include_erts: ../otp\n"
		      "    lib_dirs: [vendor]\n");
	assert_int_equal(build(dir, &res, &err), -1);
	assert_string_equal(err.msg.buf,
			    "lib_dirs: 'vendor' is not a directory");
	assert_int_equal(err.line, 4);
	relc_error_release(&err);
}

/* Do the n bytes at p hold the 4 bytes of id? */
static int
has_chunk(const char *p, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if (!memcmp(p + i, id, 4))
			return 1;
	return 0;
}

/* A mix project with a fake Elixir installation beside the fake OTP. */
static void
mix_project(const char *dir)
{
	free(fixture_fake_otp(dir, "otp"));
	fixture_app(dir, "elixir/lib/elixir", "elixir", "1.14.0",
		    "[kernel, stdlib]");
	fixture_app(dir, "elixir/lib/logger", "logger", "1.14.0",
		    "[kernel, stdlib, elixir]");
	fixture_app(dir, "elixir/lib/iex", "iex", "1.14.0",
		    "[kernel, stdlib, elixir]");
	fixture_app(dir, "elixir/lib/eex", "eex", "1.14.0",
		    "[kernel, stdlib, elixir]");
	fixture_write(dir, "proj/mix.exs",
		      "defmodule Book.MixProject do\n"
		      "  use Mix.Project\n"
		      "  def project do\n"
		      "    [app: :book_app, version: \"0.2.0\"]\n"
		      "  end\n"
		      "end\n");
	fixture_app(dir, "proj/_build/prod/lib/book_app", "book_app", "0.2.0",
		    "[kernel, stdlib, elixir, logger]");
	fixture_beam(dir, "proj/_build/prod/lib/book_app/consolidated/"
			  "Elixir.Enumerable.beam");
	fixture_write(dir,
		      "proj/_build/prod/lib/book_app/consolidated/.hidden.beam",
		      "not one");
	fixture_write(dir, "proj/_build/prod/lib/book_app/consolidated/notes",
		      "not a BEAM file");
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n"
		      "  book:\n"
		      "    include_erts: ../otp\n"
		      "    elixir_root: ../elixir\n");
	fixture_write(dir, "proj/rel/templates/bin",
		      "#!/bin/sh\necho {{elixir}} {{release_env}}\n");
}

/*
 * mix release's application set, the consolidated protocols first on the
 * code path, the template variables of an Elixir release.
 */
static void
test_mix_project(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	size_t len;
	char *text;

	mix_project(dir);
	if (build(dir, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	assert_string_equal(res.vsn, "0.2.0");
	relc_build_result_release(&res);
#define REL "proj/_build/prod/rel/book/"
	text = fixture_read(dir, REL "releases/0.2.0/book.rel", NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "{elixir,\"1.14.0\"}"));
	assert_non_null(strstr(text, "{logger,\"1.14.0\"}"));
	assert_non_null(strstr(text, "{book_app,\"0.2.0\"}"));
	assert_non_null(strstr(text, "{iex,\"1.14.0\",load}"));
	assert_null(strstr(text, "eex"));
	free(text);
	/* the BEAM files, stripped; nothing else */
	text = fixture_read(
	    dir, REL "releases/0.2.0/consolidated/Elixir.Enumerable.beam",
	    &len);
	assert_non_null(text);
	assert_true(has_chunk(text, len, "Code"));
	assert_false(has_chunk(text, len, "Dbgi"));
	free(text);
	assert_null(
	    fixture_read(dir, REL "releases/0.2.0/consolidated/notes", NULL));
	assert_null(fixture_read(
	    dir, REL "releases/0.2.0/consolidated/.hidden.beam", NULL));
	text = fixture_read(dir, REL "releases/0.2.0/start.script", NULL);
	assert_non_null(strstr(text,
			       "{path,[\"$ROOT/releases/0.2.0/consolidated\","
			       "\"$ROOT/lib/elixir-1.14.0/ebin\"]}"));
	free(text);
	assert_file(dir, REL "bin/book", "#!/bin/sh\necho 'true' 'prod'\n");

	/* a protocol consolidated anew is noticed */
	fixture_beam(dir, "proj/_build/prod/lib/book_app/consolidated/"
			  "Elixir.Inspect.beam");
	if (build(dir, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	assert_true(res.built);
	relc_build_result_release(&res);
	text = fixture_read(
	    dir, REL "releases/0.2.0/consolidated/Elixir.Inspect.beam", NULL);
	assert_non_null(text);
	free(text);
	assert_int_equal(build(dir, &res, &err), 0);
	assert_false(res.built);
	relc_build_result_release(&res);
#undef REL
}

/*
 * An umbrella: the release names two of its three apps; the third is not
 * in it; the umbrella's consolidated protocols are in _build/ENV.
 */
static void
test_mix_umbrella(void **state)
{
	const char *dir = *state;
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	char *text;

	mix_project(dir);
	fixture_write(dir, "proj/mix.exs",
		      "defmodule Shop.Umbrella do\n"
		      "  use Mix.Project\n"
		      "  def project, do: [apps_path: \"apps\"]\n"
		      "end\n");
	fixture_app(dir, "proj/_build/prod/lib/core", "core", "0.1.0",
		    "[kernel, stdlib, elixir]");
	fixture_app(dir, "proj/_build/prod/lib/web", "web", "0.1.0",
		    "[kernel, stdlib, elixir, core]");
	fixture_app(dir, "proj/_build/prod/lib/admin", "admin", "0.1.0",
		    "[kernel, stdlib, elixir, core]");
	fixture_beam(dir, "proj/_build/prod/consolidated/Elixir.Inspect.beam");
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n"
		      "  shop:\n"
		      "    version: 2.0.0\n"
		      "    applications: [web, book_app]\n"
		      "    include_erts: ../otp\n"
		      "    elixir_root: ../elixir\n");
	if (build(dir, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	relc_build_result_release(&res);
#define REL "proj/_build/prod/rel/shop/"
	text = fixture_read(dir, REL "releases/2.0.0/shop.rel", NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "{web,\"0.1.0\"}"));
	assert_non_null(strstr(text, "{core,\"0.1.0\"}"));
	assert_non_null(strstr(text, "{book_app,\"0.2.0\"}"));
	assert_non_null(strstr(text, "{iex,\"1.14.0\",load}"));
	assert_null(strstr(text, "admin"));
	free(text);
	assert_null(
	    fixture_read(dir, REL "lib/admin-0.1.0/ebin/admin.app", NULL));
	text = fixture_read(
	    dir, REL "releases/2.0.0/consolidated/Elixir.Inspect.beam", NULL);
	assert_non_null(text);
	free(text);
	/* not the app's: an umbrella's are in _build/ENV/consolidated */
	assert_null(fixture_read(
	    dir, REL "releases/2.0.0/consolidated/Elixir.Enumerable.beam",
	    NULL));
#undef REL
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_builds_release_files,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(
		test_without_erts_distribution_package, fixture_tmpdir_setup,
		fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(
		test_failed_build_keeps_previous_release, fixture_tmpdir_setup,
		fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_config_errors_name_the_place,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_release_tree,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_without_erts,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_mix_project,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_mix_umbrella,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
