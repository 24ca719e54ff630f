/* rng.h - random number generators.
 *
 * struct mt19937 reproduces CPython's random.Random bit for bit (MT19937,
 * init_by_array seeding, 53-bit random(), _randbelow, shuffle), because the
 * seed tool derives instance names and the high/low CPU hosts from it.
 * struct xrng (xoshiro256**, seeded through splitmix64) is the fast
 * generator for metric values: one per thread, independent streams.
 */
#ifndef TSL_RNG_H
#define TSL_RNG_H

#include <stdint.h>

struct mt19937 {
	uint32_t mt[624];
	int      mti;
};

/** Seeds like CPython random.Random(seed): key = 32-bit words of |seed|. */
void     mt_seed(struct mt19937 *r, int64_t seed);
uint32_t mt_u32(struct mt19937 *r);
/** random.random(): 53-bit double in [0, 1). */
double mt_random(struct mt19937 *r);
/** random._randbelow(n) for 1 <= n < 2^32 (rejection over getrandbits). */
uint32_t mt_randbelow(struct mt19937 *r, uint32_t n);
/** random.shuffle(x) on an array of n uint32 (Fisher-Yates from the top). */
void mt_shuffle(struct mt19937 *r, uint32_t *x, uint32_t n);

/** Python random.Random(seed).choices(ascii_letters + digits, k=n):
 *  writes n characters and a NUL into out (n + 1 bytes). */
void mt_alnum_string(int64_t seed, char *out, unsigned n);

/** Python random.Random(seed).choice(ascii_letters + digits), n times
 *  (each a _randbelow(62), unlike choices()): n characters and a NUL. */
void mt_alnum_choice(int64_t seed, char *out, unsigned n);

struct xrng {
	uint64_t s[4];
};

/** Seeds stream `stream` of run seed `seed`; distinct streams are
 *  independent (seed and stream mixed through splitmix64). */
void xrng_seed(struct xrng *r, uint64_t seed, uint64_t stream);

static inline uint64_t
xrng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/** The next 64 random bits (inline: a few per generated value). */
static inline uint64_t
xrng_next(struct xrng *r)
{
	uint64_t *s      = r->s;
	uint64_t  result = xrng_rotl(s[1] * 5, 7) * 9;
	uint64_t  t      = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = xrng_rotl(s[3], 45);
	return result;
}
/** Uniform double in [0, 1) with 53 bits. */
static inline double
xrng_uniform(struct xrng *r)
{
	return (double)(xrng_next(r) >> 11) * 0x1.0p-53;
}
/** Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t xrng_below(struct xrng *r, uint64_t n);

#endif
