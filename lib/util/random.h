/* Random tokens, for names that must never be shared: a lock owner's, a
 * distributor's event ids. Not for anything a seed must reproduce. */
#ifndef RRD_UTIL_RANDOM_H
#define RRD_UTIL_RANDOM_H

#include <stdint.h>

/* 64 bits from the kernel's generator, drawn afresh at every call (so a
 * forked child draws its own); without one, a hash of both clocks to the
 * nanosecond, the process id and a stack address. */
uint64_t rrd__random_token(void);

#endif
