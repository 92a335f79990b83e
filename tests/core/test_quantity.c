/* test_quantity.c - tests for src/core/quantity.c: Kubernetes quantities
 * read as the API server reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "headroom/error.h"
#include "headroom/quantity.h"

static double parse_ok(const char *text)
{
    double v = -12345;
    if (hr_quantity_parse(text, &v) != HR_OK)
        fail_msg("\"%s\" should parse", text);
    return v;
}

static void assert_close(double got, double want)
{
    if (!(fabs(got - want) <= 1e-12 * fabs(want)))
        fail_msg("got %.17g, want %.17g", got, want);
}

static void test_quantity_plain_numbers(void **state)
{
    (void)state;
    assert_close(parse_ok("0"), 0);
    assert_close(parse_ok("2"), 2);
    assert_close(parse_ok("1.5"), 1.5);
    assert_close(parse_ok("+3"), 3);
    assert_close(parse_ok("-3"), -3);
    assert_close(parse_ok(".5"), 0.5);
    assert_close(parse_ok("5."), 5);
}

static void test_quantity_decimal_si_suffixes(void **state)
{
    (void)state;
    assert_close(parse_ok("500m"), 0.5);
    assert_close(parse_ok("250u"), 250e-6);
    assert_close(parse_ok("7n"), 7e-9);
    assert_close(parse_ok("2k"), 2000);
    assert_close(parse_ok("1.5M"), 1.5e6);
    assert_close(parse_ok("3G"), 3e9);
    assert_close(parse_ok("1T"), 1e12);
    assert_close(parse_ok("1P"), 1e15);
    assert_close(parse_ok("1E"), 1e18); /* exa, not an exponent */
}

static void test_quantity_binary_suffixes(void **state)
{
    (void)state;
    assert_close(parse_ok("512Mi"), 512.0 * 1048576.0);
    assert_close(parse_ok("1Ki"), 1024);
    assert_close(parse_ok("1.5Gi"), 1.5 * 1073741824.0);
    assert_close(parse_ok("2Ti"), 2.0 * 1099511627776.0);
    assert_close(parse_ok("1Pi"), 1125899906842624.0);
    assert_close(parse_ok("1Ei"), 1152921504606846976.0);
}

static void test_quantity_decimal_exponents(void **state)
{
    (void)state;
    assert_close(parse_ok("1.5e3"), 1500);
    assert_close(parse_ok("1E3"), 1000);
    assert_close(parse_ok("2e-3"), 0.002);
    assert_close(parse_ok("2e+3"), 2000);
    assert_close(parse_ok("12e0"), 12);
}

static void test_quantity_reads_as_the_controller_approximates_it(void **state)
{
    (void)state;
    /* AsApproximateFloat64: mantissa 7, scale -1: 7 x 0.1 */
    assert_true(parse_ok("0.7") == 7 * 0.1);
    assert_true(parse_ok("0.7") != 0.7);
    assert_true(parse_ok("0.35") == 35 * 0.01);
    assert_true(parse_ok("500m") == 0.5);
    assert_true(parse_ok("2k") == 2000);
    assert_true(parse_ok("-1.5") == -1.5);
}

static void test_quantity_rejects_what_the_api_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"",     "m",   "1K",   "1ki",  "1Gb", " 1",   "1 ",  "1.2.3",
                         "1e",   "1e+", "1ee3", "0x10", "nan", "inf",  "1mi", "--1",
                         "1e3m", "1Mii", ".",   "1e99999", "1e400"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 0;
        if (hr_quantity_parse(bad[i], &v) != HR_EINVAL)
            fail_msg("\"%s\" should be refused", bad[i]);
    }
    double v;
    assert_int_equal(hr_quantity_parse(NULL, &v), HR_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantity_plain_numbers),
        cmocka_unit_test(test_quantity_decimal_si_suffixes),
        cmocka_unit_test(test_quantity_binary_suffixes),
        cmocka_unit_test(test_quantity_decimal_exponents),
        cmocka_unit_test(test_quantity_reads_as_the_controller_approximates_it),
        cmocka_unit_test(test_quantity_rejects_what_the_api_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
