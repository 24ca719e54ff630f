/* role_query.c - the query role: loads config.ini and the templates of
 * the target's dialect and runs one simulated user per thread (query.c);
 * its RESULT carries every latency, for the coordinator's merge.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "log.h"
#include "query.h"
#include "role.h"
#include "xalloc.h"

struct query_role {
	struct query_shared  sh;
	struct query_thread *th;
	struct role_threads  t;      /* th, for role_spawn and role_join_all */
	bool                 shared; /* sh initialised */
	char url[CLUSTER_URL_MAX];   /* the target URL without balance= */
};

static int
query_setup(struct role_run *r)
{
	struct query_role *qr = xcalloc(1, sizeof(*qr));
	char               err[512];
	int                rc;

	r->priv = qr;
	if (r->nth == 0) {
		log_err("an assignment of 0 query threads");
		return -EINVAL;
	}
	/* A cluster's hosts are queried through the HTTP client's own host
	 * list; balance= is for ingest. */
	if (!cluster_strip(r->conf->url, qr->url, sizeof(qr->url)))
		r->conf->url = qr->url;
	rc         = query_shared_init(&qr->sh, r->o, r->conf, r->as->index,
	            r->as->t0_ms, r->as->seed, err, sizeof(err));
	qr->shared = true;
	if (rc) {
		log_err("%s", err);
		return rc;
	}
	qr->sh.workers   = r->as->workers ? r->as->workers : 1;
	qr->sh.threads   = r->nth;
	qr->sh.origin_ns = role_origin_ns(r->as->t0_ms);
	qr->th           = xcalloc(r->nth, sizeof(*qr->th));
	for (unsigned i = 0; i < r->nth; i++)
		query_thread_init(&qr->th[i], &qr->sh, i);
	qr->t = (struct role_threads) {
		.base        = qr->th,
		.size        = sizeof(*qr->th),
		.tid_off     = offsetof(struct query_thread, tid),
		.running_off = offsetof(struct query_thread, running),
		.main        = query_thread_main,
	};
	return 0;
}

static void
query_start(struct role_run *r)
{
	struct query_role *qr      = r->priv;
	unsigned           started = role_spawn(r, &role_query, &qr->t);

	/* the count gates wait for the threads that did start */
	query_shared_running(&qr->sh, started);
	role_wait_inited(&qr->sh.lock, &qr->sh.cond, &qr->sh.inited, started);
}

static void
query_stop(struct role_run *r)
{
	struct query_role *qr = r->priv;

	atomic_store(&qr->sh.stop, true);
}

static bool
query_finished(struct role_run *r)
{
	struct query_role *qr = r->priv;

	return atomic_load(&qr->sh.finished) >= r->nth;
}

static void
query_join(struct role_run *r)
{
	struct query_role *qr = r->priv;

	role_join_all(r, &qr->t);
}

static void
query_collect(struct role_run *r, struct proto_stats *m)
{
	struct query_role *qr = r->priv;

	for (unsigned i = 0; i < r->nth; i++) {
		query_thread_collect(
		    &qr->th[i], &m->s, NULL, m->err, sizeof(m->err));
		m->threads_ok += qr->th[i].init_ok;
	}
	if (atomic_load(&qr->sh.file_err))
		m->state |= PROTO_S_FILE_ERR;
}

/* Every latency of every thread, per query of config.ini. */
static void
query_put_result(struct role_run *r, struct buf *msg)
{
	struct query_role *qr = r->priv;
	struct qsum        qs;
	struct stats       ignore;
	char               err[8] = "";

	qsum_init(&qs);
	for (unsigned i = 0; i < qr->sh.wl.cfg.n; i++)
		qsum_add_query(&qs, qr->sh.wl.cfg.q[i].id);
	stats_init(&ignore);
	for (unsigned i = 0; i < r->nth; i++)
		query_thread_collect(
		    &qr->th[i], &ignore, &qs, err, sizeof(err));
	qsum_encode(&qs, msg);
	qsum_free(&qs);
}

static void
query_destroy(struct role_run *r)
{
	struct query_role *qr = r->priv;

	if (!qr)
		return;
	if (qr->th)
		for (unsigned i = 0; i < r->nth; i++)
			query_thread_destroy(&qr->th[i]);
	free(qr->th);
	if (qr->shared)
		query_shared_destroy(&qr->sh);
	free(qr);
	r->priv = NULL;
}

const struct role_ops role_query = {
	.name       = "query",
	.who        = "tsload query worker",
	.setup      = query_setup,
	.start      = query_start,
	.stop       = query_stop,
	.finished   = query_finished,
	.join       = query_join,
	.collect    = query_collect,
	.put_result = query_put_result,
	.destroy    = query_destroy,
};
