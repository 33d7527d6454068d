/* test_config.c: rel/relc.yaml parsing, the schema, and selection. */
#include "relc/compat.h"

#include <setjmp.h>
#include <cmocka.h>

#include "relc/config.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/strbuf.h"

#ifndef RELC_CONFIG_DOC
#error "RELC_CONFIG_DOC must name docs/config.md (see tests/CMakeLists.txt)"
#endif

static struct relc_config *
parse_ok(const char *text)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_config *cfg = NULL;

	if (relc_config_parse(&cfg, text, strlen(text), "relc.yaml", &err)) {
		struct relc_strbuf msg = RELC_STRBUF_INIT;

		relc_error_format(&msg, &err);
		fail_msg("config did not parse: %s", msg.buf);
	}
	return cfg;
}

static void
assert_config_error(const char *text, const char *want)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	struct relc_config *cfg = NULL;

	assert_int_equal(
	    relc_config_parse(&cfg, text, strlen(text), "relc.yaml", &err), -1);
	assert_null(cfg);
	relc_error_format(&msg, &err);
	if (strcmp(msg.buf, want))
		fail_msg("want: %s\ngot:  %s", want, msg.buf);
	relc_strbuf_release(&msg);
	relc_error_release(&err);
}

static const char full[] =
    "release: book_app\n"
    "environment: prod\n"
    "releases:\n"
    "  book_app:\n"
    "    version: 0.1.0\n"
    "    output_dir: out/book\n"
    "    applications:\n"
    "      - book_app\n"
    "      - runtime_tools: load\n"
    "      - lib: {version: \"1.2\", type: transient}\n"
    "      - top: {included_applications: [a, b]}\n"
    "  other:\n"
    "    applications: {x: none, y: }\n"
    "environments:\n"
    "  dev: { dev_mode: true, include_erts: false }\n"
    "  prod: { include_erts: true, include_src: false, strip_beams: true }\n"
    "  cross:\n"
    "    include_erts: /opt/otp-26\n"
    "    lib_dirs: [vendor, ../shared]\n";

static void
test_full_config(void **state)
{
	struct relc_config *cfg = parse_ok(full);
	const struct relc_release_config *r = &cfg->releases[0];

	(void)state;
	assert_string_equal(cfg->default_release, "book_app");
	assert_string_equal(cfg->default_env, "prod");
	assert_int_equal(cfg->nreleases, 2);
	assert_string_equal(r->vsn, "0.1.0");
	assert_int_equal(r->ngoals, 4);
	assert_string_equal(r->goals[0].name, "book_app");
	assert_int_equal(r->goals[0].type, RELC_START_DEFAULT);
	assert_int_equal(r->goals[1].type, RELC_LOAD);
	assert_string_equal(r->goals[2].vsn, "1.2");
	assert_int_equal(r->goals[2].type, RELC_TRANSIENT);
	assert_int_equal(r->goals[3].has_incl, 1);
	assert_int_equal(r->goals[3].nincl, 2);
	assert_string_equal(r->goals[3].incl[1], "b");
	assert_int_equal(r->goals[1].line, 9);
	assert_int_equal(r->goals[1].col, 9);
	assert_int_equal(cfg->releases[1].ngoals, 2);
	assert_int_equal(cfg->releases[1].goals[0].type, RELC_NONE);
	assert_int_equal(cfg->nenvs, 3);
	assert_string_equal(cfg->envs[2].settings.erts_path, "/opt/otp-26");
	assert_int_equal(cfg->envs[2].settings.nlib_dirs, 2);
	relc_config_free(cfg);
}

