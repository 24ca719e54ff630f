/* cluster.c - the stage that spreads batches over the hosts of a target
 * URL naming a cluster ("vm://h1:8428,h2:8428/?balance=hash"): one
 * connection of the target per host, the hosts' health kept by
 * common/net/cluster.c. It ends the chain in place of the target: the
 * chain's own ctx is not connected, it only carries the outcome's reason
 * and the throttles.
 *
 * rr: each batch goes whole to the next host in turn. hash: a batch is
 * split by series (cluster_key of its name), each part to its host. A
 * part whose host cannot be reached moves to the next host that is up;
 * when every host is out the batch is refused as unreachable (the caller
 * backs off and tries again), unless part of it was written: then the
 * stage waits for the next probe itself, so no part is written twice.
 * A busy answer (TGT_RETRY) moves the part on too, without taking the
 * host out; a refusal (TGT_FAIL) is the batch's, not the host's. A host
 * that could not be connected at the start gets the target's ->setup
 * when it is first reached (the coordinator's may have missed it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abandon.h"
#include "clock.h"
#include "stage.h"
#include "xalloc.h"

struct cl_priv {
	struct cluster  c;
	struct tgt_conf conf[CLUSTER_HOSTS_MAX];
	struct tgt_ctx  hc[CLUSTER_HOSTS_MAX];
	bool            inited[CLUSTER_HOSTS_MAX];
	bool            tried[CLUSTER_HOSTS_MAX]; /* ->init called once */
	uint64_t        last_throttles[CLUSTER_HOSTS_MAX];
	/* hash: the batch's samples regrouped per host, and each one's
	 * host (-1: written) */
	struct sample *sub;
	int           *dest;
	unsigned       cap;
};

/* Publishes host i's state to the reporter (when it asks). */
static void
pub_host(struct stage *s, unsigned i, bool moved, bool ok)
{
	struct cl_priv     *p   = s->priv;
	struct cluster_pub *pub = s->ctx->hosts;

	if (!pub)
		return;
	if (ok)
		atomic_fetch_add(&pub->batches[i], 1);
	if (moved)
		atomic_fetch_add(&pub->moved[i], 1);
	atomic_store(&pub->down_ms[i],
	    p->c.hl[i].down ? wall_ms()
	            - (int64_t)((now_ns() - p->c.hl[i].down_since_ns)
	                / 1000000)
	                    : 0);
}

/* Connects host i when it is not (at the start, or after its ->init
 * failed). */
static int
host_open(struct stage *s, unsigned i)
{
	struct cl_priv *p = s->priv;
	struct tgt_ctx *h = &p->hc[i];
	int             rc;

	if (p->inited[i])
		return 0;
	if (h->priv)
		h->ops->fini(h);
	h->priv = NULL;
	rc      = h->ops->init(h);
	/* A host that was out at the start may have missed the run's
	 * set-up (the coordinator's goes on without it): done here. */
	if (!rc && p->tried[i] && h->ops->setup)
		rc = h->ops->setup(h->conf, h->err, sizeof(h->err));
	p->tried[i] = true;
	if (rc) {
		snprintf(s->ctx->err, sizeof(s->ctx->err), "%s", h->err);
		return rc;
	}
	p->inited[i] = true;
	return 0;
}

/* Host i could not be reached: out until its probe. */
static void
host_down(struct stage *s, unsigned i)
{
	struct cl_priv *p   = s->priv;
	bool            was = p->c.hl[i].down;

	cluster_down(&p->c, i, now_ns());
	if (!was && s->ctx->hosts)
		atomic_fetch_add(&s->ctx->hosts->downs[i], 1);
	pub_host(s, i, false, false);
}

/* Writes b to host i. */
static enum tgt_status
host_write(struct stage *s, unsigned i, const struct batch *b)
{
	struct cl_priv *p = s->priv;
	struct tgt_ctx *h = &p->hc[i];
	enum tgt_status st;

	if (host_open(s, i))
		return TGT_UNREACHABLE;
	h->rejected        = 0;
	h->rejected_points = 0;
	st                 = h->ops->write(h, b);
	s->ctx->throttles += h->throttles - p->last_throttles[i];
	p->last_throttles[i] = h->throttles;
	if (st != TGT_OK || h->rejected)
		snprintf(s->ctx->err, sizeof(s->ctx->err), "%s", h->err);
	if (st == TGT_OK) {
		s->ctx->rejected += h->rejected;
		s->ctx->rejected_points += h->rejected_points;
		cluster_up(&p->c, i);
	} else if (st == TGT_UNREACHABLE) {
		host_down(s, i);
	}
	return st;
}

/* Every host is out: the reason, naming the last failure. */
static enum tgt_status
all_down(struct stage *s, enum tgt_status last)
{
	struct cl_priv *p = s->priv;
	char            why[TGT_ERR_MAX];

	memcpy(why, s->ctx->err, sizeof(why));
	snprintf(s->ctx->err, sizeof(s->ctx->err),
	    "all %u hosts of the cluster down%s%.200s", p->c.n,
	    why[0] ? ": " : "", why);
	return last == TGT_OK ? TGT_UNREACHABLE : last;
}

static enum tgt_status
rr_write(struct stage *s, const struct batch *b)
{
	struct cl_priv *p    = s->priv;
	enum tgt_status last = TGT_UNREACHABLE;
	int             failed[CLUSTER_HOSTS_MAX], nf = 0;

	for (unsigned tries = 0; tries < p->c.n; tries++) {
		unsigned pref;
		int      i = cluster_pick(&p->c, 0, now_ns(), &pref);
		bool     skipped;

		if (i < 0)
			break;
		skipped = (unsigned)i != pref && p->c.hl[pref].down;
		last    = host_write(s, (unsigned)i, b);
		if (last == TGT_OK) {
			for (int k = 0; k < nf; k++)
				pub_host(s, (unsigned)failed[k], true, false);
			if (skipped && !nf)
				pub_host(s, pref, true, false);
			pub_host(s, (unsigned)i, false, true);
			return TGT_OK;
		}
		if (!target_status_retry(last))
			return last;
		failed[nf++] = i;
	}
	return all_down(s, last);
}

