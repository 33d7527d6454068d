/*
 * config.h: rel/relc.yaml, parsed with libyaml and checked against the
 * schema in docs/config.md.  Every error names file:line:col.
 */
#ifndef RELC_CONFIG_H
#define RELC_CONFIG_H

#include <stddef.h>

#include "relc/arena.h"

struct relc_error;
struct relc_strbuf;

enum relc_start_type {
	RELC_START_DEFAULT = 0, /* not given: derived from the dependents */
	RELC_PERMANENT,
	RELC_TRANSIENT,
	RELC_TEMPORARY,
	RELC_LOAD,
	RELC_NONE
};

/* The atom systools uses for a start type ("permanent", ...). */
const char *relc_start_type_name(enum relc_start_type type);

/* One entry of releases.NAME.applications. */
struct relc_goal {
	const char *name;
	enum relc_start_type type;
	const char *vsn; /* a pinned version, or NULL */
	int has_incl;	 /* included_applications overridden? */
	const char **incl;
	size_t nincl;
	unsigned line, col;
};

/*
 * The settings a release or an environment may set.  The ids index
 * relc_settings.where and the bits of relc_settings.set, and are the order
 * of the settings table in config.c (relc_settings_key(id) is the key).
 */
enum relc_setting_id {
	RELC_S_INCLUDE_ERTS,
	RELC_S_INCLUDE_SRC,
	RELC_S_STRIP_BEAMS,
	RELC_S_DEV_MODE,
	RELC_S_OUTPUT_DIR,
	RELC_S_LIB_DIRS,
	RELC_S_ELIXIR_ROOT,
	RELC_S_FOLLOW_EXTERNAL_LINKS,
	RELC_S_VM_ARGS,
	RELC_S_SYS_CONFIG,
	RELC_S_ENV_FILE,
	RELC_S_COOKIE,
	RELC_S_COOKIE_FILE,
	RELC_S_HOOKS,
	RELC_S_COMMANDS,
	RELC_S_OVERLAY_VARS,
	RELC_S_OVERLAYS,
	RELC_S_UPFROM,
	RELC_S__COUNT
};

/* One entry of a mapping setting (hooks, commands, overlay_vars). */
struct relc_kv {
	const char *key, *value;
	unsigned line, col; /* of the key */
};

enum relc_overlay_kind {
	RELC_OVERLAY_MKDIR,
	RELC_OVERLAY_COPY,
	RELC_OVERLAY_LINK,
	RELC_OVERLAY_TEMPLATE
};

/* One entry of `overlays`. */
struct relc_overlay {
	enum relc_overlay_kind kind;
	const char *from; /* NULL for mkdir; a link's target for link */
	const char *to;	  /* relative to the release root */
	unsigned line, col;
};

/* The hooks, in the order they run in a release's life. */
extern const char *const relc_hook_names[];
extern const size_t relc_nhook_names;
/* The commands of bin/NAME that a `commands:` entry cannot replace. */
extern const char *const relc_builtin_commands[];
extern const size_t relc_nbuiltin_commands;

struct relc_settings {
	unsigned set; /* bit (1 << id) for each setting given */
	struct {
		const char *file;
		unsigned line, col;
	} where[RELC_S__COUNT]; /* where each was given, for messages */

	int include_erts;      /* copy ERTS (and OTP apps) into the release */
	const char *erts_path; /* include_erts: PATH (an OTP root) */
	int include_src;
	int strip_beams;
	int dev_mode;
	const char *output_dir;
	const char **lib_dirs;
	size_t nlib_dirs;
	const char *elixir_root;
	int follow_external_links; /* priv/ links may leave the application */
	const char *vm_args;	   /* templates of vm.args and sys.config */
	const char *sys_config;
	const char *env_file;	     /* -> releases/VSN/env.sh */
	const char *cookie;	     /* baked into releases/COOKIE */
	const char *cookie_file;     /* read by bin/NAME at run time */
	const struct relc_kv *hooks; /* hook name -> file or directory */
	size_t nhooks;
	const struct relc_kv *commands; /* command name -> script */
	size_t ncommands;
	const struct relc_kv *overlay_vars;
	size_t noverlay_vars;
	const struct relc_overlay *overlays;
	size_t noverlays;
	const char *upfrom; /* the release to make a relup from: a version
			       or a path (upfrom.h) */
};

struct relc_release_config {
	const char *name;
	const char *vsn; /* NULL: the vsn of the app named like it */
	int has_goals;	 /* was `applications` given? */
	struct relc_goal *goals;
	size_t ngoals;
	struct relc_settings settings;
	unsigned line, col;
};

struct relc_env_config {
	const char *name;
	struct relc_settings settings;
	unsigned line, col;
};

struct relc_config {
	const char *path;
	const char *default_release; /* `release:` or NULL */
	const char *default_env;     /* `environment:` or NULL */
	unsigned release_line, release_col, env_line, env_col;
	struct relc_release_config *releases;
	size_t nreleases;
	struct relc_env_config *envs;
	size_t nenvs;
	struct relc_arena arena; /* owns everything above */
};

/*
 * Parse the YAML text of a config.  `path` is used in messages.  Pure (no
 * I/O); the result is freed with relc_config_free().
 */
int relc_config_parse(struct relc_config **out, const char *buf, size_t len,
		      const char *path, struct relc_error *err);
/* Read and parse the file at path. */
int relc_config_load(struct relc_config **out, const char *path,
		     struct relc_error *err);
void relc_config_free(struct relc_config *cfg);

/*
 * The built-in defaults, from the settings table: include_erts and
 * strip_beams true, the other booleans false, the paths unset.
 */
void relc_settings_defaults(struct relc_settings *s);
/* Apply the settings given in `over` on top of `base`. */
void relc_settings_merge(struct relc_settings *base,
			 const struct relc_settings *over);

/*
 * Append the canonical text of the effective settings in `s`: one
 * "key=value\n" line per setting, in table order.  A boolean is true or
 * false; a path is double-quoted, with backslash, double quote and the
 * control characters escaped (\\, \", \xNN); an unset path is empty; a
 * list of paths is ["a","b"]; include_erts is true, false or its quoted
 * path.  Different settings never give the same text, so the build's
 * stamp hashes it to notice a change of settings.
 */
void relc_settings_describe(struct relc_strbuf *out,
			    const struct relc_settings *s);

/*
 * The settings table, for tests and documentation: the number of settings
 * (RELC_S__COUNT), and the key and one-line description of setting `id`.
 */
size_t relc_settings_count(void);
const char *relc_settings_key(size_t id);
const char *relc_settings_doc(size_t id);

/*
 * Pick the release and environment to build: the names given (NULL: the
 * config's defaults; for the environment then $MIX_ENV, then "prod") and
 * compute the effective settings (defaults, then the release's, then the
 * environment's).  *env_out is borrowed from the config or `env`.
 */
int relc_config_select(const struct relc_release_config **rel_out,
		       const char **env_out, struct relc_settings *settings,
		       const struct relc_config *cfg, const char *release,
		       const char *env, const char *mix_env,
		       struct relc_error *err);

#endif
