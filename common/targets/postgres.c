/* postgres.c - the postgres: target: PostgreSQL through libpq, one table
 * in the union schema of the sqlite: target (both kinds, both layouts),
 * batches streamed with COPY ... FROM STDIN in text format.
 *
 * URL: postgres://[user[:password]@][host][:port][/dbname][?param=value]
 * handed to libpq as is (after the scheme is spelt "postgresql:"), so every
 * libpq URI parameter works; "postgres:" alone or "postgres:///db" take the
 * rest from the PG* environment variables. -d is not used here (it is the
 * Timestream database); the table is -t.
 *
 * Schema: time is BIGINT epoch milliseconds, as in SQLite, so the query
 * dialect stays close to SQLite's (binning is integer arithmetic).
 *
 * A connection per thread. A lost connection (reset, closed by the
 * server) is reset once and the batch reported as TGT_RETRY when that
 * works, TGT_UNREACHABLE when the server refuses or is gone (the caller
 * backs off and writes it again either way; a batch whose COMMIT raced the
 * loss may then be written twice). Serialization failures, deadlocks and
 * "too many connections" are TGT_RETRY (busy); a server that is shutting
 * down or starting up (57P0x) is TGT_UNREACHABLE, named so, as is one
 * that refuses connections (a dead server is not busy);
 * anything else fails with the server's message. The password never
 * appears in a message: a message that quotes the URL shows it redacted.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abandon.h"
#include "buf.h"
#include "log.h"
#include "pg_copy.h"
#include "target.h"
#include "xalloc.h"

enum {
	PG_URL_MAX    = 2048,
	PG_IDENT_MAX  = 63, /* NAMEDATALEN - 1 */
	PG_QIDENT_MAX = 2 * PG_IDENT_MAX + 3,
	PG_SQL_MAX    = 1 << 16,
	PG_BUF_MAX    = 256 << 20,      /* most bytes of one batch's COPY data
	                                   (an int for PQputCopyData) */
	PG_COLS_MAX = TGT_ROW_COLS_MAX, /* columns handed to a row callback */
	PG_CONN_TRIES = 5, /* connects in ->init when the server is busy */
};

#define PG_CONNECT_TIMEOUT "10" /* seconds, unless the URL or env says */

static const char *const pg_val_types[]
    = { "double precision", "bigint", "text" };

/* The URL turned into a libpq conninfo; a message that quotes it shows
 * it redacted (target_redact_msg). */
struct pg_url {
	char conninfo[PG_URL_MAX];
};

struct pg_priv {
	PGconn       *conn;
	struct pg_url u;
	char         *copy_sql[2]; /* [multi] */
	struct buf    out;
	/* cancels the command in flight when a stop abandons it */
	PGcancel           *cancel;
	struct abandon_hook hook;
	char                state[6]; /* SQLSTATE of the last failure */
};

/* ---- URL and messages ---- */

/* "postgres: " and the first line of a libpq or server message. */
static void
pg_msg(char *err, size_t n, const struct pg_url *u, const char *what,
    const char *msg)
{
	char shown[4 * TGT_ERR_MAX];

	if (!msg || !*msg)
		msg = "unknown error";
	log_escape(shown, sizeof(shown), msg, strcspn(msg, "\n"), TGT_ERR_MAX);
	snprintf(err, n, "postgres: %s%s%s", what ? what : "",
	    what ? ": " : "", shown);
	if (u)
		target_redact_msg(err, n, u->conninfo);
}

/* URL -> conninfo. libpq takes "postgresql://..." and "postgres://...";
 * "postgres:" alone is the empty conninfo (all from the environment). */
