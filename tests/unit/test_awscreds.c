/* test_awscreds.c - unit tests of credential and region resolution
 * (common/awscreds.c).
 *
 * Each test runs with HOME in a fresh temporary directory and no AWS_*
 * variables, writes the shared files it needs, and stands in for the HTTP
 * client with a scripted instance-metadata hook. Every error message is
 * checked for the secrets of the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awscreds.h"
#include "buf.h"

/* Secrets used below; none may ever show in a message. */
#define ENV_SECRET "EnvSecretXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1"
#define FILE_SECRET "FileSecretXXXXXXXXXXXXXXXXXXXXXXXXXXXXX2"
#define CONF_SECRET "ConfSecretXXXXXXXXXXXXXXXXXXXXXXXXXXXXX3"
#define IMDS_SECRET "ImdsSecretXXXXXXXXXXXXXXXXXXXXXXXXXXXXX4"
#define BENCH_SECRET "BenchSecretXXXXXXXXXXXXXXXXXXXXXXXXXXXX5"
#define IMDS_TOKEN "ImdsSessionTokenSECRET"

static const char *const secrets[] = {
	ENV_SECRET,
	FILE_SECRET,
	CONF_SECRET,
	IMDS_SECRET,
	BENCH_SECRET,
	IMDS_TOKEN,
	"AKIAENVKEYID",
	"AKIAFILEKEYID",
	"MetadataApiToken",
};

static const char *const aws_vars[] = {
	"AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN",
	"AWS_PROFILE",
	"AWS_REGION",
	"AWS_DEFAULT_REGION",
	"AWS_SHARED_CREDENTIALS_FILE",
	"AWS_CONFIG_FILE",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_EC2_METADATA_DISABLED",
};

static char home[256];
static char cred_path[300], conf_path[300];

static void
no_secret(const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(secrets) / sizeof(*secrets); i++)
		if (strstr(msg, secrets[i]))
			fail_msg("secret %s in message: %s", secrets[i], msg);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(aws_vars) / sizeof(*aws_vars); i++)
		unsetenv(aws_vars[i]);
	strcpy(home, "/tmp/tsl-awscreds-XXXXXX");
	if (!mkdtemp(home))
		return -1;
	setenv("HOME", home, 1);
	snprintf(cred_path, sizeof(cred_path), "%s/.aws/credentials", home);
	snprintf(conf_path, sizeof(conf_path), "%s/.aws/config", home);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(home, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
write_file(const char *path, const char *text)
{
	char  dir[300];
	char *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
		mkdir(dir, 0700);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
set_env_creds(void)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIAENVKEYID", 1);
	setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET, 1);
}

/* Scripted instance metadata: answers in order, calls recorded. */
struct fake_resp {
	int         rc; /* nonzero: no answer */
	long        status;
	const char *body;
};

struct fake {
	struct fake_resp resp[3];
	int              calls;
	char             method[3][8];
	char             url[3][256];
	char             header[3][256];
};

static int
fake_http(void *arg, const char *method, const char *url, const char *header,
    struct buf *body, long *status, char *err, size_t errlen)
{
	struct fake            *f = arg;
	const struct fake_resp *r;

	assert_true(f->calls < 3);
	snprintf(f->method[f->calls], sizeof(f->method[0]), "%s", method);
	snprintf(f->url[f->calls], sizeof(f->url[0]), "%s", url);
	snprintf(f->header[f->calls], sizeof(f->header[0]), "%s",
	    header ? header : "");
	r = &f->resp[f->calls++];
	if (r->rc) {
		snprintf(err, errlen, "Connection refused");
		return r->rc;
	}
	*status = r->status;
	/* buf_add() of 0 bytes to an empty buf memcpys to NULL: skip it. */
	return r->body && *r->body ? buf_adds(body, r->body) : 0;
}

static const char IMDS_JSON[]
    = "{\n  \"Code\" : \"Success\",\n"
      "  \"LastUpdated\" : \"2024-05-20T06:00:00Z\",\n"
      "  \"Type\" : \"AWS-HMAC\",\n"
      "  \"AccessKeyId\" : \"ASIAIMDSKEYID\",\n"
      "  \"SecretAccessKey\" : \"" IMDS_SECRET "\",\n"
      "  \"Token\" : \"" IMDS_TOKEN "\",\n"
      "  \"Expiration\" : \"2024-05-20T12:00:00Z\"\n}\n";

