/*
 * librrdist: routing rules.
 *
 * Rules are tried in order; the first whose every match condition holds
 * routes the record to its pool (then its overflow pools). A record that
 * matches none goes to the manual queue (RRD_QUEUE_NO_RULE). An rrd_rule is a
 * value object; the distributor keeps its own ordered copies
 * (rrd_distributor_add_rule, rrd_distributor_set_rules).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_RULE_H
#define RRDIST_RULE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A rule's claim window when the rule does not override the pool's. */
#define RRD_WINDOW_INHERIT ((rrd_time)-2)

/** A rule's strategy when the rule does not override the pool's. */
#define RRD_STRATEGY_INHERIT 0

/**
 * Create a rule that routes to `pool_id` and matches everything.
 *
 * @param out      receives the rule; the caller owns it (rrd_rule_free).
 * @param id       1..RRD_ID_MAX bytes; copied.
 * @param pool_id  the pool records go to first; checked when the rule is
 *                 added to a distributor.
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_rule_new(rrd_rule **out, const char *id, const char *pool_id);
RRD_API void rrd_rule_free(rrd_rule *rule);
RRD_API rrd_status rrd_rule_dup(rrd_rule **out, const rrd_rule *rule);
RRD_API const char *rrd_rule_id(const rrd_rule *rule);
RRD_API const char *rrd_rule_pool(const rrd_rule *rule);

/**
 * Match records from this source. Several calls match any of them; none
 * matches every source.
 */
RRD_API rrd_status rrd_rule_add_source(rrd_rule *rule, const char *source);
RRD_API size_t rrd_rule_source_count(const rrd_rule *rule);
RRD_API const char *rrd_rule_source(const rrd_rule *rule, size_t i);

/** Match records of this kind only; 0 matches every kind. */
RRD_API rrd_status rrd_rule_set_kind(rrd_rule *rule, int kind);
RRD_API int rrd_rule_kind(const rrd_rule *rule);

/**
 * Match records whose attribute `key` equals `value` (all such conditions
 * must hold). Strings are copied; `value` is any UTF-8 text.
 * @return RRD_OK; RRD_E_INVALID (bad key, NULL value or one not UTF-8);
 *         RRD_E_EXISTS (the rule already has a condition on `key`);
 *         RRD_E_NOMEM.
 */
RRD_API rrd_status rrd_rule_add_attr(rrd_rule *rule, const char *key, const char *value);
RRD_API size_t rrd_rule_attr_count(const rrd_rule *rule);
/** Condition `i`: key and value, owned by the rule. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_rule_attr(const rrd_rule *rule, size_t i, const char **key,
				 const char **value);

/** Strategy override, or RRD_STRATEGY_INHERIT. */
RRD_API rrd_status rrd_rule_set_strategy(rrd_rule *rule, rrd_strategy strategy);
RRD_API rrd_strategy rrd_rule_strategy(const rrd_rule *rule);

/**
 * Claim window override in milliseconds (0 to RRD_DURATION_MAX),
 * RRD_NO_WINDOW, or RRD_WINDOW_INHERIT (default).
 * @return RRD_OK or RRD_E_INVALID (any other value; the rule is unchanged).
 */
RRD_API rrd_status rrd_rule_set_claim_window(rrd_rule *rule, rrd_time window);
RRD_API rrd_time rrd_rule_claim_window(const rrd_rule *rule);

/** Calendar whose open time the claim window counts, or NULL. */
RRD_API rrd_status rrd_rule_set_calendar(rrd_rule *rule, const char *calendar_id);
RRD_API const char *rrd_rule_calendar(const rrd_rule *rule);

/** Most agents offered the record in each pool (>= 1), or RRD_UNLIMITED. */
RRD_API rrd_status rrd_rule_set_max_offers(rrd_rule *rule, int64_t max_offers);
RRD_API int64_t rrd_rule_max_offers(const rrd_rule *rule);

/** Only agents whose own calendar is open are eligible (on top of the pool's setting). */
RRD_API rrd_status rrd_rule_set_respect_hours(rrd_rule *rule, int respect);
RRD_API int rrd_rule_respect_hours(const rrd_rule *rule);

/** Only agents holding every listed skill are eligible. */
RRD_API rrd_status rrd_rule_add_skill(rrd_rule *rule, const char *skill);
RRD_API size_t rrd_rule_skill_count(const rrd_rule *rule);
RRD_API const char *rrd_rule_skill(const rrd_rule *rule, size_t i);

/** Append an overflow pool, tried in order after the ones before have gone round. */
RRD_API rrd_status rrd_rule_add_overflow(rrd_rule *rule, const char *pool_id);
RRD_API size_t rrd_rule_overflow_count(const rrd_rule *rule);
RRD_API const char *rrd_rule_overflow(const rrd_rule *rule, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_RULE_H */
