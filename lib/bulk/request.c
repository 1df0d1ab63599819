/* The description of a redistribution, as the host builds it. */
#include <string.h>

#include "bulk/bulk.h"
#include "time/instant.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/id.h"

#define NEED(rd)                                                                          \
	do {                                                                              \
		if (!(rd))                                                                \
			return rrd__fail(RRD_E_INVALID, "redistribution must not be NULL"); \
	} while (0)

static void idlist_clear(rrd_rd_idlist *l)
{
	for (size_t i = 0; i < l->count; i++)
		rrd__free(l->items[i]);
	rrd__free(l->items);
	l->items = NULL;
	l->count = 0;
}

/* A checked copy of ids[0..n): valid, non-empty, no repeats. */
static rrd_status idlist_make(rrd_rd_idlist *out, const char *const *ids, size_t n,
			      const char *what)
{
	if (!n || !ids)
		return rrd__fail(RRD_E_INVALID, "a list of %ss must not be empty", what);
	rrd_hashmap seen = { 0 };
	rrd_rd_idlist l = { rrd__calloc(n, sizeof(char *)), 0 };
	rrd_status rc = l.items ? RRD_OK : rrd__nomem();
	for (size_t i = 0; !rc && i < n; i++) {
		uint32_t v;
		if ((rc = rrd__id_check(ids[i], what)))
			break;
		if (rrd__hashmap_get(&seen, ids[i], &v)) {
			rc = rrd__fail(RRD_E_INVALID, "%s \"%s\" is listed twice", what, ids[i]);
			break;
		}
		if (!(l.items[i] = rrd__strdup(ids[i])) || rrd__hashmap_put(&seen, ids[i], 0))
			rc = rrd__nomem();
		l.count = i + 1;
	}
	rrd__hashmap_free(&seen);
	if (rc) {
		idlist_clear(&l);
		return rc;
	}
	*out = l;
	return RRD_OK;
}

static rrd_status strlist_make(rrd_strlist *out, const char *const *items, size_t n,
			       const char *what)
{
	if (n && !items)
		return rrd__fail(RRD_E_INVALID, "%ss must not be NULL", what);
	rrd_strlist l = { 0 };
	rrd_status rc = RRD_OK;
	for (size_t i = 0; !rc && i < n; i++)
		if (!(rc = rrd__id_check(items[i], what)))
			rc = rrd__strlist_add(&l, items[i]);
	if (rc) {
		rrd__strlist_clear(&l);
		return rc;
	}
	rrd__strlist_clear(out);
	*out = l;
	return RRD_OK;
}

static void clear_source(rrd_redistribution *rd)
{
	rrd__free(rd->agent);
	rd->agent = NULL;
	rrd__strlist_clear(&rd->roles);
	idlist_clear(&rd->records);
	rd->has_kind = 0;
	rrd__free(rd->owner);
	rd->owner = NULL;
	rd->status = 0;
	rrd__strlist_clear(&rd->owner_types);
	rrd__kvlist_clear(&rd->attrs);
	rd->has_since = 0;
	rd->from = RD_FROM_NONE;
}

RRD_API rrd_status rrd_redistribution_new(rrd_redistribution **out)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	rrd_redistribution *rd = rrd__calloc(1, sizeof *rd);
	if (!rd)
		return rrd__nomem();
	rd->notify = 1;
	*out = rd;
	return RRD_OK;
}

RRD_API void rrd_redistribution_free(rrd_redistribution *rd)
{
	if (!rd)
		return;
	clear_source(rd);
	idlist_clear(&rd->to_agents);
	rrd__strlist_clear(&rd->to_types);
	rrd__free(rd);
}

