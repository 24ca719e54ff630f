/* test_stage.c - the stage family: the registry, and a chain hands each
 * batch to the target as it is and gives back the target's outcome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

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
	assert_null(l[2]); /* pass and cluster */
	assert_ptr_equal(stage_find("pass"), &stage_pass);
	assert_ptr_equal(stage_find("cluster"), &stage_cluster);
	assert_null(stage_find("spool"));
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
	assert_int_equal(stage_chain_init(&s, &stage_pass, &ctx), 0);
	assert_int_equal(stage_write(&s, &b), TGT_RETRY);
	assert_ptr_equal(seen, &b);
	assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_int_equal(calls, 2);
	/* two stages: the first hands on to the second, that to the target */
	assert_int_equal(stage_chain_init(&second, &stage_pass, &ctx), 0);
	s.next = &second;
	seen   = NULL;
	assert_int_equal(stage_write(&s, &b), TGT_OK);
	assert_ptr_equal(seen, &b);
	assert_int_equal(calls, 3);
	stage_chain_fini(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
