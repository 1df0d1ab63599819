/*
 * Reading ahead on a concurrent store. There, what was read in one
 * transaction may be stale in the next, so every transaction reads
 * afresh; asking one key at a time would cost a networked store a round
 * trip each. So an operation says first what it will need, from the
 * configuration it has (stale or not: this is a guess, never a promise),
 * and the configuration version and all of it come in one get_many. What
 * the guess missed is read when needed, as on any store.
 */
#include <string.h>

#include "core/config_store.h"
#include "core/core.h"
#include "util/alloc.h"
#include "util/error.h"

typedef enum want_kind {
	WANT_VERSION,
	WANT_AGENT,
	WANT_STRATEGY,
	WANT_ABSENT
} want_kind;

typedef struct rrd_want {
	want_kind kind;
	int ns;
	const char *key;
	void *target; /* rrd_agent_rt, rrd_strat_state, or the flag to set */
} rrd_want;

/* A failure to note a want costs a read later, nothing else. */
static void want(rrd_distributor *d, want_kind kind, int ns, const char *key, void *target)
{
	if (rrd__grow((void **)&d->wants, &d->wants_cap, d->nwants + 1, sizeof *d->wants))
		return;
	d->wants[d->nwants++] = (rrd_want){ kind, ns, key, target };
}

void rrd__want_agent(rrd_distributor *d, rrd_agent_rt *a)
{
	if (a->st.epoch != d->epoch)
		want(d, WANT_AGENT, RRD_NS_AGENT_STATE, a->id, a);
}

void rrd__want_pool(rrd_distributor *d, rrd_pool_rt *p, rrd_strategy s)
{
	rrd_strat_state *ss;
	if (rrd__strat_slot(d, p, s, &ss) == RRD_OK && ss->epoch != d->epoch)
		want(d, WANT_STRATEGY, RRD_NS_STRATEGY, ss->key, ss);
	size_t n = p->nmembers < RRD_PREFETCH_MEMBERS ? p->nmembers : RRD_PREFETCH_MEMBERS;
	for (size_t i = 0; i < n; i++)
		rrd__want_agent(d, d->agents[p->members[i].agent]);
}

void rrd__want_absent(rrd_distributor *d, const char *record, unsigned char *absent)
{
	*absent = 0;
	want(d, WANT_ABSENT, RRD_NS_RECORD, record, absent);
}

/* Put one value where it belongs. */
static rrd_status take(rrd_distributor *d, const rrd_want *w, int found, const void *v,
		       size_t len)
{
	switch (w->kind) {
	case WANT_AGENT:
		return rrd__agent_state_take(d, w->target, found, v, len);
	case WANT_STRATEGY:
		return rrd__strat_state_take(d, w->target, found, v, len);
	case WANT_ABSENT:
		*(unsigned char *)w->target = !found;
		return RRD_OK;
	case WANT_VERSION:
		break;
	}
	return RRD_OK;
}

/* The configuration as the store has it now: read again if it moved. */
static rrd_status check_version(rrd_distributor *d, int found, const void *v, size_t len,
				int *reloaded)
{
	int64_t version;
	rrd_status rc = rrd__config_version_take(found, v, len, &version);
	*reloaded = 0;
	if (rc || version == d->config_version)
		return rc;
	*reloaded = 1;
	return rrd__config_load(d);
}

rrd_status rrd__txn_read_ahead(rrd_distributor *d, void (*prefetch)(rrd_distributor *, void *),
			       void *ctx)
{
	d->nwants = 0;
	want(d, WANT_VERSION, RRD_NS_META, RRD_CONFIG_VERSION_KEY, NULL);
	if (!d->nwants)
		return rrd__nomem();
	if (prefetch && d->config_version >= 0)
		prefetch(d, ctx);
	size_t n = d->nwants;
	rrd_store *st = d->store;
	if (!st->m.get_many) {
		/* Without get_many, one get each, taken as it comes. */
		for (size_t i = 0; i < n; i++) {
			const rrd_want *w = &d->wants[i];
			const void *v = NULL;
			size_t len = 0;
			int rc = st->m.get(st->self, w->ns, w->key, &v, &len, NULL);
			if (rc && rc != RRD_E_NOTFOUND)
				return rrd__store_status(rc, "reading ahead");
			rrd_status s;
			int reloaded;
			if (w->kind == WANT_VERSION) {
				if ((s = check_version(d, rc == RRD_OK, v, len, &reloaded)))
					return s;
				if (reloaded)
					return RRD_OK; /* the wants point into what was freed */
			} else if ((s = take(d, w, rc == RRD_OK, v, len))) {
				return s;
			}
		}
		return RRD_OK;
	}
	/* One block for the arrays, widest first for alignment. */
	size_t each = sizeof(const void *) + sizeof(const char *) + sizeof(size_t) + sizeof(int) + 1;
	unsigned char *block = rrd__malloc(n * each);
	if (!block)
		return rrd__nomem();
	const void **values = (const void **)(void *)block;
	const char **keys = (const char **)(void *)(values + n);
	size_t *lens = (size_t *)(void *)(keys + n);
	int *ns = (int *)(void *)(lens + n);
	unsigned char *found = (unsigned char *)(ns + n);
	for (size_t i = 0; i < n; i++) {
		ns[i] = d->wants[i].ns;
		keys[i] = d->wants[i].key;
	}
	rrd_status rc = rrd__store_status(st->m.get_many(st->self, n, ns, keys, values, lens, NULL,
							   found),
					  "reading ahead");
	int reloaded = 0;
	if (!rc)
		rc = check_version(d, found[0], values[0], lens[0], &reloaded);
	/* After a reload the wants point into what it freed. */
	for (size_t i = 1; !rc && !reloaded && i < n; i++)
		rc = take(d, &d->wants[i], found[i], values[i], lens[i]);
	rrd__free(block);
	return rc;
}
