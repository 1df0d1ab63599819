/*
 * rrdist: the HTML report of a simulation.
 *
 * The page has no scripts and no external assets so that it can be mailed,
 * attached to a ticket or archived and still read the same. Nothing in it
 * depends on the clock or the machine: the same run gives the same bytes.
 */
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* A string set/map with owned keys; the tables are small or few, so open
 * addressing with linear probing is plenty. */
typedef struct strmap {
	char **keys;
	int *vals;
	size_t cap, len;
} strmap;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static int *strmap_get(const strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return NULL;
		if (strcmp(m->keys[i], key) == 0)
			return &m->vals[i];
	}
}

static int strmap_grow(strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	char **keys = calloc(cap, sizeof *keys);
	int *vals = calloc(cap, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = hash(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

/* The value slot of `key`, added with `value` when missing; NULL when out
 * of memory. */
static int *strmap_put(strmap *m, const char *key, int value)
{
	int *v = strmap_get(m, key);
	if (v)
		return v;
	if ((m->len + 1) * 2 > m->cap && strmap_grow(m) != 0)
		return NULL;
	char *copy = strdup(key);
	if (!copy)
		return NULL;
	size_t i = hash(key) & (m->cap - 1);
	while (m->keys[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = copy;
	m->vals[i] = value;
	m->len++;
	return &m->vals[i];
}

static void strmap_free(strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

/* Room for `need` items of `size` bytes in `p`; NULL (and `p` kept) when
 * out of memory. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

typedef struct agent_info {
	char *id;
	int assigned;      /* `assigned` events naming it */
	int summary_pos;   /* its place in the summary, -1 when not there */
	int open;          /* the summary's figure, -1 when not there */
} agent_info;

typedef struct pool_agent {
	int agent;
	int count;
} pool_agent;

typedef struct pool {
	char *id;
	pool_agent *agents; /* in the order the pool's events first named them */
	size_t n, cap;
	int assigned;
} pool;

typedef struct assignment {
	long long t;
	int agent;
} assignment;

typedef struct expiry {
	char at[32];
	char *lead;
	int agent;
} expiry;

typedef struct qpoint {
	long long t;
	int len;
} qpoint;

struct report {
	const char *fault; /* the first failure while reading lines */
	agent_info *agents;
	size_t nagents, agents_cap;
	strmap agent_ix;
	pool *pools;
	size_t npools, pools_cap;
	strmap pool_ix;
	assignment *asg;
	size_t nasg, asg_cap;
	expiry *exp;
	size_t nexp, exp_cap;
	qpoint *queue;
	size_t nqueue, queue_cap;
	strmap queued; /* lead -> 1 while it waits in the queue */
	int qlen, qpeak;
	long long qpeak_t;
	int have_time, have_summary;
	long long first_t, last_t, end_t;
	int lines, offers, errors, queued_events, unpooled, summary_queued;
};

static const char out_of_memory[] = "out of memory";

report *report_new(void)
{
	report *r = calloc(1, sizeof *r);
	if (r)
		r->summary_queued = -1;
	return r;
}

void report_free(report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nagents; i++)
		free(r->agents[i].id);
	free(r->agents);
	strmap_free(&r->agent_ix);
	for (size_t i = 0; i < r->npools; i++) {
		free(r->pools[i].id);
		free(r->pools[i].agents);
	}
	free(r->pools);
	strmap_free(&r->pool_ix);
	free(r->asg);
	for (size_t i = 0; i < r->nexp; i++)
		free(r->exp[i].lead);
	free(r->exp);
	free(r->queue);
	strmap_free(&r->queued);
	free(r);
}

/* ---- time ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

typedef struct civil {
	long long y;
	unsigned m, d, hh, mm, ss;
} civil;

static civil civil_from_time(long long t)
{
	long long z = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	long long secs = t - z * 86400;
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	civil c;
	c.d = doy - (153 * mp + 2) / 5 + 1;
	c.m = mp < 10 ? mp + 3 : mp - 9;
	c.y = (long long)yoe + era * 400 + (c.m <= 2);
	c.hh = (unsigned)(secs / 3600);
	c.mm = (unsigned)(secs / 60 % 60);
	c.ss = (unsigned)(secs % 60);
	return c;
}

/* The output's times are RFC 3339 UTC to the second ("...Z"). */
static int parse_time(const char *s, long long *t)
{
	int y;
	unsigned mo, d, h, mi, se;
	char z;
	if (!s || sscanf(s, "%4d-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 ||
	    z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

static const char *const month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* ---- reading lines ---- */

static int agent_of(report *r, const char *id)
{
	int *ix = strmap_put(&r->agent_ix, id, (int)r->nagents);
	if (!ix)
		return -1;
	if (*ix < (int)r->nagents)
		return *ix;
	agent_info *a = grow(r->agents, &r->agents_cap, r->nagents + 1, sizeof *a);
	char *copy = strdup(id);
	if (!a || !copy) {
		free(copy);
		if (a)
			r->agents = a;
		/* The slot is in the map already: point it at nothing usable. */
		*ix = -1;
		return -1;
	}
	r->agents = a;
	r->agents[r->nagents] = (agent_info){ copy, 0, -1, -1 };
	return (int)r->nagents++;
}

static pool *pool_of(report *r, const char *id)
{
	int *ix = strmap_put(&r->pool_ix, id, (int)r->npools);
	if (!ix || *ix < 0)
		return NULL;
	if (*ix < (int)r->npools)
		return &r->pools[*ix];
	pool *p = grow(r->pools, &r->pools_cap, r->npools + 1, sizeof *p);
	char *copy = strdup(id);
	if (!p || !copy) {
		free(copy);
		if (p)
			r->pools = p;
		*ix = -1;
		return NULL;
	}
	r->pools = p;
	r->pools[r->npools] = (pool){ copy, NULL, 0, 0, 0 };
	return &r->pools[r->npools++];
}

static pool_agent *pool_agent_of(pool *p, int agent)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->agents[i].agent == agent)
			return &p->agents[i];
	pool_agent *a = grow(p->agents, &p->cap, p->n + 1, sizeof *a);
	if (!a)
		return NULL;
	p->agents = a;
	p->agents[p->n] = (pool_agent){ agent, 0 };
	return &p->agents[p->n++];
}

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int queue_change(report *r, long long t, int delta)
{
	qpoint *q = grow(r->queue, &r->queue_cap, r->nqueue + 1, sizeof *q);
	if (!q)
		return -1;
	r->queue = q;
	r->qlen += delta;
	r->queue[r->nqueue++] = (qpoint){ t, r->qlen };
	if (r->qlen > r->qpeak) {
		r->qpeak = r->qlen;
		r->qpeak_t = t;
	}
	return 0;
}

/* Names the pool's agents in an `offered` or `assigned` line: the one it
 * names and the members its pick passed over. */
static pool_agent *pool_agents(report *r, pool *p, const cJSON *ev, int agent)
{
	const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(ev, "skipped"), *s;
	cJSON_ArrayForEach(s, skipped) {
		const char *id = str(s, "agent");
		int a = id ? agent_of(r, id) : -1;
		if (id && (a < 0 || !pool_agent_of(p, a)))
			return NULL;
	}
	return pool_agent_of(p, agent);
}

static int take(report *r, const cJSON *ev, const char *kind, long long t, const char *at)
{
	const char *lead = str(ev, "lead"), *agent_id = str(ev, "agent");
	int agent = -1;
	if (agent_id && (agent = agent_of(r, agent_id)) < 0)
		return -1;
	if (strcmp(kind, "assigned") == 0 && agent >= 0) {
		assignment *a = grow(r->asg, &r->asg_cap, r->nasg + 1, sizeof *a);
		if (!a)
			return -1;
		r->asg = a;
		r->asg[r->nasg++] = (assignment){ t, agent };
		r->agents[agent].assigned++;
		const char *pool_id = str(ev, "pool");
		if (pool_id) {
			pool *p = pool_of(r, pool_id);
			pool_agent *pa = p ? pool_agents(r, p, ev, agent) : NULL;
			if (!pa)
				return -1;
			pa->count++;
			p->assigned++;
		} else {
			r->unpooled++;
		}
		int *q = lead ? strmap_get(&r->queued, lead) : NULL;
		if (q && *q) {
			*q = 0;
			return queue_change(r, t, -1);
		}
	} else if (strcmp(kind, "offered") == 0 && agent >= 0) {
		r->offers++;
		const char *pool_id = str(ev, "pool");
		if (pool_id) {
			pool *p = pool_of(r, pool_id);
			if (!p || !pool_agents(r, p, ev, agent))
				return -1;
		}
	} else if (strcmp(kind, "offer_expired") == 0 && lead && agent >= 0) {
		expiry *e = grow(r->exp, &r->exp_cap, r->nexp + 1, sizeof *e);
		char *copy = strdup(lead);
		if (!e || !copy) {
			free(copy);
			if (e)
				r->exp = e;
			return -1;
		}
		r->exp = e;
		expiry *x = &r->exp[r->nexp++];
		snprintf(x->at, sizeof x->at, "%s", at);
		x->lead = copy;
		x->agent = agent;
	} else if (strcmp(kind, "queued") == 0 && lead) {
		r->queued_events++;
		int *q = strmap_put(&r->queued, lead, 0);
		if (!q)
			return -1;
		if (!*q) {
			*q = 1;
			return queue_change(r, t, +1);
		}
	} else if (strcmp(kind, "error") == 0) {
		r->errors++;
	} else if (strcmp(kind, "summary") == 0) {
		r->have_summary = 1;
		r->end_t = t;
		const cJSON *queued = cJSON_GetObjectItemCaseSensitive(ev, "queued");
		if (cJSON_IsNumber(queued))
			r->summary_queued = queued->valueint;
		const cJSON *open = cJSON_GetObjectItemCaseSensitive(ev, "open");
		const cJSON *assigned = cJSON_GetObjectItemCaseSensitive(ev, "assigned"), *e;
		int pos = 0;
		cJSON_ArrayForEach(e, assigned) {
			int a = e->string ? agent_of(r, e->string) : -1;
			if (a < 0)
				return -1;
			r->agents[a].summary_pos = pos++;
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(open, e->string);
			if (cJSON_IsNumber(n))
				r->agents[a].open = n->valueint;
		}
	}
	return 0;
}

void report_line(report *r, const char *line, size_t len)
{
	if (r->fault)
		return;
	cJSON *ev = cJSON_ParseWithLength(line, len);
	if (!ev) {
		r->fault = "an output line could not be parsed";
		return;
	}
	const char *at = str(ev, "at"), *kind = str(ev, "event");
	long long t;
	if (!at || !kind || parse_time(at, &t) != 0) {
		r->fault = "an output line has no \"at\" or \"event\"";
	} else {
		if (!r->have_time) {
			r->have_time = 1;
			r->first_t = t;
		}
		r->last_t = t;
		r->lines++;
		if (take(r, ev, kind, t, at) != 0)
			r->fault = out_of_memory;
	}
	cJSON_Delete(ev);
}

/* ---- writing ---- */

/* Text for HTML content and attribute values alike. Ids never hold control
 * characters, but the rest of a line might. */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if (c < 0x20 || c == 0x7F)
				fputs("\xEF\xBF\xBD", f); /* U+FFFD */
			else
				fputc(c, f);
		}
	}
}

static void colour(FILE *f, int i)
{
	static const char *const palette[] = { "#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
					      "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
					      "#9c755f", "#bab0ac" };
	if (i < 10)
		fputs(palette[i], f);
	else /* golden-angle steps keep neighbours apart */
		fprintf(f, "hsl(%d,55%%,48%%)", (int)((i * 137L) % 360));
}

static void fmt_time(FILE *f, long long t)
{
	civil c = civil_from_time(t);
	fprintf(f, "%04lld-%02u-%02u %02u:%02u:%02u", c.y, c.m, c.d, c.hh, c.mm, c.ss);
}

/* The agents in the summary's order (which is the scenario's), then any the
 * summary does not name, in the order the output first named them. */
static int *display_order(const report *r)
{
	int *order = malloc((r->nagents ? r->nagents : 1) * sizeof *order);
	if (!order)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < r->nagents; i++)
		if (r->agents[i].summary_pos >= 0)
			order[n++] = (int)i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && r->agents[order[j - 1]].summary_pos >
						   r->agents[order[j]].summary_pos; j--) {
			int tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (size_t i = 0; i < r->nagents; i++)
		if (r->agents[i].summary_pos < 0)
			order[n++] = (int)i;
	return order;
}

/* The time axis that both charts share. */
typedef struct axis {
	long long t0, bucket, start, end;
	int nb;
} axis;

enum { MAX_BUCKETS = 48 };

static const long long round_steps[] = { 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600,
					 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400,
					 14 * 86400, 28 * 86400 };
enum { HOUR_STEP = 4, ROUND_STEPS = sizeof round_steps / sizeof *round_steps };

static void fit_axis(axis *ax, long long bucket)
{
	ax->bucket = bucket;
	ax->t0 = ax->start >= 0 ? ax->start / bucket * bucket
				: -((-ax->start + bucket - 1) / bucket) * bucket;
	long long nb = (ax->end - ax->t0 + bucket - 1) / bucket;
	ax->nb = nb < 1 ? 1 : (int)nb;
}

/* Hourly slots, wider ones when there would be too many bars to read, and
 * narrower ones when a short run would fill the chart with two or three. */
static axis make_axis(const report *r)
{
	axis ax;
	ax.start = r->first_t;
	ax.end = r->have_summary ? r->end_t : r->last_t;
	if (ax.end < ax.start)
		ax.end = ax.start;
	size_t i = HOUR_STEP;
	for (fit_axis(&ax, round_steps[i]); ax.nb > MAX_BUCKETS; fit_axis(&ax, round_steps[i]))
		if (++i == ROUND_STEPS) {
			fit_axis(&ax, ((ax.end - ax.start) / MAX_BUCKETS / 86400 + 1) * 86400);
			return ax;
		}
	while (i > 0 && i <= HOUR_STEP && ax.nb < 6)
		fit_axis(&ax, round_steps[--i]);
	return ax;
}

enum { SVG_W = 960, PAD_L = 52, PAD_R = 24, PAD_T = 16, PAD_B = 46 };

static double x_of(const axis *ax, long long t)
{
	return PAD_L + (double)(t - ax->t0) * (SVG_W - PAD_L - PAD_R) /
			       ((double)ax->nb * (double)ax->bucket);
}

/* A round step for about five gridlines up to `max`. */
static int nice_step(int max)
{
	for (long long mag = 1;; mag *= 10) {
		if (max <= 5 * mag)
			return (int)mag;
		if (max <= 10 * mag)
			return (int)(2 * mag);
		if (max <= 25 * mag)
			return (int)(5 * mag);
	}
}

static void svg_y_axis(FILE *f, int ymax, int step, int height, const char *label)
{
	int plot_h = height - PAD_T - PAD_B;
	for (int v = 0; v <= ymax; v += step) {
		double y = PAD_T + plot_h - (double)v * plot_h / ymax;
		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			   "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n",
			PAD_L, y, SVG_W - PAD_R, y, PAD_L - 8, y + 4, v);
	}
	fprintf(f, "<text class=\"axis-label\" transform=\"translate(14 %d) rotate(-90)\" "
		   "text-anchor=\"middle\">%s</text>\n",
		PAD_T + plot_h / 2, label);
}

