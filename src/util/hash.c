/*
 * hash.c: the fast change-detection hash (see hash.h).
 */
#include "relc/compat.h"
#include "relc/hash.h"

#define P1 0x9e3779b97f4a7c15ULL
#define P2 0xc2b2ae3d27d4eb4fULL
#define P3 0x165667b19e3779f9ULL

static uint64_t
rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	       (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

static void
mix(struct relc_hash *h, uint64_t w)
{
	h->a = rotl(h->a ^ (w * P1), 31) * P2;
	h->b = rotl(h->b ^ (w * P2), 27) * P3 + h->a;
}

void
relc_hash_init(struct relc_hash *h)
{
	memset(h, 0, sizeof(*h));
	h->a = P1;
	h->b = P3;
}

void
relc_hash_update(struct relc_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;

	h->len += len;
	while (len && h->ntail) {
		h->tail[h->ntail++] = *p++;
		len--;
		if (h->ntail == 8) {
			mix(h, load64(h->tail));
			h->ntail = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8)
		mix(h, load64(p));
	while (len--)
		h->tail[h->ntail++] = *p++;
}

static uint64_t
avalanche(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

void
relc_hash_final_hex(struct relc_hash *h, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t w = 0, v[2];
	size_t i;

	for (i = 0; i < h->ntail; i++)
		w |= (uint64_t)h->tail[i] << (8 * i);
	mix(h, w ^ ((uint64_t)h->ntail << 59));
	mix(h, h->len);
	v[0] = avalanche(h->a + h->b);
	v[1] = avalanche(h->b ^ rotl(h->a, 17));
	for (i = 0; i < 16; i++) {
		unsigned char c = (unsigned char)(v[i / 8] >> (8 * (i % 8)));

		out[2 * i] = hex[c >> 4];
		out[2 * i + 1] = hex[c & 15];
	}
	out[32] = '\0';
}
