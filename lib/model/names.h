/* Name lookups that, unlike the public parsers, record no error: for
 * callers that try a built-in name first and something else next. */
#ifndef RRD_MODEL_NAMES_H
#define RRD_MODEL_NAMES_H

#include "rrdist/common.h"

/* The built-in strategy with that name, or 0. */
rrd_strategy rrd__builtin_strategy(const char *name);

#endif
