/* Configuration as the distributor keeps it in the store: one JSON
 * document per calendar, agent, pool and rule, and a version number that
 * every configuration change moves. */
#ifndef RRD_DISTRIBUTOR_CONFIG_STORE_H
#define RRD_DISTRIBUTOR_CONFIG_STORE_H

#include <cjson/cJSON.h>

#include "core/core.h"

rrd_status rrd__config_version_read(rrd_distributor *d, int64_t *out);
/* The version from its stored bytes (found: whether there were any). */
rrd_status rrd__config_version_take(int found, const void *v, size_t len, int64_t *out);
/* Its key in RRD_NS_META. */
#define RRD_CONFIG_VERSION_KEY "config_version"
/* Write version d->config_version + 1; the caller sets d->config_version
 * after the commit. */
rrd_status rrd__config_version_write(rrd_distributor *d, int64_t version);
/* Store one object's JSON. A calendar, agent or pool is written with its
 * own order number (rrd_config_orders): its cached one, or for a newcomer
 * one from rrd__config_order_new. */
rrd_status rrd__config_put(rrd_distributor *d, rrd_store_ns ns, const char *id,
			   const cJSON *json, int64_t order);
/* The order number for a calendar, agent or pool new to the store: `next`,
 * the next free one of its kind (d->next_order's, past the newcomers the
 * change numbered before). d->next_order moves past it only once the
 * change commits, so a change rolled back takes nothing. RRD_E_STORE when
 * no number is left (the store holds the largest one). */
rrd_status rrd__config_order_new(int64_t next, int64_t *out);
/* Make `rules` the stored list, in this order, in place of d->rules. */
rrd_status rrd__config_put_rules(rrd_distributor *d, rrd_rule *const *rules, size_t n);
/* A pool's stored form: its definition plus the members' join numbers. */
cJSON *rrd__pool_rt_to_json(rrd_distributor *d, const rrd_pool_rt *p);
/* Free runtime objects. */
void rrd__agent_rt_free(rrd_agent_rt *a);
void rrd__pool_rt_free(rrd_pool_rt *p);
void rrd__cal_rt_free(rrd_cal_rt *c);

#endif
