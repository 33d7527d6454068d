/*
 * scaffold.c: relc init: what the project is, and its starter rel/ files
 * (see scaffold.h).
 */
#include "relc/compat.h"
#include "relc/scaffold.h"

#include <sys/stat.h>
#include <unistd.h>

#include "relc/atomicfile.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/projscan.h"
#include "relc/template.h"
#include "relc/xalloc.h"

/* mix.exs, rebar.config and .app files larger than this are not ours. */
#define MAX_PROJECT_FILE ((size_t)1 << 22)
/* Applications of an umbrella, at most. */
#define MAX_APPS 4096
#define DEFAULT_VSN "0.1.0"

static const char name_rule[] =
    "a lower-case letter, then letters, digits, _ or @";

/* ---- reading the project -------------------------------------------- */

static int release_is_an_app(const struct relc_scaffold *s);

struct detect {
	struct relc_scaffold *s;
	const char *dir;
	const char *top; /* the top-level application, or NULL */
	size_t apps_alloc;
	struct relc_error *err;
};

/* DIR/rel, in the arena ("rel" itself for the project "."). */
static const char *
in_project(struct detect *d, const char *rel)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const char *p;

	relc_path_resolve(&sb, d->dir, rel);
	p = relc_arena_strdup(&d->s->arena, sb.buf);
	relc_strbuf_release(&sb);
	return p;
}

/* Read a project file: 1 when it does not exist. */
static int
read_file(struct relc_strbuf *sb, const char *path, struct relc_error *err)
{
	return relc_fs_read_file(sb, path, MAX_PROJECT_FILE, 1, err);
}

static int
add_app(struct detect *d, const char *name)
{
	struct relc_scaffold *s = d->s;
	size_t i;

	for (i = 0; i < s->napps; i++)
		if (!strcmp(s->apps[i], name))
			return 0;
	if (s->napps == MAX_APPS)
		return relc_error_set(d->err, RELC_EAPP,
				      "more than %d applications", MAX_APPS);
	if (s->napps == d->apps_alloc) {
		const char **more;

		d->apps_alloc = d->apps_alloc ? 2 * d->apps_alloc : 16;
		more =
		    relc_arena_array(&s->arena, d->apps_alloc, sizeof(*more));
		if (s->napps)
			memcpy(more, s->apps, s->napps * sizeof(*more));
		s->apps = more;
	}
	s->apps[s->napps++] = relc_arena_strdup(&s->arena, name);
	return 0;
}

static int
bad_name(struct detect *d, const char *path, const char *name)
{
	return relc_error_at(d->err, RELC_EAPP, path, 0, 0,
			     "application name '%s' is not one relc init can "
			     "write (%s)",
			     name, name_rule);
}

/*
 * The one file DIR/SUB/NAME.SUFFIX (a project path, in the arena): 1 when
 * there is none, an error when there are several.
 */
static int
find_one(struct detect *d, const char *dir, const char *sub, const char *suffix,
	 const char **out)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, hit = RELC_STRBUF_INIT;
	size_t n, i, slen = strlen(suffix);
	char **names;
	int r;

	*out = NULL;
	relc_path_resolve(&path, dir, sub);
	if (!relc_fs_is_dir(path.buf)) {
		relc_strbuf_release(&path);
		return 1;
	}
	if (relc_fs_list_dir(&names, &n, path.buf, 0, d->err)) {
		relc_strbuf_release(&path);
		return -1;
	}
	r = 1;
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		if (len <= slen || strcmp(names[i] + len - slen, suffix))
			continue;
		if (hit.len) {
			r = relc_error_set(d->err, RELC_EAPP,
					   "'%s' holds more than one *%s file "
					   "('%s' and '%s')",
					   path.buf, suffix, hit.buf, names[i]);
			break;
		}
		relc_strbuf_addstr(&hit, names[i]);
		r = 0;
	}
	if (!r) {
		relc_path_append(&path, hit.buf);
		*out = relc_arena_strdup(&d->s->arena, path.buf);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&path);
	relc_strbuf_release(&hit);
	return r;
}

