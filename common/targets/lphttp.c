/* lphttp.c - line protocol over HTTP, shared by the influx and vm
 * targets.
 */
#include "lphttp.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum {
	LPH_BODY_CAP = 1 << 30, /* hard cap of one batch's text */
	LPH_TMP_CAP  = 8 << 20,
};

/* Database names we pass unquoted into URLs and quoted into InfluxQL:
 * letters, digits, '_', '-', '.'. */
static bool
lph_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
		        || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'
		        || *s == '.'))
			return false;
	return true;
}

/* The rows influx:// and vm:// share. */
#define LPH_ROWS                                                              \
	{ "db", PARAM_STR, PARAM_FIELD(struct lph_url, db), NULL, 0, 0, NULL, \
		"NAME", "database (default: -d)" },                           \
	    { "gzip", PARAM_BOOL, PARAM_FIELD(struct lph_url, gzip), "0", 0,  \
		    0, NULL, NULL, "gzip request bodies" },                   \
	    { "precision", PARAM_ENUM, PARAM_FIELD(struct lph_url, prec),     \
		    "ms", 0, 0, lp_precision_names, NULL,                     \
		    "timestamps written" }, /* InfluxDB refuses bodies over   \
	                                       25 MB by default */            \
	    { "max_body", PARAM_SIZE, PARAM_FIELD(struct lph_url, max_body),  \
		    "20000000", 4096, LPH_BODY_CAP, NULL, NULL,               \
		    "most bytes of one request body" },                       \
	{                                                                     \
		"timeout", PARAM_SECS, PARAM_FIELD(struct lph_url, timeout),  \
		    "120", 0.001, 3600, NULL, "SECS", "longest request"       \
	}

const struct param_row lph_params[] = { LPH_ROWS, { NULL } };

const char *const lph_protocols[] = { "lp", "rw", NULL };

const struct param_row lph_vm_params[] = {
	LPH_ROWS,
	{ "protocol", PARAM_ENUM, PARAM_FIELD(struct lph_url, protocol), "lp",
	    0, 0, lph_protocols, NULL,
	    "line protocol to /write, or remote write to /api/v1/write "
	    "(max_body: its protobuf bytes)" },
	{ "max_samples", PARAM_UINT, PARAM_FIELD(struct lph_url, max_samples),
	    "10000", 1, 100000000, NULL, "N",
	    "protocol=rw: most samples of one request" },
	{ NULL },
};

int
lph_url_parse(const char *url, const char *def_db, struct lph_url *u,
    char *err, size_t errlen)
{
	int sn = (int)strcspn(url, ":");
	int rc;

	memset(u, 0, sizeof(*u));
	rc = params_parse_url(
	    strncmp(url, "vm:", 3) == 0 ? lph_vm_params : lph_params, u, url,
	    err, errlen);
	if (!rc)
		rc = http_check_url(url, err, errlen);
	if (rc)
		return rc;
	if (strncmp(url + sn, "://", 3) != 0) {
		snprintf(err, errlen,
		    "%.*s: expected %.*s://HOST:PORT[,HOST:PORT...][/?db=NAME]",
		    sn, url, sn, url);
		return -EINVAL;
	}
	if (!u->db[0]) /* absent or empty */
		snprintf(u->db, sizeof(u->db), "%s", def_db ? def_db : "");
	if (!lph_name_ok(u->db)) {
		snprintf(err, errlen,
		    "%.*s: invalid database name \"%s\" (letters, digits, _ - .)",
		    sn, url, u->db);
		return -EINVAL;
	}
	return 0;
}

int
lph_open(struct lph *l, const char *name, unsigned port,
    const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct http_opts o = { .name = name, .def_port = port };
	int              rc;

	memset(l, 0, sizeof(*l));
	buf_init(&l->body, LPH_BODY_CAP);
	buf_init(&l->tmp, LPH_TMP_CAP);
	rc = lph_url_parse(conf->url, conf->database, &l->u, err, errlen);
	o.timeout_ms = (long)(l->u.timeout * 1000 + 0.5);
	if (!rc)
		rc = http_init(&l->h, conf->url, &o, err, errlen);
	if (!rc)
		l->wpath = xasprintf("/write?db=%s&precision=%s", l->u.db,
		    lp_precision_name(l->u.prec));
	lp_enc_init(&l->enc, l->u.prec);
	return rc;
}

