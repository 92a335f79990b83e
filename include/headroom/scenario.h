/* scenario.h - a scenario as plain, checked configuration structs, and the
 * YAML loader that builds it.
 *
 * Everything here is validated by hr_scenario_load: every number is in its
 * documented range, every duration parsed to seconds, every distribution
 * prepared, every cross-reference resolved. Code that reads an hr_scenario
 * never re-checks it. docs/scenario.md is the reference for every key. */
#ifndef HEADROOM_SCENARIO_H
#define HEADROOM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/cron.h"
#include "headroom/dist.h"
#include "headroom/error.h"
#include "headroom/tz.h"
#include "headroom/forecast.h"

/* A position in the scenario file, 1-based, for messages. */
typedef struct hr_srcpos {
    int line, column;
} hr_srcpos;

typedef enum hr_fidelity {
    HR_FIDELITY_AUTO = 0, /* request or fluid by a run's expected requests (engine.h) */
    HR_FIDELITY_REQUEST,  /* every request simulated */
    HR_FIDELITY_FLUID     /* queues advanced tick by tick as flows */
} hr_fidelity;

/* ---- traffic ----------------------------------------------------------- */

typedef enum hr_event_shape {
    HR_EVENT_PLATEAU = 0, /* linear ramp up over ramp_s, hold, linear ramp down over ramp_s */
    HR_EVENT_SPIKE        /* linear rise over ramp_s to multiplier, then exponential decay */
} hr_event_shape;

typedef struct hr_traffic_event {
    char *name;
    hr_event_shape shape;
    double start_s;
    double duration_s;   /* plateau: total length including both ramps; spike: 0 */
    double multiplier;   /* peak factor on the rate, > 0 */
    double ramp_s;       /* plateau: ramp in and out; spike: rise time; >= 0 */
    double decay_s;      /* spike: e-folding time of the decay back to 1, > 0 */
} hr_traffic_event;

/* How the base rate grows (traffic.growth.model). */
typedef enum hr_growth_model {
    HR_GROWTH_COMPOUND = 0, /* (1 + monthly)^(t / 30d) */
    HR_GROWTH_LINEAR,       /* max(0, 1 + monthly x t / 30d) */
    HR_GROWTH_LOGISTIC,     /* C / (1 + (C - 1) e^(-r t)), r = ln(1 + monthly) / 30d: an S-curve
                               from 1 to the ceiling C */
    HR_GROWTH_STEPS         /* the level of the last step at or before t, 1 before the first */
} hr_growth_model;

typedef struct hr_growth_step {
    double at_s;
    double level;             /* factor on the base rate from at_s on, > 0 */
} hr_growth_step;

/* A replayed trace (traffic.replay): the rows of a CSV time_s,requests_per_s. */
typedef enum hr_replay_interp {
    HR_REPLAY_STEP = 0,       /* a row's rate holds until the next row */
    HR_REPLAY_LINEAR          /* linear between rows; the last row holds */
} hr_replay_interp;

typedef struct hr_replay_config {
    char *file;               /* as resolved against the scenario's folder */
    double *time_s;           /* row times, from 0, strictly increasing */
    double *rate;             /* requests per second, >= 0 */
    size_t n;                 /* >= 1 */
    double end_s;             /* where the trace ends: the last row plus the interval before it */
    double scale;             /* factor on the rates, > 0 */
    double speed;             /* trace seconds per simulated second, > 0 */
    double start_s;           /* trace time at t = 0, < end_s */
    bool loop;                /* wrap around at end_s; else the run must end within the trace */
    hr_replay_interp interp;
} hr_replay_config;

