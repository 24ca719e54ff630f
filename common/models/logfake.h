/* logfake.h - the fake web-log fields of lumberer (seed-behaviour-2 §1.4,
 * §1.5, §1.7), drawn from an xrng with tsload's own tables.
 *
 * lumberer draws them with Faker (en_US); these are the same shapes and
 * distributions. Stand-ins (documented in README "Log models"): the person
 * names, the company words of the referrer domains, the locales, the
 * Android/iOS versions and the Gecko dates are short tables of our own,
 * not Faker's lists. The line formats are in logline.h.
 */
#ifndef TSL_LOGFAKE_H
#define TSL_LOGFAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

/* A text field: bytes (not NUL-terminated) in constants or an arena. */
struct logf_str {
	const char *p;
	uint32_t    n;
};

/* The semi-static group (§1.3), good or bad: one "visitor". Texts live in
 * arena (or are constants). */
enum { LOGF_ARENA = 8192 };
struct logf_visitor {
	struct logf_str ip, user, proto, method, referer, ua, loc, host;
	int64_t         time_s; /* the lines' timestamp, epoch seconds */
	/* the timestamp in the three formats' shapes (UTC) */
	char   ts_apache[32]; /* 07/Dec/2026:00:01:11 +0000 */
	char   ts_space[24];  /* 2026-12-07 00:01:11 */
	char   ts_iso[24];    /* 2026-12-07T00:01:11Z */
	size_t n_apache, n_space, n_iso;
	char   arena[LOGF_ARENA];
	size_t used;
};

/* Value sets of the per-line fields (§1.4), shared with the models. */
enum {
	LOGF_N_SEGMENTS = 12,
	LOGF_N_QUERIES  = 6,
	LOGF_N_STATUSES = 10,
	LOGF_N_METHODS  = 9,
	LOGF_N_PROTOS   = 2,
};
extern const char *const logf_segments[LOGF_N_SEGMENTS];
extern const char *const logf_queries[LOGF_N_QUERIES];
extern const char *const logf_methods[LOGF_N_METHODS];
extern const char *const logf_protos[LOGF_N_PROTOS];
extern const uint16_t    logf_statuses[LOGF_N_STATUSES];

/** Draws a good visitor (§1.4) stamped time_s; gecko_end_s bounds the
 *  Firefox Gecko dates (the run's start). */
void logf_visitor_good(struct logf_visitor *v, struct xrng *r, int64_t time_s);
/** Draws a bad visitor from the pools of §1.7. */
void logf_visitor_bad(struct logf_visitor *v, struct xrng *r, int64_t time_s);

/** Writes a public IPv4 address (Faker ipv4_public, §1.4) into out (at
 *  least 16 bytes). @return its length. */
size_t logf_ipv4(struct xrng *r, char *out);
/** Writes a user agent (§1.5) into out (at least 256 bytes). */
size_t logf_user_agent(struct xrng *r, char *out);
/** Writes a uri() (§1.5) into out (at least 128 bytes). */
size_t logf_uri(struct xrng *r, char *out);
/** Writes a user name (§1.4; without the 50% '-') into out (>= 40). */
size_t logf_user_name(struct xrng *r, char *out);
/** Writes a uri_path (1-3 segments, no leading slash) into out (>= 64). */
size_t logf_uri_path(struct xrng *r, char *out);

#endif
