/* curve.c - the load-test curve of one instance (curve.h): one engine run
 * per load step on a copy of the scenario reduced to a single, warm,
 * never-failing instance behind flat traffic. */
#include "headroom/curve.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/engine.h"

double hr_curve_nominal_rps(const hr_scenario *sc)
{
    double mean_s = hr_workload_mean_service_s(&sc->workload);
    return mean_s > 0 ? sc->fleet.concurrency / mean_s : INFINITY;
}

/* Does the step meet the SLO? Fill p->slo_ok and p->why. */
static void judge(const hr_slo_config *slo, hr_curve_point *p)
{
    p->slo_ok = true;
    p->why[0] = '\0';
    if (slo->latency_p95_s > 0 && !(p->latency_p95_ms <= slo->latency_p95_s * 1000.0))
        snprintf(p->why, sizeof p->why, "p95 %.0f ms > %g ms", p->latency_p95_ms,
                 slo->latency_p95_s * 1000.0);
    else if (slo->latency_p99_s > 0 && !(p->latency_p99_ms <= slo->latency_p99_s * 1000.0))
        snprintf(p->why, sizeof p->why, "p99 %.0f ms > %g ms", p->latency_p99_ms,
                 slo->latency_p99_s * 1000.0);
    else if (slo->error_rate_pct >= 0 && p->error_rate_pct > slo->error_rate_pct)
        snprintf(p->why, sizeof p->why, "errors %.3g%% > %g%%", p->error_rate_pct,
                 slo->error_rate_pct);
    p->slo_ok = p->why[0] == '\0';
}

int hr_curve_steady(const hr_scenario *sc, int instances, double rps, double duration_s,
                    uint64_t seed, hr_curve_point *p, hr_error *err)
{
    hr_scenario one = *sc;
    one.duration_s = duration_s;
    one.tenants = NULL;
    one.n_tenants = 0;
    one.traffic = (hr_traffic_config){.base_rps = rps};
    for (int h = 0; h < 24; h++)
        one.traffic.diurnal[h] = 1;
    for (int d = 0; d < 7; d++)
        one.traffic.weekly[d] = 1;
    one.fleet.min = one.fleet.initial = one.fleet.max = instances;
    one.fleet.mtbf_s = 0;
    one.fleet.n_outages = 0;
    one.fleet.launch_failure = 0;
    one.fleet.spot_share = 0;
    one.fleet.reserved_count = 0;
    one.fleet.warm_pool.enabled = false; /* a steady fleet never draws on a pool */
    hr_policy_config fixed = {.name = (char *)"steady", .kind = HR_POLICY_STATIC,
                              .instances = instances};
    one.policies = &fixed;
    one.n_policies = 1;

    hr_run_spec run = {.scenario = &one, .policy_index = 0, .seed = seed};
    hr_run_result r;
    int rc = hr_engine_run(&run, &r, err);
    if (rc != HR_OK)
        return rc;
    const hr_summary *s = &r.summary;
    double cpu = 0;
    for (size_t i = 0; i < r.n_series; i++)
        cpu += r.series[i].cpu_pct;
    *p = (hr_curve_point){
        .offered_rps = rps,
        .throughput_rps = (double)s->completed / duration_s,
        .latency_p50_ms = s->latency_p50_ms,
        .latency_p95_ms = s->latency_p95_ms,
        .latency_p99_ms = s->latency_p99_ms,
        .error_rate_pct = s->error_rate_pct,
        .cpu_pct = r.n_series ? cpu / (double)r.n_series : 0,
    };
    judge(&sc->slo, p);
    hr_run_result_free(&r);
    return HR_OK;
}

int hr_curve_run(const hr_curve_spec *spec, hr_curve *out, hr_error *err)
{
    const hr_scenario *sc = spec->scenario;
    *out = (hr_curve){.knee = -1, .nominal_rps = hr_curve_nominal_rps(sc)};
    if (!(sc->slo.latency_p95_s > 0) && !(sc->slo.latency_p99_s > 0) && sc->slo.error_rate_pct < 0)
        return hr_error_set(err, HR_EINVAL,
                            "%s: the slo judges neither latency nor errors, so there is no knee to "
                            "find; give slo.latency_p95 (or latency_p99, error_rate)",
                            sc->path);
    if (spec->steps < 2 || spec->steps > 1000)
        return hr_error_set(err, HR_EINVAL, "steps: expected 2 to 1000, got %d", spec->steps);
    double max_rps = spec->max_rps > 0 ? spec->max_rps : 1.2 * out->nominal_rps;
    if (!isfinite(max_rps))
        return hr_error_set(err, HR_EINVAL,
                            "%s: the requests take no time (mean service 0); give the curve's "
                            "largest load with --max-rps",
                            sc->path);
    out->points = calloc((size_t)spec->steps, sizeof *out->points);
    if (out->points == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory for the curve");
    bool broken = false;
    for (int k = 1; k <= spec->steps; k++) {
        hr_curve_point *p = &out->points[out->n];
        int rc = hr_curve_steady(sc, 1, max_rps * k / spec->steps, spec->step_s, spec->seed, p,
                                 err);
        if (rc != HR_OK) {
            hr_curve_free(out);
            return rc;
        }
        out->n++;
        if (!p->slo_ok)
            broken = true;
        else if (!broken)
            out->knee = (long)out->n - 1;
    }
    return HR_OK;
}

void hr_curve_free(hr_curve *c)
{
    free(c->points);
    c->points = NULL;
    c->n = 0;
}
