/*
 * test_relup.c: relc_relup_make, on cases whose results were taken from
 * systools:make_relup on OTP 25 (tests/oracle/relup runs many more).
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "apps.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/relup.h"
#include "relc/resolve.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "terms.h"

#define SHOP_MODS "[shop_app, shop_sup, shop_srv, shop_db, shop_util]"

static const struct relc_app *
app(const char *name, const char *vsn, const char *mods)
{
	const char *uses = !strcmp(name, "kernel")   ? "[]"
			   : !strcmp(name, "stdlib") ? "[kernel]"
						     : "[kernel, stdlib]";

	return test_app(&test_arena, name, vsn, uses, NULL, NULL, mods, NULL);
}

/* A release "shop" of vsn on erts, of the base apps and the others. */
static struct relc_relspec *
rel(const char *vsn, const char *erts, const char *kernel,
    const struct relc_app *a, const struct relc_app *b)
{
	const struct relc_app *apps[5];
	struct relc_relspec *r = relc_arena_alloc(&test_arena, sizeof(*r));
	size_t n = 0;

	apps[n++] = app("kernel", kernel, "[k_a, k_b]");
	apps[n++] = app("stdlib", "4.0", "[s_a, s_b]");
	apps[n++] = app("sasl", "4.0", "[sasl_a, sasl_b]");
	if (a)
		apps[n++] = a;
	if (b)
		apps[n++] = b;
	*r = test_rel(&test_arena, apps, n, NULL);
	r->name = "shop";
	r->vsn = vsn;
	r->erts_vsn = erts;
	return r;
}

static int
make(const struct relc_term **out, const struct relc_relspec *from,
     const struct relc_relspec *to, const struct relc_relup_appup *appups,
     size_t n, struct relc_error *err)
{
	struct relc_relup_in in;

	memset(&in, 0, sizeof(in));
	in.from = from;
	in.to = to;
	in.appups = appups;
	in.nappups = n;
	return relc_relup_make(out, &in, &test_arena, err);
}

static void
assert_relup(const struct relc_relspec *from, const struct relc_relspec *to,
	     const struct relc_relup_appup *appups, size_t n, const char *want)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf a = RELC_STRBUF_INIT, b = RELC_STRBUF_INIT;
	const struct relc_term *got, *w = test_parse1(want);

	if (make(&got, from, to, appups, n, &err)) {
		relc_error_format(&a, &err);
		fail_msg("relup fails: %s", a.buf);
	}
	if (!relc_term_equal(got, w)) {
		relc_term_print(&a, got, 0);
		relc_term_print(&b, w, 0);
		fail_msg("relup differs\ngot:\n%s\nwant:\n%s", a.buf, b.buf);
	}
}

static char *
relup_fails(const struct relc_relspec *from, const struct relc_relspec *to,
	    const struct relc_relup_appup *appups, size_t n)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const struct relc_term *got;

	if (!make(&got, from, to, appups, n, &err))
		fail_msg("relup succeeds");
	relc_error_format(&sb, &err);
	relc_error_release(&err);
	return relc_strbuf_detach(&sb, NULL);
}

static struct relc_relup_appup
appup(const char *app_name, const char *text)
{
	struct relc_relup_appup a;

	a.app = app_name;
	a.appup = test_parse1(text);
	a.path = "shop.appup";
	return a;
}

