/* slowsink.c - a test server for --batch-size auto: it takes line
 * protocol on POST /write (as VictoriaMetrics does, for vm:// URLs) and
 * answers each request after a time that is a known function of its
 * number of lines n, so that records per second peak at a known size:
 *
 *   cost(n) = BASE x (1 + n / BEST)              n <= BEST
 *   cost(n) = BASE x (2 + 3 d + 2 d^2)           n >  BEST, d = n/BEST - 1
 *
 * n / cost(n) is largest at n = BEST, and a factor 2^0.25 either side
 * is about 10% slower. The time is slept, so a busy machine changes it
 * little. GET /health answers OK (vm:// set-up); anything else is 404.
 *
 *   slowsink PORTFILE BASE_MS BEST [LOG]
 *
 * Listens on 127.0.0.1 at a free port, writes the port to PORTFILE once
 * listening, appends "n\n" per write request to LOG, and serves until
 * killed. One thread per connection; keep-alive.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { HDR_MAX = 16384 };

static double          base_ms, best;
static FILE           *req_log;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static double
cost_ms(double n)
{
	double d = n / best - 1;

	return n <= best ? base_ms * (1 + n / best)
	                 : base_ms * (2 + 3 * d + 2 * d * d);
}

static void
nap_ms(double ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
		.tv_nsec
		= (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int
send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Serves one connection until it closes. */
static void *
serve(void *arg)
{
	int    fd   = (int)(intptr_t)arg;
	char  *hdr  = malloc(HDR_MAX + 1);
	size_t have = 0;
	char  *body = malloc(1);
	size_t cap  = 0;

	for (;;) {
		char   *end, *cl;
		size_t  hlen, len = 0, got;
		ssize_t k;
		long    lines = 0;
		bool    health, is_write;

		/* headers */
		while (!(end = memmem(hdr, have, "\r\n\r\n", 4))) {
			if (have >= HDR_MAX)
				goto out;
			k = recv(fd, hdr + have, HDR_MAX - have, 0);
			if (k <= 0)
				goto out;
			have += (size_t)k;
		}
		hlen          = (size_t)(end - hdr) + 4;
		hdr[hlen - 2] = '\0';
		for (cl = hdr; (cl = strchr(cl, '\n')); cl++)
			if (!strncasecmp(cl + 1, "content-length:", 15))
				len = strtoul(cl + 16, NULL, 10);
		/* before the next request's bytes move to the front */
		health   = !strncmp(hdr, "GET /health", 11);
		is_write = !strncmp(hdr, "POST /write", 11);
		if (len > cap) {
			cap  = len;
			body = realloc(body, cap + 1);
		}
		got = have - hlen < len ? have - hlen : len;
		memcpy(body, hdr + hlen, got);
		memmove(hdr, hdr + hlen + got, have - hlen - got);
		have -= hlen + got;
		while (got < len) {
			k = recv(fd, body + got, len - got, 0);
			if (k <= 0)
				goto out;
			got += (size_t)k;
		}
		if (health) {
			static const char ok[] = "HTTP/1.1 200 OK\r\n"
			                         "Content-Length: 2\r\n\r\nOK";

			if (send_all(fd, ok, sizeof(ok) - 1))
				goto out;
			continue;
		}
		if (!is_write) {
			static const char nf[] = "HTTP/1.1 404 Not Found\r\n"
			                         "Content-Length: 0\r\n\r\n";

			if (send_all(fd, nf, sizeof(nf) - 1))
				goto out;
			continue;
		}
		for (size_t i = 0; i < len; i++)
			lines += body[i] == '\n';
		if (len && body[len - 1] != '\n')
			lines++;
		nap_ms(cost_ms((double)lines));
		if (req_log) {
			pthread_mutex_lock(&log_lock);
			fprintf(req_log, "%ld\n", lines);
			fflush(req_log);
			pthread_mutex_unlock(&log_lock);
		}
		{
			static const char nc[]
			    = "HTTP/1.1 204 No Content\r\n\r\n";

			if (send_all(fd, nc, sizeof(nc) - 1))
				goto out;
		}
	}
out:
	close(fd);
	free(hdr);
	free(body);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a    = { .sin_family = AF_INET };
	socklen_t          alen = sizeof(a);
	FILE              *pf;
	char               tmp[4096];
	int                s, one = 1;

	if (argc < 4 || (base_ms = atof(argv[2])) <= 0
	    || (best = atof(argv[3])) < 1) {
		fprintf(
		    stderr, "usage: slowsink PORTFILE BASE_MS BEST [LOG]\n");
		return 2;
	}
	if (argc > 4 && !(req_log = fopen(argv[4], "a"))) {
		perror(argv[4]);
		return 1;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s                 = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 64)
	    || getsockname(s, (struct sockaddr *)&a, &alen)) {
		perror("slowsink: listen");
		return 1;
	}
	/* whole or not there: the test polls for it */
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	pf = fopen(tmp, "w");
	if (!pf || fprintf(pf, "%u\n", ntohs(a.sin_port)) < 0 || fclose(pf)
	    || rename(tmp, argv[1])) {
		perror(argv[1]);
		return 1;
	}
	for (;;) {
		pthread_t t;
		int       c = accept(s, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("slowsink: accept");
			return 1;
		}
		if (pthread_create(&t, NULL, serve, (void *)(intptr_t)c)) {
			close(c);
			continue;
		}
		pthread_detach(t);
	}
}
