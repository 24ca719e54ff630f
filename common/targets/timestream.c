/* timestream.c - the Amazon Timestream targets: AWS JSON 1.0 over HTTPS,
 * signed with SigV4 (service "timestream").
 *
 *   timestream://REGION          endpoint discovery, as botocore does:
 *                                DescribeEndpoints on ingest.timestream.
 *                                REGION.amazonaws.com (query.timestream...
 *                                for queries), the answer cached for its
 *                                CachePeriodInMinutes and asked again when
 *                                it expires or a call says
 *                                InvalidEndpointException
 *   timestream+http://HOST:PORT  an explicit endpoint for both services, no
 *   timestream+https://HOST:PORT discovery (--endpoint URL means the same)
 *
 * Parameters: common=1 puts the dimensions into CommonAttributes when
 * every record of a call shares them (always so for a model stamped in
 * seconds, the continuous one: one call per series sample, as its seed);
 * timeout=SECS bounds a request; max_pages=N bounds the pages of one query
 * (default 10000: an endpoint that answers a new NextToken for ever fails the
 * query instead of looping); discovery_endpoint=URL sends DescribeEndpoints
 * there instead of AWS and uses the addresses it returns with URL's scheme
 * (tests, proxies).
 *
 * Write path: ->setup creates the database and the table (Conflict =
 * there already), ->write is one WriteRecords of at most 100 records.
 * Throttling, HTTP 429/5xx and transport errors are TGT_RETRY (the caller
 * backs off and counts a throttle); RejectedRecordsException is TGT_OK
 * with the refused records counted and the first reasons in ctx->err;
 * anything else fails with "timestream <Op>: <Code>: <message>".
 * Query path: Query with a ClientToken (one per execution, the same on
 * its retries), then NextToken until the last page; the caller's stop
 * flag is checked between pages. Every request carries User-Agent:
 * tsload/VERSION (aws.c).
 *
 * State is per thread (each its own endpoint cache, like the seed's
 * per-thread boto3 clients). Credentials come from awscreds; no secret is
 * ever put in a message, and the URL cannot carry one (no user part, only
 * the parameters above).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "aws.h"
#include "buf.h"
#include "clock.h"
#include "http.h"
#include "json.h"
#include "jsonr.h"
#include "target.h"
#include "tsjson.h"
#include "xalloc.h"

enum {
	TS_MAX_RECORDS = 100,          /* WriteRecords limit */
	TS_BODY_MAX    = 32 << 20,     /* request body cap */
	TS_HOST_MAX    = AWS_HOST_MAX, /* "host[:port]" */
	TS_BASE_MAX    = TS_HOST_MAX + 16,
	TS_ADMIN_TRIES = 6,   /* setup/cleanup calls, throttled */
	TS_REASONS     = 3,   /* rejected-record reasons kept */
	TS_MAX_COLS    = 256, /* columns handed to a row callback */
};

#define TS_CTYPE "application/x-amz-json-1.0"
#define TS_PREFIX "Timestream_20181101."
#define TS_SIGN "timestream"
#define TS_NAME "timestream"

/* Seed timeouts (§3.3, §4.9): connect 20 s (write) / 5 s (query), read
 * 335 s; curl's is a whole-request limit. */
static const long ts_connect_ms[2] = { 20000, 5000 };

enum ts_svc { TS_WRITE = 0, TS_QUERY = 1 };

static const char *const ts_svc_host[2] = { "ingest", "query" };

/* What the URL (and --endpoint, --region) say. */
struct ts_cfg {
	bool     discover;          /* timestream://REGION */
	bool     tls;               /* explicit: https; discovered: scheme */
	bool     common;            /* ?common=1 */
	long     timeout_ms;        /* ?timeout= */
	unsigned max_pages;         /* ?max_pages= */
	char     host[TS_HOST_MAX]; /* explicit endpoint "host[:port]" */
	char     disc[TS_BASE_MAX]; /* ?discovery_endpoint= base URL, or "" */
	char     region[AWS_REGION_MAX]; /* from the URL, "" if none */
};

