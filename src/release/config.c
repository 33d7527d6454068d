/*
 * config.c: the YAML config and its schema (docs/config.md).
 *
 * The file's one document is loaded with libyaml's node API and walked
 * against tables of the keys each level allows; the settings a release or
 * an environment may give come from one table (setting_table), which also
 * drives merging and relc_settings_describe().  Unknown keys, duplicate
 * keys, values of the wrong shape and names or versions with control
 * characters are errors at the node's line and column.  Every check is
 * linear in the size of the file.
 */
#include "relc/compat.h"
#include "relc/config.h"

#include <yaml.h>

#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

/*
 * The largest config relc reads.  bench/config.sh builds relc with a larger
 * one (-DRELC_CONFIG_MAX_SIZE=N) to time a million applications.
 */
#ifndef RELC_CONFIG_MAX_SIZE
#define RELC_CONFIG_MAX_SIZE ((size_t)4 << 20)
#endif

static const char *const start_types[] = {
    NULL, "permanent", "transient", "temporary", "load", "none",
};

const char *
relc_start_type_name(enum relc_start_type type)
{
	return start_types[type == RELC_START_DEFAULT ? RELC_PERMANENT : type];
}

/* A release's own keys; its settings follow them in its key list. */
static const char *const release_own_keys[] = {
    "version",
    "applications",
};

struct ctx {
	const char *path;
	const char *buf; /* the file */
	size_t len;
	yaml_document_t *doc;
	struct relc_arena *arena;
	struct relc_error *err;
	/* the keys of an environment and of a release, from the tables */
	const char *setting_keys[RELC_S__COUNT];
	const char
	    *release_keys[RELC_ARRAY_SIZE(release_own_keys) + RELC_S__COUNT];
};

static int node_error(struct ctx *c, const yaml_node_t *node, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

static int
node_error(struct ctx *c, const yaml_node_t *node, const char *fmt, ...)
{
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	relc_strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	relc_error_at(c->err, RELC_ECONFIG, c->path,
		      node ? node->start_mark.line + 1 : 0,
		      node ? node->start_mark.column + 1 : 0, "%s", msg.buf);
	relc_strbuf_release(&msg);
	return -1;
}

static unsigned
line_of(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static unsigned
col_of(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.column + 1;
}

/* ---- "did you mean" ------------------------------------------------------ */

/*
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of neighbours ("laod" is one edit from "load").
 */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, r, *d;

	RELC_ALLOC_ARRAY(d, relc_st_mult(la + 1, lb + 1));
#define D(x, y) d[(x) * (lb + 1) + (y)]
	for (i = 0; i <= la; i++)
		D(i, 0) = i;
	for (j = 0; j <= lb; j++)
		D(0, j) = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = D(i - 1, j - 1) + cost;

			if (D(i - 1, j) + 1 < best)
				best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

/*
 * Words longer than this get no suggestion: no key is that long, and the
 * distance takes memory and time in the product of the lengths.
 */
#define MAX_SUGGEST_LEN 64

/* The candidate closest to `word`, if it is close enough to be a typo. */
static const char *
closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i;

	if (strlen(word) > MAX_SUGGEST_LEN)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t d;

		if (!cands[i])
			continue;
		d = edit_distance(word, cands[i]);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	if (best && best_d <= 2 && best_d * 3 <= strlen(best) + 1)
		return best;
	return NULL;
}

static int
unknown(struct ctx *c, const yaml_node_t *node, const char *what,
	const char *word, const char *const *cands, size_t n)
{
	const char *guess = closest(word, cands, n);

	if (guess)
		return node_error(c, node,
				  "unknown %s '%s' (did you mean '%s'?)", what,
				  word, guess);
	return node_error(c, node, "unknown %s '%s'", what, word);
}

/* ---- node helpers -------------------------------------------------------- */

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int
get_string(struct ctx *c, const yaml_node_t *n, const char *key,
	   const char **out)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return node_error(c, n, "'%s' must be a string", key);
	if (strlen(scalar(n)) != n->data.scalar.length)
		return node_error(c, n, "'%s' must not contain NUL characters",
				  key);
	*out = relc_arena_strdup(c->arena, scalar(n));
	return 0;
}

/*
 * Control characters: C0 (NUL included), DEL and C1 (U+0080 to U+009F,
 * which is C2 80 to C2 9F in UTF-8; NEL, U+0085, is a line break in YAML).
 * Returns the length of the one at s[i] (1 or 2), or 0.
 */
static size_t
control_at(const char *s, size_t len, size_t i)
{
	unsigned char ch = (unsigned char)s[i];

	if (ch < 0x20 || ch == 0x7f)
		return 1;
	if (ch == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
	    (unsigned char)s[i + 1] <= 0x9f)
		return 2;
	return 0;
}

static int
has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (control_at(s, len, i))
			return 1;
	return 0;
}

/* s with its control characters escaped, as relc_error_format() does. */
static void
add_escaped(struct relc_strbuf *sb, const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n ? n : 1) {
		n = control_at(s, len, i);
		if (s[i] == '\n')
			relc_strbuf_addstr(sb, "\\n");
		else if (s[i] == '\t')
			relc_strbuf_addstr(sb, "\\t");
		else if (s[i] == '\r')
			relc_strbuf_addstr(sb, "\\r");
		else if (n == 1)
			relc_strbuf_addf(sb, "\\x%02x", (unsigned char)s[i]);
		else if (n == 2)
			relc_strbuf_addf(sb, "\\xc2\\x%02x",
					 (unsigned char)s[i + 1]);
		else
			relc_strbuf_addch(sb, s[i]);
	}
}

/*
 * Names and versions end up in file names, in the boot script and in
 * messages: one with a control character is refused, in a message that
 * shows it escaped.  `what` is "a release name", "a version", ...
 */
static int
control_error(struct relc_error *err, enum relc_errkind kind, const char *path,
	      unsigned line, unsigned col, const char *s, size_t len,
	      const char *what)
{
	struct relc_strbuf esc = RELC_STRBUF_INIT;

	add_escaped(&esc, s, len);
	relc_error_at(err, kind, path, line, col,
		      "'%s' cannot be %s (it holds a control character)",
		      esc.buf, what);
	relc_strbuf_release(&esc);
	return -1;
}

/* Refuse a scalar with a control character (see control_error()). */
static int
check_name(struct ctx *c, const yaml_node_t *n, const char *what)
{
	if (!has_control(scalar(n), n->data.scalar.length))
		return 0;
	return control_error(c->err, RELC_ECONFIG, c->path, line_of(n),
			     col_of(n), scalar(n), n->data.scalar.length, what);
}

/* A string that names something or is a version (see check_name()). */
static int
get_name(struct ctx *c, const yaml_node_t *n, const char *key, const char *what,
	 const char **out)
{
	if (get_string(c, n, key, out))
		return -1;
	return check_name(c, n, what);
}

