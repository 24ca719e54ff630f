/* engine.c - spawn, serve and drain the workers of a run.
 *
 * Phases: SPAWN (fork+exec) -> RUN (HELLO/ASSIGN, STATS every second)
 *         -> DRAIN (STOP in every reply, wait for RESULTs) -> reap.
 * The coordinator only answers; workers drive the exchange (REQ/REP).
 */
#include "engine.h"
#include "engine_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "model.h"
#include "sigstop.h"
#include "spawn.h"
#include "target.h"
#include "xalloc.h"

enum {
	HELLO_TIMEOUT_S = 30, /* a worker that never says hello */
	/* After the stop, wait this long for results. Workers abandon
	 * requests still in flight a few seconds after the stop, so this
	 * only catches a stuck worker, well within a 30 s kill grace. */
	DRAIN_TIMEOUT_S = 20,
	FORCE_SIGNALS   = 3, /* the signal that stops workers at once */
};

static const char *const role_names[ROLE_N] = { "ingest", "query" };

/* INT, TERM and HUP all ask for a drain; the signals are counted. */
static volatile sig_atomic_t sig_count, sig_last;

static void
on_signal(int sig)
{
	sig_last = sig;
	sig_count++;
}

void
engine_catch_signals(void)
{
	/* A closed stdout is seen as EPIPE and ends the run cleanly. */
	sigstop_catch(on_signal);
}

void
engine_init(
    struct engine *e, const struct tsl_opts *o, unsigned cmd, const char *dir)
{
	char err[256];

	memset(e, 0, sizeof(*e));
	e->o   = o;
	e->cmd = cmd;
	e->dir = dir;
	thr_setup(&e->thr, o, cmd, err, sizeof(err)); /* cmd_parse checked */
}

void
engine_add(struct engine *e, enum role role, unsigned local, unsigned remote,
    uint32_t threads, uint32_t hosts)
{
	engine_add_range(e, role, local, remote, threads, 0, hosts);
}

void
engine_add_range(struct engine *e, enum role role, unsigned local,
    unsigned remote, uint32_t threads, uint32_t first_host, uint32_t end_host)
{
	unsigned n = local + remote;

	e->slot = xrealloc(e->slot, (e->n + n) * sizeof(*e->slot));
	for (unsigned i = 0; i < n; i++) {
		struct slot *s = &e->slot[e->n + i];

		memset(s, 0, sizeof(*s));
		s->role    = role;
		s->rindex  = i;
		s->threads = threads;
		s->remote  = i >= local;
		s->state   = s->remote ? SLOT_WAITING : SLOT_SPAWNED;
		stats_init(&s->cur.s);
		if (role == ROLE_INGEST) {
			model_shard(end_host - first_host, n, i,
			    &s->first_host, &s->end_host);
			s->first_host += first_host;
			s->end_host += first_host;
		}
	}
	e->n += n;
	e->n_remote += remote;
	e->per_role[role] += n;
}

/* --metrics-linger: the final figures stay up for a last scrape. */
static void
linger(struct engine *e)
{
	uint64_t end = now_ns() + (uint64_t)(e->o->metrics_linger * 1e9);
	int      n   = sig_count;

	if (!e->metrics || e->o->metrics_linger <= 0)
		return;
	log_info("metrics: serving the final figures for %g s more",
	    e->o->metrics_linger);
	while (now_ns() < end && sig_count == n)
		sleep_until_ns(now_ns() + 50 * 1000 * 1000);
}

void
engine_free(struct engine *e)
{
	linger(e);
	metrics_stop(e);
	sched_free(&e->sched);
	memset(e->rate, 0, sizeof(e->rate));
	for (unsigned i = 0; i < e->n; i++)
		free(e->slot[i].extra);
	free(e->pend);
	e->pend   = NULL;
	e->n_pend = 0;
	free(e->slot);
	e->slot = NULL;
	e->n    = 0;
}

void
engine_total(const struct engine *e, enum role role, struct stats *t)
{
	stats_init(t);
	for (unsigned i = 0; i < e->n; i++)
		if (e->slot[i].role == role)
			stats_merge(t, &e->slot[i].cur.s);
}

void
engine_total_target(
    const struct engine *e, unsigned k, struct stats *t, uint32_t *state)
{
	stats_init(t);
	*state = 0;
	for (unsigned i = 0; i < e->n; i++) {
		const struct proto_stats *c = &e->slot[i].cur;

		if (e->slot[i].role != ROLE_INGEST || k >= c->n_tgt)
			continue;
		stats_merge(t, &c->tgt[k].s);
		*state |= c->tgt[k].state;
	}
}

