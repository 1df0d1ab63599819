/*
 * The index of records by owner (core.h): how it lies in the store, how
 * every write of a record keeps it, its one-time build on a store that
 * may hold records from before it, and the listing of one owner's
 * records.
 *
 * An entry names one record: its order (svarint), status (a byte) and
 * id (varint length, then bytes). An owner's entries lie in two places:
 *
 * - a list after an agent's counters in RRD_NS_AGENT_STATE, which every
 *   assignment writes anyway: a record given to an agent one at a time
 *   goes there, so that assigning it writes no row of its own (no page
 *   of a SQL store more, no statement more);
 * - blocks in RRD_NS_BY_OWNER, "owner 0x1F b 0x1F id" (16 hex digits),
 *   each of many entries: a list grown past RRD_BY_OWNER_LIST_MAX bytes
 *   becomes one, and a job's batch makes some for each agent it gives
 *   records to, so that moving a thousand records writes a few dozen
 *   rows, not a thousand. Each block has a row of its own in the
 *   owner's directory, "owner 0x1F d 0x1F id", holding the least and
 *   greatest order the block may hold: a record that leaves a block is
 *   found there by its order, reading the directory (small rows) and
 *   the blocks whose range holds that order.
 *
 * Every block and directory row has order 0, so an owner's rows come by
 * key. A block's id comes from its agent's counters (a number after
 * them, raised with each new block: two writers that take the same one
 * both write those counters, and one runs again), or, for the blocks a
 * build makes, from a range of its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

/* The marker in RRD_NS_META: every record is in the index. Its value is
 * the format of the entries, should they ever change. */
#define MARKER "index.by_owner"
#define FORMAT 1

/* The table version from which a store takes RRD_NS_BY_OWNER. */
#define FIRST_TABLE 3

/* A block holds at most this many bytes of entries (but a first entry
 * longer than that): a SQL store keeps it in its row, in one page, with
 * no overflow page to read and write as well (SQLite's 4 KiB page
 * keeps a row of up to about 1,000 bytes). */
#define BLOCK_MAX 900

/* The ids of the blocks a build makes, apart from agents' own. */
#define BUILT_IDS ((uint64_t)1 << 63)

#define ID_DIGITS 16
/* "owner 0x1F b 0x1F" and the id. */
#define ROW_KEY_CAP (RRD_ID_MAX + 3 + ID_DIGITS + 1)
_Static_assert(ROW_KEY_CAP - 1 <= RRD_STORE_KEY_MAX, "a row's key always fits");

/* Whether an owner has entries: one an agent id could equal. Records
 * whose owner is not (a store's own writing) can be found by no lookup,
 * since a lookup names an agent; a 0x1F in it would also make its keys
 * read as another owner's. */
static int indexed(const char *owner, size_t n)
{
	return rrd__id_valid(owner, n, RRD_ID_STORED);
}

/* The key of owner's (on bytes) block or directory row (`kind` 'b' or
 * 'd') `id`, in `key` of ROW_KEY_CAP bytes; its length. */
static size_t row_key(char *key, const char *owner, size_t on, char kind, uint64_t id)
{
	static const char hex[] = "0123456789abcdef";
	memcpy(key, owner, on);
	char *p = key + on;
	*p++ = 0x1F;
	*p++ = kind;
	*p++ = 0x1F;
	for (int i = ID_DIGITS - 1; i >= 0; i--)
		*p++ = hex[(id >> (4 * i)) & 0xF];
	*p = '\0';
	return (size_t)(p - key);
}

/* The id in a row's key (after `skip` bytes); 0 when it is none. */
static int row_id(const char *key, size_t skip, uint64_t *id)
{
	const char *p = key + skip;
	*id = 0;
	for (int i = 0; i < ID_DIGITS; i++, p++) {
		int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
		if (v < 0)
			return 0;
		*id = *id << 4 | (uint64_t)v;
	}
	return *p == '\0';
}

/* ---- entries ---------------------------------------------------------- */

typedef struct entry {
	int64_t order;
	rrd_record_status status;
	const char *id; /* in the bytes, no NUL */
	size_t n;
	size_t at, len; /* where the entry lies */
	size_t status_at;
} entry;

/* The entry at *pos of the `len` bytes at `p`, *pos moved past it: 1,
 * or 0 at the end or at bytes that are no entry. */
static int entry_next(const unsigned char *p, size_t len, size_t *pos, entry *e)
{
	if (*pos >= len)
		return 0;
	rrd_reader r = { p + *pos, len - *pos, 0 };
	e->at = *pos;
	e->order = rrd__read_svar(&r);
	e->status_at = len - r.left;
	e->status = (rrd_record_status)rrd__read_u8(&r);
	e->id = rrd__read_bytes(&r, &e->n);
	if (r.failed || !e->n || e->n > RRD_ID_MAX)
		return 0;
	e->len = len - *pos - r.left;
	*pos += e->len;
	return 1;
}

/* Whether `len` bytes are entries, each of a known status and an id
 * without a NUL. */
