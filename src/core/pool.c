/* pool.c - fixed-size object pool (see headroom/pool.h).
 *
 * Invariants: every object of every chunk is either on free_list or handed
 * out (live); live + (length of free_list) == capacity. A free object holds
 * the next free object's address in its first word.
 *
 * Under AddressSanitizer free objects are poisoned, so a use after
 * hr_pool_release is reported like a use after free(). */
#include "headroom/pool.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define HR_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HR_POOL_ASAN 1
#endif
#endif

#ifdef HR_POOL_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* A chunk header; objects follow it, aligned for any type. */
struct hr_pool_chunk {
    union {
        struct {
            hr_pool_chunk *next;
            size_t bytes; /* objects area, for unpoisoning on destroy */
        } h;
        max_align_t align_;
    } u;
};

/* Objects are aligned like the widest scalar an event or request holds
 * (pointer, uint64_t, double), which is pointer alignment on our targets. */
#define POOL_ALIGN (alignof(void *) > alignof(double) ? alignof(void *) : alignof(double))

/* Default chunk: about 64 KiB of objects, at least 16 of them. */
#define POOL_CHUNK_BYTES 65536

void hr_pool_init(hr_pool *pool, size_t obj_size, size_t per_chunk)
{
    size_t size = obj_size < sizeof(void *) ? sizeof(void *) : obj_size;
    size = (size + POOL_ALIGN - 1) / POOL_ALIGN * POOL_ALIGN;
    if (per_chunk == 0) {
        per_chunk = POOL_CHUNK_BYTES / size;
        if (per_chunk < 16)
            per_chunk = 16;
    }
    pool->obj_size = size;
    pool->per_chunk = per_chunk;
    pool->free_list = NULL;
    pool->chunks = NULL;
    pool->live = 0;
    pool->capacity = 0;
}

/* Allocate one more chunk and put its objects on the free list in address
 * order, so consecutive allocations are adjacent in memory. */
static int pool_grow(hr_pool *pool)
{
    size_t n = pool->per_chunk;
    if (n > (SIZE_MAX - sizeof(hr_pool_chunk)) / pool->obj_size)
        return -1;
    size_t bytes = n * pool->obj_size;
    hr_pool_chunk *chunk = malloc(sizeof(hr_pool_chunk) + bytes);
    if (chunk == NULL)
        return -1;
    chunk->u.h.next = pool->chunks;
    chunk->u.h.bytes = bytes;
    pool->chunks = chunk;

    char *first = (char *)(chunk + 1);
    for (size_t i = 0; i + 1 < n; i++)
        *(void **)(first + i * pool->obj_size) = first + (i + 1) * pool->obj_size;
    *(void **)(first + (n - 1) * pool->obj_size) = pool->free_list;
    pool->free_list = first;
    pool->capacity += n;
    POISON(first, bytes);
    return 0;
}

void *hr_pool_alloc(hr_pool *pool)
{
    if (pool->free_list == NULL && pool_grow(pool) != 0)
        return NULL;
    void *obj = pool->free_list;
    UNPOISON(obj, pool->obj_size);
    pool->free_list = *(void **)obj;
    pool->live++;
    return obj;
}

void hr_pool_release(hr_pool *pool, void *obj)
{
    if (obj == NULL)
        return;
    *(void **)obj = pool->free_list;
    pool->free_list = obj;
    pool->live--;
    POISON(obj, pool->obj_size);
}

void hr_pool_destroy(hr_pool *pool)
{
    hr_pool_chunk *chunk = pool->chunks;
    while (chunk != NULL) {
        hr_pool_chunk *next = chunk->u.h.next;
        UNPOISON(chunk + 1, chunk->u.h.bytes);
        free(chunk);
        chunk = next;
    }
    pool->free_list = NULL;
    pool->chunks = NULL;
    pool->live = 0;
    pool->capacity = 0;
}
