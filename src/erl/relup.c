/*
 * relup.c: the relup term of systools:make_relup/4 for one old release
 * (systools_relup), and the translation of appup instructions into
 * release_handler's low-level instructions (systools_rc): shortcuts
 * expanded, the scripts merged around point_of_no_return, applications
 * added, removed and restarted, module instructions sorted by their
 * DepMods into load_object_code / suspend / load / code_change / resume,
 * and the emulator restarts put where release_handler wants them.
 *
 * A script is an array of instructions, each remembering the appup it
 * came from, so that an error names the file and, when the term was read
 * from it, the line and column.
 */
#include "relc/compat.h"
#include "relc/relup.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "relc/appfile.h"
#include "relc/appup.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/graph.h"
#include "relc/resolve.h"
#include "relc/strbuf.h"
#include "relc/strset.h"
#include "relc/term.h"
#include "relc/xalloc.h"

struct ins {
	const struct relc_term *t;
	const char *path;   /* the appup it came from, or NULL */
	unsigned line, col; /* where it is in the appup (0: made here) */
};

struct script {
	struct ins *v;
	size_t n, cap;
};

/* An application as systools_rc sees it (#application). */
struct rapp {
	const char *name, *vsn;
	enum relc_start_type type;
	const struct relc_names *mods;
};

struct apps {
	const struct rapp *v;
	size_t n;
};

struct ctx {
	struct relc_arena *a;
	struct relc_error *err;
	int up;
	struct apps appls, preappls; /* the release switched to, and from */
	const char *path;	     /* the appup being read, for messages */
};

/* ---- small helpers ---------------------------------------------------- */

static void
push(struct ctx *c, struct script *s, const struct relc_term *t,
     const char *path)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct ins *v = relc_arena_array(c->a, cap, sizeof(*v));

		if (s->n)
			memcpy(v, s->v, s->n * sizeof(*v));
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].t = t;
	s->v[s->n].path = path;
	s->v[s->n].line = t->line;
	s->v[s->n].col = t->col;
	s->n++;
}

/* Push t, made from instruction `from` (whose position it takes). */
static void
push_from(struct ctx *c, struct script *s, const struct relc_term *t,
	  const struct ins *from)
{
	push(c, s, t, from->path);
	if (!t->line) {
		s->v[s->n - 1].line = from->line;
		s->v[s->n - 1].col = from->col;
	}
}

/* Push a copy of an instruction (keeping its position). */
static void
push_ins(struct ctx *c, struct script *s, const struct ins *in)
{
	push(c, s, in->t, in->path);
	s->v[s->n - 1].line = in->line;
	s->v[s->n - 1].col = in->col;
}

static void
append(struct ctx *c, struct script *dst, const struct script *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		push_ins(c, dst, &src->v[i]);
}

static size_t
arity(const struct relc_term *t)
{
	return t->type == RELC_T_TUPLE ? t->u.tuple.n : 0;
}

static const struct relc_term *
el(const struct relc_term *t, size_t i)
{
	return t->u.tuple.v[i];
}

/* A tuple of `n` or more elements whose first is the atom `name`. */
static int
is_op(const struct relc_term *t, const char *name, size_t n)
{
	return arity(t) == n && relc_term_is_atom(el(t, 0), name);
}

static const char *
op_name(const struct relc_term *t)
{
	if (arity(t) > 0 && el(t, 0)->type == RELC_T_ATOM)
		return el(t, 0)->u.atom.name;
	return "";
}

/* Erlang's is_list/1: a cons cell or [] (improper lists too). */
static int
is_cons(const struct relc_term *t)
{
	return t->type == RELC_T_NIL || t->type == RELC_T_STRING ||
	       t->type == RELC_T_LIST;
}

static const struct relc_term *
atom(struct ctx *c, const char *name)
{
	return relc_term_atom(c->a, name);
}

static const struct relc_term *
bp(struct ctx *c)
{
	return atom(c, "brutal_purge");
}

static const struct relc_term *
list1(struct ctx *c, const struct relc_term *t)
{
	return relc_term_list(c->a, 1, &t);
}

/* The elements of a proper list (strings as integers). */
static const struct relc_term **
items(struct ctx *c, const struct relc_term *t, size_t *n)
{
	const struct relc_term **v;
	size_t i;

	*n = relc_term_list_len(t);
	if (t->type == RELC_T_LIST)
		return t->u.list.v;
	v = relc_arena_array(c->a, *n ? *n : 1, sizeof(*v));
	for (i = 0; i < *n; i++)
		v[i] = relc_term_list_nth(c->a, t, i);
	return v;
}

static const struct relc_term *
script_list(struct ctx *c, const struct script *s)
{
	const struct relc_term **v =
	    relc_arena_array(c->a, s->n ? s->n : 1, sizeof(*v));
	size_t i;

	for (i = 0; i < s->n; i++)
		v[i] = s->v[i].t;
	return relc_term_list(c->a, s->n, v);
}

/*
 * An error about term t of instruction `in` (which names its appup):
 * "PATH:LINE:COL: MSG: TERM".
 */
static int fail(struct ctx *c, const struct ins *in, const struct relc_term *t,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int
fail(struct ctx *c, const struct ins *in, const struct relc_term *t,
     const char *fmt, ...)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	unsigned line = t && t->line ? t->line : in ? in->line : 0;
	unsigned col = t && t->line ? t->col : in ? in->col : 0;
	va_list ap;

	va_start(ap, fmt);
	relc_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (t) {
		relc_strbuf_addstr(&sb, ": ");
		relc_term_print_flat(&sb, t);
	}
	relc_error_at(c->err, RELC_EAPP, in ? in->path : c->path, line, col,
		      "%s", sb.buf);
	relc_strbuf_release(&sb);
	return -1;
}

/* ---- check_op: the syntax of every instruction ------------------------ */

static int
check_atom(struct ctx *c, const struct ins *in, const struct relc_term *t,
	   const char *what)
{
	if (t->type == RELC_T_ATOM)
		return 0;
	return fail(c, in, t, "bad %s (want an atom)", what);
}

static int
check_one_of(struct ctx *c, const struct ins *in, const struct relc_term *t,
	     const char *what, const char *const *names)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;
	int r;

	for (i = 0; names[i]; i++)
		if (relc_term_is_atom(t, names[i]))
			return 0;
	for (i = 0; names[i]; i++)
		relc_strbuf_addf(&sb, "%s%s", i ? " | " : "", names[i]);
	r = fail(c, in, t, "bad %s (want %s)", what, sb.buf);
	relc_strbuf_release(&sb);
	return r;
}

static int
check_purge(struct ctx *c, const struct ins *in, const struct relc_term *t)
{
	static const char *const p[] = {"soft_purge", "brutal_purge", NULL};

	return check_one_of(c, in, t, "purge method", p);
}

