/* spool.c - the segment files of a disk spool (spool.h). */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"
#include "crc32c.h"
#include "fs.h"
#include "log.h"
#include "wire.h"
#include "xalloc.h"

#define SEG_MAGIC "TSLSPL01"
#define REC_MAGIC 0x53434552u /* "RECS" little-endian */
#define SEG_DEF_MAX (64ull << 20)
/* Group commit: one fdatasync for the appends of up to this many bytes
 * or this long, whichever comes first. */
#define SYNC_BYTES (64ull << 20)
#define SYNC_NS (50ull * 1000 * 1000)
/* Writeback of the appends is started (not waited for) every this many
 * bytes, between the group commit's fdatasyncs. */
#define KICK_BYTES (1u << 20)
/* The reader's read-ahead: one pread of this much, or of a record. */
#define READ_AHEAD (4u << 20)

struct seg {
	uint64_t seq;
	uint64_t bytes; /* of the file */
	uint64_t recs;  /* records in it not yet consumed */
};

struct spool {
	struct spool_conf c;
	char             *dir, *ident;
	size_t            hdr_len; /* of a segment's header */
	struct seg       *segs;    /* oldest first */
	size_t            nseg, capseg;
	int               wfd; /* the last segment, -1: none open */
	int               rfd; /* the reader's segment, -1: none open */
	/* read-ahead of the reader's segment: its bytes [woff, woff +
	 * wlen), read by pread (not mapped: a segment cut short by someone
	 * else is then a short read, not a SIGBUS) */
	unsigned char *win;
	size_t         wcap, wlen;
	uint64_t       woff;
	int            pfd; /* DIR/read, -1: not open yet */
	uint64_t       rseq, roff;
	bool           peeked;
	uint64_t       peek_next;
	uint32_t       peek_records;
	bool           told;      /* the corruption said */
	bool           told_sync; /* a failed fdatasync said */
	/* group commit: appends not yet fdatasync'd, not yet counted */
	uint64_t unsynced;  /* bytes */
	uint64_t unkicked;  /* of them, not yet handed to writeback */
	uint64_t pend_recs; /* their records */
	uint64_t first_ns;  /* when the oldest was written */
	struct spool_counts n;
};

struct rec_hdr {
	uint32_t len, records, points, pcrc;
};

static void
seg_path(const struct spool *sp, uint64_t seq, char *out, size_t n)
{
	snprintf(out, n, "%s/%016" PRIx64 ".seg", sp->dir, seq);
}

/* Reads exactly n bytes at off: 0, -EAGAIN at the end of the file. */
static int
pread_all(int fd, void *p, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r
		    = pread(fd, (char *)p + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EAGAIN;
		got += (size_t)r;
	}
	return 0;
}

static int
write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static void
rec_encode(unsigned char *h, const struct rec_hdr *r)
{
	wire_put_le(h, REC_MAGIC, 4);
	wire_put_le(h + 4, r->len, 4);
	wire_put_le(h + 8, r->records, 4);
	wire_put_le(h + 12, r->points, 4);
	wire_put_le(h + 16, crc32c(0, h, 16), 4);
	wire_put_le(h + 20, r->pcrc, 4);
}

/* The header in h: true when its magic and CRC hold. */
static bool
rec_decode(const unsigned char *h, struct rec_hdr *r)
{
	if (wire_get_le(h, 4) != REC_MAGIC
	    || wire_get_le(h + 16, 4) != crc32c(0, h, 16))
		return false;
	r->len     = (uint32_t)wire_get_le(h + 4, 4);
	r->records = (uint32_t)wire_get_le(h + 8, 4);
	r->points  = (uint32_t)wire_get_le(h + 12, 4);
	r->pcrc    = (uint32_t)wire_get_le(h + 20, 4);
	return true;
}

/* The header of the record at off of a size-byte segment: 0, -EAGAIN
 * when it runs past the end (torn), -EBADMSG when damaged. */
