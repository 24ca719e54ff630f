/* prom.c - Prometheus text exposition (prom.h). */
#include "prom.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const double prom_le_s[PROM_LE_N] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };

int
prom_family(
    struct buf *b, const char *name, const char *type, const char *help)
{
	return buf_printf(
	    b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* {a="x",b="y"} (nothing without labels), with extra (le) last. */
static int
labels(struct buf *b, const struct prom_label *l, unsigned nl,
    const struct prom_label *extra)
{
	int rc = 0;

	if (!nl && !extra)
		return 0;
	rc |= buf_addc(b, '{');
	for (unsigned i = 0; i < nl + (extra != NULL); i++) {
		const struct prom_label *x = i < nl ? &l[i] : extra;

		rc |= buf_printf(b, "%s%s=\"", i ? "," : "", x->name);
		for (const char *p = x->value; p && *p; p++) {
			if (*p == '\\' || *p == '"')
				rc |= buf_addc(b, '\\') | buf_addc(b, *p);
			else if (*p == '\n')
				rc |= buf_adds(b, "\\n");
			else
				rc |= buf_addc(b, *p);
		}
		rc |= buf_addc(b, '"');
	}
	rc |= buf_addc(b, '}');
	return rc;
}

static int
value(struct buf *b, double v)
{
	if (isnan(v))
		return buf_adds(b, " NaN\n");
	if (isinf(v))
		return buf_adds(b, v > 0 ? " +Inf\n" : " -Inf\n");
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return buf_printf(b, " %.0f\n", v);
	return buf_printf(b, " %.9g\n", v);
}

int
prom_sample(struct buf *b, const char *name, const struct prom_label *l,
    unsigned nl, double v)
{
	return buf_adds(b, name) | labels(b, l, nl, NULL) | value(b, v);
}

int
prom_sample_u64(struct buf *b, const char *name, const struct prom_label *l,
    unsigned nl, uint64_t v)
{
	return buf_adds(b, name) | labels(b, l, nl, NULL)
	    | buf_printf(b, " %llu\n", (unsigned long long)v);
}

void
prom_hist_counts(const struct hist *h, uint64_t counts[PROM_LE_N + 1])
{
	unsigned k = 0;

	memset(counts, 0, (PROM_LE_N + 1) * sizeof(*counts));
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		uint64_t lo, hi, v;

		if (!h->b[i])
			continue;
		hist_bucket_range(i, &lo, &hi);
		v = lo + (hi - lo) / 2;
		v = v < h->min ? h->min : v > h->max ? h->max : v;
		/* buckets come in value order: the bound only moves up */
		while (k < PROM_LE_N && (double)v > prom_le_s[k] * 1e9)
			k++;
		counts[k] += h->b[i];
	}
	for (k = 1; k <= PROM_LE_N; k++)
		counts[k] += counts[k - 1];
}

int
prom_hist(struct buf *b, const char *name, const struct prom_label *l,
    unsigned nl, const struct hist *h, double sum_ns)
{
	uint64_t counts[PROM_LE_N + 1];
	char     n[128], le[32];
	int      rc = 0;

	prom_hist_counts(h, counts);
	snprintf(n, sizeof(n), "%s_bucket", name);
	for (unsigned k = 0; k <= PROM_LE_N; k++) {
		struct prom_label x = { "le", le };

		if (k < PROM_LE_N)
			snprintf(le, sizeof(le), "%g", prom_le_s[k]);
		else
			snprintf(le, sizeof(le), "+Inf");
		rc |= buf_adds(b, n) | labels(b, l, nl, &x)
		    | buf_printf(b, " %llu\n", (unsigned long long)counts[k]);
	}
	snprintf(n, sizeof(n), "%s_sum", name);
	rc |= prom_sample(b, n, l, nl, sum_ns / 1e9);
	snprintf(n, sizeof(n), "%s_count", name);
	rc |= prom_sample_u64(b, n, l, nl, h->count);
	return rc;
}
