#include "model/record.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "model/agent.h"
#include "time/instant.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

#define NEED_RECORD(r)                                                     \
	do {                                                               \
		if (!(r))                                                  \
			return rrd__fail(RRD_E_INVALID, "record must not be NULL"); \
	} while (0)

static size_t kv_lower_bound(const rrd_kvlist *l, const char *key, int *found)
{
	size_t lo = 0, hi = l->count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->items[mid].key, key);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

const char *rrd__kvlist_get(const rrd_kvlist *l, const char *key)
{
	int found;
	size_t i = kv_lower_bound(l, key, &found);
	return found ? l->items[i].value : NULL;
}

/* Free a string of l's unless it is lent (rrd_kvlist) or its arena's. */
static void kv_release(const rrd_kvlist *l, char *s)
{
	uintptr_t p = (uintptr_t)s;
	if (!l->arena && (p < (uintptr_t)l->lent || p >= (uintptr_t)l->lent_end))
		rrd__free(s);
}

static char *kv_strdup(const rrd_kvlist *l, const char *s)
{
	return l->arena ? rrd__arena_strdup(l->arena, s) : rrd__strdup(s);
}

/* Room for `need` items in an array of l's own, so it may change: one
 * whose items are lent gets one, with room for one more, its strings
 * staying where they are. -1 when out of memory (l unchanged). */
static int kv_room(rrd_kvlist *l, size_t need)
{
	int lent = !l->cap && l->items;
	if (!lent && l->cap >= need)
		return 0;
	if (lent && need <= l->count)
		need = l->count + 1;
	if (!l->arena && !lent)
		return rrd__grow((void **)&l->items, &l->cap, need, sizeof(rrd_kv));
	/* An arena's array is left where it is when a larger one comes. */
	size_t cap = l->arena && need < 2 * l->cap ? 2 * l->cap : need;
	rrd_kv *items = l->arena ? rrd__arena_alloc(l->arena, cap * sizeof *items)
				 : rrd__malloc(cap * sizeof *items);
	if (!items)
		return -1;
	if (l->count)
		memcpy(items, l->items, l->count * sizeof *items);
	l->items = items;
	l->cap = cap;
	return 0;
}

/* rrd__kvlist_set, or rrd__kvlist_set_lent when not `copy`. */
static rrd_status kv_set(rrd_kvlist *l, const char *key, const char *value, int copy)
{
	int found;
	size_t i = kv_lower_bound(l, key, &found);
	if (kv_room(l, l->count + (value && !found)))
		return RRD_E_NOMEM;
	if (!value) {
		if (found) {
			kv_release(l, l->items[i].key);
			kv_release(l, l->items[i].value);
			memmove(&l->items[i], &l->items[i + 1], (l->count - i - 1) * sizeof(rrd_kv));
			l->count--;
		}
		return RRD_OK;
	}
	char *v = copy ? kv_strdup(l, value) : (char *)value;
	if (!v)
		return rrd__nomem();
	if (found) {
		kv_release(l, l->items[i].value);
		l->items[i].value = v;
		return RRD_OK;
	}
	char *k = copy ? kv_strdup(l, key) : (char *)key;
	if (!k) {
		kv_release(l, v);
		return rrd__nomem();
	}
	memmove(&l->items[i + 1], &l->items[i], (l->count - i) * sizeof(rrd_kv));
	l->items[i].key = k;
	l->items[i].value = v;
	l->count++;
	return RRD_OK;
}

rrd_status rrd__kvlist_set(rrd_kvlist *l, const char *key, const char *value)
{
	return kv_set(l, key, value, 1);
}

rrd_status rrd__kvlist_set_lent(rrd_kvlist *l, const char *key, const char *value)
{
	assert(l->arena);
	return kv_set(l, key, value, 0);
}

void rrd__kvlist_clear(rrd_kvlist *l)
{
	if (!l->items) /* most records have no attributes and no roles */
		return;
	if (l->arena) {
		*l = (rrd_kvlist){ .arena = l->arena };
		return;
	}
	if (l->cap) {
		for (size_t i = 0; i < l->count; i++) {
			kv_release(l, l->items[i].key);
			kv_release(l, l->items[i].value);
		}
		rrd__free(l->items);
	}
	memset(l, 0, sizeof *l);
}

