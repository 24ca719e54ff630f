/* sigv4.h - AWS Signature Version 4 for one HTTP request (header form).
 *
 * The caller describes the request it is about to send; sigv4_sign()
 * returns the Authorization header value and the X-Amz-Date to send with
 * it. The signed headers are host, x-amz-date, x-amz-security-token (when
 * the credentials carry a session token) and every header in r->headers,
 * so the caller must send exactly those, with these values:
 *
 *	Host: <r->host>                (curl derives it from the URL)
 *	X-Amz-Date: <amz_date>
 *	X-Amz-Security-Token: <c->session_token>   (only when set)
 *	Authorization: <auth>
 *	<r->headers...>                e.g. Content-Type, X-Amz-Target
 *
 * Pass only headers that no proxy rewrites (not User-Agent), and never
 * Authorization, X-Amz-Date, X-Amz-Security-Token or Host themselves: those
 * are -EINVAL. Canonicalisation follows the AWS rules for every service but
 * S3: the path loses "." and ".." segments and empty ones ("//"), and each
 * byte other than A-Z a-z 0-9 - . _ ~ and '/' is percent-encoded (so a '%'
 * already in the path becomes %25, as AWS expects); the query is split on
 * '&', each name and value decoded (%XX; '+' stays a plus) and re-encoded
 * the same way, then sorted by name and value; header names are lower-cased,
 * values trimmed with inner runs of blanks made one space, repeated names
 * joined with ',' in order.
 *
 * Errors: -EINVAL for a malformed request (bad header name, CR/LF in a
 * value, bad %XX, missing credentials or scope), -ENOSPC when auth's cap is
 * too small, -EIO when OpenSSL fails.
 */
#ifndef TSL_SIGV4_H
#define TSL_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "awscreds.h"
#include "buf.h"

/* "20150830T123600Z" and its NUL. */
enum { SIGV4_DATE_SIZE = 17 };

struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_req {
	const char                *method;  /* "POST", "GET" */
	const char                *host;    /* Host header: "h[:port]" */
	const char                *path;    /* as sent; NULL or "" is "/" */
	const char                *query;   /* as sent, no '?'; may be NULL */
	const struct sigv4_header *headers; /* further headers to sign */
	size_t                     nheaders;
	const void                *body; /* payload, may be NULL if 0 */
	size_t                     body_len;
	/* Lower-case hex SHA-256 of the body when the caller has it, or
	 * "UNSIGNED-PAYLOAD"; NULL hashes body here. */
	const char *payload_hash;
};

/** Signs r for region and service (e.g. "us-east-1", "timestream") at
 *  time now. Replaces auth's contents with the NUL-terminated
 *  Authorization value and writes the X-Amz-Date value into amz_date. */
int sigv4_sign(const struct sigv4_req *r, const struct aws_creds *c,
    const char *region, const char *service, time_t now, struct buf *auth,
    char amz_date[SIGV4_DATE_SIZE]);

/* The steps of sigv4_sign(), for tests and for debugging a rejected
 * signature (compare with the server's "canonical request" message). */

/** X-Amz-Date for now (UTC); 0 or -EINVAL for a time gmtime cannot show
 *  in four-digit years. */
int sigv4_amz_date(time_t now, char amz_date[SIGV4_DATE_SIZE]);
/** Appends the canonical request to creq and, when signed is not NULL, the
 *  signed-headers list ("content-type;host;x-amz-date") to signed. c may be
 *  NULL (no session token). */
int sigv4_canonical_request(const struct sigv4_req *r,
    const struct aws_creds *c, const char *amz_date, struct buf *creq,
    struct buf *signed_hdrs);
/** Appends the string to sign for a canonical request to sts. */
int sigv4_string_to_sign(const char *amz_date, const char *region,
    const char *service, const char *creq, size_t creq_len, struct buf *sts);
/** kSigning = HMAC chain over date (YYYYMMDD), region, service and
 *  "aws4_request", keyed first with "AWS4" + secret. 0 or -EIO. */
int sigv4_signing_key(const char *secret, const char *date8,
    const char *region, const char *service, unsigned char key[32]);
/** Lower-case hex SHA-256 of n bytes into hex[65]; 0 or -EIO. */
int sigv4_sha256_hex(const void *p, size_t n, char hex[65]);

#endif
