/* test_otp.c: finding and reading the target OTP installation. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/otp.h"
#include "relc/strbuf.h"
#include "relc/term.h"

static void
test_find_root_from_path(void **state)
{
	const char *dir = *state;
	char *root = fixture_fake_otp(dir, "otp");
	struct relc_strbuf found = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	struct relc_strbuf link = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	/* erl reached through a symbolic link, as /usr/bin/erl is */
	relc_strbuf_addf(&link, "%s/usrbin", dir);
	assert_int_equal(mkdir(link.buf, 0755), 0);
	relc_strbuf_addstr(&link, "/erl");
	relc_strbuf_addf(&path, "%s/otp/bin/erl", dir);
	assert_int_equal(symlink(path.buf, link.buf), 0);
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "/nonexistent:%s/usrbin", dir);
	assert_int_equal(relc_otp_find_root(&found, NULL, ".", path.buf, &err),
			 0);
	assert_string_equal(found.buf, root);
	/* no erl at all */
	assert_int_equal(
	    relc_otp_find_root(&found, NULL, ".", "/nonexistent", &err), -1);
	assert_non_null(strstr(err.msg.buf, "there is no 'erl' on PATH"));
	relc_error_release(&err);
	relc_strbuf_release(&found);
	relc_strbuf_release(&path);
	relc_strbuf_release(&link);
	free(root);
}

static void
test_find_root_from_config(void **state)
{
	const char *dir = *state;
	char *root = fixture_fake_otp(dir, "cross/otp");
	struct relc_strbuf found = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	assert_int_equal(relc_otp_find_root(&found, "cross/otp", dir, "", &err),
			 0);
	assert_string_equal(found.buf, root);
	/* an erts-VSN directory inside the root works too */
	assert_int_equal(
	    relc_otp_find_root(&found, "cross/otp/erts-13.1.5", dir, "", &err),
	    0);
	assert_string_equal(found.buf, root);
	assert_int_equal(relc_otp_find_root(&found, "cross", dir, "", &err),
			 -1);
	assert_non_null(
	    strstr(err.msg.buf, "is not an Erlang/OTP installation"));
	relc_error_release(&err);
	relc_strbuf_release(&found);
	free(root);
}

static void
test_load(void **state)
{
	const char *dir = *state;
	char *root = fixture_fake_otp(dir, "otp");
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_otp otp;

	assert_int_equal(relc_otp_load(&otp, root, &arena, &err), 0);
	assert_string_equal(otp.version, "25.2.3");
	assert_int_equal(otp.major, 25);
	assert_string_equal(otp.erts_vsn, "13.1.5");
	assert_int_equal(relc_term_list_len(otp.preloaded), 3);
	assert_int_equal(relc_term_list_len(otp.mandatory), 3);
	assert_int_equal(otp.nkernel_procs, 3);
	assert_int_equal(relc_otp_load(&otp, dir, &arena, &err), -1);
	relc_error_release(&err);
	relc_arena_release(&arena);
	free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_find_root_from_path,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_find_root_from_config,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_load, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
