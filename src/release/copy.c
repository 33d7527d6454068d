/*
 * copy.c: the applications and ERTS, into the new release tree (see
 * copy.h).  One walk (walk.h) reads every source; each application is
 * one job, and jobs run on several threads.
 */
#include "relc/compat.h"
#include "relc/copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "relc/appfile.h"
#include "relc/beam.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/hash.h"
#include "relc/interrupt.h"
#include "relc/jobs.h"
#include "relc/path.h"
#include "relc/plan.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/strset.h"
#include "relc/term.h"
#include "relc/walk.h"
#include "relc/xalloc.h"

#define MAX_BEAM_FILE ((size_t)256 << 20)
/* No application directory is this big: a link that leads astray is. */
#define MAX_TREE_ENTRIES ((size_t)200000)
#define MAX_TREE_BYTES ((uint64_t)8 << 30)

static mode_t
file_mode(const struct stat *st)
{
	return st->st_mode & 0755;
}

static mode_t
dir_mode(const struct stat *st)
{
	return (st->st_mode & 0755) | 0700;
}

int
relc_copy_erts_excluded(const char *name)
{
	/*
	 * The development tools; erl, which relc writes; the templates
	 * (*.src); and start and start_erl, which hard-code the root of the
	 * OTP installation they came from: bin/NAME does their job.
	 */
	static const char *const skip[] = {
	    "ct_run", "dialyzer", "typer", "erlc",	"yielding_c_fun",
	    "erl",    "erl.src",  "start", "start_erl",
	};
	size_t i, len = strlen(name);

	for (i = 0; i < RELC_ARRAY_SIZE(skip); i++)
		if (!strcmp(name, skip[i]))
			return 1;
	return len > 4 && !strncmp(name, "start", 5) &&
	       !strcmp(name + len - 4, ".src");
}

/* ---- one file ------------------------------------------------------------ */

/* Copy the open regular file `in` (size bytes) to the open file `out`. */
static int
copy_fd(int in, int out, off_t size, const char *src, const char *dst,
	struct relc_error *err)
{
	char buf[64 * 1024];
	off_t done = 0;
	int fast = 1;

	while (fast && done < size) {
		ssize_t n = (ssize_t)syscall(SYS_copy_file_range, in, NULL, out,
					     NULL, (size_t)(size - done), 0u);

		if (n > 0) {
			done += n;
		} else if (n == 0) {
			break;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EXDEV || errno == ENOSYS ||
			   errno == EINVAL || errno == EOPNOTSUPP ||
			   errno == EBADF) {
			fast = 0;
		} else {
			return relc_error_errno(err, "cannot copy '%s' to '%s'",
						src, dst);
		}
	}
	if (fast && done >= size)
		return 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return relc_error_errno(err, "cannot read '%s'", src);
		}
		if (!n)
			return 0;
		if (relc_fs_write_all(out, buf, (size_t)n) < 0)
			return relc_error_errno(err, "cannot write '%s'", dst);
	}
}

static int
is_beam(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && !strcmp(name + len - 5, ".beam");
}

/*
 * Write the stripped form of the BEAM file open as `in` to `out`: read
 * into `buf` (kept by the caller from file to file), then written as the
 * pieces that make the stripped file, with no copy in between.
 */
static int
strip_fd(int in, int out, const struct stat *st, const char *src,
	 const char *dst, struct relc_strbuf *buf,
	 struct relc_copy_stats *stats, struct relc_error *err)
{
	struct relc_strbuf plain = RELC_STRBUF_INIT;
	struct relc_beam_pieces pieces;
	struct iovec iov[RELC_ARRAY_SIZE(pieces.v)];
	const struct relc_strbuf *data = buf;
	size_t i;
	int r = -1;

