/*
 * archive.c: reproducible release tarballs (see archive.h).
 */
#include "relc/compat.h"
#include "relc/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relc/atomicfile.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/gzip.h"
#include "relc/interrupt.h"
#include "relc/path.h"
#include "relc/sha256.h"
#include "relc/strbuf.h"
#include "relc/strset.h"
#include "relc/walk.h"
#include "relc/xalloc.h"

#define COPY_BUF ((size_t)256 * 1024)

int
relc_archive_parse_format(enum relc_archive_format *out, const char *s,
			  struct relc_error *err)
{
	if (!strcmp(s, "tar.gz") || !strcmp(s, "tgz"))
		*out = RELC_ARCHIVE_TAR_GZ;
	else if (!strcmp(s, "tar.zst"))
		*out = RELC_ARCHIVE_TAR_ZST;
	else if (!strcmp(s, "tar"))
		*out = RELC_ARCHIVE_TAR;
	else
		return relc_error_set(
		    err, RELC_EUSAGE,
		    "unknown archive format '%s' (use tar.gz, "
		    "tar.zst or tar)",
		    s);
	return 0;
}

const char *
relc_archive_suffix(enum relc_archive_format format)
{
	switch (format) {
	case RELC_ARCHIVE_TAR_ZST:
		return ".tar.zst";
	case RELC_ARCHIVE_TAR:
		return ".tar";
	default:
		return ".tar.gz";
	}
}

/* ---- the manifest -------------------------------------------------------- */

struct list {
	struct relc_archive_entry *v;
	size_t n, alloc;
	struct relc_strset paths;
	const char *prefix; /* the path in the archive of the walk's root */
	struct relc_strbuf tmp;
	int (*keep)(void *ctx, const char *path);
	void *keep_ctx;
};

static struct relc_archive_entry *
add(struct list *l, const char *path, const char *source,
    enum relc_entry_type type)
{
	struct relc_archive_entry *e;

	if (!relc_strset_add(&l->paths, path))
		return NULL;
	RELC_ALLOC_GROW(l->v, l->n + 1, l->alloc);
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->path = relc_xstrdup(path);
	e->source = relc_xstrdup(source);
	e->type = type;
	e->mode = type == RELC_ENTRY_FILE  ? 0644
		  : type == RELC_ENTRY_DIR ? 0755
					   : 0777;
	return e;
}

/* The directories above `path` (in the archive), if not there yet. */
static void
add_parents(struct list *l, const char *path, const char *root)
{
	const char *slash;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		relc_strbuf_reset(&l->tmp);
		relc_strbuf_add(&l->tmp, path, (size_t)(slash - path));
		if (relc_strset_has(&l->paths, l->tmp.buf))
			continue;
		add(l, l->tmp.buf, root, RELC_ENTRY_DIR);
	}
}

static int
add_entry(const struct relc_walk_entry *we, void *ctx, struct relc_error *err)
{
	struct list *l = ctx;
	struct relc_archive_entry *e;
	struct relc_strbuf path = RELC_STRBUF_INIT;

	if (we->kind == RELC_WALK_OTHER)
		return relc_error_set(err, RELC_EIO,
				      "'%s' is %s, which an archive does not "
				      "hold",
				      we->path,
				      relc_fs_type_name(we->st->st_mode));
	relc_strbuf_addstr(&path, l->prefix);
	if (*we->rel)
		relc_path_append(&path, we->rel);
	if (l->keep && !l->keep(l->keep_ctx, path.buf)) {
		relc_strbuf_release(&path);
		return we->kind == RELC_WALK_DIR ? RELC_WALK_SKIP : 0;
	}
	e = add(l, path.buf, we->path,
		we->kind == RELC_WALK_DIR    ? RELC_ENTRY_DIR
		: we->kind == RELC_WALK_LINK ? RELC_ENTRY_SYMLINK
					     : RELC_ENTRY_FILE);
	relc_strbuf_release(&path);
	if (!e)
		return 0;
	if (e->type == RELC_ENTRY_SYMLINK) {
		e->target = relc_xstrdup(we->target);
	} else if (e->type == RELC_ENTRY_FILE) {
		e->size = (uint64_t)we->st->st_size;
		if (we->st->st_mode & 0111)
			e->mode = 0755;
	}
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct relc_archive_entry *)a)->path,
		      ((const struct relc_archive_entry *)b)->path);
}

int
relc_archive_manifest(struct relc_archive_manifest *out, const char *root,
		      const char *const *paths, size_t npaths,
		      const struct relc_archive_alias *aliases, size_t naliases,
		      int (*keep)(void *ctx, const char *path), void *keep_ctx,
		      struct relc_error *err)
{
	static const struct relc_walk_opts opts = {.flags = 0};
	struct list l;
	struct relc_strbuf src = RELC_STRBUF_INIT;
	size_t i;
	int r = -1;

