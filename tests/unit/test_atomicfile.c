/*
 * test_atomicfile.c: files replaced atomically (atomicfile.h): commit,
 * abort, failures on the way, and the sweep of temporary files that dead
 * runs left.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/atomicfile.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

static char *
join(const char *dir, const char *rel)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/%s", dir, rel);
	return relc_strbuf_detach(&sb, NULL);
}

/* The names in dir, one per line. */
static char *
listing(const char *dir)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;

	assert_int_equal(relc_fs_list_dir(&names, &n, dir, 0, &err), 0);
	for (i = 0; i < n; i++)
		relc_strbuf_addf(&sb, "%s\n", names[i]);
	relc_fs_free_names(names, n);
	return relc_strbuf_detach(&sb, NULL);
}

static void
assert_listing(const char *dir, const char *want)
{
	char *got = listing(dir);

	assert_string_equal(got, want);
	free(got);
}

static void
assert_contents(const char *dir, const char *rel, const char *want)
{
	char *got = fixture_read(dir, rel, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static unsigned
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (unsigned)(st.st_mode & 07777);
}

/* A PID that cannot be alive: a child's, after it was reaped. */
static long
dead_pid(void)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return (long)pid;
}

/* Commit puts the new contents in place with the mode asked for. */
static void
test_commit(void **state)
{
	const char *dir = *state;
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf prefix = RELC_STRBUF_INIT;
	char *path = join(dir, "f");
	mode_t old_umask = umask(077);

	fixture_write(dir, "f", "old");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(relc_atomicfile_open(&f, path, 0755, &err), 0);
	assert_true(f.fd >= 0);
	assert_string_equal(f.path.buf, path);
	/* the temporary file is next to the destination, named for us */
	relc_strbuf_addf(&prefix, "%s.relc-tmp-%ld-", path, (long)getpid());
	assert_int_equal(strncmp(f.tmp.buf, prefix.buf, prefix.len), 0);
	assert_int_equal(strlen(f.tmp.buf), prefix.len + 6);
	assert_true(relc_fs_is_file(f.tmp.buf));
	assert_int_equal(relc_atomicfile_write(&f, "new ", 4, &err), 0);
	assert_int_equal(relc_atomicfile_write(&f, "contents", 8, &err), 0);
	assert_int_equal(relc_atomicfile_write(&f, "", 0, &err), 0);
	/* until commit, the destination is untouched */
	assert_contents(dir, "f", "old");
	assert_int_equal(mode_of(path), 0644);
	assert_int_equal(relc_atomicfile_commit(&f, &err), 0);
	assert_false(relc_error_isset(&err));
	assert_contents(dir, "f", "new contents");
	/* the mode is the one asked for, whatever the umask */
	assert_int_equal(mode_of(path), 0755);
	assert_listing(dir, "f\n");
	/* f is released */
	assert_int_equal(f.fd, -1);
	assert_int_equal(f.tmp.len, 0);
	assert_int_equal(f.path.len, 0);
	/* a released f can be aborted */
	relc_atomicfile_abort(&f);
	assert_contents(dir, "f", "new contents");

	/* a file that did not exist; another mode */
	free(path);
	path = join(dir, "g");
	assert_int_equal(relc_atomicfile_write_whole(path, "g", 1, 0600, &err),
			 0);
	assert_contents(dir, "g", "g");
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(relc_atomicfile_write_whole(path, "", 0, 0640, &err),
			 0);
	assert_contents(dir, "g", "");
	assert_int_equal(mode_of(path), 0640);
	assert_listing(dir, "f\ng\n");
	umask(old_umask);
	relc_strbuf_release(&prefix);
	free(path);
}

/* write_new creates, and never replaces: the old file and no temporary. */
static void
test_write_new(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	char *path = join(dir, "n");

	assert_int_equal(relc_atomicfile_write_new(path, "one", 3, 0600, &err),
			 0);
	assert_contents(dir, "n", "one");
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(relc_atomicfile_write_new(path, "two", 3, 0644, &err),
			 -1);
	relc_strbuf_addf(&msg, "%s exists (use --force to overwrite)", path);
	assert_string_equal(err.msg.buf, msg.buf);
	assert_contents(dir, "n", "one");
	assert_int_equal(mode_of(path), 0600);
	assert_listing(dir, "n\n");
	relc_error_release(&err);
	relc_strbuf_release(&msg);
	free(path);
}

