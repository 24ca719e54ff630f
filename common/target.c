/* target.c - the registry of targets and what every target shares: URL
 * parsing (scheme, path, query parameters), parent directory creation, and
 * the union schema that maps a sample's dimensions and measures to columns.
 */
#include "target.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fs.h"
#include "xalloc.h"

static const struct target_ops *const target_table[] = {
	&target_sqlite,
	&target_clickhouse,
	&target_influx,
	&target_vm,
	&target_postgres,
	&target_file,
	&target_stdout,
	&target_null,
	&target_timestream,
	&target_timestream_http,
	&target_timestream_https,
	&target_kinesis,
	&target_s3,
	NULL,
};

const struct target_ops *
target_find(const char *url)
{
	const char *colon = strchr(url, ':');
	size_t      n;
	int         i;

	if (!colon)
		return NULL;
	n = (size_t)(colon - url);
	for (i = 0; target_table[i]; i++) {
		const char *name = target_table[i]->name;

		/* URL schemes are case-insensitive (RFC 3986 3.1). */
		if (strlen(name) == n && strncasecmp(name, url, n) == 0)
			return target_table[i];
	}
	return NULL;
}

const struct target_ops *const *
target_list(void)
{
	return target_table;
}

/* A scheme: a letter, then letters, digits, '+', '-' or '.'. */
static bool
target_scheme_ok(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("+-.", *s))
			return false;
	return true;
}

bool
target_ops_valid(const struct target_ops *ops, char *err, size_t n)
{
	const char *name;
	bool        w;

	if (!ops) {
		snprintf(err, n, "target: no ops");
		return false;
	}
	name = ops->name ? ops->name : "(unnamed)";
	if (ops->version != TARGET_OPS_VERSION) {
		snprintf(err, n, "target %s: ops version %d, expected %d",
		    name, ops->version, TARGET_OPS_VERSION);
		return false;
	}
	if (!ops->name || !target_scheme_ok(ops->name)) {
		snprintf(err, n, "target %s: name is not a URL scheme", name);
		return false;
	}
	if (!ops->usage || !*ops->usage) {
		snprintf(err, n, "target %s: no usage line", name);
		return false;
	}
	if ((ops->flags & TGT_F_QUERY)
	    && (!ops->query || !ops->dialect || !ops->init || !ops->fini)) {
		snprintf(err, n,
		    "target %s: TGT_F_QUERY needs query, dialect, init and "
		    "fini",
		    name);
		return false;
	}
	if (!(ops->flags & TGT_F_QUERY) && (ops->query || ops->dialect)) {
		snprintf(err, n, "target %s: query without TGT_F_QUERY", name);
		return false;
	}
	w = ops->flags & TGT_F_WRITE;
	if (w && (!ops->write || !ops->init || !ops->fini)) {
		snprintf(err, n,
		    "target %s: TGT_F_WRITE needs write, init and fini", name);
		return false;
	}
	if (!w && ops->write) {
		snprintf(err, n, "target %s: write without TGT_F_WRITE", name);
		return false;
	}
	if (ops->init && !ops->fini) {
		snprintf(err, n, "target %s: init without fini", name);
		return false;
	}
	return true;
}

static int
target_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decodes s[0..n) into out (cut to outlen - 1 bytes, NUL-ended).
 * A '%' not followed by two hex digits stays as it is. */
