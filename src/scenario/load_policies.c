/* load_policies.c - the policies list: the keys every policy has (name,
 * kind, limits, schedule), the policy's source text, and one parser per
 * kind (static, target_tracking, oracle, scheduled, predictive, max and min
 * here; step and simple in load_alarms.c; hpa in load_hpa.c), chosen
 * through the kind table policy_kinds. Adding a kind: its parser and one
 * row there. */
#include "loader.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most policies one max or min may combine. */
#define HR_MAX_CHILD_NODES 64

/* hr_metric order. */
static const char *const metric_names[] = {
    "cpu", "request_rate", "concurrency", "queue_depth", "latency_p95", "error_rate", "memory",
    NULL
};

static const char *const static_keys[] = {"name", "kind", "instances", "limits", "schedule",
                                          NULL};
static const char *const step_keys[] = {
    "name", "kind", "metric", "breach", "steps", "scale_out", "scale_in", "warmup", "cooldown",
    "missing_data", "limits", "schedule", NULL
};
static const char *const tt_keys[] = {
    "name", "kind", "metric", "target", "warmup", "scale_in_cooldown", "scale_out_cooldown",
    "disable_scale_in", "missing_data", "scale_out_datapoints", "scale_in_datapoints", "limits",
    "schedule", NULL
};
static const char *const missing_data_names[] = {"missing", "ignore", "breaching", "not_breaching",
                                                 NULL};
static const char *const simple_keys[] = {
    "name", "kind", "metric", "above", "below", "breach", "adjustment", "adjustment_type",
    "min_adjustment_magnitude", "cooldown", "missing_data", "limits", "schedule", NULL
};
static const char *const hpa_keys[] = {
    "name", "kind", "manifest", "spec", "metric_map", "sync_period", "tolerance",
    "downscale_stabilization", "limits", "schedule", NULL
};
static const char *const oracle_keys[] = {"name", "kind", "limits", NULL};
static const char *const scheduled_keys[] = {"name", "kind", "schedule", "limits", NULL};
static const char *const predictive_keys[] = {
    "name", "kind", "metric", "target", "forecaster", "seasonality", "season", "lead",
    "min_history", "window", "degree", "alpha", "beta", "gamma", "mode", "max_capacity_buffer",
    "fallback", "limits", "schedule", NULL
};
static const char *const forecaster_names[] = {"seasonal_naive", "holt_winters", "linear",
                                               "polynomial", NULL};
static const char *const seasonality_names[] = {"additive", "multiplicative", NULL};
static const char *const mode_names[] = {"forecast_and_scale", "forecast_only", NULL};
static const char *const combinator_keys[] = {"name", "kind", "policies", "limits", "schedule",
                                              NULL};


/* ---- limits: the scenario's, and each policy's over them ------------------ */

static const keyspec limit_keys[] = {
    {"max_scale_out_per_hour", NULL}, {"max_scale_in_per_hour", NULL},
    {"budget_per_hour", NULL}, {NULL, NULL}
};

/* Set the fields present in n (leaving the others as they are), so a
 * policy's limits overlay the scenario's field by field. */
int ld_parse_limits(loader *L, const yaml_node_t *n, const char *path, hr_limits *lim)
{
    int rc;
    if ((rc = ld_expect_map(L, n, path, "{max_scale_out_per_hour: 10, budget_per_hour: 40}")) ||
        (rc = ld_check_keys(L, n, path, limit_keys)))
        return rc;
    if (ld_get(L, n, "max_scale_out_per_hour", NULL)) {
        lim->has_max_scale_out_per_hour = true;
        if ((rc = ld_f_int(L, n, path, "max_scale_out_per_hour", true, 0, 1, INT_MAX,
                           &lim->max_scale_out_per_hour)))
            return rc;
    }
    if (ld_get(L, n, "max_scale_in_per_hour", NULL)) {
        lim->has_max_scale_in_per_hour = true;
        if ((rc = ld_f_int(L, n, path, "max_scale_in_per_hour", true, 0, 1, INT_MAX,
                           &lim->max_scale_in_per_hour)))
            return rc;
    }
    if (ld_get(L, n, "budget_per_hour", NULL)) {
        lim->has_budget_per_hour = true;
        if ((rc = ld_f_number(L, n, path, "budget_per_hour", true, 0, 0, true, NO_HI, false,
                              &lim->budget_per_hour)))
            return rc;
    }
    return HR_OK;
}

int ld_parse_metric(loader *L, const yaml_node_t *n, const char *path, hr_metric *out)
{
    int m, rc;
    char kp[KEYPATH_MAX];
    if ((rc = ld_f_enum(L, n, path, "metric", true, 0, "metric", metric_names, &m)))
        return rc;
    *out = (hr_metric)m;
    ld_join(kp, path, "metric");
    if (*out == HR_METRIC_MEMORY && !L->standalone)
        return ld_need_memory_model(L, ld_get(L, n, "metric", NULL), kp);
    return HR_OK;
}

