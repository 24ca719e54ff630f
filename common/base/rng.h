/* rng.h - random number generators.
 *
 * struct mt19937 reproduces CPython's random.Random bit for bit (MT19937,
 * init_by_array seeding, 53-bit random(), _randbelow, shuffle), because the
 * seed tool derives instance names and the high/low CPU hosts from it.
 * struct xrng (xoshiro256**, seeded through splitmix64) is the fast
 * per-thread stream (pacing jitter, request ids, log lines); struct crng
 * (counter-based wyrand) draws the metric values, so that each one
 * can be recomputed from its sample's key.
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

/* crng: a counter-based generator. Draw i (from 1) of key k is wyrand's
 * output for the counter k + i * P0 (one 64 x 64 -> 128-bit multiply,
 * folded), so every draw is a pure function of its key and its index: a
 * sample's values can be recomputed from (run seed, series, timestamp)
 * alone, in any order and on any machine (tsload verify). The draws of a
 * sample are independent of each other, not a serial chain. */
struct crng {
	uint64_t k; /* the key, crng_key() */
	uint64_t i; /* draws taken */
};

#define RNG_GAMMA 0x9e3779b97f4a7c15ULL
#define CRNG_P0 0xa0761d6478bd642fULL
#define CRNG_P1 0xe7037ed1a0b428dbULL

/** splitmix64's output function: a bijective 64-bit mix. */
static inline uint64_t
rng_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/** The key of one sample: one mix of seed, series and timestamp, each
 *  scaled by its own odd constant (wyrand's draws then scatter it). */
static inline uint64_t
crng_key(uint64_t seed, uint64_t series, int64_t time_ms)
{
	return rng_mix64((seed * RNG_GAMMA) ^ (series * 0xd1b54a32d192ed03ULL)
	    ^ ((uint64_t)time_ms * 0xaef17502108ef2d9ULL));
}

/** Starts the draws of key k. */
static inline void
crng_init(struct crng *r, uint64_t k)
{
	r->k = k;
	r->i = 0;
}

#ifdef __SIZEOF_INT128__
/* A GNU extension: -pedantic accepts it behind __extension__. */
__extension__ typedef unsigned __int128 rng_u128;

static inline uint64_t
crng_next(struct crng *r)
{
	uint64_t s = r->k + ++r->i * CRNG_P0;
	rng_u128 m = (rng_u128)s * (s ^ CRNG_P1);

	return (uint64_t)m ^ (uint64_t)(m >> 64);
}
#else
static inline uint64_t
crng_next(struct crng *r)
{
	return rng_mix64(r->k + ++r->i * RNG_GAMMA);
}
#endif

/** Uniform double in [0, 1) with 53 bits. */
static inline double
crng_uniform(struct crng *r)
{
	return (double)(crng_next(r) >> 11) * 0x1.0p-53;
}

/** Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t crng_below(struct crng *r, uint64_t n);

#endif