static int entries_valid(const unsigned char *p, size_t len)
{
	size_t pos = 0;
	entry e;
	while (entry_next(p, len, &pos, &e))
		if (!rrd_record_status_name(e.status) || memchr(e.id, 0, e.n))
			return 0;
	return pos == len;
}

static void entry_put(rrd_buf *b, int64_t order, rrd_record_status status, const char *id,
		      size_t n)
{
	rrd__buf_svar(b, order);
	rrd__buf_u8(b, (uint8_t)status);
	rrd__buf_bytes(b, id, n);
}

/* The entry of `record` (n bytes, of `order`) in b, if there is one. */
static int entry_find(const rrd_buf *b, int64_t order, const char *record, size_t n, entry *e)
{
	size_t pos = 0;
	while (entry_next(b->data, b->len, &pos, e))
		if (e->order == order && e->n == n && memcmp(e->id, record, n) == 0)
			return 1;
	return 0;
}

static void entry_drop(rrd_buf *b, const entry *e)
{
	memmove(b->data + e->at, b->data + e->at + e->len, b->len - e->at - e->len);
	b->len -= e->len;
}

/* ---- an agent's list ------------------------------------------------- */

static void list_min(rrd_agent_state *st)
{
	size_t pos = 0;
	entry e;
	st->recent_min = INT64_MAX;
	while (entry_next(st->recent.data, st->recent.len, &pos, &e))
		if (e.order < st->recent_min)
			st->recent_min = e.order;
}

rrd_status rrd__by_owner_state_read(rrd_agent_state *st, const void *bytes, size_t len)
{
	st->recent.len = 0;
	st->next_block = 0;
	st->recent_min = INT64_MAX;
	if (!len)
		return RRD_OK;
	rrd_reader r = { bytes, len, 0 };
	st->next_block = rrd__read_uvar(&r);
	if (r.failed || st->next_block >= BUILT_IDS || !entries_valid(r.p, r.left))
		return RRD_E_STORE;
	rrd__buf_put(&st->recent, r.p, r.left);
	if (st->recent.failed) {
		st->recent.failed = 0;
		st->recent.len = 0;
		return RRD_E_NOMEM;
	}
	list_min(st);
	return RRD_OK;
}

size_t rrd__by_owner_state_len(const rrd_agent_state *st)
{
	if (!st->next_block && !st->recent.len)
		return 0;
	unsigned char v[RRD_UVAR_MAX];
	return rrd__put_uvar(v, st->next_block) + st->recent.len;
}

void rrd__by_owner_state_put(const rrd_agent_state *st, unsigned char *to)
{
	if (!st->next_block && !st->recent.len)
		return;
	size_t k = rrd__put_uvar(to, st->next_block);
	if (st->recent.len)
		memcpy(to + k, st->recent.data, st->recent.len);
}

/* ---- what a transaction read of blocks and changes ------------------- */

typedef struct range {
	uint64_t id;
	int64_t min, max;
} range;

/* An owner's directory, as the store held it when first needed. */
typedef struct dir {
	char *owner;
	range *ranges;
	size_t n, cap;
} dir;

typedef struct block {
	char *owner;
	uint64_t id;
	rrd_buf entries;
	int64_t min, max;       /* the range its directory row says */
	unsigned char stored;   /* the store holds it and its directory row */
	unsigned char changed;  /* its entries are to be written */
	unsigned char ranged;   /* its directory row is to be written */
	unsigned char open;     /* new in the running batch, taking more */
} block;

struct rrd_by_owner_work {
	dir *dirs;
	size_t ndirs, dirs_cap;
	block **blocks;
	size_t nblocks, blocks_cap;
	rrd_puts puts, dels;
};

static rrd_status work_of(rrd_distributor *d, rrd_by_owner_work **out)
{
	if (!d->by_owner_work && !(d->by_owner_work = rrd__calloc(1, sizeof *d->by_owner_work)))
		return rrd__nomem();
	*out = d->by_owner_work;
	return RRD_OK;
}

static void work_clear(rrd_by_owner_work *w)
{
	for (size_t i = 0; i < w->ndirs; i++) {
		rrd__free(w->dirs[i].owner);
		rrd__free(w->dirs[i].ranges);
	}
	for (size_t i = 0; i < w->nblocks; i++) {
		rrd__free(w->blocks[i]->owner);
		rrd__buf_free(&w->blocks[i]->entries);
		rrd__free(w->blocks[i]);
	}
	w->ndirs = w->nblocks = 0;
	rrd__puts_reset(&w->puts);
	rrd__puts_reset(&w->dels);
}

void rrd__by_owner_free(rrd_distributor *d)
{
	rrd_by_owner_work *w = d->by_owner_work;
	if (!w)
		return;
	work_clear(w);
	rrd__free(w->dirs);
	rrd__free(w->blocks);
	rrd__puts_free(&w->puts);
	rrd__puts_free(&w->dels);
	rrd__free(w);
	d->by_owner_work = NULL;
}