/* missing_data: as CloudWatch's TreatMissingData. Target tracking sizes
 * from the value itself, so a missing one can only be skipped or stand in
 * for by the last one. */
int ld_parse_missing_data(loader *L, const yaml_node_t *n, const char *path, bool step,
                          hr_missing_data *out)
{
    int v, rc;
    if ((rc = ld_f_enum(L, n, path, "missing_data", false, HR_MISSING_MISSING, "missing_data",
                        missing_data_names, &v)))
        return rc;
    if (!step && (v == HR_MISSING_BREACHING || v == HR_MISSING_NOT_BREACHING)) {
        char kp[KEYPATH_MAX];
        ld_join(kp, path, "missing_data");
        return ld_fail(L, ld_get(L, n, "missing_data", NULL), HR_EINVAL, kp,
                       "target tracking sizes the fleet from the metric's value, so a missing "
                       "one can be `missing` (no action) or `ignore` (the last value stands), "
                       "not %s",
                       missing_data_names[v]);
    }
    *out = (hr_missing_data)v;
    return HR_OK;
}

static int parse_target_tracking(loader *L, const yaml_node_t *n, const char *path,
                                 hr_policy_config *p)
{
    int rc;
    if ((rc = ld_parse_metric(L, n, path, &p->metric)))
        return rc;
    /* cpu and error_rate are percentages (memory may run past 100%). */
    bool pct = p->metric == HR_METRIC_CPU || p->metric == HR_METRIC_ERROR_RATE;
    if ((rc = ld_f_number(L, n, path, "target", true, 0, 0, true, pct ? 100 : NO_HI, false,
                          &p->target)) ||
        (rc = ld_f_duration(L, n, path, "warmup", false, L->sc->metrics.period_s, false,
                            &p->warmup_s)) ||
        (rc = ld_f_duration(L, n, path, "scale_in_cooldown", false, 300, false,
                            &p->scale_in_cooldown_s)) ||
        (rc = ld_f_duration(L, n, path, "scale_out_cooldown", false, 60, false,
                            &p->scale_out_cooldown_s)) ||
        (rc = ld_f_bool(L, n, path, "disable_scale_in", false, &p->disable_scale_in)) ||
        (rc = ld_parse_missing_data(L, n, path, false, &p->missing_data)) ||
        (rc = ld_f_int(L, n, path, "scale_out_datapoints", false, 3, 1, 1000,
                       &p->scale_out_datapoints)) ||
        (rc = ld_f_int(L, n, path, "scale_in_datapoints", false, 15, 1, 1000,
                       &p->scale_in_datapoints)))
        return rc;
    return HR_OK;
}

static int parse_static(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    const hr_fleet_config *f = &L->sc->fleet;
    char kp[KEYPATH_MAX], r[64];
    int rc;
    if ((rc = ld_f_int(L, n, path, "instances", true, 0, 0, INT_MAX, &p->instances)))
        return rc;
    if (p->instances < f->min || p->instances > f->max) {
        yaml_node_t *v = ld_get(L, n, "instances", NULL);
        ld_join(kp, path, "instances");
        return ld_fail(L, v, HR_EINVAL, kp, "must be from fleet.min (%d) to fleet.max (%d), got %s",
                       f->min, f->max, ld_raw(v, r, sizeof r));
    }
    return HR_OK;
}

/* The oracle takes no key of its own: its foresight, lead and interval
 * follow from the scenario (src/policy/oracle.c). */
static int parse_oracle(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    (void)L;
    (void)n;
    (void)path;
    (void)p;
    return HR_OK;
}

/* kind: scheduled: only its schedule changes the capacity (parsed with
 * every kind's schedule in parse_policy). */
static int parse_scheduled(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p)
{
    (void)p;
    if (ld_get(L, n, "schedule", NULL) == NULL)
        return ld_missing(L, n, path, "schedule (the scheduled actions)");
    return HR_OK;
}

/* ---- kind: predictive, and the combinators max and min ------------------- */

/* key may be given only when allowed; else "applies to WHICH only". */
static int only_for(loader *L, const yaml_node_t *n, const char *path, const char *key,
                    bool allowed, const char *which)
{
    yaml_node_t *k = NULL;
    if (allowed || ld_get(L, n, key, &k) == NULL)
        return HR_OK;
    char kp[KEYPATH_MAX];
    ld_join(kp, path, key);
    return ld_fail(L, k, HR_EINVAL, kp, "applies to %s only", which);
}

