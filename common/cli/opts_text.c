/* opts_text.c - the options written out: as the text a coordinator
 * sends its workers (and read back), and as run.json's JSON object.
 */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "opts_table.h"
#include "xalloc.h"

static void
value_text(const struct tsl_opts *o, const struct opt *r, struct buf *b)
{
	switch (r->type) {
	case OPT_BOOL:
		buf_adds(
		    b, *(const bool *)opt_cfield(o, r) ? "true" : "false");
		break;
	case OPT_STR:
	case OPT_LIST:
		buf_adds(b, *(char *const *)opt_cfield(o, r));
		break;
	case OPT_U64_AUTO:
		if (!*(const uint64_t *)opt_cfield(o, r)) {
			buf_adds(b, "auto");
			break;
		}
		/* fall through */
	case OPT_U64:
	case OPT_SIZE:
		buf_printf(b, "%llu",
		    (unsigned long long)*(const uint64_t *)opt_cfield(o, r));
		break;
	case OPT_I64:
		buf_printf(
		    b, "%lld", (long long)*(const int64_t *)opt_cfield(o, r));
		break;
	case OPT_SECS:
	case OPT_F64:
		buf_printf(b, "%.17g", *(const double *)opt_cfield(o, r));
		break;
	}
}

/* Appends s with '\\', line breaks and other control bytes escaped. */
static void
escape_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\')
			buf_adds(b, "\\\\");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
}

/* Undoes escape_text in place. @return 0, or -EINVAL on a bad escape.
 */
static int
unescape_text(char *s)
{
	char *w = s;

	for (; *s; s++) {
		unsigned hi, lo;

		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		s++;
		if (*s == '\\' || *s == 'n') {
			*w++ = *s == 'n' ? '\n' : '\\';
			continue;
		}
		if (*s != 'x' || !isxdigit((unsigned char)s[1])
		    || !isxdigit((unsigned char)s[2]))
			return -EINVAL;
		hi   = (unsigned)(isdigit((unsigned char)s[1])
		          ? s[1] - '0'
		          : tolower((unsigned char)s[1]) - 'a' + 10);
		lo   = (unsigned)(isdigit((unsigned char)s[2])
		          ? s[2] - '0'
		          : tolower((unsigned char)s[2]) - 'a' + 10);
		*w++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*w = '\0';
	return 0;
}

void
opts_to_text(const struct tsl_opts *o, unsigned cmd, struct buf *b)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		if (!(r->cmds & cmd) || !(r->cmds & CMD_WORKER)
		    || r->off == OFF(help) || r->off == OFF(connect)
		    || r->off == OFF(token) || r->off == OFF(shard_index))
			continue;
		buf_printf(b, "--%s=", r->name);
		if (r->type == OPT_STR)
			escape_text(b, *(char *const *)opt_cfield(o, r));
		else
			value_text(o, r, b);
		buf_addc(b, '\n');
		for (unsigned i = 0;
		     r->off == OFF(target) && i < o->n_more_targets; i++) {
			buf_printf(b, "--%s=", r->name);
			escape_text(b, o->more_targets[i]);
			buf_addc(b, '\n');
		}
	}
}

int
opts_parse_text(struct tsl_opts *o, unsigned cmd, const char *text, char *err,
    size_t errlen)
{
	char        *copy = xstrdup(text);
	const char **argv;
	int          argc = 1, rc = 0;

	argv    = xcalloc(strlen(text) + 2, sizeof(*argv));
	argv[0] = "worker";
	for (char *line = strtok(copy, "\n"); line && !rc;
	     line       = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');

		if (eq && unescape_text(eq + 1)) {
			snprintf(
			    err, errlen, "bad escape in option line %d", argc);
			rc = -EINVAL;
		}
		argv[argc++] = line;
	}
	if (!rc)
		rc = opts_parse(o, cmd, argc, argv, err, errlen);
	free(argv);
	free(copy);
	return rc;
}

/* A list option as a JSON array; with redact, the value of a key that
 * names a secret (sasl.password, ssl.key.password, ...) is "***". */
static int
list_json(struct json_w *w, const char *list, bool redact)
{
	int rc = json_arr_begin(w);

	while (!rc && list && *list) {
		const char *nl   = strchrnul(list, '\n');
		const char *eq   = memchr(list, '=', (size_t)(nl - list));
		char       *item = xstrndup(list, (size_t)(nl - list));

		if (redact && eq) {
			item[eq - list] = '\0'; /* the key alone */
			if (strstr(item, "password")
			    || strstr(item, "secret")) {
				free(item);
				item = xasprintf(
				    "%.*s=***", (int)(eq - list), list);
			} else {
				item[eq - list] = '=';
			}
		}
		rc = json_str(w, item);
		free(item);
		list = *nl ? nl + 1 : nl;
	}
	return rc ? rc : json_arr_end(w);
}

int
opts_to_json(const struct tsl_opts *o, unsigned cmd, struct json_w *w)
{
	int rc = 0;

	for (const struct opt *r = opt_table; r->name && !rc; r++) {
		if (!(r->cmds & cmd) || r->off == OFF(help))
			continue;
		rc = json_key(w, r->name);
		if (rc)
			break;
		switch (r->type) {
		case OPT_BOOL:
			rc = json_bool(w, *(const bool *)opt_cfield(o, r));
			break;
		case OPT_STR:
			if (r->off == OFF(target)) { /* no password in files */
				char shown[1024];

				target_url_redact(
				    o->target, shown, sizeof(shown));
				rc = json_str(w, shown);
				break;
			}
			if (r->off == OFF(token)) { /* the secret stays out */
				rc = json_str(w, o->token[0] ? "***" : "");
				break;
			}
			rc = json_str(w, *(char *const *)opt_cfield(o, r));
			break;
		case OPT_LIST:
			rc = list_json(w, *(char *const *)opt_cfield(o, r),
			    r->off == OFF(kafka_conf));
			break;
		case OPT_U64_AUTO:
			if (!*(const uint64_t *)opt_cfield(o, r)) {
				rc = json_str(w, "auto");
				break;
			}
			/* fall through */
		case OPT_U64:
		case OPT_SIZE:
			rc = json_uint(w, *(const uint64_t *)opt_cfield(o, r));
			break;
		case OPT_I64:
			rc = json_int(w, *(const int64_t *)opt_cfield(o, r));
			break;
		case OPT_SECS:
		case OPT_F64:
			rc = json_double(w, *(const double *)opt_cfield(o, r));
			break;
		}
	}
	if (!rc && o->n_more_targets && (cmd & (CMD_INGEST | CMD_RUN))) {
		rc = json_key(w, "targets") | json_arr_begin(w);
		for (unsigned i = 0; i < opts_n_targets(o) && !rc; i++) {
			char shown[1024];

			target_url_redact(
			    opts_target(o, i), shown, sizeof(shown));
			rc = json_str(w, shown);
		}
		rc |= json_arr_end(w);
	}
	return rc;
}
