/* test_load_schedule.c - tests for src/scenario/load_calendar.c and
 * load_schedule.c: the calendar key (dates, time zones, agreement with
 * traffic.start_day, the traffic's local clock) and scheduled actions on
 * any policy kind, with their errors and positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "headroom/scenario.h"

/* A scenario with the given calendar line (line 3), traffic line (line 6)
 * and policies (from line 13). */
static int load(const char *calendar, const char *traffic, const char *policies, hr_scenario *sc,
                hr_error *err)
{
    char text[4096];
    snprintf(text, sizeof text,
             "scenario: t\n"
             "duration: 2d\n"
             "%s\n"
             "traffic:\n"
             "  base_rps: 10\n"
             "%s\n"
             "workload:\n"
             "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
             "fleet:\n"
             "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
             "  max: 50\n"
             "policies:\n"
             "%s",
             calendar, traffic, policies);
    return hr_scenario_load_string("s.yaml", text, strlen(text), sc, err);
}

static void load_ok(const char *calendar, const char *traffic, const char *policies,
                    hr_scenario *sc)
{
    hr_error err;
    if (load(calendar, traffic, policies, sc, &err) != HR_OK)
        fail_msg("should load: %s", err.msg);
}

static void assert_fails(const char *calendar, const char *traffic, const char *policies,
                         const char *msg)
{
    hr_scenario sc;
    hr_error err;
    int rc = load(calendar, traffic, policies, &sc, &err);
    if (rc != HR_EINVAL || strcmp(err.msg, msg) != 0)
        fail_msg("got %d \"%s\"\nwant \"%s\"", rc, err.msg, msg);
}

#define NO_CALENDAR "# no calendar"
#define BERLIN "calendar: {start: \"2026-11-26T10:00\", time_zone: Europe/Berlin}"
#define FLAT "  diurnal: flat"
#define STATIC_2 "  - {name: s, kind: static, instances: 2}\n"

static void test_calendar_sets_t0_and_the_weekday(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(BERLIN, FLAT, STATIC_2, &sc);
    assert_true(sc.calendar.given && sc.calendar.dated);
    /* 10:00 in Berlin (UTC+1 in November) is 09:00 UTC */
    assert_true(sc.calendar.start_utc_s == hr_civil_days(2026, 11, 26) * 86400 + 9 * 3600);
    assert_int_equal(sc.traffic.start_day, 3); /* a Thursday */
    assert_int_equal(sc.traffic.n_clock, 1);
    assert_true(sc.traffic.clock_shift_s[0] == 10 * 3600); /* t = 0 is 10:00 local */
    hr_scenario_free(&sc);

    load_ok("calendar: {start: 2026-03-07}", FLAT, STATIC_2, &sc);
    assert_string_equal(sc.calendar.tz.name, "UTC");
    assert_int_equal(sc.traffic.start_day, 5);
    hr_scenario_free(&sc);

    /* a weekday alone: the undated week, as traffic.start_day */
    load_ok("calendar: {start: fri}", FLAT, STATIC_2, &sc);
    assert_false(sc.calendar.dated);
    assert_int_equal(sc.traffic.start_day, 4);
    assert_int_equal(sc.traffic.n_clock, 0);
    hr_scenario_free(&sc);

    /* no calendar: as before, nothing shifts */
    load_ok(NO_CALENDAR, "  start_day: tue", STATIC_2, &sc);
    assert_false(sc.calendar.given);
    assert_int_equal(sc.traffic.n_clock, 0);
    assert_true(sc.calendar.start_utc_s == (4 + 1) * 86400);
    hr_scenario_free(&sc);
}

/* 2026-03-08 is the day New York springs forward: a 23-hour day. */
static void test_the_clock_follows_daylight_saving_changes(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("calendar: {start: 2026-03-07, time_zone: America/New_York}", FLAT, STATIC_2, &sc);
    assert_int_equal(sc.traffic.n_clock, 2);
    assert_true(sc.traffic.clock_shift_s[0] == 0);
    /* 02:00 EST on the 8th: 26 hours after midnight of the 7th */
    assert_true(sc.traffic.clock_at_s[1] == 26 * 3600);
    assert_true(sc.traffic.clock_shift_s[1] == 3600);
    hr_scenario_free(&sc);
}

