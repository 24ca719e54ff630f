/* compare.c - tsload compare: runs side by side with bootstrap verdicts,
 * and the --fail-if gate. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"
#include "cmdutil.h"
#include "coord.h"
#include "fs.h"
#include "jsonr.h"
#include "log.h"
#include "verify_show.h"
#include "xalloc.h"

enum kind { K_RATE, K_LAT, K_COUNT, K_CPU };

/* The figures, in the order of struct cmp_run's f[]: where the total
 * comes from in run.json (side: "totals" or queries.totals; key: a
 * latency_s percentile, or computed) and the column of the per-second
 * CSV its samples come from (delta: a cumulative count, per second). */
static const struct fig_def {
	const char *name;
	enum kind   kind;
	bool        query;
	const char *pct; /* latency_s key */
	const char *col;
	bool        delta;
} defs[CMP_FIGS] = {
	{ "records_per_s", K_RATE, false, NULL, "records_per_s", false },
	{ "points_per_s", K_RATE, false, NULL, "points_per_s", false },
	{ "write_p50", K_LAT, false, "p50", "p50_ms", false },
	{ "write_p90", K_LAT, false, "p90", "p99_ms", false },
	{ "write_p99", K_LAT, false, "p99", "p99_ms", false },
	{ "errors", K_COUNT, false, NULL, "errors", true },
	{ "cpu_per_record", K_CPU, false, NULL, NULL, false },
	{ "queries_per_s", K_RATE, true, NULL, "queries_per_s", false },
	{ "query_p50", K_LAT, true, "p50", "p50_ms", false },
	{ "query_p90", K_LAT, true, "p90", "p99_ms", false },
	{ "query_p99", K_LAT, true, "p99", "p99_ms", false },
	{ "query_errors", K_COUNT, true, NULL, "errors", true },
};

#define ACCEPTED_FIGURES                                                      \
	"rate, records_per_s, points_per_s, queries_per_s, write_p50, write_p90, write_p99, query_p50, query_p90, query_p99, errors, query_errors, cpu_per_record"

/* The largest run.json or CSV read (a day of seconds is ~5 MB). */
enum { CMP_FILE_MAX = 256 << 20 };

static double
num(const struct jsonr_val *obj, const char *key)
{
	double x = 0;

	jsonr_num(jsonr_get(obj, key), &x);
	return x;
}

/* Column index of name in the CSV header line h, or -1. */
static int
column(const char *h, const char *name)
{
	size_t n = strlen(name);
	int    i = 0;

	for (const char *p = h; *p; i++) {
		const char *e = strpbrk(p, ",\r\n");
		size_t      k = e ? (size_t)(e - p) : strlen(p);

		if (k == n && !strncmp(p, name, n))
			return i;
		if (!e || *e != ',')
			break;
		p = e + 1;
	}
	return -1;
}

/* Field i of the CSV line l, as a number. */
static double
field(const char *l, int i)
{
	for (; i > 0 && l; i--) {
		l = strchr(l, ',');
		l = l ? l + 1 : NULL;
	}
	return l ? strtod(l, NULL) : NAN;
}

static void
push(struct cmp_fig *f, double x)
{
	f->x         = xrealloc(f->x, (f->n + 1) * sizeof(*f->x));
	f->x[f->n++] = x;
}

/* The samples of the figures of one side from the text of its CSV: a
 * row per second; the last, shorter interval (the drain) is left out,
 * and latency in seconds without requests. */
static void
samples(struct cmp_run *r, const char *csv, bool query)
{
	const char *nl      = strchr(csv, '\n'), *l;
	const char *ratecol = query ? "queries_per_s" : "records_per_s";
	int         it, ir, ic[CMP_FIGS];
	double      prev_t = 0, prev[CMP_FIGS] = { 0 };

	if (!nl)
		return;
	it = column(csv, "time_s");
	ir = column(csv, ratecol);
	for (unsigned i = 0; i < CMP_FIGS; i++)
		ic[i] = defs[i].query == query && defs[i].col
		    ? column(csv, defs[i].col)
		    : -1;
	for (l = nl + 1; *l; l = nl ? nl + 1 : l + strlen(l)) {
		double t = field(l, it), dt = t - prev_t;

		nl = strchr(l, '\n');
		if (it < 0 || !isfinite(t))
			break;
		for (unsigned i = 0; i < CMP_FIGS; i++) {
			double x;

			if (ic[i] < 0 || !r->f[i].have)
				continue;
			x = field(l, ic[i]);
			if (defs[i].delta) {
				double d = x - prev[i];

				prev[i] = x;
				x       = dt > 0 ? d / dt : 0;
			}
			if (dt < 0.5 || !isfinite(x))
				continue;
			if (defs[i].kind == K_LAT) {
				if (ir >= 0 && !(field(l, ir) > 0))
					continue;
				x /= 1e3; /* ms -> s */
			}
			push(&r->f[i], x);
		}
		prev_t = t;
	}
}

