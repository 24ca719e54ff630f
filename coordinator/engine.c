/* engine.c - spawn, serve and drain the workers of a run.
 *
 * Phases: SPAWN (fork+exec) -> RUN (HELLO/ASSIGN, STATS every second)
 *         -> DRAIN (STOP in every reply, wait for RESULTs) -> reap.
 * The coordinator only answers; workers drive the exchange (REQ/REP).
 */
#include "engine.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "model.h"
#include "spawn.h"
#include "target.h"
#include "xalloc.h"

enum {
	HELLO_TIMEOUT_S = 30, /* a worker that never says hello */
	DRAIN_TIMEOUT_S = 60, /* after the stop, wait this long for results */
};

static const char *const role_names[ROLE_N] = { "ingest", "query" };

static volatile sig_atomic_t sigint_count;

static void
on_sigint(int sig)
{
	(void)sig;
	sigint_count++;
}

void
engine_init(
    struct engine *e, const struct tsl_opts *o, unsigned cmd, const char *dir)
{
	memset(e, 0, sizeof(*e));
	e->o   = o;
	e->cmd = cmd;
	e->dir = dir;
}

void
engine_add(struct engine *e, enum role role, unsigned n, uint32_t threads,
    uint32_t hosts)
{
	e->slot = xrealloc(e->slot, (e->n + n) * sizeof(*e->slot));
	for (unsigned i = 0; i < n; i++) {
		struct slot *s = &e->slot[e->n + i];

		memset(s, 0, sizeof(*s));
		s->role    = role;
		s->rindex  = i;
		s->threads = threads;
		stats_init(&s->cur.s);
		if (role == ROLE_INGEST)
			model_shard(hosts, n, i, &s->first_host, &s->end_host);
	}
	e->n += n;
	e->per_role[role] += n;
}

void
engine_free(struct engine *e)
{
	for (unsigned i = 0; i < e->n; i++)
		free(e->slot[i].extra);
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

static void
begin_stop(struct engine *e, const char *why)
{
	if (e->stopping)
		return;
	e->stopping = true;
	e->t_stop   = now_ns();
	if (why)
		log_info("stopping: %s", why);
}

static void
fail(struct engine *e)
{
	e->failed = true;
	begin_stop(e, NULL);
}

static struct slot *
slot_of_pid(struct engine *e, pid_t pid)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->slot[i].pid == pid)
			return &e->slot[i];
	return NULL;
}

/* A worker is named by its role and its 1-based number within the role. */
static const char *
name_of(const struct engine *e, const struct slot *s, char *out, size_t n)
{
	if (e->per_role[ROLE_QUERY] && e->per_role[ROLE_INGEST])
		snprintf(out, n, "%s worker %u", role_names[s->role],
		    s->rindex + 1);
	else
		snprintf(out, n, "worker %u", s->rindex + 1);
	return out;
}

static void
reply(struct engine *e, uint32_t worker, uint16_t flags)
{
	proto_begin(&e->msg, MSG_ACK, worker, flags);
	proto_end(&e->msg);
	ipc_send(e->sock, &e->msg);
}

