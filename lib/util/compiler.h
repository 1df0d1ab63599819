/*
 * Hints to the compiler about inlining, where its own choice costs the
 * hot paths measurably. Empty for compilers without them.
 */
#ifndef RRD_UTIL_COMPILER_H
#define RRD_UTIL_COMPILER_H

#if defined(__GNUC__)
#define RRD_ALWAYS_INLINE __attribute__((always_inline)) inline
#define RRD_NOINLINE __attribute__((noinline))
#else
#define RRD_ALWAYS_INLINE inline
#define RRD_NOINLINE
#endif

#endif
