/* The oracle (kind: oracle) in whole runs: it is at the capacity a load
 * step needs when the step arrives, it holds the SLO, and no policy that
 * holds the SLO is cheaper (docs/policies.md, "oracle"). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/engine.h"
#include "headroom/scenario.h"

#include "harness.h"

/* 40 req/s of 100 ms, tripled at 30m with no ramp; launches take 60s to
 * boot and 30s to warm up. */
static const char *step_yaml =
    "scenario: step\n"
    "duration: 1h\n"
    "tick: 5s\n"
    "seed: 7\n"
    "traffic:\n"
    "  base_rps: 40\n"
    "  events: [{name: step, start: 30m, duration: 30m, multiplier: 3, ramp: 0s}]\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "  timeout: 2s\n"
    "fleet:\n"
    "  instance: {concurrency: 4, price_per_hour: 1}\n"
    "  boot: {dist: constant, mean: 60s}\n"
    "  warmup: {duration: 30s, initial_speed: 0.5}\n"
    "  drain: 10s\n"
    "  initial: 2\n  min: 1\n  max: 40\n"
    "metrics: {period: 30s, delay: 30s}\n"
    "slo: {latency_p95: 400ms, error_rate: 1, window: 5m}\n"
    "policies:\n"
    "  - {name: best-possible, kind: oracle}\n"
    "  - {name: fixed-3, kind: static, instances: 3}\n"
    "  - {name: fixed-5, kind: static, instances: 5}\n"
    "  - {name: fixed-8, kind: static, instances: 8}\n"
    "  - {name: fixed-12, kind: static, instances: 12}\n"
    "  - {name: cpu-40, kind: target_tracking, metric: cpu, target: 40, warmup: 60s}\n"
    "  - {name: cpu-25, kind: target_tracking, metric: cpu, target: 25, warmup: 60s}\n";

/* A day-like hour: noise, a spike, two request classes with tails unlike
 * the exponential (lognormal and gamma), boots that vary. */
static const char *spike_yaml =
    "scenario: spike\n"
    "duration: 90m\n"
    "tick: 10s\n"
    "seed: 3\n"
    "traffic:\n"
    "  base_rps: 30\n"
    "  noise: {sigma: 0.1, correlation: 2m}\n"
    "  events: [{name: s, start: 30m, duration: 30m, multiplier: 4, ramp: 5m}]\n"
    "workload:\n"
    "  classes:\n"
    "    - {name: a, share: 0.6, service: {dist: lognormal, mean: 60ms, p99: 300ms}}\n"
    "    - {name: b, share: 0.4, service: {dist: gamma, mean: 150ms, cv: 1.2}}\n"
    "  timeout: 2s\n"
    "  queue_limit: 50\n"
    "fleet:\n"
    "  instance: {concurrency: 4, price_per_hour: 0.2}\n"
    "  boot: {dist: normal, mean: 60s, sd: 10s}\n"
    "  warmup: {duration: 60s, initial_speed: 0.5}\n"
    "  drain: 30s\n"
    "  initial: 3\n  min: 2\n  max: 40\n"
    "metrics: {period: 30s, delay: 30s}\n"
    "slo: {latency_p95: 400ms, error_rate: 1, window: 5m}\n"
    "policies:\n"
    "  - {name: best-possible, kind: oracle}\n"
    "  - {name: fixed-6, kind: static, instances: 6}\n"
    "  - {name: fixed-9, kind: static, instances: 9}\n"
    "  - {name: fixed-14, kind: static, instances: 14}\n"
    "  - {name: cpu-50, kind: target_tracking, metric: cpu, target: 50, warmup: 120s}\n"
    "  - {name: cpu-30, kind: target_tracking, metric: cpu, target: 30, warmup: 120s}\n";

/* The series row that ends at time t (rows are stamped with their start). */
static const hr_sample *row_ending(const hr_run_result *r, double t)
{
    for (size_t i = 0; i < r->n_series; i++)
        if (fabs(r->series[i].time_s + r->series_step_s - t) < 1e-6)
            return &r->series[i];
    fail_msg("no row ends at %g", t);
    return NULL;
}

