/*
 * librrdist: scenario simulation.
 *
 * A scenario (the "rrdist-scenario/1" JSON format, see
 * docs/scenario-format.md) describes a store's calendars, agents, pools,
 * rules and records and a timed list of things that happen to it. The
 * library replays it against a virtual clock and writes one JSON object
 * per line for every event, the same bytes on every run and machine.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_SIMULATION_H
#define RRDIST_SIMULATION_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Receives each output line: `len` bytes of JSON ending in '\n'. The text
 * is valid only during the call.
 */
typedef void (*rrd_line_fn)(void *user, const char *line, size_t len);

/** Told how far a run has got: `done` of `total` events. */
typedef void (*rrd_progress_fn)(void *user, size_t done, size_t total);

typedef struct rrd_simulation_options {
	unsigned int version;        /**< RRD_SIMULATION_OPTIONS_VERSION */
	rrd_line_fn on_line;         /**< required */
	void *line_user;
	/**
	 * A "zip,lat,lon" CSV for postal codes (the project ships US ZCTA
	 * centroids as data/us-zcta-centroids.csv); a file without a single
	 * code is refused (RRD_E_PARSE). NULL: every postal code is unknown,
	 * and the message says that no table is loaded.
	 */
	const char *postal_codes;
	rrd_progress_fn on_progress; /**< NULL: not told */
	void *progress_user;

	/* ---- version 2 ---- */

	/**
	 * The store the run keeps its state in, borrowed: it must hold no
	 * entries (a run that found another's state would print something
	 * else), and no one else may use it while the run goes on; the run
	 * leaves its state there. NULL (the default): a fresh in-memory
	 * store, freed at the end. The output is the same bytes on any
	 * store.
	 */
	rrd_store *store;
} rrd_simulation_options;

#define RRD_SIMULATION_OPTIONS_VERSION 2
#define RRD_SIMULATION_OPTIONS_INIT \
	{ RRD_SIMULATION_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL }

/**
 * Run a scenario document of `len` bytes.
 *
 * Operations that fail while it runs are reported as `error` lines and
 * the run goes on. A document that cannot be used writes nothing and
 * fails with RRD_E_PARSE, and rrd_error_last() names the JSON path of the
 * fault, e.g. `$.rules[2].pool: unknown pool "west"`, or the line and
 * column of a fault in the text. The text must be one JSON value, followed
 * by nothing but blanks (or the NUL ending a C string, if `len` counts
 * it), whose strings are UTF-8 without U+0000 (escaped or not) and whose
 * objects name no key twice.
 *
 * @return RRD_OK (the scenario ran); RRD_E_PARSE; RRD_E_NOTFOUND (the
 *         postal code file cannot be read); RRD_E_INVALID; RRD_E_VERSION;
 *         RRD_E_STATE (`opts->store` holds entries already); RRD_E_NOMEM;
 *         store errors from `opts->store` before the run began.
 * Thread-safe: yes; runs share nothing but the stores they are given.
 */
RRD_API rrd_status rrd_simulate(const char *json, size_t len,
				const rrd_simulation_options *opts);

/**
 * Check a scenario document without running it.
 * @param postal_codes  as in rrd_simulation_options; may be NULL.
 * @return RRD_OK, or what rrd_simulate would fail with before running.
 */
RRD_API rrd_status rrd_scenario_check(const char *json, size_t len, const char *postal_codes);

/**
 * Check a scenario document and tell `on_fault` of every fault, in
 * document order, rather than only the first: each calendar, agent, pool,
 * rule, record and event is checked on its own (an item with a fault is
 * left out, so what refers to it may fault too). A document that is not
 * JSON, or whose `format` or `start` is wrong, has that one fault; after
 * 100 faults the check stops.
 * @param on_fault  called with each message (valid during the call only).
 * @return RRD_OK (no fault); RRD_E_PARSE (at least one, told; a postal
 *         code file that is not a table is told as one too;
 *         rrd_error_last() counts them); RRD_E_NOTFOUND (the postal code
 *         file cannot be opened); RRD_E_INVALID; RRD_E_NOMEM.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_scenario_check_each(const char *json, size_t len,
					   const char *postal_codes, rrd_fault_fn on_fault,
					   void *user);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_SIMULATION_H */
