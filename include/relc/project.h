/*
 * project.h: where things are in a project: its directory, its release
 * config, the default release directory and archive place.
 */
#ifndef RELC_PROJECT_H
#define RELC_PROJECT_H

#include "relc/strbuf.h"

struct relc_error;
struct relc_settings;

struct relc_project {
	struct relc_strbuf dir;	   /* the project directory */
	struct relc_strbuf config; /* its release config */
};

/*
 * The project is project_dir, or the directory that holds the config's
 * rel/ (or the config's own directory), or ".".  The config is
 * config_path, or PROJECT/rel/relc.yaml, which must exist.
 */
int relc_project_locate(struct relc_project *p, const char *project_dir,
			const char *config_path, struct relc_error *err);
void relc_project_release(struct relc_project *p);

/* PROJECT/rel (no "./" in front for the project "."). */
void relc_project_path(const struct relc_project *p, struct relc_strbuf *out,
		       const char *rel);

/* The release directory: output_dir, or PROJECT/_build/ENV/rel/NAME. */
int relc_project_out_dir(struct relc_strbuf *out, const struct relc_project *p,
			 const struct relc_settings *s, const char *env,
			 const char *name, struct relc_error *err);

/*
 * Where NAME-VSN.SUFFIX goes: next to the release directory, or for the
 * default one in _build/ENV/ (where mix puts its tarball).
 */
int relc_project_archive_path(struct relc_strbuf *out, const char *out_dir,
			      const struct relc_settings *s,
			      const char *file_name, struct relc_error *err);

struct relc_arena;
struct relc_mix_project;

/*
 * Is the project a mix project (a mix.exs in its directory)?  Returns 1
 * with *out what the mix.exs says (projscan.h), 0 when there is no
 * mix.exs, -1 when it cannot be read.
 */
int relc_project_mix(struct relc_mix_project *out, const struct relc_project *p,
		     struct relc_arena *arena, struct relc_error *err);

#endif
