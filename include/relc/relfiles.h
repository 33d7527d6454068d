/*
 * relfiles.h: the files relc generates for a release (the .rel file, the
 * three boot scripts, sys.config, vm.args, start_erl.data, RELEASES,
 * bin/NAME and erts-VSN/bin/erl), made in memory and added to the plan.
 * The project's config/sys.config and config/vm.args are taken as they
 * are (sys.config checked to be one list); rel/templates/NAME replaces
 * relc's own template NAME.
 */
#ifndef RELC_RELFILES_H
#define RELC_RELFILES_H

struct relc_arena;
struct relc_error;
struct relc_plan;
struct relc_plan_in;

struct relc_strbuf;

/*
 * Add the paths of the generated files (with empty contents) to a plan
 * whose layout is decided: cheap, and all a build that is up to date, or
 * an archive of it, needs.
 */
int relc_relfiles_list(struct relc_plan *plan, const struct relc_plan_in *in,
		       struct relc_arena *arena, struct relc_error *err);

/*
 * Render relc's template `name` (or the project's rel/templates/NAME) for
 * this release into out.
 */
int relc_relfiles_template(struct relc_strbuf *out, struct relc_plan *plan,
			   const struct relc_plan_in *in, const char *name,
			   struct relc_error *err);

/* Make the contents of the files relc_relfiles_list listed. */
int relc_relfiles_render(struct relc_plan *plan, const struct relc_plan_in *in,
			 struct relc_arena *arena, struct relc_error *err);

/*
 * What the contents depend on, for the build's key: the resolved release,
 * the identity (size, mtime, inode) of every .app file it reads and of
 * the project's config/ files and templates, and the OTP version.  (The
 * contents are a function of these and of relc itself.)
 */
void relc_relfiles_inputs(struct relc_strbuf *out,
			  const struct relc_plan_in *in);

/*
 * A hot upgrade, once made (upfrom.h): the contents of releases/VSN/relup
 * (listed by relc_relfiles_list), and the appups the release gets in its
 * applications' ebin/ (written with them, copy.c).  For a build that
 * writes; the key covers them through the old release's identity.
 */
struct relc_upfrom;
int relc_relfiles_upgrade(struct relc_plan *plan, const struct relc_upfrom *u,
			  struct relc_arena *arena);

#endif
