/* Warm pools (fleet.warm_pool) inside the engine: a scale-out starts pool
 * instances instead of booting new ones, the pool keeps its size
 * (max_prepared - desired, at least min_size), pool instances are billed at
 * the pool's rate, a scale-in can return instances to the pool, and pool
 * instances count toward the quota and are lost with their zone. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/engine.h"
#include "headroom/scenario.h"

#define assert_close(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static void run_yaml(const char *yaml, hr_run_result *out)
{
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("test.yaml", yaml, strlen(yaml), &sc, &err))
        fail_msg("%s", err.msg);
    hr_run_spec spec = {.scenario = &sc, .policy_index = 0, .seed = sc.seed, .replication = 0};
    if (hr_engine_run(&spec, out, &err))
        fail_msg("%s", err.msg);
    hr_scenario_free(&sc);
}

/* One hour of 40 req/s of 100 ms on single-worker instances (4 busy
 * workers: any fleet under 8 reads over 50% cpu), 10-minute boots, exact
 * per-second billing at 3.6 an hour (0.001 a second). The policy and the
 * fleet's extra lines (the warm pool) vary. */
static void hour_run(const char *fleet_extra, const char *policy, hr_run_result *r)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "scenario: pool\n"
             "duration: 1h\n"
             "tick: 10s\n"
             "seed: 7\n"
             "traffic: {base_rps: 40}\n"
             "workload:\n"
             "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
             "  timeout: 2s\n"
             "  queue_limit: 20\n"
             "fleet:\n"
             "  instance: {concurrency: 1, price_per_hour: 3.6}\n"
             "  boot: {dist: constant, mean: 600s}\n"
             "  billing: {granularity: 1s, minimum: 0s}\n"
             "  initial: 1\n"
             "  min: 1\n"
             "  max: 10\n"
             "%s"
             "metrics: {period: 60s, delay: 60s}\n"
             "policies:\n"
             "  - %s\n",
             fleet_extra, policy);
    run_yaml(yaml, r);
}

/* The first datapoint (0-60 s, published at 120 s) reads 100% cpu: the
 * policy sets the capacity to 3 at 120 s and holds it there. */
#define EXACT_3 "{name: three, kind: simple, metric: cpu, above: 50, adjustment: 3, adjustment_type: exact}"

static const hr_sample *row_at(const hr_run_result *r, double t)
{
    for (size_t i = 0; i < r->n_series; i++)
        if (fabs(r->series[i].time_s - t) < 1e-9)
            return &r->series[i];
    fail_msg("no series row at %g s", t);
    return NULL;
}

static double first_action_s(const hr_run_result *r)
{
    for (size_t i = 0; i < r->n_decisions; i++)
        if (r->decisions[i].desired != r->decisions[i].current)
            return r->decisions[i].time_s;
    return -1;
}

static void test_scale_out_from_a_stopped_pool_serves_after_start_not_boot(void **state)
{
    (void)state;
    hr_run_result r;
    hour_run("  warm_pool: {max_prepared: 3, min_size: 2, start: 30s, stopped_price_per_hour: 0.36}\n",
             EXACT_3, &r);
    assert_close(first_action_s(&r), 120, 1e-9);
    /* taken at 120 s, started 30 s later: serving at 150 s */
    const hr_sample *x = row_at(&r, 130);
    assert_int_equal(x->pending, 2);
    assert_int_equal(x->in_service, 1);
    x = row_at(&r, 150);
    assert_int_equal(x->pending, 0);
    assert_int_equal(x->in_service, 3);
    assert_int_equal(r.summary.starts_from_pool, 2);
    hr_run_result_free(&r);

    /* without the pool, the same scale-out serves only after the boot */
    hour_run("", EXACT_3, &r);
    assert_close(first_action_s(&r), 120, 1e-9);
    assert_int_equal(row_at(&r, 150)->in_service, 1);
    assert_int_equal(row_at(&r, 700)->in_service, 1);
    assert_int_equal(row_at(&r, 720)->in_service, 3);
    assert_int_equal(r.summary.starts_from_pool, 0);
    hr_run_result_free(&r);
}

/* fleet.warmup applies to an instance entering service from the pool,
 * unless warm_pool.warmup is false. */
