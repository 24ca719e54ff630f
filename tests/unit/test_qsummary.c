/* test_qsummary.c - unit tests of the query latency summary
 * (query/qsummary.c).
 *
 * Expected statistics were computed on this machine with Python's
 * statistics module (fmean, pstdev, geometric_mean, and quantiles(...,
 * method='inclusive'), which is numpy's linear percentile) and str(round(v,
 * 3)); numpy itself is not installed. Also: Python number formatting, the
 * CSV byte for byte (no-success rows have 9 fields), merging equals the
 * summary of the union, the terminal table, the wire format, and the
 * seed's per-execution log lines and count result, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "qsummary.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const double lat_a[]
    = { 1.2, 0.8, 2.5, 1.9, 1.1, 3.7, 0.95, 1.4, 2.2, 1.05 };
static const double lat_b[] = { 0.25, 0.5, 0.125, 4.0 };
static const double lat_c[] = { 1, 2, 3, 4 };
static const double lat_d[] = { 0.7312 };
static const double lat_z[] = { 0, 0.5, 2.0 };

/* avg, stddev, median, p90, p99, geomean, from Python. */
struct expect {
	const double *lat;
	unsigned      n;
	double        v[6];
	const char   *csv; /* the six statistics as the CSV prints them */
};

static const struct expect expects[] = {
	{ lat_a, N(lat_a),
	    { 1.6800000000000002, 0.8614522621712709, 1.2999999999999998, 2.62,
	        3.592, 1.498312101679911 },
	    "1.68, 0.861, 1.3, 2.62, 3.592, 1.498" },
	{ lat_b, N(lat_b),
	    { 1.21875, 1.6114216355442172, 0.375, 2.95, 3.895, 0.5 },
	    "1.219, 1.611, 0.375, 2.95, 3.895, 0.5" },
	{ lat_c, N(lat_c),
	    { 2.5, 1.118033988749895, 2.5, 3.7, 3.97, 2.2133638394006434 },
	    "2.5, 1.118, 2.5, 3.7, 3.97, 2.213" },
	{ lat_d, N(lat_d), { 0.7312, 0.0, 0.7312, 0.7312, 0.7312, 0.7312 },
	    "0.731, 0.0, 0.731, 0.731, 0.731, 0.731" },
	/* A latency of 0 is left out of the geometric mean only. */
	{ lat_z, N(lat_z),
	    { 0.8333333333333334, 0.8498365855987975, 0.5, 1.7, 1.97, 1.0 },
	    "0.833, 0.85, 0.5, 1.7, 1.97, 1.0" },
};

/* Same value up to a few ulps. */
static void
check_close(double got, double want, const char *what)
{
	if (fabs(got - want) > 1e-12 * fmax(1, fabs(want))) {
		print_error("%s: got %.17g, want %.17g\n", what, got, want);
		fail();
	}
}

static void
record_all(struct qsum *s, unsigned row, const double *lat, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		qsum_record(s, row, true, lat[i]);
}

/* The CSV text of s, NUL-terminated; free() it. */
static char *
csv_of(struct qsum *s)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	assert_int_equal(qsum_csv(s, &b), 0);
	assert_int_equal(buf_cstr(&b), 0);
	return b.p;
}

static void
test_stats(void **state)
{
	static const char *names[]
	    = { "avg", "stddev", "median", "p90", "p99", "geomean" };
	unsigned i, k;

	(void)state;
	for (i = 0; i < N(expects); i++) {
		const struct expect *e = &expects[i];
		struct qsum          s;
		struct qsum_stats    st;
		double               got[6];

		qsum_init(&s);
		assert_int_equal(qsum_add_query(&s, 1), 0);
		record_all(&s, 0, e->lat, e->n);
		assert_int_equal(qsum_row_stats(&s.row[0], &st), 0);
		got[0] = st.avg;
		got[1] = st.stddev;
		got[2] = st.median;
		got[3] = st.p90;
		got[4] = st.p99;
		got[5] = st.geomean;
		for (k = 0; k < 6; k++)
			check_close(got[k], e->v[k], names[k]);
		qsum_free(&s);
	}
}

