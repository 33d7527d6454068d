/*
 * test_walk.c: the tree walk (walk.h): order, links reported or followed,
 * the flags, loops, dangling links, containment, limits, FIFOs, removal
 * and interrupts.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/interrupt.h"
#include "relc/strbuf.h"
#include "relc/walk.h"

static char *
join(const char *dir, const char *rel)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/%s", dir, rel);
	return relc_strbuf_detach(&sb, NULL);
}

static void
make_link(const char *dir, const char *rel, const char *target)
{
	char *p = join(dir, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static void
make_fifo(const char *dir, const char *rel)
{
	char *p = join(dir, rel);

	assert_int_equal(mkfifo(p, 0644), 0);
	free(p);
}

static void
make_dir(const char *dir, const char *rel)
{
	struct relc_error err = RELC_ERROR_INIT;
	char *p = join(dir, rel);

	assert_int_equal(relc_fs_mkdirs(p, 0755, &err), 0);
	free(p);
}

/*
 * What a walk saw: one line per callback, "KIND REL" with KIND one of
 * d (DIR), D (DIR_POST), f (FILE), l (LINK, then "-> TARGET"), o (OTHER);
 * "+" after the kind marks an entry reached through a followed link.
 * Each entry's fields are checked against each other on the way.
 */
struct seen {
	struct relc_strbuf log;
	const char *root;
	const char *skip;	 /* a DIR whose contents to skip */
	const char *fail_at;	 /* an entry at which to fail */
	struct relc_strbuf data; /* what OPEN_FILES descriptors held */
	size_t calls;
};

static int
collect(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct seen *s = ctx;
	struct relc_strbuf want = RELC_STRBUF_INIT;
	static const char kinds[] = "dDflo";
	const char *slash;

	s->calls++;
	relc_strbuf_addf(&s->log, "%c%s %s", kinds[e->kind],
			 e->via_link ? "+" : "", e->rel);
	if (e->kind == RELC_WALK_LINK)
		relc_strbuf_addf(&s->log, " -> %s", e->target);
	relc_strbuf_addch(&s->log, '\n');

	/* path is the root's path, "/", rel; name is rel's last part */
	relc_strbuf_addstr(&want, s->root);
	if (*e->rel)
		relc_strbuf_addf(&want, "/%s", e->rel);
	assert_string_equal(e->path, want.buf);
	relc_strbuf_release(&want);
	if (e->depth == 0) {
		assert_string_equal(e->rel, "");
		assert_int_equal(e->dirfd, AT_FDCWD);
		assert_string_equal(e->name, s->root);
	} else {
		slash = strrchr(e->rel, '/');
		assert_string_equal(e->name, slash ? slash + 1 : e->rel);
		assert_true(e->dirfd >= 0);
	}
	if (e->kind == RELC_WALK_DIR || e->kind == RELC_WALK_DIR_POST) {
		assert_non_null(e->st);
		assert_true(S_ISDIR(e->st->st_mode));
	}
	if (e->kind == RELC_WALK_DIR)
		assert_true(e->fd >= 0);
	if (e->kind == RELC_WALK_FILE) {
		assert_non_null(e->st);
		assert_true(S_ISREG(e->st->st_mode));
	}
	if (e->kind == RELC_WALK_LINK) {
		assert_non_null(e->st);
		assert_true(S_ISLNK(e->st->st_mode));
		assert_non_null(e->target);
	}
	if (e->kind == RELC_WALK_FILE && e->fd >= 0) {
		char buf[256];
		ssize_t n = pread(e->fd, buf, sizeof(buf), 0);

		assert_true(n >= 0);
		relc_strbuf_addf(&s->data, "%s=", e->rel);
		relc_strbuf_add(&s->data, buf, (size_t)n);
		relc_strbuf_addch(&s->data, '\n');
	}
	if (s->fail_at && !strcmp(e->rel, s->fail_at))
		return relc_error_set(err, RELC_EAPP, "stop at '%s'", e->rel);
	if (s->skip && e->kind == RELC_WALK_DIR && !strcmp(e->rel, s->skip))
		return RELC_WALK_SKIP;
	return 0;
}

static void
seen_init(struct seen *s, const char *root)
{
	memset(s, 0, sizeof(*s));
	relc_strbuf_init(&s->log, 0);
	relc_strbuf_init(&s->data, 0);
	s->root = root;
}

