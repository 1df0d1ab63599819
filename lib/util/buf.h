/* A growable byte buffer, for encoding values and building text. */
#ifndef RRD_UTIL_BUF_H
#define RRD_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/bytes.h"

typedef struct rrd_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	int failed; /* an append ran out of memory; later appends do nothing */
} rrd_buf;

void rrd__buf_put(rrd_buf *b, const void *p, size_t n);
/* Room for n more bytes at b->data + b->len, for a caller that writes
 * them itself and then adds what it wrote to b->len; NULL when out of
 * memory (b->failed is then set). Inline, as text writers call it for
 * every field. */
unsigned char *rrd__buf_room_slow(rrd_buf *b, size_t n);
static inline unsigned char *rrd__buf_room(rrd_buf *b, size_t n)
{
	return !b->failed && b->cap - b->len >= n ? b->data + b->len : rrd__buf_room_slow(b, n);
}
/* The small writers are inline: a record's encoding is a dozen of them,
 * on every write of every routed record. */
static inline void rrd__buf_u8(rrd_buf *b, uint8_t v)
{
	unsigned char *to = rrd__buf_room(b, 1);
	if (to) {
		*to = v;
		b->len++;
	}
}
void rrd__buf_i64(rrd_buf *b, int64_t v);
/* Write v as the 8 little-endian bytes rrd__buf_i64 appends, at p. */
void rrd__put_i64(unsigned char *p, int64_t v);
void rrd__buf_f64(rrd_buf *b, double v);
/* A length-prefixed string; NULL is encoded apart from "". */
void rrd__buf_str(rrd_buf *b, const char *s);
/* Variable-length integers (7 bits a byte, low first), for compact forms:
 * an unsigned value, a signed one (zigzag, so small negatives stay
 * short), and bytes after their varint length. */
#define RRD_UVAR_MAX 10 /* the longest a varint takes */
/* Write v as a varint at p (room for RRD_UVAR_MAX); how many bytes. */
static inline size_t rrd__put_uvar(unsigned char *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}
static inline void rrd__buf_uvar(rrd_buf *b, uint64_t v)
{
	unsigned char *to = rrd__buf_room(b, RRD_UVAR_MAX);
	if (to)
		b->len += rrd__put_uvar(to, v);
}
static inline void rrd__buf_svar(rrd_buf *b, int64_t v)
{
	uint64_t u = (uint64_t)v;
	rrd__buf_uvar(b, (u << 1) ^ (v < 0 ? ~(uint64_t)0 : 0));
}
static inline void rrd__buf_bytes(rrd_buf *b, const char *s, size_t n)
{
	/* One reservation for the length and the bytes. */
	unsigned char *to = rrd__buf_room(b, RRD_UVAR_MAX + n);
	if (!to)
		return;
	size_t k = rrd__put_uvar(to, n);
	rrd__copy_short(to + k, s, n);
	b->len += k + n;
}
void rrd__buf_free(rrd_buf *b);

/* Reading what the rrd__buf_* writers wrote, bounds-checked. */
typedef struct rrd_reader {
	const unsigned char *p;
	size_t left;
	int failed; /* read past the end or malformed */
} rrd_reader;

/* The small readers are inline, as the writers are: a record's decoding
 * is a dozen of them, for every record a job moves. */
static inline uint8_t rrd__read_u8(rrd_reader *r)
{
	if (r->failed || r->left < 1) {
		r->failed = 1;
		return 0;
	}
	r->left--;
	return *r->p++;
}
int64_t rrd__read_i64(rrd_reader *r);
double rrd__read_f64(rrd_reader *r);
/* A fresh copy (rrd__malloc), or NULL for an encoded NULL. On failure sets
 * r->failed (or *nomem for out of memory) and returns NULL. */
char *rrd__read_str(rrd_reader *r, int *nomem);
uint64_t rrd__read_uvar_slow(rrd_reader *r);
/* Most varints take a byte: read inline. */
static inline uint64_t rrd__read_uvar(rrd_reader *r)
{
	if (!r->failed && r->left && r->p[0] < 0x80) {
		r->left--;
		return *r->p++;
	}
	return rrd__read_uvar_slow(r);
}
static inline int64_t rrd__read_svar(rrd_reader *r)
{
	uint64_t u = rrd__read_uvar(r);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}
/* What rrd__buf_bytes wrote: a pointer into the input and its length. */
const char *rrd__read_bytes(rrd_reader *r, size_t *n);

#endif
