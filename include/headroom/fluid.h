/* fluid.h - one instance's queue over one tick, as a flow (fidelity: fluid).
 *
 * Fluid mode does not draw requests: over each tick an instance receives
 * lambda dt requests and serves them with c workers at speed v (service
 * rate mu = v / E[S] per worker, K = c mu in all). The tick is a blend of
 * two approximations (docs/model.md, "Fluid mode"):
 *
 *   - the backlog: requests left waiting when arrivals exceed K, carried
 *     from tick to tick, growing by (lambda - K) dt and draining at K -
 *     lambda; it is capped by the queue limit (arrivals past it are
 *     rejected) and by K x timeout (the oldest time out); every request of
 *     the tick waits backlog / K on average behind it;
 *   - the stationary queue at the tick's utilisation rho = lambda / K < 1:
 *     M/G/c by Allen-Cunneen, P(wait) the Erlang C of (c, lambda / mu), the
 *     wait given it exponential with mean E[S] / v / (c (1 - rho)) scaled
 *     by (ca^2 + cs^2) / 2 (ca^2 the arrivals' squared coefficient of
 *     variation: 1 when requests are routed at random, 1/n by round robin
 *     over n instances); with a finite queue limit Q, the M/M/c/(c+Q)
 *     loss probability and the waiting probability of accepted requests.
 *
 * A request's latency is then backlog wait + (with probability wait_p) an
 * exponential wait of rate theta + its service time / v; under a timeout
 * that the backlog saturates, at most the timeout (see saturated). */
#ifndef HEADROOM_FLUID_H
#define HEADROOM_FLUID_H

#include <stdbool.h>

/* One instance over one tick. */
typedef struct hr_fluid_station {
    int workers;          /* c */
    double speed;         /* v in (0, 1]: the warm-up's speed at mid-tick */
    double mean_service_s; /* E[S] at full speed, the tick's streams mixed */
    double service_scv;   /* cs^2 */
    double arrival_scv;   /* ca^2 */
    int queue_limit;      /* waiting requests at most; < 0 unbounded */
    double timeout_s;     /* <= 0: none */
} hr_fluid_station;

/* What the tick did (request counts are expected values, not integers). */
typedef struct hr_fluid_flow {
    double arrived;       /* lambda dt */
    double rejected;      /* past the queue limit */
    double expired;       /* backlog past K x timeout: timed out in the queue */
    double served;        /* requests that started service (they complete
                             in the tick or time out by their latency) */
    double busy;          /* mean busy workers */
    double queued;        /* mean waiting requests */
    double backlog;       /* the backlog at the end of the tick */
    double backlog_wait_s; /* mean wait behind the backlog */
    double wait_p;        /* P(a stationary wait) */
    double theta;         /* its rate (0: none) */
    bool saturated;       /* the backlog is at K x timeout: the requests served
                             are the ones that make it in time (a request
                             that would not times out at once and costs the
                             workers next to nothing), so they finish just
                             under the timeout */
} hr_fluid_flow;

/* Advance a station with backlog0 waiting requests over dt at arrival
 * rate lambda_rps; fills *f. */
void hr_fluid_step(const hr_fluid_station *st, double lambda_rps, double dt, double backlog0,
                   hr_fluid_flow *f);

/* The wait at quantile point e = -ln(1 - u) of the flow's waiting time
 * distribution (u uniform in [0, 1)). */
static inline double hr_fluid_wait_at(const hr_fluid_flow *f, double log_wait_p, double e)
{
    double w = f->backlog_wait_s;
    if (f->theta > 0 && e + log_wait_p > 0)
        w += (e + log_wait_p) / f->theta;
    return w;
}

#endif
