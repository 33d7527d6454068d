/*
 * upfrom.c: the build side of a hot upgrade (upfrom.h).
 *
 * The old release is a source of files: a directory (read as needed) or
 * a tarball (read once through libarchive, keeping only what matters:
 * its .rel, start_erl.data, the .app and BEAM files of the applications
 * the new release does not have in the same version, its consolidated
 * protocols).  Nothing is extracted to disk.
 */
#include "relc/compat.h"
#include "relc/upfrom.h"

#include <stdlib.h>
#include <string.h>

#include "relc/appfile.h"
#include "relc/appup.h"
#include "relc/arena.h"
#include "relc/beam.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/oldrel.h"
#include "relc/path.h"
#include "relc/relfile.h"
#include "relc/relup.h"
#include "relc/script.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/term.h"
#include "relc/xalloc.h"

#define MAX_FILE (256u << 20) /* a BEAM file, a .rel, an .app */

int
relc_upfrom_is_path(const char *upfrom)
{
	return strchr(upfrom, '/') || relc_str_ends_with(upfrom, ".tar.gz") ||
	       relc_str_ends_with(upfrom, ".tgz") ||
	       relc_str_ends_with(upfrom, ".tar");
}

/*
 * Which file or directory holds the old release, and what it is for the
 * stamp's key, from stat() alone: a tarball; a relc release directory
 * (its stamp, rewritten by every build); another release directory (its
 * start_erl.data, releases/, each application's ebin/).
 */
static int
locate(struct relc_upfrom *u, const struct relc_upfrom_in *in,
       struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, rel = RELC_STRBUF_INIT;
	size_t i;
	int r = -1;

	if (relc_upfrom_is_path(in->upfrom)) {
		relc_path_resolve(&path, in->base, in->upfrom);
	} else {
		u->asked = in->upfrom;
		relc_strbuf_addf(&rel, "%s/releases", in->out_dir);
		if (relc_path_push(&rel, u->asked, "version", err))
			goto out;
		if (relc_fs_is_dir(rel.buf)) {
			relc_strbuf_addstr(&path, in->out_dir);
		} else if (in->archive && relc_fs_is_file(in->archive)) {
			relc_strbuf_addstr(&path, in->archive);
		} else {
			relc_error_set(err, RELC_EAPP,
				       "no release %s %s to upgrade from: %s "
				       "does not hold it%s%s; give upfrom the "
				       "path of its directory or tarball",
				       in->to->name, u->asked, in->out_dir,
				       in->archive ? " and there is no " : "",
				       in->archive ? in->archive : "");
			goto out;
		}
	}
	u->source = relc_arena_strdup(arena, path.buf);
	relc_strbuf_addf(&u->identity, "upfrom %s\n", in->upfrom);
	if (relc_fs_is_dir(path.buf)) {
		if (relc_oldrel_identity(&u->identity, path.buf, 0,
					 in->to->name, err))
			goto out;
	} else if (relc_fs_is_file(path.buf)) {
		u->is_tar = 1;
		relc_oldrel_identity(&u->identity, path.buf, 1, in->to->name,
				     err);
	} else {
		relc_error_set(err, RELC_EAPP,
			       "%s: no such release directory or tarball to "
			       "upgrade from",
			       path.buf);
		goto out;
	}
	/* the project's appups */
	for (i = 0; in->project && i < in->to->napps; i++) {
		relc_strbuf_reset(&rel);
		relc_strbuf_addf(&rel, "rel/appups/%s.appup",
				 in->to->apps[i].app->name);
		relc_path_resolve(&path, in->project, rel.buf);
		relc_stamp_input(&u->identity, path.buf);
	}
	r = 0;
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&rel);
	return r;
}

/* ---- its .rel and applications ------------------------------------------- */

/* The application `name` of a release, or NULL. */
static const struct relc_app *
find_app(const struct relc_relspec *rel, const char *name)
{
	size_t i;

	for (i = 0; i < rel->napps; i++)
		if (!strcmp(rel->apps[i].app->name, name))
			return rel->apps[i].app;
	return NULL;
}

