/* verify_cmd.c - `tsload verify --target URL --results RUNDIR` and
 * ingest's --verify: runs verify.c's check, adds the "verify" object to
 * the run's run.json and prints a short summary. Exit 0 when the target
 * holds exactly what the run wrote, 1 on any difference, 2 when the run
 * or the target cannot be verified.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "coord.h"
#include "fs.h"
#include "json.h"
#include "jsonr.h"
#include "log.h"
#include "opts.h"
#include "report.h"
#include "verify.h"
#include "verify_show.h"

enum { RUN_JSON_MAX = 64 << 20 };

/* Writes run.json again with the "verify" object as its last member (in
 * place of an earlier one). 0, or -errno with the reason said. */
static int
add_to_run_json(
    const char *dir, const struct verify_result *r, const char *url)
{
	char              path[1100], err[300];
	char             *text = NULL;
	size_t            len, cut;
	struct buf        b;
	struct json_w     w;
	struct jsonr_doc *doc = NULL;
	const char       *old;
	int               rc;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = fs_read_all(path, RUN_JSON_MAX, &text, &len, err, sizeof(err));
	if (!rc && jsonr_parse(text, len, &doc, err, sizeof(err)))
		rc = -EINVAL;
	if (rc) {
		log_err("verify: %s", err);
		free(text);
		return rc;
	}
	/* the last '}' closes the top level; an earlier verify is last */
	old = jsonr_get(jsonr_root(doc), "verify")
	    ? strstr(text, ",\n  \"verify\": ")
	    : NULL;
	jsonr_free(doc);
	cut = old ? (size_t)(old - text) : len;
	while (cut && text[cut - 1] != '}' && !old)
		cut--;
	if (!old && cut)
		cut--; /* the closing brace */
	while (cut && (text[cut - 1] == '\n' || text[cut - 1] == ' '))
		cut--;
	buf_init(&b, RUN_JSON_MAX);
	buf_add(&b, text, cut);
	buf_adds(&b, ",\n  \"verify\": ");
	json_w_init(&w, &b, false);
	rc = json_obj_begin(&w) | verify_json(&w, r, url) | json_obj_end(&w);
	buf_adds(&b, "\n}");
	free(text);
	if (rc) {
		log_err("verify: %s: too large to write it again", path);
		rc = -ENOSPC;
	} else { /* as run.json is written: synced, renamed, said if not */
		rc = report_save(dir, "run.json", b.p, b.len);
	}
	buf_free(&b);
	return rc;
}

static void
say_counts(const char *what, const struct verify_counts *c)
{
	char line[320];

	verify_counts_text(c, line, sizeof(line));
	log_info("verify %s: %s", what, line);
}

int
verify_and_report(const char *url, const char *dir)
{
	struct verify_result *r = calloc(1, sizeof(*r));
	char                  err[512];
	int                   rc;

	if (!r)
		return 2;
	rc = verify_run(url, dir, r, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		free(r);
		return rc;
	}
	for (unsigned k = 0; k < 2; k++)
		say_counts(r->kind_name[k], &r->kind[k]);
	if (r->total.extra_series)
		log_info(
		    "verify: %llu series the run did not write (%llu points), e.g. %s",
		    (unsigned long long)r->total.extra_series,
		    (unsigned long long)r->total.extra_points,
		    r->example_extra);
	if (r->cells_inconsistent)
		log_info(
		    "verify: %llu cells whose aggregates differ while their rows hold what was written: the target's answers disagree (a query window or server fault)",
		    (unsigned long long)r->cells_inconsistent);
	if (r->counts_only)
		log_info(
		    "verify: seed-exact run (CPython's one sequential stream): counts, times and series checked, values not");
	log_info(
	    "verify: %s in %.2f s (%llu aggregate cells, %llu differing, %llu row reads)",
	    verify_verdict(verify_differs(r)), r->seconds,
	    (unsigned long long)r->cells, (unsigned long long)r->cells_bad,
	    (unsigned long long)r->row_queries);
	rc = add_to_run_json(dir, r, url) ? 2 : verify_differs(r) ? 1 : 0;
	free(r);
	return rc;
}

static void
usage(FILE *f)
{
	cmd_usage(CMD_VERIFY, f);
}

int
coord_verify(int argc, char **argv)
{
	struct tsl_opts o;
	int             rc = cmd_parse(&o, CMD_VERIFY, argc, argv, usage);

	if (rc >= 0) {
		opts_free(&o);
		return rc;
	}
	if (!o.run_dir[0]) {
		log_err(
		    "verify needs --results RUNDIR: the run's directory (results/<run-id>) with its run.json");
		opts_free(&o);
		return 2;
	}
	rc = verify_and_report(o.target, o.run_dir);
	opts_free(&o);
	return rc;
}
