/*
 * hash.h: a fast 128-bit hash for change detection (input fingerprints):
 * not cryptographic, and not meant to be; the stamp's key over them is
 * SHA-256.  Bytes are mixed eight at a time in two independent lanes.
 */
#ifndef RELC_HASH_H
#define RELC_HASH_H

#include <stddef.h>
#include <stdint.h>

struct relc_hash {
	uint64_t a, b;
	uint64_t len;
	unsigned char tail[8];
	size_t ntail;
};

void relc_hash_init(struct relc_hash *h);
void relc_hash_update(struct relc_hash *h, const void *data, size_t len);
/* The digest as 32 lower-case hex digits and a NUL. */
void relc_hash_final_hex(struct relc_hash *h, char out[33]);

#endif
