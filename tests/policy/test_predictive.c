/* test_predictive.c - kind: predictive (its forecast capacity, modes, max
 * and fallback, forecast error) and the combinators kind: max and kind: min. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "headroom/controller.h"
#include "headroom/policy.h"
#include "headroom/scenario.h"

/* A scenario of up to four policies (policy 0 is under test): metrics
 * every 60s published 60s later, fleet 1..100. */
typedef struct multi {
    hr_scenario sc;
    hr_policy_config cfg[4];
    size_t children[4];
    hr_policy *p;
} multi;

static void multi_init(multi *m, size_t n)
{
    memset(m, 0, sizeof *m);
    m->sc.metrics.period_s = 60;
    m->sc.metrics.delay_s = 60;
    m->sc.fleet.min = 1;
    m->sc.fleet.max = 100;
    m->sc.fleet.initial = 6;
    m->sc.fleet.concurrency = 1;
    m->sc.policies = m->cfg;
    m->sc.n_policies = n;
    static const char *const names[] = {"under-test", "a", "b", "c"};
    for (size_t i = 0; i < 4; i++)
        m->cfg[i].name = (char *)names[i];
}

/* Policy i: seasonal naive over a season of 4 periods, 4 periods of
 * history, lead 0 (so a decision at (k + 2) periods sizes period k + 2),
 * request_rate, 10 requests per second per instance. */
static void set_predictive(multi *m, size_t i)
{
    hr_policy_config *c = &m->cfg[i];
    c->kind = HR_POLICY_PREDICTIVE;
    c->metric = HR_METRIC_REQUEST_RATE;
    c->target = 10;
    c->forecaster = HR_FORECASTER_SEASONAL_NAIVE;
    c->season_s = 240;
    c->min_history_s = 240;
    c->lead_s = 0;
}

static void set_static(multi *m, size_t i, int instances)
{
    m->cfg[i].kind = HR_POLICY_STATIC;
    m->cfg[i].instances = instances;
}

static void set_tt(multi *m, size_t i, hr_metric metric, double target)
{
    hr_policy_config *c = &m->cfg[i];
    c->kind = HR_POLICY_TARGET_TRACKING;
    c->metric = metric;
    c->target = target;
    c->scale_in_cooldown_s = 300;
    c->scale_out_cooldown_s = 60;
    c->scale_out_datapoints = 1;
    c->scale_in_datapoints = 1;
}

static void multi_start(multi *m)
{
    hr_error err = {0};
    if (hr_policy_new(&m->cfg[0], &m->sc, &m->p, &err) != HR_OK)
        fail_msg("hr_policy_new: %s", err.msg);
}

/* The datapoint of period k (total load v) as published: at (k + 2) x 60. */
static hr_observation obs_period(long k, int desired, double v)
{
    hr_observation o;
    memset(&o, 0, sizeof o);
    o.time_s = (double)(k + 2) * 60;
    o.desired = desired;
    o.in_service = desired;
    o.counted = desired;
    o.serving = desired;
    o.has_datapoint = true;
    o.datapoint_start_s = (double)k * 60;
    o.datapoint_end_s = (double)(k + 1) * 60;
    o.input[0] = v;
    o.min = 1;
    o.max = 100;
    for (int i = 1; i < HR_POLICY_MAX_INPUTS; i++)
        o.input[i] = NAN;
    return o;
}

static double cycle(long k)
{
    static const double v[4] = {10, 20, 30, 40};
    return v[k % 4];
}

static hr_decision feed(multi *m, long k, int desired, double v)
{
    hr_observation o = obs_period(k, desired, v);
    hr_decision d;
    hr_policy_decide(m->p, &o, &d);
    hr_policy_applied(m->p, o.time_s, desired, d.desired >= 0 ? d.desired : desired);
    return d;
}

static void test_predictive_has_no_opinion_before_min_history(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    m.cfg[0].min_history_s = 600;
    multi_start(&m);
    for (long k = 0; k < 9; k++) {
        hr_decision d = feed(&m, k, 6, cycle(k));
        assert_int_equal(d.desired, -1);
        assert_non_null(strstr(d.reason, "history"));
    }
    assert_true(isnan(hr_policy_forecast_mape_pct(m.p)));
    hr_decision d = feed(&m, 9, 1, cycle(9));
    assert_int_equal(d.desired, (int)(cycle(11) / 10)); /* 10 periods: forecasts start */
    hr_policy_free(m.p);
}

