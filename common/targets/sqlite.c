/* sqlite.c - the sqlite: target (the default, sqlite:results/tsload.db):
 * SQLite in-process, one table in a union schema holding both kinds in
 * both layouts, like a Timestream table.
 *
 * Threads and processes share one file: WAL journal, a connection per
 * thread, one BEGIN IMMEDIATE transaction per batch, and a busy handler
 * that backs off, counts each wait as a throttle and gives up after
 * busy_timeout ms (then the batch is retried by the caller, never lost).
 */
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "abandon.h"
#include "buf.h"
#include "log.h"
#include "sqlite_funcs.h"
#include "target.h"
#include "xalloc.h"

enum {
	SQ_BACKOFF_MAX = 50, /* ms: longest single busy sleep */
	SQ_TABLE_MAX   = 128,
	SQ_IDENT_MAX   = 2 * SQ_TABLE_MAX + 3,
	SQ_SQL_MAX     = 1 << 16,
	/* Parameters of the insert statements. */
	SQ_P_TIME = 1,
	SQ_P_DCOL = 2, /* + dimension column; then measure_name, then the
	                  value (single: + enum measure_type) or measure
	                  (multi: + measure column) parameters */
};

static const char *const sq_sql_types[] = { "REAL", "INTEGER", "TEXT" };

struct sq_priv {
	sqlite3        *db;
	sqlite3_stmt   *begin, *commit, *rollback, *ins_single, *ins_multi;
	struct tgt_ctx *ctx;
	char           *path;
	unsigned        busy_ms;
	struct timespec busy_t0; /* start of the current busy wait */
	int             p_name;  /* parameter of measure_name */
};

/* ---- URL and names ---- */

struct sq_url {
	char     path[PATH_MAX];
	unsigned busy_ms;
};

static const struct param_row sq_params[] = {
	{ "busy_timeout", PARAM_UINT, PARAM_FIELD(struct sq_url, busy_ms),
	    "30000", 0, 86400000, NULL, "MS",
	    "give up waiting for a locked database after MS ms" },
	{ NULL },
};

static int
sq_parse_url(const char *url, struct sq_url *u, char *err, size_t errlen)
{
	int rc = params_parse_url(sq_params, u, url, err, errlen);

	if (rc)
		return rc;
	if (target_url_path(url, u->path, sizeof(u->path)) != 0) {
		snprintf(err, errlen, "sqlite: path too long");
		return -EINVAL;
	}
	if (!u->path[0]) {
		snprintf(err, errlen,
		    "sqlite: no path (use sqlite:PATH, e.g. "
		    "sqlite:results/tsload.db)");
		return -EINVAL;
	}
	return 0;
}

/* The table name as a quoted identifier, after checking it. */
static int
sq_ident(const char *table, char *out, size_t outlen, char *err, size_t errlen)
{
	return target_sql_ident("sqlite", table, SQ_TABLE_MAX, "sqlite_", out,
	    outlen, err, errlen);
}

/* ---- SQL text ---- */

/* The union table of the schema (schema.h), both layouts' columns. */
static void
sq_sql_create(struct buf *b, const char *ident, const struct schema *sc)
{
	int c;

	buf_printf(
	    b, "CREATE TABLE IF NOT EXISTS %s (time INTEGER NOT NULL", ident);
	for (c = 0; c < sc->n_dcols; c++)
		buf_printf(b, ", %s TEXT", sc->dcol[c]);
	buf_adds(b, ", measure_name TEXT NOT NULL");
	for (c = 0; c < 3; c++)
		buf_printf(
		    b, ", %s %s", schema_value_cols[c], sq_sql_types[c]);
	for (c = 0; c < sc->n_mcols; c++)
		buf_printf(
		    b, ", %s %s", sc->mcol[c], sq_sql_types[sc->mcol_type[c]]);
	buf_adds(b, ")");
}

static void
sq_sql_insert(
    struct buf *b, const char *ident, const struct schema *sc, bool multi)
{
	int c, n;

