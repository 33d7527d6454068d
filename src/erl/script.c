/*
 * script.c: building the boot script, instruction by instruction, in the
 * order systools_make:generate_script/4 emits them.
 */
#include "relc/compat.h"
#include "relc/script.h"

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/config.h"
#include "relc/error.h"
#include "relc/graph.h"
#include "relc/otp.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "relc/xalloc.h"

/* A growable list of terms. */
struct tlist {
	const struct relc_term **v;
	size_t n, alloc;
};

static void
push(struct tlist *l, const struct relc_term *t)
{
	RELC_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = t;
}

static const struct relc_term *
atom(struct relc_arena *a, const char *name)
{
	return relc_term_atom(a, name);
}

static const struct relc_term *
pair(struct relc_arena *a, const char *tag, const struct relc_term *v)
{
	return relc_term_tuplev(a, 2, atom(a, tag), v);
}

static const struct relc_term *
ebin_path(struct relc_arena *a, const struct relc_app *app, unsigned flags)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const struct relc_term *t;

	if ((flags & RELC_SCRIPT_RELEASE_LIB) && app->origin != RELC_ORIGIN_OTP)
		relc_strbuf_addf(&sb, "$RELEASE_LIB/%s-%s/ebin", app->name,
				 app->vsn);
	else
		relc_strbuf_addf(&sb, "$ROOT/lib/%s-%s/ebin", app->name,
				 app->vsn);
	t = relc_term_string(a, sb.buf);
	relc_strbuf_release(&sb);
	return t;
}

/* A list of unique paths (systools' make_set keeps the first of each). */
static const struct relc_term *
path_set(struct relc_arena *a, const struct tlist *paths)
{
	struct tlist uniq = {NULL, 0, 0};
	const struct relc_term *t;
	size_t i, j;

	for (i = 0; i < paths->n; i++) {
		for (j = 0; j < uniq.n; j++)
			if (relc_term_equal(uniq.v[j], paths->v[i]))
				break;
		if (j == uniq.n)
			push(&uniq, paths->v[i]);
	}
	t = relc_term_list(a, uniq.n, uniq.v);
	free(uniq.v);
	return t;
}

const struct relc_term *
relc_script_pack_app(const struct relc_bootapp *b, unsigned otp_major,
		     struct relc_arena *a)
{
	const struct relc_app *app = b->app;
	struct tlist props = {NULL, 0, 0};
	const struct relc_term *t;

	push(&props, pair(a, "description", app->description));
	push(&props, pair(a, "vsn", app->vsn_term));
	push(&props, pair(a, "id", app->id));
	push(&props, pair(a, "modules", app->modules));
	push(&props, pair(a, "registered", app->registered));
	push(&props,
	     pair(a, "applications", relc_term_list(a, b->uses.n, b->uses.t)));
	if (otp_major >= 24)
		push(&props, pair(a, "optional_applications", app->optional));
	push(&props, pair(a, "included_applications",
			  relc_term_list(a, b->incls.n, b->incls.t)));
	push(&props, pair(a, "env", app->env));
	push(&props, pair(a, "maxT", app->max_t));
	push(&props, pair(a, "maxP", app->max_p));
	if (!relc_term_is_atom(app->start_phases, "undefined"))
		push(&props, pair(a, "start_phases", app->start_phases));
	if (app->mod->type != RELC_T_NIL)
		push(&props, pair(a, "mod", app->mod));
	t = relc_term_tuplev(a, 3, atom(a, "application"), atom(a, app->name),
			     relc_term_list(a, props.n, props.v));
	free(props.v);
	return t;
}

static int
in_atom_list(const struct relc_term *list, const char *name)
{
	size_t i;

	for (i = 0; i < relc_term_list_len(list); i++)
		if (relc_term_is_atom(list->u.list.v[i], name))
			return 1;
	return 0;
}

static int
atom_cmp(const void *x, const void *y)
{
	return relc_term_compare(*(const struct relc_term *const *)x,
				 *(const struct relc_term *const *)y);
}