static int
check_timeout(struct ctx *c, const struct ins *in, const struct relc_term *t)
{
	if (relc_term_is_atom(t, "default") ||
	    relc_term_is_atom(t, "infinity") ||
	    (t->type == RELC_T_INT && t->u.i > 0) ||
	    (t->type == RELC_T_BIGINT && !t->u.big.neg))
		return 0;
	return fail(c, in, t,
		    "bad timeout (want default | infinity | an "
		    "integer > 0)");
}

static int
check_change(struct ctx *c, const struct ins *in, const struct relc_term *t)
{
	if (relc_term_is_atom(t, "soft") || is_op(t, "advanced", 2))
		return 0;
	return fail(c, in, t, "bad change (want soft | {advanced, Extra})");
}

/* A proper list; with `mods`, of atoms (modules). */
static int
check_list(struct ctx *c, const struct ins *in, const struct relc_term *t,
	   const char *what)
{
	const struct relc_term **v;
	size_t i, n;

	if (!relc_term_is_list(t))
		return fail(c, in, t, "bad list");
	if (!what)
		return 0;
	v = items(c, t, &n);
	for (i = 0; i < n; i++)
		if (check_atom(c, in, v[i], what))
			return -1;
	return 0;
}

static int
check_mods(struct ctx *c, const struct ins *in, const struct relc_term *t)
{
	return check_list(c, in, t, "module");
}

/* {M, F, A}: atoms and an argument list. */
static int
check_mfa(struct ctx *c, const struct ins *in, const struct relc_term *t)
{
	if (check_atom(c, in, el(t, 0), "module") ||
	    check_atom(c, in, el(t, 1), "function"))
		return -1;
	if (!is_cons(el(t, 2)))
		return fail(c, in, el(t, 2), "bad argument list");
	return 0;
}

static int
check_pairs(struct ctx *c, const struct ins *in, const struct relc_term *t,
	    int code_change)
{
	const struct relc_term **v;
	size_t i, n;

	if (check_list(c, in, t, NULL))
		return -1;
	v = items(c, t, &n);
	for (i = 0; i < n; i++) {
		if (arity(v[i]) == 2) {
			if (check_atom(c, in, el(v[i], 0), "module") ||
			    (!code_change && check_timeout(c, in, el(v[i], 1))))
				return -1;
		} else if (code_change) {
			return fail(c, in, v[i],
				    "bad code_change (want {Mod, Extra})");
		} else if (check_atom(c, in, v[i], "module")) {
			return -1;
		}
	}
	return 0;
}

static int
check_op(struct ctx *c, const struct ins *in)
{
	static const char *const types[] = {
	    "none", "load", "temporary", "transient", "permanent", NULL};
	static const char *const modtypes[] = {"static", "dynamic", NULL};
	static const char *const modes[] = {"up", "down", NULL};
	static const char *const plain[] = {
	    "restart", "reboot", "point_of_no_return", "restart_new_emulator",
	    "restart_emulator"};
	const struct relc_term *t = in->t, *x;
	const char *op = op_name(t);
	size_t n = arity(t), i;

	if (t->type == RELC_T_ATOM) {
		if (!strcmp(t->u.atom.name, "mnesia_backup"))
			return fail(c, in, t, "not implemented by systools");
		for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
			if (!strcmp(t->u.atom.name, plain[i]))
				return 0;
	} else if (!strcmp(op, "update") && n >= 6 && n <= 8) {
		/* {update, Mod, [ModType,] [Timeout,] Change, Pre, Post, Mods}
		 */
		if (check_atom(c, in, el(t, 1), "module") ||
		    (n == 8 &&
		     check_one_of(c, in, el(t, 2), "module type", modtypes)) ||
		    (n >= 7 && check_timeout(c, in, el(t, n - 5))) ||
		    check_change(c, in, el(t, n - 4)) ||
		    check_purge(c, in, el(t, n - 3)) ||
		    check_purge(c, in, el(t, n - 2)) ||
		    check_mods(c, in, el(t, n - 1)))
			return -1;
		return 0;
	} else if (!strcmp(op, "load_module") && n == 5) {
		return check_atom(c, in, el(t, 1), "module") ||
			       check_purge(c, in, el(t, 2)) ||
			       check_purge(c, in, el(t, 3)) ||
			       check_mods(c, in, el(t, 4))
			   ? -1
			   : 0;
	} else if ((!strcmp(op, "add_module") ||
		    !strcmp(op, "delete_module")) &&
		   (n == 2 || n == 3)) {
		return check_atom(c, in, el(t, 1), "module") ||
			       (n == 3 && check_mods(c, in, el(t, 2)))
			   ? -1
			   : 0;
	} else if ((!strcmp(op, "remove_application") ||
		    !strcmp(op, "restart_application")) &&
		   n == 2) {
		return check_atom(c, in, el(t, 1), "application");
	} else if (!strcmp(op, "add_application") && n == 3) {
		return check_atom(c, in, el(t, 1), "application") ||
			       check_one_of(c, in, el(t, 2), "start type",
					    types)
			   ? -1
			   : 0;
	} else if (!strcmp(op, "load_object_code") && n == 2 &&
		   arity(el(t, 1)) == 3) {
		x = el(t, 1);
		if (check_atom(c, in, el(x, 0), "library"))
			return -1;
		if (!is_cons(el(x, 1)))
			return fail(c, in, el(x, 1),
				    "bad library version (want a string)");
		return check_mods(c, in, el(x, 2));
	} else if ((!strcmp(op, "load") || !strcmp(op, "remove")) && n == 2 &&
		   arity(el(t, 1)) == 3) {
		x = el(t, 1);
		return check_atom(c, in, el(x, 0), "module") ||
			       check_purge(c, in, el(x, 1)) ||
			       check_purge(c, in, el(x, 2))
			   ? -1
			   : 0;
	} else if ((!strcmp(op, "purge") || !strcmp(op, "resume") ||
		    !strcmp(op, "stop") || !strcmp(op, "start")) &&
		   n == 2) {
		return check_mods(c, in, el(t, 1));
	} else if (!strcmp(op, "suspend") && n == 2) {
		return check_pairs(c, in, el(t, 1), 0);
	} else if (!strcmp(op, "code_change") && n == 2) {
		return check_pairs(c, in, el(t, 1), 1);
	} else if (!strcmp(op, "code_change") && n == 3) {
		if (check_list(c, in, el(t, 2), NULL) ||
		    check_one_of(c, in, el(t, 1), "mode", modes))
			return -1;
		return check_pairs(c, in, el(t, 2), 1);
	} else if (!strcmp(op, "sync_nodes") && n == 3) {
		if (arity(el(t, 2)) == 3)
			return check_mfa(c, in, el(t, 2));
		if (check_list(c, in, el(t, 2), "node"))
			return -1;
		return 0;
	} else if (!strcmp(op, "apply") && n == 2 && arity(el(t, 1)) == 3) {
		return check_mfa(c, in, el(t, 1));
	}
	return fail(c, in, t, "bad instruction");
}

