/*
 * place.c: the output directory: its rules, the staging directory, what
 * is carried over, the swap, and cleaning up after runs that died (see
 * place.h).
 */
#include "relc/compat.h"
#include "relc/place.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/strset.h"
#include "relc/walk.h"
#include "relc/xalloc.h"

static void warn(struct relc_place *p, const char *fmt, ...) RELC_PRINTF(2, 3);

static void
warn(struct relc_place *p, const char *fmt, ...)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	va_list ap;

	if (!p->warn)
		return;
	va_start(ap, fmt);
	relc_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	p->warn(p->warn_ctx, msg.buf);
	relc_strbuf_release(&msg);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* ---- cleaning up after runs that died ------------------------------------ */

static void finish_journal(const char *parent, const char *release);

/*
 * Holding the lock, every ".relc-*" entry in the parent is from a run
 * that is gone: remove it.  Such a run never moved anything out of the
 * release it was replacing before its swap (what it carried over, it
 * hard-linked); a run killed after its swap may have left files to move
 * from the old tree into the new, which its journal lists: those moves
 * are finished first.
 */
static void
sweep(struct relc_place *p)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf path = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;

	if (relc_fs_list_dir(&names, &n, p->parent.buf, 1, &err))
		goto out;
	for (i = 0; i < n; i++) {
		if (!strncmp(names[i], ".relc-", 6))
			continue;
		relc_strbuf_reset(&path);
		relc_strbuf_addstr(&path, p->parent.buf);
		relc_path_append(&path, names[i]);
		finish_journal(p->parent.buf, path.buf);
	}
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], ".relc-", 6))
			continue;
		relc_strbuf_reset(&path);
		relc_strbuf_addstr(&path, p->parent.buf);
		relc_path_append(&path, names[i]);
		if (relc_walk_remove(path.buf, &err)) {
			struct relc_strbuf msg = RELC_STRBUF_INIT;

			relc_error_format(&msg, &err);
			warn(p, "cannot remove what an earlier run left: %s",
			     msg.buf);
			relc_strbuf_release(&msg);
			relc_error_release(&err);
		}
	}
	relc_fs_free_names(names, n);
out:
	relc_error_release(&err);
	relc_strbuf_release(&path);
}

int
relc_place_open(struct relc_place *p, const char *out_dir,
		void (*warn_fn)(void *ctx, const char *msg), void *warn_ctx,
		struct relc_error *err)
{
	memset(p, 0, sizeof(*p));
	p->lock.fd = -1;
	p->warn = warn_fn;
	p->warn_ctx = warn_ctx;
	if (relc_fs_abspath_nofollow(&p->out, out_dir, err))
		return -1;
	if (!strcmp(p->out.buf, "/"))
		return relc_error_set(err, RELC_ECONFIG,
				      "the output directory cannot be '/'");
	relc_path_dirname(&p->parent, p->out.buf);
	/* the directories this run makes, to remove if it makes nothing */
	relc_strbuf_addstr(&p->created, p->parent.buf);
	while (p->created.len > 1 && !relc_fs_exists(p->created.buf)) {
		relc_strbuf_reset(&p->made_from);
		relc_strbuf_addstr(&p->made_from, p->created.buf);
		relc_path_pop(&p->created);
	}
	relc_strbuf_reset(&p->created);
	for (;;) {
		struct stat st;

		if (relc_fs_mkdirs(p->parent.buf, 0755, err) ||
		    relc_lock_dir(&p->lock, p->parent.buf, warn_fn, warn_ctx,
				  err))
			return -1;
		/* another run may have removed it while this one waited */
		if (fstat(p->lock.fd, &st) == 0 && st.st_nlink > 0)
			break;
		relc_lock_release(&p->lock);
	}
	sweep(p);
	return 0;
}

/*
 * Remove the directories relc_place_open made, if nothing was put in
 * them: a build that failed leaves no trace.
 */
static void
unmake_parents(struct relc_place *p)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT;

	if (!p->made_from.len)
		return;
	relc_strbuf_addstr(&dir, p->parent.buf);
	while (dir.len >= p->made_from.len && rmdir(dir.buf) == 0)
		relc_path_pop(&dir);
	relc_strbuf_release(&dir);
}

