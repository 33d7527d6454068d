/*
 * elf.c: a pure ELF reader (see elf.h).  Every offset and size read from
 * the file is checked against its length before use, with arithmetic that
 * cannot overflow: the input may be anything.
 */
#include "relc/compat.h"

#include "relc/arena.h"
#include "relc/elf.h"
#include "relc/error.h"
#include "relc/strset.h"

#define SHT_STRTAB 3
#define SHT_DYNAMIC 6
#define SHT_GNU_VERNEED 0x6ffffffeu
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_STRTAB 5
#define DT_STRSZ 10
#define DT_SONAME 14
#define DT_VERNEED 0x6ffffffeu
#define DT_VERNEEDNUM 0x6fffffffu

/* A region of the file: [off, off + size), known to be within it. */
struct region {
	size_t off, size;
	int found;
};

struct elf_reader {
	const unsigned char *p;
	size_t len;
	int is64, little;
	const char *name;
	struct relc_error *err;
};

/* Is [off, off + n) within the file? */
static int
in_bounds(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

static uint64_t
get(const struct elf_reader *r, size_t off, unsigned width)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < width; i++) {
		unsigned b = r->p[off + (r->little ? width - 1 - i : i)];

		v = (v << 8) | b;
	}
	return v;
}

/* A 16, 32 or 64-bit field; the caller checked the bounds of the record. */
#define U16(r, off) ((unsigned)get((r), (off), 2))
#define U32(r, off) ((uint32_t)get((r), (off), 4))
#define WORD(r, off) get((r), (off), (r)->is64 ? 8 : 4)

static int
bad(const struct elf_reader *r, const char *what)
{
	return relc_error_set(r->err, RELC_EAPP, "%s: malformed ELF file (%s)",
			      r->name, what);
}

static const char *
machine_name(unsigned machine, int is64, int little)
{
	switch (machine) {
	case 3:
		return "i386";
	case 8:
		return is64 ? "mips64" : "mips";
	case 20:
		return "powerpc";
	case 21:
		return little ? "powerpc64le" : "powerpc64";
	case 22:
		return is64 ? "s390x" : "s390";
	case 40:
		return "arm";
	case 43:
		return "sparc64";
	case 62:
		return "x86_64";
	case 183:
		return "aarch64";
	case 243:
		return is64 ? "riscv64" : "riscv32";
	case 258:
		return "loongarch64";
	default:
		return "unknown";
	}
}

/* The NUL-terminated string at `idx` of the string table `tab`. */
static int
table_string(const char **out, const struct elf_reader *r,
	     const struct region *tab, uint64_t idx, struct relc_arena *arena)
{
	const unsigned char *s, *nul;

	if (!tab->found)
		return bad(r, "a string without its string table");
	if (idx >= tab->size)
		return bad(r, "a string offset out of bounds");
	s = r->p + tab->off + (size_t)idx;
	nul = memchr(s, 0, tab->size - (size_t)idx);
	if (!nul)
		return bad(r, "a string table without its NUL");
	*out = relc_arena_memdupz(arena, s, (size_t)(nul - s));
	return 0;
}

/* The file offset of virtual address `addr`, through the PT_LOAD segments. */
static int
map_address(size_t *out, const struct elf_reader *r, size_t phoff,
	    size_t phentsize, size_t phnum, uint64_t addr)
{
	size_t i;

	for (i = 0; i < phnum; i++) {
		size_t h = phoff + i * phentsize;
		uint64_t off, vaddr, filesz;

		if (U32(r, h) != PT_LOAD)
			continue;
		if (r->is64) {
			off = get(r, h + 8, 8);
			vaddr = get(r, h + 16, 8);
			filesz = get(r, h + 32, 8);
		} else {
			off = U32(r, h + 4);
			vaddr = U32(r, h + 8);
			filesz = U32(r, h + 16);
		}
		if (addr < vaddr || addr - vaddr >= filesz)
			continue;
		if (!in_bounds(r->len, off, filesz))
			return bad(r, "a segment out of bounds");
		*out = (size_t)(off + (addr - vaddr));
		return 0;
	}
	return bad(r, "an address in no loaded segment");
}