/* key (a duration, dflt when absent) is a whole number of metrics periods,
 * at least `least` of them. */
static int read_periods(loader *L, const yaml_node_t *n, const char *path, const char *key,
                        double dflt, int least, double *out)
{
    int rc;
    if ((rc = ld_f_duration(L, n, path, key, false, dflt, true, out)))
        return rc;
    double period_s = L->sc->metrics.period_s, k = *out / period_s;
    if (fabs(k - nearbyint(k)) < 1e-9 && nearbyint(k) >= least)
        return HR_OK;
    char kp[KEYPATH_MAX], d[32], r[32];
    ld_join(kp, path, key);
    ld_fmt_dur(period_s, d, sizeof d);
    ld_fmt_dur(*out, r, sizeof r);
    return ld_fail(L, ld_get(L, n, key, NULL), HR_EINVAL, kp,
                   "must be a whole number of metrics periods (%s), at least %d of them, got %s",
                   d, least, r);
}

static int parse_predictive(loader *L, const yaml_node_t *n, const char *path,
                            hr_policy_config *p)
{
    char kp[KEYPATH_MAX], d[32], r[32];
    int rc, v;
    if ((rc = ld_f_enum(L, n, path, "metric", false, HR_METRIC_CPU, "metric", metric_names, &v)))
        return rc;
    p->metric = (hr_metric)v;
    if (p->metric != HR_METRIC_CPU && p->metric != HR_METRIC_REQUEST_RATE &&
        p->metric != HR_METRIC_CONCURRENCY) {
        ld_join(kp, path, "metric");
        return ld_fail(L, ld_get(L, n, "metric", NULL), HR_EINVAL, kp,
                       "predictive scaling forecasts a load that adds up over the instances: "
                       "cpu, request_rate or concurrency, not %s",
                       metric_names[v]);
    }
    bool pct = p->metric == HR_METRIC_CPU;
    if ((rc = ld_f_number(L, n, path, "target", true, 0, 0, true, pct ? 100 : NO_HI, false,
                          &p->target)) ||
        (rc = ld_f_enum(L, n, path, "forecaster", false, HR_FORECASTER_HOLT_WINTERS, "forecaster",
                        forecaster_names, &v)))
        return rc;
    p->forecaster = (hr_forecaster)v;
    bool hw = p->forecaster == HR_FORECASTER_HOLT_WINTERS;
    bool seasonal = hw || p->forecaster == HR_FORECASTER_SEASONAL_NAIVE;
    bool poly = p->forecaster == HR_FORECASTER_POLYNOMIAL;
    if ((rc = only_for(L, n, path, "season", seasonal, "forecasters seasonal_naive and holt_winters")) ||
        (rc = only_for(L, n, path, "seasonality", hw, "forecaster holt_winters")) ||
        (rc = only_for(L, n, path, "alpha", hw, "forecaster holt_winters")) ||
        (rc = only_for(L, n, path, "beta", hw, "forecaster holt_winters")) ||
        (rc = only_for(L, n, path, "gamma", hw, "forecaster holt_winters")) ||
        (rc = only_for(L, n, path, "window", !seasonal, "forecasters linear and polynomial")) ||
        (rc = only_for(L, n, path, "degree", poly, "forecaster polynomial")))
        return rc;

    double needed_s;
    if (seasonal) {
        if ((rc = read_periods(L, n, path, "season", 86400, 2, &p->season_s)))
            return rc;
        needed_s = hw ? 2 * p->season_s : p->season_s;
    } else {
        p->degree = 1;
        if (poly && (rc = ld_f_int(L, n, path, "degree", false, 2, 1, HR_FORECAST_MAX_DEGREE,
                                   &p->degree)))
            return rc;
        if ((rc = read_periods(L, n, path, "window", 3600, p->degree + 1, &p->window_s)))
            return rc;
        needed_s = p->window_s;
    }
    if (hw) {
        if ((rc = ld_f_enum(L, n, path, "seasonality", false, HR_SEASONALITY_ADDITIVE,
                            "seasonality", seasonality_names, &v)))
            return rc;
        p->seasonality = (hr_seasonality)v;
        static const char *const smoothing[] = {"alpha", "beta", "gamma"};
        double *dst[] = {&p->alpha, &p->beta, &p->gamma};
        int given = 0;
        for (int k = 0; k < 3; k++)
            given += ld_get(L, n, smoothing[k], NULL) != NULL;
        if (given > 0 && given < 3)
            return ld_missing(L, n, path, "alpha, beta and gamma (give all three, or none to "
                                          "fit them to the history)");
        p->has_smoothing = given == 3;
        for (int k = 0; k < 3 && p->has_smoothing; k++)
            if ((rc = ld_f_number(L, n, path, smoothing[k], true, 0, 0, false, 1, false, dst[k])))
                return rc;
    }
    if ((rc = ld_f_duration(L, n, path, "lead", false, 300, false, &p->lead_s)) ||
        (rc = ld_f_duration(L, n, path, "min_history", false, fmax(86400, needed_s), true,
                            &p->min_history_s)))
        return rc;
    if (p->min_history_s < needed_s - 1e-9) {
        ld_join(kp, path, "min_history");
        ld_fmt_dur(needed_s, d, sizeof d);
        ld_fmt_dur(p->min_history_s, r, sizeof r);
        return ld_fail(L, ld_get(L, n, "min_history", NULL), HR_EINVAL, kp,
                       "must be at least %s (%s), got %s", d,
                       hw ? "two seasons: Holt-Winters starts from them"
                          : seasonal ? "one season" : "the window",
                       r);
    }
    if (!L->standalone && p->min_history_s >= L->sc->duration_s) {
        yaml_node_t *at = ld_get(L, n, "min_history", NULL);
        ld_join(kp, path, "min_history");
        ld_fmt_dur(p->min_history_s, d, sizeof d);
        ld_fmt_dur(L->sc->duration_s, r, sizeof r);
        if ((rc = ld_warn(L, at ? at : n, kp,
                          "%s of history is never reached in a run of %s: the policy never "
                          "forecasts%s",
                          d, r, p->has_fallback ? ", only its fallback scales" : "")))
            return rc;
    }
    if ((rc = ld_f_enum(L, n, path, "mode", false, 0, "mode", mode_names, &v)))
        return rc;
    p->forecast_only = v == 1;
    p->has_max_capacity_buffer = ld_get(L, n, "max_capacity_buffer", NULL) != NULL;
    if ((rc = ld_f_number(L, n, path, "max_capacity_buffer", false, 0, 0, false, 100, false,
                          &p->max_capacity_buffer_pct)))
        return rc;
    yaml_node_t *fb = ld_get(L, n, "fallback", NULL);
    if (fb != NULL && L->standalone) {
        ld_join(kp, path, "fallback");
        return ld_fail(L, fb, HR_EINVAL, kp,
                       "names another policy of a scenario; a policy file of its own holds "
                       "one policy, so leave the fallback out here");
    }
    p->has_fallback = fb != NULL; /* resolved once every policy is read */
    return HR_OK;
}