/* ---- the rules ----------------------------------------------------------- */

/*
 * The real path of an input, cheaply: its directory resolved once for all
 * the inputs in it (they are many in one directory: _build/ENV/lib), then
 * the input itself resolved only when it is a symbolic link.
 */
struct resolved {
	struct relc_strbuf dir, real;
};

struct resolver {
	struct resolved *v;
	size_t n, alloc;
};

static int
resolve_input(struct resolver *rs, struct relc_strbuf *out, const char *path)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf dir = RELC_STRBUF_INIT;
	struct stat st;
	const char *base = relc_path_basename(path);
	size_t i;
	int r = -1;

	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		r = relc_fs_abspath(out, path, &ignored);
		goto out;
	}
	relc_path_dirname(&dir, path);
	for (i = 0; i < rs->n && strcmp(rs->v[i].dir.buf, dir.buf); i++)
		;
	if (i == rs->n) {
		RELC_ALLOC_GROW(rs->v, rs->n + 1, rs->alloc);
		relc_strbuf_init(&rs->v[i].dir, 0);
		relc_strbuf_init(&rs->v[i].real, 0);
		relc_strbuf_addstr(&rs->v[i].dir, dir.buf);
		rs->n++;
		if (relc_fs_abspath(&rs->v[i].real, dir.buf, &ignored))
			goto out;
	}
	if (!rs->v[i].real.len)
		goto out; /* could not be resolved */
	relc_strbuf_reset(out);
	relc_strbuf_addstr(out, rs->v[i].real.buf);
	relc_path_append(out, base);
	if (lstat(out->buf, &st) == 0 && S_ISLNK(st.st_mode))
		r = relc_fs_abspath(out, out->buf, &ignored);
	else
		r = 0;
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&dir);
	return r;
}

static int
check_input(const char *out, const char *real,
	    const struct relc_place_input *in, struct relc_error *err)
{
	if ((in->rules & RELC_PLACE_NOT_OVER) && relc_path_is_within(real, out))
		return relc_error_set(
		    err, RELC_ECONFIG,
		    strcmp(real, out)
			? "the output directory '%s' holds %s ('%s'): a build "
			  "would replace it"
			: "the output directory '%s' is %s ('%s'): a build "
			  "would replace it",
		    out, in->what, real);
	if ((in->rules & RELC_PLACE_NOT_IN) && relc_path_is_within(out, real))
		return relc_error_set(err, RELC_ECONFIG,
				      "the output directory '%s' is inside %s "
				      "('%s')",
				      out, in->what, real);
	return 0;
}

int
relc_place_check_inputs(const char *out, const struct relc_place_input *inputs,
			size_t ninputs, struct relc_error *err)
{
	struct resolver rs;
	struct relc_strbuf real = RELC_STRBUF_INIT;
	size_t i;
	int r = 0;

	memset(&rs, 0, sizeof(rs));
	for (i = 0; i < ninputs && !r; i++)
		if (!resolve_input(&rs, &real, inputs[i].path))
			r = check_input(out, real.buf, &inputs[i], err);
	for (i = 0; i < rs.n; i++) {
		relc_strbuf_release(&rs.v[i].dir);
		relc_strbuf_release(&rs.v[i].real);
	}
	free(rs.v);
	relc_strbuf_release(&real);
	return r;
}

int
relc_place_inspect(struct relc_place *p, int force, struct relc_error *err)
{
	struct stat st;
	char **names = NULL;
	size_t n = 0;
	int r = -1, got;

	if (lstat(p->out.buf, &st) < 0) {
		if (errno != ENOENT)
			return relc_error_errno(err, "cannot stat '%s'",
						p->out.buf);
		return 0;
	}
	p->exists = 1;
	if (S_ISLNK(st.st_mode))
		return relc_error_set(err, RELC_ECONFIG,
				      "the output directory '%s' is a symbolic "
				      "link; name the directory it leads to",
				      p->out.buf);
	if (!S_ISDIR(st.st_mode))
		return relc_error_set(err, RELC_ECONFIG,
				      "the output directory '%s' is %s, not a "
				      "directory",
				      p->out.buf,
				      relc_fs_type_name(st.st_mode));
	got = relc_stamp_read(&p->prev, p->out.buf, err);
	if (got < 0) {
		if (!force)
			goto out;
		/* relc's, though its stamp cannot be read (see carry) */
		relc_error_release(err);
		p->marked = 1;
		r = 0;
		goto out;
	}
	if (got == 0) {
		p->has_prev = 1;
		r = 0;
		goto out;
	}
	if (relc_fs_list_dir(&names, &n, p->out.buf, 0, err))
		goto out;
	p->foreign = n > 0;
	r = 0;
out:
	relc_fs_free_names(names, n);
	return r;
}