static void
test_select_and_merge(void **state)
{
	struct relc_config *cfg = parse_ok(full);
	const struct relc_release_config *rel;
	struct relc_settings s;
	struct relc_error err = RELC_ERROR_INIT;
	const char *env;

	(void)state;
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, NULL, NULL, NULL, &err), 0);
	assert_string_equal(rel->name, "book_app");
	assert_string_equal(env, "prod");
	assert_int_equal(s.include_erts, 1);
	assert_string_equal(s.output_dir, "out/book");
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, "other", "dev", NULL, &err),
	    0);
	assert_int_equal(s.dev_mode, 1);
	assert_int_equal(s.include_erts, 0);
	assert_int_equal(s.strip_beams, 1); /* the default */
	assert_null(s.output_dir);
	assert_int_equal(relc_config_select(&rel, &env, &s, cfg, NULL,
					    "staging", NULL, &err),
			 -1);
	assert_string_equal(err.msg.buf, "environment 'staging' is not "
					 "defined (defined: dev, prod, cross)");
	relc_error_release(&err);
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, "nope", NULL, NULL, &err),
	    -1);
	assert_string_equal(err.msg.buf, "release 'nope' is not defined "
					 "(defined: book_app, other)");
	relc_error_release(&err);
	relc_config_free(cfg);
}

static void
test_env_defaults(void **state)
{
	struct relc_config *cfg = parse_ok("releases:\n  a:\n  b:\n");
	const struct relc_release_config *rel;
	struct relc_settings s;
	struct relc_error err = RELC_ERROR_INIT;
	const char *env;

	(void)state;
	/* two releases and no default: the user has to choose */
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, NULL, NULL, NULL, &err),
	    -1);
	relc_error_release(&err);
	/* no environments section: MIX_ENV, then prod, with defaults */
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, "b", NULL, "test", &err),
	    0);
	assert_string_equal(env, "test");
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, "b", NULL, NULL, &err), 0);
	assert_string_equal(env, "prod");
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, "b", "../x", NULL, &err),
	    -1);
	relc_error_release(&err);
	relc_config_free(cfg);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_config_error("", "relc.yaml:1:1: the file is empty (expected a "
				"'releases:' mapping)");
	assert_config_error("relase: x\nreleases: {a: }\n",
			    "relc.yaml:1:1: unknown key 'relase' (did you mean "
			    "'release'?)");
	assert_config_error("releases:\n  a:\n    verison: 1\n",
			    "relc.yaml:3:5: unknown release key 'verison' (did "
			    "you mean 'version'?)");
	assert_config_error(
	    "releases:\n  a:\n    applications:\n"
	    "      - x: laod\n",
	    "relc.yaml:4:12: unknown start type 'laod' (did you "
	    "mean 'load'?)");
	assert_config_error(
	    "releases:\n  a:\n    include_erts: [x]\n",
	    "relc.yaml:3:19: 'include_erts' must be true, false "
	    "or the path of an OTP installation");
	assert_config_error("releases:\n  a:\n    strip_beams: 3\n",
			    "relc.yaml:3:18: 'strip_beams' must be true or "
			    "false");
	assert_config_error("releases:\n  a: {version: 1}\n  a: {}\n",
			    "relc.yaml:3:3: duplicate key 'a'");
	assert_config_error("releases: [a]\n",
			    "relc.yaml:1:11: 'releases' must be a mapping of "
			    "release names to releases");
	assert_config_error("releases:\n  a:\n    applications: [x, x]\n",
			    "relc.yaml:3:23: application 'x' is listed twice");
	assert_config_error("releases:\n  a:\n    version: [1]\n",
			    "relc.yaml:3:14: 'version' must be a string");
	assert_config_error("releases:\n  a:\n   b: 1\n  - c\n",
			    "relc.yaml:4:3: did not find expected key while "
			    "parsing a block mapping");
	assert_config_error("release: b\nreleases:\n  a:\n",
			    "relc.yaml:1:10: release 'b' is not defined under "
			    "'releases'");
	assert_config_error("releases:\n  ../evil:\n",
			    "relc.yaml:2:3: '../evil' cannot be a release name "
			    "(it is used in file names)");
	assert_config_error(
	    "environments:\n  prod: {dev_mod: true}\n"
	    "releases: {a: }\n",
	    "relc.yaml:2:10: unknown setting 'dev_mod' (did you "
	    "mean 'dev_mode'?)");
	assert_config_error("releases:\n  a:\n    applications:\n"
			    "      - {x: load, y: load}\n",
			    "relc.yaml:4:9: each application must be a name or "
			    "'name: start_type'");
}

