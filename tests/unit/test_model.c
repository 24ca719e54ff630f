/* test_model.c - the DevOps model against the seed: counts, names,
 * dimension values, high/low CPU hosts, sub-range builds, shards and the
 * model summary text.
 *
 * Expected values were produced once with CPython 3.11 from the seed's
 * formulas (model.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "model.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void
assert_str(struct str s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.p, want, s.len);
	assert_int_equal(s.p[s.len], '\0');
}

static void
assert_str_same(struct str a, struct str b)
{
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
}

static void
test_counts(void **state)
{
	static const unsigned scales[] = { 1, 2, 100 };
	struct model          m;
	size_t                i;

	(void)state;
	for (i = 0; i < N_ELEMS(scales); i++) {
		unsigned hs = scales[i];

		assert_int_equal(model_build(&m, hs, 12345, 0, 0), 0);
		assert_int_equal(m.host_scale, hs);
		assert_int_equal(m.total_hosts, 1000 * hs);
		assert_int_equal(m.total_events, 1200 * hs);
		assert_int_equal(m.first_host, 0);
		assert_int_equal(m.n_metrics, 1000 * hs);
		assert_int_equal(m.n_events, 1200 * hs);
		assert_int_equal(m.host_events[0], 0);
		assert_int_equal(m.host_events[m.n_metrics], m.n_events);
		model_free(&m);
		assert_null(m.arena);

		assert_int_equal(model_series_count(hs, false), 26000 * hs);
		assert_int_equal(model_series_count(hs, true), 2200 * hs);
	}
}

/* The plain flag: set on every group of a built model (its values and
 * names are letters, digits, '-', '.'), and only when it holds. */
static void
test_plain(void **state)
{
	struct model m;
	uint32_t     i;
	unsigned     d;

	(void)state;
	assert_true(model_plain("i-zaZswmJk-apollo.amazonaws.com", 31));
	assert_true(model_plain("", 0));
	assert_false(model_plain("a b", 3));
	assert_false(model_plain("a,b", 3));
	assert_false(model_plain("a=b", 3));
	assert_false(model_plain("a\"b", 3));
	assert_false(model_plain("a\\b", 3));
	assert_false(model_plain("a\nb", 3));
	assert_false(model_plain("caf\xc3\xa9", 5));

	assert_int_equal(model_build(&m, 1, 12345, 0, 0), 0);
	for (i = 0; i < m.n_metrics + m.n_events; i++) {
		const struct series *se = i < m.n_metrics
		    ? &m.metrics[i]
		    : &m.events[i - m.n_metrics];

		assert_true(se->g->plain);
		for (d = 0; d < MODEL_N_DIMS; d++)
			assert_true(model_plain(
			    series_dim(se, d).p, series_dim(se, d).len));
	}
	model_free(&m);
}

