/*
 * relup_driver.c: the relup oracle's relc side.  Reads an old and a new
 * release, each a directory holding releases/VSN/NAME.rel and
 * lib/APP-VSN/ebin/APP.app (and, in the new one, APP.appup), and prints
 * the relup term relc_relup_make gives, as systools writes it.
 *
 * usage: relup_driver OLD_DIR NEW_DIR
 * Exit 0 with the relup on stdout, or 1 with one error line on stderr.
 */
#include "relc/compat.h"

#include <stdio.h>
#include <string.h>

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/relfile.h"
#include "relc/relup.h"
#include "relc/resolve.h"
#include "relc/script.h"
#include "relc/strbuf.h"
#include "relc/term.h"

#define MAX_FILE (16u << 20)

/* The one releases/VSN/NAME.rel of a release directory. */
static int
find_rel(struct relc_strbuf *out, const char *dir, struct relc_error *err)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	char **vsns = NULL, **files = NULL;
	size_t nv = 0, nf = 0, i, j;
	int r = -1;

	relc_strbuf_addf(&sb, "%s/releases", dir);
	if (relc_fs_list_dir(&vsns, &nv, sb.buf, 0, err))
		goto out;
	for (i = 0; i < nv && r; i++) {
		relc_strbuf_reset(&sb);
		relc_strbuf_addf(&sb, "%s/releases/%s", dir, vsns[i]);
		if (!relc_fs_is_dir(sb.buf))
			continue;
		if (relc_fs_list_dir(&files, &nf, sb.buf, 0, err))
			goto out;
		for (j = 0; j < nf && r; j++)
			if (strlen(files[j]) > 4 &&
			    !strcmp(files[j] + strlen(files[j]) - 4, ".rel")) {
				relc_strbuf_reset(out);
				relc_strbuf_addf(out, "%s/%s", sb.buf,
						 files[j]);
				r = 0;
			}
		relc_fs_free_names(files, nf);
	}
	if (r)
		relc_error_set(err, RELC_EIO,
			       "no releases/VSN/NAME.rel in '%s'", dir);
out:
	relc_fs_free_names(vsns, nv);
	relc_strbuf_release(&sb);
	return r;
}

static int
read_release(struct relc_relspec *out, const char *dir,
	     struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, buf = RELC_STRBUF_INIT;
	struct relc_relfile rf;
	size_t i;
	int r = -1;

	if (find_rel(&path, dir, err) ||
	    relc_fs_read_file(&buf, path.buf, MAX_FILE, 0, err) ||
	    relc_relfile_parse(&rf, buf.buf, buf.len, path.buf, arena, err))
		goto out;
	memset(out, 0, sizeof(*out));
	out->name = rf.name;
	out->vsn = rf.vsn;
	out->erts_vsn = rf.erts_vsn;
	out->napps = rf.napps;
	out->apps = relc_arena_array(arena, rf.napps ? rf.napps : 1,
				     sizeof(*out->apps));
	for (i = 0; i < rf.napps; i++) {
		struct relc_app *app = relc_arena_alloc(arena, sizeof(*app));

		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/lib/%s-%s/ebin/%s.app", dir,
				 rf.apps[i].name, rf.apps[i].vsn,
				 rf.apps[i].name);
		if (relc_fs_read_file(&buf, path.buf, MAX_FILE, 0, err) ||
		    relc_appfile_parse(app, buf.buf, buf.len, path.buf,
				       rf.apps[i].name, arena, err))
			goto out;
		out->apps[i].app = app;
		out->apps[i].type = rf.apps[i].type;
		out->apps[i].has_incl = rf.apps[i].has_incl;
		out->apps[i].incl = rf.apps[i].incl;
	}
	r = 0;
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&buf);
	return r;
}

/* The appups of the new release's applications that changed version. */
static int
read_appups(struct relc_relup_appup **out, size_t *n,
	    const struct relc_relspec *to, const struct relc_relspec *from,
	    const char *dir, struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, buf = RELC_STRBUF_INIT;
	const struct relc_term **terms;
	size_t i, j, nt;
	int r = -1, rr;

	*n = 0;
	*out =
	    relc_arena_array(arena, to->napps ? to->napps : 1, sizeof(**out));
	for (i = 0; i < to->napps; i++) {
		const struct relc_app *a = to->apps[i].app;

		for (j = 0; j < from->napps; j++)
			if (!strcmp(from->apps[j].app->name, a->name))
				break;
		if (j == from->napps || !strcmp(from->apps[j].app->vsn, a->vsn))
			continue;
		relc_strbuf_reset(&path);
		relc_strbuf_addf(&path, "%s/lib/%s-%s/ebin/%s.appup", dir,
				 a->name, a->vsn, a->name);
		rr = relc_fs_read_file(&buf, path.buf, MAX_FILE, 1, err);
		if (rr < 0)
			goto out;
		if (rr > 0)
			continue;
		if (relc_term_parse(&terms, &nt, buf.buf, buf.len, 1, arena,
				    err)) {
			relc_error_set_path(err, path.buf);
			goto out;
		}
		if (!nt) {
			relc_error_at(err, RELC_ETERM, path.buf, 0, 0,
				      "no term in the appup");
			goto out;
		}
		(*out)[*n].app = a->name;
		(*out)[*n].appup = terms[0];
		(*out)[*n].path = relc_arena_strdup(arena, path.buf);
		(*n)++;
	}
	r = 0;
out:
	relc_strbuf_release(&path);
	relc_strbuf_release(&buf);
	return r;
}

int
main(int argc, char **argv)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_relspec from, to;
	struct relc_relup_appup *appups;
	struct relc_relup_in in;
	const struct relc_term *relup;
	size_t nappups;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: relup_driver OLD_DIR NEW_DIR\n");
		return 2;
	}
	if (read_release(&from, argv[1], &arena, &err) ||
	    read_release(&to, argv[2], &arena, &err) ||
	    read_appups(&appups, &nappups, &to, &from, argv[2], &arena, &err))
		goto out;
	memset(&in, 0, sizeof(in));
	in.to = &to;
	in.from = &from;
	in.appups = appups;
	in.nappups = nappups;
	if (relc_relup_make(&relup, &in, &arena, &err))
		goto out;
	relc_script_format(&sb, relup);
	fwrite(sb.buf, 1, sb.len, stdout);
	rc = fflush(stdout) || ferror(stdout) ? 1 : 0;
out:
	if (relc_error_isset(&err)) {
		relc_strbuf_reset(&sb);
		relc_error_format(&sb, &err);
		fprintf(stderr, "%s\n", sb.buf);
	}
	relc_strbuf_release(&sb);
	relc_error_release(&err);
	relc_arena_release(&arena);
	return rc;
}
