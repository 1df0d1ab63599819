/*
 * Records in their stored form: every field survives a round trip, the
 * form is compact, records written in the older fixed-width form still
 * read, pairs out of order read sorted, and damaged bytes are refused
 * with RRD_E_STORE, never read past. A record read into an arena keeps
 * what it gains there.
 * A value that rrd_record_from_json refuses is named in one clean message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/failing_alloc.h"
#include "model/record.h"
#include "util/id.h"

static rrd_record *full_record(void)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "lead-42", RRD_KIND_DEAL), RRD_OK);
	assert_int_equal(rrd_record_set_source(r, "web"), RRD_OK);
	assert_int_equal(rrd_record_set_attr(r, "state", "TX"), RRD_OK);
	assert_int_equal(rrd_record_set_attr(r, "lang", "es"), RRD_OK);
	assert_int_equal(rrd_record_set_location(r, 30.27, -97.74), RRD_OK);
	r->status = RRD_RECORD_CLAIMED;
	r->owner = strdup("ann");
	r->partner = strdup("bob");
	r->follow_up = strdup("lead-43");
	r->replaced_by = strdup("lead-44");
	r->created_at = 1767225600123;
	r->reassigned_at = -5; /* negative times stay exact */
	assert_int_equal(rrd__kvlist_set(&r->roles, "closer", "cat"), RRD_OK);
	return r;
}

static void assert_same_record(const rrd_record *a, const rrd_record *b)
{
	assert_string_equal(a->id, b->id);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->status, b->status);
	const char *const sa[] = { a->source, a->owner, a->partner, a->follow_up, a->replaced_by };
	const char *const sb[] = { b->source, b->owner, b->partner, b->follow_up, b->replaced_by };
	for (int i = 0; i < 5; i++) {
		if (!sa[i])
			assert_null(sb[i]);
		else
			assert_string_equal(sa[i], sb[i]);
	}
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->reassigned_at, b->reassigned_at);
	assert_int_equal(a->has_location, b->has_location);
	assert_true(a->lat == b->lat && a->lon == b->lon);
	const rrd_kvlist *la[] = { &a->attrs, &a->roles }, *lb[] = { &b->attrs, &b->roles };
	for (int k = 0; k < 2; k++) {
		assert_int_equal(la[k]->count, lb[k]->count);
		for (size_t i = 0; i < la[k]->count; i++) {
			assert_string_equal(la[k]->items[i].key, lb[k]->items[i].key);
			assert_string_equal(la[k]->items[i].value, lb[k]->items[i].value);
		}
	}
}

static rrd_record *round_trip(const rrd_record *r, size_t *len)
{
	rrd_buf b = { 0 };
	rrd__record_encode(r, &b);
	assert_false(b.failed);
	rrd_record *back;
	assert_int_equal(rrd__record_decode(b.data, b.len, &back), RRD_OK);
	*len = b.len;
	rrd__buf_free(&b);
	return back;
}

static void test_every_field_survives(void **state)
{
	(void)state;
	rrd_record *r = full_record();
	size_t len;
	rrd_record *back = round_trip(r, &len);
	assert_same_record(r, back);
	/* The source stays settable on a decoded record (it lives in the
	 * record's block there). */
	assert_int_equal(rrd_record_set_source(back, "phone"), RRD_OK);
	assert_string_equal(rrd_record_source(back), "phone");
	rrd_record_free(back);
	rrd_record_free(r);
}

static void test_a_bare_record_survives_and_is_small(void **state)
{
	(void)state;
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L1", RRD_KIND_LEAD), RRD_OK);
	size_t len;
	rrd_record *back = round_trip(r, &len);
	assert_same_record(r, back);
	assert_int_equal(back->created_at, RRD_TIME_NONE);
	rrd_record_free(back);
	/* A routed lead: id, source, owner, creation time. */
	assert_int_equal(rrd_record_set_source(r, "web"), RRD_OK);
	r->owner = strdup("a9");
	r->status = RRD_RECORD_PENDING;
	r->created_at = 1767225600123;
	back = round_trip(r, &len);
	assert_same_record(r, back);
	assert_true(len <= 24);
	rrd_record_free(back);
	rrd_record_free(r);
}

