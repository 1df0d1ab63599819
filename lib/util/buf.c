#include "util/buf.h"

#include <string.h>

#include "util/alloc.h"

void rrd__buf_put(rrd_buf *b, const void *p, size_t n)
{
	unsigned char *to = rrd__buf_room(b, n);
	if (!to)
		return;
	memcpy(to, p, n);
	b->len += n;
}

unsigned char *rrd__buf_room_slow(rrd_buf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (rrd__grow((void **)&b->data, &b->cap, b->len + n, 1)) {
		b->failed = 1;
		return NULL;
	}
	return b->data + b->len;
}

void rrd__put_i64(unsigned char *p, int64_t v)
{
	/* Little-endian whatever the host, so stored values move between machines. */
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(u >> (8 * i));
}

void rrd__buf_i64(rrd_buf *b, int64_t v)
{
	unsigned char out[8];
	rrd__put_i64(out, v);
	rrd__buf_put(b, out, 8);
}

void rrd__buf_f64(rrd_buf *b, double v)
{
	int64_t bits;
	memcpy(&bits, &v, sizeof bits);
	rrd__buf_i64(b, bits);
}

void rrd__buf_str(rrd_buf *b, const char *s)
{
	if (!s) {
		rrd__buf_i64(b, -1);
		return;
	}
	size_t n = strlen(s);
	rrd__buf_i64(b, (int64_t)n);
	rrd__buf_put(b, s, n);
}

void rrd__buf_free(rrd_buf *b)
{
	rrd__free(b->data);
	memset(b, 0, sizeof *b);
}

int64_t rrd__read_i64(rrd_reader *r)
{
	if (r->failed || r->left < 8) {
		r->failed = 1;
		return 0;
	}
	uint64_t u = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&u, r->p, 8); /* the stored order already */
#else
	for (int i = 0; i < 8; i++)
		u |= (uint64_t)r->p[i] << (8 * i);
#endif
	r->p += 8;
	r->left -= 8;
	return (int64_t)u;
}

double rrd__read_f64(rrd_reader *r)
{
	int64_t bits = rrd__read_i64(r);
	double v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

char *rrd__read_str(rrd_reader *r, int *nomem)
{
	int64_t n = rrd__read_i64(r);
	if (r->failed || n == -1)
		return NULL;
	if (n < 0 || (uint64_t)n > r->left) {
		r->failed = 1;
		return NULL;
	}
	char *s = rrd__strndup((const char *)r->p, (size_t)n);
	if (!s) {
		*nomem = 1;
		r->failed = 1;
		return NULL;
	}
	r->p += n;
	r->left -= (size_t)n;
	return s;
}

uint64_t rrd__read_uvar_slow(rrd_reader *r)
{
	/* With the longest a varint takes at hand, the bytes are read with
	 * no check each: times (six bytes) are read on every record. */
	if (!r->failed && r->left >= RRD_UVAR_MAX) {
		uint64_t v = 0;
		for (unsigned i = 0; i < RRD_UVAR_MAX - 1; i++) {
			unsigned char c = r->p[i];
			v |= (uint64_t)(c & 0x7f) << (7 * i);
			if (!(c & 0x80)) {
				r->p += i + 1;
				r->left -= i + 1;
				return v;
			}
		}
		/* The tenth byte carries one bit. */
		unsigned char c = r->p[RRD_UVAR_MAX - 1];
		if (c > 1) {
			r->failed = 1;
			return 0;
		}
		r->p += RRD_UVAR_MAX;
		r->left -= RRD_UVAR_MAX;
		return v | (uint64_t)c << 63;
	}
	uint64_t v = 0;
	for (unsigned shift = 0; !r->failed; shift += 7) {
		/* Ten bytes carry 64 bits; more, or bits past them, is malformed. */
		if (!r->left || shift > 63) {
			r->failed = 1;
			break;
		}
		unsigned char c = *r->p++;
		r->left--;
		if (shift == 63 && c > 1) {
			r->failed = 1;
			break;
		}
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	return 0;
}

const char *rrd__read_bytes(rrd_reader *r, size_t *n)
{
	uint64_t len = rrd__read_uvar(r);
	if (r->failed || len > r->left) {
		r->failed = 1;
		*n = 0;
		return NULL;
	}
	const char *p = (const char *)r->p;
	r->p += len;
	r->left -= (size_t)len;
	*n = (size_t)len;
	return p;
}
