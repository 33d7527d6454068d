/* test_term.c: the Erlang term reader, printer and term order. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/arena.h"
#include "terms.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"

/* The error text "LINE:COL: MSG" for text that must not parse. */
static char *
parse_error(const char *text, size_t len)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf out = RELC_STRBUF_INIT;
	const struct relc_term **t;
	size_t n;

	if (relc_term_parse(&t, &n, text, len, 0, &test_arena, &err) != -1)
		fail_msg("<%.*s> parsed, but should not", (int)len, text);
	relc_strbuf_addf(&out, "%lu:%lu: %s", err.line, err.col, err.msg.buf);
	relc_error_release(&err);
	return relc_strbuf_detach(&out, NULL);
}

static void
assert_error(const char *text, const char *want)
{
	char *got = parse_error(text, strlen(text));

	if (strcmp(got, want))
		fail_msg("<%s>\nwant: %s\ngot:  %s", text, want, got);
	free(got);
}

static char *
print(const struct relc_term *t)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_term_print_flat(&sb, t);
	return relc_strbuf_detach(&sb, NULL);
}

static void
assert_prints(const char *text, const char *want)
{
	char *got = print(test_parse1(text));

	if (strcmp(got, want))
		fail_msg("<%s>\nwant: %s\ngot:  %s", text, want, got);
	free(got);
}

static void
test_scalars(void **state)
{
	const struct relc_term *t;

	(void)state;
	t = test_parse1("42.");
	assert_int_equal(t->type, RELC_T_INT);
	assert_int_equal(t->u.i, 42);
	assert_int_equal(test_parse1("-7.")->u.i, -7);
	assert_int_equal(test_parse1("16#ff.")->u.i, 255);
	assert_int_equal(test_parse1("36#Zz.")->u.i, 35 * 36 + 35);
	assert_int_equal(test_parse1("1_000_000.")->u.i, 1000000);
	assert_int_equal(test_parse1("$a.")->u.i, 97);
	assert_int_equal(test_parse1("$\\n.")->u.i, 10);
	assert_int_equal(test_parse1("$\\x{1F600}.")->u.i, 0x1F600);
	assert_int_equal(test_parse1("$\\101.")->u.i, 65);
	assert_int_equal(test_parse1("$\\^A.")->u.i, 1);
	assert_int_equal(test_parse1("- $a.")->u.i, -97);
	assert_int_equal(test_parse1("(3).")->u.i, 3);
	t = test_parse1("-9223372036854775808.");
	assert_int_equal(t->type, RELC_T_INT);
	assert_true(t->u.i == INT64_MIN);
	t = test_parse1("9223372036854775808.");
	assert_int_equal(t->type, RELC_T_BIGINT);
	assert_int_equal(t->u.big.n, 8);
	t = test_parse1("1.5e3.");
	assert_int_equal(t->type, RELC_T_FLOAT);
	assert_true(t->u.f == 1500.0);
	assert_true(test_parse1("-0.25.")->u.f == -0.25);
	t = test_parse1("'hello world'.");
	assert_int_equal(t->type, RELC_T_ATOM);
	assert_string_equal(t->u.atom.name, "hello world");
	assert_true(relc_term_is_atom(test_parse1("ok@host_1."), "ok@host_1"));
}

static void
test_strings_are_lists(void **state)
{
	const struct relc_term *a, *b, *c, *d;

	(void)state;
	a = test_parse1("\"ab\".");
	b = test_parse1("[97, 98].");
	c = test_parse1("[$a | \"b\"].");
	d = test_parse1("\"a\" \"b\".");
	assert_int_equal(a->type, RELC_T_STRING);
	assert_true(relc_term_equal(a, b));
	assert_true(relc_term_equal(a, c));
	assert_true(relc_term_equal(a, d));
	assert_int_equal(test_parse1("\"\".")->type, RELC_T_NIL);
	assert_int_equal(test_parse1("[1, a].")->type, RELC_T_LIST);
	assert_int_equal(test_parse1("[1 | 2].")->type, RELC_T_LIST);
	assert_int_equal(test_parse1("[1, 2 | [3]].")->type, RELC_T_STRING);
	assert_true(relc_term_is_string(test_parse1("\"\\x{263A}\".")));
	assert_false(relc_term_is_string(test_parse1("[16#D800].")));
	assert_true(relc_term_is_list(test_parse1("[a, b].")));
	assert_false(relc_term_is_list(test_parse1("[a | b].")));
}

