/*
 * stamp.c: the build stamp (see stamp.h): its text format, the input
 * fingerprints, recording a tree and checking it.
 */
#include "relc/compat.h"
#include "relc/stamp.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relc/appfile.h"
#include "relc/copy.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/hash.h"
#include "relc/jobs.h"
#include "relc/path.h"
#include "relc/plan.h"
#include "relc/sha256.h"
#include "relc/strbuf.h"
#include "relc/strset.h"
#include "relc/walk.h"
#include "relc/xalloc.h"

#define MAX_STAMP_SIZE ((size_t)64 << 20)
#define MAGIC "relc-stamp"

/* ---- text ---------------------------------------------------------------- */

void
relc_stamp_escape(struct relc_strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == '%' || c == 0x7f) {
			relc_strbuf_addch(out, '%');
			relc_strbuf_addch(out, hex[c >> 4]);
			relc_strbuf_addch(out, hex[c & 15]);
		} else {
			relc_strbuf_addch(out, c);
		}
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void
relc_stamp_format(struct relc_strbuf *out, const struct relc_stamp *st)
{
	size_t i;

	relc_strbuf_addf(out, MAGIC " %u\nrelc ", st->version);
	relc_stamp_escape(out, st->relc_version);
	relc_strbuf_addstr(out, "\nrelease ");
	relc_stamp_escape(out, st->name);
	relc_strbuf_addch(out, ' ');
	relc_stamp_escape(out, st->vsn);
	relc_strbuf_addstr(out, "\nenv ");
	relc_stamp_escape(out, st->env);
	relc_strbuf_addf(out, "\nkey %s\n", st->key);
	for (i = 0; i < st->nparts; i++) {
		relc_strbuf_addstr(out, "part ");
		relc_stamp_escape(out, st->parts[i].dirname);
		relc_strbuf_addf(out, " %s\n", st->parts[i].fingerprint);
	}
	for (i = 0; i < st->nentries; i++) {
		const struct relc_stamp_entry *e = &st->entries[i];

		relc_strbuf_addf(out, "%c %o %ju %jd %ju ", e->type, e->mode,
				 (uintmax_t)e->size, (intmax_t)e->mtime_ns,
				 (uintmax_t)e->ino);
		relc_stamp_escape(out, e->path);
		relc_strbuf_addch(out, '\n');
	}
}

struct parser {
	const char *p, *end;
	const char *path;
	unsigned long line;
	struct relc_arena *arena;
	struct relc_error *err;
	struct relc_strbuf tmp;
};

static int
bad(struct parser *ps, const char *what)
{
	return relc_error_at(ps->err, RELC_EIO, ps->path, ps->line, 0,
			     "damaged build stamp (%s); remove the release "
			     "directory, or build with --force",
			     what);
}

/* The next space-separated word of the line; NULL at its end. */
static const char *
word(struct parser *ps, size_t *len)
{
	const char *s = ps->p;

	if (s >= ps->end || *s == '\n')
		return NULL;
	while (ps->p < ps->end && *ps->p != ' ' && *ps->p != '\n')
		ps->p++;
	*len = (size_t)(ps->p - s);
	if (ps->p < ps->end && *ps->p == ' ')
		ps->p++;
	return s;
}