/* The name and vsn of the .app or .app.src file at path. */
static int
read_app(struct detect *d, const char *path, const char **name,
	 const char **vsn)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	int r = read_file(&text, path, d->err);

	if (r == 1)
		r = relc_error_errno(d->err, "cannot read '%s'", path);
	if (!r && relc_projscan_app(name, vsn, text.buf, text.len, &d->s->arena,
				    d->err)) {
		relc_error_set_path(d->err, path);
		r = -1;
	}
	relc_strbuf_release(&text);
	if (r)
		return -1;
	if (!relc_projscan_name_ok(*name))
		return bad_name(d, path, *name);
	if (*vsn && !relc_projscan_vsn_ok(*vsn))
		*vsn = NULL;
	return 0;
}

/*
 * The vsn of the compiled application: _build/ENV/lib/NAME/ebin/NAME.app
 * (prod first, then default, then the others); NULL when there is none.
 * A broken one is passed over: this is a fallback.
 */
static const char *
compiled_vsn(struct detect *d, const char *name)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	const char *vsn = NULL, *got_name, *got_vsn;
	char **envs = NULL;
	size_t n = 0, i;
	const char *first[] = {"prod", "default"};

	relc_path_resolve(&path, d->dir, "_build");
	if (relc_fs_list_dir(&envs, &n, path.buf, 1, &err))
		goto out;
	for (i = 0; i < 2 + n && !vsn; i++) {
		const char *env = i < 2 ? first[i] : envs[i - 2];

		if (i >= 2 && (!strcmp(env, "prod") || !strcmp(env, "default")))
			continue;
		relc_path_resolve(&path, d->dir, "_build");
		relc_strbuf_addf(&path, "/%s/lib/%s/ebin/%s.app", env, name,
				 name);
		relc_error_release(&err);
		if (!relc_path_component_ok(env, strlen(env)) ||
		    read_file(&text, path.buf, &err) ||
		    relc_projscan_app(&got_name, &got_vsn, text.buf, text.len,
				      &d->s->arena, &err))
			continue;
		if (!strcmp(got_name, name) && got_vsn &&
		    relc_projscan_vsn_ok(got_vsn))
			vsn = got_vsn;
	}
out:
	relc_fs_free_names(envs, n);
	relc_error_release(&err);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	return vsn;
}

/* The sorted subdirectories of DIR/sub (none when it does not exist). */
static int
list_subdirs(struct detect *d, const char *sub, char ***names, size_t *n,
	     struct relc_strbuf *path)
{
	relc_path_resolve(path, d->dir, sub);
	if (!relc_fs_is_dir(path->buf)) {
		*names = NULL;
		*n = 0;
		return 0;
	}
	return relc_fs_list_dir(names, n, path->buf, 0, d->err) < 0 ? -1 : 0;
}

static int
scan_mix(struct detect *d, const char *path, struct relc_mix_project *m)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	int r = read_file(&text, path, d->err);

	if (r == 1)
		r = relc_error_errno(d->err, "cannot read '%s'", path);
	if (!r)
		relc_projscan_mix(m, text.buf, text.len, &d->s->arena);
	relc_strbuf_release(&text);
	if (!r && !m->found)
		return relc_error_at(d->err, RELC_EAPP, path, 0, 0,
				     "cannot find the project's keyword list "
				     "(def project do [...] end)");
	return r;
}

