/*
 * oldrel.c: a release read in place (oldrel.h): a directory, read as
 * needed, or a tarball, read once through libarchive keeping only what an
 * upgrade needs of it (its .rel files, start_erl.data, the consolidated
 * protocols, the .app and BEAM files of the applications the new release
 * does not have in the same version).  Nothing is extracted to disk.
 */
#include "relc/compat.h"
#include "relc/oldrel.h"

#include <stdlib.h>
#include <string.h>

#include "relc/appfile.h"
#include "relc/archive.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/resolve.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

#define MAX_FILE (256u << 20) /* a BEAM file, a .rel, an .app */

/* ---- its files ----------------------------------------------------------- */

/* Does `path` have the shape TOP/X/[MID/]Y ending in suffix (X and Y one
 * component each)? */
static int
shape(const char *path, const char *top, const char *mid, const char *suffix)
{
	size_t k = strlen(top);
	const char *p, *q;

	if (strncmp(path, top, k) || path[k] != '/')
		return 0;
	p = path + k + 1;
	q = strchr(p, '/');
	if (!q || q == p)
		return 0;
	if (mid) {
		k = strlen(mid);
		if (strncmp(q + 1, mid, k) || q[1 + k] != '/')
			return 0;
		q += 1 + k;
	}
	p = q + 1;
	return *p && !strchr(p, '/') && relc_str_ends_with(p, suffix);
}

/* lib/NAME-VSN/... of an application the new release has as it is? */
static int
unchanged_dir(const struct relc_oldrel *s, const char *path)
{
	const char *p = path + 4, *slash = strchr(p, '/');
	size_t i, k = slash ? (size_t)(slash - p) : strlen(p);

	for (i = 0; i < s->to->napps; i++) {
		const struct relc_app *a = s->to->apps[i].app;
		size_t nl = strlen(a->name), vl = strlen(a->vsn);

		if (nl + 1 + vl == k && !strncmp(p, a->name, nl) &&
		    p[nl] == '-' && !strncmp(p + nl + 1, a->vsn, vl))
			return 1;
	}
	return 0;
}

static int
want(void *ctx, const char *path)
{
	const struct relc_oldrel *s = ctx;

	if (!strcmp(path, "releases/start_erl.data"))
		return 1;
	if (shape(path, "releases", NULL, ".rel"))
		return 1;
	if (shape(path, "releases", "consolidated", ".beam"))
		return 1;
	if (shape(path, "lib", "ebin", ".app") ||
	    shape(path, "lib", "ebin", ".beam"))
		return !unchanged_dir(s, path);
	return 0;
}

static int
got(void *ctx, const char *path, const void *data, size_t len,
    struct relc_error *err)
{
	struct relc_oldrel *s = ctx;
	struct relc_oldrel_file *f;

	(void)err;
	RELC_ALLOC_GROW(s->files, s->n + 1, s->alloc);
	f = &s->files[s->n++];
	f->path = relc_xstrdup(path);
	relc_strbuf_init(&f->data, 0);
	relc_strbuf_add(&f->data, data, len);
	return 0;
}

static int
cmp_files(const void *a, const void *b)
{
	return strcmp(((const struct relc_oldrel_file *)a)->path,
		      ((const struct relc_oldrel_file *)b)->path);
}

void
relc_oldrel_release(struct relc_oldrel *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->files[i].path);
		relc_strbuf_release(&s->files[i].data);
	}
	free(s->files);
}

static const struct relc_oldrel_file *
tar_file(const struct relc_oldrel *s, const char *path)
{
	struct relc_oldrel_file key;

	memset(&key, 0, sizeof(key));
	key.path = (char *)path;
	return bsearch(&key, s->files, s->n, sizeof(*s->files), cmp_files);
}

/* Read `rel` of the old release into out; 1 when it does not exist. */
int
relc_oldrel_read(const struct relc_oldrel *s, const char *rel,
		 struct relc_strbuf *out, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT;
	int r;

	if (s->is_tar) {
		const struct relc_oldrel_file *f = tar_file(s, rel);

		if (!f)
			return 1;
		relc_strbuf_reset(out);
		relc_strbuf_add(out, f->data.buf, f->data.len);
		return 0;
	}
	relc_strbuf_addstr(&path, s->where);
	relc_path_append(&path, rel);
	r = relc_fs_read_file(out, path.buf, MAX_FILE, 1, err);
	relc_strbuf_release(&path);
	return r;
}

