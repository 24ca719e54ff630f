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
 * every record of a call shares them; timeout=SECS bounds a request;
 * discovery_endpoint=URL sends DescribeEndpoints there instead of AWS
 * and uses the addresses it returns with URL's scheme (tests, proxies).
 *
 * Write path: ->setup creates the database and the table (Conflict =
 * there already), ->write is one WriteRecords of at most 100 records.
 * Throttling, HTTP 429/5xx and transport errors are TGT_RETRY (the caller
 * backs off and counts a throttle); RejectedRecordsException is TGT_OK
 * with the refused records counted and the first reasons in ctx->err;
 * anything else fails with "timestream <Op>: <Code>: <message>".
 * Query path: Query, then NextToken until the last page.
 *
 * State is per thread (each its own endpoint cache, like the seed's
 * per-thread boto3 clients). Credentials come from awscreds; no secret is
 * ever put in a message, and the URL cannot carry one (no user part, only
 * the parameters above).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "awscreds.h"
#include "buf.h"
#include "clock.h"
#include "http.h"
#include "json.h"
#include "jsonr.h"
#include "sigv4.h"
#include "target.h"
#include "tsjson.h"
#include "xalloc.h"

enum {
	TS_MAX_RECORDS  = 100,      /* WriteRecords limit */
	TS_BODY_MAX     = 32 << 20, /* request body cap */
	TS_AUTH_MAX     = 4096,     /* Authorization header */
	TS_HOST_MAX     = 256,      /* "host[:port]" */
	TS_BASE_MAX     = TS_HOST_MAX + 16,
	TS_ADMIN_TRIES  = 6,   /* setup/cleanup calls, throttled */
	TS_REASONS      = 3,   /* rejected-record reasons kept */
	TS_CREDS_MARGIN = 300, /* refresh IMDS credentials 5 min early */
	TS_MAX_COLS     = 256, /* columns handed to a row callback */
};

#define TS_CTYPE "application/x-amz-json-1.0"
#define TS_PREFIX "Timestream_20181101."
#define TS_SIGN "timestream"

/* Seed timeouts (§3.3, §4.9): connect 20 s (write) / 5 s (query), read
 * 335 s; curl's is a whole-request limit. */
static const long ts_connect_ms[2] = { 20000, 5000 };
enum { TS_TIMEOUT_MS = 335000 };

enum ts_svc { TS_WRITE = 0, TS_QUERY = 1 };

static const char *const ts_svc_host[2] = { "ingest", "query" };

/* What the URL (and --endpoint, --region) say. */
struct ts_cfg {
	bool discover;          /* timestream://REGION */
	bool tls;               /* explicit: https; discovered: scheme */
	bool common;            /* ?common=1 */
	long timeout_ms;        /* ?timeout= */
	char host[TS_HOST_MAX]; /* explicit endpoint "host[:port]" */
	char disc[TS_BASE_MAX]; /* ?discovery_endpoint= base URL, or "" */
	char region[64];        /* from the URL; then resolved */
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
	struct awscreds_opts   ao;
	struct aws_creds       cr;
	bool                   have_cr;
	struct ts_ep           ep[2];
	struct buf             body;
	struct buf             auth;
	char                   code[64]; /* error code of the last answer */
	struct jsonr_doc      *doc;      /* parsed answer, when kept */
};

/* ---- URL ---- */

static const char *const ts_keys[]
    = { "common", "timeout", "discovery_endpoint", NULL };

static bool
ts_region_ok(const char *s)
{
	if (!*s || strlen(s) >= 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')
		        || *s == '-'))
			return false;
	return true;
}

/* "host[:port]" as the Host header has it: without the scheme's default
 * port, as curl would send it. */
static void
ts_host_header(const char *auth, bool tls, char *out, size_t n)
{
	const char *dflt = tls ? ":443" : ":80";
	size_t      len = strlen(auth), dl = strlen(dflt);
	const char *colon = strrchr(auth, ':');
	const char *rb    = strrchr(auth, ']');

	if (colon && (!rb || colon > rb) && len > dl
	    && strcmp(auth + len - dl, dflt) == 0)
		len -= dl;
	snprintf(out, n, "%.*s", (int)len, auth);
}

