/*
 * test_gzip.c: the parallel gzip writer writes valid gzip that does not
 * depend on the number of threads.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "fixture.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/gzip.h"
#include "relc/strbuf.h"

/* Pseudo-random but compressible data: words from a small vocabulary. */
static void
make_data(struct relc_strbuf *sb, size_t len)
{
	static const char *const words[] = {"release ", "boot ", "kernel ",
					    "stdlib ",	"\n",	 "0123 "};
	uint32_t x = 12345;

	relc_strbuf_reset(sb);
	while (sb->len < len) {
		x = x * 1103515245u + 12345u;
		relc_strbuf_addstr(sb, words[(x >> 16) % 6]);
		if ((x >> 8) % 7 == 0)
			relc_strbuf_addch(sb, (int)(x & 0xFF));
	}
	relc_strbuf_setlen(sb, len);
}

static void
compress_to(const char *path, const struct relc_strbuf *data, int level,
	    unsigned threads, size_t piece)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_gzip *gz;
	size_t off;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(relc_gzip_open(&gz, fd, level, threads, &err), 0);
	for (off = 0; off < data->len; off += piece) {
		size_t n = data->len - off < piece ? data->len - off : piece;

		assert_int_equal(relc_gzip_write(gz, data->buf + off, n, &err),
				 0);
	}
	assert_int_equal(relc_gzip_close(gz, &err), 0);
	assert_int_equal(close(fd), 0);
}

static void
assert_gunzips_to(const char *path, const struct relc_strbuf *want)
{
	struct relc_strbuf out = RELC_STRBUF_INIT;
	gzFile f = gzopen(path, "rb");
	char buf[65536];
	int n;

	assert_non_null(f);
	while ((n = gzread(f, buf, sizeof(buf))) > 0)
		relc_strbuf_add(&out, buf, (size_t)n);
	assert_int_equal(n, 0);
	assert_int_equal(gzclose(f), Z_OK);
	assert_int_equal(out.len, want->len);
	assert_memory_equal(out.buf, want->buf, want->len);
	relc_strbuf_release(&out);
}

static void
test_sizes_and_threads(void **state)
{
	static const size_t sizes[] = {0,      1,      131071,
				       131072, 131073, 5 * 131072 + 17};
	static const unsigned threads[] = {1, 2, 4, 8};
	const char *dir = *state;
	struct relc_strbuf data = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	size_t i, t;

	for (i = 0; i < RELC_ARRAY_SIZE(sizes); i++) {
		char *first = NULL, *other;
		size_t first_len = 0, other_len;

		make_data(&data, sizes[i]);
		for (t = 0; t < RELC_ARRAY_SIZE(threads); t++) {
			relc_strbuf_reset(&path);
			relc_strbuf_addf(&path, "%s/d%zu-%u.gz", dir, i,
					 threads[t]);
			compress_to(path.buf, &data, 6, threads[t],
				    t % 2 ? 1000 : 70000);
			assert_gunzips_to(path.buf, &data);
			other = fixture_read(dir, path.buf + strlen(dir) + 1,
					     &other_len);
			/* gzip header: no name, no time, Unix */
			assert_memory_equal(
			    other, "\x1f\x8b\x08\x00\0\0\0\0\0\x03", 10);
			if (!first) {
				first = other;
				first_len = other_len;
				continue;
			}
			assert_int_equal(other_len, first_len);
			assert_memory_equal(other, first, first_len);
			free(other);
		}
		free(first);
	}
	relc_strbuf_release(&data);
	relc_strbuf_release(&path);
}

static void
test_levels(void **state)
{
	const char *dir = *state;
	struct relc_strbuf data = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_gzip *gz;
	size_t fast, best;
	char *text;

	make_data(&data, 600000);
	relc_strbuf_addf(&path, "%s/fast.gz", dir);
	compress_to(path.buf, &data, 1, 2, 4096);
	assert_gunzips_to(path.buf, &data);
	text = fixture_read(dir, "fast.gz", &fast);
	free(text);
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/best.gz", dir);
	compress_to(path.buf, &data, 9, 2, 4096);
	assert_gunzips_to(path.buf, &data);
	text = fixture_read(dir, "best.gz", &best);
	free(text);
	assert_true(best < fast);
	assert_int_equal(relc_gzip_open(&gz, 1, 10, 1, &err), -1);
	assert_string_equal(err.msg.buf,
			    "the gzip level must be 1 to 9, not 10");
	relc_error_release(&err);
	relc_strbuf_release(&data);
	relc_strbuf_release(&path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sizes_and_threads,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_levels, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
