/*
 * Jobs and their journal in the store: the summary of each job
 * (RRD_NS_JOB) and, for each record it moved, the record as it was
 * before (RRD_NS_JOURNAL), so that any process can undo the job.
 */
#include <stdio.h>
#include <string.h>

#include "bulk/bulk.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* 2 adds the time of the last batch; 1 is still read. */
#define JOB_FORMAT 2
#define ENTRY_FORMAT 1

static rrd_status damaged(const char *what)
{
	return rrd__fail(RRD_E_STORE, "the stored %s is damaged", what);
}

rrd_status rrd__rd_job_put(rrd_distributor *d, const char *job, const rrd_rd_job *j)
{
	rrd_buf b = { 0 };
	rrd__buf_u8(&b, JOB_FORMAT);
	rrd__buf_u8(&b, (uint8_t)j->state);
	rrd__buf_i64(&b, j->started);
	rrd__buf_i64(&b, j->total);
	rrd__buf_i64(&b, j->moved);
	rrd__buf_i64(&b, j->held);
	rrd__buf_i64(&b, j->renewed);
	rrd_store *st = d->store;
	rrd_status rc = b.failed ? rrd__nomem()
				 : rrd__store_status(st->m.put(st->self, RRD_NS_JOB, job, b.data,
							       b.len, 0),
						     "writing a job");
	rrd__buf_free(&b);
	return rc;
}

rrd_status rrd__rd_job_get(rrd_distributor *d, const char *job, rrd_rd_job *j)
{
	rrd_store *st = d->store;
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, RRD_NS_JOB, job, &v, &len, NULL);
	if (rc == RRD_E_NOTFOUND)
		return rrd__fail(RRD_E_UNKNOWN_JOB, "no job \"%s\"", job);
	if (rc)
		return rrd__store_status(rc, "reading a job");
	rrd_reader r = { v, len, 0 };
	uint8_t format = rrd__read_u8(&r);
	if (format < 1 || format > JOB_FORMAT)
		return damaged("job");
	j->state = rrd__read_u8(&r);
	j->started = rrd__read_i64(&r);
	j->total = rrd__read_i64(&r);
	j->moved = rrd__read_i64(&r);
	j->held = rrd__read_i64(&r);
	j->renewed = format >= 2 ? rrd__read_i64(&r) : j->started;
	return r.failed || r.left ? damaged("job") : RRD_OK;
}

static rrd_status entry_key(const char *job, const char *record, char *key, size_t cap)
{
	int n = snprintf(key, cap, "%s\x1f%s", job, record);
	return n > 0 && (size_t)n < cap ? RRD_OK : rrd__fail(RRD_E_INVALID, "key too long");
}

rrd_status rrd__rd_entry_put(rrd_distributor *d, const char *job, int64_t seq, const rrd_rd_entry *e)
{
	char key[RRD_JOB_ID_MAX + RRD_ID_MAX + 2];
	rrd_status rc = entry_key(job, e->record, key, sizeof key);
	if (rc)
		return rc;
	rrd_buf b = { 0 };
	rrd__buf_u8(&b, ENTRY_FORMAT);
	rrd__buf_str(&b, e->record);
	rrd__buf_str(&b, e->old_owner);
	rrd__buf_u8(&b, (uint8_t)e->old_status);
	rrd__buf_i64(&b, (int64_t)e->old_roles.count);
	for (size_t i = 0; i < e->old_roles.count; i++) {
		rrd__buf_str(&b, e->old_roles.items[i].key);
		rrd__buf_str(&b, e->old_roles.items[i].value);
	}
	rrd__buf_i64(&b, e->old_reassigned);
	rrd__buf_i64(&b, e->queue_entry ? (int64_t)e->queue_len : -1);
	if (e->queue_entry)
		rrd__buf_put(&b, e->queue_entry, e->queue_len);
	rrd__buf_i64(&b, e->queue_order);
	rrd__buf_str(&b, e->new_owner);
	rrd_store *st = d->store;
	rc = b.failed ? rrd__nomem()
		      : rrd__store_status(st->m.put(st->self, RRD_NS_JOURNAL, key, b.data, b.len, seq),
					  "writing the journal");
	rrd__buf_free(&b);
	return rc;
}