/* 1 true, 0 false, -1 neither (YAML 1.1 spellings accepted). */
static int
boolean(const yaml_node_t *n)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
					  "YES",  "on",	  "On",	  "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No",
					 "NO",	  "off",   "Off",   "OFF"};
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return -1;
	for (i = 0; i < RELC_ARRAY_SIZE(yes); i++)
		if (!strcmp(scalar(n), yes[i]))
			return 1;
	for (i = 0; i < RELC_ARRAY_SIZE(no); i++)
		if (!strcmp(scalar(n), no[i]))
			return 0;
	return -1;
}

static int
get_bool(struct ctx *c, const yaml_node_t *n, const char *key, int *out)
{
	int b = boolean(n);

	if (b < 0)
		return node_error(c, n, "'%s' must be true or false", key);
	*out = b;
	return 0;
}

/* ---- a set of strings --------------------------------------------------- */

/*
 * The duplicate checks: a set of byte strings (borrowed, not copied) with
 * open addressing, sized once for the most it will hold, so that checking
 * n names is O(n) rather than O(n^2).
 */
struct strset_slot {
	const char *s; /* NULL: free */
	size_t len;
};

struct strset {
	struct strset_slot *slots;
	size_t mask, n, max;
};

static void
strset_init(struct strset *set, size_t max)
{
	size_t cap = 16;

	while (cap / 2 < max)
		cap = relc_st_mult(cap, 2);
	RELC_CALLOC_ARRAY(set->slots, cap);
	set->mask = cap - 1;
	set->n = 0;
	set->max = max;
}

static void
strset_release(struct strset *set)
{
	free(set->slots);
	set->slots = NULL;
}

/* FNV-1a. */
static size_t
strset_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return (size_t)(h ^ (h >> 32));
}

/* Add s (len bytes); 1 if it was there already, else 0. */
static int
strset_add(struct strset *set, const char *s, size_t len)
{
	size_t i = strset_hash(s, len) & set->mask;

	for (; set->slots[i].s; i = (i + 1) & set->mask)
		if (set->slots[i].len == len &&
		    !memcmp(set->slots[i].s, s, len))
			return 1;
	if (set->n++ == set->max)
		RELC_BUG("strset: more than the %zu strings it was sized for",
			 set->max);
	set->slots[i].s = s;
	set->slots[i].len = len;
	return 0;
}

/* ---- mappings ------------------------------------------------------------ */

/*
 * Check a mapping's keys: each must be a scalar from `keys`, and none may
 * appear twice.  Calls back with the key index and the value node.
 */
typedef int (*pair_fn)(struct ctx *c, size_t idx, const yaml_node_t *key,
		       const yaml_node_t *val, void *data);

static int
walk_mapping(struct ctx *c, const yaml_node_t *map, const char *what,
	     const char *const *keys, size_t nkeys, pair_fn fn, void *data)
{
	yaml_node_pair_t *p;
	struct strset seen;
	int r = 0;

	strset_init(&seen, (size_t)(map->data.mapping.pairs.top -
				    map->data.mapping.pairs.start));
	for (p = map->data.mapping.pairs.start;
	     !r && p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		size_t i;

		if (!k || !v || k->type != YAML_SCALAR_NODE) {
			r = node_error(c, k ? k : map,
				       "a key must be a plain name, not %s",
				       k && k->type == YAML_SEQUENCE_NODE
					   ? "a list"
					   : "a mapping");
		} else if (strset_add(&seen, scalar(k), strlen(scalar(k)))) {
			r = node_error(c, k, "duplicate key '%s'", scalar(k));
		} else if (!keys) {
			r = fn(c, (size_t)-1, k, v, data);
		} else {
			for (i = 0; i < nkeys && strcmp(keys[i], scalar(k));
			     i++)
				;
			if (i == nkeys)
				r = unknown(c, k, what, scalar(k), keys, nkeys);
			else
				r = fn(c, i, k, v, data);
		}
	}
	strset_release(&seen);
	return r;
}

/* ---- settings ------------------------------------------------------------ */

/*
 * What a setting's fields hold: `value` and `extra` are offsets into
 * struct relc_settings.
 */
enum setting_type {
	SETTING_BOOL,  /* an int at value */
	SETTING_PATH,  /* a const char * at value, NULL when unset */
	SETTING_PATHS, /* a const char ** at value, its size_t count at extra */
	SETTING_ERTS,  /* true, false or a path: an int at value, the path (or
			* NULL) as a const char * at extra */
	SETTING_WORD,  /* a string without blanks or control characters (a
			* cookie): a const char * at value */
	SETTING_MAP,   /* a mapping of names to strings: a const struct
			* relc_kv * at value, its size_t count at extra; `map`
			* says which names */
	SETTING_OVERLAYS /* a list of overlays: a const struct relc_overlay *
			  * at value, its size_t count at extra */
};

/* The names a SETTING_MAP allows. */
enum map_keys {
	MAP_HOOKS,    /* relc_hook_names */
	MAP_COMMANDS, /* command names, none of relc_builtin_commands */
	MAP_VARS      /* template variable names */
};

const char *const relc_hook_names[] = {
    "pre_configure", "post_configure", "pre_start",   "post_start",
    "pre_stop",	     "post_stop",      "pre_upgrade", "post_upgrade",
};
const size_t relc_nhook_names = RELC_ARRAY_SIZE(relc_hook_names);

const char *const relc_builtin_commands[] = {
    "foreground",      "console", "start",     "daemon",    "stop",
    "restart",	       "reboot",  "pid",       "ping",	    "remote_console",
    "remote",	       "attach",  "rpc",       "eval",	    "version",
    "describe",	       "help",	  "upgrade",   "downgrade", "releases",
    "unpack",	       "install", "permanent", "remove",    "unpack_release",
    "install_release",
};
const size_t relc_nbuiltin_commands = RELC_ARRAY_SIZE(relc_builtin_commands);

/*
 * The settings a release or an environment may give, indexed by
 * relc_setting_id.  Parsing, merging, the defaults, the release's keys,
 * relc_settings_describe() and the docs test are all driven by it.
 */
struct setting {
	const char *key;
	enum setting_type type;
	size_t value; /* offsetof the value (see enum setting_type) */
	size_t extra; /* offsetof the second field, if the type has one */
	int def;      /* the default of SETTING_BOOL and SETTING_ERTS; the
		       * enum map_keys of SETTING_MAP */
	const char *doc;
};

#define AT(field) offsetof(struct relc_settings, field)