static void
fake_ok(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->resp[0] = (struct fake_resp) { 0, 200, "MetadataApiToken" };
	f->resp[1] = (struct fake_resp) { 0, 200, "bench-role\n" };
	f->resp[2] = (struct fake_resp) { 0, 200, IMDS_JSON };
}

/* Loads with the given profile and hook; returns rc, checks messages. */
static int
load(const char *profile, struct fake *f, struct aws_creds *c, char *err,
    size_t errlen)
{
	struct awscreds_opts o = { profile, f ? fake_http : NULL, f };
	int                  rc;

	err[0] = '\0';
	rc     = awscreds_load(&o, c, err, errlen);
	no_secret(err);
	if (rc)
		assert_null(c->secret_access_key);
	return rc;
}

static void
test_env(void **state)
{
	struct aws_creds c;
	char             err[512];

	(void)state;
	set_env_creds();
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKIAENVKEYID");
	assert_string_equal(c.secret_access_key, ENV_SECRET);
	assert_string_equal(c.session_token, "envtoken");
	assert_int_equal(c.source, AWSCREDS_ENV);
	assert_string_equal(c.origin, "environment");
	assert_int_equal(c.expires, 0);
	assert_false(awscreds_expiring(&c, 2000000000, 300));
	awscreds_free(&c);
	assert_null(c.secret_access_key);

	/* Half of a pair is an error naming what is missing. */
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "AWS_ACCESS_KEY_ID is set but "
	    "AWS_SECRET_ACCESS_KEY is not");
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET, 1);
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "AWS_SECRET_ACCESS_KEY is set but "
	    "AWS_ACCESS_KEY_ID is not");
	/* Empty counts as unset. */
	setenv("AWS_ACCESS_KEY_ID", "", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "", 1);
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), -ENOENT);
}

static const char CREDS_FILE[] = "# shared credentials\n"
                                 "[default]\n"
                                 "aws_access_key_id = AKIAFILEKEYID\n"
                                 "aws_secret_access_key = " FILE_SECRET "\n"
                                 "\n"
                                 "[bench]\n"
                                 "aws_access_key_id=AKIABENCH\n"
                                 "aws_secret_access_key=" BENCH_SECRET "\n"
                                 "aws_session_token=benchtoken\n";

static const char CONF_FILE[] = "[default]\n"
                                "region = eu-west-1\n"
                                "aws_access_key_id = AKIACONF\n"
                                "aws_secret_access_key = " CONF_SECRET "\n"
                                "[profile bench]\n"
                                "region = us-east-2\n";

/* env > credentials file > config file > instance metadata. */
static void
test_precedence(void **state)
{
	struct aws_creds c;
	struct fake      f;
	char             err[512];

	(void)state;
	write_file(cred_path, CREDS_FILE);
	write_file(conf_path, CONF_FILE);
	set_env_creds();
	fake_ok(&f);

	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_int_equal(c.source, AWSCREDS_ENV);
	awscreds_free(&c);

	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_int_equal(c.source, AWSCREDS_CREDENTIALS_FILE);
	assert_string_equal(c.access_key_id, "AKIAFILEKEYID");
	assert_string_equal(c.secret_access_key, FILE_SECRET);
	assert_null(c.session_token);
	assert_non_null(strstr(c.origin, "/.aws/credentials [default]"));
	awscreds_free(&c);

	unlink(cred_path);
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_int_equal(c.source, AWSCREDS_CONFIG_FILE);
	assert_string_equal(c.access_key_id, "AKIACONF");
	assert_string_equal(c.secret_access_key, CONF_SECRET);
	awscreds_free(&c);

	/* Only then the instance metadata, which was not asked so far. */
	assert_int_equal(f.calls, 0);
	write_file(conf_path, "[default]\nregion = eu-west-1\n");
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_int_equal(c.source, AWSCREDS_IMDS);
	assert_int_equal(f.calls, 3);
	awscreds_free(&c);

	/* No hook, no files: a clear error. */
	unlink(conf_path);
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no AWS credentials"));
	assert_non_null(strstr(err, cred_path));
}

