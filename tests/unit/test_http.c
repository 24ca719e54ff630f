/* test_http.c - common/http.c against tiny HTTP servers started here on
 * 127.0.0.1 (free ports): status mapping, messages, body capture and its
 * cap, gzip bodies, keep-alive reuse, timeouts, round-robin over a
 * cluster URL and failover when a host goes away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <curl/curl.h>

#include "http.h"
#include "target.h"
#include "schema_fixture.h"
#include "targets/lphttp.h"

enum { SRV_CONNS = 64, REQ_MAX = 1 << 20 };

/* A server: an accept thread and a thread per connection. */
struct srv {
	int             lfd;
	int             port;
	pthread_t       acc;
	pthread_mutex_t lk;
	pthread_t       th[SRV_CONNS];
	int             fd[SRV_CONNS];
	int             nth;
	atomic_int      conns;
	atomic_int      reqs;
	atomic_bool     stop;
};

struct conn {
	struct srv *s;
	int         fd;
};

static void
send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void
respond(int fd, int status, const char *reason, const char *body, size_t n)
{
	char hdr[256];
	int  k;

	k = snprintf(hdr, sizeof(hdr),
	    "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n"
	    "Content-Type: text/plain\r\n\r\n",
	    status, reason, n);
	send_all(fd, hdr, (size_t)k);
	if (n)
		send_all(fd, body, n);
}

/* The value of header name in the head [p, p + n), or "". */
static void
header(const char *p, const char *name, char *out, size_t outlen)
{
	const char *q  = p;
	size_t      nl = strlen(name);

	out[0] = '\0';
	while ((q = strstr(q, "\r\n")) != NULL) {
		q += 2;
		if (strncasecmp(q, name, nl) == 0 && q[nl] == ':') {
			const char *v = q + nl + 1;
			size_t      vn;

			while (*v == ' ')
				v++;
			vn = strcspn(v, "\r");
			snprintf(out, outlen, "%.*s", (int)vn, v);
			return;
		}
	}
}