typedef struct hr_traffic_config {
    double base_rps;          /* mean rate before profiles, > 0 (1 with a replay) */
    bool has_replay;          /* the replay replaces base_rps x diurnal x weekly */
    hr_replay_config replay;
    double diurnal[24];       /* hourly multipliers, hour h applies at h:30 and
                                 the rate is interpolated linearly between hours
                                 (cyclically); all 1 when absent */
    char *diurnal_name;       /* the named profile, or NULL for a list/absent */
    double weekly[7];         /* day multipliers, index 0 = Monday; missing = 1 */
    int start_day;            /* day of week at t = 0 (0 = Monday); key traffic.start_day */
    hr_growth_model growth_model;
    double growth_monthly;    /* growth per 30 days (compound, linear, logistic rate), > -1 */
    double growth_ceiling;    /* logistic: the factor it tends to, > 0 */
    hr_growth_step *growth_steps; /* steps: by at_s, strictly increasing */
    size_t n_growth_steps;
    double noise_sigma;       /* sd of the log of the multiplicative noise, >= 0 */
    double noise_correlation_s; /* OU time constant of the noise, > 0 when sigma > 0 */
    hr_traffic_event *events;
    size_t n_events;
    /* The local clock the daily and weekly shapes follow (with a calendar):
     * local time since midnight of day 0 at t is t + clock_shift_s[i], i the
     * last entry with clock_at_s[i] <= t (clock_at_s[0] = 0; an entry per
     * change of the zone's UTC offset within the run). n_clock = 0: t itself,
     * t = 0 being midnight (no calendar, as before calendars existed). */
    double *clock_at_s, *clock_shift_s;
    size_t n_clock;
} hr_traffic_config;

/* Fill out[24] with the named diurnal profile (normalised to mean 1).
 * Returns HR_OK or HR_EINVAL for an unknown name. Names: flat, ecommerce,
 * business, consumer. */
int hr_diurnal_profile(const char *name, double out[24]);

/* The names hr_diurnal_profile accepts, NULL-terminated. */
extern const char *const hr_diurnal_profile_names[];

/* ---- calendar ---------------------------------------------------------- */

/* Where t = 0 sits on the wall clock (key calendar). Without the key, or
 * with only a weekday, it is midnight of traffic.start_day in an undated
 * week, UTC: start_utc_s is then 1970-01-05 (a Monday) + start_day days. */
typedef struct hr_calendar {
    bool given;               /* the scenario has a calendar key */
    bool dated;               /* calendar.start gave a date */
    int64_t start_utc_s;      /* Unix time at t = 0 */
    hr_tz tz;                 /* calendar.time_zone; "UTC" (no transitions) by default */
} hr_calendar;

/* The simulated time of UTC instant utc_s. */
double hr_calendar_sim_s(const hr_calendar *cal, int64_t utc_s);

/* ---- workload ---------------------------------------------------------- */

typedef struct hr_request_class {
    char *name;
    double share;     /* fraction of requests, shares sum to 1 (checked to 1e-6) */
    hr_dist service;  /* service demand at full speed, seconds */
} hr_request_class;

typedef struct hr_workload_config {
    hr_request_class *classes;
    size_t n_classes;
    double timeout_s;     /* 0 = no timeout */
    int queue_limit;      /* per instance; -1 = unbounded */
} hr_workload_config;

/* ---- fleet ------------------------------------------------------------- */

typedef enum hr_lb_kind {
    HR_LB_ROUND_ROBIN = 0,
    HR_LB_RANDOM,
    HR_LB_LEAST_OUTSTANDING,
    HR_LB_TWO_CHOICES
} hr_lb_kind;

/* A zone lost for a while (fleet.outages). */
typedef struct hr_zone_outage {
    int zone;           /* 0-based (1-based in the file) */
    double start_s, duration_s;
} hr_zone_outage;

/* The state warm-pool instances wait in (fleet.warm_pool.state; AWS's
 * PoolState). */
typedef enum hr_pool_state {
    HR_POOL_STOPPED = 0,   /* billed at stopped_price_per_hour; starts in `start` */
    HR_POOL_RUNNING,       /* billed at the full price; starts in `start` (default 0s) */
    HR_POOL_HIBERNATED     /* as stopped, with its own `start` and price (RAM kept on EBS) */
} hr_pool_state;

/* A warm pool (fleet.warm_pool), as AWS EC2 Auto Scaling's: pre-initialized
 * instances beside the group, not capacity, which a scale-out takes before
 * it launches new ones. Its size is max(min_size, max_prepared - desired).
 * docs/model.md (Warm pool) is the model. */