/* Records and points of sample x, as the ingest loop counts them. */
static void
sample_counts(const struct batch *b, const struct sample *x, unsigned *rec,
    unsigned *pts)
{
	*rec = b->multi ? 1 : x->count;
	*pts = b->multi ? target_points(x) : x->count;
}

static enum tgt_status
hash_write(struct stage *s, const struct batch *b)
{
	struct cl_priv *p             = s->priv;
	unsigned        pending       = b->n;
	bool            wrote         = false;
	enum tgt_status last          = TGT_UNREACHABLE;
	bool moved[CLUSTER_HOSTS_MAX] = { false }; /* parts moved away */

	if (b->n > p->cap) {
		p->cap  = b->n;
		p->sub  = xrealloc(p->sub, (size_t)p->cap * sizeof(*p->sub));
		p->dest = xrealloc(p->dest, (size_t)p->cap * sizeof(*p->dest));
	}
	for (unsigned j = 0; j < b->n; j++)
		p->dest[j] = 0; /* to be placed */
	while (pending) {
		bool placed = false;

		for (unsigned j = 0; j < b->n; j++) {
			const struct series *se = b->s[j].series;
			unsigned             pref;
			int                  i;

			if (p->dest[j] < 0)
				continue;
			i          = cluster_pick(&p->c,
			             cluster_key(se->name, se->name_len, se->kind),
			             now_ns(), &pref);
			p->dest[j] = i < 0 ? 0 : i + 1;
			placed |= i >= 0;
			if (i >= 0 && (unsigned)i != pref)
				moved[pref] = true;
		}
		if (!placed) {
			uint64_t t = cluster_next_probe(&p->c);

			if (!wrote || abandon_due())
				return all_down(s, last);
			/* part written: wait for a host, write the rest */
			sleep_until_ns(
			    t == UINT64_MAX ? now_ns() + 100000000ull : t);
			continue;
		}
		for (unsigned i = 0; i < p->c.n; i++) {
			struct batch sb = *b;

			sb.s = p->sub;
			sb.n = sb.records = sb.points = 0;
			for (unsigned j = 0; j < b->n; j++) {
				unsigned r, q;

				if (p->dest[j] != (int)i + 1)
					continue;
				p->sub[sb.n++] = b->s[j];
				sample_counts(b, &b->s[j], &r, &q);
				sb.records += r;
				sb.points += q;
			}
			if (!sb.n)
				continue;
			last = host_write(s, i, &sb);
			if (last == TGT_OK) {
				wrote = true;
				pending -= sb.n;
				for (unsigned j = 0; j < b->n; j++)
					if (p->dest[j] == (int)i + 1)
						p->dest[j] = -1;
				pub_host(s, i, false, true);
			} else if (!target_status_retry(last)) {
				return last; /* refused: the batch's fault */
			} else {
				moved[i] = true;
			}
		}
	}
	/* a batch counts once as moved away from each host it left */
	for (unsigned i = 0; i < p->c.n; i++)
		if (moved[i])
			pub_host(s, i, true, false);
	return TGT_OK;
}

static enum tgt_status
cluster_write(struct stage *s, const struct batch *b)
{
	struct cl_priv *p = s->priv;

	s->ctx->rejected        = 0;
	s->ctx->rejected_points = 0;
	return p->c.bal == CLUSTER_HASH ? hash_write(s, b) : rr_write(s, b);
}

static int
cluster_init(struct stage *s)
{
	struct cl_priv *p = xcalloc(1, sizeof(*p));
	int             rc, ok = 0;

	s->priv = p;
	rc      = cluster_parse(
	         &p->c, s->ctx->conf->url, s->ctx->err, sizeof(s->ctx->err));
	if (rc)
		return rc;
	if (s->ctx->hosts) {
		for (unsigned i = 0; i < p->c.n; i++)
			snprintf(s->ctx->hosts->name[i],
			    sizeof(s->ctx->hosts->name[i]), "%s",
			    p->c.h[i].name);
		atomic_store(&s->ctx->hosts->n, p->c.n);
	}
	/* A host that cannot be reached at the start is out, not fatal:
	 * it is probed like one that went down later. */
	for (unsigned i = 0; i < p->c.n; i++) {
		p->conf[i]      = *s->ctx->conf;
		p->conf[i].url  = p->c.h[i].url;
		p->hc[i].ops    = s->ctx->ops;
		p->hc[i].conf   = &p->conf[i];
		p->hc[i].worker = s->ctx->worker;
		p->hc[i].thread = s->ctx->thread;
		rc              = host_open(s, i);
		if (rc)
			host_down(s, i);
		else
			ok++;
	}
	return ok ? 0 : rc;
}

static void
cluster_fini(struct stage *s)
{
	struct cl_priv *p = s->priv;

	if (!p)
		return;
	for (unsigned i = 0; i < p->c.n; i++)
		if (p->hc[i].ops)
			p->hc[i].ops->fini(&p->hc[i]);
	free(p->sub);
	free(p->dest);
	free(p);
	s->priv = NULL;
}

const struct stage_ops stage_cluster = {
	.name = "cluster",
	.help
	= "spreads batches over the hosts of a cluster URL (rr or hash), taking dead hosts out and probing them back",
	.init  = cluster_init,
	.write = cluster_write,
	.fini  = cluster_fini,
};
