/* aws.c - signed AWS requests over http.c for the AWS targets (see aws.h).
 */
#include "aws.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "jsonr.h"
#include "log.h"
#include "xalloc.h"

enum {
	AWS_CREDS_MARGIN = 300, /* refresh IMDS credentials 5 min early */
	AWS_HDRS_MAX     = 12,
};

int
aws_open(struct aws_client *a, const char *name, const char *service,
    const char *profile, char *err, size_t errlen)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->name         = name;
	a->service      = service;
	a->ao.profile   = profile && profile[0] ? profile : NULL;
	a->ao.imds_http = http_aws_imds;
	buf_init(&a->auth, 4096);
	rc         = awscreds_load(&a->ao, &a->cr, err, errlen);
	a->have_cr = rc == 0;
	return rc;
}

void
aws_close(struct aws_client *a)
{
	if (a->have_cr)
		awscreds_free(&a->cr);
	a->have_cr = false;
	buf_free(&a->auth);
}

bool
aws_code_is(const struct aws_client *a, const char *code)
{
	return strcmp(a->code, code) == 0;
}

bool
aws_code_retry(const char *code)
{
	static const char *const codes[] = { "Throttling",
		"ThrottlingException", "ThrottledException",
		"RequestThrottled", "RequestThrottledException",
		"TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"RequestLimitExceeded", "LimitExceededException",
		"BandwidthLimitExceeded", "SlowDown", "KMSThrottlingException",
		"InternalServerException", "InternalFailure", "InternalError",
		"ServiceUnavailable", "RequestTimeout",
		"RequestTimeoutException", "PriorRequestNotComplete", NULL };
	unsigned                 i;

	for (i = 0; codes[i]; i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* Copies the text between <tag> and </tag> of an S3 XML error. */
static bool
aws_xml(const char *s, const char *tag, char *out, size_t n)
{
	char        open[32], close[32];
	const char *p, *e;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	p = strstr(s, open);
	if (!p)
		return false;
	p += strlen(open);
	e = strstr(p, close);
	if (!e)
		return false;
	snprintf(out, n, "%.*s", (int)(e - p), p);
	return true;
}

/* The error code and message of a non-2xx answer, into a->code and err;
 * without either, http.c's message stays. */
static void
aws_error_of(struct aws_client *a, const struct http *h, const char *op,
    char *err, size_t errlen)
{
	struct jsonr_doc *doc = NULL;
	const char       *type, *msg, *hash;
	char              why[64], xmsg[256], raw[512];

	a->code[0] = '\0';
	if (h->cc != 0 || !h->resp.len)
		return;
	if (h->resp.p[0] != '{') {
		if (aws_xml(h->resp.p, "Code", a->code, sizeof(a->code))) {
			if (!aws_xml(h->resp.p, "Message", xmsg, sizeof(xmsg)))
				xmsg[0] = '\0';
			snprintf(raw, sizeof(raw), "%s %s: %s%s%.200s",
			    a->name, op, a->code, xmsg[0] ? ": " : "", xmsg);
			log_escape(err, errlen, raw, strlen(raw), sizeof(raw));
		}
		return;
	}
	if (jsonr_parse(h->resp.p, h->resp.len, &doc, why, sizeof(why)))
		return;
	type = jsonr_get_str(jsonr_root(doc), "__type");
	msg  = jsonr_get_str(jsonr_root(doc), "message");
	if (!msg)
		msg = jsonr_get_str(jsonr_root(doc), "Message");
	if (type) {
		hash = strrchr(type, '#');
		snprintf(
		    a->code, sizeof(a->code), "%s", hash ? hash + 1 : type);
		a->code[strcspn(a->code, ":")] = '\0';
		/* the server's words, escaped: they reach the terminal */
		snprintf(raw, sizeof(raw), "%s %s: %s%s%.200s", a->name, op,
		    a->code, msg ? ": " : "", msg ? msg : "");
		log_escape(err, errlen, raw, strlen(raw), sizeof(raw));
	}
	jsonr_free(doc);
}

/* The x-amzn-RequestId (or x-amz-request-id, S3) of h's last answer
 * into out; "" when it has none. */
static void
aws_request_id(const struct http *h, char *out, size_t n)
{
	static const char *const names[]
	    = { "x-amzn-RequestId", "x-amz-request-id", NULL };
	struct curl_header *hh;
	unsigned            i;

	out[0] = '\0';
	for (i = 0; h->curl && h->status && names[i]; i++)
		if (curl_easy_header(
		        h->curl, names[i], 0, CURLH_HEADER, -1, &hh)
		    == CURLHE_OK) {
			snprintf(out, n, "%s", hh->value);
			return;
		}
}

/* Refreshes credentials that expire soon (instance metadata). */
static int
aws_fresh_creds(struct aws_client *a, char *err, size_t errlen)
{
	struct aws_creds n;
	int              rc;

	if (a->have_cr
	    && !awscreds_expiring(&a->cr, time(NULL), AWS_CREDS_MARGIN))
		return 0;
	rc = awscreds_load(&a->ao, &n, err, errlen);
	if (rc)
		return rc;
	if (a->have_cr)
		awscreds_free(&a->cr);
	a->cr      = n;
	a->have_cr = true;
	return 0;
}

enum tgt_status
aws_send(struct aws_client *a, struct http *h, const char *host,
    const struct aws_req *r, const char *op, char *err, size_t errlen)
{
	struct sigv4_header sh[AWS_HDRS_MAX];
	char               *hdr[AWS_HDRS_MAX + 6] = { NULL };
	char                date[SIGV4_DATE_SIZE], sha[65], *path;
	struct sigv4_req    sr;
	struct http_req     q;
	enum tgt_status     st;
	size_t              ns = 0, i;
	unsigned            n  = 0;
	int                 rc;

	a->code[0]       = '\0';
	a->request_id[0] = '\0';
	if (r->nhdrs + 2 > AWS_HDRS_MAX) {
		snprintf(err, errlen, "%s %s: too many headers", a->name, op);
		return TGT_FAIL;
	}
	if (aws_fresh_creds(a, err, errlen))
		return TGT_FAIL;
	if (r->ctype)
		sh[ns++] = (struct sigv4_header) { "Content-Type", r->ctype };
	for (i = 0; i < r->nhdrs; i++)
		sh[ns++] = r->hdrs[i];
	if (r->content_sha) {
		if (sigv4_sha256_hex(r->body, r->len, sha)) {
			snprintf(
			    err, errlen, "%s %s: SHA-256 failed", a->name, op);
			return TGT_FAIL;
		}
		sh[ns++]
		    = (struct sigv4_header) { "x-amz-content-sha256", sha };
	}
	sr = (struct sigv4_req) {
		.method       = r->method,
		.host         = host,
		.path         = r->path,
		.query        = r->query,
		.headers      = sh,
		.nheaders     = ns,
		.body         = r->body,
		.body_len     = r->len,
		.payload_hash = r->content_sha ? sha : NULL,
	};
	rc = sigv4_sign(
	    &sr, &a->cr, a->region, a->service, time(NULL), &a->auth, date);
	if (rc) {
		snprintf(err, errlen, "%s %s: cannot sign: %s", a->name, op,
		    strerror(-rc));
		return TGT_FAIL;
	}
	hdr[n++] = xasprintf("Host: %s", host);
	hdr[n++] = xasprintf("X-Amz-Date: %s", date);
	hdr[n++] = xasprintf("Authorization: %s", a->auth.p);
	hdr[n++] = xasprintf("User-Agent: %s", AWS_USER_AGENT);
	if (a->cr.session_token)
		hdr[n++] = xasprintf(
		    "X-Amz-Security-Token: %s", a->cr.session_token);
	for (i = r->ctype ? 1 : 0; i < ns; i++)
		hdr[n++] = xasprintf("%s: %s", sh[i].name, sh[i].value);
	path = r->query ? xasprintf("%s?%s", r->path, r->query)
	                : xstrdup(r->path);
	q    = (struct http_req) {
		   .method = r->method,
		   .path   = path,
		   .ctype  = r->ctype,
		   .body   = r->body,
		   .len    = r->len,
		   .hdrs   = (const char *const *)hdr,
	};
	st = http_request(h, &q, err, errlen);
	aws_request_id(h, a->request_id, sizeof(a->request_id));
	for (i = 0; i < n; i++) {
		explicit_bzero(hdr[i], strlen(hdr[i]));
		free(hdr[i]);
	}
	free(path);
	if (st == TGT_OK)
		return st;
	aws_error_of(a, h, op, err, errlen);
	if (a->code[0] && aws_code_retry(a->code))
		return TGT_RETRY;
	return st;
}

enum tgt_status
aws_json_call(struct aws_client *a, struct http *h, const char *host,
    const char *ctype, const char *prefix, const char *op, const char *body,
    size_t len, char *err, size_t errlen)
{
	char                target[96];
	struct sigv4_header th = { "X-Amz-Target", target };
	struct aws_req      r  = {
		      .method = "POST",
		      .path   = "/",
		      .ctype  = ctype,
		      .hdrs   = &th,
		      .nhdrs  = 1,
		      .body   = body,
		      .len    = len,
	};

	snprintf(target, sizeof(target), "%s%s", prefix, op);
	return aws_send(a, h, host, &r, op, err, errlen);
}

/* ---- URLs ---- */

void
aws_host_header(const char *hostport, bool tls, char *out, size_t n)
{
	const char *dflt = tls ? ":443" : ":80";
	size_t      len = strlen(hostport), dl = strlen(dflt);
	const char *colon = strrchr(hostport, ':');
	const char *rb    = strrchr(hostport, ']');

	if (colon && (!rb || colon > rb) && len > dl
	    && strcmp(hostport + len - dl, dflt) == 0)
		len -= dl;
	snprintf(out, n, "%.*s", (int)len, hostport);
}

int
aws_split_base(const char *name, const char *what, const char *url, bool *tls,
    char *host, size_t hostlen, char *err, size_t errlen)
{
	const char *p;
	char        probe[AWS_HOST_MAX + 16];
	size_t      n;

	if (strncasecmp(url, "https://", 8) == 0) {
		*tls = true;
		p    = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		*tls = false;
		p    = url + 7;
	} else {
		snprintf(err, errlen,
		    "%s: %s: expected http://HOST[:PORT] or "
		    "https://HOST[:PORT]",
		    name, what);
		return -EINVAL;
	}
	n = strcspn(p, "/?#");
	if (!n || n >= hostlen || n >= AWS_HOST_MAX
	    || strspn(p + n, "/") != strlen(p + n) || memchr(p, ',', n)) {
		snprintf(err, errlen,
		    "%s: %s: expected one HOST[:PORT], without path or query",
		    name, what);
		return -EINVAL;
	}
	snprintf(probe, sizeof(probe), "http://%.*s", (int)n, p);
	if (http_check_url(probe, err, errlen))
		return -EINVAL;
	snprintf(host, hostlen, "%.*s", (int)n, p);
	return 0;
}

/* "kinesis.eu-west-1.amazonaws.com[:443]" -> "eu-west-1". */
static void
aws_host_region(const char *host, char *out, size_t n)
{
	const char *e = strstr(host, ".amazonaws.com");
	const char *p;

	out[0] = '\0';
	if (!e || (e[14] && e[14] != ':'))
		return;
	for (p = e; p > host && p[-1] != '.'; p--)
		;
	if (e > p && (size_t)(e - p) < n) {
		snprintf(out, n, "%.*s", (int)(e - p), p);
		if (!awscreds_region_ok(out))
			out[0] = '\0';
	}
}

int
aws_resolve_region(struct aws_client *a, const char *url_region,
    const char *conf_region, const char *host, bool fallback, const char *hint,
    char *err, size_t errlen)
{
	char *r = NULL, why[256];
	int   rc;

	snprintf(
	    a->region, sizeof(a->region), "%s", url_region ? url_region : "");
	if (!a->region[0] && conf_region && conf_region[0]) {
		if (!awscreds_region_ok(conf_region)) {
			snprintf(err, errlen,
			    "%s: --region: bad region \"%.64s\"", a->name,
			    conf_region);
			return -EINVAL;
		}
		snprintf(a->region, sizeof(a->region), "%s", conf_region);
	}
	if (!a->region[0] && host)
		aws_host_region(host, a->region, sizeof(a->region));
	if (a->region[0])
		return 0;
	rc = awscreds_region(&a->ao, &r, why, sizeof(why));
	if (!rc) {
		snprintf(a->region, sizeof(a->region), "%s", r);
		free(r);
		return 0;
	}
	if (rc != -ENOENT) {
		snprintf(err, errlen, "%s: %s", a->name, why);
		return rc;
	}
	if (!fallback) {
		snprintf(err, errlen,
		    "%s: no region (use %s--region or AWS_REGION)", a->name,
		    hint ? hint : "");
		return -EINVAL;
	}
	snprintf(a->region, sizeof(a->region), "us-east-1");
	return 0;
}

int
aws_http(struct http *h, const char *name, const char *host, bool tls,
    long connect_ms, long timeout_ms, char *err, size_t errlen)
{
	struct http_opts o = {
		.name       = name,
		.connect_ms = connect_ms,
		.timeout_ms = timeout_ms,
		.tls        = tls,
	};
	char url[AWS_HOST_MAX + 16];

	snprintf(url, sizeof(url), "%s://%s", tls ? "https" : "http", host);
	return http_init(h, url, &o, err, errlen);
}
