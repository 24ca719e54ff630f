/* kafka.c - the Kafka target and stream sink, through librdkafka:
 *
 *   kafka://BROKER[,BROKER...]/TOPIC[?format=lp|json|csv&key=none|series
 *                                     &linger_ms=MS&timeout=SECS]
 *
 * One producer per thread. A message counts as written only when its
 * delivery report says so: librdkafka retries a failed produce request by
 * itself (retries, retry.backoff.ms) until message.timeout.ms (?timeout=),
 * and those retries are counted from its statistics (the messages it sent
 * beyond those reported: "txmsgs"); a report with an error is a message
 * given up on.
 *
 * Metrics (->write): every line of the batch's text in the format
 * ?format= names is one message, keyed by the series name (the host) with
 * key=series, so one host's records stay in order on one partition; the
 * call waits for the delivery reports of its batch. Lines (->lines, tsload
 * stream): one message per line without its newline, no key, produced as
 * they come; the reports are counted as they arrive and ->drain waits for
 * every outstanding one, with no time limit of its own (the seed gave up
 * after 10 s and exited 0).
 *
 * Producer settings: bootstrap.servers from the URL, linger.ms 50 (the
 * seed's), statistics.interval.ms 100, enable.idempotence true (a retry
 * after an error is not stored twice), SASL_USERNAME and SASL_PASSWORD
 * from the environment when both are set (the seed's), then every
 * "key=value" line of conf->client_conf (stream -e) verbatim.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "buf.h"
#include "clock.h"
#include "format.h"
#include "target.h"
#include "xalloc.h"

enum {
	KF_BROKERS_MAX = 1024,
	KF_TOPIC_MAX   = 249, /* Kafka's limit */
	KF_BUF_MAX     = 256 << 20,
	KF_STATS_MS    = 100,
	KF_FULL_WAIT   = 10, /* ms polled when the local queue is full */
};

static const char *const kf_keys[] = { "none", "series", NULL };

struct kf_params {
	int    format; /* index in format_names */
	int    key;    /* index in kf_keys */
	double linger; /* seconds */
	double timeout;
};

static const struct param_row kf_params[] = {
	{ "format", PARAM_ENUM, PARAM_FIELD(struct kf_params, format), "lp", 0,
	    0, format_names, NULL, "the text of a metrics message" },
	{ "key", PARAM_ENUM, PARAM_FIELD(struct kf_params, key), "none", 0, 0,
	    kf_keys, NULL,
	    "message key: none, or series (the host: its records in order on "
	    "one partition)" },
	{ "linger", PARAM_SECS, PARAM_FIELD(struct kf_params, linger), "50ms",
	    0, 900, NULL, "SECS", "linger.ms: wait to fill a batch" },
	{ "timeout", PARAM_SECS, PARAM_FIELD(struct kf_params, timeout), "300",
	    0.001, 86400, NULL, "SECS",
	    "message.timeout.ms: give a message up after SECS" },
	{ NULL },
};

struct kf_cfg {
	char             brokers[KF_BROKERS_MAX];
	char             topic[KF_TOPIC_MAX + 1];
	struct kf_params p;
};

/* The delivery reports of one ->write batch. */
struct kf_wait {
	unsigned            pending, failed;
	rd_kafka_resp_err_t err; /* first error */
};

struct kf {
	struct kf_cfg            cfg;
	struct tgt_ctx          *ctx;
	rd_kafka_t              *rk;
	rd_kafka_topic_t        *rkt;
	const struct format_ops *fmt;
	void                    *enc;
	struct buf               text;
	rd_kafka_message_t      *msgs; /* ->lines: one batch's messages */
	size_t                   nmsgs;
	uint64_t                 txmsgs;     /* from the last statistics */
	uint64_t                 stats_seen; /* statistics received */
	rd_kafka_resp_err_t      last_err;   /* of the last failed report */
};

/* ---- URL ---- */

