/*
 * Hot state: agents' counters, strategies' saved bytes and sequences.
 * Each is read from the store when its epoch is stale and written back
 * (only if changed) just before the transaction commits.
 */
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "time/civil.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define AGENT_STATE_FORMAT 1
/* RRD_AGENT_STATE_SIZE bytes: the format byte, then open, today, day and
 * last as 8 bytes each. What the index of records by owner keeps after
 * them, an earlier release, which reads these alone, passes over. */

static rrd_status store_get(rrd_distributor *d, int ns, const char *key, const void **v,
			    size_t *len)
{
	rrd_store *st = d->store;
	int rc = st->m.get(st->self, ns, key, v, len, NULL);
	if (rc == RRD_E_NOTFOUND)
		return RRD_E_NOTFOUND;
	return rrd__store_status(rc, "reading state");
}

rrd_status rrd__agent_state(rrd_distributor *d, rrd_agent_rt *a, rrd_agent_state **out)
{
	rrd_agent_state *s = &a->st;
	*out = s;
	if (s->epoch == d->epoch)
		return RRD_OK;
	const void *v;
	size_t len;
	rrd_status rc = store_get(d, RRD_NS_AGENT_STATE, a->id, &v, &len);
	if (rc && rc != RRD_E_NOTFOUND)
		return rc;
	return rrd__agent_state_take(d, a, rc == RRD_OK, v, len);
}

rrd_status rrd__agent_state_take(rrd_distributor *d, rrd_agent_rt *a, int found, const void *v,
				 size_t len)
{
	rrd_agent_state *s = &a->st;
	if (!found) {
		s->open = s->today = s->day = 0;
		s->last = INT64_MIN;
		(void)rrd__by_owner_state_read(s, NULL, 0);
	} else {
		rrd_reader r = { v, len, 0 };
		if (rrd__read_u8(&r) != AGENT_STATE_FORMAT)
			return rrd__fail(RRD_E_STORE, "stored state of agent \"%s\" has an unknown format", a->id);
		s->open = rrd__read_i64(&r);
		s->today = rrd__read_i64(&r);
		s->day = rrd__read_i64(&r);
		s->last = rrd__read_i64(&r);
		rrd_status rc = r.failed ? RRD_E_STORE : rrd__by_owner_state_read(s, r.p, r.left);
		if (rc == RRD_E_NOMEM)
			return rrd__nomem();
		if (rc)
			return rrd__fail(RRD_E_STORE, "stored state of agent \"%s\" is malformed", a->id);
	}
	s->epoch = d->epoch;
	s->dirty = 0;
	return RRD_OK;
}

rrd_status rrd__agent_state_dirty(rrd_distributor *d, rrd_agent_rt *a)
{
	if (a->st.dirty)
		return RRD_OK;
	if (rrd__dirty_add(&d->dirty_agents, a))
		return rrd__nomem();
	a->st.dirty = 1;
	return RRD_OK;
}

int64_t rrd__agent_day(rrd_distributor *d, rrd_agent_rt *a, rrd_time t)
{
	if (a->cal >= 0) {
		int64_t day;
		if (rrd_calendar_local_day(d->cals[a->cal]->cal, t, &day, NULL) == RRD_OK)
			return day;
	}
	return rrd__utc_day(t);
}

int64_t rrd__agent_today(rrd_distributor *d, rrd_agent_rt *a, rrd_agent_state *st, rrd_time now)
{
	if (a->cfg->cap_per_day == RRD_UNLIMITED && !st->today)
		return 0;
	return rrd__agent_day(d, a, now) == st->day ? st->today : 0;
}

static rrd_status strat_key(rrd_pool_rt *p, rrd_distributor *d, rrd_strategy s, rrd_strat_state *ss)
{
	const char *name = rrd__strategy_label(d, s);
	size_t n1 = strlen(p->id), n2 = strlen(name);
	ss->key = rrd__malloc(n1 + n2 + 2);
	if (!ss->key)
		return rrd__nomem();
	memcpy(ss->key, p->id, n1);
	ss->key[n1] = 0x1F;
	memcpy(ss->key + n1 + 1, name, n2 + 1);
	return RRD_OK;
}

