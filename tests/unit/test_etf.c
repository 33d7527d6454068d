/*
 * test_etf.c: term_to_binary as OTP writes it.  The expected bytes were
 * produced by term_to_binary/1 on OTP 25.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <zlib.h>

#include "relc/arena.h"
#include "terms.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/strbuf.h"
#include "relc/term.h"

static void
assert_encodes(const char *text, unsigned otp, const unsigned char *want,
	       size_t len)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term *t = test_parse1(text), *back;

	assert_int_equal(relc_etf_encode(&sb, t, otp, &err), 0);
	if (sb.len != len || memcmp(sb.buf, want, len)) {
		struct relc_strbuf hex = RELC_STRBUF_INIT;
		size_t i;

		for (i = 0; i < sb.len; i++)
			relc_strbuf_addf(&hex, "%u,", (unsigned char)sb.buf[i]);
		fail_msg("%s encodes as <<%s>>", text, hex.buf);
	}
	/* and decodes to the same term */
	assert_int_equal(
	    relc_etf_decode(&back, sb.buf, sb.len, &test_arena, &err), 0);
	assert_true(relc_term_equal(t, back));
	relc_strbuf_release(&sb);
}

#define ENC(text, otp, ...)                                                    \
	do {                                                                   \
		static const unsigned char want[] = {__VA_ARGS__};             \
		assert_encodes(text, otp, want, sizeof(want));                 \
	} while (0)

static void
test_otp25_bytes(void **state)
{
	(void)state;
	ENC("foo.", 25, 131, 100, 0, 3, 102, 111, 111);
	ENC("'é'.", 25, 131, 100, 0, 1, 233);
	ENC("'α'.", 25, 131, 119, 2, 206, 177);
	ENC("1.5.", 25, 131, 70, 63, 248, 0, 0, 0, 0, 0, 0);
	ENC("-1.", 25, 131, 98, 255, 255, 255, 255);
	ENC("256.", 25, 131, 98, 0, 0, 1, 0);
	ENC("-2147483648.", 25, 131, 98, 128, 0, 0, 0);
	ENC("2147483648.", 25, 131, 110, 4, 0, 0, 0, 0, 128);
	ENC("-123456789012345678901234567890.", 25, 131, 110, 13, 1, 210, 10,
	    63, 78, 238, 224, 115, 195, 246, 15, 233, 142, 1);
	ENC("<<1:3>>.", 25, 131, 77, 0, 0, 0, 1, 3, 32);
	ENC("fun lists:map/2.", 25, 131, 113, 100, 0, 5, 108, 105, 115, 116,
	    115, 100, 0, 3, 109, 97, 112, 97, 2);
	ENC("[1,2|3].", 25, 131, 108, 0, 0, 0, 2, 97, 1, 97, 2, 97, 3);
	ENC("\"abc\".", 25, 131, 107, 0, 3, 97, 98, 99);
	ENC("[300,1].", 25, 131, 108, 0, 0, 0, 2, 98, 0, 0, 1, 44, 97, 1, 106);
	ENC("[].", 25, 131, 106);
	ENC("#{1 => a, 1.0 => b}.", 25, 131, 116, 0, 0, 0, 2, 97, 1, 100, 0, 1,
	    97, 70, 63, 240, 0, 0, 0, 0, 0, 0, 100, 0, 1, 98);
	ENC("{a, <<\"x\">>}.", 25, 131, 104, 2, 100, 0, 1, 97, 109, 0, 0, 0, 1,
	    120);
}

static void
test_otp26_atoms(void **state)
{
	(void)state;
	ENC("foo.", 26, 131, 119, 3, 102, 111, 111);
	ENC("'é'.", 26, 131, 119, 2, 195, 169);
	ENC("{ok}.", 27, 131, 104, 1, 119, 2, 111, 107);
}

static void
test_large_forms(void **state)
{
	struct relc_strbuf text = RELC_STRBUF_INIT, sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term *t, *back;
	int i;

	(void)state;
	relc_strbuf_addstr(&text, "{");
	for (i = 0; i < 300; i++)
		relc_strbuf_addf(&text, "%se%d", i ? "," : "", i);
	relc_strbuf_addstr(&text, "}.");
	t = test_parse1(text.buf);
	assert_int_equal(relc_etf_encode(&sb, t, 25, &err), 0);
	assert_int_equal((unsigned char)sb.buf[1], 105); /* LARGE_TUPLE_EXT */
	assert_int_equal(
	    relc_etf_decode(&back, sb.buf, sb.len, &test_arena, &err), 0);
	assert_true(relc_term_equal(t, back));
	/* a string longer than 65535 is a list of small integers */
	relc_strbuf_reset(&text);
	relc_strbuf_addch(&text, '"');
	relc_strbuf_addchars(&text, 'x', 70000);
	relc_strbuf_addstr(&text, "\".");
	relc_strbuf_reset(&sb);
	assert_int_equal(relc_etf_encode(&sb, test_parse1(text.buf), 25, &err),
			 0);
	assert_int_equal((unsigned char)sb.buf[1], 108); /* LIST_EXT */
	assert_int_equal(sb.len, 1 + 5 + 70000 * 2 + 1);
	relc_strbuf_release(&text);
	relc_strbuf_release(&sb);
}

static void
test_decode_compressed_and_errors(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT, packed = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term *t, *back;
	uLongf clen;

	(void)state;
	t = test_parse1("{script, {\"n\", \"1\"}, [{progress, started}]}.");
	assert_int_equal(relc_etf_encode(&sb, t, 25, &err), 0);
	clen = compressBound((uLong)sb.len - 1);
	relc_strbuf_add_u8(&packed, 131);
	relc_strbuf_add_u8(&packed, 80);
	relc_strbuf_add_be32(&packed, (unsigned long)(sb.len - 1));
	relc_strbuf_grow(&packed, clen);
	assert_int_equal(compress((Bytef *)packed.buf + packed.len, &clen,
				  (const Bytef *)sb.buf + 1, (uLong)sb.len - 1),
			 Z_OK);
	packed.len += clen;
	assert_int_equal(
	    relc_etf_decode(&back, packed.buf, packed.len, &test_arena, &err),
	    0);
	assert_true(relc_term_equal(t, back));

	assert_int_equal(
	    relc_etf_decode(&back, "\x83\x68\x02\x61", 4, &test_arena, &err),
	    -1);
	assert_string_equal(err.msg.buf, "bad external term format at byte 3: "
					 "unexpected end of data");
	relc_error_release(&err);
	assert_int_equal(
	    relc_etf_decode(&back, "\x82\x6a", 2, &test_arena, &err), -1);
	relc_error_release(&err);
	assert_int_equal(
	    relc_etf_decode(&back, "\x83\x6a\x6a", 3, &test_arena, &err), -1);
	assert_string_equal(err.msg.buf, "bad external term format at byte 2: "
					 "trailing bytes after the term");
	relc_error_release(&err);
	relc_strbuf_release(&sb);
	relc_strbuf_release(&packed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_otp25_bytes),
	    cmocka_unit_test(test_otp26_atoms),
	    cmocka_unit_test(test_large_forms),
	    cmocka_unit_test(test_decode_compressed_and_errors),
	};

	return cmocka_run_group_tests(tests, test_arena_setup,
				      test_arena_teardown);
}
