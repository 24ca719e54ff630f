/* ingest_cmd.c - `tsload ingest`, `tsload model` and `tsload cleanup`.
 *
 * ingest: print the seed's model summary, set up the target, run the
 * workers through the engine, print the seed's closing lines and write
 * results/<run-id>/run.json.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cmdutil.h"
#include "coord.h"
#include "engine.h"
#include "log.h"
#include "model.h"
#include "model_ops.h"
#include "spool.h"
#include "xalloc.h"

static void
usage(FILE *f)
{
	cmd_usage(CMD_INGEST, f);
}

/* Prints the seed's start-up lines: prefix and model summary. */
static int
print_model(const struct tsl_opts *o, struct model *m)
{
	char text[2048];
	int  rc;

	const struct model_ops *ops = model_find(o->model);
	struct model_conf       mc  = opts_model_conf(o);

	/* one host is enough: the summary counts the whole model, and the
	 * schema is every host's */
	rc = ops->build(m, &mc, 0, 1);
	if (rc) {
		log_err("cannot build the model");
		return rc;
	}
	if (!opts_continuous(o)
	    && m->prefix[0]) /* the perf-scale seed's line */
		log_info("Instance name suffix: %s", m->prefix);
	ops->summary(m, o->interval_ms, o->multi, text, sizeof(text));
	fputs(text, log_info_stream());
	fflush(log_info_stream());
	return 0;
}

/* Where identity texts a and b first differ, backed up to the start of
 * that word: the part a refusal shows. */
static size_t
ident_diff(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	while (i && a[i - 1] != ' ')
		i--;
	return i;
}

/* --spool-dir: what an earlier run left there is this run's to send:
 * each DIR/w<worker>-t<thread> (one target) or DIR/w<W>-t<T>-k<target>
 * (fan-out, target 0-based) must be a thread and target of this run,
 * with the settings its records depend on (opts_spool_ident). One line
 * if not. */
static int
check_spool_dir(const struct tsl_opts *o, char *err, size_t errlen)
{
	DIR           *d;
	struct dirent *e;
	uint32_t       first, end;
	int            rc = 0;

	if (!o->spool_dir[0] || !(d = opendir(o->spool_dir)))
		return 0;
	opts_host_range(o, &first, &end);
	while (!rc && (e = readdir(d))) {
		unsigned w, t, k = 0, n = opts_n_targets(o);
		uint32_t f, l, h0, h1;
		char     sub[4096], theirs[1024], ours[1024], tail;
		bool     fan
		    = sscanf(e->d_name, "w%u-t%u-k%u%c", &w, &t, &k, &tail)
		    == 3;

		if (!fan && sscanf(e->d_name, "w%u-t%u%c", &w, &t, &tail) != 2)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", o->spool_dir, e->d_name);
		snprintf(theirs, sizeof(theirs), "a damaged header");
		if (spool_ident(sub, theirs, sizeof(theirs)) == -ENOENT)
			continue; /* nothing left in it */
		if (w >= opts_workers(o) || t >= o->concurrency) {
			snprintf(err, errlen,
			    "--spool-dir: %.300s holds what a run with more workers or threads left (-p %llu -c %llu here): run with that run's options, or move it away",
			    sub, (unsigned long long)opts_workers(o),
			    (unsigned long long)o->concurrency);
			rc = -EINVAL;
			break;
		}
		if (fan != (n > 1) || k >= n) {
			snprintf(err, errlen,
			    "--spool-dir: %.300s holds what a run with %s left (%u --target here): run with that run's targets, or move it away",
			    sub, fan ? "more targets (fan-out)" : "one target",
			    n);
			rc = -EINVAL;
			break;
		}
		model_shard(end - first, (uint32_t)opts_workers(o), w, &f, &l);
		model_shard(l - f, (uint32_t)o->concurrency, t, &h0, &h1);
		opts_spool_ident(o, k, first + f, h0, h1, ours, sizeof(ours));
		if (strcmp(theirs, ours)) {
			size_t at = ident_diff(theirs, ours);

			snprintf(err, errlen,
			    "--spool-dir: %.200s was written by a run with other settings (\"%s%.150s\", this run: \"%s%.150s\"): run with that run's options, or move it away",
			    sub, at ? "..." : "", theirs + at, at ? "..." : "",
			    ours + at);
			rc = -EINVAL;
		}
	}
	closedir(d);
	return rc;
}

/* Every worker and thread needs a host. The continuous seed works with
 * fewer threads instead (its -c 10 default meets filtered models of a
 * few hosts), and says so. */