/* lists:sort(Modules -- (Mandatory ++ Preloaded)), every occurrence. */
static const struct relc_term *
load_list(struct relc_arena *a, const struct relc_app *app,
	  const struct relc_otp *otp)
{
	struct tlist mods = {NULL, 0, 0};
	const struct relc_term *t;
	size_t i;

	for (i = 0; i < app->mods.n; i++)
		if (!in_atom_list(otp->mandatory, app->mods.v[i]) &&
		    !in_atom_list(otp->preloaded, app->mods.v[i]))
			push(&mods, app->mods.t[i]);
	if (mods.n > 1) {
		/* a stable sort: equal atoms are interchangeable anyway */
		qsort(mods.v, mods.n, sizeof(*mods.v), atom_cmp);
	}
	t = relc_term_list(a, mods.n, mods.v);
	free(mods.v);
	return t;
}

static int
has_app_term(const struct relc_term *t)
{
	return t->type == RELC_T_TUPLE && t->u.tuple.n == 3 &&
	       relc_term_is_atom(t->u.tuple.v[0], "application") &&
	       relc_term_is_atom(t->u.tuple.v[1], "kernel");
}

/*
 * The kernel processes of the target OTP, with the kernel application
 * term they carry (application_controller's start argument) replaced by
 * this release's kernel.
 */
static int
kernel_procs(struct tlist *out, const struct relc_otp *otp,
	     const struct relc_term *kernel, struct relc_arena *a,
	     struct relc_error *err)
{
	size_t i, k;
	int replaced = 0;

	for (i = 0; i < otp->nkernel_procs; i++) {
		const struct relc_term *kp = otp->kernel_procs[i];
		const struct relc_term *mfa = kp->u.tuple.v[2], *args;
		const struct relc_term **nargs;

		if (mfa->type != RELC_T_TUPLE || mfa->u.tuple.n != 3 ||
		    !relc_term_is_list(mfa->u.tuple.v[2]) ||
		    mfa->u.tuple.v[2]->type != RELC_T_LIST) {
			push(out, kp);
			continue;
		}
		args = mfa->u.tuple.v[2];
		nargs = relc_arena_array(a, args->u.list.n, sizeof(*nargs));
		for (k = 0; k < args->u.list.n; k++) {
			nargs[k] = args->u.list.v[k];
			if (has_app_term(nargs[k])) {
				nargs[k] = kernel;
				replaced = 1;
			}
		}
		push(out, relc_term_tuplev(
			      a, 3, kp->u.tuple.v[0], kp->u.tuple.v[1],
			      relc_term_tuplev(
				  a, 3, mfa->u.tuple.v[0], mfa->u.tuple.v[1],
				  relc_term_list(a, args->u.list.n, nargs))));
	}
	if (!replaced)
		return relc_error_set(err, RELC_EOTP,
				      "the target OTP's start_clean.script "
				      "starts no application_controller with "
				      "a kernel application");
	return 0;
}

int
relc_script_build(const struct relc_term **out, const char *name,
		  const char *vsn, const struct relc_bootapp *apps,
		  size_t napps, const struct relc_otp *otp, unsigned flags,
		  const char *prepend, struct relc_arena *a,
		  struct relc_error *err)
{
	const struct relc_term *pre =
	    prepend ? relc_term_string(a, prepend) : NULL;
	int any = 0; /* an application that is not OTP's */
	struct tlist in = {NULL, 0, 0}, paths = {NULL, 0, 0};
	const struct relc_term *kernel = NULL;
	size_t i, k;
	int r = -1;

	/* 1. preloaded modules, then kernel and stdlib's code */
	push(&in, pair(a, "preLoaded", otp->preloaded));
	push(&in, pair(a, "progress", atom(a, "preloaded")));
	for (i = 0; i < napps; i++)
		if (!strcmp(apps[i].app->name, "kernel") ||
		    !strcmp(apps[i].app->name, "stdlib"))
			push(&paths, ebin_path(a, apps[i].app, flags));
	push(&in, pair(a, "path", path_set(a, &paths)));
	push(&in, pair(a, "primLoad", otp->mandatory));
	push(&in, relc_term_tuplev(a, 1, atom(a, "kernel_load_completed")));
	push(&in, pair(a, "progress", atom(a, "kernel_load_completed")));

