/* test_linein.c - lines from plain, gzip (also concatenated members) and
 * zstd files: every line once, in order, whole, a missing last newline
 * added, runs bounded by lines and bytes, a line longer than the buffer,
 * truncated compressed input refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "linein.h"

static char dir[] = "/tmp/tsload-linein.XXXXXX";

static void
put(const char *name, const void *p, size_t n)
{
	char  path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Reads name whole in runs of at most max lines / max_bytes; returns the
 * text (caller frees) and the line count, or NULL with *rc set. */
static char *
slurp(
    const char *name, unsigned max, size_t max_bytes, unsigned *lines, int *rc)
{
	struct linein     r;
	struct linein_run run;
	char              path[256], err[256];
	char             *all = NULL;
	size_t            len = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*lines = 0;
	*rc    = linein_open(&r, path, err, sizeof(err));
	while (!*rc
	    && (*rc = linein_next(&r, max, max_bytes, &run, err, sizeof(err)))
	        == 1) {
		assert_true(run.n >= 1 && run.n <= max);
		assert_int_equal(run.p[run.len - 1], '\n');
		if (run.n > 1)
			assert_true(run.len <= max_bytes);
		all = realloc(all, len + run.len + 1);
		memcpy(all + len, run.p, run.len);
		len += run.len;
		*lines += run.n;
		*rc = 0;
	}
	linein_close(&r);
	if (*rc) {
		free(all);
		return NULL;
	}
	all      = realloc(all, len + 1);
	all[len] = '\0';
	return all;
}

static char *
sample(size_t n, size_t *len)
{
	char  *t = malloc(n * 32 + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += (size_t)sprintf(t + k, "line %zu %.*s\n", i,
		    (int)(i % 17), "abcdefghijklmnopq");
	*len = k;
	return t;
}

static void
test_plain(void **state)
{
	size_t   len;
	char    *t = sample(100000, &len), *got;
	unsigned n;
	int      rc;

	(void)state;
	put("a.txt", t, len);
	got = slurp("a.txt", 1000, 1 << 20, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 100000);
	assert_string_equal(got, t);
	free(got);
	/* one line at a time, and runs cut by bytes */
	got = slurp("a.txt", 1, 1 << 20, &n, &rc);
	assert_int_equal(n, 100000);
	free(got);
	got = slurp("a.txt", 100000, 100, &n, &rc);
	assert_int_equal(n, 100000);
	assert_string_equal(got, t);
	free(got);
	/* no newline at the end: one is added */
	put("b.txt", "x\ny", 3);
	got = slurp("b.txt", 10, 100, &n, &rc);
	assert_int_equal(n, 2);
	assert_string_equal(got, "x\ny\n");
	free(got);
	put("e.txt", "", 0);
	got = slurp("e.txt", 10, 100, &n, &rc);
	assert_int_equal(n, 0);
	free(got);
	free(t);
}

static void
test_long_line(void **state)
{
	size_t   n = 9 << 20; /* over the 4 MiB buffer */
	char    *t = malloc(n + 3), *got;
	unsigned lines;
	int      rc;

	(void)state;
	memset(t, 'x', n);
	memcpy(t + n, "\nz\n", 3);
	put("long.txt", t, n + 3);
	got = slurp("long.txt", 10, 1 << 20, &lines, &rc);
	assert_int_equal(lines, 2);
	assert_int_equal(strlen(got), n + 3);
	assert_memory_equal(got, t, n + 3);
	free(got);
	free(t);
}

static void
test_gzip_zstd(void **state)
{
	size_t   len, zl;
	char    *t = sample(50000, &len), *got, *z;
	unsigned n;
	int      rc;
	z_stream s   = { 0 };
	size_t   cap = len + 4096, half;

	(void)state;
	/* two gzip members back to back: the halves */
	z    = malloc(2 * cap);
	zl   = 0;
	half = len / 2;
	while (t[half - 1] != '\n')
		half++;
	for (int m = 0; m < 2; m++) {
		assert_int_equal(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8,
		                     Z_DEFAULT_STRATEGY),
		    Z_OK);
		s.next_in   = (Bytef *)t + (m ? half : 0);
		s.avail_in  = (uInt)(m ? len - half : half);
		s.next_out  = (Bytef *)z + zl;
		s.avail_out = (uInt)(2 * cap - zl);
		assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
		zl = 2 * cap - s.avail_out;
		deflateEnd(&s);
	}
	put("a.gz", z, zl);
	got = slurp("a.gz", 777, 1 << 20, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 50000);
	assert_string_equal(got, t);
	free(got);
	put("cut.gz", z, zl / 3);
	got = slurp("cut.gz", 777, 1 << 20, &n, &rc);
	assert_null(got);
	assert_int_equal(rc, -EILSEQ);
	zl = ZSTD_compress(z, 2 * cap, t, len, 3);
	assert_false(ZSTD_isError(zl));
	put("a.zst", z, zl);
	got = slurp("a.zst", 777, 1 << 20, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 50000);
	assert_string_equal(got, t);
	free(got);
	put("cut.zst", z, zl / 2);
	got = slurp("cut.zst", 777, 1 << 20, &n, &rc);
	assert_null(got);
	assert_int_equal(rc, -EILSEQ);
	free(z);
	free(t);
}

static void
test_missing(void **state)
{
	struct linein r;
	char          err[256];

	(void)state;
	assert_int_equal(
	    linein_open(&r, "/nonexistent/x", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/x: No such file or directory");
	linein_close(&r);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_gzip_zstd),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
