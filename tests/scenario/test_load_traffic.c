/* test_load_traffic.c - tests for src/scenario/load_traffic.c and
 * load_replay.c: trace replay, growth models, recurring events and the
 * warnings for events that cannot fire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "headroom/scenario.h"

#define SCENARIO_PATH "tests/data/traces/s.yaml"

/* A scenario whose traffic section is the given text (indented by 2). */
static int load(const char *duration, const char *traffic, hr_scenario *sc, hr_error *err)
{
    char text[4096];
    snprintf(text, sizeof text,
             "scenario: t\n"
             "duration: %s\n"
             "traffic:\n%s"
             "workload:\n"
             "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
             "fleet:\n"
             "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
             "  max: 10\n"
             "policies:\n"
             "  - {name: s, kind: static, instances: 2}\n",
             duration, traffic);
    return hr_scenario_load_string(SCENARIO_PATH, text, strlen(text), sc, err);
}

static void load_ok(const char *duration, const char *traffic, hr_scenario *sc)
{
    hr_error err;
    if (load(duration, traffic, sc, &err) != HR_OK)
        fail_msg("should load: %s", err.msg);
}

static void assert_fails(const char *duration, const char *traffic, const char *msg)
{
    hr_scenario sc;
    hr_error err;
    int rc = load(duration, traffic, &sc, &err);
    if (rc != HR_EINVAL || strcmp(err.msg, msg) != 0)
        fail_msg("got %d \"%s\"\nwant \"%s\"", rc, err.msg, msg);
}

static int chdir_source(void **state)
{
    (void)state;
    return chdir(HR_SOURCE_DIR);
}

static void test_replay_reads_the_trace_relative_to_the_scenario(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("4m", "  replay: {file: small.csv, scale: 2, interpolation: linear}\n", &sc);
    const hr_replay_config *r = &sc.traffic.replay;
    assert_true(sc.traffic.has_replay);
    assert_string_equal(r->file, "tests/data/traces/small.csv");
    assert_int_equal(r->n, 4);
    assert_true(r->time_s[2] == 120 && r->rate[2] == 30);
    assert_true(r->rate[1] == 0); /* zero rates are allowed */
    assert_true(r->end_s == 240); /* the last row lasts one interval */
    assert_true(r->scale == 2 && r->speed == 1 && r->start_s == 0 && !r->loop);
    assert_int_equal(r->interp, HR_REPLAY_LINEAR);
    hr_scenario_free(&sc);
    /* a longer run needs loop (or a faster speed) */
    load_ok("1h", "  replay: {file: small.csv, loop: true}\n", &sc);
    hr_scenario_free(&sc);
    load_ok("2m", "  replay: {file: small.csv, speed: 2}\n", &sc);
    hr_scenario_free(&sc);
}

static void test_replay_csv_errors_name_file_and_line(void **state)
{
    (void)state;
    assert_fails("4m", "  replay: {file: backwards.csv}\n",
                 "tests/data/traces/backwards.csv:4: time_s 30 is not after the row before (60); "
                 "rows must be in time order");
    assert_fails("4m", "  replay: {file: gap.csv}\n",
                 "tests/data/traces/gap.csv:3: requests_per_s is empty: a gap cannot be replayed; "
                 "write 0 for no traffic");
    assert_fails("4m", "  replay: {file: negative.csv}\n",
                 "tests/data/traces/negative.csv:3: requests_per_s: expected a rate >= 0, got \"-2\"");
    assert_fails("4m", "  replay: {file: header.csv}\n",
                 "tests/data/traces/header.csv:1: expected the header time_s,requests_per_s (the "
                 "format of shared/traces)");
    assert_fails("4m", "  replay: {file: crlf_bad.csv}\n",
                 "tests/data/traces/crlf_bad.csv:3: requests_per_s: expected a rate >= 0, got \"abc\"");
    assert_fails("4m", "  replay: {file: nope.csv}\n",
                 "tests/data/traces/s.yaml:4:18: traffic.replay.file: cannot read "
                 "tests/data/traces/nope.csv: No such file or directory (a trace path is relative "
                 "to the scenario file)");
}

