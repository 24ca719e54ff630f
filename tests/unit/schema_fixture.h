/* schema_fixture.h - perf-scale's schema, built before main() runs, for
 * the dimension groups of the encoder and target tests (their .sk). */
#ifndef TSL_SCHEMA_FIXTURE_H
#define TSL_SCHEMA_FIXTURE_H

#include <stdlib.h>

#include "model.h"

static struct schema fx_schema;

#define FX_METRICS (&fx_schema.kind[SERIES_METRICS])
#define FX_EVENTS (&fx_schema.kind[SERIES_EVENTS])

__attribute__((constructor)) static void
fx_schema_build(void)
{
	if (model_schema(&fx_schema, REQID_NONE))
		abort();
}

#endif
