/* report_page.c - summary.json, gnuplot plots and index.html
 * (report_page.h). */
#include "report_page.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "log.h"
#include "report.h"
#include "spawn.h"
#include "version.h"
#include "xalloc.h"

enum { PAGE_MAX = 64u << 20 };

double
report_spectrum_pct(unsigned i)
{
	return 100.0 * (1.0 - pow(10.0, -(double)i / 10.0));
}

/* Percentile p of h in milliseconds. */
static double
pct_ms(const struct hist *h, double p)
{
	return hist_percentile(h, p) / 1e6;
}

static const double      summary_pcts[] = { 50, 90, 99, 99.9, 99.99 };
static const char *const summary_keys[]
    = { "p50_ms", "p90_ms", "p99_ms", "p99_9_ms", "p99_99_ms" };

static int
json_group(struct json_w *w, const struct runset_group *g)
{
	int rc = json_obj_begin(w);

	rc |= json_kv_str(w, "name", g->name);
	rc |= json_kv_str(w, "kind", g->kind);
	rc |= json_kv_uint(w, "runs", g->runs);
	rc |= json_kv_uint(w, "attempts", g->attempts);
	rc |= json_kv_uint(w, "ok", g->ok);
	rc |= json_kv_uint(w, "failed", g->failed);
	rc |= json_kv_uint(w, "throttles", g->throttles);
	rc |= json_kv_uint(w, "records", g->records);
	rc |= json_kv_uint(w, "points", g->points);
	rc |= json_kv_uint(w, "behind_schedule", g->behind);
	rc |= json_kv_uint(w, "skipped", g->skipped);
	rc |= json_kv_uint(w, "spooled", g->spooled);
	rc |= json_kv_uint(w, "replayed", g->replayed);
	rc |= json_kv_uint(w, "latency_count", g->h->count);
	for (size_t i = 0; i < sizeof(summary_pcts) / sizeof(*summary_pcts);
	     i++)
		rc |= json_kv_double(
		    w, summary_keys[i], pct_ms(g->h, summary_pcts[i]));
	rc |= json_kv_double(
	    w, "max_ms", hist_is_empty(g->h) ? 0 : g->h->max / 1e6);
	if (g->target_per_s > 0)
		rc |= json_kv_double(w, "target_per_s", g->target_per_s);
	if (!hist_is_empty(g->hi)) {
		rc |= json_kv_uint(w, "intended_count", g->hi->count);
		rc |= json_kv_double(w, "intended_p50_ms", pct_ms(g->hi, 50));
		rc |= json_kv_double(w, "intended_p99_ms", pct_ms(g->hi, 99));
		rc |= json_kv_uint(w, "lag_count", g->hl->count);
		rc |= json_kv_double(w, "lag_p50_ms", pct_ms(g->hl, 50));
		rc |= json_kv_double(w, "lag_p99_ms", pct_ms(g->hl, 99));
	}
	rc |= json_obj_end(w);
	return rc;
}

/* The exact statistics of the per-thread logs (-d), seconds. */
static int
json_threads(struct json_w *w, struct qthreads *qt)
{
	int rc = json_key(w, "threads") | json_obj_begin(w);

	rc |= json_kv_uint(w, "csv_files", qt->files);
	rc |= json_kv_uint(w, "log_files", qt->logs);
	rc |= json_key(w, "per_query") | json_arr_begin(w);
	for (unsigned i = 0; i < qt->qs.n; i++) {
		struct qsum_row  *r = &qt->qs.row[i];
		struct qsum_stats st;
		char              name[16];

		snprintf(name, sizeof(name), "do-q%u", r->id);
		rc |= json_obj_begin(w);
		rc |= json_kv_str(w, "query", name);
		rc |= json_kv_uint(w, "total", r->total);
		rc |= json_kv_uint(w, "ok", r->ok);
		if (qsum_row_stats(r, &st) == 0) {
			rc |= json_kv_double(w, "avg_s", st.avg);
			rc |= json_kv_double(w, "stddev_s", st.stddev);
			rc |= json_kv_double(w, "p50_s", st.median);
			rc |= json_kv_double(w, "p90_s", st.p90);
			rc |= json_kv_double(w, "p99_s", st.p99);
			rc |= json_kv_double(w, "geomean_s", st.geomean);
		}
		rc |= json_obj_end(w);
	}
	rc |= json_arr_end(w);
	rc |= json_obj_end(w);
	return rc;
}

/* "comparison": each figure of the first run, its value in every run
 * and each later run's change with its interval and verdict. */
