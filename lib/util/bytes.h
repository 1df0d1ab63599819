/*
 * Short byte strings checked and copied inline. The ids, names and
 * values a record holds run to a dozen bytes, for which a call into the
 * C library's vectorised memchr or memcpy costs more than the work:
 * reading a job's records checks and copies a dozen of them a record.
 * Longer strings still go to the C library.
 */
#ifndef RRD_UTIL_BYTES_H
#define RRD_UTIL_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/compiler.h"

/* Eight bytes as one word, whatever their alignment. */
static inline uint64_t rrd__load8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* Eight bytes stored low first (as the stored forms write integers), as
 * one number, whatever the host's byte order. */
static inline uint64_t rrd__load_le64(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return rrd__load8(p);
#else
	uint64_t w = 0;
	for (int i = 0; i < 8; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
#endif
}

static inline uint32_t rrd__load4(const unsigned char *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

/* Whether a word holds a zero byte (exact, whatever the others hold). */
static inline int rrd__word_has_zero(uint64_t w)
{
	return ((w - 0x0101010101010101u) & ~w & 0x8080808080808080u) != 0;
}

/* Whether the n bytes at p hold a NUL, reading none past them. */
static RRD_ALWAYS_INLINE int rrd__has_nul(const void *p, size_t n)
{
	const unsigned char *s = p;
	if (n > 64)
		return memchr(s, 0, n) != NULL;
	if (n >= 8) {
		/* Words from the front, then the last eight bytes, which may
		 * overlap the word before. */
		const unsigned char *last = s + n - 8;
		for (; s < last; s += 8)
			if (rrd__word_has_zero(rrd__load8(s)))
				return 1;
		return rrd__word_has_zero(rrd__load8(last));
	}
	if (n >= 4) {
		uint64_t w = (uint64_t)rrd__load4(s) << 32 | rrd__load4(s + n - 4);
		return rrd__word_has_zero(w);
	}
	for (size_t i = 0; i < n; i++)
		if (!s[i])
			return 1;
	return 0;
}

/* memcpy(to, from, n), for n mostly under 17. */
static RRD_ALWAYS_INLINE void rrd__copy_short(void *to, const void *from, size_t n)
{
	unsigned char *d = to;
	const unsigned char *s = from;
	if (n > 16) {
		memcpy(d, s, n);
	} else if (n >= 8) {
		/* Two words that overlap when n < 16. */
		uint64_t a = rrd__load8(s), b = rrd__load8(s + n - 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a = rrd__load4(s), b = rrd__load4(s + n - 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}

#endif
