/*
 * release.h: `relc build`, the whole pipeline.  This is the only module that
 * knows the order of the stages: config, OTP, discovery, resolution, the
 * systools checks and sort, the boot scripts, and the atomic placement of
 * the result.
 */
#ifndef RELC_RELEASE_H
#define RELC_RELEASE_H

#include <stddef.h>

struct relc_error;

struct relc_build_opts {
	const char *project_dir; /* NULL: the current directory */
	const char *config_path; /* NULL: PROJECT/rel/relc.yaml */
	const char *release;	 /* NULL: the config's default */
	const char *env;	 /* NULL: config, then $MIX_ENV, prod */
	/* The environment, passed in so that the library reads none: */
	const char *path_env; /* $PATH, to find erl and elixir */
	const char *mix_env;  /* $MIX_ENV */
};

struct relc_build_app {
	char *name, *vsn, *type;
};

struct relc_build_result {
	char *name, *vsn, *env;
	char *output_dir;
	char *otp_version, *erts_vsn;
	struct relc_build_app *apps; /* in boot order */
	size_t napps;
	size_t files, bytes, stripped; /* what was copied */
};

int relc_release_build(struct relc_build_result *res,
		       const struct relc_build_opts *opts,
		       struct relc_error *err);
void relc_build_result_release(struct relc_build_result *res);

#endif
