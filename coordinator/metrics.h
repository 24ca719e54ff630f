/* metrics.h - --metrics-port: the coordinator's figures in Prometheus
 * text format at http://ADDR:PORT/metrics (common/net/httpsrv.h), for
 * Prometheus, Grafana and Kubernetes pods.
 *
 * The text is rebuilt at every tick of the run (once a second) from the
 * workers' cumulative totals and once more after the drain, so that the
 * last figures served are those of run.json and the closing lines. Every
 * per-request series has the labels role, worker (1-based within its
 * role) and target (the URL, passwords as ***): the series of a family
 * are disjoint, so sum() over any label gives the run's totals.
 */
#ifndef TSL_METRICS_H
#define TSL_METRICS_H

struct engine;
struct buf;

/** Starts serving when --metrics-port is set; says where on the info
 *  stream. 0, or -1 after one line naming the address and the reason. */
int metrics_start(struct engine *e);
/** Rebuilds the text from the engine's totals (nothing when off). */
void metrics_update(struct engine *e);
/** Stops serving (engine_free waits --metrics-linger first). */
void metrics_stop(struct engine *e);
/** The exposition text of the engine's figures into b (for tests, and
 *  metrics_update). 0 or -ENOSPC. */
int metrics_render(const struct engine *e, double elapsed, struct buf *b);

#endif
