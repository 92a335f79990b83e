/* test_histogram.c - tests for src/core/histogram.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "headroom/histogram.h"

static int setup(void **state)
{
    hr_histogram *h = malloc(2 * sizeof *h);
    if (h == NULL)
        return -1;
    hr_histogram_reset(&h[0]);
    hr_histogram_reset(&h[1]);
    *state = h;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Compare quantiles against the exact ceil(q n)-th smallest value. */
static void check_quantiles(const hr_histogram *h, double *values, size_t n)
{
    static const double qs[] = {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9,
                                0.95, 0.99, 0.999, 0.9999, 1.0};
    qsort(values, n, sizeof *values, cmp_double);
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        size_t rank = (size_t)ceil(qs[i] * (double)n);
        double exact = values[rank == 0 ? 0 : rank - 1];
        if (exact < HR_HIST_MIN_S)
            continue; /* below the resolution by design (first bucket) */
        double got = hr_histogram_quantile(h, qs[i]);
        if (fabs(got / exact - 1.0) > 0.01)
            fail_msg("q=%g: got %.9g, exact %.9g (%.3f%% off)", qs[i], got, exact,
                     100.0 * (got / exact - 1.0));
    }
}

static void test_histogram_quantiles_within_1pct_on_uniform_ms(void **state)
{
    hr_histogram *h = *state;
    enum { N = 100000 };
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    for (int i = 0; i < N; i++) {
        v[i] = (i + 1) / 1000.0; /* 1 ms .. 100 s */
        hr_histogram_add(h, v[i]);
    }
    assert_int_equal(h->count, N);
    assert_true(h->min == 0.001);
    assert_true(h->max == 100.0);
    check_quantiles(h, v, N);
    free(v);
}

static void test_histogram_quantiles_within_1pct_on_exponential_sample(void **state)
{
    hr_histogram *h = *state;
    enum { N = 100000 };
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, 99);
    for (int i = 0; i < N; i++) {
        v[i] = gsl_ran_exponential(r, 0.05);
        hr_histogram_add(h, v[i]);
    }
    gsl_rng_free(r);
    check_quantiles(h, v, N);
    free(v);
}

static void test_histogram_every_bucket_is_within_relative_error_bound(void **state)
{
    hr_histogram *h = *state;
    /* One value v (plus a larger one so max does not clamp): the 0-quantile
     * is v's bucket midpoint, which the header promises within 0.79% (half
     * a bucket of width 1/64 of its lower edge), across the whole range
     * including powers of two and the values just below them. */
    for (double v = HR_HIST_MIN_S; v < HR_HIST_MAX_S; v *= 1.0013) {
        const double probes[] = {v, nextafter(v, 0.0), ldexp(1.0, ilogb(v)),
                                 nextafter(ldexp(1.0, ilogb(v) + 1), 0.0)};
        for (int k = 0; k < 4; k++) {
            double x = probes[k];
            if (x < HR_HIST_MIN_S)
                continue;
            hr_histogram_reset(h);
            hr_histogram_add(h, x);
            hr_histogram_add(h, 2.0 * HR_HIST_MAX_S);
            double got = hr_histogram_quantile(h, 0.0);
            if (!(got >= x) || got / x - 1.0 > 1.0 / 128.0 + 1e-12)
                fail_msg("value %.17g reported as %.17g", x, got);
        }
    }
}

static void test_histogram_tiny_and_huge_values_are_clamped_into_range(void **state)
{
    hr_histogram *h = *state;
    hr_histogram_add(h, 1e-9); /* below 2^-20 s */
    hr_histogram_add(h, 1e-12);
    assert_int_equal(h->buckets[0], 2);
    /* Quantiles are clamped to the exact min and max. */
    assert_true(hr_histogram_quantile(h, 0.0) <= 1e-9);
    assert_true(hr_histogram_quantile(h, 1.0) <= 1e-9);
    assert_true(hr_histogram_quantile(h, 0.0) >= 1e-12);

    hr_histogram_reset(h);
    hr_histogram_add(h, 1e7); /* above 2^17 s */
    hr_histogram_add(h, INFINITY);
    assert_int_equal(h->buckets[HR_HIST_BUCKETS - 1], 2);
    assert_true(hr_histogram_quantile(h, 0.5) >= 1e7);
    assert_true(h->max == INFINITY);
}

