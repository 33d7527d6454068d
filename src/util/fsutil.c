/*
 * fsutil.c: careful file-system primitives.
 */
#include "relc/compat.h"
#include "relc/fsutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "relc/error.h"
#include "relc/path.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

const char *
relc_fs_type_name(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a file";
}

int
relc_fs_open_regular(int dirfd, const char *name, const char *path,
		     struct stat *st, struct relc_error *err)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd =
	    openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return relc_error_errno(err, "cannot open '%s'", path);
	if (fstat(fd, st) < 0) {
		relc_error_errno(err, "cannot stat '%s'", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		relc_error_set(err, RELC_EIO, "'%s' is %s, not a regular file",
			       path, relc_fs_type_name(st->st_mode));
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		relc_error_errno(err, "cannot use '%s'", path);
		close(fd);
		return -1;
	}
	return fd;
}

int
relc_fs_read_file(struct relc_strbuf *sb, const char *path, size_t max,
		  int missing_ok, struct relc_error *err)
{
	struct stat st;
	int fd, r = -1;

	relc_strbuf_reset(sb);
	if (missing_ok && access(path, F_OK) < 0 && errno == ENOENT)
		return 1;
	fd = relc_fs_open_regular(AT_FDCWD, path, path, &st, err);
	if (fd < 0)
		return -1;
	if ((uintmax_t)st.st_size > max) {
		relc_error_set(err, RELC_EIO,
			       "'%s' is too large (%jd bytes, at most %zu)",
			       path, (intmax_t)st.st_size, max);
		goto out;
	}
	if (relc_strbuf_read_fd(sb, fd, (size_t)st.st_size, max) < 0) {
		if (errno == EFBIG)
			relc_error_set(err, RELC_EIO,
				       "'%s' is too large (at most %zu bytes)",
				       path, max);
		else
			relc_error_errno(err, "cannot read '%s'", path);
		goto out;
	}
	r = 0;
out:
	close(fd);
	return r;
}

