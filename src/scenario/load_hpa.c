/* load_hpa.c - kind: hpa, and the Kubernetes HorizontalPodAutoscaler
 * manifest it reads.
 *
 * The headroom policy mapping names the manifest (a file, relative to the
 * scenario, or an inline spec:) and sets what the cluster sets on the
 * controller (sync_period, tolerance, downscale_stabilization) and what a
 * manifest cannot say: which simulated metric each custom metric name
 * means (metric_map). The manifest is read as the API server reads it:
 * apiVersion, kind, metadata, scaleTargetRef and status accepted and not
 * used; defaults filled as pkg/apis/autoscaling/v2/defaults.go fills them
 * (minReplicas 1, cpu at 80%, behavior field by field); values checked as
 * pkg/apis/autoscaling/validation does, and the target fields chosen as the
 * controller chooses them (horizontal.go, computeStatusFor*). What the
 * simulator does not model (containerResource metrics, resources other
 * than cpu and memory) is an error that says what to write instead. */
#include "loader.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/quantity.h"

/* Bytes in a GiB: memory_gb is in GiB, Kubernetes memory in bytes. */
#define GIB 1073741824.0

/* The policy mapping's keys and the manifest's. */
static const keyspec object_keys[] = {
    {"apiVersion", NULL}, {"kind", NULL}, {"metadata", NULL}, {"spec", NULL}, {"status", NULL},
    {NULL, NULL}
};
static const keyspec spec_v2_keys[] = {
    {"scaleTargetRef", NULL}, {"minReplicas", NULL}, {"maxReplicas", NULL}, {"metrics", NULL},
    {"behavior", NULL}, {NULL, NULL}
};
static const keyspec spec_v1_keys[] = {
    {"scaleTargetRef", NULL}, {"minReplicas", NULL}, {"maxReplicas", NULL},
    {"targetCPUUtilizationPercentage", NULL}, {NULL, NULL}
};
static const keyspec metric_keys[] = {
    {"type", NULL}, {"resource", NULL}, {"pods", NULL}, {"object", NULL}, {"external", NULL},
    {"containerResource", "headroom models one container per pod: use type: Resource with the same name and target"},
    {NULL, NULL}
};
static const keyspec resource_keys[] = {{"name", NULL}, {"target", NULL}, {NULL, NULL}};
static const keyspec pods_keys[] = {{"metric", NULL}, {"target", NULL}, {NULL, NULL}};
static const keyspec object_metric_keys[] = {
    {"describedObject", NULL}, {"metric", NULL}, {"target", NULL}, {NULL, NULL}
};
static const keyspec identifier_keys[] = {{"name", NULL}, {"selector", NULL}, {NULL, NULL}};
static const keyspec target_keys[] = {
    {"type", NULL}, {"averageUtilization", NULL}, {"averageValue", NULL}, {"value", NULL},
    {NULL, NULL}
};
static const keyspec behavior_keys[] = {{"scaleUp", NULL}, {"scaleDown", NULL}, {NULL, NULL}};
static const keyspec rules_keys[] = {
    {"stabilizationWindowSeconds", NULL}, {"selectPolicy", NULL}, {"policies", NULL},
    {"tolerance", NULL}, {NULL, NULL}
};
static const keyspec rate_keys[] = {
    {"type", NULL}, {"value", NULL}, {"periodSeconds", NULL}, {NULL, NULL}
};

static const char *const api_versions[] = {
    "autoscaling/v2", "autoscaling/v2beta2", "autoscaling/v1", NULL
};
static const char *const source_names[] = {"Resource", "Pods", "Object", "External",
                                           "ContainerResource", NULL};
static const char *const source_members[] = {"resource", "pods", "object", "external",
                                             "containerResource", NULL};
static const char *const target_names[] = {"Utilization", "AverageValue", "Value", NULL};
static const char *const resource_names[] = {"cpu", "memory", NULL};
static const char *const select_names[] = {"Max", "Min", "Disabled", NULL};
static const char *const rate_names[] = {"Pods", "Percent", NULL};

/* What reads a manifest: the loader of the file it is in, the loader of
 * the policy mapping (for metric_map, which lives there) and the policy. */