/* Abort leaves the old file and no temporary file. */
static void
test_abort(void **state)
{
	const char *dir = *state;
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;
	struct relc_atomicfile never = RELC_ATOMICFILE_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	char *path = join(dir, "f"), *fresh = join(dir, "fresh");

	fixture_write(dir, "f", "old");
	assert_int_equal(relc_atomicfile_open(&f, path, 0600, &err), 0);
	assert_int_equal(relc_atomicfile_write(&f, "new", 3, &err), 0);
	relc_atomicfile_abort(&f);
	assert_int_equal(f.fd, -1);
	assert_contents(dir, "f", "old");
	assert_listing(dir, "f\n");
	/* again, and on a file never opened */
	relc_atomicfile_abort(&f);
	relc_atomicfile_abort(&never);
	/* aborting a file that did not exist leaves nothing */
	assert_int_equal(relc_atomicfile_open(&f, fresh, 0600, &err), 0);
	relc_atomicfile_abort(&f);
	assert_false(relc_fs_exists(fresh));
	assert_listing(dir, "f\n");
	free(path);
	free(fresh);
}

/* A file that cannot be created next to the destination. */
static void
test_open_fails(void **state)
{
	const char *dir = *state;
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	char *path = join(dir, "no/such/dir/f");

	assert_int_equal(relc_atomicfile_open(&f, path, 0644, &err), -1);
	assert_int_equal(err.kind, RELC_EIO);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_non_null(strstr(err.msg.buf, path));
	assert_int_equal(f.fd, -1);
	relc_atomicfile_abort(&f);
	relc_error_release(&err);
	assert_int_equal(relc_atomicfile_write_whole(path, "x", 1, 0644, &err),
			 -1);
	assert_int_equal(err.sys_errno, ENOENT);
	relc_error_release(&err);
	assert_listing(dir, "");
	free(path);
}

/*
 * A write that fails (the file size limit: EFBIG): the error names the
 * file, abort leaves the old file and no temporary file.
 */
