/*
 * opt.c: parse a command line, and print --help, from one option table
 * (opt.h).
 */
#include "relc/compat.h"

#include "opt.h"

#include <limits.h>

#include "relc/error.h"
#include "relc/strbuf.h"

/* --help: the column the help text starts at, and the right margin. */
#define HELP_COL 25
#define HELP_WIDTH 79

static int
is_mine(const struct relc_opt_cmd *cmd, const struct relc_opt_spec *s)
{
	return !(s->flags & cmd->omit);
}

static int
takes_value(const struct relc_opt_spec *s)
{
	return s->type == RELC_OPT_VALUE || s->type == RELC_OPT_NUMBER;
}

static const struct relc_opt_spec *
find_long(const struct relc_opt_cmd *cmd, const char *name, size_t len)
{
	const struct relc_opt_spec *s;

	for (s = cmd->specs; s->type != RELC_OPT_END; s++)
		if (s->type != RELC_OPT_ARG && s->long_name &&
		    is_mine(cmd, s) && strlen(s->long_name) == len &&
		    !strncmp(s->long_name, name, len))
			return s;
	return NULL;
}

static const struct relc_opt_spec *
find_short(const struct relc_opt_cmd *cmd, char c)
{
	const struct relc_opt_spec *s;

	for (s = cmd->specs; s->type != RELC_OPT_END; s++)
		if (s->type != RELC_OPT_ARG && s->short_name == c &&
		    is_mine(cmd, s))
			return s;
	return NULL;
}

/* Give s its value (NULL for a switch); `as` is how the user spelled it. */
static int
set(const struct relc_opt_spec *s, const char *as, const char *value,
    struct relc_error *err)
{
	char *end;
	long v;

	if (!value && takes_value(s))
		return relc_error_set(err, RELC_EUSAGE,
				      "option '%s' needs a value", as);
	switch (s->type) {
	case RELC_OPT_SWITCH:
		*(int *)s->target = 1;
		return 0;
	case RELC_OPT_VALUE:
		*(const char **)s->target = value;
		return 0;
	case RELC_OPT_NUMBER:
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < s->min || v > s->max) {
			if (s->long_name)
				return relc_error_set(
				    err, RELC_EUSAGE,
				    "--%s must be a number from %d to %d, "
				    "not '%s'",
				    s->long_name, s->min, s->max, value);
			return relc_error_set(err, RELC_EUSAGE,
					      "-%c must be a number from %d to "
					      "%d, not '%s'",
					      s->short_name, s->min, s->max,
					      value);
		}
		*(int *)s->target = (int)v;
		return 0;
	default:
		return relc_error_set(err, RELC_EINTERNAL,
				      "option '%s' has no target (a bug)", as);
	}
}

static int
unknown(const struct relc_opt_cmd *cmd, const char *as, size_t len,
	struct relc_error *err)
{
	return relc_error_set(err, RELC_EUSAGE,
			      "unknown option '%.*s' (see 'relc %s --help')",
			      (int)len, as, cmd->name);
}

/* One "-xyz" cluster; *i moves past a value taken from the next word. */
static int
parse_short(const struct relc_opt_cmd *cmd, int *i, int argc, char **argv,
	    struct relc_error *err)
{
	const struct relc_opt_spec *s;
	const char *p, *value;
	char as[3] = "-?";

	for (p = argv[*i] + 1; *p; p++) {
		as[1] = *p;
		s = find_short(cmd, *p);
		if (!s)
			return unknown(cmd, as, 2, err);
		if (s->type == RELC_OPT_HELP)
			return 1;
		if (!takes_value(s)) {
			if (set(s, as, NULL, err))
				return -1;
			continue;
		}
		value = p[1] ? p + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		return set(s, as, value, err);
	}
	return 0;
}

static int
parse_long(const struct relc_opt_cmd *cmd, int *i, int argc, char **argv,
	   struct relc_error *err)
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	const struct relc_opt_spec *s = find_long(cmd, a + 2, len - 2);
	const char *value = NULL;

	if (!s)
		return unknown(cmd, a, len, err);
	if (!takes_value(s) && eq)
		return relc_error_set(err, RELC_EUSAGE,
				      "option '--%s' takes no value",
				      s->long_name);
	if (s->type == RELC_OPT_HELP)
		return 1;
	if (eq)
		value = eq + 1;
	else if (takes_value(s) && *i + 1 < argc)
		value = argv[++*i];
	return set(s, a, value, err);
}

