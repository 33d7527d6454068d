/*
 * test_stamp.c: the build stamp (stamp.h): its text format round trip,
 * damaged stamps, names escaped, and recording a tree then checking it.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/plan.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/strset.h"
#include "relc/walk.h"

#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP1 "00112233445566778899aabbccddeeff"
#define FP2 "ffeeddccbbaa99887766554433221100"
#define FILE_NAME "rel/.relc/stamp"

static char *
join(const char *dir, const char *rel)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/%s", dir, rel);
	return relc_strbuf_detach(&sb, NULL);
}

static int
cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct relc_stamp_entry *)a)->path,
		      ((const struct relc_stamp_entry *)b)->path);
}

static void
assert_same_stamp(const struct relc_stamp *a, const struct relc_stamp *b)
{
	size_t i;

	assert_int_equal(a->version, b->version);
	assert_string_equal(a->relc_version, b->relc_version);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->vsn, b->vsn);
	assert_string_equal(a->env, b->env);
	assert_string_equal(a->key, b->key);
	assert_int_equal(a->nparts, b->nparts);
	for (i = 0; i < a->nparts; i++) {
		assert_string_equal(a->parts[i].dirname, b->parts[i].dirname);
		assert_string_equal(a->parts[i].fingerprint,
				    b->parts[i].fingerprint);
	}
	assert_int_equal(a->nentries, b->nentries);
	for (i = 0; i < a->nentries; i++) {
		const struct relc_stamp_entry *x = &a->entries[i],
					      *y = &b->entries[i];

		assert_int_equal(x->type, y->type);
		assert_int_equal(x->mode, y->mode);
		assert_true(x->size == y->size);
		assert_true(x->mtime_ns == y->mtime_ns);
		assert_true(x->ino == y->ino);
		assert_string_equal(x->path, y->path);
	}
}

/* A stamp whose names hold every awkward byte. */
static void
awkward_stamp(struct relc_stamp *st)
{
	static struct relc_stamp_part parts[] = {
	    {"my app-1.0", FP1},
	    {"erts-13.1.5", FP2},
	    {"na\xc3\xafve%20-1", FP1},
	};
	static struct relc_stamp_entry entries[] = {
	    {'d', 0755, 0, 0, 0, "bin"},
	    {'f', 0755, 123, 1700000000123456789LL, 42, "bin/my app"},
	    {'l', 0777, 5, -1, 7, "lib/x\ny"},
	    {'f', 0644, UINT64_MAX, INT64_MAX, UINT64_MAX,
	     "lib/%41\x7f\xff\t\r"},
	    {'f', 07777, 0, INT64_MIN + 1, 0, "\xe2\x82\xac/100%"},
	    {'d', 0, 0, 0, 0, "z"},
	};

	memset(st, 0, sizeof(*st));
	relc_arena_init(&st->arena);
	st->version = RELC_STAMP_VERSION;
	st->relc_version = "0.4.0 (dev)";
	st->name = "my app";
	st->vsn = "1.0 %beta\n";
	st->env = "prod\t\xc3\xa9";
	memcpy(st->key, KEY, 65);
	st->parts = parts;
	st->nparts = RELC_ARRAY_SIZE(parts);
	qsort(entries, RELC_ARRAY_SIZE(entries), sizeof(*entries), cmp_entries);
	st->entries = entries;
	st->nentries = RELC_ARRAY_SIZE(entries);
}

static size_t
count_lines(const struct relc_strbuf *sb)
{
	size_t i, n = 0;

	for (i = 0; i < sb->len; i++)
		n += sb->buf[i] == '\n';
	return n;
}

/* Format, parse, format: the same stamp, the same text. */
static void
test_round_trip(void **state)
{
	struct relc_stamp st, back;
	struct relc_strbuf text = RELC_STRBUF_INIT, again = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	(void)state;
	awkward_stamp(&st);
	relc_stamp_format(&text, &st);
	/* one line per item: the names' newlines are escaped */
	assert_int_equal(count_lines(&text), 5 + st.nparts + st.nentries);
	assert_null(memchr(text.buf, '\0', text.len));
	assert_int_equal(
	    relc_stamp_parse(&back, text.buf, text.len, FILE_NAME, &err), 0);
	assert_false(relc_error_isset(&err));
	assert_same_stamp(&st, &back);
	relc_stamp_format(&again, &back);
	assert_string_equal(again.buf, text.buf);
	relc_stamp_release(&back);
	assert_null(back.entries);
	assert_null(back.parts);
	relc_stamp_release(&back); /* twice is fine */
	relc_strbuf_release(&text);
	relc_strbuf_release(&again);
}

