/*
 * walk.c: the tree walk (see walk.h).
 */
#include "relc/compat.h"
#include "relc/walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/interrupt.h"
#include "relc/path.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

#define MAX_DEPTH RELC_WALK_MAX_DEPTH

struct walker {
	const struct relc_walk_opts *o;
	relc_walk_fn fn;
	void *ctx;
	struct relc_error *err;
	struct relc_strbuf path; /* root "/" rel */
	size_t root_len;
	dev_t devs[MAX_DEPTH + 1];
	ino_t inos[MAX_DEPTH + 1];
	struct relc_strbuf inside, holds; /* real paths, once needed */
	int resolved;
	size_t entries;
	uint64_t bytes;
};

static const char *
rel_of(const struct walker *w)
{
	return w->path.len > w->root_len ? w->path.buf + w->root_len + 1 : "";
}

/* Why following a link failed: it dangles, it loops, or something else. */
static int
link_error(struct walker *w, int dirfd, const char *name)
{
	struct relc_strbuf target = RELC_STRBUF_INIT;
	int saved = errno, r;

	if (relc_strbuf_readlinkat(&target, dirfd, name, 0) < 0) {
		errno = saved;
		return relc_error_errno(w->err, "cannot follow '%s'",
					w->path.buf);
	}
	if (saved == ELOOP)
		r = relc_error_set(w->err, RELC_EAPP,
				   "'%s' is a symbolic link loop (-> %s)",
				   w->path.buf, target.buf);
	else if (saved == ENOENT || saved == ENOTDIR)
		r = relc_error_set(w->err, RELC_EAPP,
				   "'%s' is a dangling symbolic link (-> %s)",
				   w->path.buf, target.buf);
	else {
		errno = saved;
		r = relc_error_errno(w->err, "cannot follow '%s' (-> %s)",
				     w->path.buf, target.buf);
	}
	relc_strbuf_release(&target);
	return r;
}

/*
 * Is what the link w->path leads to (open as fd, or -1 when it is not
 * opened: a FIFO, a device) inside w->o->inside?
 */
static int
check_inside(struct walker *w, int fd, int dirfd, const char *name)
{
	struct relc_strbuf proc = RELC_STRBUF_INIT, real = RELC_STRBUF_INIT,
			   target = RELC_STRBUF_INIT;
	const char *in, *holds;
	int r = 0;

	if (!w->resolved) {
		if ((w->o->inside &&
		     relc_fs_realpath(&w->inside, w->o->inside, w->err)) ||
		    (w->o->holds &&
		     relc_fs_realpath(&w->holds, w->o->holds, w->err)))
			return -1;
		w->resolved = 1;
	}
	in = w->o->inside ? w->inside.buf : NULL;
	holds = w->o->holds ? w->holds.buf : NULL;

	relc_strbuf_addf(&proc, "/proc/self/fd/%d", fd);
	if ((fd < 0 ||
	     relc_strbuf_readlinkat(&real, AT_FDCWD, proc.buf, 256) < 0) &&
	    relc_fs_realpath(&real, w->path.buf, w->err)) {
		r = -1;
		goto out;
	}
	if (holds && relc_path_is_within(holds, real.buf)) {
		r = relc_error_set(w->err, RELC_EAPP,
				   "'%s' leads to '%s', which holds the "
				   "application itself",
				   w->path.buf, real.buf);
		goto out;
	}
	if (!in || relc_path_is_within(real.buf, in))
		goto out;
	if (w->o->allow_outside) {
		r = 1;
		goto out;
	}
	if (relc_strbuf_readlinkat(&target, dirfd, name, 0) < 0)
		relc_strbuf_addstr(&target, "?");
	r = relc_error_set(w->err, RELC_EAPP,
			   "'%s' is a symbolic link (-> %s) that leads out of "
			   "'%s' to '%s'%s%s",
			   w->path.buf, target.buf, in, real.buf,
			   w->o->outside_hint ? "; " : "",
			   w->o->outside_hint ? w->o->outside_hint : "");
out:
	relc_strbuf_release(&proc);
	relc_strbuf_release(&real);
	relc_strbuf_release(&target);
	return r;
}

