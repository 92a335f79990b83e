/* test_hpa.c - tests for src/policy/hpa.c: the Kubernetes HPA controller's
 * rules, one by one, on hand-built observations (one call = one sync). The
 * expected numbers are worked out by hand from replica_calculator.go and
 * horizontal.go (docs/policies.md). */
#include "policy_fixture.h"

#include <math.h>

/* An HPA on cpu utilization 50%, 1..100 replicas, without behavior. */
static void hpa_fixture(policy_fixture *f)
{
    fixture_init(f, HR_POLICY_HPA);
    hr_hpa_config *h = &f->cfg.hpa;
    h->min_replicas = 1;
    h->max_replicas = 100;
    h->sync_period_s = 15;
    h->tolerance = 0.1;
    h->downscale_window_s = 300;
    h->n_metrics = 1;
    h->metrics[0] = (hr_hpa_metric){.source = HR_HPA_RESOURCE,
                                    .target_type = HR_HPA_UTILIZATION,
                                    .target = 50,
                                    .name = (char *)"cpu",
                                    .metric = HR_METRIC_CPU,
                                    .scale = 1};
}

static void rules(hr_hpa_rules *r, int stabilization_s, hr_hpa_select select)
{
    memset(r, 0, sizeof *r);
    r->stabilization_s = stabilization_s;
    r->select = select;
}

static void add_rate(hr_hpa_rules *r, bool percent, int value, int period_s)
{
    r->rates[r->n_rates++] = (hr_hpa_rate){.percent = percent, .value = value, .period_s = period_s};
}

/* behavior as defaults.go fills it, but with the scale-down window given. */
static void default_behavior(policy_fixture *f, int down_window_s)
{
    hr_hpa_config *h = &f->cfg.hpa;
    h->has_behavior = true;
    rules(&h->up, 0, HR_HPA_SELECT_MAX);
    add_rate(&h->up, false, 4, 15);
    add_rate(&h->up, true, 100, 15);
    rules(&h->down, down_window_s, HR_HPA_SELECT_MAX);
    add_rate(&h->down, true, 100, 15);
}

static void add_metric(policy_fixture *f, hr_hpa_source source, hr_hpa_target type, double target,
                       const char *name, hr_metric metric)
{
    hr_hpa_config *h = &f->cfg.hpa;
    h->metrics[h->n_metrics++] = (hr_hpa_metric){.source = source,
                                                 .target_type = type,
                                                 .target = target,
                                                 .name = (char *)name,
                                                 .metric = metric,
                                                 .scale = 1};
}

/* One metric of the given kind replacing the default cpu one. */
static void only_metric(policy_fixture *f, hr_hpa_source source, hr_hpa_target type, double target,
                        const char *name, hr_metric metric)
{
    f->cfg.hpa.n_metrics = 0;
    add_metric(f, source, type, target, name, metric);
}

/* One sync: the proposal, applied as proposed (held to the fleet's 1..100),
 * as the engine's controller would. */
static hr_decision reconcile(policy_fixture *f, const hr_observation *o)
{
    hr_decision d = decide(f, o);
    int to = d.desired < 0 ? o->desired : d.desired;
    to = to < o->min ? o->min : to > o->max ? o->max : to;
    hr_policy_applied(f->p, o->time_s, o->desired, to);
    return d;
}

static int sync_at(policy_fixture *f, double t, int replicas, double value)
{
    hr_observation o = obs_settled(t, replicas, value);
    return reconcile(f, &o).desired;
}

static void test_hpa_tolerance_holds_at_both_edges(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    fixture_start(&f);
    /* ratio 55/50 = 1.1 is inside 1 + 0.1; 56 is not: ceil(1.12 x 10) = 12 */
    assert_int_equal(sync_at(&f, 15, 10, 55), 10);
    assert_int_equal(sync_at(&f, 30, 10, 56), 12);
    /* ratio 45/50 = 0.9 is inside 1 - 0.1; 44 is not: ceil(0.88 x 10) = 9 */
    assert_int_equal(sync_at(&f, 45, 10, 45), 10);
    assert_int_equal(sync_at(&f, 60, 10, 44), 9);
    fixture_stop(&f);
}

