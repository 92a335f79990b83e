/* test_target_tracking.c - AWS-style target tracking: proportional
 * scale-out, warm-up exclusion, gradual and guarded scale-in, cooldowns. */
#include <math.h>

#include "policy_fixture.h"

static void tt_fixture(policy_fixture *f, double target)
{
    fixture_init(f, HR_POLICY_TARGET_TRACKING);
    f->cfg.target = target;
    /* the rules below act on one datapoint; the alarms' counts have their
     * own tests */
    f->cfg.scale_out_datapoints = 1;
    f->cfg.scale_in_datapoints = 1;
    f->cfg.warmup_s = 300;
    f->cfg.scale_in_cooldown_s = 300;
    f->cfg.scale_out_cooldown_s = 60;
    fixture_start(f);
}

static int tt_at(policy_fixture *f, double t, int desired, double cpu)
{
    hr_observation o = obs_settled(t, desired, cpu);
    return decide(f, &o).desired;
}

static void test_target_tracking_scales_out_proportionally(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    hr_observation o = obs_settled(60, 10, 84.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 12); /* ceil(10 * 84 / 70) */
    assert_string_equal(d.reason, "cpu 84.0 vs target 70: 10 -> 12");
    fixture_stop(&f);

    tt_fixture(&f, 70);
    assert_int_equal(tt_at(&f, 60, 10, 140.0), 20); /* doubles at twice the target */
    fixture_stop(&f);
}

static void test_target_tracking_scales_out_on_any_load_metric(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_TARGET_TRACKING);
    f.cfg.metric = HR_METRIC_REQUEST_RATE;
    f.cfg.target = 100; /* requests per instance per second */
    f.cfg.scale_in_cooldown_s = 300;
    f.cfg.scale_out_cooldown_s = 60;
    fixture_start(&f);
    hr_observation o = obs_settled(60, 4, 0);
    o.input[0] = 250; /* 1000 req/s in all */
    assert_int_equal(decide(&f, &o).desired, 10);
    fixture_stop(&f);
}

static void test_target_tracking_holds_at_the_target(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    hr_observation o = obs_settled(60, 10, 70.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 10); /* 10 * 70 / 70 is exactly 10, not 11 */
    assert_string_equal(d.reason, "cpu 70.0 vs target 70: hold at 10");
    fixture_stop(&f);
}

static void test_target_tracking_excludes_warming_instances_but_counts_them_as_capacity(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    /* 10 counted instances at 84% need 12; 2 more are already warming. */
    hr_observation o = obs_settled(600, 12, 84.0);
    o.counted = 10;
    o.in_service = 10;
    o.warming = 2;
    assert_int_equal(decide(&f, &o).desired, 12);
    /* The same holds for instances still booting. */
    o.warming = 0;
    o.pending = 2;
    o.time_s = 660;
    assert_int_equal(decide(&f, &o).desired, 12);
    /* More load than the fleet on its way can carry: ask for the rest. */
    o.input[0] = 98.0;
    o.time_s = 720;
    assert_int_equal(decide(&f, &o).desired, 14); /* ceil(10 * 98 / 70) */
    fixture_stop(&f);
}

/* Warming instances that served during the datapoint's period carried
 * load: 12 served, the 10 counted read 84% against 70, so the load needs
 * ceil(12 x 84 / 70) = 15, not the 12 the counted ten alone suggest. */
static void test_target_tracking_applies_the_ratio_to_every_serving_instance(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    hr_observation o = obs_settled(600, 12, 84.0);
    o.counted = 10;
    o.in_service = 10;
    o.warming = 2;
    o.serving = 12;
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 15);
    fixture_stop(&f);
}

/* A datapoint without a value (a latency with nothing finished) is no
 * datapoint: no opinion, never a scale-in to min. */
static void test_target_tracking_reads_a_missing_value_as_no_data(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 300);
    f.cfg.metric = HR_METRIC_LATENCY_P95;
    hr_observation o = obs_settled(3600, 12, NAN);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, -1);
    assert_non_null(strstr(d.reason, "insufficient data"));
    fixture_stop(&f);
}

/* AWS's alarms: the high one needs 3 consecutive datapoints above the
 * target to scale out, the low one 15 under the scale-in margin to scale in;
 * a datapoint that does not breach breaks the run. */
