/*
 * What the harnesses share about the JSON text check that every document
 * reader runs before cJSON: the readers take a cJSON failure after it for
 * running out of memory, which holds only if cJSON parses whatever the
 * check accepts.
 */
#ifndef RRD_FUZZ_TEXT_CHECK_H
#define RRD_FUZZ_TEXT_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "config/json_text.h"

/* Abort unless cJSON parses what the check accepts, to the end but for
 * blanks and NULs, and the check refuses what cJSON refuses. */
static void text_check_agrees(const char *harness, const char *text, size_t size)
{
	rrd_status rc = rrd__json_text_check(text, size);
	const char *end = NULL;
	cJSON *c = cJSON_ParseWithLengthOpts(text, size, &end, 0);
	if (rc == RRD_OK) {
		int whole = c != NULL;
		for (const char *p = end; whole && p < text + size; p++)
			whole = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\0';
		if (!whole) {
			fprintf(stderr, "%s: the JSON text check accepts what cJSON %s\n", harness,
				c ? "does not read to the end" : "refuses");
			abort();
		}
	} else if (rc != RRD_E_PARSE && rc != RRD_E_NOMEM) {
		fprintf(stderr, "%s: the JSON text check says %s\n", harness, rrd_status_name(rc));
		abort();
	}
	cJSON_Delete(c);
}

#endif
