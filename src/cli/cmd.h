/*
 * cmd.h: the relc subcommands.  Each parses its options, fills one options
 * struct, calls one library entry point and returns 0, or -1 with the
 * error filled in; main.c prints the error and picks the exit code.
 */
#ifndef RELC_CMD_H
#define RELC_CMD_H

struct relc_error;

struct relc_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct relc_error *err);
	const char *summary;
};

int cmd_build(int argc, char **argv, struct relc_error *err);
int cmd_archive(int argc, char **argv, struct relc_error *err);
int cmd_init(int argc, char **argv, struct relc_error *err);
int cmd_version(int argc, char **argv, struct relc_error *err);
int cmd_help(int argc, char **argv, struct relc_error *err);

/* The command table, for help. */
extern const struct relc_cmd relc_cmds[];

#endif
