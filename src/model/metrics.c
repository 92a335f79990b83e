/* metrics.c - datapoints from integrated gauges. */
#include "headroom/metrics.h"

void hr_gauge_reset(hr_gauge *g, double now)
{
    g->last_s = now;
    g->instance_area = g->worker_area = g->busy_area = g->queued_area = 0;
}

int hr_metrics_datapoint(const hr_gauge *g, const hr_period_counts *counts,
                         const hr_histogram *latency, double metric[HR_METRIC_COUNT])
{
    if (g->instance_area <= 0 || g->worker_area <= 0)
        return 0;
    metric[HR_METRIC_CPU] = 100.0 * g->busy_area / g->worker_area;
    metric[HR_METRIC_REQUEST_RATE] = (double)counts->arrivals / g->instance_area;
    metric[HR_METRIC_CONCURRENCY] = (g->busy_area + g->queued_area) / g->instance_area;
    metric[HR_METRIC_QUEUE_DEPTH] = g->queued_area / g->instance_area;
    metric[HR_METRIC_LATENCY_P95] = 1000.0 * hr_histogram_quantile(latency, 0.95);
    uint64_t finished = counts->completed + counts->errors;
    metric[HR_METRIC_ERROR_RATE] = finished ? 100.0 * (double)counts->errors / (double)finished : 0;
    return 1;
}