static int
detect_mix_umbrella(struct detect *d, const struct relc_mix_project *m)
{
	struct relc_strbuf apps = RELC_STRBUF_INIT, child = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;
	int r = -1;

	d->s->umbrella = 1;
	if (m->app && relc_projscan_name_ok(m->app)) {
		d->top = m->app;
		if (add_app(d, m->app))
			return -1;
	}
	if (!relc_path_relative_ok(m->apps_path))
		return relc_error_at(d->err, RELC_EAPP,
				     in_project(d, "mix.exs"), 0, 0,
				     "apps_path '%s' is not a relative path "
				     "in the project",
				     m->apps_path);
	if (list_subdirs(d, m->apps_path, &names, &n, &apps))
		goto out;
	for (i = 0; i < n; i++) {
		struct relc_mix_project cm;
		const char *p;

		relc_strbuf_reset(&child);
		relc_strbuf_addf(&child, "%s/%s/mix.exs", apps.buf, names[i]);
		if (!relc_fs_is_file(child.buf))
			continue;
		p = relc_arena_strdup(&d->s->arena, child.buf);
		if (scan_mix(d, p, &cm))
			goto free;
		if (!cm.app && relc_projscan_name_ok(names[i]))
			cm.app = names[i];
		if (!cm.app) {
			relc_error_at(d->err, RELC_EAPP, p, 0, 0,
				      "cannot find the application's name "
				      "(app: :name) in the project's keyword "
				      "list");
			goto free;
		}
		if (!relc_projscan_name_ok(cm.app)) {
			bad_name(d, p, cm.app);
			goto free;
		}
		if (add_app(d, cm.app))
			goto free;
	}
	if (d->s->napps)
		r = 0;
	else
		relc_error_set(d->err, RELC_EAPP,
			       "the umbrella's '%s' holds no application (no "
			       "%s/*/mix.exs)",
			       apps.buf, m->apps_path);
free:
	relc_fs_free_names(names, n);
out:
	relc_strbuf_release(&apps);
	relc_strbuf_release(&child);
	return r;
}

static const char *name_from_dir(struct detect *d);

static int
detect_mix(struct detect *d, const char *path)
{
	struct relc_mix_project m;

	d->s->kind = RELC_KIND_MIX;
	if (scan_mix(d, path, &m))
		return -1;
	if (m.version && relc_projscan_vsn_ok(m.version))
		d->s->vsn = m.version;
	if (m.apps_path)
		return detect_mix_umbrella(d, &m);
	/*
	 * app: given some other way than a literal or an attribute: the
	 * directory's name, when a compiled application of that name says
	 * so
	 */
	if (!m.app) {
		const char *guess = name_from_dir(d);

		if (relc_projscan_name_ok(guess) && compiled_vsn(d, guess))
			m.app = guess;
	}
	if (!m.app)
		return relc_error_at(d->err, RELC_EAPP, path, 0, 0,
				     "cannot find the application's name "
				     "(app: :name) in the project's keyword "
				     "list");
	if (!relc_projscan_name_ok(m.app))
		return bad_name(d, path, m.app);
	if (!d->s->vsn)
		d->s->vsn = compiled_vsn(d, m.app);
	d->top = m.app;
	return add_app(d, m.app);
}

static int
detect_rebar3(struct detect *d, const char *path, const char **relx_name,
	      const char **relx_vsn)
{
	struct relc_strbuf text = RELC_STRBUF_INIT, apps = RELC_STRBUF_INIT;
	const char *src, *name, *vsn;
	char **names = NULL;
	size_t n = 0, i;
	int r;

	d->s->kind = RELC_KIND_REBAR3;
	r = read_file(&text, path, d->err);
	if (r < 0)
		goto out;
	if (!r)
		relc_projscan_relx(relx_name, relx_vsn, text.buf, text.len,
				   &d->s->arena);
	r = find_one(d, d->dir, "src", ".app.src", &src);
	if (r < 0)
		goto out;
	if (!r) {
		if (read_app(d, src, &name, &vsn) || add_app(d, name))
			goto fail;
		d->top = name;
		d->s->vsn = vsn ? vsn : compiled_vsn(d, name);
	}
	if (list_subdirs(d, "apps", &names, &n, &apps))
		goto fail;
	for (i = 0; i < n; i++) {
		struct relc_strbuf child = RELC_STRBUF_INIT;

		relc_path_resolve(&child, apps.buf, names[i]);
		r = find_one(d, child.buf, "src", ".app.src", &src);
		relc_strbuf_release(&child);
		if (r < 0)
			goto fail;
		if (r)
			continue;
		d->s->umbrella = 1;
		if (read_app(d, src, &name, &vsn) || add_app(d, name))
			goto fail;
	}
	r = 0;
	if (!d->s->napps)
		r = relc_error_set(
		    d->err, RELC_EAPP,
		    "this rebar3 project has no application "
		    "(no src/*.app.src or apps/*/src/*.app.src)");
	goto out;
fail:
	r = -1;
out:
	relc_fs_free_names(names, n);
	relc_strbuf_release(&text);
	relc_strbuf_release(&apps);
	return r;
}

