/* stream_cmd.c - tsload stream SINK [FILE...]: every line of the files (or
 * stdin), plain, gzip or zstd, sent to a sink as one message (kafka,
 * kinesis) or as text (s3 objects, file, stdout, HTTP bodies, line
 * protocol to influx:// and vm://), the way the seed's `stream` does and
 * TSBS replays a pre-generated file.
 *
 * A sink is a target with ->lines (target.h): the seed's sink names are
 * turned into target URLs from the seed's options (kafka --broker --topic
 * -e, s3 --bucket --prefix --linecount, kinesis --stream), and any URL of
 * such a target is a sink as it is. One thread reads (linein.c: large
 * reads, memchr) and hands runs of lines to the sink; what the sink stores
 * or gives up on is counted by the sink (tgt_ctx.lines), so a Kafka line
 * counts only once its delivery report says so.
 *
 * SIGINT, SIGTERM and SIGHUP stop the reading: what was read is sent, the
 * sink drains (every outstanding delivery waited for), run.json is
 * written, and the exit code says whether every line read was stored.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "cmdutil.h"
#include "coord.h"
#include "json.h"
#include "linein.h"
#include "log.h"
#include "outcome.h"
#include "report.h"
#include "schedule.h"
#include "sigstop.h"
#include "target.h"
#include "version.h"
#include "xalloc.h"

enum {
	STREAM_RUN_LINES = 10000,   /* most lines handed to a sink at once */
	STREAM_RUN_BYTES = 4 << 20, /* ... and about this many bytes */
	STREAM_URL_MAX   = 4096,
};

static atomic_bool stream_stop;

static void
on_stop(int sig)
{
	(void)sig;
	atomic_store(&stream_stop, true);
}

static void
stream_usage(FILE *f)
{
	cmd_usage(CMD_STREAM, f);
}

/* What the run did, for the live line, the closing line and run.json. */
struct stream_run {
	const char              *url;
	const struct target_ops *ops;
	struct tgt_conf          conf;
	struct tgt_ctx           ctx;
	uint64_t                 lines, bytes; /* read and handed over */
	uint64_t                 t0;
	int64_t                  start_ms;
	double                   last_tick;
	uint64_t                 last_lines, last_bytes;
	bool                     live;
	bool                     interrupted;
	struct sched             sched; /* --rate or --schedule */
	bool                     paced;
	bool                     ended; /* the schedule has ended */
	double                   last_reload;
	char                     err[TGT_ERR_MAX]; /* first failure */
};

/* ---- the sink's URL ---- */

static int
need(const char *what, const char *v, const char *sink)
{
	if (v && *v)
		return 0;
	log_err("stream %s: %s is required", sink, what);
	return -EINVAL;
}

/* The seed's per-sink options, given to another sink: one line naming
 * the option and its sink. 0 or -EINVAL. */
static int
foreign_options(const struct tsl_opts *o, const char *sink)
{
	static const struct {
		const char *opt, *sinks; /* " s3 kinesis " */
	} own[] = {
		{ "broker", " kafka " },
		{ "topic", " kafka " },
		{ "producer", " kafka " },
		{ "config", " kafka " },
		{ "bucket", " s3 " },
		{ "prefix", " s3 " },
		{ "linecount", " s3 filesystem files " },
		{ "stream", " kinesis " },
		{ "path", " filesystem files " },
		{ "compressor", " filesystem files " },
	};
	char word[64];

	snprintf(word, sizeof(word), " %.60s ", sink);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (!opts_given(o, own[i].opt) || strstr(own[i].sinks, word))
			continue;
		/* -e goes with a kafka:// URL too (librdkafka's settings) */
		if (!strcmp(own[i].opt, "config")
		    && !strncmp(sink, "kafka:", 6))
			continue;
		log_err(
		    "stream %s: --%s is an option of the%.*s sink (with a URL, give it in the URL)",
		    sink, own[i].opt, (int)strcspn(own[i].sinks + 1, " ") + 1,
		    own[i].sinks);
		return -EINVAL;
	}
	return 0;
}

/* The target URL of the sink argument: the seed's sink names from their
 * options, or a URL as it is. 0, or -EINVAL after one line saying why. */
