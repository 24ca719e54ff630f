/* report.c - live line, closing lines, timeseries.csv and run.json.
 * The closing lines reproduce the seed's format character for character;
 * everything else adds what the seed does not say (data points, throttles,
 * finer latency figures).
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batchauto.h"
#include "buf.h"
#include "clock.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "pyfmt.h"
#include "qsummary.h"
#include "target.h"
#include "thresholds.h"
#include "schedule.h"
#include "version.h"
#include "xalloc.h"

int
report_open_dir(
    struct report_run *r, const char *results, char *err, size_t errlen)
{
	struct tm tm;
	time_t    now = time(NULL);
	int       rc;

	gmtime_r(&now, &tm);
	snprintf(r->id, sizeof(r->id), "%04d%02d%02d-%02d%02d%02d-%s-%d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, r->cmd, (int)getpid());
	snprintf(r->dir, sizeof(r->dir), "%s/%s", results, r->id);
	rc = fs_mkdir_p(r->dir, NULL, 0);
	if (rc)
		snprintf(err, errlen, "--results: cannot create %s: %s",
		    r->dir, strerror(-rc));
	return rc;
}

/* '{:,}' of round(x, nd), as the seed prints its statistics. */
static const char *
pyc(char *out, size_t n, double x, int nd)
{
	pyfmt_float_comma(out, n, pyfmt_round(x, nd));
	return out;
}

/* repr(round(x, nd)): the continuous seed prints numpy's rounded
 * floats as they are. */
static const char *
pyr(char *out, size_t n, double x, int nd)
{
	pyfmt_repr(out, n, pyfmt_round(x, nd));
	return out;
}

/* The continuous ingestor's closing lines (seed-behaviour.md §5.5): its
 * statistics over every attempt, latencies in seconds rounded to 3
 * places, then the time rounded to 2; tsload's records line after. */
static void
closing_continuous(FILE *f, const struct stats *t, double secs)
{
	char a[48], sd[48], p50[48], p90[48], p99[48], tt[48], tps[48],
	    rps[48];
	const struct hist *h = &t->h;

	fprintf(f,
	    "Total=%llu, Success=%llu, Avg=%s, Stddev=%s, 50thPerc=%s, 90thPerc=%s, 99thPerc=%s\n",
	    (unsigned long long)t->attempts, (unsigned long long)t->ok,
	    pyr(a, sizeof(a), stats_mean_s(t), 3),
	    pyr(sd, sizeof(sd), stats_stddev_s(t), 3),
	    pyr(p50, sizeof(p50), hist_percentile(h, 50) / 1e9, 3),
	    pyr(p90, sizeof(p90), hist_percentile(h, 90) / 1e9, 3),
	    pyr(p99, sizeof(p99), hist_percentile(h, 99) / 1e9, 3));
	fprintf(f, "Total time to ingest: %s seconds\n",
	    pyr(tt, sizeof(tt), secs, 2));
	fprintf(f, "Records written: %llu. TPS: %s, Records/sec: %s\n",
	    (unsigned long long)t->records,
	    pyc(tps, sizeof(tps), secs > 0 ? t->attempts / secs : 0, 2),
	    pyc(rps, sizeof(rps), secs > 0 ? t->records / secs : 0, 2));
}

/* Whether a spool was in use: something kept, sent, found or dropped. */
static bool
spool_used(const struct stats *t)
{
	return t->spooled || t->spool_start || t->spool_left || t->dropped
	    || t->corrupt || t->corrupt_spans || t->spool_bytes;
}

/* The spool's figures after `what` ("Spool", or "Target 2 spool"), and
 * the check that every generated record is accounted for: written,
 * refused, lost, still spooled, dropped or corrupt ("Records do not add
 * up", or "Target 2 records do not add up"). */
static void
report_spool(FILE *f, const char *what, const struct stats *t)
{
	/* "Target 2 " of "Target 2 spool"; nothing of "Spool" */
	size_t tl = strncmp(what, "Target ", 7) ? 0 : strcspn(what, "s");

	uint64_t in  = t->generated + t->spool_start;
	uint64_t out = t->records + t->rejected + t->lost + t->spool_left
	    + t->dropped + t->corrupt;

	if (spool_used(t))
		fprintf(f,
		    "%s: %llu records kept, %llu sent from it, %llu left (%llu bytes), %llu dropped when full, %llu failing their checksum (+%llu damaged spans), %llu from an earlier run, %llu waits for room\n",
		    what, (unsigned long long)t->spooled,
		    (unsigned long long)t->replayed,
		    (unsigned long long)t->spool_left,
		    (unsigned long long)t->spool_bytes,
		    (unsigned long long)t->dropped,
		    (unsigned long long)t->corrupt,
		    (unsigned long long)t->corrupt_spans,
		    (unsigned long long)t->spool_start,
		    (unsigned long long)t->spool_blocked);
	if (in != out)
		fprintf(f,
		    "%.*s%s do not add up: generated %llu + %llu from an earlier spool != written %llu + rejected %llu + lost %llu + left in the spool %llu + dropped %llu + corrupt %llu\n",
		    (int)tl, what, tl ? "records" : "Records",
		    (unsigned long long)t->generated,
		    (unsigned long long)t->spool_start,
		    (unsigned long long)t->records,
		    (unsigned long long)t->rejected,
		    (unsigned long long)t->lost,
		    (unsigned long long)t->spool_left,
		    (unsigned long long)t->dropped,
		    (unsigned long long)t->corrupt);
}

