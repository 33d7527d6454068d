/*
 * release.h: `relc build`, the whole pipeline.  This is the only module that
 * knows the order of the stages: config, OTP, discovery, resolution, the
 * systools checks and sort, the boot scripts, and the atomic placement of
 * the result.
 */
#ifndef RELC_RELEASE_H
#define RELC_RELEASE_H

#include <stddef.h>

#include "relc/archive.h"

struct relc_error;

struct relc_build_opts {
	const char *project_dir; /* NULL: the current directory */
	const char *config_path; /* NULL: PROJECT/rel/relc.yaml */
	const char *release;	 /* NULL: the config's default */
	const char *env;	 /* NULL: config, then $MIX_ENV, prod */
	/* The environment, passed in so that the library reads none: */
	const char *path_env;  /* $PATH, to find erl and elixir */
	const char *mix_env;   /* $MIX_ENV */
	const char *self_path; /* relc itself: a newer relc rebuilds */

	int force;     /* rebuild even when up to date; adopt an existing
			  directory that relc did not make (keeping what it
			  holds); never overrides the containment rules */
	unsigned jobs; /* threads for copying and compressing; 0: one per
			  CPU */
	/* A hot upgrade from this version or path (relative to the current
	 * directory); NULL: the config's upfrom, if any. */
	const char *upfrom;
	/* Warnings (not errors) go here; NULL: dropped. */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;

	/* Archives (relc archive, relc build --archive): */
	int archive;		  /* write NAME-VSN.tar.gz too */
	int manifest;		  /* list what the archive holds */
	const char *archive_path; /* NULL: next to the release */
	struct relc_archive_opts archive_opts;
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
	int built;		       /* 0: it was up to date */
	size_t files, bytes, stripped; /* what was copied */
	size_t reused;	    /* files hard-linked from the previous release */
	char *archive_path; /* the archive written, if any */
	/* A hot upgrade: from which version, read where, and its appups. */
	char *upfrom_vsn, *upfrom_source;
	size_t appups_generated, appups_own;
	/* the old release, read from the output directory it leaves: kept
	 * as this archive */
	char *kept_archive;
	struct relc_archive_manifest manifest; /* archive or manifest asked */
};

/*
 * Build the release, unless the one in the output directory is up to date
 * (its stamp's key is this build's and its files are what relc wrote;
 * see stamp.h) and force is not set; then, when asked, write its archive
 * and list its entries.  In a dev_mode environment an archive is
 * refused.
 */
int relc_release_build(struct relc_build_result *res,
		       const struct relc_build_opts *opts,
		       struct relc_error *err);
void relc_build_result_release(struct relc_build_result *res);

#endif
