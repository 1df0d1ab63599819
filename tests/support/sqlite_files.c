#include "sqlite_files.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static char dir[256];
static unsigned made;

/* Remove what the tests left in the folder (store files, a directory
 * made to be refused), then the folder. */
static void remove_dir(void)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[512];
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (unlink(path) != 0)
				rmdir(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

const char *sqlite_test_dir(void)
{
	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/rrdist-sqlite-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		assert_non_null(mkdtemp(dir));
		atexit(remove_dir);
	}
	return dir;
}

const char *sqlite_test_path(const char *name)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%u-%s", sqlite_test_dir(), made++, name);
	return path;
}

rrd_store *sqlite_test_store(void)
{
	rrd_store *st = NULL;
	rrd_status rc = rrd_store_sqlite_open(&st, sqlite_test_path("store.db"), NULL);
	if (rc)
		fail_msg("rrd_store_sqlite_open: %s", rrd_error_last());
	return st;
}
