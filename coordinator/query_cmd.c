/* query_cmd.c - `tsload query` (the seed's query driver) and `tsload run`
 * (ingest and query at once under one coordinator).
 *
 * Both check config.ini and the dialect's templates before any worker
 * starts, run the workers through the engine, merge every latency of
 * every thread into one summary, and print the seed's closing lines.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cmdutil.h"
#include "coord.h"
#include "engine.h"
#include "log.h"
#include "qsummary.h"
#include "workload.h"
#include "xalloc.h"

static void
query_usage(FILE *f)
{
	cmd_usage(CMD_QUERY, f);
}

static void
run_usage(FILE *f)
{
	cmd_usage(CMD_RUN, f);
}

/* Loads config.ini and every template the workers will need, so that a
 * mistake is a usage error before anything starts. */
static int
check_queries(const struct tsl_opts *o)
{
	struct qworkload w;
	char             err[512];
	int              rc;

	rc = qwork_load(&w, o, target_find(o->target), err, sizeof(err));
	qwork_free(&w);
	if (rc)
		log_err("%s", err);
	return rc;
}

/* Merges the latencies every query worker sent with its result. */
static void
merge_latencies(const struct engine *e, struct qsum *all)
{
	for (unsigned i = 0; i < e->n; i++) {
		const struct slot *s = &e->slot[i];
		struct qsum        one;

		/* no RESULT: released by a stop before it started */
		if (s->role != ROLE_QUERY || s->state != SLOT_DONE
		    || !s->extra)
			continue;
		if (qsum_decode(&one, s->extra, s->extra_len, NULL)) {
			log_err("query worker %u sent malformed latencies",
			    s->rindex + 1);
			continue;
		}
		qsum_merge(all, &one);
		qsum_free(&one);
	}
}

/* The seed's closing output, then the summary of the whole run, in
 * path: <results>/<run-id>/query-summary.csv, outside the log directory,
 * where the seed's summarize_results.py (every *.csv below the directory)
 * would take it for one more thread. */
static int
query_finish(const struct tsl_opts *o, const struct engine *e,
    struct qsum *all, const struct stats *t, const char *rdir, char *path,
    size_t n)
{
	char       exp[256], line[64], err[256];
	struct buf csv;
	FILE      *f;
	int        rc = 0;

	qwork_exp_name(exp, sizeof(exp), o->run_prefix, e->start_ms);
	snprintf(path, n, "%s/" QSUM_MERGED_CSV, rdir);
	buf_init(&csv, 16 << 20);
	qsum_csv(all, &csv);
	buf_cstr(&csv);
	log_info("Experiment %s complete", o->run_prefix);
	log_info("%s", csv.p);
	if (qsum_tps_line(line, sizeof(line), t->attempts, e->secs) > 0)
		log_info("%s", line);
	qsum_print_table(all, log_info_stream());
	report_open_loop(log_info_stream(), &e->rate[ROLE_QUERY], t, e->secs);

	if (target_mkdir_parents(path, err, sizeof(err))) {
		log_err("%s", err);
		rc = 1;
	} else if (!(f = fopen(path, "w"))) {
		log_err("cannot write %s: %s", path, strerror(errno));
		rc = 1;
	} else {
		int werr = 0;

		if (fwrite(csv.p, 1, csv.len, f) != csv.len
		    || fputc('\n', f) == EOF || fflush(f) != 0)
			werr = errno ? errno : EIO;
		if (fclose(f) != 0 && !werr)
			werr = errno;
		if (werr) {
			log_err("cannot write %s: %s", path, strerror(werr));
			rc = 1;
		} else {
			log_info("query logs: %s/%s-*/, merged summary: %s",
			    o->log_dir, exp, path);
		}
	}
	buf_free(&csv);
	if (t->attempts && !t->ok) {
		log_err("no query succeeded; the first error: %s",
		    e->n ? e->slot[0].cur.err : "");
		rc = 1;
	}
	return rc;
}

static void
init_qsum(struct qsum *all, const struct tsl_opts *o)
{
	struct qconfig cfg;
	char           err[256];

	qsum_init(all);
	if (qconfig_load(&cfg, o->config, err, sizeof(err)) == 0)
		for (unsigned i = 0; i < cfg.n; i++)
			qsum_add_query(all, cfg.q[i].id);
}