static void test_hpa_utilization_is_truncated_to_a_whole_percent(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    fixture_start(&f);
    /* 55.9% reads as 55%: inside the tolerance */
    assert_int_equal(sync_at(&f, 15, 10, 55.9), 10);
    fixture_stop(&f);
}

static void test_hpa_ceil_follows_the_controllers_float_arithmetic(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    fixture_start(&f);
    /* 56 / 50 x 25 = 28.000000000000004 in IEEE doubles: 29, as Go computes */
    assert_int_equal(sync_at(&f, 15, 25, 56), 29);
    fixture_stop(&f);
}

static void test_hpa_no_behavior_limits_scale_up_to_twice_or_four(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    fixture_start(&f);
    hr_observation o = obs_settled(15, 1, 1000);
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, 4); /* max(2 x 1, 4) */
    assert_non_null(strstr(d.reason, "ScaleUpLimit"));
    assert_int_equal(sync_at(&f, 30, 4, 1000), 8);  /* 2 x 4 */
    assert_int_equal(sync_at(&f, 45, 8, 1000), 16);
    fixture_stop(&f);
}

static void test_hpa_no_behavior_holds_scale_down_for_five_minutes(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    fixture_start(&f);
    /* the first sync seeds the history with the current 10 at t = 15 */
    assert_int_equal(sync_at(&f, 15, 10, 50), 10);
    /* load halves: the recommendation is 5, held by the window's 10 */
    for (double t = 30; t <= 300; t += 15)
        assert_int_equal(sync_at(&f, t, 10, 25), 10);
    /* at 315 the records of t = 15 are 300 s old: out (a real cluster's
     * syncs drift later than 15 s, so a record is never exactly 300 s old) */
    assert_int_equal(sync_at(&f, 315, 10, 25), 5);
    fixture_stop(&f);
}

static void test_hpa_scale_down_waits_for_stabilization_window(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 120);
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 50), 10);
    assert_int_equal(sync_at(&f, 30, 10, 40), 10);  /* 8 recommended, window max 10 */
    hr_observation o = obs_settled(45, 10, 20);
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, 10); /* 4 recommended, still held */
    assert_non_null(strstr(d.reason, "ScaleDownStabilized"));
    /* with behavior only records strictly inside the window count: the 10
     * of t = 15 leaves at 135, the 8 of t = 30 at 150 */
    assert_int_equal(sync_at(&f, 135, 10, 20), 8);
    assert_int_equal(sync_at(&f, 150, 8, 25), 4);
    fixture_stop(&f);
}

static void test_hpa_scale_up_window_takes_the_lowest_recommendation(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    f.cfg.hpa.up.stabilization_s = 60;
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 50), 10);      /* seeds 10 and records 10 */
    assert_int_equal(sync_at(&f, 30, 10, 100), 10);     /* 20 wanted, window min 10 */
    assert_int_equal(sync_at(&f, 90, 10, 100), 20);     /* the 10s of t = 15, 30 are out */
    fixture_stop(&f);
}

static void test_hpa_scale_up_limited_by_pods_policy_within_period(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    rules(&f.cfg.hpa.up, 0, HR_HPA_SELECT_MAX);
    add_rate(&f.cfg.hpa.up, false, 2, 60);
    fixture_start(&f);
    hr_observation o = obs_settled(15, 10, 100);
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, 12);
    assert_non_null(strstr(d.reason, "ScaleUpLimit"));
    /* the 2 added at 15 count until 75 (strictly after now - 60) */
    assert_int_equal(sync_at(&f, 30, 12, 100), 12);
    assert_int_equal(sync_at(&f, 74, 12, 100), 12);
    assert_int_equal(sync_at(&f, 75, 12, 100), 14);
    fixture_stop(&f);
}

static void test_hpa_scale_up_limited_by_percent_policy_within_period(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    rules(&f.cfg.hpa.up, 0, HR_HPA_SELECT_MAX);
    add_rate(&f.cfg.hpa.up, true, 50, 60);
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 100), 15);  /* ceil(10 x 1.5) */
    /* the period started at 15 - 5 = 10 replicas: still 15 allowed */
    assert_int_equal(sync_at(&f, 30, 15, 100), 15);
    assert_int_equal(sync_at(&f, 75, 15, 100), 23);  /* ceil(15 x 1.5) = 23 */
    fixture_stop(&f);
}

