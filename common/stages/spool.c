/* spool.c - the disk spool in front of one target (issue 15): a batch the
 * target cannot take (unreachable, or still busy after the caller's
 * retries) goes to a spool of segment files (common/data/spool.h), and
 * is sent again, oldest first, once the target answers.
 *
 * Records hold the samples of a batch, not the target's encoding: each
 * sample names its series by (kind, index in the thread's model shard),
 * which the same options rebuild identically; the spool's identity text
 * (stage_conf.ident) says which options, and a spool made by others is
 * refused. Little-endian, host doubles: a spool is replayed on the
 * machine (architecture) that wrote it.
 *
 * Pace: while the target is down, every new batch goes to the spool and
 * the oldest spooled one probes the target, with backoff; once it is up,
 * each new batch is followed by at least one spooled batch, and more
 * while the replay takes no longer than the idle time before the new
 * batch came (a paced run's pause), so the replay goes at the pace the
 * target takes; what is left at the end is sent by ->flush.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abandon.h"
#include "backoff.h"
#include "buf.h"
#include "clock.h"
#include "log.h"
#include "rng.h"
#include "spool.h"
#include "stage.h"
#include "wire.h"
#include "xalloc.h"

#define PROBE_BASE_NS (100ull * 1000 * 1000)
#define PROBE_CAP_NS (2000ull * 1000 * 1000)
#define BATCH_HDR 16u
#define SAMPLE_FIX 20u /* kind, first, count, nv, index, time, absent */

struct spool_stage {
	struct spool  *sp;
	struct buf     enc;
	struct sample *s; /* decoded slots */
	unsigned       cap;
	bool           down;        /* the last answer: unreachable */
	unsigned       attempt;     /* probes since it went down */
	uint64_t       probe_ns;    /* the next probe, now_ns() */
	uint64_t       idle_from;   /* when the last ->write returned */
	uint64_t       flush_fails; /* probes failed in a row at the end */
	struct xrng    rng;
	struct stage_counts c; /* this stage's own (not the spool's) */
};

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
static void
put_f64(struct buf *b, double d)
{
	uint64_t      u;
	unsigned char p[8];

	memcpy(&u, &d, 8);
	wire_put_le(p, u, 8);
	buf_add(b, p, 8);
}
#endif

static void
put_le(struct buf *b, uint64_t v, unsigned n)
{
	unsigned char p[8];

	wire_put_le(p, v, n);
	buf_add(b, p, n);
}

/* The index of se in m's series of its kind, or -1. */
static int64_t
series_index(const struct model *m, const struct series *se)
{
	const struct series *base
	    = se->kind == SERIES_EVENTS ? m->events : m->metrics;
	uint32_t n = se->kind == SERIES_EVENTS ? m->n_events : m->n_metrics;

	if (!base || se < base || se >= base + n)
		return -1;
	return se - base;
}

/* The batch's samples as a spool record in p->enc. 0 or -EINVAL. */
static int
encode(struct stage *st, const struct batch *b)
{
	struct spool_stage *p = st->priv;
	const struct model *m = st->conf->model;

	buf_reset(&p->enc);
	put_le(&p->enc, b->n, 4);
	put_le(&p->enc, b->records, 4);
	put_le(&p->enc, b->points, 4);
	put_le(&p->enc, b->multi, 1);
	put_le(&p->enc, b->req_id, 1);
	put_le(&p->enc, 0, 2);
	for (unsigned i = 0; i < b->n; i++) {
		const struct sample *s  = &b->s[i];
		int64_t              ix = series_index(m, s->series);
		unsigned             nv = (unsigned)s->first + s->count;
		unsigned char        f[SAMPLE_FIX]; /* one append, not seven */

		if (ix < 0)
			return -EINVAL;
		if (nv > SCHEMA_MAX_VALUES)
			nv = SCHEMA_MAX_VALUES;
		f[0] = (unsigned char)s->series->kind;
		f[1] = s->first;
		f[2] = s->count;
		f[3] = (unsigned char)nv;
		wire_put_le(f + 4, (uint64_t)ix, 4);
		wire_put_le(f + 8, (uint64_t)s->time_ms, 8);
		wire_put_le(f + 16, s->absent, 4);
		buf_add(&p->enc, f, sizeof(f));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		buf_add(&p->enc, s->v, nv * sizeof(double)); /* as they are */
#else
		for (unsigned k = 0; k < nv; k++)
			put_f64(&p->enc, s->v[k]);
#endif
		if (b->req_id != REQID_NONE)
			buf_add(&p->enc, s->req_id, 36);
	}
	return 0;
}