static void
set(struct cmp_run *r, unsigned i, double v)
{
	r->f[i].have  = true;
	r->f[i].value = v;
}

/* The totals of one side (ing: run.json's "totals"; else
 * "queries"."totals") into the figures of that side. */
static void
totals(struct cmp_run *r, const struct jsonr_val *root,
    const struct jsonr_val *t, bool query)
{
	const struct jsonr_val *lat  = jsonr_get(t, "latency_s");
	double                  secs = num(root, "seconds");

	for (unsigned i = 0; i < CMP_FIGS; i++) {
		if (defs[i].query != query)
			continue;
		if (defs[i].pct)
			set(r, i, num(lat, defs[i].pct));
		else if (defs[i].kind == K_COUNT)
			set(r, i, num(t, "failed"));
	}
	if (query) {
		set(r, 7, secs > 0 ? num(t, "attempts") / secs : 0);
		return;
	}
	set(r, 0, num(t, "records_per_s"));
	set(r, 1, num(t, "points_per_s"));
	if (num(t, "records") > 0) {
		const struct jsonr_val *res = jsonr_get(root, "resources");

		set(r, 6,
		    (num(res, "cpu_s_ingest_workers")
		        + num(res, "cpu_s_coordinator"))
		        / num(t, "records"));
	}
}

/* The freshness of one figures object o (named name) when it has one. */
static void
fresh_of(struct cmp_run *r, const struct jsonr_val *o, const char *name)
{
	const struct jsonr_val *f = jsonr_get(o, "freshness");
	struct cmp_fresh       *x;

	if (!f || r->n_fresh == CMP_FRESH_MAX)
		return;
	x = &r->fresh[r->n_fresh++];
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->p50 = num(f, "p50");
	x->p99 = num(f, "p99");
}

/* run.json's "verify" (verify_show.c reads it) and each role's or
 * target's freshness. 0, or -EINVAL with the reason in err. */
static int
checks(
    struct cmp_run *r, const struct jsonr_val *root, char *err, size_t errlen)
{
	const struct jsonr_val *v = jsonr_get(root, "targets");
	struct verify_shown    *vs;
	int                     rc = 0;

	for (size_t i = 0; i < jsonr_len(v); i++) {
		const struct jsonr_val *t   = jsonr_at(v, i);
		const char             *url = jsonr_get_str(t, "url");
		char                    name[80];

		snprintf(name, sizeof(name), "target %zu %.60s", i + 1,
		    url ? url : "");
		fresh_of(r, t, name);
	}
	if (!r->n_fresh)
		fresh_of(r, jsonr_get(root, "totals"), "ingest");
	v = jsonr_get(root, "verify");
	if (!v)
		return 0;
	vs = xmalloc(sizeof(*vs));
	rc = verify_show_read(v, vs, err, errlen);
	if (!rc) {
		r->verify
		    = vs->differs ? CMP_VERIFY_DIFFERS : CMP_VERIFY_HOLDS;
		verify_brief(&vs->r, r->verify_what, sizeof(r->verify_what));
	}
	free(vs);
	return rc;
}

const char *
compare_verify_word(const struct cmp_run *r)
{
	return r->verify == CMP_VERIFY_HOLDS  ? "holds"
	    : r->verify == CMP_VERIFY_DIFFERS ? "differs"
	                                      : "-";
}

unsigned
compare_fresh_rows(const struct cmp_run *r, unsigned n)
{
	unsigned m = 0;

	for (unsigned k = 0; k < n; k++)
		if (r[k].n_fresh > m)
			m = r[k].n_fresh;
	return m;
}