static int
check_syntax(struct ctx *c, const struct script *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (check_op(c, &s->v[i]))
			return -1;
	return 0;
}

/* ---- expand_script: the shortcuts ------------------------------------ */

static const struct relc_term *
expand(struct ctx *c, const struct relc_term *t)
{
	const struct relc_term *nil = &relc_term_nil;
	size_t n = arity(t);
	const char *op = op_name(t);

	if (!strcmp(op, "load_module")) {
		if (n == 2)
			return relc_term_tuplev(c->a, 5, el(t, 0), el(t, 1),
						bp(c), bp(c), nil);
		if (n == 3 && is_cons(el(t, 2)))
			return relc_term_tuplev(c->a, 5, el(t, 0), el(t, 1),
						bp(c), bp(c), el(t, 2));
	} else if (!strcmp(op, "update")) {
		if (n == 2)
			return relc_term_tuplev(c->a, 6, el(t, 0), el(t, 1),
						atom(c, "soft"), bp(c), bp(c),
						nil);
		if (n == 3 && relc_term_is_atom(el(t, 2), "supervisor"))
			return relc_term_tuplev(
			    c->a, 8, el(t, 0), el(t, 1), atom(c, "static"),
			    atom(c, "default"),
			    relc_term_tuplev(c->a, 2, atom(c, "advanced"), nil),
			    bp(c), bp(c), nil);
		if (n == 3 && (el(t, 2)->type == RELC_T_TUPLE ||
			       relc_term_is_atom(el(t, 2), "soft")))
			return relc_term_tuplev(c->a, 6, el(t, 0), el(t, 1),
						el(t, 2), bp(c), bp(c), nil);
		if (n == 3 && is_cons(el(t, 2)))
			return relc_term_tuplev(c->a, 6, el(t, 0), el(t, 1),
						atom(c, "soft"), bp(c), bp(c),
						el(t, 2));
		if (n == 4 && is_cons(el(t, 3)) &&
		    (el(t, 2)->type == RELC_T_TUPLE ||
		     relc_term_is_atom(el(t, 2), "soft")))
			return relc_term_tuplev(c->a, 6, el(t, 0), el(t, 1),
						el(t, 2), bp(c), bp(c),
						el(t, 3));
	} else if (!strcmp(op, "add_application") && n == 2) {
		return relc_term_tuplev(c->a, 3, el(t, 0), el(t, 1),
					atom(c, "permanent"));
	}
	return t;
}

/* The instructions of one appup script, shortcuts expanded; an element
 * that is a list is spliced in as it is (expand_script/1). */
static int
expand_script(struct ctx *c, struct script *out, const struct relc_term *l,
	      const char *path)
{
	const struct relc_term **v, **w;
	size_t i, j, n, m;

	if (!relc_term_is_list(l))
		return fail(c, &(struct ins){l, path, l->line, l->col}, l,
			    "the instructions are not a list");
	v = items(c, l, &n);
	for (i = 0; i < n; i++) {
		const struct relc_term *t = expand(c, v[i]);

		if (!is_cons(t)) {
			push(c, out, t, path);
			out->v[out->n - 1].line = v[i]->line;
			out->v[out->n - 1].col = v[i]->col;
			continue;
		}
		if (!relc_term_is_list(t))
			return fail(
			    c, &(struct ins){t, path, v[i]->line, v[i]->col}, t,
			    "bad list");
		w = items(c, t, &m);
		for (j = 0; j < m; j++)
			push(c, out, w[j], path);
	}
	return 0;
}

/* ---- split_script and merge_scripts ------------------------------------ */

static int
is_ponr(const struct relc_term *t)
{
	return relc_term_is_atom(t, "point_of_no_return");
}

static int
split_script(struct ctx *c, const struct script *s, struct script *before,
	     struct script *after)
{
	size_t i, p = s->n;

	for (i = 0; i < s->n; i++)
		if (is_ponr(s->v[i].t)) {
			if (p != s->n)
				return fail(c, &s->v[i], s->v[i].t,
					    "too many point_of_no_return");
			p = i;
		}
	if (p == s->n)
		p = 0; /* no point_of_no_return: everything is after it */
	else
		p++;
	for (i = 0; i + 1 < p; i++) {
		const struct relc_term *t = s->v[i].t;

		if (!is_op(t, "load_object_code", 2) && !is_op(t, "apply", 2))
			return fail(c, &s->v[i], t,
				    "bad instruction before "
				    "point_of_no_return");
		push_from(c, before, t, &s->v[i]);
	}
	for (i = p; i < s->n; i++)
		if (is_op(s->v[i].t, "load_object_code", 2))
			push_ins(c, before, &s->v[i]);
	for (i = p; i < s->n; i++)
		if (!is_op(s->v[i].t, "load_object_code", 2))
			push_ins(c, after, &s->v[i]);
	return 0;
}

/* ---- normalize_instrs ---------------------------------------------- */

static const struct relc_term *
normalize(struct ctx *c, const struct relc_term *t)
{
	const char *op = op_name(t);
	size_t n = arity(t);

	if (!strcmp(op, "update") && n == 6)
		return relc_term_tuplev(c->a, 8, el(t, 0), el(t, 1),
					atom(c, "dynamic"), atom(c, "default"),
					el(t, 2), el(t, 3), el(t, 4), el(t, 5));
	if (!strcmp(op, "update") && n == 7)
		return relc_term_tuplev(c->a, 8, el(t, 0), el(t, 1),
					atom(c, "dynamic"), el(t, 2), el(t, 3),
					el(t, 4), el(t, 5), el(t, 6));
	if ((!strcmp(op, "add_module") || !strcmp(op, "delete_module")) &&
	    n == 2)
		return relc_term_tuplev(c->a, 3, el(t, 0), el(t, 1),
					&relc_term_nil);
	return t;
}

/* ---- check_script ---------------------------------------------------- */

/* The modules named in {op, Mods} instructions of s (flattened). */
static void
collect_mods(struct ctx *c, const struct script *s, const char *op,
	     struct script *out)
{
	const struct relc_term **v;
	size_t i, j, n;

	for (i = 0; i < s->n; i++) {
		if (!is_op(s->v[i].t, op, 2))
			continue;
		v = items(c, el(s->v[i].t, 1), &n);
		for (j = 0; j < n; j++)
			push_from(c, out, arity(v[j]) == 2 ? el(v[j], 0) : v[j],
				  &s->v[i]);
	}
}

/* Every element of a that is not in b is an error. */
static int
check_subset(struct ctx *c, const struct script *a, const struct script *b,
	     const char *msg)
{
	size_t i, j;

	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++)
			if (relc_term_equal(a->v[i].t, b->v[j].t))
				break;
		if (j == b->n)
			return fail(c, &a->v[i], a->v[i].t, "%s", msg);
	}
	return 0;
}

