/*
 * release.c: relc build and relc archive, as a list of stages.  This is
 * the only module that knows their order; each stage is one module:
 *
 *   config     project.c, config.c   the project, its config, the settings
 *   otp        otp.c                 the target OTP (an archive extracted)
 *   discover   discover.c            where the applications are
 *   resolve    resolve.c, graph.c    the .rel and the boot order
 *   upfrom     upfrom.c, relup.c     a hot upgrade: appups and the relup
 *   plan       plan.c, relfiles.c    the layout and the generated files
 *   stamp      stamp.c               fingerprints, the key: up to date?
 *   write      place.c, copy.c       the output's parent locked, leftovers
 *                                    of dead runs cleaned up; staging
 *                                    tree, carry-over, swap
 *   archive    pack.c, archive.c     the tarball
 */
#include "relc/compat.h"
#include "relc/release.h"

#include <sys/stat.h>

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/config.h"
#include "relc/copy.h"
#include "relc/discover.h"
#include "relc/error.h"
#include "relc/exconfig.h"
#include "relc/fsutil.h"
#include "relc/graph.h"
#include "relc/otp.h"
#include "relc/pack.h"
#include "relc/path.h"
#include "relc/place.h"
#include "relc/plan.h"
#include "relc/project.h"
#include "relc/projscan.h"
#include "relc/relfiles.h"
#include "relc/resolve.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/strset.h"
#include "relc/upfrom.h"
#include "relc/xalloc.h"
#include "relc_version.h"

struct build {
	const struct relc_build_opts *opts;
	int mix;			/* a mix project */
	struct relc_mix_project mixexs; /* what its mix.exs says */
	struct relc_exconfig exconfig;	/* its config/config.exs */
	struct relc_build_result *res;
	struct relc_error *err;
	struct relc_arena arena;
	struct relc_project project;
	struct relc_config *cfg;
	const struct relc_release_config *rel;
	const char *env;
	struct relc_settings settings;
	struct relc_strbuf out_dir; /* as the user names it */
	struct relc_strbuf out_abs; /* absolute */
	struct relc_place place;
	int locked;
	struct relc_otp otp;
	struct relc_appindex *index;
	struct relc_relspec spec;
	struct relc_bootapp *boot;
	size_t nboot;
	struct relc_plan plan;
	struct relc_plan_in plan_in;
	char key[65];
	struct relc_strset damaged; /* parts of the release that changed */
	struct relc_stamp stamp;    /* of the release built, when built */
	struct relc_strbuf archive; /* where the archive goes */
	struct relc_upfrom upfrom;  /* a hot upgrade's appups and relup */
	struct relc_upfrom_in upfrom_in;
	struct relc_strbuf upfrom_archive;
	int has_upfrom;
};

/* Locate an error about a setting at the place the config gives it. */
static int
at_setting(struct build *b, enum relc_setting_id id)
{
	const struct relc_settings *s = &b->settings;

	if (s->set & (1u << id))
		relc_error_locate(b->err, s->where[id].file, s->where[id].line,
				  s->where[id].col);
	return -1;
}

static void
warn(struct build *b, const char *msg)
{
	if (b->opts->warn)
		b->opts->warn(b->opts->warn_ctx, msg);
}

/* ---- config and lock ----------------------------------------------------- */

static int
stage_config(struct build *b)
{
	const struct relc_build_opts *o = b->opts;

	if (relc_project_locate(&b->project, o->project_dir, o->config_path,
				b->err) ||
	    relc_config_load(&b->cfg, b->project.config.buf, b->err) ||
	    relc_config_select(&b->rel, &b->env, &b->settings, b->cfg,
			       o->release, o->env, o->mix_env, b->err))
		return -1;
	b->mix = relc_project_mix(&b->mixexs, &b->project, &b->arena, b->err);
	if (b->mix < 0)
		return -1;
	if (relc_project_out_dir(&b->out_dir, &b->project, &b->settings, b->env,
				 b->rel->name, b->err) ||
	    relc_fs_abspath_nofollow(&b->out_abs, b->out_dir.buf, b->err))
		return -1;
	if (b->settings.cookie)
		warn(b, "the release carries the cookie given in the config "
			"(releases/COOKIE): whoever has a copy or an archive "
			"of it can connect to its nodes; cookie_file: or "
			"RELEASE_COOKIE keep it out of the release");
	return 0;
}