void
report_closing(FILE *f, const struct stats *t, double secs, bool continuous)
{
	char a[48], sd[48], p50[48], p90[48], p99[48], tt[48], tps[48],
	    rps[48], tot[32], ok[32];
	const struct hist *h = &t->h;

	if (continuous) {
		closing_continuous(f, t, secs);
		goto tsload_lines;
	}
	pyfmt_int_comma(tot, sizeof(tot), (int64_t)t->attempts);
	pyfmt_int_comma(ok, sizeof(ok), (int64_t)t->ok);
	fprintf(f,
	    "[OVERALL] Total=%s, Success=%s, Avg=%s, Stddev=%s, 50thPerc=%s, 90thPerc=%s, 99thPerc=%s. Records written: %llu\n",
	    tot, ok, pyc(a, sizeof(a), stats_mean_s(t), 3),
	    pyc(sd, sizeof(sd), stats_stddev_s(t), 3),
	    pyc(p50, sizeof(p50), hist_percentile(h, 50) / 1e9, 3),
	    pyc(p90, sizeof(p90), hist_percentile(h, 90) / 1e9, 3),
	    pyc(p99, sizeof(p99), hist_percentile(h, 99) / 1e9, 3),
	    (unsigned long long)t->records);
	fprintf(f,
	    "Total time to ingest: %s seconds. TPS: %s, Records/sec: %s\n",
	    pyc(tt, sizeof(tt), secs, 2),
	    pyc(tps, sizeof(tps), secs > 0 ? t->attempts / secs : 0, 2),
	    pyc(rps, sizeof(rps), secs > 0 ? t->records / secs : 0, 2));
tsload_lines:
	fprintf(f,
	    "Data points written: %llu (%.0f/s). Throttled retries: %llu. Failed writes: %llu. Rejected records: %llu. Behind schedule: %llu\n",
	    (unsigned long long)t->points, secs > 0 ? t->points / secs : 0.0,
	    (unsigned long long)t->throttles, (unsigned long long)t->failed,
	    (unsigned long long)t->rejected, (unsigned long long)t->behind);
	report_spool(f, "Spool", t);
	if (t->injected)
		fprintf(f,
		    "Bad records injected (--bad-data): %llu; rejected by the target: %llu\n",
		    (unsigned long long)t->injected,
		    (unsigned long long)t->rejected);
	fprintf(f,
	    "Write latency ms: avg %.3f, p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f\n",
	    stats_mean_s(t) * 1e3, hist_percentile(h, 50) / 1e6,
	    hist_percentile(h, 90) / 1e6, hist_percentile(h, 99) / 1e6,
	    hist_percentile(h, 99.9) / 1e6,
	    hist_is_empty(h) ? 0.0 : h->max / 1e6);
	fflush(f);
}

double
report_rate_units(const struct report_rate *r, const struct stats *t)
{
	return r->unit == RATE_POINTS ? (double)t->points
	    : r->unit == RATE_RECORDS ? (double)t->records
	                              : (double)t->attempts;
}

static const char *
unit_name(const struct report_rate *r)
{
	return r->unit == RATE_POINTS ? "data points"
	    : r->unit == RATE_RECORDS ? "records"
	                              : "queries";
}

/* The mean target rate over [0, secs). */
static double
target_rate(const struct report_rate *r, double secs)
{
	return secs > 0 ? sched_units(r->s, secs) / secs : 0;
}

void
report_open_loop(
    FILE *f, const struct report_rate *r, const struct stats *t, double secs)
{
	double target, got;

	if (!r || !r->s)
		return;
	target = target_rate(r, secs);
	got    = secs > 0 ? report_rate_units(r, t) / secs : 0;
	if (r->unit == RATE_QUERIES)
		fprintf(f,
		    "Rate: target %.1f queries/s on average, achieved %.1f/s (%.1f%%). Skipped (later than --max-lag): %llu queries\n",
		    target, got, target > 0 ? 100 * got / target : 0.0,
		    (unsigned long long)t->skipped);
	else
		fprintf(f,
		    "Rate: target %.0f %s/s on average, achieved %.0f/s (%.1f%%). Skipped (later than --max-lag): %llu batches, %llu data points\n",
		    target, unit_name(r), got,
		    target > 0 ? 100 * got / target : 0.0,
		    (unsigned long long)t->skipped,
		    (unsigned long long)t->skipped_points);
	fprintf(f,
	    "Latency from the intended start ms: p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f\n",
	    hist_percentile(&t->hi, 50) / 1e6,
	    hist_percentile(&t->hi, 90) / 1e6,
	    hist_percentile(&t->hi, 99) / 1e6,
	    hist_percentile(&t->hi, 99.9) / 1e6,
	    hist_is_empty(&t->hi) ? 0.0 : t->hi.max / 1e6);
	fprintf(f,
	    "Schedule lag ms: p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, max %.3f\n",
	    hist_percentile(&t->hl, 50) / 1e6,
	    hist_percentile(&t->hl, 90) / 1e6,
	    hist_percentile(&t->hl, 99) / 1e6,
	    hist_percentile(&t->hl, 99.9) / 1e6,
	    hist_is_empty(&t->hl) ? 0.0 : t->hl.max / 1e6);
	fflush(f);
}

void
report_freshness_of(
    FILE *f, const char *who, const struct hist *h, uint64_t lost)
{
	if (!h->count && !lost)
		return;
	fprintf(f,
	    "%sFreshness (ack to visible) ms: p50 %.3f, p99 %.3f, max %.3f over %llu probes; not visible within %u s: %llu\n",
	    who, hist_percentile(h, 50) / 1e6, hist_percentile(h, 99) / 1e6,
	    hist_is_empty(h) ? 0.0 : h->max / 1e6,
	    (unsigned long long)h->count, (unsigned)STATS_FRESH_CAP_S,
	    (unsigned long long)lost);
	fflush(f);
}

