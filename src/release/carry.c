/*
 * carry.c: keeping what a previous release holds that relc did not write
 * (see carry.h).
 */
#include "relc/compat.h"
#include "relc/carry.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/stamp.h"
#include "relc/walk.h"
#include "relc/xalloc.h"

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
is_real_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

#define JOURNAL ".relc/carried"
#define MAX_JOURNAL ((size_t)64 << 20)

static int write_journal(const struct relc_carry *c, struct relc_error *err);
static void carry_late(const char *old, const char *neu);

/*
 * What is in the previous release and not relc's goes into the new tree
 * as hard links (so the previous release stays whole until the swap, and
 * a file a running node holds open is the same file in both).  Where a
 * link cannot be made, the entry is moved instead.  After the swap, what
 * appeared in the old tree meanwhile is moved over too.
 */

/*
 * Is OLD/path relc's?  What the previous build's stamp lists, or when its
 * stamp cannot be read, what relc's layout has: bin/NAME, erts-VSN, lib/,
 * releases/ but for releases/COOKIE, and .relc.
 */
static int
made(const struct relc_carry *c, const char *path)
{
	const char *slash = strchr(path, '/');

	if (!c->by_layout)
		return relc_strset_has(&c->made, path);
	if (!slash)
		return !strcmp(path, "bin") || !strcmp(path, "lib") ||
		       !strcmp(path, "releases") || !strncmp(path, "erts-", 5);
	if (!strncmp(path, "bin/", 4))
		return !strchr(path + 4, '/'); /* bin/NAME and its like */
	if (!strncmp(path, "releases/", 9))
		return strcmp(path, "releases/COOKIE") != 0;
	return !strncmp(path, "lib/", 4) || !strncmp(path, "erts-", 5);
}

/* What the new tree has where the old has a directory. */
enum new_has {
	NEW_DIR,  /* a directory: look at each entry */
	NEW_NONE, /* nothing: what is kept gets directories made for it */
	NEW_OTHER /* a file or a link (dev_mode's): nothing can be kept */
};

static enum new_has
new_has(struct relc_carry *c, const char *rel, enum new_has parent)
{
	struct relc_strbuf neu = RELC_STRBUF_INIT;
	struct stat st;
	enum new_has r;

	if (parent != NEW_DIR)
		return parent;
	relc_strbuf_addstr(&neu, c->staging);
	relc_path_append(&neu, rel);
	if (lstat(neu.buf, &st) < 0)
		r = NEW_NONE;
	else
		r = S_ISDIR(st.st_mode) ? NEW_DIR : NEW_OTHER;
	relc_strbuf_release(&neu);
	return r;
}

/*
 * Find what is not relc's under OLD/rel (a directory; `here` says what
 * the new tree has at rel).  An entry the new release has too is a
 * conflict, unless both are directories (then their contents are looked
 * at).
 */
static int
find_carried(struct relc_carry *c, const char *rel, enum new_has here,
	     struct relc_error *err)
{
	struct relc_strbuf old = RELC_STRBUF_INIT, child = RELC_STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	int r = -1;

	relc_strbuf_addstr(&old, c->release);
	if (*rel)
		relc_path_append(&old, rel);
	if (relc_fs_list_dir(&names, &n, old.buf, 0, err))
		goto out;
	for (i = 0; i < n; i++) {
		struct stat so;
		enum new_has there;

		relc_strbuf_reset(&child);
		if (*rel)
			relc_strbuf_addf(&child, "%s/", rel);
		relc_strbuf_addstr(&child, names[i]);
		if (!strcmp(child.buf, RELC_STAMP_DIR))
			continue; /* relc's own */
		relc_strbuf_reset(&old);
		relc_strbuf_addstr(&old, c->release);
		relc_path_append(&old, child.buf);
		if (lstat(old.buf, &so) < 0)
			continue;
		there = new_has(c, child.buf, here);
		if (made(c, child.buf)) {
			/* relc's: look inside its directories for others' */
			if (S_ISDIR(so.st_mode) &&
			    find_carried(c, child.buf, there, err))
				goto out;
			continue;
		}
		if (there == NEW_DIR && S_ISDIR(so.st_mode)) {
			if (find_carried(c, child.buf, NEW_DIR, err))
				goto out;
			continue;
		}
		if (there != NEW_NONE || here == NEW_OTHER) {
			relc_error_set(err, RELC_ECONFIG,
				       "'%s' was not made by relc, and the new "
				       "release has a '%s' of its own: move it "
				       "out of the way and build again",
				       old.buf,
				       here == NEW_OTHER ? rel : child.buf);
			goto out;
		}
		RELC_ALLOC_GROW(c->found, c->nfound + 1, c->afound);
		c->found[c->nfound++] = relc_xstrdup(child.buf);
	}
	r = 0;
out:
	relc_fs_free_names(names, n);
	relc_strbuf_release(&old);
	relc_strbuf_release(&child);
	return r;
}

