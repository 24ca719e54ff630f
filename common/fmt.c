/* fmt.c - integers and doubles as decimal text without printf.
 *
 * fmt_double writes what Python's repr() writes for a float, as the seed
 * sends its values: the shortest decimal that reads back as the same
 * double (the nearest such when several have that length), found with
 * exact 128-bit integer arithmetic for the values the model generates and
 * with printf/strtod for the rest.
 */
#include "fmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "00" "01" ... "99": two decimal digits per table entry. */
static const char fmt_dig2[201]
    = "00010203040506070809101112131415161718192021222324252627282930313233"
      "34353637383940414243444546474849505152535455565758596061626364656667"
      "6869707172737475767778798081828384858687888990919293949596979899";

static inline char *
fmt_put(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

/* Fixed-width decimal writers: exactly 2, 8 or 18 digits, leading zeros
 * included. */
static inline void
fmt_put2(char *p, uint32_t x)
{
	memcpy(p, fmt_dig2 + 2 * x, 2);
}

/* x < 10^8: x / 10^6 as a 16.48 fixed-point number (the multiplier
 * rounded up; exact for every x, the unit test checks all 10^8), then
 * each further pair of digits is the integer part after a multiplication
 * by 100. Four multiplications, no division. */
static inline void
fmt_put8(char *p, uint32_t x)
{
	const uint64_t frac = (1ULL << 48) - 1;
	uint64_t       t    = (uint64_t)x * 281474977u; /* 2^48 / 10^6 */

	fmt_put2(p, (uint32_t)(t >> 48));
	t = (t & frac) * 100;
	fmt_put2(p + 2, (uint32_t)(t >> 48));
	t = (t & frac) * 100;
	fmt_put2(p + 4, (uint32_t)(t >> 48));
	t = (t & frac) * 100;
	fmt_put2(p + 6, (uint32_t)(t >> 48));
}

/* d < 10^18 */
static inline void
fmt_put18(char *p, uint64_t d)
{
	uint64_t hi = d / 100000000u;

	fmt_put8(p + 10, (uint32_t)(d - hi * 100000000u));
	fmt_put8(p + 2, (uint32_t)(hi % 100000000u));
	fmt_put2(p, (uint32_t)(hi / 100000000u));
}

static const uint64_t fmt_pow10[20] = {
	1ULL,
	10ULL,
	100ULL,
	1000ULL,
	10000ULL,
	100000ULL,
	1000000ULL,
	10000000ULL,
	100000000ULL,
	1000000000ULL,
	10000000000ULL,
	100000000000ULL,
	1000000000000ULL,
	10000000000000ULL,
	100000000000000ULL,
	1000000000000000ULL,
	10000000000000000ULL,
	100000000000000000ULL,
	1000000000000000000ULL,
	10000000000000000000ULL,
};

/* Decimal digits of d (1 for 0). */
static inline unsigned
fmt_ndigits(uint64_t d)
{
	/* bits * log10(2) is the count or one less */
	unsigned t = (unsigned)(64 - __builtin_clzll(d | 1)) * 1233u >> 12;

	return d ? t + (d >= fmt_pow10[t]) : 1;
}

size_t
fmt_u64(char *out, uint64_t v)
{
	char     tmp[40];
	unsigned n = fmt_ndigits(v);

	if (n > 18) {
		/* 19 or 20 digits: the top one or two, then 18 */
		uint64_t top = v / 1000000000000000000u;

		if (top >= 10)
			fmt_put2(out, (uint32_t)top);
		else
			out[0] = (char)('0' + top);
		fmt_put18(out + n - 18, v - top * 1000000000000000000u);
		return n;
	}
	fmt_put18(tmp, v);
	memcpy(out, tmp + 18 - n, 20); /* fixed size: one move, no call */
	return n;
}

size_t
fmt_i64(char *out, int64_t v)
{
	if (v < 0) {
		out[0] = '-';
		/* Negate in unsigned arithmetic: INT64_MIN has no positive. */
		return 1 + fmt_u64(out + 1, -(uint64_t)v);
	}
	return fmt_u64(out, (uint64_t)v);
}

/* 5^k for k = 0..27, the powers that fit 64 bits. */
static const uint64_t fmt_pow5[28] = {
	1ULL,
	5ULL,
	25ULL,
	125ULL,
	625ULL,
	3125ULL,
	15625ULL,
	78125ULL,
	390625ULL,
	1953125ULL,
	9765625ULL,
	48828125ULL,
	244140625ULL,
	1220703125ULL,
	6103515625ULL,
	30517578125ULL,
	152587890625ULL,
	762939453125ULL,
	3814697265625ULL,
	19073486328125ULL,
	95367431640625ULL,
	476837158203125ULL,
	2384185791015625ULL,
	11920928955078125ULL,
	59604644775390625ULL,
	298023223876953125ULL,
	1490116119384765625ULL,
	7450580596923828125ULL,
};

__extension__ typedef unsigned __int128 u128;

/* Shortest digits of a = m * 2^e2 (m a 53-bit significand, not a power of
 * two, -88 <= e2 <= 0, so 1.5e-11 <= a < 2^53) by exact integer
 * arithmetic. The values that read back as a form the interval
 * a +- 2^e2 / 2, ends included when m is even (round-half-even reading).
 * Scaled by 10^k to between one and ten units wide, its integers are the
 * candidates; dropping decimal digits while a multiple of ten remains
 * gives the shortest, and the one nearest a is taken (ties to even). Sets
 * *dig and *x with a ~ *dig * 10^*x. */
static void
fmt_shortest(uint64_t m, int e2, uint64_t *dig, int *x)
{
	/* k = ceil(-e2 * log10(2)): the scaled gap 2^e2 * 10^k is in (1, 10]
	 * and a * 10^k = 4m * 5^k / 2^s, with two extra bits in s for the
	 * half gaps: s = 2 - e2 - k, from 2 to 63. */
	int      k = e2 == 0 ? 0 : (int)(((uint32_t)-e2 * 78913u) >> 18) + 1;
	unsigned s = (unsigned)(2 - e2 - k);
	uint64_t mask = (1ULL << s) - 1, p5 = fmt_pow5[k], half_gap = 2 * p5;
	u128     nv = (u128)(m << 2) * p5;
	/* floor and remainder of the value and of its interval's ends */
	uint64_t vr = (uint64_t)(nv >> s), rv = (uint64_t)nv & mask;
	uint64_t ru = rv + (half_gap & mask), rd = half_gap & mask;
	uint64_t hi   = vr + (half_gap >> s) + (ru >> s);
	uint64_t lo   = vr - (half_gap >> s) - (rv < rd);
	bool     incl = (m & 1) == 0, rest, up;
	unsigned last = 0, j = 0;

	if ((ru & mask) == 0 && !incl)
		hi--;
	if (((rv - rd) & mask) != 0 || !incl)
		lo++;
	rest = rv != 0;
	if (hi / 10 >= (lo + 9) / 10) {
		/* A multiple of ten fits: drop digits while one does. */
		do {
			rest = rest || last != 0;
			last = (unsigned)(vr % 10);
			vr /= 10;
			hi /= 10;
			lo = (lo + 9) / 10;
			j++;
		} while (hi / 10 >= (lo + 9) / 10);
		up = last > 5 || (last == 5 && (rest || (vr & 1)));
	} else {
		uint64_t half = 1ULL << (s - 1);

		up = rv > half || (rv == half && (vr & 1));
	}
	vr += up;
	if (vr < lo)
		vr = lo;
	if (vr > hi)
		vr = hi;
	*dig = vr;
	*x   = (int)j - k;
}

/* p significant digits of a from printf (correctly rounded): *dig, *x. */
static void
fmt_digits_printf(double a, int p, uint64_t *dig, int *x)
{
	char        buf[40];
	const char *c;
	uint64_t    d  = 0;
	int         nd = 0;

	snprintf(buf, sizeof(buf), "%.*e", p - 1, a);
	for (c = buf; *c != 'e'; c++) {
		if (*c != '.') {
			d = d * 10 + (uint64_t)(*c - '0');
			nd++;
		}
	}
	*dig = d;
	*x   = atoi(c + 1) - (nd - 1);
}

/* Whether dig * 10^x reads back as a. */
static bool
fmt_reads_back(uint64_t dig, int x, double a)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%llue%d", (unsigned long long)dig, x);
	return strtod(buf, NULL) == a;
}

