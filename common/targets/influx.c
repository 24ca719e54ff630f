/* influx.c - the influx:// target: InfluxDB 1.x over HTTP.
 *
 *   influx://HOST:PORT[,HOST:PORT...][/?db=NAME][&gzip=1][&precision=ms]
 *       [&max_body=BYTES]
 *
 * Writes line protocol to POST /write (common/lp.c: measurement metrics
 * or events, dimensions as tags, a field per measure), in bodies under
 * the server's 25 MB limit. Queries are InfluxQL, POSTed to /query with
 * epoch=ms; the JSON answer is scanned, not built into a tree: each row
 * of each series is counted and, for the parameter query, handed out with
 * its columns (time last) and the series' tags as columns. db defaults to
 * -d; setup creates it, cleanup drops it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonr.h"
#include "lphttp.h"
#include "log.h"
#include "xalloc.h"

enum {
	IX_PORT = 8086,
	IX_COLS
	= 256, /* columns handed to a row callback (verify: 4 per field) */
};

/* ---- the JSON answer of /query ---- */

/* Strings of a series or a row, NUL-separated in one buf, by offset. */
struct ix_strs {
	struct buf b;
	size_t     off[IX_COLS];
	bool       null[IX_COLS];
	unsigned   n;
};

struct ix_scan {
	struct jsonr     s;
	struct tgt_qres *res;
	struct buf       key;
	struct ix_strs   cols, tags, tagv, row;
	struct buf      *msg; /* a statement's "error" */
};

static void
ix_strs_reset(struct ix_strs *v)
{
	buf_reset(&v->b);
	v->n = 0;
}

/* Reads a scalar as the next string of v (beyond IX_COLS: skipped). */
static int
ix_strs_add(struct jsonr *s, struct ix_strs *v)
{
	int rc;

	if (v->n >= IX_COLS)
		return jsonr_skip(s);
	v->off[v->n] = v->b.len;
	rc           = jsonr_scalar(s, &v->b);
	if (rc < 0)
		return rc;
	v->null[v->n] = rc == 1;
	v->n++;
	return buf_addc(&v->b, '\0') ? -ENOSPC : 0;
}

/* Hands one row to the callback: the columns but time, the series'
 * tags, then time. */
static void
ix_emit(struct ix_scan *x)
{
	const char *names[IX_COLS], *vals[IX_COLS];
	unsigned    n = 0, i, t = IX_COLS;

	for (i = 0; i < x->cols.n && i < x->row.n; i++) {
		if (strcmp(x->cols.b.p + x->cols.off[i], "time") == 0) {
			t = i;
			continue;
		}
		names[n] = x->cols.b.p + x->cols.off[i];
		vals[n]  = x->row.null[i] ? NULL : x->row.b.p + x->row.off[i];
		n++;
	}
	for (i = 0; i < x->tags.n && i < x->tagv.n && n < IX_COLS; i++) {
		names[n] = x->tags.b.p + x->tags.off[i];
		vals[n]
		    = x->tagv.null[i] ? NULL : x->tagv.b.p + x->tagv.off[i];
		n++;
	}
	if (t < IX_COLS && n < IX_COLS) {
		names[n] = "time";
		vals[n]  = x->row.null[t] ? NULL : x->row.b.p + x->row.off[t];
		n++;
	}
	x->res->row(x->res->row_arg, n, names, vals);
}