/* Recurring traffic events start at their local time of day: 09:30 in
 * New York is 14:30 UTC before the change of 2026-03-08, 13:30 after. */
static void test_recurring_traffic_events_follow_local_time(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("calendar: {start: \"2026-03-06T00:00\", time_zone: America/New_York}",
            "  events: [{name: open, every: day, at: \"09:30\", duration: 1h, multiplier: 2}]",
            STATIC_2, &sc);
    assert_int_equal(sc.traffic.n_events, 2); /* the 6th and 7th */
    assert_true(sc.traffic.events[0].start_s == 9.5 * 3600);
    assert_true(sc.traffic.events[1].start_s == 33.5 * 3600);
    hr_scenario_free(&sc);
    load_ok("calendar: {start: \"2026-03-07T12:00\", time_zone: America/New_York}",
            "  events: [{name: open, every: day, at: \"09:30\", duration: 1h, multiplier: 2}]",
            STATIC_2, &sc);
    /* not the 7th (before t = 0); the 8th is a 23-hour day */
    assert_int_equal(sc.traffic.n_events, 2);
    assert_true(sc.traffic.events[0].start_s == (12 + 9.5 - 1) * 3600);
    assert_true(sc.traffic.events[1].start_s == (12 + 9.5 - 1 + 24) * 3600);
    hr_scenario_free(&sc);
}

static void test_calendar_errors_have_positions(void **state)
{
    (void)state;
    assert_fails("calendar: {start: 2026-11-26, time_zone: Europe/Berln}", FLAT, STATIC_2,
                 "s.yaml:3:42: calendar.time_zone: unknown time zone \"Europe/Berln\"; expected "
                 "an IANA name like Europe/Berlin, America/New_York, Asia/Tokyo or UTC (a file "
                 "under /usr/share/zoneinfo; install the tzdata package if that folder is empty)");
    assert_fails("calendar: {start: 26.11.2026}", FLAT, STATIC_2,
                 "s.yaml:3:19: calendar.start: expected a date like 2026-11-26, a date and time "
                 "like \"2026-11-26T06:00\", or a weekday like mon, got 26.11.2026");
    assert_fails("calendar: {time_zone: UTC}", FLAT, STATIC_2,
                 "s.yaml:3:11: calendar: missing required key start");
    assert_fails("calendar: {start: mon, time_zone: Europe/Berlin}", FLAT, STATIC_2,
                 "s.yaml:3:35: calendar.time_zone: a time zone needs a dated start (its offset "
                 "depends on the date); give start as a date like 2026-11-26");
    assert_fails(BERLIN, "  start_day: mon", STATIC_2,
                 "s.yaml:6:14: traffic.start_day: mon disagrees with calendar.start, a "
                 "Thursday; remove traffic.start_day (the calendar's date gives the day)");
    assert_fails("calendar: {start: fri}", "  start_day: mon", STATIC_2,
                 "s.yaml:6:14: traffic.start_day: mon disagrees with calendar.start (fri); give "
                 "the day once, in calendar.start");
    hr_scenario sc;
    load_ok(BERLIN, "  start_day: thu", STATIC_2, &sc); /* agreeing is fine */
    hr_scenario_free(&sc);
}

