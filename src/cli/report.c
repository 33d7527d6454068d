/*
 * report.c: what the commands print, apart from errors (main.c) and help
 * (opt.c): results on stdout, warnings on stderr.
 */
#include "relc/compat.h"

#include "report.h"

#include "relc/error.h"
#include "relc/release.h"
#include "relc/scaffold.h"
#include "relc/strbuf.h"

/*
 * The message goes through relc_error_format, the one place that escapes
 * control characters, so that a warning is one line whatever it quotes.
 */
void
relc_report_warning(void *ctx, const char *msg)
{
	struct relc_error w = RELC_ERROR_INIT;
	struct relc_strbuf line = RELC_STRBUF_INIT;

	(void)ctx;
	relc_error_set(&w, RELC_EINTERNAL, "%s", msg);
	relc_error_format(&line, &w);
	fprintf(stderr, "relc: warning: %s\n", line.buf);
	relc_strbuf_release(&line);
	relc_error_release(&w);
}

static void
print_manifest(const struct relc_archive_manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct relc_archive_entry *e = &m->v[i];

		if (e->type == RELC_ENTRY_DIR)
			printf("%04o %12s %-64s %s/\n", e->mode, "-", "-",
			       e->path);
		else if (e->type == RELC_ENTRY_SYMLINK)
			printf("%04o %12s %-64s %s -> %s\n", e->mode, "-", "-",
			       e->path, e->target);
		else
			printf("%04o %12llu %s %s\n", e->mode,
			       (unsigned long long)e->size, e->sha256, e->path);
	}
}

void
relc_report_build(const struct relc_build_result *res, int quiet, int verbose,
		  int list)
{
	if (verbose) {
		for (size_t i = 0; i < res->napps; i++)
			printf("  %-24s %-12s %s\n", res->apps[i].name,
			       res->apps[i].vsn, res->apps[i].type);
		if (res->built)
			printf("relc: copied %zu files (%zu bytes), stripped "
			       "%zu BEAM files, reused %zu unchanged files\n",
			       res->files, res->bytes, res->stripped,
			       res->reused);
	}
	if (list)
		print_manifest(&res->manifest);
	if (quiet || list)
		return;
	if (res->built)
		printf("relc: built %s %s (%s, OTP %s, erts %s, %zu "
		       "applications) in %s\n",
		       res->name, res->vsn, res->env, res->otp_version,
		       res->erts_vsn, res->napps, res->output_dir);
	else
		printf("relc: %s %s in %s is up to date\n", res->name, res->vsn,
		       res->output_dir);
	if (res->upfrom_vsn)
		printf("relc: relup from %s (read from %s); appups: %zu "
		       "generated, %zu the applications' own\n",
		       res->upfrom_vsn, res->upfrom_source,
		       res->appups_generated, res->appups_own);
	if (res->kept_archive)
		printf("relc: kept %s %s as %s (the output directory holds %s "
		       "now)\n",
		       res->name, res->upfrom_vsn, res->kept_archive, res->vsn);
	if (res->archive_path)
		printf("relc: archived %s %s in %s (%zu entries)\n", res->name,
		       res->vsn, res->archive_path, res->manifest.n);
}

void
relc_report_init(const struct relc_scaffold *s)
{
	const char *compile = relc_scaffold_compile_cmd(s->kind);

	printf("relc: %s %s: release %s", relc_scaffold_kind_name(s->kind),
	       s->umbrella ? "umbrella" : "project", s->release);
	if (s->vsn)
		printf(" %s", s->vsn);
	else
		printf(" (the version of its application)");
	printf(", application%s ", s->napps > 1 ? "s" : "");
	for (size_t i = 0; i < s->napps; i++)
		printf("%s%s", i ? ", " : "", s->apps[i]);
	printf("\n");
	for (size_t i = 0; i < s->nfiles; i++)
		printf("relc: wrote %s\n", s->files[i].path);
	if (compile)
		printf("relc: next: %s && relc build --env prod\n", compile);
	else
		printf("relc: next: compile the applications into ebin/, then "
		       "relc build --env prod\n");
}
