/* The driver of every operation under a fault (fault_driver.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fault_driver.h"

#include "../support/by_owner_check.h"

/* Most events any one operation here makes, with room to spare; a run
 * that still reaches its fault past this is looping. */
#define MAX_N 5000

static const fault_kind *kind;
long fault_n;
failing_alloc fault_alloc;

/* ---- reporting ------------------------------------------------------ */

static const char *case_name;
static int problems;
/* What the running run's fault refused, as the kind tells it. */
static char refused_what[64];

void fault_case_start(const char *name)
{
	case_name = name;
	problems = 0;
}

int fault_case_problems(void)
{
	return problems;
}

void ops_report(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	print_error("%s: N=%ld%s%s: %s\n", case_name, fault_n, refused_what[0] ? " " : "",
		    refused_what, msg);
	problems++;
}

void fault_alloc_start(void)
{
	failing_alloc_install(&fault_alloc, 0);
}

void fault_alloc_end(void)
{
	if (fault_alloc.live != 0)
		ops_report("%ld block(s) still allocated after freeing everything",
			   fault_alloc.live);
	failing_alloc_remove();
}

void ops_arm(void)
{
	kind->arm(fault_n);
}

void ops_disarm(void)
{
	kind->disarm();
}

/* ---- one operation --------------------------------------------------- */

/* Whatever became of a run, the index of records by owner says what the
 * records say. */
static void index_agrees(fixture *f, const char *what)
{
	/* The memory store's own handle keeps none (the faulty store's
	 * table, in front of any, keeps one). */
	if (!by_owner_kept(f->store))
		return;
	const char *d = by_owner_differs(f->store);
	if (d)
		ops_report("after %s, the index of records by owner differs from the records: %s",
			   what, d);
}

typedef struct outcome {
	rrd_status rc;
	char *state;
	char result[4096];
} outcome;

/* A clean run of `o` from a fresh distributor: its status, what it
 * handed back and the state it left. `prepared` receives the state
 * before, when not NULL. */
static outcome run_clean(const op *o, char **prepared)
{
	outcome out = { 0 };
	long keep = fault_n;
	fault_n = 0;
	fault_alloc_start();
	fixture *f = ops_prepare(kind->open());
	if (prepared)
		*prepared = snap_take(f, &ops_ids);
	if (kind->before)
		kind->before(f);
	out.rc = o->run(f, out.result, sizeof out.result);
	out.state = snap_take(f, &ops_ids);
	index_agrees(f, "a clean run");
	fix_free(f);
	kind->close();
	fault_alloc_end();
	fault_n = keep;
	return out;
}

/* The run again, without the fault, on what a failed run left: it must
 * do exactly what a clean run does. */
static void run_again(const op *o, fixture *f, const outcome *clean)
{
	outcome again = { 0 };
	long keep = fault_n;
	fault_n = 0;
	again.rc = o->run(f, again.result, sizeof again.result);
	fault_n = keep;
	again.state = snap_take(f, &ops_ids);
	char diff[2200];
	if (again.rc != RRD_OK)
		ops_report("run again without the fault, returned %s (%s)",
			   rrd_status_name(again.rc), rrd_error_last());
	else if (strcmp(again.result, clean->result) != 0)
		ops_report("run again without the fault, handed back \"%s\", not \"%s\"",
			   again.result, clean->result);
	else if (!snap_compare(clean->state, again.state, diff, sizeof diff))
		ops_report("run again without the fault, left a state other than a clean "
			   "run's\n  %s", diff);
	free(again.state);
}

