/* test_scenario.c - tests for src/scenario/ (the YAML loader and profiles).
 *
 * The broken scenarios in tests/data/bad/ hold one defect each; the table
 * below asserts the exact message users see, position included. The tests
 * run from the source directory so paths read as in docs/scenario.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "headroom/scenario.h"

#define MINIMAL                                                                   \
    "scenario: t\n"                                                               \
    "duration: 1h\n"                                                              \
    "traffic: {base_rps: 10}\n"                                                   \
    "workload:\n"                                                                 \
    "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n" \
    "fleet:\n"                                                                    \
    "  instance: {concurrency: 4, price_per_hour: 0.1}\n"                         \
    "  max: 10\n"

/* cmocka 1.1 has no assert_double_equal. */
#define assert_close(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static int load_text(const char *text, hr_scenario *sc, hr_error *err)
{
    return hr_scenario_load_string("x.yaml", text, strlen(text), sc, err);
}

/* Load text that must be valid; fail the test with the loader's message. */
static void load_ok(const char *text, hr_scenario *sc)
{
    hr_error err;
    int rc = load_text(text, sc, &err);
    if (rc != HR_OK)
        fail_msg("scenario should load: %s", err.msg);
}

static void assert_load_fails(const char *text, int code, const char *msg)
{
    hr_scenario sc;
    hr_error err;
    int rc = load_text(text, &sc, &err);
    assert_int_equal(rc, code);
    assert_string_equal(err.msg, msg);
}

static int chdir_source(void **state)
{
    (void)state;
    return chdir(HR_SOURCE_DIR);
}

/* ---- broken scenarios ---------------------------------------------------- */