static void test_target_tracking_alarms_need_their_datapoints(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_TARGET_TRACKING);
    f.cfg.target = 70;
    f.cfg.scale_out_datapoints = 3;
    f.cfg.scale_in_datapoints = 15;
    f.cfg.scale_in_cooldown_s = 300;
    fixture_start(&f);
    hr_observation o = obs_settled(60, 10, 84.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 10);
    assert_non_null(strstr(d.reason, "high alarm at 1 of 3 datapoints"));
    assert_int_equal(decide(&f, &(hr_observation){0}).desired, -1); /* no data: skipped */
    o.time_s = 120;
    assert_int_equal(decide(&f, &o).desired, 10);
    o.time_s = 180;
    assert_int_equal(decide(&f, &o).desired, 12); /* the third */
    /* a datapoint at the target breaks the run */
    o = obs_settled(240, 12, 70.0);
    assert_int_equal(decide(&f, &o).desired, 12);
    o = obs_settled(300, 12, 84.0);
    assert_int_equal(decide(&f, &o).desired, 12);
    assert_non_null(strstr(decide(&f, &o).reason, "high alarm at 2 of 3"));
    /* scale-in after 15 low datapoints in a row */
    int t = 360, first = -1;
    for (int k = 0; k < 20 && first < 0; k++, t += 60) {
        o = obs_settled(t, 12, 20.0);
        if (decide(&f, &o).desired < 12)
            first = k + 1;
    }
    assert_int_equal(first, 15);
    fixture_stop(&f);
}

/* missing_data: ignore lets the last datapoint stand. */
static void test_target_tracking_missing_data_ignore_repeats_the_last_datapoint(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_TARGET_TRACKING);
    f.cfg.target = 70;
    f.cfg.scale_out_cooldown_s = 0;
    f.cfg.missing_data = HR_MISSING_IGNORE;
    fixture_start(&f);
    hr_observation o = obs_settled(600, 10, 84.0);
    assert_int_equal(decide(&f, &o).desired, 12);
    o = obs_settled(660, 12, NAN);
    o.has_datapoint = false;
    /* 10 served at 84%: still 12 needed, already there */
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 12);
    assert_null(strstr(d.reason, "insufficient"));
    fixture_stop(&f);
}

static void test_target_tracking_scale_out_cooldown_counts_the_last_scale_out(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    f.cfg.scale_out_cooldown_s = 300;
    assert_int_equal(tt_at(&f, 60, 10, 84.0), 12);
    /* The controller only granted 11; within the cooldown the scale-out to
     * 12 counts as under way, so the same load adds nothing ... */
    hr_observation o = obs_settled(120, 11, 84.0);
    o.counted = 10;
    o.pending = 1;
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 11);
    assert_non_null(strstr(d.reason, "in progress"));
    /* ... but more load does scale out. */
    o.time_s = 180;
    o.input[0] = 91.0;
    assert_int_equal(decide(&f, &o).desired, 13);
    fixture_stop(&f);

    /* After the cooldown the same load asks for the missing instance. */
    tt_fixture(&f, 70);
    f.cfg.scale_out_cooldown_s = 300;
    assert_int_equal(tt_at(&f, 60, 10, 84.0), 12);
    o = obs_settled(360, 11, 84.0);
    o.counted = 10;
    o.pending = 1;
    assert_int_equal(decide(&f, &o).desired, 12);
    fixture_stop(&f);
}

static void test_target_tracking_scale_in_is_gradual(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    f.cfg.scale_in_cooldown_s = 0;
    /* 40 instances at 10% need 6, but one datapoint removes at most 10%. */
    hr_observation o = obs_settled(60, 40, 10.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 36);
    assert_non_null(strstr(d.reason, "40 -> 36"));
    /* Small fleets still shrink one at a time. */
    assert_int_equal(tt_at(&f, 120, 5, 10.0), 4);
    fixture_stop(&f);
}

static void test_target_tracking_scale_in_leaves_the_fleet_at_most_90_percent_of_target(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    /* 10 at 65% is 650 units of load: 9 instances would run at 72%. */
    assert_int_equal(tt_at(&f, 60, 10, 65.0), 10);
    /* At 57% 9 would run at 63.3%: under the target but within 10% of it. */
    hr_observation o = obs_settled(120, 10, 57.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 10);
    assert_non_null(strstr(d.reason, "<= 63"));
    /* At 56% 9 run at 62.2%, at most 90% of the target. */
    assert_int_equal(tt_at(&f, 180, 10, 56.0), 9);
    fixture_stop(&f);
}

static void test_target_tracking_never_scales_in_while_warming(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    hr_observation o = obs_settled(600, 10, 5.0);
    o.counted = 9;
    o.in_service = 9;
    o.warming = 1;
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 10);
    assert_non_null(strstr(d.reason, "pending or warming"));
    /* Booting instances hold it too. */
    o.warming = 0;
    o.pending = 1;
    assert_int_equal(decide(&f, &o).desired, 10);
    /* Once every instance is counted it scales in. */
    assert_int_equal(tt_at(&f, 720, 10, 5.0), 9);
    fixture_stop(&f);
}

/* AWS: the scale-in cooldown runs from a scale-in; a scale-out does not
 * start it (scale-in still waits for new instances to finish warming). */