/* One service's endpoint. */
struct ts_ep {
	struct http h;
	bool        up;                /* h is set up for addr */
	char        addr[TS_HOST_MAX]; /* "host[:port]" connected to */
	char        host[TS_HOST_MAX]; /* Host header: "h" or "h:port" */
	uint64_t    stale_ns;          /* discovered: ask again after it */
};

/* A client: one thread's, or the coordinator's for setup and cleanup. */
struct ts_client {
	const struct tgt_conf *conf;
	struct ts_cfg          cfg;
	struct aws_client      aws;
	struct ts_ep           ep[2];
	struct buf             body;
	struct jsonr_doc      *doc; /* parsed answer, when kept */
};

/* ---- URL ---- */

/* What the URL's parameters say. */
struct ts_params {
	bool     common;
	double   timeout; /* seconds */
	unsigned max_pages;
	char     disc[TS_BASE_MAX];
};

static const struct param_row ts_params[] = {
	{ "common", PARAM_BOOL, PARAM_FIELD(struct ts_params, common), "0", 0,
	    0, NULL, NULL,
	    "send the dimensions a batch shares once, as CommonAttributes" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct ts_params, timeout), "335",
	    0.001, 3600, NULL, "SECS", "longest request" },
	{ "max_pages", PARAM_UINT, PARAM_FIELD(struct ts_params, max_pages),
	    "10000", 1, 100000000, NULL, "N",
	    "most result pages of one query" },
	{ "discovery_endpoint", PARAM_STR, PARAM_FIELD(struct ts_params, disc),
	    NULL, 0, 0, NULL, "URL",
	    "where timestream://REGION asks for its endpoints" },
	{ NULL },
};

/* Parses the URL alone (no environment, no side effects). */
static int
ts_parse_url(const char *url, struct ts_cfg *c, char *err, size_t errlen)
{
	struct ts_params p;
	char             path[TS_BASE_MAX];
	int              rc;

	memset(c, 0, sizeof(*c));
	rc = params_parse_url(ts_params, &p, url, err, errlen);
	if (rc)
		return rc;
	c->common     = p.common;
	c->timeout_ms = (long)(p.timeout * 1000 + 0.5);
	c->max_pages  = p.max_pages;
	if (target_url_path(url, path, sizeof(path)) != 0) {
		snprintf(err, errlen, "timestream: URL too long");
		return -EINVAL;
	}
	if (strncasecmp(url, "timestream://", 13) == 0) {
		size_t n = strcspn(path, "/");

		c->discover = true;
		if (strspn(path + n, "/") != strlen(path + n)) {
			snprintf(err, errlen,
			    "timestream: expected timestream://REGION "
			    "without a path");
			return -EINVAL;
		}
		path[n] = '\0';
		if (path[0] && !awscreds_region_ok(path)) {
			snprintf(err, errlen,
			    "timestream: bad region \"%.64s\" (expected "
			    "timestream://REGION, e.g. "
			    "timestream://us-east-1)",
			    path);
			return -EINVAL;
		}
		snprintf(c->region, sizeof(c->region), "%.63s", path);
	} else if (strncasecmp(url, "timestream+http://", 18) == 0
	    || strncasecmp(url, "timestream+https://", 19) == 0) {
		char base[TS_BASE_MAX + 8];

		snprintf(base, sizeof(base), "%s%s",
		    url[15] == 's' || url[15] == 'S' ? "https://" : "http://",
		    path);
		rc = aws_split_base(TS_NAME, "endpoint", base, &c->tls,
		    c->host, sizeof(c->host), err, errlen);
		if (rc)
			return rc;
	} else {
		snprintf(err, errlen,
		    "timestream: expected timestream://REGION, "
		    "timestream+http://HOST:PORT or "
		    "timestream+https://HOST[:PORT]");
		return -EINVAL;
	}

	if (p.disc[0]) {
		char host[TS_HOST_MAX];

		if (!c->discover) {
			snprintf(err, errlen,
			    "timestream: discovery_endpoint only goes with "
			    "timestream://REGION");
			return -EINVAL;
		}
		rc = aws_split_base(TS_NAME, "discovery_endpoint", p.disc,
		    &c->tls, host, sizeof(host), err, errlen);
		if (rc)
			return rc;
		snprintf(c->disc, sizeof(c->disc), "%s://%s",
		    c->tls ? "https" : "http", host);
	} else if (c->discover) {
		c->tls = true;
	}
	return 0;
}