static int
sink_url(const struct tsl_opts *o, const char *sink, char *url, size_t n)
{
	if (foreign_options(o, sink))
		return -EINVAL;
	static const char *const producers[] = { "kafka-confluent",
		"kafka-python", "kafka-confluent-multiprocessing", NULL };

	if (!strcmp(sink, "kafka")) {
		char  *b = xstrdup(o->brokers);
		size_t i;
		bool   ok = false;

		for (i = 0; producers[i]; i++)
			ok |= !strcasecmp(o->producer, producers[i]);
		if (!ok) {
			log_err(
			    "--producer: invalid value \"%s\" (expected kafka-confluent, kafka-python or kafka-confluent-multiprocessing)",
			    o->producer);
			free(b);
			return -EINVAL;
		}
		if (need("--broker", b, sink)
		    || need("--topic", o->topic, sink)) {
			free(b);
			return -EINVAL;
		}
		for (i = 0; b[i]; i++)
			if (b[i] == '\n')
				b[i] = ','; /* repeated --broker: joined */
		snprintf(url, n, "kafka://%s/%s", b, o->topic);
		free(b);
		return 0;
	}
	if (!strcmp(sink, "s3")) {
		if (need("--bucket", o->bucket, sink))
			return -EINVAL;
		snprintf(url, n, "s3://%s/%s?lines=%llu&compress=gzip",
		    o->bucket, o->prefix, (unsigned long long)o->linecount);
		return 0;
	}
	if (!strcmp(sink, "kinesis")) {
		if (need("--stream", o->ks_stream, sink))
			return -EINVAL;
		snprintf(url, n, "kinesis://%s", o->ks_stream);
		return 0;
	}
	if (!strcmp(sink, "stdout")) {
		snprintf(url, n, "stdout:");
		return 0;
	}
	if (!strcmp(sink, "filesystem") || !strcmp(sink, "files")) {
		const char *z = o->compressor;

		if (*z && strcmp(z, "gzip") && strcmp(z, "zstd")) {
			log_err(
			    "-z/--compressor: invalid value \"%s\" (expected gzip or zstd; the seed's bzip and lzma are not built in)",
			    z);
			return -EINVAL;
		}
		snprintf(url, n, "dir:%s?lines=%llu&compress=%s", o->path,
		    (unsigned long long)o->linecount, *z ? z : "none");
		return 0;
	}
	if (!strcmp(sink, "file")) {
		log_err(
		    "stream file: give the file as a URL, file:PATH (or the seed's filesystem --path DIR)");
		return -EINVAL;
	}
	if (!strchr(sink, ':')) {
		log_err(
		    "stream: unknown sink \"%s\" (expected kafka, s3, kinesis, filesystem, stdout, or a URL: file:PATH, dir:PATH, http://HOST/PATH, influx://HOST, vm://HOST, kafka://BROKER/TOPIC)",
		    sink);
		return -EINVAL;
	}
	snprintf(url, n, "%s", sink);
	return 0;
}

/* ---- progress ---- */

static double
run_secs(const struct stream_run *s)
{
	return (double)(now_ns() - s->t0) / 1e9;
}

static void
live_line(struct stream_run *s, bool last)
{
	double t = run_secs(s), dt = t - s->last_tick;

	if (!s->live || (!last && dt < 1.0))
		return;
	fprintf(stderr,
	    "%6.1f s  %llu lines read  %.0f lines/s  %.1f MB/s  delivered %llu  failed %llu  retries %llu\n",
	    t, (unsigned long long)s->lines,
	    dt > 0 ? (double)(s->lines - s->last_lines) / dt : 0.0,
	    dt > 0 ? (double)(s->bytes - s->last_bytes) / dt / 1e6 : 0.0,
	    (unsigned long long)s->ctx.lines.done,
	    (unsigned long long)s->ctx.lines.failed,
	    (unsigned long long)s->ctx.lines.retries);
	s->last_tick  = t;
	s->last_lines = s->lines;
	s->last_bytes = s->bytes;
}

/* ---- sending ---- */

/* Hands one run to the sink, retrying what the sink says is worth it
 * (busy, unreachable) up to --max-retries times with backoff. 0, or -1
 * when the lines are given up on (counted failed, the reason kept). */
static int
send_run(
    struct stream_run *s, const struct tsl_opts *o, const struct linein_run *r)
{
	struct tgt_lines l = { r->p, r->len, r->n };
	enum tgt_status  st;

	for (uint64_t attempt = 0;; attempt++) {
		st = s->ops->lines(&s->ctx, &l);
		if (st == TGT_OK)
			return 0;
		if (!target_status_retry(st) || attempt >= o->max_retries)
			break;
		s->ctx.lines.retries += r->n;
		sleep_until_ns(
		    now_ns() + (50000000ull << (attempt < 6 ? attempt : 6)));
	}
	s->ctx.lines.failed += r->n;
	if (!s->err[0])
		snprintf(s->err, sizeof(s->err), "%s", s->ctx.err);
	return -1;
}

/* With --rate or --schedule: how many lines may go now (at most max),
 * waiting until the next one is due; 0 when the schedule has ended or a
 * stop came. Lines are due from the run's start: line u at
 * sched_time(u), so the rate holds on average however runs are cut. */
