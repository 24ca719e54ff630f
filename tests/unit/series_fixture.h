/* series_fixture.h - one host's metric and event dimension sets, and
 * samples of them with known values, shared by the target tests. */
#ifndef TSL_SERIES_FIXTURE_H
#define TSL_SERIES_FIXTURE_H

#include <string.h>

#include "schema_fixture.h"
#include "target.h"

#define INST "i-zaZswmJk-apollo-us-east-1-cell-1-silo-1-00000000.amazonaws.com"
#define REQ "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab"

#define S(x)                                                                  \
	{                                                                     \
		x, sizeof(x) - 1                                              \
	}

static const struct dimgroup metric_group = {
	.sk      = FX_METRICS,
	.dim     = { S("us-east-1"), S("us-east-1-cell-1"),
	        S("us-east-1-cell-1-silo-1"), S("us-east-1-1"), S("apollo"),
	        S("r5.4xlarge"), S("AL2"), { NULL, 0 } },
	.kind    = SERIES_METRICS,
	.name_at = 7,
};

static const struct dimgroup event_group = {
	.sk      = FX_EVENTS,
	.dim     = { S("us-east-1"), S("us-east-1-cell-1"),
	        S("us-east-1-cell-1-silo-1"), S("us-east-1-1"), S("apollo"),
	        { NULL, 0 }, S("server"), S("JDK_11") },
	.id      = 1,
	.kind    = SERIES_EVENTS,
	.name_at = 5,
};

static const struct series metric_series = {
	.g        = &metric_group,
	.name     = INST,
	.name_len = sizeof(INST) - 1,
	.kind     = SERIES_METRICS,
};

static const struct series event_series = {
	.g        = &event_group,
	.name     = INST,
	.name_len = sizeof(INST) - 1,
	.kind     = SERIES_EVENTS,
};

/* A metrics sample: cpu_user 47.38912883215873, then i + 0.25. */
static inline void
metric_sample(struct sample *s, unsigned first, unsigned count)
{
	memset(s, 0, sizeof(*s));
	s->series  = &metric_series;
	s->time_ms = 1700000000000;
	s->first   = (uint8_t)first;
	s->count   = (uint8_t)count;
	s->v[0]    = 47.38912883215873;
	for (unsigned i = 1; i < MODEL_N_METRICS; i++)
		s->v[i] = i + 0.25;
	strcpy(s->req_id, REQ);
}

/* An events sample at time_ms: 123, SUCCESS_WITH_RESULT, 55.5, 0.125,
 * 3.2e-05. */
static inline void
event_sample_at(
    struct sample *s, unsigned first, unsigned count, int64_t time_ms)
{
	memset(s, 0, sizeof(*s));
	s->series  = &event_series;
	s->time_ms = time_ms;
	s->first   = (uint8_t)first;
	s->count   = (uint8_t)count;
	s->v[0]    = 123;
	s->v[1]    = 1;
	s->v[2]    = 55.5;
	s->v[3]    = 0.125;
	s->v[4]    = 3.2e-05;
	strcpy(s->req_id, REQ);
}

#endif