static void test_replay_checks_against_the_run(void **state)
{
    (void)state;
    assert_fails("5m", "  replay: {file: small.csv}\n",
                 "tests/data/traces/s.yaml:4:11: traffic.replay: the run plays the trace up to 5m, "
                 "but it ends at 4m; set loop: true, a smaller start or speed, or a shorter duration");
    assert_fails("1m", "  replay: {file: small.csv, start: 5m}\n",
                 "tests/data/traces/s.yaml:4:36: traffic.replay.start: must be before the trace "
                 "ends (4m), got 5m");
    assert_fails("1m", "  base_rps: 10\n  replay: {file: small.csv}\n",
                 "tests/data/traces/s.yaml:4:3: traffic.base_rps: a replay is the base rate, days "
                 "and weeks included; remove base_rps (scale the trace with replay.scale)");
    /* events and noise go on top of a replay */
    hr_scenario sc;
    load_ok("4m", "  replay: {file: small.csv}\n  noise: {sigma: 0.1}\n"
                  "  events: [{name: sale, start: 1m, duration: 1m, multiplier: 2}]\n", &sc);
    assert_int_equal(sc.traffic.n_events, 1);
    hr_scenario_free(&sc);
}

static void test_recurring_event_fires_on_weekdays_only(void **state)
{
    (void)state;
    hr_scenario sc;
    /* two weeks from a Monday: 10 weekdays */
    load_ok("14d", "  base_rps: 10\n  start_day: mon\n  events:\n"
                   "    - {name: market-open, every: weekdays, at: \"09:30\", duration: 30m, "
                   "multiplier: 3, ramp: 1m}\n",
            &sc);
    assert_int_equal(sc.traffic.n_events, 10);
    for (size_t i = 0; i < sc.traffic.n_events; i++) {
        const hr_traffic_event *e = &sc.traffic.events[i];
        double day = floor(e->start_s / 86400);
        assert_true(e->start_s - day * 86400 == 9.5 * 3600);
        int dow = (int)day % 7; /* 0 = Monday */
        assert_true(dow < 5);
        assert_string_equal(e->name, "market-open");
        assert_true(e->duration_s == 1800 && e->multiplier == 3);
    }
    hr_scenario_free(&sc);
    /* a list of days, from a Saturday; a weekly newsletter */
    load_ok("14d", "  base_rps: 10\n  start_day: sat\n  events:\n"
                   "    - {name: news, every: [tue, sun], at: \"07:00:30\", duration: 2h, multiplier: 2}\n",
            &sc);
    assert_int_equal(sc.traffic.n_events, 4);
    assert_true(sc.traffic.events[0].start_s == 86400 + 7 * 3600 + 30); /* Sunday */
    assert_true(sc.traffic.events[1].start_s == 3 * 86400 + 7 * 3600 + 30); /* Tuesday */
    assert_int_equal(sc.n_warnings, 0);
    hr_scenario_free(&sc);
}

static void test_recurring_event_errors(void **state)
{
    (void)state;
    assert_fails("1d", "  base_rps: 10\n  events: [{name: o, every: weekday, at: \"09:30\", "
                       "duration: 30m, multiplier: 3}]\n",
                 "tests/data/traces/s.yaml:5:29: traffic.events[0] (o).every: unknown day "
                 "\"weekday\"; did you mean weekdays?");
    assert_fails("1d", "  base_rps: 10\n  events: [{name: o, every: day, at: \"9h\", "
                       "duration: 30m, multiplier: 3}]\n",
                 "tests/data/traces/s.yaml:5:38: traffic.events[0] (o).at: expected a time of day "
                 "like \"09:30\", got \"9h\"");
    assert_fails("1d", "  base_rps: 10\n  events: [{name: o, every: \"+9:30\", at: \"09:30\", "
                       "duration: 30m, multiplier: 3}]\n",
                 "tests/data/traces/s.yaml:5:29: traffic.events[0] (o).every: unknown day "
                 "\"+9:30\"; expected one of day, weekdays, weekends, mon, tue, wed, thu, fri, "
                 "sat, sun, or a list of days");
    const char *clocks[] = {"+9:30", "09:30:5x", "9:30", "24:00", "09:60", "0930"};
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        char traffic[256], want[512];
        snprintf(traffic, sizeof traffic,
                 "  base_rps: 10\n  events: [{name: o, every: day, at: \"%s\", duration: 30m, "
                 "multiplier: 3}]\n", clocks[i]);
        snprintf(want, sizeof want,
                 "tests/data/traces/s.yaml:5:38: traffic.events[0] (o).at: expected a time of day "
                 "like \"09:30\", got \"%s\"", clocks[i]);
        assert_fails("1d", traffic, want);
    }
    assert_fails("1d", "  base_rps: 10\n  events: [{name: o, every: [], at: \"09:30\", "
                       "duration: 30m, multiplier: 3}]\n",
                 "tests/data/traces/s.yaml:5:29: traffic.events[0] (o).every: expected at least "
                 "one day, got an empty list");
    assert_fails("1d", "  base_rps: 10\n  events: [{name: o, every: day, start: 1h, "
                       "duration: 30m, multiplier: 3}]\n",
                 "tests/data/traces/s.yaml:5:12: traffic.events[0] (o): missing required key at "
                 "(the time of day, like \"09:30\")");
    assert_fails("1d", "  base_rps: 10\n  events: [{name: o, every: day, at: \"09:00\", start: 1h, "
                       "duration: 30m, multiplier: 3}]\n",
                 "tests/data/traces/s.yaml:5:47: traffic.events[0] (o).start: a recurring event "
                 "takes every and at, not start");
}