/* Splits "http[s]://host[:port][/]" into tls and host; only that form. */
static int
ts_split_base(const char *what, const char *url, bool *tls, char *host,
    size_t hostlen, char *err, size_t errlen)
{
	const char *p;
	char        probe[TS_BASE_MAX + 8];
	size_t      n;

	if (strncasecmp(url, "https://", 8) == 0) {
		*tls = true;
		p    = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		*tls = false;
		p    = url + 7;
	} else {
		snprintf(err, errlen,
		    "timestream: %s: expected http://HOST[:PORT] or "
		    "https://HOST[:PORT]",
		    what);
		return -EINVAL;
	}
	n = strcspn(p, "/?#");
	if (!n || n >= hostlen || strspn(p + n, "/") != strlen(p + n)
	    || memchr(p, ',', n)) {
		snprintf(err, errlen,
		    "timestream: %s: expected one HOST[:PORT], without path "
		    "or query",
		    what);
		return -EINVAL;
	}
	snprintf(probe, sizeof(probe), "http://%.*s", (int)n, p);
	if (http_check_url(probe, err, errlen))
		return -EINVAL;
	snprintf(host, hostlen, "%.*s", (int)n, p);
	return 0;
}

/* Parses the URL alone (no environment, no side effects). */
static int
ts_parse_url(const char *url, struct ts_cfg *c, char *err, size_t errlen)
{
	char   v[TS_BASE_MAX], path[TS_BASE_MAX], *end;
	double secs;
	int    rc;

	memset(c, 0, sizeof(*c));
	c->timeout_ms = TS_TIMEOUT_MS;
	rc            = target_url_check_keys(url, ts_keys, err, errlen);
	if (rc)
		return rc;
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
		if (path[0] && !ts_region_ok(path)) {
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
		rc = ts_split_base("endpoint", base, &c->tls, c->host,
		    sizeof(c->host), err, errlen);
		if (rc)
			return rc;
	} else {
		snprintf(err, errlen,
		    "timestream: expected timestream://REGION, "
		    "timestream+http://HOST:PORT or "
		    "timestream+https://HOST[:PORT]");
		return -EINVAL;
	}

	if (target_url_param(url, "common", v, sizeof(v))) {
		if (!strcmp(v, "1") || !strcmp(v, "true") || !v[0]) {
			c->common = true;
		} else if (strcmp(v, "0") && strcmp(v, "false")) {
			snprintf(err, errlen,
			    "timestream: common=%.16s: expected 1 or 0", v);
			return -EINVAL;
		}
	}
	if (target_url_param(url, "timeout", v, sizeof(v))) {
		secs = strtod(v, &end);
		if (!v[0] || *end || !(secs >= 0.001 && secs <= 3600)) {
			snprintf(err, errlen,
			    "timestream: timeout=%.16s: expected seconds, "
			    "0.001..3600",
			    v);
			return -EINVAL;
		}
		c->timeout_ms = (long)(secs * 1000 + 0.5);
	}
	if (target_url_param(url, "discovery_endpoint", v, sizeof(v))) {
		char host[TS_HOST_MAX];

		if (!c->discover) {
			snprintf(err, errlen,
			    "timestream: discovery_endpoint only goes with "
			    "timestream://REGION");
			return -EINVAL;
		}
		rc = ts_split_base("discovery_endpoint", v, &c->tls, host,
		    sizeof(host), err, errlen);
		if (rc)
			return rc;
		snprintf(c->disc, sizeof(c->disc), "%s://%s",
		    c->tls ? "https" : "http", host);
	} else if (c->discover) {
		c->tls = true;
	}
	return 0;
}

/* "ingest-cell1.timestream.eu-west-1.amazonaws.com" -> "eu-west-1". */
static void
ts_host_region(const char *host, char *out, size_t n)
{
	const char *p = strstr(host, ".timestream.");
	const char *e;

	if (!p)
		return;
	p += 12;
	e = strchr(p, '.');
	if (e && e > p && strncmp(e, ".amazonaws.com", 14) == 0
	    && (size_t)(e - p) < n) {
		snprintf(out, n, "%.*s", (int)(e - p), p);
		if (!ts_region_ok(out))
			out[0] = '\0';
	}
}

/* The URL, then --endpoint and the region: URL, --region, an AWS host
 * name, AWS_REGION / AWS_DEFAULT_REGION / the profile; an explicit
 * endpoint falls back to us-east-1 (local emulators ignore it). */
