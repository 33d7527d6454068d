/*
 * upfrom.h: the build side of a hot upgrade.
 *
 * The release being built is compared with an earlier release of the
 * same name, read in place from its directory or its tarball: each
 * application whose version changed gets an appup (its own, checked, or
 * one generated from its BEAM files), and the release gets the relup
 * that systools:make_relup would write for them.
 */
#ifndef RELC_UPFROM_H
#define RELC_UPFROM_H

#include <stddef.h>

#include "relc/resolve.h"
#include "relc/strbuf.h"

struct relc_arena;
struct relc_error;

struct relc_upfrom_in {
	/*
	 * What to upgrade from: a version, or a path (it has a '/' or ends
	 * in .tar.gz, .tgz or .tar) of a release directory or tarball,
	 * relative to `base`.
	 */
	const char *upfrom;
	const char *base;
	const char *project; /* its rel/appups/APP.appup are appups too */
	/* For a version: the output directory, which may hold it, and the
	 * tarball relc archive would have written for it. */
	const char *out_dir;
	const char *archive;
	const struct relc_relspec *to; /* the release being built */
	/* A mix project's consolidated protocols (the new release's), NULL:
	 * none. */
	const char *consolidated;
};

/* An appup of the upgrade. */
struct relc_upfrom_appup {
	const char *app;
	const char *dirname; /* the new application's NAME-VSN */
	const char *path;    /* its file, for messages: the application's
				own, the project's rel/appups/APP.appup, or
				where the release holds the generated one */
	int generated;	     /* relc made it */
	const char *dest;    /* where the release gets `text` (a generated
				appup, or the project's): NULL, none */
	struct relc_strbuf text;
};

struct relc_upfrom {
	/* Where the old release is (relc_upfrom_locate): */
	const char *source; /* its directory or tarball */
	int is_tar;
	const char *asked; /* the version asked for; NULL: a path */
	/* What it is for the stamp's key, from stat() alone (and the
	 * project's rel/appups/): the old release read only when building. */
	struct relc_strbuf identity;

	/* What the upgrade adds (relc_upfrom_make): */
	int made;
	const char *vsn; /* of the old release */
	struct relc_relspec from;
	struct relc_upfrom_appup *appups;
	size_t nappups;
	struct relc_strbuf relup; /* the file releases/VSN/relup */
};

/*
 * Find the release to upgrade from (errors: it is not there) and fill in
 * its identity, cheaply: a build that is up to date reads no more.
 */
int relc_upfrom_locate(struct relc_upfrom *out, const struct relc_upfrom_in *in,
		       struct relc_arena *arena, struct relc_error *err);
/*
 * Read it (a tarball in place, through libarchive), check it, and make
 * the appups and the relup.  Strings live in `arena`; release the rest
 * with relc_upfrom_release.
 */
int relc_upfrom_make(struct relc_upfrom *u, const struct relc_upfrom_in *in,
		     struct relc_arena *arena, struct relc_error *err);
void relc_upfrom_release(struct relc_upfrom *u);

/* Is `upfrom` a path (else a version)? */
int relc_upfrom_is_path(const char *upfrom);

#endif
