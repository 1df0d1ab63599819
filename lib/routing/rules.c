#include <string.h>

#include "routing/routing.h"

static int matches(const rrd_rule *rule, const rrd_record *r)
{
	if (rule->kind && rule->kind != (int)r->kind)
		return 0;
	if (rule->sources.count &&
	    (!r->source || rrd__strlist_find(&rule->sources, r->source) < 0))
		return 0;
	for (size_t i = 0; i < rule->attr_count; i++) {
		const char *v = rrd__kvlist_get(&r->attrs, rule->attrs[i].key);
		if (!v || strcmp(v, rule->attrs[i].value) != 0)
			return 0;
	}
	return 1;
}

const rrd_rule *rrd__rule_match(rrd_distributor *d, const rrd_record *r)
{
	for (size_t i = 0; i < d->nrules; i++)
		if (matches(d->rules[i], r))
			return d->rules[i];
	return NULL;
}