/* GLIBC_x.y[.z]: its numbers (at most 4), or 0 when not that shape. */
static int
glibc_version(const char *s, unsigned long v[4])
{
	int n = 0;

	if (strncmp(s, "GLIBC_", 6))
		return 0;
	s += 6;
	memset(v, 0, 4 * sizeof(*v));
	for (;;) {
		unsigned long x = 0;

		if (*s < '0' || *s > '9' || n == 4)
			return 0;
		while (*s >= '0' && *s <= '9') {
			if (x > 100000)
				return 0;
			x = x * 10 + (unsigned long)(*s++ - '0');
		}
		v[n++] = x;
		if (!*s)
			return n >= 2;
		if (*s++ != '.')
			return 0;
	}
}

static void
note_glibc(struct relc_elf *out, const char *s, unsigned long best[4])
{
	unsigned long v[4];
	int i;

	if (!glibc_version(s, v) || strlen(s) >= sizeof(out->glibc))
		return;
	for (i = 0; i < 4 && v[i] == best[i]; i++)
		;
	if (out->glibc[0] && (i == 4 || v[i] < best[i]))
		return;
	memcpy(best, v, sizeof(v));
	memcpy(out->glibc, s, strlen(s) + 1);
}

/*
 * The version needs: `count` Elf_Verneed records from `vn` (16 bytes each,
 * in both classes), each with its chain of Elf_Vernaux records.
 */
static int
read_verneed(struct relc_elf *out, const struct elf_reader *r,
	     const struct region *vn, uint64_t count, const struct region *str,
	     struct relc_arena *arena)
{
	struct relc_strset seen = RELC_STRSET_INIT;
	unsigned long best[4] = {0, 0, 0, 0};
	size_t off = 0, cap, n = 0;
	uint64_t i;
	int ret = -1;

	/* Every name is a record of at least 16 bytes. */
	cap = vn->size / 16;
	out->versions =
	    relc_arena_array(arena, cap ? cap : 1, sizeof(*out->versions));
	for (i = 0; i < count; i++) {
		size_t rec = vn->off + off, aux;
		unsigned cnt, j;
		uint32_t next;

		if (!in_bounds(vn->size, off, 16)) {
			bad(r, "a version need out of bounds");
			goto out;
		}
		cnt = U16(r, rec + 2);
		aux = off;
		next = U32(r, rec + 8);
		for (j = 0; j < cnt; j++) {
			const char *s;
			uint32_t anext;

			if (next > vn->size - aux ||
			    !in_bounds(vn->size, aux + next, 16)) {
				bad(r, "a version need out of bounds");
				goto out;
			}
			aux += next;
			if (table_string(&s, r, str, U32(r, vn->off + aux + 8),
					 arena))
				goto out;
			if (relc_strset_add(&seen, s) && n < cap) {
				out->versions[n++] = s;
				note_glibc(out, s, best);
			}
			anext = U32(r, vn->off + aux + 12);
			if (!anext)
				break;
			next = anext;
		}
		next = U32(r, rec + 12);
		if (!next)
			break;
		if (next > vn->size - off) {
			bad(r, "a version need out of bounds");
			goto out;
		}
		off += next;
	}
	out->nversions = n;
	ret = 0;
out:
	relc_strset_release(&seen);
	return ret;
}

int
relc_elf_is_elf(const void *data, size_t len)
{
	return len >= 4 && !memcmp(data,
				   "\x7f"
				   "ELF",
				   4);
}

