/* worker.c - `tsload worker --connect URL`: joins a coordinator, takes an
 * assignment (a shard of hosts and the run's options), runs the ingestion
 * threads, reports statistics every second and a result at the end.
 * Started by the coordinator (fork+exec) or by hand on another host.
 */
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "ingest.h"
#include "ipc.h"
#include "log.h"
#include "model.h"
#include "opts.h"
#include "proto.h"
#include "query.h"
#include "version.h"
#include "xalloc.h"

enum {
	REPLY_TIMEOUT_MS = 10000, /* coordinator silent this long: gone */
	REPORT_EVERY_NS  = 1000 * 1000 * 1000,
};

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

struct worker {
	nng_socket            sock;
	struct buf            msg;
	uint32_t              index; /* within the role, for names */
	uint32_t              slot;  /* coordinator's id, for headers */
	struct proto_assign   as;
	struct tsl_opts       o;
	struct model          m;
	struct tgt_conf       conf;
	bool                  query; /* role: query, else ingest */
	struct ingest_shared  sh;
	struct ingest_thread *th;
	struct query_shared   qsh;
	struct query_thread  *qth;
	unsigned              nth;
};

/* Sends the message in w->msg and waits for the reply; returns its flags
 * or a negative number when the coordinator did not answer. */
static int
exchange(struct worker *w, enum proto_type want, struct proto_rd *rd,
    void **reply, size_t *len)
{
	struct proto_hdr h;
	char             err[160];
	int              rc;

	rc = ipc_send(w->sock, &w->msg);
	if (!rc)
		rc = ipc_recv(w->sock, reply, len);
	if (rc) {
		log_err(
		    "no answer from the coordinator: %s", nng_strerror(rc));
		return -EIO;
	}
	if (proto_open(*reply, *len, &h, rd, err, sizeof(err))) {
		log_err("bad message from the coordinator: %s", err);
		nng_free(*reply, *len);
		return -EPROTO;
	}
	if (h.type != want) {
		log_err("coordinator answered message type %u, expected %u",
		    h.type, (unsigned)want);
		nng_free(*reply, *len);
		return -EPROTO;
	}
	return h.flags;
}

static int
say_hello(struct worker *w)
{
	struct proto_hello hello = { .pid = (uint32_t)getpid() };
	struct proto_rd    rd;
	void              *reply;
	size_t             len;
	int                rc;

	gethostname(hello.host, sizeof(hello.host) - 1);
	snprintf(hello.version, sizeof(hello.version), "%s", TSLOAD_VERSION);
	proto_begin(&w->msg, MSG_HELLO, UINT32_MAX, 0);
	proto_put_hello(&w->msg, &hello);
	proto_end(&w->msg);
	rc = exchange(w, MSG_ASSIGN, &rd, &reply, &len);
	if (rc < 0)
		return rc;
	rc = proto_get_assign(&rd, &w->as);
	nng_free(reply, len);
	if (rc) {
		log_err("truncated assignment from the coordinator");
		return rc;
	}
	w->index = w->as.index;
	w->slot  = w->as.slot;
	return 0;
}

/* Sums the threads' statistics into m, and their latencies into qs when
 * asked (query role). */
static void
collect(struct worker *w, struct proto_stats *m, struct qsum *qs)
{
	memset(m, 0, sizeof(*m));
	stats_init(&m->s);
	for (unsigned i = 0; i < w->nth; i++) {
		if (w->query) {
			query_thread_collect(
			    &w->qth[i], &m->s, qs, m->err, sizeof(m->err));
			if (atomic_load(&w->qsh.file_err))
				m->state |= PROTO_S_FILE_ERR;
			m->threads_ok += w->qth[i].init_ok;
		} else {
			ingest_thread_collect(&w->th[i], &m->s, &m->state,
			    m->err, sizeof(m->err));
			m->threads_ok += w->th[i].init_ok;
		}
	}
}

/* Sends STATS (or the final RESULT); returns the reply flags or < 0. */
static int
report(struct worker *w, enum proto_type type, struct proto_stats *m)
{
	struct proto_rd rd;
	void           *reply;
	size_t          len;
	int             rc;

	struct qsum qs;

	qsum_init(&qs);
	if (w->query && type == MSG_RESULT)
		for (unsigned i = 0; i < w->qsh.cfg.n; i++)
			qsum_add_query(&qs, w->qsh.cfg.q[i].id);
	collect(w, m, w->query && type == MSG_RESULT ? &qs : NULL);
	proto_begin(&w->msg, type, w->slot, 0);
	proto_put_stats(&w->msg, m);
	/* a query worker's result carries every latency, for the merge */
	if (w->query && type == MSG_RESULT)
		qsum_encode(&qs, &w->msg);
	proto_end(&w->msg);
	qsum_free(&qs);
	rc = exchange(w, MSG_ACK, &rd, &reply, &len);
	if (rc >= 0)
		nng_free(reply, len);
	return rc;
}

