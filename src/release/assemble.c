/*
 * assemble.c: copying applications and ERTS into the staging tree.
 *
 * Sources are walked with directory descriptors (openat, fstatat), and
 * each source file is opened before it is checked, so what is copied is
 * what was checked.  Regular files are copied with copy_file_range when
 * the kernel can, read and write otherwise.
 */
#include "relc/compat.h"
#include "relc/assemble.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "relc/appfile.h"
#include "relc/beam.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/interrupt.h"
#include "relc/path.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

#define MAX_BEAM_FILE ((size_t)256 << 20)
#define MAX_DEPTH 64

static mode_t
file_mode(const struct stat *st)
{
	return st->st_mode & 0777 & ~(mode_t)(S_ISUID | S_ISGID);
}

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

/*
 * Copy SRC_DIRFD/name to DST_DIRFD/name.  `in` is the source, already
 * open; `src` and `dst` name the two for messages.  BEAM files are
 * stripped when asked to.
 */
static int
copy_open_file(int in, const struct stat *st, int dst_dirfd, const char *name,
	       const char *src, const char *dst, int strip,
	       struct relc_assemble_stats *stats, struct relc_error *err)
{
	int out, r = 0;
	size_t len = strlen(name);

	out = openat(dst_dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		     0600);
	if (out < 0)
		return relc_error_errno(err, "cannot create '%s'", dst);
	if (strip && len > 5 && !strcmp(name + len - 5, ".beam")) {
		struct relc_strbuf data = RELC_STRBUF_INIT,
				   stripped = RELC_STRBUF_INIT;

		if ((size_t)st->st_size > MAX_BEAM_FILE) {
			r = relc_error_set(err, RELC_EAPP,
					   "'%s' is too large for a BEAM file",
					   src);
		} else {
			relc_strbuf_grow(&data, (size_t)st->st_size);
			for (;;) {
				ssize_t n;

				relc_strbuf_grow(&data, 4096);
				n = read(in, data.buf + data.len,
					 data.alloc - data.len - 1);
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0) {
					r = relc_error_errno(
					    err, "cannot read '%s'", src);
					break;
				}
				if (!n)
					break;
				data.len += (size_t)n;
			}
		}
		if (!r)
			r = relc_beam_strip(&stripped, data.buf, data.len, src,
					    err);
		if (!r &&
		    relc_fs_write_all(out, stripped.buf, stripped.len) < 0)
			r = relc_error_errno(err, "cannot write '%s'", dst);
		if (!r) {
			stats->stripped++;
			stats->bytes += stripped.len;
		}
		relc_strbuf_release(&data);
		relc_strbuf_release(&stripped);
	} else {
		r = copy_fd(in, out, st->st_size, src, dst, err);
		if (!r)
			stats->bytes += (size_t)st->st_size;
	}
	if (!r && fchmod(out, file_mode(st)) < 0)
		r = relc_error_errno(err, "cannot chmod '%s'", dst);
	if (close(out) < 0 && !r)
		r = relc_error_errno(err, "cannot close '%s'", dst);
	if (!r)
		stats->files++;
	return r;
}

/* Why following `name` in dirfd failed: dangling link, loop, or else. */
static int
link_error(int dirfd, const char *name, const char *path,
	   struct relc_error *err)
{
	char target[4096];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	int saved = errno;

	if (n < 0) {
		errno = saved;
		return relc_error_errno(err, "cannot stat '%s'", path);
	}
	target[n] = '\0';
	if (saved == ELOOP)
		return relc_error_set(err, RELC_EAPP,
				      "'%s' is a symbolic link loop (-> %s)",
				      path, target);
	return relc_error_set(err, RELC_EAPP,
			      "'%s' is a dangling symbolic link (-> %s)", path,
			      target);
}

/*
 * Open SFD/name (following symbolic links, without blocking on a FIFO) and
 * fstat it.  Returns the descriptor, or -1 with the error set: a dangling
 * link and a loop say so.
 */
static int
open_source(int sfd, const char *name, const char *path, struct stat *st,
	    struct relc_error *err)
{
	int in = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (in < 0) {
		if (errno == ENOENT || errno == ELOOP)
			return link_error(sfd, name, path, err);
		return relc_error_errno(err, "cannot open '%s'", path);
	}
	if (fstat(in, st) < 0) {
		relc_error_errno(err, "cannot stat '%s'", path);
		close(in);
		return -1;
	}
	if (S_ISREG(st->st_mode) && fcntl(in, F_SETFL, 0) < 0) {
		relc_error_errno(err, "cannot use '%s'", path);
		close(in);
		return -1;
	}
	return in;
}

/*
 * Copy the regular files among `names` from SFD (path src) to DFD (path
 * dst), skipping those `skip` names and whatever is not a regular file.
 */
static int
copy_files(int sfd, const char *src, int dfd, const char *dst, char **names,
	   size_t n, int (*skip)(const char *), int strip,
	   struct relc_assemble_stats *stats, struct relc_error *err)
{
	struct relc_strbuf s = RELC_STRBUF_INIT, d = RELC_STRBUF_INIT;
	size_t i;
	int r = 0;

