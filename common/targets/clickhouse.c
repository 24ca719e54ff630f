/* clickhouse.c - the clickhouse:// target: ClickHouse over its HTTP
 * interface (works with 18.16 as packaged by Debian and with current
 * releases).
 *
 *   clickhouse://host[:port][,host2[:port]...]/?db=NAME[&user=U]
 *       [&password=P][&gzip=1]
 *
 * Port 8123 by default; db defaults to -d. Several hosts are independent
 * servers: setup and cleanup run on each, batches and queries are
 * balanced over them (http.h).
 *
 * One MergeTree table holds both kinds in both layouts, like the sqlite
 * target's. A batch is one POST of `INSERT INTO t (cols) FORMAT
 * TabSeparated` built in the thread's buffer (chtsv.h). Queries are POSTed
 * as they are, answered as TabSeparatedWithNames, rows counted.
 *
 * Errors come as HTTP 4xx/500 with "Code: NNN, ..." in the body: too many
 * parts, too many simultaneous queries, timeouts and network errors are
 * worth a retry, the rest fail with the first line of the message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chtsv.h"
#include "clock.h"
#include "http.h"
#include "log.h"
#include "target.h"
#include "xalloc.h"

enum {
	CH_PORT     = 8123,
	CH_NAME_MAX = 128,
	CH_BODY_MAX = 1 << 30, /* largest batch body */
	CH_PATH_MAX = 8192,    /* request path with its parameters */
	CH_SQL_MAX  = 1 << 16,
	CH_MAXC    = TGT_ROW_COLS_MAX, /* columns handed to the row callback */
	CH_GRANULE = 8192,             /* index_granularity */
	CH_MS_PER_D = 86400000,
};

/* ClickHouse error codes that mean "busy, try again later". */
static const int ch_retry_codes[] = {
	159, /* TIMEOUT_EXCEEDED */
	160, /* TOO_SLOW */
	202, /* TOO_MANY_SIMULTANEOUS_QUERIES */
	203, /* NO_FREE_CONNECTION */
	209, /* SOCKET_TIMEOUT */
	210, /* NETWORK_ERROR */
	242, /* TABLE_IS_READ_ONLY (replica lost its ZooKeeper session) */
	252, /* TOO_MANY_PARTS */
	319, /* UNKNOWN_STATUS_OF_INSERT */
};

struct ch_url {
	char db[CH_NAME_MAX + 1];
	char user[CH_NAME_MAX + 1];
	char password[CH_NAME_MAX + 1];
	bool gzip;
};

struct ch_priv {
	struct http http;
	struct buf  body;   /* the batch being written */
	struct buf  path;   /* path of the current query */
	char       *ins[2]; /* insert path, single and multi layout */
	char       *qpath;  /* query path up to "&query_id=" */
	bool        gzip;
	uint64_t    nonce; /* makes query ids unique across runs */
	uint64_t    nq;    /* queries sent */
};

/* ---- URL and names ---- */

/* A database or table name: quoted with backticks, so anything but
 * backticks, backslashes and control characters. */
static int
ch_name_ok(const char *what, const char *s, char *err, size_t errlen)
{
	size_t      n   = strlen(s), i;
	const char *why = NULL;

	if (!n)
		why = "empty";
	else if (n > CH_NAME_MAX)
		why = "longer than 128 bytes";
	for (i = 0; !why && i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '`'
		    || s[i] == '\\')
			why = "backtick, backslash or control character";
	if (!why)
		return 0;
	snprintf(err, errlen, "clickhouse: invalid %s name \"%.128s\" (%s)",
	    what, s, why);
	return -EINVAL;
}

static const struct param_row ch_params[] = {
	{ "db", PARAM_STR, PARAM_FIELD(struct ch_url, db), NULL, 0, 0, NULL,
	    "NAME", "database (default: -d)" },
	{ "user", PARAM_STR, PARAM_FIELD(struct ch_url, user), NULL, 0, 0,
	    NULL, "NAME", "user name (default: the server's default user)" },
	{ "password", PARAM_STR, PARAM_FIELD(struct ch_url, password), NULL, 0,
	    0, NULL, "TEXT", "the user's password" },
	{ "gzip", PARAM_BOOL, PARAM_FIELD(struct ch_url, gzip), "0", 0, 0,
	    NULL, NULL, "gzip request bodies" },
	{ NULL },
};