/* gen_servers with code_change, up and down (both dynamic) */
static void
test_advanced(void **state)
{
	struct relc_relup_appup au;

	(void)state;
	au = appup("shop",
		   "{\"2\",\n"
		   " [{\"1\", [{update, shop_srv, {advanced, {extra, 1}}},\n"
		   "          {update, shop_db, {advanced, []}, [shop_srv]},\n"
		   "          {update, shop_util}]}],\n"
		   " [{\"1\", [{update, shop_srv, {advanced, {extra, 1}}},\n"
		   "          {update, shop_db, {advanced, []}, [shop_srv]},\n"
		   "          {update, shop_util}]}]}.");
	assert_relup(
	    rel("1", "13.1.5", "9.0", app("shop", "1", SHOP_MODS), NULL),
	    rel("2", "13.1.5", "9.0", app("shop", "2", SHOP_MODS), NULL), &au,
	    1,
	    "{\"2\",\n"
	    " [{\"1\",[],\n"
	    "   "
	    "[{load_object_code,{shop,\"2\",[shop_db,shop_srv,shop_util]}},\n"
	    "    point_of_no_return,\n"
	    "    {suspend,[shop_db,shop_srv]},\n"
	    "    {load,{shop_srv,brutal_purge,brutal_purge}},\n"
	    "    {load,{shop_db,brutal_purge,brutal_purge}},\n"
	    "    {code_change,up,[{shop_db,[]},{shop_srv,{extra,1}}]},\n"
	    "    {resume,[shop_srv,shop_db]},\n"
	    "    {suspend,[shop_util]},\n"
	    "    {load,{shop_util,brutal_purge,brutal_purge}},\n"
	    "    {resume,[shop_util]}]}],\n"
	    " [{\"1\",[],\n"
	    "   "
	    "[{load_object_code,{shop,\"1\",[shop_db,shop_srv,shop_util]}},\n"
	    "    point_of_no_return,\n"
	    "    {suspend,[shop_db,shop_srv]},\n"
	    "    {code_change,down,[{shop_db,[]},{shop_srv,{extra,1}}]},\n"
	    "    {load,{shop_db,brutal_purge,brutal_purge}},\n"
	    "    {load,{shop_srv,brutal_purge,brutal_purge}},\n"
	    "    {resume,[shop_srv,shop_db]},\n"
	    "    {suspend,[shop_util]},\n"
	    "    {load,{shop_util,brutal_purge,brutal_purge}},\n"
	    "    {resume,[shop_util]}]}]}.");
}

/*
 * ERTS and kernel change, an application added (load) and one removed,
 * a new module, a supervisor in the down script.
 */
