/*
 * userfiles.c: the project's own files in its release (see userfiles.h).
 */
#include "relc/compat.h"
#include "relc/userfiles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relc/arena.h"
#include "relc/config.h"
#include "relc/error.h"
#include "relc/exconfig.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/plan.h"
#include "relc/relfiles.h"
#include "relc/runconf.h"
#include "relc/script.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/template.h"
#include "relc/term.h"
#include "relc/walk.h"

#define MAX_SYS_CONFIG ((size_t)16 << 20)
#define MAX_TEXT_FILE ((size_t)1 << 20)

struct uf {
	struct relc_plan *plan;
	const struct relc_plan_in *in;
	const struct relc_settings *s;
	struct relc_arena *arena;
	struct relc_error *err;
	const char *config;	   /* the config's path, for messages */
	struct relc_strbuf reldir; /* "releases/VSN" */
};

/* The config file the settings came from (NULL: none was read). */
static const char *
config_path(const struct relc_settings *s)
{
	size_t i;

	for (i = 0; i < RELC_S__COUNT; i++)
		if (s->where[i].file)
			return s->where[i].file;
	return NULL;
}

static void
uf_init(struct uf *u, struct relc_plan *plan, const struct relc_plan_in *in,
	struct relc_arena *arena, struct relc_error *err)
{
	memset(u, 0, sizeof(*u));
	u->plan = plan;
	u->in = in;
	u->s = in->settings;
	u->arena = arena;
	u->err = err;
	u->config = plan->config;
	relc_strbuf_init(&u->reldir, 0);
	relc_strbuf_addf(&u->reldir, "releases/%s", plan->vsn);
}

static void
project_path(const struct uf *u, struct relc_strbuf *sb, const char *rel)
{
	relc_path_resolve(sb, u->in->project, rel);
}

/* 0755 for a file with an execute bit, else 0644. */
static mode_t
file_mode(const struct stat *st)
{
	return (st->st_mode & 0111) ? 0755 : 0644;
}

/*
 * The template a setting names (it must be a file), else the first of
 * the defaults in the project that exists; NULL when none does.
 */
/*
 * The template a setting names, else the first of the defaults in the
 * project that exists; NULL when none does.  What is there must be a
 * regular file (or a link to one).
 */
static int
choose(struct uf *u, size_t id, const char *given, const char *const *defaults,
       size_t ndefaults, const char **out)
{
	struct relc_strbuf path = RELC_STRBUF_INIT;
	struct stat st;
	size_t i;
	int r = 0, fd;

	*out = NULL;
	for (i = 0; i < (given ? 1 : ndefaults); i++) {
		project_path(u, &path, given ? given : defaults[i]);
		if (!given && lstat(path.buf, &st) < 0 && errno == ENOENT)
			continue;
		fd = relc_fs_open_regular(AT_FDCWD, path.buf, path.buf, &st,
					  u->err);
		if (fd < 0) {
			if (given)
				relc_error_locate(u->err, u->config,
						  u->s->where[id].line,
						  u->s->where[id].col);
			r = -1;
			break;
		}
		close(fd);
		*out = relc_arena_strdup(u->arena, path.buf);
		break;
	}
	relc_strbuf_release(&path);
	return r;
}

static struct relc_plan_file *
add(struct uf *u, enum relc_plan_kind kind, const char *path, const char *src,
    mode_t mode, unsigned line, unsigned col)
{
	struct relc_plan_file *f =
	    relc_plan_add(u->plan, u->arena, kind, path, src, mode);

	f->line = line;
	f->col = col;
	return f;
}

/* ---- env.sh, hooks, commands, the cookie ----------------------------------
 */

static int
env_file(struct uf *u)
{
	static const char *const defaults[] = {"rel/env.sh"};
	struct relc_strbuf dest = RELC_STRBUF_INIT;
	const char *src;

	if (choose(u, RELC_S_ENV_FILE, u->s->env_file, defaults,
		   RELC_ARRAY_SIZE(defaults), &src))
		return -1;
	if (src) {
		relc_strbuf_addf(&dest, "%s/env.sh", u->reldir.buf);
		add(u, RELC_PLAN_FILE, dest.buf, src, 0644,
		    u->s->where[RELC_S_ENV_FILE].line,
		    u->s->where[RELC_S_ENV_FILE].col);
	}
	relc_strbuf_release(&dest);
	return 0;
}

