#include "faulty_store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "store/store.h"

#define INNER(self) (((faulty_store *)(self))->inner)

static int armed_for(const faulty_store *fs, faulty_call kind, long n)
{
	return fs->fail_from[kind] && n >= fs->fail_from[kind] &&
	       (!fs->fail_to[kind] || n <= fs->fail_to[kind]);
}

/* Count a call of `kind`, named `name`; 1 when it is to fail (the
 * message is then set). */
static int refuse(void *self, faulty_call kind, const char *name)
{
	faulty_store *fs = self;
	long n = ++fs->calls[kind];
	int is_lock = kind == FAULTY_LOCK_ACQUIRE || kind == FAULTY_LOCK_RELEASE;
	int fail = armed_for(fs, kind, n);
	if (!(is_lock && fs->any_spares_locks)) {
		long any = ++fs->calls[FAULTY_ANY];
		if (armed_for(fs, FAULTY_ANY, any)) {
			fs->failed[FAULTY_ANY]++;
			fail = 1;
		}
	}
	if (!fail)
		return 0;
	fs->failed[kind]++;
	fs->refused = name;
	rrd_store_error(fs->status ? fs->status : RRD_E_STORE, FAULTY_MESSAGE);
	return 1;
}

#define REFUSED(self) (((faulty_store *)(self))->status ? ((faulty_store *)(self))->status : RRD_E_STORE)
#define REFUSE(self, kind, name)                    \
	do {                                        \
		if (refuse(self, kind, name))       \
			return REFUSED(self);       \
	} while (0)

static int f_begin(void *self, unsigned int flags, uint64_t *generation)
{
	if (flags & RRD_TXN_EXCLUSIVE)
		((faulty_store *)self)->exclusive_begins++;
	REFUSE(self, FAULTY_BEGIN, "begin");
	faulty_store *fs = self;
	if (flags & RRD_TXN_READ_ONLY)
		fs->read_only_begins++;
	int rc = INNER(self)->m.begin(INNER(self)->self, flags, generation);
	if (!rc && fs->no_generation)
		*generation = RRD_STORE_NO_GENERATION;
	return rc;
}

static int f_commit(void *self)
{
	REFUSE(self, FAULTY_COMMIT, "commit"); /* the library rolls back */
	return INNER(self)->m.commit(INNER(self)->self);
}

static int f_rollback(void *self)
{
	int refused = refuse(self, FAULTY_OTHER, "rollback");
	int rc = INNER(self)->m.rollback(INNER(self)->self);
	return refused ? REFUSED(self) : rc;
}

static int f_get(void *self, int ns, const char *key, const void **value, size_t *len,
		 int64_t *order)
{
	REFUSE(self, FAULTY_OTHER, "get");
	((faulty_store *)self)->gets++;
	return INNER(self)->m.get(INNER(self)->self, ns, key, value, len, order);
}

static int f_put(void *self, int ns, const char *key, const void *value, size_t len,
		 int64_t order)
{
	REFUSE(self, FAULTY_OTHER, "put");
	return INNER(self)->m.put(INNER(self)->self, ns, key, value, len, order);
}

static int f_del(void *self, int ns, const char *key)
{
	REFUSE(self, FAULTY_OTHER, "del");
	return INNER(self)->m.del(INNER(self)->self, ns, key);
}

/* What a refused scan hands out before it fails. */
typedef struct first_only {
	rrd_store_each_fn each;
	void *ctx;
} first_only;

static int first_each(void *ctx, const char *key, const void *value, size_t len, int64_t order)
{
	first_only *f = ctx;
	f->each(f->ctx, key, value, len, order);
	return 1;
}

static int f_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx)
{
	faulty_store *fs = self;
	fs->scans_all++;
	if (ns >= 0 && ns < (int)(sizeof fs->scans / sizeof *fs->scans))
		fs->scans[ns]++;
	if (refuse(self, FAULTY_OTHER, "scan")) {
		/* As a store that lost its connection halfway: the first
		 * entry is handed out, then the scan fails. */
		first_only f = { each, ctx };
		INNER(self)->m.scan(INNER(self)->self, ns, prefix, first_each, &f);
		return rrd_store_error(REFUSED(self), FAULTY_MESSAGE);
	}
	return INNER(self)->m.scan(INNER(self)->self, ns, prefix, each, ctx);
}

static int f_timer_set(void *self, const char *key, rrd_time due, int64_t seq)
{
	REFUSE(self, FAULTY_OTHER, "timer_set");
	return INNER(self)->m.timer_set(INNER(self)->self, key, due, seq);
}

static int f_timer_clear(void *self, const char *key)
{
	REFUSE(self, FAULTY_OTHER, "timer_clear");
	return INNER(self)->m.timer_clear(INNER(self)->self, key);
}

