/* jsonr.h - the JSON reader: one strict tokenizer, read in two ways.
 *
 * Strict RFC 8259: no comments, trailing commas, leading zeros, NaN,
 * single quotes or bytes after the value; strings must be valid UTF-8 (no
 * overlongs, no encoded surrogates) and \uXXXX escapes must pair
 * surrogates. Nesting deeper than JSONR_MAX_DEPTH is refused. Error
 * messages read "JSON: <what> at byte <offset>" (offset from 0) and never
 * quote the contents of a string (it may be a secret).
 *
 * Pulling (jsonr_scan.c), for answers that may be large (InfluxDB /query,
 * the Prometheus API): walk objects and arrays, read strings and scalars
 * as text into a caller's struct buf, skip the rest. Nothing is kept, so
 * memory does not grow with the answer.
 *
 *	jsonr_init(&s, text, len);
 *	if (jsonr_enter(&s, '{'))
 *		while (jsonr_more(&s, '}')) {
 *			jsonr_member(&s, &name);
 *			if (strcmp(name.p, "results") == 0)
 *				...
 *			else
 *				jsonr_skip(&s);
 *		}
 *	if (s.err) ... malformed; jsonr_error() says where
 *
 * The first error sticks in s.err (-EINVAL malformed, -ENOSPC a buf cap,
 * -ELOOP nesting too deep) and every later call fails.
 *
 * As a tree (jsonr.c, built with the pull reader), for AWS JSON 1.0
 * answers (DescribeEndpoints, WriteRecords errors, Query pages): the whole
 * document becomes values in one arena, read through accessors.
 *
 *	struct jsonr_doc       *doc;
 *	const struct jsonr_val *rows, *row;
 *
 *	if (jsonr_parse(body, len, &doc, err, sizeof(err)))
 *		return -EINVAL; // err: "JSON: unexpected '}' at byte 42"
 *	rows = jsonr_get(jsonr_root(doc), "Rows");
 *	for (row = jsonr_first(rows); row; row = jsonr_next(row))
 *		...
 *	jsonr_free(doc);
 *
 * Accessors accept NULL and values of the wrong type and then answer NULL,
 * 0 or -EINVAL, so lookups chain without checks in between:
 * jsonr_get(jsonr_get(root, "QueryStatus"), "CumulativeBytesMetered").
 * Values live as long as their document.
 */
#ifndef TSL_JSONR_H
#define TSL_JSONR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum { JSONR_MAX_DEPTH = 64 };

/* ---- pulling ---- */

struct jsonr {
	const char *p, *end; /* next byte, end of the text */
	const char *text;    /* its first byte, for offsets */
	int         err;     /* first error, or 0 */
	unsigned    depth;   /* containers open */
	bool        first;   /* the innermost one has no entry yet */
	size_t      err_at;  /* offset of the first error */
	char        why[48]; /* what it is, for jsonr_error() */
};

/** Starts reading len bytes of text (no NUL needed). */
void jsonr_init(struct jsonr *s, const char *text, size_t len);
/** The first byte of the next value ('{', '[', '"', '-', digit, 't',
 *  'f', 'n'), or 0 at the end or after an error. */
char jsonr_peek(struct jsonr *s);
/** Consumes an opening '{' or '['; false (and an error) if another value
 *  comes. */
bool jsonr_enter(struct jsonr *s, char open);
/** Inside an object or array: true when another member or element
 *  follows (a comma is consumed); false after consuming the closing
 *  bracket close, or on error. */
bool jsonr_more(struct jsonr *s, char close);
/** Reads a member name and its ':' into name (replaced, NUL-ended; NULL:
 *  not kept). 0 or the error. */
int jsonr_member(struct jsonr *s, struct buf *name);
/** Appends a scalar to out (NULL: only checked): a string decoded, a
 *  number, true or false as written. A null appends nothing and returns
 *  1; 0 otherwise, or the error. Objects and arrays are an error. */
int jsonr_scalar(struct jsonr *s, struct buf *out);
/** Skips one value of any kind, checking it. 0 or the error. */
int jsonr_skip(struct jsonr *s);
/** After the top-level value: 0 when only whitespace is left, else the
 *  error. */
int jsonr_end(struct jsonr *s);
/** Fails the scan (unless it failed before) with err, at byte offset at,
 *  for what a caller found wrong in a value it read. Returns s->err. */
int jsonr_fail(struct jsonr *s, size_t at, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** "JSON: <what> at byte <offset>" of the first error into err. */
void jsonr_error(const struct jsonr *s, char *err, size_t errlen);

/* ---- as a tree ---- */

enum jsonr_type {
	JSONR_NULL,
	JSONR_BOOL,
	JSONR_NUM,
	JSONR_STR,
	JSONR_ARR,
	JSONR_OBJ,
};

struct jsonr_doc;
struct jsonr_val;

/** Parses len bytes of text (no NUL needed) into *doc. 0, or -EINVAL with
 *  "JSON: <what> at byte <offset>" in err (offset counts from 0). */
int jsonr_parse(const char *text, size_t len, struct jsonr_doc **doc,
    char *err, size_t errlen);
/** Frees the document and every value in it; NULL is fine. */
void                    jsonr_free(struct jsonr_doc *doc);
const struct jsonr_val *jsonr_root(const struct jsonr_doc *doc);

enum jsonr_type jsonr_type(const struct jsonr_val *v);
/** Name of a type for messages: "null", "boolean", "number", ... */
const char *jsonr_type_name(enum jsonr_type t);
bool        jsonr_is(const struct jsonr_val *v, enum jsonr_type t);

/** Member of an object by exact name (the first one if the name repeats);
 *  NULL when v is not an object or has no such member. */
const struct jsonr_val *jsonr_get(
    const struct jsonr_val *obj, const char *key);
/** Element i of an array, or NULL (linear in i; iterate for a walk). */
const struct jsonr_val *jsonr_at(const struct jsonr_val *arr, size_t i);
/** Elements of an array or members of an object, in document order. */
const struct jsonr_val *jsonr_first(const struct jsonr_val *v);
const struct jsonr_val *jsonr_next(const struct jsonr_val *v);
/** Member name of a value met through jsonr_first() on an object. */
const char *jsonr_key(const struct jsonr_val *v);
/** Elements or members of a container, bytes of a string, else 0. */
size_t jsonr_len(const struct jsonr_val *v);

/** Decoded, NUL-terminated text of a string value, else NULL. A string
 *  holding \u0000 is cut short here; jsonr_len() has its full length. */
const char *jsonr_str(const struct jsonr_val *v);
/** Number as a double: 0, or -EINVAL when v is not a number. */
int jsonr_num(const struct jsonr_val *v, double *out);
/** Number as an exact integer: 0, -EINVAL when v is not a number, -ERANGE
 *  when it has a fraction or exponent or does not fit. */
int jsonr_i64(const struct jsonr_val *v, int64_t *out);
/** A number of digits only that fits uint64 (a seed): 0, -EINVAL (not a
 *  number) or -ERANGE. */
int jsonr_u64(const struct jsonr_val *v, uint64_t *out);
/** Boolean: 0, or -EINVAL when v is not true or false. */
int jsonr_bool(const struct jsonr_val *v, bool *out);

/* Shorthands for a member of an object: NULL / -EINVAL when absent. */
const char *jsonr_get_str(const struct jsonr_val *obj, const char *key);
int jsonr_get_i64(const struct jsonr_val *obj, const char *key, int64_t *out);

#endif