/* The pool's slot of strategy `s`, made if new, with its key. */
rrd_status rrd__strat_slot(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
			   rrd_strat_state **out)
{
	long slot = rrd__strategy_slot(d, s);
	if (slot < 0)
		return rrd__fail(RRD_E_INVALID, "unknown strategy %d", s);
	if ((size_t)slot >= p->nstates) {
		size_t cap = p->nstates;
		if (rrd__grow((void **)&p->states, &cap, (size_t)slot + 1, sizeof *p->states))
			return rrd__nomem();
		memset(p->states + p->nstates, 0, (cap - p->nstates) * sizeof *p->states);
		p->nstates = cap;
	}
	/* Each on its own, so that one stays where it is (a changed one is
	 * listed to be written) when the array grows for another. */
	if (!p->states[slot] && !(p->states[slot] = rrd__calloc(1, sizeof(rrd_strat_state))))
		return rrd__nomem();
	*out = p->states[slot];
	return (*out)->key ? RRD_OK : strat_key(p, d, s, *out);
}

rrd_status rrd__strat_cache_slow(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
				 size_t size, void (*free_fn)(void *), void **out)
{
	rrd_strat_state *ss;
	rrd_status rc = rrd__strat_slot(d, p, s, &ss);
	return rc ? rc : rrd__cache_data(&ss->cache, size, free_fn, out);
}

rrd_status rrd__strat_state_slow(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s,
				 rrd_strat_state **out)
{
	rrd_strat_state *ss;
	rrd_status rc = rrd__strat_slot(d, p, s, &ss);
	if (rc)
		return rc;
	*out = ss;
	if (ss->epoch == d->epoch)
		return RRD_OK;
	const void *v;
	size_t len;
	rc = store_get(d, RRD_NS_STRATEGY, ss->key, &v, &len);
	if (rc && rc != RRD_E_NOTFOUND)
		return rc;
	return rrd__strat_state_take(d, ss, rc == RRD_OK, v, len);
}

rrd_status rrd__strat_state_take(rrd_distributor *d, rrd_strat_state *ss, int found,
				 const void *v, size_t len)
{
	if (!found) {
		ss->len = 0;
	} else {
		if (rrd__grow((void **)&ss->data, &ss->cap, len, 1))
			return rrd__nomem();
		memcpy(ss->data, v, len);
		ss->len = len;
	}
	ss->epoch = d->epoch;
	ss->dirty = 0;
	return RRD_OK;
}

rrd_status rrd__strat_state_room(rrd_distributor *d, rrd_strat_state *ss, size_t len,
				 unsigned char **out)
{
	if (!ss->dirty && rrd__dirty_add(&d->dirty_states, ss))
		return rrd__nomem();
	if (len > ss->cap && rrd__grow((void **)&ss->data, &ss->cap, len, 1))
		return rrd__nomem();
	ss->dirty = 1;
	ss->len = len;
	*out = ss->data;
	return RRD_OK;
}

rrd_status rrd__strat_state_set(rrd_distributor *d, rrd_strat_state *ss, const void *data,
				size_t len)
{
	if (data == ss->data && len <= ss->cap)
		data = NULL; /* already in place */
	unsigned char *room = NULL;
	rrd_status rc = rrd__strat_state_room(d, ss, len, &room);
	if (!rc && len && data)
		memmove(room, data, len);
	return rc;
}

/* The counter of sequence `key`, made when first used. */
static rrd_meta_counter *sequence(rrd_distributor *d, const char *key)
{
	for (size_t i = 0; i < d->nsequences; i++)
		if (d->sequences[i].key == key || strcmp(d->sequences[i].key, key) == 0)
			return &d->sequences[i];
	if (d->nsequences == RRD_SEQUENCES_MAX)
		return NULL;
	rrd_meta_counter *c = &d->sequences[d->nsequences++];
	*c = (rrd_meta_counter){ .key = key };
	return c;
}

