/*
 * test_relfile.c: reading .rel files with systools_make's checks.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/relfile.h"
#include "relc/strbuf.h"
#include "terms.h"

static void
parse_ok(struct relc_relfile *rf, const char *text)
{
	struct relc_error err = RELC_ERROR_INIT;

	if (relc_relfile_parse(rf, text, strlen(text), "x.rel", &test_arena,
			       &err))
		fail_msg("<%s> fails: %s", text, err.msg.buf);
}

/* The formatted error of a .rel that must fail. */
static char *
parse_fails(const char *text)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_relfile rf;

	if (!relc_relfile_parse(&rf, text, strlen(text), "x.rel", &test_arena,
				&err))
		fail_msg("<%s> parses", text);
	assert_int_equal(err.kind, RELC_ETERM);
	relc_error_format(&sb, &err);
	relc_error_release(&err);
	return relc_strbuf_detach(&sb, NULL);
}

static void
assert_fails(const char *text, const char *want)
{
	char *got = parse_fails(text);

	assert_string_equal(got, want);
	free(got);
}

static void
test_minimal(void **state)
{
	struct relc_relfile rf;

	(void)state;
	parse_ok(&rf, "%% a release\n"
		      "{release, {\"shop\", \"1.0\"}, {erts, \"13.1.5\"},\n"
		      " [{kernel, \"8.5.3\"}, {stdlib, \"4.2\"}, {sasl, "
		      "\"4.2\"}]}.\n");
	assert_string_equal(rf.name, "shop");
	assert_string_equal(rf.vsn, "1.0");
	assert_string_equal(rf.erts_vsn, "13.1.5");
	assert_int_equal(rf.napps, 3);
	assert_string_equal(rf.apps[2].name, "sasl");
	assert_string_equal(rf.apps[2].vsn, "4.2");
	assert_int_equal(rf.apps[2].type, RELC_PERMANENT);
	assert_false(rf.apps[2].has_incl);
	assert_int_equal(rf.apps[2].line, 3);
	assert_int_equal(rf.apps[2].col, 39);
}

static void
test_forms(void **state)
{
	struct relc_relfile rf;

	(void)state;
	parse_ok(&rf, "{release, {\"r\", \"2\"}, {erts, \"13\"},\n"
		      " [{kernel, \"1\"}, {stdlib, \"1\", permanent},\n"
		      "  {a, \"1\", [b, c]}, {b, \"2\", load, []},\n"
		      "  {c, \"3\", none}, {d, \"4\", temporary, [e]},\n"
		      "  {e, \"5\", transient}]}.\n");
	assert_int_equal(rf.napps, 7);
	assert_int_equal(rf.apps[1].type, RELC_PERMANENT);
	assert_true(rf.apps[2].has_incl);
	assert_int_equal(rf.apps[2].type, RELC_PERMANENT);
	assert_int_equal(rf.apps[2].incl.n, 2);
	assert_string_equal(rf.apps[2].incl.v[1], "c");
	assert_true(rf.apps[3].has_incl);
	assert_int_equal(rf.apps[3].incl.n, 0);
	assert_int_equal(rf.apps[3].type, RELC_LOAD);
	assert_int_equal(rf.apps[4].type, RELC_NONE);
	assert_false(rf.apps[4].has_incl);
	assert_int_equal(rf.apps[5].type, RELC_TEMPORARY);
	assert_string_equal(rf.apps[5].incl.v[0], "e");
	assert_int_equal(rf.apps[6].type, RELC_TRANSIENT);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_fails("{release, {\"r\", \"1\"}, {erts, \"13\"},\n"
		     " [{kernel, \"1\"}, {stdlib, \"1\"}, {a, \"1\", often}]}.",
		     "x.rel:2:42: bad start type for 'a' (want permanent, "
		     "transient, temporary, load or none)");
	assert_fails("{release, {\"r\", \"1\"}, {erts, \"13\"},\n"
		     " [{kernel, \"1\", load}, {stdlib, \"1\"}]}.",
		     "x.rel:2:3: 'kernel' must be permanent in a release, not "
		     "'load'");
	assert_fails("{release, {\"r\", \"1\"}, {erts, \"13\"}, [{kernel, "
		     "\"1\"}]}.",
		     "x.rel:1:37: the release has no 'stdlib' application");
	assert_fails("{release, {\"r\", \"1\"}, {erts, 13}, []}.",
		     "x.rel:1:30: the erts version is not a string");
	assert_fails("{release, {r, \"1\"}, {erts, \"13\"}, []}.",
		     "x.rel:1:12: the release name is not a string");
	assert_fails("{release, {\"r\", \"1\"}, {erts, \"13\"}}.",
		     "x.rel:1:1: not a release: want {release, {Name, Vsn}, "
		     "{erts, ErtsVsn}, Applications}");
	assert_fails(
	    "{release, {\"r\", \"1\"}, {erts, \"13\"}, [{kernel, 1}]}.",
	    "x.rel:1:47: the version of 'kernel' is not a string");
	assert_fails("{release, {\"r\", \"1\"}, {erts, \"13\"}, [{kernel, "
		     "\"1\"}, {stdlib, \"1\"}, {a, \"1\", [b, \"c\"]}]}.",
		     "x.rel:1:77: the included applications of 'a' are not a "
		     "list of atoms");
	assert_fails("{release, {\"r\", \"1\"}, {erts, \"13\"}, [kernel]}.",
		     "x.rel:1:38: bad application entry (want {App, Vsn}, "
		     "{App, Vsn, Type}, {App, Vsn, Incl} or {App, Vsn, Type, "
		     "Incl})");
	assert_fails("", "x.rel: no release term in the file");
}

static void
test_syntax_error_has_path(void **state)
{
	char *got;

	(void)state;
	got = parse_fails("{release, {\"r\", \"1\"},\n {erts, \"13\"}, [");
	assert_non_null(strstr(got, "x.rel:"));
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_minimal, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_forms, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_syntax_error_has_path,
					    test_arena_setup,
					    test_arena_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
