/*
 * test_userfiles.c: the project's own files in its release (hooks,
 * commands, env.sh, the templates of vm.args and sys.config, a cookie,
 * overlays), through whole builds against a fake OTP installation.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/error.h"
#include "relc/release.h"
#include "relc/strbuf.h"

#define REL "proj/_build/prod/rel/app/"

static void
project(const char *dir, const char *extra)
{
	struct relc_strbuf cfg = RELC_STRBUF_INIT;

	free(fixture_fake_otp(dir, "otp"));
	fixture_app(dir, "proj/_build/prod/lib/app", "app", "0.3.0",
		    "[kernel, stdlib]");
	relc_strbuf_addf(&cfg,
			 "releases:\n"
			 "  app:\n"
			 "    include_erts: ../otp\n"
			 "%s",
			 extra);
	fixture_write(dir, "proj/rel/relc.yaml", cfg.buf);
	relc_strbuf_release(&cfg);
}

static int
build(const char *dir, struct relc_build_result *res, struct relc_error *err)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;
	struct relc_build_opts opts;
	int r;

	relc_strbuf_addf(&p, "%s/proj", dir);
	memset(&opts, 0, sizeof(opts));
	opts.project_dir = p.buf;
	opts.path_env = "/nonexistent";
	r = relc_release_build(res, &opts, err);
	relc_strbuf_release(&p);
	return r;
}

static void
build_ok(const char *dir, int want_built)
{
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;

	if (build(dir, &res, &err))
		fail_msg("build failed: %s", err.msg.buf);
	assert_int_equal(res.built, want_built);
	relc_build_result_release(&res);
}

static void
build_fails(const char *dir, const char *want)
{
	struct relc_build_result res;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;

	assert_int_equal(build(dir, &res, &err), -1);
	relc_error_format(&msg, &err);
	/* the config's path is absolute here: compare from the project on */
	if (msg.len < strlen(want) ||
	    strcmp(msg.buf + msg.len - strlen(want), want) ||
	    (msg.len > strlen(want) &&
	     strncmp(msg.buf + msg.len - strlen(want) - 6, "/proj/", 6)))
		fail_msg("got: %s\nwanted: .../proj/%s", msg.buf, want);
	relc_error_release(&err);
	relc_strbuf_release(&msg);
}

static void
assert_file(const char *dir, const char *rel, const char *text, mode_t mode)
{
	char *path = fixture_join(dir, rel), *got;
	struct stat st;
	size_t len;

	if (lstat(path, &st) < 0)
		fail_msg("%s is missing", rel);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	got = fixture_read(dir, rel, &len);
	assert_string_equal(got, text);
	free(got);
	free(path);
}

static const char everything[] =
    "    sys_config: rel/sys.config\n"
    "    vm_args: rel/vm.args\n"
    "    cookie: s3cret\n"
    "    hooks:\n"
    "      pre_start: rel/hooks/pre_start\n"
    "      post_start: rel/hooks/post_start.d\n"
    "    commands:\n"
    "      seed: rel/commands/seed.sh\n"
    "    overlay_vars: {who: world}\n"
    "    overlays:\n"
    "      - mkdir: var/data\n"
    "      - copy: {from: assets, to: static}\n"
    "      - link: {from: /var/log/app, to: logs}\n"
    "      - template: {from: rel/motd, to: etc/motd}\n"
    "      - copy: {from: rel/extra.config, to: releases/0.3.0/extra.config}\n";

static void
everything_project(const char *dir)
{
	char *lnk;

	project(dir, everything);
	fixture_write(dir, "proj/rel/sys.config",
		      "[{app, [{port, ${PORT:-4000}}]}].\n");
	fixture_write(dir, "proj/rel/vm.args",
		      "+K true\n-config releases/0.3.0/extra\n");
	fixture_write(dir, "proj/rel/extra.config", "[].\n");
	fixture_write(dir, "proj/rel/env.sh", "export A=1\n");
	fixture_write(dir, "proj/rel/hooks/pre_start", "#!/bin/sh\n");
	fixture_write(dir, "proj/rel/hooks/post_start.d/20-b",
		      "#!/bin/sh\nb\n");
	fixture_write(dir, "proj/rel/hooks/post_start.d/10-a",
		      "#!/bin/sh\na\n");
	fixture_write(dir, "proj/rel/hooks/post_start.d/.hidden", "no\n");
	fixture_write(dir, "proj/rel/commands/seed.sh", "#!/bin/sh\n# Seed\n");
	fixture_write(dir, "proj/rel/motd",
		      "{{release_name}} {{release_version}} "
		      "says hello to {{who}}\n");
	fixture_write(dir, "proj/assets/css/site.css", "body{}\n");
	fixture_write(dir, "proj/assets/run.sh", "#!/bin/sh\n");
	lnk = fixture_join(dir, "proj/assets/run.sh");
	assert_int_equal(chmod(lnk, 0700), 0);
	free(lnk);
	lnk = fixture_join(dir, "proj/assets/latest");
	assert_int_equal(symlink("css/site.css", lnk), 0);
	free(lnk);
}