int
relc_place_admit(const struct relc_place *p, int force, struct relc_error *err)
{
	if (!p->foreign || force)
		return 0;
	return relc_error_set(err, RELC_ECONFIG,
			      "the output directory '%s' exists and was not "
			      "made by relc (it has no %s): remove it, choose "
			      "another output_dir, or build into it with "
			      "--force, which keeps what it holds",
			      p->out.buf, RELC_STAMP_FILE);
}

/* ---- the new tree -------------------------------------------------------- */

static int
temp_dir(struct relc_place *p, struct relc_strbuf *out, const char *what,
	 struct relc_error *err)
{
	struct relc_strbuf prefix = RELC_STRBUF_INIT;
	int r;

	relc_strbuf_addf(&prefix, ".relc-%ld-%s.", (long)getpid(), what);
	r = relc_fs_mkdtemp(out, p->parent.buf, prefix.buf, err);
	relc_strbuf_release(&prefix);
	return r;
}

int
relc_place_begin(struct relc_place *p, struct relc_error *err)
{
	return temp_dir(p, &p->staging, relc_path_basename(p->out.buf), err);
}

int
relc_place_scratch(struct relc_place *p, const char **out, const char *what,
		   struct relc_error *err)
{
	if (p->scratch.len)
		RELC_BUG("one scratch directory per build");
	if (temp_dir(p, &p->scratch, what, err))
		return -1;
	*out = p->scratch.buf;
	return 0;
}

/* ---- carrying over ------------------------------------------------------- */

/*
 * What is in the previous release and not relc's goes into the new tree
 * as hard links (so the previous release stays whole until the swap, and
 * a file a running node holds open is the same file in both).  Where a
 * link cannot be made, the entry is moved instead.  After the swap, what
 * appeared in the old tree meanwhile is moved over too.
 */
struct carry {
	struct relc_place *p;
	struct relc_strset made; /* what the previous build wrote */
	int by_layout;		 /* not known: take relc's layout instead */
	char **found;		 /* what is not relc's, release-relative */
	size_t nfound, afound;
	struct relc_error *err;
};

/*
 * Is OLD/path relc's?  What the previous build's stamp lists, or when its
 * stamp cannot be read, what relc's layout has: bin/NAME, erts-VSN, lib/,
 * releases/ but for releases/COOKIE, and .relc.
 */
static int
made(const struct carry *c, const char *path)
{
	const char *slash = strchr(path, '/');

	if (!c->by_layout)
		return relc_strset_has(&c->made, path);
	if (!slash)
		return !strcmp(path, "bin") || !strcmp(path, "lib") ||
		       !strcmp(path, "releases") || !strncmp(path, "erts-", 5);
	if (!strncmp(path, "bin/", 4))
		return !strcmp(path + 4, relc_path_basename(c->p->out.buf)) ||
		       !strchr(path + 4, '/');
	if (!strncmp(path, "releases/", 9))
		return strcmp(path, "releases/COOKIE") != 0;
	return !strncmp(path, "lib/", 4) || !strncmp(path, "erts-", 5);
}

/* What the new tree has where the old has a directory. */
enum new_has {
	NEW_DIR,  /* a directory: look at each entry */
	NEW_NONE, /* nothing: what is kept gets directories made for it */
	NEW_OTHER /* a file or a link (dev_mode's): nothing can be kept */
};