/* The fixed-width form earlier versions wrote. */
static void encode_v1(const rrd_record *r, rrd_buf *b)
{
	rrd__buf_u8(b, 1);
	rrd__buf_str(b, r->id);
	rrd__buf_u8(b, (uint8_t)r->kind);
	rrd__buf_u8(b, (uint8_t)r->status);
	rrd__buf_str(b, r->source);
	rrd__buf_str(b, r->owner);
	rrd__buf_str(b, r->partner);
	rrd__buf_str(b, r->follow_up);
	rrd__buf_str(b, r->replaced_by);
	rrd__buf_i64(b, r->created_at);
	rrd__buf_i64(b, r->reassigned_at);
	rrd__buf_u8(b, (uint8_t)r->has_location);
	rrd__buf_f64(b, r->lat);
	rrd__buf_f64(b, r->lon);
	const rrd_kvlist *lists[] = { &r->attrs, &r->roles };
	for (int k = 0; k < 2; k++) {
		rrd__buf_i64(b, (int64_t)lists[k]->count);
		for (size_t i = 0; i < lists[k]->count; i++) {
			rrd__buf_str(b, lists[k]->items[i].key);
			rrd__buf_str(b, lists[k]->items[i].value);
		}
	}
}

static void test_the_older_form_still_reads(void **state)
{
	(void)state;
	rrd_record *r = full_record();
	rrd_buf b = { 0 };
	encode_v1(r, &b);
	rrd_record *back;
	assert_int_equal(rrd__record_decode(b.data, b.len, &back), RRD_OK);
	assert_same_record(r, back);
	/* Written again, it takes the compact form. */
	rrd_buf again = { 0 };
	rrd__record_encode(back, &again);
	assert_int_equal(again.data[0], 2);
	assert_true(again.len < b.len);
	rrd__buf_free(&again);
	rrd_record_free(back);
	rrd__buf_free(&b);
	rrd_record_free(r);
}

/* Every strict prefix of a valid encoding, and every single byte changed
 * to a few values, decodes to RRD_E_STORE or to some valid record: never
 * a crash or a read past the end (ASan watches). */
static void check_damage(const rrd_buf *b)
{
	for (size_t n = 0; n < b->len; n++) {
		rrd_record *back = (rrd_record *)1;
		assert_int_equal(rrd__record_decode(b->data, n, &back), RRD_E_STORE);
		assert_null(back);
	}
	unsigned char *copy = malloc(b->len);
	const unsigned char values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	for (size_t i = 0; i < b->len; i++) {
		for (size_t v = 0; v < sizeof values; v++) {
			memcpy(copy, b->data, b->len);
			copy[i] = values[v];
			rrd_record *back = NULL;
			rrd_status rc = rrd__record_decode(copy, b->len, &back);
			assert_true(rc == RRD_OK || rc == RRD_E_STORE);
			assert_true((rc == RRD_OK) == (back != NULL));
			rrd_record_free(back);
		}
	}
	free(copy);
}

static void test_damaged_bytes_are_refused(void **state)
{
	(void)state;
	rrd_record *r = full_record();
	rrd_buf b = { 0 };
	rrd__record_encode(r, &b);
	check_damage(&b);
	rrd__buf_free(&b);
	encode_v1(r, &b);
	check_damage(&b);
	rrd__buf_free(&b);
	rrd_record_free(r);
	/* An unknown format, and an unknown field bit. */
	const unsigned char unknown[] = { 3, 1, 'x', 1, 1, 0 };
	const unsigned char extra_bit[] = { 2, 1, 'x', 1, 1, 0x80, 0x08 };
	const unsigned char nul_in_id[] = { 2, 2, 'x', 0, 1, 1, 0 };
	const unsigned char empty_id[] = { 2, 0, 1, 1, 0 };
	rrd_record *back = NULL;
	assert_int_equal(rrd__record_decode(unknown, sizeof unknown, &back), RRD_E_STORE);
	assert_int_equal(rrd__record_decode(extra_bit, sizeof extra_bit, &back), RRD_E_STORE);
	assert_int_equal(rrd__record_decode(nul_in_id, sizeof nul_in_id, &back), RRD_E_STORE);
	assert_int_equal(rrd__record_decode(empty_id, sizeof empty_id, &back), RRD_E_STORE);
	assert_null(back);
	/* The same bytes with a known bit decode. */
	const unsigned char fine[] = { 2, 1, 'x', 1, 1, 0 };
	assert_int_equal(rrd__record_decode(fine, sizeof fine, &back), RRD_OK);
	assert_string_equal(back->id, "x");
	rrd_record_free(back);
}

