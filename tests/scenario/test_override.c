/* test_override.c - tests for src/scenario/override.c: scenario values
 * addressed by YAML path and set in the text before the loader reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/override.h"
#include "headroom/scenario.h"

static const char text[] =
    "# a comment kept as it is\n"
    "scenario: t\n"
    "duration: 1h\n"
    "traffic:\n"
    "  base_rps: 10\n"
    "  events:\n"
    "    - {name: v1.2-launch, start: 10m, duration: 10m, multiplier: 3}\n"
    "    - {name: v1, start: 30m, duration: 5m, multiplier: 2}\n"
    "workload:\n"
    "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
    "fleet:\n"
    "  instance: {concurrency: 4, price_per_hour: 0.1}\n"
    "  boot: {dist: normal, mean: 60s, sd: 10s}\n"
    "  max: 50  # the quota\n"
    "  load_balancer: \"random\"\n"
    "policies:\n"
    "  - name: cpu-60\n"
    "    kind: target_tracking\n"
    "    metric: cpu\n"
    "    target: 60\n"
    "  - {name: fixed, kind: static, instances: 4}\n";

/* The text with keys[i] = values[i]; NULL (and *msg set) on failure. */
static char *apply(const char *const *keys, const char *const *values, size_t n, char *msg)
{
    hr_override *o;
    hr_error err;
    if (hr_override_new("s.yaml", text, strlen(text), keys, n, &o, &err) != HR_OK) {
        snprintf(msg, 512, "%.500s", err.msg);
        return NULL;
    }
    char *out;
    size_t len;
    int rc = hr_override_apply(o, values, &out, &len, &err);
    hr_override_free(o);
    if (rc != HR_OK) {
        snprintf(msg, 512, "%.500s", err.msg);
        return NULL;
    }
    assert_int_equal(strlen(out), len);
    return out;
}

/* apply, then load the result: it must be a valid scenario. */
static char *apply_ok(const char *const *keys, const char *const *values, size_t n)
{
    char msg[512];
    char *out = apply(keys, values, n, msg);
    if (!out)
        fail_msg("%s", msg);
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("s.yaml", out, strlen(out), &sc, &err) != HR_OK)
        fail_msg("%s\n%s", err.msg, out);
    hr_scenario_free(&sc);
    return out;
}

static void test_a_value_is_replaced_and_the_rest_kept_byte_for_byte(void **state)
{
    (void)state;
    const char *keys[] = {"fleet.max"}, *values[] = {"80"};
    char *out = apply_ok(keys, values, 1);
    char want[sizeof text + 8];
    const char *at = strstr(text, "max: 50");
    snprintf(want, sizeof want, "%.*smax: 80%s", (int)(at - text), text, at + strlen("max: 50"));
    assert_string_equal(out, want);
    free(out);
}

static void test_list_items_by_name_longest_name_first_or_by_index(void **state)
{
    (void)state;
    const char *keys[] = {"traffic.events.v1.2-launch.multiplier", "traffic.events.v1.multiplier",
                          "policies.0.target", "policies.fixed.instances"};
    const char *values[] = {"7", "1.5", "45", "6"};
    char *out = apply_ok(keys, values, 4);
    assert_non_null(strstr(out, "{name: v1.2-launch, start: 10m, duration: 10m, multiplier: 7}"));
    assert_non_null(strstr(out, "{name: v1, start: 30m, duration: 5m, multiplier: 1.5}"));
    assert_non_null(strstr(out, "    target: 45\n"));
    assert_non_null(strstr(out, "{name: fixed, kind: static, instances: 6}"));
    free(out);
}

static void test_quoted_values_and_trailing_comments(void **state)
{
    (void)state;
    const char *keys[] = {"fleet.load_balancer", "fleet.max"}, *values[] = {"two_choices", "70"};
    char *out = apply_ok(keys, values, 2);
    assert_non_null(strstr(out, "  load_balancer: two_choices\n"));
    assert_non_null(strstr(out, "  max: 70  # the quota\n"));
    free(out);
    /* a value YAML would read otherwise is quoted */
    const char *k2[] = {"scenario"}, *v2[] = {"a: b #c"};
    char msg[512];
    out = apply(k2, v2, 1, msg);
    assert_non_null(out);
    assert_non_null(strstr(out, "scenario: \"a: b #c\"\n"));
    free(out);
}