static void
test_first_sets(void **state)
{
	static const char *const metric[MODEL_N_DIMS] = {
		"us-east-1",
		"us-east-1-cell-1",
		"us-east-1-cell-1-silo-1",
		"us-east-1-1",
		"apollo",
		"r5.4xlarge",
		"AL2",
		"i-zaZswmJk-apollo-us-east-1-cell-1-silo-1-00000000.amazonaws."
		"com",
	};
	static const char *const event[MODEL_N_DIMS] = {
		"us-east-1",
		"us-east-1-cell-1",
		"us-east-1-cell-1-silo-1",
		"us-east-1-1",
		"apollo",
		"i-zaZswmJk-apollo-us-east-1-cell-1-silo-1-00000000.amazonaws."
		"com",
		"server",
		"JDK_11",
	};
	struct model m;
	unsigned     dm = 0, de = 0;
	int          k;

	(void)state;
	assert_int_equal(model_build(&m, 1, 12345, 0, 0), 0);
	assert_string_equal(m.prefix, "zaZswmJk");
	for (k = 0; k < MODEL_N_DIMS; k++) {
		assert_str(series_dim(&m.metrics[0], k), metric[k]);
		assert_str(series_dim(&m.events[0], k), event[k]);
		dm += 2 * series_dim(&m.metrics[0], k).len;
		de += 2 * series_dim(&m.events[0], k).len;
	}
	assert_int_equal(dm, 284);
	assert_int_equal(de, 282);
	assert_int_equal(m.metrics[0].kind, SERIES_METRICS);
	assert_int_equal(m.events[0].kind, SERIES_EVENTS);
	assert_int_equal(m.events[0].host, 0);

	/* The last host: ap-northeast-1 cell 5 silo 3, zeus, index 2. */
	struct series *last = &m.metrics[999];
	assert_str(series_dim(last, 2), "ap-northeast-1-cell-5-silo-3");
	assert_str(series_dim(last, 3), "ap-northeast-1-3");
	assert_str(series_dim(last, 4), "zeus");
	assert_str(series_dim(last, 5), "m5.4xlarge");
	assert_str(series_dim(last, 7),
	    "i-zaZswmJk-zeus-ap-northeast-1-cell-5-"
	    "silo-3-00000002.amazonaws.com");
	model_free(&m);

	/* Another seed, another prefix; hs 100 widens nothing. */
	assert_int_equal(model_build(&m, 100, 56789, 0, 0), 0);
	assert_str(series_dim(&m.metrics[299], 7),
	    "i-sS6Eq1tZ-apollo-us-east-1-cell-"
	    "1-silo-1-00000299.amazonaws.com");
	assert_str(series_dim(&m.metrics[299], 3), "us-east-1-3");
	assert_str(series_dim(&m.metrics[300], 4), "athena");
	assert_str(series_dim(&m.metrics[300], 7),
	    "i-sS6Eq1tZ-athena-us-east-1-cell-"
	    "1-silo-1-00000000.amazonaws.com");
	model_free(&m);
}

static void
test_events_per_host(void **state)
{
	/* One silo at hs 1: apollo x3, athena, demeter, hercules x2, zeus
	 * x3; athena and demeter run server and host_manager. */
	static const struct {
		const char *ms, *type, *os, *jdk;
		unsigned    nev;
	} silo[10] = {
		{ "apollo", "r5.4xlarge", "AL2", "JDK_11", 1 },
		{ "apollo", "r5.4xlarge", "AL2", "JDK_11", 1 },
		{ "apollo", "r5.4xlarge", "AL2", "JDK_11", 1 },
		{ "athena", "m5.8xlarge", "AL2012", "JDK_8", 2 },
		{ "demeter", "c5.16xlarge", "AL2012", "JDK_8", 2 },
		{ "hercules", "r5.4xlarge", "AL2012", "JDK_8", 1 },
		{ "hercules", "r5.4xlarge", "AL2012", "JDK_8", 1 },
		{ "zeus", "m5.4xlarge", "AL2", "JDK_11", 1 },
		{ "zeus", "m5.4xlarge", "AL2", "JDK_11", 1 },
		{ "zeus", "m5.4xlarge", "AL2", "JDK_11", 1 },
	};
	static const char *const procs[2] = { "server", "host_manager" };
	struct model             m;
	uint32_t                 h, e, n;

	(void)state;
	assert_int_equal(model_build(&m, 1, 12345, 0, 0), 0);
	for (h = 0; h < m.n_metrics; h++) {
		const struct series *s = &m.metrics[h];

		n = m.host_events[h + 1] - m.host_events[h];
		assert_int_equal(n, silo[h % 10].nev);
		assert_int_equal(s->host, h);
		assert_str(series_dim(s, 4), silo[h % 10].ms);
		assert_str(series_dim(s, 5), silo[h % 10].type);
		assert_str(series_dim(s, 6), silo[h % 10].os);
		for (e = 0; e < n; e++) {
			const struct series *ev
			    = &m.events[m.host_events[h] + e];

			assert_int_equal(ev->host, h);
			assert_int_equal(ev->kind, SERIES_EVENTS);
			assert_str(series_dim(ev, 6), procs[e]);
			assert_str(series_dim(ev, 7), silo[h % 10].jdk);
			/* shared with the host: same string, same copy */
			assert_ptr_equal(
			    series_dim(ev, 5).p, series_dim(s, 7).p);
			assert_ptr_equal(
			    series_dim(ev, 3).p, series_dim(s, 3).p);
			for (int k = 0; k < 4; k++)
				assert_ptr_equal(
				    series_dim(ev, k).p, series_dim(s, k).p);
		}
	}
	/* Shared strings are stored once. */
	assert_ptr_equal(
	    series_dim(&m.metrics[0], 2).p, series_dim(&m.metrics[9], 2).p);
	assert_ptr_equal(
	    series_dim(&m.metrics[0], 3).p, series_dim(&m.metrics[3], 3).p);
	assert_ptr_equal(
	    series_dim(&m.metrics[0], 5).p, series_dim(&m.metrics[5], 5).p);
	assert_ptr_equal(
	    series_dim(&m.metrics[0], 0).p, series_dim(&m.metrics[134], 0).p);
	model_free(&m);
}

