/*
 * runconf.h: the run-time configuration templates, vm.args and sys.config,
 * checked at build time.  Pure: bytes in, an error or nothing out.
 *
 * A reference is "${NAME}" or "${NAME:-default}" with NAME a shell
 * variable name ([A-Za-z_][A-Za-z0-9_]*) and the whole of it on one line;
 * bin/NAME replaces each with the variable's value when the release
 * starts (the default when the variable is unset).  Anything else (a "$"
 * alone, "${" without a name or a closing "}" on its line) is text.
 */
#ifndef RELC_RUNCONF_H
#define RELC_RUNCONF_H

#include <stddef.h>

struct relc_arena;
struct relc_error;
struct relc_strbuf;

/*
 * Append buf with every reference replaced by as many '0' as it has
 * bytes, so that what follows keeps its line and column and the
 * placeholder reads as a term (an integer, or part of a name or string).
 * Returns the number of references.
 */
size_t relc_runconf_placeholders(struct relc_strbuf *out, const char *buf,
				 size_t len);

/*
 * A sys.config template: with placeholders for its references, it must be
 * one Erlang term, a list.  `path` names it in the error.
 */
int relc_runconf_check_sys_config(const char *buf, size_t len, const char *path,
				  struct relc_arena *arena,
				  struct relc_error *err);

/*
 * A vm.args template: no -name, -sname or -setcookie (bin/NAME names the
 * node, and a cookie there would show in every process listing), and each
 * -args_file or -config that names a relative path without references
 * names a file of the release: has(ctx, path) says whether it holds
 * `path` (relative to its root).
 */
int relc_runconf_check_vm_args(const char *buf, size_t len, const char *path,
			       int (*has)(void *ctx, const char *rel),
			       void *ctx, struct relc_error *err);

#endif
