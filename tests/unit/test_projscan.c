/* test_projscan.c: mix.exs, .app.src and rebar.config, read as relc init
   reads them. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/projscan.h"
#include "relc/strbuf.h"

static void
scan(struct relc_mix_project *m, const char *src, struct relc_arena *a)
{
	relc_projscan_mix(m, src, strlen(src), a);
}

static void
assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void
assert_mix(const char *src, const char *app, const char *vsn,
	   const char *apps_path)
{
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_mix_project m;

	scan(&m, src, &a);
	assert_true(m.found);
	assert_str_or_null(m.app, app);
	assert_str_or_null(m.version, vsn);
	assert_str_or_null(m.apps_path, apps_path);
	relc_arena_release(&a);
}

static void
test_mix_plain(void **state)
{
	(void)state;
	assert_mix("defmodule Counter.MixProject do\n"
		   "  use Mix.Project\n\n"
		   "  def project do\n"
		   "    [\n"
		   "      app: :counter,\n"
		   "      version: \"0.3.1\",\n"
		   "      elixir: \"~> 1.14\",\n"
		   "      start_permanent: Mix.env() == :prod,\n"
		   "      deps: deps()\n"
		   "    ]\n"
		   "  end\n\n"
		   "  def application do\n"
		   "    [extra_applications: [:logger], mod: {Counter, []}]\n"
		   "  end\n\n"
		   "  defp deps do\n"
		   "    [{:jason, \"~> 1.4\", app: false}]\n"
		   "  end\n"
		   "end\n",
		   "counter", "0.3.1", NULL);
	/* def project, do: [...] on one line, keys in another order */
	assert_mix("defmodule A.MixProject do\n use Mix.Project\n"
		   " def project, do: [version: \"1.0.0-rc.1\", app: :a_b@c]\n"
		   "end\n",
		   "a_b@c", "1.0.0-rc.1", NULL);
	/* a quoted atom */
	assert_mix("def project do [app: :\"weird\", version: \"1\"] end",
		   "weird", "1", NULL);
}

static void
test_mix_attribute(void **state)
{
	(void)state;
	assert_mix("defmodule Shop.MixProject do\n"
		   "  use Mix.Project\n"
		   "  @version \"2.4.0\"\n"
		   "  @source_url \"https://example.com\"\n\n"
		   "  def project do\n"
		   "    [app: :shop, version: @version, source_url: "
		   "@source_url]\n"
		   "  end\n"
		   "end\n",
		   "shop", "2.4.0", NULL);
	/* an attribute set to something else is unknown */
	assert_mix("@version File.read!(\"VERSION\")\n"
		   "def project do [app: :x, version: @version] end",
		   "x", NULL, NULL);
	/* no such attribute */
	assert_mix("def project do [app: :x, version: @vsn] end", "x", NULL,
		   NULL);
	/* app: @app, as mix's own generators may write it */
	assert_mix("@app :my_app\n@version \"1.0.0\"\n"
		   "def project do [app: @app, version: @version] end",
		   "my_app", "1.0.0", NULL);
	/* an attribute of the other type is no value */
	assert_mix("@app \"my_app\"\n@version :v1\n"
		   "def project do [app: @app, version: @version] end",
		   NULL, NULL, NULL);
}

static void
test_mix_not_literal(void **state)
{
	(void)state;
	/* function calls, interpolation, escapes: unknown */
	assert_mix("def project do [app: :x, version: version()] end", "x",
		   NULL, NULL);
	assert_mix("def project do [app: :x, version: \"#{@major}.0\"] end",
		   "x", NULL, NULL);
	assert_mix("def project do [app: :x, version: \"1\\n\"] end", "x", NULL,
		   NULL);
	assert_mix("def project do [app: :x, version: \"\"\"\n1\n\"\"\"] end",
		   "x", NULL, NULL);
	assert_mix("def project do [app: String.to_atom(\"x\")] end", NULL,
		   NULL, NULL);
}