static void
on_hello(struct engine *e, struct proto_rd *rd)
{
	struct proto_hello  h;
	struct proto_assign as;
	struct slot        *s;
	struct buf          text;
	uint32_t            idx;

	if (proto_get_hello(rd, &h)) {
		log_err("truncated HELLO from a worker");
		reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	s = slot_of_pid(e, (pid_t)h.pid);
	if (!s || s->state != SLOT_SPAWNED || e->stopping) {
		/* Not one of ours, a repeat, or too late: tell it to go. */
		reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	idx      = (uint32_t)(s - e->slot);
	s->state = SLOT_RUNNING;
	snprintf(s->host, sizeof(s->host), "%s", h.host);
	buf_init(&text, 1 << 20);
	buf_printf(&text, "--role=%s\n", role_names[s->role]);
	opts_to_text(e->o, e->cmd, &text);
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

static void
on_stats(struct engine *e, const struct proto_hdr *h, struct proto_rd *rd)
{
	struct slot *s;
	char         who[48];

	if (h->worker >= e->n || e->slot[h->worker].state == SLOT_SPAWNED) {
		reply(e, h->worker, PROTO_F_STOP);
		return;
	}
	s = &e->slot[h->worker];
	if (proto_get_stats(rd, &s->cur)) {
		log_err("%s sent truncated statistics",
		    name_of(e, s, who, sizeof(who)));
		reply(e, h->worker, PROTO_F_STOP);
		return;
	}
	if (s->cur.threads_ok < s->threads && !e->failed) {
		log_err("%s: %u of %u threads could not start: %s",
		    name_of(e, s, who, sizeof(who)),
		    s->threads - s->cur.threads_ok, s->threads,
		    s->cur.err[0] ? s->cur.err : "no reason given");
		fail(e);
	}
	if (s->cur.state & PROTO_S_FILE_ERR)
		e->failed = true; /* said by the worker */
	/* A write that ends the run (a closed pipe, a write error) stops
	 * every worker, with its reason on one line. */
	if (s->cur.state
	        & (TGT_STATE_BIT(TGT_FATAL) | TGT_STATE_BIT(TGT_CLOSED))
	    && !e->stopping) {
		char why[sizeof(s->cur.err) + 64];

		snprintf(why, sizeof(why), "%s: %s",
		    name_of(e, s, who, sizeof(who)), s->cur.err);
		begin_stop(e, why);
	}
	if (h->type == MSG_RESULT && s->state == SLOT_RUNNING) {
		s->state = SLOT_DONE;
		free(s->extra);
		s->extra_len = rd->len - rd->off;
		s->extra     = xmalloc(s->extra_len + 1);
		memcpy(s->extra, rd->p + rd->off, s->extra_len);
	}
	reply(e, h->worker, e->stopping ? PROTO_F_STOP : 0);
}

static void
on_error(struct engine *e, const struct proto_hdr *h, struct proto_rd *rd)
{
	char why[256], who[48] = "a worker";

	proto_get_str(rd, why, sizeof(why));
	if (h->worker < e->n) {
		struct slot *s = &e->slot[h->worker];

		if (s->state == SLOT_RUNNING)
			s->state = SLOT_DEAD;
		name_of(e, s, who, sizeof(who));
	}
	log_err("%s: %s", who, why);
	fail(e);
	reply(e, h->worker, PROTO_F_STOP);
}

static void
handle(struct engine *e, void *m, size_t len)
{
	struct proto_hdr h;
	struct proto_rd  rd;
	char             err[160];

	if (proto_open(m, len, &h, &rd, err, sizeof(err))) {
		log_err("ignoring a message: %s", err);
		reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	switch (h.type) {
	case MSG_HELLO:
		on_hello(e, &rd);
		break;
	case MSG_STATS:
	case MSG_RESULT:
		on_stats(e, &h, &rd);
		break;
	case MSG_ERROR:
		on_error(e, &h, &rd);
		break;
	default:
		log_err("ignoring a message of unknown type %u", h.type);
		reply(e, h.worker, PROTO_F_STOP);
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
	char          who[48];

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
		if (s->state != SLOT_DEAD)
			log_err("%s (pid %d) %s before it delivered its "
			        "result",
			    name_of(e, s, who, sizeof(who)), (int)pid,
			    s->fate);
		s->state = SLOT_DEAD;
		fail(e);
	}
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
	struct stats *t = xmalloc(sizeof(*t));
	FILE         *f = live && !e->o->quiet ? log_info_stream() : NULL;

	for (int r = 0; r < ROLE_N; r++) {
		uint32_t st = 0;
		char     note[64];

		if (!e->per_role[r])
			continue;
		engine_total(e, (enum role)r, t);
		for (unsigned i = 0; i < e->n; i++)
			if ((int)e->slot[i].role == r)
				st |= e->slot[i].cur.state;
		target_state_note(e->o->target, st, note, sizeof(note));
		report_tick(&e->tick[r], el, t, f, note);
	}
	free(t);
}

/* Serve messages, tick every second, stop when due. */
static void
serve(struct engine *e)
{
	uint64_t next = e->t_start + 1000000000ull;

	for (;;) {
		void  *m;
		size_t len;
		int    rc = ipc_recv(e->sock, &m, &len);
		double el;

		if (rc == 0) {
			handle(e, m, len);
			nng_free(m, len);
		} else if (rc != NNG_ETIMEDOUT) {
			log_err("coordinator socket: %s", nng_strerror(rc));
			e->failed = true;
			break;
		}
		reap(e);
		el = (now_ns() - e->t_start) / 1e9;
		if (sigint_count && !e->stopping)
			begin_stop(e, "interrupted");
		if (sigint_count > 1) {
			log_err("interrupted twice: stopping workers now");
			e->failed = true;
			break;
		}
		if (e->o->duration > 0 && el >= e->o->duration)
			begin_stop(e, NULL);
		/* A query-only run ends when its repetitions are done; a mixed
		 * run stops its ingest then too. A backfill (--end-time) ends
		 * when every worker has sent its result. */
		if (query_workers_done(e) || all_finished(e))
			begin_stop(e, NULL);
		if (!e->stopping && e->assigned < e->n
		    && el > HELLO_TIMEOUT_S) {
			log_err("%u of %u workers did not say hello within "
			        "%d s",
			    e->n - e->assigned, e->n, HELLO_TIMEOUT_S);
			fail(e);
		}
		if (now_ns() >= next) {
			tick(e, el, true);
			next += 1000000000ull;
			if (next < now_ns())
				next = now_ns() + 1000000000ull;
		}
		if (e->stopping && all_finished(e))
			break;
		if (e->stopping
		    && now_ns() - e->t_stop
		        > DRAIN_TIMEOUT_S * 1000000000ull) {
			log_err("workers did not finish within %d s of the "
			        "stop",
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
	uint64_t deadline = now_ns() + 5000000000ull;

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
		    r == ROLE_INGEST ? "records" : "queries");
		if (rc) {
			log_err("cannot write %s/%s: %s", e->dir, name,
			    strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int
engine_run(struct engine *e)
{
	struct sigaction sa  = { .sa_handler = on_sigint };
	const char      *tmp = getenv("TMPDIR");
	int              rc;

	if (open_ticks(e))
		return 1;
	snprintf(e->ipc_path, sizeof(e->ipc_path), "%s/tsload-%d.ipc",
	    tmp && tmp[0] ? tmp : "/tmp", (int)getpid());
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
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	e->seed     = e->o->seed ? e->o->seed : pick_seed();
	e->start_ms = wall_ms();
	e->t_start  = now_ns();
	for (unsigned i = 0; i < e->n; i++) {
		pid_t pid = spawn_worker(e->url);

		if (pid < 0) {
			log_err("cannot start worker %u: %s", i + 1,
			    strerror((int)-pid));
			e->slot[i].state = SLOT_DEAD;
			fail(e);
			continue;
		}
		e->slot[i].pid = pid;
	}
	serve(e);
	finish_children(e);
	account(e);
	e->end_ms = wall_ms();
	e->secs   = (now_ns() - e->t_start) / 1e9;
	ipc_close(e->sock);
	unlink(e->ipc_path);
	buf_free(&e->msg);
	tick(e, e->secs, false);
	for (int r = 0; r < ROLE_N; r++)
		if (report_tick_close(&e->tick[r]))
			e->failed = true; /* a results file is missing */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return e->failed ? 1 : 0;
}