static unsigned
lines_due(struct stream_run *s, unsigned max)
{
	double   t = run_secs(s), at, due;
	char     err[400];
	uint64_t sent = s->lines;

	if (!s->paced)
		return max;
	if (t - s->last_reload >= 1.0) { /* a schedule file rewritten */
		s->last_reload = t;
		if (sched_reload(&s->sched, t, err, sizeof(err)) < 0)
			log_warn("%s", err);
	}
	if (!sched_time(&s->sched, (double)sent, &at)) {
		s->ended = true;
		return 0;
	}
	if (at > t)
		nap_until_ns(s->t0 + (uint64_t)(at * 1e9), &stream_stop);
	if (atomic_load(&stream_stop))
		return 0;
	/* what is due by now and the next 10 ms, at least the one line */
	due = sched_units(&s->sched, run_secs(s) + 0.01) - (double)sent;
	if (due < 1)
		due = 1;
	return due < max ? (unsigned)due : max;
}

/* Streams one input. 0, or -1 on a read error or a sink failure. */
static int
stream_file(struct stream_run *s, const struct tsl_opts *o, const char *path)
{
	struct linein     in;
	struct linein_run r;
	char              err[512];
	size_t            max_lines
	    = s->ops->max_batch ? s->ops->max_batch : STREAM_RUN_LINES;
	int rc;

	rc = linein_open(&in, path, err, sizeof(err));
	while (!rc && !atomic_load(&stream_stop) && !s->ended) {
		unsigned n = lines_due(s, (unsigned)max_lines);

		if (!n)
			break;
		rc = linein_next(
		    &in, n, STREAM_RUN_BYTES, &r, err, sizeof(err));
		if (rc == -EINTR) { /* a signal: stop, or read on */
			rc = 0;
			continue;
		}
		if (rc <= 0)
			break;
		s->lines += r.n;
		s->bytes += r.len;
		rc = send_run(s, o, &r) ? -1 : 0;
		live_line(s, false);
	}
	if (rc < -1) {
		log_err("%s", err);
		if (!s->err[0])
			snprintf(s->err, sizeof(s->err), "%.250s", err);
	}
	linein_close(&in);
	return rc < 0 ? -1 : 0;
}

/* ---- run.json ---- */