static void
test_everything(void **state)
{
	struct relc_relup_appup au[2];

	(void)state;
	au[0] = appup("kernel", "{\"9.1\", [{\"9.0\", [{load_module, k_a}]}],\n"
				" [{\"9.0\", [{load_module, k_a}]}]}.");
	au[1] = appup(
	    "shop",
	    "{\"2\",\n"
	    " [{\"1\", [{add_module, shop_new, [shop_db]},\n"
	    "          {update, shop_srv, {advanced, []}, [shop_new]},\n"
	    "          {update, shop_db, {advanced, []}}]}],\n"
	    " [{\"1\", [{delete_module, shop_new},\n"
	    "          {update, shop_srv, {advanced, []}},\n"
	    "          {update, shop_sup, supervisor},\n"
	    "          {update, shop_db, {advanced, []}, [shop_srv]}]}]}.");
	{
		struct relc_relspec *from =
		    rel("1", "13.0", "9.0", app("old", "1", "[old_a]"),
			app("shop", "1", SHOP_MODS));
		struct relc_relspec *to = rel(
		    "2", "13.1.5", "9.1", app("new", "1", "[new_a]"),
		    app("shop", "2",
			"[shop_app, shop_sup, shop_srv, shop_db, shop_util, "
			"shop_new]"));

		to->apps[3].type = RELC_LOAD;
		assert_relup(
		    from, to, au, 2,
		    "{\"2\",\n"
		    " [{\"1\",[],\n"
		    "   [restart_new_emulator,\n"
		    "    {load_object_code,{new,\"1\",[new_a]}},\n"
		    "    {load_object_code,{kernel,\"9.1\",[k_a]}},\n"
		    "    {load_object_code,{shop,\"2\",[shop_srv,shop_new,"
		    "shop_db]}},\n"
		    "    point_of_no_return,\n"
		    "    {load,{new_a,brutal_purge,brutal_purge}},\n"
		    "    {apply,{application,load,[new]}},\n"
		    "    {load,{k_a,brutal_purge,brutal_purge}},\n"
		    "    {suspend,[shop_srv,shop_db]},\n"
		    "    {load,{shop_db,brutal_purge,brutal_purge}},\n"
		    "    {load,{shop_new,brutal_purge,brutal_purge}},\n"
		    "    {load,{shop_srv,brutal_purge,brutal_purge}},\n"
		    "    {code_change,up,[{shop_srv,[]},{shop_db,[]}]},\n"
		    "    {resume,[shop_db,shop_srv]},\n"
		    "    {apply,{application,stop,[old]}},\n"
		    "    {remove,{old_a,brutal_purge,brutal_purge}},\n"
		    "    {purge,[old_a]},\n"
		    "    {apply,{application,unload,[old]}}]}],\n"
		    " [{\"1\",[],\n"
		    "   [{load_object_code,{old,\"1\",[old_a]}},\n"
		    "    {load_object_code,{kernel,\"9.0\",[k_a]}},\n"
		    "    {load_object_code,{shop,\"1\",[shop_db,shop_srv,"
		    "shop_sup]}},\n"
		    "    point_of_no_return,\n"
		    "    {load,{old_a,brutal_purge,brutal_purge}},\n"
		    "    {apply,{application,start,[old,permanent]}},\n"
		    "    {load,{k_a,brutal_purge,brutal_purge}},\n"
		    "    {remove,{shop_new,brutal_purge,brutal_purge}},\n"
		    "    {purge,[shop_new]},\n"
		    "    {suspend,[shop_db,shop_srv]},\n"
		    "    {code_change,down,[{shop_db,[]},{shop_srv,[]}]},\n"
		    "    {load,{shop_db,brutal_purge,brutal_purge}},\n"
		    "    {load,{shop_srv,brutal_purge,brutal_purge}},\n"
		    "    {resume,[shop_srv,shop_db]},\n"
		    "    {suspend,[shop_sup]},\n"
		    "    {load,{shop_sup,brutal_purge,brutal_purge}},\n"
		    "    {code_change,down,[{shop_sup,[]}]},\n"
		    "    {resume,[shop_sup]},\n"
		    "    {apply,{application,stop,[new]}},\n"
		    "    {remove,{new_a,brutal_purge,brutal_purge}},\n"
		    "    {purge,[new_a]},\n"
		    "    {apply,{application,unload,[new]}},\n"
		    "    restart_emulator]}]}.");
	}
}

/* A binary version pattern matches when its first match is the vsn. */
static void
test_regexp_vsn(void **state)
{
	struct relc_relup_appup au =
	    appup("shop", "{\"2\",\n"
			  " [{\"1.3\", [{load_module, shop_app}]},\n"
			  "  {<<\"1\\\\.3\">>, [{load_module, shop_srv}]},\n"
			  "  {<<\"1\\\\.\\\\d+\\\\.[0-9]+\">>, [{load_module, "
			  "shop_util}]}],\n"
			  " [{<<\"1\\\\..*\">>, []}]}.");

	(void)state;
	assert_relup(
	    rel("1", "13.1.5", "9.0", app("shop", "1.3.7", SHOP_MODS), NULL),
	    rel("2", "13.1.5", "9.0", app("shop", "2", SHOP_MODS), NULL), &au,
	    1,
	    "{\"2\", [{\"1\", [], [{load_object_code,{shop,\"2\","
	    "[shop_util]}}, point_of_no_return, "
	    "{load,{shop_util,brutal_purge,brutal_purge}}]}],\n"
	    " [{\"1\", [], [point_of_no_return]}]}.");
}

