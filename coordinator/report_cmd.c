/* report_cmd.c - `tsload report DIR... | -d DIR`: run directories and the
 * seed's per-thread query results merged into report/index.html and
 * report/summary.json (report_page.c), and the seed's summarize_results.py
 * outputs (-o, --seed-compat).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "compare.h"
#include "coord.h"
#include "fs.h"
#include "log.h"
#include "report.h"
#include "report_page.h"
#include "verify_show.h"
#include "xalloc.h"

static void
report_usage(FILE *f)
{
	cmd_usage(CMD_REPORT, f);
}

/* dir/name, or name when it is absolute (os.path.join's rule). */
static void
join(char *out, size_t n, const char *dir, const char *name)
{
	if (name[0] == '/')
		snprintf(out, n, "%s", name);
	else
		snprintf(out, n, "%s/%s", dir, name);
}

/* Writes text to path (its directory and file name split for
 * report_save). */
static int
save_path(const char *path, struct buf *b)
{
	char        dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		return report_save(".", path, b->p ? b->p : "", b->len);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return report_save(
	    dir[0] ? dir : "/", slash + 1, b->p ? b->p : "", b->len);
}

/* The per-thread executions as groups of the report ("do-qN", or
 * "threads do-qN" next to runs that have their own do-qN). */
static int
thread_groups(struct runset *rs, struct qthreads *qt)
{
	bool runs = rs->n > 0;

	for (unsigned i = 0; i < qt->qs.n; i++) {
		struct qsum_row     *r = &qt->qs.row[i];
		struct runset_group *g;
		char                 name[32];

		snprintf(name, sizeof(name), "%sdo-q%u",
		    runs ? "threads " : "", r->id);
		g = runset_group(rs, name, "query");
		if (!g)
			return -ENOSPC;
		g->attempts += r->total;
		g->ok += r->ok;
		g->failed += r->total - r->ok;
		g->runs = 1;
		for (uint64_t k = 0; k < r->ok; k++)
			hist_record(g->h, (uint64_t)llround(r->lat[k] * 1e9));
	}
	return 0;
}

/* -d: reads the per-thread results and writes -o (the exact merge) and
 * with --seed-compat the seed's column means. 0, or 2 (said). */
static int
per_thread(const struct tsl_opts *o, struct qthreads *qt)
{
	char        out[PATH_MAX], mean[PATH_MAX + 16], err[PATH_MAX + 200];
	const char *skip[3] = { NULL, NULL, NULL };
	struct buf  b;
	int         rc = 0;

	out[0] = '\0';
	if (o->rep_output[0])
		join(out, sizeof(out), o->rep_dir, o->rep_output);
	/* --seed-compat's file: FILE-seed-mean.csv, or DIR/seed-mean.csv */
	if (out[0]) {
		size_t n = strlen(out);

		snprintf(mean, sizeof(mean), "%.*s-seed-mean.csv",
		    (int)(n > 4 && !strcmp(out + n - 4, ".csv") ? n - 4 : n),
		    out);
	} else {
		join(mean, sizeof(mean), o->rep_dir, "seed-mean.csv");
	}
	skip[0] = out[0] ? out : mean;
	skip[1] = mean;
	if (qthreads_load(
	        qt, o->rep_dir, o->rep_pattern, skip, err, sizeof(err))) {
		log_err("report: %s", err);
		return 2;
	}
	buf_init(&b, 64u << 20);
	if (out[0]) {
		if (qsum_csv(&qt->qs, &b) || buf_adds(&b, "\n")
		    || save_path(out, &b))
			rc = 1;
		else
			printf("Processed %u files. Summary written to: %s\n",
			    qt->files, out);
	}
	if (!rc && o->seed_compat) {
		buf_reset(&b);
		if (qthreads_mean_csv(qt, &b) || save_path(mean, &b))
			rc = 1;
		else
			printf(
			    "seed-compatible column means (averaged percentiles, as summarize_results.py): %s\n",
			    mean);
	}
	buf_free(&b);
	return rc;
}

/* What a terminal should see of the page too: each run's tsload verify
 * (the verdict, counts and first differing cells) and each role's and
 * target's freshness. */
static void
print_checks(FILE *f, const struct runset *rs)
{
	for (unsigned i = 0; i < rs->n; i++)
		if (rs->run[i].verify) {
			fputc('\n', f);
			verify_show_print(
			    f, rs->run[i].verify, rs->run[i].run_id, 10);
		}
	for (unsigned g = 0; g < rs->ng; g++) {
		char who[96];

		snprintf(who, sizeof(who), "%.80s: ", rs->g[g].name);
		report_freshness_of(f, who, rs->g[g].hf, rs->g[g].fresh_lost);
	}
}