static int
pg_parse_url(const char *url, struct pg_url *u, char *err, size_t errlen)
{
	const char       *rest = strchr(url, ':');
	PQconninfoOption *opts;
	char             *msg = NULL;
	int               n;

	memset(u, 0, sizeof(*u));
	rest = rest ? rest + 1 : "";
	if (!*rest)
		n = 0;
	else if (strncmp(rest, "//", 2) == 0 || rest[0] == '?')
		n = snprintf(u->conninfo, sizeof(u->conninfo),
		    "postgresql:%s%s", rest[0] == '?' ? "//" : "", rest);
	else
		n = -1;
	if (n < 0 || (size_t)n >= sizeof(u->conninfo)) {
		snprintf(err, errlen,
		    "postgres: %s (use postgres://[user[:password]@][host]"
		    "[:port][/dbname][?param=value...])",
		    n < 0 ? "invalid URL" : "URL too long");
		return -EINVAL;
	}
	opts = PQconninfoParse(u->conninfo, &msg);
	if (!opts) {
		pg_msg(err, errlen, u, "invalid URL",
		    msg ? msg : "out of memory");
		PQfreemem(msg);
		return -EINVAL;
	}
	PQconninfoFree(opts);
	return 0;
}

/* The table name as a quoted identifier, after checking it. */
static int
pg_ident(const char *table, char *out, size_t outlen, char *err, size_t errlen)
{
	return target_sql_ident(
	    "postgres", table, PG_IDENT_MAX, NULL, out, outlen, err, errlen);
}

/* ---- connections ---- */

static void
pg_quiet(void *arg, const char *msg)
{
	(void)arg; /* NOTICEs ("table does not exist, skipping") */
	(void)msg;
}

/* Connects; libpq fills in what the URL leaves out from PG* variables.
 * NULL with the reason in err. */
static PGconn *
pg_connect(const struct pg_url *u, char *err, size_t errlen)
{
	const char *kw[4], *val[4];
	PGconn     *conn;
	int         k = 0;

	/* Before dbname, so that the URL's own values win. */
	if (!getenv("PGCONNECT_TIMEOUT")) {
		kw[k]    = "connect_timeout";
		val[k++] = PG_CONNECT_TIMEOUT;
	}
	if (!getenv("PGAPPNAME")) {
		kw[k]    = "application_name";
		val[k++] = "tsload";
	}
	kw[k]    = "dbname";
	val[k++] = u->conninfo;
	kw[k]    = NULL;
	val[k]   = NULL;
	conn     = PQconnectdbParams(kw, val, 1);
	if (conn && PQstatus(conn) == CONNECTION_OK) {
		PQsetNoticeProcessor(conn, pg_quiet, NULL);
		return conn;
	}
	pg_msg(err, errlen, u, NULL,
	    conn ? PQerrorMessage(conn) : "out of memory");
	PQfinish(conn);
	return NULL;
}

/* A refusal that goes away by itself: too many connections (53300), or
 * a server starting or stopping (57P03). libpq gives no SQLSTATE for a
 * failed connect, so this looks at the (C locale) message. */
static bool
pg_connect_busy(const char *msg)
{
	return strstr(msg, "too many clients")
	    || strstr(msg, "the database system is");
}

/* Runs SQL text whose result is not needed. 0, or -EIO with the reason;
 * *state gets the SQLSTATE ("" when there is none). */
static int
pg_exec(PGconn *conn, const struct pg_url *u, const char *sql, char *err,
    size_t errlen, char state[6])
{
	PGresult      *r  = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(r);
	const char    *s;
	int            rc = 0;

	state[0] = '\0';
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		snprintf(state, 6, "%s", s ? s : "");
		s = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		pg_msg(err, errlen, u, NULL, s ? s : PQerrorMessage(conn));
		rc = -EIO;
	}
	PQclear(r);
	return rc;
}

/* ---- set-up and clean-up ---- */

