/*
 * appfile.h: an application resource file (ebin/APP.app), checked the way
 * systools_make checks it.
 */
#ifndef RELC_APPFILE_H
#define RELC_APPFILE_H

#include <stddef.h>

struct relc_arena;
struct relc_error;
struct relc_term;

/* A list of atoms, as names and as the terms they came from. */
struct relc_names {
	size_t n;
	const char **v;
	const struct relc_term **t;
};

/* Where an application was found. */
enum relc_app_origin {
	RELC_ORIGIN_PROJECT, /* the project's build output or lib_dirs */
	RELC_ORIGIN_ELIXIR,  /* the Elixir installation */
	RELC_ORIGIN_OTP	     /* the OTP installation's lib/ */
};

struct relc_app {
	const char *name; /* the application atom, UTF-8 */
	enum relc_app_origin origin;
	const char *vsn;  /* its vsn string, UTF-8 */
	const char *path; /* the .app file */
	const char *ebin; /* directory holding the .app */
	const char *dir;  /* the application directory (ebin's parent) */

	/*
	 * The values systools reads, as terms (defaults filled in: id "",
	 * optional/included applications and env [], mod [], start_phases
	 * `undefined`, maxT/maxP `infinity`).
	 */
	const struct relc_term *term; /* the whole {application, ...} */
	const struct relc_term *description, *id, *vsn_term, *modules,
	    *registered, *applications, *optional, *included, *mod,
	    *start_phases, *env, *max_t, *max_p;

	/* The atom lists again, as names. */
	struct relc_names mods, regs, uses, opts, incls;
};

/*
 * Parse and check the text of a .app file.  `path` names the file in error
 * messages and is copied; `expect` (may be NULL) is the application name
 * the file name promises.  Errors point at the offending value.  Pure.
 */
int relc_appfile_parse(struct relc_app *out, const char *buf, size_t len,
		       const char *path, const char *expect,
		       struct relc_arena *arena, struct relc_error *err);

/* Build a relc_names from a proper list of atoms. */
void relc_names_from_term(struct relc_names *out, const struct relc_term *list,
			  struct relc_arena *arena);
int relc_names_has(const struct relc_names *names, const char *name);

/*
 * Compare two version strings the way people read them: numeric runs as
 * numbers ("1.10" > "1.9"), other characters bytewise.
 */
int relc_vsn_compare(const char *a, const char *b);

#endif
