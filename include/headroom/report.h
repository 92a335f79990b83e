/* report.h - aggregates runs per policy across replications and presents
 * them: the comparison table, the results-contract JSON, and gnuplot
 * charts (the timeline of a run, the load-test curve of an instance). */
#ifndef HEADROOM_REPORT_H
#define HEADROOM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "headroom/curve.h"
#include "headroom/plan.h"
#include "headroom/error.h"
#include "headroom/results.h"
#include "headroom/scenario.h"

/* One policy's figures: each is the mean over its runs, except slo_met
 * (true only when every run met the SLO). */
typedef struct hr_policy_summary {
    char *name;
    int runs;
    double cost, cost_per_million_requests;
    double requests, errors, error_rate_pct;
    double latency_p50_ms, latency_p95_ms, latency_p99_ms;
    double mean_wait_ms, wait_probability;
    double slo_violation_minutes;
    bool slo_met;
    double instance_hours, scaling_actions, peak_instances;
    double cost_by_option[HR_PURCHASE_COUNT], instance_hours_by_option[HR_PURCHASE_COUNT];
    double spot_interruptions, launch_failures, quota_refusals, outage_losses;
    double warm_pool_hours, warm_pool_cost, starts_from_pool, returns_to_pool;
    double forecast_mape_pct;  /* mean over the runs that scored forecasts; NaN: none did */
    /* per tenant, in the scenario's order: the means over the runs (counts
     * and figures averaged, slo_met true only when every run met it) */
    hr_tenant_summary *tenants;
    size_t n_tenants;
    /* the first replication's time series, for charts */
    hr_sample *series;
    size_t n_series;
    double series_step_s;
    /* Private to report.c: every folded run's summary, sorted by
     * replication, so the means are summed in one order whatever order the
     * runs arrive in (byte-stable output); the series above is the lowest
     * replication's. runs entries are used. */
    hr_summary *run_summaries;
    uint32_t *run_replications;
    int64_t *run_ids;               /* the database's runs.id, 0 when not stored */
    hr_tenant_summary *run_tenants; /* runs x n_tenants, in run_summaries' order */
    size_t cap_runs;
} hr_policy_summary;

typedef struct hr_report {
    const hr_scenario *scenario;  /* borrowed */
    int replications;
    int64_t batch_id;             /* the database's batches.id, 0 when not stored */
    hr_policy_summary *policies;  /* in the order they were first added */
    size_t n_policies, cap_policies;
    bool without_series;          /* keep no time series (no chart will be drawn): a
                                     long run's series stays with its run, not the batch */
} hr_report;

void hr_report_init(hr_report *rep, const hr_scenario *sc, int replications);
void hr_report_free(hr_report *rep);

/* Fold one run into its policy's means (runs may come in any order; the
 * means do not depend on it). The report copies what it keeps (the summary,
 * and, unless without_series, the series when run is its policy's lowest
 * replication so far), so
 * run may be freed afterwards; run_id is its id in the database (0: none). HR_EINVAL when the policy's replication was
 * already added, HR_ENOMEM; the report is unchanged on failure. */
int hr_report_add(hr_report *rep, const hr_run_result *run, int64_t run_id, hr_error *err);

/* The cheapest policy that met the SLO in every run, or NULL. Oracles
 * (kind: oracle) are bounds, never recommended. */
const hr_policy_summary *hr_report_recommended(const hr_report *rep);

/* The first policy of the report that is an oracle of its scenario and
 * has a cost above 0, or NULL. */
const hr_policy_summary *hr_report_oracle(const hr_report *rep);

/* p's mean cost over the oracle's (hr_report_oracle), or NaN without one. */
double hr_report_cost_vs_oracle(const hr_report *rep, const hr_policy_summary *p);

/* The comparison table, one row per policy, for people, then a line naming
 * the cheapest policy that met the SLO in every run (docs/results.md). */
void hr_report_print_table(const hr_report *rep, FILE *out);

/* Exactly the results contract of SCENARIO-FORMAT.md, deterministic bytes. */
void hr_report_print_json(const hr_report *rep, FILE *out);

/* Render a timeline (PNG, SVG or PDF by png_path's extension; offered load, instances and p95 latency per policy,
 * first replication) at png_path with gnuplot. HR_EIO when gnuplot is
 * missing or fails. */
int hr_report_chart(const hr_report *rep, const char *png_path, hr_error *err);

/* Render the load-test curve c of scenario sc at png_path (PNG, SVG or
 * PDF by its extension):
 * throughput and errors, and latency p50/p95/p99 with the SLO line, over
 * the offered load, the knee marked. HR_EIO when gnuplot is missing or
 * fails. */
int hr_report_curve_chart(const hr_scenario *sc, const hr_curve *c, const char *png_path,
                          hr_error *err);

/* Render a capacity plan (months[0..n)) of scenario `name` under `growth`
 * at png_path (PNG, SVG or PDF by its extension): peak load and instances,
 * and monthly cost on demand against the cheapest mix. HR_EIO when gnuplot
 * is missing or fails. */
int hr_report_plan_chart(const char *name, const char *growth, const hr_plan_month *months,
                         size_t n, const char *png_path, hr_error *err);

#endif
