/*
 * graph.c: systools_make's application checks and sort, ported from
 * lib/sasl/src/systools_make.erl (OTP 25).  Lists are arrays of names;
 * Erlang's `A -- [X]` (remove the first X) and keysort are spelled out.
 */
#include "relc/compat.h"
#include "relc/graph.h"

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/resolve.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "relc/xalloc.h"

/* A growable list of names (malloc'ed). */
struct namelist {
	const char **v;
	size_t n, alloc;
};

static void
nl_push(struct namelist *l, const char *s)
{
	RELC_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = s;
}

static void
nl_from(struct namelist *l, const struct relc_names *names)
{
	size_t i;

	l->n = 0;
	for (i = 0; i < names->n; i++)
		nl_push(l, names->v[i]);
}

static long
nl_index(const struct namelist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return (long)i;
	return -1;
}

/* l -- [s]: remove the first occurrence. */
static void
nl_remove(struct namelist *l, const char *s)
{
	long i = nl_index(l, s);

	if (i < 0)
		return;
	memmove(l->v + i, l->v + i + 1, (l->n - (size_t)i - 1) * sizeof(*l->v));
	l->n--;
}

struct gapp {
	const struct relc_app *app;
	const char *name;
	enum relc_start_type type;
	struct namelist uses, incls;
	const struct relc_names *opts;
};

struct graph {
	struct gapp *a;
	size_t n;
	struct relc_error *err;
};

static long
app_index(const struct graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->a[i].name, name))
			return (long)i;
	return -1;
}

/* ---- read_release: mandatory applications -------------------------------- */

static int
mandatory_apps(struct graph *g)
{
	static const char *const mandatory[] = {"kernel", "stdlib"};
	size_t k;

	for (k = 0; k < RELC_ARRAY_SIZE(mandatory); k++) {
		long i = app_index(g, mandatory[k]);

		if (i < 0)
			return relc_error_set(g->err, RELC_EGRAPH,
					      "the release must contain '%s'",
					      mandatory[k]);
		if (g->a[i].type != RELC_PERMANENT)
			return relc_error_set(
			    g->err, RELC_EGRAPH,
			    "'%s' must be permanent in every release (it is "
			    "set to %s)",
			    mandatory[k], relc_start_type_name(g->a[i].type));
	}
	return 0;
}

/* ---- check_applications -------------------------------------------------- */

static int
undefined_apps(struct graph *g)
{
	struct relc_strbuf names = RELC_STRBUF_INIT;
	const char *first_user = NULL;
	size_t i, k, count = 0;

	for (i = 0; i < g->n; i++) {
		const struct gapp *a = &g->a[i];

		for (k = 0; k < a->uses.n + a->incls.n; k++) {
			int is_use = k < a->uses.n;
			const char *dep =
			    is_use ? a->uses.v[k] : a->incls.v[k - a->uses.n];

			if (is_use && relc_names_has(a->opts, dep))
				continue;
			if (app_index(g, dep) >= 0)
				continue;
			relc_strbuf_addf(&names, "%s'%s'", count ? ", " : "",
					 dep);
			if (!first_user)
				first_user = a->name;
			count++;
		}
	}
	if (count) {
		relc_error_set(g->err, RELC_EGRAPH,
			       "undefined application%s %s (needed by '%s') "
			       "not in the release",
			       count > 1 ? "s" : "", names.buf, first_user);
		relc_strbuf_release(&names);
		return -1;
	}
	return 0;
}

struct owned {
	const char *key;   /* the registered name, module, ... */
	const char *owner; /* the application */
	size_t seq;
};

