/*
 * Reading a scenario event without allocating.
 *
 * Most events are one flat object of short strings ({"at":"+5s","op":"lead",
 * "id":"L1","source":"web"}). cJSON would make a block for every member, key
 * and value, and free them all after the check; over a million events that
 * is most of the loading time. rrd__flat_parse reads such an object into
 * caller-held storage and gives the very tree cJSON would: the same nodes,
 * types, keys and values, in the same order, duplicates kept. The checks and
 * the runner read it through the cJSON API as they read any object.
 *
 * It reads a strict subset: members whose values are strings without
 * escapes or control bytes, true, false or null, blanks that are JSON's
 * four, within the limits below. For anything else it returns NULL and the
 * caller parses with cJSON, which then decides, so whatever is not flat
 * keeps cJSON's exact reading and its faults.
 */
#ifndef RRD_SIM_FLAT_H
#define RRD_SIM_FLAT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define RRD_FLAT_MEMBERS 16
#define RRD_FLAT_TEXT 1024

/* Room for one object. A tree read into it lives until the storage is
 * reused or goes; it must never reach cJSON_Delete. */
typedef struct rrd_flat {
	cJSON root;
	cJSON members[RRD_FLAT_MEMBERS];
	char text[RRD_FLAT_TEXT]; /* keys and values, each ended by a NUL */
} rrd_flat;

/* The object that the `len` bytes at `text` are, exactly (nothing before
 * or after it), read into *f; or NULL when they are not a flat object
 * within the limits. */
const cJSON *rrd__flat_parse(rrd_flat *f, const char *text, size_t len);

#endif
