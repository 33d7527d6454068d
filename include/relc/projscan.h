/*
 * projscan.h: what a project's own files say about it, read without
 * running mix or rebar3: the app name, version and umbrella directory of
 * a mix.exs, the name and vsn of a .app or .app.src file, the release of
 * a rebar.config's relx section.  All pure: bytes in, strings out (in the
 * caller's arena).  relc init (scaffold.h) uses them.
 */
#ifndef RELC_PROJSCAN_H
#define RELC_PROJSCAN_H

#include <stddef.h>

struct relc_arena;
struct relc_error;
struct relc_strbuf;

/*
 * What the keyword list that `def project` returns in a mix.exs says.  A
 * value that is not a literal (a function call, an interpolated string, a
 * module attribute that is not set to a literal string) is NULL.
 */
struct relc_mix_project {
	int found;	       /* a `def project` with a keyword list */
	const char *app;       /* app: :NAME (or :"NAME") */
	const char *version;   /* version: "V", or version: @attr with
				  @attr "V" in the module */
	const char *apps_path; /* apps_path: "P": an umbrella */
};

/*
 * Scan the Elixir source of a mix.exs, a small careful tokenizer (strings,
 * heredocs, charlists, sigils, comments, atoms, keyword keys, module
 * attributes, brackets) rather than a parser: it never fails, it leaves
 * unknown what it cannot read as a literal.
 */
void relc_projscan_mix(struct relc_mix_project *out, const char *buf,
		       size_t len, struct relc_arena *arena);

/*
 * The name and version of an application resource file (.app) or its
 * source (.app.src): the first term must be {application, Name, Props}
 * with Name an atom and Props a list.  *vsn is NULL when {vsn, V} is
 * missing or V is not a string (rebar3's `git`, {cmd, "..."}).  Errors
 * (a term that does not parse, another shape) carry line and column but
 * no path.
 */
int relc_projscan_app(const char **name, const char **vsn, const char *buf,
		      size_t len, struct relc_arena *arena,
		      struct relc_error *err);

/*
 * The first release of a rebar.config's relx section, {relx, [{release,
 * {Name, Vsn}, Apps} ...]}: *name the atom, *vsn the string (NULL when it
 * is not one, as `git` or {semver, ""}).  Returns 1 (both NULL) when there
 * is none or the file does not parse: it is only a hint.
 */
int relc_projscan_relx(const char **name, const char **vsn, const char *buf,
		       size_t len, struct relc_arena *arena);

/*
 * Is `name` an application name relc init writes as it is (into YAML,
 * file names, scripts): an unquoted Erlang atom, [a-z][a-zA-Z0-9_@]*, at
 * most 255 bytes?
 */
int relc_projscan_name_ok(const char *name);

/*
 * Is `vsn` a version relc init writes (quoted) into the config: 1 to 255
 * printable ASCII characters, no '/', not "." or ".."?
 */
int relc_projscan_vsn_ok(const char *vsn);

/*
 * A release name made from a directory's name: lower case, each run of
 * characters other than [a-z0-9_] one '_', no '_' at either end, and
 * "rel_" in front when it does not start with a letter; "release" when
 * nothing is left.  Replaces out's contents; the result passes
 * relc_projscan_name_ok.
 */
void relc_projscan_name_from_dir(struct relc_strbuf *out, const char *base);

#endif
