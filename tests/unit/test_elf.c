/*
 * test_elf.c: the ELF reader, against what objdump -p says of the real
 * ELF files of this machine (ERTS, NIFs, the shell, libc), and on crafted,
 * truncated and garbled inputs.
 */
#include "relc/compat.h"

#include <glob.h>
#include <setjmp.h>
#include <cmocka.h>

#include "relc/arena.h"
#include "relc/elf.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/strbuf.h"

/* What objdump -p prints of a file: NEEDED, SONAME, version references. */
struct objdump {
	char *needed[64], *versions[256], *soname;
	size_t nneeded, nversions;
};

static void
objdump_release(struct objdump *o)
{
	size_t i;

	for (i = 0; i < o->nneeded; i++)
		free(o->needed[i]);
	for (i = 0; i < o->nversions; i++)
		free(o->versions[i]);
	free(o->soname);
}

static void
run_objdump(struct objdump *o, const char *path)
{
	struct relc_strbuf cmd = RELC_STRBUF_INIT;
	char line[1024], word[256];
	int in_refs = 0;
	FILE *f;
	size_t i;

	memset(o, 0, sizeof(*o));
	relc_strbuf_addf(&cmd, "objdump -p '%s'", path);
	f = popen(cmd.buf, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Version References:", 19)) {
			in_refs = 1;
			continue;
		}
		if (line[0] == '\n')
			in_refs = 0;
		if (in_refs) {
			int dup = 0;

			if (sscanf(line, " 0x%*x 0x%*x %*d %255s", word) != 1)
				continue;
			for (i = 0; i < o->nversions; i++)
				dup |= !strcmp(o->versions[i], word);
			if (!dup) {
				assert_true(o->nversions < 256);
				o->versions[o->nversions++] = strdup(word);
			}
		} else if (sscanf(line, " NEEDED %255s", word) == 1) {
			assert_true(o->nneeded < 64);
			o->needed[o->nneeded++] = strdup(word);
		} else if (sscanf(line, " SONAME %255s", word) == 1) {
			o->soname = strdup(word);
		}
	}
	assert_int_equal(pclose(f), 0);
	relc_strbuf_release(&cmd);
}

/* Compare GLIBC_a.b[.c] versions numerically (both well-formed). */
static int
glibc_cmp(const char *a, const char *b)
{
	unsigned long x, y;

	a += 6;
	b += 6;
	for (;;) {
		x = strtoul(a, (char **)&a, 10);
		y = strtoul(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*a != '.' && *b != '.')
			return 0;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
	}
}

static int
is_glibc(const char *s)
{
	return !strncmp(s, "GLIBC_", 6) && s[6] >= '0' && s[6] <= '9';
}

/* Parse `path` and compare with what objdump -p says of it. */
static void
check_against_objdump(const char *path, const char *want_machine)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_elf elf;
	struct objdump o;
	const char *best = NULL;
	size_t i;

	assert_int_equal(relc_fs_read_file(&sb, path, (size_t)1 << 30, 0, &err),
			 0);
	assert_true(relc_elf_is_elf(sb.buf, sb.len));
	if (relc_elf_parse(&elf, sb.buf, sb.len, path, &arena, &err))
		fail_msg("%s: %s", path, err.msg.buf);
	run_objdump(&o, path);

	assert_true(elf.is64);
	assert_true(elf.little);
	assert_string_equal(elf.machine_name, want_machine);
	assert_int_equal(elf.nneeded, o.nneeded);
	assert_true(o.nneeded > 0);
	for (i = 0; i < o.nneeded; i++)
		assert_string_equal(elf.needed[i], o.needed[i]);
	if (o.soname)
		assert_string_equal(elf.soname, o.soname);
	else
		assert_null(elf.soname);
	assert_int_equal(elf.nversions, o.nversions);
	assert_true(o.nversions > 0);
	for (i = 0; i < o.nversions; i++) {
		assert_string_equal(elf.versions[i], o.versions[i]);
		if (is_glibc(o.versions[i]) &&
		    (!best || glibc_cmp(o.versions[i], best) > 0))
			best = o.versions[i];
	}
	assert_non_null(best);
	assert_string_equal(elf.glibc, best);

	objdump_release(&o);
	relc_arena_release(&arena);
	relc_error_release(&err);
	relc_strbuf_release(&sb);
}

static void
check_glob(const char *pattern, int required)
{
	glob_t g;
	size_t i;

	if (glob(pattern, 0, NULL, &g)) {
		if (required)
			fail_msg("no file matches %s", pattern);
		return;
	}
	for (i = 0; i < g.gl_pathc; i++)
		check_against_objdump(g.gl_pathv[i], "x86_64");
	globfree(&g);
}