/* Answers one request; false to close the connection. */
static bool
answer(struct conn *c, const char *method, const char *full, const char *head,
    const char *body, size_t blen)
{
	const char       *path;
	static const char bad[]
	    = "{\"error\":\"unable to parse 'x y': bad\nline\"}";
	char ctype[64], enc[64];

	path = strndup(full, strcspn(full, "?"));
	if (strcmp(path, "/ok") == 0) {
		respond(c->fd, 204, "No Content", NULL, 0);
	} else if (strcmp(path, "/bad") == 0) {
		respond(c->fd, 400, "Bad Request", bad, sizeof(bad) - 1);
	} else if (strcmp(path, "/hostile") == 0) {
		/* binary, an escape sequence, malformed UTF-8, 300 bytes */
		char h[300];

		memset(h, 'z', sizeof(h));
		memcpy(h,
		    "\x1b[2J\xff\xfe\x00"
		    "bin\xc3",
		    11);
		respond(c->fd, 400, "Bad Request", h, sizeof(h));
	} else if (strcmp(path, "/throttle") == 0) {
		respond(c->fd, 429, "Too Many Requests", "slow down", 9);
	} else if (strcmp(path, "/busy") == 0) {
		respond(c->fd, 503, "Service Unavailable", NULL, 0);
	} else if (strcmp(path, "/err500") == 0) {
		respond(c->fd, 500, "Internal Server Error", "boom", 4);
	} else if (strcmp(path, "/slow") == 0) {
		usleep(800 * 1000);
		respond(c->fd, 204, "No Content", NULL, 0);
	} else if (strcmp(path, "/close") == 0) {
		free((char *)path);
		return false;
	} else if (strncmp(path, "/echo", 5) == 0) {
		char  *out = malloc(blen + 512);
		size_t n;

		header(head, "Content-Type", ctype, sizeof(ctype));
		header(head, "Content-Encoding", enc, sizeof(enc));
		n = (size_t)sprintf(out, "%s %s %zu enc=%s type=%s\n", method,
		    full, blen, enc, ctype);
		memcpy(out + n, body, blen);
		respond(c->fd, 200, "OK", out, n + blen);
		free(out);
	} else if (strcmp(path, "/write") == 0) {
		/* line protocol: the db parameter picks the answer */
		static const char rej[]
		    = "{\"error\":\"unable to parse 'a': bad\nunable to parse "
		      "'b': bad\"}";
		static const char drop[]
		    = "{\"error\":\"partial write: field type conflict "
		      "dropped=3\"}";
		static const char ts[] = "{\"error\":\"bad timestamp\"}";

		if (strstr(full, "db=rej"))
			respond(
			    c->fd, 400, "Bad Request", rej, sizeof(rej) - 1);
		else if (strstr(full, "db=drop"))
			respond(
			    c->fd, 400, "Bad Request", drop, sizeof(drop) - 1);
		else if (strstr(full, "db=ts"))
			respond(c->fd, 400, "Bad Request", ts, sizeof(ts) - 1);
		else if (strstr(full, "db=busy"))
			respond(c->fd, 429, "Too Many Requests", NULL, 0);
		else if (blen && body[blen - 1] == '\n')
			respond(c->fd, 204, "No Content", NULL, 0);
		else
			respond(c->fd, 500, "Internal Server Error", NULL, 0);
	} else if (strcmp(path, "/query") == 0) {
		/* InfluxQL: one series with 70 tags (more than a row hands
		 * to its callback) and two rows */
		char  *out = malloc(8192);
		size_t n   = (size_t)sprintf(out,
		      "{\"results\":[{\"statement_id\":0,\"series\":[{"
		        "\"name\":\"metrics\",\"tags\":{");

		for (int i = 0; i < 70; i++)
			n += (size_t)sprintf(
			    out + n, "%s\"t%d\":\"v%d\"", i ? "," : "", i, i);
		n += (size_t)sprintf(out + n,
		    "},\"columns\":[\"time\",\"mean\"],\"values\":[["
		    "1,2.5],[2,3.5]]}]}]}");
		respond(c->fd, 200, "OK", out, n);
		free(out);
	} else if (strcmp(path, "/big") == 0) {
		char *big = malloc(10000);

		memset(big, 'x', 10000);
		respond(c->fd, 200, "OK", big, 10000);
		free(big);
	} else {
		respond(c->fd, 404, "Not Found", "not found", 9);
	}
	free((char *)path);
	return true;
}

static void *
conn_main(void *arg)
{
	struct conn *c   = arg;
	char        *buf = malloc(REQ_MAX);
	size_t       len = 0;

	for (;;) {
		char   *end, method[16], path[256], cl[32];
		size_t  hlen, blen;
		ssize_t k;

		buf[len] = '\0';
		end      = strstr(buf, "\r\n\r\n");
		if (!end) {
			k = recv(c->fd, buf + len, REQ_MAX - 1 - len, 0);
			if (k <= 0)
				break;
			len += (size_t)k;
			continue;
		}
		hlen = (size_t)(end - buf) + 4;
		header(buf, "Content-Length", cl, sizeof(cl));
		blen = (size_t)strtoul(cl, NULL, 10);
		while (len < hlen + blen) {
			k = recv(c->fd, buf + len, REQ_MAX - 1 - len, 0);
			if (k <= 0)
				goto out;
			len += (size_t)k;
		}
		if (sscanf(buf, "%15s %255s", method, path) != 2)
			break;
		atomic_fetch_add(&c->s->reqs, 1);
		*end = '\0';
		if (!answer(c, method, path, buf, buf + hlen, blen))
			break;
		memmove(buf, buf + hlen + blen, len - hlen - blen);
		len -= hlen + blen;
	}
out:
	close(c->fd);
	free(buf);
	free(c);
	return NULL;
}

static void *
acc_main(void *arg)
{
	struct srv *s = arg;

	for (;;) {
		int          fd = accept(s->lfd, NULL, NULL);
		struct conn *c;

		if (fd < 0) {
			if (atomic_load(&s->stop))
				return NULL;
			continue;
		}
		atomic_fetch_add(&s->conns, 1);
		c     = malloc(sizeof(*c));
		c->s  = s;
		c->fd = fd;
		pthread_mutex_lock(&s->lk);
		assert_true(s->nth < SRV_CONNS);
		s->fd[s->nth] = fd;
		assert_int_equal(
		    pthread_create(&s->th[s->nth], NULL, conn_main, c), 0);
		s->nth++;
		pthread_mutex_unlock(&s->lk);
	}
}

