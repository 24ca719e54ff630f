/* test_sigv4.c - unit tests of AWS SigV4 signing (common/sigv4.c).
 *
 * The Timestream WriteRecords reference vector (local-servers.md 3.1) step
 * by step, cases of the AWS SigV4 test suite (credentials AKIDEXAMPLE,
 * 2015-08-30T12:36:00Z, us-east-1, service "service"), session tokens, and
 * the requests the signer must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sigv4.h"

/* 2015-08-30T12:36:00Z */
#define T_SUITE ((time_t)1440938160)

static const char AKID[]   = "AKIDEXAMPLE";
static const char SECRET[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
static const char TOKEN[]
    = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWs"
      "KWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGde"
      "ehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8T"
      "x6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FD"
      "rypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

static const char WR_BODY[]
    = "{\"DatabaseName\":\"bench\",\"TableName\":\"cpu\",\"Records\":[{"
      "\"Dimensions\":[{\"Name\":\"hostname\",\"Value\":\"host_0\"}],"
      "\"MeasureName\":\"usage_user\",\"MeasureValue\":\"12.5\","
      "\"MeasureValueType\":\"DOUBLE\",\"Time\":\"1700000000000\","
      "\"TimeUnit\":\"MILLISECONDS\"}]}";

static const struct sigv4_header WR_HDRS[] = {
	{ "Content-Type", "application/x-amz-json-1.0" },
	{ "X-Amz-Target", "Timestream_20181101.WriteRecords" },
};

static struct aws_creds
creds(const char *token)
{
	struct aws_creds c = { 0 };

	c.access_key_id     = (char *)AKID;
	c.secret_access_key = (char *)SECRET;
	c.session_token     = (char *)token;
	return c;
}

static struct sigv4_req
wr_req(void)
{
	struct sigv4_req r = { 0 };

	r.method   = "POST";
	r.host     = "ingest-cell1.timestream.us-east-1.amazonaws.com";
	r.path     = "/";
	r.headers  = WR_HDRS;
	r.nheaders = 2;
	r.body     = WR_BODY;
	r.body_len = strlen(WR_BODY);
	return r;
}

static const char *
cstr(struct buf *b)
{
	assert_int_equal(buf_cstr(b), 0);
	return b->p;
}

/* The reference vector: canonical request, string to sign, header. */
static void
test_timestream_reference(void **state)
{
	struct aws_creds c = creds(NULL);
	struct sigv4_req r = wr_req();
	struct buf       creq, sh, sts, auth;
	char             date[SIGV4_DATE_SIZE];

	(void)state;
	assert_int_equal(strlen(WR_BODY), 234);
	buf_init(&creq, 1 << 16);
	buf_init(&sh, 1 << 16);
	buf_init(&sts, 1 << 16);
	buf_init(&auth, 1 << 16);
	assert_int_equal(sigv4_amz_date(T_SUITE, date), 0);
	assert_string_equal(date, "20150830T123600Z");
	assert_int_equal(sigv4_canonical_request(&r, &c, date, &creq, &sh), 0);
	assert_string_equal(cstr(&creq),
	    "POST\n/\n\n"
	    "content-type:application/x-amz-json-1.0\n"
	    "host:ingest-cell1.timestream.us-east-1.amazonaws.com\n"
	    "x-amz-date:20150830T123600Z\n"
	    "x-amz-target:Timestream_20181101.WriteRecords\n\n"
	    "content-type;host;x-amz-date;x-amz-target\n"
	    "7d5cc4841b24cfa6e0195e6ae582dcacd18fca3d46ddb68a214a0e611eddc8b"
	    "0");
	assert_string_equal(
	    cstr(&sh), "content-type;host;x-amz-date;x-amz-target");
	assert_int_equal(sigv4_string_to_sign(date, "us-east-1", "timestream",
	                     creq.p, creq.len, &sts),
	    0);
	assert_string_equal(cstr(&sts),
	    "AWS4-HMAC-SHA256\n20150830T123600Z\n"
	    "20150830/us-east-1/timestream/aws4_request\n"
	    "1973a4bb9a95345552229bd2fa4f4727ff35476f60520206f89fc9b322c35e4"
	    "c");

	memset(date, 0, sizeof(date));
	assert_int_equal(sigv4_sign(&r, &c, "us-east-1", "timestream", T_SUITE,
	                     &auth, date),
	    0);
	assert_string_equal(date, "20150830T123600Z");
	assert_string_equal(auth.p,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
	    "timestream/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-date;x-amz-target, Signature="
	    "41d378a37d92cb7bdc3505c43bbb381dee37a8840bb9c10bd3d8f7de7a55c92"
	    "c");

	/* The same with the payload hash handed in. */
	r.body         = NULL;
	r.body_len     = 0;
	r.payload_hash = "7d5cc4841b24cfa6e0195e6ae582dcacd18fca3d46ddb68a2"
	                 "14a0e611eddc8b0";
	assert_int_equal(sigv4_sign(&r, &c, "us-east-1", "timestream", T_SUITE,
	                     &auth, date),
	    0);
	assert_non_null(strstr(auth.p,
	    "Signature=41d378a37d92cb7bdc3505c43bb"
	    "b381dee37a8840bb9c10bd3d8f7de7a55c92c"));
	buf_free(&creq);
	buf_free(&sh);
	buf_free(&sts);
	buf_free(&auth);
}

/* AWS "Deriving the signing key" example (iam, 2012-02-15). */
static void
test_signing_key(void **state)
{
	unsigned char key[32];
	char          hex[65];
	int           i;

	(void)state;
	assert_int_equal(
	    sigv4_signing_key(SECRET, "20120215", "us-east-1", "iam", key), 0);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", key[i]);
	assert_string_equal(hex,
	    "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404"
	    "d");
	assert_int_equal(sigv4_sha256_hex("", 0, hex), 0);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"
	    "5");
}