/* The table and its one index, (measure_name, time): every query and
 * params filter on a measure_name (single layout: one measure's rows;
 * multi: 'metrics' or 'events') and a time window, then on dimensions;
 * count has the window only and reads the index alone. Measured with 2.9 M
 * rows inside every window (host-scale 1, -p 2 -c 2, unpaced, batches):
 *   no index:                 ingest 459k rec/s, do-q1..6 380-1090 ms
 *   (measure_name, time):     295k rec/s, do-q1..6 250-550 ms, count 100
 *   + (instance_name, time):  219k rec/s; only do-q5 (-30 %) and params
 *                             (3 -> 0.6 ms) gain
 *   (measure_name, microservice_name, time) + (instance_name, time):
 *                             201k rec/s; do-q1..4 twice as fast, but
 *                             do-q5/q6/count lose the time bound once the
 *                             history is longer than the windows.
 * Each index costs ingest throughput, so there is only the first. */
static void
pg_sql_create(struct buf *b, const char *ident, const struct schema *sc)
{
	unsigned c;

	buf_printf(b, "CREATE TABLE %s (time bigint NOT NULL", ident);
	for (c = 0; c < sc->n_dcols; c++)
		buf_printf(b, ", %s text", sc->dcol[c]);
	buf_adds(b, ", measure_name text NOT NULL");
	buf_printf(b,
	    ", measure_value_double %s, measure_value_bigint %s"
	    ", measure_value_varchar %s",
	    pg_val_types[0], pg_val_types[1], pg_val_types[2]);
	for (c = 0; c < sc->n_mcols; c++)
		buf_printf(
		    b, ", %s %s", sc->mcol[c], pg_val_types[sc->mcol_type[c]]);
	buf_printf(b, "); CREATE INDEX ON %s (measure_name, time)", ident);
}

static int
pg_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	char          ident[PG_QIDENT_MAX], state[6];
	struct pg_url u;
	struct buf    sql;
	PGconn       *conn;
	int           rc;

	rc = target_need_schema("postgres", conf, err, errlen);
	if (!rc)
		rc = pg_parse_url(conf->url, &u, err, errlen);
	if (!rc)
		rc = pg_ident(conf->table, ident, sizeof(ident), err, errlen);
	if (rc)
		return rc;
	conn = pg_connect(&u, err, errlen);
	if (!conn)
		return -ECONNREFUSED;
	/* One implicit transaction: the table comes with its indexes or
	 * not at all. An existing table (42P07, or 23505 when another
	 * set-up created it at the same moment) is used as it is. */
	buf_init(&sql, PG_SQL_MAX);
	pg_sql_create(&sql, ident, conf->schema);
	buf_cstr(&sql);
	rc = pg_exec(conn, &u, sql.p, err, errlen, state);
	if (rc && (!strcmp(state, "42P07") || !strcmp(state, "23505"))) {
		rc     = 0;
		err[0] = '\0';
	}
	buf_free(&sql);
	PQfinish(conn);
	return rc;
}

/* A missing table is nothing to drop; a table is dropped after a line
 * that says about how many rows it has (the planner's estimate: a count
 * would read the whole table). */
static int
pg_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	char          ident[PG_QIDENT_MAX], sql[PG_QIDENT_MAX + 32], state[6];
	const char   *param[1] = { NULL }, *rows;
	struct pg_url u;
	PGconn       *conn;
	PGresult     *r;
	int           rc;

	rc = pg_parse_url(conf->url, &u, err, errlen);
	if (!rc)
		rc = pg_ident(conf->table, ident, sizeof(ident), err, errlen);
	if (rc)
		return rc;
	conn = pg_connect(&u, err, errlen);
	if (!conn)
		return -ECONNREFUSED;
	param[0] = ident;
	r        = PQexecParams(conn,
	           "SELECT to_regclass($1) IS NOT NULL, (SELECT reltuples::bigint "
	                  "FROM pg_class WHERE oid = to_regclass($1))",
	           1, NULL, param, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pg_msg(err, errlen, &u, NULL, PQerrorMessage(conn));
		rc = -EIO;
	} else if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		snprintf(err, errlen, "table %s does not exist in database %s",
		    conf->table, PQdb(conn));
		rc = TGT_CLEANUP_NOTHING;
	} else {
		char about[64] = "";

		rows = PQgetisnull(r, 0, 1) ? "-1" : PQgetvalue(r, 0, 1);
		if (rows[0] != '-')
			snprintf(
			    about, sizeof(about), " (about %s rows)", rows);
		log_info("dropping table %s%s of database %s ...", conf->table,
		    about, PQdb(conn));
	}
	PQclear(r);
	if (!rc) {
		snprintf(sql, sizeof(sql), "DROP TABLE %s", ident);
		rc = pg_exec(conn, &u, sql, err, errlen, state);
	}
	PQfinish(conn);
	return rc;
}

