/* s3.c - the Amazon S3 sink: records as JSON lines in objects of N lines.
 *
 *   s3://BUCKET/PREFIX[?lines=N&compress=none|gzip&timeout=SECS]
 *
 * Each thread gathers the batches' records (the Timestream record as JSON
 * text, one a line) and puts an object of exactly N lines (default 10000)
 * whenever it has them: PREFIX/<time>-<pid>-<worker>-<thread>-<seq>.jsonl,
 * or .jsonl.gz with compress=gzip. A batch is accepted once its records are
 * in the thread's buffer and the first object it completes is stored; when
 * that PutObject fails the batch is taken out again and the outcome goes
 * to the caller (TGT_RETRY for throttling, 5xx and transport errors), so a
 * retry sends it once. The last, shorter object is put when the thread
 * stops; a failure there is not counted (fini cannot report).
 *
 * Requests are signed with SigV4 (service "s3", payload hashed) and go to
 * https://BUCKET.s3.REGION.amazonaws.com, or path-style to --endpoint URL
 * (and for bucket names with dots). ->setup creates the bucket (one already
 * owned is fine); ->cleanup deletes the objects under PREFIX, not the
 * bucket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws.h"
#include "buf.h"
#include "clock.h"
#include "target.h"
#include "tsjson.h"
#include "xalloc.h"

enum {
	S3_LINES_MAX   = 10000000,
	S3_BUF_MAX     = 1 << 30, /* one thread's pending lines */
	S3_PREFIX_MAX  = 512,
	S3_BUCKET_MAX  = 63,
	S3_ADMIN_TRIES = 6,
	S3_FINI_TRIES  = 5,
	S3_CONNECT_MS  = 20000,
};

#define S3_NAME "s3"

struct s3_cfg {
	char     bucket[S3_BUCKET_MAX + 1];
	char     prefix[S3_PREFIX_MAX]; /* "" or "a/b/" (ends with '/') */
	unsigned lines;
	bool     gzip;
	long     timeout_ms;
	bool     tls;
	bool     path_style;
	char     host[AWS_HOST_MAX];
};

struct s3_client {
	struct s3_cfg     cfg;
	struct aws_client aws;
	struct http       h;
	bool              up;
	char              hosthdr[AWS_HOST_MAX];
	struct buf        lines; /* pending whole lines */
	unsigned          nlines;
	struct buf        gz; /* compressed object */
	char              stem[96];
	unsigned          seq;
	const char       *ext; /* ".jsonl" (records) or ".log" (stream) */
};

/* ---- URL ---- */

/* What the URL's parameters say. */
struct s3_params {
	unsigned lines;
	int      compress; /* index in s3_compress */
	double   timeout;  /* seconds */
};

static const char *const s3_compress[] = { "none", "gzip", NULL };

static const struct param_row s3_params[] = {
	{ "lines", PARAM_UINT, PARAM_FIELD(struct s3_params, lines), "10000",
	    1, S3_LINES_MAX, NULL, "N", "JSON lines per object" },
	{ "compress", PARAM_ENUM, PARAM_FIELD(struct s3_params, compress),
	    "none", 0, 0, s3_compress, NULL, "objects as written or gzipped" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct s3_params, timeout), "300",
	    0.001, 3600, NULL, "SECS", "longest request" },
	{ NULL },
};

static bool
s3_bucket_ok(const char *b, size_t n)
{
	size_t i;

	if (n < 3 || n > S3_BUCKET_MAX || b[0] == '.' || b[0] == '-'
	    || b[n - 1] == '.' || b[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z')
		        || (b[i] >= '0' && b[i] <= '9') || b[i] == '.'
		        || b[i] == '-'))
			return false;
	return true;
}

/* A prefix whose canonical form needs no S3-specific rules: A-Z a-z 0-9
 * - _ . and '/' between non-empty segments that are not "." or "..". */
static bool
s3_prefix_ok(const char *p)
{
	const char *seg = p;

	for (; *p; p++) {
		if (*p == '/') {
			size_t n = (size_t)(p - seg);

			if (!n || (n == 1 && seg[0] == '.')
			    || (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
			seg = p + 1;
			continue;
		}
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
		            "XYZ0123456789-_.",
		        *p))
			return false;
	}
	return !(seg[0] == '.' && (!seg[1] || (seg[1] == '.' && !seg[2])));
}

