/* metrics.h - what a monitoring system records about a group of instances,
 * and the datapoint a policy sees.
 *
 * An hr_gauge integrates the group's state over time (busy workers, worker
 * capacity, queued requests, instance count), so averages over a period are
 * exact time averages, as CloudWatch's Average of per-instance samples
 * would be with continuous sampling. Counters (arrivals, completions,
 * errors) and a latency histogram complete the period. The engine keeps one
 * for the instances a policy counts and publishes hr_metrics_datapoint of it
 * each metrics.period, metrics.delay later. */
#ifndef HEADROOM_METRICS_H
#define HEADROOM_METRICS_H

#include <stdint.h>

#include "headroom/histogram.h"
#include "headroom/scenario.h"

typedef struct hr_gauge {
    double last_s;        /* time of the last update */
    /* current levels */
    int instances;
    int workers;          /* sum of concurrency */
    int busy;             /* workers serving a request */
    int queued;           /* requests waiting */
    /* integrals since the last reset, level x seconds */
    double instance_area, worker_area, busy_area, queued_area;
} hr_gauge;

/* Start integrating at time now with the current levels kept. */
void hr_gauge_reset(hr_gauge *g, double now);

/* Accumulate the levels held since the last update up to now. Call before
 * changing any level. */
static inline void hr_gauge_advance(hr_gauge *g, double now)
{
    double dt = now - g->last_s;
    if (dt > 0) {
        g->instance_area += g->instances * dt;
        g->worker_area += g->workers * dt;
        g->busy_area += g->busy * dt;
        g->queued_area += g->queued * dt;
        g->last_s = now;
    }
}

/* Counters of one period. */
typedef struct hr_period_counts {
    uint64_t arrivals;   /* requests routed to the group's instances */
    uint64_t completed;  /* fleet-wide */
    uint64_t errors;     /* fleet-wide */
} hr_period_counts;

/* Fill metric[HR_METRIC_COUNT] from a period's gauge (group integrals),
 * counts and fleet latency histogram: per-instance averages over the
 * group (memory from the fleet's memory model), fleet-wide latency and
 * error rate. Returns 0 when the group held no instance during the period
 * (no datapoint), 1 otherwise. */
int hr_metrics_datapoint(const hr_fleet_config *fleet, const hr_gauge *g,
                         const hr_period_counts *counts, const hr_histogram *latency,
                         double metric[HR_METRIC_COUNT]);

/* Fill total[HR_METRIC_COUNT] with the fleet's totals over a period of
 * period_s: g integrates every serving instance, offered counts every
 * arrival (routed or not). Per-instance metrics are summed over the
 * instances (cpu in percent-instances, memory likewise); latency_p95 and
 * error_rate are fleet-wide already and are copied from metric. */
void hr_metrics_totals(const hr_fleet_config *fleet, const hr_gauge *g, double period_s,
                       uint64_t offered, const double metric[HR_METRIC_COUNT],
                       double total[HR_METRIC_COUNT]);

#endif