/* Every setting works in a release and in an environment. */
static void
test_every_setting_everywhere(void **state)
{
	static const char settings[] = "include_erts: /opt/otp\n"
				       "    include_src: true\n"
				       "    strip_beams: false\n"
				       "    dev_mode: true\n"
				       "    output_dir: out\n"
				       "    lib_dirs: [a]\n"
				       "    elixir_root: /opt/elixir\n"
				       "    follow_external_links: true\n"
				       "    vm_args: rel/vm.args\n"
				       "    sys_config: rel/sys.config\n"
				       "    env_file: rel/env.sh\n"
				       "    cookie: c00kie\n"
				       "    cookie_file: /etc/cookie\n"
				       "    hooks: {post_start: rel/h}\n"
				       "    commands: {seed: rel/seed}\n"
				       "    overlay_vars: {motd: hi}\n"
				       "    overlays: [{mkdir: var}]\n"
				       "    upfrom: 1.0.0\n";
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_config *cfg;
	size_t i;

	(void)state;
	relc_strbuf_addf(&text,
			 "releases:\n  r:\n    %s"
			 "environments:\n  e:\n    %s",
			 settings, settings);
	cfg = parse_ok(text.buf);
	for (i = 0; i < RELC_S__COUNT; i++) {
		assert_true(cfg->releases[0].settings.set & (1u << i));
		assert_true(cfg->envs[0].settings.set & (1u << i));
	}
	relc_config_free(cfg);
	relc_strbuf_release(&text);
}

/* The table: a key and a description for each id, no key twice. */
static void
test_settings_table(void **state)
{
	size_t i, j, n = relc_settings_count();

	(void)state;
	assert_int_equal(n, RELC_S__COUNT);
	for (i = 0; i < n; i++) {
		assert_non_null(relc_settings_key(i));
		assert_non_null(relc_settings_doc(i));
		assert_true(*relc_settings_doc(i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(relc_settings_key(i),
						relc_settings_key(j));
	}
	assert_null(relc_settings_key(n));
	assert_string_equal(relc_settings_key(RELC_S_FOLLOW_EXTERNAL_LINKS),
			    "follow_external_links");
}

/*
 * docs/config.md's table under "## Settings" has a row for every setting
 * of the table, and none for a setting that does not exist.
 */
static void
test_settings_documented(void **state)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf doc = RELC_STRBUF_INIT;
	int seen[RELC_S__COUNT] = {0};
	const char *p, *end;
	size_t i;

	(void)state;
	if (relc_fs_read_file(&doc, RELC_CONFIG_DOC, 1 << 20, 0, &err))
		fail_msg("cannot read %s: %s", RELC_CONFIG_DOC, err.msg.buf);
	p = strstr(doc.buf, "\n## Settings\n");
	assert_non_null(p);
	p++;
	end = strstr(p, "\n#");
	if (!end)
		end = doc.buf + doc.len;
	while (p && p < end) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > 3 && !strncmp(p, "| `", 3)) {
			const char *key = p + 3;
			const char *tick = memchr(key, '`', len - 3);
			size_t klen;

			assert_non_null(tick);
			klen = (size_t)(tick - key);
			for (i = 0; i < RELC_S__COUNT; i++)
				if (strlen(relc_settings_key(i)) == klen &&
				    !strncmp(relc_settings_key(i), key, klen))
					break;
			if (i == RELC_S__COUNT)
				fail_msg("docs/config.md documents '%.*s', "
					 "which is not a setting",
					 (int)klen, key);
			else
				seen[i]++;
		}
		p = eol ? eol + 1 : NULL;
	}
	for (i = 0; i < RELC_S__COUNT; i++)
		if (seen[i] != 1)
			fail_msg("docs/config.md lists '%s' %d times under "
				 "'## Settings', not once",
				 relc_settings_key(i), seen[i]);
	relc_strbuf_release(&doc);
}

