/* http.h - a small libcurl client shared by the HTTP targets (influx, vm,
 * clickhouse, ...).
 *
 * One struct http per thread: one curl easy handle, so connections are
 * kept alive and reused between requests, plus the thread's view of the
 * target's hosts. A URL may name several hosts, "influx://h1:8086,h2:8086/
 * ?db=x": requests go round-robin over them; a host that fails to answer
 * (refused, reset, timed out, 502/503/504) is taken out for down_ms (its
 * health kept by cluster.h's host_health) and the request moves on to the
 * next host, so the rest carry on. When every host is out, the one that
 * comes back first is tried anyway. (Ingest writes a cluster URL through
 * the cluster stage, one single-host client per host; queries use this.)
 *
 * Outcomes map to enum tgt_status (http_map): 2xx done; 408, 429, 5xx and
 * timeouts retry (busy); a connection refused, reset or closed without an
 * answer is TGT_UNREACHABLE (retried too, and named so); other 4xx fail. The
 * message of a failure names the target, the URL without its query and the
 * reason, e.g. "influx http://127.0.0.1:8086/write: HTTP 400: {"error":...}".
 */
#ifndef TSL_HTTP_H
#define TSL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cluster.h"
#include "outcome.h"

enum {
	HTTP_HOSTS_MAX  = 16,
	HTTP_CONNECT_MS = 5000,     /* default connect timeout */
	HTTP_TIMEOUT_MS = 120000,   /* default whole-request timeout */
	HTTP_DOWN_MS    = 5000,     /* default time a failed host is out */
	HTTP_RESP_MAX   = 64 << 20, /* default response body cap */
	HTTP_ERR_BODY   = 200,      /* body bytes quoted in a message */
};

struct http_opts {
	const char *name;       /* first word of messages, e.g. "influx" */
	unsigned    def_port;   /* port of a host given without one */
	long        connect_ms; /* 0: HTTP_CONNECT_MS */
	long        timeout_ms; /* 0: HTTP_TIMEOUT_MS */
	unsigned    down_ms;    /* 0: HTTP_DOWN_MS */
	size_t      resp_max;   /* 0: HTTP_RESP_MAX */
	bool        tls;        /* https:// to every host (default port 443) */
};

/* One host of the set. */
struct http_host {
	char    *base;  /* "http://h1:8086", no trailing slash */
	uint64_t fails; /* times it was taken out */
};

struct http {
	void              *curl; /* CURL * */
	struct http_opts   o;
	struct http_host   host[HTTP_HOSTS_MAX];
	struct host_health hl[HTTP_HOSTS_MAX]; /* of host[i] (cluster.h) */
	unsigned           nhost;
	unsigned           next;   /* round-robin position */
	unsigned           last;   /* host of the last request */
	struct buf         resp;   /* body of the last response (NUL-ended) */
	struct buf         gz;     /* gzip of the last request body */
	struct buf         url;    /* URL of the last request */
	long               status; /* HTTP status, 0 if none came */
	int                cc;     /* CURLcode of the last request */
	uint64_t           connects;  /* new connections made */
	uint64_t           failovers; /* requests moved to another host */
	char               cerr[256]; /* curl's message of the last request */
};

/* A request. path is appended to the host's base URL ("/write?db=x"). */
struct http_req {
	const char *method; /* NULL: POST with a body, else GET; a
	                       body goes with any method but GET */
	const char        *path;
	const char        *ctype; /* Content-Type of the body, or NULL */
	const void        *body;
	size_t             len;
	const char *const *hdrs; /* extra "Name: value", NULL-ended, or NULL */
	bool               gzip; /* send the body gzip-compressed */
};

/** Checks the host list of url ("scheme://h1[:port],h2[:port]/..."):
 *  1..HTTP_HOSTS_MAX hosts, ports 1..65535, IPv6 in brackets.
 *  @return 0, or -EINVAL with a one-line reason in err. */
int http_check_url(const char *url, char *err, size_t errlen);

/** Prepares h for url's hosts (curl_global_init runs once per process).
 *  @return 0, or a negative errno with the reason in err; http_fini is
 *  safe either way. */
int  http_init(struct http *h, const char *url, const struct http_opts *o,
     char *err, size_t errlen);
void http_fini(struct http *h);

/** Sends one request to the next host that is up, moving on to the other
 *  hosts when one cannot be reached. h->status and h->resp hold the
 *  answer. @return the outcome; unless TGT_OK, the reason in err. */
enum tgt_status http_request(
    struct http *h, const struct http_req *r, char *err, size_t errlen);

/** POSTs an application/x-www-form-urlencoded body, built in body from
 *  name, value pairs (NULL-ended), to path. The answer is in h. */
enum tgt_status http_post_form(struct http *h, struct buf *body,
    const char *path, const char *const *kv, char *err, size_t errlen);

/** The outcome of a request that ended with curl code cc (a CURLcode)
 *  and HTTP status (0 if none). */
enum tgt_status http_map(int cc, long status);

/** Appends s[0..n) percent-encoded for a URL query (all but A-Z a-z 0-9
 *  - . _ ~). @return 0 or -ENOSPC. */
int http_urlencode(struct buf *b, const char *s, size_t n);

/** The instance-metadata exchange of awscreds (an awscreds_http_fn): one
 *  request on a fresh handle, 1 s to connect, 2 s in all, no proxy. arg
 *  is unused. @return 0 when an answer came (*status set), else -EIO with
 *  curl's reason in err. */
int http_aws_imds(void *arg, const char *method, const char *url,
    const char *header, struct buf *body, long *status, char *err,
    size_t errlen);

/** Gzip-compresses src[0..n) into dst (replacing its contents).
 *  @return 0, -ENOSPC past dst's cap, or -EIO. */
int http_gzip(struct buf *dst, const void *src, size_t n);

#endif