/* A spool record back into a batch over p->s. 0 or -EBADMSG. */
static int
decode(struct stage *st, const unsigned char *q, size_t len, struct batch *b)
{
	struct spool_stage  *p   = st->priv;
	const struct model  *m   = st->conf->model;
	const unsigned char *end = q + len;

	if (len < BATCH_HDR)
		return -EBADMSG;
	memset(b, 0, sizeof(*b));
	b->n       = (unsigned)wire_get_le(q, 4);
	b->records = (unsigned)wire_get_le(q + 4, 4);
	b->points  = (unsigned)wire_get_le(q + 8, 4);
	b->multi   = q[12] != 0;
	b->req_id  = q[13];
	q += BATCH_HDR;
	if (b->n > len / SAMPLE_FIX)
		return -EBADMSG;
	if (b->n > p->cap) {
		p->cap = b->n;
		p->s   = xrealloc(p->s, (size_t)p->cap * sizeof(*p->s));
	}
	for (unsigned i = 0; i < b->n; i++) {
		struct sample *s = &p->s[i];
		unsigned       kind, nv;
		uint32_t       ix;

		if (end - q < SAMPLE_FIX)
			return -EBADMSG;
		/* every field set below: no memset of the whole slot */
		s->bad     = 0;
		kind       = q[0];
		s->first   = q[1];
		s->count   = q[2];
		nv         = q[3];
		ix         = (uint32_t)wire_get_le(q + 4, 4);
		s->time_ms = (int64_t)wire_get_le(q + 8, 8);
		s->absent  = (uint32_t)wire_get_le(q + 16, 4);
		q += SAMPLE_FIX;
		if (nv > SCHEMA_MAX_VALUES
		    || (size_t)(end - q)
		        < nv * 8u + (b->req_id != REQID_NONE ? 36u : 0u))
			return -EBADMSG;
		if (kind == SERIES_EVENTS && ix < m->n_events)
			s->series = &m->events[ix];
		else if (kind == SERIES_METRICS && ix < m->n_metrics)
			s->series = &m->metrics[ix];
		else
			return -EBADMSG;
		memset(
		    s->v + nv, 0, (SCHEMA_MAX_VALUES - nv) * sizeof(double));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(s->v, q, nv * sizeof(double));
		q += nv * sizeof(double);
#else
		for (unsigned k = 0; k < nv; k++) {
			uint64_t u = wire_get_le(q, 8);

			memcpy(&s->v[k], &u, 8);
			q += 8;
		}
#endif
		s->req_id[0] = '\0';
		if (b->req_id != REQID_NONE) {
			memcpy(s->req_id, q, 36);
			s->req_id[36] = '\0';
			q += 36;
		}
	}
	b->s = p->s;
	return 0;
}

static void
went_down(struct spool_stage *p, bool unreachable)
{
	p->down     = unreachable;
	p->probe_ns = now_ns()
	    + backoff_ns(&p->rng, PROBE_BASE_NS, PROBE_CAP_NS, p->attempt);
	if (p->attempt < 64)
		p->attempt++;
}

/* Sends the oldest spooled batch. true when the target took it (or
 * refused it for good: counted as failed); false when it is down or busy
 * (the next probe scheduled) or the spool is empty. */
static bool
replay_one(struct stage *st)
{
	struct spool_stage *p = st->priv;
	struct spool_rec    r;
	struct batch        b;
	enum tgt_status     ts;
	int                 rc;

	rc = spool_peek(p->sp, &r, NULL, NULL, 0);
	if (rc)
		return false;
	if (decode(st, r.p, r.len, &b)) {
		/* sound checksum, unreadable samples: another model */
		p->c.corrupt += r.records;
		spool_consume(p->sp);
		return true;
	}
	st->ctx->rejected        = 0;
	st->ctx->rejected_points = 0;
	ts                       = stage_forward(st, &b);
	if (target_status_stop(ts) || (ts != TGT_OK && abandon_due()))
		return false; /* kept: the run stops, the next one sends it */
	if (target_status_retry(ts)) {
		went_down(p, ts == TGT_UNREACHABLE);
		return false;
	}
	if (ts == TGT_OK) {
		unsigned rr = st->ctx->rejected < b.records ? st->ctx->rejected
		                                            : b.records;
		unsigned rp = st->ctx->rejected_points < b.points
		    ? st->ctx->rejected_points
		    : b.points;

		p->c.replayed += b.records - rr;
		p->c.replayed_points += b.points - rp;
		p->c.replay_rejected += rr;
		p->down    = false;
		p->attempt = 0;
	} else {
		p->c.replay_failed += b.records; /* refused: never taken */
	}
	spool_consume(p->sp);
	return true;
}

/* Replays alongside new data: nothing before the next probe of a target
 * that is down; else at least one batch, then more while it takes no
 * longer than `budget_ns`. */
static void
replay_some(struct stage *st, uint64_t budget_ns)
{
	struct spool_stage *p  = st->priv;
	uint64_t            t0 = now_ns();

	if (spool_empty(p->sp) || (p->probe_ns && t0 < p->probe_ns))
		return;
	p->probe_ns = 0;
	while (
	    replay_one(st) && !spool_empty(p->sp) && now_ns() - t0 < budget_ns)
		;
}

/* Keeps b in the spool; under block, waits for room, probing the target
 * (back pressure). TGT_SPOOLED, or TGT_FAIL with the reason in ctx->err. */
