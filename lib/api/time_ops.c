/* Time from the host: firing due timers and clock-driven draining, and
 * saying when the next timer is due. */
#include "routing/routing.h"
#include "time/instant.h"
#include "util/error.h"

typedef struct step_args {
	rrd_time now; /* what the host says the time is */
	int done;     /* nothing was due */
} step_args;

/* One step of advance: the earliest timer or drain wakeup at or before
 * `now`, or, when there is none, done (and nothing written). */
static rrd_status step_body(rrd_distributor *d, void *ctx, rrd_time unused)
{
	step_args *a = ctx;
	rrd_time now = a->now;
	(void)unused;
	rrd_store *st = d->store;
	rrd_time t_timer = 0, t_wake = 0;
	int has_timer = 0, has_wake = 0;
	int trc = st->m.timer_next(st->self, &t_timer);
	if (trc && trc != RRD_E_NOTFOUND)
		return rrd__store_status(trc, "reading the next timer");
	has_timer = !trc && t_timer <= now;
	rrd_time from = d->advanced_to;
	if (from != INT64_MIN) {
		rrd_status rc = rrd__drain_wakeup(d, from, &t_wake);
		if (rc && rc != RRD_E_NOTFOUND)
			return rc;
		has_wake = t_wake > from && t_wake <= now;
	}
	/* Timers first when both fall at the same instant. */
	if (has_timer && (!has_wake || t_timer <= t_wake)) {
		char key[2 * RRD_ID_MAX + 2];
		rrd_time due;
		int prc = st->m.timer_pop(st->self, now, key, sizeof key, &due);
		if (prc == RRD_E_NOTFOUND) {
			/* Another process took the due timers there were
			 * (it is firing them now): only a wakeup is left. */
			has_timer = 0;
		} else {
			rrd_status rc = rrd__store_status(prc, "taking a due timer");
			if (rc)
				return rc;
			/* What a timer causes happens at its due time. */
			d->now = due;
			d->now_valid = 1;
			if ((rc = rrd__route_timer(d, key, due)))
				return rc;
			return rrd__drain(d, d->now);
		}
	}
	if (!has_wake) {
		a->done = 1;
		rrd__txn_wrote_nothing(d);
		return RRD_OK;
	}
	d->now = t_wake;
	d->now_valid = 1;
	return rrd__drain(d, d->now);
}

/* After a step: time has been processed up to where it went. */
static void step_apply(rrd_distributor *d, void *ctx)
{
	step_args *a = ctx;
	rrd_time to = a->done ? a->now : d->now;
	if (to > d->advanced_to)
		d->advanced_to = to;
}

/* Each step is its own transaction: what fired stays fired if a later
 * step fails, and other threads get a turn in between. */
static rrd_status advance(rrd_distributor *d, rrd_time now)
{
	rrd__lock(d);
	if (d->advanced_to == INT64_MIN)
		d->advanced_to = now; /* nothing before the first call */
	rrd__unlock(d);
	static const rrd_txn step = { .kind = RRD_TXN_WRITE, .body = step_body,
				      .apply = step_apply, .own_clock = 1 };
	for (;;) {
		step_args a = { now, 0 };
		rrd_status rc = rrd__run(d, &step, &a);
		if (rc || a.done)
			return rc;
	}
}

RRD_API rrd_status rrd_distributor_advance(rrd_distributor *d, rrd_time now)
{
	if (!d)
		return rrd__fail(RRD_E_INVALID, "distributor must not be NULL");
	rrd_status rc = rrd__time_check(now, "advance: now");
	if (rc)
		return rc;
	/* A step gets past calendars that cannot answer and timers that
	 * outlived their records: rrd__run keeps the last error. */
	return advance(d, now);
}

static rrd_status next_deadline_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	rrd_time *out = ctx;
	rrd_store *st = d->store;
	rrd_time timer = 0, wake = 0;
	int trc = st->m.timer_next(st->self, &timer);
	rrd_status rc = trc == RRD_E_NOTFOUND ? RRD_OK
					      : rrd__store_status(trc, "reading the next timer");
	/* A calendar opening or a new local day that lets an auto-drain pool
	 * take a record back is work for advance() too. */
	rrd_time from = d->advanced_to != INT64_MIN ? d->advanced_to : now;
	rrd_status wrc = rc ? rc : rrd__drain_wakeup(d, from, &wake);
	if (wrc && wrc != RRD_E_NOTFOUND)
		return wrc;
	/* A new day after the last instant never comes. */
	if (!wrc && wake > RRD_TIME_MAX)
		wrc = RRD_E_NOTFOUND;
	if (rc)
		return rc;
	if (trc == RRD_E_NOTFOUND && wrc == RRD_E_NOTFOUND)
		return rrd__fail(RRD_E_NOTFOUND, "nothing is due");
	if (trc == RRD_E_NOTFOUND)
		*out = wake;
	else
		*out = wrc == RRD_E_NOTFOUND || timer <= wake ? timer : wake;
	return RRD_OK;
}

RRD_API rrd_status rrd_distributor_next_deadline(rrd_distributor *d, rrd_time *out)
{
	if (!d || !out)
		return rrd__fail(RRD_E_INVALID, "distributor and out must not be NULL");
	return rrd__read(d, next_deadline_body, out);
}
