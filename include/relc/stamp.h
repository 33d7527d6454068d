/*
 * stamp.h: what a release directory records about the build that made it
 * (RELEASE/.relc/stamp), so that relc knows, without mtimes:
 *
 *   - that the directory is a release relc made (the marker: relc only
 *     ever replaces a directory that holds one);
 *   - whether it is up to date: a key, the digest of the effective
 *     settings, the environment, relc itself, the plan (every decision and
 *     every generated file) and the fingerprints of the inputs (path,
 *     size, mtime, inode of every file an application or ERTS contributes);
 *   - which files relc wrote there (type, mode, size, mtime, inode), to
 *     check that they are still what it wrote, to reuse an application's
 *     unchanged copy, and to tell them from files that are not relc's,
 *     which a rebuild carries over.
 *
 * The format is line-based text, versioned by its first line; names are
 * percent-encoded.  Parsing and formatting are pure (and fuzzed).
 */
#ifndef RELC_STAMP_H
#define RELC_STAMP_H

#include <stddef.h>
#include <stdint.h>

#include "relc/arena.h"

struct relc_error;
struct relc_plan;
struct relc_strbuf;
struct relc_strset;

#define RELC_STAMP_VERSION 1
/* Where a release keeps its stamp, relative to its root. */
#define RELC_STAMP_DIR ".relc"
#define RELC_STAMP_FILE ".relc/stamp"

struct relc_stamp_entry {
	char type; /* 'f' file, 'l' symbolic link, 'd' directory */
	unsigned mode;
	uint64_t size;
	int64_t mtime_ns;
	uint64_t ino;
	const char *path; /* relative to the release root */
};

/* The fingerprint an application's (or ERTS's) copy was made from. */
struct relc_stamp_part {
	const char *dirname; /* lib/NAME-VSN's NAME-VSN, or erts-VSN */
	char fingerprint[33];
};

struct relc_stamp {
	unsigned version;
	const char *relc_version;
	const char *name, *vsn, *env;
	char key[65];
	struct relc_stamp_part *parts;
	size_t nparts;
	struct relc_stamp_entry *entries; /* sorted by path */
	size_t nentries;
	struct relc_arena arena; /* owns the strings */
};

/* Parse the text of a stamp (path: for messages).  Pure. */
int relc_stamp_parse(struct relc_stamp *out, const char *buf, size_t len,
		     const char *path, struct relc_error *err);
/* The text of a stamp.  Pure. */
void relc_stamp_format(struct relc_strbuf *out, const struct relc_stamp *st);
void relc_stamp_release(struct relc_stamp *st);

/*
 * Read ROOT/.relc/stamp.  Returns 1 (nothing read, no error) when the
 * directory has none.
 */
int relc_stamp_read(struct relc_stamp *out, const char *root,
		    struct relc_error *err);

/*
 * Fingerprint the inputs of every application the plan copies and of
 * ERTS (into plan->apps[i].fingerprint and plan->erts_fingerprint), with
 * the walk the copy will make, so that its errors come here first; on up
 * to `threads` threads (0: one per CPU).
 */
int relc_stamp_fingerprint(struct relc_plan *plan, unsigned threads,
			   struct relc_error *err);

/*
 * The fingerprint of an application's inputs, made as its copy walks
 * them (a build with no previous release to compare with copies first):
 * begin, then for each of its directories the label and every entry of
 * the walk, then relc_hash_final_hex.  ERTS's: relc_hash_init, then the
 * label "bin".  relc_stamp_fingerprint makes the same, without copying.
 */
struct relc_hash;
struct relc_plan_app;
struct relc_walk_entry;
void relc_stamp_fp_app_begin(struct relc_hash *h, const struct relc_plan *plan,
			     const struct relc_plan_app *pa);
void relc_stamp_fp_label(struct relc_hash *h, const char *label);
void relc_stamp_fp_entry(struct relc_hash *h, const struct relc_walk_entry *e);

/*
 * The key of a build: the plan (fingerprinted), the settings' canonical
 * text and relc's identity (version, and the binary's inode, size and
 * mtime).
 */
void relc_stamp_key(char out[65], const struct relc_plan *plan,
		    const char *settings, const char *relc_identity);

/*
 * A piece of a tree's record: what ROOT/unit holds, as stamp entries
 * (paths malloc'ed).  Recording one uses no arena, so jobs can record
 * their own pieces as they finish (the copy does, for each application).
 */
struct relc_stamp_piece {
	char *unit; /* release-relative */
	struct relc_stamp_entry *v;
	size_t n, alloc;
	int done;
};

int relc_stamp_record_piece(struct relc_stamp_piece *pc, const char *root,
			    const char *unit, struct relc_error *err);
void relc_stamp_piece_release(struct relc_stamp_piece *pc);

/*
 * Record what the tree at root holds (but .relc/) as the stamp's entries,
 * and the plan's parts; `key` and the names from the plan.  The pieces
 * in `ready` (each application's directory, say, recorded by the copy)
 * are taken over as they are; the rest is walked on up to `threads`
 * threads (0: one per CPU).
 */
int relc_stamp_record(struct relc_stamp *out, const char *root,
		      const struct relc_plan *plan, const char *key,
		      const char *relc_version, struct relc_stamp_piece *ready,
		      size_t nready, unsigned threads, struct relc_error *err);

/*
 * Check the entries against the tree at root.  Every entry that differs
 * (missing, another type, size, mtime or inode) puts the part it is in
 * ("lib/NAME-VSN", "erts-VSN", or for other files the file itself) into
 * `damaged`.  Returns the number of entries that differ.
 */
size_t relc_stamp_verify(const struct relc_stamp *st, const char *root,
			 struct relc_strset *damaged);

/*
 * One input file of the generated files, for the key: "input PATH SIZE
 * MTIME INODE MODE" (the file a link leads to), or "input PATH -" when
 * there is none.
 */
void relc_stamp_input(struct relc_strbuf *out, const char *path);

/* The part of the release `path` belongs to, as verify names it. */
void relc_stamp_part_of(struct relc_strbuf *out, const char *path);

/* Names in relc's state files: bytes <= ' ', '%' and DEL as %XX. */
void relc_stamp_escape(struct relc_strbuf *out, const char *s);
/* The reverse, into out (replaced); -1 for a malformed name. */
int relc_stamp_unescape(struct relc_strbuf *out, const char *s, size_t len);

/* The entry for `path` (relc wrote it), or NULL. */
const struct relc_stamp_entry *relc_stamp_find(const struct relc_stamp *st,
					       const char *path);

/* The fingerprint the stamp recorded for part `dirname`, or NULL. */
const char *relc_stamp_fingerprint_of(const struct relc_stamp *st,
				      const char *dirname);

#endif