static int
setup_query(struct worker *w)
{
	char err[512];
	int  rc;

	if (w->nth == 0) {
		log_err("an assignment of 0 query threads");
		return -EINVAL;
	}
	rc = query_shared_init(&w->qsh, &w->o, &w->conf, w->index, w->as.t0_ms,
	    w->as.seed, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		query_shared_destroy(&w->qsh);
		return rc;
	}
	w->qth = xcalloc(w->nth, sizeof(*w->qth));
	for (unsigned i = 0; i < w->nth; i++)
		query_thread_init(&w->qth[i], &w->qsh, i);
	return 0;
}

static int
setup_run(struct worker *w)
{
	char     err[256];
	uint32_t n;
	int      rc;

	opts_defaults(&w->o);
	rc = opts_parse_text(
	    &w->o, CMD_WORKER, w->as.options, err, sizeof(err));
	if (!rc)
		rc = opts_validate(&w->o, CMD_WORKER, err, sizeof(err));
	if (rc) {
		log_err("assignment options: %s", err);
		return rc;
	}
	if (target_find(w->o.target)->flags & TGT_F_STDOUT)
		log_info_to_stderr(true);
	w->conf  = opts_tgt_conf(&w->o);
	w->nth   = w->as.threads;
	w->query = !strcmp(w->o.role, "query");
	if (w->query)
		return setup_query(w);
	rc = model_build(&w->m, (unsigned)w->o.host_scale, w->o.instance_seed,
	    w->as.first_host, w->as.end_host);
	if (rc) {
		log_err("hosts [%u, %u) are not in a host-scale %llu model",
		    w->as.first_host, w->as.end_host,
		    (unsigned long long)w->o.host_scale);
		return rc;
	}
	n = w->m.n_metrics;
	if (w->as.threads == 0 || w->as.threads > n) {
		log_err("%u threads for %u hosts: every thread needs a host",
		    w->as.threads, n);
		return -EINVAL;
	}
	ingest_shared_init(&w->sh);
	w->sh.o      = &w->o;
	w->sh.m      = &w->m;
	w->sh.conf   = &w->conf;
	w->sh.worker = w->index;
	w->sh.t0_ms  = w->as.t0_ms;
	w->sh.seed   = w->as.seed;
	w->th        = xcalloc(w->nth, sizeof(*w->th));
	for (unsigned i = 0; i < w->nth; i++) {
		uint32_t h0, h1;

		model_shard(n, w->nth, i, &h0, &h1);
		ingest_thread_init(&w->th[i], &w->sh, i, h0, h1);
	}
	return 0;
}

static void
stop_threads(struct worker *w)
{
	atomic_store(w->query ? &w->qsh.stop : &w->sh.stop, true);
}

/* A worker is done when every thread returned: a query thread ran its
 * repetitions, an ingest thread reached --end-time (or stopped). */
static bool
threads_finished(struct worker *w)
{
	return atomic_load(w->query ? &w->qsh.finished : &w->sh.finished)
	    >= w->nth;
}

static int
start_threads(struct worker *w)
{
	int rc;

	pthread_mutex_t *lock    = w->query ? &w->qsh.lock : &w->sh.lock;
	pthread_cond_t  *cond    = w->query ? &w->qsh.cond : &w->sh.cond;
	unsigned        *inited  = w->query ? &w->qsh.inited : &w->sh.inited;
	unsigned         started = 0;

	for (unsigned i = 0; i < w->nth; i++) {
		if (w->query)
			rc = pthread_create(&w->qth[i].tid, NULL,
			    query_thread_main, &w->qth[i]);
		else
			rc = pthread_create(&w->th[i].tid, NULL,
			    ingest_thread_main, &w->th[i]);
		if (rc) {
			log_err(
			    "cannot start thread %u: %s", i + 1, strerror(rc));
			stop_threads(w);
			break;
		}
		if (w->query)
			w->qth[i].running = true;
		else
			w->th[i].running = true;
		started++;
	}
	if (w->query)
		query_shared_running(&w->qsh, started);
	/* Wait until every started thread has connected its target, so the
	 * first report says how many could. */
	pthread_mutex_lock(lock);
	while (*inited < started)
		pthread_cond_wait(cond, lock);
	pthread_mutex_unlock(lock);
	return 0;
}

