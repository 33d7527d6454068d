/*
 * fuzz_elf.c: the ELF reader.  Whatever it accepts must be consistent:
 * the counts match the arrays, the versions are unique, the glibc version
 * is one of them, and a second parse gives the same.
 */
#include "relc/compat.h"

#include "relc/arena.h"
#include "relc/elf.h"
#include "relc/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_arena arena = RELC_ARENA_INIT;
	struct relc_elf a, b;
	size_t i, j;
	int found;

	if (!relc_elf_parse(&a, data, size, "fuzz.so", &arena, &err)) {
		if (!relc_elf_is_elf(data, size) || !a.machine_name)
			RELC_BUG("accepted something that is not ELF");
		for (i = 0; i < a.nneeded; i++)
			if (!a.needed[i])
				RELC_BUG("a NULL needed library");
		found = !a.glibc[0];
		for (i = 0; i < a.nversions; i++) {
			for (j = 0; j < i; j++)
				if (!strcmp(a.versions[i], a.versions[j]))
					RELC_BUG("versions not unique");
			found |= !strcmp(a.versions[i], a.glibc);
		}
		if (!found)
			RELC_BUG("the glibc version is not among the versions");
		if (relc_elf_parse(&b, data, size, "fuzz.so", &arena, &err) ||
		    a.nneeded != b.nneeded || a.nversions != b.nversions ||
		    strcmp(a.glibc, b.glibc) ||
		    (a.soname == NULL) != (b.soname == NULL))
			RELC_BUG("a second parse differs");
	} else if (!relc_error_isset(&err)) {
		RELC_BUG("an error without a message");
	}
	relc_error_release(&err);
	relc_arena_release(&arena);
	return 0;
}
