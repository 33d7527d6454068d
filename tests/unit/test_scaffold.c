/* test_scaffold.c: relc init: what it finds in a project, what it writes,
   and what it refuses to overwrite. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "fixture.h"
#include "relc/arena.h"
#include "relc/config.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/scaffold.h"
#include "relc/strbuf.h"
#include "relc/term.h"

static const char app_src[] =
    "{application, %s, [{description, \"x\"}, {vsn, %s}, {modules, []}]}.\n";

static void
write_app(const char *dir, const char *rel, const char *name, const char *vsn)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;

	relc_strbuf_addf(&text, app_src, name, vsn);
	fixture_write(dir, rel, text.buf);
	relc_strbuf_release(&text);
}

static void
write_mix(const char *dir, const char *rel, const char *app, const char *vsn)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;

	relc_strbuf_addf(&text,
			 "defmodule X.MixProject do\n  use Mix.Project\n"
			 "  def project do\n    [app: :%s, version: %s,\n"
			 "     deps: deps()]\n  end\n"
			 "  defp deps, do: []\nend\n",
			 app, vsn);
	fixture_write(dir, rel, text.buf);
	relc_strbuf_release(&text);
}

static void
detect_ok(struct relc_scaffold *s, const char *dir, const char *release)
{
	struct relc_error err = RELC_ERROR_INIT;

	if (relc_scaffold_detect(s, dir, release, &err))
		fail_msg("detect: %s", err.msg.buf);
}

static void
assert_apps(const struct relc_scaffold *s, const char *want)
{
	struct relc_strbuf got = RELC_STRBUF_INIT;
	size_t i;

	for (i = 0; i < s->napps; i++)
		relc_strbuf_addf(&got, "%s%s", i ? " " : "", s->apps[i]);
	assert_string_equal(got.buf, want);
	relc_strbuf_release(&got);
}

static void
assert_detect_error(const char *dir, const char *release, const char *want)
{
	struct relc_scaffold s;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT, w = RELC_STRBUF_INIT;

	assert_int_equal(relc_scaffold_detect(&s, dir, release, &err), -1);
	relc_error_format(&msg, &err);
	relc_strbuf_addstr(&w, want);
	/* DIR in the expected message is the directory */
	if (strstr(want, "DIR")) {
		relc_strbuf_reset(&w);
		relc_strbuf_add(&w, want, (size_t)(strstr(want, "DIR") - want));
		relc_strbuf_addstr(&w, dir);
		relc_strbuf_addstr(&w, strstr(want, "DIR") + 3);
	}
	assert_string_equal(msg.buf, w.buf);
	relc_strbuf_release(&msg);
	relc_strbuf_release(&w);
	relc_error_release(&err);
	relc_scaffold_release(&s);
}

static void
test_rebar3(void **state)
{
	const char *dir = *state;
	struct relc_scaffold s;

	fixture_write(dir, "rebar.config",
		      "{erl_opts, [debug_info]}.\n"
		      "{relx, [{release, {other, \"9.9.9\"}, [counter]}]}.\n");
	write_app(dir, "src/counter.app.src", "counter", "\"0.1.0\"");
	detect_ok(&s, dir, NULL);
	assert_int_equal(s.kind, RELC_KIND_REBAR3);
	assert_false(s.umbrella);
	assert_string_equal(s.release, "counter");
	assert_string_equal(s.vsn, "0.1.0");
	assert_apps(&s, "counter");
	relc_scaffold_release(&s);

	/* --release: another name, same application */
	detect_ok(&s, dir, "svc");
	assert_string_equal(s.release, "svc");
	assert_apps(&s, "counter");
	relc_scaffold_release(&s);
}

static void
test_rebar3_vsn_fallback(void **state)
{
	const char *dir = *state;
	struct relc_scaffold s;

	fixture_write(dir, "rebar.config", "{erl_opts, []}.\n");
	write_app(dir, "src/counter.app.src", "counter", "git");
	detect_ok(&s, dir, NULL);
	assert_null(s.vsn);
	relc_scaffold_release(&s);

	/* the compiled .app: prod before default before the others */
	write_app(dir, "_build/aaa/lib/counter/ebin/counter.app", "counter",
		  "\"0.0.1\"");
	write_app(dir, "_build/default/lib/counter/ebin/counter.app", "counter",
		  "\"0.4.0-3-gabc\"");
	detect_ok(&s, dir, NULL);
	assert_string_equal(s.vsn, "0.4.0-3-gabc");
	relc_scaffold_release(&s);
	write_app(dir, "_build/prod/lib/counter/ebin/counter.app", "counter",
		  "\"0.5.0\"");
	detect_ok(&s, dir, NULL);
	assert_string_equal(s.vsn, "0.5.0");
	relc_scaffold_release(&s);
}

