/* remote.c - workers that join the coordinator over --listen (tcp://):
 * version check, challenge and response on the shared token (auth.h),
 * the wait until all --remote-workers have joined, and the loss of one
 * (its connection closed, or silent for --worker-timeout: a cut link does
 * not close TCP, so silence is what tells).
 *
 * A remote slot is bound to the connection it authenticated on: every
 * later message about that slot must come by that connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "clock.h"
#include "engine_int.h"
#include "log.h"
#include "version.h"
#include "xalloc.h"

enum {
	PEND_MAX = 16, /* challenges outstanding at once */
	/* after an abort, how long joined workers get to hear the stop */
	RELEASE_MS = 2000,
};

/* A worker that said hello on a tcp:// connection and was challenged. */
struct engine_pend {
	uint32_t pipe;
	uint8_t  nonce[AUTH_NONCE_LEN];
	char     id[100]; /* "host:pid", what its response covers */
	char     host[64];
	uint32_t want; /* remote slot asked for, or PROTO_ANY */
	int64_t  at_ms;
};

bool
remote_pipe(const struct engine *e, uint32_t pipe)
{
	return e->tcp_listener && pipe
	    && ipc_pipe_listener(pipe) == e->tcp_listener;
}

bool
engine_pipe_ok(const struct engine *e, const struct slot *s, uint32_t pipe)
{
	if (s->remote)
		return s->pipe && s->pipe == pipe;
	return !remote_pipe(e, pipe);
}

/* Text from the network made fit for one line. */
static void
clean(char *out, size_t n, const char *in)
{
	log_escape(out, n, in, strlen(in), 60);
}

void
remote_refuse(
    struct engine *e, uint32_t pipe, const char *host, const char *why)
{
	char addr[64], h[128];

	ipc_pipe_addr(pipe, addr, sizeof(addr));
	clean(h, sizeof(h), host);
	log_err("refused a worker at %s%s%s%s: %s", addr,
	    h[0] ? " (host " : "", h, h[0] ? ")" : "", why);
	proto_begin(&e->msg, MSG_REFUSE, UINT32_MAX, 0);
	proto_put_str(&e->msg, why);
	proto_end(&e->msg);
	ipc_send(e->sock, &e->msg);
}

static struct slot *
slot_of_pipe(struct engine *e, uint32_t pipe)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->slot[i].remote && e->slot[i].pipe == pipe)
			return &e->slot[i];
	return NULL;
}

static struct slot *
free_slot(struct engine *e)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->slot[i].remote && e->slot[i].state == SLOT_WAITING)
			return &e->slot[i];
	return NULL;
}

/* Remote slot i (0-based among the remote slots), or NULL. */
static struct slot *
remote_nth(struct engine *e, uint32_t i)
{
	for (unsigned k = 0; k < e->n; k++)
		if (e->slot[k].remote && i-- == 0)
			return &e->slot[k];
	return NULL;
}

/* The slot a worker asking for want gets: remote slot want when free,
 * else any free one in join order (want PROTO_ANY); NULL: refused, why
 * says so naming the index and the worker's address. */
static struct slot *
pick_slot(struct engine *e, uint32_t pipe, uint32_t want, char *why, size_t n)
{
	struct slot *s;
	char         addr[64], who[160];

	if (want == PROTO_ANY) {
		s = free_slot(e);
		if (!s)
			snprintf(why, n,
			    "the run has its %u remote workers already",
			    e->n_remote);
		return s;
	}
	ipc_pipe_addr(pipe, addr, sizeof(addr));
	s = remote_nth(e, want);
	if (!s)
		snprintf(why, n,
		    "--shard-index %u (asked by the worker at %s) is out of range: the run has %u remote workers, 0 to %u",
		    want, addr, e->n_remote, e->n_remote - 1);
	else if (s->state != SLOT_WAITING) {
		snprintf(why, n,
		    "--shard-index %u (asked by the worker at %s) is taken by %s",
		    want, addr, engine_name(e, s, who, sizeof(who)));
		s = NULL;
	}
	return s;
}

static unsigned
joined(const struct engine *e)
{
	unsigned n = 0;

	for (unsigned i = 0; i < e->n; i++)
		n += e->slot[i].remote && e->slot[i].state != SLOT_WAITING;
	return n;
}

static struct engine_pend *
pend_of(struct engine *e, uint32_t pipe)
{
	for (unsigned i = 0; i < e->n_pend; i++)
		if (e->pend[i].pipe == pipe)
			return &e->pend[i];
	return NULL;
}

