/* sqlite_funcs.c - bin, hour, approx_percentile and stddev for SQLite.
 *
 * Small C implementations of the Timestream functions the do-q* queries
 * use, so their SQLite versions keep the same shape (see sqlite_funcs.h).
 */
#include "sqlite_funcs.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

#define MS_PER_HOUR 3600000

/* t as a whole number of milliseconds (a REAL is floored). */
static int64_t
value_ms(sqlite3_value *v)
{
	if (sqlite3_value_numeric_type(v) == SQLITE_FLOAT)
		return (int64_t)floor(sqlite3_value_double(v));
	return sqlite3_value_int64(v);
}

static bool
any_null(int argc, sqlite3_value **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return true;
	return false;
}

/* bin(t, w): the largest multiple of w not above t. */
static void
fn_bin(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	int64_t t, w, r, res;

	if (any_null(argc, argv)) {
		sqlite3_result_null(c);
		return;
	}
	w = sqlite3_value_int64(argv[1]);
	if (w <= 0) {
		sqlite3_result_error(c, "bin: width must be > 0", -1);
		return;
	}
	if (sqlite3_value_numeric_type(argv[0]) == SQLITE_FLOAT) {
		double d = sqlite3_value_double(argv[0]);

		sqlite3_result_double(c, floor(d / (double)w) * (double)w);
		return;
	}
	t = sqlite3_value_int64(argv[0]);
	r = t % w;
	if (r < 0)
		r += w;
	if (__builtin_sub_overflow(t, r, &res)) {
		sqlite3_result_error(c, "bin: time out of range", -1);
		return;
	}
	sqlite3_result_int64(c, res);
}

/* hour(t): hour of the day of epoch milliseconds t, UTC. */
static void
fn_hour(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	int64_t h;

	if (any_null(argc, argv)) {
		sqlite3_result_null(c);
		return;
	}
	h = value_ms(argv[0]) / MS_PER_HOUR;
	if (value_ms(argv[0]) % MS_PER_HOUR < 0)
		h--;
	h %= 24;
	sqlite3_result_int(c, (int)(h < 0 ? h + 24 : h));
}

/* approx_percentile: the values are kept and sorted at the end. */
struct pct_acc {
	double *v;
	size_t  n, cap;
	double  p;
	bool    have_p;
	bool    failed; /* an error was reported; ignore later rows */
};

static void
pct_fail(sqlite3_context *c, struct pct_acc *a, const char *msg)
{
	a->failed = true;
	sqlite3_result_error(c, msg, -1);
}

static void
pct_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	struct pct_acc *a = sqlite3_aggregate_context(c, sizeof(*a));
	double          p;
	int             type;

	(void)argc;
	if (!a) {
		sqlite3_result_error_nomem(c);
		return;
	}
	if (a->failed)
		return;
	if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		pct_fail(c, a, "approx_percentile: percentile is NULL");
		return;
	}
	p = sqlite3_value_double(argv[1]);
	if (!(p >= 0 && p <= 1)) {
		pct_fail(c, a, "approx_percentile: percentile not in [0, 1]");
		return;
	}
	if (a->have_p && p != a->p) {
		pct_fail(c, a, "approx_percentile: percentile not constant");
		return;
	}
	a->p      = p;
	a->have_p = true;
	type      = sqlite3_value_numeric_type(argv[0]);
	if (type == SQLITE_NULL)
		return;
	if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
		pct_fail(c, a, "approx_percentile: value is not a number");
		return;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v   = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = sqlite3_value_double(argv[0]);
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static void
pct_final(sqlite3_context *c)
{
	struct pct_acc *a = sqlite3_aggregate_context(c, 0);
	double          rank, frac;
	size_t          lo;

	if (!a || a->failed || a->n == 0) {
		if (a)
			free(a->v);
		if (!a || !a->failed)
			sqlite3_result_null(c);
		return;
	}
	qsort(a->v, a->n, sizeof(*a->v), cmp_double);
	rank = a->p * (double)(a->n - 1);
	lo   = (size_t)floor(rank);
	frac = rank - (double)lo;
	if (lo + 1 >= a->n)
		sqlite3_result_double(c, a->v[a->n - 1]);
	else
		sqlite3_result_double(
		    c, a->v[lo] + (a->v[lo + 1] - a->v[lo]) * frac);
	free(a->v);
}

/* stddev family: Welford's running mean and sum of squared deviations. */
struct sd_acc {
	int64_t n;
	double  mean, m2;
};

static void
sd_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	struct sd_acc *a = sqlite3_aggregate_context(c, sizeof(*a));
	double         x, d;
	int            type;

	(void)argc;
	if (!a) {
		sqlite3_result_error_nomem(c);
		return;
	}
	type = sqlite3_value_numeric_type(argv[0]);
	if (type != SQLITE_INTEGER && type != SQLITE_FLOAT)
		return; /* NULLs (and non-numbers) are skipped, as AVG does */
	x = sqlite3_value_double(argv[0]);
	a->n++;
	d = x - a->mean;
	a->mean += d / (double)a->n;
	a->m2 += d * (x - a->mean);
}

/* User data: &ddof_samp or &ddof_pop, the divisor is n - ddof. */
static const int ddof_samp = 1;
static const int ddof_pop  = 0;

static void
sd_final(sqlite3_context *c)
{
	struct sd_acc *a    = sqlite3_aggregate_context(c, 0);
	int            ddof = *(const int *)sqlite3_user_data(c);

	if (!a || a->n <= ddof) {
		sqlite3_result_null(c);
		return;
	}
	sqlite3_result_double(c, sqrt(a->m2 / (double)(a->n - ddof)));
}

int
sqlfn_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		int         nargs;
		const int  *data;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		void (*step)(sqlite3_context *, int, sqlite3_value **);
		void (*final)(sqlite3_context *);
	} fns[] = {
		{ "bin", 2, NULL, fn_bin, NULL, NULL },
		{ "hour", 1, NULL, fn_hour, NULL, NULL },
		{ "approx_percentile", 2, NULL, NULL, pct_step, pct_final },
		{ "stddev", 1, &ddof_samp, NULL, sd_step, sd_final },
		{ "stddev_samp", 1, &ddof_samp, NULL, sd_step, sd_final },
		{ "stddev_pop", 1, &ddof_pop, NULL, sd_step, sd_final },
	};
	const int flags
	    = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	size_t i;
	int    rc;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs,
		    flags, (void *)fns[i].data, fns[i].fn, fns[i].step,
		    fns[i].final, NULL);
		if (rc != SQLITE_OK)
			return rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
	}
	return 0;
}