static void test_events_outside_the_run_are_warned_about(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("2d", "  base_rps: 10\n  start_day: fri\n  events:\n"
                  "    - {name: late, start: 3d, duration: 1h, multiplier: 2}\n"
                  "    - {name: sunday, every: sun, at: \"10:00\", duration: 1h, multiplier: 2}\n"
                  "    - {name: ok, start: 1h, duration: 1h, multiplier: 2}\n",
            &sc);
    assert_int_equal(sc.n_warnings, 2);
    assert_string_equal(sc.warnings[0], "tests/data/traces/s.yaml:7:7: traffic.events[0] (late): "
                                        "warning: starts at 3d, at or after the end of the run (2d): it has no effect");
    assert_string_equal(sc.warnings[1], "tests/data/traces/s.yaml:8:7: traffic.events[1] "
                                        "(sunday): warning: never fires within the run (2d)");
    hr_scenario_free(&sc);
}

static void test_growth_models(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("30d", "  base_rps: 10\n  growth: {monthly: 0.25}\n", &sc);
    assert_int_equal(sc.traffic.growth_model, HR_GROWTH_COMPOUND);
    hr_scenario_free(&sc);
    load_ok("30d", "  base_rps: 10\n  growth: {model: logistic, monthly: 0.4, ceiling: 3}\n", &sc);
    assert_int_equal(sc.traffic.growth_model, HR_GROWTH_LOGISTIC);
    assert_true(sc.traffic.growth_ceiling == 3 && sc.traffic.growth_monthly == 0.4);
    hr_scenario_free(&sc);
    load_ok("30d", "  base_rps: 10\n  growth: {model: steps, steps: [{at: 7d, multiplier: 1.2}, "
                   "{at: 14d, multiplier: 2}]}\n", &sc);
    assert_int_equal(sc.traffic.n_growth_steps, 2);
    assert_true(sc.traffic.growth_steps[1].at_s == 14 * 86400 && sc.traffic.growth_steps[1].level == 2);
    hr_scenario_free(&sc);
    assert_fails("30d", "  base_rps: 10\n  growth: {model: linear, monthly: 0.1, ceiling: 3}\n",
                 "tests/data/traces/s.yaml:5:50: traffic.growth.ceiling: linear growth takes no ceiling");
    assert_fails("30d", "  base_rps: 10\n  growth: {model: logistic, monthly: 0.1}\n",
                 "tests/data/traces/s.yaml:5:11: traffic.growth: missing required key ceiling");
    assert_fails("30d", "  base_rps: 10\n  growth: {model: steps, steps: [{at: 7d, multiplier: 1.2}, "
                        "{at: 2d, multiplier: 2}]}\n",
                 "tests/data/traces/s.yaml:5:66: traffic.growth.steps[1].at: must be later than "
                 "the step before; list steps in time order");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_reads_the_trace_relative_to_the_scenario),
        cmocka_unit_test(test_replay_csv_errors_name_file_and_line),
        cmocka_unit_test(test_replay_checks_against_the_run),
        cmocka_unit_test(test_recurring_event_fires_on_weekdays_only),
        cmocka_unit_test(test_recurring_event_errors),
        cmocka_unit_test(test_events_outside_the_run_are_warned_about),
        cmocka_unit_test(test_growth_models),
    };
    return cmocka_run_group_tests(tests, chdir_source, NULL);
}
