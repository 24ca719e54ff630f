/* cluster.c - the hosts of a target URL and their health (cluster.h). */
#include "cluster.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backoff.h"

/* Backoff of the probes of a host that is out: 100 ms, doubling, 5 s. */
#define PROBE_BASE_NS (100ull * 1000 * 1000)
#define PROBE_CAP_NS (5000ull * 1000 * 1000)

/* The parts of "scheme://user@hosts/path?query": offsets into url. */
struct url_parts {
	size_t hosts, hosts_end; /* the host list */
	size_t query;            /* '?' or the end */
	bool   authority;        /* has "//" */
};

static void
split_url(const char *url, struct url_parts *p)
{
	const char *ss = strstr(url, "://");
	size_t      a, e, at;

	memset(p, 0, sizeof(*p));
	p->query = strcspn(url, "?");
	if (!ss || (size_t)(ss - url) > p->query)
		return;
	p->authority = true;
	a            = (size_t)(ss - url) + 3;
	e            = a + strcspn(url + a, "/?");
	at           = a;
	for (size_t i = a; i < e; i++)
		if (url[i] == '@')
			at = i + 1;
	p->hosts     = at;
	p->hosts_end = e;
}

unsigned
cluster_count(const char *url)
{
	struct url_parts p;
	unsigned         n = 1;

	split_url(url, &p);
	for (size_t i = p.hosts; p.authority && i < p.hosts_end; i++)
		n += url[i] == ',';
	return n;
}

/* Appends the query of url without its balance= parameter to out (at
 * *at); the value of balance into bal (empty if none). */
static int
put_query(const char *url, size_t q, char *out, size_t n, size_t *at,
    char *bal, size_t baln)
{
	const char *s     = url + q;
	bool        first = true;

	bal[0] = '\0';
	if (*s != '?')
		return 0;
	s++;
	while (*s) {
		size_t len = strcspn(s, "&");
		int    w;

		if (len >= 8 && !strncmp(s, "balance=", 8)) {
			snprintf(bal, baln, "%.*s", (int)(len - 8), s + 8);
			if (len - 8 >= baln)
				bal[baln - 1] = '\0';
		} else if (len) {
			w = snprintf(out + *at, n - *at, "%c%.*s",
			    first ? '?' : '&', (int)len, s);
			if (w < 0 || (size_t)w >= n - *at)
				return -ENOSPC;
			*at += (size_t)w;
			first = false;
		}
		s += len;
		if (*s == '&')
			s++;
	}
	return 0;
}

/* The URL of host [h0, h1) of url (the whole host list for h0 == h1 ==
 * 0 with one host), without balance=, into out. */
static int
host_url(const char *url, const struct url_parts *p, size_t h0, size_t h1,
    char *out, size_t n, char *bal, size_t baln)
{
	size_t at;
	int    w;

	if (!p->authority) {
		w  = snprintf(out, n, "%.*s", (int)p->query, url);
		at = (size_t)w;
	} else {
		w  = snprintf(out, n, "%.*s%.*s%.*s", (int)p->hosts, url,
		     (int)(h1 - h0), url + h0, (int)(p->query - p->hosts_end),
		     url + p->hosts_end);
		at = (size_t)w;
	}
	if (w < 0 || (size_t)w >= n)
		return -ENOSPC;
	return put_query(url, p->query, out, n, &at, bal, baln);
}

int
cluster_strip(const char *url, char *out, size_t n)
{
	struct url_parts p;
	char             bal[16];

	split_url(url, &p);
	return host_url(
	    url, &p, p.hosts, p.hosts_end, out, n, bal, sizeof(bal));
}

