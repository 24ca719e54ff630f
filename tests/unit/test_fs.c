/* test_fs.c - the one mkdir -p: nested directories, an existing one, a
 * file in the way (named in the message), and target_mkdir_parents on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "target.h"

static char top[64];

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/tsload-test-fs.XXXXXX");
	return mkdtemp(top) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

static void
test_mkdir_p(void **state)
{
	char dir[160], err[256] = "";

	(void)state;
	snprintf(dir, sizeof(dir), "%s/a/b/c", top);
	assert_int_equal(fs_mkdir_p(dir, err, sizeof(err)), 0);
	assert_true(is_dir(dir));
	/* again: every part exists */
	assert_int_equal(fs_mkdir_p(dir, err, sizeof(err)), 0);
	/* a trailing slash */
	snprintf(dir, sizeof(dir), "%s/a/d/", top);
	assert_int_equal(fs_mkdir_p(dir, NULL, 0), 0);
	snprintf(dir, sizeof(dir), "%s/a/d", top);
	assert_true(is_dir(dir));
	assert_int_equal(fs_mkdir_p("", err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void
test_file_in_the_way(void **state)
{
	char  path[160], dir[200], want[256], err[256] = "";
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/plain", top);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(dir, sizeof(dir), "%s/x/y", path);
	assert_int_equal(fs_mkdir_p(dir, err, sizeof(err)), -ENOTDIR);
	snprintf(want, sizeof(want), "mkdir %s/x: Not a directory", path);
	assert_string_equal(err, want);
	assert_int_equal(fs_mkdir_p(dir, NULL, 0), -ENOTDIR);
	/* the parents of a file's path, the same way */
	snprintf(dir, sizeof(dir), "%s/x/y/file.db", path);
	err[0] = '\0';
	assert_int_equal(
	    target_mkdir_parents(dir, err, sizeof(err)), -ENOTDIR);
	assert_string_equal(err, want);
	snprintf(dir, sizeof(dir), "%s/p/q/file.db", top);
	assert_int_equal(target_mkdir_parents(dir, err, sizeof(err)), 0);
	snprintf(dir, sizeof(dir), "%s/p/q", top);
	assert_true(is_dir(dir));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_file_in_the_way),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