/* ebin/NAME.app, else src/NAME.app.src: 1 when there is neither. */
static int
detect_plain(struct detect *d)
{
	const char *app, *name, *vsn;
	int r;

	d->s->kind = RELC_KIND_PLAIN;
	r = find_one(d, d->dir, "ebin", ".app", &app);
	if (r == 1)
		r = find_one(d, d->dir, "src", ".app.src", &app);
	if (r)
		return r;
	if (read_app(d, app, &name, &vsn))
		return -1;
	d->s->vsn = vsn ? vsn : compiled_vsn(d, name);
	d->top = name;
	return add_app(d, name);
}

static int
not_a_project(struct detect *d)
{
	struct relc_strbuf abs = RELC_STRBUF_INIT;
	struct relc_error ignored = RELC_ERROR_INIT;

	if (relc_fs_abspath(&abs, d->dir, &ignored)) {
		relc_strbuf_reset(&abs);
		relc_strbuf_addstr(&abs, d->dir);
	}
	relc_error_release(&ignored);
	relc_error_set(d->err, RELC_EAPP,
		       "'%s' is not a mix, rebar3 or Erlang project (no "
		       "mix.exs, rebar.config or ebin/*.app)",
		       abs.buf);
	relc_strbuf_release(&abs);
	return -1;
}

/* The release's name when the options and the applications give none. */
static const char *
name_from_dir(struct detect *d)
{
	struct relc_strbuf abs = RELC_STRBUF_INIT, name = RELC_STRBUF_INIT;
	struct relc_error ignored = RELC_ERROR_INIT;
	const char *s;

	if (relc_fs_abspath(&abs, d->dir, &ignored))
		relc_strbuf_addstr(&abs, d->dir);
	relc_error_release(&ignored);
	relc_projscan_name_from_dir(&name, relc_path_basename(abs.buf));
	s = relc_arena_strdup(&d->s->arena, name.buf);
	relc_strbuf_release(&abs);
	relc_strbuf_release(&name);
	return s;
}

int
relc_scaffold_detect(struct relc_scaffold *s, const char *dir,
		     const char *release, struct relc_error *err)
{
	struct detect d = {s, dir ? dir : ".", NULL, 0, err};
	const char *mix, *rebar, *relx_name = NULL, *relx_vsn = NULL;
	int r;

	memset(s, 0, sizeof(*s));
	relc_arena_init(&s->arena);
	if (release && !relc_projscan_name_ok(release))
		return relc_error_set(err, RELC_EUSAGE,
				      "--release '%s' is not a name relc init "
				      "can write (%s)",
				      release, name_rule);
	mix = in_project(&d, "mix.exs");
	rebar = in_project(&d, "rebar.config");
	if (relc_fs_exists(mix)) {
		r = detect_mix(&d, mix);
	} else if (relc_fs_exists(rebar)) {
		r = detect_rebar3(&d, rebar, &relx_name, &relx_vsn);
	} else {
		r = detect_plain(&d);
		if (r == 1)
			return not_a_project(&d);
	}
	if (r)
		return -1;
	if (release)
		s->release = relc_arena_strdup(&s->arena, release);
	else
		s->release = d.top;
	if (!s->release && relx_name && relc_projscan_name_ok(relx_name)) {
		s->release = relx_name;
		if (relx_vsn && relc_projscan_vsn_ok(relx_vsn))
			s->vsn = relx_vsn;
	}
	if (!s->release)
		s->release = name_from_dir(&d);
	if (!s->vsn && !release_is_an_app(s))
		s->vsn = DEFAULT_VSN;
	return 0;
}

