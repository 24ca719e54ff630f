/* workload.h - the query workload of a run: config.ini and the templates
 * of the target's dialect, loaded and checked once per query worker, and
 * by the coordinator before any worker starts (a mistake is then a usage
 * error).
 */
#ifndef TSL_WORKLOAD_H
#define TSL_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "choose.h"
#include "opts.h"
#include "qconfig.h"
#include "render.h"
#include "target.h"

struct qworkload {
	struct qconfig cfg;
	struct chooser choose;  /* weighted pick over cfg's rows */
	struct template tpl[6]; /* per config row, in file order */
	struct template params; /* params(-multi).sql */
	struct template count;  /* count.sql */
};

/** Loads o's config.ini and every template it needs in the dialect of
 *  target ops. @return 0, or -errno with a one-line reason in err; free
 *  with qwork_free() either way. */
int  qwork_load(struct qworkload *w, const struct tsl_opts *o,
     const struct target_ops *ops, char *err, size_t errlen);
void qwork_free(struct qworkload *w);

/** "<run-prefix>-<YYYY-mm-dd-HH-MM-SS UTC of t0_ms>", the seed's name of
 *  a run's query logs. */
void qwork_exp_name(char *out, size_t n, const char *prefix, int64_t t0_ms);

#endif
