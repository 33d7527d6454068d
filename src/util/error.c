/*
 * error.c: recording errors where they are found.
 */
#include "relc/compat.h"
#include "relc/error.h"
#include "relc/xalloc.h"

void
relc_error_init(struct relc_error *err)
{
	err->kind = RELC_EOK;
	err->sys_errno = 0;
	err->path = NULL;
	err->line = err->col = 0;
	relc_strbuf_init(&err->msg, 0);
}

void
relc_error_release(struct relc_error *err)
{
	if (!err)
		return;
	free(err->path);
	relc_strbuf_release(&err->msg);
	relc_error_init(err);
}

static int error_vset(struct relc_error *err, enum relc_errkind kind,
		      const char *path, unsigned long line, unsigned long col,
		      const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static int
error_vset(struct relc_error *err, enum relc_errkind kind, const char *path,
	   unsigned long line, unsigned long col, const char *fmt, va_list ap)
{
	if (relc_error_isset(err))
		return -1;
	err->kind = kind;
	err->path = path ? relc_xstrdup(path) : NULL;
	err->line = line;
	err->col = col;
	relc_strbuf_vaddf(&err->msg, fmt, ap);
	return -1;
}

int
relc_error_set(struct relc_error *err, enum relc_errkind kind, const char *fmt,
	       ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, kind, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
relc_error_at(struct relc_error *err, enum relc_errkind kind, const char *path,
	      unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, kind, path, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int
relc_error_errno(struct relc_error *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (relc_error_isset(err))
		return -1;
	va_start(ap, fmt);
	error_vset(err, RELC_EIO, NULL, 0, 0, fmt, ap);
	va_end(ap);
	err->sys_errno = saved;
	relc_strbuf_addf(&err->msg, ": %s", strerror(saved));
	errno = saved;
	return -1;
}

void
relc_error_set_path(struct relc_error *err, const char *path)
{
	if (!relc_error_isset(err) || err->path || !path)
		return;
	err->path = relc_xstrdup(path);
}

void
relc_error_locate(struct relc_error *err, const char *path, unsigned long line,
		  unsigned long col)
{
	if (!relc_error_isset(err) || err->path || !path)
		return;
	err->path = relc_xstrdup(path);
	err->line = line;
	err->col = col;
}

/* Append s, with control characters escaped. */
static void
add_line(struct relc_strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			relc_strbuf_addstr(out, "\\n");
		else if (c == '\t')
			relc_strbuf_addstr(out, "\\t");
		else if (c == '\r')
			relc_strbuf_addstr(out, "\\r");
		else if (c < 0x20 || c == 0x7f)
			relc_strbuf_addf(out, "\\x%02x", c);
		else
			relc_strbuf_addch(out, c);
	}
}

void
relc_error_format(struct relc_strbuf *out, const struct relc_error *err)
{
	if (err->path) {
		add_line(out, err->path, strlen(err->path));
		if (err->line) {
			relc_strbuf_addf(out, ":%lu", err->line);
			if (err->col)
				relc_strbuf_addf(out, ":%lu", err->col);
		}
		relc_strbuf_addstr(out, ": ");
	}
	add_line(out, err->msg.buf, err->msg.len);
}

void
relc_warnf(void (*warn)(void *ctx, const char *msg), void *ctx, const char *fmt,
	   ...)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	va_list ap;

	if (!warn)
		return;
	va_start(ap, fmt);
	relc_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	warn(ctx, msg.buf);
	relc_strbuf_release(&msg);
}
