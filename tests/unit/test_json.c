/* test_json.c - unit tests of the JSON writer (common/json.c).
 *
 * Compact and pretty output byte for byte, string escaping, doubles that
 * read back exactly, misuse answered with -EINVAL, and a capped buf that
 * fills up with -ENOSPC while keeping a clean prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "log.h"

/* NUL-terminates b and returns its text. */
static const char *
text(struct buf *b)
{
	assert_int_equal(buf_cstr(b), 0);
	return b->p;
}

/* One document with every kind of value, nested. */
static void
write_doc(struct json_w *w)
{
	assert_int_equal(json_obj_begin(w), 0);
	assert_int_equal(json_kv_str(w, "target", "sqlite"), 0);
	assert_int_equal(json_kv_int(w, "n", -5), 0);
	assert_int_equal(json_kv_uint(w, "big", UINT64_MAX), 0);
	assert_int_equal(json_kv_double(w, "p99", 0.5), 0);
	assert_int_equal(json_kv_bool(w, "ok", true), 0);
	assert_int_equal(json_key(w, "list"), 0);
	assert_int_equal(json_arr_begin(w), 0);
	assert_int_equal(json_int(w, 1), 0);
	assert_int_equal(json_bool(w, false), 0);
	assert_int_equal(json_null(w), 0);
	assert_int_equal(json_obj_begin(w), 0);
	assert_int_equal(json_kv_str(w, "k", NULL), 0);
	assert_int_equal(json_obj_end(w), 0);
	assert_int_equal(json_arr_end(w), 0);
	assert_int_equal(json_key(w, "empty_a"), 0);
	assert_int_equal(json_arr_begin(w), 0);
	assert_int_equal(json_arr_end(w), 0);
	assert_int_equal(json_key(w, "empty_o"), 0);
	assert_int_equal(json_obj_begin(w), 0);
	assert_int_equal(json_obj_end(w), 0);
	assert_int_equal(json_obj_end(w), 0);
	assert_int_equal(json_w_finish(w), 0);
}

static void
test_compact(void **state)
{
	struct buf    b;
	struct json_w w;

	(void)state;
	buf_init(&b, 1 << 20);
	json_w_init(&w, &b, false);
	write_doc(&w);
	assert_string_equal(text(&b),
	    "{\"target\":\"sqlite\",\"n\":-5,"
	    "\"big\":18446744073709551615,\"p99\":0.5,"
	    "\"ok\":true,\"list\":[1,false,null,{\"k\":null}],"
	    "\"empty_a\":[],\"empty_o\":{}}");
	buf_free(&b);
}

static void
test_pretty(void **state)
{
	struct buf    b;
	struct json_w w;

	(void)state;
	buf_init(&b, 1 << 20);
	json_w_init(&w, &b, true);
	write_doc(&w);
	assert_string_equal(text(&b),
	    "{\n"
	    "  \"target\": \"sqlite\",\n"
	    "  \"n\": -5,\n"
	    "  \"big\": 18446744073709551615,\n"
	    "  \"p99\": 0.5,\n"
	    "  \"ok\": true,\n"
	    "  \"list\": [\n"
	    "    1,\n"
	    "    false,\n"
	    "    null,\n"
	    "    {\n"
	    "      \"k\": null\n"
	    "    }\n"
	    "  ],\n"
	    "  \"empty_a\": [],\n"
	    "  \"empty_o\": {}\n"
	    "}");
	buf_free(&b);
}

/* Top-level scalars, and appending after what the buf already holds. */
static void
test_scalars(void **state)
{
	struct buf    b;
	struct json_w w;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(buf_adds(&b, "x="), 0);
	json_w_init(&w, &b, true);
	assert_int_equal(json_w_finish(&w), -EINVAL); /* nothing yet */
	assert_int_equal(json_int(&w, INT64_MIN), 0);
	assert_int_equal(json_w_finish(&w), 0);
	assert_string_equal(text(&b), "x=-9223372036854775808");

	buf_reset(&b);
	json_w_init(&w, &b, false);
	assert_int_equal(json_arr_begin(&w), 0);
	assert_int_equal(json_uint(&w, 0), 0);
	assert_int_equal(json_str(&w, ""), 0);
	assert_int_equal(json_arr_end(&w), 0);
	assert_string_equal(text(&b), "[0,\"\"]");
	buf_free(&b);
}

