/* pool.h - fixed-size object pool for hot objects (events, requests).
 *
 * Objects come from chunks allocated on demand and return to a free list;
 * nothing is returned to malloc until hr_pool_destroy. Not thread-safe: each
 * run owns its pools. */
#ifndef HEADROOM_POOL_H
#define HEADROOM_POOL_H

#include <stddef.h>

typedef struct hr_pool_chunk hr_pool_chunk;

typedef struct hr_pool {
    size_t obj_size;        /* rounded up to pointer alignment */
    size_t per_chunk;       /* objects per chunk */
    void *free_list;        /* singly linked through the first word */
    hr_pool_chunk *chunks;  /* every chunk, for destroy */
    size_t live;            /* objects currently allocated */
    size_t capacity;        /* objects in all chunks */
} hr_pool;

/* Prepare a pool of objects of obj_size bytes, allocated per_chunk at a
 * time (per_chunk 0 picks a default). Allocates nothing yet. */
void hr_pool_init(hr_pool *pool, size_t obj_size, size_t per_chunk);

/* An object of obj_size bytes (contents undefined), or NULL when memory is
 * exhausted. */
void *hr_pool_alloc(hr_pool *pool);

/* Return obj (from this pool) to the free list. */
void hr_pool_release(hr_pool *pool, void *obj);

/* Free every chunk; every object of the pool becomes invalid. The pool may
 * be initialised again. */
void hr_pool_destroy(hr_pool *pool);

#endif
