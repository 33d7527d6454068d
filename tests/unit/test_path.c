/* test_path.c: building paths one component at a time. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/error.h"
#include "relc/path.h"
#include "relc/strbuf.h"

static void
test_components(void **state)
{
	(void)state;
	assert_true(relc_path_component_ok("kernel-8.5.3", 12));
	assert_false(relc_path_component_ok("", 0));
	assert_false(relc_path_component_ok(".", 1));
	assert_false(relc_path_component_ok("..", 2));
	assert_false(relc_path_component_ok("a/b", 3));
	assert_false(relc_path_component_ok("a\nb", 3));
	assert_true(relc_path_component_ok("...", 3));
}

static void
test_push_pop(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	assert_int_equal(relc_path_push(&sb, "out", "dir", &err), 0);
	assert_int_equal(relc_path_push(&sb, "lib", "dir", &err), 0);
	assert_string_equal(sb.buf, "out/lib");
	assert_int_equal(relc_path_push(&sb, "../etc", "version", &err), -1);
	assert_string_equal(err.msg.buf, "version '../etc' cannot be used in a "
					 "file name");
	assert_string_equal(sb.buf, "out/lib");
	relc_path_pop(&sb);
	assert_string_equal(sb.buf, "out");
	relc_path_append(&sb, "a/b");
	assert_string_equal(sb.buf, "out/a/b");
	relc_strbuf_reset(&sb);
	relc_strbuf_addstr(&sb, "/x");
	relc_path_pop(&sb);
	assert_string_equal(sb.buf, "/");
	relc_error_release(&err);
	relc_strbuf_release(&sb);
}

static void
test_resolve_and_names(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	relc_path_resolve(&sb, "/proj", "rel/relc.yaml");
	assert_string_equal(sb.buf, "/proj/rel/relc.yaml");
	relc_path_resolve(&sb, "/proj", "/abs/dir/");
	assert_string_equal(sb.buf, "/abs/dir");
	relc_path_resolve(&sb, ".", "./_build");
	assert_string_equal(sb.buf, "_build");
	relc_path_resolve(&sb, "/proj", ".");
	assert_string_equal(sb.buf, "/proj");
	assert_string_equal(relc_path_basename("a/b/c.app"), "c.app");
	assert_string_equal(relc_path_basename("c"), "c");
	relc_path_dirname(&sb, "a/b/c");
	assert_string_equal(sb.buf, "a/b");
	relc_path_dirname(&sb, "c");
	assert_string_equal(sb.buf, ".");
	relc_path_dirname(&sb, "/c");
	assert_string_equal(sb.buf, "/");
	relc_strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_components),
	    cmocka_unit_test(test_push_pop),
	    cmocka_unit_test(test_resolve_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
