/*
 * exconfig.c: a mix project's config/config.exs, evaluated by its Elixir
 * at build time and cached (see exconfig.h).
 */
#include "relc/compat.h"
#include "relc/exconfig.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relc/arena.h"
#include "relc/atomicfile.h"
#include "relc/error.h"
#include "relc/etf.h"
#include "relc/fsutil.h"
#include "relc/otp.h"
#include "relc/path.h"
#include "relc/sha256.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"
#include "relc/term.h"

extern char **environ;

#define MAX_CONFIG_FILE ((size_t)16 << 20)
#define MAX_RESULT ((size_t)256 << 20)
#define MAX_STDERR ((size_t)64 << 10)

/*
 * argv: config.exs, the environment, the result file.  Mix is started and
 * given the environment, for configs that still call Mix.env().  The
 * check is mix release's valid_config?/1 (lists may be improper).
 */
const char relc_exconfig_program[] =
    "[path, env, out] = System.argv()\n"
    "env = String.to_atom(env)\n"
    "_ = Application.ensure_all_started(:mix)\n"
    "if function_exported?(Mix, :env, 1), do: Mix.env(env)\n"
    "{config, files} = Config.Reader.read_imports!(path, env: env, "
    "target: :host)\n"
    "ok = fn\n"
    "  _, t when is_number(t) or is_atom(t) or is_binary(t) -> true\n"
    "  _, [] -> true\n"
    "  ok, [h | t] -> ok.(ok, h) and ok.(ok, t)\n"
    "  ok, t when is_tuple(t) -> Enum.all?(Tuple.to_list(t), &ok.(ok, &1))\n"
    "  ok, t when is_map(t) -> Enum.all?(Map.to_list(t), &ok.(ok, &1))\n"
    "  _, _ -> false\n"
    "end\n"
    "bad = for {app, kv} <- config, {k, v} <- kv, not ok.(ok, v), "
    "do: {app, k, inspect(v)}\n"
    "result = if bad == [], do: {:ok, config, Enum.uniq([Path.expand(path) | "
    "files])}, "
    "else: {:bad, bad}\n"
    "File.write!(out, :erlang.term_to_binary(result))\n";

/* ---- pure parts ---------------------------------------------------------- */

static const char *
bits_str(const struct relc_term *t, struct relc_arena *arena)
{
	char *s;

	if (t->type != RELC_T_BITS || t->u.bits.nbits % 8)
		return NULL;
	s = relc_arena_memdupz(arena, t->u.bits.data, t->u.bits.nbits / 8);
	if (strlen(s) != t->u.bits.nbits / 8)
		return NULL; /* a NUL in a path */
	return s;
}

static int
bad_values(const struct relc_term *list, const char *what,
	   struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	size_t i, n = relc_term_list_len(list);

	relc_strbuf_addf(&msg,
			 "%s: sys.config cannot hold functions, pids, "
			 "references or ports (compute such values at run "
			 "time: config/runtime.exs, or the application):",
			 what);
	for (i = 0; i < n; i++) {
		const struct relc_term *e = relc_term_list_nth(arena, list, i);
		const char *shown;

		if (e->type != RELC_T_TUPLE || e->u.tuple.n != 3)
			continue;
		relc_strbuf_addstr(&msg,
				   i ? "; application " : " application ");
		relc_term_print_flat(&msg, e->u.tuple.v[0]);
		relc_strbuf_addstr(&msg, ", key ");
		relc_term_print_flat(&msg, e->u.tuple.v[1]);
		shown = bits_str(e->u.tuple.v[2], arena);
		if (shown)
			relc_strbuf_addf(&msg, ": %s", shown);
	}
	relc_error_set(err, RELC_ECONFIG, "%s", msg.buf);
	relc_strbuf_release(&msg);
	return -1;
}

/* [{App, KeywordList}]? */
static int
config_shape(const struct relc_term *t)
{
	size_t i, n;

	if (t->type == RELC_T_NIL)
		return 1;
	if (t->type != RELC_T_LIST || t->u.list.tail->type != RELC_T_NIL)
		return 0;
	n = t->u.list.n;
	for (i = 0; i < n; i++) {
		const struct relc_term *e = t->u.list.v[i];

		if (e->type != RELC_T_TUPLE || e->u.tuple.n != 2 ||
		    e->u.tuple.v[0]->type != RELC_T_ATOM ||
		    !relc_term_is_list(e->u.tuple.v[1]))
			return 0;
	}
	return 1;
}