static void
test_rebar3_umbrella(void **state)
{
	const char *dir = *state;
	struct relc_strbuf sub = RELC_STRBUF_INIT;
	struct relc_scaffold s;

	fixture_write(dir, "rebar.config",
		      "{relx, [{release, {shop, \"1.2.0\"}, [web, db]}]}.\n");
	write_app(dir, "apps/web/src/web.app.src", "web", "\"0.1.0\"");
	write_app(dir, "apps/db/src/db.app.src", "db", "\"0.2.0\"");
	fixture_write(dir, "apps/README", "not an app\n");
	fixture_write(dir, "apps/docs/index.md", "not an app\n");
	detect_ok(&s, dir, NULL);
	assert_true(s.umbrella);
	assert_string_equal(s.release, "shop");
	assert_string_equal(s.vsn, "1.2.0");
	assert_apps(&s, "db web");
	relc_scaffold_release(&s);

	/* no relx release: named after the directory */
	relc_strbuf_addf(&sub, "%s/My-Shop", dir);
	fixture_write(sub.buf, "rebar.config", "{erl_opts, []}.\n");
	write_app(sub.buf, "apps/web/src/web.app.src", "web", "\"0.1.0\"");
	detect_ok(&s, sub.buf, NULL);
	assert_string_equal(s.release, "my_shop");
	assert_string_equal(s.vsn, "0.1.0");
	relc_scaffold_release(&s);

	/* a top-level application too: the release is named after it */
	write_app(sub.buf, "src/front.app.src", "front", "\"3.0.0\"");
	detect_ok(&s, sub.buf, NULL);
	assert_string_equal(s.release, "front");
	assert_string_equal(s.vsn, "3.0.0");
	assert_apps(&s, "front web");
	relc_scaffold_release(&s);
	relc_strbuf_release(&sub);
}

static void
test_mix(void **state)
{
	const char *dir = *state;
	struct relc_scaffold s;

	write_mix(dir, "mix.exs", "book_app", "\"0.1.0\"");
	detect_ok(&s, dir, NULL);
	assert_int_equal(s.kind, RELC_KIND_MIX);
	assert_false(s.umbrella);
	assert_string_equal(s.release, "book_app");
	assert_string_equal(s.vsn, "0.1.0");
	assert_apps(&s, "book_app");
	relc_scaffold_release(&s);

	/* a version mix computes: the compiled .app's */
	write_mix(dir, "mix.exs", "book_app", "version()");
	detect_ok(&s, dir, NULL);
	assert_null(s.vsn);
	relc_scaffold_release(&s);
	write_app(dir, "_build/dev/lib/book_app/ebin/book_app.app", "book_app",
		  "\"0.7.0\"");
	detect_ok(&s, dir, NULL);
	assert_string_equal(s.vsn, "0.7.0");
	relc_scaffold_release(&s);
}

static void
test_mix_umbrella(void **state)
{
	const char *dir = *state;
	struct relc_scaffold s;

	fixture_write(dir, "mix.exs",
		      "defmodule Shop.MixProject do\n  use Mix.Project\n"
		      "  def project do\n    [apps_path: \"apps\",\n"
		      "     version: \"2.0.0\", deps: []]\n  end\nend\n");
	write_mix(dir, "apps/shop_web/mix.exs", "shop_web", "\"0.1.0\"");
	write_mix(dir, "apps/shop/mix.exs", "shop", "\"0.1.0\"");
	fixture_write(dir, "apps/notes/README.md", "not an app\n");
	detect_ok(&s, dir, NULL);
	assert_true(s.umbrella);
	assert_string_equal(s.vsn, "2.0.0");
	assert_apps(&s, "shop shop_web");
	relc_scaffold_release(&s);
}

static void
test_plain(void **state)
{
	const char *dir = *state;
	struct relc_scaffold s;

	write_app(dir, "src/hello.app.src", "hello", "\"0.1.0\"");
	detect_ok(&s, dir, NULL);
	assert_int_equal(s.kind, RELC_KIND_PLAIN);
	assert_string_equal(s.release, "hello");
	assert_string_equal(s.vsn, "0.1.0");
	relc_scaffold_release(&s);

	/* ebin/NAME.app wins, and .appup files are no .app */
	write_app(dir, "ebin/hello.app", "hello", "\"0.2.0\"");
	fixture_write(dir, "ebin/hello.appup", "{\"0.2.0\", [], []}.\n");
	detect_ok(&s, dir, NULL);
	assert_string_equal(s.vsn, "0.2.0");
	relc_scaffold_release(&s);
}