void
report_freshness(FILE *f, unsigned k, const struct stats *t)
{
	char who[32] = "";

	if (k)
		snprintf(who, sizeof(who), "Target %u ", k);
	report_freshness_of(f, who, &t->hf, t->fresh_lost);
}

static void
iso_time(char *out, size_t n, int64_t ms)
{
	time_t    s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

void
report_hosts_note(
    const struct proto_hosts *h, int64_t now_ms, char *note, size_t n)
{
	size_t at = strlen(note);

	for (unsigned i = 0; i < h->n && at < n; i++) {
		const struct proto_host *x = &h->h[i];

		if (!x->down_ms)
			continue;
		at += (size_t)snprintf(note + at, n - at,
		    "%s%s down %llds, %llu batches moved", at ? "; " : "",
		    x->name, (long long)((now_ms - x->down_ms) / 1000),
		    (unsigned long long)x->moved);
	}
}

void
report_closing_hosts(
    FILE *f, const char *url, const struct proto_hosts *h, int64_t now_ms)
{
	for (unsigned i = 0; i < h->n; i++) {
		const struct proto_host *x         = &h->h[i];
		char                     since[96] = "up";

		if (x->down_ms) {
			iso_time(since, sizeof(since), x->down_ms);
			snprintf(since + strlen(since),
			    sizeof(since) - strlen(since), " (%llds ago)",
			    (long long)((now_ms - x->down_ms) / 1000));
		}
		fprintf(f,
		    "Host %u of %s: %s: batches written: %llu. Taken out: %llu times. Batches moved to other hosts: %llu. Down since: %s\n",
		    i + 1, url, x->name, (unsigned long long)x->batches,
		    (unsigned long long)x->downs, (unsigned long long)x->moved,
		    since);
	}
	fflush(f);
}

void
report_closing_targets(
    FILE *f, const struct report_target *tg, unsigned n, double secs)
{
	for (unsigned k = 0; k < n; k++) {
		const struct stats *t = &tg[k].s;
		char                note[64], what[32];

		target_state_note(tg[k].url, tg[k].state, note, sizeof(note));
		fprintf(f,
		    "Target %u %s: Records written: %llu. Data points written: %llu (%.0f/s). Failed writes: %llu%s%s%s. Throttled retries: %llu. Write latency ms: p50 %.3f, p99 %.3f\n",
		    k + 1, tg[k].url, (unsigned long long)t->records,
		    (unsigned long long)t->points,
		    secs > 0 ? t->points / secs : 0.0,
		    (unsigned long long)t->failed, note[0] ? " (" : "", note,
		    note[0] ? ")" : "", (unsigned long long)t->throttles,
		    hist_percentile(&t->h, 50) / 1e6,
		    hist_percentile(&t->h, 99) / 1e6);
		if (t->skipped || t->lost)
			fprintf(f,
			    "Target %u: %llu records lost (neither written nor kept), %llu batches skipped for --max-lag (before the fan-out: the same for every target)\n",
			    k + 1, (unsigned long long)t->lost,
			    (unsigned long long)t->skipped);
		snprintf(what, sizeof(what), "Target %u spool", k + 1);
		report_spool(f, what, t);
		report_closing_hosts(f, tg[k].url, &tg[k].hosts, wall_ms());
	}
	fflush(f);
}

/* The keys min, p50 .. p99_9 and max of h, in seconds. */
static int
json_hist_keys(struct json_w *w, const struct hist *h)
{
	int rc = 0;

	rc |= json_key(w, "min")
	    | json_double(w, hist_is_empty(h) ? 0 : h->min / 1e9);
	rc |= json_key(w, "p50")
	    | json_double(w, hist_percentile(h, 50) / 1e9);
	rc |= json_key(w, "p90")
	    | json_double(w, hist_percentile(h, 90) / 1e9);
	rc |= json_key(w, "p99")
	    | json_double(w, hist_percentile(h, 99) / 1e9);
	rc |= json_key(w, "p99_9")
	    | json_double(w, hist_percentile(h, 99.9) / 1e9);
	rc |= json_key(w, "max")
	    | json_double(w, hist_is_empty(h) ? 0 : h->max / 1e9);
	return rc;
}

/* The histogram itself, for merging runs exactly (docs/run-json.md):
 * {"count", "clamped", "min_ns", "max_ns", "buckets": [[index, count],
 * ...]} with the non-empty buckets in index order. */
static int
json_hist_sparse(struct json_w *w, const struct hist *h)
{
	int rc = json_obj_begin(w);

	rc |= json_key(w, "count") | json_uint(w, h->count);
	rc |= json_key(w, "clamped") | json_uint(w, h->clamped);
	rc |= json_key(w, "min_ns")
	    | json_uint(w, hist_is_empty(h) ? 0 : h->min);
	rc |= json_key(w, "max_ns") | json_uint(w, h->max);
	rc |= json_key(w, "buckets") | json_arr_begin(w);
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		rc |= json_arr_begin(w) | json_uint(w, i)
		    | json_uint(w, h->b[i]) | json_arr_end(w);
	}
	rc |= json_arr_end(w);
	rc |= json_obj_end(w);
	return rc;
}

static int
json_hist(struct json_w *w, const struct hist *h)
{
	int rc = json_obj_begin(w);

	rc |= json_key(w, "count") | json_uint(w, h->count);
	rc |= json_hist_keys(w, h);
	rc |= json_obj_end(w);
	return rc;
}

