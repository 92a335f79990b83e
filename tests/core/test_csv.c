/* test_csv.c - CSV fields quoted as RFC 4180 says, and only when needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "headroom/csv.h"

static char *field(const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    hr_csv_field(out, text);
    fclose(out);
    return buf;
}

static void test_fields_are_quoted_only_when_they_must_be(void **state)
{
    (void)state;
    const struct {
        const char *in, *out;
    } cases[] = {{"cpu-60", "cpu-60"},          {"", ""},
                 {"a,b", "\"a,b\""},            {"say \"hi\"", "\"say \"\"hi\"\"\""},
                 {"two\nlines", "\"two\nlines\""}, {"cr\r", "\"cr\r\""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = field(cases[i].in);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_are_quoted_only_when_they_must_be),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
