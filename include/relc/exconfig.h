/*
 * exconfig.h: a mix project's build-time application config.
 *
 * config/config.exs (with its imports, for the build's environment) is
 * evaluated by the project's Elixir, as `mix release` does, at most once
 * per build: the result is cached under _build/ENV/relc-exconfig/, keyed
 * by the content of every file the evaluation read, the environment and
 * the elixir executable.  Elixir hands the result over as an Erlang
 * external term, which relc decodes (etf.h) into the term that becomes
 * releases/VSN/sys.config.  A value that sys.config cannot hold (a
 * function, a pid, a reference, a port) is an error naming the
 * application and the key.
 */
#ifndef RELC_EXCONFIG_H
#define RELC_EXCONFIG_H

#include <stddef.h>

struct relc_arena;
struct relc_error;
struct relc_strbuf;
struct relc_term;

struct relc_exconfig {
	/* [{App, [{Key, Value}]}], or NULL: the project has no config.exs */
	const struct relc_term *config;
	const char *
	    *files; /* the files the evaluation read, config.exs first */
	size_t nfiles;
	int evaluated; /* 1: elixir ran; 0: the cache answered */
};

struct relc_exconfig_in {
	const char *project;	 /* the project directory */
	const char *env;	 /* the environment: MIX_ENV and _build/ENV */
	const char *elixir_root; /* the setting (relative to the project), or
				    NULL: the elixir on path_env */
	const char *path_env;	 /* $PATH, for elixir and its erl */
};

/*
 * Evaluate PROJECT/config/config.exs for `env`, or take the cached result
 * when none of the files it read changed.  A project without
 * config/config.exs gets out->config NULL and no Elixir is needed.
 */
int relc_exconfig_load(struct relc_exconfig *out,
		       const struct relc_exconfig_in *in,
		       struct relc_arena *arena, struct relc_error *err);

/* ---- the pure parts, for tests ------------------------------------------- */

/*
 * Decode what the evaluation wrote: term_to_binary of {ok, Config, Files}
 * or {bad, [{App, Key, Inspected}]} (Inspected: the value as Elixir's
 * inspect/1 shows it, a binary).  `what` ("config/config.exs (prod)")
 * starts the messages.
 */
int relc_exconfig_decode(struct relc_exconfig *out, const void *etf, size_t len,
			 const char *what, struct relc_arena *arena,
			 struct relc_error *err);

/*
 * The cache key: SHA-256 (hex) of the environment, the elixir executable
 * (`elixir_id`: its path and what stat says of it) and each file's path
 * and content, in order.  A file that cannot be read counts as missing.
 */
void relc_exconfig_key(char out[65], const char *env, const char *elixir_id,
		       const char *const *files, size_t nfiles);

/*
 * sys.config from a template over the Elixir config: for each application
 * of `over` (the template's list), its keys replace those of `base`; the
 * other keys of base stay; applications only one has are kept.  Both must
 * be lists of {App, KeywordList}; an error otherwise (`what` names the
 * template).
 */
int relc_exconfig_merge(const struct relc_term **out,
			const struct relc_term *base,
			const struct relc_term *over, const char *what,
			struct relc_arena *arena, struct relc_error *err);

/* The Elixir program that evaluates the config (for tests and docs). */
extern const char relc_exconfig_program[];

#endif
