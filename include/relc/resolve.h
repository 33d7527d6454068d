/*
 * resolve.h: from the release's configured applications to the contents of
 * its .rel file: the dependency closure, each application's start type and
 * the order of the entries.
 */
#ifndef RELC_RESOLVE_H
#define RELC_RESOLVE_H

#include <stddef.h>

#include "relc/appfile.h"
#include "relc/config.h"

struct relc_arena;
struct relc_error;
struct relc_strbuf;

/* One entry of the .rel file. */
struct relc_relapp {
	const struct relc_app *app;
	enum relc_start_type type; /* never RELC_START_DEFAULT */
	int has_incl;		   /* {App, Vsn, [Type,] InclApps} form */
	struct relc_names incl;
};

/* The .rel file: {release, {Name, Vsn}, {erts, ErtsVsn}, Apps}. */
struct relc_relspec {
	const char *name;
	const char *vsn;
	const char *erts_vsn;
	struct relc_relapp *apps;
	size_t napps;
};

/*
 * Look up an application by name (and version, when not NULL).  Returns 0
 * with *out set, 1 when there is none, -1 on error (see discover.h).
 */
typedef int (*relc_lookup_fn)(const struct relc_app **out, void *ctx,
			      const char *name, const char *vsn,
			      struct relc_error *err);

struct relc_resolve_in {
	const struct relc_release_config *rel;
	const char *config_path; /* for file:line:col in messages */
	const char *erts_vsn;
	relc_lookup_fn lookup;
	void *ctx;
	/* For messages: append the versions found of `name`, if any. */
	void (*describe)(struct relc_strbuf *out, void *ctx, const char *name);
	const char *searched; /* where applications were looked for */
	/*
	 * A mix project: `elixir` is always in the release (permanent, after
	 * kernel and stdlib and before sasl, as mix lists them) and `iex` is
	 * loaded unless the config gives it a type.
	 */
	int mix;
	/*
	 * The application a release without `applications` is for (a mix
	 * project's app: in mix.exs); NULL: the one named like the release.
	 */
	const char *project_app;
};

/*
 * Resolve the release.  The applications are kernel, stdlib and sasl (and
 * for a mix project elixir, and iex loaded), the configured ones (without
 * any, in->project_app or the one named like the release), and
 * everything they need (`applications`,
 * `included_applications`, and `optional_applications` that exist), in
 * depth-first order with dependencies first.  Start types not configured
 * are inherited from the applications that need them (the strongest wins;
 * included applications are loaded, not started).  Pure apart from the
 * lookup callback.
 */
int relc_resolve(struct relc_relspec *out, const struct relc_resolve_in *in,
		 struct relc_arena *arena, struct relc_error *err);

/*
 * mix's check: an application that the boot script starts cannot need one
 * that is only loaded (load or none), since application:start would fail
 * with {not_started, Dep}.  Run after relc_graph_sort, so that systools'
 * own errors come first.
 */
int relc_resolve_check_types(const struct relc_relspec *rel,
			     const struct relc_release_config *cfg,
			     const char *config_path, struct relc_error *err);

/* The .rel term for a spec (entries in the form systools reads). */
const struct relc_term *relc_relspec_term(const struct relc_relspec *rel,
					  struct relc_arena *arena);

#endif
