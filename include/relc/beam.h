/*
 * beam.h: BEAM files: the FOR1/BEAM chunk container, and stripping.
 */
#ifndef RELC_BEAM_H
#define RELC_BEAM_H

#include <stddef.h>

struct relc_error;
struct relc_strbuf;

/*
 * Strip a BEAM file: keep the chunks that carry the code (what
 * beam_lib:strip/1 keeps, in its order: Line, Type, Atom, AtU8, Code,
 * StrT, ImpT, ExpT, FunT, LitT, Meta) plus Attr first, as relx and mix do
 * (module attributes, such as vsn, matter to hot upgrades), and drop the
 * rest (debug info, docs, local function table, compile info).  A gzipped
 * BEAM is uncompressed first; the result is not compressed.  `name` is
 * used in messages.  Pure.
 */
int relc_beam_strip(struct relc_strbuf *out, const void *data, size_t len,
		    const char *name, struct relc_error *err);

/*
 * The same for an uncompressed BEAM file, as the pieces the stripped file
 * is made of, in order: a new header, then the kept chunks as they are in
 * `data` (which must outlive the pieces) and their padding; for writev(2)
 * straight from a mapped file, with no copy.  Pure.
 */
struct relc_beam_piece {
	const void *data;
	size_t len;
};

struct relc_beam_pieces {
	struct relc_beam_piece v[1 + 2 * 12];
	size_t n;
	size_t size; /* of the stripped file */
	unsigned char header[12];
};

int relc_beam_strip_pieces(struct relc_beam_pieces *out, const void *data,
			   size_t len, const char *name,
			   struct relc_error *err);

#endif
