/*
 * plan.c: the release's layout (see plan.h).  Every "does the release
 * carry X, and how" is answered in relc_plan_make and nowhere else.
 */
#include "relc/compat.h"
#include "relc/plan.h"

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/config.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/hash.h"
#include "relc/otp.h"
#include "relc/path.h"
#include "relc/relfiles.h"
#include "relc/resolve.h"
#include "relc/userfiles.h"
#include "relc/xalloc.h"

struct relc_plan_file *
relc_plan_add(struct relc_plan *plan, struct relc_arena *arena,
	      enum relc_plan_kind kind, const char *path, const char *src,
	      mode_t mode)
{
	struct relc_plan_file *f;

	RELC_ALLOC_GROW(plan->files, plan->nfiles + 1, plan->afiles);
	f = &plan->files[plan->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = relc_arena_strdup(arena, path);
	f->mode = mode;
	f->kind = kind;
	f->src = src ? relc_arena_strdup(arena, src) : NULL;
	return f;
}

void
relc_plan_add_file(struct relc_plan *plan, struct relc_arena *arena,
		   const char *path, struct relc_strbuf *data, mode_t mode)
{
	struct relc_plan_file *f =
	    relc_plan_add(plan, arena, RELC_PLAN_DATA, path, NULL, mode);

	f->data = *data;
	relc_strbuf_init(data, 0);
}

static int
cmp_files(const void *a, const void *b)
{
	return strcmp(((const struct relc_plan_file *)a)->path,
		      ((const struct relc_plan_file *)b)->path);
}

/* (The list is sorted once relc_plan_make is done.) */
const struct relc_plan_file *
relc_plan_file(const struct relc_plan *plan, const char *path)
{
	struct relc_plan_file key;

	memset(&key, 0, sizeof(key));
	key.path = path;
	return plan->nfiles ? bsearch(&key, plan->files, plan->nfiles,
				      sizeof(*plan->files), cmp_files)
			    : NULL;
}

/*
 * How the release holds `app`.  OTP's own applications come from the
 * target when the release carries no ERTS (relx's system_libs follows
 * include_erts the same way); in dev_mode the project's own applications
 * are linked, so that a recompile shows without a rebuild.
 */
static enum relc_plan_how
how(const struct relc_plan *plan, const struct relc_otp *otp,
    const struct relc_app *app)
{
	/* a distribution's package in OTP's lib/ is not the target's OTP's */
	if (app->origin == RELC_ORIGIN_OTP && !plan->system_libs &&
	    relc_otp_is_own(otp, app->name, app->vsn))
		return RELC_PLAN_TARGET;
	if (plan->dev_mode && app->origin == RELC_ORIGIN_PROJECT)
		return RELC_PLAN_LINK;
	return RELC_PLAN_COPY;
}

/* The text of LIB/NAME-VSN's link to the application's directory. */
static int
link_text(const char **out, const struct relc_plan_in *in,
	  const struct relc_app *app, struct relc_arena *arena,
	  struct relc_error *err)
{
	struct relc_strbuf lib = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT,
			   rel = RELC_STRBUF_INIT;
	int r = -1;

	relc_strbuf_addstr(&rel, in->out_dir);
	relc_path_append(&rel, "lib");
	if (relc_fs_abspath(&lib, rel.buf, err) ||
	    relc_fs_realpath(&dir, app->dir, err))
		goto out;
	relc_path_relative(&rel, lib.buf, dir.buf);
	*out = relc_arena_strdup(arena, rel.buf);
	r = 0;
out:
	relc_strbuf_release(&lib);
	relc_strbuf_release(&dir);
	relc_strbuf_release(&rel);
	return r;
}

int
relc_plan_render(struct relc_plan *plan, const struct relc_plan_in *in,
		 struct relc_arena *arena, struct relc_error *err)
{
	return relc_relfiles_render(plan, in, arena, err);
}

int
relc_plan_make(struct relc_plan *out, const struct relc_plan_in *in,
	       struct relc_arena *arena, struct relc_error *err)
{
	const struct relc_settings *s = in->settings;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;
	int r = -1;

	memset(out, 0, sizeof(*out));
	out->name = in->spec->name;
	out->vsn = in->spec->vsn;
	out->env = in->env;
	out->erts_vsn = in->spec->erts_vsn;
	out->system_libs = s->include_erts;
	out->dev_mode = s->dev_mode;
	out->follow_external_links = s->follow_external_links;
	if (s->include_erts) {
		relc_strbuf_addf(&sb, "erts-%s", out->erts_vsn);
		if (!relc_path_component_ok(sb.buf, sb.len)) {
			relc_error_set(err, RELC_EOTP,
				       "ERTS version '%s' cannot be used in a "
				       "file name",
				       out->erts_vsn);
			goto out;
		}
		out->erts_dirname = relc_arena_strdup(arena, sb.buf);
		relc_strbuf_reset(&sb);
		relc_strbuf_addf(&sb, "%s/%s/bin", in->otp->root,
				 out->erts_dirname);
		out->erts_src = relc_arena_strdup(arena, sb.buf);
	}

	out->napps = in->spec->napps;
	out->apps = relc_arena_array(arena, out->napps, sizeof(*out->apps));
	for (i = 0; i < out->napps; i++) {
		struct relc_plan_app *pa = &out->apps[i];
		const struct relc_app *app = in->spec->apps[i].app;

		pa->app = app;
		relc_strbuf_reset(&sb);
		relc_strbuf_addf(&sb, "%s-%s", app->name, app->vsn);
		if (!relc_path_component_ok(sb.buf, sb.len)) {
			relc_error_at(err, RELC_EAPP, app->path, 0, 0,
				      "application directory '%s' cannot be "
				      "used as a file name",
				      sb.buf);
			goto out;
		}
		pa->dirname = relc_arena_strdup(arena, sb.buf);
		pa->how = how(out, in->otp, app);
		pa->subdirs = RELC_PLAN_EBIN | RELC_PLAN_PRIV;
		if (s->include_src)
			pa->subdirs |= RELC_PLAN_SRC | RELC_PLAN_INCLUDE;
		pa->strip = s->strip_beams;
		if (pa->how == RELC_PLAN_LINK &&
		    link_text(&pa->link, in, app, arena, err))
			goto out;
	}
	if (relc_relfiles_list(out, in, arena, err) ||
	    relc_userfiles_list(out, in, arena, err))
		goto out;
	relc_plan_sort(out);
	if (relc_userfiles_check(out, err))
		goto out;
	relc_relfiles_inputs(&out->inputs, in);
	relc_userfiles_inputs(&out->inputs, out, in);

	out->naliases = 2;
	out->aliases = relc_arena_array(arena, 2, sizeof(*out->aliases));
	relc_plan_rel_aliases(out->aliases, out->name, out->vsn, arena);
	r = 0;
out:
	relc_strbuf_release(&sb);
	return r;
}

void
relc_plan_rel_aliases(struct relc_archive_alias out[2], const char *name,
		      const char *vsn, struct relc_arena *arena)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	/* release_handler:unpack_release/1 looks for releases/NAME.rel */
	relc_strbuf_addf(&sb, "releases/%s/%s.rel", vsn, name);
	out[0].source = out[1].source = relc_arena_strdup(arena, sb.buf);
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "releases/%s.rel", name);
	out[0].path = relc_arena_strdup(arena, sb.buf);
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "releases/%s-%s.rel", name, vsn);
	out[1].path = relc_arena_strdup(arena, sb.buf);
	relc_strbuf_release(&sb);
}