static void
test_detect_errors(void **state)
{
	const char *dir = *state;
	struct relc_strbuf sub = RELC_STRBUF_INIT;

	assert_detect_error(dir, NULL,
			    "'DIR' is not a mix, rebar3 or Erlang project (no "
			    "mix.exs, rebar.config or ebin/*.app)");
	fixture_write(dir, "src/a.app.src", "{application, a, []}.\n");
	fixture_write(dir, "src/b.app.src", "{application, b, []}.\n");
	assert_detect_error(dir, NULL,
			    "'DIR/src' holds more than one *.app.src file "
			    "('a.app.src' and 'b.app.src')");
	assert_detect_error(dir, "Bad-Name",
			    "--release 'Bad-Name' is not a name relc init can "
			    "write (a lower-case letter, then letters, "
			    "digits, _ or @)");

	relc_strbuf_addf(&sub, "%s/m", dir);
	fixture_write(sub.buf, "mix.exs", "defmodule X do end\n");
	assert_detect_error(sub.buf, NULL,
			    "DIR/mix.exs: cannot find the project's keyword "
			    "list (def project do [...] end)");
	fixture_write(sub.buf, "mix.exs", "def project, do: [deps: []]\n");
	assert_detect_error(sub.buf, NULL,
			    "DIR/mix.exs: cannot find the application's "
			    "name (app: :name) in the project's keyword list");
	fixture_write(sub.buf, "mix.exs", "def project, do: [app: :\"a-b\"]\n");
	assert_detect_error(sub.buf, NULL,
			    "DIR/mix.exs: application name 'a-b' is not one "
			    "relc init can write (a lower-case letter, then "
			    "letters, digits, _ or @)");

	relc_strbuf_reset(&sub);
	relc_strbuf_addf(&sub, "%s/r", dir);
	fixture_write(sub.buf, "rebar.config", "{erl_opts, []}.\n");
	assert_detect_error(sub.buf, NULL,
			    "this rebar3 project has no application (no "
			    "src/*.app.src or apps/*/src/*.app.src)");
	fixture_write(sub.buf, "src/x.app.src", "{application, x, [}.\n");
	assert_detect_error(sub.buf, NULL,
			    "DIR/src/x.app.src:1:19: unexpected '}', expected "
			    "a term");
	relc_strbuf_release(&sub);
}

/* The file of s at path, or fail. */
static const struct relc_scaffold_file *
file_of(const struct relc_scaffold *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++)
		if (!strcmp(s->files[i].path, path))
			return &s->files[i];
	fail_msg("no %s", path);
	return NULL;
}

/* sys.config, with each ${...} a placeholder, is one list. */
static void
assert_sys_config_parses(const struct relc_scaffold_file *f)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_arena a = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **terms;
	const char *p = f->text.buf, *start;
	size_t n;

	while ((start = strstr(p, "${"))) {
		relc_strbuf_add(&text, p, (size_t)(start - p));
		relc_strbuf_addstr(&text, "placeholder");
		p = strchr(start, '}');
		assert_non_null(p);
		p++;
	}
	relc_strbuf_addstr(&text, p);
	if (relc_term_parse(&terms, &n, text.buf, text.len, 0, &a, &err))
		fail_msg("sys.config: %s", err.msg.buf);
	assert_int_equal(n, 1);
	assert_true(relc_term_is_list(terms[0]));
	relc_strbuf_release(&text);
	relc_arena_release(&a);
}

/* relc.yaml parses as the build reads it. */
static struct relc_config *
parse_config(const struct relc_scaffold_file *f)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_config *cfg = NULL;

	if (relc_config_parse(&cfg, f->text.buf, f->text.len, "relc.yaml",
			      &err))
		fail_msg("relc.yaml: %lu:%lu: %s\n%s", err.line, err.col,
			 err.msg.buf, f->text.buf);
	return cfg;
}

static void
render_ok(struct relc_scaffold *s)
{
	struct relc_error err = RELC_ERROR_INIT;

	if (relc_scaffold_render(s, &err))
		fail_msg("render: %s", err.msg.buf);
}