/*
 * Lock the output's parent (and clean up after dead runs there): before
 * anything is made next to the output, and not before, so that a build
 * that fails on its inputs creates no directory.
 */
static int
lock(struct build *b)
{
	if (b->locked)
		return 0;
	if (relc_place_open(&b->place, b->out_abs.buf, b->opts->warn,
			    b->opts->warn_ctx, b->err))
		return at_setting(b, RELC_S_OUTPUT_DIR);
	b->locked = 1;
	return 0;
}

/*
 * An archive that cannot be written is refused before anything is built:
 * a dev_mode environment, a destination that is not an archive.
 */
static int
stage_archive_check(struct build *b)
{
	const struct relc_build_opts *o = b->opts;
	struct relc_strbuf name = RELC_STRBUF_INIT;
	int r = -1;

	if (!o->archive)
		return 0;
	if (b->settings.dev_mode) {
		relc_error_set(b->err, RELC_ECONFIG,
			       "dev_mode is set, skipping archival");
		return at_setting(b, RELC_S_DEV_MODE);
	}
	relc_strbuf_addf(&name, "%s-%s%s", b->rel->name,
			 b->rel->vsn ? b->rel->vsn : "VSN",
			 relc_archive_suffix(o->archive_opts.format));
	if (o->archive_path)
		relc_strbuf_addstr(&b->archive, o->archive_path);
	else if (relc_project_archive_path(&b->archive, b->out_dir.buf,
					   &b->settings, name.buf, b->err))
		goto out;
	r = relc_pack_check_dest(b->archive.buf, b->err);
out:
	relc_strbuf_release(&name);
	return r;
}

/* ---- OTP, discovery, resolution ------------------------------------------ */

static int
scratch(void *ctx, const char **dir, struct relc_error *err)
{
	struct build *b = ctx;

	if (lock(b))
		return -1;
	return relc_place_scratch(&b->place, dir, "otp", err);
}

static int
stage_otp(struct build *b)
{
	struct relc_strbuf root = RELC_STRBUF_INIT;
	int r;

	r = relc_otp_locate(&root, b->settings.erts_path, b->project.dir.buf,
			    b->opts->path_env, scratch, b, b->err);
	if (r && b->settings.erts_path)
		at_setting(b, RELC_S_INCLUDE_ERTS);
	if (!r)
		r = relc_otp_load(&b->otp, root.buf, &b->arena, b->err);
	relc_strbuf_release(&root);
	return r;
}

static int
stage_discover(struct build *b)
{
	struct relc_discover_in in;

	in.project = b->project.dir.buf;
	in.env = b->env;
	in.settings = &b->settings;
	in.otp_root = b->otp.root;
	in.path_env = b->opts->path_env;
	b->index = relc_appindex_new(&b->arena);
	return relc_discover_project(b->index, &in, b->err);
}

static int
lookup_cb(const struct relc_app **out, void *ctx, const char *name,
	  const char *vsn, struct relc_error *err)
{
	return relc_appindex_lookup(out, ((struct build *)ctx)->index, name,
				    vsn, err);
}

static void
describe_cb(struct relc_strbuf *out, void *ctx, const char *name)
{
	relc_appindex_describe(out, ((struct build *)ctx)->index, name);
}

static int
stage_resolve(struct build *b)
{
	struct relc_strbuf searched = RELC_STRBUF_INIT;
	struct relc_resolve_in in;
	int r;

	relc_appindex_sources(&searched, b->index);
	memset(&in, 0, sizeof(in));
	in.rel = b->rel;
	in.config_path = b->project.config.buf;
	in.erts_vsn = b->otp.erts_vsn;
	in.lookup = lookup_cb;
	in.describe = describe_cb;
	in.ctx = b;
	in.searched = searched.buf;
	in.mix = b->mix;
	in.project_app = b->mixexs.apps_path ? NULL : b->mixexs.app;
	r = relc_resolve(&b->spec, &in, &b->arena, b->err);
	if (!r)
		r = relc_graph_sort(&b->boot, &b->nboot, &b->spec, &b->arena,
				    b->err);
	if (!r)
		r = relc_resolve_check_types(&b->spec, b->rel,
					     b->project.config.buf, b->err);
	relc_strbuf_release(&searched);
	return r;
}

