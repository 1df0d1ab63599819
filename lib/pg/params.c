/*
 * Parameters and results in PostgreSQL's binary forms: integers big-endian,
 * bytea as it is, and one-dimensional arrays (a header, then each
 * element's length and bytes), so that a batch of keys is one parameter
 * of one statement and nothing is ever spliced into SQL text.
 */
#include <string.h>

#include "pg/pg.h"
#include "util/alloc.h"
#include "util/error.h"

static void put_be(char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)(v & 0xFF);
		v >>= 8;
	}
}

void rrd__pg_params_init(pg_params *p)
{
	p->n = 0;
}

void rrd__pg_param_int(pg_params *p, int64_t v)
{
	int i = p->n++;
	put_be(p->ints[i], (uint64_t)v, 8);
	p->values[i] = p->ints[i];
	p->lengths[i] = 8;
	p->formats[i] = 1;
}

void rrd__pg_param_bytes(pg_params *p, const void *data, size_t len)
{
	int i = p->n++;
	/* libpq wants a pointer even for no bytes. */
	p->values[i] = len ? data : "";
	p->lengths[i] = (int)len;
	p->formats[i] = 1;
}

static char *room(pg_bytes *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (rrd__grow((void **)&b->data, &b->cap, b->len + n, 1)) {
		b->failed = 1;
		return NULL;
	}
	char *p = b->data + b->len;
	b->len += n;
	return p;
}

void rrd__pg_array_begin(pg_bytes *b, uint32_t oid, size_t n)
{
	b->len = 0;
	b->failed = n > INT32_MAX;
	char *p = room(b, 20);
	if (!p)
		return;
	put_be(p, 1, 4);           /* dimensions */
	put_be(p + 4, 0, 4);       /* no NULLs */
	put_be(p + 8, oid, 4);     /* element type */
	put_be(p + 12, n, 4);      /* elements */
	put_be(p + 16, 1, 4);      /* lower bound */
}

void rrd__pg_array_item(pg_bytes *b, const void *data, size_t len)
{
	if (len > INT32_MAX) {
		b->failed = 1;
		return;
	}
	char *p = room(b, 4 + len);
	if (!p)
		return;
	put_be(p, len, 4);
	if (len)
		memcpy(p + 4, data, len);
}

void rrd__pg_array_int2(pg_bytes *b, int v)
{
	char *p = room(b, 6);
	if (!p)
		return;
	put_be(p, 2, 4);
	put_be(p + 4, (uint64_t)v, 2);
}

void rrd__pg_array_int8(pg_bytes *b, int64_t v)
{
	char *p = room(b, 12);
	if (!p)
		return;
	put_be(p, 8, 4);
	put_be(p + 4, (uint64_t)v, 8);
}

int rrd__pg_param_array(pg_params *p, pg_bytes *b)
{
	if (b->failed || b->len > INT32_MAX)
		return rrd__nomem();
	rrd__pg_param_bytes(p, b->data, b->len);
	return RRD_OK;
}

int64_t rrd__pg_int(PGresult *r, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	int n = PQgetlength(r, row, col);
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	/* Sign-extend the narrower types. */
	if (n > 0 && n < 8 && (p[0] & 0x80))
		v |= ~(uint64_t)0 << (8 * n);
	return (int64_t)v;
}