static enum new_has
new_has(struct carry *c, const char *rel, enum new_has parent)
{
	struct relc_strbuf neu = RELC_STRBUF_INIT;
	struct stat st;
	enum new_has r;

	if (parent != NEW_DIR)
		return parent;
	relc_strbuf_addstr(&neu, c->p->staging.buf);
	relc_path_append(&neu, rel);
	if (lstat(neu.buf, &st) < 0)
		r = NEW_NONE;
	else
		r = S_ISDIR(st.st_mode) ? NEW_DIR : NEW_OTHER;
	relc_strbuf_release(&neu);
	return r;
}

/*
 * Find what is not relc's under OLD/rel (a directory; `here` says what
 * the new tree has at rel).  An entry the new release has too is a
 * conflict, unless both are directories (then their contents are looked
 * at).
 */
static int
find_carried(struct carry *c, const char *rel, enum new_has here)
{
	struct relc_strbuf old = RELC_STRBUF_INIT, child = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	int r = -1;

	relc_strbuf_addstr(&old, c->p->out.buf);
	if (*rel)
		relc_path_append(&old, rel);
	if (relc_fs_list_dir(&names, &n, old.buf, 0, c->err))
		goto out;
	for (i = 0; i < n; i++) {
		struct stat so;
		enum new_has there;

		relc_strbuf_reset(&child);
		if (*rel)
			relc_strbuf_addf(&child, "%s/", rel);
		relc_strbuf_addstr(&child, names[i]);
		if (!strcmp(child.buf, RELC_STAMP_DIR))
			continue; /* relc's own */
		relc_strbuf_reset(&old);
		relc_strbuf_addstr(&old, c->p->out.buf);
		relc_path_append(&old, child.buf);
		if (lstat(old.buf, &so) < 0)
			continue;
		there = new_has(c, child.buf, here);
		if (made(c, child.buf)) {
			/* relc's: look inside its directories for others' */
			if (S_ISDIR(so.st_mode) &&
			    find_carried(c, child.buf, there))
				goto out;
			continue;
		}
		if (there == NEW_DIR && S_ISDIR(so.st_mode)) {
			if (find_carried(c, child.buf, NEW_DIR))
				goto out;
			continue;
		}
		if (there != NEW_NONE || here == NEW_OTHER) {
			relc_error_set(c->err, RELC_ECONFIG,
				       "'%s' was not made by relc, and the new "
				       "release has a '%s' of its own: move it "
				       "out of the way and build again",
				       old.buf,
				       here == NEW_OTHER ? rel : child.buf);
			goto out;
		}
		RELC_ALLOC_GROW(c->found, c->nfound + 1, c->afound);
		c->found[c->nfound++] = relc_xstrdup(child.buf);
	}
	r = 0;
out:
	relc_fs_free_names(names, n);
	relc_strbuf_release(&old);
	relc_strbuf_release(&child);
	return r;
}

struct linker {
	int dfd[66]; /* destination directories by depth */
	struct relc_strbuf dst;
	size_t dst_len;
};

static const char *
link_dst(struct linker *l, const struct relc_walk_entry *e)
{
	relc_strbuf_setlen(&l->dst, l->dst_len);
	if (*e->rel) {
		relc_strbuf_addch(&l->dst, '/');
		relc_strbuf_addstr(&l->dst, e->rel);
	}
	return l->dst.buf;
}

static int
link_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct linker *l = ctx;
	int pfd = e->depth ? l->dfd[e->depth - 1] : AT_FDCWD;
	const char *name = e->depth ? e->name : link_dst(l, e);

	switch (e->kind) {
	case RELC_WALK_DIR:
		if (mkdirat(pfd, name, 0700) < 0)
			return relc_error_errno(err, "cannot create '%s'",
						link_dst(l, e));
		l->dfd[e->depth] = openat(
		    pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (l->dfd[e->depth] < 0)
			return relc_error_errno(err, "cannot open '%s'",
						link_dst(l, e));
		return 0;
	case RELC_WALK_DIR_POST:
		(void)fchmod(l->dfd[e->depth], e->st->st_mode & 07777);
		close(l->dfd[e->depth]);
		l->dfd[e->depth] = -1;
		return 0;
	default:
		if (linkat(e->dirfd, e->name, pfd, name, 0) == 0)
			return 0;
		if (errno != EPERM && errno != EMLINK && errno != EOPNOTSUPP &&
		    errno != EXDEV)
			return relc_error_errno(err, "cannot link '%s' to '%s'",
						e->path, link_dst(l, e));
		/*
		 * No hard link here (another owner's file under
		 * protected_hardlinks, too many links): it is moved after the
		 * swap (relc_place_commit); nothing leaves the previous
		 * release before.
		 */
		return 0;
	}
}

