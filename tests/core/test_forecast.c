/* test_forecast.c - the forecasters on series whose answer is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "headroom/error.h"
#include "headroom/forecast.h"

#define N_MAX 400

/* A periodic series of period 24 with a sharp daily shape. */
static double periodic(size_t t)
{
    static const double day[24] = {5, 4, 3, 3, 4, 6, 10, 20, 35, 50, 60, 62,
                                   61, 60, 58, 55, 50, 45, 40, 30, 20, 12, 8, 6};
    return day[t % 24];
}

static void test_seasonal_naive_is_exact_on_a_periodic_series(void **state)
{
    (void)state;
    double y[100];
    for (size_t t = 0; t < 100; t++)
        y[t] = periodic(t);
    hr_error err = {0};
    for (size_t h = 1; h <= 60; h++) {
        double f;
        assert_int_equal(hr_forecast_seasonal_naive(y, 100, 24, h, &f, &err), HR_OK);
        assert_true(f == periodic(99 + h));
    }
}

static void test_seasonal_naive_needs_a_season(void **state)
{
    (void)state;
    double y[10] = {0}, f;
    hr_error err = {0};
    assert_int_equal(hr_forecast_seasonal_naive(y, 10, 24, 1, &f, &err), HR_EINVAL);
}

static void test_linear_regression_recovers_a_line_exactly(void **state)
{
    (void)state;
    double y[50];
    for (size_t t = 0; t < 50; t++)
        y[t] = 12.5 + 3.25 * (double)t;
    hr_error err = {0};
    for (size_t h = 1; h <= 20; h += 7) {
        double f;
        assert_int_equal(hr_forecast_polynomial(y, 50, 1, h, &f, &err), HR_OK);
        assert_float_equal(f, 12.5 + 3.25 * (double)(49 + h), 1e-9);
    }
}

static void test_polynomial_of_degree_2_recovers_a_quadratic(void **state)
{
    (void)state;
    double y[60];
    for (size_t t = 0; t < 60; t++)
        y[t] = 100 - 2.0 * (double)t + 0.05 * (double)t * (double)t;
    hr_error err = {0};
    double f;
    assert_int_equal(hr_forecast_polynomial(y, 60, 2, 15, &f, &err), HR_OK);
    assert_float_equal(f, 100 - 2.0 * 74 + 0.05 * 74 * 74, 1e-8);
    /* a line through the same points misses the curvature */
    double line;
    assert_int_equal(hr_forecast_polynomial(y, 60, 1, 15, &line, &err), HR_OK);
    assert_true(fabs(line - f) > 1);
}

static void test_polynomial_needs_degree_plus_one_points(void **state)
{
    (void)state;
    double y[2] = {1, 2}, f;
    hr_error err = {0};
    assert_int_equal(hr_forecast_polynomial(y, 2, 2, 1, &f, &err), HR_EINVAL);
    assert_int_equal(hr_forecast_polynomial(y, 2, 1, 1, &f, &err), HR_OK);
    assert_float_equal(f, 3, 1e-12);
}

/* Additive Holt-Winters on trend + season: the start is exact, so every
 * forecast is, whatever the smoothing. */
static void test_holt_winters_additive_is_exact_on_trend_plus_season(void **state)
{
    (void)state;
    double y[N_MAX];
    for (size_t t = 0; t < 24 * 5; t++)
        y[t] = 40 + 0.5 * (double)t + periodic(t) - 29.458333333333332; /* season centred on 0 */
    hr_error err = {0};
    hr_holt_winters hw;
    assert_int_equal(hr_hw_start(&hw, HR_SEASONALITY_ADDITIVE, 24, 0.3, 0.1, 0.2, y, 24 * 5, &err),
                     HR_OK);
    for (size_t h = 1; h <= 30; h++) {
        size_t t = 24 * 5 - 1 + h;
        assert_float_equal(hr_hw_forecast(&hw, h), 40 + 0.5 * (double)t + periodic(t) - 29.458333333333332,
                            1e-9);
    }
    assert_true(hw.sse < 1e-15);
    hr_hw_free(&hw);
}

/* Multiplicative Holt-Winters on (level + trend) x season converges: after
 * a few seasons the one-day-ahead forecast is within 1%. */
