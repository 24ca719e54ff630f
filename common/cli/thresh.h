/* thresh.h - "<figure> <op> <value>" expressions: --threshold of a run
 * (write_p99<50ms, rate>=0.95*target, errors==0) and compare's --fail-if
 * (write_p99 > +10%).
 */
#ifndef TSL_THRESH_H
#define TSL_THRESH_H

#include <stdbool.h>
#include <stddef.h>

enum thresh_op { TH_LT, TH_LE, TH_GT, TH_GE, TH_EQ, TH_NE };

/* What the number was written with. */
enum thresh_unit {
	TH_PLAIN,  /* a bare number */
	TH_SECS,   /* ms, s or us: value in seconds */
	TH_PCT,    /* N%: value is N */
	TH_TARGET, /* N*target: value is N */
};

struct thresh {
	char             figure[32];
	enum thresh_op   op;
	double           value;
	enum thresh_unit unit;
	char             text[96]; /* as written, spaces removed */
};

/** Parses s into t. 0, or -EINVAL with what is wrong in err (the caller
 *  names the option). The figure is only checked for its spelling. */
int thresh_parse(const char *s, struct thresh *t, char *err, size_t errlen);
/** Whether `x op value` holds. */
bool thresh_holds(enum thresh_op op, double x, double value);
/** "<", "<=", ... */
const char *thresh_op_name(enum thresh_op op);

#endif
