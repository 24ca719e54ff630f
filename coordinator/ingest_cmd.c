/* ingest_cmd.c - `tsload ingest`: set up the target, start the workers,
 * hand out shards over nng, aggregate their statistics every second, stop
 * on --duration, SIGINT or a dead worker, and report.
 *
 * Phases: PARSE -> SETUP (target) -> SPAWN -> RUN (HELLO/ASSIGN, STATS)
 *         -> DRAIN (STOP in every reply, wait for RESULTs) -> REPORT
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "coord.h"
#include "ipc.h"
#include "log.h"
#include "model.h"
#include "opts.h"
#include "proto.h"
#include "report.h"
#include "spawn.h"
#include "target.h"
#include "version.h"
#include "xalloc.h"

enum {
	HELLO_TIMEOUT_S = 30, /* a worker that never says hello */
	DRAIN_TIMEOUT_S = 60, /* after stop, wait this long for results */
};

enum wstate { W_SPAWNED, W_RUNNING, W_DONE, W_DEAD };

struct wslot {
	enum wstate        state;
	pid_t              pid;      /* local child */
	bool               reaped;
	struct proto_stats cur;      /* latest cumulative totals */
	struct report_worker rw;
};

struct coord {
	const struct tsl_opts *o;
	nng_socket             sock;
	char                   url[160];
	char                   ipc_path[128];
	struct buf             msg;
	struct wslot          *w;
	unsigned               nw;
	unsigned               assigned;
	bool                   stopping;
	bool                   failed;
	uint64_t               t_start, t_stop;
	int64_t                t0_ms;
	uint64_t               seed;
};

static volatile sig_atomic_t sigint_count;

static void
on_sigint(int sig)
{
	(void)sig;
	sigint_count++;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: tsload ingest [options]\n\n"
		   "Drives the perf-scale DevOps ingest load into a target.\n\n"
		   "options:\n");
	opts_usage(CMD_INGEST, f);
	fprintf(f, "\ntargets:\n");
	for (const struct target_ops *const *t = target_list(); *t; t++)
		fprintf(f, "  %s\n", (*t)->usage);
	fprintf(f, "\nEvery option can also be set as TSLOAD_<NAME>, e.g. "
		   "TSLOAD_HOST_SCALE=2.\n");
}

static void
begin_stop(struct coord *c, const char *why)
{
	if (c->stopping)
		return;
	c->stopping = true;
	c->t_stop   = now_ns();
	if (why)
		log_info("stopping: %s", why);
}

static struct wslot *
slot_of_pid(struct coord *c, pid_t pid)
{
	for (unsigned i = 0; i < c->nw; i++)
		if (c->w[i].pid == pid)
			return &c->w[i];
	return NULL;
}

static void
reply(struct coord *c, enum proto_type type, uint32_t worker, uint16_t fl)
{
	proto_begin(&c->msg, type, worker, fl);
	proto_end(&c->msg);
	ipc_send(c->sock, &c->msg);
}

