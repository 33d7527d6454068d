/*
 * discover.h: where the compiled applications are.
 *
 * An index maps application names to the directories that hold them, in
 * the order the sources were added (the project's build output first, the
 * OTP installation last).  .app files are read only when an application
 * is looked up.
 */
#ifndef RELC_DISCOVER_H
#define RELC_DISCOVER_H

#include <stddef.h>

#include "relc/appfile.h"

struct relc_arena;
struct relc_error;
struct relc_strbuf;

struct relc_appindex;

/* The index allocates from `arena`, which must outlive it. */
struct relc_appindex *relc_appindex_new(struct relc_arena *arena);
void relc_appindex_free(struct relc_appindex *idx);

/*
 * Add a source directory.  A directory with an ebin/ is one application;
 * otherwise each subdirectory with an ebin/ is one (a lib/ directory such
 * as _build/prod/lib or an OTP root's lib/).  A source added later ranks
 * lower; within one source the highest version wins.  Returns 1 when dir
 * does not exist and `missing_ok`.
 */
int relc_appindex_add(struct relc_appindex *idx, const char *dir,
		      enum relc_app_origin origin, int missing_ok,
		      struct relc_error *err);

/*
 * Find application `name` (of version `vsn`, or the best one when NULL).
 * Returns 0 and sets *out, 1 when there is no such application (err is
 * left alone), or -1 when a .app file that had to be read is broken.
 */
int relc_appindex_lookup(const struct relc_app **out, struct relc_appindex *idx,
			 const char *name, const char *vsn,
			 struct relc_error *err);

/*
 * For messages: the versions of `name` that exist ("1.0 in DIR, ..."),
 * and the source directories searched.
 */
void relc_appindex_describe(struct relc_strbuf *out, struct relc_appindex *idx,
			    const char *name);
void relc_appindex_sources(struct relc_strbuf *out,
			   const struct relc_appindex *idx);

struct relc_settings;

/* Where a project's applications may be. */
struct relc_discover_in {
	const char *project;		      /* the project directory */
	const char *env;		      /* _build/ENV/lib */
	const struct relc_settings *settings; /* lib_dirs, elixir_root */
	const char *otp_root;
	const char *path_env; /* $PATH, to find elixir */
};

/*
 * Add a project's sources, best first: lib_dirs; _build/ENV/lib, then
 * _build/default/lib; the project itself when it has an ebin/, and
 * the directories in deps/; Elixir's lib/ (elixir_root, or the elixir on PATH);
 * the OTP installation's lib/.
 */
int relc_discover_project(struct relc_appindex *idx,
			  const struct relc_discover_in *in,
			  struct relc_error *err);

#endif
