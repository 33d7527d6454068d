/* test_appfile.c: .app files checked with systools' rules. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/appfile.h"
#include "relc/arena.h"
#include "terms.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"

static void
assert_app_error(const char *text, const char *want)
{
	struct relc_app app;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;

	assert_int_equal(relc_appfile_parse(&app, text, strlen(text),
					    "lib/x/ebin/x.app", "x",
					    &test_arena, &err),
			 -1);
	relc_error_format(&msg, &err);
	if (strcmp(msg.buf, want))
		fail_msg("want: %s\ngot:  %s", want, msg.buf);
	relc_strbuf_release(&msg);
	relc_error_release(&err);
}

static void
test_parse_full(void **state)
{
	static const char text[] =
	    "%% an application\n"
	    "{application, x,\n"
	    " [{description, \"X\"}, {vsn, \"1.2.3\"}, {id, \"ID\"},\n"
	    "  {modules, [b, a]}, {registered, [x_sup]},\n"
	    "  {applications, [kernel, stdlib, y, z]},\n"
	    "  {optional_applications, [z]}, {included_applications, [w]},\n"
	    "  {mod, {x_app, [1]}}, {start_phases, [{go, []}]},\n"
	    "  {env, [{k, v}]}, {maxT, 100}, {maxP, infinity},\n"
	    "  {licenses, [\"MIT\"]}]}.\n";
	struct relc_app app;
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	assert_int_equal(relc_appfile_parse(&app, text, sizeof(text) - 1,
					    "/p/lib/x-1.2.3/ebin/x.app", "x",
					    &test_arena, &err),
			 0);
	assert_string_equal(app.name, "x");
	assert_string_equal(app.vsn, "1.2.3");
	assert_string_equal(app.ebin, "/p/lib/x-1.2.3/ebin");
	assert_string_equal(app.dir, "/p/lib/x-1.2.3");
	assert_int_equal(app.mods.n, 2);
	assert_string_equal(app.mods.v[0], "b");
	assert_int_equal(app.uses.n, 4);
	assert_true(relc_names_has(&app.opts, "z"));
	assert_true(relc_names_has(&app.incls, "w"));
	assert_int_equal(app.max_t->u.i, 100);
	assert_true(relc_term_is_atom(app.max_p, "infinity"));
}

static void
test_defaults(void **state)
{
	static const char text[] =
	    "{application, x, [{description, \"\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}]}.";
	struct relc_app app;
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	assert_int_equal(relc_appfile_parse(&app, text, sizeof(text) - 1,
					    "x.app", NULL, &test_arena, &err),
			 0);
	assert_int_equal(app.id->type, RELC_T_NIL);
	assert_int_equal(app.env->type, RELC_T_NIL);
	assert_int_equal(app.mod->type, RELC_T_NIL);
	assert_true(relc_term_is_atom(app.start_phases, "undefined"));
	assert_true(relc_term_is_atom(app.max_t, "infinity"));
	assert_int_equal(app.incls.n, 0);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_app_error(
	    "{application, x, [{description, \"d\"}, {vsn, \"1\"}, "
	    "{registered, []}, {applications, []}]}.",
	    "lib/x/ebin/x.app:1:1: missing required key 'modules' "
	    "in application 'x'");
	assert_app_error("{application, y, []}.",
			 "lib/x/ebin/x.app:1:15: the file is named for 'x' but "
			 "defines application y");
	assert_app_error("{app, x, []}.",
			 "lib/x/ebin/x.app:1:1: not an application resource "
			 "file (expected {application, Name, [...]})");
	assert_app_error("{application, x, [{description, \"d\"}, {vsn, 1}]}.",
			 "lib/x/ebin/x.app:1:45: 'vsn' must be a string");
	assert_app_error(
	    "{application, x, [{description, \"d\"}, {vsn, \"1\"},\n"
	    "  {modules, [a, \"b\"]}]}.",
	    "lib/x/ebin/x.app:2:13: 'modules' must be a list of "
	    "atoms");
	assert_app_error("{application, x, [{vsn, \"1\", extra}]}.",
			 "lib/x/ebin/x.app:1:19: 'vsn' must be {vsn, Value}");
	assert_app_error(
	    "{application, x, [{description, \"d\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}, "
	    "{maxT, 0}]}.",
	    "lib/x/ebin/x.app:1:111: 'maxT' must be a positive "
	    "integer or infinity");
	assert_app_error(
	    "{application, x, [{description, \"d\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}, "
	    "{mod, app}]}.",
	    "lib/x/ebin/x.app:1:110: 'mod' must be {Module, "
	    "StartArgs} or []");
	assert_app_error("{application, x, [{env, [{a, 1}, b]}]}.",
			 "lib/x/ebin/x.app:1:1: missing required key 'vsn' in "
			 "application 'x'");
	assert_app_error(
	    "{application, x, [{description, \"d\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}, "
	    "{env, [{a, 1}, b]}]}.",
	    "lib/x/ebin/x.app:1:110: 'env' must be a list of {Key, "
	    "Value} tuples");
	assert_app_error("", "lib/x/ebin/x.app: no term in the file (expected "
			     "{application, Name, [...]}.)");
	assert_app_error("{application, x", "lib/x/ebin/x.app:1:16: unexpected "
					    "end of file, expected ',' or '}'");
}

/* file:consult/1 refuses what systools would ignore: a second term. */
static void
test_second_term(void **state)
{
	static const char one[] =
	    "{application, x, [{description, \"\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}]}.\n"
	    "%% a comment after the term is fine\n";
	struct relc_app app;
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	assert_int_equal(relc_appfile_parse(&app, one, sizeof(one) - 1, "x.app",
					    "x", &test_arena, &err),
			 0);
	assert_app_error(
	    "{application, x, [{description, \"\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}]}.\n"
	    "\n  {application, x, [{vsn, \"2\"}]}.\n",
	    "lib/x/ebin/x.app:3:3: the file holds a second term; an .app "
	    "file must hold one");
	/* a bad term still reads as a bad term, the first or the second */
	assert_app_error(
	    "{application, x, [{description, \"\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}]}. x",
	    "lib/x/ebin/x.app:1:106: unexpected end of file, expected '.' "
	    "after the term");
	assert_app_error("{application, x, []}. 2.",
			 "lib/x/ebin/x.app:1:23: the file holds a second term; "
			 "an .app file must hold one");
}

static void
test_vsn_compare(void **state)
{
	(void)state;
	assert_true(relc_vsn_compare("1.10", "1.9") > 0);
	assert_true(relc_vsn_compare("1.9", "1.10") < 0);
	assert_true(relc_vsn_compare("2.0", "2.0") == 0);
	assert_true(relc_vsn_compare("2.0.1", "2.0") > 0);
	assert_true(relc_vsn_compare("1.0-rc1", "1.0") > 0);
	assert_true(relc_vsn_compare("01.2", "1.2") == 0);
	assert_true(relc_vsn_compare("8.5.3", "8.5.10") < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_full),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_second_term),
	    cmocka_unit_test(test_vsn_compare),
	};

	return cmocka_run_group_tests(tests, test_arena_setup,
				      test_arena_teardown);
}
