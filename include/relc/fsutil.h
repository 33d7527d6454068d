/*
 * fsutil.h: the file-system primitives the rest of relc uses.  Every
 * function reports failures through struct relc_error with the path and
 * strerror, and every descriptor it opens is O_CLOEXEC.
 */
#ifndef RELC_FSUTIL_H
#define RELC_FSUTIL_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct relc_error;
struct relc_strbuf;

/*
 * Read a whole regular file into sb (replacing its contents).  Files larger
 * than `max` bytes, and anything that is not a regular file (a FIFO or a
 * device is refused, never waited on), are errors.  Returns 1 (error untouched)
 * when the file does not exist and `missing_ok` is set.
 */
int relc_fs_read_file(struct relc_strbuf *sb, const char *path, size_t max,
		      int missing_ok, struct relc_error *err);

/*
 * Open DIRFD/name (path: its name in messages; following symbolic links)
 * for reading, and make sure it is a regular file: a FIFO, a device or a
 * directory is refused without blocking.  Returns the descriptor (st
 * filled in), or -1 with the error set.
 */
int relc_fs_open_regular(int dirfd, const char *name, const char *path,
			 struct stat *st, struct relc_error *err);

/* "a regular file", "a FIFO", "a directory", ... for messages. */
const char *relc_fs_type_name(mode_t mode);

struct iovec;
/*
 * Write all the pieces to fd (iov is changed as they go), retrying short
 * writes and EINTR.  Returns 0, or -1 with errno.
 */
int relc_fs_writev_all(int fd, struct iovec *iov, int n);

/* Write all of buf to fd, retrying short writes and EINTR. */
int relc_fs_write_all(int fd, const void *buf, size_t len);

/*
 * Create `path` (which must not exist) with `mode` and the given contents;
 * the file is fsynced only when `durable` is set.
 */
int relc_fs_write_new(const char *path, const void *buf, size_t len,
		      mode_t mode, int durable, struct relc_error *err);

/* mkdir -p, with `mode` for the directories it creates. */
int relc_fs_mkdirs(const char *path, mode_t mode, struct relc_error *err);

/*
 * The names in a directory, without "." and "..", sorted bytewise.  The
 * caller frees the array and the names with relc_fs_free_names().  Returns 1
 * with an empty list when the directory does not exist and missing_ok.
 */
int relc_fs_list_dir(char ***names, size_t *n, const char *path, int missing_ok,
		     struct relc_error *err);
void relc_fs_free_names(char **names, size_t n);
/* The same for an open directory (the descriptor stays open). */
int relc_fs_list_dirfd(char ***names, size_t *n, int dirfd, const char *path,
		       struct relc_error *err);

int relc_fs_is_dir(const char *path);
int relc_fs_is_file(const char *path);
int relc_fs_exists(const char *path);

/* realpath(3) into sb. */
int relc_fs_realpath(struct relc_strbuf *sb, const char *path,
		     struct relc_error *err);

/*
 * The absolute, normalized form of path, which need not exist: the part
 * that exists is resolved (symbolic links followed), the rest is taken
 * as written ("." dropped, ".." removing the component before it).
 */
int relc_fs_abspath(struct relc_strbuf *sb, const char *path,
		    struct relc_error *err);

/* The same, but a symbolic link that path itself names is not followed. */
int relc_fs_abspath_nofollow(struct relc_strbuf *sb, const char *path,
			     struct relc_error *err);

/*
 * Create a fresh directory named "<dir>/<prefix>XXXXXX" (mode 0755) and put
 * its name in sb.
 */
int relc_fs_mkdtemp(struct relc_strbuf *sb, const char *dir, const char *prefix,
		    struct relc_error *err);

/* fsync a directory (so that a rename in it is durable). */
int relc_fs_fsync_dir(const char *dir, struct relc_error *err);

#endif
