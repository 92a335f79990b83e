/* test_load_hpa.c - tests for src/scenario/load_hpa.c: HorizontalPodAutoscaler
 * manifests read as the API server reads them (defaults.go, validation.go),
 * with errors positioned in the file they are in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "headroom/scenario.h"

/* A scenario in tests/data/hpa/ with one policy (the text after "policies:"). */
static const char head[] =
    "scenario: t\n"
    "duration: 1h\n"
    "traffic: {base_rps: 10}\n"
    "workload:\n"
    "  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
    "fleet:\n"
    "  instance: {vcpu: 2, memory_gb: 4, memory_base_gb: 1, concurrency: 4, price_per_hour: 0.1}\n"
    "  max: 50\n"
    "policies:\n";

#define SCENARIO_PATH "tests/data/hpa/s.yaml"

static int load(const char *policies, hr_scenario *sc, hr_error *err)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", head, policies);
    return hr_scenario_load_string(SCENARIO_PATH, text, strlen(text), sc, err);
}

static const hr_hpa_config *load_ok(const char *policies, hr_scenario *sc)
{
    hr_error err;
    if (load(policies, sc, &err) != HR_OK)
        fail_msg("should load: %s", err.msg);
    return &sc->policies[0].hpa;
}

static void assert_fails(const char *policies, int code, const char *msg)
{
    hr_scenario sc;
    hr_error err;
    int rc = load(policies, &sc, &err);
    if (rc != code || strcmp(err.msg, msg) != 0)
        fail_msg("got %d \"%s\"\nwant %d \"%s\"", rc, err.msg, code, msg);
}

static int chdir_source(void **state)
{
    (void)state;
    return chdir(HR_SOURCE_DIR);
}

static void test_hpa_manifest_among_documents_with_defaults_field_by_field(void **state)
{
    (void)state;
    hr_scenario sc;
    const hr_hpa_config *h = load_ok("  - {name: web, kind: hpa, manifest: team.yaml}\n", &sc);
    assert_string_equal(h->manifest, "tests/data/hpa/team.yaml");
    assert_int_equal(h->min_replicas, 1);  /* minReplicas defaults to 1 */
    assert_int_equal(h->max_replicas, 12);
    /* no metrics: cpu at 80% utilization */
    assert_int_equal(h->n_metrics, 1);
    assert_string_equal(h->metrics[0].name, "cpu");
    assert_int_equal(h->metrics[0].source, HR_HPA_RESOURCE);
    assert_int_equal(h->metrics[0].target_type, HR_HPA_UTILIZATION);
    assert_true(h->metrics[0].target == 80);
    /* scaleUp: only policies given, the rest defaulted */
    assert_true(h->has_behavior);
    assert_int_equal(h->up.stabilization_s, 0);
    assert_int_equal(h->up.select, HR_HPA_SELECT_MAX);
    assert_int_equal(h->up.n_rates, 1);
    assert_false(h->up.rates[0].percent);
    assert_int_equal(h->up.rates[0].value, 1);
    assert_int_equal(h->up.rates[0].period_s, 60);
    /* scaleDown absent: 300 s, Percent 100 per 15 s */
    assert_int_equal(h->down.stabilization_s, 300);
    assert_int_equal(h->down.n_rates, 1);
    assert_true(h->down.rates[0].percent);
    assert_int_equal(h->down.rates[0].value, 100);
    assert_int_equal(h->down.rates[0].period_s, 15);
    /* the controller's flags */
    assert_true(h->sync_period_s == 15);
    assert_true(h->tolerance == 0.1);
    hr_scenario_free(&sc);
}

static void test_hpa_controller_flags_in_the_policy(void **state)
{
    (void)state;
    hr_scenario sc;
    const hr_hpa_config *h = load_ok(
        "  - name: web\n"
        "    kind: hpa\n"
        "    sync_period: 30s\n"
        "    tolerance: 0.05\n"
        "    downscale_stabilization: 10m\n"
        "    spec: {maxReplicas: 9, behavior: {scaleUp: {selectPolicy: Min}}}\n",
        &sc);
    assert_true(h->sync_period_s == 30);
    assert_true(h->tolerance == 0.05);
    /* a nil scaleDown window takes the controller's flag */
    assert_int_equal(h->down.stabilization_s, 600);
    assert_int_equal(h->up.select, HR_HPA_SELECT_MIN);
    assert_int_equal(h->up.n_rates, 2); /* Pods 4 and Percent 100 per 15 s */
    assert_null(h->manifest);
    hr_scenario_free(&sc);
}