int
relc_stamp_unescape(struct relc_strbuf *out, const char *w, size_t len)
{
	size_t i;

	relc_strbuf_reset(out);
	if (!memchr(w, '%', len)) {
		for (i = 0; i < len; i++)
			if ((unsigned char)w[i] <= ' ' || w[i] == 0x7f)
				return -1;
		relc_strbuf_add(out, w, len);
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (w[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = hexval((unsigned char)w[i + 1]);
			lo = hexval((unsigned char)w[i + 2]);
			if (hi < 0 || lo < 0 || (!hi && !lo))
				return -1;
			relc_strbuf_addch(out, hi * 16 + lo);
			i += 2;
		} else if ((unsigned char)w[i] <= ' ' || w[i] == 0x7f) {
			return -1;
		} else {
			relc_strbuf_addch(out, w[i]);
		}
	}
	return 0;
}

static const char *
name(struct parser *ps)
{
	size_t len;
	const char *w = word(ps, &len);

	if (!w || !len || relc_stamp_unescape(&ps->tmp, w, len))
		return NULL;
	return relc_arena_memdupz(ps->arena, ps->tmp.buf, ps->tmp.len);
}

/* An unsigned number in `base`; its magnitude when neg is given. */
static int
number_at(struct parser *ps, uintmax_t *out, int base, int *neg)
{
	size_t len, i = 0;
	const char *w = word(ps, &len);
	uintmax_t v = 0;

	if (!w || !len)
		return -1;
	if (neg) {
		*neg = w[0] == '-' && len > 1;
		i = (size_t)*neg;
	}
	for (; i < len; i++) {
		int d = hexval((unsigned char)w[i]);

		if (d < 0 || d >= base ||
		    v > (UINTMAX_MAX - (unsigned)d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + (unsigned)d;
	}
	*out = v;
	return 0;
}

static int
number(struct parser *ps, uintmax_t *out, int base)
{
	return number_at(ps, out, base, NULL);
}

/* A decimal int64_t, overflow refused. */
static int
int64(struct parser *ps, int64_t *out)
{
	uintmax_t v;
	int neg;

	if (number_at(ps, &v, 10, &neg))
		return -1;
	if (!neg && v > (uintmax_t)INT64_MAX)
		return -1;
	if (neg && v > (uintmax_t)INT64_MAX + 1)
		return -1;
	if (!neg)
		*out = (int64_t)v;
	else if (v == (uintmax_t)INT64_MAX + 1)
		*out = INT64_MIN;
	else
		*out = -(int64_t)v;
	return 0;
}

/* A digest of n lower-case hex digits into out (n + 1 bytes). */
static int
hash(struct parser *ps, char *out, size_t n)
{
	size_t len, i;
	const char *w = word(ps, &len);

	if (!w || len != n)
		return -1;
	for (i = 0; i < n; i++) {
		if (hexval((unsigned char)w[i]) < 0 || relc_isupper(w[i]))
			return -1;
		out[i] = w[i];
	}
	out[n] = '\0';
	return 0;
}

static int
line_end(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p != '\n')
		return -1;
	if (ps->p < ps->end)
		ps->p++;
	ps->line++;
	return 0;
}

static int
is(const char *w, size_t len, const char *lit)
{
	return w && strlen(lit) == len && !memcmp(w, lit, len);
}

/*
 * A path in the release: relative, and no component empty, "." or ".."
 * (any byte else may be in a file's name, escaped in the text).
 */
static int
inside_release(const char *path)
{
	const char *c = path;

	if (*path == '/')
		return 0;
	for (;;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);

		if (!len || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (!slash)
			return 1;
		c = slash + 1;
	}
}

static int
cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct relc_stamp_entry *)a)->path,
		      ((const struct relc_stamp_entry *)b)->path);
}

