/* Partner transfer and bulk follow-up statuses. */
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"

static void agent(fixture *f, const char *id, const char *partner, int active)
{
	rrd_agent *a;
	assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
	if (partner)
		assert_int_equal(rrd_agent_set_partner(a, partner), RRD_OK);
	assert_int_equal(rrd_agent_set_active(a, active), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(f->dist, a), RRD_OK);
	rrd_agent_free(a);
}

static void import(fixture *f, const char *id, rrd_record_status st, const char *owner)
{
	rrd_record *r;
	assert_int_equal(rrd_record_new(&r, id, RRD_KIND_CUSTOMER), RRD_OK);
	assert_int_equal(rrd_record_set_status(r, st), RRD_OK);
	assert_int_equal(rrd_record_set_source(r, "web"), RRD_OK);
	assert_int_equal(rrd_record_set_attr(r, "segment", "service"), RRD_OK);
	assert_int_equal(rrd_record_set_location(r, 40.5, -74.25), RRD_OK);
	assert_int_equal(rrd_record_set_follow_up(r, "called"), RRD_OK);
	assert_int_equal(rrd_record_set_partner(r, "dealer-12"), RRD_OK);
	if (owner) {
		assert_int_equal(rrd_record_set_owner(r, owner), RRD_OK);
		assert_int_equal(rrd_record_set_role(r, "salesperson", owner), RRD_OK);
	}
	assert_int_equal(rrd_distributor_put_record(f->dist, r), RRD_OK);
	rrd_record_free(r);
}

/* alice (dealer-12), bob (dealer-40), carol (no partner), dan (inactive). */
static fixture *setup(void)
{
	fixture *f = fix_new(0);
	agent(f, "alice", "dealer-12", 1);
	agent(f, "bob", "dealer-40", 1);
	agent(f, "carol", NULL, 1);
	agent(f, "dan", "dealer-40", 0);
	import(f, "C-1", RRD_RECORD_PENDING, "alice");
	return f;
}

static void transfer_copies_and_deactivates(void **state)
{
	(void)state;
	fixture *f = setup();
	assert_int_equal(fix_open_count(f, "alice"), 1);
	assert_int_equal(rrd_distributor_transfer(f->dist, "C-1", "dealer-40", "bob", "C-1-B", NULL),
			 RRD_OK);
	assert_int_equal(f->nevents, 2);
	assert_string_equal(fix_event(f, 0), "assigned C-1-B bob via=transfer previous=alice");
	assert_string_equal(fix_event(f, 1), "deactivated C-1 replaced_by=C-1-B");

	rrd_record *c;
	assert_int_equal(rrd_distributor_get_record(f->dist, "C-1-B", &c), RRD_OK);
	assert_int_equal(rrd_record_kind(c), RRD_KIND_CUSTOMER);
	assert_int_equal(rrd_record_status_of(c), RRD_RECORD_PENDING);
	assert_string_equal(rrd_record_owner(c), "bob");
	assert_string_equal(rrd_record_partner(c), "dealer-40");
	assert_string_equal(rrd_record_source(c), "web");
	assert_string_equal(rrd_record_attr(c, "segment"), "service");
	assert_string_equal(rrd_record_follow_up(c), "called");
	assert_int_equal(rrd_record_role_count(c), 0);
	double lat, lon;
	assert_true(rrd_record_location(c, &lat, &lon));
	assert_true(lat == 40.5 && lon == -74.25);
	assert_int_equal(rrd_record_reassigned_at(c), FIX_START);
	rrd_record_free(c);

	rrd_record *o;
	assert_int_equal(rrd_distributor_get_record(f->dist, "C-1", &o), RRD_OK);
	assert_int_equal(rrd_record_status_of(o), RRD_RECORD_DEACTIVATED);
	assert_string_equal(rrd_record_owner(o), "alice");
	assert_string_equal(rrd_record_role(o, "salesperson"), "alice");
	assert_string_equal(rrd_record_replaced_by(o), "C-1-B");
	assert_string_equal(rrd_record_partner(o), "dealer-12");
	rrd_record_free(o);

	assert_int_equal(fix_open_count(f, "alice"), 0);
	assert_int_equal(fix_open_count(f, "bob"), 1);
	rrd_agent *b;
	assert_int_equal(rrd_distributor_get_agent(f->dist, "bob", &b), RRD_OK);
	assert_int_equal(rrd_agent_assigned_today(b), 1);
	rrd_agent_free(b);
	fix_free(f);
}