static int
write_run_json(const struct stream_run *s, const struct tsl_opts *o,
    const struct report_run *rr, int exit_code)
{
	struct buf    b;
	struct json_w w;
	char          shown[STREAM_URL_MAX];
	double        secs = run_secs(s);
	struct rusage ru;
	int           rc = 0;

	getrusage(RUSAGE_SELF, &ru);
	target_url_redact(s->url, shown, sizeof(shown));
	buf_init(&b, 16 << 20);
	json_w_init(&w, &b, true);
	rc |= json_obj_begin(&w);
	rc |= json_kv_str(&w, "tool", "tsload");
	rc |= json_kv_str(&w, "version", TSLOAD_VERSION);
	rc |= json_kv_str(&w, "command", "stream");
	rc |= json_kv_str(&w, "run_id", rr->id);
	rc |= json_kv_str(&w, "sink", shown);
	rc |= json_key(&w, "inputs") | json_arr_begin(&w);
	for (unsigned i = 1; i < o->nargs; i++)
		rc |= json_str(&w, o->args[i]);
	if (o->nargs < 2)
		rc |= json_str(&w, "-");
	rc |= json_arr_end(&w);
	rc |= json_key(&w, "options") | json_obj_begin(&w);
	rc |= opts_to_json(o, CMD_STREAM, &w);
	rc |= json_obj_end(&w);
	rc |= json_kv_int(&w, "start_ms", s->start_ms);
	rc |= json_kv_double(&w, "seconds", secs);
	rc |= json_kv_bool(&w, "interrupted", s->interrupted);
	rc |= json_kv_uint(&w, "lines_read", s->lines);
	rc |= json_kv_uint(&w, "bytes_read", s->bytes);
	rc |= json_kv_uint(&w, "lines_done", s->ctx.lines.done);
	rc |= json_kv_uint(&w, "lines_failed", s->ctx.lines.failed);
	rc |= json_kv_uint(&w, "retries", s->ctx.lines.retries);
	rc |= json_kv_uint(&w, "throttles", s->ctx.throttles);
	rc |= json_kv_double(&w, "lines_per_s",
	    secs > 0 ? (double)s->ctx.lines.done / secs : 0);
	rc |= json_kv_double(
	    &w, "bytes_per_s", secs > 0 ? (double)s->bytes / secs : 0);
	rc |= json_kv_double(&w, "cpu_s",
	    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
	        + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	rc |= json_kv_int(&w, "maxrss_kb", ru.ru_maxrss);
	rc |= json_kv_str(&w, "error", s->err);
	rc |= json_kv_int(&w, "exit_code", exit_code);
	rc |= json_obj_end(&w);
	rc |= json_w_finish(&w);
	if (!rc)
		rc = report_save(rr->dir, "run.json", b.p, b.len);
	buf_free(&b);
	return rc;
}

/* ---- the command ---- */

/* Checks the sink and connects it. -1 to go on, or the exit code. */
static int
open_sink(struct stream_run *s, const struct tsl_opts *o, char *url)
{
	char err[TGT_ERR_MAX];
	int  rc;

	if (o->nargs < 1) {
		log_err(
		    "stream: no sink (expected tsload stream SINK [FILE...]; see tsload stream --help)");
		return 2;
	}
	if (sink_url(o, o->args[0], url, STREAM_URL_MAX))
		return 2;
	s->url = url;
	s->ops = target_find(url);
	if (!s->ops || !(s->ops->flags & TGT_F_LINES)) {
		log_err(
		    "stream: %s cannot take lines (sinks: kafka, s3, kinesis, filesystem, stdout, file:, dir:, http://, https://, influx://, vm://, kafka://)",
		    url);
		return 2;
	}
	if (s->ops->check && s->ops->check(url, err, sizeof(err))) {
		log_err("%s", err);
		return 2;
	}
	s->conf             = opts_tgt_conf(o);
	s->conf.url         = url;
	s->conf.client_conf = o->kafka_conf[0] ? o->kafka_conf : NULL;
	if (s->ops->setup) {
		rc = s->ops->setup(&s->conf, err, sizeof(err));
		if (rc) {
			log_err("%s", err);
			return rc == -EINVAL ? 2 : 1;
		}
	}
	s->ctx.ops  = s->ops;
	s->ctx.conf = &s->conf;
	rc          = s->ops->init(&s->ctx);
	if (rc) {
		log_err("%s", s->ctx.err);
		return rc == -EINVAL ? 2 : 1;
	}
	return -1;
}

int
coord_stream(int argc, char **argv)
{
	struct tsl_opts   o;
	struct stream_run s  = { 0 };
	struct report_run rr = { .cmd = "stream" };
	char              url[STREAM_URL_MAX], err[512];
	int               code, failed = 0;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--replay")
		    || !strncmp(argv[i], "--replay=", 9))
			return coord_replay(
			    argc, argv); /* a spool, not lines */
	code = cmd_parse(&o, CMD_STREAM, argc, argv, stream_usage);
	if (code >= 0)
		return code;
	code = open_sink(&s, &o, url);
	if (code >= 0)
		goto out;
	if (report_open_dir(&rr, o.results, err, sizeof(err))) {
		log_err("%s", err);
		code = 2;
		goto out;
	}
	code = opts_sched(&o, &s.sched, err, sizeof(err));
	if (code < 0) {
		log_err("%s", err);
		code = 2;
		goto out;
	}
	s.paced    = code > 0;
	s.live     = !o.quiet;
	s.t0       = now_ns();
	s.start_ms = wall_ms();
	sigstop_catch(on_stop);
	if (o.nargs < 2)
		failed |= stream_file(&s, &o, NULL);
	for (unsigned i = 1;
	     i < o.nargs && !failed && !s.ended && !atomic_load(&stream_stop);
	     i++)
		failed |= stream_file(&s, &o, o.args[i]);
	s.interrupted = atomic_load(&stream_stop);
	if (s.interrupted)
		log_info(
		    "stream: stopping: sending the %llu lines read, then waiting for their deliveries",
		    (unsigned long long)s.lines);
	if (s.ops->drain && s.ops->drain(&s.ctx) && !s.err[0])
		snprintf(s.err, sizeof(s.err), "%s", s.ctx.err);
	if (s.ctx.lines.failed && !s.err[0])
		snprintf(s.err, sizeof(s.err), "%s", s.ctx.err);
	live_line(&s, true);
	code = failed || s.ctx.lines.failed || s.ctx.lines.done != s.lines;
	fprintf(stderr,
	    "stream: %llu lines (%llu bytes) read in %.2f s: %llu stored or delivered (%.0f lines/s), %llu failed, %llu retries%s%s\n",
	    (unsigned long long)s.lines, (unsigned long long)s.bytes,
	    run_secs(&s), (unsigned long long)s.ctx.lines.done,
	    run_secs(&s) > 0 ? (double)s.ctx.lines.done / run_secs(&s) : 0.0,
	    (unsigned long long)s.ctx.lines.failed,
	    (unsigned long long)s.ctx.lines.retries, s.err[0] ? ": " : "",
	    s.err);
	if (write_run_json(&s, &o, &rr, code) && !code)
		code = 1;
out:
	if (s.ops && s.ops->fini)
		s.ops->fini(&s.ctx);
	if (s.paced)
		sched_free(&s.sched);
	opts_free(&o);
	return code;
}
