/* promq.c - PromQL over HTTP, shared by the vm and promrw targets: the
 * "# tsload:" directives of a template, /api/v1/query[_range] as a form
 * POST, and the rows of its JSON answer.
 */
#include "promq.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "jsonr.h"
#include "log.h"
#include "parse.h"
#include "xalloc.h"

enum { PQ_LABELS = 62 }; /* labels handed to a row callback */

/* ---- the JSON answer of /api/v1/query[_range] ---- */

struct pq_scan {
	struct jsonr     s;
	struct tgt_qres *res;
	struct buf       key, lab, val;
	size_t           loff[PQ_LABELS], voff[PQ_LABELS];
	unsigned         nlab;
	struct buf      *msg;    /* "error" */
	struct buf       status; /* "status" */
};

/* Reads one [time, "value"] pair and hands it out. */
static int
pq_point(struct pq_scan *x)
{
	struct jsonr *s = &x->s;
	const char   *names[PQ_LABELS + 2], *vals[PQ_LABELS + 2];
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
pq_labels(struct pq_scan *x)
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
		if (x->nlab >= PQ_LABELS) {
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
pq_series(struct pq_scan *x)
{
	struct jsonr *s = &x->s;

	x->nlab = 0;
	if (!jsonr_enter(s, '{'))
		return s->err;
	while (jsonr_more(s, '}')) {
		if (jsonr_member(s, &x->key))
			break;
		if (strcmp(x->key.p, "metric") == 0) {
			pq_labels(x);
		} else if (strcmp(x->key.p, "value") == 0) {
			pq_point(x);
		} else if (strcmp(x->key.p, "values") == 0) {
			jsonr_enter(s, '[');
			while (jsonr_more(s, ']'))
				if (pq_point(x))
					break;
		} else {
			jsonr_skip(s);
		}
	}
	return s->err;
}

static int
pq_data(struct pq_scan *x)
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
				pq_point(x);
				continue;
			}
		}
		jsonr_enter(s, '[');
		while (jsonr_more(s, ']'))
			if (pq_series(x))
				break;
	}
	return s->err;
}

static int
pq_scan(const char *text, size_t len, struct tgt_qres *res, struct buf *msg)
{
	struct pq_scan x;
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
				pq_data(&x);
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

struct pq_how {
	double range, step; /* seconds; range 0: instant */
	double end;         /* epoch seconds */
};

/* Reads the "# tsload: ..." lines of text. */
static int
pq_directives(const char *who, const char *text, struct pq_how *how, char *err,
    size_t errlen)
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
	    "%s: query end \"%s\" (expected now or epoch seconds)", who, eq);
	return -EINVAL;
bad:
	snprintf(err, errlen,
	    "%s: bad directive \"%s\" (expected # tsload: end=now|SECS range=DUR step=DUR)",
	    who, tok);
	return -EINVAL;
}

/* VM's errors repeat the whole query first ("error when executing
 * query=\"...\" for (time=T, step=S): reason"): the reason only. */
static const char *
pq_reason(const char *msg)
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
pq_run(struct http *h, struct buf *form, const char *extra_label,
    const char *q, const struct pq_how *how, struct tgt_qres *res, char *err,
    size_t errlen)
{
	const char *path
	    = how->range > 0 ? "/api/v1/query_range" : "/api/v1/query";
	char            start[32], end[32], step[32];
	const char     *kv[12];
	unsigned        k = 0;
	enum tgt_status st;
	struct buf      msg;
	int             rc;

	snprintf(end, sizeof(end), "%.3f", how->end);
	kv[k++] = "query";
	kv[k++] = q;
	if (extra_label) {
		kv[k++] = "extra_label";
		kv[k++] = extra_label;
	}
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
	st    = http_post_form(h, form, path, kv, err, errlen);
	if (st != TGT_OK && !h->status)
		return st; /* no answer: http's message says why */
	buf_init(&msg, 4096);
	rc = pq_scan(h->resp.p, h->resp.len, res, &msg);
	if (rc && st != TGT_OK) {
		/* not JSON: keep http's message with the body */
	} else if (rc || msg.len) {
		char code[32] = "", shown[4 * 200 + 4];

		buf_cstr(&msg);
		log_escape(shown, sizeof(shown), pq_reason(msg.p),
		    strlen(pq_reason(msg.p)), 200);
		if (st != TGT_OK)
			snprintf(code, sizeof(code), "HTTP %ld: ", h->status);
		snprintf(err, errlen, "%s %s%s: %s%.200s", h->o.name,
		    h->host[h->last].base, path, code,
		    rc ? "malformed answer" : shown);
		if (st == TGT_OK)
			st = TGT_FAIL;
	}
	buf_free(&msg);
	return st;
}

enum tgt_status
promq_query(struct http *h, struct buf *form, const char *extra_label,
    const char *text, struct tgt_qres *res, char *err, size_t errlen)
{
	struct pq_how   how;
	enum tgt_status st = TGT_OK;
	const char     *p  = text, *sep;
	char           *q;

	if (pq_directives(h->o.name, text, &how, err, errlen))
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
			st = pq_run(
			    h, form, extra_label, q, &how, res, err, errlen);
		free(q);
		if (!sep)
			break;
		p = sep + 1;
	}
	return st;
}