static int
rec_at(int fd, uint64_t off, uint64_t size, struct rec_hdr *r)
{
	unsigned char h[SPOOL_REC_HDR];
	int           rc;

	if (off + SPOOL_REC_HDR > size)
		return -EAGAIN;
	rc = pread_all(fd, h, sizeof(h), off);
	if (rc)
		return rc;
	if (!rec_decode(h, r))
		return -EBADMSG;
	if (off + SPOOL_REC_HDR + r->len > size)
		return -EAGAIN;
	return 0;
}

/* The offset of the first sound record header after a damaged one at
 * off, or size when there is none: reads the rest of the segment. */
static uint64_t
resync(int fd, uint64_t off, uint64_t size)
{
	size_t         n  = (size_t)(size - off);
	unsigned char *p  = xmalloc(n ? n : 1);
	uint64_t       at = size;

	if (!pread_all(fd, p, n, off))
		for (size_t i = 1; i + SPOOL_REC_HDR <= n; i++) {
			struct rec_hdr r;

			if (rec_decode(p + i, &r)
			    && i + SPOOL_REC_HDR + r.len <= n) {
				at = off + i;
				break;
			}
		}
	free(p);
	return at;
}

static void
tell_corrupt(struct spool *sp, uint64_t seq, uint64_t off, const char *what)
{
	if (sp->told)
		return;
	sp->told = true;
	log_warn(
	    "spool %s/%016llx.seg: %s at byte %llu: skipped, the records around it are still sent (more such damage is counted, not shown)",
	    sp->dir, (unsigned long long)seq, what, (unsigned long long)off);
}

static void
save_read_pos(struct spool *sp)
{
	unsigned char p[20];
	char          path[4096];
	int           fd;

	wire_put_le(p, sp->rseq, 8);
	wire_put_le(p + 8, sp->roff, 8);
	wire_put_le(p + 16, crc32c(0, p, 16), 4);
	if (sp->pfd < 0) {
		snprintf(path, sizeof(path), "%s/read", sp->dir);
		sp->pfd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	}
	fd = sp->pfd;
	if (fd < 0)
		return; /* the next run sends these records again */
	if (pwrite(fd, p, sizeof(p), 0) != (ssize_t)sizeof(p))
		log_warn("spool %s: cannot save the read position: %s",
		    sp->dir, strerror(errno));
}

static void
load_read_pos(struct spool *sp)
{
	unsigned char p[20];
	char          path[4096];
	int           fd;

	snprintf(path, sizeof(path), "%s/read", sp->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!pread_all(fd, p, sizeof(p), 0)
	    && wire_get_le(p + 16, 4) == crc32c(0, p, 16)) {
		sp->rseq = wire_get_le(p, 8);
		sp->roff = wire_get_le(p + 8, 8);
	}
	close(fd);
}

static void
seg_header(const struct spool *sp, unsigned char *h)
{
	size_t il = strlen(sp->ident);

	memcpy(h, SEG_MAGIC, 8);
	wire_put_le(h + 8, il, 4);
	memcpy(h + 12, sp->ident, il);
	wire_put_le(h + 12 + il, crc32c(0, h, 12 + il), 4);
}

/* The identity text of the segment open as fd, into out (n bytes): 0,
 * -EINVAL when it is not a sound segment header. */
static int
seg_ident(int fd, char *out, size_t n)
{
	unsigned char h[12], c[4];
	char         *txt;
	uint32_t      il;
	int           rc = -EINVAL;

	if (pread_all(fd, h, sizeof(h), 0) || memcmp(h, SEG_MAGIC, 8))
		return -EINVAL;
	il = (uint32_t)wire_get_le(h + 8, 4);
	if (il > 65536)
		return -EINVAL;
	txt = xmalloc(il + 1);
	if (!pread_all(fd, txt, il, 12) && !pread_all(fd, c, 4, 12 + il)
	    && wire_get_le(c, 4) == crc32c(crc32c(0, h, 12), txt, il)) {
		txt[il] = '\0';
		snprintf(out, n, "%s", txt);
		rc = 0;
	}
	free(txt);
	return rc;
}

