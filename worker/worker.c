/* worker.c - `tsload worker --connect URL`: joins a coordinator, takes an
 * assignment (a shard of hosts and the run's options), runs the threads of
 * its role (role.h: ingest or query), reports statistics every second and
 * a result at the end.
 * Started by the coordinator (fork+exec) or by hand on another host.
 */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "abandon.h"
#include "auth.h"
#include "clock.h"
#include "ipc.h"
#include "log.h"
#include "opts.h"
#include "proto.h"
#include "role.h"
#include "sigstop.h"
#include "stats_msg.h"
#include "version.h"
#include "xalloc.h"

enum {
	REPLY_TIMEOUT_MS = 10000, /* coordinator silent this long: gone */
	READY_EVERY_NS   = 20 * 1000 * 1000, /* joined: ask for the start */
	REPORT_EVERY_NS  = 1000 * 1000 * 1000,
	WATCH_EVERY_NS   = 50 * 1000 * 1000, /* coordinator-loss checks */
};

static volatile sig_atomic_t got_signal;
/* The connection to the coordinator closed (set by nng's pipe event),
 * and the watcher's verdict that the coordinator is gone. */
static atomic_bool pipe_lost, coord_gone, pipe_up;

static void
on_signal(int sig)
{
	got_signal = sig;
}

struct worker {
	nng_socket             sock;
	struct buf             msg;
	uint32_t               index; /* within the role, for names */
	uint32_t               slot;  /* coordinator's id, for headers */
	struct proto_assign    as;
	struct tsl_opts        o;
	struct tgt_conf        conf;
	const struct role_ops *role; /* NULL until the options are read */
	struct role_run        run;
	const char            *url;   /* the coordinator's */
	const char            *token; /* --token, TSLOAD_TOKEN; "" = none */
	uint32_t want; /* --shard-index, JOB_COMPLETION_INDEX, or PROTO_ANY */
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
		if (!atomic_load(&coord_gone))
			log_err("no answer from the coordinator: %s",
			    nng_strerror(rc));
		return -EIO;
	}
	if (proto_open(*reply, *len, &h, rd, err, sizeof(err))) {
		log_err("bad message from the coordinator: %s", err);
		nng_free(*reply, *len);
		return -EPROTO;
	}
	if (h.type == MSG_REFUSE) {
		char why[256], shown[300];

		proto_get_str(rd, why, sizeof(why));
		log_escape(shown, sizeof(shown), why, strlen(why), 250);
		log_err("refused by the coordinator at %s: %s", w->url, shown);
		nng_free(*reply, *len);
		return -EACCES;
	}
	if (h.type == MSG_ACK && (h.flags & PROTO_F_STOP)
	    && want == MSG_ASSIGN) {
		/* The run stopped while this worker started: nothing to do. */
		nng_free(*reply, *len);
		return -ECANCELED;
	}
	/* Joining over tcp://: a challenge, or "wait for the start". */
	if (want == MSG_ASSIGN
	    && (h.type == MSG_CHALLENGE
	        || (h.type == MSG_ACK && (h.flags & PROTO_F_WAIT))))
		return h.type == MSG_CHALLENGE ? PROTO_F_CHALLENGE
		                               : PROTO_F_WAIT;
	if (h.type != want) {
		log_err("coordinator answered message type %u, expected %u",
		    h.type, (unsigned)want);
		nng_free(*reply, *len);
		return -EPROTO;
	}
	return h.flags;
}

/* Answers the coordinator's challenge (auth.h): checks its proof, then
 * sends the response, or says why not (no token, its proof is wrong) so
 * that the coordinator can say so too. The reply to that is the next
 * step's (wait, ASSIGN or REFUSE). */
