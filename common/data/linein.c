/* linein.c - text lines from a plain, gzip or zstd file (linein.h). */
#include "linein.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "xalloc.h"

enum {
	LINEIN_BUF = 4 << 20, /* text buffer, grown for longer lines */
	LINEIN_RAW = 1 << 20, /* compressed input per read */
};

/* Reads more compressed input, keeping what is not consumed. 0 or
 * -errno. */
static int
raw_fill(struct linein *r)
{
	ssize_t k;

	if (r->rawpos == r->rawlen)
		r->rawpos = r->rawlen = 0;
	if (r->rawlen == r->rawcap) {
		memmove(r->raw, r->raw + r->rawpos, r->rawlen - r->rawpos);
		r->rawlen -= r->rawpos;
		r->rawpos = 0;
	}
	k = read(r->fd, r->raw + r->rawlen, r->rawcap - r->rawlen);
	if (k < 0)
		return -errno;
	if (k == 0)
		r->raw_eof = true;
	r->rawlen += (size_t)k;
	r->in_read += (uint64_t)k;
	return 0;
}

int
linein_open(struct linein *r, const char *path, char *err, size_t errlen)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (!path || !strcmp(path, "-")) {
		r->fd   = STDIN_FILENO;
		r->name = xstrdup("stdin");
	} else {
		r->name = xstrdup(path);
		r->fd   = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return rc;
		}
		r->own_fd = true;
		(void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	r->cap    = LINEIN_BUF;
	r->buf    = xmalloc(r->cap + 1);
	r->rawcap = LINEIN_RAW;
	r->raw    = xmalloc(r->rawcap);
	/* the first bytes say what it is (4 are enough for zstd) */
	while (r->rawlen < 4 && !r->raw_eof) {
		rc = raw_fill(r);
		if (rc == -EINTR)
			continue;
		if (rc) {
			snprintf(
			    err, errlen, "%s: %s", r->name, strerror(-rc));
			return rc;
		}
	}
	if (r->rawlen >= 2 && r->raw[0] == 0x1f && r->raw[1] == 0x8b) {
		z_stream *z = xcalloc(1, sizeof(*z));

		r->kind = LINEIN_GZIP;
		r->z    = z;
		if (inflateInit2(z, 15 + 32) != Z_OK) {
			snprintf(err, errlen, "%s: zlib init failed", r->name);
			return -ENOMEM;
		}
	} else if (r->rawlen >= 4 && r->raw[0] == 0x28 && r->raw[1] == 0xb5
	    && r->raw[2] == 0x2f && r->raw[3] == 0xfd) {
		r->kind = LINEIN_ZSTD;
		r->z    = ZSTD_createDCtx();
		if (!r->z) {
			snprintf(err, errlen, "%s: zstd init failed", r->name);
			return -ENOMEM;
		}
	}
	return 0;
}

void
linein_close(struct linein *r)
{
	if (r->kind == LINEIN_GZIP && r->z) {
		inflateEnd(r->z);
		free(r->z);
	} else if (r->kind == LINEIN_ZSTD && r->z) {
		ZSTD_freeDCtx(r->z);
	}
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->raw);
	free(r->name);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* Plain: the raw bytes are the text. */
static int
text_plain(struct linein *r)
{
	size_t n = r->rawlen - r->rawpos, room = r->cap - r->end;

	if (!n && !r->raw_eof) {
		/* read straight into the text buffer: no copy */
		ssize_t k;

		k = read(r->fd, r->buf + r->end, room);
		if (k < 0)
			return -errno;
		if (k == 0)
			r->eof = true;
		r->end += (size_t)k;
		r->in_read += (uint64_t)k;
		return 0;
	}
	if (n > room)
		n = room;
	memcpy(r->buf + r->end, r->raw + r->rawpos, n);
	r->end += n;
	r->rawpos += n;
	if (r->rawpos == r->rawlen && r->raw_eof)
		r->eof = true;
	return 0;
}