static int
kf_parse_url(const char *url, struct kf_cfg *c, char *err, size_t errlen)
{
	const char *p = url + strlen("kafka://"), *slash, *end;
	int         rc;

	memset(c, 0, sizeof(*c));
	if (strncmp(url, "kafka://", 8)) {
		snprintf(err, errlen,
		    "kafka: URL must be kafka://BROKER[,BROKER...]/TOPIC");
		return -EINVAL;
	}
	rc = params_parse_url(kf_params, &c->p, url, err, errlen);
	if (rc)
		return rc;
	if (format_find(format_names[c->p.format])->binary) {
		snprintf(err, errlen,
		    "kafka: format=%s is not lines of text (use lp, json or csv)",
		    format_names[c->p.format]);
		return -EINVAL;
	}
	slash = strchr(p, '/');
	end   = p + strcspn(p, "?#");
	if (!slash || slash > end || slash == p) {
		snprintf(err, errlen,
		    "kafka: %s: expected kafka://BROKER[,BROKER...]/TOPIC",
		    url);
		return -EINVAL;
	}
	if ((size_t)(slash - p) >= sizeof(c->brokers)) {
		snprintf(err, errlen, "kafka: broker list too long");
		return -EINVAL;
	}
	memcpy(c->brokers, p, (size_t)(slash - p));
	slash++;
	if (slash == end || (size_t)(end - slash) > KF_TOPIC_MAX) {
		snprintf(err, errlen,
		    "kafka: %s: the topic must be 1..%d characters", url,
		    KF_TOPIC_MAX);
		return -EINVAL;
	}
	memcpy(c->topic, slash, (size_t)(end - slash));
	for (const char *t = c->topic; *t; t++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
		            "XYZ0123456789._-",
		        *t)) {
			snprintf(err, errlen,
			    "kafka: topic \"%s\": only letters, digits, '.', '_' and '-' are allowed",
			    c->topic);
			return -EINVAL;
		}
	return 0;
}

static int
kf_check(const char *url, char *err, size_t errlen)
{
	struct kf_cfg c;

	return kf_parse_url(url, &c, err, errlen);
}

/* ---- callbacks (from rd_kafka_poll/flush, in the caller's thread) ---- */

/* The hook for an undelivered line of tsload stream: counted failed and
 * its error kept. A spool for stream's lines would take it here (stream
 * has none yet). Ingest's batches need no hook: a batch the cluster never
 * took returns TGT_UNREACHABLE from ->write, which the spool stage keeps
 * when --spool-dir is given. */
static void
kf_undelivered(struct kf *k, const rd_kafka_message_t *m)
{
	k->ctx->lines.failed++;
	k->last_err = m->err;
}

static void
kf_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kf      *k = opaque;
	struct kf_wait *w = m->_private;

	(void)rk;
	if (w) { /* ->write */
		w->pending--;
		if (m->err) {
			w->failed++;
			if (!w->err)
				w->err = m->err;
		}
		return;
	}
	if (m->err)
		kf_undelivered(k, m);
	else
		k->ctx->lines.done++;
}

/* Keeps the client's "txmsgs" (messages sent to brokers, each sending
 * again counted again). Partitions have a "txmsgs" too; the client's is
 * the one followed by "txmsg_bytes". */
static int
kf_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
	struct kf        *k     = opaque;
	static const char key[] = "\"txmsgs\":", next[] = "\"txmsg_bytes\"";
	const char       *p = json, *end = json + len;
	char             *e;

	(void)rk;
	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1))) {
		unsigned long long v = strtoull(p + sizeof(key) - 1, &e, 10);

		p = e;
		while (p < end && (*p == ',' || *p == ' '))
			p++;
		if ((size_t)(end - p) >= sizeof(next) - 1
		    && !memcmp(p, next, sizeof(next) - 1)) {
			k->txmsgs = v;
			break;
		}
	}
	k->stats_seen++;
	return 0; /* json is librdkafka's to free */
}

/* librdkafka's own log lines go to stderr, one each, as tsload's do. */
static void
kf_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	fprintf(stderr, "tsload: kafka %d %s: %s\n", level, fac, buf);
}

