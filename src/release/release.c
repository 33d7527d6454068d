/*
 * release.c: the build pipeline and the placement of its output.
 *
 * Everything is written into a fresh staging directory next to the output
 * directory (".relc-NAME-PID-XXXXXX") and swapped into place only once it
 * is complete; on any error the staging directory is removed, so a failed
 * build leaves the previous release as it was.
 */
#include "relc/compat.h"
#include "relc/release.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/assemble.h"
#include "relc/config.h"
#include "relc/discover.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/fsutil.h"
#include "relc/graph.h"
#include "relc/otp.h"
#include "relc/path.h"
#include "relc/resolve.h"
#include "relc/script.h"
#include "relc/strbuf.h"
#include "relc/template.h"
#include "relc/term.h"
#include "relc/xalloc.h"
#include "relc_version.h"

struct build {
	const struct relc_build_opts *opts;
	struct relc_error *err;
	struct relc_arena arena;
	struct relc_config *cfg;
	const struct relc_release_config *rel;
	const char *env;
	struct relc_settings settings;
	struct relc_strbuf project, config_path, out_dir;
	struct relc_otp otp;
	struct relc_appindex *index;
	struct relc_relspec spec;
	struct relc_bootapp *boot;
	size_t nboot;
	struct relc_assemble_stats stats;
	struct relc_strbuf otp_tmp; /* an OTP tarball extracted here */
};

/* ---- finding the inputs -------------------------------------------------- */

static int
locate_project(struct build *b)
{
	const struct relc_build_opts *o = b->opts;
	struct relc_strbuf dir = RELC_STRBUF_INIT;

	if (o->project_dir) {
		relc_strbuf_addstr(&b->project, o->project_dir);
	} else if (o->config_path) {
		/* PROJECT/rel/relc.yaml, or any DIR/relc.yaml */
		relc_path_dirname(&dir, o->config_path);
		if (!strcmp(relc_path_basename(dir.buf), "rel"))
			relc_path_pop(&dir);
		if (!strcmp(dir.buf, "rel"))
			relc_strbuf_reset(&dir);
		relc_strbuf_addstr(&b->project, dir.len ? dir.buf : ".");
	} else {
		relc_strbuf_addch(&b->project, '.');
	}
	relc_strbuf_release(&dir);
	if (o->config_path) {
		relc_strbuf_addstr(&b->config_path, o->config_path);
	} else {
		relc_path_resolve(&b->config_path, b->project.buf,
				  "rel/relc.yaml");
		if (!relc_fs_exists(b->config_path.buf))
			return relc_error_set(
			    b->err, RELC_ECONFIG,
			    "no release config at '%s' (run 'relc init' to "
			    "write one, or pass --config)",
			    b->config_path.buf);
	}
	return 0;
}

/* sb = PROJECT/rel, without a "./" in front when PROJECT is ".". */
static void
project_path(const struct build *b, struct relc_strbuf *sb, const char *rel)
{
	relc_path_resolve(sb, b->project.buf, rel);
}

