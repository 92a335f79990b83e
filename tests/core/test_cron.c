/* test_cron.c - tests for src/core/cron.c: five-field cron expressions
 * (lists, ranges, steps, names), the day-of-month / day-of-week rule of
 * Vixie cron, the next and previous run, and the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "headroom/cron.h"
#include "headroom/tz.h"

static int64_t at(int y, int m, int d, int hh, int mm)
{
    return hr_civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static hr_cron parse(const char *expr)
{
    hr_cron c;
    char msg[256];
    if (!hr_cron_parse(expr, &c, msg, sizeof msg))
        fail_msg("%s: %s", expr, msg);
    return c;
}

static void assert_refused(const char *expr, const char *want)
{
    hr_cron c;
    char msg[256];
    if (hr_cron_parse(expr, &c, msg, sizeof msg))
        fail_msg("%s should be refused", expr);
    if (strstr(msg, want) == NULL)
        fail_msg("%s: got \"%s\", want it to say \"%s\"", expr, msg, want);
}

static void test_fields_take_lists_ranges_steps_and_names(void **state)
{
    (void)state;
    hr_cron c = parse("*/15 8-18/2 1,15 jan,Jul-sep mon-fri");
    assert_true(c.minutes == ((1ull << 0) | (1ull << 15) | (1ull << 30) | (1ull << 45)));
    assert_true(c.hours == ((1u << 8) | (1u << 10) | (1u << 12) | (1u << 14) | (1u << 16) |
                            (1u << 18)));
    assert_true(c.mdays == ((1u << 1) | (1u << 15)));
    assert_true(c.months == ((1u << 1) | (1u << 7) | (1u << 8) | (1u << 9)));
    assert_true(c.wdays == 0x3E); /* Monday (1) to Friday (5) */
    assert_false(c.mday_star || c.wday_star);
    c = parse("5/20 0 * * 7");
    assert_true(c.minutes == ((1ull << 5) | (1ull << 25) | (1ull << 45)));
    assert_true(c.wdays == 1); /* 7 is Sunday, as 0 */
    assert_true(c.mday_star && !c.wday_star);
    c = parse("0 0 * * SUN,sat");
    assert_true(c.wdays == ((1u << 0) | (1u << 6)));
}

static void test_weekday_expression_skips_the_weekend(void **state)
{
    (void)state;
    hr_cron c = parse("0 8 * * mon-fri");
    /* from Friday 2026-11-27 09:00 the next is Monday 08:00 */
    assert_true(hr_cron_next(&c, at(2026, 11, 27, 9, 0), 400) == at(2026, 11, 30, 8, 0));
    assert_true(hr_cron_next(&c, at(2026, 11, 27, 7, 59), 400) == at(2026, 11, 27, 8, 0));
    /* strictly after */
    assert_true(hr_cron_next(&c, at(2026, 11, 27, 8, 0), 400) == at(2026, 11, 30, 8, 0));
    /* the previous is at or before */
    assert_true(hr_cron_prev(&c, at(2026, 11, 30, 8, 0), 400) == at(2026, 11, 30, 8, 0));
    assert_true(hr_cron_prev(&c, at(2026, 11, 30, 7, 0), 400) == at(2026, 11, 27, 8, 0));
}

/* Both restricted: either matches (crontab(5)); one starting with '*': only
 * the other restricts. */
static void test_day_of_month_and_day_of_week_are_ored_when_both_restricted(void **state)
{
    (void)state;
    hr_cron c = parse("0 0 1 * mon");
    int64_t t = at(2026, 11, 28, 0, 0); /* a Saturday */
    t = hr_cron_next(&c, t, 400);
    assert_true(t == at(2026, 11, 30, 0, 0)); /* Monday */
    t = hr_cron_next(&c, t, 400);
    assert_true(t == at(2026, 12, 1, 0, 0)); /* the 1st, a Tuesday */
    t = hr_cron_next(&c, t, 400);
    assert_true(t == at(2026, 12, 7, 0, 0)); /* Monday again */

    c = parse("0 0 */2 * mon"); /* starts with '*': odd days that are Mondays */
    assert_true(hr_cron_next(&c, at(2026, 11, 28, 0, 0), 400) == at(2026, 12, 7, 0, 0));
    assert_false(hr_cron_day_matches(&c, 2026, 11, 30, 0)); /* Monday the 30th: even */
}

static void test_impossible_dates_never_match(void **state)
{
    (void)state;
    assert_false(hr_cron_can_match(&(hr_cron){0}));
    hr_cron c = parse("0 0 30 feb *");
    assert_false(hr_cron_can_match(&c));
    c = parse("0 0 29 2 *");
    assert_true(hr_cron_can_match(&c));
    /* the next February 29 from 2026 is in 2028 */
    assert_true(hr_cron_next(&c, at(2026, 3, 1, 0, 0), 3000) == at(2028, 2, 29, 0, 0));
    assert_true(hr_cron_next(&c, at(2026, 3, 1, 0, 0), 300) == INT64_MIN);
    c = parse("0 0 31 feb mon"); /* ORed with Mondays: runs */
    assert_true(hr_cron_can_match(&c));
}

static void test_only_month_and_day_of_month_need_a_date(void **state)
{
    (void)state;
    assert_false(hr_cron_needs_date(&(hr_cron){.months = 0x1FFE, .mday_star = true}));
    hr_cron c = parse("30 6 * * mon-fri");
    assert_false(hr_cron_needs_date(&c));
    c = parse("0 0 1 * *");
    assert_true(hr_cron_needs_date(&c));
    c = parse("0 0 * dec *");
    assert_true(hr_cron_needs_date(&c));
}

static void test_bad_expressions_say_what_is_wrong(void **state)
{
    (void)state;
    assert_refused("0 8 * *", "expected 5 fields");
    assert_refused("0 8 * * * 2026", "no seconds or years field");
    assert_refused("60 * * * *", "minute field \"60\": values run from 0 to 59");
    assert_refused("0 24 * * *", "hour field");
    assert_refused("0 0 0 * *", "day of month field");
    assert_refused("0 8 * * fri-mon", "runs backwards");
    assert_refused("0 8 * * funday", "day of week field \"funday\"");
    assert_refused("*/0 * * * *", "a step must be at least 1");
    assert_refused("0 8 ? * mon", "day of month field \"?\"");
    assert_refused("0 8 * * 1-", "a range needs an end");
    assert_refused("0 8 * * L", "day of week field \"L\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_take_lists_ranges_steps_and_names),
        cmocka_unit_test(test_weekday_expression_skips_the_weekend),
        cmocka_unit_test(test_day_of_month_and_day_of_week_are_ored_when_both_restricted),
        cmocka_unit_test(test_impossible_dates_never_match),
        cmocka_unit_test(test_only_month_and_day_of_month_need_a_date),
        cmocka_unit_test(test_bad_expressions_say_what_is_wrong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