/* Line `i` of a describe() text (without its newline). */
static void
nth_line(struct relc_strbuf *out, const char *text, size_t i)
{
	const char *eol;

	relc_strbuf_reset(out);
	while (i--) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	eol = strchr(text, '\n');
	assert_non_null(eol);
	relc_strbuf_add(out, text, (size_t)(eol - text));
}

/*
 * relc_settings_describe(): a line per setting in table order, and for
 * each setting every value it accepts gives a different text, which
 * differs from the defaults' text in that setting's line only.  The values
 * include strings that a careless join or quoting would confuse.
 */
static void
test_settings_describe(void **state)
{
	static const char *const values[] = {
	    "true",
	    "false",
	    "a",
	    "b",
	    "'a,b'",
	    "'a\"b'",
	    "'a\\\\nb'",
	    "\"a\\nb\"",
	    "\"a\\\\\"",
	    "[a]",
	    "[b]",
	    "[a, b]",
	    "['a,b']",
	    "['a\",\"b']",
	    "[a, '']",
	    "['a\\\\']",
	    "[]",
	    "{post_start: a}",
	    "{post_start: b}",
	    "{pre_start: a, post_start: b}",
	    "{pre_start: 'a\",\"post_start'}",
	    "{seed: a}",
	    "{seed: b}",
	    "{x: a}",
	    "{x: 'a\",\"y'}",
	    "[{mkdir: a}]",
	    "[{mkdir: b}]",
	    "[{copy: {from: a, to: b}}]",
	    "[{link: {from: a, to: b}}]",
	    "[{template: {from: a, to: b}}]",
	    "[{copy: {from: a, to: b}}, {mkdir: c}]",
	};
	struct relc_strbuf def = RELC_STRBUF_INIT, line = RELC_STRBUF_INIT,
			   want = RELC_STRBUF_INIT, yaml = RELC_STRBUF_INIT;
	struct relc_strbuf texts[RELC_ARRAY_SIZE(values)];
	struct relc_settings s;
	size_t i, j, k, ntexts;

	(void)state;
	relc_settings_defaults(&s);
	relc_settings_describe(&def, &s);
	for (i = 0; i < RELC_S__COUNT; i++) {
		nth_line(&line, def.buf, i);
		relc_strbuf_reset(&want);
		relc_strbuf_addf(&want, "%s=", relc_settings_key(i));
		assert_memory_equal(line.buf, want.buf, want.len);
	}
	assert_int_equal(strchr(def.buf, '\0') - def.buf, (long)def.len);

	for (i = 0; i < RELC_S__COUNT; i++) {
		const char *key = relc_settings_key(i);

		ntexts = 0;
		for (j = 0; j < RELC_ARRAY_SIZE(values); j++) {
			struct relc_error err = RELC_ERROR_INIT;
			struct relc_config *cfg = NULL;
			const struct relc_release_config *rel;
			const char *env;

			relc_strbuf_reset(&yaml);
			relc_strbuf_addf(&yaml,
					 "releases:\n  r:\n    %s: %s\n"
					 "environments:\n  e:\n    %s: %s\n",
					 key, values[j], key, values[j]);
			if (relc_config_parse(&cfg, yaml.buf, yaml.len,
					      "relc.yaml", &err)) {
				relc_error_release(&err);
				continue;
			}
			assert_true(cfg->releases[0].settings.set & (1u << i));
			assert_true(cfg->envs[0].settings.set & (1u << i));
			assert_int_equal(relc_config_select(&rel, &env, &s, cfg,
							    NULL, "e", NULL,
							    &err),
					 0);
			relc_strbuf_init(&texts[ntexts], 0);
			relc_settings_describe(&texts[ntexts], &s);
			for (k = 0; k < RELC_S__COUNT; k++) {
				if (k == i)
					continue;
				nth_line(&line, texts[ntexts].buf, k);
				nth_line(&want, def.buf, k);
				assert_string_equal(line.buf, want.buf);
			}
			for (k = 0; k < ntexts; k++)
				if (!strcmp(texts[k].buf, texts[ntexts].buf))
					fail_msg("%s: %s gives the same text "
						 "as another value:\n%s",
						 key, values[j],
						 texts[ntexts].buf);
			ntexts++;
			relc_config_free(cfg);
		}
		/* At least one value differs from the default. */
		if (ntexts < 2)
			fail_msg("%s accepts only %zu of the test values", key,
				 ntexts);
		for (k = 0; k < ntexts; k++)
			relc_strbuf_release(&texts[k]);
	}
	relc_strbuf_release(&def);
	relc_strbuf_release(&line);
	relc_strbuf_release(&want);
	relc_strbuf_release(&yaml);
}

