/*
 * etf.c: External Term Format encoder and decoder.
 */
#include "relc/compat.h"
#include "relc/etf.h"

#include <zlib.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "relc/xalloc.h"

enum {
	VERSION_MAGIC = 131,
	COMPRESSED = 80,
	NEW_FLOAT_EXT = 70,
	BIT_BINARY_EXT = 77,
	SMALL_INTEGER_EXT = 97,
	INTEGER_EXT = 98,
	FLOAT_EXT = 99,
	ATOM_EXT = 100,
	SMALL_TUPLE_EXT = 104,
	LARGE_TUPLE_EXT = 105,
	NIL_EXT = 106,
	STRING_EXT = 107,
	LIST_EXT = 108,
	BINARY_EXT = 109,
	SMALL_BIG_EXT = 110,
	LARGE_BIG_EXT = 111,
	EXPORT_EXT = 113,
	SMALL_ATOM_EXT = 115,
	MAP_EXT = 116,
	ATOM_UTF8_EXT = 118,
	SMALL_ATOM_UTF8_EXT = 119
};

#define MAX_DEPTH 1000

/* ---- encoding ------------------------------------------------------------ */

static int
too_big(struct relc_error *err, const char *what)
{
	return relc_error_set(err, RELC_EBOOT,
			      "%s is too large for the external term format",
			      what);
}

/* Latin-1 bytes of a UTF-8 atom name, or -1 if a character is > 255. */
static int
atom_latin1(struct relc_strbuf *out, const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0;

	while (i < len) {
		if (s[i] < 0x80) {
			relc_strbuf_addch(out, s[i]);
			i++;
		} else if ((s[i] & 0xE0) == 0xC0 && i + 1 < len &&
			   s[i] <= 0xC3) {
			relc_strbuf_addch(out, ((s[i] & 0x03) << 6) |
						   (s[i + 1] & 0x3F));
			i += 2;
		} else {
			return -1;
		}
	}
	return 0;
}

static int
encode_atom(struct relc_strbuf *out, const char *name, size_t len,
	    unsigned otp_major, struct relc_error *err)
{
	if (otp_major <= 25) {
		struct relc_strbuf l1 = RELC_STRBUF_INIT;

		if (!atom_latin1(&l1, name, len)) {
			relc_strbuf_add_u8(out, ATOM_EXT);
			relc_strbuf_add_be16(out, (unsigned)l1.len);
			relc_strbuf_add(out, l1.buf, l1.len);
			relc_strbuf_release(&l1);
			return 0;
		}
		relc_strbuf_release(&l1);
	}
	if (len <= 255) {
		relc_strbuf_add_u8(out, SMALL_ATOM_UTF8_EXT);
		relc_strbuf_add_u8(out, (unsigned)len);
	} else if (len <= 65535) {
		relc_strbuf_add_u8(out, ATOM_UTF8_EXT);
		relc_strbuf_add_be16(out, (unsigned)len);
	} else {
		return too_big(err, "an atom");
	}
	relc_strbuf_add(out, name, len);
	return 0;
}

static void
encode_int(struct relc_strbuf *out, int64_t v)
{
	if (v >= 0 && v <= 255) {
		relc_strbuf_add_u8(out, SMALL_INTEGER_EXT);
		relc_strbuf_add_u8(out, (unsigned)v);
	} else if (v >= INT32_MIN && v <= INT32_MAX) {
		relc_strbuf_add_u8(out, INTEGER_EXT);
		relc_strbuf_add_be32(out, (unsigned long)(uint32_t)(int32_t)v);
	} else {
		uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		unsigned n = 0;
		uint64_t x;

		for (x = u; x; x >>= 8)
			n++;
		relc_strbuf_add_u8(out, SMALL_BIG_EXT);
		relc_strbuf_add_u8(out, n);
		relc_strbuf_add_u8(out, v < 0);
		for (; n; n--, u >>= 8)
			relc_strbuf_add_u8(out, (unsigned)(u & 0xFF));
	}
}

static int
encode(struct relc_strbuf *out, const struct relc_term *t, unsigned otp,
       struct relc_error *err)
{
	size_t i;

