/* proto.h - messages between the coordinator and its workers.
 *
 * Workers drive a REQ/REP exchange over nng (ipc:// locally, tcp:// across
 * hosts). Every message starts with a 16-byte little-endian header; a
 * message with another magic or version is refused with a clear error.
 *
 *   worker                         coordinator
 *   HELLO (pid, host, version,  -> ASSIGN
 *          slot asked for)       (index, hosts, seeds, options)
 *   over tcp:// (a worker on another host), first auth.h's exchange:
 *   HELLO (..., nonce)          -> CHALLENGE (nonce, proof) or REFUSE
 *   AUTH (response)             -> ACK (PROTO_F_WAIT) or REFUSE (why)
 *   READY                       -> ACK (PROTO_F_WAIT) until every remote
 *                                  worker joined, then ASSIGN
 *   STATS (cumulative totals)   -> ACK (flags: PROTO_F_STOP)   every second
 *   RESULT (totals, CPU s, RSS,  -> ACK                         once, at end
 *           role payload)
 *   ERROR (reason)              -> ACK        when the worker cannot start
 *
 * STATS and RESULT carry cumulative totals, so a repeated message (nng's
 * REQ resends) is harmless.
 */
#ifndef TSL_PROTO_H
#define TSL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum {
	PROTO_MAGIC   = 0x5453, /* "TS" */
	PROTO_VERSION = 4, /* 3: HELLO carries the slot a worker asks for; 4:
	                      freshness in the stats */
	PROTO_HDR_LEN = 16,
	PROTO_MAX_MSG = 4 << 20,
};

#define PROTO_ANY UINT32_MAX /* HELLO: no slot asked for */

enum proto_type {
	MSG_HELLO  = 1,
	MSG_ASSIGN = 2,
	MSG_STATS  = 3,
	MSG_ACK    = 4,
	MSG_RESULT = 5,
	MSG_ERROR  = 6,
	/* remote workers (tcp://) */
	MSG_CHALLENGE = 7,
	MSG_AUTH      = 8,
	MSG_REFUSE    = 9,
	MSG_READY     = 10,
};

enum proto_flags {
	PROTO_F_STOP = 1u << 0, /* ACK: stop generating, drain, send RESULT */
	PROTO_F_WAIT = 1u << 1, /* ACK: joined; ask again (READY) shortly */
	PROTO_F_CHALLENGE = 1u << 8, /* not on the wire: a worker's note */
};

struct proto_hdr {
	uint16_t magic;
	uint16_t version;
	uint16_t type;
	uint16_t flags;
	uint32_t worker; /* sender's index, or UINT32_MAX before ASSIGN */
	uint32_t len;    /* payload bytes after the header */
};

struct proto_hello {
	uint32_t pid;
	char     host[64];
	char     version[32];
	uint8_t  nonce[32]; /* the worker's challenge (auth.h) */
	uint32_t
	    want; /* remote slot asked for (--shard-index), or PROTO_ANY */
};

/* What a worker is to do. `options` is the effective command line, one
 * "--name=value" per line, parsed by the worker with the same table. */
struct proto_assign {
	uint32_t slot;       /* the id to put in every later header */
	uint32_t index;      /* 0-based worker index within its role */
	uint32_t workers;    /* how many workers the run has */
	uint32_t first_host; /* shard of global hosts [first, end) */
	uint32_t end_host;
	uint32_t threads;
	int64_t  t0_ms;   /* timestamp of the first cycle (epoch ms) */
	uint64_t seed;    /* value seed of the run */
	char    *options; /* owned; freed by proto_assign_free() */
};

/** Starts a message in b (reset first) with a header for type/worker. */
void proto_begin(
    struct buf *b, enum proto_type type, uint32_t worker, uint16_t flags);
/** Patches the header's payload length; call after the payload. */
void proto_end(struct buf *b);

void proto_put_u32(struct buf *b, uint32_t v);
void proto_put_u64(struct buf *b, uint64_t v);
void proto_put_f64(struct buf *b, double v);
void proto_put_str(struct buf *b, const char *s);

/* Reading side: a cursor over a received payload; any short read makes
 * the cursor bad and every later get returns zeros. */
struct proto_rd {
	const uint8_t *p;
	size_t         len;
	size_t         off;
	bool           bad;
};

/** Checks and decodes the header of a received message and points rd at
 *  its payload. @return 0, or -EPROTO with a reason in err. */
int      proto_open(const void *msg, size_t len, struct proto_hdr *h,
         struct proto_rd *rd, char *err, size_t errlen);
uint32_t proto_get_u32(struct proto_rd *rd);
uint64_t proto_get_u64(struct proto_rd *rd);
double   proto_get_f64(struct proto_rd *rd);
/** Copies a string into out (truncating to outlen - 1). */
void proto_get_str(struct proto_rd *rd, char *out, size_t outlen);
/** A string as a fresh allocation. */
char *proto_get_strdup(struct proto_rd *rd);

/* Whole payloads. The encoders append to a message begun with
 * proto_begin; decoders return 0 or -EPROTO on a truncated payload. */
void proto_put_hello(struct buf *b, const struct proto_hello *m);
int  proto_get_hello(struct proto_rd *rd, struct proto_hello *m);
void proto_put_assign(struct buf *b, const struct proto_assign *m);
int  proto_get_assign(struct proto_rd *rd, struct proto_assign *m);
void proto_assign_free(struct proto_assign *m);
/** Raw bytes of a fixed length (nonces, MACs); short: zeros. */
void proto_put_bytes(struct buf *b, const void *p, size_t n);
void proto_get_bytes(struct proto_rd *rd, void *out, size_t n);
#endif
