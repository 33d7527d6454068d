/*
 * beam.c: reading the IFF container of BEAM files, writing a stripped
 * copy (formats.md A9; beam_lib's significant_chunks/0), and reading what
 * an appup needs: module, imports, exports, behaviours, a code digest.
 */
#include "relc/compat.h"
#include "relc/beam.h"

#include <zlib.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/sha256.h"
#include "relc/strbuf.h"
#include "relc/term.h"

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

/*
 * Walk the container: check the FOR1/BEAM header, every chunk's bounds
 * and the mandatory chunks; chunks[i] points at the first chunk whose id
 * is kept[i] (at its id, then length, then data), lens[i] is its length.
 */
static int
read_chunks(const unsigned char *p, size_t len, const char *name,
	    const unsigned char *chunks[RELC_ARRAY_SIZE(kept)],
	    uint32_t lens[RELC_ARRAY_SIZE(kept)], struct relc_error *err)
{
	size_t off = 12, i;
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
	memset(chunks, 0, sizeof(*chunks) * RELC_ARRAY_SIZE(kept));
	memset(lens, 0, sizeof(*lens) * RELC_ARRAY_SIZE(kept));
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
	return 0;
}

int
relc_beam_strip_pieces(struct relc_beam_pieces *out, const void *data,
		       size_t len, const char *name, struct relc_error *err)
{
	const unsigned char *chunks[RELC_ARRAY_SIZE(kept)];
	uint32_t lens[RELC_ARRAY_SIZE(kept)];
	size_t i, total = 4;

	out->n = 0;
	if (read_chunks(data, len, name, chunks, lens, err))
		return -1;
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

/* ---- what an appup needs to know ---------------------------------------- */

static size_t
chunk_index(const char *id)
{
	size_t i;

	for (i = 0; i < RELC_ARRAY_SIZE(kept); i++)
		if (!memcmp(kept[i], id, 4))
			return i;
	RELC_BUG("unknown chunk id %s", id);
}

static int
malformed(const char *name, const char *id, const char *what,
	  struct relc_error *err)
{
	return relc_error_set(err, RELC_EAPP, "%s: malformed '%s' chunk (%s)",
			      name, id, what);
}

/* Is s[0..len) valid UTF-8 with no NUL? */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], n, k;
		uint32_t cp;

		if (!c)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		if (n > len - i - 1)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/*
 * The atom table (AtU8, or the old Latin-1 Atom chunk): (*atoms)[1..*n],
 * 1-based as the other tables index it.  A negative count means that the
 * lengths are in the compact term encoding (OTP 28's long atoms).
 */
static int
read_atoms(const char ***atoms, size_t *n, const unsigned char *chunk,
	   uint32_t clen, int utf8, const char *name, struct relc_arena *arena,
	   struct relc_error *err)
{
	const char *id = utf8 ? "AtU8" : "Atom";
	const unsigned char *d = chunk + 8, *end = chunk + 8 + clen;
	uint32_t raw;
	int compact = 0;
	size_t count, i;
	const char **v;

	if (clen < 4)
		return malformed(name, id, "no atom count", err);
	raw = be32(d);
	d += 4;
	if (raw & 0x80000000u) {
		compact = 1;
		raw = 0u - raw;
	}
	count = raw;
	if (count > clen)
		return malformed(name, id, "more atoms than bytes", err);
	v = relc_arena_array(arena, count + 1, sizeof(*v));
	for (i = 1; i <= count; i++) {
		size_t alen;

		if (d >= end)
			return malformed(name, id, "truncated", err);
		if (!compact) {
			alen = *d++;
		} else {
			unsigned b = *d++;

			if (!(b & 0x08)) {
				alen = b >> 4;
			} else if (!(b & 0x10)) {
				if (d >= end)
					return malformed(name, id, "truncated",
							 err);
				alen = ((size_t)(b >> 5) << 8) | *d++;
			} else {
				size_t k, nb = (b >> 5) + 2;

				if (nb > 4 || nb > (size_t)(end - d))
					return malformed(
					    name, id, "bad atom length", err);
				for (alen = 0, k = 0; k < nb; k++)
					alen = (alen << 8) | *d++;
			}
		}
		if (alen > (size_t)(end - d))
			return malformed(name, id, "truncated", err);
		if (utf8) {
			if (!valid_utf8(d, alen))
				return malformed(name, id,
						 "an atom is not valid UTF-8",
						 err);
			v[i] = relc_arena_memdupz(arena, d, alen);
		} else {
			struct relc_strbuf u = RELC_STRBUF_INIT;
			size_t k;

			for (k = 0; k < alen; k++) {
				unsigned char c = d[k];

				if (!c) {
					relc_strbuf_release(&u);
					return malformed(
					    name, id, "an atom holds NUL", err);
				}
				if (c < 0x80) {
					relc_strbuf_addch(&u, (char)c);
				} else {
					relc_strbuf_addch(
					    &u, (char)(0xc0 | (c >> 6)));
					relc_strbuf_addch(
					    &u, (char)(0x80 | (c & 0x3f)));
				}
			}
			v[i] = relc_arena_memdupz(arena, u.buf, u.len);
			relc_strbuf_release(&u);
		}
		d += alen;
	}
	*atoms = v;
	*n = count;
	return 0;
}

