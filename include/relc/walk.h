/*
 * walk.h: relc's one tree walk.
 *
 * Copying applications, listing a release for its archive, fingerprinting
 * the inputs, carrying an operator's files over and removing trees all
 * walk directories the same way: by descriptor (openat, fstatat), in
 * bytewise name order, with symbolic links either reported as links or
 * followed, as the caller asks.
 *
 * When links are followed, a directory met again below itself is a loop
 * and an error, and so is a dangling link; a link that leads out of
 * `inside` is an error unless the caller allows it.  Limits on the
 * number of entries and bytes keep a link to "/" from walking the world.
 */
#ifndef RELC_WALK_H
#define RELC_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct relc_error;

/* How deep a walk goes: a directory deeper than this is an error. */
#define RELC_WALK_MAX_DEPTH 64

enum relc_walk_flags {
	RELC_WALK_FOLLOW = 1 << 0,	/* follow symbolic links */
	RELC_WALK_OPEN_FILES = 1 << 1,	/* open regular files: e->fd */
	RELC_WALK_POST = 1 << 2,	/* call back after a directory too */
	RELC_WALK_MISSING_OK = 1 << 3,	/* a missing root (or one that is a
					   dangling link): return 1 */
	RELC_WALK_WRITABLE = 1 << 4,	/* make directories u+w (removal) */
	RELC_WALK_UNSTOPPABLE = 1 << 5, /* ignore interrupts (cleaning up) */
	RELC_WALK_FLAT = 1 << 6,	/* the root's entries but its
					   subdirectories */
	RELC_WALK_NO_STAT = 1 << 7	/* the callback needs only the
					   kind: e->st may be NULL, links
					   have no target (removal) */
};

enum relc_walk_kind {
	RELC_WALK_DIR,	    /* before its contents; e->fd is the directory */
	RELC_WALK_DIR_POST, /* after them (with RELC_WALK_POST) */
	RELC_WALK_FILE,	    /* a regular file */
	RELC_WALK_LINK,	    /* a symbolic link, not followed */
	RELC_WALK_OTHER	    /* a FIFO, a socket or a device */
};

struct relc_walk_entry {
	enum relc_walk_kind kind;
	int dirfd;	  /* the directory holding it (AT_FDCWD: the root) */
	const char *name; /* its name in dirfd (the root: its path) */
	const char *path; /* the root's path, "/", rel: for messages */
	const char *rel;  /* relative to the root; "" for the root */
	unsigned depth;	  /* 0 for the root */
	const struct stat *st; /* of what it is (the target of a link
				  that was followed) */
	int fd;		       /* DIR: the open directory; FILE with
				  RELC_WALK_OPEN_FILES: the open file; -1 */
	const char *target;    /* LINK: what it points to */
	int via_link;	       /* reached through a followed link */
};

/* A DIR callback's answer: do not go into this directory. */
#define RELC_WALK_SKIP 1

struct relc_walk_opts {
	unsigned flags;
	/*
	 * With RELC_WALK_FOLLOW: a followed link must lead to `inside` or
	 * below it (its real path, which the walk resolves the first time a
	 * link needs it).  One that does not is an error, which
	 * `outside_hint` ends, unless allow_outside is set.  NULL: no check.
	 */
	const char *inside;
	int allow_outside;
	const char *outside_hint;
	/*
	 * With RELC_WALK_FOLLOW: a followed link that leads to `holds` (its
	 * real path, resolved when first needed) or to a directory above it
	 * is always an error: the tree would hold itself.  NULL: no check.
	 */
	const char *holds;
	size_t max_entries; /* 0: no limit */
	uint64_t max_bytes; /* of regular files; 0: no limit */
};

/*
 * Called for each entry, the root first.  Return 0 to go on,
 * RELC_WALK_SKIP (from a DIR) to skip its contents, -1 with the error set
 * to stop.
 */
typedef int (*relc_walk_fn)(const struct relc_walk_entry *e, void *ctx,
			    struct relc_error *err);

/*
 * Walk the tree at `root`.  Returns 0, 1 when the root does not exist and
 * RELC_WALK_MISSING_OK is set, or -1 with the error set (by the walk or
 * by fn).  Checks relc_interrupt_check() between entries unless
 * RELC_WALK_UNSTOPPABLE.
 */
int relc_walk(const char *root, const struct relc_walk_opts *opts,
	      relc_walk_fn fn, void *ctx, struct relc_error *err);

/*
 * rm -rf that never follows symbolic links and is not stopped by an
 * interrupt (it is how interrupted runs clean up).  A missing path is
 * fine.
 */
int relc_walk_remove(const char *path, struct relc_error *err);

/*
 * Split the tree at root into pieces that can be walked on their own
 * (in parallel): the names of root's entries, but for the directory
 * `deeper` (e.g. "lib"), whose entries come instead, as "deeper/NAME".
 * Sorted within each level; the caller frees with relc_fs_free_names.
 */
int relc_walk_split(char ***units, size_t *n, const char *root,
		    const char *deeper, struct relc_error *err);

#endif
