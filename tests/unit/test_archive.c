/* test_archive.c: what goes into a release tarball, and how. */
#include "relc/compat.h"

#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/archive.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/strbuf.h"

static char *
tree(const char *dir)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;

	fixture_write(dir, "r/bin/app", "#!/bin/sh\n");
	fixture_write(dir, "r/erts-13.1.5/bin/beam.smp", "ELF");
	fixture_write(dir, "r/lib/app-1/ebin/app.app", "{application, app}.");
	fixture_write(dir, "r/lib/app-1/priv/data", "data");
	fixture_write(dir, "r/releases/1/app.rel", "{release}.");
	fixture_write(dir, "r/releases/1/start.boot", "boot");
	fixture_write(dir, "r/releases/start_erl.data", "13.1.5 1");
	fixture_write(dir, "r/releases/COOKIE", "secret");
	fixture_write(dir, "r/releases/0.9/app.rel", "an old one");
	fixture_write(dir, "r/log/erlang.log.1", "log");
	fixture_write(dir, "r/tmp/COOKIE", "secret");
	relc_strbuf_addf(&p, "%s/r/bin/app", dir);
	chmod(p.buf, 0750);
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/r/lib/app-1/priv/data", dir);
	chmod(p.buf, 0600);
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/r", dir);
	return relc_strbuf_detach(&p, NULL);
}

/* What a plan would list for the tree above. */
static int
manifest(struct relc_archive_manifest *m, const char *root,
	 struct relc_error *err)
{
	static const char *const paths[] = {
	    "bin/app",
	    "erts-13.1.5",
	    "lib/app-1",
	    "releases/1/app.rel",
	    "releases/1/start.boot",
	    "releases/start_erl.data",
	};
	static const struct relc_archive_alias aliases[] = {
	    {"releases/app.rel", "releases/1/app.rel"},
	    {"releases/app-1.rel", "releases/1/app.rel"},
	};

	return relc_archive_manifest(m, root, paths, RELC_ARRAY_SIZE(paths),
				     aliases, RELC_ARRAY_SIZE(aliases), NULL,
				     NULL, err);
}

static void
test_manifest(void **state)
{
	static const char *const want[] = {
	    "bin",
	    "bin/app",
	    "erts-13.1.5",
	    "erts-13.1.5/bin",
	    "erts-13.1.5/bin/beam.smp",
	    "lib",
	    "lib/app-1",
	    "lib/app-1/ebin",
	    "lib/app-1/ebin/app.app",
	    "lib/app-1/priv",
	    "lib/app-1/priv/data",
	    "releases",
	    "releases/1",
	    "releases/1/app.rel",
	    "releases/1/start.boot",
	    "releases/app-1.rel",
	    "releases/app.rel",
	    "releases/start_erl.data",
	};
	struct relc_archive_manifest m;
	struct relc_error err = RELC_ERROR_INIT;
	char *root = tree(*state);
	size_t i;

	assert_int_equal(manifest(&m, root, &err), 0);
	assert_int_equal(m.n, RELC_ARRAY_SIZE(want));
	for (i = 0; i < m.n; i++)
		assert_string_equal(m.v[i].path, want[i]);
	assert_int_equal(m.v[1].mode, 0755);  /* bin/app: executable */
	assert_int_equal(m.v[10].mode, 0644); /* priv/data: was 0600 */
	assert_int_equal(m.v[0].mode, 0755);
	assert_int_equal(relc_archive_checksum(&m, &err), 0);
	assert_string_equal(m.v[16].sha256, m.v[13].sha256); /* same .rel */
	relc_archive_manifest_release(&m);
	free(root);
}

/* Read the archive back: path list, with owner, time and modes checked. */
static void
check_tar(const char *file, size_t want_entries, long long mtime)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	size_t n = 0;

	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, file, 10240),
			 ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		assert_int_equal(archive_entry_uid(ae), 0);
		assert_int_equal(archive_entry_gid(ae), 0);
		assert_true(!archive_entry_uname(ae) ||
			    !*archive_entry_uname(ae));
		assert_true(!archive_entry_gname(ae) ||
			    !*archive_entry_gname(ae));
		assert_int_equal(archive_entry_mtime(ae), mtime);
		assert_int_equal(archive_entry_mtime_nsec(ae), 0);
		n++;
	}
	assert_int_equal(n, want_entries);
	archive_read_free(a);
}

