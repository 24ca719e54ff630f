/* schedule.h - a load schedule: how many units of work (data points,
 * records or queries) are due per second at each moment of a run, for
 * --rate and --schedule.
 *
 * A schedule is a list of segments, each with a rate that goes linearly
 * from r0 to r1 over its length (a plain rate has r0 = r1). It either
 * cycles for ever (--rate N: one segment; the seed's format, section 1.9:
 * one segment of update_interval seconds per rate of its array) or ends
 * after its last segment ({"steps": [...]}).
 *
 * Time t is in seconds from the run's start. The schedule is read as a
 * count: sched_units(t) is how many units are due in [0, t); a unit u
 * (counted from 0) is due at sched_time(u), the first moment the count
 * passes u. Working from the count keeps a rate exact on average however
 * the work is cut into batches (no drift), and a rate of 0 is a pause: its
 * segment adds nothing, so no unit falls due in it.
 *
 * A schedule read from a file is re-read by sched_reload() when the file
 * is replaced or rewritten (another inode, size or mtime): the new one is
 * timed from the run's start like the first, and the count goes on from
 * where the old one was at the moment of the swap (offset), so nothing is
 * owed twice or forgotten.
 *
 * Everything here is arithmetic on a given t: the tests drive it with a
 * fake clock.
 */
#ifndef TSL_SCHEDULE_H
#define TSL_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sched_seg {
	double t0, len; /* start (s from the start of a pass), length */
	double r0, r1;  /* rate at its start and end, units/s */
	double u0;      /* units due in the pass before it */
};

/* The file a schedule came from, as last seen. */
struct sched_stamp {
	uint64_t        dev, ino;
	int64_t         size;
	struct timespec mtime;
	bool            seen;
};

struct sched {
	struct sched_seg  *seg;
	unsigned           n;
	bool               cycle;  /* repeats for ever */
	double             period; /* seconds of one pass */
	double             units;  /* units of one pass */
	double             offset; /* added to the count: kept over reloads */
	char              *path;   /* the file, NULL for --rate */
	struct sched_stamp stamp;
};

enum { SCHED_MAX_SEGS = 100000 };

/** A constant rate (> 0, finite), for ever. 0 or -EINVAL. */
int sched_const(struct sched *s, double rate);
/** Parses a schedule from JSON text: {"update_interval": S, "schedule":
 *  [R, ...]} (cycling) or {"steps": [{"rate": R, "for": D} or {"ramp_to":
 *  R, "for": D}, ...]} (D: seconds or a duration such as "30s", "5m").
 *  0, or -EINVAL with one line naming the key that is wrong in err. */
int sched_parse(
    struct sched *s, const char *text, size_t len, char *err, size_t errlen);
/** Reads and parses the file path (and notes its stamp for reloads). 0,
 *  or -errno with "PATH: reason" in err. */
int  sched_load(struct sched *s, const char *path, char *err, size_t errlen);
void sched_free(struct sched *s);

/** Units due in [0, t). */
double sched_units(const struct sched *s, double t);
/** The moment unit u falls due (the first t with sched_units(t) > u):
 *  true and *t, or false when it never does (a schedule that has ended,
 *  or only zero rates left). */
bool sched_time(const struct sched *s, double u, double *t);
/** The rate at t, units/s (0 after the end). */
double sched_rate(const struct sched *s, double t);
/** When a schedule of steps ends (s from the start); INFINITY when it
 *  cycles. */
double sched_end(const struct sched *s);

/** If the file changed since it was read, reads it again and swaps it in
 *  at time t (the count stays continuous). 1 when swapped, 0 when
 *  unchanged (or the file is missing for now, as in the middle of a
 *  rename), -errno when the new file is bad: the old schedule stays, the
 *  reason is in err, and that version of the file is not read again. */
int sched_reload(struct sched *s, double t, char *err, size_t errlen);

/** "1000/s" or "3 rates of 10 s, cycling" or "3 steps, 900 s". */
void sched_describe(const struct sched *s, char *out, size_t n);

#endif
