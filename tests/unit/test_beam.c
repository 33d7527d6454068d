/*
 * test_beam.c: stripping BEAM files, and reading what an appup needs from
 * real ones (fixtures/beams.h, made by fixtures/make_beams.sh).
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <zlib.h>

#include "fixture.h"
#include "fixtures/beams.h"
#include "relc/arena.h"
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

/* The chunk with id `id` (its header) in a BEAM file's bytes. */
static unsigned char *
find_chunk(struct relc_strbuf *b, const char *id)
{
	size_t off = 12;

	while (off + 8 <= b->len) {
		unsigned char *p = (unsigned char *)b->buf + off;
		size_t len = ((size_t)p[4] << 24) | ((size_t)p[5] << 16) |
			     ((size_t)p[6] << 8) | p[7];

		if (!memcmp(p, id, 4))
			return p;
		off += 8 + ((len + 3) & ~(size_t)3);
	}
	fail_msg("no chunk %s", id);
	return NULL;
}

static void
info_ok(struct relc_beam_info *bi, const void *data, size_t len,
	struct relc_arena *arena)
{
	struct relc_error err = RELC_ERROR_INIT;

	if (relc_beam_info(bi, data, len, "m.beam", arena, &err))
		fail_msg("%s", err.msg.buf);
}

static char *
joined(const char *const *v, size_t n)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		relc_strbuf_addf(&sb, "%s%s", i ? " " : "", v[i]);
	return relc_strbuf_detach(&sb, NULL);
}

static void
assert_list(const char *const *v, size_t n, const char *want)
{
	char *got = joined(v, n);

	assert_string_equal(got, want);
	free(got);
}

static void
test_info_gen_server(void **state)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_beam_info bi;

	(void)state;
	info_ok(&bi, fx_server_beam_bin, fx_server_beam_bin_len, &arena);
	assert_string_equal(bi.module, "fx_server");
	assert_list(bi.imports, bi.nimports, "erlang fx_util gen_server");
	assert_list(bi.behaviours, bi.nbehaviours, "gen_server");
	assert_true(bi.code_change);
	assert_false(bi.system_code_change);
	relc_arena_release(&arena);
}

static void
test_info_supervisor_and_special(void **state)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_beam_info bi;

	(void)state;
	info_ok(&bi, fx_sup_beam_bin, fx_sup_beam_bin_len, &arena);
	assert_string_equal(bi.module, "fx_sup");
	assert_list(bi.behaviours, bi.nbehaviours, "supervisor");
	assert_list(bi.imports, bi.nimports, "erlang supervisor");
	assert_false(bi.code_change);
	info_ok(&bi, fx_sys_beam_bin, fx_sys_beam_bin_len, &arena);
	assert_string_equal(bi.module, "fx_sys");
	assert_int_equal(bi.nbehaviours, 0);
	/* its own fully qualified call does not count */
	assert_list(bi.imports, bi.nimports, "erlang");
	assert_false(bi.code_change);
	assert_true(bi.system_code_change);
	relc_arena_release(&arena);
}

static void
test_info_digest(void **state)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_beam_info a, b, c;

	(void)state;
	info_ok(&a, fx_util_beam_bin, fx_util_beam_bin_len, &arena);
	info_ok(&b, nodebug_fx_util_beam_bin, nodebug_fx_util_beam_bin_len,
		&arena);
	info_ok(&c, v2_fx_util_beam_bin, v2_fx_util_beam_bin_len, &arena);
	assert_string_equal(a.module, "fx_util");
	assert_list(a.imports, a.nimports, "erlang lists");
	assert_list(c.imports, c.nimports, "erlang");
	assert_int_equal(a.nbehaviours, 0);
	/* debug info (and the source path in CInf) do not count */
	assert_memory_equal(a.code, b.code, 32);
	/* changed code does */
	assert_memory_not_equal(a.code, c.code, 32);
	relc_arena_release(&arena);
}

static void
test_info_elixir(void **state)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_beam_info a, b;

	(void)state;
	info_ok(&a, ex1_fx_worker_beam_bin, ex1_fx_worker_beam_bin_len, &arena);
	info_ok(&b, ex2_fx_worker_beam_bin, ex2_fx_worker_beam_bin_len, &arena);
	assert_string_equal(a.module, "Elixir.Fx.Worker");
	assert_list(a.behaviours, a.nbehaviours, "Elixir.GenServer");
	assert_true(a.code_change); /* use GenServer defines code_change/3 */
	assert_true(a.nimports > 0);
	/* recompiled without debug info and docs, another @moduledoc */
	assert_memory_equal(a.code, b.code, 32);
	relc_arena_release(&arena);
}