void
relc_plan_sort(struct relc_plan *plan)
{
	qsort(plan->files, plan->nfiles, sizeof(*plan->files), cmp_files);
}

void
relc_plan_seal_fingerprints(struct relc_plan *plan)
{
	struct relc_strbuf prefix = RELC_STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < plan->napps; i++) {
		struct relc_plan_app *pa = &plan->apps[i];
		struct relc_hash h;
		int any = 0;

		relc_strbuf_reset(&prefix);
		relc_strbuf_addf(&prefix, "lib/%s/", pa->dirname);
		relc_hash_init(&h);
		relc_hash_update(&h, pa->fingerprint, strlen(pa->fingerprint));
		for (k = 0; k < plan->nfiles; k++) {
			const struct relc_plan_file *f = &plan->files[k];

			if (strncmp(f->path, prefix.buf, prefix.len))
				continue;
			any = 1;
			relc_hash_update(&h, f->path, strlen(f->path) + 1);
			relc_hash_update(&h, f->data.buf, f->data.len);
		}
		if (any)
			relc_hash_final_hex(&h, pa->fingerprint);
	}
	relc_strbuf_release(&prefix);
}

void
relc_plan_release(struct relc_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->nfiles; i++)
		relc_strbuf_release(&plan->files[i].data);
	free(plan->files);
	relc_strbuf_release(&plan->inputs);
	memset(plan, 0, sizeof(*plan));
}

