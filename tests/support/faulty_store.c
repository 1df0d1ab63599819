#include "faulty_store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "store/store.h"

#define INNER(self) (((faulty_store *)(self))->inner)

/* Count a call of `kind`; 1 when it is to fail. */
static int refuse(void *self, faulty_call kind)
{
	faulty_store *fs = self;
	long n = ++fs->calls[kind];
	if (!fs->fail_from[kind] || n < fs->fail_from[kind] ||
	    (fs->fail_to[kind] && n > fs->fail_to[kind]))
		return 0;
	fs->failed[kind]++;
	rrd_store_error(fs->status ? fs->status : RRD_E_STORE, "the test's store refused the call");
	return 1;
}

#define REFUSED(self) (((faulty_store *)(self))->status ? ((faulty_store *)(self))->status : RRD_E_STORE)

static int f_begin(void *self, unsigned int flags, uint64_t *generation)
{
	if (refuse(self, FAULTY_BEGIN))
		return REFUSED(self);
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
	if (refuse(self, FAULTY_COMMIT))
		return REFUSED(self); /* the library rolls back */
	return INNER(self)->m.commit(INNER(self)->self);
}

static int f_rollback(void *self)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.rollback(INNER(self)->self);
}

static int f_get(void *self, int ns, const char *key, const void **value, size_t *len,
		 int64_t *order)
{
	refuse(self, FAULTY_OTHER);
	((faulty_store *)self)->gets++;
	return INNER(self)->m.get(INNER(self)->self, ns, key, value, len, order);
}

static int f_put(void *self, int ns, const char *key, const void *value, size_t len,
		 int64_t order)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.put(INNER(self)->self, ns, key, value, len, order);
}

static int f_del(void *self, int ns, const char *key)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.del(INNER(self)->self, ns, key);
}

static int f_scan(void *self, int ns, const char *prefix, rrd_store_each_fn each, void *ctx)
{
	refuse(self, FAULTY_OTHER);
	faulty_store *fs = self;
	fs->scans_all++;
	if (ns >= 0 && ns < (int)(sizeof fs->scans / sizeof *fs->scans))
		fs->scans[ns]++;
	return INNER(self)->m.scan(INNER(self)->self, ns, prefix, each, ctx);
}

static int f_timer_set(void *self, const char *key, rrd_time due, int64_t seq)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.timer_set(INNER(self)->self, key, due, seq);
}

static int f_timer_clear(void *self, const char *key)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.timer_clear(INNER(self)->self, key);
}

static int f_timer_next(void *self, rrd_time *due)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.timer_next(INNER(self)->self, due);
}

static int f_timer_pop(void *self, rrd_time now, char *key, size_t cap, rrd_time *due)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.timer_pop(INNER(self)->self, now, key, cap, due);
}

static int f_lock_acquire(void *self, const char *name, const char *owner, rrd_time now,
			  rrd_time expires)
{
	if (refuse(self, FAULTY_LOCK_ACQUIRE))
		return REFUSED(self);
	return INNER(self)->m.lock_acquire(INNER(self)->self, name, owner, now, expires);
}

static int f_lock_release(void *self, const char *name, const char *owner)
{
	if (refuse(self, FAULTY_LOCK_RELEASE))
		return REFUSED(self);
	return INNER(self)->m.lock_release(INNER(self)->self, name, owner);
}

static int f_put_many(void *self, int ns, size_t n, const char *const *keys,
		      const void *const *values, const size_t *lens, const int64_t *orders)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.put_many(INNER(self)->self, ns, n, keys, values, lens, orders);
}

static int f_has_many(void *self, int ns, size_t n, const char *const *keys,
		      unsigned char *present)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.has_many(INNER(self)->self, ns, n, keys, present);
}

static int f_get_many(void *self, size_t n, const int *ns, const char *const *keys,
		      const void **values, size_t *lens, int64_t *orders, unsigned char *found)
{
	refuse(self, FAULTY_OTHER);
	((faulty_store *)self)->get_manys++;
	return INNER(self)->m.get_many(INNER(self)->self, n, ns, keys, values, lens, orders, found);
}

static int f_del_many(void *self, int ns, size_t n, const char *const *keys)
{
	refuse(self, FAULTY_OTHER);
	return INNER(self)->m.del_many(INNER(self)->self, ns, n, keys);
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
};

faulty_store *faulty_store_new(void)
{
	faulty_store *fs = calloc(1, sizeof *fs);
	assert_non_null(fs);
	assert_int_equal(rrd_store_memory_new(&fs->inner), RRD_OK);
	assert_int_equal(rrd_store_new(&fs->store, &faulty_methods, fs), RRD_OK);
	return fs;
}

void faulty_store_free(faulty_store *fs)
{
	if (!fs)
		return;
	rrd_store_free(fs->store);
	rrd_store_free(fs->inner);
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
