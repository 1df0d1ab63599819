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
#include "util/bytes.h"
#include "util/error.h"

/* 2 adds the time of the last batch; 1 is still read. */
#define JOB_FORMAT 2

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

/*
 * A batch's moves are one entry, keyed by the job and the place of the
 * batch's first pick, "J1" 0x1F 0x1F "1000" (no record id holds 0x1F, so
 * no key of a single record's entry looks like it): format 2, how many
 * records follow (4 bytes, so that it is counted up as they are added),
 * then each one's id and fields, in varints and with only the fields it
 * has. A store so takes one entry a batch, not one a record. Format 1,
 * one entry a record keyed "J1" 0x1F id, with fixed 8-byte integers and
 * every field, is what earlier releases wrote, and is still read: a job
 * they ran can be undone.
 */
#define ENTRY_FORMAT_V1 1
#define ENTRY_FORMAT 2

/* Which optional fields of a record in format 2 follow. */
enum { HAS_OLD_OWNER = 1, HAS_QUEUE_ENTRY = 2, HAS_ALL = 3 };

static void put_str(rrd_buf *b, const rrd_rd_entry *e, const char *s)
{
	size_t n = e->from ? rrd__text_len(e->from, e->from->block_end, s) : strlen(s);
	rrd__buf_bytes(b, s, n);
}

#define COUNT_AT 1

/* The count of an entry's records, four bytes from `p` on, low first. */
static uint32_t get_count(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void set_count(unsigned char *p, uint32_t n)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(n >> (8 * i));
}

void rrd__rd_entry_add(rrd_buf *b, const rrd_rd_entry *e)
{
	if (!b->len) {
		rrd__buf_u8(b, ENTRY_FORMAT);
		rrd__buf_put(b, "\0\0\0\0", 4);
	}
	if (!b->failed)
		set_count(b->data + COUNT_AT, get_count(b->data + COUNT_AT) + 1);
	put_str(b, e, e->record);
	rrd__buf_u8(b, (uint8_t)((e->old_owner ? HAS_OLD_OWNER : 0) |
				 (e->queue_entry ? HAS_QUEUE_ENTRY : 0)));
	if (e->old_owner)
		put_str(b, e, e->old_owner);
	rrd__buf_u8(b, (uint8_t)e->old_status);
	rrd__buf_uvar(b, e->nroles);
	for (size_t i = 0; i < e->nroles; i++) {
		put_str(b, e, e->old_roles[i].key);
		put_str(b, e, e->old_roles[i].value);
	}
	rrd__buf_svar(b, e->old_reassigned);
	if (e->queue_entry) {
		rrd__buf_bytes(b, (const char *)e->queue_entry, e->queue_len);
		rrd__buf_svar(b, e->queue_order);
	}
	put_str(b, e, e->new_owner);
}

rrd_status rrd__rd_entries_write(rrd_distributor *d, const char *job, int64_t seq, rrd_buf *b)
{
	rrd_status rc = b->failed ? rrd__nomem() : RRD_OK;
	if (!rc && b->len) {
		char key[RRD_JOB_ID_MAX + 24];
		snprintf(key, sizeof key, "%s\x1f\x1f%lld", job, (long long)seq);
		rrd_store *st = d->store;
		rc = rrd__store_status(st->m.put(st->self, RRD_NS_JOURNAL, key, b->data, b->len, seq),
				       "writing the journal");
	}
	b->len = 0;
	b->failed = 0;
	return rc;
}

/* ---- reading a job's entries ------------------------------------------- */

/* A string of an entry, copied with its NUL into es->text, which has room
 * for every string of every entry (rrd__rd_entries), so nothing there
 * moves. NULL and r->failed when the bytes are not one. */
static const char *text_copy(rrd_rd_entries *es, rrd_reader *r, const char *s, size_t n)
{
	if (r->failed || rrd__has_nul(s, n)) {
		r->failed = 1;
		return NULL;
	}
	char *to = (char *)es->text.data + es->text.len;
	rrd__copy_short(to, s, n);
	to[n] = '\0';
	es->text.len += n + 1;
	return to;
}

static const char *read_text(rrd_rd_entries *es, rrd_reader *r)
{
	size_t n;
	const char *s = rrd__read_bytes(r, &n);
	return text_copy(es, r, s, n);
}

/* Format 1's strings: an 8-byte length (-1: NULL), then the bytes. */
static const char *read_text_v1(rrd_rd_entries *es, rrd_reader *r)
{
	int64_t n = rrd__read_i64(r);
	if (r->failed || n == -1)
		return NULL;
	if (n < 0 || (uint64_t)n > r->left) {
		r->failed = 1;
		return NULL;
	}
	const char *s = (const char *)r->p;
	r->p += n;
	r->left -= (size_t)n;
	return text_copy(es, r, s, (size_t)n);
}