static void test_histogram_negative_and_nan_count_as_zero(void **state)
{
    hr_histogram *h = *state;
    hr_histogram_add(h, -3.0);
    hr_histogram_add(h, NAN);
    hr_histogram_add(h, 0.0);
    assert_int_equal(h->count, 3);
    assert_true(h->sum == 0.0);
    assert_true(h->min == 0.0);
    assert_true(h->max == 0.0);
    assert_true(hr_histogram_quantile(h, 0.99) == 0.0);
    assert_true(hr_histogram_mean(h) == 0.0);
}

static void test_histogram_empty_reports_zero(void **state)
{
    hr_histogram *h = *state;
    assert_int_equal(h->count, 0);
    assert_true(hr_histogram_quantile(h, 0.5) == 0.0);
    assert_true(hr_histogram_quantile(h, 1.0) == 0.0);
    assert_true(hr_histogram_mean(h) == 0.0);
}

static void test_histogram_mean_min_max_are_exact(void **state)
{
    hr_histogram *h = *state;
    hr_histogram_add(h, 0.010);
    hr_histogram_add(h, 0.020);
    hr_histogram_add(h, 0.060);
    assert_float_equal(hr_histogram_mean(h), 0.030, 1e-15);
    assert_true(h->min == 0.010);
    assert_true(h->max == 0.060);
    /* Out-of-range q is clamped. */
    assert_true(hr_histogram_quantile(h, -1.0) == hr_histogram_quantile(h, 0.0));
    assert_true(hr_histogram_quantile(h, 2.0) == hr_histogram_quantile(h, 1.0));
    assert_float_equal(hr_histogram_quantile(h, 1.0), 0.060, 0.060 / 128);
    /* The median is the 2nd smallest value's bucket. */
    assert_float_equal(hr_histogram_quantile(h, 0.5), 0.020, 0.020 / 128);
}

static void test_histogram_merge_equals_adding_everything(void **state)
{
    hr_histogram *h = *state;
    hr_histogram *a = &h[0], *b = &h[1];
    hr_histogram *all = malloc(sizeof *all);
    assert_non_null(all);
    hr_histogram_reset(all);
    for (int i = 0; i < 5000; i++) {
        double v = 0.001 * (1 + (i * 7919) % 3001);
        hr_histogram_add(i % 3 ? a : b, v);
        hr_histogram_add(all, v);
    }
    hr_histogram_add(b, 1e-8); /* only b has the minimum */
    hr_histogram_add(all, 1e-8);
    hr_histogram_merge(a, b);
    assert_int_equal(a->count, all->count);
    assert_memory_equal(a->buckets, all->buckets, sizeof a->buckets);
    assert_true(a->min == all->min);
    assert_true(a->max == all->max);
    assert_float_equal(a->sum, all->sum, 1e-9 * all->sum);
    for (int i = 0; i <= 100; i++)
        assert_true(hr_histogram_quantile(a, i / 100.0) == hr_histogram_quantile(all, i / 100.0));

    /* Merging an empty histogram changes nothing; merging into an empty
     * one copies. */
    hr_histogram_reset(b);
    hr_histogram_merge(a, b);
    assert_true(a->min == all->min && a->max == all->max && a->count == all->count);
    hr_histogram_merge(b, all);
    assert_memory_equal(b->buckets, all->buckets, sizeof b->buckets);
    assert_true(b->min == all->min && b->max == all->max);
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_histogram_quantiles_within_1pct_on_uniform_ms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_quantiles_within_1pct_on_exponential_sample, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_every_bucket_is_within_relative_error_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_tiny_and_huge_values_are_clamped_into_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_negative_and_nan_count_as_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_empty_reports_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_mean_min_max_are_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_histogram_merge_equals_adding_everything, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