static void test_hpa_without_behavior_keeps_the_old_path(void **state)
{
    (void)state;
    hr_scenario sc;
    const hr_hpa_config *h = load_ok("  - {name: web, kind: hpa, manifest: v1.yaml}\n", &sc);
    assert_false(h->has_behavior);
    assert_true(h->downscale_window_s == 300);
    assert_int_equal(h->min_replicas, 2);
    assert_int_equal(h->max_replicas, 8);
    assert_true(h->metrics[0].target == 70); /* targetCPUUtilizationPercentage */
    hr_scenario_free(&sc);
}

static void test_hpa_every_metric_source_and_target_with_units(void **state)
{
    (void)state;
    hr_scenario sc;
    const hr_hpa_config *h = load_ok(
        "  - name: web\n"
        "    kind: hpa\n"
        "    metric_map: {rps: request_rate, sqs_messages: queue_depth}\n"
        "    spec:\n"
        "      maxReplicas: 40\n"
        "      metrics:\n"
        "        - {type: Resource, resource: {name: cpu, target: {type: AverageValue, averageValue: 500m}}}\n"
        "        - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 1536Mi}}}\n"
        "        - {type: Pods, pods: {metric: {name: concurrency}, target: {type: AverageValue, averageValue: \"2.5\"}}}\n"
        "        - type: Object\n"
        "          object:\n"
        "            describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: web}\n"
        "            metric: {name: rps}\n"
        "            target: {type: Value, value: 2k}\n"
        "        - {type: External, external: {metric: {name: sqs_messages, selector: {matchLabels: {queue: orders}}}, target: {type: AverageValue, averageValue: 30}}}\n",
        &sc);
    assert_int_equal(h->n_metrics, 5);
    const hr_hpa_metric *m = h->metrics;
    assert_int_equal(m[0].target_type, HR_HPA_AVERAGE_VALUE);
    assert_true(m[0].target == 0.5);
    assert_true(fabs(m[0].scale - 2.0 / 100) < 1e-15);           /* cores per cpu percent */
    assert_true(m[1].target == 1536.0 * 1048576.0);
    assert_true(fabs(m[1].scale - 4.0 * 1073741824.0 / 100) < 1e-3); /* bytes per memory percent */
    assert_int_equal(m[1].metric, HR_METRIC_MEMORY);
    assert_int_equal(m[2].source, HR_HPA_PODS);
    assert_int_equal(m[2].metric, HR_METRIC_CONCURRENCY);
    assert_true(m[2].target == 2.5);
    assert_int_equal(m[3].source, HR_HPA_OBJECT);
    assert_int_equal(m[3].target_type, HR_HPA_VALUE);
    assert_int_equal(m[3].metric, HR_METRIC_REQUEST_RATE);
    assert_true(m[3].target == 2000);
    assert_int_equal(m[4].source, HR_HPA_EXTERNAL);
    assert_int_equal(m[4].target_type, HR_HPA_AVERAGE_VALUE);
    assert_int_equal(m[4].metric, HR_METRIC_QUEUE_DEPTH);
    assert_string_equal(m[4].name, "sqs_messages");
    assert_int_equal(m[4].pos.line, 24);
    hr_scenario_free(&sc);
}

static void test_hpa_errors_in_the_manifest_name_its_file(void **state)
{
    (void)state;
    assert_fails("  - {name: web, kind: hpa, manifest: container_resource.yaml}\n", HR_ENOTSUP,
                 "tests/data/hpa/container_resource.yaml:8:7: spec.metrics[0].containerResource: "
                 "headroom models one container per pod: use type: Resource with the same name and target");
    assert_fails("  - {name: web, kind: hpa, manifest: custom.yaml}\n", HR_EINVAL,
                 "tests/data/hpa/custom.yaml:10:24: spec.metrics[0].pods.metric.name: "
                 "http_requests_per_second is not a metric headroom simulates; say which one it is "
                 "in the policy, metric_map: {http_requests_per_second: request_rate} (one of cpu, "
                 "request_rate, concurrency, queue_depth, latency_p95, error_rate, memory)");
    assert_fails("  - {name: web, kind: hpa, manifest: two.yaml}\n", HR_EINVAL,
                 "tests/data/hpa/two.yaml:6:1: a second HorizontalPodAutoscaler (the first is at "
                 "line 1); give the policy a file with one");
    assert_fails("  - {name: web, kind: hpa, manifest: none.yaml}\n", HR_EINVAL,
                 "tests/data/hpa/none.yaml:1:1: no HorizontalPodAutoscaler in the file; expected a "
                 "manifest with kind: HorizontalPodAutoscaler and apiVersion: autoscaling/v2");
}

