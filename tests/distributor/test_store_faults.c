/*
 * Each public operation (ops.h) on a store whose Nth call, for every N
 * the operation reaches, counted over every callback in one sequence:
 *
 * - "fail": fails (RRD_E_STORE). The operation must fail with the
 *   store's status and message, or get past it (a lock release the
 *   lease will end anyway), and leave the distributor as it was, with no
 *   event delivered; run again, it must do what a clean run does.
 * - "retry": says the transaction lost a race (RRD_E_RETRY), once. The
 *   library runs the operation again from the start, which must then end
 *   exactly as a clean run: what it hands back, the state, the events.
 *   So no transaction's body may keep anything of a run that failed.
 *   The lock calls, which run outside any transaction, are not counted:
 *   the contract gives that status to a transaction's callbacks.
 *
 * Each runs on the store as it is, and ("-concurrent") with the failing
 * store reporting no generation, as a concurrent store does, and another
 * distributor's change to the configuration just before: the library
 * then reads afresh in every transaction, the whole configuration
 * included, so those reads are among the calls that fail.
 *
 * Arguments: the store behind the failing one (tests/support/stores.h);
 * "fail" or "retry", or either with "-concurrent"; optionally, which
 * operations to run, as a cmocka filter ("submit_*").
 */
#include <string.h>

#include "../support/faulty_store.h"
#include "fault_driver.h"

static const test_store_kind *behind;
static int retry, concurrent;
static faulty_store *fs;
static long base, made_at_disarm;
static int armed;

static rrd_store *store_open(void)
{
	fs = faulty_store_new_on(behind);
	fs->status = retry ? RRD_E_RETRY : RRD_E_STORE;
	fs->any_spares_locks = retry;
	fs->no_generation = concurrent;
	return fs->store;
}

static void store_close(void)
{
	faulty_store_free(fs);
	fs = NULL;
}

static void store_arm(long n)
{
	base = fs->calls[FAULTY_ANY];
	fs->failed[FAULTY_ANY] = 0;
	fs->refused = NULL;
	armed = 1;
	if (n)
		faulty_store_arm(fs, FAULTY_ANY, n - 1, 1);
	else
		faulty_store_disarm(fs, FAULTY_ANY);
}

static void store_disarm(void)
{
	faulty_store_disarm(fs, FAULTY_ANY);
	made_at_disarm = fs->calls[FAULTY_ANY] - base;
	armed = 0;
}

static long store_made(void)
{
	return armed ? fs->calls[FAULTY_ANY] - base : made_at_disarm;
}

static long store_refused(void)
{
	return fs->failed[FAULTY_ANY];
}

static const char *store_which(void)
{
	return fs && fs->refused ? fs->refused : NULL;
}

/* Another distributor writes agent D again as it is: the configuration's
 * version moves, and nothing else. */
static void store_before(fixture *f)
{
	if (!concurrent)
		return;
	fixture *other = fix_new_on(f->store, 0);
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(other->dist, "D", &a), RRD_OK);
	assert_int_equal(rrd_distributor_put_agent(other->dist, a), RRD_OK);
	rrd_agent_free(a);
	fix_free(other);
}

int main(int argc, char **argv)
{
	behind = test_store_kind_named(argc > 1 ? argv[1] : NULL);
	const char *mode = argc > 2 ? argv[2] : "fail";
	retry = strncmp(mode, "retry", 5) == 0;
	concurrent = strstr(mode, "-concurrent") != NULL;
	const fault_kind kind = { "store call", retry ? RRD_OK : RRD_E_STORE, FAULTY_MESSAGE,
				  store_open, store_close, store_arm, store_disarm, store_made,
				  store_refused, store_which, store_before };
	if (argc > 3)
		cmocka_set_test_filter(argv[3]);
	char group[64];
	snprintf(group, sizeof group, "store_%s(%s)", mode, behind->name);
	return fault_main(&kind, group, NULL, 0);
}
