/* jsonr.h - a small, strict JSON reader: the whole document becomes a tree
 * of values in one arena, read through accessors.
 *
 * Made for AWS JSON 1.0 answers (DescribeEndpoints, WriteRecords errors,
 * Query pages). Strict RFC 8259: no comments, trailing commas, leading
 * zeros, NaN, single quotes or bytes after the value; strings must be valid
 * UTF-8 (no overlongs, no encoded surrogates) and \uXXXX escapes must pair
 * surrogates. Nesting deeper than JSONR_MAX_DEPTH is refused.
 *
 *	struct jsonr_doc       *doc;
 *	const struct jsonr_val *rows, *row;
 *
 *	if (jsonr_parse(body, len, &doc, err, sizeof(err)))
 *		return -EINVAL;        // err: "JSON: unexpected '}' at byte
 *42" rows = jsonr_get(jsonr_root(doc), "Rows"); for (row = jsonr_first(rows);
 *row; row = jsonr_next(row))
 *		...
 *	jsonr_free(doc);
 *
 * Accessors accept NULL and values of the wrong type and then answer NULL,
 * 0 or -EINVAL, so lookups chain without checks in between:
 * jsonr_get(jsonr_get(root, "QueryStatus"), "CumulativeBytesMetered").
 * Values live as long as their document. Error messages give the byte
 * offset but never quote the contents of a string (it may be a secret).
 */
#ifndef TSL_JSONR_H
#define TSL_JSONR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { JSONR_MAX_DEPTH = 64 };

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
/** Boolean: 0, or -EINVAL when v is not true or false. */
int jsonr_bool(const struct jsonr_val *v, bool *out);

/* Shorthands for a member of an object: NULL / -EINVAL when absent. */
const char *jsonr_get_str(const struct jsonr_val *obj, const char *key);
int jsonr_get_i64(const struct jsonr_val *obj, const char *key, int64_t *out);

#endif