static int
s3_parse_url(const char *url, struct s3_cfg *c, char *err, size_t errlen)
{
	char             path[S3_BUCKET_MAX + S3_PREFIX_MAX + 8];
	struct s3_params p;
	const char      *slash;
	size_t           bn;
	int              rc;

	memset(c, 0, sizeof(*c));
	rc = params_parse_url(s3_params, &p, url, err, errlen);
	if (rc)
		return rc;
	c->lines      = p.lines;
	c->gzip       = p.compress == 1;
	c->timeout_ms = (long)(p.timeout * 1000 + 0.5);
	if (strncasecmp(url, "s3://", 5) != 0
	    || target_url_path(url, path, sizeof(path)) != 0) {
		snprintf(err, errlen, "s3: expected s3://BUCKET/PREFIX");
		return -EINVAL;
	}
	slash = strchr(path, '/');
	bn    = slash ? (size_t)(slash - path) : strlen(path);
	if (!s3_bucket_ok(path, bn)) {
		snprintf(err, errlen,
		    "s3: bad bucket name \"%.*s\" (3..63 of a-z 0-9 . -)",
		    (int)(bn > 64 ? 64 : bn), path);
		return -EINVAL;
	}
	snprintf(c->bucket, sizeof(c->bucket), "%.*s", (int)bn, path);
	if (slash && slash[1]) {
		size_t pn = strlen(slash + 1);

		if (slash[pn] == '/')
			pn--; /* "a/b/" is "a/b" */
		if (pn + 2 > sizeof(c->prefix)) {
			snprintf(err, errlen, "s3: prefix too long");
			return -EINVAL;
		}
		snprintf(
		    c->prefix, sizeof(c->prefix), "%.*s/", (int)pn, slash + 1);
		c->prefix[pn] = '\0';
		if (!s3_prefix_ok(c->prefix)) {
			snprintf(err, errlen,
			    "s3: prefix \"%.64s\": only A-Z a-z 0-9 - _ . and "
			    "'/' between names",
			    c->prefix);
			return -EINVAL;
		}
		c->prefix[pn]     = '/';
		c->prefix[pn + 1] = '\0';
	}
	c->path_style = strchr(c->bucket, '.') != NULL;
	return 0;
}

static int
s3_check(const char *url, char *err, size_t errlen)
{
	struct s3_cfg c;

	return s3_parse_url(url, &c, err, errlen);
}

/* ---- a client ---- */

static int
s3_open(
    struct s3_client *s, const struct tgt_conf *conf, char *err, size_t errlen)
{
	bool explicit_ep = conf->endpoint && conf->endpoint[0];
	int  rc;

	memset(s, 0, sizeof(*s));
	buf_init(&s->lines, S3_BUF_MAX);
	buf_init(&s->gz, S3_BUF_MAX);
	rc = s3_parse_url(conf->url, &s->cfg, err, errlen);
	if (!rc && explicit_ep) {
		rc = aws_split_base(S3_NAME, "--endpoint", conf->endpoint,
		    &s->cfg.tls, s->cfg.host, sizeof(s->cfg.host), err,
		    errlen);
		s->cfg.path_style = true;
	}
	if (!rc)
		rc = aws_open(
		    &s->aws, S3_NAME, S3_NAME, conf->profile, err, errlen);
	if (!rc)
		rc = aws_resolve_region(&s->aws, "", conf->region,
		    explicit_ep ? s->cfg.host : NULL, explicit_ep, NULL, err,
		    errlen);
	if (rc)
		return rc;
	if (!explicit_ep) {
		s->cfg.tls = true;
		if (s->cfg.path_style)
			snprintf(s->cfg.host, sizeof(s->cfg.host),
			    "s3.%s.amazonaws.com", s->aws.region);
		else
			snprintf(s->cfg.host, sizeof(s->cfg.host),
			    "%s.s3.%s.amazonaws.com", s->cfg.bucket,
			    s->aws.region);
	}
	aws_host_header(
	    s->cfg.host, s->cfg.tls, s->hosthdr, sizeof(s->hosthdr));
	rc = aws_http(&s->h, S3_NAME, s->cfg.host, s->cfg.tls, S3_CONNECT_MS,
	    s->cfg.timeout_ms, err, errlen);
	s->up = true;
	return rc;
}

