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

#include "relc/carry.h"
#include "relc/error.h"
#include "relc/atomicfile.h"
#include "relc/fsutil.h"
#include "relc/jobs.h"
#include "relc/path.h"
#include "relc/strset.h"
#include "relc/walk.h"
#include "relc/xalloc.h"

/* ---- cleaning up after runs that died ------------------------------------ */

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
	struct relc_strbuf path = RELC_STRBUF_INIT, out = RELC_STRBUF_INIT,
			   release = RELC_STRBUF_INIT;
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
		relc_carry_recover(p->parent.buf, path.buf);
	}
	for (i = 0; i < n; i++) {
		long pid;

		if (!relc_place_leftover(names[i], &pid, &release) ||
		    relc_pid_alive(pid))
			continue;
		relc_strbuf_reset(&path);
		relc_strbuf_addstr(&path, p->parent.buf);
		relc_path_append(&path, names[i]);
		if (relc_strbuf_ends_with(&path, ".old")) {
			/* a swap without exchange, killed half way */
			relc_strbuf_reset(&out);
			relc_strbuf_addstr(&out, p->parent.buf);
			relc_path_append(&out, release.buf);
			if (!relc_fs_exists(out.buf) &&
			    rename(path.buf, out.buf) == 0)
				continue;
		}
		if (relc_walk_remove(path.buf, &err)) {
			struct relc_strbuf msg = RELC_STRBUF_INIT;

			relc_error_format(&msg, &err);
			relc_warnf(p->warn, p->warn_ctx,
				   "cannot remove what an earlier run left: %s",
				   msg.buf);
			relc_strbuf_release(&msg);
			relc_error_release(&err);
		}
	}
	relc_fs_free_names(names, n);
out:
	relc_error_release(&err);
	relc_strbuf_release(&path);
	relc_strbuf_release(&out);
	relc_strbuf_release(&release);
}

int
relc_place_leftover(const char *name, long *pid, struct relc_strbuf *release)
{
	const char *s = name + 6, *dot;
	char *end;

	if (strncmp(name, ".relc-", 6) || !relc_isdigit((unsigned char)*s))
		return 0;
	*pid = strtol(s, &end, 10);
	if (*end != '-' || *pid <= 0)
		return 0;
	s = end + 1;
	/* NAME.XXXXXX or NAME.XXXXXX.old: mkdtemp's six characters */
	dot = strrchr(s, '.');
	if (dot && !strcmp(dot, ".old")) {
		const char *d = dot;

		while (d > s && d[-1] != '.')
			d--;
		if (d == s)
			return 0;
		dot = d - 1;
	}
	if (!dot || dot == s)
		return 0;
	if (release) {
		relc_strbuf_reset(release);
		relc_strbuf_add(release, s, (size_t)(dot - s));
	}
	return 1;
}

int
relc_place_open(struct relc_place *p, const char *out_dir,
		void (*warn_fn)(void *ctx, const char *msg), void *warn_ctx,
		struct relc_error *err)
{
	struct relc_strbuf created = RELC_STRBUF_INIT;

	memset(p, 0, sizeof(*p));
	p->lock.fd = -1;
	p->warn = warn_fn;
	p->warn_ctx = warn_ctx;
	if (relc_fs_abspath_nofollow(&p->out, out_dir, err))
		return -1;
	if (!strcmp(p->out.buf, "/"))
		return relc_error_set(err, RELC_ECONFIG,
				      "the output directory cannot be '/'");
	if (!strncmp(relc_path_basename(p->out.buf), ".relc-", 6))
		return relc_error_set(err, RELC_ECONFIG,
				      "the output directory '%s' has a name "
				      "relc keeps for its own temporary "
				      "directories",
				      p->out.buf);
	relc_path_dirname(&p->parent, p->out.buf);
	/* the directories this run makes, to remove if it makes nothing */
	relc_strbuf_addstr(&created, p->parent.buf);
	while (created.len > 1 && !relc_fs_exists(created.buf)) {
		relc_strbuf_reset(&p->made_from);
		relc_strbuf_addstr(&p->made_from, created.buf);
		relc_path_pop(&created);
	}
	relc_strbuf_release(&created);
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
	struct relc_strbuf real = RELC_STRBUF_INIT, owner = RELC_STRBUF_INIT;
	size_t i;
	int r = 0;

