/* test_buf.c - buf_add_quoted: the single-quoted literal of SQL and
 * gnuplot, quotes doubled, NULs kept, the cap kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "buf.h"

static void
test_add_quoted(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_add_quoted(&b, "it's", 4), 0);
	assert_int_equal(buf_add_quoted(&b, "", 0), 0);
	assert_int_equal(buf_add_quoted(&b, "''", 2), 0);
	assert_int_equal(buf_add_quoted(&b, "ab", 1), 0); /* n, not strlen */
	assert_int_equal(buf_cstr(&b), 0);
	assert_string_equal(b.p, "'it''s''''''''''a'");
	buf_free(&b);

	buf_init(&b, 4); /* "'a'" fits, "'ab'" does not, past it nothing */
	assert_int_equal(buf_add_quoted(&b, "a", 1), 0);
	assert_int_equal(b.len, 3);
	buf_reset(&b);
	assert_int_equal(buf_add_quoted(&b, "abcd", 4), -ENOSPC);
	assert_true(b.len <= 4);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_quoted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
