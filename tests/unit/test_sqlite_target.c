/* test_sqlite_target.c - the sqlite: target: union schema rows of both
 * layouts, exact row counts with threads and processes writing one file,
 * busy waits counted as throttles, retry after a busy give-up, cleanup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "series_fixture.h"

static void
event_sample(struct sample *s, unsigned first, unsigned count)
{
	event_sample_at(s, first, count, 1700000000001);
}

static char tmpdir[] = "/tmp/tsl-sqlite-XXXXXX";

static void
batch_count(struct batch *b)
{
	unsigned i;

	b->records = 0;
	b->points  = 0;
	for (i = 0; i < b->n; i++) {
		b->records += b->multi ? 1 : b->s[i].count;
		b->points += b->s[i].count;
	}
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A target configuration for DIR/name with the table "devops". */
struct fixture {
	char            url[600];
	char            path[512];
	struct tgt_conf conf;
};

static void
fixture_init(struct fixture *f, const char *name, const char *query)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", tmpdir, name);
	snprintf(f->url, sizeof(f->url), "sqlite:%s%s", f->path, query);
	memset(&f->conf, 0, sizeof(f->conf));
	f->conf.url    = f->url;
	f->conf.table  = "devops";
	f->conf.schema = &fx_schema;
}

static void
setup_ok(const struct tgt_conf *conf)
{
	char err[TGT_ERR_MAX];

	if (target_sqlite.check(conf->url, err, sizeof(err)) != 0)
		fail_msg("check: %s", err);
	if (target_sqlite.setup(conf, err, sizeof(err)) != 0)
		fail_msg("setup: %s", err);
}

static sqlite3 *
db_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 60000);
	return db;
}

/* The first column of the first row of sql, as an integer. */
static int64_t
db_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t       v;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
count_rows(const char *path, const char *table)
{
	char     sql[256];
	sqlite3 *db = db_open(path);
	int64_t  n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	n = db_int(db, sql);
	sqlite3_close(db);
	return n;
}