/* The old release's .app of name-vsn. */
static int
old_app(const struct relc_app **out, const struct relc_oldrel *s,
	const char *name, const char *vsn, struct relc_arena *arena,
	struct relc_error *err)
{
	struct relc_strbuf rel = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT,
			   where = RELC_STRBUF_INIT;
	struct relc_app *app;
	int r = -1, rr;

	relc_strbuf_addf(&rel, "lib/%s-%s/ebin/%s.app", name, vsn, name);
	relc_strbuf_addf(&where, "%s/%s", s->where, rel.buf);
	rr = relc_oldrel_read(s, rel.buf, &data, err);
	if (rr < 0)
		goto out;
	if (rr) {
		relc_error_set(err, RELC_EAPP,
			       "%s has no %s: the release to upgrade from must "
			       "carry all its applications",
			       s->where, rel.buf);
		goto out;
	}
	app = relc_arena_alloc(arena, sizeof(*app));
	if (relc_appfile_parse(app, data.buf, data.len, where.buf, name, arena,
			       err))
		goto out;
	if (strcmp(app->vsn, vsn)) {
		relc_error_set(err, RELC_EAPP,
			       "%s: its vsn is \"%s\", the release says \"%s\"",
			       where.buf, app->vsn, vsn);
		goto out;
	}
	*out = app;
	r = 0;
out:
	relc_strbuf_release(&rel);
	relc_strbuf_release(&data);
	relc_strbuf_release(&where);
	return r;
}

static int
load_from(struct relc_upfrom *u, const struct relc_oldrel *s,
	  const struct relc_upfrom_in *in, struct relc_arena *arena,
	  struct relc_error *err)
{
	struct relc_strbuf rel = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT,
			   where = RELC_STRBUF_INIT;
	struct relc_relfile rf;
	size_t i;
	int r = -1, rr;

	relc_strbuf_addf(&rel, "releases/%s/%s.rel", u->vsn, s->name);
	relc_strbuf_addf(&where, "%s/%s", s->where, rel.buf);
	rr = relc_oldrel_read(s, rel.buf, &data, err);
	if (rr < 0)
		goto out;
	if (rr) {
		relc_error_set(err, RELC_EAPP,
			       "%s is not a release %s %s to upgrade from (no "
			       "%s)",
			       s->where, s->name, u->vsn, rel.buf);
		goto out;
	}
	if (relc_relfile_parse(&rf, data.buf, data.len, where.buf, arena, err))
		goto out;
	if (strcmp(rf.name, s->name)) {
		relc_error_set(err, RELC_EAPP,
			       "%s holds the release %s, not %s", s->where,
			       rf.name, s->name);
		goto out;
	}
	if (strcmp(rf.vsn, u->vsn)) {
		relc_error_set(err, RELC_EAPP, "%s: its version is %s, not %s",
			       where.buf, rf.vsn, u->vsn);
		goto out;
	}
	if (!strcmp(rf.vsn, in->to->vsn)) {
		relc_error_set(err, RELC_EAPP,
			       "%s is version %s, the version being built: "
			       "upgrades go from one version to another",
			       s->where, rf.vsn);
		goto out;
	}
	u->from.name = rf.name;
	u->from.vsn = rf.vsn;
	u->from.erts_vsn = rf.erts_vsn;
	u->from.napps = rf.napps;
	u->from.apps =
	    relc_arena_array(arena, rf.napps + 1, sizeof(*u->from.apps));
	for (i = 0; i < rf.napps; i++) {
		const struct relc_relfile_app *fa = &rf.apps[i];
		struct relc_relapp *ra = &u->from.apps[i];
		const struct relc_app *same = find_app(in->to, fa->name);

		if (same && !strcmp(same->vsn, fa->vsn))
			ra->app = same;
		else if (old_app(&ra->app, s, fa->name, fa->vsn, arena, err))
			goto out;
		ra->type = fa->type;
		ra->has_incl = fa->has_incl;
		ra->incl = fa->incl;
	}
	if (!find_app(&u->from, "sasl") || !find_app(in->to, "sasl")) {
		relc_error_set(
		    err, RELC_EAPP,
		    "hot upgrades need sasl (release_handler) in both "
		    "releases: %s %s has no sasl; add it to the release's "
		    "applications",
		    s->name, find_app(in->to, "sasl") ? u->vsn : in->to->vsn);
		goto out;
	}
	r = 0;
out:
	relc_strbuf_release(&rel);
	relc_strbuf_release(&data);
	relc_strbuf_release(&where);
	return r;
}

