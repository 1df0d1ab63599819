#include "config/json_text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config/json_read.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/id.h"

/* An object's keys are compared one by one up to this many; past it the
 * object gets a hash index, so that a hostile object of a million keys
 * costs a million lookups, not half a trillion comparisons. */
#define LINEAR_KEYS 16

/* A key's text between its quotes, as written (escapes and all). */
typedef struct key {
	size_t off, len;
	uint32_t hash; /* of the key unescaped */
	int escaped;
} key;

/* An object or array being read. */
typedef struct frame {
	unsigned char open; /* '{' or '[' */
	size_t count;       /* an array's elements before the current one */
	size_t first;       /* an object's keys are keys[first .. nkeys) */
	int has_key;        /* the current member's key is keys[nkeys - 1] */
	size_t *index;      /* many keys: slots of key numbers + 1 (0 is empty) */
	size_t index_cap;   /* a power of two, or 0 */
} frame;

typedef struct checker {
	const unsigned char *p;
	size_t len, i;
	frame *frames;
	size_t depth, frames_cap;
	key *keys;
	size_t nkeys, keys_cap;
	int in_key; /* reading a key: the path stops at its object */
} checker;

/* ---- Faults ----------------------------------------------------------- */

/* Line and column (from 1, in bytes) of byte `off`. */
static void line_col(const unsigned char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static void append(char *buf, size_t *n, const void *s, size_t len)
{
	if (len > RRD_PATH_MAX - 1 - *n)
		len = RRD_PATH_MAX - 1 - *n;
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
}

/* The JSON path of what is being read, keys as written. Paths longer
 * than the buffer are cut; they only label messages. */
static void path_of(const checker *c, char *buf)
{
	size_t n = 0;
	append(buf, &n, "$", 1);
	for (size_t d = 0; d < c->depth; d++) {
		const frame *f = &c->frames[d];
		if (f->open == '[') {
			char idx[32];
			int w = snprintf(idx, sizeof idx, "[%zu]", f->count);
			append(buf, &n, idx, (size_t)w);
		} else if (f->has_key && !(c->in_key && d == c->depth - 1)) {
			/* The innermost object's key is its last; an outer one's
			 * current key is the last it had when the next object
			 * opened, which no later key of the outer one can follow. */
			const key *k = &c->keys[d + 1 < c->depth ? c->frames[d + 1].first - 1 : c->nkeys - 1];
			append(buf, &n, ".", 1);
			append(buf, &n, c->p + k->off, k->len);
		}
	}
}

/* A fault of the text as a whole, at byte `off`. */
static rrd_status text_fault(const checker *c, size_t off, const char *what)
{
	size_t line, col;
	line_col(c->p, off, &line, &col);
	return rrd__fail(RRD_E_PARSE, "$: %s at line %zu, column %zu", what, line, col);
}

static rrd_status not_json(const checker *c, size_t off, const char *what)
{
	char msg[80];
	snprintf(msg, sizeof msg, "not JSON: %s", what);
	return text_fault(c, off, msg);
}

static rrd_status syntax_error(const checker *c, size_t off)
{
	return not_json(c, off, off < c->len ? "syntax error" : "the document ends early");
}

/* A fault of a value or key, at byte `off`: named by its path too. */
static rrd_status value_fault(const checker *c, size_t off, const char *what)
{
	char path[RRD_PATH_MAX];
	size_t line, col;
	path_of(c, path);
	line_col(c->p, off, &line, &col);
	return rrd__fail(RRD_E_PARSE, "%s: %s (line %zu, column %zu)", path, what, line, col);
}

/* ---- Strings ---------------------------------------------------------- */

static int hex_digit(unsigned char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
		return (h | 0x20) - 'a' + 10;
	return -1;
}

/* The four hex digits at p[at..], or -1 when they are not there. */
static long hex4(const unsigned char *p, size_t len, size_t at)
{
	if (at > len || len - at < 4)
		return -1;
	long v = 0;
	for (size_t k = 0; k < 4; k++) {
		int d = hex_digit(p[at + k]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Past the string whose opening quote is at c->i. *escaped: it holds a
 * backslash. */
static rrd_status scan_string(checker *c, int *escaped)
{
	const unsigned char *p = c->p;
	size_t len = c->len, i = c->i + 1;
	*escaped = 0;
	for (;;) {
		while (i < len && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
			i++;
		if (i >= len)
			return syntax_error(c, len);
		unsigned char ch = p[i];
		if (ch == '"') {
			c->i = i + 1;
			return RRD_OK;
		}
		if (ch == 0)
			return value_fault(c, i, "a string holds U+0000");
		if (ch < 0x20)
			return not_json(c, i, "a control character not escaped in a string");
		if (ch >= 0x80) {
			/* A run of bytes from 0x80 up is whole UTF-8 sequences, or
			 * is not UTF-8: no sequence has a byte under 0x80 inside. */
			size_t j = i;
			while (j < len && p[j] >= 0x80)
				j++;
			if (!rrd__utf8_valid(p + i, j - i))
				return not_json(c, i, "bytes that are not UTF-8");
			i = j;
			continue;
		}
		*escaped = 1;
		if (i + 1 >= len)
			return syntax_error(c, len);
		unsigned char e = p[i + 1];
		if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
		    e == 'r' || e == 't') {
			i += 2;
			continue;
		}
		long u = e == 'u' ? hex4(p, len, i + 2) : -1;
		if (u < 0)
			return syntax_error(c, i);
		if (u == 0)
			return value_fault(c, i, "a string holds U+0000");
		if (u >= 0xDC00 && u <= 0xDFFF)
			return syntax_error(c, i); /* a low surrogate first */
		if (u >= 0xD800 && u <= 0xDBFF) {
			long lo = i + 7 < len && p[i + 6] == '\\' && p[i + 7] == 'u' ? hex4(p, len, i + 8)
										: -1;
			if (lo < 0xDC00 || lo > 0xDFFF)
				return syntax_error(c, i); /* a high surrogate alone */
			i += 12;
		} else {
			i += 6;
		}
	}
}

/* Reads a string as cJSON stores it: escapes decoded, \u escapes (and
 * surrogate pairs) as UTF-8. Only for strings scan_string accepted. */
typedef struct unescaper {
	const unsigned char *p, *end;
	unsigned char pending[4];
	unsigned npending, next;
} unescaper;

static int unescaped_byte(unescaper *u)
{
	if (u->next < u->npending)
		return u->pending[u->next++];
	if (u->p == u->end)
		return -1;
	unsigned char ch = *u->p++;
	if (ch != '\\')
		return ch;
	ch = *u->p++;
	switch (ch) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'u': break;
	default: return ch; /* " \ / */
	}
	unsigned long cp = (unsigned long)hex4(u->p, 4, 0);
	u->p += 4;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		unsigned long lo = (unsigned long)hex4(u->p + 2, 4, 0);
		u->p += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (cp < 0x80) {
		u->pending[0] = (unsigned char)cp;
		u->npending = 1;
	} else if (cp < 0x800) {
		u->pending[0] = (unsigned char)(0xC0 | cp >> 6);
		u->pending[1] = (unsigned char)(0x80 | (cp & 0x3F));
		u->npending = 2;
	} else if (cp < 0x10000) {
		u->pending[0] = (unsigned char)(0xE0 | cp >> 12);
		u->pending[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u->pending[2] = (unsigned char)(0x80 | (cp & 0x3F));
		u->npending = 3;
	} else {
		u->pending[0] = (unsigned char)(0xF0 | cp >> 18);
		u->pending[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		u->pending[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u->pending[3] = (unsigned char)(0x80 | (cp & 0x3F));
		u->npending = 4;
	}
	u->next = 1;
	return u->pending[0];
}

static unescaper unescape(const checker *c, const key *k)
{
	return (unescaper){ c->p + k->off, c->p + k->off + k->len, { 0 }, 0, 0 };
}

/* ---- Keys ------------------------------------------------------------- */

static uint32_t key_hash(const checker *c, const key *k)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	if (!k->escaped) {
		for (size_t i = 0; i < k->len; i++)
			h = (h ^ c->p[k->off + i]) * 16777619u;
		return h;
	}
	unescaper u = unescape(c, k);
	for (int b; (b = unescaped_byte(&u)) >= 0;)
		h = (h ^ (uint32_t)b) * 16777619u;
	return h;
}

static int key_eq(const checker *c, const key *a, const key *b)
{
	if (a->hash != b->hash)
		return 0;
	if (!a->escaped && !b->escaped)
		return a->len == b->len && memcmp(c->p + a->off, c->p + b->off, a->len) == 0;
	unescaper x = unescape(c, a), y = unescape(c, b);
	int bx, by;
	do {
		bx = unescaped_byte(&x);
		by = unescaped_byte(&y);
	} while (bx == by && bx >= 0);
	return bx == by;
}

/* Put key number k (of f's keys) into f's index, which has room. */
static void index_put(const checker *c, frame *f, size_t k)
{
	size_t mask = f->index_cap - 1;
	for (size_t s = c->keys[f->first + k].hash & mask;; s = (s + 1) & mask) {
		if (!f->index[s]) {
			f->index[s] = k + 1;
			return;
		}
	}
}

/* The key just read, the last of keys[], is another of the object's:
 * 1 when an earlier key of the object is the same. */
static int key_repeats(const checker *c, frame *f)
{
	size_t n = c->nkeys - f->first - 1; /* the earlier keys */
	const key *k = &c->keys[c->nkeys - 1];
	if (!f->index_cap) {
		for (size_t j = 0; j < n; j++)
			if (key_eq(c, &c->keys[f->first + j], k))
				return 1;
		return 0;
	}
	size_t mask = f->index_cap - 1;
	for (size_t s = k->hash & mask; f->index[s]; s = (s + 1) & mask)
		if (key_eq(c, &c->keys[f->first + f->index[s] - 1], k))
			return 1;
	return 0;
}

/* Add the object's newest key to its index, once it has many keys: the
 * index is made, or made anew twice the size, when it would be more than
 * half full. */
static rrd_status index_key(checker *c, frame *f)
{
	size_t n = c->nkeys - f->first;
	if (n <= LINEAR_KEYS)
		return RRD_OK;
	if (n * 2 <= f->index_cap) {
		index_put(c, f, n - 1);
		return RRD_OK;
	}
	size_t cap = f->index_cap ? f->index_cap * 2 : 4 * LINEAR_KEYS;
	size_t *index = rrd__calloc(cap, sizeof *index);
	if (!index)
		return rrd__nomem();
	rrd__free(f->index);
	f->index = index;
	f->index_cap = cap;
	for (size_t k = 0; k < n; k++)
		index_put(c, f, k);
	return RRD_OK;
}

/* The key whose opening quote is at c->i: read, and refused when its
 * object has it already. */
static rrd_status read_key(checker *c)
{
	frame *f = &c->frames[c->depth - 1];
	size_t at = c->i;
	int escaped;
	c->in_key = 1;
	rrd_status rc = scan_string(c, &escaped);
	c->in_key = 0;
	if (rc)
		return rc;
	if (rrd__grow((void **)&c->keys, &c->keys_cap, c->nkeys + 1, sizeof *c->keys))
		return rrd__nomem();
	key *k = &c->keys[c->nkeys++];
	*k = (key){ at + 1, c->i - at - 2, 0, escaped };
	k->hash = key_hash(c, k);
	f->has_key = 1;
	if (key_repeats(c, f))
		return value_fault(c, at, "the object already has this key");
	return index_key(c, f);
}

/* ---- Values ----------------------------------------------------------- */

static int is_digit(const checker *c, size_t i)
{
	return i < c->len && c->p[i] >= '0' && c->p[i] <= '9';
}

static size_t digits(const checker *c, size_t i)
{
	while (is_digit(c, i))
		i++;
	return i;
}

static rrd_status scan_number(checker *c)
{
	size_t start = c->i, i = start;
	if (c->p[i] == '-')
		i++;
	if (!is_digit(c, i))
		return syntax_error(c, i);
	i = c->p[i] == '0' ? i + 1 : digits(c, i);
	if (i < c->len && c->p[i] == '.') {
		if (!is_digit(c, ++i))
			return syntax_error(c, i);
		i = digits(c, i);
	}
	if (i < c->len && (c->p[i] == 'e' || c->p[i] == 'E')) {
		i++;
		if (i < c->len && (c->p[i] == '+' || c->p[i] == '-'))
			i++;
		if (!is_digit(c, i))
			return syntax_error(c, i);
		i = digits(c, i);
	}
	if (i - start > RRD_JSON_NUMBER_MAX)
		return value_fault(c, start, "a number longer than 63 characters");
	c->i = i;
	return RRD_OK;
}

static rrd_status scan_word(checker *c, const char *word)
{
	size_t n = strlen(word);
	for (size_t k = 0; k < n; k++)
		if (c->i + k >= c->len || c->p[c->i + k] != (unsigned char)word[k])
			return syntax_error(c, c->i + k);
	c->i += n;
	return RRD_OK;
}

static void blanks(checker *c)
{
	while (c->i < c->len && (c->p[c->i] == ' ' || c->p[c->i] == '\t' || c->p[c->i] == '\n' ||
				 c->p[c->i] == '\r'))
		c->i++;
}

static rrd_status open_frame(checker *c, unsigned char open)
{
	if (c->depth == RRD_JSON_DEPTH_MAX)
		return text_fault(c, c->i, "nested deeper than 1000 levels");
	if (rrd__grow((void **)&c->frames, &c->frames_cap, c->depth + 1, sizeof *c->frames))
		return rrd__nomem();
	c->frames[c->depth++] = (frame){ open, 0, c->nkeys, 0, NULL, 0 };
	c->i++;
	return RRD_OK;
}

static void close_frame(checker *c)
{
	frame *f = &c->frames[--c->depth];
	c->nkeys = f->first;
	rrd__free(f->index);
}

/* A member's key and colon, the next thing being its opening quote. */
static rrd_status member_head(checker *c)
{
	if (c->i >= c->len || c->p[c->i] != '"')
		return syntax_error(c, c->i);
	rrd_status rc = read_key(c);
	if (rc)
		return rc;
	blanks(c);
	if (c->i >= c->len || c->p[c->i] != ':')
		return syntax_error(c, c->i);
	c->i++;
	blanks(c);
	return RRD_OK;
}

/* Where a value or a closing bracket may come: 1 when the bracket did,
 * closing its frame, so the caller goes on after a value. */
static rrd_status maybe_empty(checker *c, int *closed)
{
	blanks(c);
	unsigned char close = c->frames[c->depth - 1].open == '{' ? '}' : ']';
	*closed = c->i < c->len && c->p[c->i] == close;
	if (*closed) {
		c->i++;
		close_frame(c);
		return RRD_OK;
	}
	return close == '}' ? member_head(c) : RRD_OK;
}

/* After a value inside a frame: a comma and the next member or element
 * (*more), or the frame's closing bracket. */
static rrd_status after_value(checker *c, int *more)
{
	frame *f = &c->frames[c->depth - 1];
	unsigned char close = f->open == '{' ? '}' : ']';
	blanks(c);
	*more = 0;
	if (c->i < c->len && c->p[c->i] == close) {
		c->i++;
		close_frame(c);
		return RRD_OK;
	}
	if (c->i >= c->len || c->p[c->i] != ',')
		return syntax_error(c, c->i);
	c->i++;
	blanks(c);
	*more = 1;
	if (f->open == '[') {
		f->count++;
		return RRD_OK;
	}
	return member_head(c);
}

/* The value at c->i, with all it holds: by a loop over the frames, not
 * by recursion, so that nesting costs heap, not the caller's stack. */
static rrd_status scan_value(checker *c)
{
	size_t base = c->depth;
	for (;;) {
		rrd_status rc = RRD_OK;
		int escaped, done = 0;
		unsigned char ch = c->i < c->len ? c->p[c->i] : 0;
		if (c->i >= c->len)
			rc = syntax_error(c, c->len);
		else if (ch == '{' || ch == '[')
			rc = open_frame(c, ch);
		else if (ch == '"')
			rc = scan_string(c, &escaped);
		else if (ch == '-' || (ch >= '0' && ch <= '9'))
			rc = scan_number(c);
		else if (ch == 't')
			rc = scan_word(c, "true");
		else if (ch == 'f')
			rc = scan_word(c, "false");
		else if (ch == 'n')
			rc = scan_word(c, "null");
		else
			rc = syntax_error(c, c->i);
		if (!rc && (ch == '{' || ch == '['))
			rc = maybe_empty(c, &done);
		if (rc)
			return rc;
		if ((ch == '{' || ch == '[') && !done)
			continue; /* the first member or element */
		/* A value ended: close what it ends, until one goes on. */
		int more = 0;
		while (!more && c->depth > base)
			if ((rc = after_value(c, &more)))
				return rc;
		if (!more)
			return RRD_OK;
	}
}

rrd_status rrd__json_text_check(const char *text, size_t len)
{
	checker c = { (const unsigned char *)text, len, 0, NULL, 0, 0, NULL, 0, 0, 0 };
	/* cJSON skips a byte order mark only in a text of more than 4 bytes. */
	if (len > 4 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		c.i = 3;
	blanks(&c);
	rrd_status rc = scan_value(&c);
	if (!rc) {
		while (c.i < len && (c.p[c.i] == ' ' || c.p[c.i] == '\t' || c.p[c.i] == '\n' ||
				     c.p[c.i] == '\r' || c.p[c.i] == '\0'))
			c.i++;
		if (c.i < len)
			rc = not_json(&c, c.i, "text after the document");
	}
	while (c.depth)
		close_frame(&c);
	rrd__free(c.frames);
	rrd__free(c.keys);
	return rc;
}

rrd_status rrd__json_parse(const char *text, size_t len, cJSON **out)
{
	*out = NULL;
	rrd_status rc = rrd__json_text_check(text, len);
	if (rc)
		return rc;
	*out = cJSON_ParseWithLength(text, len);
	return *out ? RRD_OK : rrd__nomem();
}