static void
seen_release(struct seen *s)
{
	relc_strbuf_release(&s->log);
	relc_strbuf_release(&s->data);
}

/* Walk root with flags; the log of what was seen, and the result. */
static int
walk_log(struct seen *s, const char *root, const struct relc_walk_opts *o,
	 struct relc_error *err)
{
	seen_init(s, root);
	return relc_walk(root, o, collect, s, err);
}

static int
walk_flags(struct seen *s, const char *root, unsigned flags,
	   struct relc_error *err)
{
	struct relc_walk_opts o;

	memset(&o, 0, sizeof(o));
	o.flags = flags;
	return walk_log(s, root, &o, err);
}

/* Entries come in bytewise name order, each directory before its contents. */
static void
test_sorted_order(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t");

	fixture_write(dir, "t/b", "");
	fixture_write(dir, "t/a.b", "");
	fixture_write(dir, "t/B", "");
	fixture_write(dir, "t/a-b", "");
	fixture_write(dir, "t/\xc3\xa9", "");
	fixture_write(dir, "t/a/z", "");
	fixture_write(dir, "t/a/y", "");
	fixture_write(dir, "t/a/sub/f", "");
	make_dir(dir, "t/empty");
	assert_int_equal(walk_flags(&s, root, 0, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "f B\n"
				       "d a\n"
				       "d a/sub\n"
				       "f a/sub/f\n"
				       "f a/y\n"
				       "f a/z\n"
				       "f a-b\n"
				       "f a.b\n"
				       "f b\n"
				       "d empty\n"
				       "f \xc3\xa9\n");
	seen_release(&s);
	free(root);
}

/* Depth counts from the root; without OPEN_FILES a file has no fd. */
static int
check_depth(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	unsigned slashes = 0;
	const char *p;

	(void)ctx;
	(void)err;
	for (p = e->rel; *p; p++)
		slashes += *p == '/';
	assert_int_equal(e->depth, *e->rel ? slashes + 1 : 0);
	if (e->kind == RELC_WALK_FILE)
		assert_int_equal(e->fd, -1);
	return 0;
}

static void
test_depth_and_fds(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_walk_opts o;
	char *root = join(dir, "t");

	fixture_write(dir, "t/a/b/c/d", "x");
	fixture_write(dir, "t/e", "x");
	memset(&o, 0, sizeof(o));
	assert_int_equal(relc_walk(root, &o, check_depth, NULL, &err), 0);
	free(root);
}

/* Without FOLLOW a link is a link; with it, what it points to. */
static void
test_links_reported_or_followed(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t");

	fixture_write(dir, "t/dir/f", "in dir");
	fixture_write(dir, "t/file", "hello");
	make_link(dir, "t/ldir", "dir");
	make_link(dir, "t/lfile", "file");
	assert_int_equal(walk_flags(&s, root, 0, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "d dir\n"
				       "f dir/f\n"
				       "f file\n"
				       "l ldir -> dir\n"
				       "l lfile -> file\n");
	seen_release(&s);
	assert_int_equal(walk_flags(&s, root, RELC_WALK_FOLLOW, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "d dir\n"
				       "f dir/f\n"
				       "f file\n"
				       "d+ ldir\n"
				       "f+ ldir/f\n"
				       "f+ lfile\n");
	seen_release(&s);
	free(root);
}

/* A followed link's entry describes its target. */
static int
check_followed_stat(const struct relc_walk_entry *e, void *ctx,
		    struct relc_error *err)
{
	(void)ctx;
	(void)err;
	if (!strcmp(e->rel, "lfile")) {
		assert_int_equal(e->kind, RELC_WALK_FILE);
		assert_true(S_ISREG(e->st->st_mode));
		assert_int_equal(e->st->st_size, 5);
		assert_true(e->via_link);
	}
	return 0;
}

static void
test_followed_link_stat(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_walk_opts o;
	char *root = join(dir, "t");

	fixture_write(dir, "t/file", "hello");
	make_link(dir, "t/lfile", "file");
	memset(&o, 0, sizeof(o));
	o.flags = RELC_WALK_FOLLOW;
	assert_int_equal(relc_walk(root, &o, check_followed_stat, NULL, &err),
			 0);
	free(root);
}

/* FLAT: the root and its entries, but not its subdirectories. */
static void
test_flat(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t");

	fixture_write(dir, "t/a", "");
	fixture_write(dir, "t/sub/deep", "");
	fixture_write(dir, "t/z", "");
	make_link(dir, "t/link", "a");
	assert_int_equal(walk_flags(&s, root, RELC_WALK_FLAT, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "f a\n"
				       "l link -> a\n"
				       "f z\n");
	seen_release(&s);
	free(root);
}

/* POST: a directory again after its contents. */
static void
test_post_order(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t");

	fixture_write(dir, "t/a/f", "");
	fixture_write(dir, "t/a/g/h", "");
	fixture_write(dir, "t/b", "");
	assert_int_equal(walk_flags(&s, root, RELC_WALK_POST, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "d a\n"
				       "f a/f\n"
				       "d a/g\n"
				       "f a/g/h\n"
				       "D a/g\n"
				       "D a\n"
				       "f b\n"
				       "D \n");
	seen_release(&s);
	free(root);
}

/* Count the entries whose path is not root "/" rel (no cmocka: a child). */
struct path_check {
	const char *root;
	size_t calls, wrong;
};

static int
check_path(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	struct path_check *pc = ctx;
	struct relc_strbuf want = RELC_STRBUF_INIT;

	(void)err;
	pc->calls++;
	relc_strbuf_addstr(&want, pc->root);
	if (*e->rel)
		relc_strbuf_addf(&want, "/%s", e->rel);
	if (strcmp(e->path, want.buf)) {
		fprintf(stderr, "kind %d '%s': path is not '%s'\n", e->kind,
			e->rel, want.buf);
		pc->wrong++;
	}
	relc_strbuf_release(&want);
	return 0;
}

/*
 * The DIR_POST entry's path is still right after the walk went below the
 * directory into names long enough to make the walk's path buffer grow.
 * In a child process, so that a sanitizer's abort fails only this test.
 */
static void
test_post_path_after_long_names(void **state)
{
	const char *dir = *state;
	struct relc_strbuf rel = RELC_STRBUF_INIT;
	char *root = join(dir, "t");
	pid_t pid;
	int status;

	relc_strbuf_addstr(&rel, "t/d/");
	relc_strbuf_addchars(&rel, 'n', 200);
	relc_strbuf_addstr(&rel, "/");
	relc_strbuf_addchars(&rel, 'm', 200);
	fixture_write(dir, rel.buf, "");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct relc_error err = RELC_ERROR_INIT;
		struct relc_walk_opts o;
		struct path_check pc = {root, 0, 0};

		memset(&o, 0, sizeof(o));
		o.flags = RELC_WALK_POST;
		if (relc_walk(root, &o, check_path, &pc, &err))
			_exit(3);
		_exit(pc.wrong ? 1 : pc.calls == 7 ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	relc_strbuf_release(&rel);
	free(root);
}

/* RELC_WALK_SKIP from a DIR: its contents are not visited. */
static void
test_skip(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t");

	fixture_write(dir, "t/a/f", "");
	fixture_write(dir, "t/a/g/h", "");
	fixture_write(dir, "t/b/f", "");
	seen_init(&s, root);
	s.skip = "a";
	{
		struct relc_walk_opts o;

		memset(&o, 0, sizeof(o));
		assert_int_equal(relc_walk(root, &o, collect, &s, &err), 0);
	}
	assert_string_equal(s.log.buf, "d \n"
				       "d a\n"
				       "d b\n"
				       "f b/f\n");
	seen_release(&s);

	/* skipping the root: nothing but the root */
	seen_init(&s, root);
	s.skip = "";
	{
		struct relc_walk_opts o;

		memset(&o, 0, sizeof(o));
		assert_int_equal(relc_walk(root, &o, collect, &s, &err), 0);
	}
	assert_string_equal(s.log.buf, "d \n");
	seen_release(&s);
	free(root);
}

/* A callback's error stops the walk and is the walk's error. */
static void
test_callback_error_stops(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_walk_opts o;
	struct seen s;
	char *root = join(dir, "t");

	fixture_write(dir, "t/a", "");
	fixture_write(dir, "t/b/c", "");
	fixture_write(dir, "t/d", "");
	memset(&o, 0, sizeof(o));
	o.flags = RELC_WALK_POST;
	seen_init(&s, root);
	s.fail_at = "b/c";
	assert_int_equal(relc_walk(root, &o, collect, &s, &err), -1);
	assert_int_equal(err.kind, RELC_EAPP);
	assert_string_equal(err.msg.buf, "stop at 'b/c'");
	assert_string_equal(s.log.buf, "d \n"
				       "f a\n"
				       "d b\n"
				       "f b/c\n");
	seen_release(&s);
	relc_error_release(&err);
	free(root);
}

/* A link back to a directory the walk is in: an error that names it. */
static void
test_loop(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t"), *up = join(dir, "t/a/up"),
	     *self = join(dir, "s/self");

	fixture_write(dir, "t/a/f", "");
	make_link(dir, "t/a/up", "..");
	assert_int_equal(walk_flags(&s, root, RELC_WALK_FOLLOW, &err), -1);
	assert_int_equal(err.kind, RELC_EAPP);
	assert_non_null(strstr(err.msg.buf, up));
	assert_non_null(strstr(err.msg.buf, "loop"));
	seen_release(&s);
	relc_error_release(&err);

	/* not followed, the same link is just a link */
	assert_int_equal(walk_flags(&s, root, 0, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "d a\n"
				       "f a/f\n"
				       "l a/up -> ..\n");
	seen_release(&s);

	/* a link to itself */
	make_dir(dir, "s");
	make_link(dir, "s/self", "self");
	free(root);
	root = join(dir, "s");
	assert_int_equal(walk_flags(&s, root, RELC_WALK_FOLLOW, &err), -1);
	assert_non_null(strstr(err.msg.buf, self));
	assert_non_null(strstr(err.msg.buf, "loop"));
	seen_release(&s);
	relc_error_release(&err);
	free(root);
	free(up);
	free(self);
}

/* A dangling link: an error when followed; at the root, MISSING_OK. */
static void
test_dangling(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t"), *dang = join(dir, "t/dang"),
	     *missing = join(dir, "missing");

	fixture_write(dir, "t/a", "");
	make_link(dir, "t/dang", "nowhere");
	assert_int_equal(walk_flags(&s, root, RELC_WALK_FOLLOW, &err), -1);
	assert_int_equal(err.kind, RELC_EAPP);
	assert_non_null(strstr(err.msg.buf, dang));
	assert_non_null(strstr(err.msg.buf, "dangling"));
	assert_non_null(strstr(err.msg.buf, "nowhere"));
	seen_release(&s);
	relc_error_release(&err);

	/* not followed: reported */
	assert_int_equal(walk_flags(&s, root, 0, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "f a\n"
				       "l dang -> nowhere\n");
	seen_release(&s);

	/* the root is the dangling link */
	assert_int_equal(
	    walk_flags(&s, dang, RELC_WALK_FOLLOW | RELC_WALK_MISSING_OK, &err),
	    1);
	assert_int_equal(s.calls, 0);
	assert_false(relc_error_isset(&err));
	seen_release(&s);
	assert_int_equal(walk_flags(&s, dang, RELC_WALK_FOLLOW, &err), -1);
	assert_non_null(strstr(err.msg.buf, "dangling"));
	seen_release(&s);
	relc_error_release(&err);

	/* a missing root */
	assert_int_equal(walk_flags(&s, missing, RELC_WALK_MISSING_OK, &err),
			 1);
	assert_int_equal(s.calls, 0);
	seen_release(&s);
	assert_int_equal(walk_flags(&s, missing, 0, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_non_null(strstr(err.msg.buf, missing));
	seen_release(&s);
	relc_error_release(&err);
	free(root);
	free(dang);
	free(missing);
}

static void
opts_inside(struct relc_walk_opts *o, const char *inside, int allow)
{
	memset(o, 0, sizeof(*o));
	o->flags = RELC_WALK_FOLLOW;
	o->inside = inside;
	o->allow_outside = allow;
	o->outside_hint = "set follow_external_links to copy it";
}

/* A followed link must stay inside `inside` unless allow_outside. */
static void
test_inside(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf real = RELC_STRBUF_INIT;
	struct relc_walk_opts o;
	struct seen s;
	char *root = join(dir, "t"), *out = join(dir, "t/out");

	fixture_write(dir, "t/sub/f", "");
	fixture_write(dir, "outside/secret", "");
	make_link(dir, "t/in", "sub");
	make_link(dir, "t/out", "../outside");
	assert_int_equal(relc_fs_realpath(&real, root, &err), 0);
	opts_inside(&o, real.buf, 0);
	assert_int_equal(walk_log(&s, root, &o, &err), -1);
	assert_int_equal(err.kind, RELC_EAPP);
	assert_non_null(strstr(err.msg.buf, out));
	assert_non_null(strstr(err.msg.buf, "leads out of"));
	assert_non_null(strstr(err.msg.buf, "-> ../outside"));
	assert_non_null(
	    strstr(err.msg.buf, "; set follow_external_links to copy it"));
	/* the link inside was followed before */
	assert_string_equal(s.log.buf, "d \n"
				       "d+ in\n"
				       "f+ in/f\n");
	seen_release(&s);
	relc_error_release(&err);

	opts_inside(&o, real.buf, 1);
	assert_int_equal(walk_log(&s, root, &o, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "d+ in\n"
				       "f+ in/f\n"
				       "d+ out\n"
				       "f+ out/secret\n"
				       "d sub\n"
				       "f sub/f\n");
	seen_release(&s);
	relc_strbuf_release(&real);
	free(root);
	free(out);
}

/* Containment is by path components: "in" does not contain "inx". */
static void
test_inside_is_by_component(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf real = RELC_STRBUF_INIT;
	struct relc_walk_opts o;
	struct seen s;
	char *root = join(dir, "in");

	fixture_write(dir, "in/f", "");
	fixture_write(dir, "inx/g", "");
	make_link(dir, "in/file", "../inx/g");
	assert_int_equal(relc_fs_realpath(&real, root, &err), 0);
	opts_inside(&o, real.buf, 0);
	assert_int_equal(walk_log(&s, root, &o, &err), -1);
	assert_non_null(strstr(err.msg.buf, "leads out of"));
	seen_release(&s);
	relc_error_release(&err);
	relc_strbuf_release(&real);
	free(root);
}

/* A followed link to a FIFO outside is refused like any other. */
static void
test_inside_fifo_outside(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf real = RELC_STRBUF_INIT;
	struct relc_walk_opts o;
	struct seen s;
	char *root = join(dir, "in");

	fixture_write(dir, "in/f", "");
	make_dir(dir, "elsewhere");
	make_fifo(dir, "elsewhere/pipe");
	make_link(dir, "in/pipe", "../elsewhere/pipe");
	assert_int_equal(relc_fs_realpath(&real, root, &err), 0);
	opts_inside(&o, real.buf, 0);
	alarm(10);
	assert_int_equal(walk_log(&s, root, &o, &err), -1);
	alarm(0);
	assert_non_null(strstr(err.msg.buf, "leads out of"));
	seen_release(&s);
	relc_error_release(&err);
	relc_strbuf_release(&real);
	free(root);
}

/* max_entries and max_bytes stop a walk that goes too far. */
static void
test_limits(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_walk_opts o;
	struct seen s;
	char *root = join(dir, "t");
	int i;

	for (i = 0; i < 5; i++) {
		char name[16];

		snprintf(name, sizeof(name), "t/f%d", i);
		fixture_write(dir, name, "0123456789");
	}
	memset(&o, 0, sizeof(o));
	o.max_entries = 100;
	o.max_bytes = 1000;
	assert_int_equal(walk_log(&s, root, &o, &err), 0);
	seen_release(&s);
	/* the root and five files; fifty bytes */
	o.max_entries = 6;
	o.max_bytes = 50;
	assert_int_equal(walk_log(&s, root, &o, &err), 0);
	seen_release(&s);

	o.max_entries = 4;
	o.max_bytes = 0;
	assert_int_equal(walk_log(&s, root, &o, &err), -1);
	assert_int_equal(err.kind, RELC_EAPP);
	assert_non_null(strstr(err.msg.buf, "more than 4 files"));
	assert_true(s.calls <= 4);
	seen_release(&s);
	relc_error_release(&err);

	o.max_entries = 0;
	o.max_bytes = 25;
	assert_int_equal(walk_log(&s, root, &o, &err), -1);
	assert_non_null(strstr(err.msg.buf, "more than 25 bytes"));
	seen_release(&s);
	relc_error_release(&err);

	/* a followed link to a big tree counts what it leads to */
	fixture_write(dir, "big/a", "0123456789");
	fixture_write(dir, "big/b", "0123456789");
	fixture_write(dir, "big/c", "0123456789");
	make_link(dir, "t/zz", "../big");
	o.flags = RELC_WALK_FOLLOW;
	o.max_entries = 0;
	o.max_bytes = 60;
	assert_int_equal(walk_log(&s, root, &o, &err), -1);
	assert_non_null(strstr(err.msg.buf, "more than 60 bytes"));
	seen_release(&s);
	relc_error_release(&err);
	free(root);
}

/* A FIFO is reported as OTHER, never opened (which would block). */
static void
test_fifo(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t"), *fifo = join(dir, "t/p");

	fixture_write(dir, "t/a", "x");
	make_fifo(dir, "t/p");
	make_link(dir, "t/q", "p");
	alarm(10); /* a walk that blocks fails the test */
	assert_int_equal(walk_flags(&s, root, RELC_WALK_OPEN_FILES, &err), 0);
	assert_string_equal(s.log.buf, "d \n"
				       "f a\n"
				       "o p\n"
				       "l q -> p\n");
	seen_release(&s);
	assert_int_equal(
	    walk_flags(&s, root, RELC_WALK_OPEN_FILES | RELC_WALK_FOLLOW, &err),
	    0);
	assert_string_equal(s.log.buf, "d \n"
				       "f a\n"
				       "o p\n"
				       "o+ q\n");
	seen_release(&s);
	/* the FIFO as the root */
	assert_int_equal(walk_flags(&s, fifo, RELC_WALK_OPEN_FILES, &err), 0);
	assert_string_equal(s.log.buf, "o \n");
	seen_release(&s);
	alarm(0);
	free(root);
	free(fifo);
}

/* OPEN_FILES: e->fd is the file, open for reading. */
static void
test_open_files(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t"), *file = join(dir, "t/a");

	fixture_write(dir, "t/a", "alpha");
	fixture_write(dir, "t/sub/b", "beta");
	fixture_write(dir, "t/empty", "");
	make_link(dir, "t/l", "a");
	assert_int_equal(walk_flags(&s, root, RELC_WALK_OPEN_FILES, &err), 0);
	assert_string_equal(s.data.buf, "a=alpha\n"
					"empty=\n"
					"sub/b=beta\n");
	seen_release(&s);
	assert_int_equal(
	    walk_flags(&s, root, RELC_WALK_OPEN_FILES | RELC_WALK_FOLLOW, &err),
	    0);
	assert_string_equal(s.data.buf, "a=alpha\n"
					"empty=\n"
					"l=alpha\n"
					"sub/b=beta\n");
	seen_release(&s);
	/* a file as the root */
	assert_int_equal(walk_flags(&s, file, RELC_WALK_OPEN_FILES, &err), 0);
	assert_string_equal(s.data.buf, "=alpha\n");
	seen_release(&s);
	free(root);
	free(file);
}

/* The tree the removal tests remove, and what must survive it. */
static void
removal_tree(const char *dir)
{
	char *p;

	fixture_write(dir, "keep/precious", "precious");
	fixture_write(dir, "keepfile", "also precious");
	fixture_write(dir, "tree/a/ro/file", "x");
	fixture_write(dir, "tree/a/ro/deeper/file", "x");
	fixture_write(dir, "tree/b", "x");
	make_fifo(dir, "tree/a/fifo");
	make_link(dir, "tree/a/ro/tokeep", "../../../keep");
	make_link(dir, "tree/a/tokeepfile", "../../keepfile");
	make_link(dir, "tree/dangling", "nowhere");
	p = join(dir, "tree/a/ro/deeper");
	assert_int_equal(chmod(p, 0500), 0);
	free(p);
	p = join(dir, "tree/a/ro");
	assert_int_equal(chmod(p, 0555), 0);
	free(p);
}

static void
check_removed(const char *dir)
{
	char *tree = join(dir, "tree"), *keep = join(dir, "keep/precious"),
	     *keepfile = join(dir, "keepfile");
	char *text;

	assert_false(relc_fs_exists(tree));
	assert_true(relc_fs_is_file(keep));
	text = fixture_read(dir, "keepfile", NULL);
	assert_string_equal(text, "also precious");
	free(text);
	free(tree);
	free(keep);
	free(keepfile);
}

/* rm -rf: read-only directories, a FIFO, links left alone. */
static void
test_remove(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	char *tree = join(dir, "tree"), *missing = join(dir, "missing"),
	     *link = join(dir, "link");

	removal_tree(dir);
	alarm(10);
	assert_int_equal(relc_walk_remove(tree, &err), 0);
	alarm(0);
	check_removed(dir);
	/* a missing path is fine */
	assert_int_equal(relc_walk_remove(missing, &err), 0);
	assert_false(relc_error_isset(&err));
	/* a link as the root: the link goes, not what it points to */
	make_link(dir, "link", "keep");
	assert_int_equal(relc_walk_remove(link, &err), 0);
	assert_false(relc_fs_exists(link));
	check_removed(dir);
	/* a dangling link as the root */
	make_link(dir, "link", "nowhere");
	assert_int_equal(relc_walk_remove(link, &err), 0);
	assert_false(relc_fs_exists(link));
	free(tree);
	free(missing);
	free(link);
}

static int
chown_entry(const struct relc_walk_entry *e, void *ctx, struct relc_error *err)
{
	const struct passwd *pw = ctx;

	if (fchownat(e->dirfd, e->name, pw->pw_uid, pw->pw_gid,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return relc_error_errno(err, "cannot chown '%s'", e->path);
	return 0;
}

/*
 * The same removal by an ordinary user, for whom read-only directories
 * really are read-only (as root, the test runs it as nobody).
 */
static void
test_remove_as_user(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_walk_opts o;
	struct passwd *pw;
	char *base = join(dir, "u"), *tree = join(dir, "u/tree");
	pid_t pid;
	int status;

	make_dir(dir, "u");
	removal_tree(base);
	if (geteuid() != 0) {
		assert_int_equal(relc_walk_remove(tree, &err), 0);
		check_removed(base);
		goto out;
	}
	pw = getpwnam("nobody");
	if (!pw) {
		skip();
		goto out;
	}
	memset(&o, 0, sizeof(o));
	assert_int_equal(relc_walk(base, &o, chown_entry, pw, &err), 0);
	assert_int_equal(chmod(dir, 0711), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct relc_error cerr = RELC_ERROR_INIT;

		alarm(10);
		if (setgid(pw->pw_gid) || setuid(pw->pw_uid))
			_exit(2);
		if (relc_walk_remove(tree, &cerr)) {
			fprintf(stderr, "as nobody: %s\n", cerr.msg.buf);
			_exit(1);
		}
		_exit(relc_fs_exists(tree) ? 3 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	check_removed(base);
out:
	relc_error_release(&err);
	free(base);
	free(tree);
}

/* Every test: no alarm left behind by a failed assertion, no interrupt. */
static int
teardown(void **state)
{
	alarm(0);
	relc_interrupt_raise(0);
	return fixture_tmpdir_teardown(state);
}

/* An interrupt stops a walk, but not a removal. */
static void
test_interrupt(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct seen s;
	char *root = join(dir, "t");

	fixture_write(dir, "t/a/b", "");
	fixture_write(dir, "t/c", "");
	relc_interrupt_raise(SIGINT);
	assert_int_equal(walk_flags(&s, root, 0, &err), -1);
	assert_int_equal(err.kind, RELC_EINTERRUPTED);
	seen_release(&s);
	relc_error_release(&err);
	/* UNSTOPPABLE walks go on */
	assert_int_equal(walk_flags(&s, root, RELC_WALK_UNSTOPPABLE, &err), 0);
	assert_int_equal(s.calls, 4);
	seen_release(&s);
	assert_int_equal(relc_walk_remove(root, &err), 0);
	assert_false(relc_fs_exists(root));
	assert_int_equal(relc_interrupt_signal(), SIGINT);
	relc_interrupt_raise(0);
	/* cleared: walks work again */
	fixture_write(dir, "t/a", "");
	assert_int_equal(walk_flags(&s, root, 0, &err), 0);
	seen_release(&s);
	free(root);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_tmpdir_setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_sorted_order),
	    T(test_depth_and_fds),
	    T(test_links_reported_or_followed),
	    T(test_followed_link_stat),
	    T(test_flat),
	    T(test_post_order),
	    T(test_post_path_after_long_names),
	    T(test_skip),
	    T(test_callback_error_stops),
	    T(test_loop),
	    T(test_dangling),
	    T(test_inside),
	    T(test_inside_is_by_component),
	    T(test_inside_fifo_outside),
	    T(test_limits),
	    T(test_fifo),
	    T(test_open_files),
	    T(test_remove),
	    T(test_remove_as_user),
	    T(test_interrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