static int
json_stats(struct json_w *w, const struct stats *s, double secs)
{
	const struct hist *h  = &s->h;
	int                rc = 0;

	rc |= json_key(w, "attempts") | json_uint(w, s->attempts);
	rc |= json_key(w, "ok") | json_uint(w, s->ok);
	rc |= json_key(w, "failed") | json_uint(w, s->failed);
	rc |= json_key(w, "throttles") | json_uint(w, s->throttles);
	rc |= json_key(w, "rejected") | json_uint(w, s->rejected);
	rc |= json_key(w, "injected") | json_uint(w, s->injected);
	rc |= json_key(w, "records") | json_uint(w, s->records);
	rc |= json_key(w, "points") | json_uint(w, s->points);
	rc |= json_key(w, "behind_schedule") | json_uint(w, s->behind);
	rc |= json_key(w, "generated") | json_uint(w, s->generated);
	rc |= json_key(w, "lost") | json_uint(w, s->lost);
	if (spool_used(s)) {
		rc |= json_key(w, "spool") | json_obj_begin(w);
		rc |= json_key(w, "spooled") | json_uint(w, s->spooled);
		rc |= json_key(w, "replayed") | json_uint(w, s->replayed);
		rc |= json_key(w, "left") | json_uint(w, s->spool_left);
		rc |= json_key(w, "left_bytes") | json_uint(w, s->spool_bytes);
		rc |= json_key(w, "dropped") | json_uint(w, s->dropped);
		rc |= json_key(w, "corrupt") | json_uint(w, s->corrupt);
		rc |= json_key(w, "corrupt_spans")
		    | json_uint(w, s->corrupt_spans);
		rc |= json_key(w, "from_earlier_run")
		    | json_uint(w, s->spool_start);
		rc |= json_key(w, "waits_for_room")
		    | json_uint(w, s->spool_blocked);
		rc |= json_obj_end(w);
	}
	if (secs > 0) {
		rc |= json_key(w, "records_per_s")
		    | json_double(w, s->records / secs);
		rc |= json_key(w, "points_per_s")
		    | json_double(w, s->points / secs);
	}
	rc |= json_key(w, "latency_s") | json_obj_begin(w);
	rc |= json_key(w, "avg") | json_double(w, stats_mean_s(s));
	rc |= json_key(w, "stddev") | json_double(w, stats_stddev_s(s));
	rc |= json_hist_keys(w, h);
	rc |= json_obj_end(w);
	rc |= json_key(w, "latency_hist") | json_hist_sparse(w, h);
	if (s->hf.count || s->fresh_lost) {
		rc |= json_key(w, "freshness") | json_obj_begin(w);
		rc |= json_key(w, "count") | json_uint(w, s->hf.count);
		rc |= json_key(w, "not_visible") | json_uint(w, s->fresh_lost);
		rc |= json_hist_keys(w, &s->hf);
		rc |= json_obj_end(w);
		rc |= json_key(w, "freshness_hist")
		    | json_hist_sparse(w, &s->hf);
	}
	if (!s->hi.count && !s->skipped)
		return rc; /* closed loop */
	rc |= json_key(w, "skipped") | json_uint(w, s->skipped);
	rc |= json_key(w, "skipped_points") | json_uint(w, s->skipped_points);
	rc |= json_key(w, "latency_from_intended_s") | json_hist(w, &s->hi);
	rc |= json_key(w, "schedule_lag_s") | json_hist(w, &s->hl);
	rc |= json_key(w, "latency_from_intended_hist")
	    | json_hist_sparse(w, &s->hi);
	rc |= json_key(w, "schedule_lag_hist") | json_hist_sparse(w, &s->hl);
	return rc;
}

/* The rate asked for and the rate achieved over the run. */
static int
json_rate(struct json_w *w, const struct report_rate *r, const struct stats *t,
    double secs)
{
	double target = target_rate(r, secs);
	double got    = secs > 0 ? report_rate_units(r, t) / secs : 0;
	char   what[96];
	int    rc = 0;

	sched_describe(r->s, what, sizeof(what));
	rc |= json_key(w, "rate") | json_obj_begin(w);
	rc |= json_key(w, "unit") | json_str(w, unit_name(r));
	rc |= json_key(w, "schedule") | json_str(w, what);
	rc |= json_key(w, "target_per_s") | json_double(w, target);
	rc |= json_key(w, "achieved_per_s") | json_double(w, got);
	rc |= json_key(w, "achieved_pct")
	    | json_double(w, target > 0 ? 100 * got / target : 0);
	rc |= json_obj_end(w);
	return rc;
}

/* A query's successful latencies (seconds) as a histogram. */
static int
json_qhist(struct json_w *w, const struct qsum_row *q)
{
	struct hist *h = xmalloc(sizeof(*h));
	int          rc;

	hist_init(h);
	for (uint64_t i = 0; i < q->ok; i++)
		hist_record(h, (uint64_t)llround(q->lat[i] * 1e9));
	rc = json_hist_sparse(w, h);
	free(h);
	return rc;
}

/* The query side: totals and, per query, the statistics of the merged
 * latencies (all of them, from every thread and process). */
