/* jsonr.c - strict JSON reader into a tree held by one arena.
 *
 * A recursive-descent parser (depth bounded by JSONR_MAX_DEPTH) that
 * allocates values and decoded strings from a chain of growing blocks, so
 * a document costs a handful of mallocs and one jsonr_free(). Siblings are
 * linked in document order; lookups are linear, which suits the small
 * objects of AWS answers.
 */
#include "jsonr.h"

#include <errno.h>
#include <limits.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct jsonr_val {
	enum jsonr_type   type;
	bool              b;      /* JSONR_BOOL */
	bool              is_int; /* JSONR_NUM without fraction, fits i64 */
	const char       *key;    /* member name inside an object, else NULL */
	struct jsonr_val *next;   /* next sibling in the parent */
	size_t            len;    /* string bytes, container entries */
	const char       *s;      /* JSONR_STR: decoded text, NUL-terminated */
	struct jsonr_val *head;   /* JSONR_ARR / JSONR_OBJ: first entry */
	double            num;    /* JSONR_NUM */
	int64_t           i64;    /* JSONR_NUM when is_int */
};

/* One arena block; data follows, aligned for any value. */
struct jsonr_blk {
	struct jsonr_blk *next;
	size_t            cap;
	size_t            used;
	alignas(max_align_t) char data[];
};

struct jsonr_doc {
	struct jsonr_blk *blk; /* newest block first */
	struct jsonr_val *root;
};

enum { BLK_MIN = 4096, BLK_GROW_MAX = 1 << 20, NUM_MAX = 512 };

struct parser {
	const char       *s;
	size_t            n;
	size_t            i; /* next byte */
	unsigned          depth;
	struct jsonr_doc *doc;
	char             *err;
	size_t            errlen;
};

static void *
arena_alloc(struct jsonr_doc *d, size_t n, size_t align)
{
	struct jsonr_blk *b = d->blk;
	size_t            off;

	if (b) {
		off = (b->used + align - 1) & ~(align - 1);
		if (off <= b->cap && n <= b->cap - off) {
			b->used = off + n;
			return b->data + off;
		}
	}
	/* A new block, twice the last (up to BLK_GROW_MAX), or just n. */
	{
		size_t cap = b ? b->cap * 2 : BLK_MIN;

		if (cap > BLK_GROW_MAX)
			cap = BLK_GROW_MAX;
		if (cap < n)
			cap = n;
		b       = xmalloc(sizeof(*b) + cap);
		b->next = d->blk;
		b->cap  = cap;
		b->used = n;
		d->blk  = b;
	}
	return b->data;
}

static struct jsonr_val *
new_val(struct parser *p, enum jsonr_type t)
{
	struct jsonr_val *v
	    = arena_alloc(p->doc, sizeof(*v), alignof(struct jsonr_val));

	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

static int fail(struct parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "JSON: <what> at byte <at>" into err; returns -EINVAL. */
static int
fail(struct parser *p, size_t at, const char *fmt, ...)
{
	char    what[96];
	va_list ap;

	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		snprintf(p->err, p->errlen, "JSON: %s at byte %zu", what, at);
	}
	return -EINVAL;
}

/* The byte at p->i is not allowed here (outside any string). */
static int
unexpected(struct parser *p)
{
	unsigned char c;

	if (p->i >= p->n)
		return fail(p, p->i, "unexpected end of input");
	c = (unsigned char)p->s[p->i];
	if (c > 0x20 && c < 0x7f)
		return fail(p, p->i, "unexpected '%c'", c);
	return fail(p, p->i, "unexpected byte 0x%02x", c);
}

static void
skip_ws(struct parser *p)
{
	while (p->i < p->n) {
		char c = p->s[p->i];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->i++;
	}
}

/* Consumes c after optional whitespace, or fails. */
static int
expect(struct parser *p, char c)
{
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == c) {
		p->i++;
		return 0;
	}
	return unexpected(p);
}

