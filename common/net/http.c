/* http.c - libcurl easy handle per thread, the host set of a cluster URL,
 * gzip request bodies, and the mapping of outcomes to enum tgt_status.
 */
#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "abandon.h"
#include "clock.h"
#include "log.h"
#include "xalloc.h"

enum {
	HTTP_URL_MAX  = 64 << 10, /* longest request URL (GET queries) */
	HTTP_HOST_LEN = 256,      /* longest "host:port" */
	HTTP_HDRS_MAX = 16,
};

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode       http_global_rc;

static void
http_global_init(void)
{
	http_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- host list ---- */

/* Calls fn for each "host[:port]" of url's authority, up to the first
 * '/', '?' or '#'; stops at fn's first nonzero return and returns it. */
static int
http_each_host(
    const char *url, int (*fn)(const char *s, size_t n, void *arg), void *arg)
{
	const char *p = strstr(url, "://");
	size_t      len;
	int         rc;

	p   = p ? p + 3 : url;
	len = strcspn(p, "/?#");
	for (;;) {
		size_t n = strcspn(p, ",/?#");

		if (n > len)
			n = len;
		rc = fn(p, n, arg);
		if (rc)
			return rc;
		if (n >= len || p[n] != ',')
			return 0;
		p += n + 1;
		len -= n + 1;
	}
}

struct http_parse {
	const char  *url;
	unsigned     def_port;
	unsigned     n;
	char        *err;
	size_t       errlen;
	struct http *h; /* NULL: check only */
};

static int
http_bad_host(struct http_parse *ps, const char *s, size_t n, const char *why)
{
	snprintf(ps->err, ps->errlen, "%.*s: bad host \"%.*s\" in \"%s\" (%s)",
	    (int)strcspn(ps->url, ":"), ps->url, (int)(n > 64 ? 64 : n), s,
	    ps->url, why);
	return -EINVAL;
}

/* One "host[:port]" or "[v6][:port]": checked, then added to ps->h. */
static int
http_add_host(const char *s, size_t n, void *arg)
{
	struct http_parse *ps   = arg;
	const char        *name = s, *port = NULL;
	size_t             nlen = n, i;
	unsigned long      pv   = ps->def_port;
	char               pbuf[8], *end;

	if (!n)
		return http_bad_host(ps, s, n, "empty");
	if (n >= HTTP_HOST_LEN)
		return http_bad_host(ps, s, n, "too long");
	if (memchr(s, '@', n))
		return http_bad_host(ps, s, n, "user names are not supported");
	if (s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (!rb || rb == s + 1)
			return http_bad_host(ps, s, n, "unclosed '['");
		nlen = (size_t)(rb - s) + 1;
		if (nlen < n) {
			if (s[nlen] != ':')
				return http_bad_host(
				    ps, s, n, "expected ':' after ']'");
			port = s + nlen + 1;
		}
	} else {
		const char *c = memchr(s, ':', n);

		if (c) {
			nlen = (size_t)(c - s);
			port = c + 1;
		}
		if (!nlen)
			return http_bad_host(ps, s, n, "no host name");
		for (i = 0; i < nlen; i++)
			if (!isalnum((unsigned char)s[i])
			    && !strchr("-._", s[i]))
				return http_bad_host(
				    ps, s, n, "invalid character");
	}
	if (port) {
		size_t plen = (size_t)(s + n - port);

		if (!plen || plen >= sizeof(pbuf))
			return http_bad_host(ps, s, n, "bad port");
		memcpy(pbuf, port, plen);
		pbuf[plen] = '\0';
		pv         = strtoul(pbuf, &end, 10);
		if (*end || !isdigit((unsigned char)pbuf[0]) || pv < 1
		    || pv > 65535)
			return http_bad_host(
			    ps, s, n, "port must be 1..65535");
	}
	if (ps->n >= HTTP_HOSTS_MAX) {
		snprintf(ps->err, ps->errlen,
		    "%.*s: more than %d hosts in \"%s\"",
		    (int)strcspn(ps->url, ":"), ps->url, HTTP_HOSTS_MAX,
		    ps->url);
		return -EINVAL;
	}
	if (ps->h)
		ps->h->host[ps->n].base = xasprintf("%s://%.*s:%lu",
		    ps->h->o.tls ? "https" : "http", (int)nlen, name, pv);
	ps->n++;
	return 0;
}

int
http_check_url(const char *url, char *err, size_t errlen)
{
	struct http_parse ps = { url, 1, 0, err, errlen, NULL };

	return http_each_host(url, http_add_host, &ps);
}

/* ---- buffers ---- */

int
http_urlencode(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t            i;
	char             *w;
	int               rc = buf_reserve(b, 3 * n);

	if (rc)
		return rc;
	w = b->p + b->len;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_'
		    || c == '~') {
			*w++ = (char)c;
			continue;
		}
		*w++ = '%';
		*w++ = hex[c >> 4];
		*w++ = hex[c & 15];
	}
	b->len = (size_t)(w - b->p);
	return 0;
}

