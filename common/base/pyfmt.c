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

#include "fmt.h"

/* CPython's limits for round(x, nd): beyond them the result is x or 0. */
enum {
	NDIGITS_MAX = 323,
	NDIGITS_MIN = -308,
	/* "%.1074f" of the largest double: 309 + 1 + 1074 chars + NUL */
	EXACT_MAX = 1400,
	/* what fmt_double() may use, and the NUL */
	REPR_MAX = FMT_NUM_MAX + 1,
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

/* repr(x) into out (REPR_MAX bytes), NUL-terminated; returns the length.
 * fmt_double() is the one shortest-double writer. */
static int
repr_into(char out[REPR_MAX], double x)
{
	size_t len = fmt_double(out, x);

	out[len] = '\0';
	return (int)len;
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