static void test_pool_instances_warm_up_unless_told_not_to(void **state)
{
    (void)state;
    hr_run_result r;
    hour_run("  warmup: {duration: 60s, initial_speed: 0.5}\n"
             "  warm_pool: {max_prepared: 3, start: 30s}\n",
             EXACT_3, &r);
    assert_int_equal(row_at(&r, 150)->warming, 2);
    assert_int_equal(row_at(&r, 150)->in_service, 1);
    assert_int_equal(row_at(&r, 220)->in_service, 3);
    hr_run_result_free(&r);
    hour_run("  warmup: {duration: 60s, initial_speed: 0.5}\n"
             "  warm_pool: {max_prepared: 3, start: 30s, warmup: false}\n",
             EXACT_3, &r);
    assert_int_equal(row_at(&r, 150)->warming, 0);
    assert_int_equal(row_at(&r, 150)->in_service, 3);
    hr_run_result_free(&r);
}

/* The hand calculation behind the next test. 0 s: the group's instance A
 * and the pool's 2 (max(min_size 2, max_prepared 3 - desired 1)), B and C,
 * stopped. 120 s: desired 3 takes B and C; the pool's size is still 2
 * (max(2, 3 - 3)), so D and E launch into it, boot 600 s at the full
 * price, then stop until the end.
 *   group: A 3600 s + B, C 3480 s each, at 0.001/s      = 10.56
 *   pool:  B, C stopped 120 s each at 0.0001/s           =  0.024
 *          D, E booting 600 s each at 0.001/s            =  1.2
 *          D, E stopped 2880 s each at 0.0001/s          =  0.576
 * cost 12.36, of it the pool's 1.8, over 2 x 120 + 2 x 3480 s = 2 pool-hours. */
static void test_stopped_pool_instances_are_billed_at_their_price_and_boots_at_full(void **state)
{
    (void)state;
    hr_run_result r;
    hour_run("  warm_pool: {max_prepared: 3, min_size: 2, start: 30s, stopped_price_per_hour: 0.36}\n",
             EXACT_3, &r);
    assert_close(r.summary.cost, 12.36, 1e-9);
    assert_close(r.summary.warm_pool_cost, 1.8, 1e-9);
    assert_close(r.summary.warm_pool_hours, 2, 1e-9);
    /* the group's own cost is still split by purchase option */
    assert_close(r.summary.cost_by_option[HR_PURCHASE_ON_DEMAND], 10.56, 1e-9);
    assert_int_equal(r.summary.launches, 1 + 2 + 2);
    /* the series' cost rate: 3 in the group, 2 stopped in the pool */
    assert_close(r.series[r.n_series - 1].cost_per_hour, 3 * 3.6 + 2 * 0.36, 1e-9);
    hr_run_result_free(&r);
}

/* A static fleet of 1 in a group of at most 3: the pool holds 2 all hour. */
static void test_running_pool_instances_cost_the_full_price(void **state)
{
    (void)state;
    hr_run_result r;
    const char *fixed = "{name: one, kind: static, instances: 1}";
    hour_run("  warm_pool: {max_prepared: 3, start: 30s, stopped_price_per_hour: 0.36}\n", fixed, &r);
    assert_close(r.summary.cost, 3.6 + 2 * 0.36, 1e-9); /* 4.32 */
    assert_close(r.summary.warm_pool_cost, 0.72, 1e-9);
    hr_run_result_free(&r);
    hour_run("  warm_pool: {max_prepared: 3, state: hibernated, start: 10s, stopped_price_per_hour: 0.5}\n",
             fixed, &r);
    assert_close(r.summary.cost, 3.6 + 2 * 0.5, 1e-9);
    hr_run_result_free(&r);
    hour_run("  warm_pool: {max_prepared: 3, state: running}\n", fixed, &r);
    assert_close(r.summary.cost, 3 * 3.6, 1e-9); /* 10.8 */
    assert_close(r.summary.warm_pool_cost, 7.2, 1e-9);
    assert_close(r.summary.warm_pool_hours, 2, 1e-9);
    assert_close(r.series[r.n_series - 1].cost_per_hour, 3 * 3.6, 1e-9);
    hr_run_result_free(&r);
}

/* The pool's size is max_prepared (default fleet.max) - desired, never
 * below min_size, and 0 when desired passes max_prepared. */