int
coord_report(int argc, char **argv)
{
	struct tsl_opts    o;
	struct runset     *rs = NULL;
	struct qthreads   *qt = NULL;
	struct report_page page;
	struct cmp_run    *cmp = NULL;
	char               out[PATH_MAX], err[PATH_MAX + 200];
	unsigned           nplots = 0;
	int                gate   = 0;
	bool               same   = true; /* all runs of one command */
	unsigned           other  = 0;    /* else the first that is not */
	int rc = cmd_parse(&o, CMD_REPORT, argc, argv, report_usage);

	if (rc >= 0)
		return rc;
	if (!o.nargs && !o.rep_dir[0]) {
		log_err(
		    "report: give run directories (tsload report results/<run-id>) or -d DIR (per-thread query results)");
		opts_free(&o);
		return 2;
	}
	if (!o.rep_dir[0] && (o.rep_output[0] || o.seed_compat)) {
		log_err(
		    "report: -o/--output-file and --seed-compat go with -d DIR (per-thread query results)");
		opts_free(&o);
		return 2;
	}
	rs = xmalloc(sizeof(*rs));
	runset_init(rs);
	rc = 0;
	for (unsigned i = 0; !rc && i < o.nargs; i++)
		if (runset_add_dir(rs, o.args[i], err, sizeof(err))) {
			log_err("report: %s", err);
			rc = 2;
		}
	if (!rc && o.rep_dir[0]) {
		qt = xmalloc(sizeof(*qt));
		qthreads_init(qt);
		rc = per_thread(&o, qt);
		if (!rc && thread_groups(rs, qt)) {
			log_err("report: too many queries to plot");
			rc = 2;
		}
	}
	if (!rc && o.fail_if[0] && rs->n < 2) {
		log_err(
		    "report: --fail-if needs two runs or more (tsload report A B --fail-if EXPR)");
		rc = 2;
	}
	/* two runs or more of one command: each against the first, as
	 * tsload compare (an ingest and a query run are not compared) */
	for (unsigned i = 1; !rc && same && i < rs->n; i++)
		if (strcmp(rs->run[i].command, rs->run[0].command)) {
			same  = false;
			other = i;
		}
	if (!rc && o.fail_if[0] && !same) {
		log_err(
		    "report: --fail-if compares runs of one command; %s is a %s run, %s a %s run",
		    rs->run[0].dir, rs->run[0].command, rs->run[other].dir,
		    rs->run[other].command);
		rc = 2;
	}
	if (!rc && rs->n >= 2 && same) {
		const char *dirs[RUNSET_MAX_RUNS];

		for (unsigned i = 0; i < rs->n; i++)
			dirs[i] = rs->run[i].dir;
		rc = compare_load_runs(dirs, rs->n, &cmp);
		if (!rc)
			gate
			    = compare_show_gate(stdout, cmp, rs->n, o.fail_if);
		if (gate == 2)
			rc = 2;
	}
	if (rc)
		goto out;
	print_checks(stdout, rs);
	join(out, sizeof(out), o.nargs ? o.args[0] : o.rep_dir, "report");
	if (fs_mkdir_p(out, err, sizeof(err))) {
		log_err("report: %s", err);
		rc = 1;
		goto out;
	}
	page = (struct report_page) { .rs = rs,
		.qt                       = qt,
		.out                      = out,
		.cmdline                  = report_command_line(),
		.gnuplot                  = "gnuplot",
		.cmp                      = cmp,
		.ncmp                     = cmp ? rs->n : 0 };
	if (report_page_summary(&page) || report_page_html(&page, &nplots)) {
		rc = 1;
		goto out;
	}
	printf(
	    "report: %s/index.html (%u run%s, %u plot%s; figures in %s/summary.json)\n",
	    out, rs->n, rs->n == 1 ? "" : "s", nplots, nplots == 1 ? "" : "s",
	    out);
	rc = gate; /* COMPARE_EXIT_GATE when a --fail-if held */
out:
	compare_free_runs(cmp, rs->n);
	if (qt) {
		qthreads_free(qt);
		free(qt);
	}
	runset_free(rs);
	free(rs);
	opts_free(&o);
	return rc;
}
