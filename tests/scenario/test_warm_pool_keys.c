/* fleet.warm_pool in the loader (src/scenario/load_fleet.c): defaults, the
 * start as a duration or a distribution, and every error with its
 * position and what would be right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "headroom/scenario.h"

/* A minimal scenario whose fleet ends with `  warm_pool: WP` on line 9. */
static int load_pool(const char *wp, hr_scenario *sc, hr_error *err)
{
    char text[1024];
    snprintf(text, sizeof text,
             "scenario: t\n"
             "duration: 1h\n"
             "traffic: {base_rps: 10}\n"
             "workload:\n"
             "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
             "fleet:\n"
             "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
             "  max: 10\n"
             "  warm_pool: %s\n"
             "policies: [{name: s, kind: static, instances: 2}]\n",
             wp);
    return hr_scenario_load_string("x.yaml", text, strlen(text), sc, err);
}

static void expect_error(const char *wp, const char *msg)
{
    hr_scenario sc;
    hr_error err;
    if (load_pool(wp, &sc, &err) == HR_OK) {
        hr_scenario_free(&sc);
        fail_msg("warm_pool: %s should not load", wp);
    }
    if (strcmp(err.msg, msg) != 0)
        fail_msg("warm_pool: %s\n  got:      %s\n  expected: %s", wp, err.msg, msg);
}