/* The same digits for the doubles outside fmt_shortest's range (huge,
 * tiny, subnormal or a power of two), from printf and strtod: for each
 * length the nearest decimal, and at a power of two, whose gap below is
 * half the gap above, also the next one up. A few microseconds; such
 * values are rare in generated data. */
static void
fmt_shortest_slow(double a, bool pow2, uint64_t *dig, int *x)
{
	int p;

	for (p = 1; p < 17; p++) {
		fmt_digits_printf(a, p, dig, x);
		if (fmt_reads_back(*dig, *x, a))
			return;
		if (pow2 && fmt_reads_back(*dig + 1, *x, a)) {
			for (++*dig; *dig % 10 == 0; *dig /= 10)
				++*x;
			return;
		}
	}
	fmt_digits_printf(a, 17, dig, x);
}

size_t
fmt_double(char *out, double v)
{
	char     dig[48], *w = out;
	char    *ds;
	uint64_t bits, m, d;
	int      be, x, nd, pt, i;

	memcpy(&bits, &v, sizeof(bits));
	be = (int)((bits >> 52) & 0x7ff);
	m  = bits & ((1ULL << 52) - 1);
	if (be == 0x7ff) {
		if (m)
			return (size_t)(fmt_put(out, "nan", 3) - out);
		if (bits >> 63)
			*w++ = '-';
		return (size_t)(fmt_put(w, "inf", 3) - out);
	}
	if (bits >> 63)
		*w++ = '-';
	if (be == 0 && m == 0)
		return (size_t)(fmt_put(w, "0.0", 3) - out);
	if (be >= 1075 - 88 && be <= 1075 && m != 0)
		fmt_shortest(m | 1ULL << 52, be - 1075, &d, &x);
	else
		fmt_shortest_slow(fabs(v), m == 0, &d, &x);

	/* The digits of d end at dig + 18; fixed-size copies below may take
	 * bytes past them, which the layout then overwrites or leaves past
	 * the end. */
	fmt_put18(dig, d);
	nd = (int)fmt_ndigits(d);
	ds = dig + 18 - nd;
	pt = nd + x;             /* digits before the decimal point */
	if (pt > 0 && pt < nd) { /* 47.38912883215873 */
		memcpy(w, ds, 16);
		w[pt] = '.';
		memcpy(w + pt + 1, ds + pt, 16);
		w += nd + 1;
	} else if (pt - 1 < -4 || pt - 1 >= 16) { /* 1e-05, 1.5e+20 */
		int e = pt - 1;

		*w++ = ds[0];
		if (nd > 1) {
			*w++ = '.';
			memcpy(w, ds + 1, 16);
			w += nd - 1;
		}
		*w++ = 'e';
		*w++ = e < 0 ? '-' : '+';
		if (e < 0)
			e = -e;
		if (e >= 100)
			*w++ = (char)('0' + e / 100);
		fmt_put2(w, (uint32_t)(e % 100));
		w += 2;
	} else if (pt <= 0) { /* 0.000123 */
		memcpy(w, "0.0000", 6);
		w += 2 - pt;
		memcpy(w, ds, 18);
		w += nd;
	} else { /* 1500.0 */
		memcpy(w, ds, 18);
		w += nd;
		for (i = nd; i < pt; i++)
			*w++ = '0';
		memcpy(w, ".0", 2);
		w += 2;
	}
	return (size_t)(w - out);
}
