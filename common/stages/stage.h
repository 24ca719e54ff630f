/* stage.h - what happens to a batch between the ingest loop and the
 * target: a chain of stages, each taking a batch in and handing batches
 * on to the next; the chain ends at the thread's target.
 *
 * A stage is an ops table registered in stage.c (pass; spool; cluster,
 * which ends a chain in place of a target whose URL names several hosts):
 * a new stage is one file here plus one line there.
 *
 * Who calls what: each writing thread builds its own chain (no stage is
 * shared between threads) with stage_chain_open: the ingest thread with
 * one target; with several (fan-out, worker/fanout.h), each target's
 * writer thread, one chain per target. ->write for every batch, which may
 * block as the target's write does; ->spill for a batch the caller gave
 * up on after its retries; ->flush once when the run ends (a spool sends
 * what it holds); ->fini once at the end (stage_chain_close).
 *
 * Where a spool goes: in front of one target's chain, so in
 * stage_chain_open: spool (-> the target) or spool -> cluster (-> its
 * hosts); with fan-out each target's writer opens its own chain with its
 * own stage_conf, so each target gets its own spool. The batch belongs to
 * the caller and is valid only during ->write: a stage that keeps it must
 * copy it.
 */
#ifndef TSL_STAGE_H
#define TSL_STAGE_H

#include <stdatomic.h>
#include <stdbool.h>

#include "target.h"

/* Settings of the stages in front of one target (one thread's chain).
 * Zero: no spool. */
struct stage_conf {
	/* spool (spool.c): this chain's own directory, NULL or "": none */
	const char *spool_dir;
	uint64_t    spool_max;  /* bytes of it, at most */
	uint8_t     spool_full; /* enum spool_full (spool.h) */
	bool        spool_sync; /* fdatasync every append */
	/* what the spool's records depend on (model settings, host range):
	 * a spool written with another text is refused */
	const char         *ident;
	const struct model *model; /* samples name their series in it */
	uint64_t max_retries;      /* probes of a down target at the end */
	const atomic_bool *stop;   /* the run is stopping */
};

/* What the stages of a chain did besides handing batches on, cumulative
 * (records, as struct batch counts them): read with stage_counts(). */
struct stage_counts {
	uint64_t spooled;         /* records kept in the spool */
	uint64_t replayed;        /* spooled records the target took */
	uint64_t replayed_points; /* their measure values */
	uint64_t replay_rejected; /* spooled records it refused one by one */
	uint64_t replay_failed;   /* spooled records of refused batches */
	uint64_t dropped;         /* records a full spool dropped */
	uint64_t corrupt;         /* spooled records failing their checksum */
	uint64_t corrupt_spans;   /* damaged spans (record count unknown) */
	uint64_t start;           /* records in the spool when opened */
	uint64_t left;            /* records in the spool now */
	uint64_t bytes;           /* bytes of the spool now */
	uint64_t blocked;         /* appends that waited for a full spool */
};

struct stage {
	const struct stage_ops  *ops;
	void                    *priv; /* the stage's own, from ->init */
	struct stage            *next; /* NULL: the last, writing to ctx */
	struct tgt_ctx          *ctx;  /* the target the chain ends at */
	const struct stage_conf *conf; /* never NULL after init */
	bool                     own;  /* next was allocated by
	                                  stage_chain_open */
};

struct stage_ops {
	const char *name;
	const char *help; /* one line for the docs */
	/* Sets up priv. May be NULL. 0, or -errno with the reason in
	 * s->ctx->err. */
	int (*init)(struct stage *s);
	/* Takes one batch; returns the outcome of handing it on (as the
	 * target's ->write: TGT_OK, TGT_RETRY, ...). */
	enum tgt_status (*write)(struct stage *s, const struct batch *b);
	/* Takes a batch the caller gave up on after its retries (still
	 * busy or unreachable): TGT_SPOOLED when kept (or dropped by a full
	 * spool, counted), else the outcome to count. May be NULL. */
	enum tgt_status (*spill)(struct stage *s, const struct batch *b);
	/* The run ends: hands on some of what the stage holds (a spool:
	 * a batch, or a probe of a target that is down). true while there
	 * is more to try; the caller calls it again (updating its counts in
	 * between). May be NULL. */
	bool (*flush)(struct stage *s);
	/* Adds the stage's counts to c. May be NULL. */
	void (*counts)(struct stage *s, struct stage_counts *c);
	/* Frees priv. May be NULL. */
	void (*fini)(struct stage *s);
};

extern const struct stage_ops stage_pass;
extern const struct stage_ops stage_cluster;
extern const struct stage_ops stage_spool;

/** The registered stages, NULL-terminated. */
const struct stage_ops *const *stage_list(void);
/** The stage named name, or NULL. */
const struct stage_ops *stage_find(const char *name);
/** Whether an ops table has its mandatory members. */
bool stage_ops_valid(const struct stage_ops *ops);

/** Hands b on from stage s: to the next stage, or to the target. */
enum tgt_status stage_forward(struct stage *s, const struct batch *b);
/** Makes s a one-stage chain of ops ending at ctx, with settings conf
 *  (NULL: none; kept, so it must outlive the chain). @return ->init's. */
int stage_chain_init(struct stage *s, const struct stage_ops *ops,
    struct tgt_ctx *ctx, const struct stage_conf *conf);
/** Offers b, given up on after its retries, to the chain's stages (the
 *  first with ->spill takes it); TGT_FAIL when none does. */
enum tgt_status stage_spill(struct stage *s, const struct batch *b);
/** One step of every stage's ->flush, first to last: true while one of
 *  them has more to try. */
bool stage_chain_flush(struct stage *s);
/** The chain's counts (zero without a spool). */
void stage_chain_counts(struct stage *s, struct stage_counts *c);
/** Writes b through the chain that starts at s. */
static inline enum tgt_status
stage_write(struct stage *s, const struct batch *b)
{
	return s->ops->write(s, b);
}
/** Ends every stage of the chain. */
void stage_chain_fini(struct stage *s);
/** Connects ctx (->conf, ->ops set) and builds its chain in s: a URL of
 *  one host gets ->init and the pass stage; a cluster URL (cluster.h)
 *  gets the cluster stage, which connects one ctx per host (ctx itself
 *  stays unconnected). With conf->spool_dir set, a spool stage goes in
 *  front (spool -> the target, spool -> cluster). conf (NULL: none) is
 *  kept and must outlive the chain. @return 0, or -errno with the reason
 *  in ctx->err; stage_chain_close is called either way. */
int stage_chain_open(
    struct stage *s, struct tgt_ctx *ctx, const struct stage_conf *conf);
/** Ends the chain of s and closes ctx (after stage_chain_open). */
void stage_chain_close(struct stage *s, struct tgt_ctx *ctx);

#endif
