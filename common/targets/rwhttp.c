/* rwhttp.c - remote write bodies POSTed, answers counted (rwhttp.h). */
#include "rwhttp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "xalloc.h"

enum { RWH_BODY_MAX = 1 << 30 };

/* The headers remote write 1.0 requires (besides Content-Type). */
static const char *const rwh_hdrs[] = {
	"Content-Encoding: snappy",
	"X-Prometheus-Remote-Write-Version: 0.1.0",
	"User-Agent: tsload/" TSLOAD_VERSION,
	NULL,
};

void
rwh_init(struct rwh *r, struct http *h, const char *path, const char *db,
    unsigned max_samples, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	r->h           = h;
	r->path        = path;
	r->max_samples = max_samples;
	r->max_bytes   = max_bytes;
	prw_enc_init(&r->enc, db);
	buf_init(&r->body, RWH_BODY_MAX);
}

void
rwh_fini(struct rwh *r)
{
	prw_enc_free(&r->enc);
	buf_free(&r->body);
	free(r->refused);
	r->refused = NULL;
}

/* A 4xx about the samples (400, 409, 422, ...), not about the request
 * (authentication, path, method, length, size, type). */
static bool
rwh_refusal(long status)
{
	switch (status) {
	case 401:
	case 403:
	case 404:
	case 405:
	case 407:
	case 408: /* retried */
	case 411:
	case 413:
	case 414:
	case 415:
	case 429: /* retried */
		return false;
	default:
		return status >= 400 && status < 500;
	}
}

static enum tgt_status
rwh_post(struct rwh *r, char *err, size_t errlen)
{
	struct http_req q = {
		.path  = r->path,
		.ctype = "application/x-protobuf",
		.body  = r->body.p,
		.len   = r->body.len,
		.hdrs  = rwh_hdrs,
	};

	return http_request(r->h, &q, err, errlen);
}

enum tgt_status
rwh_write(struct rwh *r, const struct batch *b, unsigned *rejected,
    unsigned *rejected_points, char *err, size_t errlen)
{
	struct prw_part part;
	enum tgt_status st;
	unsigned        i, recs = 0, points = 0;
	int             rc;

	*rejected        = 0;
	*rejected_points = 0;
	if (b->n > r->cap) {
		r->cap     = b->n;
		r->refused = xrealloc(r->refused, r->cap);
	}
	memset(r->refused, 0, b->n);
	prw_plan(&r->enc, b);
	while (!prw_done(&r->enc)) {
		buf_reset(&r->body);
		rc = prw_body(
		    &r->enc, &r->body, r->max_samples, r->max_bytes, &part);
		if (rc) {
			snprintf(err, errlen,
			    "%s: a request body of the batch exceeds %d MiB",
			    r->h->o.name, RWH_BODY_MAX >> 20);
			return TGT_FAIL;
		}
		st = rwh_post(r, err, errlen);
		if (st == TGT_FAIL && rwh_refusal(r->h->status)) {
			/* the body's samples refused; the rest still go */
			points += part.samples;
			for (i = 0; i < b->n; i++)
				if (prw_in_body(&r->enc, i))
					r->refused[i] = 1;
			continue;
		}
		if (st != TGT_OK)
			return st;
	}
	if (!points)
		return TGT_OK;
	for (i = 0; i < b->n; i++)
		recs += r->refused[i];
	/* single layout: a record is a point */
	*rejected        = b->multi ? recs : points;
	*rejected_points = points;
	return TGT_OK;
}

enum tgt_status
rwh_ping(struct rwh *r, char *err, size_t errlen)
{
	buf_reset(&r->body);
	if (buf_addc(&r->body, 0)) /* snappy of nothing: length 0 */
		return TGT_FAIL;
	return rwh_post(r, err, errlen);
}
