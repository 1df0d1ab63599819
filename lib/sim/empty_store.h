/* A store a host gives a run must be empty: the output is the scenario's
 * alone only when the run starts from nothing. */
#ifndef RRD_SIM_EMPTY_STORE_H
#define RRD_SIM_EMPTY_STORE_H

#include "rrdist.h"

/* RRD_OK when `store` holds no entry in any namespace; RRD_E_STATE when
 * it holds one; a store failure when it cannot be read. */
rrd_status rrd__sim_store_empty(rrd_store *store);

#endif