static void
test_mix_lexing(void **state)
{
	(void)state;
	/* keys of nested lists are not the project's */
	assert_mix("def project do\n"
		   "  [releases: [app: :nope, version: \"9\"],\n"
		   "   docs: [extras: [\"README.md\"], app: :no],\n"
		   "   app: :yes]\n"
		   "end",
		   "yes", NULL, NULL);
	/* comments, strings and sigils that look like keys */
	assert_mix("# def project do [app: :comment] end\n"
		   "@doc \"def project do [app: :string] end\"\n"
		   "@x ~w(def project do)a\n"
		   "@y ~S\"\"\"\n def project do [app: :heredoc] \n\"\"\"\n"
		   "@z ?\"\n"
		   "def project do\n"
		   "  [ # app: :comment2\n"
		   "   description: \"[app: :desc] ] \\\" \",\n"
		   "   elixirc_paths: ~w(lib [web])  ,\n"
		   "   app: :real, version: \"1.2.3\"]\n"
		   "end",
		   "real", "1.2.3", NULL);
	/* the first definition wins; a second key is ignored */
	assert_mix("def project do [app: :one, app: :two] end", "one", NULL,
		   NULL);
	/* type operators and atoms with colons are not keys */
	assert_mix("def project do [x: a::b, app: :c] end", "c", NULL, NULL);
}

static void
test_mix_umbrella(void **state)
{
	(void)state;
	assert_mix("defmodule Shop.Umbrella.MixProject do\n"
		   "  use Mix.Project\n"
		   "  def project do\n"
		   "    [apps_path: \"apps\", version: \"0.9.0\",\n"
		   "     start_permanent: Mix.env() == :prod, deps: deps()]\n"
		   "  end\n"
		   "  defp deps, do: []\n"
		   "end\n",
		   NULL, "0.9.0", "apps");
}

static void
test_mix_not_found(void **state)
{
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_mix_project m;
	static const char *const inputs[] = {
	    "",
	    "defmodule X do end",
	    "def project do end\ndef other do [app: :x] end",
	    "def project(",
	    "\"unterminated [app: :x",
	    "def project do [app: :x",
	    "def project do [app: :\"unterminated",
	    ":\"",
	    "\"",
	    "?",
	    "?\\",
	    "~",
	    "~s",
	    "\"#{\"#{\"#{",
	};
	size_t i;

	(void)state;
	for (i = 0; i < RELC_ARRAY_SIZE(inputs); i++) {
		scan(&m, inputs[i], &a);
		if (m.found)
			assert_null(m.version);
	}
	scan(&m, "def project do end\ndef other do [app: :x] end", &a);
	assert_false(m.found);
	/* a list that never closes still gives what it has */
	scan(&m, "def project do [app: :x", &a);
	assert_true(m.found);
	assert_string_equal(m.app, "x");
	/* an unterminated quoted atom is no name */
	scan(&m, "def project do [app: :\"x", &a);
	assert_null(m.app);
	relc_arena_release(&a);
}

static void
assert_app(const char *src, const char *name, const char *vsn)
{
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const char *n, *v;

	if (relc_projscan_app(&n, &v, src, strlen(src), &a, &err))
		fail_msg("%s", err.msg.buf);
	assert_string_equal(n, name);
	assert_str_or_null(v, vsn);
	relc_arena_release(&a);
}

static void
assert_app_error(const char *src, const char *want)
{
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	const char *n, *v;

	assert_int_equal(relc_projscan_app(&n, &v, src, strlen(src), &a, &err),
			 -1);
	relc_error_set_path(&err, "src/x.app.src");
	relc_error_format(&msg, &err);
	assert_string_equal(msg.buf, want);
	relc_strbuf_release(&msg);
	relc_error_release(&err);
	relc_arena_release(&a);
}

static void
test_app(void **state)
{
	(void)state;
	assert_app("{application, counter,\n [{description, \"c\"},\n"
		   "  {vsn, \"0.1.0\"},\n  {registered, []}]}.\n",
		   "counter", "0.1.0");
	assert_app("%% rebar3\n{application, c, [{vsn, git}]}.", "c", NULL);
	assert_app("{application, c, [{vsn, {cmd, \"git describe\"}}]}.", "c",
		   NULL);
	assert_app("{application, c, []}.", "c", NULL);
	assert_app("{application, c, [{vsn, \"\"}]}.", "c", NULL);
	assert_app_error("{application, c, [}.",
			 "src/x.app.src:1:19: unexpected '}', expected a term");
	assert_app_error("", "src/x.app.src: no term in the file (expected "
			     "{application, Name, [...]}.)");
	assert_app_error("\n{app, c, []}.",
			 "src/x.app.src:2:1: not an application resource "
			 "file (expected {application, Name, [...]})");
	assert_app_error("{application, \"c\", []}.",
			 "src/x.app.src:1:1: not an application resource "
			 "file (expected {application, Name, [...]})");
}