static const struct bad_case {
    const char *file;
    int code;
    const char *msg;
} bad_cases[] = {
    {"breach_two_million_days", HR_EINVAL,
     "10:52: policies[0] (steps).breach: must be at most 36500d (a hundred years), got 2000000d"},
    {"breach_over_a_day", HR_EINVAL,
     "10:52: policies[0] (steps).breach: must be at most 1d (CloudWatch evaluates an alarm "
     "over at most a day), got 2d"},
    {"step_add_near_int_max", HR_EINVAL,
     "10:69: policies[0] (steps).steps[0].add: must be an integer from 1 to 10, got 2147483000"},
    {"simple_adjustment_huge", HR_EINVAL,
     "10:65: policies[0] (s).adjustment: a change of at most fleet.max (10) instances either "
     "way, got 2147483000"},
    {"duration_1e11_days", HR_EINVAL,
     "2:11: duration: must be at most 36500d (a hundred years), got 100000000000d"},
    {"tick_one_nanosecond", HR_EINVAL,
     "3:7: tick: must be at least 1ms, got 0.000000001"},
    {"ticks_beyond_a_run", HR_EINVAL,
     "3:7: tick: 3.46e+10 ticks is more than the 100 million a run may have; use a tick of at "
     "least 0.3456s for this duration"},
    {"metrics_delay_huge", HR_EINVAL,
     "9:31: metrics.delay: must be at most 100 metrics periods (a datapoint published that "
     "late is of no use to a policy), got 1000d"},
    {"event_multiplier_1e300", HR_EINVAL,
     "3:86: traffic.events[0] (boom).multiplier: must be greater than 0 and at most 1000, got "
     "1e300"},
    {"weekly_factor_1e308", HR_EINVAL,
     "3:39: traffic.weekly.mon: must be from 0 to 1000, got 1e308"},
    {"noise_sigma_huge", HR_EINVAL,
     "3:40: traffic.noise.sigma: must be from 0 to 3, got 1000"},
    {"nesting_70_deep", HR_EINVAL, "4:77: nested more than 64 levels deep; a scenario needs about 10"},
    {"nul_in_name", HR_EINVAL,
     "10:12: a NUL character (\\0) in a value; names, words and numbers are text"},
    {"utf16_without_bom", HR_EINVAL,
     "1: a NUL byte: a scenario file is UTF-8 text (or UTF-16/32 with a byte-order mark)"},
    {"price_1e308", HR_EINVAL,
     "7:46: fleet.instance.price_per_hour: must be from 0 to 1e+06, got 1e308"},
    {"alias_bomb_in_events", HR_EINVAL,
     "3:1: lol0: unknown key; valid keys: scenario, description, duration, tick, fidelity, "
     "seed, replications, traffic, workload, fleet, metrics, slo, policies, limits, calendar"},
    {"alias_bomb_top", HR_EINVAL,
     "1:1: a: unknown key; valid keys: scenario, description, duration, tick, fidelity, seed, "
     "replications, traffic, workload, fleet, metrics, slo, policies, limits, calendar"},
    {"binary", HR_EINVAL,
     "1: a NUL byte: a scenario file is UTF-8 text (or UTF-16/32 with a byte-order mark)"},
    {"comments_only", HR_EINVAL,
     "1:1: the file is empty; a scenario needs at least scenario, duration, traffic, "
     "workload, fleet and policies"},
    {"concurrency_huge", HR_EINVAL,
     "7:27: fleet.instance.concurrency: must be an integer from 1 to 100000, got 4000000"},
    {"cron_minute_61", HR_EINVAL,
     "10:50: policies[0] (s).schedule[0].cron: minute field \"61\": values run from 0 to 59"},
    {"date_february_30", HR_EINVAL,
     "4:19: calendar.start: expected a date like 2026-11-26, a date and time like "
     "\"2026-11-26T06:00\", or a weekday like mon, got 2026-02-30"},
    {"duplicate_tenant", HR_EINVAL,
     "5:44: traffic.tenants[1] (a).name: duplicate tenant name; traffic.tenants[0] is already "
     "called a"},
    {"duration_list", HR_EINVAL,
     "2:11: duration: expected a duration like 90s or 250ms, got a list"},
    {"duration_nan", HR_EINVAL,
     "2:11: duration: expected a duration like 90s or 250ms, got \".nan\""},
    {"duration_negative", HR_EINVAL,
     "2:11: duration: expected a duration like 90s or 250ms, got \"-1h\""},
    {"duration_unknown_unit", HR_EINVAL,
     "2:11: duration: expected a duration like 90s or 250ms, got \"1y\""},
    {"duration_without_unit_tail", HR_EINVAL,
     "2:11: duration: expected a duration like 90s or 250ms, got \"1h30\""},
    {"fleet_max_fraction", HR_EINVAL,
     "8:8: fleet.max: must be an integer of at least 1, got 10.5"},
    {"fleet_max_huge", HR_EINVAL,
     "8:8: fleet.max: must be an integer of at least 1, got 1e12"},
    {"forecaster_unknown", HR_EINVAL,
     "10:45: policies[0] (p).forecaster: unknown forecaster \"prophet\"; expected one of "
     "seasonal_naive, holt_winters, linear, polynomial"},
    {"key_as_list", HR_EINVAL,
     "2:1: expected a key name, got a list"},
    {"manifest_missing", HR_EINVAL,
     "10:36: policies[0] (h).manifest: cannot read tests/data/bad/missing-hpa.yaml: No such "
     "file or directory (a manifest path is relative to the scenario file)"},
    {"max_self", HR_EINVAL,
     "10:37: policies[0] (m).policies[0]: a policy cannot name itself; name another policy"},
    {"rate_inf", HR_EINVAL,
     "3:21: traffic.base_rps: expected a number, got \".inf\""},
    {"rate_minus_inf", HR_EINVAL,
     "3:21: traffic.base_rps: expected a number, got \"-.inf\""},
    {"rate_nan", HR_EINVAL,
     "3:21: traffic.base_rps: expected a number, got \".nan\""},
    {"rate_overflowing_literal", HR_EINVAL,
     "3:21: traffic.base_rps: expected a number, got \"1e999\""},
    {"schedule_hour_25", HR_EINVAL,
     "10:48: policies[0] (s).schedule[0].at: expected a time of day like \"08:00\" (every "
     "day, or on days), a date and time like \"2026-11-27T08:00\" or a date (once), got "
     "\"25:00\""},
    {"service_mean_zero", HR_EINVAL,
     "5:70: workload.classes[0] (api).service.mean: must be greater than 0, got 0s"},
    {"shares_not_one", HR_EINVAL,
     "5:12: workload.classes: shares must sum to 1, got 0.5"},
    {"tab_inside_flow", HR_EINVAL,
     "10:52: policies[0] (steps).breach: must be at least metrics.period (1m), got 30s"},
    {"target_huge", HR_EINVAL,
     "10:59: policies[0] (t).target: must be greater than 0 and at most 100, got 1e308"},
    {"target_nan", HR_EINVAL,
     "10:59: policies[0] (t).target: expected a number, got \".nan\""},
    {"time_zone_unknown", HR_EINVAL,
     "4:50: calendar.time_zone: unknown time zone \"Mars/Olympus\"; expected an IANA name "
     "like Europe/Berlin, America/New_York, Asia/Tokyo or UTC (a file under "
     "/usr/share/zoneinfo; install the tzdata package if that folder is empty)"},
    {"trace_missing", HR_EINVAL,
     "3:26: traffic.replay.file: cannot read tests/data/bad/missing.csv: No such file or "
     "directory (a trace path is relative to the scenario file)"},
    {"unclosed_flow", HR_EINVAL,
     "4:9: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping "
     "at 3:10)"},
    {"bad_scenario_name", HR_EINVAL,
     "1:11: scenario: must contain only letters, digits, '.', '_' and '-', got \"black friday\""},
    {"bool_yes", HR_EINVAL,
     "10:86: policies[0] (cpu-70).disable_scale_in: expected true or false, got \"yes\""},
    {"boot_mean", HR_EINVAL,
     "14:11: fleet.boot.mean: expected a duration like 90s or 250ms, got \"fast\""},
    {"breach_too_short", HR_EINVAL,
     "10:52: policies[0] (steps).breach: must be at least metrics.period (1m), got 30s"},
    {"concurrency_zero", HR_EINVAL,
     "7:27: fleet.instance.concurrency: must be an integer from 1 to 100000, got 0"},
    {"cpu_target", HR_EINVAL,
     "10:65: policies[0] (cpu-170).target: must be greater than 0 and at most 100, got 170"},
    {"diurnal_count", HR_EINVAL, "5:12: traffic.diurnal: expected 24 hourly multipliers, got 23"},
    {"duplicate_class", HR_EINVAL,
     "7:14: workload.classes[1] (api).name: duplicate class name; workload.classes[0] is "
     "already called api"},
    {"duplicate_key", HR_EINVAL, "10:3: fleet.max: duplicate key; it is already set at line 8"},
    {"duplicate_policy", HR_EINVAL,
     "11:12: policies[1] (fixed).name: duplicate policy name; policies[0] is already called fixed"},
    {"empty", HR_EINVAL,
     "1:1: the file is empty; a scenario needs at least scenario, duration, traffic, workload, "
     "fleet and policies"},
    {"error_rate_range", HR_EINVAL, "9:19: slo.error_rate: must be from 0 to 100, got 120"},
    {"fidelity_unknown", HR_EINVAL,
     "3:11: fidelity: unknown fidelity \"exact\"; expected one of auto, request, fluid"},
    {"fractional_replications", HR_EINVAL,
     "3:15: replications: must be an integer from 1 to 1000, got 2.5"},
    {"hpa_manifest_missing", HR_EINVAL,
     "11:38: policies[1] (hpa).manifest: cannot read tests/data/bad/k8s/hpa.yaml: No such file "
     "or directory (a manifest path is relative to the scenario file)"},
    {"initial_out_of_range", HR_EINVAL,
     "9:12: fleet.initial: must be from fleet.min (1) to fleet.max (10), got 11"},
    {"lognormal_sigma_and_p99", HR_EINVAL,
     "5:86: workload.classes[0] (api).service.p99: give sigma or p99, not both"},
    {"memory_metric", HR_EINVAL,
     "10:51: policies[0] (mem-60).metric: reads memory, but the fleet has no memory model; give "
     "fleet.instance.memory_base_gb (GiB in use when idle) and memory_per_request_mb (MiB per "
     "request in flight)"},
    {"fleet_too_many_workers", HR_EINVAL,
     "9:8: fleet.max: max x concurrency must be at most 100000000 workers, got 50000000 x 4; "
     "lower fleet.max"},
    {"min_above_max", HR_EINVAL, "9:8: fleet.max: must be at least fleet.min (5), got 3"},
    {"missing_base_rps", HR_EINVAL, "4:3: traffic: missing required key base_rps"},
    {"missing_policies", HR_EINVAL, "1:1: missing required key policies"},
    {"nan_rate", HR_EINVAL, "3:21: traffic.base_rps: expected a number, got \".nan\""},
    {"period_not_tick_multiple", HR_EINVAL,
     "4:19: metrics.period: must be a multiple of tick (1m), got 90s"},
    {"policy_limits_bad", HR_EINVAL,
     "10:79: policies[0] (fixed).limits.max_scale_in_per_hour: must be an integer of at least 1, "
     "got 0"},
    {"queue_limit_negative", HR_EINVAL,
     "5:16: workload.queue_limit: must be an integer of at least 0, got -1"},
    {"ramp_too_long", HR_EINVAL,
     "6:67: traffic.events[0] (sale).ramp: must be at most half of duration (1h) so the ramps in "
     "and out fit, got 40m"},
    {"scalar_for_mapping", HR_EINVAL,
     "9:9: fleet.boot: expected a mapping like {dist: lognormal, mean: 40ms, p99: 300ms}, got a "
     "scalar"},
    {"seed_negative", HR_EINVAL,
     "3:7: seed: must be an integer from 0 to 18446744073709551615, got -1"},
    {"shares_sum", HR_EINVAL, "6:5: workload.classes: shares must sum to 1, got 0.9"},
    {"spike_duration", HR_EINVAL,
     "6:47: traffic.events[0] (viral).duration: spike events take no duration; a spike rises "
     "over ramp and decays with decay"},
    {"spot_discount_missing", HR_EINVAL, "9:9: fleet.spot: missing required key discount"},
    {"static_out_of_range", HR_EINVAL,
     "10:44: policies[0] (fixed).instances: must be from fleet.min (1) to fleet.max (10), got 50"},
    {"static_target", HR_EINVAL,
     "10:47: policies[0] (fixed).target: static policies take no target; valid keys: name, kind, "
     "instances, limits, schedule"},
    {"step_mismatch", HR_EINVAL,
     "15:21: policies[0] (steps).steps[1].remove: a step with above adds instances; write add: N"},
    {"step_overlap", HR_EINVAL,
     "13:42: policies[0] (steps).steps[1].below: overlaps steps[0] (below 80 is not under above "
     "70); every below must be lower than every above"},
    {"syntax_error", HR_EINVAL,
     "9:8: YAML syntax error: mapping values are not allowed in this context"},
    {"tenant_base_rps_missing", HR_EINVAL,
     "5:13: traffic.tenants[0] (acme): missing required key base_rps"},
    {"tick_above_duration", HR_EINVAL, "3:7: tick: must be at most duration (1h), got 2h"},
    {"two_documents", HR_EINVAL,
     "12:1: a second YAML document; a scenario file holds exactly one (remove the '---')"},
    {"unknown_key", HR_EINVAL, "4:3: traffic.base_rsp: unknown key; did you mean base_rps?"},
    {"unknown_kind", HR_EINVAL,
     "10:25: policies[0] (fixed).kind: unknown kind \"statik\"; did you mean static?"},
    {"unknown_metric", HR_EINVAL,
     "10:46: policies[0] (q).metric: unknown metric \"queue\"; did you mean queue_depth?"},
    {"unknown_profile", HR_EINVAL,
     "3:34: traffic.diurnal: unknown profile \"ecomerce\"; did you mean ecommerce?"},
    {"unknown_top_key", HR_EINVAL,
     "3:1: colour: unknown key; valid keys: scenario, description, duration, tick, fidelity, "
     "seed, replications, traffic, workload, fleet, metrics, slo, policies, limits, calendar"},
    {"weekly_day", HR_EINVAL, "5:12: traffic.weekly.satu: unknown key; did you mean sat?"},
    {"wrong_dist_param", HR_EINVAL,
     "9:35: fleet.boot.cv: cv applies to gamma only; normal takes mean and sd"},
};