/* The exact text, which the build's stamp hashes. */
static void
test_settings_describe_text(void **state)
{
	struct relc_config *cfg =
	    parse_ok("releases:\n"
		     "  r:\n"
		     "    include_erts: \"/opt/otp \\\"26\\\"\\t\"\n"
		     "    lib_dirs: [a, 'b,c']\n"
		     "    output_dir: out\n"
		     "    follow_external_links: yes\n"
		     "    cookie: c00kie\n"
		     "    hooks: {post_start: h, pre_stop: 'a\"b'}\n"
		     "    overlays:\n"
		     "      - mkdir: var\n"
		     "      - copy: {to: b, from: a}\n");
	const struct relc_release_config *rel;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf text = RELC_STRBUF_INIT;
	struct relc_settings s;
	const char *env;

	(void)state;
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, NULL, NULL, NULL, &err), 0);
	assert_int_equal(s.follow_external_links, 1);
	relc_settings_describe(&text, &s);
	assert_string_equal(
	    text.buf, "include_erts=\"/opt/otp \\\"26\\\"\\x09\"\n"
		      "include_src=false\n"
		      "strip_beams=true\n"
		      "dev_mode=false\n"
		      "output_dir=\"out\"\n"
		      "lib_dirs=[\"a\",\"b,c\"]\n"
		      "elixir_root=\n"
		      "follow_external_links=true\n"
		      "vm_args=\n"
		      "sys_config=\n"
		      "env_file=\n"
		      "cookie=\"c00kie\"\n"
		      "cookie_file=\n"
		      "hooks={\"post_start\":\"h\",\"pre_stop\":\"a\\\"b\"}\n"
		      "commands={}\n"
		      "overlay_vars={}\n"
		      "overlays=[mkdir(\"\",\"var\"),copy(\"a\",\"b\")]\n"
		      "upfrom=\n");
	relc_settings_defaults(&s);
	assert_int_equal(s.follow_external_links, 0);
	relc_strbuf_release(&text);
	relc_config_free(cfg);
}

/*
 * 100,000 applications, as a list and as a mapping: the duplicate checks
 * are linear (they were quadratic: 100k entries took 18 s).  No timing is
 * asserted; the test has to finish, and find a duplicate at the very end.
 */
#define MANY 100000

static void
many_apps(struct relc_strbuf *text, int mapping, int duplicate)
{
	size_t i;

	relc_strbuf_reset(text);
	relc_strbuf_addstr(text, "releases:\n  r:\n    applications:\n");
	for (i = 0; i < MANY; i++)
		relc_strbuf_addf(
		    text, mapping ? "      a%zu: load\n" : "      - a%zu\n",
		    duplicate && i == MANY - 1 ? (size_t)7 : i);
}

