/*
 * arena.h: a bump allocator for data that lives as long as one run (parsed
 * terms, application records, config).  Everything is freed at once with
 * relc_arena_release().  Built with -DRELC_ARENA_DEBUG, every allocation is
 * a separate malloc so that ASan and valgrind see each one.
 */
#ifndef RELC_ARENA_H
#define RELC_ARENA_H

#include <stddef.h>

struct relc_arena_chunk;

struct relc_arena {
	struct relc_arena_chunk *chunks;
	size_t used;  /* bytes used in the first chunk */
	size_t total; /* bytes handed out, for statistics */
};

#define RELC_ARENA_INIT                                                        \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void relc_arena_init(struct relc_arena *a);
void relc_arena_release(struct relc_arena *a);

/* Zero-filled memory aligned for any type; never NULL. */
void *relc_arena_alloc(struct relc_arena *a, size_t size);
/* Zero-filled array of n elements of `size` bytes, overflow-checked. */
void *relc_arena_array(struct relc_arena *a, size_t n, size_t size);
char *relc_arena_strdup(struct relc_arena *a, const char *s);
char *relc_arena_memdupz(struct relc_arena *a, const void *data, size_t len);

#endif