	switch (t->type) {
	case RELC_T_INT:
		encode_int(out, t->u.i);
		return 0;
	case RELC_T_BIGINT:
		if (t->u.big.n <= 255) {
			relc_strbuf_add_u8(out, SMALL_BIG_EXT);
			relc_strbuf_add_u8(out, (unsigned)t->u.big.n);
		} else if (t->u.big.n <= 0xFFFFFFFFu) {
			relc_strbuf_add_u8(out, LARGE_BIG_EXT);
			relc_strbuf_add_be32(out, (unsigned long)t->u.big.n);
		} else {
			return too_big(err, "an integer");
		}
		relc_strbuf_add_u8(out, t->u.big.neg ? 1 : 0);
		relc_strbuf_add(out, t->u.big.mag, t->u.big.n);
		return 0;
	case RELC_T_FLOAT: {
		uint64_t u;

		memcpy(&u, &t->u.f, sizeof(u));
		relc_strbuf_add_u8(out, NEW_FLOAT_EXT);
		relc_strbuf_add_be32(out, (unsigned long)(u >> 32));
		relc_strbuf_add_be32(out, (unsigned long)(u & 0xFFFFFFFFu));
		return 0;
	}
	case RELC_T_ATOM:
		return encode_atom(out, t->u.atom.name, t->u.atom.len, otp,
				   err);
	case RELC_T_FUN:
		relc_strbuf_add_u8(out, EXPORT_EXT);
		if (encode(out, t->u.fun.mod, otp, err) ||
		    encode(out, t->u.fun.fun, otp, err))
			return -1;
		relc_strbuf_add_u8(out, SMALL_INTEGER_EXT);
		relc_strbuf_add_u8(out, t->u.fun.arity);
		return 0;
	case RELC_T_TUPLE:
		if (t->u.tuple.n <= 255) {
			relc_strbuf_add_u8(out, SMALL_TUPLE_EXT);
			relc_strbuf_add_u8(out, (unsigned)t->u.tuple.n);
		} else if (t->u.tuple.n <= 0xFFFFFFFFu) {
			relc_strbuf_add_u8(out, LARGE_TUPLE_EXT);
			relc_strbuf_add_be32(out, (unsigned long)t->u.tuple.n);
		} else {
			return too_big(err, "a tuple");
		}
		for (i = 0; i < t->u.tuple.n; i++)
			if (encode(out, t->u.tuple.v[i], otp, err))
				return -1;
		return 0;
	case RELC_T_MAP:
		if (t->u.map.n > 0xFFFFFFFFu)
			return too_big(err, "a map");
		relc_strbuf_add_u8(out, MAP_EXT);
		relc_strbuf_add_be32(out, (unsigned long)t->u.map.n);
		for (i = 0; i < t->u.map.n; i++)
			if (encode(out, t->u.map.k[i], otp, err) ||
			    encode(out, t->u.map.v[i], otp, err))
				return -1;
		return 0;
	case RELC_T_NIL:
		relc_strbuf_add_u8(out, NIL_EXT);
		return 0;
	case RELC_T_STRING: {
		int bytes = t->u.str.n <= 65535;

		for (i = 0; bytes && i < t->u.str.n; i++)
			bytes = t->u.str.cp[i] <= 255;
		if (bytes) {
			relc_strbuf_add_u8(out, STRING_EXT);
			relc_strbuf_add_be16(out, (unsigned)t->u.str.n);
			for (i = 0; i < t->u.str.n; i++)
				relc_strbuf_add_u8(out, t->u.str.cp[i]);
			return 0;
		}
		if (t->u.str.n > 0xFFFFFFFFu)
			return too_big(err, "a list");
		relc_strbuf_add_u8(out, LIST_EXT);
		relc_strbuf_add_be32(out, (unsigned long)t->u.str.n);
		for (i = 0; i < t->u.str.n; i++)
			encode_int(out, t->u.str.cp[i]);
		relc_strbuf_add_u8(out, NIL_EXT);
		return 0;
	}
	case RELC_T_LIST:
		if (t->u.list.n > 0xFFFFFFFFu)
			return too_big(err, "a list");
		relc_strbuf_add_u8(out, LIST_EXT);
		relc_strbuf_add_be32(out, (unsigned long)t->u.list.n);
		for (i = 0; i < t->u.list.n; i++)
			if (encode(out, t->u.list.v[i], otp, err))
				return -1;
		return encode(out, t->u.list.tail, otp, err);
	case RELC_T_BITS: {
		size_t bytes = (t->u.bits.nbits + 7) / 8;

		if (bytes > 0xFFFFFFFFu)
			return too_big(err, "a binary");
		if (t->u.bits.nbits % 8) {
			relc_strbuf_add_u8(out, BIT_BINARY_EXT);
			relc_strbuf_add_be32(out, (unsigned long)bytes);
			relc_strbuf_add_u8(out,
					   (unsigned)(t->u.bits.nbits % 8));
		} else {
			relc_strbuf_add_u8(out, BINARY_EXT);
			relc_strbuf_add_be32(out, (unsigned long)bytes);
		}
		relc_strbuf_add(out, t->u.bits.data, bytes);
		return 0;
	}
	}
	RELC_BUG("unknown term type %d", (int)t->type);
}

