/* vm.c - the vm:// target: VictoriaMetrics (single node) over HTTP.
 *
 *   vm://HOST:PORT[,HOST:PORT...][/?db=NAME][&gzip=1][&precision=ms]
 *       [&max_body=BYTES]
 *
 * Writes the line protocol of common/lp.c to POST /write?db=NAME: VM
 * names each series {measurement}_{field} (metrics_cpu_user,
 * events_gc_pause), keeps the tags as labels and adds db="NAME", so runs
 * with different -d (or db=) live side by side. Queries are PromQL /
 * MetricsQL; every query gets extra_label=db=NAME, so templates never
 * name the db. A template may say, in a comment line,
 *
 *   # tsload: end={end} range=1h step=1m
 *
 * to run as /api/v1/query_range over [end - range, end] (else an instant
 * /api/v1/query at end); end is "now" or epoch seconds. A line holding
 * only ";" separates queries run one after the other (the parameter
 * query). Rows: one per sample of an instant vector, one per point of a
 * range matrix; the row callback sees value, time, then the labels.
 * cleanup deletes the series of db="NAME".
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "jsonr.h"
#include "lphttp.h"
#include "log.h"
#include "parse.h"
#include "xalloc.h"

enum {
	VM_PORT   = 8428,
	VM_LABELS = 62, /* labels handed to a row callback */
};

/* ---- the JSON answer of /api/v1/query[_range] ---- */

struct vm_scan {
	struct jsonr     s;
	struct tgt_qres *res;
	struct buf       key, lab, val;
	size_t           loff[VM_LABELS], voff[VM_LABELS];
	unsigned         nlab;
	struct buf      *msg;    /* "error" */
	struct buf       status; /* "status" */
};

/* Reads one [time, "value"] pair and hands it out. */
static int
vm_point(struct vm_scan *x)
{
	struct jsonr *s = &x->s;
	const char   *names[VM_LABELS + 2], *vals[VM_LABELS + 2];
	struct buf    tv;
	size_t        t0;
	unsigned      i;
	int           rc;

	x->res->rows++;
	if (!x->res->row)
		return jsonr_skip(s);
	buf_init(&tv, 256);
	jsonr_enter(s, '[');
	t0 = 0;
	if (jsonr_more(s, ']'))
		jsonr_scalar(s, &tv);
	buf_addc(&tv, '\0');
	t0 = tv.len;
	if (jsonr_more(s, ']'))
		jsonr_scalar(s, &tv);
	buf_addc(&tv, '\0');
	while (jsonr_more(s, ']'))
		jsonr_skip(s);
	rc = s->err;
	if (!rc) {
		names[0] = "value";
		vals[0]  = tv.p + t0;
		names[1] = "time";
		vals[1]  = tv.p;
		for (i = 0; i < x->nlab; i++) {
			names[i + 2] = x->lab.p + x->loff[i];
			vals[i + 2]  = x->val.p + x->voff[i];
		}
		x->res->row(x->res->row_arg, x->nlab + 2, names, vals);
	}
	buf_free(&tv);
	return rc;
}

static int
vm_labels(struct vm_scan *x)
{
	struct jsonr *s = &x->s;

	buf_reset(&x->lab);
	buf_reset(&x->val);
	x->nlab = 0;
	if (!jsonr_enter(s, '{'))
		return s->err;
	while (jsonr_more(s, '}')) {
		if (jsonr_member(s, &x->key))
			break;
		if (x->nlab >= VM_LABELS) {
			jsonr_skip(s);
			continue;
		}
		x->loff[x->nlab] = x->lab.len;
		x->voff[x->nlab] = x->val.len;
		if (buf_add(&x->lab, x->key.p, x->key.len + 1)
		    || jsonr_scalar(s, &x->val) < 0 || buf_addc(&x->val, '\0'))
			return s->err ? s->err : -ENOSPC;
		x->nlab++;
	}
	return s->err;
}

/* One element of "result": {"metric":{...},"value":[t,v]} or
 * {"metric":{...},"values":[[t,v],...]}. */
static int
vm_series(struct vm_scan *x)
{
	struct jsonr *s = &x->s;

	x->nlab = 0;
	if (!jsonr_enter(s, '{'))
		return s->err;
	while (jsonr_more(s, '}')) {
		if (jsonr_member(s, &x->key))
			break;
		if (strcmp(x->key.p, "metric") == 0) {
			vm_labels(x);
		} else if (strcmp(x->key.p, "value") == 0) {
			vm_point(x);
		} else if (strcmp(x->key.p, "values") == 0) {
			jsonr_enter(s, '[');
			while (jsonr_more(s, ']'))
				if (vm_point(x))
					break;
		} else {
			jsonr_skip(s);
		}
	}
	return s->err;
}