int
relc_exconfig_decode(struct relc_exconfig *out, const void *etf, size_t len,
		     const char *what, struct relc_arena *arena,
		     struct relc_error *err)
{
	const struct relc_term *t, *files;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (relc_etf_decode(&t, etf, len, arena, err)) {
		relc_error_set(err, RELC_EINTERNAL,
			       "%s: cannot read the result", what);
		return -1;
	}
	if (t->type == RELC_T_TUPLE && t->u.tuple.n == 2 &&
	    relc_term_is_atom(t->u.tuple.v[0], "bad") &&
	    relc_term_is_list(t->u.tuple.v[1]))
		return bad_values(t->u.tuple.v[1], what, arena, err);
	if (t->type != RELC_T_TUPLE || t->u.tuple.n != 3 ||
	    !relc_term_is_atom(t->u.tuple.v[0], "ok") ||
	    !config_shape(t->u.tuple.v[1]) ||
	    !relc_term_is_list(t->u.tuple.v[2]) ||
	    t->u.tuple.v[2]->type == RELC_T_STRING)
		return relc_error_set(err, RELC_EINTERNAL,
				      "%s: the result is not {ok, Config, "
				      "Files}",
				      what);
	files = t->u.tuple.v[2];
	n = relc_term_list_len(files);
	out->files = relc_arena_array(arena, n ? n : 1, sizeof(*out->files));
	for (i = 0; i < n; i++) {
		const char *f = bits_str(files->u.list.v[i], arena);

		if (!f)
			return relc_error_set(err, RELC_EINTERNAL,
					      "%s: a file name of the result "
					      "is not a binary",
					      what);
		out->files[i] = f;
	}
	out->nfiles = n;
	out->config = t->u.tuple.v[1];
	return 0;
}

void
relc_exconfig_key(char out[65], const char *env, const char *elixir_id,
		  const char *const *files, size_t nfiles)
{
	struct relc_sha256 ctx;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_error ignored = RELC_ERROR_INIT;
	char hex[65];
	size_t i;

	relc_sha256_init(&ctx);
	relc_sha256_update(&ctx, "relc-exconfig 1", 16);
	relc_sha256_update(&ctx, env, strlen(env) + 1);
	relc_sha256_update(&ctx, elixir_id, strlen(elixir_id) + 1);
	for (i = 0; i < nfiles; i++) {
		relc_strbuf_reset(&text);
		relc_sha256_update(&ctx, files[i], strlen(files[i]) + 1);
		if (relc_fs_read_file(&text, files[i], MAX_CONFIG_FILE, 1,
				      &ignored)) {
			relc_error_release(&ignored);
			relc_sha256_update(&ctx, "-", 2);
			continue;
		}
		relc_sha256_hex(hex, text.buf, text.len);
		relc_sha256_update(&ctx, hex, 65);
	}
	relc_sha256_final_hex(&ctx, out);
	relc_strbuf_release(&text);
}

static const struct relc_term *
app_entry(const struct relc_term *list, const struct relc_term *app)
{
	size_t i, n = relc_term_list_len(list);

	for (i = 0; i < n; i++)
		if (relc_term_equal(list->u.list.v[i]->u.tuple.v[0], app))
			return list->u.list.v[i];
	return NULL;
}

/* The keyword list `base` with `over`'s keys replacing its own. */
static const struct relc_term *
merge_kv(const struct relc_term *base, const struct relc_term *over,
	 struct relc_arena *arena)
{
	size_t nb = relc_term_list_len(base), no = relc_term_list_len(over);
	const struct relc_term **v;
	size_t i, k, n = 0;

	v = relc_arena_array(arena, nb + no + 1, sizeof(*v));
	for (i = 0; i < nb; i++) {
		const struct relc_term *e = relc_term_list_nth(arena, base, i);
		int replaced = 0;

		for (k = 0; k < no && !replaced; k++) {
			const struct relc_term *o =
			    relc_term_list_nth(arena, over, k);

			replaced =
			    e->type == RELC_T_TUPLE &&
			    o->type == RELC_T_TUPLE && e->u.tuple.n &&
			    o->u.tuple.n &&
			    relc_term_equal(e->u.tuple.v[0], o->u.tuple.v[0]);
		}
		if (!replaced)
			v[n++] = e;
	}
	for (k = 0; k < no; k++)
		v[n++] = relc_term_list_nth(arena, over, k);
	return relc_term_list(arena, n, v);
}

int
relc_exconfig_merge(const struct relc_term **out, const struct relc_term *base,
		    const struct relc_term *over, const char *what,
		    struct relc_arena *arena, struct relc_error *err)
{
	size_t nb, no, i, n = 0;
	const struct relc_term **v;