static int
pg_check(const char *url, char *err, size_t errlen)
{
	struct pg_url u;

	return pg_parse_url(url, &u, err, errlen);
}

/* ---- per thread ---- */

static void
pg_nap_ms(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&d, &d) != 0 && errno == EINTR)
		;
}

/* An abandon hook: asks the server to cancel what runs on p->conn. */
static void
pg_cancel(void *arg)
{
	struct pg_priv *p = arg;
	char            e[128];

	if (p->cancel)
		(void)PQcancel(p->cancel, e, sizeof(e));
}

/* (Re)makes the cancel handle of p->conn, which a reset changes. */
static void
pg_arm_cancel(struct pg_priv *p)
{
	abandon_hook_del(&p->hook);
	PQfreeCancel(p->cancel);
	p->cancel   = PQgetCancel(p->conn);
	p->hook.fn  = pg_cancel;
	p->hook.arg = p;
	abandon_hook_add(&p->hook);
}

static int
pg_init(struct tgt_ctx *ctx)
{
	struct pg_priv *p = xcalloc(1, sizeof(*p));
	char            ident[PG_QIDENT_MAX];
	struct buf      sql;
	int             rc, k;

	ctx->priv = p;
	buf_init(&p->out, PG_BUF_MAX);
	rc = pg_parse_url(ctx->conf->url, &p->u, ctx->err, sizeof(ctx->err));
	if (!rc)
		rc = pg_ident(ctx->conf->table, ident, sizeof(ident), ctx->err,
		    sizeof(ctx->err));
	if (rc)
		return rc;
	for (k = 0; ctx->conf->schema && k < 2; k++) {
		buf_init(&sql, PG_SQL_MAX);
		buf_printf(&sql, "COPY %s ", ident);
		(void)format_pgcopy.columns(&sql, ctx->conf->schema, k == 1);
		buf_adds(&sql, " FROM STDIN");
		buf_cstr(&sql);
		p->copy_sql[k] = xstrdup(sql.p);
		buf_free(&sql);
	}
	/* Many threads connecting at once may find the server full for a
	 * moment: a few tries, 50, 100, 200, 400 ms apart. */
	for (k = 0; k < PG_CONN_TRIES; k++) {
		if (k)
			pg_nap_ms(50L << (k - 1));
		p->conn = pg_connect(&p->u, ctx->err, sizeof(ctx->err));
		if (p->conn || !pg_connect_busy(ctx->err))
			break;
		ctx->throttles++;
	}
	if (!p->conn)
		return -ECONNREFUSED;
	pg_arm_cancel(p);
	ctx->err[0] = '\0';
	return 0;
}

/* Connects again (closing what is left first), once. true when the
 * connection is usable; otherwise the reason is in ctx->err. */
static bool
pg_reconnect(struct tgt_ctx *ctx, struct pg_priv *p)
{
	PQreset(p->conn);
	if (PQstatus(p->conn) == CONNECTION_OK) {
		PQsetNoticeProcessor(p->conn, pg_quiet, NULL);
		pg_arm_cancel(p);
		return true;
	}
	pg_msg(ctx->err, sizeof(ctx->err), &p->u, "reconnect",
	    PQerrorMessage(p->conn));
	return false;
}

