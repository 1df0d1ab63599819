/* Events as the distributor builds them, and batches that carry them
 * from a transaction to the host's callback after commit. */
#ifndef RRD_EVENTS_EVENT_H
#define RRD_EVENTS_EVENT_H

#include "rrdist/event.h"
#include "util/arena.h"

typedef struct rrd_skipped {
	const char *agent;
	rrd_skip_reason reason;
} rrd_skipped;

struct rrd_event {
	rrd_event_type type;
	rrd_time at;
	const char *record, *agent, *previous, *pool, *rule, *strategy;
	const char *replaced_by, *follow_up, *job;
	rrd_via via;
	rrd_queue_reason queue_reason;
	rrd_claim_result claim_result;
	int has_deadline;
	rrd_time deadline;
	int notify;
	int64_t done, total, held;
	const rrd_skipped *skipped;
	size_t nskipped;
};

/* Events of one transaction, with the strings they point to. */
typedef struct rrd_evbatch {
	rrd_event *events;
	size_t count, cap;
	rrd_arena arena;           /* the strings the events point to */
	struct rrd_evbatch *next; /* in a distributor's outbox */
} rrd_evbatch;

/* Copy `ev` and its strings into the batch. RRD_OK or RRD_E_NOMEM (the
 * batch is unchanged). */
rrd_status rrd__evbatch_add(rrd_evbatch *b, const rrd_event *ev);
void rrd__evbatch_free(rrd_evbatch *b);
/* Empty the batch for reuse, keeping one chunk of its arena. */
void rrd__evbatch_reset(rrd_evbatch *b);

#endif