	if (!config_shape(base) || !config_shape(over))
		return relc_error_set(err, RELC_ECONFIG,
				      "%s: to be merged with config/config.exs "
				      "it must be a list of {Application, "
				      "[{Key, Value}]}",
				      what);
	nb = relc_term_list_len(base);
	no = relc_term_list_len(over);
	v = relc_arena_array(arena, nb + no + 1, sizeof(*v));
	for (i = 0; i < nb; i++) {
		const struct relc_term *b = base->u.list.v[i];
		const struct relc_term *o = app_entry(over, b->u.tuple.v[0]);

		v[n++] = o ? relc_term_tuplev(arena, 2, b->u.tuple.v[0],
					      merge_kv(b->u.tuple.v[1],
						       o->u.tuple.v[1], arena))
			   : b;
	}
	for (i = 0; i < no; i++)
		if (!app_entry(base, over->u.list.v[i]->u.tuple.v[0]))
			v[n++] = over->u.list.v[i];
	*out = relc_term_list(arena, n, v);
	return 0;
}

/* ---- running elixir ------------------------------------------------------ */

/* The elixir executable and what identifies it (path, size, mtime). */
static int
find_elixir(struct relc_strbuf *exe, struct relc_strbuf *id,
	    const struct relc_exconfig_in *in, struct relc_error *err)
{
	int r;

	if (in->elixir_root) {
		relc_path_resolve(exe, in->project, in->elixir_root);
		relc_path_append(exe, "bin/elixir");
		if (access(exe->buf, X_OK))
			return relc_error_set(err, RELC_ECONFIG,
					      "config/config.exs needs Elixir "
					      "to be read, and '%s' is not an "
					      "executable (elixir_root: '%s')",
					      exe->buf, in->elixir_root);
	} else {
		r = relc_find_program(exe, "elixir", in->path_env, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return relc_error_set(
			    err, RELC_ECONFIG,
			    "config/config.exs needs Elixir "
			    "to be read, and there is no "
			    "elixir on PATH (set elixir_root: "
			    "in the config)");
	}
	relc_stamp_input(id, exe->buf); /* the path and its identity */
	return 0;
}

/* The environment of the child: ours, with MIX_ENV and PATH set. */
static char **
child_env(struct relc_arena *arena, const char *env, const char *path_env)
{
	size_t n = 0, i, k = 0;
	char **v;
	struct relc_strbuf sb = RELC_STRBUF_INIT;

	while (environ && environ[n])
		n++;
	v = relc_arena_array(arena, n + 3, sizeof(*v));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "MIX_ENV=", 8) &&
		    (!path_env || strncmp(environ[i], "PATH=", 5)))
			v[k++] = environ[i];
	relc_strbuf_addf(&sb, "MIX_ENV=%s", env);
	v[k++] = relc_arena_strdup(arena, sb.buf);
	if (path_env) {
		relc_strbuf_reset(&sb);
		relc_strbuf_addf(&sb, "PATH=%s", path_env);
		v[k++] = relc_arena_strdup(arena, sb.buf);
	}
	v[k] = NULL;
	relc_strbuf_release(&sb);
	return v;
}

/* Run elixir on the program; its output goes to `log`. */
static int
run_elixir(const char *exe, const char *config, const char *env,
	   const char *result, const char *log,
	   const struct relc_exconfig_in *in, struct relc_arena *arena,
	   struct relc_error *err)
{
	posix_spawn_file_actions_t fa;
	char *argv[8];
	pid_t pid;
	int status, rc;
	struct relc_strbuf out = RELC_STRBUF_INIT;

	argv[0] = (char *)exe;
	argv[1] = (char *)"-e";
	argv[2] = (char *)relc_exconfig_program;
	argv[3] = (char *)config;
	argv[4] = (char *)env;
	argv[5] = (char *)result;
	argv[6] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, exe, &fa, NULL, argv,
			 child_env(arena, env, in->path_env));
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return relc_error_errno(err, "cannot run '%s'", exe);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return relc_error_errno(err, "waiting for '%s'", exe);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (relc_fs_read_file(&out, log, MAX_STDERR, 1, err) < 0)
		relc_error_release(err);
	relc_strbuf_rtrim(&out);
	relc_error_set(err, RELC_ECONFIG, "config/config.exs (%s): %s %s%s%s",
		       env, exe, WIFEXITED(status) ? "failed" : "was killed",
		       out.len ? ":\n" : " (no output)",
		       out.buf ? out.buf : "");
	relc_strbuf_release(&out);
	return -1;
}

