/* Fluid mode against request mode and queueing theory on stationary pools:
 * 8 instances of 4 workers behind a random balancer (eight M/M/4 queues),
 * at utilisation 0.5, 0.8 and 0.95; and overloaded, where a timeout turns
 * the excess into errors. The targets of docs/validation.md: p95 latency
 * within 10%, error rate within 0.1 percentage point, cost within 1%. */
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

#define INSTANCES 8
#define WORKERS 4
#define MEAN_S 0.1

/* A pool of INSTANCES x WORKERS at rho (exponential service of MEAN_S),
 * run in `fidelity`. */
static hr_summary run_pool(double rho, const char *fidelity, const char *duration,
                           const char *extra_workload)
{
    double lambda = rho * INSTANCES * WORKERS / MEAN_S;
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "scenario: pool\n"
             "duration: %s\n"
             "tick: 10s\n"
             "fidelity: %s\n"
             "seed: 11\n"
             "traffic: {base_rps: %.6f}\n"
             "workload:\n"
             "  classes: [{name: only, share: 1, service: {dist: exponential, mean: 100ms}}]\n"
             "%s"
             "fleet:\n"
             "  instance: {concurrency: %d, price_per_hour: 0.1}\n"
             "  load_balancer: random\n"
             "  initial: %d\n  min: 1\n  max: %d\n"
             "policies: [{name: pool, kind: static, instances: %d}]\n",
             duration, fidelity, lambda, extra_workload, WORKERS, INSTANCES, INSTANCES, INSTANCES);
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("pool.yaml", yaml, strlen(yaml), &sc, &err))
        fail_msg("%s", err.msg);
    hr_run_spec spec = {.scenario = &sc, .policy_index = 0, .seed = sc.seed, .replication = 0};
    hr_run_result res;
    if (hr_engine_run(&spec, &res, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(res.fidelity,
                     strcmp(fidelity, "fluid") == 0 ? HR_FIDELITY_FLUID : HR_FIDELITY_REQUEST);
    hr_summary s = res.summary;
    hr_run_result_free(&res);
    hr_scenario_free(&sc);
    return s;
}

/* The p-quantile of an M/M/c response time, c workers at arrival rate
 * lambda: S ~ Exp(mu) plus, with probability C (Erlang C), W ~ Exp(c mu -
 * lambda); P(T > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu
 * e^(-theta t)) / (theta - mu), solved by bisection. */
static double mmc_response_quantile(int c, double lambda, double mean_s, double p)
{
    double mu = 1.0 / mean_s, theta = c * mu - lambda, C = hr_erlang_c(c, lambda * mean_s);
    double lo = 0, hi = 100 * mean_s / (1 - lambda * mean_s / c);
    for (int i = 0; i < 200; i++) {
        double t = (lo + hi) / 2;
        double tail = (1 - C) * exp(-mu * t) +
                      C * (theta * exp(-mu * t) - mu * exp(-theta * t)) / (theta - mu);
        if (tail > 1 - p)
            lo = t;
        else
            hi = t;
    }
    return (lo + hi) / 2;
}

static void assert_close(double got, double want, double rel, const char *what)
{
    double e = fabs(got - want) / want;
    printf("  %-36s %10.3f  vs %10.3f  %5.2f%%\n", what, got, want, 100 * e);
    if (e > rel)
        fail_msg("%s: %g against %g (%.2f%% off, allowed %.0f%%)", what, got, want, 100 * e, 100 * rel);
}

static void check_utilisation(double rho, const char *duration)
{
    hr_summary req = run_pool(rho, "request", duration, "");
    hr_summary flu = run_pool(rho, "fluid", duration, "");
    double theory_ms = 1000 * mmc_response_quantile(WORKERS, rho * WORKERS / MEAN_S, MEAN_S, 0.95);
    char what[64];
    snprintf(what, sizeof what, "rho %.2f p95 fluid vs theory (ms)", rho);
    assert_close(flu.latency_p95_ms, theory_ms, 0.05, what);
    snprintf(what, sizeof what, "rho %.2f p95 fluid vs request (ms)", rho);
    assert_close(flu.latency_p95_ms, req.latency_p95_ms, 0.10, what);
    snprintf(what, sizeof what, "rho %.2f P(wait) fluid vs Erlang C", rho);
    assert_close(flu.wait_probability, hr_erlang_c(WORKERS, rho * WORKERS), 0.02, what);
    snprintf(what, sizeof what, "rho %.2f cost fluid vs request", rho);
    assert_close(flu.cost, req.cost, 0.01, what);
    /* every request offered is counted, to the request */
    assert_true(fabs((double)flu.requests - (double)req.requests) < 0.01 * (double)req.requests);
    assert_int_equal(flu.errors, 0);
}

static void test_fluid_agrees_at_half_load(void **state)
{
    (void)state;
    check_utilisation(0.5, "2h");
}

static void test_fluid_agrees_at_rho_080(void **state)
{
    (void)state;
    check_utilisation(0.8, "4h");
}

static void test_fluid_agrees_at_rho_095(void **state)
{
    (void)state;
    check_utilisation(0.95, "12h");
}

/* Overloaded by 20% with a 2 s timeout: request mode serves at capacity
 * and times the excess out; so must fluid mode (not time everything out,
 * which a fluid whose backlog only grows would). */
static void test_fluid_overload_times_out_the_excess(void **state)
{
    (void)state;
    hr_summary req = run_pool(1.2, "request", "1h", "  timeout: 2s\n");
    hr_summary flu = run_pool(1.2, "fluid", "1h", "  timeout: 2s\n");
    double req_pct = 100.0 * (double)req.errors / (double)req.requests;
    double flu_pct = 100.0 * (double)flu.errors / (double)flu.requests;
    printf("  overload error rate: request %.3f%%, fluid %.3f%%\n", req_pct, flu_pct);
    /* the excess: 1 - 1/1.2 of the requests */
    assert_true(fabs(flu_pct - 100.0 * (1 - 1 / 1.2)) < 1.0);
    assert_true(fabs(flu_pct - req_pct) < 1.0);
}

/* A finite queue: fluid's M/M/c/K loss against request mode's rejections. */
static void test_fluid_queue_limit_rejects_like_request_mode(void **state)
{
    (void)state;
    hr_summary req = run_pool(0.95, "request", "6h", "  queue_limit: 2\n");
    hr_summary flu = run_pool(0.95, "fluid", "6h", "  queue_limit: 2\n");
    double req_pct = 100.0 * (double)req.rejected / (double)req.requests;
    double flu_pct = 100.0 * (double)flu.rejected / (double)flu.requests;
    printf("  rejected: request %.3f%%, fluid %.3f%%\n", req_pct, flu_pct);
    assert_true(req_pct > 1.0);
    assert_true(fabs(flu_pct - req_pct) < 0.1 * req_pct);
}

/* A bundled scenario end to end: Black Friday's first two days (the
 * ordinary Thursday and Black Friday with its flash sale), the fixed fleet
 * and CPU target tracking, both modes from the same seed. */
static void test_fluid_agrees_on_black_friday(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load(HR_SOURCE_DIR "/scenarios/black_friday.yaml", &sc, &err))
        fail_msg("%s", err.msg);
    sc.duration_s = 2 * 86400;
    const char *names[] = {"static-14", "cpu-60"};
    for (size_t k = 0; k < 2; k++) {
        size_t index = sc.n_policies;
        for (size_t i = 0; i < sc.n_policies; i++)
            if (strcmp(sc.policies[i].name, names[k]) == 0)
                index = i;
        assert_true(index < sc.n_policies);
        hr_summary sum[2];
        for (int mode = 0; mode < 2; mode++) {
            sc.fidelity = mode ? HR_FIDELITY_FLUID : HR_FIDELITY_REQUEST;
            hr_run_spec spec = {.scenario = &sc, .policy_index = index, .seed = sc.seed};
            hr_run_result res;
            if (hr_engine_run(&spec, &res, &err))
                fail_msg("%s", err.msg);
            sum[mode] = res.summary;
            hr_run_result_free(&res);
        }
        char what[64];
        snprintf(what, sizeof what, "%s p95 fluid vs request (ms)", names[k]);
        assert_close(sum[1].latency_p95_ms, sum[0].latency_p95_ms, 0.10, what);
        snprintf(what, sizeof what, "%s cost fluid vs request", names[k]);
        assert_close(sum[1].cost, sum[0].cost, 0.01, what);
        double e0 = 100.0 * (double)sum[0].errors / (double)sum[0].requests;
        double e1 = 100.0 * (double)sum[1].errors / (double)sum[1].requests;
        printf("  %-36s %10.3f  vs %10.3f  (points)\n", "errors % fluid vs request", e1, e0);
        assert_true(fabs(e1 - e0) <= 0.1);
    }
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fluid_agrees_at_half_load),
        cmocka_unit_test(test_fluid_agrees_at_rho_080),
        cmocka_unit_test(test_fluid_agrees_at_rho_095),
        cmocka_unit_test(test_fluid_overload_times_out_the_excess),
        cmocka_unit_test(test_fluid_queue_limit_rejects_like_request_mode),
        cmocka_unit_test(test_fluid_agrees_on_black_friday),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
