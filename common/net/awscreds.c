/* awscreds.c - the AWS credential chain: environment, shared credentials
 * and config files, instance metadata through a caller-supplied HTTP hook.
 *
 * The INI reader is our own rather than iniparser's: it must keep line
 * numbers for messages, tell "[profile x]" from "[x]" per file, and must
 * never echo a line (it may hold a secret).
 */
#include "awscreds.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonr.h"
#include "xalloc.h"

static const char IMDS_DEFAULT[] = "http://169.254.169.254";
static const char IMDS_ROLES[] = "/latest/meta-data/iam/security-credentials/";
enum { IMDS_BODY_MAX = 64 << 10 };

/* Keys read from a profile section. */
enum { K_ID, K_SECRET, K_TOKEN, K_TOKEN_OLD, K_REGION, NKEYS };
static const char *const ini_keys[NKEYS] = {
	"aws_access_key_id",
	"aws_secret_access_key",
	"aws_session_token",
	"aws_security_token",
	"region",
};
/* Keys of credential sources we do not implement. */
static const char *const unsupported_keys[] = {
	"role_arn",
	"credential_process",
	"credential_source",
	"sso_start_url",
	"sso_session",
	"source_profile",
	"web_identity_token_file",
};

/* What one file holds for the wanted profile. */
struct ini_hit {
	const char *path;
	bool        exists;
	bool        section; /* the profile's section is there */
	char       *val[NKEYS];
	const char *unsupported; /* first key of an unsupported source */
};

enum ini_kind { INI_CREDENTIALS, INI_CONFIG };

