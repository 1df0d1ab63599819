/*
 * The calendar object, shared by the files that build it (calendar.c) and
 * query it (schedule.c).
 */
#ifndef RRD_TIME_CALENDAR_IMPL_H
#define RRD_TIME_CALENDAR_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "rrdist/calendar.h"
#include "time/zone.h"

#define RRD__WEEKDAYS 7

typedef struct rrd_hours {
	int start; /* local minute, included */
	int end;   /* local minute, excluded; 1440 is 24:00 */
} rrd_hours;

/*
 * One remembered answer: over [from, to) the answer `value` (and `aux`)
 * holds. Queries
 * read it without locking (a sequence lock: writers make `seq` odd while
 * they write, readers retry nothing and simply treat a torn read as a
 * miss), so a thread answering from it never waits behind a thread that is
 * busy inside ICU.
 */
typedef struct rrd_memo {
	atomic_uint seq;
	_Atomic int64_t from;
	_Atomic int64_t to;
	_Atomic int64_t value;
	_Atomic int64_t aux;
} rrd_memo;

struct rrd_calendar {
	char *id;
	char *timezone;
	rrd_hours *hours[RRD__WEEKDAYS]; /* sorted by start, disjoint */
	size_t nhours[RRD__WEEKDAYS];
	size_t caphours[RRD__WEEKDAYS];
	int64_t *holidays; /* local day numbers, ascending, unique */
	size_t nholidays;
	size_t capholidays;

	/*
	 * Query state. Queries take a const calendar yet convert through a
	 * stateful ICU calendar and remember their last answers, so these
	 * members change under const; `lock` serialises the ICU work and the
	 * writers of the memos.
	 */
	pthread_mutex_t lock;
	rrd_zone zone;
	rrd_memo span; /* open/closed state; see SPAN_* in schedule.c */
	rrd_memo day;  /* local day; value is the day number */
};

/* Set up the query state of a new calendar around an opened zone, which
 * the calendar takes over; on failure the zone is closed. */
rrd_status rrd__calendar_init_query(rrd_calendar *cal, rrd_zone zone);

/* Release what rrd__calendar_init_query set up. */
void rrd__calendar_fini_query(rrd_calendar *cal);

/* Forget remembered open/closed answers after hours or holidays change. */
void rrd__calendar_hours_changed(rrd_calendar *cal);

#endif