static int
ch_parse_url(const char *url, const char *def_db, struct ch_url *u, char *err,
    size_t errlen)
{
	int rc;

	memset(u, 0, sizeof(*u));
	rc = params_parse_url(ch_params, u, url, err, errlen);
	if (!rc)
		rc = http_check_url(url, err, errlen);
	if (rc)
		return rc;
	if (!u->db[0])
		snprintf(u->db, sizeof(u->db), "%s", def_db ? def_db : "");
	if (def_db || u->db[0]) {
		rc = ch_name_ok("database", u->db, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static int
ch_check(const char *url, char *err, size_t errlen)
{
	struct ch_url u;

	return ch_parse_url(url, NULL, &u, err, errlen);
}

/* Appends "&key=value" (value URL-encoded; no '&' right after the '?');
 * nothing for an empty value. */
static int
ch_param(struct buf *b, const char *key, const char *val)
{
	int rc;

	if (!val[0])
		return 0;
	rc = buf_printf(
	    b, "%s%s=", b->len && b->p[b->len - 1] == '?' ? "" : "&", key);
	return rc ? rc : http_urlencode(b, val, strlen(val));
}

/* "/?database=DB&user=U&password=P" without the parts that are unset. */
static int
ch_base_path(struct buf *b, const struct ch_url *u, bool with_db)
{
	int rc = buf_adds(b, "/?");

	if (!rc && with_db)
		rc = ch_param(b, "database", u->db);
	if (!rc)
		rc = ch_param(b, "user", u->user);
	if (!rc)
		rc = ch_param(b, "password", u->password);
	return rc;
}

/* ---- errors ---- */

/* The ClickHouse error code of a message ("Code: 60, e.displayText() =
 * ..." in 18.x, "Code: 60. DB::Exception: ..." later), or -1. */
static int
ch_code(const char *msg)
{
	const char *p    = msg + 6;
	int         code = 0;

	if (strncmp(msg, "Code: ", 6) != 0)
		return -1;
	for (; *p >= '0' && *p <= '9' && code < 100000; p++)
		code = code * 10 + (*p - '0');
	return code ? code : -1;
}

static bool
ch_code_retry(int code)
{
	size_t i;

	for (i = 0; i < sizeof(ch_retry_codes) / sizeof(ch_retry_codes[0]);
	     i++)
		if (code == ch_retry_codes[i])
			return true;
	return false;
}

/* Maps a failed request whose ClickHouse exception starts at msg (the
 * body, or its last line for a late failure): the code decides, and the
 * message is its first line without 18.x's "e.displayText() = " and
 * ", e.what() = ..." wrapping. Anything else keeps http.c's outcome and
 * message. A retried INSERT that the server did apply (a timeout after
 * the rows arrived) is written twice: plain MergeTree does not
 * deduplicate. */
static enum tgt_status
ch_failed(struct ch_priv *c, enum tgt_status st, const char *msg, char *err,
    size_t errlen)
{
	static const char disp[] = ", e.displayText() = ";
	struct http      *h      = &c->http;
	const char       *url    = h->url.p ? h->url.p : "", *cut;
	size_t            n, ulen = strcspn(url, "?");
	int               code;
	char              shown[4 * TGT_ERR_MAX];

	if (h->cc != 0 || !msg || (code = ch_code(msg)) < 0)
		return st;
	n   = strcspn(msg, "\r\n");
	cut = strstr(msg, ", e.what() = ");
	if (cut && (size_t)(cut - msg) < n)
		n = (size_t)(cut - msg);
	cut = strstr(msg, disp);
	if (cut && (size_t)(cut - msg) < n) {
		cut += sizeof(disp) - 1;
		log_escape(shown, sizeof(shown), cut, n - (size_t)(cut - msg),
		    TGT_ERR_MAX);
		snprintf(err, errlen, "clickhouse %.*s: Code: %d: %s",
		    (int)ulen, url, code, shown);
	} else {
		log_escape(shown, sizeof(shown), msg, n, TGT_ERR_MAX);
		snprintf(
		    err, errlen, "clickhouse %.*s: %s", (int)ulen, url, shown);
	}
	return ch_code_retry(code) ? TGT_RETRY : TGT_FAIL;
}

/* ---- coordinator: setup and cleanup ---- */

/* Whether every kind of sc has dimension name. */
static bool
ch_dim_shared(const struct schema *sc, const char *name)
{
	unsigned k, d;

	for (k = 0; k < sc->n_kinds; k++) {
		for (d = 0; d < sc->kind[k].n_dims; d++)
			if (!strcmp(sc->kind[k].dim[d], name))
				break;
		if (d == sc->kind[k].n_dims)
			return false;
	}
	return true;
}

static void
ch_sql_create(
    struct buf *b, const char *db, const char *table, const struct schema *sc)
{
	unsigned c;

	/* time is epoch milliseconds (18.16 has no DateTime64). Dimensions
	 * are plain Strings, '' where a kind has none: LowCardinality needs
	 * an experimental setting in 18.16 and Nullable columns cannot be
	 * part of the sorting key. Values are Nullable: one row fills one
	 * value column (single) or one kind's measure columns (multi). */
	buf_printf(
	    b, "CREATE TABLE IF NOT EXISTS `%s`.`%s` (time Int64", db, table);
	for (c = 0; c < sc->n_dcols; c++)
		buf_printf(b, ", %s String", sc->dcol[c]);
	buf_adds(b,
	    ", measure_name String"
	    ", measure_value_double Nullable(Float64)"
	    ", measure_value_bigint Nullable(Int64)"
	    ", measure_value_varchar Nullable(String)");
	for (c = 0; c < sc->n_mcols; c++) {
		static const char *const types[]
		    = { "Float64", "Int64", "String" };

		buf_printf(b, ", %s Nullable(%s)", sc->mcol[c],
		    types[sc->mcol_type[c]]);
	}
	/* Every query filters on measure_name and a time window, most on a
	 * prefix of the hierarchy (perf-scale: region, cell, silo,
	 * availability_zone, microservice_name; do-q4 on microservice_name
	 * alone): sorting by measure_name, the dimensions every kind has
	 * (in the first kind's order: the hierarchy, then the instance),
	 * then time keeps one host's points of one measure together and in
	 * time order, so the primary index skips other hosts' granules and
	 * the window within a host. Day partitions let the parts' min/max
	 * of time skip whole days outside the window (and make dropping old
	 * days cheap). */
	buf_printf(b,
	    ") ENGINE = MergeTree() PARTITION BY intDiv(time, %d)"
	    " ORDER BY (measure_name",
	    CH_MS_PER_D);
	for (c = 0; sc->n_kinds && c < sc->kind[0].n_dims; c++)
		if (ch_dim_shared(sc, sc->kind[0].dim[c]))
			buf_printf(b, ", %s", sc->kind[0].dim[c]);
	buf_printf(b, ", time) SETTINGS index_granularity = %d", CH_GRANULE);
}

/* Runs one statement on host k (or, when it does not answer, on the
 * next one up); the answer is left in c->http.resp. */
static int
ch_run(
    struct ch_priv *c, unsigned k, const char *sql, char *err, size_t errlen)
{
	struct http_req r = { 0 };
	enum tgt_status st;

	r.path       = c->qpath;
	r.body       = sql;
	r.len        = strlen(sql);
	r.ctype      = "text/plain; charset=UTF-8";
	c->http.next = k;
	st           = http_request(&c->http, &r, err, errlen);
	if (st != TGT_OK
	    && ch_failed(c, st, c->http.resp.p, err, errlen) != TGT_OK)
		return -EIO;
	return 0;
}

/* Appends s as the inside of a '...' SQL string (names have no
 * backslash: ch_name_ok). */
static void
ch_sql_quote(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
}

/* Setup or cleanup on every host in turn: independent servers each need
 * (or held) the table. A host that does not answer is passed over by
 * the failover, so this fails only when none answers. Cleanup drops the
 * table (after a line with its rows), then the database when nothing else
 * is left in it; neither there on any host is nothing to drop. */
static int
ch_admin(const struct tgt_conf *conf, bool setup, char *err, size_t errlen)
{
	static const struct http_opts o
	    = { .name = "clickhouse", .def_port = CH_PORT };
	struct ch_priv c;
	struct ch_url  u;
	struct buf     path, db, tbl, other, exists, cnt;
	unsigned       k, found = 0, dbs = 0;
	int            rc;

	rc = ch_parse_url(conf->url, conf->database, &u, err, errlen);
	if (!rc)
		rc = ch_name_ok(
		    "table", conf->table ? conf->table : "", err, errlen);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	buf_init(&path, CH_PATH_MAX);
	buf_init(&db, CH_SQL_MAX);
	buf_init(&tbl, CH_SQL_MAX);
	buf_init(&other, CH_SQL_MAX);
	buf_init(&exists, CH_SQL_MAX);
	buf_init(&cnt, CH_SQL_MAX);
	if (setup) {
		buf_printf(&db, "CREATE DATABASE IF NOT EXISTS `%s`", u.db);
		ch_sql_create(&tbl, u.db, conf->table, conf->schema);
	} else {
		buf_printf(
		    &tbl, "DROP TABLE IF EXISTS `%s`.`%s`", u.db, conf->table);
		/* "1\t0": the database is there, and empty */
		buf_adds(&other,
		    "SELECT (SELECT count() FROM system.databases WHERE name "
		    "= '");
		ch_sql_quote(&other, u.db);
		buf_adds(&other,
		    "'), (SELECT count() FROM system.tables WHERE database = "
		    "'");
		ch_sql_quote(&other, u.db);
		buf_adds(&other, "')");
		buf_printf(&db, "DROP DATABASE IF EXISTS `%s`", u.db);
		/* "1" when the table is there; then its rows */
		buf_printf(
		    &exists, "EXISTS TABLE `%s`.`%s`", u.db, conf->table);
		buf_printf(
		    &cnt, "SELECT count() FROM `%s`.`%s`", u.db, conf->table);
	}
	if (ch_base_path(&path, &u, false) || buf_cstr(&path) || buf_cstr(&db)
	    || buf_cstr(&tbl) || buf_cstr(&other) || buf_cstr(&exists)
	    || buf_cstr(&cnt)) {
		snprintf(err, errlen, "clickhouse: statement too long");
		rc = -ENOSPC;
	}
	c.qpath = path.p;
	if (!rc)
		rc = http_init(&c.http, conf->url, &o, err, errlen);
	for (k = 0; !rc && k < c.http.nhost; k++) {
		if (setup) {
			rc = ch_run(&c, k, db.p, err, errlen);
			if (!rc)
				rc = ch_run(&c, k, tbl.p, err, errlen);
			continue;
		}
		rc = ch_run(&c, k, exists.p, err, errlen);
		if (!rc && strcmp(c.http.resp.p, "1\n") == 0) {
			found++;
			rc = ch_run(&c, k, cnt.p, err, errlen);
			if (!rc) {
				c.http.resp.p[strcspn(c.http.resp.p, "\n")]
				    = '\0';
				log_info(
				    "dropping table %s.%s (%s rows) of %s ...",
				    u.db, conf->table, c.http.resp.p,
				    c.http.host[c.http.last].base);
				rc = ch_run(&c, k, tbl.p, err, errlen);
			}
		}
		if (!rc && strcmp(u.db, "default") != 0)
			rc = ch_run(&c, k, other.p, err, errlen);
		if (!rc && strcmp(u.db, "default") != 0
		    && strcmp(c.http.resp.p, "1\t0\n") == 0) {
			rc = ch_run(&c, k, db.p, err, errlen);
			dbs++;
		}
	}
	if (!setup && !rc && !found && !dbs) {
		snprintf(err, errlen, "table %s.%s does not exist on %s", u.db,
		    conf->table, conf->url);
		rc = TGT_CLEANUP_NOTHING;
	}
	http_fini(&c.http);
	buf_free(&path);
	buf_free(&db);
	buf_free(&tbl);
	buf_free(&other);
	buf_free(&exists);
	buf_free(&cnt);
	return rc;
}

static int
ch_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	int rc = target_need_schema("clickhouse", conf, err, errlen);

	return rc ? rc : ch_admin(conf, true, err, errlen);
}

static int
ch_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	return ch_admin(conf, false, err, errlen);
}

/* ---- worker threads ---- */

static int
ch_init(struct tgt_ctx *ctx)
{
	static const struct http_opts o
	    = { .name = "clickhouse", .def_port = CH_PORT };
	struct ch_priv *c = xcalloc(1, sizeof(*c));
	struct ch_url   u;
	struct buf      b, sql;
	int             rc, m;

	ctx->priv = c;
	buf_init(&c->body, CH_BODY_MAX);
	buf_init(&c->path, CH_PATH_MAX);
	rc = ch_parse_url(ctx->conf->url, ctx->conf->database, &u, ctx->err,
	    sizeof(ctx->err));
	if (!rc)
		rc = ch_name_ok("table",
		    ctx->conf->table ? ctx->conf->table : "", ctx->err,
		    sizeof(ctx->err));
	if (rc)
		return rc;
	c->gzip  = u.gzip;
	c->nonce = now_ns();

	/* The insert paths: the statement goes in the URL, the rows in
	 * the body. */
	buf_init(&b, CH_PATH_MAX);
	buf_init(&sql, CH_PATH_MAX);
	for (m = 0; !rc && ctx->conf->schema && m < 2; m++) {
		buf_reset(&sql);
		buf_reset(&b);
		rc = buf_printf(&sql, "INSERT INTO `%s` ", ctx->conf->table)
		    || format_chtsv.columns(&sql, ctx->conf->schema, m == 1)
		    || buf_adds(&sql, " FORMAT TabSeparated")
		    || ch_base_path(&b, &u, true) || buf_adds(&b, "&query=")
		    || http_urlencode(&b, sql.p, sql.len) || buf_cstr(&b);
		if (!rc)
			c->ins[m] = xstrdup(b.p);
	}
	buf_free(&sql);
	buf_reset(&b);
	if (!rc)
		rc = ch_base_path(&b, &u, true)
		    || buf_adds(&b,
		        "&default_format=TabSeparatedWithNames"
		        "&query_id=")
		    || buf_cstr(&b);
	if (!rc)
		c->qpath = xstrdup(b.p);
	buf_free(&b);
	if (rc) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "clickhouse: request path too long");
		return -ENOSPC;
	}
	return http_init(
	    &c->http, ctx->conf->url, &o, ctx->err, sizeof(ctx->err));
}