static void
test_render_rebar3(void **state)
{
	const char *dir = *state;
	const struct relc_scaffold_file *yaml;
	const struct relc_release_config *rel;
	struct relc_config *cfg;
	struct relc_scaffold s;

	fixture_write(dir, "rebar.config", "{erl_opts, []}.\n");
	write_app(dir, "src/counter.app.src", "counter", "\"0.1.0\"");
	detect_ok(&s, dir, NULL);
	render_ok(&s);
	assert_int_equal(s.nfiles, 6);
	assert_int_equal(file_of(&s, "rel/hooks/post_start")->mode, 0755);
	assert_int_equal(file_of(&s, "rel/commands/hello")->mode, 0755);
	assert_int_equal(file_of(&s, "rel/env.sh")->mode, 0644);
	assert_non_null(strstr(file_of(&s, "rel/commands/hello")->text.buf,
			       "#!/bin/sh\n# Say hello from the release\n"));
	assert_null(strstr(file_of(&s, "rel/vm.args")->text.buf, "{{"));
	assert_sys_config_parses(file_of(&s, "rel/sys.config"));
	yaml = file_of(&s, "rel/relc.yaml");
	/* named like its application: the version is the application's */
	assert_non_null(strstr(yaml->text.buf, "\n    # version: \"0.1.0\""));
	assert_non_null(strstr(yaml->text.buf, "\n  counter:\n"));
	assert_non_null(strstr(yaml->text.buf, "\n    sys_config: rel/"));
	assert_non_null(strstr(yaml->text.buf, "\n      post_start: rel/hooks"
					       "/post_start\n"));
	assert_non_null(strstr(yaml->text.buf, "\n      hello: rel/commands/"
					       "hello\n"));
	cfg = parse_config(yaml);
	assert_int_equal(cfg->nreleases, 1);
	rel = &cfg->releases[0];
	assert_string_equal(rel->name, "counter");
	assert_null(rel->vsn);
	assert_int_equal(rel->ngoals, 1);
	assert_string_equal(rel->goals[0].name, "counter");
	assert_string_equal(rel->settings.vm_args, "rel/vm.args");
	assert_string_equal(rel->settings.sys_config, "rel/sys.config");
	assert_string_equal(rel->settings.env_file, "rel/env.sh");
	assert_null(rel->settings.cookie);
	assert_null(rel->settings.cookie_file);
	assert_int_equal(rel->settings.nhooks, 1);
	assert_string_equal(rel->settings.hooks[0].key, "post_start");
	assert_string_equal(rel->settings.hooks[0].value,
			    "rel/hooks/post_start");
	assert_int_equal(rel->settings.ncommands, 1);
	assert_string_equal(rel->settings.commands[0].key, "hello");
	assert_string_equal(rel->settings.commands[0].value,
			    "rel/commands/hello");
	assert_int_equal(rel->settings.noverlays, 0);
	assert_int_equal(cfg->nenvs, 2);
	assert_string_equal(cfg->envs[0].name, "dev");
	assert_true(cfg->envs[0].settings.dev_mode);
	assert_false(cfg->envs[0].settings.include_erts);
	assert_string_equal(cfg->envs[1].name, "prod");
	assert_true(cfg->envs[1].settings.include_erts);
	relc_config_free(cfg);
	relc_scaffold_release(&s);
}

static void
test_render_umbrella(void **state)
{
	const char *dir = *state;
	const struct relc_scaffold_file *yaml;
	struct relc_config *cfg;
	struct relc_scaffold s;

	fixture_write(dir, "mix.exs",
		      "def project do [apps_path: \"apps\"] end\n");
	write_mix(dir, "apps/b/mix.exs", "b", "\"1\"");
	write_mix(dir, "apps/a/mix.exs", "a", "\"1\"");
	detect_ok(&s, dir, "shop");
	render_ok(&s);
	/* mix: no sys.config */
	assert_int_equal(s.nfiles, 5);
	yaml = file_of(&s, "rel/relc.yaml");
	assert_non_null(strstr(yaml->text.buf, "\n    version: \"0.1.0\""));
	assert_non_null(strstr(yaml->text.buf, "\n    applications:\n"
					       "      - a\n      - b\n"));
	assert_non_null(strstr(yaml->text.buf, "\n    # sys_config: "));
	cfg = parse_config(yaml);
	assert_string_equal(cfg->releases[0].name, "shop");
	assert_string_equal(cfg->releases[0].vsn, "0.1.0");
	assert_int_equal(cfg->releases[0].ngoals, 2);
	/* mix: sys_config left to the default */
	assert_null(cfg->releases[0].settings.sys_config);
	relc_config_free(cfg);
	relc_scaffold_release(&s);
}