/* Earlier releases stored ids with C1 controls (U+0080..U+009F): those
 * still read, though the API now refuses them. C0 controls never were
 * stored, and are refused as damage. */
static void test_a_stored_c1_id_still_reads(void **state)
{
	(void)state;
	const unsigned char nel[] = { 2, 3, 'x', 0xc2, 0x85, 1, 1, 0 };
	const unsigned char esc[] = { 2, 2, 'x', 0x1b, 1, 1, 0 };
	rrd_record *back = NULL;
	assert_int_equal(rrd__record_decode(nel, sizeof nel, &back), RRD_OK);
	assert_string_equal(back->id, "x\xc2\x85");
	rrd_record_free(back);
	back = NULL;
	assert_int_equal(rrd__record_decode(esc, sizeof esc, &back), RRD_E_STORE);
	assert_null(back);
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "x\xc2\x85", RRD_KIND_LEAD), RRD_E_INVALID);
}

/* The encoder writes attributes and roles sorted by key; bytes with
 * pairs out of order or repeated still read as one sorted list, the
 * later of two alike winning. */
static void test_pairs_out_of_order_read_sorted(void **state)
{
	(void)state;
	const unsigned char b[] = { 2, 1, 'x', 1, 1, 0x80, 0x02, /* attributes follow */
				    4, 1, 'b', 1, '2', 1, 'a', 1, '1', 1, 'c', 1, '4',
				    1, 'b', 1, '3' };
	rrd_record *back = NULL;
	assert_int_equal(rrd__record_decode(b, sizeof b, &back), RRD_OK);
	assert_int_equal(back->attrs.count, 3);
	const char *const want[] = { "a", "1", "b", "3", "c", "4" };
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(back->attrs.items[i].key, want[2 * i]);
		assert_string_equal(back->attrs.items[i].value, want[2 * i + 1]);
	}
	assert_int_equal(rrd_record_set_attr(back, "d", "5"), RRD_OK);
	assert_string_equal(rrd_record_attr(back, "d"), "5");
	rrd_record_free(back);
}

/* A record with many attributes and roles survives, in order. */
static void test_many_pairs_survive(void **state)
{
	(void)state;
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, "L9", RRD_KIND_LEAD), RRD_OK);
	for (int i = 0; i < 40; i++) {
		char k[16], v[16];
		snprintf(k, sizeof k, "a%02d", (i * 7) % 40);
		snprintf(v, sizeof v, "v%d", i);
		assert_int_equal(rrd_record_set_attr(r, k, v), RRD_OK);
		snprintf(k, sizeof k, "r%02d", i % 20);
		assert_int_equal(rrd__kvlist_set(&r->roles, k, v), RRD_OK);
	}
	size_t len;
	rrd_record *back = round_trip(r, &len);
	assert_same_record(r, back);
	assert_int_equal(back->attrs.count, 40);
	assert_int_equal(back->roles.count, 20);
	rrd_record_free(back);
	rrd_record_free(r);
}

/* A record read into a buffer is the one read into its own block, and
 * the buffer serves one record after another. */
static void test_a_record_reads_into_a_buffer(void **state)
{
	(void)state;
	rrd_record *full = full_record(), *bare;
	assert_int_equal(rrd_record_new(&bare, "L1", RRD_KIND_LEAD), RRD_OK);
	rrd_buf b = { 0 }, room = { 0 };
	for (int i = 0; i < 4; i++) {
		const rrd_record *r = i % 2 ? bare : full;
		b.len = 0;
		rrd__record_encode(r, &b);
		assert_false(b.failed);
		rrd_record *in, *own;
		assert_int_equal(rrd__record_decode_in(b.data, b.len, &room, &in), RRD_OK);
		assert_same_record(r, in);
		assert_int_equal(rrd__record_decode(b.data, b.len, &own), RRD_OK);
		assert_same_record(in, own);
		rrd_record_free(own);
	}
	rrd_record *in = (rrd_record *)1;
	assert_int_equal(rrd__record_decode_in(b.data, b.len - 1, &room, &in), RRD_E_STORE);
	assert_null(in);
	rrd__buf_free(&room);
	rrd__buf_free(&b);
	rrd_record_free(bare);
	rrd_record_free(full);
}

