/* opentsdb.c - the opentsdb:// target: OpenTSDB's /api/put over HTTP, or
 * its telnet "put" lines over TCP (OpenTSDB, VictoriaMetrics
 * -opentsdbHTTPListenAddr / -opentsdbListenAddr).
 *
 *   opentsdb://HOST[:PORT][,HOST[:PORT]...][/][?mode=http|telnet
 *       &prefix=P&max_body=BYTES&gzip&timeout=SECS]
 *
 * A data point per measure value (common/formats/otsdb.h says how names
 * and tags are made). http: JSON arrays POSTed to /api/put?details in
 * bodies of at most max_body bytes; 2xx stores the body; a 400 that says
 * "failed":N refused N points, counted as rejected (the others are
 * stored), any other 400 fails the batch; 408, 429, 5xx and transport
 * errors are retried (http.c). telnet: the lines on one connection per
 * thread, as graphite:// sends (a batch is written once the kernel took
 * its bytes); OpenTSDB answers a line it refuses with "put: ..." and
 * each such line seen is counted as a rejected point of the batch being
 * sent. Text measures are not sent: counted as rejected. A URL of several
 * hosts goes through the cluster stage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "log.h"
#include "otsdb.h"
#include "tcp.h"
#include "xalloc.h"

enum {
	OT_PORT     = 4242,
	OT_BODY_CAP = 256 << 20,
	OT_CLOSE_MS = 10000, /* telnet, at the end: the server reads all */
};

static const char *const ot_modes[] = { "http", "telnet", NULL };

struct ot_params {
	int      mode; /* index in ot_modes = enum otsdb_mode's json, telnet */
	char     prefix[OTSDB_PREFIX_MAX];
	uint64_t max_body;
	bool     gzip;
	double   timeout;
};

static const struct param_row ot_params[] = {
	{ "mode", PARAM_ENUM, PARAM_FIELD(struct ot_params, mode), "http", 0,
	    0, ot_modes, NULL, "/api/put JSON, or telnet put lines" },
	{ "prefix", PARAM_STR, PARAM_FIELD(struct ot_params, prefix), NULL, 0,
	    0, NULL, "P", "first part of every metric name" },
	/* OpenTSDB's tsd.http.request.max_chunk is 4 KB unless chunked
	 * requests are enabled; VictoriaMetrics takes 32 MiB */
	{ "max_body", PARAM_SIZE, PARAM_FIELD(struct ot_params, max_body),
	    "1M", 4096, OT_BODY_CAP, NULL, NULL,
	    "most bytes of one request body or send" },
	{ "gzip", PARAM_BOOL, PARAM_FIELD(struct ot_params, gzip), "0", 0, 0,
	    NULL, NULL, "gzip request bodies (http)" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct ot_params, timeout), "60",
	    0.001, 3600, NULL, "SECS", "longest request or send" },
	{ NULL },
};

struct ot {
	struct ot_params p;
	struct http      h; /* http */
	struct tcp       t; /* telnet */
	struct otsdb_enc enc;
	struct buf       body;
};

static int
ot_parse(const char *url, struct ot_params *p, char *err, size_t errlen)
{
	int rc = tcp_url_parse(url, ot_params, p, "opentsdb",
	    "opentsdb://HOST[:PORT][/][?mode=http|telnet]", err, errlen);

	if (!rc && !otsdb_prefix_ok(p->prefix)) {
		snprintf(err, errlen,
		    "opentsdb: invalid prefix \"%s\" (letters, digits, - _ . /)",
		    p->prefix);
		return -EINVAL;
	}
	return rc;
}

static int
ot_check(const char *url, char *err, size_t errlen)
{
	struct ot_params p;

	return ot_parse(url, &p, err, errlen);
}

static int
ot_open(struct ot *o, const char *url, char *err, size_t errlen)
{
	long ms;
	int  rc;

	o->t.fd = -1;
	buf_init(&o->body, OT_BODY_CAP + (64 << 10));
	rc = ot_parse(url, &o->p, err, errlen);
	otsdb_enc_init(&o->enc, (enum otsdb_mode)o->p.mode, o->p.prefix);
	if (rc)
		return rc;
	ms = (long)(o->p.timeout * 1000 + 0.5);
	if (o->p.mode == OTSDB_TELNET) {
		struct tcp_opts to = { .name = "opentsdb",
			.def_port            = OT_PORT,
			.connect_ms          = ms,
			.timeout_ms          = ms };

		return tcp_init(&o->t, url, &to, err, errlen);
	}
	struct http_opts ho
	    = { .name = "opentsdb", .def_port = OT_PORT, .timeout_ms = ms };

	return http_init(&o->h, url, &ho, err, errlen);
}

static void
ot_close(struct ot *o)
{
	if (o->p.mode == OTSDB_TELNET)
		(void)tcp_close(&o->t, OT_CLOSE_MS);
	tcp_fini(&o->t);
	http_fini(&o->h);
	otsdb_enc_free(&o->enc);
	buf_free(&o->body);
}

/* Connects once, in either mode, so that a wrong address fails before
 * workers start (VictoriaMetrics' /api/put listener has no other page
 * to ask). */
