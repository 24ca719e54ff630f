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

#endif
