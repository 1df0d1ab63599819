/* Validation of the ids, names and text the API accepts. */
#ifndef RRD_UTIL_ID_H
#define RRD_UTIL_ID_H

#include "rrdist/common.h"

/* RRD_OK when `id` is 1..RRD_ID_MAX bytes of UTF-8 without control
 * characters; else records why (naming `what`) and returns RRD_E_INVALID.
 * Control characters are refused because stores join keys with 0x1F. */
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
