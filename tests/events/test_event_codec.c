/*
 * The outbox's form of an event: every field survives encoding and
 * decoding, and an entry that is not an event (cut short at any byte, a
 * wrong format, a string holding NUL, a count larger than the entry, an
 * enumeration out of range, bytes after the end) is refused with
 * RRD_E_STORE and adds nothing to the batch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "events/event.h"
#include "util/alloc.h"

static const rrd_skipped skips[] = { { "alice", RRD_SKIP_PAUSED }, { "bob", RRD_SKIP_DAILY_CAP } };

/* Every field set, with values far from zero in both directions. */
static rrd_event full(void)
{
	rrd_event e = { 0 };
	e.type = RRD_EVENT_ASSIGNED;
	e.at = -1234567890123;
	e.record = "L\"1\\";
	e.agent = "agent \xc3\xa9";
	e.previous = "prev";
	e.pool = "pool%_";
	e.rule = "rule";
	e.strategy = "round_robin";
	e.replaced_by = "L2";
	e.follow_up = "call";
	e.job = "J7";
	e.via = RRD_VIA_DRAIN;
	e.queue_reason = RRD_QUEUE_NO_RULE;
	e.claim_result = RRD_CLAIM_EXPIRED;
	e.has_deadline = 1;
	e.deadline = INT64_MAX;
	e.notify = 1;
	e.done = INT64_MIN;
	e.total = 15000;
	e.held = -1;
	e.skipped = skips;
	e.nskipped = 2;
	return e;
}

static void assert_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_true(a == b);
	else
		assert_string_equal(a, b);
}

static void assert_same(const rrd_event *a, const rrd_event *b)
{
	assert_int_equal(a->type, b->type);
	assert_true(a->at == b->at);
	assert_str(a->record, b->record);
	assert_str(a->agent, b->agent);
	assert_str(a->previous, b->previous);
	assert_str(a->pool, b->pool);
	assert_str(a->rule, b->rule);
	assert_str(a->strategy, b->strategy);
	assert_str(a->replaced_by, b->replaced_by);
	assert_str(a->follow_up, b->follow_up);
	assert_str(a->job, b->job);
	assert_int_equal(a->via, b->via);
	assert_int_equal(a->queue_reason, b->queue_reason);
	assert_int_equal(a->claim_result, b->claim_result);
	assert_int_equal(a->has_deadline, b->has_deadline);
	if (a->has_deadline)
		assert_true(a->deadline == b->deadline);
	assert_int_equal(a->notify, b->notify);
	assert_true(a->done == b->done && a->total == b->total && a->held == b->held);
	assert_int_equal(a->nskipped, b->nskipped);
	for (size_t i = 0; i < a->nskipped; i++) {
		assert_string_equal(a->skipped[i].agent, b->skipped[i].agent);
		assert_int_equal(a->skipped[i].reason, b->skipped[i].reason);
	}
}

static void round_trip(const rrd_event *e)
{
	rrd_buf b = { 0 };
	rrd__event_encode(e, &b);
	assert_false(b.failed);
	rrd_evbatch *batch = rrd__calloc(1, sizeof *batch);
	assert_non_null(batch);
	assert_int_equal(rrd__event_decode(b.data, b.len, "the-id", batch), RRD_OK);
	assert_int_equal(batch->count, 1);
	assert_same(e, &batch->events[0]);
	assert_string_equal(rrd_event_id(&batch->events[0]), "the-id");
	rrd__evbatch_free(batch);
	rrd__buf_free(&b);
}

static void test_every_field_survives(void **state)
{
	(void)state;
	rrd_event e = full();
	round_trip(&e);
	/* And none set: each absent string stays absent. */
	rrd_event bare = { 0 };
	bare.type = RRD_EVENT_QUEUED;
	round_trip(&bare);
	for (int t = RRD_EVENT_OFFERED; t <= RRD_EVENT_UNDONE; t++) {
		e.type = (rrd_event_type)t;
		e.has_deadline = t % 2;
		e.notify = t % 3 == 0;
		round_trip(&e);
	}
}

/* Decode `len` bytes; what it returned, with the batch checked empty
 * on failure. */
static rrd_status decode(const unsigned char *p, size_t len)
{
	rrd_evbatch *batch = rrd__calloc(1, sizeof *batch);
	assert_non_null(batch);
	/* A copy of exactly len bytes, so that ASan sees a read past it. */
	unsigned char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, p, len);
	rrd_status rc = rrd__event_decode(copy, len, "k", batch);
	if (rc)
		assert_int_equal(batch->count, 0);
	free(copy);
	rrd__evbatch_free(batch);
	return rc;
}

static void test_malformed_entries_are_refused(void **state)
{
	(void)state;
	rrd_event e = full();
	rrd_buf b = { 0 };
	rrd__event_encode(&e, &b);
	assert_int_equal(decode(b.data, b.len), RRD_OK);
	for (size_t cut = 0; cut < b.len; cut++)
		assert_int_equal(decode(b.data, cut), RRD_E_STORE);
	/* Bytes after the end. */
	unsigned char *longer = malloc(b.len + 1);
	assert_non_null(longer);
	memcpy(longer, b.data, b.len);
	longer[b.len] = 0;
	assert_int_equal(decode(longer, b.len + 1), RRD_E_STORE);
	/* Another format. */
	memcpy(longer, b.data, b.len);
	longer[0] = 2;
	assert_int_equal(decode(longer, b.len), RRD_E_STORE);
	/* A NUL inside the record's id: the string after the field bits. */
	memcpy(longer, b.data, b.len);
	unsigned char *quote = memchr(longer, '"', b.len);
	assert_non_null(quote);
	*quote = 0;
	assert_int_equal(decode(longer, b.len), RRD_E_STORE);
	free(longer);
	/* A type out of range, and a skipped count larger than the entry. */
	static const unsigned char bad_type[] = { 1, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	assert_int_equal(decode(bad_type, sizeof bad_type), RRD_E_STORE);
	static const unsigned char many[] = { 1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x7f };
	assert_int_equal(decode(many, sizeof many), RRD_E_STORE);
	/* Random bytes never crash it. */
	unsigned int seed = 12345;
	unsigned char junk[64];
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(rand_r(&seed) % (int)sizeof junk);
		for (size_t j = 0; j < n; j++)
			junk[j] = (unsigned char)rand_r(&seed);
		if (n)
			junk[0] = 1;
		(void)decode(junk, n);
	}
	rrd__buf_free(&b);
}

static void test_ids_sort_by_serial(void **state)
{
	(void)state;
	char token[17], a[RRD_EVENT_ID_MAX + 1], b[RRD_EVENT_ID_MAX + 1];
	rrd__event_token(token, 0x0123456789abcdefULL);
	assert_string_equal(token, "0123456789abcdef");
	rrd__event_id_format(a, token, 9);
	rrd__event_id_format(b, token, 10);
	assert_string_equal(a, "0123456789abcdef-0000000000000009");
	assert_string_equal(b, "0123456789abcdef-000000000000000a");
	assert_true(strcmp(a, b) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_survives),
		cmocka_unit_test(test_malformed_entries_are_refused),
		cmocka_unit_test(test_ids_sort_by_serial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
