/*
 * test_appup.c: generated appups (instruction kinds, dependency order,
 * the down section), hand-written ones checked with systools_rc's rules,
 * and version patterns.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "fixtures/beams.h"
#include "relc/appfile.h"
#include "relc/appup.h"
#include "relc/arena.h"
#include "relc/beam.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "terms.h"

/*
 * A module's info by hand: `code` is its digest's first byte, `imports`
 * and `behaviours` space-separated, `cc` 1 for code_change/3, 2 for
 * system_code_change/4.
 */
static struct relc_beam_info
mod(const char *name, int code, const char *imports, const char *behaviours,
    int cc)
{
	struct relc_beam_info bi;
	const char **lists[2] = {NULL, NULL};
	size_t counts[2] = {0, 0}, k;
	const char *src[2] = {imports, behaviours};

	memset(&bi, 0, sizeof(bi));
	bi.module = name;
	bi.code[0] = (unsigned char)code;
	for (k = 0; k < 2; k++) {
		char *copy = relc_arena_strdup(&test_arena, src[k]), *p = copy;

		lists[k] = relc_arena_array(&test_arena, 16, sizeof(char *));
		while (*p) {
			char *sp = strchr(p, ' ');

			if (sp)
				*sp = '\0';
			lists[k][counts[k]++] = p;
			p = sp ? sp + 1 : p + strlen(p);
		}
	}
	bi.imports = lists[0];
	bi.nimports = counts[0];
	bi.behaviours = lists[1];
	bi.nbehaviours = counts[1];
	bi.code_change = cc == 1;
	bi.system_code_change = cc == 2;
	return bi;
}

static void
assert_generated(const struct relc_beam_info *from, size_t nfrom,
		 const struct relc_beam_info *to, size_t nto, const char *want)
{
	struct relc_appup_mods f = {"x", "1.0", from, nfrom};
	struct relc_appup_mods t = {"x", "1.1", to, nto};
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf got = RELC_STRBUF_INIT;
	const struct relc_term *appup;

	if (relc_appup_generate(&appup, &f, &t, &test_arena, &err))
		fail_msg("%s", err.msg.buf);
	relc_term_print_flat(&got, appup);
	if (strcmp(got.buf, want))
		fail_msg("want: %s\ngot:  %s", want, got.buf);
	relc_strbuf_release(&got);
}

static void
test_generate_kinds(void **state)
{
	struct relc_beam_info from[] = {
	    mod("plain", 1, "lists", "", 0),
	    mod("same", 1, "", "", 0),
	    mod("srv", 1, "plain gen_server", "gen_server", 1),
	    mod("sup", 1, "supervisor", "supervisor", 0),
	    mod("gone", 1, "", "", 0),
	    mod("sys", 1, "", "", 2),
	    mod("nocc", 1, "", "gen_server", 0),
	};
	struct relc_beam_info to[] = {
	    mod("sys", 2, "", "", 2),
	    mod("srv", 2, "plain same fresh gen_server", "gen_server", 1),
	    mod("sup", 2, "supervisor srv", "supervisor", 1),
	    mod("plain", 2, "lists", "", 0),
	    mod("same", 1, "", "", 0),
	    mod("fresh", 1, "", "", 0),
	    mod("nocc", 2, "", "gen_server", 0),
	};

	(void)state;
	/*
	 * Deps name only modules with an instruction of their own (same is
	 * unchanged); a module after those it imports, deletes last.
	 */
	assert_generated(
	    from, RELC_ARRAY_SIZE(from), to, RELC_ARRAY_SIZE(to),
	    "{\"1.1\","
	    "[{\"1.0\",[{add_module,fresh},{load_module,nocc,[]},"
	    "{load_module,plain,[]},"
	    "{update,srv,{advanced,[]},[fresh,plain]},"
	    "{update,sup,supervisor},{update,sys,{advanced,[]},[]},"
	    "{delete_module,gone}]}],"
	    "[{\"1.0\",[{add_module,gone},{load_module,nocc,[]},"
	    "{load_module,plain,[]},"
	    "{update,srv,{advanced,[]},[plain]},"
	    "{update,sup,supervisor},{update,sys,{advanced,[]},[]},"
	    "{delete_module,fresh}]}]}");
}

