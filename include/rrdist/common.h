/*
 * librrdist: common definitions shared by every public header.
 *
 * Version macros, the export macro, status codes, the per-thread last error,
 * the replaceable allocator and the small value types (time, record kind,
 * strategy ids) that the other headers use.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_COMMON_H
#define RRDIST_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * RRD_API marks every exported function. The shared library is built with
 * hidden visibility, so only what carries this macro (and is listed in the
 * linker version script) is exported. Define RRD_STATIC when linking the
 * static archive on platforms where that matters.
 */
#if defined(_WIN32) && !defined(RRD_STATIC)
#  ifdef RRD_BUILDING
#    define RRD_API __declspec(dllexport)
#  else
#    define RRD_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define RRD_API __attribute__((visibility("default")))
#else
#  define RRD_API
#endif

/** Version of the headers being compiled against. */
#define RRD_VERSION_MAJOR 1
#define RRD_VERSION_MINOR 1
#define RRD_VERSION_PATCH 0
#define RRD_VERSION_STRING "1.1.0"
/** One number, comparable: 10000 * major + 100 * minor + patch. */
#define RRD_VERSION_NUMBER \
	(RRD_VERSION_MAJOR * 10000 + RRD_VERSION_MINOR * 100 + RRD_VERSION_PATCH)

/**
 * Version of the library linked at run time.
 *
 * @param major, minor, patch  each may be NULL; receives that part.
 * @return the version as a static string such as "1.0.0"; never NULL.
 * Thread-safe: yes.
 */
RRD_API const char *rrd_version(int *major, int *minor, int *patch);

/**
 * Status codes. Every fallible call returns one. Values are fixed forever:
 * new codes are only ever added, with new numbers. RRD_OK is zero and every
 * failure is negative, so `if (rc < 0)` tests for failure.
 */
typedef enum rrd_status {
	RRD_OK = 0,
	RRD_E_INVALID = -1,         /**< bad argument: NULL, empty, too long, out of range */
	RRD_E_NOMEM = -2,           /**< an allocation failed; nothing changed */
	RRD_E_NOTFOUND = -3,        /**< nothing there (no deadline, no such entry) */
	RRD_E_EXISTS = -4,          /**< an object with that id exists already */
	RRD_E_UNKNOWN_AGENT = -5,   /**< no agent has that id */
	RRD_E_UNKNOWN_RECORD = -6,  /**< no record has that id */
	RRD_E_UNKNOWN_POOL = -7,    /**< no pool has that id */
	RRD_E_UNKNOWN_RULE = -8,    /**< no rule has that id */
	RRD_E_UNKNOWN_CALENDAR = -9,/**< no calendar has that id */
	RRD_E_UNKNOWN_JOB = -10,    /**< no redistribution job has that id */
	RRD_E_KIND_MISMATCH = -11,  /**< a record of one kind sent to a pool of another */
	RRD_E_NOT_PENDING = -12,    /**< the record is not pending (or queued) */
	RRD_E_RULE_BOUND = -13,     /**< a live routing offer still governs the record */
	RRD_E_NO_ELIGIBLE = -14,    /**< nobody eligible could take the record */
	RRD_E_LIMIT = -15,          /**< a configured limit would be exceeded */
	RRD_E_BUSY = -16,           /**< another redistribution holds the store's lock */
	RRD_E_NOTHING_TO_UNDO = -17,/**< the job has nothing left to undo */
	RRD_E_CONFLICT = -18,       /**< records changed since; the undo would lose work */
	RRD_E_UNSUPPORTED = -19,    /**< the store or build does not support the call */
	RRD_E_STORE = -20,          /**< the store failed; rrd_error_last() says how */
	RRD_E_VERSION = -21,        /**< a table or document of an unknown version */
	RRD_E_CANCELLED = -22,      /**< the job was cancelled */
	RRD_E_CALLBACK = -23,       /**< a host callback reported failure */
	RRD_E_PARSE = -24,          /**< a document could not be parsed */
	RRD_E_STATE = -25,          /**< the object is in the wrong state for the call */
	RRD_E_RETRY = -26           /**< the store lost a race with another writer each time
				         it was tried; nothing changed; try again (1.1) */
} rrd_status;

/**
 * Short, stable, lower-case name of a status, e.g. "unknown_agent",
 * "kind_mismatch", "invalid_argument" for RRD_E_INVALID. These are the error
 * codes the scenario format prints.
 *
 * @return a static string; "unknown_status" for a value not listed above.
 * Thread-safe: yes.
 */
RRD_API const char *rrd_status_name(rrd_status status);