int
compare_load_text(struct cmp_run *r, const char *json, size_t len,
    const char *csv, const char *qcsv, char *err, size_t errlen)
{
	struct jsonr_doc       *doc;
	const struct jsonr_val *root, *t, *q;
	const char             *s;

	if (jsonr_parse(json, len, &doc, err, errlen))
		return -EINVAL;
	root = jsonr_root(doc);
	s    = jsonr_get_str(root, "command");
	if (!s
	    || (strcmp(s, "ingest") && strcmp(s, "query")
	        && strcmp(s, "run"))) {
		snprintf(err, errlen,
		    "not the run.json of an ingest, query or run (\"command\": %s)",
		    s ? s : "missing");
		jsonr_free(doc);
		return -EINVAL;
	}
	snprintf(r->command, sizeof(r->command), "%s", s);
	s = jsonr_get_str(root, "run_id");
	snprintf(r->run_id, sizeof(r->run_id), "%s", s ? s : "?");
	t = jsonr_get(root, "totals");
	q = jsonr_get(jsonr_get(root, "queries"), "totals");
	if (t)
		totals(r, root, t, false);
	if (q)
		totals(r, root, q, true);
	if (checks(r, root, err, errlen)) {
		jsonr_free(doc);
		return -EINVAL;
	}
	jsonr_free(doc);
	if (!t && !q) {
		snprintf(err, errlen,
		    "run.json has neither \"totals\" nor \"queries\".\"totals\"");
		return -EINVAL;
	}
	if (csv && t)
		samples(r, csv, false);
	if (qcsv && q)
		samples(r, qcsv, true);
	return 0;
}

int
compare_load(const char *dir, struct cmp_run *r, char *err, size_t errlen)
{
	char   path[600], why[256];
	char  *json, *csv = NULL, *qcsv = NULL;
	size_t len, n;
	int    rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = fs_read_all(path, CMP_FILE_MAX, &json, &len, why, sizeof(why));
	if (rc) {
		snprintf(err, errlen, "%s (not a run directory?)", why);
		return rc;
	}
	/* the CSVs are optional: without them, no verdicts */
	snprintf(path, sizeof(path), "%s/timeseries.csv", dir);
	if (fs_read_all(path, CMP_FILE_MAX, &csv, &n, why, sizeof(why)))
		csv = NULL;
	snprintf(path, sizeof(path), "%s/query-timeseries.csv", dir);
	if (fs_read_all(path, CMP_FILE_MAX, &qcsv, &n, why, sizeof(why)))
		qcsv = NULL;
	rc = compare_load_text(r, json, len, csv, qcsv, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "%s/run.json: %s", dir, why);
	free(json);
	free(csv);
	free(qcsv);
	return rc;
}

void
compare_free(struct cmp_run *r)
{
	for (unsigned i = 0; i < CMP_FIGS; i++) {
		free(r->f[i].x);
		r->f[i].x = NULL;
		r->f[i].n = 0;
	}
}

void
compare_diff(const struct cmp_run *a, const struct cmp_run *b, unsigned i,
    struct cmp_diff *d)
{
	const struct cmp_fig *fa = &a->f[i], *fb = &b->f[i];
	bool                  higher_better = defs[i].kind == K_RATE;

	d->abs = fb->value - fa->value;
	d->pct = fa->value != 0 ? 100.0 * d->abs / fa->value
	    : d->abs == 0       ? 0.0
	                        : NAN;
	d->lo = d->hi = NAN;
	if (defs[i].kind == K_CPU) {
		d->v = CMP_NONE; /* one value per run: nothing to resample */
		return;
	}
	if (boot_diff_ci(fa->x, fa->n, fb->x, fb->n, COMPARE_RESAMPLES,
	        COMPARE_CONF, COMPARE_SEED + i, &d->lo, &d->hi)) {
		d->v = CMP_FEW;
		return;
	}
	if (d->lo > 0)
		d->v = higher_better ? CMP_BETTER : CMP_WORSE;
	else if (d->hi < 0)
		d->v = higher_better ? CMP_WORSE : CMP_BETTER;
	else
		d->v = CMP_SAME;
}

const char *
compare_fig_name(unsigned i)
{
	return defs[i].name;
}

const char *
compare_verdict_text(unsigned i, enum cmp_verdict v)
{
	bool count = defs[i].kind == K_COUNT;

	switch (v) {
	case CMP_SAME:
		return "no significant change";
	case CMP_BETTER:
		return count ? "fewer errors" : "faster";
	case CMP_WORSE:
		return count ? "more errors" : "slower";
	case CMP_FEW:
		return "too few samples (< 2 s)";
	case CMP_NONE:
		break;
	}
	return "-";
}

