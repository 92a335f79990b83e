/* foresight.h - the true future load as capacity, for the oracle (engine
 * internal; the oracle reads it through hr_observation.future_need).
 *
 * The run is cut into cells of step_s from t = 0, and the cells into the
 * SLO's windows (by where each cell starts; windows of slo.window_s from
 * t = 0, as the engine judges them). A cell's need is its window's: the
 * fewest instances at full speed whose workers, as an M/G/c queue steady in
 * each cell at the mean true traffic intensity over the cell (tenants,
 * events, growth, replay and the replication's noise path, all known at the
 * start of the run), keep the window's share of response times over
 * latency_p95 within 5% (and over latency_p99 within 1%): how the SLO
 * judges a window (hr_mgc_servers_for_response_mix, with the workload's
 * service time distribution, its classes mixed by share). Without a
 * latency SLO, the fewest that overload no cell. Needs are computed once per
 * window, on first use. */
#ifndef HEADROOM_ENGINE_FORESIGHT_H
#define HEADROOM_ENGINE_FORESIGHT_H

#include <stddef.h>

#include "headroom/error.h"
#include "headroom/scenario.h"
#include "headroom/traffic.h"

typedef struct hr_foresight {
    const hr_traffic *traffic;    /* borrowed */
    const hr_scenario *sc;        /* borrowed */
    double step_s, end_s;
    double mean_s, scv;           /* the service time's mean and squared CV */
    double *service_s, *weight;   /* its quantile grid, classes mixed by share */
    size_t n_service;
    int *need;                    /* per cell, -1 until computed */
    size_t n_cells;
    double window_s;              /* the SLO window (at least one step) */
    double z;                     /* the normal quantile of slo.objective (hr_mgc_...mix) */
    double *rates, *scratch;      /* one window's cells */
    size_t max_group;
} hr_foresight;

/* Prepare the foresight of sc's run over traffic tr (both must outlive fs)
 * in cells of step_s > 0. HR_ENOMEM; free with hr_foresight_free. */
int hr_foresight_init(hr_foresight *fs, const hr_scenario *sc, const hr_traffic *tr,
                      double step_s, hr_error *err);

/* The need of cell k ([k step, (k + 1) step)); past the end of the run,
 * the last cell's (the run ends, the load does not). */
int hr_foresight_need(hr_foresight *fs, size_t k);

void hr_foresight_free(hr_foresight *fs);

#endif