rrd_status rrd__record_alloc(rrd_record **out, const char *id, size_t nid, rrd_kind kind,
			    const char *source, size_t nsrc)
{
	rrd_record *r = rrd__malloc(sizeof *r + nid + 2 + (source ? nsrc + 2 : 0));
	if (!r)
		return rrd__nomem();
	*r = (rrd_record){ .kind = kind, .status = RRD_RECORD_NEW, .created_at = RRD_TIME_NONE,
			   .reassigned_at = RRD_TIME_NONE };
	char *at = (char *)(r + 1);
	r->id = rrd__text_put(&at, id, nid);
	if (source)
		r->source = rrd__text_put(&at, source, nsrc);
	r->block_end = at;
	*out = r;
	return RRD_OK;
}

static rrd_status record_alloc(rrd_record **out, const char *id, rrd_kind kind,
			       const char *source)
{
	return rrd__record_alloc(out, id, strlen(id), kind, source, source ? strlen(source) : 0);
}

RRD_API rrd_status rrd_record_new(rrd_record **out, const char *id, rrd_kind kind)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = NULL;
	rrd_status rc = rrd__id_check(id, "record id");
	if (rc)
		return rc;
	if (!rrd_kind_name(kind))
		return rrd__fail(RRD_E_INVALID, "record \"%s\": %d is not a record kind", id, (int)kind);
	return record_alloc(out, id, kind, NULL);
}

RRD_API void rrd_record_free(rrd_record *r)
{
	if (!r || r->arena)
		return;
	rrd__record_release(r, r->source);
	rrd__record_release(r, r->owner);
	rrd__record_release(r, r->partner);
	rrd__record_release(r, r->follow_up);
	rrd__record_release(r, r->replaced_by);
	rrd__kvlist_clear(&r->attrs);
	rrd__kvlist_clear(&r->roles);
	rrd__free(r);
}

void rrd__record_release(rrd_record *r, char *s)
{
	uintptr_t p = (uintptr_t)s;
	if (!r->arena && (p < (uintptr_t)r || p >= (uintptr_t)r->block_end))
		rrd__free(s);
}

char *rrd__record_strdup(rrd_record *r, const char *s)
{
	return r->arena ? rrd__arena_strdup(r->arena, s) : rrd__strdup(s);
}

/* rrd__set_optional_id on a field of r, whose value may lie in r's block. */
static rrd_status set_field(rrd_record *r, char **field, const char *value, const char *what)
{
	char *owned = NULL;
	rrd_status rc = rrd__set_optional_id(&owned, value, what, RRD_ID_INPUT);
	if (!rc && owned && r->arena) {
		char *copy = rrd__arena_strdup(r->arena, owned);
		rrd__free(owned);
		if (!(owned = copy))
			rc = rrd__nomem();
	}
	if (!rc) {
		rrd__record_release(r, *field);
		*field = owned;
	}
	return rc;
}

/* Copy s to *at (rrd__text_put), moving it on; NULL for NULL. */
static char *copy_into(char **at, const char *s)
{
	return s ? rrd__text_put(at, s, strlen(s)) : NULL;
}

static size_t text_size(const char *s)
{
	return s ? strlen(s) + 2 : 0;
}

/* l's pairs into items, their strings at *at; lent from `block` (rrd_kvlist). */
static rrd_kvlist copy_list(const rrd_kvlist *l, rrd_kv *items, char **at, void *block,
			    const char *block_end)
{
	for (size_t i = 0; i < l->count; i++)
		items[i] = (rrd_kv){ copy_into(at, l->items[i].key), copy_into(at, l->items[i].value) };
	return (rrd_kvlist){ .items = l->count ? items : NULL, .count = l->count, .lent = block,
			     .lent_end = block_end };
}

/* A copy of r in one block, as a record read from a store is: it costs
 * one allocation and one free, whatever its attributes and roles. Under
 * the id `id`; `whole` copies everything, else only what a record given
 * to the library brings (kind, source, location, attributes), the rest
 * as a new record has it. NULL when out of memory. */
