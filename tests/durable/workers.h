/* What the programs of tests/durable share: talking with a worker
 * process over a pipe, and setting up and reading a store's teams. */
#ifndef RRD_TEST_DURABLE_WORKERS_H
#define RRD_TEST_DURABLE_WORKERS_H

#include <stdint.h>
#include <stddef.h>

#include "rrdist.h"

/* Write `text` whole to `fd`, or end the (worker) process. */
void worker_say(int fd, const char *text);
/* One byte from `fd` within `timeout_ms`: 1, or 0 at its end or on time. */
int worker_read_byte(int fd, char *b, int timeout_ms);
/* One line from `fd`, without its newline; "" at the end of the pipe, or
 * after two minutes of silence. */
void worker_read_line(int fd, char *buf, size_t cap);
/* A lead pool `pool` of `agents` new agents "<pool>.0", "<pool>.1", ...,
 * in that order, with a claim window (0: none). */
void durable_team(rrd_distributor *d, const char *pool, int agents, rrd_time window);
/* The records an agent holds, by its counters. */
int64_t durable_open_count(rrd_distributor *d, const char *agent);

#endif