static int
count(struct walker *w, const struct stat *st)
{
	const struct relc_walk_opts *o = w->o;

	w->entries++;
	if (S_ISREG(st->st_mode))
		w->bytes += (uint64_t)st->st_size;
	if (o->max_entries && w->entries > o->max_entries)
		return relc_error_set(w->err, RELC_EAPP,
				      "'%s': more than %zu files and "
				      "directories (does a symbolic link lead "
				      "somewhere unexpected?)",
				      w->path.buf, o->max_entries);
	if (o->max_bytes && w->bytes > o->max_bytes)
		return relc_error_set(w->err, RELC_EAPP,
				      "'%s': more than %ju bytes (does a "
				      "symbolic link lead somewhere "
				      "unexpected?)",
				      w->path.buf, (uintmax_t)o->max_bytes);
	return 0;
}

static int visit(struct walker *w, int dirfd, const char *name, unsigned depth,
		 int via_link, unsigned char dtype);

struct dent {
	char *name;
	unsigned char type; /* DT_* as the listing said, or DT_UNKNOWN */
};

static int
cmp_dents(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name,
		      ((const struct dent *)b)->name);
}

/* The entries of the open directory fd, sorted, with their types. */
static int
list(struct walker *w, int fd, struct dent **out, size_t *n)
{
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	struct dent *v = NULL;
	size_t nr = 0, alloc = 0;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return relc_error_errno(w->err, "cannot read directory '%s'",
					w->path.buf);
	}
	rewinddir(d);
	errno = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] ||
		     (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		RELC_ALLOC_GROW(v, nr + 1, alloc);
		v[nr].name = relc_xstrdup(de->d_name);
		v[nr++].type = de->d_type;
		errno = 0;
	}
	if (errno) {
		relc_error_errno(w->err, "cannot read directory '%s'",
				 w->path.buf);
		closedir(d);
		while (nr)
			free(v[--nr].name);
		free(v);
		return -1;
	}
	closedir(d);
	if (nr)
		qsort(v, nr, sizeof(*v), cmp_dents);
	*out = v;
	*n = nr;
	return 0;
}

static int
walk_dir(struct walker *w, struct relc_walk_entry *e, int fd)
{
	struct dent *v = NULL;
	size_t n = 0, i, k, len = w->path.len;
	int r;

	if (e->st) {
		for (k = 0; k < e->depth; k++)
			if (w->devs[k] == e->st->st_dev &&
			    w->inos[k] == e->st->st_ino)
				return relc_error_set(
				    w->err, RELC_EAPP,
				    "'%s' leads back to a directory it is in "
				    "(a symbolic link loop)",
				    w->path.buf);
		w->devs[e->depth] = e->st->st_dev;
		w->inos[e->depth] = e->st->st_ino;
	}
	if (e->depth >= MAX_DEPTH)
		return relc_error_set(w->err, RELC_EAPP,
				      "'%s' is nested more than %d directories "
				      "deep",
				      w->path.buf, MAX_DEPTH);
	if (w->o->flags & RELC_WALK_WRITABLE) {
		struct stat st;

		if (fstat(fd, &st) == 0 && (st.st_mode & 0700) != 0700)
			(void)fchmod(fd, (st.st_mode & 07777) | 0700);
	}
	e->kind = RELC_WALK_DIR;
	e->fd = fd;
	r = w->fn(e, w->ctx, w->err);
	if (r == RELC_WALK_SKIP)
		return 0;
	if (r)
		return -1;
	if (list(w, fd, &v, &n))
		return -1;
	for (i = 0; i < n && !r; i++) {
		relc_strbuf_setlen(&w->path, len);
		relc_strbuf_addch(&w->path, '/');
		relc_strbuf_addstr(&w->path, v[i].name);
		r = visit(w, fd, v[i].name, e->depth + 1, e->via_link,
			  v[i].type);
	}
	relc_strbuf_setlen(&w->path, len);
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	if (r)
		return -1;
	if (!(w->o->flags & RELC_WALK_POST))
		return 0;
	e->kind = RELC_WALK_DIR_POST;
	e->path = w->path.buf; /* the buffer may have moved meanwhile */
	e->rel = rel_of(w);
	return w->fn(e, w->ctx, w->err) ? -1 : 0;
}

/*
 * Open what the listing says is a directory, or a regular file to be
 * opened anyway, without a separate stat: the fstat of the descriptor
 * tells what it is.  Returns the descriptor, -1 with errno when it is not
 * what the listing said (the caller looks again), or -2 on an error.
 */
