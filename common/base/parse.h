/* parse.h - strict parsing of user-supplied numbers.
 *
 * No atoi, no iniparser_getint: the whole string must be a number in range
 * (strtoull/strtod with endptr and errno checked). On failure these write a
 * one-line reason into err, e.g. `invalid value "four" (expected an integer
 * 1..1024)`, and return -EINVAL (not a number of that kind) or -ERANGE
 * (out of range), leaving *out unchanged. Base 10 only; signs only where
 * negative values make sense (parse_i64, parse_double).
 */
#ifndef TSL_PARSE_H
#define TSL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
    char *err, size_t errlen);
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, char *err,
    size_t errlen);
/** Finite double in [min, max]. */
int parse_double(const char *s, double min, double max, double *out, char *err,
    size_t errlen);
/** Duration in seconds: "90", "1.5", "10s", "5m", "2h", "1d", "250ms";
 *  fractions allowed ("1.5h"), no sign, result finite. */
int parse_duration(const char *s, double *secs, char *err, size_t errlen);
/** Size in bytes: "4096", "64k", "16M", "2G", "1T" (powers of 1024, unit
 *  in either case, optionally followed by "B" or "iB": "64KiB"). */
int parse_size(const char *s, uint64_t *out, char *err, size_t errlen);
/** Boolean: 1, true, yes, on or 0, false, no, off (any case). */
int parse_bool(const char *s, bool *out, char *err, size_t errlen);
/** Writes `invalid value "s" (expected WHAT)` for -EINVAL or `value "s"
 *  out of range (expected WHAT)` for -ERANGE into err, with s quoted on
 *  one line (control characters as '?', long values cut), and returns rc:
 *  the messages of the parsers above, for checks made after them. */
int parse_error(char *err, size_t errlen, int rc, const char *s,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
enum { PARSE_QUOTE_MAX = 64 }; /* longest part of a value quoted */
/** Copies s into out for quoting in a one-line message: control
 *  characters become '?', and a value longer than PARSE_QUOTE_MAX bytes is
 *  cut and ends with "...". */
void parse_quote(char out[PARSE_QUOTE_MAX + 4], const char *s);
/** The value of hex digit c (0-9, a-f, A-F), or -1. */
int parse_hexval(char c);
/** Levenshtein distance of two strings of up to 31 characters (99 for
 *  longer ones), to suggest the nearest name for a mistyped one. */
unsigned parse_edit_distance(const char *a, const char *b);
/** A point in time as epoch milliseconds:
 *  - RFC 3339: "2026-01-01T00:00:00Z", "2026-01-01t00:00:00.123456+02:00",
 *    "2026-01-01 00:00:00z", or a date alone ("2026-01-01", midnight UTC);
 *    fractions are cut to the millisecond;
 *  - an epoch number: seconds below 10^11, milliseconds from there
 *    ("1767225600", "1767225600000"), or seconds with a fraction
 *    ("1600163743.5");
 *  - relative to now_ms: "now", "-3d", "+1h", "now-90m" (the units of
 *    parse_duration).
 *  From 1970 to the year 9999; -ERANGE outside. */
int parse_time_ms(
    const char *s, int64_t now_ms, int64_t *ms, char *err, size_t errlen);

#endif