int
http_gzip(struct buf *dst, const void *src, size_t n)
{
	z_stream zs;
	size_t   bound;
	int      rc;

	memset(&zs, 0, sizeof(zs));
	/* Level 1: on loopback the CPU, not the wire, is the bottleneck.
	 * windowBits 15 + 16 asks for the gzip wrapper. */
	if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
	    != Z_OK)
		return -EIO;
	bound = deflateBound(&zs, (uLong)n);
	buf_reset(dst);
	rc = buf_reserve(dst, bound);
	if (rc) {
		deflateEnd(&zs);
		return rc;
	}
	zs.next_in   = (Bytef *)(uintptr_t)src;
	zs.avail_in  = (uInt)n;
	zs.next_out  = (Bytef *)dst->p;
	zs.avail_out = (uInt)bound;
	rc           = deflate(&zs, Z_FINISH);
	dst->len     = zs.total_out;
	deflateEnd(&zs);
	return rc == Z_STREAM_END ? 0 : -EIO;
}

/* ---- the handle ---- */

/* libcurl calls this about once a second even when nothing moves: a
 * transfer still going when the stop's grace is over is abandoned. */
static int
http_on_progress(
    void *arg, curl_off_t dlt, curl_off_t dln, curl_off_t ult, curl_off_t uln)
{
	(void)arg;
	(void)dlt;
	(void)dln;
	(void)ult;
	(void)uln;
	return abandon_due();
}

static size_t
http_on_data(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http *h = arg;
	size_t       n = size * nmemb;

	/* Returning less than n aborts with CURLE_WRITE_ERROR. */
	if (n > h->o.resp_max - h->resp.len || buf_add(&h->resp, p, n) != 0)
		return 0;
	return n;
}

int
http_init(struct http *h, const char *url, const struct http_opts *o,
    char *err, size_t errlen)
{
	struct http_parse ps;
	CURL             *c;
	int               rc;

	memset(h, 0, sizeof(*h));
	h->o = *o;
	if (!h->o.name)
		h->o.name = "http";
	if (!h->o.connect_ms)
		h->o.connect_ms = HTTP_CONNECT_MS;
	if (!h->o.timeout_ms)
		h->o.timeout_ms = HTTP_TIMEOUT_MS;
	if (!h->o.down_ms)
		h->o.down_ms = HTTP_DOWN_MS;
	if (!h->o.resp_max)
		h->o.resp_max = HTTP_RESP_MAX;
	buf_init(&h->resp, h->o.resp_max + 1);
	buf_init(&h->gz, (size_t)1 << 31);
	buf_init(&h->url, HTTP_URL_MAX);

	ps       = (struct http_parse) { url,
                o->def_port  ? o->def_port
		          : o->tls ? 443
		                   : 80,
		      0, err, errlen, h };
	rc       = http_each_host(url, http_add_host, &ps);
	h->nhost = ps.n;
	if (rc)
		return rc;

	pthread_once(&http_once, http_global_init);
	if (http_global_rc != CURLE_OK) {
		snprintf(err, errlen, "%s: curl_global_init: %s", h->o.name,
		    curl_easy_strerror(http_global_rc));
		return -EIO;
	}
	c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "%s: curl_easy_init failed", h->o.name);
		return -ENOMEM;
	}
	h->curl = c;
	/* Worker threads: no signals (no SIGALRM around DNS look-ups). */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, http_on_progress);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->cerr);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	/* A body goes out in one write where the socket takes it (curl's
	 * default, 64 KiB, splits a 100-record WriteRecords call in two);
	 * allocated on the first upload. */
	curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
	/* A benchmark talks to the server itself: no proxy from the
	 * environment in between. */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	return 0;
}