static const struct setting setting_table[RELC_S__COUNT] = {
    [RELC_S_INCLUDE_ERTS] = {"include_erts", SETTING_ERTS, AT(include_erts),
			     AT(erts_path), 1,
			     "put a runtime in the release; a path names the "
			     "OTP installation to take it from"},
    [RELC_S_INCLUDE_SRC] = {"include_src", SETTING_BOOL, AT(include_src), 0, 0,
			    "copy src/ and include/ of each application"},
    [RELC_S_STRIP_BEAMS] = {"strip_beams", SETTING_BOOL, AT(strip_beams), 0, 1,
			    "strip BEAM files to the chunks that run (and "
			    "Attr)"},
    [RELC_S_DEV_MODE] = {"dev_mode", SETTING_BOOL, AT(dev_mode), 0, 0,
			 "a development release (relc archive refuses it)"},
    [RELC_S_OUTPUT_DIR] = {"output_dir", SETTING_PATH, AT(output_dir), 0, 0,
			   "where the release is written (default "
			   "_build/ENV/rel/NAME)"},
    [RELC_S_LIB_DIRS] = {"lib_dirs", SETTING_PATHS, AT(lib_dirs), AT(nlib_dirs),
			 0, "more places to find applications, searched first"},
    [RELC_S_ELIXIR_ROOT] = {"elixir_root", SETTING_PATH, AT(elixir_root), 0, 0,
			    "the Elixir installation (default: the elixir on "
			    "PATH)"},
    [RELC_S_FOLLOW_EXTERNAL_LINKS] = {"follow_external_links", SETTING_BOOL,
				      AT(follow_external_links), 0, 0,
				      "follow symbolic links in priv/ that "
				      "lead out of the application; without "
				      "it such a link is an error"},
    [RELC_S_VM_ARGS] = {"vm_args", SETTING_PATH, AT(vm_args), 0, 0,
			"the template of releases/VSN/vm.args (${VAR} "
			"replaced when the release starts)"},
    [RELC_S_SYS_CONFIG] = {"sys_config", SETTING_PATH, AT(sys_config), 0, 0,
			   "the template of releases/VSN/sys.config (${VAR} "
			   "replaced when the release starts)"},
    [RELC_S_ENV_FILE] = {"env_file", SETTING_PATH, AT(env_file), 0, 0,
			 "a shell file bin/NAME sources first (default "
			 "rel/env.sh when it exists)"},
    [RELC_S_COOKIE] = {"cookie", SETTING_WORD, AT(cookie), 0, 0,
		       "a cookie baked into releases/COOKIE (and so into "
		       "the archive)"},
    [RELC_S_COOKIE_FILE] = {"cookie_file", SETTING_PATH, AT(cookie_file), 0, 0,
			    "a file bin/NAME reads the cookie from at run "
			    "time (relative: to the release root)"},
    [RELC_S_HOOKS] = {"hooks", SETTING_MAP, AT(hooks), AT(nhooks), MAP_HOOKS,
		      "scripts (or directories of them) run around "
		      "configure, start, stop and upgrade"},
    [RELC_S_COMMANDS] = {"commands", SETTING_MAP, AT(commands), AT(ncommands),
			 MAP_COMMANDS,
			 "custom commands of bin/NAME: name to script"},
    [RELC_S_OVERLAY_VARS] = {"overlay_vars", SETTING_MAP, AT(overlay_vars),
			     AT(noverlay_vars), MAP_VARS,
			     "variables of template overlays"},
    [RELC_S_OVERLAYS] = {"overlays", SETTING_OVERLAYS, AT(overlays),
			 AT(noverlays), 0,
			 "files and directories added to the release: "
			 "mkdir, copy, link, template"},
    [RELC_S_UPFROM] = {"upfrom", SETTING_WORD, AT(upfrom), 0, 0,
		       "an earlier version (or the path of its directory or "
		       "tarball) to write a relup from: a hot upgrade"},
};

#undef AT

_Static_assert(RELC_S__COUNT <= sizeof(unsigned) * 8,
	       "relc_settings.set has a bit for each setting");

size_t
relc_settings_count(void)
{
	return RELC_S__COUNT;
}

const char *
relc_settings_key(size_t id)
{
	return id < RELC_S__COUNT ? setting_table[id].key : NULL;
}

const char *
relc_settings_doc(size_t id)
{
	return id < RELC_S__COUNT ? setting_table[id].doc : NULL;
}

/*
 * The fields of a struct relc_settings, by offset.  memcpy keeps this free
 * of casts between pointer types.
 */
static void
set_field(struct relc_settings *s, size_t off, const void *v, size_t size)
{
	memcpy((char *)s + off, v, size);
}

static void
get_field(void *v, const struct relc_settings *s, size_t off, size_t size)
{
	memcpy(v, (const char *)s + off, size);
}

static int
get_int(const struct relc_settings *s, size_t off)
{
	int v;

	get_field(&v, s, off, sizeof(v));
	return v;
}

static const char *
get_str(const struct relc_settings *s, size_t off)
{
	const char *v;

	get_field(&v, s, off, sizeof(v));
	return v;
}

/* How many bytes of a setting's value and extra field there are. */
static void
field_sizes(const struct setting *d, size_t *value, size_t *extra)
{
	*value = *extra = 0;
	switch (d->type) {
	case SETTING_BOOL:
		*value = sizeof(int);
		break;
	case SETTING_PATH:
		*value = sizeof(const char *);
		break;
	case SETTING_PATHS:
		*value = sizeof(const char **);
		*extra = sizeof(size_t);
		break;
	case SETTING_ERTS:
		*value = sizeof(int);
		*extra = sizeof(const char *);
		break;
	case SETTING_WORD:
		*value = sizeof(const char *);
		break;
	case SETTING_MAP:
		*value = sizeof(const struct relc_kv *);
		*extra = sizeof(size_t);
		break;
	case SETTING_OVERLAYS:
		*value = sizeof(const struct relc_overlay *);
		*extra = sizeof(size_t);
		break;
	}
}

void
relc_settings_defaults(struct relc_settings *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < RELC_S__COUNT; i++)
		if (setting_table[i].type == SETTING_BOOL ||
		    setting_table[i].type == SETTING_ERTS)
			set_field(s, setting_table[i].value,
				  &setting_table[i].def, sizeof(int));
}

void
relc_settings_merge(struct relc_settings *base,
		    const struct relc_settings *over)
{
	size_t i;

	for (i = 0; i < RELC_S__COUNT; i++) {
		const struct setting *d = &setting_table[i];
		size_t value, extra;

		if (!(over->set & (1u << i)))
			continue;
		base->set |= 1u << i;
		base->where[i] = over->where[i];
		field_sizes(d, &value, &extra);
		set_field(base, d->value, (const char *)over + d->value, value);
		if (extra)
			set_field(base, d->extra, (const char *)over + d->extra,
				  extra);
	}
}

/* A string in double quotes, escaped so that the text is unambiguous. */
static void
describe_str(struct relc_strbuf *out, const char *s)
{
	relc_strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			relc_strbuf_addch(out, '\\');
			relc_strbuf_addch(out, ch);
		} else if (ch < 0x20 || ch == 0x7f) {
			relc_strbuf_addf(out, "\\x%02x", ch);
		} else {
			relc_strbuf_addch(out, ch);
		}
	}
	relc_strbuf_addch(out, '"');
}

static void
describe_bool(struct relc_strbuf *out, int b)
{
	relc_strbuf_addstr(out, b ? "true" : "false");
}

static const char *const overlay_kinds[] = {
    [RELC_OVERLAY_MKDIR] = "mkdir",
    [RELC_OVERLAY_COPY] = "copy",
    [RELC_OVERLAY_LINK] = "link",
    [RELC_OVERLAY_TEMPLATE] = "template",
};