/* Checks the header of segment fd against the run's identity. */
static int
seg_check(struct spool *sp, int fd, const char *path, char *err, size_t errlen)
{
	char theirs[1024];

	if (seg_ident(fd, theirs, sizeof(theirs))) {
		snprintf(err, errlen,
		    "spool %s: not a tsload spool segment, or its header is damaged: move it away",
		    path);
		return -EINVAL;
	}
	if (strcmp(theirs, sp->ident)) {
		snprintf(err, errlen,
		    "spool %s was written by a run with other settings (\"%s\", this run: \"%s\"): replay it with the options of that run, or move it away",
		    path, theirs, sp->ident);
		return -EINVAL;
	}
	return 0;
}

int
spool_ident(const char *dir, char *out, size_t n)
{
	DIR           *d = opendir(dir);
	struct dirent *e;
	char           best[32] = "", path[4096];
	int            fd, rc;

	if (!d)
		return -ENOENT;
	while ((e = readdir(d)))
		if (strlen(e->d_name) == 20 && !strcmp(e->d_name + 16, ".seg")
		    && (!best[0] || strcmp(e->d_name, best) < 0))
			snprintf(best, sizeof(best), "%s", e->d_name);
	closedir(d);
	if (!best[0])
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s", dir, best);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	rc = seg_ident(fd, out, n);
	close(fd);
	return rc;
}

static void
seg_push(struct spool *sp, uint64_t seq, uint64_t bytes, uint64_t recs)
{
	if (sp->nseg == sp->capseg) {
		sp->capseg = sp->capseg ? 2 * sp->capseg : 8;
		sp->segs = xrealloc(sp->segs, sp->capseg * sizeof(*sp->segs));
	}
	sp->segs[sp->nseg++] = (struct seg) { seq, bytes, recs };
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Counts the records of one segment from off; cuts a torn tail when it
 * is the last one. */
static int
seg_scan(struct spool *sp, uint64_t seq, bool last, char *err, size_t errlen)
{
	char        path[4096];
	struct stat st;
	uint64_t    off, recs = 0;
	int         fd, rc;

	seg_path(sp, seq, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "spool %s: %s", path, strerror(errno));
		return -errno;
	}
	rc = seg_check(sp, fd, path, err, errlen);
	if (rc || fstat(fd, &st)) {
		close(fd);
		return rc ? rc : -errno;
	}
	off = seq == sp->rseq && sp->roff > sp->hdr_len ? sp->roff
	                                                : sp->hdr_len;
	while (off < (uint64_t)st.st_size) {
		struct rec_hdr r;

		rc = rec_at(fd, off, (uint64_t)st.st_size, &r);
		if (rc == -EAGAIN && last) {
			/* a record torn by a kill: never acknowledged */
			if (ftruncate(fd, (off_t)off) == 0)
				st.st_size = (off_t)off;
			break;
		}
		if (rc == -EAGAIN || rc == -EBADMSG) {
			off = resync(fd, off, (uint64_t)st.st_size);
			continue;
		}
		if (rc) {
			close(fd);
			snprintf(
			    err, errlen, "spool %s: %s", path, strerror(-rc));
			return rc;
		}
		recs += r.records;
		off += SPOOL_REC_HDR + r.len;
	}
	close(fd);
	seg_push(sp, seq, (uint64_t)st.st_size, recs);
	sp->n.bytes += (uint64_t)st.st_size;
	sp->n.left += recs;
	return 0;
}

static int
spool_scan(struct spool *sp, char *err, size_t errlen)
{
	DIR           *d = opendir(sp->dir);
	struct dirent *e;
	uint64_t      *seqs = NULL;
	size_t         n = 0, cap = 0;
	int            rc = 0;

	if (!d) {
		snprintf(
		    err, errlen, "spool %s: %s", sp->dir, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d))) {
		unsigned long long seq;
		char               tail[8];

		if (sscanf(e->d_name, "%16llx.se%1s", &seq, tail) != 2
		    || strlen(e->d_name) != 20
		    || strcmp(e->d_name + 16, ".seg"))
			continue;
		if (n == cap) {
			cap  = cap ? 2 * cap : 16;
			seqs = xrealloc(seqs, cap * sizeof(*seqs));
		}
		seqs[n++] = seq;
	}
	closedir(d);
	if (n)
		qsort(seqs, n, sizeof(*seqs), cmp_u64);
	for (size_t i = 0; i < n && !rc; i++) {
		if (seqs[i] < sp->rseq) { /* sent before the last run ended */
			char path[4096];

			seg_path(sp, seqs[i], path, sizeof(path));
			unlink(path);
			continue;
		}
		rc = seg_scan(sp, seqs[i], i + 1 == n, err, errlen);
	}
	free(seqs);
	if (!sp->nseg || sp->segs[0].seq != sp->rseq)
		sp->roff = 0; /* the reader starts at the first segment */
	if (sp->nseg)
		sp->rseq = sp->segs[0].seq;
	return rc;
}

