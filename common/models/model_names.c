/* model_names.c - the names of the perf-scale model (seed 2.2, 2.4, 2.5)
 * and the schema built from them (model_schema()), which is all that
 * encoders and targets see of them. Orders are the seed's sending orders.
 */
#include "model.h"

#include <errno.h>

const char *const model_metric_names[MODEL_N_METRICS] = {
	"cpu_user",
	"cpu_system",
	"cpu_steal",
	"cpu_iowait",
	"cpu_nice",
	"cpu_hi",
	"cpu_si",
	"cpu_idle",
	"memory_free",
	"memory_used",
	"memory_cached",
	"disk_io_reads",
	"disk_io_writes",
	"latency_per_read",
	"latency_per_write",
	"network_bytes_in",
	"network_bytes_out",
	"disk_used",
	"disk_free",
	"file_descriptors_in_use",
};

const char *const model_event_names[MODEL_N_EVENTS] = {
	"task_completed",
	"task_end_state",
	"gc_reclaimed",
	"gc_pause",
	"memory_free",
};

const enum measure_type model_event_types[MODEL_N_EVENTS] = {
	MT_BIGINT,
	MT_VARCHAR,
	MT_DOUBLE,
	MT_DOUBLE,
	MT_DOUBLE,
};

const char *const model_metric_dim_names[MODEL_N_DIMS] = {
	MODEL_DIM_REGION,
	MODEL_DIM_CELL,
	MODEL_DIM_SILO,
	MODEL_DIM_AZ,
	MODEL_DIM_MICROSERVICE,
	MODEL_DIM_INSTANCE_TYPE,
	MODEL_DIM_OS_VERSION,
	MODEL_DIM_INSTANCE_NAME,
};

const char *const model_event_dim_names[MODEL_N_DIMS] = {
	MODEL_DIM_REGION,
	MODEL_DIM_CELL,
	MODEL_DIM_SILO,
	MODEL_DIM_AZ,
	MODEL_DIM_MICROSERVICE,
	MODEL_DIM_INSTANCE_NAME,
	MODEL_DIM_PROCESS_NAME,
	MODEL_DIM_JDK_VERSION,
};

/* task_end_state values and their probabilities (numpy.random.choice). */
const char *const model_end_states[6] = {
	"SUCCESS_WITH_NO_RESULT",
	"SUCCESS_WITH_RESULT",
	"INTERNAL_ERROR",
	"USER_ERROR",
	"UNKNOWN",
	"THROTTLED",
};

const double model_end_state_p[6] = { 0.2, 0.7, 0.01, 0.07, 0.01, 0.01 };

int
model_schema_events(struct schema *s)
{
	int      k, e = 0;
	unsigned i;

	k = schema_add_kind(
	    s, "events", model_event_dim_names, MODEL_N_DIMS, 5);
	for (i = 0; k >= 0 && !e && i < MODEL_N_EVENTS; i++)
		e = schema_add_measure(s, (unsigned)k, model_event_names[i],
		    model_event_types[i],
		    model_event_types[i] == MT_VARCHAR ? model_end_states
		                                       : NULL,
		    model_event_types[i] == MT_VARCHAR ? 6 : 0);
	if (k < 0 || e)
		return -EINVAL;
	return 0;
}

int
model_schema(struct schema *s, enum req_id_mode req_id)
{
	int      k, e = 0;
	unsigned i;

	schema_init(s, "perf-scale");
	k = schema_add_kind(
	    s, "metrics", model_metric_dim_names, MODEL_N_DIMS, 7);
	for (i = 0; k >= 0 && !e && i < MODEL_N_METRICS; i++)
		e = schema_add_measure(
		    s, (unsigned)k, model_metric_names[i], MT_DOUBLE, NULL, 0);
	if (k < 0 || e)
		return -EINVAL;
	if (model_schema_events(s))
		return -EINVAL;
	return schema_finish(s, req_id);
}