struct suite_case {
	const char         *name;
	const char         *method;
	const char         *path;
	const char         *query;
	struct sigv4_header hdr[4];
	size_t              nhdr;
	const char         *body;
	const char         *token;
	const char         *signed_hdrs;
	const char         *sig;
};

#define VANILLA                                                               \
	"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
#define HX "host;x-amz-date"
#define HMX "host;my-header1;x-amz-date"

static const struct suite_case suite[] = {
	{ "get-vanilla", "GET", "/", NULL, { { 0 } }, 0, NULL, NULL, HX,
	    VANILLA },
	{ "get-vanilla-query (empty)", "GET", "/", "", { { 0 } }, 0, NULL,
	    NULL, HX, VANILLA },
	{ "get-vanilla-empty-query-key", "GET", "/", "Param1=value1",
	    { { 0 } }, 0, NULL, NULL, HX,
	    "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9ae"
	    "b" },
	{ "get-vanilla-query-order-key-case", "GET", "/",
	    "Param2=value2&Param1=value1", { { 0 } }, 0, NULL, NULL, HX,
	    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf250"
	    "0" },
	{ "get-vanilla-query-order-value", "GET", "/",
	    "Param1=value2&Param1=Value1", { { 0 } }, 0, NULL, NULL, HX,
	    "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd"
	    "1" },
	{ "get-vanilla-query-unreserved", "GET", "/",
	    "-._~"
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
	    "-._~"
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	    { { 0 } }, 0, NULL, NULL, HX,
	    "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a4019"
	    "7" },
	{ "get-vanilla-utf8-query", "GET", "/", "\xe1\x88\xb4=bar", { { 0 } },
	    0, NULL, NULL, HX,
	    "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd0"
	    "4" },
	{ "get-vanilla-utf8-query (encoded)", "GET", "/", "%e1%88%B4=bar",
	    { { 0 } }, 0, NULL, NULL, HX,
	    "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd0"
	    "4" },
	{ "get-unreserved", "GET",
	    "/-._~"
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	    NULL, { { 0 } }, 0, NULL, NULL, HX,
	    "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24"
	    "f" },
	{ "get-utf8", "GET", "/\xe1\x88\xb4", NULL, { { 0 } }, 0, NULL, NULL,
	    HX,
	    "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d8"
	    "5" },
	{ "get-relative", "GET", "/example/..", NULL, { { 0 } }, 0, NULL, NULL,
	    HX, VANILLA },
	{ "get-relative-relative", "GET", "/example1/example2/../..", NULL,
	    { { 0 } }, 0, NULL, NULL, HX, VANILLA },
	{ "get-slash", "GET", "//", NULL, { { 0 } }, 0, NULL, NULL, HX,
	    VANILLA },
	{ "get-slash-dot-slash", "GET", "/./", NULL, { { 0 } }, 0, NULL, NULL,
	    HX, VANILLA },
	{ "get-slash-pointless-dot", "GET", "/./example", NULL, { { 0 } }, 0,
	    NULL, NULL, HX,
	    "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec"
	    "5" },
	{ "get-slashes", "GET", "//example//", NULL, { { 0 } }, 0, NULL, NULL,
	    HX,
	    "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e8"
	    "4" },
	/* A path already encoded on the wire is encoded once more. */
	{ "get-space (wire-encoded)", "GET", "/example%20space/", NULL,
	    { { 0 } }, 0, NULL, NULL, HX,
	    "446b817944c553435b35e813c261ff4e161fff982d1bacdef1c87f6785dd166"
	    "2" },
	{ "get-header-key-duplicate", "GET", "/", NULL,
	    { { "My-Header1", "value2" }, { "My-Header1", "value2" },
	        { "My-Header1", "value1" } },
	    3, NULL, NULL, HMX,
	    "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138e"
	    "a" },
	{ "get-header-value-order", "GET", "/", NULL,
	    { { "My-Header1", "value4" }, { "My-Header1", "value1" },
	        { "My-Header1", "value3" }, { "My-Header1", "value2" } },
	    4, NULL, NULL, HMX,
	    "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c0"
	    "1" },
	{ "get-header-value-trim", "GET", "/", NULL,
	    { { "My-Header1", " value1" },
	        { "My-Header2", " \"a   b   c\"" } },
	    2, NULL, NULL, "host;my-header1;my-header2;x-amz-date",
	    "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c73"
	    "6" },
	{ "post-vanilla", "POST", "/", NULL, { { 0 } }, 0, NULL, NULL, HX,
	    "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6"
	    "b" },
	{ "post-header-key-sort", "POST", "/", NULL,
	    { { "My-Header1", "value1" } }, 1, NULL, NULL, HMX,
	    "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852"
	    "c" },
	{ "post-header-value-case", "POST", "/", NULL,
	    { { "MY-HEADER1", "VALUE1" } }, 1, NULL, NULL, HMX,
	    "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7"
	    "d" },
	{ "post-vanilla-query", "POST", "/", "Param1=value1", { { 0 } }, 0,
	    NULL, NULL, HX,
	    "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f1"
	    "1" },
	{ "post-vanilla-query-nonunreserved", "POST", "/",
	    "%40%23%24%25%5E&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%"
	    "7D",
	    { { 0 } }, 0, NULL, NULL, HX,
	    "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1"
	    "e" },
	{ "post-x-www-form-urlencoded", "POST", "/", NULL,
	    { { "Content-Type", "application/x-www-form-urlencoded" } }, 1,
	    "Param1=value1", NULL, "content-type;host;x-amz-date",
	    "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473"
	    "a" },
	{ "post-x-www-form-urlencoded-parameters", "POST", "/", NULL,
	    { { "Content-Type",
	        "application/x-www-form-urlencoded; charset=utf8" } },
	    1, "Param1=value1", NULL, "content-type;host;x-amz-date",
	    "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6f"
	    "e" },
	{ "post-sts-header-before", "POST", "/", NULL, { { 0 } }, 0, NULL,
	    TOKEN, "host;x-amz-date;x-amz-security-token",
	    "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ea"
	    "d" },
};