static int
vm_data(struct vm_scan *x)
{
	struct jsonr *s = &x->s;

	if (!jsonr_enter(s, '{'))
		return s->err;
	while (jsonr_more(s, '}')) {
		if (jsonr_member(s, &x->key))
			break;
		if (strcmp(x->key.p, "result") != 0) {
			jsonr_skip(s);
			continue;
		}
		if (jsonr_peek(s) != '[')
			return jsonr_skip(s);
		/* a scalar or string result is one [t, v] pair */
		{
			struct jsonr peek = *s;

			peek.p++;
			if (jsonr_peek(&peek) != '{'
			    && jsonr_peek(&peek) != ']') {
				x->nlab = 0;
				vm_point(x);
				continue;
			}
		}
		jsonr_enter(s, '[');
		while (jsonr_more(s, ']'))
			if (vm_series(x))
				break;
	}
	return s->err;
}

static int
vm_scan(const char *text, size_t len, struct tgt_qres *res, struct buf *msg)
{
	struct vm_scan x;
	int            rc;

	memset(&x, 0, sizeof(x));
	x.res = res;
	x.msg = msg;
	buf_init(&x.key, 1 << 16);
	buf_init(&x.lab, 1 << 20);
	buf_init(&x.val, 1 << 20);
	buf_init(&x.status, 64);
	jsonr_init(&x.s, text, len);
	if (jsonr_enter(&x.s, '{')) {
		while (jsonr_more(&x.s, '}')) {
			if (jsonr_member(&x.s, &x.key))
				break;
			if (strcmp(x.key.p, "data") == 0)
				vm_data(&x);
			else if (strcmp(x.key.p, "error") == 0)
				jsonr_scalar(&x.s, msg);
			else if (strcmp(x.key.p, "status") == 0)
				jsonr_scalar(&x.s, &x.status);
			else
				jsonr_skip(&x.s);
		}
	}
	rc = x.s.err;
	if (!rc && !msg->len
	    && (x.status.len != 7 || memcmp(x.status.p, "success", 7) != 0))
		buf_adds(msg, "status is not success");
	buf_free(&x.key);
	buf_free(&x.lab);
	buf_free(&x.val);
	buf_free(&x.status);
	return rc;
}

/* ---- query texts ---- */

struct vm_how {
	double range, step; /* seconds; range 0: instant */
	double end;         /* epoch seconds */
};

/* Reads the "# tsload: ..." lines of text. */
static int
vm_directives(const char *text, struct vm_how *how, char *err, size_t errlen)
{
	const char *p = text;
	char        tok[64], *eq, *end;
	double      v;

	memset(how, 0, sizeof(*how));
	how->end = (double)wall_ms() / 1000.0;
	while ((p = strstr(p, "# tsload:")) != NULL) {
		p += 9;
		for (;;) {
			size_t n;

			p += strspn(p, " \t");
			n = strcspn(p, " \t\r\n");
			if (!n)
				break;
			snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
			p += n;
			eq = strchr(tok, '=');
			if (!eq)
				goto bad;
			*eq++ = '\0';
			if (strcmp(tok, "end") == 0) {
				if (strcmp(eq, "now") == 0)
					continue;
				v = strtod(eq, &end);
				if (end == eq || *end || !isfinite(v) || v < 0)
					goto bad_end;
				how->end = v;
			} else if (strcmp(tok, "range") == 0) {
				if (parse_duration(eq, &how->range, NULL, 0))
					goto bad;
			} else if (strcmp(tok, "step") == 0) {
				if (parse_duration(eq, &how->step, NULL, 0)
				    || how->step <= 0)
					goto bad;
			} else {
				goto bad;
			}
		}
	}
	if (how->range > 0 && how->step <= 0)
		how->step = 60;
	return 0;
bad_end:
	snprintf(err, errlen,
	    "vm: query end \"%s\" (expected now or epoch seconds)", eq);
	return -EINVAL;
bad:
	snprintf(err, errlen,
	    "vm: bad directive \"%s\" (expected # tsload: end=now|SECS "
	    "range=DUR step=DUR)",
	    tok);
	return -EINVAL;
}

