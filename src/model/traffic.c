/* traffic.c - the synthetic rate function; see traffic.h for the model. */
#include "headroom/traffic.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#define DAY_S 86400.0
#define HOUR_S 3600.0
#define MONTH_S (30.0 * DAY_S)

static double max2(double a, double b) { return a > b ? a : b; }

int hr_traffic_init(hr_traffic *tr, const hr_traffic_config *cfg, double duration_s, gsl_rng *r,
                    hr_error *err)
{
    *tr = (hr_traffic){.cfg = cfg};
    tr->growth_per_s = log1p(cfg->growth_monthly) / MONTH_S;
    tr->diurnal_flat = tr->weekly_flat = true;
    for (int h = 0; h < 24; h++)
        tr->diurnal_flat &= cfg->diurnal[h] == 1.0;
    for (int d = 0; d < 7; d++)
        tr->weekly_flat &= cfg->weekly[d] == 1.0;
    if (cfg->noise_sigma <= 0)
        return HR_OK;

    /* A grid fine enough to follow the process (20 points per time
     * constant) but never finer than a second. */
    double tau = cfg->noise_correlation_s;
    tr->noise_step_s = fmax(1.0, tau / 20.0);
    tr->n_noise = (size_t)ceil(duration_s / tr->noise_step_s) + 2;
    tr->noise = malloc(tr->n_noise * sizeof *tr->noise);
    if (!tr->noise)
        return hr_error_set(err, HR_ENOMEM, "out of memory for the traffic noise path");

    double sigma = cfg->noise_sigma;
    double a = exp(-tr->noise_step_s / tau);
    double innovation = sigma * sqrt(1.0 - a * a);
    double x = gsl_ran_gaussian(r, sigma); /* start in the stationary law */
    for (size_t k = 0; k < tr->n_noise; k++) {
        tr->noise[k] = exp(x - 0.5 * sigma * sigma);
        x = a * x + gsl_ran_gaussian(r, innovation);
    }
    return HR_OK;
}

void hr_traffic_free(hr_traffic *tr)
{
    free(tr->noise);
    *tr = (hr_traffic){0};
}

/* ---- factors ----------------------------------------------------------- */

static double diurnal_at(const double d[24], double t)
{
    double x = fmod(t, DAY_S) / HOUR_S - 0.5; /* hour h sits at h + 0.5 */
    if (x < 0)
        x += 24.0;
    int i = (int)x;
    double f = x - i;
    return d[i % 24] * (1.0 - f) + d[(i + 1) % 24] * f;
}

/* Max of the piecewise-linear diurnal curve on [t0, t1]: at the ends or at
 * a knot (hh:30) inside. */
static double diurnal_max(const double d[24], double t0, double t1)
{
    double m = max2(diurnal_at(d, t0), diurnal_at(d, t1));
    if (t1 - t0 >= DAY_S) {
        for (int h = 0; h < 24; h++)
            m = max2(m, d[h]);
        return m;
    }
    double k = floor((t0 - 0.5 * HOUR_S) / HOUR_S) + 1; /* first knot index after t0 */
    for (double tk = k * HOUR_S + 0.5 * HOUR_S; tk < t1; tk += HOUR_S)
        m = max2(m, diurnal_at(d, tk));
    return m;
}

static int day_of_week(const hr_traffic_config *c, double t)
{
    long day = (long)floor(t / DAY_S);
    return (int)((c->start_day + day) % 7);
}

static double weekly_max(const hr_traffic_config *c, double t0, double t1)
{
    long d0 = (long)floor(t0 / DAY_S), d1 = (long)floor(t1 / DAY_S);
    double m = 0;
    for (long d = d0; d <= d1 && d < d0 + 7; d++)
        m = max2(m, c->weekly[(c->start_day + d) % 7]);
    return m;
}