	if ((size_t)st->st_size > MAX_BEAM_FILE) {
		relc_error_set(err, RELC_EAPP,
			       "'%s' is too large for a BEAM file", src);
		goto out;
	}
	relc_strbuf_reset(buf);
	if (relc_strbuf_read_fd(buf, in, (size_t)st->st_size, MAX_BEAM_FILE) <
	    0) {
		relc_error_errno(err, "cannot read '%s'", src);
		goto out;
	}
	if (buf->len >= 2 && (unsigned char)buf->buf[0] == 0x1f &&
	    (unsigned char)buf->buf[1] == 0x8b) {
		/* gzipped: the stripped copy is made in memory */
		if (relc_beam_strip(&plain, buf->buf, buf->len, src, err))
			goto out;
		data = &plain;
	}
	if (relc_beam_strip_pieces(&pieces, data->buf, data->len, src, err))
		goto out;
	for (i = 0; i < pieces.n; i++) {
		iov[i].iov_base = (void *)(uintptr_t)pieces.v[i].data;
		iov[i].iov_len = pieces.v[i].len;
	}
	if (relc_fs_writev_all(out, iov, (int)pieces.n) < 0) {
		relc_error_errno(err, "cannot write '%s'", dst);
		goto out;
	}
	stats->stripped++;
	stats->bytes += pieces.size;
	r = 0;
out:
	relc_strbuf_release(&plain);
	return r;
}

/* ---- a tree -------------------------------------------------------------- */

/*
 * The process's umask, read once (relc_copy_release reads it before its
 * threads start): a file is created with its mode, and chmod'ed only
 * when the umask took something away.
 */
static mode_t umask_now = (mode_t)-1;

static mode_t
current_umask(void)
{
	if (umask_now == (mode_t)-1) {
		umask_now = umask(022);
		umask(umask_now);
	}
	return umask_now;
}

struct tree {
	int dfd[RELC_WALK_MAX_DEPTH +
		2];		/* the destination directories, by depth */
	struct relc_strbuf dst; /* for messages */
	size_t dst_len;
	int strip;
	int (*skip)(const char *name);
	struct relc_copy_stats *stats;
	struct relc_strbuf buf;	  /* for BEAM files being stripped */
	struct relc_hash *fp;	  /* the inputs' fingerprint, made as it goes */
	struct relc_strset *seen; /* the names of the files at the top */
};

static const char *
dst_path(struct tree *t, const struct relc_walk_entry *e)
{
	relc_strbuf_setlen(&t->dst, t->dst_len);
	if (*e->rel) {
		relc_strbuf_addch(&t->dst, '/');
		relc_strbuf_addstr(&t->dst, e->rel);
	}
	return t->dst.buf;
}

static int
copy_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct tree *t = ctx;
	int out, r = 0;

	if (t->fp)
		relc_stamp_fp_entry(t->fp, e);
	switch (e->kind) {
	case RELC_WALK_DIR:
		if (!e->depth)
			return 0;
		if (mkdirat(t->dfd[e->depth - 1], e->name, 0700) < 0)
			return relc_error_errno(err, "cannot create '%s'",
						dst_path(t, e));
		t->dfd[e->depth] =
		    openat(t->dfd[e->depth - 1], e->name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (t->dfd[e->depth] < 0)
			return relc_error_errno(err, "cannot open '%s'",
						dst_path(t, e));
		return 0;
	case RELC_WALK_DIR_POST:
		if (fchmod(t->dfd[e->depth], dir_mode(e->st)) < 0)
			r = relc_error_errno(err, "cannot chmod '%s'",
					     dst_path(t, e));
		if (e->depth) {
			close(t->dfd[e->depth]);
			t->dfd[e->depth] = -1;
		}
		return r;
	case RELC_WALK_FILE:
		if (t->seen && e->depth == 1)
			relc_strset_add(t->seen, e->name);
		if (t->skip && t->skip(e->name))
			return 0;
		/* created with its mode, when the umask lets it be */
		out = openat(t->dfd[e->depth - 1], e->name,
			     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     file_mode(e->st));
		if (out < 0)
			return relc_error_errno(err, "cannot create '%s'",
						dst_path(t, e));
		if (t->strip && is_beam(e->name)) {
			r = strip_fd(e->fd, out, e->st, e->path, dst_path(t, e),
				     &t->buf, t->stats, err);
		} else {
			r = copy_fd(e->fd, out, e->st->st_size, e->path,
				    dst_path(t, e), err);
			if (!r)
				t->stats->bytes += (size_t)e->st->st_size;
		}
		if (!r && (file_mode(e->st) & current_umask()) &&
		    fchmod(out, file_mode(e->st)) < 0)
			r = relc_error_errno(err, "cannot chmod '%s'",
					     dst_path(t, e));
		if (close(out) < 0 && !r)
			r = relc_error_errno(err, "cannot close '%s'",
					     dst_path(t, e));
		if (!r)
			t->stats->files++;
		return r;
	case RELC_WALK_LINK:
	case RELC_WALK_OTHER:
		break;
	}
	return relc_error_set(err, RELC_EAPP,
			      "'%s' is %s: a release holds only regular files "
			      "and directories",
			      e->path, relc_fs_type_name(e->st->st_mode));
}