	memset(&rs, 0, sizeof(rs));
	for (i = 0; i < ninputs && !r; i++) {
		if (resolve_input(&rs, &real, inputs[i].path))
			continue;
		if (inputs[i].owner &&
		    !resolve_input(&rs, &owner, inputs[i].owner) &&
		    relc_path_is_within(owner.buf, real.buf))
			continue;
		r = check_input(out, real.buf, &inputs[i], err);
	}
	relc_strbuf_release(&owner);
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

/* A directory fsync that failed after the swap: the swap stands. */
static void
fsync_parent(struct relc_place *p)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;

	if (relc_fs_fsync_dir(p->parent.buf, &err)) {
		relc_error_format(&msg, &err);
		relc_warnf(
		    p->warn, p->warn_ctx,
		    "the release is in place, but not yet safe on disk: %s",
		    msg.buf);
	}
	relc_error_release(&err);
	relc_strbuf_release(&msg);
}

/*
 * Swap the staging tree in; the staging path then holds the old tree
 * (nothing, for a first build).  Once the new tree is in place this
 * succeeds, whatever follows.
 */
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
		fsync_parent(p);
		return 0;
	}
	if (!exchange(p->staging.buf, p->out.buf)) {
		fsync_parent(p);
		return 0;
	}
	if (errno != ENOSYS && errno != EINVAL)
		return relc_error_errno(err, "cannot exchange '%s' and '%s'",
					p->staging.buf, p->out.buf);
	/*
	 * No atomic exchange on this file system: three renames, which end
	 * as the exchange does, with the old tree at the staging path.  A
	 * run killed between the first two leaves no release in place: the
	 * next run renames STAGING.old back (see sweep).
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
	if (rename(aside.buf, p->staging.buf) < 0) {
		/* the new release is in place; the old tree stays aside */
		relc_strbuf_reset(&p->staging);
		relc_strbuf_addstr(&p->staging, aside.buf);
	}
	fsync_parent(p);
	r = 0;
out:
	relc_strbuf_release(&aside);
	return r;
}

struct removal {
	const char *root;
	char **units;
};

static int
remove_unit(void *ctx, size_t i, struct relc_error *err)
{
	struct removal *rm = ctx;
	struct relc_strbuf path = RELC_STRBUF_INIT;
	int r;

	relc_strbuf_addstr(&path, rm->root);
	relc_path_append(&path, rm->units[i]);
	r = relc_walk_remove(path.buf, err);
	relc_strbuf_release(&path);
	return r;
}

/* rm -rf of the old tree, each application on a thread of its own. */
static int
remove_tree(const char *root, struct relc_error *err)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct removal rm = {root, NULL};
	size_t n = 0;

	/* what the pieces cannot remove, the whole walk below tries again */
	if (!relc_walk_split(&rm.units, &n, root, "lib", &ignored))
		(void)relc_jobs_run(n, remove_unit, &rm, 0, &ignored);
	relc_fs_free_names(rm.units, n);
	relc_error_release(&ignored);
	return relc_walk_remove(root, err);
}

int
relc_place_commit(struct relc_place *p, const struct relc_stamp *stamp,
		  struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT;
	struct relc_error cleanup = RELC_ERROR_INIT;
	struct relc_carry c;
	int r = -1;

	memset(&c, 0, sizeof(c));
	c.release = p->out.buf;
	c.staging = p->staging.buf;
	c.name = relc_path_basename(p->out.buf);
	c.prev = p->has_prev ? &p->prev : NULL;
	c.by_layout = p->marked;
	c.warn = p->warn;
	c.warn_ctx = p->warn_ctx;
	if (p->exists && relc_carry_over(&c, err))
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
	if (p->staging.len)
		relc_carry_finish(&c, p->staging.buf);
	if (p->staging.len && remove_tree(p->staging.buf, &cleanup)) {
		relc_strbuf_reset(&text);
		relc_error_format(&text, &cleanup);
		relc_warnf(
		    p->warn, p->warn_ctx,
		    "the release is built, but the previous one could not "
		    "be removed (the next build tries again): %s",
		    text.buf);
	}
	relc_strbuf_reset(&p->staging);
out:
	relc_carry_release(&c);
	relc_error_release(&cleanup);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
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
	relc_strbuf_release(&p->made_from);
}
