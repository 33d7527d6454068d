/*
 * userfiles.h: what the project adds to its release besides applications:
 * the vm.args and sys.config templates, env.sh, hooks, custom commands, a
 * cookie given in the config, and overlays.
 *
 * They are listed with the plan (so that the stamp covers them and the
 * archive holds them), checked there (every destination inside the
 * release, none twice, none through a link or a file), and read when a
 * build writes (relc_userfiles_render).
 */
#ifndef RELC_USERFILES_H
#define RELC_USERFILES_H

struct relc_arena;
struct relc_error;
struct relc_plan;
struct relc_plan_in;
struct relc_strbuf;

/* Add the project's files to the plan (before it is sorted). */
int relc_userfiles_list(struct relc_plan *plan, const struct relc_plan_in *in,
			struct relc_arena *arena, struct relc_error *err);

/*
 * Once the plan's list is sorted: no path twice (but directories), none
 * below a file or a link of the list, none of an overlay in lib/, in ERTS
 * or in .relc.
 */
int relc_userfiles_check(const struct relc_plan *plan, struct relc_error *err);

/* What the files depend on, for the stamp: one line per input. */
void relc_userfiles_inputs(struct relc_strbuf *out,
			   const struct relc_plan *plan,
			   const struct relc_plan_in *in);

/*
 * The contents of vm.args, sys.config (checked: runconf.h) and the
 * template overlays.
 */
int relc_userfiles_render(struct relc_plan *plan, const struct relc_plan_in *in,
			  struct relc_arena *arena, struct relc_error *err);

#endif
