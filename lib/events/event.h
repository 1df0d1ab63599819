/* Events as the distributor builds them, and batches that carry them
 * from a transaction to the host's callback after commit. */
#ifndef RRD_EVENTS_EVENT_H
#define RRD_EVENTS_EVENT_H

#include "rrdist/event.h"
#include "util/arena.h"
#include "util/buf.h"

/* The length of an event id of the library's own making. */
#define RRD_EVENT_ID_MAX 33

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
	/* The id: `id` when read back from a store's outbox; otherwise the
	 * distributor's token and the event's serial, formatted into `idbuf`
	 * only when asked (rrd_event_id), as most hosts never ask. */
	const char *id;
	const char *token;
	uint64_t serial;
	char idbuf[RRD_EVENT_ID_MAX + 1];
};

/* An event id of the distributor's own: 16 hex digits of its token, '-',
 * 16 of the serial, so that ids sort by serial; RRD_EVENT_ID_MAX + 1
 * bytes at `out`. */
void rrd__event_id_format(char *out, const char *token, uint64_t serial);
/* A token's 16 hex digits and NUL, at `out`. */
void rrd__event_token(char out[17], uint64_t token);

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
/* Append `ev` as it is: its strings are in the batch's arena already. */
rrd_status rrd__evbatch_push(rrd_evbatch *b, const rrd_event *ev);

/* The outbox's form of an event (without its id, which is the key):
 * RRD_OK, or RRD_E_NOMEM with b->failed set. */
void rrd__event_encode(const rrd_event *ev, rrd_buf *b);
/* Decode an outbox entry and append it to the batch, its strings copied
 * into the batch's arena. RRD_OK, RRD_E_NOMEM, or RRD_E_STORE for an
 * entry that is not an event. */
rrd_status rrd__event_decode(const void *value, size_t len, const char *id, rrd_evbatch *b);
void rrd__evbatch_free(rrd_evbatch *b);
/* Empty the batch for reuse, keeping one chunk of its arena. */
void rrd__evbatch_reset(rrd_evbatch *b);

#endif
