/* policy.h - the autoscaling policy interface and its kinds.
 *
 * A policy sees only an hr_observation (what a real autoscaler could see:
 * instance counts and the latest published metric datapoint) and proposes a
 * desired capacity with a human-readable reason. It keeps its own state
 * (alarm history, cooldowns) between calls. Each kind is one file in
 * src/policy/ filling an hr_policy_ops; hr_policy_new looks the kind up in
 * one registration table. The controller (controller.h) then applies the
 * limits that hold for every policy. */
#ifndef HEADROOM_POLICY_H
#define HEADROOM_POLICY_H

#include <stdbool.h>

#include "headroom/error.h"
#include "headroom/scenario.h"

#define HR_REASON_MAX 200

/* The most values one observation carries (an HPA reads one per metric). */
#define HR_POLICY_MAX_INPUTS HR_HPA_MAX_METRICS

/* Whether an input is the per-instance average over the counted instances
 * or the fleet's total (summed over every serving instance; fleet-wide
 * figures such as latency_p95 are the same either way). */
typedef enum hr_metric_scope { HR_SCOPE_AVERAGE = 0, HR_SCOPE_TOTAL } hr_metric_scope;

/* One value a policy reads from each observation. */
typedef struct hr_policy_input {
    const char *name;       /* the column `headroom decide` reads it from */
    hr_metric metric;       /* HR_METRIC_COUNT: nothing simulated (decide only) */
    hr_metric_scope scope;
    double scale;           /* the input is scale x the published value */
} hr_policy_input;

/* What a policy sees at one evaluation. Evaluations happen each time a
 * metric datapoint is published (every metrics.period, starting at
 * period + delay), or every hr_policy_sync_period_s with the latest
 * datapoint published before it. */
typedef struct hr_observation {
    double time_s;
    int desired;           /* the current desired capacity (last applied decision) */
    int pending;           /* booting */
    int warming;           /* serving at reduced speed */
    int in_service;        /* serving at full speed */
    int draining;          /* leaving; not counted as capacity */
    int failed;            /* crashed, not yet detected: still capacity */
    int counted;           /* instances whose samples make up the datapoint
                              (serving and past the policy's warm-up), as the
                              mean over the datapoint's period, rounded */
    int serving;           /* instances serving (in service or warming, counted
                              or not) as the mean over the datapoint's period,
                              rounded: the fleet that carried the load the
                              datapoint shows; 0 when unknown */
    bool has_datapoint;    /* false before the first publication or when no
                              instance was counted in the period */
    double datapoint_start_s, datapoint_end_s; /* the period the datapoint covers */
    double input[HR_POLICY_MAX_INPUTS];        /* the datapoint's values, in the order of
                                                  hr_policy_inputs; NaN when missing */
    int min, max;          /* the group's bounds, for reasons and clamping: the fleet's,
                              or the last scheduled action's (schedule.h) */
    /* Foresight: the one documented exception to "policies never read the
     * truth", filled only for a policy whose init set foresight_s > 0 (the
     * oracle; docs/policies.md). future_need[k] is the fewest instances at
     * full speed that hold the latency SLO for the true load in the SLO
     * window holding [time_s + k step, time_s + (k + 1) step),
     * step = future_step_s, for
     * k < n_future (past the end of the run, the last
     * step's). Borrowed for the call only;
     * NULL and 0 for every other policy. */
    const int *future_need;
    size_t n_future;
    double future_step_s;
} hr_observation;

/* A proposal. desired < 0 means "no opinion, keep the current desired". */
typedef struct hr_decision {
    int desired;
    char reason[HR_REASON_MAX];
    int raise_max;  /* > the fleet's max: raise the max to it for the rest of the run (a
                       predictive policy's max_capacity_buffer, AWS IncreaseMaxCapacity);
                       0: leave it */
} hr_decision;

typedef struct hr_policy hr_policy;

