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
#include "verify_show.h"
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
	if (g->hf->count || g->fresh_lost) { /* --freshness */
		rc |= json_kv_uint(w, "fresh_count", g->hf->count);
		rc |= json_kv_uint(w, "fresh_not_visible", g->fresh_lost);
		rc |= json_kv_double(w, "fresh_p50_ms", pct_ms(g->hf, 50));
		rc |= json_kv_double(w, "fresh_p99_ms", pct_ms(g->hf, 99));
		rc |= json_kv_double(w, "fresh_max_ms",
		    hist_is_empty(g->hf) ? 0 : g->hf->max / 1e6);
	}
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

/* The comparison's "freshness" (per role or target, each run's p50 and
 * p99 in ms, null where a run has none) and "verify" (each run's
 * "holds", "differs" or null). */
static int
json_cmp_checks(struct json_w *w, const struct cmp_run *r, unsigned n)
{
	unsigned rows = compare_fresh_rows(r, n);
	int      rc   = json_key(w, "freshness") | json_arr_begin(w);

	for (unsigned t = 0; t < rows; t++) {
		rc |= json_obj_begin(w);
		rc |= json_kv_str(
		    w, "name", t < r[0].n_fresh ? r[0].fresh[t].name : "");
		for (int p = 0; p < 2; p++) {
			rc |= json_key(w, p ? "p99_ms" : "p50_ms")
			    | json_arr_begin(w);
			for (unsigned k = 0; k < n; k++)
				rc |= t < r[k].n_fresh ? json_double(w,
				          (p ? r[k].fresh[t].p99
				             : r[k].fresh[t].p50)
				              * 1e3)
				                       : json_null(w);
			rc |= json_arr_end(w);
		}
		rc |= json_obj_end(w);
	}
	rc |= json_arr_end(w);
	rc |= json_key(w, "verify") | json_arr_begin(w);
	for (unsigned k = 0; k < n; k++)
		rc |= r[k].verify == CMP_VERIFY_NONE
		    ? json_null(w)
		    : json_str(w, compare_verify_word(&r[k]));
	rc |= json_arr_end(w);
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
	rc |= json_cmp_checks(w, r, p->ncmp);
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
		if (r->verify) /* as run.json has it */
			rc |= json_key(&w, "verify") | json_obj_begin(&w)
			    | verify_json(&w, &r->verify->r, r->verify->target)
			    | json_obj_end(&w);
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
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addc(b, '\'');
		buf_addc(b, *s);
	}
	buf_addc(b, '\'');
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
			buf_adds(b, n ? ", \\\n  " : "plot ");
			gp_str(b, path);
			buf_printf(
			    b, " using 1:'%s' with %s title ", col, style);
			gp_str(b, label);
			n++;
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
			buf_adds(b, n ? ", \\\n  " : "plot ");
			gp_str(b, path);
			buf_printf(
			    b, " using 1:'%s' with %s title ", col, style);
			gp_str(b, label);
			n++;
		}
	}
	return n;
}

struct plot {
	char name[32];
	char title[96];
	char caption[400];
};

/* One line of a percentile spectrum: a histogram and its title. */
struct curve {
	const struct hist *h;
	char               label[128];
	bool               dashed;
};

/* The percentile spectrum (0 % to 99.999 %, as HdrHistogram draws it)
 * of c[0..n) into name.dat and name.gp; n: 0 (nothing) or more. */
static unsigned
spectrum_plot(const char *name, const char *title, const char *ylabel,
    const struct curve *c, unsigned n, struct buf *dat, struct buf *gp)
{
	if (!n)
		return 0;
	buf_adds(dat, "percentile,x");
	for (unsigned k = 0; k < n; k++)
		buf_printf(dat, ",%s", c[k].label);
	buf_addc(dat, '\n');
	for (unsigned i = 0; i < REPORT_SPECTRUM_POINTS; i++) {
		double pc = report_spectrum_pct(i);

		buf_printf(dat, "%.5f,%.6g", pc, 1.0 / (1.0 - pc / 100.0));
		for (unsigned k = 0; k < n; k++)
			buf_printf(dat, ",%.6f", pct_ms(c[k].h, i ? pc : 0));
		buf_addc(dat, '\n');
	}
	gp_head(gp, name, title, "percentile", ylabel);
	buf_adds(gp,
	    "set logscale x\nset xrange [1:100000]\n"
	    "set xtics ('0%%' 1, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000)\n");
	for (unsigned k = 0; k < n; k++) {
		buf_adds(gp, k ? ", \\\n  " : "plot ");
		buf_printf(gp, "'%s.dat' using 2:%u with lines lw 2%s title ",
		    name, k + 3, c[k].dashed ? " dt 2" : "");
		gp_str(gp, c[k].label);
	}
	buf_addc(gp, '\n');
	return n;
}