typedef struct hr_warm_pool_config {
    bool enabled;                   /* the key is given */
    int max_prepared;               /* AWS MaxGroupPreparedCapacity; default fleet.max, >= 0 */
    bool max_prepared_given;        /* else the group's max, as it is (a schedule may move it) */
    int min_size;                   /* AWS MinSize, 0 .. max_prepared */
    hr_pool_state state;
    bool reuse_on_scale_in;         /* AWS InstanceReusePolicy.ReuseOnScaleIn */
    hr_dist start;                  /* pool -> group: time until it takes traffic */
    bool warmup;                    /* fleet.warmup applies when it enters service (default) */
    double stopped_price_per_hour;  /* a stopped or hibernated pool instance (its EBS), >= 0 */
} hr_warm_pool_config;

/* The most workers (max x concurrency) a fleet may have. */
#define HR_FLEET_MAX_WORKERS 100000000

typedef struct hr_fleet_config {
    char *instance_type;
    double vcpu, memory_gb;
    /* Memory in use = memory_base_gb + memory_per_request_gb x requests in
     * flight (queued or in service); the `memory` metric is it in percent of
     * memory_gb. Both 0 when the scenario gives no memory model. */
    double memory_base_gb;          /* key fleet.instance.memory_base_gb, [0, memory_gb) */
    double memory_per_request_gb;   /* key fleet.instance.memory_per_request_mb / 1024, >= 0 */
    int concurrency;                /* workers per instance, >= 1 */
    double price_per_hour;          /* on-demand, >= 0 */
    hr_dist boot;                   /* PENDING duration */
    double warmup_s;                /* WARMING duration, 0 = none */
    double warmup_initial_speed;    /* speed at the start of warm-up, (0, 1] */
    double drain_s;                 /* deregistration delay */
    double mtbf_s;                  /* mean time between failures, 0 = never fails */
    double detect_s;                /* health-check detection delay */
    double billing_granularity_s;   /* > 0 */
    double billing_minimum_s;       /* >= 0 */
    int initial, min, max;          /* 0 <= min <= initial <= max, max >= 1,
                                       max * concurrency <= HR_FLEET_MAX_WORKERS */
    hr_lb_kind load_balancer;

    /* Purchase options (fleet.reserved, fleet.spot). The first
     * reserved_count instances at any time run on a reservation billed for
     * the whole run, used or not; of the rest, spot_share are spot (billed
     * at price x (1 - spot_discount), interrupted at spot_interruptions_per_hour
     * with spot_notice_s of notice), the others on demand. */
    int reserved_count;                 /* >= 0 */
    double reserved_price_per_hour;     /* per reserved instance, >= 0 */
    double spot_share;                  /* [0, 1] */
    double spot_discount;               /* [0, 1) */
    double spot_interruptions_per_hour; /* per spot instance, >= 0 */
    double spot_notice_s;               /* >= 0, default 120s */
    double spot_unavailable;            /* share of spot launches refused for lack of capacity:
                                           they launch on demand instead, [0, 1] */

    /* Faults. Instances are spread over `zones` (each launch goes to the
     * available zone with the fewest instances); an outage fails every
     * instance of its zone at its start and takes no launch until its end.
     * A launch fails with probability launch_failure and the group tries
     * again launch_retry_s later; quota caps the instances that may exist
     * (0: none). A slow_boot_share of launches boot slow_boot_factor times
     * longer. */
    int zones;                          /* >= 1 */
    hr_zone_outage *outages;
    size_t n_outages;
    double launch_failure;              /* [0, 1) */
    double launch_retry_s;              /* > 0, default 30s */
    int quota;                          /* >= 0, 0 = none */
    double slow_boot_share;             /* [0, 1] */
    double slow_boot_factor;            /* >= 1 */

    hr_warm_pool_config warm_pool;      /* fleet.warm_pool; .enabled false when absent */
} hr_fleet_config;

/* ---- metrics, SLO, limits ---------------------------------------------- */

typedef struct hr_metrics_config {
    double period_s;  /* aggregation window, > 0, a multiple of tick */
    double delay_s;   /* publication lag, >= 0 */
} hr_metrics_config;

typedef struct hr_slo_config {
    double latency_p95_s;   /* 0 = not judged */
    double latency_p99_s;   /* 0 = not judged */
    double error_rate_pct;  /* < 0 = not judged */
    double window_s;        /* compliance window, > 0 */
    double objective_pct;   /* share of the run's time in complying windows for slo_met */
    int min_requests;       /* a window with fewer latencies (completed or timed out) is
                               judged on errors only; 0 = every window */
} hr_slo_config;

