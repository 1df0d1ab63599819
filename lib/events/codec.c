/*
 * Events in a store's outbox: a compact binary form, written in the
 * transaction that makes them true and read back only to deliver them
 * again after a crash. Decoding trusts nothing: the outbox is the store's,
 * and a malformed entry is refused rather than delivered half.
 */
#include <string.h>

#include "events/event.h"
#include "util/alloc.h"
#include "util/error.h"

#define EVENT_FORMAT 1

/* Which strings follow, in this order. */
enum {
	HAS_RECORD = 1 << 0,
	HAS_AGENT = 1 << 1,
	HAS_PREVIOUS = 1 << 2,
	HAS_POOL = 1 << 3,
	HAS_RULE = 1 << 4,
	HAS_STRATEGY = 1 << 5,
	HAS_REPLACED_BY = 1 << 6,
	HAS_FOLLOW_UP = 1 << 7,
	HAS_JOB = 1 << 8,
	HAS_DEADLINE = 1 << 9,
	HAS_ALL = (1 << 10) - 1
};

/* The string fields, in the order of the bits above. */
#define STRINGS(e) { &(e)->record, &(e)->agent, &(e)->previous, &(e)->pool, &(e)->rule, \
		     &(e)->strategy, &(e)->replaced_by, &(e)->follow_up, &(e)->job }
#define NSTRINGS 9

void rrd__event_encode(const rrd_event *ev, rrd_buf *b)
{
	const char *const *str[NSTRINGS] = STRINGS(ev);
	unsigned has = ev->has_deadline ? HAS_DEADLINE : 0;
	for (int i = 0; i < NSTRINGS; i++)
		if (*str[i])
			has |= 1u << i;
	rrd__buf_u8(b, EVENT_FORMAT);
	rrd__buf_uvar(b, (uint64_t)ev->type);
	rrd__buf_svar(b, ev->at);
	rrd__buf_uvar(b, has);
	for (int i = 0; i < NSTRINGS; i++)
		if (*str[i])
			rrd__buf_bytes(b, *str[i], strlen(*str[i]));
	rrd__buf_uvar(b, (uint64_t)ev->via);
	rrd__buf_uvar(b, (uint64_t)ev->queue_reason);
	rrd__buf_uvar(b, (uint64_t)ev->claim_result);
	rrd__buf_u8(b, ev->notify ? 1 : 0);
	if (ev->has_deadline)
		rrd__buf_svar(b, ev->deadline);
	rrd__buf_svar(b, ev->done);
	rrd__buf_svar(b, ev->total);
	rrd__buf_svar(b, ev->held);
	rrd__buf_uvar(b, ev->nskipped);
	for (size_t i = 0; i < ev->nskipped; i++) {
		rrd__buf_bytes(b, ev->skipped[i].agent, strlen(ev->skipped[i].agent));
		rrd__buf_uvar(b, (uint64_t)ev->skipped[i].reason);
	}
}

/* A string of the entry, copied into the arena with its NUL; NULL when
 * out of memory or malformed (an embedded NUL; r->failed is set). */
static const char *read_str(rrd_reader *r, rrd_arena *a, int *nomem)
{
	size_t n;
	const char *s = rrd__read_bytes(r, &n);
	if (!s || memchr(s, '\0', n)) {
		r->failed = 1;
		return NULL;
	}
	char *copy = rrd__arena_alloc(a, n + 1);
	if (!copy) {
		*nomem = 1;
		return NULL;
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

/* A small enumeration's value: at most `max`. */
static int read_enum(rrd_reader *r, uint64_t max)
{
	uint64_t v = rrd__read_uvar(r);
	if (v > max)
		r->failed = 1;
	return (int)(v & 0xFF);
}

rrd_status rrd__event_decode(const void *value, size_t len, const char *id, rrd_evbatch *b)
{
	rrd_reader r = { value, len, 0 };
	rrd_event e = { 0 };
	int nomem = 0;
	if (rrd__read_u8(&r) != EVENT_FORMAT)
		r.failed = 1;
	e.type = (rrd_event_type)read_enum(&r, RRD_EVENT_UNDONE);
	e.at = rrd__read_svar(&r);
	uint64_t has = rrd__read_uvar(&r);
	if (has & ~(uint64_t)HAS_ALL)
		r.failed = 1;
	const char **str[NSTRINGS] = STRINGS(&e);
	for (int i = 0; i < NSTRINGS && !r.failed && !nomem; i++)
		if (has & (1u << i))
			*str[i] = read_str(&r, &b->arena, &nomem);
	e.via = (rrd_via)read_enum(&r, RRD_VIA_DRAIN);
	e.queue_reason = (rrd_queue_reason)read_enum(&r, 255);
	e.claim_result = (rrd_claim_result)read_enum(&r, RRD_CLAIM_EXPIRED);
	e.notify = rrd__read_u8(&r);
	e.has_deadline = (has & HAS_DEADLINE) != 0;
	if (e.has_deadline)
		e.deadline = rrd__read_svar(&r);
	e.done = rrd__read_svar(&r);
	e.total = rrd__read_svar(&r);
	e.held = rrd__read_svar(&r);
	uint64_t nskipped = rrd__read_uvar(&r);
	/* Each takes two bytes at least: a count beyond that is a lie. */
	if (nskipped > r.left / 2)
		r.failed = 1;
	rrd_skipped *sk = NULL;
	if (!r.failed && nskipped &&
	    !(sk = rrd__arena_alloc(&b->arena, (size_t)nskipped * sizeof *sk)))
		nomem = 1;
	for (size_t i = 0; i < nskipped && !r.failed && !nomem; i++) {
		sk[i].agent = read_str(&r, &b->arena, &nomem);
		sk[i].reason = (rrd_skip_reason)read_enum(&r, 255);
	}
	e.skipped = sk;
	e.nskipped = sk ? (size_t)nskipped : 0;
	if (nomem)
		return rrd__nomem();
	if (r.failed || r.left || e.type < RRD_EVENT_OFFERED || e.notify > 1)
		return rrd__fail(RRD_E_STORE, "outbox entry \"%s\" is not an event", id);
	if (!(e.id = rrd__arena_strdup(&b->arena, id)))
		return rrd__nomem();
	return rrd__evbatch_push(b, &e);
}

static void hex16(char *out, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++)
		out[i] = hex[(v >> (60 - 4 * i)) & 0xF];
}

void rrd__event_id_format(char *out, const char *token, uint64_t serial)
{
	memcpy(out, token, 16);
	out[16] = '-';
	hex16(out + 17, serial);
	out[RRD_EVENT_ID_MAX] = '\0';
}

void rrd__event_token(char out[17], uint64_t token)
{
	hex16(out, token);
	out[16] = '\0';
}