/* A field or list of a record read from a store changes as any other's. */
static void test_a_read_record_changes_as_any(void **state)
{
	(void)state;
	rrd_record *r = full_record();
	rrd_buf b = { 0 };
	rrd__record_encode(r, &b);
	rrd_record *back;
	assert_int_equal(rrd__record_decode(b.data, b.len, &back), RRD_OK);
	assert_int_equal(rrd_record_set_owner(back, "dee"), RRD_OK);
	assert_int_equal(rrd_record_set_partner(back, NULL), RRD_OK);
	assert_int_equal(rrd_record_set_follow_up(back, "called"), RRD_OK);
	assert_int_equal(rrd_record_set_attr(back, "lang", NULL), RRD_OK);
	assert_int_equal(rrd_record_set_attr(back, "zip", "78701"), RRD_OK);
	assert_int_equal(rrd_record_set_role(back, "closer", "eve"), RRD_OK);
	assert_string_equal(rrd_record_owner(back), "dee");
	assert_null(rrd_record_partner(back));
	assert_string_equal(rrd_record_follow_up(back), "called");
	assert_null(rrd_record_attr(back, "lang"));
	assert_string_equal(rrd_record_attr(back, "state"), "TX");
	assert_string_equal(rrd_record_attr(back, "zip"), "78701");
	assert_string_equal(rrd_record_role(back, "closer"), "eve");
	/* Its source and id stay; a copy is whole. */
	assert_string_equal(rrd_record_source(back), "web");
	rrd_record *copy;
	assert_int_equal(rrd_record_dup(&copy, back), RRD_OK);
	rrd_record_free(back);
	assert_string_equal(rrd_record_id(copy), "lead-42");
	assert_string_equal(rrd_record_role(copy, "closer"), "eve");
	rrd_record_free(copy);
	rrd__buf_free(&b);
	rrd_record_free(r);
}

/* A record read into an arena changes as any other's, and what it gains
 * comes from the arena: no allocation of its own while the arena has
 * room, nothing to free alone, and nothing left once the arena goes. */
static void test_a_record_in_an_arena_changes_within_it(void **state)
{
	(void)state;
	rrd_record *r = full_record();
	rrd_buf b = { 0 };
	rrd__record_encode(r, &b);
	failing_alloc c;
	failing_alloc_install(&c, 0);
	rrd_arena arena = { 0 };
	rrd_record *in;
	assert_int_equal(rrd__record_decode_arena(b.data, b.len, &arena, &in), RRD_OK);
	assert_same_record(r, in);
	long before = c.requests;
	assert_int_equal(rrd__kvlist_set(&in->roles, "closer", "eve"), RRD_OK);
	assert_int_equal(rrd__kvlist_set(&in->roles, "setter", "fay"), RRD_OK);
	assert_int_equal(rrd__kvlist_set(&in->attrs, "lang", NULL), RRD_OK);
	char *owner = rrd__record_strdup(in, "dee");
	assert_non_null(owner);
	rrd__record_release(in, in->owner);
	in->owner = owner;
	rrd_kvlist roles = { .arena = in->roles.arena };
	assert_int_equal(rrd__kvlist_set(&roles, "closer", "gus"), RRD_OK);
	rrd__kvlist_clear(&in->roles);
	in->roles = roles;
	assert_int_equal(c.requests, before);
	/* A setter's checked copy is taken into the arena too. */
	assert_int_equal(rrd_record_set_partner(in, "hal"), RRD_OK);
	assert_string_equal(rrd_record_owner(in), "dee");
	assert_string_equal(rrd_record_partner(in), "hal");
	assert_null(rrd_record_attr(in, "lang"));
	assert_string_equal(rrd_record_attr(in, "state"), "TX");
	assert_int_equal(rrd_record_role_count(in), 1);
	assert_string_equal(rrd_record_role(in, "closer"), "gus");
	rrd_buf again = { 0 };
	rrd__record_encode(in, &again);
	rrd_record_free(in); /* the arena's: left be */
	rrd_record *back;
	assert_int_equal(rrd__record_decode(again.data, again.len, &back), RRD_OK);
	assert_string_equal(rrd_record_owner(back), "dee");
	assert_string_equal(rrd_record_role(back, "closer"), "gus");
	rrd_record_free(back);
	rrd__buf_free(&again);
	rrd__arena_free(&arena);
	assert_int_equal(c.live, 0);
	failing_alloc_remove();
	rrd__buf_free(&b);
	rrd_record_free(r);
}