static void
test_everything_in_place(void **state)
{
	const char *dir = *state;
	char buf[64], *path;
	ssize_t n;
	struct stat st;

	everything_project(dir);
	build_ok(dir, 1);
	assert_file(dir, REL "releases/0.3.0/sys.config",
		    "[{app, [{port, ${PORT:-4000}}]}].\n", 0644);
	assert_file(dir, REL "releases/0.3.0/vm.args",
		    "+K true\n-config releases/0.3.0/extra\n", 0644);
	assert_file(dir, REL "releases/0.3.0/env.sh", "export A=1\n", 0644);
	assert_file(dir, REL "releases/0.3.0/hooks/pre_start/pre_start",
		    "#!/bin/sh\n", 0755);
	assert_file(dir, REL "releases/0.3.0/hooks/post_start/10-a",
		    "#!/bin/sh\na\n", 0755);
	assert_file(dir, REL "releases/0.3.0/hooks/post_start/20-b",
		    "#!/bin/sh\nb\n", 0755);
	path = fixture_join(dir, REL "releases/0.3.0/hooks/post_start/.hidden");
	assert_int_equal(lstat(path, &st), -1);
	free(path);
	assert_file(dir, REL "releases/0.3.0/commands/seed",
		    "#!/bin/sh\n# Seed\n", 0755);
	assert_file(dir, REL "releases/COOKIE", "s3cret", 0400);
	assert_file(dir, REL "etc/motd", "app 0.3.0 says hello to world\n",
		    0644);
	assert_file(dir, REL "static/css/site.css", "body{}\n", 0644);
	assert_file(dir, REL "static/run.sh", "#!/bin/sh\n", 0755);
	path = fixture_join(dir, REL "releases/0.3.0/libexec/release_ctl");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	free(path);
	path = fixture_join(dir, REL "static/latest");
	n = readlink(path, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf, "css/site.css");
	free(path);
	path = fixture_join(dir, REL "logs");
	n = readlink(path, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = 0;
	assert_string_equal(buf, "/var/log/app");
	free(path);
	path = fixture_join(dir, REL "var/data");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(path);

	/* nothing changed: up to date; a source changed: built again */
	build_ok(dir, 0);
	fixture_write(dir, "proj/assets/css/site.css", "body{color:red}\n");
	build_ok(dir, 1);
	assert_file(dir, REL "static/css/site.css", "body{color:red}\n", 0644);
	fixture_write(dir, "proj/rel/hooks/post_start.d/30-c", "#!/bin/sh\n");
	build_ok(dir, 1);
	assert_file(dir, REL "releases/0.3.0/hooks/post_start/30-c",
		    "#!/bin/sh\n", 0755);
}

/* Without settings: config/ first, then rel/, then relc's own. */
static void
test_default_templates(void **state)
{
	const char *dir = *state;
	char *text;

	project(dir, "");
	build_ok(dir, 1);
	assert_file(dir, REL "releases/0.3.0/sys.config", "[].\n", 0644);
	text = fixture_read(dir, REL "releases/0.3.0/vm.args", NULL);
	assert_non_null(strstr(text, "-args_file"));
	free(text);
	fixture_write(dir, "proj/rel/vm.args", "+K rel\n");
	fixture_write(dir, "proj/rel/sys.config", "[{rel, []}].\n");
	fixture_write(dir, "proj/rel/env.sh", "X=1\n");
	build_ok(dir, 1);
	assert_file(dir, REL "releases/0.3.0/vm.args", "+K rel\n", 0644);
	assert_file(dir, REL "releases/0.3.0/sys.config", "[{rel, []}].\n",
		    0644);
	assert_file(dir, REL "releases/0.3.0/env.sh", "X=1\n", 0644);
	fixture_write(dir, "proj/config/vm.args", "+K config\n");
	fixture_write(dir, "proj/config/sys.config", "[{config, []}].\n");
	build_ok(dir, 1);
	assert_file(dir, REL "releases/0.3.0/vm.args", "+K config\n", 0644);
	assert_file(dir, REL "releases/0.3.0/sys.config", "[{config, []}].\n",
		    0644);
}

static void
test_bad_destinations(void **state)
{
	const char *dir = *state;

	project(dir, "    overlays:\n"
		     "      - link: {from: /etc, to: conf}\n"
		     "      - mkdir: conf/x\n");
	build_fails(dir, "rel/relc.yaml:6:9: 'conf/x' would be written "
			 "through 'conf', which is not a directory of the "
			 "release");
	project(dir, "    overlays:\n"
		     "      - mkdir: var\n"
		     "      - mkdir: var\n"
		     "      - mkdir: releases/0.3.0/start.boot\n");
	build_fails(dir, "rel/relc.yaml:7:9: 'releases/0.3.0/start.boot' is in "
			 "the release already (one relc makes)");
	project(dir, "    overlays:\n"
		     "      - template: {from: rel/t, to: etc/t}\n"
		     "      - mkdir: etc/t\n");
	fixture_write(dir, "proj/rel/t", "x\n");
	build_fails(dir, "rel/relc.yaml:6:9: 'etc/t' is in the release "
			 "already (the entry at line 5)");
	project(dir, "    overlays:\n"
		     "      - mkdir: .relc/x\n");
	build_fails(dir, "rel/relc.yaml:5:9: '.relc/x' is inside .relc/, "
			 "which relc makes whole: put it elsewhere in the "
			 "release");
	project(dir, "    overlays:\n"
		     "      - mkdir: erts-13.1.5/x\n");
	build_fails(dir, "rel/relc.yaml:5:9: 'erts-13.1.5/x' is inside ERTS, "
			 "which relc makes whole: put it elsewhere in the "
			 "release");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_everything_in_place,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_default_templates,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_destinations,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