int
relc_etf_encode(struct relc_strbuf *out, const struct relc_term *t,
		unsigned otp_major, struct relc_error *err)
{
	size_t start = out->len;

	relc_strbuf_add_u8(out, VERSION_MAGIC);
	if (encode(out, t, otp_major, err)) {
		relc_strbuf_setlen(out, start);
		return -1;
	}
	return 0;
}

/* ---- decoding ------------------------------------------------------------ */

struct reader {
	const uint8_t *p;
	size_t len, pos;
	struct relc_arena *arena;
	struct relc_error *err;
	unsigned depth;
};

static int
bad(struct reader *r, const char *what)
{
	return relc_error_set(r->err, RELC_ETERM,
			      "bad external term format at byte %zu: %s",
			      r->pos, what);
}

static int
need(struct reader *r, size_t n)
{
	if (r->len - r->pos < n)
		return bad(r, "unexpected end of data");
	return 0;
}

static uint32_t
rd_u8(struct reader *r)
{
	return r->p[r->pos++];
}

static uint32_t
rd_be16(struct reader *r)
{
	uint32_t v = ((uint32_t)r->p[r->pos] << 8) | r->p[r->pos + 1];

	r->pos += 2;
	return v;
}

static uint32_t
rd_be32(struct reader *r)
{
	uint32_t v = ((uint32_t)r->p[r->pos] << 24) |
		     ((uint32_t)r->p[r->pos + 1] << 16) |
		     ((uint32_t)r->p[r->pos + 2] << 8) | r->p[r->pos + 3];

	r->pos += 4;
	return v;
}

static struct relc_term *
mk(struct reader *r, enum relc_term_type type)
{
	struct relc_term *t = relc_arena_alloc(r->arena, sizeof(*t));

	t->type = type;
	return t;
}

static int
rd_atom(struct reader *r, const struct relc_term **out, size_t len, int latin1)
{
	struct relc_strbuf name = RELC_STRBUF_INIT;
	struct relc_term *t;
	size_t i;

	if (need(r, len))
		return -1;
	if (latin1) {
		for (i = 0; i < len; i++)
			relc_strbuf_add_utf8(&name, r->p[r->pos + i]);
	} else {
		relc_strbuf_add(&name, r->p + r->pos, len);
	}
	r->pos += len;
	t = mk(r, RELC_T_ATOM);
	t->u.atom.len = name.len;
	t->u.atom.name = relc_arena_memdupz(r->arena, name.buf, name.len);
	relc_strbuf_release(&name);
	*out = t;
	return 0;
}

static int
rd_big(struct reader *r, const struct relc_term **out, size_t n)
{
	struct relc_term *t;
	size_t len;
	int neg;

	if (need(r, n + 1))
		return -1;
	neg = rd_u8(r) != 0;
	len = n;
	while (len && !r->p[r->pos + len - 1])
		len--;
	if (len <= 8) {
		uint64_t u = 0;
		size_t i;

		for (i = len; i--;)
			u = (u << 8) | r->p[r->pos + i];
		if ((!neg && u <= (uint64_t)INT64_MAX) ||
		    (neg && u <= (uint64_t)INT64_MAX + 1)) {
			t = mk(r, RELC_T_INT);
			t->u.i = !neg				? (int64_t)u
				 : u == (uint64_t)INT64_MAX + 1 ? INT64_MIN
								: -(int64_t)u;
			r->pos += n;
			*out = t;
			return 0;
		}
	}
	t = mk(r, RELC_T_BIGINT);
	t->u.big.neg = neg;
	t->u.big.n = len;
	t->u.big.mag =
	    (const uint8_t *)relc_arena_memdupz(r->arena, r->p + r->pos, len);
	r->pos += n;
	*out = t;
	return 0;
}

static int decode_term(struct reader *r, const struct relc_term **out);

struct kv {
	const struct relc_term *k, *v;
};

static int
kv_cmp(const void *a, const void *b)
{
	return relc_term_compare(((const struct kv *)a)->k,
				 ((const struct kv *)b)->k);
}

