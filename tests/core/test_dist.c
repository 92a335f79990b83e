/* test_dist.c - tests for src/core/dist.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "headroom/dist.h"

#define N_SAMPLES 200000

static gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    return r;
}

static hr_dist prepared(hr_dist d)
{
    hr_error err;
    hr_error_clear(&err);
    if (hr_dist_prepare(&d, &err) != HR_OK)
        fail_msg("prepare failed: %s", err.msg);
    return d;
}

/* Draw N_SAMPLES and check the sample mean against hr_dist_mean within 5
 * standard errors: by the CLT the sample mean is close to normal with sd
 * sqrt(var / n), so a correct sampler fails this with probability about
 * 6e-7, while a wrong mean or scale shows up as dozens of errors. The
 * sample variance must be within 5% (its own standard error is under 1%
 * for these light-tailed cases). */
static void check_moments(hr_dist d, unsigned long seed, int check_var)
{
    gsl_rng *r = new_rng(seed);
    double sum = 0.0, sumsq = 0.0;
    for (int i = 0; i < N_SAMPLES; i++) {
        double x = hr_dist_sample(&d, r);
        assert_true(x >= 0.0);
        sum += x;
        sumsq += x * x;
    }
    gsl_rng_free(r);
    double mean = sum / N_SAMPLES;
    double var = sumsq / N_SAMPLES - mean * mean;
    double want_mean = hr_dist_mean(&d);
    double want_var = hr_dist_variance(&d);
    double se = sqrt(want_var / N_SAMPLES);
    if (fabs(mean - want_mean) > 5.0 * se)
        fail_msg("%s: sample mean %g, want %g +- %g", hr_dist_name(d.kind), mean,
                 want_mean, 5.0 * se);
    if (check_var && fabs(var / want_var - 1.0) > 0.05)
        fail_msg("%s: sample variance %g, want %g", hr_dist_name(d.kind), var, want_var);
}

static void test_dist_sample_means_match_for_every_kind(void **state)
{
    (void)state;
    check_moments(prepared((hr_dist){.kind = HR_DIST_EXPONENTIAL, .mean_s = 0.12}), 1, 1);
    check_moments(prepared((hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 90, .sd_s = 15}), 2, 1);
    check_moments(prepared((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 0.04, .sigma = 0.5}), 3, 1);
    /* p99 = 7.5x the mean gives sigma about 1.15: heavy tailed, so only the
     * mean is checked (the sample variance converges slowly). */
    check_moments(prepared((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 0.04, .p99_s = 0.3}), 4, 0);
    check_moments(prepared((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 0.12, .cv = 0.5}), 5, 1);
    check_moments(prepared((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 0.12, .cv = 1.5}), 6, 0);
}

static void test_dist_constant_always_returns_its_mean(void **state)
{
    (void)state;
    hr_dist d = prepared((hr_dist){.kind = HR_DIST_CONSTANT, .mean_s = 0.25});
    gsl_rng *r = new_rng(1);
    for (int i = 0; i < 100; i++)
        assert_true(hr_dist_sample(&d, r) == 0.25);
    gsl_rng_free(r);
    assert_true(hr_dist_quantile(&d, 0.9) == 0.25);
    assert_true(hr_dist_variance(&d) == 0.0);
    /* A constant may be 0 (no boot delay). */
    hr_dist zero = prepared((hr_dist){.kind = HR_DIST_CONSTANT, .mean_s = 0});
    assert_true(hr_dist_quantile(&zero, 0.5) == 0.0);
}

