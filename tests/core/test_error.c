/* test_error.c - tests for src/core/error.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "headroom/error.h"

static void test_error_set_fills_code_and_message_and_returns_code(void **state)
{
    (void)state;
    hr_error err;
    hr_error_clear(&err);
    int rc = hr_error_set(&err, HR_EINVAL, "fleet.min: expected %s, got %d", "a count", -3);
    assert_int_equal(rc, HR_EINVAL);
    assert_int_equal(err.code, HR_EINVAL);
    assert_string_equal(err.msg, "fleet.min: expected a count, got -3");
}

static void test_error_functions_accept_null_error(void **state)
{
    (void)state;
    assert_int_equal(hr_error_set(NULL, HR_EIO, "lost %s", "file"), HR_EIO);
    assert_int_equal(hr_error_prefix(NULL, "context"), HR_EINTERNAL);
    hr_error_clear(NULL);
}

static void test_error_prefix_prepends_context_and_keeps_code(void **state)
{
    (void)state;
    hr_error err;
    hr_error_set(&err, HR_EINVAL, "expected a duration like 90s, got \"fast\"");
    int rc = hr_error_prefix(&err, "%s:%d:%d: fleet.boot.mean", "bf.yaml", 14, 7);
    assert_int_equal(rc, HR_EINVAL);
    assert_int_equal(err.code, HR_EINVAL);
    assert_string_equal(err.msg,
                        "bf.yaml:14:7: fleet.boot.mean: expected a duration like 90s, got \"fast\"");
}

static void test_error_long_message_is_truncated_to_buffer(void **state)
{
    (void)state;
    hr_error err;
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    hr_error_set(&err, HR_EIO, "%s", big);
    assert_int_equal(strlen(err.msg), HR_ERROR_MAX - 1);

    /* Prefixing a full message keeps the context and stays in bounds. */
    hr_error_prefix(&err, "%s", "ctx");
    assert_int_equal(strlen(err.msg), HR_ERROR_MAX - 1);
    assert_memory_equal(err.msg, "ctx: xxx", 8);

    /* A context longer than the buffer is itself truncated. */
    hr_error_set(&err, HR_EIO, "tail");
    hr_error_prefix(&err, "%s", big);
    assert_int_equal(strlen(err.msg), HR_ERROR_MAX - 1);
    assert_int_equal(err.code, HR_EIO);
}

static void test_error_truncation_does_not_split_utf8_character(void **state)
{
    (void)state;
    hr_error err;
    /* 1022 ASCII bytes then "é" (2 bytes): only 1023 bytes fit, so the
     * lead byte alone would dangle; it must be dropped. */
    char text[1100];
    memset(text, 'a', 1022);
    strcpy(text + 1022, "\xc3\xa9zzz");
    hr_error_set(&err, HR_EINVAL, "%s", text);
    assert_int_equal(strlen(err.msg), 1022);
    assert_int_equal(err.msg[1021], 'a');

    /* Complete characters at the cut are kept. */
    memset(text, 'a', 1021);
    strcpy(text + 1021, "\xc3\xa9zzz");
    hr_error_set(&err, HR_EINVAL, "%s", text);
    assert_int_equal(strlen(err.msg), 1023);
    assert_memory_equal(err.msg + 1021, "\xc3\xa9", 2);
}

static void test_error_clear_resets_to_ok(void **state)
{
    (void)state;
    hr_error err;
    hr_error_set(&err, HR_EDB, "locked");
    hr_error_clear(&err);
    assert_int_equal(err.code, HR_OK);
    assert_string_equal(err.msg, "");
}

static void test_error_names_are_distinct_and_unknown_is_named(void **state)
{
    (void)state;
    const int codes[] = {HR_OK, HR_ENOMEM, HR_EINVAL, HR_EIO, HR_EDB, HR_ENOTSUP, HR_EINTERNAL};
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(hr_error_name(codes[i]), hr_error_name(codes[j]));
    assert_string_equal(hr_error_name(HR_ENOMEM), "out of memory");
    assert_string_equal(hr_error_name(HR_EINVAL), "invalid input");
    assert_string_equal(hr_error_name(-99), "unknown error");
}

static void test_error_exit_status_is_2_for_bad_input_1_for_failure(void **state)
{
    (void)state;
    assert_int_equal(hr_error_exit_status(HR_OK), 0);
    assert_int_equal(hr_error_exit_status(HR_EINVAL), 2);
    assert_int_equal(hr_error_exit_status(HR_ENOTSUP), 2);
    assert_int_equal(hr_error_exit_status(HR_ENOMEM), 1);
    assert_int_equal(hr_error_exit_status(HR_EIO), 1);
    assert_int_equal(hr_error_exit_status(HR_EDB), 1);
    assert_int_equal(hr_error_exit_status(HR_EINTERNAL), 1);
    assert_int_equal(hr_error_exit_status(-99), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_set_fills_code_and_message_and_returns_code),
        cmocka_unit_test(test_error_functions_accept_null_error),
        cmocka_unit_test(test_error_prefix_prepends_context_and_keeps_code),
        cmocka_unit_test(test_error_long_message_is_truncated_to_buffer),
        cmocka_unit_test(test_error_truncation_does_not_split_utf8_character),
        cmocka_unit_test(test_error_clear_resets_to_ok),
        cmocka_unit_test(test_error_names_are_distinct_and_unknown_is_named),
        cmocka_unit_test(test_error_exit_status_is_2_for_bad_input_1_for_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
