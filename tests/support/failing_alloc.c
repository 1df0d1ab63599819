#include "failing_alloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rrdist/common.h"

static int refuse(failing_alloc *c)
{
	if (++c->requests == c->fail_at) {
		c->failures++;
		return 1;
	}
	return 0;
}

static void *c_malloc(size_t size, void *user)
{
	failing_alloc *c = user;
	if (refuse(c))
		return NULL;
	void *p = malloc(size);
	if (p)
		c->live++;
	return p;
}

static void *c_realloc(void *ptr, size_t size, void *user)
{
	failing_alloc *c = user;
	if (refuse(c))
		return NULL;
	void *p = realloc(ptr, size);
	if (p && !ptr)
		c->live++;
	return p;
}

static void c_free(void *ptr, void *user)
{
	failing_alloc *c = user;
	if (ptr) {
		c->live--;
		free(ptr);
	}
}

void failing_alloc_install(failing_alloc *c, long fail_at)
{
	memset(c, 0, sizeof *c);
	c->fail_at = fail_at;
	rrd_allocator a = { RRD_ALLOCATOR_VERSION, c_malloc, c_realloc, c_free, c };
	assert_int_equal(rrd_set_allocator(&a), RRD_OK);
}

void failing_alloc_remove(void)
{
	assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
}