static void
target_url_decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;

	if (!outlen)
		return;
	for (i = 0; i < n && o + 1 < outlen; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n
		    && (hi = target_hexval(s[i + 1])) >= 0
		    && (lo = target_hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/* Calls fn for each "key[=value]" of url's query string, with the raw
 * (still encoded) pieces, until fn returns nonzero; returns that. */
static int
target_url_each(const char *url,
    int (*fn)(const char *k, size_t kn, const char *v, size_t vn, void *arg),
    void *arg)
{
	const char *q = strchr(url, '?');

	if (!q)
		return 0;
	for (q++; *q && *q != '#';) {
		size_t      n  = strcspn(q, "&#");
		const char *eq = memchr(q, '=', n);
		size_t      kn = eq ? (size_t)(eq - q) : n;
		int         rc;

		if (n) {
			rc = fn(q, kn, eq ? eq + 1 : q + n,
			    eq ? n - kn - 1 : 0, arg);
			if (rc)
				return rc;
		}
		q += n;
		if (*q == '&')
			q++;
	}
	return 0;
}

struct target_param_find {
	const char *key;
	char       *out;
	size_t      outlen;
};

static int
target_param_match(
    const char *k, size_t kn, const char *v, size_t vn, void *arg)
{
	struct target_param_find *f = arg;
	char                      key[128];

	if (kn >= sizeof(key))
		return 0;
	target_url_decode(k, kn, key, sizeof(key));
	if (strcmp(key, f->key) != 0)
		return 0;
	target_url_decode(v, vn, f->out, f->outlen);
	return 1;
}

bool
target_url_param(const char *url, const char *key, char *out, size_t outlen)
{
	struct target_param_find f = { key, out, outlen };

	return target_url_each(url, target_param_match, &f) == 1;
}

int
target_url_path(const char *url, char *out, size_t outlen)
{
	const char *p = strchr(url, ':');
	size_t      n;

	p = p ? p + 1 : url;
	if (p[0] == '/' && p[1] == '/')
		p += 2;
	n = strcspn(p, "?");
	if (n + 1 > outlen)
		return -ENOSPC;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

struct target_key_check {
	const char *const *known;
	const char        *url;
	char              *err;
	size_t             errlen;
};

static int
target_key_known(const char *k, size_t kn, const char *v, size_t vn, void *arg)
{
	struct target_key_check *c = arg;
	char                     key[64], list[256];
	size_t                   o = 0;
	int                      i;

	(void)v;
	(void)vn;
	target_url_decode(k, kn, key, sizeof(key));
	for (i = 0; c->known[i]; i++)
		if (strcmp(key, c->known[i]) == 0)
			return 0;
	list[0] = '\0';
	for (i = 0; c->known[i] && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
		    i ? ", " : "", c->known[i]);
	snprintf(c->err, c->errlen, "%.*s: unknown parameter \"%s\" (%s%s)",
	    (int)strcspn(c->url, ":"), c->url, key,
	    i ? "accepted: " : "takes no parameters", list);
	return -EINVAL;
}

int
target_url_check_keys(
    const char *url, const char *const *known, char *err, size_t errlen)
{
	struct target_key_check c = { known, url, err, errlen };

	return target_url_each(url, target_key_known, &c);
}

void
target_url_redact(const char *url, char *out, size_t outlen)
{
	const char *auth = strstr(url, "://"), *end, *at = NULL, *colon;
	const char *p = url;
	size_t      o = 0;

	if (!outlen)
		return;
#define PUT(s, n)                                                             \
	do {                                                                  \
		size_t k_ = (n) < outlen - 1 - o ? (n) : outlen - 1 - o;      \
		memcpy(out + o, (s), k_);                                     \
		o += k_;                                                      \
	} while (0)
	if (auth) {
		auth += 3;
		end = auth + strcspn(auth, "/?#");
		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			PUT(url, (size_t)(colon + 1 - url));
			PUT("***", 3);
			p = at;
		}
	}
	/* password=VALUE in the query string */
	for (const char *q = strchr(p, '?'); q; q = strchr(q + 1, '&')) {
		if (strncmp(q + 1, "password=", 9) != 0)
			continue;
		PUT(p, (size_t)(q + 10 - p));
		PUT("***", 3);
		p = q + 10 + strcspn(q + 10, "&#");
	}
	PUT(p, strlen(p));
#undef PUT
	out[o] = '\0';
}

/* The password of url as written: the user info's after ':' (*a) and
 * each password= value; calls fn for each. */
static void
target_url_passwords(const char *url,
    void (*fn)(const char *pw, size_t n, void *arg), void *arg)
{
	const char *auth = strstr(url, "://"), *end, *at = NULL, *colon;

	if (auth) {
		auth += 3;
		end = auth + strcspn(auth, "/?#");
		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon)
			fn(colon + 1, (size_t)(at - colon - 1), arg);
	}
	for (const char *q = strchr(url, '?'); q; q = strchr(q + 1, '&'))
		if (strncmp(q + 1, "password=", 9) == 0)
			fn(q + 10, strcspn(q + 10, "&#"), arg);
}

/* Replaces every occurrence of pat[0..pn) in msg (within n bytes) by
 * rep. */
static void
target_replace(
    char *msg, size_t n, const char *pat, size_t pn, const char *rep)
{
	char  *tmp;
	size_t i = 0, o = 0, rn = strlen(rep), len = strlen(msg);

	if (!pn || !memmem(msg, len, pat, pn))
		return;
	tmp = xmalloc(n);
	while (msg[i] && o + 1 < n) {
		if (strncmp(msg + i, pat, pn) == 0) {
			size_t k = rn < n - 1 - o ? rn : n - 1 - o;

			memcpy(tmp + o, rep, k);
			o += k;
			i += pn;
		} else {
			tmp[o++] = msg[i++];
		}
	}
	tmp[o] = '\0';
	memcpy(msg, tmp, o + 1);
	free(tmp);
}

struct target_redact_quoted {
	char  *msg;
	size_t n;
};

static void
target_redact_quoted_pw(const char *pw, size_t pn, void *arg)
{
	struct target_redact_quoted *r = arg;
	char                         pat[TGT_ERR_MAX + 2];

	if (!pn || pn > TGT_ERR_MAX)
		return;
	pat[0] = '"';
	memcpy(pat + 1, pw, pn);
	pat[pn + 1] = '"';
	target_replace(r->msg, r->n, pat, pn + 2, "\"***\"");
}

void
target_redact_msg(char *msg, size_t n, const char *url)
{
	const char *colon = strchr(url, ':');
	char        shown[2 * TGT_ERR_MAX], alt[2 * TGT_ERR_MAX];

	if (!n || !colon)
		return;
	target_url_redact(url, shown, sizeof(shown));
	target_replace(msg, n, url, strlen(url), shown);
	/* libpq spells the scheme "postgresql:" */
	snprintf(alt, sizeof(alt), "postgresql%s", colon);
	target_url_redact(alt, shown, sizeof(shown));
	target_replace(msg, n, alt, strlen(alt), shown);
	target_url_passwords(url, target_redact_quoted_pw,
	    &(struct target_redact_quoted) { msg, n });
}

const char *
target_status_text(enum tgt_status st)
{
	switch (st) {
	case TGT_OK:
		return "";
	case TGT_RETRY:
		return "busy or throttled";
	case TGT_UNREACHABLE:
		return "unreachable";
	case TGT_FATAL:
		return "stopped by a write error";
	case TGT_CLOSED:
		return "closed by its reader";
	case TGT_FAIL:
	default:
		return "failing";
	}
}

void
target_state_note(const char *url, uint32_t state, char *out, size_t outlen)
{
	/* the worst first: what stops the run, then what loses batches */
	static const enum tgt_status order[]
	    = { TGT_FATAL, TGT_CLOSED, TGT_UNREACHABLE, TGT_FAIL, TGT_RETRY };
	size_t n = strcspn(url, ":");

	if (!outlen)
		return;
	out[0] = '\0';
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (state & TGT_STATE_BIT(order[i])) {
			snprintf(out, outlen, "%.*s %s", (int)n, url,
			    target_status_text(order[i]));
			return;
		}
}

int
target_sql_ident(const char *who, const char *table, size_t max,
    const char *reserved, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t      n = table ? strlen(table) : 0, o = 0, i;
	const char *why = NULL;
	char        toolong[48];

	snprintf(toolong, sizeof(toolong), "longer than %zu bytes", max);
	if (!n)
		why = "empty";
	else if (n > max)
		why = toolong;
	else if (reserved
	    && strncasecmp(table, reserved, strlen(reserved)) == 0)
		why = "a reserved prefix";
	for (i = 0; !why && i < n; i++)
		if ((unsigned char)table[i] < 0x20 || table[i] == 0x7f)
			why = "control character";
	if (why || outlen < 2 * n + 3) {
		snprintf(err, errlen, "%s: invalid table name \"%s\" (%s)",
		    who, table ? table : "", why ? why : "too long");
		return -EINVAL;
	}
	out[o++] = '"';
	for (i = 0; i < n; i++) {
		if (table[i] == '"')
			out[o++] = '"'; /* "" inside a quoted identifier */
		out[o++] = table[i];
	}
	out[o++] = '"';
	out[o]   = '\0';
	return 0;
}

int
target_mkdir_parents(const char *path, char *err, size_t errlen)
{
	char *dir   = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int   rc    = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		rc     = fs_mkdir_p(dir, err, errlen);
	}
	free(dir);
	return rc;
}

