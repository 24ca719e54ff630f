/* kinesis.c - the Amazon Kinesis Data Streams sink:
 *
 *   kinesis://STREAM[?shards=N&timeout=SECS]
 *
 * Each record of a batch (the Timestream record, as JSON text, one per
 * measure or one MULTI record per sample) becomes one Kinesis record, keyed
 * by the instance name, sent with PutRecords (AWS JSON 1.1, SigV4 service
 * "kinesis") to https://kinesis.REGION.amazonaws.com or --endpoint URL: at
 * most 500 records and 5 MiB a call. Records the stream refuses one by one
 * (FailedRecordCount: throughput exceeded, internal failure) are sent
 * again, alone, with backoff, each round counted as a throttle; those still
 * refused after KS_ROUNDS rounds are reported as rejected. A refused call
 * (throttling, 5xx, transport) is TGT_RETRY.
 *
 * ->setup creates the stream with N shards (default 1; an existing stream
 * is used as it is) and waits until it is ACTIVE; ->cleanup deletes it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws.h"
#include "buf.h"
#include "clock.h"
#include "json.h"
#include "jsonr.h"
#include "target.h"
#include "tsjson.h"
#include "xalloc.h"

enum {
	KS_MAX_RECORDS = 500,     /* PutRecords limit */
	KS_MAX_BYTES   = 5 << 20, /* data + partition keys per call */
	KS_BODY_MAX    = 16 << 20,
	KS_ROUNDS      = 8, /* resends of refused records */
	KS_ADMIN_TRIES = 6,
	KS_WAIT_S      = 300, /* for a new stream to become ACTIVE */
	KS_REASONS     = 3,
	KS_CONNECT_MS  = 20000,
	KS_NAME_MAX    = 128,
};

#define KS_NAME "kinesis"
#define KS_CTYPE "application/x-amz-json-1.1"
#define KS_PREFIX "Kinesis_20131202."

struct ks_cfg {
	char     stream[KS_NAME_MAX + 1];
	unsigned shards;
	long     timeout_ms;
	bool     tls;
	char     host[AWS_HOST_MAX]; /* endpoint "host[:port]" */
};

/* One record of the batch being written. */
struct ks_rec {
	size_t      off, len; /* its JSON text in text */
	const char *key;      /* partition key (instance name) */
	unsigned    key_len;
	unsigned    points;
};

struct ks_client {
	struct ks_cfg     cfg;
	struct aws_client aws;
	struct http       h;
	bool              up;
	char              hosthdr[AWS_HOST_MAX];
	struct buf        text; /* the batch's records, JSON lines */
	struct buf        body;
	struct ks_rec    *rec;
	unsigned         *todo, *again; /* indices into rec */
	size_t            cap;
};

/* ---- URL ---- */

/* What the URL's parameters say. */
struct ks_params {
	unsigned shards;
	double   timeout; /* seconds */
};

static const struct param_row ks_params[] = {
	{ "shards", PARAM_UINT, PARAM_FIELD(struct ks_params, shards), "1", 1,
	    10000, NULL, "N", "shards of the stream that setup creates" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct ks_params, timeout), "120",
	    0.001, 3600, NULL, "SECS", "longest request" },
	{ NULL },
};

static int
ks_parse_url(const char *url, struct ks_cfg *c, char *err, size_t errlen)
{
	struct ks_params p;
	char             path[KS_NAME_MAX + 64];
	size_t           n;
	int              rc;

	memset(c, 0, sizeof(*c));
	rc = params_parse_url(ks_params, &p, url, err, errlen);
	if (rc)
		return rc;
	c->shards     = p.shards;
	c->timeout_ms = (long)(p.timeout * 1000 + 0.5);
	if (strncasecmp(url, "kinesis://", 10) != 0
	    || target_url_path(url, path, sizeof(path)) != 0) {
		snprintf(err, errlen, "kinesis: expected kinesis://STREAM");
		return -EINVAL;
	}
	n = strspn(path,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "_.-");
	if (!n || n > KS_NAME_MAX || (path[n] && strcmp(path + n, "/"))) {
		snprintf(err, errlen,
		    "kinesis: bad stream name \"%.64s\" (1..128 of "
		    "A-Z a-z 0-9 _ . -)",
		    path);
		return -EINVAL;
	}
	snprintf(c->stream, sizeof(c->stream), "%.*s", (int)n, path);
	return 0;
}

static int
ks_check(const char *url, char *err, size_t errlen)
{
	struct ks_cfg c;

	return ks_parse_url(url, &c, err, errlen);
}

/* ---- a client ---- */

static int
ks_open(
    struct ks_client *k, const struct tgt_conf *conf, char *err, size_t errlen)
{
	bool explicit_ep = conf->endpoint && conf->endpoint[0];
	int  rc;