static int
json_comparison(struct json_w *w, const struct report_page *p)
{
	const struct cmp_run *r = p->cmp;
	int rc = json_key(w, "comparison") | json_obj_begin(w);

	rc |= json_key(w, "runs") | json_arr_begin(w);
	for (unsigned k = 0; k < p->ncmp; k++)
		rc |= json_str(w, r[k].dir);
	rc |= json_arr_end(w);
	rc |= json_key(w, "figures") | json_arr_begin(w);
	for (unsigned i = 0; i < CMP_FIGS; i++) {
		if (!r[0].f[i].have)
			continue;
		rc |= json_obj_begin(w);
		rc |= json_kv_str(w, "figure", compare_fig_name(i));
		rc |= json_key(w, "values") | json_arr_begin(w);
		for (unsigned k = 0; k < p->ncmp; k++)
			rc |= r[k].f[i].have ? json_double(w, r[k].f[i].value)
			                     : json_null(w);
		rc |= json_arr_end(w);
		rc |= json_key(w, "changes") | json_arr_begin(w);
		for (unsigned k = 1; k < p->ncmp; k++) {
			struct cmp_diff d;

			if (!r[k].f[i].have)
				continue;
			compare_diff(&r[0], &r[k], i, &d);
			rc |= json_obj_begin(w);
			rc |= json_kv_uint(w, "run", k + 1);
			rc |= json_kv_double(w, "change", d.abs);
			rc |= json_kv_double(w, "change_pct", d.pct);
			rc |= json_kv_double(w, "ci_low", d.lo);
			rc |= json_kv_double(w, "ci_high", d.hi);
			rc |= json_kv_str(
			    w, "verdict", compare_verdict_text(i, d.v));
			rc |= json_obj_end(w);
		}
		rc |= json_arr_end(w);
		rc |= json_obj_end(w);
	}
	rc |= json_arr_end(w);
	rc |= json_obj_end(w);
	return rc;
}

int
report_page_summary(const struct report_page *p)
{
	const struct runset *s = p->rs;
	struct buf           b;
	struct json_w        w;
	int                  rc = 0;

	buf_init(&b, PAGE_MAX);
	json_w_init(&w, &b, true);
	rc |= json_obj_begin(&w);
	rc |= json_kv_str(&w, "tool", "tsload report");
	rc |= json_kv_str(&w, "version", TSLOAD_VERSION);
	rc |= json_key(&w, "runs") | json_arr_begin(&w);
	for (unsigned i = 0; i < s->n; i++) {
		const struct runset_run *r = &s->run[i];

		rc |= json_obj_begin(&w);
		rc |= json_kv_str(&w, "dir", r->dir);
		rc |= json_kv_str(&w, "run_id", r->run_id);
		rc |= json_kv_str(&w, "host", r->host);
		rc |= json_kv_str(&w, "command", r->command);
		rc |= json_kv_double(&w, "seconds", r->seconds);
		rc |= json_kv_uint(&w, "value_seed", r->value_seed);
		rc |= json_obj_end(&w);
	}
	rc |= json_arr_end(&w);
	rc |= json_key(&w, "merged") | json_arr_begin(&w);
	for (unsigned i = 0; i < s->ng; i++)
		rc |= json_group(&w, &s->g[i]);
	rc |= json_arr_end(&w);
	if (p->qt)
		rc |= json_threads(&w, p->qt);
	if (p->ncmp >= 2)
		rc |= json_comparison(&w, p);
	rc |= json_obj_end(&w);
	rc |= json_w_finish(&w);
	if (rc) {
		buf_free(&b);
		log_err("cannot write %s/summary.json: too large", p->out);
		return -ENOSPC;
	}
	rc = report_save(p->out, "summary.json", b.p, b.len);
	buf_free(&b);
	return rc;
}

/* ---- plots ---- */

/* Writes text to out/name; 0 or -errno (said). */
static int
save(const struct report_page *p, const char *name, struct buf *b)
{
	return report_save(p->out, name, b->p ? b->p : "", b->len);
}

/* Runs gnuplot on name.gp in out (writing name.png there). 0, 1 when
 * there is no gnuplot, -errno when it failed (said). */
static int
gnuplot(const struct report_page *p, const char *name)
{
	char  gp[700], log[700];
	pid_t pid;
	int   st;

	snprintf(gp, sizeof(gp), "%s.gp", name);
	snprintf(log, sizeof(log), "%s/%s.gp.log", p->out, name);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		FILE *f = freopen(log, "w", stderr);

		(void)f;
		if (chdir(p->out))
			_exit(126);
		execlp(p->gnuplot, p->gnuplot, gp, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return 1;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		char how[96];

		spawn_describe(st, how, sizeof(how));
		log_err("gnuplot %s %s (its messages: %s)", gp, how, log);
		return -EIO;
	}
	unlink(log);
	return 0;
}

