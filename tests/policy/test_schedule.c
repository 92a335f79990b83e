/* test_schedule.c - tests for src/policy/schedule.c: scheduled actions
 * turned into simulated times on the calendar (across midnight, on
 * weekdays or weekends, in a time zone through a daylight saving change,
 * one-off dates, start and end, the latest run before the start) and what
 * each does to the group's bounds and capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "headroom/schedule.h"

#define H 3600.0

/* A scenario of the given duration and calendar line whose one policy is
 * kind scheduled with the given actions (a YAML flow list). */
static void load(const char *duration, const char *calendar, const char *actions, hr_scenario *sc)
{
    char text[4096];
    snprintf(text, sizeof text,
             "scenario: t\nduration: %s\n%s\n"
             "traffic: {base_rps: 10}\n"
             "workload:\n"
             "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
             "fleet: {instance: {concurrency: 4, price_per_hour: 0.1}, initial: 2, min: 1, max: 50}\n"
             "policies:\n"
             "  - {name: p, kind: scheduled, schedule: %s}\n",
             duration, calendar, actions);
    hr_error err;
    if (hr_scenario_load_string("s.yaml", text, strlen(text), sc, &err) != HR_OK)
        fail_msg("%s", err.msg);
}

static void build(const hr_scenario *sc, hr_schedule *s)
{
    hr_error err;
    if (hr_schedule_build(s, &sc->policies[0], &sc->calendar, sc->duration_s, &err) != HR_OK)
        fail_msg("%s", err.msg);
}

/* "22:00 -> 06:00": the night's bounds hold across midnight; t = 0 is
 * midnight of a Monday (no calendar), so the 22:00 action of the day
 * before already ran. */
static void test_a_night_window_spans_midnight(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_schedule s;
    load("2d", "# no calendar",
         "[{at: \"22:00\", min: 1, max: 2, desired: 2}, {at: \"06:00\", min: 4, max: 50, desired: 4}]",
         &sc);
    build(&sc, &s);
    assert_int_equal(s.n_before, 2);
    assert_true(s.before[0].time_s == -18 * H && s.before[0].action == 1); /* Sun 06:00 */
    assert_true(s.before[1].time_s == -2 * H && s.before[1].action == 0); /* Sun 22:00 */
    double want[] = {6 * H, 22 * H, 30 * H, 46 * H};
    assert_int_equal(s.n_events, 4);
    for (size_t i = 0; i < 4; i++)
        assert_true(s.events[i].time_s == want[i]);
    assert_int_equal(s.events[0].action, 1);
    assert_int_equal(s.events[1].action, 0);

    /* replayed, the night's action leaves the group at 2 at t = 0 */
    hr_group_size g = {.min = 1, .max = 50, .desired = 2};
    char why[400];
    for (size_t i = 0; i < s.n_before; i++)
        assert_true(hr_schedule_apply(&sc.policies[0].schedule[s.before[i].action], &s.before[i],
                                      &sc.calendar, &g, why, sizeof why));
    assert_true(g.min == 1 && g.max == 2 && g.desired == 2);
    hr_schedule_free(&s);
    hr_scenario_free(&sc);
}

/* The week of 2026-11-26 (Thursday): office hours on weekdays only, a
 * weekend floor on Saturday and Sunday. */
static void test_weekdays_and_weekends_run_on_their_days(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_schedule s;
    load("7d", "calendar: {start: 2026-11-26}",
         "[{at: \"08:00\", days: weekdays, min: 10}, {cron: \"0 9 * * sat,sun\", min: 3}]", &sc);
    build(&sc, &s);
    /* Thu, Fri, Mon, Tue, Wed at 08:00; Sat and Sun at 09:00 */
    double want[] = {8 * H, 32 * H, 57 * H, 81 * H, 104 * H, 128 * H, 152 * H};
    size_t action[] = {0, 0, 1, 1, 0, 0, 0};
    assert_int_equal(s.n_events, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_true(s.events[i].time_s == want[i]);
        assert_int_equal(s.events[i].action, action[i]);
    }
    /* before the start: Wednesday 08:00 and the Sunday before */
    assert_int_equal(s.n_before, 2);
    assert_true(s.before[0].time_s == -(24 * 3 + 15) * H && s.before[0].action == 1);
    assert_true(s.before[1].time_s == -16 * H && s.before[1].action == 0);
    hr_schedule_free(&s);
    hr_scenario_free(&sc);
}

/* 08:00 in Berlin stays 08:00 local across the end of summer time on
 * Sunday 2026-10-25: 06:00 UTC before, 07:00 UTC after; the UTC calendar
 * of the run sees it move by an hour. */
static void test_a_time_zone_keeps_local_time_through_dst(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_schedule s;
    load("3d", "calendar: {start: 2026-10-24}",
         "[{at: \"08:00\", time_zone: Europe/Berlin, desired: 5}]", &sc);
    build(&sc, &s);
    assert_int_equal(s.n_events, 3);
    assert_true(s.events[0].time_s == 6 * H);       /* Sat, CEST */
    assert_true(s.events[1].time_s == 24 * H + 7 * H); /* Sun, CET */
    assert_true(s.events[2].time_s == 48 * H + 7 * H);
    char why[400];
    hr_group_size g = {.min = 1, .max = 50, .desired = 2};
    assert_true(hr_schedule_apply(&sc.policies[0].schedule[0], &s.events[1], &sc.calendar, &g,
                                  why, sizeof why));
    assert_string_equal(why, "schedule: 08:00 (Sun 2026-10-25 08:00 Europe/Berlin): desired 5; "
                             "capacity 2 -> 5");
    hr_schedule_free(&s);
    hr_scenario_free(&sc);
}