typedef struct hpa_reader {
    loader *M;                   /* the manifest's file (or the scenario, inline) */
    loader *P;                   /* the policy mapping's */
    const yaml_node_t *metric_map; /* or NULL */
    const char *map_path;
    hr_policy_config *p;
} hpa_reader;

/* ---- values -------------------------------------------------------------- */

/* The value of key in map, or NULL when absent or null: the API server
 * reads a null field as unset. */
static yaml_node_t *given(loader *L, const yaml_node_t *map, const char *key)
{
    yaml_node_t *v = ld_get(L, map, key, NULL);
    return v != NULL && !ld_is_null(v) ? v : NULL;
}

/* A Kubernetes quantity greater than 0 (or >= 0 when zero_ok). */
static int rd_quantity(loader *L, const yaml_node_t *n, const char *path, bool zero_ok,
                       double *out)
{
    char g[64], r[64];
    if (!ld_is_scalar(n) || hr_quantity_parse(ld_sval(n), out) != HR_OK)
        return ld_fail(L, n, HR_EINVAL, path,
                       "expected a Kubernetes quantity like 500m, 512Mi, 2k or 1.5e3, got %s",
                       ld_got(n, g, sizeof g));
    if (zero_ok ? *out < 0 : !(*out > 0))
        return ld_fail(L, n, HR_EINVAL, path, "must be %s, got %s",
                       zero_ok ? "at least 0" : "greater than 0", ld_raw(n, r, sizeof r));
    return HR_OK;
}

static int f_quantity(loader *L, const yaml_node_t *map, const char *base, const char *key,
                      bool zero_ok, double *out)
{
    char kp[KEYPATH_MAX];
    ld_join(kp, base, key);
    return rd_quantity(L, ld_get(L, map, key, NULL), kp, zero_ok, out);
}

/* The mapping at key in map (required), checked against keys. */
static int sub_map(loader *L, const yaml_node_t *map, const char *base, const char *key,
                   const keyspec *keys, const char *example, char kp[KEYPATH_MAX],
                   yaml_node_t **out)
{
    int rc;
    *out = ld_get(L, map, key, NULL);
    if (*out == NULL)
        return ld_missing(L, map, base, key);
    ld_join(kp, base, key);
    if ((rc = ld_expect_map(L, *out, kp, example)) || (rc = ld_check_keys(L, *out, kp, keys)))
        return rc;
    return HR_OK;
}

/* ---- metric names ---------------------------------------------------------- */

static bool metric_by_name(const char *name, hr_metric *out)
{
    for (int m = 0; m < HR_METRIC_COUNT; m++)
        if (strcmp(hr_metric_name((hr_metric)m), name) == 0) {
            *out = (hr_metric)m;
            return true;
        }
    return false;
}

/* The simulated metric a Pods, Object or External metric called name reads:
 * its metric_map entry, else a headroom metric of that name. In a scenario
 * an unknown name is an error at the name node; for decide it reads
 * nothing simulated. */
static int resolve_metric(hpa_reader *R, const yaml_node_t *name_node, const char *path,
                          hr_metric *out)
{
    const char *name = ld_sval(name_node);
    char names[LIST_MAX], kp[KEYPATH_MAX];
    const char *all[HR_METRIC_COUNT];
    for (int m = 0; m < HR_METRIC_COUNT; m++)
        all[m] = hr_metric_name((hr_metric)m);
    ld_list_names(all, HR_METRIC_COUNT, names, sizeof names);
    if (R->metric_map != NULL) {
        yaml_node_t *v = ld_get(R->P, R->metric_map, name, NULL);
        if (v != NULL) {
            ld_join(kp, R->map_path, name);
            if (ld_is_scalar(v) && metric_by_name(ld_sval(v), out))
                return HR_OK;
            char g[64];
            return ld_fail(R->P, v, HR_EINVAL, kp, "expected a headroom metric (%s), got %s",
                           names, ld_got(v, g, sizeof g));
        }
    }
    if (metric_by_name(name, out))
        return HR_OK;
    if (R->P->standalone) {
        *out = HR_METRIC_COUNT;
        return HR_OK;
    }
    return ld_fail(R->M, name_node, HR_EINVAL, path,
                   "%s is not a metric headroom simulates; say which one it is in the policy, "
                   "metric_map: {%s: request_rate} (one of %s)",
                   name, name, names);
}

