/*
 * Embedding librrdist: a store, an event callback that prints what a
 * person would be told, a pool, and a morning's worth of leads.
 *
 *   ./notify
 */
#include <stdio.h>
#include <stdlib.h>

#include <rrdist.h>

static void check(rrd_status rc, const char *what)
{
	if (rc != RRD_OK) {
		fprintf(stderr, "notify: %s: %s (%s)\n", what, rrd_error_last(), rrd_status_name(rc));
		exit(1);
	}
}

/* The host's messaging: here, a line on stdout per notification. */
static void on_event(void *user, const rrd_event *ev)
{
	(void)user;
	switch (rrd_event_type_of(ev)) {
	case RRD_EVENT_ASSIGNED:
		printf("to %s: lead %s is yours (%s, pool %s)\n", rrd_event_agent(ev),
		       rrd_event_record(ev), rrd_via_name(rrd_event_via(ev)),
		       rrd_event_pool(ev) ? rrd_event_pool(ev) : "-");
		for (size_t i = 0; i < rrd_event_skipped_count(ev); i++) {
			const char *who;
			rrd_skip_reason why;
			rrd_event_skipped(ev, i, &who, &why);
			printf("   (passed over %s: %s)\n", who, rrd_skip_reason_name(why));
		}
		break;
	case RRD_EVENT_QUEUED:
		printf("to managers: lead %s waits in the queue (%s)\n", rrd_event_record(ev),
		       rrd_queue_reason_name(rrd_event_queue_reason(ev)));
		break;
	default:
		printf("%s %s\n", rrd_event_type_name(rrd_event_type_of(ev)),
		       rrd_event_record(ev) ? rrd_event_record(ev) : "");
	}
}

static void add_agent(rrd_distributor *d, const char *id, int64_t cap_open, int paused)
{
	rrd_agent *a;
	check(rrd_agent_new(&a, id), "agent");
	check(rrd_agent_set_capacity_open(a, cap_open), "capacity");
	check(rrd_agent_set_paused(a, paused), "pause");
	check(rrd_distributor_put_agent(d, a), "put agent");
	rrd_agent_free(a);
}

int main(void)
{
	rrd_store *store;
	rrd_distributor *dist;
	check(rrd_store_memory_new(&store), "store");
	rrd_distributor_options opts = RRD_DISTRIBUTOR_OPTIONS_INIT;
	opts.on_event = on_event;
	opts.explain = 1;
	check(rrd_distributor_new(&dist, store, &opts), "distributor");

	add_agent(dist, "alice", 2, 0);
	add_agent(dist, "bob", RRD_UNLIMITED, 0);
	add_agent(dist, "carol", RRD_UNLIMITED, 1);

	rrd_pool *pool;
	check(rrd_pool_new(&pool, "web", RRD_KIND_LEAD), "pool");
	check(rrd_pool_add_member(pool, "alice"), "member");
	check(rrd_pool_add_member(pool, "bob"), "member");
	check(rrd_pool_add_member(pool, "carol"), "member");
	check(rrd_distributor_put_pool(dist, pool), "put pool");
	rrd_pool_free(pool);

	rrd_submit_options sub = RRD_SUBMIT_OPTIONS_INIT;
	sub.pool = "web";
	for (int i = 1; i <= 6; i++) {
		char id[16];
		rrd_record *lead;
		snprintf(id, sizeof id, "L-%d", i);
		check(rrd_record_new(&lead, id, RRD_KIND_LEAD), "lead");
		check(rrd_record_set_source(lead, "web"), "source");
		check(rrd_distributor_submit(dist, lead, &sub), "submit");
		rrd_record_free(lead);
	}

	rrd_agent *alice;
	check(rrd_distributor_get_agent(dist, "alice", &alice), "get agent");
	printf("alice holds %lld open leads\n", (long long)rrd_agent_open_count(alice));
	rrd_agent_free(alice);

	rrd_distributor_free(dist);
	rrd_store_free(store);
	return 0;
}
