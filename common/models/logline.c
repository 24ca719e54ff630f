/* logline.c - lumberer's log lines, good and bad (seed-behaviour-2 §1.6,
 * §1.7). No printf: fields are copied and numbers written with fmt.
 */
#include "logline.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "fmt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const type_names[LOGL_N]
    = { "apache", "cloudfront", "cloudflare" };

/* Streams of xrng_seed: a chunk's lines, good and bad visitors. */
#define STREAM_CHUNK (1ULL << 56)
#define STREAM_GOOD (2ULL << 56)
#define STREAM_BAD (3ULL << 56)
#define STREAM_WALL (4ULL << 56)

static const char *const bad_queries[] = { "", "!!a=1,b=2,c=3", "%cat=lovely",
	"-----=two&f=1", "$$end=1", "^^q=2" };
static const char *const bad_protos[]  = { "HTTP/5.0", "PTTH/0.1" };
static const char *const bad_statuses[]
    = { "1", "25", "91", "602", "603", "700", "701", "804", "900", "1000" };
static const char *const good_statuses[]
    = { "200", "201", "301", "302", "303", "400", "401", "404", "500", "502" };
static const char bad_path_prefix[] = "!?\xc2\xa3$%^&*()-_";
static const char bad_rt_prefix[]   = "!\"\xc2\xa3$%^&*()-_";

int
logl_type_parse(const char *s)
{
	for (int i = 0; i < LOGL_N; i++)
		if (s && !strcasecmp(s, type_names[i]))
			return i;
	return -1;
}

const char *
logl_type_name(enum logl_type t)
{
	return t < LOGL_N ? type_names[t] : "?";
}

void
logl_init(struct logl_gen *g, const struct logl_conf *c, unsigned thread)
{
	memset(g, 0, sizeof(*g));
	g->c = *c;
	xrng_seed(&g->wall_r, c->seed, STREAM_WALL | thread);
}

static char *
put(char *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(o, s, n);
	return o + n;
}

static char *
puts_(char *o, struct logf_str s)
{
	memcpy(o, s.p, s.n);
	return o + s.n;
}