static void
srv_start(struct srv *s)
{
	struct sockaddr_in sa  = { 0 };
	socklen_t          sl  = sizeof(sa);
	int                one = 1;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lk, NULL);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_family      = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &sl), 0);
	s->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&s->acc, NULL, acc_main, s), 0);
}

/* Stops listening and drops every connection: the host is gone. */
static void
srv_stop(struct srv *s)
{
	int i;

	if (atomic_exchange(&s->stop, true))
		return;
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->acc, NULL);
	close(s->lfd);
	pthread_mutex_lock(&s->lk);
	for (i = 0; i < s->nth; i++)
		shutdown(s->fd[i], SHUT_RDWR);
	pthread_mutex_unlock(&s->lk);
	for (i = 0; i < s->nth; i++)
		pthread_join(s->th[i], NULL);
	pthread_mutex_destroy(&s->lk);
}

/* A port nothing listens on (bound, then closed). */
static int
dead_port(void)
{
	struct sockaddr_in sa = { 0 };
	socklen_t          sl = sizeof(sa);
	int                fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_family      = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static void
client(struct http *h, const char *url, long timeout_ms, size_t resp_max)
{
	struct http_opts o        = { .name = "test",
		       .def_port            = 80,
		       .timeout_ms          = timeout_ms,
		       .connect_ms          = 1000,
		       .down_ms             = 200,
		       .resp_max            = resp_max };
	char             err[256] = "";
	int              rc       = http_init(h, url, &o, err, sizeof(err));

	if (rc)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
}

static enum tgt_status
get(struct http *h, const char *path, char *err, size_t errlen)
{
	struct http_req r = { .path = path };

	err[0] = '\0';
	return http_request(h, &r, err, errlen);
}

/* ---- tests ---- */

static void
test_map(void **state)
{
	(void)state;
	assert_int_equal(http_map(CURLE_OK, 200), TGT_OK);
	assert_int_equal(http_map(CURLE_OK, 204), TGT_OK);
	assert_int_equal(http_map(CURLE_OK, 400), TGT_FAIL);
	assert_int_equal(http_map(CURLE_OK, 401), TGT_FAIL);
	assert_int_equal(http_map(CURLE_OK, 404), TGT_FAIL);
	assert_int_equal(http_map(CURLE_OK, 413), TGT_FAIL);
	assert_int_equal(http_map(CURLE_OK, 408), TGT_RETRY);
	assert_int_equal(http_map(CURLE_OK, 429), TGT_RETRY);
	assert_int_equal(http_map(CURLE_OK, 500), TGT_RETRY);
	assert_int_equal(http_map(CURLE_OK, 503), TGT_RETRY);
	assert_int_equal(http_map(CURLE_OK, 302), TGT_FAIL);
	assert_int_equal(http_map(CURLE_COULDNT_CONNECT, 0), TGT_UNREACHABLE);
	assert_int_equal(http_map(CURLE_OPERATION_TIMEDOUT, 0), TGT_RETRY);
	assert_int_equal(http_map(CURLE_RECV_ERROR, 0), TGT_UNREACHABLE);
	assert_int_equal(http_map(CURLE_SEND_ERROR, 0), TGT_UNREACHABLE);
	assert_int_equal(http_map(CURLE_GOT_NOTHING, 0), TGT_UNREACHABLE);
	assert_int_equal(http_map(CURLE_COULDNT_RESOLVE_HOST, 0), TGT_FAIL);
	assert_int_equal(http_map(CURLE_WRITE_ERROR, 200), TGT_FAIL);
	assert_int_equal(http_map(CURLE_URL_MALFORMAT, 0), TGT_FAIL);
}

static void
test_check_url(void **state)
{
	static const char *const good[] = {
		"influx://127.0.0.1:8086/?db=x",
		"influx://localhost",
		"vm://h1:1,h2:2,h3:65535",
		"vm://[::1]:8428/",
		"vm://[::1]",
		"influx://a.b-c_d:80?db=x",
	};
	static const char *const bad[] = {
		"influx://",
		"influx://:8086",
		"influx://h:0",
		"influx://h:65536",
		"influx://h:80x",
		"influx://h:",
		"influx://h1,,h2",
		"influx://user@h",
		"influx://[::1",
		"influx://[::1]x",
		"influx://h%20x",
		"vm://1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
	};
	char   err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		if (http_check_url(good[i], err, sizeof(err)) != 0)
			print_error("%s: %s\n", good[i], err);
		assert_int_equal(http_check_url(good[i], err, sizeof(err)), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    http_check_url(bad[i], err, sizeof(err)), -EINVAL);
		assert_true(strlen(err) > 10);
		assert_null(strchr(err, '\n'));
	}
	assert_int_equal(
	    http_check_url("influx://h:0", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "port must be 1..65535"));
	assert_non_null(strstr(err, "influx"));
}