static void
s3_close(struct s3_client *s)
{
	if (s->up)
		http_fini(&s->h);
	aws_close(&s->aws);
	buf_free(&s->lines);
	buf_free(&s->gz);
}

/* The request path of key ("" for the bucket itself). */
static char *
s3_path(const struct s3_client *s, const char *key)
{
	if (s->cfg.path_style)
		return xasprintf("/%s/%s", s->cfg.bucket, key);
	return xasprintf("/%s", key);
}

static enum tgt_status
s3_request(struct s3_client *s, const char *method, const char *key,
    const char *query, const char *ctype, const void *body, size_t len,
    const char *op, char *err, size_t errlen)
{
	char          *path = s3_path(s, key);
	struct aws_req r    = {
		   .method      = method,
		   .path        = path,
		   .query       = query,
		   .ctype       = ctype,
		   .body        = body,
		   .len         = len,
		   .content_sha = true,
	};
	enum tgt_status st;

	st = aws_send(&s->aws, &s->h, s->hosthdr, &r, op, err, errlen);
	free(path);
	return st;
}

/* ---- setup and cleanup ---- */

static int
s3_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct s3_client s;
	enum tgt_status  st   = TGT_FAIL;
	char            *body = NULL;
	unsigned         i;
	int              rc;

	rc = s3_open(&s, conf, err, errlen);
	if (rc)
		goto out;
	if (strcmp(s.aws.region, "us-east-1") != 0)
		body = xasprintf("<CreateBucketConfiguration xmlns=\"http://"
		                 "s3.amazonaws.com/doc/2006-03-01/\">"
		                 "<LocationConstraint>%s</LocationConstraint>"
		                 "</CreateBucketConfiguration>",
		    s.aws.region);
	for (i = 0; i < S3_ADMIN_TRIES; i++) {
		if (i)
			sleep_until_ns(now_ns() + (100000000ull << i));
		st = s3_request(&s, "PUT", "", NULL,
		    body ? "application/xml" : NULL, body,
		    body ? strlen(body) : 0, "CreateBucket", err, errlen);
		if (!target_status_retry(st))
			break;
	}
	if (st != TGT_OK && !aws_code_is(&s.aws, "BucketAlreadyOwnedByYou"))
		rc = target_status_retry(st) ? -EAGAIN : -EIO;
out:
	free(body);
	s3_close(&s);
	return rc;
}

/* Copies the text of each <tag>...</tag> of xml in turn to fn. */
static void
s3_each(const char *xml, const char *tag, void (*fn)(void *, const char *),
    void *arg)
{
	char        open[32], close[32], *v;
	const char *p = xml, *e;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	while ((p = strstr(p, open)) != NULL) {
		p += strlen(open);
		e = strstr(p, close);
		if (!e)
			return;
		v = xstrndup(p, (size_t)(e - p));
		fn(arg, v);
		free(v);
		p = e;
	}
}

struct s3_keys {
	char **key;
	size_t n;
	char  *next;
};

static void
s3_add_key(void *arg, const char *k)
{
	struct s3_keys *ks = arg;

	ks->key          = xrealloc(ks->key, (ks->n + 1) * sizeof(*ks->key));
	ks->key[ks->n++] = xstrdup(k);
}

static void
s3_set_next(void *arg, const char *t)
{
	struct s3_keys *ks = arg;

	free(ks->next);
	ks->next = xstrdup(t);
}

