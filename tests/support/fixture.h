/* A distributor on an in-memory store with a clock the test sets and an
 * event log the test reads, as one line of text per event. */
#ifndef RRD_TEST_FIXTURE_H
#define RRD_TEST_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rrdist.h"

typedef struct fixture {
	rrd_store *store;
	rrd_distributor *dist;
	int own_store;     /* fix_free frees the store too */
	rrd_time now;
	char **events;
	size_t nevents, cap;
} fixture;

/* 2026-03-02T08:00:00Z, a Monday. */
#define FIX_START ((rrd_time)1772438400000)

fixture *fix_new(int explain);
/* The same on a store the test keeps (fix_free leaves it). */
fixture *fix_new_on(rrd_store *store, int explain);
/* The same with the host's options, but for the clock, the events and
 * the seed, which are the fixture's. */
fixture *fix_new_tuned(rrd_store *store, const rrd_distributor_options *opts);
/* As opts->on_event for fix_new_tuned: the distributor gets no callback. */
void fix_no_events(void *user, const rrd_event *event);
void fix_free(fixture *f);
/* Add an active agent with defaults. */
void fix_agent(fixture *f, const char *id);
/* Add a lead pool with these members (NULL-terminated). */
void fix_pool(fixture *f, const char *id, rrd_strategy s, ...);
/* A pool of `kind` with these members (NULL-terminated), not added: the
 * caller's to put (fix_put_pool) or free. */
rrd_pool *fix_pool_of(const char *id, rrd_kind kind, rrd_strategy s, ...);
/* Add or replace a pool, and free it. */
void fix_put_pool(fixture *f, rrd_pool *p);
/* Submit a lead straight to a pool; returns the status. */
rrd_status fix_submit(fixture *f, const char *lead, const char *pool);
/* The owner of a record (static buffer), or "" for none. */
const char *fix_owner(fixture *f, const char *lead);
/* A record's status. */
rrd_record_status fix_status(fixture *f, const char *lead);
/* How many records an agent holds open. */
int64_t fix_open_count(fixture *f, const char *agent);
/* Pause an agent, or end its pause. */
void fix_set_paused(fixture *f, const char *agent, int paused);
/* The stored record as JSON (free() it), or "absent" when there is none. */
char *fix_record_json(fixture *f, const char *lead);
/* Event i as text, e.g. "assigned L1 alice via=route pool=web". */
const char *fix_event(const fixture *f, size_t i);
void fix_clear_events(fixture *f);
/* Move one record to an agent by a redistribution job; the job's id
 * (static buffer). */
const char *fix_redistribute(fixture *f, const char *record, const char *agent);
/* next_agent's pick, as the agent id (static buffer) or "" for nobody. */
const char *fix_next(fixture *f, const char *pool);
/* Every agent id in the distributor's order (rrd_distributor_agent_at),
 * comma-separated (static buffer). */
const char *fix_agents(rrd_distributor *d);

/* Lines an rrd_simulate run writes, gathered as one text: pass
 * fix_collect as on_line and a zeroed fix_output as line_user; the
 * text (NULL when nothing came) is the test's to free. */
typedef struct fix_output {
	char *text;
	size_t len;
} fix_output;
void fix_collect(void *user, const char *line, size_t len);

#endif