static int
answer(struct worker *w, const struct proto_hello *hello, struct proto_rd *rd,
    void **reply, size_t *len)
{
	uint8_t     nonce[AUTH_NONCE_LEN], proof[AUTH_MAC_LEN];
	uint8_t     want[AUTH_MAC_LEN], mac[AUTH_MAC_LEN] = { 0 };
	char        id[100];
	const char *note = "";

	proto_get_bytes(rd, nonce, sizeof(nonce));
	proto_get_bytes(rd, proof, sizeof(proof));
	nng_free(*reply, *len);
	if (!w->token[0]) {
		note = "no-token";
		log_err(
		    "the coordinator at %s asks for the run's token: give --token or TSLOAD_TOKEN",
		    w->url);
	} else {
		auth_proof(w->token, hello->nonce, want);
		if (!auth_equal(proof, want)) {
			note = "bad-proof";
			log_err(
			    "the coordinator at %s does not hold this worker's token (wrong token)",
			    w->url);
		}
	}
	if (!note[0]) {
		snprintf(id, sizeof(id), "%s:%u", hello->host, hello->pid);
		auth_response(w->token, nonce, id, mac);
	}
	proto_begin(&w->msg, MSG_AUTH, UINT32_MAX, 0);
	proto_put_bytes(&w->msg, mac, sizeof(mac));
	proto_put_str(&w->msg, note);
	proto_end(&w->msg);
	return note[0] ? -EACCES : 0;
}

static int
say_hello(struct worker *w)
{
	struct proto_hello hello
	    = { .pid = (uint32_t)getpid(), .want = w->want };
	struct proto_rd rd;
	void           *reply;
	size_t          len;
	int             rc;

	gethostname(hello.host, sizeof(hello.host) - 1);
	snprintf(hello.version, sizeof(hello.version), "%s", TSLOAD_VERSION);
	if (auth_nonce(hello.nonce))
		return -EIO;
	proto_begin(&w->msg, MSG_HELLO, UINT32_MAX, 0);
	proto_put_hello(&w->msg, &hello);
	proto_end(&w->msg);
	rc = exchange(w, MSG_ASSIGN, &rd, &reply, &len);
	if (rc == PROTO_F_CHALLENGE) {
		int bad = answer(w, &hello, &rd, &reply, &len);

		/* refused at once, or the coordinator says why next */
		rc = exchange(w, MSG_ASSIGN, &rd, &reply, &len);
		if (bad && rc >= 0) {
			nng_free(reply, len);
			rc = bad;
		}
	}
	/* Joined: ask for the start until every remote worker is there. */
	while (rc == PROTO_F_WAIT && !got_signal) {
		nng_free(reply, len); /* the "wait" answer carries nothing */
		sleep_until_ns(now_ns() + READY_EVERY_NS);
		proto_begin(&w->msg, MSG_READY, UINT32_MAX, 0);
		proto_end(&w->msg);
		rc = exchange(w, MSG_ASSIGN, &rd, &reply, &len);
	}
	if (rc == PROTO_F_WAIT) {
		nng_free(reply, len);
		return -ECANCELED; /* a signal while waiting */
	}
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

/* Sums the threads' statistics into m. */
static void
collect(struct worker *w, struct proto_stats *m)
{
	memset(m, 0, sizeof(*m));
	stats_init(&m->s);
	for (unsigned k = 0; k < PROTO_TARGETS_MAX; k++)
		stats_init(&m->tgt[k].s);
	w->role->collect(&w->run, m);
}

static double
tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + tv->tv_usec / 1e6;
}

/* Sends STATS (or the final RESULT); returns the reply flags or < 0. */
static int
report(struct worker *w, enum proto_type type, struct proto_stats *m)
{
	struct proto_rd rd;
	void           *reply;
	size_t          len;
	int             rc;

	collect(w, m);
	proto_begin(&w->msg, type, w->slot, 0);
	proto_put_stats(&w->msg, m);
	if (type == MSG_RESULT) {
		struct rusage ru;

		/* what this process used, for a coordinator on another host
		 * (a local one has wait4's figures) */
		getrusage(RUSAGE_SELF, &ru);
		proto_put_f64(
		    &w->msg, tv_s(&ru.ru_utime) + tv_s(&ru.ru_stime));
		proto_put_u64(&w->msg, (uint64_t)ru.ru_maxrss);
	}
	if (type == MSG_RESULT && w->role->put_result)
		w->role->put_result(&w->run, &w->msg);
	proto_end(&w->msg);
	rc = exchange(w, MSG_ACK, &rd, &reply, &len);
	if (rc >= 0)
		nng_free(reply, len);
	return rc;
}

