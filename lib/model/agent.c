#include "model/agent.h"

#include <math.h>
#include <string.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

#define WEIGHT_MAX 1000000

RRD_API rrd_status rrd_agent_new(rrd_agent **out, const char *id)
{
	return rrd__agent_new(out, id, RRD_ID_INPUT);
}

rrd_status rrd__agent_new(rrd_agent **out, const char *id, rrd_id_rule rule)
{
	if (!out)
		return rrd__fail(RRD_E_INVALID, "out must not be NULL");
	*out = NULL;
	rrd_status rc = rrd__id_check_as(id, "agent id", rule);
	if (rc)
		return rc;
	rrd_agent *a = rrd__calloc(1, sizeof *a);
	if (!a)
		return rrd__nomem();
	a->id = rrd__strdup(id);
	if (!a->id) {
		rrd__free(a);
		return rrd__nomem();
	}
	a->active = 1;
	a->weight = 1;
	a->cap_open = RRD_UNLIMITED;
	a->cap_per_day = RRD_UNLIMITED;
	a->last_assigned = INT64_MIN;
	*out = a;
	return RRD_OK;
}

RRD_API void rrd_agent_free(rrd_agent *a)
{
	if (!a)
		return;
	rrd__free(a->id);
	rrd__free(a->calendar);
	rrd__free(a->partner);
	rrd__strlist_clear(&a->types);
	rrd__strlist_clear(&a->skills);
	rrd__free(a);
}

RRD_API rrd_status rrd_agent_dup(rrd_agent **out, const rrd_agent *a)
{
	if (!a)
		return rrd__fail(RRD_E_INVALID, "agent must not be NULL");
	rrd_status rc = rrd__agent_new(out, a->id, RRD_ID_STORED);
	if (rc)
		return rc;
	rrd_agent *c = *out;
	char *id = c->id;
	rrd_strlist types = { 0 }, skills = { 0 };
	*c = *a;
	c->id = id;
	c->calendar = NULL;
	c->partner = NULL;
	c->types = types;
	c->skills = skills;
	if ((a->calendar && !(c->calendar = rrd__strdup(a->calendar))) ||
	    (a->partner && !(c->partner = rrd__strdup(a->partner))) ||
	    rrd__strlist_copy(&c->types, &a->types) ||
	    rrd__strlist_copy(&c->skills, &a->skills)) {
		rrd_agent_free(c);
		*out = NULL;
		return rrd__nomem();
	}
	return RRD_OK;
}

#define NEED_AGENT(a)                                                      \
	do {                                                               \
		if (!(a))                                                  \
			return rrd__fail(RRD_E_INVALID, "agent must not be NULL"); \
	} while (0)

RRD_API const char *rrd_agent_id(const rrd_agent *a)
{
	return a ? a->id : NULL;
}

RRD_API rrd_status rrd_agent_set_active(rrd_agent *a, int active)
{
	NEED_AGENT(a);
	a->active = active != 0;
	return RRD_OK;
}

RRD_API int rrd_agent_active(const rrd_agent *a)
{
	return a ? a->active : 0;
}

RRD_API rrd_status rrd_agent_set_paused(rrd_agent *a, int paused)
{
	NEED_AGENT(a);
	a->paused = paused != 0;
	return RRD_OK;
}

RRD_API int rrd_agent_paused(const rrd_agent *a)
{
	return a ? a->paused : 0;
}

RRD_API rrd_status rrd_agent_set_weight(rrd_agent *a, int64_t weight)
{
	NEED_AGENT(a);
	if (weight < 1 || weight > WEIGHT_MAX)
		return rrd__fail(RRD_E_INVALID, "weight %lld of agent \"%s\" is not in 1..%d",
				 (long long)weight, a->id, WEIGHT_MAX);
	a->weight = weight;
	return RRD_OK;
}

RRD_API int64_t rrd_agent_weight(const rrd_agent *a)
{
	return a ? a->weight : 0;
}

static rrd_status check_cap(const rrd_agent *a, int64_t cap, const char *what)
{
	if (cap < 0 && cap != RRD_UNLIMITED)
		return rrd__fail(RRD_E_INVALID, "%s of agent \"%s\" must be >= 0 or RRD_UNLIMITED",
				 what, a->id);
	return RRD_OK;
}

RRD_API rrd_status rrd_agent_set_capacity_open(rrd_agent *a, int64_t cap)
{
	NEED_AGENT(a);
	rrd_status rc = check_cap(a, cap, "capacity.open");
	if (!rc)
		a->cap_open = cap;
	return rc;
}

RRD_API int64_t rrd_agent_capacity_open(const rrd_agent *a)
{
	return a ? a->cap_open : RRD_UNLIMITED;
}

RRD_API rrd_status rrd_agent_set_capacity_per_day(rrd_agent *a, int64_t cap)
{
	NEED_AGENT(a);
	rrd_status rc = check_cap(a, cap, "capacity.per_day");
	if (!rc)
		a->cap_per_day = cap;
	return rc;
}

RRD_API int64_t rrd_agent_capacity_per_day(const rrd_agent *a)
{
	return a ? a->cap_per_day : RRD_UNLIMITED;
}

