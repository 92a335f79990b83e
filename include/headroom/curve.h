/* curve.h - the load-test curve of one instance: the scenario's instance
 * (workers, queue, timeout, request classes) under a constant offered load,
 * step by step, and the knee: the most load it carries before p95 (or p99)
 * latency or the error rate breaks the scenario's SLO.
 *
 * Each step is one run of the engine: a single instance, in service from
 * t = 0 and never failing, behind flat Poisson traffic at the step's rate
 * (no profiles, events, noise or replay), for step_s. Steps are
 * independent runs with the same seed, so the curve is deterministic and a
 * step's result does not depend on the others. */
#ifndef HEADROOM_CURVE_H
#define HEADROOM_CURVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/error.h"
#include "headroom/scenario.h"

typedef struct hr_curve_point {
    double offered_rps;      /* the step's arrival rate */
    double throughput_rps;   /* completed requests per second */
    double latency_p50_ms, latency_p95_ms, latency_p99_ms; /* NaN when nothing completed */
    double error_rate_pct;
    double cpu_pct;          /* busy workers / workers, time-averaged */
    bool slo_ok;             /* p95, p99 and errors within the scenario's SLO */
    char why[128];           /* what broke the SLO, "" when it held */
} hr_curve_point;

typedef struct hr_curve {
    hr_curve_point *points;  /* by offered load, increasing */
    size_t n;
    long knee;               /* index of the last point before the first that breaks the
                                SLO (every point if none does); -1 when the first breaks it */
    double nominal_rps;      /* concurrency / mean service time: 100% busy workers */
} hr_curve;

typedef struct hr_curve_spec {
    const hr_scenario *scenario;
    int steps;               /* >= 2 */
    double max_rps;          /* the last step's load; 0: 1.2 x nominal_rps */
    double step_s;           /* each step's simulated time, a multiple of the tick */
    uint64_t seed;
} hr_curve_spec;

/* One steady-state point: `instances` warm, never-failing instances of the
 * scenario behind flat Poisson traffic at rps for duration_s (no tenants,
 * profiles, events, noise, spot or faults), judged against the scenario's
 * SLO. HR_ENOMEM, or an engine error. */
int hr_curve_steady(const hr_scenario *sc, int instances, double rps, double duration_s,
                    uint64_t seed, hr_curve_point *p, hr_error *err);

/* concurrency / the classes' mean service demand, the load at which an
 * instance's workers would be busy all the time. */
double hr_curve_nominal_rps(const hr_scenario *sc);

/* Run the curve: loads max_rps x k / steps for k = 1..steps. HR_EINVAL when
 * the scenario's SLO judges neither latency nor errors (there is no knee to
 * find) or the spec is out of range; HR_ENOMEM. *out is freed on failure. */
int hr_curve_run(const hr_curve_spec *spec, hr_curve *out, hr_error *err);

void hr_curve_free(hr_curve *c);

#endif