void
http_fini(struct http *h)
{
	unsigned i;

	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
	for (i = 0; i < h->nhost; i++)
		free(h->host[i].base);
	h->nhost = 0;
	buf_free(&h->resp);
	buf_free(&h->gz);
	buf_free(&h->url);
}

enum tgt_status
http_map(int cc, long status)
{
	switch (cc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_CONNECT: /* refused */
	case CURLE_SEND_ERROR:      /* reset */
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING: /* closed without an answer */
		return TGT_UNREACHABLE;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
		return TGT_RETRY;
	default:
		return TGT_FAIL;
	}
	if (status >= 200 && status < 300)
		return TGT_OK;
	if (status == 408 || status == 429 || status >= 500)
		return TGT_RETRY;
	return TGT_FAIL;
}

/* Whether the host itself looks unreachable (rather than the request
 * being refused or throttled): take it out for a while. */
static bool
http_host_failed(int cc, long status)
{
	if (cc == CURLE_OK)
		return status == 502 || status == 503 || status == 504;
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_OPERATION_TIMEDOUT
	    || cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR
	    || cc == CURLE_GOT_NOTHING || cc == CURLE_COULDNT_RESOLVE_HOST;
}

/* The next host in turn that is up; when all are out, the one back
 * first. *up tells which case it was. */
static unsigned
http_pick(struct http *h, uint64_t now, bool *up)
{
	int i = health_pick(h->hl, h->nhost, h->next, now);

	*up = i >= 0;
	if (i < 0)
		i = (int)health_soonest(h->hl, h->nhost);
	h->next = ((unsigned)i + 1) % h->nhost;
	return (unsigned)i;
}

