/* test_beam.c: stripping BEAM files. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <zlib.h>

#include "fixture.h"
#include "relc/beam.h"
#include "relc/error.h"
#include "relc/strbuf.h"

/* The chunk ids of a BEAM file, in file order, as one string. */
static char *
chunk_ids(const struct relc_strbuf *b)
{
	struct relc_strbuf ids = RELC_STRBUF_INIT;
	size_t off = 12;

	assert_memory_equal(b->buf, "FOR1", 4);
	while (off + 8 <= b->len) {
		const unsigned char *p = (const unsigned char *)b->buf + off;
		size_t len = ((size_t)p[4] << 24) | ((size_t)p[5] << 16) |
			     ((size_t)p[6] << 8) | p[7];

		relc_strbuf_add(&ids, p, 4);
		off += 8 + ((len + 3) & ~(size_t)3);
	}
	assert_int_equal(off, b->len);
	return relc_strbuf_detach(&ids, NULL);
}

static void
test_keeps_significant_chunks_in_order(void **state)
{
	struct relc_strbuf in = RELC_STRBUF_INIT, out = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	char *ids;

	(void)state;
	fixture_beam_bytes(&in, "AtU8CodeStrTImpTExpTFunTLitTLocTAttrCInfDbgi"
				"DocsLineTypeMetaExCk");
	assert_int_equal(relc_beam_strip(&out, in.buf, in.len, "m.beam", &err),
			 0);
	ids = chunk_ids(&out);
	assert_string_equal(ids,
			    "AttrLineTypeAtU8CodeStrTImpTExpTFunTLitTMeta");
	free(ids);
	/* the FOR1 size covers the rest of the file */
	assert_int_equal(((unsigned char)out.buf[6] << 8) |
			     (unsigned char)out.buf[7],
			 out.len - 8);
	relc_strbuf_release(&in);
	relc_strbuf_release(&out);
}

static void
test_gzipped_beam(void **state)
{
	struct relc_strbuf in = RELC_STRBUF_INIT, out = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	unsigned char gz[4096];
	z_stream zs;
	char *ids;

	(void)state;
	fixture_beam_bytes(&in, "AtU8CodeStrTImpTExpTDbgi");
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(
	    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
	    Z_OK);
	zs.next_in = (Bytef *)in.buf;
	zs.avail_in = (uInt)in.len;
	zs.next_out = gz;
	zs.avail_out = sizeof(gz);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(
	    relc_beam_strip(&out, gz, zs.total_out, "m.beam", &err), 0);
	deflateEnd(&zs);
	ids = chunk_ids(&out);
	assert_string_equal(ids, "AtU8CodeStrTImpTExpT");
	free(ids);
	relc_strbuf_release(&in);
	relc_strbuf_release(&out);
}

static void
assert_strip_error(const char *data, size_t len, const char *want)
{
	struct relc_strbuf out = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	assert_int_equal(relc_beam_strip(&out, data, len, "m.beam", &err), -1);
	assert_string_equal(err.msg.buf, want);
	relc_error_release(&err);
	relc_strbuf_release(&out);
}

static void
test_errors(void **state)
{
	struct relc_strbuf in = RELC_STRBUF_INIT;

	(void)state;
	assert_strip_error("hello", 5,
			   "m.beam: not a BEAM file (no FOR1/BEAM "
			   "header)");
	fixture_beam_bytes(&in, "AtU8CodeStrTImpT");
	assert_strip_error(in.buf, in.len,
			   "m.beam: the BEAM file has no 'ExpT' "
			   "chunk");
	fixture_beam_bytes(&in, "AtU8CodeStrTImpTExpT");
	assert_strip_error(in.buf, in.len - 4,
			   "m.beam: truncated BEAM file (header says 76 bytes, "
			   "the file has 72)");
	in.buf[7] = (char)(in.buf[7] - 8); /* the form ends inside a chunk */
	assert_strip_error(in.buf, in.len,
			   "m.beam: chunk 'ExpT' runs past the end of the BEAM "
			   "file");
	assert_strip_error("\x1f\x8b\x08\x00", 4,
			   "m.beam: corrupt gzip-compressed BEAM file");
	relc_strbuf_release(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keeps_significant_chunks_in_order),
	    cmocka_unit_test(test_gzipped_beam),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