/* The factor from the simulated metric's unit to the manifest's: cores for
 * cpu and bytes for memory read as values, the metric's own otherwise. */
static double unit_scale(const hr_scenario *sc, hr_metric m, bool as_value)
{
    if (!as_value)
        return 1.0;
    if (m == HR_METRIC_CPU)
        return sc->fleet.vcpu / 100.0;
    if (m == HR_METRIC_MEMORY)
        return sc->fleet.memory_gb * GIB / 100.0;
    return 1.0;
}

/* ---- metrics ------------------------------------------------------------- */

/* target: {type, averageUtilization | averageValue | value}, the fields
 * allowed for the source; the controller's choice of field into m. */
static int parse_target(hpa_reader *R, const yaml_node_t *parent, const char *base,
                        hr_hpa_metric *m)
{
    loader *L = R->M;
    char kp[KEYPATH_MAX];
    yaml_node_t *t;
    int rc, type;
    if ((rc = sub_map(L, parent, base, "target", target_keys,
                      "{type: Utilization, averageUtilization: 70}", kp, &t)) ||
        (rc = ld_f_enum(L, t, kp, "type", true, 0, "target type", target_names, &type)))
        return rc;
    yaml_node_t *util = ld_get(L, t, "averageUtilization", NULL);
    yaml_node_t *avg = ld_get(L, t, "averageValue", NULL);
    yaml_node_t *val = ld_get(L, t, "value", NULL);
    int util_pct;
    if (util && (rc = ld_f_int(L, t, kp, "averageUtilization", true, 0, 1, INT_MAX, &util_pct)))
        return rc;
    double avg_q = 0, val_q = 0;
    if ((avg && (rc = f_quantity(L, t, kp, "averageValue", false, &avg_q))) ||
        (val && (rc = f_quantity(L, t, kp, "value", false, &val_q))))
        return rc;

    switch (m->source) {
    case HR_HPA_RESOURCE:
        if ((util == NULL) == (avg == NULL))
            return ld_fail(L, t, HR_EINVAL, kp,
                           "give exactly one of averageUtilization and averageValue");
        val = NULL; /* validation allows it; the controller does not read it */
        break;
    case HR_HPA_PODS:
        if (avg == NULL)
            return ld_missing(L, t, kp, "averageValue (Pods metrics are averages per pod)");
        util = val = NULL; /* the controller reads averageValue only */
        break;
    case HR_HPA_OBJECT:
        util = NULL;
        if (type == HR_HPA_VALUE && val != NULL)
            avg = NULL;
        else if (type == HR_HPA_AVERAGE_VALUE && avg != NULL)
            val = NULL;
        else
            return ld_fail(L, t, HR_EINVAL, kp,
                           "neither a value target nor an average value target was set; "
                           "write type: Value with value, or type: AverageValue with averageValue");
        break;
    case HR_HPA_EXTERNAL:
        if ((avg == NULL) == (val == NULL))
            return ld_fail(L, t, HR_EINVAL, kp, "give exactly one of value and averageValue");
        util = NULL;
        break;
    }
    if (avg != NULL) {
        m->target_type = HR_HPA_AVERAGE_VALUE;
        m->target = avg_q;
    } else if (util != NULL) {
        m->target_type = HR_HPA_UTILIZATION;
        m->target = util_pct;
    } else {
        m->target_type = HR_HPA_VALUE;
        m->target = val_q;
    }
    return HR_OK;
}

/* metric: {name, selector}: the name; the selector picks a series in the
 * cluster, which metric_map does here. */