static void test_each_broken_scenario_reports_exact_position_and_message(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char path[256], want[HR_ERROR_MAX];
        hr_scenario sc;
        hr_error err;
        snprintf(path, sizeof path, "tests/data/bad/%s.yaml", bad_cases[i].file);
        snprintf(want, sizeof want, "%s:%s", path, bad_cases[i].msg);
        int rc = hr_scenario_load(path, &sc, &err);
        if (rc != bad_cases[i].code || strcmp(err.msg, want) != 0)
            fail_msg("%s: got %d \"%s\"\n want %d \"%s\"", path, rc, err.msg, bad_cases[i].code,
                     want);
    }
}

/* Every file in tests/data/bad/ is in the table (or has its own test), so
 * each holds a known defect. */
static void test_every_bad_fixture_is_checked(void **state)
{
    (void)state;
    DIR *dir = opendir("tests/data/bad");
    assert_non_null(dir);
    size_t n_files = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        n_files++;
        bool known = strcmp(e->d_name, "lognormal_p99_below_mean.yaml") == 0;
        for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0] && !known; i++)
            known = strlen(bad_cases[i].file) == len - 5 &&
                    strncmp(bad_cases[i].file, e->d_name, len - 5) == 0;
        if (!known)
            fail_msg("tests/data/bad/%s has no expected message", e->d_name);
    }
    closedir(dir);
    assert_true(n_files >= 20);
}

/* hr_dist_prepare's own words come after the position and key path. */
static void test_distribution_errors_are_prefixed_with_position(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    const char *path = "tests/data/bad/lognormal_p99_below_mean.yaml";
    const char *prefix = "tests/data/bad/lognormal_p99_below_mean.yaml:5:44: "
                         "workload.classes[0] (api).service: ";
    assert_int_equal(hr_scenario_load(path, &sc, &err), HR_EINVAL);
    assert_memory_equal(err.msg, prefix, strlen(prefix));
    assert_non_null(strstr(err.msg, "p99"));
}

/* A scenario saved as UTF-16 or UTF-32 (with its byte-order mark) reads
 * as the same scenario, its text kept whole as UTF-8 for the store. */
static void test_utf16_and_utf32_scenarios_read_as_their_utf8_text(void **state)
{
    (void)state;
    hr_scenario want, got;
    hr_error err;
    assert_int_equal(hr_scenario_load("tests/data/e2e/small.yaml", &want, &err), HR_OK);
    const char *encodings[] = {"UTF-16", "UTF-32"};
    for (size_t e = 0; e < 2; e++) {
        char cmd[512], path[64];
        snprintf(path, sizeof path, "/tmp/headroom-%s-%d.yaml", encodings[e], (int)getpid());
        snprintf(cmd, sizeof cmd, "iconv -f UTF-8 -t %s tests/data/e2e/small.yaml > %s",
                 encodings[e], path);
        assert_int_equal(system(cmd), 0);
        int rc = hr_scenario_load(path, &got, &err);
        remove(path);
        if (rc != HR_OK)
            fail_msg("%s: %s", encodings[e], err.msg);
        assert_string_equal(got.text, want.text);
        assert_int_equal(got.n_policies, want.n_policies);
        assert_string_equal(got.policies[2].source, want.policies[2].source);
        hr_scenario_free(&got);
    }
    hr_scenario_free(&want);
}

/* Every input the fuzzers found a defect with (tests/fuzz/regressions/)
 * loads or fails with a message; under the sanitizer build, cleanly. */
static void test_fuzz_findings_load_or_fail_cleanly(void **state)
{
    (void)state;
    DIR *dir = opendir("tests/fuzz/regressions/scenario");
    assert_non_null(dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/fuzz/regressions/scenario/%s", e->d_name);
        hr_scenario sc;
        hr_error err;
        int rc = hr_scenario_load(path, &sc, &err);
        if (rc == HR_OK)
            hr_scenario_free(&sc);
        else
            assert_true(strstr(err.msg, path) == err.msg); /* a message that names the file */
        n++;
    }
    closedir(dir);
    assert_true(n >= 1);
}

static void test_missing_file_is_an_io_error(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    assert_int_equal(hr_scenario_load("tests/data/no-such.yaml", &sc, &err), HR_EIO);
    assert_string_equal(err.msg, "cannot read tests/data/no-such.yaml: No such file or directory");
    assert_null(sc.name);
}

static void test_directory_is_an_io_error(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    assert_int_equal(hr_scenario_load("tests/data", &sc, &err), HR_EIO);
    assert_string_equal(err.msg, "cannot read tests/data: Is a directory");
}

/* ---- the full example ------------------------------------------------------ */

