/*
 * appup.c: application upgrade files.  Generating one from two versions
 * of an application's modules (what Distillery's generator did, with the
 * dependency order systools_rc wants), checking a hand-written one with
 * systools_rc's syntax rules (check_op/1 after expand_script/1), and
 * systools_relup's version matching (appup_search_for_version/2).
 */
#include "relc/compat.h"
#include "relc/appup.h"

#include <regex.h>

#include "relc/appfile.h"
#include "relc/arena.h"
#include "relc/beam.h"
#include "relc/error.h"
#include "relc/strbuf.h"
#include "relc/strset.h"
#include "relc/term.h"

/* ---- version patterns ---------------------------------------------------- */

static void
add_bracket_set(struct relc_strbuf *out, int neg, int rbr, int caret, int dash,
		const struct relc_strbuf *set)
{
	if (!neg && !rbr && !dash && !set->len && caret) {
		relc_strbuf_addstr(out, "\\^");
		return;
	}
	relc_strbuf_addch(out, '[');
	if (neg)
		relc_strbuf_addch(out, '^');
	if (rbr)
		relc_strbuf_addch(out, ']');
	relc_strbuf_add(out, set->buf, set->len);
	if (caret)
		relc_strbuf_addch(out, '^');
	if (dash)
		relc_strbuf_addch(out, '-');
	relc_strbuf_addch(out, ']');
}

/* A PCRE [...] set from p[*i] (the '[') as a POSIX bracket expression. */
static int
bracket(struct relc_strbuf *out, const unsigned char *p, size_t n, size_t *i,
	const char **why)
{
	struct relc_strbuf set = RELC_STRBUF_INIT;
	size_t j = *i + 1;
	int neg = 0, rbr = 0, caret = 0, dash = 0;

	if (j < n && p[j] == '^')
		neg = 1, j++;
	if (j < n && p[j] == ']')
		rbr = 1, j++;
	while (j < n && p[j] != ']') {
		unsigned d;

		if (p[j] == '[' && j + 1 < n && p[j + 1] == ':') {
			size_t k = j + 2;

			while (k + 1 < n && !(p[k] == ':' && p[k + 1] == ']'))
				k++;
			if (k + 1 >= n)
				break;
			relc_strbuf_add(&set, p + j, k + 2 - j);
			j = k + 2;
			continue;
		}
		if (p[j] != '\\') {
			relc_strbuf_addch(&set, p[j++]);
			continue;
		}
		if (j + 1 >= n)
			break;
		d = p[j + 1];
		j += 2;
		switch (d) {
		case 'd':
			relc_strbuf_addstr(&set, "0-9");
			break;
		case 's':
			relc_strbuf_addstr(&set, "[:space:]");
			break;
		case 'w':
			relc_strbuf_addstr(&set, "[:alnum:]_");
			break;
		case 'n':
			relc_strbuf_addch(&set, '\n');
			break;
		case 't':
			relc_strbuf_addch(&set, '\t');
			break;
		case 'r':
			relc_strbuf_addch(&set, '\r');
			break;
		case ']':
			rbr = 1;
			break;
		case '-':
			dash = 1;
			break;
		case '^':
			caret = 1;
			break;
		default:
			if (relc_isalnum((int)d)) {
				relc_strbuf_release(&set);
				*why = "an escape relc does not know in [...]";
				return -1;
			}
			relc_strbuf_addch(&set, (int)d);
		}
	}
	if (j >= n) {
		relc_strbuf_release(&set);
		*why = "an unterminated [...]";
		return -1;
	}
	add_bracket_set(out, neg, rbr, caret, dash, &set);
	relc_strbuf_release(&set);
	*i = j + 1;
	return 0;
}

/*
 * Translate the PCRE that systools hands to re:run into a POSIX extended
 * regular expression: (?:...) becomes (...), \d \s \w and their negations
 * become bracket expressions, an escaped character becomes itself.  What
 * has no POSIX form (lookaround, backreferences, \b, lazy or possessive
 * quantifiers, other (?...) groups) is refused with *why set.
 */
