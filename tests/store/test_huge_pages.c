/*
 * Large blocks (a big store's tables and chunks) are aligned on huge pages
 * and offered whole to the kernel's transparent huge pages, when the
 * library's own allocator gives them, and only then. The kernel's answer
 * is read back from the mapping's flags in /proc/self/smaps ("hg":
 * advised huge).
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
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

/* Allocate n bytes as a large block (cleared or not), use them whole,
 * and tell whether the block is advised huge from its first byte to its
 * last, on huge-page boundaries; 0 when it is not advised at all. */
static int huge_block(size_t n, int cleared)
{
	unsigned char *p = cleared ? rrd__calloc_large(n, 1) : rrd__malloc_large(n);
	assert_non_null(p);
	if (cleared)
		for (size_t i = 0; i < n; i += 4096)
			assert_int_equal(p[i], 0);
	memset(p, 0x5a, n);
	assert_int_equal(p[n - 1], 0x5a);
	int first = advised_huge(p), last = advised_huge(p + n - 1);
	int aligned = (uintptr_t)p % ((uintptr_t)2 << 20) == 0;
	rrd__free(p);
	if (!first && !last)
		return 0;
	assert_true(first && last && aligned);
	return 1;
}

static void test_a_large_block_is_offered_huge_pages(void **state)
{
	(void)state;
	assert_int_equal(huge_block(8u << 20, 0), kernel_has_huge_pages());
	assert_int_equal(huge_block((2u << 20) + 100, 1), kernel_has_huge_pages());
}

static void test_a_small_block_is_left_alone(void **state)
{
	(void)state;
	assert_false(huge_block((2u << 20) - 1, 0));
	assert_false(huge_block(1u << 20, 1));
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
	assert_false(huge_block(8u << 20, 0));
	assert_false(huge_block(8u << 20, 1));
	assert_int_equal(rrd_set_allocator(NULL), RRD_OK);
}

int main(void)
{
#ifdef M_MMAP_THRESHOLD
	/* Every block of 1 MiB or more in a mapping of its own: otherwise the
	 * C library may carve one from memory a freed block left advised,
	 * and what the flags say would be that block's doing. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_large_block_is_offered_huge_pages),
		cmocka_unit_test(test_a_small_block_is_left_alone),
		cmocka_unit_test(test_a_hosts_allocator_is_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
