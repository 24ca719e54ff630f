/* awscreds.h - AWS credentials and region, resolved as the AWS SDKs do.
 *
 * Credentials, first match wins:
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+
 *      AWS_SESSION_TOKEN, or the older AWS_SECURITY_TOKEN) - skipped when
 *      a profile was given explicitly (--profile), as botocore does;
 *      AWS_PROFILE does not skip it;
 *   2. the profile in the shared credentials file ([name]), then in the
 *      config file ([profile name], or [default] / [profile default]):
 *      aws_access_key_id, aws_secret_access_key, aws_session_token. Files:
 *      AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, AWS_CONFIG_FILE or
 *      ~/.aws/config. The profile is --profile, else AWS_PROFILE, else
 *      "default"; a named profile that neither file has is an error;
 *   3. instance metadata (IMDSv2) through the caller's HTTP hook, unless
 *      the hook is NULL or AWS_EC2_METADATA_DISABLED=true; only for the
 *      "default" profile, never for a named one.
 * Role assumption, SSO and credential_process are not supported: a profile
 * holding only those is an error naming them.
 *
 * Region: AWS_REGION, then AWS_DEFAULT_REGION, then "region" in the
 * profile (config file, then credentials file).
 *
 * No message ever holds a secret: errors name the variable, file, line and
 * profile but never a value or the text of a line. For a debug print of
 * credentials use awscreds_describe() or awscreds_redact().
 */
#ifndef TSL_AWSCREDS_H
#define TSL_AWSCREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

enum awscreds_source {
	AWSCREDS_NONE,
	AWSCREDS_ENV,
	AWSCREDS_CREDENTIALS_FILE,
	AWSCREDS_CONFIG_FILE,
	AWSCREDS_IMDS,
};

struct aws_creds {
	char                *access_key_id;
	char                *secret_access_key;
	char                *session_token; /* NULL when none */
	time_t               expires;       /* 0: never (only IMDS sets it) */
	enum awscreds_source source;
	char                *origin; /* "environment", "<file> [bench]", ... */
};

/* One HTTP exchange for the instance-metadata step, done by the caller's
 * HTTP client. method is "PUT" or "GET", url absolute, header one extra
 * "Name: value" line to send. The hook appends the answer's body to body
 * and sets *status to its HTTP status; it returns 0 whenever an answer
 * came (even a 404), or a negative errno with a reason in err when none did
 * (refused, timed out). Use short timeouts (1 s, as the SDKs do) and no
 * proxy: off EC2 the address does not answer. A PUT has an empty body.
 *
 * awscreds drives the IMDSv2 exchange with it (endpoint E is
 * AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254):
 *   PUT E/latest/api/token          X-aws-ec2-metadata-token-ttl-seconds:
 * 21600 GET E/latest/meta-data/iam/security-credentials/   -> role name GET
 * E/latest/meta-data/iam/security-credentials/<role>  -> JSON the GETs with
 * "X-aws-ec2-metadata-token: <token>". */
typedef int awscreds_http_fn(void *arg, const char *method, const char *url,
    const char *header, struct buf *body, long *status, char *err,
    size_t errlen);

struct awscreds_opts {
	const char       *profile;   /* --profile, or NULL */
	awscreds_http_fn *imds_http; /* NULL: no instance-metadata step */
	void             *imds_arg;
};

/** Resolves credentials into c (which the caller frees with
 *  awscreds_free()). 0; -ENOENT when no source has any, or the named
 *  profile does not exist; -EINVAL for half-set or malformed ones; -EIO for
 *  unreadable files or metadata failures. err says which and where. */
int awscreds_load(const struct awscreds_opts *o, struct aws_creds *c,
    char *err, size_t errlen);
enum { AWSCREDS_REGION_MAX = 64 };
/** The one AWS region check: [a-z0-9-]+, shorter than
 *  AWSCREDS_REGION_MAX ("us-east-1"). */
bool awscreds_region_ok(const char *s);
/** Resolves the region into a fresh string *region. 0, -ENOENT when none
 *  is set anywhere, -EINVAL when it is not awscreds_region_ok(). */
int awscreds_region(
    const struct awscreds_opts *o, char **region, char *err, size_t errlen);
/** The profile in effect: o->profile, AWS_PROFILE or "default". */
const char *awscreds_profile(const struct awscreds_opts *o);

/** Parses the instance-metadata credentials document ({"Code":"Success",
 *  "AccessKeyId":..., "SecretAccessKey":..., "Token":..., "Expiration":
 *  "2024-05-20T12:00:00Z"}) into c. 0 or -EINVAL. */
int awscreds_parse_imds(const char *json, size_t len, struct aws_creds *c,
    char *err, size_t errlen);

/** True when c expires within margin seconds of now (never if 0). */
bool awscreds_expiring(const struct aws_creds *c, time_t now, int margin);
/** Wipes the secrets and frees every field; c may be reused. */
void awscreds_free(struct aws_creds *c);

enum { AWSCREDS_REDACT_SIZE = 24 };
/** A printable stand-in for a secret: "****************MPLE" (the last 4
 *  characters, only when at least 16 long), "(none)" for NULL or "". */
const char *awscreds_redact(
    const char *secret, char out[AWSCREDS_REDACT_SIZE]);
/** One line for a debug print: key id and secret redacted, whether there
 *  is a token, where they came from and when they expire. */
void awscreds_describe(const struct aws_creds *c, char *out, size_t n);

#endif