/* Hard-link the tree OLD/rel into NEW/rel. */
static int
link_tree(struct carry *c, const char *rel)
{
	static const struct relc_walk_opts opts = {
	    .flags = RELC_WALK_POST | RELC_WALK_UNSTOPPABLE};
	struct relc_strbuf src = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT;
	struct linker l;
	size_t i;
	int r;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < RELC_ARRAY_SIZE(l.dfd); i++)
		l.dfd[i] = -1;
	relc_strbuf_addstr(&src, c->p->out.buf);
	relc_path_append(&src, rel);
	relc_strbuf_addstr(&l.dst, c->p->staging.buf);
	relc_path_append(&l.dst, rel);
	l.dst_len = l.dst.len;
	relc_path_dirname(&dir, l.dst.buf);
	r = 0;
	if (!relc_fs_is_dir(dir.buf)) {
		warn(c->p,
		     "kept '%s', which relc did not make, in the new release, "
		     "though its directory is no longer part of it",
		     rel);
		r = relc_fs_mkdirs(dir.buf, 0755, c->err);
	}
	if (!r)
		r = relc_walk(src.buf, &opts, link_entry, &l, c->err) ? -1 : 0;
	for (i = 0; i < RELC_ARRAY_SIZE(l.dfd); i++)
		if (l.dfd[i] >= 0)
			close(l.dfd[i]);
	relc_strbuf_release(&src);
	relc_strbuf_release(&dir);
	relc_strbuf_release(&l.dst);
	return r;
}

static void
carry_release(struct carry *c)
{
	size_t i;

	for (i = 0; i < c->nfound; i++)
		free(c->found[i]);
	free(c->found);
	relc_strset_release(&c->made);
}

static int
carry_over(struct relc_place *p, struct carry *c, struct relc_error *err)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->err = err;
	c->by_layout = p->marked;
	if (p->has_prev)
		for (i = 0; i < p->prev.nentries; i++)
			relc_strset_add(&c->made, p->prev.entries[i].path);
	if (find_carried(c, "", NEW_DIR))
		return -1;
	for (i = 0; i < c->nfound; i++)
		if (link_tree(c, c->found[i]))
			return -1;
	return 0;
}

/*
 * After the swap: what the old tree (now at `old`) holds of a carried
 * entry and the new tree (at `neu`) lacks (a file that could not be
 * linked, one that appeared after the links were made) is moved over.
 */
static void
carry_late(const char *old, const char *neu)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf a = RELC_STRBUF_INIT, b = RELC_STRBUF_INIT,
			   dir = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;

	if (!exists(old))
		return;
	if (!exists(neu)) {
		relc_path_dirname(&dir, neu);
		if (!relc_fs_mkdirs(dir.buf, 0755, &ignored))
			(void)rename(old, neu);
		goto out;
	}
	if (!relc_fs_is_dir(old) || !relc_fs_is_dir(neu) ||
	    relc_fs_list_dir(&names, &n, old, 1, &ignored))
		goto out;
	for (i = 0; i < n; i++) {
		relc_strbuf_reset(&a);
		relc_strbuf_addstr(&a, old);
		relc_path_append(&a, names[i]);
		relc_strbuf_reset(&b);
		relc_strbuf_addstr(&b, neu);
		relc_path_append(&b, names[i]);
		carry_late(a.buf, b.buf);
	}
	relc_fs_free_names(names, n);
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&a);
	relc_strbuf_release(&b);
	relc_strbuf_release(&dir);
}

