/* gen.h - values of one generated sample (seed §2.4 and §2.5).
 *
 * Cheap by design: no allocation; the draws come from the sample's crng.
 * Metric order is the send order of model_metric_names. Events: v[0]
 * task_completed (an integer 0..500 held in a double), v[1] the task_end_state
 * index into model_end_states, v[2..4] gc_reclaimed, gc_pause, memory_free.
 */
#ifndef TSL_GEN_H
#define TSL_GEN_H

#include "model.h"
#include "rng.h"

void gen_metrics(
    struct crng *r, enum cpu_class cpu, double v[MODEL_N_METRICS]);
void gen_events(struct crng *r, double v[MODEL_N_EVENTS]);
/** The model-wide number of a series of a built model m (any shard):
 *  global host << 3, plus 1 + the process index for an event set. With
 *  the run seed and a timestamp it keys the sample's values (crng_key). */
uint64_t gen_series_key(const struct model *m, const struct series *se);
/** task_end_state's index (model_end_states) for u uniform in [0, 1):
 *  numpy's choice over model_end_state_p. */
unsigned gen_end_state(double u);
/** A random (version 4) UUID as 36 characters plus NUL. */
void gen_uuid4(struct xrng *r, char out[37]);

#endif
