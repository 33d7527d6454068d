/*
 * test_exconfig.c: the build-time Elixir config without Elixir: the
 * result's decoding, the errors that name application and key, the merge
 * under a sys_config template, the cache key, and the cache itself with a
 * fake elixir (a shell script that writes a prepared result and counts
 * its runs).
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "fixture.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/exconfig.h"
#include "relc/strbuf.h"
#include "relc/term.h"

/* term_to_binary of the term written in Erlang syntax. */
static void
etf_of(struct relc_strbuf *out, struct relc_arena *a, const char *text)
{
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **t;
	size_t n;

	assert_int_equal(
	    relc_term_parse(&t, &n, text, strlen(text), 0, a, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(relc_etf_encode(out, t[0], 25, &err), 0);
}

static char *
flat(const struct relc_term *t)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_term_print_flat(&sb, t);
	return relc_strbuf_detach(&sb, NULL);
}

static void
test_decode(void **state)
{
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_strbuf etf = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_exconfig ex;
	char *s;

	(void)state;
	etf_of(&etf, &a,
	       "{ok, [{shop, [{port, 80}, {opts, [{a, #{x => <<\"y\">>}}]}]}],"
	       " [<<\"/p/config/config.exs\">>, <<\"/p/config/prod.exs\">>]}.");
	assert_int_equal(
	    relc_exconfig_decode(&ex, etf.buf, etf.len, "what", &a, &err), 0);
	s = flat(ex.config);
	assert_string_equal(
	    s, "[{shop,[{port,80},{opts,[{a,#{x => <<\"y\">>}}]}]}]");
	free(s);
	assert_int_equal(ex.nfiles, 2);
	assert_string_equal(ex.files[0], "/p/config/config.exs");
	assert_string_equal(ex.files[1], "/p/config/prod.exs");

	/* an empty config */
	relc_strbuf_reset(&etf);
	etf_of(&etf, &a, "{ok, [], [<<\"/p/config/config.exs\">>]}.");
	assert_int_equal(
	    relc_exconfig_decode(&ex, etf.buf, etf.len, "what", &a, &err), 0);
	assert_int_equal(ex.config->type, RELC_T_NIL);

	/* the values sys.config cannot hold: application and key named */
	relc_strbuf_reset(&etf);
	etf_of(&etf, &a,
	       "{bad, [{shop, handler, <<\"&String.upcase/1\">>},"
	       " {other, 'my key', <<\"#PID<0.1.0>\">>}]}.");
	assert_int_equal(relc_exconfig_decode(&ex, etf.buf, etf.len,
					      "config/config.exs (prod)", &a,
					      &err),
			 -1);
	assert_string_equal(
	    err.msg.buf,
	    "config/config.exs (prod): sys.config cannot hold functions, "
	    "pids, references or ports (compute such values at run time: "
	    "config/runtime.exs, or the application): application shop, "
	    "key handler: &String.upcase/1; application other, key 'my "
	    "key': #PID<0.1.0>");
	relc_error_release(&err);

	/* not the shape the program writes */
	relc_strbuf_reset(&etf);
	etf_of(&etf, &a, "{ok, [{shop, 1}], []}.");
	assert_int_equal(
	    relc_exconfig_decode(&ex, etf.buf, etf.len, "w", &a, &err), -1);
	relc_error_release(&err);
	assert_int_equal(relc_exconfig_decode(&ex, "junk", 4, "w", &a, &err),
			 -1);
	relc_error_release(&err);
	relc_strbuf_release(&etf);
	relc_arena_release(&a);
}

static const struct relc_term *
parse(struct relc_arena *a, const char *text)
{
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **t;
	size_t n;

	assert_int_equal(
	    relc_term_parse(&t, &n, text, strlen(text), 0, a, &err), 0);
	return t[0];
}

static void
test_merge(void **state)
{
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term *t;
	char *s;

	(void)state;
	assert_int_equal(
	    relc_exconfig_merge(
		&t, parse(&a, "[{a, [{x, 1}, {y, 1}]}, {b, [{z, 1}]}]."),
		parse(&a, "[{c, [{w, 1}]}, {a, [{y, 2}, {v, 3}]}]."), "t", &a,
		&err),
	    0);
	s = flat(t);
	assert_string_equal(
	    s, "[{a,[{x,1},{y,2},{v,3}]},{b,[{z,1}]},{c,[{w,1}]}]");
	free(s);
	assert_int_equal(relc_exconfig_merge(&t, parse(&a, "[]."),
					     parse(&a, "[]."), "t", &a, &err),
			 0);
	assert_int_equal(t->type, RELC_T_NIL);
	assert_int_equal(relc_exconfig_merge(&t, parse(&a, "[]."),
					     parse(&a, "[\"other.config\"]."),
					     "rel/sys.config", &a, &err),
			 -1);
	assert_string_equal(err.msg.buf,
			    "rel/sys.config: to be merged with "
			    "config/config.exs it must be a list of "
			    "{Application, [{Key, Value}]}");
	relc_error_release(&err);
	relc_arena_release(&a);
}

static void
test_key(void **state)
{
	const char *dir = *state;
	char *files[2];
	char k1[65], k2[65], k3[65];

	fixture_write(dir, "config/config.exs", "import Config\n");
	fixture_write(dir, "config/prod.exs", "import Config\n");
	files[0] = fixture_join(dir, "config/config.exs");
	files[1] = fixture_join(dir, "config/prod.exs");
	relc_exconfig_key(k1, "prod", "/usr/bin/elixir 1 2",
			  (const char *const *)files, 2);
	relc_exconfig_key(k2, "prod", "/usr/bin/elixir 1 2",
			  (const char *const *)files, 2);
	assert_string_equal(k1, k2);
	relc_exconfig_key(k2, "dev", "/usr/bin/elixir 1 2",
			  (const char *const *)files, 2);
	assert_string_not_equal(k1, k2);
	relc_exconfig_key(k2, "prod", "/opt/elixir 1 2",
			  (const char *const *)files, 2);
	assert_string_not_equal(k1, k2);
	/* the content, not the time: the same bytes give the same key */
	fixture_write(dir, "config/prod.exs", "import Config\n");
	relc_exconfig_key(k2, "prod", "/usr/bin/elixir 1 2",
			  (const char *const *)files, 2);
	assert_string_equal(k1, k2);
	fixture_write(dir, "config/prod.exs", "import Config\n# x\n");
	relc_exconfig_key(k3, "prod", "/usr/bin/elixir 1 2",
			  (const char *const *)files, 2);
	assert_string_not_equal(k1, k3);
	free(files[1]);
	files[1] = fixture_join(dir, "config/gone.exs");
	relc_exconfig_key(k2, "prod", "/usr/bin/elixir 1 2",
			  (const char *const *)files, 2);
	assert_string_not_equal(k1, k2);
	free(files[0]);
	free(files[1]);
}

/* A fake elixir under DIR/elixir: writes DIR/result.etf, counts runs. */
static void
fake_elixir(const char *dir, const char *body)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	char *path;

	relc_strbuf_addf(&text,
			 "#!/bin/sh\n"
			 "# argv: -e PROGRAM CONFIG ENV RESULT\n"
			 "echo \"$4 $MIX_ENV\" >> '%s/runs'\n"
			 "%s\n",
			 dir, body);
	fixture_write(dir, "elixir/bin/elixir", text.buf);
	path = fixture_join(dir, "elixir/bin/elixir");
	chmod(path, 0755);
	free(path);
	relc_strbuf_release(&text);
}

