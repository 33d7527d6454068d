/*
 * test_engine.c: the build engine through relc_release_build against a
 * fake OTP (no Erlang needed): a build that is up to date does nothing,
 * a changed input rebuilds and reuses the rest, another environment or
 * config rebuilds, the output directory's rules, what is carried over,
 * dev_mode's links, leftovers of dead runs.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/place.h"
#include "relc/release.h"
#include "relc/strbuf.h"

#define REL "proj/_build/prod/rel/app/"

static void
project(const char *dir, const char *extra)
{
	struct relc_strbuf cfg = RELC_STRBUF_INIT;

	free(fixture_fake_otp(dir, "otp"));
	fixture_app(dir, "proj/_build/prod/lib/app", "app", "0.3.0",
		    "[kernel, stdlib, dep]");
	fixture_app(dir, "proj/_build/default/lib/dep", "dep", "1.0.0",
		    "[kernel, stdlib]");
	relc_strbuf_addf(&cfg,
			 "releases:\n"
			 "  app:\n"
			 "    version: \"1.0.0\"\n"
			 "    include_erts: ../otp\n"
			 "%s",
			 extra ? extra : "");
	fixture_write(dir, "proj/rel/relc.yaml", cfg.buf);
	relc_strbuf_release(&cfg);
}

struct run {
	struct relc_build_result res;
	struct relc_error err;
	struct relc_strbuf warnings;
};

static void
collect(void *ctx, const char *msg)
{
	struct relc_strbuf *w = ctx;

	relc_strbuf_addstr(w, msg);
	relc_strbuf_addch(w, '\n');
}

/* relc build [--env env] [--force] in DIR/proj; 0 or -1 */
static int
build(const char *dir, struct run *run, const char *env, int force)
{
	struct relc_strbuf p = RELC_STRBUF_INIT;
	struct relc_build_opts opts;
	int r;

	relc_error_init(&run->err);
	relc_strbuf_init(&run->warnings, 0);
	relc_strbuf_addf(&p, "%s/proj", dir);
	memset(&opts, 0, sizeof(opts));
	opts.project_dir = p.buf;
	opts.path_env = "/nonexistent";
	opts.env = env;
	opts.force = force;
	opts.warn = collect;
	opts.warn_ctx = &run->warnings;
	r = relc_release_build(&run->res, &opts, &run->err);
	relc_strbuf_release(&p);
	return r;
}

static void
done(struct run *run)
{
	relc_build_result_release(&run->res);
	relc_error_release(&run->err);
	relc_strbuf_release(&run->warnings);
}

/* build, which must succeed; returns whether it built */
static int
ok(const char *dir, const char *env, int force)
{
	struct run run;
	int built;

	if (build(dir, &run, env, force))
		fail_msg("build failed: %s", run.err.msg.buf);
	built = run.res.built;
	done(&run);
	return built;
}