static int
ts_parse(const struct tgt_conf *conf, struct ts_cfg *c,
    const struct awscreds_opts *ao, char *err, size_t errlen)
{
	char *r = NULL;
	int   rc;

	rc = ts_parse_url(conf->url, c, err, errlen);
	if (rc)
		return rc;
	if (c->discover && conf->endpoint && conf->endpoint[0]) {
		if (c->disc[0]) {
			snprintf(err, errlen,
			    "timestream: --endpoint and discovery_endpoint "
			    "exclude each other");
			return -EINVAL;
		}
		rc = ts_split_base("--endpoint", conf->endpoint, &c->tls,
		    c->host, sizeof(c->host), err, errlen);
		if (rc)
			return rc;
		c->discover = false;
	}
	if (!c->region[0] && conf->region && conf->region[0]) {
		if (!ts_region_ok(conf->region)) {
			snprintf(err, errlen,
			    "timestream: --region: bad region \"%.64s\"",
			    conf->region);
			return -EINVAL;
		}
		snprintf(c->region, sizeof(c->region), "%s", conf->region);
	}
	if (!c->region[0] && !c->discover)
		ts_host_region(c->host, c->region, sizeof(c->region));
	if (!c->region[0]) {
		char why[256];

		rc = awscreds_region(ao, &r, why, sizeof(why));
		if (!rc) {
			snprintf(c->region, sizeof(c->region), "%s", r);
			free(r);
		} else if (rc != -ENOENT) {
			snprintf(err, errlen, "timestream: %s", why);
			return rc;
		} else if (c->discover) {
			snprintf(err, errlen,
			    "timestream: no region (use timestream://REGION, "
			    "--region or AWS_REGION)");
			return -EINVAL;
		} else {
			snprintf(c->region, sizeof(c->region), "us-east-1");
		}
	}
	return 0;
}

static int
ts_check(const char *url, char *err, size_t errlen)
{
	struct ts_cfg c;

	return ts_parse_url(url, &c, err, errlen);
}

/* ---- a client ---- */

static int
ts_open(
    struct ts_client *c, const struct tgt_conf *conf, char *err, size_t errlen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->ao.profile
	    = conf->profile && conf->profile[0] ? conf->profile : NULL;
	c->ao.imds_http = http_aws_imds;
	buf_init(&c->body, TS_BODY_MAX);
	buf_init(&c->auth, TS_AUTH_MAX);
	rc = ts_parse(conf, &c->cfg, &c->ao, err, errlen);
	if (rc)
		return rc;
	rc = awscreds_load(&c->ao, &c->cr, err, errlen);
	if (rc)
		return rc;
	c->have_cr = true;
	return 0;
}

static void
ts_close(struct ts_client *c)
{
	unsigned i;

	for (i = 0; i < 2; i++)
		if (c->ep[i].up)
			http_fini(&c->ep[i].h);
	if (c->have_cr)
		awscreds_free(&c->cr);
	jsonr_free(c->doc);
	buf_free(&c->body);
	buf_free(&c->auth);
}

/* Sets ep's handle up for "scheme://host". */
static int
ts_ep_set(struct ts_client *c, struct ts_ep *ep, enum ts_svc svc,
    const char *host, char *err, size_t errlen)
{
	struct http_opts o = {
		.name       = "timestream",
		.connect_ms = ts_connect_ms[svc],
		.timeout_ms = c->cfg.timeout_ms,
		.tls        = c->cfg.tls,
	};
	char url[TS_BASE_MAX];
	int  rc;

	if (ep->up)
		http_fini(&ep->h);
	ep->up = false;
	snprintf(
	    url, sizeof(url), "%s://%s", c->cfg.tls ? "https" : "http", host);
	rc = http_init(&ep->h, url, &o, err, errlen);
	if (rc) {
		http_fini(&ep->h);
		return rc;
	}
	ep->up = true;
	snprintf(ep->addr, sizeof(ep->addr), "%s", host);
	ts_host_header(host, c->cfg.tls, ep->host, sizeof(ep->host));
	return 0;
}

static bool
ts_code_is(const struct ts_client *c, const char *code)
{
	return strcmp(c->code, code) == 0;
}

