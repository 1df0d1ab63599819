/* A small ordered set of owned strings (types, skills, sources, members). */
#ifndef RRD_UTIL_STRLIST_H
#define RRD_UTIL_STRLIST_H

#include <stddef.h>

#include "rrdist/common.h"
#include "util/hashmap.h"

typedef struct rrd_strlist {
	char **items;
	size_t count;
	size_t cap;
	/* Built once the list is long, so membership in a pool of 100,000
	 * agents is not a scan; maps each string to its index. */
	rrd_hashmap index;
} rrd_strlist;

/* Index of `s`, or -1. Linear: these lists are short. */
long rrd__strlist_find(const rrd_strlist *l, const char *s);
/* Append a copy unless present. RRD_OK or RRD_E_NOMEM (list unchanged). */
rrd_status rrd__strlist_add(rrd_strlist *l, const char *s);
/* Remove `s`; 1 if it was there, 0 if not. Keeps the order of the rest. */
int rrd__strlist_remove(rrd_strlist *l, const char *s);
void rrd__strlist_clear(rrd_strlist *l);
/* Deep copy into an empty list. RRD_OK or RRD_E_NOMEM (dst left empty). */
rrd_status rrd__strlist_copy(rrd_strlist *dst, const rrd_strlist *src);
/* 1 when every string of `need` is in `have`. */
int rrd__strlist_contains_all(const rrd_strlist *have, const rrd_strlist *need);

#endif
