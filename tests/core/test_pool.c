/* test_pool.c - tests for src/core/pool.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "headroom/pool.h"

typedef struct thing {
    double when_s;
    uint64_t id;
    char tag[13];
} thing;

static void test_pool_init_allocates_nothing_and_rounds_size(void **state)
{
    (void)state;
    hr_pool pool;
    hr_pool_init(&pool, sizeof(thing), 8);
    assert_int_equal(pool.capacity, 0);
    assert_int_equal(pool.live, 0);
    assert_null(pool.chunks);
    assert_true(pool.obj_size >= sizeof(thing));
    assert_int_equal(pool.obj_size % sizeof(void *), 0);

    /* Objects smaller than a pointer still hold the free-list link. */
    hr_pool tiny;
    hr_pool_init(&tiny, 1, 0);
    assert_true(tiny.obj_size >= sizeof(void *));
    assert_true(tiny.per_chunk > 0);
    hr_pool_destroy(&pool);
    hr_pool_destroy(&tiny);
}

static void test_pool_objects_are_distinct_aligned_and_writable(void **state)
{
    (void)state;
    hr_pool pool;
    hr_pool_init(&pool, sizeof(thing), 4); /* several chunks */
    thing *objs[50];
    for (int i = 0; i < 50; i++) {
        objs[i] = hr_pool_alloc(&pool);
        assert_non_null(objs[i]);
        assert_int_equal((uintptr_t)objs[i] % _Alignof(double), 0);
        objs[i]->when_s = i * 1.5;
        objs[i]->id = (uint64_t)i;
        memset(objs[i]->tag, 'a' + i % 26, sizeof objs[i]->tag);
    }
    assert_int_equal(pool.live, 50);
    assert_true(pool.capacity >= 50);
    /* No object overlaps another: every write survived. */
    for (int i = 0; i < 50; i++) {
        assert_true(objs[i]->when_s == i * 1.5);
        assert_int_equal(objs[i]->id, i);
        assert_int_equal(objs[i]->tag[12], 'a' + i % 26);
    }
    hr_pool_destroy(&pool);
    assert_int_equal(pool.capacity, 0);
}

static void test_pool_reuses_released_objects_without_growing(void **state)
{
    (void)state;
    hr_pool pool;
    hr_pool_init(&pool, sizeof(thing), 16);
    void *objs[16];
    for (int i = 0; i < 16; i++)
        objs[i] = hr_pool_alloc(&pool);
    size_t cap = pool.capacity;
    assert_int_equal(cap, 16);

    for (int round = 0; round < 100; round++) {
        for (int i = 0; i < 16; i++)
            hr_pool_release(&pool, objs[i]);
        assert_int_equal(pool.live, 0);
        for (int i = 0; i < 16; i++) {
            objs[i] = hr_pool_alloc(&pool);
            assert_non_null(objs[i]);
        }
    }
    assert_int_equal(pool.capacity, cap);
    assert_int_equal(pool.live, 16);

    /* The last released object is the next one handed out (hot in cache). */
    hr_pool_release(&pool, objs[3]);
    assert_ptr_equal(hr_pool_alloc(&pool), objs[3]);
    hr_pool_destroy(&pool);
}

static void test_pool_can_be_initialised_again_after_destroy(void **state)
{
    (void)state;
    hr_pool pool;
    hr_pool_init(&pool, 24, 0);
    for (int i = 0; i < 1000; i++)
        assert_non_null(hr_pool_alloc(&pool));
    hr_pool_destroy(&pool);
    hr_pool_init(&pool, 40, 0);
    assert_non_null(hr_pool_alloc(&pool));
    assert_int_equal(pool.live, 1);
    hr_pool_destroy(&pool);
    hr_pool_destroy(&pool); /* destroying an empty pool is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_init_allocates_nothing_and_rounds_size),
        cmocka_unit_test(test_pool_objects_are_distinct_aligned_and_writable),
        cmocka_unit_test(test_pool_reuses_released_objects_without_growing),
        cmocka_unit_test(test_pool_can_be_initialised_again_after_destroy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
