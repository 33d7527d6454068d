/*
 * discover.c: the application index.
 */
#include "relc/compat.h"
#include "relc/discover.h"

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/config.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/otp.h"
#include "relc/path.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

#define MAX_APP_FILE_SIZE ((size_t)8 << 20)

struct candidate {
	const char *name;
	const char *app_path; /* DIR/ebin/NAME.app */
	unsigned rank;
	enum relc_app_origin origin;
	int state; /* 0 unread, 1 read, -1 broken */
	struct relc_app app;
};

struct relc_appindex {
	struct relc_arena *arena;
	struct candidate *c;
	size_t n, alloc;
	const char **sources;
	size_t nsources, asources;
};

struct relc_appindex *
relc_appindex_new(struct relc_arena *arena)
{
	struct relc_appindex *idx = relc_xcalloc(1, sizeof(*idx));

	idx->arena = arena;
	return idx;
}

void
relc_appindex_free(struct relc_appindex *idx)
{
	if (!idx)
		return;
	free(idx->c);
	free(idx->sources);
	free(idx);
}

static void
add_candidate(struct relc_appindex *idx, const char *name, const char *ebin,
	      enum relc_app_origin origin)
{
	struct candidate *c;
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/%s.app", ebin, name);
	RELC_ALLOC_GROW(idx->c, idx->n + 1, idx->alloc);
	c = &idx->c[idx->n++];
	memset(c, 0, sizeof(*c));
	c->name = relc_arena_strdup(idx->arena, name);
	c->app_path = relc_arena_strdup(idx->arena, sb.buf);
	c->rank = (unsigned)idx->nsources;
	c->origin = origin;
	relc_strbuf_release(&sb);
}

/* Register the applications whose .app files are in `ebin`. */
static int
add_app_dir(struct relc_appindex *idx, const char *appdir, const char *hint,
	    enum relc_app_origin origin, struct relc_error *err)
{
	struct relc_strbuf ebin = RELC_STRBUF_INIT, probe = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;
	int r = 0;

	relc_strbuf_addstr(&ebin, appdir);
	relc_path_append(&ebin, "ebin");
	if (!relc_fs_is_dir(ebin.buf))
		goto out;
	/* The usual layouts: NAME/ebin/NAME.app and NAME-VSN/ebin/NAME.app. */
	if (hint) {
		const char *dash = strrchr(hint, '-');
		struct relc_strbuf name = RELC_STRBUF_INIT;

		relc_strbuf_addf(&probe, "%s/%s.app", ebin.buf, hint);
		if (relc_fs_is_file(probe.buf)) {
			add_candidate(idx, hint, ebin.buf, origin);
			goto out;
		}
		if (dash && relc_isdigit((unsigned char)dash[1])) {
			relc_strbuf_add(&name, hint, (size_t)(dash - hint));
			relc_strbuf_reset(&probe);
			relc_strbuf_addf(&probe, "%s/%s.app", ebin.buf,
					 name.buf);
			if (relc_fs_is_file(probe.buf)) {
				add_candidate(idx, name.buf, ebin.buf, origin);
				relc_strbuf_release(&name);
				goto out;
			}
		}
		relc_strbuf_release(&name);
	}
	r = relc_fs_list_dir(&names, &n, ebin.buf, 0, err);
	if (r)
		goto out;
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		if (len > 4 && !strcmp(names[i] + len - 4, ".app")) {
			names[i][len - 4] = '\0';
			add_candidate(idx, names[i], ebin.buf, origin);
		}
	}
	relc_fs_free_names(names, n);
out:
	relc_strbuf_release(&ebin);
	relc_strbuf_release(&probe);
	return r;
}

int
relc_appindex_add(struct relc_appindex *idx, const char *dir,
		  enum relc_app_origin origin, int missing_ok,
		  struct relc_error *err)
{
	struct relc_strbuf sub = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;
	int r;

	if (!relc_fs_is_dir(dir)) {
		if (missing_ok)
			return 1;
		return relc_error_set(err, RELC_EAPP, "'%s' is not a directory",
				      dir);
	}
	RELC_ALLOC_GROW(idx->sources, idx->nsources + 1, idx->asources);
	idx->sources[idx->nsources] = relc_arena_strdup(idx->arena, dir);
	relc_strbuf_addstr(&sub, dir);
	relc_path_append(&sub, "ebin");
	if (relc_fs_is_dir(sub.buf)) {
		r = add_app_dir(idx, dir, relc_path_basename(dir), origin, err);
		idx->nsources++;
		relc_strbuf_release(&sub);
		return r;
	}
	r = relc_fs_list_dir(&names, &n, dir, 0, err);
	for (i = 0; !r && i < n; i++) {
		if (names[i][0] == '.')
			continue;
		relc_strbuf_reset(&sub);
		relc_strbuf_addstr(&sub, dir);
		relc_path_append(&sub, names[i]);
		r = add_app_dir(idx, sub.buf, names[i], origin, err);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&sub);
	idx->nsources++;
	return r;
}

static int
load(struct relc_appindex *idx, struct candidate *c, struct relc_error *err)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	int r;

	if (c->state)
		return c->state < 0 ? -1 : 0;
	r = relc_fs_read_file(&text, c->app_path, MAX_APP_FILE_SIZE, 0, err);
	if (!r)
		r = relc_appfile_parse(&c->app, text.buf, text.len, c->app_path,
				       c->name, idx->arena, err);
	relc_strbuf_release(&text);
	c->state = r ? -1 : 1;
	c->app.origin = c->origin;
	return r;
}

