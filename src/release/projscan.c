/*
 * projscan.c: what mix.exs, .app.src, .app and rebar.config files say
 * about a project, read without running mix or rebar3 (see projscan.h).
 * Pure.
 */
#include "relc/compat.h"
#include "relc/projscan.h"

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"

/* Strings inside interpolations inside strings ...: deeper ones end the
   scan (it is not Elixir any more, it is an attack on the stack). */
#define MAX_NESTING 32
#define MAX_NAME 255

/* ---- a small Elixir tokenizer ----------------------------------------- */

enum tok_type {
	TOK_END,
	TOK_IDENT,  /* def, project, do, Mix (text: the name) */
	TOK_KEY,    /* app: (text: "app") */
	TOK_ATOM,   /* :name or :"name" (text: the name) */
	TOK_STRING, /* "text" (text: between the quotes) */
	TOK_ATTR,   /* @name (text: the name) */
	TOK_OPEN,   /* [ ( { */
	TOK_CLOSE,  /* ] ) } */
	TOK_OTHER   /* anything else: operators, numbers, charlists, sigils */
};

struct tok {
	enum tok_type type;
	const char *text;
	size_t len;
	int plain; /* a string or quoted atom without escapes or #{} */
	char c;	   /* OPEN and CLOSE: the bracket */
};

struct lexer {
	const char *buf;
	size_t len, pos;
};

static int
is_ident_start(int c)
{
	return relc_isalpha(c) || c == '_';
}

static int
is_ident_char(int c)
{
	return relc_isalnum(c) || c == '_';
}

static size_t skip_quoted(const char *buf, size_t len, size_t i, char q,
			  int *plain, unsigned depth);

/* Past the '}' that closes an interpolation whose "#{" ends before i. */
static size_t
skip_interpolation(const char *buf, size_t len, size_t i, unsigned depth)
{
	unsigned braces = 1;
	int plain;

	if (depth > MAX_NESTING)
		return len;
	while (i < len) {
		char c = buf[i];

		if (c == '"' || c == '\'') {
			i = skip_quoted(buf, len, i + 1, c, &plain, depth + 1);
			continue;
		}
		i++;
		if (c == '{')
			braces++;
		else if (c == '}' && !--braces)
			return i;
	}
	return len;
}

/*
 * Past the quote q that closes a string starting at i (after its opening
 * quote); *plain is cleared when it holds an escape or an interpolation,
 * or is not closed.
 */
static size_t
skip_quoted(const char *buf, size_t len, size_t i, char q, int *plain,
	    unsigned depth)
{
	*plain = depth <= MAX_NESTING;
	if (depth > MAX_NESTING)
		return len;
	while (i < len) {
		char c = buf[i];

		if (c == '\\') {
			*plain = 0;
			i += 2;
			continue;
		}
		if (c == q)
			return i + 1;
		if (c == '#' && i + 1 < len && buf[i + 1] == '{') {
			*plain = 0;
			i = skip_interpolation(buf, len, i + 2, depth + 1);
			continue;
		}
		i++;
	}
	*plain = 0;
	return len;
}

/* Is there a triple quote qqq at i? */
static int
triple_at(const struct lexer *lx, size_t i, char q)
{
	return i + 2 < lx->len && lx->buf[i] == q && lx->buf[i + 1] == q &&
	       lx->buf[i + 2] == q;
}

/* Past the triple quote that ends a heredoc whose body starts at i. */
static size_t
skip_heredoc(const struct lexer *lx, size_t i, char q)
{
	while (i < lx->len && !triple_at(lx, i, q))
		i += lx->buf[i] == '\\' ? 2 : 1;
	return i < lx->len ? i + 3 : lx->len;
}

/* ~r/.../, ~w(...)a, ~S"""...""": i is after the '~'. */
static size_t
skip_sigil(const struct lexer *lx, size_t i)
{
	static const char open[] = "([{<", close[] = ")]}>";
	const char *o;
	int plain;
	char d;

	while (i < lx->len && relc_isalpha((unsigned char)lx->buf[i]))
		i++;
	if (i >= lx->len)
		return i;
	d = lx->buf[i];
	if ((d == '"' || d == '\'') && triple_at(lx, i, d))
		i = skip_heredoc(lx, i + 3, d);
	else if ((o = strchr(open, d)) && d)
		i = skip_quoted(lx->buf, lx->len, i + 1, close[o - open],
				&plain, 0);
	else if (d && strchr("/|\"'", d))
		i = skip_quoted(lx->buf, lx->len, i + 1, d, &plain, 0);
	else
		return i;
	while (i < lx->len && relc_isalpha((unsigned char)lx->buf[i]))
		i++;
	return i;
}