/* Where the compiled applications may be, best first. */
static int
build_index(struct build *b)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT, exe = RELC_STRBUF_INIT;
	const struct relc_settings *s = &b->settings;
	size_t i;
	int r = -1;

	b->index = relc_appindex_new(&b->arena);
	for (i = 0; i < s->nlib_dirs; i++) {
		relc_path_resolve(&dir, b->project.buf, s->lib_dirs[i]);
		if (!relc_fs_is_dir(dir.buf)) {
			relc_error_at(b->err, RELC_ECONFIG,
				      s->where[RELC_S_LIB_DIRS].file,
				      s->where[RELC_S_LIB_DIRS].line,
				      s->where[RELC_S_LIB_DIRS].col,
				      "lib_dirs: '%s' is not a directory",
				      s->lib_dirs[i]);
			goto out;
		}
		if (relc_appindex_add(b->index, dir.buf, RELC_ORIGIN_PROJECT, 0,
				      b->err) < 0)
			goto out;
	}
	/* mix and rebar3 build output, then erlang.mk and plain layouts */
	relc_strbuf_addf(&exe, "_build/%s/lib", b->env);
	project_path(b, &dir, exe.buf);
	if (relc_appindex_add(b->index, dir.buf, RELC_ORIGIN_PROJECT, 1,
			      b->err) < 0)
		goto out;
	if (strcmp(b->env, "default")) {
		project_path(b, &dir, "_build/default/lib");
		if (relc_appindex_add(b->index, dir.buf, RELC_ORIGIN_PROJECT, 1,
				      b->err) < 0)
			goto out;
	}
	project_path(b, &dir, "ebin");
	if (relc_fs_is_dir(dir.buf) &&
	    relc_appindex_add(b->index, b->project.buf, RELC_ORIGIN_PROJECT, 0,
			      b->err) < 0)
		goto out;
	project_path(b, &dir, "deps");
	if (relc_appindex_add(b->index, dir.buf, RELC_ORIGIN_PROJECT, 1,
			      b->err) < 0)
		goto out;
	/* Elixir's applications, when Elixir is there */
	if (s->elixir_root) {
		relc_path_resolve(&dir, b->project.buf, s->elixir_root);
		relc_path_append(&dir, "lib");
		if (relc_appindex_add(b->index, dir.buf, RELC_ORIGIN_ELIXIR, 0,
				      b->err) < 0)
			goto out;
	} else if (relc_find_program(&exe, "elixir", b->opts->path_env,
				     b->err) == 0) {
		relc_path_dirname(&dir, exe.buf); /* ROOT/bin */
		relc_path_pop(&dir);
		relc_path_append(&dir, "lib");
		if (relc_appindex_add(b->index, dir.buf, RELC_ORIGIN_ELIXIR, 1,
				      b->err) < 0)
			goto out;
	} else if (relc_error_isset(b->err)) {
		goto out;
	}
	/* the OTP installation */
	relc_strbuf_reset(&dir);
	relc_strbuf_addf(&dir, "%s/lib", b->otp.root);
	if (relc_appindex_add(b->index, dir.buf, RELC_ORIGIN_OTP, 0, b->err) <
	    0)
		goto out;
	r = 0;
out:
	relc_strbuf_release(&dir);
	relc_strbuf_release(&exe);
	return r;
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
resolve(struct build *b)
{
	struct relc_strbuf searched = RELC_STRBUF_INIT;
	struct relc_resolve_in in;
	int r;

	relc_appindex_sources(&searched, b->index);
	memset(&in, 0, sizeof(in));
	in.rel = b->rel;
	in.config_path = b->config_path.buf;
	in.erts_vsn = b->otp.erts_vsn;
	in.lookup = lookup_cb;
	in.describe = describe_cb;
	in.ctx = b;
	in.searched = searched.buf;
	r = relc_resolve(&b->spec, &in, &b->arena, b->err);
	if (!r)
		r = relc_graph_sort(&b->boot, &b->nboot, &b->spec, &b->arena,
				    b->err);
	if (!r)
		r = relc_resolve_check_types(&b->spec, b->rel,
					     b->config_path.buf, b->err);
	relc_strbuf_release(&searched);
	return r;
}

/* ---- writing ------------------------------------------------------------- */

static int
write_file(const char *dir, const char *name, const struct relc_strbuf *data,
	   mode_t mode, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT;
	int r;

	relc_strbuf_addstr(&path, dir);
	relc_path_append(&path, name);
	r = relc_fs_write_new(path.buf, data->buf, data->len, mode, 0, err);
	relc_strbuf_release(&path);
	return r;
}

static int
mkdir_in(struct relc_strbuf *path, const char *parent, const char *rel,
	 struct relc_error *err)
{
	relc_strbuf_reset(path);
	relc_strbuf_addstr(path, parent);
	relc_path_append(path, rel);
	return relc_fs_mkdirs(path->buf, 0755, err);
}

static int render(struct build *b, struct relc_strbuf *out, const char *name);

static unsigned
script_flags(const struct build *b)
{
	return RELC_SCRIPT_NO_DOT_ERLANG |
	       (b->settings.include_erts ? 0 : RELC_SCRIPT_RELEASE_LIB);
}

