/* test_jsonr.c - unit tests of the JSON reader (common/jsonr.h): the
 * tree (jsonr.c) and the pull reader under it (jsonr_scan.c).
 *
 * Good documents are read and written back with the JSON writer, bad ones
 * must fail with the exact message and byte offset; then the AWS answers
 * the Timestream target reads (Query page, RejectedRecordsException,
 * DescribeEndpoints) through the accessors; then an InfluxDB answer walked
 * with the pull reader as the influx target does, and its errors, which
 * are the tree's.
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

#include "buf.h"
#include "json.h"
#include "jsonr.h"

/* Writes v back as compact JSON. */
static void
dump(struct json_w *w, const struct jsonr_val *v)
{
	const struct jsonr_val *e;
	int64_t                 i;
	double                  d;
	bool                    b;

	switch (jsonr_type(v)) {
	case JSONR_NULL:
		json_null(w);
		break;
	case JSONR_BOOL:
		assert_int_equal(jsonr_bool(v, &b), 0);
		json_bool(w, b);
		break;
	case JSONR_NUM:
		if (jsonr_i64(v, &i) == 0) {
			json_int(w, i);
		} else {
			assert_int_equal(jsonr_num(v, &d), 0);
			json_double(w, d);
		}
		break;
	case JSONR_STR:
		json_strn(w, jsonr_str(v), jsonr_len(v));
		break;
	case JSONR_ARR:
		json_arr_begin(w);
		for (e = jsonr_first(v); e; e = jsonr_next(e))
			dump(w, e);
		json_arr_end(w);
		break;
	case JSONR_OBJ:
		json_obj_begin(w);
		for (e = jsonr_first(v); e; e = jsonr_next(e)) {
			json_key(w, jsonr_key(e));
			dump(w, e);
		}
		json_obj_end(w);
		break;
	}
}

/* Parses n bytes of text and returns them re-serialised (static). */
static const char *
roundtrip(const char *text, size_t n)
{
	static struct buf b;
	struct jsonr_doc *doc;
	struct json_w     w;
	char              err[128] = "";

	if (jsonr_parse(text, n, &doc, err, sizeof(err)))
		fail_msg("parse of \"%s\" failed: %s", text, err);
	buf_free(&b);
	buf_init(&b, 1 << 20);
	json_w_init(&w, &b, false);
	dump(&w, jsonr_root(doc));
	assert_int_equal(json_w_finish(&w), 0);
	assert_int_equal(buf_cstr(&b), 0);
	jsonr_free(doc);
	return b.p;
}

struct good {
	const char *in;
	const char *out;
};

static const struct good good[] = {
	{ "{}", "{}" },
	{ "[]", "[]" },
	{ " \t\r\n 1 \n", "1" },
	{ "-0", "0" },
	{ "0", "0" },
	{ "-12", "-12" },
	{ "1.5", "1.5" },
	{ "-2.5E+2", "-250" },
	{ "1e-400", "0" },
	{ "9223372036854775807", "9223372036854775807" },
	{ "-9223372036854775808", "-9223372036854775808" },
	{ "[true,false,null]", "[true,false,null]" },
	{ "{ \"a\" : { \"b\" : [ 1 , { \"c\" : \"d\" } ] } , \"e\" : [ ] }",
	    "{\"a\":{\"b\":[1,{\"c\":\"d\"}]},\"e\":[]}" },
	{ "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"a\\\"\\\\/\\b\\f\\n\\r\\t\"" },
	{ "\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"",
	    "\"A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	{ "\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"",
	    "\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"" },
	{ "\"\\u0000x\"", "\"\\u0000x\"" },
	{ "\"\"", "\"\"" },
	{ "{\"\":\"\"}", "{\"\":\"\"}" },
};

static void
test_good(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *got = roundtrip(good[i].in, strlen(good[i].in));

		if (strcmp(got, good[i].out) != 0)
			fail_msg("%s: got %s, want %s", good[i].in, got,
			    good[i].out);
	}
	/* 2^63 no longer fits an int64 and becomes a double. */
	assert_string_equal(
	    roundtrip("9223372036854775808", 19), "9.223372036854776e+18");
}

struct bad {
	const char *in;
	size_t      len; /* 0: strlen(in) */
	const char *err;
};

