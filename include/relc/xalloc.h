/*
 * xalloc.h: allocation that never returns NULL (out of memory aborts, which
 * is the right answer for a command-line tool) and size arithmetic that
 * aborts on overflow instead of wrapping.
 */
#ifndef RELC_XALLOC_H
#define RELC_XALLOC_H

#include <stddef.h>

void *relc_xmalloc(size_t size);
void *relc_xcalloc(size_t nmemb, size_t size);
void *relc_xrealloc(void *ptr, size_t size);
char *relc_xstrdup(const char *s);
char *relc_xmemdupz(const void *data, size_t len);

/* a + b and a * b, aborting on overflow. */
size_t relc_st_add(size_t a, size_t b);
size_t relc_st_mult(size_t a, size_t b);

/*
 * snprintf into a fixed buffer that is known to be large enough: a
 * truncation is a bug and aborts.
 */
int relc_xsnprintf(char *dst, size_t max, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define RELC_ALLOC_ARRAY(x, n)                                                 \
	((x) = relc_xmalloc(relc_st_mult(sizeof(*(x)), (n))))
#define RELC_CALLOC_ARRAY(x, n) ((x) = relc_xcalloc((n), sizeof(*(x))))

/*
 * Grow array x (with allocated capacity alloc) so that it can hold nr
 * elements, amortised O(1).
 */
#define RELC_ALLOC_GROW(x, nr, alloc)                                          \
	do {                                                                   \
		if ((nr) > (alloc)) {                                          \
			(alloc) = (alloc) < 8 ? 8 : relc_st_mult((alloc), 2);  \
			if ((alloc) < (nr))                                    \
				(alloc) = (nr);                                \
			(x) = relc_xrealloc(                                   \
			    (x), relc_st_mult(sizeof(*(x)), (alloc)));         \
		}                                                              \
	} while (0)

#endif