static void
set_tok(struct tok *t, enum tok_type type, const char *text, size_t len)
{
	t->type = type;
	t->text = text;
	t->len = len;
	t->plain = 1;
	t->c = 0;
}

/* An identifier at lx->pos: its length, with a trailing ? or !. */
static size_t
ident_len(const struct lexer *lx, size_t i)
{
	size_t start = i;

	while (i < lx->len && is_ident_char((unsigned char)lx->buf[i]))
		i++;
	if (i < lx->len && (lx->buf[i] == '?' || lx->buf[i] == '!'))
		i++;
	return i - start;
}

static int
next_tok(struct lexer *lx, struct tok *t)
{
	const char *buf = lx->buf;
	size_t len = lx->len, i = lx->pos, n;
	int plain;

	for (;;) {
		while (i < len && relc_isspace((unsigned char)buf[i]))
			i++;
		if (i < len && buf[i] == '#') {
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	if (i >= len) {
		lx->pos = len;
		set_tok(t, TOK_END, buf + len, 0);
		return 0;
	}
	set_tok(t, TOK_OTHER, buf + i, 1);
	switch (buf[i]) {
	case '"':
		if (triple_at(lx, i, '"')) {
			lx->pos = skip_heredoc(lx, i + 3, '"');
			t->plain = 0;
			t->type = TOK_STRING;
			t->len = 0;
			return 1;
		}
		lx->pos = skip_quoted(buf, len, i + 1, '"', &plain, 0);
		/* the text is used only when plain (and so closed) */
		set_tok(t, TOK_STRING, buf + i + 1,
			plain ? lx->pos - 1 - (i + 1) : 0);
		t->plain = plain;
		return 1;
	case '\'':
		lx->pos = triple_at(lx, i, '\'')
			      ? skip_heredoc(lx, i + 3, '\'')
			      : skip_quoted(buf, len, i + 1, '\'', &plain, 0);
		return 1;
	case '?':
		/* a character: ?" or ?\n must not start a string */
		lx->pos = i + 1 < len && buf[i + 1] == '\\' ? i + 3 : i + 2;
		if (lx->pos > len)
			lx->pos = len;
		return 1;
	case '~':
		lx->pos = skip_sigil(lx, i + 1);
		return 1;
	case ':':
		if (i + 1 < len && buf[i + 1] == '"') {
			lx->pos = skip_quoted(buf, len, i + 2, '"', &plain, 0);
			set_tok(t, TOK_ATOM, buf + i + 2,
				plain ? lx->pos - 1 - (i + 2) : 0);
			t->plain = plain;
			return 1;
		}
		if (i + 1 < len && is_ident_start((unsigned char)buf[i + 1])) {
			n = 1;
			while (i + n < len &&
			       (is_ident_char((unsigned char)buf[i + n]) ||
				buf[i + n] == '@'))
				n++;
			if (i + n < len &&
			    (buf[i + n] == '?' || buf[i + n] == '!'))
				n++;
			set_tok(t, TOK_ATOM, buf + i + 1, n - 1);
			lx->pos = i + n;
			return 1;
		}
		lx->pos = i + (i + 1 < len && buf[i + 1] == ':' ? 2 : 1);
		return 1;
	case '@':
		n = i + 1 < len && is_ident_start((unsigned char)buf[i + 1])
			? ident_len(lx, i + 1)
			: 0;
		if (n)
			set_tok(t, TOK_ATTR, buf + i + 1, n);
		lx->pos = i + 1 + n;
		return 1;
	case '[':
	case '(':
	case '{':
		t->type = TOK_OPEN;
		t->c = buf[i];
		lx->pos = i + 1;
		return 1;
	case ']':
	case ')':
	case '}':
		t->type = TOK_CLOSE;
		t->c = buf[i];
		lx->pos = i + 1;
		return 1;
	default:
		break;
	}
	if (is_ident_start((unsigned char)buf[i])) {
		n = ident_len(lx, i);
		lx->pos = i + n;
		/* "app: x" is a key; "a::b" and "a:b" are not */
		if (lx->pos + 1 < len && buf[lx->pos] == ':' &&
		    relc_isspace((unsigned char)buf[lx->pos + 1])) {
			set_tok(t, TOK_KEY, buf + i, n);
			lx->pos++;
		} else {
			set_tok(t, TOK_IDENT, buf + i, n);
		}
		return 1;
	}
	if (relc_isdigit((unsigned char)buf[i])) {
		while (i < len &&
		       (is_ident_char((unsigned char)buf[i]) || buf[i] == '.'))
			i++;
		lx->pos = i;
		return 1;
	}
	lx->pos = i + 1;
	return 1;
}

static int
tok_is(const struct tok *t, enum tok_type type, const char *text)
{
	return t->type == type && strlen(text) == t->len &&
	       !memcmp(t->text, text, t->len);
}

static const char *
tok_dup(const struct tok *t, struct relc_arena *arena)
{
	return relc_arena_memdupz(arena, t->text, t->len);
}

/*
 * The literal value of @name in the module, when it is of the type `want`
 * (a string, an atom), or NULL.
 */
static const char *
find_attribute(const char *buf, size_t len, const struct tok *name,
	       enum tok_type want, struct relc_arena *arena)
{
	struct lexer lx = {buf, len, 0};
	struct tok t, prev;

	set_tok(&prev, TOK_END, buf, 0);
	while (next_tok(&lx, &t)) {
		if (prev.type == TOK_ATTR && prev.len == name->len &&
		    !memcmp(prev.text, name->text, name->len) &&
		    (t.type == TOK_STRING || t.type == TOK_ATOM))
			return t.type == want && t.plain ? tok_dup(&t, arena)
							 : NULL;
		prev = t;
	}
	return NULL;
}

/* The value of a key of the project's list (t: the token after the key). */
static void
take_value(struct relc_mix_project *out, const struct tok *key,
	   const struct tok *t, const char *buf, size_t len,
	   struct relc_arena *arena)
{
	if (tok_is(key, TOK_KEY, "app")) {
		if (out->app)
			return;
		if (t->type == TOK_ATOM && t->plain)
			out->app = tok_dup(t, arena);
		else if (t->type == TOK_ATTR) /* app: @app */
			out->app = find_attribute(buf, len, t, TOK_ATOM, arena);
	} else if (tok_is(key, TOK_KEY, "version")) {
		if (out->version)
			return;
		if (t->type == TOK_STRING && t->plain)
			out->version = tok_dup(t, arena);
		else if (t->type == TOK_ATTR)
			out->version =
			    find_attribute(buf, len, t, TOK_STRING, arena);
	} else if (tok_is(key, TOK_KEY, "apps_path")) {
		if (t->type == TOK_STRING && t->plain && !out->apps_path)
			out->apps_path = tok_dup(t, arena);
	}
}

void
relc_projscan_mix(struct relc_mix_project *out, const char *buf, size_t len,
		  struct relc_arena *arena)
{
	struct lexer lx = {buf, len, 0};
	struct tok t, prev, key;
	unsigned depth = 0;
	int have_key = 0;

	memset(out, 0, sizeof(*out));
	/* def project (), do / do: ... [ */
	set_tok(&prev, TOK_END, buf, 0);
	while (next_tok(&lx, &t)) {
		if (tok_is(&prev, TOK_IDENT, "def") &&
		    tok_is(&t, TOK_IDENT, "project"))
			break;
		prev = t;
	}
	while (next_tok(&lx, &t)) {
		if (t.type == TOK_OPEN && t.c == '[')
			break;
		if (tok_is(&t, TOK_IDENT, "def") ||
		    tok_is(&t, TOK_IDENT, "defp") ||
		    tok_is(&t, TOK_IDENT, "end"))
			return;
	}
	if (t.type == TOK_END)
		return;
	out->found = 1;
	depth = 1;
	while (depth && next_tok(&lx, &t)) {
		if (have_key) {
			take_value(out, &key, &t, buf, len, arena);
			have_key = 0;
		}
		if (t.type == TOK_OPEN) {
			depth++;
		} else if (t.type == TOK_CLOSE) {
			depth--;
		} else if (t.type == TOK_KEY && depth == 1) {
			key = t;
			have_key = 1;
		}
	}
}

/* ---- Erlang term files -------------------------------------------------- */

static const char *
string_value(const struct relc_term *t, struct relc_arena *arena)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const char *s;

	if (t->type != RELC_T_STRING)
		return NULL;
	relc_term_string_to_utf8(&sb, t);
	s = relc_arena_memdupz(arena, sb.buf, sb.len);
	relc_strbuf_release(&sb);
	return s;
}

int
relc_projscan_app(const char **name, const char **vsn, const char *buf,
		  size_t len, struct relc_arena *arena, struct relc_error *err)
{
	const struct relc_term **terms, *t, *kv;
	size_t n;

	*name = *vsn = NULL;
	if (relc_term_parse(&terms, &n, buf, len, 1, arena, err))
		return -1;
	if (!n)
		return relc_error_at(err, RELC_EAPP, NULL, 0, 0,
				     "no term in the file (expected "
				     "{application, Name, [...]}.)");
	t = terms[0];
	if (t->type != RELC_T_TUPLE || t->u.tuple.n != 3 ||
	    !relc_term_is_atom(t->u.tuple.v[0], "application") ||
	    t->u.tuple.v[1]->type != RELC_T_ATOM ||
	    !relc_term_is_list(t->u.tuple.v[2]))
		return relc_error_at(err, RELC_EAPP, NULL, t->line, t->col,
				     "not an application resource file "
				     "(expected {application, Name, [...]})");
	*name = t->u.tuple.v[1]->u.atom.name;
	kv = relc_term_keyfind(t->u.tuple.v[2], "vsn");
	if (kv && kv->u.tuple.n == 2)
		*vsn = string_value(kv->u.tuple.v[1], arena);
	return 0;
}

int
relc_projscan_relx(const char **name, const char **vsn, const char *buf,
		   size_t len, struct relc_arena *arena)
{
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_term **terms, *relx;
	size_t n, i, k;

	*name = *vsn = NULL;
	if (relc_term_parse(&terms, &n, buf, len, 0, arena, &err)) {
		relc_error_release(&err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		const struct relc_term *t = terms[i];

		if (t->type != RELC_T_TUPLE || t->u.tuple.n != 2 ||
		    !relc_term_is_atom(t->u.tuple.v[0], "relx"))
			continue;
		relx = t->u.tuple.v[1];
		if (relx->type != RELC_T_LIST ||
		    relx->u.list.tail->type != RELC_T_NIL)
			continue;
		for (k = 0; k < relx->u.list.n; k++) {
			const struct relc_term *r = relx->u.list.v[k], *nv;

			if (r->type != RELC_T_TUPLE || r->u.tuple.n < 3 ||
			    !relc_term_is_atom(r->u.tuple.v[0], "release"))
				continue;
			nv = r->u.tuple.v[1];
			if (nv->type != RELC_T_TUPLE || nv->u.tuple.n != 2 ||
			    nv->u.tuple.v[0]->type != RELC_T_ATOM)
				continue;
			*name = nv->u.tuple.v[0]->u.atom.name;
			*vsn = string_value(nv->u.tuple.v[1], arena);
			return 0;
		}
	}
	return 1;
}

/* ---- names ------------------------------------------------------------ */

int
relc_projscan_name_ok(const char *name)
{
	size_t i;

	if (!name || !relc_islower((unsigned char)name[0]))
		return 0;
	for (i = 1; name[i]; i++)
		if (!is_ident_char((unsigned char)name[i]) && name[i] != '@')
			return 0;
	return i <= MAX_NAME;
}

int
relc_projscan_vsn_ok(const char *vsn)
{
	size_t i;

	if (!vsn || !*vsn || !strcmp(vsn, ".") || !strcmp(vsn, ".."))
		return 0;
	for (i = 0; vsn[i]; i++)
		if (vsn[i] < '!' || vsn[i] > '~' || vsn[i] == '/')
			return 0;
	return i <= MAX_NAME;
}

void
relc_projscan_name_from_dir(struct relc_strbuf *out, const char *base)
{
	int gap = 0;

	relc_strbuf_reset(out);
	for (; *base && out->len < MAX_NAME - 4; base++) {
		int c = relc_tolower((unsigned char)*base);

		if (!relc_islower(c) && !relc_isdigit(c) && c != '_') {
			gap = 1;
			continue;
		}
		if (c == '_' && !out->len)
			continue;
		if (gap && out->len)
			relc_strbuf_addch(out, '_');
		gap = 0;
		if (!out->len && !relc_islower(c))
			relc_strbuf_addstr(out, "rel_");
		relc_strbuf_addch(out, c);
	}
	while (out->len && out->buf[out->len - 1] == '_')
		relc_strbuf_setlen(out, out->len - 1);
	if (!out->len)
		relc_strbuf_addstr(out, "release");
}