/* {"key":"value",...} */
static void
describe_map(struct relc_strbuf *out, const struct relc_settings *s,
	     const struct setting *d)
{
	const struct relc_kv *kv;
	size_t j, n;

	get_field(&kv, s, d->value, sizeof(kv));
	get_field(&n, s, d->extra, sizeof(n));
	relc_strbuf_addch(out, '{');
	for (j = 0; j < n; j++) {
		if (j)
			relc_strbuf_addch(out, ',');
		describe_str(out, kv[j].key);
		relc_strbuf_addch(out, ':');
		describe_str(out, kv[j].value);
	}
	relc_strbuf_addch(out, '}');
}

/* [kind("from","to"),...], from empty for mkdir */
static void
describe_overlays(struct relc_strbuf *out, const struct relc_settings *s,
		  const struct setting *d)
{
	const struct relc_overlay *o;
	size_t j, n;

	get_field(&o, s, d->value, sizeof(o));
	get_field(&n, s, d->extra, sizeof(n));
	relc_strbuf_addch(out, '[');
	for (j = 0; j < n; j++) {
		if (j)
			relc_strbuf_addch(out, ',');
		relc_strbuf_addf(out, "%s(", overlay_kinds[o[j].kind]);
		describe_str(out, o[j].from ? o[j].from : "");
		relc_strbuf_addch(out, ',');
		describe_str(out, o[j].to);
		relc_strbuf_addch(out, ')');
	}
	relc_strbuf_addch(out, ']');
}

void
relc_settings_describe(struct relc_strbuf *out, const struct relc_settings *s)
{
	size_t i, j, n;

	for (i = 0; i < RELC_S__COUNT; i++) {
		const struct setting *d = &setting_table[i];
		const char *str, **list;

		relc_strbuf_addf(out, "%s=", d->key);
		switch (d->type) {
		case SETTING_ERTS:
			str = get_str(s, d->extra);
			if (str)
				describe_str(out, str);
			else
				describe_bool(out, get_int(s, d->value));
			break;
		case SETTING_BOOL:
			describe_bool(out, get_int(s, d->value));
			break;
		case SETTING_PATH:
		case SETTING_WORD:
			str = get_str(s, d->value);
			if (str)
				describe_str(out, str);
			break;
		case SETTING_MAP:
			describe_map(out, s, d);
			break;
		case SETTING_OVERLAYS:
			describe_overlays(out, s, d);
			break;
		case SETTING_PATHS:
			get_field(&list, s, d->value, sizeof(list));
			get_field(&n, s, d->extra, sizeof(n));
			relc_strbuf_addch(out, '[');
			for (j = 0; j < n; j++) {
				if (j)
					relc_strbuf_addch(out, ',');
				describe_str(out, list[j]);
			}
			relc_strbuf_addch(out, ']');
			break;
		}
		relc_strbuf_addch(out, '\n');
	}
}

static int
get_path(struct ctx *c, const yaml_node_t *v, const char *key, const char **out)
{
	if (get_string(c, v, key, out))
		return -1;
	if (!**out)
		return node_error(c, v, "'%s' must not be empty", key);
	return 0;
}

/* The key lists of an environment and of a release, from the tables. */
static void
fill_keys(struct ctx *c)
{
	size_t i, own = RELC_ARRAY_SIZE(release_own_keys);

	for (i = 0; i < own; i++)
		c->release_keys[i] = release_own_keys[i];
	for (i = 0; i < RELC_S__COUNT; i++)
		c->setting_keys[i] = c->release_keys[own + i] =
		    setting_table[i].key;
}

/*
 * A cookie: printable ASCII without blanks (bin/NAME reads it as a word,
 * and refuses any other).
 */