static void test_full_example_loads_every_field(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    int rc = hr_scenario_load("tests/data/good/full.yaml", &sc, &err);
    if (rc != HR_OK)
        fail_msg("%s", err.msg);

    assert_string_equal(sc.path, "tests/data/good/full.yaml");
    assert_non_null(strstr(sc.text, "scenario: black-friday"));
    assert_string_equal(sc.name, "black-friday");
    assert_string_equal(sc.description, "Checkout API from Thursday to Cyber Monday.");
    assert_true(sc.duration_s == 5 * 86400.0);
    assert_true(sc.tick_s == 1.0);
    assert_int_equal(sc.fidelity, HR_FIDELITY_AUTO);
    assert_true(sc.seed == 42);
    assert_int_equal(sc.replications, 5);

    const hr_traffic_config *t = &sc.traffic;
    double ecommerce[24];
    assert_int_equal(hr_diurnal_profile("ecommerce", ecommerce), HR_OK);
    assert_true(t->base_rps == 800);
    assert_string_equal(t->diurnal_name, "ecommerce");
    assert_memory_equal(t->diurnal, ecommerce, sizeof ecommerce);
    assert_true(t->weekly[5] == 0.7 && t->weekly[6] == 0.6);
    for (int d = 0; d < 5; d++)
        assert_true(t->weekly[d] == 1.0);
    assert_int_equal(t->start_day, 3);
    assert_true(t->growth_monthly == 0.25);
    assert_true(t->noise_sigma == 0.08 && t->noise_correlation_s == 300);
    assert_int_equal(t->n_events, 3);
    assert_string_equal(t->events[0].name, "black-friday");
    assert_int_equal(t->events[0].shape, HR_EVENT_PLATEAU);
    assert_true(t->events[0].start_s == 86400 && t->events[0].duration_s == 86400);
    assert_true(t->events[0].multiplier == 5 && t->events[0].ramp_s == 7200);
    assert_true(t->events[1].start_s == 86400 + 14 * 3600 && t->events[1].duration_s == 1200);
    assert_true(t->events[1].multiplier == 12 && t->events[1].ramp_s == 30);
    assert_string_equal(t->events[2].name, "viral");
    assert_int_equal(t->events[2].shape, HR_EVENT_SPIKE);
    assert_true(t->events[2].start_s == 2 * 86400 && t->events[2].duration_s == 0);
    assert_true(t->events[2].multiplier == 20 && t->events[2].decay_s == 6 * 3600);
    assert_true(t->events[2].ramp_s == 0);

    const hr_workload_config *w = &sc.workload;
    assert_int_equal(w->n_classes, 2);
    assert_string_equal(w->classes[0].name, "browse");
    assert_true(w->classes[0].share == 0.8);
    assert_int_equal(w->classes[0].service.kind, HR_DIST_LOGNORMAL);
    assert_true(w->classes[0].service.mean_s == 0.04 && w->classes[0].service.p99_s == 0.3);
    assert_true(w->classes[0].service.sigma > 0); /* derived by hr_dist_prepare */
    assert_string_equal(w->classes[1].name, "checkout");
    assert_int_equal(w->classes[1].service.kind, HR_DIST_GAMMA);
    assert_true(w->classes[1].service.mean_s == 0.12 && w->classes[1].service.cv == 1.5);
    assert_true(w->timeout_s == 2 && w->queue_limit == 256);

    const hr_fleet_config *f = &sc.fleet;
    assert_string_equal(f->instance_type, "c5.large");
    assert_true(f->vcpu == 2 && f->memory_gb == 4);
    assert_int_equal(f->concurrency, 16);
    assert_true(f->price_per_hour == 0.085);
    assert_int_equal(f->boot.kind, HR_DIST_NORMAL);
    assert_true(f->boot.mean_s == 90 && f->boot.sd_s == 15);
    assert_true(f->warmup_s == 120 && f->warmup_initial_speed == 0.4);
    assert_true(f->drain_s == 30);
    assert_true(f->mtbf_s == 72 * 3600 && f->detect_s == 30);
    assert_true(f->billing_granularity_s == 1 && f->billing_minimum_s == 60);
    assert_int_equal(f->initial, 6);
    assert_int_equal(f->min, 2);
    assert_int_equal(f->max, 200);
    assert_int_equal(f->load_balancer, HR_LB_LEAST_OUTSTANDING);

    assert_true(sc.metrics.period_s == 60 && sc.metrics.delay_s == 60);
    assert_true(sc.slo.latency_p95_s == 0.3 && sc.slo.latency_p99_s == 1);
    assert_true(sc.slo.error_rate_pct == 0.1 && sc.slo.window_s == 300);
    assert_true(sc.slo.objective_pct == 99.5);

    assert_true(sc.limits.has_max_scale_out_per_hour && sc.limits.max_scale_out_per_hour == 10);
    assert_true(sc.limits.has_max_scale_in_per_hour && sc.limits.max_scale_in_per_hour == 5);
    assert_true(sc.limits.has_budget_per_hour && sc.limits.budget_per_hour == 40);

    assert_int_equal(sc.n_policies, 3);
    const hr_policy_config *st = &sc.policies[0];
    assert_string_equal(st->name, "static-60");
    assert_int_equal(st->kind, HR_POLICY_STATIC);
    assert_int_equal(st->instances, 60);
    assert_int_equal(st->pos.line, 60);
    assert_int_equal(st->pos.column, 5);
    assert_true(st->limits.has_budget_per_hour && st->limits.budget_per_hour == 40);

    const hr_policy_config *tt = &sc.policies[1];
    assert_string_equal(tt->name, "cpu-70");
    assert_int_equal(tt->kind, HR_POLICY_TARGET_TRACKING);
    assert_int_equal(tt->metric, HR_METRIC_CPU);
    assert_true(tt->target == 70 && tt->warmup_s == 300);
    assert_true(tt->scale_in_cooldown_s == 600 && tt->scale_out_cooldown_s == 30);
    assert_true(tt->disable_scale_in);
    /* The policy's own budget overrides; the other limits come from the scenario. */
    assert_true(tt->limits.has_budget_per_hour && tt->limits.budget_per_hour == 12.5);
    assert_true(tt->limits.has_max_scale_out_per_hour && tt->limits.max_scale_out_per_hour == 10);
    assert_true(tt->limits.has_max_scale_in_per_hour && tt->limits.max_scale_in_per_hour == 5);

    const hr_policy_config *sp = &sc.policies[2];
    assert_string_equal(sp->name, "steps");
    assert_int_equal(sp->kind, HR_POLICY_STEP);
    assert_int_equal(sp->metric, HR_METRIC_CPU);
    assert_true(sp->breach_s == 180 && sp->cooldown_s == 300);
    assert_int_equal(sp->n_steps, 3);
    assert_true(sp->steps[0].has_above && !sp->steps[0].has_below);
    assert_true(sp->steps[0].above == 70 && sp->steps[0].change == 1);
    assert_true(sp->steps[1].above == 85 && sp->steps[1].change == 3);
    assert_true(sp->steps[2].has_below && !sp->steps[2].has_above);
    assert_true(sp->steps[2].below == 30 && sp->steps[2].change == -1);
    assert_int_equal(sp->steps[2].pos.line, 77);
    assert_int_equal(sp->steps[2].pos.column, 55);

    hr_scenario_free(&sc);
    assert_null(sc.policies);
}

/* The stored policy text is the policy as written, dedented, without the
 * comment that introduces the next policy. */
static void test_policy_source_is_the_policy_text_as_written(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    assert_int_equal(hr_scenario_load("tests/data/good/full.yaml", &sc, &err), HR_OK);
    assert_string_equal(sc.policies[0].source, "name: static-60\nkind: static\ninstances: 60");
    assert_string_equal(sc.policies[1].source,
                        "name: cpu-70\n"
                        "kind: target_tracking\n"
                        "metric: cpu\n"
                        "target: 70\n"
                        "warmup: 300s\n"
                        "scale_in_cooldown: 10m\n"
                        "scale_out_cooldown: 30s\n"
                        "disable_scale_in: true\n"
                        "limits: {budget_per_hour: 12.5}");
    assert_string_equal(sc.policies[2].source,
                        "name: steps\n"
                        "kind: step\n"
                        "metric: cpu\n"
                        "breach: 3m\n"
                        "steps: [{above: 70, add: 1}, {above: 85, add: 3}, {below: 30, remove: 1}]\n"
                        "cooldown: 300s");
    hr_scenario_free(&sc);
}

/* libyaml marks count characters; the slice must still be right after
 * multi-byte text. */
static void test_policy_source_survives_multibyte_text(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("description: Kasse für Größen – 日本\n" MINIMAL
            "policies:\n  - {name: fixed, kind: static, instances: 2}\n",
            &sc);
    assert_string_equal(sc.policies[0].source, "{name: fixed, kind: static, instances: 2}");
    assert_string_equal(sc.description, "Kasse für Größen – 日本");
    hr_scenario_free(&sc);
}

/* ---- defaults ---------------------------------------------------------------- */

static void test_minimal_scenario_gets_documented_defaults(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(MINIMAL "policies:\n"
                    "  - {name: cpu, kind: target_tracking, metric: cpu, target: 60}\n"
                    "  - {name: st, kind: step, metric: request_rate, steps: [{above: 5, add: 1}]}\n",
            &sc);
    assert_string_equal(sc.description, "");
    assert_true(sc.tick_s == 1);
    assert_int_equal(sc.fidelity, HR_FIDELITY_AUTO);
    assert_true(sc.seed == 1);
    assert_int_equal(sc.replications, 1);
    for (int h = 0; h < 24; h++)
        assert_true(sc.traffic.diurnal[h] == 1);
    assert_null(sc.traffic.diurnal_name);
    for (int d = 0; d < 7; d++)
        assert_true(sc.traffic.weekly[d] == 1);
    assert_int_equal(sc.traffic.start_day, 0);
    assert_true(sc.traffic.growth_monthly == 0 && sc.traffic.noise_sigma == 0);
    assert_true(sc.traffic.noise_correlation_s == 300);
    assert_int_equal(sc.traffic.n_events, 0);
    assert_true(sc.workload.timeout_s == 0);
    assert_int_equal(sc.workload.queue_limit, -1);
    assert_string_equal(sc.fleet.instance_type, "instance");
    assert_true(sc.fleet.vcpu == 1 && sc.fleet.memory_gb == 1);
    assert_int_equal(sc.fleet.boot.kind, HR_DIST_CONSTANT);
    assert_true(sc.fleet.boot.mean_s == 0);
    assert_true(sc.fleet.warmup_s == 0 && sc.fleet.warmup_initial_speed == 1);
    assert_true(sc.fleet.drain_s == 0 && sc.fleet.mtbf_s == 0 && sc.fleet.detect_s == 30);
    assert_true(sc.fleet.billing_granularity_s == 1 && sc.fleet.billing_minimum_s == 60);
    assert_int_equal(sc.fleet.min, 1);
    assert_int_equal(sc.fleet.initial, 1);
    assert_int_equal(sc.fleet.load_balancer, HR_LB_LEAST_OUTSTANDING);
    assert_true(sc.metrics.period_s == 60 && sc.metrics.delay_s == 60);
    assert_true(sc.slo.latency_p95_s == 0 && sc.slo.latency_p99_s == 0);
    assert_true(sc.slo.error_rate_pct < 0);
    assert_true(sc.slo.window_s == 300 && sc.slo.objective_pct == 99.9);
    assert_false(sc.limits.has_max_scale_out_per_hour || sc.limits.has_max_scale_in_per_hour ||
                 sc.limits.has_budget_per_hour);

    const hr_policy_config *tt = &sc.policies[0];
    assert_true(tt->warmup_s == 60); /* metrics.period */
    assert_true(tt->scale_in_cooldown_s == 300 && tt->scale_out_cooldown_s == 60);
    assert_false(tt->disable_scale_in);
    const hr_policy_config *st = &sc.policies[1];
    assert_int_equal(st->metric, HR_METRIC_REQUEST_RATE);
    assert_true(st->breach_s == 60 && st->cooldown_s == 300);
    hr_scenario_free(&sc);
}

