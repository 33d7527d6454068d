/*
 * term.h: Erlang terms, as found in .app, .rel, .appup, sys.config and
 * boot scripts.
 *
 * A term lives in an arena and is immutable once built.  Terms are kept in
 * one canonical form so that structural equality is term equality:
 *
 *   - an integer that fits in int64_t is RELC_T_INT, any other RELC_T_BIGINT;
 *   - a non-empty proper list whose elements are all integers in
 *     0..0x10FFFF is RELC_T_STRING (a list of code points, however it was
 *     written: "ab", [97,98] and [$a|"b"] are the same term);
 *   - any other non-empty list is RELC_T_LIST: its elements and a tail that
 *     is NIL for a proper list, or a non-list term for an improper one;
 *   - map keys are unique and sorted in term order.
 *
 * The enum follows Erlang's term order between kinds: number < atom <
 * (reference) < fun < (port) < (pid) < tuple < map < nil < list < bitstring.
 */
#ifndef RELC_TERM_H
#define RELC_TERM_H

#include <stddef.h>
#include <stdint.h>

struct relc_arena;
struct relc_error;
struct relc_strbuf;

enum relc_term_type {
	RELC_T_INT,
	RELC_T_BIGINT,
	RELC_T_FLOAT,
	RELC_T_ATOM,
	RELC_T_FUN, /* an external fun: fun M:F/A */
	RELC_T_TUPLE,
	RELC_T_MAP,
	RELC_T_NIL,
	RELC_T_STRING,
	RELC_T_LIST,
	RELC_T_BITS /* a binary, or a bitstring when nbits % 8 != 0 */
};

struct relc_term {
	enum relc_term_type type;
	unsigned line, col; /* where it started in its source; 0: built */
	union {
		int64_t i;
		struct {
			int neg;
			size_t n;	    /* bytes in mag, mag[n-1] != 0 */
			const uint8_t *mag; /* magnitude, little-endian */
		} big;
		double f;
		struct {
			const char *name; /* UTF-8, NUL-terminated */
			size_t len;	  /* bytes */
		} atom;
		struct {
			const struct relc_term *mod, *fun; /* atoms */
			unsigned arity;
		} fun;
		struct {
			size_t n;
			const struct relc_term **v;
		} tuple;
		struct {
			size_t n;
			const struct relc_term **k, **v;
		} map;
		struct {
			size_t n;
			const uint32_t *cp;
		} str;
		struct {
			size_t n;
			const struct relc_term **v;
			const struct relc_term *tail;
		} list;
		struct {
			size_t nbits;
			const uint8_t *data;
		} bits;
	} u;
};

/* ---- reading ------------------------------------------------------------ */

/*
 * Parse the dot-terminated terms in buf, as file:consult/1 does: full term
 * syntax, `%` comments, UTF-8 unless a `coding: latin-1` comment on one of
 * the first two lines says otherwise.  Stops after `max` terms (0: read all;
 * systools reads only the first term of a .app or .rel file).
 *
 * On success *out is an arena array of *n terms.  On failure the error
 * carries line and column but no path: the caller knows the file.  Pure:
 * no I/O, no global state.
 */
int relc_term_parse(const struct relc_term ***out, size_t *n, const char *buf,
		    size_t len, size_t max, struct relc_arena *arena,
		    struct relc_error *err);

/* ---- building ----------------------------------------------------------- */

extern const struct relc_term relc_term_nil;

const struct relc_term *relc_term_int(struct relc_arena *a, int64_t v);
const struct relc_term *relc_term_atom(struct relc_arena *a, const char *name);
/* A string from UTF-8 text (NIL when empty).  The text must be valid UTF-8. */
const struct relc_term *relc_term_string(struct relc_arena *a,
					 const char *utf8);
/* A tuple or proper list of n terms; the array is copied. */
const struct relc_term *relc_term_tuple(struct relc_arena *a, size_t n,
					const struct relc_term *const *v);
const struct relc_term *relc_term_list(struct relc_arena *a, size_t n,
				       const struct relc_term *const *v);
/* Convenience: a tuple of n terms given as arguments. */
const struct relc_term *relc_term_tuplev(struct relc_arena *a, size_t n, ...);

/* ---- inspecting --------------------------------------------------------- */

int relc_term_is_atom(const struct relc_term *t, const char *name);
/* Proper list (or NIL)?  Sets *n to its length and *v to its elements. */
int relc_term_is_list(const struct relc_term *t);
size_t relc_term_list_len(const struct relc_term *t);
/* Element i of a proper list; built on demand for strings. */
const struct relc_term *relc_term_list_nth(struct relc_arena *a,
					   const struct relc_term *t, size_t i);
/* A flat list of valid Unicode code points, or NIL (systools' string_p). */
int relc_term_is_string(const struct relc_term *t);
/* A proper list of atoms, or NIL. */
int relc_term_is_atom_list(const struct relc_term *t);
/* Append a string term (see relc_term_is_string) as UTF-8. */
void relc_term_string_to_utf8(struct relc_strbuf *out,
			      const struct relc_term *t);
/*
 * lists:keysearch(Key, 1, List): the first tuple in the proper list whose
 * first element is the atom `key`, or NULL.
 */
const struct relc_term *relc_term_keyfind(const struct relc_term *list,
					  const char *key);

/* Erlang's term order (exact: 1 < 1.0); returns <0, 0 or >0. */
int relc_term_compare(const struct relc_term *a, const struct relc_term *b);
/* =:= */
int relc_term_equal(const struct relc_term *a, const struct relc_term *b);

/* ---- writing ------------------------------------------------------------ */

/*
 * Append t in Erlang syntax that reads back (file:consult) as the same
 * term, pretty-printed within about 80 columns with `indent` as the
 * starting column.  Strings are written as UTF-8.
 */
void relc_term_print(struct relc_strbuf *out, const struct relc_term *t,
		     size_t indent);
/* The same, on one line. */
void relc_term_print_flat(struct relc_strbuf *out, const struct relc_term *t);
/* Append an atom, quoted when Erlang needs it quoted. */
void relc_term_print_atom(struct relc_strbuf *out, const char *name,
			  size_t len);

#endif