static int
setup_run(struct worker *w)
{
	char err[256];
	int  rc;

	opts_defaults(&w->o);
	rc = opts_parse_text(
	    &w->o, CMD_WORKER, w->as.options, err, sizeof(err));
	if (!rc)
		rc = opts_validate(&w->o, CMD_WORKER, err, sizeof(err));
	if (rc) {
		log_err("assignment options: %s", err);
		return rc;
	}
	if (!(w->role = role_find(w->o.role))) {
		log_err("assignment options: --role: unknown role \"%s\"",
		    w->o.role);
		return -EINVAL;
	}
	for (unsigned k = 0; k < opts_n_targets(&w->o); k++)
		if (target_find(opts_target(&w->o, k))->flags & TGT_F_STDOUT)
			log_info_to_stderr(true);
	w->conf = opts_tgt_conf(&w->o);
	w->run  = (struct role_run) {
		 .o    = &w->o,
		 .as   = &w->as,
		 .conf = &w->conf,
		 .nth  = w->as.threads,
	};
	return w->role->setup(&w->run);
}

static void
join_threads(struct worker *w)
{
	/* What is still in flight after a short grace is abandoned. */
	abandon_at(now_ns() + ABANDON_GRACE_MS * 1000000ull);
	w->role->stop(&w->run);
	w->role->join(&w->run);
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
		while (!got_signal && !past_deadline(w)
		    && !w->role->finished(&w->run) && !atomic_load(&coord_gone)
		    && now_ns() < next)
			sleep_until_ns(now_ns() + 20 * 1000 * 1000 < next
			        ? now_ns() + 20 * 1000 * 1000
			        : next);
		if (past_deadline(w) || w->role->finished(&w->run))
			break;
	}
	free(m);
	if (atomic_load(&coord_gone))
		return -EPIPE;
	return rc < 0 ? rc : 0;
}

/* Watches for a lost coordinator (its connection closed, this process
 * re-parented, or a local coordinator's pid gone): then requests in flight
 * are abandoned at once and the socket is closed, which ends any wait
 * for a reply, so the worker exits instead of waiting 10 s. Also runs
 * the abandon hooks once the stop's grace is over. */
struct watch {
	nng_socket  sock;
	pid_t       coord;  /* a local coordinator's pid, from its URL */
	bool        parent; /* it started this worker */
	atomic_bool done;
	pthread_t   tid;
	bool        started;
};

static void *
watch_main(void *arg)
{
	struct watch *wt = arg;

	while (!atomic_load(&wt->done)) {
		if (!atomic_load(&coord_gone)
		    && (atomic_load(&pipe_lost)
		        || (wt->parent && getppid() != wt->coord)
		        || (wt->coord && kill(wt->coord, 0)
		            && errno == ESRCH))) {
			atomic_store(&coord_gone, true);
			abandon_at(now_ns());
			log_err("the coordinator is gone: stopping now");
			ipc_close(wt->sock);
		}
		abandon_poll(); /* e.g. cancel PostgreSQL queries in flight */
		sleep_until_ns(now_ns() + WATCH_EVERY_NS);
	}
	return NULL;
}

/* A worker on another host may start before its coordinator (pods start
 * in any order): it waits for the connection as long as it takes, saying
 * so once, until a signal. @return 0, or -ECANCELED on a signal. */
static int
wait_for_coordinator(const char *url, const atomic_bool *up)
{
	uint64_t said = now_ns() + 2000000000ull;

	while (!atomic_load(up)) {
		if (got_signal)
			return -ECANCELED;
		if (said && now_ns() > said) {
			log_info("waiting for the coordinator at %s", url);
			said = 0;
		}
		sleep_until_ns(now_ns() + 20 * 1000 * 1000);
	}
	return 0;
}

/* A local coordinator's pid, from its socket ipc://DIR/tsload-PID.ipc;
 * 0 for any other URL. */
static pid_t
coordinator_pid(const char *url)
{
	const char *p = strrchr(url, '/');
	int         pid;
	char        tail[8];

	if (strncmp(url, "ipc://", 6) || !p
	    || sscanf(p, "/tsload-%d.ip%7s", &pid, tail) != 2
	    || strcmp(tail, "c") || pid <= 0)
		return 0;
	return (pid_t)pid;
}

