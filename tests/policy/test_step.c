/* test_step.c - AWS-style step scaling: alarm breach counting, step
 * selection by metric interval, cooldown and in-progress scale-outs. */
#include <math.h>
#include <stdio.h>

#include "policy_fixture.h"

/* The scenario format's example: above 70 +1, above 85 +3, below 30 -1. */
static void step_fixture(policy_fixture *f, double breach_s, double cooldown_s)
{
    fixture_init(f, HR_POLICY_STEP);
    f->cfg.breach_s = breach_s;
    f->cfg.cooldown_s = cooldown_s;
    fixture_add_above(f, 70, 1);
    fixture_add_above(f, 85, 3);
    fixture_add_below(f, 30, -1);
    fixture_start(f);
}

static int step_at(policy_fixture *f, double t, int desired, double cpu)
{
    hr_observation o = obs_settled(t, desired, cpu);
    return decide(f, &o).desired;
}

static void test_step_waits_for_breach_duration(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 180, 300);
    hr_observation o = obs_settled(60, 6, 91.2);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, -1);
    assert_string_equal(d.reason, "cpu 91.2 >= 70 for 1m of 3m: waiting");
    assert_int_equal(step_at(&f, 120, 6, 91.2), -1);

    o = obs_settled(180, 6, 91.2);
    d = decide(&f, &o);
    assert_int_equal(d.desired, 9);
    assert_string_equal(d.reason, "cpu 91.2 >= 85 for 3m: step +3 (6 -> 9)");
    fixture_stop(&f);
}

static void test_step_breach_count_resets_on_a_datapoint_that_does_not_breach(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 180, 300);
    assert_int_equal(step_at(&f, 60, 6, 91), -1);
    assert_int_equal(step_at(&f, 120, 6, 91), -1);
    assert_int_equal(step_at(&f, 180, 6, 50), -1);
    assert_int_equal(step_at(&f, 240, 6, 91), -1);
    assert_int_equal(step_at(&f, 300, 6, 91), -1);
    assert_int_equal(step_at(&f, 360, 6, 91), 9);
    fixture_stop(&f);
}

/* Two breaching datapoints (91% against the 70/85 steps, 3 needed), then a
 * period without one (at 180 s), then breaching ones again: what the
 * missing one does is missing_data's (CloudWatch's TreatMissingData). */
static int missing_then_breach(hr_missing_data mode, int *at_180, char *reason, size_t n)
{
    policy_fixture f;
    fixture_init(&f, HR_POLICY_STEP);
    f.cfg.breach_s = 180;
    f.cfg.cooldown_s = 300;
    f.cfg.missing_data = mode;
    fixture_add_above(&f, 70, 1);
    fixture_add_above(&f, 85, 3);
    fixture_add_below(&f, 30, -1);
    fixture_start(&f);
    assert_int_equal(step_at(&f, 60, 6, 91), -1);
    assert_int_equal(step_at(&f, 120, 6, 91), -1);
    hr_observation o = obs_settled(180, 6, NAN);
    o.has_datapoint = mode == HR_MISSING_MISSING; /* both ways a datapoint can be missing */
    hr_decision d = decide(&f, &o);
    *at_180 = d.desired;
    snprintf(reason, n, "%s", d.reason);
    /* the first time after it that the alarm acts */
    int t = 240;
    while (t <= 600 && step_at(&f, t, 6, 91) < 0)
        t += 60;
    fixture_stop(&f);
    return t;
}

static void test_step_missing_data_as_cloudwatch_treats_it(void **state)
{
    (void)state;
    int at_180;
    char reason[HR_REASON_MAX];
    /* missing (default): skipped; 60, 120 and 240 are three breaches */
    assert_int_equal(missing_then_breach(HR_MISSING_MISSING, &at_180, reason, sizeof reason), 240);
    assert_int_equal(at_180, -1);
    assert_non_null(strstr(reason, "insufficient data"));
    /* not_breaching: the run breaks, three more are needed */
    assert_int_equal(missing_then_breach(HR_MISSING_NOT_BREACHING, &at_180, reason, sizeof reason), 360);
    assert_int_equal(at_180, -1);
    /* breaching: the missing one is the third breach; the step at the
     * alarm's threshold (70: +1) is taken at once */
    assert_int_equal(missing_then_breach(HR_MISSING_BREACHING, &at_180, reason, sizeof reason), 240);
    assert_int_equal(at_180, 7);
    assert_non_null(strstr(reason, "read as breaching"));
    /* ignore: the alarm was not in ALARM, so it stays OK and the run does
     * not move: like missing here */
    assert_int_equal(missing_then_breach(HR_MISSING_IGNORE, &at_180, reason, sizeof reason), 240);
    assert_int_equal(at_180, -1);
}