/**
 * Message describing the last failure on the calling thread.
 *
 * Every call that returns a failure status sets it; successful calls leave
 * it as it was. The text is English and meant for people, not parsing.
 * Input it quotes (an id, a name, a value from a document) has its control
 * characters (C0, DEL and C1) escaped as JSON writes them ("\r",
 * "\u001b") and bytes that are not UTF-8 as "\xff", so the message is one
 * line of UTF-8 that can go to a terminal or a log as it is.
 *
 * @return a string owned by the library, valid until the next librrdist call
 *         on this thread; "" when there was no failure. Never NULL.
 * Thread-safe: yes (the message is per thread).
 */
RRD_API const char *rrd_error_last(void);

/** Status of the last failure on the calling thread (RRD_OK if none). */
RRD_API rrd_status rrd_error_last_status(void);

/** Forget the calling thread's last failure. Thread-safe: yes. */
RRD_API void rrd_error_clear(void);

/**
 * Told of one fault of a document (a scenario or a configuration) by the
 * calls that check one for every fault: its message, naming the JSON path,
 * e.g. `$.rules[2].pool: unknown pool "west"`. The text is valid only
 * during the call.
 */
typedef void (*rrd_fault_fn)(void *user, const char *message);

/**
 * Replaceable allocator. Every allocation librrdist makes itself goes
 * through these hooks, which is also how hosts cap memory and how tests
 * fail each allocation in turn. The libraries it uses allocate by their
 * own means: cJSON (configuration documents, briefly) and ICU (time-zone
 * data), since setting their hooks would change them for the whole
 * process, the host's own use included. `realloc(NULL, n, user)` must behave like malloc and
 * `free(NULL, user)` must be harmless.
 */
typedef struct rrd_allocator {
	unsigned int version;   /**< RRD_ALLOCATOR_VERSION */
	void *(*malloc)(size_t size, void *user);
	void *(*realloc)(void *ptr, size_t size, void *user);
	void (*free)(void *ptr, void *user);
	void *user;             /**< passed to every hook, untouched */
} rrd_allocator;

#define RRD_ALLOCATOR_VERSION 1

/**
 * Install an allocator for the whole process, or the C library's one again
 * with NULL. The table is copied.
 *
 * Call it before creating any librrdist object, or after freeing the last:
 * memory must be freed by the allocator that gave it.
 *
 * @return RRD_OK; RRD_E_VERSION for an unknown table version;
 *         RRD_E_INVALID when a hook is NULL.
 * Thread-safe: no; call it while no other thread uses the library.
 */
RRD_API rrd_status rrd_set_allocator(const rrd_allocator *allocator);

/**
 * Free memory that the library handed to the caller as a plain buffer
 * (strings from rrd_*_to_json and similar). NULL is ignored.
 * Thread-safe: yes.
 */
RRD_API void rrd_free(void *ptr);

/**
 * Time: milliseconds since 1970-01-01T00:00:00Z (UTC), leap seconds ignored.
 * All times in the API are UTC; calendars convert to local time themselves.
 */
typedef int64_t rrd_time;

/** Durations are in milliseconds too. */
#define RRD_SECOND ((rrd_time)1000)
#define RRD_MINUTE (60 * RRD_SECOND)
#define RRD_HOUR (60 * RRD_MINUTE)
#define RRD_DAY (24 * RRD_HOUR)

/**
 * The times the library takes and gives: the years 1 to 9999 of the
 * proleptic Gregorian calendar, from 0001-01-01T00:00:00.000Z to
 * 9999-12-31T23:59:59.999Z, as documents write them. A call given a time
 * outside them (other than a documented marker such as RRD_TIME_NONE)
 * refuses it with RRD_E_INVALID and changes nothing; a host clock that
 * reads outside them is taken at the nearest bound.
 */
#define RRD_TIME_MIN ((rrd_time)-62135596800000)
#define RRD_TIME_MAX ((rrd_time)253402300799999)

/**
 * The longest duration (claim windows, open time): 36600 days, a little
 * over a hundred years. A call given a longer one, or a negative one where
 * no marker is documented, refuses it with RRD_E_INVALID. A time plus a
 * duration never overflows; a deadline that would fall after RRD_TIME_MAX
 * is RRD_TIME_MAX.
 */
#define RRD_DURATION_MAX (36600 * RRD_DAY)

/** Longest id (agent, pool, rule, calendar, record, partner) in bytes. */
#define RRD_ID_MAX 255

/** "No limit" for capacities and bounds that are counts. */
#define RRD_UNLIMITED ((int64_t)-1)

/** What a record is. A pool holds one kind only. Values are fixed. */
typedef enum rrd_kind {
	RRD_KIND_LEAD = 1,
	RRD_KIND_CONTACT = 2,
	RRD_KIND_DEAL = 3,
	RRD_KIND_CUSTOMER = 4
} rrd_kind;

