/* buf.c - capped growable buffer. */
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
buf_init(struct buf *b, size_t max)
{
	b->p   = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p   = NULL;
	b->len = 0;
	b->cap = 0;
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t want = b->len + n;
	size_t cap;

	if (want <= b->cap)
		return 0;
	if (want > b->max)
		return -ENOSPC;
	cap = b->cap ? b->cap : 4096;
	while (cap < want)
		cap *= 2;
	if (cap > b->max)
		cap = b->max;
	b->p   = xrealloc(b->p, cap);
	b->cap = cap;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	int rc;

	if (n == 0) /* nothing to copy, and b->p may still be NULL */
		return 0;
	rc = buf_reserve(b, n);

	if (rc)
		return rc;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_add_quoted(struct buf *b, const char *s, size_t n)
{
	size_t i;
	int    rc = buf_addc(b, '\'');

	for (i = 0; i < n && !rc; i++)
		rc = s[i] == '\'' ? buf_add(b, "''", 2) : buf_addc(b, s[i]);
	return rc ? rc : buf_addc(b, '\'');
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int     n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	rc = buf_reserve(b, (size_t)n + 1);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_cstr(struct buf *b)
{
	int rc = buf_reserve(b, 1);

	if (rc)
		return rc;
	b->p[b->len] = '\0';
	return 0;
}

void
tbuf_printf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int     n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p, b->left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->left) {
		b->err = -ENOSPC;
		return;
	}
	b->p += n;
	b->left -= (size_t)n;
}