static int
check_script(struct ctx *c, const struct script *before,
	     const struct script *after)
{
	struct script sus = {0}, res = {0}, sta = {0}, sto = {0};
	size_t i, j, k, n;

	for (i = 0; i < after->n; i++) {
		const struct relc_term *t = after->v[i].t, **v;
		int found = 0;

		if (!is_op(t, "load", 2) || arity(el(t, 1)) != 3)
			continue;
		for (j = 0; j < before->n && !found; j++) {
			const struct relc_term *b = before->v[j].t;

			if (!is_op(b, "load_object_code", 2) ||
			    arity(el(b, 1)) != 3)
				continue;
			v = items(c, el(el(b, 1), 2), &n);
			for (k = 0; k < n; k++)
				if (relc_term_equal(v[k], el(el(t, 1), 0)))
					found = 1;
		}
		if (!found)
			return fail(c, &after->v[i], el(el(t, 1), 0),
				    "no load_object_code for module");
	}
	collect_mods(c, after, "suspend", &sus);
	collect_mods(c, after, "resume", &res);
	collect_mods(c, after, "start", &sta);
	collect_mods(c, after, "stop", &sto);
	return check_subset(c, &sus, &res, "suspended but not resumed") ||
		       check_subset(c, &res, &sus,
				    "resumed but not suspended") ||
		       check_subset(c, &sta, &sto, "started but not stopped") ||
		       check_subset(c, &sto, &sta, "stopped but not started")
		   ? -1
		   : 0;
}

/* ---- applications ---------------------------------------------------- */

static const struct rapp *
find_app(const struct apps *apps, const char *name)
{
	size_t i;

	for (i = 0; i < apps->n; i++)
		if (!strcmp(apps->v[i].name, name))
			return &apps->v[i];
	return NULL;
}

static const struct relc_term *
app_apply(struct ctx *c, const char *fun, const char *app, const char *type)
{
	const struct relc_term *args[2];

	args[0] = atom(c, app);
	if (type)
		args[1] = atom(c, type);
	return relc_term_tuplev(
	    c->a, 2, atom(c, "apply"),
	    relc_term_tuplev(c->a, 3, atom(c, "application"), atom(c, fun),
			     relc_term_list(c->a, type ? 2 : 1, args)));
}

static void
start_app(struct ctx *c, struct script *out, const char *app, const char *type,
	  const struct ins *from)
{
	if (!strcmp(type, "none"))
		return;
	if (!strcmp(type, "load"))
		push_from(c, out, app_apply(c, "load", app, NULL), from);
	else
		push_from(c, out, app_apply(c, "start", app, type), from);
}

static void
add_mods(struct ctx *c, struct script *out, const struct rapp *app,
	 const struct ins *from)
{
	size_t i;

	for (i = 0; i < app->mods->n; i++)
		push_from(c, out,
			  relc_term_tuplev(c->a, 3, atom(c, "add_module"),
					   atom(c, app->mods->v[i]),
					   &relc_term_nil),
			  from);
}

static void
remove_mods(struct ctx *c, struct script *out, const struct rapp *app,
	    const struct ins *from)
{
	const struct relc_term **v;
	size_t i, n = app->mods->n;

	v = relc_arena_array(c->a, n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i] = atom(c, app->mods->v[i]);
		push_from(c, out,
			  relc_term_tuplev(
			      c->a, 2, atom(c, "remove"),
			      relc_term_tuplev(c->a, 3, v[i], bp(c), bp(c))),
			  from);
	}
	push_from(c, out,
		  relc_term_tuplev(c->a, 2, atom(c, "purge"),
				   relc_term_list(c->a, n, v)),
		  from);
}

/* translate_application_instrs/3 */
static int
translate_apps(struct ctx *c, const struct script *in, struct script *out)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		const struct relc_term *t = in->v[i].t;
		const struct ins *from = &in->v[i];
		const char *name;
		const struct rapp *post, *pre;

		if (is_op(t, "add_application", 3)) {
			name = el(t, 1)->u.atom.name;
			if (!(post = find_app(&c->appls, name)))
				return fail(c, &in->v[i], el(t, 1),
					    "no such application in the "
					    "release");
			add_mods(c, out, post, from);
			start_app(c, out, name, el(t, 2)->u.atom.name, from);
		} else if (is_op(t, "remove_application", 2)) {
			name = el(t, 1)->u.atom.name;
			if (find_app(&c->appls, name))
				return fail(c, &in->v[i], el(t, 1),
					    "removed application present in "
					    "the release");
			if (!(pre = find_app(&c->preappls, name)))
				return fail(c, &in->v[i], el(t, 1),
					    "no such application in the "
					    "release upgraded from");
			push_from(c, out, app_apply(c, "stop", name, NULL),
				  from);
			remove_mods(c, out, pre, from);
			push_from(c, out, app_apply(c, "unload", name, NULL),
				  from);
		} else if (is_op(t, "restart_application", 2)) {
			name = el(t, 1)->u.atom.name;
			if (!(pre = find_app(&c->preappls, name)) ||
			    !(post = find_app(&c->appls, name)))
				return fail(c, &in->v[i], el(t, 1),
					    "no such application in both "
					    "releases");
			push_from(c, out, app_apply(c, "stop", name, NULL),
				  from);
			remove_mods(c, out, pre, from);
			add_mods(c, out, post, from);
			start_app(c, out, name,
				  relc_start_type_name(post->type), from);
		} else {
			push_ins(c, out, from);
		}
	}
	for (i = 0; i < out->n; i++) {
		const struct relc_term *t = out->v[i].t;

		if (is_op(t, "add_module", 3))
			out->v[i].t =
			    relc_term_tuplev(c->a, 5, atom(c, "load_module"),
					     el(t, 1), bp(c), bp(c), el(t, 2));
	}
	return 0;
}

/* ---- the dependent instructions -------------------------------------- */

struct dep {
	size_t at; /* index in the script */
	const char *mod;
	size_t *to, nto; /* edges: the deps this one names */
	size_t comp;	 /* weak component (union-find root) */
	size_t scc;
	/* Tarjan */
	size_t index, low;
	int onstack, visited;
};

static int
is_dep_instr(const struct relc_term *t)
{
	const char *op = op_name(t);

	return arity(t) > 1 &&
	       (!strcmp(op, "update") || !strcmp(op, "load_module") ||
		!strcmp(op, "add_module") || !strcmp(op, "delete_module"));
}

static size_t
uf_find(struct dep *d, size_t i)
{
	while (d[i].comp != i)
		i = d[i].comp = d[d[i].comp].comp;
	return i;
}

struct tarjan {
	struct dep *d;
	size_t *stack, sp, index, nscc;
};

