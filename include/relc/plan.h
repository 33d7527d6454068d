/*
 * plan.h: the release's layout, computed once.
 *
 * After resolution, every decision about what the release holds is taken
 * here and nowhere else: which applications are copied, linked (dev_mode)
 * or left to the target's OTP, with which of their directories; whether
 * ERTS is carried; every file relc generates (under releases/, bin/, the
 * erl launcher), with its contents; and what the archive holds.  The
 * writer (copy.c, place.c), the stamp (stamp.c) and the archive manifest
 * read the plan; none of them decides anything about the layout.
 */
#ifndef RELC_PLAN_H
#define RELC_PLAN_H

#include <stddef.h>
#include <sys/types.h>

#include "relc/archive.h"
#include "relc/strbuf.h"

struct relc_app;
struct relc_arena;
struct relc_error;
struct relc_otp;
struct relc_settings;
struct relc_relspec;
struct relc_bootapp;
struct relc_upfrom;

enum relc_plan_how {
	RELC_PLAN_COPY,	 /* copied into lib/NAME-VSN */
	RELC_PLAN_LINK,	 /* lib/NAME-VSN is a relative symbolic link to it */
	RELC_PLAN_TARGET /* not in the release: the target's OTP has it */
};

/* The directories of an application that go into the release. */
enum relc_plan_subdirs {
	RELC_PLAN_EBIN = 1 << 0,
	RELC_PLAN_PRIV = 1 << 1,
	RELC_PLAN_SRC = 1 << 2,
	RELC_PLAN_INCLUDE = 1 << 3
};

struct relc_plan_app {
	const struct relc_app *app;
	const char *dirname; /* NAME-VSN, under lib/ */
	enum relc_plan_how how;
	unsigned subdirs;     /* enum relc_plan_subdirs */
	int strip;	      /* strip BEAM files */
	const char *link;     /* LINK: the link's text, relative to lib/ */
	char fingerprint[33]; /* of its inputs (stamp.c fills it in) */
};

/* What a listed path of the release is made of. */
enum relc_plan_kind {
	RELC_PLAN_DATA,	  /* a file of the bytes in `data` (rendered lazily;
			     from the template `src` when it is set) */
	RELC_PLAN_FILE,	  /* a copy of the file `src` */
	RELC_PLAN_DIR,	  /* a directory */
	RELC_PLAN_SYMLINK /* a symbolic link to `src` (its text) */
};

struct relc_plan_file {
	const char *path; /* relative to the release root */
	struct relc_strbuf data;
	mode_t mode;
	enum relc_plan_kind kind;
	const char *src;    /* FILE, SYMLINK, DATA from a template */
	unsigned line, col; /* of the config entry it comes from; 0 for
			       relc's own files */
};

struct relc_plan {
	const char *name, *vsn, *env;
	const char *erts_vsn;
	/*
	 * ERTS: carried when erts_src is set (OTP_ROOT/erts-VSN/bin; the
	 * release's erts-VSN/bin gets its files but the development tools,
	 * the templates and the scripts that hard-code the OTP root).
	 */
	const char *erts_src;
	const char *erts_dirname; /* "erts-VSN" */
	char erts_fingerprint[33];
	int system_libs; /* OTP's applications are carried too */
	int dev_mode;
	/* priv/: links that leave the application are followed */
	int follow_external_links;

	struct relc_plan_app *apps; /* in .rel order */
	size_t napps;
	struct relc_plan_file *files; /* generated, sorted by path; their
					 contents once rendered */
	size_t nfiles, afiles;
	const char *config;	    /* the config's path, for messages */
	const char *vm_args_src;    /* the templates of vm.args and */
	const char *sys_config_src; /* sys.config; NULL: relc's own */
	struct relc_strbuf inputs;  /* what the contents depend on */
	struct relc_archive_alias *aliases; /* archive entries that are
					     other files renamed */
	size_t naliases;
};