	memset(k, 0, sizeof(*k));
	buf_init(&k->text, KS_BODY_MAX);
	buf_init(&k->body, KS_BODY_MAX);
	rc = ks_parse_url(conf->url, &k->cfg, err, errlen);
	if (!rc && explicit_ep)
		rc = aws_split_base(KS_NAME, "--endpoint", conf->endpoint,
		    &k->cfg.tls, k->cfg.host, sizeof(k->cfg.host), err,
		    errlen);
	if (!rc)
		rc = aws_open(
		    &k->aws, KS_NAME, KS_NAME, conf->profile, err, errlen);
	if (!rc)
		rc = aws_resolve_region(&k->aws, "", conf->region,
		    explicit_ep ? k->cfg.host : NULL, explicit_ep, NULL, err,
		    errlen);
	if (rc)
		return rc;
	if (!explicit_ep) {
		k->cfg.tls = true;
		snprintf(k->cfg.host, sizeof(k->cfg.host),
		    "kinesis.%s.amazonaws.com", k->aws.region);
	}
	aws_host_header(
	    k->cfg.host, k->cfg.tls, k->hosthdr, sizeof(k->hosthdr));
	rc = aws_http(&k->h, KS_NAME, k->cfg.host, k->cfg.tls, KS_CONNECT_MS,
	    k->cfg.timeout_ms, err, errlen);
	k->up = true;
	return rc;
}

static void
ks_close(struct ks_client *k)
{
	if (k->up)
		http_fini(&k->h);
	aws_close(&k->aws);
	buf_free(&k->text);
	buf_free(&k->body);
	free(k->rec);
	free(k->todo);
	free(k->again);
}

static enum tgt_status
ks_call(struct ks_client *k, const char *op, char *err, size_t errlen)
{
	return aws_json_call(&k->aws, &k->h, k->hosthdr, KS_CTYPE, KS_PREFIX,
	    op, k->body.p, k->body.len, err, errlen);
}

/* A control-plane call with its own retries of throttled answers.
 * @return 0 done, 1 answered with ok_code, or a negative errno. */
static int
ks_admin(struct ks_client *k, const char *op, const char *ok_code, char *err,
    size_t errlen)
{
	enum tgt_status st = TGT_FAIL;
	unsigned        i;

	for (i = 0; i < KS_ADMIN_TRIES; i++) {
		if (i)
			sleep_until_ns(now_ns() + (100000000ull << i));
		st = ks_call(k, op, err, errlen);
		if (!target_status_retry(st))
			break;
	}
	if (st == TGT_OK)
		return 0;
	if (ok_code && aws_code_is(&k->aws, ok_code))
		return 1;
	return target_status_retry(st) ? -EAGAIN : -EIO;
}

static void
ks_stream_body(struct ks_client *k, const char *extra, unsigned long v)
{
	struct json_w w;

	buf_reset(&k->body);
	json_w_init(&w, &k->body, false);
	json_obj_begin(&w);
	json_kv_str(&w, "StreamName", k->cfg.stream);
	if (extra && !strcmp(extra, "EnforceConsumerDeletion"))
		json_kv_bool(&w, extra, true);
	else if (extra)
		json_kv_uint(&w, extra, v);
	json_obj_end(&w);
}

static int
ks_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct ks_client  k;
	struct jsonr_doc *doc;
	const char       *status = NULL;
	uint64_t          until  = now_ns() + KS_WAIT_S * 1000000000ull;
	char              why[64];
	int               rc;

	rc = ks_open(&k, conf, err, errlen);
	if (!rc) {
		ks_stream_body(&k, "ShardCount", k.cfg.shards);
		rc = ks_admin(
		    &k, "CreateStream", "ResourceInUseException", err, errlen);
	}
	/* A new stream takes a while to become ACTIVE. */
	while (rc >= 0) {
		ks_stream_body(&k, NULL, 0);
		rc = ks_admin(&k, "DescribeStreamSummary", NULL, err, errlen);
		if (rc)
			break;
		doc = NULL;
		if (jsonr_parse(
		        k.h.resp.p, k.h.resp.len, &doc, why, sizeof(why))
		    == 0)
			status = jsonr_get_str(jsonr_get(jsonr_root(doc),
			                           "StreamDescriptionSummary"),
			    "StreamStatus");
		if (status && !strcmp(status, "ACTIVE")) {
			jsonr_free(doc);
			break;
		}
		snprintf(err, errlen,
		    "kinesis: stream %s is %s after %d s, not ACTIVE",
		    k.cfg.stream, status ? status : "(unknown)", KS_WAIT_S);
		jsonr_free(doc);
		if (now_ns() >= until) {
			rc = -ETIMEDOUT;
			break;
		}
		sleep_until_ns(now_ns() + 1000000000ull);
	}
	ks_close(&k);
	return rc > 0 ? 0 : rc;
}