/* A list in an arena may take strings lent for as long as it lives: it
 * keeps the very pointers, copies nothing, and stays sorted. */
static void test_a_list_in_an_arena_takes_lent_strings(void **state)
{
	(void)state;
	rrd_record *r = full_record();
	rrd_buf b = { 0 };
	rrd__record_encode(r, &b);
	rrd_arena arena = { 0 };
	rrd_record *in;
	assert_int_equal(rrd__record_decode_arena(b.data, b.len, &arena, &in), RRD_OK);
	static const char closer[] = "closer", eve[] = "eve", aide[] = "aide", fay[] = "fay";
	failing_alloc c;
	failing_alloc_install(&c, 0);
	long before = c.requests;
	assert_int_equal(rrd__kvlist_set_lent(&in->roles, closer, eve), RRD_OK);
	assert_int_equal(rrd__kvlist_set_lent(&in->roles, aide, fay), RRD_OK);
	failing_alloc_remove();
	assert_int_equal(in->roles.count, 2);
	assert_ptr_equal(in->roles.items[0].key, aide);
	assert_ptr_equal(in->roles.items[0].value, fay);
	assert_ptr_equal(in->roles.items[1].value, eve);
	/* Nothing came from the allocator: the arena had room. */
	assert_int_equal(c.requests, before);
	rrd_buf again = { 0 };
	rrd__record_encode(in, &again);
	rrd_record *back;
	assert_int_equal(rrd__record_decode(again.data, again.len, &back), RRD_OK);
	assert_string_equal(rrd_record_role(back, "aide"), "fay");
	assert_string_equal(rrd_record_role(back, "closer"), "eve");
	rrd_record_free(back);
	rrd__buf_free(&again);
	rrd__arena_free(&arena);
	rrd__buf_free(&b);
	rrd_record_free(r);
}

/* A copy of a record is one allocation, whatever it holds, and changes
 * and frees as any record. */
static void test_a_copy_is_one_block(void **state)
{
	(void)state;
	rrd_record *r = full_record();
	failing_alloc c;
	failing_alloc_install(&c, 0);
	rrd_record *copy;
	assert_int_equal(rrd_record_dup(&copy, r), RRD_OK);
	assert_int_equal(c.requests, 1);
	assert_same_record(r, copy);
	assert_int_equal(rrd_record_set_owner(copy, "dee"), RRD_OK);
	assert_int_equal(rrd_record_set_attr(copy, "lang", NULL), RRD_OK);
	assert_int_equal(rrd_record_set_role(copy, "setter", "fay"), RRD_OK);
	assert_string_equal(rrd_record_owner(copy), "dee");
	assert_null(rrd_record_attr(copy, "lang"));
	assert_string_equal(rrd_record_role(copy, "closer"), "cat");
	assert_string_equal(rrd_record_role(copy, "setter"), "fay");
	rrd_record_free(copy);
	assert_int_equal(c.live, 0);
	failing_alloc_remove();
	rrd_record_free(r);
}

/* A string's length is kept beside it in a record's block, up to a
 * byte's worth: strings of every length about that limit, in every kind
 * of block, are written out as they were read. */
