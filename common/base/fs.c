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