static void
test_generate_order(void **state)
{
	/* a -> b -> c, and a cycle d <-> e that z depends on */
	struct relc_beam_info from[] = {
	    mod("a", 1, "", "", 0), mod("b", 1, "", "", 0),
	    mod("c", 1, "", "", 0), mod("d", 1, "", "", 0),
	    mod("e", 1, "", "", 0), mod("z", 1, "", "", 0),
	};
	struct relc_beam_info to[] = {
	    mod("z", 2, "e", "", 0), mod("e", 2, "d", "", 0),
	    mod("d", 2, "e", "", 0), mod("c", 2, "", "", 0),
	    mod("b", 2, "c", "", 0), mod("a", 2, "b", "", 0),
	};

	(void)state;
	assert_generated(
	    from, RELC_ARRAY_SIZE(from), to, RELC_ARRAY_SIZE(to),
	    "{\"1.1\","
	    "[{\"1.0\",[{load_module,c,[]},{load_module,b,[c]},"
	    "{load_module,a,[b]},{load_module,d,[e]},{load_module,e,[d]},"
	    "{load_module,z,[e]}]}],"
	    "[{\"1.0\",[{load_module,a,[]},{load_module,b,[]},"
	    "{load_module,c,[]},{load_module,d,[]},{load_module,e,[]},"
	    "{load_module,z,[]}]}]}");
}

/* A process that gains code_change/3: the downgrade converts back too. */
static void
test_generate_down_advanced(void **state)
{
	struct relc_beam_info from[] = {
	    mod("Elixir.W", 1, "", "Elixir.GenServer", 0),
	    mod("Elixir.S", 1, "", "Elixir.Supervisor", 0),
	};
	struct relc_beam_info to[] = {
	    mod("Elixir.W", 2, "", "Elixir.GenServer", 1),
	    mod("Elixir.S", 2, "", "Elixir.Supervisor", 0),
	};

	(void)state;
	assert_generated(from, RELC_ARRAY_SIZE(from), to, RELC_ARRAY_SIZE(to),
			 "{\"1.1\","
			 "[{\"1.0\",[{update,'Elixir.S',supervisor},"
			 "{update,'Elixir.W',{advanced,[]},[]}]}],"
			 "[{\"1.0\",[{update,'Elixir.S',supervisor},"
			 "{update,'Elixir.W',{advanced,[]},[]}]}]}");
	/*
	 * A process that loses code_change/3: the new module cannot convert
	 * back, so the downgrade only loads the old code (an advanced update
	 * would call the new module's missing code_change and fail).
	 */
	assert_generated(to, RELC_ARRAY_SIZE(to), from, RELC_ARRAY_SIZE(from),
			 "{\"1.1\","
			 "[{\"1.0\",[{update,'Elixir.S',supervisor},"
			 "{load_module,'Elixir.W',[]}]}],"
			 "[{\"1.0\",[{update,'Elixir.S',supervisor},"
			 "{load_module,'Elixir.W',[]}]}]}");
	/* nothing changed: empty sections */
	assert_generated(from, RELC_ARRAY_SIZE(from), from,
			 RELC_ARRAY_SIZE(from),
			 "{\"1.1\",[{\"1.0\",[]}],[{\"1.0\",[]}]}");
}

/* From real BEAM files: fx_util changed, fx_server calls it. */
static void
test_generate_from_beams(void **state)
{
	struct relc_beam_info from[3], to[3];
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	assert_int_equal(relc_beam_info(&from[0], fx_server_beam_bin,
					fx_server_beam_bin_len, "a",
					&test_arena, &err),
			 0);
	assert_int_equal(relc_beam_info(&from[1], fx_util_beam_bin,
					fx_util_beam_bin_len, "b", &test_arena,
					&err),
			 0);
	assert_int_equal(relc_beam_info(&from[2], fx_sup_beam_bin,
					fx_sup_beam_bin_len, "c", &test_arena,
					&err),
			 0);
	to[0] = from[0];
	to[2] = from[2];
	to[2].code[0] ^= 1;
	assert_int_equal(relc_beam_info(&to[1], v2_fx_util_beam_bin,
					v2_fx_util_beam_bin_len, "d",
					&test_arena, &err),
			 0);
	assert_generated(from, 3, to, 3,
			 "{\"1.1\",[{\"1.0\",[{update,fx_sup,supervisor},"
			 "{load_module,fx_util,[]}]}],"
			 "[{\"1.0\",[{update,fx_sup,supervisor},"
			 "{load_module,fx_util,[]}]}]}");
	to[0].code[0] ^= 1;
	assert_generated(from, 3, to, 3,
			 "{\"1.1\",[{\"1.0\",[{update,fx_sup,supervisor},"
			 "{load_module,fx_util,[]},"
			 "{update,fx_server,{advanced,[]},[fx_util]}]}],"
			 "[{\"1.0\",[{update,fx_sup,supervisor},"
			 "{load_module,fx_util,[]},"
			 "{update,fx_server,{advanced,[]},[fx_util]}]}]}");
}

