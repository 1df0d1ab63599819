#include "time/calendar_impl.h"

#include "time/civil.h"
#include "time/instant.h"
#include "util/error.h"

/* How far searches look: ten years of local days, leap days included. */
#define HORIZON_DAYS 3653

#define MINUTES_PER_DAY (24 * 60)

/*
 * Instants queries accept. Two days of margin on each side keep the local
 * date of any accepted instant, whatever the zone's offset, and the day
 * after it inside the dates ICU is asked about.
 */
#define TIME_FIRST ((RRD__DAY_FIRST + 2) * RRD_DAY)
#define TIME_END ((RRD__DAY_LAST - 2) * RRD_DAY)

/* Bits of a span memo's value. */
#define SPAN_OPEN 1  /* open over [from, to), else closed */
#define SPAN_EXACT 2 /* the state changes at `to`; else `to` only bounds it */
#define SPAN_AHEAD 4 /* closed, and aux is the end of the open span that
		      * starts at `to`: windows opened while closed, the
		      * usual offer outside hours, need no ICU either */

static rrd_calendar *mut(const rrd_calendar *cal)
{
	/* Calendars are only ever created by rrd_calendar_new/dup on the
	 * heap, never as const objects, so writing the query state is
	 * defined. */
	return (rrd_calendar *)cal;
}

/* ---- memos ------------------------------------------------------------ */

static void memo_init(rrd_memo *m)
{
	atomic_init(&m->seq, 0u);
	atomic_init(&m->from, 0);
	atomic_init(&m->to, 0); /* an empty range: nothing remembered */
	atomic_init(&m->value, 0);
	atomic_init(&m->aux, 0);
}

/* Only with the calendar's lock held, so there is one writer at a time. */
static void memo_put(rrd_memo *m, int64_t from, int64_t to, int64_t value,
		     int64_t aux)
{
	unsigned seq = atomic_load_explicit(&m->seq, memory_order_relaxed);
	atomic_store_explicit(&m->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&m->from, from, memory_order_relaxed);
	atomic_store_explicit(&m->to, to, memory_order_relaxed);
	atomic_store_explicit(&m->value, value, memory_order_relaxed);
	atomic_store_explicit(&m->aux, aux, memory_order_relaxed);
	atomic_store_explicit(&m->seq, seq + 2, memory_order_release);
}

/* What a memo remembered. */
typedef struct recall {
	int64_t to, value, aux;
} recall;

/* 1 and what was remembered when `t` is in the remembered range. A read
 * that overlaps a write counts as a miss: the slow path is correct, just
 * slower, so readers never spin. */
static int memo_get(rrd_memo *m, rrd_time t, recall *out)
{
	unsigned seq = atomic_load_explicit(&m->seq, memory_order_acquire);
	if (seq & 1u)
		return 0;
	int64_t f = atomic_load_explicit(&m->from, memory_order_relaxed);
	int64_t e = atomic_load_explicit(&m->to, memory_order_relaxed);
	int64_t v = atomic_load_explicit(&m->value, memory_order_relaxed);
	int64_t a = atomic_load_explicit(&m->aux, memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&m->seq, memory_order_relaxed) != seq)
		return 0;
	if (t < f || t >= e)
		return 0;
	out->to = e;
	out->value = v;
	out->aux = a;
	return 1;
}

rrd_status rrd__calendar_init_query(rrd_calendar *cal, rrd_zone zone)
{
	if (pthread_mutex_init(&cal->lock, NULL) != 0) {
		rrd__zone_close(&zone);
		return rrd__nomem();
	}
	cal->zone = zone;
	memo_init(&cal->span);
	memo_init(&cal->day);
	return RRD_OK;
}

void rrd__calendar_fini_query(rrd_calendar *cal)
{
	rrd__zone_close(&cal->zone);
	pthread_mutex_destroy(&cal->lock);
}

void rrd__calendar_hours_changed(rrd_calendar *cal)
{
	pthread_mutex_lock(&cal->lock);
	memo_put(&cal->span, 0, 0, 0, 0);
	pthread_mutex_unlock(&cal->lock);
}

/* ---- walking the open intervals in time order ------------------------- */

static int is_holiday(const rrd_calendar *cal, int64_t day)
{
	size_t lo = 0, hi = cal->nholidays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->holidays[mid] < day)
			lo = mid + 1;
		else if (cal->holidays[mid] > day)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

static int has_hours(const rrd_calendar *cal)
{
	for (int d = 0; d < RRD__WEEKDAYS; d++)
		if (cal->nhours[d])
			return 1;
	return 0;
}

