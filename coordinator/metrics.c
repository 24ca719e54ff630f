/* metrics.c - the run's figures as Prometheus text (metrics.h). */
#include "metrics.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "engine.h"
#include "httpsrv.h"
#include "log.h"
#include "prom.h"
#include "version.h"
#include "xalloc.h"

enum { METRICS_MAX = 16u << 20 };

static const char *const role_name[ROLE_N] = { "ingest", "query" };

/* A per-request counter: its name, help, how to read it from a struct
 * stats and the role whose series have it (ROLE_N: both). */
struct counter {
	const char *name, *help;
	size_t      off;
	enum role   only;
};

#define S_OFF(f) offsetof(struct stats, f)
static const struct counter counters[] = {
	{ "tsload_requests_total",
	    "Finished write calls (ingest) or query executions (query), ok or failed",
	    S_OFF(attempts), ROLE_N },
	{ "tsload_request_errors_total",
	    "Requests given up: failed, or retries run out", S_OFF(failed),
	    ROLE_N },
	{ "tsload_throttles_total",
	    "Retries after a throttled, busy or unreachable answer",
	    S_OFF(throttles), ROLE_N },
	{ "tsload_records_written_total",
	    "Records the target acknowledged (seed counting)", S_OFF(records),
	    ROLE_INGEST },
	{ "tsload_points_written_total",
	    "Data points (measure values) the target acknowledged",
	    S_OFF(points), ROLE_INGEST },
	{ "tsload_rows_read_total", "Rows the queries returned",
	    S_OFF(records), ROLE_QUERY },
	{ "tsload_records_rejected_total",
	    "Records the target refused one by one", S_OFF(rejected),
	    ROLE_INGEST },
	{ "tsload_records_lost_total",
	    "Records of batches given up (not written, not spooled)",
	    S_OFF(lost), ROLE_INGEST },
	{ "tsload_records_spooled_total", "Records kept in a spool",
	    S_OFF(spooled), ROLE_INGEST },
	{ "tsload_records_replayed_total",
	    "Spooled records the target then took", S_OFF(replayed),
	    ROLE_INGEST },
	{ "tsload_records_dropped_total", "Records a full spool dropped",
	    S_OFF(dropped), ROLE_INGEST },
	{ "tsload_behind_schedule_total",
	    "Times a thread fell behind its interval (\"Can't keep up\")",
	    S_OFF(behind), ROLE_N },
	{ "tsload_skipped_total",
	    "Open loop: batches or queries skipped for --max-lag",
	    S_OFF(skipped), ROLE_N },
};
#undef S_OFF

/* A gauge of each series: spool use now. */
static const struct counter gauges[] = {
	{ "tsload_spool_bytes", "Bytes in the spools now",
	    offsetof(struct stats, spool_bytes), ROLE_INGEST },
	{ "tsload_spool_records", "Records in the spools now",
	    offsetof(struct stats, spool_left), ROLE_INGEST },
};

/* One series: a worker's figures for one target. */
struct mseries {
	const struct stats *s;
	enum role           role;
	char                worker[16];
	char                target[512];
};

/* The series of the run: per worker, per target of a fan-out. Returns
 * how many (at most max). */
static unsigned
collect(const struct engine *e, struct mseries *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < e->n; i++) {
		const struct slot        *sl = &e->slot[i];
		const struct proto_stats *c  = &sl->cur;
		unsigned                  nt
		    = sl->role == ROLE_INGEST && c->n_tgt ? c->n_tgt : 1;

		for (unsigned k = 0; k < nt && n < max; k++, n++) {
			struct mseries *x = &out[n];

			x->s    = nt > 1 || c->n_tgt ? &c->tgt[k].s : &c->s;
			x->role = sl->role;
			snprintf(x->worker, sizeof(x->worker), "%u",
			    sl->rindex + 1);
			target_url_redact(
			    opts_target(e->o, sl->role == ROLE_INGEST ? k : 0),
			    x->target, sizeof(x->target));
		}
	}
	return n;
}

static unsigned
labels(const struct mseries *x, struct prom_label *l)
{
	l[0] = (struct prom_label) { "role", role_name[x->role] };
	l[1] = (struct prom_label) { "target", x->target };
	l[2] = (struct prom_label) { "worker", x->worker };
	return 3;
}

