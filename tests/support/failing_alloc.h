/* An allocator for tests that refuses the Nth request and counts the
 * blocks still live, so a test can fail each allocation in turn and
 * check that nothing leaks. */
#ifndef RRD_TEST_FAILING_ALLOC_H
#define RRD_TEST_FAILING_ALLOC_H

typedef struct failing_alloc {
	long requests; /* allocation requests so far */
	long fail_at;  /* the request to refuse; 0: never */
	long live;     /* blocks handed out and not yet freed */
	long failures; /* requests refused */
} failing_alloc;

/* Reset the counters, arm request `fail_at` and install the allocator
 * (asserting that the library took it). */
void failing_alloc_install(failing_alloc *c, long fail_at);
/* Put the C library's allocator back. */
void failing_alloc_remove(void);

#endif
