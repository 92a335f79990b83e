/* test_plan.c - tests for src/engine/plan.c: growth fits by least squares,
 * and the least fleet found by simulation, checked against M/M/1. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/plan.h"
#include "headroom/scenario.h"

/* A trace of `days` days at one row an hour with daily mean f(day). */
static hr_replay_config trace_of(int days, double (*f)(double))
{
    size_t n = (size_t)days * 24;
    hr_replay_config t = {.file = (char *)"test-trace", .n = n, .end_s = days * 86400.0,
                          .scale = 1, .speed = 1};
    t.time_s = malloc(n * sizeof *t.time_s);
    t.rate = malloc(n * sizeof *t.rate);
    for (size_t i = 0; i < n; i++) {
        t.time_s[i] = i * 3600.0;
        t.rate[i] = f((double)(i / 24));
    }
    return t;
}

static double exponential(double d) { return 100 * exp(0.02 * d); }
static double line(double d) { return 50 + 3 * d; }

static void test_fit_picks_the_model_the_data_follows(void **state)
{
    (void)state;
    hr_growth_fit fit;
    hr_error err;
    hr_replay_config t = trace_of(40, exponential);
    assert_int_equal(hr_plan_fit(&t, &fit, &err), HR_OK);
    assert_int_equal(fit.days, 40);
    assert_int_equal(fit.best, HR_FIT_EXPONENTIAL);
    assert_true(fit.r2[HR_FIT_EXPONENTIAL] > 0.9999);
    /* a month of 2% a day: e^0.6 */
    assert_true(fabs(hr_plan_fit_factor(&fit, 1) - exp(0.6)) < 1e-6);
    free(t.time_s);
    free(t.rate);

    t = trace_of(30, line);
    assert_int_equal(hr_plan_fit(&t, &fit, &err), HR_OK);
    assert_int_equal(fit.best, HR_FIT_LINEAR); /* the quadratic only ties */
    assert_true(fit.r2[HR_FIT_LINEAR] > 0.9999);
    /* from day 29 (137/s), a month adds 90/s */
    assert_true(fabs(hr_plan_fit_factor(&fit, 1) - (137.0 + 90) / 137.0) < 1e-6);
    free(t.time_s);
    free(t.rate);

    t = trace_of(2, line);
    assert_int_equal(hr_plan_fit(&t, &fit, &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "at least 3"));
    free(t.time_s);
    free(t.rate);
}

/* Single-worker instances with exponential 100 ms service behind a random
 * balancer: each is an M/M/1 queue at lambda / n, whose p95 response time
 * is ln(20) / (10 - lambda / n). A 1 s p95 holds up to 7.004/s an
 * instance: 60/s needs 9 (6.67 each, p95 0.90 s), 8 would run 7.5 each
 * (p95 1.20 s). */
static void test_plan_finds_the_least_fleet_of_mm1_instances(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: mm1-fleet\n"
        "duration: 1d\n"
        "tick: 10s\n"
        "seed: 5\n"
        "traffic: {base_rps: 60}\n"
        "workload:\n"
        "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
        "fleet:\n"
        "  instance: {concurrency: 1, price_per_hour: 0.1}\n"
        "  max: 40\n"
        "  load_balancer: random\n"
        "slo: {latency_p95: 1s}\n"
        "policies:\n"
        "  - {name: s, kind: static, instances: 9}\n";
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("plan.yaml", yaml, strlen(yaml), &sc, &err))
        fail_msg("%s", err.msg);
    hr_plan_month m[3];
    hr_plan_spec spec = {.scenario = &sc, .months = 2, .monthly = 0, .test_s = 7200, .seed = 5,
                         .reserved_price = 0.06, .spot_discount = 0.7, .spot_max_share = 0.3};
    assert_int_equal(hr_plan_run(&spec, m, &err), HR_OK);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(m[k].instances, 9);
        /* a flat load: the whole fleet all month */
        assert_true(fabs(m[k].hours - 9 * 730.0) < 1e-6);
        assert_true(fabs(m[k].cost_on_demand - 9 * 730.0 * 0.1) < 1e-6);
        /* spot (0.03 an hour) is cheaper than a reservation (0.06), so the
         * risk cap's 2 instances are spot and the other 7 reserved */
        assert_int_equal(m[k].spot_max, 2);
        assert_int_equal(m[k].reserved, 7);
        assert_true(fabs(m[k].cost_mix - (7 * 0.06 + 2 * 0.03) * 730) < 1e-6);
    }
    /* 25% a month: month 2 is 93.75/s, 13.4 instances at full M/M/1 use */
    spec.monthly = 0.25;
    assert_int_equal(hr_plan_run(&spec, m, &err), HR_OK);
    assert_true(fabs(m[2].peak_rps - 93.75) < 1e-9);
    assert_int_equal(m[2].instances, (int)ceil(93.75 / (10 - log(20.0))));
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_picks_the_model_the_data_follows),
        cmocka_unit_test(test_plan_finds_the_least_fleet_of_mm1_instances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