static void test_target_tracking_scale_out_does_not_start_the_scale_in_cooldown(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    assert_int_equal(tt_at(&f, 60, 10, 84.0), 12);
    /* 4 minutes later, settled and idle: scale in at once */
    hr_observation o = obs_settled(300, 12, 20.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 11);
    assert_null(strstr(d.reason, "cooldown"));
    fixture_stop(&f);
}

static void test_target_tracking_scale_in_waits_for_the_cooldown_after_a_scale_in(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    assert_int_equal(tt_at(&f, 60, 10, 20.0), 9);
    assert_int_equal(tt_at(&f, 120, 9, 20.0), 9);
    assert_int_equal(tt_at(&f, 360, 9, 20.0), 8);
    fixture_stop(&f);
}

static void test_target_tracking_scale_out_is_immediate_after_a_scale_in(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    assert_int_equal(tt_at(&f, 60, 10, 20.0), 9);
    assert_int_equal(tt_at(&f, 120, 9, 90.0), 12); /* ceil(9 * 90 / 70) */
    fixture_stop(&f);
}

static void test_target_tracking_disable_scale_in_never_removes(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_TARGET_TRACKING);
    f.cfg.target = 70;
    f.cfg.disable_scale_in = true;
    fixture_start(&f);
    hr_observation o = obs_settled(3600, 10, 1.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 10);
    assert_non_null(strstr(d.reason, "scale-in disabled"));
    assert_int_equal(tt_at(&f, 3660, 10, 84.0), 12); /* scale-out still works */
    fixture_stop(&f);
}

static void test_target_tracking_idle_fleet_walks_down_to_min(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    f.cfg.scale_in_cooldown_s = 0;
    hr_observation o = obs_settled(60, 5, 0.0);
    o.min = 3;
    assert_int_equal(decide(&f, &o).desired, 4);
    o = obs_settled(120, 4, 0.0);
    o.min = 3;
    assert_int_equal(decide(&f, &o).desired, 3);
    o = obs_settled(180, 3, 0.0);
    o.min = 3;
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 3);
    assert_non_null(strstr(d.reason, "at min 3"));
    fixture_stop(&f);
}

static void test_target_tracking_without_datapoint_has_no_opinion(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    hr_observation o = obs_settled(60, 10, 99.0);
    o.has_datapoint = false;
    o.counted = 0;
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, -1);
    assert_non_null(strstr(d.reason, "insufficient data"));
    fixture_stop(&f);
}

static void test_target_tracking_proposes_beyond_max_for_the_controller_to_clamp(void **state)
{
    (void)state;
    policy_fixture f;
    tt_fixture(&f, 70);
    hr_observation o = obs_settled(60, 100, 140.0);
    assert_int_equal(decide(&f, &o).desired, 200);
    /* Nothing could change at max, so no cooldown started: scale-in may
     * follow at once. */
    assert_int_equal(tt_at(&f, 120, 100, 50.0), 90);
    fixture_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_tracking_scales_out_proportionally),
        cmocka_unit_test(test_target_tracking_scales_out_on_any_load_metric),
        cmocka_unit_test(test_target_tracking_holds_at_the_target),
        cmocka_unit_test(test_target_tracking_excludes_warming_instances_but_counts_them_as_capacity),
        cmocka_unit_test(test_target_tracking_applies_the_ratio_to_every_serving_instance),
        cmocka_unit_test(test_target_tracking_reads_a_missing_value_as_no_data),
        cmocka_unit_test(test_target_tracking_missing_data_ignore_repeats_the_last_datapoint),
        cmocka_unit_test(test_target_tracking_alarms_need_their_datapoints),
        cmocka_unit_test(test_target_tracking_scale_out_cooldown_counts_the_last_scale_out),
        cmocka_unit_test(test_target_tracking_scale_in_is_gradual),
        cmocka_unit_test(test_target_tracking_scale_in_leaves_the_fleet_at_most_90_percent_of_target),
        cmocka_unit_test(test_target_tracking_never_scales_in_while_warming),
        cmocka_unit_test(test_target_tracking_scale_out_does_not_start_the_scale_in_cooldown),
        cmocka_unit_test(test_target_tracking_scale_in_waits_for_the_cooldown_after_a_scale_in),
        cmocka_unit_test(test_target_tracking_scale_out_is_immediate_after_a_scale_in),
        cmocka_unit_test(test_target_tracking_disable_scale_in_never_removes),
        cmocka_unit_test(test_target_tracking_idle_fleet_walks_down_to_min),
        cmocka_unit_test(test_target_tracking_without_datapoint_has_no_opinion),
        cmocka_unit_test(test_target_tracking_proposes_beyond_max_for_the_controller_to_clamp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
