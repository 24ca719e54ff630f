/* xalloc.h - allocation that never returns NULL.
 *
 * On failure these print "out of memory (N bytes)" and abort(), so call
 * sites need no NULL checks (redis zmalloc, pgbench pg_malloc).
 */
#ifndef TSL_XALLOC_H
#define TSL_XALLOC_H

#include <stddef.h>
#include <stdlib.h> /* free() goes with these */

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/** printf into a fresh allocation. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
