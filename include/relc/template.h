/*
 * template.h: the files relc generates from templates (bin/NAME, the erl
 * launcher, the default vm.args), and the renderer.
 *
 * Syntax: {{name}} is replaced by the value of `name`, single-quoted for
 * the shell ('...' with ' written as '\''); {{!name}} inserts it as is and
 * is allowed only for values relc produced itself and checked.  {{{{ is a
 * literal "{{".  An unknown name or an unclosed {{ is an error naming the
 * template, line and column.
 */
#ifndef RELC_TEMPLATE_H
#define RELC_TEMPLATE_H

#include <stddef.h>

struct relc_error;
struct relc_strbuf;

struct relc_embedded {
	const char *name;
	const char *data;
	size_t size;
};

/* The templates compiled into relc (templates/ in the source tree). */
extern const struct relc_embedded relc_embedded_templates[];
const struct relc_embedded *relc_template_find(const char *name);

struct relc_tvar {
	const char *name;
	const char *value;
};

/* Render src (len bytes, called `name` in messages) into out.  Pure. */
int relc_template_render(struct relc_strbuf *out, const char *src, size_t len,
			 const struct relc_tvar *vars, size_t nvars,
			 const char *name, struct relc_error *err);

/*
 * The same for a text that is no shell script (a template overlay):
 * {{name}} inserts the value as it is.
 */
int relc_template_render_text(struct relc_strbuf *out, const char *src,
			      size_t len, const struct relc_tvar *vars,
			      size_t nvars, const char *name,
			      struct relc_error *err);

/* Append s single-quoted for a POSIX shell. */
void relc_shell_quote(struct relc_strbuf *out, const char *s);

#endif