/*
 * The journal of a carry-over: RELEASE/.relc/carried in the new tree,
 * written before the swap.  Its first line names the staging directory
 * (which holds the old tree after the swap), the others the carried
 * entries.  A run killed after the swap and before carry_late finished
 * leaves it in the release; the next run finishes the moves.
 */
#define JOURNAL ".relc/carried"
#define MAX_JOURNAL ((size_t)64 << 20)

static int
write_journal(const struct relc_place *p, const struct carry *c,
	      struct relc_error *err)
{
	struct relc_strbuf text = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	size_t i;
	int r;

	relc_stamp_escape(&text, relc_path_basename(p->staging.buf));
	relc_strbuf_addch(&text, '\n');
	for (i = 0; i < c->nfound; i++) {
		relc_stamp_escape(&text, c->found[i]);
		relc_strbuf_addch(&text, '\n');
	}
	relc_strbuf_addstr(&path, p->staging.buf);
	relc_path_append(&path, RELC_STAMP_DIR);
	r = relc_fs_mkdirs(path.buf, 0755, err);
	relc_strbuf_reset(&path);
	relc_strbuf_addstr(&path, p->staging.buf);
	relc_path_append(&path, JOURNAL);
	if (!r)
		r = relc_fs_write_new(path.buf, text.buf, text.len, 0644, 1,
				      err);
	relc_strbuf_release(&text);
	relc_strbuf_release(&path);
	return r;
}

/* Finish the moves the journal of RELEASE (in parent) lists, if any. */
static void
finish_journal(const char *parent, const char *release)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT,
			   rel = RELC_STRBUF_INIT, old = RELC_STRBUF_INIT,
			   neu = RELC_STRBUF_INIT;
	const char *line, *end;
	int first = 1;

	relc_strbuf_addstr(&path, release);
	relc_path_append(&path, JOURNAL);
	if (relc_fs_read_file(&text, path.buf, MAX_JOURNAL, 1, &ignored))
		goto out;
	for (line = text.buf; line < text.buf + text.len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(text.buf + text.len - line));
		if (!end)
			break;
		if (relc_stamp_unescape(&rel, line, (size_t)(end - line)) ||
		    !relc_path_relative_ok(rel.buf))
			break;
		if (first) {
			/* the old tree, in the same parent */
			if (strchr(rel.buf, '/') ||
			    strncmp(rel.buf, ".relc-", 6))
				break;
			relc_strbuf_addstr(&old, parent);
			relc_path_append(&old, rel.buf);
			first = 0;
			continue;
		}
		relc_strbuf_reset(&neu);
		relc_strbuf_addstr(&neu, old.buf);
		relc_path_append(&neu, rel.buf);
		relc_strbuf_reset(&path);
		relc_strbuf_addstr(&path, release);
		relc_path_append(&path, rel.buf);
		carry_late(neu.buf, path.buf);
	}
	relc_strbuf_reset(&path);
	relc_strbuf_addstr(&path, release);
	relc_path_append(&path, JOURNAL);
	(void)unlink(path.buf);
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	relc_strbuf_release(&rel);
	relc_strbuf_release(&old);
	relc_strbuf_release(&neu);
}

/* ---- the swap ------------------------------------------------------------ */

static int
exchange(const char *a, const char *b)
{
#if defined(SYS_renameat2) && defined(__linux__)
	/* RENAME_EXCHANGE is 2 in linux/fs.h. */
	return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2);
#else
	(void)a;
	(void)b;
	errno = ENOSYS;
	return -1;
#endif
}

