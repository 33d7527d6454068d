/*
 * scaffold.h: relc init: find out what kind of project a directory holds
 * (mix, rebar3, plain Erlang; umbrella or not), its applications and
 * version, from its own files (projscan.h), and write a starter rel/:
 * relc.yaml, vm.args, sys.config (not for mix), env.sh, a post_start hook
 * and a custom command, from the embedded templates templates/init_*.
 *
 * Nothing is overwritten without `force`: when any of the files exists,
 * nothing at all is written.
 */
#ifndef RELC_SCAFFOLD_H
#define RELC_SCAFFOLD_H

#include <stddef.h>

#include "relc/arena.h"
#include "relc/strbuf.h"

struct relc_error;

enum relc_project_kind { RELC_KIND_MIX, RELC_KIND_REBAR3, RELC_KIND_PLAIN };

#define RELC_SCAFFOLD_MAX_FILES 6

struct relc_scaffold_file {
	const char *path;     /* relative to the project: "rel/relc.yaml" */
	const char *template; /* the embedded template: "init_relc.yaml" */
	unsigned mode;	      /* 0644, or 0755 for scripts */
	struct relc_strbuf text;
};

struct relc_scaffold {
	enum relc_project_kind kind;
	int umbrella;
	const char *release; /* the release's name */
	/*
	 * The release's version.  When the release is named like one of its
	 * applications, the config leaves it to that application's vsn (and
	 * shows it commented out): NULL when that is not known yet.
	 * Otherwise it is written: the one the project gives, else "0.1.0".
	 */
	const char *vsn;
	const char **apps; /* the applications, the top-level one first */
	size_t napps;
	struct relc_scaffold_file files[RELC_SCAFFOLD_MAX_FILES];
	size_t nfiles;
	struct relc_arena arena; /* owns the strings above */
};

struct relc_init_opts {
	const char *dir;     /* the project (NULL: ".") */
	const char *release; /* the release's name (NULL: from the project) */
	int force;	     /* overwrite the files that exist */
};

/*
 * Look at the project in `dir`: its kind, applications, release name
 * (`release`, else the top-level application's, else relx's, else the
 * directory's) and version.  Reads files; writes nothing.  Fails when
 * dir is no mix, rebar3 or Erlang project, or its files do not say
 * what the application is called.
 */
int relc_scaffold_detect(struct relc_scaffold *s, const char *dir,
			 const char *release, struct relc_error *err);

/* Render the starter files of a detected project into s->files.  Pure. */
int relc_scaffold_render(struct relc_scaffold *s, struct relc_error *err);

/*
 * Write s->files under dir, mode as given, each through an atomic file.
 * Without force, when any exists (even as a dangling link), write nothing
 * and fail naming the first.  When a write fails, the files this call
 * created are removed again.
 */
int relc_scaffold_write(const struct relc_scaffold *s, const char *dir,
			int force, struct relc_error *err);

/* detect, render, write: relc init. */
int relc_scaffold_init(struct relc_scaffold *s,
		       const struct relc_init_opts *opts,
		       struct relc_error *err);

void relc_scaffold_release(struct relc_scaffold *s);

/* "mix", "rebar3", "plain Erlang" */
const char *relc_scaffold_kind_name(enum relc_project_kind kind);

/*
 * What to run before `relc build --env prod`: "MIX_ENV=prod mix compile",
 * "rebar3 compile", or NULL for a plain project (compile it your way).
 */
const char *relc_scaffold_compile_cmd(enum relc_project_kind kind);

#endif
