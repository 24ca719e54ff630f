/* spool.h - a directory of segment files holding checksummed records in
 * order: the disk spool a target's batches wait in while it is down
 * (issue 15). Payload-agnostic: a record is bytes plus the number of
 * records and data points it stands for, which the counts use.
 *
 * On disk: DIR/<16 hex digits>.seg, oldest first. A segment starts with
 * "TSLSPL01", the length of the run's identity text, the text, and the
 * CRC-32C of those; then records, each a 24-byte header (magic
 * "RECS", payload length, records, points, CRC-32C of those 16 bytes,
 * CRC-32C of the payload) and its payload. DIR/read holds where the
 * reader is (segment, offset): records before it are sent.
 *
 * Durability: spool_append writes the record with one writev(), so a
 * record it took survives a kill -9 of the process (the page cache has
 * it). With sync set (--spool-sync, the default) the records are also
 * fdatasync()ed by group commit: one fdatasync for the appends of up to
 * 64 MiB (a segment's default size) or 50 ms, and at a segment's end;
 * a record counts as appended (spool_counts) only once that fdatasync
 * has returned, so what is counted also survives a crash of the machine.
 * Between them, the writeback of each MiB appended is started at once
 * (sync_file_range, not waited for): the disk writes while the next
 * records are made, and the fdatasync finds little left to write. The read
 * position is written after each record is consumed, not synced: a kill -9
 * keeps it; a machine crash may send records again (duplicates, never loss).
 *
 * Cap: the segment files together never exceed max bytes; a full spool
 * refuses (block), drops the new record (drop-new) or deletes its
 * oldest segment (drop-oldest), counting what it drops exactly.
 *
 * Not thread-safe: one spool, one thread.
 */
#ifndef TSL_SPOOL_H
#define TSL_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum spool_full { SPOOL_BLOCK = 0, SPOOL_DROP_OLDEST = 1, SPOOL_DROP_NEW = 2 };

enum {
	SPOOL_REC_HDR = 24,  /* bytes of a record's header */
	SPOOL_DROPPED = 1,   /* spool_append: full, the record dropped */
	SPOOL_MIN_SEG = 256, /* the smallest segment size */
};

struct spool_conf {
	const char *dir;
	uint64_t    max;     /* bytes of all segments, at most */
	uint64_t    seg_max; /* start a new segment beyond this, 0: max/8 */
	enum spool_full full;
	bool            sync;  /* fdatasync every append */
	const char     *ident; /* the run's identity: must match on reopen */
};

/* What the spool has done and holds; records and points are the counts
 * the appended records stood for. */
struct spool_counts {
	uint64_t start;         /* records found in it when opened */
	uint64_t appended;      /* records taken (synced, with sync set) */
	uint64_t consumed;      /* records read and consumed */
	uint64_t dropped;       /* records dropped when full */
	uint64_t corrupt;       /* records whose payload failed its CRC */
	uint64_t corrupt_spans; /* damaged headers skipped (count unknown) */
	uint64_t left;          /* records in it now */
	uint64_t bytes;         /* bytes of its segment files now */
	uint64_t blocked;       /* appends refused because it was full */
};

/* A record read back (spool_peek): valid until the next call of a
 * spool_ function on the same spool (p points into its read-ahead). */
struct spool_rec {
	const void *p;
	size_t      len;
	uint32_t    records, points;
};

struct spool;

/** Opens (creating) the spool in c->dir: reads every segment's
 *  identity (another one: -EINVAL, "spool DIR was written by another
 *  run ..." in err), counts the records left, cuts a record torn by a
 *  kill at the end of the last segment. 0 or -errno with a line in
 *  err. */
int spool_open(
    struct spool **out, const struct spool_conf *c, char *err, size_t errlen);
/** Appends one record. 0; SPOOL_DROPPED (drop-new, or a record larger
 *  than the cap: counted); -ENOSPC when full under block (nothing
 *  written: try again once records are consumed); -errno on an I/O
 *  error, with a line in err. */
int spool_append(struct spool *sp, const void *p, size_t len, uint32_t records,
    uint32_t points, char *err, size_t errlen);
/** fdatasyncs the appends not yet synced and counts them. 0 or -errno
 *  (with a line in err when err is not NULL). */
int spool_sync(struct spool *sp, char *err, size_t errlen);
/** spool_sync when the oldest unsynced append is 50 ms old or 64 MiB
 *  wait: call it now and then (each batch). Without err, a failure is
 *  logged once. */
int spool_sync_due(struct spool *sp, char *err, size_t errlen);
/** The oldest record not consumed: 0, or -ENOENT when the spool is
 *  empty, or -errno on an I/O error. Records whose payload fails its
 *  CRC, and damaged spans, are skipped and counted; the first one is
 *  described in err (and *warned set) so that the caller can say so
 *  once. */
int spool_peek(struct spool *sp, struct spool_rec *r, bool *warned, char *err,
    size_t errlen);
/** Consumes the record spool_peek gave: the reader moves past it, and a
 *  segment read to its end is deleted. 0 or -errno. */
int spool_consume(struct spool *sp);
/** Whether no record is waiting. */
bool spool_empty(const struct spool *sp);
void spool_counts(const struct spool *sp, struct spool_counts *c);
/** Closes the files (the spool stays on disk); sp may be NULL. */
void spool_close(struct spool *sp);

/** The identity text of the oldest segment in dir, into out: 0,
 *  -ENOENT when dir holds none, -EINVAL when its header is damaged. */
int spool_ident(const char *dir, char *out, size_t n);

/** Parses "block", "drop-oldest" or "drop-new". 0 or -EINVAL. */
int         spool_full_parse(const char *s, enum spool_full *out);
const char *spool_full_name(enum spool_full f);

#endif