int
relc_stamp_parse(struct relc_stamp *out, const char *buf, size_t len,
		 const char *path, struct relc_error *err)
{
	struct relc_strset seen = RELC_STRSET_INIT;
	struct parser ps;
	size_t wl, aparts = 0, aentries = 0;
	const char *w, *nul;
	uintmax_t v;
	int r = -1;

	memset(out, 0, sizeof(*out));
	relc_arena_init(&out->arena);
	memset(&ps, 0, sizeof(ps));
	ps.p = buf;
	ps.end = buf + len;
	ps.path = path;
	ps.line = 1;
	ps.arena = &out->arena;
	ps.err = err;
	if ((nul = memchr(buf, '\0', len))) {
		const char *p;

		for (p = buf; p < nul; p++)
			ps.line += *p == '\n';
		bad(&ps, "a NUL byte");
		goto out;
	}
	w = word(&ps, &wl);
	if (!is(w, wl, MAGIC) || number(&ps, &v, 10) || line_end(&ps)) {
		bad(&ps, "not a relc stamp");
		goto out;
	}
	if (v != RELC_STAMP_VERSION) {
		relc_error_at(err, RELC_EIO, path, 1, 0,
			      "the release was built by a relc with another "
			      "stamp format (%ju, this relc writes %d); build "
			      "with --force to replace it",
			      v, RELC_STAMP_VERSION);
		goto out;
	}
	out->version = (unsigned)v;
	w = word(&ps, &wl);
	if (!is(w, wl, "relc") || !(out->relc_version = name(&ps)) ||
	    line_end(&ps)) {
		bad(&ps, "no 'relc' line");
		goto out;
	}
	w = word(&ps, &wl);
	if (!is(w, wl, "release") || !(out->name = name(&ps)) ||
	    !(out->vsn = name(&ps)) || line_end(&ps)) {
		bad(&ps, "no 'release' line");
		goto out;
	}
	w = word(&ps, &wl);
	if (!is(w, wl, "env") || !(out->env = name(&ps)) || line_end(&ps)) {
		bad(&ps, "no 'env' line");
		goto out;
	}
	w = word(&ps, &wl);
	if (!is(w, wl, "key") || hash(&ps, out->key, 64) || line_end(&ps)) {
		bad(&ps, "no 'key' line");
		goto out;
	}
	while (ps.p < ps.end) {
		w = word(&ps, &wl);
		if (is(w, wl, "part")) {
			struct relc_stamp_part *pt;

			RELC_ALLOC_GROW(out->parts, out->nparts + 1, aparts);
			pt = &out->parts[out->nparts++];
			if (!(pt->dirname = name(&ps)) ||
			    hash(&ps, pt->fingerprint, 32) || line_end(&ps)) {
				bad(&ps, "a bad 'part' line");
				goto out;
			}
		} else if (w && wl == 1 &&
			   (*w == 'f' || *w == 'l' || *w == 'd')) {
			struct relc_stamp_entry *e;
			uintmax_t mode, size, ino;
			unsigned long line = ps.line;

			RELC_ALLOC_GROW(out->entries, out->nentries + 1,
					aentries);
			e = &out->entries[out->nentries++];
			e->type = *w;
			if (number(&ps, &mode, 8) || mode > 07777 ||
			    number(&ps, &size, 10) || size > UINT64_MAX ||
			    int64(&ps, &e->mtime_ns) || number(&ps, &ino, 10) ||
			    ino > UINT64_MAX || !(e->path = name(&ps)) ||
			    !inside_release(e->path) || line_end(&ps)) {
				bad(&ps, "a bad entry");
				goto out;
			}
			e->mode = (unsigned)mode;
			e->size = (uint64_t)size;
			e->ino = (uint64_t)ino;
			if (!relc_strset_add(&seen, e->path)) {
				ps.line = line;
				bad(&ps, "a path listed twice");
				goto out;
			}
		} else {
			bad(&ps, "an unknown line");
			goto out;
		}
	}
	if (out->nentries > 1)
		qsort(out->entries, out->nentries, sizeof(*out->entries),
		      cmp_entries);
	r = 0;
out:
	relc_strbuf_release(&ps.tmp);
	relc_strset_release(&seen);
	if (r)
		relc_stamp_release(out);
	return r;
}

void
relc_stamp_release(struct relc_stamp *st)
{
	if (!st)
		return;
	free(st->parts);
	free(st->entries);
	relc_arena_release(&st->arena);
	memset(st, 0, sizeof(*st));
}

int
relc_stamp_read(struct relc_stamp *out, const char *root,
		struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	relc_strbuf_addstr(&path, root);
	relc_path_append(&path, RELC_STAMP_FILE);
	r = relc_fs_read_file(&text, path.buf, MAX_STAMP_SIZE, 1, err);
	if (!r)
		r = relc_stamp_parse(out, text.buf, text.len, path.buf, err);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	return r;
}

const struct relc_stamp_entry *
relc_stamp_find(const struct relc_stamp *st, const char *path)
{
	size_t lo = 0, hi = st->nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(st->entries[mid].path, path);

		if (!c)
			return &st->entries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
relc_stamp_fingerprint_of(const struct relc_stamp *st, const char *dirname)
{
	size_t i;

	for (i = 0; i < st->nparts; i++)
		if (!strcmp(st->parts[i].dirname, dirname))
			return st->parts[i].fingerprint;
	return NULL;
}

/* ---- fingerprints -------------------------------------------------------- */

void
relc_stamp_fp_app_begin(struct relc_hash *h, const struct relc_plan *plan,
			const struct relc_plan_app *pa)
{
	struct relc_strbuf opts = RELC_STRBUF_INIT;

	relc_hash_init(h);
	relc_strbuf_addf(&opts, "%s %u %d %d", pa->dirname, pa->subdirs,
			 pa->strip, plan->follow_external_links);
	relc_hash_update(h, opts.buf, opts.len + 1);
	relc_strbuf_release(&opts);
}

void
relc_stamp_fp_label(struct relc_hash *h, const char *label)
{
	relc_hash_update(h, label, strlen(label) + 1);
}

void
relc_stamp_fp_entry(struct relc_hash *h, const struct relc_walk_entry *e)
{
	uint64_t rec[7];
	size_t len = strlen(e->rel);

	if (e->kind == RELC_WALK_DIR_POST)
		return;
	rec[0] = (uint64_t)e->kind;
	rec[1] = (uint64_t)(e->st->st_mode & 07777);
	rec[2] = (uint64_t)e->st->st_size;
	rec[3] = (uint64_t)e->st->st_mtim.tv_sec;
	rec[4] = (uint64_t)e->st->st_mtim.tv_nsec;
	rec[5] = (uint64_t)e->st->st_ino;
	rec[6] = ((uint64_t)e->st->st_dev << 16) ^ len;
	relc_hash_update(h, rec, sizeof(rec));
	relc_hash_update(h, e->rel, len + 1);
}

static int
hash_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	(void)err;
	relc_stamp_fp_entry(ctx, e);
	return 0;
}