/* What the plan is made from. */
struct relc_plan_in {
	const struct relc_relspec *spec;
	const struct relc_bootapp *boot; /* in boot order */
	size_t nboot;
	const struct relc_otp *otp;
	const struct relc_settings *settings;
	const char *env;
	const char *project; /* the project directory */
	const char *out_dir; /* where the release goes (for dev_mode links) */
	const char *relc_version;
	/*
	 * A mix project's consolidated protocols (_build/ENV/lib/APP/
	 * consolidated, or _build/ENV/consolidated for an umbrella), when
	 * there are: their BEAM files go to releases/VSN/consolidated/,
	 * first on the boot scripts' code path.  NULL: none.
	 */
	const char *consolidated;
	/*
	 * A mix project (mix.exs): its config/runtime.exs is copied to
	 * releases/VSN/runtime.exs.
	 */
	int mix;
	/*
	 * Its build-time config (exconfig.h): the term sys.config is made
	 * of (merged with the sys_config template, if any), and the files
	 * it was read from.  NULL: none.
	 */
	const struct relc_term *exconfig;
	const char *const *exconfig_files;
	size_t nexconfig_files;
	/*
	 * A hot upgrade (upfrom.h): releases/VSN/relup, and the generated
	 * appups in their applications' ebin/.  NULL: none.
	 */
	const struct relc_upfrom *upfrom;
};

/*
 * Make the plan: the layout, and the paths of the generated files
 * (relfiles.c).  The plan's strings live in `arena`; release it with
 * relc_plan_release.
 */
int relc_plan_make(struct relc_plan *out, const struct relc_plan_in *in,
		   struct relc_arena *arena, struct relc_error *err);

/*
 * Make the contents of the generated files, for a build that writes:
 * reads the project's config/ files and rel/templates/.
 */
int relc_plan_render(struct relc_plan *plan, const struct relc_plan_in *in,
		     struct relc_arena *arena, struct relc_error *err);
void relc_plan_release(struct relc_plan *plan);

/*
 * Once the applications' fingerprints are made: fold into each the files
 * the plan adds inside it (a generated appup), so that a copy with other
 * such files is never reused.  Call once per build.
 */
void relc_plan_seal_fingerprints(struct relc_plan *plan);

/* Add a generated file (for relfiles.c); data is moved into the plan. */
void relc_plan_add_file(struct relc_plan *plan, struct relc_arena *arena,
			const char *path, struct relc_strbuf *data,
			mode_t mode);
/*
 * Add an entry of another kind (userfiles.c): `src` (copied into the
 * arena) as enum relc_plan_kind says; line/col of its config entry.
 */
struct relc_plan_file *relc_plan_add(struct relc_plan *plan,
				     struct relc_arena *arena,
				     enum relc_plan_kind kind, const char *path,
				     const char *src, mode_t mode);

/*
 * The archive entries that are the release's .rel under other names
 * (releases/NAME.rel and releases/NAME-VSN.rel, which
 * release_handler:unpack_release/1 looks for); strings in arena.
 */
void relc_plan_rel_aliases(struct relc_archive_alias out[2], const char *name,
			   const char *vsn, struct relc_arena *arena);

/* Sort the list again after adding to it (by path). */
void relc_plan_sort(struct relc_plan *plan);

/* The generated file at `path`, or NULL. */
const struct relc_plan_file *relc_plan_file(const struct relc_plan *plan,
					    const char *path);

/*
 * The text the build's stamp hashes: every decision, every generated
 * file's path and what its contents depend on, one line each (the
 * inputs' fingerprints included, so stamp.c fills them in first).
 */
void relc_plan_describe(struct relc_strbuf *out, const struct relc_plan *plan);

/*
 * The paths of the release that go into its archive, relative to its root,
 * sorted: directories (walked whole) and files.  Aliases come separately
 * (plan->aliases).
 */
void relc_plan_archive_roots(const struct relc_plan *plan, const char ***paths,
			     size_t *n, struct relc_arena *arena);

#endif