/* ---- appups -------------------------------------------------------------- */

/* The BEAM files of an application: the new one's ebin, or the old one's. */
static int
beams(struct relc_appup_mods *out, const char *app, const char *vsn,
      const struct relc_oldrel *s, const char *ebin, struct relc_arena *arena,
      struct relc_error *err)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT,
			   path = RELC_STRBUF_INIT;
	struct relc_beam_info *v;
	char **names = NULL;
	size_t n = 0, i;
	int r = -1, rr;

	if (s)
		relc_strbuf_addf(&dir, "lib/%s-%s/ebin", app, vsn);
	else
		relc_strbuf_addstr(&dir, ebin);
	if (s)
		rr = relc_oldrel_list(s, dir.buf, ".beam", &names, &n, err);
	else
		rr = relc_fs_list_dir(&names, &n, dir.buf, 0, err);
	if (rr < 0)
		goto out;
	v = relc_arena_array(arena, n + 1, sizeof(*v));
	out->app = app;
	out->vsn = vsn;
	out->mods = v;
	out->n = 0;
	for (i = 0; i < n; i++) {
		if (!relc_str_ends_with(names[i], ".beam") ||
		    names[i][0] == '.')
			continue;
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/%s", dir.buf, names[i]);
		if (s)
			rr = relc_oldrel_read(s, path.buf, &data, err);
		else
			rr = relc_fs_read_file(&data, path.buf, MAX_FILE, 0,
					       err);
		if (rr < 0)
			goto out;
		if (rr)
			continue;
		if (s) {
			relc_strbuf_reset(&path);
			relc_strbuf_addf(&path, "%s/%s/%s", s->where, dir.buf,
					 names[i]);
		}
		if (relc_beam_info(&v[out->n], data.buf, data.len, path.buf,
				   arena, err))
			goto out;
		out->n++;
	}
	r = 0;
out:
	relc_fs_free_names(names, n);
	relc_strbuf_release(&dir);
	relc_strbuf_release(&data);
	relc_strbuf_release(&path);
	return r;
}

/* Parse and check an application's own appup (`data`, read from path). */
static int
own_appup(const struct relc_term **appup, const struct relc_strbuf *data,
	  const char *path, const struct relc_app *to,
	  const struct relc_app *from, struct relc_arena *arena,
	  struct relc_error *err)
{
	const struct relc_term **terms;
	size_t nterms;

	if (relc_term_parse(&terms, &nterms, data->buf, data->len, 1, arena,
			    err)) {
		relc_error_set_path(err, path);
		return -1;
	}
	if (nterms != 1)
		return relc_error_set(err, RELC_ETERM, "%s: no appup term",
				      path);
	*appup = terms[0];
	return relc_appup_check(terms[0], path, to->name, to->vsn, &to->mods,
				from->vsn, &from->mods, arena, err);
}

/*
 * The appup of `to` from `from`: its own (ebin/APP.appup, or the
 * project's rel/appups/APP.appup, which the release then holds), else a
 * generated one.
 */
