/*
 * fuzz_runconf.c: the checks of the vm.args and sys.config templates.
 * Placeholders keep every byte's place (the same length, the same line
 * breaks, nothing changed outside a reference); each check either passes
 * or fails with one error on one line.
 */
#include "relc/compat.h"

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/runconf.h"
#include "relc/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
has_half(void *ctx, const char *rel)
{
	(void)ctx;
	return strlen(rel) % 2 == 0;
}

static void
check_error(int r, const struct relc_error *err)
{
	if (r == 0 && relc_error_isset(err))
		RELC_BUG("an error on success");
	if (r != 0 && (!relc_error_isset(err) || !err->msg.len ||
		       strchr(err->msg.buf, '\n')))
		RELC_BUG("a failure without one line of error");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct relc_strbuf out = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_arena arena;
	size_t i;
	int r;

	relc_runconf_placeholders(&out, buf, size);
	if (out.len != size)
		RELC_BUG("placeholders changed the length");
	for (i = 0; i < size; i++)
		if (out.buf[i] != buf[i] &&
		    (out.buf[i] != '0' || buf[i] == '\n'))
			RELC_BUG("placeholders changed byte %zu", i);

	r = relc_runconf_check_vm_args(buf, size, "vm.args", has_half, NULL,
				       &err);
	check_error(r, &err);
	relc_error_release(&err);

	relc_arena_init(&arena);
	r = relc_runconf_check_sys_config(buf, size, "sys.config", &arena,
					  &err);
	check_error(r, &err);
	relc_error_release(&err);
	relc_arena_release(&arena);
	relc_strbuf_release(&out);
	return 0;
}