/* Limits the controller applies; each has_* flag says whether it is set. */
typedef struct hr_limits {
    bool has_max_scale_out_per_hour;
    int max_scale_out_per_hour;    /* instances added per rolling hour */
    bool has_max_scale_in_per_hour;
    int max_scale_in_per_hour;     /* instances removed per rolling hour */
    bool has_budget_per_hour;
    double budget_per_hour;        /* cap on the fleet's cost rate */
} hr_limits;

/* ---- policies ---------------------------------------------------------- */

typedef enum hr_policy_kind {
    HR_POLICY_STATIC = 0,
    HR_POLICY_STEP,
    HR_POLICY_TARGET_TRACKING,
    HR_POLICY_HPA,
    HR_POLICY_SIMPLE,
    HR_POLICY_ORACLE,         /* perfect foresight: the bound, not a real policy */
    HR_POLICY_SCHEDULED,
    HR_POLICY_PREDICTIVE,
    HR_POLICY_MAX,            /* the largest of its children's proposals */
    HR_POLICY_MIN             /* the smallest */
} hr_policy_kind;

/* A scheduled action (a policy's schedule, as AWS EC2 Auto Scaling's
 * PutScheduledUpdateGroupAction): at each occurrence it sets the group's
 * min, max and/or desired capacity. Occurrences are wall-clock times in
 * the action's time zone: a one-off date-time, or a recurrence (`at` with
 * `days`, or `cron`) bounded by start and end. */
typedef struct hr_scheduled_action {
    hr_srcpos pos;            /* the action's mapping */
    char *label;              /* how the decision log names it: "08:00 weekdays",
                                 "cron 0 8 * * 1-5", "2026-11-27 08:00" */
    bool once;                /* a one-off at once_local_s (else recurring by cron) */
    int64_t once_local_s;     /* local seconds (tz.h) in the action's zone */
    hr_cron cron;             /* recurring: `cron`, or `at` (+ `days`) as a cron */
    bool has_tz;              /* its own time_zone (else the calendar's) */
    hr_tz tz;
    bool has_start, has_end;  /* bounds of a recurrence, UTC seconds */
    int64_t start_utc_s, end_utc_s;
    int min, max, desired;    /* -1 when the action leaves it as it is */
} hr_scheduled_action;

/* How a predictive policy forecasts its load (key forecaster). */
typedef enum hr_forecaster {
    HR_FORECASTER_SEASONAL_NAIVE = 0,
    HR_FORECASTER_HOLT_WINTERS,
    HR_FORECASTER_LINEAR,
    HR_FORECASTER_POLYNOMIAL
} hr_forecaster;

/* How a simple scaling policy's adjustment reads (AWS AdjustmentType). */
typedef enum hr_adjustment_type {
    HR_ADJUST_CHANGE = 0,     /* ChangeInCapacity: add (or remove) that many */
    HR_ADJUST_PERCENT,        /* PercentChangeInCapacity: that percent of the capacity */
    HR_ADJUST_EXACT           /* ExactCapacity: set the capacity to it */
} hr_adjustment_type;

/* What a policy can measure. Values are per instance averages over the
 * published period unless noted. */
typedef enum hr_metric {
    HR_METRIC_CPU = 0,        /* busy workers / concurrency, percent */
    HR_METRIC_REQUEST_RATE,   /* arrivals per instance per second */
    HR_METRIC_CONCURRENCY,    /* requests in flight (queued + in service) per instance */
    HR_METRIC_QUEUE_DEPTH,    /* requests queued per instance */
    HR_METRIC_LATENCY_P95,    /* fleet p95 response time, milliseconds */
    HR_METRIC_ERROR_RATE,     /* failed requests / requests, percent (fleet) */
    HR_METRIC_MEMORY,         /* memory in use / memory_gb, percent */
    HR_METRIC_COUNT
} hr_metric;

/* Name as written in scenarios ("cpu", "request_rate", ...). */
const char *hr_metric_name(hr_metric m);

/* A step of the short form (`steps: [{above: 70, add: 1}, ...]`): each
 * step names one absolute bound and a change of whole instances. */
typedef struct hr_step_adjustment {
    bool has_above, has_below;
    double above;  /* applies when metric >= above (and < the next step's above) */
    double below;  /* applies when metric <= below */
    int change;    /* instances to add (> 0) or remove (< 0) */
    hr_srcpos pos;
} hr_step_adjustment;

