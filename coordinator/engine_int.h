/* engine_int.h - what engine.c and remote.c (workers joining over
 * --listen) share; not for the subcommands. */
#ifndef TSL_ENGINE_INT_H
#define TSL_ENGINE_INT_H

#include "engine.h"

/** Replies an ACK with flags to the message being answered. */
void engine_reply(struct engine *e, uint32_t worker, uint16_t flags);
/** Replies the ASSIGN of slot s and marks it running. */
void engine_assign(struct engine *e, struct slot *s);
/** Marks the run failed and starts the drain. */
void engine_fail(struct engine *e);
/** Starts the drain, saying why (NULL: nothing to say). */
void engine_begin_stop(struct engine *e, const char *why);
/** "worker 3", "ingest worker 2", "worker 4 at 10.0.0.3:41234 (host b)". */
const char *engine_name(
    const struct engine *e, const struct slot *s, char *out, size_t n);
/** A worker died or went silent (why: "... lost: ..."): says what the run
 *  loses (its shard, what it had reported), then fails the run, or with
 *  --on-worker-loss continue goes on. */
void engine_lost(struct engine *e, struct slot *s, const char *why);
/** Receives and handles one message (waits up to 100 ms). @return 0, or
 *  -EIO when the socket failed (said). */
int engine_serve_one(struct engine *e);
/** Acts on signals that came (see engine.c). @return true: end now. */
bool engine_signals(struct engine *e);

/* remote.c */
/** Whether connection pipe came in by --listen (a remote worker). */
bool remote_pipe(const struct engine *e, uint32_t pipe);
/** Whether a message about slot s may come by connection pipe: a remote
 *  slot's by its own connection only, a local slot's never by tcp. */
bool engine_pipe_ok(
    const struct engine *e, const struct slot *s, uint32_t pipe);
void remote_hello(struct engine *e, struct proto_rd *rd, uint32_t pipe);
void remote_auth(struct engine *e, struct proto_rd *rd, uint32_t pipe);
void remote_ready(struct engine *e, uint32_t pipe);
/** Refuses the peer of pipe with one line on both sides (host: its name,
 *  when known). */
void remote_refuse(
    struct engine *e, uint32_t pipe, const char *host, const char *why);
/** Loss checks: closed connections and remote workers silent for
 *  --worker-timeout. */
void remote_check(struct engine *e);
/** Waits until every remote slot has a worker (--join-timeout).
 *  @return 0 to start the run, 1 when it ended before (said). */
int remote_join(struct engine *e);

#endif
