/*
 * cmd_init.c: relc init: write a starter rel/ for the project in the
 * current directory (scaffold.h).
 */
#include "relc/compat.h"

#include "cmd.h"
#include "opt.h"
#include "report.h"
#include "relc/error.h"
#include "relc/scaffold.h"

static const char init_about[] =
    "Write a starter rel/relc.yaml for the mix, rebar3 or Erlang project in\n"
    "the current directory, with rel/vm.args, rel/sys.config (not for mix),\n"
    "rel/env.sh, a post_start hook and a custom command, every key and\n"
    "file commented.  Nothing is overwritten without --force.\n";

int
cmd_init(int argc, char **argv, struct relc_error *err)
{
	struct relc_init_opts o = {NULL, NULL, 0};
	struct relc_scaffold s;
	const struct relc_opt_spec specs[] = {
	    RELC_SPEC_SWITCH('f', "force", &o.force, 0,
			     "overwrite the files that exist"),
	    RELC_SPEC_HELP,
	    RELC_SPEC_VALUE('r', "release", "NAME", &o.release, 0,
			    "the release's name (default: the top-level "
			    "application's, else the relx release's of "
			    "rebar.config, else the directory's)"),
	    RELC_SPEC_END,
	};
	const struct relc_opt_cmd cmd = {"init", init_about, specs, 0, 0, NULL};
	int r = relc_opt_parse(&cmd, argc, argv, err);

	if (r)
		return r < 0 ? -1 : 0;
	r = relc_scaffold_init(&s, &o, err);
	if (!r)
		relc_report_init(&s);
	relc_scaffold_release(&s);
	return r;
}
