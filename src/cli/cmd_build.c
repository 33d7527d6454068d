/*
 * cmd_build.c: relc build and relc archive, which share one option table:
 * the archive options are relc archive's own, and relc build's with
 * --archive.
 */
#include "relc/compat.h"

#include "cmd.h"
#include "opt.h"
#include "report.h"
#include "relc/error.h"
#include "relc/release.h"

/* Our spec flags: options of relc build only, and the archive options. */
enum { BUILD_ONLY = RELC_OPT_USER, ARCHIVE_OPT = RELC_OPT_USER << 1 };

static const char build_about[] =
    "Assemble a release from the compiled project, as rel/relc.yaml\n"
    "describes it, into _build/ENV/rel/NAME (or the config's output_dir).\n";

static const char archive_about[] =
    "Pack the release into NAME-VSN.tar.gz next to it (_build/ENV/), building\n"
    "it first when it is missing or older than its inputs.  The archive is\n"
    "reproducible: entry mtimes come from $SOURCE_DATE_EPOCH (else\n"
    "1980-01-01), owners are 0/0, entries are sorted.\n";

static int
source_date_epoch(long long *mtime, struct relc_error *err)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	long long t;
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	t = strtoll(s, &end, 10);
	if (errno || *end || t < 0)
		return relc_error_set(err, RELC_EUSAGE,
				      "SOURCE_DATE_EPOCH must be a number of "
				      "seconds, not '%s'",
				      s);
	*mtime = t;
	return 0;
}

static int
run(int argc, char **argv, int is_archive, struct relc_error *err)
{
	struct relc_build_opts o;
	struct relc_build_result res;
	int r, quiet = 0, verbose = 0, list = 0, jobs = 0;
	const char *format = NULL;
	const struct relc_opt_spec specs[] = {
	    RELC_SPEC_VALUE('c', "config", "PATH", &o.config_path, 0,
			    "the release config (default: rel/relc.yaml)"),
	    RELC_SPEC_VALUE('e', "env", "ENV", &o.env, 0,
			    "the environment (default: the config's, then "
			    "$MIX_ENV, then prod)"),
	    RELC_SPEC_SWITCH('f', "force", &o.force, 0,
			     "rebuild even when up to date; use an existing "
			     "directory that relc did not make, keeping what "
			     "it holds"),
	    RELC_SPEC_HELP,
	    RELC_SPEC_NUMBER('j', "jobs", "N", &jobs, 1, 64, 0,
			     "threads for copying and compressing, 1-64 "
			     "(default: one per CPU); the archive is the same "
			     "whatever the number"),
	    RELC_SPEC_SWITCH('q', "quiet", &quiet, 0,
			     "print nothing on success"),
	    RELC_SPEC_VALUE('r', "release", "NAME", &o.release, 0,
			    "the release (default: the config's)"),
	    RELC_SPEC_VALUE(0, "upfrom", "VSN|PATH", &o.upfrom, 0,
			    "also write a relup (and appups) to upgrade a "
			    "running release of this version, or of the "
			    "release directory or tarball at PATH"),
	    RELC_SPEC_SWITCH('v', "verbose", &verbose, 0,
			     "list the applications in boot order"),
	    RELC_SPEC_SWITCH(0, "archive", &o.archive, BUILD_ONLY,
			     "also write the archive (see relc archive)"),
	    RELC_SPEC_SWITCH(0, "tarball-manifest", &o.manifest, BUILD_ONLY,
			     "print the mode, size, sha256 and path of every "
			     "entry the archive would hold, and write no "
			     "archive"),
	    RELC_SPEC_SWITCH('l', "list", &list, ARCHIVE_OPT,
			     "print the mode, size, sha256 and path of every "
			     "entry"),
	    RELC_SPEC_VALUE('o', "output", "PATH", &o.archive_path, ARCHIVE_OPT,
			    "where to write the archive"),
	    RELC_SPEC_VALUE(0, "format", "FORMAT", &format, ARCHIVE_OPT,
			    "tar.gz (default), tar.zst or tar"),
	    RELC_SPEC_NUMBER(0, "level", "N", &o.archive_opts.level, 1, 22,
			     ARCHIVE_OPT,
			     "compression level (gzip 1-9, default 6; zstd "
			     "1-19, default 3)"),
	    RELC_SPEC_NUMBER(0, "threads", "N", &jobs, 1, 64, RELC_OPT_HIDDEN,
			     "the old name of --jobs"),
	    RELC_SPEC_END,
	};
	const struct relc_opt_cmd cmd = {is_archive ? "archive" : "build",
					 is_archive ? archive_about
						    : build_about,
					 specs,
					 is_archive ? BUILD_ONLY : 0,
					 is_archive ? 0 : ARCHIVE_OPT,
					 "Archive options (with --archive):"};
	char *self;

	memset(&o, 0, sizeof(o));
	o.archive = is_archive;
	o.archive_opts.mtime = RELC_ARCHIVE_DEFAULT_MTIME;
	if ((r = relc_opt_parse(&cmd, argc, argv, err)))
		return r < 0 ? -1 : 0;
	if (!o.archive && (list || o.archive_path))
		return relc_error_set(err, RELC_EUSAGE,
				      "-%c goes with 'relc archive' or "
				      "--archive",
				      o.archive_path ? 'o' : 'l');
	if (format &&
	    relc_archive_parse_format(&o.archive_opts.format, format, err))
		return -1;
	if (o.archive_opts.format == RELC_ARCHIVE_TAR_GZ &&
	    o.archive_opts.level > 9)
		return relc_error_set(err, RELC_EUSAGE,
				      "the gzip level must be 1 to 9");
	if (source_date_epoch(&o.archive_opts.mtime, err))
		return -1;
	o.jobs = (unsigned)jobs;
	o.archive_opts.threads = (unsigned)jobs;
	o.warn = relc_report_warning;
	o.path_env = getenv("PATH");
	o.mix_env = getenv("MIX_ENV");
	self = realpath("/proc/self/exe", NULL);
	o.self_path = self;
	r = relc_release_build(&res, &o, err);
	free(self);
	if (r)
		return -1;
	relc_report_build(&res, quiet, verbose, list || o.manifest);
	relc_build_result_release(&res);
	return 0;
}

int
cmd_build(int argc, char **argv, struct relc_error *err)
{
	return run(argc, argv, 0, err);
}

int
cmd_archive(int argc, char **argv, struct relc_error *err)
{
	return run(argc, argv, 1, err);
}