static int
owned_cmp(const void *a, const void *b)
{
	const struct owned *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * systools' duplicates/1: pairs with the same key after a keysort.  Reports
 * the first pair, saying how many more there are.
 */
enum owned_kind { OWN_REGISTERED, OWN_INCLUDED, OWN_MODULE };

static int
report_duplicates(struct graph *g, struct owned *v, size_t n,
		  enum owned_kind kind)
{
	const char *key, *a, *b;
	size_t i, dups = 0, first = 0;

	if (n)
		qsort(v, n, sizeof(*v), owned_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i - 1].key, v[i].key))
			continue;
		if (!dups++)
			first = i;
	}
	if (!dups)
		return 0;
	key = v[first].key;
	a = v[first - 1].owner;
	b = v[first].owner;
	switch (kind) {
	case OWN_REGISTERED:
		relc_error_set(g->err, RELC_EGRAPH,
			       "registered name '%s' is claimed by both '%s' "
			       "and '%s'",
			       key, a, b);
		break;
	case OWN_INCLUDED:
		relc_error_set(g->err, RELC_EGRAPH,
			       "application '%s' is included by both '%s' and "
			       "'%s'",
			       key, a, b);
		break;
	case OWN_MODULE:
		relc_error_set(g->err, RELC_EGRAPH,
			       "module '%s' is in both '%s' and '%s'", key, a,
			       b);
		break;
	}
	if (dups > 1)
		relc_strbuf_addf(&g->err->msg, " (and %zu more)", dups - 1);
	return -1;
}

static int
check_owned(struct graph *g, enum owned_kind which)
{
	struct owned *v = NULL;
	size_t n = 0, alloc = 0, i, k;
	int r;

	for (i = 0; i < g->n; i++) {
		const struct relc_names *regs = &g->a[i].app->regs;
		const struct relc_names *mods = &g->a[i].app->mods;
		const struct namelist *incls = &g->a[i].incls;
		size_t cnt = which == OWN_REGISTERED ? regs->n
			     : which == OWN_INCLUDED ? incls->n
						     : mods->n;

		for (k = 0; k < cnt; k++) {
			RELC_ALLOC_GROW(v, n + 1, alloc);
			v[n].key = which == OWN_REGISTERED ? regs->v[k]
				   : which == OWN_INCLUDED ? incls->v[k]
							   : mods->v[k];
			v[n].owner = g->a[i].name;
			v[n].seq = n;
			n++;
		}
	}
	r = report_duplicates(g, v, n, which);
	free(v);
	return r;
}

/* Follow "is included by" upward to the application at the top. */
static const char *
find_top(const struct graph *g, const char *name)
{
	size_t hops;

	for (hops = 0; hops <= g->n; hops++) {
		const char *includer = NULL;
		size_t i;

		for (i = 0; i < g->n && !includer; i++)
			if (nl_index(&g->a[i].incls, name) >= 0)
				includer = g->a[i].name;
		if (!includer)
			return name;
		name = includer;
	}
	return NULL; /* included in a circle */
}

/*
 * add_top_apps_to_uses: a dependency on an application that some other
 * application includes becomes a dependency on that one's top application.
 */
static int
add_top_apps_to_uses(struct graph *g)
{
	struct namelist orig = {NULL, 0, 0};
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		struct gapp *a = &g->a[i];
		const char *my_top = find_top(g, a->name);

		if (!my_top)
			goto circle;
		orig.n = 0;
		for (k = 0; k < a->uses.n; k++)
			nl_push(&orig, a->uses.v[k]);
		for (k = 0; k < orig.n; k++) {
			const char *used = orig.v[k];
			const char *dep_app = NULL, *used_top;
			size_t j;

			if (!strcmp(used, my_top)) {
				nl_remove(&a->uses, my_top);
				continue;
			}
			/* keysearch(UsedApp, 1, InclApps): first includer */
			for (j = 0; j < g->n && !dep_app; j++)
				if (nl_index(&g->a[j].incls, used) >= 0)
					dep_app = g->a[j].name;
			if (!dep_app)
				continue;
			used_top = find_top(g, dep_app);
			if (!used_top)
				goto circle;
			if (nl_index(&a->uses, used_top) >= 0)
				nl_remove(&a->uses, used);
			else if (!strcmp(used_top, my_top))
				;
			else {
				nl_remove(&a->uses, used);
				nl_push(&a->uses, used_top);
			}
		}
	}
	free(orig.v);
	return 0;