int
relc_elf_parse(struct relc_elf *out, const void *data, size_t len,
	       const char *name, struct relc_arena *arena,
	       struct relc_error *err)
{
	struct elf_reader r;
	struct region dyn = {0, 0, 0}, str = {0, 0, 0}, vn = {0, 0, 0},
		      vnstr = {0, 0, 0};
	uint64_t shoff, phoff, vncount = 0, strtab_addr = 0, strsz = 0,
			       verneed_addr = 0, verneednum = 0;
	size_t shentsize, shnum, phentsize, phnum, ehsize, i, dynent, ndyn;
	int have_strtab = 0, have_strsz = 0, have_verneed = 0, segments = 0;

	memset(out, 0, sizeof(*out));
	out->machine_name = "unknown";
	r.p = data;
	r.len = len;
	r.name = name;
	r.err = err;
	if (!relc_elf_is_elf(data, len))
		return relc_error_set(err, RELC_EAPP, "%s: not an ELF file",
				      name);
	if (len < 16)
		return bad(&r, "truncated header");
	if (r.p[4] != 1 && r.p[4] != 2)
		return bad(&r, "unknown class");
	if (r.p[5] != 1 && r.p[5] != 2)
		return bad(&r, "unknown data encoding");
	r.is64 = out->is64 = r.p[4] == 2;
	r.little = out->little = r.p[5] == 1;
	ehsize = r.is64 ? 64 : 52;
	if (len < ehsize)
		return bad(&r, "truncated header");
	out->type = U16(&r, 16);
	out->machine = U16(&r, 18);
	out->machine_name = machine_name(out->machine, r.is64, r.little);
	if (r.is64) {
		phoff = get(&r, 32, 8);
		shoff = get(&r, 40, 8);
	} else {
		phoff = U32(&r, 28);
		shoff = U32(&r, 32);
	}
	phentsize = U16(&r, r.is64 ? 54 : 42);
	phnum = U16(&r, r.is64 ? 56 : 44);
	shentsize = U16(&r, r.is64 ? 58 : 46);
	shnum = U16(&r, r.is64 ? 60 : 48);

	if (!shoff)
		shnum = 0;
	if (shoff) {
		if (shentsize < (r.is64 ? 64u : 40u))
			return bad(&r, "section header size too small");
		if (!in_bounds(len, shoff, shentsize))
			return bad(&r, "section headers out of bounds");
		/* More than 0xff00 sections: the count is in section 0. */
		if (!shnum)
			shnum = (size_t)(r.is64 ? get(&r, shoff + 32, 8)
						: U32(&r, shoff + 20));
		if (shnum > (len - shoff) / shentsize)
			return bad(&r, "section headers out of bounds");
	}
	if (phnum) {
		if (phentsize < (r.is64 ? 56u : 32u))
			return bad(&r, "program header size too small");
		if (phoff > len || phnum > (len - phoff) / phentsize)
			return bad(&r, "program headers out of bounds");
	}

	/* The sections: the dynamic one, the version needs, their strings. */
	for (i = 0; i < shnum; i++) {
		size_t h = (size_t)shoff + i * shentsize, lh;
		uint32_t type = U32(&r, h + 4), link;
		uint64_t off, size, info;
		struct region *reg, *linked;

		if (type == SHT_DYNAMIC && !dyn.found) {
			reg = &dyn;
			linked = &str;
		} else if (type == SHT_GNU_VERNEED && !vn.found) {
			reg = &vn;
			linked = &vnstr;
		} else {
			continue;
		}
		if (r.is64) {
			off = get(&r, h + 24, 8);
			size = get(&r, h + 32, 8);
		} else {
			off = U32(&r, h + 16);
			size = U32(&r, h + 20);
		}
		link = U32(&r, h + (r.is64 ? 40 : 24));
		info = U32(&r, h + (r.is64 ? 44 : 28));
		if (!in_bounds(len, off, size))
			return bad(&r, "a section out of bounds");
		reg->off = (size_t)off;
		reg->size = (size_t)size;
		reg->found = 1;
		if (reg == &vn)
			vncount = info;
		if (link >= shnum)
			return bad(&r, "a section's link out of bounds");
		lh = (size_t)shoff + link * shentsize;
		if (U32(&r, lh + 4) != SHT_STRTAB)
			return bad(&r,
				   "a section's link is not a string table");
		if (r.is64) {
			off = get(&r, lh + 24, 8);
			size = get(&r, lh + 32, 8);
		} else {
			off = U32(&r, lh + 16);
			size = U32(&r, lh + 20);
		}
		if (!in_bounds(len, off, size))
			return bad(&r, "a string table out of bounds");
		linked->off = (size_t)off;
		linked->size = (size_t)size;
		linked->found = 1;
	}