static void
test_up_to_date_and_reuse(void **state)
{
	const char *dir = *state;
	struct run run;
	unsigned long kernel, app;
	char *data;

	project(dir, NULL);
	assert_true(ok(dir, NULL, 0));
	kernel = fixture_inode(dir, REL "lib/kernel-8.5.3/ebin/kernel.app");
	app = fixture_inode(dir, REL "lib/app-0.3.0/ebin/app_m.beam");
	/* nothing changed: nothing done */
	assert_false(ok(dir, NULL, 0));
	assert_int_equal(
	    fixture_inode(dir, REL "lib/app-0.3.0/ebin/app_m.beam"), app);
	/* --force rebuilds everything */
	assert_true(ok(dir, NULL, 1));
	assert_int_not_equal(
	    fixture_inode(dir, REL "lib/kernel-8.5.3/ebin/kernel.app"), kernel);
	kernel = fixture_inode(dir, REL "lib/kernel-8.5.3/ebin/kernel.app");
	app = fixture_inode(dir, REL "lib/app-0.3.0/ebin/app_m.beam");
	/* one module changes: its application is copied, the rest reused */
	fixture_beam(dir, "proj/_build/prod/lib/app/ebin/app_m.beam");
	assert_int_equal(build(dir, &run, NULL, 0), 0);
	assert_true(run.res.built);
	assert_true(run.res.reused > 0);
	assert_int_equal(run.res.files, 2); /* app.app, app_m.beam */
	done(&run);
	assert_int_equal(
	    fixture_inode(dir, REL "lib/kernel-8.5.3/ebin/kernel.app"), kernel);
	assert_int_not_equal(
	    fixture_inode(dir, REL "lib/app-0.3.0/ebin/app_m.beam"), app);
	/* a changed config file rebuilds */
	fixture_write(dir, "proj/config/vm.args", "+Q 2000\n");
	assert_true(ok(dir, NULL, 0));
	assert_false(ok(dir, NULL, 0));
	/* so does a file of the release that is not what relc wrote */
	fixture_write(dir, REL "releases/1.0.0/vm.args", "-edited\n");
	assert_int_equal(build(dir, &run, NULL, 0), 0);
	assert_true(run.res.built);
	assert_non_null(strstr(run.warnings.buf,
			       "releases/1.0.0/vm.args is not "
			       "what relc wrote there"));
	done(&run);
	data = fixture_read(dir, REL "releases/1.0.0/vm.args", NULL);
	assert_string_equal(data, "+Q 2000\n"); /* relc's again */
	free(data);
}

static void
test_other_environment_rebuilds(void **state)
{
	const char *dir = *state;
	char *p;

	project(dir, "environments:\n"
		     "  dev: {output_dir: out}\n"
		     "  prod: {output_dir: out}\n");
	/* an application every environment finds */
	fixture_app(dir, "proj/_build/default/lib/app", "app", "0.3.0",
		    "[kernel, stdlib, dep]");
	assert_true(ok(dir, "prod", 0));
	assert_false(ok(dir, "prod", 0));
	p = fixture_join(dir, "proj/out/erts-13.1.5");
	assert_true(relc_fs_is_dir(p));
	free(p);
	/* the dev tree, in the same place: a rebuild, without ERTS */
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    version: \"1.0.0\"\n"
		      "environments:\n"
		      "  dev: {include_erts: ../otp, output_dir: out}\n"
		      "  prod: {include_erts: ../otp, output_dir: out, "
		      "include_src: true}\n");
	assert_true(ok(dir, "dev", 0));
	assert_true(ok(dir, "prod", 0));
	assert_false(ok(dir, "prod", 0));
	assert_true(ok(dir, "dev", 0));
}

static void
test_output_dir_rules(void **state)
{
	static const char *const refused[] = {
	    ".",
	    "..",
	    "rel",
	    "_build/default/lib/dep",
	    "_build/default/lib/dep/ebin/sub",
	    "../otp/lib",
	};
	const char *dir = *state;
	struct relc_strbuf extra = RELC_STRBUF_INIT;
	struct run run;
	size_t i;
	char *data;

	for (i = 0; i < RELC_ARRAY_SIZE(refused); i++) {
		relc_strbuf_reset(&extra);
		relc_strbuf_addf(&extra, "    output_dir: \"%s\"\n",
				 refused[i]);
		project(dir, extra.buf);
		assert_int_equal(build(dir, &run, NULL, 1), -1);
		if (!strstr(run.err.msg.buf, "the output directory '"))
			fail_msg("%s: %s", refused[i], run.err.msg.buf);
		assert_null(strchr(run.err.msg.buf, '\n'));
		assert_int_equal(run.err.line, 5); /* output_dir's line */
		done(&run);
		data = fixture_read(dir, "proj/rel/relc.yaml", NULL);
		assert_non_null(data);
		free(data);
	}
	/* a directory that is not a release: refused, untouched */
	project(dir, "    output_dir: elsewhere\n");
	fixture_write(dir, "proj/elsewhere/notes.txt", "mine");
	assert_int_equal(build(dir, &run, NULL, 0), -1);
	assert_non_null(strstr(run.err.msg.buf, "exists and was not made by "
						"relc"));
	done(&run);
	data = fixture_read(dir, "proj/elsewhere/notes.txt", NULL);
	assert_string_equal(data, "mine");
	free(data);
	/* --force builds into it and keeps what it holds */
	assert_true(ok(dir, NULL, 1));
	data = fixture_read(dir, "proj/elsewhere/notes.txt", NULL);
	assert_string_equal(data, "mine");
	free(data);
	data = fixture_read(dir, "proj/elsewhere/.relc/stamp", NULL);
	assert_non_null(data);
	free(data);
	/* a file is no directory */
	project(dir, "    output_dir: afile\n");
	fixture_write(dir, "proj/afile", "data");
	assert_int_equal(build(dir, &run, NULL, 1), -1);
	assert_non_null(strstr(run.err.msg.buf, "is a regular file, not a "
						"directory"));
	done(&run);
	relc_strbuf_release(&extra);
}

