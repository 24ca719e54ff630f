/* linein.h - reading text lines fast from a file or stdin, plain, gzip or
 * zstd (told by the first bytes, so a pipe works too), for tsload stream.
 *
 * Large reads into one buffer, memchr for the newlines, no allocation per
 * line: linein_next() hands out runs of whole lines that stay valid until
 * the next call. A final line without a newline gets one, so that every
 * line a caller sees ends with '\n' (text sinks can concatenate files).
 */
#ifndef TSL_LINEIN_H
#define TSL_LINEIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum linein_kind { LINEIN_PLAIN, LINEIN_GZIP, LINEIN_ZSTD };

/* A run of whole lines: n lines in p[0..len), each ending with '\n'. */
struct linein_run {
	const char *p;
	size_t      len;
	unsigned    n;
};

struct linein {
	int              fd;
	bool             own_fd;
	enum linein_kind kind;
	char            *name; /* "stdin" or the path, for messages */
	void            *z;    /* z_stream or ZSTD_DCtx */
	unsigned char   *raw;  /* compressed input */
	size_t           rawpos, rawlen, rawcap;
	bool             raw_eof;
	bool             zmid; /* gzip: inside a member */
	char            *buf;  /* text: lines in [start, end) */
	size_t           start, end, cap;
	bool             eof;     /* no more text will come */
	uint64_t         bytes;   /* text bytes handed out */
	uint64_t         in_read; /* bytes read from the file */
};

/** Opens path ("-" or NULL: stdin) and tells plain, gzip and zstd apart
 *  by its first bytes. 0, or -errno with "PATH: reason" in err;
 *  linein_close() is safe either way. */
int  linein_open(struct linein *r, const char *path, char *err, size_t errlen);
void linein_close(struct linein *r);

/** Up to max (>= 1) whole lines, of at most about max_bytes in all (one
 *  line at least, however long). 1 with *run set, 0 at the end, -EINTR
 *  when a signal interrupted a read (call again to go on), or -errno with
 *  "NAME: reason" in err (a read error, corrupt compressed data). */
int linein_next(struct linein *r, unsigned max, size_t max_bytes,
    struct linein_run *run, char *err, size_t errlen);

#endif