/* Before a command: a connection lost earlier is tried again, once. */
static bool
pg_revive(struct tgt_ctx *ctx, struct pg_priv *p)
{
	return PQstatus(p->conn) == CONNECTION_OK || pg_reconnect(ctx, p);
}

/* Whether a failed command lost the connection: libpq noticed, or the
 * server said it is closing it (FATAL: terminated by an administrator,
 * shutting down) and libpq has not read the end of the stream yet. */
static bool
pg_lost(PGconn *conn, const PGresult *r)
{
	const char *sev, *state;

	if (PQstatus(conn) != CONNECTION_OK || !r)
		return true;
	sev   = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return (sev && (!strcmp(sev, "FATAL") || !strcmp(sev, "PANIC")))
	    || (state && !strncmp(state, "08", 2));
}

/* Maps a failed command: keeps the message, and says whether to retry. */
static enum tgt_status
pg_failed(struct tgt_ctx *ctx, struct pg_priv *p, const PGresult *r)
{
	static const char *const again[] = { "40001", "40P01", "53300", NULL };
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg
	    = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	unsigned i;

	snprintf(p->state, sizeof(p->state), "%s", state ? state : "");
	pg_msg(ctx->err, sizeof(ctx->err), &p->u, NULL,
	    msg ? msg : PQerrorMessage(p->conn));
	/* a lost session whose server takes a new one is a plain retry */
	if (pg_lost(p->conn, r))
		return pg_reconnect(ctx, p) ? TGT_RETRY : TGT_UNREACHABLE;
	for (i = 0; state && again[i]; i++)
		if (!strcmp(state, again[i]))
			return TGT_RETRY;
	/* 57P0x: the server is shutting down, crashed or starting up: it is
	 * down, not busy */
	if (state && !strncmp(state, "57P0", 4))
		return TGT_UNREACHABLE;
	return TGT_FAIL;
}

/* Sends the COPY data in p->out; `rows` is what the server must count. */
static enum tgt_status
pg_copy(struct tgt_ctx *ctx, struct pg_priv *p, bool multi, long rows)
{
	enum tgt_status st = TGT_OK;
	PGresult       *r;
	const char     *n;

	r = PQexec(p->conn, p->copy_sql[multi]);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		st = pg_failed(ctx, p, r);
		PQclear(r);
		return st;
	}
	PQclear(r);
	/* Then every result is read until libpq says there are no more:
	 * the connection is idle again afterwards, whatever happened. */
	if (PQputCopyData(p->conn, p->out.p, (int)p->out.len) != 1
	    || PQputCopyEnd(p->conn, NULL) != 1)
		st = pg_failed(ctx, p, NULL);
	while ((r = PQgetResult(p->conn))) {
		if (st == TGT_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
			st = pg_failed(ctx, p, r);
		} else if (st == TGT_OK) {
			n = PQcmdTuples(r);
			if (strtol(n, NULL, 10) != rows) {
				snprintf(ctx->err, sizeof(ctx->err),
				    "postgres: COPY stored %s rows of %ld", n,
				    rows);
				st = TGT_FAIL;
			}
		}
		PQclear(r);
		if (PQstatus(p->conn) != CONNECTION_OK)
			break;
	}
	return st;
}

static enum tgt_status
pg_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct pg_priv *p = ctx->priv;
	long            rows;
	enum tgt_status st;

	ctx->rejected = 0;
	if (!pg_revive(ctx, p))
		return TGT_UNREACHABLE;
	buf_reset(&p->out);
	rows = pgcopy_batch(&p->out, b);
	if (rows < 0) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "postgres: a batch of %u records exceeds %d MiB",
		    b->records, PG_BUF_MAX >> 20);
		return TGT_FAIL;
	}
	if (!rows)
		return TGT_OK;
	p->state[0] = '\0';
	st          = pg_copy(ctx, p, b->multi, rows);
	/* --bad-data: the COPY of injected records alone, refused for its
	 * data (class 22): they are rejected, the run goes on */
	if (st == TGT_FAIL && !strncmp(p->state, "22", 2)
	    && target_batch_bad(b)) {
		ctx->rejected        = b->records;
		ctx->rejected_points = b->points;
		return TGT_OK;
	}
	return st;
}