static int parse_identifier(hpa_reader *R, const yaml_node_t *parent, const char *base,
                            hr_hpa_metric *m)
{
    char kp[KEYPATH_MAX], np[KEYPATH_MAX];
    yaml_node_t *id;
    int rc;
    if ((rc = sub_map(R->M, parent, base, "metric", identifier_keys,
                      "{name: http_requests_per_second}", kp, &id)) ||
        (rc = ld_f_string(R->M, id, kp, "name", true, NULL, &m->name)))
        return rc;
    ld_join(np, kp, "name");
    return resolve_metric(R, ld_get(R->M, id, "name", NULL), np, &m->metric);
}

static int parse_metric(hpa_reader *R, const yaml_node_t *n, const char *path, hr_hpa_metric *m)
{
    loader *L = R->M;
    char kp[KEYPATH_MAX];
    int rc, type;
    yaml_node_t *src;
    if ((rc = ld_expect_map(L, n, path,
                            "{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}")) ||
        (rc = ld_check_keys(L, n, path, metric_keys)) ||
        (rc = ld_f_enum(L, n, path, "type", true, 0, "metric type", source_names, &type)))
        return rc;
    m->pos.line = (int)n->start_mark.line + 1;
    m->pos.column = (int)n->start_mark.column + 1;
    /* "must populate the given metric source only" */
    for (int k = 0; source_members[k] != NULL; k++) {
        yaml_node_t *key;
        if (k != type && ld_get(L, n, source_members[k], &key)) {
            ld_join(kp, path, source_members[k]);
            return ld_fail(L, key, HR_EINVAL, kp, "a %s metric takes %s only",
                           source_names[type], source_members[type]);
        }
    }
    if (type == 4) /* ContainerResource */
        return ld_fail(L, ld_get(L, n, "type", NULL), HR_ENOTSUP, path,
                       "headroom models one container per pod: use type: Resource with the same name and target");
    m->source = (hr_hpa_source)type;
    switch (m->source) {
    case HR_HPA_RESOURCE: {
        int res;
        if ((rc = sub_map(L, n, path, "resource", resource_keys,
                          "{name: cpu, target: {type: Utilization, averageUtilization: 70}}", kp,
                          &src)))
            return rc;
        if ((rc = ld_f_enum(L, src, kp, "name", true, 0, "resource (headroom simulates cpu and memory)",
                            resource_names, &res)))
            return rc;
        m->name = strdup(resource_names[res]);
        if (m->name == NULL)
            return ld_nomem(L);
        m->metric = res == 0 ? HR_METRIC_CPU : HR_METRIC_MEMORY;
        if ((rc = parse_target(R, src, kp, m)))
            return rc;
        break;
    }
    case HR_HPA_PODS:
    case HR_HPA_EXTERNAL:
        if ((rc = sub_map(L, n, path, source_members[type], pods_keys,
                          "{metric: {name: NAME}, target: {type: AverageValue, averageValue: 100}}",
                          kp, &src)) ||
            (rc = parse_identifier(R, src, kp, m)) || (rc = parse_target(R, src, kp, m)))
            return rc;
        break;
    case HR_HPA_OBJECT: {
        char dp[KEYPATH_MAX];
        yaml_node_t *obj;
        if ((rc = sub_map(L, n, path, "object", object_metric_keys,
                          "{describedObject: {kind: Ingress, name: web}, metric: {name: NAME}, target: {type: Value, value: 10k}}",
                          kp, &src)) ||
            (rc = sub_map(L, src, kp, "describedObject", NULL, "{apiVersion: networking.k8s.io/v1, kind: Ingress, name: web}",
                          dp, &obj)))
            return rc;
        if (!ld_get(L, obj, "kind", NULL))
            return ld_missing(L, obj, dp, "kind");
        if (!ld_get(L, obj, "name", NULL))
            return ld_missing(L, obj, dp, "name");
        if ((rc = parse_identifier(R, src, kp, m)) || (rc = parse_target(R, src, kp, m)))
            return rc;
        break;
    }
    }
    m->scale = unit_scale(R->M->sc, m->metric, m->target_type != HR_HPA_UTILIZATION);
    if (m->metric == HR_METRIC_MEMORY && !R->P->standalone &&
        (rc = ld_need_memory_model(R->M, n, path)))
        return rc;
    return HR_OK;
}

/* ---- behavior ------------------------------------------------------------ */