/*
 * Yields the open intervals, converted to UTC, from the start of a local
 * day onward, and merges those that touch: [09:00,12:00) + [12:00,17:00),
 * or 24:00 followed by the next day's 00:00, are one span, so closes and
 * open-time windows never stop at a seam. Callers hold the calendar lock.
 */
typedef struct walker {
	rrd_calendar *cal;
	int64_t day;      /* the day whose intervals come next */
	int64_t last_day; /* the horizon: later days are not looked at */
	const rrd_hours *hours;
	size_t count, next;
	int entered;      /* hours/count/next describe `day` */

	int ahead;        /* a raw interval was read ahead while merging */
	rrd_time ahead_start, ahead_end;
	int64_t ahead_day;

	/* The last conversion: a day ending at 24:00 is followed by one
	 * starting at 00:00 of the next, which is the same instant. */
	int64_t memo_day;
	int memo_minute;
	rrd_time memo_time;
	int memo_ok;
} walker;

static void walker_start(walker *w, rrd_calendar *cal, int64_t day)
{
	*w = (walker){ 0 };
	w->cal = cal;
	w->day = day;
	w->last_day = day + HORIZON_DAYS;
	if (w->last_day > RRD__DAY_LAST - 1)
		w->last_day = RRD__DAY_LAST - 1;
}

static rrd_status local_to_utc(walker *w, int64_t day, int minute, rrd_time *out)
{
	if (minute == MINUTES_PER_DAY) {
		day++;
		minute = 0;
	}
	if (w->memo_ok && w->memo_day == day && w->memo_minute == minute) {
		*out = w->memo_time;
		return RRD_OK;
	}
	rrd_status rc = rrd__zone_to_utc(&w->cal->zone, day, minute, out);
	if (rc != RRD_OK)
		return rc;
	w->memo_ok = 1;
	w->memo_day = day;
	w->memo_minute = minute;
	w->memo_time = *out;
	return RRD_OK;
}

/* The next non-empty interval, unmerged; *found is 0 past the horizon. */
static rrd_status raw_next(walker *w, rrd_time *start, rrd_time *end,
			   int64_t *day, int *found)
{
	if (w->ahead) {
		w->ahead = 0;
		*start = w->ahead_start;
		*end = w->ahead_end;
		*day = w->ahead_day;
		*found = 1;
		return RRD_OK;
	}
	*found = 0;
	while (w->day <= w->last_day) {
		if (!w->entered) {
			int wd = rrd__weekday(w->day);
			w->hours = w->cal->hours[wd];
			w->count = w->cal->nhours[wd];
			if (w->count && is_holiday(w->cal, w->day))
				w->count = 0;
			w->next = 0;
			w->entered = 1;
		}
		if (w->next >= w->count) {
			w->day++;
			w->entered = 0;
			continue;
		}
		const rrd_hours *iv = &w->hours[w->next++];
		rrd_status rc = local_to_utc(w, w->day, iv->start, start);
		if (rc == RRD_OK)
			rc = local_to_utc(w, w->day, iv->end, end);
		if (rc != RRD_OK)
			return rc;
		/* An interval inside a spring-forward gap has no instants. */
		if (*start < *end) {
			*day = w->day;
			*found = 1;
			return RRD_OK;
		}
	}
	return RRD_OK;
}

/*
 * The next open span [start, end), merged. *exact is 1 when the calendar
 * really closes at `end`, 0 when the span reaches the horizon and may go
 * on beyond it.
 */
static rrd_status span_next(walker *w, rrd_time *start, rrd_time *end,
			    int *found, int *exact)
{
	int64_t day;
	rrd_status rc = raw_next(w, start, end, &day, found);
	if (rc != RRD_OK || !*found)
		return rc;
	for (;;) {
		rrd_time s, e;
		int64_t d;
		int more;
		rc = raw_next(w, &s, &e, &d, &more);
		if (rc != RRD_OK)
			return rc;
		if (!more) {
			/* Whatever lies past the horizon starts at the
			 * horizon's end or later, strictly after a span that
			 * ended on an earlier day. */
			*exact = day < w->last_day;
			return RRD_OK;
		}
		if (s > *end) {
			w->ahead = 1;
			w->ahead_start = s;
			w->ahead_end = e;
			w->ahead_day = d;
			*exact = 1;
			return RRD_OK;
		}
		*end = e;
		day = d;
	}
}