static int
make_appup(struct relc_upfrom_appup *up, struct relc_relup_appup *ru,
	   const struct relc_app *to, const struct relc_app *from,
	   const struct relc_oldrel *s, const char *project,
	   struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT,
			   rel = RELC_STRBUF_INIT;
	const struct relc_term *appup;
	struct relc_appup_mods old, new;
	int r = -1, in_ebin, in_rel = 0;

	up->app = to->name;
	relc_strbuf_addf(&path, "%s-%s", to->name, to->vsn);
	up->dirname = relc_arena_strdup(arena, path.buf);
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "lib/%s/ebin/%s.appup", up->dirname, to->name);
	up->dest = relc_arena_strdup(arena, path.buf);

	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/%s.appup", to->ebin, to->name);
	in_ebin = relc_fs_read_file(&data, path.buf, MAX_FILE, 1, err) == 0;
	if (relc_error_isset(err))
		goto out;
	if (project) {
		struct relc_strbuf abs = RELC_STRBUF_INIT;

		relc_strbuf_addf(&rel, "rel/appups/%s.appup", to->name);
		relc_path_resolve(&abs, project, rel.buf);
		in_rel = relc_fs_read_file(&up->text, abs.buf, MAX_FILE, 1,
					   err) == 0;
		relc_strbuf_release(&abs);
		if (relc_error_isset(err))
			goto out;
	}
	if (in_ebin && in_rel) {
		relc_error_set(err, RELC_EAPP,
			       "%s has two appups: %s and %s; keep one",
			       to->name, path.buf, rel.buf);
		goto out;
	}
	if (in_ebin || in_rel) {
		/* the application's own; from rel/appups/, into the release */
		if (in_ebin) {
			up->dest = NULL; /* the copy has it */
			up->path = relc_arena_strdup(arena, path.buf);
		} else {
			relc_strbuf_add(&data, up->text.buf, up->text.len);
			up->path = relc_arena_strdup(arena, rel.buf);
		}
		if (own_appup(&appup, &data, up->path, to, from, arena, err))
			goto out;
	} else {
		up->path = up->dest;
		up->generated = 1;
		if (beams(&new, to->name, to->vsn, NULL, to->ebin, arena,
			  err) ||
		    beams(&old, from->name, from->vsn, s, NULL, arena, err) ||
		    relc_appup_generate(&appup, &old, &new, arena, err))
			goto out;
		relc_strbuf_addf(&up->text,
				 "%%%% The appup of %s %s from and to %s, "
				 "generated by relc\n",
				 to->name, to->vsn, from->vsn);
		relc_term_print(&up->text, appup, 0);
		relc_strbuf_addstr(&up->text, ".\n");
	}
	ru->app = up->app;
	ru->appup = appup;
	ru->path = up->path;
	r = 0;
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&data);
	relc_strbuf_release(&rel);
	return r;
}

/* ---- consolidated protocols ---------------------------------------------- */

/*
 * A mix project's consolidated protocols are in releases/VSN/consolidated,
 * first on the code path (relfiles.c), and a relup knows only
 * applications: each script of the relup ends (after everything the
 * appups give, which may load an application's unconsolidated copy of a
 * protocol) with {apply, ...} instructions that point the code path at
 * the consolidated directory of the version switched to and load its
 * modules again, each purged first (load_file refuses a module with old
 * code).  The directory is made absolute on the node, from
 * code:root_dir() (the release root: upgrades need ERTS in the release),
 * so that a node that changed its working directory is still right.
 */

/* The abstract form of a call M:F(Args...) (erl_parse's, line 1). */
static const struct relc_term *
call(struct relc_arena *a, const char *m, const char *f,
     const struct relc_term *const *args, size_t nargs)
{
	const struct relc_term *one = relc_term_int(a, 1);

	return relc_term_tuplev(
	    a, 4, relc_term_atom(a, "call"), one,
	    relc_term_tuplev(a, 4, relc_term_atom(a, "remote"), one,
			     relc_term_tuplev(a, 3, relc_term_atom(a, "atom"),
					      one, relc_term_atom(a, m)),
			     relc_term_tuplev(a, 3, relc_term_atom(a, "atom"),
					      one, relc_term_atom(a, f))),
	    relc_term_list(a, nargs, args));
}

/* {apply, {M, F, Args}} */
static const struct relc_term *
apply(struct relc_arena *a, const char *m, const char *f,
      const struct relc_term *const *args, size_t nargs)
{
	return relc_term_tuplev(
	    a, 2, relc_term_atom(a, "apply"),
	    relc_term_tuplev(a, 3, relc_term_atom(a, m), relc_term_atom(a, f),
			     relc_term_list(a, nargs, args)));
}

/*
 * {apply, {erl_eval, expr, [code:F(consolidated?,
 * filename:join(code:root_dir(), "releases/VSN/consolidated")), []]}}
 */