static const struct bad bad[] = {
	{ "", 0, "JSON: unexpected end of input at byte 0" },
	{ "   ", 0, "JSON: unexpected end of input at byte 3" },
	{ "{\"a\":1,}", 0, "JSON: unexpected '}' at byte 7" },
	{ "[1,]", 0, "JSON: unexpected ']' at byte 3" },
	{ "[1 2]", 0, "JSON: unexpected '2' at byte 3" },
	{ "{\"a\" 1}", 0, "JSON: unexpected '1' at byte 5" },
	{ "{a:1}", 0, "JSON: unexpected 'a' at byte 1" },
	{ "{\"a\":}", 0, "JSON: unexpected '}' at byte 5" },
	{ "[", 0, "JSON: unexpected end of input at byte 1" },
	{ "{\"a\":1", 0, "JSON: unexpected end of input at byte 6" },
	{ "[1}", 0, "JSON: unexpected '}' at byte 2" },
	{ "1 2", 0, "JSON: unexpected '2' at byte 2" },
	{ "{} x", 0, "JSON: unexpected 'x' at byte 3" },
	{ "01", 0, "JSON: invalid number at byte 0" },
	{ "[-01]", 0, "JSON: invalid number at byte 1" },
	{ "-", 0, "JSON: invalid number at byte 0" },
	{ "1.", 0, "JSON: invalid number at byte 0" },
	{ "1.e5", 0, "JSON: invalid number at byte 0" },
	{ "1e", 0, "JSON: invalid number at byte 0" },
	{ "1e+", 0, "JSON: invalid number at byte 0" },
	{ "-a", 0, "JSON: invalid number at byte 0" },
	{ ".5", 0, "JSON: unexpected '.' at byte 0" },
	{ "+1", 0, "JSON: unexpected '+' at byte 0" },
	{ "1e999", 0, "JSON: number out of range at byte 0" },
	{ "[-1e999]", 0, "JSON: number out of range at byte 1" },
	{ "NaN", 0, "JSON: unexpected 'N' at byte 0" },
	{ "tru", 0, "JSON: unexpected end of input at byte 3" },
	{ "nul1", 0, "JSON: unexpected '1' at byte 3" },
	{ "True", 0, "JSON: unexpected 'T' at byte 0" },
	{ "/* c */ 1", 0, "JSON: unexpected '/' at byte 0" },
	{ "'a'", 0, "JSON: unexpected ''' at byte 0" },
	{ "\"abc", 0, "JSON: unterminated string at byte 4" },
	{ "\"abc\\\"", 0, "JSON: unterminated string at byte 6" },
	{ "\"a\x01\"", 0, "JSON: control character 0x01 in string at byte 2" },
	{ "\"a\nb\"", 0, "JSON: control character 0x0a in string at byte 2" },
	{ "\"\\q\"", 0, "JSON: invalid escape in string at byte 1" },
	{ "\"\\u12G4\"", 0, "JSON: invalid \\u escape in string at byte 1" },
	{ "\"\\u12\"", 0, "JSON: invalid \\u escape in string at byte 1" },
	{ "\"\\ud800\"", 0, "JSON: lone high surrogate in string at byte 1" },
	{ "\"\\ud800\\u0041\"", 0,
	    "JSON: lone high surrogate in string at byte 1" },
	{ "\"\\udc00\"", 0, "JSON: lone low surrogate in string at byte 1" },
	{ "\"x\xc0\x80\"", 0, "JSON: invalid UTF-8 in string at byte 2" },
	{ "\"\xc1\xbf\"", 0, "JSON: invalid UTF-8 in string at byte 1" },
	{ "\"\xe0\x80\x80\"", 0, "JSON: invalid UTF-8 in string at byte 1" },
	{ "\"\xed\xa0\x80\"", 0, "JSON: invalid UTF-8 in string at byte 1" },
	{ "\"\xf0\x80\x80\x80\"", 0,
	    "JSON: invalid UTF-8 in string at byte 1" },
	{ "\"\xf4\x90\x80\x80\"", 0,
	    "JSON: invalid UTF-8 in string at byte 1" },
	{ "\"\xe2\x82\"", 0, "JSON: invalid UTF-8 in string at byte 1" },
	{ "\"\x80\"", 0, "JSON: invalid UTF-8 in string at byte 1" },
	{ "\"\xff\"", 0, "JSON: invalid UTF-8 in string at byte 1" },
	{ "\xef\xbb\xbf{}", 0, "JSON: unexpected byte 0xef at byte 0" },
	{ "[1,\0]", 5, "JSON: unexpected byte 0x00 at byte 3" },
	{ "\"a\0\"", 4, "JSON: control character 0x00 in string at byte 2" },
	{ "{\"a\":1}", 6, "JSON: unexpected end of input at byte 6" },
};