static void
test_render_plain(void **state)
{
	const char *dir = *state;
	struct relc_config *cfg;
	struct relc_scaffold s;

	write_app(dir, "ebin/hello.app", "hello", "\"0.1.0\"");
	detect_ok(&s, dir, NULL);
	render_ok(&s);
	/* the default output (_build/ beside the application's ebin/) */
	cfg = parse_config(file_of(&s, "rel/relc.yaml"));
	assert_int_equal(cfg->nenvs, 2);
	assert_null(cfg->envs[0].settings.output_dir);
	assert_null(cfg->envs[1].settings.output_dir);
	assert_null(cfg->releases[0].settings.output_dir);
	relc_config_free(cfg);
	relc_scaffold_release(&s);
}

static void
assert_mode(const char *dir, const char *rel, unsigned mode)
{
	char *p = fixture_join(dir, rel);
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	free(p);
}

static void
test_write(void **state)
{
	const char *dir = *state;
	struct relc_init_opts o = {dir, NULL, 0};
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT, want = RELC_STRBUF_INIT;
	struct relc_scaffold s;
	char *text;

	write_app(dir, "ebin/hello.app", "hello", "\"0.1.0\"");
	fixture_write(dir, "rel/commands/hello", "mine\n");
	/* one file exists: nothing is written */
	assert_int_equal(relc_scaffold_init(&s, &o, &err), -1);
	relc_error_format(&msg, &err);
	relc_strbuf_addf(&want,
			 "%s/rel/commands/hello exists (use --force to "
			 "overwrite)",
			 dir);
	assert_string_equal(msg.buf, want.buf);
	relc_error_release(&err);
	relc_scaffold_release(&s);
	assert_null(fixture_read(dir, "rel/relc.yaml", NULL));
	assert_null(fixture_read(dir, "rel/hooks/post_start", NULL));
	text = fixture_read(dir, "rel/commands/hello", NULL);
	assert_string_equal(text, "mine\n");
	free(text);

	/* --force */
	o.force = 1;
	if (relc_scaffold_init(&s, &o, &err))
		fail_msg("%s", err.msg.buf);
	assert_int_equal(s.nfiles, 6);
	relc_scaffold_release(&s);
	assert_mode(dir, "rel/relc.yaml", 0644);
	assert_mode(dir, "rel/vm.args", 0644);
	assert_mode(dir, "rel/sys.config", 0644);
	assert_mode(dir, "rel/env.sh", 0644);
	assert_mode(dir, "rel/hooks/post_start", 0755);
	assert_mode(dir, "rel/commands/hello", 0755);
	text = fixture_read(dir, "rel/commands/hello", NULL);
	assert_non_null(strstr(text, "release_ctl eval"));
	free(text);

	/* again without --force: the first file is named */
	o.force = 0;
	assert_int_equal(relc_scaffold_init(&s, &o, &err), -1);
	assert_non_null(strstr(err.msg.buf, "/rel/relc.yaml exists"));
	relc_error_release(&err);
	relc_scaffold_release(&s);
	relc_strbuf_release(&msg);
	relc_strbuf_release(&want);
}

static void
test_write_failure(void **state)
{
	const char *dir = *state;
	struct relc_init_opts o = {dir, NULL, 1};
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_scaffold s;
	char *p;

	write_app(dir, "ebin/hello.app", "hello", "\"0.1.0\"");
	/* rel/hooks is a file: the hook cannot be written */
	fixture_write(dir, "rel/hooks", "in the way\n");
	assert_int_equal(relc_scaffold_init(&s, &o, &err), -1);
	relc_error_release(&err);
	relc_scaffold_release(&s);
	/* what was written before it is taken back */
	p = fixture_join(dir, "rel/relc.yaml");
	assert_false(relc_fs_exists(p));
	free(p);
	p = fixture_join(dir, "rel/env.sh");
	assert_false(relc_fs_exists(p));
	free(p);
}

int
main(void)
{
#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, fixture_tmpdir_setup,               \
					fixture_tmpdir_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_rebar3),	     T(test_rebar3_vsn_fallback),
	    T(test_rebar3_umbrella), T(test_mix),
	    T(test_mix_umbrella),    T(test_plain),
	    T(test_detect_errors),   T(test_render_rebar3),
	    T(test_render_umbrella), T(test_render_plain),
	    T(test_write),	     T(test_write_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