	memset(&l, 0, sizeof(l));
	l.keep = keep;
	l.keep_ctx = keep_ctx;
	out->v = NULL;
	out->n = 0;
	for (i = 0; i < npaths; i++) {
		relc_strbuf_reset(&src);
		relc_strbuf_addstr(&src, root);
		relc_path_append(&src, paths[i]);
		add_parents(&l, paths[i], root);
		l.prefix = paths[i];
		if (relc_walk(src.buf, &opts, add_entry, &l, err))
			goto out;
	}
	for (i = 0; i < naliases; i++) {
		struct relc_archive_entry *e;
		struct stat st;

		relc_strbuf_reset(&src);
		relc_strbuf_addstr(&src, root);
		relc_path_append(&src, aliases[i].source);
		if (lstat(src.buf, &st) < 0 || !S_ISREG(st.st_mode)) {
			relc_error_errno(err, "cannot read '%s'", src.buf);
			goto out;
		}
		add_parents(&l, aliases[i].path, root);
		e = add(&l, aliases[i].path, src.buf, RELC_ENTRY_FILE);
		if (e)
			e->size = (uint64_t)st.st_size;
		else
			RELC_BUG("'%s' twice in an archive", aliases[i].path);
	}
	qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
	r = 0;
out:
	relc_strbuf_release(&src);
	relc_strbuf_release(&l.tmp);
	relc_strset_release(&l.paths);
	out->v = l.v;
	out->n = l.n;
	if (r)
		relc_archive_manifest_release(out);
	return r;
}

void
relc_archive_manifest_release(struct relc_archive_manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].source);
		free(m->v[i].target);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* ---- writing ------------------------------------------------------------- */

/*
 * Read the file of entry e in chunks, calling fn on each, and fill in its
 * checksum.  The file must still have the size the manifest saw.
 */
static int
each_chunk(struct relc_archive_entry *e,
	   int (*fn)(void *ctx, const void *buf, size_t len,
		     struct relc_error *err),
	   void *ctx, unsigned char *buf, struct relc_error *err)
{
	static const char hex[] = "0123456789abcdef";
	struct relc_sha256 sha;
	unsigned char digest[32];
	uint64_t done = 0;
	int fd, r = -1, i;

	fd = open(e->source, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return relc_error_errno(err, "cannot open '%s'", e->source);
	relc_sha256_init(&sha);
	for (;;) {
		ssize_t n;

		if (relc_interrupt_check(err))
			goto out;
		n = read(fd, buf, COPY_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			relc_error_errno(err, "cannot read '%s'", e->source);
			goto out;
		}
		if (!n)
			break;
		if ((uint64_t)n > e->size - done) {
			relc_error_set(err, RELC_EIO,
				       "'%s' grew while it was being archived",
				       e->source);
			goto out;
		}
		relc_sha256_update(&sha, buf, (size_t)n);
		if (fn && fn(ctx, buf, (size_t)n, err))
			goto out;
		done += (uint64_t)n;
	}
	if (done != e->size) {
		relc_error_set(err, RELC_EIO,
			       "'%s' shrank while it was being archived",
			       e->source);
		goto out;
	}
	relc_sha256_final(&sha, digest);
	for (i = 0; i < 32; i++) {
		e->sha256[2 * i] = hex[digest[i] >> 4];
		e->sha256[2 * i + 1] = hex[digest[i] & 15];
	}
	e->sha256[64] = '\0';
	r = 0;
out:
	close(fd);
	return r;
}

int
relc_archive_checksum(struct relc_archive_manifest *m, struct relc_error *err)
{
	unsigned char *buf = relc_xmalloc(COPY_BUF);
	size_t i;
	int r = 0;

	for (i = 0; i < m->n && !r; i++)
		if (m->v[i].type == RELC_ENTRY_FILE)
			r = each_chunk(&m->v[i], NULL, NULL, buf, err);
	free(buf);
	return r;
}

/* Where libarchive's output goes: the file, or the gzip writer. */
struct sink {
	int fd;
	struct relc_gzip *gz;
	struct relc_error *err;
	int failed;
};

static la_ssize_t
sink_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct sink *s = ctx;

	(void)a;
	if (s->failed)
		return -1;
	if (s->gz ? relc_gzip_write(s->gz, buf, len, s->err)
		  : relc_fs_write_all(s->fd, buf, len) < 0) {
		if (!s->gz)
			relc_error_errno(s->err, "cannot write the archive");
		s->failed = 1;
		return -1;
	}
	return (la_ssize_t)len;
}