static rrd_status add_role(rrd_rd_entries *es, const char *key, const char *value)
{
	if (rrd__grow((void **)&es->roles, &es->roles_cap, es->nroles + 1, sizeof *es->roles))
		return rrd__nomem();
	es->roles[es->nroles++] = (rrd_kv){ (char *)key, (char *)value };
	return RRD_OK;
}

/* A new entry at the end of es->items, its roles starting at the end of
 * es->roles; NULL when out of memory. */
static rrd_rd_entry *new_entry(rrd_rd_entries *es)
{
	if (rrd__grow((void **)&es->items, &es->items_cap, es->count + 1, sizeof *es->items) ||
	    rrd__grow((void **)&es->first_role, &es->first_role_cap, es->count + 1,
		      sizeof *es->first_role))
		return NULL;
	es->first_role[es->count] = es->nroles;
	rrd_rd_entry *e = &es->items[es->count++];
	*e = (rrd_rd_entry){ 0 };
	return e;
}

/* One record of a batch's entry (format 2). */
static rrd_status decode_v2(rrd_rd_entries *es, rrd_reader *r, rrd_rd_entry *e)
{
	e->record = read_text(es, r);
	unsigned has = rrd__read_u8(r);
	if (has & ~(unsigned)HAS_ALL)
		r->failed = 1;
	if (has & HAS_OLD_OWNER)
		e->old_owner = read_text(es, r);
	e->old_status = (rrd_record_status)rrd__read_u8(r);
	uint64_t nroles = rrd__read_uvar(r);
	if (nroles > r->left)
		r->failed = 1;
	for (uint64_t i = 0; i < nroles && !r->failed; i++) {
		const char *k = read_text(es, r);
		const char *v = read_text(es, r);
		if (!r->failed && add_role(es, k, v))
			return RRD_E_NOMEM;
		e->nroles++;
	}
	e->old_reassigned = rrd__read_svar(r);
	if (has & HAS_QUEUE_ENTRY) {
		size_t n;
		e->queue_entry = (const unsigned char *)rrd__read_bytes(r, &n);
		e->queue_len = n;
		e->queue_order = rrd__read_svar(r);
	}
	e->new_owner = read_text(es, r);
	return RRD_OK;
}

/* A record's entry in format 1, whose id is also in its key. */
static rrd_status decode_v1(rrd_rd_entries *es, rrd_reader *r, rrd_rd_entry *e)
{
	const char *record = read_text_v1(es, r);
	if (!r->failed && (!record || strcmp(record, e->record) != 0))
		r->failed = 1;
	e->old_owner = read_text_v1(es, r);
	e->old_status = (rrd_record_status)rrd__read_u8(r);
	int64_t nroles = rrd__read_i64(r);
	if (nroles < 0 || (uint64_t)nroles > r->left)
		r->failed = 1;
	for (int64_t i = 0; i < nroles && !r->failed; i++) {
		const char *k = read_text_v1(es, r);
		const char *v = read_text_v1(es, r);
		if (!r->failed && (!k || !v))
			r->failed = 1;
		if (!r->failed && add_role(es, k, v))
			return RRD_E_NOMEM;
		e->nroles++;
	}
	e->old_reassigned = rrd__read_i64(r);
	int64_t qlen = rrd__read_i64(r);
	if (!r->failed && qlen >= 0) {
		if ((uint64_t)qlen > r->left) {
			r->failed = 1;
		} else {
			e->queue_entry = r->p;
			e->queue_len = (size_t)qlen;
			r->p += qlen;
			r->left -= (size_t)qlen;
		}
	}
	e->queue_order = rrd__read_i64(r);
	e->new_owner = read_text_v1(es, r);
	return RRD_OK;
}

static int whole(const rrd_rd_entry *e)
{
	return e->record && *e->record && e->new_owner;
}

/* How many records stored entry i says it holds: a batch's, its count,
 * capped by what its bytes could hold; a single record's, one. */
static size_t stored_count(const rrd_rd_entries *es, size_t i, size_t job_len)
{
	const rrd_rd_raw *at = &es->at[i];
	const unsigned char *v = at->value;
	if (at->key[job_len + 1] != '\x1f' || at->len < 1 + 4 ||
	    v[0] != ENTRY_FORMAT)
		return 1;
	size_t n = get_count(v + COUNT_AT);
	return n < at->len ? n : at->len;
}

/* Stored entry i, whose key and value es->at[i] gives: a batch's
 * (format 2), or a single record's (format 1). */