static int
write_script(struct build *b, const char *dir, const char *name,
	     const struct relc_term *script, int with_text)
{
	struct relc_strbuf data = RELC_STRBUF_INIT, file = RELC_STRBUF_INIT;
	int r = -1;

	if (with_text) {
		relc_script_format(&data, script);
		relc_strbuf_addf(&file, "%s.script", name);
		if (write_file(dir, file.buf, &data, 0644, b->err))
			goto out;
	}
	relc_strbuf_reset(&data);
	relc_strbuf_reset(&file);
	if (relc_etf_encode(&data, script, b->otp.major, b->err))
		goto out;
	relc_strbuf_addf(&file, "%s.boot", name);
	r = write_file(dir, file.buf, &data, 0644, b->err);
out:
	relc_strbuf_release(&data);
	relc_strbuf_release(&file);
	return r;
}

/*
 * start_clean: the release's applications, loaded but not started (kernel
 * and stdlib run), for `eval` and maintenance.  no_dot_erlang: kernel and
 * stdlib only, for the helper nodes of bin/NAME.  None of the three runs
 * $HOME/.erlang.
 */
static int
write_boot_files(struct build *b, const char *reldir)
{
	struct relc_bootapp *clean;
	struct relc_relspec minimal = b->spec;
	struct relc_relapp base[2];
	struct relc_bootapp *mboot;
	const struct relc_term *script;
	size_t i, nm = 0, nmboot;
	unsigned flags = script_flags(b);

	if (relc_script_build(&script, b->spec.name, b->spec.vsn, b->boot,
			      b->nboot, &b->otp, flags, &b->arena, b->err) ||
	    write_script(b, reldir, "start", script, 1))
		return -1;

	clean = relc_arena_array(&b->arena, b->nboot, sizeof(*clean));
	for (i = 0; i < b->nboot; i++) {
		clean[i] = b->boot[i];
		if (strcmp(clean[i].app->name, "kernel") &&
		    strcmp(clean[i].app->name, "stdlib") &&
		    clean[i].type != RELC_NONE)
			clean[i].type = RELC_LOAD;
	}
	if (relc_script_build(&script, b->spec.name, b->spec.vsn, clean,
			      b->nboot, &b->otp, flags, &b->arena, b->err) ||
	    write_script(b, reldir, "start_clean", script, 0))
		return -1;

	for (i = 0; i < b->spec.napps && nm < 2; i++)
		if (!strcmp(b->spec.apps[i].app->name, "kernel") ||
		    !strcmp(b->spec.apps[i].app->name, "stdlib"))
			base[nm++] = b->spec.apps[i];
	minimal.apps = base;
	minimal.napps = nm;
	if (relc_graph_sort(&mboot, &nmboot, &minimal, &b->arena, b->err) ||
	    relc_script_build(&script, b->spec.name, b->spec.vsn, mboot, nmboot,
			      &b->otp, flags, &b->arena, b->err))
		return -1;
	return write_script(b, reldir, "no_dot_erlang", script, 0);
}

/*
 * The project's config/sys.config, checked to be one list, or "[]."; and
 * its config/vm.args, or the default one.
 */
static int
write_config_files(struct build *b, const char *reldir)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT;
	const struct relc_term **terms;
	size_t n;
	int r = -1, got;

	project_path(b, &path, "config/sys.config");
	got = relc_fs_read_file(&data, path.buf, (size_t)16 << 20, 1, b->err);
	if (got < 0)
		goto out;
	if (got == 0) {
		if (relc_term_parse(&terms, &n, data.buf, data.len, 0,
				    &b->arena, b->err)) {
			relc_error_set_path(b->err, path.buf);
			goto out;
		}
		if (n != 1 || !relc_term_is_list(terms[0])) {
			relc_error_at(b->err, RELC_ECONFIG, path.buf,
				      n ? terms[n > 1]->line : 0,
				      n ? terms[n > 1]->col : 0,
				      "sys.config must hold one term: a list "
				      "of {Application, [{Key, Value}]}");
			goto out;
		}
	} else {
		relc_strbuf_reset(&data);
		relc_strbuf_addstr(&data, "[].\n");
	}
	if (write_file(reldir, "sys.config", &data, 0644, b->err))
		goto out;

	project_path(b, &path, "config/vm.args");
	got = relc_fs_read_file(&data, path.buf, (size_t)1 << 20, 1, b->err);
	if (got < 0)
		goto out;
	relc_strbuf_reset(&path);
	if (got == 1 && render(b, &data, "vm.args"))
		goto out;
	r = write_file(reldir, "vm.args", &data, 0644, b->err);
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&data);
	return r;
}

