#include "strategy/kinetic.h"

#include <string.h>

#include "util/alloc.h"

#define NEVER INT64_MAX

int64_t rrd__kinetic_value(const rrd_kinetic *k, size_t i, int64_t t)
{
	return k->slope[i] * t + k->icpt[i];
}

/* floor(a / b) for b > 0; C division truncates toward zero. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Winner of node v from its children's at k->now, and when that may
 * change. The left child holds the lower indices, so it wins ties. */
static void play(rrd_kinetic *k, size_t v)
{
	uint32_t l = k->win[2 * v], r = k->win[2 * v + 1];
	int64_t until = NEVER;
	if (l == RRD_KINETIC_NONE || r == RRD_KINETIC_NONE) {
		k->win[v] = l == RRD_KINETIC_NONE ? r : l;
	} else {
		int64_t sl = k->slope[l], sr = k->slope[r];
		int64_t bl = k->icpt[l], br = k->icpt[r];
		if (sl * k->now + bl >= sr * k->now + br) {
			k->win[v] = l;
			/* r overtakes l at the first t with (sr - sl) t > bl - br. */
			if (sr > sl)
				until = floor_div(bl - br, sr - sl) + 1;
		} else {
			k->win[v] = r;
			/* l catches r (and wins the tie) at the first t with
			 * (sl - sr) t >= br - bl. */
			if (sl > sr)
				until = -floor_div(bl - br, sl - sr);
		}
	}
	int64_t below = k->melt[2 * v] < k->melt[2 * v + 1] ? k->melt[2 * v] : k->melt[2 * v + 1];
	k->melt[v] = until < below ? until : below;
}

int rrd__kinetic_build(rrd_kinetic *k, const int64_t *slope, const int64_t *icpt, size_t n,
		       int64_t now)
{
	size_t size = 1;
	while (size < n)
		size *= 2;
	rrd_kinetic f = { .n = n, .size = size, .now = now };
	f.slope = rrd__malloc(size * sizeof *f.slope);
	f.icpt = rrd__malloc(size * sizeof *f.icpt);
	f.win = rrd__malloc(2 * size * sizeof *f.win);
	f.melt = rrd__malloc(2 * size * sizeof *f.melt);
	if (!f.slope || !f.icpt || !f.win || !f.melt) {
		rrd__kinetic_free(&f);
		return -1;
	}
	for (size_t i = 0; i < size; i++) {
		f.slope[i] = i < n ? slope[i] : 1;
		f.icpt[i] = i < n ? icpt[i] : 0;
		f.win[size + i] = i < n ? (uint32_t)i : RRD_KINETIC_NONE;
		f.melt[size + i] = NEVER;
	}
	for (size_t v = size - 1; v >= 1; v--)
		play(&f, v);
	rrd__kinetic_free(k);
	*k = f;
	return 0;
}

static void refresh(rrd_kinetic *k, size_t v)
{
	if (v >= k->size || k->melt[v] > k->now)
		return;
	refresh(k, 2 * v);
	refresh(k, 2 * v + 1);
	play(k, v);
}

void rrd__kinetic_advance(rrd_kinetic *k, int64_t now)
{
	if (now <= k->now)
		return;
	k->now = now;
	refresh(k, 1);
}

static void replay_path(rrd_kinetic *k, size_t i)
{
	for (size_t v = (k->size + i) / 2; v >= 1; v /= 2)
		play(k, v);
}

void rrd__kinetic_set(rrd_kinetic *k, size_t i, int64_t icpt)
{
	k->icpt[i] = icpt;
	replay_path(k, i);
}

void rrd__kinetic_leave_out(rrd_kinetic *k, size_t i, int off)
{
	k->win[k->size + i] = off ? RRD_KINETIC_NONE : (uint32_t)i;
	replay_path(k, i);
}

size_t rrd__kinetic_top(const rrd_kinetic *k)
{
	if (!k->n)
		return 0;
	uint32_t w = k->win[1]; /* the root; with one line, its leaf */
	return w == RRD_KINETIC_NONE ? k->n : w;
}

void rrd__kinetic_free(rrd_kinetic *k)
{
	rrd__free(k->slope);
	rrd__free(k->icpt);
	rrd__free(k->win);
	rrd__free(k->melt);
	memset(k, 0, sizeof *k);
}
