/* ipc.h - thin wrappers over nng 1.5 REQ/REP sockets.
 *
 * The coordinator listens with a REP socket; each worker dials with a REQ
 * socket and drives the exchange (proto.h). nng is only ever used after
 * exec, never across a bare fork().
 */
#ifndef TSL_IPC_H
#define TSL_IPC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <nng/nng.h>

#include "buf.h"

/** Opens a REP socket listening on url. 0 or an nng error number. */
int ipc_listen(nng_socket *s, const char *url);
/** Opens a REQ socket and dials url in the background (retrying until the
 *  listener is there); replies wait at most timeout_ms. */
int ipc_dial(nng_socket *s, const char *url, int timeout_ms);
/** Sends the message in b. */
int ipc_send(nng_socket s, const struct buf *b);
/** Receives one message into an nng allocation; free with nng_free.
 *  NNG_ETIMEDOUT when nothing came within the socket's receive timeout. */
int ipc_recv(nng_socket s, void **msg, size_t *len);
/** Sets *lost once a connection of s closes (the peer ended or died).
 *  @return 0 or an nng error number. */
int ipc_watch_lost(nng_socket s, atomic_bool *lost);
/** Sets the receive timeout (ms). */
int  ipc_set_timeout(nng_socket s, int timeout_ms);
void ipc_close(nng_socket s);

#endif