static void test_holt_winters_multiplicative_converges_on_a_scaled_season(void **state)
{
    (void)state;
    double y[N_MAX];
    size_t n = 24 * 12;
    for (size_t t = 0; t < n; t++)
        y[t] = (200 + 1.0 * (double)t) * periodic(t) / 29.458333333333332;
    hr_error err = {0};
    hr_holt_winters hw;
    assert_int_equal(
        hr_hw_start(&hw, HR_SEASONALITY_MULTIPLICATIVE, 24, 0.3, 0.05, 0.3, y, n, &err), HR_OK);
    for (size_t h = 1; h <= 24; h++) {
        size_t t = n - 1 + h;
        double truth = (200 + 1.0 * (double)t) * periodic(t) / 29.458333333333332;
        assert_true(fabs(hr_hw_forecast(&hw, h) - truth) <= 0.01 * truth);
    }
    hr_hw_free(&hw);
    /* the additive model on the same series does worse */
    assert_int_equal(hr_hw_start(&hw, HR_SEASONALITY_ADDITIVE, 24, 0.3, 0.05, 0.3, y, n, &err),
                     HR_OK);
    double worst = 0;
    for (size_t h = 1; h <= 24; h++) {
        size_t t = n - 1 + h;
        double truth = (200 + 1.0 * (double)t) * periodic(t) / 29.458333333333332;
        worst = fmax(worst, fabs(hr_hw_forecast(&hw, h) - truth) / truth);
    }
    assert_true(worst > 0.01);
    hr_hw_free(&hw);
}

static void test_holt_winters_update_matches_a_start_on_the_longer_series(void **state)
{
    (void)state;
    double y[N_MAX];
    for (size_t t = 0; t < 24 * 4; t++)
        y[t] = periodic(t) * (1 + 0.1 * sin((double)t));
    hr_error err = {0};
    hr_holt_winters a, b;
    assert_int_equal(hr_hw_start(&a, HR_SEASONALITY_ADDITIVE, 24, 0.5, 0.1, 0.1, y, 60, &err),
                     HR_OK);
    for (size_t t = 60; t < 96; t++)
        hr_hw_update(&a, y[t]);
    assert_int_equal(hr_hw_start(&b, HR_SEASONALITY_ADDITIVE, 24, 0.5, 0.1, 0.1, y, 96, &err),
                     HR_OK);
    assert_float_equal(hr_hw_forecast(&a, 5), hr_hw_forecast(&b, 5), 1e-12);
    hr_hw_free(&a);
    hr_hw_free(&b);
}

static void test_holt_winters_needs_two_seasons_and_positive_means(void **state)
{
    (void)state;
    double y[48] = {0};
    hr_error err = {0};
    hr_holt_winters hw;
    assert_int_equal(hr_hw_start(&hw, HR_SEASONALITY_ADDITIVE, 24, 0.5, 0.1, 0.1, y, 47, &err),
                     HR_EINVAL);
    assert_int_equal(
        hr_hw_start(&hw, HR_SEASONALITY_MULTIPLICATIVE, 24, 0.5, 0.1, 0.1, y, 48, &err),
        HR_EINVAL);
    assert_non_null(strstr(err.msg, "positive"));
}

/* The grid search prefers fast smoothing on a series whose level jumps. */
static void test_holt_winters_fit_picks_the_least_one_step_error(void **state)
{
    (void)state;
    double y[N_MAX];
    size_t n = 24 * 6;
    for (size_t t = 0; t < n; t++)
        y[t] = periodic(t) + (t >= 24 * 3 ? 100 : 0);
    hr_error err = {0};
    double a, b, g;
    assert_int_equal(hr_hw_fit(HR_SEASONALITY_ADDITIVE, 24, y, n, &a, &b, &g, &err), HR_OK);
    hr_holt_winters best, slow;
    assert_int_equal(hr_hw_start(&best, HR_SEASONALITY_ADDITIVE, 24, a, b, g, y, n, &err), HR_OK);
    assert_int_equal(hr_hw_start(&slow, HR_SEASONALITY_ADDITIVE, 24, 0.1, 0.01, 0.05, y, n, &err),
                     HR_OK);
    assert_true(best.sse <= slow.sse);
    assert_true(a > 0.1);
    hr_hw_free(&best);
    hr_hw_free(&slow);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seasonal_naive_is_exact_on_a_periodic_series),
        cmocka_unit_test(test_seasonal_naive_needs_a_season),
        cmocka_unit_test(test_linear_regression_recovers_a_line_exactly),
        cmocka_unit_test(test_polynomial_of_degree_2_recovers_a_quadratic),
        cmocka_unit_test(test_polynomial_needs_degree_plus_one_points),
        cmocka_unit_test(test_holt_winters_additive_is_exact_on_trend_plus_season),
        cmocka_unit_test(test_holt_winters_multiplicative_converges_on_a_scaled_season),
        cmocka_unit_test(test_holt_winters_update_matches_a_start_on_the_longer_series),
        cmocka_unit_test(test_holt_winters_needs_two_seasons_and_positive_means),
        cmocka_unit_test(test_holt_winters_fit_picks_the_least_one_step_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