static int errf(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* getenv, with "" treated as unset (as botocore does). */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void
wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* The file named by env_name, else dflt; "~/" is $HOME. */
static char *
file_path(const char *env_name, const char *dflt)
{
	const char *p    = env(env_name) ? env(env_name) : dflt;
	const char *home = env("HOME");

	if (p[0] == '~' && p[1] == '/' && home)
		return xasprintf("%s%s", home, p + 1);
	return xstrdup(p);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks and line ends from both sides of s[0..*n), in place. */
static char *
trim(char *s, size_t *n)
{
	while (*n && (is_blank(*s) || *s == '\r' || *s == '\n')) {
		s++;
		(*n)--;
	}
	while (*n
	    && (is_blank(s[*n - 1]) || s[*n - 1] == '\r' || s[*n - 1] == '\n'))
		(*n)--;
	s[*n] = '\0';
	return s;
}

/* Whether section header text sec names profile in a file of kind. */
static bool
section_is(const char *sec, enum ini_kind kind, const char *profile)
{
	if (kind == INI_CREDENTIALS)
		return strcmp(sec, profile) == 0;
	if (strcmp(sec, "default") == 0)
		return strcmp(profile, "default") == 0;
	if (strncmp(sec, "profile", 7) != 0 || !is_blank(sec[7]))
		return false;
	for (sec += 7; is_blank(*sec);)
		sec++;
	return strcmp(sec, profile) == 0;
}

static void
ini_hit_free(struct ini_hit *h)
{
	int k;

	for (k = 0; k < NKEYS; k++)
		wipe_free(h->val[k]);
	memset(h, 0, sizeof(*h));
}

/* Records key = val of the wanted section in h. */
static void
ini_take(struct ini_hit *h, const char *key, const char *val)
{
	size_t i;
	int    k;

	for (k = 0; k < NKEYS; k++) {
		if (strcasecmp(key, ini_keys[k]) == 0) {
			wipe_free(h->val[k]); /* a later line wins */
			h->val[k] = *val ? xstrdup(val) : NULL;
			return;
		}
	}
	for (i = 0; i < sizeof(unsupported_keys) / sizeof(*unsupported_keys);
	     i++)
		if (!h->unsupported
		    && strcasecmp(key, unsupported_keys[i]) == 0)
			h->unsupported = unsupported_keys[i];
}

/* Reads the whole file at path (absent is fine: h->exists stays false)
 * and keeps the settings of profile's section. Lines are "[section]",
 * "key = value" (or "key: value"), comments starting with '#' or ';', and
 * indented continuation lines after a setting, which are skipped. */
static int
ini_read(const char *path, enum ini_kind kind, const char *profile,
    struct ini_hit *h, char *err, size_t errlen)
{
	FILE    *f;
	char    *line = NULL;
	size_t   cap  = 0;
	ssize_t  got;
	unsigned lineno  = 0;
	bool     in_sec  = false; /* inside any section */
	bool     wanted  = false; /* inside the profile's section */
	bool     had_key = false; /* a setting came before: continuations */
	int      rc      = 0;

	memset(h, 0, sizeof(*h));
	h->path = path;
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return errf(err, errlen, -EIO, "cannot read %s: %s", path,
		    strerror(errno));
	}
	h->exists = true;
	while (!rc && (got = getline(&line, &cap, f)) >= 0) {
		size_t n      = (size_t)got;
		bool   indent = n && is_blank(line[0]);
		char  *s      = trim(line, &n);
		char  *sep;

		lineno++;
		if (n == 0 || s[0] == '#' || s[0] == ';')
			continue;
		if (indent && had_key)
			continue;
		if (s[0] == '[') {
			size_t sn;

			if (s[n - 1] != ']' || n < 3) {
				rc = errf(err, errlen, -EINVAL,
				    "%s:%u: malformed [section] line", path,
				    lineno);
				break;
			}
			sn         = n - 2;
			s[n - 1]   = '\0';
			s          = trim(s + 1, &sn);
			in_sec     = true;
			wanted     = section_is(s, kind, profile);
			had_key    = false;
			h->section = h->section || wanted;
			continue;
		}
		sep = strpbrk(s, "=:");
		if (!sep || sep == s) {
			rc = errf(err, errlen, -EINVAL,
			    "%s:%u: expected [section] or key = value", path,
			    lineno);
			break;
		}
		if (!in_sec) {
			rc = errf(err, errlen, -EINVAL,
			    "%s:%u: setting outside any [section]", path,
			    lineno);
			break;
		}
		had_key = true;
		if (wanted) {
			size_t kn = (size_t)(sep - s), vn = n - kn - 1;
			char  *v = trim(sep + 1, &vn);

			ini_take(h, trim(s, &kn), v);
		}
	}
	if (!rc && ferror(f))
		rc = errf(err, errlen, -EIO, "cannot read %s: %s", path,
		    strerror(errno));
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	fclose(f);
	return rc;
}

/* Reads both shared files for profile. */
static int
read_files(const char *profile, struct ini_hit *cred, struct ini_hit *conf,
    char **cred_path, char **conf_path, char *err, size_t errlen)
{
	int rc;

	*cred_path
	    = file_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
	*conf_path = file_path("AWS_CONFIG_FILE", "~/.aws/config");
	rc = ini_read(*cred_path, INI_CREDENTIALS, profile, cred, err, errlen);
	if (!rc)
		rc = ini_read(
		    *conf_path, INI_CONFIG, profile, conf, err, errlen);
	return rc;
}

const char *
awscreds_profile(const struct awscreds_opts *o)
{
	if (o && o->profile && *o->profile)
		return o->profile;
	return env("AWS_PROFILE") ? env("AWS_PROFILE") : "default";
}

static int
from_env(struct aws_creds *c, char *err, size_t errlen)
{
	const char *id     = env("AWS_ACCESS_KEY_ID");
	const char *secret = env("AWS_SECRET_ACCESS_KEY");
	const char *token  = env("AWS_SESSION_TOKEN");

	if (!id && !secret)
		return -ENOENT;
	if (!id || !secret)
		return errf(err, errlen, -EINVAL, "%s is set but %s is not",
		    id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	if (!token)
		token = env("AWS_SECURITY_TOKEN"); /* the old name */
	c->access_key_id     = xstrdup(id);
	c->secret_access_key = xstrdup(secret);
	c->session_token     = token ? xstrdup(token) : NULL;
	c->source            = AWSCREDS_ENV;
	c->origin            = xstrdup("environment");
	return 0;
}

/* Takes the keys from one file's section: 0 taken, -ENOENT none there. */
static int
from_hit(struct ini_hit *h, const char *profile, enum awscreds_source src,
    struct aws_creds *c, char *err, size_t errlen)
{
	int tok;

	if (!h->val[K_ID] && !h->val[K_SECRET])
		return -ENOENT;
	if (!h->val[K_ID] || !h->val[K_SECRET])
		return errf(err, errlen, -EINVAL,
		    "%s: profile \"%s\" has %s but no %s", h->path, profile,
		    h->val[K_ID] ? ini_keys[K_ID] : ini_keys[K_SECRET],
		    h->val[K_ID] ? ini_keys[K_SECRET] : ini_keys[K_ID]);
	c->access_key_id     = h->val[K_ID];
	c->secret_access_key = h->val[K_SECRET];
	tok                  = h->val[K_TOKEN] ? K_TOKEN : K_TOKEN_OLD;
	c->session_token     = h->val[tok];
	h->val[tok]          = NULL;
	h->val[K_ID]         = NULL;
	h->val[K_SECRET]     = NULL;
	c->source            = src;
	c->origin            = xasprintf("%s [%s]", h->path, profile);
	return 0;
}

static const char *
imds_endpoint(void)
{
	return env("AWS_EC2_METADATA_SERVICE_ENDPOINT")
	    ? env("AWS_EC2_METADATA_SERVICE_ENDPOINT")
	    : IMDS_DEFAULT;
}

static bool
imds_disabled(void)
{
	const char *v = env("AWS_EC2_METADATA_DISABLED");

	return v && strcasecmp(v, "true") == 0;
}

/* One hook call; the answer must be 200. -ENOENT for no answer or 404. */
static int
imds_call(const struct awscreds_opts *o, const char *method, const char *url,
    const char *header, struct buf *body, const char *what, char *err,
    size_t errlen)
{
	char msg[256] = "";
	long status   = 0;
	int  rc;

	buf_reset(body);
	rc = o->imds_http(
	    o->imds_arg, method, url, header, body, &status, msg, sizeof(msg));
	if (rc)
		return errf(err, errlen, -ENOENT,
		    "instance metadata: %s: no answer from %s: %s", what, url,
		    msg[0] ? msg : strerror(-rc));
	if (status == 404)
		return errf(err, errlen, -ENOENT,
		    "instance metadata: %s: HTTP 404 from %s", what, url);
	if (status != 200)
		return errf(err, errlen, -EIO,
		    "instance metadata: %s: HTTP %ld from %s", what, status,
		    url);
	if (buf_cstr(body))
		return errf(err, errlen, -EIO,
		    "instance metadata: %s: answer too long", what);
	return 0;
}

/* IAM role names: letters, digits and +=,.@_- (at most 64). */
static bool
valid_role(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("+=,.@_-", s[i]))
			return false;
	return true;
}

static int
from_imds(const struct awscreds_opts *o, struct aws_creds *c, char *err,
    size_t errlen)
{
	const char *ep  = imds_endpoint();
	size_t      epn = strlen(ep), n, i;
	struct buf  body;
	char       *url, *hdr = NULL, *role = NULL;
	int         rc;

	while (epn && ep[epn - 1] == '/')
		epn--;
	buf_init(&body, IMDS_BODY_MAX);
	url = xasprintf("%.*s/latest/api/token", (int)epn, ep);
	rc  = imds_call(o, "PUT", url,
	     "X-aws-ec2-metadata-token-ttl-seconds: 21600", &body,
	     "session token", err, errlen);
	free(url);
	if (rc)
		goto out;
	n = body.len;
	trim(body.p, &n);
	for (i = 0; i < n; i++)
		if ((unsigned char)body.p[i] < 0x21 || body.p[i] == 0x7f)
			break;
	if (n == 0 || i < n) {
		rc = errf(err, errlen, -EIO,
		    "instance metadata: malformed session token");
		goto out;
	}
	hdr = xasprintf("X-aws-ec2-metadata-token: %s", body.p);
	explicit_bzero(body.p, body.len);

	url = xasprintf("%.*s%s", (int)epn, ep, IMDS_ROLES);
	rc  = imds_call(o, "GET", url, hdr, &body, "IAM role", err, errlen);
	free(url);
	if (rc)
		goto out;
	n = strcspn(body.p, "\r\n"); /* the first role listed */
	if (!valid_role(body.p, n)) {
		rc = errf(err, errlen, -EIO,
		    "instance metadata: malformed IAM role name");
		goto out;
	}
	role = xstrndup(body.p, n);

	url = xasprintf("%.*s%s%s", (int)epn, ep, IMDS_ROLES, role);
	rc  = imds_call(
	     o, "GET", url, hdr, &body, "role credentials", err, errlen);
	free(url);
	if (!rc)
		rc = awscreds_parse_imds(body.p, body.len, c, err, errlen);
	if (!rc) {
		free(c->origin);
		c->origin = xasprintf("instance metadata (role %s)", role);
	}
out:
	if (body.p)
		explicit_bzero(body.p, body.cap);
	buf_free(&body);
	wipe_free(hdr);
	free(role);
	return rc;
}

/* "2024-05-20T12:00:00Z" (fraction of a second allowed) as a time_t. */
static int
parse_expiration(const char *s, time_t *out)
{
	struct tm tm   = { 0 };
	int       used = 0;
	time_t    t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used)
	        != 6
	    || used != 19)
		return -EINVAL;
	s += used;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (strcmp(s, "Z") != 0 || tm.tm_mon < 1 || tm.tm_mon > 12
	    || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23
	    || tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -EINVAL;
	*out = t;
	return 0;
}

