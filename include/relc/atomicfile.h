/*
 * atomicfile.h: every single-file output of relc (an archive, a replaced
 * file) is written through one of these: a temporary file next to the
 * destination, then fsync, rename over the destination, fsync of the
 * directory (libgit2's filebuf, git's lockfile).  Until commit, the
 * destination is untouched; abort (or a failed commit) removes the
 * temporary file.
 *
 * Temporary files are named "BASENAME.relc-tmp-PID-XXXXXX".  A run that
 * was killed cannot remove its own, so opening sweeps away those in the
 * destination's directory (of any destination) whose process is gone.
 */
#ifndef RELC_ATOMICFILE_H
#define RELC_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "relc/strbuf.h"

struct relc_error;

struct relc_atomicfile {
	int fd;			 /* the temporary file; -1 when closed */
	struct relc_strbuf path; /* the destination */
	struct relc_strbuf tmp;	 /* the temporary file */
	mode_t mode;
};

#define RELC_ATOMICFILE_INIT                                                   \
	{                                                                      \
		-1, RELC_STRBUF_INIT, RELC_STRBUF_INIT, 0                      \
	}

/* Start writing `path`, which will get `mode`. */
int relc_atomicfile_open(struct relc_atomicfile *f, const char *path,
			 mode_t mode, struct relc_error *err);
int relc_atomicfile_write(struct relc_atomicfile *f, const void *buf,
			  size_t len, struct relc_error *err);
/*
 * Put the file in place (fsynced, then renamed, then the directory
 * fsynced).  On failure the temporary file is removed.  Either way f is
 * released.
 */
int relc_atomicfile_commit(struct relc_atomicfile *f, struct relc_error *err);
/*
 * The same, but never over an existing `path` (linked, not renamed): the
 * error "PATH exists (use --force to overwrite)" then, and nothing
 * replaced.
 */
int relc_atomicfile_commit_new(struct relc_atomicfile *f,
			       struct relc_error *err);
/* Remove the temporary file and release f.  Safe on a released f. */
void relc_atomicfile_abort(struct relc_atomicfile *f);

/* Replace `path` with buf (open, write, commit). */
int relc_atomicfile_write_whole(const char *path, const void *buf, size_t len,
				mode_t mode, struct relc_error *err);
/* Create `path` with buf, never over an existing file (commit_new). */
int relc_atomicfile_write_new(const char *path, const void *buf, size_t len,
			      mode_t mode, struct relc_error *err);

/*
 * Remove the temporary files in path's directory left by runs that are
 * gone.  Errors are ignored: this is tidying, not work.
 */
void relc_atomicfile_sweep(const char *path);

/* Is process `pid` still there (or of another user)? */
int relc_pid_alive(long pid);

#endif