static void
test_profiles(void **state)
{
	struct aws_creds c;
	struct fake      f;
	char             err[512];

	(void)state;
	write_file(cred_path, CREDS_FILE);
	write_file(conf_path, CONF_FILE);
	set_env_creds();
	fake_ok(&f);

	/* --profile outranks the environment ... */
	assert_int_equal(load("bench", &f, &c, err, sizeof(err)), 0);
	assert_int_equal(c.source, AWSCREDS_CREDENTIALS_FILE);
	assert_string_equal(c.access_key_id, "AKIABENCH");
	assert_string_equal(c.secret_access_key, BENCH_SECRET);
	assert_string_equal(c.session_token, "benchtoken");
	assert_non_null(strstr(c.origin, "[bench]"));
	awscreds_free(&c);

	/* ... AWS_PROFILE does not. */
	setenv("AWS_PROFILE", "bench", 1);
	assert_string_equal(awscreds_profile(NULL), "bench");
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_int_equal(c.source, AWSCREDS_ENV);
	awscreds_free(&c);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKIABENCH");
	awscreds_free(&c);
	/* --profile beats AWS_PROFILE. */
	assert_int_equal(load("default", &f, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKIAFILEKEYID");
	awscreds_free(&c);
	assert_int_equal(f.calls, 0);
}

/* "[profile x]" in the config file, "[x]" in the credentials file. */
static void
test_sections(void **state)
{
	struct aws_creds c;
	char             err[512];

	(void)state;
	write_file(conf_path,
	    "[bench]\n"
	    "aws_access_key_id = AKIAWRONG\n"
	    "aws_secret_access_key = wrong\n"
	    "[profile   bench ]\n"
	    "aws_access_key_id = AKIARIGHT\n"
	    "aws_secret_access_key = " CONF_SECRET "\n");
	write_file(cred_path,
	    "[profile bench]\n"
	    "aws_access_key_id = AKIAWRONG2\n"
	    "aws_secret_access_key = wrong\n");
	assert_int_equal(load("bench", NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c.source, AWSCREDS_CONFIG_FILE);
	assert_string_equal(c.access_key_id, "AKIARIGHT");
	awscreds_free(&c);

	/* [profile default] is the default profile in the config file. */
	write_file(conf_path,
	    "[profile default]\n"
	    "aws_access_key_id = AKIADEF\n"
	    "aws_secret_access_key = " CONF_SECRET "\n");
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKIADEF");
	awscreds_free(&c);

	/* Syntax the AWS CLI writes: comments, "key: value", upper-case
	 * keys, CRLF, nested settings, a later line winning, and the old
	 * aws_security_token. */
	write_file(cred_path,
	    "; comment\r\n"
	    "[default]\r\n"
	    "  # indented comment\r\n"
	    "AWS_ACCESS_KEY_ID: AKIAOLD\r\n"
	    "s3 =\r\n"
	    "    max_concurrent_requests = 20\r\n"
	    "aws_secret_access_key=" FILE_SECRET "\r\n"
	    "aws_access_key_id = AKIANEW\r\n"
	    "aws_security_token = oldtoken==\r\n"
	    "[other]\r\n"
	    "aws_access_key_id = AKIAOTHER\r\n");
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.access_key_id, "AKIANEW");
	assert_string_equal(c.secret_access_key, FILE_SECRET);
	assert_string_equal(c.session_token, "oldtoken==");
	awscreds_free(&c);

	/* File locations from the environment, with ~ expanded. */
	write_file(cred_path, "");
	{
		char alt[320];

		snprintf(alt, sizeof(alt), "%s/alt-creds", home);
		write_file(alt,
		    "[default]\naws_access_key_id = AKIAALT\n"
		    "aws_secret_access_key = " FILE_SECRET "\n");
		setenv("AWS_SHARED_CREDENTIALS_FILE", "~/alt-creds", 1);
		setenv("AWS_CONFIG_FILE", "~/no-such-config", 1);
		assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), 0);
		assert_string_equal(c.access_key_id, "AKIAALT");
		assert_non_null(strstr(c.origin, alt));
		awscreds_free(&c);
	}
}