static enum tgt_status
keep(struct stage *st, const struct batch *b)
{
	struct spool_stage *p = st->priv;
	int                 rc;

	if (encode(st, b)) {
		snprintf(st->ctx->err, sizeof(st->ctx->err),
		    "spool: a sample of a series outside the model");
		return TGT_FAIL;
	}
	while ((rc = spool_append(p->sp, p->enc.p, p->enc.len, b->records,
	            b->points, st->ctx->err, sizeof(st->ctx->err)))
	    == -ENOSPC) {
		if (abandon_due()) {
			snprintf(st->ctx->err, sizeof(st->ctx->err),
			    "spool full and the target down at the stop: batch not kept");
			return TGT_FAIL;
		}
		if (p->probe_ns)
			sleep_until_ns(p->probe_ns);
		replay_some(st, PROBE_CAP_NS);
	}
	return rc < 0 ? TGT_FAIL : TGT_SPOOLED;
}

static enum tgt_status
spool_write(struct stage *st, const struct batch *b)
{
	struct spool_stage *p    = st->priv;
	uint64_t            idle = p->idle_from ? now_ns() - p->idle_from : 0;
	enum tgt_status     ts;

	replay_some(st, idle);
	/* the caller reads these for its batch, not for a replayed one */
	st->ctx->rejected        = 0;
	st->ctx->rejected_points = 0;
	if (p->down && (!spool_empty(p->sp) || now_ns() < p->probe_ns))
		ts = keep(st, b); /* behind the spooled ones */
	else {
		ts = stage_forward(st, b);
		if (ts == TGT_UNREACHABLE) {
			went_down(p, true);
			ts = keep(st, b);
		} else if (ts == TGT_OK) {
			p->down    = false;
			p->attempt = 0;
		}
	}
	/* group commit: the appends of the last 50 ms count once synced (a
	 * failure is said by the spool; they stay uncounted) */
	spool_sync_due(p->sp, NULL, 0);
	p->idle_from = now_ns();
	return ts;
}

static enum tgt_status
spool_spill(struct stage *st, const struct batch *b)
{
	struct spool_stage *p = st->priv;

	went_down(p, p->down);
	return keep(st, b);
}

/* The run ends: sends what is left while the target takes it; a target
 * still down after max_retries probes in a row leaves it for the next
 * run. One batch or probe per call. */
static bool
spool_flush(struct stage *st)
{
	struct spool_stage *p = st->priv;

	spool_sync(p->sp, NULL, 0);
	if (spool_empty(p->sp) || abandon_due())
		return false;
	if (p->probe_ns)
		sleep_until_ns(p->probe_ns);
	p->probe_ns = 0;
	if (replay_one(st)) {
		p->flush_fails = 0;
		return true;
	}
	return !spool_empty(p->sp)
	    && ++p->flush_fails <= st->conf->max_retries;
}

static void
spool_stage_counts(struct stage *st, struct stage_counts *c)
{
	struct spool_stage *p = st->priv;
	struct spool_counts n;

	spool_counts(p->sp, &n);
	c->spooled += n.appended;
	c->replayed += p->c.replayed;
	c->replayed_points += p->c.replayed_points;
	c->replay_rejected += p->c.replay_rejected;
	c->replay_failed += p->c.replay_failed;
	c->dropped += n.dropped;
	c->corrupt += n.corrupt + p->c.corrupt;
	c->corrupt_spans += n.corrupt_spans;
	c->start += n.start;
	c->left += n.left;
	c->bytes += n.bytes;
	c->blocked += n.blocked;
}

static int
spool_init(struct stage *st)
{
	const struct stage_conf *c  = st->conf;
	struct spool_stage      *p  = xcalloc(1, sizeof(*p));
	struct spool_conf        sc = {
		       .dir   = c->spool_dir,
		       .max   = c->spool_max,
		       .full  = (enum spool_full)c->spool_full,
		       .sync  = c->spool_sync,
		       .ident = c->ident,
	};

	st->priv = p;
	buf_init(&p->enc, (size_t)1 << 30);
	xrng_seed(&p->rng, now_ns(), (uint64_t)st->ctx->thread);
	if (!c->spool_dir || !c->spool_dir[0] || !c->model) {
		snprintf(st->ctx->err, sizeof(st->ctx->err),
		    "spool: no directory or model given");
		return -EINVAL;
	}
	return spool_open(&p->sp, &sc, st->ctx->err, sizeof(st->ctx->err));
}

static void
spool_fini(struct stage *st)
{
	struct spool_stage *p = st->priv;

	if (!p)
		return;
	spool_close(p->sp);
	buf_free(&p->enc);
	free(p->s);
	free(p);
	st->priv = NULL;
}

const struct stage_ops stage_spool = {
	.name   = "spool",
	.help   = "keeps the batches its target cannot take on disk "
	          "(--spool-dir) and sends them when it answers again",
	.init   = spool_init,
	.write  = spool_write,
	.spill  = spool_spill,
	.flush  = spool_flush,
	.counts = spool_stage_counts,
	.fini   = spool_fini,
};