void
compare_show(unsigned i, double x, bool sign, char *out, size_t n)
{
	const char *sg = sign && x >= 0 ? "+" : "";

	switch (defs[i].kind) {
	case K_RATE:
		snprintf(out, n, "%s%.1f/s", sg, x);
		break;
	case K_LAT:
		snprintf(out, n, "%s%.4g ms", sg, x * 1e3);
		break;
	case K_CPU:
		snprintf(out, n, "%s%.3f us", sg, x * 1e6);
		break;
	case K_COUNT:
		if (x != floor(x)) /* a per-second mean */
			snprintf(out, n, "%s%.2f/s", sg, x);
		else
			snprintf(out, n, "%s%.0f", sg, x);
		break;
	}
}

/* "fresh_p50 t2" for row t of the freshness (t2: the second target),
 * "fresh_p50" when the runs have one row. */
static void
fresh_label(char *out, size_t n, const char *what, unsigned t, unsigned rows)
{
	if (rows > 1)
		snprintf(out, n, "fresh_%s t%u", what, t + 1);
	else
		snprintf(out, n, "fresh_%s", what);
}

/* The freshness rows and verify's verdicts side by side (one value per
 * run: no verdict), each row's name explained below the table. */
static void
print_checks(FILE *f, const struct cmp_run *r, unsigned n)
{
	unsigned rows = compare_fresh_rows(r, n);
	bool     ver  = false;
	char     v[64], label[32];

	for (unsigned t = 0; t < rows; t++)
		for (int p = 0; p < 2; p++) {
			fresh_label(
			    label, sizeof(label), p ? "p99" : "p50", t, rows);
			fprintf(f, "%-16s", label);
			for (unsigned k = 0; k < n; k++) {
				const struct cmp_fresh *x = &r[k].fresh[t];

				if (t < r[k].n_fresh)
					snprintf(v, sizeof(v), "%.4g ms",
					    (p ? x->p99 : x->p50) * 1e3);
				else
					snprintf(v, sizeof(v), "-");
				fprintf(f, " %18s", v);
			}
			fprintf(f, "\n");
		}
	for (unsigned k = 0; k < n; k++)
		ver |= r[k].verify != CMP_VERIFY_NONE;
	if (ver) {
		fprintf(f, "%-16s", "verify");
		for (unsigned k = 0; k < n; k++)
			fprintf(f, " %18s", compare_verify_word(&r[k]));
		fprintf(f, "\n");
	}
	for (unsigned t = 0; rows > 1 && t < rows; t++)
		for (unsigned k = 0; k < n; k++)
			if (t < r[k].n_fresh) {
				fprintf(
				    f, "t%u: %s\n", t + 1, r[k].fresh[t].name);
				break;
			}
	if (rows)
		fprintf(f,
		    "fresh_*: --freshness, acknowledged write to visible (one figure per run: no interval, no verdict)\n");
	for (unsigned k = 0; k < n; k++)
		if (r[k].verify == CMP_VERIFY_DIFFERS)
			fprintf(f, "verify [%u]: the target differs: %s\n",
			    k + 1, r[k].verify_what);
}

/* Each freshness row's change of run b from run a: no interval. */
static void
print_fresh_change(
    FILE *f, const struct cmp_run *a, const struct cmp_run *b, unsigned rows)
{
	for (unsigned t = 0; t < rows; t++)
		for (int p = 0; p < 2; p++) {
			double x, y;
			char   label[32], v[48], pct[32];

			if (t >= a->n_fresh || t >= b->n_fresh)
				continue;
			x = p ? a->fresh[t].p99 : a->fresh[t].p50;
			y = p ? b->fresh[t].p99 : b->fresh[t].p50;
			fresh_label(
			    label, sizeof(label), p ? "p99" : "p50", t, rows);
			snprintf(v, sizeof(v), "%+.4g ms", (y - x) * 1e3);
			if (x > 0)
				snprintf(pct, sizeof(pct), "(%+.1f%%)",
				    100 * (y - x) / x);
			else
				snprintf(pct, sizeof(pct), "(new)");
			fprintf(f, "%-16s %18s %10s %-32s %s\n", label, v, pct,
			    "", "-");
		}
}