/* The names in `dir` of the old release ending in `suffix`, sorted. */
int
relc_oldrel_list(const struct relc_oldrel *s, const char *dir,
		 const char *suffix, char ***names, size_t *n,
		 struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT;
	size_t i, k = strlen(dir), m = 0;
	int r;

	if (s->is_tar) {
		*names = relc_xcalloc(s->n + 1, sizeof(**names));
		for (i = 0; i < s->n; i++) {
			const char *p = s->files[i].path;

			if (!strncmp(p, dir, k) && p[k] == '/' &&
			    !strchr(p + k + 1, '/') &&
			    relc_str_ends_with(p, suffix))
				(*names)[m++] = relc_xstrdup(p + k + 1);
		}
		*n = m;
		return 0;
	}
	relc_strbuf_addstr(&path, s->where);
	relc_path_append(&path, dir);
	r = relc_fs_list_dir(names, n, path.buf, 1, err);
	relc_strbuf_release(&path);
	if (r < 0)
		return -1;
	for (i = 0; i < *n; i++) {
		if (relc_str_ends_with((*names)[i], suffix) &&
		    (*names)[i][0] != '.')
			(*names)[m++] = (*names)[i];
		else
			free((*names)[i]);
	}
	*n = m;
	return 0;
}

/* ---- which version ------------------------------------------------------ */

/* The version in a start_erl.data ("ERTS_VSN REL_VSN"), or NULL. */
static const char *
start_erl_vsn(const struct relc_strbuf *data, struct relc_arena *arena)
{
	const char *p = data->buf, *end = data->buf + data->len, *q;

	while (p < end && *p != ' ')
		p++;
	while (p < end && *p == ' ')
		p++;
	for (q = p; q<end && * q> ' '; q++)
		;
	return q > p ? relc_arena_memdupz(arena, p, (size_t)(q - p)) : NULL;
}

/*
 * Which version the source holds: the one asked for, or the one its
 * start_erl.data names, or (a tarball) the only one it has.
 */
int
relc_oldrel_vsn(const char **vsn, const struct relc_oldrel *s,
		const char *asked, struct relc_arena *arena,
		struct relc_error *err)
{
	struct relc_strbuf data = RELC_STRBUF_INIT, rel = RELC_STRBUF_INIT,
			   found = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i, nfound = 0;
	int r;

	*vsn = asked;
	if (asked)
		return 0;
	r = relc_oldrel_read(s, "releases/start_erl.data", &data, err);
	if (r < 0)
		return -1;
	if (r == 0)
		*vsn = start_erl_vsn(&data, arena);
	relc_strbuf_release(&data);
	if (*vsn)
		return 0;
	/* no start_erl.data: the only version with a releases/VSN/NAME.rel */
	if (s->is_tar) {
		for (i = 0; i < s->n; i++)
			if (shape(s->files[i].path, "releases", NULL, ".rel"))
				n++;
		names = relc_xcalloc(n + 1, sizeof(*names));
		for (i = 0, n = 0; i < s->n; i++) {
			const char *p = s->files[i].path, *v;

			if (!shape(p, "releases", NULL, ".rel"))
				continue;
			v = p + strlen("releases/");
			relc_strbuf_reset(&rel);
			relc_strbuf_add(&rel, v, (size_t)(strchr(v, '/') - v));
			names[n++] = relc_xstrdup(rel.buf);
		}
	} else {
		relc_strbuf_addf(&rel, "%s/releases", s->where);
		if (relc_fs_list_dir(&names, &n, rel.buf, 1, err) < 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		relc_strbuf_reset(&rel);
		relc_strbuf_addf(&rel, "releases/%s/%s.rel", names[i], s->name);
		if (!s->is_tar) {
			r = relc_oldrel_read(s, rel.buf, &data, err);
			if (r < 0) {
				*vsn = NULL;
				goto out;
			}
			if (r)
				continue;
		}
		relc_strbuf_addf(&found, "%s%s", nfound ? ", " : "", names[i]);
		if (!nfound++)
			*vsn = relc_arena_strdup(arena, names[i]);
	}
	if (nfound != 1) {
		*vsn = NULL;
		if (nfound)
			relc_error_set(
			    err, RELC_EAPP,
			    "%s: cannot tell which release to upgrade "
			    "from: no releases/start_erl.data, and "
			    "%zu versions of %s (%s)",
			    s->where, nfound, s->name, found.buf);
		else
			relc_error_set(err, RELC_EAPP,
				       "%s: no release %s to upgrade from (no "
				       "releases/start_erl.data, no "
				       "releases/VSN/%s.rel)",
				       s->where, s->name, s->name);
	}
out:
	relc_fs_free_names(names, n);
	relc_strbuf_release(&data);
	relc_strbuf_release(&rel);
	relc_strbuf_release(&found);
	return *vsn ? 0 : -1;
}

/* The identity of what stat() says of `path` and `rel` below it. */
/* ---- identity ------------------------------------------------------------ */

static void
input(struct relc_strbuf *out, const char *path, const char *rel)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;

