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

struct chunk {
	const unsigned char *data;
	uint32_t len;
	int found;
};

static int
strip(struct relc_strbuf *out, const unsigned char *p, size_t len,
      const char *name, struct relc_error *err)
{
	struct chunk chunks[RELC_ARRAY_SIZE(kept)];
	size_t off = 12, i, total = 4;
	uint32_t form;

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
			if (memcmp(p + off, kept[i], 4) || chunks[i].found)
				continue;
			chunks[i].data = p + off + 8;
			chunks[i].len = clen;
			chunks[i].found = 1;
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
		if (k == RELC_ARRAY_SIZE(kept) || !chunks[k].found)
			return relc_error_set(err, RELC_EAPP,
					      "%s: the BEAM file has no '%s' "
					      "chunk",
					      name, mandatory[i]);
	}
	for (i = 0; i < RELC_ARRAY_SIZE(kept); i++)
		if (chunks[i].found)
			total += 8 + (((size_t)chunks[i].len + 3) & ~(size_t)3);
	relc_strbuf_grow(out, total + 8);
	relc_strbuf_add(out, "FOR1", 4);
	relc_strbuf_add_be32(out, (unsigned long)total);
	relc_strbuf_add(out, "BEAM", 4);
	for (i = 0; i < RELC_ARRAY_SIZE(kept); i++) {
		if (!chunks[i].found)
			continue;
		relc_strbuf_add(out, kept[i], 4);
		relc_strbuf_add_be32(out, chunks[i].len);
		relc_strbuf_add(out, chunks[i].data, chunks[i].len);
		relc_strbuf_addchars(out, 0, (4 - chunks[i].len % 4) % 4);
	}
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
