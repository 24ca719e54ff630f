/* vm.c - the vm:// target: VictoriaMetrics (single node) over HTTP.
 *
 *   vm://HOST:PORT[,HOST:PORT...][/?db=NAME][&gzip=1][&precision=ms]
 *       [&max_body=BYTES][&protocol=lp|rw][&max_samples=N]
 *
 * Writes the line protocol of common/lp.c to POST /write?db=NAME: VM
 * names each series {measurement}_{field} (metrics_cpu_user,
 * events_gc_pause), keeps the tags as labels and adds db="NAME", so runs
 * with different -d (or db=) live side by side. protocol=rw sends the
 * same series as Prometheus remote write to /api/v1/write (rwhttp.h:
 * bodies of at most max_samples samples and max_body protobuf bytes,
 * label db="NAME"); tsload stream still sends line protocol. Queries are
 * PromQL / MetricsQL (promq.h); every query gets extra_label=db=NAME, so
 * templates never name the db. cleanup deletes the series of db="NAME".
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "lphttp.h"
#include "log.h"
#include "promq.h"
#include "rwhttp.h"
#include "xalloc.h"

enum { VM_PORT = 8428 };

/* ---- ops ---- */

static int
vm_check(const char *url, char *err, size_t errlen)
{
	struct lph_url u;

	return lph_url_parse(url, "devops", &u, err, errlen);
}

/* Nothing to create; checks that the server answers, so that a wrong
 * address fails before the workers start. */
static int
vm_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct http_req r = { .path = "/health" };
	struct lph      l;
	int             rc;

	rc = lph_open(&l, "vm", VM_PORT, conf, err, errlen);
	if (!rc && l.u.protocol == 1 && conf->schema)
		rc = prw_schema_check("vm", conf->schema, err, errlen);
	if (!rc && http_request(&l.h, &r, err, errlen) != TGT_OK)
		rc = -EIO;
	lph_close(&l);
	return rc;
}

static int
vm_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	char        match[LPH_DB_MAX + 16];
	const char *kv[] = { "match[]", match, NULL };
	struct lph  l;
	int         rc;

	rc = lph_open(&l, "vm", VM_PORT, conf, err, errlen);
	if (!rc) {
		snprintf(match, sizeof(match), "{db=\"%s\"}", l.u.db);
		if (lph_post_form(&l, "/api/v1/admin/tsdb/delete_series", kv,
		        err, errlen)
		    != TGT_OK)
			rc = -EIO;
	}
	lph_close(&l);
	return rc;
}

/* A thread's connection: the line protocol one (first: lph_lines takes
 * the priv as a struct lph), and the remote write sender of
 * protocol=rw on the same HTTP handle. */
struct vm_conn {
	struct lph l;
	struct rwh rw;
	bool       rw_on;
};

static int
vm_init(struct tgt_ctx *ctx)
{
	struct vm_conn *c = xcalloc(1, sizeof(*c));
	int             rc;

	ctx->priv = c;
	rc        = lph_open(
	           &c->l, "vm", VM_PORT, ctx->conf, ctx->err, sizeof(ctx->err));
	c->rw_on = c->l.u.protocol == 1;
	rwh_init(&c->rw, &c->l.h, "/api/v1/write", c->l.u.db,
	    c->l.u.max_samples, (size_t)c->l.u.max_body);
	return rc;
}

/* VictoriaMetrics answers 204 to lines it cannot read and skips them,
 * counting them in vm_rows_invalid_total{type="influx"} of /metrics.
 * An injected (--bad-data) batch is sent between two readings of that
 * counter, one thread of the process at a time: its increase is what the
 * server refused (exact when this process alone sends bad lines to the
 * server: one worker process). */
static pthread_mutex_t vm_bad_lock = PTHREAD_MUTEX_INITIALIZER;
#define VM_BAD_WAIT_NS (5000ULL * 1000 * 1000)

/* The counter, or -1 when /metrics does not say it. */
static long long
vm_invalid(struct lph *l, char *err, size_t errlen)
{
	static const char key[] = "vm_rows_invalid_total{type=\"influx\"} ";
	struct http_req   r     = { .method = "GET", .path = "/metrics" };
	const char       *p;

	if (http_request(&l->h, &r, err, errlen) != TGT_OK || !l->h.resp.p)
		return -1;
	p = strstr(l->h.resp.p, key);
	return p ? strtoll(p + sizeof(key) - 1, NULL, 10) : -1;
}

static enum tgt_status
vm_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct vm_conn *c = ctx->priv;
	struct lph     *l = &c->l;
	long long       before, after;
	enum tgt_status st;

	/* remote write: an injected body is refused with a 400 */
	if (c->rw_on)
		return rwh_write(&c->rw, b, &ctx->rejected,
		    &ctx->rejected_points, ctx->err, sizeof(ctx->err));
	if (!target_batch_bad(b))
		return lph_write(
		    l, b, &ctx->rejected, ctx->err, sizeof(ctx->err));
	pthread_mutex_lock(&vm_bad_lock);
	before = vm_invalid(l, ctx->err, sizeof(ctx->err));
	st     = lph_write(l, b, &ctx->rejected, ctx->err, sizeof(ctx->err));
	after  = -1;
	/* the server counts a little later (about a second): wait for it */
	for (uint64_t until = now_ns() + VM_BAD_WAIT_NS;
	     st == TGT_OK && before >= 0;) {
		after = vm_invalid(l, ctx->err, sizeof(ctx->err));
		if (after < 0 || after >= before + b->records
		    || now_ns() >= until)
			break;
		sleep_until_ns(now_ns() + 20000000ULL);
	}
	pthread_mutex_unlock(&vm_bad_lock);
	if (st == TGT_OK && after >= before && before >= 0) {
		ctx->rejected
		    = (unsigned)(after - before < b->records ? after - before
		                                             : b->records);
		ctx->rejected_points = ctx->rejected ? b->points : 0;
		snprintf(ctx->err, sizeof(ctx->err),
		    "vm: %u injected lines skipped (vm_rows_invalid_total)",
		    ctx->rejected);
	}
	return st;
}

static enum tgt_status
vm_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct lph *l = &((struct vm_conn *)ctx->priv)->l;
	char        label[LPH_DB_MAX + 8];

	snprintf(label, sizeof(label), "db=%s", l->u.db);
	return promq_query(
	    &l->h, &l->body, label, text, res, ctx->err, sizeof(ctx->err));
}

static void
vm_fini(struct tgt_ctx *ctx)
{
	struct vm_conn *c = ctx->priv;

	if (!c)
		return;
	rwh_fini(&c->rw);
	lph_close(&c->l);
	free(c);
	ctx->priv = NULL;
}

const struct target_ops target_vm = {
	.name    = "vm",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_QUERY | TGT_F_LINES | TGT_F_HOSTS,
	.usage   = "vm://HOST:PORT[,HOST:PORT...][/]",
	.params  = lph_vm_params,
	.check   = vm_check,
	.setup   = vm_setup,
	.init    = vm_init,
	.write   = vm_write,
	.lines   = lph_lines,
	.dialect = "metricsql",
	.query   = vm_query,
	.fini    = vm_fini,
	.cleanup = vm_cleanup,
};
