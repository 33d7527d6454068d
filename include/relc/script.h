/*
 * script.h: the boot script term, as systools_make:generate_script/4
 * builds it, and the text and binary forms it is written in.
 */
#ifndef RELC_SCRIPT_H
#define RELC_SCRIPT_H

#include <stddef.h>

struct relc_arena;
struct relc_bootapp;
struct relc_error;
struct relc_otp;
struct relc_strbuf;
struct relc_term;

enum relc_script_flags {
	/* Leave out {apply, {c, erlangrc, []}}: no $HOME/.erlang at boot. */
	RELC_SCRIPT_NO_DOT_ERLANG = 1 << 0,
	/*
	 * Applications that are not OTP's are at "$RELEASE_LIB/APP-VSN/ebin"
	 * (set with -boot_var at start), for a release that runs on the
	 * target's own OTP, whose root is $ROOT.
	 */
	RELC_SCRIPT_RELEASE_LIB = 1 << 1
};

/*
 * The script {script, {Name, Vsn}, Instructions} for applications already
 * in boot order.  Paths are "$ROOT/lib/APP-VSN/ebin" (but see
 * RELC_SCRIPT_RELEASE_LIB).  `prepend`, when not NULL, goes first in
 * every {path, Dirs} that holds an application that is not OTP's, as mix
 * puts its consolidated protocols first on the code path.  Pure.
 */
int relc_script_build(const struct relc_term **out, const char *name,
		      const char *vsn, const struct relc_bootapp *apps,
		      size_t napps, const struct relc_otp *otp, unsigned flags,
		      const char *prepend, struct relc_arena *arena,
		      struct relc_error *err);

/* The application term systools' pack_app/1 makes for the boot script. */
const struct relc_term *relc_script_pack_app(const struct relc_bootapp *app,
					     unsigned otp_major,
					     struct relc_arena *arena);

/*
 * A term file as systools writes it: "%% coding: utf-8\n", the term
 * pretty-printed, ".\n".
 */
void relc_script_format(struct relc_strbuf *out, const struct relc_term *t);

#endif
