/* Request mode against queueing theory: a single instance under stationary
 * Poisson traffic is an M/G/c queue whose waiting time theory knows. Fixed
 * seeds, so each check is deterministic; run lengths give millions of
 * requests so that the 3% tolerance is several standard errors wide. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/engine.h"
#include "headroom/queueing.h"
#include "headroom/scenario.h"

/* One instance with `concurrency` workers, Poisson arrivals at rate_rps,
 * service `service` (a flow mapping), no timeout, unbounded queue. */
static void run_single_instance(double rate_rps, int concurrency, const char *service,
                                const char *duration, hr_summary *out)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "scenario: queue\n"
             "duration: %s\n"
             "tick: 60s\n"
             "seed: 7\n"
             "traffic: {base_rps: %g}\n"
             "workload:\n"
             "  classes: [{name: only, share: 1, service: %s}]\n"
             "fleet:\n"
             "  instance: {concurrency: %d, price_per_hour: 0.1}\n"
             "  initial: 1\n  min: 1\n  max: 1\n"
             "policies: [{name: one, kind: static, instances: 1}]\n",
             duration, rate_rps, service, concurrency);
    hr_scenario sc;
    hr_error err;
    int rc = hr_scenario_load_string("queue.yaml", yaml, strlen(yaml), &sc, &err);
    if (rc)
        fail_msg("%s", err.msg);
    hr_run_spec spec = {.scenario = &sc, .policy_index = 0, .seed = sc.seed, .replication = 0};
    hr_run_result res;
    rc = hr_engine_run(&spec, &res, &err);
    if (rc)
        fail_msg("%s", err.msg);
    *out = res.summary;
    hr_run_result_free(&res);
    hr_scenario_free(&sc);
}

static void assert_within(double got, double want, double rel, const char *what)
{
    double e = fabs(got - want) / want;
    printf("  %-28s simulated %10.5f  theory %10.5f  error %5.2f%%\n", what, got, want, 100 * e);
    if (e > rel)
        fail_msg("%s: simulated %g, theory %g (%.2f%% off, allowed %.1f%%)", what, got, want, 100 * e,
                 100 * rel);
}

/* M/M/8, lambda 64/s, mean service 100 ms: a = 6.4 Erlangs, rho = 0.8. */
static void test_mmc_matches_erlang_c(void **state)
{
    (void)state;
    hr_summary s;
    run_single_instance(64, 8, "{dist: exponential, mean: 100ms}", "60h", &s);
    assert_int_equal(s.errors, 0);
    assert_true(s.requests > 13000000);
    assert_within(s.wait_probability, hr_erlang_c(8, 6.4), 0.03, "M/M/8 P(wait)");
    assert_within(s.mean_wait_ms, 1000 * hr_mmc_mean_wait_s(8, 64, 0.1), 0.03, "M/M/8 mean wait ms");
}

/* M/D/1 at rho = 0.7: E[Wq] = rho S / (2 (1 - rho)). */
static void test_md1_matches_pollaczek_khinchine(void **state)
{
    (void)state;
    hr_summary s;
    run_single_instance(7, 1, "{dist: constant, mean: 100ms}", "100h", &s);
    assert_within(s.mean_wait_ms, 1000 * hr_mg1_mean_wait_s(7, 0.1, 0), 0.03, "M/D/1 mean wait ms");
    assert_within(s.wait_probability, 0.7, 0.03, "M/D/1 P(wait) = rho");
}

/* M/M/1 at rho = 0.8: response time is exponential with rate mu - lambda,
 * so its p95 is ln(20) / (mu - lambda): checks the latency histogram too. */
static void test_mm1_response_time_percentiles(void **state)
{
    (void)state;
    hr_summary s;
    run_single_instance(8, 1, "{dist: exponential, mean: 100ms}", "100h", &s);
    assert_within(s.mean_wait_ms, 1000 * hr_mmc_mean_wait_s(1, 8, 0.1), 0.03, "M/M/1 mean wait ms");
    assert_within(s.latency_p50_ms, 1000 * log(2.0) / 2.0, 0.03, "M/M/1 p50 response ms");
    assert_within(s.latency_p95_ms, 1000 * log(20.0) / 2.0, 0.03, "M/M/1 p95 response ms");
}

/* M/G/1 with gamma service (cv 1.5) at rho = 0.6: P-K with E[S^2] = S^2 (1 + cv^2). */
static void test_mg1_gamma_matches_pollaczek_khinchine(void **state)
{
    (void)state;
    hr_summary s;
    run_single_instance(6, 1, "{dist: gamma, mean: 100ms, cv: 1.5}", "150h", &s);
    double var = 0.1 * 0.1 * 1.5 * 1.5;
    assert_within(s.mean_wait_ms, 1000 * hr_mg1_mean_wait_s(6, 0.1, var), 0.03, "M/G/1 (gamma) mean wait ms");
}

/* Random routing splits a Poisson stream into independent Poisson streams,
 * so 4 instances of 2 workers behind a `random` balancer at 48/s are four
 * M/M/2 queues at 12/s each (a = 1.2): this checks the multi-instance path,
 * the load balancer and the fleet bookkeeping against Erlang C. */
static void test_random_balancer_gives_independent_mmc_queues(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: split\n"
        "duration: 60h\n"
        "tick: 60s\n"
        "seed: 7\n"
        "traffic: {base_rps: 48}\n"
        "workload: {classes: [{name: only, share: 1, service: {dist: exponential, mean: 100ms}}]}\n"
        "fleet:\n"
        "  instance: {concurrency: 2, price_per_hour: 0.1}\n"
        "  load_balancer: random\n"
        "  initial: 4\n  min: 4\n  max: 4\n"
        "policies: [{name: four, kind: static, instances: 4}]\n";
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("split.yaml", yaml, strlen(yaml), &sc, &err))
        fail_msg("%s", err.msg);
    hr_run_spec spec = {.scenario = &sc, .policy_index = 0, .seed = sc.seed, .replication = 0};
    hr_run_result res;
    if (hr_engine_run(&spec, &res, &err))
        fail_msg("%s", err.msg);
    assert_within(res.summary.wait_probability, hr_erlang_c(2, 1.2), 0.03, "4 x M/M/2 P(wait)");
    assert_within(res.summary.mean_wait_ms, 1000 * hr_mmc_mean_wait_s(2, 12, 0.1), 0.03,
                  "4 x M/M/2 mean wait ms");
    hr_run_result_free(&res);
    hr_scenario_free(&sc);
}

static void test_erlang_c_known_values(void **state)
{
    (void)state;
    /* M/M/1: C(1, a) = a */
    assert_true(fabs(hr_erlang_c(1, 0.8) - 0.8) < 1e-12);
    /* Tabulated: C(2, 1) = 1/3 */
    assert_true(fabs(hr_erlang_c(2, 1.0) - 1.0 / 3.0) < 1e-12);
    assert_true(hr_erlang_c(4, 4.0) == 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_c_known_values),
        cmocka_unit_test(test_mmc_matches_erlang_c),
        cmocka_unit_test(test_md1_matches_pollaczek_khinchine),
        cmocka_unit_test(test_mm1_response_time_percentiles),
        cmocka_unit_test(test_mg1_gamma_matches_pollaczek_khinchine),
        cmocka_unit_test(test_random_balancer_gives_independent_mmc_queues),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