static int
per_series(struct buf *b, const struct mseries *x, unsigned n)
{
	struct prom_label l[3];
	int               rc = 0;

	for (size_t c = 0; c < sizeof(counters) / sizeof(*counters); c++) {
		rc |= prom_family(
		    b, counters[c].name, "counter", counters[c].help);
		for (unsigned i = 0; i < n; i++) {
			if (counters[c].only != ROLE_N
			    && counters[c].only != x[i].role)
				continue;
			rc |= prom_sample_u64(b, counters[c].name, l,
			    labels(&x[i], l),
			    *(const uint64_t *)((const char *)x[i].s
			        + counters[c].off));
		}
	}
	for (size_t c = 0; c < sizeof(gauges) / sizeof(*gauges); c++) {
		rc |= prom_family(b, gauges[c].name, "gauge", gauges[c].help);
		for (unsigned i = 0; i < n; i++)
			if (x[i].role == ROLE_INGEST)
				rc |= prom_sample_u64(b, gauges[c].name, l,
				    labels(&x[i], l),
				    *(const uint64_t *)((const char *)x[i].s
				        + gauges[c].off));
	}
	rc |= prom_family(b, "tsload_request_duration_seconds", "histogram",
	    "Service time of each request, from its send to its answer");
	for (unsigned i = 0; i < n; i++)
		rc |= prom_hist(b, "tsload_request_duration_seconds", l,
		    labels(&x[i], l), &x[i].s->h, x[i].s->sum);
	return rc;
}

/* Open loop: the latency from the intended start and the schedule lag,
 * for the series that have any (their sums are not kept: the bucket
 * middles stand in). */
static int
open_loop(struct buf *b, const struct mseries *x, unsigned n)
{
	static const char *const name[2] = { "tsload_intended_latency_seconds",
		"tsload_schedule_lag_seconds" };
	static const char *const help[2] = {
		"Open loop: latency from each request's intended start (what a user waits)",
		"Open loop: how late each request was sent against its schedule",
	};
	struct prom_label l[3];
	bool              any = false;
	int               rc  = 0;

	for (unsigned i = 0; i < n; i++)
		any |= x[i].s->hi.count > 0;
	if (!any)
		return 0;
	for (int k = 0; k < 2; k++) {
		rc |= prom_family(b, name[k], "histogram", help[k]);
		for (unsigned i = 0; i < n; i++) {
			const struct hist *h   = k ? &x[i].s->hl : &x[i].s->hi;
			double             sum = 0;

			if (!x[i].s->hi.count)
				continue;
			for (unsigned j = 0; j < HIST_BUCKETS; j++) {
				uint64_t lo, hi;

				if (!h->b[j])
					continue;
				hist_bucket_range(j, &lo, &hi);
				sum += (double)h->b[j] * (lo + (hi - lo) / 2);
			}
			rc |= prom_hist(
			    b, name[k], l, labels(&x[i], l), h, sum);
		}
	}
	return rc;
}

/* The figures of each role: its rate over the last tick, the target
 * rate and the lag p99 (open loop), its running workers. */