static int
json_query(struct json_w *w, const struct report_run *r)
{
	int rc = 0;

	rc |= json_key(w, "queries") | json_obj_begin(w);
	if (r->qdir)
		rc |= json_key(w, "log_dir") | json_str(w, r->qdir);
	if (r->qcsv)
		rc |= json_key(w, "summary_csv") | json_str(w, r->qcsv);
	rc |= json_key(w, "totals") | json_obj_begin(w);
	rc |= json_stats(w, r->qtotal, r->secs);
	rc |= json_obj_end(w);
	if (r->qrate && r->qrate->s)
		rc |= json_rate(w, r->qrate, r->qtotal, r->secs);
	rc |= json_key(w, "per_query") | json_arr_begin(w);
	for (unsigned i = 0; r->qsum && i < r->qsum->n; i++) {
		struct qsum_row  *q = &r->qsum->row[i];
		struct qsum_stats st;
		char              name[16];

		snprintf(name, sizeof(name), "do-q%u", q->id);
		rc |= json_obj_begin(w);
		rc |= json_key(w, "query") | json_str(w, name);
		rc |= json_key(w, "total") | json_uint(w, q->total);
		rc |= json_key(w, "ok") | json_uint(w, q->ok);
		if (qsum_row_stats(q, &st) == 0) {
			rc |= json_key(w, "avg_s") | json_double(w, st.avg);
			rc |= json_key(w, "stddev_s")
			    | json_double(w, st.stddev);
			rc |= json_key(w, "p50_s") | json_double(w, st.median);
			rc |= json_key(w, "p90_s") | json_double(w, st.p90);
			rc |= json_key(w, "p99_s") | json_double(w, st.p99);
			rc |= json_key(w, "geomean_s")
			    | json_double(w, st.geomean);
		}
		rc |= json_key(w, "latency_hist") | json_qhist(w, q);
		rc |= json_obj_end(w);
	}
	rc |= json_arr_end(w);
	rc |= json_obj_end(w);
	return rc;
}

/* "hosts": a cluster target's hosts, in URL order. */
static int
json_hosts(struct json_w *w, const struct proto_hosts *h)
{
	int rc = json_key(w, "hosts") | json_arr_begin(w);

	for (unsigned i = 0; i < h->n; i++) {
		const struct proto_host *x = &h->h[i];
		char                     since[48];

		rc |= json_obj_begin(w);
		rc |= json_key(w, "host") | json_str(w, x->name);
		rc |= json_key(w, "batches") | json_uint(w, x->batches);
		rc |= json_key(w, "taken_out") | json_uint(w, x->downs);
		rc |= json_key(w, "batches_moved") | json_uint(w, x->moved);
		rc |= json_key(w, "down_since");
		if (x->down_ms) {
			iso_time(since, sizeof(since), x->down_ms);
			rc |= json_str(w, since);
		} else {
			rc |= json_null(w);
		}
		rc |= json_obj_end(w);
	}
	rc |= json_arr_end(w);
	return rc;
}

/* Fan-out: "targets": one object per target, in --target order, with
 * its URL, state, first error and statistics. */
static int
json_targets(struct json_w *w, const struct report_run *r)
{
	int rc = json_key(w, "targets") | json_arr_begin(w);

	for (unsigned k = 0; k < r->n_tgt; k++) {
		const struct report_target *t = &r->tgt[k];
		char                        note[64];

		target_state_note(t->url, t->state, note, sizeof(note));
		rc |= json_obj_begin(w);
		rc |= json_key(w, "index") | json_uint(w, k + 1);
		rc |= json_key(w, "url") | json_str(w, t->url);
		rc |= json_key(w, "state") | json_str(w, note);
		if (t->err[0])
			rc |= json_key(w, "first_error") | json_str(w, t->err);
		rc |= json_stats(w, &t->s, r->secs);
		if (t->hosts.n)
			rc |= json_hosts(w, &t->hosts);
		rc |= json_obj_end(w);
	}
	rc |= json_arr_end(w);
	return rc;
}

/* Closes a results file written with stdio, making sure its bytes are on
 * disk: rc is the first error seen while writing (0 if none); returns it,
 * or the first error of fflush, fsync or fclose. A full disk shows here
 * at the latest. */
static int
report_fclose(FILE *f, int rc)
{
	if (!rc && (fflush(f) != 0 || ferror(f)))
		rc = errno ? -errno : -EIO;
	if (!rc && fsync(fileno(f)) != 0 && errno != EINVAL)
		rc = -errno;
	if (fclose(f) != 0 && !rc)
		rc = -errno;
	return rc;
}

int
report_save(const char *dir, const char *name, const char *text, size_t len)
{
	char  path[600], tmp[620];
	FILE *f;
	int   rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		rc = -errno;
	} else {
		if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF)
			rc = -errno;
		rc = report_fclose(f, rc);
		if (!rc && rename(tmp, path))
			rc = -errno;
		if (rc)
			unlink(tmp);
	}
	if (rc)
		log_err("cannot write %s: %s", path, strerror(-rc));
	return rc;
}

static char command_line[4096];

/* An argument as run.json may show it: a URL's password (user info or
 * password=) as "***", also in --opt=URL. */
static const char *
redact_arg(const char *a, char *out, size_t n)
{
	const char *eq = strchr(a, '=');
	size_t      k;

	if (!strstr(a, "://"))
		return a;
	k = a[0] == '-' && eq && eq < strstr(a, "://") ? (size_t)(eq + 1 - a)
	                                               : 0;
	if (k >= n)
		return a;
	memcpy(out, a, k);
	target_url_redact(a + k, out + k, n - k);
	return out;
}

