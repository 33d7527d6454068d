/*
 * strbuf.c: the growable byte buffer.  See strbuf.h for the invariants.
 */
#include "relc/compat.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

#include <unistd.h>

char relc_strbuf_empty[1];

void
relc_strbuf_init(struct relc_strbuf *sb, size_t hint)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = relc_strbuf_empty;
	if (hint)
		relc_strbuf_grow(sb, hint);
}

void
relc_strbuf_release(struct relc_strbuf *sb)
{
	if (!sb)
		return;
	if (sb->alloc)
		free(sb->buf);
	relc_strbuf_init(sb, 0);
}

char *
relc_strbuf_detach(struct relc_strbuf *sb, size_t *len)
{
	char *res;

	relc_strbuf_grow(sb, 0);
	res = sb->buf;
	if (len)
		*len = sb->len;
	relc_strbuf_init(sb, 0);
	return res;
}

void
relc_strbuf_grow(struct relc_strbuf *sb, size_t extra)
{
	size_t need = relc_st_add(relc_st_add(sb->len, extra), 1);
	int fresh = !sb->alloc;

	if (need <= sb->alloc)
		return;
	if (fresh)
		sb->buf = NULL;
	sb->alloc = sb->alloc < 64 ? 64 : sb->alloc;
	while (sb->alloc < need)
		sb->alloc = relc_st_mult(sb->alloc, 2);
	sb->buf = relc_xrealloc(sb->buf, sb->alloc);
	if (fresh)
		sb->buf[0] = '\0';
}

void
relc_strbuf_setlen(struct relc_strbuf *sb, size_t len)
{
	if (len > sb->len)
		relc_strbuf_grow(sb, len - sb->len);
	if (!sb->alloc && len == 0)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void
relc_strbuf_add(struct relc_strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	relc_strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
relc_strbuf_addstr(struct relc_strbuf *sb, const char *s)
{
	relc_strbuf_add(sb, s, strlen(s));
}

void
relc_strbuf_addch(struct relc_strbuf *sb, int c)
{
	/* the common case without the overflow-checked arithmetic of grow */
	if (sb->alloc - sb->len < 2 || !sb->alloc)
		relc_strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void
relc_strbuf_addchars(struct relc_strbuf *sb, int c, size_t n)
{
	if (!n)
		return;
	relc_strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
relc_strbuf_vaddf(struct relc_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	relc_strbuf_grow(sb, 64);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		RELC_BUG("vsnprintf failed for '%s'", fmt);
	if ((size_t)n >= sb->alloc - sb->len) {
		relc_strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
		if (n < 0 || (size_t)n >= sb->alloc - sb->len)
			RELC_BUG("vsnprintf changed its mind for '%s'", fmt);
	}
	sb->len += (size_t)n;
}

void
relc_strbuf_addf(struct relc_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	relc_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void
relc_strbuf_add_utf8(struct relc_strbuf *sb, unsigned long cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | ((cp >> 18) & 0x07));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	relc_strbuf_add(sb, b, n);
}

void
relc_strbuf_add_u8(struct relc_strbuf *sb, unsigned v)
{
	relc_strbuf_addch(sb, (int)(v & 0xFF));
}

void
relc_strbuf_add_be16(struct relc_strbuf *sb, unsigned v)
{
	unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	relc_strbuf_add(sb, b, 2);
}

void
relc_strbuf_add_be32(struct relc_strbuf *sb, unsigned long v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24),
			      (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			      (unsigned char)v};

	relc_strbuf_add(sb, b, 4);
}

void
relc_strbuf_rtrim(struct relc_strbuf *sb)
{
	size_t len = sb->len;

	while (len && relc_isspace((unsigned char)sb->buf[len - 1]))
		len--;
	relc_strbuf_setlen(sb, len);
}

int
relc_strbuf_read_fd(struct relc_strbuf *sb, int fd, size_t hint, size_t max)
{
	size_t start = sb->len;

	relc_strbuf_grow(sb, hint < max ? hint + 1 : max + 1);
	for (;;) {
		size_t room, got = sb->len - start;
		ssize_t n;

		if (got > max) {
			errno = EFBIG;
			return -1;
		}
		if (sb->alloc - sb->len < 2)
			relc_strbuf_grow(sb, got < 8192 ? 8192 : got);
		room = sb->alloc - sb->len - 1;
		if (room > max - got + 1)
			room = max - got + 1;
		n = read(fd, sb->buf + sb->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sb->buf[sb->len] = '\0';
			return -1;
		}
		if (!n)
			break;
		sb->len += (size_t)n;
		sb->buf[sb->len] = '\0';
	}
	return 0;
}

char *
relc_strbuf_space(struct relc_strbuf *sb, size_t want, size_t *room)
{
	relc_strbuf_grow(sb, want);
	*room = sb->alloc - sb->len - 1;
	return sb->buf + sb->len;
}

void
relc_strbuf_commit(struct relc_strbuf *sb, size_t n)
{
	if (n > sb->alloc - sb->len - 1 || (!sb->alloc && n))
		RELC_BUG("strbuf_commit past the space given");
	if (!sb->alloc)
		return;
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

int
relc_strbuf_readlinkat(struct relc_strbuf *sb, int dirfd, const char *name,
		       size_t hint)
{
	size_t size = hint + 1 < 64 ? 64 : hint + 1;

	for (;;) {
		ssize_t n;

		relc_strbuf_reset(sb);
		relc_strbuf_grow(sb, size);
		n = readlinkat(dirfd, name, sb->buf, size);
		if (n < 0)
			return -1;
		if ((size_t)n < size) {
			relc_strbuf_setlen(sb, (size_t)n);
			return 0;
		}
		size = relc_st_mult(size, 2);
	}
}

int
relc_str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

int
relc_strbuf_ends_with(const struct relc_strbuf *sb, const char *suffix)
{
	size_t n = strlen(suffix);

	return sb->len >= n && !memcmp(sb->buf + sb->len - n, suffix, n);
}
