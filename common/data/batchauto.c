/* batchauto.c - the batch-size search of --batch-size auto (batchauto.h):
 * a compass search over log2(size), then watching for drift.
 */
#include "batchauto.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "proto.h"
#include "xalloc.h"

static const char *const event_names[BSA_EV_N]
    = { "trial", "settle", "drift", "research" };

const char *
bsa_event_name(unsigned ev)
{
	return ev < BSA_EV_N ? event_names[ev] : "?";
}

static uint32_t
clamp_size(const struct bsa *a, double v)
{
	if (!(v >= a->lo))
		return a->lo;
	if (v >= a->hi)
		return a->hi;
	return (uint32_t)llround(v);
}

static void
push(
    struct bsa *a, int64_t t_ms, uint32_t size, enum bsa_event ev, double rate)
{
	if (a->n_hist >= BSA_HIST_MAX) {
		a->dropped++;
		return;
	}
	if (!a->hist)
		a->hist = xcalloc(BSA_HIST_MAX, sizeof(*a->hist));
	a->hist[a->n_hist++] = (struct bsa_entry) {
		.t_ms = t_ms, .size = size, .event = (uint8_t)ev, .rate = rate
	};
}

/* The size one step to side dir of the best, 0 when there is none (the
 * bound). At small sizes a step rounds to the best: one record then. */
static uint32_t
neighbour(const struct bsa *a, int dir)
{
	uint32_t c = clamp_size(a, a->best * exp2(dir * a->step));

	if (c != a->best)
		return c;
	if (dir > 0)
		return a->best < a->hi ? a->best + 1 : 0;
	return a->best > a->lo ? a->best - 1 : 0;
}

/* Picks the next size to measure: an untried neighbour of the best, else
 * the same at half the step, else settles at the best. */
static void
next_size(struct bsa *a)
{
	for (;;) {
		int      dir = 0;
		uint32_t c   = 0;

		if (!a->tried_up) {
			a->tried_up = true;
			dir         = 1;
		} else if (!a->tried_down) {
			a->tried_down = true;
			dir           = -1;
		}
		if (dir) {
			c = neighbour(a, dir);
			if (!c)
				continue;
			a->size = c;
			a->dir  = dir;
			return;
		}
		if (a->step <= BSA_STEP_MIN + 1e-9) {
			a->settled  = true;
			a->size     = a->best;
			a->dir      = 0;
			a->ref_rate = -1;
			a->drifts   = 0;
			return;
		}
		a->step /= 2;
		a->tried_up = a->tried_down = false;
	}
}

/* A search from size, measuring it first. */
static void
search_from(struct bsa *a, uint32_t size)
{
	a->settled   = false;
	a->size      = size;
	a->best      = size;
	a->best_rate = -1;
	a->step      = 1;
	a->tried_up = a->tried_down = false;
	a->dir                      = 0;
}

void
bsa_init(struct bsa *a, uint32_t lo, uint32_t hi)
{
	memset(a, 0, sizeof(*a));
	a->lo = lo ? lo : 1;
	a->hi = hi > a->lo ? hi : a->lo;
	search_from(a, clamp_size(a, BSA_START));
}

void
bsa_free(struct bsa *a)
{
	free(a->hist);
	a->hist   = NULL;
	a->n_hist = 0;
}

static void
trial_reset(struct bsa *a)
{
	a->t_records = 0;
	a->t_ns      = 0;
	a->t_batches = 0;
}

void
bsa_limit(struct bsa *a, uint32_t hi)
{
	if (hi < a->lo)
		hi = a->lo;
	if (hi >= a->hi)
		return;
	a->hi = hi;
	/* What was measured above the bound cannot be had: start again
	 * at the bound. */
	if (a->size > hi || a->best > hi) {
		search_from(a, hi);
		trial_reset(a);
	}
}

/* A search trial of a->size ended at rate r. */
static void
searched(struct bsa *a, int64_t t_ms, double r)
{
	push(a, t_ms, a->size, BSA_EV_TRIAL, r);
	if (a->best_rate < 0) {
		a->best      = a->size;
		a->best_rate = r;
	} else if (r > a->best_rate * (1 + BSA_BETTER)) {
		/* Keep going this way; the other side is the old best. */
		a->best       = a->size;
		a->best_rate  = r;
		a->tried_up   = a->dir < 0;
		a->tried_down = a->dir > 0;
	}
	next_size(a);
}

