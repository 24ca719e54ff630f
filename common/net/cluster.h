/* cluster.h - a target URL naming several hosts of the same kind, and the
 * health of each: which host takes the next batch, when a failed one is
 * taken out, probed again and put back.
 *
 * "vm://h1:8428,h2:8428/?db=x&balance=hash" is a cluster of two hosts;
 * each host is written through a URL of its own ("vm://h1:8428/?db=x"),
 * so a target needs no cluster code: the cluster stage (stages/) connects
 * one target per host. Balance: rr (the default) hands whole batches to
 * the hosts in turn; hash sends each series to the host its name hashes
 * to, so a series stays on one host while that host is up.
 *
 * A host that cannot be reached is taken out; its batches move to the
 * next host that is up. It is probed again after a backoff (100 ms,
 * doubling to 5 s) by the next batch meant for it, and put back when that
 * write goes through. While one host is up, no batch fails for a dead
 * host.
 */
#ifndef TSL_CLUSTER_H
#define TSL_CLUSTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CLUSTER_HOSTS_MAX = 8,
	CLUSTER_URL_MAX   = 1024,
	CLUSTER_NAME_MAX  = 64,
};

enum cluster_balance { CLUSTER_RR = 0, CLUSTER_HASH = 1 };

/* The health of one host: the one implementation of "taken out, probed
 * again, put back", used by the cluster stage and by the HTTP client's
 * own host list (http.h). */
struct host_health {
	bool     down;
	uint64_t down_since_ns; /* now_ns() when it was taken out */
	uint64_t probe_ns;      /* down: when it may be tried again */
	unsigned fails;         /* failures in a row: the backoff step */
};

/** The first of the n hosts of h, in turn from `first`, that is up or
 *  due for its probe at now; -1 when none is. */
int health_pick(
    const struct host_health *h, unsigned n, unsigned first, uint64_t now);
/** Of the n hosts of h, the one whose probe comes first. */
unsigned health_soonest(const struct host_health *h, unsigned n);
/** The host took a request: up (again). */
void health_up(struct host_health *h);
/** The host failed at now: out until now + hold_ns, or with hold_ns 0
 *  for a backoff of 100 ms doubling up to 5 s with each failure in a
 *  row; down_since_ns stays that of the first. */
void health_down(struct host_health *h, uint64_t now, uint64_t hold_ns);

struct cluster_host {
	char url[CLUSTER_URL_MAX];   /* naming this host alone */
	char name[CLUSTER_NAME_MAX]; /* "h1:8428", for messages */
};

struct cluster {
	struct cluster_host  h[CLUSTER_HOSTS_MAX];
	struct host_health   hl[CLUSTER_HOSTS_MAX]; /* of h[i] */
	unsigned             n;
	unsigned             next; /* rr: the host of the next batch */
	enum cluster_balance bal;
};

/* A thread's cluster as the reporter sees it (atomics: written by the
 * thread that writes, read by the one that reports). */
struct cluster_pub {
	_Atomic unsigned n;
	char             name[CLUSTER_HOSTS_MAX][CLUSTER_NAME_MAX];
	_Atomic uint64_t batches[CLUSTER_HOSTS_MAX]; /* written there */
	_Atomic uint64_t moved[CLUSTER_HOSTS_MAX];   /* moved away from it */
	_Atomic uint64_t downs[CLUSTER_HOSTS_MAX];   /* times taken out */
	_Atomic int64_t  down_ms[CLUSTER_HOSTS_MAX]; /* wall ms since it is
	                                                out; 0: up */
};

/** How many hosts url names (1 for a URL without "//" or without
 *  commas in its host part). */
unsigned cluster_count(const char *url);
/** Splits url into one URL per host (each without the balance
 *  parameter) and reads ?balance=rr|hash. A URL of one host gives n = 1.
 *  @return 0, or -EINVAL with a one-line reason in err. */
int cluster_parse(
    struct cluster *c, const char *url, char *err, size_t errlen);
/** url without its balance= parameter, into out (what a target checks).
 *  @return 0 or -ENOSPC. */
int cluster_strip(const char *url, char *out, size_t n);

/** The host for the next batch (rr) or for a series of hash key (hash):
 *  the preferred host (into *pref), or the next one after it that is up
 *  or due for a probe. -1 when every host is out and none is due. */
int cluster_pick(
    struct cluster *c, uint64_t key, uint64_t now, unsigned *pref);
/** Whether url asks for the cluster stage: several hosts, or a
 *  balance= parameter. */
bool cluster_wanted(const char *url);
/** Host i took a write: it is up (again). */
void cluster_up(struct cluster *c, unsigned i);
/** Host i could not be reached at now: out until its next probe. */
void cluster_down(struct cluster *c, unsigned i, uint64_t now);
/** The soonest probe time of the hosts that are out (UINT64_MAX: none). */
uint64_t cluster_next_probe(const struct cluster *c);

/** FNV-1a of a series' name bytes and kind: the hash balance's key. */
uint64_t cluster_key(const char *name, size_t len, unsigned kind);

#endif