/* ---- the plan and its key ------------------------------------------------ */

/* relc's identity: its version and its binary (a rebuilt relc rebuilds). */
static void
identity(struct build *b, struct relc_strbuf *out)
{
	struct stat st;

	relc_strbuf_addstr(out, RELC_VERSION);
	if (b->opts->self_path && !stat(b->opts->self_path, &st))
		relc_strbuf_addf(
		    out, " %ju %ju %jd %jd.%09ld", (uintmax_t)st.st_dev,
		    (uintmax_t)st.st_ino, (intmax_t)st.st_size,
		    (intmax_t)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}

/*
 * A mix project's consolidated protocols, where mix's consolidation_path
 * has them: the project app's consolidated/ (_build/ENV/lib/APP/), an
 * umbrella's _build/ENV/consolidated.  NULL when there are none
 * (consolidate_protocols: false, or not compiled).
 */
static const char *
consolidated(struct build *b)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT;
	const char *r = NULL;
	size_t i;

	if (!b->mix)
		return NULL;
	if (b->mixexs.apps_path) {
		struct relc_strbuf rel = RELC_STRBUF_INIT;

		relc_strbuf_addf(&rel, "_build/%s/consolidated", b->env);
		relc_project_path(&b->project, &dir, rel.buf);
		relc_strbuf_release(&rel);
	} else if (b->mixexs.app) {
		for (i = 0; i < b->spec.napps; i++) {
			const struct relc_app *app = b->spec.apps[i].app;

			if (strcmp(app->name, b->mixexs.app) ||
			    app->origin != RELC_ORIGIN_PROJECT)
				continue;
			relc_strbuf_addstr(&dir, app->dir);
			relc_path_append(&dir, "consolidated");
		}
	}
	if (dir.len && relc_fs_is_dir(dir.buf))
		r = relc_arena_strdup(&b->arena, dir.buf);
	relc_strbuf_release(&dir);
	return r;
}

/*
 * A mix project's config/config.exs, read by its Elixir (or the cache):
 * before the plan, whose key depends on the files it read.
 */
static int
stage_exconfig(struct build *b)
{
	struct relc_exconfig_in in;

	if (!b->mix)
		return 0;
	in.project = b->project.dir.buf;
	in.env = b->env;
	in.elixir_root = b->settings.elixir_root;
	in.path_env = b->opts->path_env;
	return relc_exconfig_load(&b->exconfig, &in, &b->arena, b->err);
}

/*
 * A hot upgrade (--upfrom, upfrom:): the release to upgrade from, the
 * appups and the relup, before the plan (which lists them; the key
 * covers them).
 */
static int
stage_upfrom(struct build *b)
{
	const struct relc_settings *s = &b->settings;
	struct relc_upfrom_in *in = &b->upfrom_in;
	struct relc_strbuf name = RELC_STRBUF_INIT;
	int cli = b->opts->upfrom != NULL, r = -1;

	/* a mix project's consolidated protocols: the plan's and the relup's */
	b->plan_in.consolidated = consolidated(b);
	memset(in, 0, sizeof(*in));
	in->upfrom = cli ? b->opts->upfrom : s->upfrom;
	if (!in->upfrom)
		return 0;
	if (!s->include_erts || s->dev_mode) {
		relc_error_set(b->err, RELC_ECONFIG,
			       "a hot upgrade (upfrom %s) needs a release that "
			       "carries ERTS and its applications "
			       "(include_erts: true, no dev_mode)",
			       in->upfrom);
		return cli ? -1
			   : at_setting(b, s->dev_mode ? RELC_S_DEV_MODE
						       : RELC_S_INCLUDE_ERTS);
	}
	in->base = cli ? "." : b->project.dir.buf;
	in->project = b->project.dir.buf;
	in->out_dir = b->out_dir.buf;
	if (!relc_upfrom_is_path(in->upfrom)) {
		relc_strbuf_addf(&name, "%s-%s.tar.gz", b->spec.name,
				 in->upfrom);
		if (relc_project_archive_path(&b->upfrom_archive,
					      b->out_dir.buf, s, name.buf,
					      b->err))
			goto out;
		in->archive = b->upfrom_archive.buf;
	}
	in->to = &b->spec;
	in->consolidated = b->plan_in.consolidated;
	r = relc_upfrom_locate(&b->upfrom, in, &b->arena, b->err);
	if (r && !cli)
		at_setting(b, RELC_S_UPFROM);
	b->has_upfrom = !r;
out:
	relc_strbuf_release(&name);
	return r;
}