static block *block_add(rrd_by_owner_work *w, const char *owner, size_t on, uint64_t id)
{
	if (rrd__grow((void **)&w->blocks, &w->blocks_cap, w->nblocks + 1, sizeof *w->blocks))
		return NULL;
	block *b = rrd__calloc(1, sizeof *b);
	if (!b || !(b->owner = rrd__malloc(on + 1))) {
		rrd__free(b);
		return NULL;
	}
	memcpy(b->owner, owner, on);
	b->owner[on] = '\0';
	b->id = id;
	b->min = INT64_MAX;
	b->max = INT64_MIN;
	w->blocks[w->nblocks++] = b;
	return b;
}

static block *block_held(rrd_by_owner_work *w, const char *owner, uint64_t id)
{
	for (size_t i = 0; i < w->nblocks; i++)
		if (w->blocks[i]->id == id && strcmp(w->blocks[i]->owner, owner) == 0)
			return w->blocks[i];
	return NULL;
}

typedef struct dir_ctx {
	dir *r;
	rrd_status rc;
} dir_ctx;

static int dir_row(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	dir_ctx *c = ctx;
	dir *r = c->r;
	(void)order;
	rrd_reader rd = { value, len, 0 };
	range g;
	g.min = rrd__read_svar(&rd);
	g.max = rrd__read_svar(&rd);
	if (rd.failed || rd.left || !row_id(key, strlen(r->owner) + 3, &g.id))
		return 0; /* a row that says nothing: no block is found by it */
	if (rrd__grow((void **)&r->ranges, &r->cap, r->n + 1, sizeof *r->ranges)) {
		c->rc = rrd__nomem();
		return 1;
	}
	r->ranges[r->n++] = g;
	return 0;
}

/* owner's directory, read from the store when first needed. */
static rrd_status dir_of(rrd_distributor *d, rrd_by_owner_work *w, const char *owner, size_t on,
			 dir **out)
{
	for (size_t i = 0; i < w->ndirs; i++)
		if (strcmp(w->dirs[i].owner, owner) == 0) {
			*out = &w->dirs[i];
			return RRD_OK;
		}
	if (rrd__grow((void **)&w->dirs, &w->dirs_cap, w->ndirs + 1, sizeof *w->dirs))
		return rrd__nomem();
	dir *r = &w->dirs[w->ndirs];
	*r = (dir){ 0 };
	if (!(r->owner = rrd__malloc(on + 1)))
		return rrd__nomem();
	memcpy(r->owner, owner, on);
	r->owner[on] = '\0';
	w->ndirs++;
	char prefix[ROW_KEY_CAP];
	memcpy(prefix, owner, on);
	memcpy(prefix + on, "\x1F" "d\x1F", 4);
	rrd_store *st = d->store;
	dir_ctx c = { r, RRD_OK };
	int rc = st->m.scan(st->self, RRD_NS_BY_OWNER, prefix, dir_row, &c);
	if (c.rc)
		return c.rc;
	if (rc)
		return rrd__store_status(rc, "reading the index of records by owner");
	*out = r;
	return RRD_OK;
}

typedef struct load_ctx {
	rrd_by_owner_work *w;
	const char *const *owners;
	const range *const *ranges;
} load_ctx;

static rrd_status block_read(rrd_distributor *d, void *ctx, size_t i, const void *value,
			     size_t len, int64_t order)
{
	load_ctx *c = ctx;
	(void)d;
	(void)order;
	if (!entries_valid(value, len))
		return rrd__fail(RRD_E_STORE, "a stored block of \"%s\"'s records is malformed",
				 c->owners[i]);
	block *b = block_add(c->w, c->owners[i], strlen(c->owners[i]), c->ranges[i]->id);
	if (!b)
		return rrd__nomem();
	rrd__buf_put(&b->entries, value, len);
	b->min = c->ranges[i]->min;
	b->max = c->ranges[i]->max;
	b->stored = 1;
	return b->entries.failed ? rrd__nomem() : RRD_OK;
}

/* Read blocks `ranges[0..n)` of owners[0..n) into the work, in one go.
 * A directory row whose block is gone names nothing. */
static rrd_status blocks_read(rrd_distributor *d, rrd_by_owner_work *w, const char *const *owners,
			      const range *const *ranges, size_t n)
{
	if (!n)
		return RRD_OK;
	char *keys = rrd__malloc(n * ROW_KEY_CAP);
	const char **k = rrd__malloc(n * sizeof *k);
	rrd_status rc = keys && k ? RRD_OK : rrd__nomem();
	for (size_t i = 0; !rc && i < n; i++) {
		row_key(keys + i * ROW_KEY_CAP, owners[i], strlen(owners[i]), 'b', ranges[i]->id);
		k[i] = keys + i * ROW_KEY_CAP;
	}
	load_ctx c = { w, owners, ranges };
	if (!rc)
		rc = rrd__get_many(d, RRD_NS_BY_OWNER, n, k, block_read, &c,
				   "reading the index of records by owner");
	rrd__free(keys);
	rrd__free(k);
	return rc;
}

/* The block of owner's that holds `record` (n bytes, of `order`), and
 * the entry there: NULL when none does. Blocks are read, those whose
 * range holds the order, as needed. */
