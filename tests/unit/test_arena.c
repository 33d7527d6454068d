/* test_arena.c: the bump allocator. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/arena.h"

static void
test_alloc(void **state)
{
	struct relc_arena a = RELC_ARENA_INIT;
	char *s, *big;
	long *v;
	int i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		v = relc_arena_array(&a, 3, sizeof(*v));
		assert_true(((uintptr_t)v & 15) == 0);
		assert_int_equal(v[0] + v[1] + v[2], 0);
		v[2] = i;
	}
	big = relc_arena_alloc(&a, 1 << 20);
	big[(1 << 20) - 1] = 'x';
	s = relc_arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	s = relc_arena_memdupz(&a, "ab\0cd", 5);
	assert_memory_equal(s, "ab\0cd", 6);
	assert_true(a.total >= 10000 * 3 * sizeof(long) + (1 << 20));
	relc_arena_release(&a);
	assert_null(a.chunks);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