void
engine_hosts(const struct engine *e, int k, struct proto_hosts *h)
{
	memset(h, 0, sizeof(*h));
	for (unsigned i = 0; i < e->n; i++) {
		const struct proto_stats *c = &e->slot[i].cur;

		if (e->slot[i].role != ROLE_INGEST)
			continue;
		if (k < 0)
			proto_hosts_add(h, &c->hosts);
		else if ((unsigned)k < c->n_tgt)
			proto_hosts_add(h, &c->tgt[k].hosts);
	}
}

void
engine_target_err(const struct engine *e, unsigned k, char *err, size_t n)
{
	err[0] = '\0';
	for (unsigned i = 0; i < e->n && !err[0]; i++) {
		const struct proto_stats *c = &e->slot[i].cur;

		if (e->slot[i].role == ROLE_INGEST && k < c->n_tgt
		    && c->tgt[k].err[0])
			snprintf(err, n, "worker %u %s", e->slot[i].rindex + 1,
			    c->tgt[k].err);
	}
}

/* Fan-out: one column per target for the live line, "  | 2 vm 1200/s
 * 52000 records errors 3 (vm unreachable)", into out. */
static void
target_columns(struct engine *e, double el, char *out, size_t n)
{
	struct stats       *t  = xmalloc(sizeof(*t));
	struct proto_hosts *h  = xmalloc(sizeof(*h));
	size_t              at = 0;
	unsigned            nt = opts_n_targets(e->o);

	out[0] = '\0';
	for (unsigned k = 0; k < nt && nt > 1 && at < n; k++) {
		const char *url = opts_target(e->o, k);
		uint32_t    st;
		char        note[200], why[208] = "", spool[40];
		double      dt = el - e->tgt_last_t;

		engine_total_target(e, k, t, &st);
		target_state_note(url, st, note, sizeof(note));
		engine_hosts(e, (int)k, h);
		report_hosts_note(h, wall_ms(), note, sizeof(note));
		if (note[0])
			snprintf(why, sizeof(why), " (%s)", note);
		if (t->spool_left)
			snprintf(spool, sizeof(spool), " spool %llu rec",
			    (unsigned long long)t->spool_left);
		else
			spool[0] = '\0';
		at += (size_t)snprintf(out + at, n - at,
		    "  | %u %.*s %.0f/s %llu records errors %llu%s%s", k + 1,
		    (int)strcspn(url, ":"), url,
		    dt > 0 ? (t->records - e->tgt_last_rec[k]) / dt : 0.0,
		    (unsigned long long)t->records,
		    (unsigned long long)t->failed, spool, why);
		e->tgt_last_rec[k] = t->records;
	}
	e->tgt_last_t = el;
	free(t);
	free(h);
}

void
engine_begin_stop(struct engine *e, const char *why)
{
	if (e->stopping)
		return;
	e->stopping = true;
	e->t_stop   = now_ns();
	if (why)
		log_info("stopping: %s", why);
}

void
engine_fail(struct engine *e)
{
	e->failed = true;
	engine_begin_stop(e, NULL);
}

static struct slot *
slot_of_pid(struct engine *e, pid_t pid)
{
	for (unsigned i = 0; i < e->n; i++)
		if (!e->slot[i].remote && e->slot[i].pid > 0
		    && e->slot[i].pid == pid)
			return &e->slot[i];
	return NULL;
}

/* A worker is named by its role and its 1-based number within the role;
 * a remote one also by its address and host name. */
const char *
engine_name(const struct engine *e, const struct slot *s, char *out, size_t n)
{
	int k;

	if (e->per_role[ROLE_QUERY] && e->per_role[ROLE_INGEST])
		k = snprintf(out, n, "%s worker %u", role_names[s->role],
		    s->rindex + 1);
	else
		k = snprintf(out, n, "worker %u", s->rindex + 1);
	if (s->remote && s->addr[0] && k > 0 && (size_t)k < n)
		snprintf(out + k, n - (size_t)k, " at %s (host %s)", s->addr,
		    s->host);
	return out;
}

void
engine_reply(struct engine *e, uint32_t worker, uint16_t flags)
{
	proto_begin(&e->msg, MSG_ACK, worker, flags);
	proto_end(&e->msg);
	ipc_send(e->sock, &e->msg);
}

