/* test_render.c - unit tests of query templates and parameter sets
 * (query/render.c, query/qparams.c, configs/queries/).
 *
 * Every template of every dialect renders completely with fixed and random
 * parameters; Timestream text matches the seed's byte for byte; template
 * errors name the placeholder and file; values are escaped; random hosts
 * are valid hosts of the perf-scale model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "render.h"
#include "xalloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const dialects[] = { "timestream", "sqlite", "postgres" };
static const char *const keys[]
    = { "do-q1", "do-q2", "do-q3", "do-q4", "do-q5", "do-q6", "params" };

/* The perf-scale model again, written out independently of qparams.c. */
static const struct {
	const char *name;
	unsigned    cells, silos;
} regions[] = {
	{ "us-east-1", 15, 3 },
	{ "us-east-2", 2, 2 },
	{ "us-west-1", 6, 2 },
	{ "us-west-2", 2, 2 },
	{ "eu-west-1", 10, 2 },
	{ "ap-northeast-1", 5, 3 },
};
static const struct {
	const char *name;
	unsigned    k;
	const char *type, *os, *jdk, *procs;
} services[] = {
	{ "apollo", 3, "r5.4xlarge", "AL2", "JDK_11", "server" },
	{ "athena", 1, "m5.8xlarge", "AL2012", "JDK_8",
	    "server,host_manager" },
	{ "demeter", 1, "c5.16xlarge", "AL2012", "JDK_8",
	    "server,host_manager" },
	{ "hercules", 2, "r5.4xlarge", "AL2012", "JDK_8", "server" },
	{ "zeus", 3, "m5.4xlarge", "AL2", "JDK_11", "server" },
};

static char qdir[4096];

static int
setup(void **state)
{
	const char *src = getenv("TSLOAD_SRCDIR");

	(void)state;
	snprintf(qdir, sizeof(qdir), "%s/configs/queries", src ? src : ".");
	return 0;
}

