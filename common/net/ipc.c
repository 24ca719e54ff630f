/* ipc.c - nng socket set-up for the coordinator (REP) and workers (REQ). */
#include "ipc.h"

#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
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

static void
ipc_on_added(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	(void)p;
	(void)ev;
	atomic_store((atomic_bool *)arg, true);
}

int
ipc_dial(nng_socket *s, const char *url, int timeout_ms, atomic_bool *up)
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
		rc = nng_pipe_notify(
		    *s, NNG_PIPE_EV_ADD_POST, ipc_on_added, up);
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
ipc_listen_more(nng_socket s, const char *url, uint32_t *listener)
{
	nng_listener l;
	int          rc = nng_listen(s, url, &l, 0);

	if (!rc)
		*listener = (uint32_t)nng_listener_id(l);
	return rc;
}

int
ipc_recv_from(nng_socket s, void **msg, size_t *len, uint32_t *pipe)
{
	nng_msg *m;
	int      rc = nng_recvmsg(s, &m, 0);

	if (rc)
		return rc;
	*pipe = (uint32_t)nng_pipe_id(nng_msg_get_pipe(m));
	*len  = nng_msg_len(m);
	*msg  = nng_alloc(*len ? *len : 1);
	if (!*msg) {
		nng_msg_free(m);
		return NNG_ENOMEM;
	}
	memcpy(*msg, nng_msg_body(m), *len);
	nng_msg_free(m);
	return 0;
}

static nng_pipe
pipe_of(uint32_t id)
{
	nng_pipe p = NNG_PIPE_INITIALIZER;

	p.id = id;
	return p;
}

uint32_t
ipc_pipe_listener(uint32_t pipe)
{
	int id = nng_listener_id(nng_pipe_listener(pipe_of(pipe)));

	return id > 0 ? (uint32_t)id : 0;
}

void
ipc_pipe_addr(uint32_t pipe, char *out, size_t n)
{
	nng_sockaddr sa;
	char         ip[INET6_ADDRSTRLEN];

	snprintf(out, n, "?");
	if (nng_pipe_get_addr(pipe_of(pipe), NNG_OPT_REMADDR, &sa))
		return;
	if (sa.s_family == NNG_AF_INET
	    && inet_ntop(AF_INET, &sa.s_in.sa_addr, ip, sizeof(ip)))
		snprintf(out, n, "%s:%u", ip, ntohs(sa.s_in.sa_port));
	else if (sa.s_family == NNG_AF_INET6
	    && inet_ntop(AF_INET6, sa.s_in6.sa_addr, ip, sizeof(ip)))
		snprintf(out, n, "[%s]:%u", ip, ntohs(sa.s_in6.sa_port));
}

static void
ipc_on_gone(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct ipc_gone *q = arg;

	(void)ev;
	pthread_mutex_lock(&q->mu);
	if (q->n < IPC_GONE_MAX)
		q->id[q->n++] = (uint32_t)nng_pipe_id(p);
	pthread_mutex_unlock(&q->mu);
}

int
ipc_watch_gone(nng_socket s, struct ipc_gone *q)
{
	pthread_mutex_init(&q->mu, NULL);
	q->n = 0;
	return nng_pipe_notify(s, NNG_PIPE_EV_REM_POST, ipc_on_gone, q);
}

bool
ipc_gone_take(struct ipc_gone *q, uint32_t *pipe)
{
	bool got;

	pthread_mutex_lock(&q->mu);
	got = q->n > 0;
	if (got) {
		*pipe = q->id[0];
		memmove(q->id, q->id + 1, --q->n * sizeof(q->id[0]));
	}
	pthread_mutex_unlock(&q->mu);
	return got;
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