/*
 * releases/RELEASES, as release_handler reads it, with lib paths relative
 * to the release root (the node runs there).  Only a release that carries
 * its own ERTS and OTP applications can be upgraded, so only it has one.
 */
static int
write_releases_file(struct build *b, const char *releases)
{
	const struct relc_term **apps, *rel;
	struct relc_strbuf data = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT;
	struct relc_arena *a = &b->arena;
	size_t i;
	int r;

	apps = relc_arena_array(a, b->spec.napps, sizeof(*apps));
	for (i = 0; i < b->spec.napps; i++) {
		const struct relc_app *app = b->spec.apps[i].app;

		relc_strbuf_reset(&dir);
		relc_strbuf_addf(&dir, "./lib/%s-%s", app->name, app->vsn);
		apps[i] = relc_term_tuplev(a, 3, relc_term_atom(a, app->name),
					   relc_term_string(a, app->vsn),
					   relc_term_string(a, dir.buf));
	}
	rel = relc_term_tuplev(a, 6, relc_term_atom(a, "release"),
			       relc_term_string(a, b->spec.name),
			       relc_term_string(a, b->spec.vsn),
			       relc_term_string(a, b->spec.erts_vsn),
			       relc_term_list(a, b->spec.napps, apps),
			       relc_term_atom(a, "permanent"));
	relc_script_format(&data, relc_term_list(a, 1, &rel));
	r = write_file(releases, "RELEASES", &data, 0644, b->err);
	relc_strbuf_release(&data);
	relc_strbuf_release(&dir);
	return r;
}

/*
 * Does the release carry its own copy of app?  Not OTP's applications
 * when it runs on the target's OTP.
 */
static int
copied(const struct build *b, const struct relc_app *app)
{
	return b->settings.include_erts || app->origin != RELC_ORIGIN_OTP;
}

/* The OTP applications the release expects the target to have. */
static void
otp_app_list(const struct build *b, struct relc_strbuf *out)
{
	size_t i;

	for (i = 0; i < b->spec.napps; i++) {
		const struct relc_app *app = b->spec.apps[i].app;

		if (app->origin != RELC_ORIGIN_OTP)
			continue;
		relc_strbuf_addf(out, "%s%s-%s", out->len ? " " : "", app->name,
				 app->vsn);
	}
}

/*
 * Render template `name`: the project's rel/templates/NAME when there is
 * one, else relc's own.
 */
static int
render(struct build *b, struct relc_strbuf *out, const char *name)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT,
			   otp_apps = RELC_STRBUF_INIT;
	const struct relc_embedded *builtin;
	int got, r = -1;

	relc_strbuf_addstr(&path, "rel/templates/");
	relc_strbuf_addstr(&path, name);
	project_path(b, &text, path.buf);
	relc_strbuf_reset(&path);
	relc_strbuf_addstr(&path, text.buf);
	got = relc_fs_read_file(&text, path.buf, (size_t)1 << 20, 1, b->err);
	if (got < 0)
		goto out;
	if (got == 1) {
		builtin = relc_template_find(name);
		if (!builtin) {
			relc_error_set(b->err, RELC_EINTERNAL,
				       "relc has no template '%s'", name);
			goto out;
		}
		relc_strbuf_reset(&text);
		relc_strbuf_add(&text, builtin->data, builtin->size);
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "templates/%s", name);
	}
	otp_app_list(b, &otp_apps);
	{
		const struct relc_tvar vars[] = {
		    {"release_name", b->spec.name},
		    {"release_vsn", b->spec.vsn},
		    {"erts_vsn", b->spec.erts_vsn},
		    {"include_erts",
		     b->settings.include_erts ? "true" : "false"},
		    {"otp_apps", otp_apps.buf},
		    {"relc_version", RELC_VERSION},
		};

		relc_strbuf_reset(out);
		r = relc_template_render(out, text.buf, text.len, vars,
					 RELC_ARRAY_SIZE(vars), path.buf,
					 b->err);
	}
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	relc_strbuf_release(&otp_apps);
	return r;
}