/* The first argument spec from s on, or the END spec. */
static const struct relc_opt_spec *
next_arg(const struct relc_opt_cmd *cmd, const struct relc_opt_spec *s)
{
	while (s->type != RELC_OPT_END &&
	       (s->type != RELC_OPT_ARG || !is_mine(cmd, s)))
		s++;
	return s;
}

int
relc_opt_parse(const struct relc_opt_cmd *cmd, int argc, char **argv,
	       struct relc_error *err)
{
	const struct relc_opt_spec *next = cmd->specs;
	int i, r, literal = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (literal || a[0] != '-' || !a[1]) {
			next = next_arg(cmd, next);
			if (next->type == RELC_OPT_END)
				return relc_error_set(
				    err, RELC_EUSAGE,
				    "unexpected argument '%s'", a);
			*(const char **)next->target = a;
			next++;
			continue;
		}
		if (!strcmp(a, "--")) {
			literal = 1;
			continue;
		}
		r = a[1] == '-' ? parse_long(cmd, &i, argc, argv, err)
				: parse_short(cmd, &i, argc, argv, err);
		if (r == 1)
			relc_opt_help_print(stdout, cmd);
		if (r)
			return r;
	}
	return 0;
}

/* "  -c, --config PATH", "      --archive", "  COMMAND" */
static void
add_left(struct relc_strbuf *sb, const struct relc_opt_spec *s)
{
	relc_strbuf_addstr(sb, "  ");
	if (s->type == RELC_OPT_ARG) {
		relc_strbuf_addstr(sb, s->value_name);
		return;
	}
	if (s->short_name)
		relc_strbuf_addf(sb, "-%c%s", s->short_name,
				 s->long_name ? ", " : "");
	else
		relc_strbuf_addstr(sb, "    ");
	if (s->long_name)
		relc_strbuf_addf(sb, "--%s", s->long_name);
	if (takes_value(s))
		relc_strbuf_addf(sb, " %s", s->value_name);
}

/* Print s's line(s): the left part, then its help wrapped at HELP_WIDTH. */
static void
print_spec(FILE *f, const struct relc_opt_spec *s)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	const char *p = s->help ? s->help : "";
	size_t col, n;

	add_left(&sb, s);
	fputs(sb.buf, f);
	col = sb.len;
	relc_strbuf_release(&sb);
	while (*p) {
		n = strcspn(p, " ");
		if (col >= HELP_COL && col + 1 + n > HELP_WIDTH) {
			fputc('\n', f);
			col = 0;
		}
		if (col < HELP_COL) {
			fprintf(f, "%*s", (int)(HELP_COL - col), "");
			col = HELP_COL;
		} else {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, p);
		col += n;
		p += n;
		p += strspn(p, " ");
	}
	fputc('\n', f);
}

static int
is_listed(const struct relc_opt_cmd *cmd, const struct relc_opt_spec *s,
	  int grouped)
{
	return is_mine(cmd, s) && !(s->flags & RELC_OPT_HIDDEN) &&
	       !(s->flags & cmd->group) == !grouped;
}

void
relc_opt_help_print(FILE *f, const struct relc_opt_cmd *cmd)
{
	const struct relc_opt_spec *s;
	int grouped = 0;

	fprintf(f, "usage: relc %s [options]", cmd->name);
	for (s = cmd->specs; s->type != RELC_OPT_END; s++)
		if (s->type == RELC_OPT_ARG && is_mine(cmd, s))
			fprintf(f, " [%s]", s->value_name);
	fputc('\n', f);
	if (cmd->about)
		fprintf(f, "\n%s", cmd->about);
	fputc('\n', f);
	for (s = cmd->specs; s->type != RELC_OPT_END; s++) {
		if (is_listed(cmd, s, 0))
			print_spec(f, s);
		grouped |= is_listed(cmd, s, 1);
	}
	if (!grouped)
		return;
	fprintf(f, "\n%s\n", cmd->group_heading);
	for (s = cmd->specs; s->type != RELC_OPT_END; s++)
		if (is_listed(cmd, s, 1))
			print_spec(f, s);
}
