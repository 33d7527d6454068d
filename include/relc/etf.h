/*
 * etf.h: the External Term Format, as term_to_binary/1 writes it and
 * binary_to_term/1 reads it.  A .boot file is term_to_binary(Script).
 */
#ifndef RELC_ETF_H
#define RELC_ETF_H

#include <stddef.h>

struct relc_arena;
struct relc_error;
struct relc_strbuf;
struct relc_term;

/*
 * Append term_to_binary(t) as the target OTP release writes it: atoms as
 * ATOM_EXT (Latin-1) up to OTP 25, as SMALL_ATOM_UTF8_EXT from OTP 26 on.
 * Maps are written in key order, which is OTP's order for maps of up to 32
 * keys.  Fails only for sizes the format cannot hold.
 */
int relc_etf_encode(struct relc_strbuf *out, const struct relc_term *t,
		    unsigned otp_major, struct relc_error *err);

/*
 * binary_to_term/1: decode buf into a term in the arena (canonical form, see
 * term.h).  Accepts the tags relc writes plus the other atom encodings,
 * FLOAT_EXT and compressed terms (tag 80).  Pure.
 */
int relc_etf_decode(const struct relc_term **out, const void *buf, size_t len,
		    struct relc_arena *arena, struct relc_error *err);

#endif