	buf_printf(b, "INSERT INTO %s ", ident);
	schema_columns(b, sc, multi);
	buf_adds(b, " VALUES (?");
	n = SQ_P_DCOL + sc->n_dcols + (multi ? sc->n_mcols : 3);
	for (c = 1; c < n; c++)
		buf_adds(b, ", ?");
	buf_adds(b, ")");
}

/* ---- connections ---- */

static int
sq_open(const char *path, int flags, sqlite3 **db, char *err, size_t errlen)
{
	int rc = sqlite3_open_v2(path, db, flags, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if (!(flags & SQLITE_OPEN_CREATE) && access(path, F_OK) != 0)
		snprintf(err, errlen,
		    "sqlite %s: no such database file (tsload ingest creates "
		    "it)",
		    path);
	else
		snprintf(err, errlen, "sqlite %s: %s", path,
		    *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
	sqlite3_close(*db);
	*db = NULL;
	return rc == SQLITE_CANTOPEN ? -ENOENT : -EIO;
}

/* Runs SQL text that returns nothing of interest. */
static int
sq_exec(
    sqlite3 *db, const char *path, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "sqlite %s: %s", path,
	    msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -EIO;
}

static int
sq_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	char          ident[SQ_IDENT_MAX];
	struct sq_url u;
	struct buf    sql;
	sqlite3      *db;
	int           rc;

	rc = target_need_schema("sqlite", conf, err, errlen);
	if (!rc)
		rc = sq_parse_url(conf->url, &u, err, errlen);
	if (!rc)
		rc = sq_ident(conf->table, ident, sizeof(ident), err, errlen);
	if (!rc)
		rc = target_mkdir_parents(u.path, err, errlen);
	if (!rc)
		rc = sq_open(u.path,
		    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db, err,
		    errlen);
	if (rc)
		return rc;
	sqlite3_busy_timeout(db, (int)u.busy_ms);
	buf_init(&sql, SQ_SQL_MAX);
	sq_sql_create(&sql, ident, conf->schema);
	buf_cstr(&sql);
	/* WAL lets readers go on while one writer commits; it is a property
	 * of the file, so setting it once here is enough. */
	rc = sq_exec(db, u.path, "PRAGMA journal_mode=WAL", err, errlen);
	if (!rc)
		rc = sq_exec(db, u.path, sql.p, err, errlen);
	buf_free(&sql);
	sqlite3_close(db);
	return rc;
}

/* The number of rows of table `name` (unquoted) in db, or -1 when there is
 * no such table. */
static int64_t
sq_table_rows(sqlite3 *db, const char *name, const char *ident)
{
	sqlite3_stmt *st = NULL;
	char          sql[SQ_IDENT_MAX + 32];
	int64_t       n = -1;

	if (sqlite3_prepare_v2(db,
	        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
	        "?",
	        -1, &st, NULL)
	        != SQLITE_OK
	    || sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK
	    || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", ident);
	n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK
	    && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A missing file or table is nothing to drop (and no file is created);
 * a table is dropped after a line that says how many rows it has. */
static int
sq_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	char          ident[SQ_IDENT_MAX], sql[SQ_IDENT_MAX + 32];
	struct sq_url u;
	sqlite3      *db;
	int64_t       rows;
	int           rc;

	rc = sq_parse_url(conf->url, &u, err, errlen);
	if (!rc)
		rc = sq_ident(conf->table, ident, sizeof(ident), err, errlen);
	if (rc)
		return rc;
	if (access(u.path, F_OK) != 0 && errno == ENOENT) {
		snprintf(err, errlen, "no database file %s", u.path);
		return TGT_CLEANUP_NOTHING;
	}
	rc = sq_open(u.path, SQLITE_OPEN_READWRITE, &db, err, errlen);
	if (rc)
		return rc;
	sqlite3_busy_timeout(db, (int)u.busy_ms);
	rows = sq_table_rows(db, conf->table, ident);
	if (rows < 0) {
		snprintf(err, errlen, "table %s does not exist in %s",
		    conf->table, u.path);
		sqlite3_close(db);
		return TGT_CLEANUP_NOTHING;
	}
	log_info("dropping table %s (%lld rows) of %s ...", conf->table,
	    (long long)rows, u.path);
	snprintf(sql, sizeof(sql), "DROP TABLE %s", ident);
	rc = sq_exec(db, u.path, sql, err, errlen);
	sqlite3_close(db);
	return rc;
}

static int
sq_check(const char *url, char *err, size_t errlen)
{
	struct sq_url u;

	return sq_parse_url(url, &u, err, errlen);
}

enum { SQ_PROGRESS_OPS = 10000 }; /* VM steps between checks for a stop */

/* Every SQ_PROGRESS_OPS virtual-machine steps: a statement still running
 * when the stop's grace is over is interrupted (abandon.h). */
static int
sq_progress(void *arg)
{
	(void)arg;
	return abandon_due();
}

/* Called by SQLite while another connection holds the lock: sleep 1, 2,
 * 4, ... up to SQ_BACKOFF_MAX ms, and give up busy_ms after the first
 * call. One wait counts as one throttle, however many sleeps it takes.
 * (Shorter first sleeps were measured: on 2 cores the extra wake-ups cost
 * more throughput than they save.) */
static int
sq_busy(void *arg, int count)
{
	struct sq_priv *q = arg;
	struct timespec now, d;
	long            ms;

	if (abandon_due()) /* stopped, grace over: no more waiting */
		return 0;
	if (count == 0) {
		q->ctx->throttles++;
		clock_gettime(CLOCK_MONOTONIC, &q->busy_t0);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - q->busy_t0.tv_sec) * 1000L
		    + (now.tv_nsec - q->busy_t0.tv_nsec) / 1000000L;
		if (ms >= (long)q->busy_ms)
			return 0;
	}
	if (!q->busy_ms)
		return 0;
	ms        = count < 6 ? 1L << count : SQ_BACKOFF_MAX;
	ms        = ms > SQ_BACKOFF_MAX ? SQ_BACKOFF_MAX : ms;
	d.tv_sec  = 0;
	d.tv_nsec = ms * 1000000L;
	while (nanosleep(&d, &d) != 0 && errno == EINTR)
		;
	return 1;
}

static int
sq_prepare(struct sq_priv *q, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v3(
	        q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL)
	    == SQLITE_OK)
		return 0;
	snprintf(q->ctx->err, sizeof(q->ctx->err), "sqlite %s: %s", q->path,
	    sqlite3_errmsg(q->db));
	return -EIO;
}