/* Add the walk of src (as the copy walks it) to h. */
static int
hash_tree(struct relc_hash *h, const struct relc_plan *plan, const char *label,
	  const char *src, unsigned how, struct relc_error *err)
{
	struct relc_strbuf paths[2] = {RELC_STRBUF_INIT, RELC_STRBUF_INIT};
	struct relc_walk_opts o;
	int r;

	relc_stamp_fp_label(h, label);
	r = relc_copy_walk_opts(&o, paths, plan, src, how, err);
	if (!r)
		r = relc_walk(src, &o, hash_entry, h, err);
	relc_strbuf_release(&paths[0]);
	relc_strbuf_release(&paths[1]);
	return r < 0 ? -1 : 0;
}

/* Fingerprint job i: ERTS (when the plan carries it) or an application. */
static int
fingerprint_one(void *ctx, size_t i, struct relc_error *err)
{
	struct relc_plan *plan = ctx;
	struct relc_strbuf srcs[4] = {RELC_STRBUF_INIT, RELC_STRBUF_INIT,
				      RELC_STRBUF_INIT, RELC_STRBUF_INIT};
	const char *names[4];
	struct relc_plan_app *pa;
	struct relc_hash h;
	size_t k, n;
	int r = -1;

	relc_hash_init(&h);
	if (plan->erts_src && i-- == 0) {
		if (hash_tree(&h, plan, "bin", plan->erts_src, RELC_COPY_FLAT,
			      err))
			return -1;
		relc_hash_final_hex(&h, plan->erts_fingerprint);
		return 0;
	}
	pa = &plan->apps[i];
	if (pa->how != RELC_PLAN_COPY)
		return 0;
	relc_stamp_fp_app_begin(&h, plan, pa);
	n = relc_copy_sources(pa, srcs, names);
	for (k = 0; k < n; k++)
		if (hash_tree(&h, plan, names[k], srcs[k].buf,
			      relc_copy_how(pa, k), err))
			goto out;
	relc_hash_final_hex(&h, pa->fingerprint);
	r = 0;
out:
	for (k = 0; k < 4; k++)
		relc_strbuf_release(&srcs[k]);
	return r;
}

int
relc_stamp_fingerprint(struct relc_plan *plan, unsigned threads,
		       struct relc_error *err)
{
	return relc_jobs_run(plan->napps + (plan->erts_src ? 1 : 0),
			     fingerprint_one, plan, threads, err);
}

void
relc_stamp_key(char out[65], const struct relc_plan *plan, const char *settings,
	       const char *relc_identity)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;

	relc_strbuf_addf(&text, "relc %s\nsettings\n%s\nplan\n", relc_identity,
			 settings);
	relc_plan_describe(&text, plan);
	relc_sha256_hex(out, text.buf, text.len);
	relc_strbuf_release(&text);
}

/* ---- recording and checking a tree --------------------------------------- */

struct record {
	const char *root;
	struct relc_stamp_piece *pieces;
};

