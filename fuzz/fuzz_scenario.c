/*
 * libFuzzer harness: scenario documents.
 *
 * Every input goes through the loader, and through rrd_scenario_check and
 * rrd_simulate, which must agree: what the check takes runs (the runner
 * refuses nothing at its start that the check took, and fails at nothing
 * after), and what it refuses is refused by the run as a document that
 * cannot be used. The runner reads event fields that the loader only
 * type-checks. A document with more events than a run can afford within
 * the per-input timeout is run with its events left out, and checked the
 * same way. Every input is also read by the JSON text check, whose
 * verdict cJSON must bear out, and by the loader's flat-object reader,
 * whose tree must be cJSON's.
 *
 * The postal table is a small subset of the ZCTA centroids (the codes the
 * seed corpus and the documentation use, and the file's first rows): the
 * runner takes a path and rereads the file on every run, and the whole
 * file would cost more than the run itself.
 *
 * RRD_FUZZ_POSTAL names the centroid CSV; without it, the copy in the
 * source tree that the build compiled in.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault_check.h"
#include "text_check.h"
#include "rrdist/simulation.h"
#include "sim/flat.h"
#include "sim/scenario.h"
#include "sim/split.h"

#ifndef RRD_FUZZ_POSTAL
#define RRD_FUZZ_POSTAL "data/us-zcta-centroids.csv"
#endif

/* One event may sweep every record, so a run costs up to events times
 * records: this bound keeps the slowest run far inside the timeout. */
#define SIMULATE_EVENTS_MAX 200
#define POSTAL_FIRST_ROWS 32

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seeds' codes, and some far apart (Alaska, Hawaii, Puerto Rico) so
 * that nearest-agent distances span the globe. */
static const char *const postal_codes[] = {
	"10001", "30303", "60601", "94105", "02108", "98101",
	"99501", "96813", "00601", "00901", "33101", "90210",
};

static rrd_postal_table *postal;
static char postal_path[64];

static int wanted(const char *line, unsigned row)
{
	if (row <= POSTAL_FIRST_ROWS)
		return 1; /* row 0 may be the header, which must stay first */
	for (size_t i = 0; i < sizeof postal_codes / sizeof *postal_codes; i++) {
		size_t n = strlen(postal_codes[i]);
		if (strncmp(line, postal_codes[i], n) == 0 && line[n] == ',')
			return 1;
	}
	return 0;
}

