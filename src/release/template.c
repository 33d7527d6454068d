/*
 * template.c: rendering templates with shell-quoted values.
 */
#include "relc/compat.h"
#include "relc/template.h"

#include "relc/error.h"
#include "relc/strbuf.h"

const struct relc_embedded *
relc_template_find(const char *name)
{
	const struct relc_embedded *t;

	for (t = relc_embedded_templates; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

void
relc_shell_quote(struct relc_strbuf *out, const char *s)
{
	relc_strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			relc_strbuf_addstr(out, "'\\''");
		else
			relc_strbuf_addch(out, *s);
	}
	relc_strbuf_addch(out, '\'');
}

static int
is_name_char(char c)
{
	return relc_isalnum((unsigned char)c) || c == '_';
}

static int
render(struct relc_strbuf *out, const char *src, size_t len,
       const struct relc_tvar *vars, size_t nvars, const char *name, int quote,
       struct relc_error *err)
{
	unsigned long line = 1, col = 1;
	size_t i = 0;

	while (i < len) {
		size_t start, end, k;
		int raw = 0;

		if (src[i] != '{' || i + 1 >= len || src[i + 1] != '{') {
			if (src[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
			relc_strbuf_addch(out, src[i++]);
			continue;
		}
		if (i + 3 < len && src[i + 2] == '{' && src[i + 3] == '{') {
			relc_strbuf_addstr(out, "{{");
			i += 4;
			col += 4;
			continue;
		}
		start = i + 2;
		if (start < len && src[start] == '!') {
			raw = 1;
			start++;
		}
		for (end = start; end < len && is_name_char(src[end]); end++)
			;
		if (end == start || end + 1 >= len || src[end] != '}' ||
		    src[end + 1] != '}')
			return relc_error_at(err, RELC_EUSAGE, name, line, col,
					     "'{{' must be followed by a name "
					     "and '}}' (write '{{{{' for a "
					     "literal '{{')");
		for (k = 0; k < nvars; k++)
			if (strlen(vars[k].name) == end - start &&
			    !memcmp(vars[k].name, src + start, end - start))
				break;
		if (k == nvars)
			return relc_error_at(err, RELC_EUSAGE, name, line, col,
					     "unknown template variable '%.*s'",
					     (int)(end - start), src + start);
		if (raw || !quote)
			relc_strbuf_addstr(out, vars[k].value);
		else
			relc_shell_quote(out, vars[k].value);
		col += end + 2 - i;
		i = end + 2;
	}
	return 0;
}

int
relc_template_render(struct relc_strbuf *out, const char *src, size_t len,
		     const struct relc_tvar *vars, size_t nvars,
		     const char *name, struct relc_error *err)
{
	return render(out, src, len, vars, nvars, name, 1, err);
}

int
relc_template_render_text(struct relc_strbuf *out, const char *src, size_t len,
			  const struct relc_tvar *vars, size_t nvars,
			  const char *name, struct relc_error *err)
{
	return render(out, src, len, vars, nvars, name, 0, err);
}
