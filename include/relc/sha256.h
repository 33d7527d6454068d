/*
 * sha256.h: SHA-256 (FIPS 180-4), for archive manifests and build stamps.
 */
#ifndef RELC_SHA256_H
#define RELC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct relc_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void relc_sha256_init(struct relc_sha256 *ctx);
void relc_sha256_update(struct relc_sha256 *ctx, const void *data, size_t len);
void relc_sha256_final(struct relc_sha256 *ctx, unsigned char out[32]);
/* Finish, writing the digest as 64 lower-case hex digits and a NUL. */
void relc_sha256_final_hex(struct relc_sha256 *ctx, char out[65]);
/* The digest of data as 64 lower-case hex digits and a NUL. */
void relc_sha256_hex(char out[65], const void *data, size_t len);

#endif
