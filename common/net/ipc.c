/* ipc.c - nng socket set-up for the coordinator (REP) and workers (REQ). */
#include "ipc.h"

#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#include "proto.h"

static int
common_opts(nng_socket s)
{
	int rc = nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, PROTO_MAX_MSG);

	if (!rc)
		rc = nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, 10000);
	return rc;
}

int
ipc_listen(nng_socket *s, const char *url)
{
	int rc = nng_rep0_open(s);

	if (rc)
		return rc;
	rc = common_opts(*s);
	if (!rc)
		rc = nng_listen(*s, url, NULL, 0);
	if (rc)
		nng_close(*s);
	return rc;
}

int
ipc_dial(nng_socket *s, const char *url, int timeout_ms)
{
	int rc = nng_req0_open(s);

	if (rc)
		return rc;
	rc = common_opts(*s);
	/* A lost reply would otherwise be resent only after a minute. */
	if (!rc)
		rc = nng_socket_set_ms(*s, NNG_OPT_REQ_RESENDTIME, 5000);
	if (!rc)
		rc = ipc_set_timeout(*s, timeout_ms);
	if (!rc)
		rc = nng_dial(*s, url, NULL, NNG_FLAG_NONBLOCK);
	if (rc)
		nng_close(*s);
	return rc;
}

static void
ipc_on_removed(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	(void)p;
	(void)ev;
	atomic_store((atomic_bool *)arg, true);
}

int
ipc_watch_lost(nng_socket s, atomic_bool *lost)
{
	return nng_pipe_notify(s, NNG_PIPE_EV_REM_POST, ipc_on_removed, lost);
}

int
ipc_send(nng_socket s, const struct buf *b)
{
	return nng_send(s, b->p, b->len, 0);
}

int
ipc_recv(nng_socket s, void **msg, size_t *len)
{
	return nng_recv(s, msg, len, NNG_FLAG_ALLOC);
}

int
ipc_set_timeout(nng_socket s, int timeout_ms)
{
	return nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, timeout_ms);
}

void
ipc_close(nng_socket s)
{
	nng_close(s);
}