/*
 * A hot upgrade's appups and relup, for a build that writes: the old
 * release read (the output directory may be it: under the lock), the
 * files added to the plan.
 */
static int
make_upgrade(struct build *b)
{
	int cli = b->opts->upfrom != NULL;

	if (!b->has_upfrom)
		return 0;
	if (relc_upfrom_make(&b->upfrom, &b->upfrom_in, &b->arena, b->err)) {
		if (!cli)
			at_setting(b, RELC_S_UPFROM);
		return -1;
	}
	if (relc_relfiles_upgrade(&b->plan, &b->upfrom, &b->arena))
		return relc_error_set(b->err, RELC_EINTERNAL,
				      "the plan lists no relup");
	return 0;
}

static int
stage_plan(struct build *b)
{
	struct relc_plan_in *in = &b->plan_in;

	in->spec = &b->spec;
	in->boot = b->boot;
	in->nboot = b->nboot;
	in->otp = &b->otp;
	in->settings = &b->settings;
	in->env = b->env;
	in->project = b->project.dir.buf;
	in->out_dir = b->out_abs.buf;
	in->relc_version = RELC_VERSION;
	in->mix = b->mix;
	in->exconfig = b->exconfig.config;
	in->exconfig_files = b->exconfig.files;
	in->nexconfig_files = b->exconfig.nfiles;
	in->upfrom = b->has_upfrom ? &b->upfrom : NULL;
	return relc_plan_make(&b->plan, in, &b->arena, b->err);
}

/* The build's key, once the plan's fingerprints are made. */
static void
make_key(struct build *b)
{
	struct relc_strbuf settings = RELC_STRBUF_INIT, self = RELC_STRBUF_INIT;

	relc_settings_describe(&settings, &b->settings);
	identity(b, &self);
	relc_stamp_key(b->key, &b->plan, settings.buf, self.buf);
	relc_strbuf_release(&settings);
	relc_strbuf_release(&self);
}

/* Is the release in place the one this build would make? */
static int
up_to_date(struct build *b)
{
	const struct relc_place *p = &b->place;
	size_t bad;

	if (!p->has_prev)
		return 0;
	bad = relc_stamp_verify(&p->prev, p->out.buf, &b->damaged);
	return !bad && !strcmp(p->prev.key, b->key);
}

/* ---- writing ------------------------------------------------------------- */

/*
 * What the output directory must not hold, nor be inside of: the
 * project, its config, the application directories (and where their
 * subdirectories lead), the OTP installation.
 */
