#include "sim/flat.h"

#include <string.h>

#include "sim/plain.h"

typedef struct reader {
	const char *p, *end;
	char *out, *out_end;
} reader;

static void blanks(reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

/* A string at r->p, copied into the text room; NULL when it is not one
 * the reader takes (an escape, a control byte, too long, unterminated). */
static char *string(reader *r)
{
	if (r->p == r->end || *r->p != '"')
		return NULL;
	const char *s = ++r->p;
	while (r->p < r->end && !rrd__json_stop[(unsigned char)*r->p])
		r->p++;
	size_t n = (size_t)(r->p - s);
	if (r->p == r->end || *r->p != '"' || (size_t)(r->out_end - r->out) <= n)
		return NULL;
	r->p++;
	char *copy = r->out;
	memcpy(copy, s, n);
	copy[n] = '\0';
	r->out += n + 1;
	return copy;
}

static int word(reader *r, const char *w, size_t n)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return 0;
	r->p += n;
	return 1;
}

/* The value at r->p into `item`: 0 when the reader does not take it. */
static int value(reader *r, cJSON *item)
{
	if (r->p == r->end)
		return 0;
	switch (*r->p) {
	case '"':
		item->type = cJSON_String;
		return (item->valuestring = string(r)) != NULL;
	case 't':
		item->type = cJSON_True;
		item->valueint = 1;
		return word(r, "true", 4);
	case 'f':
		item->type = cJSON_False;
		return word(r, "false", 5);
	case 'n':
		item->type = cJSON_NULL;
		return word(r, "null", 4);
	default:
		return 0;
	}
}

const cJSON *rrd__flat_parse(rrd_flat *f, const char *text, size_t len)
{
	reader r = { text, text + len, f->text, f->text + sizeof f->text };
	memset(&f->root, 0, sizeof f->root);
	f->root.type = cJSON_Object;
	if (!len || *r.p != '{')
		return NULL;
	r.p++;
	blanks(&r);
	size_t n = 0;
	if (r.p < r.end && *r.p == '}') {
		r.p++;
		return r.p == r.end ? &f->root : NULL;
	}
	for (;;) {
		if (n == RRD_FLAT_MEMBERS)
			return NULL;
		cJSON *m = &f->members[n];
		memset(m, 0, sizeof *m);
		if (!(m->string = string(&r)))
			return NULL;
		blanks(&r);
		if (r.p == r.end || *r.p++ != ':')
			return NULL;
		blanks(&r);
		if (!value(&r, m))
			return NULL;
		/* As cJSON links them: each to the next and the one before, and
		 * the first's prev to the last. */
		if (n) {
			f->members[n - 1].next = m;
			m->prev = &f->members[n - 1];
		}
		n++;
		blanks(&r);
		if (r.p == r.end)
			return NULL;
		if (*r.p == '}')
			break;
		if (*r.p++ != ',')
			return NULL;
		blanks(&r);
	}
	if (++r.p != r.end)
		return NULL;
	f->root.child = &f->members[0];
	f->members[0].prev = &f->members[n - 1];
	return &f->root;
}