/* Where an instant falls. */
typedef struct where {
	int open;     /* open at t */
	int found;    /* start/end hold the span containing t (open) or the
		       * next one (closed); 0: closed up to the horizon */
	int exact;    /* the calendar closes at `end` */
	rrd_time start, end;
	rrd_time since; /* the state at t has held at least since then */
	rrd_time until; /* when !found: closed at least until then */
} where;

/*
 * Locate `t` and remember the answer for lock-free readers. Leaves the
 * walker just past the span it reports, so open time can be counted on
 * from there. Callers hold the calendar lock.
 */
static rrd_status locate(rrd_calendar *cal, rrd_time t, walker *w, where *out)
{
	*out = (where){ 0 };
	if (!has_hours(cal)) {
		out->since = TIME_FIRST;
		out->until = TIME_END;
		memo_put(&cal->span, out->since, out->until, 0, 0);
		return RRD_OK;
	}

	/* Starting at t's local day is enough: every interval of an earlier
	 * day ends by this day's first instant, which is not after t. */
	int64_t day;
	rrd_status rc = rrd__zone_day_of(&cal->zone, t, &day);
	if (rc != RRD_OK)
		return rc;
	walker_start(w, cal, day);

	int have_since = 0;
	for (;;) {
		rrd_time s, e;
		int found, exact;
		rc = span_next(w, &s, &e, &found, &exact);
		if (rc != RRD_OK)
			return rc;
		if (found && e <= t) {
			out->since = e;
			have_since = 1;
			continue;
		}
		if (found && s <= t) {
			out->open = 1;
			out->found = 1;
			out->exact = exact;
			out->start = s;
			out->end = e;
			out->since = s;
			memo_put(&cal->span, s, e,
				 SPAN_OPEN | (exact ? SPAN_EXACT : 0), 0);
			return RRD_OK;
		}
		if (!have_since) {
			rc = local_to_utc(w, day, 0, &out->since);
			if (rc != RRD_OK)
				return rc;
		}
		if (found) {
			out->found = 1;
			out->exact = exact;
			out->start = s;
			out->end = e;
			memo_put(&cal->span, out->since, s,
				 SPAN_EXACT | SPAN_AHEAD, e);
			return RRD_OK;
		}
		rc = local_to_utc(w, w->last_day + 1, 0, &out->until);
		if (rc != RRD_OK)
			return rc;
		if (out->since <= t && t < out->until)
			memo_put(&cal->span, out->since, out->until, 0, 0);
		return RRD_OK;
	}
}

/* ---- public queries --------------------------------------------------- */

static rrd_status check_query(const rrd_calendar *cal, rrd_time t,
			      const void *out)
{
	if (!cal || !out)
		return rrd__fail(RRD_E_INVALID, "calendar or out pointer is NULL");
	if (t < TIME_FIRST || t >= TIME_END)
		return rrd__fail(RRD_E_INVALID,
				 "time %lld is outside what calendars answer for, "
				 "0001-01-03 to 9999-12-28 (UTC)",
				 (long long)t);
	return RRD_OK;
}

RRD_API rrd_status rrd_calendar_is_open(const rrd_calendar *cal, rrd_time t,
					int *open)
{
	rrd_status rc = check_query(cal, t, open);
	if (rc != RRD_OK)
		return rc;
	rrd_calendar *c = mut(cal);
	recall m;
	if (memo_get(&c->span, t, &m)) {
		*open = (m.value & SPAN_OPEN) != 0;
		return RRD_OK;
	}
	walker w;
	where at;
	pthread_mutex_lock(&c->lock);
	rc = locate(c, t, &w, &at);
	pthread_mutex_unlock(&c->lock);
	if (rc == RRD_OK)
		*open = at.open;
	return rc;
}

/* The first instant at or after `t` when the calendar is open (`open` 1)
 * or closed (0): `t` itself when it is so already, else the end of the
 * span `t` is in. */
static rrd_status next_state(const rrd_calendar *cal, rrd_time t, int open, rrd_time *out)
{
	rrd_status rc = check_query(cal, t, out);
	if (rc != RRD_OK)
		return rc;
	rrd_calendar *c = mut(cal);
	recall m;
	if (memo_get(&c->span, t, &m)) {
		if (!(m.value & SPAN_OPEN) == !open) {
			*out = t;
			return RRD_OK;
		}
		if (m.value & SPAN_EXACT) {
			*out = m.to;
			return RRD_OK;
		}
	}
	walker w;
	where at;
	pthread_mutex_lock(&c->lock);
	rc = locate(c, t, &w, &at);
	pthread_mutex_unlock(&c->lock);
	if (rc != RRD_OK)
		return rc;
	if (!at.open == !open) {
		*out = t;
		return RRD_OK;
	}
	if (open ? !at.found : !at.exact)
		return rrd__fail(RRD_E_NOTFOUND, "calendar \"%s\" does not %s within ten years",
				 c->id, open ? "open" : "close");
	*out = open ? at.start : at.end;
	return RRD_OK;
}

