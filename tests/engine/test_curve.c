/* test_curve.c - tests for src/engine/curve.c: the load-test curve of one
 * instance and its knee, checked against the M/M/1 queue. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/curve.h"
#include "headroom/scenario.h"

static void load(const char *yaml, hr_scenario *sc)
{
    hr_error err;
    if (hr_scenario_load_string("curve.yaml", yaml, strlen(yaml), sc, &err))
        fail_msg("%s", err.msg);
}

/* One worker, exponential service of 100 ms: M/M/1 with mu = 10/s. Its
 * response time is exponential with rate mu - lambda, so p95 =
 * ln(20) / (mu - lambda), and p95 <= 1 s holds up to lambda = 10 - ln 20 =
 * 7.004/s: with steps of 0.5/s the knee is the step at 6.5 or 7.0. */
static const char *mm1 =
    "scenario: mm1\n"
    "duration: 1h\n"
    "tick: 10s\n"
    "seed: 3\n"
    "traffic: {base_rps: 1, diurnal: ecommerce, noise: {sigma: 0.3}}\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "fleet:\n"
    "  instance: {concurrency: 1, price_per_hour: 0.1}\n"
    "  failures: {mtbf: 1h}\n"
    "  max: 10\n"
    "slo: {latency_p95: 1s}\n"
    "policies:\n"
    "  - {name: s, kind: static, instances: 3}\n";

static void test_curve_finds_the_mm1_knee(void **state)
{
    (void)state;
    hr_scenario sc;
    load(mm1, &sc);
    assert_true(fabs(hr_curve_nominal_rps(&sc) - 10.0) < 1e-9);
    hr_curve c;
    hr_error err;
    hr_curve_spec spec = {.scenario = &sc, .steps = 24, .max_rps = 12, .step_s = 7200, .seed = 3};
    assert_int_equal(hr_curve_run(&spec, &c, &err), HR_OK);
    assert_int_equal(c.n, 24);
    assert_true(c.knee == 12 || c.knee == 13); /* 6.5 or 7.0 req/s */
    /* below the knee the instance carries the load, above 10/s it cannot */
    for (long i = 0; i <= c.knee; i++) {
        const hr_curve_point *p = &c.points[i];
        assert_true(p->slo_ok);
        assert_true(fabs(p->throughput_rps - p->offered_rps) < 0.05 * p->offered_rps + 0.05);
        double theory_ms = 1000.0 * log(20.0) / (10.0 - p->offered_rps);
        assert_true(fabs(p->latency_p95_ms - theory_ms) < 0.1 * theory_ms);
        assert_true(fabs(p->cpu_pct - 10.0 * p->offered_rps) < 5);
    }
    assert_false(c.points[c.knee + 1].slo_ok);
    assert_non_null(strstr(c.points[c.knee + 1].why, "p95"));
    assert_true(c.points[23].throughput_rps < 10.5); /* saturated at mu */
    hr_curve_free(&c);
    hr_scenario_free(&sc);
}

static void test_curve_needs_an_slo_to_find_a_knee(void **state)
{
    (void)state;
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s", mm1);
    char *slo = strstr(yaml, "slo: {latency_p95: 1s}\n");
    memmove(slo, slo + strlen("slo: {latency_p95: 1s}\n"), strlen(slo) - strlen("slo: {latency_p95: 1s}\n") + 1);
    hr_scenario sc;
    load(yaml, &sc);
    hr_curve c;
    hr_error err;
    hr_curve_spec spec = {.scenario = &sc, .steps = 4, .step_s = 600, .seed = 3};
    assert_int_equal(hr_curve_run(&spec, &c, &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "no knee to find"));
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curve_finds_the_mm1_knee),
        cmocka_unit_test(test_curve_needs_an_slo_to_find_a_knee),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