static void test_hpa_scale_down_percent_truncates(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    rules(&f.cfg.hpa.down, 0, HR_HPA_SELECT_MAX);
    add_rate(&f.cfg.hpa.down, true, 50, 60);
    fixture_start(&f);
    /* 5 x (1 - 0.5) = 2.5 truncates to 2 (not 3) */
    hr_observation o = obs_settled(15, 5, 1);
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, 2);
    assert_non_null(strstr(d.reason, "ScaleDownLimit"));
    fixture_stop(&f);
}

static void test_hpa_select_policy_min_takes_the_smallest_change(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    f.cfg.hpa.up.select = HR_HPA_SELECT_MIN;
    fixture_start(&f);
    /* Pods 4 -> 14, Percent 100 -> 20: Min takes 14 (Max would take 20) */
    assert_int_equal(sync_at(&f, 15, 10, 200), 14);
    fixture_stop(&f);

    hpa_fixture(&f);
    default_behavior(&f, 0);
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 200), 20);
    fixture_stop(&f);
}

static void test_hpa_select_policy_disabled_stops_that_direction(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    f.cfg.hpa.up.select = HR_HPA_SELECT_DISABLED;
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 200), 10);
    assert_int_equal(sync_at(&f, 30, 10, 10), 2);  /* scale-down still works */
    fixture_stop(&f);

    hpa_fixture(&f);
    default_behavior(&f, 0);
    f.cfg.hpa.down.select = HR_HPA_SELECT_DISABLED;
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 10), 10);
    assert_int_equal(sync_at(&f, 30, 10, 100), 20);
    fixture_stop(&f);
}

static void test_hpa_period_start_counts_removed_replicas(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    rules(&f.cfg.hpa.up, 0, HR_HPA_SELECT_MAX);
    add_rate(&f.cfg.hpa.up, false, 2, 60);
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 25), 5);  /* down by 5 */
    /* up from 5: the period started at 5 - 0 + 5 = 10, so up to 12 */
    assert_int_equal(sync_at(&f, 30, 5, 500), 12);
    fixture_stop(&f);
}

static void test_hpa_min_and_max_clamps(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    f.cfg.hpa.min_replicas = 3;
    f.cfg.hpa.max_replicas = 12;
    fixture_start(&f);
    hr_observation o = obs_settled(15, 10, 500);
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, 12);
    assert_non_null(strstr(d.reason, "TooManyReplicas"));
    assert_int_equal(sync_at(&f, 30, 10, 1), 3);
    /* out of range: straight to the bound, no metrics read */
    o = obs_settled(45, 20, NAN);
    d = reconcile(&f, &o);
    assert_int_equal(d.desired, 12);
    assert_non_null(strstr(d.reason, "above maxReplicas"));
    assert_int_equal(sync_at(&f, 60, 1, NAN), 3);
    fixture_stop(&f);
}

static void test_hpa_scaled_to_zero_is_disabled(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    fixture_start(&f);
    hr_observation o = obs_settled(15, 0, 100);
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, -1);
    assert_non_null(strstr(d.reason, "ScalingDisabled"));
    fixture_stop(&f);
}

static void test_hpa_memory_utilization_and_cpu_average_value(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    only_metric(&f, HR_HPA_RESOURCE, HR_HPA_UTILIZATION, 60, "memory", HR_METRIC_MEMORY);
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 90), 15);  /* 90/60 x 10 */
    fixture_stop(&f);

    hpa_fixture(&f);
    default_behavior(&f, 0);
    only_metric(&f, HR_HPA_RESOURCE, HR_HPA_AVERAGE_VALUE, 0.5, "cpu", HR_METRIC_CPU);
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 0.8), 16);  /* 800m / 500m x 10 */
    assert_int_equal(sync_at(&f, 30, 16, 0.52), 16); /* 1.04: in tolerance */
    fixture_stop(&f);
}

