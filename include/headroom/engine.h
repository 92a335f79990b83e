/* engine.h - one run: one policy against one replication of a scenario, in
 * request mode (every request simulated) or fluid mode (queues advanced
 * tick by tick as flows; see fluid.h and docs/model.md).
 *
 * A run is a pure function of (scenario, policy, seed, replication): the
 * same inputs give the same result bit for bit. Runs share nothing, so
 * several may execute in parallel threads. */
#ifndef HEADROOM_ENGINE_H
#define HEADROOM_ENGINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/error.h"
#include "headroom/results.h"
#include "headroom/scenario.h"

/* At most this many time series rows per run: when duration / tick is
 * larger, rows cover ceil(duration / tick / HR_SERIES_MAX_ROWS) ticks each. */
#define HR_SERIES_MAX_ROWS 20000

/* How far a run has got, for a progress line: written by the run's thread
 * at every tick, read by any other. */
typedef struct hr_run_progress {
    _Atomic uint64_t simulated_ms;  /* simulated time reached */
    _Atomic uint64_t events;        /* events processed */
} hr_run_progress;

typedef struct hr_run_spec {
    const hr_scenario *scenario;
    size_t policy_index;
    uint64_t seed;          /* usually scenario->seed, or the CLI's --seed */
    uint32_t replication;   /* 0-based */
    hr_run_progress *progress;  /* optional (NULL): updated as the run goes */
    const _Atomic int *cancel;  /* optional (NULL): when it becomes non-zero the run stops at
                                   its next tick with HR_ECANCELED (a lock-free atomic, so a
                                   signal handler may set it) */
} hr_run_spec;

/* `fidelity: auto` simulates a run request by request when it expects at
 * most this many requests (about half a minute of request mode), in fluid
 * mode above. */
#define HR_FIDELITY_AUTO_REQUESTS 1e8

/* The mode sc runs in: its fidelity, auto resolved by the expected
 * requests of a run (hr_traffic_expected_requests), stored in *expected
 * when not NULL. */
hr_fidelity hr_engine_fidelity(const hr_scenario *sc, double *expected);

/* Where fluid mode and request mode are known to disagree by more than
 * docs/validation.md's targets (service times with a coefficient of
 * variation above HR_FLUID_MAX_CV, fewer than HR_FLUID_MIN_WORKERS workers
 * in the whole fleet at its largest): writes a sentence saying so into buf
 * (n bytes) and returns buf; NULL when sc's fluid runs are within them. */
#define HR_FLUID_MAX_CV 2.0
#define HR_FLUID_MIN_WORKERS 8
const char *hr_engine_fluid_caveat(const hr_scenario *sc, char *buf, size_t n);

/* The fidelity's name: "request", "fluid" or "auto". */
const char *hr_fidelity_name(hr_fidelity f);

/* Run spec and fill *out (which the caller frees with hr_run_result_free).
 * Fails with HR_ENOMEM (*out is then freed). */
int hr_engine_run(const hr_run_spec *spec, hr_run_result *out, hr_error *err);

#endif
