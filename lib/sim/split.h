/*
 * Finding a scenario document's events without parsing them.
 *
 * A document of a million events parsed whole is a tree of tens of millions
 * of small blocks, all alive at once; the loader would rather parse one
 * event at a time. rrd__split_events walks the top-level object only far
 * enough to find its first member named `events` (the one
 * cJSON_GetObjectItemCaseSensitive finds) and, when that is an array, the
 * byte span of each of its entries.
 *
 * The scanner checks structure, not syntax: a span is where an entry would
 * be if the document is JSON, and the caller must still parse it (and the
 * rest of the document) to know. Whatever it is not sure of, it gives up on,
 * and the caller then parses the document whole as it always could.
 */
#ifndef RRD_SIM_SPLIT_H
#define RRD_SIM_SPLIT_H

#include <stddef.h>
#include <stdint.h>

/* Deeper than this anywhere up to the end of `events`, the scanner gives
 * up. cJSON refuses nesting past 1000 levels, and an entry parsed alone is
 * two levels shallower than in the document: a margin keeps a document
 * that cJSON refuses whole from being taken in pieces. */
#define RRD_SPLIT_DEPTH_MAX 900

/* An entry's text: off and len in bytes (documents stay under 4 GiB). */
typedef struct rrd_split_span {
	uint32_t off, len;
} rrd_split_span;

typedef enum rrd_split_result {
	RRD_SPLIT_DONE,     /* `events` is an array: see the rrd_split */
	RRD_SPLIT_NO_ARRAY, /* the top-level object has no `events`, or it is not an array */
	RRD_SPLIT_GAVE_UP,  /* not a top-level object, or not one the scanner vouches for */
	RRD_SPLIT_NOMEM
} rrd_split_result;

typedef struct rrd_split {
	size_t open, close;    /* the array: text[open] is '[', text[close - 1] is ']' */
	rrd_split_span *spans; /* one per entry, in order (rrd__malloc'd; NULL when none) */
	size_t count, cap;
} rrd_split;

/*
 * Split `len` bytes of text. Blanks are bytes up to 32, as cJSON has them.
 * Gives up when a top-level key before `events` holds a backslash or a NUL
 * byte (cJSON compares keys unescaped and up to a NUL, so such a key might
 * be `events` too), when an entry does not begin like a JSON value, when
 * nesting passes RRD_SPLIT_DEPTH_MAX, or when the text ends early. Only
 * with RRD_SPLIT_DONE does `out` hold anything: free it with
 * rrd__split_free.
 */
rrd_split_result rrd__split_events(const char *text, size_t len, rrd_split *out);
void rrd__split_free(rrd_split *sp);

#endif