static void
test_carry_over(void **state)
{
	const char *dir = *state;
	struct run run;
	unsigned long cookie, log;
	char *data;

	project(dir, NULL);
	assert_true(ok(dir, NULL, 0));
	fixture_write(dir, REL "releases/COOKIE", "secret");
	fixture_write(dir, REL "tmp/COOKIE", "generated");
	fixture_write(dir, REL "log/erlang.log.1", "a log");
	cookie = fixture_inode(dir, REL "releases/COOKIE");
	log = fixture_inode(dir, REL "log/erlang.log.1");
	/* a new version: what is not relc's is the same files afterwards */
	project(dir, NULL);
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    version: \"2.0.0\"\n"
		      "    include_erts: ../otp\n");
	assert_true(ok(dir, NULL, 0));
	assert_int_equal(fixture_inode(dir, REL "releases/COOKIE"), cookie);
	assert_int_equal(fixture_inode(dir, REL "log/erlang.log.1"), log);
	data = fixture_read(dir, REL "tmp/COOKIE", NULL);
	assert_string_equal(data, "generated");
	free(data);
	assert_null(fixture_read(dir, REL "releases/1.0.0/app.rel", NULL));
	/* an operator's file where the new release wants its own: refused */
	fixture_write(dir, REL "releases/3.0.0/app.rel", "not relc's");
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    version: \"3.0.0\"\n"
		      "    include_erts: ../otp\n");
	assert_int_equal(build(dir, &run, NULL, 0), -1);
	assert_non_null(strstr(run.err.msg.buf, "was not made by relc, and the "
						"new release has a "
						"'releases/3.0.0/app.rel' of "
						"its own"));
	done(&run);
	data = fixture_read(dir, REL "releases/3.0.0/app.rel", NULL);
	assert_string_equal(data, "not relc's");
	free(data);
	data = fixture_read(dir, REL "releases/2.0.0/app.rel", NULL);
	assert_non_null(data); /* the previous release, whole */
	free(data);
}

static void
test_dev_mode_links(void **state)
{
	const char *dir = *state;
	struct stat st;
	char *p, buf[256];
	ssize_t n;

	project(dir, "environments:\n  prod: {dev_mode: true}\n");
	assert_true(ok(dir, NULL, 0));
	p = fixture_join(dir, REL "lib/app-0.3.0");
	n = readlink(p, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "../../../lib/app"); /* _build/prod/lib/app */
	free(p);
	p = fixture_join(dir, REL
			 "lib/dep-1.0.0/ebin/dep.app"); /* through the link */
	assert_true(relc_fs_is_file(p));
	free(p);
	/* OTP's applications are still copied */
	p = fixture_join(dir, REL "lib/kernel-8.5.3");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(p);
	assert_false(ok(dir, NULL, 0));
}