static void test_hpa_pods_metric_average_value(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    only_metric(&f, HR_HPA_PODS, HR_HPA_AVERAGE_VALUE, 100, "http_requests", HR_METRIC_REQUEST_RATE);
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 150), 15);
    assert_int_equal(sync_at(&f, 30, 15, 50), 8);  /* ceil(0.5 x 15) */
    fixture_stop(&f);
}

static void test_hpa_object_and_external_value_and_average_value(void **state)
{
    (void)state;
    hr_hpa_source sources[] = {HR_HPA_OBJECT, HR_HPA_EXTERNAL};
    for (size_t i = 0; i < 2; i++) {
        policy_fixture f;
        /* Value: the total against a total target, times the ready pods */
        hpa_fixture(&f);
        default_behavior(&f, 0);
        add_rate(&f.cfg.hpa.up, true, 1000, 15); /* no rate limit in the way */
        only_metric(&f, sources[i], HR_HPA_VALUE, 1000, "rps", HR_METRIC_REQUEST_RATE);
        fixture_start(&f);
        hr_observation o = obs_settled(15, 10, 2500);
        o.counted = 6; /* only the serving pods count, not those in the datapoint */
        assert_int_equal(reconcile(&f, &o).desired, 25);
        fixture_stop(&f);

        /* AverageValue: ceil(total / target), whatever the pods */
        hpa_fixture(&f);
        default_behavior(&f, 0);
        add_rate(&f.cfg.hpa.up, true, 1000, 15);
        only_metric(&f, sources[i], HR_HPA_AVERAGE_VALUE, 100, "rps", HR_METRIC_REQUEST_RATE);
        fixture_start(&f);
        assert_int_equal(sync_at(&f, 15, 10, 2550), 26);
        assert_int_equal(sync_at(&f, 30, 26, 2650), 26); /* 2650 / 2600: in tolerance */
        fixture_stop(&f);
    }
}

static void test_hpa_two_metrics_take_the_largest_proposal(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    add_metric(&f, HR_HPA_PODS, HR_HPA_AVERAGE_VALUE, 100, "http_requests", HR_METRIC_REQUEST_RATE);
    fixture_start(&f);
    hr_observation o = obs_settled(15, 10, 60); /* cpu: 12 */
    o.input[1] = 150;                           /* requests: 15 */
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, 15);
    assert_non_null(strstr(d.reason, "cpu 60%/50%: 12"));
    /* one metric missing and the other scaling down: hold */
    o = obs_settled(30, 15, 10);
    o.input[1] = NAN;
    d = reconcile(&f, &o);
    assert_int_equal(d.desired, 15);
    assert_non_null(strstr(d.reason, "metrics invalid"));
    /* one missing and the other scaling up: scale up */
    o = obs_settled(45, 15, 100);
    o.input[1] = NAN;
    assert_int_equal(reconcile(&f, &o).desired, 30);
    fixture_stop(&f);
}

static void test_hpa_unready_pods_count_as_idle_on_scale_up(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    fixture_start(&f);
    /* 5 ready at 80% (ratio 1.6) and 5 booting: at 0% the ten average 40%,
     * which would scale down: the direction flips, so hold at 10 */
    hr_observation o = obs_settled(15, 10, 80);
    o.in_service = o.counted = 5;
    o.pending = 5;
    assert_int_equal(reconcile(&f, &o).desired, 10);
    /* 5 ready at 150% and 5 warming (serving, not a full window yet):
     * (5 x 150) / 10 = 75% -> ceil(1.5 x 10) = 15, not ceil(3 x 5) */
    o = obs_settled(30, 10, 150);
    o.in_service = 10;
    o.counted = 5;
    assert_int_equal(reconcile(&f, &o).desired, 15);
    /* on scale-down unready pods are left out: 8 ready at 20% -> 4 */
    o = obs_settled(45, 10, 20);
    o.in_service = o.counted = 8;
    o.pending = 2;
    assert_int_equal(reconcile(&f, &o).desired, 4);
    fixture_stop(&f);
}