static void test_pool_size_is_max_prepared_minus_desired_at_least_min_size(void **state)
{
    (void)state;
    hr_run_result r;
    const char *four = "{name: four, kind: static, instances: 4}";
    hour_run("  warm_pool: {start: 30s}\n", four, &r); /* max 10 */
    assert_int_equal(r.series[r.n_series - 1].pool, 6);
    assert_close(r.summary.warm_pool_hours, 6, 1e-9);
    hr_run_result_free(&r);
    hour_run("  warm_pool: {max_prepared: 3, start: 30s}\n", four, &r);
    assert_int_equal(r.series[r.n_series - 1].pool, 0);
    assert_true(r.summary.warm_pool_hours == 0);
    hr_run_result_free(&r);
    hour_run("  warm_pool: {max_prepared: 3, min_size: 2, start: 30s}\n", four, &r);
    assert_int_equal(r.series[r.n_series - 1].pool, 2);
    hr_run_result_free(&r);
    /* after a scale-out the pool refills to its size: 3 - 3 = 0 without a
     * minimum (nothing launched), 2 with min_size 2 (see the billing test) */
    hour_run("  warm_pool: {max_prepared: 3, start: 30s}\n", EXACT_3, &r);
    assert_int_equal(r.summary.launches, 1 + 2);
    assert_int_equal(r.series[r.n_series - 1].pool, 0);
    hr_run_result_free(&r);
    hour_run("  warm_pool: {max_prepared: 3, min_size: 2, start: 30s}\n", EXACT_3, &r);
    assert_int_equal(row_at(&r, 200)->pool, 2); /* booting into it */
    assert_int_equal(r.series[r.n_series - 1].pool, 2);
    hr_run_result_free(&r);
}

/* 20 req/s of 80 ms for 20 minutes (1.6 busy workers), then 5: step
 * scaling adds 3 at once (100% cpu on 1; 40% on 4) and, the load gone
 * (10%), removes them. Reused, the 3 go back into the pool after their
 * drain, and the pool needs no launch; otherwise they terminate and the
 * pool launches (and boots) 3 new ones. */
static void test_reuse_on_scale_in_returns_instances_to_the_pool(void **state)
{
    (void)state;
    const char *steps = "{name: steps, kind: step, metric: cpu, cooldown: 300s, "
                        "steps: [{above: 50, add: 3}, {below: 20, remove: 3}]}";
    char yaml[2048];
    const char *fmt =
        "scenario: reuse\n"
        "duration: 1h\n"
        "tick: 10s\n"
        "seed: 7\n"
        "traffic:\n"
        "  base_rps: 5\n"
        "  events: [{name: busy, start: 0s, duration: 20m, multiplier: 4, ramp: 0s}]\n"
        "workload:\n"
        "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 80ms}}]\n"
        "fleet:\n"
        "  instance: {concurrency: 1, price_per_hour: 3.6}\n"
        "  boot: {dist: constant, mean: 600s}\n"
        "  drain: 30s\n"
        "  initial: 1\n  min: 1\n  max: 10\n"
        "  warm_pool: {max_prepared: 6, start: 30s, reuse_on_scale_in: %s}\n"
        "metrics: {period: 60s, delay: 60s}\n"
        "policies:\n"
        "  - %s\n";
    hr_run_result r;
    snprintf(yaml, sizeof yaml, fmt, "true", steps);
    run_yaml(yaml, &r);
    assert_int_equal(r.summary.starts_from_pool, 3);
    assert_int_equal(r.summary.returns_to_pool, 3);
    assert_int_equal(r.summary.launches, 1 + 5); /* the group's 1 and the pool's 5, no more */
    const hr_sample *last = &r.series[r.n_series - 1];
    assert_int_equal(last->desired, 1);
    assert_int_equal(last->in_service, 1);
    assert_int_equal(last->pool, 5);
    hr_run_result_free(&r);

    snprintf(yaml, sizeof yaml, fmt, "false", steps);
    run_yaml(yaml, &r);
    assert_int_equal(r.summary.starts_from_pool, 3);
    assert_int_equal(r.summary.returns_to_pool, 0);
    assert_int_equal(r.summary.launches, 1 + 5 + 3);
    assert_int_equal(r.series[r.n_series - 1].pool, 5);
    hr_run_result_free(&r);
}

/* A scale-in that comes while instances taken from the pool are still
 * starting (start 10m): reused, they go straight back, ready; else they
 * terminate and the pool launches new ones. 4 busy workers for 2 minutes,
 * then 0.1: +2 at 120 s, -2 at 240 s. */