/* CPU classes of a model holding hosts [0, n) of hs 1. */
static void
check_cpu(uint32_t n, const uint32_t *low, size_t nlow, const uint32_t *high,
    size_t nhigh)
{
	struct model m;
	uint32_t     h;
	size_t       i;

	assert_int_equal(model_build(&m, 1, 12345, 0, n), 0);
	assert_int_equal(m.n_metrics, n);
	for (h = 0; h < n; h++) {
		int want = CPU_NORMAL;

		for (i = 0; i < nlow; i++)
			if (low[i] == h)
				want = CPU_LOW;
		for (i = 0; i < nhigh; i++)
			if (high[i] == h)
				want = CPU_HIGH;
		assert_int_equal(m.metrics[h].cpu, want);
	}
	model_free(&m);
}

static void
test_cpu_classes(void **state)
{
	static const uint32_t low5[] = { 4 }, high5[] = { 3 };
	static const uint32_t low10[] = { 8, 7 }, high10[] = { 0, 6 };
	static const uint32_t low20[]  = { 16, 18, 3, 8 },
	                      high20[] = { 11, 9, 0, 13 };
	static const uint32_t all[]    = { 0, 1, 2, 3 };
	struct model          m;
	uint32_t              n, h, nlow = 0, nhigh = 0;

	(void)state;
	check_cpu(5, low5, 1, high5, 1);
	check_cpu(10, low10, 2, high10, 2);
	check_cpu(20, low20, 4, high20, 4);
	/* int(0.2 n) == 0: the seed's [-0:] slice makes every host high */
	for (n = 1; n <= 4; n++)
		check_cpu(n, NULL, 0, all, n);

	/* Local, not global: a shard of 10 hosts far into the model gets
	 * the same classes as hosts 0..9. */
	assert_int_equal(model_build(&m, 2, 12345, 1500, 1510), 0);
	assert_int_equal(m.metrics[8].cpu, CPU_LOW);
	assert_int_equal(m.metrics[7].cpu, CPU_LOW);
	assert_int_equal(m.metrics[0].cpu, CPU_HIGH);
	assert_int_equal(m.metrics[6].cpu, CPU_HIGH);
	assert_int_equal(m.metrics[1].cpu, CPU_NORMAL);
	model_free(&m);

	/* A full model: 20 % low, 20 % high. */
	assert_int_equal(model_build(&m, 1, 12345, 0, 0), 0);
	for (h = 0; h < m.n_metrics; h++) {
		nlow += m.metrics[h].cpu == CPU_LOW;
		nhigh += m.metrics[h].cpu == CPU_HIGH;
	}
	assert_int_equal(nlow, 200);
	assert_int_equal(nhigh, 200);
	model_free(&m);
}

