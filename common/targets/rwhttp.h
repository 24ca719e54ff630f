/* rwhttp.h - remote write requests over HTTP, shared by the promrw target
 * and vm://?protocol=rw: a batch cut into bodies of at most max_samples
 * points and max_bytes protobuf bytes (promrw.h), each POSTed with the
 * headers remote write 1.0 requires, and the answers counted.
 *
 * A 2xx stores the body. 408, 429, 5xx and transport errors fail the
 * batch as retried (http_map): it is sent again whole with backoff; the
 * bodies already stored go again with the same samples, which the
 * receivers take as duplicates of the same value (Prometheus ignores
 * them, VictoriaMetrics deduplicates with -dedup.minScrapeInterval). Any
 * other 4xx but those about the request itself (401, 403, 404, 405, 411,
 * 413, 414, 415) refuses the body's samples (Prometheus rolls back the
 * whole body at its first bad sample): they count as rejected, the
 * server's message kept, and the other bodies still go.
 */
#ifndef TSL_RWHTTP_H
#define TSL_RWHTTP_H

#include <stdint.h>

#include "buf.h"
#include "http.h"
#include "promrw.h"
#include "target.h"

struct rwh {
	struct http   *h;    /* borrowed: the target's connection */
	const char    *path; /* "/api/v1/write" */
	unsigned       max_samples;
	size_t         max_bytes;
	struct prw_enc enc;
	struct buf     body;    /* snappy body of one request */
	uint8_t       *refused; /* per sample of the batch */
	unsigned       cap;
};

/** Prepares r for sending on h to path; db: the db label's value, or
 *  NULL for none. */
void rwh_init(struct rwh *r, struct http *h, const char *path, const char *db,
    unsigned max_samples, size_t max_bytes);
void rwh_fini(struct rwh *r);

/** Sends batch b. Records and points of refused bodies go to *rejected
 *  and *rejected_points (and the last refusal's message to err) with
 *  TGT_OK. @return the outcome, the reason in err unless TGT_OK. */
enum tgt_status rwh_write(struct rwh *r, const struct batch *b,
    unsigned *rejected, unsigned *rejected_points, char *err, size_t errlen);

/** POSTs an empty WriteRequest: whether a receiver answers 2xx at the
 *  path. @return the outcome, the reason in err unless TGT_OK. */
enum tgt_status rwh_ping(struct rwh *r, char *err, size_t errlen);

#endif