static void test_actions_load_on_every_kind(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(BERLIN, FLAT,
            "  - name: nightly\n"
            "    kind: scheduled\n"
            "    schedule: [{at: \"02:00\", min: 2, max: 10}, {at: \"06:00\", min: 4, max: 200, desired: 8}]\n"
            "  - name: tt\n"
            "    kind: target_tracking\n"
            "    metric: cpu\n"
            "    target: 60\n"
            "    schedule:\n"
            "      - {name: open, at: \"08:00:30\", days: weekdays, min: 6}\n"
            "      - {cron: \"*/30 22-23 * dec mon,fri\", time_zone: America/New_York, max: 4}\n"
            "      - {at: 2026-11-27, desired: 9}\n"
            "      - {at: \"2026-11-27T12:00Z\", desired: 10}\n"
            "      - {cron: \"0 6 * * *\", start: 2026-11-27, end: \"2026-11-28T00:00\", min: 3}\n"
            "  - {name: st, kind: static, instances: 2, schedule: [{at: \"01:00\", max: 3}]}\n",
            &sc);
    const hr_policy_config *n = &sc.policies[0], *tt = &sc.policies[1];
    assert_int_equal(n->kind, HR_POLICY_SCHEDULED);
    assert_int_equal(n->n_schedule, 2);
    assert_true(n->schedule[0].min == 2 && n->schedule[0].max == 10 && n->schedule[0].desired == -1);
    assert_true(n->schedule[0].cron.hours == 1u << 2 && n->schedule[0].cron.minutes == 1);
    assert_int_equal(tt->n_schedule, 5);
    const hr_scheduled_action *a = tt->schedule;
    assert_string_equal(a[0].label, "open (08:00:30 weekdays)");
    assert_true(a[0].cron.second == 30 && a[0].cron.wdays == 0x3E && !a[0].cron.wday_star);
    assert_true(a[0].min == 6 && a[0].max == -1);
    assert_string_equal(a[1].label, "cron */30 22-23 * dec mon,fri");
    assert_true(a[1].has_tz);
    assert_string_equal(a[1].tz.name, "America/New_York");
    assert_true(a[2].once && a[2].once_local_s == hr_civil_days(2026, 11, 27) * 86400);
    assert_string_equal(a[2].label, "2026-11-27 00:00");
    /* 12:00 UTC is 13:00 in Berlin */
    assert_true(a[3].once && a[3].once_local_s == hr_civil_days(2026, 11, 27) * 86400 + 13 * 3600);
    assert_true(a[4].has_start && a[4].has_end);
    assert_true(a[4].start_utc_s == hr_civil_days(2026, 11, 26) * 86400 + 23 * 3600);
    assert_int_equal(sc.policies[2].n_schedule, 1);
    hr_scenario_free(&sc);

    /* without a calendar: times of day, weekdays, crons of hours and days */
    load_ok(NO_CALENDAR, FLAT,
            "  - {name: n, kind: scheduled, schedule: [{at: \"22:00\", days: [sat, sun], max: 2},"
            " {cron: \"0 6 * * 1-5\", min: 4}]}\n",
            &sc);
    hr_scenario_free(&sc);
}

static void test_action_errors_have_positions(void **state)
{
    (void)state;
    assert_fails(NO_CALENDAR, FLAT, "  - {name: n, kind: scheduled}\n",
                 "s.yaml:13:5: policies[0] (n): missing required key schedule (the scheduled actions)");
    assert_fails(NO_CALENDAR, FLAT, "  - {name: n, kind: scheduled, schedule: []}\n",
                 "s.yaml:13:42: policies[0] (n).schedule: expected a non-empty list like "
                 "[{at: \"08:00\", min: 12, max: 40}], got an empty list");
    assert_fails(NO_CALENDAR, FLAT, "  - {name: n, kind: scheduled, schedule: [{at: \"8am\", min: 1}]}\n",
                 "s.yaml:13:48: policies[0] (n).schedule[0].at: expected a time of day like "
                 "\"08:00\" (every day, or on days), a date and time like \"2026-11-27T08:00\" or "
                 "a date (once), got \"8am\"");
    assert_fails(NO_CALENDAR, FLAT, "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\"}]}\n",
                 "s.yaml:13:43: policies[0] (n).schedule[0]: missing required key min, max or "
                 "desired (what the action sets)");
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", min: 5, max: 3}]}\n",
                 "s.yaml:13:70: policies[0] (n).schedule[0].max: must be at least min (5), got 3");
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", max: 3, desired: 4}]}\n",
                 "s.yaml:13:74: policies[0] (n).schedule[0].desired: must be at most max (3), got 4");
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", cron: \"0 8 * * *\", min: 1}]}\n",
                 "s.yaml:13:57: policies[0] (n).schedule[0].cron: give at or cron, not both");
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{cron: \"0 8 * * mon-\", min: 1}]}\n",
                 "s.yaml:13:50: policies[0] (n).schedule[0].cron: day of week field \"mon-\": a "
                 "range needs an end, like 0-7");
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{cron: \"0 0 31 4 *\", min: 1}]}\n",
                 "s.yaml:13:50: policies[0] (n).schedule[0].cron: \"0 0 31 4 *\" never runs (no "
                 "month has that day); check the day of month and month fields");
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", days: weekdayz, min: 1}]}\n",
                 "s.yaml:13:63: policies[0] (n).schedule[0].days: unknown day \"weekdayz\"; did "
                 "you mean weekdays?");
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", every: day, min: 1}]}\n",
                 "s.yaml:13:57: policies[0] (n).schedule[0].every: unknown key; valid keys: name, "
                 "at, cron, days, time_zone, start, end, min, max, desired");
    assert_fails(NO_CALENDAR, FLAT, "  - {name: c, kind: static, instances: 3, metric: cpu}\n",
                 "s.yaml:13:43: policies[0] (c).metric: static policies take no metric; valid "
                 "keys: name, kind, instances, limits, schedule");
}