static int
record_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct relc_stamp_piece *pc = ctx;
	struct relc_stamp_entry *se;
	struct relc_strbuf path = RELC_STRBUF_INIT;

	if (e->kind == RELC_WALK_DIR && !strcmp(pc->unit, RELC_STAMP_DIR))
		return RELC_WALK_SKIP; /* .relc/ is not listed */
	if (e->kind == RELC_WALK_OTHER)
		return relc_error_set(err, RELC_EINTERNAL,
				      "'%s' is %s in the new release", e->path,
				      relc_fs_type_name(e->st->st_mode));
	relc_strbuf_addstr(&path, pc->unit);
	if (*e->rel)
		relc_path_append(&path, e->rel);
	RELC_ALLOC_GROW(pc->v, pc->n + 1, pc->alloc);
	se = &pc->v[pc->n++];
	memset(se, 0, sizeof(*se));
	se->type = e->kind == RELC_WALK_DIR    ? 'd'
		   : e->kind == RELC_WALK_LINK ? 'l'
					       : 'f';
	se->path = relc_strbuf_detach(&path, NULL); /* moved to the arena */
	se->mode = (unsigned)(e->st->st_mode & 07777);
	if (se->type != 'd') {
		se->size = (uint64_t)e->st->st_size;
		se->mtime_ns = (int64_t)e->st->st_mtim.tv_sec * 1000000000 +
			       e->st->st_mtim.tv_nsec;
		se->ino = (uint64_t)e->st->st_ino;
	}
	return 0;
}

int
relc_stamp_record_piece(struct relc_stamp_piece *pc, const char *root,
			const char *unit, struct relc_error *err)
{
	static const struct relc_walk_opts opts = {.flags = 0};
	struct relc_strbuf path = RELC_STRBUF_INIT;
	char *copy = relc_xstrdup(unit); /* unit may be pc->unit */
	int r;

	free(pc->unit);
	pc->unit = copy;
	relc_strbuf_addstr(&path, root);
	relc_path_append(&path, copy);
	r = relc_walk(path.buf, &opts, record_entry, pc, err);
	relc_strbuf_release(&path);
	pc->done = !r;
	return r ? -1 : 0;
}

void
relc_stamp_piece_release(struct relc_stamp_piece *pc)
{
	size_t i;

	if (!pc)
		return;
	for (i = 0; i < pc->n; i++)
		free((char *)pc->v[i].path);
	free(pc->v);
	free(pc->unit);
	memset(pc, 0, sizeof(*pc));
}

static int
record_job(void *ctx, size_t i, struct relc_error *err)
{
	struct record *rec = ctx;
	struct relc_stamp_piece *pc = &rec->pieces[i];

	if (pc->done)
		return 0;
	return relc_stamp_record_piece(pc, rec->root, pc->unit, err);
}