static double event_at(const hr_traffic_event *e, double t)
{
    double u = t - e->start_s;
    if (u < 0)
        return 1.0;
    double peak = e->multiplier - 1.0;
    if (e->shape == HR_EVENT_SPIKE) {
        if (u < e->ramp_s)
            return 1.0 + peak * u / e->ramp_s;
        return 1.0 + peak * exp(-(u - e->ramp_s) / e->decay_s);
    }
    if (u >= e->duration_s)
        return 1.0;
    double r = 1.0;
    if (e->ramp_s > 0) {
        if (u < e->ramp_s)
            r = u / e->ramp_s;
        else if (u > e->duration_s - e->ramp_s)
            r = (e->duration_s - u) / e->ramp_s;
    }
    return 1.0 + peak * r;
}

/* An event factor is monotone between its breakpoints (where a ramp starts
 * or ends), so its max on [t0, t1] is at an end or at a breakpoint inside,
 * taken from both sides because a ramp of 0 makes the factor jump. */
static double event_max(const hr_traffic_event *e, double t0, double t1)
{
    double m = max2(event_at(e, t0), event_at(e, t1));
    double bp[4] = {e->start_s, e->start_s + e->ramp_s, e->start_s + e->duration_s - e->ramp_s,
                    e->start_s + e->duration_s};
    for (int i = 0; i < 4; i++) {
        double sides[3] = {nextafter(bp[i], -INFINITY), bp[i], nextafter(bp[i], INFINITY)};
        for (int j = 0; j < 3; j++)
            if (sides[j] >= t0 && sides[j] <= t1)
                m = max2(m, event_at(e, sides[j]));
    }
    return m;
}

static double noise_at(const hr_traffic *tr, double t)
{
    if (!tr->noise)
        return 1.0;
    double x = t / tr->noise_step_s;
    size_t k = (size_t)x;
    if (k + 1 >= tr->n_noise)
        return tr->noise[tr->n_noise - 1];
    double f = x - (double)k;
    return tr->noise[k] * (1.0 - f) + tr->noise[k + 1] * f;
}

static double noise_max(const hr_traffic *tr, double t0, double t1)
{
    if (!tr->noise)
        return 1.0;
    double m = max2(noise_at(tr, t0), noise_at(tr, t1));
    size_t k0 = (size_t)(t0 / tr->noise_step_s) + 1;
    for (size_t k = k0; k < tr->n_noise && k * tr->noise_step_s < t1; k++)
        m = max2(m, tr->noise[k]);
    return m;
}

/* ---- the rate ---------------------------------------------------------- */

double hr_traffic_rate(const hr_traffic *tr, double t)
{
    const hr_traffic_config *c = tr->cfg;
    double rate = c->base_rps;
    if (!tr->diurnal_flat)
        rate *= diurnal_at(c->diurnal, t);
    if (!tr->weekly_flat)
        rate *= c->weekly[day_of_week(c, t)];
    if (tr->growth_per_s != 0)
        rate *= exp(tr->growth_per_s * t);
    for (size_t i = 0; i < c->n_events; i++)
        rate *= event_at(&c->events[i], t);
    return rate * noise_at(tr, t);
}

double hr_traffic_bound(const hr_traffic *tr, double t0, double t1)
{
    const hr_traffic_config *c = tr->cfg;
    double growth = exp(tr->growth_per_s * (tr->growth_per_s > 0 ? t1 : t0));
    double bound = c->base_rps * diurnal_max(c->diurnal, t0, t1) * weekly_max(c, t0, t1) * growth;
    for (size_t i = 0; i < c->n_events; i++)
        bound *= event_max(&c->events[i], t0, t1);
    return bound * noise_max(tr, t0, t1);
}

double hr_traffic_expected_requests(const hr_traffic_config *cfg, double duration_s)
{
    hr_traffic_config quiet = *cfg;
    quiet.noise_sigma = 0;
    hr_traffic tr;
    if (hr_traffic_init(&tr, &quiet, duration_s, NULL, NULL) != HR_OK)
        return NAN;
    double step = fmax(1.0, duration_s / 100000.0);
    double total = 0, prev = hr_traffic_rate(&tr, 0);
    for (double t0 = 0; t0 < duration_s; t0 += step) {
        double t1 = fmin(t0 + step, duration_s);
        double next = hr_traffic_rate(&tr, t1);
        total += 0.5 * (prev + next) * (t1 - t0);
        prev = next;
    }
    hr_traffic_free(&tr);
    return total;
}
