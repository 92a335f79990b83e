/* metrics.c - datapoints from integrated gauges. */
#include "headroom/metrics.h"

#include <math.h>

void hr_gauge_reset(hr_gauge *g, double now)
{
    g->last_s = now;
    g->instance_area = g->worker_area = g->busy_area = g->queued_area = 0;
}

/* Memory in use, in percent of memory_gb, summed over the gauge's
 * instances and integrated over time (percent x instance-seconds). */
static double memory_area(const hr_fleet_config *fleet, const hr_gauge *g)
{
    if (!(fleet->memory_gb > 0))
        return 0;
    double gb = fleet->memory_base_gb * g->instance_area +
                fleet->memory_per_request_gb * (g->busy_area + g->queued_area);
    return 100.0 * gb / fleet->memory_gb;
}

int hr_metrics_datapoint(const hr_fleet_config *fleet, const hr_gauge *g,
                         const hr_period_counts *counts, const hr_histogram *latency,
                         double metric[HR_METRIC_COUNT])
{
    if (g->instance_area <= 0 || g->worker_area <= 0)
        return 0;
    metric[HR_METRIC_CPU] = 100.0 * g->busy_area / g->worker_area;
    metric[HR_METRIC_REQUEST_RATE] = (double)counts->arrivals / g->instance_area;
    metric[HR_METRIC_CONCURRENCY] = (g->busy_area + g->queued_area) / g->instance_area;
    metric[HR_METRIC_QUEUE_DEPTH] = g->queued_area / g->instance_area;
    /* No request finished in the period: CloudWatch publishes no latency
     * datapoint, so neither do we (NaN: a policy reads "no data"). */
    metric[HR_METRIC_LATENCY_P95] = latency->count ? 1000.0 * hr_histogram_quantile(latency, 0.95) : NAN;
    uint64_t finished = counts->completed + counts->errors;
    metric[HR_METRIC_ERROR_RATE] = finished ? 100.0 * (double)counts->errors / (double)finished : 0;
    metric[HR_METRIC_MEMORY] = memory_area(fleet, g) / g->instance_area;
    return 1;
}

void hr_metrics_totals(const hr_fleet_config *fleet, const hr_gauge *g, double period_s,
                       uint64_t offered, const double metric[HR_METRIC_COUNT],
                       double total[HR_METRIC_COUNT])
{
    /* busy workers / concurrency is an instance's cpu share */
    total[HR_METRIC_CPU] = fleet->concurrency > 0
                               ? 100.0 * g->busy_area / fleet->concurrency / period_s
                               : 0;
    total[HR_METRIC_REQUEST_RATE] = (double)offered / period_s;
    total[HR_METRIC_CONCURRENCY] = (g->busy_area + g->queued_area) / period_s;
    total[HR_METRIC_QUEUE_DEPTH] = g->queued_area / period_s;
    total[HR_METRIC_LATENCY_P95] = metric[HR_METRIC_LATENCY_P95];
    total[HR_METRIC_ERROR_RATE] = metric[HR_METRIC_ERROR_RATE];
    total[HR_METRIC_MEMORY] = memory_area(fleet, g) / period_s;
}
