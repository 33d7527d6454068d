/*
 * term.c: building, inspecting, comparing and printing Erlang terms.
 * The reader is in term_parse.c.
 */
#include "relc/compat.h"
#include "relc/term.h"

#include <math.h>

#include "relc/arena.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"
#include "term_private.h"

const struct relc_term relc_term_nil = {.type = RELC_T_NIL};

/* ---- building ------------------------------------------------------------ */

static struct relc_term *
new_term(struct relc_arena *a, enum relc_term_type type)
{
	struct relc_term *t = relc_arena_alloc(a, sizeof(*t));

	t->type = type;
	return t;
}

const struct relc_term *
relc_term_int(struct relc_arena *a, int64_t v)
{
	struct relc_term *t = new_term(a, RELC_T_INT);

	t->u.i = v;
	return t;
}

const struct relc_term *
relc_term_atom(struct relc_arena *a, const char *name)
{
	struct relc_term *t = new_term(a, RELC_T_ATOM);

	t->u.atom.len = strlen(name);
	t->u.atom.name = relc_arena_memdupz(a, name, t->u.atom.len);
	return t;
}

static int
is_codepoint_int(const struct relc_term *t)
{
	return t->type == RELC_T_INT && t->u.i >= 0 && t->u.i <= 0x10FFFF;
}

