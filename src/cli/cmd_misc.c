/*
 * cmd_misc.c: the small commands: version, help, and the commands that are
 * not written yet.
 */
#include "relc/compat.h"

#include "cmd.h"
#include "relc/error.h"
#include "relc_version.h"

int
cmd_version(int argc, char **argv, struct relc_error *err)
{
	(void)argv;
	if (argc > 1)
		return relc_error_set(err, RELC_EUSAGE,
				      "'relc version' takes no arguments");
	printf("relc %s\n", RELC_VERSION);
	return 0;
}

int
cmd_help(int argc, char **argv, struct relc_error *err)
{
	const struct relc_cmd *c;

	if (argc > 1) {
		char *sub[] = {argv[1], (char *)"--help", NULL};

		for (c = relc_cmds; c->name; c++)
			if (!strcmp(c->name, argv[1]) && c->fn != cmd_help)
				return c->fn(2, sub, err);
		return relc_error_set(err, RELC_EUSAGE,
				      "'%s' is not a relc command", argv[1]);
	}
	printf("usage: relc <command> [options]\n\n"
	       "relc assembles releases of Erlang and Elixir projects.\n\n"
	       "Commands:\n");
	for (c = relc_cmds; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nSee 'relc help <command>' for a command's options, and "
	       "docs/ for the\nconfig file and the generated scripts.\n");
	return 0;
}

static int
not_yet(const char *name, int argc, char **argv, struct relc_error *err)
{
	if (argc > 1 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("relc %s: not implemented yet\n", name);
		return 0;
	}
	return relc_error_set(err, RELC_EUNSUPPORTED,
			      "'relc %s' is not implemented yet", name);
}

int
cmd_init(int argc, char **argv, struct relc_error *err)
{
	return not_yet("init", argc, argv, err);
}