/* The head of every plot script: a PNG of the page's width. */
static void
gp_head(struct buf *b, const char *name, const char *title, const char *xlabel,
    const char *ylabel)
{
	buf_printf(b,
	    "set terminal pngcairo size 960,460 font 'sans,10' noenhanced\n"
	    "set output '%s.png'\n"
	    "set datafile separator ','\n"
	    "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n"
	    "set grid lc rgb '#dddddd'\nset key below\n"
	    "set border 3\nset tics nomirror\n",
	    name, title, xlabel, ylabel);
}

/* gnuplot's single-quoted string: ' doubled. */
static void
gp_str(struct buf *b, const char *s)
{
	buf_add_quoted(b, s, strlen(s));
}

/* A label for run i ("run 2 (host)" when several, else its role). */
static void
run_label(
    const struct runset *s, unsigned i, const char *what, char *out, size_t n)
{
	if (s->n > 1)
		snprintf(out, n, "%s %s", s->run[i].run_id, what);
	else
		snprintf(out, n, "%s", what);
}

/* Does the CSV at path have column col in its header? (the open loop's
 * target and lag are there only with --rate) */
static bool
has_column(const char *path, const char *col)
{
	char  head[512] = "", *t, *save = NULL;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	if (!fgets(head, sizeof(head), f))
		head[0] = '\0';
	fclose(f);
	for (t = strtok_r(head, ",\r\n", &save); t;
	     t = strtok_r(NULL, ",\r\n", &save))
		if (!strcmp(t, col))
			return true;
	return false;
}

/* Series n of a plot line: column col of the CSV at path, drawn with
 * style, titled label. */
static void
gp_plot(struct buf *b, unsigned n, const char *path, const char *col,
    const char *style, const char *label)
{
	buf_adds(b, n ? ", \\\n  " : "plot ");
	gp_str(b, path);
	buf_printf(b, " using 1:'%s' with %s title ", col, style);
	gp_str(b, label);
}

/* One series per run and side: column icol of timeseries.csv (ingest)
 * and qcol of query-timeseries.csv, after `n` series already on the plot
 * line (0: this starts it). Returns the series on the line now; the
 * caller ends the line. */
static unsigned
gp_series(struct buf *b, const struct runset *s, const char *icol,
    const char *qcol, const char *what, const char *style, unsigned n)
{
	for (unsigned i = 0; i < s->n; i++) {
		const struct runset_run *r = &s->run[i];
		char                     label[200], path[700];

		for (int q = 0; q < 2; q++) {
			const char *col = q ? qcol : icol;

			if (!col || !(q ? r->qts : r->ts))
				continue;
			snprintf(path, sizeof(path), "%s/%s", r->dir,
			    q ? "query-timeseries.csv" : "timeseries.csv");
			if (!has_column(path, col))
				continue;
			run_label(s, i, q ? "query" : "ingest", label,
			    sizeof(label));
			if (what)
				snprintf(label + strlen(label),
				    sizeof(label) - strlen(label), " %s",
				    what);
			gp_plot(b, n++, path, col, style, label);
		}
	}
	return n;
}

/* Fan-out: one series per run and target, column col of
 * timeseries-target-N.csv; as gp_series. */
static unsigned
gp_target_series(struct buf *b, const struct runset *s, const char *col,
    const char *style, unsigned n)
{
	for (unsigned i = 0; i < s->n; i++) {
		const struct runset_run *r = &s->run[i];

		for (unsigned k = 0; k < r->n_tts; k++) {
			char label[300], what[120], path[700];

			snprintf(path, sizeof(path),
			    "%s/timeseries-target-%u.csv", r->dir, k + 1);
			if (!has_column(path, col))
				continue;
			snprintf(what, sizeof(what), "target %u %s", k + 1,
			    k < 8 ? r->tgt_url[k] : "");
			run_label(s, i, what, label, sizeof(label));
			gp_plot(b, n++, path, col, style, label);
		}
	}
	return n;
}

struct plot {
	char name[32];
	char title[96];
	char caption[400];
};

/* The percentile spectrum of the groups of kind (NULL: roles and
 * targets) into name.dat and name.gp. 0 when there is nothing. */
static unsigned
spectrum(const struct report_page *p, const char *name, bool queries,
    struct buf *dat, struct buf *gp)
{
	const struct runset *s    = p->rs;
	unsigned             cols = 0, col[RUNSET_MAX_GROUPS];

