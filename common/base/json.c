/* json.c - streaming JSON writer for results files.
 *
 * The writer keeps only what it needs to place separators: the kind of each
 * open container, whether the innermost one has a member yet, and whether a
 * key is waiting for its value. Each call rolls the buf back on failure so
 * that the output is always a clean prefix.
 */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "log.h"

void
json_w_init(struct json_w *w, struct buf *b, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->b      = b;
	w->pretty = pretty;
	w->first  = true;
}

int
json_w_finish(const struct json_w *w)
{
	if (w->err)
		return w->err;
	return w->done ? 0 : -EINVAL;
}

/* Undoes a failed call and makes its error stick. */
static int
json_fail(struct json_w *w, size_t mark, int rc)
{
	w->b->len = mark;
	w->err    = rc;
	return rc;
}

/* Newline and indent for nesting level `level` (pretty only). */
static int
json_indent(struct json_w *w, unsigned level)
{
	size_t n = 2 * (size_t)level;
	int    rc;

	if (!w->pretty)
		return 0;
	rc = buf_reserve(w->b, 1 + n);
	if (rc)
		return rc;
	w->b->p[w->b->len++] = '\n';
	memset(w->b->p + w->b->len, ' ', n);
	w->b->len += n;
	return 0;
}

/* Separator before a member of the innermost container. */
static int
json_sep(struct json_w *w)
{
	int rc;

	if (!w->first) {
		rc = buf_addc(w->b, ',');
		if (rc)
			return rc;
	}
	return json_indent(w, w->depth);
}

/* Checks that a value may come now and writes what precedes it. */
static int
json_pre_value(struct json_w *w)
{
	if (w->depth == 0)
		return w->done ? -EINVAL : 0;
	if (w->open[w->depth - 1] == '{')
		return w->key ? 0 : -EINVAL;
	return json_sep(w);
}

/* A value (scalar or closed container) is complete. */
static void
json_post_value(struct json_w *w)
{
	w->key   = false;
	w->first = false;
	if (w->depth == 0)
		w->done = true;
}

static int
json_escape(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t            i, run = 0;
	int               rc;

	rc = buf_addc(b, '"');
	for (i = 0; i < n && !rc; i++) {
		unsigned char c      = (unsigned char)s[i];
		char          esc[6] = { '\\', 0, '0', '0', 0, 0 };
		size_t        len    = 2;

		if (c >= 0x80) {
			/* well-formed UTF-8 as it is; any other byte becomes
			 * U+FFFD, so the output is always valid UTF-8 */
			size_t k = log_utf8_len(s + i, n - i);

			if (k) {
				i += k - 1;
				continue;
			}
			rc = buf_add(b, s + run, i - run);
			if (!rc)
				rc = buf_add(b, "\\ufffd", 6);
			run = i + 1;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		/* Flush the plain run before this byte. */
		rc = buf_add(b, s + run, i - run);
		if (rc)
			break;
		run = i + 1;
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			len    = 6;
			break;
		}
		rc = buf_add(b, esc, len);
	}
	if (!rc)
		rc = buf_add(b, s + run, n - run);
	if (!rc)
		rc = buf_addc(b, '"');
	return rc;
}

/* Writes a value whose text is already known (numbers, literals). */
static int
json_raw_value(struct json_w *w, const char *text, size_t n)
{
	size_t mark;
	int    rc;

	if (w->err)
		return w->err;
	mark = w->b->len;
	rc   = json_pre_value(w);
	if (!rc)
		rc = buf_add(w->b, text, n);
	if (rc)
		return json_fail(w, mark, rc);
	json_post_value(w);
	return 0;
}

static int
json_begin(struct json_w *w, char open)
{
	size_t mark;
	int    rc;

	if (w->err)
		return w->err;
	mark = w->b->len;
	rc   = json_pre_value(w);
	if (!rc && w->depth == JSON_MAX_DEPTH)
		rc = -EINVAL;
	if (!rc)
		rc = buf_addc(w->b, open);
	if (rc)
		return json_fail(w, mark, rc);
	w->open[w->depth++] = open;
	w->first            = true;
	w->key              = false;
	return 0;
}

