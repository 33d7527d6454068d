/*
 * appfile.c: reading .app files with systools_make's rules
 * (parse_application/4 and check_item/2).
 */
#include "relc/compat.h"
#include "relc/appfile.h"

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/path.h"
#include "relc/strbuf.h"
#include "relc/term.h"

void
relc_names_from_term(struct relc_names *out, const struct relc_term *list,
		     struct relc_arena *arena)
{
	size_t i, n = list->type == RELC_T_LIST ? list->u.list.n : 0;

	out->n = n;
	out->v = relc_arena_array(arena, n, sizeof(*out->v));
	out->t = relc_arena_array(arena, n, sizeof(*out->t));
	for (i = 0; i < n; i++) {
		out->t[i] = list->u.list.v[i];
		out->v[i] = list->u.list.v[i]->u.atom.name;
	}
}

int
relc_names_has(const struct relc_names *names, const char *name)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (!strcmp(names->v[i], name))
			return 1;
	return 0;
}

int
relc_vsn_compare(const char *a, const char *b)
{
	while (*a && *b) {
		if (relc_isdigit((unsigned char)*a) &&
		    relc_isdigit((unsigned char)*b)) {
			const char *ea = a, *eb = b;
			size_t la, lb;
			int r;

			while (*a == '0' && relc_isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && relc_isdigit((unsigned char)b[1]))
				b++;
			for (ea = a; relc_isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; relc_isdigit((unsigned char)*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			r = memcmp(a, b, la);
			if (r)
				return r < 0 ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

struct ctx {
	const char *path;
	struct relc_arena *arena;
	struct relc_error *err;
	const struct relc_term *whole;
};

static int bad_at(struct ctx *c, const struct relc_term *t, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));

static int
bad_at(struct ctx *c, const struct relc_term *t, const char *fmt, ...)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	va_list ap;

	if (!t->line)
		t = c->whole;
	va_start(ap, fmt);
	relc_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	relc_error_at(c->err, RELC_EAPP, c->path, t->line, t->col, "%s",
		      msg.buf);
	relc_strbuf_release(&msg);
	return -1;
}

enum kind { K_STRING, K_ATOMS, K_PAIRS, K_MOD, K_PHASES, K_MAX };

struct item {
	const char *key;
	enum kind kind;
	int required;
	const char *expect; /* what the value must be, for messages */
};

/* In systools' order: vsn, id, description, modules, ... */
static const struct item items[] = {
    {"vsn", K_STRING, 1, "a string"},
    {"id", K_STRING, 0, "a string"},
    {"description", K_STRING, 1, "a string"},
    {"modules", K_ATOMS, 1, "a list of atoms"},
    {"registered", K_ATOMS, 1, "a list of atoms"},
    {"applications", K_ATOMS, 1, "a list of atoms"},
    {"optional_applications", K_ATOMS, 0, "a list of atoms"},
    {"included_applications", K_ATOMS, 0, "a list of atoms"},
    {"mod", K_MOD, 0, "{Module, StartArgs} or []"},
    {"start_phases", K_PHASES, 0,
     "a list of {Phase, Args} tuples or undefined"},
    {"env", K_PAIRS, 0, "a list of {Key, Value} tuples"},
    {"maxT", K_MAX, 0, "a positive integer or infinity"},
    {"maxP", K_MAX, 0, "a positive integer or infinity"},
};

/* systools' t_list_p: a proper list of 2-tuples with an atom first. */
static int
is_pair_list(const struct relc_term *t)
{
	size_t i;

	if (t->type == RELC_T_NIL)
		return 1;
	if (t->type != RELC_T_LIST || t->u.list.tail->type != RELC_T_NIL)
		return 0;
	for (i = 0; i < t->u.list.n; i++) {
		const struct relc_term *e = t->u.list.v[i];

		if (e->type != RELC_T_TUPLE || e->u.tuple.n != 2 ||
		    e->u.tuple.v[0]->type != RELC_T_ATOM)
			return 0;
	}
	return 1;
}

static int
value_ok(enum kind kind, const struct relc_term *v)
{
	switch (kind) {
	case K_STRING:
		return relc_term_is_string(v);
	case K_ATOMS:
		return relc_term_is_atom_list(v);
	case K_PAIRS:
		return is_pair_list(v);
	case K_MOD:
		return v->type == RELC_T_NIL ||
		       (v->type == RELC_T_TUPLE && v->u.tuple.n == 2 &&
			v->u.tuple.v[0]->type == RELC_T_ATOM);
	case K_PHASES:
		return relc_term_is_atom(v, "undefined") || is_pair_list(v);
	case K_MAX:
		return relc_term_is_atom(v, "infinity") ||
		       (v->type == RELC_T_INT && v->u.i > 0) ||
		       (v->type == RELC_T_BIGINT && !v->u.big.neg);
	}
	return 0;
}

static const struct relc_term *
default_value(struct ctx *c, enum kind kind)
{
	switch (kind) {
	case K_PHASES:
		return relc_term_atom(c->arena, "undefined");
	case K_MAX:
		return relc_term_atom(c->arena, "infinity");
	default:
		return &relc_term_nil;
	}
}

static char *
to_utf8(struct relc_arena *arena, const struct relc_term *t)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	char *s;

	relc_term_string_to_utf8(&sb, t);
	s = relc_arena_memdupz(arena, sb.buf, sb.len);
	relc_strbuf_release(&sb);
	return s;
}

int
relc_appfile_parse(struct relc_app *out, const char *buf, size_t len,
		   const char *path, const char *expect,
		   struct relc_arena *arena, struct relc_error *err)
{
	const struct relc_term **terms, *t, *dict,
	    *vals[RELC_ARRAY_SIZE(items)];
	struct relc_strbuf dir = RELC_STRBUF_INIT;
	struct ctx c = {path, arena, err, NULL};
	size_t n, i;

	memset(out, 0, sizeof(*out));
	/*
	 * Two terms at most: systools reads the first, but the application
	 * controller (file:consult) refuses a file with more than one.
	 */
	if (relc_term_parse(&terms, &n, buf, len, 2, arena, err)) {
		relc_error_set_path(err, path);
		return -1;
	}
	if (!n)
		return relc_error_at(err, RELC_EAPP, path, 0, 0,
				     "no term in the file (expected "
				     "{application, Name, [...]}.)");
	if (n > 1)
		return relc_error_at(err, RELC_EAPP, path, terms[1]->line,
				     terms[1]->col,
				     "the file holds a second term; an .app "
				     "file must hold one");
	t = c.whole = terms[0];
	if (t->type != RELC_T_TUPLE || t->u.tuple.n != 3 ||
	    !relc_term_is_atom(t->u.tuple.v[0], "application") ||
	    t->u.tuple.v[1]->type != RELC_T_ATOM)
		return bad_at(&c, t,
			      "not an application resource file (expected "
			      "{application, Name, [...]})");
	dict = t->u.tuple.v[2];
	if (dict->type != RELC_T_NIL && !relc_term_is_list(dict))
		return bad_at(&c, dict,
			      "the application's properties must be a list");
	out->term = t;
	out->name = t->u.tuple.v[1]->u.atom.name;
	out->path = relc_arena_strdup(arena, path);
	if (expect && strcmp(out->name, expect)) {
		struct relc_strbuf a = RELC_STRBUF_INIT;

		relc_term_print_atom(&a, out->name, strlen(out->name));
		bad_at(&c, t->u.tuple.v[1],
		       "the file is named for '%s' but defines application %s",
		       expect, a.buf);
		relc_strbuf_release(&a);
		return -1;
	}
	for (i = 0; i < RELC_ARRAY_SIZE(items); i++) {
		const struct relc_term *kv =
		    relc_term_keyfind(dict, items[i].key);

		if (!kv) {
			if (items[i].required)
				return bad_at(&c, t,
					      "missing required key '%s' in "
					      "application '%s'",
					      items[i].key, out->name);
			vals[i] = default_value(&c, items[i].kind);
			continue;
		}
		if (kv->u.tuple.n != 2)
			return bad_at(&c, kv, "'%s' must be {%s, Value}",
				      items[i].key, items[i].key);
		vals[i] = kv->u.tuple.v[1];
		if (!value_ok(items[i].kind, vals[i]))
			return bad_at(&c, vals[i], "'%s' must be %s",
				      items[i].key, items[i].expect);
	}
	out->vsn_term = vals[0];
	out->id = vals[1];
	out->description = vals[2];
	out->modules = vals[3];
	out->registered = vals[4];
	out->applications = vals[5];
	out->optional = vals[6];
	out->included = vals[7];
	out->mod = vals[8];
	out->start_phases = vals[9];
	out->env = vals[10];
	out->max_t = vals[11];
	out->max_p = vals[12];
	out->vsn = to_utf8(arena, out->vsn_term);
	relc_names_from_term(&out->mods, out->modules, arena);
	relc_names_from_term(&out->regs, out->registered, arena);
	relc_names_from_term(&out->uses, out->applications, arena);
	relc_names_from_term(&out->opts, out->optional, arena);
	relc_names_from_term(&out->incls, out->included, arena);

	relc_path_dirname(&dir, path);
	out->ebin = relc_arena_memdupz(arena, dir.buf, dir.len);
	relc_path_dirname(&dir, out->ebin);
	out->dir = relc_arena_memdupz(arena, dir.buf, dir.len);
	relc_strbuf_release(&dir);
	return 0;
}
