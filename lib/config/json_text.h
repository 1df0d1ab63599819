/*
 * Whether a text is one JSON document, decided before cJSON reads it.
 *
 * cJSON tells a syntax error from running out of memory only through a
 * process-wide pointer, which every other thread's parse resets; and it
 * takes what the library must refuse: text after the value, a \u0000 that
 * cuts a string short, a key named twice (the first silently wins), bytes
 * that are not UTF-8. Every reader of a document (configuration, scenario,
 * record) runs this check first and hands cJSON only what it accepted.
 * What it accepts is a subset of what cJSON parses, so a cJSON failure
 * after it can only be an allocation failure.
 */
#ifndef RRD_CONFIG_JSON_TEXT_H
#define RRD_CONFIG_JSON_TEXT_H

#include "rrdist/common.h"

/* cJSON's own limits (CJSON_NESTING_LIMIT, and the buffer its number
 * reader copies a number into): text past them is refused here, since
 * cJSON would refuse it too, as if memory had run out. */
#define RRD_JSON_DEPTH_MAX 1000
#define RRD_JSON_NUMBER_MAX 63

/*
 * RRD_OK when the `len` bytes at `text` are one JSON value as RFC 8259
 * has it, optionally after a UTF-8 byte order mark (as cJSON: only in a
 * text of more than 4 bytes) and with only blanks and NUL bytes after it
 * (the NUL that ends a C string may be counted), whose strings are UTF-8
 * without U+0000 (escaped or not), whose objects name no key twice (keys
 * compared as cJSON compares them, unescaped), nested at most
 * RRD_JSON_DEPTH_MAX deep, and whose numbers are at most
 * RRD_JSON_NUMBER_MAX characters long.
 *
 * Otherwise RRD_E_PARSE with a message locating the first fault by line
 * and column (from 1; columns count bytes), and by JSON path where that
 * says more, e.g. "$: not JSON: syntax error at line 3, column 9",
 * "$: not JSON: text after the document at line 1, column 40",
 * "$.events[2].at: the object already has this key (line 4, column 7)",
 * "$.records[0].id: a string holds U+0000 (line 9, column 12)".
 * RRD_E_NOMEM when the bookkeeping for deep nesting or large objects
 * cannot be allocated. Thread-safe: uses no shared state.
 */
rrd_status rrd__json_text_check(const char *text, size_t len);

/* The text checked as rrd__json_text_check does, then parsed by cJSON
 * into *out (the caller's to cJSON_Delete; NULL on failure). A cJSON
 * failure on checked text can only be for want of memory: RRD_E_NOMEM.
 * Thread-safe: uses no shared state. */
struct cJSON;
rrd_status rrd__json_parse(const char *text, size_t len, struct cJSON **out);

#endif
