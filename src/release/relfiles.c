/*
 * relfiles.c: the contents of every file relc generates for a release:
 * the .rel file, the boot scripts, sys.config and vm.args, start_erl.data
 * and RELEASES, bin/NAME and the erl launcher.  It reads the project's
 * config/ files and rel/templates/; it writes nothing (the plan holds the
 * contents, the writer puts them on disk).
 */
#include "relc/compat.h"
#include "relc/relfiles.h"

#include <sys/stat.h>

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/beam.h"
#include "relc/config.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/fsutil.h"
#include "relc/graph.h"
#include "relc/otp.h"
#include "relc/path.h"
#include "relc/plan.h"
#include "relc/resolve.h"
#include "relc/script.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/template.h"
#include "relc/term.h"
#include "relc/upfrom.h"
#include "relc/userfiles.h"

#define MAX_TEXT_FILE ((size_t)1 << 20)
#define MAX_BEAM_FILE ((size_t)64 << 20)

struct gen {
	struct relc_plan *plan;
	const struct relc_plan_in *in;
	struct relc_arena *arena;
	struct relc_error *err;
	struct relc_strbuf reldir; /* "releases/VSN" */
};

/*
 * The contents of DIR/name, into the place relc_relfiles_list made for it
 * (the plan's list of files is not changed, so that a copy that reads it
 * can run meanwhile).
 */
static void
add(struct gen *g, const char *dir, const char *name, struct relc_strbuf *data,
    mode_t mode)
{
	struct relc_strbuf path = RELC_STRBUF_INIT;
	struct relc_plan_file *f;

	relc_strbuf_addstr(&path, dir);
	relc_path_append(&path, name);
	f = (struct relc_plan_file *)relc_plan_file(g->plan, path.buf);
	if (f) {
		relc_strbuf_release(&f->data);
		f->data = *data;
		f->mode = mode;
		relc_strbuf_init(data, 0);
	} else {
		RELC_BUG("'%s' was not listed", path.buf);
	}
	relc_strbuf_release(&path);
}

/* PROJECT/rel, without a "./" in front when PROJECT is ".". */
static void
project_path(const struct gen *g, struct relc_strbuf *sb, const char *rel)
{
	relc_path_resolve(sb, g->in->project, rel);
}

/* The OTP applications the release expects the target to have. */
static void
otp_app_list(const struct gen *g, struct relc_strbuf *out)
{
	size_t i;

	for (i = 0; i < g->plan->napps; i++) {
		const struct relc_plan_app *pa = &g->plan->apps[i];

		if (pa->how != RELC_PLAN_TARGET)
			continue;
		relc_strbuf_addf(out, "%s%s-%s", out->len ? " " : "",
				 pa->app->name, pa->app->vsn);
	}
}

/* Does the release hold Elixir (the application `elixir`)? */
static int
has_elixir(const struct gen *g)
{
	size_t i;

	for (i = 0; i < g->in->spec->napps; i++)
		if (!strcmp(g->in->spec->apps[i].app->name, "elixir"))
			return 1;
	return 0;
}

/*
 * Render template `name`: the project's rel/templates/NAME when there is
 * one, else relc's own.
 */
