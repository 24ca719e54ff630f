/* buf.h - a growable byte buffer with a hard cap.
 *
 * Batch bodies (line protocol, JSON, CSV, SQL) are built here. Growing past
 * the cap fails with -ENOSPC instead of eating memory (curl's dynbuf).
 * Appends that cannot fail by construction use buf_reserve() once and then
 * write through buf_tail()/buf_advance().
 */
#ifndef TSL_BUF_H
#define TSL_BUF_H

#include <stddef.h>

struct buf {
	char  *p;
	size_t len;
	size_t cap;
	size_t max;
};

/** Prepares an empty buffer that may grow up to max bytes. */
void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
static inline void
buf_reset(struct buf *b)
{
	b->len = 0;
}
/** Makes room for n more bytes; 0, or -ENOSPC past the cap. */
int buf_reserve(struct buf *b, size_t n);
/** Appends n bytes; 0 or -ENOSPC. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
/** Appends s[0..n) in single quotes, each ' in it doubled: a string
 *  literal of SQL or gnuplot. 0 or -ENOSPC. */
int buf_add_quoted(struct buf *b, const char *s, size_t n);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** NUL-terminates without counting the NUL in len; 0 or -ENOSPC. */
int buf_cstr(struct buf *b);

/* Text appended into a fixed array (summary lines): p is where the next
 * text goes, left the room there. After the first text that does not
 * fit, err is -ENOSPC and every later append does nothing. */
struct tbuf {
	char  *p;
	size_t left;
	int    err;
};

/** Appends printf text to b (see struct tbuf). */
void tbuf_printf(struct tbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
