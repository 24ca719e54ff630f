/* gen.h - values of one generated sample (seed §2.4 and §2.5).
 *
 * Cheap by design: no allocation, one xrng per thread. Metric order is the
 * send order of model_metric_names. Events: v[0] task_completed (an integer
 * 0..500 held in a double), v[1] the task_end_state index into
 * model_end_states, v[2..4] gc_reclaimed, gc_pause, memory_free.
 */
#ifndef TSL_GEN_H
#define TSL_GEN_H

#include "model.h"
#include "rng.h"

void gen_metrics(
    struct xrng *r, enum cpu_class cpu, double v[MODEL_N_METRICS]);
void gen_events(struct xrng *r, double v[MODEL_N_EVENTS]);
/** task_end_state's index (model_end_states) for u uniform in [0, 1):
 *  numpy's choice over model_end_state_p. */
unsigned gen_end_state(double u);
/** A random (version 4) UUID as 36 characters plus NUL. */
void gen_uuid4(struct xrng *r, char out[37]);

#endif
