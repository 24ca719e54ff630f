/* httpsrv.h - a small HTTP server (nng's, libnng 1.5) that answers GET of
 * one path with the last text handed to it: the coordinator's /metrics.
 *
 * The text is replaced with httpsrv_set() from the caller's thread; nng
 * answers from its own threads with a copy taken under a lock, so a
 * scrape never sees half of an update. Other paths get nng's 404.
 */
#ifndef TSL_HTTPSRV_H
#define TSL_HTTPSRV_H

#include <stddef.h>
#include <stdint.h>

struct httpsrv;

/** Serves GET http://addr:port/path with content type ctype (the body is
 *  empty until the first httpsrv_set). 0, or -errno / an nng error with
 *  one line naming the address and the reason in err. */
int httpsrv_start(struct httpsrv **s, const char *addr, unsigned port,
    const char *path, const char *ctype, char *err, size_t errlen);
/** Replaces the text served. 0 or -ENOMEM. */
int httpsrv_set(struct httpsrv *s, const char *text, size_t len);
/** How many requests were answered so far. */
uint64_t httpsrv_served(struct httpsrv *s);
/** Stops serving (open connections are closed) and frees s. */
void httpsrv_stop(struct httpsrv *s);

#endif
