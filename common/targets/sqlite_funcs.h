/* sqlite_funcs.h - SQL functions the SQLite query templates need.
 *
 * SQLite has no Timestream-style time bucketing or percentiles, so the
 * templates in configs/queries/sqlite/ call these, registered per
 * connection (times are epoch milliseconds):
 *
 *   bin(t_ms, width_ms)        t floored to a multiple of width (> 0)
 *   hour(t_ms)                 hour of the day, 0..23, UTC
 *   approx_percentile(x, p)    aggregate: exact percentile of the non-NULL
 *                              x, p in [0, 1], linear interpolation between
 *                              neighbours (rank p * (n - 1), as numpy)
 *   stddev(x), stddev_samp(x)  aggregate: sample standard deviation (NULL
 *                              below two values), as Timestream's STDDEV
 *   stddev_pop(x)              aggregate: population standard deviation
 */
#ifndef TSL_SQLITE_FUNCS_H
#define TSL_SQLITE_FUNCS_H

#include <sqlite3.h>

/** Registers the functions above on db; 0, or -ENOMEM / -EIO. */
int sqlfn_register(sqlite3 *db);

#endif