static void
test_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = bad[i].len ? bad[i].len : strlen(bad[i].in);
		struct jsonr_doc *doc      = (struct jsonr_doc *)&doc;
		char              err[128] = "";

		if (jsonr_parse(bad[i].in, n, &doc, err, sizeof(err))
		        != -EINVAL
		    || strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu (%s): got \"%s\", want \"%s\"", i,
			    bad[i].in, err, bad[i].err);
		assert_null(doc);
	}
	/* No err buffer is fine. */
	{
		struct jsonr_doc *doc;

		assert_int_equal(jsonr_parse("[", 1, &doc, NULL, 0), -EINVAL);
	}
}

/* String contents never show in a message: they may be secrets. */
static void
test_errors_hide_strings(void **state)
{
	static const char *const docs[] = {
		"{\"SecretAccessKey\":\"sekrit\\q\"}",
		"{\"SecretAccessKey\":\"sekrit\x01\"}",
		"{\"SecretAccessKey\":\"sekrit\xff\"}",
		"{\"SecretAccessKey\":\"sekrit\\ud800\"}",
		"{\"SecretAccessKey\":\"sekrit",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct jsonr_doc *doc;
		char              err[128] = "";

		assert_int_equal(jsonr_parse(docs[i], strlen(docs[i]), &doc,
		                     err, sizeof(err)),
		    -EINVAL);
		assert_non_null(strstr(err, "at byte"));
		assert_null(strstr(err, "sekrit"));
	}
}

/* n '[' then n ']'. */
static char *
nested(int n)
{
	char *s = malloc((size_t)n * 2 + 1);
	int   i;

	for (i = 0; i < n; i++) {
		s[i]             = '[';
		s[2 * n - 1 - i] = ']';
	}
	s[2 * n] = '\0';
	return s;
}