void
report_set_command_line(int argc, char *const *argv)
{
	size_t n = 0;

	command_line[0] = '\0';
	for (int i = 0; i < argc && n < sizeof(command_line) - 1; i++) {
		char        red[1024];
		const char *a
		    = i ? redact_arg(argv[i], red, sizeof(red)) : "tsload";
		bool plain = *a != '\0';

		for (const char *p = a; *p; p++)
			if (!strchr(
			        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:@%+",
			        *p))
				plain = false;
		if (plain) {
			n += (size_t)snprintf(command_line + n,
			    sizeof(command_line) - n, "%s%s", i ? " " : "", a);
			continue;
		}
		/* 'it'\''s' */
		if (i && n < sizeof(command_line) - 1)
			command_line[n++] = ' ';
		if (n < sizeof(command_line) - 1)
			command_line[n++] = '\'';
		for (const char *p = a; *p && n < sizeof(command_line) - 6;
		     p++) {
			if (*p == '\'') {
				memcpy(command_line + n, "'\\''", 4);
				n += 4;
			} else {
				command_line[n++] = *p;
			}
		}
		if (n < sizeof(command_line) - 1)
			command_line[n++] = '\'';
		command_line[n] = '\0';
	}
}

const char *
report_command_line(void)
{
	return command_line;
}

int
report_write_json(const struct report_run *r)
{
	struct buf    b;
	struct json_w w;
	char          path[600], tmp[620], host[64] = "", t0[96], t1[96];
	FILE         *f;
	int           rc = 0;

	gethostname(host, sizeof(host) - 1);
	iso_time(t0, sizeof(t0), r->start_ms);
	iso_time(t1, sizeof(t1), r->end_ms);
	buf_init(&b, 64 << 20);
	json_w_init(&w, &b, true);
	rc |= json_obj_begin(&w);
	rc |= json_key(&w, "tool") | json_str(&w, "tsload");
	rc |= json_key(&w, "version") | json_str(&w, TSLOAD_VERSION);
	rc |= json_key(&w, "command") | json_str(&w, r->cmd);
	rc |= json_key(&w, "run_id") | json_str(&w, r->id);
	rc |= json_key(&w, "host") | json_str(&w, host);
	rc |= json_key(&w, "start") | json_str(&w, t0);
	rc |= json_key(&w, "end") | json_str(&w, t1);
	rc |= json_key(&w, "seconds") | json_double(&w, r->secs);
	rc |= json_key(&w, "exit_code") | json_int(&w, r->exit_code);
	rc |= json_key(&w, "command_line") | json_str(&w, command_line);
	rc |= json_key(&w, "value_seed") | json_uint(&w, r->value_seed);
	/* how a latency_hist bucket index becomes nanoseconds (hist.h) */
	rc |= json_key(&w, "hist_scheme") | json_obj_begin(&w);
	rc |= json_key(&w, "unit") | json_str(&w, "ns");
	rc |= json_key(&w, "sub_bits") | json_uint(&w, HIST_SUB_BITS);
	rc |= json_key(&w, "groups") | json_uint(&w, HIST_GROUPS);
	rc |= json_key(&w, "buckets") | json_uint(&w, HIST_BUCKETS);
	rc |= json_obj_end(&w);
	rc |= json_key(&w, "resources") | json_obj_begin(&w);
	rc |= json_key(&w, "cpu_s_ingest_workers")
	    | json_double(&w, r->cpu_s[0]);
	rc |= json_key(&w, "cpu_s_query_workers")
	    | json_double(&w, r->cpu_s[1]);
	rc |= json_key(&w, "cpu_s_coordinator")
	    | json_double(&w, r->coord_cpu_s);
	rc |= json_key(&w, "peak_rss_kib_total") | json_int(&w, r->maxrss_kb);
	rc |= json_obj_end(&w);
	rc |= json_key(&w, "options") | json_obj_begin(&w);
	rc |= opts_to_json(r->o, r->opts_cmd, &w);
	rc |= json_obj_end(&w);
	if (r->thr && r->thr->n)
		rc |= json_key(&w, "thresholds") | thr_json(r->thr, &w);
	if (r->qtotal)
		rc |= json_query(&w, r);
	if (!r->total)
		goto workers;
	rc |= json_key(&w, "model") | json_obj_begin(&w);
	rc |= json_key(&w, "name") | json_str(&w, r->o->model);
	rc |= json_key(&w, "instance_prefix") | json_str(&w, r->prefix);
	rc |= json_key(&w, "hosts") | json_uint(&w, r->hosts);
	rc |= json_key(&w, "event_sets") | json_uint(&w, r->event_sets);
	rc |= json_key(&w, "series") | json_uint(&w, r->series);
	rc |= json_key(&w, "id_start") | json_uint(&w, r->id_start);
	rc |= json_key(&w, "id_end") | json_uint(&w, r->id_end);
	rc |= json_obj_end(&w);
	if (r->grid) { /* what tsload verify regenerates */
		rc |= json_key(&w, "timestamps") | json_obj_begin(&w);
		rc |= json_kv_int(&w, "start_ms", r->grid_start_ms);
		rc |= json_kv_uint(&w, "step_ms", r->grid_step_ms);
		rc |= json_kv_uint(&w, "cycles", r->grid_cycles);
		rc |= json_obj_end(&w);
	}
	rc |= json_key(&w, "totals") | json_obj_begin(&w);
	rc |= json_stats(&w, r->total, r->secs);
	rc |= json_obj_end(&w);
	if (r->n_tgt)
		rc |= json_targets(&w, r);
	if (r->cluster && r->cluster->n)
		rc |= json_hosts(&w, r->cluster);
	if (r->rate && r->rate->s)
		rc |= json_rate(&w, r->rate, r->total, r->secs);
workers:
	rc |= json_key(&w, "workers") | json_arr_begin(&w);
	for (unsigned i = 0; i < r->nw; i++) {
		const struct report_worker *x = &r->w[i];

		rc |= json_obj_begin(&w);
		rc |= json_key(&w, "role") | json_str(&w, x->role);
		rc |= json_key(&w, "index") | json_uint(&w, x->index + 1);
		rc |= json_key(&w, "pid") | json_int(&w, x->pid);
		rc |= json_key(&w, "host") | json_str(&w, x->host);
		if (x->addr[0]) /* a remote worker (--listen) */
			rc |= json_key(&w, "address") | json_str(&w, x->addr);
		rc |= json_key(&w, "first_host")
		    | json_uint(&w, x->first_host);
		rc |= json_key(&w, "end_host") | json_uint(&w, x->end_host);
		rc |= json_key(&w, "result_delivered")
		    | json_bool(&w, x->done);
		if (x->fate[0])
			rc |= json_key(&w, "fate") | json_str(&w, x->fate);
		if (x->err[0])
			rc |= json_key(&w, "first_error")
			    | json_str(&w, x->err);
		rc |= json_stats(&w, x->s, r->secs);
		if (x->batch) {
			rc |= json_key(&w, "batch_size_auto");
			rc |= bsa_json(&w, x->batch, x->batch_len);
		}
		rc |= json_obj_end(&w);
	}
	rc |= json_arr_end(&w);
	rc |= json_obj_end(&w);
	if (rc) {
		buf_free(&b);
		return -ENOSPC;
	}
	snprintf(path, sizeof(path), "%s/run.json", r->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		rc = -errno;
	} else {
		if (fwrite(b.p, 1, b.len, f) != b.len || fputc('\n', f) == EOF)
			rc = -errno;
		rc = report_fclose(f, rc);
		if (!rc && rename(tmp, path))
			rc = -errno;
		if (rc)
			unlink(tmp);
	}
	if (rc)
		log_err("cannot write %s: %s", path, strerror(-rc));
	buf_free(&b);
	return rc;
}

