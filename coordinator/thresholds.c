/* thresholds.c - --threshold: the figures a run can be held to. */
#include "thresholds.h"

#include <errno.h>
#include <string.h>

#include "json.h"

enum kind { K_RATE, K_LAT, K_COUNT };
enum side { S_ING, S_QRY, S_ANY };

/* A figure of --threshold: its name, kind and side; pct is the
 * percentile of a latency (0: the mean, 100: the maximum). */
static const struct figure {
	const char *name;
	enum kind   kind;
	enum side   side;
	double      pct;
} figures[] = {
	{ "rate", K_RATE, S_ANY, 0 },
	{ "records_per_s", K_RATE, S_ING, 0 },
	{ "points_per_s", K_RATE, S_ING, 0 },
	{ "queries_per_s", K_RATE, S_QRY, 0 },
	{ "write_avg", K_LAT, S_ING, 0 },
	{ "write_p50", K_LAT, S_ING, 50 },
	{ "write_p90", K_LAT, S_ING, 90 },
	{ "write_p99", K_LAT, S_ING, 99 },
	{ "write_p999", K_LAT, S_ING, 99.9 },
	{ "write_max", K_LAT, S_ING, 100 },
	{ "query_avg", K_LAT, S_QRY, 0 },
	{ "query_p50", K_LAT, S_QRY, 50 },
	{ "query_p90", K_LAT, S_QRY, 90 },
	{ "query_p99", K_LAT, S_QRY, 99 },
	{ "query_p999", K_LAT, S_QRY, 99.9 },
	{ "query_max", K_LAT, S_QRY, 100 },
	{ "errors", K_COUNT, S_ANY, 0 },
	{ "write_errors", K_COUNT, S_ING, 0 },
	{ "query_errors", K_COUNT, S_QRY, 0 },
	{ "throttles", K_COUNT, S_ANY, 0 },
};
enum { N_FIGURES = sizeof(figures) / sizeof(figures[0]) };

#define ACCEPTED                                                              \
	"rate, records_per_s, points_per_s, queries_per_s, write_avg|p50|p90|p99|p999|max, query_avg|p50|p90|p99|p999|max, errors, write_errors, query_errors, throttles"

static const struct figure *
find_figure(const char *name)
{
	for (unsigned i = 0; i < N_FIGURES; i++)
		if (!strcmp(figures[i].name, name))
			return &figures[i];
	return NULL;
}

/* Whether the run of cmd has the side figure f is taken from. */
static bool
has_side(const struct figure *f, unsigned cmd)
{
	if (f->side == S_ING)
		return cmd & (CMD_INGEST | CMD_RUN);
	if (f->side == S_QRY)
		return cmd & (CMD_QUERY | CMD_RUN);
	return true;
}

/* Whether t's unit fits its figure; else the reason into err. */
static int
check_unit(const struct thresh *t, const struct figure *f, double target,
    char *err, size_t errlen)
{
	const char *want = NULL;

	if (f->kind == K_LAT && t->unit != TH_SECS && t->unit != TH_PLAIN)
		want = "a latency: N (ms), Nms, Ns or Nus";
	else if (f->kind == K_COUNT && t->unit != TH_PLAIN
	    && t->unit != TH_PCT)
		want = "a count: N, or N% of the attempts";
	else if (f->kind == K_RATE && t->unit != TH_PLAIN
	    && t->unit != TH_TARGET)
		want = "a rate: N per second, or N*target (with --rate)";
	if (want) {
		snprintf(err, errlen, "--threshold \"%s\": %s is %s", t->text,
		    f->name, want);
		return -EINVAL;
	}
	if (t->unit == TH_TARGET && !(target > 0)) {
		snprintf(err, errlen,
		    "--threshold \"%s\": N*target needs --rate (the target rate)",
		    t->text);
		return -EINVAL;
	}
	return 0;
}

int
thr_setup(struct thr_set *s, const struct tsl_opts *o, unsigned cmd, char *err,
    size_t errlen)
{
	const char *p = o->thresholds ? o->thresholds : "";

	memset(s, 0, sizeof(*s));
	s->abort_on_fail = o->abort_on_fail;
	s->target        = o->rate;
	s->rate_records  = opts_rate_records(o);
	while (*p) {
		const char          *nl = strchr(p, '\n');
		size_t               n  = nl ? (size_t)(nl - p) : strlen(p);
		char                 line[256], why[200];
		struct thresh       *t = &s->t[s->n];
		const struct figure *f;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (nl != NULL);
		if (!line[0])
			continue;
		if (s->n == THR_MAX) {
			snprintf(err, errlen,
			    "--threshold: at most %d of them", THR_MAX);
			return -EINVAL;
		}
		if (thresh_parse(line, t, why, sizeof(why))) {
			snprintf(err, errlen, "--threshold %s", why);
			return -EINVAL;
		}
		f = find_figure(t->figure);
		if (!f || !has_side(f, cmd)) {
			snprintf(err, errlen,
			    "--threshold \"%s\": unknown figure %s here (accepted: " ACCEPTED
			    "; write_* need ingest or run, query_* query or run)",
			    t->text, t->figure);
			return -EINVAL;
		}
		if (check_unit(t, f, s->target, err, errlen))
			return -EINVAL;
		s->n++;
	}
	return 0;
}

bool
thr_judges_errors(const struct thr_set *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (strstr(s->t[i].figure, "errors"))
			return true;
	return false;
}

/* The side of f in a run with totals ing and qry; "rate" and the counts
 * of S_ANY read the ingest side when there is one (rate) or both. */