static rrd_status block_find(rrd_distributor *d, rrd_by_owner_work *w, const char *owner,
			     size_t on, int64_t order, const char *record, size_t n, block **out,
			     entry *e)
{
	*out = NULL;
	for (size_t i = 0; i < w->nblocks; i++) {
		block *b = w->blocks[i];
		if (order >= b->min && order <= b->max && strcmp(b->owner, owner) == 0 &&
		    entry_find(&b->entries, order, record, n, e)) {
			*out = b;
			return RRD_OK;
		}
	}
	dir *r;
	rrd_status rc = dir_of(d, w, owner, on, &r);
	for (size_t i = 0; !rc && i < r->n; i++) {
		const range *g = &r->ranges[i];
		if (order < g->min || order > g->max || block_held(w, owner, g->id))
			continue;
		const char *owners[1] = { owner };
		const range *ranges[1] = { g };
		size_t before = w->nblocks;
		rc = blocks_read(d, w, owners, ranges, 1);
		if (!rc && w->nblocks > before &&
		    entry_find(&w->blocks[before]->entries, order, record, n, e)) {
			*out = w->blocks[before];
			break;
		}
	}
	return rc;
}

/* Read, in one go, every block that may hold one of the records a batch
 * takes from an owner, so that finding each is a look in memory. */
static rrd_status blocks_ahead(rrd_distributor *d, rrd_by_owner_work *w, const rrd_rec_rt *recs,
			       size_t nrecs)
{
	const char **owners = NULL;
	const range **ranges = NULL;
	size_t n = 0, cap = 0, cap2 = 0;
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < nrecs; i++) {
		const rrd_rec_rt *rec = &recs[i];
		const char *was = rec->was_owner;
		if (!rec->dirty || !rec->noted || !rec->was_stored || !was || !rec->r)
			continue;
		size_t on = strlen(was);
		if (!indexed(was, on))
			continue;
		rrd_agent_rt *a = rrd__agent_find(d, was);
		if (a && a->st.epoch == d->epoch && rec->order >= a->st.recent_min) {
			entry e;
			if (entry_find(&a->st.recent, rec->order, rec->r->id, strlen(rec->r->id), &e))
				continue;
		}
		dir *r;
		if ((rc = dir_of(d, w, was, on, &r)))
			break;
		for (size_t k = 0; !rc && k < r->n; k++) {
			const range *g = &r->ranges[k];
			if (rec->order < g->min || rec->order > g->max || block_held(w, was, g->id))
				continue;
			int listed = 0;
			for (size_t j = 0; j < n && !listed; j++)
				listed = ranges[j] == g;
			if (listed)
				continue;
			if (rrd__grow((void **)&owners, &cap, n + 1, sizeof *owners) ||
			    rrd__grow((void **)&ranges, &cap2, n + 1, sizeof *ranges)) {
				rc = rrd__nomem();
				break;
			}
			owners[n] = r->owner;
			ranges[n++] = g;
		}
	}
	if (!rc)
		rc = blocks_read(d, w, owners, ranges, n);
	rrd__free(owners);
	rrd__free(ranges);
	return rc;
}

/* Add an entry to b, widening its range. */
static rrd_status block_put(block *b, int64_t order, rrd_record_status status, const char *id,
			    size_t n)
{
	entry_put(&b->entries, order, status, id, n);
	if (b->entries.failed)
		return rrd__nomem();
	if (order < b->min) {
		b->min = order;
		b->ranged = 1;
	}
	if (order > b->max) {
		b->max = order;
		b->ranged = 1;
	}
	b->changed = 1;
	return RRD_OK;
}

/* A new block of agent a's, its id taken from a's counters. */
static rrd_status block_new(rrd_distributor *d, rrd_by_owner_work *w, rrd_agent_rt *a,
			    block **out)
{
	rrd_status rc = rrd__agent_state_dirty(d, a);
	if (rc)
		return rc;
	if (!(*out = block_add(w, a->id, strlen(a->id), a->st.next_block++)))
		return rrd__nomem();
	(*out)->open = 1;
	return RRD_OK;
}

/* ---- keeping it ------------------------------------------------------- */

rrd_status rrd__by_owner_note(rrd_distributor *d, rrd_rec_rt *rec)
{
	const char *owner = rec->r->owner;
	rec->was_owner = NULL;
	if (owner && d->by_owner != RRD_BY_OWNER_NONE &&
	    !(rec->was_owner = rrd__arena_strdup(&d->by_owner_noted, owner)))
		return rrd__nomem();
	rec->was_status = rec->r->status;
	rec->was_stored = 1;
	rec->noted = 1;
	return RRD_OK;
}