static void
test_many_applications(void **state)
{
	struct relc_strbuf text = RELC_STRBUF_INIT, want = RELC_STRBUF_INIT;
	struct relc_config *cfg;
	int mapping;

	(void)state;
	for (mapping = 0; mapping < 2; mapping++) {
		many_apps(&text, mapping, 0);
		cfg = parse_ok(text.buf);
		assert_int_equal(cfg->releases[0].ngoals, MANY);
		assert_string_equal(cfg->releases[0].goals[MANY - 1].name,
				    "a99999");
		relc_config_free(cfg);

		many_apps(&text, mapping, 1);
		relc_strbuf_reset(&want);
		relc_strbuf_addf(&want,
				 mapping ? "relc.yaml:%d:7: duplicate key 'a7'"
					 : "relc.yaml:%d:9: application 'a7' "
					   "is listed twice",
				 3 + MANY);
		assert_config_error(text.buf, want.buf);
	}
	relc_strbuf_release(&text);
	relc_strbuf_release(&want);
}

/*
 * A long unknown word gets no suggestion (and no table of len^2 entries).
 * YAML keys are at most 1024 characters, so the word is a start type.
 */
static void
test_long_unknown_word(void **state)
{
	struct relc_strbuf text = RELC_STRBUF_INIT, want = RELC_STRBUF_INIT;

	(void)state;
	relc_strbuf_addstr(&text, "releases:\n  a:\n    applications:\n"
				  "      x: laod");
	relc_strbuf_addchars(&text, 'x', 1000000);
	relc_strbuf_addstr(&want, "relc.yaml:4:10: unknown start type 'laod");
	relc_strbuf_addchars(&want, 'x', 1000000);
	relc_strbuf_addstr(&want, "'");
	assert_config_error(text.buf, want.buf);
	relc_strbuf_release(&text);
	relc_strbuf_release(&want);
}

/* One YAML document per file; what follows it is not ignored. */
static void
test_one_document(void **state)
{
	(void)state;
	relc_config_free(parse_ok("---\nreleases: {a: }\n"));
	relc_config_free(parse_ok("releases: {a: }\n...\n"));
	relc_config_free(parse_ok("releases: {a: }\n...\n# the end\n"));
	assert_config_error("releases: {a: }\n---\nreleases: {b: }\n",
			    "relc.yaml:2:1: the file holds a second YAML "
			    "document; relc.yaml must hold one");
	/* even an empty one, or one that is not YAML */
	assert_config_error("releases:\n  a:\n--- \n",
			    "relc.yaml:3:1: the file holds a second YAML "
			    "document; relc.yaml must hold one");
	assert_config_error("releases: {a: }\n--- [\n",
			    "relc.yaml:2:1: the file holds a second YAML "
			    "document; relc.yaml must hold one");
	assert_config_error("---\n---\n",
			    "relc.yaml:2:1: the file holds a second YAML "
			    "document; relc.yaml must hold one");
	assert_config_error("%YAML 1.1\n---\nreleases: {a: }\n...\n"
			    "%YAML 1.1\n---\nx: 1\n",
			    "relc.yaml:5:1: the file holds a second YAML "
			    "document; relc.yaml must hold one");
	/* without "---", libyaml itself refuses it */
	assert_config_error("releases: {a: }\n...\nreleases: {b: }\n",
			    "relc.yaml:3:1: did not find expected <document "
			    "start>");
}

/*
 * Names and versions with control characters: refused in one line that
 * shows them escaped.
 */
