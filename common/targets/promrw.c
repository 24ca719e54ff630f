/* promrw.c - the promrw:// target: Prometheus remote write 1.0.
 *
 *   promrw://HOST:PORT[/PATH][?max_samples=N&max_bytes=BYTES&timeout=SECS]
 *
 * POSTs each batch as remote write bodies (rwhttp.h, promrw.h) to PATH
 * (default /api/v1/write, Prometheus' and VictoriaMetrics'): series
 * "<kind>_<measure>" with the dimensions as labels and db="<-d>", so that
 * runs with different -d live side by side and queries select theirs.
 * Queries are PromQL (promq.h, dialect promql: the templates name the db
 * label themselves, {db} being -d). setup sends an empty WriteRequest, so
 * that a wrong address or path fails before the workers start. No cleanup:
 * Prometheus deletes series only with its admin API switched on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promq.h"
#include "rwhttp.h"
#include "xalloc.h"

enum {
	PRWT_PORT     = 9090,
	PRWT_PATH_MAX = 512,
	PRWT_BODY_CAP = 1 << 30,
};

struct prwt_params {
	unsigned max_samples;
	uint64_t max_bytes;
	double   timeout;
};

static const struct param_row prwt_params[] = {
	{ "max_samples", PARAM_UINT,
	    PARAM_FIELD(struct prwt_params, max_samples), "10000", 1,
	    100000000, NULL, "N",
	    "most samples (data points) of one request" },
	{ "max_bytes", PARAM_SIZE, PARAM_FIELD(struct prwt_params, max_bytes),
	    "16M", 4096, PRWT_BODY_CAP, NULL, NULL,
	    "most protobuf bytes of one request, before snappy" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct prwt_params, timeout),
	    "120", 0.001, 3600, NULL, "SECS", "longest request" },
	{ NULL },
};

/* A thread's connection. */
struct prwt {
	struct http        h;
	struct rwh         rw;
	struct prwt_params p;
	struct buf         form; /* query request bodies */
	char               path[PRWT_PATH_MAX];
};

/* Reads url: parameters, hosts, the path after them. */
static int
prwt_parse(const char *url, struct prwt_params *p, char *path, char *err,
    size_t errlen)
{
	const char *a = strstr(url, "://"), *s;
	size_t      n;
	int         rc;

	if (!a || strncmp(url, "promrw", 6) != 0) {
		snprintf(err, errlen,
		    "promrw: expected promrw://HOST:PORT[/PATH] in \"%s\"",
		    url);
		return -EINVAL;
	}
	rc = params_parse_url(prwt_params, p, url, err, errlen);
	if (!rc)
		rc = http_check_url(url, err, errlen);
	if (rc)
		return rc;
	s = a + 3 + strcspn(a + 3, "/?#");
	n = *s == '/' ? strcspn(s, "?#") : 0;
	if (n <= 1) {
		snprintf(path, PRWT_PATH_MAX, "/api/v1/write");
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '\\') {
			snprintf(err, errlen,
			    "promrw: invalid character in the path of \"%s\"",
			    url);
			return -EINVAL;
		}
	if (n >= PRWT_PATH_MAX) {
		snprintf(err, errlen, "promrw: path longer than %d bytes",
		    PRWT_PATH_MAX - 1);
		return -EINVAL;
	}
	memcpy(path, s, n);
	path[n] = '\0';
	return 0;
}

static int
prwt_check(const char *url, char *err, size_t errlen)
{
	struct prwt_params p;
	char               path[PRWT_PATH_MAX];

	return prwt_parse(url, &p, path, err, errlen);
}

static int
prwt_open(
    struct prwt *t, const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct http_opts o = { .name = "promrw", .def_port = PRWT_PORT };
	int              rc;

	memset(t, 0, sizeof(*t));
	buf_init(&t->form, 1 << 20);
	rc           = prwt_parse(conf->url, &t->p, t->path, err, errlen);
	o.timeout_ms = (long)(t->p.timeout * 1000 + 0.5);
	if (!rc)
		rc = http_init(&t->h, conf->url, &o, err, errlen);
	rwh_init(&t->rw, &t->h, t->path, conf->database, t->p.max_samples,
	    (size_t)t->p.max_bytes);
	return rc;
}

static void
prwt_close(struct prwt *t)
{
	rwh_fini(&t->rw);
	http_fini(&t->h);
	buf_free(&t->form);
}

static int
prwt_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct prwt t;
	int         rc;

	if (conf->schema
	    && (rc = prw_schema_check("promrw", conf->schema, err, errlen)))
		return rc;
	rc = prwt_open(&t, conf, err, errlen);
	if (!rc && rwh_ping(&t.rw, err, errlen) != TGT_OK)
		rc = -EIO;
	prwt_close(&t);
	return rc;
}

static int
prwt_init(struct tgt_ctx *ctx)
{
	struct prwt *t = xcalloc(1, sizeof(*t));

	ctx->priv = t;
	return prwt_open(t, ctx->conf, ctx->err, sizeof(ctx->err));
}

static enum tgt_status
prwt_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct prwt *t = ctx->priv;

	return rwh_write(&t->rw, b, &ctx->rejected, &ctx->rejected_points,
	    ctx->err, sizeof(ctx->err));
}

static enum tgt_status
prwt_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct prwt *t = ctx->priv;

	return promq_query(
	    &t->h, &t->form, NULL, text, res, ctx->err, sizeof(ctx->err));
}

static void
prwt_fini(struct tgt_ctx *ctx)
{
	struct prwt *t = ctx->priv;

	if (!t)
		return;
	prwt_close(t);
	free(t);
	ctx->priv = NULL;
}

const struct target_ops target_promrw = {
	.name    = "promrw",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_QUERY,
	.usage   = "promrw://HOST:PORT[/PATH]",
	.params  = prwt_params,
	.check   = prwt_check,
	.setup   = prwt_setup,
	.init    = prwt_init,
	.write   = prwt_write,
	.dialect = "promql",
	.query   = prwt_query,
	.fini    = prwt_fini,
};