void rrd__by_owner_forget(rrd_distributor *d)
{
	rrd__arena_reset(&d->by_owner_noted);
	if (d->by_owner_work)
		work_clear(d->by_owner_work);
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The agent `owner` with its counters and list read, or NULL when no
 * agent has that id (it then has no list). */
static rrd_status agent_of(rrd_distributor *d, const char *owner, rrd_agent_rt **out)
{
	rrd_agent_state *st;
	*out = rrd__agent_find(d, owner);
	return *out ? rrd__agent_state(d, *out, &st) : RRD_OK;
}

/* `rec` leaves `owner`: out of its list, or of its block. */
static rrd_status leave(rrd_distributor *d, rrd_by_owner_work *w, const char *owner, size_t on,
			const rrd_rec_rt *rec)
{
	const rrd_record *r = rec->r;
	size_t n = strlen(r->id);
	rrd_agent_rt *a;
	rrd_status rc = agent_of(d, owner, &a);
	entry e;
	if (rc)
		return rc;
	if (a && rec->order >= a->st.recent_min &&
	    entry_find(&a->st.recent, rec->order, r->id, n, &e)) {
		entry_drop(&a->st.recent, &e);
		if (e.order == a->st.recent_min)
			list_min(&a->st);
		return rrd__agent_state_dirty(d, a);
	}
	block *b;
	if ((rc = block_find(d, w, owner, on, rec->order, r->id, n, &b, &e)) || !b)
		return rc; /* in no part: there is nothing to take out */
	entry_drop(&b->entries, &e);
	b->changed = 1;
	return RRD_OK;
}

/* `rec` is its owner's, with its status: in the list or block that
 * holds it; else, given one record at a time (`one`), in the owner's
 * list, or else in a block the running batch makes for the owner. A
 * list that grew too long becomes a block once every record is done
 * (rrd__by_owner_commit), so that no record's entry moves before that
 * record's own change. */
static rrd_status hold(rrd_distributor *d, rrd_by_owner_work *w, const char *owner, size_t on,
		       const rrd_rec_rt *rec, int moved, int one)
{
	const rrd_record *r = rec->r;
	size_t n = strlen(r->id);
	rrd_agent_rt *a;
	rrd_status rc = agent_of(d, owner, &a);
	if (rc)
		return rc;
	/* A record that comes from someone else (or from no one) is in
	 * none of this owner's parts: looking would cost a scan of a list
	 * that grows with each record one transaction gives the owner. */
	entry e;
	if (!moved && rec->was_stored && a && rec->order >= a->st.recent_min &&
	    entry_find(&a->st.recent, rec->order, r->id, n, &e)) {
		a->st.recent.data[e.status_at] = (unsigned char)r->status;
		return rrd__agent_state_dirty(d, a);
	}
	block *b = NULL;
	if (!moved && rec->was_stored &&
	    (rc = block_find(d, w, owner, on, rec->order, r->id, n, &b, &e)))
		return rc;
	if (b) {
		b->entries.data[e.status_at] = (unsigned char)r->status;
		b->changed = 1;
		return RRD_OK;
	}
	if (!a)
		return rrd__fail(RRD_E_STATE, "record \"%s\" has an owner that is no agent", r->id);
	if (one) {
		entry_put(&a->st.recent, rec->order, r->status, r->id, n);
		if (rec->order < a->st.recent_min)
			a->st.recent_min = rec->order;
		return a->st.recent.failed ? rrd__nomem() : rrd__agent_state_dirty(d, a);
	}
	for (size_t i = w->nblocks; i-- > 0;)
		if (w->blocks[i]->open && strcmp(w->blocks[i]->owner, owner) == 0) {
			b = w->blocks[i];
			break;
		}
	if (b && b->entries.len + RRD_UVAR_MAX + 1 + RRD_UVAR_MAX + n > BLOCK_MAX)
		b->open = 0, b = NULL;
	if (!b && (rc = block_new(d, w, a, &b)))
		return rc;
	return block_put(b, rec->order, r->status, r->id, n);
}

/* The changes `rec` needs, from what was noted to what it holds now. */
static rrd_status change(rrd_distributor *d, rrd_by_owner_work *w, const rrd_rec_rt *rec, int one)
{
	if (!rec->noted || !rec->r)
		return RRD_OK;
	const rrd_record *r = rec->r;
	const char *was = rec->was_stored ? rec->was_owner : NULL;
	int moved = !same(was, r->owner);
	rrd_status rc = RRD_OK;
	size_t n;
	if (moved && was && indexed(was, n = strlen(was)))
		rc = leave(d, w, was, n, rec);
	if (!rc && r->owner && (moved || !rec->was_stored || rec->was_status != r->status) &&
	    indexed(r->owner, n = strlen(r->owner)))
		rc = hold(d, w, r->owner, n, rec, moved, one);
	return rc;
}

rrd_status rrd__by_owner_commit(rrd_distributor *d)
{
	if (d->by_owner == RRD_BY_OWNER_NONE)
		return RRD_OK;
	rrd_by_owner_work *w = NULL;
	rrd_status rc = work_of(d, &w);
	for (size_t i = 0; !rc && i < d->dirty_recs.count; i++)
		rc = change(d, w, &d->recs[(size_t)(uintptr_t)d->dirty_recs.items[i]], 1);
	/* Lists grown too long become blocks (a long one, of records given
	 * many at a time, several). */
	for (size_t i = 0; !rc && i < d->dirty_agents.count; i++) {
		rrd_agent_rt *a = d->dirty_agents.items[i];
		if (a->st.recent.len <= RRD_BY_OWNER_LIST_MAX)
			continue;
		block *b = NULL;
		size_t pos = 0;
		entry e;
		while (!rc && entry_next(a->st.recent.data, a->st.recent.len, &pos, &e)) {
			if ((!b || b->entries.len + e.len > BLOCK_MAX) && (rc = block_new(d, w, a, &b)))
				break;
			rc = block_put(b, e.order, e.status, e.id, e.n);
		}
		a->st.recent.len = 0;
		a->st.recent_min = INT64_MAX;
	}
	return rc;
}

rrd_status rrd__by_owner_batch(rrd_distributor *d, const rrd_rec_rt *recs, size_t n)
{
	if (d->by_owner == RRD_BY_OWNER_NONE)
		return RRD_OK;
	rrd_by_owner_work *w = NULL;
	rrd_status rc = work_of(d, &w);
	if (!rc)
		rc = blocks_ahead(d, w, recs, n);
	for (size_t i = 0; !rc && i < n; i++)
		if (recs[i].dirty)
			rc = change(d, w, &recs[i], 0);
	/* The next batch starts blocks of its own. */
	for (size_t i = 0; w && i < w->nblocks; i++)
		w->blocks[i]->open = 0;
	return rc;
}

rrd_status rrd__by_owner_write(rrd_distributor *d)
{
	rrd_by_owner_work *w = d->by_owner_work;
	if (!w)
		return RRD_OK;
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < w->nblocks; i++) {
		block *b = w->blocks[i];
		if (!b->changed && !b->ranged)
			continue;
		size_t on = strlen(b->owner);
		char key[ROW_KEY_CAP];
		if (!b->entries.len) {
			/* Emptied: gone, with its directory row. */
			if (b->stored) {
				size_t kn = row_key(key, b->owner, on, 'b', b->id);
				rc = rrd__puts_add(&w->dels, key, kn, w->dels.bytes.len, 0);
				kn = row_key(key, b->owner, on, 'd', b->id);
				if (!rc)
					rc = rrd__puts_add(&w->dels, key, kn, w->dels.bytes.len, 0);
			}
			b->stored = 0;
		} else {
			size_t kn = row_key(key, b->owner, on, 'b', b->id);
			size_t from = w->puts.bytes.len;
			rrd__buf_put(&w->puts.bytes, b->entries.data, b->entries.len);
			rc = rrd__puts_add(&w->puts, key, kn, from, 0);
			if (!rc && (b->ranged || !b->stored)) {
				kn = row_key(key, b->owner, on, 'd', b->id);
				from = w->puts.bytes.len;
				rrd__buf_svar(&w->puts.bytes, b->min);
				rrd__buf_svar(&w->puts.bytes, b->max);
				rc = rrd__puts_add(&w->puts, key, kn, from, 0);
			}
			b->stored = 1;
		}
		b->changed = b->ranged = 0;
	}
	if (rc) {
		rrd__puts_reset(&w->puts);
		rrd__puts_reset(&w->dels);
		return rc;
	}
	/* No key is both deleted and written: a block is one or the other. */
	rc = rrd__puts_delete(d, &w->dels, RRD_NS_BY_OWNER, "writing the index of records by owner");
	if (rc) {
		rrd__puts_reset(&w->puts);
		return rc;
	}
	return rrd__puts_write(d, &w->puts, RRD_NS_BY_OWNER, "writing the index of records by owner");
}