/* ignore keeps an alarm in ALARM: it acts again on the last value. */
static void test_step_missing_data_ignore_keeps_an_alarm_in_alarm(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_STEP);
    f.cfg.breach_s = 60;
    f.cfg.cooldown_s = 0;
    f.cfg.missing_data = HR_MISSING_IGNORE;
    fixture_add_above(&f, 70, 2);
    fixture_add_below(&f, 30, -1);
    fixture_start(&f);
    assert_int_equal(step_at(&f, 60, 6, 91), 8);
    hr_observation o = obs_settled(120, 8, NAN);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 10);
    assert_non_null(strstr(d.reason, "alarm state kept"));
    fixture_stop(&f);
}

static void test_step_breach_rounds_up_to_whole_datapoints(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 90, 300); /* 90s over 60s periods: 2 datapoints */
    assert_int_equal(step_at(&f, 60, 6, 75), -1);
    assert_int_equal(step_at(&f, 120, 6, 75), 7);
    fixture_stop(&f);

    step_fixture(&f, 0, 300); /* no breach duration: one datapoint */
    assert_int_equal(step_at(&f, 60, 6, 75), 7);
    fixture_stop(&f);
}

static void test_step_picks_step_by_metric_interval(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 0); /* no cooldown: every datapoint acts on its own */
    assert_int_equal(step_at(&f, 60, 6, 70.0), 7);   /* lower bound is inclusive */
    assert_int_equal(step_at(&f, 120, 6, 84.9), 7);  /* [70, 85) */
    assert_int_equal(step_at(&f, 180, 6, 85.0), 9);  /* [85, inf) */
    assert_int_equal(step_at(&f, 240, 6, 250.0), 9);
    assert_int_equal(step_at(&f, 300, 6, 69.9), -1); /* below the alarm */
    fixture_stop(&f);
}

static void test_step_scale_in_picks_the_lowest_below_that_holds_the_metric(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_STEP);
    f.cfg.breach_s = 60;
    f.cfg.cooldown_s = 0;
    fixture_add_below(&f, 10, -3);
    fixture_add_below(&f, 30, -1);
    fixture_start(&f);
    assert_int_equal(step_at(&f, 60, 10, 30.0), 9); /* upper bound is inclusive */
    assert_int_equal(step_at(&f, 120, 10, 20.0), 9);
    assert_int_equal(step_at(&f, 180, 10, 10.0), 7);
    assert_int_equal(step_at(&f, 240, 10, 0.0), 7);
    assert_int_equal(step_at(&f, 300, 10, 30.1), -1);
    fixture_stop(&f);
}

static void test_step_scale_in_reason_names_metric_bound_and_step(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 180, 300);
    step_at(&f, 60, 6, 22);
    step_at(&f, 120, 6, 22);
    hr_observation o = obs_settled(180, 6, 22);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 5);
    assert_string_equal(d.reason, "cpu 22.0 <= 30 for 3m: step -1 (6 -> 5)");
    fixture_stop(&f);
}

static void test_step_scale_in_blocked_during_cooldown(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    assert_int_equal(step_at(&f, 60, 6, 90), 9);
    /* The load falls right away; scale-in waits until 60 + 300. */
    hr_observation o = obs_settled(120, 9, 20);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 9);
    assert_non_null(strstr(d.reason, "cooldown"));
    assert_int_equal(step_at(&f, 300, 9, 20), 9);
    assert_int_equal(step_at(&f, 360, 9, 20), 8);
    fixture_stop(&f);
}

static void test_step_scale_in_cooldown_follows_a_scale_in(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    assert_int_equal(step_at(&f, 60, 6, 20), 5);
    assert_int_equal(step_at(&f, 120, 5, 20), 5);
    assert_int_equal(step_at(&f, 360, 5, 20), 4);
    fixture_stop(&f);
}

