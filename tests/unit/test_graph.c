/*
 * test_graph.c: systools_make's checks and sort, on cases whose results
 * were taken from systools:make_script on OTP 25.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "apps.h"
#include "relc/arena.h"
#include "terms.h"
#include "relc/error.h"
#include "relc/graph.h"
#include "relc/strbuf.h"

#define KERNEL                                                                 \
	test_app(&test_arena, "kernel", "8.5.3", "[]", NULL, NULL, NULL, NULL)
#define STDLIB                                                                 \
	test_app(&test_arena, "stdlib", "4.2", "[kernel]", NULL, NULL, NULL,   \
		 NULL)

/* "name name ..." of the sorted applications */
static char *
order(const struct relc_bootapp *b, size_t n)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		relc_strbuf_addf(&sb, "%s%s", i ? " " : "", b[i].app->name);
	return relc_strbuf_detach(&sb, NULL);
}

static char *
names(const struct relc_names *l)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		relc_strbuf_addf(&sb, "%s%s", i ? " " : "", l->v[i]);
	return relc_strbuf_detach(&sb, NULL);
}

static const struct relc_bootapp *
find(const struct relc_bootapp *b, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(b[i].app->name, name))
			return &b[i];
	fail_msg("%s not in the result", name);
	return NULL;
}

/* Sort a release of apps, all permanent; the test fails if it fails. */
static struct relc_bootapp *
sort_ok(const struct relc_app *const *apps, size_t n, size_t *nb)
{
	struct relc_relspec rel = test_rel(&test_arena, apps, n, NULL);
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_bootapp *b;

	if (relc_graph_sort(&b, nb, &rel, &test_arena, &err))
		fail_msg("sort failed: %s", err.msg.buf);
	return b;
}

static void
assert_sorted(const struct relc_app *const *apps, size_t n, const char *want)
{
	struct relc_bootapp *b;
	size_t nb;
	char *got;

	b = sort_ok(apps, n, &nb);
	got = order(b, nb);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_graph_error(const struct relc_app *const *apps, size_t n,
		   const enum relc_start_type *types, const char *want)
{
	struct relc_relspec rel = test_rel(&test_arena, apps, n, types);
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_bootapp *b;
	size_t nb;

	assert_int_equal(relc_graph_sort(&b, &nb, &rel, &test_arena, &err), -1);
	assert_string_equal(err.msg.buf, want);
	relc_error_release(&err);
}

/* formats.md A4: [kernel,stdlib,x,w,y,z] sorts to [kernel,stdlib,y,w,z,x] */
static void
test_sort_pulls_dependencies_forward(void **state)
{
	const struct relc_app *apps[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "x", NULL, "[kernel, stdlib, z, y]", NULL,
		     NULL, NULL, NULL),
	    test_app(&test_arena, "w", NULL, NULL, NULL, NULL, NULL, NULL),
	    test_app(&test_arena, "y", NULL, NULL, NULL, NULL, NULL, NULL),
	    test_app(&test_arena, "z", NULL, "[kernel, stdlib, w]", NULL, NULL,
		     NULL, NULL),
	};

	(void)state;
	assert_sorted(apps, 6, "kernel stdlib y w z x");
}

static void
test_kernel_first_even_when_listed_late(void **state)
{
	const struct relc_app *apps[] = {
	    test_app(&test_arena, "x", NULL, NULL, NULL, NULL, NULL, NULL),
	    STDLIB,
	    KERNEL,
	};

	(void)state;
	assert_sorted(apps, 3, "kernel stdlib x");
}

static void
test_uses_rewritten_to_top_app(void **state)
{
	const struct relc_app *apps[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "t", NULL, NULL, "[u]", NULL, NULL, NULL),
	    test_app(&test_arena, "u", NULL, NULL, NULL, NULL, NULL, NULL),
	    test_app(&test_arena, "v", NULL, "[kernel, stdlib, u]", NULL, NULL,
		     NULL, NULL),
	};
	struct relc_bootapp *b;
	size_t nb;
	char *s;

	(void)state;
	b = sort_ok(apps, 5, &nb);
	s = names(&find(b, nb, "v")->uses);
	assert_string_equal(s, "kernel stdlib t");
	free(s);
	s = order(b, nb);
	assert_string_equal(s, "kernel stdlib u t v");
	free(s);
}

