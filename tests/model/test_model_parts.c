/* Billing, the load balancer, metric datapoints and queueing formulas. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "headroom/cost.h"
#include "headroom/lb.h"
#include "headroom/metrics.h"
#include "headroom/queueing.h"

static void test_billing_rounds_up_to_granularity_and_minimum(void **state)
{
    (void)state;
    hr_fleet_config f = {.price_per_hour = 3.6, .billing_granularity_s = 1, .billing_minimum_s = 60};
    assert_true(fabs(hr_cost_instance(&f, 10) - 0.06) < 1e-12);     /* minimum 60 s */
    assert_true(fabs(hr_cost_instance(&f, 100.2) - 0.101) < 1e-12); /* 101 s */
    f.billing_granularity_s = 3600;
    f.billing_minimum_s = 0;
    assert_true(fabs(hr_cost_instance(&f, 3601) - 7.2) < 1e-12);    /* two hours */
    assert_true(fabs(hr_cost_instance(&f, 3600) - 3.6) < 1e-12);
}

static void test_round_robin_takes_turns(void **state)
{
    (void)state;
    hr_lb lb = {.kind = HR_LB_ROUND_ROBIN};
    int out[3] = {9, 0, 0};
    assert_int_equal(hr_lb_pick(&lb, out, 3), 0);
    assert_int_equal(hr_lb_pick(&lb, out, 3), 1);
    assert_int_equal(hr_lb_pick(&lb, out, 3), 2);
    assert_int_equal(hr_lb_pick(&lb, out, 3), 0);
}