static int
pcre_to_ere(struct relc_strbuf *out, const unsigned char *p, size_t n,
	    const char **why)
{
	static const char *const classes[][2] = {
	    {"d", "[0-9]"},	   {"D", "[^0-9]"},
	    {"s", "[[:space:]]"},  {"S", "[^[:space:]]"},
	    {"w", "[[:alnum:]_]"}, {"W", "[^[:alnum:]_]"},
	    {"n", "\n"},	   {"t", "\t"},
	    {"r", "\r"},
	};
	size_t i = 0, k;
	int quant = 0; /* the last thing written was a quantifier */

	while (i < n) {
		unsigned c = p[i];

		if (!c) {
			*why = "a NUL byte";
			return -1;
		}
		if (c == '\\') {
			if (i + 1 >= n) {
				*why = "a trailing backslash";
				return -1;
			}
			c = p[i + 1];
			i += 2;
			quant = 0;
			for (k = 0; k < RELC_ARRAY_SIZE(classes); k++)
				if ((unsigned)classes[k][0][0] == c)
					break;
			if (k < RELC_ARRAY_SIZE(classes)) {
				relc_strbuf_addstr(out, classes[k][1]);
				continue;
			}
			if (relc_isalnum((int)c)) {
				*why = "an escape relc does not know";
				return -1;
			}
			if (c && strchr(".[]()*+?{}|^$\\", (int)c))
				relc_strbuf_addch(out, '\\');
			relc_strbuf_addch(out, (int)c);
			continue;
		}
		if (c == '[') {
			if (bracket(out, p, n, &i, why))
				return -1;
			quant = 0;
			continue;
		}
		if (c == '(' && i + 1 < n && p[i + 1] == '?') {
			if (i + 2 < n && p[i + 2] == ':') {
				relc_strbuf_addch(out, '(');
				i += 3;
				quant = 0;
				continue;
			}
			*why = "a (?...) group other than (?:...)";
			return -1;
		}
		if (c == '*' || c == '+' || c == '?') {
			if (quant) {
				*why = "a lazy or possessive quantifier";
				return -1;
			}
			relc_strbuf_addch(out, (int)c);
			i++;
			quant = 1;
			continue;
		}
		if (c == '{') {
			/* a quantifier {m}, {m,} or {m,n}; else a literal { */
			size_t j = i + 1;

			while (j < n && (relc_isdigit(p[j]) || p[j] == ','))
				j++;
			if (j < n && p[j] == '}' && j > i + 1 &&
			    relc_isdigit(p[i + 1])) {
				if (quant) {
					*why = "a lazy or possessive "
					       "quantifier";
					return -1;
				}
				relc_strbuf_add(out, p + i, j + 1 - i);
				i = j + 1;
				quant = 1;
				continue;
			}
			relc_strbuf_addstr(out, "\\{");
			i++;
			quant = 0;
			continue;
		}
		if (c == '}') {
			relc_strbuf_addstr(out, "\\}");
			i++;
			quant = 0;
			continue;
		}
		relc_strbuf_addch(out, (int)c);
		i++;
		quant = 0;
	}
	return 0;
}

/*
 * 1 when vsn matches, 0 when not, -1 when the pattern cannot be used
 * (*why says why).  A binary pattern is systools' re:run(Vsn, Pattern,
 * [unicode, {capture, first, list}]) returning {match, [Vsn]}, run here
 * through regcomp(REG_EXTENDED) and regexec: a match of the whole string.
 * Where this differs from Erlang's re (PCRE): POSIX takes the leftmost
 * longest match where PCRE takes the first alternative that matches, so
 * <<"1\\.0|1\\.0\\.1">> matches "1.0.1" here and not in Erlang; '.' and
 * bracket expressions match bytes, not code points (equal for ASCII
 * versions); PCRE-only syntax is refused rather than guessed.
 */
static int
match_pattern(const struct relc_term *pat, const char *vsn, const char **why,
	      struct relc_strbuf *regerr)
{
	struct relc_strbuf s = RELC_STRBUF_INIT;
	regex_t re;
	regmatch_t m[1];
	int r;

	switch (pat->type) {
	case RELC_T_NIL:
		return !*vsn;
	case RELC_T_STRING:
		relc_term_string_to_utf8(&s, pat);
		r = !strcmp(s.buf, vsn);
		relc_strbuf_release(&s);
		return r;
	case RELC_T_BITS:
		break;
	default:
		return 0;
	}
	if (pat->u.bits.nbits % 8) {
		*why = "not a binary";
		return -1;
	}
	if (pcre_to_ere(&s, pat->u.bits.data, pat->u.bits.nbits / 8, why)) {
		relc_strbuf_release(&s);
		return -1;
	}
	r = regcomp(&re, s.buf, REG_EXTENDED);
	relc_strbuf_release(&s);
	if (r) {
		char buf[128];

		regerror(r, &re, buf, sizeof(buf));
		if (regerr)
			relc_strbuf_addf(
			    regerr, "not a valid regular expression (%s)", buf);
		*why = regerr ? regerr->buf : "an invalid regular expression";
		return -1;
	}
	r = regexec(&re, vsn, 1, m, 0) == 0 && m[0].rm_so == 0 &&
	    (size_t)m[0].rm_eo == strlen(vsn);
	regfree(&re);
	return r;
}

int
relc_appup_vsn_match(const struct relc_term *pattern, const char *vsn)
{
	const char *why = NULL;

	return match_pattern(pattern, vsn, &why, NULL) == 1;
}

/* ---- generation -------------------------------------------------------- */

static int
cmp_info(const void *a, const void *b)
{
	const struct relc_beam_info *x =
	    *(const struct relc_beam_info *const *)a;
	const struct relc_beam_info *y =
	    *(const struct relc_beam_info *const *)b;

	return strcmp(x->module, y->module);
}

