/*
 * otp.c: locating the target OTP installation and reading what the boot
 * script needs from it.
 */
#include "relc/compat.h"
#include "relc/otp.h"

#include <unistd.h>

#include "relc/archive.h"
#include "relc/arena.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/strbuf.h"
#include "relc/term.h"

#define MAX_SCRIPT_SIZE ((size_t)16 << 20)

int
relc_find_program(struct relc_strbuf *out, const char *name,
		  const char *path_env, struct relc_error *err)
{
	struct relc_strbuf cand = RELC_STRBUF_INIT;
	const char *p = path_env ? path_env : "";
	int r = 1;

	while (r == 1) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		relc_strbuf_reset(&cand);
		if (len)
			relc_strbuf_add(&cand, p, len);
		else
			relc_strbuf_addch(&cand, '.');
		relc_path_append(&cand, name);
		if (relc_fs_is_file(cand.buf) && !access(cand.buf, X_OK))
			r = relc_fs_realpath(out, cand.buf, err);
		if (!end)
			break;
		p = end + 1;
	}
	relc_strbuf_release(&cand);
	return r;
}

static int
is_otp_root(const char *dir)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	int ok;

	relc_strbuf_addstr(&sb, dir);
	relc_path_append(&sb, "releases");
	ok = relc_fs_is_dir(sb.buf);
	relc_strbuf_release(&sb);
	return ok;
}

/*
 * The ROOTDIR=... assignment in an erl start script, when it is a literal
 * absolute path.
 */
static int
rootdir_from_script(struct relc_strbuf *root, const char *erl)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_error ignored = RELC_ERROR_INIT;
	const char *line;
	int found = 0;

	if (relc_fs_read_file(&text, erl, 1 << 20, 1, &ignored)) {
		relc_error_release(&ignored);
		relc_strbuf_release(&text);
		return 0;
	}
	if (memchr(text.buf, '\0', text.len)) { /* a binary, not a script */
		relc_strbuf_release(&text);
		return 0;
	}
	for (line = text.buf; line && *line && !found;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *s = line, *e;

		while (*s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, "ROOTDIR=", 8))
			continue;
		s += 8;
		if (*s == '"')
			s++;
		for (e = s; *e && *e != '"' && *e != '\n' && *e != ' ' &&
			    *e != '$' && *e != '`';
		     e++)
			;
		if (*s != '/' || *e == '$' || *e == '`')
			continue;
		relc_strbuf_reset(root);
		relc_strbuf_add(root, s, (size_t)(e - s));
		found = is_otp_root(root->buf);
	}
	relc_strbuf_release(&text);
	return found;
}

int
relc_otp_find_root(struct relc_strbuf *root, const char *erts_path,
		   const char *base, const char *path_env,
		   struct relc_error *err)
{
	struct relc_strbuf erl = RELC_STRBUF_INIT, sb = RELC_STRBUF_INIT;
	int r = -1, i;

	if (erts_path) {
		relc_path_resolve(&sb, base, erts_path);
		if (!relc_fs_is_dir(sb.buf)) {
			relc_error_set(err, RELC_EOTP,
				       "include_erts: '%s' is not a directory",
				       sb.buf);
			goto out;
		}
		if (!strncmp(relc_path_basename(sb.buf), "erts-", 5))
			relc_path_pop(&sb);
		if (!is_otp_root(sb.buf)) {
			relc_error_set(
			    err, RELC_EOTP,
			    "include_erts: '%s' is not an Erlang/OTP "
			    "installation (it has no releases/ "
			    "directory)",
			    sb.buf);
			goto out;
		}
		r = relc_fs_realpath(root, sb.buf, err);
		goto out;
	}
	r = relc_find_program(&erl, "erl", path_env, err);
	if (r < 0)
		goto out;
	if (r == 1) {
		r = relc_error_set(err, RELC_EOTP,
				   "cannot find Erlang: there is no 'erl' on "
				   "PATH (install Erlang/OTP, or set "
				   "include_erts to the path of an OTP "
				   "installation)");
		goto out;
	}
	if (rootdir_from_script(root, erl.buf)) {
		r = 0;
		goto out;
	}
	/* ROOT/bin/erl or ROOT/erts-VSN/bin/erl */
	relc_strbuf_reset(&sb);
	relc_strbuf_addstr(&sb, erl.buf);
	for (i = 0; i < 3; i++) {
		relc_path_pop(&sb);
		if (i >= 1 && is_otp_root(sb.buf)) {
			relc_strbuf_reset(root);
			relc_strbuf_addstr(root, sb.buf);
			r = 0;
			goto out;
		}
	}
	r = relc_error_set(err, RELC_EOTP,
			   "cannot find the OTP installation of '%s' (set "
			   "include_erts to its path)",
			   erl.buf);
out:
	relc_strbuf_release(&erl);
	relc_strbuf_release(&sb);
	return r;
}