static void test_least_outstanding_picks_the_least_and_rotates_ties(void **state)
{
    (void)state;
    hr_lb lb = {.kind = HR_LB_LEAST_OUTSTANDING};
    int out[4] = {3, 1, 5, 2};
    for (int i = 0; i < 8; i++)
        assert_int_equal(hr_lb_pick(&lb, out, 4), 1);
    int ties[3] = {0, 0, 0};
    int seen[3] = {0};
    for (int i = 0; i < 3; i++)
        seen[hr_lb_pick(&lb, ties, 3)]++;
    assert_int_equal(seen[0] + seen[1] + seen[2], 3);
    assert_true(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
}

static void test_two_choices_never_picks_the_worse_of_its_pair(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    hr_lb lb = {.kind = HR_LB_TWO_CHOICES, .rng = r};
    int out[2] = {7, 1};
    for (int i = 0; i < 100; i++)
        assert_int_equal(hr_lb_pick(&lb, out, 2), 1);
    /* with many instances the most loaded one is never chosen */
    int many[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 99};
    for (int i = 0; i < 1000; i++)
        assert_true(hr_lb_pick(&lb, many, 10) != 9);
    lb.kind = HR_LB_RANDOM;
    int hits[10] = {0};
    for (int i = 0; i < 10000; i++)
        hits[hr_lb_pick(&lb, many, 10)]++;
    for (int i = 0; i < 10; i++)
        assert_true(hits[i] > 800 && hits[i] < 1200);
    gsl_rng_free(r);
}

static void test_datapoint_is_time_averaged(void **state)
{
    (void)state;
    hr_gauge g = {0};
    hr_gauge_reset(&g, 0);
    g.instances = 2;
    g.workers = 8;
    g.busy = 4;
    hr_gauge_advance(&g, 30);
    g.busy = 8;
    g.queued = 6;
    hr_gauge_advance(&g, 60);
    hr_histogram h;
    hr_histogram_reset(&h);
    hr_histogram_add(&h, 0.1);
    hr_period_counts n = {.arrivals = 240, .completed = 99, .errors = 1};
    double m[HR_METRIC_COUNT];
    hr_fleet_config fleet = {.memory_gb = 4, .memory_base_gb = 1, .memory_per_request_gb = 0.25,
                             .concurrency = 4};
    assert_int_equal(hr_metrics_datapoint(&fleet, &g, &n, &h, m), 1);
    assert_true(fabs(m[HR_METRIC_CPU] - 75.0) < 1e-9);          /* (4*30 + 8*30) / (8*60) */
    assert_true(fabs(m[HR_METRIC_REQUEST_RATE] - 2.0) < 1e-9);  /* 240 / (2 * 60) */
    assert_true(fabs(m[HR_METRIC_QUEUE_DEPTH] - 1.5) < 1e-9);   /* 6*30 / (2*60) */
    assert_true(fabs(m[HR_METRIC_CONCURRENCY] - 4.5) < 1e-9);   /* (360 + 180) / 120 */
    assert_true(fabs(m[HR_METRIC_ERROR_RATE] - 1.0) < 1e-9);
    assert_true(fabs(m[HR_METRIC_LATENCY_P95] - 100.0) < 1.0);
    /* memory: (1 GB + 0.25 GB x 4.5 in flight) / 4 GB */
    assert_true(fabs(m[HR_METRIC_MEMORY] - 100.0 * (1 + 0.25 * 4.5) / 4) < 1e-9);

    /* the fleet's totals over the 60 s period: sums, not averages */
    double t[HR_METRIC_COUNT];
    hr_metrics_totals(&fleet, &g, 60, 300, m, t);
    assert_true(fabs(t[HR_METRIC_REQUEST_RATE] - 5.0) < 1e-9);    /* 300 arrivals / 60 s */
    assert_true(fabs(t[HR_METRIC_CPU] - 150.0) < 1e-9);           /* 2 instances at 75% */
    assert_true(fabs(t[HR_METRIC_CONCURRENCY] - 9.0) < 1e-9);     /* 540 / 60 */
    assert_true(fabs(t[HR_METRIC_QUEUE_DEPTH] - 3.0) < 1e-9);
    assert_true(fabs(t[HR_METRIC_MEMORY] - 2 * m[HR_METRIC_MEMORY]) < 1e-9);
    assert_true(t[HR_METRIC_ERROR_RATE] == m[HR_METRIC_ERROR_RATE]);
    hr_gauge empty = {0};
    assert_int_equal(hr_metrics_datapoint(&fleet, &empty, &n, &h, m), 0);
    /* nothing finished in the period: no latency datapoint (CloudWatch
     * publishes none), not 0 ms, which would read as an idle fleet */
    hr_histogram_reset(&h);
    hr_period_counts none = {.arrivals = 240};
    assert_int_equal(hr_metrics_datapoint(&fleet, &g, &none, &h, m), 1);
    assert_true(isnan(m[HR_METRIC_LATENCY_P95]));
    assert_true(m[HR_METRIC_CPU] > 0);
}

static void test_erlang_c_matches_tabulated_values(void **state)
{
    (void)state;
    assert_true(fabs(hr_erlang_c(1, 0.5) - 0.5) < 1e-12);
    assert_true(fabs(hr_erlang_c(2, 1.0) - 1.0 / 3.0) < 1e-12);
    /* c = 10, a = 8: 0.4092 (standard Erlang C tables) */
    assert_true(fabs(hr_erlang_c(10, 8.0) - 0.4092) < 5e-4);
    assert_true(isinf(hr_mmc_mean_wait_s(2, 30, 0.1)));
    /* M/M/1 rho 0.5, S 1 s: Wq = rho / (mu - lambda) = 1 */
    assert_true(fabs(hr_mmc_mean_wait_s(1, 0.5, 1.0) - 1.0) < 1e-12);
    assert_true(fabs(hr_mg1_mean_wait_s(0.5, 1.0, 1.0) - 1.0) < 1e-12);
}

/* a = 10 Erlangs: C(12) = 0.4494, C(13) = 0.2853, C(14) = 0.1741, and with
 * a 0.5 s wait allowance (mean service 1 s) the tail C e^-(c - 10)/2 is
 * 0.0637 at 13 and 0.0236 at 14 servers (hand-computed from Erlang B). */
static void test_servers_for_a_wait_quantile(void **state)
{
    (void)state;
    assert_int_equal(hr_mmc_servers_for_wait(10, 1.0, 0, 0.2), 14);
    assert_int_equal(hr_mmc_servers_for_wait(10, 1.0, 0, 0.3), 13);
    assert_int_equal(hr_mmc_servers_for_wait(10, 1.0, 0.5, 0.05), 14);
    assert_int_equal(hr_mmc_servers_for_wait(10, 1.0, 0.5, 0.07), 13);
    /* a negative allowance (SLO below the mean service) counts as none */
    assert_int_equal(hr_mmc_servers_for_wait(10, 1.0, -3, 0.2), 14);
    assert_int_equal(hr_mmc_servers_for_wait(0, 1.0, 0.5, 0.05), 0);
    /* square-root staffing above the search limit: a + 3 sqrt(a) */
    assert_int_equal(hr_mmc_servers_for_wait(4e6, 1.0, 0, 0.05), 4006000);
}

/* M/M/c's response-time tail, exact: T = W + S with W = 0 with probability
 * 1 - C and else exponential of rate theta = c mu - lambda, independent of
 * S ~ exponential(mu): P(T > x) = (1 - C) e^(-mu x) + C (theta e^(-mu x) -
 * mu e^(-theta x)) / (theta - mu). */
static double mmc_response_tail(int c, double lambda, double mean_s, double x)
{
    double mu = 1.0 / mean_s, a = lambda * mean_s, C = hr_erlang_c(c, a), theta = c * mu - lambda;
    return (1 - C) * exp(-mu * x) + C * (theta * exp(-mu * x) - mu * exp(-theta * x)) / (theta - mu);
}

/* A quantile grid of the exponential of mean m, equal weights. */
#define GRID 2000
static void exponential_grid(double m, double *s, double *w)
{
    for (int i = 0; i < GRID; i++) {
        s[i] = -m * log(1.0 - (i + 0.5) / GRID);
        w[i] = 1.0 / GRID;
    }
}

static void test_mgc_servers_hold_the_response_time_tail(void **state)
{
    (void)state;
    static double s[GRID], w[GRID];
    exponential_grid(0.1, s, w);
    /* exponential service (scv 1): M/M/c's exact answer, to a server */
    const double rates[] = {5, 40, 120, 900};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        int exact = 1;
        while (!(rates[i] * 0.1 < exact) || mmc_response_tail(exact, rates[i], 0.1, 0.4) > 0.05)
            exact++;
        int c = hr_mgc_servers_for_response(rates[i], 0.1, 1.0, s, w, GRID, 0.4, 0.05, 1);
        if (abs(c - exact) > 1)
            fail_msg("rate %g: %d servers, M/M/c needs %d", rates[i], c, exact);
        assert_true(mmc_response_tail(c, rates[i], 0.1, 0.4) <= 0.06);
    }
    /* a heavier tail of the wait (scv 4) needs at least as many; the
     * answer is a multiple of step */
    int light = hr_mgc_servers_for_response(120, 0.1, 1.0, s, w, GRID, 0.4, 0.05, 1);
    int heavy = hr_mgc_servers_for_response(120, 0.1, 4.0, s, w, GRID, 0.4, 0.05, 1);
    assert_true(heavy >= light);
    assert_int_equal(hr_mgc_servers_for_response(120, 0.1, 1.0, s, w, GRID, 0.4, 0.05, 4) % 4, 0);
    assert_int_equal(hr_mgc_servers_for_response(0, 0.1, 1.0, s, w, GRID, 0.4, 0.05, 4), 0);
    /* an SLO below the service time's own p95: no count holds it, so the
     * fewest where hardly anyone waits (C <= 5%) */
    int c = hr_mgc_servers_for_response(40, 0.1, 1.0, s, w, GRID, 0.2, 0.05, 1);
    assert_true(hr_erlang_c(c, 4.0) <= 0.05 && hr_erlang_c(c - 1, 4.0) > 0.05);
}

