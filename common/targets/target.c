/* target.c - the registry of targets and what every target shares: URL
 * parsing (scheme, path; the query parameters are params.c's), parent
 * directory creation, and the union schema that maps a sample's dimensions and
 * measures to columns.
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
	&target_promrw,
	&target_postgres,
	&target_file,
	&target_stdout,
	&target_null,
	&target_timestream,
	&target_timestream_http,
	&target_timestream_https,
	&target_kinesis,
	&target_s3,
	&target_kafka,
	&target_http,
	&target_https,
	&target_dir,
	&target_graphite,
	&target_opentsdb,
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
	char        why[192];
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
		    "target %s: TGT_F_QUERY needs query, dialect, init and fini",
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
	if (!(ops->flags & TGT_F_LINES) != !ops->lines) {
		snprintf(
		    err, n, "target %s: TGT_F_LINES goes with lines", name);
		return false;
	}
	if (ops->drain && !ops->lines) {
		snprintf(err, n, "target %s: drain without lines", name);
		return false;
	}
	if (ops->init && !ops->fini) {
		snprintf(err, n, "target %s: init without fini", name);
		return false;
	}
	if (ops->params
	    && !params_table_valid(ops->params, why, sizeof(why))) {
		snprintf(err, n, "target %s: %s", name, why);
		return false;
	}
	return true;
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

/* Calls fn for each password of url as written, in order: the user
 * info's after ':' and each password= value of the query string; pw
 * points into url. */
const char *
target_url_userinfo(const char *url, const char **auth)
{
	const char *end, *at = NULL;

	*auth = strstr(url, "://");
	if (!*auth)
		return NULL;
	*auth += 3;
	end = *auth + strcspn(*auth, "/?#");
	for (const char *q = *auth; q < end; q++)
		if (*q == '@')
			at = q;
	return at;
}

static void
target_url_passwords(const char *url,
    void (*fn)(const char *pw, size_t n, void *arg), void *arg)
{
	const char *auth, *at = target_url_userinfo(url, &auth), *colon;

	if (at) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (colon)
			fn(colon + 1, (size_t)(at - colon - 1), arg);
	}
	for (const char *q = strchr(url, '?'); q; q = strchr(q + 1, '&'))
		if (strncmp(q + 1, "password=", 9) == 0)
			fn(q + 10, strcspn(q + 10, "&#"), arg);
}

struct target_redactor {
	const char *p; /* the part of the URL not copied yet */
	char       *out;
	size_t      o, outlen;
};

static void
target_redact_put(struct target_redactor *r, const char *s, size_t n)
{
	size_t k = n < r->outlen - 1 - r->o ? n : r->outlen - 1 - r->o;

	memcpy(r->out + r->o, s, k);
	r->o += k;
}

/* Copies the URL up to the password, then "***" in its place. */
static void
target_redact_pw(const char *pw, size_t n, void *arg)
{
	struct target_redactor *r = arg;

	target_redact_put(r, r->p, (size_t)(pw - r->p));
	target_redact_put(r, "***", 3);
	r->p = pw + n;
}

void
target_url_redact(const char *url, char *out, size_t outlen)
{
	struct target_redactor r = { url, out, 0, outlen };

	if (!outlen)
		return;
	target_url_passwords(url, target_redact_pw, &r);
	target_redact_put(&r, r.p, strlen(r.p));
	out[r.o] = '\0';
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
	case TGT_SPOOLED:
		return "down, spooling";
	case TGT_FAIL:
	default:
		return "failing";
	}
}

void
target_state_note(const char *url, uint32_t state, char *out, size_t outlen)
{
	/* the worst first: what stops the run, then what loses batches */
	static const enum tgt_status order[] = { TGT_FATAL, TGT_CLOSED,
		TGT_UNREACHABLE, TGT_SPOOLED, TGT_FAIL, TGT_RETRY };
	size_t                       n       = strcspn(url, ":");

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

/* ---- measures, from the schema ---- */

int
target_need_schema(
    const char *who, const struct tgt_conf *conf, char *err, size_t errlen)
{
	if (conf->schema)
		return 0;
	snprintf(err, errlen,
	    "%s: no schema to create the table from (no model built)", who);
	return -EINVAL;
}

void
target_measure(const struct sample *s, unsigned i, struct tgt_measure *m)
{
	const struct schema_kind    *k = s->series->g->sk;
	const struct schema_measure *sm
	    = &k->m[i < k->n_values ? i : k->n_values];

	m->name   = sm->name;
	m->type   = sm->type;
	m->mcol   = sm->mcol;
	m->absent = target_absent(s, i);
	if (m->absent) {
		m->s   = "";
		m->len = 0;
		m->d   = 0;
		m->i   = 0;
	} else if (i >= k->n_values) { /* request_id */
		m->s   = s->req_id;
		m->len = strnlen(s->req_id, sizeof(s->req_id));
	} else if (sm->type == MT_DOUBLE) {
		m->d = s->v[i];
	} else if (sm->type == MT_BIGINT) {
		m->i = (int64_t)s->v[i];
	} else {
		/* an index into the measure's texts; the model keeps it in
		 * range, a wrong one reads as an empty text */
		double x = s->v[i];

		if (x >= 0 && x < sm->n_words) {
			m->s   = sm->words[(unsigned)x];
			m->len = strlen(m->s);
		} else {
			m->s   = "";
			m->len = 0;
		}
	}
}

void
target_span(const struct sample *s, const struct batch *b, unsigned *first,
    unsigned *end)
{
	unsigned n = schema_n_measures(s->series->g->sk, b->req_id);

	*first = b->multi ? 0 : s->first;
	*end   = b->multi ? n : (unsigned)s->first + s->count;
	if (*end > n)
		*end = n;
	if (*first > *end)
		*first = *end;
}

unsigned
target_points(const struct sample *s)
{
	uint32_t span = s->count >= 32 ? ~0u : (1u << s->count) - 1u;

	/* the absent bits within [first, first + count) */
	span = s->first >= 32 ? 0 : span << s->first;
	return s->count - (unsigned)__builtin_popcount(s->absent & span);
}

bool
target_batch_bad(const struct batch *b)
{
	for (unsigned i = 0; i < b->n; i++)
		if (!b->s[i].bad)
			return false;
	return b->n > 0;
}