int
spool_full_parse(const char *s, enum spool_full *out)
{
	static const char *const names[]
	    = { "block", "drop-oldest", "drop-new" };

	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum spool_full)i;
			return 0;
		}
	return -EINVAL;
}

const char *
spool_full_name(enum spool_full f)
{
	return f == SPOOL_DROP_OLDEST ? "drop-oldest"
	    : f == SPOOL_DROP_NEW     ? "drop-new"
	                              : "block";
}

int
spool_open(
    struct spool **out, const struct spool_conf *c, char *err, size_t errlen)
{
	struct spool *sp = xcalloc(1, sizeof(*sp));
	int           rc;

	*out        = NULL;
	sp->c       = *c;
	sp->dir     = xstrdup(c->dir);
	sp->ident   = xstrdup(c->ident ? c->ident : "");
	sp->hdr_len = 12 + strlen(sp->ident) + 4;
	sp->wfd     = -1;
	sp->rfd     = -1;
	sp->pfd     = -1;
	if (!sp->c.seg_max)
		sp->c.seg_max = sp->c.max / 8 < SEG_DEF_MAX ? sp->c.max / 8
		                                            : SEG_DEF_MAX;
	if (sp->c.seg_max < SPOOL_MIN_SEG)
		sp->c.seg_max = SPOOL_MIN_SEG;
	rc = fs_mkdir_p(sp->dir, err, errlen);
	if (!rc) {
		load_read_pos(sp);
		rc = spool_scan(sp, err, errlen);
	}
	if (rc) {
		spool_close(sp);
		return rc;
	}
	sp->n.start = sp->n.left;
	*out        = sp;
	return 0;
}

static void
reader_close(struct spool *sp)
{
	sp->wlen = 0;
	if (sp->rfd >= 0)
		close(sp->rfd);
	sp->rfd    = -1;
	sp->peeked = false;
}

/* Deletes the oldest segment, counting the records left in it as
 * dropped (drop) or, read to its end, as corrupt: records whose bytes
 * were damaged or cut off (none when it was sound). */
static void
seg_drop_oldest(struct spool *sp, bool drop)
{
	char path[4096];

	if (!sp->nseg)
		return;
	if (sp->nseg == 1 && sp->wfd >= 0) {
		spool_sync(sp, NULL, 0); /* counted, then dropped */
		close(sp->wfd);
		sp->wfd = -1;
	}
	if (sp->rseq == sp->segs[0].seq) {
		reader_close(sp);
		sp->roff = 0;
	}
	seg_path(sp, sp->segs[0].seq, path, sizeof(path));
	unlink(path);
	if (drop)
		sp->n.dropped += sp->segs[0].recs;
	else
		sp->n.corrupt += sp->segs[0].recs;
	sp->n.left -= sp->segs[0].recs;
	sp->n.bytes -= sp->segs[0].bytes;
	memmove(sp->segs, sp->segs + 1, --sp->nseg * sizeof(*sp->segs));
	if (sp->nseg)
		sp->rseq = sp->segs[0].seq;
	else
		sp->rseq++; /* where the next segment will be */
	sp->roff = 0;
	save_read_pos(sp);
}

