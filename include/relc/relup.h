/*
 * relup.h: the release upgrade file (releases/VSN/relup), as
 * systools:make_relup/4 writes it: the applications' appup instructions
 * translated into release_handler's low-level instructions (systools_relup
 * and systools_rc).
 */
#ifndef RELC_RELUP_H
#define RELC_RELUP_H

#include <stddef.h>

struct relc_arena;
struct relc_error;
struct relc_relspec;
struct relc_term;

/* The appup of one application of the new release. */
struct relc_relup_appup {
	const char *app;	       /* application name */
	const struct relc_term *appup; /* {Vsn, [{UpFrom, Instrs}],
					  [{DownTo, Instrs}]} */
	const char *path;	       /* its file, for messages */
};

struct relc_relup_in {
	const struct relc_relspec *to;	 /* the new release (.app data through
					    ra->app) */
	const struct relc_relspec *from; /* the old one */
	/* one for each app in both with a different vsn (others ignored) */
	const struct relc_relup_appup *appups;
	size_t nappups;
};

/*
 * The relup term {ToVsn, [{FromVsn, "", Up}], [{FromVsn, "", Down}]},
 * equal to what systools:make_relup(To, [From], [From], []) writes.  Both
 * releases are checked and sorted as systools_make does (relc_graph_sort)
 * and must hold sasl.  Errors name the appup file and the line:col of the
 * offending term when it has one.  Pure.
 */
int relc_relup_make(const struct relc_term **out,
		    const struct relc_relup_in *in, struct relc_arena *arena,
		    struct relc_error *err);

#endif
