/* test_compare.c - the statistics of `headroom compare` against values
 * computed by hand: Student-t intervals, elasticity metrics on small
 * supply/demand curves, paired differences, ranking and the Pareto front
 * of a batch written to a real database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "headroom/compare.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) < (tol))

/* 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445, half-width
 * 2.776445 x 1.581139 / sqrt(5) = 1.963243. */
static void test_estimate_is_a_student_t_interval(void **state)
{
    (void)state;
    double x[] = {1, 2, 3, 4, 5};
    hr_estimate e = hr_estimate_of(x, 5);
    assert_int_equal(e.n, 5);
    NEAR(e.mean, 3, 1e-12);
    NEAR(e.lo, 3 - 1.963243, 1e-6);
    NEAR(e.hi, 3 + 1.963243, 1e-6);
    /* two values 10, 14: t(0.975, 1) = 12.7062, s = 2.828427, half 25.4124 */
    double y[] = {10, 14};
    e = hr_estimate_of(y, 2);
    NEAR(e.hi - e.mean, 25.41241, 1e-4);
    /* NaN left out; one value has no interval */
    double z[] = {NAN, 7};
    e = hr_estimate_of(z, 2);
    assert_int_equal(e.n, 1);
    NEAR(e.mean, 7, 1e-12);
    assert_true(isnan(e.lo) && isnan(e.hi));
}

static void set_rows(hr_sample *s, const int *demand, const int *supply, size_t n)
{
    for (size_t t = 0; t < n; t++) {
        s[t] = (hr_sample){.time_s = 3600.0 * (double)t, .demand = demand[t]};
        s[t].in_service = supply[t] - (t % 2);  /* warming instances count as supply */
        s[t].warming = (int)(t % 2);
    }
}

/* Hourly rows, d = 2 2 4 4, s = 2 3 3 4: under by 1 of 4 in hour 2 (25% of
 * an hour in 4: 6.25%), over by 1 of 2 in hour 1 (12.5%), a quarter of the
 * time each way; supply and demand never move together (100% instability);
 * supply changes twice, demand once: jitter +1 in 4 h. */
static void test_elasticity_on_a_small_curve(void **state)
{
    (void)state;
    int d[] = {2, 2, 4, 4}, s[] = {2, 3, 3, 4};
    hr_sample rows[4];
    set_rows(rows, d, s, 4);
    hr_elasticity e;
    hr_error err;
    assert_int_equal(hr_elasticity_of(rows, 4, 3600, &e, &err), HR_OK);
    NEAR(e.accuracy_under_pct, 6.25, 1e-12);
    NEAR(e.accuracy_over_pct, 12.5, 1e-12);
    NEAR(e.timeshare_under_pct, 25, 1e-12);
    NEAR(e.timeshare_over_pct, 25, 1e-12);
    NEAR(e.instability_pct, 100, 1e-12);
    NEAR(e.jitter_per_hour, 0.25, 1e-12);
}

/* Supply that follows demand exactly scores 0 everywhere. */
static void test_perfect_elasticity_scores_zero(void **state)
{
    (void)state;
    int d[] = {1, 2, 3, 3, 2}, s[] = {1, 2, 3, 3, 2};
    hr_sample rows[5];
    set_rows(rows, d, s, 5);
    hr_elasticity e;
    hr_error err;
    assert_int_equal(hr_elasticity_of(rows, 5, 60, &e, &err), HR_OK);
    assert_true(e.accuracy_under_pct == 0 && e.accuracy_over_pct == 0);
    assert_true(e.timeshare_under_pct == 0 && e.timeshare_over_pct == 0);
    assert_true(e.instability_pct == 0 && e.jitter_per_hour == 0);
    /* zero demand: over-provisioning counts per instance */
    int d0[] = {0, 0}, s0[] = {2, 2};
    set_rows(rows, d0, s0, 2);
    assert_int_equal(hr_elasticity_of(rows, 2, 60, &e, &err), HR_OK);
    NEAR(e.accuracy_over_pct, 200, 1e-12);
    /* unknown demand is refused, not scored */
    rows[1].demand = -1;
    assert_int_equal(hr_elasticity_of(rows, 2, 60, &e, &err), HR_EINVAL);
}

/* A batch of three policies x three replications written to a database:
 * means, paired differences, ranking, front and recommendation. */
static hr_run_result make_run(const char *policy, uint32_t rep, double cost, double viol, bool met)
{
    hr_run_result r = {0};
    r.policy = strdup(policy);
    r.replication = rep;
    r.seed = 1;
    r.duration_s = 3600;
    r.series_step_s = 1800;
    r.summary.cost = cost;
    r.summary.slo_violation_minutes = viol;
    r.summary.slo_met = met;
    r.summary.latency_p95_ms = 100 + rep;
    r.series = calloc(2, sizeof *r.series);
    r.n_series = 2;
    r.series[0] = (hr_sample){.time_s = 0, .demand = 2, .in_service = 2};
    r.series[1] = (hr_sample){.time_s = 1800, .demand = 3, .in_service = 2};
    return r;
}

