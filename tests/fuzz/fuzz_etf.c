/*
 * fuzz_etf.c: binary_to_term on untrusted bytes (a .boot file read back).
 * What decodes must encode and decode to the same term.
 */
#include "relc/compat.h"

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/strbuf.h"
#include "relc/term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const struct relc_term *t, *back;

	if (!relc_etf_decode(&t, data, size, &arena, &err)) {
		if (relc_etf_encode(&sb, t, 26, &err) ||
		    relc_etf_decode(&back, sb.buf, sb.len, &arena, &err) ||
		    !relc_term_equal(t, back))
			RELC_BUG("decoded term does not round-trip");
	}
	relc_strbuf_release(&sb);
	relc_error_release(&err);
	relc_arena_release(&arena);
	return 0;
}
