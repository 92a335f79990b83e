/* load_root.c - the scenario: the top-level mapping and its header keys
 * (scenario, duration, tick, fidelity, seed, replications), metrics and
 * slo, the walk over the sections, and the public hr_scenario_* functions
 * (a whole scenario, or one policy in a file of its own). */
#include "loader.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- top level ----------------------------------------------------------- */

static const keyspec top_keys[] = {
    {"scenario", NULL}, {"description", NULL}, {"duration", NULL}, {"tick", NULL},
    {"fidelity", NULL}, {"seed", NULL}, {"replications", NULL}, {"traffic", NULL},
    {"workload", NULL}, {"fleet", NULL}, {"metrics", NULL}, {"slo", NULL},
    {"policies", NULL}, {"limits", NULL}, {"calendar", NULL}, {NULL, NULL}
};

static const char *const fidelity_names[] = {"auto", "request", "fluid", NULL};

static int parse_seed(loader *L, const yaml_node_t *root, uint64_t *out)
{
    char r[64], g[64];
    yaml_node_t *n = ld_get(L, root, "seed", NULL);
    *out = 1;
    if (n == NULL)
        return HR_OK;
    const char *s = ld_is_scalar(n) ? ld_sval(n) : "";
    bool digits = s[0] != '\0';
    for (const char *c = s; *c; c++)
        digits = digits && *c >= '0' && *c <= '9';
    if (digits) {
        errno = 0;
        unsigned long long v = strtoull(s, NULL, 10);
        if (errno == 0) {
            *out = (uint64_t)v;
            return HR_OK;
        }
    }
    if (!ld_is_scalar(n))
        return ld_fail(L, n, HR_EINVAL, "seed",
                       "expected an integer from 0 to 18446744073709551615, got %s",
                       ld_got(n, g, sizeof g));
    return ld_fail(L, n, HR_EINVAL, "seed", "must be an integer from 0 to 18446744073709551615, got %s",
                   ld_raw(n, r, sizeof r));
}

static int parse_header(loader *L, const yaml_node_t *root)
{
    hr_scenario *sc = L->sc;
    int rc, fid;
    if ((rc = ld_f_string(L, root, "", "scenario", true, NULL, &sc->name)) ||
        (rc = ld_check_name(L, root, "", "scenario", sc->name)) ||
        (rc = ld_f_string(L, root, "", "description", false, "", &sc->description)) ||
        (rc = ld_f_duration(L, root, "", "duration", true, 0, true, &sc->duration_s)) ||
        (rc = ld_f_duration(L, root, "", "tick", false, 1, true, &sc->tick_s)))
        return rc;
    char r[64];
    if (sc->duration_s > LD_MAX_RUN_S)
        return ld_fail(L, ld_get(L, root, "duration", NULL), HR_EINVAL, "duration",
                       "must be at most 400d, got %s", ld_raw(ld_get(L, root, "duration", NULL), r,
                                                               sizeof r));
    if (sc->tick_s < LD_MIN_TICK_S)
        return ld_fail(L, ld_get(L, root, "tick", NULL), HR_EINVAL, "tick",
                       "must be at least 1ms, got %s", ld_raw(ld_get(L, root, "tick", NULL), r,
                                                              sizeof r));
    if (sc->duration_s / sc->tick_s > LD_MAX_TICKS) {
        char t[32];
        ld_fmt_dur(sc->duration_s / LD_MAX_TICKS, t, sizeof t);
        yaml_node_t *tick = ld_get(L, root, "tick", NULL);
        return ld_fail(L, tick ? tick : ld_get(L, root, "duration", NULL), HR_EINVAL,
                       tick ? "tick" : "duration",
                       "%.3g ticks is more than the 100 million a run may have; use a tick of at "
                       "least %s for this duration",
                       sc->duration_s / sc->tick_s, t);
    }
    if (sc->tick_s > sc->duration_s) {
        char t[32], d[32];
        ld_fmt_dur(sc->tick_s, t, sizeof t);
        ld_fmt_dur(sc->duration_s, d, sizeof d);
        yaml_node_t *tick = ld_get(L, root, "tick", NULL);
        if (tick != NULL)
            return ld_fail(L, tick, HR_EINVAL, "tick", "must be at most duration (%s), got %s", d,
                           ld_sval(tick));
        return ld_fail(L, ld_get(L, root, "duration", NULL), HR_EINVAL, "duration",
                       "must be at least tick (%s, the default), got %s", t, d);
    }
    if ((rc = ld_f_enum(L, root, "", "fidelity", false, HR_FIDELITY_AUTO, "fidelity",
                        fidelity_names, &fid)))
        return rc;
    sc->fidelity = (hr_fidelity)fid;
    if ((rc = parse_seed(L, root, &sc->seed)) ||
        (rc = ld_f_int(L, root, "", "replications", false, 1, 1, 1000, &sc->replications)))
        return rc;
    return HR_OK;
}