/* Error codes botocore retries (throttling and transient ones). */
static bool
ts_code_retry(const char *code)
{
	static const char *const codes[] = { "Throttling",
		"ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"RequestLimitExceeded", "InternalServerException",
		"InternalFailure", "ServiceUnavailable", "RequestTimeout",
		"RequestTimeoutException", "PriorRequestNotComplete", NULL };
	unsigned                 i;

	for (i = 0; codes[i]; i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* Reads the error code and message of a non-2xx answer: AWS JSON 1.0
 * {"__type":"ns#Code","message":"..."}. */
static void
ts_error_of(struct ts_client *c, const struct http *h, const char *op,
    char *err, size_t errlen)
{
	struct jsonr_doc *doc = NULL;
	const char       *type, *msg, *hash;
	char              why[64];

	c->code[0] = '\0';
	if (h->cc != 0 || !h->resp.len
	    || jsonr_parse(h->resp.p, h->resp.len, &doc, why, sizeof(why)))
		return; /* keep http.c's message */
	type = jsonr_get_str(jsonr_root(doc), "__type");
	msg  = jsonr_get_str(jsonr_root(doc), "message");
	if (!msg)
		msg = jsonr_get_str(jsonr_root(doc), "Message");
	if (type) {
		hash = strrchr(type, '#');
		snprintf(
		    c->code, sizeof(c->code), "%s", hash ? hash + 1 : type);
		c->code[strcspn(c->code, ":")] = '\0';
		snprintf(err, errlen, "timestream %s: %s%s%.200s", op, c->code,
		    msg ? ": " : "", msg ? msg : "");
	}
	jsonr_free(doc);
}

/* Refreshes credentials that expire soon (instance metadata). */
static int
ts_fresh_creds(struct ts_client *c, char *err, size_t errlen)
{
	struct aws_creds n;
	int              rc;

	if (!awscreds_expiring(&c->cr, time(NULL), TS_CREDS_MARGIN))
		return 0;
	rc = awscreds_load(&c->ao, &n, err, errlen);
	if (rc)
		return rc;
	awscreds_free(&c->cr);
	c->cr = n;
	return 0;
}

/* Signs and sends one call of op to h; the outcome as http.c maps it,
 * refined by the AWS error code. */
static enum tgt_status
ts_send(struct ts_client *c, struct http *h, const char *host, const char *op,
    const char *body, size_t len, char *err, size_t errlen)
{
	char                target[64], date[SIGV4_DATE_SIZE];
	char               *hdr[6] = { NULL };
	struct sigv4_header sh[2];
	struct sigv4_req    r;
	struct http_req     q;
	enum tgt_status     st;
	unsigned            i, n = 0;
	int                 rc;

	c->code[0] = '\0';
	snprintf(target, sizeof(target), TS_PREFIX "%s", op);
	rc = ts_fresh_creds(c, err, errlen);
	if (rc)
		return TGT_FAIL;
	sh[0] = (struct sigv4_header) { "Content-Type", TS_CTYPE };
	sh[1] = (struct sigv4_header) { "X-Amz-Target", target };
	r     = (struct sigv4_req) {
		    .method   = "POST",
		    .host     = host,
		    .path     = "/",
		    .headers  = sh,
		    .nheaders = 2,
		    .body     = body,
		    .body_len = len,
	};
	rc = sigv4_sign(
	    &r, &c->cr, c->cfg.region, TS_SIGN, time(NULL), &c->auth, date);
	if (rc) {
		snprintf(err, errlen, "timestream %s: cannot sign: %s", op,
		    strerror(-rc));
		return TGT_FAIL;
	}
	hdr[n++] = xasprintf("Host: %s", host);
	hdr[n++] = xasprintf("X-Amz-Target: %s", target);
	hdr[n++] = xasprintf("X-Amz-Date: %s", date);
	hdr[n++] = xasprintf("Authorization: %s", c->auth.p);
	if (c->cr.session_token)
		hdr[n++] = xasprintf(
		    "X-Amz-Security-Token: %s", c->cr.session_token);
	q = (struct http_req) {
		.path  = "/",
		.ctype = TS_CTYPE,
		.body  = body,
		.len   = len,
		.hdrs  = (const char *const *)hdr,
	};
	st = http_request(h, &q, err, errlen);
	for (i = 0; i < n; i++) {
		explicit_bzero(hdr[i], strlen(hdr[i]));
		free(hdr[i]);
	}
	if (st == TGT_OK)
		return st;
	ts_error_of(c, h, op, err, errlen);
	if (c->code[0] && ts_code_retry(c->code))
		return TGT_RETRY;
	return st;
}

/* DescribeEndpoints for svc; sets the endpoint up for the answer. */
static enum tgt_status
ts_discover(struct ts_client *c, enum ts_svc svc, char *err, size_t errlen)
{
	struct ts_ep           *ep = &c->ep[svc];
	struct http             d;
	struct http_opts        o = { .name = "timestream",
		       .connect_ms          = ts_connect_ms[svc],
		       .timeout_ms          = c->cfg.timeout_ms,
		       .tls                 = c->cfg.tls };
	const struct jsonr_val *e;
	struct jsonr_doc       *doc = NULL;
	char                    base[TS_BASE_MAX], host[TS_HOST_MAX];
	char                    why[128];
	const char             *addr;
	int64_t                 minutes = 1;
	enum tgt_status         st;

	if (c->cfg.disc[0])
		snprintf(base, sizeof(base), "%s", c->cfg.disc);
	else
		snprintf(base, sizeof(base),
		    "https://%s.timestream.%s."
		    "amazonaws.com",
		    ts_svc_host[svc], c->cfg.region);
	if (http_init(&d, base, &o, err, errlen)) {
		http_fini(&d);
		return TGT_FAIL;
	}
	ts_host_header(
	    strstr(base, "://") + 3, c->cfg.tls, host, sizeof(host));
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

	c->code[0] = '\0';
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
	if (st != TGT_OK && ts_code_is(c, "InvalidEndpointException")) {
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
		if (st != TGT_RETRY)
			break;
	}
	if (st == TGT_OK)
		return 0;
	if (ok_code && ts_code_is(c, ok_code))
		return 1;
	return st == TGT_RETRY ? -EAGAIN : -EIO;
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
	return i >= 0 && (uint64_t)i < b->n ? b->s[i].count : 0;
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
	if (tsjson_write_records(&c->body, ctx->conf->database,
	        ctx->conf->table, b, c->cfg.common)) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "timestream: a batch of %u records exceeds %d MiB",
		    b->records, TS_BODY_MAX >> 20);
		return TGT_FAIL;
	}
	st = ts_call(c, TS_WRITE, "WriteRecords", c->body.p, c->body.len,
	    ctx->err, sizeof(ctx->err));
	if (st == TGT_FAIL && ts_code_is(c, "RejectedRecordsException"))
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

static enum tgt_status
ts_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct ts_client       *c     = ctx->priv;
	char                   *token = NULL;
	const struct jsonr_val *root;
	const char             *id, *next;
	struct json_w           w;
	double                  bytes;
	enum tgt_status         st = TGT_OK;
	char                    why[64];

	res->rows          = 0;
	res->pages         = 0;
	res->empty_pages   = 0;
	res->bytes_metered = 0;
	res->query_id[0]   = '\0';
	for (;;) {
		buf_reset(&c->body);
		json_w_init(&w, &c->body, false);
		json_obj_begin(&w);
		json_kv_str(&w, "QueryString", text);
		if (token)
			json_kv_str(&w, "NextToken", token);
		json_obj_end(&w);
		if (json_w_finish(&w)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "timestream Query: query text too long");
			st = TGT_FAIL;
			break;
		}
		st = ts_call(c, TS_QUERY, "Query", c->body.p, c->body.len,
		    ctx->err, sizeof(ctx->err));
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
		.max_batch = TS_MAX_RECORDS,                                  \
		.check     = ts_check,                                        \
		.setup     = ts_setup,                                        \
		.init      = ts_init,                                         \
		.write     = ts_write,                                        \
		.dialect   = "timestream",                                    \
		.query     = ts_query,                                        \
		.fini      = ts_fini,                                         \
		.cleanup   = ts_cleanup,                                      \
	}

TS_OPS(target_timestream, "timestream",
    "timestream://REGION[?common=1&timeout=SECS]");
TS_OPS(target_timestream_http, "timestream+http",
    "timestream+http://HOST:PORT[?common=1&timeout=SECS]");
TS_OPS(target_timestream_https, "timestream+https",
    "timestream+https://HOST[:PORT][?common=1&timeout=SECS]");