static int parse_combinator(loader *L, const yaml_node_t *n, const char *path,
                            hr_policy_config *p)
{
    char kp[KEYPATH_MAX], g[64];
    yaml_node_t *seq = ld_get(L, n, "policies", NULL);
    if (seq == NULL)
        return ld_missing(L, n, path, "policies");
    ld_join(kp, path, "policies");
    if (L->standalone)
        return ld_fail(L, seq, HR_EINVAL, kp,
                       "names other policies of a scenario; a policy file of its own holds one "
                       "policy, so combine policies in a scenario");
    size_t count = ld_seq_len(seq);
    if (seq->type != YAML_SEQUENCE_NODE || count < 2)
        return ld_fail(L, seq, HR_EINVAL, kp,
                       "expected a list of at least two policy names like [cpu-70, requests-500], "
                       "got %s",
                       seq->type == YAML_SEQUENCE_NODE && count == 1 ? "one name"
                       : seq->type == YAML_SEQUENCE_NODE            ? "an empty list"
                                                                    : ld_got(seq, g, sizeof g));
    p->children = calloc(count, sizeof *p->children);
    if (p->children == NULL)
        return ld_nomem(L);
    p->n_children = count; /* resolved once every policy is read */
    return HR_OK;
}

/* The policy named at node v for policy self: another policy of the
 * scenario. */
static int resolve_name(loader *L, const yaml_node_t *v, const char *kp, size_t self,
                        size_t *out)
{
    char g[64], list[LIST_MAX];
    if (!ld_is_scalar(v))
        return ld_fail(L, v, HR_EINVAL, kp, "expected the name of another policy, got %s",
                       ld_got(v, g, sizeof g));
    int i = hr_scenario_find_policy(L->sc, ld_sval(v));
    if (i < 0) {
        const char **names = calloc(L->sc->n_policies, sizeof *names);
        if (names == NULL)
            return ld_nomem(L);
        size_t k = 0;
        for (size_t j = 0; j < L->sc->n_policies; j++)
            if (j != self)
                names[k++] = L->sc->policies[j].name;
        const char *s = ld_suggest(ld_sval(v), names, k);
        int rc = s ? ld_fail(L, v, HR_EINVAL, kp, "no policy is called %s; did you mean %s?",
                             ld_sval(v), s)
                   : ld_fail(L, v, HR_EINVAL, kp, "no policy is called %s; the others are: %s",
                             ld_sval(v), ld_list_names(names, k, list, sizeof list));
        free(names);
        return rc;
    }
    if ((size_t)i == self)
        return ld_fail(L, v, HR_EINVAL, kp, "a policy cannot name itself; name another policy");
    if (L->sc->policies[i].kind == HR_POLICY_SCHEDULED)
        return ld_fail(L, v, HR_EINVAL, kp,
                       "%s is a scheduled policy, whose actions apply only where it runs as a "
                       "candidate; give this policy the schedule: key instead",
                       ld_sval(v));
    if (L->sc->policies[i].kind == HR_POLICY_ORACLE)
        return ld_fail(L, v, HR_EINVAL, kp,
                       "%s is the oracle, the bound real policies are measured against; name a "
                       "real policy",
                       ld_sval(v));
    *out = (size_t)i;
    return HR_OK;
}

