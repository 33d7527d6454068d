/*
 * term_parse.c: the Erlang term reader (what erl_scan plus
 * erl_parse:parse_term accept), pure: bytes in, terms out.
 *
 * The input is decoded to code points first (UTF-8, or Latin-1 when a
 * coding comment says so), then scanned and parsed by recursive descent
 * with a depth limit.  Every error names the line and column.
 */
#include "relc/compat.h"
#include "relc/term.h"

#include <math.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"
#include "term_private.h"

#define MAX_DEPTH 1000
#define MAX_ATOM_CHARS 255

enum tok_type {
	TOK_EOF,
	TOK_ATOM,
	TOK_VAR,
	TOK_STRING,
	TOK_CHAR,
	TOK_INT,
	TOK_FLOAT,
	TOK_DOT,
	TOK_PUNCT
};

/* Multi-character punctuation, as codes above the character range. */
enum {
	P_ARROW = 0x110000, /* => */
	P_LTLT,		    /* << */
	P_GTGT,		    /* >> */
	P_ASSOC,	    /* := */
	P_OROR		    /* || */
};

struct token {
	enum tok_type type;
	unsigned line, col;
	uint32_t punct;		 /* TOK_PUNCT: the character or P_ code */
	int quoted;		 /* TOK_ATOM: written as 'quoted' */
	struct relc_strbuf text; /* TOK_ATOM, TOK_VAR: UTF-8 */
	uint32_t *cps;		 /* TOK_STRING: code points */
	size_t ncps, acps;
	uint32_t ch;		/* TOK_CHAR */
	struct relc_strbuf mag; /* TOK_INT: little-endian magnitude */
	double f;		/* TOK_FLOAT */
};

struct parser {
	const uint32_t *cp;
	size_t n, pos;
	unsigned line, col;
	struct token tok; /* the current (lookahead) token */
	struct relc_arena *arena;
	struct relc_error *err;
	unsigned depth;
};

/* ---- decoding ------------------------------------------------------------ */

/*
 * epp:read_encoding/1, which file:consult/1 uses: on the first two lines,
 * after a '%', the first "coding" followed by spaces, ':' or '=', spaces
 * and a name decides: "latin-1..." means Latin-1, anything else (UTF-8
 * included) the default, UTF-8.  Returns 1 for Latin-1.
 */
static int
wants_latin1(const char *buf, size_t len)
{
	size_t i = 0;
	int line = 0, in_comment = 0;

	while (i < len && line < 2) {
		size_t j, k;

		if (buf[i] == '\n') {
			line++;
			in_comment = 0;
			i++;
			continue;
		}
		if (!in_comment) {
			in_comment = buf[i++] == '%';
			continue;
		}
		if (len - i < 6 || memcmp(buf + i, "coding", 6)) {
			i++;
			continue;
		}
		j = i + 6;
		while (j < len && buf[j] == ' ')
			j++;
		if (j >= len || (buf[j] != ':' && buf[j] != '=')) {
			i++;
			continue;
		}
		j++;
		while (j < len && buf[j] == ' ')
			j++;
		for (k = j; k < len && (relc_isalnum((unsigned char)buf[k]) ||
					buf[k] == '-');
		     k++)
			;
		return k - j >= 7 &&
		       relc_tolower((unsigned char)buf[j]) == 'l' &&
		       relc_tolower((unsigned char)buf[j + 1]) == 'a' &&
		       relc_tolower((unsigned char)buf[j + 2]) == 't' &&
		       relc_tolower((unsigned char)buf[j + 3]) == 'i' &&
		       relc_tolower((unsigned char)buf[j + 4]) == 'n' &&
		       buf[j + 5] == '-' && buf[j + 6] == '1' &&
		       (k - j == 7 || buf[j + 7] == '-');
	}
	return 0;
}

static int
decode(uint32_t **out, size_t *n, const char *buf, size_t len,
       struct relc_error *err)
{
	const unsigned char *s = (const unsigned char *)buf;
	int latin1 = wants_latin1(buf, len);
	unsigned line = 1, col = 1;
	uint32_t *cp;
	size_t i = 0, k = 0;