	for (i = 0; i < n && !r; i++) {
		struct stat st;
		int in;

		if (skip && skip(names[i]))
			continue;
		if ((r = relc_interrupt_check(err)))
			break;
		relc_strbuf_reset(&s);
		relc_strbuf_addf(&s, "%s/%s", src, names[i]);
		relc_strbuf_reset(&d);
		relc_strbuf_addf(&d, "%s/%s", dst, names[i]);
		in = open_source(sfd, names[i], s.buf, &st, err);
		if (in < 0) {
			r = -1;
			break;
		}
		if (S_ISREG(st.st_mode))
			r = copy_open_file(in, &st, dfd, names[i], s.buf, d.buf,
					   strip, stats, err);
		close(in);
	}
	relc_strbuf_release(&s);
	relc_strbuf_release(&d);
	return r;
}

struct walk {
	const struct relc_assemble_opts *opts;
	struct relc_assemble_stats *stats;
	struct relc_error *err;
	dev_t devs[MAX_DEPTH];
	ino_t inos[MAX_DEPTH];
	size_t depth;
};

/*
 * Copy the contents of the open source directory `sfd` (path `src`) into
 * the open, empty directory `dfd` (path `dst`), following symbolic links.
 */
static int
copy_tree(struct walk *w, int sfd, const char *src, int dfd, const char *dst)
{
	struct relc_strbuf s = RELC_STRBUF_INIT, d = RELC_STRBUF_INIT;
	char **names;
	size_t n, i, k;
	int r;

	if (relc_fs_list_dirfd(&names, &n, sfd, src, w->err))
		return -1;
	for (i = 0, r = 0; i < n && !r; i++) {
		struct stat st;
		int in;

		if ((r = relc_interrupt_check(w->err)))
			break;
		relc_strbuf_reset(&s);
		relc_strbuf_addf(&s, "%s/%s", src, names[i]);
		relc_strbuf_reset(&d);
		relc_strbuf_addf(&d, "%s/%s", dst, names[i]);
		in = open_source(sfd, names[i], s.buf, &st, w->err);
		if (in < 0) {
			r = -1;
			break;
		}
		if (S_ISREG(st.st_mode)) {
			r = copy_open_file(in, &st, dfd, names[i], s.buf, d.buf,
					   0, w->stats, w->err);
		} else if (S_ISDIR(st.st_mode)) {
			int sub;

			for (k = 0; k < w->depth; k++)
				if (w->devs[k] == st.st_dev &&
				    w->inos[k] == st.st_ino)
					break;
			if (k < w->depth) {
				r = relc_error_set(w->err, RELC_EAPP,
						   "'%s' leads back to a "
						   "directory it is in (a "
						   "symbolic link loop)",
						   s.buf);
			} else if (w->depth >= MAX_DEPTH) {
				r = relc_error_set(w->err, RELC_EAPP,
						   "'%s' is nested more than "
						   "%d directories deep",
						   s.buf, MAX_DEPTH);
			} else if (mkdirat(dfd, names[i], 0700) < 0) {
				r = relc_error_errno(
				    w->err, "cannot create '%s'", d.buf);
			} else if ((sub = openat(dfd, names[i],
						 O_RDONLY | O_DIRECTORY |
						     O_NOFOLLOW | O_CLOEXEC)) <
				   0) {
				r = relc_error_errno(w->err, "cannot open '%s'",
						     d.buf);
			} else {
				w->devs[w->depth] = st.st_dev;
				w->inos[w->depth] = st.st_ino;
				w->depth++;
				r = copy_tree(w, in, s.buf, sub, d.buf);
				w->depth--;
				if (!r &&
				    fchmod(sub, file_mode(&st) | 0700) < 0)
					r = relc_error_errno(
					    w->err, "cannot chmod '%s'", d.buf);
				close(sub);
			}
		} else {
			r = relc_error_set(w->err, RELC_EAPP,
					   "'%s' is not a regular file or a "
					   "directory",
					   s.buf);
		}
		close(in);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&s);
	relc_strbuf_release(&d);
	return r;
}

/*
 * Copy SRC_ROOT/sub to DST_ROOT/sub when it is there.  A top-level entry
 * that is a dangling link counts as absent (rebar3 links priv/ and
 * include/ to directories that may not exist).
 */