static void test_strings_of_every_length_write_out_as_read(void **state)
{
	(void)state;
	char source[300];
	for (size_t n = 250; n < sizeof source; n++) {
		rrd_record *r;
		/* A source is an id: RRD_ID_MAX bytes at most. */
		size_t ns = n < RRD_ID_MAX ? n : RRD_ID_MAX;
		memset(source, 's', ns);
		source[ns] = '\0';
		assert_int_equal(rrd_record_new(&r, "lead-1", RRD_KIND_LEAD), RRD_OK);
		assert_int_equal(rrd_record_set_source(r, source), RRD_OK);
		char key[8], value[300];
		memset(value, 'v', sizeof value);
		for (size_t k = 0; k < 20; k++) {
			snprintf(key, sizeof key, "k%02zu", k);
			value[n - k] = '\0';
			assert_int_equal(rrd_record_set_attr(r, key, value), RRD_OK);
			value[n - k] = 'v';
		}
		rrd_record *copy;
		assert_int_equal(rrd_record_dup(&copy, r), RRD_OK);
		rrd_buf want = { 0 }, got = { 0 };
		rrd__record_encode(r, &want);
		rrd__record_encode(copy, &got);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		rrd_record *back;
		assert_int_equal(rrd__record_decode(want.data, want.len, &back), RRD_OK);
		got.len = 0;
		rrd__record_encode(back, &got);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		rrd_arena arena = { 0 };
		rrd_record *in;
		assert_int_equal(rrd__record_decode_arena(want.data, want.len, &arena, &in), RRD_OK);
		got.len = 0;
		rrd__record_encode(in, &got);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		rrd__arena_free(&arena);
		rrd_record_free(back);
		rrd_record_free(copy);
		rrd_record_free(r);
		rrd__buf_free(&want);
		rrd__buf_free(&got);
	}
}

/* ---- format 2 as its description reads: the library's reading of any
 * bytes, valid or damaged, must agree with it -------------------------- */

#define REF_PAIRS_MAX 64
typedef struct ref_record {
	rrd_slice str[6]; /* id, source, owner, partner, follow-up, replaced-by */
	int kind, status;
	int64_t times[2];
	int has_location;
	double lat, lon;
	rrd_slice pairs[2][2 * REF_PAIRS_MAX];
	size_t npairs[2];
} ref_record;

static int ref_slice(rrd_reader *r, rrd_slice *s)
{
	s->p = rrd__read_bytes(r, &s->n);
	return !r->failed && !memchr(s->p, 0, s->n);
}

/* 1 and *out when the bytes are a record of format 2, else 0. */
static int ref_read(const unsigned char *b, size_t len, ref_record *out)
{
	memset(out, 0, sizeof *out);
	out->times[0] = out->times[1] = RRD_TIME_NONE;
	rrd_reader r = { b, len, 0 };
	if (rrd__read_u8(&r) != 2 || !ref_slice(&r, &out->str[0]))
		return 0;
	out->kind = rrd__read_u8(&r);
	out->status = rrd__read_u8(&r);
	uint64_t has = rrd__read_uvar(&r);
	if (r.failed || has >= (1u << 10))
		return 0;
	for (int i = 0; i < 5; i++)
		if ((has & (1u << i)) && !ref_slice(&r, &out->str[1 + i]))
			return 0;
	for (int i = 0; i < 2; i++)
		if (has & (1u << (5 + i)))
			out->times[i] = rrd__read_svar(&r);
	if (has & (1u << 7)) {
		out->has_location = 1;
		out->lat = rrd__read_f64(&r);
		out->lon = rrd__read_f64(&r);
	}
	for (int l = 0; l < 2; l++) {
		if (!(has & (1u << (8 + l))))
			continue;
		uint64_t n = rrd__read_uvar(&r);
		if (r.failed || n > r.left || n > REF_PAIRS_MAX)
			return 0;
		out->npairs[l] = (size_t)n;
		for (size_t i = 0; i < 2 * n; i++)
			if (!ref_slice(&r, &out->pairs[l][i]))
				return 0;
	}
	if (r.failed || r.left || !out->str[0].n || out->str[0].n > RRD_ID_MAX ||
	    !rrd_kind_name((rrd_kind)out->kind) ||
	    !rrd_record_status_name((rrd_record_status)out->status))
		return 0;
	return rrd__id_check_bytes(out->str[0].p, out->str[0].n, "id", RRD_ID_STORED) == RRD_OK;
}

static void assert_slice_is(rrd_slice s, const char *str)
{
	if (!s.p) {
		assert_null(str);
		return;
	}
	assert_non_null(str);
	assert_int_equal(strlen(str), s.n);
	assert_memory_equal(str, s.p, s.n);
}