	for (unsigned g = 0; g < s->ng; g++) {
		bool q = !strcmp(s->g[g].kind, "query");

		if (q == queries && !hist_is_empty(s->g[g].h))
			col[cols++] = g;
	}
	if (!cols)
		return 0;
	buf_adds(dat, "percentile,x");
	for (unsigned c = 0; c < cols; c++)
		buf_printf(dat, ",%s", s->g[col[c]].name);
	buf_addc(dat, '\n');
	for (unsigned i = 0; i < REPORT_SPECTRUM_POINTS; i++) {
		double pc = report_spectrum_pct(i);

		buf_printf(dat, "%.5f,%.6g", pc, 1.0 / (1.0 - pc / 100.0));
		for (unsigned c = 0; c < cols; c++)
			buf_printf(
			    dat, ",%.6f", pct_ms(s->g[col[c]].h, i ? pc : 0));
		buf_addc(dat, '\n');
	}
	gp_head(gp, name,
	    queries ? "Latency by query, percentile spectrum"
	            : "Latency percentile spectrum (all requests, merged)",
	    "percentile", "latency (ms)");
	buf_adds(gp,
	    "set logscale x\nset xrange [1:100000]\n"
	    "set xtics ('0%%' 1, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000)\n");
	for (unsigned c = 0; c < cols; c++) {
		buf_adds(gp, c ? ", \\\n  " : "plot ");
		buf_printf(gp, "'%s.dat' using 2:%u with lines lw 2 title ",
		    name, c + 3);
		gp_str(gp, s->g[col[c]].name);
	}
	buf_addc(gp, '\n');
	return cols;
}

/* Open loop: the spectrum of the latency from the intended start and of
 * the schedule lag of each role and target that has them. 0 when none. */
static unsigned
spectrum_open(const struct report_page *p, const char *name, struct buf *dat,
    struct buf *gp)
{
	const struct runset *s = p->rs;
	const struct hist   *h[2 * RUNSET_MAX_GROUPS];
	char                 label[2 * RUNSET_MAX_GROUPS][100];
	unsigned             cols = 0;

	for (unsigned g = 0; g < s->ng; g++) {
		if (!strcmp(s->g[g].kind, "query"))
			continue;
		if (!hist_is_empty(s->g[g].hi)) {
			h[cols] = s->g[g].hi;
			snprintf(label[cols++], sizeof(label[0]),
			    "%.70s from the intended start", s->g[g].name);
		}
		if (!hist_is_empty(s->g[g].hl)) {
			h[cols] = s->g[g].hl;
			snprintf(label[cols++], sizeof(label[0]),
			    "%.70s schedule lag", s->g[g].name);
		}
	}
	if (!cols)
		return 0;
	buf_adds(dat, "percentile,x");
	for (unsigned c = 0; c < cols; c++)
		buf_printf(dat, ",%s", label[c]);
	buf_addc(dat, '\n');
	for (unsigned i = 0; i < REPORT_SPECTRUM_POINTS; i++) {
		double pc = report_spectrum_pct(i);

		buf_printf(dat, "%.5f,%.6g", pc, 1.0 / (1.0 - pc / 100.0));
		for (unsigned c = 0; c < cols; c++)
			buf_printf(dat, ",%.6f", pct_ms(h[c], i ? pc : 0));
		buf_addc(dat, '\n');
	}
	gp_head(gp, name,
	    "Open loop: latency from the intended start and schedule lag",
	    "percentile", "ms");
	buf_adds(gp,
	    "set logscale x\nset xrange [1:100000]\n"
	    "set xtics ('0%%' 1, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000)\n");
	for (unsigned c = 0; c < cols; c++) {
		buf_adds(gp, c ? ", \\\n  " : "plot ");
		buf_printf(gp, "'%s.dat' using 2:%u with lines lw 2%s title ",
		    name, c + 3, strstr(label[c], "lag") ? " dt 2" : "");
		gp_str(gp, label[c]);
	}
	buf_addc(gp, '\n');
	return cols;
}

/* Writes name.gp (and name.dat if any) and runs gnuplot. */
static int
draw(const struct report_page *p, const char *name, struct buf *gp,
    struct buf *dat)
{
	char f[64];
	int  rc;

	if (dat && dat->len) {
		snprintf(f, sizeof(f), "%s.dat", name);
		if ((rc = save(p, f, dat)))
			return rc;
	}
	snprintf(f, sizeof(f), "%s.gp", name);
	if ((rc = save(p, f, gp)))
		return rc;
	return gnuplot(p, name);
}