static int
read_terms(const struct relc_term **out, const char *path,
	   struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	const struct relc_term **terms;
	size_t n;
	int r = -1;

	if (relc_fs_read_file(&text, path, MAX_SCRIPT_SIZE, 0, err))
		goto out;
	if (relc_term_parse(&terms, &n, text.buf, text.len, 1, arena, err)) {
		relc_error_set_path(err, path);
		goto out;
	}
	if (!n) {
		relc_error_at(err, RELC_EOTP, path, 0, 0, "the file is empty");
		goto out;
	}
	*out = terms[0];
	r = 0;
out:
	relc_strbuf_release(&text);
	return r;
}

static int
bad_script(const char *path, struct relc_error *err, const char *what)
{
	return relc_error_at(err, RELC_EOTP, path, 0, 0,
			     "not a usable boot script: %s", what);
}

int
relc_otp_parse_script(struct relc_otp *out, const struct relc_term *script,
		      const char *path, struct relc_arena *arena,
		      struct relc_error *err)
{
	const struct relc_term *instrs;
	size_t i, nkp = 0;

	if (script->type != RELC_T_TUPLE || script->u.tuple.n != 3 ||
	    !relc_term_is_atom(script->u.tuple.v[0], "script") ||
	    script->u.tuple.v[2]->type != RELC_T_LIST)
		return bad_script(path, err, "expected {script, Name, [...]}");
	instrs = script->u.tuple.v[2];
	out->preloaded = out->mandatory = NULL;
	out->kernel_procs = relc_arena_array(arena, instrs->u.list.n,
					     sizeof(*out->kernel_procs));
	for (i = 0; i < instrs->u.list.n; i++) {
		const struct relc_term *in = instrs->u.list.v[i];

		if (in->type != RELC_T_TUPLE || in->u.tuple.n < 1)
			continue;
		if (in->u.tuple.n == 2 &&
		    relc_term_is_atom(in->u.tuple.v[0], "preLoaded") &&
		    !out->preloaded)
			out->preloaded = in->u.tuple.v[1];
		else if (in->u.tuple.n == 2 &&
			 relc_term_is_atom(in->u.tuple.v[0], "primLoad") &&
			 !out->mandatory)
			out->mandatory = in->u.tuple.v[1];
		else if (in->u.tuple.n == 3 &&
			 relc_term_is_atom(in->u.tuple.v[0], "kernelProcess"))
			out->kernel_procs[nkp++] = in;
	}
	out->nkernel_procs = nkp;
	if (!out->preloaded || !relc_term_is_atom_list(out->preloaded))
		return bad_script(path, err, "no {preLoaded, [...]} list");
	if (!out->mandatory || !relc_term_is_atom_list(out->mandatory))
		return bad_script(path, err, "no {primLoad, [...]} list");
	if (!nkp)
		return bad_script(path, err, "no kernelProcess entries");
	return 0;
}

