/*
 * graph.h: the checks and the application order of systools_make, on a
 * resolved .rel.  This is a faithful port of OTP's algorithm
 * (check_applications, add_top_apps_to_uses, sort_used_and_incl_appls,
 * check_modules, sort_appls), so that the boot script relc writes is the
 * one systools:make_script writes.  Every error systools raises is an
 * error here too, in one line.
 */
#ifndef RELC_GRAPH_H
#define RELC_GRAPH_H

#include <stddef.h>

#include "relc/appfile.h"
#include "relc/config.h"

struct relc_arena;
struct relc_error;
struct relc_relspec;

/* An application in boot order, with its dependency lists as rewritten. */
struct relc_bootapp {
	const struct relc_app *app;
	enum relc_start_type type;
	struct relc_names uses;	 /* applications, rewritten */
	struct relc_names incls; /* included_applications in effect */
};

/* Check the release and sort its applications.  Pure. */
int relc_graph_sort(struct relc_bootapp **out, size_t *n,
		    const struct relc_relspec *rel, struct relc_arena *arena,
		    struct relc_error *err);

#endif
