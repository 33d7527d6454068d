/*
 * path.c: path building and validation.
 */
#include "relc/compat.h"
#include "relc/path.h"

#include "relc/error.h"
#include "relc/strbuf.h"

int
relc_path_component_ok(const char *name, size_t len)
{
	size_t i;

	if (!len || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c < 32 || c == 127)
			return 0;
	}
	return 1;
}

int
relc_path_push(struct relc_strbuf *sb, const char *component, const char *what,
	       struct relc_error *err)
{
	if (!relc_path_component_ok(component, strlen(component)))
		return relc_error_set(err, RELC_EAPP,
				      "%s '%s' cannot be used in a file name",
				      what, component);
	relc_path_append(sb, component);
	return 0;
}

void
relc_path_append(struct relc_strbuf *sb, const char *rel)
{
	if (sb->len && sb->buf[sb->len - 1] != '/')
		relc_strbuf_addch(sb, '/');
	relc_strbuf_addstr(sb, rel);
}

void
relc_path_pop(struct relc_strbuf *sb)
{
	size_t len = sb->len;

	while (len && sb->buf[len - 1] != '/')
		len--;
	while (len > 1 && sb->buf[len - 1] == '/')
		len--;
	relc_strbuf_setlen(sb, len);
}

int
relc_path_is_absolute(const char *path)
{
	return path[0] == '/';
}

void
relc_path_resolve(struct relc_strbuf *sb, const char *base, const char *path)
{
	relc_strbuf_reset(sb);
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (*path == '/')
			path++;
	}
	if (relc_path_is_absolute(path)) {
		relc_strbuf_addstr(sb, path);
	} else if (!strcmp(base, ".") && path[0]) {
		relc_strbuf_addstr(sb, path);
	} else {
		relc_strbuf_addstr(sb, base);
		if (path[0] && strcmp(path, "."))
			relc_path_append(sb, path);
	}
	/* Drop trailing slashes, but keep "/" itself. */
	while (sb->len > 1 && sb->buf[sb->len - 1] == '/')
		relc_strbuf_setlen(sb, sb->len - 1);
}

const char *
relc_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void
relc_path_dirname(struct relc_strbuf *sb, const char *path)
{
	const char *slash = strrchr(path, '/');

	relc_strbuf_reset(sb);
	if (!slash)
		relc_strbuf_addch(sb, '.');
	else if (slash == path)
		relc_strbuf_addch(sb, '/');
	else
		relc_strbuf_add(sb, path, (size_t)(slash - path));
}

/* The next component of p (skipping slashes): its length, *p moved. */
static size_t
next_component(const char **p, const char **start)
{
	const char *s = *p;
	size_t len = 0;

	while (*s == '/')
		s++;
	*start = s;
	while (s[len] && s[len] != '/')
		len++;
	*p = s + len;
	return len;
}

void
relc_path_relative(struct relc_strbuf *sb, const char *from, const char *to)
{
	const char *f = from, *t = to, *fs, *ts, *rest;
	size_t fl, tl, ups = 0;

	relc_strbuf_reset(sb);
	for (;;) {
		const char *f0 = f, *t0 = t;

		fl = next_component(&f, &fs);
		tl = next_component(&t, &ts);
		if (!fl || !tl || fl != tl || memcmp(fs, ts, fl)) {
			f = f0;
			t = t0;
			break;
		}
	}
	rest = t;
	while ((fl = next_component(&f, &fs)))
		ups++;
	while (ups--)
		relc_path_append(sb, "..");
	while (*rest == '/')
		rest++;
	if (*rest)
		relc_path_append(sb, rest);
	if (!sb->len)
		relc_strbuf_addch(sb, '.');
}

int
relc_path_is_within(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (len == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, len) &&
	       (path[len] == '/' || path[len] == '\0');
}

int
relc_path_relative_ok(const char *rel)
{
	const char *c = rel;

	if (!*rel || *rel == '/')
		return 0;
	for (;;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);

		if (!relc_path_component_ok(c, len))
			return 0;
		if (!slash)
			return 1;
		c = slash + 1;
	}
}