/* ---- its start -------------------------------------------------------- */

static rrd_status marker(rrd_distributor *d, int *found)
{
	rrd_store *st = d->store;
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, RRD_NS_META, MARKER, &v, &len, NULL);
	*found = rc == RRD_OK;
	return rc == RRD_E_NOTFOUND ? RRD_OK : rrd__store_status(rc, "reading the index marker");
}

rrd_status rrd__by_owner_look(rrd_distributor *d)
{
	if (d->store->m.version < FIRST_TABLE || d->store->scans_whole) {
		d->by_owner = RRD_BY_OWNER_NONE;
		return RRD_OK;
	}
	int found;
	rrd_status rc = marker(d, &found);
	if (!rc)
		d->by_owner = found ? RRD_BY_OWNER_COMPLETE : RRD_BY_OWNER_KEPT;
	return rc;
}

/* One owned record, as the build found it: where its owner and entry lie
 * in the build's bytes (offsets while they may move, then `owner_at`). */
typedef struct found {
	size_t owner, on;  /* in text */
	size_t entry, len; /* in text */
	int64_t order;
	const unsigned char *owner_at;
} found;

typedef struct build_ctx {
	rrd_puts *p;
	rrd_buf text;
	found *found;
	size_t n, cap;
	rrd_status rc;
} build_ctx;

/* An entry there before the build, whatever it says: to be deleted. */
static int old_row(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	build_ctx *c = ctx;
	(void)value;
	(void)len;
	c->rc = rrd__puts_add(c->p, key, strlen(key), c->p->bytes.len, order);
	return c->rc != RRD_OK;
}