circle:
	free(orig.v);
	return relc_error_set(g->err, RELC_EGRAPH,
			      "applications include each other in a circle "
			      "(see their included_applications)");
}

/* ---- sort_used_and_incl_appls -------------------------------------------- */

struct pos {
	size_t pos; /* index in the .rel, or SIZE_MAX: not there */
	size_t seq;
	const char *name;
};

static int
pos_cmp(const void *a, const void *b)
{
	const struct pos *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
sort_by_rel_position(const struct graph *g, struct namelist *l)
{
	struct pos *p;
	size_t i;

	if (l->n <= 1)
		return;
	RELC_ALLOC_ARRAY(p, l->n);
	for (i = 0; i < l->n; i++) {
		long idx = app_index(g, l->v[i]);

		p[i].pos = idx < 0 ? SIZE_MAX : (size_t)idx;
		p[i].seq = i;
		p[i].name = l->v[i];
	}
	qsort(p, l->n, sizeof(*p), pos_cmp);
	for (i = 0; i < l->n; i++)
		l->v[i] = p[i].name;
	free(p);
}

/* ---- sort_appls ---------------------------------------------------------- */

struct sorter {
	struct graph *g;
	size_t *w; /* the work list, as indices into g->a */
	size_t nw, aw;
	int *visited; /* by index */
	struct namelist missing;
	size_t *circular;
	size_t ncirc, acirc;
};

static int
is_visited_name(const struct sorter *s, const char *name)
{
	long i = app_index(s->g, name);

	return i >= 0 && s->visited[i];
}

/*
 * find_all: for each name in `names`, pull the application out of the rest
 * of the work list (w[from..]) unless it includes the checking app.
 * Returns the found ones (in `names` order) in found[].
 */
static void
find_all(struct sorter *s, const char *checking, const struct namelist *names,
	 size_t *rest, size_t *nrest, size_t *found, size_t *nfound,
	 struct namelist *notfound)
{
	size_t k;

	*nfound = 0;
	for (k = 0; k < names->n; k++) {
		const char *name = names->v[k];
		size_t j;

		for (j = 0; j < *nrest; j++)
			if (!strcmp(s->g->a[rest[j]].name, name))
				break;
		if (j < *nrest) {
			size_t app = rest[j];

			if (nl_index(&s->g->a[app].incls, checking) >= 0) {
				if (!is_visited_name(s, name))
					nl_push(notfound, name);
				continue;
			}
			found[(*nfound)++] = app;
			memmove(rest + j, rest + j + 1,
				(*nrest - j - 1) * sizeof(*rest));
			(*nrest)--;
		} else if (!is_visited_name(s, name)) {
			nl_push(notfound, name);
		}
	}
}

static int circular_error(struct graph *g, const size_t *c, size_t n);

static int
sort_appls(struct graph *g, size_t *out)
{
	struct sorter s;
	size_t nout = 0, *rest, *found, nrest, nfound, nfound2, i;
	struct namelist notfound = {NULL, 0, 0};
	int r = -1;

	memset(&s, 0, sizeof(s));
	s.g = g;
	s.visited = relc_xcalloc(g->n + 1, sizeof(*s.visited));
	RELC_ALLOC_ARRAY(s.w, g->n + 1);
	RELC_ALLOC_ARRAY(rest, g->n + 1);
	RELC_ALLOC_ARRAY(found, 2 * g->n + 2);
	for (i = 0; i < g->n; i++)
		s.w[i] = i;
	s.nw = g->n;
	while (s.nw) {
		size_t nidx = s.w[0];
		struct gapp *a = &g->a[nidx];
		size_t ncycle = 0, k;

		nrest = s.nw - 1;
		memcpy(rest, s.w + 1, nrest * sizeof(*rest));
		notfound.n = 0;
		find_all(&s, a->name, &a->uses, rest, &nrest, found, &nfound,
			 &notfound);
		for (k = 0; k < notfound.n; k++)
			if (!relc_names_has(a->opts, notfound.v[k]))
				nl_push(&s.missing, notfound.v[k]);
		notfound.n = 0;
		find_all(&s, a->name, &a->incls, rest, &nrest, found + nfound,
			 &nfound2, &notfound);
		for (k = 0; k < notfound.n; k++)
			nl_push(&s.missing, notfound.v[k]);
		nfound += nfound2;
		if (!nfound) {
			out[nout++] = nidx;
			s.visited[nidx] = 1;
			memmove(s.w, s.w + 1, (s.nw - 1) * sizeof(*s.w));
			s.nw--;
			continue;
		}
		/* The found apps go first; one seen before means a cycle. */
		for (k = 0; k < nfound; k++) {
			if (!s.visited[found[k]])
				continue;
			if (!ncycle++) {
				RELC_ALLOC_GROW(s.circular, s.ncirc + 1,
						s.acirc);
				s.circular[s.ncirc++] = nidx;
			}
			RELC_ALLOC_GROW(s.circular, s.ncirc + 1, s.acirc);
			s.circular[s.ncirc++] = found[k];
		}
		s.visited[nidx] = 1;
		s.nw = 0;
		for (k = 0; k < nfound; k++)
			if (!s.visited[found[k]] ||
			    !ncycle) /* del_apps(NewCircular, ...) */
				s.w[s.nw++] = found[k];
		s.w[s.nw++] = nidx;
		for (k = 0; k < nrest; k++)
			s.w[s.nw++] = rest[k];
	}
	if (s.ncirc) {
		circular_error(g, s.circular, s.ncirc);
		goto out;
	}
	if (s.missing.n) {
		relc_error_set(g->err, RELC_EGRAPH,
			       "undefined application '%s' not in the release",
			       s.missing.v[0]);
		goto out;
	}
	r = 0;
out:
	free(s.visited);
	free(s.w);
	free(rest);
	free(found);
	free(s.missing.v);
	free(s.circular);
	free(notfound.v);
	return r;
}

/*
 * Find one actual cycle among the applications systools found circular,
 * following the (rewritten) uses and includes, to print `a -> b -> a`.
 */
static int
find_cycle(const struct graph *g, const int *in_set, size_t at, int *state,
	   size_t *stack, size_t *depth)
{
	const struct gapp *a = &g->a[at];
	size_t k;

	state[at] = 1;
	stack[(*depth)++] = at;
	for (k = 0; k < a->uses.n + a->incls.n; k++) {
		const char *dep =
		    k < a->uses.n ? a->uses.v[k] : a->incls.v[k - a->uses.n];
		long j = app_index(g, dep);

		if (j < 0 || !in_set[j])
			continue;
		/* X includes Y and Y uses X is allowed. */
		if (k < a->uses.n && nl_index(&g->a[j].incls, a->name) >= 0)
			continue;
		if (state[j] == 1) {
			stack[(*depth)++] = (size_t)j;
			return 1;
		}
		if (!state[j] &&
		    find_cycle(g, in_set, (size_t)j, state, stack, depth))
			return 1;
	}
	state[at] = 2;
	(*depth)--;
	return 0;
}

static int
circular_error(struct graph *g, const size_t *c, size_t n)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	int *in_set = relc_xcalloc(g->n, sizeof(*in_set));
	int *state = relc_xcalloc(g->n, sizeof(*state));
	size_t *stack, depth = 0, i, start;
	int found = 0;

	RELC_ALLOC_ARRAY(stack, g->n + 1);
	/*
	 * systools names only the applications where it noticed the circle;
	 * look for the circle itself among all of them.
	 */
	for (i = 0; i < g->n; i++)
		in_set[i] = 1;
	for (i = 0; i < n && !found; i++)
		if (!state[c[i]])
			found =
			    find_cycle(g, in_set, c[i], state, stack, &depth);
	if (found) {
		/*
		 * stack ends with the repeated node: the cycle is
		 * stack[start..depth-2].  Print it from the application that
		 * comes first in the release, back to that one.
		 */
		size_t len, first;

		for (start = 0; stack[start] != stack[depth - 1]; start++)
			;
		len = depth - 1 - start;
		first = 0;
		for (i = 1; i < len; i++)
			if (stack[start + i] < stack[start + first])
				first = i;
		for (i = 0; i <= len; i++)
			relc_strbuf_addf(
			    &msg, "%s%s", i ? " -> " : "",
			    g->a[stack[start + (first + i) % len]].name);
	} else {
		for (i = 0; i < n; i++)
			relc_strbuf_addf(&msg, "%s%s", i ? ", " : "",
					 g->a[c[i]].name);
	}
	relc_error_set(g->err, RELC_EGRAPH,
		       "circular dependency between applications: %s", msg.buf);
	relc_strbuf_release(&msg);
	free(in_set);
	free(state);
	free(stack);
	return -1;
}