/** "lead", "contact", "deal", "customer"; NULL for another value. */
RRD_API const char *rrd_kind_name(rrd_kind kind);

/**
 * Parse a kind name ("lead", ...). @return RRD_OK or RRD_E_INVALID.
 * Thread-safe: yes.
 */
RRD_API rrd_status rrd_kind_parse(const char *name, rrd_kind *out);

/**
 * Strategy ids. The built-in values are fixed; custom strategies registered
 * on a distributor get ids from RRD_STRATEGY_CUSTOM upward.
 */
typedef int rrd_strategy;
#define RRD_STRATEGY_ROUND_ROBIN 1
#define RRD_STRATEGY_WEIGHTED_ROUND_ROBIN 2
#define RRD_STRATEGY_LEAST_BUSY 3
#define RRD_STRATEGY_LEAST_RECENT 4
#define RRD_STRATEGY_RANDOM 5
#define RRD_STRATEGY_PIRANHA 6
#define RRD_STRATEGY_NEAREST 7
#define RRD_STRATEGY_CUSTOM 1000

/**
 * Name of a built-in strategy ("round_robin", "weighted_round_robin",
 * "least_busy", "least_recent", "random", "piranha", "nearest"); NULL for
 * any other id (custom strategies are named when registered on a
 * distributor: rrd_distributor_register_strategy).
 */
RRD_API const char *rrd_strategy_name(rrd_strategy strategy);

/** Parse a built-in strategy name. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_strategy_parse(const char *name, rrd_strategy *out);

/**
 * Why a strategy passed over a member. Values are fixed. When several apply,
 * the first in this order is reported.
 */
typedef enum rrd_skip_reason {
	RRD_SKIP_INACTIVE = 1,
	RRD_SKIP_PAUSED = 2,
	RRD_SKIP_MISSING_SKILL = 3,
	RRD_SKIP_OUTSIDE_HOURS = 4,
	RRD_SKIP_AT_CAPACITY = 5,   /**< holds capacity.open open records */
	RRD_SKIP_DAILY_CAP = 6,     /**< reached capacity.per_day today */
	RRD_SKIP_NO_LOCATION = 7,   /**< nearest: the agent has no location */
	RRD_SKIP_ALREADY_OFFERED = 8/**< offered this record already in this routing */
} rrd_skip_reason;

/** "inactive", "paused", ...; NULL for another value. */
RRD_API const char *rrd_skip_reason_name(rrd_skip_reason reason);

/** Lifecycle of a record. Values are fixed. */
typedef enum rrd_record_status {
	RRD_RECORD_NEW = 1,         /**< known, not yet routed */
	RRD_RECORD_OFFERED = 2,     /**< offered with a claim window, nobody holds it */
	RRD_RECORD_PENDING = 3,     /**< assigned, its owner has not claimed it yet */
	RRD_RECORD_CLAIMED = 4,     /**< its owner claimed it */
	RRD_RECORD_QUEUED = 5,      /**< waiting in the manual assignment queue */
	RRD_RECORD_DEACTIVATED = 6  /**< replaced (partner transfer) or closed */
} rrd_record_status;

/** "new", "offered", "pending", "claimed", "queued", "deactivated"; NULL otherwise. */
RRD_API const char *rrd_record_status_name(rrd_record_status status);

/** Parse a record status name. @return RRD_OK or RRD_E_INVALID. */
RRD_API rrd_status rrd_record_status_parse(const char *name, rrd_record_status *out);

/** Why a record sits in the manual queue. Values are fixed. */
typedef enum rrd_queue_reason {
	RRD_QUEUE_UNKNOWN = 0,           /**< imported as queued: the reason is not known */
	RRD_QUEUE_NO_RULE = 1,           /**< no rule matched */
	RRD_QUEUE_POOL_EXHAUSTED = 2,    /**< every offer expired, was declined or max_offers reached */
	RRD_QUEUE_NO_ELIGIBLE_AGENT = 3, /**< nobody was eligible at the first offer */
	RRD_QUEUE_MANUAL = 4             /**< parked by the host (rrd_distributor_queue_record) */
} rrd_queue_reason;

/** "no_rule", "pool_exhausted", "no_eligible_agent", "manual"; NULL otherwise. */
RRD_API const char *rrd_queue_reason_name(rrd_queue_reason reason);

/* Opaque handles. Each header documents its own. */
typedef struct rrd_distributor rrd_distributor;
typedef struct rrd_agent rrd_agent;
typedef struct rrd_pool rrd_pool;
typedef struct rrd_rule rrd_rule;
typedef struct rrd_calendar rrd_calendar;
typedef struct rrd_record rrd_record;
typedef struct rrd_event rrd_event;
typedef struct rrd_pick rrd_pick;
typedef struct rrd_store rrd_store;

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_COMMON_H */
