/* logline.h - lumberer's log lines (seed-behaviour-2 §1.3, §1.6, §1.7):
 * Apache combined, CloudFront and Cloudflare JSON, good or bad, written
 * straight into a buffer.
 *
 * Reproducible: a line is a function of the seed and its line number.
 * Lines are made in chunks (logl_lines over [first, first + n)); a chunk's
 * per-line fields come from the stream of its first line, and the visitor
 * (the semi-static group of §1.3) of window w = line / visitor_lines from
 * the stream of w. So the same seed, start time and chunking give the same
 * lines, whichever thread makes which chunk. The seed's own rule (a new
 * visitor after 1 s of monotonic time, visitor_lines 0) and --realtime
 * timestamps depend on the clock, so they are not reproducible.
 */
#ifndef TSL_LOGLINE_H
#define TSL_LOGLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "logfake.h"

enum logl_type { LOGL_APACHE = 0, LOGL_CLOUDFRONT, LOGL_CLOUDFLARE, LOGL_N };

/* The longest line (a bad one with the 5,632-byte user name and a bytes
 * literal), and the lines of a chunk. */
enum { LOGL_LINE_MAX = 16384, LOGL_CHUNK_LINES = 4096 };

struct logl_conf {
	enum logl_type type;
	uint64_t       seed;
	double         bad_pct; /* share of bad lines in %; <= 0: none */
	uint64_t
	     visitor_lines; /* lines per visitor; 0: 1 s of monotonic time */
	bool realtime;      /* timestamps: the clock at each new visitor */
	int64_t start_s;    /* else every line's timestamp */
};

/* A generator (one per thread). */
struct logl_gen {
	struct logl_conf    c;
	struct logf_visitor good, bad;
	uint64_t            good_w, bad_w;   /* window + 1 cached; 0: none */
	uint64_t            good_ns, bad_ns; /* the 1 s rule: when drawn */
	struct xrng         wall_r;          /* the 1 s rule's visitor draws */
};

/** The type named s, case-insensitive ("Apache", "cloudfront"), or -1. */
int         logl_type_parse(const char *s);
const char *logl_type_name(enum logl_type t);

/** Prepares g for c; thread numbers the 1 s rule's visitor stream. */
void logl_init(struct logl_gen *g, const struct logl_conf *c, unsigned thread);

/** Appends lines [first, first + n) (n <= LOGL_CHUNK_LINES) to b, each
 *  ending in '\n' (CloudFront records: "\n\n", as the seed prints them),
 *  and adds the number of bad ones to *bad. @return 0 or -ENOSPC. */
int logl_lines(struct logl_gen *g, uint64_t first, unsigned n, struct buf *b,
    uint64_t *bad);

#endif
