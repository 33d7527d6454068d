/*
 * relfile.c: reading a .rel file with systools_make's rules (check_rel1,
 * check_appl, mandatory_applications, split_app_incl).
 */
#include "relc/compat.h"
#include "relc/relfile.h"

#include <string.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"

/* An error at term t of the file (err and path in scope). */
#define FAIL_AT(t, ...)                                                        \
	relc_error_at(err, RELC_ETERM, path, (t)->line, (t)->col, __VA_ARGS__)

static const char *
utf8(const struct relc_term *t, struct relc_arena *arena)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	char *s;

	relc_term_string_to_utf8(&sb, t);
	s = relc_arena_memdupz(arena, sb.buf, sb.len);
	relc_strbuf_release(&sb);
	return s;
}

static int
is_tuple(const struct relc_term *t, size_t n)
{
	return t->type == RELC_T_TUPLE && t->u.tuple.n == n;
}

static int
start_type(enum relc_start_type *out, const struct relc_term *t)
{
	static const struct {
		const char *name;
		enum relc_start_type type;
	} types[] = {{"permanent", RELC_PERMANENT},
		     {"transient", RELC_TRANSIENT},
		     {"temporary", RELC_TEMPORARY},
		     {"load", RELC_LOAD},
		     {"none", RELC_NONE}};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (relc_term_is_atom(t, types[i].name)) {
			*out = types[i].type;
			return 0;
		}
	return -1;
}

/* One entry, in any of the four forms check_appl/1 accepts. */
static int
parse_app(struct relc_relfile_app *app, const struct relc_term *t,
	  const char *path, struct relc_arena *arena, struct relc_error *err)
{
	const struct relc_term *incl = NULL, *type = NULL;
	size_t n = t->type == RELC_T_TUPLE ? t->u.tuple.n : 0;

	memset(app, 0, sizeof(*app));
	app->line = t->line;
	app->col = t->col;
	if (n < 2 || n > 4 || t->u.tuple.v[0]->type != RELC_T_ATOM)
		return FAIL_AT(t, "bad application entry (want {App, Vsn}, "
				  "{App, Vsn, Type}, {App, Vsn, Incl} or "
				  "{App, Vsn, Type, Incl})");
	app->name = t->u.tuple.v[0]->u.atom.name;
	if (!relc_term_is_string(t->u.tuple.v[1]))
		return FAIL_AT(t->u.tuple.v[1],
			       "the version of '%s' is not a string",
			       app->name);
	app->vsn = utf8(t->u.tuple.v[1], arena);
	if (n == 3) {
		if (relc_term_is_list(t->u.tuple.v[2]))
			incl = t->u.tuple.v[2];
		else if (t->u.tuple.v[2]->type == RELC_T_ATOM)
			type = t->u.tuple.v[2];
		else
			return FAIL_AT(t->u.tuple.v[2],
				       "bad start type or included "
				       "applications for '%s'",
				       app->name);
	} else if (n == 4) {
		type = t->u.tuple.v[2];
		incl = t->u.tuple.v[3];
		if (type->type != RELC_T_ATOM)
			return FAIL_AT(type, "bad start type for '%s'",
				       app->name);
		if (!relc_term_is_list(incl))
			return FAIL_AT(incl,
				       "the included applications of '%s' are "
				       "not a list",
				       app->name);
	}
	app->type = RELC_PERMANENT;
	if (type && start_type(&app->type, type))
		return FAIL_AT(type,
			       "bad start type for '%s' (want permanent, "
			       "transient, temporary, load or none)",
			       app->name);
	if (incl) {
		if (!relc_term_is_atom_list(incl))
			return FAIL_AT(incl,
				       "the included applications of '%s' are "
				       "not a list of atoms",
				       app->name);
		app->has_incl = 1;
		relc_names_from_term(&app->incl, incl, arena);
	}
	return 0;
}

/* kernel and stdlib must be there and permanent (the first entry counts). */
static int
check_mandatory(const struct relc_relfile *rel, const struct relc_term *list,
		const char *path, struct relc_error *err)
{
	static const char *const mandatory[] = {"kernel", "stdlib"};
	size_t m, i;

	for (m = 0; m < 2; m++) {
		for (i = 0; i < rel->napps; i++)
			if (!strcmp(rel->apps[i].name, mandatory[m]))
				break;
		if (i == rel->napps)
			return FAIL_AT(list,
				       "the release has no '%s' application",
				       mandatory[m]);
		if (rel->apps[i].type != RELC_PERMANENT)
			return relc_error_at(
			    err, RELC_ETERM, path, rel->apps[i].line,
			    rel->apps[i].col,
			    "'%s' must be permanent in a release, not '%s'",
			    mandatory[m],
			    relc_start_type_name(rel->apps[i].type));
	}
	return 0;
}

int
relc_relfile_parse(struct relc_relfile *out, const char *buf, size_t len,
		   const char *path, struct relc_arena *arena,
		   struct relc_error *err)
{
	const struct relc_term **terms, *t, *nv, *erts, *apps;
	size_t n, i;

	memset(out, 0, sizeof(*out));
	if (relc_term_parse(&terms, &n, buf, len, 1, arena, err)) {
		relc_error_set_path(err, path);
		return -1;
	}
	if (n == 0)
		return relc_error_at(err, RELC_ETERM, path, 0, 0,
				     "no release term in the file");
	t = terms[0];
	if (!is_tuple(t, 4) || !relc_term_is_atom(t->u.tuple.v[0], "release"))
		return FAIL_AT(t, "not a release: want {release, {Name, Vsn}, "
				  "{erts, ErtsVsn}, Applications}");
	nv = t->u.tuple.v[1];
	erts = t->u.tuple.v[2];
	apps = t->u.tuple.v[3];
	if (!is_tuple(nv, 2))
		return FAIL_AT(nv, "bad release name and "
				   "version: want {Name, Vsn}");
	if (!is_tuple(erts, 2) ||
	    !relc_term_is_atom(erts->u.tuple.v[0], "erts"))
		return FAIL_AT(erts, "bad erts version: want {erts, Vsn}");
	if (!relc_term_is_list(apps))
		return FAIL_AT(apps, "the applications are not a list");
	if (!relc_term_is_string(nv->u.tuple.v[0]))
		return FAIL_AT(nv->u.tuple.v[0],
			       "the release name is not a string");
	if (!relc_term_is_string(nv->u.tuple.v[1]))
		return FAIL_AT(nv->u.tuple.v[1],
			       "the release version is not a string");
	if (!relc_term_is_string(erts->u.tuple.v[1]))
		return FAIL_AT(erts->u.tuple.v[1],
			       "the erts version is not a string");
	out->name = utf8(nv->u.tuple.v[0], arena);
	out->vsn = utf8(nv->u.tuple.v[1], arena);
	out->erts_vsn = utf8(erts->u.tuple.v[1], arena);
	if (apps->type == RELC_T_STRING)
		return FAIL_AT(apps,
			       "bad application entry (want {App, Vsn, ...})");
	n = relc_term_list_len(apps);
	out->apps = relc_arena_array(arena, n ? n : 1, sizeof(*out->apps));
	for (i = 0; i < n; i++)
		if (parse_app(&out->apps[i], apps->u.list.v[i], path, arena,
			      err))
			return -1;
	out->napps = n;
	return check_mandatory(out, apps, path, err);
}