/* One direction's rules over defaults (GenerateHPAScaleUpRules /
 * GenerateHPAScaleDownRules): each field the manifest sets replaces the
 * default, policies as a whole list. */
static int parse_rules(loader *L, const yaml_node_t *n, const char *path, hr_hpa_rules *r)
{
    char kp[KEYPATH_MAX], rp[KEYPATH_MAX], g[64];
    int rc, sel;
    if ((rc = ld_expect_map(L, n, path, "{stabilizationWindowSeconds: 300, policies: [{type: Percent, value: 100, periodSeconds: 15}]}")) ||
        (rc = ld_check_keys(L, n, path, rules_keys)))
        return rc;
    sel = (int)r->select;
    if ((given(L, n, "stabilizationWindowSeconds") &&
         (rc = ld_f_int(L, n, path, "stabilizationWindowSeconds", false, 0, 0, 3600,
                        &r->stabilization_s))) ||
        (given(L, n, "selectPolicy") &&
         (rc = ld_f_enum(L, n, path, "selectPolicy", false, 0, "selectPolicy", select_names, &sel))))
        return rc;
    r->select = (hr_hpa_select)sel;
    if (given(L, n, "tolerance") != NULL) {
        if ((rc = f_quantity(L, n, path, "tolerance", true, &r->tolerance)))
            return rc;
        r->has_tolerance = true;
    }
    yaml_node_t *list = given(L, n, "policies");
    if (list == NULL)
        return HR_OK;
    ld_join(kp, path, "policies");
    size_t count = ld_seq_len(list);
    if (count == 0)
        return ld_fail(L, list, HR_EINVAL, kp,
                       "expected a non-empty list like [{type: Pods, value: 4, periodSeconds: 15}], got %s",
                       list->type == YAML_SEQUENCE_NODE ? "an empty list" : ld_got(list, g, sizeof g));
    if (count > HR_HPA_MAX_RATES)
        return ld_fail(L, list, HR_EINVAL, kp, "at most %d policies, got %zu", HR_HPA_MAX_RATES,
                       count);
    r->n_rates = count;
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item = ld_seq_item(L, list, i);
        hr_hpa_rate *rate = &r->rates[i];
        int type;
        ld_join_index(rp, kp, i, NULL);
        if ((rc = ld_expect_map(L, item, rp, "{type: Percent, value: 100, periodSeconds: 15}")) ||
            (rc = ld_check_keys(L, item, rp, rate_keys)) ||
            (rc = ld_f_enum(L, item, rp, "type", true, 0, "policy type", rate_names, &type)) ||
            (rc = ld_f_int(L, item, rp, "value", true, 0, 1, INT_MAX, &rate->value)) ||
            (rc = ld_f_int(L, item, rp, "periodSeconds", true, 0, 1, 1800, &rate->period_s)))
            return rc;
        rate->percent = type == 1;
    }
    return HR_OK;
}

static void default_rules(hr_hpa_config *h)
{
    h->up = (hr_hpa_rules){.stabilization_s = 0, .select = HR_HPA_SELECT_MAX, .n_rates = 2};
    h->up.rates[0] = (hr_hpa_rate){.percent = false, .value = 4, .period_s = 15};
    h->up.rates[1] = (hr_hpa_rate){.percent = true, .value = 100, .period_s = 15};
    /* scaleDown.stabilizationWindowSeconds stays nil in the defaults and
     * the controller fills in its --horizontal-pod-autoscaler-downscale-stabilization */
    h->down = (hr_hpa_rules){.stabilization_s = (int)h->downscale_window_s,
                             .select = HR_HPA_SELECT_MAX,
                             .n_rates = 1};
    h->down.rates[0] = (hr_hpa_rate){.percent = true, .value = 100, .period_s = 15};
}