/* The modules of one version sorted by name; a module twice is an error. */
static int
sorted_mods(const struct relc_beam_info ***out, const struct relc_appup_mods *m,
	    struct relc_arena *arena, struct relc_error *err)
{
	const struct relc_beam_info **v;
	size_t i;

	v = relc_arena_array(arena, m->n ? m->n : 1, sizeof(*v));
	for (i = 0; i < m->n; i++)
		v[i] = &m->mods[i];
	if (m->n)
		qsort(v, m->n, sizeof(*v), cmp_info);
	for (i = 1; i < m->n; i++)
		if (!strcmp(v[i - 1]->module, v[i]->module))
			return relc_error_set(
			    err, RELC_EAPP,
			    "application '%s' %s has module '%s' twice", m->app,
			    m->vsn, v[i]->module);
	*out = v;
	return 0;
}

static const struct relc_beam_info *
find_mod(const struct relc_beam_info **v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid]->module, name);

		if (!c)
			return v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
has_behaviour(const struct relc_beam_info *bi, const char *const *names,
	      size_t n)
{
	size_t i, k;

	for (i = 0; i < bi->nbehaviours; i++)
		for (k = 0; k < n; k++)
			if (!strcmp(bi->behaviours[i], names[k]))
				return 1;
	return 0;
}

static int
is_supervisor(const struct relc_beam_info *bi)
{
	static const char *const sup[] = {"supervisor", "Elixir.Supervisor"};

	return has_behaviour(bi, sup, RELC_ARRAY_SIZE(sup));
}

/* A process whose state the new code converts: {advanced, []}. */
static int
is_advanced(const struct relc_beam_info *bi)
{
	static const char *const gen[] = {"gen_server", "gen_statem",
					  "gen_event", "gen_fsm",
					  "Elixir.GenServer"};

	return (bi->code_change &&
		has_behaviour(bi, gen, RELC_ARRAY_SIZE(gen))) ||
	       bi->system_code_change;
}

enum ikind { I_ADD, I_CHANGE };

/* One instruction of a section that loads code (add or change). */
struct instr {
	const struct relc_beam_info *bi;    /* the module the section loads */
	const struct relc_beam_info *other; /* its other version, or NULL */
	enum ikind kind;
	size_t *deps; /* indices of the instructions it depends on */
	size_t ndeps;
	int done;
};

static const struct relc_term *
atom_list(struct relc_arena *arena, const char *const *names, size_t n)
{
	const struct relc_term **v;
	size_t i;

	if (!n)
		return &relc_term_nil;
	v = relc_arena_array(arena, n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = relc_term_atom(arena, names[i]);
	return relc_term_list(arena, n, v);
}

static const struct relc_term *
instr_term(const struct instr *in, const struct instr *all, int down,
	   struct relc_arena *arena)
{
	const struct relc_term *mod = relc_term_atom(arena, in->bi->module);
	const char **deps;
	const struct relc_term *dl;
	size_t i;

	if (in->kind == I_ADD)
		return relc_term_tuplev(
		    arena, 2, relc_term_atom(arena, "add_module"), mod);
	if (is_supervisor(in->bi))
		return relc_term_tuplev(arena, 3,
					relc_term_atom(arena, "update"), mod,
					relc_term_atom(arena, "supervisor"));
	deps =
	    relc_arena_array(arena, in->ndeps ? in->ndeps : 1, sizeof(*deps));
	for (i = 0; i < in->ndeps; i++)
		deps[i] = all[in->deps[i]].bi->module;
	dl = atom_list(arena, deps, in->ndeps);
	/*
	 * On a downgrade it is the current (new) module's code_change({down,
	 * Vsn}, ...) that converts the state back, before the old code is
	 * loaded: the down instruction is {advanced, []} when the new module
	 * has a code_change, whatever the old one has.
	 */
	if (is_advanced(down && in->other ? in->other : in->bi))
		return relc_term_tuplev(
		    arena, 4, relc_term_atom(arena, "update"), mod,
		    relc_term_tuplev(arena, 2,
				     relc_term_atom(arena, "advanced"),
				     &relc_term_nil),
		    dl);
	return relc_term_tuplev(arena, 3, relc_term_atom(arena, "load_module"),
				mod, dl);
}

static int
cmp_instr_name(const void *a, const void *b)
{
	const struct instr *x = a, *y = b;

	return strcmp(x->bi->module, y->bi->module);
}

static int
cmp_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static size_t
find_instr(const struct instr *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].bi->module, name);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

/*
 * One section: the loading instructions in dependency order (a module
 * after those it imports; among the ready ones the first by name; in a
 * cycle, the first remaining by name), then the deletes by name.
 */
