/* json.h - a small streaming JSON writer onto a struct buf.
 *
 * For results files such as run.json: the caller emits values in order and
 * the writer places commas, colons and (when pretty) newlines with a 2-space
 * indent. Containers nest up to JSON_MAX_DEPTH deep.
 *
 *	json_w_init(&w, &b, true);
 *	json_obj_begin(&w);
 *	json_kv_str(&w, "target", "sqlite");
 *	json_key(&w, "p99_s");
 *	json_double(&w, 0.0123);
 *	json_obj_end(&w);
 *	rc = json_w_finish(&w);
 *
 * Every call returns 0, -ENOSPC when the buf cap is reached, or -EINVAL on
 * misuse: a value where a key is required (or the reverse), an end that does
 * not match its begin, nesting too deep, a second top-level value. A failed
 * call writes nothing, and the first error sticks: every later call returns
 * it, so a caller may check only json_w_finish().
 *
 * Strings are UTF-8: well-formed characters pass through unchanged, any
 * other byte (malformed, overlong, a surrogate) is written as \ufffd, so
 * the output is always valid UTF-8; '"', '\\' and control characters are
 * escaped, the latter as \b \f \n \r \t or \u00XX.
 */
#ifndef TSL_JSON_H
#define TSL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum { JSON_MAX_DEPTH = 32 };

struct json_w {
	struct buf *b;
	int         err;    /* first error, returned by every later call */
	unsigned    depth;  /* open containers */
	bool        pretty; /* newlines and 2-space indent */
	bool        first;  /* the innermost container has no member yet */
	bool        key;    /* a key was written, its value is due */
	bool        done;   /* the top-level value is complete */
	char        open[JSON_MAX_DEPTH]; /* '{' or '[' per open container */
};

/** Starts writing one JSON value at the end of b (appending to it). */
void json_w_init(struct json_w *w, struct buf *b, bool pretty);
/** 0 when exactly one complete value was written, else the first error or
 *  -EINVAL (containers still open, nothing written). Writes nothing. */
int json_w_finish(const struct json_w *w);

int json_obj_begin(struct json_w *w);
int json_obj_end(struct json_w *w);
int json_arr_begin(struct json_w *w);
int json_arr_end(struct json_w *w);
/** Member name inside an object; the next call writes its value. */
int json_key(struct json_w *w, const char *name);

/** String value; NULL writes null. */
int json_str(struct json_w *w, const char *s);
/** String value of n bytes (may contain NUL, written as \u0000). */
int json_strn(struct json_w *w, const char *s, size_t n);
int json_int(struct json_w *w, int64_t v);
int json_uint(struct json_w *w, uint64_t v);
/** Shortest decimal that reads back as exactly v ("0.1", "1e+21");
 *  NaN and infinities, which JSON cannot hold, are written as null. */
int json_double(struct json_w *w, double v);
int json_bool(struct json_w *w, bool v);
int json_null(struct json_w *w);

/* json_key() and the value in one call; a failure leaves neither. */
int json_kv_str(struct json_w *w, const char *key, const char *s);
int json_kv_int(struct json_w *w, const char *key, int64_t v);
int json_kv_uint(struct json_w *w, const char *key, uint64_t v);
int json_kv_double(struct json_w *w, const char *key, double v);
int json_kv_bool(struct json_w *w, const char *key, bool v);

#endif