/* Run `o` with event n failed; 1 when the run reached it. */
static int run_failing(const op *o, long n, const outcome *clean)
{
	fault_n = n;
	fault_alloc_start();
	fixture *f = ops_prepare(kind->open());
	char *before = snap_take(f, &ops_ids);
	if (kind->before)
		kind->before(f);
	char result[4096] = "";
	rrd_error_clear();
	rrd_status rc = o->run(f, result, sizeof result);
	const char *which = kind->which ? kind->which() : NULL;
	snprintf(refused_what, sizeof refused_what, "%s", which ? which : "");
	char msg[512];
	snprintf(msg, sizeof msg, "%s", rrd_error_last());
	rrd_status last = rrd_error_last_status();
	int reached = kind->made() >= n;
	long refused = kind->refused();
	char *after = snap_take(f, &ops_ids);
	index_agrees(f, "the run");
	char diff[2200];
	if (kind->fails_with != RRD_OK && rc == kind->fails_with) {
		if (!refused)
			ops_report("returned %s, but no %s was refused", rrd_status_name(rc),
				   kind->what);
		if (last != kind->fails_with || !msg[0] ||
		    (kind->message && !strstr(msg, kind->message)))
			ops_report("rrd_error_last() is \"%s\" (%s), not the %s's", msg,
				   rrd_status_name(last), kind->what);
		if (!snap_compare(before, after, diff, sizeof diff) &&
		    !(o->in_steps && strcmp(after, clean->state) == 0)) {
			int first = !problems;
			ops_report("expected state unchanged\n  %s", diff);
			if (first)
				print_error("--- before ---\n%s--- after ---\n%s", before, after);
		}
		/* Whatever a failure left behind must not change what a
		 * second attempt does. */
		run_again(o, f, clean);
	} else if (rc == RRD_OK) {
		/* A fault it got past must not show. */
		if (strcmp(result, clean->result) != 0)
			ops_report("succeeded, but handed back \"%s\", not \"%s\"", result,
				   clean->result);
		else if (!snap_compare(clean->state, after, diff, sizeof diff))
			ops_report("succeeded, but left a state other than a clean run's\n  %s", diff);
	} else if (kind->fails_with != RRD_OK) {
		ops_report("returned %s (\"%s\"); want %s or ok", rrd_status_name(rc), msg,
			   rrd_status_name(kind->fails_with));
	} else {
		ops_report("returned %s (\"%s\"); want ok, as a clean run", rrd_status_name(rc), msg);
	}
	index_agrees(f, "the run and what followed");
	free(before);
	free(after);
	fix_free(f);
	kind->close();
	fault_alloc_end();
	refused_what[0] = '\0';
	return reached;
}

static void run_op(void **state)
{
	const op *o = *state;
	fault_case_start(o->name);
	ops_reset();
	char *prepared = NULL;
	outcome clean = run_clean(o, &prepared);
	if (clean.rc != RRD_OK)
		fail_msg("%s: fails without any %s failing: %s (%s)", o->name, kind->what,
			 rrd_status_name(clean.rc), rrd_error_last());
	/* A change the snapshot cannot see would pass for "unchanged". */
	int changed = strcmp(prepared, clean.state) != 0;
	free(prepared);
	if (o->reads && changed)
		fail_msg("%s: changed the distributor without any %s failing", o->name, kind->what);
	if (!o->reads && !changed)
		fail_msg("%s: the snapshot does not show what it changes", o->name);

	char failed_ns[512] = "";
	long n;
	int reached = 1;
	for (n = 1; reached && n <= MAX_N; n++) {
		int before = problems;
		reached = run_failing(o, n, &clean);
		if (problems > before) {
			size_t len = strlen(failed_ns);
			if (len < sizeof failed_ns - 16)
				snprintf(failed_ns + len, sizeof failed_ns - len, "%s%ld", len ? "," : "", n);
		}
	}
	fault_n = 0;
	free(clean.state);
	if (reached)
		fail_msg("%s: still reaching its fault after %d %ss", o->name, MAX_N, kind->what);
	if (problems)
		fail_msg("%s: %d problem(s) in runs N=%s (of %ld)", o->name, problems, failed_ns,
			 n - 2);
}

int fault_main(const fault_kind *k, const char *group, const struct CMUnitTest *extra,
	       size_t nextra)
{
	kind = k;
	size_t n = ops_count + nextra;
	struct CMUnitTest *tests = calloc(n, sizeof *tests);
	assert_non_null(tests);
	for (size_t i = 0; i < ops_count; i++)
		tests[i] = (struct CMUnitTest){ ops[i].name, run_op, NULL, NULL, (void *)&ops[i] };
	for (size_t i = 0; i < nextra; i++)
		tests[ops_count + i] = extra[i];
	int rc = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	return rc;
}
