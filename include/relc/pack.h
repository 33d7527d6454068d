/*
 * pack.h: a release's archive: what the plan says goes in, read from the
 * release directory (whose stamp has just been checked), written by
 * archive.c.  An existing file at the destination is replaced only when
 * it is an archive (gzip, zstd or tar); anything else is refused.
 */
#ifndef RELC_PACK_H
#define RELC_PACK_H

struct relc_archive_manifest;
struct relc_archive_opts;
struct relc_error;
struct relc_plan;
struct relc_stamp;

/*
 * List the archive of the release at root into m (checksums computed),
 * and, when dest is not NULL, write it there.  Only the files the stamp
 * says relc wrote go in (its entries are sorted by path).
 */
int relc_pack(struct relc_archive_manifest *m, const struct relc_plan *plan,
	      const struct relc_stamp *stamp, const char *root,
	      const char *dest, const struct relc_archive_opts *opts,
	      struct relc_error *err);

/*
 * Write at dest the archive of the release at root that the stamp
 * describes (the previous release in an output directory, about to be
 * replaced), without its plan: every file the stamp lists but its own,
 * and the .rel at the top of releases/ as relc_plan_make's aliases put it.
 */
int relc_pack_previous(const struct relc_stamp *stamp, const char *root,
		       const char *dest, const struct relc_archive_opts *opts,
		       struct relc_error *err);

/*
 * May an archive be written at dest?  Only when there is nothing there, an
 * empty file, or an archive (gzip, zstd or tar).
 */
int relc_pack_check_dest(const char *dest, struct relc_error *err);

#endif
