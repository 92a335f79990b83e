/* results.h - what one run (one policy x one replication) produces: the
 * summary of the results contract, a time series and the decision log. */
#ifndef HEADROOM_RESULTS_H
#define HEADROOM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/controller.h"
#include "headroom/error.h"
#include "headroom/intern.h"
#include "headroom/scenario.h"

/* Instance states, in lifecycle order. */
typedef enum hr_instance_state {
    HR_INSTANCE_PENDING = 0,
    HR_INSTANCE_WARMING,
    HR_INSTANCE_IN_SERVICE,
    HR_INSTANCE_DRAINING,
    HR_INSTANCE_FAILED,      /* crashed, not yet detected by health checks */
    HR_INSTANCE_TERMINATED,
    HR_INSTANCE_STATE_COUNT
} hr_instance_state;

const char *hr_instance_state_name(hr_instance_state s);

/* How an instance is paid for (fleet.reserved, fleet.spot). */
typedef enum hr_purchase {
    HR_PURCHASE_ON_DEMAND = 0,
    HR_PURCHASE_SPOT,
    HR_PURCHASE_RESERVED,
    HR_PURCHASE_COUNT
} hr_purchase;

/* "on_demand", "spot", "reserved". */
const char *hr_purchase_name(hr_purchase p);

typedef struct hr_summary {
    double cost;                      /* billed, scenario currency */
    double cost_per_million_requests; /* cost / requests * 1e6 */
    uint64_t requests;                /* arrivals */
    uint64_t completed;
    uint64_t errors;                  /* rejected + timed_out + failed */
    uint64_t rejected;                /* queue full or no instance to take it */
    uint64_t timed_out;
    uint64_t failed;                  /* lost to an instance crash or drain deadline */
    double error_rate_pct;
    double latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_mean_ms; /* NaN: none completed */
    double mean_wait_ms;              /* queueing time, all requests that started service */
    double wait_probability;          /* share of started requests that queued; both NaN: none started */
    double slo_violation_minutes;
    int slo_windows, slo_windows_violated;
    bool slo_met;
    double instance_hours;            /* billed-state hours (all but terminated) */
    double instance_hours_by_state[HR_INSTANCE_STATE_COUNT];
    int scaling_actions;              /* applied changes of desired capacity */
    int peak_instances;               /* most instances not terminated at once */
    int launches, failures;
    uint64_t events;                  /* events processed by the engine */
    /* cost by purchase option (reserved: the commitment, whole run, used or
     * not) and instance-hours by the option instances ran under; they add
     * up to cost and instance_hours */
    double cost_by_option[HR_PURCHASE_COUNT];
    double instance_hours_by_option[HR_PURCHASE_COUNT];
    int spot_interruptions;           /* spot instances reclaimed (notices given) */
    int spot_unavailable;             /* spot launches refused, launched on demand */
    int launch_failures;              /* launches that failed (retried later) */
    int quota_refusals;               /* launches the quota refused (retried later) */
    int outage_losses;                /* instances lost to zone outages (warm pool's too) */
    /* fleet.warm_pool (all 0 without one): hours instances spent in the pool
     * (initializing, then stopped or running), what they cost there (part of
     * cost, apart from cost_by_option), instances the group took from the
     * pool, and instances a scale-in returned to it */
    double warm_pool_hours;
    double warm_pool_cost;
    int starts_from_pool;
    int returns_to_pool;
    int forecasts;                    /* forecasts the policy scored (0: it made none) */
    double forecast_mape_pct;         /* their error (hr_policy_forecast_mape_pct); read only
                                         when forecasts > 0 (NaN from the engine otherwise) */
} hr_summary;

/* One row of the time series: an interval [time_s, time_s + step). */
typedef struct hr_sample {
    double time_s;
    double offered_rps;     /* arrivals / step */
    double completed_rps;
    double error_rps;
    double latency_p50_ms, latency_p95_ms, latency_p99_ms; /* completions and timeouts
                               (censored at the timeout) in the interval; NaN when none */
    double cpu_pct;         /* busy workers / workers of serving instances, time-averaged */
    double queue_depth;     /* mean queued requests per serving instance */
    int desired;            /* at the end of the interval */
    int demand;             /* instances the offered load needs (M/M/c estimate; docs/results.md);
                               -1 when unknown (read from a run stored without it) */
    int pending, warming, in_service, draining; /* at the end of the interval */
    int failed;             /* crashed or lost, not yet detected, at the end */
    double cost_per_hour;   /* instances not terminated x price, at the end (warm pool included) */
    int pool;               /* warm-pool instances (initializing or ready) at the end; 0 without one */
} hr_sample;

/* One tenant's part of a run (traffic.tenants). */
typedef struct hr_tenant_summary {
    const char *name;                 /* borrowed from the scenario */
    uint64_t requests, completed, errors;
    double error_rate_pct;
    double latency_p50_ms, latency_p95_ms, latency_p99_ms; /* NaN: none completed */
    double slo_violation_minutes;     /* judged with the tenant's own SLO */
    bool slo_met;
    double demand_share;              /* its share of the service demand served */
    double cost;                      /* the run's cost x demand_share */
} hr_tenant_summary;

/* What broke an SLO window (bits of hr_slo_window.broke). */
enum {
    HR_SLO_BROKE_P95 = 1,
    HR_SLO_BROKE_P99 = 2,
    HR_SLO_BROKE_ERRORS = 4
};

/* An SLO window that was violated: the service's, or a tenant's under its
 * own SLO. */
typedef struct hr_slo_window {
    double start_s, end_s;
    int tenant;               /* -1: the service; else the scenario's tenant index */
    unsigned broke;           /* HR_SLO_BROKE_* */
    uint64_t finished;        /* completed + errors in the window */
    uint64_t errors;
    double latency_p95_ms, latency_p99_ms; /* NaN when latency was not judged */
} hr_slo_window;

typedef struct hr_run_result {
    char *policy;           /* name */
    uint32_t replication;
    uint64_t seed;            /* the batch's */
    uint64_t replication_seed; /* hr_rng_replication_seed(seed, replication): what the draws came from */
    double duration_s;
    hr_fidelity fidelity;   /* what ran: HR_FIDELITY_REQUEST or HR_FIDELITY_FLUID */
    hr_summary summary;
    double series_step_s;   /* tick, or a multiple of it for long runs */
    hr_sample *series;
    size_t n_series;
    hr_decision_record *decisions;
    size_t n_decisions, cap_decisions;
    hr_intern reasons;      /* the decisions' reasons, each distinct text once: their
                               reason pointers point here */
    hr_tenant_summary *tenants;       /* one per scenario tenant, or NULL */
    size_t n_tenants;
    hr_slo_window *violations;        /* violated windows, by time (service first at a time) */
    size_t n_violations, cap_violations;
} hr_run_result;

/* Free what a result owns and zero it. */
void hr_run_result_free(hr_run_result *r);

/* Heap bytes r's decision log holds: its records (as allocated) and its
 * table of distinct reasons. */
size_t hr_run_result_decision_log_bytes(const hr_run_result *r);

#endif
