/*
 * fuzz_beam.c: the BEAM chunk reader and stripper.  Whatever it strips
 * must strip again to the same bytes.
 */
#include "relc/compat.h"

#include "relc/beam.h"
#include "relc/error.h"
#include "relc/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_strbuf once = RELC_STRBUF_INIT, twice = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

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