/* Whether any run fell behind its interval. */
static bool
behind_any(const struct runset *s)
{
	for (unsigned g = 0; g < s->ng; g++)
		if (s->g[g].behind)
			return true;
	return false;
}

/* All the plots; their list in pl (*n of them). 1: no gnuplot. */
static int
plots(const struct report_page *p, struct plot *pl, unsigned *n)
{
	const struct runset *s = p->rs;
	struct buf           gp, dat;
	int                  rc = 0;
	unsigned             k;

	*n = 0;
	buf_init(&gp, 1u << 20);
	buf_init(&dat, 1u << 20);
#define PLOT(nm, tt, cap)                                                     \
	do {                                                                  \
		snprintf(pl[*n].name, sizeof(pl[0].name), "%s", nm);          \
		snprintf(pl[*n].title, sizeof(pl[0].title), "%s", tt);        \
		snprintf(pl[*n].caption, sizeof(pl[0].caption), "%s", cap);   \
		rc = draw(p, nm, &gp, &dat);                                  \
		if (!rc)                                                      \
			(*n)++;                                               \
		buf_reset(&gp);                                               \
		buf_reset(&dat);                                              \
	} while (0)

	gp_head(&gp, "rate", "Rate over time", "seconds into the run",
	    "per second");
	k = gp_series(
	    &gp, s, "records_per_s", "queries_per_s", NULL, "lines lw 2", 0);
	if (k)
		gp_series(&gp, s, "target_per_s", "target_per_s", "target",
		    "lines dt 2", k);
	if (k) {
		buf_addc(&gp, '\n');
		PLOT("rate", "Rate over time",
		    "Records (ingest) and queries (query) per second, from timeseries.csv and query-timeseries.csv; dashed: the open loop's target rate.");
	}
	buf_reset(&gp);
	gp_head(&gp, "latency", "Latency over time", "seconds into the run",
	    "latency (ms)");
	k = gp_series(&gp, s, "p50_ms", "p50_ms", "p50", "lines lw 2", 0);
	if (!rc && k) {
		gp_series(
		    &gp, s, "p99_ms", "p99_ms", "p99", "lines dt 2 lw 2", k);
		buf_addc(&gp, '\n');
		PLOT("latency", "Latency over time",
		    "Per-second p50 (solid) and p99 (dashed) of the requests that ended in that second.");
	}
	buf_reset(&gp);
	if (!rc && spectrum(p, "spectrum", false, &dat, &gp))
		PLOT("spectrum", "Percentile spectrum",
		    "Every percentile from 0 to 99.999 % of the merged histograms (all runs, all hosts): the tail at a glance, as HdrHistogram draws it.");
	buf_reset(&gp);
	buf_reset(&dat);
	if (!rc && spectrum(p, "queries", true, &dat, &gp))
		PLOT("queries", "Latency by query",
		    "The percentile spectrum of each query's successful executions.");
	buf_reset(&gp);
	buf_reset(&dat);
	gp_head(&gp, "errors", "Errors and throttles", "seconds into the run",
	    "count (cumulative)");
	k = gp_series(&gp, s, "errors", "errors", "errors", "lines lw 2", 0);
	if (!rc && k) {
		gp_series(&gp, s, "throttles", "throttles", "throttles",
		    "lines dt 2 lw 2", k);
		buf_addc(&gp, '\n');
		PLOT("errors", "Errors and throttles",
		    "Failed requests (solid) and throttled ones (dashed), counted from the start of the run.");
	}
	buf_reset(&gp);
	if (!rc) {
		gp_head(&gp, "lag", "Schedule lag", "seconds into the run",
		    "lag p99 (ms)");
		if (gp_series(&gp, s, "lag_p99_ms", "lag_p99_ms", "lag p99",
		        "lines lw 2", 0)) {
			buf_addc(&gp, '\n');
			PLOT("lag", "Schedule lag",
			    "Open loop: how late requests were sent against their schedule (p99 per second).");
		}
	}
	buf_reset(&gp);
	buf_reset(&dat);
	if (!rc && spectrum_open(p, "openloop", &dat, &gp))
		PLOT("openloop",
		    "Latency from the intended start and schedule lag",
		    "Open loop, every percentile of the merged histograms: the latency from each request's intended start (solid; what a user of the database waits, queueing included) and how late it was sent (dashed).");
	buf_reset(&gp);
	buf_reset(&dat);
	if (!rc && behind_any(s)) {
		gp_head(&gp, "behind", "Behind schedule",
		    "seconds into the run", "count (cumulative)");
		if (gp_series(&gp, s, "behind", NULL, "behind schedule",
		        "lines lw 2", 0)) {
			buf_addc(&gp, '\n');
			PLOT("behind", "Behind schedule",
			    "Closed loop with --interval-millis: the times a thread fell more than 5 % of an interval behind (\"Can't keep up\") and jumped to the present, counted from the start.");
		}
	}
	buf_reset(&gp);
	gp_head(&gp, "target_rate", "Rate per target", "seconds into the run",
	    "records per second");
	if (!rc
	    && gp_target_series(&gp, s, "records_per_s", "lines lw 2", 0)) {
		buf_addc(&gp, '\n');
		PLOT("target_rate", "Rate per target",
		    "Fan-out (--target repeated): the records each target acknowledged per second, from timeseries-target-N.csv.");
	}
	buf_reset(&gp);
	gp_head(&gp, "target_latency", "Latency per target",
	    "seconds into the run", "latency (ms)");
	if (!rc && gp_target_series(&gp, s, "p99_ms", "lines lw 2", 0)) {
		buf_addc(&gp, '\n');
		PLOT("target_latency", "Latency per target",
		    "Fan-out: the per-second p99 write latency of each target.");
	}
#undef PLOT
	buf_free(&gp);
	buf_free(&dat);
	return rc;
}