static enum tgt_status
ch_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct ch_priv *c = ctx->priv;
	struct http_req r = { 0 };
	enum tgt_status st;

	ctx->rejected = 0;
	buf_reset(&c->body);
	if (format_chtsv.encode(NULL, &c->body, b)) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "clickhouse: batch of %u records larger than %d bytes",
		    b->records, CH_BODY_MAX);
		return TGT_FAIL;
	}
	r.path  = c->ins[b->multi];
	r.body  = c->body.p;
	r.len   = c->body.len;
	r.ctype = format_chtsv.ctype;
	r.gzip  = c->gzip;
	st      = http_request(&c->http, &r, ctx->err, sizeof(ctx->err));
	if (st == TGT_OK)
		return st;
	return ch_failed(c, st, c->http.resp.p, ctx->err, sizeof(ctx->err));
}

/* Hands the rows of a TabSeparatedWithNames answer to res->row, fields
 * unescaped in place. */
static void
ch_rows(char *p, char *end, struct tgt_qres *res)
{
	const char *names[CH_MAXC], *vals[CH_MAXC];
	unsigned    ncol   = 0, n, i;
	bool        header = true;

	while (p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		*eol = '\0';
		for (n = 0; n < CH_MAXC;) {
			char  *tab = strchr(p, '\t');
			size_t len = tab ? (size_t)(tab - p) : strlen(p);
			bool   val = chtsv_unescape(p, &len);

			if (header)
				names[n] = p;
			else
				vals[n] = val ? p : NULL;
			n++;
			if (!tab)
				break;
			p = tab + 1;
		}
		if (header) {
			ncol   = n;
			header = false;
		} else {
			for (i = n; i < ncol; i++)
				vals[i] = NULL;
			res->row(res->row_arg, ncol, names, vals);
		}
		p = eol + 1;
	}
}

