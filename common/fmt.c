/* fmt.c - integers and doubles as decimal text without printf.
 *
 * fmt_double scales the value by a power of ten to a 15-digit integer and
 * prints its digits. With an exact power of ten (|scale| <= 22, values from
 * about 1e-8 to 1e37) the rounding is decided on the exact product, so the
 * text equals printf("%.15g"); outside that range long double scaling gets
 * within a hair of it.
 */
#include "fmt.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* The powers of ten that are exact doubles. */
static const double fmt_pow10[23] = {
	1e0,
	1e1,
	1e2,
	1e3,
	1e4,
	1e5,
	1e6,
	1e7,
	1e8,
	1e9,
	1e10,
	1e11,
	1e12,
	1e13,
	1e14,
	1e15,
	1e16,
	1e17,
	1e18,
	1e19,
	1e20,
	1e21,
	1e22,
};

#define FMT_LO 100000000000000ULL  /* 1e14: smallest 15-digit integer */
#define FMT_HI 1000000000000000ULL /* 1e15 */

/* "00" "01" ... "99": two decimal digits per table entry. */
static const char fmt_dig2[201]
    = "00010203040506070809101112131415161718192021222324252627282930313233"
      "34353637383940414243444546474849505152535455565758596061626364656667"
      "6869707172737475767778798081828384858687888990919293949596979899";

/* Writes x < 10^n as exactly n digits (n even), two at a time, with
 * 32-bit arithmetic (cheaper than 64-bit division). */
static void
fmt_put_even(char *p, uint32_t x, unsigned n)
{
	for (unsigned i = n; i >= 2; i -= 2) {
		memcpy(p + i - 2, fmt_dig2 + 2 * (x % 100), 2);
		x /= 100;
	}
}

size_t
fmt_u64(char *out, uint64_t v)
{
	char   tmp[20];
	char  *p = tmp + sizeof(tmp);
	size_t n;

	/* Eight digits at a time in 32-bit arithmetic, then pairs. */
	while (v >= 100000000u) {
		p -= 8;
		fmt_put_even(p, (uint32_t)(v % 100000000u), 8);
		v /= 100000000u;
	}
	while (v >= 100) {
		p -= 2;
		memcpy(p, fmt_dig2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, fmt_dig2 + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(out, p, n);
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

/* a * 10^k rounded to the nearest integer; a > 0 and the result is
 * expected below 2^53. Ties go to even on the exact product. */
static uint64_t
fmt_scale_round(double a, int k)
{
	double   p, m, frac, err;
	uint64_t r;

	if (k < -22 || k > 22) {
		/* Far from 1: no exact power; 64-bit mantissa is close enough.
		 */
		long double lm = a, lp = 1.0L, base = 10.0L;
		unsigned    e = (unsigned)(k < 0 ? -k : k);

		for (; e; e >>= 1, base *= base)
			if (e & 1)
				lp *= base;
		lm = k < 0 ? lm / lp : lm * lp;
		r  = (uint64_t)lm;
		if (lm - (long double)r >= 0.5L)
			r++;
		return r;
	}
	p    = fmt_pow10[k < 0 ? -k : k];
	m    = k < 0 ? a / p : a * p;
	r    = (uint64_t)m;
	frac = m - (double)r; /* exact: m < 2^53 */
	if (frac > 0.5) {
		r++;
	} else if (frac == 0.5) {
		/* m was rounded, perhaps onto the tie: the exact remainder
		 * (a*p - m, or a - m*p for a quotient) says on which side the
		 * true value lies. */
		err = k < 0 ? fma(-m, p, a) : fma(a, p, -m);
		if (err > 0 || (err == 0 && (r & 1)))
			r++;
	}
	/* Otherwise m lies a whole ulp from the tie and was rounded by at most
	 * half an ulp, so it is on the same side as the exact product. */
	return r;
}

/* Decimal exponent estimate of a > 0: floor(log10(a)) or one less. */
static int
fmt_exp10_guess(double a)
{
	uint64_t bits;
	int      b2;
	double   t;
	int      e;

	/* a = f * 2^b2 with f in [0.5, 1): the exponent field of a normal
	 * number, frexp() for the rare subnormal. */
	memcpy(&bits, &a, sizeof(bits));
	b2 = (int)((bits >> 52) & 0x7ff) - 1022;
	if (b2 == -1022)
		(void)frexp(a, &b2);
	t = (b2 - 1) * 0.30102999566398120;
	e = (int)t;
	if (t < e)
		e--;
	return e;
}

static size_t
fmt_special(char *out, double v)
{
	if (isnan(v)) {
		memcpy(out, "nan", 3);
		return 3;
	}
	if (v < 0) {
		memcpy(out, "-inf", 4);
		return 4;
	}
	memcpy(out, "inf", 3);
	return 3;
}

size_t
fmt_double(char *out, double v)
{
	char     dig[15];
	char    *w = out;
	double   a;
	uint64_t r;
	int      e, i, nd;

	if (!isfinite(v))
		return fmt_special(out, v);
	if (signbit(v))
		*w++ = '-';
	a = fabs(v);
	if (a == 0) {
		*w++ = '0';
		return (size_t)(w - out);
	}

	/* 15 significant digits: r in [1e14, 1e15) and a ~ r * 10^(e-14). */
	e = fmt_exp10_guess(a);
	r = fmt_scale_round(a, 14 - e);
	for (i = 0; i < 3 && (r >= FMT_HI || r < FMT_LO); i++) {
		e += r >= FMT_HI ? 1 : -1;
		r = fmt_scale_round(a, 14 - e);
	}
	if (r >= FMT_HI) { /* 9.99...95 rounded up to the next decade */
		r /= 10;
		e++;
	}
	/* 15 digits: the low 8 and the high 7 in 32-bit arithmetic */
	fmt_put_even(dig + 7, (uint32_t)(r % 100000000u), 8);
	r /= 100000000u;
	fmt_put_even(dig + 1, (uint32_t)(r % 1000000u), 6);
	dig[0] = (char)('0' + r / 1000000u);
	for (nd = 15; nd > 1 && dig[nd - 1] == '0'; nd--)
		;

	if (e < -4 || e >= 15) {
		*w++ = dig[0];
		if (nd > 1) {
			*w++ = '.';
			memcpy(w, dig + 1, (size_t)nd - 1);
			w += nd - 1;
		}
		*w++ = 'e';
		*w++ = e < 0 ? '-' : '+';
		if (e < 0)
			e = -e;
		if (e >= 100)
			*w++ = (char)('0' + e / 100);
		*w++ = (char)('0' + e / 10 % 10);
		*w++ = (char)('0' + e % 10);
	} else if (e >= 0) {
		memcpy(w, dig, (size_t)e + 1);
		w += e + 1;
		if (nd > e + 1) {
			*w++ = '.';
			memcpy(w, dig + e + 1, (size_t)(nd - e - 1));
			w += nd - e - 1;
		}
	} else {
		*w++ = '0';
		*w++ = '.';
		for (i = -1; i > e; i--)
			*w++ = '0';
		memcpy(w, dig, (size_t)nd);
		w += nd;
	}
	return (size_t)(w - out);
}