static int
check_inputs(struct build *b)
{
	struct relc_place_input *in;
	struct relc_strbuf *paths;
	size_t n = 0, i, k, npaths = 0, max = 8 + 5 * b->plan.napps;
	static const char *const subs[] = {"ebin", "priv", "src", "include"};
	static const char *const what[] = {
	    "an application's ebin/", "an application's priv/",
	    "an application's src/", "an application's include/"};
	int r;

	in = relc_xcalloc(max, sizeof(*in));
	paths = relc_xcalloc(max, sizeof(*paths));
	in[n++] = (struct relc_place_input){
	    b->project.dir.buf, RELC_PLACE_NOT_OVER, "the project", NULL};
	in[n++] = (struct relc_place_input){
	    b->project.config.buf, RELC_PLACE_NOT_OVER, "the config", NULL};
	relc_project_path(&b->project, &paths[npaths], "config");
	in[n++] = (struct relc_place_input){
	    paths[npaths++].buf, RELC_PLACE_NOT_OVER | RELC_PLACE_NOT_IN,
	    "the project's config/", NULL};
	relc_project_path(&b->project, &paths[npaths], "rel/templates");
	in[n++] = (struct relc_place_input){
	    paths[npaths++].buf, RELC_PLACE_NOT_OVER | RELC_PLACE_NOT_IN,
	    "the project's templates", NULL};
	in[n++] = (struct relc_place_input){
	    b->otp.root, RELC_PLACE_NOT_OVER | RELC_PLACE_NOT_IN,
	    "the Erlang/OTP installation", NULL};
	for (i = 0; i < b->plan.napps; i++) {
		const struct relc_plan_app *pa = &b->plan.apps[i];

		if (pa->how == RELC_PLAN_TARGET)
			continue;
		/*
		 * The release may go into an application's directory beside
		 * what relc copies from it (a plain project's _build/ is
		 * inside its one application), never into one of those.
		 */
		in[n++] = (struct relc_place_input){
		    pa->app->dir, RELC_PLACE_NOT_OVER,
		    "an application's directory", NULL};
		for (k = 0; k < RELC_ARRAY_SIZE(subs); k++) {
			struct stat st;

			relc_strbuf_addstr(&paths[npaths], pa->app->dir);
			relc_path_append(&paths[npaths], subs[k]);
			if (lstat(paths[npaths].buf, &st)) {
				relc_strbuf_reset(&paths[npaths]);
				continue;
			}
			/*
			 * a link that leads to what holds the application is
			 * the copy's to refuse
			 */
			in[n++] = (struct relc_place_input){
			    paths[npaths++].buf,
			    RELC_PLACE_NOT_OVER | RELC_PLACE_NOT_IN, what[k],
			    S_ISLNK(st.st_mode) ? pa->app->dir : NULL};
		}
	}
	r = relc_place_check_inputs(b->out_abs.buf, in, n, b->err);
	for (i = 0; i < max; i++)
		relc_strbuf_release(&paths[i]);
	free(paths);
	free(in);
	return r ? at_setting(b, RELC_S_OUTPUT_DIR) : 0;
}

static int
render(void *ctx, struct relc_error *err)
{
	struct build *b = ctx;

	return relc_plan_render(&b->plan, &b->plan_in, &b->arena, err);
}

/* What relc made in the release and someone changed since. */
static void
warn_changed(struct build *b)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT, part = RELC_STRBUF_INIT;
	size_t i;

	for (i = 0; i < b->plan.nfiles; i++) {
		if (!relc_strset_has(&b->damaged, b->plan.files[i].path))
			continue;
		relc_strbuf_reset(&msg);
		relc_strbuf_addf(&msg,
				 "%s/%s is not what relc wrote there (changed "
				 "or removed); the new release has relc's "
				 "(change its source instead)",
				 b->out_dir.buf, b->plan.files[i].path);
		warn(b, msg.buf);
	}
	for (i = 0; i < b->plan.napps; i++) {
		relc_strbuf_reset(&part);
		relc_strbuf_addf(&part, "lib/%s", b->plan.apps[i].dirname);
		if (!relc_strset_has(&b->damaged, part.buf))
			continue;
		relc_strbuf_reset(&msg);
		relc_strbuf_addf(&msg,
				 "%s/%s is not what relc copied there (a file "
				 "changed or removed); the new release has a "
				 "fresh copy",
				 b->out_dir.buf, part.buf);
		warn(b, msg.buf);
	}
	relc_strbuf_release(&msg);
	relc_strbuf_release(&part);
}

/*
 * A build --upfrom VSN that read VSN from the output directory replaces
 * it: the old release is kept first as the archive relc archive would
 * have written for it (when there is none), where the next --upfrom VSN
 * finds it.
 */
static int
keep_previous(struct build *b)
{
	const struct relc_upfrom *u = &b->upfrom;
	const struct relc_place *p = &b->place;
	const char *dest = b->upfrom_in.archive;
	struct relc_archive_opts opts = b->opts->archive_opts;

	if (!b->has_upfrom || !u->made || u->is_tar || !dest ||
	    strcmp(u->source, b->out_dir.buf) || !p->has_prev ||
	    strcmp(p->prev.vsn, u->vsn) || relc_fs_exists(dest))
		return 0;
	opts.format = RELC_ARCHIVE_TAR_GZ;
	if (opts.level > 9)
		opts.level = 0;
	if (relc_pack_previous(&p->prev, p->out.buf, dest, &opts, b->err))
		return -1;
	b->res->kept_archive = relc_xstrdup(dest);
	return 0;
}

