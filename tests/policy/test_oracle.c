/* test_oracle.c - the oracle's decisions given its foresight
 * (src/policy/oracle.c): the lead it allows, scaling out a lead ahead,
 * scaling in only when the whole horizon allows. */
#include <math.h>

#include "policy_fixture.h"

/* Boot 100s (constant), warm-up 60s: lead 160s, horizon 170s of 10s steps
 * (17 steps). */
static void start_oracle(policy_fixture *f)
{
    fixture_init(f, HR_POLICY_ORACLE);
    f->sc.fleet.boot = (hr_dist){.kind = HR_DIST_CONSTANT, .mean_s = 100};
    f->sc.fleet.warmup_s = 60;
    f->sc.fleet.warmup_initial_speed = 0.5;
    fixture_start(f);
}

/* An observation at t with desired instances and the need `low` until
 * step `at` (relative to t) and `high` from there on. */
static hr_observation obs_need(int *need, size_t n, int desired, size_t at, int low, int high)
{
    for (size_t k = 0; k < n; k++)
        need[k] = k < at ? low : high;
    hr_observation o = obs_settled(0, desired, NAN);
    o.has_datapoint = false;
    o.future_need = need;
    o.n_future = n;
    o.future_step_s = 10;
    return o;
}

static void test_oracle_lead_is_the_boot_p99_plus_the_warmup(void **state)
{
    (void)state;
    policy_fixture f;
    start_oracle(&f);
    assert_true(hr_policy_sync_period_s(f.p) == 10);
    assert_true(fabs(hr_policy_foresight_s(f.p) - (100 + 60 + 10)) < 1e-9);
    const hr_policy_input *in;
    assert_int_equal(hr_policy_inputs(f.p, &in), 0); /* it reads no metric */
    fixture_stop(&f);

    /* normal boot: its p99 (mean + 2.326 sd) */
    fixture_init(&f, HR_POLICY_ORACLE);
    f.sc.fleet.boot = (hr_dist){.kind = HR_DIST_NORMAL, .mean_s = 100, .sd_s = 20};
    fixture_start(&f);
    assert_true(fabs(hr_policy_foresight_s(f.p) - (100 + 2.3263 * 20 + 10)) < 0.01);
    fixture_stop(&f);
}

static void test_oracle_lead_counts_slow_boots_beyond_one_in_a_hundred(void **state)
{
    (void)state;
    policy_fixture f;
    /* 5% of boots 3x slower: the p99 is a slow one */
    fixture_init(&f, HR_POLICY_ORACLE);
    f.sc.fleet.boot = (hr_dist){.kind = HR_DIST_CONSTANT, .mean_s = 100};
    f.sc.fleet.slow_boot_share = 0.05;
    f.sc.fleet.slow_boot_factor = 3;
    fixture_start(&f);
    assert_true(fabs(hr_policy_foresight_s(f.p) - (300 + 10)) < 0.01);
    fixture_stop(&f);
    /* 0.5% slow: the p99 is an ordinary one */
    fixture_init(&f, HR_POLICY_ORACLE);
    f.sc.fleet.boot = (hr_dist){.kind = HR_DIST_CONSTANT, .mean_s = 100};
    f.sc.fleet.slow_boot_share = 0.005;
    f.sc.fleet.slow_boot_factor = 3;
    fixture_start(&f);
    assert_true(fabs(hr_policy_foresight_s(f.p) - (100 + 10)) < 0.01);
    fixture_stop(&f);
}

static void test_oracle_scales_out_a_lead_ahead_of_the_need(void **state)
{
    (void)state;
    policy_fixture f;
    start_oracle(&f);
    int need[17];
    /* the need rises 170s ahead: beyond the horizon, nothing yet */
    hr_observation o = obs_need(need, 17, 2, 17, 2, 8);
    o.n_future = 17;
    assert_int_equal(decide(&f, &o).desired, 2);
    /* 160s ahead (step 16, the last of the horizon): launch now */
    o = obs_need(need, 17, 2, 16, 2, 8);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 8);
    assert_string_equal(d.reason, "oracle: the true load needs 8 instances in 160s; launched now, "
                                  "they are at full speed within 160s");
    /* already there: hold */
    o = obs_need(need, 17, 8, 3, 2, 8);
    d = decide(&f, &o);
    assert_int_equal(d.desired, 8);
    assert_string_equal(d.reason, "oracle: 8 instances hold the SLO over the next 170s");
    fixture_stop(&f);
}

static void test_oracle_scales_in_only_when_the_whole_horizon_allows(void **state)
{
    (void)state;
    policy_fixture f;
    start_oracle(&f);
    int need[17];
    /* 8 needed now, 2 from 100s on: an instance removed now would not be
     * back in time if the need rose again; here it does not, but the
     * oracle keeps 8 while any step of its horizon needs 8 */
    hr_observation o = obs_need(need, 17, 8, 10, 8, 2);
    assert_int_equal(decide(&f, &o).desired, 8);
    /* a late need of 6 at the horizon's last step holds 6 */
    o = obs_need(need, 17, 8, 0, 8, 2);
    need[16] = 6;
    assert_int_equal(decide(&f, &o).desired, 6);
    /* 2 over the whole horizon: scale in */
    o = obs_need(need, 17, 8, 0, 8, 2);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, 2);
    assert_string_equal(d.reason, "oracle: the true load needs at most 2 instances over the next "
                                  "170s (an instance removed now takes 160s to come back)");
    fixture_stop(&f);
}

static void test_oracle_without_foresight_has_no_opinion(void **state)
{
    (void)state;
    policy_fixture f;
    start_oracle(&f);
    hr_observation o = obs_settled(60, 4, 90.0);
    hr_decision d = decide(&f, &o);
    assert_int_equal(d.desired, -1);
    assert_string_equal(d.reason, "oracle: no foresight of the load (only a simulation run gives it)");
    fixture_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oracle_lead_is_the_boot_p99_plus_the_warmup),
        cmocka_unit_test(test_oracle_lead_counts_slow_boots_beyond_one_in_a_hundred),
        cmocka_unit_test(test_oracle_scales_out_a_lead_ahead_of_the_need),
        cmocka_unit_test(test_oracle_scales_in_only_when_the_whole_horizon_allows),
        cmocka_unit_test(test_oracle_without_foresight_has_no_opinion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
