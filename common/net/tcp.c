/* tcp.c - one TCP connection per thread: connect with a timeout, send
 * whole buffers, notice a peer that closed, end in order.
 */
#include "tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "http.h"
#include "params.h"

int
tcp_url_parse(const char *url, const struct param_row *t, void *cfg,
    const char *name, const char *usage, char *err, size_t errlen)
{
	const char *s = strstr(url, "://");
	int         rc;

	rc = params_parse_url(t, cfg, url, err, errlen);
	if (!rc && !s) {
		snprintf(err, errlen, "%s: expected %s", name, usage);
		return -EINVAL;
	}
	if (!rc)
		rc = http_check_url(url, err, errlen);
	if (rc)
		return rc;
	s += 3;
	s += strcspn(s, "/?#");
	if (*s == '/' && s[1] && s[1] != '?' && s[1] != '#') {
		snprintf(err, errlen,
		    "%s: takes no path (\"%.*s\"); use ?prefix= for the first part of the metric names",
		    name, (int)strcspn(s, "?#"), s);
		return -EINVAL;
	}
	return 0;
}

int
tcp_init(struct tcp *t, const char *url, const struct tcp_opts *o, char *err,
    size_t errlen)
{
	const char *p = strstr(url, "://"), *port = NULL;
	size_t      n, hn;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->o  = *o;
	if (!t->o.connect_ms)
		t->o.connect_ms = TCP_CONNECT_MS;
	if (!t->o.timeout_ms)
		t->o.timeout_ms = TCP_TIMEOUT_MS;
	buf_init(&t->in, TCP_IN_MAX);
	p = p ? p + 3 : url;
	n = strcspn(p, ",/?#");
	if (n && p[0] == '[') { /* [v6]:port */
		const char *rb = memchr(p, ']', n);

		hn = rb ? (size_t)(rb - p - 1) : 0;
		if (rb && rb + 1 < p + n && rb[1] == ':')
			port = rb + 2;
		p++;
	} else {
		const char *c = memchr(p, ':', n);

		hn   = c ? (size_t)(c - p) : n;
		port = c ? c + 1 : NULL;
	}
	if (!hn || hn >= sizeof(t->host)) {
		snprintf(err, errlen, "%s: no host in \"%s\"", o->name, url);
		return -EINVAL;
	}
	memcpy(t->host, p, hn);
	t->host[hn] = '\0';
	if (port) {
		size_t pn = strcspn(port, ",/?#");

		if (!pn || pn >= sizeof(t->port)) {
			snprintf(err, errlen, "%s: bad port in \"%s\"",
			    o->name, url);
			return -EINVAL;
		}
		memcpy(t->port, port, pn);
		t->port[pn] = '\0';
	} else {
		snprintf(t->port, sizeof(t->port), "%u", o->def_port);
	}
	snprintf(t->shown, sizeof(t->shown),
	    strchr(t->host, ':') ? "[%s]:%s" : "%s:%s", t->host, t->port);
	return 0;
}