static int
sq_init(struct tgt_ctx *ctx)
{
	struct sq_priv *q = xcalloc(1, sizeof(*q));
	char            ident[SQ_IDENT_MAX];
	struct sq_url   u;
	struct buf      sql;
	int             rc;

	ctx->priv = q;
	q->ctx    = ctx;
	rc = sq_parse_url(ctx->conf->url, &u, ctx->err, sizeof(ctx->err));
	if (!rc)
		rc = sq_ident(ctx->conf->table, ident, sizeof(ident), ctx->err,
		    sizeof(ctx->err));
	if (rc)
		return rc;
	q->path    = xstrdup(u.path);
	q->busy_ms = u.busy_ms;
	rc = sq_open(u.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    &q->db, ctx->err, sizeof(ctx->err));
	if (rc)
		return rc;
	sqlite3_busy_handler(q->db, sq_busy, q);
	sqlite3_progress_handler(q->db, SQ_PROGRESS_OPS, sq_progress, NULL);
	/* bin(), approx_percentile() and friends for the query dialect */
	if (sqlfn_register(q->db)) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "sqlite %s: cannot register query functions", q->path);
		return -EIO;
	}
	/* In WAL mode NORMAL syncs at checkpoints only: durable against a
	 * crash of the process, fast enough for a benchmark. */
	rc = sq_exec(q->db, q->path, "PRAGMA synchronous=NORMAL", ctx->err,
	    sizeof(ctx->err));
	if (rc)
		return rc;

	/* the inserts, where the caller has a model's schema (not the
	 * query role) */
	if (ctx->conf->schema) {
		q->p_name = SQ_P_DCOL + ctx->conf->schema->n_dcols;
		buf_init(&sql, SQ_SQL_MAX);
		sq_sql_insert(&sql, ident, ctx->conf->schema, false);
		buf_cstr(&sql);
		rc = sq_prepare(q, sql.p, &q->ins_single);
		buf_reset(&sql);
		sq_sql_insert(&sql, ident, ctx->conf->schema, true);
		buf_cstr(&sql);
		if (!rc)
			rc = sq_prepare(q, sql.p, &q->ins_multi);
		buf_free(&sql);
	}
	if (!rc)
		rc = sq_prepare(q, "BEGIN IMMEDIATE", &q->begin);
	if (!rc)
		rc = sq_prepare(q, "COMMIT", &q->commit);
	if (!rc)
		rc = sq_prepare(q, "ROLLBACK", &q->rollback);
	return rc;
}

