/* test_queue.c - tests for src/core/queue.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "headroom/queue.h"

static int setup(void **state)
{
    hr_queue *q = malloc(sizeof *q);
    if (q == NULL || hr_queue_init(q, NULL) != HR_OK) {
        free(q);
        return -1;
    }
    *state = q;
    return 0;
}

static int teardown(void **state)
{
    hr_queue_destroy(*state);
    free(*state);
    return 0;
}

/* Pop one event, check its fields and release it. */
static void expect_pop(hr_queue *q, double time_s, uint64_t arg)
{
    hr_event *ev = hr_queue_pop(q);
    assert_non_null(ev);
    assert_true(ev->time_s == time_s);
    assert_int_equal(ev->arg, arg);
    hr_queue_release(q, ev);
}

static void test_queue_empty_pops_null_and_peeks_infinity(void **state)
{
    hr_queue *q = *state;
    assert_null(hr_queue_pop(q));
    assert_true(isinf(hr_queue_peek_time(q)) && hr_queue_peek_time(q) > 0);
    assert_int_equal(hr_queue_size(q), 0);
}

static void test_queue_pops_in_time_order_with_caller_fields(void **state)
{
    hr_queue *q = *state;
    int obj;
    const double times[] = {5.0, 1.0, 3.0, 0.5, 4.0, 2.0};
    for (int i = 0; i < 6; i++)
        assert_non_null(hr_queue_push(q, times[i], 100 + i, &obj, (uint64_t)i));
    assert_int_equal(hr_queue_size(q), 6);
    assert_true(hr_queue_peek_time(q) == 0.5);

    hr_event *ev = hr_queue_pop(q);
    assert_true(ev->time_s == 0.5);
    assert_int_equal(ev->type, 103);
    assert_ptr_equal(ev->obj, &obj);
    assert_int_equal(ev->arg, 3);
    assert_false(ev->cancelled);
    hr_queue_release(q, ev);

    expect_pop(q, 1.0, 1);
    expect_pop(q, 2.0, 5);
    expect_pop(q, 3.0, 2);
    expect_pop(q, 4.0, 4);
    expect_pop(q, 5.0, 0);
    assert_null(hr_queue_pop(q));
}

static void test_queue_equal_times_fire_in_push_order(void **state)
{
    hr_queue *q = *state;
    /* Interleave two times so the heap has to reorder ties. */
    for (uint64_t i = 0; i < 200; i++)
        hr_queue_push(q, (i % 2) ? 7.0 : 3.0, 0, NULL, i);
    for (uint64_t i = 0; i < 200; i += 2)
        expect_pop(q, 3.0, i);
    for (uint64_t i = 1; i < 200; i += 2)
        expect_pop(q, 7.0, i);
}

static void test_queue_cancelled_event_is_never_popped(void **state)
{
    hr_queue *q = *state;
    hr_queue_push(q, 1.0, 0, NULL, 1);
    hr_event *b = hr_queue_push(q, 2.0, 0, NULL, 2);
    hr_queue_push(q, 3.0, 0, NULL, 3);
    hr_queue_cancel(q, b);
    hr_queue_cancel(q, b); /* twice is harmless */
    assert_int_equal(hr_queue_size(q), 2);
    expect_pop(q, 1.0, 1);
    expect_pop(q, 3.0, 3);
    assert_null(hr_queue_pop(q));
    assert_int_equal(hr_queue_size(q), 0);
}

static void test_queue_cancelling_head_moves_peek_to_next_live_event(void **state)
{
    hr_queue *q = *state;
    hr_event *a = hr_queue_push(q, 1.0, 0, NULL, 1);
    hr_event *b = hr_queue_push(q, 1.0, 0, NULL, 2);
    hr_queue_push(q, 4.0, 0, NULL, 3);
    hr_queue_cancel(q, a);
    hr_queue_cancel(q, b);
    assert_true(hr_queue_peek_time(q) == 4.0);
    assert_int_equal(hr_queue_size(q), 1);
    /* peek recycled the cancelled heads: the pool has them back. */
    assert_int_equal(q->events.live, 1);
    expect_pop(q, 4.0, 3);
}

static void test_queue_cancelling_everything_leaves_it_empty(void **state)
{
    hr_queue *q = *state;
    hr_event *evs[100];
    for (int i = 0; i < 100; i++)
        evs[i] = hr_queue_push(q, 100.0 - i, 0, NULL, (uint64_t)i);
    for (int i = 0; i < 100; i++)
        hr_queue_cancel(q, evs[i]);
    assert_int_equal(hr_queue_size(q), 0);
    assert_true(isinf(hr_queue_peek_time(q)));
    assert_null(hr_queue_pop(q));
    assert_int_equal(q->events.live, 0);

    /* Still usable afterwards. */
    hr_queue_push(q, 2.0, 0, NULL, 7);
    expect_pop(q, 2.0, 7);
}

/* Deterministic generator for the tests (xorshift64*), independent of the
 * code under test. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* Reference: a plain array of (time, seq, alive) scanned for the minimum. */
typedef struct ref_entry {
    double time_s;
    uint64_t seq;
    hr_event *ev;
    int alive;
} ref_entry;

