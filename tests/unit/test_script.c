/* test_script.c: the boot script's instructions and packed applications. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "apps.h"
#include "relc/arena.h"
#include "terms.h"
#include "relc/error.h"
#include "relc/graph.h"
#include "relc/otp.h"
#include "relc/script.h"
#include "relc/strbuf.h"
#include "relc/term.h"

static struct relc_otp
fake_otp(unsigned major)
{
	static const char script[] =
	    "{script, {\"Erlang/OTP\", \"25\"},\n"
	    " [{preLoaded, [erlang, init]}, {progress, preloaded},\n"
	    "  {path, [\"$ROOT/lib/kernel-8.5.3/ebin\"]},\n"
	    "  {primLoad, [error_handler, lists]},\n"
	    "  {kernel_load_completed},\n"
	    "  {kernelProcess, heart, {heart, start, []}},\n"
	    "  {kernelProcess, application_controller,\n"
	    "   {application_controller, start,\n"
	    "    [{application, kernel, [{description, \"old\"}]}]}},\n"
	    "  {progress, started}]}.";
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_otp otp;

	memset(&otp, 0, sizeof(otp));
	assert_int_equal(relc_otp_parse_script(&otp, test_parse1(script), "s",
					       &test_arena, &err),
			 0);
	otp.major = major;
	return otp;
}

static const struct relc_term *
build_with(unsigned major, unsigned flags, const char *prepend)
{
	const struct relc_app *apps[] = {
	    test_app(&test_arena, "kernel", "8.5.3", "[]", NULL, NULL,
		     "[lists_helper, error_handler, kernel]", NULL),
	    test_app(&test_arena, "stdlib", "4.2", "[kernel]", NULL, NULL,
		     "[lists, zzz, aaa]", NULL),
	    test_app(&test_arena, "app", "2", "[kernel, stdlib]", "[inc]", NULL,
		     "[app_b, app_a, erlang]", NULL),
	    test_app(&test_arena, "inc", "1", NULL, NULL, NULL, "[inc_m]",
		     NULL),
	    test_app(&test_arena, "gone", "1", NULL, NULL, NULL, NULL, NULL),
	};
	const enum relc_start_type types[] = {0, 0, RELC_TRANSIENT, 0,
					      RELC_NONE};
	size_t i;
	struct relc_relspec rel = test_rel(&test_arena, apps, 5, types);
	struct relc_otp otp = fake_otp(major);
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_bootapp *b;
	const struct relc_term *script;
	size_t n;

	/* kernel and stdlib are OTP's, the others the project's */
	for (i = 0; i < 2; i++)
		((struct relc_app *)apps[i])->origin = RELC_ORIGIN_OTP;
	assert_int_equal(relc_graph_sort(&b, &n, &rel, &test_arena, &err), 0);
	assert_int_equal(relc_script_build(&script, "rel", "1.0", b, n, &otp,
					   flags, prepend, &test_arena, &err),
			 0);
	return script;
}

static const struct relc_term *
build(unsigned major, unsigned flags)
{
	return build_with(major, flags, NULL);
}

static void
assert_script(const struct relc_term *script, const char *want)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_term_print_flat(&sb, script);
	if (strcmp(sb.buf, want))
		fail_msg("want: %s\ngot:  %s", want, sb.buf);
	relc_strbuf_release(&sb);
}

#define KERNEL25                                                               \
	"{application,kernel,[{description,\"kernel\"},{vsn,\"8.5.3\"},"       \
	"{id,[]},{modules,[lists_helper,error_handler,kernel]},"               \
	"{registered,[]},{applications,[]},{optional_applications,[]},"        \
	"{included_applications,[]},{env,[]},{maxT,infinity},"                 \
	"{maxP,infinity}]}"

static void
test_instructions(void **state)
{
	(void)state;
	assert_script(
	    build(25, 0),
	    "{script,{\"rel\",\"1.0\"},["
	    "{preLoaded,[erlang,init]},{progress,preloaded},"
	    "{path,[\"$ROOT/lib/kernel-8.5.3/ebin\","
	    "\"$ROOT/lib/stdlib-4.2/ebin\"]},"
	    "{primLoad,[error_handler,lists]},{kernel_load_completed},"
	    "{progress,kernel_load_completed},"
	    "{path,[\"$ROOT/lib/kernel-8.5.3/ebin\"]},"
	    "{primLoad,[kernel,lists_helper]},"
	    "{path,[\"$ROOT/lib/stdlib-4.2/ebin\"]},{primLoad,[aaa,zzz]},"
	    "{path,[\"$ROOT/lib/inc-1/ebin\"]},{primLoad,[inc_m]},"
	    "{path,[\"$ROOT/lib/app-2/ebin\"]},{primLoad,[app_a,app_b]},"
	    "{path,[\"$ROOT/lib/gone-1/ebin\"]},{primLoad,[]},"
	    "{progress,modules_loaded},"
	    "{path,[\"$ROOT/lib/kernel-8.5.3/ebin\","
	    "\"$ROOT/lib/stdlib-4.2/ebin\",\"$ROOT/lib/inc-1/ebin\","
	    "\"$ROOT/lib/app-2/ebin\",\"$ROOT/lib/gone-1/ebin\"]},"
	    "{kernelProcess,heart,{heart,start,[]}},"
	    "{kernelProcess,application_controller,"
	    "{application_controller,start,[" KERNEL25 "]}},"
	    "{progress,init_kernel_started},"
	    "{apply,{application,load,[{application,stdlib,["
	    "{description,\"stdlib\"},{vsn,\"4.2\"},{id,[]},"
	    "{modules,[lists,zzz,aaa]},{registered,[]},"
	    "{applications,[kernel]},{optional_applications,[]},"
	    "{included_applications,[]},{env,[]},{maxT,infinity},"
	    "{maxP,infinity}]}]}},"
	    "{apply,{application,load,[{application,inc,["
	    "{description,\"inc\"},{vsn,\"1\"},{id,[]},{modules,[inc_m]},"
	    "{registered,[]},{applications,[kernel,stdlib]},"
	    "{optional_applications,[]},{included_applications,[]},"
	    "{env,[]},{maxT,infinity},{maxP,infinity}]}]}},"
	    "{apply,{application,load,[{application,app,["
	    "{description,\"app\"},{vsn,\"2\"},{id,[]},"
	    "{modules,[app_b,app_a,erlang]},{registered,[]},"
	    "{applications,[kernel,stdlib]},{optional_applications,[]},"
	    "{included_applications,[inc]},{env,[]},{maxT,infinity},"
	    "{maxP,infinity}]}]}},"
	    "{progress,applications_loaded},"
	    "{apply,{application,start_boot,[kernel,permanent]}},"
	    "{apply,{application,start_boot,[stdlib,permanent]}},"
	    "{apply,{application,start_boot,[app,transient]}},"
	    "{apply,{c,erlangrc,[]}},{progress,started}]}");
}