static const struct relc_term *
section(struct instr *v, size_t n, const struct relc_beam_info **dels,
	size_t ndels, int down, struct relc_arena *arena)
{
	const struct relc_term **out;
	size_t i, k, nout = 0;

	if (n)
		qsort(v, n, sizeof(*v), cmp_instr_name);
	for (i = 0; i < n; i++) {
		const struct relc_beam_info *bi = v[i].bi;

		v[i].deps = relc_arena_array(
		    arena, bi->nimports ? bi->nimports : 1, sizeof(size_t));
		for (k = 0; k < bi->nimports; k++) {
			size_t d = find_instr(v, n, bi->imports[k]);

			if (d < n && d != i)
				v[i].deps[v[i].ndeps++] = d;
		}
		if (v[i].ndeps) /* by name, as v is */
			qsort(v[i].deps, v[i].ndeps, sizeof(size_t), cmp_index);
	}
	out = relc_arena_array(arena, n + ndels ? n + ndels : 1, sizeof(*out));
	while (nout < n) {
		size_t pick = n;

		for (i = 0; i < n && pick == n; i++) {
			if (v[i].done)
				continue;
			for (k = 0; k < v[i].ndeps; k++)
				if (!v[v[i].deps[k]].done)
					break;
			if (k == v[i].ndeps)
				pick = i;
		}
		for (i = 0; i < n && pick == n; i++)
			if (!v[i].done)
				pick = i;
		v[pick].done = 1;
		out[nout++] = instr_term(&v[pick], v, down, arena);
	}
	for (i = 0; i < ndels; i++)
		out[nout++] = relc_term_tuplev(
		    arena, 2, relc_term_atom(arena, "delete_module"),
		    relc_term_atom(arena, dels[i]->module));
	return relc_term_list(arena, nout, out);
}

/*
 * The instructions that go from `a` to `b` (sorted module lists): b's
 * new and changed modules, a's removed ones.
 */
static const struct relc_term *
direction(const struct relc_beam_info **a, size_t na,
	  const struct relc_beam_info **b, size_t nb, int down,
	  struct relc_arena *arena)
{
	struct instr *v = relc_arena_array(arena, nb ? nb : 1, sizeof(*v));
	const struct relc_beam_info **dels;
	size_t i, n = 0, ndels = 0;

	for (i = 0; i < nb; i++) {
		const struct relc_beam_info *old =
		    find_mod(a, na, b[i]->module);

		if (old && !memcmp(old->code, b[i]->code, sizeof(old->code)))
			continue;
		v[n].bi = b[i];
		v[n].other = old;
		v[n++].kind = old ? I_CHANGE : I_ADD;
	}
	dels = relc_arena_array(arena, na ? na : 1, sizeof(*dels));
	for (i = 0; i < na; i++)
		if (!find_mod(b, nb, a[i]->module))
			dels[ndels++] = a[i];
	return section(v, n, dels, ndels, down, arena);
}

int
relc_appup_generate(const struct relc_term **out,
		    const struct relc_appup_mods *from,
		    const struct relc_appup_mods *to, struct relc_arena *arena,
		    struct relc_error *err)
{
	const struct relc_beam_info **a, **b;
	const struct relc_term *up, *down, *fv;

	if (sorted_mods(&a, from, arena, err) ||
	    sorted_mods(&b, to, arena, err))
		return -1;
	up = direction(a, from->n, b, to->n, 0, arena);
	down = direction(b, to->n, a, from->n, 1, arena);
	fv = relc_term_string(arena, from->vsn);
	*out = relc_term_tuplev(
	    arena, 3, relc_term_string(arena, to->vsn),
	    relc_term_list(arena, 1,
			   (const struct relc_term *[]){
			       relc_term_tuplev(arena, 2, fv, up)}),
	    relc_term_list(arena, 1,
			   (const struct relc_term *[]){
			       relc_term_tuplev(arena, 2, fv, down)}));
	return 0;
}

/* ---- checking ------------------------------------------------------------ */

struct ck {
	const char *path, *app;
	const struct relc_term *whole;
	struct relc_arena *arena;
	struct relc_error *err;
	/* in the matching entry: where loaded and deleted modules must be */
	const struct relc_strset *load, *del;
	const char *load_vsn, *del_vsn;
};

/* t in Erlang syntax on one line, cut after about 60 bytes. */
static void
show(struct relc_strbuf *out, const struct relc_term *t)
{
	struct relc_strbuf s = RELC_STRBUF_INIT;

	relc_term_print_flat(&s, t);
	if (s.len > 60) {
		relc_strbuf_setlen(&s, 57);
		relc_strbuf_addstr(&s, "...");
	}
	relc_strbuf_add(out, s.buf, s.len);
	relc_strbuf_release(&s);
}

static int bad_at(struct ck *c, const struct relc_term *t,
		  const struct relc_term *near, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Report fmt at t's position (near's when t was built, as the elements of
 * a string are; the whole appup's when neither has one).
 */
static int
bad_at(struct ck *c, const struct relc_term *t, const struct relc_term *near,
       const char *fmt, ...)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	va_list ap;

	if (!t->line)
		t = near && near->line ? near : c->whole;
	va_start(ap, fmt);
	relc_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	relc_error_at(c->err, RELC_EAPP, c->path, t->line, t->col, "%s",
		      msg.buf);
	relc_strbuf_release(&msg);
	return -1;
}