static void
test_status(void **state)
{
	struct srv  s;
	struct http h;
	char        url[64], want[128], err[256];

	(void)state;
	srv_start(&s);
	snprintf(url, sizeof(url), "test://127.0.0.1:%d/", s.port);
	client(&h, url, 2000, 0);

	assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
	assert_int_equal(h.status, 204);
	assert_string_equal(err, "");

	assert_int_equal(get(&h, "/bad?db=x&q=1", err, sizeof(err)), TGT_FAIL);
	assert_int_equal(h.status, 400);
	/* the URL without its query, the status, the body on one line */
	snprintf(want, sizeof(want),
	    "test http://127.0.0.1:%d/bad: HTTP 400: {\"error\":\"unable to "
	    "parse 'x y': bad line\"}",
	    s.port);
	assert_string_equal(err, want);
	assert_non_null(strstr(h.resp.p, "bad\nline"));
	/* a hostile body: escaped, printable, one line */
	assert_int_equal(get(&h, "/hostile", err, sizeof(err)), TGT_FAIL);
	snprintf(want, sizeof(want),
	    "test http://127.0.0.1:%d/hostile: HTTP 400: "
	    "\\x1b[2J\\xff\\xfe\\x00bin\\xc3zzz",
	    s.port);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("got %s", err);
	for (const char *p = err; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);

	assert_int_equal(get(&h, "/throttle", err, sizeof(err)), TGT_RETRY);
	assert_int_equal(h.status, 429);
	assert_non_null(strstr(err, "HTTP 429: slow down"));
	assert_int_equal(get(&h, "/busy", err, sizeof(err)), TGT_RETRY);
	assert_int_equal(h.status, 503);
	snprintf(want, sizeof(want), "test http://127.0.0.1:%d/busy: HTTP 503",
	    s.port);
	assert_string_equal(err, want);
	assert_int_equal(get(&h, "/err500", err, sizeof(err)), TGT_RETRY);
	assert_int_equal(get(&h, "/nope", err, sizeof(err)), TGT_FAIL);
	assert_int_equal(h.status, 404);
	/* a 503 takes the only host out, but it is still tried */
	assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);

	http_fini(&h);
	srv_stop(&s);
}

static void
test_body(void **state)
{
	static const char        body[] = "metrics,region=a cpu_user=1.5 1\n";
	static const char *const hdrs[] = { "X-Test: yes", NULL };
	struct srv               s;
	struct http              h;
	struct http_req          r = { .path = "/echo?x=1",
		         .ctype              = "text/plain",
		         .body               = body,
		         .len                = sizeof(body) - 1,
		         .hdrs               = hdrs };
	char                     url[64], err[256], want[128];

	(void)state;
	srv_start(&s);
	snprintf(url, sizeof(url), "test://127.0.0.1:%d", s.port);
	client(&h, url, 2000, 1000);

	assert_int_equal(http_request(&h, &r, err, sizeof(err)), TGT_OK);
	assert_int_equal(h.status, 200);
	snprintf(want, sizeof(want),
	    "POST /echo?x=1 %zu enc= type=text/plain\n%s", sizeof(body) - 1,
	    body);
	assert_string_equal(h.resp.p, want);
	assert_int_equal(h.resp.len, strlen(want));

	/* GET after POST: no body, GET method */
	assert_int_equal(get(&h, "/echo", err, sizeof(err)), TGT_OK);
	assert_string_equal(h.resp.p, "GET /echo 0 enc= type=\n");

	/* a response over the cap fails and says so */
	assert_int_equal(get(&h, "/big", err, sizeof(err)), TGT_FAIL);
	assert_non_null(strstr(err, "response larger than 1000 bytes"));
	assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);

	http_fini(&h);
	srv_stop(&s);
}

