/*
 * Whether a store's index of records by owner says exactly what its
 * records say, read from the store through the storage interface alone.
 * Every record whose owner is an id has one entry (its order as a zigzag
 * varint, its status as a byte, its id after its varint length), either
 * in the list after its owner's counters in RRD_NS_AGENT_STATE (after
 * the 33 bytes of counters and a varint, the id of the agent's next
 * block) or in one of its owner's blocks in RRD_NS_BY_OWNER ("owner 0x1F
 * b 0x1F" and 16 hex digits). Every block has a directory row ("owner
 * 0x1F d 0x1F" and the same id) whose least and greatest order (zigzag
 * varints) hold those of its entries, and holds at least one; an agent's
 * own blocks have ids below the next it gives out. There is no other
 * entry or row, and the marker says the index is complete.
 */
#ifndef RRD_TEST_BY_OWNER_CHECK_H
#define RRD_TEST_BY_OWNER_CHECK_H

#include "rrdist.h"

/* NULL when they agree; otherwise the first difference, as text that
 * lives until the next call. The store must be outside a transaction. */
const char *by_owner_differs(rrd_store *st);

/* Fail the test, saying where (`when`) and how, when they do not. */
void by_owner_agrees(rrd_store *st, const char *when);

/* Whether the store keeps one at all: a marker, or any entry. */
int by_owner_kept(rrd_store *st);
/* How many entries it holds, in both parts; how many of them lie in
 * agents' lists; how many blocks it has. */
typedef struct by_owner_counts {
	size_t entries, listed, blocks;
} by_owner_counts;
by_owner_counts by_owner_count(rrd_store *st);

#endif