static void
test_missing_profile(void **state)
{
	struct aws_creds c;
	struct fake      f;
	char             err[512], want[1024];

	(void)state;
	fake_ok(&f);
	write_file(cred_path, CREDS_FILE);
	assert_int_equal(load("nope", &f, &c, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want),
	    "AWS profile \"nope\" not found in %s or %s (no file)", cred_path,
	    conf_path);
	assert_string_equal(err, want);
	/* A named profile never falls back to instance metadata. */
	assert_int_equal(f.calls, 0);

	setenv("AWS_PROFILE", "gone", 1);
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "\"gone\""));

	/* A profile with only a region has no credentials. */
	write_file(conf_path, CONF_FILE);
	assert_int_equal(load("bench", &f, &c, err, sizeof(err)), 0);
	awscreds_free(&c);
	write_file(cred_path, "");
	assert_int_equal(load("bench", &f, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "\"bench\" has no aws_access_key_id"));
	assert_int_equal(f.calls, 0);
}

struct malformed {
	const char *text;
	const char *err; /* after "<path>:" */
};

static void
test_malformed(void **state)
{
	static const struct malformed cases[] = {
		{ "[default]\naws_access_key_id = AKIAFILEKEYID\n"
		  "AKIAFILEKEYID " FILE_SECRET "\n",
		    ":3: expected [section] or key = value" },
		{ "aws_secret_access_key = " FILE_SECRET "\n[default]\n",
		    ":1: setting outside any [section]" },
		{ "\n\n[default\n", ":3: malformed [section] line" },
		{ "[]\n", ":1: malformed [section] line" },
		{ "[default]\n= " FILE_SECRET "\n",
		    ":2: expected [section] or key = value" },
	};
	struct aws_creds c;
	char             err[512], want[512];
	size_t           i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		write_file(cred_path, cases[i].text);
		assert_int_equal(
		    load(NULL, NULL, &c, err, sizeof(err)), -EINVAL);
		snprintf(want, sizeof(want), "%s%s", cred_path, cases[i].err);
		assert_string_equal(err, want);
	}
	/* A malformed line in a section we do not want still fails. */
	write_file(cred_path,
	    "[default]\naws_access_key_id = AKIAFILEKEYID\n"
	    "aws_secret_access_key = " FILE_SECRET "\n"
	    "[other]\njunk\n");
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), -EINVAL);

	/* Half a pair in a file names the file and profile only. */
	write_file(
	    cred_path, "[bench]\naws_secret_access_key = " BENCH_SECRET "\n");
	assert_int_equal(load("bench", NULL, &c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
	    "%s: profile \"bench\" has aws_secret_access_key but no "
	    "aws_access_key_id",
	    cred_path);
	assert_string_equal(err, want);

	/* Sources we do not implement are named, not skipped. */
	write_file(cred_path, "");
	write_file(conf_path,
	    "[profile bench]\nrole_arn = arn:aws:iam::1:role/r\n"
	    "source_profile = default\n");
	assert_int_equal(load("bench", NULL, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "uses role_arn"));

	/* A directory where a file should be cannot be read. */
	unlink(cred_path);
	mkdir(cred_path, 0700);
	assert_int_equal(load(NULL, NULL, &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "cannot read"));
	assert_non_null(strstr(err, cred_path));
}

