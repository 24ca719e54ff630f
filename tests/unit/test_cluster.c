/* test_cluster.c - a cluster URL split into one URL per host (balance=
 * taken out, user info, path and the other parameters kept), the balance
 * read and checked, and the hosts' health: rr turns, hash keeps a key on
 * its host, a host taken out is skipped until its probe is due, then put
 * back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cluster.h"

static void
test_parse(void **state)
{
	struct cluster c;
	char           err[160], out[256];

	(void)state;
	assert_int_equal(cluster_count("vm://a:1,b:2/?db=x"), 2);
	assert_int_equal(cluster_count("postgres://u:p,w@a:1/db"), 1);
	assert_int_equal(cluster_count("sqlite:x,y.db"), 1);
	assert_true(cluster_wanted("vm://a:1,b:2/"));
	assert_true(cluster_wanted("vm://a:1/?db=x&balance=hash"));
	assert_false(cluster_wanted("vm://a:1/?db=x"));

	assert_int_equal(
	    cluster_parse(&c,
	        "postgres://u:pw@h1:5432,h2:5433/tsload?sslmode=disable&balance=hash",
	        err, sizeof(err)),
	    0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.bal, CLUSTER_HASH);
	assert_string_equal(
	    c.h[0].url, "postgres://u:pw@h1:5432/tsload?sslmode=disable");
	assert_string_equal(
	    c.h[1].url, "postgres://u:pw@h2:5433/tsload?sslmode=disable");
	assert_string_equal(c.h[1].name, "h2:5433");

	assert_int_equal(
	    cluster_parse(&c, "vm://a:1,b:2?balance=rr", err, sizeof(err)), 0);
	assert_int_equal(c.bal, CLUSTER_RR);
	assert_string_equal(c.h[1].url, "vm://b:2");

	assert_int_equal(cluster_parse(&c, "vm://a:1,b:2/?balance=random", err,
	                     sizeof(err)),
	    -22);
	assert_non_null(strstr(err, "balance=random: expected rr or hash"));
	assert_int_equal(
	    cluster_parse(&c, "vm://a:1,,b:2/", err, sizeof(err)), -22);
	assert_non_null(strstr(err, "empty host"));
	assert_int_equal(
	    cluster_parse(&c, "vm://a,b,c,d,e,f,g,h,i/", err, sizeof(err)),
	    -22);

	assert_int_equal(
	    cluster_strip("vm://a:1/?balance=hash&db=x", out, sizeof(out)), 0);
	assert_string_equal(out, "vm://a:1/?db=x");
}

static void
test_health(void **state)
{
	struct cluster c;
	char           err[160];
	unsigned       pref, seen[3] = { 0 };
	uint64_t       t = 1000000000000ull;
	int            i;

	(void)state;
	assert_int_equal(
	    cluster_parse(&c, "vm://a:1,b:2,c:3/", err, sizeof(err)), 0);
	for (unsigned k = 0; k < 6; k++)
		seen[cluster_pick(&c, 0, t, &pref)]++;
	assert_int_equal(seen[0], 2); /* rr: each in turn */
	assert_int_equal(seen[1], 2);
	assert_int_equal(seen[2], 2);

	c.bal = CLUSTER_HASH;
	assert_int_equal(cluster_pick(&c, 7, t, &pref), 1); /* 7 % 3 */
	cluster_down(&c, 1, t);
	i = cluster_pick(&c, 7, t, &pref);
	assert_int_equal(i, 2); /* moved to the next one up */
	assert_int_equal(pref, 1);
	assert_true(c.hl[1].down);
	assert_int_equal(c.hl[1].down_since_ns, t);
	/* not probed before its backoff (100 ms the first time) */
	assert_int_equal(cluster_pick(&c, 7, t + 99000000ull, &pref), 2);
	assert_int_equal(cluster_next_probe(&c), t + 100000000ull);
	assert_int_equal(cluster_pick(&c, 7, t + 100000000ull, &pref), 1);
	/* the probe failed: out again, for twice as long, same down-since */
	cluster_down(&c, 1, t + 100000000ull);
	assert_int_equal(cluster_next_probe(&c), t + 300000000ull);
	assert_int_equal(c.hl[1].down_since_ns, t);
	cluster_up(&c, 1);
	assert_false(c.hl[1].down);
	assert_int_equal(cluster_pick(&c, 7, t, &pref), 1);
	/* every host out, none due */
	for (unsigned k = 0; k < 3; k++)
		cluster_down(&c, k, t);
	assert_int_equal(cluster_pick(&c, 7, t, &pref), -1);
	/* the key of a series does not change */
	assert_true(
	    cluster_key("host-1", 6, 0) == cluster_key("host-1", 6, 0));
	assert_true(
	    cluster_key("host-1", 6, 0) != cluster_key("host-1", 6, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_health),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