static int
render(struct gen *g, struct relc_strbuf *out, const char *name)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT,
			   otp_apps = RELC_STRBUF_INIT, rel = RELC_STRBUF_INIT;
	const struct relc_embedded *builtin;
	int got, r = -1;

	relc_strbuf_addstr(&rel, "rel/templates/");
	relc_strbuf_addstr(&rel, name);
	project_path(g, &path, rel.buf);
	got = relc_fs_read_file(&text, path.buf, MAX_TEXT_FILE, 1, g->err);
	if (got < 0)
		goto out;
	if (got == 1) {
		builtin = relc_template_find(name);
		if (!builtin) {
			relc_error_set(g->err, RELC_EINTERNAL,
				       "relc has no template '%s'", name);
			goto out;
		}
		relc_strbuf_reset(&text);
		relc_strbuf_add(&text, builtin->data, builtin->size);
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "templates/%s", name);
	}
	otp_app_list(g, &otp_apps);
	{
		const char *cookie_file = g->in->settings->cookie_file;
		const struct relc_tvar vars[] = {
		    {"release_name", g->plan->name},
		    {"release_vsn", g->plan->vsn},
		    {"erts_vsn", g->plan->erts_vsn},
		    {"include_erts", g->plan->erts_src ? "true" : "false"},
		    {"otp_apps", otp_apps.buf},
		    {"relc_version", g->in->relc_version},
		    {"cookie_file", cookie_file ? cookie_file : ""},
		    {"elixir", has_elixir(g) ? "true" : "false"},
		    {"release_env", g->in->env ? g->in->env : ""},
		};

		relc_strbuf_reset(out);
		r = relc_template_render(out, text.buf, text.len, vars,
					 RELC_ARRAY_SIZE(vars), path.buf,
					 g->err);
	}
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	relc_strbuf_release(&otp_apps);
	relc_strbuf_release(&rel);
	return r;
}

static unsigned
script_flags(const struct gen *g)
{
	return RELC_SCRIPT_NO_DOT_ERLANG |
	       (g->plan->erts_src ? 0 : RELC_SCRIPT_RELEASE_LIB);
}

/* Where the boot scripts find releases/VSN/consolidated, or NULL. */
static const char *
consolidated_path(struct gen *g)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const char *p;

	if (!g->in->consolidated)
		return NULL;
	if (script_flags(g) & RELC_SCRIPT_RELEASE_LIB)
		relc_strbuf_addf(&sb, "$RELEASE_LIB/../%s/consolidated",
				 g->reldir.buf);
	else
		relc_strbuf_addf(&sb, "$ROOT/%s/consolidated", g->reldir.buf);
	p = relc_arena_strdup(g->arena, sb.buf);
	relc_strbuf_release(&sb);
	return p;
}

static int
script(struct gen *g, const char *name, const struct relc_term *t,
       int with_text)
{
	struct relc_strbuf data = RELC_STRBUF_INIT, file = RELC_STRBUF_INIT;
	int r = -1;

	if (with_text) {
		relc_script_format(&data, t);
		relc_strbuf_addf(&file, "%s.script", name);
		add(g, g->reldir.buf, file.buf, &data, 0644);
	}
	relc_strbuf_reset(&file);
	if (relc_etf_encode(&data, t, g->in->otp->major, g->err))
		goto out;
	relc_strbuf_addf(&file, "%s.boot", name);
	add(g, g->reldir.buf, file.buf, &data, 0644);
	r = 0;
out:
	relc_strbuf_release(&data);
	relc_strbuf_release(&file);
	return r;
}

/*
 * start: the release.  start_clean: the same applications, loaded but not
 * started (kernel and stdlib run), for `eval` and maintenance.
 * no_dot_erlang: kernel and stdlib only, for the helper nodes of
 * bin/NAME.  None of the three runs $HOME/.erlang.
 */
static int
boot_files(struct gen *g)
{
	const struct relc_plan_in *in = g->in;
	const struct relc_relspec *spec = in->spec;
	struct relc_bootapp *clean, *mboot;
	struct relc_relspec minimal = *spec;
	struct relc_relapp base[2];
	const struct relc_term *t;
	size_t i, nm = 0, nmboot;
	unsigned flags = script_flags(g);
	const char *cons = consolidated_path(g);

	if (relc_script_build(&t, spec->name, spec->vsn, in->boot, in->nboot,
			      in->otp, flags, cons, g->arena, g->err) ||
	    script(g, "start", t, 1))
		return -1;

	clean = relc_arena_array(g->arena, in->nboot, sizeof(*clean));
	for (i = 0; i < in->nboot; i++) {
		clean[i] = in->boot[i];
		if (strcmp(clean[i].app->name, "kernel") &&
		    strcmp(clean[i].app->name, "stdlib") &&
		    clean[i].type != RELC_NONE)
			clean[i].type = RELC_LOAD;
	}
	if (relc_script_build(&t, spec->name, spec->vsn, clean, in->nboot,
			      in->otp, flags, cons, g->arena, g->err) ||
	    script(g, "start_clean", t, 0))
		return -1;

	for (i = 0; i < spec->napps && nm < 2; i++)
		if (!strcmp(spec->apps[i].app->name, "kernel") ||
		    !strcmp(spec->apps[i].app->name, "stdlib"))
			base[nm++] = spec->apps[i];
	minimal.apps = base;
	minimal.napps = nm;
	if (relc_graph_sort(&mboot, &nmboot, &minimal, g->arena, g->err) ||
	    relc_script_build(&t, spec->name, spec->vsn, mboot, nmboot, in->otp,
			      flags, NULL, g->arena, g->err))
		return -1;
	return script(g, "no_dot_erlang", t, 0);
}

