/*
 * beam.h: BEAM files: the FOR1/BEAM chunk container, stripping, and what
 * a hot upgrade needs to know of a module.
 */
#ifndef RELC_BEAM_H
#define RELC_BEAM_H

#include <stddef.h>

struct relc_arena;
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

/*
 * What an appup needs to know of a compiled module.  All strings are in
 * the arena given to relc_beam_info().
 */
struct relc_beam_info {
	const char *module; /* the module's name (UTF-8) */
	/*
	 * SHA-256 of the code: the chunks beam_lib:md5/1 hashes (Atom, AtU8,
	 * Code, StrT, ImpT, ExpT, FunT without its OldUniq fields, LitT,
	 * Meta), each as its id, length and data, the literal table
	 * uncompressed.  Debug info, docs, line numbers, Attr and CInf do not
	 * count, so a module recompiled with only those changed is equal.
	 */
	unsigned char code[32];
	/* the modules it calls (ImpT): unique, sorted (strcmp), not itself */
	const char **imports;
	size_t nimports;
	/* Attr: the behaviour and behavior attributes, in file order, unique */
	const char **behaviours;
	size_t nbehaviours;
	int code_change;	/* exports code_change/3 or code_change/4 */
	int system_code_change; /* exports system_code_change/4 */
};

/*
 * Read a BEAM file (gzipped too) into *out: module name, code digest,
 * imports, behaviours, code-change exports.  `name` is used in messages.
 * Fails on a malformed container, atom, import or export table, or an
 * Attr chunk that is not a list in the external term format.  Pure.
 */
int relc_beam_info(struct relc_beam_info *out, const void *data, size_t len,
		   const char *name, struct relc_arena *arena,
		   struct relc_error *err);

#endif
