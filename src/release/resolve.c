/*
 * resolve.c: the release's dependency closure and start types.
 */
#include "relc/compat.h"
#include "relc/resolve.h"

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "relc/xalloc.h"

struct node {
	const struct relc_app *app;
	enum relc_start_type type;
	int explicit_type;
	const struct relc_goal *goal;  /* the configured entry, if any */
	const struct relc_names *incl; /* the included apps in effect */
	int root;		       /* asked for by the release itself */
};

struct state {
	const struct relc_resolve_in *in;
	struct relc_arena *arena;
	struct relc_error *err;
	struct node *nodes;
	size_t n, alloc;
	size_t *order; /* post-order indices */
	size_t norder, aorder;
	const char **path; /* names on the DFS stack, for messages */
	size_t npath, apath;
};

static const char *const implicit_goals[] = {"kernel", "stdlib", "sasl"};
/* mix release's @default_apps, in its order */
static const char *const mix_goals[] = {"kernel", "stdlib", "elixir", "sasl"};

static const struct relc_goal *
find_goal(const struct relc_release_config *rel, const char *name)
{
	size_t i;

	for (i = 0; i < rel->ngoals; i++)
		if (!strcmp(rel->goals[i].name, name))
			return &rel->goals[i];
	return NULL;
}

static long
find_node(const struct state *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->nodes[i].app->name, name))
			return (long)i;
	return -1;
}

static int
not_found(struct state *s, const char *name, const char *vsn,
	  const struct relc_goal *goal)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT, found = RELC_STRBUF_INIT;
	size_t i;

	if (vsn)
		relc_strbuf_addf(&msg,
				 "cannot find version %s of application "
				 "'%s'",
				 vsn, name);
	else
		relc_strbuf_addf(&msg, "cannot find application '%s'", name);
	if (s->npath) {
		relc_strbuf_addstr(&msg, ", needed by ");
		for (i = 0; i < s->npath; i++)
			relc_strbuf_addf(&msg, "%s -> ", s->path[i]);
		relc_strbuf_addstr(&msg, name);
	}
	if (s->in->describe)
		s->in->describe(&found, s->in->ctx, name);
	if (found.len)
		relc_strbuf_addf(&msg, " (found: %s)", found.buf);
	else if (s->in->searched)
		relc_strbuf_addf(&msg, " (searched %s)", s->in->searched);
	if (!found.len && s->in->mix &&
	    (!strcmp(name, "elixir") || !strcmp(name, "iex")))
		relc_strbuf_addstr(&msg, ": a mix project's release holds "
					 "Elixir (set elixir_root:, or put "
					 "elixir on PATH)");
	if (!goal && s->npath) {
		/* Point at the configured application the chain starts at. */
		goal = find_goal(s->in->rel, s->path[0]);
	}
	if (goal)
		relc_error_at(s->err, RELC_EAPP, s->in->config_path, goal->line,
			      goal->col, "%s", msg.buf);
	else
		relc_error_set(s->err, RELC_EAPP, "%s", msg.buf);
	relc_strbuf_release(&msg);
	relc_strbuf_release(&found);
	return -1;
}

static int
check_incl_override(struct state *s, const struct relc_goal *g,
		    const struct relc_app *app)
{
	struct relc_strbuf has = RELC_STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < g->nincl; i++) {
		if (relc_names_has(&app->incls, g->incl[i]))
			continue;
		for (k = 0; k < app->incls.n; k++)
			relc_strbuf_addf(&has, "%s%s", k ? ", " : "",
					 app->incls.v[k]);
		relc_error_at(s->err, RELC_EAPP, s->in->config_path, g->line,
			      g->col,
			      "included_applications of '%s' lists '%s', "
			      "which %s does not include (it includes: %s)",
			      g->name, g->incl[i], app->path,
			      has.len ? has.buf : "nothing");
		relc_strbuf_release(&has);
		return -1;
	}
	return 0;
}

static int visit(struct state *s, const char *name, int optional, int root);

static int
visit_list(struct state *s, const struct relc_names *names,
	   const struct relc_names *optional)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (visit(s, names->v[i],
			  optional && relc_names_has(optional, names->v[i]), 0))
			return -1;
	return 0;
}

