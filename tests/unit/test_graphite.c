/* test_graphite.c - the Graphite and OpenTSDB encoders (paths, tags,
 * times, text measures left out and counted, batches split by size),
 * fmt_ms_as_secs, and a TCP target's URL (its checks, its host). The targets
 * against real receivers: tests/integration/graphite.sh.
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

#include "fmt.h"
#include "graphite.h"
#include "otsdb.h"
#include "params.h"
#include "series_fixture.h"
#include "tcp.h"

#define GPATH                                                                 \
	"metrics.us-east-1.us-east-1-cell-1.us-east-1-cell-1-silo-1."         \
	"us-east-1-1.apollo.r5_4xlarge.AL2."                                  \
	"i-zaZswmJk-apollo-us-east-1-cell-1-silo-1-00000000_amazonaws_com"

static char *
text(struct buf *b)
{
	assert_int_equal(buf_cstr(b), 0);
	return b->p;
}

static void
test_ms_as_secs(void **state)
{
	char out[FMT_NUM_MAX + 1];

	(void)state;
	out[fmt_ms_as_secs(out, 1700000000000)] = '\0';
	assert_string_equal(out, "1700000000");
	out[fmt_ms_as_secs(out, 1700000000025)] = '\0';
	assert_string_equal(out, "1700000000.025");
	out[fmt_ms_as_secs(out, -1)] = '\0';
	assert_string_equal(out, "-1.999");
}

static void
test_graphite_lines(void **state)
{
	struct gph_enc e;
	struct sample  s[2];
	struct batch   b = { .s = s, .n = 2, .records = 3, .points = 3 };
	struct buf     out;
	unsigned       next = 0;

	(void)state;
	gph_enc_init(&e, "t.x");
	buf_init(&out, 1 << 20);
	metric_sample(&s[0], 0, 2);
	event_sample_at(&s[1], 1, 1, 1700000000250); /* task_end_state */
	assert_int_equal(gph_encode(&e, &out, &b, &next, SIZE_MAX), 0);
	assert_int_equal(next, 2);
	assert_string_equal(text(&out),
	    "t.x." GPATH ".cpu_user 47.38912883215873 1700000000\n"
	    "t.x." GPATH ".cpu_system 1.25 1700000000\n");
	/* the text value: not written, one record and one point counted */
	assert_int_equal(e.skip_points, 1);
	assert_int_equal(e.skip_records, 1);

	/* events: the name in its place, an empty dimension as "_", a
	 * bigint, the time off a whole second */
	buf_reset(&out);
	e.skip_points = e.skip_records = 0;
	event_sample_at(&s[0], 0, 5, 1700000000250);
	b.n     = 1;
	next    = 0;
	b.multi = true;
	assert_int_equal(gph_encode(&e, &out, &b, &next, SIZE_MAX), 0);
	assert_non_null(strstr(text(&out),
	    "t.x.events.us-east-1.us-east-1-cell-1.us-east-1-cell-1-silo-1."
	    "us-east-1-1.apollo."
	    "i-zaZswmJk-apollo-us-east-1-cell-1-silo-1-00000000_amazonaws_com."
	    "server.JDK_11.task_completed 123 1700000000.250\n"));
	assert_null(strstr(out.p, "task_end_state"));
	/* multi: the record still written, its text value a point */
	assert_int_equal(e.skip_points, 1);
	assert_int_equal(e.skip_records, 0);
	buf_free(&out);
	gph_enc_free(&e);
}