static int
ix_series(struct ix_scan *x)
{
	struct jsonr *s = &x->s;

	ix_strs_reset(&x->cols);
	ix_strs_reset(&x->tags);
	ix_strs_reset(&x->tagv);
	if (!jsonr_enter(s, '{'))
		return s->err;
	while (jsonr_more(s, '}')) {
		if (jsonr_member(s, &x->key))
			break;
		if (strcmp(x->key.p, "tags") == 0 && jsonr_peek(s) == '{') {
			jsonr_enter(s, '{');
			while (jsonr_more(s, '}')) {
				if (jsonr_member(s, &x->key))
					return s->err;
				if (x->tags.n >= IX_COLS) { /* not kept */
					if (jsonr_skip(s))
						return s->err;
					continue;
				}
				x->tags.off[x->tags.n] = x->tags.b.len;
				if (buf_add(
				        &x->tags.b, x->key.p, x->key.len + 1)
				    || ix_strs_add(s, &x->tagv))
					return s->err ? s->err : -ENOSPC;
				x->tags.n++;
			}
		} else if (strcmp(x->key.p, "columns") == 0) {
			jsonr_enter(s, '[');
			while (jsonr_more(s, ']'))
				if (ix_strs_add(s, &x->cols))
					return s->err ? s->err : -ENOSPC;
		} else if (strcmp(x->key.p, "values") == 0) {
			jsonr_enter(s, '[');
			while (jsonr_more(s, ']')) {
				x->res->rows++;
				if (!x->res->row) {
					jsonr_skip(s);
					continue;
				}
				ix_strs_reset(&x->row);
				jsonr_enter(s, '[');
				while (jsonr_more(s, ']'))
					if (ix_strs_add(s, &x->row))
						return s->err ? s->err
						              : -ENOSPC;
				if (!s->err)
					ix_emit(x);
			}
		} else {
			jsonr_skip(s);
		}
	}
	return s->err;
}

/* One element of "results": its series, or its error. */
static int
ix_result(struct ix_scan *x)
{
	struct jsonr *s = &x->s;

	if (!jsonr_enter(s, '{'))
		return s->err;
	while (jsonr_more(s, '}')) {
		if (jsonr_member(s, &x->key))
			break;
		if (strcmp(x->key.p, "series") == 0) {
			jsonr_enter(s, '[');
			while (jsonr_more(s, ']'))
				if (ix_series(x))
					return s->err ? s->err : -ENOSPC;
		} else if (strcmp(x->key.p, "error") == 0 && !x->msg->len) {
			jsonr_scalar(s, x->msg);
		} else {
			jsonr_skip(s);
		}
	}
	return s->err;
}

/* Scans an answer: counts rows into res, and copies the first error
 * (a statement's or the whole request's) into msg. 0, or an error of a
 * malformed answer. */
static int
ix_scan(const char *text, size_t len, struct tgt_qres *res, struct buf *msg)
{
	struct ix_scan x;
	int            rc;

	memset(&x, 0, sizeof(x));
	x.res = res;
	x.msg = msg;
	buf_init(&x.key, 1 << 16);
	buf_init(&x.cols.b, 1 << 20);
	buf_init(&x.tags.b, 1 << 20);
	buf_init(&x.tagv.b, 1 << 20);
	buf_init(&x.row.b, 1 << 24);
	jsonr_init(&x.s, text, len);
	if (jsonr_enter(&x.s, '{')) {
		while (jsonr_more(&x.s, '}')) {
			if (jsonr_member(&x.s, &x.key))
				break;
			if (strcmp(x.key.p, "results") == 0) {
				jsonr_enter(&x.s, '[');
				while (jsonr_more(&x.s, ']'))
					if (ix_result(&x))
						break;
			} else if (strcmp(x.key.p, "error") == 0
			    && !msg->len) {
				jsonr_scalar(&x.s, msg);
			} else {
				jsonr_skip(&x.s);
			}
		}
	}
	rc = x.s.err;
	if (!rc && jsonr_peek(&x.s))
		rc = -EINVAL; /* something after the answer */
	buf_free(&x.key);
	buf_free(&x.cols.b);
	buf_free(&x.tags.b);
	buf_free(&x.tagv.b);
	buf_free(&x.row.b);
	return rc;
}

/* ---- requests ---- */

/* Runs InfluxQL text against /query; counts and hands out rows. A
 * statement's error fails the query. */
