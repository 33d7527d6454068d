/*
 * assemble.h: copying applications and ERTS into a release tree.
 *
 * All copies are made into directories that the caller has just created
 * (the staging directory), so files are created with O_EXCL and nothing
 * that exists can be overwritten.  Symbolic links are followed where the
 * release needs the files they point to (priv/, as mix does); a dangling
 * link or a loop is an error naming it.  Modes are kept, without setuid
 * and setgid.
 */
#ifndef RELC_ASSEMBLE_H
#define RELC_ASSEMBLE_H

#include <stddef.h>

struct relc_app;
struct relc_error;

struct relc_assemble_opts {
	int include_src; /* copy src/ and include/ as well */
	int strip_beams; /* strip BEAM files (see beam.h) */
};

/* Statistics, for --verbose and the benchmarks. */
struct relc_assemble_stats {
	size_t files;
	size_t bytes;
	size_t stripped; /* BEAM files stripped */
};

/*
 * Copy application `app` into LIB_DIR/NAME-VSN: ebin/ (every regular
 * file; each module the .app lists must have its .beam), priv/, and with
 * include_src src/ and include/.
 */
int relc_assemble_app(const struct relc_app *app, const char *lib_dir,
		      const struct relc_assemble_opts *opts,
		      struct relc_assemble_stats *stats,
		      struct relc_error *err);

/*
 * Copy OTP_ROOT/erts-VSN/bin to DEST/erts-VSN/bin, without the
 * development tools (ct_run dialyzer typer erlc yielding_c_fun), the
 * templates (erl.src start*.src), the start and start_erl scripts (they
 * hard-code the root of the OTP installation) and erl itself, which the
 * caller writes.
 */
int relc_assemble_erts(const char *otp_root, const char *erts_vsn,
		       const char *dest, struct relc_assemble_stats *stats,
		       struct relc_error *err);

#endif