int
awscreds_parse_imds(const char *json, size_t len, struct aws_creds *c,
    char *err, size_t errlen)
{
	static const char *const need[] = { "AccessKeyId", "SecretAccessKey" };
	struct jsonr_doc        *doc;
	const struct jsonr_val  *root;
	const char              *code, *exp;
	char                     msg[128];
	time_t                   expires = 0;
	size_t                   i;
	int                      rc = 0;

	memset(c, 0, sizeof(*c));
	if (jsonr_parse(json, len, &doc, msg, sizeof(msg)))
		return errf(
		    err, errlen, -EINVAL, "instance metadata: %s", msg);
	root = jsonr_root(doc);
	code = jsonr_get_str(root, "Code");
	if (!jsonr_is(root, JSONR_OBJ)) {
		rc = errf(err, errlen, -EINVAL,
		    "instance metadata: credentials are not an object");
		goto out;
	}
	if (code && strcmp(code, "Success") != 0) {
		rc = errf(err, errlen, -EINVAL,
		    "instance metadata: Code is not Success");
		goto out;
	}
	for (i = 0; i < sizeof(need) / sizeof(*need); i++) {
		const char *v = jsonr_get_str(root, need[i]);

		if (!v || !*v
		    || strlen(v) != jsonr_len(jsonr_get(root, need[i]))) {
			rc = errf(err, errlen, -EINVAL,
			    "instance metadata: no %s string", need[i]);
			goto out;
		}
	}
	exp = jsonr_get_str(root, "Expiration");
	if (exp && parse_expiration(exp, &expires)) {
		rc = errf(err, errlen, -EINVAL,
		    "instance metadata: Expiration is not "
		    "YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	c->access_key_id     = xstrdup(jsonr_get_str(root, "AccessKeyId"));
	c->secret_access_key = xstrdup(jsonr_get_str(root, "SecretAccessKey"));
	if (jsonr_get_str(root, "Token") && *jsonr_get_str(root, "Token"))
		c->session_token = xstrdup(jsonr_get_str(root, "Token"));
	c->expires = expires;
	c->source  = AWSCREDS_IMDS;
	c->origin  = xstrdup("instance metadata");
out:
	jsonr_free(doc);
	return rc;
}

int
awscreds_load(const struct awscreds_opts *o, struct aws_creds *c, char *err,
    size_t errlen)
{
	const char    *profile = awscreds_profile(o);
	bool           given   = o && o->profile && *o->profile;
	bool           dflt    = strcmp(profile, "default") == 0;
	struct ini_hit cred, conf;
	char          *cred_path = NULL, *conf_path = NULL;
	int            rc;

	memset(c, 0, sizeof(*c));
	memset(&cred, 0, sizeof(cred));
	memset(&conf, 0, sizeof(conf));
	/* An explicit profile outranks the environment (botocore). */
	if (!given && (rc = from_env(c, err, errlen)) != -ENOENT)
		return rc;
	rc = read_files(
	    profile, &cred, &conf, &cred_path, &conf_path, err, errlen);
	if (rc)
		goto out;
	rc = from_hit(
	    &cred, profile, AWSCREDS_CREDENTIALS_FILE, c, err, errlen);
	if (rc == -ENOENT)
		rc = from_hit(
		    &conf, profile, AWSCREDS_CONFIG_FILE, c, err, errlen);
	if (rc != -ENOENT)
		goto out;
	if (cred.unsupported || conf.unsupported) {
		rc = errf(err, errlen, -EINVAL,
		    "AWS profile \"%s\" uses %s, which tsload does not "
		    "support; give aws_access_key_id and "
		    "aws_secret_access_key instead",
		    profile,
		    cred.unsupported ? cred.unsupported : conf.unsupported);
		goto out;
	}
	if (!dflt && !cred.section && !conf.section) {
		rc = errf(err, errlen, -ENOENT,
		    "AWS profile \"%s\" not found in %s%s or %s%s", profile,
		    cred_path, cred.exists ? "" : " (no file)", conf_path,
		    conf.exists ? "" : " (no file)");
		goto out;
	}
	if (!dflt) {
		rc = errf(err, errlen, -ENOENT,
		    "AWS profile \"%s\" has no aws_access_key_id in %s "
		    "or %s",
		    profile, cred_path, conf_path);
		goto out;
	}
	if (o && o->imds_http && !imds_disabled()) {
		char why[256];

		rc = from_imds(o, c, why, sizeof(why));
		if (rc)
			errf(err, errlen, rc,
			    "no AWS credentials: none in the environment, "
			    "%s or %s, and %s",
			    cred_path, conf_path, why);
		goto out;
	}
	rc = errf(err, errlen, -ENOENT,
	    "no AWS credentials: set AWS_ACCESS_KEY_ID and "
	    "AWS_SECRET_ACCESS_KEY, or put them in [default] of %s",
	    cred_path);
out:
	if (rc)
		awscreds_free(c);
	ini_hit_free(&cred);
	ini_hit_free(&conf);
	free(cred_path);
	free(conf_path);
	return rc;
}

bool
awscreds_region_ok(const char *s)
{
	if (!*s || strlen(s) >= AWSCREDS_REGION_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')
		        || *s == '-'))
			return false;
	return true;
}

int
awscreds_region(
    const struct awscreds_opts *o, char **region, char *err, size_t errlen)
{
	const char    *profile = awscreds_profile(o);
	const char    *v       = env("AWS_REGION");
	const char    *from    = "AWS_REGION";
	struct ini_hit cred, conf;
	char          *cred_path = NULL, *conf_path = NULL;
	int            rc = 0;

	*region = NULL;
	memset(&cred, 0, sizeof(cred));
	memset(&conf, 0, sizeof(conf));
	if (!v) {
		v    = env("AWS_DEFAULT_REGION");
		from = "AWS_DEFAULT_REGION";
	}
	if (!v) {
		rc = read_files(profile, &cred, &conf, &cred_path, &conf_path,
		    err, errlen);
		if (rc)
			goto out;
		v    = conf.val[K_REGION];
		from = conf_path;
		if (!v) {
			v    = cred.val[K_REGION];
			from = cred_path;
		}
	}
	if (!v) {
		rc = errf(err, errlen, -ENOENT,
		    "no AWS region: set AWS_REGION or region in "
		    "profile \"%s\" of %s",
		    profile, conf_path);
		goto out;
	}
	if (!awscreds_region_ok(v)) {
		rc = errf(err, errlen, -EINVAL,
		    "invalid AWS region from %s (expected letters, "
		    "digits and '-', e.g. us-east-1)",
		    from);
		goto out;
	}
	*region = xstrdup(v);
out:
	ini_hit_free(&cred);
	ini_hit_free(&conf);
	free(cred_path);
	free(conf_path);
	return rc;
}

bool
awscreds_expiring(const struct aws_creds *c, time_t now, int margin)
{
	return c->expires && c->expires - now <= margin;
}

void
awscreds_free(struct aws_creds *c)
{
	wipe_free(c->access_key_id);
	wipe_free(c->secret_access_key);
	wipe_free(c->session_token);
	free(c->origin);
	memset(c, 0, sizeof(*c));
}

const char *
awscreds_redact(const char *secret, char out[AWSCREDS_REDACT_SIZE])
{
	size_t n = secret ? strlen(secret) : 0;

	if (n == 0)
		snprintf(out, AWSCREDS_REDACT_SIZE, "(none)");
	else if (n < 16)
		snprintf(out, AWSCREDS_REDACT_SIZE, "****");
	else
		snprintf(out, AWSCREDS_REDACT_SIZE, "****************%s",
		    secret + n - 4);
	return out;
}

void
awscreds_describe(const struct aws_creds *c, char *out, size_t n)
{
	char      id[AWSCREDS_REDACT_SIZE], when[32] = "never";
	struct tm tm;

	if (c->expires && gmtime_r(&c->expires, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(out, n,
	    "access key %s, secret %s, session token %s, from %s, "
	    "expires %s",
	    awscreds_redact(c->access_key_id, id),
	    c->secret_access_key && *c->secret_access_key ? "set" : "(none)",
	    c->session_token ? "set" : "(none)",
	    c->origin ? c->origin : "(nowhere)", when);
}
