/* fresh.c - the --freshness probe (fresh.h): one thread of worker 0 with
 * its own connection to each target, polling one acknowledged point per
 * target at a time.
 */
#include "fresh.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "log.h"
#include "xalloc.h"

#define POLL_MIN_NS (5ull * 1000 * 1000)
#define POLL_MAX_NS (100ull * 1000 * 1000)
#define END_GRACE_NS (10ull * 1000 * 1000 * 1000)
#define CAP_NS ((uint64_t)STATS_FRESH_CAP_S * 1000 * 1000 * 1000)

enum { IDLE, TAKING, ARMED };

/* One target's probe. state, next_ns: the writers' and the probe's;
 * the rest is the probe thread's once ARMED. */
struct slot {
	atomic_int           state;
	_Atomic uint64_t     next_ns; /* no new probe before */
	const struct series *se;
	int64_t              t_ms;
	uint8_t              meas; /* a numeric measure of the point */
	uint64_t             ack_ns;
	uint64_t             poll_ns; /* next poll due */
	uint64_t             delay;   /* ns until the next poll */
	struct tgt_ctx       ctx;
	bool                 inited;
	struct ingest_figs  *f;    /* where it records */
	bool                 told; /* a failing query said once */
	struct buf           q;
};

struct fresh {
	struct ingest_shared *sh;
	struct ingest_thread *th0;
	unsigned              n;
	uint64_t              every_ns;
	struct slot          *slot;
	pthread_t             tid;
	bool                  running;
	atomic_bool           stop;
};

/* A numeric measure of s that the batch holds: one a query can see. */
static bool
pick_measure(const struct sample *s, const struct batch *b, uint8_t *out)
{
	const struct schema_kind *k = s->series->g->sk;
	unsigned                  first, end;

	target_span(s, b, &first, &end);
	for (unsigned i = first; i < end && i < k->n_values; i++)
		if (!target_absent(s, i) && k->m[i].type != MT_VARCHAR) {
			*out = (uint8_t)i;
			return true;
		}
	return false;
}

void
fresh_offer(
    struct fresh *fr, unsigned k, const struct batch *b, uint64_t ack_ns)
{
	struct slot         *sl;
	const struct sample *s;
	int                  idle = IDLE;
	uint8_t              m;

	if (!fr || k >= fr->n || !b->n)
		return;
	sl = &fr->slot[k];
	if (atomic_load_explicit(&sl->state, memory_order_relaxed) != IDLE
	    || ack_ns
	        < atomic_load_explicit(&sl->next_ns, memory_order_relaxed))
		return;
	s = &b->s[b->n - 1];
	if (s->bad || !pick_measure(s, b, &m))
		return;
	if (!atomic_compare_exchange_strong(&sl->state, &idle, TAKING))
		return;
	sl->se     = s->series;
	sl->t_ms   = s->time_ms;
	sl->meas   = m;
	sl->ack_ns = ack_ns;
	atomic_store(&sl->state, ARMED);
}

/* ---- the point queries ---- */

static void
sql_str(struct buf *q, const char *s, size_t n)
{
	buf_addc(q, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			buf_addc(q, '\'');
		buf_addc(q, s[i]);
	}
	buf_addc(q, '\'');
}

/* SELECT count(*) of the point's series at its time (SQL, ClickHouse) */
static void
q_sql(struct buf *q, const struct slot *sl)
{
	const struct schema_kind *k = sl->se->g->sk;

	buf_printf(q, "SELECT count(*) FROM \"%s\" WHERE time = %lld",
	    sl->ctx.conf->table, (long long)sl->t_ms);
	for (unsigned d = 0; d < k->n_dims; d++) {
		struct str v = series_dim(sl->se, d);

		buf_printf(q, " AND %s = ", k->schema->dcol[k->dcol[d]]);
		sql_str(q, v.p, v.len);
	}
}

/* The same in Timestream's SQL: its "database"."table", time a timestamp
 * (the point's whole seconds, in the continuous model, are whole ms). */
static void
q_timestream(struct buf *q, const struct slot *sl)
{
	const struct schema_kind *k = sl->se->g->sk;

	buf_printf(q,
	    "SELECT count(*) FROM \"%s\".\"%s\" WHERE time = from_milliseconds(%lld)",
	    sl->ctx.conf->database, sl->ctx.conf->table, (long long)sl->t_ms);
	for (unsigned d = 0; d < k->n_dims; d++) {
		struct str v = series_dim(sl->se, d);

		buf_printf(q, " AND %s = ", k->dim[d]);
		sql_str(q, v.p, v.len);
	}
}

