/* spoolbench.c - make bench's spool case: how fast the spool stage keeps
 * batches while its target is down (encode, append, fdatasync each, as
 * --spool-sync does by default) and sends them back once it is up (read,
 * check, decode, hand to the target), in MB/s of spool bytes.
 *
 *   spoolbench DIR MIB [RECORDS]   prints "write_mb_s replay_mb_s bytes
 *                                  write_cpu_mb_s replay_cpu_mb_s"
 *
 * The last two per CPU-second of the process (user + system): on a busy
 * machine they compare builds better than the wall-clock figures.
 *
 * Batches of RECORDS (default 5000) single-layout records of a host-scale
 * 1 model; the target takes every batch at once when up. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "model_ops.h"
#include "stage.h"

static bool down = true;

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static enum tgt_status
bench_write(struct tgt_ctx *ctx, const struct batch *b)
{
	(void)b;
	if (down) {
		snprintf(ctx->err, sizeof(ctx->err), "down");
		return TGT_UNREACHABLE;
	}
	return TGT_OK;
}

static const struct target_ops bench_target
    = { .name = "bench", .write = bench_write };

int
main(int argc, char **argv)
{
	struct model        m;
	struct model_conf   mc  = { .host_scale = 1, .instance_seed = 12345 };
	struct tgt_ctx      ctx = { .ops = &bench_target };
	struct stage_conf   c;
	struct stage        s;
	struct stage_counts n;
	struct batch        b    = { 0 };
	unsigned            recs = argc > 3 ? (unsigned)atoi(argv[3]) : 5000;
	uint64_t want, t0, t1, t1r, t2, c0, c1, c1r, c2, bytes, first = 0;
	double   rbytes;
	struct sample *sm;
	unsigned       k = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: spoolbench DIR MIB [RECORDS]\n");
		return 2;
	}
	want = strtoull(argv[2], NULL, 10) << 20;
	memset(&m, 0, sizeof(m));
	if (model_find("perf-scale")->build(&m, &mc, 0, 0)) {
		fprintf(stderr, "spoolbench: cannot build the model\n");
		return 1;
	}
	/* 20 metrics per host sample: recs / 20 samples a batch */
	b.n = recs / 20 ? recs / 20 : 1;
	sm  = calloc(b.n, sizeof(*sm));
	for (unsigned i = 0; i < b.n; i++) {
		sm[i].series = &m.metrics[i % m.n_metrics];
		sm[i].count  = 20;
		for (unsigned v = 0; v < 20; v++)
			sm[i].v[v] = 12.345 * (i + v);
	}
	b.s       = sm;
	b.records = b.n * 20;
	b.points  = b.records;
	c         = (struct stage_conf) { .spool_dir = argv[1],
		        .spool_max                   = want * 2 + (64u << 20),
		        .spool_full                  = 0,
		        .spool_sync                  = true,
		        .ident                       = "spoolbench",
		        .model                       = &m };
	if (stage_chain_init(&s, &stage_spool, &ctx, &c)) {
		fprintf(stderr, "spoolbench: %s\n", ctx.err);
		return 1;
	}
	t0 = now_ns();
	c0 = cpu_ns();
	do {
		for (unsigned i = 0; i < b.n; i++)
			sm[i].time_ms = 1000 * (int64_t)k;
		k++;
		if (stage_write(&s, &b) != TGT_SPOOLED) {
			fprintf(
			    stderr, "spoolbench: not spooled: %s\n", ctx.err);
			return 1;
		}
		stage_chain_counts(&s, &n);
	} while (n.bytes < want);
	t1    = now_ns();
	c1    = cpu_ns();
	bytes = n.bytes;
	down  = false;
	/* the first flush waits for the stage's next probe of the target
	 * (its backoff, up to 2 s after the failed probes of the write
	 * phase): that is how soon a return is noticed, not how fast the
	 * spool is sent, so the replay is timed from the first batch
	 * taken, over the bytes of the others */
	if (stage_chain_flush(&s)) {
		stage_chain_counts(&s, &n);
		first = n.replayed;
	}
	t1r = now_ns();
	c1r = cpu_ns();
	while (stage_chain_flush(&s))
		;
	t2 = now_ns();
	c2 = cpu_ns();
	stage_chain_counts(&s, &n);
	if (n.left || n.replayed != n.spooled) {
		fprintf(stderr, "spoolbench: %llu of %llu records replayed\n",
		    (unsigned long long)n.replayed,
		    (unsigned long long)n.spooled);
		return 1;
	}
	rbytes
	    = (double)bytes * (double)(n.spooled - first) / (double)n.spooled;
	printf("%.1f %.1f %llu %.1f %.1f\n", bytes / 1e6 / ((t1 - t0) / 1e9),
	    rbytes / 1e6 / ((t2 - t1r) / 1e9), (unsigned long long)bytes,
	    bytes / 1e6 / ((c1 - c0) / 1e9),
	    rbytes / 1e6 / ((c2 - c1r) / 1e9));
	stage_chain_fini(&s);
	model_release(&m);
	free(sm);
	return 0;
}
