/* zout.h - an output file, plain or compressed by its name's suffix.
 *
 * "-" is stdout; NAME.gz is written as gzip (zlib), NAME.zst as zstd
 * (libzstd); anything else as it is. Writes are whole buffers, retried
 * over short writes and EINTR.
 */
#ifndef TSL_ZOUT_H
#define TSL_ZOUT_H

#include <stddef.h>

struct zout;

/** Opens path for writing (truncating), compression by suffix.
 *  @return 0 or -errno, with a one-line reason in err. */
int zout_open(struct zout **z, const char *path, char *err, size_t errlen);
/** Appends n bytes. @return 0 or -errno (-EPIPE: the reader is gone). */
int zout_write(struct zout *z, const void *p, size_t n);
/** Finishes the stream (compressed trailer), closes and frees z; z NULL
 *  is a no-op. @return 0 or the first error of the file's life. */
int zout_close(struct zout *z);

#endif
