/* The messages a check for every fault tells, kept for a test to compare
 * as one text. */
#ifndef RRD_TEST_FAULT_LOG_H
#define RRD_TEST_FAULT_LOG_H

typedef struct fault_log {
	char text[4096]; /* a line each, as many as fit */
	int n;           /* told in all */
	char last[256];  /* the last one */
} fault_log;

#define FAULT_LOG_INIT { "", 0, "" }

/* An rrd_fault_fn: `user` is a fault_log. */
void fault_log_note(void *user, const char *message);

#endif