/* Seasonal naive sizes period k + 2 from the value one season before it. */
static void test_predictive_sizes_the_period_ahead_from_the_forecast(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    multi_start(&m);
    int desired = 1;
    for (long k = 0; k < 12; k++) {
        hr_decision d = feed(&m, k, desired, cycle(k));
        if (k < 3) {
            assert_int_equal(d.desired, -1);
            continue;
        }
        int want = (int)(cycle(k + 2) / 10);
        /* no scale-in on a forecast: a lower forecast holds */
        assert_int_equal(d.desired, want > desired ? want : desired);
        desired = d.desired;
    }
    assert_int_equal(desired, 4);
    assert_float_equal(hr_policy_forecast_mape_pct(m.p), 0, 1e-12);
    hr_policy_free(m.p);
}

static void test_predictive_forecast_only_never_scales(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    m.cfg[0].forecast_only = true;
    multi_start(&m);
    for (long k = 0; k < 12; k++) {
        hr_decision d = feed(&m, k, 1, cycle(k) * 10);
        assert_int_equal(d.desired, -1);
    }
    /* forecasts are still made and scored */
    assert_int_equal(hr_policy_forecasts_scored(m.p), 7);
    hr_policy_free(m.p);
}

static void test_predictive_forecast_only_leaves_the_fallback_alone(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 2);
    set_predictive(&m, 0);
    m.cfg[0].forecast_only = true;
    m.cfg[0].has_fallback = true;
    m.cfg[0].fallback = 1;
    set_static(&m, 1, 2);
    multi_start(&m);
    for (long k = 0; k < 12; k++)
        assert_int_equal(feed(&m, k, 2, cycle(k) * 10).desired, 2);
    hr_policy_free(m.p);
}

static void test_predictive_honours_the_fleet_max(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    multi_start(&m);
    hr_decision d = {0};
    for (long k = 0; k < 8; k++)
        d = feed(&m, k, 1, cycle(k) * 100); /* up to 400 instances */
    assert_int_equal(d.desired, 100);
    assert_int_equal(d.raise_max, 0);
    assert_non_null(strstr(d.reason, "held to max 100"));
    hr_policy_free(m.p);
}

/* max_capacity_buffer 10: a forecast of 400 instances raises the max to 440. */
static void test_predictive_buffer_raises_the_max_above_the_forecast(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    m.cfg[0].has_max_capacity_buffer = true;
    m.cfg[0].max_capacity_buffer_pct = 10;
    multi_start(&m);
    hr_decision d = {0};
    for (long k = 0; k < 6; k++)
        d = feed(&m, k, 1, cycle(k) * 100);
    /* k = 5 sizes period 7: 400 requests/s -> 400 instances */
    assert_int_equal(d.desired, 400);
    assert_int_equal(d.raise_max, 440);
    /* the controller raises its max and lets the proposal through */
    hr_fleet_config fleet = {.min = 1, .max = 100, .price_per_hour = 1};
    hr_limits lim = {0};
    hr_controller ctl;
    hr_error err = {0};
    assert_int_equal(hr_controller_init(&ctl, &fleet, &lim, &err), HR_OK);
    hr_decision_record rec = {.metric = NAN};
    assert_int_equal(hr_controller_apply(&ctl, 0, 50, &d, &rec), 400);
    assert_int_equal(ctl.max, 440);
    assert_non_null(strstr(rec.reason, "max raised 100 -> 440"));
    hr_controller_free(&ctl);
    hr_policy_free(m.p);
}

static void test_predictive_fallback_wins_when_larger(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 2);
    set_predictive(&m, 0);
    m.cfg[0].has_fallback = true;
    m.cfg[0].fallback = 1;
    set_static(&m, 1, 3);
    multi_start(&m);
    for (long k = 0; k < 3; k++) /* before the forecasts: the fallback alone */
        assert_int_equal(feed(&m, k, 3, cycle(k)).desired, 3);
    for (long k = 3; k < 12; k++) {
        hr_decision d = feed(&m, k, 3, cycle(k));
        int want = (int)(cycle(k + 2) / 10);
        assert_int_equal(d.desired, want > 3 ? want : 3);
        if (want < 3)
            assert_non_null(strstr(d.reason, "< a"));
    }
    hr_policy_free(m.p);
}

/* Forecasts 20 (period 5) and 30 (period 6); actuals 25 and 30: errors of
 * 20% and 0%, MAPE 10%. An actual of 0 is not scored. */
