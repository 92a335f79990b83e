/* test_engine_schedule.c - scheduled actions inside a run (src/engine/run.c
 * with src/policy/schedule.c): a window across midnight, weekdays against
 * weekends, a time zone through a daylight saving change, a one-off date,
 * the state at t = 0, a schedule on top of target tracking, and the
 * calendar leaving runs without one as they were. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/engine.h"
#include "headroom/scenario.h"

#define H 3600.0

/* A light scenario (few requests, a 5-minute tick) with a calendar line
 * and a policies block. */
static void load(const char *duration, const char *calendar, const char *policies,
                 hr_scenario *sc)
{
    char text[4096];
    snprintf(text, sizeof text,
             "scenario: t\nduration: %s\ntick: 5m\nseed: 7\n%s\n"
             "traffic: {base_rps: 2, diurnal: business}\n"
             "workload:\n"
             "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
             "fleet:\n"
             "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
             "  boot: {dist: constant, mean: 60s}\n"
             "  initial: 2\n  min: 1\n  max: 50\n"
             "metrics: {period: 5m, delay: 5m}\n"
             "policies:\n%s",
             duration, calendar, policies);
    hr_error err;
    if (hr_scenario_load_string("s.yaml", text, strlen(text), sc, &err) != HR_OK)
        fail_msg("%s", err.msg);
}

static void run(const hr_scenario *sc, size_t policy, hr_run_result *out)
{
    hr_run_spec spec = {.scenario = sc, .policy_index = policy, .seed = sc->seed};
    hr_error err;
    if (hr_engine_run(&spec, out, &err) != HR_OK)
        fail_msg("%s", err.msg);
}

/* The desired capacity in the series row covering time t. */
static int desired_at(const hr_run_result *r, double t)
{
    size_t i = (size_t)(t / r->series_step_s);
    assert_true(i < r->n_series);
    return r->series[i].desired;
}

/* The times of the decision-log lines whose reason starts with prefix. */
static size_t times_of(const hr_run_result *r, const char *prefix, double *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_decisions; i++)
        if (strncmp(r->decisions[i].reason, prefix, strlen(prefix)) == 0 && n < max)
            out[n++] = r->decisions[i].time_s;
    return n;
}

