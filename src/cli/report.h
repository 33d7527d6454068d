/*
 * report.h: what the commands print, apart from errors and help.
 */
#ifndef RELC_CLI_REPORT_H
#define RELC_CLI_REPORT_H

struct relc_build_result;
struct relc_scaffold;

/*
 * What relc build and relc archive print on success: with verbose the
 * applications in boot order and what was copied, with list the archive's
 * entries (MODE SIZE SHA256 PATH), and unless quiet or list, one line
 * saying what was built or found up to date, and one for the archive.
 */
void relc_report_build(const struct relc_build_result *res, int quiet,
		       int verbose, int list);

/*
 * A relc_build_opts.warn callback: "relc: warning: MSG" on stderr, one
 * line (control characters in MSG are escaped).
 */
void relc_report_warning(void *ctx, const char *msg);

/*
 * What relc init prints: the project and its release, one line per file
 * written (paths relative to the project), and the command to run next.
 */
void relc_report_init(const struct relc_scaffold *s);

#endif