static int
open_listed(struct walker *w, int dirfd, const char *name, unsigned char type,
	    struct stat *st)
{
	int fd = openat(dirfd, name,
			O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			    O_NOFOLLOW | (type == DT_DIR ? O_DIRECTORY : 0));

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		relc_error_errno(w->err, "cannot stat '%s'", w->path.buf);
		close(fd);
		return -2;
	}
	if (type == DT_DIR ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EAGAIN;
		return -1;
	}
	return fd;
}

static int
visit(struct walker *w, int dirfd, const char *name, unsigned depth,
      int via_link, unsigned char dtype)
{
	const struct relc_walk_opts *o = w->o;
	struct relc_strbuf target = RELC_STRBUF_INIT;
	struct relc_walk_entry e;
	struct stat st;
	int fd = -1, r = -1, followed = 0;

	if (!(o->flags & RELC_WALK_UNSTOPPABLE) && relc_interrupt_check(w->err))
		return -1;
	memset(&e, 0, sizeof(e));
	e.dirfd = dirfd;
	e.name = name;
	e.path = w->path.buf;
	e.rel = rel_of(w);
	e.depth = depth;
	e.fd = -1;
	e.via_link = via_link;

	/* Removal needs no stat of what it is not going into. */
	if ((o->flags & RELC_WALK_NO_STAT) && dtype != DT_UNKNOWN &&
	    dtype != DT_DIR) {
		e.kind = dtype == DT_REG   ? RELC_WALK_FILE
			 : dtype == DT_LNK ? RELC_WALK_LINK
					   : RELC_WALK_OTHER;
		return w->fn(&e, w->ctx, w->err) ? -1 : 0;
	}
	if (dtype == DT_DIR ||
	    (dtype == DT_REG && (o->flags & RELC_WALK_OPEN_FILES))) {
		fd = open_listed(w, dirfd, name, dtype, &st);
		if (fd == -2)
			return -1;
	}
	if (fd < 0) {
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (depth && errno == ENOENT)
				return 0; /* gone since it was listed */
			if (!depth && errno == ENOENT &&
			    (o->flags & RELC_WALK_MISSING_OK))
				return 1;
			return relc_error_errno(w->err, "cannot stat '%s'",
						w->path.buf);
		}
		if (S_ISLNK(st.st_mode) && (o->flags & RELC_WALK_FOLLOW)) {
			if (fstatat(dirfd, name, &st, 0) < 0) {
				if (!depth && errno == ENOENT &&
				    (o->flags & RELC_WALK_MISSING_OK))
					return 1;
				return link_error(w, dirfd, name);
			}
			followed = 1;
			e.via_link = 1;
		}
	}
	e.st = &st;
	if (depth == 1 && S_ISDIR(st.st_mode) && (o->flags & RELC_WALK_FLAT))
		goto out_ok;
	if (!(o->flags & RELC_WALK_NO_STAT) && count(w, &st))
		goto out;

	if (fd < 0 && (S_ISDIR(st.st_mode) ||
		       (S_ISREG(st.st_mode) &&
			(followed || (o->flags & RELC_WALK_OPEN_FILES))))) {
		int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
		struct stat now;

		if (S_ISDIR(st.st_mode))
			flags |= O_DIRECTORY;
		if (!followed)
			flags |= O_NOFOLLOW;
		fd = openat(dirfd, name, flags);
		if (fd < 0) {
			if (followed && (errno == ENOENT || errno == ELOOP))
				link_error(w, dirfd, name);
			else
				relc_error_errno(w->err, "cannot open '%s'",
						 w->path.buf);
			goto out;
		}
		/* What is open must be what was looked at. */
		if (fstat(fd, &now) < 0 || now.st_ino != st.st_ino ||
		    now.st_dev != st.st_dev) {
			relc_error_set(w->err, RELC_EIO,
				       "'%s' changed while relc was reading it",
				       w->path.buf);
			goto out;
		}
		if (followed && (o->inside || o->holds) &&
		    check_inside(w, fd, dirfd, name) < 0)
			goto out;
	} else if (followed && (o->inside || o->holds) && fd < 0 &&
		   !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) &&
		   check_inside(w, -1, dirfd, name) < 0) {
		goto out;
	}
	/*
	 * A regular file stays open with O_NONBLOCK, which Linux ignores for
	 * regular files: it only kept the open from waiting on a FIFO.
	 */
	if (S_ISDIR(st.st_mode)) {
		r = walk_dir(w, &e, fd);
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		e.kind = RELC_WALK_FILE;
		if (o->flags & RELC_WALK_OPEN_FILES)
			e.fd = fd;
	} else if (S_ISLNK(st.st_mode)) {
		e.kind = RELC_WALK_LINK;
		if (!(o->flags & RELC_WALK_NO_STAT) &&
		    relc_strbuf_readlinkat(&target, dirfd, name,
					   (size_t)st.st_size) < 0) {
			relc_error_errno(w->err, "cannot read the link '%s'",
					 w->path.buf);
			goto out;
		}
		e.target = target.buf;
	} else {
		e.kind = RELC_WALK_OTHER;
	}
	r = w->fn(&e, w->ctx, w->err) ? -1 : 0;
	goto out;