static void
test_suite_cases(void **state)
{
	struct buf auth;
	size_t     i;

	(void)state;
	buf_init(&auth, 4096);
	for (i = 0; i < sizeof(suite) / sizeof(suite[0]); i++) {
		const struct suite_case *t = &suite[i];
		struct aws_creds         c = creds(t->token);
		struct sigv4_req         r = { 0 };
		char                     date[SIGV4_DATE_SIZE], *want;

		r.method   = t->method;
		r.host     = "example.amazonaws.com";
		r.path     = t->path;
		r.query    = t->query;
		r.headers  = t->hdr;
		r.nheaders = t->nhdr;
		r.body     = t->body;
		r.body_len = t->body ? strlen(t->body) : 0;
		want       = NULL;
		assert_int_equal(asprintf(&want,
		                     "AWS4-HMAC-SHA256 Credential="
		                     "AKIDEXAMPLE/20150830/us-east-1/"
		                     "service/aws4_request, "
		                     "SignedHeaders=%s, Signature=%s",
		                     t->signed_hdrs, t->sig)
		        > 0,
		    1);
		if (sigv4_sign(
		        &r, &c, "us-east-1", "service", T_SUITE, &auth, date)
		        != 0
		    || strcmp(auth.p, want) != 0)
			fail_msg("%s: got %s", t->name,
			    auth.len ? auth.p : "(error)");
		free(want);
	}
	buf_free(&auth);
}

