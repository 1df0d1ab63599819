/* The store's redistribution lock: owner names that no two processes
 * share, a lease renewed before every batch, and a job whose work
 * committed reported as done even when the lock cannot be given back. */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "bulk/bulk.h"

/* ---- owners -------------------------------------------------------------- */

typedef struct owner_parts {
	char host[RD_OWNER_MAX], pid[32], token[32], serial[32];
} owner_parts;

/* Split "rrdist:<host>:<pid>:<token>:<serial>", checking each part's form. */
static owner_parts parts_of(const char *owner)
{
	owner_parts p;
	memset(&p, 0, sizeof p);
	assert_true(strncmp(owner, "rrdist:", 7) == 0);
	char copy[RD_OWNER_MAX];
	snprintf(copy, sizeof copy, "%s", owner + 7);
	char *fields[4];
	char *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
		assert_true(n < 4);
		fields[n++] = t;
	}
	assert_int_equal(n, 4);
	snprintf(p.host, sizeof p.host, "%s", fields[0]);
	snprintf(p.pid, sizeof p.pid, "%s", fields[1]);
	snprintf(p.token, sizeof p.token, "%s", fields[2]);
	snprintf(p.serial, sizeof p.serial, "%s", fields[3]);
	assert_true(strlen(p.host) > 0);
	assert_int_equal(strlen(p.token), 16);
	assert_int_equal(strspn(p.token, "0123456789abcdef"), 16);
	assert_true(strspn(p.pid, "0123456789") == strlen(p.pid) && strlen(p.pid) > 0);
	assert_true(strspn(p.serial, "0123456789") == strlen(p.serial) && strlen(p.serial) > 0);
	return p;
}

static void test_owner_names_host_process_token_and_call(void **state)
{
	(void)state;
	char a[RD_OWNER_MAX], b[RD_OWNER_MAX];
	rrd__rd_lock_owner(a, sizeof a);
	rrd__rd_lock_owner(b, sizeof b);
	owner_parts pa = parts_of(a), pb = parts_of(b);
	char pid[32];
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	assert_string_equal(pa.pid, pid);
	/* One process: one host, pid and token; each call its own serial. */
	assert_string_equal(pa.host, pb.host);
	assert_string_equal(pa.pid, pb.pid);
	assert_string_equal(pa.token, pb.token);
	assert_string_not_equal(pa.serial, pb.serial);
	assert_string_not_equal(a, b);
}

/* Pre-forked workers share the parent's address layout and everything it
 * had computed; each still names itself apart. */
static void test_forked_child_names_itself_apart(void **state)
{
	(void)state;
	char parent[RD_OWNER_MAX], child[RD_OWNER_MAX] = "";
	rrd__rd_lock_owner(parent, sizeof parent); /* used before the fork */
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char mine[RD_OWNER_MAX];
		rrd__rd_lock_owner(mine, sizeof mine);
		ssize_t w = write(fd[1], mine, strlen(mine) + 1);
		_exit(w == (ssize_t)(strlen(mine) + 1) ? 0 : 1);
	}
	close(fd[1]);
	size_t got = 0;
	ssize_t r;
	while ((r = read(fd[0], child + got, sizeof child - 1 - got)) > 0)
		got += (size_t)r;
	close(fd[0]);
	child[got] = '\0';
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	rrd__rd_lock_owner(parent, sizeof parent); /* the same serial as the child's */
	assert_string_not_equal(parent, child);
	owner_parts pp = parts_of(parent), pc = parts_of(child);
	char child_pid[32];
	snprintf(child_pid, sizeof child_pid, "%ld", (long)pid);
	assert_string_equal(pc.pid, child_pid);
	assert_string_not_equal(pp.token, pc.token);
	assert_string_equal(pp.serial, pc.serial);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner_names_host_process_token_and_call),
		cmocka_unit_test(test_forked_child_names_itself_apart),
	};
	return cmocka_run_group_tests_name("lock", tests, NULL, NULL);
}