rrd_status rrd__set_optional_id(char **field, const char *value, const char *what,
				 rrd_id_rule rule)
{
	char *copy = NULL;
	if (value) {
		rrd_status rc = rrd__id_check_as(value, what, rule);
		if (rc)
			return rc;
		if (!(copy = rrd__strdup(value)))
			return rrd__nomem();
	}
	rrd__free(*field);
	*field = copy;
	return RRD_OK;
}

RRD_API rrd_status rrd_agent_set_calendar(rrd_agent *a, const char *calendar_id)
{
	NEED_AGENT(a);
	return rrd__set_optional_id(&a->calendar, calendar_id, "calendar id", RRD_ID_INPUT);
}

RRD_API const char *rrd_agent_calendar(const rrd_agent *a)
{
	return a ? a->calendar : NULL;
}

RRD_API rrd_status rrd_agent_set_partner(rrd_agent *a, const char *partner)
{
	NEED_AGENT(a);
	return rrd__set_optional_id(&a->partner, partner, "partner", RRD_ID_INPUT);
}

RRD_API const char *rrd_agent_partner(const rrd_agent *a)
{
	return a ? a->partner : NULL;
}

rrd_status rrd__check_location(double lat, double lon)
{
	if (!isfinite(lat) || !isfinite(lon) || lat < -90 || lat > 90 || lon < -180 ||
	    lon > 180)
		return rrd__fail(RRD_E_INVALID,
				 "location (%g, %g) is not a latitude in [-90, 90] and a "
				 "longitude in [-180, 180]", lat, lon);
	return RRD_OK;
}

RRD_API rrd_status rrd_agent_set_location(rrd_agent *a, double lat, double lon)
{
	NEED_AGENT(a);
	rrd_status rc = rrd__check_location(lat, lon);
	if (rc)
		return rc;
	a->has_location = 1;
	a->lat = lat;
	a->lon = lon;
	return RRD_OK;
}

RRD_API rrd_status rrd_agent_clear_location(rrd_agent *a)
{
	NEED_AGENT(a);
	a->has_location = 0;
	a->lat = a->lon = 0;
	return RRD_OK;
}

RRD_API int rrd_agent_location(const rrd_agent *a, double *lat, double *lon)
{
	if (!a || !a->has_location)
		return 0;
	if (lat)
		*lat = a->lat;
	if (lon)
		*lon = a->lon;
	return 1;
}

static rrd_status add_name(rrd_strlist *l, const char *name, const char *what,
			   rrd_id_rule rule)
{
	rrd_status rc = rrd__id_check_as(name, what, rule);
	if (rc)
		return rc;
	return rrd__strlist_add(l, name);
}

RRD_API rrd_status rrd_agent_add_type(rrd_agent *a, const char *type)
{
	return rrd__agent_add_type(a, type, RRD_ID_INPUT);
}

rrd_status rrd__agent_add_type(rrd_agent *a, const char *type, rrd_id_rule rule)
{
	NEED_AGENT(a);
	return add_name(&a->types, type, "agent type", rule);
}

RRD_API rrd_status rrd_agent_clear_types(rrd_agent *a)
{
	NEED_AGENT(a);
	rrd__strlist_clear(&a->types);
	return RRD_OK;
}

RRD_API size_t rrd_agent_type_count(const rrd_agent *a)
{
	return a ? a->types.count : 0;
}

RRD_API const char *rrd_agent_type(const rrd_agent *a, size_t i)
{
	return a && i < a->types.count ? a->types.items[i] : NULL;
}

RRD_API int rrd_agent_has_type(const rrd_agent *a, const char *type)
{
	return a && type && rrd__strlist_find(&a->types, type) >= 0;
}

RRD_API rrd_status rrd_agent_add_skill(rrd_agent *a, const char *skill)
{
	return rrd__agent_add_skill(a, skill, RRD_ID_INPUT);
}

rrd_status rrd__agent_add_skill(rrd_agent *a, const char *skill, rrd_id_rule rule)
{
	NEED_AGENT(a);
	return add_name(&a->skills, skill, "skill", rule);
}

RRD_API rrd_status rrd_agent_clear_skills(rrd_agent *a)
{
	NEED_AGENT(a);
	rrd__strlist_clear(&a->skills);
	return RRD_OK;
}

RRD_API size_t rrd_agent_skill_count(const rrd_agent *a)
{
	return a ? a->skills.count : 0;
}

RRD_API const char *rrd_agent_skill(const rrd_agent *a, size_t i)
{
	return a && i < a->skills.count ? a->skills.items[i] : NULL;
}

RRD_API int rrd_agent_has_skill(const rrd_agent *a, const char *skill)
{
	return a && skill && rrd__strlist_find(&a->skills, skill) >= 0;
}

RRD_API int64_t rrd_agent_open_count(const rrd_agent *a)
{
	return a ? a->open : 0;
}

RRD_API int64_t rrd_agent_assigned_today(const rrd_agent *a)
{
	return a ? a->today : 0;
}

RRD_API rrd_time rrd_agent_last_assigned(const rrd_agent *a)
{
	return a ? a->last_assigned : INT64_MIN;
}