static int
ot_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct tcp_opts  to = { .name = "opentsdb", .def_port = OT_PORT };
	struct ot_params p;
	struct tcp       t;
	int              rc;

	memset(&t, 0, sizeof(t));
	t.fd          = -1;
	rc            = ot_parse(conf->url, &p, err, errlen);
	to.connect_ms = (long)(p.timeout * 1000 + 0.5);
	if (!rc)
		rc = tcp_init(&t, conf->url, &to, err, errlen);
	if (!rc && tcp_send(&t, "", 0, err, errlen) != TGT_OK)
		rc = -ECONNREFUSED;
	if (!rc)
		(void)tcp_close(&t, 0);
	tcp_fini(&t);
	return rc;
}

static int
ot_init(struct tgt_ctx *ctx)
{
	struct ot *o = xcalloc(1, sizeof(*o));

	ctx->priv = o;
	return ot_open(o, ctx->conf->url, ctx->err, sizeof(ctx->err));
}

/* The N of "failed":N in a 400 answer of /api/put?details, or -1. */
static long
ot_failed(const char *body)
{
	const char *p = body ? strstr(body, "\"failed\"") : NULL;
	char       *end;
	long        n;

	if (!p)
		return -1;
	p += 8;
	p += strspn(p, " \t\r\n");
	if (*p++ != ':')
		return -1;
	n = strtol(p, &end, 10);
	return end == p || n < 0 ? -1 : n;
}

/* Error lines ("put: ...") the server has sent since the last call. */
static unsigned
ot_telnet_refused(struct ot *o)
{
	unsigned n = 0;
	char    *p, *nl;

	(void)tcp_poll_in(&o->t);
	(void)buf_cstr(&o->t.in);
	for (p = o->t.in.p; p && (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		n++;
	if (p && p != o->t.in.p) { /* keep a part line for later */
		size_t rest = o->t.in.len - (size_t)(p - o->t.in.p);

		memmove(o->t.in.p, p, rest);
		o->t.in.len = rest;
	}
	return n;
}

/* One body of points: sent, its refusals counted. */
static enum tgt_status
ot_send(struct tgt_ctx *ctx, struct ot *o, const struct batch *b,
    unsigned points, unsigned samples, unsigned *rej_rec, unsigned *rej_pts)
{
	struct http_req r = { .path = "/api/put?details",
		.ctype              = "application/json",
		.body               = o->body.p,
		.len                = o->body.len,
		.gzip               = o->p.gzip };
	enum tgt_status st;
	long            failed;

	if (o->p.mode == OTSDB_TELNET) {
		st = tcp_send(
		    &o->t, o->body.p, o->body.len, ctx->err, sizeof(ctx->err));
		if (st == TGT_OK) {
			unsigned n = ot_telnet_refused(o);

			*rej_pts += n;
			*rej_rec += b->multi ? 0 : n;
		}
		return st;
	}
	st = http_request(&o->h, &r, ctx->err, sizeof(ctx->err));
	if (st == TGT_FAIL && o->h.status == 400
	    && (failed = ot_failed(o->h.resp.p)) > 0) {
		unsigned f = failed > points ? points : (unsigned)failed;

		/* single layout: a point is a record; multi: the records
		 * are known refused when all their points were */
		*rej_pts += f;
		*rej_rec += !b->multi ? f : f == points ? samples : 0;
		return TGT_OK;
	}
	return st;
}

static enum tgt_status
ot_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct ot      *o    = ctx->priv;
	unsigned        next = 0, from, points, rec = 0, pts = 0;
	enum tgt_status st;

	o->enc.skip_points  = 0;
	o->enc.skip_records = 0;
	while (next < b->n) {
		buf_reset(&o->body);
		from = next;
		if (otsdb_encode(
		        &o->enc, &o->body, b, &next, o->p.max_body, &points)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "opentsdb: a sample does not fit in %d MiB",
			    OT_BODY_CAP >> 20);
			return TGT_FAIL;
		}
		if (!points)
			continue; /* text measures only: nothing to send */
		st = ot_send(ctx, o, b, points, next - from, &rec, &pts);
		if (st != TGT_OK)
			return st;
	}
	ctx->rejected        = o->enc.skip_records + rec;
	ctx->rejected_points = o->enc.skip_points + pts;
	if (pts) {
		const struct buf *said
		    = o->p.mode == OTSDB_TELNET ? &o->t.in : &o->h.resp;
		char shown[4 * 120 + 4];

		log_escape(shown, sizeof(shown), said->p ? said->p : "",
		    said->len, 120);
		snprintf(ctx->err, sizeof(ctx->err),
		    "opentsdb: %u data points refused by the server: %.180s",
		    pts, shown);
	} else if (o->enc.skip_points)
		snprintf(ctx->err, sizeof(ctx->err),
		    "opentsdb: %u text values not sent (OpenTSDB carries numbers only)",
		    o->enc.skip_points);
	return TGT_OK;
}

static void
ot_fini(struct tgt_ctx *ctx)
{
	struct ot *o = ctx->priv;

	if (!o)
		return;
	ot_close(o);
	free(o);
	ctx->priv = NULL;
}

const struct target_ops target_opentsdb = {
	.name    = "opentsdb",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_HOSTS,
	.usage   = "opentsdb://HOST:PORT[,HOST:PORT...]",
	.params  = ot_params,
	.check   = ot_check,
	.setup   = ot_setup,
	.init    = ot_init,
	.write   = ot_write,
	.fini    = ot_fini,
};