static int
visit(struct state *s, const char *name, int optional, int root)
{
	const struct relc_goal *g = find_goal(s->in->rel, name);
	const struct relc_app *app;
	struct node *nd;
	size_t idx;
	int r;

	long seen = find_node(s, name);

	if (seen >= 0) {
		/* done, or on the stack (a cycle systools reports) */
		s->nodes[seen].root |= root;
		return 0;
	}
	r = s->in->lookup(&app, s->in->ctx, name, g ? g->vsn : NULL, s->err);
	if (r < 0)
		return -1;
	if (r > 0)
		return optional && !g
			   ? 0
			   : not_found(s, name, g ? g->vsn : NULL, g);
	RELC_ALLOC_GROW(s->nodes, s->n + 1, s->alloc);
	idx = s->n++;
	nd = &s->nodes[idx];
	memset(nd, 0, sizeof(*nd));
	nd->app = app;
	nd->goal = g;
	nd->root = root;
	nd->incl = &app->incls;
	if (g && g->has_incl) {
		struct relc_names *o = relc_arena_alloc(s->arena, sizeof(*o));

		if (check_incl_override(s, g, app))
			return -1;
		o->n = g->nincl;
		o->v = g->incl;
		o->t = relc_arena_array(s->arena, g->nincl, sizeof(*o->t));
		for (size_t i = 0; i < g->nincl; i++)
			o->t[i] = relc_term_atom(s->arena, g->incl[i]);
		nd->incl = o;
	}
	if (g && g->type != RELC_START_DEFAULT) {
		nd->type = g->type;
		nd->explicit_type = 1;
	}
	RELC_ALLOC_GROW(s->path, s->npath + 1, s->apath);
	s->path[s->npath++] = app->name;
	/* nodes may move while recursing: use indices from here on. */
	if (visit_list(s, &app->uses, &app->opts) ||
	    visit_list(s, s->nodes[idx].incl, NULL))
		return -1;
	s->npath--;
	RELC_ALLOC_GROW(s->order, s->norder + 1, s->aorder);
	s->order[s->norder++] = idx;
	return 0;
}

/* Is a stronger than b?  (permanent > transient > temporary > load > none) */
static int
stronger(enum relc_start_type a, enum relc_start_type b)
{
	return b == RELC_START_DEFAULT || (a != RELC_START_DEFAULT && a < b);
}

static int
raise_type(struct node *nd, enum relc_start_type t)
{
	if (nd->explicit_type || !stronger(t, nd->type))
		return 0;
	nd->type = t;
	return 1;
}

static void
derive_types(struct state *s)
{
	size_t i, k;
	int changed = 1;

	for (i = 0; i < s->n; i++)
		if (!s->nodes[i].type && (s->nodes[i].goal || s->nodes[i].root))
			s->nodes[i].type = RELC_PERMANENT;
	while (changed) {
		changed = 0;
		for (i = 0; i < s->n; i++) {
			const struct node *nd = &s->nodes[i];
			enum relc_start_type t = nd->type, lt;

			if (!t)
				continue;
			lt = stronger(t, RELC_LOAD) ? RELC_LOAD : t;
			for (k = 0; k < nd->app->uses.n; k++) {
				long j = find_node(s, nd->app->uses.v[k]);

				if (j >= 0)
					changed |= raise_type(&s->nodes[j], t);
			}
			for (k = 0; k < nd->incl->n; k++) {
				long j = find_node(s, nd->incl->v[k]);

				if (j >= 0)
					changed |= raise_type(&s->nodes[j], lt);
			}
		}
	}
}

static const struct relc_names *
incl_of(const struct relc_relapp *ra)
{
	return ra->has_incl ? &ra->incl : &ra->app->incls;
}

static long
spec_index(const struct relc_relspec *rel, const char *name)
{
	size_t i;

	for (i = 0; i < rel->napps; i++)
		if (!strcmp(rel->apps[i].app->name, name))
			return (long)i;
	return -1;
}

static int
spec_included(const struct relc_relspec *rel, const char *name)
{
	size_t i;

	for (i = 0; i < rel->napps; i++)
		if (relc_names_has(incl_of(&rel->apps[i]), name))
			return 1;
	return 0;
}

int
relc_resolve_check_types(const struct relc_relspec *rel,
			 const struct relc_release_config *cfg,
			 const char *config_path, struct relc_error *err)
{
	size_t i, k;

	for (i = 0; i < rel->napps; i++) {
		const struct relc_relapp *ra = &rel->apps[i];

		if (!stronger(ra->type, RELC_LOAD) ||
		    spec_included(rel, ra->app->name))
			continue;
		for (k = 0; k < ra->app->uses.n; k++) {
			const char *dep = ra->app->uses.v[k];
			long j = spec_index(rel, dep);
			const struct relc_relapp *d;
			const struct relc_goal *g;

			if (j < 0 || relc_names_has(&ra->app->opts, dep) ||
			    spec_included(rel, dep))
				continue;
			d = &rel->apps[j];
			if (stronger(d->type, RELC_LOAD))
				continue;
			g = find_goal(cfg, dep);
			if (!g || g->type == RELC_START_DEFAULT)
				g = find_goal(cfg, ra->app->name);
			return relc_error_at(
			    err, RELC_EAPP, g ? config_path : NULL,
			    g ? g->line : 0, g ? g->col : 0,
			    "'%s' is started (%s) but needs '%s', which "
			    "is set to %s and so would not be running: "
			    "start '%s' too, or set '%s' to load",
			    ra->app->name, relc_start_type_name(ra->type), dep,
			    relc_start_type_name(d->type), dep, ra->app->name);
		}
	}
	return 0;
}