	relc_strbuf_addstr(&p, path);
	if (rel)
		relc_path_append(&p, rel);
	relc_stamp_input(out, p.buf);
	relc_strbuf_release(&p);
}

/* The identity of each file in `dir` (missing: none). */
static int
dir_files(struct relc_strbuf *out, const char *dir, struct relc_error *err)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	int r;

	r = relc_fs_list_dir(&names, &n, dir, 1, err);
	for (i = 0; r >= 0 && i < n; i++) {
		relc_strbuf_reset(&p);
		relc_strbuf_addstr(&p, dir);
		relc_path_append(&p, names[i]);
		relc_stamp_input(out, p.buf);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&p);
	return r < 0 ? -1 : 0;
}

/*
 * A release directory's identity: its start_erl.data, and its stamp when
 * relc made it (rewritten by every build), else each .rel and each file of
 * each application's ebin/ (what an upgrade reads of it).
 */
static int
dir_identity(struct relc_strbuf *out, const char *root, const char *name,
	     struct relc_error *err)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	int r = -1;

	input(out, root, "releases/start_erl.data");
	relc_strbuf_addf(&p, "%s/.relc/stamp", root);
	if (relc_fs_is_file(p.buf)) {
		relc_stamp_input(out, p.buf);
		r = 0;
		goto out;
	}
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/releases", root);
	if (relc_fs_list_dir(&names, &n, p.buf, 1, err) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		relc_strbuf_reset(&p);
		relc_strbuf_addf(&p, "%s/releases", root);
		relc_path_append(&p, names[i]);
		relc_strbuf_addf(&p, "/%s.rel", name);
		relc_stamp_input(out, p.buf);
	}
	relc_fs_free_names(names, n);
	names = NULL;
	n = 0;
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/lib", root);
	if (relc_fs_list_dir(&names, &n, p.buf, 1, err) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		relc_strbuf_reset(&p);
		relc_strbuf_addf(&p, "%s/lib", root);
		relc_path_append(&p, names[i]);
		relc_path_append(&p, "ebin");
		if (dir_files(out, p.buf, err))
			goto out;
	}
	r = 0;
out:
	relc_fs_free_names(names, n);
	relc_strbuf_release(&p);
	return r;
}

int
relc_oldrel_identity(struct relc_strbuf *out, const char *where, int is_tar,
		     const char *name, struct relc_error *err)
{
	if (is_tar) {
		relc_stamp_input(out, where);
		return 0;
	}
	return dir_identity(out, where, name, err);
}

int
relc_oldrel_open(struct relc_oldrel *s, const char *where, int is_tar,
		 const char *name, const struct relc_relspec *to,
		 struct relc_error *err)
{
	memset(s, 0, sizeof(*s));
	s->where = where;
	s->name = name;
	s->to = to;
	s->is_tar = is_tar;
	if (s->is_tar) {
		if (relc_archive_read(s->where, MAX_FILE, want, got, s, err))
			return -1;
		qsort(s->files, s->n, sizeof(*s->files), cmp_files);
	}
	return 0;
}
