/*
 * otp.h: the target Erlang/OTP installation.  relc never starts an Erlang
 * VM: everything version-specific is read from the installation's files
 * (releases/<OTP>/OTP_VERSION, start_clean.rel and start_clean.script).
 */
#ifndef RELC_OTP_H
#define RELC_OTP_H

#include <stddef.h>

struct relc_arena;
struct relc_error;
struct relc_strbuf;
struct relc_term;

struct relc_otp {
	const char *root;     /* the OTP root directory */
	const char *version;  /* "25.2.3" */
	unsigned major;	      /* 25 */
	const char *erts_vsn; /* "13.1.5" */
	/* From start_clean.script: */
	const struct relc_term *preloaded; /* list of atoms */
	const struct relc_term *mandatory; /* the first primLoad list */
	size_t nkernel_procs;
	const struct relc_term **kernel_procs; /* {kernelProcess, ...} */
	/*
	 * OTP's own applications, "name-vsn" (releases/MAJOR/
	 * installed_application_versions), sorted; NULL when the
	 * installation does not say.  Others in its lib/ (a distribution's
	 * packages: Debian's erlang-p1-sqlite3) are not part of OTP.
	 */
	const char **own;
	size_t nown;
};

/*
 * Is name-vsn one of OTP's own applications (so that a target with the
 * same OTP has it)?  When the installation does not list them, every
 * application in its lib/ counts.
 */
int relc_otp_is_own(const struct relc_otp *otp, const char *name,
		    const char *vsn);

/*
 * Find the OTP root: `erts_path` (an OTP root or an erts-VSN directory in
 * one, relative to `base`) when given, else the `erl` found on `path_env`
 * (followed through symbolic links and its ROOTDIR= line).
 */
int relc_otp_find_root(struct relc_strbuf *root, const char *erts_path,
		       const char *base, const char *path_env,
		       struct relc_error *err);

/*
 * The same, where erts_path may also name an archive of an OTP
 * installation (a cross build's target): it is extracted into a fresh
 * directory that scratch(ctx, ...) provides, and the root found in it.
 */
int relc_otp_locate(struct relc_strbuf *root, const char *erts_path,
		    const char *base, const char *path_env,
		    int (*scratch)(void *ctx, const char **dir,
				   struct relc_error *err),
		    void *ctx, struct relc_error *err);

/* Read the version-specific parts of the installation at root. */
int relc_otp_load(struct relc_otp *out, const char *root,
		  struct relc_arena *arena, struct relc_error *err);

/*
 * Pick the parts relc needs out of a parsed start_clean.script term (pure;
 * `path` names the file in messages).
 */
int relc_otp_parse_script(struct relc_otp *out, const struct relc_term *script,
			  const char *path, struct relc_arena *arena,
			  struct relc_error *err);

/*
 * Find an executable called `name` on path_env and return its real path
 * (symbolic links resolved).  Returns 1 when there is none.
 */
int relc_find_program(struct relc_strbuf *out, const char *name,
		      const char *path_env, struct relc_error *err);

#endif