static rrd_record *block_copy(const rrd_record *r, const char *id, int whole)
{
	const char *const strings[] = { id, r->source };
	const char *const held[] = { r->owner, r->partner, r->follow_up, r->replaced_by };
	size_t text = 0, nroles = whole ? r->roles.count : 0, nkv = r->attrs.count + nroles;
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		text += text_size(strings[i]);
	for (size_t i = 0; whole && i < sizeof held / sizeof *held; i++)
		text += text_size(held[i]);
	for (size_t i = 0; i < r->attrs.count; i++)
		text += text_size(r->attrs.items[i].key) + text_size(r->attrs.items[i].value);
	for (size_t i = 0; i < nroles; i++)
		text += text_size(r->roles.items[i].key) + text_size(r->roles.items[i].value);
	rrd_record *c = rrd__malloc(sizeof *c + nkv * sizeof(rrd_kv) + text);
	if (!c)
		return NULL;
	rrd_kv *items = (rrd_kv *)(void *)(c + 1);
	char *at = (char *)(items + nkv);
	*c = (rrd_record){ .kind = r->kind, .has_location = r->has_location, .lat = r->lat,
			   .lon = r->lon, .status = RRD_RECORD_NEW, .created_at = RRD_TIME_NONE,
			   .reassigned_at = RRD_TIME_NONE, .block_end = at + text };
	c->id = copy_into(&at, id);
	c->source = copy_into(&at, r->source);
	c->attrs = copy_list(&r->attrs, items, &at, c, c->block_end);
	if (whole) {
		c->status = r->status;
		c->created_at = r->created_at;
		c->reassigned_at = r->reassigned_at;
		c->owner = copy_into(&at, r->owner);
		c->partner = copy_into(&at, r->partner);
		c->follow_up = copy_into(&at, r->follow_up);
		c->replaced_by = copy_into(&at, r->replaced_by);
		c->roles = copy_list(&r->roles, items + r->attrs.count, &at, c, c->block_end);
	}
	return c;
}

RRD_API rrd_status rrd_record_dup(rrd_record **out, const rrd_record *r)
{
	NEED_RECORD(r);
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = block_copy(r, r->id, 1);
	return *out ? RRD_OK : rrd__nomem();
}

rrd_status rrd__record_new_from(rrd_record **out, const char *id, const rrd_record *r)
{
	*out = NULL;
	/* A record's own id was checked when the record was made: a copy for
	 * routing, made for every record submitted, need not check it again. */
	rrd_status rc = id == r->id ? RRD_OK : rrd__id_check(id, "record id");
	if (rc)
		return rc;
	*out = block_copy(r, id, 0);
	return *out ? RRD_OK : rrd__nomem();
}

RRD_API const char *rrd_record_id(const rrd_record *r)
{
	return r ? r->id : NULL;
}

RRD_API rrd_kind rrd_record_kind(const rrd_record *r)
{
	return r ? r->kind : (rrd_kind)0;
}

RRD_API rrd_status rrd_record_set_source(rrd_record *r, const char *source)
{
	NEED_RECORD(r);
	return set_field(r, &r->source, source, "source");
}

RRD_API const char *rrd_record_source(const rrd_record *r)
{
	return r ? r->source : NULL;
}

RRD_API rrd_status rrd_record_set_attr(rrd_record *r, const char *key, const char *value)
{
	NEED_RECORD(r);
	rrd_status rc = rrd__id_check(key, "attribute name");
	if (!rc && value)
		rc = rrd__text_check(value, "attribute value");
	return rc ? rc : rrd__kvlist_set(&r->attrs, key, value);
}

RRD_API const char *rrd_record_attr(const rrd_record *r, const char *key)
{
	return r && key ? rrd__kvlist_get(&r->attrs, key) : NULL;
}

RRD_API size_t rrd_record_attr_count(const rrd_record *r)
{
	return r ? r->attrs.count : 0;
}

static rrd_status kv_at(const rrd_kvlist *l, size_t i, const char **key, const char **value)
{
	if (i >= l->count)
		return rrd__fail(RRD_E_INVALID, "index %zu is out of range", i);
	if (key)
		*key = l->items[i].key;
	if (value)
		*value = l->items[i].value;
	return RRD_OK;
}

RRD_API rrd_status rrd_record_attr_at(const rrd_record *r, size_t i, const char **key,
				      const char **value)
{
	NEED_RECORD(r);
	return kv_at(&r->attrs, i, key, value);
}

RRD_API rrd_status rrd_record_set_location(rrd_record *r, double lat, double lon)
{
	NEED_RECORD(r);
	rrd_status rc = rrd__check_location(lat, lon);
	if (rc)
		return rc;
	r->has_location = 1;
	r->lat = lat;
	r->lon = lon;
	return RRD_OK;
}

RRD_API rrd_status rrd_record_clear_location(rrd_record *r)
{
	NEED_RECORD(r);
	r->has_location = 0;
	r->lat = r->lon = 0;
	return RRD_OK;
}

RRD_API int rrd_record_location(const rrd_record *r, double *lat, double *lon)
{
	if (!r || !r->has_location)
		return 0;
	if (lat)
		*lat = r->lat;
	if (lon)
		*lon = r->lon;
	return 1;
}