static int f_timer_next(void *self, rrd_time *due)
{
	REFUSE(self, FAULTY_OTHER, "timer_next");
	return INNER(self)->m.timer_next(INNER(self)->self, due);
}

static int f_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due)
{
	REFUSE(self, FAULTY_OTHER, "timer_pop");
	return INNER(self)->m.timer_pop(INNER(self)->self, now, key, cap, due);
}

static int f_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			  rrd_time expires)
{
	REFUSE(self, FAULTY_LOCK_ACQUIRE, "lock_acquire");
	return INNER(self)->m.lock_acquire(INNER(self)->self, name, owner, now, expires);
}

static int f_lock_release(void *self, const char *name, const char *owner)
{
	REFUSE(self, FAULTY_LOCK_RELEASE, "lock_release");
	return INNER(self)->m.lock_release(INNER(self)->self, name, owner);
}

static int f_put_many(void *self, int ns, size_t n, const char *const *keys,
		      const void *const *values, const size_t *lens, const int64_t *orders)
{
	REFUSE(self, FAULTY_OTHER, "put_many");
	return INNER(self)->m.put_many(INNER(self)->self, ns, n, keys, values, lens, orders);
}

static int f_has_many(void *self, int ns, size_t n, const char *const *keys,
		      unsigned char *present)
{
	REFUSE(self, FAULTY_OTHER, "has_many");
	((faulty_store *)self)->has_manys++;
	return INNER(self)->m.has_many(INNER(self)->self, ns, n, keys, present);
}

static int f_get_many(void *self, size_t n, const int *ns, const char *const *keys,
		      const void **values, size_t *lens, int64_t *orders, unsigned char *found)
{
	REFUSE(self, FAULTY_OTHER, "get_many");
	((faulty_store *)self)->get_manys++;
	return INNER(self)->m.get_many(INNER(self)->self, n, ns, keys, values, lens, orders, found);
}

static int f_del_many(void *self, int ns, size_t n, const char *const *keys)
{
	REFUSE(self, FAULTY_OTHER, "del_many");
	return INNER(self)->m.del_many(INNER(self)->self, ns, n, keys);
}

static int f_add_many(void *self, int ns, size_t n, const char *const *keys,
		      const void *const *values, const size_t *lens, const int64_t *orders)
{
	REFUSE(self, FAULTY_OTHER, "add_many");
	((faulty_store *)self)->add_manys++;
	return INNER(self)->m.add_many(INNER(self)->self, ns, n, keys, values, lens, orders);
}

static const rrd_store_methods faulty_methods = {
	.version = RRD_STORE_METHODS_VERSION,
	.begin = f_begin,
	.commit = f_commit,
	.rollback = f_rollback,
	.get = f_get,
	.put = f_put,
	.del = f_del,
	.scan = f_scan,
	.timer_set = f_timer_set,
	.timer_clear = f_timer_clear,
	.timer_next = f_timer_next,
	.timer_pop = f_timer_pop,
	.lock_acquire = f_lock_acquire,
	.lock_release = f_lock_release,
	.put_many = f_put_many,
	.has_many = f_has_many,
	.get_many = f_get_many,
	.del_many = f_del_many,
	.add_many = f_add_many,
};

faulty_store *faulty_store_new_on(const test_store_kind *kind)
{
	faulty_store *fs = calloc(1, sizeof *fs);
	assert_non_null(fs);
	fs->behind = test_store_open(kind);
	fs->inner = fs->behind.store;
	rrd_store_methods m = faulty_methods;
	/* What the store behind lacks, the library must do without. */
	if (!fs->inner->m.put_many)
		m.put_many = NULL;
	if (!fs->inner->m.has_many)
		m.has_many = NULL;
	if (!fs->inner->m.get_many)
		m.get_many = NULL;
	if (!fs->inner->m.del_many)
		m.del_many = NULL;
	if (!fs->inner->m.add_many)
		m.add_many = NULL;
	assert_int_equal(rrd_store_new(&fs->store, &m, fs), RRD_OK);
	return fs;
}

faulty_store *faulty_store_new(void)
{
	return faulty_store_new_on(test_store_kind_named(NULL));
}

void faulty_store_free(faulty_store *fs)
{
	if (!fs)
		return;
	rrd_store_free(fs->store);
	test_store_close(&fs->behind);
	free(fs);
}

void faulty_store_arm(faulty_store *fs, faulty_call kind, long skip, long count)
{
	fs->fail_from[kind] = fs->calls[kind] + skip + 1;
	fs->fail_to[kind] = count ? fs->fail_from[kind] + count - 1 : 0;
}

void faulty_store_disarm(faulty_store *fs, faulty_call kind)
{
	fs->fail_from[kind] = fs->fail_to[kind] = 0;
}
