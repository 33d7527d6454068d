/*
 * oldrel.h: a release read in place, the one a hot upgrade starts from:
 * its directory, or its tarball through libarchive (nothing extracted).
 */
#ifndef RELC_OLDREL_H
#define RELC_OLDREL_H

#include <stddef.h>

#include "relc/strbuf.h"

struct relc_arena;
struct relc_error;
struct relc_relspec;

struct relc_oldrel_file {
	char *path;
	struct relc_strbuf data;
};

struct relc_oldrel {
	const char *where; /* its directory or tarball, for messages */
	int is_tar;
	const char *name; /* of the release */
	/* the new release: the applications it has in the same version are
	 * not read from a tarball */
	const struct relc_relspec *to;
	struct relc_oldrel_file *files; /* a tarball's, sorted by path */
	size_t n, alloc;
};

/*
 * What the release at `where` is for a build's key, from stat() alone: a
 * tarball's identity; a directory's start_erl.data and, when relc made it,
 * its stamp (rewritten by every build), else each .rel of release `name`
 * and each file of each application's ebin/.
 */
int relc_oldrel_identity(struct relc_strbuf *out, const char *where, int is_tar,
			 const char *name, struct relc_error *err);

/* Open it (a tarball is read now, once).  Release with relc_oldrel_release. */
int relc_oldrel_open(struct relc_oldrel *o, const char *where, int is_tar,
		     const char *name, const struct relc_relspec *to,
		     struct relc_error *err);
void relc_oldrel_release(struct relc_oldrel *o);

/* Read its file `rel` into out: 0, or 1 when it has none, or -1. */
int relc_oldrel_read(const struct relc_oldrel *o, const char *rel,
		     struct relc_strbuf *out, struct relc_error *err);

/*
 * The names in its directory `dir` ending in `suffix`, sorted (free them
 * with relc_fs_free_names); none when there is no such directory.
 */
int relc_oldrel_list(const struct relc_oldrel *o, const char *dir,
		     const char *suffix, char ***names, size_t *n,
		     struct relc_error *err);

/*
 * Its version: `asked` when given, else what its start_erl.data says, else
 * the only version with a releases/VSN/NAME.rel (more, or none: an error).
 */
int relc_oldrel_vsn(const char **vsn, const struct relc_oldrel *o,
		    const char *asked, struct relc_arena *arena,
		    struct relc_error *err);

#endif
