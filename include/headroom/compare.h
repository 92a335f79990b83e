/* compare.h - comparing the policies of a stored batch with confidence:
 * means with 95% Student-t intervals across replications, paired
 * differences between policies (replications share traffic, so they are
 * paired), the SPEC Research Group elasticity metrics of supply against
 * demand, a ranking and the cost / SLO-violation Pareto front.
 * docs/compare.md describes every figure. */
#ifndef HEADROOM_COMPARE_H
#define HEADROOM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "headroom/error.h"
#include "headroom/results.h"
#include "headroom/store.h"

/* A mean over n values with its 95% confidence interval, mean -+ t(0.975,
 * n-1) s / sqrt(n); lo and hi are NaN when n < 2 (no interval from one
 * value). NaN values are left out (a run without latencies). */
typedef struct hr_estimate {
    double mean, lo, hi;
    int n;
} hr_estimate;

hr_estimate hr_estimate_of(const double *x, size_t n);

/* The elasticity metrics of Herbst et al. (SPEC RG, "Ready for Rain?",
 * SPEC-RG-2016-01; TOMPECS 2018) of one run, supply s_t = instances serving
 * (in service + warming), demand d_t = hr_sample.demand, over rows of
 * length step_s (T = n x step_s):
 *   accuracy under = 100/T sum (d - s)+ / max(d, 1) dt    (%)
 *   accuracy over  = 100/T sum (s - d)+ / max(d, 1) dt    (%)
 *   timeshare under/over = 100/T sum [s < d] dt, [s > d] dt  (%)
 *   instability = 100/(T - dt) sum over t >= 1 of [sgn ds != sgn dd] dt  (%)
 *   jitter = (supply changes - demand changes) / T  (per hour)
 */
typedef struct hr_elasticity {
    double accuracy_under_pct, accuracy_over_pct;
    double timeshare_under_pct, timeshare_over_pct;
    double instability_pct, jitter_per_hour;
} hr_elasticity;

/* HR_EINVAL when the series has no rows or no demand (stored before it
 * was recorded). */
int hr_elasticity_of(const hr_sample *s, size_t n, double step_s, hr_elasticity *out,
                     hr_error *err);

/* The figures compared, in this order (the keys of the JSON). */
typedef enum hr_figure {
    HR_FIG_COST = 0,
    HR_FIG_COST_PER_MREQ,
    HR_FIG_ERRORS,
    HR_FIG_ERROR_RATE,
    HR_FIG_P50,
    HR_FIG_P95,
    HR_FIG_P99,
    HR_FIG_SLO_VIOLATION,
    HR_FIG_INSTANCE_HOURS,
    HR_FIG_SCALING_ACTIONS,
    HR_FIG_PEAK,
    HR_FIG_ACC_UNDER,
    HR_FIG_ACC_OVER,
    HR_FIG_TS_UNDER,
    HR_FIG_TS_OVER,
    HR_FIG_INSTABILITY,
    HR_FIG_JITTER,
    HR_FIG_COUNT
} hr_figure;

/* "cost", "latency_p95_ms", "accuracy_under_pct", ... */
const char *hr_figure_key(hr_figure f);

typedef struct hr_compare_policy {
    char *name;
    int runs, slo_met_runs;
    hr_estimate fig[HR_FIG_COUNT];
    int rank;               /* 1 = best (see hr_compare_batch) */
    bool pareto;            /* on the cost / SLO-violation front */
    bool oracle;            /* kind: oracle, the perfect-foresight bound: ranked after
                               every real policy, never on their front */
} hr_compare_policy;

/* Policy b minus policy a, replication by replication. */
typedef struct hr_compare_diff {
    size_t a, b;            /* indexes into policies */
    hr_estimate fig[HR_FIG_COUNT];
} hr_compare_diff;

typedef struct hr_comparison {
    int64_t batch_id;
    char *scenario;
    int replications;       /* the most runs of any policy */
    hr_compare_policy *policies;  /* in the order they were run */
    size_t n_policies;
    hr_compare_diff *diffs; /* every pair a < b */
    size_t n_diffs;
    int recommended;        /* index of the rank-1 policy when it met the SLO in every run, else -1 */
    int runner_up;          /* index of the rank-2 policy, or -1 */
} hr_comparison;

/* Compare the policies of batch batch_id. Ranking: policies that met the
 * SLO in every run first, by mean cost; then the rest by mean SLO
 * violation minutes, then cost. */
int hr_compare_batch(hr_store *st, int64_t batch_id, hr_comparison *out, hr_error *err);

void hr_comparison_free(hr_comparison *c);

/* The paired difference of policies a and b (either order: the sign
 * follows "b minus a"), or NULL. */
const hr_compare_diff *hr_comparison_diff(const hr_comparison *c, size_t a, size_t b);

void hr_compare_print_table(const hr_comparison *c, FILE *out);
void hr_compare_print_json(const hr_comparison *c, FILE *out);
void hr_compare_print_csv(const hr_comparison *c, FILE *out);

#endif
