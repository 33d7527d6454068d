/*
 * fixture.c: temporary directories and files for the unit tests.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/atomicfile.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/walk.h"
#include "relc/strbuf.h"

int
fixture_tmpdir_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/relc-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(sb.buf)) {
		relc_strbuf_release(&sb);
		return -1;
	}
	*state = relc_strbuf_detach(&sb, NULL);
	return 0;
}

int
fixture_tmpdir_teardown(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	int r = relc_walk_remove(*state, &err);

	relc_error_release(&err);
	free(*state);
	return r;
}

void
fixture_write(const char *dir, const char *rel, const char *text)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, parent = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	FILE *f;
	char *slash;

	relc_strbuf_addf(&path, "%s/%s", dir, rel);
	relc_strbuf_addstr(&parent, path.buf);
	slash = strrchr(parent.buf, '/');
	*slash = '\0';
	assert_int_equal(relc_fs_mkdirs(parent.buf, 0755, &err), 0);
	f = fopen(path.buf, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	relc_strbuf_release(&path);
	relc_strbuf_release(&parent);
}

char *
fixture_read(const char *dir, const char *rel, size_t *len)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, data = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	char *out = NULL;

	relc_strbuf_addf(&path, "%s/%s", dir, rel);
	if (!relc_fs_read_file(&data, path.buf, 1 << 26, 1, &err))
		out = relc_strbuf_detach(&data, len);
	relc_strbuf_release(&path);
	relc_strbuf_release(&data);
	relc_error_release(&err);
	return out;
}

void
fixture_beam_bytes(struct relc_strbuf *out, const char *chunks)
{
	struct relc_strbuf body = RELC_STRBUF_INIT;
	size_t i, n = strlen(chunks) / 4;

	for (i = 0; i < n; i++) {
		/* chunk i holds i + 1 bytes of its own first letter */
		relc_strbuf_add(&body, chunks + 4 * i, 4);
		relc_strbuf_add_be32(&body, (unsigned long)(i + 1));
		relc_strbuf_addchars(&body, chunks[4 * i], i + 1);
		relc_strbuf_addchars(&body, 0, (4 - (i + 1) % 4) % 4);
	}
	relc_strbuf_reset(out);
	relc_strbuf_add(out, "FOR1", 4);
	relc_strbuf_add_be32(out, (unsigned long)(body.len + 4));
	relc_strbuf_add(out, "BEAM", 4);
	relc_strbuf_add(out, body.buf, body.len);
	relc_strbuf_release(&body);
}

void
fixture_beam(const char *dir, const char *rel)
{
	struct relc_strbuf data = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	fixture_write(dir, rel, "");
	fixture_beam_bytes(&data, "AtU8CodeStrTImpTExpTLocTDbgiAttr");
	relc_strbuf_addf(&path, "%s/%s", dir, rel);
	assert_int_equal(relc_atomicfile_write_whole(path.buf, data.buf,
						     data.len, 0644, &err),
			 0);
	relc_strbuf_release(&data);
	relc_strbuf_release(&path);
}

void
fixture_app(const char *dir, const char *rel, const char *name, const char *vsn,
	    const char *deps)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT;

	relc_strbuf_addf(&path, "%s/ebin/%s.app", rel, name);
	relc_strbuf_addf(&text,
			 "{application, %s, [{description, \"%s\"}, "
			 "{vsn, \"%s\"}, {modules, [%s_m]}, {registered, []}, "
			 "{applications, %s}]}.\n",
			 name, name, vsn, name, deps);
	fixture_write(dir, path.buf, text.buf);
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/ebin/%s_m.beam", rel, name);
	fixture_beam(dir, path.buf);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
}

char *
fixture_fake_otp(const char *dir, const char *rel)
{
	struct relc_strbuf root = RELC_STRBUF_INIT, sb = RELC_STRBUF_INIT;
	struct relc_strbuf p = RELC_STRBUF_INIT;

	relc_strbuf_addf(&root, "%s/%s", dir, rel);
	relc_strbuf_addf(&p, "%s/releases/25/OTP_VERSION", rel);
	fixture_write(dir, p.buf, "25.2.3\n");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/releases/25/start_clean.rel", rel);
	fixture_write(dir, p.buf,
		      "{release, {\"Erlang/OTP\",\"25\"}, {erts, \"13.1.5\"},\n"
		      " [{kernel,\"8.5.3\"}, {stdlib,\"4.2\"}]}.\n");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/releases/25/start_clean.script", rel);
	fixture_write(
	    dir, p.buf,
	    "%% coding: utf-8\n"
	    "{script, {\"Erlang/OTP\",\"25\"},\n"
	    " [{preLoaded, [erlang, init, prim_file]},\n"
	    "  {progress, preloaded},\n"
	    "  {path, [\"$ROOT/lib/kernel-8.5.3/ebin\"]},\n"
	    "  {primLoad, [error_handler, application, lists]},\n"
	    "  {kernel_load_completed},\n"
	    "  {progress, kernel_load_completed},\n"
	    "  {kernelProcess, heart, {heart, start, []}},\n"
	    "  {kernelProcess, logger, {logger_server, start_link, []}},\n"
	    "  {kernelProcess, application_controller,\n"
	    "   {application_controller, start,\n"
	    "    [{application, kernel, [{description, \"x\"}]}]}},\n"
	    "  {progress, init_kernel_started},\n"
	    "  {progress, started}]}.\n");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/erts-13.1.5/bin/erlexec", rel);
	fixture_write(dir, p.buf, "#!/bin/sh\n");
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "%s/%s", dir, p.buf);
	chmod(sb.buf, 0755);
	relc_strbuf_reset(&sb);
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/erts-13.1.5/bin/beam.smp", rel);
	fixture_write(dir, p.buf, "ELF");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/erts-13.1.5/bin/dialyzer", rel);
	fixture_write(dir, p.buf, "dev tool");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/erts-13.1.5/bin/start.src", rel);
	fixture_write(dir, p.buf, "template");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/lib/kernel-8.5.3", rel);
	fixture_app(dir, p.buf, "kernel", "8.5.3", "[]");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/lib/stdlib-4.2", rel);
	fixture_app(dir, p.buf, "stdlib", "4.2", "[kernel]");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/lib/sasl-4.2", rel);
	fixture_app(dir, p.buf, "sasl", "4.2", "[kernel, stdlib]");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "%s/bin/erl", rel);
	relc_strbuf_addf(
	    &sb,
	    "#!/bin/sh\nif [ -z \"$ERL_ROOTDIR\" ]\nthen\n"
	    "    ROOTDIR=\"%s\"\nfi\nexec \"$ROOTDIR/erts/erlexec\"\n",
	    root.buf);
	fixture_write(dir, p.buf, sb.buf);
	relc_strbuf_reset(&sb);
	relc_strbuf_addf(&sb, "%s/%s", dir, p.buf);
	chmod(sb.buf, 0755);
	relc_strbuf_release(&sb);
	relc_strbuf_release(&p);
	return relc_strbuf_detach(&root, NULL);
}

char *
fixture_join(const char *dir, const char *rel)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	relc_strbuf_addf(&sb, "%s/%s", dir, rel);
	return relc_strbuf_detach(&sb, NULL);
}

unsigned long
fixture_inode(const char *dir, const char *rel)
{
	struct stat st;
	char *p = fixture_join(dir, rel);

	if (lstat(p, &st) < 0)
		fail_msg("%s is missing", rel);
	free(p);
	return (unsigned long)st.st_ino;
}
