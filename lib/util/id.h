/* Validation of the ids, names and text the API accepts. */
#ifndef RRD_UTIL_ID_H
#define RRD_UTIL_ID_H

#include "rrdist/common.h"

/* Which ids a check lets through. */
typedef enum rrd_id_rule {
	/* An id entering through the API or a document: no control
	 * character at all, C0 (stores join keys with 0x1F), DEL or C1
	 * (U+0080..U+009F, which terminals also obey). */
	RRD_ID_INPUT,
	/* An id read back from a store, or copied from an object that holds
	 * one: earlier releases let the C1 controls through, and a store
	 * that holds them must stay readable. C0 and DEL are still refused. */
	RRD_ID_STORED
} rrd_id_rule;

/* RRD_OK when `id` is 1..RRD_ID_MAX bytes of UTF-8 without the control
 * characters `rule` refuses; else records why (naming `what`) and returns
 * RRD_E_INVALID. */
rrd_status rrd__id_check_as(const char *id, const char *what, rrd_id_rule rule);
/* The same for the n bytes at `id`, which hold no NUL: for an id where it
 * lies in stored bytes. */
rrd_status rrd__id_check_bytes(const char *id, size_t n, const char *what, rrd_id_rule rule);
/* Whether the n bytes at `id` (no NUL needed) are such an id, without a
 * message: for a caller that only sorts ids, never refuses one. */
int rrd__id_valid(const char *id, size_t n, rrd_id_rule rule);
/* rrd__id_check_as(id, what, RRD_ID_INPUT): for everything that enters. */
rrd_status rrd__id_check(const char *id, const char *what);

/* RRD_OK when `text` (not NULL) is UTF-8; else records why (naming
 * `what`) and returns RRD_E_INVALID. For free text such as attribute
 * values, which may hold control characters but must stay writable as
 * JSON. */
rrd_status rrd__text_check(const char *text, const char *what);

/* 1 when the n bytes at s are UTF-8: no stray continuation bytes, no
 * sequence cut short, no overlong forms, no surrogates, nothing past
 * U+10FFFF. */
int rrd__utf8_valid(const unsigned char *s, size_t n);

#endif