/* The URL, then --endpoint, which turns discovery off. */
static int
ts_parse(
    const struct tgt_conf *conf, struct ts_cfg *c, char *err, size_t errlen)
{
	int rc;

	rc = ts_parse_url(conf->url, c, err, errlen);
	if (rc || !c->discover || !conf->endpoint || !conf->endpoint[0])
		return rc;
	if (c->disc[0]) {
		snprintf(err, errlen,
		    "timestream: --endpoint and discovery_endpoint exclude "
		    "each other");
		return -EINVAL;
	}
	rc = aws_split_base(TS_NAME, "--endpoint", conf->endpoint, &c->tls,
	    c->host, sizeof(c->host), err, errlen);
	c->discover = false;
	return rc;
}

static int
ts_check(const char *url, char *err, size_t errlen)
{
	struct ts_cfg c;

	return ts_parse_url(url, &c, err, errlen);
}

/* ---- a client ---- */

/* Credentials, then the region: URL, --region, an AWS host name,
 * AWS_REGION / AWS_DEFAULT_REGION / the profile; an explicit endpoint
 * falls back to us-east-1 (local emulators ignore it). */
static int
ts_open(
    struct ts_client *c, const struct tgt_conf *conf, char *err, size_t errlen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->conf = conf;
	buf_init(&c->body, TS_BODY_MAX);
	rc = ts_parse(conf, &c->cfg, err, errlen);
	if (!rc)
		rc = aws_open(
		    &c->aws, TS_NAME, TS_SIGN, conf->profile, err, errlen);
	if (!rc)
		rc = aws_resolve_region(&c->aws, c->cfg.region, conf->region,
		    c->cfg.discover ? NULL : c->cfg.host, !c->cfg.discover,
		    "timestream://REGION, ", err, errlen);
	return rc;
}

static void
ts_close(struct ts_client *c)
{
	unsigned i;

	for (i = 0; i < 2; i++)
		if (c->ep[i].up)
			http_fini(&c->ep[i].h);
	aws_close(&c->aws);
	jsonr_free(c->doc);
	buf_free(&c->body);
}

/* Sets ep's handle up for "scheme://host". */
static int
ts_ep_set(struct ts_client *c, struct ts_ep *ep, enum ts_svc svc,
    const char *host, char *err, size_t errlen)
{
	int rc;

	if (ep->up)
		http_fini(&ep->h);
	ep->up = false;
	rc = aws_http(&ep->h, TS_NAME, host, c->cfg.tls, ts_connect_ms[svc],
	    c->cfg.timeout_ms, err, errlen);
	if (rc) {
		http_fini(&ep->h);
		return rc;
	}
	ep->up = true;
	snprintf(ep->addr, sizeof(ep->addr), "%s", host);
	aws_host_header(host, c->cfg.tls, ep->host, sizeof(ep->host));
	return 0;
}

/* One call of op to h (host as the Host header has it). */
static enum tgt_status
ts_send(struct ts_client *c, struct http *h, const char *host, const char *op,
    const char *body, size_t len, char *err, size_t errlen)
{
	return aws_json_call(
	    &c->aws, h, host, TS_CTYPE, TS_PREFIX, op, body, len, err, errlen);
}

