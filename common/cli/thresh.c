/* thresh.c - the parser of "<figure> <op> <value>" expressions. */
#include "thresh.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[] = { "<", "<=", ">", ">=", "==", "!=" };

const char *
thresh_op_name(enum thresh_op op)
{
	return op_names[op];
}

bool
thresh_holds(enum thresh_op op, double x, double value)
{
	switch (op) {
	case TH_LT:
		return x < value;
	case TH_LE:
		return x <= value;
	case TH_GT:
		return x > value;
	case TH_GE:
		return x >= value;
	case TH_EQ:
		return x == value;
	case TH_NE:
		return x != value;
	}
	return false;
}

/* The operator at s: its length (0: none) and *op. */
static size_t
read_op(const char *s, enum thresh_op *op)
{
	static const struct {
		const char    *s;
		enum thresh_op op;
	} ops[] = { { "<=", TH_LE }, { ">=", TH_GE }, { "==", TH_EQ },
		{ "!=", TH_NE }, { "<", TH_LT }, { ">", TH_GT } };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(s, ops[i].s, strlen(ops[i].s))) {
			*op = ops[i].op;
			return strlen(ops[i].s);
		}
	return 0;
}

/* The unit after the number (spaces already removed): sets t->unit and
 * scales t->value. 0 or -EINVAL. */
static int
read_unit(const char *u, struct thresh *t)
{
	if (!*u)
		t->unit = TH_PLAIN;
	else if (!strcmp(u, "%"))
		t->unit = TH_PCT;
	else if (!strcmp(u, "*target"))
		t->unit = TH_TARGET;
	else if (!strcmp(u, "ms"))
		t->unit = TH_SECS, t->value /= 1e3;
	else if (!strcmp(u, "us"))
		t->unit = TH_SECS, t->value /= 1e6;
	else if (!strcmp(u, "s"))
		t->unit = TH_SECS;
	else
		return -EINVAL;
	return 0;
}

int
thresh_parse(const char *s, struct thresh *t, char *err, size_t errlen)
{
	char   txt[sizeof(t->text)], *p, *end;
	size_t n = 0, k;

	memset(t, 0, sizeof(*t));
	for (; *s; s++) /* spaces mean nothing: "p99 < 5 ms" = "p99<5ms" */
		if (!isspace((unsigned char)*s)) {
			if (n + 1 >= sizeof(txt)) {
				snprintf(err, errlen,
				    "too long (at most %zu characters)",
				    sizeof(txt) - 1);
				return -EINVAL;
			}
			txt[n++] = *s;
		}
	txt[n] = '\0';
	memcpy(t->text, txt, n + 1);
	for (p = txt; islower((unsigned char)*p) || isdigit((unsigned char)*p)
	     || *p == '_';
	     p++)
		;
	k = (size_t)(p - txt);
	if (!k || k >= sizeof(t->figure) || !islower((unsigned char)txt[0])) {
		snprintf(err, errlen,
		    "\"%s\": expected FIGURE OP VALUE, e.g. write_p99<50ms, rate>=0.95*target, errors==0",
		    t->text);
		return -EINVAL;
	}
	memcpy(t->figure, txt, k);
	t->figure[k] = '\0';
	k            = read_op(p, &t->op);
	if (!k) {
		snprintf(err, errlen,
		    "\"%s\": expected an operator (<, <=, >, >=, ==, !=) after %s",
		    t->text, t->figure);
		return -EINVAL;
	}
	p += k;
	if (!strcmp(p, "target")) { /* "target" alone: 1*target */
		t->value = 1;
		t->unit  = TH_TARGET;
		return 0;
	}
	errno    = 0;
	t->value = strtod(p, &end);
	if (end == p || errno || !isfinite(t->value)
	    || isalpha((unsigned char)*p)) {
		snprintf(err, errlen,
		    "\"%s\": expected a number after %s (N, Nms, Ns, Nus, N%%, N*target)",
		    t->text, thresh_op_name(t->op));
		return -EINVAL;
	}
	if (read_unit(end, t)) {
		snprintf(err, errlen,
		    "\"%s\": unknown unit \"%s\" (accepted: ms, s, us, %%, *target)",
		    t->text, end);
		return -EINVAL;
	}
	return 0;
}
