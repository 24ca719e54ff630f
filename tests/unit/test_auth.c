/* test_auth.c - the remote workers' challenge and response (auth.h):
 * HMAC-SHA256 against RFC 4231, both sides agreeing only with the same
 * token, the version check's message; and the token kept out of what
 * goes to a worker and into run.json (opts.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "json.h"
#include "opts.h"

/* RFC 4231 test case 2: key "Jefe", "what do ya want for nothing?". */
static void
test_hmac_vector(void **state)
{
	static const uint8_t want[AUTH_MAC_LEN] = { 0x5b, 0xdc, 0xc1, 0x46,
		0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95,
		0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 };
	uint8_t              mac[AUTH_MAC_LEN];

	(void)state;
	/* split anywhere: the MAC is over a || b */
	auth_mac("Jefe", "what do ya", 10, " want for nothing?", 18, mac);
	assert_memory_equal(mac, want, sizeof(want));
	assert_true(auth_equal(mac, want));
	mac[31] ^= 1;
	assert_false(auth_equal(mac, want));
}

static void
test_response_needs_the_token(void **state)
{
	uint8_t n1[AUTH_NONCE_LEN], n2[AUTH_NONCE_LEN];
	uint8_t a[AUTH_MAC_LEN], b[AUTH_MAC_LEN];

	(void)state;
	assert_int_equal(auth_nonce(n1), 0);
	assert_int_equal(auth_nonce(n2), 0);
	assert_memory_not_equal(n1, n2, sizeof(n1));
	auth_response("s3cret", n1, "hostb:42", a);
	auth_response("s3cret", n1, "hostb:42", b);
	assert_true(auth_equal(a, b));
	auth_response("s3cre7", n1, "hostb:42", b); /* wrong token */
	assert_false(auth_equal(a, b));
	auth_response("s3cret", n2, "hostb:42", b); /* another challenge */
	assert_false(auth_equal(a, b));
	auth_response("s3cret", n1, "hostc:42", b); /* another worker */
	assert_false(auth_equal(a, b));
	/* the coordinator's proof is not a worker's response */
	auth_proof("s3cret", n1, b);
	assert_false(auth_equal(a, b));
}

static void
test_version(void **state)
{
	char why[160] = "";

	(void)state;
	assert_true(auth_version_ok("0.1.0", "0.1.0", why, sizeof(why)));
	assert_false(auth_version_ok("0.2.0", "0.1.0", why, sizeof(why)));
	assert_non_null(strstr(why, "0.2.0"));
	assert_non_null(strstr(why, "0.1.0"));
	assert_null(strchr(why, '\n'));
}

/* --token: never in the text a worker gets, "***" in run.json. */
static void
test_token_stays_home(void **state)
{
	const char     *argv[] = { "ingest", "--target", "null:", "--listen",
		    "tcp://127.0.0.1:7400", "--remote-workers", "2", "--token",
		    "s3cret" };
	struct tsl_opts o;
	struct buf      text, js;
	struct json_w   w;
	char            err[256];

	(void)state;
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_INGEST, 9, argv, err, sizeof(err)), 0);
	assert_int_equal(opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	assert_int_equal(opts_workers(&o), 3);
	buf_init(&text, 1 << 20);
	opts_to_text(&o, CMD_INGEST, &text);
	buf_cstr(&text);
	assert_null(strstr(text.p, "s3cret"));
	assert_null(strstr(text.p, "--token"));
	assert_non_null(strstr(text.p, "--remote-workers=2\n"));
	buf_init(&js, 1 << 20);
	json_w_init(&w, &js, false);
	json_obj_begin(&w);
	assert_int_equal(opts_to_json(&o, CMD_INGEST, &w), 0);
	json_obj_end(&w);
	buf_cstr(&js);
	assert_null(strstr(js.p, "s3cret"));
	assert_non_null(strstr(js.p, "\"token\":\"***\""));
	buf_free(&text);
	buf_free(&js);
	opts_free(&o);
}

/* The checks of --listen and friends, each one line naming the option. */
static void
test_remote_options(void **state)
{
	static const struct {
		int         argc;
		const char *argv[8];
		const char *says;
	} bad[] = {
		{ 3, { "ingest", "--remote-workers", "2" }, "--listen" },
		{ 5,
		    { "ingest", "--remote-workers", "2", "--listen",
		        "10.0.0.1:7" },
		    "tcp://ADDR:PORT" },
		{ 5,
		    { "ingest", "--remote-workers", "2", "--listen",
		        "tcp://0.0.0.0:7400" },
		    "--token or TSLOAD_TOKEN" },
		{ 3, { "ingest", "--listen", "tcp://0.0.0.0:7400" },
		    "--remote-workers N" },
		{ 3, { "ingest", "-p", "0" }, "needs a worker" },
		{ 3, { "query", "--on-worker-loss", "maybe" },
		    "fail or continue" },
	};
	struct tsl_opts o;
	char            err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned cmd = !strcmp(bad[i].argv[0], "query") ? CMD_QUERY
		                                                : CMD_INGEST;

		opts_defaults(&o);
		err[0] = '\0';
		if (!opts_parse(
		        &o, cmd, bad[i].argc, bad[i].argv, err, sizeof(err))) {
			assert_int_not_equal(
			    opts_validate(&o, cmd, err, sizeof(err)), 0);
			opts_free(&o);
		}
		if (!strstr(err, bad[i].says))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
			    bad[i].says);
		assert_null(strchr(err, '\n'));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_vector),
		cmocka_unit_test(test_response_needs_the_token),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_token_stays_home),
		cmocka_unit_test(test_remote_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
