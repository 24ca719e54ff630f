/* test_sqlite_queries.c - the SQLite query templates run on real data
 * (configs/queries/sqlite/, query/sqlite_funcs.c).
 *
 * Builds an in-memory table shaped like the sqlite target's, filled with
 * both layouts of the same samples: 4 silos, every microservice, 2 hosts
 * each, every metric and event, every 5 minutes over the last 3 days.
 * Every query must return rows; single- and multi-measure answers must
 * agree; do-q1..q6 and the count are checked against values computed here
 * in C; the registered functions are checked against hand-worked values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "render.h"
#include "sqlite_funcs.h"
#include "xalloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define STEP_MS 300000 /* one sample per host every 5 minutes */
#define N_STEPS 864    /* 3 days */
#define HOSTS_PER_SVC 2
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

static const struct {
	const char *region;
	unsigned    cell, silo;
} silos[] = {
	{ "eu-west-1", 8, 1 }, /* the seed's --fixed-params silo */
	{ "eu-west-1", 8, 2 },
	{ "eu-west-1", 3, 1 },
	{ "us-east-1", 1, 1 },
};

static const struct {
	const char *name, *type, *os, *jdk;
	unsigned    nproc;
	const char *proc[2];
} svcs[] = {
	{ "apollo", "r5.4xlarge", "AL2", "JDK_11", 1, { "server" } },
	{ "athena", "m5.8xlarge", "AL2012", "JDK_8", 2,
	    { "server", "host_manager" } },
	{ "demeter", "c5.16xlarge", "AL2012", "JDK_8", 2,
	    { "server", "host_manager" } },
	{ "hercules", "r5.4xlarge", "AL2012", "JDK_8", 1, { "server" } },
	{ "zeus", "m5.4xlarge", "AL2", "JDK_11", 1, { "server" } },
};

static const char *const metric_names[20] = {
	"cpu_user",
	"cpu_system",
	"cpu_steal",
	"cpu_iowait",
	"cpu_nice",
	"cpu_hi",
	"cpu_si",
	"cpu_idle",
	"memory_free",
	"memory_used",
	"memory_cached",
	"disk_io_reads",
	"disk_io_writes",
	"latency_per_read",
	"latency_per_write",
	"network_bytes_in",
	"network_bytes_out",
	"disk_used",
	"disk_free",
	"file_descriptors_in_use",
};
enum { M_CPU_USER = 0, M_CPU_SYSTEM = 1, M_MEMORY_USED = 9, M_DISK_USED = 17 };

static const char *const end_states[6] = {
	"SUCCESS_WITH_NO_RESULT",
	"SUCCESS_WITH_RESULT",
	"INTERNAL_ERROR",
	"USER_ERROR",
	"UNKNOWN",
	"THROTTLED",
};

#define N_HOSTS (N(silos) * N(svcs) * HOSTS_PER_SVC)

struct host {
	const char *region;
	char        cell[40], silo[48], az[24], name[96];
	unsigned    si, ms, i;
};

static struct host hosts[N_HOSTS];
static sqlite3    *db;
static long long   base; /* time of the newest sample, epoch ms */
static char        base_str[24];
static char        qdir[4096];

/* Deterministic uniform [0, 1) per (a, b, c): splitmix64 chained. */
static uint64_t
mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double
unit(uint64_t a, uint64_t b, uint64_t c)
{
	return (double)(mix(mix(mix(a) ^ b) ^ c) >> 11) * 0x1.0p-53;
}

static long long
t_of(int k)
{
	return base - (long long)k * STEP_MS;
}

/* The 20 metrics of host h at step k, as the seed draws them (the first
 * host of every microservice in silo 0 runs a full disk, so do-q3 has
 * outliers to find). */
static void
metrics_of(unsigned h, int k, double v[20])
{
	double sum = 0;
	int    j;

	v[0] = 35 + 30 * unit(h, (uint64_t)k, 0);
	for (j = 1; j <= 6; j++) {
		v[j] = unit(h, (uint64_t)k, (uint64_t)j);
		sum += v[j];
	}
	v[7] = 100 - v[0] - sum;
	for (j = 8; j < 20; j++)
		v[j] = 100 * unit(h, (uint64_t)k, (uint64_t)j);
	if (hosts[h].si == 0 && hosts[h].i == 0)
		v[M_DISK_USED] = 70 + 30 * unit(h, (uint64_t)k, 99);
}

struct event {
	long long   task_completed;
	const char *state;
	double      gc_reclaimed, gc_pause, memory_free;
};

/* Events of process p of host h at step k. */
static struct event
event_of(unsigned h, unsigned p, int k)
{
	uint64_t     e = 1000 + h * 2 + p;
	struct event ev;

	ev.task_completed = (long long)(501 * unit(e, (uint64_t)k, 0));
	ev.state          = end_states[(int)(6 * unit(e, (uint64_t)k, 1))];
	ev.gc_reclaimed   = 100 * unit(e, (uint64_t)k, 2);
	ev.gc_pause       = 100 * unit(e, (uint64_t)k, 3);
	ev.memory_free    = 100 * unit(e, (uint64_t)k, 4);
	return ev;
}