int
relc_fs_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
relc_fs_writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n > 1024 ? 1024 : n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* skip what was written, resume in the middle of a piece */
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static int
write_fd(int fd, const char *path, const void *buf, size_t len, mode_t mode,
	 int durable, struct relc_error *err)
{
	if (relc_fs_write_all(fd, buf, len) < 0) {
		relc_error_errno(err, "cannot write '%s'", path);
		close(fd);
		return -1;
	}
	if (fchmod(fd, mode) < 0) {
		relc_error_errno(err, "cannot chmod '%s'", path);
		close(fd);
		return -1;
	}
	if (durable && fsync(fd) < 0) {
		relc_error_errno(err, "cannot fsync '%s'", path);
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return relc_error_errno(err, "cannot close '%s'", path);
	return 0;
}

int
relc_fs_write_new(const char *path, const void *buf, size_t len, mode_t mode,
		  int durable, struct relc_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return relc_error_errno(err, "cannot create '%s'", path);
	return write_fd(fd, path, buf, len, mode, durable, err);
}

int
relc_fs_fsync_dir(const char *dir, struct relc_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return relc_error_errno(err, "cannot open '%s'", dir);
	if (fsync(fd) < 0 && errno != EINVAL) {
		relc_error_errno(err, "cannot fsync '%s'", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
relc_fs_mkdirs(const char *path, mode_t mode, struct relc_error *err)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i, len = strlen(path);
	int r = 0;

	for (i = 1; i <= len && !r; i++) {
		if (i < len && path[i] != '/')
			continue;
		relc_strbuf_reset(&sb);
		relc_strbuf_add(&sb, path, i);
		if (mkdir(sb.buf, mode) < 0) {
			if (errno != EEXIST)
				r = relc_error_errno(
				    err, "cannot create directory '%s'",
				    sb.buf);
			else if (!relc_fs_is_dir(sb.buf))
				r = relc_error_set(
				    err, RELC_EIO,
				    "'%s' exists and is not a directory",
				    sb.buf);
		}
	}
	relc_strbuf_release(&sb);
	return r;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the names in d (consumed), sorted, without "." and "..". */
static int
list_dirp(char ***names, size_t *n, DIR *d, const char *path,
	  struct relc_error *err)
{
	struct dirent *de;
	char **v = NULL;
	size_t nr = 0, alloc = 0;

	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		RELC_ALLOC_GROW(v, nr + 1, alloc);
		v[nr++] = relc_xstrdup(de->d_name);
		errno = 0;
	}
	if (errno) {
		relc_error_errno(err, "cannot read directory '%s'", path);
		closedir(d);
		relc_fs_free_names(v, nr);
		return -1;
	}
	closedir(d);
	if (nr)
		qsort(v, nr, sizeof(*v), cmp_names);
	*names = v;
	*n = nr;
	return 0;
}

int
relc_fs_list_dir(char ***names, size_t *n, const char *path, int missing_ok,
		 struct relc_error *err)
{
	DIR *d = opendir(path);

	*names = NULL;
	*n = 0;
	if (!d) {
		if ((errno == ENOENT || errno == ENOTDIR) && missing_ok)
			return 1;
		return relc_error_errno(err, "cannot open directory '%s'",
					path);
	}
	return list_dirp(names, n, d, path, err);
}

int
relc_fs_list_dirfd(char ***names, size_t *n, int dirfd, const char *path,
		   struct relc_error *err)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	*names = NULL;
	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return relc_error_errno(err, "cannot read directory '%s'",
					path);
	}
	rewinddir(d);
	return list_dirp(names, n, d, path, err);
}

void
relc_fs_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
relc_fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
relc_fs_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
relc_fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int
relc_fs_realpath(struct relc_strbuf *sb, const char *path,
		 struct relc_error *err)
{
	char *p = realpath(path, NULL);

	if (!p)
		return relc_error_errno(err, "cannot resolve '%s'", path);
	relc_strbuf_reset(sb);
	relc_strbuf_addstr(sb, p);
	free(p);
	return 0;
}

int
relc_fs_abspath(struct relc_strbuf *sb, const char *path,
		struct relc_error *err)
{
	struct relc_strbuf head = RELC_STRBUF_INIT, tail = RELC_STRBUF_INIT;
	const char *p;
	int r = -1;

	relc_strbuf_addstr(&head, path);
	/* The longest prefix that exists, resolved; the rest, lexically. */
	for (;;) {
		struct relc_strbuf t = RELC_STRBUF_INIT;
		char *real;

		if (!head.len) {
			real = getcwd(NULL, 0);
			if (!real) {
				relc_error_errno(err, "cannot get the current "
						      "directory");
				goto out;
			}
		} else {
			real = realpath(head.buf, NULL);
		}
		if (real) {
			relc_strbuf_reset(sb);
			relc_strbuf_addstr(sb, real);
			free(real);
			break;
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			relc_error_errno(err, "cannot resolve '%s'", head.buf);
			goto out;
		}
		relc_strbuf_addstr(&t, relc_path_basename(head.buf));
		if (tail.len)
			relc_path_append(&t, tail.buf);
		relc_strbuf_release(&tail);
		tail = t;
		relc_path_pop(&head);
	}
	for (p = tail.buf; *p;) {
		const char *c = p;
		size_t len;

		while (*c == '/')
			c++;
		for (len = 0; c[len] && c[len] != '/'; len++)
			;
		p = c + len;
		if (!len || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			relc_path_pop(sb);
			continue;
		}
		if (sb->len > 1 || sb->buf[0] != '/')
			relc_strbuf_addch(sb, '/');
		relc_strbuf_add(sb, c, len);
	}
	r = 0;
out:
	relc_strbuf_release(&head);
	relc_strbuf_release(&tail);
	return r;
}

int
relc_fs_abspath_nofollow(struct relc_strbuf *sb, const char *path,
			 struct relc_error *err)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT;
	const char *base = relc_path_basename(path);
	int r;

	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return relc_fs_abspath(sb, path, err);
	relc_path_dirname(&dir, path);
	r = relc_fs_abspath(sb, dir.buf, err);
	if (!r)
		relc_path_append(sb, base);
	relc_strbuf_release(&dir);
	return r;
}

int
relc_fs_mkdtemp(struct relc_strbuf *sb, const char *dir, const char *prefix,
		struct relc_error *err)
{
	relc_strbuf_reset(sb);
	relc_strbuf_addstr(sb, dir);
	relc_path_append(sb, prefix);
	relc_strbuf_addstr(sb, "XXXXXX");
	if (!mkdtemp(sb->buf))
		return relc_error_errno(
		    err, "cannot create a directory in '%s'", dir);
	if (chmod(sb->buf, 0755) < 0)
		return relc_error_errno(err, "cannot chmod '%s'", sb->buf);
	return 0;
}
