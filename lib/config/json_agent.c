#include <math.h>
#include <string.h>

#include "config/json_objects.h"
#include "config/json_read.h"
#include "model/agent.h"
#include "util/alloc.h"

#define WEIGHT_MAX 1000000

char *rrd__json_print(const cJSON *o)
{
	char *text = cJSON_PrintUnformatted(o);
	if (!text)
		return NULL;
	char *copy = rrd__strdup(text);
	cJSON_free(text);
	return copy;
}

cJSON *rrd__agent_to_json(const rrd_agent *a)
{
	cJSON *o = cJSON_CreateObject();
	int ok = o && cJSON_AddStringToObject(o, "id", a->id) &&
		 rrd__json_add_strlist(o, "types", &a->types) &&
		 cJSON_AddBoolToObject(o, "active", a->active) &&
		 cJSON_AddBoolToObject(o, "paused", a->paused) &&
		 cJSON_AddNumberToObject(o, "weight", (double)a->weight);
	if (ok && (a->cap_open != RRD_UNLIMITED || a->cap_per_day != RRD_UNLIMITED)) {
		cJSON *cap = cJSON_AddObjectToObject(o, "capacity");
		ok = cap != NULL;
		if (ok && a->cap_open != RRD_UNLIMITED)
			ok = cJSON_AddNumberToObject(cap, "open", (double)a->cap_open) != NULL;
		if (ok && a->cap_per_day != RRD_UNLIMITED)
			ok = cJSON_AddNumberToObject(cap, "per_day", (double)a->cap_per_day) != NULL;
	}
	if (ok && a->calendar)
		ok = cJSON_AddStringToObject(o, "calendar", a->calendar) != NULL;
	if (ok && a->has_location) {
		cJSON *loc = cJSON_AddObjectToObject(o, "location");
		ok = loc && cJSON_AddNumberToObject(loc, "lat", a->lat) &&
		     cJSON_AddNumberToObject(loc, "lon", a->lon);
	}
	if (ok && a->partner)
		ok = cJSON_AddStringToObject(o, "partner", a->partner) != NULL;
	if (ok)
		ok = rrd__json_add_strlist(o, "skills", &a->skills);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* An agent's lists are filled through rrd__json_opt_strings, whose
 * callback takes one pointer: the agent and the rule its ids follow. */
typedef struct agent_lists {
	rrd_agent *a;
	rrd_id_rule rule;
} agent_lists;

static rrd_status add_type(void *obj, const char *s)
{
	agent_lists *l = obj;
	return rrd__agent_add_type(l->a, s, l->rule);
}

static rrd_status add_skill(void *obj, const char *s)
{
	agent_lists *l = obj;
	return rrd__agent_add_skill(l->a, s, l->rule);
}

static rrd_status opt_capacity(const cJSON *cap, const char *path, const char *name,
			       int64_t *out)
{
	if (!rrd__json_get(cap, name))
		return RRD_OK;
	return rrd__json_opt_int(cap, path, name, 0, INT64_C(1) << 40, out);
}

/* Fields are read into a scratch copy first, so a fault changes nothing. */
rrd_status rrd__agent_apply_json(rrd_agent *a, const cJSON *o, const char *path,
				 rrd_json_origin origin)
{
	rrd_id_rule rule = rrd__json_id_rule(origin);
	rrd_status rc = rrd__json_object(o, path);
	if (rc)
		return rc;
	rrd_agent *c;
	if ((rc = rrd_agent_dup(&c, a)))
		return rc;
	int64_t weight = c->weight;
	const char *cal = c->calendar, *partner = c->partner;
	agent_lists lists = { c, rule };
	char at[RRD_PATH_MAX];
	if ((rc = rrd__json_opt_bool(o, path, "active", &c->active)) ||
	    (rc = rrd__json_opt_bool(o, path, "paused", &c->paused)) ||
	    (rc = rrd__json_opt_int(o, path, "weight", 1, WEIGHT_MAX, &weight)))
		goto out;
	c->weight = weight;
	if (rrd__json_get(o, "types")) {
		rrd__strlist_clear(&c->types);
		if ((rc = rrd__json_opt_strings(o, path, "types", &lists, add_type)))
			goto out;
	}
	if (rrd__json_get(o, "skills")) {
		rrd__strlist_clear(&c->skills);
		if ((rc = rrd__json_opt_strings(o, path, "skills", &lists, add_skill)))
			goto out;
	}
	const cJSON *cap = rrd__json_get(o, "capacity");
	if (cap) {
		/* An object replaces the whole capacity: what it omits has no cap. */
		rrd__json_path(at, path, "capacity");
		if ((rc = rrd__json_object(cap, at)))
			goto out;
		c->cap_open = c->cap_per_day = RRD_UNLIMITED;
		if ((rc = opt_capacity(cap, at, "open", &c->cap_open)) ||
		    (rc = opt_capacity(cap, at, "per_day", &c->cap_per_day)))
			goto out;
	}
	if ((rc = rrd__json_opt_string(o, path, "calendar", &cal)) ||
	    (rc = rrd__json_opt_string(o, path, "partner", &partner)))
		goto out;
	if (cal != c->calendar &&
	    (rc = rrd__set_optional_id(&c->calendar, cal, "calendar id", rule))) {
		if (rc != RRD_E_NOMEM)
			rc = rrd__json_wrap(path, "calendar");
		goto out;
	}
	if (partner != c->partner &&
	    (rc = rrd__set_optional_id(&c->partner, partner, "partner", rule))) {
		if (rc != RRD_E_NOMEM)
			rc = rrd__json_wrap(path, "partner");
		goto out;
	}
	const cJSON *loc = rrd__json_get(o, "location");
	if (loc && !cJSON_IsNull(loc)) {
		double lat = NAN, lon = NAN;
		rrd__json_path(at, path, "location");
		if ((rc = rrd__json_object(loc, at)) ||
		    (rc = rrd__json_opt_number(loc, at, "lat", &lat)) ||
		    (rc = rrd__json_opt_number(loc, at, "lon", &lon)))
			goto out;
		if (rrd_agent_set_location(c, lat, lon)) {
			rc = rrd__json_fail(path, "location", "expected lat in [-90, 90] and lon "
					    "in [-180, 180]");
			goto out;
		}
	}
	/* Swap the contents: the caller's handle now holds the update. */
	rrd_agent tmp = *a;
	*a = *c;
	*c = tmp;
out:
	rrd_agent_free(c);
	return rc;
}

rrd_status rrd__agent_from_json(const cJSON *o, const char *path, rrd_json_origin origin,
				rrd_agent **out)
{
	*out = NULL;
	rrd_status rc = rrd__json_object(o, path);
	const char *id;
	if (rc || (rc = rrd__json_req_string(o, path, "id", &id)))
		return rc;
	rrd_agent *a;
	if ((rc = rrd__agent_new(&a, id, rrd__json_id_rule(origin))))
		return rc == RRD_E_NOMEM ? rc : rrd__json_wrap(path, "id");
	if ((rc = rrd__agent_apply_json(a, o, path, origin))) {
		rrd_agent_free(a);
		return rc;
	}
	*out = a;
	return RRD_OK;
}
