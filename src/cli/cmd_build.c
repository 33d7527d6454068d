/*
 * cmd_build.c: relc build and relc archive, which share their options.
 *
 *   relc build   [-r NAME] [-e ENV] [-c PATH] [-q] [-v]
 *                [--archive [archive options]] [--tarball-manifest]
 *   relc archive [-r NAME] [-e ENV] [-c PATH] [-q] [-v] [--list]
 *                [-o PATH] [--format F] [--level N]
 */
#include "relc/compat.h"

#include <getopt.h>
#include <limits.h>

#include "cmd.h"
#include "relc/error.h"
#include "relc/release.h"

static const char build_usage[] =
    "usage: relc build [options]\n"
    "\n"
    "Assemble a release from the compiled project, as rel/relc.yaml\n"
    "describes it, into _build/ENV/rel/NAME (or the config's output_dir).\n"
    "\n"
    "  -c, --config PATH      the release config (default: rel/relc.yaml)\n"
    "  -e, --env ENV          the environment (default: the config's,\n"
    "                         then $MIX_ENV, then prod)\n"
    "  -h, --help             show this help\n"
    "  -q, --quiet            print nothing on success\n"
    "  -r, --release NAME     the release (default: the config's)\n"
    "  -v, --verbose          list the applications in boot order\n"
    "      --archive          also write the archive (see relc archive)\n"
    "      --tarball-manifest print the mode, size, sha256 and path of\n"
    "                         every entry the archive would hold\n"
    "  With --archive, the archive options of relc archive apply.\n";

static const char archive_usage[] =
    "usage: relc archive [options]\n"
    "\n"
    "Pack the release into NAME-VSN.tar.gz next to it (_build/ENV/), building\n"
    "it first when it is missing or older than its inputs.  The archive is\n"
    "reproducible: entry mtimes come from $SOURCE_DATE_EPOCH (else\n"
    "1980-01-01), owners are 0/0, entries are sorted.\n"
    "\n"
    "  -c, --config PATH      the release config (default: rel/relc.yaml)\n"
    "  -e, --env ENV          the environment\n"
    "  -h, --help             show this help\n"
    "  -l, --list             print the mode, size, sha256 and path of every\n"
    "                         entry\n"
    "  -o, --output PATH      where to write the archive\n"
    "  -q, --quiet            print nothing on success\n"
    "  -r, --release NAME     the release\n"
    "  -v, --verbose          list the applications in boot order\n"
    "      --format FORMAT    tar.gz (default), tar.zst or tar\n"
    "      --level N          compression level (gzip 1-9, default 6;\n"
    "                         zstd 1-19, default 3)\n"
    "      --threads N        gzip threads (default: one per CPU); the\n"
    "                         archive is the same whatever the number\n";

enum { OPT_ARCHIVE = 256, OPT_FORMAT, OPT_LEVEL, OPT_MANIFEST, OPT_THREADS };

static int
parse_number(long *out, const char *s, long min, long max, const char *what,
	     struct relc_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return relc_error_set(
		    err, RELC_EUSAGE,
		    "%s must be a number from %ld to %ld, not "
		    "'%s'",
		    what, min, max, s);
	*out = v;
	return 0;
}

static void
print_manifest(const struct relc_archive_manifest *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct relc_archive_entry *e = &m->v[i];

		switch (e->type) {
		case RELC_ENTRY_DIR:
			printf("%04o %12s %-64s %s/\n", e->mode, "-", "-",
			       e->path);
			break;
		case RELC_ENTRY_SYMLINK:
			printf("%04o %12s %-64s %s -> %s\n", e->mode, "-", "-",
			       e->path, e->target);
			break;
		case RELC_ENTRY_FILE:
			printf("%04o %12llu %s %s\n", e->mode,
			       (unsigned long long)e->size, e->sha256, e->path);
			break;
		}
	}
}

