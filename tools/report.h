/*
 * rrdist: the HTML report of a simulation (`rrdist simulate --report`).
 *
 * It reads the same JSONL lines that go to stdout, so it shows exactly what
 * a consumer of the output would see and nothing the output does not say.
 */
#ifndef RRDIST_TOOLS_REPORT_H
#define RRDIST_TOOLS_REPORT_H

#include <stddef.h>

typedef struct report report;

/** NULL when out of memory. */
report *report_new(void);

/** One output line (`len` bytes of JSON, ending in '\n'). */
void report_line(report *r, const char *line, size_t len);

/**
 * Write the report to `path`; `title` names the scenario.
 * @return NULL, or why it could not be written.
 */
const char *report_write(report *r, const char *path, const char *title);

void report_free(report *r);

#endif