static int
stage_write(struct build *b)
{
	struct relc_place *p = &b->place;
	struct relc_copy_in in;
	struct relc_copy_stats stats;
	struct relc_strbuf parent = RELC_STRBUF_INIT;
	struct relc_stamp_piece *pieces;
	size_t i;
	int checked, compared, r;

	/*
	 * Where the release may go is checked before anything is made there
	 * (when its parent must be created, before the lock), and before any
	 * other complaint about it; a release that is up to date is written
	 * nowhere and needs no check.
	 */
	relc_path_dirname(&parent, b->out_abs.buf);
	checked = !relc_fs_is_dir(parent.buf);
	relc_strbuf_release(&parent);
	if ((checked && check_inputs(b)) || lock(b))
		return -1;
	if (relc_place_inspect(p, b->opts->force, b->err))
		return at_setting(b, RELC_S_OUTPUT_DIR);
	/*
	 * With a previous release to compare with, the inputs are
	 * fingerprinted first: it may be up to date, or have applications to
	 * reuse.  Without one, they are fingerprinted as they are copied.
	 */
	compared = p->has_prev && !b->opts->force;
	if (compared) {
		if (relc_stamp_fingerprint(&b->plan, b->opts->jobs, b->err))
			return -1;
		make_key(b);
		if (up_to_date(b))
			return 0;
	}
	if (!checked && check_inputs(b))
		return -1;
	if (relc_place_admit(p, b->opts->force, b->err))
		return at_setting(b, RELC_S_OUTPUT_DIR);
	if (p->has_prev)
		warn_changed(b);
	if (make_upgrade(b))
		return -1;
	/* what the plan adds inside the applications (after the key) */
	if (compared)
		relc_plan_seal_fingerprints(&b->plan);
	if (relc_place_begin(p, b->err))
		return -1;
	memset(&in, 0, sizeof(in));
	in.plan = &b->plan;
	in.staging = p->staging.buf;
	if (p->has_prev && !b->opts->force) {
		in.previous = p->out.buf;
		in.prev_stamp = &p->prev;
		in.damaged = &b->damaged;
	}
	in.jobs = b->opts->jobs;
	in.fingerprint = !compared;
	in.also = render; /* the generated files, alongside the copy */
	in.also_ctx = b;
	RELC_CALLOC_ARRAY(pieces, b->plan.napps + 1);
	in.pieces = pieces;
	r = relc_copy_release(&stats, &in, b->err);
	if (!r && !compared) {
		make_key(b);
		relc_plan_seal_fingerprints(&b->plan);
	}
	if (!r)
		r = relc_copy_files(&b->plan, p->staging.buf, b->err) ||
		    relc_stamp_record(&b->stamp, p->staging.buf, &b->plan,
				      b->key, RELC_VERSION, pieces,
				      b->plan.napps + 1, b->opts->jobs,
				      b->err) ||
		    keep_previous(b) || relc_place_commit(p, &b->stamp, b->err);
	for (i = 0; i <= b->plan.napps; i++)
		relc_stamp_piece_release(&pieces[i]);
	free(pieces);
	if (r)
		return -1;
	b->res->built = 1;
	b->res->files = stats.files;
	b->res->bytes = stats.bytes;
	b->res->stripped = stats.stripped;
	b->res->reused = stats.reused;
	return 0;
}

/* ---- the archive --------------------------------------------------------- */

static int
stage_archive(struct build *b)
{
	const struct relc_build_opts *o = b->opts;
	struct relc_build_result *res = b->res;
	struct relc_strbuf dest = RELC_STRBUF_INIT;
	const struct relc_stamp *stamp =
	    b->res->built ? &b->stamp : &b->place.prev;
	int r = -1;

	if (!o->archive && !o->manifest)
		return 0;
	if (o->archive) {
		/* the version is known now: the name checked before may differ
		 */
		struct relc_strbuf name = RELC_STRBUF_INIT;

		relc_strbuf_addf(&name, "%s-%s%s", b->plan.name, b->plan.vsn,
				 relc_archive_suffix(o->archive_opts.format));
		if (o->archive_path)
			relc_strbuf_addstr(&dest, o->archive_path);
		else
			r = relc_project_archive_path(&dest, b->out_dir.buf,
						      &b->settings, name.buf,
						      b->err);
		relc_strbuf_release(&name);
		if (!o->archive_path && r)
			goto out;
	}
	if (relc_pack(&res->manifest, &b->plan, stamp, b->place.out.buf,
		      o->archive ? dest.buf : NULL, &o->archive_opts, b->err))
		goto out;
	if (o->archive)
		res->archive_path = relc_strbuf_detach(&dest, NULL);
	r = 0;
out:
	relc_strbuf_release(&dest);
	return r;
}

