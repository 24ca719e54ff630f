/* test_stage.c - the stage family: the registry, and a chain hands each
 * batch to the target as it is and gives back the target's outcome; the
 * cluster stage over a fake target of several hosts: rr turns, a dead
 * host's batches move (counted), all dead is unreachable, a host back is
 * probed and put back, hash keeps each series on one host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stage.h"

static const struct batch *seen;
static unsigned            calls;

static enum tgt_status
fake_write(struct tgt_ctx *ctx, const struct batch *b)
{
	(void)ctx;
	seen = b;
	calls++;
	return calls == 1 ? TGT_RETRY : TGT_OK;
}

static const struct target_ops fake = { .name = "fake", .write = fake_write };

static void
test_registry(void **state)
{
	const struct stage_ops *const *l = stage_list();

	(void)state;
	assert_non_null(l[0]);
	assert_string_equal(l[0]->name, "pass");
	assert_true(stage_ops_valid(l[0]));
	assert_string_equal(l[1]->name, "cluster");
	assert_true(stage_ops_valid(l[1]));
	assert_non_null(l[2]);
	assert_string_equal(l[2]->name, "spool");
	assert_true(stage_ops_valid(l[2]));
	assert_null(l[3]); /* pass, cluster and spool */
	assert_ptr_equal(stage_find("pass"), &stage_pass);
	assert_ptr_equal(stage_find("cluster"), &stage_cluster);
	assert_ptr_equal(stage_find("spool"), &stage_spool);
	assert_null(stage_find("fan-out"));
	assert_false(stage_ops_valid(NULL));
}

static void
test_chain(void **state)
{
	struct tgt_ctx ctx = { .ops = &fake };
	struct batch   b   = { .n = 3, .records = 3, .points = 60 };
	struct stage   s, second;

	(void)state;
	calls = 0;
	assert_int_equal(stage_chain_init(&s, &stage_pass, &ctx, NULL), 0);
	assert_int_equal(stage_write(&s, &b), TGT_RETRY);
	assert_ptr_equal(seen, &b);
	assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_int_equal(calls, 2);
	/* two stages: the first hands on to the second, that to the target */
	assert_int_equal(
	    stage_chain_init(&second, &stage_pass, &ctx, NULL), 0);
	s.next = &second;
	seen   = NULL;
	assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_ptr_equal(seen, &b);
	assert_int_equal(calls, 3);
	stage_chain_fini(&s);
}

/* The fake cluster: host N of "fake://h0,h1/" is priv = N + 1. */
static bool     dead[2];
static unsigned got[2];       /* records each host took */
static char     names[2][64]; /* series names it took, one byte each */

static int
host_init(struct tgt_ctx *ctx)
{
	const char *h = strstr(ctx->conf->url, "://h");

	ctx->priv = (void *)(uintptr_t)(h[4] - '0' + 1);
	return 0;
}

static enum tgt_status
host_write(struct tgt_ctx *ctx, const struct batch *b)
{
	unsigned i = (unsigned)(uintptr_t)ctx->priv - 1;

	if (dead[i]) {
		strcpy(ctx->err, "refused");
		return TGT_UNREACHABLE;
	}
	got[i] += b->records;
	for (unsigned j = 0; j < b->n; j++)
		if (!strchr(names[i], b->s[j].series->name[0]))
			names[i][strlen(names[i])] = b->s[j].series->name[0];
	return TGT_OK;
}

static void
host_fini(struct tgt_ctx *ctx)
{
	ctx->priv = NULL;
}

static const struct target_ops hosts = { .name = "fake",
	.flags                                 = TGT_F_WRITE | TGT_F_HOSTS,
	.init                                  = host_init,
	.write                                 = host_write,
	.fini                                  = host_fini };

static void
test_cluster(void **state)
{
	static const char   abc[] = "abcdefghij";
	struct tgt_conf     rr    = { .url = "fake://h0,h1/" };
	struct tgt_conf     hh    = { .url = "fake://h0,h1/?balance=hash" };
	struct cluster_pub *pub   = calloc(1, sizeof(*pub));
	struct tgt_ctx      ctx = { .ops = &hosts, .conf = &rr, .hosts = pub };
	struct series       se[10];
	struct sample       sm[10];
	struct batch        b
	    = { .s = sm, .n = 10, .records = 10, .points = 10, .multi = true };
	struct stage s;

	(void)state;
	memset(se, 0, sizeof(se));
	memset(sm, 0, sizeof(sm));
	for (unsigned j = 0; j < 10; j++) {
		se[j].name     = &abc[j];
		se[j].name_len = 1;
		sm[j].series   = &se[j];
		sm[j].count    = 1;
	}
	memset(got, 0, sizeof(got));
	/* rr: whole batches in turn */
	assert_int_equal(stage_chain_open(&s, &ctx, NULL), 0);
	assert_int_equal(atomic_load(&pub->n), 2);
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_int_equal(got[0], 20);
	assert_int_equal(got[1], 20);
	/* h1 dead: its batches move to h0, none fails */
	dead[1] = true;
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_int_equal(got[0], 60);
	assert_int_equal(got[1], 20);
	assert_int_equal(atomic_load(&pub->downs[1]), 1);
	assert_int_equal(atomic_load(&pub->moved[1]), 2);
	assert_true(atomic_load(&pub->down_ms[1]) > 0);
	assert_int_equal(atomic_load(&pub->batches[0]), 6);
	/* all dead: unreachable, said so */
	dead[0] = true;
	assert_int_equal(stage_write(&s, &b), TGT_UNREACHABLE);
	assert_non_null(strstr(ctx.err, "all 2 hosts of the cluster down"));
	/* both back: probed after their backoff, then put back */
	dead[0] = dead[1] = false;
	usleep(450 * 1000);
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_int_equal(got[0] + got[1], 120);
	assert_true(got[1] > 20);
	assert_int_equal(atomic_load(&pub->down_ms[1]), 0);
	stage_chain_close(&s, &ctx);

	/* hash: each series on one host, both hosts used */
	memset(got, 0, sizeof(got));
	memset(names, 0, sizeof(names));
	memset(pub, 0, sizeof(*pub));
	ctx.conf = &hh;
	assert_int_equal(stage_chain_open(&s, &ctx, NULL), 0);
	for (unsigned k = 0; k < 3; k++)
		assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_int_equal(got[0] + got[1], 30);
	assert_true(got[0] > 0 && got[1] > 0);
	for (const char *c = names[0]; *c; c++)
		assert_null(strchr(names[1], *c));
	/* h0 dead: its series go to h1, none fails */
	dead[0] = true;
	assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_int_equal(got[0] + got[1], 40);
	assert_int_equal(atomic_load(&pub->moved[0]), 1);
	dead[0] = false;
	stage_chain_close(&s, &ctx);
	free(pub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_cluster),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
