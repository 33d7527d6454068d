/* test_sha256.c: the FIPS 180-4 test vectors. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/sha256.h"

static void
test_vectors(void **state)
{
	char hex[65];
	struct relc_sha256 ctx;
	unsigned char d[32], block[1001];
	int i;

	(void)state;
	relc_sha256_hex(hex, "", 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	relc_sha256_hex(hex, "abc", 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	relc_sha256_hex(
	    hex, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
				 "a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a's, fed in pieces of odd sizes */
	memset(block, 'a', sizeof(block));
	relc_sha256_init(&ctx);
	for (i = 0; i < 1000; i++)
		relc_sha256_update(&ctx, block, i % 2 ? 999 : 1001);
	relc_sha256_final(&ctx, d);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[1], 0xc7);
	assert_int_equal(d[31], 0xd0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
