/* A run end to end inside the engine: determinism, common random numbers,
 * instance lifecycle, failures, timeouts, rejection, billing, the series. */
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

/* A scenario from a YAML fragment for traffic/workload/fleet/policies. */
static const char *spike_yaml =
    "scenario: spike\n"
    "duration: 3h\n"
    "tick: 10s\n"
    "seed: 3\n"
    "traffic:\n"
    "  base_rps: 30\n"
    "  noise: {sigma: 0.1, correlation: 2m}\n"
    "  events: [{name: s, start: 1h, duration: 1h, multiplier: 4, ramp: 5m}]\n"
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
    "  - {name: cpu-50, kind: target_tracking, metric: cpu, target: 50, warmup: 120s}\n"
    "  - {name: fixed, kind: static, instances: 8}\n";

static void test_same_inputs_give_bit_identical_results(void **state)
{
    (void)state;
    hr_scenario sc;
    load(spike_yaml, &sc);
    hr_run_result a, b;
    run(&sc, 0, 0, &a);
    run(&sc, 0, 0, &b);
    assert_memory_equal(&a.summary, &b.summary, sizeof a.summary);
    assert_int_equal(a.n_series, b.n_series);
    assert_memory_equal(a.series, b.series, a.n_series * sizeof *a.series);
    assert_int_equal(a.n_decisions, b.n_decisions);
    for (size_t i = 0; i < a.n_decisions; i++) {
        const hr_decision_record *x = &a.decisions[i], *y = &b.decisions[i];
        assert_memory_equal(&x->time_s, &y->time_s, sizeof x->time_s);
        assert_int_equal(x->current, y->current);
        assert_int_equal(x->proposed, y->proposed);
        assert_int_equal(x->desired, y->desired);
        assert_memory_equal(&x->metric, &y->metric, sizeof x->metric);
        assert_string_equal(x->reason, y->reason);
    }
    hr_run_result_free(&a);
    hr_run_result_free(&b);
    hr_scenario_free(&sc);
}

/* Fluid mode too: a pure function of its inputs, and every policy of a
 * replication is offered the same requests (the traffic is taken by tick,
 * its noise keyed by the tick's number), however its fleet changes cut
 * the ticks. */
static void test_fluid_mode_is_deterministic_with_common_traffic(void **state)
{
    (void)state;
    hr_scenario sc;
    load(spike_yaml, &sc);
    sc.fidelity = HR_FIDELITY_FLUID;
    hr_run_result a, b, fixed;
    run(&sc, 0, 0, &a);
    run(&sc, 0, 0, &b);
    run(&sc, 1, 0, &fixed);
    assert_int_equal(a.fidelity, HR_FIDELITY_FLUID);
    assert_memory_equal(&a.summary, &b.summary, sizeof a.summary);
    assert_memory_equal(a.series, b.series, a.n_series * sizeof *a.series);
    assert_true(a.summary.scaling_actions > 0 && fixed.summary.scaling_actions == 0);
    assert_int_equal(a.summary.requests, fixed.summary.requests);
    for (size_t i = 0; i < a.n_series; i++)
        assert_true(a.series[i].offered_rps == fixed.series[i].offered_rps);
    hr_run_result_free(&a);
    hr_run_result_free(&b);
    hr_run_result_free(&fixed);
    hr_scenario_free(&sc);
}

static void test_policies_of_a_replication_see_the_same_traffic(void **state)
{
    (void)state;
    hr_scenario sc;
    load(spike_yaml, &sc);
    hr_run_result tt, fixed, other;
    run(&sc, 0, 0, &tt);
    run(&sc, 1, 0, &fixed);
    run(&sc, 1, 1, &other);
    assert_int_equal(tt.summary.requests, fixed.summary.requests);
    for (size_t i = 0; i < tt.n_series; i++)
        assert_true(tt.series[i].offered_rps == fixed.series[i].offered_rps);
    assert_true(other.summary.requests != fixed.summary.requests);
    hr_run_result_free(&tt);
    hr_run_result_free(&fixed);
    hr_run_result_free(&other);
    hr_scenario_free(&sc);
}

/* Two load steps 10 minutes apart (40, 80, then 160 req/s of 100 ms on
 * single-worker instances; cpu target 50%): the first scale-out doubles the
 * fleet to 16, whose new half serves at once but stays uncounted for the
 * policy's 20-minute warm-up. At the second step the 8 counted instances
 * read ~100%: the load of the 16 serving needs 32. Sizing from the counted
 * instances alone asked for 16, already there, and held until the new half
 * was counted (t >= 31 min). */
static const char *two_steps_yaml =
    "scenario: two-steps\n"
    "duration: 40m\n"
    "tick: 5s\n"
    "seed: 5\n"
    "traffic:\n"
    "  base_rps: 40\n"
    "  events:\n"
    "    - {name: first, start: 10m, duration: 30m, multiplier: 2, ramp: 0s}\n"
    "    - {name: second, start: 20m, duration: 20m, multiplier: 2, ramp: 0s}\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "fleet:\n"
    "  instance: {concurrency: 1, price_per_hour: 0.1}\n"
    "  boot: {dist: constant, mean: 20s}\n"
    "  initial: 8\n  min: 1\n  max: 60\n"
    "metrics: {period: 30s, delay: 30s}\n"
    "policies:\n"
    "  - {name: cpu-50, kind: target_tracking, metric: cpu, target: 50, warmup: 20m, scale_out_cooldown: 0s}\n";

