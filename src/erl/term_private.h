/*
 * term_private.h: what term.c shares with term_parse.c and etf.c.
 */
#ifndef RELC_TERM_PRIVATE_H
#define RELC_TERM_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode one UTF-8 sequence from s (len bytes available) into *cp.
 * Returns its length, or 0 when it is not valid UTF-8 (overlong forms,
 * surrogates and code points above U+10FFFF are invalid).
 */
size_t relc_term__utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Is the text one of Erlang's reserved words (which need quotes)? */
int relc_term__reserved(const char *s, size_t len);

#endif