static void
test_graphite_split(void **state)
{
	struct gph_enc e;
	struct sample  s[3];
	struct batch   b = { .s = s, .n = 3, .records = 60, .points = 60 };
	struct buf     out;
	unsigned       next = 0, parts = 0, lines = 0;

	(void)state;
	gph_enc_init(&e, NULL);
	buf_init(&out, 1 << 20);
	for (unsigned i = 0; i < 3; i++)
		metric_sample(&s[i], 0, 20);
	while (next < b.n) {
		buf_reset(&out);
		assert_int_equal(gph_encode(&e, &out, &b, &next, 4096), 0);
		assert_true(out.len <= 4096);
		for (size_t i = 0; i < out.len; i++)
			lines += out.p[i] == '\n';
		parts++;
	}
	assert_int_equal(lines, 60);
	assert_true(parts >= 2);
	/* a limit below one sample still takes that sample */
	buf_reset(&out);
	next = 0;
	assert_int_equal(gph_encode(&e, &out, &b, &next, 10), 0);
	assert_int_equal(next, 1);
	buf_free(&out);
	gph_enc_free(&e);
	assert_true(gph_prefix_ok(""));
	assert_true(gph_prefix_ok("a.b-c_d"));
	assert_false(gph_prefix_ok("a..b"));
	assert_false(gph_prefix_ok(".a"));
	assert_false(gph_prefix_ok("a b"));
}

static void
test_opentsdb_json(void **state)
{
	struct otsdb_enc e;
	struct sample    s[2];
	struct batch     b = { .s = s, .n = 2, .records = 3, .points = 3 };
	struct buf       out;
	unsigned         next = 0, points = 0;

	(void)state;
	otsdb_enc_init(&e, OTSDB_JSON, "tl");
	buf_init(&out, 1 << 20);
	metric_sample(&s[0], 0, 1);
	event_sample_at(&s[1], 0, 2, 1700000000250);
	assert_int_equal(
	    otsdb_encode(&e, &out, &b, &next, SIZE_MAX, &points), 0);
	assert_int_equal(points, 2);
	assert_string_equal(text(&out),
	    "[{\"metric\":\"tl.metrics.cpu_user\",\"timestamp\":1700000000,"
	    "\"value\":47.38912883215873,\"tags\":{\"region\":\"us-east-1\","
	    "\"cell\":\"us-east-1-cell-1\",\"silo\":\"us-east-1-cell-1-silo-1\","
	    "\"availability_zone\":\"us-east-1-1\",\"microservice_name\":"
	    "\"apollo\",\"instance_type\":\"r5.4xlarge\",\"os_version\":\"AL2\","
	    "\"instance_name\":\"" INST "\"}},"
	    "{\"metric\":\"tl.events.task_completed\",\"timestamp\":"
	    "1700000000250,\"value\":123,\"tags\":{\"region\":\"us-east-1\","
	    "\"cell\":\"us-east-1-cell-1\",\"silo\":\"us-east-1-cell-1-silo-1\","
	    "\"availability_zone\":\"us-east-1-1\",\"microservice_name\":"
	    "\"apollo\",\"instance_name\":\"" INST "\",\"process_name\":"
	    "\"server\",\"jdk_version\":\"JDK_11\"}}]");
	assert_int_equal(e.skip_points, 1); /* task_end_state */
	assert_int_equal(e.skip_records, 1);
	otsdb_enc_free(&e);

	/* bodies under a limit: each a whole array */
	otsdb_enc_init(&e, OTSDB_JSON, NULL);
	metric_sample(&s[0], 0, 20);
	metric_sample(&s[1], 0, 20);
	b.records = b.points = 40;
	next                 = 0;
	buf_reset(&out);
	assert_int_equal(otsdb_encode(&e, &out, &b, &next, 6000, &points), 0);
	assert_int_equal(next, 1);
	assert_int_equal(points, 20);
	assert_int_equal(out.p[0], '[');
	assert_int_equal(out.p[out.len - 1], ']');
	assert_int_equal(out.p[1], '{');
	buf_free(&out);
	otsdb_enc_free(&e);
}