static void
test_imds(void **state)
{
	struct aws_creds c;
	struct fake      f;
	char             err[512], line[256];

	(void)state;
	fake_ok(&f);
	setenv(
	    "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/", 1);
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_int_equal(f.calls, 3);
	assert_string_equal(f.method[0], "PUT");
	assert_string_equal(
	    f.url[0], "http://127.0.0.1:1338/latest/api/token");
	assert_string_equal(
	    f.header[0], "X-aws-ec2-metadata-token-ttl-seconds: 21600");
	assert_string_equal(f.method[1], "GET");
	assert_string_equal(f.url[1],
	    "http://127.0.0.1:1338/latest/meta-data/"
	    "iam/security-credentials/");
	assert_string_equal(
	    f.header[1], "X-aws-ec2-metadata-token: MetadataApiToken");
	assert_string_equal(f.url[2],
	    "http://127.0.0.1:1338/latest/meta-data/"
	    "iam/security-credentials/bench-role");
	assert_string_equal(f.header[2], f.header[1]);

	assert_int_equal(c.source, AWSCREDS_IMDS);
	assert_string_equal(c.access_key_id, "ASIAIMDSKEYID");
	assert_string_equal(c.secret_access_key, IMDS_SECRET);
	assert_string_equal(c.session_token, IMDS_TOKEN);
	assert_int_equal(c.expires, 1716206400); /* 2024-05-20T12:00:00Z */
	assert_string_equal(c.origin, "instance metadata (role bench-role)");
	assert_false(awscreds_expiring(&c, 1716206400 - 301, 300));
	assert_true(awscreds_expiring(&c, 1716206400 - 300, 300));
	awscreds_describe(&c, line, sizeof(line));
	no_secret(line);
	assert_string_equal(line,
	    "access key ****, secret set, session "
	    "token set, from instance metadata (role "
	    "bench-role), expires 2024-05-20T12:00:00Z");
	awscreds_free(&c);

	/* The default endpoint. */
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	fake_ok(&f);
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), 0);
	assert_string_equal(
	    f.url[0], "http://169.254.169.254/latest/api/token");
	awscreds_free(&c);

	/* Switched off. */
	setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
	fake_ok(&f);
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -ENOENT);
	assert_int_equal(f.calls, 0);
}

static void
test_imds_failures(void **state)
{
	struct fake_resp bad_json[] = {
		{ 0, 200,
		    "{\"Code\":\"Success\",\"AccessKeyId\":\"A\","
		    "\"SecretAccessKey\":\"" IMDS_SECRET "\\q\"}" },
	};
	struct aws_creds c;
	struct fake      f;
	char             err[512];

	(void)state;
	/* Off EC2: nothing answers. */
	fake_ok(&f);
	f.resp[0].rc = -ECONNREFUSED;
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -ENOENT);
	assert_int_equal(f.calls, 1);
	assert_non_null(strstr(err, "no AWS credentials"));
	assert_non_null(strstr(err,
	    "session token: no answer from "
	    "http://169.254.169.254/latest/api/token: "
	    "Connection refused"));

	/* No role attached. */
	fake_ok(&f);
	f.resp[1] = (struct fake_resp) { 0, 404, "<html>Not Found</html>" };
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "IAM role: HTTP 404"));

	/* Token refused. */
	fake_ok(&f);
	f.resp[0] = (struct fake_resp) { 0, 403, "" };
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "session token: HTTP 403"));
	assert_int_equal(f.calls, 1);

	/* A role name that would change the URL. */
	fake_ok(&f);
	f.resp[1].body = "../../user-data\n";
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "malformed IAM role name"));
	assert_int_equal(f.calls, 2);

	/* Broken JSON: the message gives the offset, not the secret. */
	fake_ok(&f);
	f.resp[2] = bad_json[0];
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "invalid escape in string at byte"));

	fake_ok(&f);
	f.resp[2].body = "{\"Code\":\"AssumeRoleUnauthorizedAccess\"}";
	assert_int_equal(load(NULL, &f, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "Code is not Success"));
}

static void
test_parse_imds(void **state)
{
	struct parse_case {
		const char *json;
		int         rc;
		const char *err;
	} cases[] = {
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" IMDS_SECRET
		  "\"}",
		    0, NULL },
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" IMDS_SECRET
		  "\",\"Expiration\":\"2024-05-20T12:00:00.123Z\"}",
		    0, NULL },
		{ "{\"AccessKeyId\":\"A\"}", -EINVAL,
		    "instance metadata: no SecretAccessKey string" },
		{ "{\"AccessKeyId\":1,\"SecretAccessKey\":\"" IMDS_SECRET
		  "\"}",
		    -EINVAL, "instance metadata: no AccessKeyId string" },
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\"}", -EINVAL,
		    "instance metadata: no SecretAccessKey string" },
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" IMDS_SECRET
		  "\",\"Expiration\":\"2024-05-20 12:00:00\"}",
		    -EINVAL,
		    "instance metadata: Expiration is not "
		    "YYYY-MM-DDTHH:MM:SSZ" },
		{ "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" IMDS_SECRET
		  "\",\"Expiration\":\"2024-13-20T12:00:00Z\"}",
		    -EINVAL,
		    "instance metadata: Expiration is not "
		    "YYYY-MM-DDTHH:MM:SSZ" },
		{ "[]", -EINVAL,
		    "instance metadata: credentials are not an object" },
		{ "", -EINVAL,
		    "instance metadata: JSON: unexpected end of input at byte "
		    "0" },
	};
	struct aws_creds c;
	char             err[256];
	size_t           i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		err[0] = '\0';
		assert_int_equal(
		    awscreds_parse_imds(cases[i].json, strlen(cases[i].json),
		        &c, err, sizeof(err)),
		    cases[i].rc);
		no_secret(err);
		if (cases[i].rc == 0) {
			assert_string_equal(c.secret_access_key, IMDS_SECRET);
			assert_null(c.session_token);
			awscreds_free(&c);
		} else {
			assert_string_equal(err, cases[i].err);
			assert_null(c.access_key_id);
		}
	}
}