/* Exact numpy values on a case where interpolation is exact. */
static void
test_percentile_exact(void **state)
{
	struct qsum       s;
	struct qsum_stats st;
	unsigned          i;

	(void)state;
	qsum_init(&s);
	assert_int_equal(qsum_add_query(&s, 2), 0);
	/* 0..100 in reverse: percentile p is exactly p. */
	for (i = 0; i <= 100; i++)
		qsum_record(&s, 0, true, 100 - i);
	assert_int_equal(qsum_row_stats(&s.row[0], &st), 0);
	assert_true(st.median == 50);
	assert_true(st.p90 == 90);
	assert_true(st.p99 == 99);
	assert_true(st.avg == 50);
	/* Stats again after sorting, and after one more value. */
	assert_int_equal(qsum_row_stats(&s.row[0], &st), 0);
	assert_true(st.p90 == 90);
	qsum_record(&s, 0, true, 0);
	assert_int_equal(qsum_row_stats(&s.row[0], &st), 0);
	assert_true(st.median == 49.5);
	qsum_free(&s);
}

static void
test_no_success(void **state)
{
	struct qsum       s;
	struct qsum_stats st;
	char             *csv, *row;
	unsigned          fields = 1;

	(void)state;
	qsum_init(&s);
	assert_int_equal(qsum_add_query(&s, 3), 0);
	assert_int_equal(qsum_row_stats(&s.row[0], &st), -ENODATA);
	assert_true(st.avg == 0 && st.p99 == 0);
	qsum_record(&s, 0, false, 1.0);
	qsum_record(&s, 0, false, 2.0);
	csv = csv_of(&s);
	row = strchr(csv, '\n');
	assert_non_null(row);
	assert_string_equal(row + 1, "do-q3, 2, 0, , , , , , ");
	for (row++; (row = strstr(row, ", ")); row += 2)
		fields++;
	assert_int_equal(fields, 9);
	free(csv);
	qsum_free(&s);
}

/* Rows in the order added, failures counted, text byte for byte. */
static void
test_csv(void **state)
{
	static const char want[]
	    = "Query type, Total Count, Successful Count, Avg. latency (in "
	      "secs), Std dev latency (in secs), Median, 90th perc (in secs), "
	      "99th Perc (in secs), Geo Mean (in secs)\n"
	      "do-q2, 10, 10, 1.68, 0.861, 1.3, 2.62, 3.592, 1.498\n"
	      "do-q5, 4, 4, 1.219, 1.611, 0.375, 2.95, 3.895, 0.5\n"
	      "do-q3, 4, 0, , , , , , \n"
	      "do-q1, 5, 4, 2.5, 1.118, 2.5, 3.7, 3.97, 2.213";
	struct qsum s;
	char       *csv;
	unsigned    i;

	(void)state;
	qsum_init(&s);
	assert_int_equal(qsum_add_query(&s, 2), 0);
	assert_int_equal(qsum_add_query(&s, 5), 1);
	assert_int_equal(qsum_add_query(&s, 3), 2);
	assert_int_equal(qsum_add_query(&s, 1), 3);
	assert_int_equal(qsum_add_query(&s, 1), -EEXIST);
	assert_int_equal(qsum_add_query(&s, 0), -EINVAL);
	assert_int_equal(qsum_add_query(&s, 7), -EINVAL);
	assert_int_equal(qsum_find(&s, 3), 2);
	assert_int_equal(qsum_find(&s, 4), -ENOENT);
	/* Interleaved, as a thread would record them. */
	for (i = 0; i < 10; i++) {
		qsum_record(&s, 0, true, lat_a[i]);
		if (i < 4) {
			qsum_record(&s, 1, true, lat_b[i]);
			qsum_record(&s, 2, false, 0);
			qsum_record(&s, 3, true, lat_c[i]);
		}
	}
	qsum_record(&s, 3, false, 99);
	csv = csv_of(&s);
	assert_string_equal(csv, want);
	assert_string_equal(QSUM_CSV_HEADER,
	    "Query type, Total Count, Successful Count, Avg. latency (in "
	    "secs), Std dev latency (in secs), Median, 90th perc (in secs), "
	    "99th Perc (in secs), Geo Mean (in secs)");
	free(csv);
	qsum_free(&s);

	/* Every expectation as a CSV row. */
	for (i = 0; i < N(expects); i++) {
		char line[256];

		qsum_init(&s);
		assert_int_equal(qsum_add_query(&s, 6), 0);
		record_all(&s, 0, expects[i].lat, expects[i].n);
		csv = csv_of(&s);
		snprintf(line, sizeof(line), "\ndo-q6, %u, %u, %s",
		    expects[i].n, expects[i].n, expects[i].csv);
		assert_string_equal(strchr(csv, '\n'), line);
		free(csv);
		qsum_free(&s);
	}

	/* No rows: the header alone. */
	qsum_init(&s);
	csv = csv_of(&s);
	assert_string_equal(csv, QSUM_CSV_HEADER);
	free(csv);
}

