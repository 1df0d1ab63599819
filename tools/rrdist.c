/*
 * rrdist: the command line.
 *
 *   rrdist simulate [--postal FILE] SCENARIO.json|-   JSONL events on stdout
 *       [--report FILE.html]                          and an HTML report of the run
 *   rrdist check [--postal FILE] FILE.json|-          explain faults; exit 2 when any
 *   rrdist --help | --version
 *
 * Exit status: 0 when it ran, 2 when the file cannot be used (nothing on
 * stdout; stderr names the JSON path of the fault), 1 for other failures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rrdist.h>

#include "report.h"

#ifndef RRD_POSTAL_DEFAULT
#define RRD_POSTAL_DEFAULT NULL
#endif

static const char usage[] =
	"usage: rrdist simulate [--postal FILE] [--report FILE.html] SCENARIO.json|-\n"
	"       rrdist check [--postal FILE] SCENARIO.json|CONFIG.json|-\n"
	"       rrdist config CONFIG.json|-\n"
	"       rrdist --help | --version\n"
	"\n"
	"simulate  run a scenario (rrdist-scenario/1) and write one JSON event per line\n"
	"check     validate a scenario or a configuration (rrdist-config/1) and\n"
	"          explain every fault, a line each (exit 2 on any)\n"
	"config    print a configuration back in canonical form\n"
	"\n"
	"--postal FILE  a zip,lat,lon CSV for postal codes (default: the installed\n"
	"               US ZCTA centroids, or $RRDIST_POSTAL_CODES)\n"
	"--report FILE  simulate: also write an HTML report of the run to FILE\n";

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "rrdist: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f)) {
				fprintf(stderr, "rrdist: %s: read error\n", path);
				free(buf);
				buf = NULL;
			}
			break;
		}
		char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		fprintf(stderr, "rrdist: %s: cannot read it\n", path);
	*len = n;
	return buf;
}

typedef struct out {
	FILE *f;
	int progress; /* stderr is a terminal */
	report *report; /* --report: told every line too */
} out;

static void write_line(void *user, const char *line, size_t len)
{
	out *o = user;
	fwrite(line, 1, len, o->f);
	if (o->report)
		report_line(o->report, line, len);
}

static void progress(void *user, size_t done, size_t total)
{
	out *o = user;
	if (!o->progress || !total)
		return;
	int width = 40, fill = (int)(done * (size_t)width / total);
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu events", fill,
		"########################################", width - fill, "", done, total);
	if (done == total)
		fputc('\n', stderr);
}

static const char *postal_path(const char *given)
{
	if (given)
		return given;
	const char *env = getenv("RRDIST_POSTAL_CODES");
	if (env && *env)
		return env;
	const char *dflt = RRD_POSTAL_DEFAULT;
	return dflt && access(dflt, R_OK) == 0 ? dflt : NULL;
}

/* A configuration document names its format; anything else is taken for
 * a scenario, whose loader explains what is wrong with it. */
static int is_config(const char *text, size_t len)
{
	static const char tag[] = "\"rrdist-config/";
	for (size_t i = 0; i + sizeof tag - 1 <= len; i++)
		if (memcmp(text + i, tag, sizeof tag - 1) == 0)
			return 1;
	return 0;
}

/* Load a configuration into a scratch distributor and save it back. */
static rrd_status load_config(const char *text, size_t len, char **canonical)
{
	rrd_store *store;
	rrd_distributor *dist;
	rrd_status rc = rrd_store_memory_new(&store);
	if (rc)
		return rc;
	if (!(rc = rrd_distributor_new(&dist, store, NULL))) {
		if (!(rc = rrd_distributor_load_config(dist, text, len)))
			rc = rrd_distributor_save_config(dist, canonical);
		rrd_distributor_free(dist);
	}
	rrd_store_free(store);
	return rc;
}

/* `user` is what the document is: "scenario" or "config". */
static void print_fault(void *user, const char *message)
{
	fprintf(stderr, "rrdist: %s: %s\n", (const char *)user, message);
}

/* `what` is what the document is, as print_fault is told. */
static int fail(const char *what, rrd_status rc)
{
	fprintf(stderr, "rrdist: %s: %s\n", what, rrd_error_last());
	return rc == RRD_E_PARSE || rc == RRD_E_NOTFOUND ? 2 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("rrdist %s\n", rrd_version(NULL, NULL, NULL));
		return 0;
	}
	const char *cmd = argv[1], *postal = NULL, *file = NULL, *report_path = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--postal") == 0 && i + 1 < argc)
			postal = argv[++i];
		else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc)
			report_path = argv[++i];
		else if (!file)
			file = argv[i];
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!file ||
	    (strcmp(cmd, "simulate") != 0 && strcmp(cmd, "check") != 0 &&
	     strcmp(cmd, "config") != 0) ||
	    (report_path && strcmp(cmd, "simulate") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	size_t len;
	char *text = read_all(file, &len);
	if (!text)
		return 2;
	rrd_status rc;
	if (strcmp(cmd, "check") == 0) {
		int config = is_config(text, len);
		char *what = config ? "config" : "scenario";
		rc = config ? rrd_config_check_each(text, len, print_fault, what)
			    : rrd_scenario_check_each(text, len, postal_path(postal), print_fault,
						      what);
		free(text);
		if (rc == RRD_E_PARSE)
			return 2; /* every fault is printed already */
		if (rc)
			return fail(what, rc);
		printf("%s: ok\n", file);
		return 0;
	}
	if (strcmp(cmd, "config") == 0) {
		char *canonical = NULL;
		rc = load_config(text, len, &canonical);
		free(text);
		if (rc)
			return fail("config", rc);
		printf("%s\n", canonical);
		rrd_free(canonical);
		return 0;
	}
	/* Lines are collected in memory first when the scenario could still
	 * fail to load, so nothing reaches stdout for a bad file: the library
	 * guarantees that by writing nothing before the load succeeds. */
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	out o = { stdout, isatty(STDERR_FILENO), NULL };
	if (report_path && !(o.report = report_new())) {
		fputs("rrdist: out of memory\n", stderr);
		free(text);
		return 1;
	}
	rrd_simulation_options opts = RRD_SIMULATION_OPTIONS_INIT;
	opts.on_line = write_line;
	opts.line_user = &o;
	opts.postal_codes = postal_path(postal);
	opts.on_progress = progress;
	opts.progress_user = &o;
	rc = rrd_simulate(text, len, &opts);
	free(text);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "rrdist: writing the output: %s\n", strerror(errno));
		report_free(o.report);
		return 1;
	}
	if (!rc && o.report) {
		const char *why = report_write(o.report, report_path,
					       strcmp(file, "-") == 0 ? "standard input" : file);
		if (why) {
			fprintf(stderr, "rrdist: %s: %s\n", report_path, why);
			report_free(o.report);
			return 1;
		}
	}
	report_free(o.report);
	return rc ? fail("scenario", rc) : 0;
}