/* "what TERM (expect)" at t. */
static int
bad_term(struct ck *c, const struct relc_term *t, const struct relc_term *near,
	 const char *what, const char *expect)
{
	struct relc_strbuf s = RELC_STRBUF_INIT;
	int r;

	show(&s, t);
	r = bad_at(c, t, near, "%s %s in the appup of '%s'%s%s%s", what, s.buf,
		   c->app, expect ? " (" : "", expect ? expect : "",
		   expect ? ")" : "");
	relc_strbuf_release(&s);
	return r;
}

static size_t
tuple_n(const struct relc_term *t)
{
	return t->type == RELC_T_TUPLE ? t->u.tuple.n : 0;
}

static const struct relc_term *
el(const struct relc_term *t, size_t i)
{
	return t->u.tuple.v[i];
}

static int
check_mod(struct ck *c, const struct relc_term *m, const struct relc_term *in)
{
	if (m->type != RELC_T_ATOM)
		return bad_term(c, m, in, "bad module", "an atom");
	return 0;
}

/* A proper list of module atoms ({M, Timeout} too when `suspend`). */
static int
check_mods(struct ck *c, const struct relc_term *l, const struct relc_term *in,
	   int suspend)
{
	size_t i, n;

	if (!relc_term_is_list(l))
		return bad_term(c, l, in, "bad list", "a list of modules");
	n = relc_term_list_len(l);
	for (i = 0; i < n; i++) {
		const struct relc_term *m = relc_term_list_nth(c->arena, l, i);

		if (suspend && tuple_n(m) == 2) {
			if (check_mod(c, el(m, 0), l))
				return -1;
			m = el(m, 1);
			if (!relc_term_is_atom(m, "default") &&
			    !relc_term_is_atom(m, "infinity") &&
			    !((m->type == RELC_T_INT && m->u.i > 0) ||
			      (m->type == RELC_T_BIGINT && !m->u.big.neg)))
				return bad_term(c, m, l, "bad timeout",
						"default, infinity or a "
						"positive integer");
			continue;
		}
		if (check_mod(c, m, l))
			return -1;
	}
	return 0;
}

static int
check_one_of(struct ck *c, const struct relc_term *t,
	     const struct relc_term *in, const char *what,
	     const char *const *ok, size_t n, const char *expect)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (relc_term_is_atom(t, ok[i]))
			return 0;
	return bad_term(c, t, in, what, expect);
}

static int
check_purge(struct ck *c, const struct relc_term *t, const struct relc_term *in)
{
	static const char *const ok[] = {"soft_purge", "brutal_purge"};

	return check_one_of(c, t, in, "bad purge method", ok,
			    RELC_ARRAY_SIZE(ok), "soft_purge or brutal_purge");
}

static int
check_timeout(struct ck *c, const struct relc_term *t,
	      const struct relc_term *in)
{
	if (relc_term_is_atom(t, "default") ||
	    relc_term_is_atom(t, "infinity") ||
	    (t->type == RELC_T_INT && t->u.i > 0) ||
	    (t->type == RELC_T_BIGINT && !t->u.big.neg))
		return 0;
	return bad_term(c, t, in, "bad timeout",
			"default, infinity or a positive integer");
}

static int
check_change(struct ck *c, const struct relc_term *t,
	     const struct relc_term *in)
{
	if (relc_term_is_atom(t, "soft") ||
	    (tuple_n(t) == 2 && relc_term_is_atom(el(t, 0), "advanced")))
		return 0;
	return bad_term(c, t, in, "bad change", "soft or {advanced, Extra}");
}

static int
check_mfa(struct ck *c, const struct relc_term *t, const struct relc_term *in)
{
	if (tuple_n(t) != 3)
		return bad_term(c, t, in, "bad instruction", NULL);
	if (check_mod(c, el(t, 0), t))
		return -1;
	if (el(t, 1)->type != RELC_T_ATOM)
		return bad_term(c, el(t, 1), t, "bad function", "an atom");
	if (!relc_term_is_list(el(t, 2)))
		return bad_term(c, el(t, 2), t, "bad argument list", "a list");
	return 0;
}

static int
exists(struct ck *c, const struct relc_term *m, int del)
{
	const struct relc_strset *set = del ? c->del : c->load;

	if (!set || relc_strset_has(set, m->u.atom.name))
		return 0;
	return bad_at(c, m, NULL, "'%s' is not a module of %s %s",
		      m->u.atom.name, c->app, del ? c->del_vsn : c->load_vsn);
}

enum form { F_MOD, F_MODS, F_CHANGE, F_PURGE, F_TIMEOUT, F_MODTYPE };