/* A failure after the first rows were sent comes with status 200 and
 * the exception as the last line of the body: that line, or NULL. */
static const char *
ch_late_error(const struct buf *resp)
{
	const char *p = resp->p, *last;
	size_t      n = resp->len;

	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	for (last = p + n; last > p && last[-1] != '\n'; last--)
		;
	if (n && ch_code(last) > 0 && strstr(last, "Exception") != NULL)
		return last;
	return NULL;
}

static enum tgt_status
ch_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct ch_priv *c = ctx->priv;
	struct http    *h = &c->http;
	struct http_req r = { 0 };
	enum tgt_status st;
	const char     *p, *end, *late;
	size_t          n;

	snprintf(res->query_id, sizeof(res->query_id),
	    "tsload-%08llx-%u-%u-%llu", (unsigned long long)(c->nonce & ~0u),
	    ctx->worker + 1, ctx->thread + 1, (unsigned long long)++c->nq);
	buf_reset(&c->path);
	if (buf_adds(&c->path, c->qpath) || buf_adds(&c->path, res->query_id)
	    || buf_cstr(&c->path)) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "clickhouse: request path too long");
		return TGT_FAIL;
	}
	n = strlen(text);
	while (n
	    && (text[n - 1] == ';' || text[n - 1] == ' ' || text[n - 1] == '\n'
	        || text[n - 1] == '\t'))
		n--; /* a ';' would end the statement before FORMAT */
	r.path  = c->path.p;
	r.body  = text;
	r.len   = n;
	r.ctype = "text/plain; charset=UTF-8";
	st      = http_request(h, &r, ctx->err, sizeof(ctx->err));
	if (st != TGT_OK)
		return ch_failed(c, st, h->resp.p, ctx->err, sizeof(ctx->err));
	late = ch_late_error(&h->resp);
	if (late)
		return ch_failed(
		    c, TGT_FAIL, late, ctx->err, sizeof(ctx->err));
	/* Rows: one per line after the header line (a line feed inside a
	 * value is escaped). */
	p   = h->resp.p;
	end = p + h->resp.len;
	n   = 0;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	if (h->resp.len && end[-1] != '\n')
		n++;
	res->rows = n ? n - 1 : 0;
	if (res->row && res->rows)
		ch_rows(h->resp.p, h->resp.p + h->resp.len, res);
	return TGT_OK;
}

static void
ch_fini(struct tgt_ctx *ctx)
{
	struct ch_priv *c = ctx->priv;

	if (!c)
		return;
	http_fini(&c->http);
	buf_free(&c->body);
	buf_free(&c->path);
	free(c->ins[0]);
	free(c->ins[1]);
	free(c->qpath);
	free(c);
	ctx->priv = NULL;
}

const struct target_ops target_clickhouse = {
	.name    = "clickhouse",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_QUERY | TGT_F_HOSTS,
	.usage   = "clickhouse://HOST[:PORT][,HOST[:PORT]...][/]",
	.params  = ch_params,
	.check   = ch_check,
	.setup   = ch_setup,
	.init    = ch_init,
	.write   = ch_write,
	.dialect = "clickhouse",
	.sql     = true,
	.query   = ch_query,
	.fini    = ch_fini,
	.cleanup = ch_cleanup,
};