/* ---- the page ---- */

static void
esc(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

static const char css[]
    = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;background:#f5f6f8}"
      "header{background:#1f3b57;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}"
      "header p{margin:4px 0 0;opacity:.85}main{max-width:1040px;margin:0 auto;padding:8px 24px 40px}"
      "section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:12px 20px;margin:18px 0;overflow-x:auto}"
      "h2{font-size:18px;margin:6px 0 10px}table{border-collapse:collapse;width:100%;font-size:13px}"
      "th,td{padding:4px 6px;border-bottom:1px solid #e4e7ec;text-align:right;white-space:nowrap}"
      "th:first-child,td:first-child{text-align:left}th{background:#f0f2f5}"
      "code,pre{font:12px ui-monospace,monospace;background:#f0f2f5;border-radius:4px}"
      "pre{padding:8px;white-space:pre-wrap;word-break:break-all}"
      "img{max-width:100%;display:block;margin:6px 0}figcaption{color:#566;font-size:13px}"
      ".note{color:#8a5a00}dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:0}"
      "dt{color:#566}dd{margin:0}.v3{color:#b00020;font-weight:600}.v2{color:#0a7a2f;font-weight:600}";

static void
td_ms(struct buf *b, double ms)
{
	buf_printf(b, "<td>%.3f</td>", ms);
}

static void
group_table(struct buf *b, const struct runset *s, bool queries)
{
	bool any = false, spool = false, sched = false;

	for (unsigned i = 0; i < s->ng; i++) {
		any |= !strcmp(s->g[i].kind, "query") == queries;
		spool |= s->g[i].spooled || s->g[i].replayed;
		sched |= s->g[i].behind || s->g[i].skipped;
	}
	if (!any)
		return;
	buf_adds(b, "<table><tr><th>");
	buf_adds(b, queries ? "query" : "role / target");
	buf_adds(b,
	    "</th><th>runs</th><th>requests</th><th>ok</th><th>failed</th><th>throttles</th>"
	    "<th>per second</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th>"
	    "<th>p99.99 ms</th><th>max ms</th>");
	if (spool)
		buf_adds(b, "<th>spooled</th><th>replayed</th>");
	if (sched)
		buf_adds(b, "<th>behind schedule</th><th>skipped</th>");
	buf_adds(b, "</tr>\n");
	for (unsigned i = 0; i < s->ng; i++) {
		const struct runset_group *g = &s->g[i];
		double secs                  = g->runs ? g->secs / g->runs : 0;

		if ((!strcmp(g->kind, "query")) != queries)
			continue;
		buf_adds(b, "<tr><td>");
		esc(b, g->name);
		buf_printf(b,
		    "</td><td>%u</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%.1f</td>",
		    g->runs, (unsigned long long)g->attempts,
		    (unsigned long long)g->ok, (unsigned long long)g->failed,
		    (unsigned long long)g->throttles,
		    secs > 0 ? (g->records && strcmp(g->name, "query")
		                       ? g->records
		                       : g->attempts)
		            / secs
		             : 0.0);
		for (size_t k = 0; k < 5; k++)
			td_ms(b, pct_ms(g->h, summary_pcts[k]));
		td_ms(b, hist_is_empty(g->h) ? 0 : g->h->max / 1e6);
		if (spool)
			buf_printf(b, "<td>%llu</td><td>%llu</td>",
			    (unsigned long long)g->spooled,
			    (unsigned long long)g->replayed);
		if (sched)
			buf_printf(b, "<td>%llu</td><td>%llu</td>",
			    (unsigned long long)g->behind,
			    (unsigned long long)g->skipped);
		buf_adds(b, "</tr>\n");
	}
	buf_adds(b, "</table>\n");
}

static void
threads_table(struct buf *b, struct qthreads *qt)
{
	buf_printf(b,
	    "<section><h2>Per-thread query results</h2><p>%u summary CSVs and %u do-qN.log files; the statistics below are over every execution in the logs (seconds, as the seed's summary), not averages of the per-thread figures.</p>\n"
	    "<table><tr><th>query</th><th>total</th><th>ok</th><th>avg s</th><th>stddev s</th><th>median s</th><th>p90 s</th><th>p99 s</th><th>geo mean s</th></tr>\n",
	    qt->files, qt->logs);
	for (unsigned i = 0; i < qt->qs.n; i++) {
		struct qsum_row  *r = &qt->qs.row[i];
		struct qsum_stats st;

		buf_printf(b, "<tr><td>do-q%u</td><td>%llu</td><td>%llu</td>",
		    r->id, (unsigned long long)r->total,
		    (unsigned long long)r->ok);
		if (qsum_row_stats(r, &st) == 0)
			buf_printf(b,
			    "<td>%.6f</td><td>%.6f</td><td>%.6f</td><td>%.6f</td><td>%.6f</td><td>%.6f</td>",
			    st.avg, st.stddev, st.median, st.p90, st.p99,
			    st.geomean);
		else
			buf_adds(b, "<td colspan=6>no success</td>");
		buf_adds(b, "</tr>\n");
	}
	buf_adds(b, "</table></section>\n");
}

/* Two runs or more: the figures side by side, and each later run's
 * change from the first with its verdict (tsload compare's). */
static void
comparison_section(struct buf *b, const struct report_page *p)
{
	const struct cmp_run *r = p->cmp;
	char                  v[128], lo[64], hi[64];

	buf_adds(b,
	    "<section><h2>Comparison</h2><p>Each run against the first, [1], as <code>tsload compare</code> shows them: the run's figure, its change from [1] and a verdict that allows for noise (a 95 % bootstrap interval of the difference of the means of the per-second samples: &ldquo;faster&rdquo; or &ldquo;slower&rdquo; only when it excludes 0).</p>\n<table><tr><th>figure</th>");
	for (unsigned k = 0; k < p->ncmp; k++) {
		buf_printf(b, "<th>[%u]</th>", k + 1);
		if (k)
			buf_printf(b,
			    "<th>change</th><th>95%% interval</th><th>verdict [%u]</th>",
			    k + 1);
	}
	buf_adds(b, "</tr>\n");
	for (unsigned i = 0; i < CMP_FIGS; i++) {
		if (!r[0].f[i].have)
			continue;
		buf_printf(b, "<tr><td>%s</td>", compare_fig_name(i));
		for (unsigned k = 0; k < p->ncmp; k++) {
			struct cmp_diff d;

			if (!r[k].f[i].have) {
				buf_adds(b,
				    k ? "<td>-</td><td></td><td></td><td></td>"
				      : "<td>-</td>");
				continue;
			}
			compare_show(i, r[k].f[i].value, false, v, sizeof(v));
			buf_adds(b, "<td>");
			esc(b, v);
			buf_adds(b, "</td>");
			if (!k)
				continue;
			compare_diff(&r[0], &r[k], i, &d);
			compare_show(i, d.abs, true, v, sizeof(v));
			if (isnan(d.pct))
				buf_printf(b, "<td>%s (new)</td>", v);
			else
				buf_printf(
				    b, "<td>%s (%+.1f%%)</td>", v, d.pct);
			if (isnan(d.lo)) {
				buf_adds(b, "<td></td>");
			} else {
				compare_show(i, d.lo, true, lo, sizeof(lo));
				compare_show(i, d.hi, true, hi, sizeof(hi));
				buf_printf(b, "<td>%s .. %s</td>", lo, hi);
			}
			buf_printf(b, "<td class=v%d>%s</td>", (int)d.v,
			    compare_verdict_text(i, d.v));
		}
		buf_adds(b, "</tr>\n");
	}
	buf_adds(b, "</table><p>");
	for (unsigned k = 0; k < p->ncmp; k++) {
		buf_printf(b, "%s[%u] ", k ? "<br>" : "", k + 1);
		esc(b, r[k].dir);
		buf_adds(b, " (");
		esc(b, r[k].command);
		buf_adds(b, ")");
	}
	buf_adds(b, "</p></section>\n");
}

static void
runs_section(struct buf *b, const struct runset *s)
{
	buf_adds(b, "<section><h2>Runs</h2>\n");
	for (unsigned i = 0; i < s->n; i++) {
		const struct runset_run *r = &s->run[i];

		buf_adds(b, "<dl><dt>run</dt><dd>");
		esc(b, r->run_id);
		buf_adds(b, " (");
		esc(b, r->dir);
		buf_adds(b, ")</dd><dt>machine</dt><dd>");
		esc(b, r->host);
		buf_adds(b, "</dd><dt>tsload</dt><dd>");
		esc(b, r->version);
		buf_adds(b, "</dd><dt>started</dt><dd>");
		esc(b, r->start);
		buf_printf(b,
		    ", %.1f s, exit code %d</dd><dt>value seed</dt><dd>%llu</dd><dt>command line</dt><dd><code>",
		    r->seconds, r->exit_code,
		    (unsigned long long)r->value_seed);
		esc(b, r->cmdline[0] ? r->cmdline : r->command);
		buf_adds(b,
		    "</code></dd></dl>\n<details><summary>options</summary><pre>");
		esc(b, r->options);
		buf_adds(b, "</pre></details>\n");
	}
	buf_adds(b, "</section>\n");
}

int
report_page_html(const struct report_page *p, unsigned *nplots)
{
	const struct runset *s = p->rs;
	struct plot          pl[16];
	struct buf           b;
	char                 host[128] = "", when[40];
	time_t               now       = time(NULL);
	struct tm            tm;
	int                  rc;

	rc = plots(p, pl, nplots);
	if (rc < 0)
		return rc;
	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	buf_init(&b, PAGE_MAX);
	buf_adds(&b,
	    "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
	    "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
	    "<title>tsload report</title><style>");
	buf_adds(&b, css);
	buf_printf(&b,
	    "</style></head><body><header><h1>tsload report</h1><p>%u run%s",
	    s->n, s->n == 1 ? "" : "s");
	if (s->n == 1) {
		buf_adds(&b, " &middot; ");
		esc(&b, s->run[0].command);
		buf_adds(&b, " on ");
		esc(&b, s->run[0].host);
	}
	buf_adds(&b, " &middot; made ");
	esc(&b, when);
	buf_adds(&b, " on ");
	esc(&b, host);
	buf_printf(&b, " by tsload %s</p></header><main>\n", TSLOAD_VERSION);
	if (p->ncmp >= 2)
		comparison_section(&b, p);
	if (s->ng) {
		buf_adds(&b,
		    "<section><h2>Summary</h2><p>Merged from the histograms stored in each run.json: the percentiles are those of all requests together (within 0.4 %), not averages.</p>\n");
		group_table(&b, s, false);
		buf_adds(&b, "</section>\n");
	}
	if (rc == 1)
		buf_printf(&b,
		    "<section class=note><h2>No plots</h2><p>%s was not found: install gnuplot (Debian: gnuplot-nox) and run tsload report again.</p></section>\n",
		    p->gnuplot);
	for (unsigned i = 0; i < *nplots; i++) {
		buf_adds(&b, "<section><h2>");
		esc(&b, pl[i].title);
		buf_printf(
		    &b, "</h2><figure><img src=\"%s.png\" alt=\"", pl[i].name);
		esc(&b, pl[i].title);
		buf_adds(&b, "\"><figcaption>");
		esc(&b, pl[i].caption);
		buf_adds(&b, "</figcaption></figure></section>\n");
	}
	if (s->ng) {
		bool q = false;

		for (unsigned i = 0; i < s->ng; i++)
			q |= !strcmp(s->g[i].kind, "query");
		if (q) {
			buf_adds(&b, "<section><h2>Queries</h2>\n");
			group_table(&b, s, true);
			buf_adds(&b, "</section>\n");
		}
	}
	if (p->qt)
		threads_table(&b, p->qt);
	if (s->n)
		runs_section(&b, s);
	buf_adds(&b, "<section><h2>This report</h2><p><code>");
	esc(&b, p->cmdline);
	buf_adds(&b,
	    "</code></p><p>summary.json beside this page has the merged figures for machines; each plot's data and gnuplot script (.dat, .gp) are here too.</p></section>\n</main></body></html>\n");
	if (buf_cstr(&b)) {
		buf_free(&b);
		log_err("cannot write %s/index.html: too large", p->out);
		return -ENOSPC;
	}
	rc = report_save(p->out, "index.html", b.p, b.len);
	buf_free(&b);
	return rc;
}
