/*
 * opt.h: a command's options as one table (after libgit2's cli_opt_spec).
 * The same table drives parsing, the usage line and --help, so that what
 * relc accepts and what it says it accepts cannot drift apart.
 *
 * Each spec points at the variable it fills.  The parser understands
 * "-x", "-xVALUE", "-x VALUE", clusters ("-qv"), "--name", "--name=VALUE",
 * "--name VALUE", and "--" (everything after it is an argument); options
 * and arguments may come in any order.  Long names are never abbreviated.
 */
#ifndef RELC_CLI_OPT_H
#define RELC_CLI_OPT_H

#include <stdio.h>

struct relc_error;

enum relc_opt_type {
	RELC_OPT_END = 0, /* ends a table */
	RELC_OPT_SWITCH,  /* sets the int target to 1 */
	RELC_OPT_VALUE,	  /* sets the const char * target to its value */
	RELC_OPT_NUMBER,  /* sets the int target to its value, min to max */
	RELC_OPT_HELP,	  /* prints the command's help and stops */
	RELC_OPT_ARG	  /* an optional argument, in table order */
};

enum relc_opt_flags {
	RELC_OPT_HIDDEN = 1 << 0, /* accepted, but not in --help */
	/* The first of the bits a command gives its own meaning, for
	   relc_opt_cmd's omit and group. */
	RELC_OPT_USER = 1 << 8
};

struct relc_opt_spec {
	enum relc_opt_type type;
	char short_name;	/* 0: none */
	const char *long_name;	/* NULL: none */
	const char *value_name; /* VALUE, NUMBER and ARG: "PATH", "N", ... */
	void *target;		/* int * or const char ** (see the type) */
	const char *help;	/* one line; --help wraps it */
	unsigned flags;		/* relc_opt_flags, and the command's own */
	int min, max;		/* NUMBER */
};

/* Table rows, so that a table lists only what matters. */
#define RELC_SPEC_SWITCH(s, l, target, flags, help)                            \
	{                                                                      \
		RELC_OPT_SWITCH, s, l, NULL, target, help, flags, 0, 0         \
	}
#define RELC_SPEC_VALUE(s, l, value_name, target, flags, help)                 \
	{                                                                      \
		RELC_OPT_VALUE, s, l, value_name, target, help, flags, 0, 0    \
	}
#define RELC_SPEC_NUMBER(s, l, value_name, target, min, max, flags, help)      \
	{                                                                      \
		RELC_OPT_NUMBER, s, l, value_name, target, help, flags, min,   \
		    max                                                        \
	}
#define RELC_SPEC_HELP                                                         \
	{                                                                      \
		RELC_OPT_HELP, 'h', "help", NULL, NULL, "show this help", 0,   \
		    0, 0                                                       \
	}
#define RELC_SPEC_ARG(value_name, target, help)                                \
	{                                                                      \
		RELC_OPT_ARG, 0, NULL, value_name, target, help, 0, 0, 0       \
	}
#define RELC_SPEC_END                                                          \
	{                                                                      \
		RELC_OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, 0               \
	}

struct relc_opt_cmd {
	const char *name;  /* "build": relc build */
	const char *about; /* a paragraph for --help, lines ending in \n */
	const struct relc_opt_spec *specs;
	unsigned omit;		   /* specs with any of these flags are not
				      this command's */
	unsigned group;		   /* specs with any of these flags are listed
				      apart, under group_heading */
	const char *group_heading; /* "Archive options (with --archive):" */
};

/*
 * Parse argv[1..argc-1] (argv[0] is the command's name) into the targets
 * of cmd's specs.  Returns 0 when done, 1 when --help was given (the help
 * is printed to stdout, and nothing after --help is looked at), or -1 with
 * a RELC_EUSAGE error: an unknown option, a missing value, a value given
 * to a switch, a number out of range, or an unexpected argument.
 */
int relc_opt_parse(const struct relc_opt_cmd *cmd, int argc, char **argv,
		   struct relc_error *err);

/* Print cmd's usage line, about paragraph and option list to f. */
void relc_opt_help_print(FILE *f, const struct relc_opt_cmd *cmd);

#endif