static void svg_x_axis(FILE *f, const axis *ax, int height)
{
	/* Labels go at round times (every 3 hours, at midnight, ...) rather
	 * than every n-th slot, so that they read like a clock. */
	long long span = (long long)ax->nb * ax->bucket, step = 0;
	for (size_t i = 0; i < ROUND_STEPS && !step; i++)
		if (round_steps[i] % ax->bucket == 0 && span / round_steps[i] <= 12)
			step = round_steps[i];
	int every = (ax->nb + 11) / 12;
	int base = height - PAD_B, have_day = 0;
	long long last_day = 0;
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", PAD_L, base,
		SVG_W - PAD_R, base);
	for (int b = 0; b <= ax->nb; b++) {
		long long t = ax->t0 + (long long)b * ax->bucket;
		double x = x_of(ax, t);
		fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, base,
			x, base + 4);
		if (step ? (t % step + step) % step != 0 : b % every != 0) {
			fputc('\n', f);
			continue;
		}
		civil c = civil_from_time(t);
		long long day = (t - (t % 86400 + 86400) % 86400) / 86400;
		const char *anchor = b == 0 ? "start" : b == ax->nb ? "end" : "middle";
		int sub_day = step ? step < 86400 : ax->bucket < 86400;
		if (sub_day)
			fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%02u:%02u</text>",
				x, base + 19, anchor, c.hh, c.mm);
		if (!sub_day || !have_day || day != last_day)
			fprintf(f, "<text class=\"%s\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%u %s</text>",
				sub_day ? "tick date" : "tick", x, base + (sub_day ? 35 : 19), anchor, c.d,
				month_names[c.m - 1]);
		fputc('\n', f);
		have_day = 1;
		last_day = day;
	}
}

