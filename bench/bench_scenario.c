/*
 * A whole scenario run: 1,000,000 leads over 1,000 agents, 100 pools and
 * 100 rules, generated in memory and replayed by rrd_simulate, output
 * discarded. Prints the load-and-run time and the rate.
 * Set RRD_BENCH_SMALL=1 for 20,000 leads.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rrdist.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct text {
	char *p;
	size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap ? t->cap * 2 : 1 << 20;
		t->p = realloc(t->p, t->cap);
		if (!t->p) {
			fprintf(stderr, "bench_scenario: out of memory\n");
			exit(1);
		}
	}
}

static void discard(void *user, const char *line, size_t len)
{
	(void)line;
	*(size_t *)user += len;
}

int main(void)
{
	long leads = getenv("RRD_BENCH_SMALL") ? 20000 : 1000000;
	const int agents = 1000, pools = 100, rules = 100;
	text t = { 0 };
	put(&t, "{\"format\":\"rrdist-scenario/1\",\"start\":\"2026-03-02T08:00:00Z\",\"agents\":[");
	for (int i = 0; i < agents; i++)
		put(&t, "%s{\"id\":\"a%d\",\"weight\":%d}", i ? "," : "", i, 1 + i % 3);
	put(&t, "],\"pools\":[");
	for (int p = 0; p < pools; p++) {
		put(&t, "%s{\"id\":\"p%d\",\"kind\":\"lead\",\"strategy\":\"%s\",\"members\":[", p ? "," : "",
		    p, p % 3 == 0 ? "round_robin" : p % 3 == 1 ? "least_busy" : "weighted_round_robin");
		for (int m = 0; m < agents / pools; m++)
			put(&t, "%s\"a%d\"", m ? "," : "", p * (agents / pools) + m);
		put(&t, "]}");
	}
	put(&t, "],\"rules\":[");
	for (int r = 0; r < rules; r++)
		put(&t, "%s{\"id\":\"r%d\",\"match\":{\"source\":\"s%d\"},\"pool\":\"p%d\"}", r ? "," : "",
		    r, r, r % pools);
	put(&t, "],\"events\":[");
	for (long n = 0; n < leads; n++)
		put(&t, "%s{\"at\":\"+%lds\",\"op\":\"lead\",\"id\":\"L%ld\",\"source\":\"s%ld\"}",
		    n ? "," : "", n / 10, n, (n * 37) % rules);
	put(&t, "]}");

	size_t written = 0;
	rrd_simulation_options o = RRD_SIMULATION_OPTIONS_INIT;
	o.on_line = discard;
	o.line_user = &written;
	double start = now_seconds();
	rrd_status rc = rrd_simulate(t.p, t.len, &o);
	double secs = now_seconds() - start;
	if (rc) {
		fprintf(stderr, "bench_scenario: %s\n", rrd_error_last());
		return 1;
	}
	printf("bench scenario.leads%ld.seconds %.2f s\n", leads, secs);
	printf("bench scenario.leads%ld.rate %.0f leads/s\n", leads, (double)leads / secs);
	printf("bench scenario.leads%ld.output %zu bytes\n", leads, written);
	free(t.p);
	return 0;
}
