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
	/* left-aligned in 8 or 18 digits: the zeros after go into the
	 * scratch room, and nothing is copied after being written */
	if (n <= 8)
		digits_put8(out, (uint32_t)(v * fmt_pow10[8 - n]));
	else
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
	uint64_t align[2]; /* 10^(18 - nd), 10^(17 - nd): to 18 digits */
	uint8_t k, s, nd; /* a * 10^k = 4m * 5^k / 2^s; nd: digits, at least */
};

enum { FMT_SCALES = 89 };

static struct fmt_scale fmt_scales[FMT_SCALES];

/* A constructor, so that the table is there before main() and no call
 * pays for a check (no other constructor formats numbers).
 *
 * k = ceil(-e2 * log10(2)), so that the scaled gap 2^e2 * 10^k is in
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

		c->k        = (uint8_t)k;
		c->s        = (uint8_t)s;
		c->p5       = fmt_pow5[k];
		c->half_hi  = 2 * c->p5 >> s;
		c->half_lo  = 2 * c->p5 & ((1ULL << s) - 1);
		c->nd       = (uint8_t)fmt_ndigits((uint64_t)least);
		c->big      = fmt_pow10[c->nd];
		c->align[0] = fmt_pow10[18 - c->nd];
		c->align[1] = fmt_pow10[17 - c->nd];
	}
}

/* a = m * 2^e2 (m a 53-bit significand, not a power of two, -88 <= e2
 * <= 0, so 1.5e-11 <= a < 2^53) scaled by 10^k: its floor vr and the
 * remainder rv in units of 2^-s, and the integers [lo, hi] of the
 * interval of values that read back as a: a +- 2^e2 / 2, ends included
 * when m is even (round-half-even reading). Exact integer arithmetic. */
struct fmt_scaled {
	uint64_t vr, rv, lo, hi;
	unsigned s;
};

static inline struct fmt_scaled
fmt_scale(const struct fmt_scale *c, uint64_t m)
{
	struct fmt_scaled v;
	u128              nv   = (u128)(m << 2) * c->p5;
	uint64_t          mask = (1ULL << c->s) - 1;
	bool              incl = (m & 1) == 0;

	v.s  = c->s;
	v.vr = (uint64_t)nv >> v.s | (uint64_t)(nv >> 64) << (64 - v.s);
	v.rv = (uint64_t)nv & mask;
	v.hi = v.vr + c->half_hi + ((v.rv + c->half_lo) >> v.s);
	v.lo = v.vr - c->half_hi - (v.rv < c->half_lo);
	if (((v.rv + c->half_lo) & mask) == 0 && !incl)
		v.hi--;
	if (((v.rv - c->half_lo) & mask) != 0 || !incl)
		v.lo++;
	return v;
}

/* Shortest digits of a (as for fmt_scale), any case: the interval's
 * integers are the candidates; dropping decimal digits while a multiple
 * of ten remains gives the shortest, and the one nearest a is taken
 * (ties to even). */
static __attribute__((noinline)) struct fmt_dec
fmt_shortest(uint64_t m, int e2)
{
	const struct fmt_scale *c    = &fmt_scales[-e2];
	struct fmt_scaled       v    = fmt_scale(c, m);
	struct fmt_dec          r    = { .exp = -(int)c->k };
	bool                    rest = v.rv != 0, up;
	unsigned                last = 0;

	if (v.hi / 10 >= (v.lo + 9) / 10) {
		do {
			rest = rest || last != 0;
			last = (unsigned)(v.vr % 10);
			v.vr /= 10;
			v.hi /= 10;
			v.lo = (v.lo + 9) / 10;
			r.exp++;
		} while (v.hi / 10 >= (v.lo + 9) / 10);
		up = last > 5 || (last == 5 && (rest || (v.vr & 1)));
	} else {
		uint64_t half = 1ULL << (v.s - 1);

		up = v.rv > half || (v.rv == half && (v.vr & 1));
	}
	v.vr += up;
	if (v.vr < v.lo)
		v.vr = v.lo;
	if (v.vr > v.hi)
		v.vr = v.hi;
	r.dig = v.vr;
	r.nd  = (int)fmt_ndigits(v.vr);
	return r;
}

/* The general layout of r (rare in generated data): from a buffer. */
static __attribute__((noinline)) char *
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

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The usual case as text, or NULL when a is not: one or no digit to
 * drop, not half-way between two candidates, and one or two digits
 * before the point ("47.38912883215873") or none ("0.0123"). Written
 * for a short chain of dependent steps, as that is what a value costs:
 *
 * The interval is at most ten units wide, so the nearest integer r1 is
 * in it, and a multiple of ten is in it only if the nearest one, r10, is.
 * Both are known at once from vr (away from half-way points), their
 * lengths from the exponent's table, and the one to print is picked by
 * a mask, as a branch would be mispredicted. Left-aligned in 18 digits
 * it is a pair and 16 more, each stored once, in place: the pair goes
 * with the point in a register (byte order matters), and the zeros
 * after the digits go into the scratch room. */