RRD_API rrd_status rrd_record_set_status(rrd_record *r, rrd_record_status status)
{
	NEED_RECORD(r);
	if (!rrd_record_status_name(status))
		return rrd__fail(RRD_E_INVALID, "record \"%s\": %d is not a record status", r->id,
				 (int)status);
	r->status = status;
	return RRD_OK;
}

RRD_API rrd_record_status rrd_record_status_of(const rrd_record *r)
{
	return r ? r->status : (rrd_record_status)0;
}

RRD_API rrd_status rrd_record_set_owner(rrd_record *r, const char *agent_id)
{
	NEED_RECORD(r);
	return set_field(r, &r->owner, agent_id, "owner agent id");
}

RRD_API const char *rrd_record_owner(const rrd_record *r)
{
	return r ? r->owner : NULL;
}

RRD_API rrd_status rrd_record_set_role(rrd_record *r, const char *role, const char *agent_id)
{
	NEED_RECORD(r);
	rrd_status rc = rrd__id_check(role, "role name");
	if (!rc && agent_id)
		rc = rrd__id_check(agent_id, "role agent id");
	return rc ? rc : rrd__kvlist_set(&r->roles, role, agent_id);
}

RRD_API const char *rrd_record_role(const rrd_record *r, const char *role)
{
	return r && role ? rrd__kvlist_get(&r->roles, role) : NULL;
}

RRD_API size_t rrd_record_role_count(const rrd_record *r)
{
	return r ? r->roles.count : 0;
}

RRD_API rrd_status rrd_record_role_at(const rrd_record *r, size_t i, const char **role,
				      const char **agent_id)
{
	NEED_RECORD(r);
	return kv_at(&r->roles, i, role, agent_id);
}

RRD_API rrd_status rrd_record_set_partner(rrd_record *r, const char *partner)
{
	NEED_RECORD(r);
	return set_field(r, &r->partner, partner, "partner");
}

RRD_API const char *rrd_record_partner(const rrd_record *r)
{
	return r ? r->partner : NULL;
}

RRD_API rrd_status rrd_record_set_follow_up(rrd_record *r, const char *status)
{
	NEED_RECORD(r);
	return set_field(r, &r->follow_up, status, "follow-up status");
}

RRD_API const char *rrd_record_follow_up(const rrd_record *r)
{
	return r ? r->follow_up : NULL;
}

RRD_API rrd_status rrd_record_set_created_at(rrd_record *r, rrd_time t)
{
	NEED_RECORD(r);
	rrd_status rc = t == RRD_TIME_NONE ? RRD_OK : rrd__time_check(t, "created_at");
	if (rc)
		return rc;
	r->created_at = t;
	return RRD_OK;
}

RRD_API rrd_time rrd_record_created_at(const rrd_record *r)
{
	return r ? r->created_at : RRD_TIME_NONE;
}

RRD_API rrd_status rrd_record_set_reassigned_at(rrd_record *r, rrd_time t)
{
	NEED_RECORD(r);
	rrd_status rc = t == RRD_TIME_NONE ? RRD_OK : rrd__time_check(t, "reassigned_at");
	if (rc)
		return rc;
	r->reassigned_at = t;
	return RRD_OK;
}

RRD_API rrd_time rrd_record_reassigned_at(const rrd_record *r)
{
	return r ? r->reassigned_at : RRD_TIME_NONE;
}

RRD_API const char *rrd_record_replaced_by(const rrd_record *r)
{
	return r ? r->replaced_by : NULL;
}

rrd_status rrd__record_set_replaced_by(rrd_record *r, const char *id)
{
	return set_field(r, &r->replaced_by, id, "record id");
}

rrd_status rrd__record_check_import(const rrd_record *r)
{
	const char *status = rrd_record_status_name(r->status);
	switch (r->status) {
	case RRD_RECORD_OFFERED:
		return rrd__fail(RRD_E_INVALID,
				 "an offered record cannot be imported: there is no offer to import");
	case RRD_RECORD_PENDING:
	case RRD_RECORD_CLAIMED:
		if (!r->owner)
			return rrd__fail(RRD_E_INVALID, "a %s record needs an owner", status);
		return RRD_OK;
	case RRD_RECORD_NEW:
	case RRD_RECORD_QUEUED:
		if (r->owner)
			return rrd__fail(RRD_E_INVALID,
					 "a %s record has no owner, but this one names \"%s\"",
					 status, r->owner);
		return RRD_OK;
	default:
		return RRD_OK; /* deactivated: with its last owner or none */
	}
}