/* A step of an AWS-shaped alarm (scale_out/scale_in.steps): the interval
 * of the metric it covers, made absolute from the bounds written relative
 * to the alarm's threshold (MetricIntervalLowerBound/UpperBound). A
 * scale-out step holds lower <= metric < upper, a scale-in step
 * lower < metric <= upper; a missing bound is infinite. */
typedef struct hr_step_interval {
    bool has_lower, has_upper;
    double lower, upper;
    double adjustment;  /* ScalingAdjustment, read as the alarm's adjustment_type says */
    hr_srcpos pos;
} hr_step_interval;

/* One alarm of a step policy and its steps, as one AWS step scaling policy:
 * scale-out alarms breach at metric >= threshold, scale-in ones at
 * metric <= threshold. */
typedef struct hr_step_alarm {
    bool present;
    double threshold;
    hr_adjustment_type adjustment_type;
    int min_adjustment_magnitude;   /* percent only, >= 1 */
    hr_step_interval *steps;        /* contiguous, by ascending metric */
    size_t n_steps;
} hr_step_alarm;

/* ---- Kubernetes HorizontalPodAutoscaler (autoscaling/v2) -------------- */

/* Where an HPA metric comes from (spec.metrics[].type). */
typedef enum hr_hpa_source {
    HR_HPA_RESOURCE = 0,  /* cpu or memory of each pod, against its request */
    HR_HPA_PODS,          /* a per-pod custom metric, averaged over the pods */
    HR_HPA_OBJECT,        /* one value describing a Kubernetes object (an Ingress) */
    HR_HPA_EXTERNAL       /* one value from outside the cluster (a queue length) */
} hr_hpa_source;

/* The target's type (target.type). */
typedef enum hr_hpa_target {
    HR_HPA_UTILIZATION = 0, /* averageUtilization: percent of the request (Resource) */
    HR_HPA_AVERAGE_VALUE,   /* averageValue: per pod */
    HR_HPA_VALUE            /* value: the total (Object, External) */
} hr_hpa_target;

/* The most metrics one HPA may list. */
#define HR_HPA_MAX_METRICS 16

typedef struct hr_hpa_metric {
    hr_hpa_source source;
    hr_hpa_target target_type;
    double target;     /* in the manifest's unit: percent, cores, bytes, or the metric's own */
    char *name;        /* "cpu"/"memory" for Resource, else the metric's own name; also the
                          column `headroom decide` reads it from */
    hr_metric metric;  /* what it reads in a simulation; HR_METRIC_COUNT when the name maps
                          to nothing simulated (allowed in decide only) */
    double scale;      /* the simulated metric times scale is the manifest's unit (cores per
                          cpu percent, bytes per memory percent, 1 otherwise) */
    hr_srcpos pos;     /* the metric's entry in its file */
} hr_hpa_metric;

typedef enum hr_hpa_select {
    HR_HPA_SELECT_MAX = 0, /* the policy allowing the largest change */
    HR_HPA_SELECT_MIN,     /* the policy allowing the smallest change */
    HR_HPA_SELECT_DISABLED /* no scaling in this direction */
} hr_hpa_select;

typedef struct hr_hpa_rate {
    bool percent;      /* type Percent (else Pods) */
    int value;         /* > 0 */
    int period_s;      /* periodSeconds, 1..1800 */
} hr_hpa_rate;

/* The most rate policies one direction may list. */
#define HR_HPA_MAX_RATES 16

/* behavior.scaleUp or behavior.scaleDown, defaults filled field by field. */
typedef struct hr_hpa_rules {
    int stabilization_s;    /* stabilizationWindowSeconds, 0..3600 */
    hr_hpa_select select;
    hr_hpa_rate rates[HR_HPA_MAX_RATES];
    size_t n_rates;
    bool has_tolerance;     /* the rule's own tolerance (Kubernetes 1.33+) */
    double tolerance;
} hr_hpa_rules;