static void test_initial_defaults_to_min(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("scenario: t\nduration: 1h\ntraffic: {base_rps: 10}\n"
            "workload: {classes: [{name: a, share: 1, service: {dist: constant, mean: 1s}}]}\n"
            "fleet: {instance: {concurrency: 1, price_per_hour: 0}, min: 3, max: 5}\n"
            "policies: [{name: p, kind: static, instances: 3}]\n",
            &sc);
    assert_int_equal(sc.fleet.initial, 3);
    hr_scenario_free(&sc);
}

/* With tick 7s the default period (60s) is no multiple: the user must set it. */
static void test_default_period_must_fit_the_tick(void **state)
{
    (void)state;
    assert_load_fails("tick: 7s\n" MINIMAL "policies: [{name: p, kind: static, instances: 1}]\n",
                      HR_EINVAL,
                      "x.yaml:1:1: metrics.period: must be a multiple of tick (7s), got 1m (the "
                      "default); set metrics.period explicitly");
}

/* ---- profiles ---------------------------------------------------------------- */

static void test_named_profiles_average_exactly_one(void **state)
{
    (void)state;
    size_t n = 0;
    for (const char *const *name = hr_diurnal_profile_names; *name; name++, n++) {
        double v[24], sum = 0;
        assert_int_equal(hr_diurnal_profile(*name, v), HR_OK);
        for (int h = 0; h < 24; h++) {
            assert_true(v[h] > 0);
            sum += v[h];
        }
        assert_close(sum / 24, 1.0, 1e-12);
    }
    assert_int_equal(n, 4);
    double v[24];
    assert_int_equal(hr_diurnal_profile("weekend", v), HR_EINVAL);
}

static int argmax(const double v[24])
{
    int best = 0;
    for (int h = 1; h < 24; h++)
        if (v[h] > v[best])
            best = h;
    return best;
}

static int argmin(const double v[24])
{
    int best = 0;
    for (int h = 1; h < 24; h++)
        if (v[h] < v[best])
            best = h;
    return best;
}

static void test_named_profiles_have_their_documented_shape(void **state)
{
    (void)state;
    double e[24], b[24], c[24];
    assert_int_equal(hr_diurnal_profile("ecommerce", e), HR_OK);
    assert_in_range(argmax(e), 19, 21);
    assert_in_range(argmin(e), 2, 6);
    assert_close(e[argmax(e)] / e[argmin(e)], 3.5, 0.1);
    assert_true(e[12] > e[11] && e[12] > e[14]); /* lunch bump */

    assert_int_equal(hr_diurnal_profile("business", b), HR_OK);
    assert_in_range(argmax(b), 9, 17);
    assert_close(b[3] / b[argmax(b)], 0.2, 0.02);

    assert_int_equal(hr_diurnal_profile("consumer", c), HR_OK);
    assert_in_range(argmax(c), 20, 22);
}

static void test_unknown_profile_lists_valid_names(void **state)
{
    (void)state;
    assert_load_fails("scenario: t\nduration: 1h\ntraffic: {base_rps: 10, diurnal: weekend}\n",
                      HR_EINVAL,
                      "x.yaml:3:34: traffic.diurnal: unknown profile \"weekend\"; expected one of "
                      "flat, ecommerce, business, consumer, or a list of 24 hourly multipliers");
}

static void test_diurnal_list_is_used_as_given(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("traffic:\n  base_rps: 5\n  diurnal: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
            "14, 15, 16, 17, 18, 19, 20, 21, 22, 23]\n"
            "scenario: t\nduration: 1h\n"
            "workload: {classes: [{name: a, share: 1, service: {dist: constant, mean: 1s}}]}\n"
            "fleet: {instance: {concurrency: 1, price_per_hour: 0}, max: 5}\n"
            "policies: [{name: p, kind: static, instances: 1}]\n",
            &sc);
    for (int h = 0; h < 24; h++)
        assert_true(sc.traffic.diurnal[h] == h);
    assert_null(sc.traffic.diurnal_name);
    hr_scenario_free(&sc);
}

/* ---- other behaviour ---------------------------------------------------------- */

static void test_find_policy_by_name(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    assert_int_equal(hr_scenario_load("tests/data/good/full.yaml", &sc, &err), HR_OK);
    assert_int_equal(hr_scenario_find_policy(&sc, "cpu-70"), 1);
    assert_int_equal(hr_scenario_find_policy(&sc, "steps"), 2);
    assert_int_equal(hr_scenario_find_policy(&sc, "hpa"), -1);
    hr_scenario_free(&sc);
}

static void test_free_is_safe_on_zeroed_and_freed_scenarios(void **state)
{
    (void)state;
    hr_scenario sc;
    memset(&sc, 0, sizeof sc);
    hr_scenario_free(&sc);
    hr_scenario_free(&sc);
    hr_scenario_free(NULL);
    assert_int_equal(hr_scenario_find_policy(&sc, "x"), -1);
}

/* A failure late in the file leaves nothing behind (valgrind checks leaks). */
static void test_failed_load_leaves_scenario_zeroed(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    assert_int_equal(hr_scenario_load("tests/data/bad/step_overlap.yaml", &sc, &err), HR_EINVAL);
    hr_scenario zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&sc, &zero, sizeof sc);
}

static void test_null_error_still_returns_the_code(void **state)
{
    (void)state;
    hr_scenario sc;
    const char *text = "scenario: t\n";
    assert_int_equal(hr_scenario_load_string("x.yaml", text, strlen(text), &sc, NULL), HR_EINVAL);
    assert_int_equal(hr_scenario_load("tests/data/nothing-here.yaml", &sc, NULL), HR_EIO);
}

static void test_key_without_value_says_got_nothing(void **state)
{
    (void)state;
    assert_load_fails("scenario: t\nduration:\n", HR_EINVAL,
                      "x.yaml:2:10: duration: expected a duration like 90s or 250ms, got nothing");
    assert_load_fails("scenario: t\nduration: 1h\ntraffic:\n", HR_EINVAL,
                      "x.yaml:3:9: traffic: expected a mapping like {base_rps: 800, diurnal: "
                      "ecommerce}, got nothing");
}

static void test_integer_keys_reject_fractions_and_words(void **state)
{
    (void)state;
    assert_load_fails("scenario: t\nduration: 1h\nreplications: many\n", HR_EINVAL,
                      "x.yaml:3:15: replications: expected an integer from 1 to 1000, got \"many\"");
    assert_load_fails("scenario: t\nduration: 1h\nseed: 18446744073709551616\n", HR_EINVAL,
                      "x.yaml:3:7: seed: must be an integer from 0 to 18446744073709551615, got "
                      "18446744073709551616");
}

static void test_largest_seed_is_accepted(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("seed: 18446744073709551615\n" MINIMAL
            "policies: [{name: p, kind: static, instances: 1}]\n",
            &sc);
    assert_true(sc.seed == UINT64_MAX);
    hr_scenario_free(&sc);
}

static void test_replay_reserved_and_scheduled_are_checked(void **state)
{
    (void)state;
    assert_load_fails("scenario: t\nduration: 1h\ntraffic:\n  base_rps: 1\n  replay: {file: a.csv}\n",
                      HR_EINVAL,
                      "x.yaml:4:3: traffic.base_rps: a replay is the base rate, days and weeks "
                      "included; remove base_rps (scale the trace with replay.scale)");
    assert_load_fails(MINIMAL "  reserved: {count: 40, price_per_hour: 0.05}\n", HR_EINVAL,
                      "x.yaml:9:21: fleet.reserved.count: must be an integer from 0 to 10, got 40");
    assert_load_fails(MINIMAL "policies:\n  - {name: night, kind: scheduled, schedule: []}\n",
                      HR_EINVAL,
                      "x.yaml:10:46: policies[0] (night).schedule: expected a non-empty list like "
                      "[{at: \"08:00\", min: 12, max: 40}], got an empty list");
}