int
relc_copy_walk_opts(struct relc_walk_opts *o, struct relc_strbuf paths[2],
		    const struct relc_plan *plan, const char *src, unsigned how,
		    struct relc_error *err)
{
	struct relc_strbuf parent = RELC_STRBUF_INIT, *inside = &paths[0],
			   *parent_real = &paths[1];
	struct stat st;
	char *real;
	int r = -1;

	memset(o, 0, sizeof(*o));
	o->flags = RELC_WALK_FOLLOW | RELC_WALK_MISSING_OK |
		   ((how & RELC_COPY_FLAT) ? RELC_WALK_FLAT : 0);
	o->max_entries = MAX_TREE_ENTRIES;
	o->max_bytes = MAX_TREE_BYTES;
	if (!(how & RELC_COPY_CONTAIN))
		return 0; /* a missing src is the walk's to see */
	if (lstat(src, &st) < 0)
		return errno == ENOENT
			   ? 1
			   : relc_error_errno(err, "cannot stat '%s'", src);
	if (!S_ISLNK(st.st_mode)) {
		/* the usual: the walk resolves these if a link needs them */
		relc_strbuf_reset(inside);
		relc_strbuf_addstr(inside, src);
		relc_path_dirname(parent_real, src);
		o->inside = inside->buf;
		o->holds = parent_real->buf;
		o->allow_outside = plan->follow_external_links;
		o->outside_hint = "set follow_external_links: true to copy "
				  "what it points to";
		return 0;
	}
	real = realpath(src, NULL);
	if (!real) {
		if (errno == ENOENT)
			return 1; /* absent, or a dangling link: nothing */
		return relc_error_errno(err, "cannot resolve '%s'", src);
	}
	relc_strbuf_reset(inside);
	relc_strbuf_addstr(inside, real);
	free(real);
	/*
	 * Build tools link priv/ and src/ to the application's sources, so
	 * the directory itself may be a link; what it holds must stay in
	 * where it leads.  A link to a directory that holds the application
	 * itself ("/", "..") is refused whatever the setting.
	 */
	relc_path_dirname(&parent, src);
	if (relc_fs_realpath(parent_real, parent.buf, err))
		goto out;
	if (relc_path_is_within(parent_real->buf, inside->buf)) {
		relc_error_set(err, RELC_EAPP,
			       "'%s' leads to '%s', which holds the "
			       "application itself",
			       src, inside->buf);
		goto out;
	}
	o->inside = inside->buf;
	o->holds = parent_real->buf; /* the application's directory */
	o->allow_outside = plan->follow_external_links;
	o->outside_hint = "set follow_external_links: true to copy what it "
			  "points to";
	r = 0;
out:
	relc_strbuf_release(&parent);
	return r;
}

/*
 * Copy the tree src into dst (which must not exist); with fp, add to it
 * the fingerprint of what is walked, under `label` (see stamp.h).
 */
