/*
 * fuzz_projscan.c: what relc init reads of a project: mix.exs (the
 * tokenizer), .app.src and rebar.config (the term reader underneath), and
 * names made from directory names, which must always be usable.
 */
#include "relc/compat.h"

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/projscan.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_mix_project m;
	const char *buf = (const char *)data, *name, *vsn;
	char *z;

	relc_projscan_mix(&m, buf, size, &arena);
	if (!m.found && (m.app || m.version || m.apps_path))
		RELC_BUG("values without a project list");
	if (!relc_projscan_app(&name, &vsn, buf, size, &arena, &err) && !name)
		RELC_BUG("an application without a name");
	relc_error_release(&err);
	if (!relc_projscan_relx(&name, &vsn, buf, size, &arena) && !name)
		RELC_BUG("a release without a name");
	z = relc_xmemdupz(data, size);
	relc_projscan_name_from_dir(&sb, z);
	if (!relc_projscan_name_ok(sb.buf))
		RELC_BUG("name_from_dir made '%s'", sb.buf);
	relc_projscan_name_ok(z);
	relc_projscan_vsn_ok(z);
	free(z);
	relc_strbuf_release(&sb);
	relc_arena_release(&arena);
	return 0;
}