	/* 2. every application's modules */
	paths.n = 0;
	for (i = 0; i < napps; i++) {
		const struct relc_term *p = ebin_path(a, apps[i].app, flags);
		const struct relc_term *two[2];

		push(&paths, p);
		if (pre && apps[i].app->origin != RELC_ORIGIN_OTP) {
			any = 1;
			two[0] = pre;
			two[1] = p;
			push(&in, pair(a, "path", relc_term_list(a, 2, two)));
		} else {
			push(&in, pair(a, "path", relc_term_list(a, 1, &p)));
		}
		push(&in, pair(a, "primLoad", load_list(a, apps[i].app, otp)));
	}
	push(&in, pair(a, "progress", atom(a, "modules_loaded")));
	if (any) {
		struct tlist all = {NULL, 0, 0};

		push(&all, pre);
		for (k = 0; k < paths.n; k++)
			push(&all, paths.v[k]);
		push(&in, pair(a, "path", path_set(a, &all)));
		free(all.v);
	} else {
		push(&in, pair(a, "path", path_set(a, &paths)));
	}

	/* 3. the kernel processes */
	for (i = 0; i < napps; i++)
		if (!strcmp(apps[i].app->name, "kernel"))
			kernel = relc_script_pack_app(&apps[i], otp->major, a);
	if (!kernel) {
		relc_error_set(err, RELC_EBOOT,
			       "the release has no kernel application");
		goto out;
	}
	if (kernel_procs(&in, otp, kernel, a, err))
		goto out;
	push(&in, pair(a, "progress", atom(a, "init_kernel_started")));

	/* 4. load every application but kernel and those of type none */
	for (i = 0; i < napps; i++) {
		if (!strcmp(apps[i].app->name, "kernel") ||
		    apps[i].type == RELC_NONE)
			continue;
		push(&in,
		     pair(a, "apply",
			  relc_term_tuplev(
			      a, 3, atom(a, "application"), atom(a, "load"),
			      relc_term_list(
				  a, 1,
				  (const struct relc_term *[]){
				      relc_script_pack_app(&apps[i], otp->major,
							   a)}))));
	}
	push(&in, pair(a, "progress", atom(a, "applications_loaded")));

	/* 5. start those that are not included, load or none */
	for (i = 0; i < napps; i++) {
		int included = 0;

		if (apps[i].type == RELC_NONE || apps[i].type == RELC_LOAD)
			continue;
		for (k = 0; k < napps && !included; k++)
			included =
			    relc_names_has(&apps[k].incls, apps[i].app->name);
		if (included)
			continue;
		push(
		    &in,
		    pair(a, "apply",
			 relc_term_tuplev(
			     a, 3, atom(a, "application"),
			     atom(a, "start_boot"),
			     relc_term_list(a, 2,
					    (const struct relc_term *[]){
						atom(a, apps[i].app->name),
						atom(a, relc_start_type_name(
							    apps[i].type))}))));
	}

	/* 6. the end */
	if (!(flags & RELC_SCRIPT_NO_DOT_ERLANG))
		push(&in, pair(a, "apply",
			       relc_term_tuplev(a, 3, atom(a, "c"),
						atom(a, "erlangrc"),
						&relc_term_nil)));
	push(&in, pair(a, "progress", atom(a, "started")));

	*out =
	    relc_term_tuplev(a, 3, atom(a, "script"),
			     relc_term_tuplev(a, 2, relc_term_string(a, name),
					      relc_term_string(a, vsn)),
			     relc_term_list(a, in.n, in.v));
	r = 0;
out:
	free(in.v);
	free(paths.v);
	return r;
}

void
relc_script_format(struct relc_strbuf *out, const struct relc_term *t)
{
	relc_strbuf_addstr(out, "%% coding: utf-8\n");
	relc_term_print(out, t, 0);
	relc_strbuf_addstr(out, ".\n");
}