/* VM's errors repeat the whole query first ("error when executing
 * query=\"...\" for (time=T, step=S): reason"): the reason only. */
static const char *
vm_reason(const char *msg)
{
	const char *p = msg + strlen(msg), *q;

	while (p > msg) {
		for (p--; p > msg && strncmp(p, "step=", 5) != 0; p--)
			;
		if (strncmp(p, "step=", 5) != 0)
			break;
		for (q = p + 5; *q >= '0' && *q <= '9'; q++)
			;
		if (q > p + 5 && strncmp(q, "): ", 3) == 0)
			return q + 3;
	}
	return msg;
}

/* Runs one PromQL query; adds its rows to res. */
static enum tgt_status
vm_run(struct lph *l, const char *q, const struct vm_how *how,
    struct tgt_qres *res, char *err, size_t errlen)
{
	char            label[LPH_DB_MAX + 8], start[32], end[32], step[32];
	const char     *kv[12];
	unsigned        k = 0;
	enum tgt_status st;
	struct buf      msg;
	int             rc;

	snprintf(label, sizeof(label), "db=%s", l->u.db);
	snprintf(end, sizeof(end), "%.3f", how->end);
	kv[k++] = "query";
	kv[k++] = q;
	kv[k++] = "extra_label";
	kv[k++] = label;
	if (how->range > 0) {
		snprintf(start, sizeof(start), "%.3f", how->end - how->range);
		snprintf(step, sizeof(step), "%.3f", how->step);
		kv[k++] = "start";
		kv[k++] = start;
		kv[k++] = "end";
		kv[k++] = end;
		kv[k++] = "step";
		kv[k++] = step;
	} else {
		kv[k++] = "time";
		kv[k++] = end;
	}
	kv[k] = NULL;
	st    = lph_post_form(l,
            how->range > 0 ? "/api/v1/query_range" : "/api/v1/query", kv, err,
	       errlen);
	if (st != TGT_OK && !l->h.status)
		return st; /* no answer: http's message says why */
	buf_init(&msg, 4096);
	rc = vm_scan(l->h.resp.p, l->h.resp.len, res, &msg);
	if (rc && st != TGT_OK) {
		/* not JSON: keep http's message with the body */
	} else if (rc || msg.len) {
		char code[32] = "", shown[4 * 200 + 4];

		buf_cstr(&msg);
		log_escape(shown, sizeof(shown), vm_reason(msg.p),
		    strlen(vm_reason(msg.p)), 200);
		if (st != TGT_OK)
			snprintf(
			    code, sizeof(code), "HTTP %ld: ", l->h.status);
		snprintf(err, errlen, "vm %s%s: %s%.200s",
		    l->h.host[l->h.last].base,
		    how->range > 0 ? "/api/v1/query_range" : "/api/v1/query",
		    code, rc ? "malformed answer" : shown);
		if (st == TGT_OK)
			st = TGT_FAIL;
	}
	buf_free(&msg);
	return st;
}

/* ---- ops ---- */

static int
vm_check(const char *url, char *err, size_t errlen)
{
	struct lph_url u;

	return lph_url_parse(url, "devops", &u, err, errlen);
}

/* Nothing to create; checks that the server answers, so that a wrong
 * address fails before the workers start. */
static int
vm_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct http_req r = { .path = "/health" };
	struct lph      l;
	int             rc;

	rc = lph_open(&l, "vm", VM_PORT, conf, err, errlen);
	if (!rc && http_request(&l.h, &r, err, errlen) != TGT_OK)
		rc = -EIO;
	lph_close(&l);
	return rc;
}

static int
vm_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	char        match[LPH_DB_MAX + 16];
	const char *kv[] = { "match[]", match, NULL };
	struct lph  l;
	int         rc;

	rc = lph_open(&l, "vm", VM_PORT, conf, err, errlen);
	if (!rc) {
		snprintf(match, sizeof(match), "{db=\"%s\"}", l.u.db);
		if (lph_post_form(&l, "/api/v1/admin/tsdb/delete_series", kv,
		        err, errlen)
		    != TGT_OK)
			rc = -EIO;
	}
	lph_close(&l);
	return rc;
}

static int
vm_init(struct tgt_ctx *ctx)
{
	struct lph *l = xcalloc(1, sizeof(*l));

	ctx->priv = l;
	return lph_open(
	    l, "vm", VM_PORT, ctx->conf, ctx->err, sizeof(ctx->err));
}