static void test_purchase_options_and_faults_load(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(MINIMAL "  reserved: {count: 3, price_per_hour: 0.05}\n"
                    "  spot: {share: 0.6, discount: 0.7, interruptions_per_hour: 0.1}\n"
                    "  zones: 3\n"
                    "  outages: [{zone: 3, start: 20m, duration: 10m}]\n"
                    "  provisioning: {failure: 0.1, quota: 8}\n"
                    "  slow_boots: {share: 0.05, factor: 4}\n"
                    "policies:\n  - {name: s, kind: static, instances: 4}\n",
            &sc);
    const hr_fleet_config *f = &sc.fleet;
    assert_int_equal(f->reserved_count, 3);
    assert_close(f->spot_share, 0.6, 0);
    assert_close(f->spot_notice_s, 120, 0); /* the default notice */
    assert_int_equal(f->zones, 3);
    assert_int_equal(f->n_outages, 1);
    assert_int_equal(f->outages[0].zone, 2); /* 1-based in the file */
    assert_close(f->outages[0].start_s, 1200, 0);
    assert_close(f->launch_retry_s, 30, 0);
    assert_int_equal(f->quota, 8);
    assert_close(f->slow_boot_factor, 4, 0);
    hr_scenario_free(&sc);
    assert_load_fails(MINIMAL "  zones: 2\n  outages: [{zone: 3, start: 1m, duration: 1m}]\n",
                      HR_EINVAL,
                      "x.yaml:10:20: fleet.outages[0].zone: must be an integer from 1 to 2, got 3");
    assert_load_fails(MINIMAL "  spot: {share: 0.5, discount: 1}\n", HR_EINVAL,
                      "x.yaml:9:32: fleet.spot.discount: must be at least 0 and less than 1, got 1");
}

static void test_duplicate_keys_in_flow_mappings_are_errors(void **state)
{
    (void)state;
    assert_load_fails("scenario: t\nduration: 1h\ntraffic: {base_rps: 10, base_rps: 20}\n",
                      HR_EINVAL,
                      "x.yaml:3:25: traffic.base_rps: duplicate key; it is already set at line 3");
}

static void test_missing_data_is_read_per_policy_kind(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(MINIMAL "policies:\n  - {name: s, kind: step, metric: latency_p95, missing_data: breaching, "
                    "steps: [{above: 300, add: 2}]}\n  - {name: t, kind: target_tracking, metric: cpu, "
                    "target: 50}\n",
            &sc);
    assert_int_equal(sc.policies[0].missing_data, HR_MISSING_BREACHING);
    assert_int_equal(sc.policies[1].missing_data, HR_MISSING_MISSING); /* AWS's default */
    hr_scenario_free(&sc);
    assert_load_fails(MINIMAL "policies:\n  - {name: t, kind: target_tracking, metric: cpu, "
                              "target: 50, missing_data: breaching}\n",
                      HR_EINVAL,
                      "x.yaml:10:77: policies[0] (t).missing_data: target tracking sizes the fleet "
                      "from the metric's value, so a missing one can be `missing` (no action) or "
                      "`ignore` (the last value stands), not breaching");
    assert_load_fails(MINIMAL "policies:\n  - {name: s, kind: step, metric: cpu, missing_data: skip, "
                              "steps: [{above: 70, add: 1}]}\n",
                      HR_EINVAL,
                      "x.yaml:10:54: policies[0] (s).missing_data: unknown missing_data \"skip\"; "
                      "expected one of missing, ignore, breaching, not_breaching");
}

static void test_simple_policies_load_and_bad_ones_are_explained(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(MINIMAL "policies:\n  - {name: s, kind: simple, metric: cpu, above: 70, adjustment: 20, "
                    "adjustment_type: percent, min_adjustment_magnitude: 2}\n",
            &sc);
    assert_int_equal(sc.policies[0].kind, HR_POLICY_SIMPLE);
    assert_true(sc.policies[0].simple_above);
    assert_int_equal(sc.policies[0].adjustment_type, HR_ADJUST_PERCENT);
    assert_int_equal(sc.policies[0].min_adjustment_magnitude, 2);
    assert_true(sc.policies[0].cooldown_s == 300); /* AWS's default */
    hr_scenario_free(&sc);
    assert_load_fails(MINIMAL "policies:\n  - {name: s, kind: simple, metric: cpu, above: 70, below: 20, "
                              "adjustment: 1}\n",
                      HR_EINVAL,
                      "x.yaml:10:53: policies[0] (s).below: a simple policy has one alarm: give "
                      "above or below, not both");
    assert_load_fails(MINIMAL "policies:\n  - {name: s, kind: simple, metric: cpu, above: 70, "
                              "adjustment: 1.5}\n",
                      HR_EINVAL,
                      "x.yaml:10:65: policies[0] (s).adjustment: must be a whole number of "
                      "instances, got 1.5; for a share of the fleet use adjustment_type: percent");
    assert_load_fails(MINIMAL "policies:\n  - {name: s, kind: simple, metric: cpu, above: 70, "
                              "adjustment: 1, min_adjustment_magnitude: 2}\n",
                      HR_EINVAL,
                      "x.yaml:10:94: policies[0] (s).min_adjustment_magnitude: applies to "
                      "adjustment_type: percent only");
}

static void test_step_policies_in_aws_form_load_with_absolute_bounds(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(MINIMAL "policies:\n"
                    "  - name: s\n"
                    "    kind: step\n"
                    "    metric: cpu\n"
                    "    scale_out: {threshold: 50, adjustment_type: percent, steps: [{lower: 10, adjustment: 30}, {lower: 0, upper: 10, adjustment: 10}]}\n"
                    "    scale_in: {threshold: 40, steps: [{upper: 0, adjustment: -1}]}\n"
                    "  - {name: c, kind: step, metric: cpu, steps: [{above: 70, add: 1}], cooldown: 2m}\n",
            &sc);
    const hr_policy_config *p = &sc.policies[0];
    assert_true(p->scale_out.present && p->scale_in.present);
    assert_int_equal(p->scale_out.adjustment_type, HR_ADJUST_PERCENT);
    assert_int_equal(p->scale_out.n_steps, 2);
    /* sorted by metric, made absolute */
    assert_true(p->scale_out.steps[0].lower == 50 && p->scale_out.steps[0].upper == 60);
    assert_true(p->scale_out.steps[1].lower == 60 && !p->scale_out.steps[1].has_upper);
    assert_true(p->scale_in.steps[0].upper == 40 && !p->scale_in.steps[0].has_lower);
    /* neither warmup nor cooldown: EC2's warm-up, its default 300s */
    assert_true(p->step_warmup);
    assert_true(p->warmup_s == 300);
    assert_false(sc.policies[1].step_warmup);
    assert_true(sc.policies[1].cooldown_s == 120);
    hr_scenario_free(&sc);
}