static int
ks_cleanup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	struct ks_client k;
	int              rc;

	rc = ks_open(&k, conf, err, errlen);
	if (!rc) {
		ks_stream_body(&k, "EnforceConsumerDeletion", 1);
		rc = ks_admin(&k, "DeleteStream", "ResourceNotFoundException",
		    err, errlen);
	}
	if (rc == 1) {
		snprintf(err, errlen, "kinesis: stream \"%s\" does not exist",
		    k.cfg.stream);
		rc = -ENOENT;
	}
	ks_close(&k);
	return rc;
}

/* ---- workers ---- */

static int
ks_init(struct tgt_ctx *ctx)
{
	struct ks_client *k = xmalloc(sizeof(*k));

	ctx->priv = k;
	return ks_open(k, ctx->conf, ctx->err, sizeof(ctx->err));
}

static void
ks_fini(struct tgt_ctx *ctx)
{
	struct ks_client *k = ctx->priv;

	if (!k)
		return;
	ks_close(k);
	free(k);
	ctx->priv = NULL;
}

/* Base64 (RFC 4648, padded) of s[0..n) at w; returns the new end. */
static char *
ks_b64(char *w, const unsigned char *s, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
	                        "tuvwxyz0123456789+/";
	size_t            i;

	for (i = 0; i + 2 < n; i += 3) {
		*w++ = t[s[i] >> 2];
		*w++ = t[(s[i] & 3) << 4 | s[i + 1] >> 4];
		*w++ = t[(s[i + 1] & 15) << 2 | s[i + 2] >> 6];
		*w++ = t[s[i + 2] & 63];
	}
	if (i < n) {
		*w++ = t[s[i] >> 2];
		if (i + 1 < n) {
			*w++ = t[(s[i] & 3) << 4 | s[i + 1] >> 4];
			*w++ = t[(s[i + 1] & 15) << 2];
		} else {
			*w++ = t[(s[i] & 3) << 4];
			*w++ = '=';
		}
		*w++ = '=';
	}
	return w;
}

/* Splits the batch into records: k->rec[0..n), text in k->text. */
static int
ks_records(struct ks_client *k, const struct batch *b, unsigned *nrec)
{
	unsigned i, n = 0;

	buf_reset(&k->text);
	if (k->cap < b->records + (size_t)b->n) {
		k->cap   = b->records + (size_t)b->n;
		k->rec   = xrealloc(k->rec, k->cap * sizeof(*k->rec));
		k->todo  = xrealloc(k->todo, k->cap * sizeof(*k->todo));
		k->again = xrealloc(k->again, k->cap * sizeof(*k->again));
	}
	for (i = 0; i < b->n; i++) {
		const struct sample *s     = &b->s[i];
		size_t               start = k->text.len, off;
		char                *w;

		if (buf_reserve(&k->text, tsjson_bound(s, b)) != 0)
			return -ENOSPC;
		w = tsjson_sample(k->text.p + start, s, b, true, '\n');
		k->text.len = (size_t)(w - k->text.p);
		for (off = start; off < k->text.len && n < k->cap;) {
			const char *nl
			    = memchr(k->text.p + off, '\n', k->text.len - off);
			size_t len = (size_t)(nl - (k->text.p + off));

			k->rec[n] = (struct ks_rec) {
				.off     = off,
				.len     = len,
				.key     = s->series->name,
				.key_len = s->series->name_len,
				.points  = b->multi ? target_points(s) : 1,
			};
			n++;
			off += len + 1;
		}
	}
	*nrec = n;
	return 0;
}

/* PutRecords of todo[from..) as far as the call limits go; *taken gets
 * how many went into the call. */
static int
ks_put_body(struct ks_client *k, const unsigned *todo, unsigned from,
    unsigned ntodo, unsigned *taken)
{
	size_t   bytes = 0;
	unsigned i;
	char    *w;

	buf_reset(&k->body);
	if (buf_adds(&k->body, "{\"StreamName\":\"")
	    || buf_adds(&k->body, k->cfg.stream)
	    || buf_adds(&k->body, "\",\"Records\":["))
		return -ENOSPC;
	for (i = from; i < ntodo && i - from < KS_MAX_RECORDS; i++) {
		const struct ks_rec *r = &k->rec[todo[i]];

		if (i > from && bytes + r->len + r->key_len > KS_MAX_BYTES)
			break;
		bytes += r->len + r->key_len;
		if (buf_reserve(
		        &k->body, 4 * r->len / 3 + 6 * r->key_len + 64))
			return -ENOSPC;
		w = k->body.p + k->body.len;
		if (i > from)
			*w++ = ',';
		memcpy(w, "{\"Data\":\"", 9);
		w = ks_b64(
		    w + 9, (const unsigned char *)k->text.p + r->off, r->len);
		memcpy(w, "\",\"PartitionKey\":\"", 18);
		w           = tsjson_str(w + 18, r->key, r->key_len);
		*w++        = '"';
		*w++        = '}';
		k->body.len = (size_t)(w - k->body.p);
	}
	*taken = i - from;
	return buf_adds(&k->body, "]}");
}

