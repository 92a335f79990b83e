/* fluid.c - one instance's queue over one tick, as a flow; see fluid.h. */
#include "headroom/fluid.h"

#include <math.h>

#include "headroom/queueing.h"

void hr_fluid_step(const hr_fluid_station *st, double lambda_rps, double dt, double backlog0,
                   hr_fluid_flow *f)
{
    *f = (hr_fluid_flow){0};
    double lambda = lambda_rps > 0 ? lambda_rps : 0;
    double mu = st->speed > 0 && st->mean_service_s > 0 ? st->speed / st->mean_service_s : 0;
    double capacity = st->workers * mu; /* K, requests per second */
    double arrived = lambda * dt;
    f->arrived = arrived;

    /* The backlog: a fluid level, growing while arrivals exceed K. */
    double level = fmax(0.0, backlog0 + (lambda - capacity) * dt);
    double served = arrived + backlog0 - level;
    double room = INFINITY;
    bool by_limit = false;
    if (st->queue_limit >= 0) {
        room = st->queue_limit;
        by_limit = true;
    }
    if (st->timeout_s > 0 && capacity * st->timeout_s < room) {
        room = capacity * st->timeout_s;
        by_limit = false;
    }
    if (level > room) {
        if (by_limit)
            f->rejected = level - room;
        else
            f->expired = level - room;
        f->saturated = !by_limit;
        level = room;
    }
    f->backlog = level;

    /* The mean backlog over the tick (linear; when it empties at t* inside
     * the tick, a triangle over [0, t*]) and the wait behind it. */
    double mean_level;
    if (level > 0 || backlog0 <= 0)
        mean_level = (backlog0 + level) / 2;
    else {
        double empties_s = backlog0 / (capacity - lambda);
        mean_level = backlog0 * fmin(empties_s, dt) / (2 * dt);
    }
    f->backlog_wait_s = capacity > 0 ? mean_level / capacity : 0;

    /* The stationary queue, while no backlog is left at the end. */
    double lq = 0;
    if (level <= 0 && lambda > 0 && lambda < capacity) {
        double rho = lambda / capacity, erlangs = lambda / mu;
        double c = hr_erlang_c(st->workers, erlangs), wait_p = c, block = 0;
        if (st->queue_limit >= 0) {
            /* M/M/c/(c+Q): the infinite queue's states past Q cut off */
            double tail = pow(rho, st->queue_limit);
            double norm = (1 - c) + c * (1 - tail * rho);
            block = c * (1 - rho) * tail / norm;
            wait_p = block < 1 ? c * (1 - tail) / norm / (1 - block) : 0;
        }
        double variability = (st->arrival_scv + st->service_scv) / 2;
        if (!(variability > 0))
            variability = 1e-9;
        f->wait_p = wait_p;
        f->theta = wait_p > 0 ? (capacity - lambda) / variability : 0;
        double rejected = arrived * block;
        f->rejected += rejected;
        served -= rejected;
        lq = f->theta > 0 ? lambda * (1 - block) * wait_p / f->theta : 0;
    }
    f->served = served;
    f->busy = mu > 0 ? fmin((double)st->workers, served / dt / mu) : 0;
    f->queued = mean_level + lq;
}