/* The cache: DIR/files (the key, then one file per line) and DIR/etf. */
static int
cache_read(struct relc_exconfig *out, const char *dir, const char *env,
	   const char *elixir_id, const char *what, struct relc_arena *arena,
	   struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT,
			   etf = RELC_STRBUF_INIT;
	struct relc_error ignored = RELC_ERROR_INIT;
	const char **files = NULL;
	size_t n = 0, i;
	char key[65], *line, *nl;
	int r = 1;

	relc_strbuf_addf(&path, "%s/files", dir);
	if (relc_fs_read_file(&text, path.buf, MAX_STDERR * 16, 1, &ignored) ||
	    text.len < 65 || text.buf[64] != '\n')
		goto out;
	for (i = 65; i < text.len; i++)
		n += text.buf[i] == '\n';
	files = relc_arena_array(arena, n + 1, sizeof(*files));
	n = 0;
	for (line = text.buf + 65; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		files[n++] = relc_arena_strdup(arena, line);
	}
	relc_exconfig_key(key, env, elixir_id, files, n);
	if (memcmp(key, text.buf, 64))
		goto out;
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/etf", dir);
	if (relc_fs_read_file(&etf, path.buf, MAX_RESULT, 1, &ignored))
		goto out;
	if (relc_exconfig_decode(out, etf.buf, etf.len, what, arena, err))
		r = -1;
	else
		r = 0;
out:
	relc_error_release(&ignored);
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	relc_strbuf_release(&etf);
	return r;
}

int
relc_exconfig_load(struct relc_exconfig *out, const struct relc_exconfig_in *in,
		   struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf config = RELC_STRBUF_INIT, dir = RELC_STRBUF_INIT,
			   exe = RELC_STRBUF_INIT, id = RELC_STRBUF_INIT,
			   path = RELC_STRBUF_INIT, log = RELC_STRBUF_INIT,
			   etf = RELC_STRBUF_INIT, what = RELC_STRBUF_INIT;
	char key[65];
	size_t i;
	int r = -1;

	memset(out, 0, sizeof(*out));
	relc_path_resolve(&config, in->project, "config/config.exs");
	if (!relc_fs_exists(config.buf)) {
		r = 0;
		goto out;
	}
	if (relc_fs_abspath(&path, config.buf, err))
		goto out;
	relc_strbuf_reset(&config);
	relc_strbuf_add(&config, path.buf, path.len);
	relc_strbuf_addf(&what, "config/config.exs (%s)", in->env);
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "_build/%s/relc-exconfig", in->env);
	relc_path_resolve(&dir, in->project, path.buf);
	if (find_elixir(&exe, &id, in, err))
		goto out;
	r = cache_read(out, dir.buf, in->env, id.buf, what.buf, arena, err);
	if (r <= 0)
		goto out;
	r = -1;

	/*
	 * Evaluate (the cache is invalid meanwhile: a failed evaluation
	 * must not leave a key that matches), then keep the result and
	 * its key.
	 */
	if (relc_fs_mkdirs(dir.buf, 0755, err))
		goto out;
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/files", dir.buf);
	if (unlink(path.buf) < 0 && errno != ENOENT) {
		relc_error_errno(err, "cannot remove '%s'", path.buf);
		goto out;
	}
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/result", dir.buf);
	relc_strbuf_addf(&log, "%s/output", dir.buf);
	unlink(path.buf);
	if (run_elixir(exe.buf, config.buf, in->env, path.buf, log.buf, in,
		       arena, err) ||
	    relc_fs_read_file(&etf, path.buf, MAX_RESULT, 0, err) ||
	    relc_exconfig_decode(out, etf.buf, etf.len, what.buf, arena, err))
		goto out;
	out->evaluated = 1;
	relc_strbuf_reset(&log);
	relc_strbuf_addf(&log, "%s/etf", dir.buf);
	if (rename(path.buf, log.buf) < 0) {
		relc_error_errno(err, "cannot rename '%s' to '%s'", path.buf,
				 log.buf);
		goto out;
	}
	relc_exconfig_key(key, in->env, id.buf, out->files, out->nfiles);
	relc_strbuf_reset(&etf);
	relc_strbuf_add(&etf, key, 64);
	relc_strbuf_addch(&etf, '\n');
	for (i = 0; i < out->nfiles; i++)
		if (!strchr(out->files[i], '\n'))
			relc_strbuf_addf(&etf, "%s\n", out->files[i]);
	relc_strbuf_reset(&path);
	relc_strbuf_addf(&path, "%s/files", dir.buf);
	r = relc_atomicfile_write_whole(path.buf, etf.buf, etf.len, 0644, err);
out:
	relc_strbuf_release(&config);
	relc_strbuf_release(&dir);
	relc_strbuf_release(&exe);
	relc_strbuf_release(&id);
	relc_strbuf_release(&path);
	relc_strbuf_release(&log);
	relc_strbuf_release(&etf);
	relc_strbuf_release(&what);
	return r;
}
