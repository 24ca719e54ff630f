/* verify_show.c - run.json's "verify" object read back and said in words
 * (verify_show.h). */
#include "verify_show.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "jsonr.h"
#include "parse.h"

const char *
verify_verdict(bool differs)
{
	return differs
	    ? "DIFFERENCES: the target differs from what was written"
	    : "the target holds exactly what was written";
}

void
verify_counts_text(const struct verify_counts *c, char *out, size_t n)
{
	snprintf(out, n,
	    "%llu points expected, %llu found; missing %llu, duplicated %llu, changed %llu, at unexpected times %llu",
	    (unsigned long long)c->expected, (unsigned long long)c->found,
	    (unsigned long long)c->missing, (unsigned long long)c->duplicated,
	    (unsigned long long)c->changed, (unsigned long long)c->unexpected);
}

void
verify_brief(const struct verify_result *r, char *out, size_t n)
{
	const struct verify_counts *c = &r->total;
	const struct {
		const char *what;
		uint64_t    x;
	} f[] = { { "missing", c->missing }, { "duplicated", c->duplicated },
		{ "changed", c->changed },
		{ "at unexpected times", c->unexpected },
		{ "unexpected series", c->extra_series } };
	size_t k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(f) / sizeof(*f) && k < n; i++)
		if (f[i].x)
			k += (size_t)snprintf(out + k, n - k, "%s%s %llu",
			    k ? ", " : "", f[i].what,
			    (unsigned long long)f[i].x);
}

static uint64_t
u64(const struct jsonr_val *o, const char *key)
{
	uint64_t v = 0;

	jsonr_u64(jsonr_get(o, key), &v);
	return v;
}

static void
counts(const struct jsonr_val *o, struct verify_counts *c)
{
	c->expected     = u64(o, "expected_points");
	c->found        = u64(o, "found_points");
	c->missing      = u64(o, "missing");
	c->duplicated   = u64(o, "duplicated");
	c->changed      = u64(o, "changed");
	c->unexpected   = u64(o, "unexpected_times");
	c->extra_series = u64(o, "unexpected_series");
	c->extra_points = u64(o, "unexpected_series_points");
}

static void
str(char *dst, size_t n, const struct jsonr_val *o, const char *key)
{
	const char *s = jsonr_get_str(o, key);

	snprintf(dst, n, "%s", s ? s : "");
}

int
verify_show_read(const struct jsonr_val *v, struct verify_shown *out,
    char *err, size_t errlen)
{
	struct verify_result   *r       = &out->r;
	const struct jsonr_val *t       = jsonr_get(v, "totals"), *e;
	bool                    checked = true;
	unsigned                k       = 0;

	memset(out, 0, sizeof(*out));
	if (!jsonr_is(t, JSONR_OBJ)
	    || jsonr_bool(jsonr_get(v, "differs"), &out->differs)) {
		snprintf(err, errlen,
		    "its \"verify\" has no \"totals\" object or no \"differs\" (written by another tsload: run tsload verify again)");
		return -EINVAL;
	}
	str(out->target, sizeof(out->target), v, "target");
	counts(t, &r->total);
	jsonr_bool(jsonr_get(v, "values_checked"), &checked);
	r->counts_only = !checked;
	jsonr_num(jsonr_get(v, "tolerance"), &r->tolerance);
	jsonr_num(jsonr_get(v, "seconds"), &r->seconds);
	r->cells              = u64(v, "cells");
	r->cells_bad          = u64(v, "cells_differing");
	r->row_queries        = u64(v, "row_reads");
	r->cells_inconsistent = u64(v, "cells_inconsistent");
	for (e = jsonr_first(jsonr_get(v, "measurements")); e && k < 2;
	     e = jsonr_next(e), k++) {
		snprintf(r->kind_name[k], sizeof(r->kind_name[k]), "%s",
		    jsonr_key(e));
		counts(e, &r->kind[k]);
	}
	str(r->example_extra, sizeof(r->example_extra), v,
	    "unexpected_series_example");
	for (e = jsonr_first(jsonr_get(v, "differences"));
	     e && r->n_diff < VERIFY_DIFFS_MAX; e = jsonr_next(e)) {
		struct verify_diff *d = &r->diff[r->n_diff++];
		const char         *h = jsonr_get_str(e, "hour");
		char                why[160];

		str(d->series, sizeof(d->series), e, "series");
		str(d->measurement, sizeof(d->measurement), e, "measurement");
		str(d->measure, sizeof(d->measure), e, "measure");
		if (!h || parse_time_ms(h, 0, &d->hour_ms, why, sizeof(why))) {
			snprintf(err, errlen,
			    "its \"verify\" lists a differing cell without an hour it can read (\"hour\": %.40s)",
			    h ? h : "missing");
			return -EINVAL;
		}
		counts(e, &d->c);
	}
	return 0;
}

void
verify_hour_text(int64_t ms, char *out, size_t n)
{
	time_t    t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
verify_show_print(
    FILE *f, const struct verify_shown *v, const char *run, unsigned max_rows)
{
	const struct verify_result *r = &v->r;
	char                        line[320];

	fprintf(f, "Verify of %s against %s: %s\n", run, v->target,
	    verify_verdict(v->differs));
	verify_counts_text(&r->total, line, sizeof(line));
	fprintf(f, "  all: %s\n", line);
	for (unsigned k = 0; k < 2; k++) {
		if (!r->kind_name[k][0])
			continue;
		verify_counts_text(&r->kind[k], line, sizeof(line));
		fprintf(f, "  %s: %s\n", r->kind_name[k], line);
	}
	fprintf(f, "  series the run did not write: %llu (%llu points)%s%s\n",
	    (unsigned long long)r->total.extra_series,
	    (unsigned long long)r->total.extra_points,
	    r->example_extra[0] ? ", e.g. " : "", r->example_extra);
	if (r->counts_only)
		fprintf(f,
		    "  values not compared (seed-exact run): counts, times and series only\n");
	else
		fprintf(f,
		    "  values compared within a relative difference of %g\n",
		    r->tolerance);
	fprintf(f,
	    "  checked in %.2f s: %llu aggregate cells, %llu differing, %llu row reads\n",
	    r->seconds, (unsigned long long)r->cells,
	    (unsigned long long)r->cells_bad,
	    (unsigned long long)r->row_queries);
	if (r->cells_inconsistent)
		fprintf(f,
		    "  %llu cells whose aggregates differ while their rows hold what was written: the target's answers disagree\n",
		    (unsigned long long)r->cells_inconsistent);
	if (!r->n_diff)
		return;
	fprintf(f, "  first differing cells (%u of %llu):\n",
	    r->n_diff < max_rows ? r->n_diff : max_rows,
	    (unsigned long long)r->cells_bad);
	fprintf(f, "    %-20s %-11s %-22s %8s %10s %8s %10s  %s\n", "hour",
	    "measurement", "measure", "missing", "duplicated", "changed",
	    "unexpected", "series");
	for (unsigned i = 0; i < r->n_diff && i < max_rows; i++) {
		const struct verify_diff *d = &r->diff[i];
		char                      h[32];

		verify_hour_text(d->hour_ms, h, sizeof(h));
		fprintf(f,
		    "    %-20s %-11s %-22s %8llu %10llu %8llu %10llu  %s\n", h,
		    d->measurement, d->measure,
		    (unsigned long long)d->c.missing,
		    (unsigned long long)d->c.duplicated,
		    (unsigned long long)d->c.changed,
		    (unsigned long long)d->c.unexpected, d->series);
	}
}
