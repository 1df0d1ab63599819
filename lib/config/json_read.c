#include "config/json_read.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/duration.h"
#include "util/decimal.h"
#include "util/strlist.h"

rrd_status rrd__json_fail(const char *path, const char *name, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (name)
		return rrd__fail(RRD_E_PARSE, "%s.%s: %s", path, name, msg);
	return rrd__fail(RRD_E_PARSE, "%s: %s", path, msg);
}

rrd_status rrd__json_wrap(const char *path, const char *name)
{
	if (name)
		return rrd__fail_prefix(RRD_E_PARSE, "%s.%s: ", path, name);
	return rrd__fail_prefix(RRD_E_PARSE, "%s: ", path);
}

/* Paths longer than the buffer are cut; they only label messages. */
cJSON *rrd__json_get(const cJSON *o, const char *name)
{
	if (!o || !name)
		return NULL;
	/* Like cJSON, stop at the first member without a name: an array's
	 * items have none. */
	for (cJSON *c = o->child; c && c->string; c = c->next)
		if (c->string[0] == name[0] && strcmp(c->string, name) == 0)
			return c;
	return NULL;
}

const char *rrd__json_str(const cJSON *o, const char *name)
{
	const cJSON *v = rrd__json_get(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int rrd__json_flag(const cJSON *o, const char *name, int dflt)
{
	const cJSON *v = rrd__json_get(o, name);
	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

void rrd__json_path(char *buf, const char *path, const char *name)
{
	size_t n = strlen(path), m = strlen(name);
	if (n > RRD_PATH_MAX - 2)
		n = RRD_PATH_MAX - 2;
	if (m > RRD_PATH_MAX - 2 - n)
		m = RRD_PATH_MAX - 2 - n;
	memmove(buf, path, n);
	buf[n] = '.';
	memcpy(buf + n + 1, name, m);
	buf[n + 1 + m] = '\0';
}

void rrd__json_path_index(char *buf, const char *path, size_t i)
{
	/* By hand: a scenario's loader makes one for each of its events. */
	char idx[32], *p = idx + sizeof idx;
	*--p = '\0';
	*--p = ']';
	p = rrd__decimal(p, i);
	*--p = '[';
	size_t w = (size_t)(idx + sizeof idx - 1 - p);
	size_t n = strlen(path);
	if (n > RRD_PATH_MAX - 1 - w)
		n = RRD_PATH_MAX - 1 - w;
	memmove(buf, path, n);
	memcpy(buf + n, p, w + 1);
}

rrd_status rrd__json_object(const cJSON *v, const char *path)
{
	if (!cJSON_IsObject(v))
		return rrd__json_fail(path, NULL, "expected an object");
	return RRD_OK;
}

static const cJSON *field(const cJSON *o, const char *name)
{
	const cJSON *v = rrd__json_get(o, name);
	return v && !cJSON_IsNull(v) ? v : NULL;
}

rrd_status rrd__json_opt_bool(const cJSON *o, const char *path, const char *name, int *out)
{
	const cJSON *v = field(o, name);
	if (!v)
		return RRD_OK;
	if (!cJSON_IsBool(v))
		return rrd__json_fail(path, name, "expected true or false");
	*out = cJSON_IsTrue(v);
	return RRD_OK;
}

rrd_status rrd__json_opt_int(const cJSON *o, const char *path, const char *name, int64_t min,
			     int64_t max, int64_t *out)
{
	const cJSON *v = field(o, name);
	if (!v)
		return RRD_OK;
	double d = v->valuedouble;
	/* (double)INT64_MAX rounds up to 2^63, which does not convert back:
	 * the bounds are checked below 2^62 whatever the caller asked. */
	if (!cJSON_IsNumber(v) || !isfinite(d) || d != floor(d) || d < (double)min ||
	    d > (double)max || d < -0x1p62 || d > 0x1p62)
		return rrd__json_fail(path, name, "expected an integer from %lld to %lld",
				      (long long)min, (long long)max);
	*out = (int64_t)d;
	return RRD_OK;
}

rrd_status rrd__json_opt_number(const cJSON *o, const char *path, const char *name,
				double *out)
{
	const cJSON *v = field(o, name);
	if (!v)
		return RRD_OK;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return rrd__json_fail(path, name, "expected a number");
	*out = v->valuedouble;
	return RRD_OK;
}

rrd_status rrd__json_opt_string(const cJSON *o, const char *path, const char *name,
				const char **out)
{
	const cJSON *v = field(o, name);
	if (!v)
		return RRD_OK;
	if (!cJSON_IsString(v))
		return rrd__json_fail(path, name, "expected a string");
	*out = v->valuestring;
	return RRD_OK;
}

rrd_status rrd__json_req_string(const cJSON *o, const char *path, const char *name,
				const char **out)
{
	*out = NULL;
	rrd_status rc = rrd__json_opt_string(o, path, name, out);
	if (!rc && !*out)
		return rrd__json_fail(path, name, "required string is missing");
	return rc;
}

rrd_status rrd__json_opt_duration(const cJSON *o, const char *path, const char *name,
				  rrd_duration_units units, rrd_time *out)
{
	const char *s = NULL;
	rrd_status rc = rrd__json_opt_string(o, path, name, &s);
	if (rc || !s)
		return rc;
	if (rrd__duration_parse(s, units, out))
		return rrd__json_fail(path, name,
				      "\"%s\" is not a duration of at most 36600d, such as %s", s,
				      units == RRD_UNITS_CONFIG
					      ? "\"90s\", \"1h30m\" or \"1s500ms\""
					      : "\"90s\" or \"1h30m\"");
	return RRD_OK;
}

rrd_status rrd__json_opt_strings(const cJSON *o, const char *path, const char *name,
				 void *obj, rrd_status (*add)(void *obj, const char *s))
{
	const cJSON *v = field(o, name);
	if (!v)
		return RRD_OK;
	if (!cJSON_IsArray(v))
		return rrd__json_fail(path, name, "expected an array of strings");
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		char at[RRD_PATH_MAX], elem[RRD_PATH_MAX];
		rrd__json_path(at, path, name);
		rrd__json_path_index(elem, at, i);
		if (!cJSON_IsString(e))
			return rrd__json_fail(elem, NULL, "expected a string");
		rrd_status rc = add(obj, e->valuestring);
		if (rc == RRD_E_NOMEM)
			return rc;
		if (rc)
			return rrd__json_wrap(elem, NULL);
		i++;
	}
	return RRD_OK;
}

int rrd__json_add_strlist(cJSON *o, const char *name, const struct rrd_strlist *l)
{
	cJSON *arr = cJSON_AddArrayToObject(o, name);
	if (!arr)
		return 0;
	for (size_t i = 0; i < l->count; i++) {
		cJSON *s = cJSON_CreateString(l->items[i]);
		if (!s)
			return 0;
		cJSON_AddItemToArray(arr, s);
	}
	return 1;
}