/*
 * A script of a hook or a command: the file at src (following links), into
 * dest; `what` names it in messages ("hook 'post_start'").
 */
static int
script(struct uf *u, const struct relc_kv *kv, const char *src,
       const char *dest, const char *what)
{
	struct stat st;

	if (stat(src, &st) < 0)
		return relc_error_at(u->err, RELC_ECONFIG, u->config, kv->line,
				     kv->col, "%s: cannot read '%s': %s", what,
				     src, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return relc_error_at(u->err, RELC_ECONFIG, u->config, kv->line,
				     kv->col, "%s: '%s' is %s, not a script",
				     what, src, relc_fs_type_name(st.st_mode));
	add(u, RELC_PLAN_FILE, dest, src, 0755, kv->line, kv->col);
	return 0;
}

static int
hook(struct uf *u, const struct relc_kv *kv)
{
	struct relc_strbuf src = RELC_STRBUF_INIT, dest = RELC_STRBUF_INIT,
			   what = RELC_STRBUF_INIT, child = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	int r = -1;

	project_path(u, &src, kv->value);
	relc_strbuf_addf(&what, "hook '%s'", kv->key);
	if (!relc_fs_is_dir(src.buf)) {
		if (relc_path_basename(src.buf)[0] == '.') {
			relc_error_at(u->err, RELC_ECONFIG, u->config, kv->line,
				      kv->col,
				      "%s: '%s' is a hidden file, which "
				      "bin/NAME would not run: rename it",
				      what.buf, src.buf);
			goto out;
		}
		relc_strbuf_addf(&dest, "%s/hooks/%s/%s", u->reldir.buf,
				 kv->key, relc_path_basename(src.buf));
		r = script(u, kv, src.buf, dest.buf, what.buf);
		goto out;
	}
	if (relc_fs_list_dir(&names, &n, src.buf, 0, u->err))
		goto out;
	for (i = 0; i < n; i++) {
		if (names[i][0] == '.')
			continue;
		relc_strbuf_reset(&child);
		relc_strbuf_addstr(&child, src.buf);
		relc_path_append(&child, names[i]);
		relc_strbuf_reset(&dest);
		relc_strbuf_addf(&dest, "%s/hooks/%s/%s", u->reldir.buf,
				 kv->key, names[i]);
		if (script(u, kv, child.buf, dest.buf, what.buf))
			goto out;
	}
	r = 0;
out:
	relc_fs_free_names(names, n);
	relc_strbuf_release(&src);
	relc_strbuf_release(&dest);
	relc_strbuf_release(&what);
	relc_strbuf_release(&child);
	return r;
}

static int
hooks_and_commands(struct uf *u)
{
	struct relc_strbuf src = RELC_STRBUF_INIT, dest = RELC_STRBUF_INIT,
			   what = RELC_STRBUF_INIT;
	size_t i;
	int r = 0;

	for (i = 0; !r && i < u->s->nhooks; i++)
		r = hook(u, &u->s->hooks[i]);
	for (i = 0; !r && i < u->s->ncommands; i++) {
		const struct relc_kv *kv = &u->s->commands[i];

		relc_strbuf_reset(&src);
		project_path(u, &src, kv->value);
		relc_strbuf_reset(&dest);
		relc_strbuf_addf(&dest, "%s/commands/%s", u->reldir.buf,
				 kv->key);
		relc_strbuf_reset(&what);
		relc_strbuf_addf(&what, "command '%s'", kv->key);
		r = script(u, kv, src.buf, dest.buf, what.buf);
	}
	relc_strbuf_release(&src);
	relc_strbuf_release(&dest);
	relc_strbuf_release(&what);
	return r;
}

static void
cookie(struct uf *u)
{
	struct relc_plan_file *f;

	if (!u->s->cookie)
		return;
	f = add(u, RELC_PLAN_DATA, "releases/COOKIE", NULL, 0400,
		u->s->where[RELC_S_COOKIE].line,
		u->s->where[RELC_S_COOKIE].col);
	relc_strbuf_addstr(&f->data, u->s->cookie);
}

/* ---- overlays ------------------------------------------------------------ */

struct tree_copy {
	struct uf *u;
	const struct relc_overlay *o;
};

static int
copy_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct tree_copy *tc = ctx;
	struct relc_strbuf dest = RELC_STRBUF_INIT, src = RELC_STRBUF_INIT;
	int r = 0;

	relc_strbuf_addstr(&dest, tc->o->to);
	if (*e->rel)
		relc_path_append(&dest, e->rel);
	relc_strbuf_addstr(&src, e->path);
	switch (e->kind) {
	case RELC_WALK_DIR:
		add(tc->u, RELC_PLAN_DIR, dest.buf, NULL, 0755, tc->o->line,
		    tc->o->col);
		break;
	case RELC_WALK_FILE:
		add(tc->u, RELC_PLAN_FILE, dest.buf, src.buf, file_mode(e->st),
		    tc->o->line, tc->o->col);
		break;
	case RELC_WALK_LINK:
		add(tc->u, RELC_PLAN_SYMLINK, dest.buf, e->target, 0777,
		    tc->o->line, tc->o->col);
		break;
	default:
		r = relc_error_at(err, RELC_ECONFIG, tc->u->config, tc->o->line,
				  tc->o->col,
				  "overlay copy: '%s' is %s, which cannot be "
				  "copied",
				  src.buf, relc_fs_type_name(e->st->st_mode));
		break;
	}
	relc_strbuf_release(&dest);
	relc_strbuf_release(&src);
	return r;
}