/* 64 characters: one more than a region may have */
static const char long64[]
    = "a123456789012345678901234567890123456789012345678901234567890123";

static void
test_region(void **state)
{
	struct awscreds_opts o = { 0 };
	char                 err[512], *r;

	(void)state;
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), -ENOENT);
	assert_null(r);
	assert_non_null(strstr(err, "no AWS region"));
	assert_non_null(strstr(err, conf_path));

	write_file(cred_path,
	    "[default]\nregion = ap-south-1\n"
	    "[bench]\nregion = sa-east-1\n");
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), 0);
	assert_string_equal(r, "ap-south-1");
	free(r);
	write_file(conf_path, CONF_FILE);
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), 0);
	assert_string_equal(r, "eu-west-1");
	free(r);
	o.profile = "bench";
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), 0);
	assert_string_equal(r, "us-east-2");
	free(r);
	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), 0);
	assert_string_equal(r, "us-west-1");
	free(r);
	setenv("AWS_REGION", "us-west-2", 1);
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), 0);
	assert_string_equal(r, "us-west-2");
	free(r);
	setenv("AWS_REGION", "us-west-2/../x", 1);
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "invalid AWS region from AWS_REGION (expected "
	    "letters, digits and '-', e.g. us-east-1)");
	assert_null(r);
	/* the one check, as the URL and --region have it: no longer than
	 * the 63 characters a region buffer holds */
	setenv("AWS_REGION", long64, 1);
	assert_int_equal(awscreds_region(&o, &r, err, sizeof(err)), -EINVAL);
	assert_null(r);
	assert_true(awscreds_region_ok("us-east-1"));
	assert_true(awscreds_region_ok(long64 + 1));
	assert_false(awscreds_region_ok(long64));
	assert_false(awscreds_region_ok(""));
	assert_false(awscreds_region_ok("US-EAST-1"));
	assert_false(awscreds_region_ok("us_east_1"));
}

static void
test_redact(void **state)
{
	struct aws_creds c = { 0 };
	char             out[AWSCREDS_REDACT_SIZE], line[256];

	(void)state;
	assert_string_equal(
	    awscreds_redact(ENV_SECRET, out), "****************XXX1");
	assert_string_equal(awscreds_redact("AKIAIOSFODNN7EXAMPLE", out),
	    "****************MPLE");
	assert_string_equal(awscreds_redact("short", out), "****");
	assert_string_equal(awscreds_redact("", out), "(none)");
	assert_string_equal(awscreds_redact(NULL, out), "(none)");

	c.access_key_id     = (char *)"AKIAIOSFODNN7EXAMPLE";
	c.secret_access_key = (char *)ENV_SECRET;
	c.origin            = (char *)"environment";
	awscreds_describe(&c, line, sizeof(line));
	no_secret(line);
	assert_string_equal(line,
	    "access key ****************MPLE, secret "
	    "set, session token (none), from "
	    "environment, expires never");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_env),
		T(test_precedence),
		T(test_profiles),
		T(test_sections),
		T(test_missing_profile),
		T(test_malformed),
		T(test_imds),
		T(test_imds_failures),
		T(test_parse_imds),
		T(test_region),
		T(test_redact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
