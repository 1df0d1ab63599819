#include "util/id.h"

#include <stdint.h>
#include <string.h>

#include "util/bytes.h"
#include "util/error.h"

int rrd__utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		unsigned int cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* Overlong forms and surrogates are not UTF-8. */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

/* C1 controls are U+0080..U+009F: 0xC2 then 0x80..0x9F in UTF-8. */
static int c1_at(const unsigned char *p)
{
	return p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
}

rrd_status rrd__id_check(const char *id, const char *what)
{
	return rrd__id_check_as(id, what, RRD_ID_INPUT);
}

/* Whether a word's bytes are all printable ASCII (0x20..0x7E): none
 * below 0x20 (the bytes less 0x20 borrow into their top bit), none with
 * its top bit, none 0x7F. */
static int word_printable(uint64_t w)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), tops = UINT64_C(0x8080808080808080);
	uint64_t below = (w - 0x20 * ones) & ~w & tops;
	return !(below | (w & tops)) && !rrd__word_has_zero(w ^ 0x7F * ones);
}

/* Whether the n bytes at s (n >= 8) are all printable ASCII, a word at
 * a time: most ids are, and need no look byte by byte. */
static int printable(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i + 8 < n; i += 8)
		if (!word_printable(rrd__load8(s + i)))
			return 0;
	return word_printable(rrd__load8(s + n - 8));
}

/* What is wrong with the n bytes of `id` under `rule`, if anything. */
enum id_flaw { ID_FINE, ID_EMPTY, ID_LONG, ID_CONTROL, ID_NOT_UTF8 };

static enum id_flaw id_flaw(const char *id, size_t n, rrd_id_rule rule)
{
	if (n == 0)
		return ID_EMPTY;
	if (n > RRD_ID_MAX)
		return ID_LONG;
	if (n >= 8 && printable((const unsigned char *)id, n))
		return ID_FINE;
	/* Most ids are ASCII: the UTF-8 pass is for those that are not. */
	unsigned char high = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c < 0x20 || c == 0x7F ||
		    (rule == RRD_ID_INPUT && i + 1 < n && c1_at((const unsigned char *)id + i)))
			return ID_CONTROL;
		high |= c;
	}
	if ((high & 0x80) && !rrd__utf8_valid((const unsigned char *)id, n))
		return ID_NOT_UTF8;
	return ID_FINE;
}

int rrd__id_valid(const char *id, size_t n, rrd_id_rule rule)
{
	return id_flaw(id, n, rule) == ID_FINE;
}

rrd_status rrd__id_check_as(const char *id, const char *what, rrd_id_rule rule)
{
	if (!id)
		return rrd__fail(RRD_E_INVALID, "%s must not be NULL", what);
	return rrd__id_check_bytes(id, strlen(id), what, rule);
}

rrd_status rrd__id_check_bytes(const char *id, size_t n, const char *what, rrd_id_rule rule)
{
	switch (id_flaw(id, n, rule)) {
	case ID_FINE:
		return RRD_OK;
	case ID_EMPTY:
		return rrd__fail(RRD_E_INVALID, "%s must not be empty", what);
	case ID_LONG:
		return rrd__fail(RRD_E_INVALID, "%s is %zu bytes long; at most %d are allowed",
				 what, n, RRD_ID_MAX);
	case ID_CONTROL:
		return rrd__fail(RRD_E_INVALID, "%s contains a control character", what);
	case ID_NOT_UTF8:
	default:
		return rrd__fail(RRD_E_INVALID, "%s is not valid UTF-8", what);
	}
}

rrd_status rrd__text_check(const char *text, const char *what)
{
	if (!rrd__utf8_valid((const unsigned char *)text, strlen(text)))
		return rrd__fail(RRD_E_INVALID, "%s is not valid UTF-8", what);
	return RRD_OK;
}