/* ---- the files ---------------------------------------------------------- */

const char *
relc_scaffold_kind_name(enum relc_project_kind kind)
{
	switch (kind) {
	case RELC_KIND_MIX:
		return "mix";
	case RELC_KIND_REBAR3:
		return "rebar3";
	default:
		return "plain Erlang";
	}
}

const char *
relc_scaffold_compile_cmd(enum relc_project_kind kind)
{
	switch (kind) {
	case RELC_KIND_MIX:
		return "MIX_ENV=prod mix compile";
	case RELC_KIND_REBAR3:
		return "rebar3 compile";
	default:
		return NULL;
	}
}

static int
release_is_an_app(const struct relc_scaffold *s)
{
	size_t i;

	for (i = 0; i < s->napps; i++)
		if (!strcmp(s->apps[i], s->release))
			return 1;
	return 0;
}

/* A version as a YAML double-quoted scalar (vsn_ok: printable ASCII). */
static void
add_yaml_quoted(struct relc_strbuf *out, const char *s)
{
	relc_strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			relc_strbuf_addch(out, '\\');
		relc_strbuf_addch(out, *s);
	}
	relc_strbuf_addch(out, '"');
}

static void
version_line(struct relc_strbuf *out, const struct relc_scaffold *s)
{
	if (release_is_an_app(s)) {
		relc_strbuf_addstr(out, "    # version: ");
		add_yaml_quoted(out, s->vsn ? s->vsn : DEFAULT_VSN);
		relc_strbuf_addf(out,
				 "        # default: the vsn of the "
				 "application %s",
				 s->release);
		return;
	}
	relc_strbuf_addstr(out, "    version: ");
	add_yaml_quoted(out, s->vsn ? s->vsn : DEFAULT_VSN);
	relc_strbuf_addstr(out, "            # the release's version");
}

/* The environments' output_dir lines: the default, shown commented out. */
static void
output_lines(struct relc_strbuf *dev, struct relc_strbuf *prod,
	     const struct relc_scaffold *s)
{
	(void)dev;
	relc_strbuf_addf(prod, "    # output_dir: _build/prod/rel/%s",
			 s->release);
}

static const struct {
	const char *path, *template;
	unsigned mode;
	int not_mix;
} starter_files[] = {
    {"rel/relc.yaml", "init_relc.yaml", 0644, 0},
    {"rel/vm.args", "init_vm.args", 0644, 0},
    {"rel/sys.config", "init_sys.config", 0644, 1},
    {"rel/env.sh", "init_env.sh", 0644, 0},
    {"rel/hooks/post_start", "init_post_start", 0755, 0},
    {"rel/commands/hello", "init_command", 0755, 0},
};

