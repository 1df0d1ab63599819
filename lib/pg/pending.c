/*
 * Puts wait, in the handle, for whatever is sent next: a transaction's
 * puts, single or many, of any namespace, go out as one statement (one
 * row each, from arrays), just before the next read, delete or COMMIT.
 * A submit's record, counters and cursor are one statement, not three,
 * and a job's batch of records, journal entry, index blocks and counters
 * one or two, not a dozen: the server parses, plans and runs a statement per
 * round, and its CPU is what several application servers share.
 *
 * One statement may not write a row twice, so a key put twice keeps its
 * last value, as two statements in order would leave it.
 *
 * Deletes wait too (del_many's, whose caller needs no answer): those of
 * one namespace in a row are one statement. So do adds (add_many's rows,
 * which must be new): one statement with no ON CONFLICT, whose failure
 * comes with the next sync. Puts, adds and deletes never wait together:
 * one of another kind sends what waits first, so every statement goes
 * out in the order of the calls that made it.
 */
#include <stdlib.h>
#include <string.h>

#include "pg/pg.h"
#include "util/alloc.h"
#include "util/error.h"

/* Rows or bytes held at most before they go out anyway, so that a
 * large transaction's memory stays bounded. */
#define PENDING_ROWS_MAX 4096
#define PENDING_BYTES_MAX ((size_t)8 << 20)

static int append(pg_bytes *b, const void *data, size_t n, size_t *at)
{
	if (rrd__grow((void **)&b->data, &b->cap, b->len + n, 1))
		return rrd__nomem();
	*at = b->len;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	return RRD_OK;
}

static int full(pgstore *s)
{
	pg_pending *q = &s->pending;
	if (q->n < PENDING_ROWS_MAX && q->bytes.len < PENDING_BYTES_MAX)
		return RRD_OK;
	return rrd__pg_flush_writes(s);
}

int rrd__pg_pending_del(pgstore *s, int ns, const char *key, size_t klen)
{
	pg_pending *q = &s->pending;
	int rc;
	if (q->n && (q->kind != PG_HOLD_DELS || q->del_ns != ns) && (rc = rrd__pg_pending_send(s)))
		return rc;
	if (rrd__grow((void **)&q->puts, &q->cap, q->n + 1, sizeof *q->puts))
		return rrd__nomem();
	q->kind = PG_HOLD_DELS;
	q->del_ns = ns;
	pg_put *p = &q->puts[q->n];
	*p = (pg_put){ .ns = ns, .klen = klen };
	if (append(&q->bytes, key, klen, &p->key))
		return rrd__nomem();
	q->n++;
	return full(s);
}

/* Hold a put or an add (`kind`). */
static int hold_row(pgstore *s, pg_hold kind, int ns, const char *key, size_t klen,
		    const void *value, size_t vlen, int64_t order)
{
	pg_pending *q = &s->pending;
	int rc;
	if (q->n && q->kind != kind && (rc = rrd__pg_pending_send(s)))
		return rc;
	q->kind = kind;
	if (rrd__grow((void **)&q->puts, &q->cap, q->n + 1, sizeof *q->puts))
		return rrd__nomem();
	pg_put *p = &q->puts[q->n];
	p->ns = ns;
	p->order = order;
	p->klen = klen;
	p->vlen = vlen;
	size_t before = q->bytes.len;
	if (append(&q->bytes, key, klen, &p->key) || append(&q->bytes, value, vlen, &p->value)) {
		q->bytes.len = before;
		return rrd__nomem();
	}
	q->n++;
	return full(s);
}

int rrd__pg_pending_put(pgstore *s, int ns, const char *key, size_t klen, const void *value,
			size_t vlen, int64_t order)
{
	return hold_row(s, PG_HOLD_PUTS, ns, key, klen, value, vlen, order);
}

int rrd__pg_pending_add(pgstore *s, int ns, const char *key, size_t klen, const void *value,
			size_t vlen, int64_t order)
{
	return hold_row(s, PG_HOLD_ADDS, ns, key, klen, value, vlen, order);
}

/* For sorting the puts' indexes by namespace, key, then place. */
static _Thread_local const pg_pending *sorting;

static int by_row_then_place(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const pg_put *p = &sorting->puts[x], *r = &sorting->puts[y];
	if (p->ns != r->ns)
		return p->ns < r->ns ? -1 : 1;
	size_t n = p->klen < r->klen ? p->klen : r->klen;
	int c = memcmp(sorting->bytes.data + p->key, sorting->bytes.data + r->key, n);
	if (c)
		return c;
	if (p->klen != r->klen)
		return p->klen < r->klen ? -1 : 1;
	return (x > y) - (x < y);
}