static void test_hpa_missing_pods_count_as_full_on_scale_down(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    only_metric(&f, HR_HPA_RESOURCE, HR_HPA_UTILIZATION, 60, "memory", HR_METRIC_MEMORY);
    fixture_start(&f);
    /* 8 ready at 30% and 2 serving without a value: the 2 count as 100%:
     * (8 x 30 + 2 x 100) / 10 = 44% -> ceil(0.7333 x 10) = 8, not 4 */
    hr_observation o = obs_settled(15, 10, 30);
    o.counted = 8;
    assert_int_equal(reconcile(&f, &o).desired, 8);
    fixture_stop(&f);
}

static void test_hpa_per_direction_tolerance(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    f.cfg.hpa.up.has_tolerance = true;
    f.cfg.hpa.up.tolerance = 0.5;
    fixture_start(&f);
    assert_int_equal(sync_at(&f, 15, 10, 74), 10);  /* 1.48 <= 1.5 */
    assert_int_equal(sync_at(&f, 30, 10, 76), 16);
    assert_int_equal(sync_at(&f, 45, 16, 44), 15);  /* down keeps 0.1: ceil(0.88 x 16) */
    fixture_stop(&f);
}

static void test_hpa_without_datapoint_holds(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    fixture_start(&f);
    hr_observation o = obs_settled(15, 10, 100);
    o.has_datapoint = false;
    hr_decision d = reconcile(&f, &o);
    assert_int_equal(d.desired, 10);
    assert_non_null(strstr(d.reason, "no value"));
    fixture_stop(&f);
}

static void test_hpa_scale_events_count_what_was_applied(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    rules(&f.cfg.hpa.up, 0, HR_HPA_SELECT_MAX);
    add_rate(&f.cfg.hpa.up, false, 2, 60);
    fixture_start(&f);
    hr_observation o = obs_settled(15, 10, 100);
    assert_int_equal(decide(&f, &o).desired, 12);
    /* the fleet's limits let only one through */
    hr_policy_applied(f.p, 15, 10, 11);
    /* the period started at 11 - 1 = 10: 12 allowed (not 11, as if 2 were added) */
    o = obs_settled(30, 11, 100);
    assert_int_equal(decide(&f, &o).desired, 12);
    fixture_stop(&f);
}

static void test_hpa_old_events_still_count_in_the_other_direction(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0); /* scale-down: Percent 100 per 15 s */
    rules(&f.cfg.hpa.up, 0, HR_HPA_SELECT_MAX);
    add_rate(&f.cfg.hpa.up, false, 1, 600);
    fixture_start(&f);
    /* down by 2, 1 and 1: at 45 the events of 0 and 15 are outdated for
     * scale-down (older than 15 s), and only the last of them is overwritten */
    hr_policy_applied(f.p, 0, 10, 8);
    hr_policy_applied(f.p, 15, 8, 7);
    hr_policy_applied(f.p, 45, 7, 6);
    /* so 3 removed in the up policy's 600 s remain: the period started at
     * 6 + 3 = 9, and 9 + 1 = 10 are allowed */
    hr_observation o = obs_settled(60, 6, 500);
    assert_int_equal(decide(&f, &o).desired, 10);
    fixture_stop(&f);
}

static void test_hpa_rebalanced_average_is_truncated_again(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    fixture_start(&f);
    /* 2 ready at 83.4% and 1 booting: (2 x 83.4) / 3 = 55.6, read as 55%:
     * ratio 1.1, in tolerance (55.6% would be 1.112 and scale to 4) */
    hr_observation o = obs_settled(15, 3, 83.4);
    o.in_service = o.counted = 2;
    o.pending = 1;
    assert_int_equal(reconcile(&f, &o).desired, 3);
    fixture_stop(&f);
}

static void test_hpa_object_value_rounds_up_to_a_milli_unit(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    add_rate(&f.cfg.hpa.up, true, 1000, 15);
    only_metric(&f, HR_HPA_EXTERNAL, HR_HPA_VALUE, 1, "jobs", HR_METRIC_QUEUE_DEPTH);
    fixture_start(&f);
    /* MilliValue(2.0000004) = 2001m: ratio 2.001, ceil(20.01) = 21 */
    assert_int_equal(sync_at(&f, 15, 10, 2.0000004), 21);
    fixture_stop(&f);
}