static int
overlay(struct uf *u, const struct relc_overlay *o)
{
	static const struct relc_walk_opts opts = {.flags = 0};
	struct relc_strbuf src = RELC_STRBUF_INIT, real = RELC_STRBUF_INIT;
	struct tree_copy tc;
	struct stat st;
	int r = -1;

	if (o->kind == RELC_OVERLAY_MKDIR) {
		add(u, RELC_PLAN_DIR, o->to, NULL, 0755, o->line, o->col);
		return 0;
	}
	if (o->kind == RELC_OVERLAY_LINK) {
		add(u, RELC_PLAN_SYMLINK, o->to, o->from, 0777, o->line,
		    o->col);
		return 0;
	}
	project_path(u, &src, o->from);
	if (stat(src.buf, &st) < 0) {
		relc_error_at(u->err, RELC_ECONFIG, u->config, o->line, o->col,
			      "overlay %s: cannot read '%s': %s",
			      o->kind == RELC_OVERLAY_COPY ? "copy"
							   : "template",
			      src.buf, strerror(errno));
		goto out;
	}
	if (o->kind == RELC_OVERLAY_TEMPLATE || S_ISREG(st.st_mode)) {
		if (!S_ISREG(st.st_mode)) {
			relc_error_at(u->err, RELC_ECONFIG, u->config, o->line,
				      o->col,
				      "overlay template: '%s' is %s, not a "
				      "file",
				      src.buf, relc_fs_type_name(st.st_mode));
			goto out;
		}
		add(u,
		    o->kind == RELC_OVERLAY_COPY ? RELC_PLAN_FILE
						 : RELC_PLAN_DATA,
		    o->to, src.buf, file_mode(&st), o->line, o->col);
		r = 0;
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		relc_error_at(u->err, RELC_ECONFIG, u->config, o->line, o->col,
			      "overlay copy: '%s' is %s, which cannot be "
			      "copied",
			      src.buf, relc_fs_type_name(st.st_mode));
		goto out;
	}
	/* a directory: its own links are copied as links */
	if (relc_fs_realpath(&real, src.buf, u->err))
		goto out;
	tc.u = u;
	tc.o = o;
	r = relc_walk(real.buf, &opts, copy_entry, &tc, u->err) ? -1 : 0;
out:
	relc_strbuf_release(&src);
	relc_strbuf_release(&real);
	return r;
}