/* ---- the whole ----------------------------------------------------------- */

static void
to_names(struct relc_names *out, const struct namelist *l,
	 struct relc_arena *arena)
{
	size_t i;

	out->n = l->n;
	out->v = relc_arena_array(arena, l->n, sizeof(*out->v));
	out->t = relc_arena_array(arena, l->n, sizeof(*out->t));
	for (i = 0; i < l->n; i++) {
		out->v[i] = l->v[i];
		out->t[i] = relc_term_atom(arena, l->v[i]);
	}
}

int
relc_graph_sort(struct relc_bootapp **out, size_t *n,
		const struct relc_relspec *rel, struct relc_arena *arena,
		struct relc_error *err)
{
	struct graph g;
	size_t i, *order = NULL;
	int r = -1;

	g.n = rel->napps;
	g.err = err;
	g.a = relc_xcalloc(g.n + 1, sizeof(*g.a));
	for (i = 0; i < g.n; i++) {
		const struct relc_relapp *ra = &rel->apps[i];

		g.a[i].app = ra->app;
		g.a[i].name = ra->app->name;
		g.a[i].type = ra->type;
		g.a[i].opts = &ra->app->opts;
		nl_from(&g.a[i].uses, &ra->app->uses);
		nl_from(&g.a[i].incls,
			ra->has_incl ? &ra->incl : &ra->app->incls);
	}
	if (mandatory_apps(&g) || undefined_apps(&g) ||
	    check_owned(&g, OWN_REGISTERED) || check_owned(&g, OWN_INCLUDED) ||
	    add_top_apps_to_uses(&g))
		goto out;
	for (i = 0; i < g.n; i++) {
		sort_by_rel_position(&g, &g.a[i].incls);
		sort_by_rel_position(&g, &g.a[i].uses);
	}
	if (check_owned(&g, OWN_MODULE))
		goto out;
	RELC_ALLOC_ARRAY(order, g.n + 1);
	if (sort_appls(&g, order))
		goto out;
	*out = relc_arena_array(arena, g.n, sizeof(**out));
	for (i = 0; i < g.n; i++) {
		const struct gapp *a = &g.a[order[i]];
		struct relc_bootapp *b = &(*out)[i];

		b->app = a->app;
		b->type = a->type;
		to_names(&b->uses, &a->uses, arena);
		to_names(&b->incls, &a->incls, arena);
	}
	*n = g.n;
	r = 0;
out:
	for (i = 0; i < g.n; i++) {
		free(g.a[i].uses.v);
		free(g.a[i].incls.v);
	}
	free(g.a);
	free(order);
	return r;
}