static void test_step_scale_out_during_cooldown_adds_only_the_difference(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    assert_int_equal(step_at(&f, 60, 6, 75), 7); /* +1 in progress */
    hr_observation o = obs_settled(120, 7, 90);  /* now the +3 step */
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 9); /* +3 - 1 already added */
    assert_non_null(strstr(d.reason, "+2 (7 -> 9)"));
    fixture_stop(&f);
}

static void test_step_same_step_during_cooldown_does_not_add_again(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    assert_int_equal(step_at(&f, 60, 6, 75), 7);
    assert_int_equal(step_at(&f, 120, 7, 75), 7);
    assert_int_equal(step_at(&f, 300, 7, 75), 7);
    /* Cooldown over at 60 + 300: the alarm still in ALARM adds again. */
    assert_int_equal(step_at(&f, 360, 7, 75), 8);
    fixture_stop(&f);
}

static void test_step_scale_out_is_immediate_during_a_scale_in_cooldown(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    assert_int_equal(step_at(&f, 60, 6, 20), 5);
    assert_int_equal(step_at(&f, 120, 5, 90), 8);
    fixture_stop(&f);
}

static void test_step_scale_out_at_max_starts_no_cooldown(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    hr_observation o = obs_settled(60, 6, 90);
    o.max = 6;
    /* The proposal is left for the controller to clamp ... */
    assert_int_equal(decide(&f, &o).desired, 9);
    /* ... but nothing changed, so scale-in is not held back. */
    o = obs_settled(120, 6, 20);
    o.max = 6;
    assert_int_equal(decide(&f, &o).desired, 5);
    fixture_stop(&f);
}

static void test_step_has_no_opinion_between_the_alarms(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    hr_observation o = obs_settled(60, 6, 50);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, -1);
    assert_string_equal(d.reason, "cpu 50.0: no alarm");
    fixture_stop(&f);
}

static void test_step_rejects_a_policy_without_steps(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_STEP);
    f.cfg.breach_s = 60;
    hr_error err = {0};
    hr_policy *p = NULL;
    assert_int_equal(hr_policy_new(&f.cfg, &f.sc, &p, &err), HR_EINVAL);
    assert_null(p);
    assert_non_null(strstr(err.msg, "steps"));
}

/* ---- EC2 Auto Scaling: the instance warm-up gates the policy ------------- */

/* The short-form steps gated by a 5-minute instance warm-up, no cooldown. */
static void warmup_fixture(policy_fixture *f)
{
    fixture_init(f, HR_POLICY_STEP);
    f->cfg.breach_s = 60;
    f->cfg.step_warmup = true;
    f->cfg.warmup_s = 300;
    fixture_add_above(f, 70, 1);
    fixture_add_above(f, 85, 3);
    fixture_add_below(f, 30, -1);
    fixture_start(f);
}

/* desired instances of which `warming` are still starting or warming up
 * (not counted in the datapoint). */
static hr_observation obs_warming(double t, int desired, int warming, double cpu)
{
    hr_observation o = obs_settled(t, desired, cpu);
    o.in_service = desired - warming;
    o.pending = warming;
    o.counted = desired - warming;
    return o;
}

static void test_step_warmup_leaves_new_instances_out_of_the_metric(void **state)
{
    (void)state;
    policy_fixture f;
    warmup_fixture(&f);
    assert_true(hr_policy_metric_warmup_s(f.p) == 300);
    fixture_stop(&f);
    step_fixture(&f, 60, 300); /* a cooldown policy reads every serving instance */
    assert_true(hr_policy_metric_warmup_s(f.p) == 0);
    fixture_stop(&f);
}

/* AWS: breaches that fall in the same step while its instances warm make one
 * scaling activity; a larger step adds only what it exceeds them by. */
static void test_step_warmup_counts_warming_instances_toward_the_next_scale_out(void **state)
{
    (void)state;
    policy_fixture f;
    warmup_fixture(&f);
    hr_observation o = obs_settled(60, 6, 75);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 7);
    assert_string_equal(d.reason, "cpu 75.0 >= 70 for 1m: step +1 (6 -> 7)");

    o = obs_warming(120, 7, 1, 75);
    d = decide(&f, &o);
    assert_int_equal(d.desired, 7);
    assert_string_equal(d.reason, "cpu 75.0 >= 70 for 1m: step +1, covered by 1 instance "
                                  "warming: hold at 7");

    o = obs_warming(180, 7, 1, 90);
    d = decide(&f, &o);
    assert_int_equal(d.desired, 9); /* (7 - 1) + 3 */
    assert_string_equal(d.reason, "cpu 90.0 >= 85 for 1m: step +3, 1 warming: +2 (7 -> 9)");

    /* once they are counted, a breach adds its whole step again: no cooldown */
    o = obs_settled(240, 9, 75);
    assert_int_equal(decide(&f, &o).desired, 10);
    fixture_stop(&f);
}

