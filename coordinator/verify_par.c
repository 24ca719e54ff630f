/* verify_par.c - tsload verify's aggregate read over several connections
 * at once, where the dialect says its server gains (PostgreSQL).
 *
 * The written time range is cut into as many equal parts as connections,
 * one each (not its hours: a query per hour would scan the index, or the
 * table, once per hour of a long run). A cell cut by a slice boundary
 * comes back as two rows whose count, sum, min and max the caller
 * merges, as it does for the rows of one series named twice. PostgreSQL
 * aggregates a table with no statistics yet (as right after the run) in one
 * process; two connections take two cores. Measured, 10.4 M points, 2 cores
 * under a load of 11-14: one connection 28-32 s, two 13-19 s; on a table with
 * statistics (where one query gets parallel workers) 14-16 s and 15-21 s.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "verify_read.h"

enum { PAR_CONNS_MAX = 8 };

struct par {
	const struct verify_dialect *d;
	const struct verify_dims    *dims;
	int64_t                      t0, t1;
	unsigned                     n_slices, next; /* under mu */
	int64_t                      step; /* of the parts, the last longer */
	void (*cb)(void *, const struct verify_agg *);
	void           *arg;
	pthread_mutex_t mu;
	int             rc; /* the first failure, under mu */
	char            err[TGT_ERR_MAX];
};

struct par_conn {
	struct par    *p;
	struct tgt_ctx ctx, *use; /* use: ctx, or the caller's */
	pthread_t      th;
	bool           open, started;
};

/* Slice i: [*a, *b). */
static void
slice(const struct par *p, unsigned i, int64_t *a, int64_t *b)
{
	*a = p->t0 + (int64_t)i * p->step;
	*b = i + 1 == p->n_slices ? p->t1 : *a + p->step;
}

static void
locked_cb(void *arg, const struct verify_agg *a)
{
	struct par *p = arg;

	pthread_mutex_lock(&p->mu);
	p->cb(p->arg, a);
	pthread_mutex_unlock(&p->mu);
}

static void *
conn_main(void *arg)
{
	struct par_conn *c = arg;
	struct par      *p = c->p;

	for (;;) {
		int64_t  a, b;
		unsigned i;
		int      rc;

		pthread_mutex_lock(&p->mu);
		i = p->rc ? p->n_slices : p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n_slices)
			return NULL;
		slice(p, i, &a, &b);
		rc = verify_read_aggs(
		    p->d, c->use, p->dims, a, b, locked_cb, p);
		if (rc) {
			pthread_mutex_lock(&p->mu);
			if (!p->rc) {
				p->rc = rc;
				snprintf(
				    p->err, sizeof(p->err), "%s", c->use->err);
			}
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
	}
}

int
verify_read_par(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg)
{
	struct par      p = { .d = d, .dims = dims, .t0 = t0, .t1 = t1 };
	struct par_conn c[PAR_CONNS_MAX];
	unsigned        n = d->conns;

	if (n <= 1 || t1 - t0 < 2)
		return verify_read_aggs(d, ctx, dims, t0, t1, cb, arg);
	n = n > PAR_CONNS_MAX ? PAR_CONNS_MAX : n;
	if ((int64_t)n > t1 - t0)
		n = (unsigned)(t1 - t0);
	p.n_slices = n;
	p.step     = (t1 - t0) / n;
	p.cb       = cb;
	p.arg      = arg;
	pthread_mutex_init(&p.mu, NULL);
	memset(c, 0, sizeof(c));
	for (unsigned i = 0; i < n; i++) {
		c[i].p   = &p;
		c[i].use = i ? &c[i].ctx : ctx;
		if (i) { /* a connection of its own, set up as the first */
			c[i].ctx.ops  = ctx->ops;
			c[i].ctx.conf = ctx->conf;
			c[i].open     = !ctx->ops->init(&c[i].ctx)
			    && !verify_read_session(d, &c[i].ctx);
			if (!c[i].open) { /* fewer connections, same answer */
				if (ctx->ops->fini)
					ctx->ops->fini(&c[i].ctx);
				break;
			}
		}
		c[i].started
		    = !pthread_create(&c[i].th, NULL, conn_main, &c[i]);
		if (!c[i].started)
			break;
	}
	if (!c[0].started) /* no thread: the caller's connection alone */
		conn_main(&c[0]);
	for (unsigned i = 0; i < n; i++) {
		if (c[i].started)
			pthread_join(c[i].th, NULL);
		if (c[i].open && ctx->ops->fini)
			ctx->ops->fini(&c[i].ctx);
	}
	pthread_mutex_destroy(&p.mu);
	if (p.rc)
		snprintf(ctx->err, sizeof(ctx->err), "%s", p.err);
	return p.rc;
}
