/* stats_msg.c - a worker's totals on the wire (STATS and RESULT). */
#include "stats_msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A histogram: its totals and the non-empty buckets. */
static void
put_hist(struct buf *b, const struct hist *h)
{
	uint32_t used = 0;

	proto_put_u64(b, h->count);
	proto_put_u64(b, h->clamped);
	proto_put_u64(b, h->min);
	proto_put_u64(b, h->max);
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		used += h->b[i] != 0;
	proto_put_u32(b, used);
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		proto_put_u32(b, i);
		proto_put_u64(b, h->b[i]);
	}
}

static int
get_hist(struct proto_rd *rd, struct hist *h)
{
	uint32_t used;

	h->count   = proto_get_u64(rd);
	h->clamped = proto_get_u64(rd);
	h->min     = proto_get_u64(rd);
	h->max     = proto_get_u64(rd);
	used       = proto_get_u32(rd);
	if (used > HIST_BUCKETS)
		return -EPROTO;
	for (uint32_t k = 0; k < used && !rd->bad; k++) {
		uint32_t i = proto_get_u32(rd);
		uint64_t c = proto_get_u64(rd);

		if (i >= HIST_BUCKETS)
			return -EPROTO;
		h->b[i] = c;
	}
	return 0;
}

static void
put_counts(struct buf *b, const struct stats *s)
{
	proto_put_u64(b, s->attempts);
	proto_put_u64(b, s->ok);
	proto_put_u64(b, s->failed);
	proto_put_u64(b, s->throttles);
	proto_put_u64(b, s->rejected);
	proto_put_u64(b, s->injected);
	proto_put_u64(b, s->records);
	proto_put_u64(b, s->points);
	proto_put_u64(b, s->behind);
	proto_put_u64(b, s->generated);
	proto_put_u64(b, s->lost);
	proto_put_u64(b, s->spooled);
	proto_put_u64(b, s->replayed);
	proto_put_u64(b, s->spool_start);
	proto_put_u64(b, s->spool_left);
	proto_put_u64(b, s->spool_bytes);
	proto_put_u64(b, s->dropped);
	proto_put_u64(b, s->corrupt);
	proto_put_u64(b, s->corrupt_spans);
	proto_put_u64(b, s->spool_blocked);
	proto_put_f64(b, s->sum);
	proto_put_f64(b, s->sum2);
	proto_put_f64(b, s->sum_log);
	proto_put_u64(b, s->n_log);
	put_hist(b, &s->h);
	proto_put_u64(b, s->skipped);
	proto_put_u64(b, s->skipped_points);
	put_hist(b, &s->hi);
	put_hist(b, &s->hl);
	put_hist(b, &s->hf);
	proto_put_u64(b, s->fresh_lost);
}

static int
get_counts(struct proto_rd *rd, struct stats *s)
{
	stats_init(s);
	s->attempts      = proto_get_u64(rd);
	s->ok            = proto_get_u64(rd);
	s->failed        = proto_get_u64(rd);
	s->throttles     = proto_get_u64(rd);
	s->rejected      = proto_get_u64(rd);
	s->injected      = proto_get_u64(rd);
	s->records       = proto_get_u64(rd);
	s->points        = proto_get_u64(rd);
	s->behind        = proto_get_u64(rd);
	s->generated     = proto_get_u64(rd);
	s->lost          = proto_get_u64(rd);
	s->spooled       = proto_get_u64(rd);
	s->replayed      = proto_get_u64(rd);
	s->spool_start   = proto_get_u64(rd);
	s->spool_left    = proto_get_u64(rd);
	s->spool_bytes   = proto_get_u64(rd);
	s->dropped       = proto_get_u64(rd);
	s->corrupt       = proto_get_u64(rd);
	s->corrupt_spans = proto_get_u64(rd);
	s->spool_blocked = proto_get_u64(rd);
	s->sum           = proto_get_f64(rd);
	s->sum2          = proto_get_f64(rd);
	s->sum_log       = proto_get_f64(rd);
	s->n_log         = proto_get_u64(rd);
	if (get_hist(rd, &s->h))
		return -EPROTO;
	s->skipped        = proto_get_u64(rd);
	s->skipped_points = proto_get_u64(rd);
	if (get_hist(rd, &s->hi) || get_hist(rd, &s->hl)
	    || get_hist(rd, &s->hf))
		return -EPROTO;
	s->fresh_lost = proto_get_u64(rd);
	return rd->bad ? -EPROTO : 0;
}

