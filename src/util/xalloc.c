/*
 * xalloc.c: allocation wrappers that abort on exhaustion and overflow.
 */
#include "relc/compat.h"
#include "relc/xalloc.h"

static RELC_NORETURN void
die_oom(size_t size)
{
	fprintf(stderr, "relc: out of memory (allocating %zu bytes)\n", size);
	abort();
}

void
relc_bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "relc: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
relc_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die_oom(size);
	return p;
}

void *
relc_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom(relc_st_mult(nmemb, size));
	return p;
}

void *
relc_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		die_oom(size);
	return p;
}

char *
relc_xstrdup(const char *s)
{
	return relc_xmemdupz(s, strlen(s));
}

char *
relc_xmemdupz(const void *data, size_t len)
{
	char *p = relc_xmalloc(relc_st_add(len, 1));

	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

size_t
relc_st_add(size_t a, size_t b)
{
	size_t r;

	if (__builtin_add_overflow(a, b, &r))
		RELC_BUG("size_t overflow: %zu + %zu", a, b);
	return r;
}

size_t
relc_st_mult(size_t a, size_t b)
{
	size_t r;

	if (__builtin_mul_overflow(a, b, &r))
		RELC_BUG("size_t overflow: %zu * %zu", a, b);
	return r;
}

int
relc_xsnprintf(char *dst, size_t max, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, max, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= max)
		RELC_BUG("xsnprintf truncated '%s'", fmt);
	return n;
}