static void
on_hello(struct engine *e, struct proto_rd *rd)
{
	struct proto_hello h;
	struct slot       *s;

	if (proto_get_hello(rd, &h)) {
		log_err("truncated HELLO from a worker");
		engine_reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	s = slot_of_pid(e, (pid_t)h.pid);
	if (s && s->state == SLOT_SPAWNED && e->stopping) {
		/* Stopped during start-up: released with nothing to do. */
		s->state = SLOT_DONE;
		engine_reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	if (!s || s->state != SLOT_SPAWNED || e->stopping) {
		/* Not one of ours, a repeat, or too late: tell it to go. */
		engine_reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	snprintf(s->host, sizeof(s->host), "%s", h.host);
	engine_assign(e, s);
}

void
engine_assign(struct engine *e, struct slot *s)
{
	struct proto_assign as;
	struct buf          text;
	uint32_t            idx = (uint32_t)(s - e->slot);

	s->state = SLOT_RUNNING;
	buf_init(&text, 1 << 20);
	buf_printf(&text, "--role=%s\n", role_names[s->role]);
	opts_to_text(e->o, e->cmd, &text);
	/* In `tsload run`, --rate and --schedule pace the ingest side: the
	 * query workers keep their think time (later lines win). */
	if (e->cmd == CMD_RUN && s->role == ROLE_QUERY)
		buf_adds(&text, "--rate=0\n--schedule=\n--max-lag=0\n");
	buf_cstr(&text);
	as = (struct proto_assign) {
		.slot       = idx,
		.index      = s->rindex,
		.workers    = e->per_role[s->role],
		.first_host = s->first_host,
		.end_host   = s->end_host,
		.threads    = s->threads,
		.t0_ms      = e->start_ms,
		.seed       = e->seed,
		.options    = text.p,
	};
	proto_begin(&e->msg, MSG_ASSIGN, idx, 0);
	proto_put_assign(&e->msg, &as);
	proto_end(&e->msg);
	ipc_send(e->sock, &e->msg);
	buf_free(&text);
	e->assigned++;
}

/* The first error of a side, said once, as soon as a worker reports it.
 * Ingest workers say their failed writes themselves (ingest_tell); the
 * coordinator says the rest: failed queries and rejected records. */
static void
tell_first_error(struct engine *e, const struct slot *s)
{
	const struct stats *t = &s->cur.s;
	char                who[160];

	if (e->told_err[s->role] || !s->cur.err[0])
		return;
	if (s->role == ROLE_QUERY && t->failed) {
		log_warn("%s: first failed query: %s",
		    engine_name(e, s, who, sizeof(who)), s->cur.err);
		e->told_err[s->role] = true;
	} else if (s->role == ROLE_INGEST && t->rejected && !t->failed) {
		log_warn("%s: first rejected records: %s",
		    engine_name(e, s, who, sizeof(who)), s->cur.err);
		e->told_err[s->role] = true;
	}
}

static void
on_stats(struct engine *e, const struct proto_hdr *h, struct proto_rd *rd,
    uint32_t pipe)
{
	struct slot *s;
	char         who[160];

	if (h->worker >= e->n || e->slot[h->worker].state == SLOT_SPAWNED
	    || e->slot[h->worker].state == SLOT_DEAD
	    || !engine_pipe_ok(e, &e->slot[h->worker], pipe)) {
		/* not started, lost already, or not this worker's connection
		 */
		engine_reply(e, h->worker, PROTO_F_STOP);
		return;
	}
	s          = &e->slot[h->worker];
	s->last_ms = wall_ms();
	if (proto_get_stats(rd, &s->cur)) {
		log_err("%s sent truncated statistics",
		    engine_name(e, s, who, sizeof(who)));
		engine_reply(e, h->worker, PROTO_F_STOP);
		return;
	}
	if (s->cur.threads_ok < s->threads && !e->failed) {
		log_err("%s: %u of %u threads could not start: %s",
		    engine_name(e, s, who, sizeof(who)),
		    s->threads - s->cur.threads_ok, s->threads,
		    s->cur.err[0] ? s->cur.err : "no reason given");
		engine_fail(e);
	}
	if (s->cur.state & PROTO_S_FILE_ERR)
		e->failed = true; /* said by the worker */
	tell_first_error(e, s);
	/* A write that ends the run (a closed pipe, a write error) stops
	 * every worker, with its reason on one line. */
	if (s->cur.state
	        & (TGT_STATE_BIT(TGT_FATAL) | TGT_STATE_BIT(TGT_CLOSED))
	    && !e->stopping) {
		char why[sizeof(s->cur.err) + 64];

		snprintf(why, sizeof(why), "%s: %s",
		    engine_name(e, s, who, sizeof(who)), s->cur.err);
		engine_begin_stop(e, why);
	}
	if (h->type == MSG_RESULT) {
		double   cpu = proto_get_f64(rd);
		uint64_t rss = proto_get_u64(rd);

		if (s->remote) { /* a local one is measured by wait4 */
			s->cpu_s     = cpu;
			s->maxrss_kb = (long)rss;
		}
	}
	if (h->type == MSG_RESULT && s->state == SLOT_RUNNING) {
		s->state = SLOT_DONE;
		free(s->extra);
		s->extra_len = rd->len - rd->off;
		s->extra     = xmalloc(s->extra_len + 1);
		memcpy(s->extra, rd->p + rd->off, s->extra_len);
	}
	engine_reply(e, h->worker, e->stopping ? PROTO_F_STOP : 0);
}

static void
on_error(struct engine *e, const struct proto_hdr *h, struct proto_rd *rd,
    uint32_t pipe)
{
	char why[256], who[160] = "a worker";

	proto_get_str(rd, why, sizeof(why));
	if (h->worker < e->n && engine_pipe_ok(e, &e->slot[h->worker], pipe)) {
		struct slot *s = &e->slot[h->worker];

		if (s->state == SLOT_RUNNING)
			s->state = SLOT_DEAD;
		engine_name(e, s, who, sizeof(who));
	}
	log_err("%s: %s", who, why);
	engine_fail(e);
	engine_reply(e, h->worker, PROTO_F_STOP);
}

static void
handle(struct engine *e, void *m, size_t len, uint32_t pipe)
{
	struct proto_hdr h;
	struct proto_rd  rd;
	char             err[160];
	bool             remote = remote_pipe(e, pipe);

	if (proto_open(m, len, &h, &rd, err, sizeof(err))) {
		if (remote) {
			remote_refuse(e, pipe, "", err);
			return;
		}
		log_err("ignoring a message: %s", err);
		engine_reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	/* Over tcp:// only a worker that joined may speak for its slot: a
	 * stranger's STATS or ERROR must not touch the run. */
	if (remote && h.type != MSG_HELLO && h.type != MSG_AUTH
	    && h.type != MSG_READY
	    && (h.worker >= e->n
	        || !engine_pipe_ok(e, &e->slot[h.worker], pipe))) {
		if (h.worker < e->n && e->slot[h.worker].state == SLOT_DEAD)
			engine_reply(e, h.worker, PROTO_F_STOP); /* lost */
		else
			remote_refuse(e, pipe, "", "not a worker of this run");
		return;
	}
	switch (h.type) {
	case MSG_HELLO:
		if (remote)
			remote_hello(e, &rd, pipe);
		else
			on_hello(e, &rd);
		break;
	case MSG_AUTH:
		remote_auth(e, &rd, pipe);
		break;
	case MSG_READY:
		remote_ready(e, pipe);
		break;
	case MSG_STATS:
	case MSG_RESULT:
		on_stats(e, &h, &rd, pipe);
		break;
	case MSG_ERROR:
		on_error(e, &h, &rd, pipe);
		break;
	default:
		log_err("ignoring a message of unknown type %u", h.type);
		engine_reply(e, h.worker, PROTO_F_STOP);
	}
}

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + tv->tv_usec / 1e6;
}

/* CPU seconds per role, and the peak memory of the whole run: the
 * coordinator's plus every worker's (each measured at its own peak, so
 * the sum is an upper bound). */
static void
account(struct engine *e)
{
	struct rusage ru;

	for (int r = 0; r < ROLE_N; r++)
		e->cpu_s[r] = 0;
	getrusage(RUSAGE_SELF, &ru);
	e->coord_cpu_s = tv_s(&ru.ru_utime) + tv_s(&ru.ru_stime);
	e->maxrss_kb   = ru.ru_maxrss;
	for (unsigned i = 0; i < e->n; i++) {
		e->cpu_s[e->slot[i].role] += e->slot[i].cpu_s;
		e->maxrss_kb += e->slot[i].maxrss_kb;
	}
}

/* Notices workers that ended: one that dies before its result is reported
 * and fails the run. */
static void
reap(struct engine *e)
{
	struct rusage ru;
	int           status;
	pid_t         pid;

	while ((pid = wait4(-1, &status, WNOHANG, &ru)) > 0) {
		struct slot *s = slot_of_pid(e, pid);

		if (!s)
			continue;
		s->reaped    = true;
		s->cpu_s     = tv_s(&ru.ru_utime) + tv_s(&ru.ru_stime);
		s->maxrss_kb = ru.ru_maxrss;
		if (s->state == SLOT_DONE)
			continue;
		spawn_describe(status, s->fate, sizeof(s->fate));
		if (s->state != SLOT_DEAD) {
			char why[sizeof(s->fate) + 64];

			snprintf(why, sizeof(why),
			    "(pid %d) %s before it delivered its result",
			    (int)pid, s->fate);
			engine_lost(e, s, why);
		}
		s->died  = true;
		s->state = SLOT_DEAD;
	}
}

void
engine_lost(struct engine *e, struct slot *s, const char *why)
{
	char who[160], what[160];
	bool go_on = !strcmp(e->o->on_loss, "continue");

	s->state = SLOT_DEAD;
	s->died  = true;
	if (!s->fate[0])
		snprintf(s->fate, sizeof(s->fate), "%s", why);
	if (s->role == ROLE_INGEST)
		snprintf(what, sizeof(what),
		    "its shard was hosts %u..%u; the %llu records it had reported are counted",
		    s->first_host, s->end_host - 1,
		    (unsigned long long)s->cur.s.records);
	else
		snprintf(what, sizeof(what),
		    "the %llu queries it had reported are counted",
		    (unsigned long long)s->cur.s.attempts);
	engine_name(e, s, who, sizeof(who));
	if (go_on) {
		log_warn(
		    "%s %s: %s; going on without it (--on-worker-loss continue)",
		    who, why, what);
		return;
	}
	log_err("%s %s: %s", who, why, what);
	engine_fail(e);
}

static bool
all_finished(const struct engine *e)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->slot[i].state != SLOT_DONE
		    && e->slot[i].state != SLOT_DEAD)
			return false;
	return true;
}

static bool
query_workers_done(const struct engine *e)
{
	if (!e->per_role[ROLE_QUERY])
		return false;
	for (unsigned i = 0; i < e->n; i++)
		if (e->slot[i].role == ROLE_QUERY
		    && e->slot[i].state != SLOT_DONE
		    && e->slot[i].state != SLOT_DEAD)
			return false;
	return true;
}

static void
tick(struct engine *e, double el, bool live)
{
	struct stats *t   = xmalloc(sizeof(*t));
	FILE         *f   = live && !e->o->quiet ? log_info_stream() : NULL;
	bool          tty = f && log_live_tty();
	char          err[512], line[1100];
	size_t        at;

	/* the workers say what is wrong with a new file */
	if (e->sched.n)
		sched_reload(&e->sched, el, err, sizeof(err));
	for (int r = 0; r < ROLE_N; r++) {
		uint32_t st = 0;
		char     note[200];

		if (!e->per_role[r])
			continue;
		engine_total(e, (enum role)r, t);
		e->tick[r].batch_min = e->tick[r].batch_max = 0;
		for (unsigned i = 0; i < e->n; i++) {
			const struct proto_stats *c = &e->slot[i].cur;

			if ((int)e->slot[i].role != r)
				continue;
			st |= c->state;
			if (c->batch_min
			    && (!e->tick[r].batch_min
			        || c->batch_min < e->tick[r].batch_min))
				e->tick[r].batch_min = c->batch_min;
			if (c->batch_max > e->tick[r].batch_max)
				e->tick[r].batch_max = c->batch_max;
		}
		if (opts_n_targets(e->o) > 1) {
			note[0] = '\0'; /* said per target */
		} else {
			struct proto_hosts *h = xmalloc(sizeof(*h));

			target_state_note(
			    e->o->target, st, note, sizeof(note));
			engine_hosts(e, -1, h);
			report_hosts_note(h, wall_ms(), note, sizeof(note));
			free(h);
		}
		if (r == ROLE_INGEST)
			target_columns(e, el, e->tick[r].columns,
			    sizeof(e->tick[r].columns));
		report_tick(&e->tick[r], el, t, tty ? NULL : f, note);
	}
	/* fan-out: each target's row of its own time series */
	for (unsigned k = 0; e->per_role[ROLE_INGEST]
	     && k < opts_n_targets(e->o) && opts_n_targets(e->o) > 1;
	     k++) {
		uint32_t st;

		engine_total_target(e, k, t, &st);
		report_tick(&e->ttick[k], el, t, NULL, NULL);
	}
	free(t);
	if (!tty)
		return;
	/* a terminal: one line for both sides, rewritten every second */
	at = (size_t)snprintf(line, sizeof(line), "[%4.0fs] ", el);
	for (int r = 0; r < ROLE_N && at < sizeof(line); r++)
		if (e->per_role[r])
			at += (size_t)snprintf(line + at, sizeof(line) - at,
			    "%s%s",
			    r && e->per_role[ROLE_INGEST] ? "  |  " : "",
			    e->tick[r].live);
	log_live(line);
}

/* --abort-on-fail: stops the run once a threshold that can only get
 * worse has failed on the live totals. */
static void
check_thresholds(struct engine *e)
{
	struct stats *t[ROLE_N] = { NULL };

	if (!e->thr.abort_on_fail || !e->thr.n || e->stopping)
		return;
	for (int r = 0; r < ROLE_N; r++)
		if (e->per_role[r]) {
			t[r] = xmalloc(sizeof(*t[r]));
			engine_total(e, (enum role)r, t[r]);
		}
	if (thr_doomed(&e->thr, t[ROLE_INGEST], t[ROLE_QUERY], e->thr.aborted,
	        sizeof(e->thr.aborted)))
		engine_begin_stop(e, e->thr.aborted);
	for (int r = 0; r < ROLE_N; r++)
		free(t[r]);
}

/* Acts on the signals that came since the last look: the first starts
 * the drain, a second one is only acknowledged (`timeout` signals the
 * process and then its group), the third stops the workers at once.
 * @return true when the run must end now. */
static bool
signals(struct engine *e)
{
	int n = sig_count;

	if (n == e->sigs_seen)
		return false;
	e->sigs_seen = n;
	if (!e->stopping) {
		char why[64];

		snprintf(why, sizeof(why), "interrupted (%s)",
		    sig_last == SIGINT       ? "SIGINT"
		        : sig_last == SIGHUP ? "SIGHUP"
		                             : "SIGTERM");
		engine_begin_stop(e, why);
	}
	if (n >= FORCE_SIGNALS) {
		log_err("interrupted %d times: stopping the workers now", n);
		e->failed = true;
		e->forced = true;
		return true;
	}
	if (n == FORCE_SIGNALS - 1)
		log_info(
		    "still draining: one more signal stops the workers at once");
	return false;
}

/* True when stdout is a pipe nobody reads any more. Checked every tick,
 * so a quiet run notices too. */
static bool
stdout_closed(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };
	struct stat   st;

	if (fstat(STDOUT_FILENO, &st)
	    || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return false;
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

int
engine_serve_one(struct engine *e)
{
	void    *m;
	size_t   len;
	uint32_t pipe = 0;
	int      rc   = ipc_recv_from(e->sock, &m, &len, &pipe);

	if (rc == 0) {
		handle(e, m, len, pipe);
		nng_free(m, len);
	} else if (rc != NNG_ETIMEDOUT) {
		log_err("coordinator socket: %s", nng_strerror(rc));
		e->failed = true;
		return -EIO;
	}
	return 0;
}

bool
engine_signals(struct engine *e)
{
	return signals(e);
}

/* Serve messages, tick every second, stop when due. */
static void
serve(struct engine *e)
{
	uint64_t next = e->t_start + 1000000000ull;

	for (;;) {
		double el;

		if (engine_serve_one(e))
			break;
		reap(e);
		remote_check(e);
		el = (now_ns() - e->t_start) / 1e9;
		if (signals(e))
			break;
		if (!e->stopping && stdout_closed()) {
			/* `tsload ... | head`: drain, then talk on stderr */
			log_info_to_stderr(true);
			engine_begin_stop(e, "standard output was closed");
		}
		if (e->o->duration > 0 && el >= e->o->duration)
			engine_begin_stop(e, NULL);
		/* A query-only run ends when its repetitions are done; a mixed
		 * run stops its ingest then too. A backfill (--end-time) ends
		 * when every worker has sent its result. */
		if (query_workers_done(e) || all_finished(e))
			engine_begin_stop(e, NULL);
		if (!e->stopping && e->assigned < e->n
		    && el > HELLO_TIMEOUT_S) {
			log_err(
			    "%u of %u workers did not say hello within %d s",
			    e->n - e->assigned, e->n, HELLO_TIMEOUT_S);
			engine_fail(e);
		}
		if (now_ns() >= next) {
			tick(e, el, true);
			metrics_update(e);
			check_thresholds(e);
			next += 1000000000ull;
			if (next < now_ns())
				next = now_ns() + 1000000000ull;
		}
		if (e->stopping && all_finished(e))
			break;
		if (e->stopping
		    && now_ns() - e->t_stop
		        > DRAIN_TIMEOUT_S * 1000000000ull) {
			log_err(
			    "workers did not finish within %d s of the stop",
			    DRAIN_TIMEOUT_S);
			e->failed = true;
			break;
		}
	}
}

/* Ends every child that is still there and waits for it. */
static void
finish_children(struct engine *e)
{
	/* a forced stop does not wait for the workers */
	uint64_t deadline = now_ns() + (e->forced ? 0 : 5000000000ull);

	for (;;) {
		bool left = false;

		reap(e);
		for (unsigned i = 0; i < e->n; i++)
			left |= e->slot[i].pid > 0 && !e->slot[i].reaped;
		if (!left)
			return;
		if (now_ns() > deadline) {
			for (unsigned i = 0; i < e->n; i++) {
				struct slot *s = &e->slot[i];

				if (s->pid > 0 && !s->reaped) {
					kill(s->pid, SIGKILL);
					if (s->state != SLOT_DONE)
						e->failed = true;
				}
			}
			deadline = UINT64_MAX;
		}
		sleep_until_ns(now_ns() + 20 * 1000 * 1000);
	}
}

static uint64_t
pick_seed(void)
{
	uint64_t s = 0;

	while (s == 0)
		if (getrandom(&s, sizeof(s), 0) != sizeof(s))
			s = now_ns() ^ ((uint64_t)getpid() << 32);
	return s;
}

/* Open loop: the schedule of --rate or --schedule, for the ingest side
 * (in `tsload run` only that side) or the queries of `tsload query`. */
static int
open_rates(struct engine *e)
{
	char err[512];
	int  rc = opts_sched(e->o, &e->sched, err, sizeof(err));

	if (rc < 0) {
		log_err("%s", err);
		return rc;
	}
	if (rc == 0)
		return 0;
	if (e->cmd == CMD_QUERY) {
		e->rate[ROLE_QUERY].s    = &e->sched;
		e->rate[ROLE_QUERY].unit = RATE_QUERIES;
	} else {
		e->rate[ROLE_INGEST].s = &e->sched;
		e->rate[ROLE_INGEST].unit
		    = opts_rate_records(e->o) ? RATE_RECORDS : RATE_POINTS;
	}
	return 0;
}

/* Fan-out: timeseries-target-N.csv, the columns of timeseries.csv for
 * target N alone. */
static int
open_target_ticks(struct engine *e)
{
	unsigned nt = opts_n_targets(e->o);

	for (unsigned k = 0; e->per_role[ROLE_INGEST] && nt > 1 && k < nt;
	     k++) {
		char name[64];
		int  rc;

		snprintf(
		    name, sizeof(name), "timeseries-target-%u.csv", k + 1);
		rc = report_tick_open(
		    &e->ttick[k], e->dir, name, "records", NULL);
		if (rc) {
			log_err("cannot write %s/%s: %s", e->dir, name,
			    strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int
open_ticks(struct engine *e)
{
	for (int r = 0; r < ROLE_N; r++) {
		char name[64];
		int  rc;

		if (!e->per_role[r])
			continue;
		/* ingest keeps the plain name; a query side gets its own */
		snprintf(name, sizeof(name), "%s",
		    r == ROLE_INGEST ? "timeseries.csv"
		                     : "query-timeseries.csv");
		rc = report_tick_open(&e->tick[r], e->dir, name,
		    r == ROLE_INGEST ? "records" : "queries", &e->rate[r]);
		e->tick[r].planned = e->planned[r];
		if (e->per_role[ROLE_INGEST] && e->per_role[ROLE_QUERY])
			snprintf(e->tick[r].label, sizeof(e->tick[r].label),
			    "%s", role_names[r]);
		if (rc) {
			log_err("cannot write %s/%s: %s", e->dir, name,
			    strerror(-rc));
			return rc;
		}
	}
	return open_target_ticks(e);
}

/* Closes every time series; 0, or -errno when one could not be written
 * (said). */
static int
close_ticks(struct engine *e)
{
	int rc = 0;

	for (int r = 0; r < ROLE_N; r++)
		if (report_tick_close(&e->tick[r]))
			rc = -EIO;
	for (unsigned k = 0; k < OPTS_TARGETS_MAX; k++)
		if (report_tick_close(&e->ttick[k]))
			rc = -EIO;
	return rc;
}

/* True when nobody listens on the unix socket at path any more. */
static bool
socket_dead(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int                fd, rc;

	if (strlen(path) >= sizeof(a.sun_path))
		return false;
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	rc = rc && errno == ECONNREFUSED;
	close(fd);
	return rc;
}

/* Removes the tsload-PID.ipc sockets of coordinators that no longer
 * exist (killed with -9), so they do not pile up in the temp directory:
 * only when no such process exists and nothing listens on the socket
 * (another PID namespace may share the directory). */
static void
remove_stale_sockets(const char *tmp)
{
	DIR           *d = opendir(tmp);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char        path[PATH_MAX], tail[8];
		struct stat st;
		int         pid;

		if (sscanf(de->d_name, "tsload-%d.ip%7s", &pid, tail) != 2
		    || strcmp(tail, "c") || pid <= 0 || pid == getpid())
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, de->d_name);
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)
		    && socket_dead(path))
			unlink(path);
	}
	closedir(d);
}

/* Dead workers were seen only up to their last report: say what the
 * totals are missing. */
static void
note_dead(const struct engine *e)
{
	char who[160], when[32];

	for (unsigned i = 0; i < e->n; i++) {
		const struct slot *s = &e->slot[i];
		time_t             t = (time_t)(s->last_ms / 1000);
		struct tm          tm;

		if (!s->died)
			continue;
		if (!s->last_ms) {
			log_warn(
			    "%s died before its first report: nothing it did is counted",
			    engine_name(e, s, who, sizeof(who)));
			continue;
		}
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		log_warn("%s died: its %s after %s.%03d UTC are not counted",
		    engine_name(e, s, who, sizeof(who)),
		    s->role == ROLE_INGEST ? "writes" : "queries", when,
		    (int)(s->last_ms % 1000));
	}
}

int
engine_run(struct engine *e)
{
	const char *tmp = getenv("TMPDIR");
	int         rc;

	engine_catch_signals();
	if (open_rates(e) || metrics_start(e))
		return 1;
	if (open_ticks(e)) {
		close_ticks(e); /* those opened before the failure */
		return 1;
	}
	tmp = tmp && tmp[0] ? tmp : "/tmp";
	remove_stale_sockets(tmp);
	snprintf(e->ipc_path, sizeof(e->ipc_path), "%s/tsload-%d.ipc", tmp,
	    (int)getpid());
	snprintf(e->url, sizeof(e->url), "ipc://%s", e->ipc_path);
	unlink(e->ipc_path);
	buf_init(&e->msg, PROTO_MAX_MSG);
	rc = ipc_listen(&e->sock, e->url);
	if (rc) {
		log_err("cannot listen on %s: %s", e->url, nng_strerror(rc));
		buf_free(&e->msg);
		return 1;
	}
	ipc_set_timeout(e->sock, 100);
	ipc_watch_gone(e->sock, &e->gone);
	e->seed = e->o->seed ? e->o->seed : pick_seed();
	if (e->o->listen[0]) {
		rc = ipc_listen_more(e->sock, e->o->listen, &e->tcp_listener);
		if (rc) {
			log_err(
			    "--listen %s: %s", e->o->listen, nng_strerror(rc));
			ipc_close(e->sock);
			unlink(e->ipc_path);
			buf_free(&e->msg);
			return 1;
		}
	}
	/* The run's clock starts once every remote worker has joined. */
	if (e->n_remote && remote_join(e)) {
		e->start_ms = wall_ms();
		e->t_start  = now_ns();
		e->forced   = true;
		goto out;
	}
	e->start_ms = wall_ms();
	e->t_start  = now_ns();
	e->started  = true;
	/* A signal during the set-up: an empty run, no worker started. */
	signals(e);
	for (unsigned i = 0; i < e->n; i++) {
		pid_t pid;

		if (e->stopping) {
			e->slot[i].state = SLOT_DONE;
			continue;
		}
		if (e->slot[i].remote)
			continue; /* joined already; ASSIGN at its READY */
		pid = spawn_worker(e->url);

		if (pid < 0) {
			log_err("cannot start worker %u: %s", i + 1,
			    strerror((int)-pid));
			e->slot[i].state = SLOT_DEAD;
			engine_fail(e);
			continue;
		}
		e->slot[i].pid = pid;
	}
	serve(e);
out:
	log_live_end(); /* what follows starts on a line of its own */
	finish_children(e);
	note_dead(e);
	account(e);
	e->end_ms = wall_ms();
	e->secs   = (now_ns() - e->t_start) / 1e9;
	ipc_close(e->sock);
	unlink(e->ipc_path);
	buf_free(&e->msg);
	tick(e, e->secs, false);
	metrics_update(e); /* the final figures, those of run.json */
	if (close_ticks(e))
		e->failed = true; /* a results file is missing */
	/* The handlers stay: a late signal must not lose run.json. */
	return e->failed ? 1 : 0;
}