/* Merging two summaries equals recording the union in one. */
static void
test_merge(void **state)
{
	struct qsum a, b, u, m;
	char       *cm, *cu;

	(void)state;
	qsum_init(&a);
	qsum_init(&b);
	qsum_init(&u);
	qsum_init(&m);

	assert_int_equal(qsum_add_query(&a, 1), 0);
	assert_int_equal(qsum_add_query(&a, 2), 1);
	record_all(&a, 0, lat_a, N(lat_a));
	qsum_record(&a, 1, false, 0);
	/* b has the rows in another order, and one a lacks. */
	assert_int_equal(qsum_add_query(&b, 4), 0);
	assert_int_equal(qsum_add_query(&b, 1), 1);
	qsum_record(&b, 0, false, 0);
	record_all(&b, 1, lat_b, N(lat_b));
	qsum_record(&b, 1, false, 0);

	assert_int_equal(qsum_add_query(&u, 1), 0);
	assert_int_equal(qsum_add_query(&u, 2), 1);
	assert_int_equal(qsum_add_query(&u, 4), 2);
	record_all(&u, 0, lat_b, N(lat_b));
	qsum_record(&u, 0, false, 0);
	record_all(&u, 0, lat_a, N(lat_a));
	qsum_record(&u, 1, false, 0);
	qsum_record(&u, 2, false, 0);

	/* Into an empty summary: a copy; then the other. */
	qsum_merge(&m, &a);
	qsum_merge(&m, &b);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.row[0].total, 15);
	assert_int_equal(m.row[0].ok, 14);
	cm = csv_of(&m);
	cu = csv_of(&u);
	assert_string_equal(cm, cu);
	assert_non_null(strstr(cm,
	    "\ndo-q1, 15, 14, 1.548, 1.147, 1.15, 3.34, 3.961, 1.095\n"
	    "do-q2, 1, 0, , , , , , \n"
	    "do-q4, 1, 0, , , , , , "));
	free(cm);
	free(cu);

	/* The sources are unchanged. */
	assert_int_equal(a.row[0].ok, N(lat_a));
	assert_int_equal(b.n, 2);
	qsum_free(&a);
	qsum_free(&b);
	qsum_free(&u);
	qsum_free(&m);
	assert_int_equal(m.n, 0);
}

/* Many latencies: growth, and a merge of shuffled halves. */
static void
test_many(void **state)
{
	struct qsum       s, h1, h2;
	struct qsum_stats st, sm;
	unsigned          i;

	(void)state;
	qsum_init(&s);
	qsum_init(&h1);
	qsum_init(&h2);
	assert_int_equal(qsum_add_query(&s, 1), 0);
	assert_int_equal(qsum_add_query(&h1, 1), 0);
	assert_int_equal(qsum_add_query(&h2, 1), 0);
	for (i = 0; i < 100000; i++) {
		double v = 0.001 * (double)((i * 7919u) % 100000 + 1);

		qsum_record(&s, 0, true, v);
		qsum_record(i % 3 ? &h1 : &h2, 0, true, v);
	}
	qsum_merge(&h1, &h2);
	assert_int_equal(qsum_row_stats(&s.row[0], &st), 0);
	assert_int_equal(qsum_row_stats(&h1.row[0], &sm), 0);
	/* 0.001..100 in steps of 0.001. */
	check_close(st.avg, 50.0005, "avg");
	check_close(st.median, 50.0005, "median");
	check_close(st.p90, 90.0001, "p90");
	check_close(st.p99, 99.0000100000000, "p99");
	check_close(sm.avg, st.avg, "merged avg");
	check_close(sm.stddev, st.stddev, "merged stddev");
	assert_true(sm.median == st.median);
	assert_true(sm.p99 == st.p99);
	check_close(sm.geomean, st.geomean, "merged geomean");
	qsum_free(&s);
	qsum_free(&h1);
	qsum_free(&h2);
}