static int
copy_subdir(struct walk *w, const char *src_root, const char *dst_root,
	    const char *sub)
{
	struct relc_strbuf s = RELC_STRBUF_INIT, d = RELC_STRBUF_INIT;
	struct stat st;
	int sfd = -1, dfd = -1, r = 0;

	relc_strbuf_addf(&s, "%s/%s", src_root, sub);
	relc_strbuf_addf(&d, "%s/%s", dst_root, sub);
	sfd = open(s.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			r = relc_error_errno(w->err, "cannot open '%s'", s.buf);
		goto out;
	}
	if (fstat(sfd, &st) < 0) {
		r = relc_error_errno(w->err, "cannot stat '%s'", s.buf);
		goto out;
	}
	if (mkdir(d.buf, 0700) < 0 ||
	    (dfd = open(d.buf,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		r = relc_error_errno(w->err, "cannot create '%s'", d.buf);
		goto out;
	}
	w->devs[0] = st.st_dev;
	w->inos[0] = st.st_ino;
	w->depth = 1;
	r = copy_tree(w, sfd, s.buf, dfd, d.buf);
	if (!r && fchmod(dfd, file_mode(&st) | 0700) < 0)
		r = relc_error_errno(w->err, "cannot chmod '%s'", d.buf);
out:
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	relc_strbuf_release(&s);
	relc_strbuf_release(&d);
	return r;
}

static int
has_name(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

/* ebin/: the regular files only (following links), modules checked. */
static int
copy_ebin(struct walk *w, const struct relc_app *app, const char *dst)
{
	struct relc_strbuf d = RELC_STRBUF_INIT, beam = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	int sfd, dfd = -1, r = -1;

	sfd = open(app->ebin, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return relc_error_errno(w->err, "cannot open '%s'", app->ebin);
	if (relc_fs_list_dirfd(&names, &n, sfd, app->ebin, w->err))
		goto out;
	for (i = 0; i < app->mods.n; i++) {
		relc_strbuf_reset(&beam);
		relc_strbuf_addf(&beam, "%s.beam", app->mods.v[i]);
		if (!has_name(names, n, beam.buf)) {
			relc_error_set(w->err, RELC_EAPP,
				       "%s lists module '%s', but %s/%s is "
				       "missing",
				       app->path, app->mods.v[i], app->ebin,
				       beam.buf);
			goto out;
		}
	}
	relc_strbuf_addf(&d, "%s/ebin", dst);
	if (mkdir(d.buf, 0755) < 0 ||
	    (dfd = open(d.buf,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		relc_error_errno(w->err, "cannot create '%s'", d.buf);
		goto out;
	}
	if (copy_files(sfd, app->ebin, dfd, d.buf, names, n, NULL,
		       w->opts->strip_beams, w->stats, w->err))
		goto out;
	r = 0;
out:
	close(sfd);
	if (dfd >= 0)
		close(dfd);
	relc_fs_free_names(names, n);
	relc_strbuf_release(&d);
	relc_strbuf_release(&beam);
	return r;
}

int
relc_assemble_app(const struct relc_app *app, const char *lib_dir,
		  const struct relc_assemble_opts *opts,
		  struct relc_assemble_stats *stats, struct relc_error *err)
{
	struct relc_strbuf dst = RELC_STRBUF_INIT, dirname = RELC_STRBUF_INIT;
	struct walk w;
	int r = -1;

	memset(&w, 0, sizeof(w));
	w.opts = opts;
	w.stats = stats;
	w.err = err;
	relc_strbuf_addf(&dirname, "%s-%s", app->name, app->vsn);
	relc_strbuf_addstr(&dst, lib_dir);
	if (relc_path_push(&dst, dirname.buf, "application directory", err))
		goto out;
	if (mkdir(dst.buf, 0755) < 0) {
		relc_error_errno(err, "cannot create '%s'", dst.buf);
		goto out;
	}
	if (copy_ebin(&w, app, dst.buf) ||
	    copy_subdir(&w, app->dir, dst.buf, "priv"))
		goto out;
	if (opts->include_src &&
	    (copy_subdir(&w, app->dir, dst.buf, "src") ||
	     copy_subdir(&w, app->dir, dst.buf, "include")))
		goto out;
	r = 0;
out:
	relc_strbuf_release(&dst);
	relc_strbuf_release(&dirname);
	return r;
}

static int
erts_excluded(const char *name)
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

int
relc_assemble_erts(const char *otp_root, const char *erts_vsn, const char *dest,
		   struct relc_assemble_stats *stats, struct relc_error *err)
{
	struct relc_strbuf s = RELC_STRBUF_INIT, d = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0;
	int sfd = -1, dfd = -1, r = -1;

	relc_strbuf_addf(&s, "%s/erts-%s/bin", otp_root, erts_vsn);
	relc_strbuf_addf(&d, "%s/erts-%s", dest, erts_vsn);
	sfd = open(s.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0) {
		relc_error_errno(err,
				 "cannot open the ERTS of the target OTP "
				 "'%s'",
				 s.buf);
		goto out;
	}
	if (mkdir(d.buf, 0755) < 0) {
		relc_error_errno(err, "cannot create '%s'", d.buf);
		goto out;
	}
	relc_strbuf_addstr(&d, "/bin");
	if (mkdir(d.buf, 0755) < 0 ||
	    (dfd = open(d.buf,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		relc_error_errno(err, "cannot create '%s'", d.buf);
		goto out;
	}
	if (relc_fs_list_dirfd(&names, &n, sfd, s.buf, err) ||
	    copy_files(sfd, s.buf, dfd, d.buf, names, n, erts_excluded, 0,
		       stats, err))
		goto out;
	r = 0;
out:
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	relc_fs_free_names(names, n);
	relc_strbuf_release(&s);
	relc_strbuf_release(&d);
	return r;
}