/* Pushes the rows out; the first failure is kept (and reported by
 * report_tick_close), the file is not written any more after it. */
static void
report_tick_flush(struct report_tick *k)
{
	if (!k->csv || k->err)
		return;
	if (fflush(k->csv) != 0 || ferror(k->csv))
		k->err = errno ? -errno : -EIO;
}

int
report_tick_open(struct report_tick *k, const char *dir, const char *name,
    const char *unit, const struct report_rate *rate)
{
	memset(k, 0, sizeof(*k));
	k->queries = !strcmp(unit, "queries");
	k->rate    = rate && rate->s ? rate : NULL;
	k->last_h  = xmalloc(sizeof(*k->last_h));
	k->last_hl = xmalloc(sizeof(*k->last_hl));
	hist_init(k->last_h);
	hist_init(k->last_hl);
	snprintf(k->path, sizeof(k->path), "%s/%s", dir, name);
	k->csv = fopen(k->path, "w");
	if (!k->csv)
		return -errno;
	if (k->queries)
		fprintf(k->csv,
		    "time_s,queries,queries_per_s,ok,rows,throttles,errors,p50_ms,p99_ms%s\n",
		    k->rate ? ",target_per_s,lag_p99_ms,skipped" : "");
	else
		fprintf(k->csv,
		    "time_s,records,records_per_s,points,points_per_s,throttles,errors,p50_ms,p99_ms,behind%s\n",
		    k->rate ? ",target_per_s,lag_p99_ms,skipped" : "");
	report_tick_flush(k);
	return 0;
}

/* The last interval's histogram: cur less the one of the previous tick
 * (last), which becomes cur. */
static void
hist_since(struct hist *d, const struct hist *cur, struct hist *last)
{
	hist_diff(d, cur, last);
	memcpy(last, cur, sizeof(*cur));
}

/* Open loop: "  rate 1996 of 2000 points/s (99.8%)  lag p99 0.012 ms" for
 * the live line and ",target,lag,skipped" for the CSV (empty without a
 * rate). */
static void
rate_texts(struct report_tick *k, double t, double dt, const struct stats *cur,
    struct hist *d, char *live, size_t nlive, char *csv, size_t ncsv,
    char *brief, size_t nbrief)
{
	double units, target, lag, got;

	live[0] = csv[0] = brief[0] = '\0';
	if (!k->rate)
		return;
	units  = report_rate_units(k->rate, cur);
	target = dt > 0
	    ? (sched_units(k->rate->s, t) - sched_units(k->rate->s, k->last_t))
	        / dt
	    : 0;
	got    = dt > 0 ? (units - k->last_units) / dt : 0;
	hist_since(d, &cur->hl, k->last_hl);
	lag           = hist_percentile(d, 99) / 1e6;
	k->target_now = target;
	k->lag_p99_ms = lag;
	if (target > 0)
		snprintf(live, nlive,
		    "  rate %.0f of %.0f %s/s (%.1f%%)  lag p99 %.3f ms", got,
		    target,
		    k->rate->unit == RATE_POINTS        ? "points"
		        : k->rate->unit == RATE_RECORDS ? "records"
		                                        : "queries",
		    100 * got / target, lag);
	else
		snprintf(live, nlive, "  rate paused  lag p99 %.3f ms", lag);
	if (target > 0)
		snprintf(brief, nbrief, " rate %.1f%% of %.0f/s lag %.3fms",
		    100 * got / target, target, lag);
	else
		snprintf(brief, nbrief, " rate paused lag %.3fms", lag);
	snprintf(csv, ncsv, ",%.1f,%.3f,%llu", target, lag,
	    (unsigned long long)cur->skipped);
	k->last_units = units;
}