static void
watch_start(struct watch *wt, nng_socket sock, const char *url)
{
	memset(wt, 0, sizeof(*wt));
	wt->sock   = sock;
	wt->coord  = coordinator_pid(url);
	wt->parent = wt->coord && wt->coord == getppid();
	atomic_init(&wt->done, false);
	ipc_watch_lost(sock, &pipe_lost);
	wt->started = pthread_create(&wt->tid, NULL, watch_main, wt) == 0;
}

static void
watch_stop(struct watch *wt)
{
	atomic_store(&wt->done, true);
	if (wt->started)
		pthread_join(wt->tid, NULL);
}

/* INT, TERM (also sent by PR_SET_PDEATHSIG) and HUP make the worker
 * stop, flush and deliver its result. */
static void
catch_signals(void)
{
	sigstop_catch(on_signal);
}

/* Frees the coordinator's URL and the token, wiping the secret. */
static void
forget(char *url, char *token)
{
	if (token)
		explicit_bzero(token, strlen(token));
	free(token);
	free(url);
}

int
worker_main(int argc, char **argv)
{
	struct worker       w;
	struct watch        watch;
	struct proto_stats *m;
	char                err[256], who[48], *url = NULL, *token = NULL;
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
			    "%s (usage: tsload worker --connect URL [--token SECRET] [--shard-index I])",
			    err);
		else /* tsload worker --help is main.c's */
			printf(
			    "usage: tsload worker --connect URL [--token SECRET] [--shard-index I]\n");
		opts_free(&w.o);
		return rc ? 2 : 0;
	}
	catch_signals();
	w.url = url = xstrdup(w.o.connect);
	w.token = token = xstrdup(w.o.token);
	w.want = opts_given(&w.o, "shard-index") ? (uint32_t)w.o.shard_index
	                                         : PROTO_ANY;

	buf_init(&w.msg, PROTO_MAX_MSG);
	rc = ipc_dial(&w.sock, w.o.connect, REPLY_TIMEOUT_MS, &pipe_up);
	if (rc) {
		log_err("cannot reach coordinator %s: %s", w.o.connect,
		    nng_strerror(rc));
		buf_free(&w.msg);
		opts_free(&w.o);
		return 1;
	}
	watch_start(&watch, w.sock, w.o.connect);
	opts_free(&w.o);
	rc = strncmp(url, "ipc://", 6) ? wait_for_coordinator(url, &pipe_up)
	                               : 0;
	if (!rc)
		rc = say_hello(&w);
	if (rc == -ECANCELED || rc == -EACCES) {
		/* stopped before it began (a clean end), or refused (said) */
		watch_stop(&watch);
		ipc_close(w.sock);
		buf_free(&w.msg);
		forget(url, token);
		return rc == -EACCES ? 1 : 0;
	}
	if (!rc) {
		snprintf(who, sizeof(who), "tsload worker %u", w.index + 1);
		log_set_who(who);
		rc = setup_run(&w);
		if (w.role) {
			snprintf(who, sizeof(who), "%s %u", w.role->who,
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
		if (w.role)
			w.role->destroy(&w.run);
		proto_assign_free(&w.as);
		opts_free(&w.o);
		watch_stop(&watch);
		ipc_close(w.sock);
		buf_free(&w.msg);
		forget(url, token);
		return 1;
	}

	/* the coordinator's --worker-timeout bounds its silence too */
	if (w.o.worker_timeout * 1000 > REPLY_TIMEOUT_MS)
		ipc_set_timeout(w.sock, (int)(w.o.worker_timeout * 1000));
	w.role->start(&w.run);
	rc = report_loop(&w);
	join_threads(&w);
	m = xmalloc(sizeof(*m));
	if (rc == 0)
		rc = report(&w, MSG_RESULT, m) < 0 ? -EIO : 0;
	else
		collect(&w, m);
	if (rc)
		log_err(
		    "result not delivered: %llu records written by this worker",
		    (unsigned long long)m->s.records);
	free(m);

	w.role->destroy(&w.run);
	proto_assign_free(&w.as);
	opts_free(&w.o);
	watch_stop(&watch);
	ipc_close(w.sock);
	buf_free(&w.msg);
	forget(url, token);
	return rc ? 1 : 0;
}