static void
test_containers(void **state)
{
	const struct relc_term *t;

	(void)state;
	t = test_parse1("{a, {}, [b | c], #{k => v, a => 1}, <<\"x\">>}.");
	assert_int_equal(t->type, RELC_T_TUPLE);
	assert_int_equal(t->u.tuple.n, 5);
	assert_int_equal(t->u.tuple.v[1]->u.tuple.n, 0);
	assert_int_equal(t->u.tuple.v[3]->type, RELC_T_MAP);
	/* keys are sorted: a before k */
	assert_true(relc_term_is_atom(t->u.tuple.v[3]->u.map.k[0], "a"));
	/* the last duplicate key wins, as in maps:from_list */
	t = test_parse1("#{a => 1, a => 2}.");
	assert_int_equal(t->u.map.n, 1);
	assert_int_equal(t->u.map.v[0]->u.i, 2);
	t = test_parse1("fun lists:map/2.");
	assert_int_equal(t->type, RELC_T_FUN);
	assert_int_equal(t->u.fun.arity, 2);
}

static void
test_binaries(void **state)
{
	const struct relc_term *t;

	(void)state;
	t = test_parse1("<<1, 2, 255>>.");
	assert_int_equal(t->u.bits.nbits, 24);
	assert_memory_equal(t->u.bits.data, "\x01\x02\xff", 3);
	t = test_parse1("<<\"é\"/utf8>>.");
	assert_int_equal(t->u.bits.nbits, 16);
	assert_memory_equal(t->u.bits.data, "\xc3\xa9", 2);
	t = test_parse1("<<\"é\">>.");
	assert_memory_equal(t->u.bits.data, "\xe9", 1);
	t = test_parse1("<<5:3>>.");
	assert_int_equal(t->u.bits.nbits, 3);
	assert_int_equal(t->u.bits.data[0], 0xA0);
	t = test_parse1("<<-1:16, 258:16/little, 1.5/float>>.");
	assert_int_equal(t->u.bits.nbits, 16 + 16 + 64);
	assert_memory_equal(t->u.bits.data, "\xff\xff\x02\x01\x3f\xf8", 6);
	t = test_parse1("<<<<\"ab\">>/binary, \"c\">>.");
	assert_memory_equal(t->u.bits.data, "abc", 3);
	/* an empty string is no segment at all (it was read as none) */
	t = test_parse1("<<\"\", 1, \"\":8>>.");
	assert_int_equal(t->u.bits.nbits, 8);
	assert_int_equal(t->u.bits.data[0], 1);
	t = test_parse1("<<\"\">>.");
	assert_int_equal(t->u.bits.nbits, 0);
	t = test_parse1("<<\"a\", \"\"/utf8, <<\"\">>/binary, \"b\">>.");
	assert_int_equal(t->u.bits.nbits, 16);
	assert_memory_equal(t->u.bits.data, "ab", 2);
	t = test_parse1("<<16#123456789ABCDEF0123:80>>.");
	assert_int_equal(t->u.bits.nbits, 80);
	assert_memory_equal(t->u.bits.data,
			    "\x01\x23\x45\x67\x89\xAB\xCD\xEF\x01\x23", 10);
}

static void
test_encodings(void **state)
{
	const char latin1[] = "%% coding: latin-1\n\"caf\xe9\".";
	const struct relc_term *t;

	(void)state;
	t = test_parse1(latin1);
	assert_int_equal(t->type, RELC_T_STRING);
	assert_int_equal(t->u.str.cp[3], 0xE9);
	t = test_parse1("\"caf\xc3\xa9\".");
	assert_int_equal(t->u.str.n, 4);
	assert_int_equal(t->u.str.cp[3], 0xE9);
	assert_error("\"caf\xe9\".",
		     "1:5: invalid UTF-8 (add a '%% coding: latin-1' comment "
		     "on the first line if the file is Latin-1)");
}