static void die(const char *what)
{
	fprintf(stderr, "fuzz_scenario: %s\n", what);
	exit(2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("RRD_FUZZ_POSTAL");
	if (!src || !*src)
		src = RRD_FUZZ_POSTAL;
	FILE *in = fopen(src, "rb");
	if (!in) {
		fprintf(stderr, "fuzz_scenario: %s: cannot open (set RRD_FUZZ_POSTAL)\n", src);
		exit(2);
	}
	const char *tmpdir = getenv("TMPDIR");
	char name[4096];
	snprintf(name, sizeof name, "%s/rrd-fuzz-postal-XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(name);
	if (fd < 0)
		die("cannot create the postal table's file");
	/* Unlinked at once so that no run, even one that crashes, leaves it
	 * behind; the runner reopens it through the descriptor. */
	unlink(name);
	FILE *out = fdopen(dup(fd), "wb");
	if (!out)
		die("cannot write the postal table's file");
	char line[256];
	unsigned row = 0;
	while (fgets(line, sizeof line, in))
		if (wanted(line, row++))
			fputs(line, out);
	if (ferror(in) || fclose(out) != 0)
		die("cannot copy the postal table");
	fclose(in);
	snprintf(postal_path, sizeof postal_path, "/proc/self/fd/%d", fd);
	if (rrd__postal_load(&postal, postal_path) != RRD_OK)
		die(rrd_error_last());
	return 0;
}

static void on_line(void *user, const char *line, size_t len)
{
	/* One JSON object per line: exactly one newline, at the end. Reading
	 * the whole line also lets AddressSanitizer check its bounds. */
	if (len == 0 || memchr(line, '\n', len) != line + len - 1) {
		fprintf(stderr, "fuzz_scenario: an output line is not one newline-terminated line\n");
		abort();
	}
	++*(size_t *)user;
}

/* Whatever the flat reader takes (the loader's fast path for events),
 * cJSON must take too, as the same tree: printed, they are the same. */
static void flat_agrees(const char *text, size_t size)
{
	rrd_flat f;
	const cJSON *flat = rrd__flat_parse(&f, text, size);
	if (!flat)
		return;
	const char *end = NULL;
	cJSON *c = cJSON_ParseWithLengthOpts(text, size, &end, 0);
	char *a = cJSON_PrintUnformatted(flat), *b = c ? cJSON_PrintUnformatted(c) : NULL;
	int same = c && end == text + size && a && b && strcmp(a, b) == 0;
	if (!same && (!c || (a && b))) {
		fprintf(stderr, "fuzz_scenario: the flat reader and cJSON differ: %s / %s\n",
			a ? a : "?", b ? b : "(refused)");
		abort();
	}
	cJSON_free(a);
	cJSON_free(b);
	cJSON_Delete(c);
}

/* rrd_scenario_check and rrd_simulate agree on `text`: the check takes it
 * exactly when the run does not refuse it as a document that cannot be
 * used, and what the check takes runs to the end. Out of memory proves
 * nothing. */
static void check_agrees_with_simulate(const char *text, size_t size)
{
	rrd_status check = rrd_scenario_check(text, size, postal_path);
	char check_message[512];
	snprintf(check_message, sizeof check_message, "%s", rrd_error_last());
	size_t lines = 0;
	rrd_simulation_options opts = RRD_SIMULATION_OPTIONS_INIT;
	opts.on_line = on_line;
	opts.line_user = &lines;
	opts.postal_codes = postal_path;
	rrd_status run = rrd_simulate(text, size, &opts);
	if (check == RRD_E_NOMEM || run == RRD_E_NOMEM)
		return;
	if (check != RRD_OK) {
		if (run != check || strcmp(check_message, rrd_error_last()) != 0) {
			fprintf(stderr, "fuzz_scenario: the check says %s (%s), but rrd_simulate %s: %s\n",
				rrd_status_name(check), check_message, rrd_status_name(run),
				rrd_error_last());
			abort();
		}
		return;
	}
	if (run != RRD_OK) {
		fprintf(stderr, "fuzz_scenario: the check takes it, but rrd_simulate failed: %s: %s\n",
			rrd_status_name(run), rrd_error_last());
		abort();
	}
	/* A run always ends with its summary line. */
	if (lines == 0) {
		fprintf(stderr, "fuzz_scenario: a run wrote no lines\n");
		abort();
	}
}

/* `text` without its events (its `events` array emptied), for a run that
 * could not afford them; NULL when the scanner cannot find them. */
static char *without_events(const char *text, size_t size, size_t *n)
{
	rrd_split sp;
	if (rrd__split_events(text, size, &sp) != RRD_SPLIT_DONE)
		return NULL;
	*n = sp.open + 1 + (size - sp.close + 1);
	char *head = malloc(*n);
	if (head) {
		memcpy(head, text, sp.open + 1);
		memcpy(head + sp.open + 1, text + sp.close - 1, size - sp.close + 1);
	}
	rrd__split_free(&sp);
	return head;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	text_check_agrees("fuzz_scenario", text, size);
	flat_agrees(text, size);
	static rrd_scenario sentinel;
	rrd_scenario *s = &sentinel; /* load must reset it */
	rrd_status rc = rrd__scenario_load(&s, text, size, postal);
	char message[512];
	snprintf(message, sizeof message, "%s", rrd_error_last());
	/* Checking for every fault walks past faulty items: it must agree
	 * with the loader on whether there is any, and on the first. */
	fault_tally faults = { 0, "" };
	rrd_scenario *all = &sentinel;
	rrd_status all_rc = rrd__scenario_load_each(&all, text, size, postal, count_fault, &faults);
	rrd__scenario_free(all);
	faults_agree("fuzz_scenario", rc, message, all_rc, &faults);
	if (rc != RRD_OK && s)
		abort(); /* a failed load hands nothing out */
	size_t events = s ? s->event_count : 0;
	rrd__scenario_free(s);
	if (events <= SIMULATE_EVENTS_MAX) {
		check_agrees_with_simulate(text, size);
		return 0;
	}
	size_t n;
	char *head = without_events(text, size, &n);
	if (head)
		check_agrees_with_simulate(head, n);
	free(head);
	return 0;
}