/* The old Latin-1 atom table, and a gzipped file. */
static void
test_info_atom_chunk_and_gzip(void **state)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_strbuf in = RELC_STRBUF_INIT;
	struct relc_beam_info a, b;
	unsigned char gz[8192];
	z_stream zs;
	unsigned char *at;

	(void)state;
	relc_strbuf_add(&in, fx_server_beam_bin, fx_server_beam_bin_len);
	at = find_chunk(&in, "AtU8");
	memcpy(at, "Atom", 4); /* its atoms are ASCII: the same bytes */
	info_ok(&a, in.buf, in.len, &arena);
	assert_string_equal(a.module, "fx_server");
	assert_list(a.imports, a.nimports, "erlang fx_util gen_server");

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(
	    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
	    Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)fx_server_beam_bin;
	zs.avail_in = fx_server_beam_bin_len;
	zs.next_out = gz;
	zs.avail_out = sizeof(gz);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	info_ok(&b, gz, zs.total_out, &arena);
	deflateEnd(&zs);
	info_ok(&a, fx_server_beam_bin, fx_server_beam_bin_len, &arena);
	assert_string_equal(b.module, "fx_server");
	assert_memory_equal(a.code, b.code, 32);
	relc_strbuf_release(&in);
	relc_arena_release(&arena);
}

static void
assert_info_error(const void *data, size_t len, const char *want)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_beam_info bi;

	assert_int_equal(relc_beam_info(&bi, data, len, "m.beam", &arena, &err),
			 -1);
	assert_string_equal(err.msg.buf, want);
	assert_null(bi.module);
	relc_error_release(&err);
	relc_arena_release(&arena);
}

/* Overwrite the first 4 data bytes of chunk `id` with the number v. */
static void
poke_chunk(struct relc_strbuf *b, const char *id, unsigned long v)
{
	unsigned char *p = find_chunk(b, id);

	p[8] = (unsigned char)(v >> 24);
	p[9] = (unsigned char)(v >> 16);
	p[10] = (unsigned char)(v >> 8);
	p[11] = (unsigned char)v;
}

static void
test_info_errors(void **state)
{
	struct relc_strbuf in = RELC_STRBUF_INIT;

	(void)state;
	assert_info_error("hello", 5,
			  "m.beam: not a BEAM file (no FOR1/BEAM header)");
	fixture_beam_bytes(&in, "CodeStrTImpTExpT");
	assert_info_error(in.buf, in.len,
			  "m.beam: the BEAM file has no atom table ('AtU8' "
			  "or 'Atom' chunk)");
	relc_strbuf_reset(&in);
	relc_strbuf_add(&in, fx_sys_beam_bin, fx_sys_beam_bin_len);
	poke_chunk(&in, "AtU8", 100000);
	assert_info_error(in.buf, in.len,
			  "m.beam: malformed 'AtU8' chunk (more atoms than "
			  "bytes)");
	relc_strbuf_reset(&in);
	relc_strbuf_add(&in, fx_sys_beam_bin, fx_sys_beam_bin_len);
	poke_chunk(&in, "ImpT", 1000);
	assert_info_error(in.buf, in.len,
			  "m.beam: malformed 'ImpT' chunk (truncated)");
	relc_strbuf_reset(&in);
	relc_strbuf_add(&in, fx_sys_beam_bin, fx_sys_beam_bin_len);
	poke_chunk(&in, "Attr", 0);
	assert_info_error(in.buf, in.len,
			  "m.beam: malformed 'Attr' chunk (bad external term "
			  "format at byte 1: no version byte 131)");
	relc_strbuf_reset(&in);
	relc_strbuf_add(&in, fx_util_beam_bin, fx_util_beam_bin_len);
	poke_chunk(&in, "LitT", 5);
	assert_info_error(in.buf, in.len,
			  "m.beam: malformed 'LitT' chunk (corrupt compressed "
			  "literals)");
	relc_strbuf_release(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keeps_significant_chunks_in_order),
	    cmocka_unit_test(test_gzipped_beam),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_info_gen_server),
	    cmocka_unit_test(test_info_supervisor_and_special),
	    cmocka_unit_test(test_info_digest),
	    cmocka_unit_test(test_info_elixir),
	    cmocka_unit_test(test_info_atom_chunk_and_gzip),
	    cmocka_unit_test(test_info_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