static bool is_composite(const hr_policy_config *p)
{
    return p->kind == HR_POLICY_MAX || p->kind == HR_POLICY_MIN ||
           (p->kind == HR_POLICY_PREDICTIVE && p->has_fallback);
}

/* The policies p runs inside it: the children, or the fallback. */
static size_t inner(const hr_policy_config *p, const size_t **out)
{
    if (p->kind == HR_POLICY_PREDICTIVE) {
        *out = &p->fallback;
        return p->has_fallback ? 1 : 0;
    }
    *out = p->children;
    return p->n_children;
}

/* Depth-first from `at` looking for `target`; path[0..*depth) the way. */
static bool reaches(const hr_scenario *sc, size_t at, size_t target, size_t *path, size_t *depth,
                    size_t max_depth)
{
    const size_t *next;
    size_t n = inner(&sc->policies[at], &next);
    if (*depth >= max_depth)
        return false;
    path[(*depth)++] = at;
    for (size_t k = 0; k < n; k++)
        if (next[k] == target || reaches(sc, next[k], target, path, depth, max_depth))
            return true;
    (*depth)--;
    return false;
}

/* Seconds between evaluations of policy i (hr_policy_sync_period_s): the
 * HPA's sync period, the clock its children share for a composite, else 0
 * (each metrics publication). */
static double policy_clock(const hr_scenario *sc, size_t i)
{
    const hr_policy_config *p = &sc->policies[i];
    if (p->kind == HR_POLICY_HPA)
        return p->hpa.sync_period_s;
    const size_t *next;
    size_t n = inner(p, &next);
    return n > 0 ? policy_clock(sc, next[0]) : 0;
}

static const char *clock_name(double s, char *buf, size_t size)
{
    char d[32];
    if (s <= 0)
        return "at each metrics publication";
    ld_fmt_dur(s, d, sizeof d);
    snprintf(buf, size, "every %s (a sync period)", d);
    return buf;
}

/* Name references (fallback, policies) of policy i, whose mapping is n:
 * resolved, free of cycles, and on one evaluation clock. */
static int resolve_policy(loader *L, const yaml_node_t *n, size_t i)
{
    hr_scenario *sc = L->sc;
    hr_policy_config *p = &sc->policies[i];
    char path[KEYPATH_MAX], kp[KEYPATH_MAX], ip[KEYPATH_MAX];
    int rc;
    if (!is_composite(p))
        return HR_OK;
    ld_join_index(path, "policies", i, p->name);
    bool fb = p->kind == HR_POLICY_PREDICTIVE;
    ld_join(kp, path, fb ? "fallback" : "policies");
    yaml_node_t *ref = ld_get(L, n, fb ? "fallback" : "policies", NULL);
    const yaml_node_t *item[HR_MAX_CHILD_NODES];
    size_t count = fb ? 1 : p->n_children;
    if (count > HR_MAX_CHILD_NODES)
        return ld_fail(L, ref, HR_EINVAL, kp, "at most %d policies", HR_MAX_CHILD_NODES);
    for (size_t k = 0; k < count; k++) {
        item[k] = fb ? ref : ld_seq_item(L, ref, k);
        if (fb)
            snprintf(ip, sizeof ip, "%s", kp);
        else
            ld_join_index(ip, kp, k, NULL);
        size_t *dst = fb ? &p->fallback : &p->children[k];
        if ((rc = resolve_name(L, item[k], ip, i, dst)))
            return rc;
        for (size_t j = 0; j < k && !fb; j++)
            if (p->children[j] == *dst)
                return ld_fail(L, item[k], HR_EINVAL, ip, "%s is named twice; name it once",
                               sc->policies[*dst].name);
    }
    return HR_OK;
}

static int check_clocks(loader *L, const yaml_node_t *ref, const char *kp,
                        const hr_policy_config *p);

/* Once every reference resolved: no policy contains itself (pass 0), and,
 * once no policy does, the policies a composite runs are evaluated on one
 * clock (pass 1). */
