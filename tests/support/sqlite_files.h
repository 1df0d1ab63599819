/* Fresh SQLite store files for tests, in a folder of their own that is
 * removed, with everything in it, when the test program ends. */
#ifndef RRD_TEST_SQLITE_FILES_H
#define RRD_TEST_SQLITE_FILES_H

#include "rrdist.h"

/* The folder (made on first use). */
const char *sqlite_test_dir(void);
/* A path in it that names no file yet, ending in `name`; the text lives
 * until the next call. */
const char *sqlite_test_path(const char *name);
/* A store on a fresh file, with the default options. */
rrd_store *sqlite_test_store(void);

#endif