static void
test_escape(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
		{ "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "a\nb\"", "\"a\\nb\\\"\"" },
		/* malformed UTF-8 never reaches the output: a stray
		 * continuation byte, a lead byte cut short, an overlong '/',
		 * a surrogate, beyond U+10FFFF, 0xff */
		{ "a\x80"
		  "b",
		    "\"a\\ufffdb\"" },
		{ "\xc3(", "\"\\ufffd(\"" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xff\xc3\xa9", "\"\\ufffd\xc3\xa9\"" },
	};
	struct buf    b;
	struct json_w w;
	size_t        i;

	(void)state;
	buf_init(&b, 1 << 20);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		json_w_init(&w, &b, false);
		assert_int_equal(json_str(&w, cases[i].in), 0);
		assert_string_equal(text(&b), cases[i].out);
	}
	/* Keys are escaped too; strn may carry NUL bytes. */
	buf_reset(&b);
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w), 0);
	assert_int_equal(json_key(&w, "a\"b"), 0);
	assert_int_equal(json_strn(&w, "x\0y", 3), 0);
	assert_int_equal(json_obj_end(&w), 0);
	assert_string_equal(text(&b), "{\"a\\\"b\":\"x\\u0000y\"}");
	buf_free(&b);
}

/* Writes v alone and returns the text. */
static const char *
double_text(struct buf *b, double v)
{
	struct json_w w;

	buf_reset(b);
	json_w_init(&w, b, false);
	assert_int_equal(json_double(&w, v), 0);
	return text(b);
}

