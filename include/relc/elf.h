/*
 * elf.h: what relc needs to know of an ELF file (a NIF, a driver, ERTS's
 * own executables): the machine, the shared libraries it needs, and the
 * symbol versions it needs from them (the highest GLIBC_x.y is the oldest
 * glibc it runs on).  Pure: bytes in, a struct out; no libelf, no readelf.
 */
#ifndef RELC_ELF_H
#define RELC_ELF_H

#include <stddef.h>

struct relc_arena;
struct relc_error;

struct relc_elf {
	int is64, little;	  /* ELFCLASS64, ELFDATA2LSB */
	unsigned type;		  /* e_type: ET_EXEC, ET_DYN, ... */
	unsigned machine;	  /* e_machine (EM_X86_64 62, EM_AARCH64 183) */
	const char *machine_name; /* "x86_64", "aarch64", ... or "unknown" */
	const char *soname;	  /* DT_SONAME, or NULL */
	const char **needed;	  /* DT_NEEDED, in order */
	size_t nneeded;
	/*
	 * The symbol versions it needs (the names of the SHT_GNU_verneed or
	 * DT_VERNEED entries, e.g. "GLIBC_2.34"), unique, in the order found.
	 */
	const char **versions;
	size_t nversions;
	char glibc[32]; /* the highest GLIBC_x.y[.z] of versions, or "" */
};

/*
 * Parse an ELF file's bytes (32 or 64-bit, either endianness).  The
 * dynamic section and the version needs are found through the section
 * headers, or, when there are none, through the program headers
 * (PT_DYNAMIC, its addresses mapped through the PT_LOAD segments).  The
 * strings and arrays live in `arena`; `data` may go once this returns.
 * Errors (not ELF, truncated, offsets out of bounds, a string without its
 * NUL) through err, with `name` in the message.  Returns 0 or -1.  Pure.
 */
int relc_elf_parse(struct relc_elf *out, const void *data, size_t len,
		   const char *name, struct relc_arena *arena,
		   struct relc_error *err);

/* Is this the start of an ELF file (\x7fELF)? */
int relc_elf_is_elf(const void *data, size_t len);

#endif
