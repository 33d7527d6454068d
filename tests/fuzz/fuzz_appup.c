/*
 * fuzz_appup.c: appup checking.  The input is read as a term and checked
 * as the appup of an application x going from 1.0 to 1.1; a failure must
 * leave a message, a success none.  The raw bytes are also tried as a
 * version pattern (the PCRE to POSIX translation).
 */
#include "relc/compat.h"

#include "relc/appfile.h"
#include "relc/appup.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const to_v[] = {"a", "b", "c", "new"};
	static const char *const from_v[] = {"a", "b", "c", "old"};
	struct relc_names to = {4, (const char **)to_v, NULL};
	struct relc_names from = {4, (const char **)from_v, NULL};
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **terms;
	struct relc_term pattern;
	size_t n;

	memset(&pattern, 0, sizeof(pattern));
	pattern.type = RELC_T_BITS;
	pattern.u.bits.nbits = size * 8;
	pattern.u.bits.data = data;
	(void)relc_appup_vsn_match(&pattern, "1.0");
	(void)relc_appup_vsn_match(&pattern, "");
	if (!relc_term_parse(&terms, &n, (const char *)data, size, 1, &arena,
			     &err) &&
	    n == 1) {
		int r = relc_appup_check(terms[0], "x.appup", "x", "1.1", &to,
					 "1.0", &from, &arena, &err);

		if (r && !relc_error_isset(&err))
			RELC_BUG("the check failed with no message");
		if (!r && relc_error_isset(&err))
			RELC_BUG("the check passed with a message");
	}
	relc_error_release(&err);
	relc_arena_release(&arena);
	return 0;
}