static void
on_hello(struct coord *c, struct proto_rd *rd)
{
	struct proto_hello  h;
	struct proto_assign as;
	struct wslot       *s = NULL;
	struct buf          text;

	if (proto_get_hello(rd, &h)) {
		log_err("truncated HELLO from a worker");
		reply(c, MSG_ACK, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	s = slot_of_pid(c, (pid_t)h.pid);
	if (!s || s->state != W_SPAWNED || c->stopping) {
		/* Not one of ours, a repeat, or too late: tell it to go. */
		reply(c, MSG_ACK, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	s->state = W_RUNNING;
	snprintf(s->rw.host, sizeof(s->rw.host), "%s", h.host);
	buf_init(&text, 1 << 20);
	opts_to_text(c->o, CMD_INGEST, &text);
	buf_cstr(&text);
	as = (struct proto_assign){
		.index      = s->rw.index,
		.workers    = c->nw,
		.first_host = s->rw.first_host,
		.end_host   = s->rw.end_host,
		.threads    = (uint32_t)c->o->concurrency,
		.t0_ms      = c->t0_ms,
		.seed       = c->seed,
		.options    = text.p,
	};
	proto_begin(&c->msg, MSG_ASSIGN, s->rw.index, 0);
	proto_put_assign(&c->msg, &as);
	proto_end(&c->msg);
	ipc_send(c->sock, &c->msg);
	buf_free(&text);
	c->assigned++;
}

static void
on_stats(struct coord *c, const struct proto_hdr *h, struct proto_rd *rd)
{
	struct wslot *s;
	bool          final = h->type == MSG_RESULT;

	if (h->worker >= c->nw || c->w[h->worker].state == W_SPAWNED) {
		reply(c, MSG_ACK, h->worker, PROTO_F_STOP);
		return;
	}
	s = &c->w[h->worker];
	if (proto_get_stats(rd, &s->cur)) {
		log_err("worker %u sent truncated statistics", h->worker + 1);
		reply(c, MSG_ACK, h->worker, PROTO_F_STOP);
		return;
	}
	snprintf(s->rw.err, sizeof(s->rw.err), "%s", s->cur.err);
	if (s->cur.threads_ok < c->o->concurrency && !c->failed) {
		log_err("worker %u: %u of %llu threads could not start: %s",
			h->worker + 1, (unsigned)(c->o->concurrency -
						  s->cur.threads_ok),
			(unsigned long long)c->o->concurrency,
			s->cur.err[0] ? s->cur.err : "no reason given");
		c->failed = true;
		begin_stop(c, NULL);
	}
	if (final && s->state == W_RUNNING)
		s->state = W_DONE;
	reply(c, MSG_ACK, h->worker, c->stopping ? PROTO_F_STOP : 0);
}

static void
on_error(struct coord *c, const struct proto_hdr *h, struct proto_rd *rd)
{
	char why[256];

	proto_get_str(rd, why, sizeof(why));
	if (h->worker < c->nw && c->w[h->worker].state == W_RUNNING)
		c->w[h->worker].state = W_DEAD;
	log_err("worker %u: %s", h->worker + 1, why);
	c->failed = true;
	begin_stop(c, NULL);
	reply(c, MSG_ACK, h->worker, PROTO_F_STOP);
}

static void
handle(struct coord *c, void *m, size_t len)
{
	struct proto_hdr h;
	struct proto_rd  rd;
	char             err[160];

	if (proto_open(m, len, &h, &rd, err, sizeof(err))) {
		log_err("ignoring a message: %s", err);
		reply(c, MSG_ACK, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	switch (h.type) {
	case MSG_HELLO:
		on_hello(c, &rd);
		break;
	case MSG_STATS:
	case MSG_RESULT:
		on_stats(c, &h, &rd);
		break;
	case MSG_ERROR:
		on_error(c, &h, &rd);
		break;
	default:
		log_err("ignoring a message of unknown type %u", h.type);
		reply(c, MSG_ACK, h.worker, PROTO_F_STOP);
	}
}

/* Notices workers that ended: a worker that dies before its result is
 * reported and fails the run. */
static void
reap(struct coord *c)
{
	int   status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct wslot *s = slot_of_pid(c, pid);

		if (!s)
			continue;
		s->reaped = true;
		if (s->state == W_DONE)
			continue;
		spawn_describe(status, s->rw.fate, sizeof(s->rw.fate));
		if (s->state != W_DEAD)
			log_err("worker %u (pid %d) %s before it delivered its "
				"result",
				s->rw.index + 1, (int)pid, s->rw.fate);
		s->state  = W_DEAD;
		c->failed = true;
		begin_stop(c, NULL);
	}
}

static bool
all_finished(const struct coord *c)
{
	for (unsigned i = 0; i < c->nw; i++)
		if (c->w[i].state != W_DONE && c->w[i].state != W_DEAD)
			return false;
	return true;
}

static void
total(const struct coord *c, struct stats *t)
{
	stats_init(t);
	for (unsigned i = 0; i < c->nw; i++)
		stats_merge(t, &c->w[i].cur.s);
}

/* The main loop: serve messages, tick every second, stop when due. */
static void
run_loop(struct coord *c, struct report_tick *tick)
{
	struct stats *t    = xmalloc(sizeof(*t));
	uint64_t      next = c->t_start + 1000000000ull;
	FILE         *live = c->o->quiet ? NULL : log_info_stream();

	for (;;) {
		void  *m;
		size_t len;
		int    rc = ipc_recv(c->sock, &m, &len);
		double el;

		if (rc == 0) {
			handle(c, m, len);
			nng_free(m, len);
		} else if (rc != NNG_ETIMEDOUT) {
			log_err("coordinator socket: %s", nng_strerror(rc));
			c->failed = true;
			break;
		}
		reap(c);
		el = (now_ns() - c->t_start) / 1e9;
		if (sigint_count && !c->stopping)
			begin_stop(c, "interrupted");
		if (sigint_count > 1 && c->stopping) {
			log_err("interrupted twice: stopping workers now");
			break;
		}
		if (c->o->duration > 0 && el >= c->o->duration)
			begin_stop(c, NULL);
		if (!c->stopping && c->assigned < c->nw &&
		    el > HELLO_TIMEOUT_S) {
			log_err("%u of %u workers did not say hello within "
				"%d s",
				c->nw - c->assigned, c->nw, HELLO_TIMEOUT_S);
			c->failed = true;
			begin_stop(c, NULL);
		}
		if (now_ns() >= next) {
			total(c, t);
			report_tick(tick, el, t, live);
			next += 1000000000ull;
			if (next < now_ns())
				next = now_ns() + 1000000000ull;
		}
		if (c->stopping && all_finished(c))
			break;
		if (c->stopping &&
		    now_ns() - c->t_stop > DRAIN_TIMEOUT_S * 1000000000ull) {
			log_err("workers did not finish within %d s of the "
				"stop",
				DRAIN_TIMEOUT_S);
			c->failed = true;
			break;
		}
	}
	free(t);
}

/* Ends every child that is still there and waits for it. */
static void
finish_children(struct coord *c)
{
	uint64_t deadline = now_ns() + 5000000000ull;

	for (;;) {
		bool left = false;

		reap(c);
		for (unsigned i = 0; i < c->nw; i++)
			left |= c->w[i].pid > 0 && !c->w[i].reaped;
		if (!left)
			return;
		if (now_ns() > deadline) {
			for (unsigned i = 0; i < c->nw; i++) {
				if (c->w[i].pid > 0 && !c->w[i].reaped) {
					kill(c->w[i].pid, SIGKILL);
					if (c->w[i].state != W_DONE)
						c->failed = true;
				}
			}
			deadline = UINT64_MAX;
		}
		sleep_until_ns(now_ns() + 20 * 1000 * 1000);
	}
}

static int
check_shape(const struct tsl_opts *o, char *err, size_t errlen)
{
	uint64_t hosts = (uint64_t)MODEL_HOSTS_PER_UNIT * o->host_scale;
	uint64_t least = hosts / o->processes;

	if (o->processes > hosts) {
		snprintf(err, errlen,
			 "--processes: %llu workers for %llu hosts (host-scale "
			 "%llu): every worker needs at least one host",
			 (unsigned long long)o->processes,
			 (unsigned long long)hosts,
			 (unsigned long long)o->host_scale);
		return -EINVAL;
	}
	if (o->concurrency > least) {
		snprintf(err, errlen,
			 "--concurrency: %llu threads per worker, but a worker "
			 "has only %llu hosts: every thread needs at least one",
			 (unsigned long long)o->concurrency,
			 (unsigned long long)least);
		return -EINVAL;
	}
	return 0;
}

/* Prints the seed's start-up lines: prefix and model summary. */
static int
print_model(const struct tsl_opts *o, struct model *m)
{
	char text[2048];
	int  rc;

	rc = model_build(m, (unsigned)o->host_scale, o->instance_seed, 0, 1);
	if (rc) {
		log_err("cannot build the model");
		return rc;
	}
	log_info("Instance name suffix: %s", m->prefix);
	model_summary(m, o->interval_ms, o->multi, text, sizeof(text));
	fputs(text, log_info_stream());
	fflush(log_info_stream());
	return 0;
}

static uint64_t
pick_seed(void)
{
	uint64_t s = 0;

	while (s == 0)
		if (getrandom(&s, sizeof(s), 0) != sizeof(s))
			s = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
	return s;
}

static int
parse_args(struct tsl_opts *o, unsigned cmd, int argc, char **argv,
	   void (*help)(FILE *))
{
	char err[512];
	int  rc;

	opts_defaults(o);
	rc = opts_parse(o, cmd, argc, (const char *const *)argv, err,
			sizeof(err));
	if (!rc && o->help) {
		help(stdout);
		return 0;
	}
	if (!rc)
		rc = opts_validate(o, cmd, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		return 2;
	}
	return -1;
}

static int
run(struct coord *c, struct report_run *rr)
{
	struct report_tick tick;
	struct sigaction   sa = { .sa_handler = on_sigint };
	char               err[512];
	int                rc;

	c->nw = (unsigned)c->o->processes;
	c->w  = xcalloc(c->nw, sizeof(*c->w));
	for (unsigned i = 0; i < c->nw; i++) {
		struct wslot *s = &c->w[i];

		s->rw.index = i;
		s->rw.s     = &s->cur.s;
		stats_init(&s->cur.s);
		model_shard((uint32_t)(rr->hosts), c->nw, i,
			    &s->rw.first_host, &s->rw.end_host);
	}
	rc = report_open_dir(rr, c->o->results, err, sizeof(err));
	if (!rc)
		rc = report_tick_open(&tick, rr->dir);
	if (rc) {
		log_err("%s", err[0] ? err : strerror(-rc));
		return 1;
	}
	snprintf(c->ipc_path, sizeof(c->ipc_path), "%s/tsload-%d.ipc",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(c->url, sizeof(c->url), "ipc://%s", c->ipc_path);
	unlink(c->ipc_path);
	buf_init(&c->msg, PROTO_MAX_MSG);
	rc = ipc_listen(&c->sock, c->url);
	if (rc) {
		log_err("cannot listen on %s: %s", c->url, nng_strerror(rc));
		report_tick_close(&tick);
		return 1;
	}
	ipc_set_timeout(c->sock, 100);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	c->seed    = c->o->seed ? c->o->seed : pick_seed();
	c->t0_ms   = wall_ms();
	c->t_start = now_ns();
	rr->start_ms = c->t0_ms;
	for (unsigned i = 0; i < c->nw; i++) {
		pid_t pid = spawn_worker(c->url);

		if (pid < 0) {
			log_err("cannot start worker %u: %s", i + 1,
				strerror((int)-pid));
			c->w[i].state = W_DEAD;
			c->failed     = true;
			begin_stop(c, NULL);
			continue;
		}
		c->w[i].pid    = pid;
		c->w[i].rw.pid = (int)pid;
	}
	log_info("run %s: %u worker%s x %llu thread%s, %llu hosts, value "
		 "seed %llu, results in %s",
		 rr->id, c->nw, c->nw == 1 ? "" : "s",
		 (unsigned long long)c->o->concurrency,
		 c->o->concurrency == 1 ? "" : "s",
		 (unsigned long long)rr->hosts, (unsigned long long)c->seed,
		 rr->dir);
	run_loop(c, &tick);
	finish_children(c);
	rr->end_ms = wall_ms();
	rr->secs   = (now_ns() - c->t_start) / 1e9;
	ipc_close(c->sock);
	unlink(c->ipc_path);
	buf_free(&c->msg);
	{
		struct stats *t = xmalloc(sizeof(*t));

		total(c, t);
		report_tick(&tick, rr->secs, t, NULL);
		report_tick_close(&tick);
		rr->total = t;
	}
	return c->failed ? 1 : 0;
}

int
coord_ingest(int argc, char **argv)
{
	struct tsl_opts          o;
	struct coord             c;
	struct report_run        rr;
	struct model             m;
	struct tgt_conf          conf;
	const struct target_ops *ops;
	char                     err[512];
	int                      rc;

	rc = parse_args(&o, CMD_INGEST, argc, argv, usage);
	if (rc >= 0) {
		opts_free(&o);
		return rc;
	}
	ops = target_find(o.target);
	if (ops->flags & TGT_F_STDOUT)
		log_info_to_stderr(true);
	if (print_model(&o, &m)) {
		opts_free(&o);
		return 1;
	}
	if (o.print_summary) {
		model_free(&m);
		opts_free(&o);
		return 0;
	}
	if (check_shape(&o, err, sizeof(err))) {
		log_err("%s", err);
		model_free(&m);
		opts_free(&o);
		return 2;
	}
	conf = (struct tgt_conf){
		.url             = o.target,
		.database        = o.database,
		.table           = o.table,
		.multi           = o.multi,
		.req_id          = !o.add_req_id  ? REQID_NONE
				   : o.req_id_dim ? REQID_DIMENSION
						  : REQID_MEASURE,
		.mem_store_hours = (unsigned)o.mem_hours,
		.mag_store_days  = (unsigned)o.mag_days,
	};
	if (ops->setup && ops->setup(&conf, err, sizeof(err))) {
		log_err("target set-up: %s", err);
		model_free(&m);
		opts_free(&o);
		return 1;
	}

	memset(&c, 0, sizeof(c));
	memset(&rr, 0, sizeof(rr));
	c.o           = &o;
	rr.cmd        = "ingest";
	rr.o          = &o;
	rr.prefix     = m.prefix;
	rr.hosts      = m.total_hosts;
	rr.event_sets = m.total_events;
	rr.series     = model_series_count((unsigned)o.host_scale, o.multi);
	rc            = run(&c, &rr);
	if (rr.total) {
		for (unsigned i = 0; i < c.nw; i++) {
			c.w[i].rw.done = c.w[i].state == W_DONE;
			if (c.w[i].rw.err[0])
				log_warn("worker %u: first error: %s", i + 1,
					 c.w[i].rw.err);
		}
		report_closing(log_info_stream(), rr.total, rr.secs);
		if (rr.total->failed && !rc) {
			log_err("%llu writes failed",
				(unsigned long long)rr.total->failed);
			rc = 1;
		}
		rr.w         = xcalloc(c.nw, sizeof(*rr.w));
		rr.nw        = c.nw;
		rr.exit_code = rc;
		for (unsigned i = 0; i < c.nw; i++)
			rr.w[i] = c.w[i].rw;
		if (report_write_json(&rr))
			log_err("cannot write %s/run.json", rr.dir);
		log_info("results: %s/run.json, %s/timeseries.csv", rr.dir,
			 rr.dir);
		free(rr.w);
		free((void *)rr.total);
	}
	free(c.w);
	model_free(&m);
	opts_free(&o);
	return rc;
}

static void
model_usage(FILE *f)
{
	fprintf(f, "usage: tsload model [options]\n\n"
		   "Prints the perf-scale model summary (as ingest "
		   "--print-model-summary).\n\noptions:\n");
	opts_usage(CMD_MODEL, f);
}

int
coord_model(int argc, char **argv)
{
	struct tsl_opts o;
	struct model    m;
	int             rc = parse_args(&o, CMD_MODEL, argc, argv, model_usage);

	if (rc < 0) {
		rc = print_model(&o, &m) ? 1 : 0;
		if (!rc)
			model_free(&m);
	}
	opts_free(&o);
	return rc;
}

static void
cleanup_usage(FILE *f)
{
	fprintf(f, "usage: tsload cleanup [options]\n\n"
		   "Drops the table (and database, where the target has one) "
		   "that ingest created.\n\noptions:\n");
	opts_usage(CMD_CLEANUP, f);
}

int
coord_cleanup(int argc, char **argv)
{
	struct tsl_opts          o;
	const struct target_ops *ops;
	struct tgt_conf          conf;
	char                     err[512];
	int rc = parse_args(&o, CMD_CLEANUP, argc, argv, cleanup_usage);

	if (rc >= 0) {
		opts_free(&o);
		return rc;
	}
	ops  = target_find(o.target);
	conf = (struct tgt_conf){ .url      = o.target,
				  .database = o.database,
				  .table    = o.table };
	rc   = 0;
	if (!ops->cleanup) {
		log_info("%s: nothing to clean up", ops->name);
	} else if (ops->cleanup(&conf, err, sizeof(err))) {
		log_err("cleanup: %s", err);
		rc = 1;
	} else {
		log_info("dropped table %s of %s", o.table, o.target);
	}
	opts_free(&o);
	return rc;
}