static void test_warm_pool_defaults_follow_aws(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    if (load_pool("{start: 20s, stopped_price_per_hour: 0.01}", &sc, &err))
        fail_msg("%s", err.msg);
    const hr_warm_pool_config *w = &sc.fleet.warm_pool;
    assert_true(w->enabled);
    assert_int_equal(w->max_prepared, 10); /* fleet.max */
    assert_int_equal(w->min_size, 0);
    assert_int_equal(w->state, HR_POOL_STOPPED);
    assert_false(w->reuse_on_scale_in);
    assert_true(w->warmup);
    assert_int_equal(w->start.kind, HR_DIST_CONSTANT);
    assert_true(w->start.mean_s == 20);
    assert_true(w->stopped_price_per_hour == 0.01);
    assert_int_equal(sc.n_warnings, 0);
    hr_scenario_free(&sc);

    /* a running pool starts at once unless told otherwise */
    if (load_pool("{state: running, max_prepared: 6, min_size: 2, reuse_on_scale_in: true, warmup: false}",
                  &sc, &err))
        fail_msg("%s", err.msg);
    w = &sc.fleet.warm_pool;
    assert_int_equal(w->state, HR_POOL_RUNNING);
    assert_int_equal(w->max_prepared, 6);
    assert_int_equal(w->min_size, 2);
    assert_true(w->reuse_on_scale_in);
    assert_false(w->warmup);
    assert_true(w->start.mean_s == 0);
    hr_scenario_free(&sc);

    /* the start as a distribution, like fleet.boot */
    if (load_pool("{state: hibernated, start: {dist: normal, mean: 15s, sd: 3s}, stopped_price_per_hour: 0.02}",
                  &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.fleet.warm_pool.state, HR_POOL_HIBERNATED);
    assert_int_equal(sc.fleet.warm_pool.start.kind, HR_DIST_NORMAL);
    assert_true(sc.fleet.warm_pool.start.sd_s == 3);
    hr_scenario_free(&sc);

    /* no pool: disabled */
    const char *none = "scenario: t\nduration: 1h\ntraffic: {base_rps: 10}\nworkload:\n"
                       "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
                       "fleet:\n  instance: {concurrency: 4, price_per_hour: 0.1}\n  max: 10\n"
                       "policies: [{name: s, kind: static, instances: 2}]\n";
    if (hr_scenario_load_string("x.yaml", none, strlen(none), &sc, &err))
        fail_msg("%s", err.msg);
    assert_false(sc.fleet.warm_pool.enabled);
    hr_scenario_free(&sc);
}

static void test_warm_pool_sizes_must_be_whole_and_min_size_within_max_prepared(void **state)
{
    (void)state;
    expect_error("{max_prepared: -1, start: 20s}",
                 "x.yaml:9:29: fleet.warm_pool.max_prepared: must be an integer of at least 0, got -1");
    expect_error("{min_size: -2, start: 20s}",
                 "x.yaml:9:25: fleet.warm_pool.min_size: must be an integer of at least 0, got -2");
    expect_error("{max_prepared: 4, min_size: 5, start: 20s}",
                 "x.yaml:9:42: fleet.warm_pool.min_size: must be at most "
                 "fleet.warm_pool.max_prepared (4), got 5");
    expect_error("{min_size: 12, start: 20s}",
                 "x.yaml:9:25: fleet.warm_pool.min_size: must be at most "
                 "fleet.warm_pool.max_prepared (10, the default: fleet.max), got 12");
    expect_error("{max_prepared: 99999999, start: 1s}",
                 "x.yaml:9:29: fleet.warm_pool.max_prepared: (fleet.max + max_prepared) x "
                 "concurrency must be at most 100000000 workers, got (10 + 99999999) x 4; "
                 "lower max_prepared");
}

static void test_warm_pool_state_start_price_and_keys_are_checked(void **state)
{
    (void)state;
    expect_error("{state: frozen, start: 20s}",
                 "x.yaml:9:22: fleet.warm_pool.state: unknown pool state \"frozen\"; "
                 "expected one of stopped, running, hibernated");
    expect_error("{state: stopped}",
                 "x.yaml:9:14: fleet.warm_pool: missing required key start: how long a stopped "
                 "pool instance takes to start and take traffic, like 20s or "
                 "{dist: normal, mean: 20s, sd: 5s}");
    expect_error("{start: fast}",
                 "x.yaml:9:22: fleet.warm_pool.start: expected a duration like 90s or 250ms, got \"fast\"");
    expect_error("{start: {dist: normal, mean: 20s}}",
                 "x.yaml:9:22: fleet.warm_pool.start: missing required key sd");
    expect_error("{start: 20s, stopped_price_per_hour: -0.1}",
                 "x.yaml:9:51: fleet.warm_pool.stopped_price_per_hour: must be from 0 to 1e+06, got -0.1");
    expect_error("{min_sise: 1, start: 20s}",
                 "x.yaml:9:15: fleet.warm_pool.min_sise: unknown key; did you mean min_size?");
    expect_error("{start: 20s, reuse_on_scale_in: maybe}",
                 "x.yaml:9:46: fleet.warm_pool.reuse_on_scale_in: expected true or false, got \"maybe\"");
}

/* Valid, but likely not what was meant: said once, with the position. */
static void test_warm_pool_warns_about_a_free_stopped_pool_and_a_useless_price(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    if (load_pool("{start: 20s}", &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.n_warnings, 1);
    assert_string_equal(sc.warnings[0],
                        "x.yaml:9:14: fleet.warm_pool: warning: no stopped_price_per_hour: stopped "
                        "pool instances cost nothing; set what one costs while stopped (its EBS "
                        "volumes and Elastic IPs), like 0.008");
    hr_scenario_free(&sc);
    if (load_pool("{state: running, stopped_price_per_hour: 0.01}", &sc, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sc.n_warnings, 1);
    assert_string_equal(sc.warnings[0],
                        "x.yaml:9:55: fleet.warm_pool.stopped_price_per_hour: warning: has no "
                        "effect with state: running (running pool instances are billed at "
                        "fleet.instance.price_per_hour)");
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warm_pool_defaults_follow_aws),
        cmocka_unit_test(test_warm_pool_sizes_must_be_whole_and_min_size_within_max_prepared),
        cmocka_unit_test(test_warm_pool_state_start_price_and_keys_are_checked),
        cmocka_unit_test(test_warm_pool_warns_about_a_free_stopped_pool_and_a_useless_price),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