static const struct stats *
side_of(
    const struct figure *f, const struct stats *ing, const struct stats *qry)
{
	if (f->side == S_ING)
		return ing;
	if (f->side == S_QRY)
		return qry;
	return ing ? ing : qry;
}

/* The value of f, in the units thresholds are written in (seconds,
 * per second, a count, or a percent of attempts when pct). */
static double
figure_value(const struct thr_set *s, const struct figure *f, bool pct,
    const struct stats *ing, const struct stats *qry, double secs)
{
	const struct stats *t = side_of(f, ing, qry);
	double              n = 0, of = 0;

	if (f->kind == K_COUNT) {
		bool err = !strcmp(f->name, "errors")
		    || !strcmp(f->name, "write_errors")
		    || !strcmp(f->name, "query_errors");
		for (int k = 0; k < 2; k++) {
			const struct stats *x = k ? qry : ing;

			if (!x || (f->side == S_ING && k)
			    || (f->side == S_QRY && !k))
				continue;
			n += err ? (double)x->failed : (double)x->throttles;
			of += (double)x->attempts;
		}
		return pct ? (of > 0 ? 100.0 * n / of : 0) : n;
	}
	if (!t)
		return 0;
	if (f->kind == K_LAT)
		return f->pct == 0 ? stats_mean_s(t)
		                   : hist_percentile(&t->h, f->pct) / 1e9;
	if (secs <= 0)
		return 0;
	if (!strcmp(f->name, "records_per_s"))
		return t->records / secs;
	if (!strcmp(f->name, "points_per_s"))
		return t->points / secs;
	if (t == ing) /* rate: what --rate counts when ingesting */
		return (s->rate_records ? t->records : t->points) / secs;
	return t->attempts / secs; /* queries */
}

/* The bound of t in the figure's units. */
static double
bound(const struct thr_set *s, const struct thresh *t, const struct figure *f)
{
	if (t->unit == TH_TARGET)
		return t->value * s->target;
	if (f->kind == K_LAT && t->unit == TH_PLAIN)
		return t->value / 1e3; /* a bare latency is in ms */
	return t->value;
}

unsigned
thr_eval(struct thr_set *s, const struct stats *ing, const struct stats *qry,
    double secs)
{
	unsigned failed = 0;

	for (unsigned i = 0; i < s->n; i++) {
		const struct figure *f = find_figure(s->t[i].figure);

		s->got[i] = figure_value(
		    s, f, s->t[i].unit == TH_PCT, ing, qry, secs);
		s->pass[i] = thresh_holds(
		    s->t[i].op, s->got[i], bound(s, &s->t[i], f));
		failed += !s->pass[i];
	}
	s->evaluated = true;
	return failed;
}

bool
thr_doomed(const struct thr_set *s, const struct stats *ing,
    const struct stats *qry, char *why, size_t n)
{
	for (unsigned i = 0; i < s->n; i++) {
		const struct thresh *t = &s->t[i];
		const struct figure *f = find_figure(t->figure);
		double               x;

		/* a count only grows: above an upper bound it stays there */
		if (f->kind != K_COUNT || t->unit == TH_PCT
		    || (t->op != TH_LT && t->op != TH_LE && t->op != TH_EQ))
			continue;
		x = figure_value(s, f, false, ing, qry, 0);
		if (t->op == TH_EQ ? x > t->value
		                   : !thresh_holds(t->op, x, t->value)) {
			snprintf(why, n, "threshold %s failed: %s %.0f",
			    t->text, f->name, x);
			return true;
		}
	}
	return false;
}

/* got of figure f, for people: "12.345 ms", "1234.5/s", "3", "0.50%". */
static void
show(const struct thresh *t, const struct figure *f, double got, char *out,
    size_t n)
{
	if (f->kind == K_LAT)
		snprintf(out, n, "%.3f ms", got * 1e3);
	else if (f->kind == K_RATE)
		snprintf(out, n, "%.1f/s", got);
	else if (t->unit == TH_PCT)
		snprintf(out, n, "%.3f%%", got);
	else
		snprintf(out, n, "%.0f", got);
}

void
thr_print(const struct thr_set *s, FILE *f)
{
	for (unsigned i = 0; i < s->n; i++) {
		char got[64];

		show(&s->t[i], find_figure(s->t[i].figure), s->got[i], got,
		    sizeof(got));
		fprintf(f, "Threshold %s: %s (%s %s)\n", s->t[i].text,
		    s->pass[i] ? "pass" : "FAIL", s->t[i].figure, got);
	}
	if (s->aborted[0])
		fprintf(
		    f, "Stopped early (--abort-on-fail): %s\n", s->aborted);
}

int
thr_json(const struct thr_set *s, struct json_w *w)
{
	int rc = json_arr_begin(w);

	for (unsigned i = 0; i < s->n; i++) {
		const struct figure *f = find_figure(s->t[i].figure);

		rc |= json_obj_begin(w);
		rc |= json_kv_str(w, "expr", s->t[i].text);
		rc |= json_kv_str(w, "figure", s->t[i].figure);
		rc |= json_kv_str(w, "op", thresh_op_name(s->t[i].op));
		rc |= json_kv_double(w, "bound", bound(s, &s->t[i], f));
		rc |= json_kv_str(w, "unit",
		    f->kind == K_LAT             ? "s"
		        : f->kind == K_RATE      ? "1/s"
		        : s->t[i].unit == TH_PCT ? "%"
		                                 : "count");
		rc |= json_kv_double(w, "value", s->got[i]);
		rc |= json_kv_bool(w, "pass", s->pass[i]);
		rc |= json_obj_end(w);
	}
	return rc | json_arr_end(w);
}