/* Hands the rows of a result to res->row, when it asks for them. */
static void
pg_rows(const PGresult *r, struct tgt_qres *res)
{
	const char *names[PG_COLS_MAX], *vals[PG_COLS_MAX];
	int         nrow = PQntuples(r), ncol = PQnfields(r);

	ncol = ncol > PG_COLS_MAX ? PG_COLS_MAX : ncol;
	res->rows += (uint64_t)nrow;
	if (!res->row)
		return;
	for (int c = 0; c < ncol; c++)
		names[c] = PQfname(r, c);
	for (int i = 0; i < nrow; i++) {
		for (int c = 0; c < ncol; c++)
			vals[c] = PQgetisnull(r, i, c) ? NULL
			                               : PQgetvalue(r, i, c);
		res->row(res->row_arg, (unsigned)ncol, names, vals);
	}
}

/* Runs one query text with the simple protocol, as psql and pgbench do:
 * one Query message where the extended protocol sends Parse, Bind,
 * Describe, Execute and Sync (a quarter fewer client instructions per
 * query; the text is planned once either way), so tsload times what
 * pgbench times. Every result is read until libpq says there are no
 * more: the connection is idle afterwards. A text of several statements
 * gives several results: an error, found after the fact (the rows
 * counted would be one statement's). */
static enum tgt_status
pg_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct pg_priv *p  = ctx->priv;
	enum tgt_status st = TGT_OK;
	unsigned        n  = 0;
	ExecStatusType  es;
	PGresult       *r;

	if (abandon_due()) { /* stopped: a new query would be cancelled */
		snprintf(ctx->err, sizeof(ctx->err),
		    "postgres: abandoned at the stop");
		return TGT_FAIL;
	}
	if (!pg_revive(ctx, p))
		return TGT_UNREACHABLE;
	if (!PQsendQuery(p->conn, text))
		return pg_failed(ctx, p, NULL);
	while ((r = PQgetResult(p->conn))) {
		es = PQresultStatus(r);
		if (st != TGT_OK) {
			/* the first failure stands */
		} else if (n++) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "postgres: the query text holds more than one "
			    "statement");
			st = TGT_FAIL;
		} else if (es == PGRES_TUPLES_OK) {
			pg_rows(r, res);
		} else if (es == PGRES_EMPTY_QUERY) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "postgres: the query text is empty");
			st = TGT_FAIL;
		} else if (es != PGRES_COMMAND_OK) {
			st = pg_failed(ctx, p, r);
		}
		PQclear(r);
		if (PQstatus(p->conn) != CONNECTION_OK)
			break;
	}
	return st;
}

static void
pg_fini(struct tgt_ctx *ctx)
{
	struct pg_priv *p = ctx->priv;

	if (!p)
		return;
	abandon_hook_del(&p->hook);
	PQfreeCancel(p->cancel);
	PQfinish(p->conn);
	free(p->copy_sql[0]);
	free(p->copy_sql[1]);
	buf_free(&p->out);
	free(p);
	ctx->priv = NULL;
}

const struct target_ops target_postgres = {
	.name    = "postgres",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_QUERY | TGT_F_HOSTS,
	.usage   = "postgres://[user[:password]@][host][:port][/dbname]"
	           "[?param=value]",
	.check   = pg_check,
	.setup   = pg_setup,
	.init    = pg_init,
	.write   = pg_write,
	.dialect = "postgres",
	.sql     = true,
	.query   = pg_query,
	.fini    = pg_fini,
	.cleanup = pg_cleanup,
};