/*
 * releases/RELEASES, as release_handler reads it, with lib paths relative
 * to the release root (the node runs there).  Only a release that carries
 * its own ERTS and OTP applications can be upgraded, so only it has one.
 */
static void
releases_file(struct gen *g)
{
	const struct relc_relspec *spec = g->in->spec;
	const struct relc_term **apps, *rel;
	struct relc_strbuf data = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT;
	struct relc_arena *a = g->arena;
	size_t i;

	apps = relc_arena_array(a, spec->napps, sizeof(*apps));
	for (i = 0; i < spec->napps; i++) {
		const struct relc_app *app = spec->apps[i].app;

		relc_strbuf_reset(&dir);
		relc_strbuf_addf(&dir, "./lib/%s-%s", app->name, app->vsn);
		apps[i] = relc_term_tuplev(a, 3, relc_term_atom(a, app->name),
					   relc_term_string(a, app->vsn),
					   relc_term_string(a, dir.buf));
	}
	rel = relc_term_tuplev(
	    a, 6, relc_term_atom(a, "release"), relc_term_string(a, spec->name),
	    relc_term_string(a, spec->vsn), relc_term_string(a, spec->erts_vsn),
	    relc_term_list(a, spec->napps, apps),
	    relc_term_atom(a, "permanent"));
	relc_script_format(&data, relc_term_list(a, 1, &rel));
	add(g, "releases", "RELEASES", &data, 0644);
	relc_strbuf_release(&data);
	relc_strbuf_release(&dir);
}

/*
 * releases/VSN/consolidated/NAME.beam for each BEAM file of the project's
 * consolidated protocols (as mix's copy_ebin: the BEAM files only).
 */
static int
list_consolidated(struct relc_plan *plan, const struct relc_plan_in *in,
		  const char *reldir, struct relc_arena *arena,
		  struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, src = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i, len;
	int r;

	if (!in->consolidated)
		return 0;
	r = relc_fs_list_dir(&names, &n, in->consolidated, 1, err);
	if (r < 0)
		return -1;
	for (i = 0; i < n; i++) {
		len = strlen(names[i]);
		if (len <= 5 || strcmp(names[i] + len - 5, ".beam") ||
		    names[i][0] == '.')
			continue;
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/consolidated/%s", reldir, names[i]);
		relc_strbuf_reset(&src);
		relc_strbuf_addstr(&src, in->consolidated);
		relc_path_append(&src, names[i]);
		relc_plan_add(plan, arena, RELC_PLAN_DATA, path.buf, src.buf,
			      0644);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&path);
	relc_strbuf_release(&src);
	return 0;
}

/* Their contents: the BEAM files, stripped as the applications' are. */
static int
render_consolidated(struct gen *g)
{
	struct relc_strbuf prefix = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT;
	size_t i;
	int r = -1;

	relc_strbuf_addf(&prefix, "%s/consolidated/", g->reldir.buf);
	for (i = 0; i < g->plan->nfiles; i++) {
		struct relc_plan_file *f = &g->plan->files[i];

		if (strncmp(f->path, prefix.buf, prefix.len) || !f->src)
			continue;
		relc_strbuf_reset(&data);
		if (relc_fs_read_file(&data, f->src, MAX_BEAM_FILE, 0, g->err) <
		    0)
			goto out;
		relc_strbuf_reset(&f->data);
		if (g->in->settings->strip_beams) {
			if (relc_beam_strip(&f->data, data.buf, data.len,
					    f->src, g->err))
				goto out;
		} else {
			relc_strbuf_add(&f->data, data.buf, data.len);
		}
	}
	r = 0;
out:
	relc_strbuf_release(&prefix);
	relc_strbuf_release(&data);
	return r;
}

