/* outcome.h - the outcome of one request to a server or a file.
 *
 * The network layer (http, aws) and every target speak in these: a
 * request was done, is to be tried again, or failed, and how. Targets
 * re-export it through target.h.
 */
#ifndef TSL_OUTCOME_H
#define TSL_OUTCOME_H

#include <stdbool.h>

/* Outcome of one write:
 *   TGT_OK          accepted (records the target refused one by one are
 *                   in ctx->rejected and ctx->rejected_points, the
 *                   reasons in ctx->err)
 *   TGT_RETRY       busy or throttled (HTTP 429/503, SQLite BUSY,
 *                   Timestream ThrottlingException): try again later
 *   TGT_FAIL        refused: counted as failed, first message kept
 *   TGT_UNREACHABLE the server cannot be reached (connection refused,
 *                   reset or closed): retried like TGT_RETRY, named
 *                   "unreachable" in messages
 *   TGT_FATAL       the target cannot take any more writes (a write
 *                   error on a file): counted as failed, the run stops
 *   TGT_CLOSED      the reader went away (EPIPE on stdout or a FIFO): not
 *                   written, not a failure, the run stops (exit 0)
 *   TGT_SPOOLED     not written now: the spool stage kept the batch for
 *                   later (or a full spool dropped it); not a failure,
 *                   the stage counts its records
 * Every outcome but TGT_OK leaves a one-line reason in ctx->err. */
enum tgt_status {
	TGT_OK          = 0,
	TGT_RETRY       = 1,
	TGT_FAIL        = 2,
	TGT_UNREACHABLE = 3,
	TGT_FATAL       = 4,
	TGT_CLOSED      = 5,
	TGT_SPOOLED     = 6,
	TGT_N_STATUS    = 7,
};

/** Whether an outcome is tried again after a pause (busy, throttled or
 *  unreachable). */
static inline bool
target_status_retry(enum tgt_status st)
{
	return st == TGT_RETRY || st == TGT_UNREACHABLE;
}

/** Whether an outcome ends the run (TGT_FATAL, TGT_CLOSED). */
static inline bool
target_status_stop(enum tgt_status st)
{
	return st == TGT_FATAL || st == TGT_CLOSED;
}

#endif