static void write_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>rrdist report: ", f);
	esc(f, title);
	fputs("</title>\n<style>\n"
	      ":root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;"
	      "--soft:#f6f8fa;--accent:#4e79a7}\n"
	      "*{box-sizing:border-box}\n"
	      "body{margin:0;padding:0 24px;background:#fff;color:var(--ink);"
	      "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\n"
	      "header,main,footer{max-width:1032px;margin:0 auto}\n"
	      "header{padding:28px 0 10px;border-bottom:1px solid var(--line)}\n"
	      "h1{font-size:24px;margin:0 0 4px}\n"
	      "h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}\n"
	      "p{margin:6px 0}\n.muted{color:var(--muted)}\n"
	      "code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
	      "background:var(--soft);padding:1px 4px;border-radius:4px}\n"
	      ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 4px}\n"
	      ".card{flex:1 1 130px;border:1px solid var(--line);border-radius:8px;padding:10px 14px}\n"
	      ".card b{display:block;font-size:24px;font-variant-numeric:tabular-nums}\n"
	      ".card span{color:var(--muted);font-size:13px}\n"
	      "table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}\n"
	      "th,td{padding:5px 12px;border-bottom:1px solid var(--line);text-align:left;"
	      "vertical-align:top}\n"
	      "th{background:var(--soft);font-weight:600;font-size:13px;white-space:nowrap}\n"
	      "td.n,th.n{text-align:right}\n"
	      ".scroll{max-height:460px;overflow-y:auto;display:inline-block;"
	      "border:1px solid var(--line);border-radius:6px}\n"
	      ".scroll table{margin:0}\n.scroll thead th{position:sticky;top:0}\n"
	      "tbody tr:nth-child(even){background:#fbfcfd}\n"
	      ".swatch{display:inline-block;width:12px;height:12px;border-radius:3px;"
	      "margin-right:8px;vertical-align:-1px}\n"
	      ".bar{height:12px;min-width:1px;border-radius:2px}\n"
	      "td.barcell{width:280px}\n"
	      "figure{margin:8px 0 0}\nfigcaption{color:var(--muted);font-size:13px;margin-top:2px}\n"
	      "svg{display:block;width:100%;height:auto;max-width:960px}\n"
	      "svg text{font-family:inherit;fill:var(--ink)}\n"
	      "svg .tick{font-size:12px;fill:var(--muted)}\nsvg .tick.date{font-size:11px}\n"
	      "svg .axis-label{font-size:12px;fill:var(--muted)}\n"
	      "svg .grid{stroke:#e6eaef;stroke-width:1}\nsvg .axis{stroke:#8c959f;stroke-width:1}\n"
	      ".legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:4px 0 6px;padding:0;"
	      "list-style:none;font-size:13px}\n"
	      ".counts{font-size:13px;color:var(--muted)}\n.nw{white-space:nowrap}\n"
	      "footer{margin-top:40px;padding:12px 0 28px;"
	      "border-top:1px solid var(--line);color:var(--muted);font-size:13px}\n"
	      "</style>\n</head>\n<body>\n",
	      f);
}

