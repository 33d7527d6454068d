/*
 * place.h: where a release is written, and the rules that keep that safe.
 *
 *  - relc only ever replaces a directory it made (one with .relc/stamp).
 *    An output directory that exists and is not a relc release is refused
 *    unless it is empty or --force says to build into it, keeping what it
 *    holds.  An output directory that is, or contains, the project, the
 *    config or any input, or that lies inside an input's tree, is refused
 *    whatever --force says.
 *  - The new release is written into a staging directory next to the
 *    output and swapped in at once (renameat2 RENAME_EXCHANGE) when
 *    complete; a failed or killed build leaves the previous release as it
 *    was.
 *  - What is in the previous release and not relc's (tmp/, log/,
 *    releases/COOKIE, files an operator added) is carried over into the
 *    new one (carry.h), so that a node that runs from it can still be
 *    reached and stopped after the swap.
 *  - One relc at a time: the output's parent directory is locked for the
 *    whole build, so whatever ".relc-*" entry is found there belongs to a
 *    run that is gone, and is cleaned up.
 */
#ifndef RELC_PLACE_H
#define RELC_PLACE_H

#include <stddef.h>

#include "relc/lock.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"

struct relc_error;

/* What an input path forbids of the output directory. */
enum relc_place_rule {
	RELC_PLACE_NOT_OVER = 1 << 0, /* out must not be it nor hold it */
	RELC_PLACE_NOT_IN = 1 << 1    /* out must not be inside it */
};

struct relc_place_input {
	const char *path; /* as the user knows it (resolved inside) */
	unsigned rules;
	const char *what; /* "the project", "the config", ... */
	/*
	 * Or NULL: a directory whose input this is; a link that leads to it
	 * or above it is not checked here (the copy refuses it, saying so).
	 */
	const char *owner;
};

struct relc_place {
	struct relc_strbuf out;	      /* the release directory, absolute */
	struct relc_strbuf parent;    /* its parent (locked) */
	struct relc_strbuf staging;   /* the new tree, once begun */
	struct relc_strbuf scratch;   /* see relc_place_scratch */
	struct relc_strbuf made_from; /* the first directory open made */
	int committed;		      /* a new release is in place */
	struct relc_lock lock;
	int exists;   /* something is at `out` */
	int has_prev; /* and it is a relc release: prev is its stamp */
	int marked;   /* a relc release whose stamp cannot be read */
	int foreign;  /* a directory relc did not make, not empty */
	struct relc_stamp prev;
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
};

/*
 * Resolve `out_dir`, create its parent, lock it (waiting, with a warning,
 * for another relc there) and clean up after runs that died there.
 */
int relc_place_open(struct relc_place *p, const char *out_dir,
		    void (*warn)(void *ctx, const char *msg), void *warn_ctx,
		    struct relc_error *err);

/*
 * Check the output directory (absolute, as relc_fs_abspath_nofollow makes
 * it) against the inputs, before anything is made.  The errors are
 * RELC_ECONFIG.
 */
int relc_place_check_inputs(const char *out,
			    const struct relc_place_input *inputs,
			    size_t ninputs, struct relc_error *err);

/*
 * Look at what is at the output directory (holding the lock), and read
 * the previous release's stamp.  Errors that are the output directory's
 * fault are RELC_ECONFIG.
 */
int relc_place_inspect(struct relc_place *p, int force, struct relc_error *err);

/*
 * May the build write there: refuse a directory relc did not make that
 * holds something, unless force (RELC_ECONFIG).
 */
int relc_place_admit(const struct relc_place *p, int force,
		     struct relc_error *err);

/* Make the staging directory (p->staging) for the new tree. */
int relc_place_begin(struct relc_place *p, struct relc_error *err);

/*
 * Finish: carry over what is not relc's from the previous release, write
 * the stamp (whose entries were recorded from the staging tree), swap the
 * new tree in and remove the old one.
 */
int relc_place_commit(struct relc_place *p, const struct relc_stamp *stamp,
		      struct relc_error *err);

/*
 * A scratch directory next to the output, removed by relc_place_close
 * (or by the next run): for an OTP tarball extracted for the build.
 */
int relc_place_scratch(struct relc_place *p, const char **out, const char *what,
		       struct relc_error *err);

/*
 * Is `name` (in the output's parent) a directory a relc run made:
 * ".relc-PID-NAME.XXXXXX", or that ".old"?  Its PID and the release
 * directory's NAME, when it is.
 */
int relc_place_leftover(const char *name, long *pid,
			struct relc_strbuf *release);

/* Remove what was not committed, and unlock.  Safe to call twice. */
void relc_place_close(struct relc_place *p);

#endif
