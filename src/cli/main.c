/*
 * main.c: relc's entry point: find the subcommand in the table, run it,
 * print its error if it failed, and make sure stdout really got written.
 *
 * Exit codes (docs/cli.md): 0 success, 1 the command failed, 2 usage
 * error or a command that is not implemented yet, 128+N stopped by signal
 * N (SIGINT: 130, SIGTERM: 143).
 */
#include "relc/compat.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "cmd.h"
#include "relc/error.h"
#include "relc/interrupt.h"
#include "relc/strbuf.h"

const struct relc_cmd relc_cmds[] = {
    {"init", cmd_init, "write a starter rel/relc.yaml for this project"},
    {"build", cmd_build, "assemble a release"},
    {"archive", cmd_archive, "pack a built release into a tarball"},
    {"version", cmd_version, "print relc's version"},
    {"help", cmd_help, "show help for relc or a command"},
    {NULL, NULL, NULL},
};

/* Make sure fds 0-2 are open, so that no file we open lands on them. */
static void
check_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) < 0)
			exit(2);
	}
}

static int
exit_code(const struct relc_error *err)
{
	switch (err->kind) {
	case RELC_EUSAGE:
	case RELC_EUNSUPPORTED:
		return 2;
	case RELC_EINTERRUPTED:
		/* as a shell reports a process the signal killed */
		return relc_interrupt_signal() ? 128 + relc_interrupt_signal()
					       : 1;
	default:
		return 1;
	}
}

int
main(int argc, char **argv)
{
	struct relc_error err = RELC_ERROR_INIT;
	const struct relc_cmd *cmd = NULL;
	const char *name;
	int ret;

	check_fds();
	signal(SIGPIPE, SIG_IGN);
	relc_interrupt_install();
	if (argc < 2) {
		cmd_help(1, argv, &err);
		return 2;
	}
	name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "-V"))
		name = "version";
	else if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	for (const struct relc_cmd *c = relc_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			cmd = c;
	if (!cmd) {
		fprintf(stderr,
			"relc: '%s' is not a relc command (see 'relc help')\n",
			name);
		return 2;
	}
	ret = cmd->fn(argc - 1, argv + 1, &err);
	if (fflush(stdout) || ferror(stdout)) {
		if (!ret)
			ret = relc_error_errno(&err, "cannot write output");
	}
	if (ret) {
		struct relc_strbuf msg = RELC_STRBUF_INIT;

		if (!relc_error_isset(&err))
			relc_error_set(&err, RELC_EINTERNAL,
				       "failed without saying why (a bug)");
		relc_error_format(&msg, &err);
		fprintf(stderr, "relc: %s\n", msg.buf);
		relc_strbuf_release(&msg);
		ret = exit_code(&err);
	}
	relc_error_release(&err);
	if (fclose(stdout) && !ret)
		ret = 1;
	return ret;
}
