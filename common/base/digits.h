/* digits.h - fixed-width decimal digit writers for fmt.c.
 *
 * Each writes exactly 2, 8, 16 or 18 digits, leading zeros included, and
 * nothing else. A header so that the unit test can check the portable and
 * the SSE2 16-digit writer against each other on any x86-64 machine.
 */
#ifndef TSL_DIGITS_H
#define TSL_DIGITS_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define DIGITS_HAVE_SSE2 1
#endif

/* "00" "01" ... "99": two decimal digits per table entry. */
static const char digits_pairs[201]
    = "00010203040506070809101112131415161718192021222324252627282930313233"
      "34353637383940414243444546474849505152535455565758596061626364656667"
      "6869707172737475767778798081828384858687888990919293949596979899";

/* x < 100 */
static inline void
digits_put2(char *p, uint32_t x)
{
	memcpy(p, digits_pairs + 2 * x, 2);
}

/* x < 10^8: x / 10^6 as a 16.48 fixed-point number (the multiplier
 * rounded up; exact for every x, the unit test checks all 10^8), then
 * each further pair of digits is the integer part after a multiplication
 * by 100. Four multiplications, no division. */
static inline void
digits_put8(char *p, uint32_t x)
{
	const uint64_t frac = (1ULL << 48) - 1;
	uint64_t       t    = (uint64_t)x * 281474977u; /* 2^48 / 10^6 */

	digits_put2(p, (uint32_t)(t >> 48));
	t = (t & frac) * 100;
	digits_put2(p + 2, (uint32_t)(t >> 48));
	t = (t & frac) * 100;
	digits_put2(p + 4, (uint32_t)(t >> 48));
	t = (t & frac) * 100;
	digits_put2(p + 6, (uint32_t)(t >> 48));
}

/* x < 10^16, portable */
static inline void
digits_put16_scalar(char *p, uint64_t x)
{
	uint64_t hi = x / 100000000u;

	digits_put8(p, (uint32_t)hi);
	digits_put8(p + 8, (uint32_t)(x - hi * 100000000u));
}

#ifdef DIGITS_HAVE_SSE2
/* x < 10^16 with SSE2 (every x86-64 has it): one 16-byte store.
 *
 * The two halves of 8 digits split into four groups of 4 (32-bit lanes);
 * each group goes to four 16-bit lanes, which divide it by 1000, 100, 10
 * and 1 at once: a multiply-high by ~2^(14+s)/D after scaling the group
 * by 4, then one by 2^(16-s) to shift right by s, per lane (s = 9, 5, 1,
 * 1; exact for every group below 10^4). Each lane minus ten times its
 * left neighbour is then one digit: a, ab - a0, abc - ab0, ... */
static inline void
digits_put16_sse2(char *p, uint64_t x)
{
	const __m128i div = _mm_set_epi16(
	    (short)32768, 3277, 5243, 8389, (short)32768, 3277, 5243, 8389);
	const __m128i shr = _mm_set_epi16((short)32768, (short)32768, 2048,
	    128, (short)32768, (short)32768, 2048, 128);
	uint64_t      hi  = x / 100000000u;
	__m128i       v
	    = _mm_set_epi64x((long long)(x - hi * 100000000u), (long long)hi);
	/* per 64-bit lane: q = v / 10^4 (multiplier 2^45 / 10^4 rounded
	 * up: exact below 10^8), r = v - 10^4 q */
	__m128i q = _mm_srli_epi64(
	    _mm_mul_epu32(v, _mm_set1_epi32((int)3518437209u)), 45);
	__m128i r = _mm_sub_epi32(v, _mm_mul_epu32(q, _mm_set1_epi32(10000)));
	/* 32-bit lanes [abcd efgh ijkl mnop], then 16-bit ones times 4 */
	__m128i g = _mm_or_si128(q, _mm_slli_epi64(r, 32));
	__m128i a, b;

	g = _mm_slli_epi16(_mm_packs_epi32(g, g), 2);
	g = _mm_unpacklo_epi16(g, g); /* each group twice */
	a = _mm_unpacklo_epi32(g, g); /* abcd x4, efgh x4 */
	b = _mm_unpackhi_epi32(g, g); /* ijkl x4, mnop x4 */
	a = _mm_mulhi_epu16(_mm_mulhi_epu16(a, div), shr);
	b = _mm_mulhi_epu16(_mm_mulhi_epu16(b, div), shr);
	a = _mm_sub_epi16(
	    a, _mm_slli_epi64(_mm_mullo_epi16(a, _mm_set1_epi16(10)), 16));
	b = _mm_sub_epi16(
	    b, _mm_slli_epi64(_mm_mullo_epi16(b, _mm_set1_epi16(10)), 16));
	_mm_storeu_si128((__m128i *)(void *)p,
	    _mm_add_epi8(_mm_packus_epi16(a, b), _mm_set1_epi8('0')));
}
#endif

static inline void
digits_put16(char *p, uint64_t x)
{
#ifdef DIGITS_HAVE_SSE2
	digits_put16_sse2(p, x);
#else
	digits_put16_scalar(p, x);
#endif
}

/* x < 10^18 */
static inline void
digits_put18(char *p, uint64_t x)
{
	uint64_t top = x / 10000000000000000u;

	digits_put2(p, (uint32_t)top);
	digits_put16(p + 2, x - top * 10000000000000000u);
}

#endif