static void
test_included_may_use_its_includer(void **state)
{
	const struct relc_app *apps[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "guest", NULL, "[kernel, stdlib, host]", NULL,
		     NULL, NULL, NULL),
	    test_app(&test_arena, "host", NULL, NULL, "[guest]", NULL, NULL,
		     NULL),
	};
	struct relc_bootapp *b;
	size_t nb;
	char *s;

	(void)state;
	b = sort_ok(apps, 4, &nb);
	s = names(&find(b, nb, "guest")->uses);
	assert_string_equal(s, "kernel stdlib");
	free(s);
}

static void
test_uses_sorted_by_rel_position(void **state)
{
	const struct relc_app *apps[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "b", NULL, NULL, NULL, NULL, NULL, NULL),
	    test_app(&test_arena, "a", NULL, NULL, NULL, NULL, NULL, NULL),
	    test_app(&test_arena, "x", NULL,
		     "[ghost, a, kernel, phantom, b, stdlib]", NULL,
		     "[ghost, phantom]", NULL, NULL),
	};
	struct relc_bootapp *b;
	size_t nb;
	char *s;

	(void)state;
	b = sort_ok(apps, 5, &nb);
	s = names(&find(b, nb, "x")->uses);
	/* by .rel position; absent optional ones last, in their order */
	assert_string_equal(s, "kernel stdlib b a ghost phantom");
	free(s);
}

static void
test_errors(void **state)
{
	const struct relc_app *cyc[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "a", NULL, "[kernel, stdlib, b]", NULL, NULL,
		     NULL, NULL),
	    test_app(&test_arena, "b", NULL, "[kernel, stdlib, c]", NULL, NULL,
		     NULL, NULL),
	    test_app(&test_arena, "c", NULL, "[kernel, stdlib, a]", NULL, NULL,
		     NULL, NULL),
	};
	const struct relc_app *undef[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "a", NULL, "[kernel, stdlib, nope]", "[gone]",
		     NULL, NULL, NULL),
	};
	const struct relc_app *dupmod[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "a", NULL, NULL, NULL, NULL, "[m, n]", NULL),
	    test_app(&test_arena, "b", NULL, NULL, NULL, NULL, "[n, m]", NULL),
	};
	const struct relc_app *dupreg[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "a", NULL, NULL, NULL, NULL, NULL, "[srv]"),
	    test_app(&test_arena, "b", NULL, NULL, NULL, NULL, NULL, "[srv]"),
	};
	const struct relc_app *dupinc[] = {
	    KERNEL,
	    STDLIB,
	    test_app(&test_arena, "a", NULL, NULL, "[i]", NULL, NULL, NULL),
	    test_app(&test_arena, "b", NULL, NULL, "[i]", NULL, NULL, NULL),
	    test_app(&test_arena, "i", NULL, NULL, NULL, NULL, NULL, NULL),
	};
	const struct relc_app *nostdlib[] = {KERNEL};
	const enum relc_start_type kload[] = {RELC_LOAD, 0};

	(void)state;
	assert_graph_error(cyc, 5, NULL,
			   "circular dependency between "
			   "applications: a -> b -> c -> a");
	assert_graph_error(undef, 3, NULL,
			   "undefined applications 'nope', 'gone' (needed by "
			   "'a') not in the release");
	assert_graph_error(dupmod, 4, NULL,
			   "module 'm' is in both 'a' and 'b' (and 1 more)");
	assert_graph_error(dupreg, 4, NULL,
			   "registered name 'srv' is claimed "
			   "by both 'a' and 'b'");
	assert_graph_error(dupinc, 5, NULL,
			   "application 'i' is included by both 'a' and 'b'");
	assert_graph_error(nostdlib, 1, NULL,
			   "the release must contain 'stdlib'");
	assert_graph_error(cyc, 2, kload,
			   "'kernel' must be permanent in every "
			   "release (it is set to load)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sort_pulls_dependencies_forward),
	    cmocka_unit_test(test_kernel_first_even_when_listed_late),
	    cmocka_unit_test(test_uses_rewritten_to_top_app),
	    cmocka_unit_test(test_included_may_use_its_includer),
	    cmocka_unit_test(test_uses_sorted_by_rel_position),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, test_arena_setup,
				      test_arena_teardown);
}
