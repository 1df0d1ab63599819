#include "routing/offer_state.h"

#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#define OFFER_FORMAT 1

void rrd__offer_state_clear(rrd_offer_state *s)
{
	for (size_t i = 0; i < s->count; i++)
		rrd__free(s->entries[i].agent);
	rrd__free(s->entries);
	rrd__free(s->read_rule);
	rrd__free(s->read_pool);
	memset(s, 0, sizeof *s);
}

rrd_status rrd__offer_state_load(rrd_distributor *d, const char *record, rrd_offer_state *out)
{
	memset(out, 0, sizeof *out);
	rrd_store *st = d->store;
	const void *v;
	size_t len;
	int rc = st->m.get(st->self, RRD_NS_ROUTING, record, &v, &len, NULL);
	if (rc == RRD_E_NOTFOUND)
		return RRD_OK;
	if (rc)
		return rrd__store_status(rc, "reading a record's offers");
	rrd_reader r = { v, len, 0 };
	int nomem = 0;
	if (rrd__read_u8(&r) != OFFER_FORMAT)
		return rrd__fail(RRD_E_STORE, "offers of record \"%s\" have an unknown format", record);
	out->active = rrd__read_u8(&r);
	out->rule = out->read_rule = rrd__read_str(&r, &nomem);
	out->pool = out->read_pool = rrd__read_str(&r, &nomem);
	out->step = (uint32_t)rrd__read_i64(&r);
	out->piranha = rrd__read_u8(&r);
	out->has_deadline = rrd__read_u8(&r);
	out->deadline = rrd__read_i64(&r);
	out->offers = rrd__read_i64(&r);
	int64_t n = rrd__read_i64(&r);
	if (!r.failed && (n < 0 || (uint64_t)n > r.left))
		r.failed = 1;
	for (int64_t i = 0; !r.failed && i < n; i++) {
		char *agent = rrd__read_str(&r, &nomem);
		uint32_t step = (uint32_t)rrd__read_i64(&r);
		uint8_t status = rrd__read_u8(&r);
		if (!r.failed && !agent)
			r.failed = 1;
		if (!r.failed && rrd__offer_add(out, agent, step, status)) {
			nomem = 1;
			r.failed = 1;
		}
		rrd__free(agent);
	}
	if (r.failed) {
		rrd__offer_state_clear(out);
		return nomem ? rrd__nomem()
			     : rrd__fail(RRD_E_STORE, "offers of record \"%s\" are malformed", record);
	}
	out->loaded = 1;
	return RRD_OK;
}

rrd_status rrd__offer_state_save(rrd_distributor *d, const char *record, const rrd_offer_state *s)
{
	rrd_buf b = { 0 };
	rrd__buf_u8(&b, OFFER_FORMAT);
	rrd__buf_u8(&b, (uint8_t)s->active);
	rrd__buf_str(&b, s->rule);
	rrd__buf_str(&b, s->pool);
	rrd__buf_i64(&b, s->step);
	rrd__buf_u8(&b, (uint8_t)s->piranha);
	rrd__buf_u8(&b, (uint8_t)s->has_deadline);
	rrd__buf_i64(&b, s->deadline);
	rrd__buf_i64(&b, s->offers);
	rrd__buf_i64(&b, (int64_t)s->count);
	for (size_t i = 0; i < s->count; i++) {
		rrd__buf_str(&b, s->entries[i].agent);
		rrd__buf_i64(&b, s->entries[i].step);
		rrd__buf_u8(&b, s->entries[i].status);
	}
	rrd_store *st = d->store;
	rrd_status rc = b.failed ? rrd__nomem()
				 : rrd__store_status(st->m.put(st->self, RRD_NS_ROUTING, record,
							       b.data, b.len, 0),
						     "writing a record's offers");
	rrd__buf_free(&b);
	return rc;
}

rrd_offer_entry *rrd__offer_find(rrd_offer_state *s, const char *agent, uint32_t step)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->entries[i].step == step && strcmp(s->entries[i].agent, agent) == 0)
			return &s->entries[i];
	return NULL;
}

uint8_t rrd__offer_outcome(const rrd_offer_state *s, const char *agent)
{
	uint8_t latest = 0;
	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(s->entries[i].agent, agent) != 0)
			continue;
		if (s->entries[i].status == OFFER_DECLINED)
			return OFFER_DECLINED;
		latest = s->entries[i].status;
	}
	return latest;
}

rrd_status rrd__offer_add(rrd_offer_state *s, const char *agent, uint32_t step, uint8_t status)
{
	char *copy = rrd__strdup(agent);
	if (!copy || rrd__grow((void **)&s->entries, &s->cap, s->count + 1, sizeof *s->entries)) {
		rrd__free(copy);
		return rrd__nomem();
	}
	s->entries[s->count++] = (rrd_offer_entry){ copy, step, status };
	return RRD_OK;
}

void rrd__offer_close_all(rrd_offer_state *s, uint8_t status)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->entries[i].status == OFFER_LIVE)
			s->entries[i].status = status;
}

size_t rrd__offer_live_count(const rrd_offer_state *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->count; i++)
		n += s->entries[i].status == OFFER_LIVE;
	return n;
}