/* ---- metrics and slo ----------------------------------------------------- */

static const keyspec metrics_keys[] = {{"period", NULL}, {"delay", NULL}, {NULL, NULL}};
static const keyspec slo_keys[] = {
    {"latency_p95", NULL}, {"latency_p99", NULL}, {"error_rate", NULL}, {"window", NULL},
    {"objective", NULL}, {"min_requests", NULL}, {NULL, NULL}
};

static int parse_metrics(loader *L, const yaml_node_t *n)
{
    hr_metrics_config *m = &L->sc->metrics;
    int rc;
    m->period_s = 60;
    m->delay_s = 60;
    if (n != NULL) {
        if ((rc = ld_expect_map(L, n, "metrics", "{period: 60s, delay: 60s}")) ||
            (rc = ld_check_keys(L, n, "metrics", metrics_keys)) ||
            (rc = ld_f_duration(L, n, "metrics", "period", false, 60, true, &m->period_s)) ||
            (rc = ld_f_duration(L, n, "metrics", "delay", false, 60, false, &m->delay_s)))
            return rc;
        if (m->delay_s > LD_MAX_DELAY_PERIODS * m->period_s) {
            char r[64];
            yaml_node_t *d = ld_get(L, n, "delay", NULL);
            return ld_fail(L, d, HR_EINVAL, "metrics.delay",
                           "must be at most 100 metrics periods (a datapoint published that late "
                           "is of no use to a policy), got %s", ld_raw(d, r, sizeof r));
        }
    }
    return ld_check_tick_multiple(L, n, "metrics", "period", m->period_s);
}

static int parse_slo(loader *L, const yaml_node_t *n)
{
    hr_slo_config *s = &L->sc->slo;
    int rc;
    s->error_rate_pct = -1;
    s->window_s = 300;
    s->objective_pct = 99.9;
    if (n != NULL) {
        if ((rc = ld_expect_map(L, n, "slo", "{latency_p95: 300ms, error_rate: 0.1}")) ||
            (rc = ld_check_keys(L, n, "slo", slo_keys)) ||
            (rc = ld_f_duration(L, n, "slo", "latency_p95", false, 0, true, &s->latency_p95_s)) ||
            (rc = ld_f_duration(L, n, "slo", "latency_p99", false, 0, true, &s->latency_p99_s)) ||
            (rc = ld_f_number(L, n, "slo", "error_rate", false, -1, 0, false, 100, false,
                              &s->error_rate_pct)) ||
            (rc = ld_f_duration(L, n, "slo", "window", false, 300, true, &s->window_s)) ||
            (rc = ld_f_number(L, n, "slo", "objective", false, 99.9, 0, true, 100, false,
                              &s->objective_pct)) ||
            (rc = ld_f_int(L, n, "slo", "min_requests", false, 0, 0, 1000000000, &s->min_requests)))
            return rc;
    }
    return ld_check_tick_multiple(L, n, "slo", "window", s->window_s);
}

/* ---- the document -------------------------------------------------------- */

/* The walk of a scenario document (arg unused). */
static int parse_root(loader *L, yaml_node_t *root, void *arg)
{
    int rc;
    yaml_node_t *sub;
    (void)arg;
    if ((rc = ld_expect_map(L, root, "", "{scenario: NAME, duration: 1d, traffic: {...}, ...}")) ||
        (rc = ld_check_keys(L, root, "", top_keys)) || (rc = parse_header(L, root)) ||
        (rc = ld_parse_calendar(L, root)))
        return rc;
    if ((sub = ld_get(L, root, "limits", NULL)) &&
        (rc = ld_parse_limits(L, sub, "limits", &L->sc->limits)))
        return rc;
    if (!(sub = ld_get(L, root, "traffic", NULL)))
        return ld_missing(L, root, "", "traffic");
    if ((rc = ld_parse_traffic(L, sub)))
        return rc;
    if (!(sub = ld_get(L, root, "workload", NULL)))
        return ld_missing(L, root, "", "workload");
    if ((rc = ld_parse_workload(L, sub)))
        return rc;
    if (!(sub = ld_get(L, root, "fleet", NULL)))
        return ld_missing(L, root, "", "fleet");
    if ((rc = ld_parse_fleet(L, sub)) ||
        (rc = parse_metrics(L, ld_get(L, root, "metrics", NULL))) ||
        (rc = parse_slo(L, ld_get(L, root, "slo", NULL))))
        return rc;
    ld_finish_tenants(L);
    return ld_parse_policies(L, root);
}

/* ---- the public entry points --------------------------------------------- */

