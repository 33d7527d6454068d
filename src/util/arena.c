/*
 * arena.c: the run-long bump allocator.
 */
#include "relc/compat.h"
#include "relc/arena.h"
#include "relc/xalloc.h"

#define CHUNK_SIZE ((size_t)64 * 1024)
#define ALIGN ((size_t)16)

struct relc_arena_chunk {
	struct relc_arena_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void
relc_arena_init(struct relc_arena *a)
{
	a->chunks = NULL;
	a->used = 0;
	a->total = 0;
}

void
relc_arena_release(struct relc_arena *a)
{
	struct relc_arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	relc_arena_init(a);
}

static struct relc_arena_chunk *
new_chunk(struct relc_arena *a, size_t size)
{
	struct relc_arena_chunk *c;

	c = relc_xmalloc(relc_st_add(sizeof(*c), size));
	c->size = size;
	c->next = a->chunks;
	return c;
}

void *
relc_arena_alloc(struct relc_arena *a, size_t size)
{
	struct relc_arena_chunk *c;
	size_t rounded = relc_st_add(size, ALIGN - 1) & ~(ALIGN - 1);

	if (!rounded)
		rounded = ALIGN;
	a->total += size;
#ifdef RELC_ARENA_DEBUG
	c = new_chunk(a, rounded);
	a->chunks = c;
	a->used = c->size;
	memset(c->data, 0, rounded);
	return c->data;
#else
	if (rounded > CHUNK_SIZE / 4) {
		/*
		 * Large blocks get a chunk of their own, linked behind the
		 * current one so that the current one keeps filling up.
		 */
		c = new_chunk(a, rounded);
		if (a->chunks) {
			c->next = a->chunks->next;
			a->chunks->next = c;
		} else {
			a->chunks = c;
			a->used = rounded;
		}
		memset(c->data, 0, rounded);
		return c->data;
	}
	if (!a->chunks || a->chunks->size - a->used < rounded) {
		a->chunks = new_chunk(a, CHUNK_SIZE);
		a->used = 0;
	}
	c = a->chunks;
	a->used += rounded;
	memset(c->data + a->used - rounded, 0, rounded);
	return c->data + a->used - rounded;
#endif
}

void *
relc_arena_array(struct relc_arena *a, size_t n, size_t size)
{
	return relc_arena_alloc(a, relc_st_mult(n, size));
}

char *
relc_arena_memdupz(struct relc_arena *a, const void *data, size_t len)
{
	char *p = relc_arena_alloc(a, relc_st_add(len, 1));

	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

char *
relc_arena_strdup(struct relc_arena *a, const char *s)
{
	return relc_arena_memdupz(a, s, strlen(s));
}