/* Steps a statement once and resets it: SQLITE_OK or the error. */
static int
sq_run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Binds a sample's time and dimensions; strings live in the model. */
static int
sq_bind_dims(sqlite3_stmt *st, const struct sample *s, bool req)
{
	const struct series      *se = s->series;
	const struct schema_kind *k  = se->g->sk;
	int                       bad, d;

	bad = sqlite3_bind_int64(st, SQ_P_TIME, s->time_ms);
	for (d = 0; d < k->n_dims; d++) {
		struct str v = series_dim(se, (unsigned)d);

		bad |= sqlite3_bind_text(st, SQ_P_DCOL + k->dcol[d], v.p,
		    (int)v.len, SQLITE_STATIC);
	}
	if (req)
		bad |= sqlite3_bind_text(st,
		    SQ_P_DCOL + k->schema->dcol_req_id, s->req_id, -1,
		    SQLITE_STATIC);
	return bad;
}

static int
sq_bind_value(sqlite3_stmt *st, int p, const struct tgt_measure *m)
{
	if (m->type == MT_DOUBLE)
		return sqlite3_bind_double(st, p, m->d);
	if (m->type == MT_BIGINT)
		return sqlite3_bind_int64(st, p, m->i);
	return sqlite3_bind_text(st, p, m->s, (int)m->len, SQLITE_STATIC);
}

/* One row per measure: measure_name and one of the three value columns. */
static int
sq_put_single(struct sq_priv *q, const struct sample *s, const struct batch *b)
{
	sqlite3_stmt      *st = q->ins_single;
	struct tgt_measure m;
	unsigned           i, end, n;
	int                bad, t, rc;

	n   = schema_n_measures(s->series->g->sk, b->req_id);
	end = s->first + s->count < n ? s->first + s->count : n;
	sqlite3_clear_bindings(st);
	bad = sq_bind_dims(
	    st, s, b->req_id == REQID_DIMENSION && s->req_id[0]);
	if (bad)
		return SQLITE_ERROR;
	for (i = s->first; i < end; i++) {
		target_measure(s, i, &m);
		if (m.absent)
			continue; /* no value: no row */
		bad = sqlite3_bind_text(
		    st, q->p_name, m.name, -1, SQLITE_STATIC);
		for (t = 0; t < 3; t++)
			if (t != m.type)
				bad |= sqlite3_bind_null(
				    st, q->p_name + 1 + t);
		bad |= sq_bind_value(st, q->p_name + 1 + m.type, &m);
		if (bad)
			return SQLITE_ERROR;
		rc = sq_run(st);
		if (rc)
			return rc;
	}
	return SQLITE_OK;
}

/* One row per sample: measure_name 'metrics' or 'events', one column per
 * measure; a request_id measure goes to the request_id column. */
