/* test_resolve.c: closure, order and start types of a release. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "apps.h"
#include "relc/arena.h"
#include "relc/config.h"
#include "relc/error.h"
#include "relc/resolve.h"
#include "relc/strbuf.h"

static struct relc_arena arena;
static const struct relc_app *world[32];
static size_t nworld;

static int
lookup(const struct relc_app **out, void *ctx, const char *name,
       const char *vsn, struct relc_error *err)
{
	size_t i;

	(void)ctx;
	(void)err;
	for (i = 0; i < nworld; i++) {
		if (strcmp(world[i]->name, name))
			continue;
		if (vsn && strcmp(world[i]->vsn, vsn))
			continue;
		*out = world[i];
		return 0;
	}
	return 1;
}

static void
describe(struct relc_strbuf *out, void *ctx, const char *name)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < nworld; i++)
		if (!strcmp(world[i]->name, name))
			relc_strbuf_addf(out, "%s%s", out->len ? ", " : "",
					 world[i]->vsn);
}

static void
add(const char *name, const char *vsn, const char *uses, const char *incls,
    const char *opts)
{
	world[nworld++] =
	    test_app(&arena, name, vsn, uses, incls, opts, NULL, NULL);
}

static int
setup(void **state)
{
	(void)state;
	relc_arena_init(&arena);
	nworld = 0;
	add("kernel", "8.5.3", "[]", NULL, NULL);
	add("stdlib", "4.2", "[kernel]", NULL, NULL);
	add("sasl", "4.2", "[kernel, stdlib]", NULL, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	relc_arena_release(&arena);
	return 0;
}

/* Resolve the release `rel`: "name:type name:type ..." of the .rel. */
static char *
resolve(struct relc_release_config *rel, struct relc_error *err)
{
	struct relc_resolve_in in;
	struct relc_relspec spec;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;

	memset(&in, 0, sizeof(in));
	in.rel = rel;
	in.config_path = "relc.yaml";
	in.erts_vsn = "13.1.5";
	in.lookup = lookup;
	in.describe = describe;
	if (relc_resolve(&spec, &in, &arena, err) ||
	    relc_resolve_check_types(&spec, rel, "relc.yaml", err))
		return NULL;
	for (i = 0; i < spec.napps; i++)
		relc_strbuf_addf(&sb, "%s%s:%s", i ? " " : "",
				 spec.apps[i].app->name,
				 relc_start_type_name(spec.apps[i].type));
	return relc_strbuf_detach(&sb, NULL);
}

static struct relc_goal
goal(const char *name, enum relc_start_type type)
{
	struct relc_goal g;

	memset(&g, 0, sizeof(g));
	g.name = name;
	g.type = type;
	g.line = 7;
	g.col = 9;
	return g;
}

/* Release "r" 1 of the given applications. */
static struct relc_release_config
release_of(struct relc_goal *goals, size_t n)
{
	struct relc_release_config rel;

	memset(&rel, 0, sizeof(rel));
	rel.name = "r";
	rel.vsn = "1";
	rel.has_goals = 1;
	rel.goals = goals;
	rel.ngoals = n;
	return rel;
}

