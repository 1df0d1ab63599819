/*
 * librrdist: the stores that ship with the library.
 *
 * A store keeps a distributor's configuration and state. Several
 * distributors may share one store; each operation is one store
 * transaction. Backend authors implementing their own store include
 * rrdist/sys/store.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_STORE_H
#define RRDIST_STORE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Create an empty in-memory store: the reference store, for tests,
 * simulation and hosts that persist nothing.
 *
 * @param out  receives the store; the caller owns it (rrd_store_free).
 * @return RRD_OK, RRD_E_INVALID, RRD_E_NOMEM.
 * Thread-safe: yes; the store serialises its own transactions, so several
 * distributors (in several threads) may share it.
 */
RRD_API rrd_status rrd_store_memory_new(rrd_store **out);

/**
 * Close a store and free its handle. Free every distributor using it
 * first. NULL is ignored.
 */
RRD_API void rrd_store_free(rrd_store *store);

#ifdef __cplusplus
}
#endif

#endif /* RRDIST_STORE_H */