/* ---- the pipeline -------------------------------------------------------- */

static char *
xdup_or_null(const char *s)
{
	return s ? relc_xstrdup(s) : NULL;
}

static void
fill_result(struct relc_build_result *res, const struct build *b)
{
	size_t i;

	res->name = relc_xstrdup(b->spec.name);
	res->vsn = relc_xstrdup(b->spec.vsn);
	res->env = relc_xstrdup(b->env);
	res->output_dir = relc_xstrdup(b->out_dir.buf);
	res->otp_version = xdup_or_null(b->otp.version);
	res->erts_vsn = xdup_or_null(b->otp.erts_vsn);
	res->napps = b->nboot;
	RELC_CALLOC_ARRAY(res->apps, b->nboot + 1);
	for (i = 0; i < b->nboot; i++) {
		res->apps[i].name = relc_xstrdup(b->boot[i].app->name);
		res->apps[i].vsn = relc_xstrdup(b->boot[i].app->vsn);
		res->apps[i].type =
		    relc_xstrdup(relc_start_type_name(b->boot[i].type));
	}
	if (b->has_upfrom && b->upfrom.made) {
		res->upfrom_vsn = relc_xstrdup(b->upfrom.vsn);
		res->upfrom_source = relc_xstrdup(b->upfrom.source);
		for (i = 0; i < b->upfrom.nappups; i++) {
			if (b->upfrom.appups[i].generated)
				res->appups_generated++;
			else
				res->appups_own++;
		}
	}
}

int
relc_release_build(struct relc_build_result *res,
		   const struct relc_build_opts *opts, struct relc_error *err)
{
	struct build b;
	int r = -1;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	b.opts = opts;
	b.res = res;
	b.err = err;
	relc_arena_init(&b.arena);
	relc_strbuf_init(&b.out_dir, 0);
	relc_strbuf_init(&b.out_abs, 0);
	relc_strbuf_init(&b.upfrom_archive, 0);
	b.place.lock.fd = -1;

	if (stage_config(&b) || stage_archive_check(&b) || stage_otp(&b) ||
	    stage_discover(&b) || stage_resolve(&b) || stage_exconfig(&b) ||
	    stage_upfrom(&b) || stage_plan(&b) || stage_write(&b) ||
	    stage_archive(&b))
		goto out;
	fill_result(res, &b);
	r = 0;
out:
	if (r)
		relc_build_result_release(res);
	relc_place_close(&b.place);
	relc_plan_release(&b.plan);
	relc_strset_release(&b.damaged);
	relc_stamp_release(&b.stamp);
	relc_strbuf_release(&b.archive);
	if (b.has_upfrom)
		relc_upfrom_release(&b.upfrom);
	relc_strbuf_release(&b.upfrom_archive);
	relc_appindex_free(b.index);
	relc_config_free(b.cfg);
	relc_project_release(&b.project);
	relc_arena_release(&b.arena);
	relc_strbuf_release(&b.out_dir);
	relc_strbuf_release(&b.out_abs);
	return r;
}

void
relc_build_result_release(struct relc_build_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->napps; i++) {
		free(res->apps[i].name);
		free(res->apps[i].vsn);
		free(res->apps[i].type);
	}
	free(res->apps);
	free(res->name);
	free(res->vsn);
	free(res->env);
	free(res->output_dir);
	free(res->otp_version);
	free(res->erts_vsn);
	free(res->archive_path);
	free(res->upfrom_vsn);
	free(res->upfrom_source);
	free(res->kept_archive);
	relc_archive_manifest_release(&res->manifest);
	memset(res, 0, sizeof(*res));
}