/* Sequence `key`'s counter, read afresh unless what the distributor
 * holds is still current. */
static rrd_status counter(rrd_distributor *d, const char *key, rrd_meta_counter **out)
{
	rrd_meta_counter *c = *out = sequence(d, key);
	if (!c)
		return rrd__fail(RRD_E_STATE, "more than %d sequences", RRD_SEQUENCES_MAX);
	if (c->epoch != d->epoch) {
		const void *v;
		size_t len;
		rrd_status rc = store_get(d, RRD_NS_META, c->key, &v, &len);
		if (rc == RRD_E_NOTFOUND) {
			c->value = 0;
		} else if (rc) {
			return rc;
		} else {
			rrd_reader r = { v, len, 0 };
			c->value = rrd__read_i64(&r);
			if (r.failed)
				return rrd__fail(RRD_E_STORE, "stored counter %s is malformed", c->key);
		}
		c->stored = c->value;
		c->epoch = d->epoch;
		c->dirty = 0;
	}
	return RRD_OK;
}

/* Write c->stored at commit. */
static rrd_status counter_dirty(rrd_distributor *d, rrd_meta_counter *c)
{
	if (!c->dirty && rrd__dirty_add(&d->dirty_meta, c))
		return rrd__nomem();
	c->dirty = 1;
	return RRD_OK;
}

rrd_status rrd__sequence_next(rrd_distributor *d, const char *key, int64_t *out)
{
	rrd_meta_counter *c;
	rrd_status rc = counter(d, key, &c);
	if (rc || (rc = counter_dirty(d, c)))
		return rc;
	*out = c->stored = ++c->value;
	return RRD_OK;
}

rrd_status rrd__order_next(rrd_distributor *d, const char *key, int64_t *out)
{
	if (!d->concurrent) {
		/* The block is the distributor's only while nobody else
		 * commits: then the epoch moves, the counter is read again and
		 * a new block starts past every number anyone reserved. A
		 * rollback moves the epoch too, so a reservation never outlives
		 * the transaction that would have stored it. */
		rrd_meta_counter *c;
		rrd_status rc = counter(d, key, &c);
		if (rc)
			return rc;
		if (c->value >= c->stored) {
			if ((rc = counter_dirty(d, c)))
				return rc;
			c->stored = c->value + RRD_ORDER_BLOCK;
		}
		*out = ++c->value;
		return RRD_OK;
	}
	/* Times are bounded (RRD_TIME_MIN..MAX), so this cannot overflow. */
	int64_t at = rrd__now(d) * 1024;
	d->last_order = at > d->last_order ? at : d->last_order + 1;
	*out = d->last_order;
	return RRD_OK;
}

/* One entry to the store; `what` names it in the message of a failure. */
static rrd_status put(rrd_distributor *d, int ns, const char *key, const void *value,
		      size_t len, int64_t order, const char *what)
{
	rrd_store *st = d->store;
	return rrd__store_status(st->m.put(st->self, ns, key, value, len, order), what);
}

/* Add to `p` the changed records whose `unasked` mark is `unasked`;
 * *skipped counts the others. */
static rrd_status gather_records(rrd_distributor *d, rrd_puts *p, int unasked, size_t *skipped)
{
	rrd_status rc = RRD_OK;
	*skipped = 0;
	for (size_t i = 0; !rc && i < d->dirty_recs.count; i++) {
		rrd_rec_rt *rec = &d->recs[(size_t)(uintptr_t)d->dirty_recs.items[i]];
		if (!rec->r)
			continue;
		if (rec->unasked != unasked) {
			++*skipped;
			continue;
		}
		size_t from = p->bytes.len;
		rrd__record_encode(rec->r, &p->bytes);
		rc = rrd__puts_add(p, rec->r->id, rrd__record_id_len(rec->r), from, rec->order);
	}
	if (rc)
		rrd__puts_reset(p);
	return rc;
}

