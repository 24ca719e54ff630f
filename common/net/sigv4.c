/* sigv4.c - AWS Signature Version 4 over OpenSSL 3.
 *
 * canonical request -> string to sign -> HMAC-SHA256 with the key derived
 * from the secret and the scope -> Authorization. Every intermediate is
 * built in a struct buf; the derived key and the "AWS4"+secret copy are
 * wiped after use.
 */
#include "sigv4.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "parse.h"
#include "xalloc.h"

/* Cap of the working buffers: canonical request, string to sign. */
enum { WORK_MAX = 4 << 20 };

static const char ALGORITHM[] = "AWS4-HMAC-SHA256";

static void
to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t            i;

	for (i = 0; i < n; i++) {
		out[2 * i]     = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
sigv4_sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int  mdlen = 0;

	if (!EVP_Digest(n ? p : "", n, md, &mdlen, EVP_sha256(), NULL)
	    || mdlen != 32)
		return -EIO;
	to_hex(md, 32, hex);
	return 0;
}

static int
hmac256(const void *key, size_t keylen, const void *data, size_t n,
    unsigned char out[32])
{
	unsigned int outlen = 0;

	if (keylen > INT_MAX
	    || !HMAC(EVP_sha256(), key, (int)keylen, data, n, out, &outlen)
	    || outlen != 32)
		return -EIO;
	return 0;
}

int
sigv4_signing_key(const char *secret, const char *date8, const char *region,
    const char *service, unsigned char key[32])
{
	size_t      n = strlen(secret);
	char       *k = xmalloc(n + 5);
	const char *parts[4];
	int         i, rc;

	parts[0] = date8;
	parts[1] = region;
	parts[2] = service;
	parts[3] = "aws4_request";
	memcpy(k, "AWS4", 4);
	memcpy(k + 4, secret, n + 1);
	/* kDate = HMAC("AWS4" + secret, date), then each key keys the next. */
	rc = hmac256(k, n + 4, parts[0], strlen(parts[0]), key);
	for (i = 1; !rc && i < 4; i++) {
		unsigned char prev[32];

		memcpy(prev, key, 32);
		rc = hmac256(prev, 32, parts[i], strlen(parts[i]), key);
		OPENSSL_cleanse(prev, sizeof(prev));
	}
	OPENSSL_cleanse(k, n + 4);
	free(k);
	if (rc)
		OPENSSL_cleanse(key, 32);
	return rc;
}

int
sigv4_amz_date(time_t now, char amz_date[SIGV4_DATE_SIZE])
{
	struct tm tm;

	if (!gmtime_r(&now, &tm) || tm.tm_year < -1900
	    || tm.tm_year > 9999 - 1900)
		return -EINVAL;
	if (strftime(amz_date, SIGV4_DATE_SIZE, "%Y%m%dT%H%M%SZ", &tm)
	    != SIGV4_DATE_SIZE - 1)
		return -EINVAL;
	return 0;
}

static bool
valid_amz_date(const char *d)
{
	int i;

	if (!d || strlen(d) != SIGV4_DATE_SIZE - 1 || d[8] != 'T'
	    || d[15] != 'Z')
		return false;
	for (i = 0; i < 15; i++)
		if (i != 8 && (d[i] < '0' || d[i] > '9'))
			return false;
	return true;
}

/* A scope part (region, service) or key id: visible ASCII without the
 * separators of the credential string. */
static bool
valid_scope_part(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == '/' || *s == ','
		    || *s == ';')
			return false;
	return true;
}

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
	    || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
	    || c == '~';
}

static int
add_encoded_byte(struct buf *b, unsigned char c)
{
	static const char digits[] = "0123456789ABCDEF";
	char              e[3];

	if (is_unreserved(c))
		return buf_addc(b, (char)c);
	e[0] = '%';
	e[1] = digits[c >> 4];
	e[2] = digits[c & 15];
	return buf_add(b, e, 3);
}