static void test_dist_normal_is_truncated_at_zero(void **state)
{
    (void)state;
    /* sd twice the mean: a third of the untruncated mass is negative. The
     * truncated mean and variance (not 1 and 4) must match the draws. */
    hr_dist d = prepared((hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 1.0, .sd_s = 2.0});
    assert_true(hr_dist_mean(&d) > 1.5);
    assert_true(hr_dist_variance(&d) < 4.0);
    check_moments(d, 7, 1);
    assert_true(hr_dist_quantile(&d, 1e-9) >= 0.0);
    assert_true(hr_dist_quantile(&d, 1e-9) < 1e-6);

    /* sd 0 is a constant. */
    hr_dist c = prepared((hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 2.0, .sd_s = 0.0});
    gsl_rng *r = new_rng(3);
    assert_true(hr_dist_sample(&c, r) == 2.0);
    gsl_rng_free(r);
    assert_true(hr_dist_quantile(&c, 0.3) == 2.0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_dist_lognormal_p99_is_honoured(void **state)
{
    (void)state;
    hr_dist d = prepared((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 0.04, .p99_s = 0.3});
    /* The derived parameters reproduce both inputs exactly. */
    assert_float_equal(exp(d.mu + d.sigma * d.sigma / 2), 0.04, 1e-12);
    assert_float_equal(hr_dist_quantile(&d, 0.99), 0.3, 1e-9);

    /* Empirically: the 99th percentile of 10^6 draws within 2% of p99. Its
     * relative standard error is sqrt(.99 .01 / n) sigma / phi(z99), 0.4%
     * here, so 2% is about 5 standard errors. */
    enum { N = 1000000 };
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    gsl_rng *r = new_rng(11);
    for (int i = 0; i < N; i++)
        x[i] = hr_dist_sample(&d, r);
    gsl_rng_free(r);
    qsort(x, N, sizeof *x, cmp_double);
    double p99 = x[(int)(0.99 * N) - 1];
    free(x);
    if (fabs(p99 / 0.3 - 1.0) > 0.02)
        fail_msg("empirical p99 %g, want 0.3 within 2%%", p99);
}

static void test_dist_lognormal_p99_at_upper_limit_is_accepted(void **state)
{
    (void)state;
    /* p99 = mean exp(z^2/2) is the largest allowed: sigma = z. */
    double z = 2.326347874040841;
    hr_dist d = prepared((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 1.0,
                                   .p99_s = exp(z * z / 2) * (1 - 1e-15)});
    assert_float_equal(d.sigma, z, 1e-6);
}

/* quantile(u) for many u is non-decreasing and never negative. */
static void check_monotone(hr_dist d)
{
    double prev = -1.0;
    for (int i = 0; i <= 1000; i++) {
        double u = (i + 0.5) / 1001.0;
        double x = hr_dist_quantile(&d, u);
        if (!(x >= prev) || !isfinite(x))
            fail_msg("%s: quantile(%g) = %g after %g", hr_dist_name(d.kind), u, x, prev);
        prev = x;
    }
    /* The ends are clamped to finite values. */
    assert_true(isfinite(hr_dist_quantile(&d, 0.0)));
    assert_true(isfinite(hr_dist_quantile(&d, 1.0)));
    assert_true(hr_dist_quantile(&d, 0.0) >= 0.0);
}

static void test_dist_quantile_is_monotone_for_every_kind(void **state)
{
    (void)state;
    check_monotone(prepared((hr_dist){.kind = HR_DIST_EXPONENTIAL, .mean_s = 2}));
    check_monotone(prepared((hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 1, .sd_s = 3}));
    check_monotone(prepared((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 1, .sigma = 2}));
    check_monotone(prepared((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 1, .cv = 0.2}));
    check_monotone(prepared((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 1, .cv = 4}));
}

static void test_dist_quantile_matches_known_values(void **state)
{
    (void)state;
    hr_dist e = prepared((hr_dist){.kind = HR_DIST_EXPONENTIAL, .mean_s = 2});
    assert_float_equal(hr_dist_quantile(&e, 0.5), 2 * log(2.0), 1e-12);
    assert_float_equal(hr_dist_quantile(&e, 0.99), 2 * log(100.0), 1e-10);

    /* Truncation is negligible at mean 90s, sd 15s (6 sd). */
    hr_dist n = prepared((hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 90, .sd_s = 15});
    assert_float_equal(hr_dist_quantile(&n, 0.5), 90.0, 1e-6);
    assert_float_equal(hr_dist_quantile(&n, 0.975), 90 + 1.959963985 * 15, 1e-6);

    hr_dist l = prepared((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 1, .sigma = 1});
    assert_float_equal(hr_dist_quantile(&l, 0.5), exp(-0.5), 1e-12);

    /* Gamma with cv 1 is exponential; cv 2 (shape 1/4) is where GSL's own
     * inverse fails, ours must not. */
    hr_dist g1 = prepared((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 2, .cv = 1});
    assert_float_equal(hr_dist_quantile(&g1, 0.5), 2 * log(2.0), 1e-9);
    assert_float_equal(hr_dist_quantile(&g1, 1e-6), -2 * log1p(-1e-6), 1e-15);
    assert_float_equal(hr_dist_quantile(&g1, 0.999999), 2 * log(1e6), 1e-8);
    /* Gamma(shape 1/4, scale 4) has no closed-form quantile, so check
     * against an independent CDF instead: P(X <= q(u)) = u. */
    hr_dist g2 = prepared((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 1, .cv = 2});
    assert_float_equal(g2.shape, 0.25, 1e-15);
    assert_float_equal(g2.scale, 4.0, 1e-15);
    double us[] = {1e-12, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-9};
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
        double x = hr_dist_quantile(&g2, us[i]);
        assert_true(x > 0.0);
        /* Reference: Gamma(1/4) CDF by series, P(a, y) = y^a e^-y / Gamma(a+1)
         * sum_k y^k / ((a+1)...(a+k)), y = x / scale. */
        double a = 0.25, y = x / 4.0, term = 1.0, sum = 1.0;
        for (int k = 1; k < 2000 && term > 1e-18 * sum; k++) {
            term *= y / (a + k);
            sum += term;
        }
        double cdf = exp(a * log(y) - y - lgamma(a + 1.0)) * sum;
        if (us[i] <= 0.5)
            assert_float_equal(cdf / us[i], 1.0, 1e-8);
        else
            assert_float_equal(cdf, us[i], 1e-9);
    }
}

static void test_dist_variance_formulas(void **state)
{
    (void)state;
    hr_dist e = prepared((hr_dist){.kind = HR_DIST_EXPONENTIAL, .mean_s = 3});
    assert_float_equal(hr_dist_variance(&e), 9.0, 1e-12);
    hr_dist g = prepared((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 2, .cv = 0.5});
    assert_float_equal(hr_dist_variance(&g), 1.0, 1e-12);
    hr_dist l = prepared((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 1, .sigma = 1});
    assert_float_equal(hr_dist_variance(&l), exp(1.0) - 1.0, 1e-12);
    hr_dist n = prepared((hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 90, .sd_s = 15});
    assert_float_equal(hr_dist_variance(&n), 225.0, 1e-6);
    assert_float_equal(hr_dist_mean(&n), 90.0, 1e-6);
}

/* prepare must fail with HR_EINVAL and a message containing want. */
static void expect_rejected(hr_dist d, const char *want)
{
    hr_error err;
    hr_error_clear(&err);
    assert_int_equal(hr_dist_prepare(&d, &err), HR_EINVAL);
    assert_int_equal(err.code, HR_EINVAL);
    if (strstr(err.msg, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    assert_int_equal(hr_dist_prepare(&d, NULL), HR_EINVAL);
}

static void test_dist_prepare_rejects_bad_parameters(void **state)
{
    (void)state;
    expect_rejected((hr_dist){.kind = HR_DIST_EXPONENTIAL, .mean_s = 0}, "mean must be greater than 0");
    expect_rejected((hr_dist){.kind = HR_DIST_EXPONENTIAL, .mean_s = -1}, "got -1000ms");
    expect_rejected((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = NAN, .cv = 1}, "mean");
    expect_rejected((hr_dist){.kind = HR_DIST_EXPONENTIAL, .mean_s = INFINITY}, "mean");
    expect_rejected((hr_dist){.kind = HR_DIST_CONSTANT, .mean_s = -0.5}, "mean must be 0 or more");
    expect_rejected((hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 1, .sd_s = -1}, "sd must be 0 or more");
    expect_rejected((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 1, .cv = 0}, "cv");
    expect_rejected((hr_dist){.kind = HR_DIST_GAMMA, .mean_s = 1, .cv = -2}, "cv");
    expect_rejected((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 1, .sigma = 1, .p99_s = 3},
                    "give either sigma or p99, not both");
    expect_rejected((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 1}, "give sigma");
    expect_rejected((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 1, .sigma = -1}, "sigma");
    expect_rejected((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 0.04, .p99_s = 0.8},
                    "lognormal p99 must be between the mean (40ms) and 14.9x the mean "
                    "(598ms); got 800ms");
    expect_rejected((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 0.04, .p99_s = 0.04}, "p99");
    expect_rejected((hr_dist){.kind = HR_DIST_LOGNORMAL, .mean_s = 0.04, .p99_s = 0.01}, "p99");
    expect_rejected((hr_dist){.kind = (hr_dist_kind)42, .mean_s = 1}, "unknown distribution");
}

static void test_dist_names_match_scenario_spelling(void **state)
{
    (void)state;
    assert_string_equal(hr_dist_name(HR_DIST_CONSTANT), "constant");
    assert_string_equal(hr_dist_name(HR_DIST_EXPONENTIAL), "exponential");
    assert_string_equal(hr_dist_name(HR_DIST_NORMAL), "normal");
    assert_string_equal(hr_dist_name(HR_DIST_LOGNORMAL), "lognormal");
    assert_string_equal(hr_dist_name(HR_DIST_GAMMA), "gamma");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_sample_means_match_for_every_kind),
        cmocka_unit_test(test_dist_constant_always_returns_its_mean),
        cmocka_unit_test(test_dist_normal_is_truncated_at_zero),
        cmocka_unit_test(test_dist_lognormal_p99_is_honoured),
        cmocka_unit_test(test_dist_lognormal_p99_at_upper_limit_is_accepted),
        cmocka_unit_test(test_dist_quantile_is_monotone_for_every_kind),
        cmocka_unit_test(test_dist_quantile_matches_known_values),
        cmocka_unit_test(test_dist_variance_formulas),
        cmocka_unit_test(test_dist_prepare_rejects_bad_parameters),
        cmocka_unit_test(test_dist_names_match_scenario_spelling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
