/* test_spool.c - the disk spool: CRC-32C, the segment files (written and
 * read back in order, across a reopen; a damaged payload or header
 * skipped and counted, the records around it kept; a torn tail cut; the
 * cap under each policy with exact counts; another run's spool refused)
 * and the spool stage in front of a target that goes down and up. No
 * timing: every count is exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "series_fixture.h"
#include "spool.h"
#include "stage.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tsl-spool-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct spool *
open_sp(uint64_t max, uint64_t seg, enum spool_full f, const char *ident)
{
	struct spool_conf c = { .dir = dir,
		.max                 = max,
		.seg_max             = seg,
		.full                = f,
		.sync                = false,
		.ident               = ident };
	struct spool     *sp;
	char              err[512];

	assert_int_equal(spool_open(&sp, &c, err, sizeof(err)), 0);
	return sp;
}

/* Record i: 100 bytes of i, standing for i + 1 records and 2i points. */
static int
put(struct spool *sp, unsigned i)
{
	unsigned char p[100];
	char          err[256];

	memset(p, (int)i, sizeof(p));
	return spool_append(sp, p, sizeof(p), i + 1, 2 * i, err, sizeof(err));
}

/* Reads the next record, checks it is record i, consumes it. */
static void
expect(struct spool *sp, unsigned i)
{
	struct spool_rec r;

	assert_int_equal(spool_peek(sp, &r, NULL, NULL, 0), 0);
	assert_int_equal(r.len, 100);
	assert_int_equal(r.records, i + 1);
	assert_int_equal(r.points, 2 * i);
	assert_int_equal(((const unsigned char *)r.p)[0], i);
	assert_int_equal(((const unsigned char *)r.p)[99], i);
	assert_int_equal(spool_consume(sp), 0);
}

static struct spool_counts
counts(struct spool *sp)
{
	struct spool_counts c;

	spool_counts(sp, &c);
	return c;
}