static rrd_status decode_stored(rrd_rd_entries *es, size_t i, size_t job_len)
{
	const rrd_rd_raw *at = &es->at[i];
	const char *id = at->key + job_len + 1;
	rrd_reader r = { at->value, at->len, 0 };
	uint8_t format = rrd__read_u8(&r);
	if (*id == '\x1f' && format == ENTRY_FORMAT && r.left >= 4) {
		uint32_t n = get_count(r.p);
		r.p += 4;
		r.left -= 4;
		if (!n)
			r.failed = 1;
		for (uint32_t k = 0; k < n && !r.failed; k++) {
			rrd_rd_entry *e = new_entry(es);
			if (!e || decode_v2(es, &r, e))
				return rrd__nomem();
			if (!whole(e))
				r.failed = 1;
		}
	} else if (*id != '\x1f' && format == ENTRY_FORMAT_V1) {
		rrd_rd_entry *e = new_entry(es);
		if (!e)
			return rrd__nomem();
		e->record = id;
		if (decode_v1(es, &r, e))
			return rrd__nomem();
		if (!whole(e))
			r.failed = 1;
	} else {
		r.failed = 1;
	}
	return r.failed || r.left ? damaged("journal") : RRD_OK;
}

typedef struct entries_ctx {
	rrd_rd_entries *es;
	rrd_status rc;
} entries_ctx;

/* The scan's callback may not call the store, and what it is given lives
 * only until it returns: it copies each key and value into es->raw, to be
 * decoded once the scan is over. */
static int copy_entry(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	entries_ctx *c = ctx;
	rrd_rd_entries *es = c->es;
	(void)order;
	if (rrd__grow((void **)&es->at, &es->at_cap, es->nat + 1, sizeof *es->at)) {
		c->rc = rrd__nomem();
		return 1;
	}
	size_t klen = strlen(key) + 1;
	char *k = rrd__arena_text(&es->raw, klen + len);
	if (!k) {
		c->rc = rrd__nomem();
		return 1;
	}
	memcpy(k, key, klen);
	memcpy(k + klen, value, len);
	es->at[es->nat++] = (rrd_rd_raw){ k, (const unsigned char *)k + klen, len };
	return 0;
}

rrd_status rrd__rd_entries_read(rrd_distributor *d, const char *job, rrd_rd_entries *es)
{
	char prefix[RRD_JOB_ID_MAX + 2];
	snprintf(prefix, sizeof prefix, "%s\x1f", job);
	memset(es, 0, sizeof *es);
	es->job_len = strlen(job);
	entries_ctx c = { es, RRD_OK };
	rrd_store *st = d->store;
	int rc = st->m.scan(st->self, RRD_NS_JOURNAL, prefix, copy_entry, &c);
	rrd_status s = c.rc ? c.rc : rrd__store_status(rc, "reading the journal");
	if (s)
		rrd__rd_entries_free(es);
	return s;
}

size_t rrd__rd_entries_held(const rrd_rd_entries *es, size_t i)
{
	return stored_count(es, i, es->job_len);
}

rrd_status rrd__rd_entries_decode(rrd_rd_entries *es, size_t from, size_t to)
{
	es->count = es->nroles = 0;
	es->text.len = 0;
	/* Every string copied into es->text comes with its length before it
	 * in its stored value, at least a byte: its copy and NUL take no more
	 * room than it took there. Room for the entries is made once, from
	 * the counts the stored ones give. */
	size_t bytes = 1, total = 0;
	for (size_t i = from; i < to; i++) {
		bytes += es->at[i].len;
		total += stored_count(es, i, es->job_len);
	}
	rrd_status s = RRD_OK;
	if (!rrd__buf_room(&es->text, bytes) ||
	    rrd__grow((void **)&es->items, &es->items_cap, total, sizeof *es->items) ||
	    rrd__grow((void **)&es->first_role, &es->first_role_cap, total,
		      sizeof *es->first_role))
		s = rrd__nomem();
	for (size_t i = from; !s && i < to; i++)
		s = decode_stored(es, i, es->job_len);
	if (s) {
		es->count = 0;
		return s;
	}
	/* es->roles no longer moves; with no roles at all it may be NULL,
	 * and NULL + 0 is undefined. */
	for (size_t i = 0; i < es->count; i++)
		es->items[i].old_roles = es->items[i].nroles ? es->roles + es->first_role[i] : NULL;
	return RRD_OK;
}

rrd_status rrd__rd_entries(rrd_distributor *d, const char *job, rrd_rd_entries *es)
{
	rrd_status s = rrd__rd_entries_read(d, job, es);
	if (!s && (s = rrd__rd_entries_decode(es, 0, es->nat)))
		rrd__rd_entries_free(es);
	return s;
}

void rrd__rd_entries_free(rrd_rd_entries *es)
{
	rrd__free(es->items);
	rrd__free(es->first_role);
	rrd__free(es->at);
	rrd__arena_free(&es->raw);
	rrd__buf_free(&es->text);
	rrd__free(es->roles);
	memset(es, 0, sizeof *es);
}
