/* jsonr.c - the tree side of jsonr.h: a document read into one arena.
 *
 * Built by recursive descent over the pull reader of jsonr_scan.c (which
 * checks the text and bounds the depth); values and decoded strings come
 * from a chain of growing blocks, so a document costs a handful of
 * mallocs and one jsonr_free(). Siblings are linked in document order;
 * lookups are linear, which suits the small objects of AWS answers.
 */
#include "jsonr.h"

#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct jsonr_val {
	enum jsonr_type   type;
	bool              b;      /* JSONR_BOOL */
	bool              is_int; /* JSONR_NUM without fraction, fits i64 */
	bool              is_u64; /* JSONR_NUM: digits only, fit u64 */
	const char       *key;    /* member name inside an object, else NULL */
	struct jsonr_val *next;   /* next sibling in the parent */
	size_t            len;    /* string bytes, container entries */
	const char       *s;      /* JSONR_STR: decoded text, NUL-terminated */
	struct jsonr_val *head;   /* JSONR_ARR / JSONR_OBJ: first entry */
	double            num;    /* JSONR_NUM */
	int64_t           i64;    /* JSONR_NUM when is_int */
	uint64_t          u64;    /* JSONR_NUM when is_u64 */
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

struct builder {
	struct jsonr      s;
	struct jsonr_doc *doc;
	struct buf        text; /* a string or number as read */
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
new_val(struct jsonr_doc *d, enum jsonr_type t)
{
	struct jsonr_val *v
	    = arena_alloc(d, sizeof(*v), alignof(struct jsonr_val));

	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

/* The text read into b->text, NUL-terminated in the arena. */
static const char *
keep_text(struct builder *b, size_t *len)
{
	char *o = arena_alloc(b->doc, b->text.len + 1, 1);

	if (b->text.len)
		memcpy(o, b->text.p, b->text.len);
	o[b->text.len] = '\0';
	if (len)
		*len = b->text.len;
	return o;
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

/* Exact uint64 from digits, or false on a sign or overflow. */
static bool
digits_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t k = 0; k < n; k++) {
		unsigned d = (unsigned)(s[k] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* The value of the number in b->text (checked by the scanner), which
 * started at byte at. */
static int
number_value(struct builder *b, struct jsonr_val *v, size_t at)
{
	const char *t = b->text.p;
	size_t      n = b->text.len;

	if (n > NUM_MAX)
		return jsonr_fail(&b->s, at, -EINVAL, "number too long");
	buf_cstr(&b->text); /* fits: the buf may hold the whole text + 1 */
	errno  = 0;
	v->num = strtod(t, NULL);
	if (errno == ERANGE && (v->num > 1 || v->num < -1))
		return jsonr_fail(&b->s, at, -EINVAL, "number out of range");
	v->is_int = !strpbrk(t, ".eE") && digits_i64(t, n, &v->i64);
	v->is_u64 = digits_u64(t, n, &v->u64);
	return 0;
}

/* Reads the next value into v; containers recurse (at most
 * JSONR_MAX_DEPTH deep: the scanner refuses more). */
static int
build(struct builder *b, struct jsonr_val *v)
{
	struct jsonr      *s    = &b->s;
	struct jsonr_val **tail = &v->head;
	char               c    = jsonr_peek(s);
	size_t             at   = (size_t)(s->p - s->text);

	buf_reset(&b->text);
	switch (c) {
	case '{':
	case '[':
		v->type = c == '{' ? JSONR_OBJ : JSONR_ARR;
		if (!jsonr_enter(s, c))
			return s->err;
		while (jsonr_more(s, c == '{' ? '}' : ']')) {
			struct jsonr_val *e = new_val(b->doc, JSONR_NULL);

			if (c == '{') {
				if (jsonr_member(s, &b->text))
					return s->err;
				e->key = keep_text(b, NULL);
			}
			if (build(b, e))
				return s->err;
			*tail = e;
			tail  = &e->next;
			v->len++;
		}
		return s->err;
	case '"':
		v->type = JSONR_STR;
		if (jsonr_scalar(s, &b->text))
			return s->err;
		v->s = keep_text(b, &v->len);
		return 0;
	case 't':
	case 'f':
		v->type = JSONR_BOOL;
		v->b    = c == 't';
		return jsonr_scalar(s, &b->text) < 0 ? s->err : 0;
	case 'n':
		v->type = JSONR_NULL;
		return jsonr_scalar(s, NULL) < 0 ? s->err : 0;
	default: /* a number, or what the scanner names */
		v->type = JSONR_NUM;
		if (jsonr_scalar(s, &b->text))
			return s->err;
		return number_value(b, v, at);
	}
}

int
jsonr_parse(const char *text, size_t len, struct jsonr_doc **doc, char *err,
    size_t errlen)
{
	struct builder b;

	*doc = NULL;
	jsonr_init(&b.s, text, len);
	/* No string or number is longer than the text. */
	buf_init(&b.text, len + 1);
	b.doc       = xcalloc(1, sizeof(*b.doc));
	b.doc->root = new_val(b.doc, JSONR_NULL);
	if (build(&b, b.doc->root) || jsonr_end(&b.s)) {
		jsonr_error(&b.s, err, errlen);
		buf_free(&b.text);
		jsonr_free(b.doc);
		return -EINVAL;
	}
	buf_free(&b.text);
	*doc = b.doc;
	return 0;
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
jsonr_u64(const struct jsonr_val *v, uint64_t *out)
{
	if (!jsonr_is(v, JSONR_NUM))
		return -EINVAL;
	if (!v->is_u64)
		return -ERANGE;
	*out = v->u64;
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