/* The releases/<R> directory to use: the highest numbered one. */
static int
pick_release_dir(struct relc_strbuf *dir, const char *root,
		 struct relc_error *err)
{
	char **names;
	size_t n, i;
	const char *best = NULL;
	struct relc_strbuf probe = RELC_STRBUF_INIT;
	int r;

	relc_strbuf_reset(dir);
	relc_strbuf_addstr(dir, root);
	relc_path_append(dir, "releases");
	if (relc_fs_list_dir(&names, &n, dir->buf, 0, err))
		return -1;
	for (i = 0; i < n; i++) {
		if (!relc_isdigit((unsigned char)names[i][0]))
			continue;
		relc_strbuf_reset(&probe);
		relc_strbuf_addf(&probe, "%s/%s/start_clean.script", dir->buf,
				 names[i]);
		if (!relc_fs_is_file(probe.buf))
			continue;
		if (!best ||
		    strtoul(names[i], NULL, 10) > strtoul(best, NULL, 10))
			best = names[i];
	}
	if (best) {
		relc_path_append(dir, best);
		r = 0;
	} else {
		r = relc_error_set(err, RELC_EOTP,
				   "'%s' has no releases/<OTP>/"
				   "start_clean.script: is it an Erlang/OTP "
				   "installation?",
				   root);
	}
	relc_strbuf_release(&probe);
	relc_fs_free_names(names, n);
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The lines of installed_application_versions ("name-vsn"), sorted. */
static void
own_apps(struct relc_otp *out, const char *text, struct relc_arena *arena)
{
	const char *p, *eol;
	size_t n = 0;

	for (p = text; *p; p++)
		n += *p == '\n';
	out->own = relc_arena_array(arena, n + 1, sizeof(*out->own));
	for (p = text; *p; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (eol > p)
			out->own[out->nown++] =
			    relc_arena_memdupz(arena, p, (size_t)(eol - p));
	}
	qsort(out->own, out->nown, sizeof(*out->own), cmp_str);
}

int
relc_otp_is_own(const struct relc_otp *otp, const char *name, const char *vsn)
{
	struct relc_strbuf key = RELC_STRBUF_INIT;
	const char *k;
	int r;

	if (!otp->own)
		return 1;
	relc_strbuf_addf(&key, "%s-%s", name, vsn);
	k = key.buf;
	r = bsearch(&k, otp->own, otp->nown, sizeof(*otp->own), cmp_str) !=
	    NULL;
	relc_strbuf_release(&key);
	return r;
}

int
relc_otp_load(struct relc_otp *out, const char *root, struct relc_arena *arena,
	      struct relc_error *err)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT, path = RELC_STRBUF_INIT,
			   text = RELC_STRBUF_INIT;
	const struct relc_term *rel, *script;
	int r = -1;

	memset(out, 0, sizeof(*out));
	out->root = relc_arena_strdup(arena, root);
	if (pick_release_dir(&dir, root, err))
		goto out;

	relc_strbuf_addf(&path, "%s/OTP_VERSION", dir.buf);
	if (relc_fs_read_file(&text, path.buf, 4096, 0, err))
		goto out;
	relc_strbuf_rtrim(&text);
	out->version = relc_arena_strdup(arena, text.buf);
	out->major = (unsigned)strtoul(text.buf, NULL, 10);
	if (!out->major) {
		relc_error_at(err, RELC_EOTP, path.buf, 1, 1,
			      "cannot read the OTP version from '%s'",
			      text.buf);
		goto out;
	}

	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/start_clean.rel", dir.buf);
	if (read_terms(&rel, path.buf, arena, err))
		goto out;
	if (rel->type != RELC_T_TUPLE || rel->u.tuple.n != 4 ||
	    rel->u.tuple.v[2]->type != RELC_T_TUPLE ||
	    rel->u.tuple.v[2]->u.tuple.n != 2 ||
	    !relc_term_is_atom(rel->u.tuple.v[2]->u.tuple.v[0], "erts") ||
	    !relc_term_is_string(rel->u.tuple.v[2]->u.tuple.v[1])) {
		relc_error_at(err, RELC_EOTP, path.buf, 0, 0,
			      "not a release file with an {erts, Vsn}");
		goto out;
	}
	relc_strbuf_reset(&text);
	relc_term_string_to_utf8(&text, rel->u.tuple.v[2]->u.tuple.v[1]);
	out->erts_vsn = relc_arena_strdup(arena, text.buf);

	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/start_clean.script", dir.buf);
	if (read_terms(&script, path.buf, arena, err) ||
	    relc_otp_parse_script(out, script, path.buf, arena, err))
		goto out;

	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/installed_application_versions", dir.buf);
	relc_strbuf_reset(&text);
	switch (relc_fs_read_file(&text, path.buf, (size_t)1 << 20, 1, err)) {
	case 0:
		own_apps(out, text.buf, arena);
		break;
	case 1:
		break; /* not said: every application in lib/ is OTP's */
	default:
		goto out;
	}
	r = 0;
out:
	relc_strbuf_release(&dir);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	return r;
}

