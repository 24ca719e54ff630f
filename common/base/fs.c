/* fs.c - file-system helpers: the one mkdir -p. */
#include "fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

int
fs_mkdir_p(const char *dir, char *err, size_t errlen)
{
	char *d = xstrdup(dir);
	char *p, c;
	int   rc = 0;

	/* Each prefix in turn: "a", "a/b", ... then the whole directory. */
	for (p = d + (*d != '\0');; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c  = *p;
		*p = '\0';
		if (*d && mkdir(d, 0777) != 0 && errno != EEXIST) {
			rc = -errno;
			if (err && errlen)
				snprintf(err, errlen, "mkdir %s: %s", d,
				    strerror(errno));
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	free(d);
	return rc;
}

int
fs_read_all(const char *path, size_t max, char **out, size_t *len, char *err,
    size_t errlen)
{
	FILE  *f = fopen(path, "rb");
	char  *p;
	size_t n = 0, cap = 4096;
	int    rc = 0;

	*out = NULL;
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	p = xmalloc(cap + 1);
	for (;;) {
		size_t k;

		if (n == cap) {
			cap *= 2;
			p = xrealloc(p, cap + 1);
		}
		k = fread(p + n, 1, cap - n, f);
		n += k;
		if (n > max) {
			rc = -EFBIG;
			snprintf(err, errlen, "%s: larger than %zu bytes",
			    path, max);
			break;
		}
		if (k == 0) {
			if (ferror(f)) {
				rc = -EIO;
				snprintf(err, errlen, "%s: read error", path);
			}
			break;
		}
	}
	fclose(f);
	if (rc) {
		free(p);
		return rc;
	}
	p[n] = '\0';
	*out = p;
	if (len)
		*len = n;
	return 0;
}
