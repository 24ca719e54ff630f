/* ipc.h - thin wrappers over nng 1.5 REQ/REP sockets.
 *
 * The coordinator listens with a REP socket; each worker dials with a REQ
 * socket and drives the exchange (proto.h). nng is only ever used after
 * exec, never across a bare fork().
 */
#ifndef TSL_IPC_H
#define TSL_IPC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nng/nng.h>

#include "buf.h"

/** Opens a REP socket listening on url. 0 or an nng error number. */
int ipc_listen(nng_socket *s, const char *url);
/** Opens a REQ socket and dials url in the background (retrying until the
 *  listener is there); replies wait at most timeout_ms; *up is set once
 *  connected. */
int ipc_dial(nng_socket *s, const char *url, int timeout_ms, atomic_bool *up);
/** Sends the message in b. */
int ipc_send(nng_socket s, const struct buf *b);
/** Receives one message into an nng allocation; free with nng_free.
 *  NNG_ETIMEDOUT when nothing came within the socket's receive timeout. */
int ipc_recv(nng_socket s, void **msg, size_t *len);
/** Sets *lost once a connection of s closes (the peer ended or died).
 *  @return 0 or an nng error number. */
int ipc_watch_lost(nng_socket s, atomic_bool *lost);
/** Also listens on url (the coordinator's tcp:// for remote workers);
 *  *listener gets the id that ipc_pipe_listener() returns for its
 *  connections. @return 0 or an nng error number. */
int ipc_listen_more(nng_socket s, const char *url, uint32_t *listener);
/** ipc_recv, also giving the id of the connection (pipe) it came by. */
int ipc_recv_from(nng_socket s, void **msg, size_t *len, uint32_t *pipe);
/** The listener id of connection pipe (0 when it is gone). */
uint32_t ipc_pipe_listener(uint32_t pipe);
/** The peer address of a tcp:// connection, "10.0.0.2:41234" ("?" when
 *  unknown). */
void ipc_pipe_addr(uint32_t pipe, char *out, size_t n);

/* Connections of a socket that closed, queued by nng's pipe event for the
 * thread serving the socket. */
enum { IPC_GONE_MAX = 256 };
struct ipc_gone {
	pthread_mutex_t mu;
	uint32_t        id[IPC_GONE_MAX];
	unsigned n; /* overflow drops the newest (a flood of strangers) */
};
/** Starts queueing the connections of s that close into q. */
int ipc_watch_gone(nng_socket s, struct ipc_gone *q);
/** Takes the next closed connection's id. @return false when none. */
bool ipc_gone_take(struct ipc_gone *q, uint32_t *pipe);

/** Sets the receive timeout (ms). */
int  ipc_set_timeout(nng_socket s, int timeout_ms);
void ipc_close(nng_socket s);

#endif