/* Appends group g's histogram h (when it has any) to c[*n] as "NAME
 * what" (what "" for the name alone). */
static void
curve_add(struct curve *c, unsigned *n, const struct runset_group *g,
    const struct hist *h, const char *what, bool dashed)
{
	if (hist_is_empty(h))
		return;
	c[*n].h      = h;
	c[*n].dashed = dashed;
	snprintf(c[*n].label, sizeof(c[0].label), "%.80s%s%s", g->name,
	    what[0] ? " " : "", what);
	(*n)++;
}

/* The latency spectrum of the queries (queries) or of the roles and
 * targets. 0 when there is nothing. */
static unsigned
spectrum(const struct report_page *p, const char *name, bool queries,
    struct buf *dat, struct buf *gp)
{
	const struct runset *s = p->rs;
	struct curve         c[RUNSET_MAX_GROUPS];
	unsigned             n = 0;

	for (unsigned g = 0; g < s->ng; g++)
		if (!strcmp(s->g[g].kind, "query") == queries)
			curve_add(c, &n, &s->g[g], s->g[g].h, "", false);
	return spectrum_plot(name,
	    queries ? "Latency by query, percentile spectrum"
	            : "Latency percentile spectrum (all requests, merged)",
	    "latency (ms)", c, n, dat, gp);
}

/* Open loop: the spectrum of the latency from the intended start and of
 * the schedule lag of each role and target that has them. 0 when none. */
static unsigned
spectrum_open(const struct report_page *p, const char *name, struct buf *dat,
    struct buf *gp)
{
	const struct runset *s = p->rs;
	struct curve         c[2 * RUNSET_MAX_GROUPS];
	unsigned             n = 0;

	for (unsigned g = 0; g < s->ng; g++) {
		if (!strcmp(s->g[g].kind, "query"))
			continue;
		curve_add(c, &n, &s->g[g], s->g[g].hi,
		    "from the intended start", false);
		curve_add(c, &n, &s->g[g], s->g[g].hl, "schedule lag", true);
	}
	return spectrum_plot(name,
	    "Open loop: latency from the intended start and schedule lag",
	    "ms", c, n, dat, gp);
}

/* --freshness: the spectrum of the time from an acknowledged write to
 * visible, per role and target. 0 when no run probed. */
static unsigned
spectrum_fresh(const struct report_page *p, const char *name, struct buf *dat,
    struct buf *gp)
{
	const struct runset *s = p->rs;
	struct curve         c[RUNSET_MAX_GROUPS];
	unsigned             n = 0;

