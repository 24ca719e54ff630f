/* zout.c - plain, gzip and zstd output files. */
#include "zout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "xalloc.h"

enum zkind { Z_PLAIN, Z_GZIP, Z_ZSTD };
enum { ZOUT_CHUNK = 1 << 18 };

struct zout {
	int        fd;
	bool       own; /* close fd at the end (not stdout) */
	enum zkind kind;
	int        err; /* the first error, sticky */
	z_stream   gz;
	ZSTD_CCtx *zs;
	char      *tmp; /* compressed bytes on their way out */
};

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

static int
put_all(struct zout *z, const char *p, size_t n)
{
	while (n && !z->err) {
		ssize_t w = write(z->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			z->err = -errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	return z->err;
}

int
zout_open(struct zout **zp, const char *path, char *err, size_t errlen)
{
	struct zout *z = xcalloc(1, sizeof(*z));

	z->kind = ends_with(path, ".gz") ? Z_GZIP
	    : ends_with(path, ".zst")    ? Z_ZSTD
	                                 : Z_PLAIN;
	if (!strcmp(path, "-")) {
		z->fd = STDOUT_FILENO;
	} else {
		z->fd = open(
		    path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (z->fd < 0) {
			int rc = -errno;

			snprintf(err, errlen, "--output %s: %s", path,
			    strerror(errno));
			free(z);
			return rc;
		}
		z->own = true;
	}
	if (z->kind != Z_PLAIN)
		z->tmp = xmalloc(ZOUT_CHUNK);
	/* windowBits 15 + 16: a gzip header and trailer */
	if (z->kind == Z_GZIP
	    && deflateInit2(
	           &z->gz, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
	        != Z_OK) {
		snprintf(err, errlen, "--output %s: zlib deflateInit2 failed",
		    path);
		z->kind = Z_PLAIN;
		zout_close(z);
		return -ENOMEM;
	}
	if (z->kind == Z_ZSTD) {
		z->zs = ZSTD_createCCtx();
		if (!z->zs) {
			snprintf(err, errlen,
			    "--output %s: ZSTD_createCCtx failed", path);
			z->kind = Z_PLAIN;
			zout_close(z);
			return -ENOMEM;
		}
	}
	*zp = z;
	return 0;
}

/* Runs deflate over the input with flush mode f until it is consumed
 * (and, at Z_FINISH, the stream is ended). */
static int
gz_run(struct zout *z, const void *p, size_t n, int f)
{
	int st;

	z->gz.next_in  = (Bytef *)(uintptr_t)p;
	z->gz.avail_in = (uInt)n;
	do {
		z->gz.next_out  = (Bytef *)z->tmp;
		z->gz.avail_out = ZOUT_CHUNK;
		st              = deflate(&z->gz, f);
		if (st == Z_STREAM_ERROR)
			return z->err = -EIO;
		if (put_all(z, z->tmp, ZOUT_CHUNK - z->gz.avail_out))
			return z->err;
	} while (
	    z->gz.avail_out == 0 || (f == Z_FINISH && st != Z_STREAM_END));
	return 0;
}

static int
zs_run(struct zout *z, const void *p, size_t n, ZSTD_EndDirective end)
{
	ZSTD_inBuffer in = { p, n, 0 };
	size_t        left;

	do {
		ZSTD_outBuffer out = { z->tmp, ZOUT_CHUNK, 0 };

		left = ZSTD_compressStream2(z->zs, &out, &in, end);
		if (ZSTD_isError(left))
			return z->err = -EIO;
		if (put_all(z, z->tmp, out.pos))
			return z->err;
	} while (end == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return 0;
}

int
zout_write(struct zout *z, const void *p, size_t n)
{
	if (z->err)
		return z->err;
	switch (z->kind) {
	case Z_GZIP:
		/* deflate takes uInt lengths */
		while (n > (1u << 30)) {
			if (gz_run(z, p, 1u << 30, Z_NO_FLUSH))
				return z->err;
			p = (const char *)p + (1u << 30);
			n -= 1u << 30;
		}
		return gz_run(z, p, n, Z_NO_FLUSH);
	case Z_ZSTD:
		return zs_run(z, p, n, ZSTD_e_continue);
	default:
		return put_all(z, p, n);
	}
}

int
zout_close(struct zout *z)
{
	int rc;

	if (!z)
		return 0;
	if (z->kind == Z_GZIP) {
		if (!z->err)
			gz_run(z, NULL, 0, Z_FINISH);
		deflateEnd(&z->gz);
	} else if (z->kind == Z_ZSTD) {
		if (!z->err)
			zs_run(z, NULL, 0, ZSTD_e_end);
		ZSTD_freeCCtx(z->zs);
	}
	if (z->own && close(z->fd) && !z->err)
		z->err = -errno;
	rc = z->err;
	free(z->tmp);
	free(z);
	return rc;
}
