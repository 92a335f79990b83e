/* test_intern.c - the set of distinct strings behind a run's decision log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "headroom/intern.h"

static void test_intern_gives_one_copy_per_distinct_string(void **state)
{
    (void)state;
    hr_intern t = {0};
    char a[] = "cpu 41.2 vs target 50: hold at 4", b[] = "cpu 41.2 vs target 50: hold at 4";
    const char *x = hr_intern_add(&t, a), *y = hr_intern_add(&t, b);
    assert_non_null(x);
    assert_ptr_equal(x, y);
    assert_ptr_not_equal(x, a); /* a copy: the caller's buffer may change */
    a[0] = 'X';
    assert_string_equal(x, "cpu 41.2 vs target 50: hold at 4");
    const char *z = hr_intern_add(&t, "cpu 41.3 vs target 50: hold at 4");
    assert_ptr_not_equal(x, z);
    assert_string_equal(z, "cpu 41.3 vs target 50: hold at 4");
    assert_ptr_equal(hr_intern_add(&t, ""), hr_intern_add(&t, ""));
    assert_int_equal(t.n_strings, 3);
    hr_intern_free(&t);
    assert_int_equal(hr_intern_bytes(&t), 0);
}

/* Many strings: the table grows and chunks fill up, yet every pointer given
 * stays valid and is given again for the same text. */
static void test_intern_pointers_stay_valid_as_the_set_grows(void **state)
{
    (void)state;
    enum { N = 20000 };
    static const char *got[N];
    hr_intern t = {0};
    char text[64];
    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "reason number %d", i);
        got[i] = hr_intern_add(&t, text);
        assert_non_null(got[i]);
    }
    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "reason number %d", i);
        assert_string_equal(got[i], text);
        assert_ptr_equal(hr_intern_add(&t, text), got[i]);
    }
    assert_int_equal(t.n_strings, N);
    hr_intern_free(&t);
}

/* A string longer than a chunk gets a chunk of its own. */
static void test_intern_keeps_a_string_longer_than_a_chunk(void **state)
{
    (void)state;
    static char big[10000];
    memset(big, 'r', sizeof big - 1);
    hr_intern t = {0};
    const char *small = hr_intern_add(&t, "before");
    const char *x = hr_intern_add(&t, big);
    assert_non_null(x);
    assert_int_equal(strlen(x), sizeof big - 1);
    assert_string_equal(small, "before");
    assert_ptr_equal(hr_intern_add(&t, big), x);
    hr_intern_free(&t);
}

/* The memory held follows the distinct text, not how often it is added. */
static void test_intern_bytes_follow_the_distinct_strings(void **state)
{
    (void)state;
    hr_intern t = {0};
    char text[64];
    for (int i = 0; i < 100; i++) {
        snprintf(text, sizeof text, "cpu %d.0 vs target 50: hold at 2", i);
        assert_non_null(hr_intern_add(&t, text));
    }
    size_t once = hr_intern_bytes(&t);
    assert_true(once > 100 * 30);
    for (int round = 0; round < 1000; round++)
        for (int i = 0; i < 100; i++) {
            snprintf(text, sizeof text, "cpu %d.0 vs target 50: hold at 2", i);
            assert_non_null(hr_intern_add(&t, text));
        }
    assert_int_equal(hr_intern_bytes(&t), once);
    assert_true(once < 100 * 34 + 4096 + 256 * sizeof(char *));
    hr_intern_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_gives_one_copy_per_distinct_string),
        cmocka_unit_test(test_intern_pointers_stay_valid_as_the_set_grows),
        cmocka_unit_test(test_intern_keeps_a_string_longer_than_a_chunk),
        cmocka_unit_test(test_intern_bytes_follow_the_distinct_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