static int
rd_list(struct reader *r, const struct relc_term **out, size_t n)
{
	const struct relc_term **v, *tail;
	struct relc_term *t;
	size_t i, extra = 0;

	if (need(r, n)) /* every element takes at least one byte */
		return -1;
	RELC_ALLOC_ARRAY(v, n);
	for (i = 0; i < n; i++)
		if (decode_term(r, &v[i]))
			goto fail;
	if (decode_term(r, &tail))
		goto fail;
	if (tail->type == RELC_T_STRING || tail->type == RELC_T_LIST) {
		/* [a|[b]] written the long way: flatten it. */
		extra = relc_term_list_len(tail);
		v = relc_xrealloc(
		    v, relc_st_mult(relc_st_add(n, extra), sizeof(*v)));
		for (i = 0; i < extra; i++)
			v[n + i] = relc_term_list_nth(r->arena, tail, i);
		n += extra;
		tail = tail->type == RELC_T_LIST ? tail->u.list.tail
						 : &relc_term_nil;
	}
	if (tail->type == RELC_T_NIL) {
		*out = relc_term_list(r->arena, n, v);
	} else {
		t = mk(r, RELC_T_LIST);
		t->u.list.n = n;
		t->u.list.v = relc_arena_array(r->arena, n, sizeof(*v));
		memcpy(t->u.list.v, v, n * sizeof(*v));
		t->u.list.tail = tail;
		*out = t;
	}
	free(v);
	return 0;
fail:
	free(v);
	return -1;
}

static int
rd_map(struct reader *r, const struct relc_term **out, size_t n)
{
	struct kv *kv;
	struct relc_term *t;
	size_t i;

	if (need(r, relc_st_mult(n, 2)))
		return -1;
	RELC_ALLOC_ARRAY(kv, n);
	for (i = 0; i < n; i++) {
		if (decode_term(r, &kv[i].k) || decode_term(r, &kv[i].v)) {
			free(kv);
			return -1;
		}
	}
	if (n)
		qsort(kv, n, sizeof(*kv), kv_cmp);
	for (i = 1; i < n; i++) {
		if (relc_term_equal(kv[i - 1].k, kv[i].k)) {
			free(kv);
			return bad(r, "duplicate map key");
		}
	}
	t = mk(r, RELC_T_MAP);
	t->u.map.n = n;
	t->u.map.k = relc_arena_array(r->arena, n, sizeof(*t->u.map.k));
	t->u.map.v = relc_arena_array(r->arena, n, sizeof(*t->u.map.v));
	for (i = 0; i < n; i++) {
		t->u.map.k[i] = kv[i].k;
		t->u.map.v[i] = kv[i].v;
	}
	free(kv);
	*out = t;
	return 0;
}

