/* fs.h - file-system helpers shared by the targets, the results and the
 * query logs.
 */
#ifndef TSL_FS_H
#define TSL_FS_H

#include <stddef.h>

/** mkdir -p: creates dir and its missing parents (mode 0777 before the
 *  umask). @return 0, or a negative errno with "mkdir PREFIX: reason" in
 *  err (when err is not NULL), PREFIX being the one that failed. */
int fs_mkdir_p(const char *dir, char *err, size_t errlen);

/** Reads the whole file at path into a new NUL-terminated string (*out,
 *  its length in *len when len is not NULL), at most max bytes. 0, or
 *  -errno (-EFBIG: larger than max) with "PATH: reason" in err. */
int fs_read_all(const char *path, size_t max, char **out, size_t *len,
    char *err, size_t errlen);

#endif