static void test_step_alarms_are_checked_as_aws_checks_them(void **state)
{
    (void)state;
#define STEP_POLICY MINIMAL "policies:\n  - {name: s, kind: step, metric: cpu, "
    assert_load_fails(STEP_POLICY "scale_out: {threshold: 50, steps: [{lower: 0, upper: 10, "
                                  "adjustment: 1}, {lower: 15, adjustment: 3}]}}\n",
                      HR_EINVAL,
                      "x.yaml:10:113: policies[0] (s).scale_out.steps[1]: leaves a gap above the "
                      "step under it: its lower bound 15 must be that step's upper bound 10 (AWS: "
                      "step ranges can't overlap or have a gap)");
    assert_load_fails(STEP_POLICY "scale_out: {threshold: 50, steps: [{lower: 0, upper: 10, "
                                  "adjustment: 1}, {lower: 5, adjustment: 3}]}}\n",
                      HR_EINVAL,
                      "x.yaml:10:113: policies[0] (s).scale_out.steps[1]: overlaps the step under "
                      "it: its lower bound 5 must be that step's upper bound 10 (AWS: step ranges "
                      "can't overlap or have a gap)");
    assert_load_fails(STEP_POLICY "scale_out: {threshold: 50, steps: [{lower: 5, adjustment: 1}]}}\n",
                      HR_EINVAL,
                      "x.yaml:10:74: policies[0] (s).scale_out.steps: a scale_out alarm's steps "
                      "must cover every breach: the lowest from lower: 0 (or no lower), the "
                      "highest with no upper");
    assert_load_fails(STEP_POLICY "scale_in: {threshold: 30, steps: [{upper: 0, adjustment: 1}]}}\n",
                      HR_EINVAL,
                      "x.yaml:10:97: policies[0] (s).scale_in.steps[0].adjustment: a scale_in step "
                      "removes capacity: expected a number < 0, got 1");
    assert_load_fails(STEP_POLICY "steps: [{above: 70, add: 1}], scale_in: {threshold: 30, steps: "
                                  "[{upper: 0, adjustment: -1}]}}\n",
                      HR_EINVAL,
                      "x.yaml:10:70: policies[0] (s).scale_in: give steps (the short form) or "
                      "scale_out/scale_in (AWS's form), not both");
    assert_load_fails(STEP_POLICY "steps: [{above: 70, add: 1}], warmup: 2m, cooldown: 2m}\n",
                      HR_EINVAL,
                      "x.yaml:10:82: policies[0] (s).cooldown: give warmup (EC2 Auto Scaling: new "
                      "instances gate the policy) or cooldown (Application Auto Scaling), not both");
    assert_load_fails(STEP_POLICY "scale_out: {threshold: 50, steps: [{lower: 0, adjustment: 1}]}, "
                                  "scale_in: {threshold: 60, steps: [{upper: 0, adjustment: -1}]}}\n",
                      HR_EINVAL,
                      "x.yaml:10:126: policies[0] (s).scale_in.threshold: must be below "
                      "scale_out.threshold (50), or both alarms could fire at once");
#undef STEP_POLICY
}

static void test_oracle_takes_no_key_of_its_own(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(MINIMAL "policies:\n  - name: best-possible\n    kind: oracle\n"
                    "    limits: {max_scale_in_per_hour: 5}\n", &sc);
    assert_int_equal(sc.policies[0].kind, HR_POLICY_ORACLE);
    assert_true(sc.policies[0].limits.has_max_scale_in_per_hour);
    hr_scenario_free(&sc);
    /* another kind's key: named as such, with the oracle's keys */
    assert_load_fails(MINIMAL "policies:\n  - {name: o, kind: oracle, instances: 4}\n",
                      HR_EINVAL,
                      "x.yaml:10:29: policies[0] (o).instances: oracle policies take no "
                      "instances; valid keys: name, kind, limits");
    /* a typo: did you mean */
    assert_load_fails(MINIMAL "policies:\n  - {name: o, kind: oracle, limts: {}}\n",
                      HR_EINVAL,
                      "x.yaml:10:29: policies[0] (o).limts: unknown key; did you mean limits?");
    /* and a kind misspelt */
    assert_load_fails(MINIMAL "policies:\n  - {name: o, kind: oracel}\n", HR_EINVAL,
                      "x.yaml:10:21: policies[0] (o).kind: unknown kind \"oracel\"; did you "
                      "mean oracle?");
}

static void test_policy_keys_of_other_kinds_are_named(void **state)
{
    (void)state;
    assert_load_fails(MINIMAL "policies:\n  - {name: tt, kind: target_tracking, metric: cpu, "
                              "target: 50, steps: []}\n",
                      HR_EINVAL,
                      "x.yaml:10:64: policies[0] (tt).steps: target_tracking policies take no "
                      "steps; valid keys: name, kind, metric, target, warmup, scale_in_cooldown, "
                      "scale_out_cooldown, disable_scale_in, missing_data, scale_out_datapoints, "
                      "scale_in_datapoints, limits, schedule");
    assert_load_fails(MINIMAL "policies:\n  - {name: tt, kind: target_tracking, metric: cpu, "
                              "traget: 50}\n",
                      HR_EINVAL,
                      "x.yaml:10:52: policies[0] (tt).traget: unknown key; did you mean target?");
}

/* ---- kind: predictive, max and min ---------------------------------------- */

#define TT70 "  - {name: cpu-70, kind: target_tracking, metric: cpu, target: 70}\n"

static void test_predictive_of_the_contract_loads(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok(MINIMAL "policies:\n" TT70
                    "  - name: predictive\n"
                    "    kind: predictive\n"
                    "    forecaster: holt_winters\n"
                    "    season: 1d\n"
                    "    lead: 10m\n"
                    "    target: 60\n"
                    "    fallback: cpu-70\n"
                    "  - {name: both, kind: max, policies: [predictive, cpu-70]}\n",
            &sc);
    const hr_policy_config *p = &sc.policies[1];
    assert_int_equal(p->kind, HR_POLICY_PREDICTIVE);
    assert_int_equal(p->forecaster, HR_FORECASTER_HOLT_WINTERS);
    assert_int_equal(p->metric, HR_METRIC_CPU);
    assert_close(p->season_s, 86400, 0);
    assert_close(p->lead_s, 600, 0);
    assert_close(p->min_history_s, 2 * 86400, 0); /* Holt-Winters starts from two seasons */
    assert_false(p->forecast_only);
    assert_false(p->has_max_capacity_buffer);
    assert_true(p->has_fallback);
    assert_int_equal(p->fallback, 0);
    assert_int_equal(sc.policies[2].n_children, 2);
    assert_int_equal(sc.policies[2].children[0], 1);
    assert_int_equal(sc.policies[2].children[1], 0);
    /* a run of 1h never reaches two days of history: said, not refused */
    assert_int_equal(sc.n_warnings, 1);
    assert_non_null(strstr(sc.warnings[0], "policies[1] (predictive).min_history: warning: 2d of "
                                           "history is never reached in a run of 1h"));
    hr_scenario_free(&sc);
}