struct linker {
	int dfd[RELC_WALK_MAX_DEPTH + 2]; /* destinations by depth */
	struct relc_strbuf dst;
	size_t dst_len;
};

static const char *
link_dst(struct linker *l, const struct relc_walk_entry *e)
{
	relc_strbuf_setlen(&l->dst, l->dst_len);
	if (*e->rel) {
		relc_strbuf_addch(&l->dst, '/');
		relc_strbuf_addstr(&l->dst, e->rel);
	}
	return l->dst.buf;
}

static int
link_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct linker *l = ctx;
	int pfd = e->depth ? l->dfd[e->depth - 1] : AT_FDCWD;
	const char *name = e->depth ? e->name : link_dst(l, e);

	switch (e->kind) {
	case RELC_WALK_DIR:
		if (mkdirat(pfd, name, 0700) < 0)
			return relc_error_errno(err, "cannot create '%s'",
						link_dst(l, e));
		l->dfd[e->depth] = openat(
		    pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (l->dfd[e->depth] < 0)
			return relc_error_errno(err, "cannot open '%s'",
						link_dst(l, e));
		return 0;
	case RELC_WALK_DIR_POST:
		(void)fchmod(l->dfd[e->depth], e->st->st_mode & 07777);
		close(l->dfd[e->depth]);
		l->dfd[e->depth] = -1;
		return 0;
	default:
		if (linkat(e->dirfd, e->name, pfd, name, 0) == 0)
			return 0;
		if (errno != EPERM && errno != EMLINK && errno != EOPNOTSUPP &&
		    errno != EXDEV)
			return relc_error_errno(err, "cannot link '%s' to '%s'",
						e->path, link_dst(l, e));
		/*
		 * No hard link here (another owner's file under
		 * protected_hardlinks, too many links): it is moved after the
		 * swap (relc_place_commit); nothing leaves the previous
		 * release before.
		 */
		return 0;
	}
}

/* Hard-link the tree OLD/rel into NEW/rel. */
static int
link_tree(struct relc_carry *c, const char *rel, struct relc_error *err)
{
	static const struct relc_walk_opts opts = {
	    .flags = RELC_WALK_POST | RELC_WALK_UNSTOPPABLE};
	struct relc_strbuf src = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT;
	struct linker l;
	size_t i;
	int r;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < RELC_ARRAY_SIZE(l.dfd); i++)
		l.dfd[i] = -1;
	relc_strbuf_addstr(&src, c->release);
	relc_path_append(&src, rel);
	relc_strbuf_addstr(&l.dst, c->staging);
	relc_path_append(&l.dst, rel);
	l.dst_len = l.dst.len;
	relc_path_dirname(&dir, l.dst.buf);
	r = 0;
	if (!relc_fs_is_dir(dir.buf)) {
		relc_warnf(
		    c->warn, c->warn_ctx,
		    "kept '%s', which relc did not make, in the new release, "
		    "though its directory is no longer part of it",
		    rel);
		r = relc_fs_mkdirs(dir.buf, 0755, err);
	}
	if (!r)
		r = relc_walk(src.buf, &opts, link_entry, &l, err) ? -1 : 0;
	for (i = 0; i < RELC_ARRAY_SIZE(l.dfd); i++)
		if (l.dfd[i] >= 0)
			close(l.dfd[i]);
	relc_strbuf_release(&src);
	relc_strbuf_release(&dir);
	relc_strbuf_release(&l.dst);
	return r;
}

void
relc_carry_release(struct relc_carry *c)
{
	size_t i;

	for (i = 0; i < c->nfound; i++)
		free(c->found[i]);
	free(c->found);
	relc_strset_release(&c->made);
	c->found = NULL;
	c->nfound = c->afound = 0;
}

int
relc_carry_over(struct relc_carry *c, struct relc_error *err)
{
	size_t i;

	if (c->prev)
		for (i = 0; i < c->prev->nentries; i++)
			relc_strset_add(&c->made, c->prev->entries[i].path);
	if (find_carried(c, "", NEW_DIR, err))
		return -1;
	for (i = 0; i < c->nfound; i++)
		if (link_tree(c, c->found[i], err))
			return -1;
	return c->nfound ? write_journal(c, err) : 0;
}

void
relc_carry_finish(const struct relc_carry *c, const char *old_tree)
{
	struct relc_strbuf old = RELC_STRBUF_INIT, neu = RELC_STRBUF_INIT;
	size_t i;

	for (i = 0; i < c->nfound; i++) {
		relc_strbuf_reset(&old);
		relc_strbuf_addstr(&old, old_tree);
		relc_path_append(&old, c->found[i]);
		relc_strbuf_reset(&neu);
		relc_strbuf_addstr(&neu, c->release);
		relc_path_append(&neu, c->found[i]);
		carry_late(old.buf, neu.buf);
	}
	relc_strbuf_reset(&neu);
	relc_strbuf_addstr(&neu, c->release);
	relc_path_append(&neu, JOURNAL);
	(void)unlink(neu.buf);
	relc_strbuf_release(&old);
	relc_strbuf_release(&neu);
}

