/* tcp.h - a plain TCP client for the line protocols without an answer
 * (Graphite plaintext, OpenTSDB telnet put).
 *
 * One struct tcp per thread: one connection to the first host of a URL
 * ("graphite://h1:2003/..."), made on the first send and made again after
 * it was lost. Such a protocol acknowledges nothing, so a send is done
 * once the kernel has taken every byte: the peer may still lose them. A
 * peer that closed the connection is noticed before the next send (a
 * read of end-of-file), so a batch is not written into a dead socket
 * when that can be seen; whatever the peer says (OpenTSDB's "put: ..."
 * error lines) is kept in `in` for the caller to read.
 *
 * Outcomes map to enum tgt_status: refused, reset, closed, timed out or
 * not resolved are TGT_UNREACHABLE (the caller retries with backoff; the
 * next send connects again). Messages name the target, the host and the
 * reason: "graphite 127.0.0.1:2003: connect: Connection refused".
 */
#ifndef TSL_TCP_H
#define TSL_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "outcome.h"

struct param_row;

enum {
	TCP_HOST_MAX   = 256,
	TCP_CONNECT_MS = 5000,    /* default connect timeout */
	TCP_TIMEOUT_MS = 60000,   /* default: longest wait to send a batch */
	TCP_IN_MAX     = 1 << 20, /* most bytes of `in` kept */
};

struct tcp_opts {
	const char *name;       /* first word of messages, e.g. "graphite" */
	unsigned    def_port;   /* port of a host given without one */
	long        connect_ms; /* 0: TCP_CONNECT_MS */
	long        timeout_ms; /* 0: TCP_TIMEOUT_MS */
};

struct tcp {
	struct tcp_opts o;
	int             fd;                 /* -1: not connected */
	char            host[TCP_HOST_MAX]; /* without brackets */
	char            port[8];
	char            shown[TCP_HOST_MAX + 16]; /* "host:port" */
	struct buf      in;       /* what the peer sent, not read yet */
	uint64_t        connects; /* connections made */
	uint64_t        drops;    /* connections found lost */
};

/** Reads the URL of a line-protocol target
 *  ("scheme://HOST[:PORT][,HOST[:PORT]...][/][?key=value&...]"): its
 *  parameters into cfg by table t (params_parse_url), its hosts checked
 *  (http_check_url), and no path, for the metric names' first part goes
 *  in ?prefix=. name starts the messages ("graphite"); usage is the form
 *  named when url has no "://" ("graphite://HOST[:PORT][/][?prefix=P]").
 *  @return 0, or -EINVAL with the reason in err. */
int tcp_url_parse(const char *url, const struct param_row *t, void *cfg,
    const char *name, const char *usage, char *err, size_t errlen);

/** Prepares t for the first host of url ("scheme://host[:port][,...]
 *  [/][?...]"; IPv6 in brackets). Connects on the first send.
 *  @return 0, or -EINVAL with the reason in err; tcp_fini is safe
 *  either way. */
int  tcp_init(struct tcp *t, const char *url, const struct tcp_opts *o,
     char *err, size_t errlen);
void tcp_fini(struct tcp *t);

/** Sends p[0..n) whole, connecting first when not connected (or when
 *  the peer has closed the connection). What the peer sent meanwhile is
 *  appended to t->in. @return TGT_OK once the kernel took every byte;
 *  otherwise TGT_UNREACHABLE, the connection closed and the reason in
 *  err. */
enum tgt_status tcp_send(
    struct tcp *t, const void *p, size_t n, char *err, size_t errlen);

/** Reads what the peer has sent, without waiting, into t->in.
 *  @return 0, or -EPIPE when the peer has closed (the connection is then
 *  closed too). */
int tcp_poll_in(struct tcp *t);

/** Ends the connection in order: no more sending, then waits up to
 *  wait_ms for the peer to read everything and close its side (what it
 *  sends meanwhile goes to t->in). @return 0 when the peer closed, or
 *  -ETIMEDOUT / -errno. */
int tcp_close(struct tcp *t, long wait_ms);

#endif
