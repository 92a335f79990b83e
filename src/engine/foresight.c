/* foresight.c - the true future load as capacity; see foresight.h. */
#include "foresight.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/dist.h"
#include "headroom/queueing.h"

/* Points of each class's quantile grid: the service tail to 1/512. */
#define FORESIGHT_GRID 512

int hr_foresight_init(hr_foresight *fs, const hr_scenario *sc, const hr_traffic *tr,
                      double step_s, hr_error *err)
{
    memset(fs, 0, sizeof *fs);
    fs->traffic = tr;
    fs->sc = sc;
    fs->step_s = step_s;
    fs->end_s = sc->duration_s;
    fs->n_cells = (size_t)ceil(sc->duration_s / step_s - 1e-9) + 1;
    const hr_workload_config *wl = &sc->workload;
    fs->n_service = wl->n_classes * FORESIGHT_GRID;
    fs->need = malloc(fs->n_cells * sizeof *fs->need);
    fs->service_s = malloc(fs->n_service * sizeof *fs->service_s);
    fs->weight = malloc(fs->n_service * sizeof *fs->weight);
    if (!fs->need || !fs->service_s || !fs->weight) {
        hr_foresight_free(fs);
        return hr_error_set(err, HR_ENOMEM, "out of memory for the oracle's foresight");
    }
    for (size_t k = 0; k < fs->n_cells; k++)
        fs->need[k] = -1;
    double m1 = 0, m2 = 0;
    for (size_t c = 0; c < wl->n_classes; c++) {
        const hr_request_class *rc = &wl->classes[c];
        double mean = hr_dist_mean(&rc->service);
        m1 += rc->share * mean;
        m2 += rc->share * (hr_dist_variance(&rc->service) + mean * mean);
        for (size_t i = 0; i < FORESIGHT_GRID; i++) {
            size_t j = c * FORESIGHT_GRID + i;
            fs->service_s[j] = hr_dist_quantile(&rc->service, (i + 0.5) / FORESIGHT_GRID);
            fs->weight[j] = rc->share / FORESIGHT_GRID;
        }
    }
    fs->mean_s = m1;
    fs->scv = m1 > 0 ? m2 / (m1 * m1) - 1.0 : 0;
    return HR_OK;
}

int hr_foresight_need_at(const hr_foresight *fs, double rate_rps)
{
    if (!(rate_rps > 0) || !(fs->mean_s > 0))
        return 0;
    const hr_slo_config *slo = &fs->sc->slo;
    int per = fs->sc->fleet.concurrency;
    int workers = 0;
    if (slo->latency_p95_s > 0)
        workers = hr_mgc_servers_for_response(rate_rps, fs->mean_s, fs->scv, fs->service_s,
                                              fs->weight, fs->n_service, slo->latency_p95_s,
                                              0.05, per);
    if (slo->latency_p99_s > 0) {
        int w99 = hr_mgc_servers_for_response(rate_rps, fs->mean_s, fs->scv, fs->service_s,
                                              fs->weight, fs->n_service, slo->latency_p99_s,
                                              0.01, per);
        workers = w99 > workers ? w99 : workers;
    }
    if (workers == 0)
        workers = (int)floor(rate_rps * fs->mean_s) + 1;
    return (workers + per - 1) / per;
}

int hr_foresight_need(hr_foresight *fs, size_t k)
{
    /* The run ends, the load does not: past the end, the last cell's need
     * (no scale-in because the simulation stops). */
    size_t last = (size_t)ceil(fs->end_s / fs->step_s - 1e-9);
    last = last > 0 ? last - 1 : 0;
    if (k > last)
        k = last;
    double t0 = (double)k * fs->step_s;
    if (fs->need[k] < 0) {
        double t1 = fmin(t0 + fs->step_s, fs->end_s);
        fs->need[k] = hr_foresight_need_at(fs, hr_traffic_bound(fs->traffic, t0, t1));
    }
    return fs->need[k];
}

void hr_foresight_free(hr_foresight *fs)
{
    free(fs->need);
    free(fs->service_s);
    free(fs->weight);
    fs->need = NULL;
    fs->service_s = fs->weight = NULL;
}