void
compare_print(FILE *f, const struct cmp_run *r, unsigned n)
{
	char v[64];

	for (unsigned k = 0; k < n; k++)
		fprintf(f, "[%u] %s (%s %s)\n", k + 1, r[k].dir, r[k].command,
		    r[k].run_id);
	fprintf(f, "\n%-16s", "figure");
	for (unsigned k = 0; k < n; k++)
		fprintf(f, " %18s",
		    k == 0 ? "[1]"
		           : (snprintf(v, sizeof(v), "[%u]", k + 1), v));
	fprintf(f, "\n");
	for (unsigned i = 0; i < CMP_FIGS; i++) {
		if (!r[0].f[i].have)
			continue;
		fprintf(f, "%-16s", defs[i].name);
		for (unsigned k = 0; k < n; k++) {
			if (r[k].f[i].have)
				compare_show(
				    i, r[k].f[i].value, false, v, sizeof(v));
			else
				snprintf(v, sizeof(v), "-");
			fprintf(f, " %18s", v);
		}
		fprintf(f, "\n");
	}
	print_checks(f, r, n);
	for (unsigned k = 1; k < n; k++) {
		fprintf(f,
		    "\n[%u] against [1]: change, its 95%% bootstrap interval (mean of the per-second samples), verdict\n",
		    k + 1);
		for (unsigned i = 0; i < CMP_FIGS; i++) {
			struct cmp_diff d;
			char            pct[32], lo[112], hi[48];

			if (!r[0].f[i].have || !r[k].f[i].have)
				continue;
			compare_diff(&r[0], &r[k], i, &d);
			compare_show(i, d.abs, true, v, sizeof(v));
			if (isnan(d.pct))
				snprintf(pct, sizeof(pct), "(new)");
			else
				snprintf(pct, sizeof(pct), "(%+.1f%%)", d.pct);
			if (isnan(d.lo)) {
				fprintf(f, "%-16s %18s %10s %-32s %s\n",
				    defs[i].name, v, pct, "",
				    compare_verdict_text(i, d.v));
				continue;
			}
			compare_show(i, d.lo, true, lo, sizeof(lo));
			compare_show(i, d.hi, true, hi, sizeof(hi));
			snprintf(lo + strlen(lo), sizeof(lo) - strlen(lo),
			    " .. %s", hi);
			fprintf(f, "%-16s %18s %10s [%-30s] %s\n",
			    defs[i].name, v, pct, lo,
			    compare_verdict_text(i, d.v));
		}
		print_fresh_change(f, &r[0], &r[k], compare_fresh_rows(r, n));
	}
}

int
compare_figure(const struct cmp_run *r, const char *name)
{
	if (!strcmp(name, "rate"))
		name = r->f[1].have ? "points_per_s" : "queries_per_s";
	else if (!strcmp(name, "errors") && !r->f[5].have)
		name = "query_errors";
	for (unsigned i = 0; i < CMP_FIGS; i++)
		if (!strcmp(defs[i].name, name))
			return (int)i;
	return -1;
}

/* One --fail-if on the last run against the first: 1 when it holds, 0
 * when not, -EINVAL with the reason in err. */
