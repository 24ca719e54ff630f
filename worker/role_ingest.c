/* role_ingest.c - the ingest role: builds the model for the worker's
 * shard of hosts and runs one ingest thread per slice of it (ingest.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "fresh.h"
#include "ingest.h"
#include "log.h"
#include "model_ops.h"
#include "role.h"
#include "xalloc.h"

struct ingest_role {
	struct model          m;
	struct ingest_shared  sh;
	struct ingest_thread *th;
	struct role_threads   t;     /* th, for role_spawn and role_join_all */
	struct tgt_conf      *tconf; /* fan-out: each target's settings */
	bool                  shared; /* sh initialised */
};

static int
ingest_setup(struct role_run *r)
{
	struct ingest_role *ir = xcalloc(1, sizeof(*ir));
	struct model_conf   mc = opts_model_conf(r->o);
	uint32_t            n;
	int                 rc;

	r->priv = ir;
	rc      = model_find(r->o->model)
	         ->build(&ir->m, &mc, r->as->first_host, r->as->end_host);
	if (rc) {
		log_err("hosts [%u, %u) are not in a host-scale %llu model",
		    r->as->first_host, r->as->end_host,
		    (unsigned long long)r->o->host_scale);
		return rc;
	}
	r->conf->schema = &ir->m.schema; /* what the targets write */
	n               = ir->m.n_metrics;
	if (r->nth == 0 || r->nth > n) {
		log_err("%u threads for %u hosts: every thread needs a host",
		    r->nth, n);
		return -EINVAL;
	}
	ingest_shared_init(&ir->sh);
	ir->shared       = true;
	ir->sh.o         = r->o;
	ir->sh.m         = &ir->m;
	ir->sh.conf      = r->conf;
	ir->sh.worker    = r->as->index;
	ir->sh.t0_ms     = r->as->t0_ms;
	ir->sh.seed      = r->as->seed;
	ir->sh.workers   = r->as->workers ? r->as->workers : 1;
	ir->sh.threads   = r->nth;
	ir->sh.origin_ns = role_origin_ns(r->as->t0_ms);
	ir->sh.n_tgt     = opts_n_targets(r->o);
	if (ir->sh.n_tgt > 1) {
		ir->tconf = xcalloc(ir->sh.n_tgt, sizeof(*ir->tconf));
		for (unsigned k = 0; k < ir->sh.n_tgt; k++) {
			ir->tconf[k]        = *r->conf;
			ir->tconf[k].url    = opts_target(r->o, k);
			ir->tconf[k].schema = &ir->m.schema;
		}
		ir->sh.tconf = ir->tconf;
	}
	ir->th = xcalloc(r->nth, sizeof(*ir->th));
	for (unsigned i = 0; i < r->nth; i++) {
		uint32_t h0, h1;

		model_shard(n, r->nth, i, &h0, &h1);
		ingest_thread_init(&ir->th[i], &ir->sh, i, h0, h1);
	}
	ir->t = (struct role_threads) {
		.base        = ir->th,
		.size        = sizeof(*ir->th),
		.tid_off     = offsetof(struct ingest_thread, tid),
		.running_off = offsetof(struct ingest_thread, running),
		.main        = ingest_thread_main,
	};
	return 0;
}

static void
ingest_start(struct role_run *r)
{
	struct ingest_role *ir      = r->priv;
	unsigned            started = role_spawn(r, &role_ingest, &ir->t);

	role_wait_inited(&ir->sh.lock, &ir->sh.cond, &ir->sh.inited, started);
	if (r->o->freshness && !r->o->dry_run && ir->sh.worker == 0
	    && started) {
		char err[TGT_ERR_MAX + 64];

		/* a probe that cannot connect leaves the run without
		 * freshness, said once; the writes go on */
		struct fresh *fr;

		if (fresh_open(&fr, &ir->sh, &ir->th[0], err, sizeof(err)))
			log_warn("%s", err);
		else
			atomic_store(&ir->sh.fresh, fr);
	}
}

static void
ingest_stop(struct role_run *r)
{
	struct ingest_role *ir = r->priv;

	atomic_store(&ir->sh.stop, true);
}

static bool
ingest_finished(struct role_run *r)
{
	struct ingest_role *ir = r->priv;

	return atomic_load(&ir->sh.finished) >= r->nth;
}

static void
ingest_join(struct role_run *r)
{
	struct ingest_role *ir = r->priv;

	role_join_all(r, &ir->t);
	fresh_close(atomic_exchange(&ir->sh.fresh, NULL));
}

static void
ingest_collect(struct role_run *r, struct proto_stats *m)
{
	struct ingest_role *ir = r->priv;

	for (unsigned i = 0; i < r->nth; i++) {
		struct ingest_thread *t = &ir->th[i];
		uint32_t              b;

		ingest_thread_collect(
		    t, &m->s, &m->state, m->err, sizeof(m->err));
		ingest_thread_collect_targets(t, m);
		m->threads_ok += t->init_ok;
		pthread_mutex_lock(&t->lock);
		b = t->batch;
		pthread_mutex_unlock(&t->lock);
		if (b && (!m->batch_min || b < m->batch_min))
			m->batch_min = b;
		if (b > m->batch_max)
			m->batch_max = b;
	}
}

/* --batch-size auto: each thread's size and history, for run.json
 * (batchauto.h); nothing otherwise. The threads are joined. */
static void
ingest_put_result(struct role_run *r, struct buf *msg)
{
	struct ingest_role *ir = r->priv;
	uint32_t            n  = 0;

	for (unsigned i = 0; i < r->nth; i++)
		n += ir->th[i].bsa != NULL;
	if (!n)
		return;
	proto_put_u32(msg, n);
	for (unsigned i = 0; i < r->nth; i++)
		if (ir->th[i].bsa)
			bsa_put(msg, i, ir->th[i].bsa);
}

static void
ingest_destroy(struct role_run *r)
{
	struct ingest_role *ir = r->priv;

	if (!ir)
		return;
	if (ir->th)
		for (unsigned i = 0; i < r->nth; i++)
			ingest_thread_destroy(&ir->th[i]);
	free(ir->th);
	free(ir->tconf);
	if (ir->shared)
		ingest_shared_destroy(&ir->sh);
	model_release(&ir->m);
	free(ir);
	r->priv = NULL;
}

const struct role_ops role_ingest = {
	.name       = "ingest",
	.who        = "tsload worker",
	.setup      = ingest_setup,
	.start      = ingest_start,
	.stop       = ingest_stop,
	.finished   = ingest_finished,
	.join       = ingest_join,
	.collect    = ingest_collect,
	.put_result = ingest_put_result,
	.destroy    = ingest_destroy,
};
