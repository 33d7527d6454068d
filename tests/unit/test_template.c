/* test_template.c: rendering templates, and the embedded ones. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/template.h"

static const struct relc_tvar vars[] = {
    {"name", "it's"},
    {"n", "42"},
};

static void
assert_renders(const char *src, const char *want)
{
	struct relc_strbuf out = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	if (relc_template_render(&out, src, strlen(src), vars, 2, "t", &err))
		fail_msg("render failed: %s", err.msg.buf);
	assert_string_equal(out.buf, want);
	relc_strbuf_release(&out);
}

static void
assert_render_error(const char *src, const char *want)
{
	struct relc_strbuf out = RELC_STRBUF_INIT, msg = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	assert_int_equal(relc_template_render(&out, src, strlen(src), vars, 2,
					      "templates/bin", &err),
			 -1);
	relc_error_format(&msg, &err);
	assert_string_equal(msg.buf, want);
	relc_error_release(&err);
	relc_strbuf_release(&out);
	relc_strbuf_release(&msg);
}

static void
test_render(void **state)
{
	(void)state;
	assert_renders("X={{name}}\n", "X='it'\\''s'\n");
	assert_renders("{{!n}} and {{n}}", "42 and '42'");
	assert_renders("a {{{{x}} b", "a {{x}} b");
	assert_renders("{ } {x} no braces", "{ } {x} no braces");
	assert_render_error("line\n  {{nope}}",
			    "templates/bin:2:3: unknown template variable "
			    "'nope'");
	assert_render_error("{{name", "templates/bin:1:1: '{{' must be "
				      "followed by a name and '}}' (write "
				      "'{{{{' for a literal '{{')");
	assert_render_error(
	    "{{ name }}", "templates/bin:1:1: '{{' must be followed by a name "
			  "and '}}' (write '{{{{' for a literal '{{')");
}

static void
test_shell_quote(void **state)
{
	struct relc_strbuf out = RELC_STRBUF_INIT;

	(void)state;
	relc_shell_quote(&out, "a b'c$d\"");
	assert_string_equal(out.buf, "'a b'\\''c$d\"'");
	relc_strbuf_release(&out);
}

static void
test_embedded(void **state)
{
	const struct relc_embedded *bin = relc_template_find("bin");

	(void)state;
	assert_non_null(bin);
	assert_true(bin->size > 1000);
	assert_memory_equal(bin->data, "#!/bin/sh\n", 10);
	assert_int_equal(bin->data[bin->size], '\0');
	assert_non_null(relc_template_find("erl"));
	assert_non_null(relc_template_find("vm.args"));
	assert_null(relc_template_find("README.md"));
	assert_null(relc_template_find("nope"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_shell_quote),
	    cmocka_unit_test(test_embedded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