static void
strongconnect(struct tarjan *tj, size_t v)
{
	struct dep *d = tj->d;
	size_t k, w;

	d[v].index = d[v].low = tj->index++;
	d[v].visited = 1;
	tj->stack[tj->sp++] = v;
	d[v].onstack = 1;
	for (k = 0; k < d[v].nto; k++) {
		w = d[v].to[k];
		if (!d[w].visited) {
			strongconnect(tj, w);
			if (d[w].low < d[v].low)
				d[v].low = d[w].low;
		} else if (d[w].onstack && d[w].index < d[v].low) {
			d[v].low = d[w].index;
		}
	}
	if (d[v].low == d[v].index) {
		do {
			w = tj->stack[--tj->sp];
			d[w].onstack = 0;
			d[w].scc = tj->nscc;
		} while (w != v);
		tj->nscc++;
	}
}

static const struct relc_term *
tuple3(struct ctx *c, const char *op, const struct relc_term *mod,
       const struct relc_term *pre, const struct relc_term *post)
{
	return relc_term_tuplev(c->a, 2, atom(c, op),
				relc_term_tuplev(c->a, 3, mod, pre, post));
}

/* The library of a module: the first application holding it. */
static const struct rapp *
get_lib(struct ctx *c, const char *mod)
{
	size_t i;

	for (i = 0; i < c->appls.n; i++)
		if (relc_names_has(c->appls.v[i].mods, mod))
			return &c->appls.v[i];
	return NULL;
}

/* translate_dep_to_low/3 on the instructions of one component, sorted. */
static int
dep_to_low(struct ctx *c, const struct ins *is, size_t n, struct script *before,
	   struct script *after)
{
	struct script loads = {0};
	const struct relc_term **upd, **res, **cc, **pre, **post;
	size_t *group, i, j, nupd = 0, ncc = 0, npre = 0, npost = 0;

	upd = relc_arena_array(c->a, n, sizeof(*upd));
	res = relc_arena_array(c->a, n, sizeof(*res));
	cc = relc_arena_array(c->a, n, sizeof(*cc));
	pre = relc_arena_array(c->a, n, sizeof(*pre));
	post = relc_arena_array(c->a, n, sizeof(*post));
	group = relc_arena_array(c->a, n + 1, sizeof(*group));
	for (i = 0; i < n; i++) {
		const struct relc_term *t = is[i].t, *mod = el(t, 1);

		group[i] = loads.n;
		if (is_op(t, "update", 8)) {
			const struct relc_term *ch = el(t, 4), *pair;

			upd[nupd++] =
			    relc_term_is_atom(el(t, 3), "default")
				? mod
				: relc_term_tuplev(c->a, 2, mod, el(t, 3));
			push_from(c, &loads,
				  tuple3(c, "load", mod, el(t, 5), el(t, 6)),
				  &is[i]);
			if (!is_op(ch, "advanced", 2))
				continue;
			pair = relc_term_tuplev(c->a, 2, mod, el(ch, 1));
			cc[ncc++] = pair;
			if (relc_term_is_atom(el(t, 2), "dynamic"))
				pre[npre++] = pair;
			else if (relc_term_is_atom(el(t, 2), "static"))
				post[npost++] = pair;
		} else if (is_op(t, "load_module", 5)) {
			push_from(c, &loads,
				  tuple3(c, "load", mod, el(t, 2), el(t, 3)),
				  &is[i]);
		} else if (is_op(t, "delete_module", 3)) {
			push_from(c, &loads,
				  tuple3(c, "remove", mod, bp(c), bp(c)),
				  &is[i]);
			push_from(c, &loads,
				  relc_term_tuplev(c->a, 2, atom(c, "purge"),
						   list1(c, mod)),
				  &is[i]);
		}
	}
	group[n] = loads.n;
	for (i = 0; i < loads.n; i++) {
		const struct relc_term *t = loads.v[i].t, *mod;
		const struct rapp *lib;

		if (!is_op(t, "load", 2))
			continue;
		mod = el(el(t, 1), 0);
		if (!(lib = get_lib(c, mod->u.atom.name)))
			return fail(c, &loads.v[i], mod,
				    "no such module in the release");
		push_from(c, before,
			  relc_term_tuplev(
			      c->a, 2, atom(c, "load_object_code"),
			      relc_term_tuplev(c->a, 3, atom(c, lib->name),
					       relc_term_string(c->a, lib->vsn),
					       list1(c, mod))),
			  &loads.v[i]);
	}
	for (i = 0; i < nupd; i++)
		res[i] = arity(upd[nupd - 1 - i]) == 2
			     ? el(upd[nupd - 1 - i], 0)
			     : upd[nupd - 1 - i];
	if (nupd)
		push_from(c, after,
			  relc_term_tuplev(c->a, 2, atom(c, "suspend"),
					   relc_term_list(c->a, nupd, upd)),
			  &is[0]);
	if (c->up) {
		/* the groups in reverse order: dependencies first */
		for (i = n; i-- > 0;)
			for (j = group[i]; j < group[i + 1]; j++)
				push_ins(c, after, &loads.v[j]);
		if (ncc)
			push_from(
			    c, after,
			    relc_term_tuplev(c->a, 3, atom(c, "code_change"),
					     atom(c, "up"),
					     relc_term_list(c->a, ncc, cc)),
			    &is[0]);
	} else {
		if (npre)
			push_from(
			    c, after,
			    relc_term_tuplev(c->a, 3, atom(c, "code_change"),
					     atom(c, "down"),
					     relc_term_list(c->a, npre, pre)),
			    &is[0]);
		append(c, after, &loads);
		if (npost)
			push(
			    c, after,
			    relc_term_tuplev(c->a, 3, atom(c, "code_change"),
					     atom(c, "down"),
					     relc_term_list(c->a, npost, post)),
			    is[0].path);
	}
	if (nupd)
		push_from(c, after,
			  relc_term_tuplev(c->a, 2, atom(c, "resume"),
					   relc_term_list(c->a, nupd, res)),
			  &is[0]);
	return 0;
}

/*
 * The instructions of the weak component of d[first], in the order
 * systools_rc gives them: the condensation (strongly connected
 * components) topologically sorted, a module before the modules it
 * names in DepMods, and within a strongly connected component by their
 * order in the script.
 *
 * systools sorts with digraph_utils:topsort/1, whose choice among valid
 * orders follows the ETS order of the condensation's vertices (lists of
 * module atoms), and so their internal hash: the atoms' indexes in the
 * VM's atom table, which are not a function of the appups.  For chains and
 * cycles the order is unique; where several are valid (modules of one component
 * that do not depend on each other) relc takes them in script order, a module
 * as soon as every module naming it is placed.  Any topological order is
 * as correct for release_handler.
 */
/* Scratch arrays for component_order, nd entries each. */
struct corder {
	size_t *next;	/* the next member of the same weak component */
	size_t *local;	/* global SCC -> local id, or SIZE_MAX */
	size_t *sfirst; /* local SCC -> its first member */
	size_t *snext;	/* member -> next member of its SCC */
	size_t *slast;	/* local SCC -> its last member so far */
	size_t *indeg;	/* local SCC -> edges into it from other SCCs */
	size_t *heap;	/* local SCCs ready, smallest first */
};

