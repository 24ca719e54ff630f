/* test_verify_show.c - unit tests of run.json's "verify" object read back
 * (coordinator/verify_show.c): what verify_json writes reads back field
 * for field (the report, its page and compare show it), the verdict and
 * the brief text of what differs, and an object that is not
 * verify_json's is refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "jsonr.h"
#include "verify_show.h"
#include "xalloc.h"

/* A result with every field set to a value of its own. */
static void
fill(struct verify_result *r)
{
	memset(r, 0, sizeof(*r));
	r->total = (struct verify_counts) { 312000, 311998, 7, 5, 3, 2, 1, 4 };
	r->kind[0]
	    = (struct verify_counts) { 240000, 239998, 7, 5, 3, 2, 0, 0 };
	r->kind[1] = (struct verify_counts) { 72000, 72000, 0, 0, 0, 0, 0, 0 };
	strcpy(r->kind_name[0], "metrics");
	strcpy(r->kind_name[1], "events");
	r->tolerance          = 1e-11;
	r->cells              = 26000;
	r->cells_bad          = 17;
	r->row_queries        = 15;
	r->cells_inconsistent = 2;
	r->seconds            = 0.75;
	r->counts_only        = true;
	strcpy(r->example_extra, "i-nosuch");
	r->n_diff = 2;
	strcpy(r->diff[0].series, "i-a/proc");
	strcpy(r->diff[0].measurement, "events");
	strcpy(r->diff[0].measure, "task_end_state");
	r->diff[0].hour_ms   = 1767229200000; /* 2026-01-01T01:00:00Z */
	r->diff[0].c.missing = 1;
	strcpy(r->diff[1].series, "i-b");
	strcpy(r->diff[1].measurement, "metrics");
	strcpy(r->diff[1].measure, "cpu_user");
	r->diff[1].hour_ms      = 1767225600000;
	r->diff[1].c.changed    = 3;
	r->diff[1].c.unexpected = 2;
}

/* Writes r as run.json's verify object, reads it back into out. */
static int
round_trip(const char *text, struct verify_shown *out, char *err, size_t n)
{
	struct jsonr_doc *doc;
	int               rc;

	assert_int_equal(jsonr_parse(text, strlen(text), &doc, err, n), 0);
	rc = verify_show_read(jsonr_root(doc), out, err, n);
	jsonr_free(doc);
	return rc;
}

static void
test_round_trip(void **state)
{
	struct verify_result *r = xmalloc(sizeof(*r));
	struct verify_shown  *v = xmalloc(sizeof(*v));
	struct buf            b;
	struct json_w         w;
	char                  err[256], h[32];

	(void)state;
	fill(r);
	buf_init(&b, 1u << 20);
	json_w_init(&w, &b, false);
	assert_int_equal(json_obj_begin(&w)
	        | verify_json(&w, r, "postgres://u:secret@h/db")
	        | json_obj_end(&w) | json_w_finish(&w),
	    0);
	buf_cstr(&b);
	assert_int_equal(round_trip(b.p, v, err, sizeof(err)), 0);
	assert_string_equal(v->target, "postgres://u:***@h/db");
	assert_true(v->differs);
	assert_memory_equal(&v->r.total, &r->total, sizeof(r->total));
	assert_memory_equal(&v->r.kind, &r->kind, sizeof(r->kind));
	assert_string_equal(v->r.kind_name[1], "events");
	assert_true(v->r.counts_only);
	assert_true(v->r.tolerance == 1e-11 && v->r.seconds == 0.75);
	assert_true(v->r.cells == 26000 && v->r.cells_bad == 17
	    && v->r.row_queries == 15 && v->r.cells_inconsistent == 2);
	assert_string_equal(v->r.example_extra, "i-nosuch");
	assert_int_equal(v->r.n_diff, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_string_equal(v->r.diff[i].series, r->diff[i].series);
		assert_string_equal(v->r.diff[i].measure, r->diff[i].measure);
		assert_string_equal(
		    v->r.diff[i].measurement, r->diff[i].measurement);
		assert_true(v->r.diff[i].hour_ms == r->diff[i].hour_ms);
		assert_true(v->r.diff[i].c.missing == r->diff[i].c.missing
		    && v->r.diff[i].c.changed == r->diff[i].c.changed
		    && v->r.diff[i].c.unexpected == r->diff[i].c.unexpected);
	}
	verify_hour_text(v->r.diff[0].hour_ms, h, sizeof(h));
	assert_string_equal(h, "2026-01-01T01:00:00Z");
	buf_free(&b);
	free(r);
	free(v);
}

static void
test_words(void **state)
{
	struct verify_result *r = xmalloc(sizeof(*r));
	char                  t[200];

	(void)state;
	fill(r);
	verify_brief(r, t, sizeof(t));
	assert_string_equal(t,
	    "missing 7, duplicated 5, changed 3, at unexpected times 2, unexpected series 1");
	memset(&r->total, 0, sizeof(r->total));
	r->total.changed = 1;
	verify_brief(r, t, sizeof(t));
	assert_string_equal(t, "changed 1");
	memset(&r->total, 0, sizeof(r->total));
	verify_brief(r, t, sizeof(t));
	assert_string_equal(t, "");
	verify_counts_text(&r->kind[0], t, sizeof(t));
	assert_string_equal(t,
	    "240000 points expected, 239998 found; missing 7, duplicated 5, changed 3, at unexpected times 2");
	assert_string_equal(verify_verdict(false),
	    "the target holds exactly what was written");
	assert_non_null(strstr(verify_verdict(true), "differs"));
	free(r);
}

static void
test_refused(void **state)
{
	struct verify_shown *v = xmalloc(sizeof(*v));
	char                 err[256];

	(void)state;
	assert_int_not_equal(
	    round_trip("{\"target\": \"x\"}", v, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "no \"totals\""));
	assert_int_not_equal(
	    round_trip("{\"differs\": true, \"totals\": {},"
	               " \"differences\": [{\"hour\": \"soon\"}]}",
	        v, err, sizeof(err)),
	    0);
	assert_non_null(strstr(err, "without an hour"));
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
