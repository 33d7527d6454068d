/* test_fsutil.c: the file-system primitives, in a temporary directory. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/atomicfile.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/walk.h"
#include "relc/strbuf.h"

static char *
join(const char *dir, const char *rel)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/%s", dir, rel);
	return relc_strbuf_detach(&sb, NULL);
}

static void
test_read_write(void **state)
{
	const char *dir = *state;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	char *f = join(dir, "f"), *g = join(dir, "g");
	struct stat st;

	assert_int_equal(relc_fs_write_new(f, "hello", 5, 0640, 0, &err), 0);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* write_new never replaces */
	assert_int_equal(relc_fs_write_new(f, "x", 1, 0644, 0, &err), -1);
	assert_non_null(strstr(err.msg.buf, "cannot create"));
	relc_error_release(&err);
	assert_int_equal(relc_fs_read_file(&sb, f, 100, 0, &err), 0);
	assert_string_equal(sb.buf, "hello");
	assert_int_equal(relc_fs_read_file(&sb, f, 3, 0, &err), -1);
	relc_error_release(&err);
	assert_int_equal(relc_fs_read_file(&sb, g, 100, 1, &err), 1);
	assert_int_equal(relc_fs_read_file(&sb, g, 100, 0, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	relc_error_release(&err);
	assert_int_equal(relc_atomicfile_write_whole(f, "new", 3, 0600, &err),
			 0);
	assert_int_equal(relc_fs_read_file(&sb, f, 100, 0, &err), 0);
	assert_string_equal(sb.buf, "new");
	assert_int_equal(relc_fs_read_file(&sb, dir, 100, 0, &err), -1);
	relc_error_release(&err);
	relc_strbuf_release(&sb);
	free(f);
	free(g);
}

static void
test_dirs(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	char *deep = join(dir, "a/b/c"), *top = join(dir, "a"), **names;
	size_t n;

	assert_int_equal(relc_fs_mkdirs(deep, 0755, &err), 0);
	assert_int_equal(relc_fs_mkdirs(deep, 0755, &err), 0);
	assert_true(relc_fs_is_dir(deep));
	fixture_write(dir, "a/z", "");
	fixture_write(dir, "a/m", "");
	assert_int_equal(relc_fs_list_dir(&names, &n, top, 0, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "b");
	assert_string_equal(names[1], "m");
	assert_string_equal(names[2], "z");
	relc_fs_free_names(names, n);
	assert_int_equal(relc_fs_list_dir(&names, &n, deep, 0, &err), 0);
	assert_int_equal(n, 0);
	relc_fs_free_names(names, n);
	free(deep);
	deep = join(dir, "a/z/q");
	assert_int_equal(relc_fs_mkdirs(deep, 0755, &err), -1);
	relc_error_release(&err);
	free(deep);
	free(top);
}

static void
test_remove_tree_keeps_link_targets(void **state)
{
	const char *dir = *state;
	struct relc_error err = RELC_ERROR_INIT;
	char *tree = join(dir, "tree"), *outside = join(dir, "outside"),
	     *link = join(dir, "tree/sub/link");

	fixture_write(dir, "tree/sub/file", "x");
	fixture_write(dir, "outside/keep", "precious");
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(relc_walk_remove(tree, &err), 0);
	assert_false(relc_fs_exists(tree));
	assert_true(relc_fs_exists(outside));
	free(tree);
	tree = join(dir, "outside/keep");
	assert_true(relc_fs_is_file(tree));
	assert_int_equal(relc_walk_remove(link, &err), 0);
	free(tree);
	free(outside);
	free(link);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_read_write, fixture_tmpdir_setup, fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_dirs, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_remove_tree_keeps_link_targets,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