static int same_row(const pg_pending *q, size_t x, size_t y)
{
	const pg_put *p = &q->puts[x], *r = &q->puts[y];
	return p->ns == r->ns && p->klen == r->klen &&
	       memcmp(q->bytes.data + p->key, q->bytes.data + r->key, p->klen) == 0;
}

/* q->keep[i]: whether put i is the last of its row. Adds are all kept:
 * a key given twice must fail, as it would one add at a time. */
static int last_of_each(pg_pending *q)
{
	if (rrd__grow((void **)&q->keep, &q->keep_cap, q->n, 1) ||
	    rrd__grow((void **)&q->sorted, &q->sorted_cap, q->n, sizeof *q->sorted))
		return rrd__nomem();
	memset(q->keep, 1, q->n);
	if (q->n < 2 || q->kind == PG_HOLD_ADDS)
		return RRD_OK;
	for (size_t i = 0; i < q->n; i++)
		q->sorted[i] = i;
	sorting = q;
	qsort(q->sorted, q->n, sizeof *q->sorted, by_row_then_place);
	sorting = NULL;
	for (size_t i = 0; i + 1 < q->n; i++)
		if (same_row(q, q->sorted[i], q->sorted[i + 1]))
			q->keep[q->sorted[i]] = 0;
	return RRD_OK;
}

static int send_deletes(pgstore *s)
{
	pg_pending *q = &s->pending;
	pg_bytes *ks = &q->arrays[1];
	rrd__pg_array_begin(ks, PG_OID_BYTEA, q->n);
	for (size_t i = 0; i < q->n; i++)
		rrd__pg_array_item(ks, q->bytes.data + q->puts[i].key, q->puts[i].klen);
	pg_params params;
	rrd__pg_params_init(&params);
	rrd__pg_param_int(&params, q->del_ns);
	q->n = 0;
	q->bytes.len = 0;
	int rc = rrd__pg_param_array(&params, ks);
	return rc ? rc : rrd__pg_send(s, PG_DEL_MANY, &params);
}

int rrd__pg_pending_send(pgstore *s)
{
	pg_pending *q = &s->pending;
	if (!q->n)
		return RRD_OK;
	if (q->kind == PG_HOLD_DELS)
		return send_deletes(s);
	int rc = last_of_each(q);
	if (rc) {
		rrd__pg_pending_drop(s);
		return rc;
	}
	size_t kept = 0;
	for (size_t i = 0; i < q->n; i++)
		kept += q->keep[i];
	pg_bytes *ns = &q->arrays[0], *ks = &q->arrays[1], *vs = &q->arrays[2],
		 *os = &q->arrays[3];
	rrd__pg_array_begin(ns, PG_OID_INT2, kept);
	rrd__pg_array_begin(ks, PG_OID_BYTEA, kept);
	rrd__pg_array_begin(vs, PG_OID_BYTEA, kept);
	rrd__pg_array_begin(os, PG_OID_INT8, kept);
	for (size_t i = 0; i < q->n; i++) {
		if (!q->keep[i])
			continue;
		const pg_put *p = &q->puts[i];
		rrd__pg_array_int2(ns, p->ns);
		rrd__pg_array_item(ks, q->bytes.data + p->key, p->klen);
		rrd__pg_array_item(vs, q->bytes.data + p->value, p->vlen);
		rrd__pg_array_int8(os, p->order);
	}
	pg_params params;
	rrd__pg_params_init(&params);
	/* Emptied first: sending is what flushes, and must find nothing. */
	q->n = 0;
	q->bytes.len = 0;
	if ((rc = rrd__pg_param_array(&params, ns)) || (rc = rrd__pg_param_array(&params, ks)) ||
	    (rc = rrd__pg_param_array(&params, vs)) || (rc = rrd__pg_param_array(&params, os)))
		return rc;
	return rrd__pg_send(s, q->kind == PG_HOLD_ADDS ? PG_ADD_ROWS : PG_PUT_ROWS, &params);
}

void rrd__pg_pending_drop(pgstore *s)
{
	s->pending.n = 0;
	s->pending.bytes.len = 0;
}

void rrd__pg_pending_free(pgstore *s)
{
	pg_pending *q = &s->pending;
	rrd__free(q->bytes.data);
	rrd__free(q->puts);
	rrd__free(q->keep);
	rrd__free(q->sorted);
	for (size_t i = 0; i < sizeof q->arrays / sizeof *q->arrays; i++)
		rrd__free(q->arrays[i].data);
	*q = (pg_pending){ 0 };
}
