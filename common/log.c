/* log.c - prefixed messages on stderr and the info stream.
 * Each line is written with one stdio call so that lines from several
 * threads or processes do not interleave mid-line.
 */
#include "log.h"

#include <stdarg.h>
#include <string.h>

static char log_who[64] = "tsload";
static bool info_stderr;

void
log_set_who(const char *who)
{
	snprintf(log_who, sizeof(log_who), "%s", who);
}

void
log_info_to_stderr(bool yes)
{
	info_stderr = yes;
}

FILE *
log_info_stream(void)
{
	return info_stderr ? stderr : stdout;
}

static void
vlog(FILE *f, const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	int  n;

	n = snprintf(line, sizeof(line), "%s: %s", log_who, level);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	fprintf(f, "%s\n", line);
	fflush(f);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(stderr, "error: ", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(stderr, "warning: ", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;
	FILE   *f = log_info_stream();

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}
