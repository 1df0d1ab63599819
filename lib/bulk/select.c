/* What a redistribution means now: its targets and the records it moves. */
#include <stdint.h>
#include <string.h>

#include "bulk/bulk.h"
#include "util/alloc.h"
#include "util/error.h"

static int same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int rrd__rd_takes_role(const rrd_redistribution *rd, const char *role, const char *holder)
{
	if (rd->from != RD_FROM_AGENT || !same(holder, rd->agent))
		return 0;
	return !rd->roles.count || rrd__strlist_find(&rd->roles, role) >= 0;
}

static int has_any_type(const rrd_agent_rt *a, const rrd_strlist *types)
{
	for (size_t i = 0; i < types->count; i++)
		if (rrd__strlist_find(&a->cfg->types, types->items[i]) >= 0)
			return 1;
	return 0;
}

static rrd_status resolve_targets(rrd_distributor *d, const rrd_redistribution *rd,
				  rrd_rd_selection *s)
{
	if (rd->to == RD_TO_NONE)
		return rrd__fail(RRD_E_INVALID, "a redistribution needs targets");
	size_t cap = rd->to == RD_TO_AGENTS ? rd->to_agents.count : d->nagents;
	if (!(s->targets = rrd__malloc((cap ? cap : 1) * sizeof *s->targets)))
		return rrd__nomem();
	if (rd->to == RD_TO_AGENTS) {
		for (size_t i = 0; i < rd->to_agents.count; i++) {
			rrd_agent_rt *a = rrd__agent_find(d, rd->to_agents.items[i]);
			if (!a)
				return rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"",
						 rd->to_agents.items[i]);
			if (!a->cfg->active)
				return rrd__fail(RRD_E_INVALID, "agent \"%s\" is inactive", a->id);
			if (!(s->targets[s->ntargets] = rrd__strdup(a->id)))
				return rrd__nomem();
			s->ntargets++;
		}
		return RRD_OK;
	}
	const char *source = rd->from == RD_FROM_AGENT ? rd->agent
			     : rd->from == RD_FROM_FILTER ? rd->owner : NULL;
	for (size_t i = 0; i < d->nagents; i++) {
		const rrd_agent_rt *a = d->agents[i];
		if (a->cfg->active && !a->cfg->paused && !same(a->id, source) &&
		    has_any_type(a, &rd->to_types)) {
			if (!(s->targets[s->ntargets] = rrd__strdup(a->id)))
				return rrd__nomem();
			s->ntargets++;
		}
	}
	if (!s->ntargets)
		return rrd__fail(RRD_E_NO_ELIGIBLE, "no active, unpaused agent has those types");
	return RRD_OK;
}

static int matches(rrd_distributor *d, const rrd_redistribution *rd, const rrd_record *r)
{
	if (rd->from == RD_FROM_AGENT) {
		if (!rd->roles.count)
			return same(r->owner, rd->agent);
		for (size_t i = 0; i < r->roles.count; i++)
			if (rrd__rd_takes_role(rd, r->roles.items[i].key, r->roles.items[i].value))
				return 1;
		return 0;
	}
	if (rd->has_kind && r->kind != rd->kind)
		return 0;
	if (rd->owner && !same(r->owner, rd->owner))
		return 0;
	if (rd->status && r->status != rd->status)
		return 0;
	if (rd->owner_types.count) {
		const rrd_agent_rt *a = r->owner ? rrd__agent_find(d, r->owner) : NULL;
		if (!a || !has_any_type(a, &rd->owner_types))
			return 0;
	}
	for (size_t i = 0; i < rd->attrs.count; i++) {
		const char *v = rrd__kvlist_get(&r->attrs, rd->attrs.items[i].key);
		if (!v || strcmp(v, rd->attrs.items[i].value) != 0)
			return 0;
	}
	if (rd->has_since && (r->reassigned_at == RRD_TIME_NONE || r->reassigned_at < rd->since))
		return 0;
	return 1;
}

/* Copy s with its NUL to the picks' text; its offset there, which
 * rrd__rd_select turns into a pointer once the text stops moving. */
