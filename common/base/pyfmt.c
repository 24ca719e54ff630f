/* pyfmt.c - Python's round(), repr() and '{:,}' for numbers.
 *
 * Used where output must match the seed tools character for character.
 * Correctness over speed: rounding works on the exact decimal expansion of
 * the double, which glibc's printf produces for any precision.
 */
#include "pyfmt.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CPython's limits for round(x, nd): beyond them the result is x or 0. */
enum {
	NDIGITS_MAX = 323,
	NDIGITS_MIN = -308,
	/* "%.1074f" of the largest double: 309 + 1 + 1074 chars + NUL */
	EXACT_MAX = 1400,
	/* "-d.ddddddddddddddddde-308" and friends */
	REPR_MAX = 32,
};

/* Adds one unit at the last of the n decimal digits in d; returns true
 * when the carry runs out of the top (d is then all zeros). */
static bool
digits_incr(char *d, int n)
{
	while (n-- > 0) {
		if (d[n] != '9') {
			d[n]++;
			return false;
		}
		d[n] = '0';
	}
	return true;
}

double
pyfmt_round(double x, int nd)
{
	char  buf[EXACT_MAX], num[EXACT_MAX + 16];
	char *dot, *d;
	int   p, c, total, i;
	bool  up;

	if (!isfinite(x) || x == 0.0 || nd > NDIGITS_MAX)
		return x;
	if (nd < NDIGITS_MIN)
		return copysign(0.0, x);

	/* Exact decimal expansion of |x| as one digit string: digits
	 * [0, p) are the integer part, the rest the fraction. */
	snprintf(buf, sizeof(buf), "%.1074f", fabs(x));
	dot = strchr(buf, '.');
	p   = (int)(dot - buf);
	memmove(dot, dot + 1, strlen(dot + 1) + 1);
	d     = buf;
	total = (int)strlen(d);
	c     = p + nd; /* digits kept */
	if (c < 0)
		return copysign(0.0, x); /* below half a unit */
	if (c >= total)
		return x;

	/* Half-even on the exact value. */
	if (d[c] != '5') {
		up = d[c] > '5';
	} else {
		up = false;
		for (i = c + 1; i < total; i++)
			if (d[i] != '0') {
				up = true;
				break;
			}
		if (!up)
			up = c > 0 && ((d[c - 1] - '0') & 1);
	}
	if (c == 0) {
		if (!up)
			return copysign(0.0, x);
		snprintf(num, sizeof(num), "1e%d", -nd);
	} else {
		if (up && digits_incr(d, c)) {
			memmove(d + 1, d, (size_t)c);
			d[0] = '1';
			c++;
		}
		snprintf(num, sizeof(num), "%.*se%d", c, d, -nd);
	}
	return copysign(strtod(num, NULL), x);
}

/* Shortest round-trip digits of finite x > 0: writes the significant
 * digits (no trailing zeros) and returns their count; *exp10 is the
 * decimal exponent of the first digit (x = d.ddd * 10^exp10). */
static int
shortest_digits(double x, char digits[REPR_MAX], int *exp10)
{
	char buf[REPR_MAX], try[REPR_MAX];
	int  p, n, e;

	for (p = 1; p <= 17; p++) {
		/* buf = "d.ddde+XX": correctly rounded to p digits */
		snprintf(buf, sizeof(buf), "%.*e", p - 1, x);
		digits[0] = buf[0];
		if (p > 1)
			memcpy(digits + 1, buf + 2, (size_t)(p - 1));
		e = atoi(strchr(buf, 'e') + 1);
		if (strtod(buf, NULL) == x)
			goto found;
		/* Next to a power of two the interval that reads back as x
		 * is lopsided: the p-digit neighbour above may still fit. */
		if (strtod(buf, NULL) < x) {
			if (digits_incr(digits, p)) {
				digits[0] = '1';
				e++;
			}
			snprintf(try, sizeof(try), "%c.%.*se%d", digits[0],
			    p - 1, digits + 1, e);
			if (p == 1)
				snprintf(
				    try, sizeof(try), "%ce%d", digits[0], e);
			if (strtod(try, NULL) == x)
				goto found;
		}
	}
	p = 17; /* not reached: 17 digits always read back */
found:
	n = p;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*exp10    = e;
	return n;
}

/* repr(x) into out (REPR_MAX bytes); returns the length. */
static int
repr_into(char out[REPR_MAX], double x)
{
	char digits[REPR_MAX];
	int  n, e, decpt, len = 0, i;

	if (isnan(x))
		return (int)strlen(strcpy(out, "nan"));
	if (signbit(x))
		out[len++] = '-';
	x = fabs(x);
	if (isinf(x))
		return len + (int)strlen(strcpy(out + len, "inf"));
	if (x == 0.0)
		return len + (int)strlen(strcpy(out + len, "0.0"));

	n     = shortest_digits(x, digits, &e);
	decpt = e + 1; /* digits before the point */
	if (decpt <= -4 || decpt > 16) {
		/* Python's 'r' layout: exponent with a sign, 2+ digits */
		out[len++] = digits[0];
		if (n > 1) {
			out[len++] = '.';
			memcpy(out + len, digits + 1, (size_t)(n - 1));
			len += n - 1;
		}
		len += snprintf(out + len, REPR_MAX - (size_t)len, "e%c%02d",
		    e < 0 ? '-' : '+', abs(e));
	} else if (decpt <= 0) {
		out[len++] = '0';
		out[len++] = '.';
		for (i = 0; i < -decpt; i++)
			out[len++] = '0';
		memcpy(out + len, digits, (size_t)n);
		len += n;
	} else if (decpt >= n) {
		memcpy(out + len, digits, (size_t)n);
		len += n;
		for (i = n; i < decpt; i++)
			out[len++] = '0';
		out[len++] = '.';
		out[len++] = '0';
	} else {
		memcpy(out + len, digits, (size_t)decpt);
		len += decpt;
		out[len++] = '.';
		memcpy(out + len, digits + decpt, (size_t)(n - decpt));
		len += n - decpt;
	}
	out[len] = '\0';
	return len;
}

/* Copies s to out with a ',' every three digits of its leading run of
 * digits (after an optional '-'); returns the length or -ENOSPC. */
static int
add_commas(char *out, size_t n, const char *s)
{
	size_t len = strlen(s), lead = 0, ndig = 0, o = 0, i;

	if (s[0] == '-')
		lead = 1;
	while (s[lead + ndig] >= '0' && s[lead + ndig] <= '9')
		ndig++;
	if (len + (ndig ? (ndig - 1) / 3 : 0) + 1 > n)
		return -ENOSPC;
	for (i = 0; i < len; i++) {
		out[o++] = s[i];
		if (i >= lead && i + 1 < lead + ndig
		    && (lead + ndig - 1 - i) % 3 == 0)
			out[o++] = ',';
	}
	out[o] = '\0';
	return (int)o;
}

int
pyfmt_repr(char *out, size_t n, double x)
{
	char buf[REPR_MAX];
	int  len = repr_into(buf, x);

	if ((size_t)len + 1 > n)
		return -ENOSPC;
	memcpy(out, buf, (size_t)len + 1);
	return len;
}

int
pyfmt_float_comma(char *out, size_t n, double x)
{
	char buf[REPR_MAX];

	/* Python's '{:,}' on a float is repr's layout with separators; in
	 * exponent form the integer part is one digit, so none appear. */
	repr_into(buf, x);
	return add_commas(out, n, buf);
}

int
pyfmt_int_comma(char *out, size_t n, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return add_commas(out, n, buf);
}
