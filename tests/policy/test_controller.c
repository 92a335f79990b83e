/* test_controller.c - min/max, the budget guard and the rolling hourly
 * caps applied to every policy's proposal, and the decision record. */
#include <math.h>

#include "policy_fixture.h"

#include "headroom/controller.h"

typedef struct ctl_fixture {
    hr_fleet_config fleet;
    hr_limits limits;
    hr_controller c;
} ctl_fixture;

static void ctl_setup(ctl_fixture *f, int min, int max)
{
    memset(f, 0, sizeof *f);
    f->fleet.min = min;
    f->fleet.max = max;
    f->fleet.initial = min;
    f->fleet.price_per_hour = 0.085;
}

static void ctl_start(ctl_fixture *f)
{
    hr_error err = {0};
    if (hr_controller_init(&f->c, &f->fleet, &f->limits, &err) != HR_OK)
        fail_msg("hr_controller_init: %s", err.msg);
}

static hr_decision proposal(int desired, const char *reason)
{
    hr_decision d = {0};
    d.desired = desired;
    snprintf(d.reason, sizeof d.reason, "%s", reason);
    return d;
}

static int apply(ctl_fixture *f, double now, int current, int desired, hr_decision_record *rec)
{
    hr_decision d = proposal(desired, "test proposal");
    return hr_controller_apply(&f->c, now, current, &d, rec);
}

static void test_controller_passes_a_proposal_within_limits(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 2, 200);
    ctl_start(&f);
    hr_decision d = proposal(12, "cpu 84.0 vs target 70: 10 -> 12");
    hr_decision_record rec;
    rec.metric = 84.0;
    assert_int_equal(hr_controller_apply(&f.c, 120, 10, &d, &rec), 12);
    assert_true(rec.time_s == 120);
    assert_int_equal(rec.current, 10);
    assert_int_equal(rec.proposed, 12);
    assert_int_equal(rec.desired, 12);
    assert_true(rec.metric == 84.0); /* the caller's to fill */
    assert_string_equal(rec.reason, "cpu 84.0 vs target 70: 10 -> 12");
    hr_controller_free(&f.c);
}

/* Regression: the engine's determinism check compares decision logs byte
 * for byte, so a record must not keep stale bytes past the reason's end. */
static void test_controller_record_has_no_stale_bytes(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 2, 200);
    ctl_start(&f);
    hr_decision_record a, b;
    memset(&a, 0x00, sizeof a);
    memset(&b, 0xA5, sizeof b);
    a.metric = b.metric = 50.0;
    assert_int_equal(apply(&f, 60, 4, 6, &a), 6);
    hr_controller_free(&f.c);
    ctl_start(&f);
    assert_int_equal(apply(&f, 60, 4, 6, &b), 6);
    assert_memory_equal(&a, &b, sizeof a);
    hr_controller_free(&f.c);
}

static void test_controller_clamps_to_min_and_max(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 2, 200);
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 60, 150, 250, &rec), 200);
    assert_int_equal(rec.proposed, 250);
    assert_string_equal(rec.reason, "test proposal; clamped to max 200");
    assert_int_equal(apply(&f, 120, 200, 0, &rec), 2);
    assert_non_null(strstr(rec.reason, "clamped to min 2"));
    hr_controller_free(&f.c);
}

static void test_controller_keeps_current_when_the_policy_has_no_opinion(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 2, 20);
    ctl_start(&f);
    hr_decision_record rec;
    hr_decision d = proposal(-1, "cpu: insufficient data");
    assert_int_equal(hr_controller_apply(&f.c, 60, 7, &d, &rec), 7);
    assert_int_equal(rec.proposed, 7);
    assert_int_equal(rec.desired, 7);
    assert_string_equal(rec.reason, "cpu: insufficient data");
    /* ... unless the current capacity is outside the bounds. */
    assert_int_equal(hr_controller_apply(&f.c, 120, 25, &d, &rec), 20);
    assert_int_equal(rec.proposed, 25);
    assert_non_null(strstr(rec.reason, "clamped to max 20"));
    hr_controller_free(&f.c);
}

static void test_controller_budget_caps_instances(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 2, 1000);
    f.limits.has_budget_per_hour = true;
    f.limits.budget_per_hour = 40; /* 40 / 0.085 = 470.6 */
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 60, 400, 600, &rec), 470);
    assert_int_equal(rec.proposed, 600);
    assert_non_null(strstr(rec.reason, "budget"));
    assert_non_null(strstr(rec.reason, "470"));
    /* Under the budget nothing is said. */
    assert_int_equal(apply(&f, 120, 470, 450, &rec), 450);
    assert_string_equal(rec.reason, "test proposal");
    hr_controller_free(&f.c);
}

static void test_controller_budget_allows_an_exact_multiple_of_the_price(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 1, 100);
    f.fleet.price_per_hour = 0.1;
    f.limits.has_budget_per_hour = true;
    f.limits.budget_per_hour = 0.3; /* 0.3 / 0.1 is 2.9999999999999996 in doubles */
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 60, 2, 50, &rec), 3);
    hr_controller_free(&f.c);
}

static void test_controller_min_beats_budget(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 8, 100);
    f.fleet.price_per_hour = 0.1;
    f.limits.has_budget_per_hour = true;
    f.limits.budget_per_hour = 0.5; /* 5 instances, below min 8 */
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 60, 8, 20, &rec), 8);
    assert_non_null(strstr(rec.reason, "cannot be honoured"));
    assert_non_null(strstr(rec.reason, "min 8"));
    hr_controller_free(&f.c);
}

