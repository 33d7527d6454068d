/*
 * apps.h: in-memory applications for the resolution and graph tests.
 */
#ifndef RELC_TEST_APPS_H
#define RELC_TEST_APPS_H

#include "relc/appfile.h"
#include "relc/config.h"
#include "relc/resolve.h"

struct relc_arena;

/*
 * An application from the pieces of its .app file: lists are written in
 * Erlang syntax ("[kernel, stdlib]"), NULL for an absent key.
 */
const struct relc_app *test_app(struct relc_arena *arena, const char *name,
				const char *vsn, const char *uses,
				const char *incls, const char *opts,
				const char *mods, const char *regs);

/* A .rel of the given applications, all permanent unless types says so. */
struct relc_relspec test_rel(struct relc_arena *arena,
			     const struct relc_app *const *apps, size_t n,
			     const enum relc_start_type *types);

#endif