static void
test_write_fails(void **state)
{
	const char *dir = *state;
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct rlimit old, small;
	struct sigaction ign, old_sa;
	char big[4096], *path = join(dir, "f");

	memset(big, 'x', sizeof(big));
	fixture_write(dir, "f", "old");
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGXFSZ, &ign, &old_sa), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 1024;

	assert_int_equal(relc_atomicfile_open(&f, path, 0644, &err), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(relc_atomicfile_write(&f, big, sizeof(big), &err), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(err.kind, RELC_EIO);
	assert_int_equal(err.sys_errno, EFBIG);
	assert_non_null(strstr(err.msg.buf, "cannot write"));
	assert_non_null(strstr(err.msg.buf, path));
	relc_atomicfile_abort(&f);
	relc_error_release(&err);
	assert_contents(dir, "f", "old");
	assert_listing(dir, "f\n");

	/* the same through write_whole */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(
	    relc_atomicfile_write_whole(path, big, sizeof(big), 0600, &err),
	    -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(err.sys_errno, EFBIG);
	relc_error_release(&err);
	assert_contents(dir, "f", "old");
	assert_int_equal(mode_of(path), 0644);
	assert_listing(dir, "f\n");
	assert_int_equal(sigaction(SIGXFSZ, &old_sa, NULL), 0);
	free(path);
}

/* A commit that cannot rename: the temporary file goes, f is released. */
static void
test_commit_fails(void **state)
{
	const char *dir = *state;
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	char *path = join(dir, "d");

	/* the destination is a directory that is not empty */
	fixture_write(dir, "d/inside", "kept");
	assert_int_equal(relc_atomicfile_open(&f, path, 0644, &err), 0);
	assert_int_equal(relc_atomicfile_write(&f, "x", 1, &err), 0);
	assert_int_equal(relc_atomicfile_commit(&f, &err), -1);
	assert_int_equal(err.kind, RELC_EIO);
	assert_non_null(strstr(err.msg.buf, "cannot rename"));
	assert_int_equal(f.fd, -1);
	assert_int_equal(f.tmp.len, 0);
	assert_listing(dir, "d\n");
	assert_contents(dir, "d/inside", "kept");
	relc_atomicfile_abort(&f);
	relc_error_release(&err);
	free(path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The sweep removes NAME.relc-tmp-PID-XXXXXX of dead PIDs only, of this
 * destination only.
 */
static void
test_sweep(void **state)
{
	static const char *const made[] = {
	    "f.relc-tmp-@-a1B2c3",  "f.relc-tmp-@-zzzzzz",
	    "g.relc-tmp-@-a1B2c3",  "ff.relc-tmp-@-a1B2c3",
	    "xf.relc-tmp-@-a1B2c3", "f.relc-tmp-@x-a1B2c3",
	    "f.relc-tmp-@",	    "f.relc-tmp-abc-@",
	    "f.relc-tmpx@-a1B2c3",
	};
	const char *dir = *state;
	struct relc_atomicfile f = RELC_ATOMICFILE_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf want = RELC_STRBUF_INIT;
	long dead = dead_pid(), me = (long)getpid();
	char *path = join(dir, "f"), *kept[RELC_ARRAY_SIZE(made) + 2], *got;
	size_t i, nkept = 0;

	assert_false(relc_pid_alive(dead));
	assert_true(relc_pid_alive(me));
	assert_true(relc_pid_alive(1)); /* there, even if not ours */
	assert_false(relc_pid_alive(0));
	assert_false(relc_pid_alive(-1));

	fixture_write(dir, "f", "the file");
	kept[nkept++] = relc_xstrdup("f");
	for (i = 0; i < RELC_ARRAY_SIZE(made); i++) {
		struct relc_strbuf name = RELC_STRBUF_INIT;

		const char *at = strchr(made[i], '@');

		relc_strbuf_add(&name, made[i], (size_t)(at - made[i]));
		relc_strbuf_addf(&name, "%ld%s", dead, at + 1);
		fixture_write(dir, name.buf, "tmp");
		/*
		 * the first five are a dead run's temporary files (of any
		 * destination in the directory): swept
		 */
		if (i >= 5)
			kept[nkept++] = relc_strbuf_detach(&name, NULL);
		relc_strbuf_release(&name);
	}
	{
		struct relc_strbuf name = RELC_STRBUF_INIT;

		relc_strbuf_addf(&name, "f.relc-tmp-%ld-a1B2c3", me);
		fixture_write(dir, name.buf, "tmp");
		kept[nkept++] = relc_strbuf_detach(&name, NULL);
	}
	qsort(kept, nkept, sizeof(*kept), cmp_str);
	for (i = 0; i < nkept; i++)
		relc_strbuf_addf(&want, "%s\n", kept[i]);
	relc_atomicfile_sweep(path);
	assert_listing(dir, want.buf);

	/* a sweep in a directory that does not exist is no error */
	free(path);
	path = join(dir, "missing/f");
	relc_atomicfile_sweep(path);

	/* opening sweeps too */
	free(path);
	path = join(dir, "g");
	relc_strbuf_reset(&want);
	relc_strbuf_addf(&want, "g.relc-tmp-%ld-a1B2c3", dead);
	fixture_write(dir, want.buf, "tmp");
	assert_int_equal(relc_atomicfile_open(&f, path, 0644, &err), 0);
	relc_atomicfile_abort(&f);
	relc_strbuf_reset(&want);
	relc_strbuf_addf(&want, "g.relc-tmp-%ld-a1B2c3\n", dead);
	got = listing(dir);
	assert_null(strstr(got, want.buf));
	free(got);

	for (i = 0; i < nkept; i++)
		free(kept[i]);
	relc_strbuf_release(&want);
	free(path);
}

/* A name with no PID after the mark is not a temporary file of relc's. */
static void
test_sweep_keeps_names_without_a_pid(void **state)
{
	const char *dir = *state;
	char *path = join(dir, "f");

	fixture_write(dir, "f", "");
	fixture_write(dir, "f.relc-tmp--notes", "not relc's");
	relc_atomicfile_sweep(path);
	assert_listing(dir, "f\n"
			    "f.relc-tmp--notes\n");
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_commit, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(
		test_write_new, fixture_tmpdir_setup, fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_abort, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(
		test_open_fails, fixture_tmpdir_setup, fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_write_fails,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_commit_fails,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_sweep, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(
		test_sweep_keeps_names_without_a_pid, fixture_tmpdir_setup,
		fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