static void
test_fmt3(void **state)
{
	static const struct {
		double      x;
		const char *want;
	} cases[] = {
		{ 1.55, "1.55" },
		{ 0.6, "0.6" },
		{ 1.5, "1.5" },
		{ 2.0, "2.0" },
		{ 0.0, "0.0" },
		{ 0.0001, "0.0" },
		{ 3e-5, "0.0" },
		{ -0.0001, "-0.0" },
		{ 0.0005, "0.001" },
		{ 0.0015, "0.002" },
		{ 0.0625, "0.062" }, /* exact tie: to even */
		{ 0.1875, "0.188" }, /* exact tie: to even */
		{ 1.0005, "1.0" },
		{ 5.0005, "5.0" },
		{ 2.675, "2.675" },
		{ 0.1 + 0.2, "0.3" },
		{ 1234.5678, "1234.568" },
		{ 999999.9995, "1000000.0" },
		{ 1.493, "1.493" },
		{ 123456789012345.67, "123456789012345.67" },
		{ 1e15 + 0.3, "1000000000000000.2" },
		{ 1e16, "1e+16" },
		{ 1e22, "1e+22" },
		{ 0x1p896, "5.282945311356653e+269" }, /* Python's repr */
		{ -2.5, "-2.5" },
		{ NAN, "nan" },
		{ INFINITY, "inf" },
	};
	char     out[32];
	unsigned i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		int n = qsum_fmt3(out, sizeof(out), cases[i].x);

		if (n < 0 || strcmp(out, cases[i].want) != 0
		    || (size_t)n != strlen(out)) {
			print_error("%.17g: got \"%s\" (%d), want \"%s\"\n",
			    cases[i].x, out, n, cases[i].want);
			fail();
		}
	}
	assert_int_equal(qsum_fmt3(out, 4, 1.5), 3);
	assert_int_equal(qsum_fmt3(out, 3, 1.55), -ENOSPC);
}

static void
test_tps(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(qsum_tps_line(out, sizeof(out), 100, 8.0), 9);
	assert_string_equal(out, "TPS: 12.5");
	qsum_tps_line(out, sizeof(out), 10, 3.0);
	assert_string_equal(out, "TPS: 3.333");
	qsum_tps_line(out, sizeof(out), 0, 5.0);
	assert_string_equal(out, "TPS: 0.0");
	qsum_tps_line(out, sizeof(out), 123456, 7.25);
	assert_string_equal(out, "TPS: 17028.414");
	assert_int_equal(qsum_tps_line(out, sizeof(out), 1, 0), -EINVAL);
	assert_int_equal(qsum_tps_line(out, sizeof(out), 1, -1), -EINVAL);
	assert_int_equal(qsum_tps_line(out, sizeof(out), 1, NAN), -EINVAL);
	assert_int_equal(qsum_tps_line(out, 5, 100, 8.0), -ENOSPC);
}