/* The text itself: what a stamp looks like on disk. */
static void
test_format_text(void **state)
{
	static struct relc_stamp_part parts[] = {{"hello-0.1.0", FP1}};
	static struct relc_stamp_entry entries[] = {
	    {'d', 0755, 0, 0, 0, "bin"},
	    {'f', 0755, 10, 1700000000000000001LL, 12, "bin/a b"},
	    {'l', 0777, 3, -5, 13, "lib/l%"},
	};
	struct relc_stamp st;
	struct relc_strbuf text = RELC_STRBUF_INIT;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.version = RELC_STAMP_VERSION;
	st.relc_version = "0.4.0";
	st.name = "hello";
	st.vsn = "0.1.0";
	st.env = "prod";
	memcpy(st.key, KEY, 65);
	st.parts = parts;
	st.nparts = 1;
	st.entries = entries;
	st.nentries = 3;
	relc_stamp_format(&text, &st);
	assert_string_equal(text.buf,
			    "relc-stamp 1\n"
			    "relc 0.4.0\n"
			    "release hello 0.1.0\n"
			    "env prod\n"
			    "key " KEY "\n"
			    "part hello-0.1.0 " FP1 "\n"
			    "d 755 0 0 0 bin\n"
			    "f 755 10 1700000000000000001 12 bin/a%20b\n"
			    "l 777 3 -5 13 lib/l%25\n");
	relc_strbuf_release(&text);
}

/* The base of the damaged stamps below (nine lines). */
#define L1 "relc-stamp 1\n"
#define L2 "relc 0.4.0\n"
#define L3 "release hello 0.1.0\n"
#define L4 "env prod\n"
#define L5 "key " KEY "\n"
#define L6 "part hello-0.1.0 " FP1 "\n"
#define L7 "d 755 0 0 0 bin\n"
#define L8 "f 755 10 1700000000000000000 12 bin/hello\n"
#define L9 "f 644 3 1700000000000000000 13 lib/hello-0.1.0/ebin/hello.app\n"
#define HEAD L1 L2 L3 L4 L5 L6 L7 L8

struct damaged {
	const char *what; /* the case */
	const char *text;
	size_t len; /* 0: strlen(text) */
	unsigned long line;
	const char *msg; /* part of the message */
};

static const struct damaged damaged_cases[] = {
    {"empty", "", 0, 1, "not a relc stamp"},
    {"bad magic", "relc-stomp 1\n" L2 L3 L4 L5, 0, 1, "not a relc stamp"},
    {"no version", "relc-stamp\n" L2 L3 L4 L5, 0, 1, "not a relc stamp"},
    {"version not a number", "relc-stamp one\n" L2, 0, 1, "not a relc stamp"},
    {"CRLF", "relc-stamp 1\r\n" L2, 0, 1, "not a relc stamp"},
    {"other version", "relc-stamp 2\n" L2 L3 L4 L5, 0, 1,
     "another stamp format (2, this relc writes 1)"},
    {"huge version", "relc-stamp 99999999999999999999999\n", 0, 1,
     "not a relc stamp"},
    {"no relc line", L1, 0, 2, "no 'relc' line"},
    {"relc line without version", L1 "relc\n" L3, 0, 2, "no 'relc' line"},
    {"no release line", L1 L2, 0, 3, "no 'release' line"},
    {"release without vsn", L1 L2 "release hello\n" L4 L5, 0, 3,
     "no 'release' line"},
    {"release with more", L1 L2 "release hello 0.1.0 x\n" L4 L5, 0, 3,
     "no 'release' line"},
    {"no env line", L1 L2 L3, 0, 4, "no 'env' line"},
    {"env line missing", L1 L2 L3 L5, 0, 4, "no 'env' line"},
    {"no key line", L1 L2 L3 L4, 0, 5, "no 'key' line"},
    {"key one digit short",
     L1 L2 L3 L4
     "key 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
     0, 5, "no 'key' line"},
    {"key upper case",
     L1 L2 L3 L4
     "key 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n",
     0, 5, "no 'key' line"},
    {"key not hex",
     L1 L2 L3 L4
     "key 0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef\n",
     0, 5, "no 'key' line"},
    {"part digest not hex",
     L1 L2 L3 L4 L5 "part hello-0.1.0 00112233445566778899aabbccddeefg\n", 0, 6,
     "a bad 'part' line"},
    {"part digest too long", L1 L2 L3 L4 L5 "part hello-0.1.0 " FP1 "0\n", 0, 6,
     "a bad 'part' line"},
    {"part without digest", L1 L2 L3 L4 L5 "part hello-0.1.0\n", 0, 6,
     "a bad 'part' line"},
    {"truncated entry", HEAD "f 644 3 17000", 0, 9, "a bad entry"},
    {"truncated entry, no path", HEAD "f 644 3 1700000000000000000 13\n", 0, 9,
     "a bad entry"},
    {"entry mode not octal", HEAD "f 648 3 1 13 x\n", 0, 9, "a bad entry"},
    {"entry mode too big", HEAD "f 17777 3 1 13 x\n", 0, 9, "a bad entry"},
    {"entry size too big", HEAD "f 644 99999999999999999999 1 13 x\n", 0, 9,
     "a bad entry"},
    {"entry size negative", HEAD "f 644 -3 1 13 x\n", 0, 9, "a bad entry"},
    {"entry size hex", HEAD "f 644 3a 1 13 x\n", 0, 9, "a bad entry"},
    {"entry field more", HEAD "f 644 3 1 13 x y\n", 0, 9, "a bad entry"},
    {"entry two spaces", HEAD "f 644  3 1 13 x\n", 0, 9, "a bad entry"},
    {"entry bad escape", HEAD "f 644 3 1 13 a%zz\n", 0, 9, "a bad entry"},
    {"entry short escape", HEAD "f 644 3 1 13 a%4\n", 0, 9, "a bad entry"},
    {"entry escaped NUL", HEAD "f 644 3 1 13 a%00b\n", 0, 9, "a bad entry"},
    {"entry raw control byte",
     HEAD "f 644 3 1 13 a\x01"
	  "b\n",
     0, 9, "a bad entry"},
    {"entry of an unknown type", HEAD "x 644 3 1 13 x\n", 0, 9,
     "an unknown line"},
    {"blank line", HEAD "\n" L9, 0, 9, "an unknown line"},
    {"a duplicate path", HEAD L9 L9, 0, 10, "a path listed twice"},
    {"a duplicate path, apart", HEAD L9 "d 755 0 0 0 lib\n" L8, 0, 11,
     "a path listed twice"},
    {"a NUL byte", L1 L2 "release hel\0lo 0.1.0\n" L4 L5,
     sizeof(L1 L2 "release hel\0lo 0.1.0\n" L4 L5) - 1, 3, "a NUL byte"},
};

