/*
 * atomicfile.c: single files written atomically (see atomicfile.h).
 */
#define _GNU_SOURCE 1 /* mkostemp: the temporary file is O_CLOEXEC at once */
#include "relc/compat.h"
#include "relc/atomicfile.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"

#define TMP_MARK ".relc-tmp-"

int
relc_pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

void
relc_atomicfile_sweep(const char *path)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf dir = RELC_STRBUF_INIT, victim = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;

	relc_path_dirname(&dir, path);
	if (relc_fs_list_dir(&names, &n, dir.buf, 1, &ignored))
		goto out;
	for (i = 0; i < n; i++) {
		const char *mark = strstr(names[i], TMP_MARK);
		char *end;
		long pid;

		if (!mark || mark == names[i] ||
		    !relc_isdigit((unsigned char)mark[strlen(TMP_MARK)]))
			continue;
		pid = strtol(mark + strlen(TMP_MARK), &end, 10);
		if (*end != '-' || pid <= 0 || relc_pid_alive(pid))
			continue;
		relc_strbuf_reset(&victim);
		relc_strbuf_addstr(&victim, dir.buf);
		relc_path_append(&victim, names[i]);
		(void)unlink(victim.buf);
	}
	relc_fs_free_names(names, n);
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&dir);
	relc_strbuf_release(&victim);
}

static void
release(struct relc_atomicfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	relc_strbuf_release(&f->path);
	relc_strbuf_release(&f->tmp);
}

int
relc_atomicfile_open(struct relc_atomicfile *f, const char *path, mode_t mode,
		     struct relc_error *err)
{
	f->fd = -1;
	relc_strbuf_init(&f->path, 0);
	relc_strbuf_init(&f->tmp, 0);
	f->mode = mode;
	relc_atomicfile_sweep(path);
	relc_strbuf_addstr(&f->path, path);
	relc_strbuf_addf(&f->tmp, "%s" TMP_MARK "%ld-XXXXXX", path,
			 (long)getpid());
	f->fd = mkostemp(f->tmp.buf, O_CLOEXEC);
	if (f->fd < 0) {
		relc_error_errno(err, "cannot create a file next to '%s'",
				 path);
		release(f);
		return -1;
	}
	return 0;
}

int
relc_atomicfile_write(struct relc_atomicfile *f, const void *buf, size_t len,
		      struct relc_error *err)
{
	if (relc_fs_write_all(f->fd, buf, len) < 0)
		return relc_error_errno(err, "cannot write '%s'", f->tmp.buf);
	return 0;
}

/*
 * Put the temporary file at f->path: renamed over what is there, or, with
 * `keep`, linked there so that an existing file is never replaced (EEXIST),
 * then the temporary name removed.
 */
static int
put_in_place(struct relc_atomicfile *f, int keep, struct relc_error *err)
{
	if (!keep) {
		if (rename(f->tmp.buf, f->path.buf) == 0)
			return 0;
		return relc_error_errno(err, "cannot rename '%s' to '%s'",
					f->tmp.buf, f->path.buf);
	}
	if (link(f->tmp.buf, f->path.buf) == 0) {
		(void)unlink(f->tmp.buf);
		return 0;
	}
	if (errno == EEXIST)
		return relc_error_set(err, RELC_EIO,
				      "%s exists (use --force to overwrite)",
				      f->path.buf);
	return relc_error_errno(err, "cannot create '%s'", f->path.buf);
}

static int
commit(struct relc_atomicfile *f, int keep, struct relc_error *err)
{
	int fd = f->fd, r = -1;

	f->fd = -1;
	if (fchmod(fd, f->mode) < 0) {
		relc_error_errno(err, "cannot chmod '%s'", f->tmp.buf);
		close(fd);
		goto out;
	}
	if (fsync(fd) < 0) {
		relc_error_errno(err, "cannot fsync '%s'", f->tmp.buf);
		close(fd);
		goto out;
	}
	if (close(fd) < 0) {
		relc_error_errno(err, "cannot close '%s'", f->tmp.buf);
		goto out;
	}
	if (put_in_place(f, keep, err))
		goto out;
	relc_strbuf_reset(&f->tmp);
	relc_path_dirname(&f->tmp, f->path.buf);
	r = relc_fs_fsync_dir(f->tmp.buf, err);
	relc_strbuf_reset(&f->tmp);
out:
	if (f->tmp.len)
		(void)unlink(f->tmp.buf);
	release(f);
	return r;
}

int
relc_atomicfile_commit(struct relc_atomicfile *f, struct relc_error *err)
{
	return commit(f, 0, err);
}

int
relc_atomicfile_commit_new(struct relc_atomicfile *f, struct relc_error *err)
{
	return commit(f, 1, err);
}

void
relc_atomicfile_abort(struct relc_atomicfile *f)
{
	if (f->tmp.len)
		(void)unlink(f->tmp.buf);
	release(f);
}

static int
write_whole(const char *path, const void *buf, size_t len, mode_t mode,
	    int keep, struct relc_error *err)
{
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;

	if (relc_atomicfile_open(&f, path, mode, err))
		return -1;
	if (relc_atomicfile_write(&f, buf, len, err)) {
		relc_atomicfile_abort(&f);
		return -1;
	}
	return commit(&f, keep, err);
}

int
relc_atomicfile_write_whole(const char *path, const void *buf, size_t len,
			    mode_t mode, struct relc_error *err)
{
	return write_whole(path, buf, len, mode, 0, err);
}

int
relc_atomicfile_write_new(const char *path, const void *buf, size_t len,
			  mode_t mode, struct relc_error *err)
{
	return write_whole(path, buf, len, mode, 1, err);
}