static int
write_lib(struct build *b, const char *staging)
{
	struct relc_assemble_opts opts;
	struct relc_strbuf lib = RELC_STRBUF_INIT;
	size_t i;
	int r = -1;

	memset(&opts, 0, sizeof(opts));
	opts.include_src = b->settings.include_src;
	opts.strip_beams = b->settings.strip_beams;
	if (mkdir_in(&lib, staging, "lib", b->err))
		goto out;
	for (i = 0; i < b->spec.napps; i++) {
		const struct relc_app *app = b->spec.apps[i].app;

		if (!copied(b, app))
			continue;
		if (relc_assemble_app(app, lib.buf, &opts, &b->stats, b->err))
			goto out;
	}
	r = 0;
out:
	relc_strbuf_release(&lib);
	return r;
}

static int
write_erts(struct build *b, const char *staging)
{
	struct relc_strbuf bin = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT;
	int r = -1;

	if (relc_assemble_erts(b->otp.root, b->otp.erts_vsn, staging, &b->stats,
			       b->err))
		goto out;
	relc_strbuf_addf(&bin, "%s/erts-%s/bin", staging, b->otp.erts_vsn);
	if (render(b, &data, "erl") ||
	    write_file(bin.buf, "erl", &data, 0755, b->err))
		goto out;
	r = 0;
out:
	relc_strbuf_release(&bin);
	relc_strbuf_release(&data);
	return r;
}

static int
write_release(struct build *b, const char *staging)
{
	struct relc_strbuf reldir = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT,
			   name = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT;
	int r = -1;

	/* releases/ */
	relc_strbuf_addstr(&reldir, staging);
	relc_path_append(&reldir, "releases");
	if (relc_path_push(&reldir, b->spec.vsn, "release version", b->err) ||
	    relc_fs_mkdirs(reldir.buf, 0755, b->err))
		goto out;
	relc_script_format(&data, relc_relspec_term(&b->spec, &b->arena));
	relc_strbuf_addf(&name, "%s.rel", b->spec.name);
	if (write_file(reldir.buf, name.buf, &data, 0644, b->err) ||
	    write_boot_files(b, reldir.buf) ||
	    write_config_files(b, reldir.buf))
		goto out;
	relc_path_pop(&reldir);
	relc_strbuf_reset(&data);
	relc_strbuf_addf(&data, "%s %s", b->spec.erts_vsn, b->spec.vsn);
	if (write_file(reldir.buf, "start_erl.data", &data, 0644, b->err))
		goto out;
	if (b->settings.include_erts && write_releases_file(b, reldir.buf))
		goto out;

	/* lib/, erts-VSN/ */
	if (write_lib(b, staging) ||
	    (b->settings.include_erts && write_erts(b, staging)))
		goto out;

	/* bin/NAME */
	if (mkdir_in(&dir, staging, "bin", b->err) || render(b, &data, "bin") ||
	    write_file(dir.buf, b->spec.name, &data, 0755, b->err))
		goto out;
	r = 0;
out:
	relc_strbuf_release(&reldir);
	relc_strbuf_release(&data);
	relc_strbuf_release(&name);
	relc_strbuf_release(&dir);
	return r;
}

/*
 * Remove staging directories of earlier builds of this release whose
 * process is gone (a build that was killed cannot clean up after itself).
 */
static void
remove_stale_staging(const char *parent, const char *relname)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf prefix = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;

	relc_strbuf_addf(&prefix, ".relc-%s-", relc_path_basename(relname));
	if (relc_fs_list_dir(&names, &n, parent, 1, &ignored))
		goto out;
	for (i = 0; i < n; i++) {
		long pid;

		if (strncmp(names[i], prefix.buf, prefix.len))
			continue;
		pid = strtol(names[i] + prefix.len, NULL, 10);
		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue; /* still building */
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/%s", parent, names[i]);
		relc_fs_remove_tree(path.buf, &ignored);
		relc_error_release(&ignored);
	}
	relc_fs_free_names(names, n);
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&prefix);
	relc_strbuf_release(&path);
}