static int check_composite(loader *L, const yaml_node_t *n, size_t i, int pass)
{
    hr_scenario *sc = L->sc;
    const hr_policy_config *p = &sc->policies[i];
    char path[KEYPATH_MAX], kp[KEYPATH_MAX], way[LIST_MAX];
    if (!is_composite(p))
        return HR_OK;
    ld_join_index(path, "policies", i, p->name);
    bool fb = p->kind == HR_POLICY_PREDICTIVE;
    ld_join(kp, path, fb ? "fallback" : "policies");
    yaml_node_t *ref = ld_get(L, n, fb ? "fallback" : "policies", NULL);
    if (pass == 1)
        return check_clocks(L, ref, kp, p);
    size_t *trail = calloc(sc->n_policies + 1, sizeof *trail), depth = 0;
    if (trail == NULL)
        return ld_nomem(L);
    bool cycle = reaches(sc, i, i, trail, &depth, sc->n_policies + 1);
    if (cycle) {
        size_t used = 0;
        for (size_t k = 0; k < depth && used < sizeof way; k++) {
            int w = snprintf(way + used, sizeof way - used, "%s -> ", sc->policies[trail[k]].name);
            used += w > 0 ? (size_t)w : 0;
        }
        if (used < sizeof way)
            snprintf(way + used, sizeof way - used, "%s", p->name);
    }
    free(trail);
    if (cycle)
        return ld_fail(L, ref, HR_EINVAL, kp,
                       "the policies contain one another (%s); a policy cannot run inside itself",
                       way);
    return HR_OK;
}

static int check_clocks(loader *L, const yaml_node_t *ref, const char *kp,
                        const hr_policy_config *p)
{
    const hr_scenario *sc = L->sc;
    char b1[64], b2[64];
    bool fb = p->kind == HR_POLICY_PREDICTIVE;
    const size_t *next;
    size_t m = inner(p, &next);
    double first = policy_clock(sc, next[0]);
    for (size_t k = 1; k < m; k++) {
        double c = policy_clock(sc, next[k]);
        if (fabs(c - first) > 1e-9)
            return ld_fail(L, ld_seq_item(L, ref, k), HR_EINVAL, kp,
                           "%s is evaluated %s and %s %s; combine policies evaluated on one clock",
                           sc->policies[next[k]].name, clock_name(c, b1, sizeof b1),
                           sc->policies[next[0]].name, clock_name(first, b2, sizeof b2));
    }
    if (fb && first > 0)
        return ld_fail(L, ref, HR_EINVAL, kp,
                       "%s is evaluated %s, the predictive policy at each metrics publication; "
                       "give a fallback evaluated at each publication (target_tracking, step, "
                       "simple)",
                       sc->policies[next[0]].name, clock_name(first, b1, sizeof b1));
    return HR_OK;
}

/* The policy kinds, in the order of the contract: the name a policy's kind
 * takes, the keys its mapping takes and its parser, which fills the kind's
 * fields of the hr_policy_config (name, kind, pos, source and limits are
 * common). Rows of built kinds sit at their hr_policy_kind; parse is NULL
 * for a kind that is not built yet (HR_ENOTSUP). Adding a kind means
 * writing its parser and filling its row. */
typedef struct policy_kind {
    const char *name;
    const char *const *keys;
    int (*parse)(loader *L, const yaml_node_t *n, const char *path, hr_policy_config *p);
} policy_kind;

static const policy_kind policy_kinds[] = {
    [HR_POLICY_STATIC] = {"static", static_keys, parse_static},
    [HR_POLICY_STEP] = {"step", step_keys, ld_parse_step},
    [HR_POLICY_TARGET_TRACKING] = {"target_tracking", tt_keys, parse_target_tracking},
    [HR_POLICY_HPA] = {"hpa", hpa_keys, ld_parse_hpa},
    [HR_POLICY_SIMPLE] = {"simple", simple_keys, ld_parse_simple},
    [HR_POLICY_ORACLE] = {"oracle", oracle_keys, parse_oracle},
    [HR_POLICY_SCHEDULED] = {"scheduled", scheduled_keys, parse_scheduled},
    [HR_POLICY_PREDICTIVE] = {"predictive", predictive_keys, parse_predictive},
    [HR_POLICY_MAX] = {"max", combinator_keys, parse_combinator},
    [HR_POLICY_MIN] = {"min", combinator_keys, parse_combinator},
};
#define N_KINDS (sizeof policy_kinds / sizeof policy_kinds[0])

static bool in_list(const char *const *names, const char *s)
{
    for (; *names; names++)
        if (strcmp(*names, s) == 0)
            return true;
    return false;
}

