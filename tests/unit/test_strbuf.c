/* test_strbuf.c: the string builder's invariants. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/strbuf.h"

static void
test_empty_is_terminated(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	relc_strbuf_setlen(&sb, 0);
	relc_strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void
test_appends(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t len;
	char *s;
	int i;

	(void)state;
	relc_strbuf_addstr(&sb, "abc");
	relc_strbuf_addch(&sb, '-');
	relc_strbuf_addf(&sb, "%d/%s", 42, "x");
	relc_strbuf_addchars(&sb, '.', 3);
	assert_string_equal(sb.buf, "abc-42/x...");
	for (i = 0; i < 1000; i++)
		relc_strbuf_addf(&sb, "%04d", i);
	assert_int_equal(sb.len, 11 + 4000);
	assert_memory_equal(sb.buf + sb.len - 4, "0999", 4);
	s = relc_strbuf_detach(&sb, &len);
	assert_int_equal(len, 4011);
	assert_int_equal(s[len], '\0');
	assert_int_equal(sb.len, 0);
	free(s);
}

static void
test_embedded_nul_and_setlen(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	relc_strbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	relc_strbuf_setlen(&sb, 1);
	assert_string_equal(sb.buf, "a");
	relc_strbuf_addstr(&sb, "  \n");
	relc_strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "a");
	relc_strbuf_release(&sb);
}

static void
test_binary_writers(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	relc_strbuf_add_u8(&sb, 0x83);
	relc_strbuf_add_be16(&sb, 0x1234);
	relc_strbuf_add_be32(&sb, 0xDEADBEEFul);
	relc_strbuf_add_utf8(&sb, 0x41);
	relc_strbuf_add_utf8(&sb, 0xE9);
	relc_strbuf_add_utf8(&sb, 0x2603);
	relc_strbuf_add_utf8(&sb, 0x1F600);
	assert_int_equal(sb.len, 1 + 2 + 4 + 1 + 2 + 3 + 4);
	assert_memory_equal(sb.buf,
			    "\x83\x12\x34\xDE\xAD\xBE\xEF"
			    "A\xC3\xA9\xE2\x98\x83\xF0\x9F\x98\x80",
			    sb.len);
	relc_strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_is_terminated),
	    cmocka_unit_test(test_appends),
	    cmocka_unit_test(test_embedded_nul_and_setlen),
	    cmocka_unit_test(test_binary_writers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