static int
copy_tree(const struct relc_plan *plan, const char *src, const char *dst,
	  unsigned how, int strip, int (*skip)(const char *),
	  struct relc_hash *fp, const char *label, struct relc_strset *seen,
	  struct relc_copy_stats *stats, struct relc_error *err)
{
	struct relc_strbuf paths[2] = {RELC_STRBUF_INIT, RELC_STRBUF_INIT};
	struct relc_walk_opts o;
	struct tree t;
	struct stat st;
	size_t i;
	int r;

	if (fp)
		relc_stamp_fp_label(fp, label);
	/* absent, or a dangling link (rebar3 makes those): nothing to copy */
	if (stat(src, &st) < 0 && errno == ENOENT)
		return 0;
	r = relc_copy_walk_opts(&o, paths, plan, src, how, err);
	if (r) {
		relc_strbuf_release(&paths[0]);
		relc_strbuf_release(&paths[1]);
		return r < 0 ? -1 : 0;
	}
	o.flags |= RELC_WALK_OPEN_FILES | RELC_WALK_POST;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < RELC_ARRAY_SIZE(t.dfd); i++)
		t.dfd[i] = -1;
	relc_strbuf_addstr(&t.dst, dst);
	t.dst_len = t.dst.len;
	t.strip = strip;
	t.skip = skip;
	t.stats = stats;
	t.fp = fp;
	t.seen = seen;
	if (mkdir(dst, 0700) < 0 ||
	    (t.dfd[0] = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				      O_CLOEXEC)) < 0) {
		r = relc_error_errno(err, "cannot create '%s'", dst);
	} else {
		r = relc_walk(src, &o, copy_entry, &t, err) < 0 ? -1 : 0;
	}
	for (i = 0; i < RELC_ARRAY_SIZE(t.dfd); i++)
		if (t.dfd[i] >= 0)
			close(t.dfd[i]);
	relc_strbuf_release(&t.dst);
	relc_strbuf_release(&t.buf);
	relc_strbuf_release(&paths[0]);
	relc_strbuf_release(&paths[1]);
	return r;
}

/* ---- applications -------------------------------------------------------- */

size_t
relc_copy_sources(const struct relc_plan_app *pa, struct relc_strbuf srcs[4],
		  const char *names[4])
{
	static const struct {
		unsigned bit;
		const char *name;
	} subs[] = {
	    {RELC_PLAN_EBIN, "ebin"},
	    {RELC_PLAN_PRIV, "priv"},
	    {RELC_PLAN_SRC, "src"},
	    {RELC_PLAN_INCLUDE, "include"},
	};
	size_t i, n = 0;

	for (i = 0; i < RELC_ARRAY_SIZE(subs); i++) {
		if (!(pa->subdirs & subs[i].bit))
			continue;
		relc_strbuf_reset(&srcs[n]);
		if (subs[i].bit == RELC_PLAN_EBIN) {
			relc_strbuf_addstr(&srcs[n], pa->app->ebin);
		} else {
			relc_strbuf_addstr(&srcs[n], pa->app->dir);
			relc_path_append(&srcs[n], subs[i].name);
		}
		names[n++] = subs[i].name;
	}
	return n;
}

unsigned
relc_copy_how(const struct relc_plan_app *pa, size_t i)
{
	/* relc_copy_sources lists ebin first */
	return (i == 0 ? RELC_COPY_FLAT : 0) |
	       (pa->app->origin == RELC_ORIGIN_PROJECT ? RELC_COPY_CONTAIN : 0);
}

/*
 * Every module the .app lists must have its .beam, which the copy of
 * ebin/ has seen (a dangling link it reported itself).
 */
static int
check_modules(const struct relc_app *app, const struct relc_strset *seen,
	      struct relc_error *err)
{
	struct relc_strbuf beam = RELC_STRBUF_INIT;
	size_t i;
	int r = 0;