/*
 * The module instructions of check_op/1, by name and size: what each
 * element after the name must be.  `load` says where the module named
 * second must exist: 1 in the version loaded, 2 in the version left.
 */
struct shape {
	const char *name;
	size_t n;
	enum form f[7];
	int where;
};

static const struct shape shapes[] = {
    {"update", 6, {F_MOD, F_CHANGE, F_PURGE, F_PURGE, F_MODS}, 1},
    {"update", 7, {F_MOD, F_TIMEOUT, F_CHANGE, F_PURGE, F_PURGE, F_MODS}, 1},
    {"update",
     8,
     {F_MOD, F_MODTYPE, F_TIMEOUT, F_CHANGE, F_PURGE, F_PURGE, F_MODS},
     1},
    {"load_module", 5, {F_MOD, F_PURGE, F_PURGE, F_MODS}, 1},
    {"add_module", 2, {F_MOD}, 1},
    {"add_module", 3, {F_MOD, F_MODS}, 1},
    {"delete_module", 2, {F_MOD}, 2},
    {"delete_module", 3, {F_MOD, F_MODS}, 2},
};

static int
check_shape(struct ck *c, const struct relc_term *t, const struct shape *s)
{
	static const char *const modtype[] = {"static", "dynamic"};
	size_t i;

	for (i = 1; i < s->n; i++) {
		const struct relc_term *e = el(t, i);
		int r = 0;

		switch (s->f[i - 1]) {
		case F_MOD:
			r = check_mod(c, e, t);
			break;
		case F_MODS:
			r = check_mods(c, e, t, 0);
			break;
		case F_CHANGE:
			r = check_change(c, e, t);
			break;
		case F_PURGE:
			r = check_purge(c, e, t);
			break;
		case F_TIMEOUT:
			r = check_timeout(c, e, t);
			break;
		case F_MODTYPE:
			r = check_one_of(c, e, t, "bad module type", modtype,
					 RELC_ARRAY_SIZE(modtype),
					 "static or dynamic");
			break;
		}
		if (r)
			return -1;
	}
	return exists(c, el(t, 1), s->where == 2);
}

/*
 * expand_script/1's short forms: {load_module, M}, {load_module, M,
 * Mods}, {update, M}, {update, M, supervisor | Change | soft | Mods},
 * {update, M, Change | soft, Mods}, {add_application, A}.  Returns 1
 * when t is one (checked), 0 when not, -1 on error.
 */
static int
check_short(struct ck *c, const struct relc_term *t)
{
	size_t n = tuple_n(t);
	const struct relc_term *x;

	if (relc_term_is_atom(el(t, 0), "add_application") && n == 2) {
		if (el(t, 1)->type != RELC_T_ATOM)
			return bad_term(c, el(t, 1), t, "bad application",
					"an atom");
		return 1;
	}
	if (relc_term_is_atom(el(t, 0), "load_module") &&
	    (n == 2 || (n == 3 && relc_term_is_list(el(t, 2))))) {
		if (check_mod(c, el(t, 1), t) ||
		    (n == 3 && check_mods(c, el(t, 2), t, 0)) ||
		    exists(c, el(t, 1), 0))
			return -1;
		return 1;
	}
	if (!relc_term_is_atom(el(t, 0), "update") || n < 2 || n > 4)
		return 0;
	if (n == 3) {
		x = el(t, 2);
		if (!relc_term_is_atom(x, "supervisor") &&
		    x->type != RELC_T_TUPLE && !relc_term_is_atom(x, "soft") &&
		    !relc_term_is_list(x))
			return 0;
		if (x->type == RELC_T_TUPLE && check_change(c, x, t))
			return -1;
		if (relc_term_is_list(x) && check_mods(c, x, t, 0))
			return -1;
	}
	if (n == 4) {
		x = el(t, 2);
		if ((x->type != RELC_T_TUPLE &&
		     !relc_term_is_atom(x, "soft")) ||
		    !relc_term_is_list(el(t, 3)))
			return 0;
		if (check_change(c, x, t) || check_mods(c, el(t, 3), t, 0))
			return -1;
	}
	if (check_mod(c, el(t, 1), t) || exists(c, el(t, 1), 0))
		return -1;
	return 1;
}