	RELC_ALLOC_ARRAY(cp, len + 1);
	while (i < len) {
		uint32_t c;

		if (latin1) {
			c = s[i++];
		} else {
			size_t step =
			    relc_term__utf8_decode(s + i, len - i, &c);

			if (!step)
				goto bad;
			i += step;
		}
		cp[k++] = c;
		if (c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	*out = cp;
	*n = k;
	return 0;
bad:
	free(cp);
	return relc_error_at(err, RELC_ETERM, NULL, line, col,
			     "invalid UTF-8 (add a '%%%% coding: latin-1' "
			     "comment on the first line if the file is "
			     "Latin-1)");
}

/* ---- scanning ------------------------------------------------------------ */

static uint32_t
peekc(const struct parser *p, size_t ahead)
{
	return p->pos + ahead < p->n ? p->cp[p->pos + ahead] : 0xFFFFFFFFu;
}

#define END_OF_INPUT 0xFFFFFFFFu

static uint32_t
nextc(struct parser *p)
{
	uint32_t c = p->cp[p->pos++];

	if (c == '\n') {
		p->line++;
		p->col = 1;
	} else {
		p->col++;
	}
	return c;
}

static int scan_error(struct parser *p, unsigned line, unsigned col,
		      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
scan_error(struct parser *p, unsigned line, unsigned col, const char *fmt, ...)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	relc_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	relc_error_at(p->err, RELC_ETERM, NULL, line, col, "%s", msg.buf);
	relc_strbuf_release(&msg);
	return -1;
}

static int
is_latin1_lower(uint32_t c)
{
	return relc_islower((int)c) || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

static int
is_latin1_upper(uint32_t c)
{
	return relc_isupper((int)c) || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

static int
is_namechar(uint32_t c)
{
	return c < 0x100 &&
	       (relc_isalnum((int)c) || c == '_' || c == '@' ||
		(c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7));
}

static int
hexval(uint32_t c)
{
	if (relc_isdigit((int)c))
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* An escape sequence after the backslash (erl_scan's escape_char). */
static int
scan_escape(struct parser *p, uint32_t *out)
{
	unsigned line = p->line, col = p->col;
	uint32_t c, v;
	int i, h;

	if (p->pos >= p->n)
		return scan_error(p, line, col, "unterminated escape sequence");
	c = nextc(p);
	if (c >= '0' && c <= '7') {
		v = c - '0';
		for (i = 0; i < 2 && peekc(p, 0) >= '0' && peekc(p, 0) <= '7';
		     i++)
			v = v * 8 + (nextc(p) - '0');
		*out = v;
		return 0;
	}
	switch (c) {
	case 'b':
		*out = 8;
		return 0;
	case 'd':
		*out = 127;
		return 0;
	case 'e':
		*out = 27;
		return 0;
	case 'f':
		*out = 12;
		return 0;
	case 'n':
		*out = 10;
		return 0;
	case 'r':
		*out = 13;
		return 0;
	case 's':
		*out = 32;
		return 0;
	case 't':
		*out = 9;
		return 0;
	case 'v':
		*out = 11;
		return 0;
	case 'x':
		if (peekc(p, 0) == '{') {
			nextc(p);
			v = 0;
			for (i = 0; (h = hexval(peekc(p, 0))) >= 0; i++) {
				nextc(p);
				if (v > 0x10FFFF)
					break;
				v = v * 16 + (uint32_t)h;
			}
			if (!i || peekc(p, 0) != '}' || v > 0x10FFFF)
				return scan_error(p, line, col - 1,
						  "bad \\x{...} escape");
			nextc(p);
			*out = v;
			return 0;
		}
		if (hexval(peekc(p, 0)) < 0 || hexval(peekc(p, 1)) < 0)
			return scan_error(p, line, col - 1, "bad \\x escape");
		v = (uint32_t)hexval(nextc(p)) * 16;
		v += (uint32_t)hexval(nextc(p));
		*out = v;
		return 0;
	case '^':
		if (p->pos >= p->n)
			return scan_error(p, line, col,
					  "unterminated escape sequence");
		*out = nextc(p) & 31;
		return 0;
	default:
		*out = c;
		return 0;
	}
}

static void
tok_addcp(struct token *t, uint32_t c)
{
	RELC_ALLOC_GROW(t->cps, t->ncps + 1, t->acps);
	t->cps[t->ncps++] = c;
}

/* The body of a quoted atom or string, after the opening quote. */
static int
scan_quoted(struct parser *p, uint32_t q, unsigned line, unsigned col)
{
	for (;;) {
		uint32_t c;

		if (p->pos >= p->n)
			return scan_error(p, line, col, "unterminated %s",
					  q == '"' ? "string" : "quoted atom");
		c = nextc(p);
		if (c == q)
			return 0;
		if (c == '\\' && scan_escape(p, &c))
			return -1;
		tok_addcp(&p->tok, c);
	}
}

/* mag = mag * base + digit, on a little-endian byte magnitude. */
static void
mag_muladd(struct relc_strbuf *mag, unsigned base, unsigned digit)
{
	unsigned carry = digit;
	size_t i;

	for (i = 0; i < mag->len; i++) {
		unsigned v = (unsigned char)mag->buf[i] * base + carry;

		mag->buf[i] = (char)(v & 0xFF);
		carry = v >> 8;
	}
	while (carry) {
		relc_strbuf_addch(mag, (int)(carry & 0xFF));
		carry >>= 8;
	}
}

/* Digits in `base` with single underscores between them. */
static int
scan_digits(struct parser *p, unsigned base, struct relc_strbuf *mag,
	    struct relc_strbuf *text)
{
	unsigned line = p->line, col = p->col;
	int any = 0;

	for (;;) {
		uint32_t c = peekc(p, 0);
		int d = c < 128 ? hexval(c) : -1;

		if (c >= 'g' && c <= 'z')
			d = (int)(c - 'a' + 10);
		else if (c >= 'G' && c <= 'Z')
			d = (int)(c - 'A' + 10);
		if (d >= 0 && (unsigned)d < base) {
			nextc(p);
			if (mag)
				mag_muladd(mag, base, (unsigned)d);
			if (text)
				relc_strbuf_addch(text, (int)c);
			any = 1;
			continue;
		}
		if (c == '_' && any) {
			uint32_t n = peekc(p, 1);
			int nd = n < 128 ? hexval(n) : -1;

			if (n >= 'g' && n <= 'z')
				nd = (int)(n - 'a' + 10);
			else if (n >= 'G' && n <= 'Z')
				nd = (int)(n - 'A' + 10);
			if (nd >= 0 && (unsigned)nd < base) {
				nextc(p);
				continue;
			}
		}
		break;
	}
	if (!any)
		return scan_error(p, line, col, "expected a digit");
	return 0;
}

static int
scan_number(struct parser *p, unsigned line, unsigned col)
{
	struct token *t = &p->tok;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	int r = -1;

	relc_strbuf_reset(&t->mag);
	if (scan_digits(p, 10, &t->mag, &text))
		goto out;
	if (peekc(p, 0) == '#') {
		/* Base#Digits: the base is what was just read. */
		unsigned base = 0;
		size_t i;

		for (i = 0; i < text.len && base <= 36; i++)
			base = base * 10 + (unsigned)(text.buf[i] - '0');
		if (base < 2 || base > 36) {
			r = scan_error(p, line, col, "base %s is not in 2..36",
				       text.buf);
			goto out;
		}
		nextc(p);
		relc_strbuf_reset(&t->mag);
		if (scan_digits(p, base, &t->mag, NULL))
			goto out;
		t->type = TOK_INT;
		r = 0;
		goto out;
	}
	if (peekc(p, 0) == '.' && peekc(p, 1) < 128 &&
	    relc_isdigit((int)peekc(p, 1))) {
		nextc(p);
		relc_strbuf_addch(&text, '.');
		if (scan_digits(p, 10, NULL, &text))
			goto out;
		if (peekc(p, 0) == 'e' || peekc(p, 0) == 'E') {
			uint32_t s = peekc(p, 1);
			size_t skip = (s == '+' || s == '-') ? 2 : 1;

			if (peekc(p, skip) < 128 &&
			    relc_isdigit((int)peekc(p, skip))) {
				relc_strbuf_addch(&text, 'e');
				nextc(p);
				if (skip == 2)
					relc_strbuf_addch(&text, (int)nextc(p));
				if (scan_digits(p, 10, NULL, &text))
					goto out;
			}
		}
		t->f = strtod(text.buf, NULL);
		if (!isfinite(t->f)) {
			r = scan_error(p, line, col, "float '%s' is too large",
				       text.buf);
			goto out;
		}
		t->type = TOK_FLOAT;
		r = 0;
		goto out;
	}
	t->type = TOK_INT;
	r = 0;
out:
	relc_strbuf_release(&text);
	return r;
}

static void
skip_space(struct parser *p)
{
	while (p->pos < p->n) {
		uint32_t c = peekc(p, 0);

		if (c == '%') {
			while (p->pos < p->n && peekc(p, 0) != '\n')
				nextc(p);
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
			   c == '\f' || c == '\v' || c == 0xA0) {
			nextc(p);
		} else {
			break;
		}
	}
}

static const char *
describe_char(uint32_t c, char *buf, size_t size)
{
	if (c >= 33 && c < 127)
		relc_xsnprintf(buf, size, "'%c'", (char)c);
	else
		relc_xsnprintf(buf, size, "character U+%04X", (unsigned)c);
	return buf;
}

static int
next_token(struct parser *p)
{
	struct token *t = &p->tok;
	uint32_t c;
	char desc[32];

	skip_space(p);
	t->line = p->line;
	t->col = p->col;
	t->ncps = 0;
	t->quoted = 0;
	relc_strbuf_reset(&t->text);
	if (p->pos >= p->n) {
		t->type = TOK_EOF;
		return 0;
	}
	c = peekc(p, 0);
	if (c < 128 && relc_isdigit((int)c))
		return scan_number(p, t->line, t->col);
	if (is_latin1_lower(c) || is_latin1_upper(c) || c == '_') {
		size_t nchars = 0;

		t->type = is_latin1_lower(c) ? TOK_ATOM : TOK_VAR;
		while (p->pos < p->n && is_namechar(peekc(p, 0))) {
			relc_strbuf_add_utf8(&t->text, nextc(p));
			nchars++;
		}
		if (t->type == TOK_ATOM && nchars > MAX_ATOM_CHARS)
			return scan_error(p, t->line, t->col,
					  "atom is longer than %d characters",
					  MAX_ATOM_CHARS);
		return 0;
	}
	nextc(p);
	switch (c) {
	case '\'':
		t->type = TOK_ATOM;
		t->quoted = 1;
		if (scan_quoted(p, '\'', t->line, t->col))
			return -1;
		if (t->ncps > MAX_ATOM_CHARS)
			return scan_error(p, t->line, t->col,
					  "atom is longer than %d characters",
					  MAX_ATOM_CHARS);
		for (size_t i = 0; i < t->ncps; i++) {
			if (t->cps[i] >= 0xD800 && t->cps[i] <= 0xDFFF)
				return scan_error(p, t->line, t->col,
						  "atoms cannot hold the "
						  "surrogate U+%04X",
						  (unsigned)t->cps[i]);
			relc_strbuf_add_utf8(&t->text, t->cps[i]);
		}
		return 0;
	case '"':
		t->type = TOK_STRING;
		return scan_quoted(p, '"', t->line, t->col);
	case '$':
		if (p->pos >= p->n)
			return scan_error(p, t->line, t->col,
					  "'$' at end of file");
		t->type = TOK_CHAR;
		t->ch = nextc(p);
		if (t->ch == '\\')
			return scan_escape(p, &t->ch);
		return 0;
	case '.':
		c = peekc(p, 0);
		if (c == END_OF_INPUT || c == '%' || c == ' ' || c == '\t' ||
		    c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			t->type = TOK_DOT;
			return 0;
		}
		return scan_error(p, t->line, t->col,
				  "unexpected '.' (a term ends with '.' and "
				  "white space)");
	case '=':
		if (peekc(p, 0) == '>') {
			nextc(p);
			t->type = TOK_PUNCT;
			t->punct = P_ARROW;
			return 0;
		}
		break;
	case ':':
		t->type = TOK_PUNCT;
		t->punct = ':';
		if (peekc(p, 0) == '=') {
			nextc(p);
			t->punct = P_ASSOC;
		}
		return 0;
	case '<':
		if (peekc(p, 0) == '<') {
			nextc(p);
			t->type = TOK_PUNCT;
			t->punct = P_LTLT;
			return 0;
		}
		break;
	case '>':
		if (peekc(p, 0) == '>') {
			nextc(p);
			t->type = TOK_PUNCT;
			t->punct = P_GTGT;
			return 0;
		}
		break;
	case '|':
		t->type = TOK_PUNCT;
		t->punct = '|';
		if (peekc(p, 0) == '|') {
			nextc(p);
			t->punct = P_OROR;
		}
		return 0;
	case '{':
	case '}':
	case '[':
	case ']':
	case '(':
	case ')':
	case ',':
	case '#':
	case '/':
	case '-':
	case '+':
		t->type = TOK_PUNCT;
		t->punct = c;
		return 0;
	default:
		break;
	}
	return scan_error(p, t->line, t->col, "unexpected %s",
			  describe_char(c, desc, sizeof(desc)));
}

/* ---- parsing ------------------------------------------------------------- */

static void
describe_token(const struct token *t, struct relc_strbuf *out)
{
	switch (t->type) {
	case TOK_EOF:
		relc_strbuf_addstr(out, "end of file");
		return;
	case TOK_ATOM:
		relc_strbuf_addstr(out, "atom ");
		relc_term_print_atom(out, t->text.buf, t->text.len);
		return;
	case TOK_VAR:
		relc_strbuf_addf(out, "variable '%s'", t->text.buf);
		return;
	case TOK_STRING:
		relc_strbuf_addstr(out, "string");
		return;
	case TOK_CHAR:
		relc_strbuf_addstr(out, "character literal");
		return;
	case TOK_INT:
	case TOK_FLOAT:
		relc_strbuf_addstr(out, "number");
		return;
	case TOK_DOT:
		relc_strbuf_addstr(out, "'.'");
		return;
	case TOK_PUNCT:
		switch (t->punct) {
		case P_ARROW:
			relc_strbuf_addstr(out, "'=>'");
			return;
		case P_LTLT:
			relc_strbuf_addstr(out, "'<<'");
			return;
		case P_GTGT:
			relc_strbuf_addstr(out, "'>>'");
			return;
		case P_ASSOC:
			relc_strbuf_addstr(out, "':='");
			return;
		case P_OROR:
			relc_strbuf_addstr(out, "'||'");
			return;
		default:
			relc_strbuf_addf(out, "'%c'", (char)t->punct);
			return;
		}
	}
}

static int
unexpected(struct parser *p, const char *expected)
{
	struct relc_strbuf what = RELC_STRBUF_INIT;

	describe_token(&p->tok, &what);
	if (p->tok.type == TOK_VAR)
		relc_strbuf_addstr(&what, " (variables are not allowed in "
					  "terms; quote it as an atom)");
	relc_error_at(p->err, RELC_ETERM, NULL, p->tok.line, p->tok.col,
		      "unexpected %s, expected %s", what.buf, expected);
	relc_strbuf_release(&what);
	return -1;
}

static int
is_punct(const struct parser *p, uint32_t c)
{
	return p->tok.type == TOK_PUNCT && p->tok.punct == c;
}

static int
expect_punct(struct parser *p, uint32_t c, const char *what)
{
	if (!is_punct(p, c))
		return unexpected(p, what);
	return next_token(p);
}

static struct relc_term *
new_term(struct parser *p, enum relc_term_type type, unsigned line,
	 unsigned col)
{
	struct relc_term *t = relc_arena_alloc(p->arena, sizeof(*t));

	t->type = type;
	t->line = line;
	t->col = col;
	return t;
}

/* An integer term from a magnitude, canonical (INT when it fits). */
static struct relc_term *
make_int(struct parser *p, const struct relc_strbuf *mag, int neg,
	 unsigned line, unsigned col)
{
	const uint8_t *m = (const uint8_t *)mag->buf;
	size_t n = mag->len;
	struct relc_term *t;

	while (n && !m[n - 1])
		n--;
	if (n <= 8) {
		uint64_t u = 0;
		size_t i;

		for (i = n; i--;)
			u = (u << 8) | m[i];
		if (!neg && u <= (uint64_t)INT64_MAX) {
			t = new_term(p, RELC_T_INT, line, col);
			t->u.i = (int64_t)u;
			return t;
		}
		if (neg && u <= (uint64_t)INT64_MAX + 1) {
			t = new_term(p, RELC_T_INT, line, col);
			t->u.i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN
							      : -(int64_t)u;
			return t;
		}
	}
	t = new_term(p, RELC_T_BIGINT, line, col);
	t->u.big.neg = neg;
	t->u.big.n = n;
	t->u.big.mag = (const uint8_t *)relc_arena_memdupz(p->arena, m, n);
	return t;
}

static const struct relc_term *
make_string(struct parser *p, const uint32_t *cps, size_t n, unsigned line,
	    unsigned col)
{
	struct relc_term *t;
	uint32_t *copy;

	if (!n)
		return &relc_term_nil;
	copy = relc_arena_array(p->arena, n, sizeof(*copy));
	memcpy(copy, cps, n * sizeof(*copy));
	t = new_term(p, RELC_T_STRING, line, col);
	t->u.str.n = n;
	t->u.str.cp = copy;
	return t;
}

static int parse_term(struct parser *p, const struct relc_term **out);

/* A growable array of term pointers, malloc'ed while parsing. */
struct termvec {
	const struct relc_term **v;
	size_t n, alloc;
};

static void
termvec_push(struct termvec *tv, const struct relc_term *t)
{
	RELC_ALLOC_GROW(tv->v, tv->n + 1, tv->alloc);
	tv->v[tv->n++] = t;
}

/* Append the elements of a list term (STRING or LIST) to tv. */
static void
termvec_push_list(struct parser *p, struct termvec *tv,
		  const struct relc_term *l)
{
	size_t i;

	if (l->type == RELC_T_STRING) {
		for (i = 0; i < l->u.str.n; i++) {
			struct relc_term *e = new_term(p, RELC_T_INT, 0, 0);

			e->u.i = l->u.str.cp[i];
			termvec_push(tv, e);
		}
	} else {
		for (i = 0; i < l->u.list.n; i++)
			termvec_push(tv, l->u.list.v[i]);
	}
}

/* [E1, ..., En | Tail] in canonical form. */
static const struct relc_term *
make_list(struct parser *p, struct termvec *tv, const struct relc_term *tail,
	  unsigned line, unsigned col)
{
	struct relc_term *t;
	const struct relc_term *l;

	if (tail->type == RELC_T_STRING || tail->type == RELC_T_LIST) {
		termvec_push_list(p, tv, tail);
		tail = tail->type == RELC_T_LIST ? tail->u.list.tail
						 : &relc_term_nil;
	}
	if (tail->type == RELC_T_NIL) {
		l = relc_term_list(p->arena, tv->n, tv->v);
		if (l->type != RELC_T_NIL) {
			((struct relc_term *)l)->line = line;
			((struct relc_term *)l)->col = col;
		}
		return l;
	}
	t = new_term(p, RELC_T_LIST, line, col);
	t->u.list.n = tv->n;
	t->u.list.v = relc_arena_array(p->arena, tv->n, sizeof(*t->u.list.v));
	memcpy(t->u.list.v, tv->v, tv->n * sizeof(*tv->v));
	t->u.list.tail = tail;
	return t;
}

static int
parse_list(struct parser *p, const struct relc_term **out, unsigned line,
	   unsigned col)
{
	struct termvec tv = {NULL, 0, 0};
	const struct relc_term *e, *tail = &relc_term_nil;
	int r = -1;

	if (is_punct(p, ']')) {
		*out = &relc_term_nil;
		return next_token(p);
	}
	for (;;) {
		if (parse_term(p, &e))
			goto out;
		termvec_push(&tv, e);
		if (is_punct(p, ',')) {
			if (next_token(p))
				goto out;
			continue;
		}
		if (is_punct(p, '|')) {
			if (next_token(p) || parse_term(p, &tail))
				goto out;
		}
		break;
	}
	if (expect_punct(p, ']',
			 tail == &relc_term_nil ? "',', '|' or ']'" : "']'"))
		goto out;
	*out = make_list(p, &tv, tail, line, col);
	r = 0;
out:
	free(tv.v);
	return r;
}

static int
parse_tuple(struct parser *p, const struct relc_term **out, unsigned line,
	    unsigned col)
{
	struct termvec tv = {NULL, 0, 0};
	const struct relc_term *e;
	struct relc_term *t;
	int r = -1;

	if (!is_punct(p, '}')) {
		for (;;) {
			if (parse_term(p, &e))
				goto out;
			termvec_push(&tv, e);
			if (!is_punct(p, ','))
				break;
			if (next_token(p))
				goto out;
		}
	}
	if (expect_punct(p, '}', "',' or '}'"))
		goto out;
	t = new_term(p, RELC_T_TUPLE, line, col);
	t->u.tuple.n = tv.n;
	t->u.tuple.v = relc_arena_array(p->arena, tv.n, sizeof(*t->u.tuple.v));
	if (tv.n)
		memcpy(t->u.tuple.v, tv.v, tv.n * sizeof(*tv.v));
	*out = t;
	r = 0;
out:
	free(tv.v);
	return r;
}

struct kv {
	const struct relc_term *k, *v;
	size_t idx;
};

static int
kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	int r = relc_term_compare(x->k, y->k);

	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
parse_map(struct parser *p, const struct relc_term **out, unsigned line,
	  unsigned col)
{
	struct kv *kv = NULL;
	size_t n = 0, alloc = 0, i, m;
	struct relc_term *t;
	int r = -1;

	if (expect_punct(p, '{', "'{' after '#'"))
		return -1;
	if (!is_punct(p, '}')) {
		for (;;) {
			RELC_ALLOC_GROW(kv, n + 1, alloc);
			kv[n].idx = n;
			if (parse_term(p, &kv[n].k))
				goto out;
			if (is_punct(p, P_ASSOC)) {
				unexpected(p, "'=>' (':=' only updates maps)");
				goto out;
			}
			if (expect_punct(p, P_ARROW, "'=>'") ||
			    parse_term(p, &kv[n].v))
				goto out;
			n++;
			if (!is_punct(p, ','))
				break;
			if (next_token(p))
				goto out;
		}
	}
	if (expect_punct(p, '}', "',' or '}'"))
		goto out;
	/* Sort by key; for equal keys the last one wins (maps:from_list). */
	if (n)
		qsort(kv, n, sizeof(*kv), kv_cmp);
	for (i = 0, m = 0; i < n; i++) {
		if (i + 1 < n && relc_term_equal(kv[i].k, kv[i + 1].k))
			continue;
		kv[m++] = kv[i];
	}
	t = new_term(p, RELC_T_MAP, line, col);
	t->u.map.n = m;
	t->u.map.k = relc_arena_array(p->arena, m, sizeof(*t->u.map.k));
	t->u.map.v = relc_arena_array(p->arena, m, sizeof(*t->u.map.v));
	for (i = 0; i < m; i++) {
		t->u.map.k[i] = kv[i].k;
		t->u.map.v[i] = kv[i].v;
	}
	*out = t;
	r = 0;
out:
	free(kv);
	return r;
}

/* ---- binaries ------------------------------------------------------------ */

struct bitbuf {
	struct relc_strbuf bytes;
	size_t nbits;
};

static void
put_bit(struct bitbuf *b, int bit)
{
	if (b->nbits % 8 == 0)
		relc_strbuf_addch(&b->bytes, 0);
	if (bit)
		b->bytes.buf[b->nbits / 8] |= (char)(1 << (7 - b->nbits % 8));
	b->nbits++;
}

/*
 * Append the low `size` bits of an integer (two's complement), big-endian
 * or little-endian (whole bytes only).
 */
static void
put_int(struct bitbuf *b, const struct relc_term *v, size_t size, int little)
{
	size_t nbytes = size / 8 + 2, i;
	uint8_t *le = relc_xcalloc(nbytes, 1);
	int neg;

	if (v->type == RELC_T_INT) {
		uint64_t u = v->u.i < 0 ? (uint64_t)0 - (uint64_t)v->u.i
					: (uint64_t)v->u.i;

		neg = v->u.i < 0;
		for (i = 0; i < 8 && i < nbytes; i++)
			le[i] = (uint8_t)(u >> (8 * i));
	} else {
		neg = v->u.big.neg;
		for (i = 0; i < v->u.big.n && i < nbytes; i++)
			le[i] = v->u.big.mag[i];
	}
	if (neg) {
		unsigned carry = 1;

		for (i = 0; i < nbytes; i++) {
			unsigned x = (uint8_t)~le[i] + carry;

			le[i] = (uint8_t)x;
			carry = x >> 8;
		}
	}
	if (little) {
		for (i = 0; i < size / 8; i++)
			for (int k = 7; k >= 0; k--)
				put_bit(b, (le[i] >> k) & 1);
	} else {
		for (i = size; i--;)
			put_bit(b, (le[i / 8] >> (i % 8)) & 1);
	}
	free(le);
}

static void
put_bytes(struct bitbuf *b, const uint8_t *d, size_t nbits)
{
	size_t i;

	for (i = 0; i < nbits; i++)
		put_bit(b, (d[i / 8] >> (7 - i % 8)) & 1);
}

static void
put_uint(struct bitbuf *b, uint64_t v, size_t size, int little)
{
	struct relc_term t = {.type = RELC_T_INT};

	t.u.i = (int64_t)v;
	put_int(b, &t, size, little);
}

enum seg_type {
	SEG_DEFAULT,
	SEG_INTEGER,
	SEG_FLOAT,
	SEG_BINARY,
	SEG_BITS,
	SEG_UTF8,
	SEG_UTF16,
	SEG_UTF32
};

struct segspec {
	enum seg_type type;
	int little;
	int has_size;
	size_t size;
	int has_unit;
	size_t unit;
};

static int
parse_segspec(struct parser *p, struct segspec *s)
{
	static const struct {
		const char *name;
		enum seg_type type;
	} types[] = {
	    {"integer", SEG_INTEGER}, {"float", SEG_FLOAT},
	    {"binary", SEG_BINARY},   {"bytes", SEG_BINARY},
	    {"bitstring", SEG_BITS},  {"bits", SEG_BITS},
	    {"utf8", SEG_UTF8},	      {"utf16", SEG_UTF16},
	    {"utf32", SEG_UTF32},
	};

	memset(s, 0, sizeof(*s));
	if (is_punct(p, ':')) {
		const struct relc_strbuf *mag;
		size_t i, v = 0;

		if (next_token(p))
			return -1;
		if (p->tok.type != TOK_INT)
			return unexpected(p, "a segment size");
		mag = &p->tok.mag;
		if (mag->len > 3)
			return unexpected(p, "a segment size below 2^24");
		for (i = mag->len; i--;)
			v = (v << 8) | (unsigned char)mag->buf[i];
		s->has_size = 1;
		s->size = v;
		if (next_token(p))
			return -1;
	}
	if (!is_punct(p, '/'))
		return 0;
	do {
		size_t i;

		if (next_token(p))
			return -1;
		if (p->tok.type != TOK_ATOM)
			return unexpected(p, "a segment type");
		for (i = 0; i < RELC_ARRAY_SIZE(types); i++)
			if (!strcmp(types[i].name, p->tok.text.buf))
				break;
		if (i < RELC_ARRAY_SIZE(types)) {
			s->type = types[i].type;
		} else if (!strcmp(p->tok.text.buf, "little")) {
			s->little = 1;
		} else if (!strcmp(p->tok.text.buf, "native")) {
			uint16_t probe = 1;

			s->little = *(const uint8_t *)&probe == 1;
		} else if (!strcmp(p->tok.text.buf, "big") ||
			   !strcmp(p->tok.text.buf, "signed") ||
			   !strcmp(p->tok.text.buf, "unsigned")) {
			/* Nothing to do when building. */
		} else if (!strcmp(p->tok.text.buf, "unit")) {
			if (next_token(p))
				return -1;
			if (!is_punct(p, ':'))
				return unexpected(p, "':' after unit");
			if (next_token(p))
				return -1;
			if (p->tok.type != TOK_INT || p->tok.mag.len != 1 ||
			    !p->tok.mag.buf[0])
				return unexpected(p, "a unit of 1..255");
			s->has_unit = 1;
			s->unit = (unsigned char)p->tok.mag.buf[0];
		} else {
			return unexpected(p, "a segment type");
		}
		if (next_token(p))
			return -1;
	} while (is_punct(p, '-'));
	return 0;
}

static void
float_to_bits(struct bitbuf *b, double d, size_t size, int little)
{
	uint64_t u;

	if (size == 32) {
		float f = (float)d;
		uint32_t w;

		memcpy(&w, &f, sizeof(w));
		u = w;
	} else {
		memcpy(&u, &d, sizeof(u));
	}
	put_uint(b, u, size, little);
}

static int
put_utf(struct parser *p, struct bitbuf *b, uint32_t c, enum seg_type type,
	int little, unsigned line, unsigned col)
{
	if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return scan_error(p, line, col,
				  "%u is not a Unicode code point",
				  (unsigned)c);
	if (type == SEG_UTF8) {
		struct relc_strbuf u = RELC_STRBUF_INIT;

		relc_strbuf_add_utf8(&u, c);
		put_bytes(b, (const uint8_t *)u.buf, u.len * 8);
		relc_strbuf_release(&u);
	} else if (type == SEG_UTF16) {
		if (c >= 0x10000) {
			uint32_t v = c - 0x10000;

			put_uint(b, 0xD800 | (v >> 10), 16, little);
			put_uint(b, 0xDC00 | (v & 0x3FF), 16, little);
		} else {
			put_uint(b, c, 16, little);
		}
	} else {
		put_uint(b, c, 32, little);
	}
	return 0;
}

/* One value of a segment: an integer, float or bitstring term. */
static int
put_segment(struct parser *p, struct bitbuf *b, const struct relc_term *v,
	    const struct segspec *s, unsigned line, unsigned col)
{
	enum seg_type type = s->type;
	size_t unit, size;

	if (type == SEG_DEFAULT)
		type = v->type == RELC_T_FLOAT	? SEG_FLOAT
		       : v->type == RELC_T_BITS ? SEG_BINARY
						: SEG_INTEGER;
	if (type == SEG_UTF8 || type == SEG_UTF16 || type == SEG_UTF32) {
		if (s->has_size || s->has_unit)
			return scan_error(p, line, col,
					  "utf segments take no size");
		if (v->type != RELC_T_INT || v->u.i < 0)
			return scan_error(p, line, col,
					  "a utf segment needs a code point");
		return put_utf(p, b, (uint32_t)v->u.i, type, s->little, line,
			       col);
	}
	unit = s->has_unit ? s->unit : (type == SEG_BINARY ? 8 : 1);
	switch (type) {
	case SEG_INTEGER:
		if (v->type != RELC_T_INT && v->type != RELC_T_BIGINT)
			return scan_error(p, line, col,
					  "an integer segment needs an "
					  "integer");
		size = relc_st_mult(s->has_size ? s->size : 8, unit);
		if (s->little && size % 8)
			return scan_error(p, line, col,
					  "little-endian segments of %zu bits "
					  "are not supported",
					  size);
		put_int(b, v, size, s->little);
		return 0;
	case SEG_FLOAT:
		size = relc_st_mult(s->has_size ? s->size : 64, unit);
		if (v->type == RELC_T_INT) {
			float_to_bits(b, (double)v->u.i, size, s->little);
		} else if (v->type == RELC_T_FLOAT) {
			if (size != 32 && size != 64)
				return scan_error(p, line, col,
						  "float segments must be 32 "
						  "or 64 bits");
			float_to_bits(b, v->u.f, size, s->little);
		} else {
			return scan_error(p, line, col,
					  "a float segment needs a number");
		}
		return 0;
	default:
		if (v->type != RELC_T_BITS)
			return scan_error(p, line, col,
					  "a binary segment needs a binary");
		size =
		    s->has_size ? relc_st_mult(s->size, unit) : v->u.bits.nbits;
		if (size > v->u.bits.nbits ||
		    (type == SEG_BINARY && !s->has_size && size % 8))
			return scan_error(p, line, col,
					  "binary segment size does not match "
					  "its value");
		put_bytes(b, v->u.bits.data, size);
		return 0;
	}
}

static int
parse_binary(struct parser *p, const struct relc_term **out, unsigned line,
	     unsigned col)
{
	struct bitbuf b = {RELC_STRBUF_INIT, 0};
	struct relc_term *t;
	int r = -1;

	while (!is_punct(p, P_GTGT)) {
		unsigned eline = p->tok.line, ecol = p->tok.col;
		const struct relc_term *v = NULL;
		uint32_t *cps = NULL;
		size_t ncps = 0, i;
		struct segspec spec;
		int neg = 0, str = 0;

		if (is_punct(p, '-') || is_punct(p, '+')) {
			neg = is_punct(p, '-');
			if (next_token(p))
				goto out;
		}
		if (p->tok.type == TOK_STRING && !neg) {
			/* "abc" stands for $a, $b, $c with the same spec. */
			str = 1;
			cps = p->tok.cps;
			ncps = p->tok.ncps;
			p->tok.cps = NULL;
			p->tok.ncps = p->tok.acps = 0;
			if (next_token(p)) {
				free(cps);
				goto out;
			}
		} else if (p->tok.type == TOK_INT || p->tok.type == TOK_CHAR ||
			   p->tok.type == TOK_FLOAT ||
			   (is_punct(p, P_LTLT) && !neg)) {
			if (parse_term(p, &v))
				goto out;
			if (neg) {
				struct relc_term *nv =
				    new_term(p, v->type, v->line, v->col);

				*nv = *v;
				if (v->type == RELC_T_FLOAT)
					nv->u.f = -v->u.f;
				else if (v->type == RELC_T_INT &&
					 v->u.i != INT64_MIN)
					nv->u.i = -v->u.i;
				else if (v->type == RELC_T_BIGINT)
					nv->u.big.neg = !v->u.big.neg;
				v = nv;
			}
		} else {
			unexpected(p, "a binary segment");
			goto out;
		}
		if (parse_segspec(p, &spec)) {
			free(cps);
			goto out;
		}
		if (str) {
			for (i = 0; i < ncps; i++) {
				struct relc_term c = {.type = RELC_T_INT};

				c.u.i = cps[i];
				if (put_segment(p, &b, &c, &spec, eline,
						ecol)) {
					free(cps);
					goto out;
				}
			}
			free(cps);
		} else if (put_segment(p, &b, v, &spec, eline, ecol)) {
			goto out;
		}
		if (!is_punct(p, ','))
			break;
		if (next_token(p))
			goto out;
	}
	if (expect_punct(p, P_GTGT, "',' or '>>'"))
		goto out;
	t = new_term(p, RELC_T_BITS, line, col);
	t->u.bits.nbits = b.nbits;
	t->u.bits.data = (const uint8_t *)relc_arena_memdupz(
	    p->arena, b.bytes.buf, b.bytes.len);
	*out = t;
	r = 0;
out:
	relc_strbuf_release(&b.bytes);
	return r;
}

/* fun M:F/A, after 'fun'. */
static int
parse_fun(struct parser *p, const struct relc_term **out, unsigned line,
	  unsigned col)
{
	struct relc_term *t = new_term(p, RELC_T_FUN, line, col);
	const struct relc_term *m, *f;

	if (p->tok.type != TOK_ATOM)
		return unexpected(p, "a module name after 'fun'");
	m = relc_term_atom(p->arena, p->tok.text.buf);
	if (next_token(p) || expect_punct(p, ':', "':'"))
		return -1;
	if (p->tok.type != TOK_ATOM)
		return unexpected(p, "a function name");
	f = relc_term_atom(p->arena, p->tok.text.buf);
	if (next_token(p) || expect_punct(p, '/', "'/'"))
		return -1;
	if (p->tok.type != TOK_INT || p->tok.mag.len > 1)
		return unexpected(p, "an arity of 0..255");
	t->u.fun.mod = m;
	t->u.fun.fun = f;
	t->u.fun.arity = p->tok.mag.len ? (unsigned char)p->tok.mag.buf[0] : 0;
	*out = t;
	return next_token(p);
}

static int
parse_term_inner(struct parser *p, const struct relc_term **out)
{
	unsigned line = p->tok.line, col = p->tok.col;
	struct relc_term *t;
	int neg = 0;

	if (is_punct(p, '-') || is_punct(p, '+')) {
		neg = is_punct(p, '-');
		if (next_token(p))
			return -1;
		if (p->tok.type != TOK_INT && p->tok.type != TOK_FLOAT &&
		    p->tok.type != TOK_CHAR)
			return unexpected(p, "a number after the sign");
	}
	switch (p->tok.type) {
	case TOK_INT:
		*out = make_int(p, &p->tok.mag, neg, line, col);
		return next_token(p);
	case TOK_FLOAT:
		t = new_term(p, RELC_T_FLOAT, line, col);
		t->u.f = neg ? -p->tok.f : p->tok.f;
		*out = t;
		return next_token(p);
	case TOK_CHAR:
		t = new_term(p, RELC_T_INT, line, col);
		t->u.i = neg ? -(int64_t)p->tok.ch : (int64_t)p->tok.ch;
		*out = t;
		return next_token(p);
	case TOK_ATOM:
		if (!p->tok.quoted && !strcmp(p->tok.text.buf, "fun")) {
			if (next_token(p))
				return -1;
			return parse_fun(p, out, line, col);
		}
		if (!p->tok.quoted &&
		    relc_term__reserved(p->tok.text.buf, p->tok.text.len))
			return unexpected(p, "a term");
		t = new_term(p, RELC_T_ATOM, line, col);
		t->u.atom.len = p->tok.text.len;
		t->u.atom.name = relc_arena_memdupz(p->arena, p->tok.text.buf,
						    p->tok.text.len);
		*out = t;
		return next_token(p);
	case TOK_STRING: {
		/* Adjacent strings are one string. */
		uint32_t *cps = NULL;
		size_t n = 0, alloc = 0;

		while (p->tok.type == TOK_STRING) {
			RELC_ALLOC_GROW(cps, n + p->tok.ncps, alloc);
			if (p->tok.ncps)
				memcpy(cps + n, p->tok.cps,
				       p->tok.ncps * sizeof(*cps));
			n += p->tok.ncps;
			if (next_token(p)) {
				free(cps);
				return -1;
			}
		}
		*out = make_string(p, cps, n, line, col);
		free(cps);
		return 0;
	}
	case TOK_PUNCT:
		switch (p->tok.punct) {
		case '[':
			return next_token(p) || parse_list(p, out, line, col);
		case '{':
			return next_token(p) || parse_tuple(p, out, line, col);
		case '#':
			return next_token(p) || parse_map(p, out, line, col);
		case P_LTLT:
			return next_token(p) || parse_binary(p, out, line, col);
		case '(':
			if (next_token(p) || parse_term(p, out))
				return -1;
			return expect_punct(p, ')', "')'");
		default:
			break;
		}
		break;
	default:
		break;
	}
	return unexpected(p, "a term");
}

static int
parse_term(struct parser *p, const struct relc_term **out)
{
	int r;

	if (++p->depth > MAX_DEPTH) {
		return relc_error_at(
		    p->err, RELC_ETERM, NULL, p->tok.line, p->tok.col,
		    "term is nested more than %d levels deep", MAX_DEPTH);
	}
	r = parse_term_inner(p, out);
	p->depth--;
	return r ? -1 : 0;
}

int
relc_term_parse(const struct relc_term ***out, size_t *n, const char *buf,
		size_t len, size_t max, struct relc_arena *arena,
		struct relc_error *err)
{
	struct parser p;
	struct termvec tv = {NULL, 0, 0};
	uint32_t *cps = NULL;
	size_t ncps = 0;
	int r = -1;

	if (decode(&cps, &ncps, buf, len, err))
		return -1;
	memset(&p, 0, sizeof(p));
	p.cp = cps;
	p.n = ncps;
	p.line = p.col = 1;
	p.arena = arena;
	p.err = err;
	relc_strbuf_init(&p.tok.text, 0);
	relc_strbuf_init(&p.tok.mag, 0);
	if (next_token(&p))
		goto out;
	while (p.tok.type != TOK_EOF && (!max || tv.n < max)) {
		const struct relc_term *t;

		if (parse_term(&p, &t))
			goto out;
		if (p.tok.type != TOK_DOT) {
			unexpected(&p, "'.' after the term");
			goto out;
		}
		termvec_push(&tv, t);
		if (tv.n == max)
			break;
		if (next_token(&p))
			goto out;
	}
	*out = relc_arena_array(arena, tv.n, sizeof(**out));
	if (tv.n)
		memcpy(*out, tv.v, tv.n * sizeof(*tv.v));
	*n = tv.n;
	r = 0;
out:
	free(tv.v);
	free(p.tok.cps);
	relc_strbuf_release(&p.tok.text);
	relc_strbuf_release(&p.tok.mag);
	free(cps);
	return r;
}