static void
test_depth(void **state)
{
	struct jsonr_doc *doc;
	char              err[128], want[64];
	char             *s = nested(JSONR_MAX_DEPTH);

	(void)state;
	assert_int_equal(jsonr_parse(s, strlen(s), &doc, err, sizeof(err)), 0);
	jsonr_free(doc);
	free(s);
	s = nested(JSONR_MAX_DEPTH + 1);
	assert_int_equal(
	    jsonr_parse(s, strlen(s), &doc, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "JSON: nesting deeper than %d at byte %d",
	    JSONR_MAX_DEPTH, JSONR_MAX_DEPTH);
	assert_string_equal(err, want);
	free(s);
	/* Deep objects count the same way. */
	s    = malloc(8 * 100 + 1);
	s[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(s, "{\"a\":");
	assert_int_equal(
	    jsonr_parse(s, strlen(s), &doc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nesting deeper than"));
	free(s);
}

static void
test_accessors(void **state)
{
	static const char text[]
	    = "{\"s\":\"x\",\"i\":-7,\"f\":100.0,\"e\":1e2,\"t\":true,"
	      "\"n\":null,\"a\":[10,20,30],\"o\":{},\"dup\":1,\"dup\":2,"
	      "\"big\":18446744073709551616,\"seed\":18446744073709551615}";
	struct jsonr_doc       *doc;
	const struct jsonr_val *r, *v;
	int64_t                 i64 = 0;
	double                  d   = 0;
	bool                    b   = false;
	char                    err[128];

	(void)state;
	assert_int_equal(
	    jsonr_parse(text, strlen(text), &doc, err, sizeof(err)), 0);
	r = jsonr_root(doc);
	assert_true(jsonr_is(r, JSONR_OBJ));
	assert_int_equal(jsonr_len(r), 12);
	assert_string_equal(jsonr_get_str(r, "s"), "x");
	assert_int_equal(jsonr_get_i64(r, "i", &i64), 0);
	assert_int_equal(i64, -7);
	assert_int_equal(jsonr_get_i64(r, "f", &i64), -ERANGE);
	assert_int_equal(jsonr_num(jsonr_get(r, "f"), &d), 0);
	assert_true(d == 100.0);
	assert_int_equal(jsonr_get_i64(r, "e", &i64), -ERANGE);
	assert_int_equal(jsonr_get_i64(r, "big", &i64), -ERANGE);
	assert_int_equal(jsonr_num(jsonr_get(r, "big"), &d), 0);
	assert_true(d == 18446744073709551616.0);
	{ /* unsigned 64 bits: a seed above INT64_MAX, exactly */
		uint64_t u = 0;

		assert_int_equal(jsonr_u64(jsonr_get(r, "seed"), &u), 0);
		assert_true(u == UINT64_MAX);
		assert_int_equal(jsonr_u64(jsonr_get(r, "big"), &u), -ERANGE);
		assert_int_equal(jsonr_u64(jsonr_get(r, "i"), &u), -ERANGE);
		assert_int_equal(jsonr_u64(jsonr_get(r, "f"), &u), -ERANGE);
		assert_int_equal(jsonr_u64(jsonr_get(r, "s"), &u), -EINVAL);
		assert_int_equal(jsonr_u64(jsonr_get(r, "e"), &u), -ERANGE);
	}
	assert_int_equal(jsonr_get_i64(r, "s", &i64), -EINVAL);
	assert_int_equal(jsonr_get_i64(r, "missing", &i64), -EINVAL);
	assert_int_equal(jsonr_bool(jsonr_get(r, "t"), &b), 0);
	assert_true(b);
	assert_int_equal(jsonr_bool(jsonr_get(r, "n"), &b), -EINVAL);
	assert_true(jsonr_is(jsonr_get(r, "n"), JSONR_NULL));
	assert_int_equal(jsonr_num(jsonr_get(r, "s"), &d), -EINVAL);
	assert_null(jsonr_get_str(r, "i"));
	assert_int_equal(jsonr_get_i64(r, "dup", &i64), 0);
	assert_int_equal(i64, 1); /* the first of a repeated name */

	v = jsonr_get(r, "a");
	assert_int_equal(jsonr_len(v), 3);
	assert_int_equal(jsonr_i64(jsonr_at(v, 2), &i64), 0);
	assert_int_equal(i64, 30);
	assert_null(jsonr_at(v, 3));
	assert_null(jsonr_get(v, "x")); /* not an object */
	assert_null(jsonr_first(jsonr_get(r, "o")));
	assert_int_equal(jsonr_len(jsonr_get(r, "o")), 0);
	assert_string_equal(jsonr_key(jsonr_first(r)), "s");
	assert_null(jsonr_key(jsonr_first(v)));

	/* NULL anywhere in a chain is harmless. */
	assert_null(jsonr_get(jsonr_get(r, "nope"), "deeper"));
	assert_null(jsonr_at(NULL, 0));
	assert_null(jsonr_first(NULL));
	assert_null(jsonr_next(NULL));
	assert_null(jsonr_str(NULL));
	assert_int_equal(jsonr_len(NULL), 0);
	assert_false(jsonr_is(NULL, JSONR_NULL));
	assert_null(jsonr_root(NULL));
	assert_string_equal(jsonr_type_name(jsonr_type(v)), "array");
	assert_string_equal(jsonr_type_name(JSONR_BOOL), "boolean");
	jsonr_free(doc);
	jsonr_free(NULL);
}

/* A Timestream Query page, walked as the query target will. */
static void
test_timestream_query_page(void **state)
{
	static const char text[]
	    = "{\"QueryId\":\"AEDACANMQDLSTQR3J6JA\","
	      "\"NextToken\":\"AYABeGRhGk3ziLG+d/pQ==\","
	      "\"Rows\":["
	      "{\"Data\":[{\"ScalarValue\":\"1\"},{\"NullValue\":true}]},"
	      "{\"Data\":[{\"ScalarValue\":\"2\"},{\"ScalarValue\":\"9.5\"}]}]"
	      ","
	      "\"ColumnInfo\":["
	      "{\"Name\":\"hostname\",\"Type\":{\"ScalarType\":\"VARCHAR\"}},"
	      "{\"Name\":\"avg_cpu\",\"Type\":{\"ScalarType\":\"DOUBLE\"}}],"
	      "\"QueryStatus\":{\"ProgressPercentage\":100,"
	      "\"CumulativeBytesScanned\":123,"
	      "\"CumulativeBytesMetered\":10000000}}";
	struct jsonr_doc       *doc;
	const struct jsonr_val *root, *row, *d, *st;
	char                    err[128];
	int64_t                 metered = 0, v;
	double                  pct     = 0;
	int                     nrows = 0, nnull = 0;

	(void)state;
	assert_int_equal(
	    jsonr_parse(text, strlen(text), &doc, err, sizeof(err)), 0);
	root = jsonr_root(doc);
	assert_string_equal(
	    jsonr_get_str(root, "QueryId"), "AEDACANMQDLSTQR3J6JA");
	assert_string_equal(
	    jsonr_get_str(root, "NextToken"), "AYABeGRhGk3ziLG+d/pQ==");
	for (row = jsonr_first(jsonr_get(root, "Rows")); row;
	     row = jsonr_next(row)) {
		nrows++;
		for (d = jsonr_first(jsonr_get(row, "Data")); d;
		     d = jsonr_next(d)) {
			bool isnull = false;

			if (jsonr_bool(jsonr_get(d, "NullValue"), &isnull) == 0
			    && isnull)
				nnull++;
			else
				assert_non_null(
				    jsonr_get_str(d, "ScalarValue"));
		}
	}
	assert_int_equal(nrows, 2);
	assert_int_equal(nnull, 1);
	assert_string_equal(
	    jsonr_get_str(
	        jsonr_get(jsonr_at(jsonr_get(root, "ColumnInfo"), 1), "Type"),
	        "ScalarType"),
	    "DOUBLE");
	st = jsonr_get(root, "QueryStatus");
	assert_int_equal(
	    jsonr_get_i64(st, "CumulativeBytesMetered", &metered), 0);
	assert_int_equal(metered, 10000000);
	assert_int_equal(jsonr_get_i64(st, "CumulativeBytesScanned", &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(
	    jsonr_num(jsonr_get(st, "ProgressPercentage"), &pct), 0);
	assert_true(pct == 100.0);
	jsonr_free(doc);

	/* The last page has no NextToken. */
	{
		static const char last[]
		    = "{\"QueryId\":\"q\",\"Rows\":[],\"ColumnInfo\":[]}";

		assert_int_equal(
		    jsonr_parse(last, strlen(last), &doc, err, sizeof(err)),
		    0);
	}
	assert_null(jsonr_get_str(jsonr_root(doc), "NextToken"));
	assert_int_equal(jsonr_len(jsonr_get(jsonr_root(doc), "Rows")), 0);
	jsonr_free(doc);
}

static void
test_rejected_records(void **state)
{
	static const char text[]
	    = "{\"__type\":\"com.amazonaws.timestream.v20181101#"
	      "RejectedRecordsException\","
	      "\"message\":\"One or more records have been rejected. See "
	      "RejectedRecords for details.\","
	      "\"RejectedRecords\":["
	      "{\"RecordIndex\":3,\"Reason\":\"The record timestamp is "
	      "outside "
	      "the time range [2023-11-14T21:13:20Z, 2023-11-15T22:13:20Z) of "
	      "the memory store.\"},"
	      "{\"RecordIndex\":7,\"Reason\":\"A record with the same "
	      "dimensions\\u2014and version "
	      "exists.\",\"ExistingVersion\":2}]}";
	struct jsonr_doc       *doc;
	const struct jsonr_val *root, *rr, *e;
	const char             *type;
	char                    err[128];
	int64_t                 idx, ver;

	(void)state;
	assert_int_equal(
	    jsonr_parse(text, strlen(text), &doc, err, sizeof(err)), 0);
	root = jsonr_root(doc);
	type = jsonr_get_str(root, "__type");
	assert_non_null(type);
	assert_string_equal(
	    strrchr(type, '#') + 1, "RejectedRecordsException");
	assert_non_null(strstr(jsonr_get_str(root, "message"), "rejected"));
	rr = jsonr_get(root, "RejectedRecords");
	assert_int_equal(jsonr_len(rr), 2);
	e = jsonr_first(rr);
	assert_int_equal(jsonr_get_i64(e, "RecordIndex", &idx), 0);
	assert_int_equal(idx, 3);
	assert_int_equal(jsonr_get_i64(e, "ExistingVersion", &ver), -EINVAL);
	e = jsonr_next(e);
	assert_int_equal(jsonr_get_i64(e, "RecordIndex", &idx), 0);
	assert_int_equal(idx, 7);
	assert_int_equal(jsonr_get_i64(e, "ExistingVersion", &ver), 0);
	assert_int_equal(ver, 2);
	assert_non_null(strstr(jsonr_get_str(e, "Reason"),
	    "dimensions\xe2\x80\x94"
	    "and"));
	assert_null(jsonr_next(e));
	jsonr_free(doc);
}

static void
test_describe_endpoints(void **state)
{
	static const char text[]
	    = "{\"Endpoints\": [{\"Address\": "
	      "\"ingest-cell2.timestream.us-east-1.amazonaws.com\", "
	      "\"CachePeriodInMinutes\": 1440}]}";
	struct jsonr_doc       *doc;
	const struct jsonr_val *ep;
	char                    err[128];
	int64_t                 minutes;

	(void)state;
	assert_int_equal(
	    jsonr_parse(text, strlen(text), &doc, err, sizeof(err)), 0);
	ep = jsonr_at(jsonr_get(jsonr_root(doc), "Endpoints"), 0);
	assert_string_equal(jsonr_get_str(ep, "Address"),
	    "ingest-cell2.timestream.us-east-1.amazonaws.com");
	assert_int_equal(
	    jsonr_get_i64(ep, "CachePeriodInMinutes", &minutes), 0);
	assert_int_equal(minutes, 1440);
	jsonr_free(doc);
}

/* Enough values and text to need several arena blocks. */
static void
test_large(void **state)
{
	struct buf              b;
	struct jsonr_doc       *doc;
	const struct jsonr_val *e;
	char                    err[128];
	int64_t                 v, sum = 0;
	int                     i, n   = 0;

	(void)state;
	buf_init(&b, 16 << 20);
	assert_int_equal(buf_addc(&b, '['), 0);
	for (i = 0; i < 100000; i++)
		assert_int_equal(buf_printf(&b, "%s{\"k\":%d,\"s\":\"%0*d\"}",
		                     i ? "," : "", i, i % 100 + 1, 0),
		    0);
	/* One string larger than any block. */
	assert_int_equal(buf_adds(&b, ",\""), 0);
	for (i = 0; i < (3 << 20); i++)
		assert_int_equal(buf_addc(&b, 'x'), 0);
	assert_int_equal(buf_adds(&b, "\"]"), 0);
	assert_int_equal(jsonr_parse(b.p, b.len, &doc, err, sizeof(err)), 0);
	for (e = jsonr_first(jsonr_root(doc)); e; e = jsonr_next(e)) {
		if (jsonr_is(e, JSONR_STR)) {
			assert_int_equal(jsonr_len(e), 3 << 20);
			continue;
		}
		assert_int_equal(jsonr_get_i64(e, "k", &v), 0);
		assert_int_equal(jsonr_len(jsonr_get(e, "s")), n % 100 + 1);
		sum += v;
		n++;
	}
	assert_int_equal(n, 100000);
	assert_int_equal(sum, (int64_t)99999 * 100000 / 2);
	jsonr_free(doc);
	buf_free(&b);
}

/* ---- pulling ---- */

/* An InfluxDB /query answer walked as the influx target does. */
static void
test_scan_walk(void **state)
{
	static const char text[]
	    = " {\"results\": [ {\"statement_id\":0, \"series\":[{\"name\":"
	      "\"m\",\"tags\":{\"h\":\"a\\\"b\"},\"columns\":[\"time\",\"v\"],"
	      "\"values\":[[1,2.5],[2,null],[3,-1e-3]]}]}], \"x\":true,"
	      "\"u\":\"\\u00e9\\ud83d\\ude00\\n\\/\"} ";
	struct jsonr s;
	struct buf   key, v;
	unsigned     rows = 0, nulls = 0;
	int          rc;

	(void)state;
	buf_init(&key, 256);
	buf_init(&v, 256);
	jsonr_init(&s, text, sizeof(text) - 1);
	assert_true(jsonr_enter(&s, '{'));
	while (jsonr_more(&s, '}')) {
		assert_int_equal(jsonr_member(&s, &key), 0);
		if (strcmp(key.p, "results") == 0) {
			jsonr_enter(&s, '[');
			while (jsonr_more(&s, ']')) {
				jsonr_enter(&s, '{');
				while (jsonr_more(&s, '}')) {
					jsonr_member(&s, &key);
					if (strcmp(key.p, "series") != 0) {
						jsonr_skip(&s);
						continue;
					}
					jsonr_enter(&s, '[');
					while (jsonr_more(&s, ']')) {
						jsonr_enter(&s, '{');
						while (jsonr_more(&s, '}')) {
							jsonr_member(&s, &key);
							if (strcmp(key.p,
							        "values"))
								jsonr_skip(&s);
							else
								break;
						}
						jsonr_enter(&s, '[');
						while (jsonr_more(&s, ']')) {
							jsonr_enter(&s, '[');
							while (jsonr_more(
							    &s, ']')) {
								buf_reset(&v);
								rc = jsonr_scalar(
								    &s, &v);
								nulls
								    += rc == 1;
							}
							rows++;
						}
						assert_false(
						    jsonr_more(&s, '}'));
					}
				}
			}
		} else if (strcmp(key.p, "u") == 0) {
			buf_reset(&v);
			assert_int_equal(jsonr_scalar(&s, &v), 0);
			buf_cstr(&v);
			assert_string_equal(
			    v.p, "\xc3\xa9\xf0\x9f\x98\x80\n/");
		} else if (strcmp(key.p, "x") == 0) {
			buf_reset(&v);
			assert_int_equal(jsonr_scalar(&s, &v), 0);
			assert_int_equal(v.len, 4);
		} else {
			jsonr_skip(&s);
		}
	}
	assert_int_equal(s.err, 0);
	assert_int_equal(rows, 3);
	assert_int_equal(nulls, 1);
	assert_int_equal(jsonr_peek(&s), 0);
	assert_int_equal(jsonr_end(&s), 0);
	buf_free(&key);
	buf_free(&v);
}

static void
test_scan_errors(void **state)
{
	static const char *const bad_docs[] = {
		"{\"a\":1",
		"{\"a\":\"x}",
		"{\"a\":\"\\q\"}",
		"[1 2",
		"{\"a\":\"\\u12\"}",
		"}",
		"",
		"{\"a\":\"x\ny\"}",
		"[1 2]",
		"{\"a\" 1}",
		"{\"a\":1,}",
		"[,1]",
		"[1,,2]",
		"{\"a\":1 \"b\":2}",
		"[nul]",
		"[1e]",
	};
	struct jsonr s;
	struct buf   key, v;
	char         deep[200], err[128];
	size_t       i;

	(void)state;
	buf_init(&key, 64);
	buf_init(&v, 8);
	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		jsonr_init(&s, bad_docs[i], strlen(bad_docs[i]));
		jsonr_skip(&s);
		if (!s.err)
			print_error("accepted: %s\n", bad_docs[i]);
		assert_int_equal(s.err, -EINVAL);
		/* the error sticks */
		assert_false(jsonr_more(&s, '}'));
		assert_true(jsonr_member(&s, &key) < 0);
		assert_true(jsonr_scalar(&s, &v) < 0);
		assert_int_equal(jsonr_peek(&s), 0);
	}
	/* a trailing comma fails in jsonr_more, a missing colon in
	 * jsonr_member, each with the tree's message */
	jsonr_init(&s, "[1,]", 4);
	assert_true(jsonr_enter(&s, '['));
	assert_true(jsonr_more(&s, ']'));
	assert_int_equal(jsonr_skip(&s), 0);
	assert_false(jsonr_more(&s, ']'));
	assert_int_equal(s.err, -EINVAL);
	jsonr_error(&s, err, sizeof(err));
	assert_string_equal(err, "JSON: unexpected ']' at byte 3");
	jsonr_init(&s, "{\"a\" 1}", 7);
	assert_true(jsonr_enter(&s, '{'));
	assert_true(jsonr_more(&s, '}'));
	assert_int_equal(jsonr_member(&s, &key), -EINVAL);
	jsonr_error(&s, err, sizeof(err));
	assert_string_equal(err, "JSON: unexpected '1' at byte 5");
	/* too deep */
	memset(deep, '[', sizeof(deep));
	jsonr_init(&s, deep, sizeof(deep));
	assert_int_equal(jsonr_skip(&s), -ELOOP);
	jsonr_error(&s, err, sizeof(err));
	assert_string_equal(err, "JSON: nesting deeper than 64 at byte 64");
	/* empty containers, and the wrong one */
	jsonr_init(&s, "[]", 2);
	assert_true(jsonr_enter(&s, '['));
	assert_false(jsonr_more(&s, ']'));
	assert_int_equal(s.err, 0);
	assert_int_equal(jsonr_end(&s), 0);
	jsonr_init(&s, "{}", 2);
	assert_false(jsonr_enter(&s, '['));
	assert_int_equal(s.err, -EINVAL);
	/* a buf cap */
	jsonr_init(&s, "\"0123456789\"", 12);
	assert_int_equal(jsonr_scalar(&s, &v), -ENOSPC);
	/* something after the value */
	jsonr_init(&s, "{} x", 4);
	assert_int_equal(jsonr_skip(&s), 0);
	assert_int_equal(jsonr_end(&s), -EINVAL);
	buf_free(&key);
	buf_free(&v);
}

/* One tokenizer: skipping a bad document fails with the message the tree
 * gives, but for the range of a number, which only the tree converts. */
static void
test_scan_agrees(void **state)
{
	struct jsonr s;
	char         err[128];
	size_t       i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = bad[i].len ? bad[i].len : strlen(bad[i].in);

		jsonr_init(&s, bad[i].in, n);
		if (jsonr_skip(&s) == 0 && jsonr_end(&s) == 0) {
			if (!strstr(bad[i].err, "out of range"))
				fail_msg("case %zu (%s) skipped without error",
				    i, bad[i].in);
			continue;
		}
		jsonr_error(&s, err, sizeof(err));
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu (%s): got \"%s\", want \"%s\"", i,
			    bad[i].in, err, bad[i].err);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		jsonr_init(&s, good[i].in, strlen(good[i].in));
		assert_int_equal(jsonr_skip(&s), 0);
		assert_int_equal(jsonr_end(&s), 0);
	}
}

/* A large answer is walked in bounded memory: the row buffer is reused,
 * so it never holds more than one row. */
static void
test_scan_large(void **state)
{
	struct buf   text, row;
	struct jsonr s;
	int          i, rows = 0;

	(void)state;
	buf_init(&text, 64 << 20);
	buf_init(&row, 4096);
	assert_int_equal(buf_adds(&text, "{\"values\":["), 0);
	for (i = 0; i < 500000; i++)
		assert_int_equal(
		    buf_printf(&text, "%s[%d,\"v%d\"]", i ? "," : "", i, i),
		    0);
	assert_int_equal(buf_adds(&text, "]}"), 0);
	jsonr_init(&s, text.p, text.len);
	assert_true(jsonr_enter(&s, '{'));
	while (jsonr_more(&s, '}')) {
		assert_int_equal(jsonr_member(&s, NULL), 0);
		assert_true(jsonr_enter(&s, '['));
		while (jsonr_more(&s, ']')) {
			buf_reset(&row);
			assert_true(jsonr_enter(&s, '['));
			while (jsonr_more(&s, ']'))
				assert_int_equal(jsonr_scalar(&s, &row), 0);
			rows++;
		}
	}
	assert_int_equal(s.err, 0);
	assert_int_equal(rows, 500000);
	assert_true(row.cap <= 4096);
	buf_free(&row);
	buf_free(&text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_errors_hide_strings),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_timestream_query_page),
		cmocka_unit_test(test_rejected_records),
		cmocka_unit_test(test_describe_endpoints),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_scan_walk),
		cmocka_unit_test(test_scan_errors),
		cmocka_unit_test(test_scan_agrees),
		cmocka_unit_test(test_scan_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