static void test_a_missing_key_is_added_to_block_and_flow_mappings(void **state)
{
    (void)state;
    const char *keys[] = {"policies.cpu-60.scale_in_cooldown", "fleet.boot.cv", "fleet.min"};
    const char *values[] = {"5m", "0.2", "2"};
    char msg[512];
    char *out = apply(keys, values, 3, msg);
    assert_non_null(out);
    assert_non_null(strstr(out, "  - scale_in_cooldown: 5m\n    name: cpu-60\n"));
    assert_non_null(strstr(out, "boot: { cv: 0.2, dist: normal"));
    assert_non_null(strstr(out, "fleet:\n  min: 2\n  instance:"));
    free(out);
    /* the loader then judges the key: cpu-60 takes scale_in_cooldown */
    const char *k1[] = {"policies.cpu-60.scale_in_cooldown"}, *v1[] = {"5m"};
    free(apply_ok(k1, v1, 1));
}

static void test_paths_that_address_no_value_are_refused_with_their_position(void **state)
{
    (void)state;
    static const struct {
        const char *key, *says;
    } bad[] = {
        {"traffic.events.launch.multiplier",
         "traffic.events.launch.multiplier: traffic.events has no item 'launch'; its items (by "
         "name, or by index 0 to 1): v1.2-launch, v1 (s.yaml:7:5)"},
        {"policies.5.target", "policies has no item '5'"},
        {"fleet.boot", "fleet.boot: is a mapping, not a value; address one of its keys: dist, "
                       "mean, sd (s.yaml:13:9)"},
        {"traffic.events", "is a list, not a value; address one of its items: v1.2-launch, v1"},
        {"fleet.max.x", "fleet.max.x: fleet.max is a value, it has no key 'x' (s.yaml:14:8)"},
        {"fleet.nope.max", "fleet has no key 'nope'; its keys: instance, boot, max, load_balancer"},
        {"fleet..max", "not a key path"},
        {"", "not a key path"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *keys[] = {bad[i].key}, *values[] = {"1"};
        char msg[512];
        char *out = apply(keys, values, 1, msg);
        if (out || !strstr(msg, bad[i].says))
            fail_msg("%s: got %s", bad[i].key, out ? out : msg);
    }
    /* two keys for one value */
    const char *keys[] = {"policies.0.target", "policies.cpu-60.target"}, *values[] = {"1", "2"};
    char msg[512];
    assert_null(apply(keys, values, 2, msg));
    assert_non_null(strstr(msg, "policies.cpu-60.target: the same value as policies.0.target"));
}

static void test_policy_of_a_key(void **state)
{
    (void)state;
    const char *keys[] = {"policies.0.target", "policies.fixed.instances", "fleet.max"};
    hr_override *o;
    hr_error err;
    assert_int_equal(hr_override_new("s.yaml", text, strlen(text), keys, 3, &o, &err), HR_OK);
    assert_string_equal(hr_override_policy(o, 0), "cpu-60");
    assert_string_equal(hr_override_policy(o, 1), "fixed");
    assert_null(hr_override_policy(o, 2));
    const char *values[] = {"1", "2", "line\nbreak"};
    char *out;
    size_t len;
    assert_int_equal(hr_override_apply(o, values, &out, &len, &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "a value is one line of text"));
    hr_override_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_value_is_replaced_and_the_rest_kept_byte_for_byte),
        cmocka_unit_test(test_list_items_by_name_longest_name_first_or_by_index),
        cmocka_unit_test(test_quoted_values_and_trailing_comments),
        cmocka_unit_test(test_a_missing_key_is_added_to_block_and_flow_mappings),
        cmocka_unit_test(test_paths_that_address_no_value_are_refused_with_their_position),
        cmocka_unit_test(test_policy_of_a_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