static void test_dates_and_zones_need_a_dated_calendar(void **state)
{
    (void)state;
    const char *need = "needs a dated calendar (without one, t = 0 is midnight of an undated "
                       "week); add calendar: {start: 2026-11-26} at the top level";
    char want[512];
    snprintf(want, sizeof want, "s.yaml:13:48: policies[0] (n).schedule[0].at: a one-off date %s",
             need);
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: 2026-11-27, min: 1}]}\n", want);
    snprintf(want, sizeof want,
             "s.yaml:13:50: policies[0] (n).schedule[0].cron: a cron restricting the month or "
             "the day of the month %s", need);
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{cron: \"0 0 1 * *\", min: 1}]}\n", want);
    snprintf(want, sizeof want, "s.yaml:13:76: policies[0] (n).schedule[0].time_zone: a time zone %s",
             need);
    assert_fails(NO_CALENDAR, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", min: 1, time_zone: UTC}]}\n",
                 want);
    assert_fails(BERLIN, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", min: 1, time_zone: Mars/Base}]}\n",
                 "s.yaml:13:76: policies[0] (n).schedule[0].time_zone: unknown time zone "
                 "\"Mars/Base\"; expected an IANA name like Europe/Berlin, America/New_York, "
                 "Asia/Tokyo or UTC (a file under /usr/share/zoneinfo; install the tzdata package "
                 "if that folder is empty)");
    assert_fails(BERLIN, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: 2026-11-27, min: 1, end: 2026-12-01}]}\n",
                 "s.yaml:13:68: policies[0] (n).schedule[0].end: end bounds a recurrence; a "
                 "one-off date runs once");
    assert_fails(BERLIN, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: \"08:00\", min: 1, start: 2026-12-02, end: 2026-12-01}]}\n",
                 "s.yaml:13:89: policies[0] (n).schedule[0].end: must be after start");
    assert_fails(BERLIN, FLAT,
                 "  - {name: n, kind: scheduled, schedule: [{at: 2026-11-27, days: mon, min: 1}]}\n",
                 "s.yaml:13:60: policies[0] (n).schedule[0].days: days goes with a time of day "
                 "like \"08:00\", not with a date");
}

static void test_one_off_after_the_run_is_a_warning(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(BERLIN, FLAT,
            "  - {name: n, kind: scheduled, schedule: [{at: \"2026-12-24T08:00\", min: 1}]}\n", &sc);
    assert_int_equal(sc.n_warnings, 1);
    assert_string_equal(sc.warnings[0],
                        "s.yaml:13:48: policies[0] (n).schedule[0]: warning: runs after the end "
                        "of the run (2d): it has no effect");
    hr_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_sets_t0_and_the_weekday),
        cmocka_unit_test(test_the_clock_follows_daylight_saving_changes),
        cmocka_unit_test(test_recurring_traffic_events_follow_local_time),
        cmocka_unit_test(test_calendar_errors_have_positions),
        cmocka_unit_test(test_actions_load_on_every_kind),
        cmocka_unit_test(test_action_errors_have_positions),
        cmocka_unit_test(test_dates_and_zones_need_a_dated_calendar),
        cmocka_unit_test(test_one_off_after_the_run_is_a_warning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
