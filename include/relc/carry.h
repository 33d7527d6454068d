/*
 * carry.h: what a previous release holds that relc did not write (tmp/,
 * log/, releases/COOKIE, files an operator added anywhere) goes into the
 * release that replaces it.
 *
 * Before the swap, carried entries are hard-linked into the new tree: the
 * previous release stays whole, and a file a running node holds open is
 * the same file in both.  What cannot be linked (another user's file
 * under fs.protected_hardlinks, too many links) is left where it is, and
 * moved after the swap, with whatever appeared in the old tree
 * meanwhile.  A journal in the new tree (.relc/carried: the staging
 * directory's name, then the carried entries) lets the next run finish
 * those moves if this one is killed between the swap and the end.
 *
 * An entry the new release has too is an error (nothing is changed),
 * unless both are directories, whose contents are then looked at; so is
 * an entry under a path where the new release has a link (dev_mode's
 * lib/APP-VSN), which would lead into the project.
 */
#ifndef RELC_CARRY_H
#define RELC_CARRY_H

#include <stddef.h>

#include "relc/strset.h"

struct relc_error;
struct relc_stamp;

struct relc_carry {
	const char *release; /* the release directory (old tree, then new) */
	const char *staging; /* the new tree, before the swap */
	const char *name;    /* the release directory's name (bin/NAME) */
	/* What relc wrote in the old tree; NULL: its stamp is unreadable,
	   and relc's layout (by_layout) says what is relc's. */
	const struct relc_stamp *prev;
	int by_layout;
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;

	/* Filled in: */
	struct relc_strset made;
	char **found; /* the carried entries, release-relative */
	size_t nfound, afound;
};

/* Before the swap: link what is not relc's into staging, the journal. */
int relc_carry_over(struct relc_carry *c, struct relc_error *err);
/* After the swap (the old tree is now at old_tree): move what is left. */
void relc_carry_finish(const struct relc_carry *c, const char *old_tree);
void relc_carry_release(struct relc_carry *c);

/*
 * Finish the moves a run killed after its swap left in RELEASE's journal
 * (the old tree is in parent), if there is one.
 */
void relc_carry_recover(const char *parent, const char *release);

#endif
