/*
 * Hints to the compiler (inlining) and the processor (prefetching), where
 * their own choices cost the hot paths measurably. Empty for compilers
 * without them.
 */
#ifndef RRD_UTIL_COMPILER_H
#define RRD_UTIL_COMPILER_H

#include <stdint.h>

#if defined(__GNUC__)
#define RRD_ALWAYS_INLINE __attribute__((always_inline)) inline
/* The number of trailing zero bits of x, which is not 0. */
#define RRD_CTZ64(x) ((unsigned)__builtin_ctzll(x))
/* Ask for the cache line at p, to be read soon. */
#define RRD_PREFETCH(p) __builtin_prefetch(p)
/* A branch that is rarely taken, so it goes out of the hot path's way. */
#define RRD_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define RRD_ALWAYS_INLINE inline
static inline unsigned rrd__ctz64(uint64_t x)
{
	unsigned n = 0;
	for (; !(x & 1); x >>= 1)
		n++;
	return n;
}
#define RRD_CTZ64(x) rrd__ctz64(x)
#define RRD_PREFETCH(p) ((void)(p))
#define RRD_UNLIKELY(x) (x)
#endif

#endif