static void
test_sub_range(void **state)
{
	static const uint32_t ranges[][2] = {
		{ 0, 7 },
		{ 3, 4 },
		{ 1234, 1567 },
		{ 1990, 2000 },
		{ 19, 21 },
		{ 0, 2000 },
		{ 999, 1001 },
		{ 1403, 1404 },
	};
	struct model full, sub;
	size_t       r;
	uint32_t     h, e, g;
	int          k;

	(void)state;
	assert_int_equal(model_build(&full, 2, 12345, 0, 0), 0);
	for (r = 0; r < N_ELEMS(ranges); r++) {
		uint32_t first = ranges[r][0], end = ranges[r][1];

		assert_int_equal(model_build(&sub, 2, 12345, first, end), 0);
		assert_int_equal(sub.first_host, first);
		assert_int_equal(sub.n_metrics, end - first);
		assert_int_equal(sub.total_hosts, 2000);
		assert_int_equal(sub.n_events,
		    full.host_events[end] - full.host_events[first]);
		for (h = 0; h < sub.n_metrics; h++) {
			g = first + h;
			for (k = 0; k < MODEL_N_DIMS; k++)
				assert_str_same(series_dim(&sub.metrics[h], k),
				    series_dim(&full.metrics[g], k));
			assert_int_equal(
			    sub.host_events[h + 1] - sub.host_events[h],
			    full.host_events[g + 1] - full.host_events[g]);
		}
		for (e = 0; e < sub.n_events; e++) {
			const struct series *a = &sub.events[e];
			const struct series *b
			    = &full.events[full.host_events[first] + e];

			assert_int_equal(a->host + first, b->host);
			for (k = 0; k < MODEL_N_DIMS; k++)
				assert_str_same(
				    series_dim(a, k), series_dim(b, k));
		}
		model_free(&sub);
	}
	model_free(&full);
}

static void
test_build_errors(void **state)
{
	struct model m;

	(void)state;
	assert_int_equal(model_build(&m, 0, 12345, 0, 0), -EINVAL);
	assert_int_equal(model_build(&m, 1, 12345, 5, 5), -EINVAL);
	assert_int_equal(model_build(&m, 1, 12345, 6, 5), -EINVAL);
	assert_int_equal(model_build(&m, 1, 12345, 0, 1001), -EINVAL);
	assert_int_equal(model_build(&m, 1, 12345, 1000, 0), -EINVAL);
	assert_int_equal(model_build(&m, 3579140, 12345, 0, 1), -EINVAL);
	model_free(&m); /* safe after a failed build */
	assert_int_equal(model_build(&m, 1, 12345, 999, 0), 0);
	assert_int_equal(m.n_metrics, 1);
	model_free(&m);
}

static void
test_shards(void **state)
{
	static const struct {
		uint32_t total, n, i, first, end;
	} cases[] = {
		{ 10, 3, 0, 0, 4 },
		{ 10, 3, 1, 4, 7 },
		{ 10, 3, 2, 7, 10 },
		{ 10, 1, 0, 0, 10 },
		{ 10, 10, 9, 9, 10 },
		{ 1000, 7, 0, 0, 143 },
		{ 1000, 7, 5, 715, 858 },
		{ 1000, 7, 6, 858, 1000 },
	};
	uint32_t first, end, prev, i;
	size_t   c;

	(void)state;
	for (c = 0; c < N_ELEMS(cases); c++) {
		assert_int_equal(model_shard(cases[c].total, cases[c].n,
		                     cases[c].i, &first, &end),
		    0);
		assert_int_equal(first, cases[c].first);
		assert_int_equal(end, cases[c].end);
	}
	/* Shards tile the range. */
	prev = 0;
	for (i = 0; i < 13; i++) {
		assert_int_equal(model_shard(1000000, 13, i, &first, &end), 0);
		assert_int_equal(first, prev);
		prev = end;
	}
	assert_int_equal(prev, 1000000);

	assert_int_equal(model_shard(10, 11, 0, &first, &end), -EINVAL);
	assert_int_equal(model_shard(10, 0, 0, &first, &end), -EINVAL);
	assert_int_equal(model_shard(10, 3, 3, &first, &end), -EINVAL);
	assert_int_equal(model_shard(0, 1, 0, &first, &end), -EINVAL);
}