static char *
putn(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

/* The visitor of line `line`: the cached one, or a new one when its
 * window (or its second, visitor_lines 0) is over. */
static const struct logf_visitor *
visitor(struct logl_gen *g, uint64_t line, bool bad)
{
	struct logf_visitor *v  = bad ? &g->bad : &g->good;
	uint64_t            *w  = bad ? &g->bad_w : &g->good_w;
	uint64_t            *at = bad ? &g->bad_ns : &g->good_ns;
	struct xrng          r, *rp = &r;
	int64_t              ts;

	if (g->c.visitor_lines) {
		uint64_t win = line / g->c.visitor_lines + 1;

		if (*w == win)
			return v;
		*w = win;
		xrng_seed(
		    &r, g->c.seed, (bad ? STREAM_BAD : STREAM_GOOD) | win);
	} else {
		uint64_t now = now_ns();

		if (*w && now - *at < 1000000000ULL)
			return v;
		*w  = 1;
		*at = now;
		rp  = &g->wall_r;
	}
	ts = g->c.realtime ? wall_ms() / 1000 : g->c.start_s;
	if (bad)
		logf_visitor_bad(v, rp, ts);
	else
		logf_visitor_good(v, rp, ts);
	return v;
}

/* The per-line fields (§1.3), drawn in the seed's order. */
struct fields {
	char        path[96 + sizeof(bad_path_prefix)];
	size_t      path_n;
	const char *query, *status, *proto; /* proto: bad lines only */
	char        size[4 * 64 + 8];       /* "-", a number, or a literal */
	size_t      size_n;
	bool        size_num; /* a number (Cloudflare prints '-' as 0) */
	char        rt[48];
	size_t      rt_n;
};

/* round(u / 10, 3) in Python's repr: 0.068, 0.05, 0.0, 0.1. */
static size_t
rt_text(double u, char *out)
{
	unsigned k = (unsigned)nearbyint(u * 100.0);
	char    *o = out;

	if (k >= 100)
		return (size_t)(put(o, "0.1") - out);
	/* k thousandths: "0." and three digits, trailing zeros cut */
	o    = put(o, "0.");
	o[0] = (char)('0' + k / 100);
	o[1] = (char)('0' + k / 10 % 10);
	o[2] = (char)('0' + k % 10);
	o += 3;
	while (o[-1] == '0' && o[-2] != '.')
		o--;
	return (size_t)(o - out);
}

/* Python's repr of 64 random bytes: b'...' (b"..." when ' and no "). */
static size_t
bytes_literal(const uint8_t *b, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	bool              sq = false, dq = false;
	char              q, *o          = out;

	for (size_t i = 0; i < n; i++) {
		sq |= b[i] == '\'';
		dq |= b[i] == '"';
	}
	q    = sq && !dq ? '"' : '\'';
	*o++ = 'b';
	*o++ = q;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = b[i];

		if (c == '\\' || c == (uint8_t)q) {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\t' || c == '\n' || c == '\r') {
			*o++ = '\\';
			*o++ = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
		} else if (c >= 0x20 && c < 0x7f) {
			*o++ = (char)c;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o++ = q;
	return (size_t)(o - out);
}

static void
good_fields(struct xrng *r, struct fields *f, bool want_rt)
{
	uint64_t size;
	double   u;

	f->path_n   = logf_uri_path(r, f->path);
	f->query    = logf_queries[xrng_below(r, LOGF_N_QUERIES)];
	f->status   = good_statuses[xrng_below(r, LOGF_N_STATUSES)];
	size        = xrng_below(r, 10000);
	f->size_num = xrng_next(r) >> 63;
	f->size_n   = f->size_num ? fmt_u64(f->size, size) : 1;
	if (!f->size_num)
		f->size[0] = '-';
	if (!want_rt)
		return;
	u       = xrng_uniform(r);
	f->rt_n = xrng_next(r) >> 63 ? rt_text(u, f->rt) : 1;
	if (f->rt_n == 1)
		f->rt[0] = '-';
}

static void
bad_fields(struct xrng *r, struct fields *f)
{
	uint8_t  raw[64];
	char    *o;
	unsigned k;

	o         = put(f->path, bad_path_prefix);
	f->path_n = (size_t)(o - f->path) + logf_uri_path(r, o);
	f->query  = bad_queries[xrng_below(r, N(bad_queries))];
	f->proto  = bad_protos[xrng_below(r, N(bad_protos))];
	f->status = bad_statuses[xrng_below(r, N(bad_statuses))];
	for (size_t i = 0; i < sizeof(raw); i += 8) {
		uint64_t w = xrng_next(r);

		memcpy(raw + i, &w, 8);
	}
	f->size_num = false;
	switch (xrng_below(r, 3)) {
	case 0:
		f->size[0]  = '-';
		f->size_n   = 1;
		f->size_num = true; /* Cloudflare's 0 */
		break;
	case 1:
		f->size_n = (size_t)(put(f->size, "not-a-number") - f->size);
		break;
	default:
		f->size_n = bytes_literal(raw, sizeof(raw), f->size);
		break;
	}
	k = (unsigned)xrng_below(r, 4);
	if (k == 0) {
		f->rt[0] = '-';
		f->rt_n  = 1;
	} else if (k == 1) {
		f->rt_n = 0;
	} else if (k == 2) {
		f->rt_n = (size_t)(put(f->rt, "long_time") - f->rt);
	} else {
		o       = put(f->rt, bad_rt_prefix);
		f->rt_n = (size_t)(o - f->rt) + rt_text(xrng_uniform(r), o);
	}
}

/* §1.6.1: IP - USER [TS] "METHOD /PATHQUERY PROTO" STATUS SIZE "REF" "UA" */
static char *
apache(char *o, const struct logf_visitor *v, const struct fields *f,
    const char *proto, size_t proto_n)
{
	o    = puts_(o, v->ip);
	o    = putn(o, " - ", 3);
	o    = puts_(o, v->user);
	o    = putn(o, " [", 2);
	o    = putn(o, v->ts_apache, v->n_apache);
	o    = putn(o, "] \"", 3);
	o    = puts_(o, v->method);
	o    = putn(o, " /", 2);
	o    = putn(o, f->path, f->path_n);
	o    = put(o, f->query);
	*o++ = ' ';
	o    = putn(o, proto, proto_n);
	o    = putn(o, "\" ", 2);
	o    = put(o, f->status);
	*o++ = ' ';
	o    = putn(o, f->size, f->size_n);
	o    = putn(o, " \"", 2);
	o    = puts_(o, v->referer);
	o    = putn(o, "\" \"", 3);
	o    = puts_(o, v->ua);
	o    = putn(o, "\"\n", 2);
	return o;
}

/* §1.6.2: 26 space-separated fields, then an empty line. */
static char *
cloudfront(char *o, const struct logf_visitor *v, const struct fields *f,
    const char *proto, size_t proto_n)
{
	o    = putn(o, v->ts_space, v->n_space);
	o    = put(o, " Casdf3-C1 ");
	o    = putn(o, f->size, f->size_n);
	*o++ = ' ';
	o    = puts_(o, v->ip);
	*o++ = ' ';
	o    = puts_(o, v->method);
	o    = put(o, " d1yn713.cloudfront.net ");
	o    = putn(o, f->path, f->path_n);
	*o++ = ' ';
	o    = put(o, f->status);
	*o++ = ' ';
	o    = puts_(o, v->referer);
	*o++ = ' ';
	o    = puts_(o, v->ua);
	*o++ = ' ';
	o    = put(o, f->query);
	*o++ = ' ';
	o    = puts_(o, v->user);
	o    = put(o,
	       " Miss S7rh9sTk8_hC6HUOjWRywP4s5Leyg9q_JZd-8P49wQ== "
	          "sports.dummydomain.com ");
	o    = putn(o, proto, proto_n);
	*o++ = ' ';
	o    = putn(o, f->size, f->size_n);
	*o++ = ' ';
	o    = putn(o, f->rt, f->rt_n);
	o    = put(o, " - (ssl_protocol) ECDHE-RSA-AES128-GCM-SHA256 Miss ");
	o    = putn(o, proto, proto_n);
	o    = put(o, " - -\n\n");
	return o;
}

/* Cloudflare's size: '-' is 0, anything else unquoted as it is. */
static char *
cf_size(char *o, const struct fields *f)
{
	if (f->size_n == 1 && f->size[0] == '-') {
		*o++ = '0';
		return o;
	}
	return putn(o, f->size, f->size_n);
}

/* §1.6.3: one JSON object, fixed key order, no escaping. */
static char *
cloudflare(char *o, const struct logf_visitor *v, const struct fields *f,
    const char *proto, size_t proto_n)
{
	o = put(o, "{\"CacheCacheStatus\":\"hit\",\"CacheResponseBytes\":");
	o = cf_size(o, f);
	o = put(o, ",\"CacheResponseStatus\":");
	o = put(o, f->status);
	o = put(o,
	    ",\"CacheTieredFill\":false,\"ClientASN\":5607,"
	    "\"ClientCountry\":\"");
	o = puts_(o, v->loc);
	o = put(o, "\",\"ClientDeviceType\":\"mobile\",\"ClientIP\":\"");
	o = puts_(o, v->ip);
	o = put(
	    o, "\",\"ClientIPClass\":\"noRecord\",\"ClientRequestBytes\":");
	o = cf_size(o, f);
	o = put(o, ",\"ClientRequestHost\":\"");
	o = puts_(o, v->host);
	o = put(o, "\",\"ClientRequestMethod\":\"");
	o = puts_(o, v->method);
	o = put(o, "\",\"ClientRequestProtocol\":\"");
	o = putn(o, proto, proto_n);
	o = put(o, "\",\"ClientRequestReferer\":\"");
	o = puts_(o, v->referer);
	o = put(o, "\",\"ClientRequestURI\":\"");
	o = putn(o, f->path, f->path_n);
	o = put(o, "\",\"ClientRequestUserAgent\":\"");
	o = puts_(o, v->ua);
	o = put(o,
	    "\",\"ClientSSLCipher\":\"ECDHE-RSA-AES128-GCM-SHA256\","
	    "\"ClientSSLProtocol\":\"TLSv1.2\",\"ClientSrcPort\":59400,"
	    "\"EdgeColoID\":21,\"EdgeEndTimestamp\":\"");
	o = putn(o, v->ts_iso, v->n_iso);
	o = put(o,
	    "\",\"EdgePathingOp\":\"wl\",\"EdgePathingSrc\":\"macro\","
	    "\"EdgePathingStatus\":\"nr\",\"EdgeRateLimitAction\":\"\","
	    "\"EdgeRateLimitID\":0,\"EdgeRequestHost\":\"");
	o = puts_(o, v->host);
	o = put(o, "\",\"EdgeResponseBytes\":");
	o = cf_size(o, f);
	o = put(o,
	    ",\"EdgeResponseCompressionRatio\":0,"
	    "\"EdgeResponseContentType\":\"application/x-javascript;"
	    "charset=utf-8\",\"EdgeResponseStatus\":");
	o = put(o, f->status);
	o = put(o, ",\"EdgeServerIP\":\"\",\"EdgeStartTimestamp\":\"");
	o = putn(o, v->ts_iso, v->n_iso);
	o = put(o,
	    "\",\"OriginIP\":\"\",\"OriginResponseBytes\":0,"
	    "\"OriginResponseHTTPExpires\":\"\","
	    "\"OriginResponseHTTPLastModified\":\"\","
	    "\"OriginResponseStatus\":0,\"OriginResponseTime\":0,"
	    "\"OriginSSLProtocol\":\"unknown\","
	    "\"RayID\":\"443403c718asdf83\",\"SecurityLevel\":\"low\","
	    "\"WAFAction\":\"unknown\",\"WAFFlags\":\"0\","
	    "\"WAFMatchedVar\":\"\",\"WAFProfile\":\"unknown\","
	    "\"WAFRuleID\":\"\",\"WAFRuleMessage\":\"\","
	    "\"ZoneID\":\"24067324\"}\n");
	return o;
}

int
logl_lines(struct logl_gen *g, uint64_t first, unsigned n, struct buf *b,
    uint64_t *bad)
{
	struct xrng r;
	double      p    = g->c.bad_pct / 100.0;
	bool        rt   = g->c.type == LOGL_CLOUDFRONT;
	uint64_t    nbad = 0;

	xrng_seed(&r, g->c.seed, STREAM_CHUNK | first);
	for (uint64_t line = first; line < first + n; line++) {
		const struct logf_visitor *v;
		struct fields              f;
		const char                *proto;
		size_t                     proto_n;
		bool                       is_bad;
		char                      *o;

		/* every line draws, so the stream does not depend on p */
		is_bad = xrng_uniform(&r) < p;
		if (buf_reserve(b, LOGL_LINE_MAX))
			return -ENOSPC;
		v = visitor(g, line, is_bad);
		if (is_bad) {
			bad_fields(&r, &f);
			proto = f.proto;
			nbad++;
		} else {
			good_fields(&r, &f, rt);
			proto = v->proto.p;
		}
		proto_n = strlen(proto);
		o       = b->p + b->len;
		switch (g->c.type) {
		case LOGL_APACHE:
			o = apache(o, v, &f, proto, proto_n);
			break;
		case LOGL_CLOUDFRONT:
			o = cloudfront(o, v, &f, proto, proto_n);
			break;
		default:
			o = cloudflare(o, v, &f, proto, proto_n);
			break;
		}
		b->len = (size_t)(o - b->p);
	}
	*bad += nbad;
	return 0;
}