static int
decode_inner(struct reader *r, const struct relc_term **out)
{
	struct relc_term *t;
	uint32_t tag, n, i;

	if (need(r, 1))
		return -1;
	tag = rd_u8(r);
	switch (tag) {
	case SMALL_INTEGER_EXT:
		if (need(r, 1))
			return -1;
		t = mk(r, RELC_T_INT);
		t->u.i = rd_u8(r);
		*out = t;
		return 0;
	case INTEGER_EXT:
		if (need(r, 4))
			return -1;
		t = mk(r, RELC_T_INT);
		t->u.i = (int32_t)rd_be32(r);
		*out = t;
		return 0;
	case SMALL_BIG_EXT:
		if (need(r, 1))
			return -1;
		return rd_big(r, out, rd_u8(r));
	case LARGE_BIG_EXT:
		if (need(r, 4))
			return -1;
		return rd_big(r, out, rd_be32(r));
	case NEW_FLOAT_EXT: {
		uint64_t u;

		if (need(r, 8))
			return -1;
		u = (uint64_t)rd_be32(r) << 32;
		u |= rd_be32(r);
		t = mk(r, RELC_T_FLOAT);
		memcpy(&t->u.f, &u, sizeof(u));
		if (t->u.f != t->u.f || t->u.f - t->u.f != 0)
			return bad(r, "float is not finite");
		*out = t;
		return 0;
	}
	case FLOAT_EXT: {
		char buf[32];

		if (need(r, 31))
			return -1;
		memcpy(buf, r->p + r->pos, 31);
		buf[31] = '\0';
		r->pos += 31;
		t = mk(r, RELC_T_FLOAT);
		t->u.f = strtod(buf, NULL);
		*out = t;
		return 0;
	}
	case ATOM_EXT:
	case ATOM_UTF8_EXT:
		if (need(r, 2))
			return -1;
		n = rd_be16(r);
		return rd_atom(r, out, n, tag == ATOM_EXT);
	case SMALL_ATOM_EXT:
	case SMALL_ATOM_UTF8_EXT:
		if (need(r, 1))
			return -1;
		n = rd_u8(r);
		return rd_atom(r, out, n, tag == SMALL_ATOM_EXT);
	case SMALL_TUPLE_EXT:
	case LARGE_TUPLE_EXT: {
		const struct relc_term **v;

		if (need(r, tag == SMALL_TUPLE_EXT ? 1 : 4))
			return -1;
		n = tag == SMALL_TUPLE_EXT ? rd_u8(r) : rd_be32(r);
		if (need(r, n))
			return -1;
		t = mk(r, RELC_T_TUPLE);
		v = relc_arena_array(r->arena, n, sizeof(*v));
		for (i = 0; i < n; i++)
			if (decode_term(r, &v[i]))
				return -1;
		t->u.tuple.n = n;
		t->u.tuple.v = v;
		*out = t;
		return 0;
	}
	case MAP_EXT:
		if (need(r, 4))
			return -1;
		return rd_map(r, out, rd_be32(r));
	case NIL_EXT:
		*out = &relc_term_nil;
		return 0;
	case STRING_EXT: {
		uint32_t *cp;

		if (need(r, 2))
			return -1;
		n = rd_be16(r);
		if (need(r, n))
			return -1;
		if (!n) {
			*out = &relc_term_nil;
			return 0;
		}
		cp = relc_arena_array(r->arena, n, sizeof(*cp));
		for (i = 0; i < n; i++)
			cp[i] = rd_u8(r);
		t = mk(r, RELC_T_STRING);
		t->u.str.n = n;
		t->u.str.cp = cp;
		*out = t;
		return 0;
	}
	case LIST_EXT:
		if (need(r, 4))
			return -1;
		return rd_list(r, out, rd_be32(r));
	case BINARY_EXT:
	case BIT_BINARY_EXT: {
		uint32_t bits = 8;

		if (need(r, tag == BINARY_EXT ? 4 : 5))
			return -1;
		n = rd_be32(r);
		if (tag == BIT_BINARY_EXT) {
			bits = rd_u8(r);
			if (bits < 1 || bits > 8 || !n)
				return bad(r, "bad bit count");
		}
		if (need(r, n))
			return -1;
		t = mk(r, RELC_T_BITS);
		t->u.bits.nbits = n ? ((size_t)n - 1) * 8 + bits : 0;
		t->u.bits.data = (const uint8_t *)relc_arena_memdupz(
		    r->arena, r->p + r->pos, n);
		if (bits < 8) /* keep unused bits zero for comparisons */
			((uint8_t *)t->u.bits.data)[n - 1] &=
			    (uint8_t)(0xFF << (8 - bits));
		r->pos += n;
		*out = t;
		return 0;
	}
	case EXPORT_EXT: {
		const struct relc_term *m, *f, *a;

		if (decode_term(r, &m) || decode_term(r, &f) ||
		    decode_term(r, &a))
			return -1;
		if (m->type != RELC_T_ATOM || f->type != RELC_T_ATOM ||
		    a->type != RELC_T_INT || a->u.i < 0 || a->u.i > 255)
			return bad(r, "bad export fun");
		t = mk(r, RELC_T_FUN);
		t->u.fun.mod = m;
		t->u.fun.fun = f;
		t->u.fun.arity = (unsigned)a->u.i;
		*out = t;
		return 0;
	}
	default:
		r->pos--;
		return bad(r, "unsupported tag");
	}
}

static int
decode_term(struct reader *r, const struct relc_term **out)
{
	int ret;

	if (++r->depth > MAX_DEPTH)
		return bad(r, "term nested too deeply");
	ret = decode_inner(r, out);
	r->depth--;
	return ret;
}

int
relc_etf_decode(const struct relc_term **out, const void *buf, size_t len,
		struct relc_arena *arena, struct relc_error *err)
{
	struct reader r = {buf, len, 0, arena, err, 0};
	uint8_t *inflated = NULL;
	int ret;

	if (need(&r, 1))
		return -1;
	if (rd_u8(&r) != VERSION_MAGIC)
		return bad(&r, "no version byte 131");
	if (r.pos < len && r.p[r.pos] == COMPRESSED) {
		uLongf size;

		r.pos++;
		if (need(&r, 4))
			return -1;
		size = rd_be32(&r);
		if (size > ((uLongf)1 << 30))
			return bad(&r, "compressed term larger than 1 GiB");
		inflated = relc_xmalloc(size ? size : 1);
		if (uncompress(inflated, &size, r.p + r.pos,
			       (uLong)(len - r.pos)) != Z_OK) {
			free(inflated);
			return bad(&r, "corrupt compressed term");
		}
		r.p = inflated;
		r.len = size;
		r.pos = 0;
	}
	ret = decode_term(&r, out);
	if (!ret && r.pos != r.len)
		ret = bad(&r, "trailing bytes after the term");
	free(inflated);
	return ret;
}