static void
test_table(void **state)
{
	struct qsum s;
	char       *text = NULL, *line, *save;
	size_t      size = 0, width = 0;
	unsigned    lines = 0;
	FILE       *f;

	(void)state;
	qsum_init(&s);
	assert_int_equal(qsum_add_query(&s, 1), 0);
	assert_int_equal(qsum_add_query(&s, 3), 1);
	record_all(&s, 0, lat_a, N(lat_a));
	qsum_record(&s, 1, false, 0);
	f = open_memstream(&text, &size);
	assert_non_null(f);
	assert_int_equal(qsum_print_table(&s, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "p99 ms"));
	/* Milliseconds, 3 decimals. */
	assert_non_null(strstr(text, "1680.000"));
	assert_non_null(strstr(text, "3592.000"));
	/* Aligned: every line as wide as the header. */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!width)
			width = strlen(line);
		assert_int_equal(strlen(line), width);
		lines++;
	}
	assert_int_equal(lines, 3);
	free(text);
	qsum_free(&s);
}

/* A summary with rows of every kind, for the wire tests. */
static void
make_sample(struct qsum *s)
{
	qsum_init(s);
	assert_int_equal(qsum_add_query(s, 4), 0);
	assert_int_equal(qsum_add_query(s, 2), 1);
	assert_int_equal(qsum_add_query(s, 6), 2);
	record_all(s, 0, lat_a, N(lat_a));
	qsum_record(s, 0, false, 0);
	qsum_record(s, 1, false, 0);
	record_all(s, 2, lat_z, N(lat_z));
	qsum_record(s, 2, true, 0x1.fffffffffffffp-2); /* exact bits */
}

static void
test_wire_roundtrip(void **state)
{
	struct qsum s, d;
	struct buf  b;
	char       *c1, *c2;
	size_t      used, start;
	unsigned    i;

	(void)state;
	make_sample(&s);
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_adds(&b, "xyz"), 0); /* appends after this */
	start = b.len;
	assert_int_equal(qsum_encode(&s, &b), 0);
	assert_int_equal(
	    b.len - start, 4 + 3 * 20 + (N(lat_a) + N(lat_z) + 1) * 8);
	/* Little-endian: row count, then the first id. */
	assert_int_equal((unsigned char)b.p[start], 3);
	assert_int_equal((unsigned char)b.p[start + 1], 0);
	assert_int_equal((unsigned char)b.p[start + 4], 4);
	assert_int_equal(qsum_decode(&d, b.p + start, b.len - start, NULL), 0);
	assert_int_equal(d.n, s.n);
	for (i = 0; i < s.n; i++) {
		assert_int_equal(d.row[i].id, s.row[i].id);
		assert_int_equal(d.row[i].total, s.row[i].total);
		assert_int_equal(d.row[i].ok, s.row[i].ok);
		assert_memory_equal(
		    d.row[i].lat, s.row[i].lat, s.row[i].ok * sizeof(double));
	}
	c1 = csv_of(&s);
	c2 = csv_of(&d);
	assert_string_equal(c1, c2);
	free(c1);
	free(c2);
	qsum_free(&d);

	/* Followed by more bytes: fine with `used`, refused without. */
	assert_int_equal(buf_adds(&b, "tail"), 0);
	assert_int_equal(
	    qsum_decode(&d, b.p + start, b.len - start, &used), 0);
	assert_int_equal(used, b.len - start - 4);
	qsum_free(&d);
	assert_int_equal(
	    qsum_decode(&d, b.p + start, b.len - start, NULL), -EBADMSG);
	assert_int_equal(d.n, 0);

	/* An empty summary. */
	qsum_free(&s);
	buf_reset(&b);
	assert_int_equal(qsum_encode(&s, &b), 0);
	assert_int_equal(b.len, 4);
	assert_int_equal(qsum_decode(&d, b.p, b.len, NULL), 0);
	assert_int_equal(d.n, 0);
	buf_free(&b);

	/* The buffer's cap is respected. */
	make_sample(&s);
	buf_init(&b, 64);
	assert_int_equal(qsum_encode(&s, &b), -ENOSPC);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	qsum_free(&s);
}

