/* Shared and private memory, and locks in shm: the allocator and lock macros. */
#include "shim.h"
#include "core/mem/shm.h"
#include "core/mem/pkg.h"

gen_lock_t *krs_lock_alloc(void)
{
	gen_lock_t *l = lock_alloc();
	if (l && lock_init(l) == 0) {
		lock_dealloc(l);
		return NULL;
	}
	return l;
}

void krs_lock_get(gen_lock_t *l)
{
	lock_get(l);
}

void krs_lock_release(gen_lock_t *l)
{
	lock_release(l);
}

void *krs_shm_malloc(unsigned long size)
{
	return shm_malloc(size);
}

void krs_shm_free(void *p)
{
	shm_free(p);
}

void *krs_pkg_malloc(unsigned long size)
{
	return pkg_malloc(size);
}

void krs_pkg_free(void *p)
{
	pkg_free(p);
}

unsigned long krs_pkg_available(void)
{
	return pkg_available();
}