static size_t
runs(const char *dir)
{
	char *text = fixture_read(dir, "runs", NULL);
	size_t n = 0;
	const char *p;

	for (p = text; p && *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

static void
test_load_and_cache(void **state)
{
	const char *dir = *state;
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_strbuf etf = RELC_STRBUF_INIT, sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_exconfig_in in;
	struct relc_exconfig ex;
	char *proj = fixture_join(dir, "proj"), *s;

	memset(&in, 0, sizeof(in));
	in.project = proj;
	in.env = "prod";
	in.path_env = "/nonexistent";

	/* no config/config.exs: nothing to do, no Elixir needed */
	fixture_write(dir, "proj/mix.exs", "");
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), 0);
	assert_null(ex.config);

	/* config.exs, but no elixir */
	fixture_write(dir, "proj/config/config.exs", "import Config\n");
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), -1);
	assert_string_equal(err.msg.buf,
			    "config/config.exs needs Elixir to be read, and "
			    "there is no elixir on PATH (set elixir_root: in "
			    "the config)");
	relc_error_release(&err);

	/* evaluated once, then cached until a file it read changes */
	relc_strbuf_addf(&sb,
			 "{ok, [{shop, [{port, 80}]}], [<<\"%s/config/"
			 "config.exs\">>]}.",
			 proj);
	etf_of(&etf, &a, sb.buf);
	s = fixture_join(dir, "result.etf");
	{
		FILE *f = fopen(s, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(etf.buf, 1, etf.len, f), etf.len);
		fclose(f);
	}
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "cp '%s' \"$5\"", s);
	free(s);
	fake_elixir(dir, sb.buf);
	in.elixir_root = "../elixir";
	in.path_env = "/usr/bin:/bin"; /* cp */
	if (relc_exconfig_load(&ex, &in, &a, &err))
		fail_msg("load: %s", err.msg.buf);
	assert_int_equal(ex.evaluated, 1);
	s = flat(ex.config);
	assert_string_equal(s, "[{shop,[{port,80}]}]");
	free(s);
	assert_int_equal(runs(dir), 1);
	s = fixture_read(dir, "runs", NULL);
	assert_string_equal(s, "prod prod\n"); /* argv and MIX_ENV */
	free(s);
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), 0);
	assert_int_equal(ex.evaluated, 0);
	s = flat(ex.config);
	assert_string_equal(s, "[{shop,[{port,80}]}]");
	free(s);
	assert_int_equal(runs(dir), 1);
	fixture_write(dir, "proj/config/config.exs", "import Config\n# 2\n");
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), 0);
	assert_int_equal(ex.evaluated, 1);
	assert_int_equal(runs(dir), 2);
	/* another environment is another cache */
	in.env = "dev";
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), 0);
	assert_int_equal(ex.evaluated, 1);
	assert_int_equal(runs(dir), 3);

	/* a failing evaluation: its output in the message, nothing cached */
	fake_elixir(dir, "echo '** (SyntaxError) config/config.exs:2: oops'\n"
			 "exit 1");
	fixture_write(dir, "proj/config/config.exs", "import Config\n(\n");
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), -1);
	assert_non_null(strstr(err.msg.buf, "config/config.exs (dev): "));
	assert_non_null(strstr(err.msg.buf, "failed:\n** (SyntaxError) "
					    "config/config.exs:2: oops"));
	relc_error_release(&err);
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), -1);
	relc_error_release(&err);
	assert_int_equal(runs(dir), 5);

	/*
	 * A result with a bad value, then the files as they were at the
	 * last good evaluation: evaluated again, not the bad result (nor
	 * the good one of before) from the cache.
	 */
	relc_strbuf_reset(&etf);
	etf_of(&etf, &a, "{bad, [{shop, handler, <<\"&String.upcase/1\">>}]}.");
	s = fixture_join(dir, "bad.etf");
	{
		FILE *f = fopen(s, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(etf.buf, 1, etf.len, f), etf.len);
		fclose(f);
	}
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "cp '%s' \"$5\"", s);
	free(s);
	fake_elixir(dir, sb.buf);
	fixture_write(dir, "proj/config/config.exs", "import Config\n# 2\n");
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), -1);
	assert_non_null(strstr(err.msg.buf, "key handler"));
	relc_error_release(&err);
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), -1);
	relc_error_release(&err);
	assert_int_equal(runs(dir), 7);
	relc_strbuf_reset(&sb);
	s = fixture_join(dir, "result.etf");
	relc_strbuf_addf(&sb, "cp '%s' \"$5\"", s);
	free(s);
	fake_elixir(dir, sb.buf);
	assert_int_equal(relc_exconfig_load(&ex, &in, &a, &err), 0);
	assert_int_equal(ex.evaluated, 1);
	assert_int_equal(runs(dir), 8);

	free(proj);
	relc_strbuf_release(&etf);
	relc_strbuf_release(&sb);
	relc_arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test_setup_teardown(test_key, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_load_and_cache,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