static void test_predictive_and_combinator_errors_are_positioned(void **state)
{
    (void)state;
    assert_load_fails(MINIMAL "policies:\n" TT70
                              "  - {name: p, kind: predictive, target: 60, fallback: cpu-07}\n",
                      HR_EINVAL,
                      "x.yaml:11:55: policies[1] (p).fallback: no policy is called cpu-07; did "
                      "you mean cpu-70?");
    assert_load_fails(MINIMAL "policies:\n" TT70
                              "  - {name: p, kind: predictive, target: 60, fallback: p}\n",
                      HR_EINVAL,
                      "x.yaml:11:55: policies[1] (p).fallback: a policy cannot name itself; name "
                      "another policy");
    assert_load_fails(MINIMAL "policies:\n" TT70
                              "  - {name: a, kind: max, policies: [cpu-70, b]}\n"
                              "  - {name: b, kind: min, policies: [cpu-70, a]}\n",
                      HR_EINVAL,
                      "x.yaml:11:36: policies[1] (a).policies: the policies contain one another "
                      "(a -> b -> a); a policy cannot run inside itself");
    assert_load_fails(MINIMAL "policies:\n" TT70 "  - {name: a, kind: max, policies: [cpu-70]}\n",
                      HR_EINVAL,
                      "x.yaml:11:36: policies[1] (a).policies: expected a list of at least two "
                      "policy names like [cpu-70, requests-500], got one name");
    assert_load_fails(MINIMAL "policies:\n" TT70 "  - {name: a, kind: min}\n", HR_EINVAL,
                      "x.yaml:11:5: policies[1] (a): missing required key policies");
    assert_load_fails(MINIMAL "policies:\n" TT70
                              "  - {name: a, kind: max, policies: [cpu-70, cpu-70]}\n",
                      HR_EINVAL,
                      "x.yaml:11:45: policies[1] (a).policies[1]: cpu-70 is named twice; name it "
                      "once");
    assert_load_fails(MINIMAL "policies:\n"
                              "  - {name: p, kind: predictive, target: 60, forecaster: arima}\n",
                      HR_EINVAL,
                      "x.yaml:10:57: policies[0] (p).forecaster: unknown forecaster \"arima\"; "
                      "expected one of seasonal_naive, holt_winters, linear, polynomial");
    assert_load_fails(MINIMAL "policies:\n"
                              "  - {name: p, kind: predictive, target: 60, min_history: 1d}\n",
                      HR_EINVAL,
                      "x.yaml:10:58: policies[0] (p).min_history: must be at least 2d (two "
                      "seasons: Holt-Winters starts from them), got 1d");
    assert_load_fails(MINIMAL "policies:\n"
                              "  - {name: p, kind: predictive, target: 60, forecaster: linear, "
                              "season: 1d}\n",
                      HR_EINVAL,
                      "x.yaml:10:65: policies[0] (p).season: applies to forecasters "
                      "seasonal_naive and holt_winters only");
    assert_load_fails(MINIMAL "policies:\n"
                              "  - {name: p, kind: predictive, target: 60, metric: latency_p95}\n",
                      HR_EINVAL,
                      "x.yaml:10:53: policies[0] (p).metric: predictive scaling forecasts a load "
                      "that adds up over the instances: cpu, request_rate or concurrency, not "
                      "latency_p95");
    assert_load_fails(MINIMAL "policies:\n"
                              "  - {name: p, kind: predictive, target: 60, season: 90s}\n",
                      HR_EINVAL,
                      "x.yaml:10:53: policies[0] (p).season: must be a whole number of metrics "
                      "periods (1m), at least 2 of them, got 1m30s");
    assert_load_fails(MINIMAL "policies:\n"
                              "  - {name: p, kind: predictive, target: 60, alpha: 0.5}\n",
                      HR_EINVAL,
                      "x.yaml:10:5: policies[0] (p): missing required key alpha, beta and gamma "
                      "(give all three, or none to fit them to the history)");
    assert_load_fails(MINIMAL "policies:\n" TT70
                              "  - {name: h, kind: hpa, spec: {maxReplicas: 9}}\n"
                              "  - {name: a, kind: max, policies: [cpu-70, h]}\n",
                      HR_EINVAL,
                      "x.yaml:12:45: policies[2] (a).policies: h is evaluated every 15s (a sync "
                      "period) and cpu-70 at each metrics publication; combine policies "
                      "evaluated on one clock");
    assert_load_fails(MINIMAL "policies:\n" TT70 "  - {name: o, kind: oracle}\n"
                              "  - {name: a, kind: max, policies: [cpu-70, o]}\n",
                      HR_EINVAL,
                      "x.yaml:12:45: policies[2] (a).policies[1]: o is the oracle, the bound real "
                      "policies are measured against; name a real policy");
    assert_load_fails(MINIMAL "policies:\n" TT70
                              "  - {name: s, kind: scheduled, schedule: [{at: \"08:00\", min: 2}]}\n"
                              "  - {name: a, kind: max, policies: [cpu-70, s]}\n",
                      HR_EINVAL,
                      "x.yaml:12:45: policies[2] (a).policies[1]: s is a scheduled policy, whose "
                      "actions apply only where it runs as a candidate; give this policy the "
                      "schedule: key instead");
}

static void test_unnamed_policy_is_addressed_by_index(void **state)
{
    (void)state;
    assert_load_fails(MINIMAL "policies:\n  - {kind: static, instances: 1}\n", HR_EINVAL,
                      "x.yaml:10:5: policies[0]: missing required key name");
}

static void test_yaml_aliases_are_followed(void **state)
{
    (void)state;
    hr_scenario sc;
    load_ok("scenario: t\nduration: 1h\ntraffic: {base_rps: 10}\n"
            "workload: {classes: [{name: a, share: 1, service: &svc {dist: constant, mean: 2s}}]}\n"
            "fleet: {instance: {concurrency: 1, price_per_hour: 0}, max: 5, boot: *svc}\n"
            "policies: [{name: p, kind: static, instances: 1}]\n",
            &sc);
    assert_true(sc.fleet.boot.mean_s == 2);
    hr_scenario_free(&sc);
}

static void test_tab_indentation_is_a_positioned_syntax_error(void **state)
{
    (void)state;
    hr_scenario sc;
    hr_error err;
    const char *text = "scenario: t\ntraffic:\n\tbase_rps: 1\n";
    assert_int_equal(load_text(text, &sc, &err), HR_EINVAL);
    assert_memory_equal(err.msg, "x.yaml:3:1: YAML syntax error: ", 31);
}

static void test_metric_names_match_the_scenario_words(void **state)
{
    (void)state;
    assert_string_equal(hr_metric_name(HR_METRIC_CPU), "cpu");
    assert_string_equal(hr_metric_name(HR_METRIC_REQUEST_RATE), "request_rate");
    assert_string_equal(hr_metric_name(HR_METRIC_CONCURRENCY), "concurrency");
    assert_string_equal(hr_metric_name(HR_METRIC_QUEUE_DEPTH), "queue_depth");
    assert_string_equal(hr_metric_name(HR_METRIC_LATENCY_P95), "latency_p95");
    assert_string_equal(hr_metric_name(HR_METRIC_ERROR_RATE), "error_rate");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_broken_scenario_reports_exact_position_and_message),
        cmocka_unit_test(test_every_bad_fixture_is_checked),
        cmocka_unit_test(test_distribution_errors_are_prefixed_with_position),
        cmocka_unit_test(test_utf16_and_utf32_scenarios_read_as_their_utf8_text),
        cmocka_unit_test(test_fuzz_findings_load_or_fail_cleanly),
        cmocka_unit_test(test_missing_file_is_an_io_error),
        cmocka_unit_test(test_directory_is_an_io_error),
        cmocka_unit_test(test_full_example_loads_every_field),
        cmocka_unit_test(test_policy_source_is_the_policy_text_as_written),
        cmocka_unit_test(test_policy_source_survives_multibyte_text),
        cmocka_unit_test(test_minimal_scenario_gets_documented_defaults),
        cmocka_unit_test(test_initial_defaults_to_min),
        cmocka_unit_test(test_default_period_must_fit_the_tick),
        cmocka_unit_test(test_named_profiles_average_exactly_one),
        cmocka_unit_test(test_named_profiles_have_their_documented_shape),
        cmocka_unit_test(test_unknown_profile_lists_valid_names),
        cmocka_unit_test(test_diurnal_list_is_used_as_given),
        cmocka_unit_test(test_find_policy_by_name),
        cmocka_unit_test(test_free_is_safe_on_zeroed_and_freed_scenarios),
        cmocka_unit_test(test_failed_load_leaves_scenario_zeroed),
        cmocka_unit_test(test_null_error_still_returns_the_code),
        cmocka_unit_test(test_key_without_value_says_got_nothing),
        cmocka_unit_test(test_integer_keys_reject_fractions_and_words),
        cmocka_unit_test(test_largest_seed_is_accepted),
        cmocka_unit_test(test_replay_reserved_and_scheduled_are_checked),
        cmocka_unit_test(test_purchase_options_and_faults_load),
        cmocka_unit_test(test_duplicate_keys_in_flow_mappings_are_errors),
        cmocka_unit_test(test_policy_keys_of_other_kinds_are_named),
        cmocka_unit_test(test_missing_data_is_read_per_policy_kind),
        cmocka_unit_test(test_simple_policies_load_and_bad_ones_are_explained),
        cmocka_unit_test(test_step_policies_in_aws_form_load_with_absolute_bounds),
        cmocka_unit_test(test_step_alarms_are_checked_as_aws_checks_them),
        cmocka_unit_test(test_unnamed_policy_is_addressed_by_index),
        cmocka_unit_test(test_predictive_of_the_contract_loads),
        cmocka_unit_test(test_predictive_and_combinator_errors_are_positioned),
        cmocka_unit_test(test_yaml_aliases_are_followed),
        cmocka_unit_test(test_tab_indentation_is_a_positioned_syntax_error),
        cmocka_unit_test(test_metric_names_match_the_scenario_words),
        cmocka_unit_test(test_oracle_takes_no_key_of_its_own),
    };
    return cmocka_run_group_tests(tests, chdir_source, NULL);
}
