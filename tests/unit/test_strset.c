/* test_strset.c: the string set (strset.h). */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/strset.h"

static void
test_empty(void **state)
{
	struct relc_strset set = RELC_STRSET_INIT;

	(void)state;
	assert_false(relc_strset_has(&set, "a"));
	assert_false(relc_strset_has(&set, ""));
	assert_int_equal(set.n, 0);
	relc_strset_release(&set);
	relc_strset_release(&set);
}

static void
test_set_semantics(void **state)
{
	struct relc_strset set = RELC_STRSET_INIT;
	char buf[8];

	(void)state;
	assert_int_equal(relc_strset_add(&set, "a"), 1);
	assert_int_equal(relc_strset_add(&set, "a"), 0);
	assert_int_equal(relc_strset_add(&set, "A"), 1);
	assert_int_equal(relc_strset_add(&set, "a "), 1);
	assert_int_equal(relc_strset_add(&set, ""), 1);
	assert_int_equal(relc_strset_add(&set, ""), 0);
	assert_int_equal(relc_strset_add(&set, "\xc3\xa9"), 1);
	assert_int_equal(set.n, 5);
	assert_true(relc_strset_has(&set, "a"));
	assert_true(relc_strset_has(&set, "A"));
	assert_true(relc_strset_has(&set, "a "));
	assert_true(relc_strset_has(&set, ""));
	assert_true(relc_strset_has(&set, "\xc3\xa9"));
	assert_false(relc_strset_has(&set, "b"));
	assert_false(relc_strset_has(&set, "aa"));
	assert_false(relc_strset_has(&set, "\xc3"));

	/* the set keeps its own copy */
	snprintf(buf, sizeof(buf), "key");
	assert_int_equal(relc_strset_add(&set, buf), 1);
	buf[0] = 'K';
	assert_true(relc_strset_has(&set, "key"));
	assert_false(relc_strset_has(&set, "Key"));
	assert_int_equal(relc_strset_add(&set, buf), 1);
	assert_int_equal(set.n, 7);

	/* released, it is empty and usable again */
	relc_strset_release(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.slots);
	assert_false(relc_strset_has(&set, "a"));
	assert_int_equal(relc_strset_add(&set, "a"), 1);
	assert_true(relc_strset_has(&set, "a"));
	relc_strset_release(&set);
}

/* Many entries, with long common prefixes: growth keeps everything. */
static void
test_100k(void **state)
{
	struct relc_strset set = RELC_STRSET_INIT;
	char buf[64];
	size_t i, used = 0;

	(void)state;
	for (i = 0; i < 100000; i++) {
		snprintf(buf, sizeof(buf), "lib/app-1.0/ebin/module_%zu.beam",
			 i);
		assert_int_equal(relc_strset_add(&set, buf), 1);
	}
	assert_int_equal(set.n, 100000);
	/* open addressing: room to spare, and every copy in a slot */
	assert_true(set.cap > set.n);
	assert_int_equal(set.cap & (set.cap - 1), 0);
	for (i = 0; i < set.cap; i++)
		used += set.slots[i] != NULL;
	assert_int_equal(used, 100000);
	for (i = 0; i < 100000; i++) {
		snprintf(buf, sizeof(buf), "lib/app-1.0/ebin/module_%zu.beam",
			 i);
		assert_true(relc_strset_has(&set, buf));
		assert_int_equal(relc_strset_add(&set, buf), 0);
	}
	for (i = 100000; i < 200000; i++) {
		snprintf(buf, sizeof(buf), "lib/app-1.0/ebin/module_%zu.beam",
			 i);
		assert_false(relc_strset_has(&set, buf));
	}
	assert_int_equal(set.n, 100000);
	relc_strset_release(&set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_set_semantics),
	    cmocka_unit_test(test_100k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