int
cluster_parse(struct cluster *c, const char *url, char *err, size_t errlen)
{
	struct url_parts p;
	char             bal[16] = "";
	size_t           h0;
	int              rc = 0;

	memset(c, 0, sizeof(*c));
	split_url(url, &p);
	h0 = p.hosts;
	while (!rc) {
		size_t h1 = h0;

		while (p.authority && h1 < p.hosts_end && url[h1] != ',')
			h1++;
		if (c->n == CLUSTER_HOSTS_MAX) {
			snprintf(err, errlen,
			    "--target: more than %d hosts in one cluster",
			    CLUSTER_HOSTS_MAX);
			return -EINVAL;
		}
		if (p.authority && h1 == h0 && cluster_count(url) > 1) {
			snprintf(err, errlen,
			    "--target: an empty host in the host list \"%.*s\"",
			    (int)(p.hosts_end - p.hosts), url + p.hosts);
			return -EINVAL;
		}
		rc = host_url(url, &p, h0, h1, c->h[c->n].url,
		    sizeof(c->h[c->n].url), bal, sizeof(bal));
		snprintf(c->h[c->n].name, sizeof(c->h[c->n].name), "%.*s",
		    (int)(h1 - h0), url + h0);
		c->n++;
		if (!p.authority || h1 >= p.hosts_end)
			break;
		h0 = h1 + 1;
	}
	if (rc) {
		snprintf(err, errlen, "--target: URL longer than %d bytes",
		    CLUSTER_URL_MAX - 1);
		return -EINVAL;
	}
	if (!bal[0] || !strcmp(bal, "rr"))
		c->bal = CLUSTER_RR;
	else if (!strcmp(bal, "hash"))
		c->bal = CLUSTER_HASH;
	else {
		snprintf(err, errlen,
		    "--target: balance=%s: expected rr or hash", bal);
		return -EINVAL;
	}
	return 0;
}

bool
cluster_wanted(const char *url)
{
	const char *q = strchr(url, '?');

	return cluster_count(url) > 1
	    || (q && (strstr(q, "?balance=") || strstr(q, "&balance=")));
}

static bool
usable(const struct host_health *h, uint64_t now)
{
	return !h->down || now >= h->probe_ns;
}

int
health_pick(
    const struct host_health *h, unsigned n, unsigned first, uint64_t now)
{
	for (unsigned j = 0; j < n; j++) {
		unsigned i = (first + j) % n;

		if (usable(&h[i], now))
			return (int)i;
	}
	return -1;
}

unsigned
health_soonest(const struct host_health *h, unsigned n)
{
	unsigned best = 0;

	for (unsigned i = 1; i < n; i++)
		if (h[i].probe_ns < h[best].probe_ns)
			best = i;
	return best;
}

void
health_up(struct host_health *h)
{
	h->down  = false;
	h->fails = 0;
}

void
health_down(struct host_health *h, uint64_t now, uint64_t hold_ns)
{
	if (!h->down)
		h->down_since_ns = now;
	h->down     = true;
	h->probe_ns = now
	    + (hold_ns
	            ? hold_ns
	            : backoff_ceiling(PROBE_BASE_NS, PROBE_CAP_NS, h->fails));
	h->fails++;
}

int
cluster_pick(struct cluster *c, uint64_t key, uint64_t now, unsigned *pref)
{
	unsigned first;

	if (c->bal == CLUSTER_HASH) {
		first = (unsigned)(key % c->n);
	} else {
		first   = c->next;
		c->next = (c->next + 1) % c->n;
	}
	*pref = first;
	return health_pick(c->hl, c->n, first, now);
}

void
cluster_up(struct cluster *c, unsigned i)
{
	health_up(&c->hl[i]);
}

void
cluster_down(struct cluster *c, unsigned i, uint64_t now)
{
	health_down(&c->hl[i], now, 0);
}

uint64_t
cluster_next_probe(const struct cluster *c)
{
	uint64_t t = UINT64_MAX;

	for (unsigned i = 0; i < c->n; i++)
		if (c->hl[i].down && c->hl[i].probe_ns < t)
			t = c->hl[i].probe_ns;
	return t;
}

uint64_t
cluster_key(const char *name, size_t len, unsigned kind)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ull;
	}
	h ^= kind;
	h *= 1099511628211ull;
	return h;
}