/* The row of sql as text, columns joined by '|', NULL as "~". */
static void
db_row(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st;
	size_t        o = 0;
	int           c;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: no row", sql);
	out[0] = '\0';
	for (c = 0; c < sqlite3_column_count(st); c++) {
		const unsigned char *t = sqlite3_column_text(st, c);

		o += (size_t)snprintf(out + o, n - o, "%s%s", c ? "|" : "",
		    t ? (const char *)t : "~");
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("%s: more than one row", sql);
	sqlite3_finalize(st);
}

static void
write_ok(struct tgt_ctx *ctx, const struct batch *b)
{
	enum tgt_status st = target_sqlite.write(ctx, b);

	if (st != TGT_OK)
		fail_msg("write: %d %s", st, ctx->err);
}

/* Both layouts and all request-id modes land in one table. */
static void
test_rows(void **state)
{
	struct fixture f;
	struct tgt_ctx ctx = { .ops = &target_sqlite };
	struct sample  s[2];
	struct batch   b;
	sqlite3       *db;
	char           row[1024];

	(void)state;
	fixture_init(&f, "sub/dir/rows.db", "");
	ctx.conf = &f.conf;
	setup_ok(&f.conf);
	setup_ok(&f.conf); /* again: the table is kept */
	assert_int_equal(target_sqlite.init(&ctx), 0);

	/* single, no request id: 20 + 5 rows */
	metric_sample(&s[0], 0, 20);
	event_sample(&s[1], 0, 5);
	b = (struct batch) { .s = s, .n = 2 };
	batch_count(&b);
	write_ok(&ctx, &b);
	/* single, request_id as a measure: 2 + 2 rows */
	metric_sample(&s[0], 19, 2);
	event_sample(&s[1], 4, 2);
	b = (struct batch) { .s = s, .n = 2, .req_id = REQID_MEASURE };
	batch_count(&b);
	write_ok(&ctx, &b);
	/* single, request_id as a dimension: 1 + 1 rows */
	metric_sample(&s[0], 1, 1);
	event_sample(&s[1], 2, 1);
	b = (struct batch) { .s = s, .n = 2, .req_id = REQID_DIMENSION };
	batch_count(&b);
	write_ok(&ctx, &b);
	/* multi: 2 rows, then 2 more with the request id */
	metric_sample(&s[0], 0, 20);
	event_sample(&s[1], 0, 5);
	b = (struct batch) { .s = s, .n = 2, .multi = true };
	batch_count(&b);
	write_ok(&ctx, &b);
	metric_sample(&s[0], 0, 21);
	event_sample(&s[1], 0, 6);
	b = (struct batch) {
		.s = s, .n = 2, .multi = true, .req_id = REQID_MEASURE
	};
	batch_count(&b);
	write_ok(&ctx, &b);
	target_sqlite.fini(&ctx);
	assert_null(ctx.priv);

	db = db_open(f.path);
	assert_int_equal(db_int(db, "SELECT count(*) FROM devops"), 35);
	db_row(db, "PRAGMA journal_mode", row, sizeof(row));
	assert_string_equal(row, "wal");
	assert_int_equal(db_int(db,
	                     "SELECT count(*) FROM sqlite_master "
	                     "WHERE type = 'index'"),
	    0);

	db_row(db,
	    "SELECT time, region, instance_type, process_name, "
	    "request_id, measure_value_double = 47.38912883215873, "
	    "measure_value_bigint, measure_value_varchar, cpu_user "
	    "FROM devops WHERE measure_name = 'cpu_user'",
	    row, sizeof(row));
	assert_string_equal(row,
	    "1700000000000|us-east-1|r5.4xlarge|~|~|1|~"
	    "|~|~");
	db_row(db,
	    "SELECT time, instance_type, process_name, jdk_version, "
	    "instance_name, measure_value_bigint, "
	    "typeof(measure_value_bigint) FROM devops "
	    "WHERE measure_name = 'task_completed'",
	    row, sizeof(row));
	assert_string_equal(
	    row, "1700000000001|~|server|JDK_11|" INST "|123|integer");
	db_row(db,
	    "SELECT measure_value_varchar, measure_value_double FROM devops "
	    "WHERE measure_name = 'task_end_state'",
	    row, sizeof(row));
	assert_string_equal(row, "SUCCESS_WITH_RESULT|~");
	assert_int_equal(db_int(db,
	                     "SELECT count(*) FROM devops WHERE "
	                     "measure_name = 'request_id' AND "
	                     "measure_value_varchar = '" REQ "' AND "
	                     "request_id IS NULL"),
	    2);
	db_row(db,
	    "SELECT measure_name, request_id, measure_value_double "
	    "FROM devops WHERE request_id IS NOT NULL AND "
	    "measure_name NOT IN ('metrics', 'events') AND "
	    "instance_type IS NOT NULL",
	    row, sizeof(row));
	assert_string_equal(row, "cpu_system|" REQ "|1.25");
	db_row(db,
	    "SELECT measure_name, request_id, measure_value_double "
	    "FROM devops WHERE request_id IS NOT NULL AND "
	    "measure_name NOT IN ('metrics', 'events') AND "
	    "process_name IS NOT NULL",
	    row, sizeof(row));
	assert_string_equal(row, "gc_reclaimed|" REQ "|55.5");

	assert_int_equal(db_int(db,
	                     "SELECT count(*) FROM devops WHERE "
	                     "measure_name = 'metrics'"),
	    2);
	db_row(db,
	    "SELECT cpu_user = 47.38912883215873, cpu_system, "
	    "file_descriptors_in_use, memory_free, task_completed, "
	    "measure_value_double, os_version, process_name FROM devops "
	    "WHERE measure_name = 'metrics' AND request_id IS NULL",
	    row, sizeof(row));
	assert_string_equal(row, "1|1.25|19.25|8.25|~|~|AL2|~");
	db_row(db,
	    "SELECT task_completed, task_end_state, gc_reclaimed, gc_pause, "
	    "memory_free = 3.2e-05, cpu_user, instance_type, process_name "
	    "FROM devops WHERE measure_name = 'events' AND "
	    "request_id IS NULL",
	    row, sizeof(row));
	assert_string_equal(row,
	    "123|SUCCESS_WITH_RESULT|55.5|0.125|1|~|~|"
	    "server");
	assert_int_equal(db_int(db,
	                     "SELECT count(*) FROM devops WHERE "
	                     "measure_name IN ('metrics', 'events') "
	                     "AND request_id = '" REQ "'"),
	    2);
	sqlite3_close(db);
}

/* Measures a sample has no value for (sample.absent) are NULL in the
 * multi row, even after a sample that had them (the statement is reused),
 * and have no row in the single layout. */
static void
test_absent(void **state)
{
	struct fixture f;
	struct tgt_ctx ctx = { .ops = &target_sqlite };
	struct sample  s[3];
	struct batch   b;
	sqlite3       *db;
	char           row[1024];

	(void)state;
	fixture_init(&f, "absent-values.db", "");
	ctx.conf = &f.conf;
	setup_ok(&f.conf);
	assert_int_equal(target_sqlite.init(&ctx), 0);

	metric_sample(&s[0], 0, 20);
	metric_sample(&s[1], 0, 20);
	s[1].time_ms++;
	s[1].absent = 0xff; /* the 8 CPU measures */
	event_sample(&s[2], 0, 5);
	s[2].absent = 1u << 1 | 1u << 4; /* task_end_state, memory_free */
	b           = (struct batch) { .s = s, .n = 3, .multi = true };
	batch_count(&b);
	write_ok(&ctx, &b);
	/* single: measures 1..3 of an event, gc_reclaimed absent */
	event_sample(&s[0], 1, 3);
	s[0].time_ms++;
	s[0].absent = 1u << 2;
	b           = (struct batch) { .s = s, .n = 1 };
	batch_count(&b);
	write_ok(&ctx, &b);
	target_sqlite.fini(&ctx);

	db = db_open(f.path);
	assert_int_equal(db_int(db, "SELECT count(*) FROM devops"), 5);
	db_row(db,
	    "SELECT cpu_user IS NULL, cpu_system, cpu_idle, memory_free, "
	    "file_descriptors_in_use FROM devops WHERE measure_name = "
	    "'metrics' AND time = 1700000000001",
	    row, sizeof(row));
	assert_string_equal(row, "1|~|~|8.25|19.25");
	db_row(db,
	    "SELECT cpu_user IS NULL, cpu_idle FROM devops WHERE "
	    "measure_name = 'metrics' AND time = 1700000000000",
	    row, sizeof(row));
	assert_string_equal(row, "0|7.25");
	db_row(db,
	    "SELECT task_completed, task_end_state, gc_reclaimed, gc_pause, "
	    "memory_free FROM devops WHERE measure_name = 'events'",
	    row, sizeof(row));
	assert_string_equal(row, "123|~|55.5|0.125|~");
	assert_int_equal(db_int(db,
	                     "SELECT count(*) FROM devops WHERE time = "
	                     "1700000000002 AND measure_name IN "
	                     "('task_end_state', 'gc_pause')"),
	    2);
	sqlite3_close(db);
}

/* ---- concurrency ---- */

enum { T_THREADS = 4, T_BATCHES = 60, T_SAMPLES = 5 };

struct writer {
	const struct tgt_conf *conf;
	unsigned               thread, batches;
	bool                   multi;
	int                    rc;
	uint64_t               throttles;
};

/* Writes batches of 5 metric samples (100 records, or 5 multi rows),
 * retrying a batch on TGT_RETRY as the worker does. */
static void *
writer_main(void *arg)
{
	struct writer *w   = arg;
	struct tgt_ctx ctx = { .ops = &target_sqlite, .conf = w->conf };
	struct sample  s[T_SAMPLES];
	struct batch   b;
	unsigned       i, k;

	ctx.thread = w->thread;
	if (target_sqlite.init(&ctx) != 0) {
		w->rc = -1;
		goto out;
	}
	for (i = 0; i < w->batches; i++) {
		enum tgt_status st;

		for (k = 0; k < T_SAMPLES; k++) {
			metric_sample(&s[k], 0, 20);
			s[k].time_ms += i * T_SAMPLES + k;
		}
		b = (struct batch) {
			.s = s, .n = T_SAMPLES, .multi = w->multi
		};
		batch_count(&b);
		while ((st = target_sqlite.write(&ctx, &b)) == TGT_RETRY)
			;
		if (st != TGT_OK) {
			fprintf(stderr, "writer %u: %s\n", w->thread, ctx.err);
			w->rc = -1;
			break;
		}
	}
out:
	w->throttles = ctx.throttles;
	target_sqlite.fini(&ctx);
	return NULL;
}

static int
run_writers(
    const struct tgt_conf *conf, unsigned n, unsigned batches, bool multi)
{
	pthread_t     th[T_THREADS];
	struct writer w[T_THREADS];
	unsigned      i;
	int           rc = 0;

	for (i = 0; i < n; i++) {
		w[i] = (struct writer) { .conf = conf,
			.thread                = i,
			.batches               = batches,
			.multi                 = multi };
		pthread_create(&th[i], NULL, writer_main, &w[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		rc |= w[i].rc;
	}
	return rc;
}

static void
test_threads(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f, "threads.db", "");
	setup_ok(&f.conf);
	assert_int_equal(run_writers(&f.conf, T_THREADS, T_BATCHES, false), 0);
	assert_int_equal(count_rows(f.path, "devops"),
	    T_THREADS * T_BATCHES * T_SAMPLES * 20);
	assert_int_equal(run_writers(&f.conf, T_THREADS, T_BATCHES, true), 0);
	assert_int_equal(count_rows(f.path, "devops"),
	    T_THREADS * T_BATCHES * T_SAMPLES * 21);
}

/* Two processes of two threads each, plus two threads here. */
static void
test_processes(void **state)
{
	struct fixture f;
	pid_t          pid[2];
	int            i, status;

	(void)state;
	fixture_init(&f, "procs.db", "");
	setup_ok(&f.conf);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0)
			_exit(
			    run_writers(&f.conf, 2, T_BATCHES, false) ? 1 : 0);
	}
	assert_int_equal(run_writers(&f.conf, 2, T_BATCHES, false), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(
	    count_rows(f.path, "devops"), 6 * T_BATCHES * T_SAMPLES * 20);
}

/* ---- busy ---- */

/* A lock held by another connection past busy_timeout: the write counts
 * its waits, gives up with TGT_RETRY and leaves nothing behind; once the
 * lock is gone the same batch goes in. */
static void
test_busy_retry(void **state)
{
	struct fixture f;
	struct tgt_ctx ctx = { .ops = &target_sqlite };
	struct sample  s;
	struct batch   b;
	sqlite3       *other;

	(void)state;
	fixture_init(&f, "busy.db", "?busy_timeout=20");
	ctx.conf = &f.conf;
	setup_ok(&f.conf);
	assert_int_equal(target_sqlite.init(&ctx), 0);
	metric_sample(&s, 0, 20);
	b = (struct batch) { .s = &s, .n = 1 };
	batch_count(&b);

	other = db_open(f.path);
	assert_int_equal(
	    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(target_sqlite.write(&ctx, &b), TGT_RETRY);
	assert_true(ctx.throttles >= 1);
	assert_non_null(strstr(ctx.err, f.path));
	assert_non_null(strstr(ctx.err, "locked"));
	assert_int_equal(
	    sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);

	write_ok(&ctx, &b);
	assert_int_equal(db_int(other, "SELECT count(*) FROM devops"), 20);
	sqlite3_close(other);
	target_sqlite.fini(&ctx);
}

struct holder {
	const char     *path;
	struct tgt_ctx *ctx;
	int             locked; /* set once the lock is held */
};

/* Holds a write lock until the writer has waited on it, then 200 ms
 * more, then lets go. */
static void *
holder_main(void *arg)
{
	struct holder  *h  = arg;
	sqlite3        *db = db_open(h->path);
	struct timespec ms = { 0, 1000000 }, more = { 0, 200000000 };
	int             i;

	assert_int_equal(
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	__atomic_store_n(&h->locked, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 60000; i++) {
		if (__atomic_load_n(&h->ctx->throttles, __ATOMIC_RELAXED))
			break;
		nanosleep(&ms, NULL);
	}
	nanosleep(&more, NULL);
	assert_int_equal(
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	return NULL;
}

static void
test_busy_wait(void **state)
{
	struct fixture  f;
	struct tgt_ctx  ctx = { .ops = &target_sqlite };
	struct holder   h;
	struct sample   s[5];
	struct batch    b;
	struct timespec ms = { 0, 1000000 };
	pthread_t       th;
	int             i;

	(void)state;
	fixture_init(&f, "wait.db", "");
	ctx.conf = &f.conf;
	setup_ok(&f.conf);
	assert_int_equal(target_sqlite.init(&ctx), 0);
	for (i = 0; i < 5; i++)
		metric_sample(&s[i], 0, 20);
	b = (struct batch) { .s = s, .n = 5 };
	batch_count(&b);

	h = (struct holder) { .path = f.path, .ctx = &ctx };
	pthread_create(&th, NULL, holder_main, &h);
	while (!__atomic_load_n(&h.locked, __ATOMIC_ACQUIRE))
		nanosleep(&ms, NULL);
	write_ok(&ctx, &b);
	pthread_join(th, NULL);
	assert_true(ctx.throttles >= 1);
	target_sqlite.fini(&ctx);
	assert_int_equal(count_rows(f.path, "devops"), 100);
}

/* ---- names, errors, cleanup ---- */

static void
test_table_names(void **state)
{
	static const char *const bad[]
	    = { "", "sqlite_master", "SQLite_x", "a\nb" };
	struct fixture f;
	struct tgt_ctx ctx = { .ops = &target_sqlite };
	struct sample  s;
	struct batch   b;
	char           err[TGT_ERR_MAX], longname[200];
	size_t         i;

	(void)state;
	fixture_init(&f, "names.db", "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f.conf.table = bad[i];
		err[0]       = '\0';
		assert_int_equal(
		    target_sqlite.setup(&f.conf, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "invalid table name"));
	}
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	f.conf.table                   = longname;
	assert_int_equal(
	    target_sqlite.setup(&f.conf, err, sizeof(err)), -EINVAL);

	/* Quotes and spaces are fine once quoted. */
	f.conf.table = "my \"odd\" table";
	ctx.conf     = &f.conf;
	setup_ok(&f.conf);
	assert_int_equal(target_sqlite.init(&ctx), 0);
	metric_sample(&s, 0, 3);
	b = (struct batch) { .s = &s, .n = 1 };
	batch_count(&b);
	write_ok(&ctx, &b);
	target_sqlite.fini(&ctx);
	assert_int_equal(count_rows(f.path, "my \"\"odd\"\" table"), 3);
}

static void
test_errors(void **state)
{
	struct fixture f;
	struct tgt_ctx ctx = { .ops = &target_sqlite };
	char           err[TGT_ERR_MAX];

	(void)state;
	/* init before setup: no database file */
	fixture_init(&f, "none/x.db", "");
	ctx.conf = &f.conf;
	assert_true(target_sqlite.init(&ctx) < 0);
	assert_non_null(strstr(ctx.err, f.path));
	target_sqlite.fini(&ctx);
	assert_null(ctx.priv);

	/* a database without the table */
	fixture_init(&f, "notable.db", "");
	setup_ok(&f.conf);
	f.conf.table = "other";
	assert_true(target_sqlite.init(&ctx) < 0);
	assert_non_null(strstr(ctx.err, "no such table"));
	target_sqlite.fini(&ctx);

	/* a path that cannot be a directory */
	fixture_init(&f, "notable.db/sub/x.db", "");
	assert_true(target_sqlite.setup(&f.conf, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "notable.db"));
}

static void
test_cleanup(void **state)
{
	struct fixture f;
	char           err[TGT_ERR_MAX], want[TGT_ERR_MAX + 600];
	sqlite3       *db;
	struct stat    st;

	(void)state;
	fixture_init(&f, "cleanup.db", "");
	setup_ok(&f.conf);
	assert_int_equal(target_sqlite.cleanup(&f.conf, err, sizeof(err)), 0);
	db = db_open(f.path);
	assert_int_equal(db_int(db,
	                     "SELECT count(*) FROM sqlite_master "
	                     "WHERE name = 'devops'"),
	    0);
	sqlite3_close(db);
	/* again, and on a file that is not there: nothing to drop, said so,
	 * and no file made */
	assert_int_equal(target_sqlite.cleanup(&f.conf, err, sizeof(err)),
	    TGT_CLEANUP_NOTHING);
	snprintf(
	    want, sizeof(want), "table devops does not exist in %s", f.path);
	assert_string_equal(err, want);
	fixture_init(&f, "absent.db", "");
	assert_int_equal(target_sqlite.cleanup(&f.conf, err, sizeof(err)),
	    TGT_CLEANUP_NOTHING);
	snprintf(want, sizeof(want), "no database file %s", f.path);
	assert_string_equal(err, want);
	assert_int_equal(stat(f.path, &st), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_busy_retry),
		cmocka_unit_test(test_busy_wait),
		cmocka_unit_test(test_table_names),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cleanup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