/* Decodes %XX in s[0..n) and appends the result RFC 3986-encoded. */
static int
add_reencoded(struct buf *b, const char *s, size_t n)
{
	size_t i;
	int    rc = 0;

	for (i = 0; !rc && i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (n - i < 3 || (hi = parse_hexval(s[i + 1])) < 0
			    || (lo = parse_hexval(s[i + 2])) < 0)
				return -EINVAL;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		rc = add_encoded_byte(b, c);
	}
	return rc;
}

/* Path without empty, "." and ".." segments, each segment encoded. */
static int
add_canonical_path(struct buf *b, const char *path)
{
	struct seg {
		const char *s;
		size_t      n;
	} * seg;
	size_t      nseg = 0, len, i;
	const char *p;
	int         rc = 0;

	if (!path || !*path)
		path = "/";
	if (path[0] != '/')
		return -EINVAL;
	len = strlen(path);
	seg = xmalloc((len / 2 + 1) * sizeof(*seg));
	for (p = path; *p;) {
		const char *end = strchr(p, '/');
		size_t      n   = end ? (size_t)(end - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg)
				nseg--;
		} else if (n && !(n == 1 && p[0] == '.')) {
			seg[nseg].s   = p;
			seg[nseg++].n = n;
		}
		p += n + (end ? 1 : 0);
	}
	for (i = 0; !rc && i < nseg; i++) {
		size_t k;

		rc = buf_addc(b, '/');
		for (k = 0; !rc && k < seg[i].n; k++)
			rc = add_encoded_byte(b, (unsigned char)seg[i].s[k]);
	}
	/* "/" for no segment; a trailing slash stays. */
	if (!rc && (nseg == 0 || path[len - 1] == '/'))
		rc = buf_addc(b, '/');
	free(seg);
	return rc;
}

struct qparam {
	char *name;
	char *value;
};

static int
cmp_qparam(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int                  c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

/* The query's name=value pairs, re-encoded and sorted, joined by '&'. */
static int
add_canonical_query(struct buf *b, const char *query)
{
	struct qparam *q;
	struct buf     tmp;
	size_t         nq = 0, i, cnt = 1;
	const char    *p;
	int            rc = 0;

	if (!query || !*query)
		return 0;
	for (p = query; *p; p++)
		cnt += *p == '&';
	q = xcalloc(cnt, sizeof(*q));
	buf_init(&tmp, WORK_MAX);
	for (p = query; !rc && *p;) {
		const char *end = strchr(p, '&');
		size_t      n   = end ? (size_t)(end - p) : strlen(p);
		const char *eq  = memchr(p, '=', n);
		size_t      kn  = eq ? (size_t)(eq - p) : n;

		if (n) {
			buf_reset(&tmp);
			rc = add_reencoded(&tmp, p, kn);
			if (!rc)
				q[nq].name
				    = xstrndup(tmp.p ? tmp.p : "", tmp.len);
			buf_reset(&tmp);
			if (!rc && eq)
				rc = add_reencoded(&tmp, eq + 1, n - kn - 1);
			if (!rc)
				q[nq++].value
				    = xstrndup(tmp.p ? tmp.p : "", tmp.len);
		}
		p += n + (end ? 1 : 0);
	}
	if (!rc)
		qsort(q, nq, sizeof(*q), cmp_qparam);
	for (i = 0; !rc && i < nq; i++)
		rc = buf_printf(
		    b, "%s%s=%s", i ? "&" : "", q[i].name, q[i].value);
	for (i = 0; i < cnt; i++) {
		free(q[i].name);
		free(q[i].value);
	}
	free(q);
	buf_free(&tmp);
	return rc;
}

struct hdr {
	char  *name;  /* lower-cased */
	char  *value; /* trimmed, blanks collapsed */
	size_t idx;   /* order given, to keep repeated names in order */
};

static int
cmp_hdr(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int               c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* RFC 9110 token characters. */
static bool
valid_header_name(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		        || (c >= '0' && c <= '9')
		        || strchr("!#$%&'*+-.^_`|~", c)))
			return false;
	}
	return true;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Fills h from name and value; false if either cannot be sent. */
