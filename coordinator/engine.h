/* engine.h - the coordinator's machinery, shared by ingest, query and run:
 * spawn workers, hand out assignments over nng, collect their statistics
 * every second, stop on --duration, a signal (INT, TERM, HUP), a closed
 * stdout or a dead worker, and drain.
 *
 * A slot is one worker process with a role (ingest or query). The
 * subcommands fill the slots, call engine_run(), then read the totals.
 */
#ifndef TSL_ENGINE_H
#define TSL_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc.h"
#include "opts.h"
#include "proto.h"
#include "stats_msg.h"
#include "report.h"
#include "schedule.h"
#include "thresholds.h"

enum role { ROLE_INGEST = 0, ROLE_QUERY = 1, ROLE_N };

/* A local slot starts SPAWNED; a remote one WAITING for a worker to
 * join at --listen, then JOINED (authenticated, waiting for the start). */
enum slot_state {
	SLOT_SPAWNED,
	SLOT_RUNNING,
	SLOT_DONE,
	SLOT_DEAD,
	SLOT_WAITING,
	SLOT_JOINED,
};

struct slot {
	enum slot_state state;
	enum role       role;
	unsigned        rindex; /* 0-based index within its role */
	uint32_t        first_host, end_host; /* ingest shard */
	uint32_t        threads;
	pid_t           pid;
	bool            remote;   /* joins over --listen (tcp://) */
	uint32_t        pipe;     /* remote: its connection */
	char            addr[64]; /* remote: its address, "10.0.0.2:41234" */
	bool            reaped;
	bool            died;    /* ended before its result */
	int64_t         last_ms; /* wall time of its last report */
	char            host[64];
	char            fate[128]; /* how it ended, when it died */
	struct proto_stats cur;    /* latest cumulative totals */
	void              *extra;  /* role payload of the RESULT */
	size_t             extra_len;
	double             cpu_s;     /* user + sys, from wait4 */
	long               maxrss_kb; /* peak resident set */
};

struct engine {
	const struct tsl_opts *o;
	unsigned               cmd; /* CMD_INGEST, CMD_QUERY or CMD_RUN */
	struct slot           *slot;
	unsigned               n;
	unsigned               per_role[ROLE_N];
	const char            *dir; /* results/<run-id> */
	uint64_t planned[ROLE_N];   /* queries planned, 0 = open-ended */
	/* set by engine_run */
	bool     failed;
	double   secs;
	int64_t  start_ms, end_ms;
	uint64_t seed;
	double   cpu_s[ROLE_N]; /* workers' CPU seconds */
	double   coord_cpu_s;   /* the coordinator's own */
	long     maxrss_kb;     /* coordinator + all workers */
	/* open loop: the schedule (as the workers read it) and each role's
	 * rate (rate[r].s NULL: closed loop) */
	struct sched       sched;
	struct report_rate rate[ROLE_N];
	struct thr_set     thr; /* --threshold, --abort-on-fail */
	/* private */
	nng_socket          sock;
	char                url[160];
	char                ipc_path[128];
	struct buf          msg;
	uint32_t            tcp_listener; /* --listen's, 0 = none */
	struct ipc_gone     gone;         /* connections that closed */
	struct engine_pend *pend;         /* remote workers challenged */
	unsigned            n_pend;
	unsigned            n_remote;
	bool               started; /* the run began (remote workers joined) */
	bool               stopping;
	int                sigs_seen; /* signals acted on */
	bool               forced;    /* stop without waiting for results */
	unsigned           assigned;
	uint64_t           t_start, t_stop;
	struct report_tick tick[ROLE_N];
	/* fan-out: timeseries-target-N.csv, one per target */
	struct report_tick ttick[OPTS_TARGETS_MAX];
	struct httpsrv    *metrics;          /* --metrics-port, or NULL */
	bool               told_err[ROLE_N]; /* first error said */
	uint64_t           tgt_last_rec[OPTS_TARGETS_MAX]; /* fan-out rates */
	double             tgt_last_t;
};

/** Fan-out: the totals of target k (0-based) over the ingest workers, and
 *  the TGT_STATE_BITs they saw. */
void engine_total_target(
    const struct engine *e, unsigned k, struct stats *t, uint32_t *state);
/** The hosts of the cluster of target k (0-based, fan-out) or of the one
 *  target (k < 0), merged over the ingest workers (n = 0: no cluster). */
void engine_hosts(const struct engine *e, int k, struct proto_hosts *h);
/** Fan-out: the first error a worker kept for target k ("" if none). */
void engine_target_err(
    const struct engine *e, unsigned k, char *err, size_t n);
/** Makes SIGINT, SIGTERM and SIGHUP ask for a drain (the third forces
 *  the stop) and ignores SIGPIPE. Called first thing by the run commands,
 *  so a signal during set-up gives an empty, clean run. */
void engine_catch_signals(void);
/** Prepares an engine for options o and subcommand cmd. */
void engine_init(
    struct engine *e, const struct tsl_opts *o, unsigned cmd, const char *dir);
/** Adds `local` workers of a role that the coordinator starts and
 *  `remote` ones that join at --listen, with `threads` threads each;
 *  ingest workers get contiguous shards of `hosts`, the local ones
 *  first. */
void engine_add(struct engine *e, enum role role, unsigned local,
    unsigned remote, uint32_t threads, uint32_t hosts);
/** The same for ingest workers sharing hosts [first_host, end_host) of
 *  the model (--id-start, --id-end): contiguous shards of that range. */
void engine_add_range(struct engine *e, enum role role, unsigned local,
    unsigned remote, uint32_t threads, uint32_t first_host, uint32_t end_host);
/** Runs the workers to the end. @return 0, or 1 when the run failed (the
 *  reasons were printed). Totals stay in the slots. */
int engine_run(struct engine *e);
/** Sums the statistics of every slot of a role. */
void engine_total(const struct engine *e, enum role role, struct stats *t);
/** Frees the engine; with --metrics-port, first serves the final figures
 *  --metrics-linger seconds more (a signal ends that early). */
void engine_free(struct engine *e);

#endif