/* Records go in one put_many when there are several and the store can:
 * a SQL store writes them in one statement, and the memory store fetches
 * all their table slots before it writes any. New records that nobody
 * asked the store about go in one add_many, which finds out. */
static rrd_status flush_records(rrd_distributor *d)
{
	rrd_puts *p = &d->commit_puts;
	rrd_status rc = RRD_OK;
	rrd_rec_rt *one = d->dirty_recs.count == 1
				  ? &d->recs[(size_t)(uintptr_t)d->dirty_recs.items[0]]
				  : NULL;
	if (one && !one->r)
		return RRD_OK;
	if (one && !one->unasked) {
		/* A submit's one record: one put, its key not copied. */
		p->bytes.len = 0;
		rrd__record_encode(one->r, &p->bytes);
		rc = p->bytes.failed ? rrd__nomem()
				     : put(d, RRD_NS_RECORD, one->r->id, p->bytes.data, p->bytes.len,
					   one->order, "writing records");
		rrd__puts_reset(p);
		return rc;
	}
	size_t unasked;
	rc = gather_records(d, p, 0, &unasked);
	if (!rc)
		rc = rrd__puts_write(d, p, RRD_NS_RECORD, "writing records");
	if (rc || !unasked)
		return rc;
	size_t others;
	if ((rc = gather_records(d, p, 1, &others)))
		return rc;
	/* Written: in a later transaction they are records like any other. */
	for (size_t i = 0; i < d->dirty_recs.count; i++)
		d->recs[(size_t)(uintptr_t)d->dirty_recs.items[i]].unasked = 0;
	return rrd__puts_insert(d, p, RRD_NS_RECORD, "writing new records");
}

/* An agent's counters and what the index keeps after them. */
static rrd_status put_agent(rrd_distributor *d, const rrd_agent_rt *a)
{
	/* Written in place: this goes on every assignment. Only what a
	 * store held, past the list's usual size, takes the heap. */
	unsigned char v[RRD_AGENT_STATE_SIZE + RRD_UVAR_MAX + RRD_BY_OWNER_LIST_MAX];
	size_t len = RRD_AGENT_STATE_SIZE + rrd__by_owner_state_len(&a->st);
	unsigned char *at = len <= sizeof v ? v : rrd__malloc(len);
	if (!at)
		return rrd__nomem();
	at[0] = AGENT_STATE_FORMAT;
	rrd__put_i64(at + 1, a->st.open);
	rrd__put_i64(at + 9, a->st.today);
	rrd__put_i64(at + 17, a->st.day);
	rrd__put_i64(at + 25, a->st.last);
	rrd__by_owner_state_put(&a->st, at + RRD_AGENT_STATE_SIZE);
	rrd_status rc = put(d, RRD_NS_AGENT_STATE, a->id, at, len, a->idx, "writing state");
	if (at != v)
		rrd__free(at);
	return rc;
}

rrd_status rrd__flush(rrd_distributor *d)
{
	/* The records' entries first: they change agents' lists, which
	 * their counters carry. */
	rrd_status rc = rrd__by_owner_commit(d);
	for (size_t i = 0; !rc && i < d->dirty_agents.count; i++)
		rc = put_agent(d, d->dirty_agents.items[i]);
	for (size_t i = 0; !rc && i < d->dirty_states.count; i++) {
		rrd_strat_state *ss = d->dirty_states.items[i];
		rc = put(d, RRD_NS_STRATEGY, ss->key, ss->data ? ss->data : (const void *)"",
			 ss->len, 0, "writing strategy state");
	}
	for (size_t i = 0; !rc && i < d->dirty_meta.count; i++) {
		rrd_meta_counter *c = d->dirty_meta.items[i];
		unsigned char v[8];
		rrd__put_i64(v, c->stored);
		rc = put(d, RRD_NS_META, c->key, v, sizeof v, 0, "writing state");
	}
	if (!rc)
		rc = flush_records(d);
	return rc ? rc : rrd__by_owner_write(d);
}