	for (i = 0; i < app->mods.n && !r; i++) {
		relc_strbuf_reset(&beam);
		relc_strbuf_addstr(&beam, app->mods.v[i]);
		relc_strbuf_addstr(&beam, ".beam");
		if (relc_strset_has(seen, beam.buf))
			continue;
		relc_strbuf_reset(&beam);
		relc_strbuf_addstr(&beam, app->ebin);
		relc_path_append(&beam, app->mods.v[i]);
		relc_strbuf_addstr(&beam, ".beam");
		r = relc_error_at(err, RELC_EAPP, app->path,
				  app->mods.t ? app->mods.t[i]->line : 0,
				  app->mods.t ? app->mods.t[i]->col : 0,
				  "the application lists module '%s', but %s "
				  "is missing",
				  app->mods.v[i], beam.buf);
	}
	relc_strbuf_release(&beam);
	return r;
}

int
relc_copy_app(const struct relc_plan *plan, const struct relc_plan_app *pa,
	      const char *lib_dir, struct relc_copy_stats *stats,
	      char *fingerprint, struct relc_error *err)
{
	struct relc_strset seen = RELC_STRSET_INIT;
	struct relc_hash h;
	struct relc_strbuf dst = RELC_STRBUF_INIT, sub = RELC_STRBUF_INIT;
	struct relc_strbuf srcs[4] = {RELC_STRBUF_INIT, RELC_STRBUF_INIT,
				      RELC_STRBUF_INIT, RELC_STRBUF_INIT};
	const char *names[4];
	size_t n, i;
	int r = -1;

	relc_strbuf_addstr(&dst, lib_dir);
	relc_path_append(&dst, pa->dirname);
	if (pa->how == RELC_PLAN_LINK) {
		if (symlink(pa->link, dst.buf) < 0)
			relc_error_errno(err, "cannot create '%s'", dst.buf);
		else
			r = 0;
		goto out;
	}
	if (mkdir(dst.buf, 0755) < 0) {
		relc_error_errno(err, "cannot create '%s'", dst.buf);
		goto out;
	}
	if (fingerprint)
		relc_stamp_fp_app_begin(&h, plan, pa);
	n = relc_copy_sources(pa, srcs, names);
	for (i = 0; i < n; i++) {
		relc_strbuf_reset(&sub);
		relc_strbuf_addstr(&sub, dst.buf);
		relc_path_append(&sub, names[i]);
		if (copy_tree(plan, srcs[i].buf, sub.buf, relc_copy_how(pa, i),
			      pa->strip && i == 0, NULL,
			      fingerprint ? &h : NULL, names[i],
			      i == 0 ? &seen : NULL, stats, err))
			goto out;
		if (i == 0 && check_modules(pa->app, &seen, err))
			goto out;
	}
	if (fingerprint)
		relc_hash_final_hex(&h, fingerprint);
	r = 0;
out:
	for (i = 0; i < 4; i++)
		relc_strbuf_release(&srcs[i]);
	relc_strbuf_release(&dst);
	relc_strbuf_release(&sub);
	relc_strset_release(&seen);
	return r;
}

int
relc_copy_erts(const struct relc_plan *plan, const char *root,
	       struct relc_copy_stats *stats, char *fingerprint,
	       struct relc_error *err)
{
	struct relc_strbuf d = RELC_STRBUF_INIT;
	struct relc_hash h;
	int r = -1;

	relc_hash_init(&h);
	relc_strbuf_addstr(&d, root);
	relc_path_append(&d, plan->erts_dirname);
	if (mkdir(d.buf, 0755) < 0) {
		relc_error_errno(err, "cannot create '%s'", d.buf);
		goto out;
	}
	relc_path_append(&d, "bin");
	if (!relc_fs_is_dir(plan->erts_src)) {
		relc_error_set(err, RELC_EOTP,
			       "the ERTS of the target OTP is missing: '%s' is "
			       "not a directory",
			       plan->erts_src);
		goto out;
	}
	r = copy_tree(plan, plan->erts_src, d.buf, RELC_COPY_FLAT, 0,
		      relc_copy_erts_excluded, fingerprint ? &h : NULL, "bin",
		      NULL, stats, err);
	if (!r && fingerprint)
		relc_hash_final_hex(&h, fingerprint);
out:
	relc_strbuf_release(&d);
	return r;
}

/* ---- reusing the previous release's copy --------------------------------- */

