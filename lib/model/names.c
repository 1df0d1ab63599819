/* The stable names behind each enum: the words the scenario format and
 * the error messages use. */
#include <string.h>

#include "rrdist/common.h"
#include "model/names.h"
#include "util/error.h"

RRD_API const char *rrd_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = RRD_VERSION_MAJOR;
	if (minor)
		*minor = RRD_VERSION_MINOR;
	if (patch)
		*patch = RRD_VERSION_PATCH;
	return RRD_VERSION_STRING;
}

RRD_API const char *rrd_status_name(rrd_status status)
{
	switch (status) {
	case RRD_OK: return "ok";
	case RRD_E_INVALID: return "invalid_argument";
	case RRD_E_NOMEM: return "out_of_memory";
	case RRD_E_NOTFOUND: return "not_found";
	case RRD_E_EXISTS: return "exists";
	case RRD_E_UNKNOWN_AGENT: return "unknown_agent";
	case RRD_E_UNKNOWN_RECORD: return "unknown_lead";
	case RRD_E_UNKNOWN_POOL: return "unknown_pool";
	case RRD_E_UNKNOWN_RULE: return "unknown_rule";
	case RRD_E_UNKNOWN_CALENDAR: return "unknown_calendar";
	case RRD_E_UNKNOWN_JOB: return "unknown_job";
	case RRD_E_KIND_MISMATCH: return "kind_mismatch";
	case RRD_E_NOT_PENDING: return "not_pending";
	case RRD_E_RULE_BOUND: return "rule_bound";
	case RRD_E_NO_ELIGIBLE: return "no_eligible_agent";
	case RRD_E_LIMIT: return "limit_exceeded";
	case RRD_E_BUSY: return "busy";
	case RRD_E_NOTHING_TO_UNDO: return "nothing_to_undo";
	case RRD_E_CONFLICT: return "conflict";
	case RRD_E_UNSUPPORTED: return "unsupported";
	case RRD_E_STORE: return "store_error";
	case RRD_E_VERSION: return "version_mismatch";
	case RRD_E_CANCELLED: return "cancelled";
	case RRD_E_CALLBACK: return "callback_failed";
	case RRD_E_PARSE: return "parse_error";
	case RRD_E_STATE: return "invalid_state";
	case RRD_E_RETRY: return "retry";
	}
	return "unknown_status";
}

static const char *const kind_names[] = { NULL, "lead", "contact", "deal", "customer" };

RRD_API const char *rrd_kind_name(rrd_kind kind)
{
	if (kind < RRD_KIND_LEAD || kind > RRD_KIND_CUSTOMER)
		return NULL;
	return kind_names[kind];
}

static int parse_name(const char *name, const char *const *names, int first, int last)
{
	if (!name)
		return -1;
	for (int i = first; i <= last; i++)
		if (names[i] && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

RRD_API rrd_status rrd_kind_parse(const char *name, rrd_kind *out)
{
	int v = parse_name(name, kind_names, RRD_KIND_LEAD, RRD_KIND_CUSTOMER);
	if (v < 0 || !out)
		return rrd__fail(RRD_E_INVALID, "unknown record kind \"%s\"", name ? name : "(null)");
	*out = (rrd_kind)v;
	return RRD_OK;
}

static const char *const strategy_names[] = {
	NULL, "round_robin", "weighted_round_robin", "least_busy", "least_recent",
	"random", "piranha", "nearest"
};

RRD_API const char *rrd_strategy_name(rrd_strategy strategy)
{
	if (strategy < RRD_STRATEGY_ROUND_ROBIN || strategy > RRD_STRATEGY_NEAREST)
		return NULL;
	return strategy_names[strategy];
}

rrd_strategy rrd__builtin_strategy(const char *name)
{
	int v = parse_name(name, strategy_names, RRD_STRATEGY_ROUND_ROBIN, RRD_STRATEGY_NEAREST);
	return v < 0 ? 0 : v;
}

RRD_API rrd_status rrd_strategy_parse(const char *name, rrd_strategy *out)
{
	int v = parse_name(name, strategy_names, RRD_STRATEGY_ROUND_ROBIN, RRD_STRATEGY_NEAREST);
	if (v < 0 || !out)
		return rrd__fail(RRD_E_INVALID, "unknown strategy \"%s\"", name ? name : "(null)");
	*out = v;
	return RRD_OK;
}

static const char *const skip_names[] = {
	NULL, "inactive", "paused", "missing_skill", "outside_hours", "at_capacity",
	"daily_cap", "no_location", "already_offered"
};

RRD_API const char *rrd_skip_reason_name(rrd_skip_reason reason)
{
	if (reason < RRD_SKIP_INACTIVE || reason > RRD_SKIP_ALREADY_OFFERED)
		return NULL;
	return skip_names[reason];
}

static const char *const record_status_names[] = {
	NULL, "new", "offered", "pending", "claimed", "queued", "deactivated"
};

RRD_API const char *rrd_record_status_name(rrd_record_status status)
{
	if (status < RRD_RECORD_NEW || status > RRD_RECORD_DEACTIVATED)
		return NULL;
	return record_status_names[status];
}

RRD_API rrd_status rrd_record_status_parse(const char *name, rrd_record_status *out)
{
	int v = parse_name(name, record_status_names, RRD_RECORD_NEW, RRD_RECORD_DEACTIVATED);
	if (v < 0 || !out)
		return rrd__fail(RRD_E_INVALID, "unknown record status \"%s\"",
				 name ? name : "(null)");
	*out = (rrd_record_status)v;
	return RRD_OK;
}

static const char *const queue_reason_names[] = {
	NULL, "no_rule", "pool_exhausted", "no_eligible_agent", "manual"
};

RRD_API const char *rrd_queue_reason_name(rrd_queue_reason reason)
{
	if (reason < RRD_QUEUE_NO_RULE || reason > RRD_QUEUE_MANUAL)
		return NULL;
	return queue_reason_names[reason];
}