/*
 * An import or export table: a count, then count entries of three 32-bit
 * words.  Checks that the table fits and that the atom indices in the
 * words named by `atom_words` (bit 0: the first word...) are in range.
 */
static int
read_table(const unsigned char **entries, size_t *count,
	   const unsigned char *chunk, uint32_t clen, unsigned atom_words,
	   size_t natoms, const char *name, struct relc_error *err)
{
	char id[5];
	size_t n, i, w;

	memcpy(id, chunk, 4);
	id[4] = '\0';
	if (clen < 4)
		return malformed(name, id, "no count", err);
	n = be32(chunk + 8);
	if (n > (clen - 4) / 12)
		return malformed(name, id, "truncated", err);
	for (i = 0; i < n; i++)
		for (w = 0; w < 3; w++) {
			uint32_t a = be32(chunk + 12 + 12 * i + 4 * w);

			if ((atom_words >> w & 1) && (a < 1 || a > natoms))
				return malformed(
				    name, id, "atom index out of range", err);
		}
	*entries = chunk + 12;
	*count = n;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
read_imports(struct relc_beam_info *out, const unsigned char *chunk,
	     uint32_t clen, const char **atoms, size_t natoms, const char *name,
	     struct relc_arena *arena, struct relc_error *err)
{
	const unsigned char *e;
	const char **v;
	size_t n, i, k = 0;

	if (read_table(&e, &n, chunk, clen, 3, natoms, name, err))
		return -1;
	v = relc_arena_array(arena, n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		const char *m = atoms[be32(e + 12 * i)];

		if (strcmp(m, out->module))
			v[k++] = m;
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_str);
	for (n = 0, i = 0; i < k; i++)
		if (!n || strcmp(v[n - 1], v[i]))
			v[n++] = v[i];
	out->imports = v;
	out->nimports = n;
	return 0;
}

static int
read_exports(struct relc_beam_info *out, const unsigned char *chunk,
	     uint32_t clen, const char **atoms, size_t natoms, const char *name,
	     struct relc_error *err)
{
	const unsigned char *e;
	size_t n, i;

	if (read_table(&e, &n, chunk, clen, 1, natoms, name, err))
		return -1;
	for (i = 0; i < n; i++) {
		const char *f = atoms[be32(e + 12 * i)];
		uint32_t arity = be32(e + 12 * i + 4);

		if (!strcmp(f, "code_change") && (arity == 3 || arity == 4))
			out->code_change = 1;
		if (!strcmp(f, "system_code_change") && arity == 4)
			out->system_code_change = 1;
	}
	return 0;
}

static void
add_behaviour(struct relc_beam_info *out, size_t *cap,
	      const struct relc_term *t, struct relc_arena *arena)
{
	const char **v;
	size_t i;

	if (t->type != RELC_T_ATOM)
		return;
	for (i = 0; i < out->nbehaviours; i++)
		if (!strcmp(out->behaviours[i], t->u.atom.name))
			return;
	if (out->nbehaviours == *cap) {
		*cap = *cap ? 2 * *cap : 4;
		v = relc_arena_array(arena, *cap, sizeof(*v));
		if (out->nbehaviours)
			memcpy(v, out->behaviours,
			       out->nbehaviours * sizeof(*v));
		out->behaviours = v;
	}
	out->behaviours[out->nbehaviours++] = t->u.atom.name;
}

/* Attr: term_to_binary of the list of {Key, Value} module attributes. */
static int
read_attributes(struct relc_beam_info *out, const unsigned char *chunk,
		uint32_t clen, const char *name, struct relc_arena *arena,
		struct relc_error *err)
{
	const struct relc_term *attrs;
	struct relc_error sub = RELC_ERROR_INIT;
	size_t i, cap = 0;

	if (relc_etf_decode(&attrs, chunk + 8, clen, arena, &sub)) {
		relc_error_set(err, RELC_EAPP,
			       "%s: malformed 'Attr' chunk (%s)", name,
			       sub.msg.buf);
		relc_error_release(&sub);
		return -1;
	}
	if (!relc_term_is_list(attrs) || attrs->type == RELC_T_STRING)
		return malformed(name, "Attr", "not a list of attributes", err);
	for (i = 0; attrs->type == RELC_T_LIST && i < attrs->u.list.n; i++) {
		const struct relc_term *a = attrs->u.list.v[i], *val;

		if (a->type != RELC_T_TUPLE || a->u.tuple.n != 2 ||
		    (!relc_term_is_atom(a->u.tuple.v[0], "behaviour") &&
		     !relc_term_is_atom(a->u.tuple.v[0], "behavior")))
			continue;
		val = a->u.tuple.v[1];
		if (val->type == RELC_T_LIST) {
			size_t k;

			for (k = 0; k < val->u.list.n; k++)
				add_behaviour(out, &cap, val->u.list.v[k],
					      arena);
		} else {
			add_behaviour(out, &cap, val, arena);
		}
	}
	return 0;
}

static void
hash_part(struct relc_sha256 *h, const char *id, const void *data, size_t len)
{
	unsigned char be[4];

	be[0] = (unsigned char)(len >> 24);
	be[1] = (unsigned char)(len >> 16);
	be[2] = (unsigned char)(len >> 8);
	be[3] = (unsigned char)len;
	relc_sha256_update(h, id, 4);
	relc_sha256_update(h, be, 4);
	relc_sha256_update(h, data, len);
}

/*
 * The code digest, over beam_lib:md5/1's chunks in its order.  Two
 * departures from beam_lib, both so that equal code compares equal: the
 * literal table is hashed uncompressed (zlib's output is not part of the
 * code; OTP writes LitT with an uncompressed size of 0 when it did not
 * compress), and each chunk is framed by its id and length.
 */
static int
digest(unsigned char out[32], const unsigned char *const *chunks,
       const uint32_t *lens, const char *name, struct relc_error *err)
{
	static const char *const order[] = {"Atom", "AtU8", "Code",
					    "StrT", "ImpT", "ExpT",
					    "FunT", "LitT", "Meta"};
	struct relc_sha256 h;
	size_t i;

	relc_sha256_init(&h);
	for (i = 0; i < RELC_ARRAY_SIZE(order); i++) {
		size_t k = chunk_index(order[i]);
		const unsigned char *d;
		uint32_t len = lens[k];

		if (!chunks[k])
			continue;
		d = chunks[k] + 8;
		if (!strcmp(order[i], "FunT") && len >= 4) {
			/* each entry's sixth word, OldUniq, does not count */
			static const unsigned char zero[4];
			struct relc_strbuf f = RELC_STRBUF_INIT;
			size_t off = 4;

			relc_strbuf_add(&f, d, 4);
			while (len - off >= 24) {
				relc_strbuf_add(&f, d + off, 20);
				relc_strbuf_add(&f, zero, 4);
				off += 24;
			}
			relc_strbuf_add(&f, d + off, len - off);
			hash_part(&h, "FunT", f.buf, f.len);
			relc_strbuf_release(&f);
		} else if (!strcmp(order[i], "LitT") && len >= 4 && be32(d)) {
			uLongf size = be32(d);
			unsigned char *lit;

			if (size > MAX_BEAM_SIZE)
				return malformed(name, "LitT",
						 "literals larger than 1 GiB",
						 err);
			lit = malloc(size);
			if (!lit)
				return relc_error_set(
				    err, RELC_EIO, "%s: out of memory", name);
			if (uncompress(lit, &size, d + 4, len - 4) != Z_OK ||
			    size != be32(d)) {
				free(lit);
				return malformed(name, "LitT",
						 "corrupt compressed literals",
						 err);
			}
			hash_part(&h, "LitT", lit, size);
			free(lit);
		} else if (!strcmp(order[i], "LitT") && len >= 4) {
			hash_part(&h, "LitT", d + 4, len - 4);
		} else {
			hash_part(&h, order[i], d, len);
		}
	}
	relc_sha256_final(&h, out);
	return 0;
}

static int
info(struct relc_beam_info *out, const unsigned char *p, size_t len,
     const char *name, struct relc_arena *arena, struct relc_error *err)
{
	const unsigned char *chunks[RELC_ARRAY_SIZE(kept)];
	uint32_t lens[RELC_ARRAY_SIZE(kept)];
	const char **atoms = NULL;
	size_t natoms = 0, k;

	if (read_chunks(p, len, name, chunks, lens, err))
		return -1;
	k = chunk_index("AtU8");
	if (!chunks[k])
		k = chunk_index("Atom");
	if (!chunks[k])
		return relc_error_set(err, RELC_EAPP,
				      "%s: the BEAM file has no atom table "
				      "('AtU8' or 'Atom' chunk)",
				      name);
	if (read_atoms(&atoms, &natoms, chunks[k], lens[k],
		       k == chunk_index("AtU8"), name, arena, err))
		return -1;
	if (natoms < 1)
		return malformed(name, kept[k], "no module name", err);
	out->module = atoms[1];
	k = chunk_index("ImpT");
	if (read_imports(out, chunks[k], lens[k], atoms, natoms, name, arena,
			 err))
		return -1;
	k = chunk_index("ExpT");
	if (read_exports(out, chunks[k], lens[k], atoms, natoms, name, err))
		return -1;
	k = chunk_index("Attr");
	if (chunks[k] &&
	    read_attributes(out, chunks[k], lens[k], name, arena, err))
		return -1;
	return digest(out->code, chunks, lens, name, err);
}

int
relc_beam_info(struct relc_beam_info *out, const void *data, size_t len,
	       const char *name, struct relc_arena *arena,
	       struct relc_error *err)
{
	const unsigned char *p = data;
	struct relc_strbuf plain = RELC_STRBUF_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		if (gunzip(&plain, p, len, name, err)) {
			relc_strbuf_release(&plain);
			return -1;
		}
		p = (const unsigned char *)plain.buf;
		len = plain.len;
	}
	r = info(out, p, len, name, arena, err);
	relc_strbuf_release(&plain);
	if (r)
		memset(out, 0, sizeof(*out));
	return r;
}