static int
gate_one(FILE *f, const struct cmp_run *a, const struct cmp_run *b,
    const char *expr, char *err, size_t errlen)
{
	struct thresh   t;
	struct cmp_diff d;
	char            why[200], x[48], y[48], c[48];
	int             i;
	double          change, bound = 0;
	bool            holds;

	if (thresh_parse(expr, &t, why, sizeof(why))) {
		snprintf(err, errlen, "--fail-if %s", why);
		return -EINVAL;
	}
	i = compare_figure(a, t.figure);
	if (i < 0) {
		snprintf(err, errlen,
		    "--fail-if \"%s\": unknown figure %s (accepted: " ACCEPTED_FIGURES
		    ")",
		    t.text, t.figure);
		return -EINVAL;
	}
	if (!a->f[i].have || !b->f[i].have) {
		snprintf(err, errlen,
		    "--fail-if \"%s\": %s is not in both runs (%s, %s)",
		    t.text, defs[i].name, a->command, b->command);
		return -EINVAL;
	}
	if (t.unit == TH_TARGET
	    || (t.unit == TH_SECS && defs[i].kind != K_LAT)) {
		snprintf(err, errlen,
		    "--fail-if \"%s\": the change of %s is N%% (relative) or N in its units%s",
		    t.text, defs[i].name,
		    defs[i].kind == K_LAT ? " (N, Nms, Ns, Nus)" : "");
		return -EINVAL;
	}
	compare_diff(a, b, (unsigned)i, &d);
	if (t.unit == TH_PCT) {
		change = d.pct;
		bound  = t.value;
		snprintf(c, sizeof(c), "%+.1f%%", d.pct);
	} else {
		change = d.abs;
		bound  = defs[i].kind == K_LAT && t.unit == TH_PLAIN
		     ? t.value / 1e3
		     : t.value;
		if (defs[i].kind == K_CPU)
			bound /= 1e6; /* written in us */
		compare_show((unsigned)i, d.abs, true, c, sizeof(c));
	}
	holds = isnan(change) ? t.op == TH_GT || t.op == TH_GE || t.op == TH_NE
	                      : thresh_holds(t.op, change, bound);
	compare_show((unsigned)i, a->f[i].value, false, x, sizeof(x));
	compare_show((unsigned)i, b->f[i].value, false, y, sizeof(y));
	fprintf(f, "fail-if %s: %s (%s %s -> %s, %s; %s)\n", t.text,
	    holds ? "HOLDS" : "does not hold", defs[i].name, x, y, c,
	    compare_verdict_text((unsigned)i, d.v));
	return holds;
}

int
compare_gate(FILE *f, const struct cmp_run *r, unsigned n, const char *fail_if,
    char *err, size_t errlen)
{
	const char *p    = fail_if ? fail_if : "";
	int         held = 0;
	bool        head = false;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t      k  = nl ? (size_t)(nl - p) : strlen(p);
		char        line[256];
		int         rc;

		snprintf(line, sizeof(line), "%.*s", (int)k, p);
		p += k + (nl != NULL);
		if (!line[0])
			continue;
		if (!head) {
			fprintf(f, "\n[%u] against [1], --fail-if:\n", n);
			head = true;
		}
		rc = gate_one(f, &r[0], &r[n - 1], line, err, errlen);
		if (rc < 0)
			return rc;
		held += rc;
	}
	return held;
}

int
compare_load_runs(const char *const *dirs, unsigned n, struct cmp_run **out)
{
	struct cmp_run *r = xcalloc(n, sizeof(*r));
	char            err[1024];

	for (unsigned k = 0; k < n; k++)
		if (compare_load(dirs[k], &r[k], err, sizeof(err))) {
			log_err("compare: %s", err);
			compare_free_runs(r, n);
			*out = NULL;
			return 2;
		}
	*out = r;
	return 0;
}

void
compare_free_runs(struct cmp_run *r, unsigned n)
{
	for (unsigned k = 0; r && k < n; k++)
		compare_free(&r[k]);
	free(r);
}

int
compare_show_gate(
    FILE *f, const struct cmp_run *r, unsigned n, const char *fail_if)
{
	char err[1024];
	int  held;

	compare_print(f, r, n);
	held = compare_gate(f, r, n, fail_if, err, sizeof(err));
	fflush(f);
	if (held < 0) {
		log_err("%s", err);
		return 2;
	}
	if (held > 0) {
		log_err("%d --fail-if condition%s held: exit %d", held,
		    held == 1 ? "" : "s", COMPARE_EXIT_GATE);
		return COMPARE_EXIT_GATE;
	}
	return 0;
}

int
compare_runs(FILE *f, char *const *dirs, unsigned n, const char *fail_if)
{
	struct cmp_run *r;
	int rc = compare_load_runs((const char *const *)dirs, n, &r);

	if (!rc)
		rc = compare_show_gate(f, r, n, fail_if);
	compare_free_runs(r, n);
	return rc;
}

static void
compare_usage(FILE *f)
{
	cmd_usage(CMD_COMPARE, f);
}

int
coord_compare(int argc, char **argv)
{
	struct tsl_opts o;
	int rc = cmd_parse(&o, CMD_COMPARE, argc, argv, compare_usage);

	if (rc >= 0) {
		opts_free(&o);
		return rc;
	}
	if (o.nargs < 2) {
		log_err(
		    "compare needs two run directories or more (tsload compare DIR DIR... [--fail-if EXPR])");
		opts_free(&o);
		return 2;
	}
	rc = compare_runs(stdout, o.args, o.nargs, o.fail_if);
	opts_free(&o);
	return rc;
}