static const char *
how_name(enum relc_plan_how h)
{
	return h == RELC_PLAN_COPY   ? "copy"
	       : h == RELC_PLAN_LINK ? "link"
				     : "target";
}

void
relc_plan_describe(struct relc_strbuf *out, const struct relc_plan *plan)
{
	size_t i;

	relc_strbuf_addf(out, "release %s %s\nenv %s\nerts %s %s %s\n",
			 plan->name, plan->vsn, plan->env, plan->erts_vsn,
			 plan->erts_src ? plan->erts_src : "-",
			 plan->erts_src ? plan->erts_fingerprint : "-");
	relc_strbuf_addf(out, "system_libs %d dev_mode %d external_links %d\n",
			 plan->system_libs, plan->dev_mode,
			 plan->follow_external_links);
	for (i = 0; i < plan->napps; i++) {
		const struct relc_plan_app *pa = &plan->apps[i];

		relc_strbuf_addf(
		    out, "app %s %s %s %s %u %d %s %s\n", pa->dirname,
		    how_name(pa->how), pa->app->dir, pa->app->ebin, pa->subdirs,
		    pa->strip, pa->link ? pa->link : "-",
		    pa->how == RELC_PLAN_COPY ? pa->fingerprint : "-");
	}
	for (i = 0; i < plan->nfiles; i++) {
		const struct relc_plan_file *f = &plan->files[i];

		relc_strbuf_addf(out, "file %s %o %d %s\n", f->path,
				 (unsigned)f->mode, (int)f->kind,
				 f->src ? f->src : "-");
	}
	relc_strbuf_add(out, plan->inputs.buf, plan->inputs.len);
	for (i = 0; i < plan->naliases; i++)
		relc_strbuf_addf(out, "alias %s %s\n", plan->aliases[i].path,
				 plan->aliases[i].source);
}

/* Is a directory above `path` an entry of the plan (walked whole)? */
static int
in_listed_dir(const struct relc_plan *plan, const char *path,
	      struct relc_strbuf *sb)
{
	const char *slash;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		const struct relc_plan_file *f;

		relc_strbuf_reset(sb);
		relc_strbuf_add(sb, path, (size_t)(slash - path));
		f = relc_plan_file(plan, sb->buf);
		if (f && f->kind == RELC_PLAN_DIR)
			return 1;
	}
	return 0;
}

void
relc_plan_archive_roots(const struct relc_plan *plan, const char ***paths,
			size_t *n, struct relc_arena *arena)
{
	const char **v;
	size_t i, k = 0;
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	v = relc_arena_array(arena, plan->napps + plan->nfiles + 2, sizeof(*v));
	if (plan->erts_dirname)
		v[k++] = plan->erts_dirname;
	for (i = 0; i < plan->napps; i++) {
		if (plan->apps[i].how == RELC_PLAN_TARGET)
			continue;
		relc_strbuf_reset(&sb);
		relc_strbuf_addf(&sb, "lib/%s", plan->apps[i].dirname);
		v[k++] = relc_arena_strdup(arena, sb.buf);
	}
	/* the other files, but those inside the trees above */
	for (i = 0; i < plan->nfiles; i++) {
		const char *p = plan->files[i].path;

		if ((plan->erts_dirname &&
		     relc_path_is_within(p, plan->erts_dirname)) ||
		    in_listed_dir(plan, p, &sb))
			continue;
		v[k++] = p;
	}
	relc_strbuf_release(&sb);
	*paths = v;
	*n = k;
}