/* check_op/1 on one instruction (after expansion). */
static int
check_op(struct ck *c, const struct relc_term *t, const struct relc_term *in)
{
	static const char *const simple[] = {
	    "restart",
	    "reboot",
	    "point_of_no_return",
	    "restart_new_emulator",
	    "restart_emulator",
	};
	static const char *const start_types[] = {"none", "load", "temporary",
						  "transient", "permanent"};
	static const char *const modes[] = {"up", "down"};
	size_t i, n = tuple_n(t);
	const char *name;

	for (i = 0; i < RELC_ARRAY_SIZE(simple); i++)
		if (relc_term_is_atom(t, simple[i]))
			return 0;
	if (relc_term_is_atom(t, "mnesia_backup"))
		return bad_at(c, t, in,
			      "mnesia_backup is not implemented by systools "
			      "(in the appup of '%s')",
			      c->app);
	if (!n || el(t, 0)->type != RELC_T_ATOM)
		return bad_term(c, t, in, "unknown instruction", NULL);
	name = el(t, 0)->u.atom.name;
	for (i = 0; i < RELC_ARRAY_SIZE(shapes); i++)
		if (!strcmp(shapes[i].name, name) && shapes[i].n == n)
			return check_shape(c, t, &shapes[i]);
	if (n == 2 && (!strcmp(name, "remove_application") ||
		       !strcmp(name, "restart_application"))) {
		if (el(t, 1)->type != RELC_T_ATOM)
			return bad_term(c, el(t, 1), t, "bad application",
					"an atom");
		return 0;
	}
	if (n == 3 && !strcmp(name, "add_application")) {
		if (el(t, 1)->type != RELC_T_ATOM)
			return bad_term(c, el(t, 1), t, "bad application",
					"an atom");
		return check_one_of(c, el(t, 2), t, "bad start type",
				    start_types, RELC_ARRAY_SIZE(start_types),
				    "none, load, temporary, transient or "
				    "permanent");
	}
	if (n == 2 && !strcmp(name, "load_object_code")) {
		const struct relc_term *l = el(t, 1);

		if (tuple_n(l) != 3)
			return bad_term(c, t, in, "unknown instruction", NULL);
		if (el(l, 0)->type != RELC_T_ATOM)
			return bad_term(c, el(l, 0), l, "bad library",
					"an atom");
		if (!relc_term_is_list(el(l, 1)))
			return bad_term(c, el(l, 1), l, "bad library version",
					"a string");
		return check_mods(c, el(l, 2), l, 0);
	}
	if (n == 2 && (!strcmp(name, "load") || !strcmp(name, "remove"))) {
		const struct relc_term *l = el(t, 1);

		if (tuple_n(l) != 3)
			return bad_term(c, t, in, "unknown instruction", NULL);
		if (check_mod(c, el(l, 0), l) || check_purge(c, el(l, 1), l) ||
		    check_purge(c, el(l, 2), l))
			return -1;
		return 0;
	}
	if (n == 2 && (!strcmp(name, "purge") || !strcmp(name, "resume") ||
		       !strcmp(name, "stop") || !strcmp(name, "start")))
		return check_mods(c, el(t, 1), t, 0);
	if (n == 2 && !strcmp(name, "suspend"))
		return check_mods(c, el(t, 1), t, 1);
	if ((n == 2 || n == 3) && !strcmp(name, "code_change")) {
		const struct relc_term *l = el(t, n - 1);
		size_t k, len;

		if (!relc_term_is_list(l))
			return bad_term(c, l, t, "bad list",
					"a list of {Module, Extra}");
		if (n == 3 &&
		    check_one_of(c, el(t, 1), t, "bad mode", modes,
				 RELC_ARRAY_SIZE(modes), "up or down"))
			return -1;
		len = relc_term_list_len(l);
		for (k = 0; k < len; k++) {
			const struct relc_term *e =
			    relc_term_list_nth(c->arena, l, k);

			if (tuple_n(e) != 2)
				return bad_term(c, e, l,
						"bad code_change entry",
						"{Module, Extra}");
			if (check_mod(c, el(e, 0), e))
				return -1;
		}
		return 0;
	}
	if (n == 3 && !strcmp(name, "sync_nodes")) {
		const struct relc_term *x = el(t, 2);

		if (tuple_n(x) == 3)
			return check_mfa(c, x, t);
		if (!relc_term_is_list(x))
			return bad_term(c, x, t, "bad list", "a list of nodes");
		n = relc_term_list_len(x);
		for (i = 0; i < n; i++) {
			const struct relc_term *e =
			    relc_term_list_nth(c->arena, x, i);

			if (e->type != RELC_T_ATOM)
				return bad_term(c, e, x, "bad node", "an atom");
		}
		return 0;
	}
	if (n == 2 && !strcmp(name, "apply"))
		return check_mfa(c, el(t, 1), t);
	return bad_term(c, t, in, "unknown instruction", NULL);
}

/* An entry's instructions: expand_script/1 then check_syntax/1. */
static int
check_instrs(struct ck *c, const struct relc_term *l)
{
	size_t i, k, n = relc_term_list_len(l);

	for (i = 0; i < n; i++) {
		const struct relc_term *t = relc_term_list_nth(c->arena, l, i);
		int r;

		if (relc_term_is_list(t)) {
			/* a list is spliced in, its elements unexpanded */
			size_t m = relc_term_list_len(t);

			for (k = 0; k < m; k++)
				if (check_op(c,
					     relc_term_list_nth(c->arena, t, k),
					     t))
					return -1;
			continue;
		}
		r = tuple_n(t) >= 2 ? check_short(c, t) : 0;
		if (r < 0)
			return -1;
		if (!r && check_op(c, t, l))
			return -1;
	}
	return 0;
}

