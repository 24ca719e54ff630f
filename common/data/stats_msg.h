/* stats_msg.h - a worker's totals as they travel to the coordinator in
 * STATS and RESULT messages (proto.h): counters, sums and the non-empty
 * histogram buckets, cumulative, so a repeated message is harmless.
 */
#ifndef TSL_STATS_MSG_H
#define TSL_STATS_MSG_H

#include <stdint.h>

#include "cluster.h"
#include "proto.h"
#include "stats.h"

/* Totals of a worker; `threads_ok` threads started, `state` the
 * TGT_STATE_BITs (target.h) of its threads' last write outcomes (a fatal
 * or closed one asks the coordinator to stop the run), `err` the first
 * error message seen (empty if none), or the reason to stop. */
/* In proto_stats.state besides the TGT_STATE_BITs: a file of the
 * worker's log directory could not be written (the run fails). */
enum { PROTO_S_FILE_ERR = 1u << 16 };

/* Fan-out (--target repeated): at most this many targets, each with its
 * own figures. */
enum { PROTO_TARGETS_MAX = 8 };

/* A cluster target's hosts (cluster.h), merged over threads and
 * workers: batches and moves add up; a host is down while any thread has
 * it out, since the earliest such time. */
struct proto_host {
	char     name[CLUSTER_NAME_MAX];
	uint64_t batches, moved, downs;
	int64_t  down_ms; /* wall ms since it is out; 0: up */
};
struct proto_hosts {
	uint32_t          n; /* 0: not a cluster */
	struct proto_host h[CLUSTER_HOSTS_MAX];
};

/* One target of a fan-out: what its writers did, its TGT_STATE_BITs and
 * its first error. */
struct proto_tgt {
	struct stats       s;
	uint32_t           state;
	char               err[256];
	struct proto_hosts hosts;
};

struct proto_stats {
	struct stats s;
	uint32_t     threads_ok;
	uint32_t     state;
	char         err[256];
	/* --batch-size auto: the smallest and largest records per batch its
	 * threads write now (0: fixed sizes) */
	uint32_t           batch_min, batch_max;
	struct proto_hosts hosts; /* one target: its cluster's hosts */
	/* fan-out: per target (s above is their sum); 0 with one target */
	uint32_t         n_tgt;
	struct proto_tgt tgt[PROTO_TARGETS_MAX];
};

/** Adds the hosts of one thread's cluster to dst. */
void proto_hosts_add_pub(struct proto_hosts *dst, const struct cluster_pub *p);
/** Adds src (a worker's) to dst (the run's). */
void proto_hosts_add(struct proto_hosts *dst, const struct proto_hosts *src);

/** Stats go as counters, sums and the non-empty histogram buckets. */
void proto_put_stats(struct buf *b, const struct proto_stats *m);
int  proto_get_stats(struct proto_rd *rd, struct proto_stats *m);

#endif
