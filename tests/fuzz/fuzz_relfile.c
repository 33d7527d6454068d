/*
 * fuzz_relfile.c: the .rel reader.  Whatever it accepts must hold kernel
 * and stdlib, permanent, and entries with names and versions; what it
 * rejects must say why, at a place in the file.
 */
#include "relc/compat.h"

#include <string.h>

#include "relc/arena.h"
#include "relc/error.h"
#include "relc/relfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_relfile rf;
	size_t i, nk = 0;

	if (relc_relfile_parse(&rf, (const char *)data, size, "fuzz.rel",
			       &arena, &err)) {
		if (!err.msg.len || !err.path || strcmp(err.path, "fuzz.rel"))
			RELC_BUG("a rejected .rel without a message or path");
	} else {
		if (!rf.name || !rf.vsn || !rf.erts_vsn)
			RELC_BUG("an accepted .rel without name or versions");
		for (i = 0; i < rf.napps; i++) {
			if (!rf.apps[i].name || !rf.apps[i].vsn)
				RELC_BUG("an entry without name or version");
			if ((!strcmp(rf.apps[i].name, "kernel") ||
			     !strcmp(rf.apps[i].name, "stdlib")) &&
			    rf.apps[i].type == RELC_PERMANENT)
				nk++;
		}
		if (nk < 2)
			RELC_BUG("an accepted .rel without kernel and stdlib");
	}
	relc_error_release(&err);
	relc_arena_release(&arena);
	return 0;
}