/* Swap the staging tree in; the staging path then holds the old tree. */
static int
swap_in(struct relc_place *p, struct relc_error *err)
{
	struct relc_strbuf aside = RELC_STRBUF_INIT;
	int r = -1;

	if (!p->exists) {
		if (rename(p->staging.buf, p->out.buf) < 0)
			return relc_error_errno(err,
						"cannot rename '%s' to '%s'",
						p->staging.buf, p->out.buf);
		relc_strbuf_reset(&p->staging);
		return relc_fs_fsync_dir(p->parent.buf, err);
	}
	if (!exchange(p->staging.buf, p->out.buf))
		return relc_fs_fsync_dir(p->parent.buf, err);
	if (errno != ENOSYS && errno != EINVAL)
		return relc_error_errno(err, "cannot exchange '%s' and '%s'",
					p->staging.buf, p->out.buf);
	/*
	 * No atomic exchange on this file system: move the old tree aside
	 * first (a run killed just then leaves no release in place; the old
	 * one is in the .relc-* directory, which the next run removes).
	 */
	relc_strbuf_addf(&aside, "%s.old", p->staging.buf);
	if (rename(p->out.buf, aside.buf) < 0) {
		relc_error_errno(err, "cannot rename '%s' to '%s'", p->out.buf,
				 aside.buf);
		goto out;
	}
	if (rename(p->staging.buf, p->out.buf) < 0) {
		relc_error_errno(err, "cannot rename '%s' to '%s'",
				 p->staging.buf, p->out.buf);
		(void)rename(aside.buf, p->out.buf);
		goto out;
	}
	relc_strbuf_reset(&p->staging);
	relc_strbuf_addstr(&p->staging, aside.buf);
	r = relc_fs_fsync_dir(p->parent.buf, err);
out:
	relc_strbuf_release(&aside);
	return r;
}

int
relc_place_commit(struct relc_place *p, const struct relc_stamp *stamp,
		  struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT,
			   old = RELC_STRBUF_INIT, neu = RELC_STRBUF_INIT;
	struct relc_error cleanup = RELC_ERROR_INIT;
	struct carry c;
	size_t i;
	int r = -1;

	memset(&c, 0, sizeof(c));
	if (p->exists && carry_over(p, &c, err))
		goto out;
	if (c.nfound && write_journal(p, &c, err))
		goto out;
	relc_strbuf_addstr(&path, p->staging.buf);
	relc_path_append(&path, RELC_STAMP_DIR);
	if (relc_fs_mkdirs(path.buf, 0755, err))
		goto out;
	relc_path_append(&path, "stamp");
	relc_stamp_format(&text, stamp);
	if (relc_fs_write_new(path.buf, text.buf, text.len, 0644, 1, err) ||
	    swap_in(p, err))
		goto out;
	/* The new release is in place: the rest is tidying up. */
	r = 0;
	p->committed = 1;
	for (i = 0; i < c.nfound && p->staging.len; i++) {
		relc_strbuf_reset(&old);
		relc_strbuf_addstr(&old, p->staging.buf);
		relc_path_append(&old, c.found[i]);
		relc_strbuf_reset(&neu);
		relc_strbuf_addstr(&neu, p->out.buf);
		relc_path_append(&neu, c.found[i]);
		carry_late(old.buf, neu.buf);
	}
	relc_strbuf_reset(&path);
	relc_strbuf_addstr(&path, p->out.buf);
	relc_path_append(&path, JOURNAL);
	(void)unlink(path.buf);
	if (p->staging.len && relc_walk_remove(p->staging.buf, &cleanup)) {
		relc_strbuf_reset(&text);
		relc_error_format(&text, &cleanup);
		warn(p,
		     "the release is built, but the previous one could not "
		     "be removed (the next build tries again): %s",
		     text.buf);
	}
	relc_strbuf_reset(&p->staging);
out:
	carry_release(&c);
	relc_error_release(&cleanup);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	relc_strbuf_release(&old);
	relc_strbuf_release(&neu);
	return r;
}

void
relc_place_close(struct relc_place *p)
{
	struct relc_error ignored = RELC_ERROR_INIT;

	if (p->staging.len) {
		relc_walk_remove(p->staging.buf, &ignored);
		relc_error_release(&ignored);
	}
	if (p->scratch.len) {
		relc_walk_remove(p->scratch.buf, &ignored);
		relc_error_release(&ignored);
	}
	if (!p->committed)
		unmake_parents(p);
	relc_lock_release(&p->lock);
	relc_stamp_release(&p->prev);
	relc_strbuf_release(&p->out);
	relc_strbuf_release(&p->parent);
	relc_strbuf_release(&p->staging);
	relc_strbuf_release(&p->scratch);
	relc_strbuf_release(&p->created);
	relc_strbuf_release(&p->made_from);
}
