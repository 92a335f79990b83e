/* profiles.c - the names scenarios use: the named diurnal traffic profiles
 * (traffic.diurnal: NAME), the metric names, and a policy by its name.
 *
 * Each profile is written as 24 relative hourly levels that read like a
 * traffic chart (peak hour about 1.0); hr_diurnal_profile rescales them so
 * the 24 values average exactly 1, which keeps traffic.base_rps the mean
 * daily rate whatever profile is chosen. */
#include "headroom/scenario.h"

#include <string.h>

const char *const hr_diurnal_profile_names[] = {
    "flat", "ecommerce", "business", "consumer", NULL
};

/* Hour h's level applies at h:30 local time of the scenario clock. */
static const double profile_levels[][24] = {
    /* flat: constant rate. */
    { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
    /* ecommerce: trough 2-6h, morning rise, lunch bump at 12h, evening peak
     * 19-21h; peak/trough = 1.05/0.30 = 3.5. */
    { 0.55, 0.42, 0.32, 0.30, 0.30, 0.33, 0.42, 0.58, 0.75, 0.85, 0.90, 0.95,
      1.02, 0.98, 0.92, 0.90, 0.92, 0.96, 1.00, 1.05, 1.05, 1.05, 0.88, 0.70 },
    /* business: office hours 9-17h at peak with a small lunch dip, nights at
     * 0.2 of peak. */
    { 0.20, 0.20, 0.20, 0.20, 0.20, 0.22, 0.30, 0.50, 0.80, 1.00, 1.00, 1.00,
      0.92, 1.00, 1.00, 1.00, 1.00, 0.90, 0.55, 0.40, 0.32, 0.27, 0.23, 0.21 },
    /* consumer: streaming-like, slow rise through the day, peak 20-22h,
     * trough 4-5h at a quarter of peak. */
    { 0.70, 0.50, 0.35, 0.28, 0.25, 0.25, 0.30, 0.40, 0.50, 0.55, 0.60, 0.65,
      0.70, 0.70, 0.68, 0.70, 0.75, 0.82, 0.90, 0.97, 1.00, 1.00, 1.00, 0.88 },
};

int hr_diurnal_profile(const char *name, double out[24])
{
    for (size_t p = 0; name != NULL && hr_diurnal_profile_names[p] != NULL; p++) {
        if (strcmp(name, hr_diurnal_profile_names[p]) != 0)
            continue;
        double sum = 0;
        for (int h = 0; h < 24; h++)
            sum += profile_levels[p][h];
        for (int h = 0; h < 24; h++)
            out[h] = profile_levels[p][h] * 24.0 / sum;
        return HR_OK;
    }
    return HR_EINVAL;
}

const char *hr_metric_name(hr_metric m)
{
    switch (m) {
    case HR_METRIC_CPU: return "cpu";
    case HR_METRIC_REQUEST_RATE: return "request_rate";
    case HR_METRIC_CONCURRENCY: return "concurrency";
    case HR_METRIC_QUEUE_DEPTH: return "queue_depth";
    case HR_METRIC_LATENCY_P95: return "latency_p95";
    case HR_METRIC_ERROR_RATE: return "error_rate";
    case HR_METRIC_MEMORY: return "memory";
    case HR_METRIC_COUNT: break;
    }
    return "unknown";
}

int hr_scenario_find_policy(const hr_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_policies; i++)
        if (sc->policies[i].name != NULL && strcmp(sc->policies[i].name, name) == 0)
            return (int)i;
    return -1;
}