static void test_queue_matches_sorted_reference_under_random_operations(void **state)
{
    hr_queue *q = *state;
    enum { N = 6000 };
    ref_entry *ref = calloc(N, sizeof *ref);
    assert_non_null(ref);
    size_t nref = 0, alive = 0;
    uint64_t rs = 0x1234567887654321u;
    double now = 0.0;

    for (int step = 0; step < 20000; step++) {
        uint64_t r = next_rand(&rs) % 10;
        if (r < 5 && nref < N) {
            /* Times on a coarse grid so ties are common. */
            double t = now + (double)(next_rand(&rs) % 50) * 0.25;
            hr_event *ev = hr_queue_push(q, t, 0, NULL, nref);
            assert_non_null(ev);
            ref[nref] = (ref_entry){t, nref, ev, 1};
            nref++;
            alive++;
        } else if (r < 7 && alive > 0) {
            /* Cancel a random live event. */
            size_t k = next_rand(&rs) % nref;
            while (!ref[k].alive)
                k = (k + 1) % nref;
            hr_queue_cancel(q, ref[k].ev);
            ref[k].alive = 0;
            alive--;
        } else {
            size_t best = SIZE_MAX;
            for (size_t k = 0; k < nref; k++)
                if (ref[k].alive && (best == SIZE_MAX || ref[k].time_s < ref[best].time_s))
                    best = k; /* first of equal times = lowest seq */
            if (best == SIZE_MAX) {
                assert_null(hr_queue_pop(q));
                continue;
            }
            assert_true(hr_queue_peek_time(q) == ref[best].time_s);
            hr_event *ev = hr_queue_pop(q);
            assert_non_null(ev);
            assert_int_equal(ev->arg, ref[best].seq);
            now = ev->time_s;
            ref[best].alive = 0;
            alive--;
            hr_queue_release(q, ev);
        }
        assert_int_equal(hr_queue_size(q), alive);
    }
    free(ref);
}

/* The heap compares integer keys made from the times: every finite double
 * must keep its order, -0 must tie with +0 (then push order decides), and a
 * negative time must come before a positive one. */
static void test_queue_integer_keys_order_times_like_doubles(void **state)
{
    hr_queue *q = *state;
    const double times[] = {1e300, 0.0, -5.0, 4.9e-324, -0.0, 2.5, -1e300, -4.9e-324,
                            2.5, 0.0, 1.0, -0.0};
    const size_t n = sizeof times / sizeof *times;
    for (size_t i = 0; i < n; i++)
        assert_non_null(hr_queue_push(q, times[i], 0, NULL, i));
    /* expected: by value, equal values (and -0 == +0) by push index */
    const uint64_t order[] = {6, 2, 7, 1, 4, 9, 11, 3, 10, 5, 8, 0};
    for (size_t k = 0; k < n; k++)
        expect_pop(q, times[order[k]], order[k]);
    assert_null(hr_queue_pop(q));
}

static void test_queue_reuses_pool_events_once_warm(void **state)
{
    hr_queue *q = *state;
    /* Warm up with a working set of 1000 events. */
    for (int i = 0; i < 1000; i++)
        hr_queue_push(q, (double)i, 0, NULL, (uint64_t)i);
    size_t cap = q->events.capacity;
    size_t heap_cap = q->cap;

    /* Steady state: each popped event schedules a successor; cancel some
     * and push replacements. Nothing new may be allocated. */
    double last = -1.0;
    for (int i = 0; i < 50000; i++) {
        hr_event *ev = hr_queue_pop(q);
        assert_non_null(ev);
        assert_true(ev->time_s >= last);
        last = ev->time_s;
        double t = ev->time_s + 1000.0;
        hr_queue_release(q, ev);
        hr_event *next = hr_queue_push(q, t, 0, NULL, (uint64_t)i);
        if (i % 3 == 0) {
            hr_queue_cancel(q, next);
            hr_queue_push(q, t + 0.5, 0, NULL, (uint64_t)i);
        }
    }
    assert_int_equal(hr_queue_size(q), 1000);
    assert_true(q->events.capacity <= cap + q->events.per_chunk);
    assert_true(q->cap <= 2 * heap_cap);
}

static void test_queue_mass_cancellation_keeps_heap_bounded(void **state)
{
    hr_queue *q = *state;
    /* A request-mode pattern: every request schedules a timeout that is
     * almost always cancelled when the request completes. */
    double now = 0.0;
    for (int i = 0; i < 200000; i++) {
        hr_event *timeout = hr_queue_push(q, now + 1e6, 1, NULL, (uint64_t)i);
        hr_queue_cancel(q, timeout);
        hr_queue_push(q, now + 0.001, 0, NULL, (uint64_t)i);
        hr_event *ev = hr_queue_pop(q);
        assert_int_equal(ev->type, 0);
        now = ev->time_s;
        hr_queue_release(q, ev);
    }
    assert_int_equal(hr_queue_size(q), 0);
    assert_true(q->size < 20000); /* cancelled entries were compacted away */
    assert_true(isinf(hr_queue_peek_time(q)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_queue_empty_pops_null_and_peeks_infinity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_pops_in_time_order_with_caller_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_equal_times_fire_in_push_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_cancelled_event_is_never_popped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_cancelling_head_moves_peek_to_next_live_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_cancelling_everything_leaves_it_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_matches_sorted_reference_under_random_operations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_integer_keys_order_times_like_doubles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_reuses_pool_events_once_warm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_mass_cancellation_keeps_heap_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
