/* parse.c - strict parsing of numbers, durations and sizes from the user.
 *
 * Every function accepts the whole string or nothing: no surrounding space,
 * no trailing junk, base 10 only. Failures name the bad value and what would
 * have been accepted, so that the caller only has to prefix the option.
 */
#include "parse.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void
parse_quote(char out[PARSE_QUOTE_MAX + 4], const char *s)
{
	size_t i;

	if (!s)
		s = "";
	for (i = 0; s[i] && i < PARSE_QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	strcpy(out + i, s[i] ? "..." : "");
}

int
parse_error(
    char *err, size_t errlen, int rc, const char *s, const char *fmt, ...)
{
	char    q[PARSE_QUOTE_MAX + 4];
	char    expect[128];
	va_list ap;

	if (!err || errlen == 0)
		return rc;
	parse_quote(q, s);
	va_start(ap, fmt);
	vsnprintf(expect, sizeof(expect), fmt, ap);
	va_end(ap);
	if (rc == -ERANGE)
		snprintf(err, errlen,
		    "value \"%s\" out of range (expected %s)", q, expect);
	else
		snprintf(err, errlen, "invalid value \"%s\" (expected %s)", q,
		    expect);
	return rc;
}

/* Length of the decimal number at the start of s:
 * [sign] (digits [. [digits]] | . digits) [(e|E) [sign] digits].
 * 0 when there is none. Rules out what strtod would also take: hex,
 * "inf", "nan" and leading space. */
static size_t
scan_decimal(const char *s, bool sign)
{
	size_t i = 0, digits = 0, e;

	if (sign && (s[i] == '+' || s[i] == '-'))
		i++;
	while (is_digit(s[i])) {
		i++;
		digits++;
	}
	if (s[i] == '.') {
		i++;
		while (is_digit(s[i])) {
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		e = i + 1;
		if (s[e] == '+' || s[e] == '-')
			e++;
		if (is_digit(s[e])) {
			while (is_digit(s[e]))
				e++;
			i = e;
		}
	}
	return i;
}

/* strtod over exactly the first n bytes of s, which scan_decimal accepted.
 * Returns false on overflow; underflow yields the tiny or zero result. */
static bool
strtod_n(const char *s, size_t n, double *out)
{
	char  *end;
	double v;

	errno = 0;
	v     = strtod(s, &end);
	if ((size_t)(end - s) != n)
		return false;
	if (errno == ERANGE && isinf(v))
		return false;
	*out = v;
	return true;
}

int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
    size_t errlen)
{
	unsigned long long v;
	char              *end;

	/* A leading digit rules out "", spaces and signs (strtoull would
	 * quietly negate "-1"). */
	if (!s || !is_digit(s[0]))
		goto invalid;
	errno = 0;
	v     = strtoull(s, &end, 10);
	if (*end)
		goto invalid;
	if (errno == ERANGE || v < min || v > max)
		return parse_error(err, errlen, -ERANGE, s,
		    "an integer %" PRIu64 "..%" PRIu64, min, max);
	*out = v;
	return 0;
invalid:
	return parse_error(err, errlen, -EINVAL, s,
	    "an integer %" PRIu64 "..%" PRIu64, min, max);
}

int
parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, char *err,
    size_t errlen)
{
	long long v;
	char     *end;
	size_t    i = 0;

	if (!s)
		goto invalid;
	if (s[0] == '+' || s[0] == '-')
		i++;
	if (!is_digit(s[i]))
		goto invalid;
	errno = 0;
	v     = strtoll(s, &end, 10);
	if (*end)
		goto invalid;
	if (errno == ERANGE || v < min || v > max)
		return parse_error(err, errlen, -ERANGE, s,
		    "an integer %" PRId64 "..%" PRId64, min, max);
	*out = v;
	return 0;
invalid:
	return parse_error(err, errlen, -EINVAL, s,
	    "an integer %" PRId64 "..%" PRId64, min, max);
}

/* "a number 0..1", "a number >= 0", ... for the messages of parse_double. */
static void
describe_range(char *out, size_t outlen, double min, double max)
{
	bool lo = isfinite(min), hi = isfinite(max);

	if (lo && hi)
		snprintf(out, outlen, "a number %g..%g", min, max);
	else if (lo)
		snprintf(out, outlen, "a number >= %g", min);
	else if (hi)
		snprintf(out, outlen, "a number <= %g", max);
	else
		snprintf(out, outlen, "a finite number");
}