RRD_API rrd_status rrd_calendar_next_open(const rrd_calendar *cal, rrd_time t,
					  rrd_time *out)
{
	return next_state(cal, t, 1, out);
}

RRD_API rrd_status rrd_calendar_next_close(const rrd_calendar *cal, rrd_time t,
					   rrd_time *out)
{
	return next_state(cal, t, 0, out);
}

RRD_API rrd_status rrd_calendar_add_open_time(const rrd_calendar *cal,
					      rrd_time t, rrd_time duration,
					      rrd_time *out)
{
	rrd_status rc = check_query(cal, t, out);
	if (rc != RRD_OK)
		return rc;
	if ((rc = rrd__duration_check(duration, "open-time duration")) != RRD_OK)
		return rc;
	rrd_calendar *c = mut(cal);
	recall m;
	if (memo_get(&c->span, t, &m)) {
		/* Open throughout [t, to), whether or not it closes at to. */
		if ((m.value & SPAN_OPEN) && duration <= m.to - t) {
			*out = t + duration;
			return RRD_OK;
		}
		if ((m.value & SPAN_AHEAD) && duration <= m.aux - m.to) {
			*out = m.to + duration;
			return RRD_OK;
		}
	}

	walker w;
	where at;
	pthread_mutex_lock(&c->lock);
	rc = locate(c, t, &w, &at);
	if (rc != RRD_OK || !at.found)
		goto done;
	rrd_time cur = at.open ? t : at.start;
	rrd_time end = at.end;
	rrd_time left = duration;
	for (;;) {
		/* A window that ends exactly at a close ends there, not at the
		 * next opening. */
		if (left <= end - cur) {
			*out = cur + left;
			break;
		}
		left -= end - cur;
		int found, exact;
		rc = span_next(&w, &cur, &end, &found, &exact);
		if (rc != RRD_OK)
			goto done;
		if (!found) {
			at.found = 0;
			break;
		}
	}
done:
	pthread_mutex_unlock(&c->lock);
	if (rc != RRD_OK)
		return rc;
	if (!at.found)
		return rrd__fail(RRD_E_NOTFOUND,
				 "calendar \"%s\" has not that much open time within ten years",
				 c->id);
	return RRD_OK;
}

RRD_API rrd_status rrd_calendar_local_day(const rrd_calendar *cal, rrd_time t,
					  int64_t *day, rrd_time *next_day)
{
	/* Both outputs may be NULL; pass cal itself as the "out" to check. */
	rrd_status rc = check_query(cal, t, cal);
	if (rc != RRD_OK)
		return rc;
	rrd_calendar *c = mut(cal);
	recall m;
	if (memo_get(&c->day, t, &m)) {
		if (day)
			*day = m.value;
		if (next_day)
			*next_day = m.to;
		return RRD_OK;
	}

	int64_t d = 0;
	rrd_time first = 0, next = 0;
	pthread_mutex_lock(&c->lock);
	rc = rrd__zone_day_of(&c->zone, t, &d);
	if (rc == RRD_OK)
		rc = rrd__zone_to_utc(&c->zone, d, 0, &first);
	if (rc == RRD_OK)
		rc = rrd__zone_to_utc(&c->zone, d + 1, 0, &next);
	/*
	 * Days are numbered by the instants they begin at, so that day
	 * numbers never decrease as time goes on. Only a fall-back that
	 * crosses midnight backwards separates this from the wall-clock date
	 * (the repeated late evening then already counts as the next day).
	 */
	if (rc == RRD_OK && t >= next) {
		d++;
		first = next;
		rc = rrd__zone_to_utc(&c->zone, d + 1, 0, &next);
	} else if (rc == RRD_OK && t < first) {
		d--;
		next = first;
		rc = rrd__zone_to_utc(&c->zone, d, 0, &first);
	}
	if (rc == RRD_OK && first <= t && t < next)
		memo_put(&c->day, first, next, d, 0);
	pthread_mutex_unlock(&c->lock);
	if (rc != RRD_OK)
		return rc;
	if (day)
		*day = d;
	if (next_day)
		*next_day = next;
	return RRD_OK;
}