/* Canonical forms that the signatures above only show indirectly. */
static void
test_canonical_parts(void **state)
{
	struct aws_creds          c   = creds("tok");
	const struct sigv4_header h[] = {
		{ "X-B", "  two\t\tspaced   words " },
		{ "x-a", "1" },
		{ "X-A", "" },
	};
	struct sigv4_req r = { 0 };
	struct buf       creq, sh;

	(void)state;
	buf_init(&creq, 4096);
	buf_init(&sh, 4096);
	r.method   = "GET";
	r.host     = "h:8443";
	r.path     = "/a b/%7E/./c/../d";
	r.query    = "b=2&a=x%2By+z&&a&c=%7e";
	r.headers  = h;
	r.nheaders = 3;
	assert_int_equal(
	    sigv4_canonical_request(&r, &c, "20150830T123600Z", &creq, &sh),
	    0);
	assert_string_equal(cstr(&creq),
	    "GET\n/a%20b/%257E/d\na=&a=x%2By%2Bz&b=2&c=~\n"
	    "host:h:8443\nx-a:1,\nx-amz-date:20150830T123600Z\n"
	    "x-amz-security-token:tok\nx-b:two spaced words\n\n"
	    "host;x-a;x-amz-date;x-amz-security-token;x-b\n"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"
	    "5");
	assert_string_equal(
	    cstr(&sh), "host;x-a;x-amz-date;x-amz-security-token;x-b");

	/* NULL path is "/", UNSIGNED-PAYLOAD passes through. */
	buf_reset(&creq);
	r.path         = NULL;
	r.query        = NULL;
	r.nheaders     = 0;
	r.payload_hash = "UNSIGNED-PAYLOAD";
	assert_int_equal(
	    sigv4_canonical_request(&r, NULL, "20150830T123600Z", &creq, NULL),
	    0);
	assert_string_equal(cstr(&creq),
	    "GET\n/\n\nhost:h:8443\n"
	    "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
	    "UNSIGNED-PAYLOAD");
	buf_free(&creq);
	buf_free(&sh);
}

/* A session token is signed and named in SignedHeaders (Timestream). */
static void
test_session_token(void **state)
{
	const struct sigv4_header h[] = {
		{ "Content-Type", "application/x-amz-json-1.0" },
		{ "X-Amz-Target", "Timestream_20181101.Query" },
	};
	struct aws_creds c      = creds("FQoGZXIvYXdzEXAMPLE/token+abc==");
	struct sigv4_req r      = { 0 };
	const char       body[] = "{\"QueryString\":\"SELECT 1\"}";
	struct buf       auth;
	char             date[SIGV4_DATE_SIZE];

	(void)state;
	buf_init(&auth, 4096);
	r.method   = "POST";
	r.host     = "query-cell2.timestream.us-east-1.amazonaws.com";
	r.path     = "/";
	r.headers  = h;
	r.nheaders = 2;
	r.body     = body;
	r.body_len = strlen(body);
	assert_int_equal(sigv4_sign(&r, &c, "us-east-1", "timestream", T_SUITE,
	                     &auth, date),
	    0);
	assert_string_equal(auth.p,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
	    "timestream/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-date;x-amz-security-token;x-amz-target, Signature="
	    "18229198f22fb4f25675ef46c41fd6ff73576dad868f92d03bda8710878ad1f"
	    "f");

	/* An empty token counts as none. */
	c.session_token = (char *)"";
	assert_int_equal(sigv4_sign(&r, &c, "us-east-1", "timestream", T_SUITE,
	                     &auth, date),
	    0);
	assert_null(strstr(auth.p, "security-token"));
	buf_free(&auth);
}

