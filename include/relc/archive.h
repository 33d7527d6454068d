/*
 * archive.h: release tarballs, written with libarchive (the only module
 * that uses it) and gzip.c.
 *
 * A tarball is reproducible: its entries are sorted by path, each path is
 * there once, directories come before their contents, every entry has
 * uid and gid 0, no user or group name, the same mtime, and a normalized
 * mode (0755 for directories and executables, 0644 for other files), and
 * the gzip header holds no time.  What goes in is the caller's choice
 * (for a release, the plan's: see plan.h); this module knows tarballs,
 * not releases.
 */
#ifndef RELC_ARCHIVE_H
#define RELC_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

struct relc_error;

enum relc_archive_format {
	RELC_ARCHIVE_TAR_GZ,
	RELC_ARCHIVE_TAR_ZST,
	RELC_ARCHIVE_TAR
};

/* The mtime of every entry when SOURCE_DATE_EPOCH is not set: 1980-01-01. */
#define RELC_ARCHIVE_DEFAULT_MTIME 315532800LL

struct relc_archive_opts {
	enum relc_archive_format format;
	int level;	  /* compression level; 0: the format's default */
	long long mtime;  /* of every entry */
	unsigned threads; /* gzip threads; 0: one per CPU */
};

enum relc_entry_type { RELC_ENTRY_DIR, RELC_ENTRY_FILE, RELC_ENTRY_SYMLINK };

struct relc_archive_entry {
	char *path;   /* in the archive, no leading "./" or "/" */
	char *source; /* the file it comes from */
	enum relc_entry_type type;
	unsigned mode;	 /* normalized permissions */
	uint64_t size;	 /* files */
	char *target;	 /* symbolic links */
	char sha256[65]; /* files, once written or listed */
};

struct relc_archive_manifest {
	struct relc_archive_entry *v;
	size_t n;
};

/* Parse "tar.gz", "tar.zst" or "tar". */
int relc_archive_parse_format(enum relc_archive_format *out, const char *s,
			      struct relc_error *err);
/* The file name suffix: ".tar.gz", ... */
const char *relc_archive_suffix(enum relc_archive_format format);

/* An entry that is the file ROOT/source under another path. */
struct relc_archive_alias {
	const char *path;
	const char *source;
};

/*
 * The entries of an archive of the tree at `root`: each of `paths`
 * (relative to root; a directory with all it holds, links not followed)
 * under the same path, the directories above them, and the aliases;
 * sorted, each path once.  With `keep`, only the paths it says yes to (a
 * directory it says no to is not looked into).  Checksums are not
 * computed yet.
 */
int relc_archive_manifest(struct relc_archive_manifest *out, const char *root,
			  const char *const *paths, size_t npaths,
			  const struct relc_archive_alias *aliases,
			  size_t naliases,
			  int (*keep)(void *ctx, const char *path),
			  void *keep_ctx, struct relc_error *err);
/* Compute the sha256 of every file entry. */
int relc_archive_checksum(struct relc_archive_manifest *m,
			  struct relc_error *err);
void relc_archive_manifest_release(struct relc_archive_manifest *m);

/*
 * Write the entries of m to `dest`: through a temporary file next to it,
 * fsynced and renamed into place, so that a failure leaves no partial
 * archive.  Fills in the checksums as it goes.
 */
int relc_archive_write(struct relc_archive_manifest *m, const char *dest,
		       const struct relc_archive_opts *opts,
		       struct relc_error *err);

/*
 * Extract the archive at `path` (any format libarchive reads) into the
 * existing, empty directory `dest`.  Entries with absolute paths or ".."
 * are refused, and so are links that would lead out of dest.
 */
int relc_archive_extract(const char *path, const char *dest,
			 struct relc_error *err);

/*
 * Read the regular files of the archive at `path` in place, without
 * writing anything: for each entry `want` says yes to (its path without a
 * leading "./"), `got` receives its contents (at most `max` bytes, else
 * an error).  Either callback returns -1 (with err filled) to stop.
 */
int relc_archive_read(const char *path, size_t max,
		      int (*want)(void *ctx, const char *entry),
		      int (*got)(void *ctx, const char *entry, const void *data,
				 size_t len, struct relc_error *err),
		      void *ctx, struct relc_error *err);

#endif
