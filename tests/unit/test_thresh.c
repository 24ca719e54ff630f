/* test_thresh.c - unit tests of the "<figure> <op> <value>" parser
 * (common/cli/thresh.c): figures, operators, units, spaces, and one
 * message per kind of mistake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "thresh.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
test_good(void **state)
{
	static const struct {
		const char      *in, *figure, *text;
		enum thresh_op   op;
		double           value;
		enum thresh_unit unit;
	} cases[] = {
		{ "write_p99<50ms", "write_p99", "write_p99<50ms", TH_LT, 0.05,
		    TH_SECS },
		{ " write_p99 <= 2 s ", "write_p99", "write_p99<=2s", TH_LE, 2,
		    TH_SECS },
		{ "query_p50>250us", "query_p50", "query_p50>250us", TH_GT,
		    250e-6, TH_SECS },
		{ "rate>=0.95*target", "rate", "rate>=0.95*target", TH_GE,
		    0.95, TH_TARGET },
		{ "rate >= target", "rate", "rate>=target", TH_GE, 1,
		    TH_TARGET },
		{ "errors==0", "errors", "errors==0", TH_EQ, 0, TH_PLAIN },
		{ "errors<1%", "errors", "errors<1%", TH_LT, 1, TH_PCT },
		{ "throttles!=3", "throttles", "throttles!=3", TH_NE, 3,
		    TH_PLAIN },
		{ "write_p99 > +10%", "write_p99", "write_p99>+10%", TH_GT, 10,
		    TH_PCT },
		{ "rate<-5%", "rate", "rate<-5%", TH_LT, -5, TH_PCT },
		{ "write_p99<0.000001ms", "write_p99", "write_p99<0.000001ms",
		    TH_LT, 1e-9, TH_SECS },
		{ "p999<1e3", "p999", "p999<1e3", TH_LT, 1000, TH_PLAIN },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct thresh t;
		char          err[200] = "";

		if (thresh_parse(cases[i].in, &t, err, sizeof(err))) {
			print_error("\"%s\": %s\n", cases[i].in, err);
			fail();
		}
		assert_string_equal(t.figure, cases[i].figure);
		assert_string_equal(t.text, cases[i].text);
		assert_int_equal(t.op, cases[i].op);
		assert_int_equal(t.unit, cases[i].unit);
		if (fabs(t.value - cases[i].value)
		    > 1e-12 * fabs(cases[i].value) + 1e-18) {
			print_error("\"%s\": value %g, want %g\n", cases[i].in,
			    t.value, cases[i].value);
			fail();
		}
	}
}

static void
test_bad(void **state)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "", "expected FIGURE OP VALUE" },
		{ "<5ms", "expected FIGURE OP VALUE" },
		{ "Write_p99<5", "expected FIGURE OP VALUE" },
		{ "write_p99", "expected an operator" },
		{ "write_p99=5", "expected an operator" },
		{ "write_p99=>5", "expected an operator" },
		{ "write_p99<", "expected a number after <" },
		{ "write_p99<ms", "expected a number after <" },
		{ "write_p99<inf", "expected a number after <" },
		{ "write_p99<nan", "expected a number after <" },
		{ "write_p99<5xs", "unknown unit \"xs\"" },
		{ "write_p99<5ms5", "unknown unit \"ms5\"" },
		{ "rate>=0.95*tgt", "unknown unit \"*tgt\"" },
		{ "errors==0 and 1", "unknown unit \"and1\"" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct thresh t;
		char          err[200] = "";

		if (!thresh_parse(cases[i].in, &t, err, sizeof(err))) {
			print_error("\"%s\" was accepted\n", cases[i].in);
			fail();
		}
		if (!strstr(err, cases[i].msg) || strchr(err, '\n')) {
			print_error("\"%s\": message \"%s\", want \"%s\"\n",
			    cases[i].in, err, cases[i].msg);
			fail();
		}
	}
}

static void
test_holds(void **state)
{
	(void)state;
	assert_true(thresh_holds(TH_LT, 1, 2));
	assert_false(thresh_holds(TH_LT, 2, 2));
	assert_true(thresh_holds(TH_LE, 2, 2));
	assert_true(thresh_holds(TH_GT, 3, 2));
	assert_false(thresh_holds(TH_GE, 1, 2));
	assert_true(thresh_holds(TH_EQ, 0, 0));
	assert_false(thresh_holds(TH_EQ, 1, 0));
	assert_true(thresh_holds(TH_NE, 1, 0));
	assert_string_equal(thresh_op_name(TH_LE), "<=");
	assert_string_equal(thresh_op_name(TH_NE), "!=");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_holds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