static int
check_shape(struct tsl_opts *o, char *err, size_t errlen)
{
	uint32_t first, end;
	uint64_t hosts, least;
	char     which[96];

	opts_host_range(o, &first, &end);
	hosts = end - first;
	least = hosts / opts_workers(o);
	if (opts_host_range_given(o))
		snprintf(which, sizeof(which), "hosts %u..%u of the model",
		    first, end - 1);
	else
		snprintf(which, sizeof(which), "host-scale %llu",
		    (unsigned long long)o->host_scale);
	if (opts_workers(o) > hosts) {
		snprintf(err, errlen,
		    "--processes: %llu workers for %llu hosts (%s): every worker needs at least one host",
		    (unsigned long long)opts_workers(o),
		    (unsigned long long)hosts, which);
		return -EINVAL;
	}
	if (o->concurrency > least && opts_continuous(o)) {
		log_info(
		    "Can't have more threads than dimension metrics. Working with %llu thread(s).",
		    (unsigned long long)least);
		o->concurrency = least;
	}
	if (o->concurrency > least) {
		snprintf(err, errlen,
		    "--concurrency: %llu threads per worker, but a worker has only %llu hosts: every thread needs at least one",
		    (unsigned long long)o->concurrency,
		    (unsigned long long)least);
		return -EINVAL;
	}
	return 0;
}

/* Runs the target's ->setup: on each host of a cluster URL (each is a
 * server of its own), else on the URL. A host that fails is said and left
 * to the cluster stage, which sets it up when it first reaches it; the
 * run needs one host set up. */
static int
setup_target(struct tgt_conf *conf, char *err, size_t errlen)
{
	const struct target_ops *ops = target_find(conf->url);
	struct cluster          *c;
	const char              *url = conf->url;
	unsigned                 ok  = 0;
	int                      rc  = 0;

	if (!ops->setup)
		return 0;
	if (!(ops->flags & TGT_F_HOSTS) || !cluster_wanted(url))
		return ops->setup(conf, err, errlen);
	c  = xmalloc(sizeof(*c));
	rc = cluster_parse(c, url, err, errlen);
	for (unsigned i = 0; !rc && i < c->n; i++) {
		conf->url = c->h[i].url;
		if (ops->setup(conf, err, errlen))
			log_warn(
			    "cluster host %s: set-up failed (it is set up when first reached): %s",
			    c->h[i].name, err);
		else
			ok++;
	}
	conf->url = url;
	free(c);
	return rc ? rc : ok ? 0 : -EIO; /* err: the last host's reason */
}

int
ingest_prepare(struct tsl_opts *o, struct model *m)
{
	char err[1024];

	for (unsigned k = 0; k < opts_n_targets(o); k++)
		if (target_find(opts_target(o, k))->flags & TGT_F_STDOUT)
			log_info_to_stderr(true);
	if (print_model(o, m))
		return 1;
	if (o->print_summary)
		return 0;
	if (check_shape(o, err, sizeof(err))
	    || check_spool_dir(o, err, sizeof(err))) {
		log_err("%s", err);
		return 2;
	}
	/* every target of a fan-out gets its tables before any worker */
	for (unsigned k = 0; k < opts_n_targets(o); k++) {
		struct tgt_conf conf = opts_tgt_conf_at(o, k);

		conf.schema = &m->schema; /* the tables ->setup creates */
		if (setup_target(&conf, err, sizeof(err))) {
			if (opts_n_targets(o) > 1)
				log_err("target %u set-up: %s", k + 1, err);
			else
				log_err("target set-up: %s", err);
			return 1;
		}
	}
	return -1;
}

int
ingest_finish(struct stats *t, const struct engine *e,
    const struct report_run *rr, int rc)
{
	double cpu = e->cpu_s[ROLE_INGEST] + e->coord_cpu_s;

	report_closing(log_info_stream(), t, e->secs, opts_continuous(e->o));
	report_open_loop(log_info_stream(), &e->rate[ROLE_INGEST], t, e->secs);
	report_closing_targets(log_info_stream(), rr->tgt, rr->n_tgt, e->secs);
	if (rr->n_tgt > 1)
		for (unsigned k = 0; k < rr->n_tgt; k++)
			report_freshness(
			    log_info_stream(), k + 1, &rr->tgt[k].s);
	else
		report_freshness(log_info_stream(), 0, t);
	if (rr->cluster && rr->cluster->n) {
		char shown[1024];

		target_url_redact(e->o->target, shown, sizeof(shown));
		report_closing_hosts(
		    log_info_stream(), shown, rr->cluster, wall_ms());
	}
	log_info(
	    "tsload CPU: %.2f s (workers %.2f s, coordinator %.2f s), %.0f data points per CPU-second. Peak memory: %.1f MiB (coordinator + workers)",
	    cpu, e->cpu_s[ROLE_INGEST], e->coord_cpu_s,
	    cpu > 0 ? t->points / cpu : 0.0, e->maxrss_kb / 1024.0);
	/* a --threshold on errors judges them instead (exit 3 or 0) */
	if (t->failed && !rc && thr_judges_errors(&e->thr))
		log_warn("%llu writes failed (judged by --threshold)",
		    (unsigned long long)t->failed);
	else if (t->failed && !rc) {
		log_err("%llu writes failed", (unsigned long long)t->failed);
		rc = 1;
	}
	return rc;
}

