/*
 * Large blocks (a big store's tables and chunks) are offered to the
 * kernel's transparent huge pages, when the library's own allocator gave
 * them, and only then. The kernel's answer is read back from the mapping's
 * flags in /proc/self/smaps ("hg": advised huge).
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rrdist.h"
#include "util/alloc.h"

/* Whether the kernel takes huge-page advice at all. */
static int kernel_has_huge_pages(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

/* Whether the mapping holding `addr` is advised huge. */
static int advised_huge(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	char line[512];
	int inside = 0, found = 0, huge = 0;
	uintptr_t a = (uintptr_t)addr;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = a >= lo && a < hi;
			found |= inside;
		} else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			huge = strstr(line, " hg") != NULL;
		}
	}
	fclose(f);
	assert_true(found);
	return huge;
}

/* Allocate n bytes, advise them, use them whole (advice or not, the block
 * is the caller's), and tell whether the block is advised huge. */
static int advise_block(size_t n)
{
	unsigned char *p = rrd__malloc(n);
	assert_non_null(p);
	rrd__alloc_large(p, n);
	memset(p, 0x5a, n);
	assert_int_equal(p[n - 1], 0x5a);
	/* A whole huge page inside the block when there is one, else the
	 * block's middle: always an address of the block. */
	uintptr_t huge = (uintptr_t)2 << 20, at = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	if (at + huge > (uintptr_t)p + n)
		at = (uintptr_t)p + n / 2;
	int advised = advised_huge((void *)at);
	rrd__free(p);
	return advised;
}

static void test_a_large_block_is_offered_huge_pages(void **state)
{
	(void)state;
	assert_int_equal(advise_block(8u << 20), kernel_has_huge_pages());
}

static void test_a_small_block_is_left_alone(void **state)
{
	(void)state;
	assert_false(advise_block(3u << 20));
}

static void *host_malloc(size_t n, void *user)
{
	(void)user;
	return malloc(n);
}

static void *host_realloc(void *p, size_t n, void *user)
{
	(void)user;
	return realloc(p, n);
}

static void host_free(void *p, void *user)
{
	(void)user;
	free(p);
}

static void test_a_hosts_allocator_is_left_alone(void **state)
{
	(void)state;
	rrd_allocator host = { RRD_ALLOCATOR_VERSION, host_malloc, host_realloc, host_free, NULL };
	assert_int_equal(rrd_set_allocator(&host), RRD_OK);
	assert_false(advise_block(8u << 20));
	assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_large_block_is_offered_huge_pages),
		cmocka_unit_test(test_a_small_block_is_left_alone),
		cmocka_unit_test(test_a_hosts_allocator_is_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