static void assert_decodes_as_described(const unsigned char *b, size_t len)
{
	ref_record want;
	int ok = ref_read(b, len, &want);
	rrd_record *r = NULL;
	rrd_status rc = rrd__record_decode(b, len, &r);
	assert_int_equal(rc, ok ? RRD_OK : RRD_E_STORE);
	if (!ok)
		return;
	const char *got[] = { r->id, r->source, r->owner, r->partner, r->follow_up,
			      r->replaced_by };
	for (int i = 0; i < 6; i++)
		assert_slice_is(want.str[i], got[i]);
	assert_int_equal(r->kind, want.kind);
	assert_int_equal(r->status, want.status);
	assert_int_equal(r->created_at, want.times[0]);
	assert_int_equal(r->reassigned_at, want.times[1]);
	assert_int_equal(r->has_location, want.has_location);
	assert_memory_equal(&r->lat, &want.lat, sizeof r->lat);
	assert_memory_equal(&r->lon, &want.lon, sizeof r->lon);
	const rrd_kvlist *lists[] = { &r->attrs, &r->roles };
	for (int l = 0; l < 2; l++) {
		/* Each pair's key holds the value of its last pair. */
		size_t distinct = 0;
		for (size_t i = 0; i < want.npairs[l]; i++) {
			const rrd_slice *k = &want.pairs[l][2 * i];
			int later = 0;
			for (size_t j = i + 1; j < want.npairs[l]; j++)
				later |= want.pairs[l][2 * j].n == k->n &&
					 memcmp(want.pairs[l][2 * j].p, k->p, k->n) == 0;
			if (later)
				continue;
			distinct++;
			char key[300];
			assert_true(k->n < sizeof key);
			memcpy(key, k->p, k->n);
			key[k->n] = '\0';
			assert_slice_is(want.pairs[l][2 * i + 1], rrd__kvlist_get(lists[l], key));
		}
		assert_int_equal(lists[l]->count, distinct);
	}
	rrd_record_free(r);
}

/* Every byte of a few encodings set to every value, and every prefix:
 * the library reads what the description reads, and refuses the rest. */
static void test_any_bytes_read_as_format_2_describes(void **state)
{
	(void)state;
	rrd_record *full = full_record(), *bare;
	assert_int_equal(rrd_record_new(&bare, "b", RRD_KIND_LEAD), RRD_OK);
	const rrd_record *records[] = { full, bare };
	for (size_t k = 0; k < 2; k++) {
		rrd_buf b = { 0 };
		rrd__record_encode(records[k], &b);
		for (size_t n = 0; n <= b.len; n++)
			assert_decodes_as_described(b.data, n);
		unsigned char *copy = malloc(b.len);
		for (size_t i = 0; i < b.len; i++)
			for (int v = 0; v < 256; v++) {
				memcpy(copy, b.data, b.len);
				copy[i] = (unsigned char)v;
				assert_decodes_as_described(copy, b.len);
			}
		free(copy);
		rrd__buf_free(&b);
	}
	/* Times whose varints take every length from one byte to ten. */
	for (int bits = 0; bits <= 64; bits++) {
		for (int sign = 0; sign < 2; sign++) {
			uint64_t u = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
			rrd_record *t;
			assert_int_equal(rrd_record_new(&t, "t", RRD_KIND_LEAD), RRD_OK);
			t->created_at = sign ? (int64_t)~(u >> 1) : (int64_t)(u >> 1);
			t->reassigned_at = (int64_t)(u >> 2);
			rrd_buf tb = { 0 };
			rrd__record_encode(t, &tb);
			assert_decodes_as_described(tb.data, tb.len);
			rrd_record *back;
			assert_int_equal(rrd__record_decode(tb.data, tb.len, &back), RRD_OK);
			assert_int_equal(back->created_at, t->created_at);
			assert_int_equal(back->reassigned_at, t->reassigned_at);
			rrd_record_free(back);
			rrd__buf_free(&tb);
			rrd_record_free(t);
		}
	}
	/* Lengths and counts of several bytes, pairs out of order and
	 * repeated, more pairs than a view keeps at hand. */
	const unsigned char long_id[] = { 2, 0x81, 0x00, 'x', 1, 1, 0 };
	const unsigned char repeated[] = { 2, 1, 'x', 1, 1, 0x80, 0x02, 3, 1, 'b', 1, '2',
					   1, 'a', 1, '1', 1, 'b', 1, '3' };
	assert_decodes_as_described(long_id, sizeof long_id);
	assert_decodes_as_described(repeated, sizeof repeated);
	rrd_buf many = { 0 };
	const unsigned char head[] = { 2, 1, 'x', 1, 1, 0x80, 0x02, 12 };
	rrd__buf_put(&many, head, sizeof head);
	for (int i = 0; i < 12; i++) {
		char kv[3] = { (char)('a' + (i * 5) % 12), (char)('0' + i % 10), 0 };
		rrd__buf_bytes(&many, kv, 1);
		rrd__buf_bytes(&many, kv + 1, 1);
	}
	assert_decodes_as_described(many.data, many.len);
	for (size_t i = 0; i < many.len; i++) {
		unsigned char keep = many.data[i];
		for (int v = 0; v < 256; v++) {
			many.data[i] = (unsigned char)v;
			assert_decodes_as_described(many.data, many.len);
		}
		many.data[i] = keep;
	}
	rrd__buf_free(&many);
	rrd_record_free(bare);
	rrd_record_free(full);
}