static int
json_end(struct json_w *w, char open, char close)
{
	size_t mark;
	int    rc = 0;

	if (w->err)
		return w->err;
	if (w->depth == 0 || w->open[w->depth - 1] != open || w->key)
		return json_fail(w, w->b->len, -EINVAL);
	mark = w->b->len;
	/* Empty containers stay on one line: {} and []. */
	if (!w->first)
		rc = json_indent(w, w->depth - 1);
	if (!rc)
		rc = buf_addc(w->b, close);
	if (rc)
		return json_fail(w, mark, rc);
	w->depth--;
	json_post_value(w);
	return 0;
}

int
json_obj_begin(struct json_w *w)
{
	return json_begin(w, '{');
}

int
json_obj_end(struct json_w *w)
{
	return json_end(w, '{', '}');
}

int
json_arr_begin(struct json_w *w)
{
	return json_begin(w, '[');
}

int
json_arr_end(struct json_w *w)
{
	return json_end(w, '[', ']');
}

int
json_key(struct json_w *w, const char *name)
{
	size_t mark;
	int    rc;

	if (w->err)
		return w->err;
	if (!name || w->depth == 0 || w->open[w->depth - 1] != '{' || w->key)
		return json_fail(w, w->b->len, -EINVAL);
	mark = w->b->len;
	rc   = json_sep(w);
	if (!rc)
		rc = json_escape(w->b, name, strlen(name));
	if (!rc)
		rc = w->pretty ? buf_add(w->b, ": ", 2) : buf_addc(w->b, ':');
	if (rc)
		return json_fail(w, mark, rc);
	w->key = true;
	return 0;
}

int
json_strn(struct json_w *w, const char *s, size_t n)
{
	size_t mark;
	int    rc;

	if (w->err)
		return w->err;
	mark = w->b->len;
	rc   = json_pre_value(w);
	if (!rc)
		rc = json_escape(w->b, s, n);
	if (rc)
		return json_fail(w, mark, rc);
	json_post_value(w);
	return 0;
}

int
json_str(struct json_w *w, const char *s)
{
	if (!s)
		return json_null(w);
	return json_strn(w, s, strlen(s));
}

int
json_int(struct json_w *w, int64_t v)
{
	char t[24];
	int  n = snprintf(t, sizeof(t), "%" PRId64, v);

	return json_raw_value(w, t, (size_t)n);
}

int
json_uint(struct json_w *w, uint64_t v)
{
	char t[24];
	int  n = snprintf(t, sizeof(t), "%" PRIu64, v);

	return json_raw_value(w, t, (size_t)n);
}

/* The shortest decimal that reads back as v (fmt_double(), Python's
 * repr()) in the layout of C's %g: no ".0" on integral values, and
 * 1e16 <= |v| < 1e17 written in full with 17 digits, where repr has an
 * exponent. */
int
json_double(struct json_w *w, double v)
{
	char   t[FMT_NUM_MAX];
	size_t n;

	if (!isfinite(v))
		return json_null(w);
	n = fmt_double(t, v);
	if (n > 4 && !memcmp(t + n - 4, "e+16", 4))
		n = (size_t)snprintf(t, sizeof(t), "%.17g", v);
	else if (n >= 2 && t[n - 2] == '.' && t[n - 1] == '0')
		n -= 2;
	return json_raw_value(w, t, n);
}

int
json_bool(struct json_w *w, bool v)
{
	return v ? json_raw_value(w, "true", 4)
	         : json_raw_value(w, "false", 5);
}

int
json_null(struct json_w *w)
{
	return json_raw_value(w, "null", 4);
}

/* json_key() and a value as one call: on failure neither is left. */
#define JSON_KV(w, key, value_call)                                           \
	do {                                                                  \
		size_t mark = (w)->b->len;                                    \
		int    rc   = json_key((w), (key));                           \
                                                                              \
		if (!rc)                                                      \
			rc = (value_call);                                    \
		return rc ? json_fail((w), mark, rc) : 0;                     \
	} while (0)

int
json_kv_str(struct json_w *w, const char *key, const char *s)
{
	JSON_KV(w, key, json_str(w, s));
}

int
json_kv_int(struct json_w *w, const char *key, int64_t v)
{
	JSON_KV(w, key, json_int(w, v));
}

int
json_kv_uint(struct json_w *w, const char *key, uint64_t v)
{
	JSON_KV(w, key, json_uint(w, v));
}

int
json_kv_double(struct json_w *w, const char *key, double v)
{
	JSON_KV(w, key, json_double(w, v));
}

int
json_kv_bool(struct json_w *w, const char *key, bool v)
{
	JSON_KV(w, key, json_bool(w, v));
}