/* ---- workers ---- */

static int
kf_set(rd_kafka_conf_t *conf, const char *key, const char *val, char *err,
    size_t errlen)
{
	char why[256];

	if (rd_kafka_conf_set(conf, key, val, why, sizeof(why))
	    == RD_KAFKA_CONF_OK)
		return 0;
	snprintf(
	    err, errlen, "kafka: setting %.40s=%.40s: %.100s", key, val, why);
	return -EINVAL;
}

/* The producer settings (see the top of the file). */
static int
kf_conf(struct kf *k, const struct tgt_conf *tc, rd_kafka_conf_t *conf,
    char *err, size_t errlen)
{
	const char *u = getenv("SASL_USERNAME"), *pw = getenv("SASL_PASSWORD");
	const char *l = tc->client_conf;
	char        v[64];

	if (kf_set(conf, "bootstrap.servers", k->cfg.brokers, err, errlen))
		return -EINVAL;
	snprintf(v, sizeof(v), "%g", k->cfg.p.linger * 1000);
	if (kf_set(conf, "linger.ms", v, err, errlen))
		return -EINVAL;
	snprintf(v, sizeof(v), "%.0f", k->cfg.p.timeout * 1000);
	if (kf_set(conf, "message.timeout.ms", v, err, errlen))
		return -EINVAL;
	snprintf(v, sizeof(v), "%d", KF_STATS_MS);
	if (kf_set(conf, "statistics.interval.ms", v, err, errlen))
		return -EINVAL;
	/* a retried produce request is not written twice, and order holds
	 * per partition (-e enable.idempotence=false turns it off) */
	if (kf_set(conf, "enable.idempotence", "true", err, errlen))
		return -EINVAL;
	if (u && *u && pw && *pw
	    && (kf_set(conf, "sasl.username", u, err, errlen)
	        || kf_set(conf, "sasl.password", pw, err, errlen)))
		return -EINVAL;
	while (l && *l) {
		const char *nl = strchrnul(l, '\n'),
		           *eq = memchr(l, '=', (size_t)(nl - l));
		char *key, *val;
		int   rc;

		if (!eq || eq == l) {
			snprintf(err, errlen,
			    "kafka: -e %.*s: expected key=value",
			    (int)(nl - l), l);
			return -EINVAL;
		}
		key = xstrndup(l, (size_t)(eq - l));
		val = xstrndup(eq + 1, (size_t)(nl - eq - 1));
		rc  = kf_set(conf, key, val, err, errlen);
		free(key);
		free(val);
		if (rc)
			return rc;
		l = *nl ? nl + 1 : nl;
	}
	return 0;
}

static int
kf_init(struct tgt_ctx *ctx)
{
	struct kf       *k = xcalloc(1, sizeof(*k));
	rd_kafka_conf_t *conf;
	char             why[512];
	int              rc;

	ctx->priv = k;
	k->ctx    = ctx;
	buf_init(&k->text, KF_BUF_MAX);
	rc = kf_parse_url(ctx->conf->url, &k->cfg, ctx->err, sizeof(ctx->err));
	if (rc)
		return rc;
	k->fmt = format_find(format_names[k->cfg.p.format]);
	rc     = format_init(k->fmt, NULL, &k->enc);
	if (rc) {
		snprintf(ctx->err, sizeof(ctx->err), "kafka: format %s: %s",
		    k->fmt->name, strerror(-rc));
		return rc;
	}
	conf = rd_kafka_conf_new();
	rd_kafka_conf_set_opaque(conf, k);
	rd_kafka_conf_set_dr_msg_cb(conf, kf_dr);
	rd_kafka_conf_set_stats_cb(conf, kf_stats);
	rd_kafka_conf_set_log_cb(conf, kf_log);
	rc = kf_conf(k, ctx->conf, conf, ctx->err, sizeof(ctx->err));
	if (rc) {
		rd_kafka_conf_destroy(conf);
		return rc;
	}
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (!k->rk) {
		rd_kafka_conf_destroy(conf);
		snprintf(ctx->err, sizeof(ctx->err), "kafka: %.200s", why);
		return -EINVAL;
	}
	k->rkt = rd_kafka_topic_new(k->rk, k->cfg.topic, NULL);
	if (!k->rkt) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "kafka: topic %.80s: %.120s", k->cfg.topic,
		    rd_kafka_err2str(rd_kafka_last_error()));
		return -EINVAL;
	}
	return 0;
}