/*
 * After the swap: what the old tree (now at `old`) holds of a carried
 * entry and the new tree (at `neu`) lacks (a file that could not be
 * linked, one that appeared after the links were made) is moved over.
 */
static void
carry_late(const char *old, const char *neu)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf a = RELC_STRBUF_INIT, b = RELC_STRBUF_INIT,
			   dir = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;

	if (!exists(old))
		return;
	if (!exists(neu)) {
		relc_path_dirname(&dir, neu);
		if (!relc_fs_mkdirs(dir.buf, 0755, &ignored))
			(void)rename(old, neu);
		goto out;
	}
	/* into directories, never through links */
	if (!is_real_dir(old) || !is_real_dir(neu) ||
	    relc_fs_list_dir(&names, &n, old, 1, &ignored))
		goto out;
	for (i = 0; i < n; i++) {
		relc_strbuf_reset(&a);
		relc_strbuf_addstr(&a, old);
		relc_path_append(&a, names[i]);
		relc_strbuf_reset(&b);
		relc_strbuf_addstr(&b, neu);
		relc_path_append(&b, names[i]);
		carry_late(a.buf, b.buf);
	}
	relc_fs_free_names(names, n);
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&a);
	relc_strbuf_release(&b);
	relc_strbuf_release(&dir);
}

/*
 * The journal of a carry-over: RELEASE/.relc/carried in the new tree,
 * written before the swap.  Its first line names the staging directory
 * (which holds the old tree after the swap), the others the carried
 * entries.  A run killed after the swap and before carry_late finished
 * leaves it in the release; the next run finishes the moves.
 */
static int
write_journal(const struct relc_carry *c, struct relc_error *err)
{
	struct relc_strbuf text = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	size_t i;
	int r;

	relc_stamp_escape(&text, relc_path_basename(c->staging));
	relc_strbuf_addch(&text, '\n');
	for (i = 0; i < c->nfound; i++) {
		relc_stamp_escape(&text, c->found[i]);
		relc_strbuf_addch(&text, '\n');
	}
	relc_strbuf_addstr(&path, c->staging);
	relc_path_append(&path, RELC_STAMP_DIR);
	r = relc_fs_mkdirs(path.buf, 0755, err);
	relc_strbuf_reset(&path);
	relc_strbuf_addstr(&path, c->staging);
	relc_path_append(&path, JOURNAL);
	if (!r)
		r = relc_fs_write_new(path.buf, text.buf, text.len, 0644, 1,
				      err);
	relc_strbuf_release(&text);
	relc_strbuf_release(&path);
	return r;
}

/* Finish the moves the journal of RELEASE (in parent) lists, if any. */
void
relc_carry_recover(const char *parent, const char *release)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT,
			   rel = RELC_STRBUF_INIT, old = RELC_STRBUF_INIT,
			   neu = RELC_STRBUF_INIT;
	const char *line, *end;
	int first = 1;

	relc_strbuf_addstr(&path, release);
	relc_path_append(&path, JOURNAL);
	if (relc_fs_read_file(&text, path.buf, MAX_JOURNAL, 1, &ignored))
		goto out;
	for (line = text.buf; line < text.buf + text.len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(text.buf + text.len - line));
		if (!end)
			break;
		if (relc_stamp_unescape(&rel, line, (size_t)(end - line)) ||
		    !relc_path_relative_ok(rel.buf))
			break;
		if (first) {
			/* the old tree, in the same parent */
			if (strchr(rel.buf, '/') ||
			    strncmp(rel.buf, ".relc-", 6))
				break;
			relc_strbuf_addstr(&old, parent);
			relc_path_append(&old, rel.buf);
			if (!exists(old.buf)) /* a swap without exchange */
				relc_strbuf_addstr(&old, ".old");
			first = 0;
			continue;
		}
		relc_strbuf_reset(&neu);
		relc_strbuf_addstr(&neu, old.buf);
		relc_path_append(&neu, rel.buf);
		relc_strbuf_reset(&path);
		relc_strbuf_addstr(&path, release);
		relc_path_append(&path, rel.buf);
		carry_late(neu.buf, path.buf);
	}
	relc_strbuf_reset(&path);
	relc_strbuf_addstr(&path, release);
	relc_path_append(&path, JOURNAL);
	(void)unlink(path.buf);
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	relc_strbuf_release(&rel);
	relc_strbuf_release(&old);
	relc_strbuf_release(&neu);
}