/* Some kind of the contract takes key. */
static bool any_kind_takes(const char *key)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (in_list(policy_kinds[i].keys, key))
            return true;
    return false;
}

/* Keys must belong to this kind; keys of another kind get a message saying
 * so, others a did-you-mean among this kind's keys. */
static int check_policy_keys(loader *L, const yaml_node_t *n, const char *path, int kind)
{
    const char *const *valid = policy_kinds[kind].keys;
    size_t n_valid = ld_count_names(valid);
    char list[LIST_MAX], kp[KEYPATH_MAX];
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ld_node_at(L, p->key);
        if (in_list(valid, ld_sval(k)))
            continue;
        if (!any_kind_takes(ld_sval(k)))
            return ld_unknown_key(L, k, path, valid, n_valid, valid, n_valid);
        ld_join(kp, path, ld_sval(k));
        return ld_fail(L, k, HR_EINVAL, kp, "%s policies take no %s; valid keys: %s",
                       policy_kinds[kind].name, ld_sval(k),
                       ld_list_names(valid, n_valid, list, sizeof list));
    }
    return HR_OK;
}

/* Byte offset of libyaml's mark index, which counts characters. The scan
 * resumes from the last offset asked for when it lies before, so the
 * policies, asked for in file order, cost one pass over the file. */
size_t ld_byte_offset(loader *L, size_t char_index)
{
    size_t b = 0, c = 0;
    if (L->mark_byte > 0 && L->mark_char <= char_index) {
        b = L->mark_byte;
        c = L->mark_char;
    } else if (L->len >= 3 && memcmp(L->text, "\xEF\xBB\xBF", 3) == 0) {
        b = 3; /* libyaml does not count the BOM */
    }
    for (; b < L->len; b++) {
        if (((unsigned char)L->text[b] & 0xC0) == 0x80)
            continue;
        if (c == char_index)
            break;
        c++;
    }
    L->mark_char = c;
    L->mark_byte = b;
    return b;
}

/* The policy's text as written: from its mapping's start to its end, minus
 * trailing blank and comment lines (a block mapping ends where the next
 * token starts), with continuation lines dedented by the mapping's column so
 * the result is itself a YAML mapping. */
static int policy_source(loader *L, const yaml_node_t *n, char **out)
{
    size_t b0 = ld_byte_offset(L, n->start_mark.index);
    size_t b1 = ld_byte_offset(L, n->end_mark.index);
    size_t col = n->start_mark.column;
    if (b1 < b0)
        b1 = b0;
    /* Drop trailing lines that are blank or comments. */
    for (;;) {
        while (b1 > b0 && strchr(" \t\r\n", L->text[b1 - 1]))
            b1--;
        size_t ls = b1;
        while (ls > b0 && L->text[ls - 1] != '\n')
            ls--;
        size_t fc = ls;
        while (fc < b1 && (L->text[fc] == ' ' || L->text[fc] == '\t'))
            fc++;
        if (ls == b0 || fc >= b1 || L->text[fc] != '#')
            break;
        b1 = ls;
    }
    char *s = malloc(b1 - b0 + 1);
    if (s == NULL)
        return ld_nomem(L);
    size_t o = 0;
    for (size_t i = b0; i < b1; i++) {
        s[o++] = L->text[i];
        if (L->text[i] == '\n')
            for (size_t k = 0; k < col && i + 1 < b1 && L->text[i + 1] == ' '; k++)
                i++;
    }
    s[o] = '\0';
    *out = s;
    return HR_OK;
}

/* The names of every kind into all (NULL-terminated, for ld_f_enum) and of
 * the built ones into built; returns how many are built. */
static size_t list_kinds(const char *all[N_KINDS + 1], const char *built[N_KINDS])
{
    size_t n_built = 0;
    for (size_t k = 0; k < N_KINDS; k++) {
        all[k] = policy_kinds[k].name;
        if (policy_kinds[k].parse != NULL)
            built[n_built++] = policy_kinds[k].name;
    }
    all[N_KINDS] = NULL;
    return n_built;
}

/* Policy i of the list (or, when L->standalone, the one policy of a file
 * of its own, whose key paths start at "policy"). */
/* The slot of name in L->names: where it is, or the empty one where it
 * would go (FNV-1a, linear probing; the set is at most half full). */
static size_t name_slot(const loader *L, const char *name)
{
    if (L->names == NULL)
        return 0;
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 1099511628211ULL;
    size_t mask = L->n_names - 1, k = (size_t)h & mask;
    while (L->names[k] != SIZE_MAX && strcmp(L->sc->policies[L->names[k]].name, name) != 0)
        k = (k + 1) & mask;
    return k;
}