/* A window of 30 steps of 10 s (exponential service of 100 ms, SLO
 * 400 ms, 4 workers per instance). */
static void test_mgc_window_need_models_bursts_queues_and_scatter(void **state)
{
    (void)state;
    static double s[GRID], w[GRID];
    exponential_grid(0.1, s, w);
    hr_mgc_model m = {.mean_service_s = 0.1, .scv = 1, .service_s = s, .weight = w,
                      .n_service = GRID, .step = 4, .sharing = HR_QUEUES_POOLED};
    double rates[30], scratch[30];
    for (int j = 0; j < 30; j++)
        rates[j] = 100;
    /* a steady window needs what one steady rate needs */
    int steady = hr_mgc_servers_for_response_mix(&m, rates, 30, 10, 0.4, 0.05, 0, scratch);
    assert_int_equal(steady, hr_mgc_servers_for_response(100, 0.1, 1, s, w, GRID, 0.4, 0.05, 4));
    /* one 10 s burst to 1.5x borrows from the window: fewer than it alone
     * needs, more than the quiet rest */
    rates[10] = 150;
    int burst = hr_mgc_servers_for_response_mix(&m, rates, 30, 10, 0.4, 0.05, 0, scratch);
    int alone = hr_mgc_servers_for_response(150, 0.1, 1, s, w, GRID, 0.4, 0.05, 4);
    assert_true(burst >= steady && burst < alone);
    /* with no period length (steady steps), an overloaded step is all slow */
    rates[10] = 1000;
    int steady_steps = hr_mgc_servers_for_response_mix(&m, rates, 30, 0, 0.4, 0.05, 0, scratch);
    assert_true(steady_steps >= 100);
    rates[10] = 100;
    /* per-instance queues wait longer: join-the-least-loaded needs at least
     * the pool, independent instances more still */
    m.sharing = HR_QUEUES_JSQ;
    int jsq = hr_mgc_servers_for_response_mix(&m, rates, 30, 10, 0.4, 0.05, 0, scratch);
    m.sharing = HR_QUEUES_SPLIT;
    int split = hr_mgc_servers_for_response_mix(&m, rates, 30, 10, 0.4, 0.05, 0, scratch);
    assert_true(steady <= jsq && jsq < split);
    assert_int_equal(split % 4, 0);
    /* the window's scatter: a margin at z, none at 0 */
    m.sharing = HR_QUEUES_JSQ;
    int sure = hr_mgc_servers_for_response_mix(&m, rates, 30, 10, 0.4, 0.05, 3.09, scratch);
    assert_true(sure >= jsq);
    for (int j = 0; j < 30; j++)
        rates[j] = 0;
    assert_int_equal(hr_mgc_servers_for_response_mix(&m, rates, 30, 10, 0.4, 0.05, 3, scratch), 0);
}