static void
check_damaged(const struct damaged *d)
{
	struct relc_stamp st;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf out = RELC_STRBUF_INIT, want = RELC_STRBUF_INIT;
	size_t len = d->len ? d->len : strlen(d->text);
	int r;

	print_message("damaged: %s\n", d->what);
	r = relc_stamp_parse(&st, d->text, len, FILE_NAME, &err);
	assert_int_equal(r, -1);
	assert_int_equal(err.kind, RELC_EIO);
	assert_non_null(err.path);
	assert_string_equal(err.path, FILE_NAME);
	if (d->msg)
		assert_non_null(strstr(err.msg.buf, d->msg));
	/* FILE:LINE: a one-line message */
	relc_error_format(&out, &err);
	relc_strbuf_addf(&want, FILE_NAME ":%lu: ", d->line);
	if (strncmp(out.buf, want.buf, want.len))
		fail_msg("%s: '%s' does not start with '%s'", d->what, out.buf,
			 want.buf);
	assert_null(strchr(out.buf, '\n'));
	assert_int_equal(err.line, d->line);
	/* nothing is left in st */
	assert_null(st.entries);
	assert_null(st.parts);
	assert_int_equal(st.nentries, 0);
	relc_error_release(&err);
	relc_strbuf_release(&out);
	relc_strbuf_release(&want);
}

/* Damaged stamps: each fails with FILE:LINE and a one-line message. */
static void
test_damaged(void **state)
{
	struct relc_stamp st;
	struct relc_error err = RELC_ERROR_INIT;
	size_t i;

	(void)state;
	/* the base is fine */
	assert_int_equal(
	    relc_stamp_parse(&st, HEAD L9, strlen(HEAD L9), FILE_NAME, &err),
	    0);
	assert_int_equal(st.nentries, 3);
	assert_int_equal(st.nparts, 1);
	relc_stamp_release(&st);
	/* as is one without a final newline */
	assert_int_equal(relc_stamp_parse(&st, HEAD "f 644 3 1 13 x",
					  strlen(HEAD "f 644 3 1 13 x"),
					  FILE_NAME, &err),
			 0);
	relc_stamp_release(&st);
	for (i = 0; i < RELC_ARRAY_SIZE(damaged_cases); i++)
		if (!strstr(damaged_cases[i].what, "duplicate") &&
		    !strstr(damaged_cases[i].what, "NUL byte"))
			check_damaged(&damaged_cases[i]);
}

/* A path listed twice: reported at the line that lists it again. */
static void
test_damaged_duplicate_line(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < RELC_ARRAY_SIZE(damaged_cases); i++)
		if (strstr(damaged_cases[i].what, "duplicate"))
			check_damaged(&damaged_cases[i]);
}

/* A NUL byte: reported at the line that holds it. */
static void
test_damaged_nul_line(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < RELC_ARRAY_SIZE(damaged_cases); i++)
		if (strstr(damaged_cases[i].what, "NUL byte"))
			check_damaged(&damaged_cases[i]);
}

#define MTIME(t) L1 L2 L3 L4 L5 "f 644 3 " t " 13 x\n"

/*
 * Run fn(arg) in a child process, so that a sanitizer's abort there fails
 * only the test that asked: fn's result, or 100 + the signal that ended
 * the child (a sanitizer that exits reports 1 or more, too).
 */
static int
in_child(int (*fn)(const void *arg), const void *arg)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(arg));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 100 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

struct mtime_case {
	const char *text;
	int64_t want;
};