out_ok:
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	relc_strbuf_release(&target);
	return r;
}

int
relc_walk(const char *root, const struct relc_walk_opts *opts, relc_walk_fn fn,
	  void *ctx, struct relc_error *err)
{
	struct walker w;
	int r;

	memset(&w, 0, sizeof(w));
	w.o = opts;
	w.fn = fn;
	w.ctx = ctx;
	w.err = err;
	relc_strbuf_addstr(&w.path, root);
	w.root_len = w.path.len;
	r = visit(&w, AT_FDCWD, root, 0, 0, DT_UNKNOWN);
	relc_strbuf_release(&w.path);
	relc_strbuf_release(&w.inside);
	relc_strbuf_release(&w.holds);
	return r;
}

static int
remove_one(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	(void)ctx;
	if (e->kind == RELC_WALK_DIR)
		return 0;
	if (unlinkat(e->dirfd, e->name,
		     e->kind == RELC_WALK_DIR_POST ? AT_REMOVEDIR : 0) < 0 &&
	    errno != ENOENT)
		return relc_error_errno(err, "cannot remove '%s'", e->path);
	return 0;
}

int
relc_walk_remove(const char *path, struct relc_error *err)
{
	static const struct relc_walk_opts opts = {
	    .flags = RELC_WALK_POST | RELC_WALK_MISSING_OK |
		     RELC_WALK_WRITABLE | RELC_WALK_UNSTOPPABLE |
		     RELC_WALK_NO_STAT};
	int r = relc_walk(path, &opts, remove_one, NULL, err);

	return r < 0 ? -1 : 0;
}

int
relc_walk_split(char ***units, size_t *n, const char *root, const char *deeper,
		struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, unit = RELC_STRBUF_INIT;
	char **top = NULL, **sub = NULL, **v = NULL;
	size_t ntop = 0, nsub = 0, nv = 0, alloc = 0, i, k;
	int r = -1;

	*units = NULL;
	*n = 0;
	if (relc_fs_list_dir(&top, &ntop, root, 0, err))
		goto out;
	for (i = 0; i < ntop; i++) {
		struct stat st;

		relc_strbuf_reset(&path);
		relc_strbuf_addstr(&path, root);
		relc_strbuf_addch(&path, '/');
		relc_strbuf_addstr(&path, top[i]);
		if (deeper && !strcmp(top[i], deeper) &&
		    lstat(path.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (relc_fs_list_dir(&sub, &nsub, path.buf, 0, err))
				goto out;
			for (k = 0; k < nsub; k++) {
				relc_strbuf_reset(&unit);
				relc_strbuf_addf(&unit, "%s/%s", top[i],
						 sub[k]);
				RELC_ALLOC_GROW(v, nv + 1, alloc);
				v[nv++] = relc_strbuf_detach(&unit, NULL);
			}
			relc_fs_free_names(sub, nsub);
			sub = NULL;
			nsub = 0;
			continue;
		}
		RELC_ALLOC_GROW(v, nv + 1, alloc);
		v[nv++] = relc_xstrdup(top[i]);
	}
	*units = v;
	*n = nv;
	v = NULL;
	nv = 0;
	r = 0;
out:
	relc_fs_free_names(top, ntop);
	relc_fs_free_names(sub, nsub);
	relc_fs_free_names(v, nv);
	relc_strbuf_release(&path);
	relc_strbuf_release(&unit);
	return r;
}
