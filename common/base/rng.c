/* rng.c - CPython-exact MT19937, the xoshiro256** stream and the
 * counter-based value generator.
 *
 * The MT part must match random.Random bit for bit (instance-name prefix,
 * high/low CPU shuffle); the xrng part only needs to be fast and good.
 */
#include "rng.h"

#include <stddef.h>

enum { MT_N = 624, MT_M = 397 };

#define MT_MATRIX_A 0x9908b0dfU
#define MT_UPPER_MASK 0x80000000U
#define MT_LOWER_MASK 0x7fffffffU

/* Reference init_genrand: fills the state from one 32-bit word. */
static void
mt_init_genrand(struct mt19937 *r, uint32_t s)
{
	int i;

	r->mt[0] = s;
	for (i = 1; i < MT_N; i++)
		r->mt[i] = 1812433253U * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30))
		    + (uint32_t)i;
	r->mti = MT_N;
}

/* Reference init_by_array, as CPython's random_seed() calls it. */
static void
mt_init_by_array(struct mt19937 *r, const uint32_t *key, int len)
{
	int i = 1, j = 0, k;

	mt_init_genrand(r, 19650218U);
	for (k = MT_N > len ? MT_N : len; k; k--) {
		r->mt[i]
		    = (r->mt[i]
		          ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525U))
		    + key[j] + (uint32_t)j;
		i++;
		j++;
		if (i >= MT_N) {
			r->mt[0] = r->mt[MT_N - 1];
			i        = 1;
		}
		if (j >= len)
			j = 0;
	}
	for (k = MT_N - 1; k; k--) {
		r->mt[i] = (r->mt[i]
		               ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30))
		                   * 1566083941U))
		    - (uint32_t)i;
		i++;
		if (i >= MT_N) {
			r->mt[0] = r->mt[MT_N - 1];
			i        = 1;
		}
	}
	r->mt[0] = 0x80000000U; /* non-zero initial state */
}

void
mt_seed(struct mt19937 *r, int64_t seed)
{
	/* |seed| without overflow for INT64_MIN */
	uint64_t a = seed < 0 ? -(uint64_t)seed : (uint64_t)seed;
	uint32_t key[2];
	int      len = 1;

	key[0] = (uint32_t)a;
	key[1] = (uint32_t)(a >> 32);
	if (key[1])
		len = 2;
	mt_init_by_array(r, key, len);
}

/* Regenerates all 624 words (the reference genrand_int32 refill). */
static void
mt_refill(struct mt19937 *r)
{
	uint32_t y;
	int      k;

	for (k = 0; k < MT_N - MT_M; k++) {
		y = (r->mt[k] & MT_UPPER_MASK)
		    | (r->mt[k + 1] & MT_LOWER_MASK);
		r->mt[k]
		    = r->mt[k + MT_M] ^ (y >> 1) ^ ((y & 1U) * MT_MATRIX_A);
	}
	for (; k < MT_N - 1; k++) {
		y = (r->mt[k] & MT_UPPER_MASK)
		    | (r->mt[k + 1] & MT_LOWER_MASK);
		r->mt[k] = r->mt[k + (MT_M - MT_N)] ^ (y >> 1)
		    ^ ((y & 1U) * MT_MATRIX_A);
	}
	y = (r->mt[MT_N - 1] & MT_UPPER_MASK) | (r->mt[0] & MT_LOWER_MASK);
	r->mt[MT_N - 1]
	    = r->mt[MT_M - 1] ^ (y >> 1) ^ ((y & 1U) * MT_MATRIX_A);
	r->mti = 0;
}

uint32_t
mt_u32(struct mt19937 *r)
{
	uint32_t y;

	if (r->mti >= MT_N)
		mt_refill(r);
	y = r->mt[r->mti++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680U;
	y ^= (y << 15) & 0xefc60000U;
	y ^= y >> 18;
	return y;
}

double
mt_random(struct mt19937 *r)
{
	uint32_t a = mt_u32(r) >> 5, b = mt_u32(r) >> 6;

	return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

uint32_t
mt_randbelow(struct mt19937 *r, uint32_t n)
{
	int      k;
	uint32_t v;

	if (n == 0)
		return 0; /* undefined in CPython; n == 1 still draws */
	k = 32 - __builtin_clz(n); /* bit length */

	do
		v = mt_u32(r) >> (32 - k);
	while (v >= n);
	return v;
}

void
mt_shuffle(struct mt19937 *r, uint32_t *x, uint32_t n)
{
	uint32_t i, j, t;

	for (i = n ? n - 1 : 0; i > 0; i--) {
		j    = mt_randbelow(r, i + 1);
		t    = x[i];
		x[i] = x[j];
		x[j] = t;
	}
}

/* string.ascii_letters + string.digits */
static const char mt_alnum[] = "abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

void
mt_alnum_string(int64_t seed, char *out, unsigned n)
{
	struct mt19937 r;
	unsigned       i;

	mt_seed(&r, seed);
	for (i = 0; i < n; i++)
		out[i] = mt_alnum[(size_t)(mt_random(&r) * 62.0)];
	out[n] = '\0';
}

void
mt_alnum_choice(int64_t seed, char *out, unsigned n)
{
	struct mt19937 r;
	unsigned       i;

	mt_seed(&r, seed);
	for (i = 0; i < n; i++)
		out[i] = mt_alnum[mt_randbelow(&r, 62)];
	out[n] = '\0';
}

/* splitmix64: one step of the generator recommended to seed xoshiro. */
static uint64_t
splitmix64(uint64_t *x)
{
	return rng_mix64(*x += RNG_GAMMA);
}

void
xrng_seed(struct xrng *r, uint64_t seed, uint64_t stream)
{
	uint64_t st = stream, x;
	int      i;

	/* A bijective hash of the stream offsets the seed, so for one seed
	 * every stream starts splitmix64 from a different, scattered point. */
	x = seed + splitmix64(&st);
	x = splitmix64(&x);
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

#ifdef __SIZEOF_INT128__
typedef rng_u128 u128; /* rng.h's */
#endif

uint64_t
xrng_below(struct xrng *r, uint64_t n)
{
#ifdef __SIZEOF_INT128__
	/* Lemire's nearly divisionless method. */
	u128     m  = (u128)xrng_next(r) * n;
	uint64_t lo = (uint64_t)m, t;

	if (lo < n) {
		t = -n % n;
		while (lo < t) {
			m  = (u128)xrng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
#else
	/* Rejection: accept values below the largest multiple of n. */
	uint64_t lim = -n % n, v;

	do
		v = xrng_next(r);
	while (v < lim);
	return v % n;
#endif
}

uint64_t
crng_below(struct crng *r, uint64_t n)
{
	/* Rejection: accept values below the largest multiple of n (the
	 * draws stay a function of the key: a rejection takes the next
	 * index). */
	uint64_t lim = -n % n, v;

	do
		v = crng_next(r);
	while (v < lim);
	return v % n;
}
