/* test_error.c: errors are recorded once, where they are found. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/error.h"
#include "relc/strbuf.h"

static void
test_first_error_wins(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf out = RELC_STRBUF_INIT;

	(void)state;
	assert_false(relc_error_isset(&err));
	assert_int_equal(relc_error_at(&err, RELC_ECONFIG, "rel/relc.yaml", 3,
				       7, "unknown key '%s'", "x"),
			 -1);
	assert_int_equal(relc_error_set(&err, RELC_EIO, "later"), -1);
	relc_error_locate(&err, "other", 1, 1);
	relc_error_format(&out, &err);
	assert_string_equal(out.buf, "rel/relc.yaml:3:7: unknown key 'x'");
	assert_int_equal(err.kind, RELC_ECONFIG);
	relc_error_release(&err);
	relc_strbuf_release(&out);
}

static void
test_positions(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf out = RELC_STRBUF_INIT;

	(void)state;
	relc_error_set(&err, RELC_ETERM, "no position");
	relc_error_format(&out, &err);
	assert_string_equal(out.buf, "no position");
	relc_error_set_path(&err, "a.app");
	relc_strbuf_reset(&out);
	relc_error_format(&out, &err);
	assert_string_equal(out.buf, "a.app: no position");
	relc_error_release(&err);
	relc_error_at(&err, RELC_ETERM, "f", 4, 0, "line only");
	relc_strbuf_reset(&out);
	relc_error_format(&out, &err);
	assert_string_equal(out.buf, "f:4: line only");
	relc_error_release(&err);
	relc_strbuf_release(&out);
}

static void
test_errno(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	errno = ENOENT;
	assert_int_equal(relc_error_errno(&err, "cannot open '%s'", "x"), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err.msg.buf,
			    "cannot open 'x': No such file or directory");
	relc_error_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_error_wins),
	    cmocka_unit_test(test_positions),
	    cmocka_unit_test(test_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
