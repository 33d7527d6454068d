/*
 * terms.c: an arena for each test, and terms parsed into it.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "terms.h"

struct relc_arena test_arena;

int
test_arena_setup(void **state)
{
	(void)state;
	relc_arena_init(&test_arena);
	return 0;
}

int
test_arena_teardown(void **state)
{
	(void)state;
	relc_arena_release(&test_arena);
	return 0;
}

const struct relc_term *
test_parse1(const char *text)
{
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **t;
	size_t n;

	if (relc_term_parse(&t, &n, text, strlen(text), 0, &test_arena, &err)) {
		struct relc_strbuf msg = RELC_STRBUF_INIT;

		relc_error_format(&msg, &err);
		fail_msg("<%s> does not parse: %s", text, msg.buf);
	}
	if (n != 1)
		fail_msg("<%s> holds %zu terms, not 1", text, n);
	return t[0];
}
