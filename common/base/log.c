/* log.c - prefixed messages on stderr and the info stream.
 * Each line is written with one stdio call so that lines from several
 * threads or processes do not interleave mid-line.
 */
#include "log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static char log_who[64] = "tsload";
static bool info_stderr;
/* the live line shown on a terminal now ("" when none) */
static char live_text[1024];
static bool live_shown;

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

size_t
log_utf8_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t             cp;
	size_t               len, i;

	if (!n)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp  = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp  = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp  = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong, surrogate, beyond Unicode */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
	    || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

size_t
log_escape(char *out, size_t outlen, const char *in, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t            i = 0, o = 0;

	if (!outlen)
		return 0;
	while (i < n && i < max) {
		unsigned char c = (unsigned char)in[i];
		size_t        k = log_utf8_len(in + i, n - i);
		char          t[4];
		size_t        tn;

		if (c == '\t' || c == '\n' || c == '\r') {
			t[0] = ' ';
			tn   = 1;
			k    = 1;
		} else if (k == 1 && c >= 0x20 && c != 0x7f) {
			t[0] = (char)c;
			tn   = 1;
		} else if (k > 1
		    && !(k == 2 && c == 0xc2
		        && (unsigned char)in[i + 1] < 0xa0)) {
			tn = 0; /* a character, copied below */
		} else {
			t[0] = '\\';
			t[1] = 'x';
			t[2] = hex[c >> 4];
			t[3] = hex[c & 15];
			tn   = 4;
			k    = 1;
		}
		if (!tn)
			tn = k;
		if (i + k > max || o + tn + 1 > outlen)
			break;
		memcpy(out + o, tn == k && k > 1 ? in + i : t, tn);
		o += tn;
		i += k;
	}
	if (i < n && o + 4 <= outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}

static bool
can_rewrite(FILE *f)
{
	const char *term = getenv("TERM");

	return isatty(fileno(f)) && !(term && !strcmp(term, "dumb"));
}

bool
log_live_tty(void)
{
	return can_rewrite(log_info_stream());
}

/* The live line, cut to the width of the terminal (one column spare, so
 * that it never wraps). */
static void
live_draw(void)
{
	FILE          *f = log_info_stream();
	struct winsize ws;
	size_t         w = 80, n = strlen(live_text), cols = 0, i = 0;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		w = ws.ws_col;
	/* count characters, not the bytes of UTF-8 */
	while (i < n && cols < w - 1) {
		size_t k = log_utf8_len(live_text + i, n - i);

		i += k ? k : 1;
		cols++;
	}
	fprintf(f, "\r%.*s\033[K", (int)i, live_text);
	fflush(f);
	live_shown = true;
}

void
log_live(const char *text)
{
	FILE *f = log_info_stream();

	if (!can_rewrite(f)) {
		fprintf(f, "%s\n", text);
		fflush(f);
		return;
	}
	snprintf(live_text, sizeof(live_text), "%s", text);
	live_draw();
}

void
log_live_end(void)
{
	FILE *f = log_info_stream();

	if (!live_shown)
		return;
	fputc('\n', f);
	fflush(f);
	live_shown   = false;
	live_text[0] = '\0';
}

/* A message to f: on a terminal it first clears the line it starts on
 * (a live line of this process or another's); this process's live line
 * is drawn again below it. */
static void
put_line(FILE *f, const char *line)
{
	bool tty = can_rewrite(f);

	if (tty && live_shown)
		fflush(log_info_stream());
	fprintf(f, "%s%s\n", tty ? "\r\033[K" : "", line);
	fflush(f);
	if (live_shown) {
		live_shown = false;
		live_draw();
	}
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
	put_line(f, line);
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
	char    line[4096];

	va_start(ap, fmt);
	if (!live_shown && !can_rewrite(f)) {
		/* a pipe or a file: any length, as it is */
		vfprintf(f, fmt, ap);
		fputc('\n', f);
		fflush(f);
	} else {
		vsnprintf(line, sizeof(line), fmt, ap);
		put_line(f, line);
	}
	va_end(ap);
}