int
relc_relfiles_upgrade(struct relc_plan *plan, const struct relc_upfrom *u,
		      struct relc_arena *arena)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT;
	struct relc_plan_file *f = NULL;
	size_t i;

	relc_strbuf_addf(&path, "releases/%s/relup", plan->vsn);
	for (i = 0; i < plan->nfiles; i++)
		if (!strcmp(plan->files[i].path, path.buf))
			f = &plan->files[i];
	if (f) {
		relc_strbuf_reset(&f->data);
		relc_strbuf_add(&f->data, u->relup.buf, u->relup.len);
	}
	for (i = 0; i < u->nappups; i++) {
		if (!u->appups[i].dest)
			continue;
		relc_strbuf_add(&data, u->appups[i].text.buf,
				u->appups[i].text.len);
		relc_plan_add_file(plan, arena, u->appups[i].dest, &data, 0644);
	}
	relc_plan_sort(plan);
	relc_strbuf_release(&path);
	relc_strbuf_release(&data);
	return f ? 0 : -1;
}

int
relc_relfiles_list(struct relc_plan *plan, const struct relc_plan_in *in,
		   struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT,
			   empty = RELC_STRBUF_INIT;
	static const char *const in_reldir[] = {
	    "%s.rel",
	    "start.script",
	    "start.boot",
	    "start_clean.boot",
	    "no_dot_erlang.boot",
	    "libexec/release_ctl",
	    "libexec/release_remote_ctl",
	};
	size_t i;
	int r = -1;

	relc_strbuf_addstr(&dir, "releases");
	if (relc_path_push(&dir, plan->vsn, "release version", err))
		goto out;
	for (i = 0; i < RELC_ARRAY_SIZE(in_reldir); i++) {
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/", dir.buf);
		if (i == 0)
			relc_strbuf_addf(&path, "%s.rel", plan->name);
		else
			relc_strbuf_addstr(&path, in_reldir[i]);
		relc_plan_add_file(plan, arena, path.buf, &empty,
				   strchr(in_reldir[i], '/') ? 0755 : 0644);
	}
	relc_plan_add_file(plan, arena, "releases/start_erl.data", &empty,
			   0644);
	if (list_consolidated(plan, in, dir.buf, arena, err))
		goto out;
	/* a hot upgrade's relup: made when the release is (upfrom.c) */
	if (in->upfrom) {
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/relup", dir.buf);
		relc_plan_add_file(plan, arena, path.buf, &empty, 0644);
	}
	if (plan->erts_src) {
		relc_plan_add_file(plan, arena, "releases/RELEASES", &empty,
				   0644);
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/bin/erl", plan->erts_dirname);
		relc_plan_add_file(plan, arena, path.buf, &empty, 0755);
	}
	relc_strbuf_reset(&path);
	relc_strbuf_addstr(&path, "bin");
	if (relc_path_push(&path, plan->name, "release name", err))
		goto out;
	relc_plan_add_file(plan, arena, path.buf, &empty, 0755);
	r = 0;
out:
	relc_strbuf_release(&dir);
	relc_strbuf_release(&path);
	return r;
}