typedef struct hr_hpa_config {
    char *manifest;         /* the manifest's path as resolved, NULL when inline */
    int min_replicas;       /* default 1 */
    int max_replicas;
    hr_hpa_metric metrics[HR_HPA_MAX_METRICS];
    size_t n_metrics;       /* >= 1: no metrics means cpu at 80% utilization */
    bool has_behavior;      /* false: the controller's path without behavior */
    hr_hpa_rules up, down;
    /* the controller's own flags, set in the headroom policy mapping */
    double sync_period_s;          /* --horizontal-pod-autoscaler-sync-period, 15s */
    double tolerance;              /* --horizontal-pod-autoscaler-tolerance, 0.1 */
    double downscale_window_s;     /* --horizontal-pod-autoscaler-downscale-stabilization, 5m */
} hr_hpa_config;

/* How an alarm reads a period without a datapoint, as CloudWatch's
 * TreatMissingData (policy key missing_data). */
typedef enum hr_missing_data {
    HR_MISSING_MISSING = 0,   /* skipped: the run of breaches neither grows nor breaks (default) */
    HR_MISSING_IGNORE,        /* the alarm keeps its state: the last value stands */
    HR_MISSING_BREACHING,     /* a breach of each alarm (step only) */
    HR_MISSING_NOT_BREACHING  /* within the thresholds: breaks a run of breaches (step only) */
} hr_missing_data;

typedef struct hr_policy_config {
    char *name;
    hr_policy_kind kind;
    hr_srcpos pos;          /* the policy's mapping in the file */
    char *source;           /* the policy's YAML text as written, for the store */

    /* static */
    int instances;

    /* step and target_tracking */
    hr_metric metric;
    hr_missing_data missing_data; /* a period without a datapoint (key missing_data) */

    /* target_tracking (AWS semantics) */
    double target;              /* > 0 */
    double warmup_s;            /* instance warm-up: for this long after it starts
                                   serving, a new instance counts as capacity but is
                                   left out of the metric; default metrics.period */
    double scale_in_cooldown_s; /* default 300s */
    double scale_out_cooldown_s;/* default 60s */
    bool disable_scale_in;
    int scale_out_datapoints;   /* the high alarm: consecutive datapoints above target, default 3 */
    int scale_in_datapoints;    /* the low alarm: consecutive datapoints under the margin, default 15 */

    /* step (AWS semantics): the short form `steps`, or the AWS-shaped
     * alarms scale_out/scale_in; warmup_s (EC2 instance warm-up) when
     * step_warmup, else cooldown_s (Application Auto Scaling) */
    double breach_s;            /* alarm must breach this long, default metrics.period */
    hr_step_adjustment *steps;
    size_t n_steps;
    hr_step_alarm scale_out, scale_in;
    bool step_warmup;           /* gated by the instance warm-up (key warmup, or neither
                                   warmup nor cooldown given), not by a cooldown */
    double cooldown_s;          /* default 300s (simple too) */

    /* simple (AWS simple scaling; breach_s, cooldown_s and missing_data too) */
    bool simple_above;          /* the alarm: metric >= threshold (else <=) */
    double simple_threshold;
    hr_adjustment_type adjustment_type;
    double adjustment;          /* change and exact: whole; percent: a percentage */
    int min_adjustment_magnitude; /* percent only: at least this many, default 1 */

    /* hpa */
    hr_hpa_config hpa;

    /* schedule (kind scheduled, and any other kind): in the file's order */
    hr_scheduled_action *schedule;
    size_t n_schedule;
    /* predictive (AWS predictive scaling; metric and target above: the
     * fleet's total of metric is forecast, and target is per instance) */
    hr_forecaster forecaster;
    hr_seasonality seasonality;   /* holt_winters */
    double season_s;            /* seasonal_naive, holt_winters: a multiple of metrics.period */
    double lead_s;              /* capacity is for the load from now + lead, default 5m */
    double min_history_s;       /* no forecast before this much history */
    double window_s;            /* linear, polynomial: the trailing window fitted */
    int degree;                 /* polynomial, default 2 (linear: 1) */
    bool has_smoothing;         /* holt_winters: alpha, beta, gamma given (else fitted) */
    double alpha, beta, gamma;
    bool forecast_only;         /* mode: forecast_only */
    bool has_max_capacity_buffer; /* AWS IncreaseMaxCapacity with MaxCapacityBuffer */
    double max_capacity_buffer_pct;
    bool has_fallback;          /* a reactive policy combined by the larger proposal */
    size_t fallback;            /* its index in the scenario's policies */

    /* max and min: the children, indexes in the scenario's policies (at least 2) */
    size_t *children;
    size_t n_children;

    hr_limits limits;           /* scenario limits overlaid with the policy's own */
} hr_policy_config;