static const struct relc_term *
path_op(struct relc_arena *a, const char *f, const char *vsn)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT;
	const struct relc_term *one = relc_term_int(a, 1), *join[2], *args[2],
			       *expr, *ev[2];
	size_t n = 0;

	relc_strbuf_addf(&dir, "releases/%s/consolidated", vsn);
	join[0] = call(a, "code", "root_dir", NULL, 0);
	join[1] = relc_term_tuplev(a, 3, relc_term_atom(a, "string"), one,
				   relc_term_string(a, dir.buf));
	if (!strcmp(f, "replace_path"))
		args[n++] =
		    relc_term_tuplev(a, 3, relc_term_atom(a, "atom"), one,
				     relc_term_atom(a, "consolidated"));
	args[n++] = call(a, "filename", "join", join, 2);
	expr = call(a, "code", f, args, n);
	ev[0] = expr;
	ev[1] = &relc_term_nil;
	relc_strbuf_release(&dir);
	return apply(a, "erl_eval", "expr", ev, 2);
}

/*
 * Script `script` with the protocols of `to` (its version and modules,
 * to_vsn NULL: it has none) loaded at its end; `from_has`: the release
 * left has a consolidated directory on its path.
 */
static const struct relc_term *
reload_protocols(const struct relc_term *script, const char *to_vsn,
		 char **to_mods, size_t nto, int from_has, char **from_mods,
		 size_t nfrom, struct relc_arena *a)
{
	const struct relc_term **v, *dir;
	size_t n = script->type == RELC_T_LIST ? script->u.list.n : 0, i, k;
	char **mods = to_vsn ? to_mods : from_mods;
	size_t nmods = to_vsn ? nto : nfrom;

	if (!to_vsn && !from_has)
		return script;
	v = relc_arena_array(a, n + 1 + 2 * nmods, sizeof(*v));
	for (k = 0; k < n; k++)
		v[k] = script->u.list.v[k];
	if (to_vsn) {
		v[k++] =
		    path_op(a, from_has ? "replace_path" : "add_patha", to_vsn);
	} else {
		/* back to the applications' own, unconsolidated */
		dir = relc_term_atom(a, "consolidated");
		v[k++] = apply(a, "code", "del_path", &dir, 1);
	}
	for (i = 0; i < nmods; i++) {
		const struct relc_term *m = relc_term_atom(a, mods[i]);

		v[k++] = apply(a, "code", "purge", &m, 1);
		v[k++] = apply(a, "code", "load_file", &m, 1);
	}
	return relc_term_list(a, k, v);
}

/* The module names of the .beam files in `names` (in place; others go). */
static size_t
beam_modules(char **names, size_t n)
{
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (!relc_str_ends_with(names[i], ".beam") ||
		    names[i][0] == '.') {
			free(names[i]);
			continue;
		}
		names[i][strlen(names[i]) - 5] = '\0';
		names[m++] = names[i];
	}
	return m;
}

/*
 * The relup {Vsn, [{UpFrom, Descr, Script}], [{DownTo, Descr, Script}]}
 * with the protocols reloaded at the end of each script.
 */
static int
add_protocols(const struct relc_term **relup, const struct relc_upfrom *u,
	      const struct relc_oldrel *s, const struct relc_upfrom_in *in,
	      struct relc_arena *a, struct relc_error *err)
{
	char **newm = NULL, **oldm = NULL;
	size_t nnew = 0, nold = 0, i, k;
	struct relc_strbuf dir = RELC_STRBUF_INIT;
	const struct relc_term *t = *relup, **top;
	int r = -1, old_has, new_has = in->consolidated != NULL;