static void
host_add(struct proto_hosts *d, unsigned i, const char *name, uint64_t b,
    uint64_t m, uint64_t downs, int64_t down_ms)
{
	struct proto_host *h = &d->h[i];

	if (i >= d->n) {
		d->n = i + 1;
		snprintf(h->name, sizeof(h->name), "%s", name);
	}
	h->batches += b;
	h->moved += m;
	h->downs += downs;
	if (down_ms && (!h->down_ms || down_ms < h->down_ms))
		h->down_ms = down_ms;
}

void
proto_hosts_add_pub(struct proto_hosts *dst, const struct cluster_pub *p)
{
	unsigned n = atomic_load(&p->n);

	for (unsigned i = 0; i < n && i < CLUSTER_HOSTS_MAX; i++)
		host_add(dst, i, p->name[i], atomic_load(&p->batches[i]),
		    atomic_load(&p->moved[i]), atomic_load(&p->downs[i]),
		    atomic_load(&p->down_ms[i]));
}

void
proto_hosts_add(struct proto_hosts *dst, const struct proto_hosts *src)
{
	for (unsigned i = 0; i < src->n && i < CLUSTER_HOSTS_MAX; i++)
		host_add(dst, i, src->h[i].name, src->h[i].batches,
		    src->h[i].moved, src->h[i].downs, src->h[i].down_ms);
}

static void
put_hosts(struct buf *b, const struct proto_hosts *h)
{
	proto_put_u32(b, h->n);
	for (uint32_t i = 0; i < h->n && i < CLUSTER_HOSTS_MAX; i++) {
		proto_put_str(b, h->h[i].name);
		proto_put_u64(b, h->h[i].batches);
		proto_put_u64(b, h->h[i].moved);
		proto_put_u64(b, h->h[i].downs);
		proto_put_u64(b, (uint64_t)h->h[i].down_ms);
	}
}

static int
get_hosts(struct proto_rd *rd, struct proto_hosts *h)
{
	memset(h, 0, sizeof(*h));
	h->n = proto_get_u32(rd);
	if (h->n > CLUSTER_HOSTS_MAX)
		return -EPROTO;
	for (uint32_t i = 0; i < h->n && !rd->bad; i++) {
		proto_get_str(rd, h->h[i].name, sizeof(h->h[i].name));
		h->h[i].batches = proto_get_u64(rd);
		h->h[i].moved   = proto_get_u64(rd);
		h->h[i].downs   = proto_get_u64(rd);
		h->h[i].down_ms = (int64_t)proto_get_u64(rd);
	}
	return rd->bad ? -EPROTO : 0;
}

void
proto_put_stats(struct buf *b, const struct proto_stats *m)
{
	put_counts(b, &m->s);
	proto_put_u32(b, m->threads_ok);
	proto_put_u32(b, m->state);
	proto_put_str(b, m->err);
	proto_put_u32(b, m->batch_min);
	proto_put_u32(b, m->batch_max);
	put_hosts(b, &m->hosts);
	proto_put_u32(b, m->n_tgt);
	for (uint32_t k = 0; k < m->n_tgt && k < PROTO_TARGETS_MAX; k++) {
		put_counts(b, &m->tgt[k].s);
		proto_put_u32(b, m->tgt[k].state);
		proto_put_str(b, m->tgt[k].err);
		put_hosts(b, &m->tgt[k].hosts);
	}
}

int
proto_get_stats(struct proto_rd *rd, struct proto_stats *m)
{
	int rc = get_counts(rd, &m->s);

	if (rc)
		return rc;
	m->threads_ok = proto_get_u32(rd);
	m->state      = proto_get_u32(rd);
	proto_get_str(rd, m->err, sizeof(m->err));
	m->batch_min = proto_get_u32(rd);
	m->batch_max = proto_get_u32(rd);
	if (get_hosts(rd, &m->hosts))
		return -EPROTO;
	m->n_tgt = proto_get_u32(rd);
	if (m->n_tgt > PROTO_TARGETS_MAX)
		return -EPROTO;
	for (uint32_t k = 0; k < m->n_tgt && !rd->bad; k++) {
		rc = get_counts(rd, &m->tgt[k].s);
		if (rc)
			return rc;
		m->tgt[k].state = proto_get_u32(rd);
		proto_get_str(rd, m->tgt[k].err, sizeof(m->tgt[k].err));
		if (get_hosts(rd, &m->tgt[k].hosts))
			return -EPROTO;
	}
	return rd->bad ? -EPROTO : 0;
}