static int
data_chunk(void *ctx, const void *buf, size_t len, struct relc_error *err)
{
	struct archive *a = ctx;
	la_ssize_t n = archive_write_data(a, buf, len);

	if (n < 0 || (size_t)n != len)
		return relc_error_set(
		    err, RELC_EIO, "cannot write the archive: %s",
		    archive_error_string(a) ? archive_error_string(a)
					    : "short write");
	return 0;
}

static int
la_error(struct archive *a, const char *what, struct relc_error *err)
{
	const char *msg = archive_error_string(a);

	return relc_error_set(err, RELC_EIO, "%s: %s", what,
			      msg ? msg : "libarchive failed");
}

static int
write_entries(struct archive *a, struct relc_archive_manifest *m,
	      long long mtime, struct relc_error *err)
{
	struct archive_entry *ae = archive_entry_new();
	unsigned char *buf = relc_xmalloc(COPY_BUF);
	size_t i;
	int r = 0;

	for (i = 0; i < m->n && !r; i++) {
		struct relc_archive_entry *e = &m->v[i];

		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
		archive_entry_set_mtime(ae, (time_t)mtime, 0);
		archive_entry_set_perm(ae, (mode_t)e->mode);
		switch (e->type) {
		case RELC_ENTRY_DIR:
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_size(ae, 0);
			break;
		case RELC_ENTRY_SYMLINK:
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e->target);
			archive_entry_set_size(ae, 0);
			break;
		case RELC_ENTRY_FILE:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, (la_int64_t)e->size);
			break;
		}
		if (archive_write_header(a, ae) < ARCHIVE_OK) {
			r = la_error(a, e->path, err);
			break;
		}
		if (e->type == RELC_ENTRY_FILE)
			r = each_chunk(e, data_chunk, a, buf, err);
	}
	free(buf);
	archive_entry_free(ae);
	return r;
}

int
relc_archive_write(struct relc_archive_manifest *m, const char *dest,
		   const struct relc_archive_opts *opts, struct relc_error *err)
{
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;
	struct sink sink = {-1, NULL, err, 0};
	struct archive *a = NULL;
	int r = -1, opened = 0;

	if (relc_atomicfile_open(&f, dest, 0644, err))
		return -1;
	sink.fd = f.fd;
	if (opts->format == RELC_ARCHIVE_TAR_GZ &&
	    relc_gzip_open(&sink.gz, sink.fd, opts->level ? opts->level : 6,
			   opts->threads, err))
		goto out;
	a = archive_write_new();
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) {
		la_error(a, "cannot set up the tar format", err);
		goto out;
	}
	if (opts->format == RELC_ARCHIVE_TAR_ZST) {
		char level[16];

		relc_xsnprintf(level, sizeof(level), "%d",
			       opts->level ? opts->level : 3);
		/*
		 * No padding after the compressed stream: zstd would take the
		 * zeros for another frame.
		 */
		if (archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
		    archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
		    archive_write_set_filter_option(
			a, "zstd", "compression-level", level) != ARCHIVE_OK) {
			la_error(a, "cannot set up zstd", err);
			goto out;
		}
	}
	if (archive_write_open(a, &sink, NULL, sink_write, NULL) !=
	    ARCHIVE_OK) {
		la_error(a, "cannot start the archive", err);
		goto out;
	}
	opened = 1;
	if (write_entries(a, m, opts->mtime, err))
		goto out;
	opened = 0;
	if (archive_write_close(a) != ARCHIVE_OK) {
		if (!relc_error_isset(err))
			la_error(a, "cannot finish the archive", err);
		goto out;
	}
	if (sink.gz) {
		struct relc_gzip *gz = sink.gz;

		sink.gz = NULL;
		if (relc_gzip_close(gz, err))
			goto out;
	}
	r = 0;
out:
	if (a) {
		if (opened) {
			/*
			 * Close (libarchive frees its buffers only then) with
			 * the sink refusing what it would still write.
			 */
			sink.failed = 1;
			archive_write_close(a);
		}
		archive_write_free(a);
	}
	relc_gzip_abort(sink.gz);
	if (r) {
		relc_atomicfile_abort(&f);
		relc_error_set_path(err, dest); /* say which archive failed */
		return -1;
	}
	return relc_atomicfile_commit(&f, err);
}

/* ---- extracting ------------------------------------------------------------
 */