static void
test_control_characters(void **state)
{
	(void)state;
	assert_config_error("releases:\n  \"pr\\nod\":\n",
			    "relc.yaml:2:3: 'pr\\nod' cannot be a release name "
			    "(it holds a control character)");
	assert_config_error("releases:\n  \"a\\0b\": {}\n  \"a\\0c\": {}\n",
			    "relc.yaml:2:3: 'a\\x00b' cannot be a release name "
			    "(it holds a control character)");
	assert_config_error("release: \"a\\tb\"\nreleases: {a: }\n",
			    "relc.yaml:1:10: 'a\\tb' cannot be a release name "
			    "(it holds a control character)");
	assert_config_error("releases: {a: }\nenvironments:\n"
			    "  \"pr\\rod\": {}\n",
			    "relc.yaml:3:3: 'pr\\rod' cannot be an environment "
			    "name (it holds a control character)");
	assert_config_error("environment: \"pr\\eod\"\nreleases: {a: }\n",
			    "relc.yaml:1:14: 'pr\\x1bod' cannot be an "
			    "environment name (it holds a control character)");
	assert_config_error(
	    "releases:\n  a:\n    applications:\n"
	    "      - \"we\\x7fb\"\n",
	    "relc.yaml:4:9: 'we\\x7fb' cannot be an application "
	    "name (it holds a control character)");
	assert_config_error("releases:\n  a:\n    applications:\n"
			    "      \"we\\Nb\": load\n",
			    "relc.yaml:4:7: 'we\\xc2\\x85b' cannot be an "
			    "application name (it holds a control character)");
	assert_config_error("releases:\n  a:\n    applications:\n"
			    "      - x: {included_applications: [\"y\\n\"]}\n",
			    "relc.yaml:4:37: 'y\\n' cannot be an application "
			    "name (it holds a control character)");
	assert_config_error("releases:\n  a:\n    version: \"1.0\\n\"\n",
			    "relc.yaml:3:14: '1.0\\n' cannot be a version (it "
			    "holds a control character)");
	assert_config_error("releases:\n  a:\n    applications:\n"
			    "      - x: {version: \"1\\x01\"}\n",
			    "relc.yaml:4:22: '1\\x01' cannot be a version (it "
			    "holds a control character)");
	/* printable non-ASCII is fine */
	relc_config_free(parse_ok("releases:\n  \"r\\u00e9l\":\n"
				  "    version: \"1.0-\\u00df\"\n"));
}

/* The same for the names given on the command line (or in $MIX_ENV). */
static void
test_control_characters_select(void **state)
{
	struct relc_config *cfg = parse_ok("releases:\n  a:\n");
	struct relc_strbuf msg = RELC_STRBUF_INIT;
	const struct relc_release_config *rel;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_settings s;
	const char *env;

	(void)state;
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, NULL, "pr\nod", NULL, &err),
	    -1);
	assert_int_equal(err.kind, RELC_EUSAGE);
	relc_error_format(&msg, &err);
	assert_string_equal(msg.buf, "'pr\\nod' cannot be an environment name "
				     "(it holds a control character)");
	relc_error_release(&err);
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, NULL, NULL, "t\test", &err),
	    -1);
	assert_string_equal(err.msg.buf,
			    "'t\\test' cannot be an environment name (it "
			    "holds a control character)");
	relc_error_release(&err);
	assert_int_equal(
	    relc_config_select(&rel, &env, &s, cfg, "a\x7f", NULL, NULL, &err),
	    -1);
	assert_string_equal(err.msg.buf, "'a\\x7f' cannot be a release name "
					 "(it holds a control character)");
	relc_error_release(&err);
	relc_strbuf_release(&msg);
	relc_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_config),
	    cmocka_unit_test(test_select_and_merge),
	    cmocka_unit_test(test_env_defaults),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_every_setting_everywhere),
	    cmocka_unit_test(test_settings_table),
	    cmocka_unit_test(test_settings_documented),
	    cmocka_unit_test(test_settings_describe),
	    cmocka_unit_test(test_settings_describe_text),
	    cmocka_unit_test(test_many_applications),
	    cmocka_unit_test(test_long_unknown_word),
	    cmocka_unit_test(test_one_document),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_control_characters_select),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