static void
heap_push(size_t *h, size_t *n, size_t v)
{
	size_t i = (*n)++, p;

	while (i && h[p = (i - 1) / 2] > v) {
		h[i] = h[p];
		i = p;
	}
	h[i] = v;
}

static size_t
heap_pop(size_t *h, size_t *n)
{
	size_t top = h[0], v = h[--*n], i = 0, k;

	while ((k = 2 * i + 1) < *n) {
		if (k + 1 < *n && h[k + 1] < h[k])
			k++;
		if (h[k] >= v)
			break;
		h[i] = h[k];
		i = k;
	}
	h[i] = v;
	return top;
}

static void
component_order(struct dep *d, size_t first, struct corder *w, size_t *order,
		size_t *norder)
{
	size_t i, j, k, v, nloc = 0, nheap = 0;

	/* local SCC ids in script order of their first member */
	for (i = first; i != SIZE_MAX; i = w->next[i]) {
		v = w->local[d[i].scc];
		if (v == SIZE_MAX) {
			v = w->local[d[i].scc] = nloc++;
			w->sfirst[v] = i;
			w->indeg[v] = 0;
		} else {
			w->snext[w->slast[v]] = i;
		}
		w->slast[v] = i;
		w->snext[i] = SIZE_MAX;
	}
	for (i = first; i != SIZE_MAX; i = w->next[i])
		for (k = 0; k < d[i].nto; k++)
			if (d[d[i].to[k]].scc != d[i].scc)
				w->indeg[w->local[d[d[i].to[k]].scc]]++;
	for (v = 0; v < nloc; v++)
		if (!w->indeg[v])
			heap_push(w->heap, &nheap, v);
	*norder = 0;
	while (nheap) {
		v = heap_pop(w->heap, &nheap);
		for (i = w->sfirst[v]; i != SIZE_MAX; i = w->snext[i]) {
			order[(*norder)++] = i;
			for (k = 0; k < d[i].nto; k++) {
				j = d[i].to[k];
				if (d[j].scc != d[i].scc &&
				    !--w->indeg[w->local[d[j].scc]])
					heap_push(w->heap, &nheap,
						  w->local[d[j].scc]);
			}
		}
	}
	for (i = first; i != SIZE_MAX; i = w->next[i])
		w->local[d[i].scc] = SIZE_MAX;
}

struct modix {
	const char *mod;
	size_t i;
};

static int
cmp_modix(const void *a, const void *b)
{
	const struct modix *x = a, *y = b;
	int r = strcmp(x->mod, y->mod);

	return r ? r : (x->i > y->i) - (x->i < y->i);
}

