/*
 * project.c: the places of a project (see project.h).
 */
#include "relc/compat.h"
#include "relc/project.h"

#include "relc/config.h"
#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/path.h"
#include "relc/projscan.h"

int
relc_project_locate(struct relc_project *p, const char *project_dir,
		    const char *config_path, struct relc_error *err)
{
	struct relc_strbuf dir = RELC_STRBUF_INIT;

	relc_strbuf_init(&p->dir, 0);
	relc_strbuf_init(&p->config, 0);
	if (project_dir) {
		relc_strbuf_addstr(&p->dir, project_dir);
	} else if (config_path) {
		/* PROJECT/rel/relc.yaml, or any DIR/relc.yaml */
		relc_path_dirname(&dir, config_path);
		if (!strcmp(relc_path_basename(dir.buf), "rel"))
			relc_path_pop(&dir);
		if (!strcmp(dir.buf, "rel"))
			relc_strbuf_reset(&dir);
		relc_strbuf_addstr(&p->dir, dir.len ? dir.buf : ".");
	} else {
		relc_strbuf_addch(&p->dir, '.');
	}
	relc_strbuf_release(&dir);
	if (config_path) {
		relc_strbuf_addstr(&p->config, config_path);
		return 0;
	}
	relc_path_resolve(&p->config, p->dir.buf, "rel/relc.yaml");
	if (!relc_fs_exists(p->config.buf))
		return relc_error_set(err, RELC_ECONFIG,
				      "no release config at '%s' (run 'relc "
				      "init' to write one, or pass --config)",
				      p->config.buf);
	return 0;
}

void
relc_project_release(struct relc_project *p)
{
	relc_strbuf_release(&p->dir);
	relc_strbuf_release(&p->config);
}

void
relc_project_path(const struct relc_project *p, struct relc_strbuf *out,
		  const char *rel)
{
	relc_path_resolve(out, p->dir.buf, rel);
}

int
relc_project_out_dir(struct relc_strbuf *out, const struct relc_project *p,
		     const struct relc_settings *s, const char *env,
		     const char *name, struct relc_error *err)
{
	if (s->output_dir) {
		relc_path_resolve(out, p->dir.buf, s->output_dir);
		return 0;
	}
	relc_path_resolve(out, p->dir.buf, "_build");
	if (relc_path_push(out, env, "environment", err))
		return -1;
	relc_path_append(out, "rel");
	return relc_path_push(out, name, "release name", err);
}

int
relc_project_archive_path(struct relc_strbuf *out, const char *out_dir,
			  const struct relc_settings *s, const char *file_name,
			  struct relc_error *err)
{
	relc_path_dirname(out, out_dir);
	if (!s->output_dir)
		relc_path_pop(out);
	return relc_path_push(out, file_name, "archive name", err);
}

/* A mix.exs larger than this is not one. */
#define MAX_MIX_EXS ((size_t)1 << 20)

int
relc_project_mix(struct relc_mix_project *out, const struct relc_project *p,
		 struct relc_arena *arena, struct relc_error *err)
{
	struct relc_strbuf path = RELC_STRBUF_INIT, text = RELC_STRBUF_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	relc_project_path(p, &path, "mix.exs");
	r = relc_fs_read_file(&text, path.buf, MAX_MIX_EXS, 1, err);
	if (r == 0) {
		relc_projscan_mix(out, text.buf, text.len, arena);
		r = 1;
	} else if (r == 1) {
		r = 0;
	}
	relc_strbuf_release(&path);
	relc_strbuf_release(&text);
	return r;
}