int
relc_stamp_record(struct relc_stamp *out, const char *root,
		  const struct relc_plan *plan, const char *key,
		  const char *relc_version, struct relc_stamp_piece *ready,
		  size_t nready, unsigned threads, struct relc_error *err)
{
	struct record rec;
	char **units = NULL;
	size_t nunits = 0, i, k, n = 0, total = 0;
	int r = -1;

	memset(out, 0, sizeof(*out));
	relc_arena_init(&out->arena);
	out->version = RELC_STAMP_VERSION;
	out->relc_version = relc_arena_strdup(&out->arena, relc_version);
	out->name = relc_arena_strdup(&out->arena, plan->name);
	out->vsn = relc_arena_strdup(&out->arena, plan->vsn);
	out->env = relc_arena_strdup(&out->arena, plan->env);
	memcpy(out->key, key, 65);
	out->parts = relc_xcalloc(plan->napps + 1, sizeof(*out->parts));
	if (plan->erts_src) {
		out->parts[n].dirname = plan->erts_dirname;
		memcpy(out->parts[n++].fingerprint, plan->erts_fingerprint, 33);
	}
	for (i = 0; i < plan->napps; i++) {
		if (plan->apps[i].how != RELC_PLAN_COPY)
			continue;
		out->parts[n].dirname = plan->apps[i].dirname;
		memcpy(out->parts[n++].fingerprint, plan->apps[i].fingerprint,
		       33);
	}
	out->nparts = n;

	/*
	 * The tree in pieces (each application its own): those the copy
	 * recorded as it went are taken as they are, the others walked on
	 * the pool.
	 */
	if (relc_walk_split(&units, &nunits, root, "lib", err))
		goto out;
	rec.root = root;
	RELC_CALLOC_ARRAY(rec.pieces, nunits + 1);
	for (i = 0; i < nunits; i++) {
		for (k = 0; k < nready; k++)
			if (ready[k].done && ready[k].unit &&
			    !strcmp(ready[k].unit, units[i]))
				break;
		if (k < nready) {
			rec.pieces[i] = ready[k]; /* taken over */
			memset(&ready[k], 0, sizeof(ready[k]));
		} else {
			rec.pieces[i].unit = relc_xstrdup(units[i]);
		}
	}
	r = relc_jobs_run(nunits, record_job, &rec, threads, err);
	for (i = 0; i < nunits; i++)
		total += rec.pieces[i].n;
	out->entries = relc_xcalloc(total + 1, sizeof(*out->entries));
	for (i = 0; i < nunits; i++) {
		for (k = 0; k < rec.pieces[i].n; k++) {
			struct relc_stamp_entry *e = &rec.pieces[i].v[k];

			out->entries[out->nentries] = *e;
			out->entries[out->nentries++].path =
			    relc_arena_strdup(&out->arena, e->path);
		}
		relc_stamp_piece_release(&rec.pieces[i]);
	}
	free(rec.pieces);
	if (!r) {
		/* lib/ itself, which the pieces are below */
		struct stat st;
		struct relc_strbuf lib = RELC_STRBUF_INIT;

		relc_strbuf_addstr(&lib, root);
		relc_path_append(&lib, "lib");
		if (lstat(lib.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			struct relc_stamp_entry *e =
			    &out->entries[out->nentries++];

			memset(e, 0, sizeof(*e));
			e->type = 'd';
			e->mode = (unsigned)(st.st_mode & 07777);
			e->path = relc_arena_strdup(&out->arena, "lib");
		}
		relc_strbuf_release(&lib);
	}
	if (!r && out->nentries > 1)
		qsort(out->entries, out->nentries, sizeof(*out->entries),
		      cmp_entries);
out:
	relc_fs_free_names(units, nunits);
	if (r)
		relc_stamp_release(out);
	return r;
}

void
relc_stamp_input(struct relc_strbuf *out, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		relc_strbuf_addf(out, "input %s -\n", path);
	else
		relc_strbuf_addf(out, "input %s %jd %jd.%09ld %ju %o\n", path,
				 (intmax_t)st.st_size,
				 (intmax_t)st.st_mtim.tv_sec,
				 (long)st.st_mtim.tv_nsec, (uintmax_t)st.st_ino,
				 (unsigned)st.st_mode);
}

void
relc_stamp_part_of(struct relc_strbuf *out, const char *path)
{
	const char *slash = strchr(path, '/');

	relc_strbuf_reset(out);
	if (slash && !strncmp(path, "lib/", 4)) {
		const char *second = strchr(slash + 1, '/');

		relc_strbuf_add(
		    out, path, second ? (size_t)(second - path) : strlen(path));
	} else if (!strncmp(path, "erts-", 5)) {
		relc_strbuf_add(out, path,
				slash ? (size_t)(slash - path) : strlen(path));
	} else {
		relc_strbuf_addstr(out, path);
	}
}

size_t
relc_stamp_verify(const struct relc_stamp *st, const char *root,
		  struct relc_strset *damaged)
{
	struct relc_strbuf part = RELC_STRBUF_INIT;
	size_t i, bad = 0;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (i = 0; i < st->nentries; i++) {
		const struct relc_stamp_entry *e = &st->entries[i];
		struct stat sb;
		int ok = fd >= 0 &&
			 fstatat(fd, e->path, &sb, AT_SYMLINK_NOFOLLOW) == 0;

		if (ok && e->type == 'd')
			ok = S_ISDIR(sb.st_mode) &&
			     (sb.st_mode & 07777) == e->mode;
		else if (ok)
			ok = (e->type == 'l' ? S_ISLNK(sb.st_mode)
					     : S_ISREG(sb.st_mode)) &&
			     (sb.st_mode & 07777) == e->mode &&
			     (uint64_t)sb.st_size == e->size &&
			     (uint64_t)sb.st_ino == e->ino &&
			     (int64_t)sb.st_mtim.tv_sec * 1000000000 +
				     sb.st_mtim.tv_nsec ==
				 e->mtime_ns;
		if (ok)
			continue;
		bad++;
		relc_stamp_part_of(&part, e->path);
		relc_strset_add(damaged, part.buf);
	}
	if (fd >= 0)
		close(fd);
	relc_strbuf_release(&part);
	return bad;
}
