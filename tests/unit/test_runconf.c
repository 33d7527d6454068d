/* test_runconf.c: the checks of the vm.args and sys.config templates. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/runconf.h"
#include "relc/strbuf.h"

static void
assert_placeholders(const char *src, const char *want, size_t nrefs)
{
	struct relc_strbuf out = RELC_STRBUF_INIT;

	assert_int_equal(relc_runconf_placeholders(&out, src, strlen(src)),
			 nrefs);
	assert_string_equal(out.buf, want);
	relc_strbuf_release(&out);
}

/* References become zeros of their length; anything else stays. */
static void
test_placeholders(void **state)
{
	(void)state;
	assert_placeholders("{port, ${PORT}}", "{port, 0000000}", 1);
	assert_placeholders("\"${A:-x y}\" ${_b1}", "\"000000000\" 000000", 2);
	assert_placeholders("${A:-}", "000000", 1);
	/* not references: no name, a digit first, no closing brace on the
	 * line, another operator, a lone $ */
	assert_placeholders("${} ${1A} ${A ${A:-x\n} ${A:=x} $A $",
			    "${} ${1A} ${A ${A:-x\n} ${A:=x} $A $", 0);
	assert_placeholders("$${A}", "$0000", 1);
}

static void
assert_sys_config(const char *src, const char *want_error)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	struct relc_arena arena;
	int r;

	relc_arena_init(&arena);
	r = relc_runconf_check_sys_config(src, strlen(src), "rel/sys.config",
					  &arena, &err);
	if (!want_error) {
		if (r)
			fail_msg("%s", err.msg.buf);
	} else {
		assert_int_equal(r, -1);
		relc_error_format(&msg, &err);
		assert_string_equal(msg.buf, want_error);
	}
	relc_error_release(&err);
	relc_strbuf_release(&msg);
	relc_arena_release(&arena);
}

static void
test_sys_config(void **state)
{
	(void)state;
	assert_sys_config("[{app, [{port, ${PORT}}, {host, \"${HOST:-h}\"}, "
			  "{node, 'n_${X}'}, {ratio, 1.${R}}]}].",
			  NULL);
	assert_sys_config("%% ${A}\n[].", NULL);
	/* positions are those of the template */
	assert_sys_config("[{app, [{port, ${PORT}}]}.",
			  "rel/sys.config:1:26: unexpected '.', expected ',', "
			  "'|' or ']'");
	assert_sys_config("[${A}]. [a].",
			  "rel/sys.config:1:9: sys.config must hold one term: "
			  "a list of {Application, [{Key, Value}]}");
	assert_sys_config("${A}.",
			  "rel/sys.config:1:1: sys.config must hold one term: "
			  "a list of {Application, [{Key, Value}]}");
}

static int
has_sys(void *ctx, const char *rel)
{
	(void)ctx;
	return !strcmp(rel, "releases/1/sys.config") ||
	       !strcmp(rel, "releases/1/extra.args");
}

static void
assert_vm_args(const char *src, const char *want_error)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	int r = relc_runconf_check_vm_args(src, strlen(src), "vm.args", has_sys,
					   NULL, &err);

	if (!want_error) {
		if (r)
			fail_msg("%s", err.msg.buf);
	} else {
		assert_int_equal(r, -1);
		relc_error_format(&msg, &err);
		assert_string_equal(msg.buf, want_error);
	}
	relc_error_release(&err);
	relc_strbuf_release(&msg);
}

static void
test_vm_args(void **state)
{
	(void)state;
	assert_vm_args("+K true\n## -setcookie x\n-config releases/1/sys\n"
		       "-config releases/1/sys.config\n"
		       "-args_file releases/1/extra.args\n"
		       "-args_file ${EXTRA}\n-config /etc/app/sys\n",
		       NULL);
	assert_vm_args("+K true\n  -setcookie x\n",
		       "vm.args:2:3: -setcookie would show the cookie in every "
		       "process listing: give it with cookie_file: or "
		       "RELEASE_COOKIE instead");
	assert_vm_args("-sname a",
		       "vm.args:1:1: -sname: bin/NAME names the node "
		       "(RELEASE_NODE, RELEASE_DISTRIBUTION; set them in "
		       "env.sh)");
	assert_vm_args("-args_file\n# nothing\n",
		       "vm.args:1:1: -args_file needs a file name");
	assert_vm_args("-config -args_file x",
		       "vm.args:1:1: -config needs a file name");
	assert_vm_args("-config\treleases/1/extra.args.x",
		       "vm.args:1:9: -config 'releases/1/extra.args.x' is not "
		       "a file of the release (a relative path is from the "
		       "release root)");
	assert_vm_args("-args_file releases/1/sys",
		       "vm.args:1:12: -args_file 'releases/1/sys' is not a "
		       "file of the release (a relative path is from the "
		       "release root)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_placeholders),
	    cmocka_unit_test(test_sys_config),
	    cmocka_unit_test(test_vm_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
