/*
 * rrdist: the command line.
 *
 *   rrdist simulate [--postal FILE|--no-postal]    JSONL events on stdout
 *       [--report FILE.html]                       and an HTML report of the run,
 *       [--store memory|sqlite:PATH|               on the store named
 *                postgres:CONNINFO] SCENARIO.json|-
 *   rrdist check [--postal FILE|--no-postal]       explain faults; exit 2 when any
 *       FILE.json|-
 *   rrdist config CONFIG.json|-                    a configuration, canonical
 *   rrdist --help | --version                      (each command takes --help)
 *
 * Exit status: 0 when it ran, 2 when the file cannot be used (nothing on
 * stdout; stderr names the JSON path of the fault) or the command line is
 * wrong, 1 for other failures.
 *
 * What it prints quotes its input (file names, and the library's messages
 * quoting the file): the library escapes the control characters in its
 * messages, and this escapes them in file names alike, so that a file
 * cannot act on the terminal (erase a line, forge an "ok").
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <rrdist.h>

#include "report.h"

/* The bundled postal table where it is installed, and in the source tree
 * (tools/meson.build passes both). */
#ifndef RRD_POSTAL_INSTALLED
#define RRD_POSTAL_INSTALLED NULL
#endif
#ifndef RRD_POSTAL_SOURCE
#define RRD_POSTAL_SOURCE NULL
#endif

/* The most a scenario may be (the library refuses more), and configurations
 * are held to it too: a bigger file is refused before it is read. */
#define DOCUMENT_BYTES_MAX ((size_t)256 << 20)

#define POSTAL_HELP                                                              \
	"  --postal FILE   a zip,lat,lon CSV for postal codes (default:\n"          \
	"                  $RRDIST_POSTAL_CODES, else the bundled US ZCTA centroids)\n" \
	"  --no-postal     no postal table: every postal code is unknown\n"
#define HELP_HELP "  -h, --help      show this and exit\n"

#define STORE_HELP                                                                    \
	"  --store STORE   where the run keeps its state, which must hold nothing yet:\n" \
	"                  memory (the default), sqlite:PATH (a SQLite file, made if\n"  \
	"                  missing) or postgres:CONNINFO (a libpq connection string;\n" \
	"                  the tables go in the schema rrdist)\n"

static const char usage[] =
	"usage: rrdist simulate [--postal FILE | --no-postal] [--report FILE.html]\n"
	"                       [--store memory|sqlite:PATH|postgres:CONNINFO]\n"
	"                       SCENARIO.json|-\n"
	"       rrdist check [--postal FILE | --no-postal] SCENARIO.json|CONFIG.json|-\n"
	"       rrdist config CONFIG.json|-\n"
	"       rrdist --help | --version\n"
	"\n"
	"simulate  run a scenario (rrdist-scenario/1) and write one JSON event per line\n"
	"check     validate a scenario or a configuration (rrdist-config/1) and\n"
	"          explain every fault, a line each (exit 2 on any)\n"
	"config    print a configuration back in canonical form\n"
	"\n"
	"--postal FILE  a zip,lat,lon CSV for postal codes (default:\n"
	"               $RRDIST_POSTAL_CODES, else the bundled US ZCTA centroids)\n"
	"--no-postal    no postal table: every postal code is unknown\n"
	"--report FILE  simulate: also write an HTML report of the run to FILE\n"
	"--store STORE  simulate: memory (the default), sqlite:PATH or\n"
	"               postgres:CONNINFO, to run on a store that holds nothing yet\n"
	"\n"
	"rrdist COMMAND --help tells more of each.\n";

/* Put `name` (from the command line) with what a terminal would act on
 * escaped as the library escapes its messages: C0 controls and DEL as
 * JSON writes them, and the C1 controls U+0080 to U+009F. */
static void put_name(FILE *f, const char *name)
{
	static const char short_form[] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n',
					   ['\f'] = 'f', ['\r'] = 'r' };
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		unsigned c = *p;
		if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			c = *++p;
		else if (c >= 0x20 && c != 0x7F) {
			fputc((int)c, f);
			continue;
		}
		if (c < sizeof short_form && short_form[c])
			fprintf(f, "\\%c", short_form[c]);
		else
			fprintf(f, "\\u%04x", c);
	}
}

/* "rrdist: NAME: WHY" on stderr. */
static void complain(const char *name, const char *why)
{
	fputs("rrdist: ", stderr);
	put_name(stderr, name);
	fprintf(stderr, ": %s\n", why);
}

/* A command, with what it takes and its own usage (for --help). */
typedef struct command {
	const char *name;
	int postal; /* takes --postal */
	int report; /* takes --report and --store */
	const char *usage;
} command;

