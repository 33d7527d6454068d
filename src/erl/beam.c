/*
 * beam.c: reading the IFF container of BEAM files and writing a stripped
 * copy (formats.md A9; beam_lib's significant_chunks/0).
 */
#include "relc/compat.h"
#include "relc/beam.h"

#include <zlib.h>

#include "relc/error.h"
#include "relc/strbuf.h"

#define MAX_BEAM_SIZE ((size_t)1 << 30)

/* In the order they are written. */
static const char *const kept[] = {
    "Attr", "Line", "Type", "Atom", "AtU8", "Code",
    "StrT", "ImpT", "ExpT", "FunT", "LitT", "Meta",
};
static const char *const mandatory[] = {"Code", "ExpT", "ImpT", "StrT"};
_Static_assert(RELC_ARRAY_SIZE(kept) == 12,
	       "struct relc_beam_pieces holds 1 + 2 * 12 pieces");

static uint32_t
be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static int
gunzip(struct relc_strbuf *out, const unsigned char *in, size_t len,
       const char *name, struct relc_error *err)
{
	z_stream zs;
	int r;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return relc_error_set(err, RELC_EIO, "%s: cannot set up zlib",
				      name);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	do {
		size_t room;
		uInt given;

		zs.next_out =
		    (Bytef *)relc_strbuf_space(out, (size_t)64 * 1024, &room);
		given = (uInt)(room > 1u << 30 ? 1u << 30 : room);
		zs.avail_out = given;
		r = inflate(&zs, Z_NO_FLUSH);
		relc_strbuf_commit(out, given - zs.avail_out);
		if (out->len > MAX_BEAM_SIZE)
			r = Z_DATA_ERROR;
	} while (r == Z_OK);
	inflateEnd(&zs);
	if (r != Z_STREAM_END)
		return relc_error_set(err, RELC_EAPP,
				      "%s: corrupt gzip-compressed BEAM file",
				      name);
	return 0;
}

static const unsigned char zeros[4];

int
relc_beam_strip_pieces(struct relc_beam_pieces *out, const void *data,
		       size_t len, const char *name, struct relc_error *err)
{
	const unsigned char *p = data, *chunks[RELC_ARRAY_SIZE(kept)];
	uint32_t lens[RELC_ARRAY_SIZE(kept)];
	size_t off = 12, i, total = 4;
	uint32_t form;

	out->n = 0;
	if (len < 12 || memcmp(p, "FOR1", 4) || memcmp(p + 8, "BEAM", 4))
		return relc_error_set(
		    err, RELC_EAPP, "%s: not a BEAM file (no FOR1/BEAM header)",
		    name);
	form = be32(p + 4);
	if ((size_t)form + 8 > len || form < 4)
		return relc_error_set(
		    err, RELC_EAPP,
		    "%s: truncated BEAM file (header says %lu "
		    "bytes, the file has %zu)",
		    name, (unsigned long)form + 8, len);
	len = (size_t)form + 8;
	memset(chunks, 0, sizeof(chunks));
	memset(lens, 0, sizeof(lens));
	while (off + 8 <= len) {
		uint32_t clen = be32(p + off + 4);
		size_t padded = ((size_t)clen + 3) & ~(size_t)3;

		if (padded > len - off - 8)
			return relc_error_set(
			    err, RELC_EAPP,
			    "%s: chunk '%.4s' runs past the end "
			    "of the BEAM file",
			    name, (const char *)p + off);
		for (i = 0; i < RELC_ARRAY_SIZE(kept); i++) {
			if (memcmp(p + off, kept[i], 4) || chunks[i])
				continue;
			chunks[i] = p + off; /* its id and length, then data */
			lens[i] = clen;
		}
		off += 8 + padded;
	}
	if (off != len)
		return relc_error_set(
		    err, RELC_EAPP, "%s: %zu stray bytes after the last chunk",
		    name, len - off);
	for (i = 0; i < RELC_ARRAY_SIZE(mandatory); i++) {
		size_t k;

		for (k = 0; k < RELC_ARRAY_SIZE(kept); k++)
			if (!strcmp(kept[k], mandatory[i]))
				break;
		if (k == RELC_ARRAY_SIZE(kept) || !chunks[k])
			return relc_error_set(err, RELC_EAPP,
					      "%s: the BEAM file has no '%s' "
					      "chunk",
					      name, mandatory[i]);
	}
	for (i = 0; i < RELC_ARRAY_SIZE(kept); i++)
		if (chunks[i])
			total += 8 + (((size_t)lens[i] + 3) & ~(size_t)3);
	memcpy(out->header, "FOR1", 4);
	out->header[4] = (unsigned char)(total >> 24);
	out->header[5] = (unsigned char)(total >> 16);
	out->header[6] = (unsigned char)(total >> 8);
	out->header[7] = (unsigned char)total;
	memcpy(out->header + 8, "BEAM", 4);
	out->v[out->n].data = out->header;
	out->v[out->n++].len = 12;
	for (i = 0; i < RELC_ARRAY_SIZE(kept); i++) {
		size_t pad;

		if (!chunks[i])
			continue;
		out->v[out->n].data = chunks[i];
		out->v[out->n++].len = 8 + (size_t)lens[i];
		pad = (4 - lens[i] % 4) % 4;
		if (pad) {
			out->v[out->n].data = zeros;
			out->v[out->n++].len = pad;
		}
	}
	out->size = total + 8;
	return 0;
}

static int
strip(struct relc_strbuf *out, const unsigned char *p, size_t len,
      const char *name, struct relc_error *err)
{
	struct relc_beam_pieces pieces;
	size_t i;

	if (relc_beam_strip_pieces(&pieces, p, len, name, err))
		return -1;
	relc_strbuf_grow(out, pieces.size);
	for (i = 0; i < pieces.n; i++)
		relc_strbuf_add(out, pieces.v[i].data, pieces.v[i].len);
	return 0;
}

int
relc_beam_strip(struct relc_strbuf *out, const void *data, size_t len,
		const char *name, struct relc_error *err)
{
	const unsigned char *p = data;
	struct relc_strbuf plain = RELC_STRBUF_INIT;
	int r;

	relc_strbuf_reset(out);
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		if (gunzip(&plain, p, len, name, err)) {
			relc_strbuf_release(&plain);
			return -1;
		}
		p = (const unsigned char *)plain.buf;
		len = plain.len;
	}
	r = strip(out, p, len, name, err);
	relc_strbuf_release(&plain);
	return r;
}