static int
seg_new(struct spool *sp, char *err, size_t errlen)
{
	uint64_t       seq = sp->nseg ? sp->segs[sp->nseg - 1].seq + 1
	                              : (sp->rseq ? sp->rseq : 1);
	char           path[4096];
	unsigned char *h = xmalloc(sp->hdr_len);
	int            rc;

	if (sp->wfd >= 0) {
		rc = spool_sync(
		    sp, err, errlen); /* the segment being closed */
		if (rc) {
			free(h);
			return rc;
		}
		close(sp->wfd);
	}
	seg_path(sp, seq, path, sizeof(path));
	sp->wfd = open(
	    path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
	if (sp->wfd < 0) {
		rc = -errno;
		snprintf(err, errlen, "spool %s: %s", path, strerror(-rc));
		free(h);
		return rc;
	}
	seg_header(sp, h);
	rc = write_all(sp->wfd, h, sp->hdr_len);
	free(h);
	if (rc) {
		snprintf(err, errlen, "spool %s: %s", path, strerror(-rc));
		close(sp->wfd);
		sp->wfd = -1;
		unlink(path);
		return rc;
	}
	if (sp->c.sync) { /* the file's name too */
		int dfd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	if (!sp->nseg) {
		sp->rseq = seq;
		sp->roff = 0;
	}
	seg_push(sp, seq, sp->hdr_len, 0);
	sp->n.bytes += sp->hdr_len;
	return 0;
}

/* Whether the last segment is open and has room for need more bytes
 * (or nothing in it yet: a record larger than a segment gets its own). */
static bool
seg_room(const struct spool *sp, uint64_t need)
{
	const struct seg *l = sp->nseg ? &sp->segs[sp->nseg - 1] : NULL;

	return sp->wfd >= 0 && l
	    && (l->bytes + need <= sp->c.seg_max || l->bytes == sp->hdr_len);
}

int
spool_append(struct spool *sp, const void *p, size_t len, uint32_t records,
    uint32_t points, char *err, size_t errlen)
{
	uint64_t       need = SPOOL_REC_HDR + (uint64_t)len;
	unsigned char  h[SPOOL_REC_HDR];
	struct rec_hdr r = { (uint32_t)len, records, points, 0 };
	struct iovec   iov[2];
	struct seg    *l;
	int            rc;

	if (need + sp->hdr_len > sp->c.max || len > UINT32_MAX) {
		sp->n.dropped += records; /* can never fit */
		return SPOOL_DROPPED;
	}
	for (;;) {
		uint64_t want = need + (seg_room(sp, need) ? 0 : sp->hdr_len);

		if (sp->n.bytes + want <= sp->c.max)
			break;
		if (sp->c.full == SPOOL_BLOCK) {
			sp->n.blocked++;
			return -ENOSPC;
		}
		if (sp->c.full == SPOOL_DROP_NEW || !sp->nseg) {
			sp->n.dropped += records;
			return SPOOL_DROPPED;
		}
		seg_drop_oldest(sp, true);
	}
	if (!seg_room(sp, need)) {
		rc = seg_new(sp, err, errlen);
		if (rc)
			return rc;
	}
	l      = &sp->segs[sp->nseg - 1];
	r.pcrc = crc32c(0, p, len);
	rec_encode(h, &r);
	iov[0] = (struct iovec) { h, sizeof(h) };
	iov[1] = (struct iovec) { (void *)(uintptr_t)p, len };
	{
		ssize_t w = writev(sp->wfd, iov, 2);

		rc = w < 0 ? -errno : (uint64_t)w != need ? -EIO : 0;
	}
	if (rc) {
		/* nothing half-written stays: the next open would cut it */
		if (ftruncate(sp->wfd, (off_t)l->bytes)) { }
		snprintf(err, errlen, "spool %s: cannot append: %s", sp->dir,
		    strerror(-rc));
		return rc;
	}
	l->bytes += need;
	l->recs += records;
	sp->n.bytes += need;
	sp->n.left += records;
	if (!sp->c.sync) {
		sp->n.appended += records;
		return 0;
	}
	if (!sp->unsynced)
		sp->first_ns = now_ns();
	sp->unsynced += need;
	sp->unkicked += need;
	if (sp->unkicked >= KICK_BYTES) {
		/* start writing these back now, without waiting: the
		 * group's fdatasync then finds most of them on disk, and the
		 * disk works while the next batches are encoded */
		sync_file_range(sp->wfd, (off64_t)(l->bytes - sp->unkicked),
		    (off64_t)sp->unkicked, SYNC_FILE_RANGE_WRITE);
		sp->unkicked = 0;
	}
	sp->pend_recs += records;
	return spool_sync_due(sp, err, errlen);
}

int
spool_sync(struct spool *sp, char *err, size_t errlen)
{
	if (!sp->unsynced)
		return 0;
	if (sp->wfd >= 0 && fdatasync(sp->wfd)) {
		int rc = -errno;

		if (err)
			snprintf(err, errlen, "spool %s: fdatasync: %s",
			    sp->dir, strerror(-rc));
		else if (!sp->told_sync)
			log_warn(
			    "spool %s: fdatasync: %s (the batches since the last sync are not counted as spooled)",
			    sp->dir, strerror(-rc));
		sp->told_sync = true;
		return rc;
	}
	sp->n.appended += sp->pend_recs;
	sp->unsynced  = 0;
	sp->unkicked  = 0;
	sp->pend_recs = 0;
	return 0;
}

int
spool_sync_due(struct spool *sp, char *err, size_t errlen)
{
	if (sp->unsynced >= SYNC_BYTES
	    || (sp->unsynced && now_ns() - sp->first_ns >= SYNC_NS))
		return spool_sync(sp, err, errlen);
	return 0;
}

bool
spool_empty(const struct spool *sp)
{
	for (size_t i = 0; i < sp->nseg; i++)
		if (sp->segs[i].recs)
			return false;
	return true;
}

/* The reader's segment, opened: its index, or -1 when none. */
static long
reader_seg(struct spool *sp)
{
	char path[4096];

	if (!sp->nseg)
		return -1;
	if (sp->rseq != sp->segs[0].seq) {
		reader_close(sp);
		sp->rseq = sp->segs[0].seq;
		sp->roff = 0;
	}
	if (sp->roff < sp->hdr_len)
		sp->roff = sp->hdr_len;
	if (sp->rfd < 0) {
		seg_path(sp, sp->rseq, path, sizeof(path));
		sp->rfd = open(path, O_RDONLY | O_CLOEXEC);
		if (sp->rfd < 0)
			return -1;
	}
	return 0;
}

/* Bytes [off, off + n) of the reader's segment, size bytes long as the
 * spool knows it: from the read-ahead, refilled by one pread of up to
 * READ_AHEAD bytes. NULL with *rc set on error: -EAGAIN when the file
 * holds fewer bytes (cut short by someone else). */
static const unsigned char *
reader_bytes(struct spool *sp, uint64_t off, size_t n, uint64_t size, int *rc)
{
	size_t want = n > READ_AHEAD ? n : READ_AHEAD, got = 0;

	if (off >= sp->woff && off + n <= sp->woff + sp->wlen)
		return sp->win + (off - sp->woff);
	if (off + want > size)
		want = size > off + n ? (size_t)(size - off) : n;
	if (want > sp->wcap) {
		free(sp->win);
		sp->wcap = want;
		sp->win  = xmalloc(want);
	}
	sp->wlen = 0;
	while (got < want) {
		ssize_t r = pread(
		    sp->rfd, sp->win + got, want - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*rc = -errno;
			return NULL;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	sp->woff = off;
	sp->wlen = got;
	if (got < n) {
		*rc = -EAGAIN;
		return NULL;
	}
	return sp->win;
}

/* The reader's segment is shorter on disk than the spool wrote it (cut
 * by someone else): said once, its size taken as it is now; the records
 * cut off are counted as corrupt once it is read to its new end. */
static bool
reader_cut_short(struct spool *sp, struct seg *s, bool *warned)
{
	struct stat st;
	char        what[96];

	if (fstat(sp->rfd, &st) || (uint64_t)st.st_size >= s->bytes)
		return false;
	snprintf(what, sizeof(what), "its end cut off (%llu bytes written)",
	    (unsigned long long)s->bytes);
	tell_corrupt(sp, s->seq, (uint64_t)st.st_size, what);
	if (warned)
		*warned = true;
	sp->n.bytes -= s->bytes - (uint64_t)st.st_size;
	s->bytes = (uint64_t)st.st_size;
	sp->wlen = 0;
	return true;
}

/* rec_at() for the reader's segment, through reader_bytes(). */
static int
reader_rec_at(struct spool *sp, uint64_t off, uint64_t size, struct rec_hdr *r)
{
	const unsigned char *h;
	int                  rc = 0;

	if (off + SPOOL_REC_HDR > size)
		return -EAGAIN;
	h = reader_bytes(sp, off, SPOOL_REC_HDR, size, &rc);
	if (!h)
		return rc;
	if (!rec_decode(h, r))
		return -EBADMSG;
	if (off + SPOOL_REC_HDR + r->len > size)
		return -EAGAIN;
	return 0;
}

int
spool_peek(struct spool *sp, struct spool_rec *out, bool *warned, char *err,
    size_t errlen)
{
	(void)err;
	(void)errlen;
	for (;;) {
		struct seg          *s;
		struct rec_hdr       r = { 0 };
		const unsigned char *pl;
		int                  rc = 0;

		if (reader_seg(sp) < 0)
			return sp->nseg ? -EIO : -ENOENT;
		s = &sp->segs[0];
		if (sp->roff >= s->bytes) {
			if (sp->nseg == 1 && sp->wfd >= 0)
				return -ENOENT; /* read up to the writer */
			seg_drop_oldest(sp, false);
			continue;
		}
		rc = reader_rec_at(sp, sp->roff, s->bytes, &r);
		if (rc == -EAGAIN && reader_cut_short(sp, s, warned))
			continue;
		if (rc == -EAGAIN || rc == -EBADMSG) {
			tell_corrupt(
			    sp, s->seq, sp->roff, "a damaged record header");
			if (warned)
				*warned = true;
			sp->n.corrupt_spans++;
			sp->roff = resync(sp->rfd, sp->roff, s->bytes);
			save_read_pos(sp);
			continue;
		}
		if (rc)
			return rc;
		pl = reader_bytes(
		    sp, sp->roff + SPOOL_REC_HDR, r.len, s->bytes, &rc);
		if (!pl && rc == -EAGAIN && reader_cut_short(sp, s, warned))
			continue;
		if (!pl)
			return rc == -EAGAIN ? -EIO : rc;
		if (crc32c(0, pl, r.len) != r.pcrc) {
			tell_corrupt(sp, s->seq, sp->roff,
			    "a record failing its checksum");
			if (warned)
				*warned = true;
			sp->n.corrupt += r.records;
			s->recs -= r.records < s->recs ? r.records : s->recs;
			sp->n.left
			    -= r.records < sp->n.left ? r.records : sp->n.left;
			sp->roff += SPOOL_REC_HDR + r.len;
			save_read_pos(sp);
			continue;
		}
		sp->peeked       = true;
		sp->peek_next    = sp->roff + SPOOL_REC_HDR + r.len;
		sp->peek_records = r.records;
		out->p           = pl;
		out->len         = r.len;
		out->records     = r.records;
		out->points      = r.points;
		return 0;
	}
}

int
spool_consume(struct spool *sp)
{
	struct seg *s;

	if (!sp->peeked || !sp->nseg)
		return -EINVAL;
	s          = &sp->segs[0];
	sp->peeked = false;
	sp->roff   = sp->peek_next;
	s->recs -= sp->peek_records < s->recs ? sp->peek_records : s->recs;
	sp->n.left
	    -= sp->peek_records < sp->n.left ? sp->peek_records : sp->n.left;
	sp->n.consumed += sp->peek_records;
	if (sp->roff >= s->bytes)
		seg_drop_oldest(sp, false); /* read to its end */
	else
		save_read_pos(sp);
	return 0;
}

void
spool_counts(const struct spool *sp, struct spool_counts *c)
{
	*c = sp->n;
}

void
spool_close(struct spool *sp)
{
	if (!sp)
		return;
	spool_sync(sp, NULL, 0);
	reader_close(sp);
	if (sp->wfd >= 0)
		close(sp->wfd);
	if (sp->pfd >= 0)
		close(sp->pfd);
	free(sp->segs);
	free(sp->win);
	free(sp->dir);
	free(sp->ident);
	free(sp);
}