int
relc_appindex_lookup(const struct relc_app **out, struct relc_appindex *idx,
		     const char *name, const char *vsn, struct relc_error *err)
{
	struct candidate *best = NULL;
	size_t i;

	for (i = 0; i < idx->n; i++) {
		struct candidate *c = &idx->c[i];

		if (strcmp(c->name, name))
			continue;
		if (best && c->rank > best->rank && !vsn)
			break; /* a lower-ranked source: the best is found */
		if (load(idx, c, err))
			return -1;
		if (vsn) {
			if (!strcmp(c->app.vsn, vsn)) {
				best = c;
				break;
			}
			continue;
		}
		if (!best || relc_vsn_compare(c->app.vsn, best->app.vsn) > 0)
			best = c;
	}
	if (!best)
		return 1;
	*out = &best->app;
	return 0;
}

void
relc_appindex_describe(struct relc_strbuf *out, struct relc_appindex *idx,
		       const char *name)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	size_t i, k = 0;

	for (i = 0; i < idx->n; i++) {
		struct candidate *c = &idx->c[i];

		if (strcmp(c->name, name))
			continue;
		if (k++)
			relc_strbuf_addstr(out, ", ");
		if (load(idx, c, &ignored)) {
			relc_strbuf_addf(out, "an unreadable %s", c->app_path);
			relc_error_release(&ignored);
		} else {
			relc_strbuf_addf(out, "%s in %s", c->app.vsn,
					 c->app.dir);
		}
	}
}

void
relc_appindex_sources(struct relc_strbuf *out, const struct relc_appindex *idx)
{
	size_t i;

	for (i = 0; i < idx->nsources; i++)
		relc_strbuf_addf(out, "%s%s", i ? ", " : "", idx->sources[i]);
}

int
relc_discover_project(struct relc_appindex *idx,
		      const struct relc_discover_in *in, struct relc_error *err)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT, exe = RELC_STRBUF_INIT;
	const struct relc_settings *s = in->settings;
	size_t i;
	int r = -1;

	for (i = 0; i < s->nlib_dirs; i++) {
		relc_path_resolve(&dir, in->project, s->lib_dirs[i]);
		if (!relc_fs_is_dir(dir.buf)) {
			relc_error_at(err, RELC_ECONFIG,
				      s->where[RELC_S_LIB_DIRS].file,
				      s->where[RELC_S_LIB_DIRS].line,
				      s->where[RELC_S_LIB_DIRS].col,
				      "lib_dirs: '%s' is not a directory",
				      s->lib_dirs[i]);
			goto out;
		}
		if (relc_appindex_add(idx, dir.buf, RELC_ORIGIN_PROJECT, 0,
				      err) < 0)
			goto out;
	}
	/* mix and rebar3 build output, then erlang.mk and plain layouts */
	relc_strbuf_addf(&exe, "_build/%s/lib", in->env);
	relc_path_resolve(&dir, in->project, exe.buf);
	if (relc_appindex_add(idx, dir.buf, RELC_ORIGIN_PROJECT, 1, err) < 0)
		goto out;
	if (strcmp(in->env, "default")) {
		relc_path_resolve(&dir, in->project, "_build/default/lib");
		if (relc_appindex_add(idx, dir.buf, RELC_ORIGIN_PROJECT, 1,
				      err) < 0)
			goto out;
	}
	relc_path_resolve(&dir, in->project, "ebin");
	if (relc_fs_is_dir(dir.buf) &&
	    relc_appindex_add(idx, in->project, RELC_ORIGIN_PROJECT, 0, err) <
		0)
		goto out;
	relc_path_resolve(&dir, in->project, "deps");
	if (relc_appindex_add(idx, dir.buf, RELC_ORIGIN_PROJECT, 1, err) < 0)
		goto out;
	/* Elixir's applications, when Elixir is there */
	if (s->elixir_root) {
		relc_path_resolve(&dir, in->project, s->elixir_root);
		relc_path_append(&dir, "lib");
		if (!relc_fs_is_dir(dir.buf)) {
			relc_error_at(err, RELC_ECONFIG,
				      s->where[RELC_S_ELIXIR_ROOT].file,
				      s->where[RELC_S_ELIXIR_ROOT].line,
				      s->where[RELC_S_ELIXIR_ROOT].col,
				      "elixir_root: '%s' is not an Elixir "
				      "installation (it has no lib/ directory)",
				      s->elixir_root);
			goto out;
		}
		if (relc_appindex_add(idx, dir.buf, RELC_ORIGIN_ELIXIR, 0,
				      err) < 0)
			goto out;
	} else if (relc_find_program(&exe, "elixir", in->path_env, err) == 0) {
		relc_path_dirname(&dir, exe.buf); /* ROOT/bin */
		relc_path_pop(&dir);
		relc_path_append(&dir, "lib");
		if (relc_appindex_add(idx, dir.buf, RELC_ORIGIN_ELIXIR, 1,
				      err) < 0)
			goto out;
	} else if (relc_error_isset(err)) {
		goto out;
	}
	/* the OTP installation */
	relc_strbuf_reset(&dir);
	relc_strbuf_addstr(&dir, in->otp_root);
	relc_path_append(&dir, "lib");
	if (relc_appindex_add(idx, dir.buf, RELC_ORIGIN_OTP, 0, err) < 0)
		goto out;
	r = 0;
out:
	relc_strbuf_release(&dir);
	relc_strbuf_release(&exe);
	return r;
}