int
relc_scaffold_render(struct relc_scaffold *s, struct relc_error *err)
{
	struct relc_strbuf vsn = RELC_STRBUF_INIT, apps = RELC_STRBUF_INIT,
			   example = RELC_STRBUF_INIT,
			   dev_out = RELC_STRBUF_INIT,
			   prod_out = RELC_STRBUF_INIT;
	const char *compile = relc_scaffold_compile_cmd(s->kind);
	size_t i;
	int r = 0;

	if (!s->napps)
		return relc_error_set(err, RELC_EINTERNAL,
				      "no application to write a config for");
	version_line(&vsn, s);
	for (i = 0; i < s->napps; i++)
		relc_strbuf_addf(&apps, "%s      - %s", i ? "\n" : "",
				 s->apps[i]);
	relc_strbuf_addf(&example, "{%s, [{port, ${PORT:-4000}}]}", s->apps[0]);
	output_lines(&dev_out, &prod_out, s);
	{
		const struct relc_tvar vars[] = {
		    {"release_name", s->release},
		    {"kind", relc_scaffold_kind_name(s->kind)},
		    {"compile", compile ? compile
					: "(compile the applications into "
					  "ebin/)"},
		    {"version_line", vsn.buf},
		    {"applications", apps.buf},
		    {"sys_config_line",
		     s->kind == RELC_KIND_MIX
			 ? "    # sys_config: rel/sys.config   # Erlang "
			   "terms over config/config.exs's"
			 : "    sys_config: rel/sys.config"},
		    {"app", s->apps[0]},
		    {"app_example", example.buf},
		    {"dev_output_line", dev_out.buf},
		    {"prod_output_line", prod_out.buf},
		};

		s->nfiles = 0;
		for (i = 0; i < RELC_ARRAY_SIZE(starter_files) && !r; i++) {
			struct relc_scaffold_file *f = &s->files[s->nfiles];
			const struct relc_embedded *t;

			if (starter_files[i].not_mix &&
			    s->kind == RELC_KIND_MIX)
				continue;
			t = relc_template_find(starter_files[i].template);
			if (!t) {
				r = relc_error_set(err, RELC_EINTERNAL,
						   "relc has no template '%s'",
						   starter_files[i].template);
				break;
			}
			f->path = starter_files[i].path;
			f->template = starter_files[i].template;
			f->mode = starter_files[i].mode;
			relc_strbuf_init(&f->text, 0);
			s->nfiles++;
			r = relc_template_render(&f->text, t->data, t->size,
						 vars, RELC_ARRAY_SIZE(vars),
						 f->template, err);
		}
	}
	relc_strbuf_release(&vsn);
	relc_strbuf_release(&apps);
	relc_strbuf_release(&example);
	relc_strbuf_release(&dev_out);
	relc_strbuf_release(&prod_out);
	return r;
}

int
relc_scaffold_write(const struct relc_scaffold *s, const char *dir, int force,
		    struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, parent = RELC_STRBUF_INIT;
	int created[RELC_SCAFFOLD_MAX_FILES] = {0};
	size_t i;
	int r = 0;

	if (!dir)
		dir = ".";
	for (i = 0; i < s->nfiles && !force; i++) {
		relc_path_resolve(&path, dir, s->files[i].path);
		if (relc_fs_exists(path.buf)) {
			r = relc_error_set(err, RELC_EIO,
					   "%s exists (use --force to "
					   "overwrite)",
					   path.buf);
			goto out;
		}
	}
	for (i = 0; i < s->nfiles; i++) {
		const struct relc_scaffold_file *f = &s->files[i];

		relc_path_resolve(&path, dir, f->path);
		relc_path_dirname(&parent, path.buf);
		created[i] = !relc_fs_exists(path.buf);
		/* without --force, never over a file that appeared since */
		if (relc_fs_mkdirs(parent.buf, 0755, err) ||
		    (force ? relc_atomicfile_write_whole
			   : relc_atomicfile_write_new)(path.buf, f->text.buf,
							f->text.len,
							(mode_t)f->mode, err)) {
			created[i] = 0;
			r = -1;
			break;
		}
	}
	if (r) {
		/* take back what this run added; what it replaced stays */
		while (i--) {
			if (!created[i])
				continue;
			relc_path_resolve(&path, dir, s->files[i].path);
			unlink(path.buf);
		}
	}
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&parent);
	return r;
}

int
relc_scaffold_init(struct relc_scaffold *s, const struct relc_init_opts *opts,
		   struct relc_error *err)
{
	if (relc_scaffold_detect(s, opts->dir, opts->release, err) ||
	    relc_scaffold_render(s, err))
		return -1;
	return relc_scaffold_write(s, opts->dir, opts->force, err);
}

void
relc_scaffold_release(struct relc_scaffold *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nfiles; i++)
		relc_strbuf_release(&s->files[i].text);
	s->nfiles = 0;
	relc_arena_release(&s->arena);
	s->apps = NULL;
	s->napps = 0;
	s->release = s->vsn = NULL;
}