/* 0 when text parsed with mtime `want`, 1 refused, 2 another mtime. */
static int
parse_mtime(const void *arg)
{
	const struct mtime_case *c = arg;
	struct relc_stamp st;
	struct relc_error err = RELC_ERROR_INIT;
	int r = relc_stamp_parse(&st, c->text, strlen(c->text), "s", &err);
	int code = r ? 1 : st.entries[0].mtime_ns == c->want ? 0 : 2;

	if (!r)
		relc_stamp_release(&st);
	relc_error_release(&err);
	return code;
}

static int
parse_mtime_in_child(const char *text, int64_t want)
{
	struct mtime_case c = {text, want};

	return in_child(parse_mtime, &c);
}

/* 0 when a stamp without parts or entries parsed as one. */
static int
parse_header_only(const void *arg)
{
	static const char text[] = L1 L2 L3 L4 L5;
	struct relc_stamp st;
	struct relc_error err = RELC_ERROR_INIT;
	int r;

	(void)arg;
	if (relc_stamp_parse(&st, text, strlen(text), FILE_NAME, &err))
		return 1;
	r = st.nentries || st.nparts || strcmp(st.name, "hello") ? 2 : 0;
	relc_stamp_release(&st);
	return r;
}

/* A stamp of an empty release: no parts, no entries. */
static void
test_parse_without_entries(void **state)
{
	(void)state;
	assert_int_equal(in_child(parse_header_only, NULL), 0);
}

/* mtimes are signed 64-bit nanoseconds: both ends of the range. */
static void
test_mtime_range(void **state)
{
	(void)state;
	assert_int_equal(
	    parse_mtime_in_child(MTIME("9223372036854775807"), INT64_MAX), 0);
	assert_int_equal(
	    parse_mtime_in_child(MTIME("-9223372036854775807"), -INT64_MAX), 0);
	assert_int_equal(
	    parse_mtime_in_child(MTIME("-9223372036854775808"), INT64_MIN), 0);
}

/* An mtime outside that range is damage, not a number to wrap. */
static void
test_mtime_out_of_range(void **state)
{
	static const char *const out_of_range[] = {
	    MTIME("9223372036854775808"),
	    MTIME("-9223372036854775809"),
	    MTIME("18446744073709551615"),
	    MTIME("-18446744073709551615"),
	};
	struct relc_stamp st;
	struct relc_error err = RELC_ERROR_INIT;
	size_t i, accepted = 0;

	(void)state;
	for (i = 0; i < RELC_ARRAY_SIZE(out_of_range); i++) {
		if (!relc_stamp_parse(&st, out_of_range[i],
				      strlen(out_of_range[i]), "s", &err)) {
			print_message("accepted, as mtime %jd: %s",
				      (intmax_t)st.entries[0].mtime_ns,
				      strrchr(out_of_range[i] + 1, 'f'));
			relc_stamp_release(&st);
			accepted++;
			continue;
		}
		assert_int_equal(err.line, 6);
		relc_error_release(&err);
	}
	assert_int_equal(accepted, 0);
}

/* Escaping: bytes <= ' ', '%' and DEL; everything else as is. */
static void
test_escape(void **state)
{
	static const char *const bad[] = {
	    "%",     "%4",	"a%",	"a%4", "%zz",  "%g0",
	    "%00",   "a b",	"a\n",	"\t",  "\x7f", "%41 ",
	    "%41\n", "%41\x7f", "%%41", "%-1", "% 41",
	};
	struct relc_strbuf sb = RELC_STRBUF_INIT, back = RELC_STRBUF_INIT;
	char all[256];
	size_t i;

	(void)state;
	relc_stamp_escape(&sb, "a b%c\n\t\x7f\xc3\xa9~!\x01\"'/");
	assert_string_equal(sb.buf, "a%20b%25c%0A%09%7F\xc3\xa9~!%01\"'/");
	assert_int_equal(relc_stamp_unescape(&back, sb.buf, sb.len), 0);
	assert_string_equal(back.buf, "a b%c\n\t\x7f\xc3\xa9~!\x01\"'/");
	/* escape appends */
	relc_strbuf_reset(&sb);
	relc_strbuf_addstr(&sb, "x=");
	relc_stamp_escape(&sb, "1 2");
	assert_string_equal(sb.buf, "x=1%202");
	relc_strbuf_reset(&sb);
	relc_stamp_escape(&sb, "");
	assert_int_equal(sb.len, 0);

	/* every byte but NUL, there and back */
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	relc_strbuf_reset(&sb);
	relc_stamp_escape(&sb, all);
	for (i = 0; i < sb.len; i++)
		assert_true((unsigned char)sb.buf[i] > ' ' &&
			    sb.buf[i] != 0x7f);
	assert_int_equal(relc_stamp_unescape(&back, sb.buf, sb.len), 0);
	assert_int_equal(back.len, 255);
	assert_memory_equal(back.buf, all, 255);

	/* unescape: lower-case hex too; replaces; takes len bytes */
	relc_strbuf_reset(&back);
	relc_strbuf_addstr(&back, "junk");
	assert_int_equal(relc_stamp_unescape(&back, "a%0ab%7e", 8), 0);
	assert_string_equal(back.buf, "a\nb~");
	assert_int_equal(relc_stamp_unescape(&back, "abcdef", 3), 0);
	assert_string_equal(back.buf, "abc");
	assert_int_equal(relc_stamp_unescape(&back, "a%20bcd", 5), 0);
	assert_string_equal(back.buf, "a b");
	assert_int_equal(relc_stamp_unescape(&back, "", 0), 0);
	assert_string_equal(back.buf, "");
	/* a cut escape is malformed, even if the bytes after it are hex */
	assert_int_equal(relc_stamp_unescape(&back, "a%20", 3), -1);
	for (i = 0; i < RELC_ARRAY_SIZE(bad); i++) {
		print_message("malformed: '%s'\n", bad[i]);
		assert_int_equal(
		    relc_stamp_unescape(&back, bad[i], strlen(bad[i])), -1);
	}
	relc_strbuf_release(&sb);
	relc_strbuf_release(&back);
}