/* Produces one message, waiting while the local queue is full (counted
 * as a throttle). 0, or -1 with the reason in ctx->err. */
static int
kf_produce(struct kf *k, const char *p, size_t n, const char *key,
    size_t keylen, void *opaque)
{
	for (;;) {
		rd_kafka_resp_err_t e;

		if (rd_kafka_produce(k->rkt, RD_KAFKA_PARTITION_UA,
		        RD_KAFKA_MSG_F_COPY, (void *)p, n, key, keylen, opaque)
		    == 0)
			return 0;
		e = rd_kafka_last_error();
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			snprintf(k->ctx->err, sizeof(k->ctx->err),
			    "kafka: produce to %.80s: %.120s", k->cfg.topic,
			    rd_kafka_err2str(e));
			return -1;
		}
		k->ctx->throttles++;
		rd_kafka_poll(k->rk, KF_FULL_WAIT);
	}
}

/* Whether a delivery error says the cluster could not be reached or
 * took too long (nothing of the batch was stored: a retry is clean). */
static bool
kf_err_unreachable(rd_kafka_resp_err_t e)
{
	return e == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT
	    || e == RD_KAFKA_RESP_ERR__TRANSPORT
	    || e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
	    || e == RD_KAFKA_RESP_ERR__TIMED_OUT;
}

static enum tgt_status
kf_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct kf     *k = ctx->priv;
	struct kf_wait w = { 0 };
	unsigned       i;

	ctx->rejected        = 0;
	ctx->rejected_points = 0;
	for (i = 0; i < b->n; i++) {
		struct batch one = *b;
		const char  *p, *end, *key = NULL;
		size_t       keylen = 0;

		one.s       = &b->s[i];
		one.n       = 1;
		one.records = b->multi ? 1 : b->s[i].count;
		one.points  = target_points(&b->s[i]);
		buf_reset(&k->text);
		if (k->fmt->encode(k->enc, &k->text, &one)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "kafka: a sample's text is over %d MiB",
			    KF_BUF_MAX >> 20);
			break;
		}
		if (k->cfg.p.key == 1) {
			key    = b->s[i].series->name;
			keylen = b->s[i].series->name_len;
		}
		for (p = k->text.p, end = p + k->text.len; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

			if (kf_produce(k, p, n, key, keylen, &w))
				goto wait;
			w.pending++;
			p += n + 1;
		}
	}
wait:
	/* flush sends at once (linger.ms does not apply) and serves the
	 * reports; the handle is this thread's, so its queue is this
	 * batch */
	while (w.pending)
		rd_kafka_flush(k->rk, 100);
	if (i < b->n && !w.failed)
		return TGT_FAIL; /* ctx->err says why */
	if (!w.failed)
		return TGT_OK;
	snprintf(ctx->err, sizeof(ctx->err),
	    "kafka %.80s: %u message(s) of the batch not delivered: %.100s",
	    k->cfg.topic, w.failed, rd_kafka_err2str(w.err));
	if (w.failed >= b->records && kf_err_unreachable(w.err))
		return TGT_UNREACHABLE; /* nothing stored: retried whole */
	ctx->rejected        = w.failed < b->records ? w.failed : b->records;
	ctx->rejected_points = b->multi ? 0 : ctx->rejected;
	return TGT_OK;
}

