/* Whole numbers in decimal, written by hand where a key or path is made
 * once per event or pick and snprintf's cost would show. */
#ifndef RRD_UTIL_DECIMAL_H
#define RRD_UTIL_DECIMAL_H

#include <stdint.h>

/* The most digits a uint64_t has. */
#define RRD_DECIMAL_MAX 20

/* Write the digits of v backwards, ending just before `end` (which needs
 * RRD_DECIMAL_MAX bytes of room before it); returns where they begin. */
static inline char *rrd__decimal(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

#endif
