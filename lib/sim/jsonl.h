/* Output lines written by hand, fields in a fixed order, so the same run
 * gives the same bytes everywhere, and fast enough for a million leads. */
#ifndef RRD_SIM_JSONL_H
#define RRD_SIM_JSONL_H

#include <stdint.h>

#include "rrdist/common.h"
#include "util/buf.h"

void rrd__jl_begin(rrd_buf *b, rrd_time at, const char *event);
void rrd__jl_str(rrd_buf *b, const char *key, const char *value); /* NULL: null */
void rrd__jl_int(rrd_buf *b, const char *key, int64_t v);
void rrd__jl_bool(rrd_buf *b, const char *key, int v);
void rrd__jl_time(rrd_buf *b, const char *key, rrd_time t);
/* Open a nested object or array value ("key":{ / "key":[). */
void rrd__jl_open(rrd_buf *b, const char *key, char bracket);
void rrd__jl_close(rrd_buf *b, char bracket);
/* A string element of an array, or the start of an object in an array. */
void rrd__jl_item_open(rrd_buf *b);
void rrd__jl_end(rrd_buf *b); /* closes the line with "}\n" */

#endif
