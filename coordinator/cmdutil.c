/* cmdutil.c - option parsing, target settings and result collection
 * shared by the ingest, query and run subcommands. */
#include "cmdutil.h"

#include "log.h"
#include "xalloc.h"

int
cmd_parse(struct tsl_opts *o, unsigned cmd, int argc, char **argv,
    void (*usage)(FILE *))
{
	char err[512];
	int  rc;

	opts_defaults(o);
	rc = opts_parse(
	    o, cmd, argc, (const char *const *)argv, err, sizeof(err));
	if (!rc && o->help) {
		usage(stdout);
		return 0;
	}
	if (!rc)
		rc = opts_validate(o, cmd, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		return 2;
	}
	return -1;
}

void
cmd_list_targets(FILE *f)
{
	fprintf(f, "\ntargets:\n");
	for (const struct target_ops *const *t = target_list(); *t; t++)
		fprintf(f, "  %-15s %s\n",
		    (*t)->flags & TGT_F_QUERY ? "ingest, query" : "ingest",
		    (*t)->usage);
	fprintf(f,
	    "\nEvery option can also be set as TSLOAD_<NAME>, e.g. "
	    "TSLOAD_HOST_SCALE=2.\n");
}

void
cmd_fill_run(struct report_run *r, const struct engine *e,
    const struct tsl_opts *o, unsigned opts_cmd, int exit_code,
    const struct model *m)
{
	r->o           = o;
	r->opts_cmd    = opts_cmd;
	r->start_ms    = e->start_ms;
	r->end_ms      = e->end_ms;
	r->secs        = e->secs;
	r->exit_code   = exit_code;
	r->cpu_s[0]    = e->cpu_s[ROLE_INGEST];
	r->cpu_s[1]    = e->cpu_s[ROLE_QUERY];
	r->coord_cpu_s = e->coord_cpu_s;
	r->maxrss_kb   = e->maxrss_kb;
	if (!m)
		return;
	r->prefix     = m->prefix;
	r->hosts      = m->total_hosts;
	r->event_sets = m->total_events;
	r->series     = model_series_count((unsigned)o->host_scale, o->multi);
}

void
cmd_collect_workers(const struct engine *e, struct report_run *r)
{
	r->nw = e->n;
	r->w  = xcalloc(e->n ? e->n : 1, sizeof(*r->w));
	for (unsigned i = 0; i < e->n; i++) {
		const struct slot    *s = &e->slot[i];
		struct report_worker *x = &r->w[i];

		x->role       = s->role == ROLE_INGEST ? "ingest" : "query";
		x->index      = s->rindex;
		x->pid        = (int)s->pid;
		x->first_host = s->first_host;
		x->end_host   = s->end_host;
		x->done       = s->state == SLOT_DONE;
		x->s          = (struct stats *)&s->cur.s;
		snprintf(x->host, sizeof(x->host), "%s", s->host);
		snprintf(x->fate, sizeof(x->fate), "%s", s->fate);
		snprintf(x->err, sizeof(x->err), "%s", s->cur.err);
		/* the reason of a stop was said when the run stopped */
		if (x->err[0]
		    && !(s->cur.state
		        & (TGT_STATE_BIT(TGT_FATAL)
		            | TGT_STATE_BIT(TGT_CLOSED))))
			log_warn("%s worker %u: first error: %s", x->role,
			    x->index + 1, x->err);
	}
}