static void
put32(unsigned char *p, uint32_t v)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put64(unsigned char *p, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Builds a one-row message: id, total, ok and one latency. */
static size_t
one_row(unsigned char *m, uint32_t rows, uint32_t id, uint64_t total,
    uint64_t ok, double lat)
{
	uint64_t u;

	memcpy(&u, &lat, 8);
	put32(m, rows);
	put32(m + 4, id);
	put64(m + 8, total);
	put64(m + 16, ok);
	put64(m + 24, u);
	return 32;
}

static void
test_wire_bad(void **state)
{
	struct qsum   s, d;
	struct buf    b;
	unsigned char m[128], t[32];
	size_t        len, cut;

	(void)state;
	/* Every truncation of a valid message is refused. */
	make_sample(&s);
	buf_init(&b, 1 << 20);
	assert_int_equal(qsum_encode(&s, &b), 0);
	for (cut = 0; cut < b.len; cut++) {
		assert_int_equal(qsum_decode(&d, b.p, cut, NULL), -EBADMSG);
		assert_int_equal(d.n, 0);
	}
	buf_free(&b);
	qsum_free(&s);

	len = one_row(m, 1, 3, 2, 1, 0.5);
	assert_int_equal(qsum_decode(&d, m, len, NULL), 0);
	assert_int_equal(d.row[0].id, 3);
	assert_int_equal(d.row[0].total, 2);
	assert_true(d.row[0].lat[0] == 0.5);
	qsum_free(&d);

	len = one_row(m, 1, 7, 2, 1, 0.5); /* bad id */
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	len = one_row(m, 1, 0, 2, 1, 0.5); /* bad id */
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	len = one_row(m, 1, 3, 0, 1, 0.5); /* ok > total */
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	len = one_row(m, 1, 3, 2, 1, -0.5); /* negative latency */
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	len = one_row(m, 1, 3, 2, 1, NAN);
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	len = one_row(m, 1, 3, 2, 1, INFINITY);
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	len = one_row(m, 7, 3, 2, 1, 0.5); /* too many rows */
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	/* A huge ok count must not allocate before checking the length. */
	len = one_row(m, 1, 3, UINT64_MAX, UINT64_MAX / 2, 0.5);
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);

	/* The same id twice. */
	len = one_row(m, 2, 3, 1, 1, 0.5);
	one_row(t, 0, 3, 1, 1, 0.5);
	memcpy(m + len, t + 4, 28);
	len += 28;
	assert_int_equal(qsum_decode(&d, m, len, NULL), -EBADMSG);
	assert_int_equal(d.n, 0);
}

/* The lines of one execution, byte for byte as the seed writes them
 * (query_execution_utils.py, timestreamquery.py). */
static void
check_lines(
    const struct qsum_exec *e, const char *want_log, const char *want_err)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	assert_int_equal(qsum_log_lines(&b, e), 0);
	assert_int_equal(buf_cstr(&b), 0);
	assert_string_equal(b.p, want_log);
	buf_reset(&b);
	assert_int_equal(qsum_err_lines(&b, e), 0);
	assert_int_equal(buf_cstr(&b), 0);
	assert_string_equal(b.p, want_err);
	buf_free(&b);
}