static void test_oracle_is_at_the_new_capacity_when_the_step_arrives(void **state)
{
    (void)state;
    hr_scenario sc;
    load(step_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    const hr_sample *before = row_ending(&r, 20 * 60), *at = row_ending(&r, 30 * 60);
    /* more capacity after the step than before, all of it at full speed
     * when the step arrives: launched a boot and a warm-up ahead */
    assert_true(at->desired > before->desired);
    assert_int_equal(at->in_service, at->desired);
    assert_int_equal(at->pending, 0);
    assert_int_equal(at->warming, 0);
    /* and not long before: 5 minutes ahead it was still the small fleet */
    assert_int_equal(row_ending(&r, 25 * 60)->desired, before->desired);
    /* the step's need: no fewer than the demand the series shows */
    assert_true(at->desired >= row_ending(&r, 30 * 60 + 60)->demand);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_oracle_meets_the_slo(void **state)
{
    (void)state;
    const char *yamls[] = {step_yaml, spike_yaml};
    for (size_t y = 0; y < 2; y++) {
        hr_scenario sc;
        load(yamls[y], &sc);
        for (uint32_t rep = 0; rep < 2; rep++) {
            hr_run_result r;
            run(&sc, 0, rep, &r);
            assert_true(r.summary.slo_met);
            assert_true(r.summary.slo_violation_minutes == 0);
            hr_run_result_free(&r);
        }
        hr_scenario_free(&sc);
    }
}

/* Every policy that meets the SLO costs at least the oracle, in each
 * replication; at least one real policy meets it (or the test says
 * nothing) and one misses it. */
static void test_oracle_never_costlier_than_a_policy_that_meets_the_slo(void **state)
{
    (void)state;
    const char *yamls[] = {step_yaml, spike_yaml};
    for (size_t y = 0; y < 2; y++) {
        hr_scenario sc;
        load(yamls[y], &sc);
        for (uint32_t rep = 0; rep < 2; rep++) {
            hr_run_result oracle;
            run(&sc, 0, rep, &oracle);
            int met = 0, missed = 0;
            for (size_t p = 1; p < sc.n_policies; p++) {
                hr_run_result r;
                run(&sc, p, rep, &r);
                if (r.summary.slo_met) {
                    met++;
                    if (!(oracle.summary.cost <= r.summary.cost))
                        fail_msg("%s rep %u: %s meets the SLO for %.3f, the oracle costs %.3f",
                                 sc.name, rep, sc.policies[p].name, r.summary.cost,
                                 oracle.summary.cost);
                } else {
                    missed++;
                }
                hr_run_result_free(&r);
            }
            assert_true(met >= 2);
            assert_true(missed >= 1);
            hr_run_result_free(&oracle);
        }
        hr_scenario_free(&sc);
    }
}

/* Its decisions say why: the need ahead, the lead. */
static void test_oracle_logs_why_it_scales(void **state)
{
    (void)state;
    hr_scenario sc;
    load(step_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    bool out = false, in = false;
    for (size_t i = 0; i < r.n_decisions; i++) {
        const hr_decision_record *d = &r.decisions[i];
        if (d->desired > d->current) {
            out = true;
            assert_non_null(strstr(d->reason, "oracle: the true load needs"));
            assert_non_null(strstr(d->reason, "at full speed within 90s"));
            /* launched ahead of the step by the lead (and at most one
             * interval more) */
            assert_true(d->time_s >= 1800 - 90 - 10 - 1e-9 && d->time_s <= 1800 - 90 + 1e-9);
        }
        in = in || d->desired < d->current;
    }
    assert_true(out);
    assert_false(in); /* the load never falls: nothing to scale in */
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oracle_is_at_the_new_capacity_when_the_step_arrives),
        cmocka_unit_test(test_oracle_meets_the_slo),
        cmocka_unit_test(test_oracle_never_costlier_than_a_policy_that_meets_the_slo),
        cmocka_unit_test(test_oracle_logs_why_it_scales),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