void
relc_relfiles_inputs(struct relc_strbuf *out, const struct relc_plan_in *in)
{
	static const char *const project_files[] = {
	    "rel/templates/bin",
	    "rel/templates/erl",
	    "rel/templates/vm.args",
	    "rel/templates/release_ctl",
	    "rel/templates/release_remote_ctl",
	};
	struct relc_strbuf path = RELC_STRBUF_INIT;
	size_t i, k;

	relc_strbuf_addf(out, "otp %s %s %s %u\n", in->otp->root,
			 in->otp->version, in->otp->erts_vsn, in->otp->major);
	for (i = 0; i < in->spec->napps; i++) {
		const struct relc_relapp *ra = &in->spec->apps[i];

		relc_strbuf_addf(out, "rel %s %s %s %d", ra->app->name,
				 ra->app->vsn, relc_start_type_name(ra->type),
				 ra->has_incl);
		for (k = 0; k < ra->incl.n; k++)
			relc_strbuf_addf(out, " %s", ra->incl.v[k]);
		relc_strbuf_addch(out, '\n');
		relc_stamp_input(out, ra->app->path);
	}
	for (i = 0; i < in->nboot; i++)
		relc_strbuf_addf(out, "boot %s %s\n", in->boot[i].app->name,
				 relc_start_type_name(in->boot[i].type));
	for (i = 0; i < RELC_ARRAY_SIZE(project_files); i++) {
		relc_path_resolve(&path, in->project, project_files[i]);
		relc_stamp_input(out, path.buf);
	}
	if (in->upfrom)
		relc_strbuf_add(out, in->upfrom->identity.buf,
				in->upfrom->identity.len);
	/* the listing (its files are the plan's sources, userfiles.c) */
	if (in->consolidated) {
		relc_strbuf_addstr(out, "consolidated\n");
		relc_stamp_input(out, in->consolidated);
	}
	relc_strbuf_release(&path);
}

int
relc_relfiles_render(struct relc_plan *plan, const struct relc_plan_in *in,
		     struct relc_arena *arena, struct relc_error *err)
{
	struct gen g;
	struct relc_strbuf data = RELC_STRBUF_INIT, name = RELC_STRBUF_INIT;
	int r = -1;

	g.plan = plan;
	g.in = in;
	g.arena = arena;
	g.err = err;
	relc_strbuf_init(&g.reldir, 0);
	relc_strbuf_addstr(&g.reldir, "releases");
	if (relc_path_push(&g.reldir, plan->vsn, "release version", err))
		goto out;

	relc_script_format(&data, relc_relspec_term(in->spec, arena));
	relc_strbuf_addf(&name, "%s.rel", plan->name);
	add(&g, g.reldir.buf, name.buf, &data, 0644);
	if (boot_files(&g) || render_consolidated(&g) ||
	    relc_userfiles_render(plan, in, arena, err))
		goto out;
	relc_strbuf_reset(&data);
	relc_strbuf_addf(&data, "%s %s", plan->erts_vsn, plan->vsn);
	add(&g, "releases", "start_erl.data", &data, 0644);
	if (plan->erts_src) {
		releases_file(&g);
		relc_strbuf_reset(&name);
		relc_strbuf_addf(&name, "%s/bin", plan->erts_dirname);
		if (render(&g, &data, "erl"))
			goto out;
		add(&g, name.buf, "erl", &data, 0755);
	}
	if (render(&g, &data, "bin"))
		goto out;
	add(&g, "bin", plan->name, &data, 0755);
	relc_strbuf_reset(&name);
	relc_strbuf_addf(&name, "%s/libexec", g.reldir.buf);
	if (render(&g, &data, "release_ctl"))
		goto out;
	add(&g, name.buf, "release_ctl", &data, 0755);
	if (render(&g, &data, "release_remote_ctl"))
		goto out;
	add(&g, name.buf, "release_remote_ctl", &data, 0755);
	r = 0;
out:
	relc_strbuf_release(&g.reldir);
	relc_strbuf_release(&data);
	relc_strbuf_release(&name);
	return r;
}

int
relc_relfiles_template(struct relc_strbuf *out, struct relc_plan *plan,
		       const struct relc_plan_in *in, const char *name,
		       struct relc_error *err)
{
	struct gen g;

	g.plan = plan;
	g.in = in;
	g.arena = NULL;
	g.err = err;
	relc_strbuf_init(&g.reldir, 0);
	return render(&g, out, name);
}
