/* graphite.c - the graphite:// target: Graphite's plaintext protocol
 * over TCP (carbon-cache, go-carbon, VictoriaMetrics -graphiteListenAddr).
 *
 *   graphite://HOST[:PORT][,HOST[:PORT]...][/][?prefix=P&max_body=BYTES
 *       &timeout=SECS]
 *
 * One "path value seconds" line per data point (common/formats/
 * graphite.h says how a path is made), sent on one connection per thread
 * in pieces of at most max_body bytes. The protocol has no answer, so a
 * batch counts as written once the kernel has taken its bytes: what the
 * server stores is only known by reading it back (the tests do). A
 * connection the server closed is noticed before the next batch and made
 * again; one that cannot be made or breaks while sending is
 * TGT_UNREACHABLE, retried by the ingest loop with its backoff (a batch
 * sent again after a break may repeat the lines that got through: the
 * same path and time, which Graphite overwrites). Text measures are not
 * sent: they are counted as rejected. A URL of several hosts goes through
 * the cluster stage, one connection per host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphite.h"
#include "tcp.h"
#include "xalloc.h"

enum {
	GR_PORT     = 2003,
	GR_BODY_CAP = 256 << 20,
	GR_CLOSE_MS = 10000, /* at the end: wait for the server to read all */
};

struct gr_params {
	char     prefix[GPH_PREFIX_MAX];
	uint64_t max_body; /* bytes of one send */
	double   timeout;  /* seconds */
};

static const struct param_row gr_params[] = {
	{ "prefix", PARAM_STR, PARAM_FIELD(struct gr_params, prefix), NULL, 0,
	    0, NULL, "P", "first parts of every path (dotted)" },
	{ "max_body", PARAM_SIZE, PARAM_FIELD(struct gr_params, max_body),
	    "1M", 4096, GR_BODY_CAP, NULL, NULL, "most bytes of one send" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct gr_params, timeout), "60",
	    0.001, 3600, NULL, "SECS", "longest connect or send" },
	{ NULL },
};

struct gr {
	struct tcp       t;
	struct gr_params p;
	struct gph_enc   enc;
	struct buf       body;
};

static int
gr_parse(const char *url, struct gr_params *p, char *err, size_t errlen)
{
	int rc = tcp_url_parse(url, gr_params, p, "graphite",
	    "graphite://HOST[:PORT][/][?prefix=P]", err, errlen);

	if (!rc && !gph_prefix_ok(p->prefix)) {
		snprintf(err, errlen,
		    "graphite: invalid prefix \"%s\" (dotted parts of letters, digits, - and _)",
		    p->prefix);
		return -EINVAL;
	}
	return rc;
}

static int
gr_check(const char *url, char *err, size_t errlen)
{
	struct gr_params p;

	return gr_parse(url, &p, err, errlen);
}

static int
gr_open(struct gr *g, const char *url, char *err, size_t errlen)
{
	struct tcp_opts o = { .name = "graphite", .def_port = GR_PORT };
	int             rc;

	buf_init(&g->body, GR_BODY_CAP + (64 << 10));
	rc = gr_parse(url, &g->p, err, errlen);
	gph_enc_init(&g->enc, g->p.prefix);
	o.connect_ms = o.timeout_ms = (long)(g->p.timeout * 1000 + 0.5);
	if (!rc)
		rc = tcp_init(&g->t, url, &o, err, errlen);
	return rc;
}

/* Ends the connection, waiting up to wait_ms for the server to read
 * what was sent. */
static void
gr_close(struct gr *g, long wait_ms)
{
	(void)tcp_close(&g->t, wait_ms);
	tcp_fini(&g->t);
	gph_enc_free(&g->enc);
	buf_free(&g->body);
}

/* Connects once, so that a wrong address fails before workers start. */
static int
gr_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct gr g;
	int       rc;

	memset(&g, 0, sizeof(g));
	g.t.fd = -1;
	rc     = gr_open(&g, conf->url, err, errlen);
	if (!rc && tcp_send(&g.t, "", 0, err, errlen) != TGT_OK)
		rc = -ECONNREFUSED;
	gr_close(&g, 0);
	return rc;
}

static int
gr_init(struct tgt_ctx *ctx)
{
	struct gr *g = xcalloc(1, sizeof(*g));

	g->t.fd   = -1;
	ctx->priv = g;
	return gr_open(g, ctx->conf->url, ctx->err, sizeof(ctx->err));
}

static enum tgt_status
gr_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct gr      *g    = ctx->priv;
	unsigned        next = 0;
	enum tgt_status st;

	g->enc.skip_points  = 0;
	g->enc.skip_records = 0;
	while (next < b->n) {
		buf_reset(&g->body);
		if (gph_encode(&g->enc, &g->body, b, &next, g->p.max_body)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "graphite: a sample does not fit in %d MiB",
			    GR_BODY_CAP >> 20);
			return TGT_FAIL;
		}
		st = tcp_send(
		    &g->t, g->body.p, g->body.len, ctx->err, sizeof(ctx->err));
		if (st != TGT_OK)
			return st;
	}
	ctx->rejected        = g->enc.skip_records;
	ctx->rejected_points = g->enc.skip_points;
	if (g->enc.skip_points)
		snprintf(ctx->err, sizeof(ctx->err),
		    "graphite: %u text values not sent (Graphite carries numbers only)",
		    g->enc.skip_points);
	return TGT_OK;
}

static void
gr_fini(struct tgt_ctx *ctx)
{
	struct gr *g = ctx->priv;

	if (!g)
		return;
	gr_close(g, GR_CLOSE_MS);
	free(g);
	ctx->priv = NULL;
}

const struct target_ops target_graphite = {
	.name    = "graphite",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_HOSTS,
	.usage   = "graphite://HOST:PORT[,HOST:PORT...]",
	.params  = gr_params,
	.check   = gr_check,
	.setup   = gr_setup,
	.init    = gr_init,
	.write   = gr_write,
	.fini    = gr_fini,
};
