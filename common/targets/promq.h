/* promq.h - PromQL queries over HTTP for the vm and promrw targets.
 *
 * A template may say, in a comment line,
 *
 *   # tsload: end={end} range=1h step=1m
 *
 * to run as /api/v1/query_range over [end - range, end] (else an instant
 * /api/v1/query at end); end is "now" or epoch seconds. A line holding
 * only ";" separates queries run one after the other (the parameter
 * query). Rows: one per sample of an instant vector, one per point of a
 * range matrix; the row callback sees value, time, then the labels.
 * Internal to the two targets.
 */
#ifndef TSL_PROMQ_H
#define TSL_PROMQ_H

#include "buf.h"
#include "http.h"
#include "target.h"

/** Runs each query of text on h, adding its rows to res; extra_label
 *  ("db=NAME", VictoriaMetrics' extra_label=) or NULL; form is scratch
 *  for the request body. @return the outcome, the reason in err unless
 *  TGT_OK. */
enum tgt_status promq_query(struct http *h, struct buf *form,
    const char *extra_label, const char *text, struct tgt_qres *res, char *err,
    size_t errlen);

#endif
