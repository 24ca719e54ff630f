/* httppost.c - the http:// and https:// targets: batches POSTed to a URL.
 *
 *   http[s]://HOST[:PORT][,HOST[:PORT]...]/PATH[?format=lp|json|csv
 *                                             &gzip&timeout=SECS]
 *
 * Metrics (->write): the batch's text in the format ?format= names, one
 * POST per batch with that format's Content-Type. Lines (tsload stream):
 * each call's lines, as they are, one POST of Content-Type text/plain. A
 * 2xx answer stores the whole body; http.c maps the rest (408, 429, 5xx
 * and transport errors are retried by the caller; other 4xx fail), and
 * spreads requests over the hosts of the URL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "format.h"
#include "http.h"
#include "target.h"
#include "xalloc.h"

enum { HP_BODY_MAX = 256 << 20, HP_PATH_MAX = 2048 };

struct hp_params {
	int    format; /* index in format_names */
	bool   gzip;
	double timeout; /* seconds */
};

static const struct param_row hp_params[] = {
	{ "format", PARAM_ENUM, PARAM_FIELD(struct hp_params, format), "lp", 0,
	    0, format_names, NULL, "the text of a metrics batch" },
	{ "gzip", PARAM_BOOL, PARAM_FIELD(struct hp_params, gzip), "false", 0,
	    0, NULL, NULL, "gzip request bodies" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct hp_params, timeout), "120",
	    0.001, 3600, NULL, "SECS", "longest request" },
	{ NULL },
};

struct hp {
	struct http              h;
	struct hp_params         p;
	const struct format_ops *fmt;
	void                    *enc;
	struct buf               body;
	char                     path[HP_PATH_MAX]; /* "/PATH", no query */
};

/* The path of url, "/" when it has none; the query string is tsload's
 * parameters and is not sent. */
static int
hp_parse(
    const char *url, struct hp_params *p, char *path, char *err, size_t errlen)
{
	const char *s = strstr(url, "://"), *slash, *end;
	int         rc;

	rc = params_parse_url(hp_params, p, url, err, errlen);
	if (!rc)
		rc = http_check_url(url, err, errlen);
	if (rc)
		return rc;
	if (format_find(format_names[p->format])->binary) {
		snprintf(err, errlen,
		    "http: format=%s is a binary body without its headers (use promrw:// for remote write)",
		    format_names[p->format]);
		return -EINVAL;
	}
	s += 3;
	end   = s + strcspn(s, "?#");
	slash = memchr(s, '/', (size_t)(end - s));
	if (!slash) {
		strcpy(path, "/");
		return 0;
	}
	if ((size_t)(end - slash) >= HP_PATH_MAX) {
		snprintf(err, errlen, "http: path too long");
		return -EINVAL;
	}
	memcpy(path, slash, (size_t)(end - slash));
	path[end - slash] = '\0';
	return 0;
}

static int
hp_check(const char *url, char *err, size_t errlen)
{
	struct hp_params p;
	char             path[HP_PATH_MAX];

	return hp_parse(url, &p, path, err, errlen);
}

static int
hp_init(struct tgt_ctx *ctx)
{
	struct hp       *h = xcalloc(1, sizeof(*h));
	struct http_opts o = { .name = "http" };
	int              rc;

	ctx->priv = h;
	buf_init(&h->body, HP_BODY_MAX);
	rc = hp_parse(
	    ctx->conf->url, &h->p, h->path, ctx->err, sizeof(ctx->err));
	if (rc)
		return rc;
	o.tls        = !strncmp(ctx->conf->url, "https:", 6);
	o.timeout_ms = (long)(h->p.timeout * 1000 + 0.5);
	h->fmt       = format_find(format_names[h->p.format]);
	rc           = format_init(h->fmt, NULL, &h->enc);
	if (rc) {
		snprintf(ctx->err, sizeof(ctx->err), "http: format %s: %s",
		    h->fmt->name, strerror(-rc));
		return rc;
	}
	return http_init(
	    &h->h, ctx->conf->url, &o, ctx->err, sizeof(ctx->err));
}

static enum tgt_status
hp_post(struct hp *h, const char *ctype, const void *body, size_t len,
    char *err, size_t errlen)
{
	struct http_req r = { .path = h->path,
		.ctype              = ctype,
		.body               = body,
		.len                = len,
		.gzip               = h->p.gzip };

	return http_request(&h->h, &r, err, errlen);
}

static enum tgt_status
hp_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct hp *h = ctx->priv;

	ctx->rejected = 0;
	buf_reset(&h->body);
	if (h->fmt->encode(h->enc, &h->body, b) != 0) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "http: a batch of %u records exceeds %d MiB", b->records,
		    HP_BODY_MAX >> 20);
		return TGT_FAIL;
	}
	return hp_post(h, h->fmt->ctype, h->body.p, h->body.len, ctx->err,
	    sizeof(ctx->err));
}

static enum tgt_status
hp_lines(struct tgt_ctx *ctx, const struct tgt_lines *l)
{
	struct hp      *h = ctx->priv;
	enum tgt_status st;

	st = hp_post(h, "text/plain; charset=utf-8", l->data, l->len, ctx->err,
	    sizeof(ctx->err));
	if (st == TGT_OK)
		ctx->lines.done += l->n;
	return st;
}

static void
hp_fini(struct tgt_ctx *ctx)
{
	struct hp *h = ctx->priv;

	if (!h)
		return;
	http_fini(&h->h);
	format_fini(h->fmt, h->enc);
	buf_free(&h->body);
	free(h);
	ctx->priv = NULL;
}

const struct target_ops target_http = {
	.name    = "http",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_LINES,
	.usage   = "http://HOST:PORT/PATH",
	.params  = hp_params,
	.check   = hp_check,
	.init    = hp_init,
	.write   = hp_write,
	.lines   = hp_lines,
	.fini    = hp_fini,
};

const struct target_ops target_https = {
	.name    = "https",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_LINES,
	.usage   = "https://HOST:PORT/PATH",
	.params  = hp_params,
	.check   = hp_check,
	.init    = hp_init,
	.write   = hp_write,
	.lines   = hp_lines,
	.fini    = hp_fini,
};