struct reuse {
	struct tree t;
	const struct relc_plan *plan;
	const struct relc_stamp *prev;
	const char *prefix; /* of the tree in the release: "lib/NAME-VSN" */
	struct relc_strbuf rel;
};

/*
 * Is PREFIX/rel something to reuse: what the previous build wrote (not an
 * operator's file, which the carry-over keeps), and not a file the plan
 * generates (written afresh)?
 */
static int
reused(struct reuse *u, const char *rel)
{
	relc_strbuf_reset(&u->rel);
	relc_strbuf_addstr(&u->rel, u->prefix);
	if (*rel)
		relc_path_append(&u->rel, rel);
	return relc_stamp_find(u->prev, u->rel.buf) &&
	       !relc_plan_file(u->plan, u->rel.buf);
}

static int
reuse_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct reuse *u = ctx;
	struct tree *t = &u->t;

	switch (e->kind) {
	case RELC_WALK_DIR:
		if (e->depth && !reused(u, e->rel))
			return RELC_WALK_SKIP;
		return copy_entry(e, t, err);
	case RELC_WALK_DIR_POST:
		return copy_entry(e, t, err);
	case RELC_WALK_FILE:
		if (!reused(u, e->rel))
			return 0;
		if (linkat(e->dirfd, e->name, t->dfd[e->depth - 1], e->name,
			   0) == 0) {
			t->stats->reused++;
			return 0;
		}
		if (errno != EPERM && errno != EMLINK && errno != EXDEV &&
		    errno != EOPNOTSUPP)
			return relc_error_errno(err, "cannot link '%s' to '%s'",
						e->path, dst_path(t, e));
		/* no hard links here: copy what the previous build made */
		{
			struct relc_walk_entry f = *e;
			struct stat st;
			int fd = relc_fs_open_regular(e->dirfd, e->name,
						      e->path, &st, err);
			int r;

			if (fd < 0)
				return -1;
			f.fd = fd;
			t->strip = 0;
			r = copy_entry(&f, t, err);
			close(fd);
			return r;
		}
	case RELC_WALK_LINK:
		if (!reused(u, e->rel))
			return 0;
		if (symlinkat(e->target, t->dfd[e->depth - 1], e->name) < 0)
			return relc_error_errno(err, "cannot create '%s'",
						dst_path(t, e));
		return 0;
	case RELC_WALK_OTHER:
		break;
	}
	return copy_entry(e, t, err);
}

/* Hard-link PREVIOUS/prefix's files (relc's, in prev) into ROOT/prefix. */
static int
reuse_tree(const struct relc_plan *plan, const struct relc_stamp *prev,
	   const char *previous, const char *root, const char *prefix,
	   struct relc_copy_stats *stats, struct relc_error *err)
{
	static const struct relc_walk_opts opts = {.flags = RELC_WALK_POST};
	struct relc_strbuf src = RELC_STRBUF_INIT;
	struct reuse u;
	size_t i;
	int r;

	memset(&u, 0, sizeof(u));
	for (i = 0; i < RELC_ARRAY_SIZE(u.t.dfd); i++)
		u.t.dfd[i] = -1;
	u.plan = plan;
	u.prev = prev;
	u.prefix = prefix;
	u.t.stats = stats;
	relc_strbuf_addstr(&src, previous);
	relc_path_append(&src, prefix);
	relc_strbuf_addstr(&u.t.dst, root);
	relc_path_append(&u.t.dst, prefix);
	u.t.dst_len = u.t.dst.len;
	if (mkdir(u.t.dst.buf, 0700) < 0 ||
	    (u.t.dfd[0] = open(u.t.dst.buf, O_RDONLY | O_DIRECTORY |
						O_NOFOLLOW | O_CLOEXEC)) < 0)
		r = relc_error_errno(err, "cannot create '%s'", u.t.dst.buf);
	else
		r = relc_walk(src.buf, &opts, reuse_entry, &u, err) ? -1 : 0;
	for (i = 0; i < RELC_ARRAY_SIZE(u.t.dfd); i++)
		if (u.t.dfd[i] >= 0)
			close(u.t.dfd[i]);
	relc_strbuf_release(&u.t.dst);
	relc_strbuf_release(&u.t.buf);
	relc_strbuf_release(&u.rel);
	relc_strbuf_release(&src);
	return r;
}