static void test_controller_budget_is_ignored_for_free_instances(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 1, 100);
    f.fleet.price_per_hour = 0;
    f.limits.has_budget_per_hour = true;
    f.limits.budget_per_hour = 1;
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 60, 5, 50, &rec), 50);
    hr_controller_free(&f.c);
}

static void test_controller_hourly_scale_out_cap_trims_the_proposal(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 1, 200);
    f.limits.has_max_scale_out_per_hour = true;
    f.limits.max_scale_out_per_hour = 10;
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 0, 10, 18, &rec), 18);
    assert_int_equal(apply(&f, 600, 18, 22, &rec), 20);
    assert_int_equal(rec.proposed, 22);
    assert_string_equal(rec.reason, "test proposal; scale-out cap 10/h reached: +4 -> +2");
    /* Exhausted: the next scale-out keeps the current capacity. */
    assert_int_equal(apply(&f, 1200, 20, 25, &rec), 20);
    /* Scale-in is not limited by the scale-out cap. */
    assert_int_equal(apply(&f, 1800, 20, 12, &rec), 12);
    hr_controller_free(&f.c);
}

static void test_controller_hourly_scale_in_cap_trims_the_proposal(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 1, 200);
    f.limits.has_max_scale_in_per_hour = true;
    f.limits.max_scale_in_per_hour = 5;
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 0, 20, 17, &rec), 17);
    assert_int_equal(apply(&f, 300, 17, 13, &rec), 15);
    assert_string_equal(rec.reason, "test proposal; scale-in cap 5/h reached: -4 -> -2");
    /* Scale-outs neither use nor restore the scale-in allowance. */
    assert_int_equal(apply(&f, 600, 15, 30, &rec), 30);
    assert_int_equal(apply(&f, 900, 30, 28, &rec), 30);
    hr_controller_free(&f.c);
}

static void test_controller_hourly_cap_rolls_over_after_an_hour(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 1, 200);
    f.limits.has_max_scale_out_per_hour = true;
    f.limits.max_scale_out_per_hour = 10;
    ctl_start(&f);
    hr_decision_record rec;
    assert_int_equal(apply(&f, 100, 10, 20, &rec), 20);
    assert_int_equal(apply(&f, 3699, 20, 23, &rec), 20); /* still in (now-3600, now] */
    assert_int_equal(apply(&f, 3700, 20, 23, &rec), 23); /* exactly an hour old: gone */
    assert_string_equal(rec.reason, "test proposal");
    hr_controller_free(&f.c);
}

static void test_controller_min_max_clamp_applies_before_the_caps(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 1, 15);
    f.limits.has_max_scale_out_per_hour = true;
    f.limits.max_scale_out_per_hour = 10;
    ctl_start(&f);
    hr_decision_record rec;
    /* Clamped to 15 first: +5 is within the cap, and only +5 is used. */
    assert_int_equal(apply(&f, 0, 10, 40, &rec), 15);
    assert_int_equal(apply(&f, 60, 15, 10, &rec), 10);
    assert_int_equal(apply(&f, 120, 10, 15, &rec), 15); /* 5 + 5 = 10 */
    hr_controller_free(&f.c);
}

static void test_controller_history_stays_bounded_to_an_hour(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 1, 200);
    ctl_start(&f);
    hr_decision_record rec;
    int cur = 10;
    for (int i = 0; i < 24 * 60; i++) { /* a change every minute for a day */
        int want = (i % 2) ? cur - 1 : cur + 1;
        cur = apply(&f, 60.0 * i, cur, want, &rec);
        assert_true(cur >= 0);
    }
    assert_true(f.c.n_history <= 60);
    hr_controller_free(&f.c);
    assert_null(f.c.history);
}

static void test_controller_init_rejects_min_above_max(void **state)
{
    (void)state;
    ctl_fixture f;
    ctl_setup(&f, 10, 5);
    hr_error err = {0};
    assert_int_equal(hr_controller_init(&f.c, &f.fleet, &f.limits, &err), HR_EINVAL);
    assert_non_null(strstr(err.msg, "min"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controller_passes_a_proposal_within_limits),
        cmocka_unit_test(test_controller_clamps_to_min_and_max),
        cmocka_unit_test(test_controller_keeps_current_when_the_policy_has_no_opinion),
        cmocka_unit_test(test_controller_budget_caps_instances),
        cmocka_unit_test(test_controller_budget_allows_an_exact_multiple_of_the_price),
        cmocka_unit_test(test_controller_min_beats_budget),
        cmocka_unit_test(test_controller_budget_is_ignored_for_free_instances),
        cmocka_unit_test(test_controller_hourly_scale_out_cap_trims_the_proposal),
        cmocka_unit_test(test_controller_hourly_scale_in_cap_trims_the_proposal),
        cmocka_unit_test(test_controller_hourly_cap_rolls_over_after_an_hour),
        cmocka_unit_test(test_controller_min_max_clamp_applies_before_the_caps),
        cmocka_unit_test(test_controller_history_stays_bounded_to_an_hour),
        cmocka_unit_test(test_controller_init_rejects_min_above_max),
        cmocka_unit_test(test_controller_record_has_no_stale_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
