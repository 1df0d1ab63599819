/* Records as JSON, for people and for hosts that want to look inside. */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "config/json_text.h"
#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

static int add_opt_str(cJSON *o, const char *name, const char *v)
{
	if (!v)
		return 1;
	return cJSON_AddStringToObject(o, name, v) != NULL;
}

static int add_kv(cJSON *o, const char *name, const rrd_kvlist *l)
{
	if (!l->count)
		return 1;
	cJSON *m = cJSON_AddObjectToObject(o, name);
	if (!m)
		return 0;
	for (size_t i = 0; i < l->count; i++)
		if (!cJSON_AddStringToObject(m, l->items[i].key, l->items[i].value))
			return 0;
	return 1;
}

RRD_API rrd_status rrd_record_to_json(const rrd_record *r, char **out)
{
	if (!r || !out)
		return rrd__fail(RRD_E_INVALID, "record and out must not be NULL");
	*out = NULL;
	cJSON *o = cJSON_CreateObject();
	int ok = o && cJSON_AddStringToObject(o, "id", r->id) &&
		 cJSON_AddStringToObject(o, "kind", rrd_kind_name(r->kind)) &&
		 cJSON_AddStringToObject(o, "status", rrd_record_status_name(r->status)) &&
		 add_opt_str(o, "source", r->source) && add_opt_str(o, "owner", r->owner) &&
		 add_opt_str(o, "partner", r->partner) &&
		 add_opt_str(o, "follow_up", r->follow_up) &&
		 add_opt_str(o, "replaced_by", r->replaced_by) &&
		 add_kv(o, "attrs", &r->attrs) && add_kv(o, "roles", &r->roles);
	if (ok && r->created_at != RRD_TIME_NONE)
		ok = cJSON_AddNumberToObject(o, "created_at", (double)r->created_at) != NULL;
	if (ok && r->reassigned_at != RRD_TIME_NONE)
		ok = cJSON_AddNumberToObject(o, "reassigned_at", (double)r->reassigned_at) != NULL;
	if (ok && r->has_location) {
		cJSON *loc = cJSON_AddObjectToObject(o, "location");
		ok = loc && cJSON_AddNumberToObject(loc, "lat", r->lat) &&
		     cJSON_AddNumberToObject(loc, "lon", r->lon);
	}
	char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (!text)
		return rrd__nomem();
	*out = rrd__strdup(text);
	cJSON_free(text);
	return *out ? RRD_OK : rrd__nomem();
}

static rrd_status parse_fail(const char *what)
{
	return rrd__fail(RRD_E_PARSE, "record JSON: %s", what);
}

static const char *opt_string(const cJSON *o, const char *name, int *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = 1;
		return NULL;
	}
	return v->valuestring;
}

static rrd_status parse_kv(rrd_record *r, const cJSON *o, const char *name, int roles)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!m)
		return RRD_OK;
	if (!cJSON_IsObject(m))
		return parse_fail(roles ? "roles must be an object" : "attrs must be an object");
	const cJSON *e;
	cJSON_ArrayForEach(e, m) {
		if (!cJSON_IsString(e))
			return parse_fail("attribute and role values must be strings");
		rrd_status rc = roles ? rrd_record_set_role(r, e->string, e->valuestring)
				      : rrd_record_set_attr(r, e->string, e->valuestring);
		if (rc)
			return rc;
	}
	return RRD_OK;
}

static rrd_status parse_time(const cJSON *o, const char *name, rrd_time *t)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!v)
		return RRD_OK;
	/* Within the library's bounds, so the conversion is defined and
	 * arithmetic on the time cannot overflow either. */
	double ms = v->valuedouble;
	if (!cJSON_IsNumber(v) || !isfinite(ms) || ms != floor(ms) || ms < (double)RRD_TIME_MIN ||
	    ms > (double)RRD_TIME_MAX)
		return parse_fail("times must be whole numbers of milliseconds from RRD_TIME_MIN "
				  "to RRD_TIME_MAX (the years 1 to 9999)");
	*t = (rrd_time)v->valuedouble;
	return RRD_OK;
}

static rrd_status fill_from_json(rrd_record *r, const cJSON *o)
{
	int bad = 0;
	const char *status = opt_string(o, "status", &bad);
	rrd_status rc = RRD_OK;
	if (status && (rc = rrd_record_status_parse(status, &r->status)))
		return rc;
	if ((rc = rrd_record_set_source(r, opt_string(o, "source", &bad))) ||
	    (rc = rrd_record_set_owner(r, opt_string(o, "owner", &bad))) ||
	    (rc = rrd_record_set_partner(r, opt_string(o, "partner", &bad))) ||
	    (rc = rrd_record_set_follow_up(r, opt_string(o, "follow_up", &bad))) ||
	    (rc = rrd__record_set_replaced_by(r, opt_string(o, "replaced_by", &bad))))
		return rc;
	if (bad)
		return parse_fail("a text field is not a string");
	if ((rc = parse_kv(r, o, "attrs", 0)) || (rc = parse_kv(r, o, "roles", 1)) ||
	    (rc = parse_time(o, "created_at", &r->created_at)) ||
	    (rc = parse_time(o, "reassigned_at", &r->reassigned_at)))
		return rc;
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(o, "location");
	if (loc) {
		const cJSON *lat = cJSON_GetObjectItemCaseSensitive(loc, "lat");
		const cJSON *lon = cJSON_GetObjectItemCaseSensitive(loc, "lon");
		if (!cJSON_IsNumber(lat) || !cJSON_IsNumber(lon))
			return parse_fail("location needs numbers lat and lon");
		return rrd_record_set_location(r, lat->valuedouble, lon->valuedouble);
	}
	return RRD_OK;
}

RRD_API rrd_status rrd_record_from_json(rrd_record **out, const char *json, size_t len)
{
	if (!out || !json)
		return rrd__fail(RRD_E_INVALID, "out and json must not be NULL");
	*out = NULL;
	cJSON *o;
	rrd_status rc = rrd__json_parse(json, len, &o);
	if (rc)
		return rc;
	int bad = 0;
	const char *id = opt_string(o, "id", &bad);
	const char *kind_name = opt_string(o, "kind", &bad);
	rrd_kind kind;
	rrd_record *r = NULL;
	if (!id || !kind_name)
		rc = parse_fail("id and kind are required strings");
	else if (!(rc = rrd_kind_parse(kind_name, &kind)) && !(rc = rrd_record_new(&r, id, kind)))
		rc = fill_from_json(r, o);
	cJSON_Delete(o);
	if (rc) {
		rrd_record_free(r);
		/* A value the record refuses is a fault of the document. */
		if (rc == RRD_E_INVALID)
			rc = rrd__fail_prefix(RRD_E_PARSE, "record JSON: ");
		return rc;
	}
	*out = r;
	return RRD_OK;
}