/* A mix project's config/runtime.exs -> releases/VSN/runtime.exs */
static int
runtime_exs(struct uf *u)
{
	struct relc_strbuf src = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	struct stat st;
	int r = -1;

	relc_path_resolve(&src, u->in->project, "config/runtime.exs");
	if (stat(src.buf, &st) < 0) {
		r = errno == ENOENT
			? 0
			: relc_error_errno(u->err, "cannot read '%s'", src.buf);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		relc_error_set(u->err, RELC_ECONFIG, "'%s' is %s, not a file",
			       src.buf, relc_fs_type_name(st.st_mode));
		goto out;
	}
	relc_strbuf_addf(&path, "%s/runtime.exs", u->reldir.buf);
	add(u, RELC_PLAN_FILE, path.buf, src.buf, 0644, 0, 0);
	r = 0;
out:
	relc_strbuf_release(&src);
	relc_strbuf_release(&path);
	return r;
}

int
relc_userfiles_list(struct relc_plan *plan, const struct relc_plan_in *in,
		    struct relc_arena *arena, struct relc_error *err)
{
	static const char *const vm_args[] = {"config/vm.args", "rel/vm.args"};
	static const char *const sys_config[] = {"config/sys.config",
						 "rel/sys.config"};
	struct uf u;
	struct relc_strbuf path = RELC_STRBUF_INIT;
	size_t i;
	int r = -1;

	plan->config = config_path(in->settings);
	uf_init(&u, plan, in, arena, err);

	if (choose(&u, RELC_S_VM_ARGS, u.s->vm_args, vm_args,
		   RELC_ARRAY_SIZE(vm_args), &plan->vm_args_src) ||
	    choose(&u, RELC_S_SYS_CONFIG, u.s->sys_config, sys_config,
		   RELC_ARRAY_SIZE(sys_config), &plan->sys_config_src))
		goto out;
	relc_strbuf_addf(&path, "%s/vm.args", u.reldir.buf);
	add(&u, RELC_PLAN_DATA, path.buf, NULL, 0644, 0, 0);
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/sys.config", u.reldir.buf);
	add(&u, RELC_PLAN_DATA, path.buf, NULL, 0644, 0, 0);
	if (in->mix && runtime_exs(&u))
		goto out;

	if (env_file(&u) || hooks_and_commands(&u))
		goto out;
	cookie(&u);
	for (i = 0; i < u.s->noverlays; i++)
		if (overlay(&u, &u.s->overlays[i]))
			goto out;
	r = 0;
out:
	relc_strbuf_release(&u.reldir);
	relc_strbuf_release(&path);
	return r;
}

/* ---- the checks ---------------------------------------------------------- */

/* Where an entry comes from, for a message. */
static void
origin(struct relc_strbuf *out, const struct relc_plan_file *f)
{
	if (f->line)
		relc_strbuf_addf(out, "the entry at line %u", f->line);
	else
		relc_strbuf_addstr(out, "one relc makes");
}

/* The error about `f` (an entry of the config: its place; else relc's). */
static int
clash(const struct relc_plan *plan, const struct relc_plan_file *f,
      const char *msg, struct relc_error *err)
{
	if (!f->line)
		return relc_error_set(err, RELC_EINTERNAL, "%s", msg);
	return relc_error_at(err, RELC_ECONFIG, plan->config, f->line, f->col,
			     "%s", msg);
}

/* Is `path` where relc alone writes? */
static const char *
relc_only(const char *path)
{
	if (!strcmp(path, "lib") || !strncmp(path, "lib/", 4))
		return "lib/";
	if (!strncmp(path, "erts-", 5))
		return "ERTS";
	if (!strcmp(path, ".relc") || !strncmp(path, ".relc/", 6))
		return ".relc/";
	return NULL;
}