static void
test_opentsdb_telnet(void **state)
{
	struct otsdb_enc e;
	struct sample    s;
	struct batch     b = { .s = &s, .n = 1, .records = 1, .points = 1 };
	struct buf       out;
	unsigned         next = 0;

	(void)state;
	otsdb_enc_init(&e, OTSDB_TELNET, NULL);
	buf_init(&out, 1 << 20);
	event_sample_at(&s, 3, 1, 1700000000250);
	b.req_id = REQID_DIMENSION;
	assert_int_equal(otsdb_encode(&e, &out, &b, &next, SIZE_MAX, NULL), 0);
	assert_string_equal(text(&out),
	    "put events.gc_pause 1700000000.250 0.125 region=us-east-1 "
	    "cell=us-east-1-cell-1 silo=us-east-1-cell-1-silo-1 "
	    "availability_zone=us-east-1-1 microservice_name=apollo "
	    "instance_name=" INST " process_name=server jdk_version=JDK_11 "
	    "request_id=" REQ "\n");
	buf_free(&out);
	otsdb_enc_free(&e);
	assert_true(otsdb_prefix_ok("a/b.c"));
	assert_false(otsdb_prefix_ok("a b"));
}

static void
test_tcp_host(void **state)
{
	struct tcp_opts o = { .name = "graphite", .def_port = 2003 };
	struct tcp      t;
	char            err[256];

	(void)state;
	assert_int_equal(
	    tcp_init(&t, "graphite://h1:9/?prefix=x", &o, err, sizeof(err)),
	    0);
	assert_string_equal(t.host, "h1");
	assert_string_equal(t.port, "9");
	assert_int_equal(t.fd, -1);
	tcp_fini(&t);
	assert_int_equal(
	    tcp_init(&t, "graphite://[::1]", &o, err, sizeof(err)), 0);
	assert_string_equal(t.host, "::1");
	assert_string_equal(t.port, "2003");
	assert_string_equal(t.shown, "[::1]:2003");
	tcp_fini(&t);
	assert_int_equal(
	    tcp_init(&t, "graphite://h1,h2:5", &o, err, sizeof(err)), 0);
	assert_string_equal(t.shown, "h1:2003"); /* the first host */
	tcp_fini(&t);
	assert_int_equal(
	    tcp_init(&t, "graphite://:5", &o, err, sizeof(err)), -EINVAL);
	tcp_fini(&t);
}

struct url_cfg {
	char prefix[32];
};

static const struct param_row url_rows[] = {
	{ "prefix", PARAM_STR, PARAM_FIELD(struct url_cfg, prefix), NULL, 0, 0,
	    NULL, "P", "first part" },
	{ NULL },
};

/* tcp_url_parse: the URL checks graphite:// and opentsdb:// share. */
static void
test_tcp_url_parse(void **state)
{
	static const char *const ok[]
	    = { "graphite://h1:9", "graphite://h/", "graphite://h/?prefix=a.b",
		      "graphite://h1,h2:5?prefix=x", "graphite://h/#x", NULL };
	static const char *const bad[][2] = {
		{ "graphite:h", "graphite: expected graphite://H" },
		{ "graphite://h/x?prefix=p",
		    "graphite: takes no path (\"/x\"); use ?prefix=" },
		{ "graphite://h?nope=1", "nope" },
		{ "graphite://h:99999", "h:99999" },
	};
	struct url_cfg c;
	char           err[256];
	size_t         i;

	(void)state;
	for (i = 0; ok[i]; i++)
		assert_int_equal(tcp_url_parse(ok[i], url_rows, &c, "graphite",
		                     "graphite://H", err, sizeof(err)),
		    0);
	assert_int_equal(tcp_url_parse("graphite://h?prefix=a.b", url_rows, &c,
	                     "graphite", "graphite://H", err, sizeof(err)),
	    0);
	assert_string_equal(c.prefix, "a.b");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    tcp_url_parse(bad[i][0], url_rows, &c, "graphite",
		        "graphite://H", err, sizeof(err)),
		    -EINVAL);
		if (!strstr(err, bad[i][1]))
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i][0], err,
			    bad[i][1]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_as_secs),
		cmocka_unit_test(test_graphite_lines),
		cmocka_unit_test(test_graphite_split),
		cmocka_unit_test(test_opentsdb_json),
		cmocka_unit_test(test_opentsdb_telnet),
		cmocka_unit_test(test_tcp_host),
		cmocka_unit_test(test_tcp_url_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