static void test_target_tracking_sizes_for_the_load_warming_instances_carry(void **state)
{
    (void)state;
    hr_scenario sc;
    load(two_steps_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    int at_19m = -1, by_24m = 0;
    for (size_t i = 0; i < r.n_series; i++) {
        const hr_sample *s = &r.series[i];
        if (s->time_s >= 19 * 60 - 1 && at_19m < 0)
            at_19m = s->desired;
        if (s->time_s < 24 * 60)
            by_24m = s->desired > by_24m ? s->desired : by_24m;
    }
    if (at_19m < 14 || at_19m > 18) /* the first step: about 16 */
        fail_msg("at 19 minutes the fleet asked for %d, not about 16", at_19m);
    if (by_24m < 30)
        fail_msg("4 minutes after the second step the fleet asked for %d; the load needs ~32", by_24m);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* EC2 step scaling gated by the instance warm-up: the load doubles at 10
 * minutes (8 busy workers on 8 single-worker instances, 100% cpu), the +2
 * step fires once (10 instances); while the 2 new ones warm (10 minutes) the
 * 8 counted ones still read 80%, above the threshold, but the breach falls
 * in the same step and the warming instances cover it: no second +2 until
 * they are counted, then 12 (67%) and no more. */
static const char *step_warmup_yaml =
    "scenario: step-warmup\n"
    "duration: 30m\n"
    "tick: 5s\n"
    "seed: 3\n"
    "traffic:\n"
    "  base_rps: 40\n"
    "  events: [{name: double, start: 10m, duration: 20m, multiplier: 2, ramp: 0s}]\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "fleet:\n"
    "  instance: {concurrency: 1, price_per_hour: 0.1}\n"
    "  boot: {dist: constant, mean: 20s}\n"
    "  initial: 8\n  min: 1\n  max: 60\n"
    "metrics: {period: 30s, delay: 30s}\n"
    "policies:\n"
    "  - name: ec2-steps\n"
    "    kind: step\n"
    "    metric: cpu\n"
    "    warmup: 10m\n"
    "    scale_out: {threshold: 70, steps: [{lower: 0, adjustment: 2}]}\n"
    "    scale_in: {threshold: 20, steps: [{upper: 0, adjustment: -1}]}\n";

static int desired_at(const hr_run_result *r, double t)
{
    int d = -1;
    for (size_t i = 0; i < r->n_series && r->series[i].time_s <= t; i++)
        d = r->series[i].desired;
    return d;
}

static void test_step_warmup_adds_once_per_step_while_its_instances_warm(void **state)
{
    (void)state;
    hr_scenario sc;
    load(step_warmup_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    assert_int_equal(desired_at(&r, 9 * 60), 8);
    assert_int_equal(desired_at(&r, 12 * 60), 10);
    assert_int_equal(desired_at(&r, 20 * 60), 10);  /* covered by the 2 warming */
    assert_int_equal(desired_at(&r, 24 * 60), 12);  /* counted at ~20.5 min: +2 again */
    int peak = 0;
    for (size_t i = 0; i < r.n_series; i++)
        peak = r.series[i].desired > peak ? r.series[i].desired : peak;
    assert_int_equal(peak, 12);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_target_tracking_follows_a_spike_through_the_lifecycle(void **state)
{
    (void)state;
    hr_scenario sc;
    load(spike_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    int max_pending = 0, max_warming = 0, max_draining = 0, peak_serving = 0;
    for (size_t i = 0; i < r.n_series; i++) {
        const hr_sample *s = &r.series[i];
        max_pending = s->pending > max_pending ? s->pending : max_pending;
        max_warming = s->warming > max_warming ? s->warming : max_warming;
        max_draining = s->draining > max_draining ? s->draining : max_draining;
        int serving = s->warming + s->in_service;
        peak_serving = serving > peak_serving ? serving : peak_serving;
    }
    assert_true(max_pending > 0);   /* launches boot first */
    assert_true(max_warming > 0);   /* then warm up */
    assert_true(max_draining > 0);  /* scale-in drains */
    /* 120 rps x 96 ms = 11.5 busy workers; at 50% that is 23 workers: 6 instances */
    assert_true(peak_serving >= 6);
    const hr_sample *last = &r.series[r.n_series - 1];
    assert_true(last->in_service + last->warming < peak_serving);
    assert_true(r.summary.scaling_actions > 2);
    assert_true(r.n_decisions >= 3 * 3600 / 30 - 2);
    assert_true(r.summary.instance_hours_by_state[0] > 0); /* pending hours */
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* 180 req/s of 100 ms on single-worker instances: 18 busy workers. With a
 * cpu target of 80% and the 0.1 tolerance the HPA holds any fleet from 21
 * (85.7%, ratio 1.07) to 25 (72%, ratio 0.90): the band. 20 run at 90%
 * (ratio 1.125), which asks for ceil(1.125 x 20) = 23. */
static const char *band_hpa_yaml =
    "scenario: band\n"
    "duration: 3h\n"
    "tick: 5s\n"
    "seed: 11\n"
    "traffic: {base_rps: 180}\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "fleet:\n"
    "  instance: {concurrency: 1, price_per_hour: 0.1}\n"
    "  boot: {dist: constant, mean: 20s}\n"
    "  initial: 20\n  min: 1\n  max: 40\n"
    "metrics: {period: 15s, delay: 15s}\n"
    "policies:\n"
    "  - {name: cpu, kind: hpa, spec: {maxReplicas: 40, metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]}}\n";

/* 80 req/s of 100 ms on 4 workers per instance: 8 busy workers, 2 in
 * flight per instance at 4 instances. */
static const char *steady_yaml =
    "scenario: steady\n"
    "duration: 2h\n"
    "tick: 5s\n"
    "seed: 11\n"
    "traffic: {base_rps: 80}\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "fleet:\n"
    "  instance: {vcpu: 2, memory_gb: 4, memory_base_gb: 1, memory_per_request_mb: 100, concurrency: 4, price_per_hour: 0.1}\n"
    "  boot: {dist: constant, mean: 20s}\n"
    "  initial: 3\n  min: 1\n  max: 20\n"
    "metrics: {period: 15s, delay: 15s}\n"
    "policies:\n"
    "  - name: ext\n"
    "    kind: hpa\n"
    "    metric_map: {lb_requests: request_rate}\n"
    "    spec: {maxReplicas: 20, metrics: [{type: External, external: {metric: {name: lb_requests}, target: {type: AverageValue, averageValue: 22}}}]}\n"
    "  - {name: mem, kind: target_tracking, metric: memory, target: 31, warmup: 30s}\n";

static void test_hpa_settles_where_the_tolerance_band_says(void **state)
{
    (void)state;
    hr_scenario sc;
    load(band_hpa_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    /* it leaves 20, lands in the band and stays there */
    int settled = r.series[r.n_series - 1].desired;
    assert_in_range(settled, 21, 25);
    for (size_t i = 0; i < r.n_series; i++)
        if (r.series[i].time_s >= 1800)
            assert_int_equal(r.series[i].desired, settled);
    assert_true(r.summary.scaling_actions <= 2);
    for (size_t i = 0; i < r.n_decisions; i++) /* every decision at a 15 s sync */
        assert_true(fmod(r.decisions[i].time_s, 15.0) == 0);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_fleet_totals_and_memory_reach_the_policies(void **state)
{
    (void)state;
    hr_scenario sc;
    load(steady_yaml, &sc);
    hr_run_result r;
    /* External AverageValue reads the fleet's total rate: ceil(80 / 22) = 4 */
    run(&sc, 0, 0, &r);
    assert_int_equal(r.series[r.n_series - 1].desired, 4);
    assert_true(r.decisions[r.n_decisions - 1].metric > 75 &&
                r.decisions[r.n_decisions - 1].metric < 85);
    hr_run_result_free(&r);
    /* memory, by target tracking: (1 GiB + 100 MiB x 2 in flight) / 4 GiB
     * = 29.9% at 4 instances, 31.8% at 3: ceil(3 x 31.8 / 31) = 4 */
    run(&sc, 1, 0, &r);
    assert_int_equal(r.series[r.n_series - 1].desired, 4);
    assert_true(fabs(r.decisions[r.n_decisions - 1].metric - 29.9) < 0.6);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* A replayed trace: the arrivals are the trace's integral x scale (within
 * Poisson error), and a zero-rate minute has no arrival at all. */
static void test_replay_volume_is_the_trace_integral_times_scale(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: replay\n"
        "duration: 4m\n"
        "tick: 5s\n"
        "seed: 5\n"
        "traffic:\n"
        "  replay: {file: " HR_TEST_DATA "/traces/small.csv, scale: 50}\n"
        "workload:\n"
        "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 10ms}}]\n"
        "fleet:\n"
        "  instance: {concurrency: 64, price_per_hour: 0.1}\n"
        "  max: 4\n"
        "policies:\n"
        "  - {name: s, kind: static, instances: 4}\n";
    hr_scenario sc;
    load(yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    double integral = 50.0 * (10 * 60 + 0 * 60 + 30 * 60 + 20 * 60); /* 180,000 */
    double n = (double)r.summary.requests;
    if (fabs(n - integral) > 4 * sqrt(integral))
        fail_msg("%.0f requests, the trace says %.0f", n, integral);
    for (size_t i = 0; i < r.n_series; i++)
        if (r.series[i].time_s >= 60 && r.series[i].time_s + r.series_step_s <= 120)
            assert_true(r.series[i].offered_rps == 0);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* A static fleet with purchase options (the fleet's `spot:` and
 * `reserved:` lines given), 10 h of light traffic. */
static void purchase_run(const char *fleet_extra, int instances, hr_run_result *r)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "scenario: buy\n"
             "duration: 10h\n"
             "tick: 10s\n"
             "seed: 9\n"
             "traffic: {base_rps: 20}\n"
             "workload:\n"
             "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 200ms}}]\n"
             "fleet:\n"
             "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
             "  boot: {dist: constant, mean: 30s}\n"
             "  billing: {granularity: 1s, minimum: 0s}\n"
             "  max: 40\n"
             "%s"
             "policies:\n"
             "  - {name: s, kind: static, instances: %d}\n",
             fleet_extra, instances);
    hr_scenario sc;
    load(yaml, &sc);
    run(&sc, 0, 0, r);
    hr_scenario_free(&sc);
}

static void test_reserved_is_billed_used_or_not_and_on_demand_above(void **state)
{
    (void)state;
    hr_run_result r;
    /* 2 instances on a reservation of 4: the 4 are paid, nothing on demand */
    purchase_run("  reserved: {count: 4, price_per_hour: 0.06}\n", 2, &r);
    assert_true(fabs(r.summary.cost_by_option[HR_PURCHASE_RESERVED] - 4 * 0.06 * 10) < 1e-9);
    assert_true(r.summary.cost_by_option[HR_PURCHASE_ON_DEMAND] == 0);
    assert_true(fabs(r.summary.instance_hours_by_option[HR_PURCHASE_RESERVED] - 20) < 1e-9);
    assert_true(fabs(r.summary.cost - 2.4) < 1e-9);
    hr_run_result_free(&r);
    /* crashes free reservations: the oldest instance on demand takes one
     * over, so 4 instances stay on the reservation all along */
    purchase_run("  reserved: {count: 4, price_per_hour: 0.06}\n  failures: {mtbf: 2h, detect: 30s}\n", 6, &r);
    assert_true(r.summary.failures > 10);
    assert_true(r.summary.instance_hours_by_option[HR_PURCHASE_RESERVED] > 4 * 10 - 0.1);
    hr_run_result_free(&r);
    /* 6 instances: 4 on the reservation, 2 on demand */
    purchase_run("  reserved: {count: 4, price_per_hour: 0.06}\n", 6, &r);
    assert_true(fabs(r.summary.cost_by_option[HR_PURCHASE_ON_DEMAND] - 2 * 0.1 * 10) < 1e-9);
    assert_true(fabs(r.summary.instance_hours_by_option[HR_PURCHASE_ON_DEMAND] - 20) < 1e-9);
    assert_true(fabs(r.summary.cost - (2.4 + 2.0)) < 1e-9);
    hr_run_result_free(&r);
}

static void test_spot_share_discount_and_capacity_refusals(void **state)
{
    (void)state;
    hr_run_result r;
    purchase_run("  spot: {share: 0.5, discount: 0.7}\n", 10, &r);
    assert_true(fabs(r.summary.instance_hours_by_option[HR_PURCHASE_SPOT] - 50) < 1e-9);
    assert_true(fabs(r.summary.cost_by_option[HR_PURCHASE_SPOT] - 5 * 0.1 * 0.3 * 10) < 1e-9);
    assert_true(fabs(r.summary.cost_by_option[HR_PURCHASE_ON_DEMAND] - 5 * 0.1 * 10) < 1e-9);
    assert_int_equal(r.summary.spot_interruptions, 0);
    hr_run_result_free(&r);
    /* no spot capacity at all: every launch goes on demand, and says so */
    purchase_run("  spot: {share: 1, discount: 0.7, unavailable: 1}\n", 10, &r);
    assert_int_equal(r.summary.spot_unavailable, 10);
    assert_true(r.summary.instance_hours_by_option[HR_PURCHASE_SPOT] == 0);
    hr_run_result_free(&r);
}

/* 20 spot instances reclaimed at 0.5 an hour each for 10 h: about 100
 * interruptions (each replacement is spot too); every one is replaced, and
 * with a 2-minute notice the work in flight finishes. */
static void test_spot_interruptions_at_the_configured_rate(void **state)
{
    (void)state;
    hr_run_result r;
    purchase_run("  spot: {share: 1, discount: 0.7, interruptions_per_hour: 0.5, notice: 2m}\n", 20, &r);
    double n = r.summary.spot_interruptions;
    if (fabs(n - 100) > 4 * sqrt(100))
        fail_msg("%g interruptions, expected about 100", n);
    assert_int_equal(r.summary.launches, 20 + r.summary.spot_interruptions);
    assert_true(r.summary.failed == 0);
    double by_option = 0;
    for (int o = 0; o < HR_PURCHASE_COUNT; o++)
        by_option += r.summary.instance_hours_by_option[o];
    assert_true(fabs(by_option - r.summary.instance_hours) < 1e-6);
    const hr_sample *last = &r.series[r.n_series - 1];
    assert_int_equal(last->in_service + last->pending + last->warming, 20);
    hr_run_result_free(&r);
    /* without notice, what was in flight is lost */
    purchase_run("  spot: {share: 1, discount: 0.7, interruptions_per_hour: 0.5, notice: 0s}\n", 20, &r);
    assert_true(r.summary.failed > 0);
    hr_run_result_free(&r);
}

/* A fleet with faults (the fleet's extra lines), 10 h of 20 req/s. */
static void fault_run(const char *fleet_extra, const char *policy, hr_run_result *r)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "scenario: faults\n"
             "duration: 10h\n"
             "tick: 10s\n"
             "seed: 4\n"
             "traffic: {base_rps: 20}\n"
             "workload:\n"
             "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 200ms}}]\n"
             "fleet:\n"
             "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
             "  boot: {dist: constant, mean: 30s}\n"
             "  max: 40\n"
             "%s"
             "policies:\n"
             "  - %s\n",
             fleet_extra, policy);
    hr_scenario sc;
    load(yaml, &sc);
    run(&sc, 0, 0, r);
    hr_scenario_free(&sc);
}

static bool log_has(const hr_run_result *r, const char *text)
{
    for (size_t i = 0; i < r->n_decisions; i++)
        if (strstr(r->decisions[i].reason, text))
            return true;
    return false;
}

/* 12 instances over 3 zones: zone 2 going down takes its 4, health checks
 * notice them, and the group replaces them in the other zones. */
static void test_zone_outage_removes_that_zones_share(void **state)
{
    (void)state;
    hr_run_result r;
    fault_run("  zones: 3\n  outages: [{zone: 2, start: 2h, duration: 1h}]\n  failures: {mtbf: 100000h, detect: 30s}\n",
              "{name: s, kind: static, instances: 12}", &r);
    assert_int_equal(r.summary.outage_losses, 4);
    assert_int_equal(r.summary.failures, 0);
    assert_true(log_has(&r, "fault: zone 2 down for 1h: 4 instances lost"));
    assert_true(log_has(&r, "fault: zone 2 back"));
    int failed_seen = 0;
    for (size_t i = 0; i < r.n_series; i++) {
        const hr_sample *x = &r.series[i];
        if (x->time_s >= 2 * 3600 && x->time_s < 2 * 3600 + 20)
            failed_seen = x->failed;
        if (x->time_s > 3 * 3600)
            assert_int_equal(x->in_service, 12); /* replaced long before */
    }
    assert_int_equal(failed_seen, 4);
    assert_int_equal(r.summary.launches, 16);
    hr_run_result_free(&r);
}

static void test_provisioning_failures_and_quota_are_retried_and_logged(void **state)
{
    (void)state;
    hr_run_result r;
    /* crashes every ~2 h per instance, half the replacement launches fail */
    fault_run("  failures: {mtbf: 2h, detect: 30s}\n  provisioning: {failure: 0.5, retry: 20s}\n",
              "{name: s, kind: static, instances: 10}", &r);
    assert_true(r.summary.failures > 20);
    assert_true(r.summary.launch_failures > 5);
    assert_true(log_has(&r, "fault: launch failed (insufficient capacity), retry in 20s"));
    const hr_sample *last = &r.series[r.n_series - 1];
    assert_true(last->in_service + last->pending + last->failed == 10);
    hr_run_result_free(&r);
    /* target tracking wants about 7 at 20% cpu; the quota holds 4 */
    fault_run("  initial: 2\n  provisioning: {quota: 4}\n",
              "{name: tt, kind: target_tracking, metric: cpu, target: 15}", &r);
    assert_true(r.summary.quota_refusals > 0);
    assert_true(r.summary.peak_instances <= 4);
    assert_true(log_has(&r, "fault: quota of 4 instances reached"));
    hr_run_result_free(&r);
}

static void test_slow_boots_stretch_the_boot(void **state)
{
    (void)state;
    hr_run_result fast, slow;
    fault_run("  failures: {mtbf: 3h, detect: 30s}\n", "{name: s, kind: static, instances: 10}", &fast);
    fault_run("  failures: {mtbf: 3h, detect: 30s}\n  slow_boots: {share: 1, factor: 5}\n",
              "{name: s, kind: static, instances: 10}", &slow);
    double ratio = slow.summary.instance_hours_by_state[HR_INSTANCE_PENDING] /
                   fast.summary.instance_hours_by_state[HR_INSTANCE_PENDING];
    if (ratio < 4 || ratio > 6)
        fail_msg("pending hours ratio %g, want about 5", ratio);
    hr_run_result_free(&fast);
    hr_run_result_free(&slow);
}

/* Two tenants on top of a base stream: one from the start with its own,
 * slower class and an SLO it cannot meet, one onboarding at 1 h over a
 * 30-minute ramp. */
static const char *tenant_yaml =
    "scenario: tenants\n"
    "duration: 3h\n"
    "tick: 10s\n"
    "seed: 21\n"
    "traffic:\n"
    "  base_rps: 20\n"
    "  tenants:\n"
    "    - {name: acme, base_rps: 10, classes: [{name: report, share: 1, service: {dist: exponential, mean: 400ms}}],\n"
    "       slo: {latency_p95: 50ms}}\n"
    "    - {name: globex, tier: small, onboard: 1h, ramp: 30m, base_rps: 30}\n"
    "workload:\n"
    "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
    "fleet:\n"
    "  instance: {concurrency: 8, price_per_hour: 0.1}\n"
    "  max: 10\n"
    "slo: {latency_p95: 2s, error_rate: 1}\n"
    "policies:\n"
    "  - {name: s, kind: static, instances: 4}\n";

static void test_tenants_add_up_to_the_total_with_their_own_slo(void **state)
{
    (void)state;
    hr_scenario sc;
    load(tenant_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    assert_int_equal(r.n_tenants, 2);
    const hr_tenant_summary *acme = &r.tenants[0], *globex = &r.tenants[1];
    assert_string_equal(acme->name, "acme");
    /* acme 10/s for 3 h; globex 0 for 1 h, a 30-minute ramp, then 30/s */
    double want_acme = 10.0 * 3 * 3600, want_globex = 30.0 * (0.25 * 3600 + 1.5 * 3600);
    assert_true(fabs((double)acme->requests - want_acme) < 4 * sqrt(want_acme));
    assert_true(fabs((double)globex->requests - want_globex) < 4 * sqrt(want_globex));
    double base = 20.0 * 3 * 3600;
    double total = (double)r.summary.requests;
    assert_true(fabs(total - base - want_acme - want_globex) < 4 * sqrt(total));
    /* acme's 400 ms reports: its p95 is that of its own class (~1.2 s),
     * which breaks its 50 ms SLO but not the scenario's 2 s */
    assert_true(acme->latency_p95_ms > 900 && acme->latency_p95_ms < 1500);
    assert_false(acme->slo_met);
    assert_true(globex->slo_met);
    assert_true(r.summary.slo_met);
    /* cost shares follow the service demand: acme's 10/s x 400 ms is more
     * than globex's ~25/s x 50 ms */
    assert_true(acme->demand_share > globex->demand_share);
    assert_true(acme->demand_share + globex->demand_share < 1);
    assert_true(fabs(acme->cost - r.summary.cost * acme->demand_share) < 1e-9);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* Three equal rises two hours apart: a season of 2h. */
static const char *periodic_yaml =
    "scenario: periodic\n"
    "duration: 5h30m\n"
    "tick: 10s\n"
    "seed: 5\n"
    "traffic:\n"
    "  base_rps: 10\n"
    "  events:\n"
    "    - {name: r1, start: 1h, duration: 40m, multiplier: 5, ramp: 2m}\n"
    "    - {name: r2, start: 3h, duration: 40m, multiplier: 5, ramp: 2m}\n"
    "    - {name: r3, start: 5h, duration: 40m, multiplier: 5, ramp: 2m}\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "  timeout: 3s\n"
    "fleet:\n"
    "  instance: {concurrency: 2, price_per_hour: 0.1}\n"
    "  boot: {dist: constant, mean: 120s}\n"
    "  initial: 2\n  min: 1\n  max: 30\n"
    "metrics: {period: 60s, delay: 60s}\n"
    "policies:\n"
    "  - {name: cpu-50, kind: target_tracking, metric: cpu, target: 50, warmup: 120s}\n"
    "  - {name: ahead, kind: predictive, forecaster: seasonal_naive, season: 2h, min_history: 2h,\n"
    "     metric: request_rate, target: 10, lead: 5m, fallback: cpu-50}\n";

/* The first time in [from, to) the desired capacity rises above what it
 * was at from. */
static double first_rise(const hr_run_result *r, double from, double to)
{
    int at_from = -1;
    for (size_t i = 0; i < r->n_series; i++) {
        const hr_sample *x = &r->series[i];
        if (x->time_s + r->series_step_s <= from || x->time_s >= to)
            continue;
        if (at_from < 0)
            at_from = x->desired;
        else if (x->desired > at_from)
            return x->time_s;
    }
    return INFINITY;
}

static void test_predictive_scales_ahead_of_a_rise_target_tracking_follows(void **state)
{
    (void)state;
    hr_scenario sc;
    load(periodic_yaml, &sc);
    hr_run_result tt, pred;
    run(&sc, 0, 0, &tt);
    run(&sc, 1, 0, &pred);
    double rise_s = 5 * 3600.0;
    double t_tt = first_rise(&tt, rise_s - 1800, rise_s + 1800);
    double t_pred = first_rise(&pred, rise_s - 1800, rise_s + 1800);
    assert_true(t_pred < rise_s);  /* capacity goes up before the load does */
    assert_true(t_tt > rise_s);    /* the reactive policy waits for the metric */
    /* the forecasts were scored: one season ahead, they are close */
    assert_true(pred.summary.forecasts > 100);
    assert_true(pred.summary.forecast_mape_pct > 0 && pred.summary.forecast_mape_pct < 20);
    assert_int_equal(tt.summary.forecasts, 0);
    assert_true(isnan(tt.summary.forecast_mape_pct));
    /* the log names the forecast */
    assert_true(log_has(&pred, "forecast request_rate"));
    hr_run_result_free(&tt);
    hr_run_result_free(&pred);
    hr_scenario_free(&sc);
}

static void test_static_fleet_is_billed_for_every_hour(void **state)
{
    (void)state;
    hr_scenario sc;
    load(spike_yaml, &sc);
    hr_run_result r;
    run(&sc, 1, 0, &r);
    /* 8 instances from t = 0 for 3 h at 0.2 per hour */
    assert_true(fabs(r.summary.cost - 8 * 3 * 0.2) < 1e-9);
    assert_true(fabs(r.summary.instance_hours - 24) < 1e-9);
    assert_int_equal(r.summary.scaling_actions, 0);
    assert_int_equal(r.summary.peak_instances, 8);
    assert_true(fabs(r.summary.cost_per_million_requests -
                     r.summary.cost / (double)r.summary.requests * 1e6) < 1e-9);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_series_rows_add_up_to_the_summary(void **state)
{
    (void)state;
    hr_scenario sc;
    load(spike_yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    assert_int_equal(r.n_series, 3 * 360);
    assert_true(r.series_step_s == 10);
    double arrivals = 0, completed = 0, errors = 0;
    for (size_t i = 0; i < r.n_series; i++) {
        assert_true(r.series[i].time_s == 10.0 * (double)i);
        arrivals += r.series[i].offered_rps * 10;
        completed += r.series[i].completed_rps * 10;
        errors += r.series[i].error_rps * 10;
    }
    assert_true(fabs(arrivals - (double)r.summary.requests) < 1e-6);
    assert_true(fabs(completed - (double)r.summary.completed) < 1e-6);
    assert_true(fabs(errors - (double)r.summary.errors) < 1e-6);
    assert_int_equal(r.summary.errors, r.summary.rejected + r.summary.timed_out + r.summary.failed);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static const char *overload_fmt =
    "scenario: overload\n"
    "duration: 1h\n"
    "tick: 1s\n"
    "traffic: {base_rps: 20}\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
    "%s"
    "fleet:\n"
    "  instance: {concurrency: 1, price_per_hour: 1}\n"
    "  %s\n"
    "  initial: 1\n  min: 1\n  max: 1\n"
    "slo: {latency_p95: 500ms, window: 5m}\n"
    "policies: [{name: one, kind: static, instances: 1}]\n";

static void overload_run(const char *workload_extra, const char *fleet_extra, hr_run_result *r)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, overload_fmt, workload_extra, fleet_extra);
    hr_scenario sc;
    load(yaml, &sc);
    run(&sc, 0, 0, r);
    hr_scenario_free(&sc);
}

static void test_overload_times_requests_out_at_the_deadline(void **state)
{
    (void)state;
    hr_run_result r;
    overload_run("  timeout: 1s\n", "drain: 0s", &r);
    /* offered 2x capacity: about half the requests time out */
    double share = (double)r.summary.timed_out / (double)r.summary.requests;
    assert_true(share > 0.4 && share < 0.6);
    assert_true(r.summary.latency_p99_ms <= 1000 * 1.01);
    assert_int_equal(r.summary.rejected, 0);
    /* every 5-minute window breaks the p95 SLO */
    assert_int_equal(r.summary.slo_windows, 12);
    assert_true(r.summary.slo_violation_minutes == 60);
    assert_false(r.summary.slo_met);
    hr_run_result_free(&r);
}

static void test_full_queue_rejects_arrivals(void **state)
{
    (void)state;
    hr_run_result r;
    overload_run("  queue_limit: 0\n", "drain: 0s", &r);
    assert_true(r.summary.rejected > 0);
    assert_int_equal(r.summary.timed_out, 0);
    /* nothing ever waits without a queue */
    assert_true(r.summary.wait_probability == 0);
    assert_true(r.summary.mean_wait_ms == 0);
    /* Erlang B with a = 2, c = 1: 2/3 of arrivals are blocked */
    double blocked = (double)r.summary.rejected / (double)r.summary.requests;
    assert_true(fabs(blocked - 2.0 / 3.0) < 0.02);
    hr_run_result_free(&r);
}

static void test_crashed_instances_fail_their_work_and_are_replaced(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: crashes\n"
        "duration: 4h\n"
        "tick: 5s\n"
        "traffic: {base_rps: 40}\n"
        "workload:\n"
        "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
        "fleet:\n"
        "  instance: {concurrency: 4, price_per_hour: 1}\n"
        "  boot: {dist: constant, mean: 30s}\n"
        "  failures: {mtbf: 1h, detect: 20s}\n"
        "  load_balancer: round_robin\n"
        "  initial: 4\n  min: 4\n  max: 4\n"
        "policies: [{name: four, kind: static, instances: 4}]\n";
    hr_scenario sc;
    load(yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    /* 4 instances x 4 h / 1 h MTBF: about 16 crashes */
    assert_true(r.summary.failures >= 6 && r.summary.failures <= 30);
    /* every detected crash is replaced by one launch; crashes within the
     * last `detect` of the run (at most the 4 instances) are not yet */
    assert_true(r.summary.launches <= 4 + r.summary.failures);
    assert_true(r.summary.launches >= r.summary.failures);
    assert_true(r.summary.failed > 0);
    assert_true(r.summary.instance_hours_by_state[4] > 0); /* time spent failed, undetected */
    /* the fleet returns to 4 after each replacement boots */
    int at_four = 0;
    for (size_t i = 0; i < r.n_series; i++)
        at_four += r.series[i].in_service == 4;
    assert_true(at_four > (int)r.n_series / 2);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* A fleet of one instance (round robin, constant 100 ms service, light
 * load) that a target-tracking policy grows to two at its first decision;
 * fleet_extra sets boot/warmup. Returns the summary. */
static void grow_to_two(const char *fleet_extra, hr_summary *out)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "scenario: grow\n"
             "duration: 30m\n"
             "tick: 5s\n"
             "traffic: {base_rps: 0.2}\n"
             "workload: {classes: [{name: a, share: 1, service: {dist: constant, mean: 100ms}}]}\n"
             "fleet:\n"
             "  instance: {concurrency: 1, price_per_hour: 1}\n"
             "  load_balancer: round_robin\n"
             "%s"
             "  initial: 1\n  min: 1\n  max: 2\n"
             "policies: [{name: tt, kind: target_tracking, metric: cpu, target: 0.01}]\n",
             fleet_extra);
    hr_scenario sc;
    load(yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    assert_int_equal(r.summary.launches, 2);
    *out = r.summary;
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_warming_instances_serve_slower(void **state)
{
    (void)state;
    hr_summary cold, warm;
    /* the second instance starts at t = 120 s at a quarter speed, ramping
     * to full speed over 20 minutes: its early requests take up to 400 ms */
    grow_to_two("  warmup: {duration: 20m, initial_speed: 0.25}\n", &cold);
    grow_to_two("", &warm);
    assert_true(cold.latency_p99_ms > 300);
    assert_true(cold.instance_hours_by_state[HR_INSTANCE_WARMING] > 0.3);
    /* without warm-up a request takes 100 ms, plus at most one 100 ms wait */
    assert_true(warm.latency_p99_ms < 210);
    assert_true(warm.instance_hours_by_state[HR_INSTANCE_WARMING] == 0);
}

static void test_drain_deadline_fails_unfinished_work(void **state)
{
    (void)state;
    /* two busy instances, 100 s requests; a step policy removes one at its
     * first decision, and its request cannot finish within the 10 s drain */
    const char *yaml =
        "scenario: drain\n"
        "duration: 1h\n"
        "tick: 5s\n"
        "traffic: {base_rps: 0.05}\n"
        "workload: {classes: [{name: a, share: 1, service: {dist: constant, mean: 100s}}]}\n"
        "fleet:\n"
        "  instance: {concurrency: 1, price_per_hour: 1}\n"
        "  drain: 10s\n"
        "  initial: 2\n  min: 1\n  max: 2\n"
        "policies:\n"
        "  - {name: shrink, kind: step, metric: request_rate, steps: [{below: 1, remove: 1}]}\n";
    hr_scenario sc;
    load(yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    assert_int_equal(r.summary.failures, 0);
    assert_true(r.summary.failed >= 1);
    double drain_h = r.summary.instance_hours_by_state[HR_INSTANCE_DRAINING];
    assert_true(drain_h > 0 && drain_h <= 10.0 / 3600 + 1e-9);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_policy_sees_each_period_only_after_the_delay(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: delay\n"
        "duration: 10m\n"
        "tick: 5s\n"
        "traffic: {base_rps: 30, noise: {sigma: 0.3, correlation: 30s}}\n"
        "workload: {classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]}\n"
        "fleet: {instance: {concurrency: 8, price_per_hour: 1}, initial: 2, min: 2, max: 2}\n"
        "metrics: {period: 30s, delay: 45s}\n"
        "policies: [{name: tt, kind: target_tracking, metric: cpu, target: 100}]\n";
    hr_scenario sc;
    load(yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    /* periods end at 30, 60, ... 600; each is published 45 s later, so the
     * policy is asked at 75, 105, ... 585 */
    assert_int_equal(r.n_decisions, (600 - 75) / 30 + 1);
    for (size_t k = 0; k < r.n_decisions; k++) {
        assert_true(r.decisions[k].time_s == 75.0 + 30.0 * (double)k);
        /* the metric it saw is the cpu of period k, [30k, 30k + 30): the
         * mean of that period's six 5-second rows (same workers in each) */
        double cpu = 0;
        for (size_t i = 6 * k; i < 6 * k + 6; i++)
            cpu += r.series[i].cpu_pct / 6;
        if (fabs(r.decisions[k].metric - cpu) > 1e-9)
            fail_msg("decision %zu saw cpu %.12g, period truth %.12g", k, r.decisions[k].metric, cpu);
    }
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_no_completed_request_means_no_latency(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: empty-fleet\n"
        "duration: 10m\n"
        "traffic: {base_rps: 5}\n"
        "workload: {classes: [{name: a, share: 1, service: {dist: constant, mean: 10ms}}]}\n"
        "fleet: {instance: {concurrency: 1, price_per_hour: 1}, initial: 0, min: 0, max: 1}\n"
        "slo: {error_rate: 1}\n"
        "policies: [{name: none, kind: static, instances: 0}]\n";
    hr_scenario sc;
    load(yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    assert_true(r.summary.requests > 0);
    assert_int_equal(r.summary.rejected, r.summary.requests);
    assert_true(r.summary.error_rate_pct == 100);
    assert_true(isnan(r.summary.latency_p50_ms) && isnan(r.summary.latency_p95_ms));
    assert_true(isnan(r.summary.mean_wait_ms) && isnan(r.summary.wait_probability));
    assert_true(isnan(r.series[0].latency_p95_ms));
    assert_true(r.summary.slo_violation_minutes == 10);
    assert_false(r.summary.slo_met);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* Every request times out and only a latency SLO is set: the timed-out
 * requests count as censored at the timeout (slower than any SLO below
 * it), so the SLO is broken rather than left unjudged. */
static void test_timed_out_requests_break_a_latency_slo(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: all-timeouts\n"
        "duration: 10m\n"
        "traffic: {base_rps: 5}\n"
        "workload: {classes: [{name: a, share: 1, service: {dist: constant, mean: 5s}}], timeout: 1s}\n"
        "fleet: {instance: {concurrency: 64, price_per_hour: 1}, max: 1}\n"
        "slo: {latency_p95: 500ms}\n"
        "policies: [{name: one, kind: static, instances: 1}]\n";
    hr_scenario sc;
    load(yaml, &sc);
    hr_run_result r;
    run(&sc, 0, 0, &r);
    assert_int_equal(r.summary.completed, 0);
    assert_true(r.summary.timed_out + 10 > r.summary.requests); /* all but those still in flight */
    assert_true(fabs(r.summary.latency_p95_ms - 1000) < 10);
    assert_true(r.summary.slo_violation_minutes == 10);
    assert_false(r.summary.slo_met);
    assert_true(fabs(r.series[100].latency_p95_ms - 1000) < 10);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* A quiet window's few slow requests: with slo.min_requests the window is
 * judged on errors only. 0.02 requests/s of 800 ms against a 500 ms p95:
 * every window with a request breaks the SLO; with min_requests: 50, none
 * is judged on latency. */
static void test_min_requests_judges_quiet_windows_on_errors_only(void **state)
{
    (void)state;
    char yaml[1024];
    const char *fmt =
        "scenario: quiet\n"
        "duration: 2h\n"
        "seed: 3\n"
        "traffic: {base_rps: 0.02}\n"
        "workload: {classes: [{name: a, share: 1, service: {dist: constant, mean: 800ms}}]}\n"
        "fleet: {instance: {concurrency: 4, price_per_hour: 1}, max: 1}\n"
        "slo: {latency_p95: 500ms%s}\n"
        "policies: [{name: one, kind: static, instances: 1}]\n";
    hr_scenario sc;
    hr_run_result r;
    snprintf(yaml, sizeof yaml, fmt, "");
    load(yaml, &sc);
    run(&sc, 0, 0, &r);
    assert_true(r.summary.completed > 50);
    assert_true(r.summary.slo_violation_minutes > 60);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
    snprintf(yaml, sizeof yaml, fmt, ", min_requests: 50");
    load(yaml, &sc);
    run(&sc, 0, 0, &r);
    assert_true(r.summary.slo_violation_minutes == 0);
    assert_true(r.summary.slo_met);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timed_out_requests_break_a_latency_slo),
        cmocka_unit_test(test_min_requests_judges_quiet_windows_on_errors_only),
        cmocka_unit_test(test_same_inputs_give_bit_identical_results),
        cmocka_unit_test(test_policies_of_a_replication_see_the_same_traffic),
        cmocka_unit_test(test_fluid_mode_is_deterministic_with_common_traffic),
        cmocka_unit_test(test_target_tracking_follows_a_spike_through_the_lifecycle),
        cmocka_unit_test(test_target_tracking_sizes_for_the_load_warming_instances_carry),
        cmocka_unit_test(test_step_warmup_adds_once_per_step_while_its_instances_warm),
        cmocka_unit_test(test_static_fleet_is_billed_for_every_hour),
        cmocka_unit_test(test_predictive_scales_ahead_of_a_rise_target_tracking_follows),
        cmocka_unit_test(test_series_rows_add_up_to_the_summary),
        cmocka_unit_test(test_overload_times_requests_out_at_the_deadline),
        cmocka_unit_test(test_full_queue_rejects_arrivals),
        cmocka_unit_test(test_crashed_instances_fail_their_work_and_are_replaced),
        cmocka_unit_test(test_warming_instances_serve_slower),
        cmocka_unit_test(test_drain_deadline_fails_unfinished_work),
        cmocka_unit_test(test_policy_sees_each_period_only_after_the_delay),
        cmocka_unit_test(test_no_completed_request_means_no_latency),
        cmocka_unit_test(test_hpa_settles_where_the_tolerance_band_says),
        cmocka_unit_test(test_replay_volume_is_the_trace_integral_times_scale),
        cmocka_unit_test(test_reserved_is_billed_used_or_not_and_on_demand_above),
        cmocka_unit_test(test_spot_share_discount_and_capacity_refusals),
        cmocka_unit_test(test_spot_interruptions_at_the_configured_rate),
        cmocka_unit_test(test_zone_outage_removes_that_zones_share),
        cmocka_unit_test(test_provisioning_failures_and_quota_are_retried_and_logged),
        cmocka_unit_test(test_slow_boots_stretch_the_boot),
        cmocka_unit_test(test_tenants_add_up_to_the_total_with_their_own_slo),
        cmocka_unit_test(test_fleet_totals_and_memory_reach_the_policies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