static void
test_gzip(void **state)
{
	struct srv      s;
	struct http     h;
	struct http_req r = { .path = "/echo", .gzip = true };
	char            url[64], err[256], *text, *out;
	size_t          n    = 100000, i;
	uLongf          olen = (uLongf)n + 16;
	z_stream        zs;
	const char     *nl;

	(void)state;
	text = malloc(n);
	out  = malloc(olen);
	for (i = 0; i < n; i++)
		text[i] = (char)('a' + i % 7 * (i % 3));
	r.body = text;
	r.len  = n;
	srv_start(&s);
	snprintf(url, sizeof(url), "test://127.0.0.1:%d/", s.port);
	client(&h, url, 2000, 0);

	assert_int_equal(http_request(&h, &r, err, sizeof(err)), TGT_OK);
	assert_non_null(strstr(h.resp.p, "enc=gzip"));
	nl = memchr(h.resp.p, '\n', h.resp.len);
	assert_non_null(nl);
	nl++;
	assert_true((size_t)(h.resp.p + h.resp.len - nl) < n / 2);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in   = (Bytef *)(uintptr_t)nl;
	zs.avail_in  = (uInt)(h.resp.p + h.resp.len - nl);
	zs.next_out  = (Bytef *)out;
	zs.avail_out = (uInt)olen;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, n);
	assert_memory_equal(out, text, n);
	inflateEnd(&zs);

	http_fini(&h);
	srv_stop(&s);
	free(text);
	free(out);
}

static void
test_keepalive(void **state)
{
	struct srv  s;
	struct http h;
	char        url[64], err[256];
	int         i;

	(void)state;
	srv_start(&s);
	snprintf(url, sizeof(url), "test://127.0.0.1:%d/", s.port);
	client(&h, url, 2000, 0);
	for (i = 0; i < 20; i++) {
		assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
		assert_int_equal(get(&h, "/bad", err, sizeof(err)), TGT_FAIL);
	}
	assert_int_equal(atomic_load(&s.reqs), 40);
	assert_int_equal(atomic_load(&s.conns), 1);
	assert_int_equal(h.connects, 1);
	/* the server closing the connection: curl tries once more on a
	 * fresh connection, then one more for what follows, kept again */
	assert_int_equal(get(&h, "/close", err, sizeof(err)), TGT_UNREACHABLE);
	assert_non_null(strstr(err, "Empty reply"));
	assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
	assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
	assert_int_equal(atomic_load(&s.conns), 3);
	assert_int_equal(h.connects, 3);
	http_fini(&h);
	srv_stop(&s);
}