static const char schema[]
    = "CREATE TABLE host_metrics ("
      " time INTEGER NOT NULL,"
      " region TEXT, cell TEXT, silo TEXT, availability_zone TEXT,"
      " microservice_name TEXT, instance_type TEXT, os_version TEXT,"
      " instance_name TEXT, process_name TEXT, jdk_version TEXT,"
      " request_id TEXT,"
      " measure_name TEXT NOT NULL,"
      " measure_value_double REAL, measure_value_bigint INTEGER,"
      " measure_value_varchar TEXT,"
      " cpu_user REAL, cpu_system REAL, cpu_steal REAL, cpu_iowait REAL,"
      " cpu_nice REAL, cpu_hi REAL, cpu_si REAL, cpu_idle REAL,"
      " memory_free REAL, memory_used REAL, memory_cached REAL,"
      " disk_io_reads REAL, disk_io_writes REAL, latency_per_read REAL,"
      " latency_per_write REAL, network_bytes_in REAL,"
      " network_bytes_out REAL, disk_used REAL, disk_free REAL,"
      " file_descriptors_in_use REAL,"
      " task_completed INTEGER, task_end_state TEXT, gc_reclaimed REAL,"
      " gc_pause REAL)";

static void
exec(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		print_error("%s: %s\n", sql, msg);
		sqlite3_free(msg);
		fail();
	}
}

static sqlite3_stmt *
prepare(const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		print_error("%s\n%s\n", sqlite3_errmsg(db), sql);
		fail();
	}
	return st;
}

