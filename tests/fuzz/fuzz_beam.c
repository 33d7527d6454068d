/*
 * fuzz_beam.c: the BEAM chunk reader and stripper, and relc_beam_info.
 * Whatever it strips must strip again to the same bytes; what it reads
 * must be sorted and unique as beam.h says, and read the same from the
 * stripped file (which keeps every chunk the info comes from).
 */
#include "relc/compat.h"

#include "relc/arena.h"
#include "relc/beam.h"
#include "relc/error.h"
#include "relc/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_strbuf once = RELC_STRBUF_INIT, twice = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_beam_info a, b;
	size_t i;

	if (!relc_beam_info(&a, data, size, "fuzz.beam", &arena, &err)) {
		for (i = 1; i < a.nimports; i++)
			if (strcmp(a.imports[i - 1], a.imports[i]) >= 0)
				RELC_BUG("imports not sorted and unique");
		for (i = 0; i < a.nimports; i++)
			if (!strcmp(a.imports[i], a.module))
				RELC_BUG("a module imports itself");
		if (relc_beam_strip(&once, data, size, "fuzz.beam", &err) ||
		    relc_beam_info(&b, once.buf, once.len, "fuzz.beam", &arena,
				   &err) ||
		    strcmp(a.module, b.module) || memcmp(a.code, b.code, 32) ||
		    a.nimports != b.nimports || a.nbehaviours != b.nbehaviours)
			RELC_BUG("stripping changed the module's info");
	}
	relc_error_release(&err);
	relc_error_init(&err);
	relc_arena_release(&arena);
	if (!relc_beam_strip(&once, data, size, "fuzz.beam", &err)) {
		if (relc_beam_strip(&twice, once.buf, once.len, "fuzz.beam",
				    &err) ||
		    twice.len != once.len ||
		    memcmp(twice.buf, once.buf, once.len))
			RELC_BUG("stripping is not idempotent");
	}
	relc_error_release(&err);
	relc_strbuf_release(&once);
	relc_strbuf_release(&twice);
	return 0;
}
