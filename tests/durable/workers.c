#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "workers.h"

void worker_say(int fd, const char *text)
{
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n)
		_exit(4);
}

int worker_read_byte(int fd, char *b, int timeout_ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int rc;
	while ((rc = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (rc <= 0)
		return 0;
	return read(fd, b, 1) == 1;
}

void worker_read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	char b;
	while (n + 1 < cap && worker_read_byte(fd, &b, 120000) && b != '\n')
		buf[n++] = b;
	buf[n] = '\0';
}

void durable_team(rrd_distributor *d, const char *pool, int agents, rrd_time window)
{
	rrd_pool *p;
	assert_int_equal(rrd_pool_new(&p, pool, RRD_KIND_LEAD), RRD_OK);
	if (window)
		assert_int_equal(rrd_pool_set_claim_window(p, window), RRD_OK);
	for (int i = 0; i < agents; i++) {
		char id[32];
		snprintf(id, sizeof id, "%s.%d", pool, i);
		rrd_agent *a;
		assert_int_equal(rrd_agent_new(&a, id), RRD_OK);
		assert_int_equal(rrd_distributor_put_agent(d, a), RRD_OK);
		rrd_agent_free(a);
		assert_int_equal(rrd_pool_add_member(p, id), RRD_OK);
	}
	assert_int_equal(rrd_distributor_put_pool(d, p), RRD_OK);
	rrd_pool_free(p);
}

int64_t durable_open_count(rrd_distributor *d, const char *agent)
{
	rrd_agent *a;
	assert_int_equal(rrd_distributor_get_agent(d, agent, &a), RRD_OK);
	int64_t n = rrd_agent_open_count(a);
	rrd_agent_free(a);
	return n;
}