/* ---- the jobs ------------------------------------------------------------ */

static int write_app_files(const struct relc_plan *plan, const char *root,
			   const char *prefix, struct relc_error *err);

struct job {
	const struct relc_plan_app *pa; /* NULL: ERTS */
	int reuse;
	struct relc_copy_stats stats;
};

struct jobs {
	const struct relc_copy_in *in;
	struct job *v;
};

/* Was `dirname` (prefix in the release) copied from these inputs before? */
static int
reusable(const struct relc_copy_in *in, const char *prefix, const char *dirname,
	 const char *fingerprint)
{
	const char *old;

	if (!in->previous || !in->prev_stamp)
		return 0;
	old = relc_stamp_fingerprint_of(in->prev_stamp, dirname);
	return old && !strcmp(old, fingerprint) &&
	       !relc_strset_has(in->damaged, prefix);
}

static int
run_job(void *ctx, size_t i, struct relc_error *err)
{
	struct jobs *js = ctx;
	const struct relc_copy_in *in = js->in;
	struct relc_plan *plan = in->plan;
	struct relc_strbuf prefix = RELC_STRBUF_INIT, lib = RELC_STRBUF_INIT;
	struct job *j;
	int r;

	/* the caller's own job first: it is the longest of one piece */
	if (in->also && i-- == 0)
		return in->also(in->also_ctx, err);
	j = &js->v[i];
	if (!j->pa) {
		r = j->reuse
			? reuse_tree(plan, in->prev_stamp, in->previous,
				     in->staging, plan->erts_dirname, &j->stats,
				     err)
			: relc_copy_erts(
			      plan, in->staging, &j->stats,
			      in->fingerprint ? plan->erts_fingerprint : NULL,
			      err);
	} else if (j->reuse) {
		relc_strbuf_addstr(&prefix, "lib");
		relc_path_append(&prefix, j->pa->dirname);
		r = reuse_tree(plan, in->prev_stamp, in->previous, in->staging,
			       prefix.buf, &j->stats, err);
	} else {
		relc_strbuf_addstr(&lib, in->staging);
		relc_path_append(&lib, "lib");
		r = relc_copy_app(
		    plan, j->pa, lib.buf, &j->stats,
		    in->fingerprint ? (char *)j->pa->fingerprint : NULL, err);
	}
	if (!r && j->pa && j->pa->how == RELC_PLAN_COPY) {
		relc_strbuf_reset(&prefix);
		relc_strbuf_addstr(&prefix, "lib");
		relc_path_append(&prefix, j->pa->dirname);
		r = write_app_files(plan, in->staging, prefix.buf, err);
	}
	/*
	 * An application's record, while its files are fresh in the caches
	 * (not ERTS's: erl is written into it later)
	 */
	if (!r && in->pieces && j->pa) {
		r = relc_stamp_record_piece(&in->pieces[i], in->staging,
					    prefix.buf, err);
	}
	relc_strbuf_release(&prefix);
	relc_strbuf_release(&lib);
	return r;
}

int
relc_copy_release(struct relc_copy_stats *stats, const struct relc_copy_in *in,
		  struct relc_error *err)
{
	struct relc_plan *plan = in->plan;
	struct relc_strbuf lib = RELC_STRBUF_INIT, prefix = RELC_STRBUF_INIT;
	struct jobs js;
	size_t i, n = 0;
	int r = -1;

