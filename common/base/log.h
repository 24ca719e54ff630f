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

/** Length (1 to 4) of the well-formed UTF-8 character at s[0..n), or 0
 *  when the bytes there are not one (a stray continuation byte, an
 *  overlong form, a surrogate, past U+10FFFF, cut short). */
size_t log_utf8_len(const char *s, size_t n);

/** Text from outside (a server's answer, its error message) made fit for
 *  a one-line message: printable ASCII and well-formed UTF-8 as they are,
 *  tabs and line ends as one space each, every other byte (controls, DEL,
 *  C1 controls, malformed UTF-8) as \xHH; more than max input bytes are
 *  cut to max (on a character boundary) followed by "...". Always
 *  NUL-terminated within outlen, never cut inside an escape or a
 *  character. @return the length written. */
size_t log_escape(
    char *out, size_t outlen, const char *in, size_t n, size_t max);

/** Whether the info stream is a terminal that can rewrite a line (a tty,
 *  and TERM is not "dumb"). */
bool log_live_tty(void);
/** The live line: on a terminal (log_live_tty) one line rewritten in
 *  place ("\r", the text cut to the terminal's width, clear to the end
 *  of the line); else the text and a newline. While it is shown, the
 *  other messages first clear it and then draw it again below them. */
void log_live(const char *text);
/** Ends the live line: a newline after it on a terminal, so that what
 *  follows starts on a line of its own (it stays visible). */
void log_live_end(void);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