static int
get_word(struct ctx *c, const yaml_node_t *v, const char *key, const char **out)
{
	const char *p;

	if (get_string(c, v, key, out))
		return -1;
	if (!**out)
		return node_error(c, v, "'%s' must not be empty", key);
	if (strlen(*out) > 255)
		return node_error(c, v, "'%s' is longer than 255 bytes", key);
	for (p = *out; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return node_error(c, v,
					  "'%s' must be printable ASCII, "
					  "without blanks",
					  key);
	return 0;
}

/* [A-Za-z_][A-Za-z0-9_]*: a template variable. */
static int
is_var_name(const char *s)
{
	if (!(relc_isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!(relc_isalnum((unsigned char)*s) || *s == '_'))
			return 0;
	return 1;
}

/* A custom command: letters, digits, '_' and '-', not starting with '-'. */
static int
is_command_name(const char *s)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!(relc_isalnum((unsigned char)*s) || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

struct map_parse {
	const struct setting *d;
	struct relc_kv *v;
	size_t n;
};

static int
map_pair(struct ctx *c, size_t idx, const yaml_node_t *k, const yaml_node_t *v,
	 void *data)
{
	struct map_parse *m = data;
	struct relc_kv *kv = &m->v[m->n];
	const char *key = scalar(k);
	size_t i;

	(void)idx;
	if (check_name(c, k, "a name"))
		return -1;
	switch (m->d->def) {
	case MAP_COMMANDS:
		if (!is_command_name(key))
			return node_error(c, k,
					  "'%s' cannot be a command name: use "
					  "letters, digits, '_' and '-'",
					  key);
		for (i = 0; i < relc_nbuiltin_commands; i++)
			if (!strcmp(key, relc_builtin_commands[i]))
				return node_error(
				    c, k,
				    "'%s' is a command of bin/NAME itself: "
				    "give the custom command another name",
				    key);
		break;
	case MAP_VARS:
		if (!is_var_name(key))
			return node_error(c, k,
					  "'%s' cannot be a variable name: use "
					  "letters, digits and '_'",
					  key);
		if (!strcmp(key, "release_name") ||
		    !strcmp(key, "release_version") || !strcmp(key, "erts_vsn"))
			return node_error(c, k,
					  "'%s' is set by relc: give the "
					  "variable another name",
					  key);
		break;
	default:
		break; /* hooks: walk_mapping checked the names */
	}
	kv->key = relc_arena_strdup(c->arena, key);
	kv->line = line_of(k);
	kv->col = col_of(k);
	if (m->d->def == MAP_VARS) {
		if (v->type != YAML_SCALAR_NODE)
			return node_error(c, v, "'%s' must be a string", key);
		kv->value = relc_arena_strdup(c->arena, scalar(v));
	} else if (get_path(c, v, key, &kv->value)) {
		return -1;
	}
	m->n++;
	return 0;
}

static int
parse_map(struct ctx *c, const struct setting *d, const yaml_node_t *v,
	  struct relc_settings *s)
{
	struct map_parse m;
	size_t n;

	if (v->type != YAML_MAPPING_NODE)
		return node_error(c, v, "'%s' must be a mapping", d->key);
	n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	m.d = d;
	m.n = 0;
	m.v = relc_arena_array(c->arena, n, sizeof(*m.v));
	if (d->def == MAP_HOOKS
		? walk_mapping(c, v, "hook", relc_hook_names, relc_nhook_names,
			       map_pair, &m)
		: walk_mapping(c, v, d->key, NULL, 0, map_pair, &m))
		return -1;
	set_field(s, d->value, &m.v, sizeof(m.v));
	set_field(s, d->extra, &m.n, sizeof(m.n));
	return 0;
}

static const char *const from_to_keys[] = {"from", "to"};

static int
from_to_pair(struct ctx *c, size_t idx, const yaml_node_t *k,
	     const yaml_node_t *v, void *data)
{
	struct relc_overlay *o = data;

	return get_path(c, v, scalar(k), idx ? &o->to : &o->from);
}

/* A destination in the release: relative, without "." or ".." parts. */
static int
check_dest(struct ctx *c, const yaml_node_t *v, const char *to)
{
	if (!relc_path_relative_ok(to))
		return node_error(c, v,
				  "overlay destination '%s' must be a "
				  "relative path inside the release, "
				  "without '.' or '..'",
				  to);
	return 0;
}

static int
parse_overlay(struct ctx *c, const yaml_node_t *e, struct relc_overlay *o)
{
	const yaml_node_t *k, *v;
	size_t i;

	if (e->type != YAML_MAPPING_NODE ||
	    e->data.mapping.pairs.top - e->data.mapping.pairs.start != 1)
		return node_error(c, e,
				  "an overlay must be one of 'mkdir: PATH', "
				  "'copy: {from, to}', 'link: {from, to}', "
				  "'template: {from, to}'");
	k = yaml_document_get_node(c->doc, e->data.mapping.pairs.start->key);
	v = yaml_document_get_node(c->doc, e->data.mapping.pairs.start->value);
	if (!k || !v || k->type != YAML_SCALAR_NODE)
		return node_error(c, e, "an overlay must be 'KIND: ...'");
	for (i = 0; i < RELC_ARRAY_SIZE(overlay_kinds); i++)
		if (!strcmp(scalar(k), overlay_kinds[i]))
			break;
	if (i == RELC_ARRAY_SIZE(overlay_kinds))
		return unknown(c, k, "overlay", scalar(k), overlay_kinds,
			       RELC_ARRAY_SIZE(overlay_kinds));
	memset(o, 0, sizeof(*o));
	o->kind = (enum relc_overlay_kind)i;
	o->line = line_of(k);
	o->col = col_of(k);
	if (o->kind == RELC_OVERLAY_MKDIR) {
		if (get_path(c, v, "mkdir", &o->to))
			return -1;
	} else {
		if (v->type != YAML_MAPPING_NODE)
			return node_error(c, v,
					  "'%s' must be a mapping of from and "
					  "to",
					  scalar(k));
		if (walk_mapping(c, v, "overlay key", from_to_keys,
				 RELC_ARRAY_SIZE(from_to_keys), from_to_pair,
				 o))
			return -1;
		if (!o->from || !o->to)
			return node_error(c, v, "'%s' needs both from and to",
					  scalar(k));
	}
	return check_dest(c, v, o->to);
}

static int
parse_overlays(struct ctx *c, const struct setting *d, const yaml_node_t *v,
	       struct relc_settings *s)
{
	const yaml_node_item_t *it;
	struct relc_overlay *o;
	size_t n, i;

	if (v->type != YAML_SEQUENCE_NODE)
		return node_error(c, v, "'%s' must be a list", d->key);
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	o = relc_arena_array(c->arena, n, sizeof(*o));
	for (it = v->data.sequence.items.start, i = 0;
	     it < v->data.sequence.items.top; it++, i++) {
		const yaml_node_t *e = yaml_document_get_node(c->doc, *it);

		if (!e || parse_overlay(c, e, &o[i]))
			return -1;
	}
	set_field(s, d->value, &o, sizeof(o));
	set_field(s, d->extra, &n, sizeof(n));
	return 0;
}

/* Parse one setting; `idx` is its relc_setting_id. */
static int
parse_setting(struct ctx *c, size_t idx, const yaml_node_t *v,
	      struct relc_settings *s)
{
	const struct setting *d = &setting_table[idx];
	const yaml_node_item_t *it;
	const char *path = NULL, **list;
	size_t i, n;
	int b = 0;

	switch (d->type) {
	case SETTING_BOOL:
		if (get_bool(c, v, d->key, &b))
			return -1;
		set_field(s, d->value, &b, sizeof(b));
		break;
	case SETTING_PATH:
		if (get_path(c, v, d->key, &path))
			return -1;
		set_field(s, d->value, &path, sizeof(path));
		break;
	case SETTING_PATHS:
		if (v->type != YAML_SEQUENCE_NODE)
			return node_error(c, v, "'%s' must be a list of paths",
					  d->key);
		n = (size_t)(v->data.sequence.items.top -
			     v->data.sequence.items.start);
		list = relc_arena_array(c->arena, n, sizeof(*list));
		for (it = v->data.sequence.items.start, i = 0;
		     it < v->data.sequence.items.top; it++, i++) {
			const yaml_node_t *e =
			    yaml_document_get_node(c->doc, *it);

			if (!e || get_path(c, e, d->key, &list[i]))
				return -1;
		}
		set_field(s, d->value, &list, sizeof(list));
		set_field(s, d->extra, &n, sizeof(n));
		break;
	case SETTING_ERTS:
		b = boolean(v);
		if (b < 0 && v->type == YAML_SCALAR_NODE && !is_null(v)) {
			if (get_path(c, v, d->key, &path))
				return -1;
			b = 1;
		} else if (b < 0) {
			return node_error(c, v,
					  "'%s' must be true, false or the "
					  "path of an OTP installation",
					  d->key);
		}
		set_field(s, d->value, &b, sizeof(b));
		set_field(s, d->extra, &path, sizeof(path));
		break;
	case SETTING_WORD:
		if (get_word(c, v, d->key, &path))
			return -1;
		set_field(s, d->value, &path, sizeof(path));
		break;
	case SETTING_MAP:
		if (parse_map(c, d, v, s))
			return -1;
		break;
	case SETTING_OVERLAYS:
		if (parse_overlays(c, d, v, s))
			return -1;
		break;
	}
	s->set |= 1u << idx;
	s->where[idx].file = c->path;
	s->where[idx].line = line_of(v);
	s->where[idx].col = col_of(v);
	return 0;
}

/* ---- environments -------------------------------------------------------- */

static int
env_pair(struct ctx *c, size_t idx, const yaml_node_t *k, const yaml_node_t *v,
	 void *data)
{
	(void)k;
	return parse_setting(c, idx, v, data);
}

static int
environment_pair(struct ctx *c, size_t idx, const yaml_node_t *k,
		 const yaml_node_t *v, void *data)
{
	struct relc_config *cfg = data;
	struct relc_env_config *e = &cfg->envs[cfg->nenvs];

	(void)idx;
	memset(e, 0, sizeof(*e));
	e->name = relc_arena_strdup(c->arena, scalar(k));
	e->line = line_of(k);
	e->col = col_of(k);
	if (check_name(c, k, "an environment name"))
		return -1;
	if (!*e->name)
		return node_error(c, k, "environment names must not be empty");
	if (!is_null(v)) {
		if (v->type != YAML_MAPPING_NODE)
			return node_error(c, v,
					  "environment '%s' must be a mapping "
					  "of settings",
					  e->name);
		if (walk_mapping(c, v, "setting", c->setting_keys,
				 RELC_S__COUNT, env_pair, &e->settings))
			return -1;
	}
	cfg->nenvs++;
	return 0;
}

/* ---- releases ------------------------------------------------------------ */

static int
parse_start_type(struct ctx *c, const yaml_node_t *v, const char *app,
		 enum relc_start_type *out)
{
	size_t i;

	if (v->type != YAML_SCALAR_NODE)
		return node_error(c, v,
				  "the start type of '%s' must be one of "
				  "permanent, transient, temporary, "
				  "load, none",
				  app);
	for (i = 1; i < RELC_ARRAY_SIZE(start_types); i++) {
		if (!strcmp(scalar(v), start_types[i])) {
			*out = (enum relc_start_type)i;
			return 0;
		}
	}
	return unknown(c, v, "start type", scalar(v), start_types,
		       RELC_ARRAY_SIZE(start_types));
}

static const char *const goal_keys[] = {
    "type",
    "version",
    "included_applications",
};

static int
goal_pair(struct ctx *c, size_t idx, const yaml_node_t *k, const yaml_node_t *v,
	  void *data)
{
	struct relc_goal *g = data;
	const yaml_node_item_t *it;
	size_t i;

	(void)k;
	switch (idx) {
	case 0:
		return parse_start_type(c, v, g->name, &g->type);
	case 1:
		return get_name(c, v, "version", "a version", &g->vsn);
	default:
		if (v->type != YAML_SEQUENCE_NODE)
			return node_error(c, v,
					  "'included_applications' must be a "
					  "list of application names");
		g->has_incl = 1;
		g->nincl = (size_t)(v->data.sequence.items.top -
				    v->data.sequence.items.start);
		g->incl =
		    relc_arena_array(c->arena, g->nincl, sizeof(*g->incl));
		for (it = v->data.sequence.items.start, i = 0;
		     it < v->data.sequence.items.top; it++, i++) {
			const yaml_node_t *e =
			    yaml_document_get_node(c->doc, *it);

			if (!e || get_name(c, e, "included_applications",
					   "an application name", &g->incl[i]))
				return -1;
		}
		return 0;
	}
}

/* An application name followed by its spec (a type or a mapping). */
static int
parse_goal(struct ctx *c, struct relc_goal *g, const yaml_node_t *name,
	   const yaml_node_t *spec)
{
	memset(g, 0, sizeof(*g));
	if (name->type != YAML_SCALAR_NODE || is_null(name) ||
	    get_string(c, name, "applications", &g->name))
		return node_error(c, name, "expected an application name");
	if (check_name(c, name, "an application name"))
		return -1;
	g->line = line_of(name);
	g->col = col_of(name);
	if (!spec || is_null(spec))
		return 0;
	if (spec->type == YAML_SCALAR_NODE)
		return parse_start_type(c, spec, g->name, &g->type);
	if (spec->type != YAML_MAPPING_NODE)
		return node_error(c, spec,
				  "'%s' must be followed by a start type or by "
				  "a mapping of type, version and "
				  "included_applications",
				  g->name);
	return walk_mapping(c, spec, "application option", goal_keys,
			    RELC_ARRAY_SIZE(goal_keys), goal_pair, g);
}

static int
goals_pair(struct ctx *c, size_t idx, const yaml_node_t *k,
	   const yaml_node_t *v, void *data)
{
	struct relc_release_config *r = data;

	(void)idx;
	return parse_goal(c, &r->goals[r->ngoals++], k, v);
}

static int
parse_goals(struct ctx *c, struct relc_release_config *r, const yaml_node_t *v)
{
	const yaml_node_item_t *it;
	struct strset seen;
	size_t n, i;

	r->has_goals = 1;
	if (v->type == YAML_MAPPING_NODE) {
		n = (size_t)(v->data.mapping.pairs.top -
			     v->data.mapping.pairs.start);
		r->goals = relc_arena_array(c->arena, n, sizeof(*r->goals));
		if (walk_mapping(c, v, "application", NULL, 0, goals_pair, r))
			return -1;
	} else if (v->type == YAML_SEQUENCE_NODE) {
		n = (size_t)(v->data.sequence.items.top -
			     v->data.sequence.items.start);
		r->goals = relc_arena_array(c->arena, n, sizeof(*r->goals));
		for (it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			const yaml_node_t *e =
			    yaml_document_get_node(c->doc, *it);
			const yaml_node_t *k, *val;

			if (!e)
				return node_error(c, v, "bad list item");
			if (e->type == YAML_SCALAR_NODE) {
				if (parse_goal(c, &r->goals[r->ngoals], e,
					       NULL))
					return -1;
			} else if (e->type == YAML_MAPPING_NODE &&
				   e->data.mapping.pairs.top -
					   e->data.mapping.pairs.start ==
				       1) {
				k = yaml_document_get_node(
				    c->doc, e->data.mapping.pairs.start->key);
				val = yaml_document_get_node(
				    c->doc, e->data.mapping.pairs.start->value);
				if (!k ||
				    parse_goal(c, &r->goals[r->ngoals], k, val))
					return -1;
			} else {
				return node_error(
				    c, e,
				    "each application must be a name or "
				    "'name: start_type'");
			}
			r->ngoals++;
		}
	} else {
		return node_error(c, v, "'applications' must be a list");
	}
	for (i = 0; i < r->ngoals; i++) {
		const struct relc_goal *g = &r->goals[i];

		/* systools: a release without them permanent does not boot */
		if ((!strcmp(g->name, "kernel") ||
		     !strcmp(g->name, "stdlib")) &&
		    g->type != RELC_START_DEFAULT && g->type != RELC_PERMANENT)
			return relc_error_at(
			    c->err, RELC_ECONFIG, c->path, g->line, g->col,
			    "'%s' must be permanent in every release (it is "
			    "set to %s)",
			    g->name, relc_start_type_name(g->type));
	}
	strset_init(&seen, r->ngoals);
	for (i = 0; i < r->ngoals; i++) {
		if (strset_add(&seen, r->goals[i].name,
			       strlen(r->goals[i].name))) {
			relc_error_at(c->err, RELC_ECONFIG, c->path,
				      r->goals[i].line, r->goals[i].col,
				      "application '%s' is listed twice",
				      r->goals[i].name);
			break;
		}
	}
	strset_release(&seen);
	return i < r->ngoals ? -1 : 0;
}

/* The release version names releases/VSN/: a file name of its own. */
static int
get_release_vsn(struct ctx *c, const yaml_node_t *v, const char **out)
{
	if (get_name(c, v, "version", "a version", out))
		return -1;
	if (!**out)
		return node_error(c, v, "'version' must not be empty");
	if (!relc_path_component_ok(*out, strlen(*out)))
		return node_error(c, v,
				  "'%s' cannot be a release version (it is "
				  "used in file names)",
				  *out);
	return 0;
}

static int
release_key_pair(struct ctx *c, size_t idx, const yaml_node_t *k,
		 const yaml_node_t *v, void *data)
{
	struct relc_release_config *r = data;

	(void)k;
	if (idx == 0)
		return get_release_vsn(c, v, &r->vsn);
	if (idx == 1)
		return parse_goals(c, r, v);
	return parse_setting(c, idx - RELC_ARRAY_SIZE(release_own_keys), v,
			     &r->settings);
}

static int
release_pair(struct ctx *c, size_t idx, const yaml_node_t *k,
	     const yaml_node_t *v, void *data)
{
	struct relc_config *cfg = data;
	struct relc_release_config *r = &cfg->releases[cfg->nreleases];

	(void)idx;
	memset(r, 0, sizeof(*r));
	r->name = relc_arena_strdup(c->arena, scalar(k));
	r->line = line_of(k);
	r->col = col_of(k);
	if (check_name(c, k, "a release name"))
		return -1;
	if (!relc_path_component_ok(r->name, strlen(r->name)) ||
	    strchr(r->name, ' '))
		return node_error(c, k,
				  "'%s' cannot be a release name (it is used "
				  "in file names)",
				  r->name);
	if (!is_null(v)) {
		if (v->type != YAML_MAPPING_NODE)
			return node_error(
			    c, v, "release '%s' must be a mapping", r->name);
		if (walk_mapping(c, v, "release key", c->release_keys,
				 RELC_ARRAY_SIZE(c->release_keys),
				 release_key_pair, r))
			return -1;
	}
	cfg->nreleases++;
	return 0;
}

/* ---- top level ----------------------------------------------------------- */

static const char *const top_keys[] = {
    "release",
    "environment",
    "releases",
    "environments",
};

static int
top_pair(struct ctx *c, size_t idx, const yaml_node_t *k, const yaml_node_t *v,
	 void *data)
{
	struct relc_config *cfg = data;
	size_t n;

	switch (idx) {
	case 0:
		cfg->release_line = line_of(v);
		cfg->release_col = col_of(v);
		return get_name(c, v, "release", "a release name",
				&cfg->default_release);
	case 1:
		cfg->env_line = line_of(v);
		cfg->env_col = col_of(v);
		return get_name(c, v, "environment", "an environment name",
				&cfg->default_env);
	case 2:
		if (v->type != YAML_MAPPING_NODE)
			return node_error(c, v,
					  "'releases' must be a mapping of "
					  "release names to releases");
		n = (size_t)(v->data.mapping.pairs.top -
			     v->data.mapping.pairs.start);
		cfg->releases =
		    relc_arena_array(c->arena, n, sizeof(*cfg->releases));
		return walk_mapping(c, v, "release", NULL, 0, release_pair,
				    cfg);
	default:
		if (is_null(v))
			return 0;
		if (v->type != YAML_MAPPING_NODE)
			return node_error(c, v,
					  "'environments' must be a mapping of "
					  "environment names to settings");
		n = (size_t)(v->data.mapping.pairs.top -
			     v->data.mapping.pairs.start);
		cfg->envs = relc_arena_array(c->arena, n, sizeof(*cfg->envs));
		(void)k;
		return walk_mapping(c, v, "environment", NULL, 0,
				    environment_pair, cfg);
	}
}

static int
check_defaults(struct ctx *c, struct relc_config *cfg, const yaml_node_t *root)
{
	size_t i;

	if (!cfg->nreleases)
		return node_error(c, root,
				  "no releases defined (add a 'releases:' "
				  "mapping)");
	if (cfg->default_release) {
		for (i = 0; i < cfg->nreleases; i++)
			if (!strcmp(cfg->releases[i].name,
				    cfg->default_release))
				break;
		if (i == cfg->nreleases)
			return relc_error_at(c->err, RELC_ECONFIG, c->path,
					     cfg->release_line,
					     cfg->release_col,
					     "release '%s' is not defined "
					     "under 'releases'",
					     cfg->default_release);
	}
	return 0;
}

/*
 * Record the parser's error, at its position.  The reader (bytes that are
 * not UTF-8, control characters) gives a byte offset, not a mark: count
 * its line, and its column in characters as the marks do.
 */
static int
yaml_error(struct ctx *c, const yaml_parser_t *parser)
{
	const char *problem =
	    parser->problem ? parser->problem : "cannot parse YAML";
	unsigned long line = 1, col = 1;
	size_t i;

	if (parser->error != YAML_READER_ERROR)
		return relc_error_at(c->err, RELC_ECONFIG, c->path,
				     parser->problem_mark.line + 1,
				     parser->problem_mark.column + 1, "%s%s%s",
				     problem, parser->context ? " " : "",
				     parser->context ? parser->context : "");
	for (i = 0; i < parser->problem_offset && i < c->len; i++) {
		if (c->buf[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)c->buf[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	/* the value is the byte (an "octet") or the character at fault */
	if (parser->problem_value < 0)
		return relc_error_at(c->err, RELC_ECONFIG, c->path, line, col,
				     "%s", problem);
	if (strstr(problem, "octet"))
		return relc_error_at(c->err, RELC_ECONFIG, c->path, line, col,
				     "%s (byte 0x%02x)", problem,
				     (unsigned)parser->problem_value & 0xffu);
	return relc_error_at(c->err, RELC_ECONFIG, c->path, line, col,
			     "%s (U+%04X)", problem,
			     (unsigned)parser->problem_value);
}

/*
 * libyaml takes time in the product of the file's size and its nesting of
 * flow collections ([...] and {...}): a file of a few megabytes nested
 * deeply would take hours.  Where the file holds more brackets than the
 * depth relc allows, a first pass over its events (which stops at that
 * depth) checks the nesting before the document is loaded.
 */
#define MAX_DEPTH 64

static int
check_depth(struct ctx *c)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t i, brackets = 0;
	int depth = 0, r = 0, done = 0;

	for (i = 0; i < c->len; i++)
		brackets += c->buf[i] == '[' || c->buf[i] == '{';
	if (brackets <= MAX_DEPTH)
		return 0;
	if (!yaml_parser_initialize(&parser))
		RELC_BUG("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->buf,
				     c->len);
	while (!done && !r) {
		if (!yaml_parser_parse(&parser, &ev)) {
			r = yaml_error(c, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > MAX_DEPTH)
				r = relc_error_at(
				    c->err, RELC_ECONFIG, c->path,
				    ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "lists and mappings nest deeper than %d "
				    "levels",
				    MAX_DEPTH);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return r;
}

/*
 * After the first document the stream must end: a second document (after
 * "---", or a "%" directive) is an error where it starts, so that what
 * follows the first is not silently ignored.
 */
static int
check_one_document(struct ctx *c, yaml_parser_t *parser)
{
	yaml_event_t ev;
	int r = 0;

	if (!yaml_parser_parse(parser, &ev))
		return yaml_error(c, parser);
	if (ev.type == YAML_DOCUMENT_START_EVENT)
		r = relc_error_at(c->err, RELC_ECONFIG, c->path,
				  ev.start_mark.line + 1,
				  ev.start_mark.column + 1,
				  "the file holds a second YAML document; "
				  "relc.yaml must hold one");
	yaml_event_delete(&ev);
	return r;
}

int
relc_config_parse(struct relc_config **out, const char *buf, size_t len,
		  const char *path, struct relc_error *err)
{
	struct relc_config *cfg = relc_xcalloc(1, sizeof(*cfg));
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct ctx c;
	int r = -1;

	relc_arena_init(&cfg->arena);
	cfg->path = relc_arena_strdup(&cfg->arena, path);
	c.path = cfg->path;
	c.buf = buf;
	c.len = len;
	c.doc = &doc;
	c.arena = &cfg->arena;
	c.err = err;
	fill_keys(&c);
	if (check_depth(&c)) {
		relc_config_free(cfg);
		return -1;
	}
	if (!yaml_parser_initialize(&parser))
		RELC_BUG("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_error(&c, &parser);
		yaml_parser_delete(&parser);
		relc_config_free(cfg);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (check_one_document(&c, &parser)) {
		/* the error is recorded */
	} else if (!root) {
		relc_error_at(err, RELC_ECONFIG, path, 1, 1,
			      "the file is empty (expected a 'releases:' "
			      "mapping)");
	} else if (root->type != YAML_MAPPING_NODE) {
		node_error(&c, root,
			   "the top level must be a mapping with 'releases:'");
	} else if (!walk_mapping(&c, root, "key", top_keys,
				 RELC_ARRAY_SIZE(top_keys), top_pair, cfg) &&
		   !check_defaults(&c, cfg, root)) {
		r = 0;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r) {
		relc_config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

int
relc_config_load(struct relc_config **out, const char *path,
		 struct relc_error *err)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	int r;

	if (relc_fs_read_file(&sb, path, RELC_CONFIG_MAX_SIZE, 0, err)) {
		relc_strbuf_release(&sb);
		return -1;
	}
	r = relc_config_parse(out, sb.buf, sb.len, path, err);
	relc_strbuf_release(&sb);
	return r;
}

void
relc_config_free(struct relc_config *cfg)
{
	if (!cfg)
		return;
	relc_arena_release(&cfg->arena);
	free(cfg);
}

static void
list_names(struct relc_strbuf *sb, const struct relc_config *cfg, int envs)
{
	size_t i, n = envs ? cfg->nenvs : cfg->nreleases;

	for (i = 0; i < n; i++)
		relc_strbuf_addf(sb, "%s%s", i ? ", " : "",
				 envs ? cfg->envs[i].name
				      : cfg->releases[i].name);
}

/* Where the environment's name came from, for messages. */
enum env_from { FROM_OPTION, FROM_CONFIG, FROM_MIX_ENV, FROM_DEFAULT };

/*
 * Check the environment's name and find its settings (*out stays NULL when
 * the config defines no environments).  A name from the config is an
 * error at its place there; one from $MIX_ENV says so.
 */
static int
select_env(const struct relc_env_config **out, const struct relc_config *cfg,
	   const char *env, enum env_from from, struct relc_error *err)
{
	static const char *const whence[] = {"", "", " (from $MIX_ENV)",
					     " (the default)"};
	const char *var = from == FROM_MIX_ENV ? "$MIX_ENV" : NULL;
	unsigned line = from == FROM_CONFIG ? cfg->env_line : 0;
	unsigned col = from == FROM_CONFIG ? cfg->env_col : 0;
	struct relc_strbuf names = RELC_STRBUF_INIT;
	size_t i;

	if (has_control(env, strlen(env)))
		return control_error(err, RELC_EUSAGE, var, 0, 0, env,
				     strlen(env), "an environment name");
	if (!relc_path_component_ok(env, strlen(env)))
		return relc_error_at(
		    err, from == FROM_CONFIG ? RELC_ECONFIG : RELC_EUSAGE,
		    from == FROM_CONFIG ? cfg->path : var, line, col,
		    "'%s' cannot be an environment name (it "
		    "is used in file names)",
		    env);
	*out = NULL;
	for (i = 0; i < cfg->nenvs; i++)
		if (!strcmp(cfg->envs[i].name, env))
			*out = &cfg->envs[i];
	if (*out || !cfg->nenvs)
		return 0;
	list_names(&names, cfg, 1);
	relc_error_at(err, RELC_ECONFIG, cfg->path, line, col,
		      "environment '%s'%s is not defined%s (defined: %s)", env,
		      whence[from],
		      from == FROM_CONFIG ? " under 'environments'" : "",
		      names.buf);
	relc_strbuf_release(&names);
	return -1;
}

int
relc_config_select(const struct relc_release_config **rel_out,
		   const char **env_out, struct relc_settings *settings,
		   const struct relc_config *cfg, const char *release,
		   const char *env, const char *mix_env, struct relc_error *err)
{
	const struct relc_release_config *rel = NULL;
	const struct relc_env_config *e = NULL;
	struct relc_strbuf names = RELC_STRBUF_INIT;
	enum env_from from = FROM_OPTION;
	size_t i;

	if (release && has_control(release, strlen(release)))
		return control_error(err, RELC_EUSAGE, NULL, 0, 0, release,
				     strlen(release), "a release name");
	if (!release)
		release = cfg->default_release;
	if (!release) {
		if (cfg->nreleases > 1) {
			list_names(&names, cfg, 0);
			relc_error_at(err, RELC_ECONFIG, cfg->path, 0, 0,
				      "several releases are defined (%s): "
				      "choose one with --release or set "
				      "'release:'",
				      names.buf);
			relc_strbuf_release(&names);
			return -1;
		}
		rel = &cfg->releases[0];
	} else {
		for (i = 0; i < cfg->nreleases; i++)
			if (!strcmp(cfg->releases[i].name, release))
				rel = &cfg->releases[i];
		if (!rel) {
			list_names(&names, cfg, 0);
			relc_error_at(err, RELC_ECONFIG, cfg->path, 0, 0,
				      "release '%s' is not defined (defined: "
				      "%s)",
				      release, names.buf);
			relc_strbuf_release(&names);
			return -1;
		}
	}
	if (!env) {
		env = cfg->default_env;
		from = FROM_CONFIG;
	}
	if (!env && mix_env && *mix_env) {
		env = mix_env;
		from = FROM_MIX_ENV;
	}
	if (!env) {
		env = "prod";
		from = FROM_DEFAULT;
	}
	if (select_env(&e, cfg, env, from, err))
		return -1;
	relc_settings_defaults(settings);
	relc_settings_merge(settings, &rel->settings);
	if (e)
		relc_settings_merge(settings, &e->settings);
	*rel_out = rel;
	*env_out = e ? e->name : env;
	return 0;
}
