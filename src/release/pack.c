/*
 * pack.c: a release's archive (see pack.h).
 */
#include "relc/compat.h"
#include "relc/pack.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relc/archive.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/plan.h"
#include "relc/stamp.h"

int
relc_pack_check_dest(const char *dest, struct relc_error *err)
{
	unsigned char head[512];
	struct stat st;
	ssize_t n;
	int fd;

	if (lstat(dest, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return relc_error_errno(err, "cannot stat '%s'", dest);
	}
	if (!S_ISREG(st.st_mode))
		return relc_error_set(err, RELC_EIO,
				      "'%s' is %s: relc writes an archive "
				      "only over an archive",
				      dest, relc_fs_type_name(st.st_mode));
	if (!st.st_size)
		return 0;
	fd = open(dest, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return relc_error_errno(err, "cannot open '%s'", dest);
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return 0;
	if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f &&
	    head[3] == 0xfd)
		return 0;
	if (n == (ssize_t)sizeof(head) && !memcmp(head + 257, "ustar", 5))
		return 0;
	return relc_error_set(
	    err, RELC_EUSAGE,
	    "'%s' exists and is not an archive: relc does not "
	    "overwrite it",
	    dest);
}

/* Only what relc wrote: never an operator's file in lib/APP-VSN/. */
static int
written(void *ctx, const char *path)
{
	return relc_stamp_find(ctx, path) != NULL;
}

int
relc_pack(struct relc_archive_manifest *m, const struct relc_plan *plan,
	  const struct relc_stamp *stamp, const char *root, const char *dest,
	  const struct relc_archive_opts *opts, struct relc_error *err)
{
	struct relc_arena arena;
	const char **paths;
	size_t n;
	int r = -1;

	relc_arena_init(&arena);
	if (dest && relc_pack_check_dest(dest, err))
		goto out;
	relc_plan_archive_roots(plan, &paths, &n, &arena);
	if (relc_archive_manifest(m, root, paths, n, plan->aliases,
				  plan->naliases, written, (void *)stamp, err))
		goto out;
	r = dest ? relc_archive_write(m, dest, opts, err)
		 : relc_archive_checksum(m, err);
out:
	relc_arena_release(&arena);
	return r;
}

int
relc_pack_previous(const struct relc_stamp *stamp, const char *root,
		   const char *dest, const struct relc_archive_opts *opts,
		   struct relc_error *err)
{
	struct relc_archive_manifest m;
	struct relc_archive_alias aliases[2];
	struct relc_arena arena;
	struct relc_strbuf top = RELC_STRBUF_INIT;
	const char **paths;
	size_t i, n = 0;
	int r = -1;

	memset(&m, 0, sizeof(m));
	relc_arena_init(&arena);
	paths = relc_arena_array(&arena, stamp->nentries + 1, sizeof(*paths));
	/* the top-level names of what it lists, each once (walked whole,
	   what relc wrote kept) */
	for (i = 0; i < stamp->nentries; i++) {
		const char *p = stamp->entries[i].path, *slash = strchr(p, '/');
		size_t k;

		relc_strbuf_reset(&top);
		relc_strbuf_add(&top, p,
				slash ? (size_t)(slash - p) : strlen(p));
		for (k = 0; k < n && strcmp(paths[k], top.buf); k++)
			;
		if (k == n && strcmp(top.buf, ".relc"))
			paths[n++] = relc_arena_strdup(&arena, top.buf);
	}
	relc_plan_rel_aliases(aliases, stamp->name, stamp->vsn, &arena);
	if (relc_pack_check_dest(dest, err) ||
	    relc_archive_manifest(&m, root, paths, n, aliases, 2, written,
				  (void *)stamp, err) ||
	    relc_archive_write(&m, dest, opts, err))
		goto out;
	r = 0;
out:
	relc_archive_manifest_release(&m);
	relc_arena_release(&arena);
	relc_strbuf_release(&top);
	return r;
}