static void
test_real_files(void **state)
{
	(void)state;
#if defined(__x86_64__) && defined(__linux__)
	check_glob("/usr/lib/erlang/erts-*/bin/beam.smp", 1);
	check_glob("/usr/lib/erlang/lib/crypto-*/priv/lib/crypto.so", 1);
	check_glob("/usr/lib/erlang/lib/jiffy-*/priv/jiffy.so", 0);
	check_glob("/bin/sh", 1);
	check_glob("/lib/x86_64-linux-gnu/libc.so.6", 1);
#else
	skip();
#endif
}

/*
 * A small dynamic ELF file with program headers only: PT_LOAD over the
 * whole file at 0x400000, PT_DYNAMIC, a string table and a version need.
 */
static void
put(unsigned char *b, size_t off, unsigned width, uint64_t v, int little)
{
	unsigned i;

	for (i = 0; i < width; i++)
		b[off + (little ? i : width - 1 - i)] =
		    (unsigned char)(v >> (8 * i));
}

#define CRAFTED_LEN 512
static const char crafted_strs[] = "\0libfoo.so.1\0libc.so.6\0libx.so\0"
				   "GLIBC_2.2.5\0GLIBC_2.34\0GLIBC_2.4\0";
enum { S_FOO = 1, S_LIBC = 13, S_X = 23, S_225 = 31, S_234 = 43, S_24 = 54 };

static void
craft(unsigned char *b, int is64, int little)
{
	const uint64_t base = 0x400000;
	size_t ph = is64 ? 64 : 52, phsz = is64 ? 56 : 32;
	unsigned w = is64 ? 8 : 4;
	size_t dyn = 384, vn = 320, str = 256, e, i;
	const uint64_t dyns[][2] = {
	    {1, S_FOO},
	    {1, S_LIBC},
	    {14, S_X},
	    {5, base + str},
	    {10, sizeof(crafted_strs)},
	    {0x6ffffffe, base + vn},
	    {0x6fffffff, 1},
	    {0, 0},
	};
	const unsigned names[] = {S_225, S_234, S_24};

	memset(b, 0, CRAFTED_LEN);
	memcpy(b,
	       "\x7f"
	       "ELF",
	       4);
	b[4] = is64 ? 2 : 1;
	b[5] = little ? 1 : 2;
	b[6] = 1;
	put(b, 16, 2, 3, little);  /* ET_DYN */
	put(b, 18, 2, 62, little); /* EM_X86_64 */
	put(b, 20, 4, 1, little);
	put(b, is64 ? 32 : 28, w, ph, little);		   /* e_phoff */
	put(b, is64 ? 52 : 40, 2, is64 ? 64 : 52, little); /* e_ehsize */
	put(b, is64 ? 54 : 42, 2, phsz, little);
	put(b, is64 ? 56 : 44, 2, 2, little);
	/* PT_LOAD */
	put(b, ph, 4, 1, little);
	if (is64) {
		put(b, ph + 16, 8, base, little);
		put(b, ph + 32, 8, CRAFTED_LEN, little);
		put(b, ph + 40, 8, CRAFTED_LEN, little);
	} else {
		put(b, ph + 8, 4, base, little);
		put(b, ph + 16, 4, CRAFTED_LEN, little);
		put(b, ph + 20, 4, CRAFTED_LEN, little);
	}
	/* PT_DYNAMIC */
	e = ph + phsz;
	put(b, e, 4, 2, little);
	if (is64) {
		put(b, e + 8, 8, dyn, little);
		put(b, e + 16, 8, base + dyn, little);
		put(b, e + 32, 8, 8 * 16, little);
	} else {
		put(b, e + 4, 4, dyn, little);
		put(b, e + 8, 4, base + dyn, little);
		put(b, e + 16, 4, 8 * 8, little);
	}
	memcpy(b + str, crafted_strs, sizeof(crafted_strs));
	/* One Elf_Verneed for libc.so.6 with three Elf_Vernaux. */
	put(b, vn, 2, 1, little);
	put(b, vn + 2, 2, 3, little);
	put(b, vn + 4, 4, S_LIBC, little);
	put(b, vn + 8, 4, 16, little);
	for (i = 0; i < 3; i++) {
		size_t a = vn + 16 + 16 * i;

		put(b, a + 8, 4, names[i], little);
		put(b, a + 12, 4, i < 2 ? 16 : 0, little);
	}
	for (i = 0; i < sizeof(dyns) / sizeof(dyns[0]); i++) {
		put(b, dyn + 2 * w * i, w, dyns[i][0], little);
		put(b, dyn + 2 * w * i + w, w, dyns[i][1], little);
	}
}

