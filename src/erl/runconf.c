/*
 * runconf.c: vm.args and sys.config templates, checked at build time (see
 * runconf.h).
 */
#include "relc/compat.h"
#include "relc/runconf.h"

#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/term.h"

static int
name_start(char c)
{
	return relc_isalpha((unsigned char)c) || c == '_';
}

static int
name_char(char c)
{
	return relc_isalnum((unsigned char)c) || c == '_';
}

/*
 * The length of the reference at buf[i] (which is '$'), or 0 when there
 * is none there.
 */
static size_t
reference_at(const char *buf, size_t len, size_t i)
{
	size_t j = i + 2;

	if (i + 2 >= len || buf[i + 1] != '{' || !name_start(buf[j]))
		return 0;
	while (j < len && name_char(buf[j]))
		j++;
	if (j < len && buf[j] == '}')
		return j + 1 - i;
	if (j + 1 >= len || buf[j] != ':' || buf[j + 1] != '-')
		return 0;
	for (j += 2; j < len && buf[j] != '\n'; j++)
		if (buf[j] == '}')
			return j + 1 - i;
	return 0;
}

size_t
relc_runconf_placeholders(struct relc_strbuf *out, const char *buf, size_t len)
{
	size_t i = 0, n = 0, ref, start = 0;

	while (i < len) {
		if (buf[i] != '$' || !(ref = reference_at(buf, len, i))) {
			i++;
			continue;
		}
		relc_strbuf_add(out, buf + start, i - start);
		relc_strbuf_addchars(out, '0', ref);
		i += ref;
		start = i;
		n++;
	}
	relc_strbuf_add(out, buf + start, len - start);
	return n;
}

int
relc_runconf_check_sys_config(const char *buf, size_t len, const char *path,
			      struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf text = RELC_STRBUF_INIT;
	const struct relc_term **terms;
	size_t n;
	int r = -1;

	relc_runconf_placeholders(&text, buf, len);
	if (relc_term_parse(&terms, &n, text.buf, text.len, 0, arena, err)) {
		relc_error_set_path(err, path);
		goto out;
	}
	if (n != 1 || !relc_term_is_list(terms[0])) {
		relc_error_at(err, RELC_ECONFIG, path,
			      n ? terms[n > 1]->line : 0,
			      n ? terms[n > 1]->col : 0,
			      "sys.config must hold one term: a list of "
			      "{Application, [{Key, Value}]}");
		goto out;
	}
	r = 0;
out:
	relc_strbuf_release(&text);
	return r;
}

/* ---- vm.args ------------------------------------------------------------- */

struct token {
	const char *s;
	size_t len;
	unsigned long line, col;
};

/*
 * The next word of a vm.args file from *pos, as erlexec splits it:
 * blanks separate words, and '#' at the start of a word comments out the
 * rest of its line.  0 at the end.
 */
static int
next_token(const char *buf, size_t len, size_t *pos, unsigned long *line,
	   size_t *bol, struct token *t)
{
	size_t i = *pos;

	for (;;) {
		while (i < len && relc_isspace((unsigned char)buf[i])) {
			if (buf[i] == '\n') {
				(*line)++;
				*bol = i + 1;
			}
			i++;
		}
		if (i >= len) {
			*pos = i;
			return 0;
		}
		if (buf[i] != '#')
			break;
		while (i < len && buf[i] != '\n')
			i++;
	}
	t->s = buf + i;
	t->line = *line;
	t->col = i - *bol + 1;
	while (i < len && !relc_isspace((unsigned char)buf[i]))
		i++;
	t->len = (size_t)(buf + i - t->s);
	*pos = i;
	return 1;
}

static int
token_is(const struct token *t, const char *s)
{
	return t->len == strlen(s) && !memcmp(t->s, s, t->len);
}

static int
has_reference(const struct token *t)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->s[i] == '$' && reference_at(t->s, t->len, i))
			return 1;
	return 0;
}

int
relc_runconf_check_vm_args(const char *buf, size_t len, const char *path,
			   int (*has)(void *ctx, const char *rel), void *ctx,
			   struct relc_error *err)
{
	struct relc_strbuf file = RELC_STRBUF_INIT;
	struct token t, arg;
	unsigned long line = 1;
	size_t pos = 0, bol = 0;
	int r = 0;

	while (!r && next_token(buf, len, &pos, &line, &bol, &t)) {
		int config;

		if (token_is(&t, "-setcookie")) {
			r = relc_error_at(err, RELC_ECONFIG, path, t.line,
					  t.col,
					  "-setcookie would show the cookie in "
					  "every process listing: give it with "
					  "cookie_file: or RELEASE_COOKIE "
					  "instead");
			break;
		}
		if (token_is(&t, "-name") || token_is(&t, "-sname")) {
			r = relc_error_at(
			    err, RELC_ECONFIG, path, t.line, t.col,
			    "%.*s: bin/NAME names the node "
			    "(RELEASE_NODE, RELEASE_DISTRIBUTION; "
			    "set them in env.sh)",
			    (int)t.len, t.s);
			break;
		}
		config = token_is(&t, "-config");
		if (!config && !token_is(&t, "-args_file"))
			continue;
		if (!next_token(buf, len, &pos, &line, &bol, &arg) ||
		    arg.s[0] == '-') {
			r = relc_error_at(err, RELC_ECONFIG, path, t.line,
					  t.col, "%.*s needs a file name",
					  (int)t.len, t.s);
			break;
		}
		if (arg.s[0] == '/' || has_reference(&arg))
			continue;
		relc_strbuf_reset(&file);
		relc_strbuf_add(&file, arg.s, arg.len);
		if (has(ctx, file.buf))
			continue;
		if (config) {
			relc_strbuf_addstr(&file, ".config");
			if (has(ctx, file.buf))
				continue;
		}
		r = relc_error_at(err, RELC_ECONFIG, path, arg.line, arg.col,
				  "%.*s '%.*s' is not a file of the release "
				  "(a relative path is from the release root)",
				  (int)t.len, t.s, (int)arg.len, arg.s);
	}
	relc_strbuf_release(&file);
	return r ? -1 : 0;
}
