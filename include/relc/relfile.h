/*
 * relfile.h: a release resource file (releases/VSN/NAME.rel), read and
 * checked as systools_make:read_release/2 checks it.
 */
#ifndef RELC_RELFILE_H
#define RELC_RELFILE_H

#include <stddef.h>

#include "relc/appfile.h"
#include "relc/config.h"

struct relc_arena;
struct relc_error;

/* One entry of the .rel's application list. */
struct relc_relfile_app {
	const char *name, *vsn;
	enum relc_start_type type; /* RELC_PERMANENT when the .rel gives none */
	int has_incl;		   /* {App, Vsn, [Type,] Incl} form */
	struct relc_names incl;
	unsigned line, col; /* where the entry is in the file */
};

/* {release, {Name, Vsn}, {erts, EVsn}, Apps} */
struct relc_relfile {
	const char *name, *vsn, *erts_vsn;
	struct relc_relfile_app *apps;
	size_t napps;
};

/*
 * Parse the text of a .rel file ({release,{Name,Vsn},{erts,EVsn},Apps}),
 * as systools checks it: the shape, the name and versions strings, each
 * entry {App, Vsn}, {App, Vsn, Type}, {App, Vsn, Incl} or
 * {App, Vsn, Type, Incl}, kernel and stdlib present and permanent.  Only
 * the first term is read.  Errors carry `path` (copied into the error)
 * and the line:col of the offending term.  Everything lives in `arena`.
 * Pure.
 */
int relc_relfile_parse(struct relc_relfile *out, const char *buf, size_t len,
		       const char *path, struct relc_arena *arena,
		       struct relc_error *err);

#endif