	for (unsigned g = 0; g < s->ng; g++)
		curve_add(c, &n, &s->g[g], s->g[g].hf, "", false);
	return spectrum_plot(name,
	    "Freshness: acknowledged write to visible in a query, percentile spectrum",
	    "freshness (ms)", c, n, dat, gp);
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
	if (!rc && spectrum_fresh(p, "freshness", &dat, &gp))
		PLOT("freshness", "Freshness",
		    "--freshness: every percentile of the time from an acknowledged write to the moment a query sees it, per role and target (all runs merged).");
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
      "dt{color:#566}dd{margin:0}.v3{color:#b00020;font-weight:600}.v2{color:#0a7a2f;font-weight:600}"
      "h3{font-size:15px;margin:14px 0 6px}.verdict{font-size:16px;margin:4px 0 10px}"
      "td.l,th.l{text-align:left}td.w{white-space:normal}td.series{text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:17em;font:12px ui-monospace,monospace}";

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

/* The comparison's rows of one value per run, without an interval or a
 * verdict: each role's or target's freshness p50 and p99 (and its change
 * from [1]), and tsload verify's answer of each run. */
static void
cmp_checks_rows(struct buf *b, const struct cmp_run *r, unsigned n)
{
	unsigned rows = compare_fresh_rows(r, n);
	bool     ver  = false;

	for (unsigned t = 0; t < rows; t++)
		for (int p = 0; p < 2; p++) {
			const char *name
			    = t < r[0].n_fresh ? r[0].fresh[t].name : "";

			buf_printf(
			    b, "<tr><td>freshness %s ", p ? "p99" : "p50");
			esc(b, name);
			buf_adds(b, "</td>");
			for (unsigned k = 0; k < n; k++) {
				double x, a;

				if (t >= r[k].n_fresh) {
					buf_adds(b,
					    k ? "<td>-</td><td></td><td></td><td></td>"
					      : "<td>-</td>");
					continue;
				}
				x = p ? r[k].fresh[t].p99 : r[k].fresh[t].p50;
				buf_printf(b, "<td>%.4g ms</td>", x * 1e3);
				if (!k)
					continue;
				if (t >= r[0].n_fresh) {
					buf_adds(
					    b, "<td></td><td></td><td>-</td>");
					continue;
				}
				a = p ? r[0].fresh[t].p99 : r[0].fresh[t].p50;
				buf_printf(b, "<td>%+.4g ms", (x - a) * 1e3);
				if (a > 0)
					buf_printf(b, " (%+.1f%%)",
					    100 * (x - a) / a);
				buf_adds(b, "</td><td></td><td>-</td>");
			}
			buf_adds(b, "</tr>\n");
		}
	for (unsigned k = 0; k < n; k++)
		ver |= r[k].verify != CMP_VERIFY_NONE;
	if (!ver)
		return;
	buf_adds(b, "<tr><td>verify</td>");
	for (unsigned k = 0; k < n; k++) {
		buf_printf(b, "<td class=\"v%d w\">%s",
		    r[k].verify == CMP_VERIFY_DIFFERS     ? 3
		        : r[k].verify == CMP_VERIFY_HOLDS ? 2
		                                          : 0,
		    compare_verify_word(&r[k]));
		if (r[k].verify_what[0]) {
			buf_adds(b, ": ");
			esc(b, r[k].verify_what);
		}
		buf_adds(b, k ? "</td><td></td><td></td><td></td>" : "</td>");
	}
	buf_adds(b, "</tr>\n");
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
	cmp_checks_rows(b, r, p->ncmp);
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

/* The figure of plot name when it was drawn (a section's own plot). */
static void
plot_figure(struct buf *b, const struct plot *pl, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(pl[i].name, name))
			continue;
		buf_printf(
		    b, "<figure><img src=\"%s.png\" alt=\"", pl[i].name);
		esc(b, pl[i].title);
		buf_adds(b, "\"><figcaption>");
		esc(b, pl[i].caption);
		buf_adds(b, "</figcaption></figure>\n");
	}
}

/* --freshness: per role and target, the probes and their percentiles,
 * with the spectrum plot. Nothing when no run probed. */
static void
fresh_section(
    struct buf *b, const struct runset *s, const struct plot *pl, unsigned npl)
{
	bool any = false;

	for (unsigned i = 0; i < s->ng; i++)
		any |= s->g[i].hf->count || s->g[i].fresh_lost;
	if (!any)
		return;
	buf_printf(b,
	    "<section id=freshness><h2>Freshness</h2><p>How soon written data can be queried (<code>--freshness</code>): the time from the acknowledgement of a probe's write to the first query that sees it, per role and target, merged over the runs. A probe not seen within %u s is counted as not visible, not timed.</p>\n"
	    "<table><tr><th>role / target</th><th>probes</th><th>not visible</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>p99.99 ms</th><th>max ms</th></tr>\n",
	    (unsigned)STATS_FRESH_CAP_S);
	for (unsigned i = 0; i < s->ng; i++) {
		const struct runset_group *g = &s->g[i];

		if (!g->hf->count && !g->fresh_lost)
			continue;
		buf_adds(b, "<tr><td>");
		esc(b, g->name);
		buf_printf(b, "</td><td>%llu</td><td>%llu</td>",
		    (unsigned long long)g->hf->count,
		    (unsigned long long)g->fresh_lost);
		for (size_t k = 0; k < 5; k++)
			td_ms(b, pct_ms(g->hf, summary_pcts[k]));
		td_ms(b, hist_is_empty(g->hf) ? 0 : g->hf->max / 1e6);
		buf_adds(b, "</tr>\n");
	}
	buf_adds(b, "</table>\n");
	plot_figure(b, pl, npl, "freshness");
	buf_adds(b, "</section>\n");
}

/* One row of verify counts: what, then expected .. unexpected times. */
static void
verify_counts_row(
    struct buf *b, const char *what, const struct verify_counts *c)
{
	buf_adds(b, "<tr><td>");
	esc(b, what);
	buf_printf(b,
	    "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td></tr>\n",
	    (unsigned long long)c->expected, (unsigned long long)c->found,
	    (unsigned long long)c->missing, (unsigned long long)c->duplicated,
	    (unsigned long long)c->changed, (unsigned long long)c->unexpected);
}

/* One run's tsload verify: the verdict, what was checked, the counts
 * per measurement and the first differing cells. */
