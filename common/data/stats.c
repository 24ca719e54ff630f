/* stats.c - per-thread counters and latency statistics.
 *
 * Sums are kept in ns so that recording costs no division; they are turned
 * into seconds only when read. Merging is plain addition, so thread, worker
 * and coordinator totals are exact sums of their parts.
 */
#include "stats.h"

#include <math.h>
#include <string.h>

void
stats_init(struct stats *s)
{
	memset(s, 0, sizeof(*s));
	hist_init(&s->h);
	hist_init(&s->hi);
	hist_init(&s->hl);
	hist_init(&s->hf);
}

void
stats_record(struct stats *s, uint64_t ns, bool ok)
{
	double d = (double)ns;

	s->attempts++;
	if (ok)
		s->ok++;
	else
		s->failed++;
	s->sum += d;
	s->sum2 += d * d;
	/* ln(0) is -inf and would poison the geometric mean. */
	if (ok && ns > 0) {
		s->sum_log += log(d * 1e-9);
		s->n_log++;
	}
	hist_record(&s->h, ns);
}

void
stats_record_open(
    struct stats *s, uint64_t due_ns, uint64_t sent_ns, uint64_t end_ns)
{
	hist_record(&s->hi, end_ns > due_ns ? end_ns - due_ns : 0);
	hist_record(&s->hl, sent_ns > due_ns ? sent_ns - due_ns : 0);
}

void
stats_merge(struct stats *dst, const struct stats *src)
{
	dst->attempts += src->attempts;
	dst->ok += src->ok;
	dst->failed += src->failed;
	dst->throttles += src->throttles;
	dst->rejected += src->rejected;
	dst->injected += src->injected;
	dst->records += src->records;
	dst->points += src->points;
	dst->behind += src->behind;
	dst->generated += src->generated;
	dst->lost += src->lost;
	dst->spooled += src->spooled;
	dst->replayed += src->replayed;
	dst->spool_start += src->spool_start;
	dst->spool_left += src->spool_left;
	dst->spool_bytes += src->spool_bytes;
	dst->dropped += src->dropped;
	dst->corrupt += src->corrupt;
	dst->corrupt_spans += src->corrupt_spans;
	dst->spool_blocked += src->spool_blocked;
	dst->sum += src->sum;
	dst->sum2 += src->sum2;
	dst->sum_log += src->sum_log;
	dst->n_log += src->n_log;
	hist_merge(&dst->h, &src->h);
	dst->skipped += src->skipped;
	dst->skipped_points += src->skipped_points;
	hist_merge(&dst->hi, &src->hi);
	hist_merge(&dst->hl, &src->hl);
	hist_merge(&dst->hf, &src->hf);
	dst->fresh_lost += src->fresh_lost;
}

double
stats_mean_s(const struct stats *s)
{
	if (s->attempts == 0)
		return 0;
	return s->sum / (double)s->attempts * 1e-9;
}

double
stats_stddev_s(const struct stats *s)
{
	double n, mean, var;

	if (s->attempts == 0)
		return 0;
	n    = (double)s->attempts;
	mean = s->sum / n;
	var  = s->sum2 / n - mean * mean;
	/* E[x^2] - E[x]^2 can come out slightly negative by rounding when
	 * all latencies are (nearly) equal. */
	if (!(var > 0))
		return 0;
	return sqrt(var) * 1e-9;
}

double
stats_geomean_s(const struct stats *s)
{
	if (s->n_log == 0)
		return 0;
	return exp(s->sum_log / (double)s->n_log);
}