int
parse_double(const char *s, double min, double max, double *out, char *err,
    size_t errlen)
{
	char   range[96];
	size_t n;
	double v;

	describe_range(range, sizeof(range), min, max);
	if (!s)
		return parse_error(err, errlen, -EINVAL, s, "%s", range);
	n = scan_decimal(s, true);
	if (n == 0 || s[n])
		return parse_error(err, errlen, -EINVAL, s, "%s", range);
	if (!strtod_n(s, n, &v) || !isfinite(v) || v < min || v > max)
		return parse_error(err, errlen, -ERANGE, s, "%s", range);
	*out = v;
	return 0;
}

/* v * num / den seconds; ms divides so that "250ms" is exactly 0.25. */
static const struct {
	const char *suffix;
	double      num, den;
} duration_units[] = {
	{ "", 1, 1 },
	{ "ms", 1, 1000 },
	{ "s", 1, 1 },
	{ "m", 60, 1 },
	{ "h", 3600, 1 },
	{ "d", 86400, 1 },
};

#define N_DURATION_UNITS (sizeof(duration_units) / sizeof(duration_units[0]))
#define DURATION_EXPECT "a duration such as 90, 1.5, 250ms, 10s, 5m, 2h, 1d"

int
parse_duration(const char *s, double *secs, char *err, size_t errlen)
{
	size_t n, i;
	double v;

	/* No sign: negative durations are never meant. */
	n = s ? scan_decimal(s, false) : 0;
	if (n == 0)
		return parse_error(err, errlen, -EINVAL, s, DURATION_EXPECT);
	for (i = 0; i < N_DURATION_UNITS; i++)
		if (strcmp(s + n, duration_units[i].suffix) == 0)
			break;
	if (i == N_DURATION_UNITS)
		return parse_error(err, errlen, -EINVAL, s, DURATION_EXPECT);
	if (!strtod_n(s, n, &v))
		return parse_error(
		    err, errlen, -ERANGE, s, "a finite duration");
	v = v * duration_units[i].num / duration_units[i].den;
	if (!isfinite(v))
		return parse_error(
		    err, errlen, -ERANGE, s, "a finite duration");
	*secs = v;
	return 0;
}

#define SIZE_EXPECT "a size such as 4096, 64k, 16M, 2G"

int
parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	unsigned long long v;
	unsigned           shift = 0;
	char              *end;
	const char        *p;

	if (!s || !is_digit(s[0]))
		return parse_error(err, errlen, -EINVAL, s, SIZE_EXPECT);
	errno = 0;
	v     = strtoull(s, &end, 10);
	p     = end;
	switch (*p) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	}
	if (shift)
		p++;
	/* Optional byte unit: "64k", "64kB", "64KiB", "4096B". */
	if (p[0] == 'B')
		p++;
	else if (shift && p[0] == 'i' && p[1] == 'B')
		p += 2;
	if (*p)
		return parse_error(err, errlen, -EINVAL, s, SIZE_EXPECT);
	if (errno == ERANGE || v > (UINT64_MAX >> shift))
		return parse_error(err, errlen, -ERANGE, s,
		    "a size up to %" PRIu64 " bytes", UINT64_MAX);
	*out = (uint64_t)v << shift;
	return 0;
}

int
parse_bool(const char *s, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[]  = { "0", "false", "no", "off" };

	for (size_t i = 0; s && i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return parse_error(
	    err, errlen, -EINVAL, s, "1, true, yes, on, 0, false, no or off");
}

int
parse_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Levenshtein distance of two short strings (capped at 31 chars). */
unsigned
parse_edit_distance(const char *a, const char *b)
{
	unsigned row[32], i, j;
	unsigned la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 31 || lb > 31)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			/* Substitute, delete or insert. */
			unsigned up   = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag   = up;
		}
	}
	return row[lb];
}

#define TIME_EXPECT                                                           \
	"RFC 3339 (2026-01-01T00:00:00Z), epoch seconds or milliseconds, or " \
	"relative: now, -3d, now-90m"

#define TIME_MAX_MS 253402300799999ll /* 9999-12-31T23:59:59.999Z */

/* Reads exactly n digits at s into *v. */
static bool
digits_n(const char *s, unsigned n, int *v)
{
	*v = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), without timegm and its TZ. */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t  era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* RFC 3339: YYYY-MM-DD, then T, t or a space and HH:MM:SS, an optional
 * fraction of any length (cut to ms), and Z, z or +HH:MM / -HH:MM. A date
 * alone is its midnight UTC. No leap second (:60). */