static void test_a_one_off_date_runs_once_and_in_its_zone(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_schedule s;
    load("3d", "calendar: {start: \"2026-11-26T00:00\", time_zone: America/New_York}",
         "[{at: \"2026-11-27T06:00\", min: 30, max: 60}, {at: 2026-11-20, desired: 7},"
         " {at: \"2026-11-28T12:00Z\", desired: 3}]", &sc);
    build(&sc, &s);
    assert_int_equal(s.n_events, 2);
    assert_true(s.events[0].time_s == 30 * H && s.events[0].action == 0);
    /* 12:00 UTC is 07:00 in New York: 55 hours after midnight of the 26th */
    assert_true(s.events[1].time_s == 55 * H && s.events[1].action == 2);
    /* the one on the 20th ran before the start */
    assert_int_equal(s.n_before, 1);
    assert_true(s.before[0].action == 1 && s.before[0].time_s == -6 * 24 * H);
    hr_schedule_free(&s);
    hr_scenario_free(&sc);
}

/* As AWS: a recurrence with a start also runs at the start; none after
 * its end; the latest before the run respects both. */
static void test_start_and_end_bound_a_recurrence(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_schedule s;
    load("4d", "calendar: {start: 2026-11-26}",
         "[{at: \"08:00\", start: \"2026-11-27T03:00\", end: \"2026-11-28T12:00\", min: 5},"
         " {at: \"09:00\", end: 2026-11-20, max: 9}]", &sc);
    build(&sc, &s);
    double want[] = {27 * H, 32 * H, 56 * H};
    assert_int_equal(s.n_events, 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(s.events[i].time_s == want[i] && s.events[i].action == 0);
    /* the 09:00 one last ran on the 19th */
    assert_int_equal(s.n_before, 1);
    assert_true(s.before[0].action == 1 && s.before[0].time_s == -(7 * 24 - 9) * H);
    hr_schedule_free(&s);
    hr_scenario_free(&sc);
}

static void test_actions_at_the_same_instant_run_in_file_order(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_schedule s;
    load("1d", "# no calendar",
         "[{cron: \"0 12 * * *\", max: 4}, {at: \"12:00\", desired: 9, max: 20}]", &sc);
    build(&sc, &s);
    assert_int_equal(s.n_events, 2);
    assert_true(s.events[0].time_s == 12 * H && s.events[0].action == 0);
    assert_true(s.events[1].time_s == 12 * H && s.events[1].action == 1);
    hr_schedule_free(&s);
    hr_scenario_free(&sc);
}

/* AWS: the bounds replace the group's; the capacity follows min and max. */
static void test_apply_sets_bounds_and_moves_the_capacity_into_them(void **state)
{
    (void)state;
    hr_scenario sc;
    load("1d", "# no calendar",
         "[{at: \"08:00\", min: 12, max: 40}, {at: \"20:00\", max: 3}, {at: \"21:00\", min: 60, max: 70},"
         " {at: \"22:00\", desired: 45}, {at: \"23:00\", min: 0}]",
         &sc);
    const hr_scheduled_action *a = sc.policies[0].schedule;
    hr_schedule_event ev = {.time_s = 8 * H, .local_s = 4 * 86400 + 8 * 3600};
    hr_group_size g = {.min = 1, .max = 50, .desired = 6};
    char why[400];
    /* raising min above the capacity scales out to it */
    assert_true(hr_schedule_apply(&a[0], &ev, &sc.calendar, &g, why, sizeof why));
    assert_true(g.min == 12 && g.max == 40 && g.desired == 12);
    assert_string_equal(why, "schedule: 08:00 (Mon 08:00): min 12 max 40; desired 6 raised to "
                             "min 12; capacity 6 -> 12");
    /* a max below the group's min: refused, nothing changes */
    assert_false(hr_schedule_apply(&a[1], &ev, &sc.calendar, &g, why, sizeof why));
    assert_true(g.min == 12 && g.max == 40 && g.desired == 12);
    assert_non_null(strstr(why, "not run: min 12 would exceed max 3"));
    /* both bounds above: scale out to the new min */
    assert_true(hr_schedule_apply(&a[2], &ev, &sc.calendar, &g, why, sizeof why));
    assert_true(g.min == 60 && g.max == 70 && g.desired == 60);
    /* a desired below the bounds is raised to them */
    assert_true(hr_schedule_apply(&a[3], &ev, &sc.calendar, &g, why, sizeof why));
    assert_true(g.desired == 60);
    /* lowering min alone leaves the capacity */
    assert_true(hr_schedule_apply(&a[4], &ev, &sc.calendar, &g, why, sizeof why));
    assert_true(g.min == 0 && g.max == 70 && g.desired == 60);
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_night_window_spans_midnight),
        cmocka_unit_test(test_weekdays_and_weekends_run_on_their_days),
        cmocka_unit_test(test_a_time_zone_keeps_local_time_through_dst),
        cmocka_unit_test(test_a_one_off_date_runs_once_and_in_its_zone),
        cmocka_unit_test(test_start_and_end_bound_a_recurrence),
        cmocka_unit_test(test_actions_at_the_same_instant_run_in_file_order),
        cmocka_unit_test(test_apply_sets_bounds_and_moves_the_capacity_into_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