void
report_tick(struct report_tick *k, double t, const struct stats *cur, FILE *f,
    const char *note)
{
	char why[80] = "", batch[48] = "", spool[80] = "", rl[128], rc[64],
	     role[16] = "", rb[80], thr[32] = "", fresh[48] = "";

	struct hist *d  = xmalloc(sizeof(*d));
	double       dt = t - k->last_t;
	double       rps, pps, p50, p99;

	/* The last interval's latencies: today's cumulative histogram less
	 * the one of the previous tick. */
	hist_since(d, &cur->h, k->last_h);
	if (note && *note)
		snprintf(why, sizeof(why), " (%s)", note);
	if (k->label[0])
		snprintf(role, sizeof(role), " %s", k->label);
	p50 = hist_percentile(d, 50) / 1e6;
	p99 = hist_percentile(d, 99) / 1e6;
	rate_texts(
	    k, t, dt, cur, d, rl, sizeof(rl), rc, sizeof(rc), rb, sizeof(rb));
	if (cur->throttles)
		snprintf(thr, sizeof(thr), " thr %llu",
		    (unsigned long long)cur->throttles);
	if (k->queries) {
		char of[32] = "";

		rps = dt > 0 ? (cur->attempts - k->last_records) / dt : 0;
		k->rate_now = rps;
		if (k->planned)
			snprintf(of, sizeof(of), " of %llu",
			    (unsigned long long)k->planned);
		if (f)
			fprintf(f,
			    "[%6.0fs]%s %10.1f queries/s  %8llu%s queries  %8llu ok  %10llu rows  errors %llu%s  query p50 %.3f ms  p99 %.3f ms%s\n",
			    t, role, rps, (unsigned long long)cur->attempts,
			    of, (unsigned long long)cur->ok,
			    (unsigned long long)cur->records,
			    (unsigned long long)cur->failed, why, p50, p99,
			    rl);
		snprintf(k->live, sizeof(k->live),
		    "%s%.1f q/s %llu%s q%s err %llu%s p99 %.3fms%s",
		    k->label[0] ? "query " : "", rps,
		    (unsigned long long)cur->attempts, of, thr,
		    (unsigned long long)cur->failed, why, p99, rb);
		if (k->csv)
			fprintf(k->csv,
			    "%.3f,%llu,%.2f,%llu,%llu,%llu,%llu,%.3f,%.3f%s\n",
			    t, (unsigned long long)cur->attempts, rps,
			    (unsigned long long)cur->ok,
			    (unsigned long long)cur->records,
			    (unsigned long long)cur->throttles,
			    (unsigned long long)cur->failed, p50, p99, rc);
		if (f)
			fflush(f);
		report_tick_flush(k);
		k->last_records = cur->attempts;
		goto out;
	}
	rps         = dt > 0 ? (cur->records - k->last_records) / dt : 0;
	pps         = dt > 0 ? (cur->points - k->last_points) / dt : 0;
	k->rate_now = rps;
	if (k->batch_max == k->batch_min && k->batch_max)
		snprintf(batch, sizeof(batch), "  batch %u", k->batch_max);
	else if (k->batch_max)
		snprintf(batch, sizeof(batch), "  batch %u..%u", k->batch_min,
		    k->batch_max);
	if (spool_used(cur) || cur->replayed)
		snprintf(spool, sizeof(spool),
		    "  spool %.1f MiB %llu rec, replay %.0f rec/s",
		    cur->spool_bytes / 1048576.0,
		    (unsigned long long)cur->spool_left,
		    dt > 0 ? (cur->replayed - k->last_replayed) / dt : 0.0);
	k->last_replayed = cur->replayed;
	if (cur->hf.count) /* --freshness: so far */
		snprintf(fresh, sizeof(fresh), "  fresh p50 %.0f ms",
		    hist_percentile(&cur->hf, 50) / 1e6);
	if (f) {
		fprintf(f,
		    "[%6.0fs]%s %10.0f records/s  %12llu records  %13llu points  throttles %llu  errors %llu%s  write p50 %.3f ms  p99 %.3f ms%s%s%s%s%s\n",
		    t, role, rps, (unsigned long long)cur->records,
		    (unsigned long long)cur->points,
		    (unsigned long long)cur->throttles,
		    (unsigned long long)cur->failed, why, p50, p99, batch,
		    spool, fresh, rl, k->columns);
		fflush(f);
	}
	snprintf(k->live, sizeof(k->live),
	    "%s%.0f rec/s %llu rec%s err %llu%s p99 %.3fms%s%s%s%s",
	    k->label[0] ? "ingest " : "", rps,
	    (unsigned long long)cur->records, thr,
	    (unsigned long long)cur->failed, why, p99, rb, batch, spool,
	    fresh);
	if (k->csv) {
		fprintf(k->csv,
		    "%.3f,%llu,%.1f,%llu,%.1f,%llu,%llu,%.3f,%.3f,%llu%s\n", t,
		    (unsigned long long)cur->records, rps,
		    (unsigned long long)cur->points, pps,
		    (unsigned long long)cur->throttles,
		    (unsigned long long)cur->failed, p50, p99,
		    (unsigned long long)cur->behind, rc);
		report_tick_flush(k);
	}
	k->last_records = cur->records;
	k->last_points  = cur->points;
out:
	k->last_t = t;
	free(d);
}

int
report_tick_close(struct report_tick *k)
{
	int rc = k->err;

	if (k->csv)
		rc = report_fclose(k->csv, rc);
	if (rc)
		log_err("cannot write %s: %s", k->path, strerror(-rc));
	free(k->last_h);
	free(k->last_hl);
	memset(k, 0, sizeof(*k));
	return rc;
}
