/* stage.h - what happens to a batch between the ingest loop and the
 * target: a chain of stages, each taking a batch in and handing batches
 * on to the next; the chain ends at the thread's target.
 *
 * A stage is an ops table registered in stage.c (pass; cluster, which
 * ends a chain in place of a target whose URL names several hosts; a disk
 * spool is to come): a new stage is one file here plus one line there.
 *
 * Who calls what: each writing thread builds its own chain (no stage is
 * shared between threads) with stage_chain_open: the ingest thread with
 * one target; with several (fan-out, worker/fanout.h), each target's
 * writer thread, one chain per target. ->write for every batch, which may
 * block as the target's write does; ->fini once at the end
 * (stage_chain_close).
 *
 * Where a spool goes: in front of one target's chain, so in
 * stage_chain_open: spool -> pass (-> the target) or spool -> cluster
 * (-> its hosts); with fan-out each target's writer opens its own chain,
 * so each target gets its own spool. The batch belongs to the caller and is
 * valid only during ->write: a stage that keeps it must copy it.
 */
#ifndef TSL_STAGE_H
#define TSL_STAGE_H

#include <stdbool.h>

#include "target.h"

struct stage {
	const struct stage_ops *ops;
	void                   *priv; /* the stage's own, from ->init */
	struct stage           *next; /* NULL: the last, writing to ctx */
	struct tgt_ctx         *ctx;  /* the target the chain ends at */
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
	/* Frees priv. May be NULL. */
	void (*fini)(struct stage *s);
};

extern const struct stage_ops stage_pass;
extern const struct stage_ops stage_cluster;

/** The registered stages, NULL-terminated. */
const struct stage_ops *const *stage_list(void);
/** The stage named name, or NULL. */
const struct stage_ops *stage_find(const char *name);
/** Whether an ops table has its mandatory members. */
bool stage_ops_valid(const struct stage_ops *ops);

/** Hands b on from stage s: to the next stage, or to the target. */
enum tgt_status stage_forward(struct stage *s, const struct batch *b);
/** Makes s a one-stage chain of ops ending at ctx. @return ->init's. */
int stage_chain_init(
    struct stage *s, const struct stage_ops *ops, struct tgt_ctx *ctx);
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
 *  stays unconnected). @return 0, or -errno with the reason in ctx->err;
 *  stage_chain_close is called either way. */
int stage_chain_open(struct stage *s, struct tgt_ctx *ctx);
/** Ends the chain of s and closes ctx (after stage_chain_open). */
void stage_chain_close(struct stage *s, struct tgt_ctx *ctx);

#endif