static void
join_threads(struct worker *w)
{
	stop_threads(w);
	for (unsigned i = 0; i < w->nth; i++) {
		if (w->query && w->qth[i].running)
			pthread_join(w->qth[i].tid, NULL);
		else if (!w->query && w->th[i].running)
			pthread_join(w->th[i].tid, NULL);
	}
}

/* With --duration the worker stops by itself when the run's time is up
 * (counted from the coordinator's start), instead of waiting up to a
 * second for the next reply to say so. */
static bool
past_deadline(const struct worker *w)
{
	return w->o.duration > 0
	    && wall_ms() >= w->as.t0_ms + (int64_t)(w->o.duration * 1000);
}

/* Reports every second until told to stop (by the coordinator, a signal,
 * or a silent coordinator). @return 0, or < 0 when the coordinator is
 * gone and no result can be delivered. */
static int
report_loop(struct worker *w)
{
	struct proto_stats *m    = xmalloc(sizeof(*m));
	uint64_t            next = now_ns();
	int                 rc   = 0;

	while (!got_signal) {
		rc = report(w, MSG_STATS, m);
		if (rc < 0 || (rc & PROTO_F_STOP) || m->threads_ok == 0)
			break;
		next += REPORT_EVERY_NS;
		while (!got_signal && !past_deadline(w) && !threads_finished(w)
		    && now_ns() < next)
			sleep_until_ns(now_ns() + 20 * 1000 * 1000 < next
			        ? now_ns() + 20 * 1000 * 1000
			        : next);
		if (past_deadline(w) || threads_finished(w))
			break;
	}
	free(m);
	return rc < 0 ? rc : 0;
}

int
worker_main(int argc, char **argv)
{
	struct worker       w;
	struct proto_stats *m;
	char                err[256], who[48];
	int                 rc;

	memset(&w, 0, sizeof(w));
	w.slot = UINT32_MAX;
	log_set_who("tsload worker");
	opts_defaults(&w.o);
	rc = opts_parse(&w.o, CMD_WORKER, argc, (const char *const *)argv, err,
	    sizeof(err));
	if (!rc && !w.o.connect[0]) {
		snprintf(err, sizeof(err), "--connect URL is required");
		rc = -EINVAL;
	}
	if (rc || w.o.help) {
		if (rc)
			log_err(
			    "%s (usage: tsload worker --connect URL)", err);
		else
			printf("usage: tsload worker --connect URL\n\n"
			       "Joins a coordinator (ipc:// or tcp://), takes "
			       "its assignment and runs it.\n");
		opts_free(&w.o);
		return rc ? 2 : 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	buf_init(&w.msg, PROTO_MAX_MSG);
	rc = ipc_dial(&w.sock, w.o.connect, REPLY_TIMEOUT_MS);
	if (rc) {
		log_err("cannot reach coordinator %s: %s", w.o.connect,
		    nng_strerror(rc));
		buf_free(&w.msg);
		opts_free(&w.o);
		return 1;
	}
	opts_free(&w.o);
	rc = say_hello(&w);
	if (!rc) {
		snprintf(who, sizeof(who), "tsload worker %u", w.index + 1);
		log_set_who(who);
		rc = setup_run(&w);
		if (w.query) {
			snprintf(who, sizeof(who), "tsload query worker %u",
			    w.index + 1);
			log_set_who(who);
		}
	}
	if (rc) {
		proto_begin(&w.msg, MSG_ERROR, w.slot, 0);
		proto_put_str(&w.msg, "worker set-up failed (see its error)");
		proto_end(&w.msg);
		if (ipc_send(w.sock, &w.msg) == 0) {
			void  *reply;
			size_t len;

			if (ipc_recv(w.sock, &reply, &len) == 0)
				nng_free(reply, len);
		}
		ipc_close(w.sock);
		buf_free(&w.msg);
		return 1;
	}

	start_threads(&w);
	rc = report_loop(&w);
	join_threads(&w);
	m = xmalloc(sizeof(*m));
	if (rc == 0)
		rc = report(&w, MSG_RESULT, m) < 0 ? -EIO : 0;
	else
		collect(&w, m, NULL);
	if (rc)
		log_err("result not delivered: %llu records written by this "
		        "worker",
		    (unsigned long long)m->s.records);
	free(m);

	for (unsigned i = 0; i < w.nth; i++) {
		if (w.query)
			query_thread_destroy(&w.qth[i]);
		else
			ingest_thread_destroy(&w.th[i]);
	}
	if (w.query) {
		free(w.qth);
		query_shared_destroy(&w.qsh);
	} else {
		free(w.th);
		ingest_shared_destroy(&w.sh);
	}
	model_free(&w.m);
	proto_assign_free(&w.as);
	opts_free(&w.o);
	ipc_close(w.sock);
	buf_free(&w.msg);
	return rc ? 1 : 0;
}
