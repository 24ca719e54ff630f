/* jsonr_scan.c - the JSON tokenizer and pull reader of jsonr.h.
 *
 * Every JSON text tsload reads goes through here: the influx and vm
 * targets walk their answers with it directly, jsonr.c builds its trees
 * with it. Strings are checked and decoded in runs straight into the
 * caller's buffer; numbers and literals are checked and copied as
 * written. The grammar inside containers is kept with two fields: the
 * depth and whether the innermost container has had an entry yet.
 */
#include "jsonr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

void
jsonr_init(struct jsonr *s, const char *text, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->p    = text;
	s->end  = text + len;
	s->text = text;
}

int
jsonr_fail(struct jsonr *s, size_t at, int err, const char *fmt, ...)
{
	va_list ap;

	if (!s->err) {
		s->err    = err;
		s->err_at = at;
		va_start(ap, fmt);
		vsnprintf(s->why, sizeof(s->why), fmt, ap);
		va_end(ap);
	}
	s->p = s->end;
	return s->err;
}

/* Fails at q, for a reason. */
static int
fail_at(struct jsonr *s, const char *q, int err, const char *why)
{
	return jsonr_fail(s, (size_t)(q - s->text), err, "%s", why);
}

/* The byte at s->p is not allowed here (outside any string). */
static int
unexpected(struct jsonr *s)
{
	size_t        at = (size_t)(s->p - s->text);
	unsigned char c;

	if (s->p >= s->end)
		return jsonr_fail(s, at, -EINVAL, "unexpected end of input");
	c = (unsigned char)*s->p;
	if (c > 0x20 && c < 0x7f)
		return jsonr_fail(s, at, -EINVAL, "unexpected '%c'", c);
	return jsonr_fail(s, at, -EINVAL, "unexpected byte 0x%02x", c);
}

void
jsonr_error(const struct jsonr *s, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "JSON: %s at byte %zu",
		    s->err ? s->why : "no error", s->err_at);
}

static void
skip_ws(struct jsonr *s)
{
	while (s->p < s->end
	    && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n'
	        || *s->p == '\r'))
		s->p++;
}

char
jsonr_peek(struct jsonr *s)
{
	skip_ws(s);
	return s->err || s->p >= s->end ? 0 : *s->p;
}

bool
jsonr_enter(struct jsonr *s, char open)
{
	if (jsonr_peek(s) != open) {
		unexpected(s); /* keeps an earlier error */
		return false;
	}
	if (s->depth >= JSONR_MAX_DEPTH) {
		jsonr_fail(s, (size_t)(s->p - s->text), -ELOOP,
		    "nesting deeper than %d", JSONR_MAX_DEPTH);
		return false;
	}
	s->p++;
	s->depth++;
	s->first = true;
	return true;
}