void rrd__rd_entry_clear(rrd_rd_entry *e)
{
	rrd__free(e->record);
	rrd__free(e->old_owner);
	rrd__kvlist_clear(&e->old_roles);
	rrd__free(e->queue_entry);
	rrd__free(e->new_owner);
	memset(e, 0, sizeof *e);
}

void rrd__rd_entries_free(rrd_rd_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rrd__rd_entry_clear(&e[i]);
	rrd__free(e);
}

static rrd_status decode_entry(const void *v, size_t len, rrd_rd_entry *e)
{
	rrd_reader r = { v, len, 0 };
	int nomem = 0;
	memset(e, 0, sizeof *e);
	if (rrd__read_u8(&r) != ENTRY_FORMAT)
		return damaged("journal");
	e->record = rrd__read_str(&r, &nomem);
	e->old_owner = rrd__read_str(&r, &nomem);
	e->old_status = (rrd_record_status)rrd__read_u8(&r);
	int64_t nroles = rrd__read_i64(&r);
	rrd_status rc = RRD_OK;
	for (int64_t i = 0; !rc && !r.failed && !nomem && i < nroles; i++) {
		char *k = rrd__read_str(&r, &nomem);
		char *val = rrd__read_str(&r, &nomem);
		if (k && val)
			rc = rrd__kvlist_set(&e->old_roles, k, val);
		else if (!nomem)
			r.failed = 1;
		rrd__free(k);
		rrd__free(val);
	}
	e->old_reassigned = rrd__read_i64(&r);
	int64_t qlen = rrd__read_i64(&r);
	if (!rc && !r.failed && qlen >= 0) {
		if ((uint64_t)qlen > r.left) {
			r.failed = 1;
		} else if (!(e->queue_entry = rrd__malloc(qlen ? (size_t)qlen : 1))) {
			nomem = 1;
		} else {
			memcpy(e->queue_entry, r.p, (size_t)qlen);
			e->queue_len = (size_t)qlen;
			r.p += qlen;
			r.left -= (size_t)qlen;
		}
	}
	e->queue_order = rrd__read_i64(&r);
	e->new_owner = rrd__read_str(&r, &nomem);
	if (!rc && nomem)
		rc = rrd__nomem();
	if (!rc && (r.failed || !e->record))
		rc = damaged("journal");
	if (rc)
		rrd__rd_entry_clear(e);
	return rc;
}

typedef struct entries_ctx {
	rrd_rd_entry *items;
	size_t count, cap;
	rrd_status rc;
} entries_ctx;

static int add_entry(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	entries_ctx *c = ctx;
	(void)key;
	(void)order;
	if (rrd__grow((void **)&c->items, &c->cap, c->count + 1, sizeof *c->items)) {
		c->rc = rrd__nomem();
		return 1;
	}
	if ((c->rc = decode_entry(value, len, &c->items[c->count])))
		return 1;
	c->count++;
	return 0;
}

rrd_status rrd__rd_entries(rrd_distributor *d, const char *job, rrd_rd_entry **out, size_t *n)
{
	char prefix[RRD_JOB_ID_MAX + 2];
	snprintf(prefix, sizeof prefix, "%s\x1f", job);
	entries_ctx c = { NULL, 0, 0, RRD_OK };
	rrd_store *st = d->store;
	int rc = st->m.scan(st->self, RRD_NS_JOURNAL, prefix, add_entry, &c);
	rrd_status s = c.rc ? c.rc : rrd__store_status(rc, "reading the journal");
	if (s) {
		rrd__rd_entries_free(c.items, c.count);
		return s;
	}
	*out = c.items;
	*n = c.count;
	return RRD_OK;
}
