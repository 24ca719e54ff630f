/* fmt.c - integers and doubles as decimal text without printf.
 *
 * fmt_double writes what Python's repr() writes for a float, as the seed
 * sends its values: the shortest decimal that reads back as the same
 * double (the nearest such when several have that length), found with
 * exact 128-bit integer arithmetic for the values the model generates and
 * with printf/strtod for the rest.
 *
 * Speed matters here (most of line protocol's time is these values), so
 * the usual case avoids what stalls a modern core: the choice between
 * dropping a digit or not is made without a branch, and digits are
 * stored once, straight into place (digits.h), never into a buffer that
 * is then copied (a copy must wait for the small stores it reads).
 */
#include "fmt.h"

#include "digits.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *
fmt_put(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
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
	unsigned n = fmt_ndigits(v);

	if (n > 18) {
		/* 19 or 20 digits: the top one or two, then 18 */
		uint64_t top = v / 1000000000000000000u;

		if (top >= 10)
			digits_put2(out, (uint32_t)top);
		else
			out[0] = (char)('0' + top);
		digits_put18(out + n - 18, v - top * 1000000000000000000u);
		return n;
	}
	/* left-aligned in 18 digits: the zeros after go into the scratch
	 * room, and nothing is copied after being written */
	digits_put18(out, v * fmt_pow10[18 - n]);
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

/* A decimal: dig * 10^exp, dig having nd digits. */
struct fmt_dec {
	uint64_t dig;
	int      exp;
	int      nd;
};

/* Per binary exponent e2 = -i of fmt_shortest's range (i = 0..88): the
 * decimal scaling, made once at start-up (fmt_scale_init). */
struct fmt_scale {
	uint64_t p5;      /* 5^k */
	uint64_t half_hi; /* half the scaled gap: 2 * 5^k = half_hi * 2^s */
	uint64_t half_lo; /*   + half_lo */
	uint64_t big; /* 10^nd: a scaled value this big has nd + 1 digits */
	uint8_t k, s, nd; /* a * 10^k = 4m * 5^k / 2^s; nd: digits, at least */
};

enum { FMT_SCALES = 89 };

static struct fmt_scale fmt_scales[FMT_SCALES];

/* k = ceil(-e2 * log10(2)), so that the scaled gap 2^e2 * 10^k is in
 * (1, 10]; two extra bits in s for the half gaps: s = 2 - e2 - k, from 2
 * to 63. The scaled values of one exponent (m from 2^52 to 2^53) have nd
 * or nd + 1 digits. */
__attribute__((constructor)) static void
fmt_scale_init(void)
{
	int i;

	for (i = 0; i < FMT_SCALES; i++) {
		struct fmt_scale *c = &fmt_scales[i];
		int k = i == 0 ? 0 : (int)(((uint32_t)i * 78913u) >> 18) + 1;
		unsigned s     = (unsigned)(2 + i - k);
		u128     least = ((u128)1 << 54) * fmt_pow5[k] >> s;

		c->k       = (uint8_t)k;
		c->s       = (uint8_t)s;
		c->p5      = fmt_pow5[k];
		c->half_hi = 2 * c->p5 >> s;
		c->half_lo = 2 * c->p5 & ((1ULL << s) - 1);
		c->nd      = (uint8_t)fmt_ndigits((uint64_t)least);
		c->big     = fmt_pow10[c->nd];
	}
}

/* Shortest digits of a = m * 2^e2 (m a 53-bit significand, not a power of
 * two, -88 <= e2 <= 0, so 1.5e-11 <= a < 2^53) by exact integer
 * arithmetic. The values that read back as a form the interval
 * a +- 2^e2 / 2, ends included when m is even (round-half-even reading).
 * Scaled by 10^k to between one and ten units wide, its integers are the
 * candidates; dropping decimal digits while a multiple of ten remains
 * gives the shortest, and the one nearest a is taken (ties to even). */
static inline struct fmt_dec
fmt_shortest(uint64_t m, int e2)
{
	const struct fmt_scale *c    = &fmt_scales[-e2];
	unsigned                s    = c->s;
	uint64_t                mask = (1ULL << s) - 1;
	u128                    nv   = (u128)(m << 2) * c->p5;
	/* floor and remainder of the value and of its interval's ends */
	uint64_t vr = (uint64_t)nv >> s | (uint64_t)(nv >> 64) << (64 - s);
	uint64_t rv = (uint64_t)nv & mask, half = 1ULL << (s - 1);
	uint64_t hi   = vr + c->half_hi + ((rv + c->half_lo) >> s);
	uint64_t lo   = vr - c->half_hi - (rv < c->half_lo);
	bool     incl = (m & 1) == 0, rest = rv != 0;
	/* The interval is at most ten wide, so the nearest integer is in
	 * it, and a multiple of ten is in it only if the nearest one is. */
	uint64_t       q    = vr / 10, r1, r10, pick;
	unsigned       d0   = (unsigned)(vr - q * 10), fits10;
	struct fmt_dec r    = { .exp = -(int)c->k };
	unsigned       last = 0;

	if (((rv + c->half_lo) & mask) == 0 && !incl)
		hi--;
	if (((rv - c->half_lo) & mask) != 0 || !incl)
		lo++;
	/* nearest integer and nearest multiple of ten, ties to even */
	r1     = vr + ((rv > half) | ((rv == half) & (vr & 1)));
	r10    = q + ((d0 > 5) | ((d0 == 5) & (rest | (q & 1))));
	fits10 = (r10 * 10 >= lo) & (r10 * 10 <= hi);
	/* (one test: two would be a mispredicted branch in ten) */
	if (__builtin_expect(((r10 % 10) | (fits10 ^ 1)) != 0, 1)) {
		/* One digit goes or none, at random: the answer is picked
		 * by a mask, as a branch would be mispredicted. */
		pick  = -(uint64_t)fits10;
		r.dig = (r10 & pick) | (r1 & ~pick);
		r.exp += (int)fits10;
		/* vr's digits, one less when one went, one more when rounding
		 * up reached the next power of ten */
		r.nd = c->nd + (vr >= c->big) - (int)fits10;
		r.nd += r.dig >= fmt_pow10[r.nd];
		return r;
	}
	/* A multiple of 100 fits: drop digits while a multiple of ten
	 * does. */
	do {
		rest = rest || last != 0;
		last = (unsigned)(vr % 10);
		vr /= 10;
		hi /= 10;
		lo = (lo + 9) / 10;
		r.exp++;
	} while (hi / 10 >= (lo + 9) / 10);
	vr += last > 5 || (last == 5 && (rest || (vr & 1)));
	if (vr < lo)
		vr = lo;
	if (vr > hi)
		vr = hi;
	r.dig = vr;
	r.nd  = (int)fmt_ndigits(vr);
	return r;
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

/* The general layout of r (rare in generated data): from a buffer. */
static char *
fmt_layout(char *w, struct fmt_dec r)
{
	char        dig[48];
	const char *ds = dig + 18 - r.nd;
	int         pt = r.nd + r.exp, i;

	digits_put18(dig, r.dig);
	if (pt > 0 && pt < r.nd) { /* 123.456 */
		memcpy(w, ds, 16);
		w[pt] = '.';
		memcpy(w + pt + 1, ds + pt, 16);
		return w + r.nd + 1;
	}
	if (pt - 1 < -4 || pt - 1 >= 16) { /* 1e-05, 1.5e+20 */
		int e = pt - 1;

		*w++ = ds[0];
		if (r.nd > 1) {
			*w++ = '.';
			memcpy(w, ds + 1, 16);
			w += r.nd - 1;
		}
		*w++ = 'e';
		*w++ = e < 0 ? '-' : '+';
		if (e < 0)
			e = -e;
		if (e >= 100)
			*w++ = (char)('0' + e / 100);
		digits_put2(w, (uint32_t)(e % 100));
		return w + 2;
	}
	if (pt <= 0) { /* 0.00012345 */
		memcpy(w, "0.0000", 6);
		w += 2 - pt;
		memcpy(w, ds, 18);
		return w + r.nd;
	}
	memcpy(w, ds, 18); /* 1500.0 */
	w += r.nd;
	for (i = r.nd; i < pt; i++)
		*w++ = '0';
	memcpy(w, ".0", 2);
	return w + 2;
}

/* r with one or two digits before the point ("47.38912883215873") or
 * none ("0.0123"), the generated data's usual shapes: each digit stored
 * once, in place. Left-aligned in 18 digits, r.dig is a pair of digits
 * and 16 more; the zeros after r's digits go into the scratch room. The
 * pair is shuffled with the point in a register: byte order matters. */
static inline char *
fmt_layout_fast(char *w, struct fmt_dec r, int pt)
{
	uint64_t dd  = r.dig * fmt_pow10[18 - r.nd];
	uint64_t top = dd / 10000000000000000u;
	uint16_t pair;
	uint32_t two;

	/* read as 16 bits then widened: a 4-byte read of a 2-byte store
	 * could not be forwarded */
	memcpy(&pair, digits_pairs + 2 * top, 2);
	two = pair;
	if (pt <= 0) {
		memcpy(w, "0.0000", 6);
		w += 2 - pt;
		memcpy(w, &two, 2);
		digits_put16(w + 2, dd - top * 10000000000000000u);
		return w + r.nd;
	}
	/* "d.d" or "dd.", then the rest after it */
	two = pt == 1 ? (two & 0xff) | '.' << 8 | (two >> 8) << 16
	              : two | '.' << 16;
	memcpy(w, &two, 4);
	digits_put16(w + 3, dd - top * 10000000000000000u);
	return w + r.nd + 1;
}

size_t
fmt_double(char *out, double v)
{
	char          *w = out;
	uint64_t       bits, m;
	int            be, pt;
	struct fmt_dec r;

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
	if (be >= 1075 - (FMT_SCALES - 1) && be <= 1075 && m != 0) {
		r  = fmt_shortest(m | 1ULL << 52, be - 1075);
		pt = r.nd + r.exp; /* digits before the point */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (pt >= -3 && pt <= 2 && pt < r.nd)
			return (size_t)(fmt_layout_fast(w, r, pt) - out);
#endif
	} else {
		fmt_shortest_slow(fabs(v), m == 0, &r.dig, &r.exp);
		r.nd = (int)fmt_ndigits(r.dig);
	}
	return (size_t)(fmt_layout(w, r) - out);
}
