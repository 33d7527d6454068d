/*
 * strset.h: a set of strings (open addressing, FNV-1a), for the checks
 * that must stay linear in the size of the input: duplicate names, the
 * paths a release holds.
 */
#ifndef RELC_STRSET_H
#define RELC_STRSET_H

#include <stddef.h>

struct relc_strset {
	char **slots; /* owned copies, or NULL */
	size_t n, cap;
};

#define RELC_STRSET_INIT                                                       \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Add s (copied).  Returns 1 when it was new, 0 when already there. */
int relc_strset_add(struct relc_strset *set, const char *s);
int relc_strset_has(const struct relc_strset *set, const char *s);
void relc_strset_release(struct relc_strset *set);

#endif