/*
 * The consolidated protocols go first in every {path, ...} that holds an
 * application that is not OTP's (mix's prepend_paths_to_script), and only
 * there.
 */
static void
test_prepend_path(void **state)
{
	const struct relc_term *script =
	    build_with(25, RELC_SCRIPT_RELEASE_LIB,
		       "$RELEASE_LIB/../releases/1.0/consolidated");
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	relc_term_print_flat(&sb, script);
	assert_non_null(strstr(sb.buf,
			       "{path,[\"$ROOT/lib/kernel-8.5.3/ebin\","
			       "\"$ROOT/lib/stdlib-4.2/ebin\"]},{primLoad,"));
	assert_non_null(strstr(sb.buf,
			       "{path,[\"$ROOT/lib/kernel-8.5.3/ebin\"]},"
			       "{primLoad,[kernel,lists_helper]},"
			       "{path,[\"$ROOT/lib/stdlib-4.2/ebin\"]},"));
	assert_non_null(strstr(sb.buf,
			       "{path,[\"$RELEASE_LIB/../releases/1.0/"
			       "consolidated\",\"$RELEASE_LIB/app-2/ebin\"]},"
			       "{primLoad,[app_a,app_b]},"));
	assert_non_null(strstr(
	    sb.buf, "{progress,modules_loaded},"
		    "{path,[\"$RELEASE_LIB/../releases/1.0/consolidated\","
		    "\"$ROOT/lib/kernel-8.5.3/ebin\","));
	relc_strbuf_release(&sb);
}

static void
test_no_dot_erlang_and_old_otp(void **state)
{
	const struct relc_term *script = build(23, RELC_SCRIPT_NO_DOT_ERLANG);
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	relc_term_print_flat(&sb, script);
	assert_null(strstr(sb.buf, "erlangrc"));
	/* OTP 23's systools has no optional_applications key */
	assert_null(strstr(sb.buf, "optional_applications"));
	assert_non_null(strstr(sb.buf, "{progress,applications_loaded},"));
	relc_strbuf_release(&sb);
}

static void
test_pack_app_optional_keys(void **state)
{
	static const char text[] =
	    "{application, p, [{description, \"d\"}, {vsn, \"1\"}, "
	    "{modules, []}, {registered, []}, {applications, []}, "
	    "{mod, {p_app, x}}, {start_phases, [{s, 1}]}, {maxP, 3}]}.";
	struct relc_bootapp b;
	struct relc_app app;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	assert_int_equal(relc_appfile_parse(&app, text, sizeof(text) - 1,
					    "p.app", "p", &test_arena, &err),
			 0);
	memset(&b, 0, sizeof(b));
	b.app = &app;
	relc_term_print_flat(&sb, relc_script_pack_app(&b, 25, &test_arena));
	assert_string_equal(
	    sb.buf, "{application,p,[{description,\"d\"},{vsn,\"1\"},{id,[]},"
		    "{modules,[]},{registered,[]},{applications,[]},"
		    "{optional_applications,[]},{included_applications,[]},"
		    "{env,[]},{maxT,infinity},{maxP,3},{start_phases,[{s,1}]},"
		    "{mod,{p_app,x}}]}");
	relc_strbuf_release(&sb);
}

static void
test_format(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	(void)state;
	relc_script_format(&sb, test_parse1("{a, \"b\"}."));
	assert_string_equal(sb.buf, "%% coding: utf-8\n{a,\"b\"}.\n");
	relc_strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_instructions, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_no_dot_erlang_and_old_otp,
					    test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_pack_app_optional_keys,
					    test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_format, test_arena_setup,
					    test_arena_teardown),
	    cmocka_unit_test_setup_teardown(test_prepend_path, test_arena_setup,
					    test_arena_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
