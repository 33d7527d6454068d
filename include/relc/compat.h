/*
 * compat.h: the first include of every relc source file.
 *
 * It fixes the feature-test macros (POSIX.1-2008 for openat, mkdtemp,
 * O_CLOEXEC and friends), pulls in the handful of system headers that
 * nearly every module needs, and finally includes banned.h so that the
 * unsafe string functions are compile errors everywhere.
 */
#ifndef RELC_COMPAT_H
#define RELC_COMPAT_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define RELC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define RELC_NORETURN __attribute__((noreturn))
#define RELC_UNUSED __attribute__((unused))
#else
#define RELC_PRINTF(fmt, args)
#define RELC_NORETURN
#define RELC_UNUSED
#endif

#define RELC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Programmer errors: print where and abort.  Never used for bad input;
 * bad input is reported through struct relc_error.
 */
#define RELC_BUG(...) relc_bug_fl(__FILE__, __LINE__, __VA_ARGS__)
void relc_bug_fl(const char *file, int line, const char *fmt, ...)
    RELC_PRINTF(3, 4) RELC_NORETURN;

/* ASCII-only character classes: the core never depends on the locale. */
static inline int
relc_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
relc_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline int
relc_isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static inline int
relc_isalpha(int c)
{
	return relc_islower(c) || relc_isupper(c);
}

static inline int
relc_isalnum(int c)
{
	return relc_isalpha(c) || relc_isdigit(c);
}

static inline int
relc_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static inline int
relc_tolower(int c)
{
	return relc_isupper(c) ? c - 'A' + 'a' : c;
}

#include "relc/banned.h"

#endif