/* ---- the union schema ---- */

const char *const target_dcol_names[TGT_N_DCOLS] = {
	MODEL_DIM_REGION,
	MODEL_DIM_CELL,
	MODEL_DIM_SILO,
	MODEL_DIM_AZ,
	MODEL_DIM_MICROSERVICE,
	MODEL_DIM_INSTANCE_TYPE,
	MODEL_DIM_OS_VERSION,
	MODEL_DIM_INSTANCE_NAME,
	MODEL_DIM_PROCESS_NAME,
	MODEL_DIM_JDK_VERSION,
	MODEL_DIM_REQUEST_ID,
};

/* Dimension d of each kind -> its column (names checked by the tests). */
static const uint8_t target_dcol_map[2][MODEL_N_DIMS] = {
	[SERIES_METRICS] = { 0, 1, 2, 3, 4, 5, 6, 7 },
	[SERIES_EVENTS]  = { 0, 1, 2, 3, 4, 7, 8, 9 },
};

/* Event i -> its multi-measure column; memory_free is metric 8's. */
static const uint8_t target_event_mcol[MODEL_N_EVENTS] = { 20, 21, 22, 23, 8 };

unsigned
target_dcol(enum series_kind kind, unsigned d)
{
	return target_dcol_map[kind == SERIES_EVENTS][d];
}