static void test_step_warmup_blocks_scale_in_until_instances_finish_warming(void **state)
{
    (void)state;
    policy_fixture f;
    warmup_fixture(&f);
    hr_observation o = obs_warming(60, 8, 2, 20);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 8);
    assert_string_equal(d.reason, "cpu 20.0 <= 30 for 1m: step -1 waits for 2 instances to "
                                  "finish warming up: hold at 8");
    o = obs_settled(120, 8, 20);
    assert_int_equal(decide(&f, &o).desired, 7);
    /* no cooldown after a scale-in either: the alarm still in ALARM removes again */
    o = obs_settled(180, 7, 20);
    assert_int_equal(decide(&f, &o).desired, 6);
    fixture_stop(&f);
}

/* ---- AWS's form: step bounds relative to the alarm's threshold ---------- */

/* scale_out at 50: [0, 10) +1, [10, inf) +3; scale_in at 40: (-10, 0] -1,
 * (-inf, -10] -2; made absolute as the loader makes them. */
static void aws_fixture(policy_fixture *f, hr_adjustment_type type, double a1, double a2)
{
    static hr_step_interval out[2], in[2];
    fixture_init(f, HR_POLICY_STEP);
    f->cfg.breach_s = 60;
    f->cfg.cooldown_s = 0;
    out[0] = (hr_step_interval){.has_lower = true, .lower = 50, .has_upper = true, .upper = 60,
                                .adjustment = a1};
    out[1] = (hr_step_interval){.has_lower = true, .lower = 60, .adjustment = a2};
    in[0] = (hr_step_interval){.has_upper = true, .upper = 30, .adjustment = -2};
    in[1] = (hr_step_interval){.has_lower = true, .lower = 30, .has_upper = true, .upper = 40,
                               .adjustment = -1};
    f->cfg.scale_out = (hr_step_alarm){.present = true, .threshold = 50, .adjustment_type = type,
                                       .min_adjustment_magnitude = 1, .steps = out, .n_steps = 2};
    f->cfg.scale_in = (hr_step_alarm){.present = true, .threshold = 40,
                                      .adjustment_type = HR_ADJUST_CHANGE,
                                      .min_adjustment_magnitude = 1, .steps = in, .n_steps = 2};
    fixture_start(f);
}

static void test_step_bounds_relative_to_the_threshold_hold_lower_and_upper_as_aws(void **state)
{
    (void)state;
    policy_fixture f;
    aws_fixture(&f, HR_ADJUST_CHANGE, 1, 3);
    assert_int_equal(step_at(&f, 60, 10, 49.9), -1);  /* under the threshold: no alarm */
    assert_int_equal(step_at(&f, 120, 10, 50), 11);   /* lower bound 0 is inclusive */
    assert_int_equal(step_at(&f, 180, 10, 59.9), 11);
    assert_int_equal(step_at(&f, 240, 10, 60), 13);   /* upper bound 10 is exclusive */
    assert_int_equal(step_at(&f, 300, 10, 40), 9);    /* scale-in upper bound 0 is inclusive */
    assert_int_equal(step_at(&f, 360, 10, 30.1), 9);
    assert_int_equal(step_at(&f, 420, 10, 30), 8);    /* lower bound -10 is exclusive */
    fixture_stop(&f);
}

