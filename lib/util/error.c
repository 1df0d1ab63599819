#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/id.h"

/* A fixed buffer per thread: recording an error must never allocate,
 * since running out of memory is one of the errors it records. */
static _Thread_local char last_message[512];
static _Thread_local rrd_status last_status = RRD_OK;

/* Inside calls that keep the error: how deep, and the error from before
 * the outermost one, once something failed. */
_Thread_local rrd_error_keeping rrd__keeping;
static _Thread_local char kept_message[sizeof last_message];
static _Thread_local rrd_status kept_status;

/* Before the last error changes. */
static void keep_first(void)
{
	if (rrd__keeping.depth && !rrd__keeping.kept) {
		memcpy(kept_message, last_message, sizeof kept_message);
		kept_status = last_status;
		rrd__keeping.kept = 1;
	}
}

/* How long the UTF-8 sequence that lead byte c begins is, or 0. */
static size_t sequence_length(unsigned char c)
{
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 0;
}

/* The escape for control character cp (C0, DEL or C1) into esc. */
static size_t control_escape(char *esc, unsigned cp)
{
	static const char short_form[] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n',
					   ['\f'] = 'f', ['\r'] = 'r' };
	if (cp < sizeof short_form && short_form[cp]) {
		esc[0] = '\\';
		esc[1] = short_form[cp];
		return 2;
	}
	return (size_t)snprintf(esc, 8, "\\u%04x", cp);
}

/* Write `raw` into dst (cap bytes, cap > 0) escaped as rrd__fail says,
 * cut at a whole character or escape when it does not fit; the length. */
static size_t escape_into(char *dst, size_t cap, const char *raw)
{
	const unsigned char *p = (const unsigned char *)raw;
	size_t n = 0;
	while (*p) {
		char esc[8];
		const void *piece = p;
		size_t w = 1, step = 1;
		if (*p < 0x20 || *p == 0x7F) {
			piece = esc;
			w = control_escape(esc, *p);
		} else if (*p >= 0x80) {
			size_t len = sequence_length(*p), have = 1;
			while (have < len && p[have])
				have++;
			if (len && have == len && rrd__utf8_valid(p, len)) {
				w = step = len;
				if (p[0] == 0xC2 && p[1] <= 0x9F) { /* U+0080 to U+009F */
					piece = esc;
					w = control_escape(esc, p[1]);
				}
			} else {
				piece = esc;
				w = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
			}
		}
		if (n + w >= cap)
			break;
		memcpy(dst + n, piece, w);
		n += w;
		p += step;
	}
	dst[n] = '\0';
	return n;
}

rrd_status rrd__fail(rrd_status status, const char *fmt, ...)
{
	keep_first();
	/* Formatted apart first: an argument may be rrd_error_last() itself. */
	char raw[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	escape_into(last_message, sizeof last_message, raw);
	last_status = status;
	return status;
}

rrd_status rrd__fail_prefix(rrd_status status, const char *fmt, ...)
{
	keep_first();
	/* Formatted apart and then moved in: the message cannot be an
	 * argument of its own formatting. The prefix quotes input (paths,
	 * ids) as any message does, so it is escaped the same way. */
	char raw[sizeof last_message], prefix[sizeof last_message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	size_t p = escape_into(prefix, sizeof prefix, raw);
	size_t m = strlen(last_message);
	if (m > sizeof last_message - 1 - p)
		m = sizeof last_message - 1 - p;
	memmove(last_message + p, last_message, m);
	memcpy(last_message, prefix, p);
	last_message[p + m] = '\0';
	last_status = status;
	return status;
}

rrd_status rrd__nomem(void)
{
	return rrd__fail(RRD_E_NOMEM, "out of memory");
}

void rrd__error_save(rrd_error_saved *e)
{
	e->status = last_status;
	snprintf(e->message, sizeof e->message, "%s", last_message);
}

rrd_status rrd__error_restore(const rrd_error_saved *e)
{
	return rrd__fail(e->status, "%s", e->message);
}

rrd_status rrd__error_put_back(rrd_status rc)
{
	rrd__keeping.kept = 0;
	if (rc == RRD_OK) {
		memcpy(last_message, kept_message, sizeof last_message);
		last_status = kept_status;
	}
	return rc;
}

RRD_API const char *rrd_error_last(void)
{
	return last_message;
}

RRD_API rrd_status rrd_error_last_status(void)
{
	return last_status;
}

RRD_API void rrd_error_clear(void)
{
	keep_first();
	last_message[0] = '\0';
	last_status = RRD_OK;
}