static const command commands[] = {
	{ "simulate", 1, 1,
	  "usage: rrdist simulate [--postal FILE | --no-postal] [--report FILE.html]\n"
	  "                       [--store memory|sqlite:PATH|postgres:CONNINFO]\n"
	  "                       SCENARIO.json|-\n"
	  "\n"
	  "Run a scenario (rrdist-scenario/1) and write one JSON event per line on\n"
	  "stdout. A file that cannot be used writes nothing there, names the JSON\n"
	  "path of the fault on stderr and exits 2. - reads standard input.\n"
	  "\n" POSTAL_HELP
	  "  --report FILE   also write an HTML report of the run to FILE\n" STORE_HELP HELP_HELP },
	{ "check", 1, 0,
	  "usage: rrdist check [--postal FILE | --no-postal] SCENARIO.json|CONFIG.json|-\n"
	  "\n"
	  "Validate a scenario, or a configuration (rrdist-config/1), and explain\n"
	  "every fault, a line each; exit 2 on any, else print FILE: ok. - reads\n"
	  "standard input.\n"
	  "\n" POSTAL_HELP HELP_HELP },
	{ "config", 0, 0,
	  "usage: rrdist config CONFIG.json|-\n"
	  "\n"
	  "Print a configuration (rrdist-config/1) back in canonical form. A file\n"
	  "that cannot be used exits 2, naming the JSON path of the fault on\n"
	  "stderr. - reads standard input.\n"
	  "\n" HELP_HELP },
};

/* What the command line asks for. `postal` is --postal's FILE, or
 * no_postal for --no-postal; `store` is --store's STORE. */
typedef struct args {
	const command *cmd;
	const char *file, *postal, *report, *store;
} args;

static const char no_postal[] = "--no-postal";

static rrd_status open_sqlite(rrd_store **out, const char *path)
{
	return rrd_store_sqlite_open(out, path, NULL);
}

static rrd_status open_postgres(rrd_store **out, const char *conninfo)
{
	return rrd_store_pg_open(out, conninfo, NULL);
}

/* The stores --store names by a prefix, besides memory. */
typedef struct store_kind {
	const char *prefix;
	rrd_status (*open)(rrd_store **out, const char *where);
	/* What to say when nothing follows the prefix; NULL: nothing is
	 * fine (libpq's defaults and its PG* environment variables). */
	const char *where_needed;
	/* How a failure names the store: NULL, by what --store said; else
	 * by this, for a connection string may hold a password. */
	const char *named;
} store_kind;

static const store_kind store_kinds[] = {
	{ "sqlite:", open_sqlite, "--store sqlite:PATH needs a PATH", NULL },
	{ "postgres:", open_postgres, NULL, "--store postgres" },
};

static const store_kind *store_kind_of(const char *spec)
{
	for (size_t i = 0; i < sizeof store_kinds / sizeof *store_kinds; i++)
		if (strncmp(spec, store_kinds[i].prefix, strlen(store_kinds[i].prefix)) == 0)
			return &store_kinds[i];
	return NULL;
}

/* Refuse the command line: `why` (may be NULL), then the usage. Exit 2. */
static int bad_usage(const command *cmd, const char *why, const char *what)
{
	if (why) {
		fprintf(stderr, "rrdist: %s", why);
		put_name(stderr, what ? what : "");
		fputc('\n', stderr);
	}
	fputs(cmd ? cmd->usage : usage, stderr);
	return 2;
}

/* Read argv into *a: -1 to go on, else the exit status (help or a fault,
 * already printed). */