static void
test_crc32c(void **state)
{
	(void)state;
	assert_int_equal(crc32c(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(
	    crc32c(crc32c(0, "1234", 4), "56789", 5), 0xe3069283u);
	assert_int_equal(crc32c(0, "", 0), 0);
}

/* Bit by bit: the reference for the fast paths. */
static uint32_t
crc_bits(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? crc >> 1 ^ 0x82f63b78u : crc >> 1;
	}
	return ~crc;
}

/* Long buffers (the blocks checksummed three at once, their remainder),
 * at odd offsets, in one call and in pieces. */
static void
test_crc32c_long(void **state)
{
	static const size_t lens[]
	    = { 12287, 12288, 12289, 24576 + 17, 45000, 100003 };
	unsigned char *b = malloc(100003 + 8);
	uint32_t       x = 12345;

	(void)state;
	for (size_t i = 0; i < 100003 + 8; i++) {
		x    = x * 1103515245u + 12345u;
		b[i] = (unsigned char)(x >> 16);
	}
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		for (size_t off = 0; off < 8; off += 3) {
			uint32_t want = crc_bits(7, b + off, lens[i]);
			size_t   half = lens[i] / 3;

			assert_int_equal(crc32c(7, b + off, lens[i]), want);
			assert_int_equal(crc32c(crc32c(7, b + off, half),
			                     b + off + half, lens[i] - half),
			    want);
		}
	free(b);
}

/* In order, across segments and a reopen; the read position kept. */
static void
test_roundtrip(void **state)
{
	struct spool    *sp = open_sp(1 << 20, 4096, SPOOL_BLOCK, "id");
	struct spool_rec r;

	(void)state;
	assert_true(spool_empty(sp));
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(put(sp, i), 0);
	assert_int_equal(counts(sp).left, 100 * 101 / 2);
	expect(sp, 0);
	expect(sp, 1);
	spool_close(sp);
	sp = open_sp(1 << 20, 4096, SPOOL_BLOCK, "id");
	assert_int_equal(counts(sp).start, 100 * 101 / 2 - 1 - 2);
	for (unsigned i = 2; i < 100; i++)
		expect(sp, i);
	assert_int_equal(spool_peek(sp, &r, NULL, NULL, 0), -ENOENT);
	assert_true(spool_empty(sp));
	assert_int_equal(counts(sp).left, 0);
	assert_int_equal(counts(sp).bytes, 0); /* every segment deleted */
	assert_int_equal(counts(sp).corrupt, 0);
	spool_close(sp);
	/* nothing left for the next run */
	sp = open_sp(1 << 20, 4096, SPOOL_BLOCK, "id");
	assert_int_equal(counts(sp).start, 0);
	assert_int_equal(put(sp, 7), 0);
	expect(sp, 7);
	spool_close(sp);
}

/* Flips one byte of the file at off. */
static void
flip(const char *path, long off)
{
	int           fd = open(path, O_RDWR);
	unsigned char c;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, off), 1);
	c ^= 0x5a;
	assert_int_equal(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

static void
seg1(char *path, size_t n)
{
	snprintf(path, n, "%s/%016x.seg", dir, 1);
}

/* A damaged payload: that record counted corrupt (its records known); a
 * damaged header: a span skipped; every other record still read. */
static void
test_corrupt(void **state)
{
	struct spool    *sp = open_sp(1 << 20, 1 << 20, SPOOL_BLOCK, "id");
	char             path[128];
	long             hdr = 12 + 2 + 4, rec = SPOOL_REC_HDR + 100;
	bool             warned = false;
	struct spool_rec r;

	(void)state;
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(put(sp, i), 0);
	spool_close(sp);
	seg1(path, sizeof(path));
	flip(path, hdr + 2 * rec + SPOOL_REC_HDR + 50); /* payload of 2 */
	flip(path, hdr + 4 * rec + 5);                  /* header of 4 */
	sp = open_sp(1 << 20, 1 << 20, SPOOL_BLOCK, "id");
	expect(sp, 0);
	expect(sp, 1);
	assert_int_equal(spool_peek(sp, &r, &warned, NULL, 0), 0);
	assert_true(warned);
	assert_int_equal(r.records, 4); /* record 3 */
	assert_int_equal(spool_consume(sp), 0);
	expect(sp, 5);
	assert_int_equal(spool_peek(sp, &r, NULL, NULL, 0), -ENOENT);
	assert_int_equal(counts(sp).corrupt, 3); /* record 2's records */
	assert_int_equal(counts(sp).corrupt_spans, 1);
	assert_int_equal(counts(sp).consumed, 1 + 2 + 4 + 6);
	spool_close(sp);
}

/* A record torn by a kill at the end of the last segment is cut, not
 * counted: it was never acknowledged. */
static void
test_torn_tail(void **state)
{
	struct spool *sp = open_sp(1 << 20, 1 << 20, SPOOL_BLOCK, "id");
	char          path[128];
	struct stat   st;

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(put(sp, i), 0);
	spool_close(sp);
	seg1(path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 30), 0);
	sp = open_sp(1 << 20, 1 << 20, SPOOL_BLOCK, "id");
	assert_int_equal(counts(sp).start, 1 + 2);
	assert_int_equal(put(sp, 9), 0); /* appended after the cut */
	expect(sp, 0);
	expect(sp, 1);
	expect(sp, 9);
	assert_int_equal(counts(sp).corrupt + counts(sp).corrupt_spans, 0);
	spool_close(sp);
}

/* A segment cut short by someone else after the spool wrote it: no
 * SIGBUS (it is read, not mapped), said once, the records before the cut
 * sent, those cut off counted as corrupt; the next segment still read. */
static void
test_cut_short(void **state)
{
	long          hdr = 12 + 2 + 4, rec = SPOOL_REC_HDR + 100;
	struct spool *sp = open_sp(1 << 20, hdr + 60 * rec, SPOOL_BLOCK, "id");
	char          path[128];
	bool          warned = false;
	struct spool_rec r;

	(void)state;
	/* 0..59 in segment 1 (two pages), 60..61 in segment 2 */
	for (unsigned i = 0; i < 62; i++)
		assert_int_equal(put(sp, i), 0);
	seg1(path, sizeof(path));
	/* at a page: record 32 (at 3986) runs into the second page, which a
	 * mapping of the segment as written would fault on (SIGBUS) */
	assert_int_equal(truncate(path, 4096), 0);
	for (unsigned i = 0; i < 32; i++)
		expect(sp, i);
	assert_int_equal(spool_peek(sp, &r, &warned, NULL, 0), 0);
	assert_true(warned);
	assert_int_equal(r.records, 61); /* record 60, in segment 2 */
	assert_int_equal(spool_consume(sp), 0);
	expect(sp, 61);
	assert_int_equal(spool_peek(sp, &r, NULL, NULL, 0), -ENOENT);
	assert_int_equal(counts(sp).corrupt, (33 + 60) * 28 / 2); /* 32..59 */
	assert_int_equal(counts(sp).left, 0);
	assert_int_equal(counts(sp).consumed, 32 * 33 / 2 + 61 + 62);
	spool_close(sp);
}

/* The cap: block refuses, drop-new drops the new record, drop-oldest
 * deletes the oldest segment; every dropped record counted; the files
 * never exceed the cap. */