static inline char *
fmt_fast(char *w, uint64_t m, int e2)
{
	const struct fmt_scale *c    = &fmt_scales[-e2];
	struct fmt_scaled       v    = fmt_scale(c, m);
	uint64_t                half = 1ULL << (v.s - 1);
	/* r1 = b; r10 = a / 10, a's last digit not printed */
	uint64_t a = v.vr + 5, b = v.vr + (v.rv > half), r10 = a / 10;
	unsigned a_long = a >= c->big, b_long = b >= c->big;
	unsigned fits10 = (r10 * 10 >= v.lo) & (r10 * 10 <= v.hi);
	uint64_t pick   = -(uint64_t)fits10, dd, top, rare;
	int      nd, pt;
	uint16_t pair;
	uint32_t two;

	/* half-way, or a multiple of 100 fits: fmt_shortest */
	rare = ((v.rv & (half - 1)) == 0) | ((r10 % 10 | (fits10 ^ 1)) == 0);
	/* the picked one's length: a_long if fits10, else b_long */
	nd = (int)c->nd + (int)((a_long & fits10) | (b_long & ~fits10))
	    - (int)fits10;
	pt = nd + (int)fits10 - (int)c->k; /* digits before the point */
	if (__builtin_expect(rare || pt < -3 || pt > 2 || pt >= nd, 0))
		return NULL;
	dd = ((a * c->align[a_long]) & pick)
	    | ((b * c->align[b_long]) & ~pick);
	top = dd / 10000000000000000u;
	/* read as 16 bits then widened: a 4-byte read of a 2-byte store
	 * could not be forwarded */
	memcpy(&pair, digits_pairs + 2 * top, 2);
	two = pair;
	if (pt <= 0) {
		memcpy(w, "0.0000", 6);
		w += 2 - pt;
		memcpy(w, &two, 2);
		digits_put16(w + 2, dd - top * 10000000000000000u);
		return w + nd;
	}
	/* "d.d" or "dd.", then the rest after it */
	two = pt == 1 ? (two & 0xff) | '.' << 8 | (two >> 8) << 16
	              : two | '.' << 16;
	memcpy(w, &two, 4);
	digits_put16(w + 3, dd - top * 10000000000000000u);
	return w + nd + 1;
}
#endif

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

/* fmt_double for what is not in fmt_shortest's range: nan, inf, zero,
 * huge, tiny, powers of two. w is past the sign, if any. */
static __attribute__((noinline)) size_t
fmt_double_rare(char *out, char *w, double v, int be, uint64_t m)
{
	struct fmt_dec r;

	if (be == 0x7ff)
		return m ? (size_t)(fmt_put(out, "nan", 3) - out)
		         : (size_t)(fmt_put(w, "inf", 3) - out);
	if (be == 0 && m == 0)
		return (size_t)(fmt_put(w, "0.0", 3) - out);
	fmt_shortest_slow(fabs(v), m == 0, &r.dig, &r.exp);
	r.nd = (int)fmt_ndigits(r.dig);
	return (size_t)(fmt_layout(w, r) - out);
}

size_t
fmt_double(char *out, double v)
{
	char    *w = out, *end;
	uint64_t bits, m;
	int      be;

	memcpy(&bits, &v, sizeof(bits));
	be = (int)((bits >> 52) & 0x7ff);
	m  = bits & ((1ULL << 52) - 1);
	*w = '-';
	w += bits >> 63;
	if (__builtin_expect((unsigned)(1075 - be) >= FMT_SCALES || m == 0, 0))
		return fmt_double_rare(out, w, v, be, m);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	end = fmt_fast(w, m | 1ULL << 52, be - 1075);
	if (__builtin_expect(end != NULL, 1))
		return (size_t)(end - out);
#endif
	end = fmt_layout(w, fmt_shortest(m | 1ULL << 52, be - 1075));
	return (size_t)(end - out);
}

size_t
fmt_ms_as_secs(char *out, int64_t ms)
{
	int64_t sec = ms / 1000, rem = ms % 1000;
	size_t  n;

	if (rem < 0) { /* before 1970: the second below, and a fraction */
		sec--;
		rem += 1000;
	}
	n = fmt_i64(out, sec);
	if (rem) {
		out[n++] = '.';
		out[n++] = (char)('0' + rem / 100);
		out[n++] = (char)('0' + rem / 10 % 10);
		out[n++] = (char)('0' + rem % 10);
	}
	return n;
}