bool
jsonr_more(struct jsonr *s, char close)
{
	jsonr_peek(s);
	if (s->err)
		return false;
	if (s->p >= s->end) {
		unexpected(s);
		return false;
	}
	if (*s->p == close) {
		s->p++;
		s->depth--;
		s->first = false; /* the parent has this entry now */
		return false;
	}
	if (s->first) {
		s->first = false;
		return true;
	}
	if (*s->p != ',') {
		unexpected(s);
		return false;
	}
	s->p++;
	jsonr_peek(s);
	if (s->p < s->end && (*s->p == '}' || *s->p == ']')) {
		unexpected(s); /* a trailing comma */
		return false;
	}
	return true;
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int      k;

	for (k = 0; k < 4; k++) {
		char c = p[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. Follows
 * the RFC 3629 table: no overlongs, no surrogates, nothing past U+10FFFF. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t        len, k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

/* Reads the \uXXXX escape at q (the backslash; the string ends before
 * end) and, for a high surrogate, the low one after it: the code point
 * into *cp, the escape's length into *used. */
static int
unicode_escape(struct jsonr *s, const char *q, const char *end, unsigned *cp,
    size_t *used)
{
	unsigned hi, lo;

	if (end - q < 6 || hex4(q + 2, &hi))
		return fail_at(s, q, -EINVAL, "invalid \\u escape in string");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail_at(s, q, -EINVAL, "lone low surrogate in string");
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp   = hi;
		*used = 6;
		return 0;
	}
	if (end - q < 12 || q[6] != '\\' || q[7] != 'u' || hex4(q + 8, &lo)
	    || lo < 0xdc00 || lo > 0xdfff)
		return fail_at(s, q, -EINVAL, "lone high surrogate in string");
	*cp   = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	*used = 12;
	return 0;
}

/* Two-character escapes and what they stand for. */
static const char ESC_FROM[] = "\"\\/bfnrt";
static const char ESC_TO[]   = "\"\\/\b\f\n\r\t";

/* Appends n bytes to out (if any); -ENOSPC fails the scan at q. */
static int
put(struct jsonr *s, struct buf *out, const char *q, const void *b, size_t n)
{
	if (out && buf_add(out, b, n))
		return fail_at(s, q, -ENOSPC, "string longer than its buffer");
	return 0;
}

/* The string at s->p (its opening quote), checked and decoded onto out.
 * The closing quote is found first, so a string that never ends says so
 * whatever it holds. */
static int
string(struct jsonr *s, struct buf *out)
{
	const char *q = s->p + 1, *end = q, *run;

	while (end < s->end && *end != '"')
		end += *end == '\\' ? 2 : 1;
	if (end >= s->end)
		return jsonr_fail(s, (size_t)(s->end - s->text), -EINVAL,
		    "unterminated string");
	while (q < end) {
		unsigned char c    = (unsigned char)*q;
		unsigned      cp   = 0;
		size_t        used = 0;
		char          u[4];
		const char   *esc;

		/* a run of plain bytes and valid UTF-8 */
		for (run = q; q < end; q += used) {
			c = (unsigned char)*q;
			if (c < 0x20 || c == '\\')
				break;
			used = utf8_len(
			    (const unsigned char *)q, (size_t)(end - q));
			if (!used)
				return fail_at(
				    s, q, -EINVAL, "invalid UTF-8 in string");
		}
		if (q > run && put(s, out, run, run, (size_t)(q - run)))
			return s->err;
		if (q >= end)
			break;
		if (c < 0x20)
			return jsonr_fail(s, (size_t)(q - s->text), -EINVAL,
			    "control character 0x%02x in string", c);
		/* an escape: q[1] is inside the text, the scan above
		 * stepped over it */
		if (q[1] == 'u') {
			if (unicode_escape(s, q, end, &cp, &used)
			    || put(s, out, q, u, put_utf8(u, cp)))
				return s->err;
			q += used;
			continue;
		}
		esc = memchr(ESC_FROM, q[1], sizeof(ESC_FROM) - 1);
		if (!esc)
			return fail_at(
			    s, q, -EINVAL, "invalid escape in string");
		if (put(s, out, q, &ESC_TO[esc - ESC_FROM], 1))
			return s->err;
		q += 2;
	}
	s->p = end + 1;
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The number at s->p, checked against the grammar and copied. */
static int
number(struct jsonr *s, struct buf *out)
{
	const char *start = s->p, *k = s->p, *e = s->end;

	if (k < e && *k == '-')
		k++;
	if (k < e && *k == '0')
		k++;
	else if (k < e && is_digit(*k))
		while (k < e && is_digit(*k))
			k++;
	else
		return fail_at(s, start, -EINVAL, "invalid number");
	if (k < e && *k == '.') {
		if (++k >= e || !is_digit(*k))
			return fail_at(s, start, -EINVAL, "invalid number");
		while (k < e && is_digit(*k))
			k++;
	}
	if (k < e && (*k == 'e' || *k == 'E')) {
		k++;
		if (k < e && (*k == '+' || *k == '-'))
			k++;
		if (k >= e || !is_digit(*k))
			return fail_at(s, start, -EINVAL, "invalid number");
		while (k < e && is_digit(*k))
			k++;
	}
	/* "01" would otherwise read as 0 followed by junk at the top level
	 * and as a missing comma inside containers: name it for what it is. */
	if (k < e && is_digit(*k))
		return fail_at(s, start, -EINVAL, "invalid number");
	if (out && buf_add(out, start, (size_t)(k - start)))
		return fail_at(
		    s, start, -ENOSPC, "number longer than its buffer");
	s->p = k;
	return 0;
}

/* true, false or null at s->p, spelt exactly. */
static int
literal(struct jsonr *s, const char *word, struct buf *out)
{
	const char *start = s->p;
	size_t      n     = strlen(word), k;

	for (k = 0; k < n; k++, s->p++)
		if (s->p >= s->end || *s->p != word[k])
			return unexpected(s);
	if (out && buf_add(out, start, n))
		return fail_at(
		    s, start, -ENOSPC, "value longer than its buffer");
	return 0;
}

int
jsonr_member(struct jsonr *s, struct buf *name)
{
	if (name)
		buf_reset(name);
	if (jsonr_peek(s) != '"')
		return unexpected(s);
	if (string(s, name))
		return s->err;
	if (name && buf_cstr(name))
		return fail_at(
		    s, s->p, -ENOSPC, "member name longer than its buffer");
	if (jsonr_peek(s) != ':')
		return unexpected(s);
	s->p++;
	return 0;
}

int
jsonr_scalar(struct jsonr *s, struct buf *out)
{
	switch (jsonr_peek(s)) {
	case '"':
		return string(s, out);
	case 't':
		return literal(s, "true", out);
	case 'f':
		return literal(s, "false", out);
	case 'n':
		return literal(s, "null", NULL) ? s->err : 1;
	default:
		if (s->err)
			return s->err;
		if (s->p < s->end && (*s->p == '-' || is_digit(*s->p)))
			return number(s, out);
		return unexpected(s);
	}
}

int
jsonr_skip(struct jsonr *s)
{
	uint64_t obj = 0; /* bit d: level d + 1 of this value is an object */
	unsigned d   = 0; /* levels of this value open */
	char     c;

	for (;;) {
		c = jsonr_peek(s);
		if (c == '{' || c == '[') {
			if (!jsonr_enter(s, c))
				return s->err;
			if (c == '{')
				obj |= (uint64_t)1 << d;
			else
				obj &= ~((uint64_t)1 << d);
			d++;
		} else if (jsonr_scalar(s, NULL) < 0) {
			return s->err;
		}
		/* Close what is complete, up to the next value. */
		for (;;) {
			bool in_obj;

			if (d == 0)
				return 0;
			in_obj = obj >> (d - 1) & 1;
			if (jsonr_more(s, in_obj ? '}' : ']')) {
				if (in_obj && jsonr_member(s, NULL))
					return s->err;
				break;
			}
			if (s->err)
				return s->err;
			d--;
		}
	}
}

int
jsonr_end(struct jsonr *s)
{
	jsonr_peek(s);
	if (!s->err && s->p < s->end)
		unexpected(s);
	return s->err;
}