static void test_hpa_crashed_pods_are_missing_not_unready(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    default_behavior(&f, 0);
    fixture_start(&f);
    /* 8 ready at 30% and 2 crashed without metrics: on scale-down the 2
     * count at 100%: (8 x 30 + 2 x 100) / 10 = 44% -> ceil(0.88 x 10) = 9 */
    hr_observation o = obs_settled(15, 10, 30);
    o.in_service = o.counted = 8;
    o.failed = 2;
    assert_int_equal(reconcile(&f, &o).desired, 9);
    fixture_stop(&f);
}

static void test_hpa_declares_its_inputs(void **state)
{
    (void)state;
    policy_fixture f;
    hpa_fixture(&f);
    add_metric(&f, HR_HPA_EXTERNAL, HR_HPA_VALUE, 30, "queue_messages", HR_METRIC_QUEUE_DEPTH);
    fixture_start(&f);
    const hr_policy_input *in;
    assert_int_equal(hr_policy_inputs(f.p, &in), 2);
    assert_string_equal(in[0].name, "cpu");
    assert_int_equal(in[0].scope, HR_SCOPE_AVERAGE);
    assert_string_equal(in[1].name, "queue_messages");
    assert_int_equal(in[1].metric, HR_METRIC_QUEUE_DEPTH);
    assert_int_equal(in[1].scope, HR_SCOPE_TOTAL);
    assert_true(hr_policy_sync_period_s(f.p) == 15.0);
    fixture_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hpa_tolerance_holds_at_both_edges),
        cmocka_unit_test(test_hpa_utilization_is_truncated_to_a_whole_percent),
        cmocka_unit_test(test_hpa_ceil_follows_the_controllers_float_arithmetic),
        cmocka_unit_test(test_hpa_no_behavior_limits_scale_up_to_twice_or_four),
        cmocka_unit_test(test_hpa_no_behavior_holds_scale_down_for_five_minutes),
        cmocka_unit_test(test_hpa_scale_down_waits_for_stabilization_window),
        cmocka_unit_test(test_hpa_scale_up_window_takes_the_lowest_recommendation),
        cmocka_unit_test(test_hpa_scale_up_limited_by_pods_policy_within_period),
        cmocka_unit_test(test_hpa_scale_up_limited_by_percent_policy_within_period),
        cmocka_unit_test(test_hpa_scale_down_percent_truncates),
        cmocka_unit_test(test_hpa_select_policy_min_takes_the_smallest_change),
        cmocka_unit_test(test_hpa_select_policy_disabled_stops_that_direction),
        cmocka_unit_test(test_hpa_period_start_counts_removed_replicas),
        cmocka_unit_test(test_hpa_min_and_max_clamps),
        cmocka_unit_test(test_hpa_scaled_to_zero_is_disabled),
        cmocka_unit_test(test_hpa_memory_utilization_and_cpu_average_value),
        cmocka_unit_test(test_hpa_pods_metric_average_value),
        cmocka_unit_test(test_hpa_object_and_external_value_and_average_value),
        cmocka_unit_test(test_hpa_two_metrics_take_the_largest_proposal),
        cmocka_unit_test(test_hpa_unready_pods_count_as_idle_on_scale_up),
        cmocka_unit_test(test_hpa_missing_pods_count_as_full_on_scale_down),
        cmocka_unit_test(test_hpa_per_direction_tolerance),
        cmocka_unit_test(test_hpa_without_datapoint_holds),
        cmocka_unit_test(test_hpa_scale_events_count_what_was_applied),
        cmocka_unit_test(test_hpa_old_events_still_count_in_the_other_direction),
        cmocka_unit_test(test_hpa_rebalanced_average_is_truncated_again),
        cmocka_unit_test(test_hpa_object_value_rounds_up_to_a_milli_unit),
        cmocka_unit_test(test_hpa_crashed_pods_are_missing_not_unready),
        cmocka_unit_test(test_hpa_declares_its_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