static bool
parse_iso_ms(const char *s, int64_t *ms)
{
	static const int mdays[]
	    = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int         y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, oh, om;
	int64_t     off = 0;
	const char *p   = s + 10;

	if (!digits_n(s, 4, &y) || s[4] != '-' || !digits_n(s + 5, 2, &mo)
	    || s[7] != '-' || !digits_n(s + 8, 2, &d))
		return false;
	if (*p) {
		if ((*p != 'T' && *p != 't' && *p != ' ')
		    || !digits_n(p + 1, 2, &h) || p[3] != ':'
		    || !digits_n(p + 4, 2, &mi) || p[6] != ':'
		    || !digits_n(p + 7, 2, &sec))
			return false;
		p += 9;
		if (*p == '.') {
			unsigned n = 0;

			for (p++; is_digit(*p); p++, n++)
				if (n < 3)
					frac = frac * 10 + (*p - '0');
			if (n == 0)
				return false;
			for (; n < 3; n++)
				frac *= 10;
		}
		if ((*p == 'Z' || *p == 'z') && !p[1]) {
			off = 0;
		} else if ((*p == '+' || *p == '-') && digits_n(p + 1, 2, &oh)
		    && p[3] == ':' && digits_n(p + 4, 2, &om) && !p[6]
		    && oh <= 23 && om <= 59) {
			off = (*p == '-' ? -1 : 1) * (oh * 60 + om) * 60000ll;
		} else {
			return false;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23
	    || mi > 59 || sec > 59)
		return false;
	if (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)))
		return false;
	*ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000
	    + sec * 1000 + frac - off;
	return true;
}

/* "now", "now-90m", "-3d", "+1h": now_ms plus or minus a duration of
 * parse_duration. false when s is not relative; *rc says how it failed
 * when it is relative but bad. */
static bool
parse_relative_ms(const char *s, int64_t now_ms, int64_t *ms, int *rc)
{
	double secs;

	*rc = 0;
	if (!strncmp(s, "now", 3)) {
		s += 3;
		if (!*s) {
			*ms = now_ms;
			return true;
		}
	}
	if (*s != '-' && *s != '+')
		return false;
	if (parse_duration(s + 1, &secs, NULL, 0)) {
		*rc = -EINVAL;
		return true;
	}
	secs = (*s == '-' ? -secs : secs) * 1000 + (double)now_ms;
	if (!(secs >= 0 && secs <= (double)TIME_MAX_MS)) {
		*rc = -ERANGE;
		return true;
	}
	*ms = (int64_t)llround(secs);
	return true;
}

int
parse_time_ms(
    const char *s, int64_t now_ms, int64_t *ms, char *err, size_t errlen)
{
	uint64_t v;
	size_t   n;
	double   secs;
	int64_t  t;
	int      rc;

	if (!s)
		return parse_error(err, errlen, -EINVAL, s, TIME_EXPECT);
	if (parse_relative_ms(s, now_ms, &t, &rc)) {
		if (rc == -ERANGE)
			return parse_error(err, errlen, rc, s,
			    "a time from 1970 to the year 9999");
		if (rc)
			return parse_error(err, errlen, rc, s, TIME_EXPECT);
		*ms = t;
		return 0;
	}
	if (strlen(s) >= 10 && s[4] == '-') {
		if (!parse_iso_ms(s, &t))
			return parse_error(
			    err, errlen, -EINVAL, s, TIME_EXPECT);
		if (t < 0 || t > TIME_MAX_MS)
			return parse_error(err, errlen, -ERANGE, s,
			    "a time from 1970 to the year 9999");
		*ms = t;
		return 0;
	}
	/* Epoch seconds with a fraction ("1600163743.5"), to the ms. */
	n = scan_decimal(s, false);
	if (n && !s[n] && strchr(s, '.') && !strpbrk(s, "eE")) {
		if (!strtod_n(s, n, &secs) || secs >= 1e11)
			return parse_error(err, errlen, -ERANGE, s,
			    "epoch seconds below 10^11");
		*ms = (int64_t)llround(secs * 1000);
		return 0;
	}
	if (parse_u64(s, 0, UINT64_MAX, &v, NULL, 0))
		return parse_error(err, errlen, -EINVAL, s, TIME_EXPECT);
	if (v < 100000000000ull) /* 10^11 s is the year 5138 */
		v *= 1000;
	if (v > (uint64_t)TIME_MAX_MS)
		return parse_error(
		    err, errlen, -ERANGE, s, "a time before the year 10000");
	*ms = (int64_t)v;
	return 0;
}