static void test_varints_round_trip(void **state)
{
	(void)state;
	const int64_t values[] = { 0, 1, -1, 63, -64, 64, 127, 128, 300, -300,
				   INT64_MAX, INT64_MIN, 1767225600123, -1767225600123 };
	rrd_buf b = { 0 };
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		rrd__buf_svar(&b, values[i]);
		rrd__buf_uvar(&b, (uint64_t)values[i]);
	}
	rrd_reader rd = { b.data, b.len, 0 };
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		assert_int_equal(rrd__read_svar(&rd), values[i]);
		assert_int_equal(rrd__read_uvar(&rd), (uint64_t)values[i]);
	}
	assert_false(rd.failed);
	assert_int_equal(rd.left, 0);
	rrd__buf_free(&b);
	/* Eleven continuation bytes, or a tenth byte above 1, overflow. */
	const unsigned char too_long[11] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					     0x80, 0x80, 0x80, 0x80, 0x00 };
	const unsigned char too_big[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0x02 };
	rrd_reader a = { too_long, sizeof too_long, 0 }, c = { too_big, sizeof too_big, 0 };
	rrd__read_uvar(&a);
	rrd__read_uvar(&c);
	assert_true(a.failed);
	assert_true(c.failed);
}

static void test_a_refused_json_value_is_named_once(void **state)
{
	(void)state;
	static const char doc[] = "{\"id\":\"L-1\",\"kind\":\"lead\","
				  "\"location\":{\"lat\":100,\"lon\":0}}";
	rrd_record *r = NULL;
	assert_int_equal(rrd_record_from_json(&r, doc, strlen(doc)), RRD_E_PARSE);
	assert_null(r);
	assert_string_equal(rrd_error_last(), "record JSON: location (100, 0) is not a "
					      "latitude in [-90, 90] and a longitude in "
					      "[-180, 180]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_survives),
		cmocka_unit_test(test_a_bare_record_survives_and_is_small),
		cmocka_unit_test(test_the_older_form_still_reads),
		cmocka_unit_test(test_damaged_bytes_are_refused),
		cmocka_unit_test(test_a_stored_c1_id_still_reads),
		cmocka_unit_test(test_pairs_out_of_order_read_sorted),
		cmocka_unit_test(test_many_pairs_survive),
		cmocka_unit_test(test_a_record_reads_into_a_buffer),
		cmocka_unit_test(test_a_read_record_changes_as_any),
		cmocka_unit_test(test_a_record_in_an_arena_changes_within_it),
		cmocka_unit_test(test_a_list_in_an_arena_takes_lent_strings),
		cmocka_unit_test(test_a_copy_is_one_block),
		cmocka_unit_test(test_strings_of_every_length_write_out_as_read),
		cmocka_unit_test(test_any_bytes_read_as_format_2_describes),
		cmocka_unit_test(test_varints_round_trip),
		cmocka_unit_test(test_a_refused_json_value_is_named_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
