/*
 * copy.h: filling a new release tree with the applications and ERTS the
 * plan names.
 *
 * Each application is copied (its ebin/ files, BEAM files stripped when
 * the plan says so; priv/, and src/ and include/ with include_src), linked
 * (dev_mode), or, when its fingerprint is the one the previous build
 * recorded and its copy there is intact, hard-linked from the previous
 * release, which costs a link per file instead of a copy.  Applications
 * are copied on several threads.
 *
 * Symbolic links in the sources are followed (the release holds the files
 * they point to, as mix does); a dangling link or a loop is an error that
 * names it, and so is a link in priv/ that leads out of the application
 * unless follow_external_links allows it.  FIFOs, sockets and devices are
 * refused.  Copies lose group and world write and setuid/setgid: files get
 * mode & 0755, directories (mode & 0755) | 0700.  Everything is created
 * with O_EXCL in directories the copy has just made.
 */
#ifndef RELC_COPY_H
#define RELC_COPY_H

#include <stddef.h>

#include "relc/strbuf.h"

struct relc_error;
struct relc_plan;
struct relc_plan_app;
struct relc_stamp;
struct relc_stamp_piece;
struct relc_strset;
struct relc_walk_opts;

struct relc_copy_stats {
	size_t files;	 /* files copied */
	size_t bytes;	 /* bytes written */
	size_t stripped; /* BEAM files stripped */
	size_t reused;	 /* files hard-linked from the previous release */
};

struct relc_copy_in {
	struct relc_plan *plan;
	const char *staging; /* the new tree (exists, empty) */
	/* The release it replaces, to reuse from (NULL: none). */
	const char *previous;
	const struct relc_stamp *prev_stamp;
	const struct relc_strset *damaged; /* parts that changed there */
	unsigned jobs;			   /* threads; 0: one per CPU */
	/*
	 * Make the fingerprints of the applications and ERTS as they are
	 * copied (into the plan): for a build that had no previous release
	 * to compare them with, so did not make them before.
	 */
	int fingerprint;
	/*
	 * Or NULL: where each application's (and ERTS's) copy is recorded
	 * for the stamp as soon as it is made (napps + 1 pieces, in job
	 * order; see relc_stamp_record).
	 */
	struct relc_stamp_piece *pieces;
	/* A job of the caller's to run alongside (rendering), or NULL. */
	int (*also)(void *ctx, struct relc_error *err);
	void *also_ctx;
};

/* Copy, link or reuse every application and ERTS into in->staging. */
int relc_copy_release(struct relc_copy_stats *stats,
		      const struct relc_copy_in *in, struct relc_error *err);

/* Write the plan's generated files into the tree at root. */
int relc_copy_files(const struct relc_plan *plan, const char *root,
		    struct relc_error *err);

/*
 * Copy one application into LIB_DIR/NAME-VSN (which must not exist); with
 * a fingerprint buffer (33 bytes), make its inputs' fingerprint too.
 */
int relc_copy_app(const struct relc_plan *plan, const struct relc_plan_app *pa,
		  const char *lib_dir, struct relc_copy_stats *stats,
		  char *fingerprint, struct relc_error *err);

/* Copy the plan's ERTS into ROOT/erts-VSN/bin (without erl). */
int relc_copy_erts(const struct relc_plan *plan, const char *root,
		   struct relc_copy_stats *stats, char *fingerprint,
		   struct relc_error *err);

/*
 * The subdirectories of the plan application `pa` that go into the
 * release, in order: their source paths (in `srcs`, arena-free strbufs
 * the caller releases) and names ("ebin", "priv", ...).  Returns how
 * many (at most 4).
 */
size_t relc_copy_sources(const struct relc_plan_app *pa,
			 struct relc_strbuf srcs[4], const char *names[4]);

enum relc_copy_walk {
	/* only the files at the top (ebin/, ERTS's bin/) */
	RELC_COPY_FLAT = 1 << 0,
	/*
	 * links must stay in the tree (the project's applications: OTP's and
	 * Elixir's come from an installation, whose packages may link their
	 * files elsewhere, as Debian's link jquery into /usr/share)
	 */
	RELC_COPY_CONTAIN = 1 << 1
};

/*
 * How a source tree is walked, for the copy and for the fingerprint that
 * must see the same files (`how`: enum relc_copy_walk); `paths` holds the
 * real paths the options point to (where links must stay, the
 * application they must not lead to) and is the caller's to release.
 * Returns 1 when src does not exist (nothing to copy).
 */
int relc_copy_walk_opts(struct relc_walk_opts *o, struct relc_strbuf paths[2],
			const struct relc_plan *plan, const char *src,
			unsigned how, struct relc_error *err);

/* How the copy walks subdirectory number i of relc_copy_sources. */
unsigned relc_copy_how(const struct relc_plan_app *pa, size_t i);

/* Is `name` a file of ERTS's bin/ that a release leaves out? */
int relc_copy_erts_excluded(const char *name);

#endif
