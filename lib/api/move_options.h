/* The options of a call that moves records by hand, shared by the calls
 * of lib/api that take them. */
#ifndef RRD_API_MOVE_OPTIONS_H
#define RRD_API_MOVE_OPTIONS_H

#include "rrdist/distributor.h"

/* The caller's move options (any version, NULL for the defaults),
 * completed with the defaults in *o. RRD_E_VERSION for an unknown
 * version. */
rrd_status rrd__move_options(const rrd_move_options *opts, rrd_move_options *o);

#endif