static int
place(struct build *b)
{
	struct relc_strbuf parent = RELC_STRBUF_INIT,
			   staging = RELC_STRBUF_INIT,
			   prefix = RELC_STRBUF_INIT;
	struct relc_error cleanup = RELC_ERROR_INIT;
	int r = -1;

	relc_path_dirname(&parent, b->out_dir.buf);
	if (relc_fs_mkdirs(parent.buf, 0755, b->err))
		goto out;
	remove_stale_staging(parent.buf, b->out_dir.buf);
	relc_strbuf_addf(&prefix, ".relc-%s-%ld-",
			 relc_path_basename(b->out_dir.buf), (long)getpid());
	if (relc_fs_mkdtemp(&staging, parent.buf, prefix.buf, b->err))
		goto out;
	if (write_release(b, staging.buf) ||
	    relc_fs_replace_dir(staging.buf, b->out_dir.buf, b->err)) {
		relc_fs_remove_tree(staging.buf, &cleanup);
		goto out;
	}
	r = 0;
out:
	relc_error_release(&cleanup);
	relc_strbuf_release(&parent);
	relc_strbuf_release(&staging);
	relc_strbuf_release(&prefix);
	return r;
}

/* ---- up to date? ----------------------------------------------------------
 */

static int
newer(const struct stat *st, const struct timespec *stamp)
{
	return st->st_mtim.tv_sec > stamp->tv_sec ||
	       (st->st_mtim.tv_sec == stamp->tv_sec &&
		st->st_mtim.tv_nsec > stamp->tv_nsec);
}

/*
 * Is anything under `path` (following links, as the copy does) newer than
 * stamp?  A path that is not there is not newer.
 */
static int
tree_newer(const char *path, const struct timespec *stamp, unsigned depth)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf sub = RELC_STRBUF_INIT;
	struct stat st;
	char **names;
	size_t n, i;
	int r = 0;

	if (stat(path, &st) < 0)
		return 0;
	if (newer(&st, stamp))
		return 1;
	if (!S_ISDIR(st.st_mode) || depth > 64)
		return 0;
	if (relc_fs_list_dir(&names, &n, path, 1, &ignored)) {
		relc_error_release(&ignored);
		return 1; /* cannot tell: build */
	}
	for (i = 0; i < n && !r; i++) {
		relc_strbuf_reset(&sub);
		relc_strbuf_addf(&sub, "%s/%s", path, names[i]);
		r = tree_newer(sub.buf, stamp, depth + 1);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&sub);
	return r;
}

/*
 * The release in the output directory is up to date when its boot file
 * is newer than every input the build reads.
 */
static int
up_to_date(struct build *b)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;
	struct timespec stamp;
	struct stat st;
	size_t i;
	int stale = 1;

	relc_strbuf_addf(&p, "%s/releases/%s/start.boot", b->out_dir.buf,
			 b->spec.vsn);
	if (stat(p.buf, &st) < 0)
		goto out;
	stamp = st.st_mtim;
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/bin/%s", b->out_dir.buf, b->spec.name);
	if (stat(p.buf, &st) < 0)
		goto out;
	if (tree_newer(b->config_path.buf, &stamp, 0) ||
	    (b->opts->self_path && tree_newer(b->opts->self_path, &stamp, 0)))
		goto out;
	project_path(b, &p, "config");
	if (tree_newer(p.buf, &stamp, 0))
		goto out;
	project_path(b, &p, "rel/templates");
	if (tree_newer(p.buf, &stamp, 0))
		goto out;
	for (i = 0; i < b->spec.napps; i++) {
		const struct relc_app *app = b->spec.apps[i].app;

		if (!copied(b, app))
			continue;
		if (tree_newer(app->ebin, &stamp, 0))
			goto out;
		relc_strbuf_reset(&p);
		relc_strbuf_addf(&p, "%s/priv", app->dir);
		if (tree_newer(p.buf, &stamp, 0))
			goto out;
		if (!b->settings.include_src)
			continue;
		relc_strbuf_reset(&p);
		relc_strbuf_addf(&p, "%s/src", app->dir);
		if (tree_newer(p.buf, &stamp, 0))
			goto out;
		relc_strbuf_reset(&p);
		relc_strbuf_addf(&p, "%s/include", app->dir);
		if (tree_newer(p.buf, &stamp, 0))
			goto out;
	}
	if (b->settings.include_erts) {
		relc_strbuf_reset(&p);
		relc_strbuf_addf(&p, "%s/erts-%s/bin", b->otp.root,
				 b->otp.erts_vsn);
		if (tree_newer(p.buf, &stamp, 0))
			goto out;
	}
	stale = 0;