static bool
make_hdr(struct hdr *h, const char *name, const char *value, size_t idx)
{
	size_t n, i, o = 0;

	if (!valid_header_name(name) || !value)
		return false;
	for (i = 0; value[i]; i++)
		if ((unsigned char)value[i] < 0x20 && value[i] != '\t')
			return false;
	h->name = xstrdup(name);
	for (i = 0; h->name[i]; i++)
		if (h->name[i] >= 'A' && h->name[i] <= 'Z')
			h->name[i] = (char)(h->name[i] - 'A' + 'a');
	n        = strlen(value);
	h->value = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (!is_blank(value[i]))
			h->value[o++] = value[i];
		else if (o && h->value[o - 1] != ' ')
			h->value[o++] = ' ';
	}
	if (o && h->value[o - 1] == ' ')
		o--;
	h->value[o] = '\0';
	h->idx      = idx;
	return true;
}

static bool
is_reserved_header(const char *name)
{
	static const char *const reserved[] = { "host", "x-amz-date",
		"x-amz-security-token", "authorization" };
	size_t                   i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(name, reserved[i]) == 0)
			return true;
	return false;
}

/* Canonical headers block and the signed-headers list. */
static int
add_canonical_headers(struct buf *b, struct buf *signed_hdrs,
    const struct sigv4_req *r, const struct aws_creds *c, const char *amz_date)
{
	size_t      cap = r->nheaders + 3, n = 0, i;
	struct hdr *h  = xcalloc(cap, sizeof(*h));
	bool        ok = true;
	int         rc = 0;

	for (i = 0; ok && i < r->nheaders; i++) {
		ok = make_hdr(
		    &h[n], r->headers[i].name, r->headers[i].value, i);
		n += ok;
		ok = ok && !is_reserved_header(h[n - 1].name);
	}
	if (ok)
		ok = make_hdr(&h[n++], "host", r->host, cap);
	if (ok)
		ok = make_hdr(&h[n++], "x-amz-date", amz_date, cap);
	if (ok && c && c->session_token && *c->session_token)
		ok = make_hdr(
		    &h[n++], "x-amz-security-token", c->session_token, cap);
	if (!ok) {
		rc = -EINVAL;
		goto out;
	}
	qsort(h, n, sizeof(*h), cmp_hdr);
	for (i = 0; !rc && i < n; i++) {
		bool same = i && strcmp(h[i].name, h[i - 1].name) == 0;

		if (same)
			rc = buf_printf(b, ",%s", h[i].value);
		else
			rc = buf_printf(b, "%s%s:%s", i ? "\n" : "", h[i].name,
			    h[i].value);
		if (!rc && !same && signed_hdrs)
			rc = buf_printf(
			    signed_hdrs, "%s%s", i ? ";" : "", h[i].name);
	}
	if (!rc)
		rc = buf_addc(b, '\n');
out:
	for (i = 0; i < cap; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
	return rc;
}

int
sigv4_canonical_request(const struct sigv4_req *r, const struct aws_creds *c,
    const char *amz_date, struct buf *creq, struct buf *signed_hdrs)
{
	struct buf sh;
	char       hash[65];
	int        rc;

	if (!r->method || !valid_header_name(r->method) || !r->host
	    || !*r->host || !valid_amz_date(amz_date)
	    || (r->body_len && !r->body))
		return -EINVAL;
	if (r->payload_hash) {
		size_t n = strlen(r->payload_hash);

		if (n >= sizeof(hash) || !valid_scope_part(r->payload_hash))
			return -EINVAL;
		memcpy(hash, r->payload_hash, n + 1);
	} else if ((rc = sigv4_sha256_hex(r->body, r->body_len, hash))) {
		return rc;
	}
	buf_init(&sh, WORK_MAX);
	rc = buf_printf(creq, "%s\n", r->method);
	if (!rc)
		rc = add_canonical_path(creq, r->path);
	if (!rc)
		rc = buf_addc(creq, '\n');
	if (!rc)
		rc = add_canonical_query(creq, r->query);
	if (!rc)
		rc = buf_addc(creq, '\n');
	if (!rc)
		rc = add_canonical_headers(creq, &sh, r, c, amz_date);
	if (!rc)
		rc = buf_printf(creq, "\n%.*s\n%s", (int)sh.len, sh.p, hash);
	if (!rc && signed_hdrs)
		rc = buf_add(signed_hdrs, sh.p, sh.len);
	buf_free(&sh);
	return rc;
}

int
sigv4_string_to_sign(const char *amz_date, const char *region,
    const char *service, const char *creq, size_t creq_len, struct buf *sts)
{
	char hash[65];
	int  rc;

	if (!valid_amz_date(amz_date) || !valid_scope_part(region)
	    || !valid_scope_part(service))
		return -EINVAL;
	if ((rc = sigv4_sha256_hex(creq, creq_len, hash)))
		return rc;
	return buf_printf(sts, "%s\n%s\n%.8s/%s/%s/aws4_request\n%s",
	    ALGORITHM, amz_date, amz_date, region, service, hash);
}

/* The signing key changes once a day per secret, region and service:
 * each thread keeps the last one (four HMACs saved on every request). */
static _Thread_local struct {
	char          secret[128], date8[9], region[64], service[64];
	unsigned char key[32];
} sigv4_last;

static int
signing_key_cached(const char *secret, const char *date8, const char *region,
    const char *service, unsigned char key[32])
{
	int rc;

	if (strcmp(sigv4_last.date8, date8) == 0
	    && strcmp(sigv4_last.secret, secret) == 0
	    && strcmp(sigv4_last.region, region) == 0
	    && strcmp(sigv4_last.service, service) == 0) {
		memcpy(key, sigv4_last.key, 32);
		return 0;
	}
	rc = sigv4_signing_key(secret, date8, region, service, key);
	if (rc || strlen(secret) >= sizeof(sigv4_last.secret)
	    || strlen(region) >= sizeof(sigv4_last.region)
	    || strlen(service) >= sizeof(sigv4_last.service))
		return rc; /* too long to keep: derived each time */
	OPENSSL_cleanse(&sigv4_last, sizeof(sigv4_last));
	strcpy(sigv4_last.secret, secret);
	strcpy(sigv4_last.region, region);
	strcpy(sigv4_last.service, service);
	memcpy(sigv4_last.key, key, 32);
	memcpy(sigv4_last.date8, date8, 9);
	return 0;
}

int
sigv4_sign(const struct sigv4_req *r, const struct aws_creds *c,
    const char *region, const char *service, time_t now, struct buf *auth,
    char amz_date[SIGV4_DATE_SIZE])
{
	struct buf    creq, sh, sts;
	unsigned char key[32], sig[32];
	char          date8[9], sighex[65];
	int           rc;

	buf_reset(auth);
	if (!c || !valid_scope_part(c->access_key_id) || !c->secret_access_key
	    || !*c->secret_access_key || !valid_scope_part(region)
	    || !valid_scope_part(service))
		return -EINVAL;
	if ((rc = sigv4_amz_date(now, amz_date)))
		return rc;
	memcpy(date8, amz_date, 8);
	date8[8] = '\0';
	buf_init(&creq, WORK_MAX);
	buf_init(&sh, WORK_MAX);
	buf_init(&sts, WORK_MAX);
	rc = sigv4_canonical_request(r, c, amz_date, &creq, &sh);
	if (!rc)
		rc = sigv4_string_to_sign(
		    amz_date, region, service, creq.p, creq.len, &sts);
	if (!rc)
		rc = signing_key_cached(
		    c->secret_access_key, date8, region, service, key);
	if (!rc) {
		rc = hmac256(key, sizeof(key), sts.p, sts.len, sig);
		OPENSSL_cleanse(key, sizeof(key));
	}
	if (!rc) {
		to_hex(sig, sizeof(sig), sighex);
		rc = buf_printf(auth,
		    "%s Credential=%s/%s/%s/%s/aws4_request, "
		    "SignedHeaders=%.*s, Signature=%s",
		    ALGORITHM, c->access_key_id, date8, region, service,
		    (int)sh.len, sh.p, sighex);
	}
	if (!rc)
		rc = buf_cstr(auth);
	if (rc)
		buf_reset(auth);
	buf_free(&creq);
	buf_free(&sh);
	buf_free(&sts);
	return rc;
}
