/*
 * fuzz_term.c: the Erlang term reader.  Whatever it accepts must print and
 * read back as the same term, and survive term_to_binary/binary_to_term
 * for both atom encodings; the .app checks must not crash on it either.
 */
#include "relc/compat.h"

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/strbuf.h"
#include "relc/term.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_roundtrips(const struct relc_term *t, struct relc_arena *arena)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **back, *dec;
	unsigned otp;
	size_t n;
	int pretty;

	for (pretty = 0; pretty < 2; pretty++) {
		/* as relc writes term files: the encoding comment first */
		relc_strbuf_reset(&sb);
		relc_strbuf_addstr(&sb, "%% coding: utf-8\n");
		if (pretty)
			relc_term_print(&sb, t, 0);
		else
			relc_term_print_flat(&sb, t);
		relc_strbuf_addstr(&sb, ".\n");
		if (relc_term_parse(&back, &n, sb.buf, sb.len, 0, arena,
				    &err) ||
		    n != 1 || !relc_term_equal(t, back[0]))
			RELC_BUG("printed term does not read back: %s", sb.buf);
	}
	for (otp = 25; otp <= 26; otp++) {
		relc_strbuf_reset(&sb);
		if (relc_etf_encode(&sb, t, otp, &err))
			RELC_BUG("cannot encode: %s", err.msg.buf);
		if (relc_etf_decode(&dec, sb.buf, sb.len, arena, &err) ||
		    !relc_term_equal(t, dec))
			RELC_BUG("encoded term does not decode back");
	}
	relc_strbuf_release(&sb);
	relc_error_release(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **terms;
	struct relc_app app;
	size_t n, i;

	if (!relc_term_parse(&terms, &n, (const char *)data, size, 0, &arena,
			     &err)) {
		for (i = 0; i < n; i++)
			check_roundtrips(terms[i], &arena);
	}
	relc_error_release(&err);
	relc_appfile_parse(&app, (const char *)data, size, "fuzz.app", NULL,
			   &arena, &err);
	relc_error_release(&err);
	relc_arena_release(&arena);
	return 0;
}