/* An agent's counters with a list after them: the counters alone. */
static int old_list(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	build_ctx *c = ctx;
	if (len <= RRD_AGENT_STATE_SIZE)
		return 0;
	size_t from = c->p->bytes.len;
	rrd__buf_put(&c->p->bytes, value, RRD_AGENT_STATE_SIZE);
	c->rc = rrd__puts_add(c->p, key, strlen(key), from, order);
	return c->rc != RRD_OK;
}

/* A stored record's entry, if it has one. One that cannot be read has
 * none: no owner can be found in it, by a scan of the records either. */
static int record_found(void *ctx, const char *key, const void *value, size_t len,
			int64_t order)
{
	build_ctx *c = ctx;
	rrd_record_view v;
	(void)key;
	if (rrd__record_view(value, len, &v) || !v.owner.p || !indexed(v.owner.p, v.owner.n))
		return 0;
	if (rrd__grow((void **)&c->found, &c->cap, c->n + 1, sizeof *c->found)) {
		c->rc = rrd__nomem();
		return 1;
	}
	found *f = &c->found[c->n++];
	f->owner = c->text.len;
	f->on = v.owner.n;
	rrd__buf_put(&c->text, v.owner.p, v.owner.n);
	f->entry = c->text.len;
	/* The id as the record has it, as every later write names it. */
	entry_put(&c->text, order, v.status, v.id.p, v.id.n);
	f->len = c->text.len - f->entry;
	f->order = order;
	if (c->text.failed)
		c->rc = rrd__nomem();
	return c->rc != RRD_OK;
}

/* By owner, then as the store listed them (creation order), which is
 * where their entries lie in the text. */