	memset(stats, 0, sizeof(*stats));
	(void)current_umask();
	js.in = in;
	RELC_CALLOC_ARRAY(js.v, plan->napps + 1);
	if (plan->erts_src)
		js.v[n++].reuse =
		    reusable(in, plan->erts_dirname, plan->erts_dirname,
			     plan->erts_fingerprint);
	for (i = 0; i < plan->napps; i++) {
		const struct relc_plan_app *pa = &plan->apps[i];

		if (pa->how == RELC_PLAN_TARGET)
			continue;
		relc_strbuf_reset(&prefix);
		relc_strbuf_addf(&prefix, "lib/%s", pa->dirname);
		js.v[n].pa = pa;
		js.v[n++].reuse =
		    pa->how == RELC_PLAN_COPY &&
		    reusable(in, prefix.buf, pa->dirname, pa->fingerprint);
	}
	relc_strbuf_addstr(&lib, in->staging);
	relc_path_append(&lib, "lib");
	if (mkdir(lib.buf, 0755) < 0) {
		relc_error_errno(err, "cannot create '%s'", lib.buf);
		goto out;
	}
	r = relc_jobs_run(n + (in->also ? 1 : 0), run_job, &js, in->jobs, err);
	for (i = 0; i < n; i++) {
		stats->files += js.v[i].stats.files;
		stats->bytes += js.v[i].stats.bytes;
		stats->stripped += js.v[i].stats.stripped;
		stats->reused += js.v[i].stats.reused;
	}
out:
	free(js.v);
	relc_strbuf_release(&lib);
	relc_strbuf_release(&prefix);
	return r;
}

/* The file plan entry `f` copies, to `dst`. */
static int
copy_plan_file(const struct relc_plan_file *f, const char *dst,
	       struct relc_error *err)
{
	struct stat st;
	int in, out, r;

	in = relc_fs_open_regular(AT_FDCWD, f->src, f->src, &st, err);
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, f->mode);
	if (out < 0) {
		close(in);
		return relc_error_errno(err, "cannot create '%s'", dst);
	}
	r = copy_fd(in, out, st.st_size, f->src, dst, err);
	close(in);
	if (!r && (fchmod(out, f->mode) < 0 || close(out) < 0))
		return relc_error_errno(err, "cannot write '%s'", dst);
	if (r)
		close(out);
	return r;
}

/* Write the plan's entry `f` under root. */
static int
write_plan_file(const struct relc_plan_file *f, const char *root,
		struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT;
	int r;

	relc_strbuf_addstr(&path, root);
	relc_path_append(&path, f->path);
	relc_path_dirname(&dir, path.buf);
	r = relc_fs_mkdirs(dir.buf, 0755, err);
	if (!r) {
		switch (f->kind) {
		case RELC_PLAN_DATA:
			r = relc_fs_write_new(path.buf, f->data.buf,
					      f->data.len, f->mode, 0, err);
			break;
		case RELC_PLAN_FILE:
			r = copy_plan_file(f, path.buf, err);
			break;
		case RELC_PLAN_DIR:
			r = relc_fs_mkdirs(path.buf, f->mode, err);
			break;
		case RELC_PLAN_SYMLINK:
			if (symlink(f->src, path.buf) < 0)
				r = relc_error_errno(err, "cannot create '%s'",
						     path.buf);
			break;
		}
	}
	relc_strbuf_release(&path);
	relc_strbuf_release(&dir);
	return r ? -1 : 0;
}

/*
 * The plan's files inside lib/DIRNAME (a generated appup): written with
 * the application, so that its record in the stamp has them.
 */
static int
write_app_files(const struct relc_plan *plan, const char *root,
		const char *prefix, struct relc_error *err)
{
	size_t i, k = strlen(prefix);

	for (i = 0; i < plan->nfiles; i++) {
		const struct relc_plan_file *f = &plan->files[i];

		if (!strncmp(f->path, prefix, k) && f->path[k] == '/' &&
		    write_plan_file(f, root, err))
			return -1;
	}
	return 0;
}

int
relc_copy_files(const struct relc_plan *plan, const char *root,
		struct relc_error *err)
{
	size_t i;

	for (i = 0; i < plan->nfiles; i++) {
		const struct relc_plan_file *f = &plan->files[i];

		/* those in lib/ came with their application */
		if (strncmp(f->path, "lib/", 4) &&
		    write_plan_file(f, root, err))
			return -1;
	}
	return 0;
}
