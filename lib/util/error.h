/*
 * The per-thread last error behind rrd_error_last(). Failing paths call
 * rrd__fail() once, where the cause is known, and return what it returns.
 */
#ifndef RRD_UTIL_ERROR_H
#define RRD_UTIL_ERROR_H

#include "rrdist/common.h"

#if defined(__GNUC__)
#  define RRD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define RRD_PRINTF(a, b)

#endif

/*
 * Record `status` and a formatted message for this thread; returns status.
 *
 * Messages quote their input as it is (`unknown kind "%s"`), and input may
 * hold anything, so every message is kept escaped here, where no caller
 * can forget it: control characters as JSON writes them (\n, \r, \t, \b,
 * \f, else \u001b), DEL and the C1 controls U+0080 to U+009F as \u007f
 * to \u009f, and each byte that is not part of UTF-8 as \xff. Printing
 * rrd_error_last() then cannot act on a terminal (erase a line, forge
 * another). Backslashes and quotes are kept as they are, so escaping a
 * kept message again changes nothing. Arguments may point into the
 * message being replaced (rrd_error_last()).
 */
rrd_status rrd__fail(rrd_status status, const char *fmt, ...) RRD_PRINTF(2, 3);

/* Put a formatted prefix before this thread's last message and record
 * `status`, for a caller that names where the failure it passes on
 * happened ("$.rules[2]: " + the callee's message). The message is cut at
 * its end when the two do not fit. The arguments must not point into the
 * message. */
rrd_status rrd__fail_prefix(rrd_status status, const char *fmt, ...) RRD_PRINTF(2, 3);

/* Out of memory: records a fixed message without allocating. */
rrd_status rrd__nomem(void);

/* The last error, kept across cleanup that may record its own (a
 * rollback, a lock release), so the caller reports the first cause. */
typedef struct rrd_error_saved {
	rrd_status status;
	char message[512];
} rrd_error_saved;
void rrd__error_save(rrd_error_saved *e);
/* Record the saved error again; returns its status. */
rrd_status rrd__error_restore(const rrd_error_saved *e);

/*
 * A public call that succeeds leaves the last error as it was, even when
 * it met failures on its way that it got past (a calendar that cannot
 * answer, a drain left for later). Such a call runs between
 * rrd__error_keep() and rrd__error_kept(), which puts the message back
 * when the call succeeds. Nothing is copied unless something fails in
 * between, so the hot paths pay two counter updates, inline: every call
 * on a distributor makes them. Calls nest: the outermost decides.
 */
typedef struct rrd_error_keeping {
	unsigned depth; /* how deep inside calls that keep the error */
	int kept;       /* the error from before the outermost was saved */
} rrd_error_keeping;
extern _Thread_local rrd_error_keeping rrd__keeping;

static inline void rrd__error_keep(void)
{
	if (!rrd__keeping.depth++)
		rrd__keeping.kept = 0;
}

/* Puts back the saved error when `rc` is RRD_OK; returns `rc`. */
rrd_status rrd__error_put_back(rrd_status rc);

/* Ends what rrd__error_keep began; returns `rc`. */
static inline rrd_status rrd__error_kept(rrd_status rc)
{
	if (--rrd__keeping.depth || !rrd__keeping.kept)
		return rc;
	return rrd__error_put_back(rc);
}

#endif