static int
per_role(struct buf *b, const struct engine *e)
{
	struct prom_label l[2];
	int               rc = 0;

	rc |= prom_family(b, "tsload_rate_per_second", "gauge",
	    "Achieved rate over the last second: records/s (ingest), queries/s (query)");
	for (int r = 0; r < ROLE_N; r++)
		if (e->per_role[r]) {
			l[0] = (struct prom_label) { "role", role_name[r] };
			rc |= prom_sample(b, "tsload_rate_per_second", l, 1,
			    e->tick[r].rate_now);
		}
	rc |= prom_family(b, "tsload_target_rate_per_second", "gauge",
	    "Open loop: the rate the schedule asks for now, in its unit");
	rc |= prom_family(b, "tsload_schedule_lag_p99_seconds", "gauge",
	    "Open loop: p99 of the schedule lag over the last second");
	for (int r = 0; r < ROLE_N; r++) {
		if (!e->per_role[r] || !e->tick[r].rate)
			continue;
		l[0] = (struct prom_label) { "role", role_name[r] };
		l[1] = (struct prom_label) { "unit",
			e->rate[r].unit == RATE_POINTS        ? "points"
			    : e->rate[r].unit == RATE_RECORDS ? "records"
			                                      : "queries" };
		rc |= prom_sample(b, "tsload_target_rate_per_second", l, 2,
		    e->tick[r].target_now);
		rc |= prom_sample(b, "tsload_schedule_lag_p99_seconds", l, 1,
		    e->tick[r].lag_p99_ms / 1e3);
	}
	rc |= prom_family(b, "tsload_workers", "gauge",
	    "Worker processes of the role, by state (running, done, dead)");
	for (int r = 0; r < ROLE_N; r++) {
		unsigned cnt[3] = { 0, 0, 0 };

		if (!e->per_role[r])
			continue;
		for (unsigned i = 0; i < e->n; i++)
			if ((int)e->slot[i].role == r)
				cnt[e->slot[i].state == SLOT_DEAD       ? 2
				        : e->slot[i].state == SLOT_DONE ? 1
				                                        : 0]++;
		l[0] = (struct prom_label) { "role", role_name[r] };
		for (int k = 0; k < 3; k++) {
			l[1] = (struct prom_label) { "state",
				k == 0       ? "running"
				    : k == 1 ? "done"
				             : "dead" };
			rc |= prom_sample(b, "tsload_workers", l, 2, cnt[k]);
		}
	}
	return rc;
}

int
metrics_render(const struct engine *e, double elapsed, struct buf *b)
{
	unsigned          max = e->n * PROTO_TARGETS_MAX;
	struct mseries   *x   = xcalloc(max ? max : 1, sizeof(*x));
	const char       *id  = strrchr(e->dir ? e->dir : "", '/');
	struct prom_label info[3];
	unsigned          n  = collect(e, x, max);
	int               rc = 0;

	id      = id ? id + 1 : e->dir ? e->dir : "";
	info[0] = (struct prom_label) { "command",
		e->cmd == CMD_INGEST      ? "ingest"
		    : e->cmd == CMD_QUERY ? "query"
		                          : "run" };
	info[1] = (struct prom_label) { "run_id", id };
	info[2] = (struct prom_label) { "version", TSLOAD_VERSION };
	rc |= prom_family(b, "tsload_run_info", "gauge",
	    "The run: its command, run id and tsload version (always 1)");
	rc |= prom_sample(b, "tsload_run_info", info, 3, 1);
	rc |= prom_family(b, "tsload_elapsed_seconds", "gauge",
	    "Seconds since the run started");
	rc |= prom_sample(b, "tsload_elapsed_seconds", NULL, 0, elapsed);
	rc |= prom_family(b, "tsload_finished", "gauge",
	    "1 once the run has ended and these are its final figures");
	rc |= prom_sample(b, "tsload_finished", NULL, 0, e->secs > 0);
	rc |= per_role(b, e);
	rc |= per_series(b, x, n);
	rc |= open_loop(b, x, n);
	free(x);
	return rc;
}

int
metrics_start(struct engine *e)
{
	const struct tsl_opts *o = e->o;
	char                   err[320];

	if (!o->metrics_port)
		return 0;
	if (httpsrv_start(&e->metrics, o->metrics_addr,
	        (unsigned)o->metrics_port, "/metrics",
	        "text/plain; version=0.0.4; charset=utf-8", err,
	        sizeof(err))) {
		log_err("--metrics-port %llu: %s",
		    (unsigned long long)o->metrics_port, err);
		return -1;
	}
	log_info("metrics: http://%s:%llu/metrics", o->metrics_addr,
	    (unsigned long long)o->metrics_port);
	metrics_update(e);
	return 0;
}

void
metrics_update(struct engine *e)
{
	struct buf b;
	double     el = e->secs > 0 ? e->secs : (now_ns() - e->t_start) / 1e9;

	if (!e->metrics)
		return;
	buf_init(&b, METRICS_MAX);
	if (metrics_render(e, el, &b) == 0)
		httpsrv_set(e->metrics, b.p ? b.p : "", b.len);
	buf_free(&b);
}

void
metrics_stop(struct engine *e)
{
	httpsrv_stop(e->metrics);
	e->metrics = NULL;
}