#define HEAD1                                                                 \
	"Dimensions for metrics: 1,000\n"                                     \
	"Dimensions for events: 1,200\n"                                      \
	"Dimension bytes: Events: 282, Metrics: 284\n"                        \
	"Bytes for names: Metrics: 234, Events: 59\n"

static const struct {
	unsigned    hs;
	uint64_t    ms;
	bool        multi;
	const char *want;
} summaries[] = {
	{ 100, 60000, false,
	    "Dimensions for metrics: 100,000\n"
	    "Dimensions for events: 120,000\n"
	    "Dimension bytes: Events: 282, Metrics: 284\n"
	    "Bytes for names: Metrics: 234, Events: 59\n"
	    "avg row size: 311.19 Bytes\n"
	    "Number of timeseries: 2,600,000. Avg. data points per second: "
	    "43,333. Avg. no. of metrics per second: 43,333 Avg. data points "
	    "per hour: 155,998,800\n"
	    "Avg. Ingestion volume: 12.86 MB/s. Data size per hour: 45.21 GB. "
	    "Data size per day: 1,085.04 GB. Data size per year: 386.76 "
	    "TB\n" },
	{ 100, 60000, true,
	    "Dimensions for metrics: 100,000\n"
	    "Dimensions for events: 120,000\n"
	    "Dimension bytes: Events: 282, Metrics: 284\n"
	    "Bytes for names: Metrics: 234, Events: 59\n"
	    "avg row size: 508.99 Bytes\n"
	    "Number of timeseries: 220,000. Avg. data points per second: "
	    "3,667. Avg. no. of metrics per second: 43,333 Avg. data points "
	    "per hour: 13,201,200\n"
	    "Avg. Ingestion volume: 1.78 MB/s. Data size per hour: 6.26 GB. "
	    "Data size per day: 150.24 GB. Data size per year: 53.55 TB\n" },
	{ 1, 60000, false,
	    HEAD1 "avg row size: 314.81 Bytes\n"
	          "Number of timeseries: 26,000. Avg. data points per second: "
	          "433. Avg. no. of metrics per second: 433 Avg. data points "
	          "per hour: 1,558,800\n"
	          "Avg. Ingestion volume: 0.13 MB/s. Data size per hour: 0.46 "
	          "GB. Data size per day: 11.04 GB. Data size per year: 3.94 "
	          "TB\n" },
	{ 1, 60000, true,
	    HEAD1 "avg row size: 566.8 Bytes\n"
	          "Number of timeseries: 2,200. Avg. data points per second: "
	          "37. Avg. no. of metrics per second: 433 Avg. data points "
	          "per hour: 133,200\n"
	          "Avg. Ingestion volume: 0.02 MB/s. Data size per hour: 0.07 "
	          "GB. Data size per day: 1.68 GB. Data size per year: 0.6 "
	          "TB\n" },
	/* numpy's round: Python's round() would give 1,637.03 here */
	{ 51, 1000, true,
	    "Dimensions for metrics: 51,000\n"
	    "Dimensions for events: 61,200\n"
	    "Dimension bytes: Events: 282, Metrics: 284\n"
	    "Bytes for names: Metrics: 234, Events: 59\n"
	    "avg row size: 508.68 Bytes\n"
	    "Number of timeseries: 112,200. Avg. data points per second: "
	    "112,200. Avg. no. of metrics per second: 1,326,000 Avg. data "
	    "points per hour: 403,920,000\n"
	    "Avg. Ingestion volume: 54.43 MB/s. Data size per hour: 191.36 "
	    "GB. "
	    "Data size per day: 4,592.64 GB. Data size per year: 1,637.02 "
	    "TB\n" },
	/* below a second: I = 0.5 s, twice the rates of 1 s */
	{ 1, 500, false,
	    HEAD1
	    "avg row size: 311.35 Bytes\n"
	    "Number of timeseries: 26,000. Avg. data points per second: "
	    "52,000. Avg. no. of metrics per second: 52,000 Avg. data "
	    "points per hour: 187,200,000\n"
	    "Avg. Ingestion volume: 15.44 MB/s. Data size per hour: 54.28 "
	    "GB. Data size per day: 1,302.72 GB. Data size per year: "
	    "464.35 TB\n" },
	{ 1, 500, true,
	    HEAD1
	    "avg row size: 507.61 Bytes\n"
	    "Number of timeseries: 2,200. Avg. data points per second: "
	    "4,400. Avg. no. of metrics per second: 52,000 Avg. data "
	    "points per hour: 15,840,000\n"
	    "Avg. Ingestion volume: 2.13 MB/s. Data size per hour: 7.49 "
	    "GB. Data size per day: 179.76 GB. Data size per year: 64.07 "
	    "TB\n" },
	/* a rate that rounds to 0: numpy's 0/0 */
	{ 1, 3600000000ULL, false,
	    HEAD1
	    "avg row size: nan Bytes\n"
	    "Number of timeseries: 26,000. Avg. data points per second: "
	    "0. Avg. no. of metrics per second: 0 Avg. data points per "
	    "hour: 0\n"
	    "Avg. Ingestion volume: 0.0 MB/s. Data size per hour: 0.0 GB. "
	    "Data size per day: 0.0 GB. Data size per year: 0.0 TB\n" },
	/* unpaced: our choice, documented in model.h */
	{ 1, 0, false,
	    HEAD1 "avg row size: 311.26 Bytes\n"
	          "Number of timeseries: 26,000. Avg. data points per second: "
	          "unpaced. Avg. no. of metrics per second: unpaced Avg. data "
	          "points per hour: unpaced\n"
	          "Avg. Ingestion volume: unpaced MB/s. Data size per hour: "
	          "unpaced GB. Data size per day: unpaced GB. Data size per "
	          "year: unpaced TB\n" },
	{ 1, 0, true,
	    HEAD1 "avg row size: 508.64 Bytes\n"
	          "Number of timeseries: 2,200. Avg. data points per second: "
	          "unpaced. Avg. no. of metrics per second: unpaced Avg. data "
	          "points per hour: unpaced\n"
	          "Avg. Ingestion volume: unpaced MB/s. Data size per hour: "
	          "unpaced GB. Data size per day: unpaced GB. Data size per "
	          "year: unpaced TB\n" },
};