size_t
relc_term__utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (!len)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		c = s[0] & 0x1F;
		n = 2;
	} else if ((s[0] & 0xF0) == 0xE0) {
		c = s[0] & 0x0F;
		n = 3;
	} else if ((s[0] & 0xF8) == 0xF0) {
		c = s[0] & 0x07;
		n = 4;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

const struct relc_term *
relc_term_string(struct relc_arena *a, const char *utf8)
{
	size_t len = strlen(utf8), i = 0, n = 0, k;
	uint32_t *cp;
	struct relc_term *t;

	if (!len)
		return &relc_term_nil;
	cp = relc_arena_array(a, len, sizeof(*cp));
	while (i < len) {
		k = relc_term__utf8_decode((const unsigned char *)utf8 + i,
					   len - i, &cp[n]);
		if (!k)
			RELC_BUG("invalid UTF-8 in '%s'", utf8);
		i += k;
		n++;
	}
	t = new_term(a, RELC_T_STRING);
	t->u.str.n = n;
	t->u.str.cp = cp;
	return t;
}

const struct relc_term *
relc_term_tuple(struct relc_arena *a, size_t n,
		const struct relc_term *const *v)
{
	struct relc_term *t = new_term(a, RELC_T_TUPLE);
	const struct relc_term **copy = relc_arena_array(a, n, sizeof(*copy));

	if (n)
		memcpy(copy, v, n * sizeof(*copy));
	t->u.tuple.n = n;
	t->u.tuple.v = copy;
	return t;
}

const struct relc_term *
relc_term_tuplev(struct relc_arena *a, size_t n, ...)
{
	const struct relc_term *v[16];
	va_list ap;
	size_t i;

	if (n > RELC_ARRAY_SIZE(v))
		RELC_BUG("relc_term_tuplev: %zu elements", n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = va_arg(ap, const struct relc_term *);
	va_end(ap);
	return relc_term_tuple(a, n, v);
}

const struct relc_term *
relc_term_list(struct relc_arena *a, size_t n, const struct relc_term *const *v)
{
	struct relc_term *t;
	size_t i;

	if (!n)
		return &relc_term_nil;
	for (i = 0; i < n && is_codepoint_int(v[i]); i++)
		;
	if (i == n) {
		uint32_t *cp = relc_arena_array(a, n, sizeof(*cp));

		for (i = 0; i < n; i++)
			cp[i] = (uint32_t)v[i]->u.i;
		t = new_term(a, RELC_T_STRING);
		t->u.str.n = n;
		t->u.str.cp = cp;
		return t;
	}
	t = new_term(a, RELC_T_LIST);
	t->u.list.n = n;
	t->u.list.v = relc_arena_array(a, n, sizeof(*t->u.list.v));
	memcpy(t->u.list.v, v, n * sizeof(*v));
	t->u.list.tail = &relc_term_nil;
	return t;
}

/* ---- inspecting ---------------------------------------------------------- */

int
relc_term_is_atom(const struct relc_term *t, const char *name)
{
	return t->type == RELC_T_ATOM && !strcmp(t->u.atom.name, name) &&
	       t->u.atom.len == strlen(name);
}

int
relc_term_is_list(const struct relc_term *t)
{
	return t->type == RELC_T_NIL || t->type == RELC_T_STRING ||
	       (t->type == RELC_T_LIST && t->u.list.tail->type == RELC_T_NIL);
}

size_t
relc_term_list_len(const struct relc_term *t)
{
	switch (t->type) {
	case RELC_T_STRING:
		return t->u.str.n;
	case RELC_T_LIST:
		return t->u.list.n;
	default:
		return 0;
	}
}

const struct relc_term *
relc_term_list_nth(struct relc_arena *a, const struct relc_term *t, size_t i)
{
	if (t->type == RELC_T_STRING)
		return relc_term_int(a, t->u.str.cp[i]);
	if (t->type != RELC_T_LIST || i >= t->u.list.n)
		RELC_BUG("list_nth out of range");
	return t->u.list.v[i];
}

int
relc_term_is_string(const struct relc_term *t)
{
	size_t i;

	if (t->type == RELC_T_NIL)
		return 1;
	if (t->type != RELC_T_STRING)
		return 0;
	for (i = 0; i < t->u.str.n; i++)
		if (t->u.str.cp[i] >= 0xD800 && t->u.str.cp[i] <= 0xDFFF)
			return 0;
	return 1;
}

int
relc_term_is_atom_list(const struct relc_term *t)
{
	size_t i;

	if (t->type == RELC_T_NIL)
		return 1;
	if (t->type != RELC_T_LIST || t->u.list.tail->type != RELC_T_NIL)
		return 0;
	for (i = 0; i < t->u.list.n; i++)
		if (t->u.list.v[i]->type != RELC_T_ATOM)
			return 0;
	return 1;
}

void
relc_term_string_to_utf8(struct relc_strbuf *out, const struct relc_term *t)
{
	size_t i;

	if (t->type != RELC_T_STRING)
		return;
	for (i = 0; i < t->u.str.n; i++)
		relc_strbuf_add_utf8(out, t->u.str.cp[i]);
}

const struct relc_term *
relc_term_keyfind(const struct relc_term *list, const char *key)
{
	size_t i;

	if (list->type != RELC_T_LIST)
		return NULL;
	for (i = 0; i < list->u.list.n; i++) {
		const struct relc_term *e = list->u.list.v[i];

		if (e->type == RELC_T_TUPLE && e->u.tuple.n >= 1 &&
		    relc_term_is_atom(e->u.tuple.v[0], key))
			return e;
	}
	return NULL;
}

/* ---- comparing ----------------------------------------------------------- */

static int
type_class(enum relc_term_type type)
{
	switch (type) {
	case RELC_T_INT:
	case RELC_T_BIGINT:
	case RELC_T_FLOAT:
		return 0;
	case RELC_T_ATOM:
		return 1;
	case RELC_T_FUN:
		return 2;
	case RELC_T_TUPLE:
		return 3;
	case RELC_T_MAP:
		return 4;
	case RELC_T_NIL:
		return 5;
	case RELC_T_STRING:
	case RELC_T_LIST:
		return 6;
	case RELC_T_BITS:
		return 7;
	}
	return 8;
}

static int
cmp_size(size_t a, size_t b)
{
	return a < b ? -1 : a > b;
}

static double
big_to_double(const struct relc_term *t)
{
	double d = 0;
	size_t i = t->u.big.n;

	while (i--)
		d = d * 256.0 + t->u.big.mag[i];
	return t->u.big.neg ? -d : d;
}

/* Compare two bignums (both RELC_T_BIGINT). */
static int
cmp_big(const struct relc_term *a, const struct relc_term *b)
{
	int sign = a->u.big.neg ? -1 : 1;
	size_t i;

	if (a->u.big.neg != b->u.big.neg)
		return a->u.big.neg ? -1 : 1;
	if (a->u.big.n != b->u.big.n)
		return a->u.big.n < b->u.big.n ? -sign : sign;
	for (i = a->u.big.n; i--;)
		if (a->u.big.mag[i] != b->u.big.mag[i])
			return a->u.big.mag[i] < b->u.big.mag[i] ? -sign : sign;
	return 0;
}

static int
cmp_number(const struct relc_term *a, const struct relc_term *b)
{
	double x, y;

	if (a->type == RELC_T_INT && b->type == RELC_T_INT)
		return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
	if (a->type == RELC_T_BIGINT && b->type == RELC_T_BIGINT)
		return cmp_big(a, b);
	if (a->type != RELC_T_FLOAT && b->type != RELC_T_FLOAT) {
		/* An int64 is always nearer zero than a bignum. */
		const struct relc_term *big = a->type == RELC_T_BIGINT ? a : b;
		int r = big->u.big.neg ? 1 : -1; /* small vs big */

		return a == big ? -r : r;
	}
	x = a->type == RELC_T_FLOAT ? a->u.f
	    : a->type == RELC_T_INT ? (double)a->u.i
				    : big_to_double(a);
	y = b->type == RELC_T_FLOAT ? b->u.f
	    : b->type == RELC_T_INT ? (double)b->u.i
				    : big_to_double(b);
	if (x != y)
		return x < y ? -1 : 1;
	/* Equal in value: the exact order puts integers first. */
	if (a->type == RELC_T_FLOAT && b->type == RELC_T_FLOAT)
		return 0;
	return a->type == RELC_T_FLOAT ? 1 : -1;
}

static int
cmp_atom_text(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r ? (r < 0 ? -1 : 1) : cmp_size(alen, blen);
}

/* Element i of a non-empty list term, as a comparison needs it. */
static int
cmp_list_elem(const struct relc_term *a, size_t i, const struct relc_term *b,
	      size_t j)
{
	if (a->type == RELC_T_STRING && b->type == RELC_T_STRING)
		return a->u.str.cp[i] < b->u.str.cp[j]
			   ? -1
			   : a->u.str.cp[i] > b->u.str.cp[j];
	if (a->type == RELC_T_STRING) {
		struct relc_term x = {.type = RELC_T_INT};

		x.u.i = a->u.str.cp[i];
		return relc_term_compare(&x, b->u.list.v[j]);
	}
	if (b->type == RELC_T_STRING) {
		struct relc_term y = {.type = RELC_T_INT};

		y.u.i = b->u.str.cp[j];
		return relc_term_compare(a->u.list.v[i], &y);
	}
	return relc_term_compare(a->u.list.v[i], b->u.list.v[j]);
}

static const struct relc_term *
list_tail(const struct relc_term *t)
{
	return t->type == RELC_T_LIST ? t->u.list.tail : &relc_term_nil;
}

static int
cmp_list(const struct relc_term *a, const struct relc_term *b)
{
	size_t na = relc_term_list_len(a), nb = relc_term_list_len(b), i;
	const struct relc_term *tail;
	int r;

	for (i = 0; i < na && i < nb; i++)
		if ((r = cmp_list_elem(a, i, b, i)))
			return r;
	if (na == nb)
		return relc_term_compare(list_tail(a), list_tail(b));
	/* One side goes on as a list; compare the other's tail with that. */
	tail = na < nb ? list_tail(a) : list_tail(b);
	r = type_class(tail->type) < type_class(RELC_T_LIST) ? -1 : 1;
	return na < nb ? r : -r;
}

static int
bit_at(const uint8_t *d, size_t i)
{
	return (d[i / 8] >> (7 - i % 8)) & 1;
}

static int
cmp_bits(const struct relc_term *a, const struct relc_term *b)
{
	size_t na = a->u.bits.nbits, nb = b->u.bits.nbits;
	size_t n = na < nb ? na : nb, bytes = n / 8, i;
	int r = bytes ? memcmp(a->u.bits.data, b->u.bits.data, bytes) : 0;

	if (r)
		return r < 0 ? -1 : 1;
	for (i = bytes * 8; i < n; i++) {
		int x = bit_at(a->u.bits.data, i),
		    y = bit_at(b->u.bits.data, i);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return cmp_size(na, nb);
}

int
relc_term_compare(const struct relc_term *a, const struct relc_term *b)
{
	int ca = type_class(a->type), cb = type_class(b->type), r;
	size_t i;

	if (ca != cb)
		return ca < cb ? -1 : 1;
	switch (a->type) {
	case RELC_T_INT:
	case RELC_T_BIGINT:
	case RELC_T_FLOAT:
		return cmp_number(a, b);
	case RELC_T_ATOM:
		return cmp_atom_text(a->u.atom.name, a->u.atom.len,
				     b->u.atom.name, b->u.atom.len);
	case RELC_T_FUN:
		if ((r = relc_term_compare(a->u.fun.mod, b->u.fun.mod)) ||
		    (r = relc_term_compare(a->u.fun.fun, b->u.fun.fun)))
			return r;
		return a->u.fun.arity < b->u.fun.arity
			   ? -1
			   : a->u.fun.arity > b->u.fun.arity;
	case RELC_T_TUPLE:
		if ((r = cmp_size(a->u.tuple.n, b->u.tuple.n)))
			return r;
		for (i = 0; i < a->u.tuple.n; i++)
			if ((r = relc_term_compare(a->u.tuple.v[i],
						   b->u.tuple.v[i])))
				return r;
		return 0;
	case RELC_T_MAP:
		if ((r = cmp_size(a->u.map.n, b->u.map.n)))
			return r;
		for (i = 0; i < a->u.map.n; i++)
			if ((r = relc_term_compare(a->u.map.k[i],
						   b->u.map.k[i])))
				return r;
		for (i = 0; i < a->u.map.n; i++)
			if ((r = relc_term_compare(a->u.map.v[i],
						   b->u.map.v[i])))
				return r;
		return 0;
	case RELC_T_NIL:
		return 0;
	case RELC_T_STRING:
	case RELC_T_LIST:
		return cmp_list(a, b);
	case RELC_T_BITS:
		return cmp_bits(a, b);
	}
	return 0;
}

int
relc_term_equal(const struct relc_term *a, const struct relc_term *b)
{
	return relc_term_compare(a, b) == 0;
}

/* ---- printing ------------------------------------------------------------ */

#define LINE_WIDTH 80

int
relc_term__reserved(const char *s, size_t len)
{
	static const char *const words[] = {
	    "after",  "and",	 "andalso", "band", "begin", "bnot", "bor",
	    "bsl",    "bsr",	 "bxor",    "case", "catch", "cond", "div",
	    "end",    "fun",	 "if",	    "let",  "not",   "of",   "or",
	    "orelse", "receive", "rem",	    "try",  "when",  "xor",
	};
	size_t i;

	if (len < 2 || len > 7 || !relc_islower((unsigned char)s[0]))
		return 0; /* the words are 2 to 7 lower-case letters */
	for (i = 0; i < RELC_ARRAY_SIZE(words); i++)
		if (words[i][0] == s[0] && strlen(words[i]) == len &&
		    !memcmp(words[i], s, len))
			return 1;
	return 0;
}

/* Latin-1 letters as erl_scan classifies them. */
static int
latin1_lower(uint32_t c)
{
	return relc_islower((int)c) || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

static int
latin1_namechar(uint32_t c)
{
	return relc_isalnum((int)c) || c == '_' || c == '@' ||
	       (c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7);
}

static int
atom_needs_quotes(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, k;
	uint32_t c;

	if (!len || relc_term__reserved(name, len))
		return 1;
	while (i < len) {
		if (s[i] < 0x80) { /* the common case: ASCII */
			if (i == 0 ? !relc_islower(s[i])
				   : !(relc_isalnum(s[i]) || s[i] == '_' ||
				       s[i] == '@'))
				return 1;
			i++;
			continue;
		}
		k = relc_term__utf8_decode(s + i, len - i, &c);
		if (!k)
			return 1;
		if (i == 0 ? !latin1_lower(c) : !latin1_namechar(c))
			return 1;
		i += k;
	}
	return 0;
}

/* One character inside quotes (q is the quote character). */
static void
print_quoted_char(struct relc_strbuf *out, uint32_t c, int q)
{
	switch (c) {
	case '\n':
		relc_strbuf_addstr(out, "\\n");
		return;
	case '\r':
		relc_strbuf_addstr(out, "\\r");
		return;
	case '\t':
		relc_strbuf_addstr(out, "\\t");
		return;
	case '\v':
		relc_strbuf_addstr(out, "\\v");
		return;
	case '\b':
		relc_strbuf_addstr(out, "\\b");
		return;
	case '\f':
		relc_strbuf_addstr(out, "\\f");
		return;
	case 27:
		relc_strbuf_addstr(out, "\\e");
		return;
	case 127:
		relc_strbuf_addstr(out, "\\d");
		return;
	case '\\':
		relc_strbuf_addstr(out, "\\\\");
		return;
	default:
		break;
	}
	if ((int)c == q) {
		relc_strbuf_addch(out, '\\');
		relc_strbuf_addch(out, q);
	} else if (c < 32 || (c >= 128 && c < 160)) {
		relc_strbuf_addf(out, "\\%03o", (unsigned)c);
	} else if (c >= 0xD800 && c <= 0xDFFF) {
		relc_strbuf_addf(out, "\\x{%X}", (unsigned)c);
	} else {
		relc_strbuf_add_utf8(out, c);
	}
}

void
relc_term_print_atom(struct relc_strbuf *out, const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, k;
	uint32_t c;

	if (!atom_needs_quotes(name, len)) {
		relc_strbuf_add(out, name, len);
		return;
	}
	relc_strbuf_addch(out, '\'');
	while (i < len) {
		k = relc_term__utf8_decode(s + i, len - i, &c);
		if (!k) {
			c = s[i];
			k = 1;
		}
		print_quoted_char(out, c, '\'');
		i += k;
	}
	relc_strbuf_addch(out, '\'');
}

/* Would ~tp show this code point list as a string? */
static int
printable_string(const struct relc_term *t)
{
	size_t i;

	for (i = 0; i < t->u.str.n; i++) {
		uint32_t c = t->u.str.cp[i];

		if ((c >= 32 && c < 127) || (c >= 160 && c <= 0x10FFFF &&
					     !(c >= 0xD800 && c <= 0xDFFF)))
			continue;
		if (c == '\n' || c == '\r' || c == '\t' || c == '\v' ||
		    c == '\b' || c == '\f' || c == 27)
			continue;
		return 0;
	}
	return 1;
}

/*
 * The shortest decimal that reads back as d, written the way Erlang reads
 * floats: digits on both sides of the point, plain for moderate exponents
 * ("100.0", "0.001"), scientific otherwise ("1.0e300").
 */
static void
print_float(struct relc_strbuf *out, double d)
{
	char buf[64], digits[32];
	size_t nd = 0, i;
	int prec, exp;
	char *p;

	for (prec = 0; prec <= 16; prec++) {
		relc_xsnprintf(buf, sizeof(buf), "%.*e", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* buf is [-]D[.DDD]e[+-]XX */
	p = buf;
	if (*p == '-') {
		relc_strbuf_addch(out, '-');
		p++;
	}
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	exp = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (exp >= -4 && exp < 16) {
		if (exp < 0) {
			relc_strbuf_addstr(out, "0.");
			relc_strbuf_addchars(out, '0', (size_t)(-exp - 1));
			relc_strbuf_add(out, digits, nd);
			return;
		}
		for (i = 0; i <= (size_t)exp; i++)
			relc_strbuf_addch(out, i < nd ? digits[i] : '0');
		relc_strbuf_addch(out, '.');
		if (nd > (size_t)exp + 1)
			relc_strbuf_add(out, digits + exp + 1,
					nd - (size_t)exp - 1);
		else
			relc_strbuf_addch(out, '0');
		return;
	}
	relc_strbuf_addch(out, digits[0]);
	relc_strbuf_addch(out, '.');
	if (nd > 1)
		relc_strbuf_add(out, digits + 1, nd - 1);
	else
		relc_strbuf_addch(out, '0');
	relc_strbuf_addf(out, "e%d", exp);
}

static void
print_bigint(struct relc_strbuf *out, const struct relc_term *t)
{
	/* Repeated division of the magnitude by 10^9. */
	size_t n = t->u.big.n, i, ndig = 0;
	uint8_t *mag = (uint8_t *)relc_xmemdupz(t->u.big.mag, n);
	uint32_t *chunks;
	char buf[16];

	RELC_ALLOC_ARRAY(chunks, n / 3 + 2);
	while (n) {
		uint64_t rem = 0;

		for (i = n; i--;) {
			uint64_t cur = (rem << 8) | mag[i];

			mag[i] = (uint8_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		chunks[ndig++] = (uint32_t)rem;
		while (n && !mag[n - 1])
			n--;
	}
	if (t->u.big.neg)
		relc_strbuf_addch(out, '-');
	relc_strbuf_addf(out, "%u", (unsigned)chunks[ndig - 1]);
	for (i = ndig - 1; i--;) {
		relc_xsnprintf(buf, sizeof(buf), "%09u", (unsigned)chunks[i]);
		relc_strbuf_addstr(out, buf);
	}
	free(chunks);
	free(mag);
}

static void
print_bits(struct relc_strbuf *out, const struct relc_term *t)
{
	size_t bytes = t->u.bits.nbits / 8, rest = t->u.bits.nbits % 8, i;
	const uint8_t *d = t->u.bits.data;
	int printable = !rest && bytes > 0;

	for (i = 0; printable && i < bytes; i++)
		printable = (d[i] >= 32 && d[i] < 127) || d[i] == '\n' ||
			    d[i] == '\t' || d[i] == '\r';
	relc_strbuf_addstr(out, "<<");
	if (printable) {
		relc_strbuf_addch(out, '"');
		for (i = 0; i < bytes; i++)
			print_quoted_char(out, d[i], '"');
		relc_strbuf_addch(out, '"');
	} else {
		for (i = 0; i < bytes; i++)
			relc_strbuf_addf(out, "%s%u", i ? "," : "", d[i]);
		if (rest)
			relc_strbuf_addf(out, "%s%u:%zu", bytes ? "," : "",
					 (unsigned)(d[bytes] >> (8 - rest)),
					 rest);
	}
	relc_strbuf_addstr(out, ">>");
}

static void print_term(struct relc_strbuf *out, const struct relc_term *t,
		       size_t indent, int flat);

static void
print_string(struct relc_strbuf *out, const struct relc_term *t, int flat,
	     size_t indent)
{
	size_t i;

	if (printable_string(t)) {
		relc_strbuf_addch(out, '"');
		for (i = 0; i < t->u.str.n; i++)
			print_quoted_char(out, t->u.str.cp[i], '"');
		relc_strbuf_addch(out, '"');
		return;
	}
	relc_strbuf_addch(out, '[');
	for (i = 0; i < t->u.str.n; i++) {
		if (i)
			relc_strbuf_addch(out, ',');
		if (!flat && i && i % 16 == 0) {
			relc_strbuf_addch(out, '\n');
			relc_strbuf_addchars(out, ' ', indent + 1);
		}
		relc_strbuf_addf(out, "%lu", (unsigned long)t->u.str.cp[i]);
	}
	relc_strbuf_addch(out, ']');
}

/* Separator between elements of a broken-up container. */
static void
sep(struct relc_strbuf *out, int flat, size_t indent)
{
	relc_strbuf_addch(out, ',');
	if (!flat) {
		relc_strbuf_addch(out, '\n');
		relc_strbuf_addchars(out, ' ', indent);
	}
}

/*
 * Does t, printed flat, fit in `room` columns?  Renders into a scratch
 * buffer; terms in release files are small enough for this to be cheap.
 */
/*
 * Print t flat into sb, but stop as soon as it is longer than room: is
 * there room for it?  (Measuring by printing all of a long list at every
 * level of its nesting would cost the square of its size.)
 */
static int
flat_within(struct relc_strbuf *sb, const struct relc_term *t, size_t room)
{
	size_t i;

	switch (t->type) {
	case RELC_T_TUPLE:
		relc_strbuf_addch(sb, '{');
		for (i = 0; i < t->u.tuple.n && sb->len <= room; i++) {
			if (i)
				relc_strbuf_addch(sb, ',');
			if (!flat_within(sb, t->u.tuple.v[i], room))
				return 0;
		}
		relc_strbuf_addch(sb, '}');
		break;
	case RELC_T_LIST:
		relc_strbuf_addch(sb, '[');
		for (i = 0; i < t->u.list.n && sb->len <= room; i++) {
			if (i)
				relc_strbuf_addch(sb, ',');
			if (!flat_within(sb, t->u.list.v[i], room))
				return 0;
		}
		if (t->u.list.tail->type != RELC_T_NIL) {
			relc_strbuf_addch(sb, '|');
			if (!flat_within(sb, t->u.list.tail, room))
				return 0;
		}
		relc_strbuf_addch(sb, ']');
		break;
	case RELC_T_MAP:
		relc_strbuf_addstr(sb, "#{");
		for (i = 0; i < t->u.map.n && sb->len <= room; i++) {
			if (i)
				relc_strbuf_addch(sb, ',');
			if (!flat_within(sb, t->u.map.k[i], room))
				return 0;
			relc_strbuf_addstr(sb, " => ");
			if (!flat_within(sb, t->u.map.v[i], room))
				return 0;
		}
		relc_strbuf_addch(sb, '}');
		break;
	default:
		print_term(sb, t, 0, 1);
		break;
	}
	return sb->len <= room;
}

static int
fits(const struct relc_term *t, size_t room)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	int ok;

	if (t->type != RELC_T_TUPLE && t->type != RELC_T_LIST &&
	    t->type != RELC_T_MAP)
		return 1;
	ok = flat_within(&sb, t, room) && !memchr(sb.buf, '\n', sb.len);
	relc_strbuf_release(&sb);
	return ok;
}

static int
is_scalar(const struct relc_term *t)
{
	return t->type != RELC_T_TUPLE && t->type != RELC_T_LIST &&
	       t->type != RELC_T_MAP;
}

/*
 * A list of scalars too long for one line, filled like a paragraph (as
 * ~p does with lists of atoms): as many per line as fit.
 */
static int
print_filled(struct relc_strbuf *out, const struct relc_term *t, size_t indent)
{
	struct relc_strbuf item = RELC_STRBUF_INIT;
	size_t i, col = indent + 1, line_start;

	if (t->type != RELC_T_LIST || t->u.list.tail->type != RELC_T_NIL)
		return 0;
	for (i = 0; i < t->u.list.n; i++)
		if (!is_scalar(t->u.list.v[i]))
			return 0;
	relc_strbuf_addch(out, '[');
	line_start = out->len;
	for (i = 0; i < t->u.list.n; i++) {
		relc_strbuf_reset(&item);
		print_term(&item, t->u.list.v[i], 0, 1);
		if (i) {
			relc_strbuf_addch(out, ',');
			col++;
			if (col + item.len + 1 > LINE_WIDTH &&
			    out->len > line_start) {
				relc_strbuf_addch(out, '\n');
				relc_strbuf_addchars(out, ' ', indent + 1);
				col = indent + 1;
				line_start = out->len;
			}
		}
		relc_strbuf_add(out, item.buf, item.len);
		col += item.len;
	}
	relc_strbuf_addch(out, ']');
	relc_strbuf_release(&item);
	return 1;
}

static void
print_term(struct relc_strbuf *out, const struct relc_term *t, size_t indent,
	   int flat)
{
	size_t i;

	if (!flat)
		flat = fits(t, indent < LINE_WIDTH ? LINE_WIDTH - indent : 0);
	if (!flat && print_filled(out, t, indent))
		return;
	switch (t->type) {
	case RELC_T_INT:
		relc_strbuf_addf(out, "%lld", (long long)t->u.i);
		break;
	case RELC_T_BIGINT:
		print_bigint(out, t);
		break;
	case RELC_T_FLOAT:
		print_float(out, t->u.f);
		break;
	case RELC_T_ATOM:
		relc_term_print_atom(out, t->u.atom.name, t->u.atom.len);
		break;
	case RELC_T_FUN:
		relc_strbuf_addstr(out, "fun ");
		print_term(out, t->u.fun.mod, indent, 1);
		relc_strbuf_addch(out, ':');
		print_term(out, t->u.fun.fun, indent, 1);
		relc_strbuf_addf(out, "/%u", t->u.fun.arity);
		break;
	case RELC_T_TUPLE:
		relc_strbuf_addch(out, '{');
		for (i = 0; i < t->u.tuple.n; i++) {
			if (i)
				sep(out, flat, indent + 1);
			print_term(out, t->u.tuple.v[i], indent + 1, flat);
		}
		relc_strbuf_addch(out, '}');
		break;
	case RELC_T_MAP:
		relc_strbuf_addstr(out, "#{");
		for (i = 0; i < t->u.map.n; i++) {
			if (i)
				sep(out, flat, indent + 2);
			print_term(out, t->u.map.k[i], indent + 2, flat);
			relc_strbuf_addstr(out, " => ");
			print_term(out, t->u.map.v[i], indent + 2, flat);
		}
		relc_strbuf_addch(out, '}');
		break;
	case RELC_T_NIL:
		relc_strbuf_addstr(out, "[]");
		break;
	case RELC_T_STRING:
		print_string(out, t, flat, indent);
		break;
	case RELC_T_LIST:
		relc_strbuf_addch(out, '[');
		for (i = 0; i < t->u.list.n; i++) {
			if (i)
				sep(out, flat, indent + 1);
			print_term(out, t->u.list.v[i], indent + 1, flat);
		}
		if (t->u.list.tail->type != RELC_T_NIL) {
			relc_strbuf_addch(out, '|');
			print_term(out, t->u.list.tail, indent + 1, flat);
		}
		relc_strbuf_addch(out, ']');
		break;
	case RELC_T_BITS:
		print_bits(out, t);
		break;
	}
}

void
relc_term_print(struct relc_strbuf *out, const struct relc_term *t,
		size_t indent)
{
	print_term(out, t, indent, 0);
}

void
relc_term_print_flat(struct relc_strbuf *out, const struct relc_term *t)
{
	print_term(out, t, 0, 1);
}