static void test_hpa_metric_map_makes_a_custom_metric_simulated(void **state)
{
    (void)state;
    hr_scenario sc;
    const hr_hpa_config *h = load_ok(
        "  - {name: web, kind: hpa, manifest: custom.yaml, metric_map: {http_requests_per_second: request_rate}}\n",
        &sc);
    assert_int_equal(h->metrics[0].metric, HR_METRIC_REQUEST_RATE);
    assert_true(h->metrics[0].target == 50);
    hr_scenario_free(&sc);
    assert_fails("  - {name: web, kind: hpa, manifest: custom.yaml, metric_map: {http_requests_per_second: rps}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:90: policies[0] (web).metric_map.http_requests_per_second: "
                 "expected a headroom metric (cpu, request_rate, concurrency, queue_depth, "
                 "latency_p95, error_rate, memory), got \"rps\"");
}

static void test_hpa_values_checked_as_the_api_server_checks_them(void **state)
{
    (void)state;
    assert_fails("  - {name: w, kind: hpa, spec: {minReplicas: 5, maxReplicas: 3}}\n", HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:62: policies[0] (w).spec.maxReplicas: must be at least "
                 "minReplicas (5), got 3");
    assert_fails("  - {name: w, kind: hpa, spec: {minReplicas: 0, maxReplicas: 3}}\n", HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:46: policies[0] (w).spec.minReplicas: must be an "
                 "integer of at least 1, got 0");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, behavior: {scaleUp: {policies: "
                 "[{type: Pods, value: 4, periodSeconds: 3600}]}}}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:119: policies[0] (w).spec.behavior.scaleUp.policies[0]."
                 "periodSeconds: must be an integer from 1 to 1800, got 3600");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, behavior: {scaleDown: "
                 "{stabilizationWindowSeconds: 7200}}}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:100: policies[0] (w).spec.behavior.scaleDown."
                 "stabilizationWindowSeconds: must be an integer from 0 to 3600, got 7200");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, metrics: [{type: Resource, "
                 "resource: {name: cpu, target: {type: AverageValue, averageValue: 5x}}}]}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:141: policies[0] (w).spec.metrics[0].resource.target."
                 "averageValue: expected a Kubernetes quantity like 500m, 512Mi, 2k or 1.5e3, got \"5x\"");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, metrics: [{type: Pods, pods: "
                 "{metric: {name: concurrency}, target: {type: Value, value: 3}}}]}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:116: policies[0] (w).spec.metrics[0].pods.target: "
                 "missing required key averageValue (Pods metrics are averages per pod)");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, metrics: [{type: Object, object: "
                 "{describedObject: {kind: Ingress, name: web}, metric: {name: request_rate}, "
                 "target: {type: Value, averageValue: 3}}}]}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:166: policies[0] (w).spec.metrics[0].object.target: "
                 "neither a value target nor an average value target was set; write type: Value "
                 "with value, or type: AverageValue with averageValue");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, metrics: [{type: Resource, "
                 "pods: {}}]}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:76: policies[0] (w).spec.metrics[0].pods: a Resource "
                 "metric takes resource only");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, metrics: [{type: Resource, "
                 "resource: {name: ephemeral-storage, target: {type: Utilization, averageUtilization: 50}}}]}}\n",
                 HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:93: policies[0] (w).spec.metrics[0].resource.name: "
                 "unknown resource (headroom simulates cpu and memory) \"ephemeral-storage\"; "
                 "expected one of cpu, memory");
    assert_fails("  - {name: w, kind: hpa, manifest: v1.yaml, spec: {maxReplicas: 3}}\n",
                 HR_EINVAL, "tests/data/hpa/s.yaml:10:51: policies[0] (w).spec: give manifest or "
                            "spec, not both");
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3}, steps: []}\n", HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:50: policies[0] (w).steps: hpa policies take no steps; "
                 "valid keys: name, kind, manifest, spec, metric_map, sync_period, tolerance, "
                 "downscale_stabilization, limits, schedule");
}

static void test_hpa_null_fields_read_as_unset(void **state)
{
    (void)state;
    hr_scenario sc;
    const hr_hpa_config *h = load_ok(
        "  - name: web\n"
        "    kind: hpa\n"
        "    spec:\n"
        "      minReplicas:\n"
        "      maxReplicas: 9\n"
        "      metrics:\n"
        "      behavior:\n"
        "        scaleUp:\n"
        "        scaleDown: {stabilizationWindowSeconds: ~, policies: null}\n",
        &sc);
    assert_int_equal(h->min_replicas, 1);
    assert_int_equal(h->n_metrics, 1); /* cpu at 80% */
    assert_true(h->has_behavior);
    assert_int_equal(h->up.n_rates, 2);
    assert_int_equal(h->down.stabilization_s, 300);
    assert_int_equal(h->down.n_rates, 1);
    hr_scenario_free(&sc);
    /* a mapping where the list belongs is not the default */
    assert_fails("  - {name: w, kind: hpa, spec: {maxReplicas: 3, metrics: {cpu: 50}}}\n", HR_EINVAL,
                 "tests/data/hpa/s.yaml:10:58: policies[0] (w).spec.metrics: expected a list of "
                 "metrics, got a mapping");
}

static void test_hpa_memory_needs_a_memory_model(void **state)
{
    (void)state;
    const char *text =
        "scenario: t\nduration: 1h\ntraffic: {base_rps: 10}\n"
        "workload:\n  classes: [{name: api, share: 1, service: {dist: exponential, mean: 50ms}}]\n"
        "fleet:\n  instance: {concurrency: 4, price_per_hour: 0.1}\n  max: 5\n"
        "policies:\n"
        "  - {name: w, kind: hpa, spec: {maxReplicas: 3, metrics: [{type: Resource, resource: "
        "{name: memory, target: {type: Utilization, averageUtilization: 70}}}]}}\n";
    hr_scenario sc;
    hr_error err;
    assert_int_equal(hr_scenario_load_string("m.yaml", text, strlen(text), &sc, &err), HR_EINVAL);
    assert_string_equal(err.msg,
                        "m.yaml:10:59: policies[0] (w).spec.metrics[0]: reads memory, but the fleet "
                        "has no memory model; give fleet.instance.memory_base_gb (GiB in use when "
                        "idle) and memory_per_request_mb (MiB per request in flight)");
}

static void test_policy_file_of_its_own_for_decide(void **state)
{
    (void)state;
    /* a raw manifest: named after metadata.name; custom names allowed */
    hr_scenario sc = {0};
    hr_error err;
    sc.metrics.period_s = 60;
    sc.fleet.max = 100;
    assert_int_equal(hr_scenario_load_policy_file("tests/data/hpa/custom.yaml", &sc, &err), HR_OK);
    assert_int_equal(sc.n_policies, 1);
    assert_string_equal(sc.policies[0].name, "web");
    assert_int_equal(sc.policies[0].kind, HR_POLICY_HPA);
    assert_int_equal(sc.policies[0].hpa.metrics[0].metric, HR_METRIC_COUNT);
    assert_string_equal(sc.policies[0].hpa.metrics[0].name, "http_requests_per_second");
    hr_scenario_free(&sc);

    /* a missing file */
    sc = (hr_scenario){0};
    assert_int_equal(hr_scenario_load_policy_file("tests/data/hpa/nope.yaml", &sc, &err), HR_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hpa_manifest_among_documents_with_defaults_field_by_field),
        cmocka_unit_test(test_hpa_controller_flags_in_the_policy),
        cmocka_unit_test(test_hpa_without_behavior_keeps_the_old_path),
        cmocka_unit_test(test_hpa_every_metric_source_and_target_with_units),
        cmocka_unit_test(test_hpa_errors_in_the_manifest_name_its_file),
        cmocka_unit_test(test_hpa_metric_map_makes_a_custom_metric_simulated),
        cmocka_unit_test(test_hpa_values_checked_as_the_api_server_checks_them),
        cmocka_unit_test(test_hpa_null_fields_read_as_unset),
        cmocka_unit_test(test_hpa_memory_needs_a_memory_model),
        cmocka_unit_test(test_policy_file_of_its_own_for_decide),
    };
    return cmocka_run_group_tests(tests, chdir_source, NULL);
}