static int parse_behavior(loader *L, const yaml_node_t *n, const char *path, hr_hpa_config *h)
{
    char kp[KEYPATH_MAX];
    int rc;
    if ((rc = ld_expect_map(L, n, path, "{scaleDown: {stabilizationWindowSeconds: 300}}")) ||
        (rc = ld_check_keys(L, n, path, behavior_keys)))
        return rc;
    h->has_behavior = true;
    default_rules(h);
    yaml_node_t *up = given(L, n, "scaleUp"), *down = given(L, n, "scaleDown");
    ld_join(kp, path, "scaleUp");
    if (up != NULL && (rc = parse_rules(L, up, kp, &h->up)))
        return rc;
    ld_join(kp, path, "scaleDown");
    if (down != NULL && (rc = parse_rules(L, down, kp, &h->down)))
        return rc;
    return HR_OK;
}

/* ---- spec ---------------------------------------------------------------- */

/* The default metric: cpu at 80% utilization (autoscaling.DefaultCPUUtilization). */
static int cpu_metric(loader *L, const yaml_node_t *at, int pct, hr_hpa_metric *m)
{
    *m = (hr_hpa_metric){.source = HR_HPA_RESOURCE,
                         .target_type = HR_HPA_UTILIZATION,
                         .target = pct,
                         .name = strdup("cpu"),
                         .metric = HR_METRIC_CPU,
                         .scale = 1.0,
                         .pos = {(int)at->start_mark.line + 1, (int)at->start_mark.column + 1}};
    return m->name ? HR_OK : ld_nomem(L);
}

static int parse_replicas(loader *L, const yaml_node_t *n, const char *path, hr_hpa_config *h)
{
    char kp[KEYPATH_MAX], r[64];
    int rc;
    h->min_replicas = 1;
    if ((given(L, n, "minReplicas") &&
         (rc = ld_f_int(L, n, path, "minReplicas", false, 1, 1, INT_MAX, &h->min_replicas))) ||
        (rc = ld_f_int(L, n, path, "maxReplicas", true, 0, 1, INT_MAX, &h->max_replicas)))
        return rc;
    if (h->max_replicas < h->min_replicas) {
        yaml_node_t *v = ld_get(L, n, "maxReplicas", NULL);
        ld_join(kp, path, "maxReplicas");
        return ld_fail(L, v, HR_EINVAL, kp, "must be at least minReplicas (%d), got %s",
                       h->min_replicas, ld_raw(v, r, sizeof r));
    }
    yaml_node_t *ref = ld_get(L, n, "scaleTargetRef", NULL);
    ld_join(kp, path, "scaleTargetRef");
    if (ref != NULL && (rc = ld_expect_map(L, ref, kp, "{apiVersion: apps/v1, kind: Deployment, name: web}")))
        return rc;
    return HR_OK;
}

static int parse_spec(hpa_reader *R, const yaml_node_t *n, const char *path, bool v1)
{
    loader *L = R->M;
    hr_hpa_config *h = &R->p->hpa;
    char kp[KEYPATH_MAX], mp[KEYPATH_MAX], g[64];
    int rc;
    if ((rc = ld_expect_map(L, n, path, "{maxReplicas: 20, metrics: [...]}")) ||
        (rc = ld_check_keys(L, n, path, v1 ? spec_v1_keys : spec_v2_keys)) ||
        (rc = parse_replicas(L, n, path, h)))
        return rc;
    if (v1) {
        int pct;
        if ((rc = ld_f_int(L, n, path, "targetCPUUtilizationPercentage", false, 80, 1, INT_MAX, &pct)))
            return rc;
        h->n_metrics = 1;
        return cpu_metric(L, n, pct, &h->metrics[0]);
    }
    yaml_node_t *list = given(L, n, "metrics");
    size_t count = list ? ld_seq_len(list) : 0;
    ld_join(kp, path, "metrics");
    if (list != NULL && list->type != YAML_SEQUENCE_NODE)
        return ld_fail(L, list, HR_EINVAL, kp, "expected a list of metrics, got %s",
                       ld_got(list, g, sizeof g));
    if (count > HR_HPA_MAX_METRICS)
        return ld_fail(L, list, HR_EINVAL, kp, "at most %d metrics, got %zu", HR_HPA_MAX_METRICS,
                       count);
    if (count == 0) {
        h->n_metrics = 1;
        if ((rc = cpu_metric(L, list ? list : n, 80, &h->metrics[0])))
            return rc;
    }
    for (size_t i = 0; i < count; i++) {
        h->n_metrics = i + 1; /* counts the entries to free */
        ld_join_index(mp, kp, i, NULL);
        if ((rc = parse_metric(R, ld_seq_item(L, list, i), mp, &h->metrics[i])))
            return rc;
    }
    yaml_node_t *b = given(L, n, "behavior");
    ld_join(kp, path, "behavior");
    if (b != NULL && (rc = parse_behavior(L, b, kp, h)))
        return rc;
    return HR_OK;
}