static void
test_consult_many_and_max(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **t;
	const char *text = "a. % comment\n{b}.\n\"c\".\n";
	size_t n;

	(void)state;
	assert_int_equal(
	    relc_term_parse(&t, &n, text, strlen(text), 0, &test_arena, &err),
	    0);
	assert_int_equal(n, 3);
	assert_int_equal(t[1]->line, 2);
	/* max 1: like systools, ignore what follows the first term */
	text = "a.\n this is not erlang";
	assert_int_equal(
	    relc_term_parse(&t, &n, text, strlen(text), 1, &test_arena, &err),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(relc_term_parse(&t, &n, "", 0, 0, &test_arena, &err),
			 0);
	assert_int_equal(n, 0);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_error("{a, b",
		     "1:6: unexpected end of file, expected ',' or '}'");
	assert_error("{a b}.", "1:4: unexpected atom b, expected ',' or '}'");
	assert_error("[1, 2.", "1:6: unexpected '.', expected ',', '|' or ']'");
	assert_error("\n  \"abc", "2:3: unterminated string");
	assert_error("'abc", "1:1: unterminated quoted atom");
	assert_error("{a, X}.",
		     "1:5: unexpected variable 'X' (variables are not allowed "
		     "in terms; quote it as an atom), expected a term");
	assert_error("a", "1:2: unexpected end of file, expected '.' after the "
			  "term");
	assert_error("37#1.", "1:1: base 37 is not in 2..36");
	assert_error("1.0e999.", "1:1: float '1.0e999' is too large");
	assert_error("a.b.", "1:2: unexpected '.' (a term ends with '.' and "
			     "white space)");
	assert_error("#{a := 1}.", "1:5: unexpected ':=', expected '=>' (':=' "
				   "only updates maps)");
	assert_error("{a, end}.",
		     "1:5: unexpected atom 'end', expected a term");
	assert_error("<<1:8/wat>>.", "1:7: unexpected atom wat, expected a "
				     "segment type");
	assert_error("- a.", "1:3: unexpected atom a, expected a number after "
			     "the sign");
	assert_error("a ! b.", "1:3: unexpected '!'");
	assert_error("\"\\x{110000}\".", "1:2: bad \\x{...} escape");
}

static void
test_reserved_words_and_long_atoms(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	char *msg;

	(void)state;
	relc_strbuf_addchars(&sb, 'a', 256);
	relc_strbuf_addch(&sb, '.');
	msg = parse_error(sb.buf, sb.len);
	assert_string_equal(msg, "1:1: atom is longer than 255 characters");
	free(msg);
	relc_strbuf_release(&sb);
}

static void
test_depth_limit(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	char *msg;

	(void)state;
	relc_strbuf_addchars(&sb, '[', 5000);
	msg = parse_error(sb.buf, sb.len);
	assert_string_equal(msg, "1:1001: term is nested more than 1000 levels "
				 "deep");
	free(msg);
	relc_strbuf_release(&sb);
}

static void
test_printing(void **state)
{
	(void)state;
	assert_prints("{a, 'B', 'end', 'hello world', '', 'é', 'ж'}.",
		      "{a,'B','end','hello world','',é,'ж'}");
	assert_prints("[\"text\", [1, 2, 3], \"tab\\there\", [], \"\"].",
		      "[\"text\",[1,2,3],\"tab\\there\",[],[]]");
	assert_prints("{1.0, 0.1, -2.5e-10, 1.0e300, 100.0, 5.0e-324}.",
		      "{1.0,0.1,-2.5e-10,1.0e300,100.0,5.0e-324}");
	assert_prints(
	    "{-123456789012345678901234567890, 18446744073709551616}.",
	    "{-123456789012345678901234567890,18446744073709551616}");
	assert_prints("#{b => 1, a => [x | y]}.", "#{a => [x|y],b => 1}");
	assert_prints("<<\"ab\\\"c\">>.", "<<\"ab\\\"c\">>");
	assert_prints("<<1, 2, 3:4>>.", "<<1,2,3:4>>");
	assert_prints("fun m:f/0.", "fun m:f/0");
	assert_prints("\"\\e\\\\\".", "\"\\e\\\\\"");
	/* DEL is not printable to ~p either: a list of integers */
	assert_prints("\"\\e\\d\".", "[27,127]");
}

/* print, parse again: the same term (what a .script reader relies on) */
static void
test_print_roundtrip(void **state)
{
	static const char *const cases[] = {
	    ("{script, {\"r\", \"1\"}, [{preLoaded, [a, b]}, {progress, "
	     "preloaded}, {path, [\"$ROOT/lib/kernel-8.5.3/ebin\"]}]}."),
	    "[1.0, -0.0, 3.141592653589793, 1.0e-300, 123456789.0].",
	    "{'quoted\\natom', 'ünï', \"\\x{1F600} ☃ é\", [0, 1, 127, 159, "
	    "160]}.",
	    "#{1 => a, 1.0 => b, {x} => [y], <<>> => #{}}.",
	    "[[[[[]]]], [a | b], [1, 2 | 3], <<7:3>>, <<\"\\000\\377\">>].",
	    "{-9223372036854775808, 9223372036854775807, "
	    "-36#ZZZZZZZZZZZZZZZZZZ}.",
	};
	size_t i;

	(void)state;
	for (i = 0; i < RELC_ARRAY_SIZE(cases); i++) {
		const struct relc_term *t = test_parse1(cases[i]);
		struct relc_strbuf sb = RELC_STRBUF_INIT;

		relc_term_print(&sb, t, 0);
		relc_strbuf_addstr(&sb, ".");
		if (!relc_term_equal(t, test_parse1(sb.buf)))
			fail_msg("did not read back: %s", sb.buf);
		relc_strbuf_release(&sb);
	}
}

static void
test_pretty_breaks_long_terms(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const struct relc_term *t;
	const char *line;

	(void)state;
	t = test_parse1(
	    "{application, kernel, [{description, \"ERTS  CXC 138 10\"}, "
	    "{vsn, \"8.5.3\"}, {modules, [a, b, c, d, e, f, g, h, i, j, "
	    "k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z]}]}.");
	relc_term_print(&sb, t, 0);
	for (line = sb.buf; line; line = strchr(line, '\n')) {
		const char *end;

		line += *line == '\n';
		end = strchr(line, '\n');
		assert_true((end ? (size_t)(end - line) : strlen(line)) <= 80);
	}
	assert_non_null(strchr(sb.buf, '\n'));
	relc_strbuf_release(&sb);
}

static void
test_term_order(void **state)
{
	static const char *const ordered[] = {
	    "-100000000000000000000.",
	    "-1.",
	    "1.",
	    "1.0.",
	    "2.",
	    "100000000000000000000.",
	    "a.",
	    "ab.",
	    "b.",
	    "fun a:b/1.",
	    "{}.",
	    "{z}.",
	    "{a, a}.",
	    "#{}.",
	    "#{a => 1}.",
	    "[].",
	    "[1].",
	    "[1, 2].",
	    "[2].",
	    "[a].",
	    "<<>>.",
	    "<<0:1>>.",
	    "<<0>>.",
	    "<<1>>.",
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < RELC_ARRAY_SIZE(ordered); i++) {
		for (j = 0; j < RELC_ARRAY_SIZE(ordered); j++) {
			int c = relc_term_compare(test_parse1(ordered[i]),
						  test_parse1(ordered[j]));
			int want = i < j ? -1 : i > j;

			if ((c > 0) - (c < 0) != want)
				fail_msg("compare(%s, %s) = %d", ordered[i],
					 ordered[j], c);
		}
	}
}

static void
test_keyfind(void **state)
{
	const struct relc_term *l = test_parse1("[x, {a}, {b, 1}, {a, 2, 3}].");

	(void)state;
	assert_int_equal(relc_term_keyfind(l, "a")->u.tuple.n, 1);
	assert_int_equal(relc_term_keyfind(l, "b")->u.tuple.v[1]->u.i, 1);
	assert_null(relc_term_keyfind(l, "c"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_strings_are_lists),
	    cmocka_unit_test(test_containers),
	    cmocka_unit_test(test_binaries),
	    cmocka_unit_test(test_encodings),
	    cmocka_unit_test(test_consult_many_and_max),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_reserved_words_and_long_atoms),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_printing),
	    cmocka_unit_test(test_print_roundtrip),
	    cmocka_unit_test(test_pretty_breaks_long_terms),
	    cmocka_unit_test(test_term_order),
	    cmocka_unit_test(test_keyfind),
	};

	return cmocka_run_group_tests(tests, test_arena_setup,
				      test_arena_teardown);
}