out:
	relc_strbuf_release(&p);
	return !stale;
}

/* ---- the archive ------------------------------------------------------------
 */

static int
archive(struct build *b, struct relc_build_result *res)
{
	const struct relc_build_opts *o = b->opts;
	struct relc_strbuf dest = RELC_STRBUF_INIT, name = RELC_STRBUF_INIT;
	int r = -1;

	if (b->settings.dev_mode && o->archive) {
		const struct relc_settings *s = &b->settings;

		return relc_error_at(b->err, RELC_ECONFIG,
				     s->where[RELC_S_DEV_MODE].file,
				     s->where[RELC_S_DEV_MODE].line,
				     s->where[RELC_S_DEV_MODE].col,
				     "dev_mode is set, skipping archival");
	}
	if (relc_archive_manifest(&res->manifest, b->out_dir.buf, b->spec.name,
				  b->spec.vsn, b->err))
		goto out;
	if (!o->archive) {
		r = relc_archive_checksum(&res->manifest, b->err);
		goto out;
	}
	relc_strbuf_addf(&name, "%s-%s%s", b->spec.name, b->spec.vsn,
			 relc_archive_suffix(o->archive_opts.format));
	if (o->archive_path) {
		relc_strbuf_addstr(&dest, o->archive_path);
	} else {
		/* mix's place: _build/ENV/NAME-VSN.tar.gz; else next to it */
		relc_path_dirname(&dest, b->out_dir.buf);
		if (!b->settings.output_dir)
			relc_path_pop(&dest);
		if (relc_path_push(&dest, name.buf, "archive name", b->err))
			goto out;
	}
	if (relc_archive_write(&res->manifest, dest.buf, &o->archive_opts,
			       b->err))
		goto out;
	res->archive_path = relc_strbuf_detach(&dest, NULL);
	r = 0;
out:
	relc_strbuf_release(&dest);
	relc_strbuf_release(&name);
	return r;
}

/* ---- the target OTP --------------------------------------------------------
 */

/* The OTP root in dir or a directory below it (up to two levels). */
static int
find_root_below(struct relc_strbuf *out, const char *dir, unsigned depth)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf p = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;
	int found = 0;

	relc_strbuf_addf(&p, "%s/releases", dir);
	if (relc_fs_is_dir(p.buf)) {
		relc_strbuf_reset(out);
		relc_strbuf_addstr(out, dir);
		relc_strbuf_release(&p);
		return 1;
	}
	if (depth >= 2 || relc_fs_list_dir(&names, &n, dir, 1, &ignored)) {
		relc_error_release(&ignored);
		relc_strbuf_release(&p);
		return 0;
	}
	for (i = 0; i < n && !found; i++) {
		relc_strbuf_reset(&p);
		relc_strbuf_addf(&p, "%s/%s", dir, names[i]);
		if (relc_fs_is_dir(p.buf))
			found = find_root_below(out, p.buf, depth + 1);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&p);
	return found;
}

/*
 * The target OTP: include_erts' path (a directory, or an OTP tarball,
 * extracted next to the output for the time of the build), or the erl on
 * PATH.
 */