static void
test_cap(void **state)
{
	/* segments of 4 records: header 18 + 4 x 124 = 514 bytes */
	const uint64_t seg = 18 + 4 * 124, max = 3 * seg;
	struct spool  *sp;
	unsigned       i;
	uint64_t       sum = 2 + 3 + 4; /* the first drop */

	(void)state;
	sp = open_sp(max, seg, SPOOL_BLOCK, "id");
	for (i = 0; i < 12; i++)
		assert_int_equal(put(sp, i), 0);
	assert_int_equal(counts(sp).bytes, max);
	assert_int_equal(put(sp, 12), -ENOSPC);
	assert_int_equal(counts(sp).blocked, 1);
	expect(sp, 0); /* room comes once a segment is read */
	expect(sp, 1);
	expect(sp, 2);
	assert_int_equal(put(sp, 12), -ENOSPC); /* segment 1 not read yet */
	expect(sp, 3);
	assert_int_equal(put(sp, 12), 0);
	assert_true(counts(sp).bytes <= max);
	spool_close(sp);
	teardown(NULL);
	setup(NULL);

	sp = open_sp(max, seg, SPOOL_DROP_NEW, "id");
	for (i = 0; i < 12; i++)
		assert_int_equal(put(sp, i), 0);
	assert_int_equal(put(sp, 12), SPOOL_DROPPED);
	assert_int_equal(put(sp, 13), SPOOL_DROPPED);
	assert_int_equal(counts(sp).dropped, 13 + 14);
	for (i = 0; i < 12; i++)
		expect(sp, i);
	spool_close(sp);
	teardown(NULL);
	setup(NULL);

	sp = open_sp(max, seg, SPOOL_DROP_OLDEST, "id");
	for (i = 0; i < 12; i++)
		assert_int_equal(put(sp, i), 0);
	expect(sp, 0); /* read one of the oldest segment's four */
	assert_int_equal(put(sp, 12), 0); /* drops what is left of it */
	assert_int_equal(counts(sp).dropped, 2 + 3 + 4);
	assert_true(counts(sp).bytes <= max);
	for (i = 13; i < 40; i++) {
		assert_int_equal(put(sp, i), 0);
		assert_true(counts(sp).bytes <= max);
	}
	/* what is left: the newest, in order */
	for (i = 28; i < 40; i++)
		expect(sp, i);
	for (i = 4; i < 28; i++)
		sum += i + 1;
	assert_int_equal(counts(sp).dropped, sum);
	assert_int_equal(
	    counts(sp).appended, counts(sp).consumed + counts(sp).dropped);
	/* a record larger than the cap can never be kept */
	{
		unsigned char big[4096] = { 0 };
		char          err[128];

		assert_int_equal(
		    spool_append(sp, big, sizeof(big), 5, 5, err, sizeof(err)),
		    SPOOL_DROPPED);
		assert_int_equal(counts(sp).dropped, sum + 5);
	}
	spool_close(sp);
}

