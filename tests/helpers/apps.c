/*
 * apps.c: in-memory applications for the resolution and graph tests.
 */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "apps.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/strbuf.h"

const struct relc_app *
test_app(struct relc_arena *arena, const char *name, const char *vsn,
	 const char *uses, const char *incls, const char *opts,
	 const char *mods, const char *regs)
{
	struct relc_app *app = relc_arena_alloc(arena, sizeof(*app));
	struct relc_strbuf text = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	relc_strbuf_addf(&text,
			 "{application, %s, [{description, \"%s\"}, "
			 "{vsn, \"%s\"}, {modules, %s}, {registered, %s}, "
			 "{applications, %s}",
			 name, name, vsn ? vsn : "1", mods ? mods : "[]",
			 regs ? regs : "[]", uses ? uses : "[kernel, stdlib]");
	if (incls)
		relc_strbuf_addf(&text, ", {included_applications, %s}", incls);
	if (opts)
		relc_strbuf_addf(&text, ", {optional_applications, %s}", opts);
	relc_strbuf_addstr(&text, "]}.");
	relc_strbuf_addf(&path, "/lib/%s/ebin/%s.app", name, name);
	if (relc_appfile_parse(app, text.buf, text.len, path.buf, name, arena,
			       &err))
		fail_msg("bad test app %s: %s", text.buf, err.msg.buf);
	relc_strbuf_release(&text);
	relc_strbuf_release(&path);
	return app;
}

struct relc_relspec
test_rel(struct relc_arena *arena, const struct relc_app *const *apps, size_t n,
	 const enum relc_start_type *types)
{
	struct relc_relspec rel;
	size_t i;

	memset(&rel, 0, sizeof(rel));
	rel.name = "test";
	rel.vsn = "1";
	rel.erts_vsn = "13.1.5";
	rel.napps = n;
	rel.apps = relc_arena_array(arena, n, sizeof(*rel.apps));
	for (i = 0; i < n; i++) {
		rel.apps[i].app = apps[i];
		rel.apps[i].type =
		    types && types[i] ? types[i] : RELC_PERMANENT;
	}
	return rel;
}