static int parse_policy(loader *L, const yaml_node_t *n, size_t i, hr_policy_config *p)
{
    char path[KEYPATH_MAX], kp[KEYPATH_MAX], list[LIST_MAX];
    const char *kind_names[N_KINDS + 1], *built[N_KINDS];
    size_t n_built = list_kinds(kind_names, built);
    int rc, kind;
    if (L->standalone)
        ld_join(path, "", "policy");
    else
        ld_join_index(path, "policies", i, NULL);
    if ((rc = ld_expect_map(L, n, path, "{name: cpu-70, kind: target_tracking, metric: cpu, target: 70}")) ||
        (rc = ld_check_keys(L, n, path, NULL)))
        return rc;
    yaml_node_t *name = ld_get(L, n, "name", NULL);
    if (name != NULL && ld_is_scalar(name) && !L->standalone)
        ld_join_index(path, "policies", i, ld_sval(name));
    if ((rc = ld_f_string(L, n, path, "name", true, NULL, &p->name)) ||
        (rc = ld_check_name(L, n, path, "name", p->name)))
        return rc;
    size_t j = name_slot(L, p->name);
    if (L->names != NULL && L->names[j] != SIZE_MAX) {
        ld_join(kp, path, "name");
        return ld_fail(L, name, HR_EINVAL, kp,
                       "duplicate policy name; policies[%zu] is already called %s", L->names[j],
                       p->name);
    }
    if (L->names != NULL)
        L->names[j] = i;
    if ((rc = ld_f_enum(L, n, path, "kind", true, 0, "kind", kind_names, &kind)))
        return rc;
    if (policy_kinds[kind].parse == NULL) {
        ld_join(kp, path, "kind");
        return ld_fail(L, ld_get(L, n, "kind", NULL), HR_ENOTSUP, kp,
                       "kind %s is not available yet; available kinds: %s", kind_names[kind],
                       ld_list_names(built, n_built, list, sizeof list));
    }
    p->kind = (hr_policy_kind)kind;
    p->pos.line = (int)n->start_mark.line + 1;
    p->pos.column = (int)n->start_mark.column + 1;
    if ((rc = check_policy_keys(L, n, path, kind)) || (rc = policy_source(L, n, &p->source)))
        return rc;
    if ((rc = policy_kinds[kind].parse(L, n, path, p)))
        return rc;
    yaml_node_t *schedule = ld_get(L, n, "schedule", NULL);
    if (schedule != NULL) {
        ld_join(kp, path, "schedule");
        if ((rc = ld_parse_schedule(L, schedule, kp, p)))
            return rc;
    }
    p->limits = L->sc->limits;
    yaml_node_t *lim = ld_get(L, n, "limits", NULL);
    if (lim != NULL) {
        ld_join(kp, path, "limits");
        return ld_parse_limits(L, lim, kp, &p->limits);
    }
    return HR_OK;
}

int ld_parse_policies(loader *L, const yaml_node_t *root)
{
    char g[64];
    yaml_node_t *n = ld_get(L, root, "policies", NULL);
    if (n == NULL)
        return ld_missing(L, root, "", "policies");
    size_t count = ld_seq_len(n);
    if (count == 0)
        return ld_fail(L, n, HR_EINVAL, "policies",
                       "expected a non-empty list like [{name: fixed, kind: static, instances: 4}], got %s",
                       n->type == YAML_SEQUENCE_NODE ? "an empty list" : ld_got(n, g, sizeof g));
    L->sc->policies = calloc(count, sizeof *L->sc->policies);
    if (L->sc->policies == NULL)
        return ld_nomem(L);
    for (L->n_names = 16; L->n_names < 2 * count; L->n_names *= 2)
        ;
    if ((L->names = malloc(L->n_names * sizeof *L->names)) == NULL)
        return ld_nomem(L);
    for (size_t k = 0; k < L->n_names; k++)
        L->names[k] = SIZE_MAX;
    int rc = HR_OK;
    for (size_t i = 0; i < count && rc == HR_OK; i++) {
        /* n_policies counts the entries to free; bump it first. */
        L->sc->n_policies = i + 1;
        rc = parse_policy(L, ld_seq_item(L, n, i), i, &L->sc->policies[i]);
    }
    free(L->names);
    L->names = NULL;
    if (rc != HR_OK)
        return rc;
    /* names of other policies (fallback, policies) once all are read */
    for (size_t i = 0; i < count && rc == HR_OK; i++)
        rc = resolve_policy(L, ld_seq_item(L, n, i), i);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < count && rc == HR_OK; i++)
            rc = check_composite(L, ld_seq_item(L, n, i), i, pass);
    return rc;
}

int ld_parse_one_policy(loader *L, yaml_node_t *root, void *arg)
{
    (void)arg;
    return parse_policy(L, root, 0, &L->sc->policies[0]);
}
