/* test_proto.c - coordinator/worker messages: round trips, header checks,
 * truncated payloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "stats_msg.h"
#include "target.h"
#include "xalloc.h"

static void
test_hello_roundtrip(void **state)
{
	struct proto_hello in = { .pid = 4242, .want = 3 }, out;
	struct proto_hdr   h;
	struct proto_rd    rd;
	struct buf         b;
	char               err[128];

	(void)state;
	strcpy(in.host, "node-7");
	strcpy(in.version, "9.9.9");
	buf_init(&b, PROTO_MAX_MSG);
	proto_begin(&b, MSG_HELLO, 7, 0);
	proto_put_hello(&b, &in);
	proto_end(&b);
	assert_int_equal(proto_open(b.p, b.len, &h, &rd, err, sizeof(err)), 0);
	assert_int_equal(h.type, MSG_HELLO);
	assert_int_equal(h.worker, 7);
	assert_int_equal(h.len, b.len - PROTO_HDR_LEN);
	assert_int_equal(proto_get_hello(&rd, &out), 0);
	assert_int_equal(out.pid, 4242);
	assert_int_equal(out.want, 3);
	assert_string_equal(out.host, "node-7");
	assert_string_equal(out.version, "9.9.9");
	buf_free(&b);
}

static void
test_header_is_little_endian(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, PROTO_MAX_MSG);
	proto_begin(&b, MSG_STATS, 0x01020304, PROTO_F_STOP);
	proto_put_u32(&b, 0xaabbccdd);
	proto_end(&b);
	assert_int_equal(b.len, PROTO_HDR_LEN + 4);
	assert_memory_equal(b.p,
	    "\x53\x54\x04\x00\x03\x00\x01\x00"
	    "\x04\x03\x02\x01\x04\x00\x00\x00"
	    "\xdd\xcc\xbb\xaa",
	    20);
	buf_free(&b);
}

static void
test_assign_roundtrip(void **state)
{
	char                options[] = "--host-scale=1\n--multi=true\n";
	struct proto_assign in        = { .slot = 9,
		       .index                   = 3,
		       .workers                 = 4,
		       .first_host              = 750,
		       .end_host                = 1000,
		       .threads                 = 8,
		       .t0_ms                   = 1700000000123,
		       .seed                    = 0xfedcba9876543210ull,
		       .options                 = options };
	struct proto_assign out;
	struct proto_hdr    h;
	struct proto_rd     rd;
	struct buf          b;
	char                err[128];

	(void)state;
	buf_init(&b, PROTO_MAX_MSG);
	proto_begin(&b, MSG_ASSIGN, 3, 0);
	proto_put_assign(&b, &in);
	proto_end(&b);
	assert_int_equal(proto_open(b.p, b.len, &h, &rd, err, sizeof(err)), 0);
	assert_int_equal(proto_get_assign(&rd, &out), 0);
	assert_int_equal(out.slot, 9);
	assert_int_equal(out.index, 3);
	assert_int_equal(out.workers, 4);
	assert_int_equal(out.first_host, 750);
	assert_int_equal(out.end_host, 1000);
	assert_int_equal(out.threads, 8);
	assert_true(out.t0_ms == 1700000000123);
	assert_true(out.seed == 0xfedcba9876543210ull);
	assert_string_equal(out.options, in.options);
	proto_assign_free(&out);
	buf_free(&b);
}

static void
test_stats_roundtrip(void **state)
{
	struct proto_stats *in  = xcalloc(1, sizeof(*in));
	struct proto_stats *out = xcalloc(1, sizeof(*out));
	struct proto_hdr    h;
	struct proto_rd     rd;
	struct buf          b;
	char                err[128];

	(void)state;
	stats_init(&in->s);
	for (uint64_t v = 1; v < 5000000; v = v * 3 + 1)
		stats_record(&in->s, v, v % 2 == 0);
	in->s.records   = 123456;
	in->s.points    = 234567;
	in->s.throttles = 5;
	in->s.rejected  = 6;
	in->s.behind    = 7;
	/* open loop: the intended-start latency and the lag travel too */
	for (uint64_t v = 7; v < 3000000000ull; v = v * 5 + 3)
		stats_record_open(&in->s, 1000, 1000 + v / 3, 1000 + v);
	in->s.skipped        = 8;
	in->s.skipped_points = 9;
	/* --freshness: ack-to-visible times and the points never seen */
	for (uint64_t v = 3000000; v < 60000000000ull; v = v * 7 + 1)
		hist_record(&in->s.hf, v);
	in->s.fresh_lost = 10;
	in->threads_ok   = 2;
	in->batch_min    = 354;
	in->batch_max    = 421;
	in->state        = TGT_STATE_BIT(TGT_UNREACHABLE) | PROTO_S_FILE_ERR;
	strcpy(in->err, "thread 1: sqlite x.db: disk I/O error");
	/* a cluster's hosts, and two fan-out targets with their own */
	in->hosts.n = 2;
	strcpy(in->hosts.h[1].name, "127.0.0.1:8429");
	in->hosts.h[1].batches = 11;
	in->hosts.h[1].moved   = 12;
	in->hosts.h[1].downs   = 13;
	in->hosts.h[1].down_ms = 1700000000123;
	in->n_tgt              = 2;
	for (unsigned k = 0; k < 2; k++) {
		stats_init(&in->tgt[k].s);
		stats_record(&in->tgt[k].s, 1000 * (k + 1), k == 0);
		in->tgt[k].s.records = 100 + k;
		in->tgt[k].state     = TGT_STATE_BIT(TGT_UNREACHABLE) << k;
		sprintf(in->tgt[k].err, "target %u error", k + 1);
	}
	in->tgt[1].hosts = in->hosts;
	buf_init(&b, PROTO_MAX_MSG);
	proto_begin(&b, MSG_RESULT, 1, 0);
	proto_put_stats(&b, in);
	proto_end(&b);
	assert_int_equal(proto_open(b.p, b.len, &h, &rd, err, sizeof(err)), 0);
	assert_int_equal(proto_get_stats(&rd, out), 0);
	assert_memory_equal(&in->s, &out->s, sizeof(in->s));
	assert_int_equal(out->threads_ok, 2);
	assert_int_equal(out->batch_min, 354);
	assert_int_equal(out->batch_max, 421);
	assert_int_equal(out->state, in->state);
	assert_string_equal(out->err, in->err);
	assert_memory_equal(&out->hosts, &in->hosts, sizeof(in->hosts));
	assert_int_equal(out->n_tgt, 2);
	for (unsigned k = 0; k < 2; k++) {
		assert_memory_equal(
		    &in->tgt[k].s, &out->tgt[k].s, sizeof(in->tgt[k].s));
		assert_int_equal(out->tgt[k].state, in->tgt[k].state);
		assert_string_equal(out->tgt[k].err, in->tgt[k].err);
	}
	assert_memory_equal(&out->tgt[1].hosts, &in->hosts, sizeof(in->hosts));

	/* every truncation of the payload is detected */
	for (size_t cut = PROTO_HDR_LEN; cut < b.len; cut += 7) {
		b.p[12] = (char)(cut - PROTO_HDR_LEN);
		b.p[13] = (char)((cut - PROTO_HDR_LEN) >> 8);
		b.p[14] = b.p[15] = 0;
		assert_int_equal(
		    proto_open(b.p, cut, &h, &rd, err, sizeof(err)), 0);
		assert_int_not_equal(proto_get_stats(&rd, out), 0);
	}
	buf_free(&b);
	free(in);
	free(out);
}

static void
test_bad_headers(void **state)
{
	static const struct {
		const char *name;
		size_t      off;
		char        val;
		const char *want;
	} cases[] = {
		{ "magic", 0, 'X', "magic" },
		{ "version", 2, 9, "version 9" },
		{ "length", 12, 99, "payload bytes" },
	};
	struct proto_hdr h;
	struct proto_rd  rd;
	struct buf       b;
	char             err[128];

	(void)state;
	buf_init(&b, PROTO_MAX_MSG);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		proto_begin(&b, MSG_ACK, 0, 0);
		proto_end(&b);
		b.p[cases[i].off] = cases[i].val;
		err[0]            = '\0';
		assert_int_not_equal(
		    proto_open(b.p, b.len, &h, &rd, err, sizeof(err)), 0);
		assert_non_null(strstr(err, cases[i].want));
	}
	assert_int_not_equal(proto_open(b.p, 3, &h, &rd, err, sizeof(err)), 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_roundtrip),
		cmocka_unit_test(test_header_is_little_endian),
		cmocka_unit_test(test_assign_roundtrip),
		cmocka_unit_test(test_stats_roundtrip),
		cmocka_unit_test(test_bad_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