static void write_overview(FILE *f, const report *r, const axis *ax, const char *title)
{
	fputs("<header>\n<h1>Simulation report</h1>\n<p class=\"muted\">Scenario <code>", f);
	esc(f, title);
	fputs("</code>, from ", f);
	fmt_time(f, ax->start);
	fputs(" to ", f);
	fmt_time(f, ax->end);
	fputs(" UTC</p>\n</header>\n<main>\n<section id=\"overview\">\n<div class=\"cards\">\n", f);
	const struct {
		long long n;
		const char *what;
	} cards[] = {
		{ (long long)r->nasg, "assignments" },
		{ r->offers, "offers" },
		{ (long long)r->nexp, "offers expired" },
		{ r->queued_events, "leads queued" },
		{ r->summary_queued >= 0 ? r->summary_queued : r->qlen, "queued at the end" },
		{ r->errors, "errors" },
	};
	for (size_t i = 0; i < sizeof cards / sizeof *cards; i++)
		fprintf(f, "<div class=\"card\"><b>%lld</b><span>%s</span></div>\n", cards[i].n,
			cards[i].what);
	fprintf(f, "</div>\n<p class=\"muted\">%d output lines. Times are UTC.</p>\n</section>\n",
		r->lines);
}

static void write_agents(FILE *f, const report *r, const int *order)
{
	int most = 0;
	for (size_t i = 0; i < r->nagents; i++)
		if (r->agents[i].assigned > most)
			most = r->agents[i].assigned;
	fputs("<section id=\"agents\">\n<h2>Assignments per agent</h2>\n"
	      "<p class=\"muted\">Each <code>assigned</code> event counts once for the agent it "
	      "names, by any path (routing, claims, manual, reassignment, redistribution, "
	      "draining); <em>open at end</em> is the summary&#39;s figure.</p>\n"
	      "<table id=\"agent-counts\">\n<thead><tr><th>agent</th><th class=\"n\">assigned</th>"
	      "<th class=\"n\">share</th><th class=\"n\">open at end</th><th></th></tr></thead>\n<tbody>\n",
	      f);
	for (size_t k = 0; k < r->nagents; k++) {
		const agent_info *a = &r->agents[order[k]];
		fputs("<tr data-agent=\"", f);
		esc(f, a->id);
		fputs("\"><td><span class=\"swatch\" style=\"background:", f);
		colour(f, (int)k);
		fputs("\"></span>", f);
		esc(f, a->id);
		fprintf(f, "</td><td class=\"n assigned\">%d</td>", a->assigned);
		if (r->nasg)
			fprintf(f, "<td class=\"n\">%.1f%%</td>", 100.0 * a->assigned / (double)r->nasg);
		else
			fputs("<td class=\"n\">&#8211;</td>", f);
		if (a->open >= 0)
			fprintf(f, "<td class=\"n\">%d</td>", a->open);
		else
			fputs("<td class=\"n\">&#8211;</td>", f);
		fputs("<td class=\"barcell\">", f);
		if (a->assigned) {
			fprintf(f, "<div class=\"bar\" style=\"width:%.1f%%;background:",
				100.0 * a->assigned / most);
			colour(f, (int)k);
			fputs("\"></div>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fprintf(f, "</tbody>\n<tfoot><tr><th>all agents</th><th class=\"n\">%zu</th><th></th>"
		   "<th></th><th></th></tr></tfoot>\n</table>\n</section>\n",
		r->nasg);
}

static int write_timeline(FILE *f, const report *r, const int *order, const axis *ax)
{
	size_t na = r->nagents ? r->nagents : 1;
	int *pos = malloc(na * sizeof *pos);
	int *cells = calloc((size_t)ax->nb * na, sizeof *cells);
	if (!pos || !cells) {
		free(pos);
		free(cells);
		return -1;
	}
	for (size_t k = 0; k < r->nagents; k++)
		pos[order[k]] = (int)k;
	for (size_t i = 0; i < r->nasg; i++) {
		long long b = (r->asg[i].t - ax->t0) / ax->bucket;
		if (b >= ax->nb) /* at the very end of the last bucket */
			b = ax->nb - 1;
		cells[(size_t)b * na + (size_t)pos[r->asg[i].agent]]++;
	}
	int tallest = 0;
	for (int b = 0; b < ax->nb; b++) {
		int sum = 0;
		for (size_t k = 0; k < r->nagents; k++)
			sum += cells[(size_t)b * na + k];
		if (sum > tallest)
			tallest = sum;
	}
	fputs("<section id=\"timeline\">\n<h2>Assignments over time</h2>\n", f);
	if (!r->nasg) {
		fputs("<p>Nothing was assigned.</p>\n</section>\n", f);
		free(pos);
		free(cells);
		return 0;
	}
	fputs("<ul class=\"legend\">\n", f);
	for (size_t k = 0; k < r->nagents; k++) {
		if (!r->agents[order[k]].assigned)
			continue;
		fputs("<li><span class=\"swatch\" style=\"background:", f);
		colour(f, (int)k);
		fputs("\"></span>", f);
		esc(f, r->agents[order[k]].id);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
	int height = 300, plot_h = height - PAD_T - PAD_B;
	int step = nice_step(tallest), ymax = (tallest + step - 1) / step * step;
	fprintf(f, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		   "role=\"img\" aria-label=\"Assignments per agent, stacked per time slot\">\n",
		SVG_W, height);
	svg_y_axis(f, ymax, step, height, "assignments");
	double slot = (double)(SVG_W - PAD_L - PAD_R) / ax->nb;
	for (int b = 0; b < ax->nb; b++) {
		double y = PAD_T + plot_h;
		long long from = ax->t0 + (long long)b * ax->bucket;
		for (size_t k = 0; k < r->nagents; k++) {
			int n = cells[(size_t)b * na + k];
			if (!n)
				continue;
			double h = (double)n * plot_h / ymax;
			y -= h;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"",
				PAD_L + b * slot + slot * 0.12, y, slot * 0.76, h);
			colour(f, (int)k);
			fputs("\" stroke=\"#fff\" stroke-width=\"1\"><title>", f);
			esc(f, r->agents[order[k]].id);
			fprintf(f, ": %d from ", n);
			fmt_time(f, from);
			fputs(" to ", f);
			fmt_time(f, from + ax->bucket);
			fputs("</title></rect>\n", f);
		}
	}
	svg_x_axis(f, ax, height);
	fputs("</svg>\n<figcaption>Bars stack each agent&#39;s <code>assigned</code> events ", f);
	if (ax->bucket == 3600)
		fputs("per hour", f);
	else if (ax->bucket == 86400)
		fputs("per day", f);
	else if (ax->bucket % 86400 == 0)
		fprintf(f, "per %lld days", ax->bucket / 86400);
	else if (ax->bucket % 3600 == 0)
		fprintf(f, "per %lld hours", ax->bucket / 3600);
	else
		fprintf(f, "per %lld minutes", ax->bucket / 60);
	fputs(" (UTC); agents with none are left out.</figcaption>\n</figure>\n</section>\n", f);
	free(pos);
	free(cells);
	return 0;
}

enum { EXPIRED_ROWS_MAX = 1000 };

static void write_expired(FILE *f, const report *r)
{
	fprintf(f, "<section id=\"expired\">\n<h2>Offers that expired (%zu)</h2>\n", r->nexp);
	if (!r->nexp) {
		fputs("<p>No offer expired.</p>\n</section>\n", f);
		return;
	}
	size_t rows = r->nexp < EXPIRED_ROWS_MAX ? r->nexp : EXPIRED_ROWS_MAX;
	if (rows < r->nexp)
		fprintf(f, "<p class=\"muted\">The first %zu of them:</p>\n", rows);
	fputs(rows > 25 ? "<div class=\"scroll\">\n" : "<div>\n", f);
	fputs("<table id=\"expired-offers\">\n<thead><tr><th>time (UTC)</th><th>lead</th>"
	      "<th>agent</th></tr></thead>\n<tbody>\n",
	      f);
	for (size_t i = 0; i < rows; i++) {
		const expiry *e = &r->exp[i];
		long long t = 0;
		fputs("<tr><td>", f);
		if (parse_time(e->at, &t) == 0)
			fmt_time(f, t);
		else
			esc(f, e->at);
		fputs("</td><td>", f);
		esc(f, e->lead);
		fputs("</td><td>", f);
		esc(f, r->agents[e->agent].id);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n</div>\n</section>\n", f);
}

static void write_queue(FILE *f, const report *r, const axis *ax)
{
	fputs("<section id=\"queue\">\n<h2>The queue over time</h2>\n", f);
	fputs("<p class=\"muted\">The length goes up by one at each <code>queued</code> event and "
	      "down by one when a queued lead is later <code>assigned</code>.</p>\n",
	      f);
	int height = 220, plot_h = height - PAD_T - PAD_B;
	int step = nice_step(r->qpeak ? r->qpeak : 1);
	int ymax = ((r->qpeak ? r->qpeak : 1) + step - 1) / step * step;
	fprintf(f, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		   "role=\"img\" aria-label=\"Queue length over time\">\n",
		SVG_W, height);
	svg_y_axis(f, ymax, step, height, "leads queued");
#define QY(v) (PAD_T + plot_h - (double)(v) * plot_h / ymax)
	/* One path for the outline and one closed for the shading under it. */
	for (int fill = 1; fill >= 0; fill--) {
		fprintf(f, "<path d=\"M%.1f %.1f", x_of(ax, ax->start), QY(0));
		for (size_t i = 0; i < r->nqueue; i++)
			fprintf(f, "H%.1fV%.1f", x_of(ax, r->queue[i].t), QY(r->queue[i].len));
		fprintf(f, "H%.1f", x_of(ax, ax->end));
		if (fill)
			fprintf(f, "V%.1fZ\" fill=\"#4e79a7\" fill-opacity=\"0.15\" stroke=\"none\"/>\n",
				QY(0));
		else
			fputs("\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\" "
			      "stroke-linejoin=\"round\"/>\n",
			      f);
	}
#undef QY
	svg_x_axis(f, ax, height);
	fputs("</svg>\n<figcaption>", f);
	if (r->qpeak) {
		fprintf(f, "Longest: %d lead%s, first reached at ", r->qpeak, r->qpeak == 1 ? "" : "s");
		fmt_time(f, r->qpeak_t);
		fprintf(f, " UTC; %d at the end.", r->qlen);
	} else {
		fputs("No lead was queued.", f);
	}
	fputs("</figcaption>\n</figure>\n</section>\n", f);
}

static int by_count(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int write_fairness(FILE *f, const report *r, const int *order)
{
	fputs("<section id=\"fairness\">\n<h2>Fairness per pool</h2>\n", f);
	if (!r->npools) {
		fputs("<p>No event named a pool.</p>\n", f);
	} else {
		fputs("<table id=\"pool-fairness\">\n<thead><tr><th>pool</th>"
		      "<th class=\"n\">assignments</th><th class=\"n\">agents counted</th>"
		      "<th class=\"n\">max&#8201;&#8722;&#8201;min</th><th class=\"n\">Gini</th>"
		      "<th>assignments per agent</th></tr></thead>\n<tbody>\n",
		      f);
	}
	int *rank = malloc((r->nagents ? r->nagents : 1) * sizeof *rank);
	if (!rank)
		return -1;
	for (size_t k = 0; k < r->nagents; k++)
		rank[order[k]] = (int)k;
	for (size_t i = 0; i < r->npools; i++) {
		const pool *p = &r->pools[i];
		size_t n = p->n ? p->n : 1;
		int *x = malloc(n * sizeof *x);
		int *by_rank = malloc((r->nagents ? r->nagents : 1) * sizeof *by_rank);
		if (!x || !by_rank) {
			free(x);
			free(by_rank);
			free(rank);
			return -1;
		}
		for (size_t k = 0; k < r->nagents; k++)
			by_rank[k] = -1;
		for (size_t k = 0; k < p->n; k++) {
			x[k] = p->agents[k].count;
			by_rank[rank[p->agents[k].agent]] = (int)k;
		}
		qsort(x, p->n, sizeof *x, by_count);
		long long sum = 0, pairs = 0;
		for (size_t k = 0; k < p->n; k++) {
			sum += x[k];
			pairs += (2 * (long long)k + 1 - (long long)p->n) * x[k];
		}
		fputs("<tr data-pool=\"", f);
		esc(f, p->id);
		fputs("\"><td>", f);
		esc(f, p->id);
		fprintf(f, "</td><td class=\"n\">%d</td><td class=\"n\">%zu</td>", p->assigned, p->n);
		/* Sorted ascending, so the ends are the extremes; with nothing
		 * assigned the Gini coefficient has no meaning. */
		if (sum > 0)
			fprintf(f, "<td class=\"n\">%d</td><td class=\"n\">%.3f</td>",
				x[p->n - 1] - x[0], (double)pairs / ((double)p->n * (double)sum));
		else
			fputs("<td class=\"n\">0</td><td class=\"n\">&#8211;</td>", f);
		fputs("<td class=\"counts\">", f);
		int first = 1;
		for (size_t k = 0; k < r->nagents; k++) {
			if (by_rank[k] < 0)
				continue;
			if (!first)
				fputs(", ", f);
			first = 0;
			fputs("<span class=\"nw\">", f);
			esc(f, r->agents[order[k]].id);
			fprintf(f, " %d</span>", p->agents[by_rank[k]].count);
		}
		fputs("</td></tr>\n", f);
		free(x);
		free(by_rank);
	}
	free(rank);
	if (r->npools)
		fputs("</tbody>\n</table>\n", f);
	fputs("<p class=\"muted\">For each pool, the agents counted are those named (as "
	      "<code>agent</code> or in <code>skipped</code>) by any <code>offered</code> or "
	      "<code>assigned</code> event whose <code>pool</code> is that pool, whether or not they "
	      "received anything; each one&#39;s count is the number of <code>assigned</code> events "
	      "with that pool that name it. A member the output never names in a pool&#39;s events "
	      "is not counted. <em>Max&#8201;&#8722;&#8201;min</em> is the largest count minus the "
	      "smallest; the <em>Gini coefficient</em> of the n counts x is "
	      "&#931;<sub>i</sub>&#931;<sub>j</sub>|x<sub>i</sub>&#8722;x<sub>j</sub>| / "
	      "(2n&#183;&#931;x): 0 when every agent got as many, (n&#8722;1)/n when one got them "
	      "all.</p>\n",
	      f);
	if (r->unpooled)
		fprintf(f, "<p class=\"muted\">%d assignment%s named no pool (manual, reassignment to "
			   "an agent or to the nearest, transfer, redistribution, undo) and %s not "
			   "counted here.</p>\n",
			r->unpooled, r->unpooled == 1 ? "" : "s", r->unpooled == 1 ? "is" : "are");
	fputs("</section>\n", f);
	return 0;
}

const char *report_write(report *r, const char *path, const char *title)
{
	if (r->fault)
		return r->fault;
	int *order = display_order(r);
	if (!order)
		return out_of_memory;
	FILE *f = fopen(path, "wb");
	if (!f) {
		free(order);
		return strerror(errno);
	}
	axis ax = make_axis(r);
	write_head(f, title);
	write_overview(f, r, &ax, title);
	write_agents(f, r, order);
	int bad = write_timeline(f, r, order, &ax);
	write_expired(f, r);
	write_queue(f, r, &ax);
	if (!bad)
		bad = write_fairness(f, r, order);
	fputs("</main>\n<footer>Made by <code>rrdist simulate --report</code> from the "
	      "run&#39;s output lines.</footer>\n</body>\n</html>\n",
	      f);
	free(order);
	int werr = ferror(f) ? (errno ? errno : EIO) : 0;
	if (fclose(f) != 0 && !werr)
		werr = errno ? errno : EIO;
	if (bad)
		return out_of_memory;
	return werr ? strerror(werr) : NULL;
}