static void
test_part_of(void **state)
{
	static const char *const cases[][2] = {
	    {"lib/hello-0.1.0/ebin/hello.beam", "lib/hello-0.1.0"},
	    {"lib/hello-0.1.0/priv", "lib/hello-0.1.0"},
	    {"lib/hello-0.1.0", "lib/hello-0.1.0"},
	    {"lib", "lib"},
	    {"erts-13.1.5/bin/beam.smp", "erts-13.1.5"},
	    {"erts-13.1.5/bin", "erts-13.1.5"},
	    {"erts-13.1.5", "erts-13.1.5"},
	    {"releases/0.1.0/start.boot", "releases/0.1.0/start.boot"},
	    {"releases", "releases"},
	    {"bin/hello", "bin/hello"},
	    {"library/x/y", "library/x/y"},
	    {"README", "README"},
	};
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	size_t i;

	(void)state;
	relc_strbuf_addstr(&sb, "junk");
	for (i = 0; i < RELC_ARRAY_SIZE(cases); i++) {
		relc_stamp_part_of(&sb, cases[i][0]);
		assert_string_equal(sb.buf, cases[i][1]);
	}
	relc_strbuf_release(&sb);
}

/* ---- recording and verifying a tree ------------------------------------ */

static void
chmod_in(const char *root, const char *rel, mode_t mode)
{
	char *p = join(root, rel);

	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static void
link_in(const char *root, const char *rel, const char *target)
{
	char *p = join(root, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

/* A small release tree at DIR/REL. */
static char *
build_tree(const char *dir, const char *rel)
{
	char *root = join(dir, rel);

	fixture_write(root, "bin/hello", "#!/bin/sh\nexit 0\n");
	chmod_in(root, "bin/hello", 0755);
	fixture_write(root, "erts-13.1.5/bin/beam.smp", "ELF");
	chmod_in(root, "erts-13.1.5/bin/beam.smp", 0755);
	fixture_write(root, "lib/hello-0.1.0/ebin/hello.app", "{application}");
	fixture_write(root, "lib/hello-0.1.0/ebin/hello.beam", "BEAM");
	fixture_write(root, "lib/hello-0.1.0/priv/keep", "");
	link_in(root, "lib/hello-0.1.0/priv/data", "../ebin/hello.app");
	fixture_write(root, "releases/0.1.0/start.boot", "boot");
	chmod_in(root, "releases/0.1.0/start.boot", 0644);
	fixture_write(root, ".relc/stamp", "the old stamp");
	return root;
}

struct test_plan {
	struct relc_plan plan;
	struct relc_plan_app apps[2];
};

static void
make_plan(struct test_plan *tp)
{
	memset(tp, 0, sizeof(*tp));
	tp->plan.name = "hello";
	tp->plan.vsn = "0.1.0";
	tp->plan.env = "prod";
	tp->plan.erts_vsn = "13.1.5";
	tp->plan.erts_src = "/otp/erts-13.1.5/bin";
	tp->plan.erts_dirname = "erts-13.1.5";
	memcpy(tp->plan.erts_fingerprint, FP2, 33);
	tp->apps[0].dirname = "hello-0.1.0";
	tp->apps[0].how = RELC_PLAN_COPY;
	memcpy(tp->apps[0].fingerprint, FP1, 33);
	tp->apps[1].dirname = "stdlib-4.2";
	tp->apps[1].how = RELC_PLAN_TARGET;
	tp->plan.apps = tp->apps;
	tp->plan.napps = 2;
}

static void
record(struct relc_stamp *st, const char *root)
{
	struct test_plan tp;
	struct relc_error err = RELC_ERROR_INIT;

	make_plan(&tp);
	assert_int_equal(relc_stamp_record(st, root, &tp.plan, KEY, "0.4.0",
					   NULL, 0, 0, &err),
			 0);
}

static void
test_record(void **state)
{
	static const struct {
		char type;
		const char *path;
	} want[] = {
	    {'d', "bin"},
	    {'f', "bin/hello"},
	    {'d', "erts-13.1.5"},
	    {'d', "erts-13.1.5/bin"},
	    {'f', "erts-13.1.5/bin/beam.smp"},
	    {'d', "lib"},
	    {'d', "lib/hello-0.1.0"},
	    {'d', "lib/hello-0.1.0/ebin"},
	    {'f', "lib/hello-0.1.0/ebin/hello.app"},
	    {'f', "lib/hello-0.1.0/ebin/hello.beam"},
	    {'d', "lib/hello-0.1.0/priv"},
	    {'l', "lib/hello-0.1.0/priv/data"},
	    {'f', "lib/hello-0.1.0/priv/keep"},
	    {'d', "releases"},
	    {'d', "releases/0.1.0"},
	    {'f', "releases/0.1.0/start.boot"},
	};
	const char *dir = *state;
	struct relc_stamp st, back;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strset damaged = RELC_STRSET_INIT;
	char *root = build_tree(dir, "rel");
	size_t i;

	record(&st, root);
	assert_int_equal(st.version, RELC_STAMP_VERSION);
	assert_string_equal(st.relc_version, "0.4.0");
	assert_string_equal(st.name, "hello");
	assert_string_equal(st.vsn, "0.1.0");
	assert_string_equal(st.env, "prod");
	assert_string_equal(st.key, KEY);
	/* ERTS, then the copied applications (not the target's) */
	assert_int_equal(st.nparts, 2);
	assert_string_equal(st.parts[0].dirname, "erts-13.1.5");
	assert_string_equal(st.parts[0].fingerprint, FP2);
	assert_string_equal(st.parts[1].dirname, "hello-0.1.0");
	assert_string_equal(st.parts[1].fingerprint, FP1);
	assert_string_equal(relc_stamp_fingerprint_of(&st, "hello-0.1.0"), FP1);
	assert_string_equal(relc_stamp_fingerprint_of(&st, "erts-13.1.5"), FP2);
	assert_null(relc_stamp_fingerprint_of(&st, "stdlib-4.2"));
	assert_null(relc_stamp_fingerprint_of(&st, "hello"));

	/* every entry but .relc/, sorted, with what lstat says */
	assert_int_equal(st.nentries, RELC_ARRAY_SIZE(want));
	for (i = 0; i < st.nentries; i++) {
		const struct relc_stamp_entry *e = &st.entries[i];
		char *p = join(root, e->path);
		struct stat sb;

		assert_string_equal(e->path, want[i].path);
		assert_int_equal(e->type, want[i].type);
		assert_int_equal(lstat(p, &sb), 0);
		assert_int_equal(e->mode, sb.st_mode & 07777);
		if (e->type != 'd') {
			assert_true(e->size == (uint64_t)sb.st_size);
			assert_true(e->ino == (uint64_t)sb.st_ino);
			assert_true(e->mtime_ns ==
				    (int64_t)sb.st_mtim.tv_sec * 1000000000 +
					sb.st_mtim.tv_nsec);
		}
		free(p);
	}

	/* it survives the text */
	relc_stamp_format(&text, &st);
	assert_int_equal(
	    relc_stamp_parse(&back, text.buf, text.len, FILE_NAME, &err), 0);
	assert_same_stamp(&st, &back);
	relc_stamp_release(&back);

	/* unchanged: nothing damaged; a file that is not relc's: neither */
	assert_int_equal(relc_stamp_verify(&st, root, &damaged), 0);
	assert_int_equal(damaged.n, 0);
	fixture_write(root, "lib/hello-0.1.0/priv/operator.conf", "mine");
	fixture_write(root, "extra/file", "mine");
	assert_int_equal(relc_stamp_verify(&st, root, &damaged), 0);
	assert_int_equal(damaged.n, 0);

	relc_strset_release(&damaged);
	relc_stamp_release(&st);
	relc_strbuf_release(&text);
	free(root);
}

/* 0 when the empty tree at arg recorded as a stamp without entries. */
static int
record_empty(const void *arg)
{
	struct relc_stamp st;
	struct test_plan tp;
	struct relc_error err = RELC_ERROR_INIT;
	int r;

	make_plan(&tp);
	if (relc_stamp_record(&st, arg, &tp.plan, KEY, "0.4.0", NULL, 0, 0,
			      &err))
		return 1;
	r = st.nentries ? 2 : 0;
	relc_stamp_release(&st);
	return r;
}

/* An empty tree (but .relc/): a stamp without entries. */
static void
test_record_empty_tree(void **state)
{
	const char *dir = *state;
	char *root = join(dir, "rel");

	fixture_write(root, ".relc/stamp", "old");
	assert_int_equal(in_child(record_empty, root), 0);
	free(root);
}

/* Something that is not a file, directory or link cannot be recorded. */
static void
test_record_refuses_fifo(void **state)
{
	const char *dir = *state;
	struct relc_stamp st;
	struct test_plan tp;
	struct relc_error err = RELC_ERROR_INIT;
	char *root = build_tree(dir, "rel"), *fifo = join(root, "bin/pipe");

	assert_int_equal(mkfifo(fifo, 0644), 0);
	make_plan(&tp);
	assert_int_equal(relc_stamp_record(&st, root, &tp.plan, KEY, "0.4.0",
					   NULL, 0, 0, &err),
			 -1);
	assert_non_null(strstr(err.msg.buf, fifo));
	assert_non_null(strstr(err.msg.buf, "FIFO"));
	assert_null(st.entries);
	relc_error_release(&err);
	free(fifo);
	free(root);
}

static void
set_mtime(const char *root, const char *rel, time_t sec, long nsec)
{
	struct timespec ts[2] = {{sec, nsec}, {sec, nsec}};
	char *p = join(root, rel);

	assert_int_equal(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
	free(p);
}

/* Replace REL by a copy: the same bytes, mode and mtime, another inode. */
static void
new_inode(const char *root, const char *rel)
{
	char *p = join(root, rel), *tmp = join(root, "inode.tmp");
	char *text = fixture_read(root, rel, NULL);
	struct stat sb;
	struct timespec ts[2];

	assert_int_equal(stat(p, &sb), 0);
	fixture_write(root, "inode.tmp", text);
	assert_int_equal(chmod(tmp, sb.st_mode & 07777), 0);
	ts[0] = sb.st_atim;
	ts[1] = sb.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, tmp, ts, 0), 0);
	assert_int_equal(rename(tmp, p), 0);
	assert_int_equal(stat(p, &sb), 0);
	free(text);
	free(p);
	free(tmp);
}

static void
remove_in(const char *root, const char *rel)
{
	struct relc_error err = RELC_ERROR_INIT;
	char *p = join(root, rel);

	assert_int_equal(relc_walk_remove(p, &err), 0);
	free(p);
}

enum change {
	GROWS,
	TOUCHED,
	NEW_INODE,
	CHMOD,
	GONE,
	BECOMES_LINK,
	LINK_BECOMES_FILE,
	DIR_BECOMES_FILE,
	LINK_RETARGETED
};

static const struct {
	const char *what;
	enum change how;
	const char *rel;
	size_t count;
	const char *parts[3]; /* the damaged parts */
} changes[] = {
    {"size", GROWS, "lib/hello-0.1.0/ebin/hello.beam", 1, {"lib/hello-0.1.0"}},
    {"mtime", TOUCHED, "erts-13.1.5/bin/beam.smp", 1, {"erts-13.1.5"}},
    {"inode",
     NEW_INODE,
     "releases/0.1.0/start.boot",
     1,
     {"releases/0.1.0/start.boot"}},
    {"mode", CHMOD, "bin/hello", 1, {"bin/hello"}},
    {"gone", GONE, "lib/hello-0.1.0/ebin/hello.app", 1, {"lib/hello-0.1.0"}},
    {"a link now", BECOMES_LINK, "bin/hello", 1, {"bin/hello"}},
    {"a file now",
     LINK_BECOMES_FILE,
     "lib/hello-0.1.0/priv/data",
     1,
     {"lib/hello-0.1.0"}},
    {"dir gone",
     DIR_BECOMES_FILE,
     "releases/0.1.0",
     2,
     {"releases/0.1.0", "releases/0.1.0/start.boot"}},
    {"link elsewhere",
     LINK_RETARGETED,
     "lib/hello-0.1.0/priv/data",
     1,
     {"lib/hello-0.1.0"}},
};

static void
apply_change(const char *root, enum change how, const char *rel)
{
	char *p = join(root, rel);
	struct stat sb;

	switch (how) {
	case GROWS: {
		FILE *f = fopen(p, "a");

		assert_non_null(f);
		fputs("more", f);
		assert_int_equal(fclose(f), 0);
		break;
	}
	case TOUCHED:
		assert_int_equal(lstat(p, &sb), 0);
		set_mtime(root, rel, sb.st_mtim.tv_sec - 100,
			  sb.st_mtim.tv_nsec);
		break;
	case NEW_INODE:
		new_inode(root, rel);
		break;
	case CHMOD:
		assert_int_equal(chmod(p, 0700), 0);
		break;
	case GONE:
		assert_int_equal(unlink(p), 0);
		break;
	case BECOMES_LINK:
		assert_int_equal(unlink(p), 0);
		assert_int_equal(symlink("hello.real", p), 0);
		break;
	case LINK_BECOMES_FILE:
		assert_int_equal(unlink(p), 0);
		fixture_write(root, rel, "{application}");
		break;
	case DIR_BECOMES_FILE:
		remove_in(root, rel);
		fixture_write(root, rel, "");
		break;
	case LINK_RETARGETED:
		/* same length, so the size stays: the inode changes */
		assert_int_equal(unlink(p), 0);
		assert_int_equal(symlink("../ebin/hello.xyz", p), 0);
		break;
	}
	free(p);
}

/* Each change to a recorded file damages the part it is in, only that. */
static void
test_verify_changes(void **state)
{
	const char *dir = *state;
	size_t i;

	for (i = 0; i < RELC_ARRAY_SIZE(changes); i++) {
		struct relc_stamp st;
		struct relc_strset damaged = RELC_STRSET_INIT;
		struct relc_strbuf name = RELC_STRBUF_INIT;
		char *root;
		size_t k;

		print_message("change: %s\n", changes[i].what);
		relc_strbuf_addf(&name, "case%zu", i);
		root = build_tree(dir, name.buf);
		record(&st, root);
		apply_change(root, changes[i].how, changes[i].rel);
		assert_int_equal(relc_stamp_verify(&st, root, &damaged),
				 changes[i].count);
		for (k = 0; changes[i].parts[k]; k++)
			if (!relc_strset_has(&damaged, changes[i].parts[k]))
				fail_msg("%s: '%s' is not damaged",
					 changes[i].what, changes[i].parts[k]);
		assert_int_equal(damaged.n, k);
		relc_strset_release(&damaged);
		relc_stamp_release(&st);
		relc_strbuf_release(&name);
		free(root);
	}
}

/* The whole tree gone: every entry differs. */
static void
test_verify_missing_root(void **state)
{
	const char *dir = *state;
	struct relc_stamp st;
	struct relc_strset damaged = RELC_STRSET_INIT;
	char *root = build_tree(dir, "rel");

	record(&st, root);
	remove_in(dir, "rel");
	assert_int_equal(relc_stamp_verify(&st, root, &damaged), st.nentries);
	assert_true(relc_strset_has(&damaged, "lib/hello-0.1.0"));
	assert_true(relc_strset_has(&damaged, "erts-13.1.5"));
	assert_true(relc_strset_has(&damaged, "bin/hello"));
	assert_true(relc_strset_has(&damaged, "releases/0.1.0/start.boot"));
	relc_strset_release(&damaged);
	relc_stamp_release(&st);
	free(root);
}

/* ROOT/.relc/stamp: none, one, a damaged one. */
static void
test_read(void **state)
{
	const char *dir = *state;
	struct relc_stamp st, back;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	char *root = join(dir, "rel");

	fixture_write(root, "bin/x", "");
	assert_int_equal(relc_stamp_read(&st, root, &err), 1);
	assert_false(relc_error_isset(&err));

	awkward_stamp(&st);
	relc_stamp_format(&text, &st);
	fixture_write(root, RELC_STAMP_FILE, text.buf);
	assert_int_equal(relc_stamp_read(&back, root, &err), 0);
	assert_same_stamp(&st, &back);
	relc_stamp_release(&back);

	fixture_write(root, RELC_STAMP_FILE, L1 L2 "release x\n");
	assert_int_equal(relc_stamp_read(&back, root, &err), -1);
	assert_non_null(err.path);
	assert_non_null(strstr(err.path, "/" RELC_STAMP_FILE));
	assert_int_equal(err.line, 3);
	relc_error_release(&err);
	relc_strbuf_release(&text);
	free(root);
}

/* The key: deterministic, and it changes with what it is made of. */
static void
test_key(void **state)
{
	struct test_plan tp;
	char a[65], b[65];
	size_t i;

	(void)state;
	make_plan(&tp);
	tp.plan.napps = 0; /* describe needs each app's record */
	relc_stamp_key(a, &tp.plan, "settings: 1", "0.4.0 1 2 3");
	relc_stamp_key(b, &tp.plan, "settings: 1", "0.4.0 1 2 3");
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
	for (i = 0; i < 64; i++)
		assert_true(relc_isdigit(a[i]) || (a[i] >= 'a' && a[i] <= 'f'));
	relc_stamp_key(b, &tp.plan, "settings: 2", "0.4.0 1 2 3");
	assert_string_not_equal(a, b);
	relc_stamp_key(b, &tp.plan, "settings: 1", "0.4.0 1 2 4");
	assert_string_not_equal(a, b);
	tp.plan.vsn = "0.1.1";
	relc_stamp_key(b, &tp.plan, "settings: 1", "0.4.0 1 2 3");
	assert_string_not_equal(a, b);
	tp.plan.vsn = "0.1.0";
	tp.plan.erts_fingerprint[0] = '0';
	relc_stamp_key(b, &tp.plan, "settings: 1", "0.4.0 1 2 3");
	assert_string_not_equal(a, b);
}

#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(f, fixture_tmpdir_setup,               \
					fixture_tmpdir_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_format_text),
	    cmocka_unit_test(test_damaged),
	    cmocka_unit_test(test_damaged_duplicate_line),
	    cmocka_unit_test(test_damaged_nul_line),
	    cmocka_unit_test(test_parse_without_entries),
	    cmocka_unit_test(test_mtime_range),
	    cmocka_unit_test(test_mtime_out_of_range),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_part_of),
	    T(test_record),
	    T(test_record_empty_tree),
	    T(test_record_refuses_fifo),
	    T(test_verify_changes),
	    T(test_verify_missing_root),
	    T(test_read),
	    cmocka_unit_test(test_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
