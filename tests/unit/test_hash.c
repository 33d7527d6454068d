/*
 * test_hash.c: the fast change-detection hash (hash.h): determinism, the
 * same digest however the input is split, and sensitivity to every bit.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/hash.h"
#include "relc/strset.h"

static void
digest(char out[33], const void *data, size_t len)
{
	struct relc_hash h;

	relc_hash_init(&h);
	relc_hash_update(&h, data, len);
	relc_hash_final_hex(&h, out);
}

/* Bytes that look random, the same every run. */
static void
fill(unsigned char *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (unsigned char)(seed >> 16);
	}
}

static void
test_format_and_determinism(void **state)
{
	unsigned char buf[300];
	char a[33], b[33];
	size_t len, i;

	(void)state;
	fill(buf, sizeof(buf), 1);
	for (len = 0; len <= sizeof(buf); len += 7) {
		digest(a, buf, len);
		digest(b, buf, len);
		assert_string_equal(a, b);
		assert_int_equal(strlen(a), 32);
		for (i = 0; i < 32; i++)
			assert_true(relc_isdigit(a[i]) ||
				    (a[i] >= 'a' && a[i] <= 'f'));
	}
}

/*
 * Pinned digests: the hash is defined on bytes (little-endian loads), so
 * these are the same on every machine.  A change to the function changes
 * them, and with them every fingerprint in existing stamps.
 */
static void
test_known_values(void **state)
{
	char out[33];

	(void)state;
	digest(out, "", 0);
	assert_string_equal(out, "98d9670f9f83224f60265929e6098f78");
	digest(out, "abc", 3);
	assert_string_equal(out, "f510298bbefc86e52f38057605b1eed7");
	digest(out, "0123456789abcdef0123", 20);
	assert_string_equal(out, "c5f0db9c8005355f29f5a3636605398c");
}

/* Any split of the input gives the same digest. */
static void
test_chunking_independence(void **state)
{
	unsigned char buf[97];
	char whole[33], parts[33];
	struct relc_hash h;
	size_t len, i, j;

	(void)state;
	fill(buf, sizeof(buf), 7);
	/* every split in two, for every length up to 40 */
	for (len = 0; len <= 40; len++) {
		digest(whole, buf, len);
		for (i = 0; i <= len; i++) {
			relc_hash_init(&h);
			relc_hash_update(&h, buf, i);
			relc_hash_update(&h, buf + i, len - i);
			relc_hash_final_hex(&h, parts);
			assert_string_equal(parts, whole);
		}
	}
	/* every split in three of 97 bytes, with empty updates between */
	digest(whole, buf, sizeof(buf));
	for (i = 0; i <= sizeof(buf); i++)
		for (j = i; j <= sizeof(buf); j++) {
			relc_hash_init(&h);
			relc_hash_update(&h, buf, i);
			relc_hash_update(&h, "", 0);
			relc_hash_update(&h, buf + i, j - i);
			relc_hash_update(&h, buf + j, sizeof(buf) - j);
			relc_hash_final_hex(&h, parts);
			assert_string_equal(parts, whole);
		}
	/* a byte at a time */
	relc_hash_init(&h);
	for (i = 0; i < sizeof(buf); i++)
		relc_hash_update(&h, buf + i, 1);
	relc_hash_final_hex(&h, parts);
	assert_string_equal(parts, whole);
}

/* Flipping any one bit changes the digest, each flip differently. */
static void
test_one_bit(void **state)
{
	static const size_t lens[] = {1, 7, 8, 9, 16, 63, 64, 100};
	unsigned char buf[100];
	char orig[33], flipped[33];
	size_t k, i;

	(void)state;
	for (k = 0; k < RELC_ARRAY_SIZE(lens); k++) {
		struct relc_strset seen = RELC_STRSET_INIT;
		size_t len = lens[k];

		fill(buf, len, (uint32_t)(k + 3));
		digest(orig, buf, len);
		assert_int_equal(relc_strset_add(&seen, orig), 1);
		for (i = 0; i < len * 8; i++) {
			buf[i / 8] ^= (unsigned char)(1u << (i % 8));
			digest(flipped, buf, len);
			buf[i / 8] ^= (unsigned char)(1u << (i % 8));
			assert_int_equal(relc_strset_add(&seen, flipped), 1);
		}
		relc_strset_release(&seen);
	}
}

/* Inputs that differ only in length: zeros, and a trailing NUL. */
static void
test_length_matters(void **state)
{
	static const unsigned char zeros[40];
	struct relc_strset seen = RELC_STRSET_INIT;
	char out[33];
	size_t len;

	(void)state;
	for (len = 0; len <= sizeof(zeros); len++) {
		digest(out, zeros, len);
		assert_int_equal(relc_strset_add(&seen, out), 1);
	}
	digest(out, "abc", 3);
	assert_int_equal(relc_strset_add(&seen, out), 1);
	digest(out, "abc", 4);
	assert_int_equal(relc_strset_add(&seen, out), 1);
	relc_strset_release(&seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_and_determinism),
	    cmocka_unit_test(test_known_values),
	    cmocka_unit_test(test_chunking_independence),
	    cmocka_unit_test(test_one_bit),
	    cmocka_unit_test(test_length_matters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