typedef struct hr_policy_ops {
    const char *kind;  /* as written in scenarios */
    /* Allocate p->state from p->cfg; HR_OK or an error. */
    int (*init)(hr_policy *p, hr_error *err);
    /* Propose a capacity for obs; never fails. */
    void (*decide)(hr_policy *p, const hr_observation *obs, hr_decision *out);
    /* Optional: the capacity went from `from` to `to` at time now, as the
     * controller applied the last proposal (to == from when it did not
     * change). */
    void (*applied)(hr_policy *p, double now, int from, int to);
    /* Free p->state. */
    void (*free)(hr_policy *p);
    /* Optional: add the absolute percentage errors of the forecasts scored
     * so far to *sum_pct and their count to *n (predictive, and the
     * composites holding one). */
    void (*forecast_error)(const hr_policy *p, double *sum_pct, size_t *n);
} hr_policy_ops;

struct hr_policy {
    const hr_policy_ops *ops;
    const hr_policy_config *cfg; /* borrowed from the scenario; must outlive p */
    const hr_scenario *sc;       /* borrowed */
    void *state;
    /* filled by the kind's init (all zero by default) */
    hr_policy_input inputs[HR_POLICY_MAX_INPUTS];
    size_t n_inputs;
    double metric_warmup_s; /* see hr_policy_metric_warmup_s */
    double sync_period_s;   /* see hr_policy_sync_period_s */
    double foresight_s;     /* see hr_policy_foresight_s */
    bool child;             /* run inside another policy (max, min, a fallback): its
                               proposal may not be the one applied */
};

/* Create the policy cfg describes (cfg and sc must outlive it). On success
 * *out must be freed with hr_policy_free. */
int hr_policy_new(const hr_policy_config *cfg, const hr_scenario *sc, hr_policy **out,
                  hr_error *err);

/* Ask the policy for a proposal. */
void hr_policy_decide(hr_policy *p, const hr_observation *obs, hr_decision *out);

/* Tell the policy what the controller applied after its last proposal: the
 * capacity went from `from` to `to` at time now (the HPA records scale
 * events only for changes really made). Call after every decision. */
void hr_policy_applied(hr_policy *p, double now, int from, int to);

/* Seconds a new instance is left out of the policy's metric datapoints
 * after it starts serving (target tracking's instance warm-up; one metric
 * period for the HPA; 0 for the other kinds). */
double hr_policy_metric_warmup_s(const hr_policy *p);

/* The values the policy reads from each observation (*out points into p);
 * returns how many (0 for a static fleet). */
size_t hr_policy_inputs(const hr_policy *p, const hr_policy_input **out);

/* Seconds between evaluations, each with the latest published datapoint
 * (the HPA's sync period), or 0 when the policy is evaluated at each
 * publication (CloudWatch alarms). */
double hr_policy_sync_period_s(const hr_policy *p);

/* How far ahead the policy reads the true future load (the observation's
 * future_need), seconds; 0 for every real policy. Only the oracle sets it:
 * it needs a sync period (hr_policy_sync_period_s), the step of its
 * foresight. */
double hr_policy_foresight_s(const hr_policy *p);

/* The mean absolute percentage error of the policy's forecasts, in
 * percent: each forecast of a metrics period's load against the datapoint
 * published for it, periods whose actual load is 0 left out. NaN when the
 * policy scored no forecast (it makes none, or not yet). */
double hr_policy_forecast_mape_pct(const hr_policy *p);

/* How many forecasts that error is over (0: NaN above). */
size_t hr_policy_forecasts_scored(const hr_policy *p);

void hr_policy_free(hr_policy *p);

/* The kind's name as written in scenarios ("target_tracking"). */
const char *hr_policy_kind_name(hr_policy_kind kind);

/* AWS PercentChangeInCapacity: percent of capacity as a change of whole
 * instances, rounded as AWS rounds (towards 0, but at least 1 in size) and
 * at least min_magnitude in size. */
int hr_policy_percent_change(int capacity, double percent, int min_magnitude);

#endif