/*
 * One section: every entry {Vsn, Instrs} well formed and its instructions
 * known; those of the first entry matching from_vsn checked against the
 * modules too.
 */
static int
check_section(struct ck *c, const struct relc_term *sec, const char *what,
	      const char *from_vsn)
{
	const struct relc_strset *load = c->load, *del = c->del;
	struct relc_strbuf regerr = RELC_STRBUF_INIT;
	size_t i, n;
	int found = 0;

	if (!relc_term_is_list(sec) || sec->type == RELC_T_STRING)
		return bad_at(c, sec, NULL,
			      "the %s section of the appup of '%s' must be a "
			      "list of {Vsn, Instructions}",
			      what, c->app);
	n = relc_term_list_len(sec);
	for (i = 0; i < n; i++) {
		const struct relc_term *e = sec->u.list.v[i], *pat;
		const char *why = NULL;
		int m = 0;

		if (tuple_n(e) != 2)
			return bad_term(c, e, sec, "bad entry",
					"{Vsn, Instructions}");
		pat = el(e, 0);
		if (pat->type != RELC_T_STRING && pat->type != RELC_T_NIL &&
		    pat->type != RELC_T_BITS)
			return bad_term(c, pat, e, "bad version",
					"a string or a binary regular "
					"expression");
		if (!relc_term_is_list(el(e, 1)))
			return bad_term(c, el(e, 1), e, "bad instruction list",
					"a list");
		if (!found) {
			relc_strbuf_reset(&regerr);
			m = match_pattern(pat, from_vsn, &why, &regerr);
			if (m < 0) {
				struct relc_strbuf s = RELC_STRBUF_INIT;

				show(&s, pat);
				bad_at(c, pat, e,
				       "cannot use the version pattern %s in "
				       "the appup of '%s': %s",
				       s.buf, c->app, why);
				relc_strbuf_release(&s);
				relc_strbuf_release(&regerr);
				return -1;
			}
		}
		if (m)
			found = 1;
		else
			c->load = c->del = NULL; /* syntax only */
		if (check_instrs(c, el(e, 1))) {
			relc_strbuf_release(&regerr);
			return -1;
		}
		c->load = load;
		c->del = del;
	}
	relc_strbuf_release(&regerr);
	if (!found)
		return bad_at(c, sec, NULL,
			      "no %s entry in the appup of '%s' matches "
			      "version \"%s\"",
			      what, c->app, from_vsn);
	return 0;
}

static void
names_set(struct relc_strset *set, const struct relc_names *names)
{
	size_t i;

	for (i = 0; names && i < names->n; i++)
		relc_strset_add(set, names->v[i]);
}

int
relc_appup_check(const struct relc_term *appup, const char *path,
		 const char *app, const char *to_vsn,
		 const struct relc_names *to_mods, const char *from_vsn,
		 const struct relc_names *from_mods, struct relc_arena *arena,
		 struct relc_error *err)
{
	struct relc_strset to = RELC_STRSET_INIT, from = RELC_STRSET_INIT;
	struct ck c = {path, app, appup, arena, err, NULL, NULL, NULL, NULL};
	struct relc_strbuf vsn = RELC_STRBUF_INIT;
	int r = -1;

	if (tuple_n(appup) != 3) {
		bad_at(&c, appup, NULL,
		       "the appup of '%s' must be {Vsn, [{UpFromVsn, "
		       "Instructions}], [{DownToVsn, Instructions}]}",
		       app);
		goto out;
	}
	if (!relc_term_is_string(el(appup, 0))) {
		bad_term(&c, el(appup, 0), appup, "bad version", "a string");
		goto out;
	}
	relc_term_string_to_utf8(&vsn, el(appup, 0));
	if (strcmp(vsn.buf, to_vsn)) {
		bad_at(&c, el(appup, 0), appup,
		       "the appup is for version \"%s\" of '%s', the "
		       "application is \"%s\"",
		       vsn.buf, app, to_vsn);
		goto out;
	}
	names_set(&to, to_mods);
	names_set(&from, from_mods);
	c.load = to_mods ? &to : NULL;
	c.del = from_mods ? &from : NULL;
	c.load_vsn = to_vsn;
	c.del_vsn = from_vsn;
	if (check_section(&c, el(appup, 1), "upgrade", from_vsn))
		goto out;
	c.load = from_mods ? &from : NULL;
	c.del = to_mods ? &to : NULL;
	c.load_vsn = from_vsn;
	c.del_vsn = to_vsn;
	if (check_section(&c, el(appup, 2), "downgrade", from_vsn))
		goto out;
	r = 0;
out:
	relc_strset_release(&to);
	relc_strset_release(&from);
	relc_strbuf_release(&vsn);
	return r;
}
