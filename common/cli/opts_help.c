/* opts_help.c - --help: a command's rows of the option table, by
 * section, wrapped under 80 columns.
 */
#include "opts.h"

#include <stdio.h>
#include <string.h>

#include "opts_table.h"

static const char *const group_title[G_N]
    = { "target", "load shape", "continuous model (--model continuous only)",
	      "pacing", "query workload", "output", "worker", "other" };

/* Help columns: options from 2, their text from HELP_COL, lines end
 * before HELP_WIDTH. */
enum { HELP_COL = 32, HELP_WIDTH = 80 };

/* Prints text from column col, wrapped at spaces before HELP_WIDTH,
 * each further line indented to HELP_COL. */
static void
print_wrapped(FILE *f, const char *text, int col)
{
	while (*text) {
		int room = HELP_WIDTH - 1 - col, n = (int)strlen(text);

		if (n > room) {
			n = room;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(f, "%.*s\n", n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(f, "%*s", HELP_COL, "");
		col = HELP_COL;
	}
}

void
opts_usage(unsigned cmd, FILE *f)
{
	for (unsigned g = 0; g < G_N; g++) {
		bool title = false;

		for (const struct opt *r = opt_table; r->name; r++) {
			char left[64], text[256];
			int  n;

			if (!(r->cmds & cmd) || r->group != g)
				continue;
			/* a worker gets the rest from its coordinator */
			if (cmd == CMD_WORKER && r->off != OFF(connect)
			    && r->off != OFF(token) && r->off != OFF(help)
			    && r->off != OFF(shard_index))
				continue;
			if (!title)
				fprintf(f, "\n%s:\n", group_title[g]);
			title = true;
			if (opt_short_ok(r, cmd))
				n = snprintf(left, sizeof(left), "  -%c, ",
				    r->shortname);
			else
				n = snprintf(left, sizeof(left), "      ");
			n += snprintf(left + n, sizeof(left) - (size_t)n,
			    "--%s%s%s", r->name, r->meta ? " " : "",
			    r->meta ? r->meta : "");
			if (r->type != OPT_BOOL && r->def[0]
			    && r->off != OFF(help))
				snprintf(text, sizeof(text), "%s [%s]",
				    r->help, r->def);
			else
				snprintf(text, sizeof(text), "%s", r->help);
			/* A long option name gets a line of its own.
			 */
			if (n >= HELP_COL - 1)
				fprintf(f, "%s\n%*s", left, HELP_COL, "");
			else
				fprintf(f, "%-*s", HELP_COL, left);
			print_wrapped(f, text, HELP_COL);
		}
	}
}