static void
pend_drop(struct engine *e, struct engine_pend *p)
{
	*p = e->pend[--e->n_pend];
}

/* A slot for a new challenge: the pipe's own, a free one, or the oldest
 * (a stranger that never answers cannot hold the door). */
static struct engine_pend *
pend_new(struct engine *e, uint32_t pipe)
{
	struct engine_pend *p = pend_of(e, pipe);

	if (!e->pend)
		e->pend = xcalloc(PEND_MAX, sizeof(*e->pend));
	if (!p && e->n_pend < PEND_MAX)
		p = &e->pend[e->n_pend++];
	for (unsigned i = 0; !p && i < PEND_MAX; i++)
		if (!p || e->pend[i].at_ms < p->at_ms)
			p = &e->pend[i];
	memset(p, 0, sizeof(*p));
	p->pipe = pipe;
	return p;
}

void
remote_hello(struct engine *e, struct proto_rd *rd, uint32_t pipe)
{
	struct proto_hello  h;
	struct engine_pend *p;
	uint8_t             proof[AUTH_MAC_LEN];
	char                why[320];

	if (proto_get_hello(rd, &h)) {
		remote_refuse(e, pipe, "", "truncated HELLO");
		return;
	}
	if (!auth_version_ok(h.version, TSLOAD_VERSION, why, sizeof(why))) {
		remote_refuse(e, pipe, h.host, why);
		return;
	}
	if (e->stopping) {
		engine_reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	/* which slot is said after the token: not to strangers */
	if (h.want == PROTO_ANY
	    && !pick_slot(e, pipe, h.want, why, sizeof(why))) {
		remote_refuse(e, pipe, h.host, why);
		return;
	}
	p       = pend_new(e, pipe);
	p->want = h.want;
	snprintf(p->host, sizeof(p->host), "%s", h.host);
	snprintf(p->id, sizeof(p->id), "%s:%u", h.host, h.pid);
	p->at_ms = wall_ms();
	if (auth_nonce(p->nonce)) {
		pend_drop(e, p);
		remote_refuse(
		    e, pipe, h.host, "the coordinator has no random bytes");
		return;
	}
	auth_proof(e->o->token, h.nonce, proof);
	proto_begin(&e->msg, MSG_CHALLENGE, UINT32_MAX, 0);
	proto_put_bytes(&e->msg, p->nonce, sizeof(p->nonce));
	proto_put_bytes(&e->msg, proof, sizeof(proof));
	proto_end(&e->msg);
	ipc_send(e->sock, &e->msg);
}

void
remote_auth(struct engine *e, struct proto_rd *rd, uint32_t pipe)
{
	struct engine_pend *p = pend_of(e, pipe);
	struct slot        *s;
	uint8_t             mac[AUTH_MAC_LEN], want[AUTH_MAC_LEN];
	char                note[32], host[64], who[160], why[320];
	uint32_t            asked;

	if (!p || !remote_pipe(e, pipe)) {
		remote_refuse(e, pipe, "", "AUTH without a HELLO first");
		return;
	}
	proto_get_bytes(rd, mac, sizeof(mac));
	proto_get_str(rd, note, sizeof(note));
	auth_response(e->o->token, p->nonce, p->id, want);
	snprintf(host, sizeof(host), "%s", p->host);
	asked = p->want;
	if (rd->bad || !strcmp(note, "no-token")) {
		pend_drop(e, p);
		remote_refuse(e, pipe, host,
		    "no token: the worker has none, this run needs its --token (or TSLOAD_TOKEN)");
		return;
	}
	if (note[0] || !auth_equal(mac, want)) {
		pend_drop(e, p);
		remote_refuse(e, pipe, host,
		    "wrong token: the worker's --token differs from the coordinator's");
		return;
	}
	pend_drop(e, p);
	if (e->stopping) {
		engine_reply(e, UINT32_MAX, PROTO_F_STOP);
		return;
	}
	/* the slot is picked now that the worker holds the token */
	s = pick_slot(e, pipe, asked, why, sizeof(why));
	if (!s) {
		remote_refuse(e, pipe, host, why);
		return;
	}
	s->pipe    = pipe;
	s->state   = SLOT_JOINED;
	s->last_ms = wall_ms();
	snprintf(s->host, sizeof(s->host), "%s", host);
	ipc_pipe_addr(pipe, s->addr, sizeof(s->addr));
	log_info("%s joined (%u of %u remote workers)",
	    engine_name(e, s, who, sizeof(who)), joined(e), e->n_remote);
	if (e->started)
		engine_assign(e, s);
	else
		engine_reply(e, (uint32_t)(s - e->slot), PROTO_F_WAIT);
}

void
remote_ready(struct engine *e, uint32_t pipe)
{
	struct slot *s = remote_pipe(e, pipe) ? slot_of_pipe(e, pipe) : NULL;

	if (!s) {
		remote_refuse(
		    e, pipe, "", "READY from a worker that has not joined");
		return;
	}
	s->last_ms = wall_ms();
	if (s->state != SLOT_JOINED || e->stopping) {
		if (s->state == SLOT_JOINED)
			s->state = SLOT_DONE; /* released: nothing to do */
		engine_reply(e, (uint32_t)(s - e->slot), PROTO_F_STOP);
		return;
	}
	if (e->started)
		engine_assign(e, s);
	else
		engine_reply(e, (uint32_t)(s - e->slot), PROTO_F_WAIT);
}

/* A joined worker gone before the start: its place is free again. */
static void
unjoin(struct engine *e, struct slot *s, const char *why)
{
	char who[160];

	log_warn("%s left before the start (%s): waiting for another",
	    engine_name(e, s, who, sizeof(who)), why);
	s->state   = SLOT_WAITING;
	s->pipe    = 0;
	s->addr[0] = '\0';
	s->host[0] = '\0';
}

static void
gone(struct engine *e, struct slot *s, const char *why)
{
	if (s->state == SLOT_JOINED && !e->started)
		unjoin(e, s, why);
	else if (s->state == SLOT_JOINED || s->state == SLOT_RUNNING)
		engine_lost(e, s, why);
}

void
remote_check(struct engine *e)
{
	int64_t  now   = wall_ms();
	int64_t  limit = (int64_t)(e->o->worker_timeout * 1000);
	uint32_t pipe;
	char     why[96];

	while (ipc_gone_take(&e->gone, &pipe)) {
		struct engine_pend *p = pend_of(e, pipe);
		struct slot        *s = slot_of_pipe(e, pipe);

		if (p)
			pend_drop(e, p);
		if (s)
			gone(e, s, "lost: its connection closed");
	}
	for (unsigned i = 0; i < e->n; i++) {
		struct slot *s = &e->slot[i];

		if (!s->remote
		    || (s->state != SLOT_JOINED && s->state != SLOT_RUNNING)
		    || now - s->last_ms <= limit)
			continue;
		snprintf(why, sizeof(why),
		    "lost: silent for %.0f s (host down or link cut)",
		    (now - s->last_ms) / 1000.0);
		gone(e, s, why);
	}
}

/* After an abort before the start: tells the joined workers to go (at
 * their next READY) rather than leaving them to time out. */
static void
release(struct engine *e)
{
	uint64_t end = now_ns() + RELEASE_MS * 1000000ull;

	for (unsigned i = 0; i < e->n; i++)
		if (e->slot[i].state == SLOT_WAITING
		    || e->slot[i].state == SLOT_SPAWNED)
			e->slot[i].state = SLOT_DONE;
	while (now_ns() < end) {
		bool left = false;

		for (unsigned i = 0; i < e->n; i++)
			left |= e->slot[i].state == SLOT_JOINED;
		if (!left || engine_serve_one(e))
			return;
		remote_check(e);
	}
}

int
remote_join(struct engine *e)
{
	uint64_t t0 = now_ns();

	log_info(
	    "waiting for %u remote worker%s at %s (tsload worker --connect tcp://THIS-HOST:PORT, same --token)",
	    e->n_remote, e->n_remote == 1 ? "" : "s", e->o->listen);
	while (joined(e) < e->n_remote) {
		if (engine_serve_one(e) || engine_signals(e))
			break;
		remote_check(e);
		if (e->stopping)
			break;
		if (e->o->join_timeout > 0
		    && (now_ns() - t0) / 1e9 > e->o->join_timeout) {
			log_err(
			    "%u of %u remote workers did not join at %s within %.0f s (--join-timeout)",
			    e->n_remote - joined(e), e->n_remote, e->o->listen,
			    e->o->join_timeout);
			e->failed = true;
			break;
		}
	}
	if (joined(e) == e->n_remote && !e->stopping && !e->failed)
		return 0;
	engine_begin_stop(e, NULL);
	release(e);
	return 1;
}