static void
prom_str(struct buf *q, const char *s, size_t n)
{
	buf_addc(q, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addc(q, '\\');
		buf_addc(q, s[i]);
	}
	buf_addc(q, '"');
}

/* timestamp() of the series' last sample at the point's time: the
 * point's own once visible (PromQL, MetricsQL). vm adds db= itself. */
static void
q_prom(struct buf *q, const struct slot *sl, bool db)
{
	const struct schema_kind *k = sl->se->g->sk;

	buf_printf(q, "# tsload: end=%.3f\ntimestamp({__name__=\"%s_%s\"",
	    (double)sl->t_ms / 1000.0, k->name, k->m[sl->meas].name);
	if (db) {
		buf_adds(q, ",db=");
		prom_str(
		    q, sl->ctx.conf->database, strlen(sl->ctx.conf->database));
	}
	for (unsigned d = 0; d < k->n_dims; d++) {
		struct str v = series_dim(sl->se, d);

		buf_printf(q, ",%s=", k->dim[d]);
		prom_str(q, v.p, v.len);
	}
	buf_adds(q, "})");
}

/* An InfluxQL identifier ("...") or string literal ('...'). */
static void
iq_str(struct buf *q, char quote, const char *s, size_t n)
{
	buf_addc(q, quote);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == quote || s[i] == '\\')
			buf_addc(q, '\\');
		buf_addc(q, s[i]);
	}
	buf_addc(q, quote);
}

/* count() of the point's field at its time (InfluxQL): an empty tag
 * matches the series that lack it, as line protocol leaves it out;
 * precision=s stores the whole second. */
static void
q_influx(struct buf *q, const struct slot *sl)
{
	const struct schema_kind *k = sl->se->g->sk;
	const char               *p = strstr(sl->ctx.conf->url, "precision=s");
	int64_t                   t = sl->t_ms;

	if (p && (!p[11] || p[11] == '&'))
		t = t / 1000 * 1000;
	buf_adds(q, "SELECT count(");
	iq_str(q, '"', k->m[sl->meas].name, strlen(k->m[sl->meas].name));
	buf_adds(q, ") FROM ");
	iq_str(q, '"', k->name, strlen(k->name));
	buf_printf(q, " WHERE time = %lldms", (long long)t);
	for (unsigned d = 0; d < k->n_dims; d++) {
		struct str v = series_dim(sl->se, d);

		buf_adds(q, " AND ");
		iq_str(q, '"', k->dim[d], strlen(k->dim[d]));
		buf_adds(q, " = ");
		iq_str(q, '\'', v.p, v.len);
	}
}

struct seen {
	bool    prom;
	int64_t t_ms;
	bool    yes;
};

static void
seen_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct seen *s = arg;
	double       d;

	(void)names;
	if (!ncol || !v[0])
		return;
	d = strtod(v[0], NULL);
	if (s->prom)
		s->yes |= llround(d * 1000.0) >= s->t_ms;
	else
		s->yes |= d > 0;
}

/* Polls sl once: 1 visible, 0 not yet, -EIO the query failed. */
static int
poll_once(struct slot *sl)
{
	const char *dl   = sl->ctx.ops->dialect;
	bool        prom = !strcmp(dl, "metricsql") || !strcmp(dl, "promql");
	struct seen s    = { prom, sl->t_ms, false };
	struct tgt_qres res = { 0 };
	enum tgt_status st;

	buf_reset(&sl->q);
	if (prom)
		q_prom(&sl->q, sl, !strcmp(dl, "promql"));
	else if (!strcmp(dl, "influxql"))
		q_influx(&sl->q, sl);
	else if (!strcmp(dl, "timestream"))
		q_timestream(&sl->q, sl);
	else
		q_sql(&sl->q, sl);
	if (buf_cstr(&sl->q))
		return -ENOMEM;
	res.row     = seen_row;
	res.row_arg = &s;
	st          = sl->ctx.ops->query(&sl->ctx, sl->q.p, &res);
	if (st == TGT_RETRY)
		return 0;
	if (st != TGT_OK)
		return -EIO;
	return s.yes;
}

/* Ends sl's probe: visible after ns, or not visible (lost). */
static void
finish(struct fresh *fr, struct slot *sl, bool lost, uint64_t ns)
{
	pthread_mutex_lock(&fr->th0->lock);
	if (lost)
		sl->f->st.fresh_lost++;
	else
		hist_record(&sl->f->st.hf, ns);
	pthread_mutex_unlock(&fr->th0->lock);
	atomic_store(&sl->next_ns, sl->ack_ns + fr->every_ns);
	atomic_store(&sl->state, IDLE);
}

