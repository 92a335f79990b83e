/* test_tz.c - tests for src/core/tz.c: TZif files from the system's tzdata,
 * POSIX TZ rules (the footer that covers times after the table), local
 * times across daylight saving changes, and civil dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "headroom/tz.h"

#define H 3600

static int64_t utc(int y, int m, int d, int hh, int mm)
{
    return hr_civil_days(y, m, d) * 86400 + hh * H + mm * 60;
}

static void load(hr_tz *tz, const char *name)
{
    hr_error err;
    if (hr_tz_load(tz, NULL, name, &err) != HR_OK)
        fail_msg("%s", err.msg);
}

static void test_civil_dates_round_trip_and_know_their_weekday(void **state)
{
    (void)state;
    assert_int_equal(hr_civil_days(1970, 1, 1), 0);
    assert_int_equal(hr_civil_days(2026, 1, 1), 20454);
    assert_int_equal(hr_civil_weekday(hr_civil_days(2026, 1, 1)), 3);   /* a Thursday */
    assert_int_equal(hr_civil_weekday(hr_civil_days(2026, 11, 27)), 4); /* Black Friday */
    assert_int_equal(hr_civil_weekday(hr_civil_days(1969, 12, 29)), 0); /* before 1970 */
    for (int64_t d = -800; d < 30000; d += 37) {
        int y, m, dd;
        hr_civil_date(d, &y, &m, &dd);
        assert_int_equal(hr_civil_days(y, m, dd), d);
    }
    assert_int_equal(hr_civil_month_days(2028, 2), 29);
    assert_int_equal(hr_civil_month_days(2100, 2), 28);
    assert_int_equal(hr_civil_month_days(2000, 2), 29);
}

static void test_civil_parse_takes_dates_times_and_z(void **state)
{
    (void)state;
    int64_t t;
    bool has_time, z;
    assert_true(hr_civil_parse("2026-11-27", &t, &has_time, &z));
    assert_true(t == utc(2026, 11, 27, 0, 0) && !has_time && !z);
    assert_true(hr_civil_parse("2026-11-27T08:30", &t, &has_time, &z));
    assert_true(t == utc(2026, 11, 27, 8, 30) && has_time && !z);
    assert_true(hr_civil_parse("2026-11-27 08:30:15Z", &t, &has_time, &z));
    assert_true(t == utc(2026, 11, 27, 8, 30) + 15 && has_time && z);
    assert_false(hr_civil_parse("2026-02-30", &t, &has_time, &z));
    assert_false(hr_civil_parse("2026-11-27T24:00", &t, &has_time, &z));
    assert_false(hr_civil_parse("27/11/2026", &t, &has_time, &z));
    assert_false(hr_civil_parse("2026-11-27Z", &t, &has_time, &z));
    char buf[40];
    assert_string_equal(hr_civil_format(utc(2026, 11, 27, 8, 0), buf, sizeof buf),
                        "2026-11-27 08:00");
    assert_string_equal(hr_civil_format(utc(2026, 11, 27, 8, 0) + 5, buf, sizeof buf),
                        "2026-11-27 08:00:05");
}

/* 2026: clocks go forward on Sunday March 8 at 02:00 EST (07:00 UTC) and
 * back on Sunday November 1 at 02:00 EDT (06:00 UTC). */
static void test_new_york_changes_offset_at_its_dst_transitions(void **state)
{
    (void)state;
    hr_tz tz;
    load(&tz, "America/New_York");
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 3, 8, 6, 59)), -5 * H);
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 3, 8, 7, 0)), -4 * H);
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 11, 1, 5, 59)), -4 * H);
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 11, 1, 6, 0)), -5 * H);
    assert_true(hr_tz_next_change(&tz, utc(2026, 6, 1, 0, 0)) == utc(2026, 11, 1, 6, 0));
    /* 2040 lies past the table of a fat file (2037): the footer's rule */
    assert_int_equal(hr_tz_offset(&tz, utc(2040, 3, 11, 6, 59)), -5 * H);
    assert_int_equal(hr_tz_offset(&tz, utc(2040, 3, 11, 7, 0)), -4 * H);
    assert_true(hr_tz_next_change(&tz, utc(2040, 1, 1, 0, 0)) == utc(2040, 3, 11, 7, 0));
    hr_tz_free(&tz);
}

/* 2026: the last Sundays of March and October, at 01:00 UTC. */
static void test_berlin_changes_offset_at_its_dst_transitions(void **state)
{
    (void)state;
    hr_tz tz;
    load(&tz, "Europe/Berlin");
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 3, 29, 0, 59)), 1 * H);
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 3, 29, 1, 0)), 2 * H);
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 10, 25, 0, 59)), 2 * H);
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 10, 25, 1, 0)), 1 * H);
    /* local 08:00 is 07:00 UTC in winter and 06:00 in summer */
    assert_true(hr_tz_utc(&tz, utc(2026, 1, 15, 8, 0)) == utc(2026, 1, 15, 7, 0));
    assert_true(hr_tz_utc(&tz, utc(2026, 7, 15, 8, 0)) == utc(2026, 7, 15, 6, 0));
    hr_tz_free(&tz);
}