/* Reads which records of a call of n (todo[from..from+n)) failed: they
 * go to again[]; the first reasons to why. */
static int
ks_failed(struct ks_client *k, const unsigned *todo, unsigned from, unsigned n,
    unsigned *nagain, char *why, size_t whylen)
{
	struct jsonr_doc       *doc = NULL;
	const struct jsonr_val *v;
	char                    e[64];
	unsigned                i;
	size_t                  wl = strlen(why);

	if (jsonr_parse(k->h.resp.p, k->h.resp.len, &doc, e, sizeof(e)))
		return -EINVAL;
	v = jsonr_first(jsonr_get(jsonr_root(doc), "Records"));
	for (i = 0; i < n; i++, v = jsonr_next(v)) {
		const char *code = jsonr_get_str(v, "ErrorCode");

		if (!v || !code || !code[0])
			continue;
		k->again[(*nagain)++] = todo[from + i];
		if (wl < whylen && *nagain <= KS_REASONS) {
			const char *m = jsonr_get_str(v, "ErrorMessage");

			wl += (size_t)snprintf(why + wl, whylen - wl,
			    "%s %s%s%.60s", wl ? ";" : "", code, m ? ": " : "",
			    m ? m : "");
		}
	}
	jsonr_free(doc);
	return 0;
}

static enum tgt_status
ks_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct ks_client *k = ctx->priv;
	unsigned          nrec, ntodo, nagain, from, taken, i, round;
	char              why[160];
	enum tgt_status   st;

	ctx->rejected        = 0;
	ctx->rejected_points = 0;
	if (ks_records(k, b, &nrec)) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "kinesis: a batch of %u records exceeds %d MiB",
		    b->records, KS_BODY_MAX >> 20);
		return TGT_FAIL;
	}
	for (i = 0; i < nrec; i++)
		k->todo[i] = i;
	ntodo = nrec;
	for (round = 0;; round++) {
		why[0] = '\0';
		nagain = 0;
		for (from = 0; from < ntodo; from += taken) {
			if (ks_put_body(k, k->todo, from, ntodo, &taken)) {
				snprintf(ctx->err, sizeof(ctx->err),
				    "kinesis: PutRecords body over %d MiB",
				    KS_BODY_MAX >> 20);
				return TGT_FAIL;
			}
			st = ks_call(
			    k, "PutRecords", ctx->err, sizeof(ctx->err));
			/* Nothing written yet: the caller retries all. */
			if (st != TGT_OK && round == 0 && from == 0)
				return st;
			if (st == TGT_OK
			    && ks_failed(k, k->todo, from, taken, &nagain, why,
			           sizeof(why))
			        == 0)
				continue;
			/* A later call refused: its records go again. */
			for (i = 0; i < taken; i++)
				k->again[nagain++] = k->todo[from + i];
			snprintf(why, sizeof(why), "%.150s", ctx->err);
		}
		if (!nagain)
			return TGT_OK;
		if (round + 1 >= KS_ROUNDS)
			break;
		ctx->throttles++;
		sleep_until_ns(now_ns() + (25000000ull << round));
		memcpy(k->todo, k->again, nagain * sizeof(*k->todo));
		ntodo = nagain;
	}
	for (i = 0; i < nagain; i++)
		ctx->rejected_points += k->rec[k->again[i]].points;
	ctx->rejected = nagain;
	snprintf(ctx->err, sizeof(ctx->err),
	    "kinesis PutRecords: %u of %u records still refused after %d "
	    "rounds:%s",
	    nagain, nrec, KS_ROUNDS, why);
	return TGT_OK;
}

const struct target_ops target_kinesis = {
	.name      = "kinesis",
	.version   = TARGET_OPS_VERSION,
	.flags     = TGT_F_WRITE,
	.usage     = "kinesis://STREAM",
	.params    = ks_params,
	.max_batch = KS_MAX_RECORDS,
	.check     = ks_check,
	.setup     = ks_setup,
	.init      = ks_init,
	.write     = ks_write,
	.fini      = ks_fini,
	.cleanup   = ks_cleanup,
};