int
coord_query(int argc, char **argv)
{
	struct tsl_opts   o;
	struct engine     e;
	struct report_run rr = { .cmd = "query" };
	struct stats     *t;
	struct qsum       all;
	char              err[512], qcsv[1024], shown[1024];
	int               rc, frc;

	engine_catch_signals(); /* first: a stop in set-up is clean */
	rc = cmd_parse(&o, CMD_QUERY, argc, argv, query_usage);
	if (rc >= 0)
		goto out;
	rc = 2;
	if (check_queries(&o))
		goto out;
	if (report_open_dir(&rr, o.results, err, sizeof(err))) {
		log_err("%s", err);
		rc = 1;
		goto out;
	}
	engine_init(&e, &o, CMD_QUERY, rr.dir);
	engine_add(&e, ROLE_QUERY, (unsigned)o.processes,
	    (unsigned)o.remote_workers, (uint32_t)o.concurrency, 0);
	e.planned[ROLE_QUERY]
	    = cmd_query_plan(&o, opts_workers(&o) * o.concurrency);
	target_url_redact(o.target, shown, sizeof(shown));
	log_info(
	    "query run %s: %llu worker%s x %llu thread%s, %s, params %s, target %s",
	    rr.id, (unsigned long long)opts_workers(&o),
	    opts_workers(&o) == 1 ? "" : "s",
	    (unsigned long long)o.concurrency, o.concurrency == 1 ? "" : "s",
	    o.config, opts_params(&o), shown);
	rc = engine_run(&e);

	t = xmalloc(sizeof(*t));
	engine_total(&e, ROLE_QUERY, t);
	init_qsum(&all, &o);
	merge_latencies(&e, &all);
	cmd_collect_workers(&e, &rr);
	frc       = query_finish(&o, &e, &all, t, rr.dir, qcsv, sizeof(qcsv));
	rc        = rc ? rc : frc;
	rc        = cmd_thresholds(&e, &rr, NULL, t, rc);
	rr.qtotal = t;
	rr.qrate  = &e.rate[ROLE_QUERY];
	rr.qsum   = &all;
	rr.qdir   = o.log_dir;
	rr.qcsv   = qcsv;
	cmd_fill_run(&rr, &e, &o, CMD_QUERY, rc, NULL);
	if (report_write_json(&rr))
		rc = 1;
	else
		log_info("results: %s/run.json", rr.dir);
	free(rr.w);
	free(rr.tgt);
	free(rr.cluster);
	free(t);
	qsum_free(&all);
	engine_free(&e);
out:
	opts_free(&o);
	return rc;
}

/* In a mixed run the table fills only after the start, so query threads
 * wait for data unless told otherwise. */
enum { RUN_QUERY_WAIT_S = 60 };

static bool
wait_given(const struct tsl_opts *o)
{
	return opts_given(o, "query-wait");
}

int
coord_run(int argc, char **argv)
{
	struct tsl_opts   o;
	struct model      m;
	struct engine     e;
	struct report_run rr = { .cmd = "run" };
	struct stats     *t, *qt;
	struct qsum       all;
	char              err[512], qcsv[1024];
	uint32_t          first, end;
	int               rc, frc;

	memset(&m, 0, sizeof(m));
	engine_catch_signals(); /* first: a stop in set-up is clean */
	rc = cmd_parse(&o, CMD_RUN, argc, argv, run_usage);
	if (rc >= 0)
		goto out;
	if (!wait_given(&o))
		o.query_wait = RUN_QUERY_WAIT_S;
	rc = 2;
	if (check_queries(&o))
		goto out;
	rc = ingest_prepare(&o, &m);
	if (rc >= 0)
		goto out;
	if (report_open_dir(&rr, o.results, err, sizeof(err))) {
		log_err("%s", err);
		rc = 1;
		goto out;
	}
	engine_init(&e, &o, CMD_RUN, rr.dir);
	opts_host_range(&o, &first, &end);
	engine_add_range(&e, ROLE_INGEST, (unsigned)o.processes,
	    (unsigned)o.remote_workers, (uint32_t)o.concurrency, first, end);
	engine_add(&e, ROLE_QUERY, (unsigned)o.q_processes, 0,
	    (uint32_t)o.q_concurrency, 0);
	e.planned[ROLE_QUERY]
	    = cmd_query_plan(&o, o.q_processes * o.q_concurrency);
	log_info(
	    "run %s: ingest %llu x %llu, query %llu x %llu, results in %s",
	    rr.id, (unsigned long long)opts_workers(&o),
	    (unsigned long long)o.concurrency,
	    (unsigned long long)o.q_processes,
	    (unsigned long long)o.q_concurrency, rr.dir);
	rc = engine_run(&e);

	t  = xmalloc(sizeof(*t));
	qt = xmalloc(sizeof(*qt));
	engine_total(&e, ROLE_INGEST, t);
	engine_total(&e, ROLE_QUERY, qt);
	cmd_collect_workers(&e, &rr);
	log_info("== ingest");
	rc = ingest_finish(t, &e, &rr, rc);
	log_info("== query");
	init_qsum(&all, &o);
	merge_latencies(&e, &all);
	frc       = query_finish(&o, &e, &all, qt, rr.dir, qcsv, sizeof(qcsv));
	rc        = rc ? rc : frc;
	rc        = cmd_thresholds(&e, &rr, t, qt, rc);
	rr.total  = t;
	rr.rate   = &e.rate[ROLE_INGEST];
	rr.qtotal = qt;
	rr.qrate  = &e.rate[ROLE_QUERY];
	rr.qsum   = &all;
	rr.qdir   = o.log_dir;
	rr.qcsv   = qcsv;
	cmd_fill_run(&rr, &e, &o, CMD_RUN, rc, &m);
	if (report_write_json(&rr))
		rc = 1;
	else
		log_info("results: %s/run.json", rr.dir);
	free(rr.w);
	free(rr.tgt);
	free(rr.cluster);
	free(t);
	free(qt);
	qsum_free(&all);
	engine_free(&e);
out:
	model_release(&m);
	opts_free(&o);
	return rc;
}