static void
assert_resolves(struct relc_goal *goals, size_t n, const char *want)
{
	struct relc_release_config rel = release_of(goals, n);
	struct relc_error err = RELC_ERROR_INIT;
	char *got;

	got = resolve(&rel, &err);
	if (!got)
		fail_msg("resolve failed: %s", err.msg.buf);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_resolve_error(struct relc_goal *goals, size_t n, const char *want)
{
	struct relc_release_config rel = release_of(goals, n);
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;

	assert_null(resolve(&rel, &err));
	relc_error_format(&msg, &err);
	assert_string_equal(msg.buf, want);
	relc_strbuf_release(&msg);
	relc_error_release(&err);
}

static void
test_closure_depth_first(void **state)
{
	struct relc_goal g[] = {goal("web", 0), goal("tools", RELC_LOAD)};

	(void)state;
	add("web", "1", "[kernel, stdlib, db, json]", NULL, NULL);
	add("db", "1", "[kernel, stdlib, pool]", NULL, NULL);
	add("pool", "1", NULL, NULL, NULL);
	add("json", "1", NULL, NULL, NULL);
	add("tools", "1", "[kernel, stdlib, dbg]", NULL, NULL);
	add("dbg", "1", NULL, NULL, NULL);
	assert_resolves(g, 2,
			"kernel:permanent stdlib:permanent sasl:permanent "
			"pool:permanent db:permanent json:permanent "
			"web:permanent dbg:load tools:load");
}

static void
test_optional_and_included(void **state)
{
	struct relc_goal g[] = {goal("app", 0)};

	(void)state;
	add("app", "1", "[kernel, stdlib, opt, gone]", "[inc]", "[opt, gone]");
	add("opt", "1", NULL, NULL, NULL);
	add("inc", "1", "[kernel, stdlib, incdep]", NULL, NULL);
	add("incdep", "1", NULL, NULL, NULL);
	assert_resolves(g, 1,
			"kernel:permanent stdlib:permanent sasl:permanent "
			"opt:permanent incdep:load inc:load app:permanent");
}

static void
test_strongest_type_wins(void **state)
{
	struct relc_goal g[] = {goal("a", RELC_TEMPORARY),
				goal("b", RELC_TRANSIENT),
				goal("c", RELC_NONE)};

	(void)state;
	add("a", "1", "[kernel, stdlib, shared, only_a]", NULL, NULL);
	add("b", "1", "[kernel, stdlib, shared]", NULL, NULL);
	add("c", "1", "[kernel, stdlib, only_c]", NULL, NULL);
	add("shared", "1", NULL, NULL, NULL);
	add("only_a", "1", NULL, NULL, NULL);
	add("only_c", "1", NULL, NULL, NULL);
	assert_resolves(g, 3,
			"kernel:permanent stdlib:permanent sasl:permanent "
			"shared:transient only_a:temporary a:temporary "
			"b:transient only_c:none c:none");
}

static void
test_pinned_and_override(void **state)
{
	struct relc_goal g[] = {goal("app", 0), goal("lib", 0)};

	(void)state;
	g[1].vsn = "1.0";
	g[0].has_incl = 1;
	g[0].nincl = 0;
	add("app", "1", "[kernel, stdlib, lib]", "[dropped]", NULL);
	add("lib", "2.0", NULL, NULL, NULL);
	add("lib", "1.0", NULL, NULL, NULL);
	assert_resolves(g, 2,
			"kernel:permanent stdlib:permanent sasl:permanent "
			"lib:permanent app:permanent");
}

static void
test_errors(void **state)
{
	struct relc_goal missing[] = {goal("app", 0)};
	struct relc_goal badvsn[] = {goal("lib", 0)};
	struct relc_goal badinc[] = {goal("app", 0)};
	const char *incl[] = {"stranger"};
	struct relc_goal loaded[] = {goal("web", 0), goal("db", RELC_LOAD)};

	(void)state;
	add("app", "1", "[kernel, stdlib, mid]", "[inc]", NULL);
	add("mid", "1", "[kernel, stdlib, nowhere]", NULL, NULL);
	add("lib", "2.0", NULL, NULL, NULL);
	add("web", "1", "[kernel, stdlib, db]", NULL, NULL);
	add("db", "1", NULL, NULL, NULL);
	assert_resolve_error(missing, 1,
			     "relc.yaml:7:9: cannot find application "
			     "'nowhere', needed by app -> mid -> nowhere");
	badvsn[0].vsn = "9.9";
	assert_resolve_error(badvsn, 1,
			     "relc.yaml:7:9: cannot find version 9.9 of "
			     "application 'lib' (found: 2.0)");
	badinc[0].has_incl = 1;
	badinc[0].incl = incl;
	badinc[0].nincl = 1;
	assert_resolve_error(badinc, 1,
			     "relc.yaml:7:9: included_applications of 'app' "
			     "lists 'stranger', which /lib/app/ebin/app.app "
			     "does not include (it includes: inc)");
	assert_resolve_error(loaded, 2,
			     "relc.yaml:7:9: 'web' is started (permanent) but "
			     "needs 'db', which is set to load and so would "
			     "not be running: start 'db' too, or set 'web' to "
			     "load");
}

static void
test_version_from_app(void **state)
{
	struct relc_release_config rel;
	struct relc_resolve_in in;
	struct relc_relspec spec;
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	add("book", "0.4.2", NULL, NULL, NULL);
	memset(&rel, 0, sizeof(rel));
	rel.name = "book";
	memset(&in, 0, sizeof(in));
	in.rel = &rel;
	in.lookup = lookup;
	assert_int_equal(relc_resolve(&spec, &in, &arena, &err), 0);
	assert_string_equal(spec.vsn, "0.4.2");
	assert_string_equal(spec.apps[spec.napps - 1].app->name, "book");
	assert_int_equal(spec.apps[spec.napps - 1].type, RELC_PERMANENT);
}

/* Elixir's own applications, as a mix project's release finds them. */
static void
add_elixir(void)
{
	add("compiler", "8.2.3", "[kernel, stdlib]", NULL, NULL);
	add("elixir", "1.14.0", "[kernel, stdlib, compiler]", NULL, NULL);
	add("logger", "1.14.0", "[kernel, stdlib, elixir]", NULL, NULL);
	add("iex", "1.14.0", "[kernel, stdlib, elixir]", NULL, NULL);
}

/* Resolve a mix project's release: "name:type ..." and the version. */
static char *
resolve_mix(struct relc_release_config *rel, const char *project_app,
	    const char **vsn, struct relc_error *err)
{
	struct relc_resolve_in in;
	struct relc_relspec spec;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;

	memset(&in, 0, sizeof(in));
	in.rel = rel;
	in.config_path = "relc.yaml";
	in.erts_vsn = "13.1.5";
	in.lookup = lookup;
	in.mix = 1;
	in.project_app = project_app;
	if (relc_resolve(&spec, &in, &arena, err) ||
	    relc_resolve_check_types(&spec, rel, "relc.yaml", err))
		return NULL;
	for (i = 0; i < spec.napps; i++)
		relc_strbuf_addf(&sb, "%s%s:%s", i ? " " : "",
				 spec.apps[i].app->name,
				 relc_start_type_name(spec.apps[i].type));
	*vsn = spec.vsn;
	return relc_strbuf_detach(&sb, NULL);
}

/* mix release's default set: elixir and sasl always, iex loaded. */
static void
test_mix_default_set(void **state)
{
	struct relc_release_config rel;
	struct relc_error err = RELC_ERROR_INIT;
	const char *vsn = NULL;
	char *got;

	(void)state;
	add_elixir();
	add("book_app", "0.2.0", "[kernel, stdlib, elixir, logger, dep]", NULL,
	    NULL);
	add("dep", "1.0.0", "[kernel, stdlib]", NULL, NULL);
	memset(&rel, 0, sizeof(rel));
	rel.name = "book"; /* not the app's name: mix.exs says which */
	got = resolve_mix(&rel, "book_app", &vsn, &err);
	if (!got)
		fail_msg("resolve failed: %s", err.msg.buf);
	assert_string_equal(got, "kernel:permanent stdlib:permanent "
				 "compiler:permanent elixir:permanent "
				 "sasl:permanent logger:permanent "
				 "dep:permanent book_app:permanent iex:load");
	assert_string_equal(vsn, "0.2.0"); /* the project's version */
	free(got);
}

/* Listed applications (an umbrella's subset) and a type for iex. */
static void
test_mix_listed(void **state)
{
	struct relc_goal g[] = {goal("web", 0), goal("iex", RELC_NONE),
				goal("sasl", RELC_LOAD)};
	struct relc_release_config rel = release_of(g, 3);
	struct relc_error err = RELC_ERROR_INIT;
	const char *vsn = NULL;
	char *got;

	(void)state;
	add_elixir();
	add("web", "0.1.0", "[kernel, stdlib, elixir, core]", NULL, NULL);
	add("core", "0.1.0", "[kernel, stdlib, elixir]", NULL, NULL);
	add("admin", "0.1.0", "[kernel, stdlib, elixir, core]", NULL, NULL);
	got = resolve_mix(&rel, NULL, &vsn, &err);
	if (!got)
		fail_msg("resolve failed: %s", err.msg.buf);
	assert_string_equal(got, "kernel:permanent stdlib:permanent "
				 "compiler:permanent elixir:permanent "
				 "sasl:load core:permanent web:permanent "
				 "iex:none");
	free(got);
}

/* A mix project without Elixir to be found: the error says so. */
static void
test_mix_without_elixir(void **state)
{
	struct relc_release_config rel;
	struct relc_error err = RELC_ERROR_INIT;
	const char *vsn;

	(void)state;
	add("app", "1", NULL, NULL, NULL);
	memset(&rel, 0, sizeof(rel));
	rel.name = "app";
	assert_null(resolve_mix(&rel, "app", &vsn, &err));
	assert_string_equal(err.msg.buf,
			    "cannot find application 'elixir': a mix "
			    "project's release holds Elixir (set "
			    "elixir_root:, or put elixir on PATH)");
	relc_error_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_closure_depth_first, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_optional_and_included, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_strongest_type_wins, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pinned_and_override, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_version_from_app, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_mix_default_set, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_mix_listed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mix_without_elixir, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