static void test_predictive_mape_on_a_hand_case(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    multi_start(&m);
    for (long k = 0; k < 5; k++)
        feed(&m, k, 1, cycle(k));
    assert_int_equal(hr_policy_forecasts_scored(m.p), 0);
    feed(&m, 5, 1, 25);
    feed(&m, 6, 1, 30);
    assert_int_equal(hr_policy_forecasts_scored(m.p), 2);
    assert_float_equal(hr_policy_forecast_mape_pct(m.p), 10, 1e-9);
    feed(&m, 7, 1, 0); /* forecast 40, actual 0: left out */
    assert_int_equal(hr_policy_forecasts_scored(m.p), 2);
    assert_float_equal(hr_policy_forecast_mape_pct(m.p), 10, 1e-9);
    hr_policy_free(m.p);
}

/* A period without a datapoint repeats the value before it, so the season
 * stays aligned. */
static void test_predictive_fills_a_missing_period_with_the_last_value(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    multi_start(&m);
    for (long k = 0; k < 4; k++)
        feed(&m, k, 1, cycle(k));
    /* period 4 is missing; period 5 arrives: history 10 20 30 40 40 20 */
    hr_decision d = feed(&m, 5, 1, cycle(5));
    assert_int_equal(d.desired, 4); /* period 7: one season back is period 3 (40) */
    d = feed(&m, 6, 4, cycle(6));
    assert_int_equal(d.desired, 4); /* period 8 -> period 4, filled with 40 */
    hr_policy_free(m.p);
}

/* A linear forecaster on a ramp extrapolates it exactly. */
static void test_predictive_linear_extrapolates_a_ramp(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    m.cfg[0].forecaster = HR_FORECASTER_LINEAR;
    m.cfg[0].degree = 1;
    m.cfg[0].window_s = 300;
    m.cfg[0].min_history_s = 300;
    multi_start(&m);
    for (long k = 0; k < 12; k++) {
        hr_decision d = feed(&m, k, 1, 10.0 * (double)k);
        assert_int_equal(d.desired, k < 4 ? -1 : (int)(k + 2));
    }
    assert_float_equal(hr_policy_forecast_mape_pct(m.p), 0, 1e-9);
    hr_policy_free(m.p);
}

/* A load that never repeats a season: period k's is 10 x (1 + (37 k mod 97)). */
static double unseasonal(long k)
{
    return 10.0 * (double)(1 + (37 * k) % 97);
}

/* Heap bytes in use (glibc), or 0 when the allocator does not say (ASan,
 * another libc): the memory checks below then pass by themselves. */
static size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd; /* the heap's, and blocks mapped on their own */
#else
    return 0;
#endif
}

/* Seasonal naive reads one season back, so a long run holds a season of
 * history, not the whole of it: over 150,000 periods (104 days of
 * minutes) the forecasts stay those of the full history (each the value
 * exactly one season before its period, which never repeats), while the
 * heap grows by no more than a few kilobytes (the whole history would be
 * 1.2 MB). */
static void test_predictive_history_is_bounded_by_the_season(void **state)
{
    (void)state;
    multi m;
    multi_init(&m, 1);
    set_predictive(&m, 0);
    m.cfg[0].season_s = 7 * 60;
    m.cfg[0].min_history_s = 7 * 60;
    multi_start(&m);
    size_t before = 0;
    for (long k = 0; k < 150000; k++) {
        if (k == 2000)
            before = heap_in_use();
        hr_decision d = feed(&m, k, 1, unseasonal(k));
        if (k < 6)
            continue;
        /* the decision at period k's datapoint sizes period k + 2 */
        int want = (int)(unseasonal(k + 2 - 7) / 10);
        if (d.desired != want)
            fail_msg("period %ld: desired %d, one season back says %d (%s)", k, d.desired, want,
                     d.reason);
    }
    size_t after = heap_in_use();
    if (before > 0 && after > before + 16384)
        fail_msg("the heap grew by %zu bytes over 148,000 periods", after - before);
    hr_policy_free(m.p);
}

/* ---- max and min ------------------------------------------------------- */

static void test_max_and_min_pick_the_largest_and_smallest(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++) {
        multi m;
        multi_init(&m, 3);
        m.cfg[0].kind = kind == 0 ? HR_POLICY_MAX : HR_POLICY_MIN;
        m.children[0] = 1;
        m.children[1] = 2;
        m.cfg[0].children = m.children;
        m.cfg[0].n_children = 2;
        set_static(&m, 1, 3);
        set_static(&m, 2, 8);
        multi_start(&m);
        hr_decision d = feed(&m, 0, 5, 0);
        assert_int_equal(d.desired, kind == 0 ? 8 : 3);
        assert_non_null(strstr(d.reason, kind == 0 ? "max: b 8" : "min: a 3"));
        hr_policy_free(m.p);
    }
}

/* Two target-tracking children on cpu and request_rate, as AWS runs two
 * target-tracking policies on one group. */