static void
test_leftovers_swept(void **state)
{
	const char *dir = *state;
	char **names;
	size_t n;
	char *p;
	struct relc_error err = RELC_ERROR_INIT;

	project(dir, NULL);
	assert_true(ok(dir, NULL, 0));
	/* what a killed build leaves: a staging tree, half written */
	fixture_write(dir, "proj/_build/prod/rel/.relc-999999-app.AbCdEf/lib/x",
		      "half");
	fixture_write(dir, "proj/_build/prod/rel/.relc-999999-otp.XyZ123/f",
		      "x");
	assert_false(ok(dir, NULL, 0));
	p = fixture_join(dir, "proj/_build/prod/rel");
	assert_int_equal(relc_fs_list_dir(&names, &n, p, 0, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "app");
	relc_fs_free_names(names, n);
	free(p);
}

/*
 * A swap without RENAME_EXCHANGE killed between its renames leaves no
 * release, the old one aside as STAGING.old: the next run puts it back.
 */
static void
test_half_swap_restored(void **state)
{
	const char *dir = *state;
	struct relc_strbuf from = RELC_STRBUF_INIT, to = RELC_STRBUF_INIT;
	struct relc_strbuf rel = RELC_STRBUF_INIT;
	long pid;
	unsigned long beam;
	char *data;

	project(dir, NULL);
	assert_true(ok(dir, NULL, 0));
	beam = fixture_inode(dir, REL "lib/app-0.3.0/ebin/app_m.beam");
	fixture_write(dir, REL "releases/COOKIE", "kept");
	relc_strbuf_addf(&from, "%s/" REL, dir);
	relc_strbuf_setlen(&from, from.len - 1);
	relc_strbuf_addf(
	    &to, "%s/proj/_build/prod/rel/.relc-999999-app.AbCdEf.old", dir);
	assert_int_equal(rename(from.buf, to.buf), 0);
	fixture_write(dir, "proj/_build/prod/rel/.relc-999999-app.AbCdEf/x",
		      "the new tree, half made");
	assert_false(ok(dir, NULL, 0)); /* back, and up to date */
	assert_int_equal(
	    fixture_inode(dir, REL "lib/app-0.3.0/ebin/app_m.beam"), beam);
	data = fixture_read(dir, REL "releases/COOKIE", NULL);
	assert_string_equal(data, "kept");
	free(data);
	assert_null(fixture_read(
	    dir, "proj/_build/prod/rel/.relc-999999-app.AbCdEf/x", NULL));
	/* the names relc's leftovers have, and others */
	assert_true(relc_place_leftover(".relc-12-my.app.AbCdEf", &pid, &rel));
	assert_int_equal(pid, 12);
	assert_string_equal(rel.buf, "my.app");
	assert_true(relc_place_leftover(".relc-7-app.AbCdEf.old", &pid, &rel));
	assert_string_equal(rel.buf, "app");
	assert_false(relc_place_leftover(".relc-notes", &pid, &rel));
	assert_false(relc_place_leftover(".relc-12-", &pid, &rel));
	assert_false(relc_place_leftover(".relc-0-app.x", &pid, &rel));
	assert_false(relc_place_leftover("app", &pid, &rel));
	relc_strbuf_release(&from);
	relc_strbuf_release(&to);
	relc_strbuf_release(&rel);
}

/* A journal left by a run killed after its swap is finished by the next. */
static void
test_journal_finished(void **state)
{
	const char *dir = *state;
	char *data;

	project(dir, NULL);
	assert_true(ok(dir, NULL, 0));
	/* the old tree, with a log file that had not been moved over yet */
	fixture_write(dir,
		      "proj/_build/prod/rel/.relc-999999-app.OLDxyz/log/late",
		      "written late");
	fixture_write(dir, REL ".relc/carried",
		      ".relc-999999-app.OLDxyz\nlog\n");
	fixture_write(dir, REL "log/early", "linked");
	assert_false(ok(dir, NULL, 0));
	data = fixture_read(dir, REL "log/late", NULL);
	assert_non_null(data);
	assert_string_equal(data, "written late");
	free(data);
	data = fixture_read(dir, REL "log/early", NULL);
	assert_string_equal(data, "linked");
	free(data);
	assert_null(fixture_read(dir, REL ".relc/carried", NULL));
	assert_null(fixture_read(
	    dir, "proj/_build/prod/rel/.relc-999999-app.OLDxyz/log/late",
	    NULL));
}

/*
 * A file that cannot be hard-linked into the new tree (another user's,
 * under fs.protected_hardlinks) is moved after the swap: a build that
 * fails before it leaves it where it was.
 */
static void
test_unlinkable_file_kept(void **state)
{
	const char *dir = *state;
	struct relc_strbuf p = RELC_STRBUF_INIT;
	char *data, *cmd;
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		skip();
		return;
	}
	data = fixture_read("/proc/sys/fs", "protected_hardlinks", NULL);
	if (!data || data[0] != '1') {
		free(data);
		skip();
		return;
	}
	free(data);
	project(dir, NULL);
	relc_strbuf_addf(&p, "chmod 755 %s && chown -R nobody %s/proj %s/otp",
			 dir, dir, dir);
	assert_int_equal(system(p.buf), 0);
	/* as nobody: build, then a root-owned 0600 file in log/ */
	cmd = fixture_join(dir, "");
	for (int round = 0; round < 3; round++) {
		if (round == 1) {
			fixture_write(dir, REL "log/root.log", "root's");
			relc_strbuf_reset(&p);
			relc_strbuf_addf(&p,
					 "chmod 600 %s/" REL "log/root.log && "
					 "chown nobody %s/" REL "log && "
					 "chown root %s/" REL "log/root.log",
					 dir, dir, dir);
			assert_int_equal(system(p.buf), 0);
		}
		if (round == 2) /* a new version: a real rebuild */
			fixture_write(dir, "proj/rel/relc.yaml",
				      "releases:\n  app:\n    version: "
				      "\"2.0.0\"\n    include_erts: ../otp\n");
		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			struct run run;

			if (setgid(65534) || setuid(65534))
				_exit(2);
			if (build(dir, &run, NULL, 0)) {
				fprintf(stderr, "round %d: %s\n", round,
					run.err.msg.buf);
				_exit(1);
			}
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	data = fixture_read(dir, REL "log/root.log", NULL);
	assert_non_null(data);
	assert_string_equal(data, "root's");
	free(data);
	data = fixture_read(dir, REL "releases/2.0.0/app.rel", NULL);
	assert_non_null(data);
	free(data);
	/* a build that fails after the carry-over began leaves it too */
	fixture_write(dir, REL "zzz/secret", "x");
	relc_strbuf_reset(&p);
	relc_strbuf_addf(&p, "chmod 700 %s/" REL "zzz", dir);
	assert_int_equal(system(p.buf), 0);
	fixture_write(dir, "proj/rel/relc.yaml",
		      "releases:\n  app:\n    version: \"3.0.0\"\n"
		      "    include_erts: ../otp\n");
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct run run;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(build(dir, &run, NULL, 0) ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	data = fixture_read(dir, REL "log/root.log", NULL);
	assert_non_null(data);
	assert_string_equal(data, "root's");
	free(data);
	data = fixture_read(dir, REL "releases/2.0.0/app.rel", NULL);
	assert_non_null(data);
	free(data);
	free(cmd);
	relc_strbuf_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_up_to_date_and_reuse,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_other_environment_rebuilds,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_output_dir_rules,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(
		test_carry_over, fixture_tmpdir_setup, fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_dev_mode_links,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_half_swap_restored,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_journal_finished,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_unlinkable_file_kept,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	    cmocka_unit_test_setup_teardown(test_leftovers_swept,
					    fixture_tmpdir_setup,
					    fixture_tmpdir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