int
relc_userfiles_check(const struct relc_plan *plan, struct relc_error *err)
{
	struct relc_strbuf prefix = RELC_STRBUF_INIT, msg = RELC_STRBUF_INIT;
	size_t i;
	int r = -1;

	for (i = 0; i < plan->nfiles; i++) {
		const struct relc_plan_file *f = &plan->files[i];
		const struct relc_plan_file *prev =
		    i ? &plan->files[i - 1] : NULL;
		const char *slash, *where;

		relc_strbuf_reset(&msg);
		/* the list is sorted: a path twice comes in a row */
		if (prev && !strcmp(prev->path, f->path) &&
		    !(f->kind == RELC_PLAN_DIR &&
		      prev->kind == RELC_PLAN_DIR)) {
			relc_strbuf_addf(
			    &msg, "'%s' is in the release already (", f->path);
			origin(&msg, f->line ? prev : f);
			relc_strbuf_addch(&msg, ')');
			clash(plan, f->line ? f : prev, msg.buf, err);
			goto out;
		}
		if (f->line && (where = relc_only(f->path))) {
			relc_strbuf_addf(&msg,
					 "'%s' is inside %s, which relc makes "
					 "whole: put it elsewhere in the "
					 "release",
					 f->path, where);
			clash(plan, f, msg.buf, err);
			goto out;
		}
		/* nothing below a file or a link of the list */
		for (slash = strchr(f->path, '/'); slash;
		     slash = strchr(slash + 1, '/')) {
			const struct relc_plan_file *g;

			relc_strbuf_reset(&prefix);
			relc_strbuf_add(&prefix, f->path,
					(size_t)(slash - f->path));
			g = relc_plan_file(plan, prefix.buf);
			if (!g || g->kind == RELC_PLAN_DIR)
				continue;
			relc_strbuf_addf(&msg,
					 "'%s' would be written through '%s', "
					 "which is not a directory of the "
					 "release",
					 f->path, prefix.buf);
			clash(plan, f->line ? f : g, msg.buf, err);
			goto out;
		}
	}
	r = 0;
out:
	relc_strbuf_release(&prefix);
	relc_strbuf_release(&msg);
	return r;
}

/* ---- the stamp's inputs -------------------------------------------------- */

void
relc_userfiles_inputs(struct relc_strbuf *out, const struct relc_plan *plan,
		      const struct relc_plan_in *in)
{
	static const char *const candidates[] = {
	    "config/vm.args",	  "rel/vm.args", "config/sys.config",
	    "rel/sys.config",	  "rel/env.sh",	 "config/config.exs",
	    "config/runtime.exs",
	};
	const struct relc_settings *s = in->settings;
	struct relc_strbuf path = RELC_STRBUF_INIT;
	size_t i;

	for (i = 0; i < RELC_ARRAY_SIZE(candidates); i++) {
		relc_path_resolve(&path, in->project, candidates[i]);
		relc_stamp_input(out, path.buf);
	}
	/* a hook directory's listing: a script added or removed */
	for (i = 0; i < s->nhooks; i++) {
		relc_path_resolve(&path, in->project, s->hooks[i].value);
		relc_stamp_input(out, path.buf);
	}
	for (i = 0; i < plan->nfiles; i++) {
		const struct relc_plan_file *f = &plan->files[i];

		if (f->src && f->kind != RELC_PLAN_SYMLINK)
			relc_stamp_input(out, f->src);
	}
	if (plan->vm_args_src)
		relc_stamp_input(out, plan->vm_args_src);
	if (plan->sys_config_src)
		relc_stamp_input(out, plan->sys_config_src);
	/* the files config/config.exs read (its imports) */
	for (i = 0; i < in->nexconfig_files; i++)
		relc_stamp_input(out, in->exconfig_files[i]);
	relc_strbuf_release(&path);
}

/* ---- contents ------------------------------------------------------------ */

static int
in_plan(void *ctx, const char *rel)
{
	return relc_plan_file(ctx, rel) != NULL;
}

/*
 * sys.config from config/config.exs, under the sys_config template when
 * there is one: the template's keys win.  The template must then be a
 * term as it is: a ${VAR} would be lost in the merge.
 */