static void
test_generate_duplicate(void **state)
{
	struct relc_beam_info v[] = {mod("a", 1, "", "", 0),
				     mod("a", 2, "", "", 0)};
	struct relc_appup_mods f = {"x", "1.0", v, 2}, t = {"x", "1.1", v, 1};
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term *appup;

	(void)state;
	assert_int_equal(relc_appup_generate(&appup, &f, &t, &test_arena, &err),
			 -1);
	assert_string_equal(err.msg.buf,
			    "application 'x' 1.0 has module 'a' twice");
	relc_error_release(&err);
}

/* ---- checking ------------------------------------------------------------ */

static struct relc_names
names(const char *text)
{
	struct relc_names n;
	struct relc_strbuf t = RELC_STRBUF_INIT;

	relc_strbuf_addf(&t, "%s.", text);
	relc_names_from_term(&n, test_parse1(t.buf), &test_arena);
	relc_strbuf_release(&t);
	return n;
}

static int
check(const char *text, struct relc_strbuf *msg)
{
	struct relc_names to = names("[a, b, c, new]");
	struct relc_names from = names("[a, b, c, old]");
	struct relc_error err = RELC_ERROR_INIT;
	int r;

	r = relc_appup_check(test_parse1(text), "ebin/x.appup", "x", "1.1", &to,
			     "1.0", &from, &test_arena, &err);
	if (r)
		relc_error_format(msg, &err);
	relc_error_release(&err);
	return r;
}

static void
assert_check_ok(const char *text)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;

	if (check(text, &msg))
		fail_msg("%s", msg.buf);
}

static void
assert_check_error(const char *text, const char *want)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;

	assert_int_equal(check(text, &msg), -1);
	if (strcmp(msg.buf, want))
		fail_msg("want: %s\ngot:  %s", want, msg.buf);
	relc_strbuf_release(&msg);
}

static void
test_check_accepts_systools_forms(void **state)
{
	(void)state;
	assert_check_ok(
	    "{\"1.1\",\n"
	    " [{<<\"^0\\\\..*\">>, [{load_module, zz}]},\n"
	    "  {\"1.0\", [{load_module, a}, {load_module, b, [a]},\n"
	    "    {load_module, c, soft_purge, brutal_purge, [a, b]},\n"
	    "    {update, a}, {update, a, supervisor},\n"
	    "    {update, a, {advanced, x}}, {update, a, soft},\n"
	    "    {update, a, [b]}, {update, a, {advanced, []}, [b]},\n"
	    "    {update, a, soft, [b]},\n"
	    "    {update, a, soft, brutal_purge, soft_purge, []},\n"
	    "    {update, a, 5000, soft, brutal_purge, soft_purge, []},\n"
	    "    {update, a, static, infinity, {advanced, 1}, brutal_purge,\n"
	    "     brutal_purge, [b]},\n"
	    "    {add_module, new}, {add_module, new, [a]},\n"
	    "    {delete_module, old}, {delete_module, old, []},\n"
	    "    {add_application, y}, {add_application, y, load},\n"
	    "    {remove_application, z}, {restart_application, w},\n"
	    "    restart, reboot, restart_new_emulator, restart_emulator,\n"
	    "    {load_object_code, {x, \"1.1\", [a, b]}}, "
	    "point_of_no_return,\n"
	    "    {load, {a, brutal_purge, soft_purge}},\n"
	    "    {remove, {b, soft_purge, soft_purge}}, {purge, [a]},\n"
	    "    {suspend, [a, {b, 100}, {c, infinity}]}, {resume, [a, b]},\n"
	    "    {code_change, [{a, x}]}, {code_change, down, [{a, []}]},\n"
	    "    {stop, [a]}, {start, [a]}, {sync_nodes, id, {m, f, []}},\n"
	    "    {sync_nodes, id, [n1@h]}, {apply, {m, f, [1]}},\n"
	    "    [{load, {a, brutal_purge, brutal_purge}}], []]}],\n"
	    " [{\"1.0\", [{add_module, old}, {delete_module, new},\n"
	    "             {load_module, a}]}]}.\n");
	/* a binary pattern, and the first entry that matches is the one */
	assert_check_ok("{\"1.1\", [{<<\"1\\\\.(?:0|1)(\\\\.\\\\d+)*\">>, "
			"[{load_module, a}]}, {\"1.0\", [{load_module, zz}]}],"
			" [{\"1.0\", [{delete_module, new}]}]}.");
}

