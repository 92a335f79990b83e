/* foresight.h - the true future load as capacity, for the oracle (engine
 * internal; the oracle reads it through hr_observation.future_need).
 *
 * The run is cut into cells of step_s from t = 0; a cell's need is the
 * fewest instances at full speed whose workers, as an M/G/c queue at the
 * most the true traffic intensity reaches in the cell (hr_traffic_bound:
 * tenants, events, growth, replay and the replication's noise path, all
 * known at the start of the run), keep the response-time tail within the
 * latency SLO: at most 5% of responses over latency_p95, 1% over
 * latency_p99 (hr_mgc_servers_for_response, with the workload's service
 * time distribution: its classes mixed by share). Without a latency SLO,
 * the fewest that are not overloaded. Cells are computed once, on first
 * use. */
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
} hr_foresight;

/* Prepare the foresight of sc's run over traffic tr (both must outlive fs)
 * in cells of step_s > 0. HR_ENOMEM; free with hr_foresight_free. */
int hr_foresight_init(hr_foresight *fs, const hr_scenario *sc, const hr_traffic *tr,
                      double step_s, hr_error *err);

/* The need of cell k ([k step, (k + 1) step)); past the end of the run,
 * the last cell's (the run ends, the load does not). */
int hr_foresight_need(hr_foresight *fs, size_t k);

/* The fewest instances that hold the latency SLO at rate_rps (as a cell's
 * need). */
int hr_foresight_need_at(const hr_foresight *fs, double rate_rps);

void hr_foresight_free(hr_foresight *fs);

#endif