const char *
target_mcol_name(unsigned c)
{
	if (c < MODEL_N_METRICS)
		return model_metric_names[c];
	return model_event_names[c - MODEL_N_METRICS];
}

enum measure_type
target_mcol_type(unsigned c)
{
	if (c < MODEL_N_METRICS)
		return MT_DOUBLE;
	return model_event_types[c - MODEL_N_METRICS];
}

unsigned
target_n_measures(enum series_kind kind, uint8_t req_id)
{
	unsigned n = kind == SERIES_EVENTS ? MODEL_N_EVENTS : MODEL_N_METRICS;

	return n + (req_id == REQID_MEASURE);
}

void
target_measure(const struct sample *s, unsigned i, struct tgt_measure *m)
{
	bool ev = s->series->kind == SERIES_EVENTS;

	if (!ev && i < MODEL_N_METRICS) {
		m->name = model_metric_names[i];
		m->type = MT_DOUBLE;
		m->mcol = (uint8_t)i;
		m->d    = s->v[i];
		return;
	}
	if (ev && i < MODEL_N_EVENTS) {
		m->name = model_event_names[i];
		m->type = (uint8_t)model_event_types[i];
		m->mcol = target_event_mcol[i];
		if (m->type == MT_BIGINT) {
			m->i = (int64_t)s->v[i];
		} else if (m->type == MT_VARCHAR) {
			/* The only VARCHAR event: an index into the states. */
			int k = (int)s->v[i];

			if (k < 0 || k > 5)
				k = 4; /* UNKNOWN */
			m->s   = model_end_states[k];
			m->len = strlen(m->s);
		} else {
			m->d = s->v[i];
		}
		return;
	}
	m->name = MODEL_DIM_REQUEST_ID;
	m->type = MT_VARCHAR;
	m->mcol = TGT_MCOL_NONE;
	m->s    = s->req_id;
	m->len  = strnlen(s->req_id, sizeof(s->req_id));
}