static enum tgt_status
ix_run(struct lph *l, const char *q, struct tgt_qres *res, char *err,
    size_t errlen)
{
	const char *const kv[]
	    = { "db", l->u.db, "epoch", "ms", "q", q, NULL };
	struct tgt_qres dummy = { 0 };
	enum tgt_status st;
	struct buf      msg;
	int             rc;

	st = lph_post_form(l, "/query", kv, err, errlen);
	/* 400 and 404 carry {"error":...} worth quoting; keep http's
	 * message, which has it. */
	if (st != TGT_OK)
		return st;
	buf_init(&msg, 4096);
	rc = ix_scan(l->h.resp.p, l->h.resp.len, res ? res : &dummy, &msg);
	if (!rc && msg.len) {
		char shown[4 * 200 + 4];

		log_escape(shown, sizeof(shown), msg.p, msg.len, 200);
		snprintf(err, errlen, "influx %s/query: %s",
		    l->h.host[l->h.last].base, shown);
		st = TGT_FAIL;
	} else if (rc) {
		snprintf(err, errlen,
		    "influx %s/query: malformed answer (%s) at byte %zu",
		    l->h.host[l->h.last].base, strerror(-rc), l->h.resp.len);
		st = TGT_FAIL;
	}
	buf_free(&msg);
	return st;
}

/* CREATE or DROP the database, on the coordinator. */
static int
ix_admin(
    const struct tgt_conf *conf, const char *verb, char *err, size_t errlen)
{
	struct lph l;
	char      *q;
	int        rc;

	rc = lph_open(&l, "influx", IX_PORT, conf, err, errlen);
	if (!rc) {
		q  = xasprintf("%s DATABASE \"%s\"", verb, l.u.db);
		rc = ix_run(&l, q, NULL, err, errlen) == TGT_OK ? 0 : -EIO;
		free(q);
	}
	lph_close(&l);
	return rc;
}

/* ---- ops ---- */

static int
ix_check(const char *url, char *err, size_t errlen)
{
	struct lph_url u;

	return lph_url_parse(url, "devops", &u, err, errlen);
}

static int
ix_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	return ix_admin(conf, "CREATE", err, errlen);
}

struct ix_has {
	const char *db;
	bool        found;
};

static void
ix_has_row(void *arg, unsigned ncol, const char *const *names,
    const char *const *vals)
{
	struct ix_has *h = arg;

	(void)names;
	if (ncol && vals[0] && strcmp(vals[0], h->db) == 0)
		h->found = true;
}

/* Drops the database after a line that names it; a database that is not
 * there is nothing to drop. */
static int
ix_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct tgt_qres res = { .row = ix_has_row };
	struct ix_has   has = { 0 };
	struct lph      l;
	int             rc;

	rc = lph_open(&l, "influx", IX_PORT, conf, err, errlen);
	if (rc)
		goto out;
	has.db      = l.u.db;
	res.row_arg = &has;
	if (ix_run(&l, "SHOW DATABASES", &res, err, errlen) != TGT_OK) {
		rc = -EIO;
	} else if (!has.found) {
		snprintf(err, errlen, "database %s does not exist on %s",
		    l.u.db, l.h.host[l.h.last].base);
		rc = TGT_CLEANUP_NOTHING;
	} else {
		log_info("dropping database %s of %s ...", l.u.db,
		    l.h.host[l.h.last].base);
		rc = ix_admin(conf, "DROP", err, errlen);
	}
out:
	lph_close(&l);
	return rc;
}

static int
ix_init(struct tgt_ctx *ctx)
{
	struct lph *l = xcalloc(1, sizeof(*l));

	ctx->priv = l;
	return lph_open(
	    l, "influx", IX_PORT, ctx->conf, ctx->err, sizeof(ctx->err));
}

static enum tgt_status
ix_write(struct tgt_ctx *ctx, const struct batch *b)
{
	return lph_write(
	    ctx->priv, b, &ctx->rejected, ctx->err, sizeof(ctx->err));
}

static enum tgt_status
ix_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	return ix_run(ctx->priv, text, res, ctx->err, sizeof(ctx->err));
}

static void
ix_fini(struct tgt_ctx *ctx)
{
	struct lph *l = ctx->priv;

	if (!l)
		return;
	lph_close(l);
	free(l);
	ctx->priv = NULL;
}

const struct target_ops target_influx = {
	.name    = "influx",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_QUERY | TGT_F_LINES | TGT_F_HOSTS,
	.usage   = "influx://HOST:PORT[,HOST:PORT...][/]",
	.params  = lph_params,
	.check   = ix_check,
	.setup   = ix_setup,
	.init    = ix_init,
	.write   = ix_write,
	.lines   = lph_lines,
	.dialect = "influxql",
	.query   = ix_query,
	.fini    = ix_fini,
	.cleanup = ix_cleanup,
};