static void
test_check_errors(void **state)
{
	(void)state;
	assert_check_error("{\"1.1\", []}.",
			   "ebin/x.appup:1:1: the appup of 'x' must be {Vsn, "
			   "[{UpFromVsn, Instructions}], [{DownToVsn, "
			   "Instructions}]}");
	assert_check_error("{'1.1', [], []}.",
			   "ebin/x.appup:1:2: bad version '1.1' in the appup "
			   "of 'x' (a string)");
	assert_check_error("{\"1.2\", [], []}.",
			   "ebin/x.appup:1:2: the appup is for version "
			   "\"1.2\" of 'x', the application is \"1.1\"");
	assert_check_error("{\"1.1\",\n [{\"0.9\", []}],\n []}.",
			   "ebin/x.appup:2:2: no upgrade entry in the appup of "
			   "'x' matches version \"1.0\"");
	assert_check_error("{\"1.1\", [{\"1.0\", []}],\n"
			   "  [{<<\"1\\\\.0\\\\.\">>, []}]}.",
			   "ebin/x.appup:2:3: no downgrade entry in the appup "
			   "of 'x' matches version \"1.0\"");
	assert_check_error("{\"1.1\", [{\"1.0\", [{load_module, a}, "
			   "{bogus, a}]}], []}.",
			   "ebin/x.appup:1:37: unknown instruction {bogus,a} "
			   "in the appup of 'x'");
	assert_check_error("{\"1.1\", [{\"1.0\", [{load_module, \"a\"}]}], "
			   "[]}.",
			   "ebin/x.appup:1:33: bad module \"a\" in the appup "
			   "of 'x' (an atom)");
	assert_check_error("{\"1.1\", [{\"1.0\", [{update, a, hard}]}], []}.",
			   "ebin/x.appup:1:19: unknown instruction "
			   "{update,a,hard} in the appup of 'x'");
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [{update, a, {adv, 1}}]}], []}.",
	    "ebin/x.appup:1:31: bad change {adv,1} in the appup of 'x' "
	    "(soft or {advanced, Extra})");
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [{load_module, a, brutal, brutal_purge, "
	    "[]}]}], []}.",
	    "ebin/x.appup:1:36: bad purge method brutal in the appup of 'x' "
	    "(soft_purge or brutal_purge)");
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [{suspend, [{a, 0}]}]}], []}.",
	    "ebin/x.appup:1:34: bad timeout 0 in the appup of 'x' (default, "
	    "infinity or a positive integer)");
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [{load_module, a, [b, 1]}]}], []}.",
	    "ebin/x.appup:1:40: bad module 1 in the appup of 'x' (an atom)");
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [mnesia_backup]}], []}.",
	    "ebin/x.appup:1:19: mnesia_backup is not implemented by systools "
	    "(in the appup of 'x')");
	/* modules: up loads the new version's, deletes the old one's */
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [{update, old, {advanced, []}, []}]}], []}.",
	    "ebin/x.appup:1:28: 'old' is not a module of x 1.1");
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [{delete_module, new}]}], []}.",
	    "ebin/x.appup:1:35: 'new' is not a module of x 1.0");
	assert_check_error("{\"1.1\", [{\"1.0\", []}],\n"
			   " [{\"1.0\", [{add_module, new}]}]}.",
			   "ebin/x.appup:2:25: 'new' is not a module of x 1.0");
	/* entries that do not match are checked for syntax only */
	assert_int_equal(
	    relc_appup_check(test_parse1("{\"1.1\", [{\"1.0\", [{add_module, "
					 "zz}]}], [{\"1.0\", []}]}."),
			     "x.appup", "x", "1.1", NULL, "1.0", NULL,
			     &test_arena, NULL),
	    0);
	assert_check_ok("{\"1.1\", [{\"0.1\", [{load_module, nowhere}]}, "
			"{\"1.0\", []}], [{\"1.0\", []}]}.");
	assert_check_error(
	    "{\"1.1\", [{\"0.1\", [{load_module}]}, {\"1.0\", []}], []}.",
	    "ebin/x.appup:1:19: unknown instruction {load_module} in the "
	    "appup of 'x'");
	assert_check_error("{\"1.1\", [{1.0, []}], []}.",
			   "ebin/x.appup:1:11: bad version 1.0 in the appup of "
			   "'x' (a string or a binary regular expression)");
	assert_check_error("{\"1.1\", [{\"1.0\", x}], []}.",
			   "ebin/x.appup:1:18: bad instruction list x in the "
			   "appup of 'x' (a list)");
	assert_check_error(
	    "{\"1.1\", [{<<\"1\\\\.0(?=x)\">>, []}], []}.",
	    "ebin/x.appup:1:11: cannot use the version pattern "
	    "<<\"1\\\\.0(?=x)\">> in the appup of 'x': a (?...) group other "
	    "than (?:...)");
	assert_check_error(
	    "{\"1.1\", [{<<\"1(\">>, []}], []}.",
	    "ebin/x.appup:1:11: cannot use the version pattern "
	    "<<\"1(\">> in the appup of 'x': not a valid regular "
	    "expression (Unmatched ( or \\()");
	/* a spliced list's elements are not expanded (systools_rc) */
	assert_check_error(
	    "{\"1.1\", [{\"1.0\", [[{load_module, a}]]}], []}.",
	    "ebin/x.appup:1:20: unknown instruction {load_module,a} in the "
	    "appup of 'x'");
}

