/* test_simple.c - AWS simple scaling: the alarm's datapoints, the three
 * adjustment types and AWS's rounding of percentages, and the wait for the
 * scaling activity to complete and the cooldown to end. */
#include <math.h>
#include <stdio.h>

#include "policy_fixture.h"

static void simple_fixture(policy_fixture *f, hr_adjustment_type type, double adjustment,
                           double breach_s, double cooldown_s)
{
    fixture_init(f, HR_POLICY_SIMPLE);
    f->cfg.simple_above = true;
    f->cfg.simple_threshold = 70;
    f->cfg.adjustment_type = type;
    f->cfg.adjustment = adjustment;
    f->cfg.min_adjustment_magnitude = 1;
    f->cfg.breach_s = breach_s;
    f->cfg.cooldown_s = cooldown_s;
    fixture_start(f);
}

/* AWS's examples: 12.7 -> 12, 0.5 -> 1, -0.5 -> -1, -6.67 -> -6. */
static void test_simple_percent_rounds_as_aws_does(void **state)
{
    (void)state;
    assert_int_equal(hr_policy_percent_change(127, 10, 1), 12);
    assert_int_equal(hr_policy_percent_change(5, 10, 1), 1);
    assert_int_equal(hr_policy_percent_change(5, -10, 1), -1);
    assert_int_equal(hr_policy_percent_change(667, -1, 1), -6);
    assert_int_equal(hr_policy_percent_change(10, 20, 1), 2); /* exactly 2, not 1.999 */
    /* MinAdjustmentMagnitude: 25% of 4 is 1, at least 2 */
    assert_int_equal(hr_policy_percent_change(4, 25, 2), 2);
    assert_int_equal(hr_policy_percent_change(4, -25, 2), -2);
    assert_int_equal(hr_policy_percent_change(0, 50, 1), 0);
}

static void test_simple_alarm_needs_its_datapoints(void **state)
{
    (void)state;
    policy_fixture f;
    simple_fixture(&f, HR_ADJUST_CHANGE, 2, 180, 300);
    hr_observation o = obs_settled(60, 6, 75);
    assert_int_equal(decide(&f, &o).desired, -1);
    o.time_s = 120;
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, -1);
    assert_non_null(strstr(d.reason, "2 of 3 datapoints: waiting"));
    o.time_s = 180;
    d = decide(&f, &o);
    assert_int_equal(d.desired, 8);
    assert_string_equal(d.reason, "cpu 75.0 >= 70 for 3m: +2 (6 -> 8)");
    fixture_stop(&f);
}

/* After a scale-out the policy answers no alarm until the new instances
 * are in service and the cooldown has ended, whichever is later. */
static void test_simple_waits_for_the_activity_and_the_cooldown(void **state)
{
    (void)state;
    policy_fixture f;
    simple_fixture(&f, HR_ADJUST_CHANGE, 2, 60, 120);
    hr_observation o = obs_settled(60, 6, 90);
    assert_int_equal(decide(&f, &o).desired, 8);
    o = obs_settled(120, 8, 90);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 8);
    assert_non_null(strstr(d.reason, "cooldown (1m left)"));
    /* cooldown over, but 2 instances still warming */
    o = obs_settled(180, 8, 90);
    o.in_service = 6;
    o.warming = 2;
    d = decide(&f, &o);
    assert_int_equal(d.desired, 8);
    assert_non_null(strstr(d.reason, "not complete (2 instances starting)"));
    o = obs_settled(240, 8, 90);
    assert_int_equal(decide(&f, &o).desired, 10);
    fixture_stop(&f);
}

static void test_simple_exact_and_percent_adjustments(void **state)
{
    (void)state;
    policy_fixture f;
    simple_fixture(&f, HR_ADJUST_EXACT, 12, 60, 0);
    hr_observation o = obs_settled(60, 6, 90);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 12);
    assert_non_null(strstr(d.reason, "exact 12 (6 -> 12)"));
    fixture_stop(&f);
    simple_fixture(&f, HR_ADJUST_PERCENT, 30, 60, 0);
    o = obs_settled(60, 10, 90);
    d = decide(&f, &o);
    assert_int_equal(d.desired, 13);
    assert_non_null(strstr(d.reason, "+30% of 10: +3 (10 -> 13)"));
    fixture_stop(&f);
}

/* A below alarm removes capacity, and a missing datapoint is skipped. */
static void test_simple_below_alarm_scales_in(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_SIMPLE);
    f.cfg.simple_above = false;
    f.cfg.simple_threshold = 30;
    f.cfg.adjustment = -1;
    f.cfg.breach_s = 120;
    f.cfg.cooldown_s = 300;
    fixture_start(&f);
    hr_observation o = obs_settled(60, 6, 10);
    assert_int_equal(decide(&f, &o).desired, -1);
    hr_observation none = obs_settled(120, 6, NAN);
    assert_int_equal(decide(&f, &none).desired, -1);
    o.time_s = 180;
    assert_int_equal(decide(&f, &o).desired, 5);
    fixture_stop(&f);
}

/* Inside another policy, an outvoted scale-out is no activity: nothing to
 * wait for, no cooldown; on its own, the policy waits. */
static void test_simple_child_outvoted_starts_no_cooldown(void **state)
{
    (void)state;
    policy_fixture f;
    simple_fixture(&f, HR_ADJUST_CHANGE, 2, 60, 300);
    f.p->child = true;
    hr_observation o = obs_settled(60, 8, 90);
    assert_int_equal(decide(&f, &o).desired, 10);
    hr_policy_applied(f.p, 60, 8, 8); /* outvoted */
    o = obs_settled(120, 8, 90);
    assert_int_equal(decide(&f, &o).desired, 10);
    fixture_stop(&f);

    simple_fixture(&f, HR_ADJUST_CHANGE, 2, 60, 300);
    o = obs_settled(60, 8, 90);
    assert_int_equal(decide(&f, &o).desired, 10);
    hr_policy_applied(f.p, 60, 8, 8);
    o = obs_settled(120, 8, 90);
    assert_int_equal(decide(&f, &o).desired, 8); /* cooldown */
    fixture_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_child_outvoted_starts_no_cooldown),
        cmocka_unit_test(test_simple_percent_rounds_as_aws_does),
        cmocka_unit_test(test_simple_alarm_needs_its_datapoints),
        cmocka_unit_test(test_simple_waits_for_the_activity_and_the_cooldown),
        cmocka_unit_test(test_simple_exact_and_percent_adjustments),
        cmocka_unit_test(test_simple_below_alarm_scales_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