static void test_step_percent_change_rounds_as_aws_with_a_minimum_magnitude(void **state)
{
    (void)state;
    policy_fixture f;
    aws_fixture(&f, HR_ADJUST_PERCENT, 10, 50);
    hr_observation o = obs_settled(60, 13, 55);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 14); /* 10% of 13 is 1.3: 1 */
    assert_string_equal(d.reason, "cpu 55.0 >= 50 for 1m: step +10% (13 -> 14)");
    assert_int_equal(step_at(&f, 120, 5, 55), 6);   /* 0.5 rounds to 1 */
    assert_int_equal(step_at(&f, 180, 13, 70), 19); /* 6.5 rounds down to 6 */
    fixture_stop(&f);

    aws_fixture(&f, HR_ADJUST_PERCENT, 10, 50);
    f.cfg.scale_out.min_adjustment_magnitude = 3;
    fixture_stop(&f);
    fixture_start(&f);
    assert_int_equal(step_at(&f, 60, 13, 55), 16); /* 1, raised to the minimum 3 */
    fixture_stop(&f);
}

static void test_step_exact_capacity_sets_the_capacity(void **state)
{
    (void)state;
    policy_fixture f;
    aws_fixture(&f, HR_ADJUST_EXACT, 12, 20);
    hr_observation o = obs_settled(60, 6, 55);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 12);
    assert_string_equal(d.reason, "cpu 55.0 >= 50 for 1m: step exact 12 (6 -> 12)");
    assert_int_equal(step_at(&f, 120, 12, 75), 20);
    fixture_stop(&f);
}

/* Inside another policy (kind max), a proposal the other children outvote
 * is no scaling activity: it starts no cooldown. On its own, it does. */
static void test_step_child_outvoted_scale_in_starts_no_cooldown(void **state)
{
    (void)state;
    policy_fixture f;
    step_fixture(&f, 60, 300);
    f.p->child = true;
    assert_int_equal(step_at(&f, 60, 8, 20), 7);
    hr_policy_applied(f.p, 60, 8, 8); /* outvoted: the group stayed at 8 */
    assert_int_equal(step_at(&f, 120, 8, 20), 7);
    hr_policy_applied(f.p, 120, 8, 7); /* this one happened */
    hr_observation o = obs_settled(180, 7, 20);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 7);
    assert_non_null(strstr(d.reason, "blocked by cooldown"));
    fixture_stop(&f);

    step_fixture(&f, 60, 300); /* a policy of its own */
    assert_int_equal(step_at(&f, 60, 8, 20), 7);
    hr_policy_applied(f.p, 60, 8, 8);
    assert_int_equal(step_at(&f, 120, 8, 20), 8);
    fixture_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_waits_for_breach_duration),
        cmocka_unit_test(test_step_breach_count_resets_on_a_datapoint_that_does_not_breach),
        cmocka_unit_test(test_step_missing_data_as_cloudwatch_treats_it),
        cmocka_unit_test(test_step_missing_data_ignore_keeps_an_alarm_in_alarm),
        cmocka_unit_test(test_step_breach_rounds_up_to_whole_datapoints),
        cmocka_unit_test(test_step_picks_step_by_metric_interval),
        cmocka_unit_test(test_step_scale_in_picks_the_lowest_below_that_holds_the_metric),
        cmocka_unit_test(test_step_scale_in_reason_names_metric_bound_and_step),
        cmocka_unit_test(test_step_scale_in_blocked_during_cooldown),
        cmocka_unit_test(test_step_scale_in_cooldown_follows_a_scale_in),
        cmocka_unit_test(test_step_scale_out_during_cooldown_adds_only_the_difference),
        cmocka_unit_test(test_step_same_step_during_cooldown_does_not_add_again),
        cmocka_unit_test(test_step_scale_out_is_immediate_during_a_scale_in_cooldown),
        cmocka_unit_test(test_step_scale_out_at_max_starts_no_cooldown),
        cmocka_unit_test(test_step_has_no_opinion_between_the_alarms),
        cmocka_unit_test(test_step_rejects_a_policy_without_steps),
        cmocka_unit_test(test_step_warmup_leaves_new_instances_out_of_the_metric),
        cmocka_unit_test(test_step_warmup_counts_warming_instances_toward_the_next_scale_out),
        cmocka_unit_test(test_step_warmup_blocks_scale_in_until_instances_finish_warming),
        cmocka_unit_test(test_step_bounds_relative_to_the_threshold_hold_lower_and_upper_as_aws),
        cmocka_unit_test(test_step_percent_change_rounds_as_aws_with_a_minimum_magnitude),
        cmocka_unit_test(test_step_exact_capacity_sets_the_capacity),
        cmocka_unit_test(test_step_child_outvoted_scale_in_starts_no_cooldown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
