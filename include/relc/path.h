/*
 * path.h: building file names in strbufs, one component at a time.
 *
 * Names that come from input (application names, versions, release names)
 * reach the file system only through relc_path_push(), which refuses
 * anything that is not a single, ordinary path component.
 */
#ifndef RELC_PATH_H
#define RELC_PATH_H

#include <stddef.h>

struct relc_error;
struct relc_strbuf;

/*
 * Is `name` usable as one path component: not empty, not "." or "..", no
 * '/', no NUL, no control characters?
 */
int relc_path_component_ok(const char *name, size_t len);

/*
 * Append "/component" (no slash when sb is empty or already ends in one).
 * Fails, naming `what` ("application name", "version", ...), when the
 * component is not acceptable.
 */
int relc_path_push(struct relc_strbuf *sb, const char *component,
		   const char *what, struct relc_error *err);
/* Append "/rel" where rel is a trusted relative path (a literal). */
void relc_path_append(struct relc_strbuf *sb, const char *rel);
/* Remove the last component (and its slash). */
void relc_path_pop(struct relc_strbuf *sb);

int relc_path_is_absolute(const char *path);
/* sb = path if absolute, else base/path; "." and "./" prefixes dropped. */
void relc_path_resolve(struct relc_strbuf *sb, const char *base,
		       const char *path);
/* Last component of path (borrowed pointer into it). */
const char *relc_path_basename(const char *path);
/* Everything before the last component ("." for a bare name). */
void relc_path_dirname(struct relc_strbuf *sb, const char *path);

/*
 * The relative path that leads from directory `from` to `to`: both
 * absolute and normalized (no ".", "..", or doubled slashes).  "." when
 * they are the same.
 */
void relc_path_relative(struct relc_strbuf *sb, const char *from,
			const char *to);

/*
 * Is rel a relative path of ordinary components (none empty, ".", ".."
 * or with control characters)?
 */
int relc_path_relative_ok(const char *rel);

/* Is `path` the directory `dir` or below it (both normalized)? */
int relc_path_is_within(const char *path, const char *dir);

#endif