static void
test_rejects(void **state)
{
	struct aws_creds    c = creds(NULL);
	struct sigv4_req    r;
	struct sigv4_header h = { 0 };
	struct buf          auth;
	char                date[SIGV4_DATE_SIZE];
	static const char  *bad_names[]
	    = { "Host", "X-Amz-Date", "authorization", "X-Amz-Security-Token",
		      "", "Bad Name", "Colon:" };
	size_t i;

	(void)state;
	buf_init(&auth, 4096);
#define SIGN()                                                                \
	sigv4_sign(&r, &c, "us-east-1", "timestream", T_SUITE, &auth, date)
	for (i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++) {
		r          = wr_req();
		h.name     = bad_names[i];
		h.value    = "v";
		r.headers  = &h;
		r.nheaders = 1;
		assert_int_equal(SIGN(), -EINVAL);
		assert_int_equal(auth.len, 0);
	}
	/* Header injection through a value. */
	r          = wr_req();
	h.name     = "X-Ok";
	h.value    = "a\r\nX-Evil: 1";
	r.headers  = &h;
	r.nheaders = 1;
	assert_int_equal(SIGN(), -EINVAL);
	r      = wr_req();
	r.host = "h\n";
	assert_int_equal(SIGN(), -EINVAL);
	r       = wr_req();
	r.query = "a=%zz";
	assert_int_equal(SIGN(), -EINVAL);
	r.query = "a=%4";
	assert_int_equal(SIGN(), -EINVAL);
	r      = wr_req();
	r.path = "relative";
	assert_int_equal(SIGN(), -EINVAL);
	r        = wr_req();
	r.method = NULL;
	assert_int_equal(SIGN(), -EINVAL);
	r              = wr_req();
	r.payload_hash = "bad\nhash";
	assert_int_equal(SIGN(), -EINVAL);

	/* Credentials and scope. */
	r                   = wr_req();
	c.secret_access_key = (char *)"";
	assert_int_equal(SIGN(), -EINVAL);
	c               = creds(NULL);
	c.access_key_id = (char *)"AKID/X";
	assert_int_equal(SIGN(), -EINVAL);
	c = creds(NULL);
	assert_int_equal(
	    sigv4_sign(&r, &c, "", "timestream", T_SUITE, &auth, date),
	    -EINVAL);
	assert_int_equal(sigv4_sign(&r, &c, "us-east-1", "time stream",
	                     T_SUITE, &auth, date),
	    -EINVAL);
	assert_int_equal(sigv4_sign(&r, NULL, "us-east-1", "timestream",
	                     T_SUITE, &auth, date),
	    -EINVAL);
	buf_free(&auth);

	/* An Authorization that does not fit the cap. */
	buf_init(&auth, 64);
	assert_int_equal(SIGN(), -ENOSPC);
	assert_int_equal(auth.len, 0);
	buf_free(&auth);
#undef SIGN
}

static void
test_amz_date(void **state)
{
	char d[SIGV4_DATE_SIZE];

	(void)state;
	assert_int_equal(sigv4_amz_date(0, d), 0);
	assert_string_equal(d, "19700101T000000Z");
	assert_int_equal(sigv4_amz_date((time_t)1700000000, d), 0);
	assert_string_equal(d, "20231114T221320Z");
	assert_int_equal(sigv4_amz_date((time_t)253402300800LL, d), -EINVAL);
}

/* Each thread keeps its last signing key: a change of secret, day,
 * region or service must derive a new one. Every signature must equal
 * the one a new thread (no kept key) makes. */
struct sign_case {
	const char *secret, *region, *service;
	time_t      t;
	char        auth[512];
};

static void
sign_one(struct sign_case *k)
{
	struct aws_creds c = creds(NULL);
	struct sigv4_req r = wr_req();
	struct buf       auth;
	char             date[SIGV4_DATE_SIZE];

	c.secret_access_key = (char *)k->secret;
	buf_init(&auth, 4096);
	assert_int_equal(
	    sigv4_sign(&r, &c, k->region, k->service, k->t, &auth, date), 0);
	assert_true(auth.len < sizeof(k->auth));
	memcpy(k->auth, auth.p, auth.len + 1);
	buf_free(&auth);
}

static void *
sign_thread(void *arg)
{
	sign_one(arg);
	return NULL;
}

static void
test_signing_key_kept(void **state)
{
	struct sign_case cases[] = {
		{ SECRET, "us-east-1", "timestream", T_SUITE, "" },
		{ "anotherSecret", "us-east-1", "timestream", T_SUITE, "" },
		{ SECRET, "us-east-1", "timestream", T_SUITE + 86400, "" },
		{ SECRET, "eu-west-1", "timestream", T_SUITE, "" },
		{ SECRET, "us-east-1", "kinesis", T_SUITE, "" },
		{ SECRET, "us-east-1", "timestream", T_SUITE, "" },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sign_case fresh = cases[i];
		pthread_t        t;

		sign_one(&cases[i]);
		assert_int_equal(
		    pthread_create(&t, NULL, sign_thread, &fresh), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_string_equal(cases[i].auth, fresh.auth);
	}
	assert_non_null(strstr(cases[0].auth,
	    "Signature=41d378a37d92cb7bdc3505c43bb"
	    "b381dee37a8840bb9c10bd3d8f7de7a55c92c"));
	assert_string_equal(cases[0].auth, cases[5].auth);
	for (i = 0; i < 5; i++)
		for (j = i + 1; j < 5; j++)
			assert_string_not_equal(cases[i].auth, cases[j].auth);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestream_reference),
		cmocka_unit_test(test_signing_key),
		cmocka_unit_test(test_signing_key_kept),
		cmocka_unit_test(test_suite_cases),
		cmocka_unit_test(test_canonical_parts),
		cmocka_unit_test(test_session_token),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_amz_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