static void transfer_of_queued_and_offered_records(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "Q-1", RRD_RECORD_QUEUED, NULL);
	rrd_move_options mo = RRD_MOVE_OPTIONS_INIT;
	mo.notify = 0;
	mo.integrations = 1;
	assert_int_equal(rrd_distributor_transfer(f->dist, "Q-1", "dealer-77", "carol", "Q-1-C", &mo),
			 RRD_OK);
	assert_string_equal(fix_event(f, 0), "assigned Q-1-C carol via=transfer");
	assert_string_equal(fix_event(f, 1), "integration Q-1-C carol");
	assert_string_equal(fix_event(f, 2), "deactivated Q-1 replaced_by=Q-1-C");
	rrd_queue *q;
	assert_int_equal(rrd_distributor_queue(f->dist, &q), RRD_OK);
	assert_int_equal(rrd_queue_count(q), 0);
	rrd_queue_free(q);

	/* An offered lead: the offer ends with the transfer. */
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, "web", RRD_KIND_LEAD), RRD_OK);
	assert_int_equal(rrd_pool_add_member(p, "alice"), RRD_OK);
	assert_int_equal(rrd_pool_set_claim_window(p, 5 * RRD_MINUTE), RRD_OK);
	assert_int_equal(rrd_distributor_put_pool(f->dist, p), RRD_OK);
	rrd_pool_free(p);
	assert_int_equal(fix_submit(f, "L-1", "web"), RRD_OK);
	assert_int_equal(rrd_distributor_transfer(f->dist, "L-1", "dealer-40", "bob", "L-1-B", NULL),
			 RRD_OK);
	rrd_claim_result res;
	assert_int_equal(rrd_distributor_claim(f->dist, "L-1", "alice", &res), RRD_OK);
	assert_int_equal(res, RRD_CLAIM_EXPIRED);
	rrd_time due;
	assert_int_equal(rrd_distributor_next_deadline(f->dist, &due), RRD_E_NOTFOUND);
	fix_free(f);
}

static void refused_transfers_change_nothing(void **state)
{
	(void)state;
	fixture *f = setup();
	char *before = fix_record_json(f, "C-1");
	struct {
		const char *record, *partner, *agent, *new_id;
		rrd_status want;
	} cases[] = {
		{ "C-9", "dealer-40", "bob", "C-9-B", RRD_E_UNKNOWN_RECORD },
		{ "C-1", "dealer-40", NULL, "C-1-B", RRD_E_INVALID },
		{ "C-1", "dealer-40", "zed", "C-1-B", RRD_E_UNKNOWN_AGENT },
		{ "C-1", "dealer-40", "dan", "C-1-B", RRD_E_INVALID },       /* inactive */
		{ "C-1", "dealer-77", "bob", "C-1-B", RRD_E_INVALID },       /* other partner */
		{ "C-1", "dealer-40", "bob", "C-1", RRD_E_EXISTS },
		{ "C-1", "", "bob", "C-1-B", RRD_E_INVALID },
		{ "C-1", "dealer-40", "bob", "", RRD_E_INVALID },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		rrd_status rc = rrd_distributor_transfer(f->dist, cases[i].record, cases[i].partner,
							 cases[i].agent, cases[i].new_id, NULL);
		if (rc != cases[i].want)
			fail_msg("case %zu: %s, expected %s", i, rrd_status_name(rc),
				 rrd_status_name(cases[i].want));
		assert_true(*rrd_error_last() != '\0');
	}
	char *after = fix_record_json(f, "C-1");
	assert_string_equal(before, after);
	char *copy = fix_record_json(f, "C-1-B");
	assert_string_equal(copy, "absent");
	assert_int_equal(f->nevents, 0);
	free(before);
	free(after);
	free(copy);

	/* Once deactivated, a record cannot be transferred again. */
	assert_int_equal(rrd_distributor_transfer(f->dist, "C-1", "dealer-40", "bob", "C-1-B", NULL),
			 RRD_OK);
	assert_int_equal(rrd_distributor_transfer(f->dist, "C-1", "dealer-40", "bob", "C-1-X", NULL),
			 RRD_E_INVALID);
	assert_int_equal(rrd_distributor_transfer(NULL, "C-1", "p", "bob", "X", NULL), RRD_E_INVALID);
	fix_free(f);
}

static void follow_up_all_or_nothing(void **state)
{
	(void)state;
	fixture *f = setup();
	import(f, "C-2", RRD_RECORD_PENDING, "bob");
	const char *both[] = { "C-1", "C-2" };
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, both, 2, "call_back"), RRD_OK);
	assert_int_equal(f->nevents, 2);
	assert_string_equal(fix_event(f, 0), "follow_up_set C-1 follow_up=call_back");
	assert_string_equal(fix_event(f, 1), "follow_up_set C-2 follow_up=call_back");

	const char *bad[] = { "C-2", "C-404" };
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, bad, 2, "lost"),
			 RRD_E_UNKNOWN_RECORD);
	rrd_record *r;
	assert_int_equal(rrd_distributor_get_record(f->dist, "C-2", &r), RRD_OK);
	assert_string_equal(rrd_record_follow_up(r), "call_back");
	assert_int_equal(rrd_record_status_of(r), RRD_RECORD_PENDING);
	assert_string_equal(rrd_record_owner(r), "bob");
	rrd_record_free(r);

	const char *one[] = { "C-2" };
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, one, 1, NULL), RRD_OK);
	assert_int_equal(rrd_distributor_get_record(f->dist, "C-2", &r), RRD_OK);
	assert_null(rrd_record_follow_up(r));
	rrd_record_free(r);
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, one, 0, "x"), RRD_E_INVALID);
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, NULL, 1, "x"), RRD_E_INVALID);
	const char *empty[] = { "" };
	assert_int_equal(rrd_distributor_set_follow_up(f->dist, empty, 1, "x"), RRD_E_INVALID);
	fix_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transfer_copies_and_deactivates),
		cmocka_unit_test(transfer_of_queued_and_offered_records),
		cmocka_unit_test(refused_transfers_change_nothing),
		cmocka_unit_test(follow_up_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