static enum tgt_status
kf_lines(struct tgt_ctx *ctx, const struct tgt_lines *l)
{
	struct kf  *k = ctx->priv;
	const char *p = l->data, *end = p + l->len;
	size_t      n = 0, from = 0;

	if (k->nmsgs < l->n) {
		k->msgs  = xrealloc(k->msgs, l->n * sizeof(*k->msgs));
		k->nmsgs = l->n;
	}
	while (p < end && n < l->n) {
		const char *nl  = memchr(p, '\n', (size_t)(end - p));
		size_t      len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		k->msgs[n] = (rd_kafka_message_t) {
			.partition = RD_KAFKA_PARTITION_UA,
			.payload   = (void *)p,
			.len       = len,
		};
		n++;
		p += len + 1;
	}
	/* produce_batch takes what fits in the local queue; the rest waits
	 * for room (the reports of earlier messages free it). A message it
	 * refuses for another reason (too large, ...) is given up on. */
	while (from < n) {
		int got = rd_kafka_produce_batch(k->rkt, RD_KAFKA_PARTITION_UA,
		    RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_PARTITION,
		    k->msgs + from, (int)(n - from));
		size_t i, left = 0;

		if (got == (int)(n - from))
			break;
		for (i = from; i < n; i++) {
			rd_kafka_resp_err_t e = k->msgs[i].err;

			if (!e)
				continue;
			if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
				snprintf(ctx->err, sizeof(ctx->err),
				    "kafka: produce to %.80s: %.120s",
				    k->cfg.topic, rd_kafka_err2str(e));
				k->last_err = e;
				ctx->lines.failed++;
				continue;
			}
			/* kept, in order, for the next round */
			k->msgs[from + left]     = k->msgs[i];
			k->msgs[from + left].err = 0;
			left++;
		}
		n = from + left;
		if (left) {
			ctx->throttles++;
			rd_kafka_poll(k->rk, KF_FULL_WAIT);
		}
	}
	rd_kafka_poll(k->rk, 0);
	return TGT_OK;
}

static int
kf_drain(struct tgt_ctx *ctx)
{
	struct kf *k = ctx->priv;
	uint64_t   seen;
	uint64_t   until;

	if (!k || !k->rk)
		return 0;
	while (rd_kafka_outq_len(k->rk) > 0)
		rd_kafka_flush(k->rk, 200);
	/* the messages librdkafka sent again (retried) are those it sent
	 * beyond the ones reported: wait for statistics that have caught up
	 * with the reports (they lag by an interval or two) */
	seen  = k->stats_seen;
	until = now_ns() + 10ull * KF_STATS_MS * 1000000;
	while ((k->stats_seen < seen + 2 || k->txmsgs < ctx->lines.done)
	    && now_ns() < until)
		rd_kafka_poll(k->rk, 20);
	if (k->txmsgs > ctx->lines.done + ctx->lines.failed)
		ctx->lines.retries
		    += k->txmsgs - ctx->lines.done - ctx->lines.failed;
	if (ctx->lines.failed)
		snprintf(ctx->err, sizeof(ctx->err),
		    "kafka %.80s: %llu message(s) not delivered: %.100s",
		    k->cfg.topic, (unsigned long long)ctx->lines.failed,
		    rd_kafka_err2str(k->last_err));
	return 0;
}

static void
kf_fini(struct tgt_ctx *ctx)
{
	struct kf *k = ctx->priv;

	if (!k)
		return;
	if (k->rkt)
		rd_kafka_topic_destroy(k->rkt);
	if (k->rk) {
		/* what a failed ->write left; nothing counts on it */
		rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE);
		rd_kafka_flush(k->rk, 1000);
		rd_kafka_destroy(k->rk);
	}
	format_fini(k->fmt, k->enc);
	buf_free(&k->text);
	free(k->msgs);
	free(k);
	ctx->priv = NULL;
}

const struct target_ops target_kafka = {
	.name    = "kafka",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_LINES,
	.usage   = "kafka://BROKER[,BROKER...]/TOPIC",
	.params  = kf_params,
	.check   = kf_check,
	.init    = kf_init,
	.write   = kf_write,
	.lines   = kf_lines,
	.drain   = kf_drain,
	.fini    = kf_fini,
};