static int by_owner_then_place(const void *a, const void *b)
{
	const found *x = a, *y = b;
	size_t n = x->on < y->on ? x->on : y->on;
	int c = memcmp(x->owner_at, y->owner_at, n);
	if (c || x->on != y->on)
		return c ? c : x->on < y->on ? -1 : 1;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

/* Every owner's records in blocks of up to BLOCK_MAX bytes, in creation
 * order, with their directory rows, into c->p. */
static rrd_status build_blocks(build_ctx *c)
{
	if (!c->n)
		return RRD_OK;
	for (size_t i = 0; i < c->n; i++)
		c->found[i].owner_at = c->text.data + c->found[i].owner;
	qsort(c->found, c->n, sizeof *c->found, by_owner_then_place);
	rrd_buf b = { 0 };
	rrd_status rc = RRD_OK;
	uint64_t id = BUILT_IDS;
	for (size_t i = 0; !rc && i < c->n;) {
		const found *first = &c->found[i];
		const char *owner = (const char *)c->text.data + first->owner;
		int64_t min = INT64_MAX, max = INT64_MIN;
		b.len = 0;
		size_t j = i;
		for (; j < c->n && c->found[j].on == first->on &&
		       memcmp(c->found[j].owner_at, owner, first->on) == 0 &&
		       (j == i || b.len + c->found[j].len <= BLOCK_MAX);
		     j++) {
			rrd__buf_put(&b, c->text.data + c->found[j].entry, c->found[j].len);
			min = c->found[j].order < min ? c->found[j].order : min;
			max = c->found[j].order > max ? c->found[j].order : max;
		}
		if (b.failed) {
			rc = rrd__nomem();
			break;
		}
		char key[ROW_KEY_CAP];
		size_t kn = row_key(key, owner, first->on, 'b', id);
		size_t from = c->p->bytes.len;
		rrd__buf_put(&c->p->bytes, b.data, b.len);
		rc = rrd__puts_add(c->p, key, kn, from, 0);
		kn = row_key(key, owner, first->on, 'd', id++);
		from = c->p->bytes.len;
		rrd__buf_svar(&c->p->bytes, min);
		rrd__buf_svar(&c->p->bytes, max);
		if (!rc)
			rc = rrd__puts_add(c->p, key, kn, from, 0);
		/* The next owner's ids start afresh; an owner's own may go on. */
		if (j < c->n && (c->found[j].on != first->on ||
				 memcmp(c->found[j].owner_at, owner, first->on) != 0))
			id = BUILT_IDS;
		i = j;
	}
	rrd__buf_free(&b);
	return rc;
}

/* Scan `ns` into c with `each`; RRD_OK or the failure. */
static rrd_status scan_into(rrd_distributor *d, int ns, rrd_store_each_fn each, build_ctx *c,
			    const char *what)
{
	rrd_store *st = d->store;
	int src = st->m.scan(st->self, ns, "", each, c);
	return c->rc ? c->rc : rrd__store_status(src, what);
}

static rrd_status build_body(rrd_distributor *d, void *ctx, rrd_time now)
{
	(void)ctx;
	(void)now;
	int found_it;
	rrd_status rc = marker(d, &found_it);
	if (rc || found_it)
		return rc; /* another distributor built it meanwhile */
	/* What a library that did not keep it every time left, in both
	 * parts, is of no use. */
	rrd_puts p = { 0 };
	build_ctx c = { .p = &p };
	static const char clearing[] = "clearing the index of records by owner";
	if (!(rc = scan_into(d, RRD_NS_BY_OWNER, old_row, &c, clearing)))
		rc = rrd__puts_delete(d, &p, RRD_NS_BY_OWNER, clearing);
	if (!rc && !(rc = scan_into(d, RRD_NS_AGENT_STATE, old_list, &c, clearing)))
		rc = rrd__puts_write(d, &p, RRD_NS_AGENT_STATE, clearing);
	static const char building[] = "building the index of records by owner";
	if (!rc && !(rc = scan_into(d, RRD_NS_RECORD, record_found, &c, building)) &&
	    !(rc = build_blocks(&c)))
		rc = rrd__puts_write(d, &p, RRD_NS_BY_OWNER, building);
	rrd__puts_free(&p);
	rrd__buf_free(&c.text);
	rrd__free(c.found);
	if (!rc) {
		rrd_store *st = d->store;
		unsigned char v = FORMAT;
		rc = rrd__store_status(st->m.put(st->self, RRD_NS_META, MARKER, &v, 1, 0),
				       "writing the index marker");
	}
	return rc;
}

static void build_done(rrd_distributor *d, void *ctx)
{
	(void)ctx;
	d->by_owner = RRD_BY_OWNER_COMPLETE;
}

rrd_status rrd__by_owner_build(rrd_distributor *d)
{
	/* No writer of this library runs beside it: each starts by building
	 * the index or finding it built, and two that build at once write
	 * the same keys, so the second runs again and finds the marker. */
	rrd_txn t = { .kind = RRD_TXN_WRITE, .body = build_body, .apply = build_done,
		      .own_clock = 1 };
	return rrd__run(d, &t, NULL);
}

/* ---- reading it ------------------------------------------------------- */

int rrd__by_owner_lists(const rrd_distributor *d, const char *owner)
{
	return d->by_owner == RRD_BY_OWNER_COMPLETE && indexed(owner, strlen(owner));
}

/* An owner's entries, gathered from its list and blocks, then sorted. */
typedef struct gather {
	rrd_buf bytes;
	entry *all;
	size_t n, cap;
	rrd_status rc;
} gather;

static rrd_status gather_bytes(gather *g, const unsigned char *p, size_t len)
{
	size_t base = g->bytes.len;
	rrd__buf_put(&g->bytes, p, len);
	if (g->bytes.failed)
		return rrd__nomem();
	size_t pos = 0;
	entry e;
	while (entry_next(g->bytes.data + base, len, &pos, &e)) {
		if (rrd__grow((void **)&g->all, &g->cap, g->n + 1, sizeof *g->all))
			return rrd__nomem();
		e.at += base; /* where it lies in g->bytes, which may still move */
		e.id = NULL;
		g->all[g->n++] = e;
	}
	return pos == len ? RRD_OK : rrd__fail(RRD_E_STORE, "a stored block of records is malformed");
}

static int gather_block(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	gather *g = ctx;
	(void)key;
	(void)order;
	g->rc = gather_bytes(g, value, len);
	return g->rc != RRD_OK;
}

static int by_order(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	int c = memcmp(x->id, y->id, x->n < y->n ? x->n : y->n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

rrd_status rrd__by_owner_each(rrd_distributor *d, const char *owner, rrd_owned_fn each,
			      void *ctx)
{
	size_t on = strlen(owner);
	gather g = { 0 };
	rrd_agent_rt *a;
	rrd_status rc = agent_of(d, owner, &a);
	if (!rc && a && a->st.recent.len)
		rc = gather_bytes(&g, a->st.recent.data, a->st.recent.len);
	char prefix[ROW_KEY_CAP];
	memcpy(prefix, owner, on);
	memcpy(prefix + on, "\x1F" "b\x1F", 4);
	if (!rc) {
		rrd_store *st = d->store;
		int src = st->m.scan(st->self, RRD_NS_BY_OWNER, prefix, gather_block, &g);
		rc = g.rc ? g.rc : rrd__store_status(src, "reading the index of records by owner");
	}
	/* The bytes no longer move: the ids, which end their entries, can
	 * be pointed at. */
	for (size_t i = 0; !rc && i < g.n; i++) {
		entry *e = &g.all[i];
		e->id = (const char *)g.bytes.data + e->at + e->len - e->n;
	}
	if (!rc && g.n)
		qsort(g.all, g.n, sizeof *g.all, by_order);
	char id[RRD_ID_MAX + 1];
	for (size_t i = 0; !rc && i < g.n; i++) {
		/* A record listed twice (an index that a release without it
		 * left behind) is still one record: handed out once. */
		if (i && by_order(&g.all[i - 1], &g.all[i]) == 0)
			continue;
		memcpy(id, g.all[i].id, g.all[i].n);
		id[g.all[i].n] = '\0';
		rc = each(ctx, id, g.all[i].status);
	}
	rrd__buf_free(&g.bytes);
	rrd__free(g.all);
	return rc;
}