/* A watch window at the settled size ended at rate r. */
static void
watched(struct bsa *a, int64_t t_ms, double r)
{
	if (a->ref_rate < 0) {
		a->ref_rate = r;
		push(a, t_ms, a->size, BSA_EV_SETTLE, r);
		return;
	}
	if (fabs(r / a->ref_rate - 1) <= BSA_DRIFT) {
		a->drifts = 0;
		return;
	}
	push(a, t_ms, a->size, BSA_EV_DRIFT, r);
	if (++a->drifts < 2)
		return;
	push(a, t_ms, a->size, BSA_EV_RESEARCH, r);
	search_from(a, a->size);
	a->best_rate = r; /* just measured: go straight to its neighbours */
	next_size(a);
}

bool
bsa_report(struct bsa *a, uint64_t records, uint64_t ns, int64_t t_ms)
{
	uint32_t before = a->size;
	unsigned mult   = a->settled ? BSA_WATCH_TRIALS : 1;

	if (!records)
		return false;
	if (!a->warm) {
		a->warm = true;
		return false;
	}
	a->t_records += records;
	a->t_ns += ns ? ns : 1;
	a->t_batches++;
	if (a->t_batches < BSA_TRIAL_BATCHES * mult
	    || (a->t_ns < (uint64_t)BSA_TRIAL_NS * mult
	        && a->t_batches < BSA_TRIAL_MAX * mult))
		return false;
	double r = (double)a->t_records * 1e9 / (double)a->t_ns;

	trial_reset(a);
	if (a->settled)
		watched(a, t_ms, r);
	else
		searched(a, t_ms, r);
	return a->size != before;
}

void
bsa_put(struct buf *b, uint32_t thread, const struct bsa *a)
{
	proto_put_u32(b, thread);
	proto_put_u32(b, a->size);
	proto_put_u64(b, a->dropped);
	proto_put_u32(b, a->n_hist);
	for (unsigned i = 0; i < a->n_hist; i++) {
		const struct bsa_entry *e = &a->hist[i];

		proto_put_u64(b, (uint64_t)e->t_ms);
		proto_put_u32(b, e->size);
		proto_put_u32(b, e->event);
		proto_put_f64(b, e->rate);
	}
}

int
bsa_json(struct json_w *w, const void *p, size_t len)
{
	struct proto_rd rd = { .p = p, .len = len };
	uint32_t        n  = proto_get_u32(&rd);
	int             rc = json_arr_begin(w);

	for (uint32_t i = 0; i < n && !rd.bad && !rc; i++) {
		uint32_t thread = proto_get_u32(&rd);
		uint32_t size   = proto_get_u32(&rd);
		uint64_t drop   = proto_get_u64(&rd);
		uint32_t k      = proto_get_u32(&rd);

		if (k > BSA_HIST_MAX)
			return -EPROTO;
		rc |= json_obj_begin(w);
		rc |= json_key(w, "thread") | json_uint(w, thread + 1);
		rc |= json_key(w, "size") | json_uint(w, size);
		rc |= json_key(w, "dropped") | json_uint(w, drop);
		rc |= json_key(w, "history") | json_arr_begin(w);
		for (uint32_t j = 0; j < k && !rd.bad; j++) {
			int64_t  t  = (int64_t)proto_get_u64(&rd);
			uint32_t s  = proto_get_u32(&rd);
			uint32_t ev = proto_get_u32(&rd);
			double   r  = proto_get_f64(&rd);

			rc |= json_obj_begin(w);
			rc |= json_key(w, "t_s") | json_double(w, t / 1e3);
			rc |= json_key(w, "size") | json_uint(w, s);
			rc |= json_key(w, "records_per_s") | json_double(w, r);
			rc |= json_key(w, "event")
			    | json_str(w, bsa_event_name(ev));
			rc |= json_obj_end(w);
		}
		rc |= json_arr_end(w);
		rc |= json_obj_end(w);
	}
	if (rd.bad)
		return -EPROTO;
	return rc | json_arr_end(w);
}