static multi *two_tt(multi *m)
{
    multi_init(m, 3);
    m->cfg[0].kind = HR_POLICY_MAX;
    m->children[0] = 1;
    m->children[1] = 2;
    m->cfg[0].children = m->children;
    m->cfg[0].n_children = 2;
    set_tt(m, 1, HR_METRIC_CPU, 50);
    set_tt(m, 2, HR_METRIC_REQUEST_RATE, 10);
    multi_start(m);
    return m;
}

static hr_decision feed_two(multi *m, double t, int desired, double cpu, double rps)
{
    hr_observation o = obs_period(0, desired, 0);
    o.time_s = t;
    o.datapoint_start_s = t - 120;
    o.datapoint_end_s = t - 60;
    o.input[0] = cpu;
    o.input[1] = rps;
    hr_decision d;
    hr_policy_decide(m->p, &o, &d);
    hr_policy_applied(m->p, t, desired, d.desired >= 0 ? d.desired : desired);
    return d;
}

static void test_max_of_target_tracking_scales_out_when_any_asks(void **state)
{
    (void)state;
    multi m;
    two_tt(&m);
    const hr_policy_input *in;
    assert_int_equal(hr_policy_inputs(m.p, &in), 2);
    /* cpu wants 20 (10 x 100 / 50), requests want fewer: out to 20 */
    assert_int_equal(feed_two(&m, 120, 10, 100, 5).desired, 20);
    hr_policy_free(m.p);
    two_tt(&m);
    /* requests want 15 (10 x 15 / 10), cpu wants fewer: out to 15 */
    assert_int_equal(feed_two(&m, 120, 10, 10, 15).desired, 15);
    hr_policy_free(m.p);
}

static void test_max_of_target_tracking_scales_in_only_when_all_agree(void **state)
{
    (void)state;
    multi m;
    two_tt(&m);
    /* cpu wants in (10 x 20 / 45 -> 5, at most 1 a datapoint), requests hold */
    hr_decision d = feed_two(&m, 120, 10, 20, 10);
    assert_int_equal(d.desired, 10);
    /* both want in a minute later: in; the outvoted cpu scale-in before
     * started no cooldown */
    d = feed_two(&m, 180, 10, 20, 3);
    assert_int_equal(d.desired, 9);
    hr_policy_free(m.p);
}

static void test_a_child_without_opinion_counts_as_the_current_capacity(void **state)
{
    (void)state;
    multi m;
    two_tt(&m);
    /* no cpu datapoint (NaN); requests want in: max(current, 9) holds */
    hr_decision d = feed_two(&m, 120, 10, NAN, 3);
    assert_int_equal(d.desired, 10);
    hr_policy_free(m.p);
    /* min: a child without opinion counts as current too, so min scales in */
    multi_init(&m, 3);
    m.cfg[0].kind = HR_POLICY_MIN;
    m.children[0] = 1;
    m.children[1] = 2;
    m.cfg[0].children = m.children;
    m.cfg[0].n_children = 2;
    set_tt(&m, 1, HR_METRIC_CPU, 50);
    set_tt(&m, 2, HR_METRIC_REQUEST_RATE, 10);
    multi_start(&m);
    d = feed_two(&m, 120, 10, NAN, 3);
    assert_int_equal(d.desired, 9);
    hr_policy_free(m.p);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predictive_has_no_opinion_before_min_history),
        cmocka_unit_test(test_predictive_sizes_the_period_ahead_from_the_forecast),
        cmocka_unit_test(test_predictive_forecast_only_never_scales),
        cmocka_unit_test(test_predictive_forecast_only_leaves_the_fallback_alone),
        cmocka_unit_test(test_predictive_honours_the_fleet_max),
        cmocka_unit_test(test_predictive_buffer_raises_the_max_above_the_forecast),
        cmocka_unit_test(test_predictive_fallback_wins_when_larger),
        cmocka_unit_test(test_predictive_mape_on_a_hand_case),
        cmocka_unit_test(test_predictive_fills_a_missing_period_with_the_last_value),
        cmocka_unit_test(test_predictive_linear_extrapolates_a_ramp),
        cmocka_unit_test(test_predictive_history_is_bounded_by_the_season),
        cmocka_unit_test(test_max_and_min_pick_the_largest_and_smallest),
        cmocka_unit_test(test_max_of_target_tracking_scales_out_when_any_asks),
        cmocka_unit_test(test_max_of_target_tracking_scales_in_only_when_all_agree),
        cmocka_unit_test(test_a_child_without_opinion_counts_as_the_current_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