/* log_escape: server text made fit for a one-line message. */
static void
test_log_escape(void **state)
{
	char out[64], big[300];

	(void)state;
	log_escape(out, sizeof(out), "ok caf\xc3\xa9", 8, 200);
	assert_string_equal(out, "ok caf\xc3\xa9");
	log_escape(
	    out, sizeof(out), "a\nb\tc\x1b[31m\x7f\xff\xc2\x85", 14, 200);
	assert_string_equal(out, "a b c\\x1b[31m\\x7f\\xff\\xc2\\x85");
	memset(big, 'x', sizeof(big));
	log_escape(out, sizeof(out), big, sizeof(big), 10);
	assert_string_equal(out, "xxxxxxxxxx...");
	/* never cut inside an escape: what does not fit is left out */
	log_escape(out, 8, "ab\x01\x02", 4, 200);
	assert_string_equal(out, "ab\\x01");
	assert_int_equal(log_utf8_len("\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(log_utf8_len("\xf0\x9f\x98", 3), 0);
}

static void
test_doubles(void **state)
{
	static const struct {
		double      v;
		const char *out; /* NULL: only check the round trip */
	} cases[] = {
		{ 0, "0" },
		{ -0.0, "-0" },
		{ 1, "1" },
		{ 100, "100" },
		{ 1.5, "1.5" },
		{ 0.1, "0.1" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 1e21, "1e+21" },
		{ 1e16, "10000000000000000" },
		{ 1e17, "1e+17" },
		{ 1234.5e10, "12345000000000" },
		{ -2e5, "-200000" },
		{ 0.0001, "0.0001" },
		{ 2.5e-7, "2.5e-07" },
		{ 123456789012345678.0, "1.2345678901234568e+17" },
		{ DBL_MAX, "1.7976931348623157e+308" },
		{ DBL_MIN, NULL },
		{ 5e-324, "5e-324" },
		/* 2^-1017: the digits above the power of two are shorter */
		{ 0x1p-1017, "7.120236347223045e-307" },
		{ 27829322246820592.0, "27829322246820592" },
		{ -47.3891288321587, "-47.3891288321587" },
		{ 0.0123, "0.0123" },
	};
	struct buf b;
	size_t     i;

	(void)state;
	buf_init(&b, 1 << 20);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t    = double_text(&b, cases[i].v);
		double      back = strtod(t, NULL);

		if (cases[i].out)
			assert_string_equal(t, cases[i].out);
		assert_true(back == cases[i].v);
		assert_true(signbit(back) == signbit(cases[i].v));
	}
	/* JSON has no NaN or infinity. */
	assert_string_equal(double_text(&b, NAN), "null");
	assert_string_equal(double_text(&b, INFINITY), "null");
	assert_string_equal(double_text(&b, -INFINITY), "null");
	buf_free(&b);
}

/* Each misuse returns -EINVAL, writes nothing, and sticks. */
static void
test_misuse(void **state)
{
	struct buf    b;
	struct json_w w;
	size_t        len;
	int           i;

	(void)state;
	buf_init(&b, 1 << 20);

	/* A value where a key is required. */
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w), 0);
	len = b.len;
	assert_int_equal(json_int(&w, 1), -EINVAL);
	assert_int_equal(b.len, len);
	assert_int_equal(json_key(&w, "a"), -EINVAL); /* sticky */
	assert_int_equal(json_w_finish(&w), -EINVAL);

	/* A key in an array, at top level, twice in a row, or NULL. */
	buf_reset(&b);
	json_w_init(&w, &b, false);
	assert_int_equal(json_arr_begin(&w), 0);
	assert_int_equal(json_key(&w, "a"), -EINVAL);
	json_w_init(&w, &b, false);
	assert_int_equal(json_key(&w, "a"), -EINVAL);
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w), 0);
	assert_int_equal(json_key(&w, "a"), 0);
	assert_int_equal(json_key(&w, "b"), -EINVAL);
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w), 0);
	assert_int_equal(json_key(&w, NULL), -EINVAL);

	/* Ends that do not match, or close a key without its value. */
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_end(&w), -EINVAL);
	json_w_init(&w, &b, false);
	assert_int_equal(json_arr_begin(&w), 0);
	assert_int_equal(json_obj_end(&w), -EINVAL);
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w), 0);
	assert_int_equal(json_arr_end(&w), -EINVAL);
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w), 0);
	assert_int_equal(json_key(&w, "a"), 0);
	assert_int_equal(json_obj_end(&w), -EINVAL);

	/* A second top-level value; an unfinished document. */
	json_w_init(&w, &b, false);
	assert_int_equal(json_null(&w), 0);
	assert_int_equal(json_null(&w), -EINVAL);
	json_w_init(&w, &b, false);
	assert_int_equal(json_arr_begin(&w), 0);
	assert_int_equal(json_w_finish(&w), -EINVAL);

	/* JSON_MAX_DEPTH levels are fine, one more is not. */
	buf_reset(&b);
	json_w_init(&w, &b, false);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		assert_int_equal(json_arr_begin(&w), 0);
	len = b.len;
	assert_int_equal(json_arr_begin(&w), -EINVAL);
	assert_int_equal(b.len, len);
	json_w_init(&w, &b, false);
	buf_reset(&b);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		assert_int_equal(json_arr_begin(&w), 0);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		assert_int_equal(json_arr_end(&w), 0);
	assert_int_equal(json_w_finish(&w), 0);
	buf_free(&b);
}

/* A capped buf: writing stops with -ENOSPC, the failed call leaves no
 * partial token, and the error sticks. */
static void
test_enospc(void **state)
{
	struct buf    b;
	struct json_w w;
	int           i, rc = 0;
	size_t        len;

	(void)state;
	buf_init(&b, 40);
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w), 0);
	for (i = 0; i < 100 && rc == 0; i++) {
		len = b.len;
		rc  = json_kv_str(&w, "key", "a longer value");
	}
	assert_int_equal(rc, -ENOSPC);
	assert_true(b.len <= 40);
	assert_int_equal(b.len, len); /* the key went too */
	assert_int_equal(json_null(&w), -ENOSPC);
	assert_int_equal(json_obj_end(&w), -ENOSPC);
	assert_int_equal(json_w_finish(&w), -ENOSPC);
	assert_int_equal(buf_cstr(&b), 0);
	assert_string_equal(b.p, "{\"key\":\"a longer value\"");

	/* A string too long for the cap fails whole. */
	buf_reset(&b);
	json_w_init(&w, &b, true);
	assert_int_equal(
	    json_str(&w, "0123456789012345678901234567890123456789"), -ENOSPC);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_log_escape),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_enospc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
