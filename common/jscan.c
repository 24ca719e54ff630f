/* jscan.c - JSON pull scanner. */
#include "jscan.h"

#include <errno.h>
#include <string.h>

void
js_init(struct jscan *s, const char *text, size_t len)
{
	s->p   = text;
	s->end = text + len;
	s->err = 0;
}

static int
js_fail(struct jscan *s, int err)
{
	if (!s->err)
		s->err = err;
	s->p = s->end;
	return s->err;
}

static void
js_ws(struct jscan *s)
{
	while (s->p < s->end
	    && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n'
	        || *s->p == '\r'))
		s->p++;
}

char
js_peek(struct jscan *s)
{
	js_ws(s);
	return s->err || s->p >= s->end ? 0 : *s->p;
}

bool
js_enter(struct jscan *s, char open)
{
	if (js_peek(s) != open) {
		js_fail(s, -EINVAL);
		return false;
	}
	s->p++;
	/* An empty container: leave the closer for js_more. */
	return true;
}

bool
js_more(struct jscan *s, char close)
{
	char c = js_peek(s);

	if (c == close) {
		s->p++;
		return false;
	}
	if (!c)
		return js_fail(s, -EINVAL), false;
	if (c == ',') {
		s->p++;
		if (js_peek(s) == close) /* no trailing commas */
			return js_fail(s, -EINVAL), false;
	}
	return !s->err;
}

static int
js_hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	return 0;
}

static int
js_utf8(struct buf *out, unsigned cp)
{
	char u[4];
	int  n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n    = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n    = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n    = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n    = 4;
	}
	return buf_add(out, u, (size_t)n);
}

/* A string at s->p (the opening quote), decoded into out (NULL: just
 * skipped). */
static int
js_string(struct jscan *s, struct buf *out)
{
	const char *p = s->p + 1, *run;

	for (;;) {
		run = p;
		while (p < s->end && *p != '"' && *p != '\\'
		    && (unsigned char)*p >= 0x20)
			p++;
		if (out && p > run && buf_add(out, run, (size_t)(p - run)))
			return js_fail(s, -ENOSPC);
		if (p >= s->end || (unsigned char)*p < 0x20)
			return js_fail(s, -EINVAL);
		if (*p == '"')
			break;
		/* an escape */
		if (++p >= s->end)
			return js_fail(s, -EINVAL);
		if (*p == 'u') {
			unsigned cp, lo;

			if (s->end - p < 5 || js_hex4(p + 1, &cp))
				return js_fail(s, -EINVAL);
			p += 5;
			if (cp >= 0xd800 && cp < 0xdc00 && s->end - p >= 6
			    && p[0] == '\\' && p[1] == 'u'
			    && js_hex4(p + 2, &lo) == 0 && lo >= 0xdc00
			    && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10)
				    + (lo - 0xdc00);
				p += 6;
			}
			if (out && js_utf8(out, cp))
				return js_fail(s, -ENOSPC);
			continue;
		}
		{
			const char *from = "\"\\/bfnrt";
			const char *to   = "\"\\/\b\f\n\r\t";
			const char *k    = strchr(from, *p);

			if (!k || !*p)
				return js_fail(s, -EINVAL);
			if (out && buf_addc(out, to[k - from]))
				return js_fail(s, -ENOSPC);
			p++;
		}
	}
	s->p = p + 1;
	return 0;
}

int
js_key(struct jscan *s, struct buf *key)
{
	buf_reset(key);
	if (js_peek(s) != '"')
		return js_fail(s, -EINVAL);
	if (js_string(s, key) || buf_cstr(key))
		return js_fail(s, -ENOSPC);
	if (js_peek(s) != ':')
		return js_fail(s, -EINVAL);
	s->p++;
	return 0;
}

/* A number or literal: its extent. */
static int
js_word(struct jscan *s, const char **start, size_t *n)
{
	const char *p = s->p;

	while (p < s->end
	    && (strchr("+-.eE", *p) || (*p >= '0' && *p <= '9')
	        || (*p >= 'a' && *p <= 'z')))
		p++;
	if (p == s->p)
		return js_fail(s, -EINVAL);
	*start = s->p;
	*n     = (size_t)(p - s->p);
	s->p   = p;
	return 0;
}

int
js_scalar(struct jscan *s, struct buf *out)
{
	const char *w;
	size_t      n;
	char        c = js_peek(s);

	if (c == '"')
		return js_string(s, out);
	if (!c || c == '{' || c == '[' || c == ',' || c == ':' || c == '}'
	    || c == ']')
		return js_fail(s, -EINVAL);
	if (js_word(s, &w, &n))
		return s->err;
	if (n == 4 && memcmp(w, "null", 4) == 0)
		return 1;
	if (buf_add(out, w, n))
		return js_fail(s, -ENOSPC);
	return 0;
}

int
js_skip(struct jscan *s)
{
	int         depth = 0;
	const char *w;
	size_t      n;

	do {
		char c = js_peek(s);

		switch (c) {
		case 0:
			return js_fail(s, -EINVAL);
		case '{':
		case '[':
			if (++depth > JS_DEPTH_MAX)
				return js_fail(s, -ELOOP);
			s->p++;
			continue;
		case '}':
		case ']':
			if (--depth < 0)
				return js_fail(s, -EINVAL);
			s->p++;
			break;
		case ',':
		case ':':
			if (!depth)
				return js_fail(s, -EINVAL);
			s->p++;
			continue;
		case '"':
			if (js_string(s, NULL))
				return s->err;
			break;
		default:
			if (js_word(s, &w, &n))
				return s->err;
			break;
		}
	} while (depth > 0);
	return 0;
}