static int
run(int argc, char **argv, int is_archive, struct relc_error *err)
{
	static const struct option longopts[] = {
	    {"archive", no_argument, NULL, OPT_ARCHIVE},
	    {"config", required_argument, NULL, 'c'},
	    {"env", required_argument, NULL, 'e'},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"help", no_argument, NULL, 'h'},
	    {"level", required_argument, NULL, OPT_LEVEL},
	    {"list", no_argument, NULL, 'l'},
	    {"output", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"release", required_argument, NULL, 'r'},
	    {"tarball-manifest", no_argument, NULL, OPT_MANIFEST},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"verbose", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	const char *usage = is_archive ? archive_usage : build_usage;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	struct relc_build_opts opts;
	struct relc_build_result res;
	int c, r, quiet = 0, verbose = 0, list = 0, archive_only_opt = 0;
	char *self;
	long v;
	size_t i;

	memset(&opts, 0, sizeof(opts));
	opts.archive = is_archive;
	opts.build_if_stale = is_archive;
	opts.archive_opts.mtime = RELC_ARCHIVE_DEFAULT_MTIME;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:e:hlo:qr:v", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			opts.config_path = optarg;
			break;
		case 'e':
			opts.env = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'l':
			list = 1;
			archive_only_opt = 'l';
			break;
		case 'o':
			opts.archive_path = optarg;
			archive_only_opt = 'o';
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			opts.release = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case OPT_ARCHIVE:
			if (is_archive)
				goto unknown;
			opts.archive = 1;
			break;
		case OPT_MANIFEST:
			if (is_archive)
				goto unknown;
			opts.manifest = 1;
			break;
		case OPT_FORMAT:
			if (relc_archive_parse_format(&opts.archive_opts.format,
						      optarg, err))
				return -1;
			break;
		case OPT_LEVEL:
			if (parse_number(&v, optarg, 1, 22, "--level", err))
				return -1;
			opts.archive_opts.level = (int)v;
			break;
		case OPT_THREADS:
			if (parse_number(&v, optarg, 1, 64, "--threads", err))
				return -1;
			opts.archive_opts.threads = (unsigned)v;
			break;
		case ':':
			return relc_error_set(err, RELC_EUSAGE,
					      "option '%s' needs a value",
					      argv[optind - 1]);
		default:
		unknown:
			return relc_error_set(err, RELC_EUSAGE,
					      "unknown option '%s' (see 'relc "
					      "%s --help')",
					      argv[optind - 1],
					      is_archive ? "archive" : "build");
		}
	}
	if (optind < argc)
		return relc_error_set(err, RELC_EUSAGE,
				      "unexpected argument '%s'", argv[optind]);
	if (!is_archive && archive_only_opt && !opts.archive)
		return relc_error_set(err, RELC_EUSAGE,
				      "-%c goes with 'relc archive' or "
				      "--archive",
				      archive_only_opt);
	if (opts.archive_opts.format == RELC_ARCHIVE_TAR_GZ &&
	    opts.archive_opts.level > 9)
		return relc_error_set(err, RELC_EUSAGE,
				      "the gzip level must be 1 to 9");
	if (epoch && *epoch) {
		long long t;
		char *end;

		errno = 0;
		t = strtoll(epoch, &end, 10);
		if (errno || *end || t < 0)
			return relc_error_set(err, RELC_EUSAGE,
					      "SOURCE_DATE_EPOCH must be a "
					      "number of seconds, not '%s'",
					      epoch);
		opts.archive_opts.mtime = t;
	}
	opts.path_env = getenv("PATH");
	opts.mix_env = getenv("MIX_ENV");
	self = realpath("/proc/self/exe", NULL);
	opts.self_path = self;
	r = relc_release_build(&res, &opts, err);
	free(self);
	if (r)
		return -1;
	if (verbose) {
		for (i = 0; i < res.napps; i++)
			printf("  %-24s %-12s %s\n", res.apps[i].name,
			       res.apps[i].vsn, res.apps[i].type);
		if (res.built)
			printf("relc: copied %zu files (%zu bytes), stripped "
			       "%zu BEAM files\n",
			       res.files, res.bytes, res.stripped);
	}
	if (list || opts.manifest)
		print_manifest(&res.manifest);
	if (!quiet && !opts.manifest && !list) {
		if (res.built)
			printf("relc: built %s %s (%s, OTP %s, erts %s, %zu "
			       "applications) in %s\n",
			       res.name, res.vsn, res.env, res.otp_version,
			       res.erts_vsn, res.napps, res.output_dir);
		else
			printf("relc: %s %s in %s is up to date\n", res.name,
			       res.vsn, res.output_dir);
		if (res.archive_path)
			printf("relc: archived %s %s in %s (%zu entries)\n",
			       res.name, res.vsn, res.archive_path,
			       res.manifest.n);
	}
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
