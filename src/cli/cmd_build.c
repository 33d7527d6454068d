/*
 * cmd_build.c: relc build [--release NAME] [--env ENV] [--config PATH]
 */
#include "relc/compat.h"

#include <getopt.h>

#include "cmd.h"
#include "relc/error.h"
#include "relc/release.h"

static const char usage[] =
    "usage: relc build [options]\n"
    "\n"
    "Assemble a release from the compiled project, as rel/relc.yaml\n"
    "describes it, into _build/ENV/rel/NAME (or the config's output_dir).\n"
    "\n"
    "  -c, --config PATH    the release config (default: rel/relc.yaml)\n"
    "  -e, --env ENV        the environment (default: the config's,\n"
    "                       then $MIX_ENV, then prod)\n"
    "  -h, --help           show this help\n"
    "  -q, --quiet          print nothing on success\n"
    "  -r, --release NAME   the release (default: the config's)\n"
    "  -v, --verbose        list the applications in boot order\n";

int
cmd_build(int argc, char **argv, struct relc_error *err)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"env", required_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"release", required_argument, NULL, 'r'},
	    {"verbose", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	struct relc_build_opts opts;
	struct relc_build_result res;
	int c, quiet = 0, verbose = 0;
	size_t i;

	memset(&opts, 0, sizeof(opts));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:e:hqr:v", longopts, NULL)) !=
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
		case 'q':
			quiet = 1;
			break;
		case 'r':
			opts.release = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case ':':
			return relc_error_set(err, RELC_EUSAGE,
					      "option '%s' needs a value",
					      argv[optind - 1]);
		default:
			return relc_error_set(err, RELC_EUSAGE,
					      "unknown option '%s' (see 'relc "
					      "build --help')",
					      argv[optind - 1]);
		}
	}
	if (optind < argc)
		return relc_error_set(err, RELC_EUSAGE,
				      "unexpected argument '%s' (see 'relc "
				      "build --help')",
				      argv[optind]);
	opts.path_env = getenv("PATH");
	opts.mix_env = getenv("MIX_ENV");
	if (relc_release_build(&res, &opts, err))
		return -1;
	if (verbose) {
		for (i = 0; i < res.napps; i++)
			printf("  %-24s %-12s %s\n", res.apps[i].name,
			       res.apps[i].vsn, res.apps[i].type);
	}
	if (verbose)
		printf("relc: copied %zu files (%zu bytes), stripped %zu BEAM "
		       "files\n",
		       res.files, res.bytes, res.stripped);
	if (!quiet)
		printf("relc: built %s %s (%s, OTP %s, erts %s, %zu "
		       "applications) in %s\n",
		       res.name, res.vsn, res.env, res.otp_version,
		       res.erts_vsn, res.napps, res.output_dir);
	relc_build_result_release(&res);
	return 0;
}