static void
http_perform(struct http *h, unsigned i, const struct http_req *r,
    const void *body, size_t len, struct curl_slist *hdrs)
{
	CURL *c     = h->curl;
	long  nconn = 0;
	bool  post;

	h->last    = i;
	h->status  = 0;
	h->cerr[0] = '\0';
	buf_reset(&h->resp);
	buf_reset(&h->url);
	if (buf_adds(&h->url, h->host[i].base) || buf_adds(&h->url, r->path)
	    || buf_cstr(&h->url)) {
		h->cc = CURLE_URL_MALFORMAT;
		snprintf(h->cerr, sizeof(h->cerr), "URL longer than %d bytes",
		    HTTP_URL_MAX);
		return;
	}
	/* A body goes out as with POST, under the method asked for (PUT). */
	post = r->method ? strcmp(r->method, "POST") == 0
	        || (body != NULL && strcmp(r->method, "GET") != 0)
	                 : body != NULL;
	curl_easy_setopt(c, CURLOPT_URL, h->url.p);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(
		    c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		if (r->method && strcmp(r->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		if (r->method && strcmp(r->method, "GET") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	h->cc = (int)curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	if (curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &nconn) == CURLE_OK)
		h->connects += (uint64_t)nconn;
	if (h->cc == CURLE_WRITE_ERROR)
		snprintf(h->cerr, sizeof(h->cerr),
		    "response larger than %zu bytes", h->o.resp_max);
	if (h->cc == CURLE_ABORTED_BY_CALLBACK)
		snprintf(h->cerr, sizeof(h->cerr), "abandoned at the stop");
	(void)buf_cstr(&h->resp); /* the cap keeps a byte for it */
}

/* "name URL-without-query: reason". */
static void
http_message(struct http *h, char *err, size_t errlen)
{
	size_t ulen = strcspn(h->url.p ? h->url.p : "", "?");
	char   body[4 * HTTP_ERR_BODY + 4];
	size_t n;

	if (h->cc != CURLE_OK) {
		snprintf(err, errlen, "%s %.*s: %s", h->o.name, (int)ulen,
		    h->url.p ? h->url.p : "",
		    h->cerr[0] ? h->cerr
		               : curl_easy_strerror((CURLcode)h->cc));
		return;
	}
	/* the server's bytes, escaped and cut: they go to the terminal */
	n = h->resp.len;
	while (n && (unsigned char)h->resp.p[n - 1] <= ' ')
		n--;
	n = log_escape(
	    body, sizeof(body), h->resp.p ? h->resp.p : "", n, HTTP_ERR_BODY);
	snprintf(err, errlen, "%s %.*s: HTTP %ld%s%s", h->o.name, (int)ulen,
	    h->url.p, h->status, n ? ": " : "", body);
}

enum tgt_status
http_request(
    struct http *h, const struct http_req *r, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	const void        *body = r->body;
	size_t             len  = r->len;
	enum tgt_status    st   = TGT_FAIL;
	char               ctype[128];
	unsigned           k, i;
	bool               up;

	if (!h->curl || !h->nhost) {
		snprintf(err, errlen, "%s: not connected", h->o.name);
		return TGT_FAIL;
	}
	if (r->gzip && body && len) {
		if (http_gzip(&h->gz, body, len) != 0) {
			snprintf(err, errlen, "%s: gzip of %zu bytes failed",
			    h->o.name, len);
			return TGT_FAIL;
		}
		body = h->gz.p;
		len  = h->gz.len;
		hdrs = curl_slist_append(hdrs, "Content-Encoding: gzip");
	}
	if (r->ctype) {
		snprintf(ctype, sizeof(ctype), "Content-Type: %s", r->ctype);
		hdrs = curl_slist_append(hdrs, ctype);
	}
	/* No "Expect: 100-continue" round trip before large bodies. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (i = 0; r->hdrs && r->hdrs[i] && i < HTTP_HDRS_MAX; i++)
		hdrs = curl_slist_append(hdrs, r->hdrs[i]);

	for (k = 0; k < h->nhost; k++) {
		uint64_t now = now_ns();

		i = http_pick(h, now, &up);
		if (k && !up)
			break; /* tried every host that is up */
		if (k)
			h->failovers++;
		http_perform(h, i, r, body, len, hdrs);
		st = http_map(h->cc, h->status);
		if (!http_host_failed(h->cc, h->status)) {
			health_up(&h->hl[i]);
			break;
		}
		health_down(
		    &h->hl[i], now_ns(), (uint64_t)h->o.down_ms * 1000000ull);
		h->host[i].fails++;
	}
	curl_slist_free_all(hdrs);
	if (st != TGT_OK)
		http_message(h, err, errlen);
	return st;
}

enum tgt_status
http_post_form(struct http *h, struct buf *body, const char *path,
    const char *const *kv, char *err, size_t errlen)
{
	struct http_req r
	    = { .path = path, .ctype = "application/x-www-form-urlencoded" };
	unsigned i;

	buf_reset(body);
	for (i = 0; kv[i] && kv[i + 1]; i += 2) {
		if ((i && buf_addc(body, '&'))
		    || http_urlencode(body, kv[i], strlen(kv[i]))
		    || buf_addc(body, '=')
		    || http_urlencode(body, kv[i + 1], strlen(kv[i + 1]))) {
			snprintf(
			    err, errlen, "%s: request too long", h->o.name);
			return TGT_FAIL;
		}
	}
	r.body = body->p ? body->p : "";
	r.len  = body->len;
	return http_request(h, &r, err, errlen);
}

/* ---- instance metadata (awscreds_http_fn) ---- */

static size_t
http_imds_data(char *p, size_t size, size_t nmemb, void *arg)
{
	size_t n = size * nmemb;

	return buf_add(arg, p, n) == 0 ? n : 0;
}

int
http_aws_imds(void *arg, const char *method, const char *url,
    const char *header, struct buf *body, long *status, char *err,
    size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	CURL              *c;
	CURLcode           cc;
	char               cerr[CURL_ERROR_SIZE] = "";

	(void)arg;
	*status = 0;
	pthread_once(&http_once, http_global_init);
	if (http_global_rc != CURLE_OK || !(c = curl_easy_init())) {
		snprintf(err, errlen, "curl initialisation failed");
		return -EIO;
	}
	if (header)
		hdrs = curl_slist_append(hdrs, header);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* Off EC2 nothing answers: give up soon, as the SDKs do. */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_imds_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 0L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	}
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(err, errlen, "%s",
		    cerr[0] ? cerr : curl_easy_strerror(cc));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return cc == CURLE_OK ? 0 : -EIO;
}