static void test_reuse_returns_starting_instances_at_once(void **state)
{
    (void)state;
    char yaml[2048];
    const char *fmt =
        "scenario: reuse-pending\n"
        "duration: 1h\n"
        "tick: 10s\n"
        "seed: 7\n"
        "traffic:\n"
        "  base_rps: 1\n"
        "  events: [{name: busy, start: 0s, duration: 2m, multiplier: 40, ramp: 0s}]\n"
        "workload:\n"
        "  classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
        "  timeout: 2s\n"
        "  queue_limit: 10\n"
        "fleet:\n"
        "  instance: {concurrency: 1, price_per_hour: 3.6}\n"
        "  boot: {dist: constant, mean: 600s}\n"
        "  initial: 1\n  min: 1\n  max: 10\n"
        "  warm_pool: {max_prepared: 3, start: 10m, reuse_on_scale_in: %s}\n"
        "metrics: {period: 60s, delay: 60s}\n"
        "policies:\n"
        "  - {name: steps, kind: step, metric: cpu, cooldown: 90s, "
        "steps: [{above: 50, add: 2}, {below: 20, remove: 2}]}\n";
    hr_run_result r;
    snprintf(yaml, sizeof yaml, fmt, "true");
    run_yaml(yaml, &r);
    assert_int_equal(row_at(&r, 200)->pending, 2);
    assert_int_equal(row_at(&r, 240)->pending, 0);
    assert_int_equal(row_at(&r, 240)->pool, 2);
    assert_int_equal(r.summary.starts_from_pool, 2);
    assert_int_equal(r.summary.returns_to_pool, 2);
    assert_int_equal(r.summary.launches, 1 + 2);
    hr_run_result_free(&r);
    snprintf(yaml, sizeof yaml, fmt, "false");
    run_yaml(yaml, &r);
    assert_int_equal(r.summary.returns_to_pool, 0);
    assert_int_equal(r.summary.launches, 1 + 2 + 2);
    assert_int_equal(r.series[r.n_series - 1].pool, 2);
    hr_run_result_free(&r);
}

static bool log_has(const hr_run_result *r, const char *text)
{
    for (size_t i = 0; i < r->n_decisions; i++)
        if (strstr(r->decisions[i].reason, text))
            return true;
    return false;
}

/* Two zones, a group of 2 and a pool of 8 spread over them: zone 1 going
 * down takes its group instance and its 4 pool instances; the pool refills
 * in zone 2 at once. A quota counts the pool too, and pool launches can
 * fail. */
static void test_pool_instances_are_lost_with_their_zone_count_toward_the_quota_and_retry(void **state)
{
    (void)state;
    hr_run_result r;
    const char *two = "{name: two, kind: static, instances: 2}";
    hour_run("  zones: 2\n  outages: [{zone: 1, start: 20m, duration: 30m}]\n"
             "  warm_pool: {start: 30s}\n",
             two, &r);
    assert_int_equal(r.summary.outage_losses, 5);
    assert_true(log_has(&r, "fault: zone 1 down for 30m: 1 instance lost, and 4 from the warm pool"));
    assert_int_equal(r.summary.launches, 2 + 8 + 1 + 4); /* the replacement, the pool's 4 */
    assert_int_equal(row_at(&r, 1190)->pool, 8);
    assert_int_equal(row_at(&r, 1200)->pool, 8);
    hr_run_result_free(&r);

    hour_run("  provisioning: {quota: 5}\n  warm_pool: {start: 30s}\n", two, &r);
    assert_int_equal(r.series[r.n_series - 1].pool, 3); /* 8 wanted, 5 - 2 allowed */
    hr_run_result_free(&r);

    /* pool launches fail as the group's do, logged and retried: after the
     * scale-out to 3 the pool (min_size 2) refills despite them */
    hour_run("  provisioning: {failure: 0.6, retry: 20s}\n"
             "  warm_pool: {max_prepared: 3, min_size: 2, start: 30s}\n",
             EXACT_3, &r);
    assert_true(r.summary.launch_failures > 0);
    assert_true(log_has(&r, "fault: warm pool launch failed (insufficient capacity), retry in 20s"));
    assert_int_equal(r.series[r.n_series - 1].pool, 2);
    hr_run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_out_from_a_stopped_pool_serves_after_start_not_boot),
        cmocka_unit_test(test_pool_instances_warm_up_unless_told_not_to),
        cmocka_unit_test(test_stopped_pool_instances_are_billed_at_their_price_and_boots_at_full),
        cmocka_unit_test(test_running_pool_instances_cost_the_full_price),
        cmocka_unit_test(test_pool_size_is_max_prepared_minus_desired_at_least_min_size),
        cmocka_unit_test(test_reuse_on_scale_in_returns_instances_to_the_pool),
        cmocka_unit_test(test_reuse_returns_starting_instances_at_once),
        cmocka_unit_test(test_pool_instances_are_lost_with_their_zone_count_toward_the_quota_and_retry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