int
coord_ingest(int argc, char **argv)
{
	struct tsl_opts   o;
	struct model      m;
	struct engine     e;
	struct report_run rr = { .cmd = "ingest" };
	struct stats     *t;
	char              err[512], range[64] = "";
	uint32_t          first, end;
	int               rc;

	engine_catch_signals(); /* first: a stop in set-up is clean */
	rc = cmd_parse(&o, CMD_INGEST, argc, argv, usage);
	if (rc >= 0)
		goto out_opts;
	memset(&m, 0, sizeof(m));
	rc = ingest_prepare(&o, &m);
	if (rc >= 0)
		goto out_model;
	rc = report_open_dir(&rr, o.results, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		rc = 1;
		goto out_model;
	}
	opts_host_range(&o, &first, &end);
	engine_init(&e, &o, CMD_INGEST, rr.dir);
	engine_add_range(&e, ROLE_INGEST, (unsigned)o.processes,
	    (unsigned)o.remote_workers, (uint32_t)o.concurrency, first, end);
	if (opts_host_range_given(&o))
		snprintf(range, sizeof(range), " [%u, %u) of %u", first, end,
		    m.total_hosts);
	log_info(
	    "run %s: %llu worker%s x %llu thread%s, %u hosts%s, results in %s",
	    rr.id, (unsigned long long)opts_workers(&o),
	    opts_workers(&o) == 1 ? "" : "s",
	    (unsigned long long)o.concurrency, o.concurrency == 1 ? "" : "s",
	    end - first, range, rr.dir);
	rc = engine_run(&e);

	t = xmalloc(sizeof(*t));
	engine_total(&e, ROLE_INGEST, t);
	cmd_collect_workers(&e, &rr);
	rc = ingest_finish(t, &e, &rr, rc);
	if (o.replay[0] && t->spool_left && !rc) {
		log_err(
		    "--replay: %llu records left in the spool %s: their target did not take them (run --replay again once it answers)",
		    (unsigned long long)t->spool_left, o.replay);
		rc = 1;
	}
	rc       = cmd_thresholds(&e, &rr, t, NULL, rc);
	rr.total = t;
	rr.rate  = &e.rate[ROLE_INGEST];
	cmd_fill_run(&rr, &e, &o, CMD_INGEST, rc, &m);
	if (report_write_json(&rr)) {
		rc = 1; /* the file and the reason were said */
		goto out_run;
	}
	log_info("value seed %llu; results: %s/run.json, %s/timeseries.csv",
	    (unsigned long long)e.seed, rr.dir, rr.dir);
	if (o.verify) { /* the run's own answer first, then the check's */
		int vr = verify_and_report(o.target, rr.dir);

		rc = rc ? rc : vr;
	}
out_run:
	free(rr.w);
	free(rr.tgt);
	free(rr.cluster);
	free(t);
	engine_free(&e);
out_model:
	model_release(&m);
out_opts:
	opts_free(&o);
	return rc;
}

static void
model_usage(FILE *f)
{
	cmd_usage(CMD_MODEL, f);
}

int
coord_model(int argc, char **argv)
{
	struct tsl_opts o;
	struct model    m;
	int             rc = cmd_parse(&o, CMD_MODEL, argc, argv, model_usage);

	if (rc < 0) {
		rc = print_model(&o, &m) ? 1 : 0;
		if (!rc)
			model_release(&m);
	}
	opts_free(&o);
	return rc;
}

static void
cleanup_usage(FILE *f)
{
	cmd_usage(CMD_CLEANUP, f);
}

int
coord_cleanup(int argc, char **argv)
{
	struct tsl_opts          o;
	const struct target_ops *ops;
	struct tgt_conf          conf;
	char                     err[512], shown[1024];
	uint64_t                 t0;
	int rc = cmd_parse(&o, CMD_CLEANUP, argc, argv, cleanup_usage);

	if (rc >= 0) {
		opts_free(&o);
		return rc;
	}
	ops  = target_find(o.target);
	conf = opts_tgt_conf(&o);
	target_url_redact(o.target, shown, sizeof(shown));
	err[0] = '\0';
	t0     = now_ns();
	if (!ops->cleanup) {
		log_info("%s: nothing to clean up", ops->name);
		rc = 0;
	} else if ((rc = ops->cleanup(&conf, err, sizeof(err))) < 0) {
		log_err("cleanup: %s", err);
		rc = 1;
	} else if (rc == TGT_CLEANUP_NOTHING) {
		log_info("nothing to drop: %s", err);
		rc = 0;
	} else {
		/* the target said what it drops, where it knows */
		log_info("cleanup of %s done in %.1f s", shown,
		    (now_ns() - t0) / 1e9);
		rc = 0;
	}
	opts_free(&o);
	return rc;
}