static void
assert_relx(const char *src, int want, const char *name, const char *vsn)
{
	struct relc_arena a = RELC_ARENA_INIT;
	const char *n, *v;

	assert_int_equal(relc_projscan_relx(&n, &v, src, strlen(src), &a),
			 want);
	assert_str_or_null(n, name);
	assert_str_or_null(v, vsn);
	relc_arena_release(&a);
}

static void
test_relx(void **state)
{
	(void)state;
	assert_relx("{erl_opts, [debug_info]}.\n"
		    "{relx, [{mode, prod},\n"
		    "        {release, {shop, \"1.0.0\"}, [a, b, sasl]},\n"
		    "        {release, {other, \"2\"}, [a]}]}.\n",
		    0, "shop", "1.0.0");
	assert_relx("{relx, [{release, {shop, git}, [a]}]}.", 0, "shop", NULL);
	assert_relx("{relx, [{release, {shop, \"1\"}, [a], []}]}.", 0, "shop",
		    "1");
	assert_relx("{erl_opts, []}.", 1, NULL, NULL);
	assert_relx("{relx, [{release, shop, [a]}]}.", 1, NULL, NULL);
	assert_relx("{relx, nope}.", 1, NULL, NULL);
	assert_relx("{relx, [{release, {shop, \"1\"}, [a]}]", 1, NULL, NULL);
}

static void
test_names(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	char longname[300];

	(void)state;
	assert_true(relc_projscan_name_ok("counter"));
	assert_true(relc_projscan_name_ok("my_app2@x"));
	assert_true(relc_projscan_name_ok("aB"));
	assert_false(relc_projscan_name_ok(""));
	assert_false(relc_projscan_name_ok("Counter"));
	assert_false(relc_projscan_name_ok("_x"));
	assert_false(relc_projscan_name_ok("my-app"));
	assert_false(relc_projscan_name_ok("a b"));
	assert_false(relc_projscan_name_ok("a\n"));
	assert_false(relc_projscan_name_ok(NULL));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(relc_projscan_name_ok(longname));
	longname[255] = '\0';
	assert_true(relc_projscan_name_ok(longname));

	assert_true(relc_projscan_vsn_ok("0.1.0"));
	assert_true(relc_projscan_vsn_ok("1.0.0-rc.1+build.5"));
	assert_false(relc_projscan_vsn_ok(""));
	assert_false(relc_projscan_vsn_ok("."));
	assert_false(relc_projscan_vsn_ok(".."));
	assert_false(relc_projscan_vsn_ok("1/2"));
	assert_false(relc_projscan_vsn_ok("1 2"));
	assert_false(relc_projscan_vsn_ok("1\n"));
	assert_false(relc_projscan_vsn_ok(NULL));

	relc_projscan_name_from_dir(&sb, "counter");
	assert_string_equal(sb.buf, "counter");
	relc_projscan_name_from_dir(&sb, "My-Shop.git");
	assert_string_equal(sb.buf, "my_shop_git");
	relc_projscan_name_from_dir(&sb, "__x__");
	assert_string_equal(sb.buf, "x");
	relc_projscan_name_from_dir(&sb, "2048 game");
	assert_string_equal(sb.buf, "rel_2048_game");
	relc_projscan_name_from_dir(&sb, "...");
	assert_string_equal(sb.buf, "release");
	relc_projscan_name_from_dir(&sb, "");
	assert_string_equal(sb.buf, "release");
	relc_projscan_name_from_dir(&sb, "caf\xc3\xa9 bar");
	assert_string_equal(sb.buf, "caf_bar");
	memset(longname, '9', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	relc_projscan_name_from_dir(&sb, longname);
	assert_true(relc_projscan_name_ok(sb.buf));
	relc_strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mix_plain),
	    cmocka_unit_test(test_mix_attribute),
	    cmocka_unit_test(test_mix_not_literal),
	    cmocka_unit_test(test_mix_lexing),
	    cmocka_unit_test(test_mix_umbrella),
	    cmocka_unit_test(test_mix_not_found),
	    cmocka_unit_test(test_app),
	    cmocka_unit_test(test_relx),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