static int
s3_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct s3_client s;
	struct s3_keys   ks = { 0 };
	struct buf       q;
	enum tgt_status  st;
	size_t           i, deleted = 0;
	int              rc;

	buf_init(&q, 8192);
	rc = s3_open(&s, conf, err, errlen);
	while (!rc) {
		/* ListObjectsV2, page by page; our keys need no entities */
		buf_reset(&q);
		buf_adds(&q, "list-type=2&prefix=");
		http_urlencode(&q, s.cfg.prefix, strlen(s.cfg.prefix));
		if (ks.next) {
			buf_adds(&q, "&continuation-token=");
			http_urlencode(&q, ks.next, strlen(ks.next));
			free(ks.next);
			ks.next = NULL;
		}
		buf_cstr(&q);
		st = s3_request(&s, "GET", "", q.p, NULL, NULL, 0,
		    "ListObjectsV2", err, errlen);
		if (st != TGT_OK) {
			rc = aws_code_is(&s.aws, "NoSuchBucket") ? -ENOENT
			                                         : -EIO;
			break;
		}
		s3_each(s.h.resp.p, "Key", s3_add_key, &ks);
		s3_each(s.h.resp.p, "NextContinuationToken", s3_set_next, &ks);
		for (i = 0; i < ks.n && !rc; i++) {
			if (strncmp(
			        ks.key[i], s.cfg.prefix, strlen(s.cfg.prefix))
			    || !s3_prefix_ok(ks.key[i]))
				continue; /* not one of ours */
			st = s3_request(&s, "DELETE", ks.key[i], NULL, NULL,
			    NULL, 0, "DeleteObject", err, errlen);
			if (st != TGT_OK)
				rc = -EIO;
			else
				deleted++;
		}
		for (i = 0; i < ks.n; i++)
			free(ks.key[i]);
		free(ks.key);
		ks.key = NULL;
		ks.n   = 0;
		if (!ks.next)
			break;
	}
	if (!rc && !deleted) {
		snprintf(err, errlen, "s3: no object under s3://%s/%s",
		    s.cfg.bucket, s.cfg.prefix);
		rc = -ENOENT;
	}
	free(ks.next);
	buf_free(&q);
	s3_close(&s);
	return rc;
}

/* ---- workers ---- */

static int
s3_init(struct tgt_ctx *ctx)
{
	struct s3_client *s   = xmalloc(sizeof(*s));
	time_t            now = time(NULL);
	struct tm         tm;
	int               rc;

	ctx->priv = s;
	rc        = s3_open(s, ctx->conf, ctx->err, sizeof(ctx->err));
	gmtime_r(&now, &tm);
	snprintf(s->stem, sizeof(s->stem),
	    "%04d%02d%02dT%02d%02d%02dZ-%ld-%u-%u", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (long)getpid(), ctx->worker + 1, ctx->thread + 1);
	return rc;
}

/* Puts the first n bytes of the pending lines as the next object. */
static enum tgt_status
s3_put(struct s3_client *s, size_t n, char *err, size_t errlen)
{
	const void     *body = s->lines.p;
	size_t          len  = n;
	char            key[S3_PREFIX_MAX + 128];
	enum tgt_status st;

	if (s->cfg.gzip) {
		if (http_gzip(&s->gz, s->lines.p, n) != 0) {
			snprintf(
			    err, errlen, "s3: gzip of %zu bytes failed", n);
			return TGT_FAIL;
		}
		body = s->gz.p;
		len  = s->gz.len;
	}
	snprintf(key, sizeof(key), "%s%s-%06u%s%s", s->cfg.prefix, s->stem,
	    s->seq + 1, s->ext ? s->ext : ".jsonl", s->cfg.gzip ? ".gz" : "");
	st = s3_request(s, "PUT", key, NULL,
	    s->cfg.gzip  ? "application/gzip"
	        : s->ext ? "text/plain"
	                 : "application/x-ndjson",
	    body, len, "PutObject", err, errlen);
	if (st == TGT_OK)
		s->seq++;
	return st;
}

/* Offset just past the n-th newline of the pending lines. */
static size_t
s3_cut(const struct s3_client *s, unsigned n)
{
	const char *p = s->lines.p, *end = p + s->lines.len;

	while (n-- && p < end) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return s->lines.len;
		p++;
	}
	return (size_t)(p - s->lines.p);
}