/* DescribeEndpoints for svc; sets the endpoint up for the answer. */
static enum tgt_status
ts_discover(struct ts_client *c, enum ts_svc svc, char *err, size_t errlen)
{
	struct ts_ep           *ep = &c->ep[svc];
	struct http             d;
	const struct jsonr_val *e;
	struct jsonr_doc       *doc = NULL;
	char                    base[TS_BASE_MAX], host[TS_HOST_MAX];
	char                    why[128];
	const char             *addr;
	int64_t                 minutes = 1;
	enum tgt_status         st;

	if (c->cfg.disc[0])
		snprintf(
		    base, sizeof(base), "%s", strstr(c->cfg.disc, "://") + 3);
	else
		snprintf(base, sizeof(base), "%s.timestream.%s.amazonaws.com",
		    ts_svc_host[svc], c->aws.region);
	if (aws_http(&d, TS_NAME, base, c->cfg.tls, ts_connect_ms[svc],
	        c->cfg.timeout_ms, err, errlen)) {
		http_fini(&d);
		return TGT_FAIL;
	}
	aws_host_header(base, c->cfg.tls, host, sizeof(host));
	st = ts_send(c, &d, host, "DescribeEndpoints", "{}", 2, err, errlen);
	if (st != TGT_OK)
		goto out;
	st = TGT_FAIL;
	if (jsonr_parse(d.resp.p, d.resp.len, &doc, why, sizeof(why))) {
		snprintf(err, errlen,
		    "timestream DescribeEndpoints: malformed answer: %s", why);
		goto out;
	}
	e    = jsonr_at(jsonr_get(jsonr_root(doc), "Endpoints"), 0);
	addr = jsonr_get_str(e, "Address");
	(void)jsonr_get_i64(e, "CachePeriodInMinutes", &minutes);
	if (!addr || !addr[0] || strlen(addr) >= TS_HOST_MAX) {
		snprintf(err, errlen,
		    "timestream DescribeEndpoints: no endpoint address in "
		    "the answer");
		goto out;
	}
	if (!ep->up || strcmp(addr, ep->addr) != 0) {
		if (ts_ep_set(c, ep, svc, addr, err, errlen))
			goto out;
	}
	if (minutes < 0)
		minutes = 0; /* 0: ask again before every call */
	ep->stale_ns = now_ns() + (uint64_t)minutes * 60000000000ull;
	st           = TGT_OK;
out:
	jsonr_free(doc);
	http_fini(&d);
	return st;
}

/* One call of op on service svc: the endpoint (discovered, cached),
 * then the request. An InvalidEndpointException drops the cache, so the
 * caller's retry asks again. */
static enum tgt_status
ts_call(struct ts_client *c, enum ts_svc svc, const char *op, const char *body,
    size_t len, char *err, size_t errlen)
{
	struct ts_ep   *ep = &c->ep[svc];
	enum tgt_status st;

	c->aws.code[0] = '\0';
	if (c->cfg.discover) {
		if (!ep->up || now_ns() >= ep->stale_ns) {
			st = ts_discover(c, svc, err, errlen);
			if (st != TGT_OK)
				return st;
		}
	} else if (!ep->up
	    && ts_ep_set(c, ep, svc, c->cfg.host, err, errlen)) {
		return TGT_FAIL;
	}
	st = ts_send(c, &ep->h, ep->host, op, body, len, err, errlen);
	if (st != TGT_OK && aws_code_is(&c->aws, "InvalidEndpointException")) {
		if (!c->cfg.discover)
			return TGT_FAIL;
		ep->stale_ns = 0;
		return TGT_RETRY;
	}
	return st;
}

/* ---- setup and cleanup ---- */

/* A control-plane call with its own retries of throttled answers.
 * @return 0 done, 1 answered with ok_code, or a negative errno. */
static int
ts_admin(struct ts_client *c, const char *op, const char *ok_code, char *err,
    size_t errlen)
{
	enum tgt_status st = TGT_FAIL;
	unsigned        k;

	for (k = 0; k < TS_ADMIN_TRIES; k++) {
		if (k)
			sleep_until_ns(now_ns() + (100000000ull << k));
		st = ts_call(
		    c, TS_WRITE, op, c->body.p, c->body.len, err, errlen);
		if (!target_status_retry(st))
			break;
	}
	if (st == TGT_OK)
		return 0;
	if (ok_code && aws_code_is(&c->aws, ok_code))
		return 1;
	return target_status_retry(st) ? -EAGAIN : -EIO;
}

/* Fills c->body with {"DatabaseName":db[,"TableName":t][,retention]}. */
static int
ts_admin_body(struct ts_client *c, bool table, bool retention)
{
	const struct tgt_conf *conf = c->conf;
	struct json_w          w;

	buf_reset(&c->body);
	json_w_init(&w, &c->body, false);
	json_obj_begin(&w);
	json_kv_str(&w, "DatabaseName", conf->database);
	if (table)
		json_kv_str(&w, "TableName", conf->table);
	if (retention) {
		json_key(&w, "RetentionProperties");
		json_obj_begin(&w);
		json_kv_uint(&w, "MemoryStoreRetentionPeriodInHours",
		    conf->mem_store_hours);
		json_kv_uint(&w, "MagneticStoreRetentionPeriodInDays",
		    conf->mag_store_days);
		json_obj_end(&w);
	}
	json_obj_end(&w);
	return json_w_finish(&w);
}