static int
unsafe_path(const char *p)
{
	if (!p || !*p || *p == '/')
		return 1;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

/* Put the entry (and a hard link's target) under dest, if it is safe. */
static int
prefix_path(struct archive_entry *ae, const char *dest, struct relc_strbuf *sb,
	    const char *archive, struct relc_error *err)
{
	const char *p = archive_entry_pathname(ae);
	const char *link = archive_entry_hardlink(ae);

	if (unsafe_path(p) || (link && unsafe_path(link)))
		return relc_error_set(err, RELC_EIO,
				      "%s: refusing the entry '%s' (absolute, "
				      "or with '..')",
				      archive, p ? p : "");
	relc_strbuf_reset(sb);
	relc_strbuf_addf(sb, "%s/%s", dest, p);
	archive_entry_set_pathname(ae, sb->buf);
	if (link) {
		relc_strbuf_reset(sb);
		relc_strbuf_addf(sb, "%s/%s", dest, link);
		archive_entry_set_hardlink(ae, sb->buf);
	}
	return 0;
}

int
relc_archive_extract(const char *path, const char *dest, struct relc_error *err)
{
	struct archive *in = archive_read_new(),
		       *out = archive_write_disk_new();
	struct archive_entry *ae;
	struct relc_strbuf target = RELC_STRBUF_INIT;
	int r = -1, st;

	archive_read_support_format_all(in);
	archive_read_support_filter_all(in);
	archive_write_disk_set_options(
	    out, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
		     ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	if (archive_read_open_filename(in, path, COPY_BUF) != ARCHIVE_OK) {
		la_error(in, path, err);
		goto out;
	}
	while ((st = archive_read_next_header(in, &ae)) == ARCHIVE_OK) {
		if (relc_interrupt_check(err))
			goto out;
		if (prefix_path(ae, dest, &target, path, err))
			goto out;
		if (archive_write_header(out, ae) < ARCHIVE_OK) {
			la_error(out, path, err);
			goto out;
		}
		for (;;) {
			const void *buf;
			size_t len;
			la_int64_t off;
			int rr = archive_read_data_block(in, &buf, &len, &off);

			if (rr == ARCHIVE_EOF)
				break;
			if (rr < ARCHIVE_OK ||
			    archive_write_data_block(out, buf, len, off) <
				ARCHIVE_OK) {
				la_error(rr < ARCHIVE_OK ? in : out, path, err);
				goto out;
			}
		}
		if (archive_write_finish_entry(out) < ARCHIVE_OK) {
			la_error(out, path, err);
			goto out;
		}
	}
	if (st != ARCHIVE_EOF) {
		la_error(in, path, err);
		goto out;
	}
	if (archive_write_close(out) != ARCHIVE_OK) {
		la_error(out, path, err);
		goto out;
	}
	r = 0;
out:
	archive_read_free(in);
	archive_write_free(out);
	relc_strbuf_release(&target);
	return r;
}

int
relc_archive_read(const char *path, size_t max,
		  int (*want)(void *ctx, const char *entry),
		  int (*got)(void *ctx, const char *entry, const void *data,
			     size_t len, struct relc_error *err),
		  void *ctx, struct relc_error *err)
{
	struct archive *in = archive_read_new();
	struct archive_entry *ae;
	struct relc_strbuf data = RELC_STRBUF_INIT;
	int r = -1, st;

	archive_read_support_format_all(in);
	archive_read_support_filter_all(in);
	if (archive_read_open_filename(in, path, COPY_BUF) != ARCHIVE_OK) {
		la_error(in, path, err);
		goto out;
	}
	while ((st = archive_read_next_header(in, &ae)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ae);
		la_int64_t size = archive_entry_size(ae);

		if (relc_interrupt_check(err))
			goto out;
		if (!name || archive_entry_filetype(ae) != AE_IFREG)
			continue;
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		if (!want(ctx, name))
			continue;
		if (archive_entry_hardlink(ae)) {
			relc_error_set(err, RELC_EIO,
				       "%s: '%s' is a hard link to '%s' in the "
				       "archive, which relc does not read",
				       path, name, archive_entry_hardlink(ae));
			goto out;
		}
		if (size < 0 || (uint64_t)size > max) {
			relc_error_set(err, RELC_EIO,
				       "%s: '%s' is larger than %zu bytes",
				       path, name, max);
			goto out;
		}
		relc_strbuf_reset(&data);
		relc_strbuf_grow(&data, (size_t)size);
		for (;;) {
			const void *buf;
			size_t len;
			la_int64_t off;
			int rr = archive_read_data_block(in, &buf, &len, &off);

			if (rr == ARCHIVE_EOF)
				break;
			if (rr < ARCHIVE_OK) {
				la_error(in, path, err);
				goto out;
			}
			if (data.len + len > max) {
				relc_error_set(err, RELC_EIO,
					       "%s: '%s' is larger than %zu "
					       "bytes",
					       path, name, max);
				goto out;
			}
			relc_strbuf_add(&data, buf, len);
		}
		if (got(ctx, name, data.buf, data.len, err))
			goto out;
	}
	if (st != ARCHIVE_EOF) {
		la_error(in, path, err);
		goto out;
	}
	r = 0;
out:
	archive_read_free(in);
	relc_strbuf_release(&data);
	return r;
}
