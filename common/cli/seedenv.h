/* seedenv.h - the CrateDB data generator's environment variables
 * (seed-behaviour-2.md §2.2.1, v1.0.3: the seed's Kubernetes Job) as
 * tsload options, so that its Job spec runs with only the image changed.
 *
 * They are read when MODEL_PATH is in the environment (the seed cannot run
 * without it; a desktop shell's USERNAME or HOST alone changes nothing),
 * after the TSLOAD_* variables and before the command line, and only for
 * options neither of those gave:
 *
 *   MODEL_PATH    --model-file (and --model datagen)
 *   ID_START/END  --id-start ID_START-1, --id-end ID_END (1-based,
 *                 inclusive channel ids; defaults 1 and 500)
 *   INGEST_MODE   1/fast: backfill, --start-time and --end-time;
 *                 0/consecutive: --interval-millis on the wall clock,
 *                 stamped on the delta grid from now (--start-time),
 *                 --autostop INGEST_SIZE (default 1)
 *   INGEST_SIZE   values per channel (0: endless; default 1000)
 *   INGEST_DELTA  --interval-millis (seconds, default 0.5)
 *   INGEST_TS     fast: the first timestamp is INGEST_TS + delta snapped
 *                 to the delta grid (epoch seconds; default now)
 *   TABLE_NAME    --table-name
 *   HOST, USERNAME, PASSWORD
 *                 --target postgres://USER:PASSWORD@host:port/ (CrateDB
 *                 over its PostgreSQL port; a HOST that is already a
 *                 tsload target URL is taken as it is)
 *   SHARDS        CrateDB's table shards: accepted, no effect (noted)
 */
#ifndef TSL_SEEDENV_H
#define TSL_SEEDENV_H

#include <stddef.h>
#include <stdint.h>

enum { SEEDENV_MAX = 12, SEEDENV_VAL = 1024, SEEDENV_NOTES = 3 };

struct seedenv {
	unsigned n; /* options to set, in order */
	struct {
		const char *opt; /* long option name */
		const char *var; /* the variable it comes from */
		char        val[SEEDENV_VAL];
	} kv[SEEDENV_MAX];
	unsigned n_notes; /* lines worth saying (log_info) */
	char     note[SEEDENV_NOTES][256];
};

/** Translates the seed's variables, read through get (getenv, or a
 *  test's table), at wall-clock now_ms. @return 0 with out->n == 0 when
 *  MODEL_PATH is not set, 0 with the options, or -EINVAL with one line in
 *  err naming the variable ("INGEST_MODE: 2 is not 0 or 1"). */
int seedenv_translate(const char *(*get)(const char *name), int64_t now_ms,
    struct seedenv *out, char *err, size_t n);

#endif