static void
test_timeout(void **state)
{
	struct srv      s;
	struct http     h;
	char            url[64], err[256];
	struct timespec t0, t1;
	double          ms;

	(void)state;
	srv_start(&s);
	snprintf(url, sizeof(url), "test://127.0.0.1:%d/", s.port);
	client(&h, url, 300, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(get(&h, "/slow", err, sizeof(err)), TGT_RETRY);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3
	    + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	assert_true(ms >= 250 && ms < 790);
	assert_non_null(strstr(err, "/slow: "));
	assert_non_null(strstr(err, "imed out"));
	assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
	http_fini(&h);
	srv_stop(&s);
}

static void
test_refused(void **state)
{
	struct http h;
	char        url[96], err[256], want[96];
	int         p1 = dead_port(), p2 = dead_port();

	(void)state;
	snprintf(url, sizeof(url), "test://127.0.0.1:%d,127.0.0.1:%d/?db=x",
	    p1, p2);
	client(&h, url, 1000, 0);
	assert_int_equal(
	    get(&h, "/write?db=x", err, sizeof(err)), TGT_UNREACHABLE);
	assert_int_equal(h.status, 0);
	/* both hosts tried once, the message names the last one */
	assert_int_equal(h.host[0].fails, 1);
	assert_int_equal(h.host[1].fails, 1);
	assert_int_equal(h.failovers, 1);
	snprintf(want, sizeof(want), "test http://127.0.0.1:%d/write: ", p2);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("got %s", err);
	assert_non_null(strstr(err, "onnect"));
	assert_null(strchr(err, '\n'));
	/* all out: the first one back is tried, alone */
	assert_int_equal(get(&h, "/write", err, sizeof(err)), TGT_UNREACHABLE);
	assert_int_equal(h.failovers, 1);
	http_fini(&h);
}

static void
test_round_robin(void **state)
{
	struct srv  a, b;
	struct http h;
	char        url[96], err[256];
	int         i;

	(void)state;
	srv_start(&a);
	srv_start(&b);
	snprintf(url, sizeof(url), "test://127.0.0.1:%d,127.0.0.1:%d/", a.port,
	    b.port);
	client(&h, url, 2000, 0);
	for (i = 0; i < 10; i++) {
		assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
		assert_int_equal(h.last, (unsigned)i % 2);
	}
	assert_int_equal(atomic_load(&a.reqs), 5);
	assert_int_equal(atomic_load(&b.reqs), 5);
	/* one kept-alive connection per host */
	assert_int_equal(atomic_load(&a.conns), 1);
	assert_int_equal(atomic_load(&b.conns), 1);
	/* a refused request is not a host failure: no failover */
	assert_int_equal(get(&h, "/bad", err, sizeof(err)), TGT_FAIL);
	assert_int_equal(h.failovers, 0);
	http_fini(&h);
	srv_stop(&a);
	srv_stop(&b);
}

static void
test_failover(void **state)
{
	struct srv  a, b;
	struct http h;
	char        url[128], err[256];
	int         dead = dead_port(), i, before;

	(void)state;
	srv_start(&a);
	srv_start(&b);
	snprintf(url, sizeof(url),
	    "test://127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d/", a.port, dead,
	    b.port);
	client(&h, url, 2000, 0);
	/* the dead host is found, taken out, and its request moves on */
	for (i = 0; i < 12; i++)
		assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
	assert_int_equal(h.host[1].fails, 1);
	assert_int_equal(h.failovers, 1);
	assert_int_equal(atomic_load(&a.reqs) + atomic_load(&b.reqs), 12);
	assert_true(atomic_load(&a.reqs) >= 5 && atomic_load(&b.reqs) >= 5);
	/* after down_ms it is tried again (and fails again) */
	usleep(300 * 1000);
	for (i = 0; i < 3; i++)
		assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
	assert_int_equal(h.host[1].fails, 2);
	assert_int_equal(h.failovers, 2);
	/* a host that goes away mid-run: the rest carry on */
	srv_stop(&a);
	before = atomic_load(&b.reqs);
	for (i = 0; i < 10; i++)
		assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_OK);
	assert_int_equal(atomic_load(&b.reqs) - before, 10);
	assert_true(h.host[0].fails >= 1);
	/* the last one going away too: retry, with the reason */
	srv_stop(&b);
	assert_int_equal(get(&h, "/ok", err, sizeof(err)), TGT_UNREACHABLE);
	assert_non_null(strstr(err, "onnect"));
	http_fini(&h);
}

static void
test_urlencode(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(
	    http_urlencode(&b, "SELECT \"a\"='b c'&x=1;é", 23), 0);
	assert_int_equal(buf_cstr(&b), 0);
	assert_string_equal(
	    b.p, "SELECT%20%22a%22%3D%27b%20c%27%26x%3D1%3B%C3%A9");
	buf_reset(&b);
	assert_int_equal(http_urlencode(&b, "aZ09-._~", 8), 0);
	assert_int_equal(b.len, 8);
	buf_free(&b);
	buf_init(&b, 4);
	assert_int_equal(http_urlencode(&b, "  ", 2), -ENOSPC);
	buf_free(&b);
}