/* ---- the manifest -------------------------------------------------------- */

/* Is root a HorizontalPodAutoscaler object? */
static bool is_hpa(loader *L, const yaml_node_t *root)
{
    if (root == NULL || root->type != YAML_MAPPING_NODE)
        return false;
    yaml_node_t *kind = ld_get(L, root, "kind", NULL);
    return kind != NULL && ld_is_scalar(kind) &&
           strcmp(ld_sval(kind), "HorizontalPodAutoscaler") == 0;
}

/* The whole object: apiVersion, kind, metadata, spec (status ignored). */
static int parse_object(hpa_reader *R, const yaml_node_t *root)
{
    loader *L = R->M;
    int rc, api;
    char kp[KEYPATH_MAX];
    if ((rc = ld_check_keys(L, root, "", object_keys)) ||
        (rc = ld_f_enum(L, root, "", "apiVersion", true, 0, "apiVersion", api_versions, &api)))
        return rc;
    yaml_node_t *meta = ld_get(L, root, "metadata", NULL);
    if (meta != NULL && (rc = ld_expect_map(L, meta, "metadata", "{name: web}")))
        return rc;
    /* a policy of its own is named after the object */
    yaml_node_t *name = meta ? ld_get(L, meta, "name", NULL) : NULL;
    if (R->P->standalone && R->p->name == NULL && name != NULL && ld_is_scalar(name) &&
        (R->p->name = strdup(ld_sval(name))) == NULL)
        return ld_nomem(L);
    yaml_node_t *spec = ld_get(L, root, "spec", NULL);
    if (spec == NULL)
        return ld_missing(L, root, "", "spec");
    ld_join(kp, "", "spec");
    return parse_spec(R, spec, kp, api == 2);
}

/* Read every document of the manifest file; exactly one must be an HPA
 * (a file may also hold the Deployment and the Service). */
static int parse_manifest_documents(hpa_reader *R)
{
    loader *L = R->M;
    yaml_parser_t parser;
    int rc = HR_OK, found = 0, found_line = 0;
    if (!yaml_parser_initialize(&parser))
        return ld_nomem(L);
    yaml_parser_set_input_string(&parser, (const unsigned char *)L->text, L->len);
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            rc = ld_syntax_error(L, &parser);
            break;
        }
        L->doc = &doc;
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (root == NULL) {
            yaml_document_delete(&doc);
            break;
        }
        if (is_hpa(L, root)) {
            if (found) {
                rc = ld_fail(L, root, HR_EINVAL, "",
                             "a second HorizontalPodAutoscaler (the first is at line %d); give the policy a file with one",
                             found_line);
            } else {
                found = 1;
                found_line = (int)root->start_mark.line + 1;
                L->root = root;
                rc = parse_object(R, root);
            }
        }
        yaml_document_delete(&doc);
        L->doc = NULL;
        L->root = NULL;
        if (rc != HR_OK)
            break;
    }
    yaml_parser_delete(&parser);
    if (rc == HR_OK && !found)
        rc = hr_error_set(L->err, HR_EINVAL,
                          "%s:1:1: no HorizontalPodAutoscaler in the file; expected a manifest with kind: HorizontalPodAutoscaler and apiVersion: autoscaling/v2",
                          L->file);
    return rc;
}

static int read_manifest_file(hpa_reader *R, const char *file)
{
    char *text;
    size_t len;
    int rc = ld_read_file(file, "manifest", LD_MAX_TEXT_BYTES, &text, &len, R->P->err);
    if (rc != HR_OK)
        return rc;
    loader M = {.file = file, .text = text, .len = len, .err = R->P->err, .sc = R->P->sc,
                .standalone = R->P->standalone};
    R->M = &M;
    rc = parse_manifest_documents(R);
    R->M = R->P;
    free(text);
    return rc;
}