/* 3% of services longer than the SLO's latency, a p95 SLO judged with a
 * margin (z 2.33) on a quiet window of about 300 requests: the slow
 * services and the scatter alone keep the share above 5% for any fleet.
 * The search must end (it once counted servers until the int overflowed),
 * at a fleet where hardly anyone waits. */
static void test_mgc_window_need_ends_when_no_fleet_reaches_the_tail(void **state)
{
    (void)state;
    static double s[2] = {0.05, 1.0}, w[2] = {0.97, 0.03};
    hr_mgc_model m = {.mean_service_s = 0.97 * 0.05 + 0.03 * 1.0, .scv = 4, .service_s = s,
                      .weight = w, .n_service = 2, .step = 1, .sharing = HR_QUEUES_POOLED};
    double rates[30], scratch[30];
    for (int j = 0; j < 30; j++)
        rates[j] = 1; /* 300 requests in the window */
    int k = hr_mgc_servers_for_response_mix(&m, rates, 30, 10, 0.4, 0.05, 2.33, scratch);
    assert_true(k >= 1 && k < 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_billing_rounds_up_to_granularity_and_minimum),
        cmocka_unit_test(test_round_robin_takes_turns),
        cmocka_unit_test(test_least_outstanding_picks_the_least_and_rotates_ties),
        cmocka_unit_test(test_two_choices_never_picks_the_worse_of_its_pair),
        cmocka_unit_test(test_datapoint_is_time_averaged),
        cmocka_unit_test(test_erlang_c_matches_tabulated_values),
        cmocka_unit_test(test_servers_for_a_wait_quantile),
        cmocka_unit_test(test_mgc_servers_hold_the_response_time_tail),
        cmocka_unit_test(test_mgc_window_need_models_bursts_queues_and_scatter),
        cmocka_unit_test(test_mgc_window_need_ends_when_no_fleet_reaches_the_tail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
