/*
 * strbuf.h: a growable byte buffer, after git's strbuf.
 *
 * Invariants: `buf` is never NULL (an empty strbuf points at a shared
 * empty string), `buf[len]` is always '\0', and the data may hold
 * embedded NULs.  Every function that grows the buffer aborts on out of
 * memory, so appends return void and a sequence of them needs no checks.
 *
 * Ownership: the strbuf owns `buf` until relc_strbuf_detach() hands it to
 * the caller, who then frees it with free().
 */
#ifndef RELC_STRBUF_H
#define RELC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct relc_strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char relc_strbuf_empty[];
#define RELC_STRBUF_INIT                                                       \
	{                                                                      \
		0, 0, relc_strbuf_empty                                        \
	}

/* Set up an empty strbuf, reserving `hint` bytes (0: allocate nothing). */
void relc_strbuf_init(struct relc_strbuf *sb, size_t hint);
/* Free the contents; the strbuf is left empty and reusable. */
void relc_strbuf_release(struct relc_strbuf *sb);
/* Return the buffer (always malloc'ed, NUL-terminated), leaving sb empty. */
char *relc_strbuf_detach(struct relc_strbuf *sb, size_t *len);

/* Make room for `extra` more bytes beyond len. */
void relc_strbuf_grow(struct relc_strbuf *sb, size_t extra);
/* Truncate or extend (the new bytes are unspecified) to `len`. */
void relc_strbuf_setlen(struct relc_strbuf *sb, size_t len);
static inline void
relc_strbuf_reset(struct relc_strbuf *sb)
{
	relc_strbuf_setlen(sb, 0);
}

void relc_strbuf_add(struct relc_strbuf *sb, const void *data, size_t len);
void relc_strbuf_addstr(struct relc_strbuf *sb, const char *s);
void relc_strbuf_addch(struct relc_strbuf *sb, int c);
void relc_strbuf_addf(struct relc_strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void relc_strbuf_vaddf(struct relc_strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append `n` copies of byte c. */
void relc_strbuf_addchars(struct relc_strbuf *sb, int c, size_t n);
/* Append the code point `cp` as UTF-8 (1 to 4 bytes). */
void relc_strbuf_add_utf8(struct relc_strbuf *sb, unsigned long cp);
/* Append big-endian integers of 1, 2 and 4 bytes. */
void relc_strbuf_add_u8(struct relc_strbuf *sb, unsigned v);
void relc_strbuf_add_be16(struct relc_strbuf *sb, unsigned v);
void relc_strbuf_add_be32(struct relc_strbuf *sb, unsigned long v);

/*
 * Append everything that can be read from fd until end of file, retrying
 * EINTR; `hint` is the expected size (0: unknown).  Returns 0, or -1 with
 * errno set (EFBIG when the data would grow past `max` bytes, in which
 * case sb holds at most max + 1 of them).  This and the functions above
 * are the only places that do arithmetic on a strbuf's buffer.
 */
int relc_strbuf_read_fd(struct relc_strbuf *sb, int fd, size_t hint,
			size_t max);

/*
 * For code that writes into a buffer itself (zlib): make room for at
 * least `want` more bytes and return where they go, with how many fit in
 * *room; after writing n of them, relc_strbuf_commit(sb, n).
 */
char *relc_strbuf_space(struct relc_strbuf *sb, size_t want, size_t *room);
void relc_strbuf_commit(struct relc_strbuf *sb, size_t n);

/*
 * Replace sb's contents with the target of the symbolic link DIRFD/name
 * (hint: its expected length), however long.  Returns 0, or -1 with errno.
 */
int relc_strbuf_readlinkat(struct relc_strbuf *sb, int dirfd, const char *name,
			   size_t hint);

/* Does sb end with `suffix`? */
int relc_strbuf_ends_with(const struct relc_strbuf *sb, const char *suffix);
/* Does the string s end with `suffix`? */
int relc_str_ends_with(const char *s, const char *suffix);

/* Remove trailing ASCII white space. */
void relc_strbuf_rtrim(struct relc_strbuf *sb);

#endif
