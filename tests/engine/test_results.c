/* test_results.c - what a run result holds: its decision log grows by a
 * small record per decision, its reasons by their distinct texts, not by a
 * fixed buffer per decision (docs/performance.md, "Memory"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/engine.h"
#include "headroom/scenario.h"

/* A small service whose target-tracking policy decides every minute: its
 * reasons ("cpu 23.8 vs target 50: hold at 2") come back day after day. */
static const char *minutely_yaml =
    "scenario: minutely\n"
    "duration: %s\n"
    "tick: 10s\n"
    "seed: 7\n"
    "traffic:\n"
    "  base_rps: 2\n"
    "  diurnal: ecommerce\n"
    "  noise: {sigma: 0.1, correlation: 5m}\n"
    "workload:\n"
    "  classes: [{name: a, share: 1, service: {dist: lognormal, mean: 100ms, p99: 450ms}}]\n"
    "  timeout: 3s\n"
    "fleet:\n"
    "  instance: {concurrency: 2, price_per_hour: 0.1}\n"
    "  boot: {dist: constant, mean: 60s}\n"
    "  initial: 2\n  min: 1\n  max: 10\n"
    "metrics: {period: 60s, delay: 60s}\n"
    "policies:\n"
    "  - {name: cpu-50, kind: target_tracking, metric: cpu, target: 50, warmup: 120s}\n";

static void run_for(const char *duration, hr_run_result *out)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, minutely_yaml, duration);
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("test.yaml", yaml, strlen(yaml), &sc, &err))
        fail_msg("%s", err.msg);
    hr_run_spec spec = {.scenario = &sc, .policy_index = 0, .seed = sc.seed};
    if (hr_engine_run(&spec, out, &err))
        fail_msg("%s", err.msg);
    hr_scenario_free(&sc);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Bytes of the decisions' reasons written out once per decision, and once
 * per distinct text. */
static void reason_text(const hr_run_result *r, size_t *all, size_t *distinct)
{
    const char **v = malloc(r->n_decisions * sizeof *v);
    assert_non_null(v);
    *all = *distinct = 0;
    for (size_t i = 0; i < r->n_decisions; i++) {
        v[i] = r->decisions[i].reason;
        *all += strlen(v[i]) + 1;
    }
    qsort(v, r->n_decisions, sizeof *v, by_text);
    for (size_t i = 0; i < r->n_decisions; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            *distinct += strlen(v[i]) + 1;
    free(v);
}

/* Three days of a decision a minute: the log holds a small record per
 * decision (the allocation may be up to twice the count) and each distinct
 * reason once, with some slack for the table and the last chunk: far less
 * than the text written out per decision, and nowhere near a 400-byte
 * buffer per decision. */
static void test_decision_log_holds_each_distinct_reason_once(void **state)
{
    (void)state;
    hr_run_result r;
    run_for("3d", &r);
    assert_true(r.n_decisions >= 3 * 1440 - 2);
    size_t all, distinct;
    reason_text(&r, &all, &distinct);
    size_t bytes = hr_run_result_decision_log_bytes(&r);
    size_t bound = r.cap_decisions * 48 + 2 * distinct + 16384;
    if (bytes > bound)
        fail_msg("the decision log holds %zu bytes for %zu decisions (%zu distinct reason bytes, "
                 "%zu written out): more than %zu",
                 bytes, r.n_decisions, distinct, all, bound);
    assert_true(distinct < all / 4); /* the scenario repeats its reasons */
    assert_true(bytes < r.n_decisions * 100);
    assert_true(sizeof(hr_decision_record) <= 48);
    hr_run_result_free(&r);
}

/* The same service for 1 and for 6 days: the reasons' storage hardly grows
 * (the same texts come back each day); only the records do, by the
 * decisions' count. */
static void test_decision_log_grows_by_records_not_reasons(void **state)
{
    (void)state;
    hr_run_result day, week;
    run_for("1d", &day);
    run_for("6d", &week);
    size_t text_day = hr_run_result_decision_log_bytes(&day) - day.cap_decisions * sizeof *day.decisions;
    size_t text_week =
        hr_run_result_decision_log_bytes(&week) - week.cap_decisions * sizeof *week.decisions;
    size_t all_week, distinct_week;
    reason_text(&week, &all_week, &distinct_week);
    if (text_week > 3 * text_day || text_week > all_week / 4)
        fail_msg("reasons take %zu bytes over 1 day and %zu over 6 days (%zu written out)",
                 text_day, text_week, all_week);
    /* every reason is stored: the log reads the same as text */
    for (size_t i = 0; i < week.n_decisions; i++)
        assert_non_null(week.decisions[i].reason);
    hr_run_result_free(&day);
    hr_run_result_free(&week);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decision_log_holds_each_distinct_reason_once),
        cmocka_unit_test(test_decision_log_grows_by_records_not_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