/* The OTP root in dir or a directory below it (up to two levels). */
static int
find_root_below(struct relc_strbuf *out, const char *dir, unsigned depth)
{
	struct relc_error ignored = RELC_ERROR_INIT;
	struct relc_strbuf p = RELC_STRBUF_INIT;
	char **names;
	size_t n, i;
	int found = 0;

	if (is_otp_root(dir)) {
		relc_strbuf_reset(out);
		relc_strbuf_addstr(out, dir);
		return 1;
	}
	if (depth >= 2 || relc_fs_list_dir(&names, &n, dir, 1, &ignored)) {
		relc_error_release(&ignored);
		return 0;
	}
	for (i = 0; i < n && !found; i++) {
		relc_strbuf_reset(&p);
		relc_strbuf_addstr(&p, dir);
		relc_path_append(&p, names[i]);
		if (relc_fs_is_dir(p.buf))
			found = find_root_below(out, p.buf, depth + 1);
	}
	relc_fs_free_names(names, n);
	relc_strbuf_release(&p);
	return found;
}

/*
 * libarchive's "PATH: problem" (an unknown format, a damaged archive, a
 * full disk) as one about the setting: "include_erts: cannot extract
 * 'PATH': problem".
 */
static void
extract_error(const char *erts_path, const char *path, struct relc_error *err)
{
	struct relc_strbuf why = RELC_STRBUF_INIT;
	size_t n = strlen(path);

	if (err->kind != RELC_EIO || err->path ||
	    strncmp(err->msg.buf, path, n) ||
	    strncmp(err->msg.buf + n, ": ", 2))
		return;
	relc_strbuf_addstr(&why, err->msg.buf + n + 2);
	relc_error_release(err);
	relc_error_set(err, RELC_EOTP, "include_erts: cannot extract '%s': %s",
		       erts_path, why.buf);
	relc_strbuf_release(&why);
}

int
relc_otp_locate(struct relc_strbuf *root, const char *erts_path,
		const char *base, const char *path_env,
		int (*scratch)(void *ctx, const char **dir,
			       struct relc_error *err),
		void *ctx, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT;
	const char *dir;
	int r = -1;

	if (erts_path) {
		relc_path_resolve(&path, base, erts_path);
		if (relc_fs_is_file(path.buf)) {
			if (scratch(ctx, &dir, err))
				goto out;
			if (relc_archive_extract(path.buf, dir, err)) {
				extract_error(erts_path, path.buf, err);
				goto out;
			}
			if (!find_root_below(&path, dir, 0)) {
				relc_error_set(err, RELC_EOTP,
					       "include_erts: '%s' holds no "
					       "Erlang/OTP installation (no "
					       "releases/ directory)",
					       erts_path);
				goto out;
			}
			erts_path = path.buf;
		}
	}
	r = relc_otp_find_root(root, erts_path, base, path_env, err);
out:
	relc_strbuf_release(&path);
	return r;
}