static void
test_log_lines(void **state)
{
	struct qsum_exec e = {
		.prefix        = "[2-3]",
		.n             = 7,
		.when          = "2026-12-07 01:02:03",
		.query_id      = "q-1",
		.request_id    = "",
		.ok            = true,
		.rows          = 4,
		.pages         = 3,
		.empty_pages   = 1,
		.bytes_metered = 31457280,
		.secs          = 1.23456,
		.first_secs    = 0.5,
	};

	(void)state;
	/* paged: pages with rows; the time to the first row and after it */
	check_lines(&e,
	    "Read 2 pages of result. Empty pages: 1. Bytes metered (MB): "
	    "30.0\n"
	    "2026-12-07 01:02:03. QueryId: q-1 Time: 1.235. First result: "
	    "0.5. Time to read results: 0.735.\n"
	    "[2-3] 7. 2026-12-07 01:02:03. QueryId: q-1. Time: 1.235. Rows: "
	    "4\n",
	    "");
	/* every page empty: the seed keeps the last one; no row, so the
	 * time to read results is its int 0 */
	e.rows          = 0;
	e.pages         = 2;
	e.empty_pages   = 2;
	e.bytes_metered = 0;
	e.secs          = 0.25;
	e.first_secs    = -1;
	check_lines(&e,
	    "Read 1 pages of result. Empty pages: 2. Bytes metered (MB): "
	    "0.0\n"
	    "2026-12-07 01:02:03. QueryId: q-1 Time: 0.25. First result: "
	    "0.25. Time to read results: 0.\n"
	    "[2-3] 7. 2026-12-07 01:02:03. QueryId: q-1. Time: 0.25. Rows: "
	    "0\n",
	    "");
	/* a target that is not paged: one page, empty without rows */
	e.query_id    = "";
	e.pages       = 0;
	e.empty_pages = 0;
	check_lines(&e,
	    "Read 1 pages of result. Empty pages: 1. Bytes metered (MB): "
	    "0.0\n"
	    "2026-12-07 01:02:03. QueryId: None Time: 0.25. First result: "
	    "0.25. Time to read results: 0.\n"
	    "[2-3] 7. 2026-12-07 01:02:03. QueryId: None. Time: 0.25. Rows: "
	    "0\n",
	    "");
	e.rows       = 5;
	e.first_secs = 0.25;
	check_lines(&e,
	    "Read 1 pages of result. Empty pages: 0. Bytes metered (MB): "
	    "0.0\n"
	    "2026-12-07 01:02:03. QueryId: None Time: 0.25. First result: "
	    "0.25. Time to read results: 0.0.\n"
	    "[2-3] 7. 2026-12-07 01:02:03. QueryId: None. Time: 0.25. Rows: "
	    "5\n",
	    "");
	/* a failure: no page line, Rows: None; .err: message, ids, the
	 * detail, a blank line */
	e.ok         = false;
	e.n          = 3;
	e.prefix     = "[1-2]";
	e.secs       = 2;
	e.first_secs = -1;
	e.error      = "timestream Query: ValidationException: bad";
	e.request_id = "abc-123";
	e.detail     = "SELECT 1";
	check_lines(&e,
	    "2026-12-07 01:02:03. QueryId: None Time: 2.0. First result: "
	    "2.0. Time to read results: 0.\n"
	    "[1-2] 3. 2026-12-07 01:02:03. QueryId: None. Time: 2.0. Rows: "
	    "None\n",
	    "timestream Query: ValidationException: bad\n"
	    "2026-12-07 01:02:03 QueryId: None RequestId: abc-123\n"
	    "SELECT 1\n"
	    "\n");
	e.query_id   = "q-9";
	e.request_id = "";
	e.detail     = NULL;
	e.error      = "sqlite: no such column: x";
	check_lines(&e,
	    "2026-12-07 01:02:03. QueryId: q-9 Time: 2.0. First result: "
	    "2.0. Time to read results: 0.\n"
	    "[1-2] 3. 2026-12-07 01:02:03. QueryId: q-9. Time: 2.0. Rows: "
	    "None\n",
	    "sqlite: no such column: x\n"
	    "2026-12-07 01:02:03 QueryId: q-9 RequestId: None\n"
	    "\n");
}

static void
test_count_result(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 12);
	/* str(pandas.DataFrame({'num_data_points': [12345]})) */
	assert_int_equal(qsum_count_result(&b, "num_data_points", "12345"), 0);
	buf_cstr(&b);
	assert_string_equal(b.p, "   num_data_points\n0            12345");
	/* a value wider than its column name */
	buf_reset(&b);
	assert_int_equal(qsum_count_result(&b, "n", "1234567"), 0);
	buf_cstr(&b);
	assert_string_equal(b.p, "         n\n0  1234567");
	/* no row */
	buf_reset(&b);
	assert_int_equal(qsum_count_result(&b, "num_data_points", NULL), 0);
	buf_cstr(&b);
	assert_string_equal(b.p, "Empty DataFrame\nColumns: []\nIndex: []");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_percentile_exact),
		cmocka_unit_test(test_no_success),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_fmt3),
		cmocka_unit_test(test_tps),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_wire_roundtrip),
		cmocka_unit_test(test_wire_bad),
		cmocka_unit_test(test_log_lines),
		cmocka_unit_test(test_count_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