static void
test_crafted_program_headers_only(void **state)
{
	unsigned char b[CRAFTED_LEN];
	int is64, little;

	(void)state;
	for (is64 = 0; is64 < 2; is64++)
		for (little = 0; little < 2; little++) {
			struct relc_error err = RELC_ERROR_INIT;
			struct relc_arena arena = RELC_ARENA_INIT;
			struct relc_elf elf;

			craft(b, is64, little);
			if (relc_elf_parse(&elf, b, sizeof(b), "t.so", &arena,
					   &err))
				fail_msg("%s", err.msg.buf);
			assert_int_equal(elf.is64, is64);
			assert_int_equal(elf.little, little);
			assert_int_equal(elf.type, 3);
			assert_int_equal(elf.machine, 62);
			assert_string_equal(elf.machine_name, "x86_64");
			assert_int_equal(elf.nneeded, 2);
			assert_string_equal(elf.needed[0], "libfoo.so.1");
			assert_string_equal(elf.needed[1], "libc.so.6");
			assert_string_equal(elf.soname, "libx.so");
			assert_int_equal(elf.nversions, 3);
			assert_string_equal(elf.versions[0], "GLIBC_2.2.5");
			assert_string_equal(elf.versions[1], "GLIBC_2.34");
			assert_string_equal(elf.versions[2], "GLIBC_2.4");
			assert_string_equal(elf.glibc, "GLIBC_2.34");
			relc_arena_release(&arena);
			relc_error_release(&err);
		}
}

static void
expect_error(const void *data, size_t len, const char *what)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_elf elf;

	if (!relc_elf_parse(&elf, data, len, "bad.so", &arena, &err))
		fail_msg("no error for %s", what);
	assert_non_null(strstr(err.msg.buf, "bad.so"));
	relc_arena_release(&arena);
	relc_error_release(&err);
}

static void
test_errors(void **state)
{
	unsigned char b[CRAFTED_LEN];
	size_t i;

	(void)state;
	expect_error("", 0, "empty");
	expect_error("\x7f"
		     "EL",
		     3, "three bytes");
	expect_error("#!/bin/sh\n", 10, "a script");
	craft(b, 1, 1);
	expect_error(b, 40, "a truncated header");
	b[4] = 3;
	expect_error(b, sizeof(b), "an unknown class");
	/* The string table without its NUL. */
	craft(b, 1, 1);
	put(b, 384 + 2 * 8 * 4 + 8, 8, 31, 1); /* DT_STRSZ cuts GLIBC_2.2.5 */
	expect_error(b, sizeof(b), "a string table without its NUL");
	/* A DT_NEEDED past the string table. */
	craft(b, 1, 1);
	put(b, 384 + 8, 8, 4000, 1);
	expect_error(b, sizeof(b), "a string offset out of bounds");
	/* A string table at an address no segment loads. */
	craft(b, 0, 0);
	put(b, 384 + 3 * 8 + 4, 4, 0x10, 0);
	expect_error(b, sizeof(b), "an unmapped address");
	/* A version need whose aux points outside. */
	craft(b, 1, 0);
	put(b, 320 + 8, 4, 0xfffffff0u, 0);
	expect_error(b, sizeof(b), "a version need out of bounds");
	/* The dynamic segment out of bounds. */
	craft(b, 1, 1);
	put(b, 64 + 56 + 8, 8, UINT64_MAX - 4, 1);
	expect_error(b, sizeof(b), "a dynamic segment out of bounds");
	/* Truncated anywhere in the dynamic data. */
	for (i = 0; i < 384; i += 7) {
		craft(b, 1, 1);
		expect_error(b, i, "a truncated file");
	}
}

/* A real file cut short anywhere (its section headers are at the end). */
static void
test_truncated_and_garbled_real_file(void **state)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_elf elf;
	uint32_t seed = 12345;
	size_t i, j;

	(void)state;
	if (relc_fs_read_file(&sb, "/bin/sh", (size_t)1 << 30, 1, &err))
		skip();
	for (i = 0; i < sb.len; i += (i < 8192 ? 1 : 61)) {
		struct relc_error e = RELC_ERROR_INIT;

		if (!relc_elf_parse(&elf, sb.buf, i, "sh", &arena, &e))
			fail_msg("no error for /bin/sh cut at %zu", i);
		relc_error_release(&e);
	}
	/* Garbled: no crash, whatever the result (run under ASan too). */
	for (i = 0; i < 2000; i++) {
		struct relc_strbuf copy = RELC_STRBUF_INIT;
		struct relc_error e = RELC_ERROR_INIT;

		relc_strbuf_add(&copy, sb.buf, sb.len);
		for (j = 0; j < 8; j++) {
			seed = seed * 1103515245u + 12345u;
			copy.buf[(seed >> 8) % (i % 2 ? 128 : copy.len)] ^=
			    (char)(seed >> 24);
		}
		(void)relc_elf_parse(&elf, copy.buf, copy.len, "sh", &arena,
				     &e);
		relc_error_release(&e);
		relc_strbuf_release(&copy);
	}
	relc_arena_release(&arena);
	relc_error_release(&err);
	relc_strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_files),
	    cmocka_unit_test(test_crafted_program_headers_only),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_truncated_and_garbled_real_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