static int
find_otp(struct build *b, struct relc_strbuf *root)
{
	const struct relc_settings *s = &b->settings;
	struct relc_strbuf path = RELC_STRBUF_INIT, parent = RELC_STRBUF_INIT,
			   prefix = RELC_STRBUF_INIT;
	const char *erts = s->erts_path;
	int r = -1;

	if (erts) {
		relc_path_resolve(&path, b->project.buf, erts);
		if (relc_fs_is_file(path.buf)) {
			relc_path_dirname(&parent, b->out_dir.buf);
			relc_strbuf_addf(&prefix, ".relc-%s-%ld-otp-",
					 relc_path_basename(b->out_dir.buf),
					 (long)getpid());
			if (relc_fs_mkdirs(parent.buf, 0755, b->err) ||
			    relc_fs_mkdtemp(&b->otp_tmp, parent.buf, prefix.buf,
					    b->err) ||
			    relc_archive_extract(path.buf, b->otp_tmp.buf,
						 b->err))
				goto located;
			if (!find_root_below(&path, b->otp_tmp.buf, 0)) {
				relc_error_set(b->err, RELC_EOTP,
					       "include_erts: '%s' holds no "
					       "Erlang/OTP installation (no "
					       "releases/ directory)",
					       erts);
				goto located;
			}
			erts = path.buf;
		}
	}
	r = relc_otp_find_root(root, erts, b->project.buf, b->opts->path_env,
			       b->err);
located:
	if (r && s->erts_path)
		relc_error_locate(b->err, s->where[RELC_S_INCLUDE_ERTS].file,
				  s->where[RELC_S_INCLUDE_ERTS].line,
				  s->where[RELC_S_INCLUDE_ERTS].col);
	relc_strbuf_release(&path);
	relc_strbuf_release(&parent);
	relc_strbuf_release(&prefix);
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
	res->files = b->stats.files;
	res->bytes = b->stats.bytes;
	res->stripped = b->stats.stripped;
	RELC_CALLOC_ARRAY(res->apps, b->nboot + 1);
	for (i = 0; i < b->nboot; i++) {
		res->apps[i].name = relc_xstrdup(b->boot[i].app->name);
		res->apps[i].vsn = relc_xstrdup(b->boot[i].app->vsn);
		res->apps[i].type =
		    relc_xstrdup(relc_start_type_name(b->boot[i].type));
	}
}

int
relc_release_build(struct relc_build_result *res,
		   const struct relc_build_opts *opts, struct relc_error *err)
{
	struct relc_strbuf root = RELC_STRBUF_INIT;
	struct build b;
	int r = -1;

	memset(res, 0, sizeof(*res));
	memset(&b, 0, sizeof(b));
	b.opts = opts;
	b.err = err;
	relc_arena_init(&b.arena);
	relc_strbuf_init(&b.project, 0);
	relc_strbuf_init(&b.config_path, 0);
	relc_strbuf_init(&b.out_dir, 0);
	relc_strbuf_init(&b.otp_tmp, 0);

	if (locate_project(&b) ||
	    relc_config_load(&b.cfg, b.config_path.buf, err) ||
	    relc_config_select(&b.rel, &b.env, &b.settings, b.cfg,
			       opts->release, opts->env, opts->mix_env, err))
		goto out;
	if (b.settings.output_dir) {
		relc_path_resolve(&b.out_dir, b.project.buf,
				  b.settings.output_dir);
	} else {
		relc_path_resolve(&b.out_dir, b.project.buf, "_build");
		if (relc_path_push(&b.out_dir, b.env, "environment", err))
			goto out;
		relc_path_append(&b.out_dir, "rel");
		relc_path_append(&b.out_dir, b.rel->name);
	}
	if (find_otp(&b, &root))
		goto out;
	if (relc_otp_load(&b.otp, root.buf, &b.arena, err) || build_index(&b) ||
	    resolve(&b))
		goto out;
	if (!opts->build_if_stale || !up_to_date(&b)) {
		if (place(&b))
			goto out;
		res->built = 1;
	}
	if ((opts->archive || opts->manifest) && archive(&b, res))
		goto out;
	fill_result(res, &b);
	r = 0;
out:
	if (r)
		relc_build_result_release(res);
	relc_strbuf_release(&root);
	if (b.otp_tmp.len) {
		struct relc_error ignored = RELC_ERROR_INIT;

		relc_fs_remove_tree(b.otp_tmp.buf, &ignored);
		relc_error_release(&ignored);
		relc_strbuf_release(&b.otp_tmp);
	}
	relc_appindex_free(b.index);
	relc_config_free(b.cfg);
	relc_arena_release(&b.arena);
	relc_strbuf_release(&b.project);
	relc_strbuf_release(&b.config_path);
	relc_strbuf_release(&b.out_dir);
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
	relc_archive_manifest_release(&res->manifest);
	memset(res, 0, sizeof(*res));
}