/* A spool written with other settings is refused, with one line. */
static void
test_other_run(void **state)
{
	struct spool *sp = open_sp(1 << 20, 0, SPOOL_BLOCK, "host-scale=1");
	struct spool_conf c
	    = { .dir = dir, .max = 1 << 20, .ident = "host-scale=2" };
	char err[512];

	(void)state;
	assert_int_equal(put(sp, 1), 0);
	spool_close(sp);
	assert_int_equal(spool_open(&sp, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "other settings"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(spool_full_parse("drop-oldest", &c.full), 0);
	assert_int_equal(c.full, SPOOL_DROP_OLDEST);
	assert_int_equal(spool_full_parse("drop", &c.full), -EINVAL);
}

/* Group commit: an append counts once an fdatasync covers it; a close
 * syncs and counts the rest. */
static void
test_group_commit(void **state)
{
	struct spool_conf c
	    = { .dir = dir, .max = 1 << 20, .sync = true, .ident = "id" };
	struct spool *sp;
	char          err[256];

	(void)state;
	assert_int_equal(spool_open(&sp, &c, err, sizeof(err)), 0);
	assert_int_equal(put(sp, 1), 0);
	assert_int_equal(put(sp, 2), 0);
	assert_int_equal(counts(sp).appended, 0); /* not synced yet */
	assert_int_equal(counts(sp).left, 2 + 3); /* but there to read */
	assert_int_equal(spool_sync(sp, err, sizeof(err)), 0);
	assert_int_equal(counts(sp).appended, 2 + 3);
	assert_int_equal(put(sp, 3), 0);
	assert_int_equal(counts(sp).appended, 2 + 3);
	spool_close(sp);
	sp = open_sp(1 << 20, 0, SPOOL_BLOCK, "id");
	assert_int_equal(counts(sp).start, 2 + 3 + 4);
	spool_close(sp);
}

/* ---- the stage, in front of a target that goes down and up ---- */

static struct series fx_series[3];
static struct model  fx_model;
static bool          fx_down;
static int64_t       fx_got[64]; /* times written, in order */
static unsigned      fx_n;

static enum tgt_status
fx_write(struct tgt_ctx *ctx, const struct batch *b)
{
	if (fx_down) {
		snprintf(ctx->err, sizeof(ctx->err), "down");
		return TGT_UNREACHABLE;
	}
	for (unsigned i = 0; i < b->n; i++) {
		assert_ptr_equal(b->s[i].series, &fx_series[i % 3]);
		assert_true(b->s[i].v[1] == (double)b->s[i].time_ms / 2);
		fx_got[fx_n++] = b->s[i].time_ms;
	}
	return TGT_OK;
}

static const struct target_ops fx_target = { .name = "fx", .write = fx_write };

static enum tgt_status
send(struct stage *s, int64_t t)
{
	struct sample sm[3];
	struct batch  b = { .s = sm, .n = 3, .records = 3, .points = 6 };

	memset(sm, 0, sizeof(sm));
	for (unsigned i = 0; i < 3; i++) {
		sm[i].series  = &fx_series[i];
		sm[i].time_ms = t;
		sm[i].first   = 0;
		sm[i].count   = 2;
		sm[i].v[0]    = 1;
		sm[i].v[1]    = (double)t / 2;
	}
	return stage_write(s, &b);
}

static void
test_stage(void **state)
{
	struct tgt_ctx      ctx = { .ops = &fx_target };
	struct stage_conf   c   = { .spool_dir = dir,
		    .spool_max                 = 1 << 20,
		    .ident                     = "fx",
		    .model                     = &fx_model,
		    .max_retries               = 0 };
	struct stage        s;
	struct stage_counts n;

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		fx_series[i] = metric_series;
	fx_model.metrics   = fx_series;
	fx_model.n_metrics = 3;
	fx_n               = 0;
	assert_ptr_equal(stage_find("spool"), &stage_spool);
	assert_int_equal(stage_chain_init(&s, &stage_spool, &ctx, &c), 0);
	assert_int_equal(send(&s, 10), TGT_OK);
	fx_down = true;
	assert_int_equal(send(&s, 20), TGT_SPOOLED);
	assert_int_equal(send(&s, 30), TGT_SPOOLED);
	stage_chain_counts(&s, &n);
	assert_int_equal(n.spooled, 6);
	assert_int_equal(n.left, 6);
	stage_chain_fini(&s); /* as a kill would leave it */

	/* the next run: the target up, what is left sent first */
	fx_down = false;
	assert_int_equal(stage_chain_init(&s, &stage_spool, &ctx, &c), 0);
	stage_chain_counts(&s, &n);
	assert_int_equal(n.start, 6);
	assert_int_equal(send(&s, 40), TGT_OK);
	while (stage_chain_flush(&s))
		;
	stage_chain_counts(&s, &n);
	assert_int_equal(n.replayed, 6);
	assert_int_equal(n.replayed_points, 12);
	assert_int_equal(n.left, 0);
	assert_int_equal(fx_n, 12);
	/* 10, then the spooled 20 and 30 in order, around 40 */
	assert_int_equal(fx_got[0], 10);
	{
		unsigned at20 = 99, at30 = 99;

		for (unsigned i = 0; i < fx_n; i++) {
			if (fx_got[i] == 20 && at20 == 99)
				at20 = i;
			if (fx_got[i] == 30 && at30 == 99)
				at30 = i;
		}
		assert_true(at20 < at30 && at30 < 12);
	}
	/* a spill (busy after the retries) is kept too */
	fx_down = true;
	{
		struct sample sm = { .series = &fx_series[0],
			.time_ms             = 50,
			.count               = 2,
			.v                   = { 1, 25 } };
		struct batch  b
		    = { .s = &sm, .n = 1, .records = 1, .points = 2 };

		assert_int_equal(stage_spill(&s, &b), TGT_SPOOLED);
	}
	stage_chain_counts(&s, &n);
	assert_int_equal(n.left, 1);
	assert_false(stage_chain_flush(&s)); /* down, no retries: left */
	stage_chain_fini(&s);
	fx_down = false;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_crc32c_long),
		cmocka_unit_test_setup_teardown(
		    test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_other_run, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_group_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