	/* No dynamic section (no section headers): the dynamic segment. */
	if (!dyn.found) {
		for (i = 0; i < phnum; i++) {
			size_t h = (size_t)phoff + i * phentsize;
			uint64_t off, size;

			if (U32(&r, h) != PT_DYNAMIC)
				continue;
			if (r.is64) {
				off = get(&r, h + 8, 8);
				size = get(&r, h + 32, 8);
			} else {
				off = U32(&r, h + 4);
				size = U32(&r, h + 16);
			}
			if (!in_bounds(len, off, size))
				return bad(&r,
					   "the dynamic segment out of bounds");
			dyn.off = (size_t)off;
			dyn.size = (size_t)size;
			dyn.found = 1;
			segments = 1;
			break;
		}
	}
	if (!dyn.found)
		return 0; /* statically linked */

	/* First pass: the addresses and counts. */
	dynent = r.is64 ? 16 : 8;
	ndyn = dyn.size / dynent;
	for (i = 0; i < ndyn; i++) {
		size_t e = dyn.off + i * dynent;
		uint64_t tag = WORD(&r, e), val = WORD(&r, e + dynent / 2);

		if (tag == DT_NULL)
			break;
		if (tag == DT_NEEDED)
			out->nneeded++;
		else if (tag == DT_STRTAB && !have_strtab) {
			strtab_addr = val;
			have_strtab = 1;
		} else if (tag == DT_STRSZ && !have_strsz) {
			strsz = val;
			have_strsz = 1;
		} else if (tag == DT_VERNEED && !have_verneed) {
			verneed_addr = val;
			have_verneed = 1;
		} else if (tag == DT_VERNEEDNUM)
			verneednum = val;
	}
	ndyn = i;

	if (!str.found && have_strtab) {
		size_t off;

		if (map_address(&off, &r, (size_t)phoff, phentsize, phnum,
				strtab_addr))
			return -1;
		str.off = off;
		str.size = len - off;
		if (have_strsz) {
			if (!in_bounds(len, off, strsz))
				return bad(&r,
					   "the string table out of bounds");
			str.size = (size_t)strsz;
		}
		str.found = 1;
	}
	if (!vn.found && have_verneed && segments) {
		size_t off;

		if (map_address(&off, &r, (size_t)phoff, phentsize, phnum,
				verneed_addr))
			return -1;
		vn.off = off;
		vn.size = len - off;
		vn.found = 1;
		vncount = verneednum;
		vnstr = str;
	}

	/* Second pass: the strings. */
	out->needed = relc_arena_array(arena, out->nneeded ? out->nneeded : 1,
				       sizeof(*out->needed));
	out->nneeded = 0;
	for (i = 0; i < ndyn; i++) {
		size_t e = dyn.off + i * dynent;
		uint64_t tag = WORD(&r, e), val = WORD(&r, e + dynent / 2);

		if (tag == DT_NEEDED) {
			if (table_string(&out->needed[out->nneeded], &r, &str,
					 val, arena))
				return -1;
			out->nneeded++;
		} else if (tag == DT_SONAME && !out->soname) {
			if (table_string(&out->soname, &r, &str, val, arena))
				return -1;
		}
	}

	if (vn.found && read_verneed(out, &r, &vn, vncount, &vnstr, arena))
		return -1;
	return 0;
}
