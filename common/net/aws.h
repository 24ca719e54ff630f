/* aws.h - what the AWS targets (timestream, kinesis, s3) share: a signed
 * request over http.c with credentials from awscreds, the error code of an
 * answer (AWS JSON "__type" or S3 XML <Code>), which codes are worth a
 * retry, and the endpoint and region rules of their URLs.
 *
 * One struct aws_client per thread (or per setup/cleanup call). It never
 * puts a secret in a message: errors name the operation, the code and the
 * service's message.
 */
#ifndef TSL_AWS_H
#define TSL_AWS_H

#include <stdbool.h>
#include <stddef.h>

#include "awscreds.h"
#include "buf.h"
#include "http.h"
#include "sigv4.h"
#include "outcome.h"
#include "version.h"

/* The User-Agent of every AWS request. */
#define AWS_USER_AGENT "tsload/" TSLOAD_VERSION

enum {
	AWS_REGION_MAX = AWSCREDS_REGION_MAX,
	AWS_HOST_MAX   = 256, /* "host[:port]" */
	AWS_CODE_MAX   = 64,
};

struct aws_client {
	const char          *name;    /* first word of messages */
	const char          *service; /* signing name, e.g. "kinesis" */
	char                 region[AWS_REGION_MAX];
	struct awscreds_opts ao;
	struct aws_creds     cr;
	bool                 have_cr;
	struct buf           auth;
	char code[AWS_CODE_MAX]; /* of the last answer, or "" */
	char request_id[64];     /* x-amzn-RequestId of the last answer */
};

/* One request. The Host header, X-Amz-Date, the token, Authorization
 * and User-Agent (AWS_USER_AGENT, not signed, as botocore does) are
 * added; hdrs are signed and sent as they are. */
struct aws_req {
	const char                *method; /* "POST", "PUT", "GET", ... */
	const char                *path;   /* "/" or "/bucket/key" (encoded) */
	const char                *query;  /* without '?', or NULL */
	const char                *ctype;  /* Content-Type, or NULL */
	const struct sigv4_header *hdrs;
	size_t                     nhdrs;
	const void                *body;
	size_t                     len;
	bool                       content_sha; /* x-amz-content-sha256 (S3) */
};

/** Resolves the credentials (profile: --profile or NULL) into a; the
 *  region is the caller's to fill. 0 or a negative errno, reason in err;
 *  aws_close() is safe either way. */
int  aws_open(struct aws_client *a, const char *name, const char *service,
     const char *profile, char *err, size_t errlen);
void aws_close(struct aws_client *a);

/** Signs and sends r to h (whose host is host, as the Host header has
 *  it). The outcome is http.c's, refined by the answer's error code: the
 *  codes of aws_code_retry() give TGT_RETRY. a->code holds the code and
 *  a->request_id the answer's x-amzn-RequestId (or ""); err
 *  "<name> <op>: <Code>: <message>" unless TGT_OK. */
enum tgt_status aws_send(struct aws_client *a, struct http *h,
    const char *host, const struct aws_req *r, const char *op, char *err,
    size_t errlen);

/** An AWS JSON call: POST / with X-Amz-Target: <prefix><op> and the
 *  Content-Type ctype ("application/x-amz-json-1.0" or "-1.1"). */
enum tgt_status aws_json_call(struct aws_client *a, struct http *h,
    const char *host, const char *ctype, const char *prefix, const char *op,
    const char *body, size_t len, char *err, size_t errlen);

bool aws_code_is(const struct aws_client *a, const char *code);
/** Throttling and transient error codes (botocore's retry lists). */
bool aws_code_retry(const char *code);

/* ---- URLs ---- */

/** "host[:port]" as the Host header has it (the scheme's default port
 *  left out, as curl does). */
void aws_host_header(const char *hostport, bool tls, char *out, size_t n);
/** Splits "http[s]://HOST[:PORT][/]" (nothing else) into tls and host.
 *  what names it in messages ("--endpoint"). 0 or -EINVAL. */
int aws_split_base(const char *name, const char *what, const char *url,
    bool *tls, char *host, size_t hostlen, char *err, size_t errlen);
/** The region of the client: url_region (may be ""), then --region, then
 *  an AWS host name ("...REGION.amazonaws.com"), then AWS_REGION /
 *  AWS_DEFAULT_REGION / the profile; when none, "us-east-1" if fallback
 *  else -EINVAL with "no region (use <hint>--region or AWS_REGION)". */
int aws_resolve_region(struct aws_client *a, const char *url_region,
    const char *conf_region, const char *host, bool fallback, const char *hint,
    char *err, size_t errlen);
/** Sets up h for "http[s]://host" with name, timeouts and tls. */
int aws_http(struct http *h, const char *name, const char *host, bool tls,
    long connect_ms, long timeout_ms, char *err, size_t errlen);

#endif