static int
ts_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct ts_client c;
	int              rc;

	rc = ts_open(&c, conf, err, errlen);
	if (!rc)
		rc = ts_admin_body(&c, false, false);
	if (!rc)
		rc = ts_admin(
		    &c, "CreateDatabase", "ConflictException", err, errlen);
	if (rc >= 0)
		rc = ts_admin_body(&c, true, true);
	if (!rc)
		rc = ts_admin(
		    &c, "CreateTable", "ConflictException", err, errlen);
	ts_close(&c);
	return rc > 0 ? 0 : rc; /* there already: the seed goes on too */
}

static int
ts_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct ts_client c;
	int              rt = 0, rd = 0, rc;

	rc = ts_open(&c, conf, err, errlen);
	if (!rc)
		rc = ts_admin_body(&c, true, false);
	if (!rc)
		rc = rt = ts_admin(&c, "DeleteTable",
		    "ResourceNotFoundException", err, errlen);
	if (rc >= 0)
		rc = ts_admin_body(&c, false, false);
	if (!rc)
		rc = rd = ts_admin(&c, "DeleteDatabase",
		    "ResourceNotFoundException", err, errlen);
	ts_close(&c);
	if (rc < 0)
		return rc;
	if (rt || rd) {
		snprintf(err, errlen,
		    "timestream: table \"%s\" %s; database \"%s\" %s",
		    conf->table, rt ? "does not exist" : "deleted",
		    conf->database, rd ? "does not exist" : "deleted");
		return -ENOENT;
	}
	return 0;
}

/* ---- workers ---- */

static int
ts_init(struct tgt_ctx *ctx)
{
	struct ts_client *c = xmalloc(sizeof(*c));

	ctx->priv = c;
	return ts_open(c, ctx->conf, ctx->err, sizeof(ctx->err));
}

static void
ts_fini(struct tgt_ctx *ctx)
{
	struct ts_client *c = ctx->priv;

	if (!c)
		return;
	ts_close(c);
	free(c);
	ctx->priv = NULL;
}

/* Measure values of record i of b (records in batch order). */
static unsigned
ts_record_points(const struct batch *b, int64_t i)
{
	if (!b->multi)
		return 1;
	return i >= 0 && (uint64_t)i < b->n ? target_points(&b->s[i]) : 0;
}

/* RejectedRecordsException: the other records went in. Counts the
 * refused ones and keeps the first reasons in ctx->err. */
static enum tgt_status
ts_rejected(struct tgt_ctx *ctx, struct ts_client *c, const struct batch *b)
{
	const struct http      *h   = &c->ep[TS_WRITE].h;
	struct jsonr_doc       *doc = NULL;
	const struct jsonr_val *rr, *v;
	char                    why[64];
	size_t                  k    = 0, n;
	unsigned                kept = 0;

	if (jsonr_parse(h->resp.p, h->resp.len, &doc, why, sizeof(why))
	    || !(rr = jsonr_get(jsonr_root(doc), "RejectedRecords"))
	    || !jsonr_len(rr)) {
		jsonr_free(doc);
		return TGT_FAIL; /* no list: keep the error as it is */
	}
	n             = jsonr_len(rr);
	ctx->rejected = (unsigned)(n < b->records ? n : b->records);
	k             = (size_t)snprintf(ctx->err, sizeof(ctx->err),
	                "timestream WriteRecords: %u of %u records rejected:",
	                ctx->rejected, b->records);
	for (v = jsonr_first(rr); v; v = jsonr_next(v)) {
		int64_t     idx    = -1;
		const char *reason = jsonr_get_str(v, "Reason");

		(void)jsonr_get_i64(v, "RecordIndex", &idx);
		ctx->rejected_points += ts_record_points(b, idx);
		if (kept++ >= TS_REASONS || k >= sizeof(ctx->err))
			continue;
		k += (size_t)snprintf(ctx->err + k, sizeof(ctx->err) - k,
		    "%s record %lld: %.80s", kept > 1 ? ";" : "",
		    (long long)idx, reason ? reason : "(no reason)");
	}
	jsonr_free(doc);
	return TGT_OK;
}

