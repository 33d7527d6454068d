/*
 * appup.h: application upgrade files (APP.appup): generated from two
 * versions of an application's modules, or checked when the application
 * brings its own, as systools_relup and systools_rc read them.
 */
#ifndef RELC_APPUP_H
#define RELC_APPUP_H

#include <stddef.h>

struct relc_arena;
struct relc_beam_info;
struct relc_error;
struct relc_names;
struct relc_term;

/* One version of an application: its name, vsn and modules' info. */
struct relc_appup_mods {
	const char *app, *vsn;
	const struct relc_beam_info *mods; /* any order */
	size_t n;
};

/*
 * The generated appup {To.vsn, [{From.vsn, Up}], [{From.vsn, Down}]}, in
 * the arena.  Up: {add_module, M} for a new module; for a module whose
 * code changed, {update, M, supervisor} (behaviour supervisor or
 * 'Elixir.Supervisor'), {update, M, {advanced, []}, Deps} (a gen_server,
 * gen_statem, gen_event or gen_fsm, or 'Elixir.GenServer', that exports
 * code_change/3,4; or any module exporting system_code_change/4), else
 * {load_module, M, Deps}; then {delete_module, M} for each removed
 * module.  Deps: the modules M imports that have an instruction of their
 * own in the same section (systools_rc refuses any other).  A module comes
 * after those it depends on (cycles broken by name, ties by name), deletes
 * last.  Down is the mirror image, from the old modules' info.  Fails
 * when a module appears twice in one version.  Pure.
 */
int relc_appup_generate(const struct relc_term **out,
			const struct relc_appup_mods *from,
			const struct relc_appup_mods *to,
			struct relc_arena *arena, struct relc_error *err);

/*
 * Check an application's own appup (a parsed term, positions kept):
 * {Vsn, [{UpFrom, Instrs}], [{DownTo, Instrs}]} with Vsn == to_vsn; an up
 * and a down entry matching from_vsn (the first that matches, as systools
 * searches); every instruction of every entry one that systools_rc
 * accepts (high or low level, short forms expanded as it expands them);
 * and in the matching entries, every module an instruction loads,
 * updates or adds is in to_mods (up) or from_mods (down), every module it
 * deletes in from_mods (up) or to_mods (down); a NULL list is not
 * checked against.  Errors are PATH:LINE:COL: at the offending term.
 * Pure.
 */
int relc_appup_check(const struct relc_term *appup, const char *path,
		     const char *app, const char *to_vsn,
		     const struct relc_names *to_mods, const char *from_vsn,
		     const struct relc_names *from_mods,
		     struct relc_arena *arena, struct relc_error *err);

/*
 * Does vsn match an appup's version pattern: a string equal to it, or a
 * binary, a regular expression that matches the whole of it (systools:
 * re:run's first match is vsn)?  The expression is run as a POSIX
 * extended one after translating the PCRE forms appups use ((?:...), \d,
 * \s, \w, escapes); one relc cannot translate matches nothing.
 */
int relc_appup_vsn_match(const struct relc_term *pattern, const char *vsn);

#endif
