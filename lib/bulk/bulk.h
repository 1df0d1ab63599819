/*
 * Bulk redistribution: the description a host builds, the selection it
 * makes, the jobs that carry it out and their journal, which undo reads.
 */
#ifndef RRD_BULK_BULK_H
#define RRD_BULK_BULK_H

#include "core/core.h"
#include "model/record.h"
#include "rrdist/redistribution.h"
#include "util/strlist.h"

enum { RD_FROM_NONE, RD_FROM_AGENT, RD_FROM_RECORDS, RD_FROM_FILTER };
enum { RD_TO_NONE, RD_TO_AGENTS, RD_TO_TYPES };

/* An ordered list of ids that refuses repeats. */
typedef struct rrd_rd_idlist {
	char **items;
	size_t count;
} rrd_rd_idlist;

struct rrd_redistribution {
	int from;
	char *agent;            /* from_agent */
	rrd_strlist roles;
	rrd_rd_idlist records;      /* from_records */
	/* filter conditions */
	int has_kind;
	rrd_kind kind;
	char *owner;
	rrd_record_status status; /* 0: any */
	rrd_strlist owner_types;
	rrd_kvlist attrs;
	int has_since;
	rrd_time since;
	int to;
	rrd_rd_idlist to_agents;
	rrd_strlist to_types;
	int notify;
};

struct rrd_plan {
	int64_t total, held;
	char **agents;
	int64_t *counts;
	size_t n;
};

/* One record chosen to move, as it was when chosen. Its strings lie in
 * its selection's `text`. */
typedef struct rrd_rd_pick {
	const char *id;
	const char *owner;      /* NULL: none */
	rrd_record_status status;
} rrd_rd_pick;

/* What a redistribution resolves to in one transaction. */
typedef struct rrd_rd_selection {
	/* Agent ids (copies), round-robin order. A job's batches are
	 * transactions of their own, each of which may reload the
	 * configuration and move agents' places: they look targets up by id. */
	char **targets;
	size_t ntargets;
	rrd_rd_pick *picks;         /* records to move, in order */
	size_t npicks, picks_cap;
	rrd_buf text;               /* the picks' ids and owners, one block */
	int64_t held;
} rrd_rd_selection;

/* Resolve targets and choose records (select.c), looking at each where
 * it lies in the store. Checks the limit. */
rrd_status rrd__rd_select(rrd_distributor *d, const rrd_redistribution *rd, rrd_rd_selection *out);
void rrd__rd_selection_free(rrd_rd_selection *s);
/* The roles a record's new owner takes from the source agent. */
int rrd__rd_takes_role(const rrd_redistribution *rd, const char *role, const char *holder);

/* ---- the store's redistribution lock (lock.c) ------------------------ */

/* How long a job holds the lock unless it renews it, which it does
 * before each batch (a batch takes far less). A holder that is gone, or
 * a lock the store failed to release, keeps other jobs out this long at
 * most. */
#define RRD_RD_LEASE RRD_MINUTE

#define RD_OWNER_MAX 160
typedef struct rrd_rd_lock {
	char owner[RD_OWNER_MAX];
} rrd_rd_lock;

/* A name for one holder of the lock that no other job, process or host
 * uses: "rrdist:<host>:<pid>:<16 hex random>:<serial>". */
void rrd__rd_lock_owner(char *buf, size_t cap);
/* Take the lock under a new owner name: RRD_E_BUSY while another job
 * holds it. */
rrd_status rrd__rd_lock_take(rrd_distributor *d, rrd_rd_lock *l);
/* Start the lease again from now: RRD_E_BUSY when another job took the
 * lock after the lease ran out. */
rrd_status rrd__rd_lock_renew(rrd_distributor *d, const rrd_rd_lock *l);
/* Give the lock back. A release that fails is left to the lease: it
 * changes neither the call's outcome nor rrd_error_last(). */
void rrd__rd_lock_release(rrd_distributor *d, const rrd_rd_lock *l);

/* ---- the journal (journal.c) ------------------------------------------ */

enum { JOB_RUNNING = 1, JOB_COMPLETED = 2, JOB_FAILED = 3, JOB_UNDONE = 4 };

typedef struct rrd_rd_job {
	int state;
	rrd_time started;
	int64_t total, moved, held;
	/* When its last batch ran: a running job whose lease has run out
	 * since then was stopped by the end of its process. */
	rrd_time renewed;
} rrd_rd_job;

/* A moved record: enough to put it back, and to see whether it moved
 * since. Its strings are borrowed: from the record while it is written,
 * from an rrd_rd_entries when read back. */
typedef struct rrd_rd_entry {
	const char *record;
	const char *old_owner;          /* NULL: none */
	rrd_record_status old_status;
	const rrd_kv *old_roles;        /* by key, as in the record */
	size_t nroles;
	rrd_time old_reassigned;
	/* A record that was queued: its entry (bytes) and place in the queue. */
	const unsigned char *queue_entry;
	size_t queue_len;
	int64_t queue_order;
	const char *new_owner;
	/* While written: the record whose block its strings lie in, whose
	 * lengths are then at hand (rrd__text_len). */
	const rrd_record *from;
} rrd_rd_entry;

/* A stored entry's key and value, copied into rrd_rd_entries.raw. */
typedef struct rrd_rd_raw {
	const char *key;
	const unsigned char *value;
	size_t len;
} rrd_rd_raw;

/* A job's journal as the store holds it (`at`, `raw`), and the moved
 * records of some of its entries, read back (`items`). Their strings live
 * in `text` and `raw`, their roles in `roles`: a job's entries take a few
 * blocks, not a few for each. */
typedef struct rrd_rd_entries {
	rrd_rd_entry *items;
	size_t count, items_cap;
	size_t *first_role;   /* where each item's roles start in `roles` */
	size_t first_role_cap;
	rrd_rd_raw *at;       /* the stored entries */
	size_t nat, at_cap;
	rrd_arena raw;        /* their keys and values as the store gave them */
	size_t job_len;       /* of the job's id, which begins each key */
	rrd_buf text;         /* the strings, each with its NUL */
	rrd_kv *roles;
	size_t nroles, roles_cap;
} rrd_rd_entries;

rrd_status rrd__rd_job_put(rrd_distributor *d, const char *job, const rrd_rd_job *j);
rrd_status rrd__rd_job_get(rrd_distributor *d, const char *job, rrd_rd_job *j);
/* Add a moved record to its batch's journal entry, which `b` builds. */
void rrd__rd_entry_add(rrd_buf *b, const rrd_rd_entry *e);
/* Write the journal entry `b` built, of the batch whose first pick is
 * number `seq` of the job, and empty `b`, whatever the outcome. A batch
 * that moved nothing writes nothing. */
rrd_status rrd__rd_entries_write(rrd_distributor *d, const char *job, int64_t seq, rrd_buf *b);
/* Every moved record of a job, in the order they were written. */
rrd_status rrd__rd_entries(rrd_distributor *d, const char *job, rrd_rd_entries *out);
/* The same in steps, for a reader that takes a job's records a chunk at
 * a time: the stored entries (none decoded yet), how many records stored
 * entry i holds (as it says), and the records of stored entries
 * [from, to) into out->items, in place of those decoded before. */
rrd_status rrd__rd_entries_read(rrd_distributor *d, const char *job, rrd_rd_entries *out);
size_t rrd__rd_entries_held(const rrd_rd_entries *es, size_t i);
rrd_status rrd__rd_entries_decode(rrd_rd_entries *es, size_t from, size_t to);
void rrd__rd_entries_free(rrd_rd_entries *es);

#endif