static enum tgt_status
ts_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct ts_client *c = ctx->priv;
	enum tgt_status   st;

	ctx->rejected        = 0;
	ctx->rejected_points = 0;
	/* The continuous seed (seconds) always sends CommonAttributes. */
	if (tsjson_write_records(&c->body, ctx->conf->database,
	        ctx->conf->table, b,
	        c->cfg.common
	            || (b->n && b->s[0].series->g->sk->schema->seconds))) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "timestream: a batch of %u records exceeds %d MiB",
		    b->records, TS_BODY_MAX >> 20);
		return TGT_FAIL;
	}
	st = ts_call(c, TS_WRITE, "WriteRecords", c->body.p, c->body.len,
	    ctx->err, sizeof(ctx->err));
	if (st == TGT_FAIL && aws_code_is(&c->aws, "RejectedRecordsException"))
		st = ts_rejected(ctx, c, b);
	return st;
}

/* Hands every row of a page to res->row: column names from ColumnInfo,
 * scalar values as text, NULL for nulls and nested values. */
static void
ts_rows(struct tgt_qres *res, const struct jsonr_val *cols,
    const struct jsonr_val *rows)
{
	size_t                  nc = jsonr_len(cols), i;
	const char            **names, **vals;
	const struct jsonr_val *row, *d, *ci;

	if (nc > TS_MAX_COLS)
		nc = TS_MAX_COLS;
	names = xcalloc(nc + 1, sizeof(*names));
	vals  = xcalloc(nc + 1, sizeof(*vals));
	for (i = 0, ci = jsonr_first(cols); ci && i < nc;
	     i++, ci   = jsonr_next(ci)) {
		names[i] = jsonr_get_str(ci, "Name");
		if (!names[i])
			names[i] = "";
	}
	for (row = jsonr_first(rows); row; row = jsonr_next(row)) {
		d = jsonr_first(jsonr_get(row, "Data"));
		for (i = 0; i < nc; i++, d = jsonr_next(d))
			vals[i] = jsonr_get_str(d, "ScalarValue");
		res->row(res->row_arg, (unsigned)nc, names, vals);
	}
	free(names);
	free(vals);
}

/* A new ClientToken into out (n >= 37): a random UUID, as botocore
 * makes them (the API takes 32..128 characters). */