static int
literal(struct parser *p, const char *word)
{
	size_t k;

	for (k = 0; word[k]; k++, p->i++)
		if (p->i >= p->n || p->s[p->i] != word[k])
			return unexpected(p);
	return 0;
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int      k;

	for (k = 0; k < 4; k++) {
		char c = s[k];

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

/* Reads the \uXXXX escape at s + i (i at the backslash) and, for a high
 * surrogate, the low one after it; the code point goes to *cp and the
 * escape's length to *used. */
static int
unicode_escape(struct parser *p, size_t i, unsigned *cp, size_t *used)
{
	unsigned hi, lo;

	if (p->n - i < 6 || hex4(p->s + i + 2, &hi))
		return fail(p, i, "invalid \\u escape in string");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(p, i, "lone low surrogate in string");
	if (hi < 0xd800 || hi > 0xdbff) {
		*cp   = hi;
		*used = 6;
		return 0;
	}
	if (p->n - i < 12 || p->s[i + 6] != '\\' || p->s[i + 7] != 'u'
	    || hex4(p->s + i + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
		return fail(p, i, "lone high surrogate in string");
	*cp   = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	*used = 12;
	return 0;
}

/* Two-character escapes and what they stand for. */
static const char ESC_FROM[] = "\"\\/bfnrt";
static const char ESC_TO[]   = "\"\\/\b\f\n\r\t";

/* Parses the string starting at the '"' at p->i into arena text. Escapes
 * only shrink, so the raw length bounds the decoded one. */
static int
parse_string(struct parser *p, const char **out, size_t *outlen)
{
	size_t start = p->i + 1, end = start, k;
	char  *o;
	size_t len = 0;

	/* Find the closing quote first to size the copy. */
	while (end < p->n && p->s[end] != '"')
		end += p->s[end] == '\\' ? 2 : 1;
	if (end >= p->n)
		return fail(p, p->n, "unterminated string");
	o = arena_alloc(p->doc, end - start + 1, 1);
	for (k = start; k < end;) {
		unsigned char c    = (unsigned char)p->s[k];
		size_t        used = 0;
		unsigned      cp   = 0;
		const char   *esc;

		if (c < 0x20)
			return fail(
			    p, k, "control character 0x%02x in string", c);
		if (c >= 0x80) {
			used = utf8_len(
			    (const unsigned char *)p->s + k, end - k);
			if (!used)
				return fail(p, k, "invalid UTF-8 in string");
			memcpy(o + len, p->s + k, used);
			len += used;
			k += used;
			continue;
		}
		if (c != '\\') {
			o[len++] = (char)c;
			k++;
			continue;
		}
		if (p->s[k + 1] == 'u') {
			if (unicode_escape(p, k, &cp, &used))
				return -EINVAL;
			len += put_utf8(o + len, cp);
			k += used;
			continue;
		}
		esc = memchr(ESC_FROM, p->s[k + 1], sizeof(ESC_FROM) - 1);
		if (!esc)
			return fail(p, k, "invalid escape in string");
		o[len++] = ESC_TO[esc - ESC_FROM];
		k += 2;
	}
	o[len]  = '\0';
	*out    = o;
	*outlen = len;
	p->i    = end + 1;
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exact int64 from an optional '-' and digits, or false on overflow. */
static bool
digits_i64(const char *s, size_t n, int64_t *out)
{
	bool     neg = s[0] == '-';
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
	size_t   k;

	for (k = neg; k < n; k++) {
		unsigned d = (unsigned)(s[k] - '0');

		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static int
parse_number(struct parser *p, struct jsonr_val *v)
{
	size_t start = p->i, k = p->i;
	bool   frac = false;
	char   tmp[NUM_MAX + 1];

	if (k < p->n && p->s[k] == '-')
		k++;
	if (k < p->n && p->s[k] == '0')
		k++;
	else if (k < p->n && is_digit(p->s[k]))
		while (k < p->n && is_digit(p->s[k]))
			k++;
	else
		return fail(p, start, "invalid number");
	if (k < p->n && p->s[k] == '.') {
		frac = true;
		if (++k >= p->n || !is_digit(p->s[k]))
			return fail(p, start, "invalid number");
		while (k < p->n && is_digit(p->s[k]))
			k++;
	}
	if (k < p->n && (p->s[k] == 'e' || p->s[k] == 'E')) {
		frac = true;
		k++;
		if (k < p->n && (p->s[k] == '+' || p->s[k] == '-'))
			k++;
		if (k >= p->n || !is_digit(p->s[k]))
			return fail(p, start, "invalid number");
		while (k < p->n && is_digit(p->s[k]))
			k++;
	}
	/* "01" would otherwise read as 0 followed by junk at the top level
	 * and as a missing comma inside containers: name it for what it is. */
	if (k < p->n && is_digit(p->s[k]))
		return fail(p, start, "invalid number");
	if (k - start > NUM_MAX)
		return fail(p, start, "number too long");
	memcpy(tmp, p->s + start, k - start);
	tmp[k - start] = '\0';
	errno          = 0;
	v->num         = strtod(tmp, NULL);
	if (errno == ERANGE && (v->num > 1 || v->num < -1))
		return fail(p, start, "number out of range");
	v->is_int = !frac && digits_i64(tmp, k - start, &v->i64);
	p->i      = k;
	return 0;
}

static int parse_value(struct parser *p, struct jsonr_val *v);

static int
parse_array(struct parser *p, struct jsonr_val *v)
{
	struct jsonr_val **tail = &v->head;

	p->i++; /* '[' */
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return 0;
	}
	for (;;) {
		struct jsonr_val *e = new_val(p, JSONR_NULL);

		skip_ws(p);
		if (parse_value(p, e))
			return -EINVAL;
		*tail = e;
		tail  = &e->next;
		v->len++;
		skip_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		return expect(p, ']');
	}
}

static int
parse_object(struct parser *p, struct jsonr_val *v)
{
	struct jsonr_val **tail = &v->head;

	p->i++; /* '{' */
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return 0;
	}
	for (;;) {
		struct jsonr_val *m = new_val(p, JSONR_NULL);
		size_t            klen;

		skip_ws(p);
		if (p->i >= p->n || p->s[p->i] != '"')
			return unexpected(p);
		if (parse_string(p, &m->key, &klen) || expect(p, ':'))
			return -EINVAL;
		skip_ws(p);
		if (parse_value(p, m))
			return -EINVAL;
		*tail = m;
		tail  = &m->next;
		v->len++;
		skip_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		return expect(p, '}');
	}
}

/* Parses the value at p->i (whitespace already skipped) into v. */
static int
parse_value(struct parser *p, struct jsonr_val *v)
{
	int rc;

	if (p->i >= p->n)
		return unexpected(p);
	switch (p->s[p->i]) {
	case '{':
	case '[':
		if (p->depth >= JSONR_MAX_DEPTH)
			return fail(p, p->i, "nesting deeper than %d",
			    JSONR_MAX_DEPTH);
		p->depth++;
		if (p->s[p->i] == '{') {
			v->type = JSONR_OBJ;
			rc      = parse_object(p, v);
		} else {
			v->type = JSONR_ARR;
			rc      = parse_array(p, v);
		}
		p->depth--;
		return rc;
	case '"':
		v->type = JSONR_STR;
		return parse_string(p, &v->s, &v->len);
	case 't':
		v->type = JSONR_BOOL;
		v->b    = true;
		return literal(p, "true");
	case 'f':
		v->type = JSONR_BOOL;
		return literal(p, "false");
	case 'n':
		v->type = JSONR_NULL;
		return literal(p, "null");
	default:
		if (p->s[p->i] == '-' || is_digit(p->s[p->i])) {
			v->type = JSONR_NUM;
			return parse_number(p, v);
		}
		return unexpected(p);
	}
}

int
jsonr_parse(const char *text, size_t len, struct jsonr_doc **doc, char *err,
    size_t errlen)
{
	struct parser p
	    = { .s = text, .n = len, .err = err, .errlen = errlen };

	*doc        = NULL;
	p.doc       = xcalloc(1, sizeof(*p.doc));
	p.doc->root = new_val(&p, JSONR_NULL);
	skip_ws(&p);
	if (parse_value(&p, p.doc->root))
		goto fail;
	skip_ws(&p);
	if (p.i < p.n) {
		unexpected(&p);
		goto fail;
	}
	*doc = p.doc;
	return 0;
fail:
	jsonr_free(p.doc);
	return -EINVAL;
}

void
jsonr_free(struct jsonr_doc *doc)
{
	struct jsonr_blk *b, *next;

	if (!doc)
		return;
	for (b = doc->blk; b; b = next) {
		next = b->next;
		free(b);
	}
	free(doc);
}

const struct jsonr_val *
jsonr_root(const struct jsonr_doc *doc)
{
	return doc ? doc->root : NULL;
}

enum jsonr_type
jsonr_type(const struct jsonr_val *v)
{
	return v ? v->type : JSONR_NULL;
}

const char *
jsonr_type_name(enum jsonr_type t)
{
	switch (t) {
	case JSONR_NULL:
		return "null";
	case JSONR_BOOL:
		return "boolean";
	case JSONR_NUM:
		return "number";
	case JSONR_STR:
		return "string";
	case JSONR_ARR:
		return "array";
	case JSONR_OBJ:
		return "object";
	}
	return "?";
}

bool
jsonr_is(const struct jsonr_val *v, enum jsonr_type t)
{
	return v && v->type == t;
}

const struct jsonr_val *
jsonr_get(const struct jsonr_val *obj, const char *key)
{
	const struct jsonr_val *m;

	if (!jsonr_is(obj, JSONR_OBJ))
		return NULL;
	for (m = obj->head; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const struct jsonr_val *
jsonr_at(const struct jsonr_val *arr, size_t i)
{
	const struct jsonr_val *e;

	if (!jsonr_is(arr, JSONR_ARR))
		return NULL;
	for (e = arr->head; e && i; e = e->next)
		i--;
	return e;
}

const struct jsonr_val *
jsonr_first(const struct jsonr_val *v)
{
	if (jsonr_is(v, JSONR_ARR) || jsonr_is(v, JSONR_OBJ))
		return v->head;
	return NULL;
}

const struct jsonr_val *
jsonr_next(const struct jsonr_val *v)
{
	return v ? v->next : NULL;
}

const char *
jsonr_key(const struct jsonr_val *v)
{
	return v ? v->key : NULL;
}

size_t
jsonr_len(const struct jsonr_val *v)
{
	if (jsonr_is(v, JSONR_STR) || jsonr_is(v, JSONR_ARR)
	    || jsonr_is(v, JSONR_OBJ))
		return v->len;
	return 0;
}

const char *
jsonr_str(const struct jsonr_val *v)
{
	return jsonr_is(v, JSONR_STR) ? v->s : NULL;
}

int
jsonr_num(const struct jsonr_val *v, double *out)
{
	if (!jsonr_is(v, JSONR_NUM))
		return -EINVAL;
	*out = v->num;
	return 0;
}

int
jsonr_i64(const struct jsonr_val *v, int64_t *out)
{
	if (!jsonr_is(v, JSONR_NUM))
		return -EINVAL;
	if (!v->is_int)
		return -ERANGE;
	*out = v->i64;
	return 0;
}

int
jsonr_bool(const struct jsonr_val *v, bool *out)
{
	if (!jsonr_is(v, JSONR_BOOL))
		return -EINVAL;
	*out = v->b;
	return 0;
}

const char *
jsonr_get_str(const struct jsonr_val *obj, const char *key)
{
	return jsonr_str(jsonr_get(obj, key));
}

int
jsonr_get_i64(const struct jsonr_val *obj, const char *key, int64_t *out)
{
	return jsonr_i64(jsonr_get(obj, key), out);
}