static void test_a_scheduled_night_spans_midnight(void **state)
{
    (void)state;
    hr_scenario sc;
    load("2d", "# no calendar",
         "  - name: night\n"
         "    kind: scheduled\n"
         "    schedule: [{at: \"22:00\", min: 1, max: 3, desired: 2}, {at: \"06:00\", min: 8, max: 50}]\n",
         &sc);
    hr_run_result r;
    run(&sc, 0, &r);
    /* t = 0 is midnight: inside the night the 22:00 action of the day before set */
    assert_int_equal(r.decisions[0].time_s, 0);
    assert_non_null(strstr(r.decisions[0].reason, "before the start"));
    assert_int_equal(desired_at(&r, 1 * H), 2);
    assert_int_equal(desired_at(&r, 5.9 * H), 2);
    assert_int_equal(desired_at(&r, 6.1 * H), 8);   /* min 8 scales out */
    assert_int_equal(desired_at(&r, 21.9 * H), 8);
    assert_int_equal(desired_at(&r, 22.1 * H), 2);  /* the night's 2... */
    assert_int_equal(desired_at(&r, 23.9 * H), 2);
    assert_int_equal(desired_at(&r, 24.5 * H), 2);  /* ...across midnight */
    assert_int_equal(desired_at(&r, 30.1 * H), 8);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* 2026-11-26 is a Thursday: office hours on Thu, Fri, Mon; not Sat, Sun. */
static void test_weekday_actions_skip_the_weekend(void **state)
{
    (void)state;
    hr_scenario sc;
    load("5d", "calendar: {start: 2026-11-26}",
         "  - name: office\n"
         "    kind: scheduled\n"
         "    schedule:\n"
         "      - {at: \"08:00\", days: weekdays, min: 6, max: 20}\n"
         "      - {at: \"18:00\", days: weekdays, min: 1, desired: 1}\n"
         "      - {at: \"10:00\", days: weekends, desired: 3}\n",
         &sc);
    hr_run_result r;
    run(&sc, 0, &r);
    double t[8];
    assert_int_equal(times_of(&r, "schedule: 08:00 weekdays (", t, 8), 4); /* one before */
    assert_true(t[0] == 0 && t[1] == 8 * H && t[2] == 32 * H && t[3] == 104 * H);
    assert_int_equal(desired_at(&r, 9 * H), 6);
    assert_int_equal(desired_at(&r, 19 * H), 1);
    assert_int_equal(desired_at(&r, 59 * H), 3);  /* Saturday 11:00 */
    assert_int_equal(desired_at(&r, 80 * H), 3);  /* Sunday 08:00: no office */
    assert_int_equal(desired_at(&r, 105 * H), 6); /* Monday */
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* New York falls back on Sunday 2026-11-01: 08:00 local is 12:00 UTC on
 * Saturday and 13:00 UTC from Sunday; the run's calendar is UTC. */
static void test_a_time_zone_follows_its_daylight_saving_time(void **state)
{
    (void)state;
    hr_scenario sc;
    load("3d", "calendar: {start: 2026-10-31}",
         "  - name: ny\n"
         "    kind: scheduled\n"
         "    schedule: [{at: \"08:00\", time_zone: America/New_York, desired: 4}]\n",
         &sc);
    hr_run_result r;
    run(&sc, 0, &r);
    double t[4];
    assert_int_equal(times_of(&r, "schedule: 08:00 (", t, 4), 4);
    assert_true(t[0] == 0 && t[1] == 12 * H && t[2] == 37 * H && t[3] == 61 * H);
    bool logged = false;
    for (size_t i = 0; i < r.n_decisions; i++)
        logged |= r.decisions[i].time_s == 12 * H &&
                  strstr(r.decisions[i].reason, "(Sat 2026-10-31 08:00 America/New_York)") != NULL;
    assert_true(logged);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

static void test_a_one_off_date_changes_the_capacity_once(void **state)
{
    (void)state;
    hr_scenario sc;
    load("2d", "calendar: {start: \"2026-11-26T00:00\", time_zone: Europe/Berlin}",
         "  - name: bf\n"
         "    kind: scheduled\n"
         "    schedule: [{at: \"2026-11-27T06:00\", min: 12, max: 40, desired: 12}]\n",
         &sc);
    hr_run_result r;
    run(&sc, 0, &r);
    assert_int_equal(desired_at(&r, 29 * H), 2);
    assert_int_equal(desired_at(&r, 30.1 * H), 12);
    assert_int_equal(desired_at(&r, 47 * H), 12);
    assert_int_equal(r.summary.scaling_actions, 1);
    double t[2];
    assert_int_equal(times_of(&r, "schedule: 2026-11-27 06:00 (Fri 2026-11-27 06:00 Europe/Berlin)", t, 2), 1);
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* A run that starts at 10:00 is inside the bounds the 08:00 action set. */
static void test_the_run_starts_inside_the_last_actions_bounds(void **state)
{
    (void)state;
    hr_scenario sc;
    load("4h", "calendar: {start: \"2026-11-26T10:00\"}",
         "  - name: tt\n"
         "    kind: target_tracking\n"
         "    metric: cpu\n"
         "    target: 50\n"
         "    schedule: [{at: \"08:00\", min: 5, max: 9}, {at: \"12:00\", min: 1, max: 50}]\n",
         &sc);
    hr_run_result r;
    run(&sc, 0, &r);
    assert_int_equal(desired_at(&r, 0), 5);
    /* light traffic: target tracking wants 1, but sees the scheduled min
     * 5 as its own until 12:00 */
    assert_int_equal(desired_at(&r, 1.9 * H), 5);
    bool at_min = false;
    for (size_t i = 0; i < r.n_decisions; i++)
        at_min |= r.decisions[i].time_s < 2 * H &&
                  strstr(r.decisions[i].reason, "needs 1, at min 5: hold at 5") != NULL;
    assert_true(at_min);
    assert_true(desired_at(&r, 3.9 * H) < 5); /* free to scale in after 12:00 */
    hr_run_result_free(&r);
    hr_scenario_free(&sc);
}

/* A schedule on target tracking holds it inside the scheduled bounds (it
 * sees them as its min and max); on a static fleet the controller clamps
 * the proposal to them. */
static void test_schedule_on_target_tracking_clamps_its_proposals(void **state)
{
    (void)state;
    hr_scenario sc;
    load("1d", "# no calendar",
         "  - {name: tt, kind: target_tracking, metric: cpu, target: 50}\n"
         "  - name: tt-office\n"
         "    kind: target_tracking\n"
         "    metric: cpu\n"
         "    target: 50\n"
         "    schedule: [{at: \"08:00\", min: 7, max: 7}, {at: \"18:00\", min: 1, max: 50}]\n"
         "  - {name: st, kind: static, instances: 3,\n"
         "     schedule: [{at: \"08:00\", min: 7}, {at: \"18:00\", min: 1}]}\n",
         &sc);
    hr_run_result plain, office, st;
    run(&sc, 0, &plain);
    run(&sc, 1, &office);
    for (double t = 8.2 * H; t < 18 * H; t += 0.5 * H) {
        assert_int_equal(desired_at(&office, t), 7);
        assert_true(desired_at(&plain, t) < 7);
    }
    run(&sc, 2, &st);
    assert_int_equal(desired_at(&st, 7 * H), 3);
    assert_int_equal(desired_at(&st, 9 * H), 7);
    bool clamped = false;
    for (size_t i = 0; i < st.n_decisions; i++)
        clamped |= strcmp(st.decisions[i].reason,
                          "static policy: 3 instances; clamped to min 7 (scheduled)") == 0;
    assert_true(clamped);
    hr_run_result_free(&st);
    assert_int_equal(desired_at(&office, 23 * H), desired_at(&plain, 23 * H));
    assert_true(office.summary.requests == plain.summary.requests); /* the same traffic */
    hr_run_result_free(&plain);
    hr_run_result_free(&office);
    hr_scenario_free(&sc);
}

/* The calendar at midnight UTC of a Monday is the undated week: the very
 * same run; started at 06:00 the day's shape moves by six hours. */
static void test_a_calendar_at_midnight_utc_changes_nothing(void **state)
{
    (void)state;
    hr_scenario a, b, c;
    const char *fixed = "  - {name: f, kind: static, instances: 3}\n";
    load("1d", "# no calendar", fixed, &a);
    load("1d", "calendar: {start: 2026-11-23}", fixed, &b);
    load("1d", "calendar: {start: \"2026-11-23T06:00\"}", fixed, &c);
    hr_run_result ra, rb, rc;
    run(&a, 0, &ra);
    run(&b, 0, &rb);
    run(&c, 0, &rc);
    assert_memory_equal(&ra.summary, &rb.summary, sizeof ra.summary);
    assert_int_equal(ra.n_series, rb.n_series);
    assert_memory_equal(ra.series, rb.series, ra.n_series * sizeof *ra.series);
    assert_true(rc.summary.requests != ra.summary.requests);
    hr_run_result_free(&ra);
    hr_run_result_free(&rb);
    hr_run_result_free(&rc);
    hr_scenario_free(&a);
    hr_scenario_free(&b);
    hr_scenario_free(&c);
}

/* A warm pool without max_prepared holds the group's max minus the
 * desired capacity, as AWS's default: the max a schedule sets. */
static void test_a_warm_pool_follows_the_scheduled_max(void **state)
{
    (void)state;
    const char *yaml =
        "scenario: t\nduration: 4h\ntick: 5m\nseed: 7\n"
        "traffic: {base_rps: 2}\n"
        "workload:\n"
        "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
        "fleet:\n"
        "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
        "  boot: {dist: constant, mean: 60s}\n"
        "  warm_pool: {state: stopped, start: 20s}\n"
        "  initial: 2\n  min: 1\n  max: 10\n"
        "metrics: {period: 5m, delay: 5m}\n"
        "policies:\n"
        "  - {name: plain, kind: static, instances: 2}\n"
        "  - {name: sched, kind: static, instances: 2,\n"
        "     schedule: [{at: \"00:00\", max: 4}, {at: \"02:00\", max: 6}]}\n";
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("s.yaml", yaml, strlen(yaml), &sc, &err) != HR_OK)
        fail_msg("%s", err.msg);
    hr_run_result plain, sched;
    run(&sc, 0, &plain);
    run(&sc, 1, &sched);
    assert_int_equal(plain.series[6].pool, 8);   /* 10 - 2 */
    assert_int_equal(sched.series[6].pool, 2);   /* 00:00: 4 - 2 */
    assert_int_equal(sched.series[40].pool, 4);  /* after 02:00: 6 - 2 */
    hr_run_result_free(&plain);
    hr_run_result_free(&sched);
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_scheduled_night_spans_midnight),
        cmocka_unit_test(test_weekday_actions_skip_the_weekend),
        cmocka_unit_test(test_a_time_zone_follows_its_daylight_saving_time),
        cmocka_unit_test(test_a_one_off_date_changes_the_capacity_once),
        cmocka_unit_test(test_the_run_starts_inside_the_last_actions_bounds),
        cmocka_unit_test(test_schedule_on_target_tracking_clamps_its_proposals),
        cmocka_unit_test(test_a_calendar_at_midnight_utc_changes_nothing),
        cmocka_unit_test(test_a_warm_pool_follows_the_scheduled_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