static void
step_done(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		print_error("%s\n", sqlite3_errmsg(db));
		fail();
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Binds region..instance_name (columns 2..6 and the given slots). */
static void
bind_dims(sqlite3_stmt *st, const struct host *h, long long t)
{
	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_text(st, 2, h->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, h->cell, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h->silo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, h->az, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, svcs[h->ms].name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, h->name, -1, SQLITE_STATIC);
}

static void
insert_step(sqlite3_stmt *sm, sqlite3_stmt *se, sqlite3_stmt *mm,
    sqlite3_stmt *me, int k)
{
	long long t = t_of(k);
	unsigned  h, p;
	int       j;

	for (h = 0; h < N_HOSTS; h++) {
		const struct host *hp = &hosts[h];
		double             v[20];

		metrics_of(h, k, v);
		/* Single-measure: one row per metric. */
		for (j = 0; j < 20; j++) {
			bind_dims(sm, hp, t);
			sqlite3_bind_text(
			    sm, 8, svcs[hp->ms].type, -1, SQLITE_STATIC);
			sqlite3_bind_text(
			    sm, 9, svcs[hp->ms].os, -1, SQLITE_STATIC);
			sqlite3_bind_text(
			    sm, 10, metric_names[j], -1, SQLITE_STATIC);
			sqlite3_bind_double(sm, 11, v[j]);
			step_done(sm);
		}
		/* Multi-measure: one 'metrics' row. */
		bind_dims(mm, hp, t);
		sqlite3_bind_text(mm, 8, svcs[hp->ms].type, -1, SQLITE_STATIC);
		sqlite3_bind_text(mm, 9, svcs[hp->ms].os, -1, SQLITE_STATIC);
		for (j = 0; j < 20; j++)
			sqlite3_bind_double(mm, 10 + j, v[j]);
		step_done(mm);

		for (p = 0; p < svcs[hp->ms].nproc; p++) {
			struct event             ev       = event_of(h, p, k);
			static const char *const names[5] = { "task_completed",
				"task_end_state", "gc_reclaimed", "gc_pause",
				"memory_free" };

			for (j = 0; j < 5; j++) {
				bind_dims(se, hp, t);
				sqlite3_bind_text(se, 8, svcs[hp->ms].proc[p],
				    -1, SQLITE_STATIC);
				sqlite3_bind_text(se, 9, svcs[hp->ms].jdk, -1,
				    SQLITE_STATIC);
				sqlite3_bind_text(
				    se, 10, names[j], -1, SQLITE_STATIC);
				if (j == 0)
					sqlite3_bind_int64(
					    se, 12, ev.task_completed);
				else if (j == 1)
					sqlite3_bind_text(se, 13, ev.state, -1,
					    SQLITE_STATIC);
				else
					sqlite3_bind_double(se, 11,
					    j == 2       ? ev.gc_reclaimed
					        : j == 3 ? ev.gc_pause
					                 : ev.memory_free);
				step_done(se);
			}
			bind_dims(me, hp, t);
			sqlite3_bind_text(
			    me, 8, svcs[hp->ms].proc[p], -1, SQLITE_STATIC);
			sqlite3_bind_text(
			    me, 9, svcs[hp->ms].jdk, -1, SQLITE_STATIC);
			sqlite3_bind_int64(me, 10, ev.task_completed);
			sqlite3_bind_text(me, 11, ev.state, -1, SQLITE_STATIC);
			sqlite3_bind_double(me, 12, ev.gc_reclaimed);
			sqlite3_bind_double(me, 13, ev.gc_pause);
			sqlite3_bind_double(me, 14, ev.memory_free);
			step_done(me);
		}
	}
}

static int
setup(void **state)
{
	const char   *src = getenv("TSLOAD_SRCDIR");
	sqlite3_stmt *sm, *se, *mm, *me;
	struct buf    sql;
	unsigned      s, m, i, h = 0;
	int           k, j;
	char          silo[sizeof(hosts[0].silo)];

	(void)state;
	snprintf(qdir, sizeof(qdir), "%s/configs/queries", src ? src : ".");
	/* A few seconds in the past, so "now" in SQL is never before it. */
	base = ((long long)time(NULL) - 5) * 1000;
	snprintf(base_str, sizeof(base_str), "%lld", base);

	for (s = 0; s < N(silos); s++)
		for (m = 0; m < N(svcs); m++)
			for (i = 0; i < HOSTS_PER_SVC; i++, h++) {
				struct host *hp = &hosts[h];

				hp->region = silos[s].region;
				snprintf(hp->cell, sizeof(hp->cell),
				    "%s-cell-%u", hp->region, silos[s].cell);
				snprintf(silo, sizeof(silo),
				    "%s-cell-%u-silo-%u", hp->region,
				    silos[s].cell, silos[s].silo);
				memcpy(hp->silo, silo, sizeof(silo));
				snprintf(hp->az, sizeof(hp->az), "%s-%u",
				    hp->region, i % 3 + 1);
				snprintf(hp->name, sizeof(hp->name),
				    "i-tEsTpRfX-%s-%s-%08u.amazonaws.com",
				    svcs[m].name, silo, i);
				hp->si = s;
				hp->ms = m;
				hp->i  = i;
			}

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	if (sqlfn_register(db) != 0)
		return -1;
	exec(schema);
	exec("BEGIN");
	sm = prepare("INSERT INTO host_metrics (time, region, cell, silo,"
	             " availability_zone, microservice_name, instance_name,"
	             " instance_type, os_version, measure_name,"
	             " measure_value_double) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	se = prepare("INSERT INTO host_metrics (time, region, cell, silo,"
	             " availability_zone, microservice_name, instance_name,"
	             " process_name, jdk_version, measure_name,"
	             " measure_value_double, measure_value_bigint,"
	             " measure_value_varchar)"
	             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
	me = prepare(
	    "INSERT INTO host_metrics (time, region, cell, silo,"
	    " availability_zone, microservice_name, instance_name,"
	    " process_name, jdk_version, measure_name, task_completed,"
	    " task_end_state, gc_reclaimed, gc_pause, memory_free)"
	    " VALUES (?,?,?,?,?,?,?,?,?,'events',?,?,?,?,?)");
	buf_init(&sql, 1 << 16);
	buf_adds(&sql,
	    "INSERT INTO host_metrics (time, region, cell, silo,"
	    " availability_zone, microservice_name, instance_name,"
	    " instance_type, os_version, measure_name");
	for (j = 0; j < 20; j++)
		buf_printf(&sql, ", %s", metric_names[j]);
	buf_adds(&sql, ") VALUES (?,?,?,?,?,?,?,?,?,'metrics'");
	for (j = 0; j < 20; j++)
		buf_adds(&sql, ",?");
	buf_adds(&sql, ")");
	buf_cstr(&sql);
	mm = prepare(sql.p);
	buf_free(&sql);

	for (k = N_STEPS - 1; k >= 0; k--)
		insert_step(sm, se, mm, me, k);
	sqlite3_finalize(sm);
	sqlite3_finalize(se);
	sqlite3_finalize(mm);
	sqlite3_finalize(me);
	exec("COMMIT");
	exec("CREATE INDEX host_metrics_mt ON host_metrics"
	     " (measure_name, time)");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return sqlite3_close_v2(db) == SQLITE_OK ? 0 : -1;
}

/* ---- Running rendered queries ---- */

static struct buf qtext;

/* Renders sqlite/<key>[-multi] with p and prepares it. */
static sqlite3_stmt *
prepare_query(const char *key, bool multi, const struct qparams *p)
{
	struct template t;
	char name[64], err[512];

	assert_int_equal(render_name(name, sizeof(name), key, multi), 0);
	if (render_load(&t, qdir, "sqlite", name, err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		fail();
	}
	buf_init(&qtext, 1 << 20);
	if (render(&t, p, &qtext, err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		fail();
	}
	render_free(&t);
	return prepare(qtext.p);
}

static bool
next_row(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		print_error("%s\n%s\n", sqlite3_errmsg(db), qtext.p);
		fail();
	}
	return rc == SQLITE_ROW;
}

static void
finish(sqlite3_stmt *st)
{
	sqlite3_finalize(st);
	buf_free(&qtext);
}

static int
col(sqlite3_stmt *st, const char *name)
{
	int i;

	for (i = 0; i < sqlite3_column_count(st); i++)
		if (strcmp(sqlite3_column_name(st, i), name) == 0)
			return i;
	print_error("no column %s\n", name);
	fail();
	return -1;
}

static double
dcol(sqlite3_stmt *st, const char *name)
{
	int i = col(st, name);

	assert_int_not_equal(sqlite3_column_type(st, i), SQLITE_NULL);
	return sqlite3_column_double(st, i);
}

static long long
icol(sqlite3_stmt *st, const char *name)
{
	return sqlite3_column_int64(st, col(st, name));
}

static const char *
tcol(sqlite3_stmt *st, const char *name)
{
	return (const char *)sqlite3_column_text(st, col(st, name));
}

/* The rows of a query as "a|b|c" strings (reals to 6 places), sorted. */
struct rowset {
	char **row;
	size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct rowset
collect(const char *key, bool multi, const struct qparams *p)
{
	sqlite3_stmt *st = prepare_query(key, multi, p);
	struct rowset rs = { NULL, 0 };
	struct buf    line;
	int           i;

	buf_init(&line, 1 << 16);
	while (next_row(st)) {
		buf_reset(&line);
		for (i = 0; i < sqlite3_column_count(st); i++) {
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				buf_printf(&line, "%lld|",
				    sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				buf_printf(&line, "%.6f|",
				    sqlite3_column_double(st, i));
				break;
			case SQLITE_NULL:
				buf_adds(&line, "NULL|");
				break;
			default:
				buf_printf(
				    &line, "%s|", sqlite3_column_text(st, i));
			}
		}
		buf_cstr(&line);
		rs.row = xrealloc(rs.row, (rs.n + 1) * sizeof(*rs.row));
		rs.row[rs.n++] = xstrdup(line.p);
	}
	buf_free(&line);
	finish(st);
	qsort(rs.row, rs.n, sizeof(*rs.row), cmp_str);
	return rs;
}

static void
rowset_free(struct rowset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->row[i]);
	free(rs->row);
}

static const char *const keys[]
    = { "do-q1", "do-q2", "do-q3", "do-q4", "do-q5", "do-q6" };

static void
fixed_params(struct qparams *p, const char *end)
{
	qparams_init(p, "devops", "host_metrics", end);
	qparams_fixed(p);
}

/* ---- C-side reference computations ---- */

static long long
bin_of(long long t, long long w)
{
	long long r = t % w;

	return t - (r < 0 ? r + w : r);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* numpy-style linear percentile of v[0..n-1] (sorts v). */
static double
percentile(double *v, size_t n, double p)
{
	double rank, frac;
	size_t lo;

	qsort(v, n, sizeof(*v), cmp_double);
	rank = p * (double)(n - 1);
	lo   = (size_t)rank;
	frac = rank - (double)lo;
	return lo + 1 < n ? v[lo] + (v[lo + 1] - v[lo]) * frac : v[n - 1];
}

static double
mean(const double *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i];
	return s / (double)n;
}

/* A value ROUND(x, 2)'d by SQL against the exact x. */
static void
check_rounded(double got, double exact)
{
	if (fabs(got - exact) > 0.005 + 1e-9) {
		print_error("got %.6f, want %.6f (rounded)\n", got, exact);
		fail();
	}
}

static void
check_close(double got, double exact)
{
	if (fabs(got - exact) > 1e-9 * fmax(1, fabs(exact))) {
		print_error("got %.12g, want %.12g\n", got, exact);
		fail();
	}
}

/* Does host h match the non-NULL fields of p (as a WHERE clause would)? */
static bool
host_matches(const struct host *h, const struct qparams *p)
{
	return (!p->region || strcmp(h->region, p->region) == 0)
	    && (!p->cell || strcmp(h->cell, p->cell) == 0)
	    && (!p->silo || strcmp(h->silo, p->silo) == 0)
	    && (!p->availability_zone
	        || strcmp(h->az, p->availability_zone) == 0)
	    && (!p->microservice_name
	        || strcmp(svcs[h->ms].name, p->microservice_name) == 0)
	    && (!p->instance_type
	        || strcmp(svcs[h->ms].type, p->instance_type) == 0)
	    && (!p->os_version || strcmp(svcs[h->ms].os, p->os_version) == 0);
}

/* Steps k with data whose time lies in [base - window, base]. */
static int
steps_in(long long window)
{
	int n = (int)(window / STEP_MS) + 1;

	return n < N_STEPS ? n : N_STEPS;
}

/* ---- Tests: the registered functions ---- */

static double
q_double(const char *sql)
{
	sqlite3_stmt *st = prepare(sql);
	double        v;

	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_not_equal(sqlite3_column_type(st, 0), SQLITE_NULL);
	v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bool
q_null(const char *sql)
{
	sqlite3_stmt *st = prepare(sql);
	bool          null;

	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	null = sqlite3_column_type(st, 0) == SQLITE_NULL;
	sqlite3_finalize(st);
	return null;
}

static void
q_error(const char *sql, const char *want)
{
	sqlite3_stmt *st = prepare(sql);
	int           rc = sqlite3_step(st);

	assert_int_equal(rc, SQLITE_ERROR);
	if (!strstr(sqlite3_errmsg(db), want)) {
		print_error("%s: error \"%s\"\n", sql, sqlite3_errmsg(db));
		fail();
	}
	sqlite3_finalize(st);
}

#define VALS                                                                  \
	"WITH v(g, x) AS (VALUES (1, 15), (1, 20), (1, 35.0), "               \
	"(1, 40), (1, 50), (1, NULL), (2, 3), (3, NULL)) "

static void
test_percentile(void **state)
{
	(void)state;
	/* Sorted 15 20 35 40 50: rank p * 4 between neighbours. */
	assert_true(q_double(VALS "SELECT approx_percentile(x, 0.4) FROM v "
	                          "WHERE g = 1")
	    == 29.0);
	assert_true(q_double(VALS "SELECT approx_percentile(x, 0.95) FROM v "
	                          "WHERE g = 1")
	    == 48.0);
	assert_true(q_double(VALS "SELECT approx_percentile(x, 0.5) FROM v "
	                          "WHERE g = 1")
	    == 35.0);
	assert_true(q_double(VALS "SELECT approx_percentile(x, 0) FROM v "
	                          "WHERE g = 1")
	    == 15.0);
	assert_true(q_double(VALS "SELECT approx_percentile(x, 1) FROM v "
	                          "WHERE g = 1")
	    == 50.0);
	assert_true(fabs(q_double(VALS "SELECT approx_percentile(x, 0.99) "
	                               "FROM v WHERE g = 1")
	                - 49.6)
	    < 1e-12);
	assert_true(q_double("WITH v(x) AS (VALUES (1), (2), (3), (4)) "
	                     "SELECT approx_percentile(x, 0.9) FROM v")
	    == 3.7);
	/* One value, no values, only NULLs. */
	assert_true(q_double(VALS "SELECT approx_percentile(x, 0.9) FROM v "
	                          "WHERE g = 2")
	    == 3.0);
	assert_true(q_null(VALS "SELECT approx_percentile(x, 0.9) FROM v "
	                        "WHERE g = 3"));
	assert_true(q_null(VALS "SELECT approx_percentile(x, 0.9) FROM v "
	                        "WHERE g = 4"));
	/* Per group. */
	assert_true(q_double(VALS "SELECT SUM(p) FROM (SELECT "
	                          "approx_percentile(x, 0.5) AS p FROM v "
	                          "GROUP BY g)")
	    == 38.0);
	q_error(
	    VALS "SELECT approx_percentile(x, 1.5) FROM v", "not in [0, 1]");
	q_error(VALS "SELECT approx_percentile(x, NULL) FROM v", "NULL");
	q_error(VALS "SELECT approx_percentile(x, g / 10.0) FROM v",
	    "not constant");
	q_error("SELECT approx_percentile('abc', 0.5)", "not a number");
}

static void
test_bin_hour_stddev(void **state)
{
	(void)state;
	assert_true(q_double("SELECT bin(125000, 60000)") == 120000);
	assert_true(q_double("SELECT bin(120000, 60000)") == 120000);
	assert_true(q_double("SELECT bin(119999, 60000)") == 60000);
	assert_true(q_double("SELECT bin(-1, 60000)") == -60000);
	assert_true(q_double("SELECT bin(125000.5, 60000)") == 120000);
	assert_true(q_double("SELECT typeof(bin(125000, 60000)) = "
	                     "'integer'")
	    == 1);
	/* 2023-11-14 22:13:20 UTC. */
	assert_true(q_double("SELECT bin(1700000000000, 86400000)")
	    == 1699920000000.0);
	assert_true(q_null("SELECT bin(NULL, 60000)"));
	q_error("SELECT bin(1, 0)", "width");
	q_error("SELECT bin(-9223372036854775807, 1000)", "out of range");

	assert_true(q_double("SELECT hour(1700000000000)") == 22);
	assert_true(q_double("SELECT hour(0)") == 0);
	assert_true(q_double("SELECT hour(25 * 3600000 + 5)") == 1);
	assert_true(q_double("SELECT hour(-1)") == 23);
	assert_true(q_null("SELECT hour(NULL)"));

	/* 2 4 4 4 5 5 7 9: mean 5, squared deviations add up to 32. */
#define SD                                                                    \
	"WITH v(x) AS (VALUES (2), (4), (4), (4), (5), (5), (7), (9), "       \
	"(NULL)) "
	assert_true(q_double(SD "SELECT stddev_pop(x) FROM v") == 2.0);
	assert_true(
	    fabs(q_double(SD "SELECT stddev(x) FROM v") - sqrt(32.0 / 7))
	    < 1e-12);
	assert_true(
	    fabs(q_double(SD "SELECT stddev_samp(x) FROM v") - sqrt(32.0 / 7))
	    < 1e-12);
	assert_true(q_null("SELECT stddev(5)"));
	assert_true(q_double("SELECT stddev_pop(5)") == 0);
	assert_true(q_null("SELECT stddev_pop(x) FROM (SELECT 1 AS x) "
	                   "WHERE x > 1"));
#undef SD
}

/* ---- Tests: the query templates ---- */

/* Every query of both layouts returns rows at the default end (now). */
static void
test_all_queries_return_rows(void **state)
{
	struct qparams p;
	size_t         k;
	int            m;

	(void)state;
	fixed_params(&p, RENDER_END_SQLITE);
	for (k = 0; k < N(keys); k++) {
		for (m = 0; m < 2; m++) {
			struct rowset rs = collect(keys[k], m != 0, &p);

			if (rs.n == 0) {
				print_error("%s%s: no rows\n", keys[k],
				    m ? "-multi" : "");
				fail();
			}
			rowset_free(&rs);
		}
	}
}

/* The same samples stored both ways give the same answers. */
static void
test_layouts_agree(void **state)
{
	struct qparams p;
	size_t         k, i;

	(void)state;
	fixed_params(&p, base_str);
	for (k = 0; k < N(keys); k++) {
		struct rowset a = collect(keys[k], false, &p);
		struct rowset b = collect(keys[k], true, &p);

		assert_true(a.n > 0);
		assert_int_equal(a.n, b.n);
		for (i = 0; i < a.n; i++)
			if (strcmp(a.row[i], b.row[i]) != 0) {
				print_error("%s row %zu:\n %s\n %s\n", keys[k],
				    i, a.row[i], b.row[i]);
				fail();
			}
		rowset_free(&a);
		rowset_free(&b);
	}
}

/* Collects metric j of the hosts matching p per time bucket of width w
 * over the last window: bucket b's values are vals[b][0..cnt[b]-1],
 * bucket start start[b]. Returns the number of buckets (at most nb). */
static size_t
bucket_values(const struct qparams *p, int j, long long window, long long w,
    long long *start, double (*vals)[64], size_t *cnt, size_t nb)
{
	size_t   n = 0, b;
	unsigned h;
	int      k;

	for (k = 0; k < steps_in(window); k++) {
		long long bt = bin_of(t_of(k), w);

		for (b = 0; b < n && start[b] != bt; b++)
			;
		if (b == n) {
			assert_true(n < nb);
			start[n] = bt;
			cnt[n++] = 0;
		}
		for (h = 0; h < N_HOSTS; h++) {
			double v[20];

			if (!host_matches(&hosts[h], p))
				continue;
			metrics_of(h, k, v);
			assert_true(cnt[b] < 64);
			vals[b][cnt[b]++] = v[j];
		}
	}
	return n;
}

static size_t
find_bucket(const long long *start, size_t n, long long t)
{
	size_t b;

	for (b = 0; b < n && start[b] != t; b++)
		;
	assert_true(b < n);
	return b;
}

static void
test_q1_values(void **state)
{
	struct qparams p, sel;
	long long      start[64];
	double         vals[64][64];
	size_t         cnt[64], n, rows, b;
	int            m;

	(void)state;
	fixed_params(&p, base_str);
	sel               = p;
	sel.instance_type = NULL;
	sel.os_version    = NULL;
	/* One host (apollo i = 0 is the only one in az 1), 13 samples. */
	n = bucket_values(
	    &sel, M_MEMORY_USED, HOUR_MS, 60000, start, vals, cnt, 64);
	assert_int_equal(n, 13);
	for (m = 0; m < 2; m++) {
		sqlite3_stmt *st   = prepare_query("do-q1", m, &p);
		double        prev = INFINITY;

		rows = 0;
		while (next_row(st)) {
			b = find_bucket(start, n, icol(st, "time_bin"));
			assert_true(cnt[b] > 0);
			assert_string_equal(tcol(st, "silo"), p.silo);
			assert_int_equal(icol(st, "num_hosts"), cnt[b]);
			check_rounded(
			    dcol(st, "avg_value"), mean(vals[b], cnt[b]));
			check_rounded(dcol(st, "p90_value"),
			    percentile(vals[b], cnt[b], 0.9));
			check_rounded(dcol(st, "p99_value"),
			    percentile(vals[b], cnt[b], 0.99));
			assert_true(dcol(st, "p99_value") <= prev);
			prev = dcol(st, "p99_value");
			rows++;
		}
		finish(st);
		assert_int_equal(rows, n);
	}
}

static void
test_q2_values(void **state)
{
	struct qparams p;
	long long      start[64];
	double         user[64][64], sys[64][64];
	size_t         cu[64], cs[64], n, rows, b;
	int            m;

	(void)state;
	fixed_params(&p, base_str);
	n = bucket_values(&p, M_CPU_USER, HOUR_MS, 60000, start, user, cu, 64);
	bucket_values(&p, M_CPU_SYSTEM, HOUR_MS, 60000, start, sys, cs, 64);
	for (m = 0; m < 2; m++) {
		sqlite3_stmt *st   = prepare_query("do-q2", m, &p);
		long long     prev = LLONG_MAX;

		rows = 0;
		while (next_row(st)) {
			long long tb = icol(st, "time_bin");

			b = find_bucket(start, n, tb);
			assert_true(tb < prev);
			prev = tb;
			check_close(
			    dcol(st, "avg_cpu_user"), mean(user[b], cu[b]));
			check_close(
			    dcol(st, "avg_cpu_system"), mean(sys[b], cs[b]));
			rows++;
		}
		finish(st);
		assert_int_equal(rows, n);
	}
}

static void
test_q3_values(void **state)
{
	size_t m;
	int    layout;

	(void)state;
	for (m = 0; m < N(svcs); m++) {
		struct qparams p;
		double         host_avg[N_HOSTS]  = { 0 };
		double         cell_sum[N(silos)] = { 0 };
		unsigned       cell_n[N(silos)]   = { 0 };
		unsigned       h, want = 0;
		int            k;

		qparams_init(&p, NULL, "host_metrics", base_str);
		p.region            = "eu-west-1";
		p.microservice_name = svcs[m].name;
		/* Per host and per cell (cells keyed by their first silo). */
		for (h = 0; h < N_HOSTS; h++) {
			unsigned c;

			if (!host_matches(&hosts[h], &p))
				continue;
			for (c = 0; strcmp(hosts[c].cell, hosts[h].cell); c++)
				;
			c = hosts[c].si;
			for (k = 0; k < steps_in(HOUR_MS); k++) {
				double v[20];

				metrics_of(h, k, v);
				host_avg[h] += v[M_DISK_USED];
				cell_sum[c] += v[M_DISK_USED];
				cell_n[c]++;
			}
			host_avg[h] /= steps_in(HOUR_MS);
		}
		for (h = 0; h < N_HOSTS; h++) {
			unsigned c;

			if (!host_matches(&hosts[h], &p))
				continue;
			for (c = 0; strcmp(hosts[c].cell, hosts[h].cell); c++)
				;
			c = hosts[c].si;
			want += host_avg[h] > 1.2 * cell_sum[c] / cell_n[c];
		}
		assert_true(want >= 1); /* the full-disk host */
		for (layout = 0; layout < 2; layout++) {
			sqlite3_stmt *st  = prepare_query("do-q3", layout, &p);
			unsigned      got = 0;

			while (next_row(st)) {
				for (h = 0; h < N_HOSTS; h++)
					if (!strcmp(hosts[h].name,
					        tcol(st, "instance_name")))
						break;
				assert_true(h < N_HOSTS);
				check_close(dcol(st, "instance_avg_metric"),
				    host_avg[h]);
				assert_true(
				    dcol(st, "instance_avg_metric") > 1.2
				        * dcol(st, "microservice_avg_metric"));
				got++;
			}
			finish(st);
			assert_int_equal(got, want);
		}
	}
}

static void
test_q4_values(void **state)
{
	struct qparams p;
	int            m;

	(void)state;
	qparams_init(&p, NULL, "host_metrics", base_str);
	p.microservice_name = "hercules";
	for (m = 0; m < 2; m++) {
		sqlite3_stmt *st   = prepare_query("do-q4", m, &p);
		size_t        rows = 0, samples = 0;

		while (next_row(st)) {
			struct qparams sel;
			long long      start[8];
			double         cpu[8][64], mem[8][64];
			size_t         cc[8], cm[8], n, b;

			qparams_init(&sel, NULL, NULL, NULL);
			sel.silo              = tcol(st, "silo");
			sel.microservice_name = p.microservice_name;
			n = bucket_values(&sel, M_CPU_USER, 3 * HOUR_MS,
			    HOUR_MS, start, cpu, cc, 8);
			bucket_values(&sel, M_MEMORY_USED, 3 * HOUR_MS,
			    HOUR_MS, start, mem, cm, 8);
			b = find_bucket(start, n, icol(st, "hour"));
			assert_int_equal(
			    icol(st, "num_cpu_user_samples"), cc[b]);
			assert_int_equal(
			    icol(st, "num_memory_used_samples"), cm[b]);
			check_rounded(
			    dcol(st, "avg_cpu_user"), mean(cpu[b], cc[b]));
			check_rounded(dcol(st, "max_memory_used"),
			    percentile(mem[b], cm[b], 1));
			samples += cc[b];
			rows++;
		}
		finish(st);
		/* 4 silos, 37 samples of 2 hosts each. */
		assert_int_equal(samples, 4 * 2 * steps_in(3 * HOUR_MS));
		assert_true(rows >= 4 * 3 && rows <= 4 * 4);
	}
}

static void
test_q5_values(void **state)
{
	struct qparams p, sel;
	double         best = -1, gc[2 * 300], *mx;
	unsigned       h, best_h = 0, pr;
	size_t         n = 0;
	int            k, layout;

	(void)state;
	fixed_params(&p, base_str);
	qparams_init(&sel, NULL, NULL, NULL);
	sel.silo              = p.silo;
	sel.availability_zone = p.availability_zone;
	/* Hosts in the silo and az; one sample per 5-minute bucket, so
	 * the per-bucket max is the sample. The microservice with the
	 * highest p95 wins; it has one host in az-1 here. */
	mx = xmalloc(sizeof(*mx) * 300);
	for (h = 0; h < N_HOSTS; h++) {
		double p95;

		if (!host_matches(&hosts[h], &sel))
			continue;
		assert_int_equal(hosts[h].i, 0);
		for (k = 0; k < steps_in(DAY_MS); k++) {
			double v[20];

			metrics_of(h, k, v);
			mx[k] = v[M_MEMORY_USED];
		}
		p95 = percentile(mx, (size_t)steps_in(DAY_MS), 0.95);
		if (p95 > best) {
			best   = p95;
			best_h = h;
		}
	}
	free(mx);
	for (pr = 0; pr < svcs[hosts[best_h].ms].nproc; pr++)
		for (k = 0; k < steps_in(DAY_MS); k++)
			gc[n++] = event_of(best_h, pr, k).gc_pause;

	for (layout = 0; layout < 2; layout++) {
		sqlite3_stmt *st  = prepare_query("do-q5", layout, &p);
		double        avg = mean(gc, n), ss = 0;
		size_t        i;

		for (i = 0; i < n; i++)
			ss += (gc[i] - avg) * (gc[i] - avg);
		assert_true(next_row(st));
		assert_string_equal(
		    tcol(st, "instance_name"), hosts[best_h].name);
		check_close(dcol(st, "min_gc_pause"), percentile(gc, n, 0));
		check_rounded(dcol(st, "avg_gc_pause"), avg);
		check_rounded(
		    dcol(st, "stddev_gc_pause"), sqrt(ss / (double)(n - 1)));
		check_rounded(
		    dcol(st, "p50_gc_pause"), percentile(gc, n, 0.5));
		check_rounded(
		    dcol(st, "p90_gc_pause"), percentile(gc, n, 0.9));
		check_rounded(
		    dcol(st, "p99_gc_pause"), percentile(gc, n, 0.99));
		assert_false(next_row(st));
		finish(st);
	}
}

/* do-q6 by hand: 15-minute averages per host, their p95 per microservice,
 * day and hour of day, top 3 hours per day. */
struct q6key {
	long long day;
	int       hour;
	double    v[256];
	size_t    n;
	double    p95;
};

static void
test_q6_values(void **state)
{
	struct qparams p;
	size_t         m;
	int            layout;

	(void)state;
	fixed_params(&p, base_str);
	for (m = 0; m < N(svcs); m++) {
		static struct q6key keyv[128];
		size_t              nk = 0, i;
		unsigned            h;
		int                 k;

		for (h = 0; h < N_HOSTS; h++) {
			long long bt  = LLONG_MIN;
			double    sum = 0;
			int       cnt = 0;

			if (strcmp(hosts[h].cell, p.cell) != 0
			    || hosts[h].ms != m)
				continue;
			/* Steps run backwards in time; close a bucket when
			 * the bin changes (and after the last step). */
			for (k = 0; k <= steps_in(3 * DAY_MS); k++) {
				long long nb = k < steps_in(3 * DAY_MS)
				    ? bin_of(t_of(k), 900000)
				    : LLONG_MIN;
				double    v[20];

				if (nb != bt && cnt > 0) {
					long long day = bin_of(bt, DAY_MS);
					int hr = (int)((bt / HOUR_MS) % 24);

					for (i = 0; i < nk; i++)
						if (keyv[i].day == day
						    && keyv[i].hour == hr)
							break;
					if (i == nk) {
						assert_true(nk < N(keyv));
						keyv[nk].day  = day;
						keyv[nk].hour = hr;
						keyv[nk++].n  = 0;
					}
					assert_true(keyv[i].n < 256);
					keyv[i].v[keyv[i].n++] = sum / cnt;
					sum = cnt = 0;
				}
				if (k == steps_in(3 * DAY_MS))
					break;
				bt = nb;
				metrics_of(h, k, v);
				sum += v[M_CPU_USER];
				cnt++;
			}
		}
		for (i = 0; i < nk; i++)
			keyv[i].p95 = percentile(keyv[i].v, keyv[i].n, 0.95);

		for (layout = 0; layout < 2; layout++) {
			sqlite3_stmt *st  = prepare_query("do-q6", layout, &p);
			long long     day = LLONG_MIN;
			int           in_day = 0;
			size_t        rows   = 0;

			while (next_row(st)) {
				if (strcmp(tcol(st, "microservice_name"),
				        svcs[m].name)
				    != 0)
					continue;
				if (icol(st, "day") != day) {
					day    = icol(st, "day");
					in_day = 0;
				}
				for (i = 0; i < nk; i++)
					if (keyv[i].day == day
					    && keyv[i].hour
					        == icol(st, "hour"))
						break;
				assert_true(i < nk);
				check_close(
				    dcol(st, "p95_avg_cpu"), keyv[i].p95);
				assert_true(++in_day <= 3);
				rows++;
			}
			finish(st);
			/* 3 days of data touch 3 or 4 calendar days. */
			assert_true(rows >= 9 && rows <= 12);
		}
	}
}

static void
test_count_query(void **state)
{
	struct qparams p;
	int            m;

	(void)state;
	fixed_params(&p, base_str);
	for (m = 0; m < 2; m++) {
		/* count has no multi variant; both layouts are counted. */
		sqlite3_stmt *st   = prepare_query("count", false, &p);
		long long     want = 0;
		unsigned      h;

		for (h = 0; h < N_HOSTS; h++) {
			unsigned np = svcs[hosts[h].ms].nproc;

			want += (20 + 1) + np * (5 + 1);
		}
		/* Samples at base, base - 5 min, ... ; "now" is at least 5 s
		 * after base, so the 15-minute window holds one less. */
		want *= m == 0 ? steps_in(15 * 60000)
		               : steps_in(15 * 60000) - 1;
		assert_true(next_row(st));
		assert_int_equal(icol(st, "num_data_points"), want);
		finish(st);
		if (m == 0)
			p.end = RENDER_END_SQLITE;
	}
}

/* The seed's way to get parameters: row 0 for the host, row 1 for the
 * process; then every query must find data with them. */
static void
test_params_query(void **state)
{
	static const char *const row0[] = {
		"region",
		"cell",
		"silo",
		"availability_zone",
		"microservice_name",
		"instance_type",
		"os_version",
		"instance_name",
	};
	static const char *const row1[] = { "process_name", "jdk_version" };
	int                      layout;

	(void)state;
	for (layout = 0; layout < 2; layout++) {
		struct qparams p, q;
		sqlite3_stmt  *st;
		char          *own[N(row0) + N(row1)];
		size_t         i, no = 0, k;
		int            m;

		qparams_init(&p, "devops", "host_metrics", RENDER_END_SQLITE);
		st = prepare_query("params", layout, &p);
		qparams_init(&q, "devops", "host_metrics", RENDER_END_SQLITE);
		q.measure = "memory_used";
		assert_true(next_row(st));
		assert_string_equal(
		    tcol(st, "measure_name"), layout ? "metrics" : "cpu_user");
		for (i = 0; i < N(row0); i++) {
			own[no] = xstrdup(tcol(st, row0[i]));
			assert_int_equal(qparams_set(&q, row0[i], own[no]), 0);
			no++;
		}
		assert_true(next_row(st));
		assert_string_equal(tcol(st, "measure_name"),
		    layout ? "events" : "task_completed");
		assert_string_equal(
		    tcol(st, "instance_name"), q.instance_name);
		for (i = 0; i < N(row1); i++) {
			own[no] = xstrdup(tcol(st, row1[i]));
			assert_int_equal(qparams_set(&q, row1[i], own[no]), 0);
			no++;
		}
		assert_false(next_row(st));
		finish(st);

		for (k = 0; k < N(keys); k++)
			for (m = 0; m < 2; m++) {
				struct rowset rs
				    = collect(keys[k], m != 0, &q);

				if (rs.n == 0) {
					print_error("%s%s: no rows for %s\n",
					    keys[k], m ? "-multi" : "",
					    q.instance_name);
					fail();
				}
				rowset_free(&rs);
			}
		for (i = 0; i < no; i++)
			free(own[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_bin_hour_stddev),
		cmocka_unit_test(test_all_queries_return_rows),
		cmocka_unit_test(test_layouts_agree),
		cmocka_unit_test(test_q1_values),
		cmocka_unit_test(test_q2_values),
		cmocka_unit_test(test_q3_values),
		cmocka_unit_test(test_q4_values),
		cmocka_unit_test(test_q5_values),
		cmocka_unit_test(test_q6_values),
		cmocka_unit_test(test_count_query),
		cmocka_unit_test(test_params_query),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