static enum tgt_status
s3_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct s3_client *s      = ctx->priv;
	size_t            mark   = s->lines.len, cut;
	unsigned          mark_n = s->nlines, i, k;
	enum tgt_status   st;
	char             *w;

	ctx->rejected        = 0;
	ctx->rejected_points = 0;
	for (i = 0; i < b->n; i++) {
		if (buf_reserve(&s->lines, tsjson_bound(&b->s[i], b)) != 0) {
			s->lines.len = mark;
			snprintf(ctx->err, sizeof(ctx->err),
			    "s3: more than %d MiB of pending lines",
			    S3_BUF_MAX >> 20);
			return TGT_FAIL;
		}
		w = tsjson_sample(
		    s->lines.p + s->lines.len, &b->s[i], b, true, '\n');
		s->lines.len = (size_t)(w - s->lines.p);
	}
	s->nlines += b->records;
	for (k = 0; s->nlines >= s->cfg.lines; k++) {
		cut = s3_cut(s, s->cfg.lines);
		st  = s3_put(s, cut, ctx->err, sizeof(ctx->err));
		if (st != TGT_OK && k) /* part of the batch is stored: the */
			return TGT_OK; /* rest goes with the next object */
		if (st != TGT_OK) {
			/* nothing of the batch stored: take it out again */
			s->lines.len = mark;
			s->nlines    = mark_n;
			return st;
		}
		memmove(s->lines.p, s->lines.p + cut, s->lines.len - cut);
		s->lines.len -= cut;
		s->nlines -= s->cfg.lines;
	}
	return TGT_OK;
}

/* tsload stream: the lines go into objects of N lines, PREFIX<stem>-<seq>
 * .log[.gz], as records do; an object counts its lines done once put. */
static enum tgt_status
s3_lines(struct tgt_ctx *ctx, const struct tgt_lines *l)
{
	struct s3_client *s      = ctx->priv;
	size_t            mark   = s->lines.len, cut;
	unsigned          mark_n = s->nlines, k;
	enum tgt_status   st;

	s->ext = ".log";
	if (buf_add(&s->lines, l->data, l->len) != 0) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "s3: more than %d MiB of pending lines", S3_BUF_MAX >> 20);
		return TGT_FAIL;
	}
	s->nlines += l->n;
	for (k = 0; s->nlines >= s->cfg.lines; k++) {
		cut = s3_cut(s, s->cfg.lines);
		st  = s3_put(s, cut, ctx->err, sizeof(ctx->err));
		if (st != TGT_OK && k) /* the rest goes with the next one */
			return TGT_OK;
		if (st != TGT_OK) { /* nothing stored: taken out again */
			s->lines.len = mark;
			s->nlines    = mark_n;
			return st;
		}
		ctx->lines.done += s->cfg.lines;
		memmove(s->lines.p, s->lines.p + cut, s->lines.len - cut);
		s->lines.len -= cut;
		s->nlines -= s->cfg.lines;
	}
	return TGT_OK;
}

/* The last, shorter object of a stream, tried S3_FINI_TRIES times. */
static int
s3_drain(struct tgt_ctx *ctx)
{
	struct s3_client *s  = ctx->priv;
	enum tgt_status   st = TGT_OK;
	unsigned          i;

	for (i = 0; s->up && s->lines.len && i < S3_FINI_TRIES; i++) {
		if (i) {
			ctx->lines.retries += s->nlines;
			sleep_until_ns(now_ns() + (200000000ull << i));
		}
		st = s3_put(s, s->lines.len, ctx->err, sizeof(ctx->err));
		if (st == TGT_OK) {
			ctx->lines.done += s->nlines;
			s->lines.len = 0;
			s->nlines    = 0;
		}
		if (!target_status_retry(st))
			break;
	}
	if (s->lines.len) {
		ctx->lines.failed += s->nlines;
		s->lines.len = 0;
		s->nlines    = 0;
		return -EIO;
	}
	return 0;
}

static void
s3_fini(struct tgt_ctx *ctx)
{
	struct s3_client *s = ctx->priv;
	unsigned          i;

	if (!s)
		return;
	/* The last, shorter object. */
	for (i = 0; s->up && s->lines.len && i < S3_FINI_TRIES; i++) {
		if (i)
			sleep_until_ns(now_ns() + (200000000ull << i));
		if (!target_status_retry(
		        s3_put(s, s->lines.len, ctx->err, sizeof(ctx->err))))
			break;
	}
	s3_close(s);
	free(s);
	ctx->priv = NULL;
}

const struct target_ops target_s3 = {
	.name    = "s3",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_LINES,
	.usage   = "s3://BUCKET/PREFIX",
	.params  = s3_params,
	.check   = s3_check,
	.setup   = s3_setup,
	.init    = s3_init,
	.write   = s3_write,
	.lines   = s3_lines,
	.drain   = s3_drain,
	.fini    = s3_fini,
	.cleanup = s3_cleanup,
};