static int
elixir_sys_config(struct uf *u, struct relc_strbuf *out)
{
	const char *src = u->plan->sys_config_src;
	const struct relc_term *t = u->in->exconfig, **terms;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	size_t n;
	int r = -1;

	if (src) {
		const char *ref;

		if (relc_fs_read_file(&text, src, MAX_SYS_CONFIG, 0, u->err))
			goto out;
		ref = strstr(text.buf, "${");
		if (ref) {
			relc_error_set(
			    u->err, RELC_ECONFIG,
			    "%s: a ${VAR} reference cannot be merged with "
			    "config/config.exs, which is read at build time: "
			    "take values from the environment in "
			    "config/runtime.exs (System.get_env/1), or leave "
			    "config.exs out",
			    src);
			goto out;
		}
		if (relc_term_parse(&terms, &n, text.buf, text.len, 0, u->arena,
				    u->err)) {
			relc_error_locate(u->err, src, u->err->line,
					  u->err->col);
			goto out;
		}
		if (n != 1) {
			relc_error_set(u->err, RELC_ECONFIG,
				       "%s: holds %zu terms, not one list", src,
				       n);
			goto out;
		}
		if (relc_exconfig_merge(&t, t, terms[0], src, u->arena, u->err))
			goto out;
	}
	relc_script_format(out, t);
	r = 0;
out:
	relc_strbuf_release(&text);
	return r;
}

static int
config_files(struct uf *u)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT;
	struct relc_plan_file *f;
	int r = -1;

	relc_strbuf_addf(&path, "%s/sys.config", u->reldir.buf);
	f = (struct relc_plan_file *)relc_plan_file(u->plan, path.buf);
	relc_strbuf_reset(&f->data);
	if (u->in->exconfig) {
		if (elixir_sys_config(u, &f->data))
			goto out;
	} else if (!u->plan->sys_config_src)
		relc_strbuf_addstr(&f->data, "[].\n");
	else if (relc_fs_read_file(&f->data, u->plan->sys_config_src,
				   MAX_SYS_CONFIG, 0, u->err) ||
		 relc_runconf_check_sys_config(f->data.buf, f->data.len,
					       u->plan->sys_config_src,
					       u->arena, u->err))
		goto out;

	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/vm.args", u->reldir.buf);
	f = (struct relc_plan_file *)relc_plan_file(u->plan, path.buf);
	relc_strbuf_reset(&f->data);
	if (!u->plan->vm_args_src) {
		if (relc_relfiles_template(&f->data, u->plan, u->in, "vm.args",
					   u->err))
			goto out;
	} else if (relc_fs_read_file(&f->data, u->plan->vm_args_src,
				     MAX_TEXT_FILE, 0, u->err) ||
		   relc_runconf_check_vm_args(f->data.buf, f->data.len,
					      u->plan->vm_args_src, in_plan,
					      u->plan, u->err)) {
		goto out;
	}
	r = 0;
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&data);
	return r;
}

/* A template overlay, rendered with relc's variables and overlay_vars. */
static int template(struct uf *u, struct relc_plan_file *f)
{
	const struct relc_settings *s = u->s;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_tvar *vars;
	size_t i, n = 0;
	int r = -1;

	vars = relc_arena_array(u->arena, s->noverlay_vars + 3, sizeof(*vars));
	vars[n++] = (struct relc_tvar){"release_name", u->plan->name};
	vars[n++] = (struct relc_tvar){"release_version", u->plan->vsn};
	vars[n++] = (struct relc_tvar){"erts_vsn", u->plan->erts_vsn};
	for (i = 0; i < s->noverlay_vars; i++)
		vars[n++] = (struct relc_tvar){s->overlay_vars[i].key,
					       s->overlay_vars[i].value};
	if (relc_fs_read_file(&text, f->src, MAX_SYS_CONFIG, 0, u->err))
		goto out;
	relc_strbuf_reset(&f->data);
	r = relc_template_render_text(&f->data, text.buf, text.len, vars, n,
				      f->src, u->err);
	if (r)
		u->err->kind =
		    RELC_ECONFIG; /* the project's file, not a usage */
out:
	relc_strbuf_release(&text);
	return r;
}

int
relc_userfiles_render(struct relc_plan *plan, const struct relc_plan_in *in,
		      struct relc_arena *arena, struct relc_error *err)
{
	struct uf u;
	size_t i;
	int r = -1;

	uf_init(&u, plan, in, arena, err);
	if (config_files(&u))
		goto out;
	/* template overlays (a config entry's; relfiles.c renders its own) */
	for (i = 0; i < plan->nfiles; i++)
		if (plan->files[i].kind == RELC_PLAN_DATA &&
		    plan->files[i].src && plan->files[i].line &&
		    template(&u, &plan->files[i]))
			goto out;
	r = 0;
out:
	relc_strbuf_release(&u.reldir);
	return r;
}