/* A generated appup passes the check. */
static void
test_generated_passes_check(void **state)
{
	struct relc_beam_info from[] = {
	    mod("a", 1, "b", "gen_server", 1),
	    mod("b", 1, "", "", 0),
	    mod("old", 1, "", "", 0),
	};
	struct relc_beam_info to[] = {
	    mod("a", 2, "b new", "gen_server", 1),
	    mod("b", 2, "", "", 0),
	    mod("new", 1, "", "", 0),
	};
	struct relc_appup_mods f = {"x", "1.0", from, 3},
			       t = {"x", "1.1", to, 3};
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	const struct relc_term *appup;

	(void)state;
	assert_int_equal(relc_appup_generate(&appup, &f, &t, &test_arena, &err),
			 0);
	relc_term_print(&text, appup, 0);
	relc_strbuf_addstr(&text, ".\n");
	assert_check_ok(text.buf);
	relc_strbuf_release(&text);
}

static void
assert_match(const char *pattern, const char *vsn, int want)
{
	struct relc_strbuf t = RELC_STRBUF_INIT;

	relc_strbuf_addf(&t, "%s.", pattern);
	if (relc_appup_vsn_match(test_parse1(t.buf), vsn) != want)
		fail_msg("%s on \"%s\": want %d", pattern, vsn, want);
	relc_strbuf_release(&t);
}

static void
test_vsn_match(void **state)
{
	(void)state;
	assert_match("\"1.0\"", "1.0", 1);
	assert_match("\"1.0\"", "1.0.1", 0);
	assert_match("[]", "", 1);
	assert_match("'1.0'", "1.0", 0);
	/* the whole string, as re:run's first match must be */
	assert_match("<<\"1\\\\.0\">>", "1.0", 1);
	assert_match("<<\"1\\\\.0\">>", "11.0", 0);
	assert_match("<<\"1\\\\.0\">>", "1.0.1", 0);
	assert_match("<<\"1\\\\..*\">>", "1.0.1", 1);
	/* OTP's own appups */
	assert_match("<<\"^4\\\\.1\\\\.0(?:\\\\.[0-9]+)+$\">>", "4.1.0.2", 1);
	assert_match("<<\"^4\\\\.1\\\\.0(?:\\\\.[0-9]+)+$\">>", "4.1.0", 0);
	assert_match("<<\"^3\\\\.13$\">>", "3.13", 1);
	/* PCRE classes and escapes */
	assert_match("<<\"1\\\\.\\\\d+\\\\.\\\\d{1,2}\">>", "1.20.33", 1);
	assert_match("<<\"1\\\\.\\\\d+\\\\.\\\\d{1,2}\">>", "1.20.333", 0);
	assert_match("<<\"[\\\\d.]+-rc\\\\w\">>", "1.2-rc1", 1);
	assert_match("<<\"[^\\\\s]+\">>", "1.2", 1);
	assert_match("<<\"[^\\\\s]+\">>", "1 2", 0);
	assert_match("<<\"[a\\\\-]+\">>", "a-a", 1);
	assert_match("<<\"1{\">>", "1{", 1);
	/* what relc cannot translate matches nothing */
	assert_match("<<\"1.*?\">>", "1.0", 0);
	assert_match("<<\"(1)\\\\1\">>", "11", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_generate_kinds, test_arena_setup, test_arena_teardown),
	    cmocka_unit_test_setup_teardown(
		test_generate_order, test_arena_setup, test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_generate_down_advanced,
					    test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_generate_from_beams,
					    test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(
		test_generate_duplicate, test_arena_setup, test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_check_accepts_systools_forms,
					    test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_check_errors, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_generated_passes_check,
					    test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_vsn_match, test_arena_setup,
					    test_arena_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