static int parse_args(int argc, char **argv, args *a)
{
	memset(a, 0, sizeof *a);
	for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
		if (strcmp(argv[1], commands[k].name) == 0)
			a->cmd = &commands[k];
	if (!a->cmd) {
		if (argv[1][0] == '-')
			return bad_usage(NULL, "unknown option ", argv[1]);
		fputs("rrdist: unknown command \"", stderr);
		put_name(stderr, argv[1]);
		fputs("\"\n", stderr);
		return bad_usage(NULL, NULL, NULL);
	}
	const command *c = a->cmd;
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		const char **value = NULL;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(c->usage, stdout);
			return 0;
		} else if (strcmp(arg, "--postal") == 0 && c->postal) {
			value = &a->postal;
		} else if (strcmp(arg, "--no-postal") == 0 && c->postal) {
			if (a->postal && a->postal != no_postal)
				return bad_usage(c, "--postal and --no-postal exclude each other", NULL);
			a->postal = no_postal;
		} else if (strcmp(arg, "--report") == 0 && c->report) {
			value = &a->report;
		} else if (strcmp(arg, "--store") == 0 && c->report) {
			value = &a->store;
		} else if (strcmp(arg, "--postal") == 0 || strcmp(arg, "--no-postal") == 0 ||
			   strcmp(arg, "--report") == 0 || strcmp(arg, "--store") == 0) {
			fprintf(stderr, "rrdist: %s does not take %s\n", c->name, arg);
			return bad_usage(c, NULL, NULL);
		} else if (arg[0] == '-' && arg[1] != '\0') {
			return bad_usage(c, "unknown option ", arg);
		} else if (a->file) {
			return bad_usage(c, "one file at a time; also given: ", arg);
		} else {
			a->file = arg;
		}
		if (value == &a->postal && a->postal == no_postal)
			return bad_usage(c, "--postal and --no-postal exclude each other", NULL);
		if (value) {
			if (i + 1 == argc) {
				fprintf(stderr, "rrdist: %s needs a%s\n", arg,
					value == &a->store ? " STORE" : " FILE");
				return bad_usage(c, NULL, NULL);
			}
			*value = argv[++i];
		}
	}
	if (!a->file)
		return bad_usage(c, "no file given (- reads standard input)", NULL);
	if (a->store && strcmp(a->store, "memory") != 0) {
		const store_kind *k = store_kind_of(a->store);
		if (!k)
			return bad_usage(c, "--store takes memory, sqlite:PATH or postgres:CONNINFO, "
					    "not ",
					 a->store);
		if (k->where_needed && !a->store[strlen(k->prefix)])
			return bad_usage(c, k->where_needed, NULL);
	}
	return -1;
}

/* The store --store names: NULL for memory (the run makes its own), or
 * the one opened. 0, or the exit status with the reason printed. */
static int open_store(const char *spec, rrd_store **out)
{
	*out = NULL;
	if (!spec || strcmp(spec, "memory") == 0)
		return 0;
	const store_kind *k = store_kind_of(spec);
	if (k->open(out, spec + strlen(k->prefix)) == RRD_OK)
		return 0;
	complain(k->named ? k->named : spec, rrd_error_last());
	return 2;
}

/* The file whole, or NULL with the reason printed. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		complain(path, strerror(errno));
		return NULL;
	}
	/* A file's size is known before reading it; a stream's as it comes. */
	struct stat st;
	int big = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
		  (uintmax_t)st.st_size > DOCUMENT_BYTES_MAX;
	const char *why = NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = NULL;
	while (!big && !why) {
		char *bigger = realloc(buf, cap);
		if (!bigger) {
			why = "out of memory";
			break;
		}
		buf = bigger;
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap) {
			if (ferror(f))
				why = "read error";
			break;
		}
		big = n > DOCUMENT_BYTES_MAX;
		/* One byte past the limit is enough to know. */
		cap = cap > DOCUMENT_BYTES_MAX / 2 ? DOCUMENT_BYTES_MAX + 1 : cap * 2;
	}
	if (f != stdin)
		fclose(f);
	if (big || why) {
		free(buf);
		if (big) {
			char limit[64];
			snprintf(limit, sizeof limit, "larger than %zu MiB, the most a document may be",
				 DOCUMENT_BYTES_MAX >> 20);
			complain(path, limit);
		} else {
			complain(path, why);
		}
		return NULL;
	}
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

/*
 * The postal table to use, or NULL for none: the one given (--postal), none
 * (--no-postal), $RRDIST_POSTAL_CODES, else the bundled one. That is looked
 * for where it is installed, then in the source tree, for a build that is
 * not installed: a build tree depends on its source tree staying where it
 * is anyway, and an installed rrdist finds its own table first, so it never
 * reads a source tree. A table given but missing is an error, later; one
 * not found here is no table, and an unknown code then says so.
 */
static const char *postal_path(const char *given)
{
	if (given)
		return given == no_postal ? NULL : given;
	const char *env = getenv("RRDIST_POSTAL_CODES");
	if (env && *env)
		return env;
	const char *const bundled[] = { RRD_POSTAL_INSTALLED, RRD_POSTAL_SOURCE };
	for (size_t i = 0; i < sizeof bundled / sizeof *bundled; i++)
		if (bundled[i] && access(bundled[i], R_OK) == 0)
			return bundled[i];
	return NULL;
}

/* A walk over a document's top-level members that finds where each key
 * and value is without parsing the values: a scenario's events may be
 * millions. Strings are skipped as cJSON finds their end. */
typedef struct top_level {
	const char *p;
	size_t len, i;
} top_level;

static void blanks(top_level *t)
{
	while (t->i < t->len && (t->p[t->i] == ' ' || t->p[t->i] == '\t' || t->p[t->i] == '\n' ||
				 t->p[t->i] == '\r'))
		t->i++;
}