static void test_skipped_times_run_at_the_jump_repeated_ones_at_their_first_instant(void **state)
{
    (void)state;
    hr_tz tz;
    load(&tz, "America/New_York");
    /* 02:30 on March 8 never happens: the clocks jump from 02:00 to 03:00 */
    assert_true(hr_tz_utc(&tz, utc(2026, 3, 8, 2, 30)) == utc(2026, 3, 8, 7, 0));
    assert_true(hr_tz_utc(&tz, utc(2026, 3, 8, 3, 0)) == utc(2026, 3, 8, 7, 0));
    assert_true(hr_tz_utc(&tz, utc(2026, 3, 8, 1, 59)) == utc(2026, 3, 8, 6, 59));
    /* 01:30 on November 1 happens twice: first in EDT */
    assert_true(hr_tz_utc(&tz, utc(2026, 11, 1, 1, 30)) == utc(2026, 11, 1, 5, 30));
    assert_true(hr_tz_utc(&tz, utc(2026, 11, 1, 2, 0)) == utc(2026, 11, 1, 7, 0));
    hr_tz_free(&tz);
}

static void test_posix_rules_alone_give_the_same_offsets(void **state)
{
    (void)state;
    hr_tz ny = {0}, file;
    assert_int_equal(hr_tz_parse_rule("EST5EDT,M3.2.0,M11.1.0", &ny.rule), HR_OK);
    ny.has_rule = true;
    load(&file, "America/New_York");
    for (int64_t t = utc(2025, 1, 1, 0, 0); t < utc(2028, 1, 1, 0, 0); t += 1800)
        assert_int_equal(hr_tz_offset(&ny, t), hr_tz_offset(&file, t));
    hr_tz_free(&file);

    /* the southern hemisphere: summer time spans the new year */
    hr_tz syd = {0};
    assert_int_equal(hr_tz_parse_rule("AEST-10AEDT,M10.1.0,M4.1.0/3", &syd.rule), HR_OK);
    syd.has_rule = true;
    assert_int_equal(hr_tz_offset(&syd, utc(2026, 1, 10, 0, 0)), 11 * H);
    assert_int_equal(hr_tz_offset(&syd, utc(2026, 4, 4, 15, 59)), 11 * H);
    assert_int_equal(hr_tz_offset(&syd, utc(2026, 4, 4, 16, 0)), 10 * H);
    assert_int_equal(hr_tz_offset(&syd, utc(2026, 10, 3, 16, 0)), 11 * H);

    hr_tz_rule r;
    assert_int_equal(hr_tz_parse_rule("<+0530>-5:30", &r), HR_OK);
    assert_true(!r.has_dst && r.std_offset_s == 5 * H + 1800);
    assert_int_equal(hr_tz_parse_rule("UTC0", &r), HR_OK);
    assert_int_equal(hr_tz_parse_rule("EST5EDT", &r), HR_EINVAL); /* no rule given */
    assert_int_equal(hr_tz_parse_rule("X5", &r), HR_EINVAL);
    assert_int_equal(hr_tz_parse_rule("CET-1CEST,M13.5.0,M10.5.0/3", &r), HR_EINVAL);
}

static void test_unknown_or_unsafe_names_are_refused(void **state)
{
    (void)state;
    hr_tz tz;
    hr_error err;
    assert_int_equal(hr_tz_load(&tz, NULL, "Mars/Olympus_Mons", &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "Mars/Olympus_Mons"));
    assert_int_equal(hr_tz_load(&tz, NULL, "../../etc/passwd", &err), HR_EINVAL);
    assert_int_equal(hr_tz_load(&tz, NULL, "/etc/localtime", &err), HR_EINVAL);
    assert_int_equal(hr_tz_load(&tz, NULL, "", &err), HR_EINVAL);
    /* a file that is not TZif */
    static const unsigned char junk[] = "not a zone file at all, but long enough to have a header";
    assert_int_equal(hr_tz_parse(&tz, "junk", junk, sizeof junk, &err), HR_EINVAL);
    assert_null(tz.name);
}

static void test_utc_has_offset_zero_everywhere(void **state)
{
    (void)state;
    hr_tz tz;
    load(&tz, "UTC");
    assert_int_equal(hr_tz_offset(&tz, utc(2026, 7, 1, 0, 0)), 0);
    assert_true(hr_tz_next_change(&tz, 0) == INT64_MAX);
    assert_true(hr_tz_utc(&tz, 12345) == 12345);
    hr_tz copy;
    assert_int_equal(hr_tz_copy(&copy, &tz), HR_OK);
    assert_string_equal(copy.name, "UTC");
    hr_tz_free(&copy);
    hr_tz_free(&tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_dates_round_trip_and_know_their_weekday),
        cmocka_unit_test(test_civil_parse_takes_dates_times_and_z),
        cmocka_unit_test(test_new_york_changes_offset_at_its_dst_transitions),
        cmocka_unit_test(test_berlin_changes_offset_at_its_dst_transitions),
        cmocka_unit_test(test_skipped_times_run_at_the_jump_repeated_ones_at_their_first_instant),
        cmocka_unit_test(test_posix_rules_alone_give_the_same_offsets),
        cmocka_unit_test(test_unknown_or_unsafe_names_are_refused),
        cmocka_unit_test(test_utc_has_offset_zero_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