static void
test_summary(void **state)
{
	char         out[2048];
	struct model m;
	size_t       i;

	(void)state;
	for (i = 0; i < N_ELEMS(summaries); i++) {
		assert_int_equal(
		    model_build(&m, summaries[i].hs, 12345, 0, 0), 0);
		assert_int_equal(model_summary(&m, summaries[i].ms,
		                     summaries[i].multi, out, sizeof(out)),
		    0);
		assert_string_equal(out, summaries[i].want);
		model_free(&m);
	}
}

static void
test_summary_sub_range(void **state)
{
	char         a[2048], b[2048];
	struct model full, sub;

	(void)state;
	/* Whole-model counts and host 0's dimension bytes, whatever range
	 * is held; another seed keeps 8 prefix characters. */
	assert_int_equal(model_build(&full, 100, 12345, 0, 0), 0);
	assert_int_equal(model_build(&sub, 100, 777, 55555, 55600), 0);
	assert_int_equal(model_summary(&full, 60000, false, a, sizeof(a)), 0);
	assert_int_equal(model_summary(&sub, 60000, false, b, sizeof(b)), 0);
	assert_string_equal(a, b);
	assert_string_equal(a, summaries[0].want);

	/* Too small a buffer. */
	assert_int_equal(model_summary(&sub, 60000, false, b, 100), -ENOSPC);
	assert_int_equal(
	    model_summary(&sub, 60000, false, b, strlen(a)), -ENOSPC);
	assert_int_equal(
	    model_summary(&sub, 60000, false, b, strlen(a) + 1), 0);
	model_free(&full);
	model_free(&sub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_first_sets),
		cmocka_unit_test(test_events_per_host),
		cmocka_unit_test(test_cpu_classes),
		cmocka_unit_test(test_sub_range),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_sub_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