/* Past the string whose quote is at t->i; 0 when the text ends first. */
static int skip_string(top_level *t)
{
	for (t->i++; t->i < t->len; t->i++) {
		if (t->p[t->i] == '\\')
			t->i++;
		else if (t->p[t->i] == '"') {
			t->i++;
			return 1;
		}
	}
	return 0;
}

/* Up to the comma or brace after the value at t->i; 0 when the text ends
 * first. Brackets are counted, not matched: a document whose brackets do
 * not match is refused by whichever check it goes to. */
static int skip_value(top_level *t)
{
	int depth = 0;
	while (t->i < t->len) {
		char c = t->p[t->i];
		if (c == '"') {
			if (!skip_string(t))
				return 0;
			continue;
		}
		if (depth == 0 && (c == ',' || c == '}'))
			return 1;
		depth += (c == '{' || c == '[') - (c == '}' || c == ']');
		t->i++;
	}
	return 0;
}

/* Whether the JSON value at text (n bytes) is a string that unescapes to
 * `want`, or with `prefix`, to a text that begins with it. */
static int string_is(const char *text, size_t n, const char *want, int prefix)
{
	if (!n || text[0] != '"')
		return 0;
	cJSON *v = cJSON_ParseWithLength(text, n);
	int yes = cJSON_IsString(v) &&
		  (prefix ? strncmp(v->valuestring, want, strlen(want)) == 0
			  : strcmp(v->valuestring, want) == 0);
	cJSON_Delete(v);
	return yes;
}

/* A configuration document names its format ("rrdist-config/1") in its
 * top-level `format`, read as JSON reads it (escapes and all); anything
 * else is taken for a scenario, whose loader explains what is wrong with
 * it. The first `format` decides: a document that names it twice is
 * refused either way. */
static int is_config(const char *text, size_t len)
{
	top_level t = { text, len, 0 };
	if (len > 4 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		t.i = 3; /* a byte order mark, which the loaders skip too */
	blanks(&t);
	if (t.i >= len || text[t.i++] != '{')
		return 0;
	for (;;) {
		blanks(&t);
		size_t key = t.i;
		if (t.i >= len || text[t.i] != '"' || !skip_string(&t))
			return 0;
		int format = string_is(text + key, t.i - key, "format", 0);
		blanks(&t);
		if (t.i >= len || text[t.i++] != ':')
			return 0;
		blanks(&t);
		size_t value = t.i;
		int whole = skip_value(&t);
		/* A document cut short after its format is still one. */
		if (format)
			return string_is(text + value, t.i - value, "rrdist-config/", 1);
		if (!whole || text[t.i++] != ',')
			return 0;
	}
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

/* Faults print_fault has printed. */
static size_t faults_printed;

/* `user` is what the document is: "scenario" or "config". */
static void print_fault(void *user, const char *message)
{
	fprintf(stderr, "rrdist: %s: %s\n", (const char *)user, message);
	faults_printed++;
}

/* `what` is what the document is, as print_fault is told. A store
 * that holds something already (RRD_E_STATE) cannot be used either. */
static int fail(const char *what, rrd_status rc)
{
	fprintf(stderr, "rrdist: %s: %s\n", what, rrd_error_last());
	return rc == RRD_E_PARSE || rc == RRD_E_NOTFOUND || rc == RRD_E_STATE ? 2 : 1;
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
	args a;
	int status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	const char *cmd = a.cmd->name, *postal = a.postal, *file = a.file, *report_path = a.report;
	rrd_store *store = NULL;
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
		/* Every fault is printed already; a check that failed without
		 * telling one still says why. */
		if (rc == RRD_E_PARSE && faults_printed)
			return 2;
		if (rc)
			return fail(what, rc);
		put_name(stdout, file);
		fputs(": ok\n", stdout);
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
	if ((status = open_store(a.store, &store))) {
		free(text);
		return status;
	}
	if (report_path && !(o.report = report_new())) {
		fputs("rrdist: out of memory\n", stderr);
		rrd_store_free(store);
		free(text);
		return 1;
	}
	rrd_simulation_options opts = RRD_SIMULATION_OPTIONS_INIT;
	opts.on_line = write_line;
	opts.line_user = &o;
	opts.postal_codes = postal_path(postal);
	opts.on_progress = progress;
	opts.progress_user = &o;
	opts.store = store;
	rc = rrd_simulate(text, len, &opts);
	rrd_store_free(store);
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
			complain(report_path, why);
			report_free(o.report);
			return 1;
		}
	}
	report_free(o.report);
	return rc ? fail("scenario", rc) : 0;
}