	if (new_has &&
	    relc_fs_list_dir(&newm, &nnew, in->consolidated, 1, err) < 0)
		goto out;
	relc_strbuf_addf(&dir, "releases/%s/consolidated", u->vsn);
	if (relc_oldrel_list(s, dir.buf, ".beam", &oldm, &nold, err))
		goto out;
	nnew = beam_modules(newm, nnew);
	nold = beam_modules(oldm, nold);
	old_has = nold > 0;
	new_has = nnew > 0;
	if ((!old_has && !new_has) || t->type != RELC_T_TUPLE ||
	    t->u.tuple.n != 3) {
		r = 0;
		goto out;
	}
	top = relc_arena_array(a, 3, sizeof(*top));
	top[0] = t->u.tuple.v[0];
	for (i = 1; i <= 2; i++) {
		const struct relc_term *l = t->u.tuple.v[i], **e, *x, **sec;
		int up = i == 1;

		top[i] = l;
		if (l->type != RELC_T_LIST)
			continue;
		e = relc_arena_array(a, l->u.list.n, sizeof(*e));
		for (k = 0; k < l->u.list.n; k++) {
			x = l->u.list.v[k];
			sec = relc_arena_array(a, 3, sizeof(*sec));
			sec[0] = x->u.tuple.v[0];
			sec[1] = x->u.tuple.v[1];
			sec[2] =
			    up ? reload_protocols(x->u.tuple.v[2],
						  new_has ? in->to->vsn : NULL,
						  newm, nnew, old_has, oldm,
						  nold, a)
			       : reload_protocols(x->u.tuple.v[2],
						  old_has ? u->vsn : NULL, oldm,
						  nold, new_has, newm, nnew, a);
			e[k] = relc_term_tuple(a, 3, sec);
		}
		top[i] = relc_term_list(a, l->u.list.n, e);
	}
	*relup = relc_term_tuple(a, 3, top);
	r = 0;
out:
	relc_fs_free_names(newm, nnew);
	relc_fs_free_names(oldm, nold);
	relc_strbuf_release(&dir);
	return r;
}

/* ---- the whole ----------------------------------------------------------- */

int
relc_upfrom_locate(struct relc_upfrom *u, const struct relc_upfrom_in *in,
		   struct relc_arena *arena, struct relc_error *err)
{
	memset(u, 0, sizeof(*u));
	relc_strbuf_init(&u->relup, 0);
	relc_strbuf_init(&u->identity, 0);
	if (locate(u, in, arena, err)) {
		relc_upfrom_release(u);
		return -1;
	}
	return 0;
}

int
relc_upfrom_make(struct relc_upfrom *u, const struct relc_upfrom_in *in,
		 struct relc_arena *arena, struct relc_error *err)
{
	struct relc_oldrel s;
	struct relc_relup_in ri;
	struct relc_relup_appup *ru;
	const struct relc_term *relup;
	size_t i, k;
	int r = -1;

	memset(&s, 0, sizeof(s));
	if (relc_oldrel_open(&s, u->source, u->is_tar, in->to->name, in->to,
			     err) ||
	    relc_oldrel_vsn(&u->vsn, &s, u->asked, arena, err) ||
	    load_from(u, &s, in, arena, err))
		goto out;

	u->appups =
	    relc_arena_array(arena, in->to->napps + 1, sizeof(*u->appups));
	ru = relc_arena_array(arena, in->to->napps + 1, sizeof(*ru));
	for (i = 0; i < in->to->napps; i++) {
		const struct relc_app *to = in->to->apps[i].app, *from = NULL;

		for (k = 0; k < u->from.napps; k++)
			if (!strcmp(u->from.apps[k].app->name, to->name))
				from = u->from.apps[k].app;
		if (!from || !strcmp(from->vsn, to->vsn))
			continue;
		relc_strbuf_init(&u->appups[u->nappups].text, 0);
		if (make_appup(&u->appups[u->nappups], &ru[u->nappups], to,
			       from, &s, in->project, arena, err)) {
			u->nappups++;
			goto out;
		}
		u->nappups++;
	}
	memset(&ri, 0, sizeof(ri));
	ri.to = in->to;
	ri.from = &u->from;
	ri.appups = ru;
	ri.nappups = u->nappups;
	if (relc_relup_make(&relup, &ri, arena, err) ||
	    add_protocols(&relup, u, &s, in, arena, err))
		goto out;
	relc_script_format(&u->relup, relup);
	u->made = 1;
	r = 0;
out:
	relc_oldrel_release(&s);
	return r;
}

void
relc_upfrom_release(struct relc_upfrom *u)
{
	size_t i;

	for (i = 0; i < u->nappups; i++)
		relc_strbuf_release(&u->appups[i].text);
	u->nappups = 0;
	relc_strbuf_release(&u->relup);
	relc_strbuf_release(&u->identity);
}