static void test_batch_comparison(void **state)
{
    (void)state;
    char path[] = "/tmp/hr-test-compare-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    hr_store *st;
    hr_error err;
    assert_int_equal(hr_store_open(path, &st, &err), HR_OK);
    hr_scenario sc = {0};
    sc.name = "t";
    sc.path = "t.yaml";
    sc.text = "scenario: t\n";
    int64_t batch;
    assert_int_equal(hr_store_begin_batch(st, &sc, 1, 3, "test", &batch, &err), HR_OK);
    /* cheap misses the SLO once; steady always meets it; dear meets it at
     * a higher price: steady is recommended, dear is next (+2, +3, +4). */
    const struct {
        const char *name;
        double cost[3], viol[3];
        bool met[3];
    } p[] = {{"cheap", {5, 5, 5}, {0, 10, 0}, {true, false, true}},
             {"steady", {10, 11, 12}, {0, 0, 0}, {true, true, true}},
             {"dear", {12, 14, 16}, {0, 0, 0}, {true, true, true}}};
    for (uint32_t r = 0; r < 3; r++)
        for (size_t k = 0; k < 3; k++) {
            hr_run_result run = make_run(p[k].name, r, p[k].cost[r], p[k].viol[r], p[k].met[r]);
            if (hr_store_write_run(st, batch, NULL, &run, NULL, &err))
                fail_msg("%s", err.msg);
            hr_run_result_free(&run);
        }
    hr_comparison c;
    if (hr_compare_batch(st, batch, &c, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(c.n_policies, 3);
    assert_string_equal(c.policies[0].name, "cheap");
    assert_int_equal(c.policies[0].slo_met_runs, 2);
    NEAR(c.policies[1].fig[HR_FIG_COST].mean, 11, 1e-12);
    /* 10 11 12: s = 1, half-width t(0.975, 2) / sqrt(3) = 4.302653 / 1.732051 */
    NEAR(c.policies[1].fig[HR_FIG_COST].hi - 11, 2.484138, 1e-5);
    /* dear minus steady: 2 3 4, the same interval */
    const hr_compare_diff *d = hr_comparison_diff(&c, 1, 2);
    assert_non_null(d);
    NEAR(d->fig[HR_FIG_COST].mean, 3, 1e-12);
    NEAR(d->fig[HR_FIG_COST].lo, 3 - 2.484138, 1e-5);
    /* p95 differs by replication alike in every policy: paired, no spread */
    NEAR(d->fig[HR_FIG_P95].mean, 0, 1e-12);
    NEAR(d->fig[HR_FIG_P95].hi, 0, 1e-12);
    /* elasticity from the stored series: under by 1 of 3 half the time */
    NEAR(c.policies[0].fig[HR_FIG_ACC_UNDER].mean, 100.0 / 6, 1e-9);
    assert_int_equal(c.policies[1].rank, 1);
    assert_int_equal(c.policies[2].rank, 2);
    assert_int_equal(c.policies[0].rank, 3);
    assert_int_equal(c.recommended, 1);
    assert_int_equal(c.runner_up, 2);
    /* front: cheap (lowest cost) and steady (no violation at less than dear) */
    assert_true(c.policies[0].pareto);
    assert_true(c.policies[1].pareto);
    assert_false(c.policies[2].pareto);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    hr_compare_print_json(&c, out);
    fclose(out);
    assert_non_null(strstr(buf, "\"cost\": {\"mean\": 11, \"ci95\": [8.515862"));
    assert_non_null(strstr(buf, "\"recommended\": \"steady\""));
    free(buf);
    out = open_memstream(&buf, &len);
    hr_compare_print_table(&c, out);
    fclose(out);
    assert_non_null(strstr(buf, "recommended: steady; the next, dear, costs 3.00 more (95% CI 0.52 to 5.48)"));
    free(buf);
    hr_comparison_free(&c);
    hr_store_close(st);
    unlink(path);
}

/* An oracle (kind: oracle) is the bound, not a candidate: ranked after
 * every real policy, never recommended, never pushing one off the front,
 * however cheap. */
static void test_compare_ranks_an_oracle_after_every_real_policy(void **state)
{
    (void)state;
    char path[] = "/tmp/hr-test-compare-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    hr_store *st;
    hr_error err;
    assert_int_equal(hr_store_open(path, &st, &err), HR_OK);
    hr_policy_config cfgs[3] = {{.name = "steady", .kind = HR_POLICY_STATIC},
                                {.name = "dear", .kind = HR_POLICY_STATIC},
                                {.name = "bound", .kind = HR_POLICY_ORACLE}};
    hr_scenario sc = {0};
    sc.name = "t";
    sc.path = "t.yaml";
    sc.text = "scenario: t\n";
    sc.policies = cfgs;
    sc.n_policies = 3;
    int64_t batch;
    assert_int_equal(hr_store_begin_batch(st, &sc, 1, 2, "test", &batch, &err), HR_OK);
    const double cost[3] = {10, 12, 5};
    for (uint32_t r = 0; r < 2; r++)
        for (size_t k = 0; k < 3; k++) {
            hr_run_result run = make_run(cfgs[k].name, r, cost[k] + r, 0, true);
            if (hr_store_write_run(st, batch, &sc, &run, NULL, &err))
                fail_msg("%s", err.msg);
            hr_run_result_free(&run);
        }
    hr_comparison c;
    if (hr_compare_batch(st, batch, &c, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(c.n_policies, 3);
    assert_true(c.policies[2].oracle && !c.policies[0].oracle);
    assert_int_equal(c.policies[0].rank, 1);
    assert_int_equal(c.policies[1].rank, 2);
    assert_int_equal(c.policies[2].rank, 3);
    assert_int_equal(c.recommended, 0);
    assert_int_equal(c.runner_up, 1);
    assert_true(c.policies[0].pareto); /* the cheaper oracle does not dominate it */
    hr_comparison_free(&c);
    hr_store_close(st);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_is_a_student_t_interval),
        cmocka_unit_test(test_elasticity_on_a_small_curve),
        cmocka_unit_test(test_perfect_elasticity_scores_zero),
        cmocka_unit_test(test_batch_comparison),
        cmocka_unit_test(test_compare_ranks_an_oracle_after_every_real_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
