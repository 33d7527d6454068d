/*
 * cmd_misc.c: the small commands: version and help.
 */
#include "relc/compat.h"

#include "cmd.h"
#include "opt.h"
#include "relc/error.h"
#include "relc/xalloc.h"
#include "relc_version.h"

#define HELP_SPEC                                                              \
	{                                                                      \
		RELC_OPT_HELP, 'h', "help", NULL, NULL, "show this help"       \
	}
#define END_SPEC                                                               \
	{                                                                      \
		RELC_OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, 0               \
	}

/* Parse a command that takes no options but --help: 1 if it was given. */
static int
parse_bare(const char *name, const char *about, int argc, char **argv,
	   struct relc_error *err)
{
	static const struct relc_opt_spec specs[] = {RELC_SPEC_HELP,
						     RELC_SPEC_END};
	const struct relc_opt_cmd cmd = {name, about, specs, 0, 0, NULL};

	return relc_opt_parse(&cmd, argc, argv, err);
}

int
cmd_version(int argc, char **argv, struct relc_error *err)
{
	int r =
	    parse_bare("version", "Print relc's version.\n", argc, argv, err);

	if (r)
		return r < 0 ? -1 : 0;
	printf("relc %s\n", RELC_VERSION);
	return 0;
}

static void
list_commands(void)
{
	printf("usage: relc <command> [options]\n\n"
	       "relc assembles releases of Erlang and Elixir projects.\n\n"
	       "Commands:\n");
	for (const struct relc_cmd *c = relc_cmds; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nSee 'relc help <command>' for a command's options, and "
	       "docs/ for the\nconfig file and the generated scripts.\n");
}

int
cmd_help(int argc, char **argv, struct relc_error *err)
{
	const char *name = NULL;
	const struct relc_opt_spec specs[] = {
	    RELC_SPEC_HELP,
	    RELC_SPEC_ARG("COMMAND", &name,
			  "the command to describe (default: list them all)"),
	    RELC_SPEC_END,
	};
	const struct relc_opt_cmd cmd = {
	    "help",
	    "Show a command's usage and options, or list the commands.\n",
	    specs,
	    0,
	    0,
	    NULL};
	int r = relc_opt_parse(&cmd, argc, argv, err);

	if (r)
		return r < 0 ? -1 : 0;
	if (!name) {
		list_commands();
		return 0;
	}
	for (const struct relc_cmd *c = relc_cmds; c->name; c++) {
		char *sub[] = {NULL, (char *)"--help", NULL};

		if (strcmp(c->name, name))
			continue;
		sub[0] = relc_xstrdup(c->name);
		r = c->fn(2, sub, err);
		free(sub[0]);
		return r;
	}
	return relc_error_set(err, RELC_EUSAGE,
			      "'%s' is not a relc command (see 'relc help')",
			      name);
}