static void
ts_client_token(char *out, size_t n)
{
	static _Atomic uint64_t seq;
	unsigned char           b[16];
	unsigned                i;

	if (getrandom(b, sizeof(b), GRND_NONBLOCK) != (ssize_t)sizeof(b)) {
		/* No entropy yet: time, process and a counter, mixed. */
		uint64_t x = now_ns() ^ ((uint64_t)getpid() << 40)
		    ^ (atomic_fetch_add(&seq, 1) * 0x9e3779b97f4a7c15ull);

		for (i = 0; i < sizeof(b); i++) {
			x ^= x >> 31;
			x *= 0xbf58476d1ce4e5b9ull;
			b[i] = (unsigned char)(x >> 56);
		}
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant */
	snprintf(out, n,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
}

/* The body of one Query request: the first page with the execution's
 * ClientToken, the next ones with the NextToken of the last answer. */
static int
ts_query_body(struct buf *b, const char *text, const char *client_token,
    const char *next)
{
	struct json_w w;

	buf_reset(b);
	json_w_init(&w, b, false);
	json_obj_begin(&w);
	json_kv_str(&w, "QueryString", text);
	if (next)
		json_kv_str(&w, "NextToken", next);
	else
		json_kv_str(&w, "ClientToken", client_token);
	json_obj_end(&w);
	return json_w_finish(&w);
}

static enum tgt_status
ts_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct ts_client       *c     = ctx->priv;
	char                   *token = NULL;
	const struct jsonr_val *root;
	const char             *id, *next;
	double                  bytes;
	enum tgt_status         st = TGT_OK;
	char                    why[64];

	res->rows          = 0;
	res->pages         = 0;
	res->empty_pages   = 0;
	res->bytes_metered = 0;
	res->first_row_ns  = 0;
	res->query_id[0]   = '\0';
	res->request_id[0] = '\0';
	if (!res->client_token[0]) /* a new execution, not a retry */
		ts_client_token(res->client_token, sizeof(res->client_token));
	for (;;) {
		if (ts_query_body(&c->body, text, res->client_token, token)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "timestream Query: query text too long");
			st = TGT_FAIL;
			break;
		}
		st = ts_call(c, TS_QUERY, "Query", c->body.p, c->body.len,
		    ctx->err, sizeof(ctx->err));
		snprintf(res->request_id, sizeof(res->request_id), "%s",
		    c->aws.request_id);
		if (st != TGT_OK)
			break;
		jsonr_free(c->doc);
		c->doc = NULL;
		if (jsonr_parse(c->ep[TS_QUERY].h.resp.p,
		        c->ep[TS_QUERY].h.resp.len, &c->doc, why,
		        sizeof(why))) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "timestream Query: malformed answer: %s", why);
			st = TGT_FAIL;
			break;
		}
		root = jsonr_root(c->doc);
		id   = jsonr_get_str(root, "QueryId");
		if (id && !res->query_id[0])
			snprintf(
			    res->query_id, sizeof(res->query_id), "%s", id);
		res->pages++;
		if (!jsonr_len(jsonr_get(root, "Rows")))
			res->empty_pages++;
		else if (!res->first_row_ns)
			res->first_row_ns = now_ns();
		res->rows += jsonr_len(jsonr_get(root, "Rows"));
		if (!jsonr_num(jsonr_get(jsonr_get(root, "QueryStatus"),
		                   "CumulativeBytesMetered"),
		        &bytes)
		    && bytes >= 0)
			res->bytes_metered = (uint64_t)bytes;
		if (res->row)
			ts_rows(res, jsonr_get(root, "ColumnInfo"),
			    jsonr_get(root, "Rows"));
		next = jsonr_get_str(root, "NextToken");
		if (next && token && strcmp(next, token) == 0) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "timestream Query: the same NextToken twice "
			    "(page %u)",
			    res->pages);
			st = TGT_FAIL;
			break;
		}
		free(token);
		token = next && next[0] ? xstrdup(next) : NULL;
		if (!token)
			break;
		if (res->pages >= c->cfg.max_pages) {
			/* clang-format off */
			snprintf(ctx->err, sizeof(ctx->err), "timestream Query: more than %u pages (max_pages=%u of the target URL); query %s abandoned",
			    c->cfg.max_pages, c->cfg.max_pages, res->query_id[0] ? res->query_id : "(no id)");
			/* clang-format on */
			st = TGT_FAIL;
			break;
		}
		if (res->stop && atomic_load(res->stop)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "timestream Query: stopped after %u pages",
			    res->pages);
			st = TGT_FAIL;
			break;
		}
	}
	free(token);
	jsonr_free(c->doc);
	c->doc = NULL;
	return st;
}

#define TS_OPS(sym, scheme, use)                                              \
	const struct target_ops sym = {                                       \
		.name      = scheme,                                          \
		.version   = TARGET_OPS_VERSION,                              \
		.flags     = TGT_F_WRITE | TGT_F_QUERY,                       \
		.usage     = use,                                             \
		.params    = ts_params,                                       \
		.max_batch = TS_MAX_RECORDS,                                  \
		.check     = ts_check,                                        \
		.setup     = ts_setup,                                        \
		.init      = ts_init,                                         \
		.write     = ts_write,                                        \
		.dialect   = "timestream",                                    \
		.sql       = true,                                            \
		.query     = ts_query,                                        \
		.fini      = ts_fini,                                         \
		.cleanup   = ts_cleanup,                                      \
	}

TS_OPS(target_timestream, "timestream", "timestream://REGION");
TS_OPS(
    target_timestream_http, "timestream+http", "timestream+http://HOST:PORT");
TS_OPS(target_timestream_https, "timestream+https",
    "timestream+https://HOST[:PORT]");