RRD_API rrd_status rrd_redistribution_from_agent(rrd_redistribution *rd, const char *agent_id,
						 const char *const *roles, size_t nroles)
{
	NEED(rd);
	rrd_strlist l = { 0 };
	rrd_status rc = rrd__id_check(agent_id, "agent id");
	if (!rc)
		rc = strlist_make(&l, roles, nroles, "role");
	if (rc)
		return rc;
	char *agent = rrd__strdup(agent_id);
	if (!agent) {
		rrd__strlist_clear(&l);
		return rrd__nomem();
	}
	clear_source(rd);
	rd->agent = agent;
	rd->roles = l;
	rd->from = RD_FROM_AGENT;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_from_records(rrd_redistribution *rd,
						   const char *const *ids, size_t n)
{
	NEED(rd);
	rrd_rd_idlist l;
	rrd_status rc = idlist_make(&l, ids, n, "record id");
	if (rc)
		return rc;
	clear_source(rd);
	rd->records = l;
	rd->from = RD_FROM_RECORDS;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_from_filter(rrd_redistribution *rd)
{
	NEED(rd);
	if (rd->from != RD_FROM_FILTER) {
		clear_source(rd);
		rd->from = RD_FROM_FILTER;
	}
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_filter_kind(rrd_redistribution *rd, rrd_kind kind)
{
	NEED(rd);
	if (!rrd_kind_name(kind))
		return rrd__fail(RRD_E_INVALID, "%d is not a record kind", (int)kind);
	rrd_redistribution_from_filter(rd);
	rd->has_kind = 1;
	rd->kind = kind;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_filter_owner(rrd_redistribution *rd, const char *agent_id)
{
	NEED(rd);
	rrd_status rc = rrd__id_check(agent_id, "agent id");
	if (rc)
		return rc;
	char *owner = rrd__strdup(agent_id);
	if (!owner)
		return rrd__nomem();
	rrd_redistribution_from_filter(rd);
	rrd__free(rd->owner);
	rd->owner = owner;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_filter_status(rrd_redistribution *rd,
						    rrd_record_status status)
{
	NEED(rd);
	if (!rrd_record_status_name(status))
		return rrd__fail(RRD_E_INVALID, "%d is not a record status", (int)status);
	rrd_redistribution_from_filter(rd);
	rd->status = status;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_filter_owner_types(rrd_redistribution *rd,
							 const char *const *types, size_t n)
{
	NEED(rd);
	rrd_strlist l = { 0 };
	rrd_status rc = strlist_make(&l, types, n, "agent type");
	if (rc)
		return rc;
	rrd_redistribution_from_filter(rd);
	rrd__strlist_clear(&rd->owner_types);
	rd->owner_types = l;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_filter_attr(rrd_redistribution *rd, const char *key,
						  const char *value)
{
	NEED(rd);
	if (!key || !value)
		return rrd__fail(RRD_E_INVALID, "attribute key and value must not be NULL");
	rrd_status checked = rrd__id_check(key, "attribute name");
	if (checked || (checked = rrd__text_check(value, "attribute value")))
		return checked;
	if (rd->from != RD_FROM_FILTER) {
		/* Make room first, so a failure leaves the source as it was. */
		rrd_kvlist l = { 0 };
		rrd_status rc = rrd__kvlist_set(&l, key, value);
		if (rc)
			return rc;
		rrd_redistribution_from_filter(rd);
		rd->attrs = l;
		return RRD_OK;
	}
	return rrd__kvlist_set(&rd->attrs, key, value);
}

RRD_API rrd_status rrd_redistribution_filter_reassigned_since(rrd_redistribution *rd,
							      rrd_time t)
{
	NEED(rd);
	rrd_status rc = rrd__time_check(t, "reassigned_since");
	if (rc)
		return rc;
	rrd_redistribution_from_filter(rd);
	rd->has_since = 1;
	rd->since = t;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_to_agents(rrd_redistribution *rd,
						const char *const *ids, size_t n)
{
	NEED(rd);
	rrd_rd_idlist l;
	rrd_status rc = idlist_make(&l, ids, n, "agent id");
	if (rc)
		return rc;
	idlist_clear(&rd->to_agents);
	rrd__strlist_clear(&rd->to_types);
	rd->to_agents = l;
	rd->to = RD_TO_AGENTS;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_to_types(rrd_redistribution *rd,
					       const char *const *types, size_t n)
{
	NEED(rd);
	if (!n)
		return rrd__fail(RRD_E_INVALID, "a list of agent types must not be empty");
	rrd_strlist l = { 0 };
	rrd_status rc = strlist_make(&l, types, n, "agent type");
	if (rc)
		return rc;
	idlist_clear(&rd->to_agents);
	rrd__strlist_clear(&rd->to_types);
	rd->to_types = l;
	rd->to = RD_TO_TYPES;
	return RRD_OK;
}

RRD_API rrd_status rrd_redistribution_set_notify(rrd_redistribution *rd, int notify)
{
	NEED(rd);
	rd->notify = notify ? 1 : 0;
	return RRD_OK;
}
