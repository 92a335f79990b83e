/* traffic.h - the offered load as a rate function lambda(t), synthesised from
 * a scenario's traffic section:
 *
 *   lambda(t) = (base(t) + sum_k tenant_k(t)) x growth(t) x prod_events event_e(t) x noise(t)
 *   base(t)   = base_rps x diurnal(t) x weekly(t), or a replayed trace
 *   tenant(t) = its base_rps x its onboarding ramp x diurnal(t) x weekly(t)
 *               (no daily shape under a replay)
 *
 *   diurnal  24 hourly multipliers, value h at hh:30, linear in between
 *            (cyclic), so the day has no jumps;
 *   weekly   the multiplier of the day of week (steps at midnight), day 0 of
 *            the run being traffic.start_day;
 *   replay   scale x the trace's rate at trace time start + speed x t
 *            (modulo the trace's end when it loops), a row's rate holding
 *            until the next row (step), or linear between the middles of
 *            the rows (a row is its interval's average), across the seam
 *            when it loops;
 *   growth   compound (1 + monthly)^(t / 30d), linear max(0, 1 + monthly t / 30d),
 *            logistic C / (1 + (C - 1) e^(-r t)) with r = ln(1 + monthly) / 30d,
 *            or steps (the level of the last step at or before t);
 *   events   plateau: 1 + (M-1) r(t), r ramping 0 -> 1 over `ramp`, holding,
 *            and back to 0 over `ramp` before start + duration;
 *            spike: rising linearly to M over `ramp`, then
 *            1 + (M-1) exp(-(t - start - ramp) / decay);
 *   noise    exp(x(t) - sigma^2/2) with x an Ornstein-Uhlenbeck process of
 *            stationary sd sigma and time constant `correlation`, sampled
 *            exactly on a grid (x' = a x + sigma sqrt(1-a^2) N(0,1),
 *            a = exp(-h/tau)) and interpolated linearly; its mean is 1.
 *
 * hr_traffic_bound gives an upper bound of lambda over an interval (the
 * product of each factor's maximum there), which arrivals by thinning need.
 */
#ifndef HEADROOM_TRAFFIC_H
#define HEADROOM_TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "headroom/error.h"
#include "headroom/scenario.h"

typedef struct hr_traffic {
    const hr_traffic_config *cfg;  /* borrowed */
    double growth_per_s;           /* ln(1 + monthly) / 30 days */
    bool growth_flat;              /* no growth at all */
    /* events by start time, and for each the latest end among it and those
     * before it, so a time finds the events in force by binary search */
    const hr_traffic_event **events;
    double *events_end_max;
    const hr_tenant *tenants;      /* borrowed; see hr_traffic_add_tenants */
    size_t n_tenants;
    bool diurnal_flat, weekly_flat; /* factors that are 1 everywhere are skipped */
    double noise_step_s;           /* grid of the noise process */
    struct hr_noise_path *noise;   /* its multipliers at k * noise_step_s (traffic.c), or NULL */
    size_t n_noise;
} hr_traffic;

/* Prepare the rate function of cfg over [0, duration_s]; the noise path is
 * drawn from r (the replication's noise stream), so it is the same for every
 * policy of a replication. A path longer than a chunk (8192 grid points) is
 * not kept whole: init draws it once, remembering where each chunk starts,
 * and a read regenerates the chunk it needs into a small cache (the same
 * values, bit for bit), so its memory does not grow with the run. Reads
 * therefore update tr's cache: an hr_traffic belongs to one thread. */
int hr_traffic_init(hr_traffic *tr, const hr_traffic_config *cfg, double duration_s, gsl_rng *r,
                    hr_error *err);

void hr_traffic_free(hr_traffic *tr);

/* Heap bytes tr holds: the noise path (its cached chunks and chunk starts)
 * and the events' index. */
size_t hr_traffic_bytes(const hr_traffic *tr);

/* lambda(t) in requests per second, t in [0, duration]. */
double hr_traffic_rate(const hr_traffic *tr, double t);

/* An upper bound of lambda on [t0, t1] (t0 <= t1). */
double hr_traffic_bound(const hr_traffic *tr, double t0, double t1);

/* Add the tenants' streams (borrowed, must outlive tr): each tenant's
 * base_rps, ramped in from its onboarding, times the daily and weekly shape
 * (none under a replay), added to the base stream before growth, events
 * and noise multiply the sum. */
void hr_traffic_add_tenants(hr_traffic *tr, const hr_tenant *tenants, size_t n);

/* lambda(t) by stream: rates[0] the base stream's, rates[k + 1] tenant
 * k's (rates holds 1 + n_tenants); returns their sum, hr_traffic_rate. */
double hr_traffic_streams(const hr_traffic *tr, double t, double *rates);

/* Which stream an arrival at t belongs to, for u uniform in [0, 1): 0 the
 * base stream, k + 1 tenant k, in proportion to their rates at t. */
size_t hr_traffic_pick(const hr_traffic *tr, double t, double u);

/* The expected number of arrivals over [0, duration_s], tenants included:
 * the integral of lambda without its noise (whose mean is 1), by the
 * trapezoid rule on a grid of at most 100,000 steps of at least a second.
 * For estimates (how long a run will take), not for results. */
double hr_traffic_expected_requests(const hr_traffic_config *cfg, const hr_tenant *tenants,
                                    size_t n_tenants, double duration_s);

#endif
