/* test_abandon.c - the stop's abandonment time (the earliest armed time
 * wins) and its hooks (each runs once when due, never after removal). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "abandon.h"
#include "clock.h"

static void
count(void *arg)
{
	(*(int *)arg)++;
}

static void
test_abandon(void **state)
{
	struct abandon_hook a = { .fn = count }, b = { .fn = count };
	int                 na = 0, nb = 0;

	(void)state;
	a.arg = &na;
	b.arg = &nb;
	assert_false(abandon_due());
	abandon_hook_add(&a);
	abandon_hook_add(&b);
	abandon_poll();
	assert_int_equal(na + nb, 0); /* not armed: nothing runs */
	abandon_at(now_ns() + 3600ull * 1000000000u);
	assert_false(abandon_due());
	abandon_poll();
	assert_int_equal(na + nb, 0);
	abandon_at(now_ns() + 7200ull * 1000000000u); /* later: ignored */
	assert_false(abandon_due());
	abandon_hook_del(&b);
	abandon_at(now_ns()); /* earlier: wins */
	assert_true(abandon_due());
	abandon_at(now_ns() + 3600ull * 1000000000u); /* no way back */
	assert_true(abandon_due());
	abandon_poll();
	abandon_poll();
	assert_int_equal(na, 1); /* once */
	assert_int_equal(nb, 0); /* removed */
	abandon_hook_add(&b);    /* a new connection after the stop */
	abandon_poll();
	assert_int_equal(nb, 1);
	abandon_hook_del(&a);
	abandon_hook_del(&b);
	abandon_hook_del(&b); /* twice is harmless */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abandon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
