/*
 * strset.c: the string set (see strset.h).
 */
#include "relc/compat.h"
#include "relc/strset.h"

#include "relc/xalloc.h"

static size_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static size_t
slot(char *const *slots, size_t cap, const char *s)
{
	size_t i = hash(s) & (cap - 1);

	while (slots[i] && strcmp(slots[i], s))
		i = (i + 1) & (cap - 1);
	return i;
}

static void
grow(struct relc_strset *set)
{
	size_t cap = set->cap ? relc_st_mult(set->cap, 2) : 16, i;
	char **slots = relc_xcalloc(cap, sizeof(*slots));

	for (i = 0; i < set->cap; i++)
		if (set->slots[i])
			slots[slot(slots, cap, set->slots[i])] = set->slots[i];
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
}

int
relc_strset_add(struct relc_strset *set, const char *s)
{
	size_t i;

	if ((set->n + 1) * 4 > set->cap * 3)
		grow(set);
	i = slot(set->slots, set->cap, s);
	if (set->slots[i])
		return 0;
	set->slots[i] = relc_xstrdup(s);
	set->n++;
	return 1;
}

int
relc_strset_has(const struct relc_strset *set, const char *s)
{
	return set->cap && set->slots[slot(set->slots, set->cap, s)];
}

void
relc_strset_release(struct relc_strset *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	set->slots = NULL;
	set->n = set->cap = 0;
}