/* VictoriaMetrics answers 204 to lines it cannot read and skips them,
 * counting them in vm_rows_invalid_total{type="influx"} of /metrics.
 * An injected (--bad-data) batch is sent between two readings of that
 * counter, one thread of the process at a time: its increase is what the
 * server refused (exact when this process alone sends bad lines to the
 * server: one worker process). */
static pthread_mutex_t vm_bad_lock = PTHREAD_MUTEX_INITIALIZER;
#define VM_BAD_WAIT_NS (5000ULL * 1000 * 1000)

/* The counter, or -1 when /metrics does not say it. */
static long long
vm_invalid(struct lph *l, char *err, size_t errlen)
{
	static const char key[] = "vm_rows_invalid_total{type=\"influx\"} ";
	struct http_req   r     = { .method = "GET", .path = "/metrics" };
	const char       *p;

	if (http_request(&l->h, &r, err, errlen) != TGT_OK || !l->h.resp.p)
		return -1;
	p = strstr(l->h.resp.p, key);
	return p ? strtoll(p + sizeof(key) - 1, NULL, 10) : -1;
}

static enum tgt_status
vm_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct lph     *l = ctx->priv;
	long long       before, after;
	enum tgt_status st;

	if (!target_batch_bad(b))
		return lph_write(
		    l, b, &ctx->rejected, ctx->err, sizeof(ctx->err));
	pthread_mutex_lock(&vm_bad_lock);
	before = vm_invalid(l, ctx->err, sizeof(ctx->err));
	st     = lph_write(l, b, &ctx->rejected, ctx->err, sizeof(ctx->err));
	after  = -1;
	/* the server counts a little later (about a second): wait for it */
	for (uint64_t until = now_ns() + VM_BAD_WAIT_NS;
	     st == TGT_OK && before >= 0;) {
		after = vm_invalid(l, ctx->err, sizeof(ctx->err));
		if (after < 0 || after >= before + b->records
		    || now_ns() >= until)
			break;
		sleep_until_ns(now_ns() + 20000000ULL);
	}
	pthread_mutex_unlock(&vm_bad_lock);
	if (st == TGT_OK && after >= before && before >= 0) {
		ctx->rejected
		    = (unsigned)(after - before < b->records ? after - before
		                                             : b->records);
		ctx->rejected_points = ctx->rejected ? b->points : 0;
		snprintf(ctx->err, sizeof(ctx->err),
		    "vm: %u injected lines skipped (vm_rows_invalid_total)",
		    ctx->rejected);
	}
	return st;
}

/* Runs each ";"-separated query of text in turn. */
static enum tgt_status
vm_query(struct tgt_ctx *ctx, const char *text, struct tgt_qres *res)
{
	struct lph     *l = ctx->priv;
	struct vm_how   how;
	enum tgt_status st = TGT_OK;
	const char     *p  = text, *sep;
	char           *q;

	if (vm_directives(text, &how, ctx->err, sizeof(ctx->err)))
		return TGT_FAIL;
	while (st == TGT_OK && *p) {
		/* the next line that is just ";" ends this query */
		for (sep = p;; sep++) {
			sep = strchr(sep, ';');
			if (!sep
			    || ((sep == text || sep[-1] == '\n')
			        && (sep[1] == '\n' || !sep[1])))
				break;
		}
		q = xstrndup(p, sep ? (size_t)(sep - p) : strlen(p));
		if (q[strspn(q, " \t\r\n")])
			st = vm_run(
			    l, q, &how, res, ctx->err, sizeof(ctx->err));
		free(q);
		if (!sep)
			break;
		p = sep + 1;
	}
	return st;
}

static void
vm_fini(struct tgt_ctx *ctx)
{
	struct lph *l = ctx->priv;

	if (!l)
		return;
	lph_close(l);
	free(l);
	ctx->priv = NULL;
}

const struct target_ops target_vm = {
	.name    = "vm",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_QUERY | TGT_F_LINES | TGT_F_HOSTS,
	.usage   = "vm://HOST:PORT[,HOST:PORT...][/]",
	.params  = lph_params,
	.check   = vm_check,
	.setup   = vm_setup,
	.init    = vm_init,
	.write   = vm_write,
	.lines   = lph_lines,
	.dialect = "promql",
	.query   = vm_query,
	.fini    = vm_fini,
	.cleanup = vm_cleanup,
};