static void
assert_error(const char *appup_text, const char *want)
{
	struct relc_relup_appup au = appup("shop", appup_text);
	char *got;

	got = relup_fails(
	    rel("1", "13.1.5", "9.0", app("shop", "1", SHOP_MODS), NULL),
	    rel("2", "13.1.5", "9.0", app("shop", "2", SHOP_MODS), NULL), &au,
	    1);
	assert_string_equal(got, want);
	free(got);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_error("{\"2\", [{\"0.9\", []}],\n [{\"1\", []}]}.",
		     "shop.appup:1:7: no upgrade entry for shop-2 from shop-1 "
		     "in the appup");
	assert_error("{\"2\", [{\"1\", []}],\n [{\"0.9\", []}]}.",
		     "shop.appup:2:2: no downgrade entry for shop-2 to shop-1 "
		     "in the appup");
	assert_error("{\"2\", [{\"1\", [{load_module, shop_app},\n"
		     "  {frob, shop_db}]}], []}.",
		     "shop.appup:2:3: bad instruction: {frob,shop_db}");
	assert_error("{\"2\", [{\"1\", [{load_module, nope}]}], []}.",
		     "shop.appup:1:29: no such module in the release: nope");
	assert_error("{\"2\", [{\"1\", [{load_module, shop_db, [x]}]}], []}.",
		     "shop.appup:1:39: undefined module in DepMods (no "
		     "instruction for it): x");
	assert_error("{\"2\", [{\"1\", [{load_module, shop_db}, {update, "
		     "shop_db}]}], []}.",
		     "shop.appup:1:48: module with more than one instruction: "
		     "shop_db");
	assert_error("{\"2\", [{\"1\", [{update, shop_db, soft, sometimes, "
		     "brutal_purge, []}]}], []}.",
		     "shop.appup:1:39: bad purge method (want soft_purge | "
		     "brutal_purge): sometimes");
	assert_error("{\"2\", [{\"1\", [{load_module, shop_db}, "
		     "point_of_no_return, point_of_no_return]}], []}.",
		     "shop.appup:1:59: too many point_of_no_return: "
		     "point_of_no_return");
	assert_error("{\"2\", [{\"1\", [{load_module, shop_db}, "
		     "point_of_no_return]}], []}.",
		     "shop.appup:1:15: bad instruction before "
		     "point_of_no_return: {load_module,shop_db,brutal_purge,"
		     "brutal_purge,[]}");
	assert_error("{\"2\", []}.", "shop.appup:1:1: bad appup: want {Vsn, "
				     "[{UpFrom, Instructions}], [{DownTo, "
				     "Instructions}]}");
}

static void
test_no_appup_no_sasl(void **state)
{
	struct relc_relspec *to, *from;
	char *got;

	(void)state;
	from = rel("1", "13.1.5", "9.0", app("shop", "1", SHOP_MODS), NULL);
	to = rel("2", "13.1.5", "9.0", app("shop", "2", SHOP_MODS), NULL);
	got = relup_fails(from, to, NULL, 0);
	assert_string_equal(got, "no appup for application 'shop' (2 in the "
				 "new release, 1 in the old one)");
	free(got);
	to->apps[2] = to->apps[3];
	to->napps--;
	got = relup_fails(from, to, NULL, 0);
	assert_string_equal(got, "release 'shop' 2 has no sasl application: "
				 "it cannot be upgraded");
	free(got);
}

/* Nothing changed but the release version: empty scripts. */
static void
test_nothing(void **state)
{
	(void)state;
	assert_relup(
	    rel("1", "13.1.5", "9.0", app("shop", "1", SHOP_MODS), NULL),
	    rel("2", "13.1.5", "9.0", app("shop", "1", SHOP_MODS), NULL), NULL,
	    0,
	    "{\"2\", [{\"1\", [], [point_of_no_return]}], [{\"1\", [], "
	    "[point_of_no_return]}]}.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_advanced, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_everything, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_regexp_vsn, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(
		test_no_appup_no_sasl, test_arena_setup, test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_nothing, test_arena_setup,
					    test_arena_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