/* ---- kind: hpa ----------------------------------------------------------- */

int ld_parse_hpa(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    hr_hpa_config *h = &p->hpa;
    char kp[KEYPATH_MAX], g[64];
    int rc;
    if ((rc = ld_f_duration(L, n, path, "sync_period", false, 15, true, &h->sync_period_s)) ||
        (rc = ld_f_number(L, n, path, "tolerance", false, 0.1, 0, false, NO_HI, false,
                          &h->tolerance)) ||
        (rc = ld_f_duration(L, n, path, "downscale_stabilization", false, 300, false,
                            &h->downscale_window_s)))
        return rc;
    if (h->downscale_window_s > 86400) {
        ld_join(kp, path, "downscale_stabilization");
        return ld_fail(L, ld_get(L, n, "downscale_stabilization", NULL), HR_EINVAL, kp,
                       "must be at most 1d, got %g s", h->downscale_window_s);
    }
    hpa_reader R = {.M = L, .P = L, .p = p};
    char map_path[KEYPATH_MAX];
    yaml_node_t *map = ld_get(L, n, "metric_map", NULL);
    if (map != NULL) {
        ld_join(map_path, path, "metric_map");
        if ((rc = ld_expect_map(L, map, map_path, "{http_requests_per_second: request_rate}")) ||
            (rc = ld_check_keys(L, map, map_path, NULL)))
            return rc;
        R.metric_map = map;
        R.map_path = map_path;
    }
    yaml_node_t *file = ld_get(L, n, "manifest", NULL), *spec = ld_get(L, n, "spec", NULL);
    if ((file == NULL) == (spec == NULL)) {
        if (file == NULL)
            return ld_missing(L, n, path, "manifest (a file) or spec (inline)");
        ld_join(kp, path, "spec");
        return ld_fail(L, spec, HR_EINVAL, kp, "give manifest or spec, not both");
    }
    if (spec != NULL) {
        char sp[KEYPATH_MAX];
        ld_join(sp, path, "spec");
        return parse_spec(&R, spec, sp, false);
    }
    ld_join(kp, path, "manifest");
    if (!ld_is_scalar(file))
        return ld_fail(L, file, HR_EINVAL, kp, "expected the path of a HorizontalPodAutoscaler manifest, got %s",
                       ld_got(file, g, sizeof g));
    h->manifest = ld_relative_path(L->file, ld_sval(file));
    if (h->manifest == NULL)
        return ld_nomem(L);
    rc = read_manifest_file(&R, h->manifest);
    if (rc == HR_EIO)
        return ld_fail(L, file, HR_EINVAL, kp, "%s (a manifest path is relative to the scenario file)",
                       L->err->msg);
    return rc;
}

/* Scan the documents for a HorizontalPodAutoscaler without reporting
 * anything (a syntax error is reported by whoever parses next). */
bool ld_has_hpa_manifest(loader *L)
{
    yaml_parser_t parser;
    bool found = false;
    if (!yaml_parser_initialize(&parser))
        return false;
    yaml_parser_set_input_string(&parser, (const unsigned char *)L->text, L->len);
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc))
            break;
        L->doc = &doc;
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        bool end = root == NULL;
        found = found || is_hpa(L, root);
        yaml_document_delete(&doc);
        L->doc = NULL;
        if (end || found)
            break;
    }
    yaml_parser_delete(&parser);
    return found;
}

int ld_load_hpa_manifest(loader *L, hr_policy_config *p)
{
    p->kind = HR_POLICY_HPA;
    p->hpa.sync_period_s = 15;
    p->hpa.tolerance = 0.1;
    p->hpa.downscale_window_s = 300;
    hpa_reader R = {.M = L, .P = L, .p = p};
    int rc = parse_manifest_documents(&R);
    if (rc == HR_OK && p->name == NULL && (p->name = strdup("hpa")) == NULL)
        return ld_nomem(L);
    return rc;
}