static void
test_init_errors(void **state)
{
	struct http      h;
	struct http_opts o = { .name = "influx", .def_port = 8086 };
	char             err[256];

	(void)state;
	assert_int_equal(
	    http_init(&h, "influx://h:99999/", &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "influx"));
	http_fini(&h);
	assert_int_equal(
	    http_init(&h, "influx://localhost/", &o, err, sizeof(err)), 0);
	assert_string_equal(h.host[0].base, "http://localhost:8086");
	http_fini(&h);
	assert_int_equal(
	    http_init(&h, "influx://[::1]:9/", &o, err, sizeof(err)), 0);
	assert_string_equal(h.host[0].base, "http://[::1]:9");
	http_fini(&h);
}

#define STR(x)                                                                \
	{                                                                     \
		x, sizeof(x) - 1                                              \
	}

/* lph_write: outcomes of /write answers, refused lines counted. */
static void
test_lp_write(void **state)
{
	static const struct dimgroup g = {
		.sk      = FX_METRICS,
		.dim     = { STR("r"), STR("c"), STR("s"), STR("az"), STR("m"),
		        STR("t"), STR("o"), { NULL, 0 } },
		.kind    = SERIES_METRICS,
		.name_at = 7,
	};
	static const struct series se
	    = { .g = &g, .name = "i", .name_len = 1, .kind = SERIES_METRICS };
	static const struct {
		const char     *db;
		enum tgt_status st;
		unsigned        rejected;
	} cases[] = {
		{ "ok", TGT_OK, 0 },
		{ "rej", TGT_OK, 2 },
		{ "drop", TGT_OK, 3 },
		{ "ts", TGT_FAIL, 0 },
		{ "busy", TGT_RETRY, 0 },
	};
	struct sample   smp  = { .series = &se, .time_ms = 1, .count = 20 };
	struct batch    b    = { .s = &smp, .n = 1, .records = 20 };
	struct tgt_conf conf = { .database = "devops" };
	struct srv      s;
	struct lph      l;
	char            url[96], err[256];
	unsigned        rej, i;

	(void)state;
	srv_start(&s);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(url, sizeof(url), "test://127.0.0.1:%d/?db=%s",
		    s.port, cases[i].db);
		conf.url = url;
		assert_int_equal(
		    lph_open(&l, "test", 80, &conf, err, sizeof(err)), 0);
		err[0] = '\0';
		rej    = 99;
		assert_int_equal(
		    lph_write(&l, &b, &rej, err, sizeof(err)), cases[i].st);
		assert_int_equal(rej, cases[i].rejected);
		if (cases[i].st == TGT_FAIL)
			assert_non_null(strstr(err, "HTTP 400: "));
		lph_close(&l);
	}
	/* 20 lines in bodies of at most 4 KiB (at least one sample each) */
	snprintf(
	    url, sizeof(url), "test://127.0.0.1:%d/?max_body=4096", s.port);
	conf.url = url;
	assert_int_equal(lph_open(&l, "test", 80, &conf, err, sizeof(err)), 0);
	assert_string_equal(l.wpath, "/write?db=devops&precision=ms");
	assert_int_equal(lph_write(&l, &b, &rej, err, sizeof(err)), TGT_OK);
	lph_close(&l);
	srv_stop(&s);
}

/* An InfluxQL answer whose series has more tags than are kept: the rest
 * are skipped and the rows still read. */
static void
test_influx_many_tags(void **state)
{
	struct tgt_conf conf = { .database = "devops" };
	struct tgt_ctx  ctx  = { .ops = &target_influx, .conf = &conf };
	struct tgt_qres res  = { 0 };
	struct srv      s;
	char            url[96];

	(void)state;
	srv_start(&s);
	snprintf(url, sizeof(url), "influx://127.0.0.1:%d/?db=x", s.port);
	conf.url = url;
	assert_int_equal(target_influx.init(&ctx), 0);
	assert_int_equal(target_influx.query(&ctx, "SELECT 1", &res), TGT_OK);
	assert_int_equal(res.rows, 2);
	target_influx.fini(&ctx);
	srv_stop(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_check_url),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_failover),
		cmocka_unit_test(test_urlencode),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_lp_write),
		cmocka_unit_test(test_influx_many_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