/* Serves the armed slots; returns when the next poll is due. */
static uint64_t
serve(struct fresh *fr)
{
	uint64_t next = now_ns() + POLL_MIN_NS;

	for (unsigned k = 0; k < fr->n; k++) {
		struct slot *sl = &fr->slot[k];
		uint64_t     now;
		int          rc;

		if (atomic_load(&sl->state) != ARMED)
			continue;
		if (!sl->delay) { /* a new probe: poll at once */
			sl->delay   = POLL_MIN_NS;
			sl->poll_ns = 0;
		}
		now = now_ns();
		if (now < sl->poll_ns) {
			if (sl->poll_ns < next)
				next = sl->poll_ns;
			continue;
		}
		rc  = poll_once(sl);
		now = now_ns();
		if (rc < 0 && !sl->told) {
			sl->told = true;
			log_warn(
			    "--freshness: target %u: probe query failed (retrying): %s",
			    k + 1, sl->ctx.err);
		}
		if (rc > 0 || now - sl->ack_ns > CAP_NS) {
			finish(fr, sl, rc <= 0, now - sl->ack_ns);
			sl->delay = 0;
			continue;
		}
		sl->poll_ns = now + sl->delay;
		sl->delay   = sl->delay * 2 > POLL_MAX_NS ? POLL_MAX_NS
		                                          : sl->delay * 2;
		if (sl->poll_ns < next)
			next = sl->poll_ns;
	}
	return next;
}

static bool
any_armed(struct fresh *fr)
{
	for (unsigned k = 0; k < fr->n; k++)
		if (atomic_load(&fr->slot[k].state) == ARMED)
			return true;
	return false;
}

static void *
fresh_main(void *arg)
{
	struct fresh *fr = arg;
	uint64_t      end;

	while (!atomic_load(&fr->stop))
		sleep_until_ns(serve(fr));
	/* the writers are done: the probes under way get a little longer */
	end = now_ns() + END_GRACE_NS;
	while (any_armed(fr) && now_ns() < end)
		sleep_until_ns(serve(fr));
	return NULL;
}

static void
slots_free(struct fresh *fr)
{
	for (unsigned k = 0; k < fr->n; k++) {
		struct slot *sl = &fr->slot[k];

		if (sl->ctx.ops && sl->ctx.ops->fini)
			sl->ctx.ops->fini(&sl->ctx);
		buf_free(&sl->q);
	}
	free(fr->slot);
	free(fr);
}

int
fresh_open(struct fresh **out, struct ingest_shared *sh,
    struct ingest_thread *th0, char *err, size_t errlen)
{
	struct fresh *fr = xcalloc(1, sizeof(*fr));
	int           rc;

	*out         = NULL;
	fr->sh       = sh;
	fr->th0      = th0;
	fr->n        = sh->n_tgt > 1 ? sh->n_tgt : 1;
	fr->every_ns = (uint64_t)(sh->o->freshness_interval * 1e9);
	fr->slot     = xcalloc(fr->n, sizeof(*fr->slot));
	atomic_init(&fr->stop, false);
	for (unsigned k = 0; k < fr->n; k++) {
		struct slot *sl = &fr->slot[k];

		atomic_init(&sl->state, IDLE);
		atomic_init(&sl->next_ns, 0);
		buf_init(&sl->q, 1 << 16);
		sl->f          = th0->tgt ? &th0->tgt[k] : &th0->f;
		sl->ctx.conf   = sh->tconf ? &sh->tconf[k] : sh->conf;
		sl->ctx.ops    = target_find(sl->ctx.conf->url);
		sl->ctx.worker = sh->worker;
		sl->ctx.thread = sh->threads; /* after the writers */
		if (!sl->ctx.ops || !sl->ctx.ops->query) {
			snprintf(err, errlen,
			    "--freshness: target %u cannot be queried", k + 1);
			rc = -EINVAL;
			goto fail;
		}
		rc = sl->ctx.ops->init ? sl->ctx.ops->init(&sl->ctx) : 0;
		if (rc < 0) {
			snprintf(err, errlen,
			    "--freshness: target %u: probe connection: %.200s",
			    k + 1, sl->ctx.err);
			goto fail;
		}
	}
	rc = pthread_create(&fr->tid, NULL, fresh_main, fr);
	if (rc) {
		snprintf(err, errlen, "--freshness: probe thread: %s",
		    strerror(rc));
		rc = -rc;
		goto fail;
	}
	fr->running = true;
	*out        = fr;
	return 0;
fail:
	slots_free(fr);
	return rc;
}

void
fresh_close(struct fresh *fr)
{
	if (!fr)
		return;
	atomic_store(&fr->stop, true);
	if (fr->running)
		pthread_join(fr->tid, NULL);
	slots_free(fr);
}
