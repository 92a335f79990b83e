/* test_static.c - the static policy and the kind registration table. */
#include "policy_fixture.h"

static void test_static_keeps_capacity(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_STATIC);
    f.cfg.instances = 6;
    fixture_start(&f);

    /* Whatever the load or the current fleet, it asks for its 6. */
    hr_observation hot = obs_settled(60, 10, 99.0);
    hr_decision d = decide(&f, &hot);
    assert_int_equal(d.desired, 6);
    assert_string_equal(d.reason, "static policy: 6 instances");

    hr_observation idle = obs_settled(120, 3, 0.0);
    assert_int_equal(decide(&f, &idle).desired, 6);
    fixture_stop(&f);
}

static void test_static_proposes_without_a_datapoint(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_STATIC);
    f.cfg.instances = 4;
    fixture_start(&f);
    hr_observation o = obs_settled(0, 2, 0.0);
    o.has_datapoint = false;
    o.counted = 0;
    assert_int_equal(decide(&f, &o).desired, 4);
    fixture_stop(&f);
}

static void test_static_reads_no_metric(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_STATIC);
    f.cfg.instances = 4;
    f.cfg.warmup_s = 300; /* ignored: only target tracking has a warm-up */
    fixture_start(&f);
    const hr_policy_input *in;
    assert_int_equal(hr_policy_inputs(f.p, &in), 0);
    assert_true(hr_policy_metric_warmup_s(f.p) == 0.0);
    fixture_stop(&f);
}

static void test_policy_metric_is_the_configured_one(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_TARGET_TRACKING);
    f.cfg.metric = HR_METRIC_REQUEST_RATE;
    f.cfg.target = 100;
    f.cfg.warmup_s = 300;
    fixture_start(&f);
    const hr_policy_input *in;
    assert_int_equal(hr_policy_inputs(f.p, &in), 1);
    assert_int_equal(in[0].metric, HR_METRIC_REQUEST_RATE);
    assert_string_equal(in[0].name, "request_rate");
    assert_true(hr_policy_metric_warmup_s(f.p) == 300.0);
    fixture_stop(&f);

    fixture_init(&f, HR_POLICY_STEP);
    f.cfg.metric = HR_METRIC_QUEUE_DEPTH;
    f.cfg.warmup_s = 300;
    f.cfg.breach_s = 60;
    fixture_add_above(&f, 10, 1);
    fixture_start(&f);
    assert_int_equal(hr_policy_inputs(f.p, &in), 1);
    assert_int_equal(in[0].metric, HR_METRIC_QUEUE_DEPTH);
    assert_true(hr_policy_metric_warmup_s(f.p) == 0.0);
    fixture_stop(&f);
}

static void test_policy_kind_names_match_the_scenario_spelling(void **state)
{
    (void)state;
    assert_string_equal(hr_policy_kind_name(HR_POLICY_STATIC), "static");
    assert_string_equal(hr_policy_kind_name(HR_POLICY_STEP), "step");
    assert_string_equal(hr_policy_kind_name(HR_POLICY_TARGET_TRACKING), "target_tracking");
    assert_string_equal(hr_policy_kind_name(HR_POLICY_HPA), "hpa");
    assert_string_equal(hr_policy_kind_name(HR_POLICY_PREDICTIVE), "predictive");
    assert_string_equal(hr_policy_kind_name(HR_POLICY_MAX), "max");
    assert_string_equal(hr_policy_kind_name(HR_POLICY_MIN), "min");
    assert_string_equal(hr_policy_kind_name((hr_policy_kind)42), "unknown");
}

static void test_policy_new_rejects_an_unknown_kind(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, (hr_policy_kind)42);
    hr_error err = {0};
    hr_policy *p = (hr_policy *)&f; /* must be reset to NULL */
    assert_int_equal(hr_policy_new(&f.cfg, &f.sc, &p, &err), HR_EINVAL);
    assert_null(p);
    assert_non_null(strstr(err.msg, "under-test"));
    assert_non_null(strstr(err.msg, "target_tracking"));
}

static void test_policy_new_names_the_policy_when_init_fails(void **state)
{
    (void)state;
    policy_fixture f;
    fixture_init(&f, HR_POLICY_TARGET_TRACKING);
    f.cfg.target = 0; /* target tracking needs a target > 0 */
    hr_error err = {0};
    hr_policy *p = NULL;
    assert_int_equal(hr_policy_new(&f.cfg, &f.sc, &p, &err), HR_EINVAL);
    assert_null(p);
    assert_non_null(strstr(err.msg, "policy \"under-test\""));
    assert_non_null(strstr(err.msg, "target"));
}

static void test_policy_free_accepts_null(void **state)
{
    (void)state;
    hr_policy_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_keeps_capacity),
        cmocka_unit_test(test_static_proposes_without_a_datapoint),
        cmocka_unit_test(test_static_reads_no_metric),
        cmocka_unit_test(test_policy_metric_is_the_configured_one),
        cmocka_unit_test(test_policy_kind_names_match_the_scenario_spelling),
        cmocka_unit_test(test_policy_new_rejects_an_unknown_kind),
        cmocka_unit_test(test_policy_new_names_the_policy_when_init_fails),
        cmocka_unit_test(test_policy_free_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
