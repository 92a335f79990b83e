/* foresight.c - the true future load as capacity; see foresight.h. */
#include "foresight.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "headroom/dist.h"
#include "headroom/queueing.h"

/* Points of each class's quantile grid: the service tail to 1/512. */
#define FORESIGHT_GRID 512

/* Points per step at which the intensity is averaged (1 s apart in steps
 * of 10 s). */
#define FORESIGHT_SAMPLES 10

int hr_foresight_init(hr_foresight *fs, const hr_scenario *sc, const hr_traffic *tr,
                      double step_s, hr_error *err)
{
    memset(fs, 0, sizeof *fs);
    fs->traffic = tr;
    fs->sc = sc;
    fs->step_s = step_s;
    fs->end_s = sc->duration_s;
    fs->n_cells = (size_t)ceil(sc->duration_s / step_s - 1e-9);
    if (fs->n_cells == 0)
        fs->n_cells = 1;
    fs->window_s = sc->slo.window_s > step_s ? sc->slo.window_s : step_s;
    fs->max_group = (size_t)ceil(fs->window_s / step_s) + 2;
    const hr_workload_config *wl = &sc->workload;
    fs->n_service = wl->n_classes * FORESIGHT_GRID;
    fs->need = malloc(fs->n_cells * sizeof *fs->need);
    fs->service_s = malloc(fs->n_service * sizeof *fs->service_s);
    fs->weight = malloc(fs->n_service * sizeof *fs->weight);
    fs->rates = malloc(fs->max_group * sizeof *fs->rates);
    fs->scratch = malloc(fs->max_group * sizeof *fs->scratch);
    if (!fs->need || !fs->service_s || !fs->weight || !fs->rates || !fs->scratch) {
        hr_foresight_free(fs);
        return hr_error_set(err, HR_ENOMEM, "out of memory for the oracle's foresight");
    }
    for (size_t k = 0; k < fs->n_cells; k++)
        fs->need[k] = -1;
    double m1, m2;
    hr_classes_service_moments(wl->classes, wl->n_classes, &m1, &m2);
    for (size_t c = 0; c < wl->n_classes; c++) {
        const hr_request_class *rc = &wl->classes[c];
        for (size_t i = 0; i < FORESIGHT_GRID; i++) {
            size_t j = c * FORESIGHT_GRID + i;
            fs->service_s[j] = hr_dist_quantile(&rc->service, (i + 0.5) / FORESIGHT_GRID);
            fs->weight[j] = rc->share / FORESIGHT_GRID;
        }
    }
    /* the scatter allowed for: a window complies with the probability the
     * SLO's objective asks of the run's windows */
    double objective = sc->slo.objective_pct / 100.0;
    fs->z = objective >= 0.9998 ? 3.5 : objective > 0.5 ? gsl_cdf_ugaussian_Pinv(objective) : 0;
    fs->mean_s = m1;
    fs->scv = m1 > 0 ? m2 / (m1 * m1) - 1.0 : 0;
    return HR_OK;
}

/* The mean intensity over cell k, by the midpoint rule on
 * FORESIGHT_SAMPLES points (exact for a trace of 1 s steps). */
static double cell_rate(const hr_foresight *fs, size_t k)
{
    double t0 = (double)k * fs->step_s;
    double len = fmin(fs->step_s, fs->end_s - t0), sum = 0;
    if (!(len > 0))
        return 0;
    for (int i = 0; i < FORESIGHT_SAMPLES; i++)
        sum += hr_traffic_rate(fs->traffic, t0 + (i + 0.5) * len / FORESIGHT_SAMPLES);
    return sum / FORESIGHT_SAMPLES;
}

/* The fewest instances holding the latency SLO over n cells at rates[]
 * (one SLO window): per latency objective, the fewest workers keeping the
 * window's share of slow responses within its tail; without one, the fewest
 * that overload no cell. */
static int group_need(hr_foresight *fs, size_t n)
{
    const hr_slo_config *slo = &fs->sc->slo;
    int per = fs->sc->fleet.concurrency;
    if (!(fs->mean_s > 0))
        return 0;
    hr_lb_kind lb = fs->sc->fleet.load_balancer;
    hr_mgc_model m = {.mean_service_s = fs->mean_s, .scv = fs->scv, .service_s = fs->service_s,
                      .weight = fs->weight, .n_service = fs->n_service, .step = per,
                      .sharing = lb == HR_LB_LEAST_OUTSTANDING || lb == HR_LB_TWO_CHOICES
                                     ? HR_QUEUES_JSQ
                                     : HR_QUEUES_SPLIT};
    int workers = 0;
    if (slo->latency_p95_s > 0)
        workers = hr_mgc_servers_for_response_mix(&m, fs->rates, n, fs->step_s,
                                                  slo->latency_p95_s, 0.05, fs->z, fs->scratch);
    if (slo->latency_p99_s > 0) {
        int w99 = hr_mgc_servers_for_response_mix(&m, fs->rates, n, fs->step_s,
                                                  slo->latency_p99_s, 0.01, fs->z, fs->scratch);
        workers = w99 > workers ? w99 : workers;
    }
    if (workers == 0 && !(slo->latency_p95_s > 0) && !(slo->latency_p99_s > 0)) {
        double a_max = 0;
        for (size_t j = 0; j < n; j++)
            a_max = fmax(a_max, fs->rates[j] * fs->mean_s);
        workers = a_max > 0 ? (int)floor(a_max) + 1 : 0;
    }
    return (workers + per - 1) / per;
}

/* The SLO window cell k's start lies in. */
static size_t group_of(const hr_foresight *fs, size_t k)
{
    return (size_t)floor((double)k * fs->step_s / fs->window_s + 1e-9);
}

int hr_foresight_need(hr_foresight *fs, size_t k)
{
    /* The run ends, the load does not: past the end, the last cell's need
     * (no scale-in because the simulation stops). */
    if (k >= fs->n_cells)
        k = fs->n_cells - 1;
    if (fs->need[k] >= 0)
        return fs->need[k];
    size_t g = group_of(fs, k), first = k;
    while (first > 0 && group_of(fs, first - 1) == g)
        first--;
    size_t n = 0;
    for (size_t j = first; j < fs->n_cells && group_of(fs, j) == g && n < fs->max_group; j++)
        fs->rates[n++] = cell_rate(fs, j);
    int need = group_need(fs, n);
    for (size_t j = first; j < first + n; j++)
        fs->need[j] = need;
    return need;
}

void hr_foresight_free(hr_foresight *fs)
{
    free(fs->need);
    free(fs->service_s);
    free(fs->weight);
    free(fs->rates);
    free(fs->scratch);
    fs->need = NULL;
    fs->service_s = fs->weight = fs->rates = fs->scratch = NULL;
}