/* ---- the scenario ------------------------------------------------------ */

/* A tenant (traffic.tenants): its own stream, added to the rest, with the
 * same daily and weekly shape, growth, events and noise. */
typedef struct hr_tenant {
    char *name;
    char *tier;                  /* a label, "" when absent */
    double onboard_s;            /* its traffic starts here */
    double ramp_s;               /* rising linearly to base_rps over this, >= 0 */
    double base_rps;             /* > 0 */
    hr_request_class *classes;   /* its own request classes, or NULL: the workload's */
    size_t n_classes;
    hr_slo_config slo;           /* its SLO: the scenario's, overridden key by key */
} hr_tenant;

/* The most tenants a scenario may list. */
#define HR_MAX_TENANTS 1000

typedef struct hr_scenario {
    char *path;             /* as given to the loader */
    char **warnings;        /* "path:line:col: key: ..." for what is valid but likely a
                               mistake (an event after the end of the run); shown by the CLI */
    size_t n_warnings;
    char *text;             /* the file's contents, for the store */
    char *name;
    char *description;      /* "" when absent */
    double duration_s;
    double tick_s;
    hr_fidelity fidelity;
    uint64_t seed;
    int replications;

    hr_calendar calendar;
    hr_traffic_config traffic;
    hr_workload_config workload;
    hr_fleet_config fleet;
    hr_metrics_config metrics;
    hr_slo_config slo;
    hr_limits limits;       /* the scenario-wide limits as written */
    hr_tenant *tenants;     /* traffic.tenants, in the file's order */
    size_t n_tenants;

    hr_policy_config *policies;
    size_t n_policies;
} hr_scenario;

/* Load and validate the scenario file at path. On success *out owns
 * everything and must be released with hr_scenario_free. On failure returns
 * HR_EINVAL (bad content), HR_ENOTSUP (a contract key whose feature is not
 * built yet), HR_EIO or HR_ENOMEM, with err->msg in the form
 * "path:line:column: key.path: what is wrong; what would be right", and
 * *out is left zeroed. */
int hr_scenario_load(const char *path, hr_scenario *out, hr_error *err);

/* Same, from text in memory; path is used only in messages and to resolve
 * relative file references. */
int hr_scenario_load_string(const char *path, const char *text, size_t len,
                            hr_scenario *out, hr_error *err);

/* Load the single policy of a file of its own into sc, for `headroom
 * decide`: a Kubernetes HorizontalPodAutoscaler manifest (autoscaling/v2,
 * or v1 with targetCPUUtilizationPercentage; among several YAML documents,
 * the one HPA) or one headroom policy mapping ({name, kind, ...}). The
 * caller fills sc's tick, metrics and fleet (the context a policy's
 * defaults come from); on success sc->policies holds the one policy and sc
 * must be released with hr_scenario_free. A manifest's metrics need not
 * name anything simulated. Errors as hr_scenario_load. */
int hr_scenario_load_policy_file(const char *path, hr_scenario *sc, hr_error *err);

/* Read a trace CSV (time_s,requests_per_s, the format of traffic.replay)
 * on its own into *out (scale and speed 1, start 0). HR_EIO, or HR_EINVAL
 * with "PATH:LINE: what is wrong"; free with hr_trace_free. */
int hr_trace_load(const char *path, hr_replay_config *out, hr_error *err);
void hr_trace_free(hr_replay_config *t);

/* Free everything a loaded scenario owns and zero it. Safe on a zeroed
 * scenario. */
void hr_scenario_free(hr_scenario *sc);

/* Index of the policy named name, or -1. */
int hr_scenario_find_policy(const hr_scenario *sc, const char *name);

/* The workload's mean service demand, seconds: its classes' means weighted
 * by share (tenants' own classes not included). */
double hr_workload_mean_service_s(const hr_workload_config *wl);

/* The first two moments of the service time of n classes mixed by share:
 * E[S] in *mean_s and E[S^2] in *second_s2. */
void hr_classes_service_moments(const hr_request_class *classes, size_t n, double *mean_s,
                                double *second_s2);

#endif
