/* What a redistribution means now: its targets and the records it moves. */
#include <stdint.h>
#include <string.h>

#include "bulk/bulk.h"
#include "util/alloc.h"
#include "util/error.h"

static int same(const char *a, const char *b)
{
	return a && b && rrd__str_eq(a, b);
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

/* The value a view's list holds for `key` as a built record's would: the
 * last pair of that key (absent: p NULL). */
static rrd_slice view_get(const rrd_record_view *v, const rrd_view_pairs *l, const char *key)
{
	rrd_slice found = { NULL, 0 }, k, val;
	size_t n = strlen(key);
	rrd_view_iter it;
	rrd__view_iter(v, l, &it);
	while (rrd__view_next(&it, &k, &val))
		if (rrd__slice_cmp(k, key, n) == 0) {
			found = val;
			if (l->ordered)
				break; /* no key twice */
		}
	return found;
}

static int takes_role_view(const rrd_redistribution *rd, rrd_slice role, rrd_slice holder)
{
	if (!rrd__slice_is(holder, rd->agent))
		return 0;
	if (!rd->roles.count)
		return 1;
	for (size_t i = 0; i < rd->roles.count; i++)
		if (rrd__slice_cmp(role, rd->roles.items[i], strlen(rd->roles.items[i])) == 0)
			return 1;
	return 0;
}

/* Whether the record holds a role the source agent gives up. A role
 * given twice counts as a built record has it: its last pair. */
static int holds_role(const rrd_redistribution *rd, const rrd_record_view *v)
{
	rrd_slice k, val;
	rrd_view_iter it;
	rrd__view_iter(v, &v->roles, &it);
	while (rrd__view_next(&it, &k, &val)) {
		if (!takes_role_view(rd, k, val))
			continue;
		if (v->roles.ordered)
			return 1;
		char key[RRD_ID_MAX + 1];
		if (k.n > RRD_ID_MAX)
			return 1; /* no other key is this one */
		memcpy(key, k.p, k.n);
		key[k.n] = '\0';
		rrd_slice last = view_get(v, &v->roles, key);
		if (last.p == val.p)
			return 1;
	}
	return 0;
}

static int owner_has_type(rrd_distributor *d, const rrd_strlist *types, rrd_slice owner)
{
	char id[RRD_ID_MAX + 1];
	if (!owner.p || owner.n > RRD_ID_MAX)
		return 0; /* no agent has so long an id */
	memcpy(id, owner.p, owner.n);
	id[owner.n] = '\0';
	const rrd_agent_rt *a = rrd__agent_find(d, id);
	return a && has_any_type(a, types);
}

static int matches(rrd_distributor *d, const rrd_redistribution *rd, const rrd_record_view *v)
{
	if (rd->from == RD_FROM_AGENT)
		return rd->roles.count ? holds_role(rd, v) : rrd__slice_is(v->owner, rd->agent);
	if (rd->has_kind && v->kind != rd->kind)
		return 0;
	if (rd->owner && !rrd__slice_is(v->owner, rd->owner))
		return 0;
	if (rd->status && v->status != rd->status)
		return 0;
	if (rd->owner_types.count && !owner_has_type(d, &rd->owner_types, v->owner))
		return 0;
	for (size_t i = 0; i < rd->attrs.count; i++) {
		rrd_slice val = view_get(v, &v->attrs, rd->attrs.items[i].key);
		if (!rrd__slice_is(val, rd->attrs.items[i].value))
			return 0;
	}
	if (rd->has_since && (v->reassigned_at == RRD_TIME_NONE || v->reassigned_at < rd->since))
		return 0;
	return 1;
}

/* Copy s with a NUL to the picks' text; its offset there, which
 * rrd__rd_select turns into a pointer once the text stops moving. */
static const char *pick_text(rrd_rd_selection *s, rrd_slice str)
{
	size_t at = s->text.len;
	unsigned char *to = rrd__buf_room(&s->text, str.n + 1);
	if (to) {
		memcpy(to, str.p, str.n);
		to[str.n] = '\0';
		s->text.len += str.n + 1;
	}
	return (const char *)(uintptr_t)at;
}

/* Take a record into the selection: moved, held, or (deactivated) left
 * out. */
static rrd_status consider(rrd_rd_selection *s, rrd_slice id, rrd_slice owner,
			   rrd_record_status status)
{
	if (status == RRD_RECORD_DEACTIVATED)
		return RRD_OK;
	if (status == RRD_RECORD_OFFERED) {
		s->held++;
		return RRD_OK;
	}
	if (rrd__grow((void **)&s->picks, &s->picks_cap, s->npicks + 1, sizeof *s->picks))
		return rrd__nomem();
	const char *id_at = pick_text(s, id);
	const char *owner_at = owner.p ? pick_text(s, owner) : NULL;
	if (s->text.failed)
		return rrd__nomem();
	s->picks[s->npicks++] = (rrd_rd_pick){ id_at, owner_at, status };
	return RRD_OK;
}

typedef struct select_ctx {
	rrd_distributor *d;
	const rrd_redistribution *rd;
	rrd_rd_selection *s;
	size_t next;         /* the named record to come next */
	rrd_status rc;
	/* Listed by the index: the owner, and the ids of the records to
	 * read when the index alone cannot tell whether one matches. */
	rrd_slice owner;
	rrd_buf ids;
	size_t *id_at;
	size_t nids, id_cap;
} select_ctx;

/* Look at a stored record: take it into the selection when `check` says
 * it matches (a record named by the redistribution is taken whatever it
 * holds). */
static rrd_status look(select_ctx *c, const void *value, size_t len, int check)
{
	rrd_record_view v;
	rrd_status rc = rrd__record_view(value, len, &v);
	if (!rc && (!check || matches(c->d, c->rd, &v)))
		rc = consider(c->s, v.id, v.owner, v.status);
	return rc;
}

static int scan_one(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	select_ctx *c = ctx;
	(void)key;
	(void)order;
	c->rc = look(c, value, len, 1);
	return c->rc != RRD_OK;
}

/* The records a redistribution names come in their order; the first the
 * store lacks is refused, before any after it is looked at. */
static rrd_status named_one(rrd_distributor *d, void *ctx, size_t i, const void *value,
			    size_t len, int64_t order)
{
	select_ctx *c = ctx;
	(void)d;
	(void)order;
	if (i != c->next)
		return rrd__fail(RRD_E_UNKNOWN_RECORD, "no record \"%s\"",
				 c->rd->records.items[c->next]);
	c->next++;
	return look(c, value, len, 0);
}

/* The owner whose records a redistribution takes, when the index lists
 * them all: the agent it empties (but of some roles only: those go by
 * holder, not owner), or the owner a filter names. NULL otherwise. */
static const char *listed_owner(rrd_distributor *d, const rrd_redistribution *rd)
{
	const char *owner = rd->from == RD_FROM_AGENT && !rd->roles.count ? rd->agent
			    : rd->from == RD_FROM_FILTER ? rd->owner : NULL;
	return owner && rrd__by_owner_lists(d, owner) ? owner : NULL;
}

/* Whether a filter asks of a record more than its owner and status,
 * which the index holds. */
static int asks_more(const rrd_redistribution *rd)
{
	return rd->from == RD_FROM_FILTER && (rd->has_kind || rd->attrs.count || rd->has_since);
}

/* One record of the owner, as the index has it: taken, unless the
 * filter's status or the owner's types leave it out, or kept to be read
 * when the filter asks more. */
static rrd_status listed_one(void *ctx, const char *record, rrd_record_status status)
{
	select_ctx *c = ctx;
	const rrd_redistribution *rd = c->rd;
	if (rd->from == RD_FROM_FILTER && rd->status && status != rd->status)
		return RRD_OK;
	rrd_slice id = { record, strlen(record) };
	if (!asks_more(rd))
		return consider(c->s, id, c->owner, status);
	if (rrd__grow((void **)&c->id_at, &c->id_cap, c->nids + 1, sizeof *c->id_at))
		return rrd__nomem();
	c->id_at[c->nids++] = c->ids.len;
	rrd__buf_put(&c->ids, record, id.n + 1);
	return c->ids.failed ? rrd__nomem() : RRD_OK;
}

/* A record the index listed, read: taken when it matches. */
static rrd_status listed_read(rrd_distributor *d, void *ctx, size_t i, const void *value,
			      size_t len, int64_t order)
{
	(void)d;
	(void)i;
	(void)order;
	return look(ctx, value, len, 1);
}

/* The records of `owner`, from the index, in the order the store holds
 * them all: that of their creation. */
static rrd_status select_listed(select_ctx *c, const char *owner)
{
	const rrd_redistribution *rd = c->rd;
	c->owner = (rrd_slice){ owner, strlen(owner) };
	/* The owner's types are the owner's: they leave out all or none. */
	if (rd->from == RD_FROM_FILTER && rd->owner_types.count &&
	    !owner_has_type(c->d, &rd->owner_types, c->owner))
		return RRD_OK;
	rrd_status rc = rrd__by_owner_each(c->d, owner, listed_one, c);
	if (rc || !c->nids)
		return rc;
	const char **ids = rrd__malloc(c->nids * sizeof *ids);
	if (!ids)
		return rrd__nomem();
	for (size_t i = 0; i < c->nids; i++)
		ids[i] = (const char *)c->ids.data + c->id_at[i];
	rc = rrd__get_many(c->d, RRD_NS_RECORD, c->nids, ids, listed_read, c, "reading records");
	rrd__free(ids);
	return rc;
}

static rrd_status select_records(select_ctx *c)
{
	const rrd_redistribution *rd = c->rd;
	if (rd->from == RD_FROM_RECORDS) {
		/* The records named, read in one go, in their order; the first
		 * the store lacks is refused. */
		size_t n = rd->records.count;
		rrd_status rc = rrd__get_many(c->d, RRD_NS_RECORD, n,
					      (const char *const *)rd->records.items, named_one, c,
					      "reading records");
		if (!rc && c->next < n)
			rc = rrd__fail(RRD_E_UNKNOWN_RECORD, "no record \"%s\"",
				       rd->records.items[c->next]);
		return rc;
	}
	/* The store holds every record in creation order; the cache may
	 * hold only some, and at the start of a transaction they agree. */
	const char *owner = listed_owner(c->d, rd);
	if (owner)
		return select_listed(c, owner);
	rrd_store *st = c->d->store;
	int rc = st->m.scan(st->self, RRD_NS_RECORD, "", scan_one, c);
	if (c->rc)
		return c->rc;
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
	select_ctx c = { .d = d, .rd = rd, .s = out };
	if (!rc)
		rc = select_records(&c);
	rrd__buf_free(&c.ids);
	rrd__free(c.id_at);
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
