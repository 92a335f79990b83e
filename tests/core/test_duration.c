/* test_duration.c - tests for src/core/duration.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "headroom/duration.h"
#include "headroom/error.h"

static double parse_ok(const char *text)
{
    double s = -1.0;
    int rc = hr_duration_parse(text, &s);
    if (rc != HR_OK)
        fail_msg("\"%s\" should parse", text);
    return s;
}

static void test_duration_parses_each_unit(void **state)
{
    (void)state;
    assert_true(parse_ok("250ms") == 0.25);
    assert_true(parse_ok("90s") == 90.0);
    assert_true(parse_ok("15m") == 900.0);
    assert_true(parse_ok("6h") == 21600.0);
    assert_true(parse_ok("4d") == 345600.0);
    assert_true(parse_ok("0s") == 0.0);
    assert_true(parse_ok("1ms") == 0.001);
}

static void test_duration_parses_combinations_in_decreasing_order(void **state)
{
    (void)state;
    assert_true(parse_ok("1d6h") == 108000.0);
    assert_true(parse_ok("2m30s") == 150.0);
    assert_true(parse_ok("1h30m15s500ms") == 5415.5);
    assert_true(parse_ok("1d1ms") == 86400.001);
    assert_true(parse_ok("1m1ms") == 60.001);
}

static void test_duration_bare_number_is_seconds(void **state)
{
    (void)state;
    assert_true(parse_ok("90") == 90.0);
    assert_true(parse_ok("0.25") == 0.25);
    assert_true(parse_ok("0") == 0.0);
    assert_true(parse_ok("007") == 7.0);
}

static void test_duration_fraction_before_unit_is_exact(void **state)
{
    (void)state;
    assert_true(parse_ok("1.5h") == 5400.0);
    assert_true(parse_ok("0.1s") == 0.1);
    assert_true(parse_ok("2.5ms") == 0.0025);
    assert_true(parse_ok("1h0.5m") == 3630.0);
    assert_true(parse_ok("0.000001") == 1e-6);
}

static void test_duration_rejects_malformed_text(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "s", "ms", "-5s", "+5s", "5x", "5sec", "5 s", " 5s", "5s ", "1.5.2s",
        ".5s", "5.s", "5.", "1e3", "1e3s", "inf", "nan", "0x10", "5S", "1m30",
        "30s1m", "1m1m", "1h1h", "1s1s", "5ms1s", "1d2d", "1h2d", "5mss", "5,5s",
        "1h 30m", "s5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double s = 123.0;
        int rc = hr_duration_parse(bad[i], &s);
        if (rc != HR_EINVAL)
            fail_msg("\"%s\" should be rejected, got rc %d, %g s", bad[i], rc, s);
        assert_true(s == 123.0); /* output untouched on error */
    }
    double s;
    assert_int_equal(hr_duration_parse(NULL, &s), HR_EINVAL);
}

static void test_duration_rejects_overflow(void **state)
{
    (void)state;
    char text[420];
    memset(text, '9', 400);
    strcpy(text + 400, "d");
    double s;
    assert_int_equal(hr_duration_parse(text, &s), HR_EINVAL);
    /* Finite in seconds but infinite after the unit multiplier. */
    memset(text, '9', 308);
    strcpy(text + 308, "d");
    assert_int_equal(hr_duration_parse(text, &s), HR_EINVAL);
    /* Large but finite values are fine. */
    assert_int_equal(hr_duration_parse("100000d", &s), HR_OK);
    assert_true(s == 8.64e9);
}

static void expect_format(double seconds, const char *want)
{
    char buf[64];
    hr_duration_format(seconds, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fail_msg("format(%.17g) = \"%s\", want \"%s\"", seconds, buf, want);
}

static void test_duration_format_uses_largest_units_first(void **state)
{
    (void)state;
    expect_format(0.0, "0s");
    expect_format(0.25, "250ms");
    expect_format(90.0, "1m30s");
    expect_format(108000.0, "1d6h");
    expect_format(3600.0, "1h");
    expect_format(5415.5, "1h30m15s500ms");
    expect_format(86400.001, "1d1ms");
    expect_format(3.0 * 86400, "3d");
}

static void test_duration_format_falls_back_to_decimal_seconds(void **state)
{
    (void)state;
    expect_format(0.0015, "0.0015s");
    expect_format(1.2345678, "1.234568s");
    expect_format(1e-9, "0s");
    expect_format(0.1 + 1e-12, "0.1s");
}

static void test_duration_format_marks_invalid_values(void **state)
{
    (void)state;
    expect_format(-90.0, "-1m30s");
    expect_format(INFINITY, "inf");
    expect_format(NAN, "nan");
}

static void test_duration_format_truncates_to_buffer(void **state)
{
    (void)state;
    char buf[5];
    memset(buf, '#', sizeof buf);
    hr_duration_format(5415.5, buf, sizeof buf);
    assert_string_equal(buf, "1h30");
    char one[1] = {'#'};
    hr_duration_format(5415.5, one, 1);
    assert_int_equal(one[0], '\0');
    hr_duration_format(5415.5, NULL, 0); /* writes nothing */
}

static void test_duration_format_round_trips_through_parse(void **state)
{
    (void)state;
    const char *texts[] = {"250ms", "90s", "1d6h", "2m30s", "1h30m15s500ms", "4d", "0s",
                           "0.25", "1.5h", "59m59s999ms", "365d", "0.0015", "7.123456"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        double s = parse_ok(texts[i]);
        char buf[64];
        hr_duration_format(s, buf, sizeof buf);
        double back = parse_ok(buf);
        if (back != s)
            fail_msg("\"%s\" -> %.17g -> \"%s\" -> %.17g", texts[i], s, buf, back);
    }
    /* Every whole number of milliseconds up to a day and a bit round-trips
     * exactly (sampled with a stride coprime to the unit sizes). */
    for (uint64_t ms = 0; ms < 90000000; ms += 7919) {
        double s = (double)ms / 1000.0;
        char buf[64];
        hr_duration_format(s, buf, sizeof buf);
        double back = parse_ok(buf);
        if (back != s)
            fail_msg("%.17g -> \"%s\" -> %.17g", s, buf, back);
        assert_null(strchr(buf, '.')); /* exact combo form, no fallback */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_parses_each_unit),
        cmocka_unit_test(test_duration_parses_combinations_in_decreasing_order),
        cmocka_unit_test(test_duration_bare_number_is_seconds),
        cmocka_unit_test(test_duration_fraction_before_unit_is_exact),
        cmocka_unit_test(test_duration_rejects_malformed_text),
        cmocka_unit_test(test_duration_rejects_overflow),
        cmocka_unit_test(test_duration_format_uses_largest_units_first),
        cmocka_unit_test(test_duration_format_falls_back_to_decimal_seconds),
        cmocka_unit_test(test_duration_format_marks_invalid_values),
        cmocka_unit_test(test_duration_format_truncates_to_buffer),
        cmocka_unit_test(test_duration_format_round_trips_through_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
