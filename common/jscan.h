/* jscan.h - a small pull scanner for JSON answers (InfluxDB /query,
 * Prometheus API): walk objects and arrays, read strings and scalars as
 * text, skip what is not needed. No tree is built; strings are decoded
 * (escapes, \uXXXX to UTF-8) into a caller's struct buf.
 *
 *	js_init(&s, text, len);
 *	if (js_enter(&s, '{'))
 *		while (js_more(&s, '}')) {
 *			js_key(&s, &key);
 *			if (strcmp(key.p, "results") == 0) ... else
 *js_skip(&s);
 *		}
 *	if (s.err) ... malformed
 *
 * The first error sticks in s.err (-EINVAL malformed, -ENOSPC a buf cap,
 * -ELOOP nesting deeper than JS_DEPTH_MAX) and every later call fails.
 */
#ifndef TSL_JSCAN_H
#define TSL_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum { JS_DEPTH_MAX = 64 };

struct jscan {
	const char *p, *end;
	int         err;
};

void js_init(struct jscan *s, const char *text, size_t len);
/** The first byte of the next value ('{', '[', '"', '-', digit, 't',
 *  'f', 'n'), or 0 at the end or after an error. */
char js_peek(struct jscan *s);
/** Consumes an opening '{' or '['; false (and an error) if another value
 *  comes. */
bool js_enter(struct jscan *s, char open);
/** Inside an object or array: true when another member or element
 *  follows (the comma is consumed); false after consuming the closing
 *  bracket close or on error. */
bool js_more(struct jscan *s, char close);
/** Reads a member name and its ':' into key (replaced, NUL-ended). */
int js_key(struct jscan *s, struct buf *key);
/** Appends a scalar to out: a string decoded, a number, true or false
 *  as written. A null appends nothing and returns 1; 0 otherwise, or the
 *  error. Objects and arrays are an error. */
int js_scalar(struct jscan *s, struct buf *out);
/** Skips one value of any kind. */
int js_skip(struct jscan *s);

#endif