static void
verify_page_run(struct buf *b, const struct runset_run *run, bool several)
{
	const struct verify_shown  *v = run->verify;
	const struct verify_result *r = &v->r;

	if (several) {
		buf_adds(b, "<h3>");
		esc(b, run->run_id);
		buf_adds(b, "</h3>");
	}
	buf_printf(b, "<p class=\"verdict v%d\">", v->differs ? 3 : 2);
	esc(b, verify_verdict(v->differs));
	buf_adds(b, "</p>\n<dl><dt>target</dt><dd>");
	esc(b, v->target);
	buf_adds(b, "</dd><dt>values</dt><dd>");
	if (r->counts_only)
		buf_adds(b,
		    "not compared (seed-exact run): counts, times and series only");
	else
		buf_printf(b, "compared within a relative difference of %g",
		    r->tolerance);
	buf_printf(b,
	    "</dd><dt>checked</dt><dd>in %.2f s: %llu aggregate cells (series &times; measure &times; hour), %llu differing, %llu row reads</dd>"
	    "<dt>series the run did not write</dt><dd>%llu (%llu points)",
	    r->seconds, (unsigned long long)r->cells,
	    (unsigned long long)r->cells_bad,
	    (unsigned long long)r->row_queries,
	    (unsigned long long)r->total.extra_series,
	    (unsigned long long)r->total.extra_points);
	if (r->example_extra[0]) {
		buf_adds(b, ", e.g. <code>");
		esc(b, r->example_extra);
		buf_adds(b, "</code>");
	}
	if (r->cells_inconsistent)
		buf_printf(b,
		    "</dd><dt>aggregates against rows</dt><dd>%llu cells whose aggregates differ while their rows hold what was written: the target's answers disagree",
		    (unsigned long long)r->cells_inconsistent);
	buf_adds(b,
	    "</dd></dl>\n<table><tr><th>points</th><th>expected</th><th>found</th><th>missing</th><th>duplicated</th><th>changed</th><th>at unexpected times</th></tr>\n");
	verify_counts_row(b, "all", &r->total);
	for (unsigned k = 0; k < 2; k++)
		if (r->kind_name[k][0])
			verify_counts_row(b, r->kind_name[k], &r->kind[k]);
	buf_adds(b, "</table>\n");
	if (!r->n_diff)
		return;
	buf_printf(b,
	    "<h3>First differing cells (%u of %llu)</h3>\n<table><tr><th>hour (UTC)</th><th class=l>measurement</th><th class=l>measure</th><th>missing</th><th>duplicated</th><th>changed</th><th>at unexpected times</th><th class=l>series</th></tr>\n",
	    r->n_diff, (unsigned long long)r->cells_bad);
	for (unsigned i = 0; i < r->n_diff; i++) {
		const struct verify_diff *d = &r->diff[i];
		char                      h[32];

		verify_hour_text(d->hour_ms, h, sizeof(h));
		buf_printf(b, "<tr><td>%s</td><td class=l>", h);
		esc(b, d->measurement);
		buf_adds(b, "</td><td class=l>");
		esc(b, d->measure);
		buf_printf(b,
		    "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td class=series>",
		    (unsigned long long)d->c.missing,
		    (unsigned long long)d->c.duplicated,
		    (unsigned long long)d->c.changed,
		    (unsigned long long)d->c.unexpected);
		esc(b, d->series);
		buf_adds(b, "</td></tr>\n");
	}
	buf_adds(b, "</table>\n");
}

/* tsload verify's answers (run.json's "verify"); nothing when no run
 * has one. */
static void
verify_section(struct buf *b, const struct runset *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->n; i++)
		n += s->run[i].verify != NULL;
	if (!n)
		return;
	buf_adds(b,
	    "<section id=verify><h2>What the database holds (tsload verify)</h2><p>The run's data regenerated from its seed and compared with what the target returns: aggregates (count, sum, min, max) per series, measure and hour, then the rows of the cells that differ. Points are measure values at a time; <i>missing</i>: written, not stored; <i>duplicated</i>: the extra copies; <i>changed</i>: stored with another value; <i>at unexpected times</i>: in a run's series at a time never written.</p>\n");
	for (unsigned i = 0; i < s->n; i++)
		if (s->run[i].verify)
			verify_page_run(b, &s->run[i], s->n > 1);
	buf_adds(b, "</section>\n");
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
	verify_section(&b, s);
	fresh_section(&b, s, pl, *nplots);
	for (unsigned i = 0; i < *nplots; i++) {
		if (!strcmp(pl[i].name, "freshness"))
			continue; /* in its section */
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