int
relc_resolve(struct relc_relspec *out, const struct relc_resolve_in *in,
	     struct relc_arena *arena, struct relc_error *err)
{
	const struct relc_release_config *rel = in->rel;
	struct state s;
	size_t i;
	int r = -1;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.arena = arena;
	s.err = err;
	memset(out, 0, sizeof(*out));
	if (in->mix) {
		for (i = 0; i < RELC_ARRAY_SIZE(mix_goals); i++)
			if (visit(&s, mix_goals[i], 0, 1))
				goto out;
	} else {
		for (i = 0; i < RELC_ARRAY_SIZE(implicit_goals); i++)
			if (visit(&s, implicit_goals[i], 0, 1))
				goto out;
	}
	if (rel->has_goals) {
		for (i = 0; i < rel->ngoals; i++)
			if (visit(&s, rel->goals[i].name, 0, 1))
				goto out;
	} else if (visit(&s, in->project_app ? in->project_app : rel->name, 0,
			 1)) {
		goto out;
	}
	/*
	 * iex loaded, so that a console can start IEx: not a root, so that
	 * it is `load` unless something started needs it (or the config
	 * says otherwise).
	 */
	if (in->mix && visit(&s, "iex", 0, 0))
		goto out;
	derive_types(&s);

	out->name = rel->name;
	out->erts_vsn = in->erts_vsn;
	out->vsn = rel->vsn;
	if (!out->vsn) {
		/* a mix release's version is the project's: its app's */
		long j = find_node(&s, in->project_app && !rel->has_goals
					   ? in->project_app
					   : rel->name);

		if (j < 0) {
			relc_error_at(err, RELC_ECONFIG, in->config_path,
				      rel->line, rel->col,
				      "release '%s' has no version: set "
				      "'version:' or include an application "
				      "named '%s'",
				      rel->name, rel->name);
			goto out;
		}
		out->vsn = s.nodes[j].app->vsn;
	}
	out->napps = s.norder;
	out->apps = relc_arena_array(arena, s.norder, sizeof(*out->apps));
	for (i = 0; i < s.norder; i++) {
		const struct node *nd = &s.nodes[s.order[i]];
		struct relc_relapp *ra = &out->apps[i];

		ra->app = nd->app;
		ra->type = nd->type ? nd->type : RELC_LOAD;
		if (nd->incl != &nd->app->incls) {
			ra->has_incl = 1;
			ra->incl = *nd->incl;
		}
	}
	r = 0;
out:
	free(s.nodes);
	free(s.order);
	free(s.path);
	return r;
}

const struct relc_term *
relc_relspec_term(const struct relc_relspec *rel, struct relc_arena *arena)
{
	const struct relc_term **apps, *v[4];
	size_t i, k;

	apps = relc_arena_array(arena, rel->napps, sizeof(*apps));
	for (i = 0; i < rel->napps; i++) {
		const struct relc_relapp *ra = &rel->apps[i];

		k = 0;
		v[k++] = relc_term_atom(arena, ra->app->name);
		v[k++] = relc_term_string(arena, ra->app->vsn);
		if (ra->type != RELC_PERMANENT)
			v[k++] = relc_term_atom(arena,
						relc_start_type_name(ra->type));
		if (ra->has_incl)
			v[k++] = relc_term_list(arena, ra->incl.n, ra->incl.t);
		apps[i] = relc_term_tuple(arena, k, v);
	}
	return relc_term_tuplev(
	    arena, 4, relc_term_atom(arena, "release"),
	    relc_term_tuplev(arena, 2, relc_term_string(arena, rel->name),
			     relc_term_string(arena, rel->vsn)),
	    relc_term_tuplev(arena, 2, relc_term_atom(arena, "erts"),
			     relc_term_string(arena, rel->erts_vsn)),
	    relc_term_list(arena, rel->napps, apps));
}