static int
sq_put_multi(struct sq_priv *q, const struct sample *s, const struct batch *b)
{
	sqlite3_stmt             *st = q->ins_multi;
	const struct schema_kind *k  = s->series->g->sk;
	struct tgt_measure        m;
	unsigned                  i, n;
	int                       bad;

	n = schema_n_measures(k, b->req_id);
	sqlite3_clear_bindings(st);
	bad = sq_bind_dims(st, s, b->req_id != REQID_NONE && s->req_id[0]);
	bad |= sqlite3_bind_text(
	    st, q->p_name, k->name, k->name_len, SQLITE_STATIC);
	for (i = 0; i < n; i++) {
		target_measure(s, i, &m);
		if (m.mcol != SCHEMA_NONE && !m.absent) /* else NULL */
			bad |= sq_bind_value(st, q->p_name + 1 + m.mcol, &m);
	}
	if (bad)
		return SQLITE_ERROR;
	return sq_run(st);
}

/* Ends a failed batch: keeps the message, rolls back what is open.
 * Busy or locked means try again later. */
static enum tgt_status
sq_abort(struct sq_priv *q, int rc)
{
	int prim = rc & 0xff;

	snprintf(q->ctx->err, sizeof(q->ctx->err), "sqlite %s: %s", q->path,
	    sqlite3_errmsg(q->db));
	if (!sqlite3_get_autocommit(q->db))
		(void)sq_run(q->rollback);
	return prim == SQLITE_BUSY || prim == SQLITE_LOCKED ? TGT_RETRY
	                                                    : TGT_FAIL;
}

static enum tgt_status
sq_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct sq_priv *q = ctx->priv;
	unsigned        i;
	int             rc;

	ctx->rejected = 0;
	rc            = sq_run(q->begin);
	for (i = 0; !rc && i < b->n; i++)
		rc = b->multi ? sq_put_multi(q, &b->s[i], b)
		              : sq_put_single(q, &b->s[i], b);
	if (!rc)
		rc = sq_run(q->commit);
	return rc ? sq_abort(q, rc) : TGT_OK;
}

static void
sq_fini(struct tgt_ctx *ctx)
{
	struct sq_priv *q = ctx->priv;

	if (!q)
		return;
	sqlite3_finalize(q->ins_single);
	sqlite3_finalize(q->ins_multi);
	sqlite3_finalize(q->begin);
	sqlite3_finalize(q->commit);
	sqlite3_finalize(q->rollback);
	sqlite3_close(q->db);
	free(q->path);
	free(q);
	ctx->priv = NULL;
}

static bool
sq_is_busy(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* Runs one query to its last row. Columns are handed out as text only
 * when the caller asked for rows (the parameter query). */
static enum tgt_status
sq_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct sq_priv *q  = ctx->priv;
	sqlite3_stmt   *st = NULL;
	int             rc;

	rc = sqlite3_prepare_v2(q->db, text, -1, &st, NULL);
	if (rc == SQLITE_OK && !st) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "sqlite %s: the query text is empty", q->path);
		return TGT_FAIL;
	}
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		res->rows++;
		if (res->row) {
			enum { MAXC = TGT_ROW_COLS_MAX };
			const char *names[MAXC], *vals[MAXC];
			unsigned    n = (unsigned)sqlite3_column_count(st);

			n = n > MAXC ? MAXC : n;
			for (unsigned i = 0; i < n; i++) {
				names[i] = sqlite3_column_name(st, (int)i);
				vals[i]  = (const char *)sqlite3_column_text(
				     st, (int)i);
			}
			res->row(res->row_arg, n, names, vals);
		}
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK)
		snprintf(ctx->err, sizeof(ctx->err), "sqlite %s: %s", q->path,
		    sqlite3_errmsg(q->db));
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return TGT_OK;
	return sq_is_busy(rc) ? TGT_RETRY : TGT_FAIL;
}

const struct target_ops target_sqlite = {
	.name    = "sqlite",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_QUERY,
	.usage   = "sqlite:PATH",
	.params  = sq_params,
	.check   = sq_check,
	.setup   = sq_setup,
	.init    = sq_init,
	.write   = sq_write,
	.dialect = "sqlite",
	.sql     = true,
	.query   = sq_query,
	.fini    = sq_fini,
	.cleanup = sq_cleanup,
};