/* splitmix64 as the u() of qparams_random. */
static double
u_mix(void *ctx)
{
	uint64_t *s = ctx;
	uint64_t  z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

static double
u_const(void *ctx)
{
	return *(const double *)ctx;
}

/* Loads and renders dialect/name; fails the test on an error. */
static void
render_one(const char *dialect, const char *name, const struct qparams *p,
    struct buf *out)
{
	struct template t;
	char err[512];
	int  rc;

	rc = render_load(&t, qdir, dialect, name, err, sizeof(err));
	if (rc) {
		print_error("%s\n", err);
		fail();
	}
	buf_reset(out);
	rc = render(&t, p, out, err, sizeof(err));
	if (rc) {
		print_error("%s\n", err);
		fail();
	}
	render_free(&t);
}

static void
check_complete(const char *dialect, const char *name, const char *text)
{
	if (strpbrk(text, "{}") != NULL) {
		print_error(
		    "%s/%s: leftover brace in:\n%s\n", dialect, name, text);
		fail();
	}
	assert_true(text[0] == '\n');
	assert_true(strlen(text) > 40);
}

/* Every template (both layouts, plus count) with parameter set p. */
static void
render_all(struct qparams *p, struct buf *out)
{
	char   name[64];
	size_t d, k;
	int    m;

	for (d = 0; d < N(dialects); d++) {
		p->end = render_default_end(dialects[d]);
		assert_non_null(p->end);
		for (k = 0; k < N(keys); k++) {
			for (m = 0; m < 2; m++) {
				assert_int_equal(render_name(name,
				                     sizeof(name), keys[k], m),
				    0);
				render_one(dialects[d], name, p, out);
				check_complete(dialects[d], name, out->p);
				assert_non_null(strstr(out->p, p->end));
			}
		}
		render_one(dialects[d], "count", p, out);
		check_complete(dialects[d], "count", out->p);
	}
}

static void
test_fixed_values(void **state)
{
	struct qparams p;

	(void)state;
	qparams_init(&p, "devops", "host_metrics", NULL);
	qparams_fixed(&p);
	assert_string_equal(p.db, "devops");
	assert_string_equal(p.table, "host_metrics");
	assert_null(p.end);
	assert_string_equal(p.region, "eu-west-1");
	assert_string_equal(p.availability_zone, "eu-west-1-1");
	assert_string_equal(p.cell, "eu-west-1-cell-8");
	assert_string_equal(p.silo, "eu-west-1-cell-8-silo-1");
	assert_string_equal(p.microservice_name, "apollo");
	assert_string_equal(p.instance_type, "r5.4xlarge");
	assert_string_equal(p.os_version, "AL2");
	assert_string_equal(p.instance_name,
	    "i-ojtoEEXU-apollo-eu-west-1-cell-8-silo-1-"
	    "00000033.amazonaws.com");
	assert_string_equal(p.process_name, "host_manager");
	assert_string_equal(p.jdk_version, "JDK_8");
	assert_string_equal(p.measure, "memory_used");
}

static void
test_render_all_fixed(void **state)
{
	struct qparams p;
	struct buf     out;

	(void)state;
	buf_init(&out, 1 << 20);
	qparams_init(&p, "devops", "host_metrics", NULL);
	qparams_fixed(&p);
	render_all(&p, &out);
	buf_free(&out);
}

static void
test_render_all_random(void **state)
{
	struct qparams p;
	struct buf     out;
	uint64_t       seed = 7;
	int            i;

	(void)state;
	buf_init(&out, 1 << 20);
	for (i = 0; i < 50; i++) {
		qparams_init(&p, "devops", "host_metrics", NULL);
		assert_int_equal(qparams_random(&p, u_mix, &seed,
		                     1 + (unsigned)i % 4, "zaZswmJk"),
		    0);
		render_all(&p, &out);
	}
	buf_free(&out);
}

/* The seed's q1Str filled in by str.format with the fixed parameters. */
static const char q1_fixed[]
    = "\n"
      "SELECT region, cell, silo, availability_zone, microservice_name,\n"
      "    BIN(time, 1m) AS time_bin,\n"
      "    COUNT(DISTINCT instance_name) AS num_hosts,\n"
      "    ROUND(AVG(measure_value::double), 2) AS avg_value,\n"
      "    ROUND(APPROX_PERCENTILE(measure_value::double, 0.9), 2) AS "
      "p90_value,\n"
      "    ROUND(APPROX_PERCENTILE(measure_value::double, 0.95), 2) AS "
      "p95_value,\n"
      "    ROUND(APPROX_PERCENTILE(measure_value::double, 0.99), 2) AS "
      "p99_value\n"
      "FROM devops.host_metrics\n"
      "WHERE time BETWEEN now() - 1h AND now()\n"
      "    AND measure_name = 'memory_used'\n"
      "    AND region = 'eu-west-1' AND cell = 'eu-west-1-cell-8'\n"
      "    AND silo = 'eu-west-1-cell-8-silo-1' AND availability_zone = "
      "'eu-west-1-1'\n"
      "    AND microservice_name = 'apollo'\n"
      "GROUP BY region, cell, silo, availability_zone, microservice_name, "
      "BIN(time, 1m)\n"
      "ORDER BY p99_value DESC\n";

static const char count_fixed[]
    = "\n"
      "        SELECT COUNT(*) AS num_data_points\n"
      "        FROM \"devops\".\"host_metrics\"\n"
      "        WHERE time BETWEEN now() - 15m AND now()\n"
      "        ";

static void
test_timestream_golden(void **state)
{
	struct qparams p;
	struct buf     out;

	(void)state;
	buf_init(&out, 1 << 20);
	qparams_init(&p, "devops", "host_metrics", RENDER_END_TIMESTREAM);
	qparams_fixed(&p);
	render_one("timestream", "do-q1", &p, &out);
	assert_string_equal(out.p, q1_fixed);
	render_one("timestream", "count", &p, &out);
	assert_string_equal(out.p, count_fixed);

	/* Windows, quoting and the multi-measure differences. */
	render_one("timestream", "do-q6-multi", &p, &out);
	assert_non_null(strstr(out.p, "BETWEEN now() - 3d AND now()"));
	assert_non_null(strstr(out.p, "FROM devops.host_metrics\n"));
	assert_non_null(strstr(out.p, "AND cell = 'eu-west-1-cell-8'\n"));
	render_one("timestream", "do-q5", &p, &out);
	assert_non_null(strstr(out.p, "BETWEEN now() - 1d AND now()"));
	render_one("timestream", "do-q4", &p, &out);
	assert_non_null(strstr(out.p, "BETWEEN now() - 3h AND now()"));
	render_one("timestream", "do-q3", &p, &out);
	assert_non_null(strstr(out.p, "measure_name = 'disk_used'"));
	assert_non_null(strstr(out.p, "> (1 + 0.2) *"));
	render_one("timestream", "do-q1-multi", &p, &out);
	assert_non_null(strstr(out.p, "ROUND(AVG(memory_used), 2)"));
	render_one("timestream", "params-multi", &p, &out);
	assert_true(
	    strncmp(out.p, "\n        WITH selectedTaskCompleted AS (\n", 41)
	    == 0);
	assert_non_null(strstr(out.p, "FROM \"devops\".\"host_metrics\"\n"));
	assert_non_null(strstr(out.p, "BETWEEN now() - 12h AND now()"));
	assert_non_null(strstr(out.p, "measure_name = 'events'"));
	assert_non_null(strstr(out.p, "ORDER BY measure_name DESC\n        "));
	buf_free(&out);
}

static void
test_sqlite_shape(void **state)
{
	struct qparams p;
	struct buf     out;

	(void)state;
	buf_init(&out, 1 << 20);
	qparams_init(&p, NULL, "host_metrics", RENDER_END_SQLITE);
	qparams_fixed(&p);
	render_one("sqlite", "do-q1", &p, &out);
	assert_non_null(strstr(out.p, "FROM \"host_metrics\"\n"));
	assert_non_null(strstr(out.p,
	    "time BETWEEN CAST(strftime('%s','now') AS "
	    "INTEGER) * 1000 - 3600000 AND CAST("));
	assert_non_null(strstr(out.p, "measure_name = 'memory_used'"));
	render_one("sqlite", "do-q6", &p, &out);
	assert_non_null(strstr(out.p, "1000 - 259200000 AND"));
	/* An explicit end time. */
	p.end = "1700000000000";
	render_one("sqlite", "count", &p, &out);
	assert_non_null(strstr(out.p,
	    "BETWEEN 1700000000000 - 900000 AND "
	    "1700000000000\n"));
	assert_string_equal(render_default_end("sqlite"), RENDER_END_SQLITE);
	assert_string_equal(render_default_end("timestream"), "now()");
	assert_string_equal(
	    render_default_end("postgres"), RENDER_END_POSTGRES);
	assert_null(render_default_end("nosuch"));
	buf_free(&out);
}

/* A scratch dialect directory <tmp>/x/ for hand-written templates. */
static char tmpdir[64];

static int
setup_tmp(void **state)
{
	char path[128];

	setup(state);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_render.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/x", tmpdir);
	return mkdir(path, 0700);
}

static int
teardown_tmp(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_template(const char *name, const char *text)
{
	char  path[200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/x/%s.sql", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Loads <tmp>/x/name.sql expecting failure rc with err containing both
 * want and the file name. */
static void
expect_load_error(
    const char *name, const char *text, int want_rc, const char *want)
{
	struct template t;
	char err[512], file[80];
	int  rc;

	write_template(name, text);
	rc = render_load(&t, tmpdir, "x", name, err, sizeof(err));
	if (rc != want_rc || !strstr(err, want)) {
		print_error("%s: rc %d, err \"%s\"\n", name, rc, err);
		fail();
	}
	snprintf(file, sizeof(file), "x/%s.sql", name);
	assert_non_null(strstr(err, file));
	assert_null(strchr(err, '\n'));
	assert_null(t.text);
}

/* Renders a scratch template; returns rc, output in out / err. */
static int
render_tmp(const char *text, const struct qparams *p, struct buf *out,
    char *err, size_t errlen)
{
	struct template t;
	int rc;

	write_template("t", text);
	rc = render_load(&t, tmpdir, "x", "t", err, errlen);
	if (rc) {
		print_error("%s\n", err);
		fail();
	}
	buf_reset(out);
	rc = render(&t, p, out, err, errlen);
	render_free(&t);
	return rc;
}

static void
test_template_errors(void **state)
{
	struct template t;
	char err[512];

	(void)state;
	expect_load_error("unknown", "SELECT 1\nFROM {db}.{bogus}\n", -EINVAL,
	    "unknown placeholder {bogus}");
	expect_load_error("line", "\n\nWHERE x = '{Region}'", -EINVAL,
	    "line.sql:3: unknown placeholder {Region}");
	expect_load_error(
	    "open", "SELECT {region", -EINVAL, "malformed placeholder");
	expect_load_error(
	    "empty", "SELECT {}", -EINVAL, "malformed placeholder");
	expect_load_error(
	    "space", "SELECT { region }", -EINVAL, "malformed placeholder");
	expect_load_error("lone", "SELECT 1 }", -EINVAL, "lone '}'");
	assert_int_equal(
	    render_load(&t, tmpdir, "x", "nosuch", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "x/nosuch.sql"));
	assert_int_equal(
	    render_load(&t, qdir, "nosuch-dialect", "do-q1", err, sizeof(err)),
	    -ENOENT);
}

static void
test_braces_and_escaping(void **state)
{
	struct qparams p;
	struct buf     out;
	struct template t;
	char err[512];

	(void)state;
	buf_init(&out, 1 << 16);
	qparams_init(&p, "db1", "tbl", "now()");
	qparams_fixed(&p);
	assert_int_equal(render_tmp("{{x}} {{{region}}} }}{{\n", &p, &out, err,
	                     sizeof(err)),
	    0);
	assert_string_equal(out.p, "{x} {eu-west-1} }{\n");

	/* ' doubled inside string values, end verbatim, names plain. */
	p.region = "it's 'q'";
	p.end    = "from_iso8601_timestamp('2024-01-01T00:00:00Z')";
	assert_int_equal(render_tmp("{db}.{table} '{region}' {end} {measure}",
	                     &p, &out, err, sizeof(err)),
	    0);
	assert_string_equal(out.p,
	    "db1.tbl 'it''s ''q''' "
	    "from_iso8601_timestamp('2024-01-01T00:00:00Z') "
	    "memory_used");
	p.region = "";
	assert_int_equal(
	    render_tmp("'{region}'", &p, &out, err, sizeof(err)), 0);
	assert_string_equal(out.p, "''");

	/* A dialect that is not SQL gets values verbatim. */
	write_template("raw", "r={region}");
	assert_int_equal(
	    render_load(&t, tmpdir, "x", "raw", err, sizeof(err)), 0);
	t.sql    = false;
	p.region = "a'b";
	buf_reset(&out);
	assert_int_equal(render(&t, &p, &out, err, sizeof(err)), 0);
	assert_string_equal(out.p, "r=a'b");
	render_free(&t);

	/* Identifiers must be plain names. */
	p.table = "x; DROP TABLE y";
	assert_int_equal(
	    render_tmp("FROM {db}.{table}", &p, &out, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "{table}"));
	assert_non_null(strstr(err, "x/t.sql"));
	p.table   = "host-metrics.v2";
	p.measure = "cpu_user'--";
	assert_int_equal(
	    render_tmp("{table} {measure}", &p, &out, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "{measure}"));
	p.measure = "cpu_user";
	assert_int_equal(
	    render_tmp("{table} {measure}", &p, &out, err, sizeof(err)), 0);
	assert_string_equal(out.p, "host-metrics.v2 cpu_user");

	/* Missing values are named; unused ones need not be set. */
	p.silo = NULL;
	assert_int_equal(
	    render_tmp("x = '{silo}'", &p, &out, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no value for {silo}"));
	p.end = "";
	assert_int_equal(
	    render_tmp("{end}", &p, &out, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "{end}"));
	assert_int_equal(
	    render_tmp("'{cell}'", &p, &out, err, sizeof(err)), 0);
	buf_free(&out);

	/* Output past the buffer's cap. */
	buf_init(&out, 8);
	assert_int_equal(
	    render_tmp("0123456789", &p, &out, err, sizeof(err)), -ENOSPC);
	buf_free(&out);
}

static void
test_set_get_name(void **state)
{
	struct qparams p;
	char           name[16];

	(void)state;
	qparams_init(&p, "d", "t", "e");
	assert_int_equal(qparams_set(&p, "instance_type", "m5.4xlarge"), 0);
	assert_string_equal(p.instance_type, "m5.4xlarge");
	assert_string_equal(qparams_get(&p, "instance_type"), "m5.4xlarge");
	assert_string_equal(qparams_get(&p, "end"), "e");
	assert_null(qparams_get(&p, "cell"));
	assert_int_equal(qparams_set(&p, "measure_name", "x"), -ENOENT);
	assert_null(qparams_get(&p, "nosuch"));
	assert_true(qparams_known("availability_zone"));
	assert_false(qparams_known("az"));

	assert_int_equal(render_name(name, sizeof(name), "do-q3", false), 0);
	assert_string_equal(name, "do-q3");
	assert_int_equal(render_name(name, sizeof(name), "do-q3", true), 0);
	assert_string_equal(name, "do-q3-multi");
	assert_int_equal(render_name(name, 11, "do-q3", true), -ENAMETOOLONG);
}

/* "<prefix><n><rest>" with 1 <= n <= max: returns rest, or NULL. */
static const char *
skip_num(const char *s, const char *prefix, unsigned max)
{
	char         *end;
	unsigned long n;

	if (strncmp(s, prefix, strlen(prefix)) != 0)
		return NULL;
	s += strlen(prefix);
	if (*s < '1' || *s > '9')
		return NULL;
	n = strtoul(s, &end, 10);
	return n >= 1 && n <= max ? end : NULL;
}

/* Checks p against the model; returns the service index and sets *idx
 * (instance index) and *region. */
static size_t
check_valid(const struct qparams *p, unsigned hs, const char *prefix,
    unsigned long *idx, size_t *region)
{
	size_t      r, m, n;
	const char *s;
	char        want[256], *end;

	for (r = 0; r < N(regions); r++)
		if (strcmp(p->region, regions[r].name) == 0)
			break;
	assert_true(r < N(regions));
	*region = r;
	n       = strlen(p->region);
	assert_true(strncmp(p->cell, p->region, n) == 0);
	s = skip_num(p->cell + n, "-cell-", regions[r].cells);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_true(strncmp(p->silo, p->cell, strlen(p->cell)) == 0);
	s = skip_num(p->silo + strlen(p->cell), "-silo-", regions[r].silos);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_true(strncmp(p->availability_zone, p->region, n) == 0);
	s = skip_num(p->availability_zone + n, "-", 3);
	assert_non_null(s);
	assert_string_equal(s, "");

	for (m = 0; m < N(services); m++)
		if (strcmp(p->microservice_name, services[m].name) == 0)
			break;
	assert_true(m < N(services));
	assert_string_equal(p->instance_type, services[m].type);
	assert_string_equal(p->os_version, services[m].os);
	assert_string_equal(p->jdk_version, services[m].jdk);
	assert_non_null(strstr(services[m].procs, p->process_name));
	assert_true(strcmp(p->process_name, "server") == 0
	    || strcmp(p->process_name, "host_manager") == 0);
	assert_string_equal(p->measure, "memory_used");

	snprintf(want, sizeof(want), "i-%s-%s-%s-", prefix,
	    p->microservice_name, p->silo);
	n = strlen(want);
	assert_true(strncmp(p->instance_name, want, n) == 0);
	assert_true(strspn(p->instance_name + n, "0123456789") >= 8);
	*idx = strtoul(p->instance_name + n, &end, 10);
	assert_string_equal(end, ".amazonaws.com");
	assert_true(*idx < services[m].k * hs);
	/* The generator's az is region-(i % 3 + 1). */
	assert_int_equal(
	    p->availability_zone[strlen(p->availability_zone) - 1],
	    '1' + (int)(*idx % 3));
	return m;
}

static void
test_random_valid(void **state)
{
	static const unsigned scales[] = { 1, 2, 7 };
	struct qparams        p;
	uint64_t              seed = 12345;
	size_t                si, i;

	(void)state;
	for (si = 0; si < N(scales); si++) {
		unsigned      hs                        = scales[si];
		unsigned      seen_region[N(regions)]   = { 0 };
		unsigned long max_idx[N(services)]      = { 0 };
		unsigned      seen_service[N(services)] = { 0 };
		unsigned      host_mgr                  = 0;

		for (i = 0; i < 20000; i++) {
			unsigned long idx;
			size_t        r, m;

			qparams_init(&p, "db", "t", "now()");
			assert_int_equal(
			    qparams_random(&p, u_mix, &seed, hs, "zaZswmJk"),
			    0);
			m = check_valid(&p, hs, "zaZswmJk", &idx, &r);
			seen_region[r]++;
			seen_service[m]++;
			if (idx > max_idx[m])
				max_idx[m] = idx;
			host_mgr
			    += strcmp(p.process_name, "host_manager") == 0;
		}
		for (i = 0; i < N(regions); i++)
			assert_true(seen_region[i] > 0);
		/* Hosts are uniform: apollo and zeus 30% each, athena 10%. */
		for (i = 0; i < N(services); i++) {
			assert_int_equal(max_idx[i], services[i].k * hs - 1);
			assert_true(seen_service[i] > services[i].k * 1800);
			assert_true(seen_service[i] < services[i].k * 2200);
		}
		assert_true(host_mgr > 0);
		/* us-east-1 holds 45 of the 100 silos. */
		assert_true(seen_region[0] > 8500 && seen_region[0] < 9500);
	}
}

static void
test_random_edges(void **state)
{
	struct qparams p, keep;
	double         u;
	char           prefix[300];

	(void)state;
	qparams_init(&p, NULL, NULL, NULL);
	u = 0;
	assert_int_equal(qparams_random(&p, u_const, &u, 1, "abc"), 0);
	assert_string_equal(p.silo, "us-east-1-cell-1-silo-1");
	assert_string_equal(p.availability_zone, "us-east-1-1");
	assert_string_equal(p.instance_name,
	    "i-abc-apollo-us-east-1-cell-1-silo-1-00000000."
	    "amazonaws.com");
	assert_string_equal(p.process_name, "server");

	u = 0x1.fffffffffffffp-1; /* largest double below 1 */
	assert_int_equal(qparams_random(&p, u_const, &u, 3, "abc"), 0);
	assert_string_equal(p.region, "ap-northeast-1");
	assert_string_equal(p.silo, "ap-northeast-1-cell-5-silo-3");
	assert_string_equal(p.microservice_name, "zeus");
	assert_string_equal(p.instance_name,
	    "i-abc-zeus-ap-northeast-1-cell-5-silo-3-00000008."
	    "amazonaws.com");
	assert_string_equal(p.availability_zone, "ap-northeast-1-3");
	u = 1.0; /* out of contract: clamped */
	assert_int_equal(qparams_random(&p, u_const, &u, 3, "abc"), 0);
	assert_string_equal(p.microservice_name, "zeus");
	u = 0.999;
	assert_int_equal(qparams_random(&p, u_const, &u, 1, "abc"), 0);
	assert_string_equal(p.silo, "ap-northeast-1-cell-5-silo-3");

	/* Wide indices keep growing past 8 digits. */
	u = 0x1.fffffffffffffp-1;
	assert_int_equal(qparams_random(&p, u_const, &u, 40000000, "p"), 0);
	assert_non_null(strstr(p.instance_name, "-119999999.amazonaws.com"));

	/* Bad arguments leave p alone. */
	keep = p;
	assert_int_equal(qparams_random(&p, u_const, &u, 0, "p"), -EINVAL);
	assert_int_equal(qparams_random(&p, u_const, &u, 1, NULL), -EINVAL);
	memset(prefix, 'a', sizeof(prefix) - 1);
	prefix[sizeof(prefix) - 1] = '\0';
	assert_int_equal(
	    qparams_random(&p, u_const, &u, 1, prefix), -ENAMETOOLONG);
	assert_memory_equal(&p, &keep, sizeof(p));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_values),
		cmocka_unit_test(test_render_all_fixed),
		cmocka_unit_test(test_render_all_random),
		cmocka_unit_test(test_timestream_golden),
		cmocka_unit_test(test_sqlite_shape),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_braces_and_escaping),
		cmocka_unit_test(test_set_get_name),
		cmocka_unit_test(test_random_valid),
		cmocka_unit_test(test_random_edges),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