static void
tcp_drop(struct tcp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

void
tcp_fini(struct tcp *t)
{
	tcp_drop(t);
	buf_free(&t->in);
}

/* Waits up to ms for events on t->fd. @return poll's revents, 0 on a
 * timeout, -errno on an error. */
static int
tcp_wait(struct tcp *t, short events, long ms)
{
	struct pollfd pfd   = { .fd = t->fd, .events = events };
	uint64_t      until = now_ns() + (uint64_t)ms * 1000000u;
	int           rc;

	for (;;) {
		uint64_t now  = now_ns();
		long     left = now >= until
		        ? 0
		        : (long)((until - now + 999999u) / 1000000u);

		rc = poll(&pfd, 1, (int)left);
		if (rc >= 0)
			return rc ? pfd.revents : 0;
		if (errno != EINTR)
			return -errno;
	}
}

/* One address of ai: a non-blocking connect, waited for. */
static int
tcp_connect_one(struct tcp *t, const struct addrinfo *ai)
{
	int       one = 1, soerr = 0, rc;
	socklen_t sl = sizeof(soerr);

	t->fd = socket(
	    ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (t->fd < 0)
		return -errno;
	fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
	setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(t->fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	rc = tcp_wait(t, POLLOUT, t->o.connect_ms);
	if (rc < 0)
		return rc;
	if (!rc)
		return -ETIMEDOUT;
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		return -errno;
	return -soerr;
}

static int
tcp_connect(struct tcp *t, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int             rc;

	rc = getaddrinfo(t->host, t->port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "%s %s: resolve: %s", t->o.name,
		    t->shown, gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	rc = -ECONNREFUSED;
	for (ai = res; ai; ai = ai->ai_next) {
		rc = tcp_connect_one(t, ai);
		if (!rc)
			break;
		tcp_drop(t);
	}
	freeaddrinfo(res);
	if (rc) {
		snprintf(err, errlen, "%s %s: connect: %s", t->o.name,
		    t->shown, strerror(-rc));
		return rc;
	}
	t->connects++;
	return 0;
}

int
tcp_poll_in(struct tcp *t)
{
	char    tmp[4096];
	ssize_t n;

	while (t->fd >= 0) {
		n = recv(t->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
		if (n > 0) {
			/* past the cap the oldest bytes make room */
			if (t->in.len + (size_t)n > TCP_IN_MAX)
				buf_reset(&t->in);
			(void)buf_add(&t->in, tmp, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		tcp_drop(t); /* end of file, or reset */
		t->drops++;
		return -EPIPE;
	}
	return 0;
}

enum tgt_status
tcp_send(struct tcp *t, const void *p, size_t n, char *err, size_t errlen)
{
	const char *c = p;
	int         rc;

	/* a peer that has gone would lose this batch in the kernel's
	 * buffer: see it first, and connect again */
	if (t->fd >= 0)
		(void)tcp_poll_in(t);
	if (t->fd < 0 && tcp_connect(t, err, errlen) != 0)
		return TGT_UNREACHABLE;
	while (n) {
		ssize_t k = send(t->fd, c, n, MSG_NOSIGNAL);

		if (k > 0) {
			c += k;
			n -= (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* the peer reads slowly: wait, reading what it says */
			rc = tcp_wait(t, POLLOUT | POLLIN, t->o.timeout_ms);
			if (rc > 0 && (rc & POLLIN) && tcp_poll_in(t) < 0) {
				snprintf(err, errlen,
				    "%s %s: closed by the peer while sending",
				    t->o.name, t->shown);
				return TGT_UNREACHABLE;
			}
			if (rc > 0)
				continue;
			rc = rc ? rc : -ETIMEDOUT;
		} else {
			rc = k < 0 ? -errno : -EPIPE;
		}
		snprintf(err, errlen, "%s %s: send: %s", t->o.name, t->shown,
		    strerror(-rc));
		tcp_drop(t);
		t->drops++;
		return TGT_UNREACHABLE;
	}
	return TGT_OK;
}

int
tcp_close(struct tcp *t, long wait_ms)
{
	uint64_t until = now_ns() + (uint64_t)wait_ms * 1000000u;
	int      rc;

	if (t->fd < 0)
		return 0;
	if (shutdown(t->fd, SHUT_WR) < 0) {
		rc = -errno;
		tcp_drop(t);
		return rc;
	}
	while (t->fd >= 0) {
		uint64_t now = now_ns();

		if (now >= until) {
			tcp_drop(t);
			return -ETIMEDOUT;
		}
		rc = tcp_wait(t, POLLIN, (long)((until - now) / 1000000u) + 1);
		if (rc < 0) {
			tcp_drop(t);
			return rc;
		}
		if (rc && tcp_poll_in(t) < 0)
			return 0; /* the peer closed its side */
	}
	return 0;
}