static void
test_write_formats(void **state)
{
	static const enum relc_archive_format formats[] = {
	    RELC_ARCHIVE_TAR_GZ, RELC_ARCHIVE_TAR_ZST, RELC_ARCHIVE_TAR};
	const char *dir = *state;
	struct relc_archive_manifest m;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_archive_opts opts = {RELC_ARCHIVE_TAR_GZ, 0, 1700000000, 2};
	struct relc_strbuf dest = RELC_STRBUF_INIT;
	char *root = tree(dir), *a, *b;
	size_t i, alen, blen;

	assert_int_equal(manifest(&m, root, &err), 0);
	for (i = 0; i < RELC_ARRAY_SIZE(formats); i++) {
		opts.format = formats[i];
		relc_strbuf_reset(&dest);
		relc_strbuf_addf(&dest, "%s/out%s", dir,
				 relc_archive_suffix(formats[i]));
		assert_int_equal(relc_archive_write(&m, dest.buf, &opts, &err),
				 0);
		check_tar(dest.buf, m.n, 1700000000);
	}
	/* the same inputs, the same bytes */
	a = fixture_read(dir, "out.tar.gz", &alen);
	assert_int_equal(relc_archive_write(&m, dest.buf, &opts, &err), 0);
	opts.format = RELC_ARCHIVE_TAR_GZ;
	opts.threads = 1;
	relc_strbuf_reset(&dest);
	relc_strbuf_addf(&dest, "%s/again.tar.gz", dir);
	assert_int_equal(relc_archive_write(&m, dest.buf, &opts, &err), 0);
	b = fixture_read(dir, "again.tar.gz", &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	relc_archive_manifest_release(&m);
	relc_strbuf_release(&dest);
	free(root);
}

static void
test_failure_leaves_nothing(void **state)
{
	const char *dir = *state;
	struct relc_archive_manifest m;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_archive_opts opts = {RELC_ARCHIVE_TAR_GZ, 0, 0, 1};
	struct relc_strbuf dest = RELC_STRBUF_INIT, gone = RELC_STRBUF_INIT;
	char *root = tree(dir), **names;
	size_t n;

	assert_int_equal(manifest(&m, root, &err), 0);
	/* a file disappears between listing and writing */
	relc_strbuf_addf(&gone, "%s/lib/app-1/priv/data", root);
	assert_int_equal(unlink(gone.buf), 0);
	relc_strbuf_addf(&dest, "%s/out/app-1.tar.gz", dir);
	assert_int_equal(relc_fs_mkdirs(dest.buf, 0755, &err), 0);
	assert_int_equal(rmdir(dest.buf), 0);
	assert_int_equal(relc_archive_write(&m, dest.buf, &opts, &err), -1);
	assert_non_null(strstr(err.msg.buf, "priv/data"));
	relc_error_release(&err);
	dest.buf[dest.len - strlen("/app-1.tar.gz")] = '\0';
	assert_int_equal(relc_fs_list_dir(&names, &n, dest.buf, 0, &err), 0);
	assert_int_equal(n, 0); /* no partial archive, no temporary file */
	relc_fs_free_names(names, n);
	relc_archive_manifest_release(&m);
	relc_strbuf_release(&dest);
	relc_strbuf_release(&gone);
	free(root);
}

static void
test_extract_refuses_escapes(void **state)
{
	const char *dir = *state;
	struct relc_strbuf tar = RELC_STRBUF_INIT, out = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();

	relc_strbuf_addf(&tar, "%s/evil.tar", dir);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, tar.buf), ARCHIVE_OK);
	archive_entry_set_pathname(ae, "../escaped");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, 1);
	assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, "x", 1), 1);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
	relc_strbuf_addf(&out, "%s/out", dir);
	assert_int_equal(relc_fs_mkdirs(out.buf, 0755, &err), 0);
	assert_int_equal(relc_archive_extract(tar.buf, out.buf, &err), -1);
	assert_non_null(strstr(err.msg.buf, "refusing the entry '../escaped'"));
	relc_error_release(&err);
	assert_null(fixture_read(dir, "escaped", NULL));
	relc_strbuf_release(&tar);
	relc_strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_manifest, fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_write_formats,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_failure_leaves_nothing,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_extract_refuses_escapes,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