static int
text_gzip(struct linein *r)
{
	z_stream *z    = r->z;
	size_t    end0 = r->end, pos0;
	int       zr, rc;

	if (r->rawpos == r->rawlen && !r->raw_eof) {
		rc = raw_fill(r);
		if (rc)
			return rc;
	}
	pos0         = r->rawpos;
	z->next_in   = r->raw + r->rawpos;
	z->avail_in  = (uInt)(r->rawlen - r->rawpos);
	z->next_out  = (Bytef *)r->buf + r->end;
	z->avail_out = (uInt)(r->cap - r->end);
	zr           = inflate(z, Z_NO_FLUSH);
	r->rawpos    = r->rawlen - z->avail_in;
	r->end       = r->cap - z->avail_out;
	if (zr == Z_STREAM_END) {
		inflateReset(z); /* the next member of a concatenation */
		r->zmid = false;
	} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
		return -EILSEQ;
	} else if (r->rawpos != pos0) {
		r->zmid = true;
	}
	/* nothing moved and nothing more to read: the end, which must not
	 * fall inside a member */
	if (r->raw_eof && r->end == end0 && r->rawpos == pos0) {
		if (r->zmid)
			return -EILSEQ;
		r->eof = true;
	}
	return 0;
}

static int
text_zstd(struct linein *r)
{
	ZSTD_inBuffer  in;
	ZSTD_outBuffer out;
	size_t         zr, end0 = r->end, pos0;
	int            rc;

	if (r->rawpos == r->rawlen && !r->raw_eof) {
		rc = raw_fill(r);
		if (rc)
			return rc;
	}
	pos0 = r->rawpos;
	in   = (ZSTD_inBuffer) { r->raw, r->rawlen, r->rawpos };
	out  = (ZSTD_outBuffer) { r->buf, r->cap, r->end };
	zr   = ZSTD_decompressStream(r->z, &out, &in);
	if (ZSTD_isError(zr))
		return -EILSEQ;
	r->rawpos = in.pos;
	r->end    = out.pos;
	if (r->end != end0 || r->rawpos != pos0)
		r->zmid = zr != 0; /* 0: a frame has just ended */
	else if (r->raw_eof) {
		if (r->zmid) /* in the middle of a frame */
			return -EILSEQ;
		r->eof = true;
	}
	return 0;
}

/* More text after r->end (room is made by the caller). */
static int
text_fill(struct linein *r)
{
	switch (r->kind) {
	case LINEIN_GZIP:
		return text_gzip(r);
	case LINEIN_ZSTD:
		return text_zstd(r);
	default:
		return text_plain(r);
	}
}

int
linein_next(struct linein *r, unsigned max, size_t max_bytes,
    struct linein_run *run, char *err, size_t errlen)
{
	const char *p, *nl, *last = NULL;
	unsigned    n;
	int         rc;

	for (;;) {
		/* whole lines from start on */
		p = r->buf + r->start;
		n = 0;
		while (n < max
		    && (nl = memchr(p, '\n', (size_t)(r->buf + r->end - p)))) {
			if (n
			    && (size_t)(nl + 1 - (r->buf + r->start))
			        > max_bytes)
				break;
			n++;
			last = nl;
			p    = nl + 1;
		}
		if (n) {
			run->p   = r->buf + r->start;
			run->len = (size_t)(last + 1 - run->p);
			run->n   = n;
			r->start += run->len;
			r->bytes += run->len;
			return 1;
		}
		if (r->eof) {
			if (r->start == r->end)
				return 0;
			/* a last line without its newline gets one */
			r->buf[r->end++] = '\n';
			continue;
		}
		/* room for more: move the partial line down, or grow */
		if (r->start) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == r->cap) {
			r->cap *= 2;
			r->buf = xrealloc(r->buf, r->cap + 1);
		}
		rc = text_fill(r);
		if (rc == -EINTR)
			return rc; /* a signal: the caller decides */
		if (rc) {
			snprintf(err, errlen, "%s: %s", r->name,
			    rc == -EILSEQ ? (r->kind == LINEIN_GZIP
			            ? "corrupt gzip data"
			            : "corrupt zstd data")
			                  : strerror(-rc));
			return rc;
		}
	}
}
