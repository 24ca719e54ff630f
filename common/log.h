/* log.h - user-visible messages, prefixed with who is speaking.
 *
 * log_err/log_warn go to stderr as "tsload: error: ..." or
 * "tsload worker 2: warning: ..."; log_info goes to the info stream (stdout,
 * or stderr when the data itself goes to stdout). Per-request failures are
 * never logged: they are counted (see stats.h) and the first one is kept.
 */
#ifndef TSL_LOG_H
#define TSL_LOG_H

#include <stdbool.h>
#include <stdio.h>

/** Sets the speaker shown in every line, e.g. "tsload worker 3". */
void log_set_who(const char *who);
/** Sends log_info to stderr instead of stdout (for the stdout: target). */
void log_info_to_stderr(bool yes);
/** The stream log_info writes to. */
FILE *log_info_stream(void);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
