/* httpsrv.c - one path served over HTTP by nng's server (httpsrv.h). */
#include "httpsrv.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>

#include "xalloc.h"

struct httpsrv {
	nng_http_server *srv;
	pthread_mutex_t  lock;
	char            *text; /* what GET answers, under lock */
	size_t           len;
	uint64_t         served;
	char             ctype[96];
};

/* nng's handler: runs on an nng thread for every GET (and HEAD) of the
 * path; answers 200 with a copy of the current text. */
static void
on_get(nng_aio *aio)
{
	nng_http_handler *h = nng_aio_get_input(aio, 1);
	struct httpsrv   *s = nng_http_handler_get_data(h);
	nng_http_res     *res;
	int               rv;

	rv = nng_http_res_alloc(&res);
	if (rv) {
		nng_aio_finish(aio, rv);
		return;
	}
	pthread_mutex_lock(&s->lock);
	rv = nng_http_res_copy_data(res, s->text ? s->text : "", s->len);
	s->served++;
	pthread_mutex_unlock(&s->lock);
	if (!rv)
		rv = nng_http_res_set_header(res, "Content-Type", s->ctype);
	if (rv) {
		nng_http_res_free(res);
		nng_aio_finish(aio, rv);
		return;
	}
	nng_aio_set_output(aio, 0, res);
	nng_aio_finish(aio, 0);
}

/* Frees s: the handler's data destructor, so that nng frees it only
 * once no connection can call on_get any more. */
static void
httpsrv_free(void *arg)
{
	struct httpsrv *s = arg;

	pthread_mutex_destroy(&s->lock);
	free(s->text);
	free(s);
}

int
httpsrv_start(struct httpsrv **out, const char *addr, unsigned port,
    const char *path, const char *ctype, char *err, size_t errlen)
{
	struct httpsrv   *s   = xcalloc(1, sizeof(*s));
	nng_http_server  *srv = NULL;
	nng_http_handler *h   = NULL;
	nng_url          *url;
	bool              v6    = strchr(addr, ':') != NULL;
	bool              owned = false; /* by h: freed with it */
	char              u[160];
	int               rv;

	*out = NULL;
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->ctype, sizeof(s->ctype), "%s", ctype);
	snprintf(u, sizeof(u), "http://%s%s%s:%u", v6 ? "[" : "", addr,
	    v6 ? "]" : "", port);
	rv = nng_url_parse(&url, u);
	if (!rv) {
		rv = nng_http_server_hold(&srv, url);
		nng_url_free(url);
	}
	if (!rv)
		rv = nng_http_handler_alloc(&h, path, on_get);
	if (!rv) {
		rv    = nng_http_handler_set_data(h, s, httpsrv_free);
		owned = rv == 0;
		if (!rv)
			rv = nng_http_server_add_handler(srv, h);
		if (rv)
			nng_http_handler_free(h); /* and s, if owned */
	}
	if (!rv)
		rv = nng_http_server_start(srv); /* on failure, release frees
		                                    h and s */
	if (rv) {
		snprintf(err, errlen, "cannot serve %s%s: %s", u, path,
		    nng_strerror(rv));
		if (srv)
			nng_http_server_release(srv);
		if (!owned)
			httpsrv_free(s);
		return rv;
	}
	s->srv = srv;
	*out   = s;
	return 0;
}

int
httpsrv_set(struct httpsrv *s, const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	pthread_mutex_lock(&s->lock);
	free(s->text);
	s->text = copy;
	s->len  = len;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

uint64_t
httpsrv_served(struct httpsrv *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->lock);
	n = s->served;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void
httpsrv_stop(struct httpsrv *s)
{
	if (!s)
		return;
	/* s is freed with the handler, once the server is gone */
	nng_http_server_stop(s->srv);
	nng_http_server_release(s->srv);
}