/* The entry of ix (sorted by name) for mod, or NULL. */
static const struct modix *
find_mod(const struct modix *ix, size_t n, const char *mod)
{
	size_t lo = 0, hi = n, mid;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(mod, ix[mid].mod);
		if (!cmp)
			return &ix[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* translate_dependent_instrs/4 */
static int
translate_deps(struct ctx *c, const struct script *in, struct script *before,
	       struct script *after)
{
	struct dep *d;
	struct modix *ix;
	const struct modix *hit;
	struct corder w;
	size_t nd = 0, i, j, k, n, *order, norder, *head, sz;
	unsigned char *taken;
	struct tarjan tj = {0};
	int r = -1;

	sz = in->n ? in->n : 1;
	d = relc_xcalloc(sz, sizeof(*d));
	ix = relc_xcalloc(sz, sizeof(*ix));
	order = relc_xcalloc(sz, sizeof(*order));
	taken = relc_xcalloc(sz, 1);
	tj.stack = relc_xcalloc(sz, sizeof(*tj.stack));
	head = relc_xcalloc(sz, sizeof(*head));
	w.next = relc_xcalloc(sz, sizeof(size_t));
	w.local = relc_xcalloc(sz, sizeof(size_t));
	w.sfirst = relc_xcalloc(sz, sizeof(size_t));
	w.snext = relc_xcalloc(sz, sizeof(size_t));
	w.slast = relc_xcalloc(sz, sizeof(size_t));
	w.indeg = relc_xcalloc(sz, sizeof(size_t));
	w.heap = relc_xcalloc(sz, sizeof(size_t));
	for (i = 0; i < in->n; i++) {
		if (!is_dep_instr(in->v[i].t))
			continue;
		d[nd].at = i;
		d[nd].mod = el(in->v[i].t, 1)->u.atom.name;
		d[nd].comp = nd;
		ix[nd].mod = d[nd].mod;
		ix[nd].i = nd;
		nd++;
	}
	/* the vertices: one instruction per module (muldef_module) */
	qsort(ix, nd, sizeof(*ix), cmp_modix);
	for (i = 1, k = nd; i < nd; i++)
		if (!strcmp(ix[i].mod, ix[i - 1].mod) &&
		    (k == nd || ix[i].i < ix[k].i))
			k = i;
	if (k != nd) {
		fail(c, &in->v[d[ix[k].i].at], el(in->v[d[ix[k].i].at].t, 1),
		     "module with more than one instruction");
		goto out;
	}
	/* the edges: DepMods (undef_module) */
	for (i = 0; i < nd; i++) {
		const struct relc_term *t = in->v[d[i].at].t;
		const struct relc_term **mods =
		    items(c, el(t, arity(t) - 1), &n);

		d[i].to = relc_arena_array(c->a, n ? n : 1, sizeof(size_t));
		for (k = 0; k < n; k++) {
			hit = find_mod(ix, nd, mods[k]->u.atom.name);
			if (!hit) {
				fail(c, &in->v[d[i].at], mods[k],
				     "undefined module in DepMods (no "
				     "instruction for it)");
				goto out;
			}
			d[i].to[d[i].nto++] = hit->i;
			d[uf_find(d, i)].comp = uf_find(d, hit->i);
		}
	}
	tj.d = d;
	for (i = 0; i < nd; i++)
		if (!d[i].visited)
			strongconnect(&tj, i);
	/* the members of each weak component, in script order */
	for (i = 0; i < nd; i++) {
		head[i] = SIZE_MAX;
		w.local[i] = SIZE_MAX;
	}
	for (i = nd; i-- > 0;) {
		size_t root = uf_find(d, i);

		w.next[i] = head[root];
		head[root] = i;
	}
	for (i = 0, k = 0; i < in->n; i++) {
		struct ins *is;

		if (taken[i])
			continue;
		if (!is_dep_instr(in->v[i].t)) {
			push_ins(c, after, &in->v[i]);
			continue;
		}
		while (d[k].at != i)
			k++;
		component_order(d, head[uf_find(d, k)], &w, order, &norder);
		is = relc_arena_array(c->a, norder, sizeof(*is));
		for (j = 0; j < norder; j++) {
			is[j] = in->v[d[order[j]].at];
			taken[d[order[j]].at] = 1;
		}
		if (dep_to_low(c, is, norder, before, after))
			goto out;
	}
	r = 0;
out:
	free(w.heap);
	free(w.indeg);
	free(w.slast);
	free(w.snext);
	free(w.sfirst);
	free(w.local);
	free(w.next);
	free(head);
	free(tj.stack);
	free(taken);
	free(order);
	free(ix);
	free(d);
	return r;
}

/* ---- merge_load_object_code ----------------------------------------- */

/*
 * The modules of the load_object_code instructions g[0..n) of one library,
 * merged as mlo/1 does (union(Mods, foldr(union, [], Later))): each
 * list's modules that no later list holds, in order, list after list.
 */
static const struct relc_term *
merge_mods(struct ctx *c, const struct ins *const *g, size_t n)
{
	struct relc_strset seen = RELC_STRSET_INIT;
	const struct relc_term ***keep, **v, **all;
	size_t *nkeep, i, k, m, total = 0;

	keep = relc_arena_array(c->a, n, sizeof(*keep));
	nkeep = relc_arena_array(c->a, n, sizeof(*nkeep));
	for (i = n; i-- > 0;) {
		v = items(c, el(el(g[i]->t, 1), 2), &m);
		keep[i] = relc_arena_array(c->a, m ? m : 1, sizeof(**keep));
		nkeep[i] = 0;
		for (k = 0; k < m; k++)
			if (!relc_strset_has(&seen, v[k]->u.atom.name))
				keep[i][nkeep[i]++] = v[k];
		for (k = 0; k < m; k++)
			relc_strset_add(&seen, v[k]->u.atom.name);
		total += nkeep[i];
	}
	relc_strset_release(&seen);
	all = relc_arena_array(c->a, total ? total : 1, sizeof(*all));
	for (i = 0, m = 0; i < n; i++)
		for (k = 0; k < nkeep[i]; k++)
			all[m++] = keep[i][k];
	return relc_term_list(c->a, total, all);
}

/* merge_load_object_code/1: one load_object_code per library, first. */
static int
merge_loc(struct ctx *c, const struct script *in, struct script *out)
{
	struct script found = {0}, rest = {0};
	const struct ins **g;
	unsigned char *used;
	size_t i, j, n;

	for (i = 0; i < in->n; i++)
		push_ins(c,
			 is_op(in->v[i].t, "load_object_code", 2) ? &found
								  : &rest,
			 &in->v[i]);
	used = relc_arena_alloc(c->a, found.n + 1);
	memset(used, 0, found.n + 1);
	g = relc_arena_array(c->a, found.n + 1, sizeof(*g));
	for (i = 0; i < found.n; i++) {
		const struct relc_term *x = el(found.v[i].t, 1);

		if (used[i])
			continue;
		/* systools' split/2 tests the last ones first */
		for (j = found.n; j-- > i + 1;) {
			const struct relc_term *y = el(found.v[j].t, 1);

			if (!used[j] && relc_term_equal(el(y, 0), el(x, 0)) &&
			    !relc_term_equal(el(y, 1), el(x, 1)))
				return fail(c, &found.v[j], y,
					    "conflicting versions of a library "
					    "in load_object_code");
		}
		for (j = i, n = 0; j < found.n; j++)
			if (!used[j] &&
			    relc_term_equal(el(el(found.v[j].t, 1), 0),
					    el(x, 0))) {
				used[j] = 1;
				g[n++] = &found.v[j];
			}
		push_from(c, out,
			  relc_term_tuplev(
			      c->a, 2, atom(c, "load_object_code"),
			      relc_term_tuplev(c->a, 3, el(x, 0), el(x, 1),
					       merge_mods(c, g, n))),
			  &found.v[i]);
	}
	append(c, out, &rest);
	return 0;
}

/* ---- one direction ----------------------------------------------------- */

static int
remove_atom(struct ctx *c, struct script *s, const char *name)
{
	struct script o = {0};
	size_t i;
	int removed = 0;

	for (i = 0; i < s->n; i++) {
		if (relc_term_is_atom(s->v[i].t, name))
			removed = 1;
		else
			push_ins(c, &o, &s->v[i]);
	}
	*s = o;
	return removed;
}

/* translate_scripts/4: scripts -> the low-level script. */
static int
translate(struct ctx *c, const struct script *scripts, size_t nscripts,
	  struct script *out)
{
	struct script before = {0}, after = {0}, merged = {0}, norm = {0};
	struct script b1 = {0}, a1 = {0}, a2 = {0}, b2 = {0}, a3 = {0},
		      b3 = {0};
	size_t i;

	/* merge_scripts */
	for (i = 0; i < nscripts; i++)
		if (split_script(c, &scripts[i], &before, &after))
			return -1;
	append(c, &merged, &before);
	push(c, &merged, atom(c, "point_of_no_return"), NULL);
	append(c, &merged, &after);
	if (check_syntax(c, &merged))
		return -1;
	for (i = 0; i < merged.n; i++)
		push_from(c, &norm, normalize(c, merged.v[i].t), &merged.v[i]);
	if (split_script(c, &norm, &b1, &a1) || check_script(c, &b1, &a1) ||
	    translate_apps(c, &a1, &a2))
		return -1;
	append(c, &b2, &b1);
	if (translate_deps(c, &a2, &b2, &a3) || merge_loc(c, &b2, &b3))
		return -1;
	/* sort_emulator_restart */
	if (remove_atom(c, &a3, "restart_new_emulator")) {
		if (c->up) {
			struct script b = {0};

			push(c, &b, atom(c, "restart_new_emulator"), NULL);
			append(c, &b, &b3);
			b3 = b;
		} else {
			push(c, &a3, atom(c, "restart_emulator"), NULL);
		}
	}
	if (remove_atom(c, &a3, "restart_emulator"))
		push(c, &a3, atom(c, "restart_emulator"), NULL);
	append(c, out, &b3);
	push(c, out, atom(c, "point_of_no_return"), NULL);
	append(c, out, &a3);
	return check_syntax(c, out);
}

/* ---- systools_relup ------------------------------------------------- */

static const struct relc_relup_appup *
find_appup(const struct relc_relup_in *in, const char *app)
{
	size_t i;

	for (i = 0; i < in->nappups; i++)
		if (!strcmp(in->appups[i].app, app))
			return &in->appups[i];
	return NULL;
}

/* get_script_from_appup/5: the appup script of app from (or to) vsn. */
static int
appup_script(struct ctx *c, const struct relc_relup_in *in,
	     const struct rapp *top, const char *base_vsn, struct script *out)
{
	const struct relc_relup_appup *au = find_appup(in, top->name);
	const struct relc_term *t, *l, **v;
	struct ins here;
	size_t i, n;
	int r;

	if (!au)
		return relc_error_set(
		    c->err, RELC_EAPP,
		    "no appup for application '%s' (%s in the new release, "
		    "%s in the old one)",
		    top->name, top->vsn, base_vsn);
	c->path = au->path;
	t = au->appup;
	here = (struct ins){t, au->path, t->line, t->col};
	if (arity(t) != 3)
		return fail(c, &here, NULL,
			    "bad appup: want {Vsn, [{UpFrom, Instructions}], "
			    "[{DownTo, Instructions}]}");
	l = el(t, c->up ? 1 : 2);
	here = (struct ins){l, au->path, l->line, l->col};
	if (!relc_term_is_list(l))
		return fail(c, &here, l,
			    "bad appup: the %s entries are not a list",
			    c->up ? "upgrade" : "downgrade");
	v = items(c, l, &n);
	for (i = 0; i < n; i++) {
		if (arity(v[i]) != 2)
			continue;
		r = relc_appup_vsn_match(el(v[i], 0), base_vsn);
		if (r)
			return expand_script(c, out, el(v[i], 1), au->path);
	}
	return fail(c, &here, NULL,
		    "no %s entry for %s-%s %s %s-%s in the appup",
		    c->up ? "upgrade" : "downgrade", top->name, top->vsn,
		    c->up ? "from" : "to", top->name, base_vsn);
}

static const struct relc_relapp *
find_relapp(const struct relc_relspec *rel, const char *name)
{
	size_t i;

	for (i = 0; i < rel->napps; i++)
		if (!strcmp(rel->apps[i].app->name, name))
			return &rel->apps[i];
	return NULL;
}

static struct apps
boot_apps(const struct relc_bootapp *b, size_t n, struct relc_arena *a)
{
	struct rapp *v = relc_arena_array(a, n ? n : 1, sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].name = b[i].app->name;
		v[i].vsn = b[i].app->vsn;
		v[i].type = b[i].type;
		v[i].mods = &b[i].app->mods;
	}
	return (struct apps){v, n};
}

static void
push_script(struct ctx *c, struct script **v, size_t *n, struct script s)
{
	struct script *w = relc_arena_array(c->a, *n + 1, sizeof(*w));

	if (*n)
		memcpy(w, *v, *n * sizeof(*w));
	w[(*n)++] = s;
	*v = w;
}

/* One direction: the scripts of systools_relup, then translated. */
static int
direction(struct ctx *c, const struct relc_relup_in *in, const struct apps *top,
	  const struct relc_term **out)
{
	/* FromRel and ToRel of prepend_add_app_scripts */
	const struct relc_relspec *fr = c->up ? in->from : in->to;
	const struct relc_relspec *tr = c->up ? in->to : in->from;
	struct script *scripts = NULL, s, res = {0};
	size_t i, nscripts = 0;

	if (strcmp(in->to->erts_vsn, in->from->erts_vsn)) {
		s = (struct script){0};
		push(c, &s, atom(c, "restart_new_emulator"), NULL);
		push_script(c, &scripts, &nscripts, s);
	}
	for (i = 0; i < tr->napps; i++) {
		const char *name = tr->apps[i].app->name;

		if (find_relapp(fr, name))
			continue;
		s = (struct script){0};
		push(c, &s,
		     relc_term_tuplev(
			 c->a, 3, atom(c, "add_application"), atom(c, name),
			 atom(c, relc_start_type_name(tr->apps[i].type))),
		     NULL);
		push_script(c, &scripts, &nscripts, s);
	}
	for (i = 0; i < top->n; i++) {
		const struct relc_relapp *base =
		    find_relapp(in->from, top->v[i].name);

		if (!base || !strcmp(base->app->vsn, top->v[i].vsn))
			continue;
		s = (struct script){0};
		if (appup_script(c, in, &top->v[i], base->app->vsn, &s))
			return -1;
		push_script(c, &scripts, &nscripts, s);
	}
	for (i = 0; i < fr->napps; i++) {
		const char *name = fr->apps[i].app->name;

		if (find_relapp(tr, name))
			continue;
		s = (struct script){0};
		push(c, &s,
		     relc_term_tuplev(c->a, 2, atom(c, "remove_application"),
				      atom(c, name)),
		     NULL);
		push_script(c, &scripts, &nscripts, s);
	}
	c->path = NULL;
	if (translate(c, scripts, nscripts, &res))
		return -1;
	if (c->up && res.n &&
	    relc_term_is_atom(res.v[0].t, "restart_new_emulator")) {
		/* fix_r15_sasl_upgrade: from a sasl older than 2.2 (R15) */
		const struct relc_relapp *sasl = find_relapp(in->from, "sasl");

		if (sasl && strcmp(sasl->app->vsn, "2.2") < 0) {
			struct script f = {0};
			int dropped = 0;

			for (i = 1; i < res.n; i++) {
				if (!dropped &&
				    relc_term_is_atom(res.v[i].t,
						      "restart_emulator")) {
					dropped = 1;
					continue;
				}
				push_ins(c, &f, &res.v[i]);
			}
			push(c, &f, res.v[0].t, NULL);
			res = f;
		}
	}
	*out = script_list(c, &res);
	return 0;
}

int
relc_relup_make(const struct relc_term **out, const struct relc_relup_in *in,
		struct relc_arena *arena, struct relc_error *err)
{
	struct relc_bootapp *tb, *fb;
	size_t ntb, nfb;
	struct apps top, base;
	struct ctx c;
	const struct relc_term *up, *dn, *from_vsn, *descr = &relc_term_nil;

	*out = NULL;
	if (!find_relapp(in->to, "sasl") || !find_relapp(in->from, "sasl")) {
		const struct relc_relspec *r =
		    find_relapp(in->to, "sasl") ? in->from : in->to;

		return relc_error_set(err, RELC_EAPP,
				      "release '%s' %s has no sasl "
				      "application: it cannot be upgraded",
				      r->name, r->vsn);
	}
	if (relc_graph_sort(&tb, &ntb, in->to, arena, err) ||
	    relc_graph_sort(&fb, &nfb, in->from, arena, err))
		return -1;
	top = boot_apps(tb, ntb, arena);
	base = boot_apps(fb, nfb, arena);
	memset(&c, 0, sizeof(c));
	c.a = arena;
	c.err = err;

	c.up = 1;
	c.appls = top;
	c.preappls = base;
	if (direction(&c, in, &top, &up))
		return -1;
	c.up = 0;
	c.appls = base;
	c.preappls = top;
	if (direction(&c, in, &top, &dn))
		return -1;
	from_vsn = relc_term_string(arena, in->from->vsn);
	*out = relc_term_tuplev(
	    arena, 3, relc_term_string(arena, in->to->vsn),
	    list1(&c, relc_term_tuplev(arena, 3, from_vsn, descr, up)),
	    list1(&c, relc_term_tuplev(arena, 3, from_vsn, descr, dn)));
	return 0;
}