void
lph_close(struct lph *l)
{
	http_fini(&l->h);
	buf_free(&l->body);
	buf_free(&l->tmp);
	lp_enc_free(&l->enc);
	free(l->wpath);
	l->wpath = NULL;
}

/* Lines a 400 answer says were refused: one per "unable to parse" (lines
 * InfluxDB could not read; a partial write of the others says
 * "dropped=0" for them), plus the "dropped=N" points it read but did not
 * store (a field type conflict); 0 when the answer is about the request
 * as a whole. */
static unsigned
lph_refused(const char *body)
{
	const char *p = strstr(body, "dropped=");
	unsigned    n = p ? (unsigned)strtoul(p + 8, NULL, 10) : 0;

	for (p = body; (p = strstr(p, "unable to parse")) != NULL; p++)
		n++;
	return n;
}

enum tgt_status
lph_write(struct lph *l, const struct batch *b, unsigned *rejected, char *err,
    size_t errlen)
{
	struct http_req r = {
		.path = l->wpath, .gzip = l->u.gzip, .ctype = format_lp.ctype
	};
	unsigned        next = 0, n;
	enum tgt_status st;
	int             rc;

	*rejected = 0;
	while (next < b->n) {
		buf_reset(&l->body);
		rc = lp_encode(&l->enc, &l->body, b, &next, l->u.max_body);
		if (rc) {
			snprintf(err, errlen,
			    "%s: a sample does not fit in a request body",
			    l->h.o.name);
			return TGT_FAIL;
		}
		r.body = l->body.p;
		r.len  = l->body.len;
		st     = http_request(&l->h, &r, err, errlen);
		if (st == TGT_FAIL && l->h.status == 400
		    && (n = lph_refused(l->h.resp.p)) > 0) {
			*rejected += n;
			continue;
		}
		/* A part that failed fails the batch: parts already
		 * written are written again on a retry, which both servers
		 * take as the same points (same series, field and time). */
		if (st != TGT_OK)
			return st;
	}
	return TGT_OK;
}

enum tgt_status
lph_write_text(struct lph *l, const char *text, size_t len, unsigned *rejected,
    char *err, size_t errlen)
{
	struct http_req r = {
		.path = l->wpath, .gzip = l->u.gzip, .ctype = format_lp.ctype
	};
	const char     *p = text, *end = text + len;
	enum tgt_status st;
	unsigned        n;

	*rejected = 0;
	while (p < end) {
		size_t      take = (size_t)(end - p);
		const char *nl;

		if (take > l->u.max_body) {
			nl = memrchr(p, '\n', l->u.max_body);
			if (!nl) {
				snprintf(err, errlen,
				    "%s: a line is longer than max_body (%llu bytes)",
				    l->h.o.name,
				    (unsigned long long)l->u.max_body);
				return TGT_FAIL;
			}
			take = (size_t)(nl - p) + 1;
		}
		r.body = p;
		r.len  = take;
		st     = http_request(&l->h, &r, err, errlen);
		if (st == TGT_FAIL && l->h.status == 400
		    && (n = lph_refused(l->h.resp.p)) > 0)
			*rejected += n;
		else if (st != TGT_OK)
			return st; /* parts written go again: the same points
			            */
		p += take;
	}
	return TGT_OK;
}

enum tgt_status
lph_lines(struct tgt_ctx *ctx, const struct tgt_lines *l)
{
	unsigned        rej = 0;
	enum tgt_status st  = lph_write_text(
	     ctx->priv, l->data, l->len, &rej, ctx->err, sizeof(ctx->err));

	if (st != TGT_OK)
		return st;
	if (rej > l->n)
		rej = l->n;
	ctx->lines.done += l->n - rej;
	ctx->lines.failed += rej;
	return TGT_OK;
}

enum tgt_status
lph_post_form(struct lph *l, const char *path, const char *const *kv,
    char *err, size_t errlen)
{
	return http_post_form(&l->h, &l->body, path, kv, err, errlen);
}