int hr_scenario_load_string(const char *path, const char *text, size_t len,
                            hr_scenario *out, hr_error *err)
{
    memset(out, 0, sizeof *out);
    if (path == NULL)
        path = "<string>";
    loader L = {.file = path, .text = text, .len = len, .err = err, .sc = out};
    out->path = strdup(path);
    out->text = malloc(len + 1);
    if (out->path == NULL || out->text == NULL) {
        hr_scenario_free(out);
        return ld_nomem(&L);
    }
    if (len > 0)
        memcpy(out->text, text, len);
    out->text[len] = '\0';
    int rc = ld_load_document(&L, "scenario",
                              "a scenario needs at least scenario, duration, traffic, workload, fleet and policies",
                              parse_root, NULL);
    if (rc != HR_OK) {
        hr_scenario_free(out);
        return rc;
    }
    hr_error_clear(err);
    return HR_OK;
}

int hr_scenario_load(const char *path, hr_scenario *out, hr_error *err)
{
    char *buf;
    size_t len;
    memset(out, 0, sizeof *out);
    int rc = ld_read_file(path, "scenario", LD_MAX_TEXT_BYTES, &buf, &len, err);
    if (rc != HR_OK)
        return rc;
    rc = hr_scenario_load_string(path, buf, len, out, err);
    free(buf);
    return rc;
}

int hr_scenario_load_policy_file(const char *path, hr_scenario *sc, hr_error *err)
{
    char *buf;
    size_t len;
    int rc = ld_read_file(path, "policy", LD_MAX_TEXT_BYTES, &buf, &len, err);
    if (rc != HR_OK)
        return rc;
    loader L = {.file = path, .text = buf, .len = len, .err = err, .sc = sc, .standalone = true};
    sc->path = strdup(path);
    sc->policies = calloc(1, sizeof *sc->policies);
    if (sc->path == NULL || sc->policies == NULL) {
        rc = ld_nomem(&L);
    } else {
        sc->n_policies = 1;
        sc->text = buf;
        buf = NULL;
        if (ld_has_hpa_manifest(&L))
            rc = ld_load_hpa_manifest(&L, &sc->policies[0]);
        else
            rc = ld_load_document(&L, "policy",
                                  "expected a HorizontalPodAutoscaler manifest or a policy like {name: cpu-70, kind: target_tracking, metric: cpu, target: 70}",
                                  ld_parse_one_policy, NULL);
    }
    free(buf);
    if (rc != HR_OK) {
        hr_scenario_free(sc);
        return rc;
    }
    hr_error_clear(err);
    return HR_OK;
}

void hr_scenario_free(hr_scenario *sc)
{
    if (sc == NULL)
        return;
    free(sc->path);
    free(sc->text);
    free(sc->name);
    free(sc->description);
    free(sc->traffic.diurnal_name);
    for (size_t i = 0; i < sc->traffic.n_events; i++)
        free(sc->traffic.events[i].name);
    free(sc->traffic.events);
    free(sc->traffic.growth_steps);
    free(sc->traffic.replay.file);
    free(sc->traffic.replay.time_s);
    free(sc->traffic.replay.rate);
    free(sc->traffic.clock_at_s);
    free(sc->traffic.clock_shift_s);
    hr_tz_free(&sc->calendar.tz);
    for (size_t i = 0; i < sc->n_warnings; i++)
        free(sc->warnings[i]);
    free(sc->warnings);
    for (size_t i = 0; i < sc->workload.n_classes; i++)
        free(sc->workload.classes[i].name);
    free(sc->workload.classes);
    free(sc->fleet.instance_type);
    free(sc->fleet.outages);
    for (size_t i = 0; i < sc->n_tenants; i++) {
        hr_tenant *t = &sc->tenants[i];
        free(t->name);
        free(t->tier);
        for (size_t c = 0; c < t->n_classes; c++)
            free(t->classes[c].name);
        free(t->classes);
    }
    free(sc->tenants);
    for (size_t i = 0; i < sc->n_policies; i++) {
        hr_policy_config *p = &sc->policies[i];
        free(p->name);
        free(p->source);
        free(p->steps);
        free(p->scale_out.steps);
        free(p->scale_in.steps);
        free(p->children);
        free(p->hpa.manifest);
        for (size_t m = 0; m < p->hpa.n_metrics; m++)
            free(p->hpa.metrics[m].name);
        for (size_t a = 0; a < p->n_schedule; a++) {
            free(p->schedule[a].label);
            hr_tz_free(&p->schedule[a].tz);
        }
        free(p->schedule);
    }
    free(sc->policies);
    memset(sc, 0, sizeof *sc);
}

void hr_classes_service_moments(const hr_request_class *classes, size_t n, double *mean_s,
                                double *second_s2)
{
    double m1 = 0, m2 = 0;
    for (size_t c = 0; c < n; c++) {
        double m = hr_dist_mean(&classes[c].service);
        m1 += classes[c].share * m;
        m2 += classes[c].share * (hr_dist_variance(&classes[c].service) + m * m);
    }
    *mean_s = m1;
    *second_s2 = m2;
}

double hr_workload_mean_service_s(const hr_workload_config *wl)
{
    double mean_s = 0;
    for (size_t i = 0; i < wl->n_classes; i++)
        mean_s += wl->classes[i].share * wl->classes[i].service.mean_s;
    return mean_s;
}