static const char *pick_text(rrd_rd_selection *s, const char *str)
{
	size_t at = s->text.len;
	rrd__buf_put(&s->text, str, strlen(str) + 1);
	return (const char *)(uintptr_t)at;
}

/* Take a record into the selection: moved, held, or (deactivated) left
 * out. */
static rrd_status consider(rrd_rd_selection *s, const rrd_record *r)
{
	if (r->status == RRD_RECORD_DEACTIVATED)
		return RRD_OK;
	if (r->status == RRD_RECORD_OFFERED) {
		s->held++;
		return RRD_OK;
	}
	if (rrd__grow((void **)&s->picks, &s->picks_cap, s->npicks + 1, sizeof *s->picks))
		return rrd__nomem();
	const char *id = pick_text(s, r->id);
	const char *owner = r->owner ? pick_text(s, r->owner) : NULL;
	if (s->text.failed)
		return rrd__nomem();
	s->picks[s->npicks++] = (rrd_rd_pick){ id, owner, r->status };
	return RRD_OK;
}

typedef struct scan_ctx {
	rrd_distributor *d;
	const rrd_redistribution *rd;
	rrd_rd_selection *s;
	rrd_buf room; /* every record is read into it in turn */
	rrd_status rc;
} scan_ctx;

static int scan_one(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	scan_ctx *c = ctx;
	(void)key;
	(void)order;
	rrd_record *r;
	if ((c->rc = rrd__record_decode_in(value, len, &c->room, &r)))
		return 1;
	if (matches(c->d, c->rd, r))
		c->rc = consider(c->s, r);
	return c->rc != RRD_OK;
}

static rrd_status select_records(rrd_distributor *d, const rrd_redistribution *rd,
				 rrd_rd_selection *s)
{
	if (rd->from == RD_FROM_RECORDS) {
		for (size_t i = 0; i < rd->records.count; i++) {
			rrd_rec_rt *rec;
			rrd_status rc = rrd__rec_get(d, rd->records.items[i], &rec);
			if (!rc)
				rc = consider(s, rec->r);
			if (rc)
				return rc;
		}
		return RRD_OK;
	}
	/* The store holds every record in creation order; the cache may
	 * hold only some, and at the start of a transaction they agree. */
	scan_ctx c = { d, rd, s, { 0 }, RRD_OK };
	rrd_store *st = d->store;
	int rc = st->m.scan(st->self, RRD_NS_RECORD, "", scan_one, &c);
	rrd__buf_free(&c.room);
	if (c.rc)
		return c.rc;
	return rrd__store_status(rc, "reading records");
}

rrd_status rrd__rd_select(rrd_distributor *d, const rrd_redistribution *rd, rrd_rd_selection *out)
{
	memset(out, 0, sizeof *out);
	if (rd->from == RD_FROM_NONE)
		return rrd__fail(RRD_E_INVALID, "a redistribution needs a source");
	if (rd->from == RD_FROM_AGENT && !rrd__agent_find(d, rd->agent))
		return rrd__fail(RRD_E_UNKNOWN_AGENT, "no agent \"%s\"", rd->agent);
	rrd_status rc = resolve_targets(d, rd, out);
	if (!rc)
		rc = select_records(d, rd, out);
	/* The text no longer moves. */
	for (size_t i = 0; !rc && i < out->npicks; i++) {
		rrd_rd_pick *p = &out->picks[i];
		p->id = (const char *)out->text.data + (uintptr_t)p->id;
		if (p->owner)
			p->owner = (const char *)out->text.data + (uintptr_t)p->owner;
	}
	if (!rc && out->npicks > (size_t)d->opts.redistribute_max)
		rc = rrd__fail(RRD_E_LIMIT, "%zu records would move; the limit is %lld", out->npicks,
			       (long long)d->opts.redistribute_max);
	if (rc)
		rrd__rd_selection_free(out);
	return rc;
}

void rrd__rd_selection_free(rrd_rd_selection *s)
{
	rrd__free(s->picks);
	rrd__buf_free(&s->text);
	for (size_t i = 0; i < s->ntargets; i++)
		rrd__free(s->targets[i]);
	rrd__free(s->targets);
	memset(s, 0, sizeof *s);
}
