/* predictive.c - AWS-style predictive scaling.
 *
 * Model (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html,
 * https://docs.aws.amazon.com/autoscaling/application/userguide/aas-predictive-scaling-how-it-works.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html):
 *
 * The load metric is the fleet's total of cfg->metric (cpu in
 * percent-instances, request_rate in requests per second, concurrency in
 * requests in flight; an input of scope HR_SCOPE_TOTAL), one value per
 * metrics period, read from each published datapoint. The history is that
 * series from the first datapoint on; a period without a datapoint repeats
 * the value before it, so the series stays evenly spaced and seasons stay
 * aligned. No forecast is made before min_history of it (AWS needs 24 hours
 * of data).
 *
 * At an evaluation at time t, the capacity decided holds until the next
 * evaluation, one period later, and instances launched now serve from about
 * t + lead (lead plays SchedulingBufferTime: launch that much ahead). So the
 * policy forecasts every metrics period overlapping [t + lead, t + lead +
 * period) and sizes for the largest:
 *
 *     capacity = ceil(max forecast / target)
 *
 * (AWS sizes each hour for its forecast; our forecast interval is the
 * metrics period.) The forecast for the period holding t + lead is kept and,
 * when that period's datapoint is published, scored: the run's MAPE is the
 * mean of 100 |forecast - actual| / actual over the scored periods with an
 * actual load above 0.
 *
 * forecast_and_scale: the forecast capacity is a floor. Predictive scaling
 * "will not scale in" on a forecast: with a fallback (a reactive policy
 * run inside this one) the proposal is the larger of the forecast capacity
 * and the fallback's proposal (the current capacity when it has no
 * opinion), so the fallback scales in once the load has really dropped;
 * without one the fleet never shrinks. forecast_only: forecasts are made
 * and scored, never acted on; the fallback alone proposes. Before the first
 * forecast the fallback alone proposes too.
 *
 * The fleet's max (HonorMaxCapacity): the forecast capacity is held to it.
 * max_capacity_buffer B (IncreaseMaxCapacity with MaxCapacityBuffer): when
 * the forecast capacity C times (1 + B/100) passes the max, the proposal
 * raises the max to ceil(C (1 + B/100)) for the rest of the run (AWS: the
 * increased maximum "becomes the new normal maximum capacity"), and the
 * fallback may use that room too.
 *
 * Forecasters (forecast.h): seasonal_naive (the value one season before),
 * holt_winters (smoothing fitted by a grid search on the history's one-step
 * error, again after each further season of history, unless alpha, beta and
 * gamma are given; the state follows every new value), linear and
 * polynomial (least squares over the trailing window).
 *
 * Memory: the history keeps only what the forecaster reads again, so a long
 * run holds a bounded buffer: a season for seasonal_naive, the window for
 * linear and polynomial, one value for holt_winters with alpha, beta and
 * gamma given once its state has started (the state carries the rest). A
 * holt_winters that fits its smoothing refits on the whole history after
 * every further season, so it keeps all of it (8 bytes a metrics period:
 * 350 KB for 30 days of 1-minute periods). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/forecast.h"
#include "headroom/policy.h"
#include "policy_internal.h"

/* A history gap longer than this many periods starts the history over. */
#define PRED_MAX_GAP 1000000L

typedef struct pending_forecast {
    long k;         /* the metrics period it is for */
    double value;
} pending_forecast;

typedef struct pred_state {
    double period_s;
    size_t season;            /* periods */
    size_t window;            /* periods */
    double *y;                /* the newest of the load history, one value per period */
    size_t n, cap;            /* values held in y */
    size_t total;             /* values in the history (>= n): its length in periods */
    size_t keep;              /* values the forecaster reads again (SIZE_MAX: all) */
    long last_k;              /* period index of y[n - 1] */
    bool broken;              /* out of memory: no more forecasts */
    bool has_hw;
    hr_holt_winters hw;
    size_t hw_fit_n;          /* history length at the last fit */
    pending_forecast *pending; /* forecasts waiting for their datapoint, by k */
    size_t n_pending, cap_pending;
    double ape_sum_pct;
    size_t n_ape;
    bool has_fallback;
    hr_children fallback;
} pred_state;

static int pred_init(hr_policy *p, hr_error *err)
{
    const hr_policy_config *cfg = p->cfg;
    if (!(cfg->target > 0))
        return hr_error_set(err, HR_EINVAL, "target: expected a number > 0, got %g", cfg->target);
    if (p->sc == NULL || !(p->sc->metrics.period_s > 0))
        return hr_error_set(err, HR_EINTERNAL, "predictive: needs the metrics period");
    pred_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    st->period_s = p->sc->metrics.period_s;
    st->season = (size_t)lround(cfg->season_s / st->period_s);
    st->window = (size_t)lround(cfg->window_s / st->period_s);
    st->keep = cfg->forecaster == HR_FORECASTER_SEASONAL_NAIVE ? st->season
               : cfg->forecaster == HR_FORECASTER_HOLT_WINTERS ? SIZE_MAX
                                                                : st->window;
    bool seasonal = cfg->forecaster == HR_FORECASTER_SEASONAL_NAIVE ||
                    cfg->forecaster == HR_FORECASTER_HOLT_WINTERS;
    if ((seasonal && st->season < 2) ||
        (!seasonal && st->window < (size_t)(cfg->degree > 1 ? cfg->degree : 1) + 1)) {
        free(st);
        return hr_error_set(err, HR_EINVAL, "season or window too short for the forecaster");
    }
    p->state = st;
    p->inputs[0] = (hr_policy_input){.name = hr_metric_name(cfg->metric),
                                     .metric = cfg->metric,
                                     .scope = HR_SCOPE_TOTAL,
                                     .scale = 1.0};
    p->n_inputs = 1;
    if (cfg->has_fallback) {
        int rc = hr_children_new(p, &cfg->fallback, 1, &st->fallback, err);
        if (rc != HR_OK) {
            free(st);
            p->state = NULL;
            return rc;
        }
        st->has_fallback = true;
    }
    return HR_OK;
}

/* Values of the history the forecaster still reads: st->keep, or one for
 * a Holt-Winters state that has started and will not be refitted. */
static size_t needed(const pred_state *st, const hr_policy_config *cfg)
{
    if (cfg->forecaster == HR_FORECASTER_HOLT_WINTERS && cfg->has_smoothing && st->has_hw)
        return 1;
    return st->keep;
}

/* Append v to the history (and to the Holt-Winters state that follows it).
 * When the buffer is full and at least twice what is needed, its newest
 * `needed` values slide to the front instead of the buffer growing. */
static void append(pred_state *st, const hr_policy_config *cfg, double v)
{
    size_t keep = needed(st, cfg);
    if (st->n == st->cap && keep <= st->cap / 2) {
        memmove(st->y, st->y + st->n - keep, keep * sizeof *st->y);
        st->n = keep;
    }
    if (st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 1024;
        double *y = realloc(st->y, cap * sizeof *y);
        if (y == NULL) {
            st->broken = true;
            return;
        }
        st->y = y;
        st->cap = cap;
    }
    st->y[st->n++] = v;
    st->total++;
    if (st->has_hw)
        hr_hw_update(&st->hw, v);
}

/* The datapoint for period k arrived with load v: score the forecast made
 * for it, if any, and drop those for earlier periods (never published). */
static void score(pred_state *st, long k, double v)
{
    size_t drop = 0;
    while (drop < st->n_pending && st->pending[drop].k < k)
        drop++;
    if (drop < st->n_pending && st->pending[drop].k == k) {
        if (v > 0) {
            st->ape_sum_pct += 100.0 * fabs(st->pending[drop].value - v) / v;
            st->n_ape++;
        }
        drop++;
    }
    if (drop == 0)
        return;
    memmove(st->pending, st->pending + drop, (st->n_pending - drop) * sizeof *st->pending);
    st->n_pending -= drop;
}

static void keep_forecast(pred_state *st, long k, double value)
{
    if (st->n_pending > 0 && st->pending[st->n_pending - 1].k >= k) {
        if (st->pending[st->n_pending - 1].k == k)
            st->pending[st->n_pending - 1].value = value;
        return;
    }
    if (st->n_pending == st->cap_pending) {
        size_t cap = st->cap_pending ? 2 * st->cap_pending : 16;
        pending_forecast *q = realloc(st->pending, cap * sizeof *q);
        if (q == NULL)
            return; /* that forecast goes unscored */
        st->pending = q;
        st->cap_pending = cap;
    }
    st->pending[st->n_pending++] = (pending_forecast){.k = k, .value = value};
}

/* Take in the observation's datapoint, if it has one. */
static void observe(pred_state *st, const hr_policy_config *cfg, const hr_observation *obs)
{
    if (!obs->has_datapoint || isnan(obs->input[0]) || st->broken)
        return;
    double v = obs->input[0] > 0 ? obs->input[0] : 0;
    long k = lround(obs->datapoint_start_s / st->period_s);
    if (st->n > 0 && k <= st->last_k)
        return; /* that period is in the history already */
    score(st, k, v);
    if (st->n > 0 && k - st->last_k > PRED_MAX_GAP) {
        st->n = st->total = 0;
        if (st->has_hw)
            hr_hw_free(&st->hw);
        st->has_hw = false;
    }
    if (st->n > 0)
        for (long g = st->last_k + 1; g < k && !st->broken; g++)
            append(st, cfg, st->y[st->n - 1]);
    append(st, cfg, v);
    st->last_k = k;
}

/* The forecast h >= 1 periods after the last value into *out. */
static int forecast(hr_policy *p, size_t h, double *out, hr_error *err)
{
    const hr_policy_config *cfg = p->cfg;
    pred_state *st = p->state;
    switch (cfg->forecaster) {
    case HR_FORECASTER_SEASONAL_NAIVE:
        return hr_forecast_seasonal_naive(st->y, st->n, st->season, h, out, err);
    case HR_FORECASTER_LINEAR:
    case HR_FORECASTER_POLYNOMIAL:
        if (st->n < st->window)
            return hr_error_set(err, HR_EINVAL, "less than a window of history");
        return hr_forecast_polynomial(st->y + st->n - st->window, st->window,
                                      cfg->forecaster == HR_FORECASTER_LINEAR ? 1 : cfg->degree,
                                      h, out, err);
    case HR_FORECASTER_HOLT_WINTERS:
        break;
    }
    bool refit = !st->has_hw || (!cfg->has_smoothing && st->total - st->hw_fit_n >= st->season);
    if (refit) {
        double a = cfg->alpha, b = cfg->beta, g = cfg->gamma;
        int rc;
        if (!cfg->has_smoothing &&
            (rc = hr_hw_fit(cfg->seasonality, st->season, st->y, st->n, &a, &b, &g, err)))
            return rc;
        if (st->has_hw)
            hr_hw_free(&st->hw);
        st->has_hw = false;
        if ((rc = hr_hw_start(&st->hw, cfg->seasonality, st->season, a, b, g, st->y, st->n, err)))
            return rc;
        st->has_hw = true;
        st->hw_fit_n = st->total;
    }
    *out = hr_hw_forecast(&st->hw, h);
    return HR_OK;
}

/* The capacity the forecast asks for at obs (and *raise, a max to raise
 * to), or -1 with no forecast; what it is in why. */
static int forecast_capacity(hr_policy *p, const hr_observation *obs, int *raise, char *why,
                             size_t size)
{
    const hr_policy_config *cfg = p->cfg;
    pred_state *st = p->state;
    char have[32], need[32], lead[32];
    *raise = 0;
    if (st->broken) {
        snprintf(why, size, "forecast: out of memory for the history");
        return -1;
    }
    if ((double)st->total * st->period_s < cfg->min_history_s - 1e-9) {
        snprintf(why, size, "forecast: %s of %s history",
                 hr_policy_format_duration((double)st->total * st->period_s, have, sizeof have),
                 hr_policy_format_duration(cfg->min_history_s, need, sizeof need));
        return -1;
    }
    double t0 = obs->time_s + cfg->lead_s, P = st->period_s;
    long ka = (long)floor(t0 / P + 1e-9), kb = (long)ceil((t0 + P) / P - 1e-9) - 1;
    if (kb < ka)
        kb = ka;
    double worst = 0, first = 0;
    for (long k = ka; k <= kb; k++) {
        long h = k - st->last_k;
        hr_error err = {0};
        double f;
        if (forecast(p, (size_t)(h < 1 ? 1 : h), &f, &err) != HR_OK) {
            snprintf(why, size, "forecast: %.150s", err.msg);
            return -1;
        }
        f = f > 0 ? f : 0;
        if (k == ka)
            first = f;
        worst = f > worst ? f : worst;
    }
    keep_forecast(st, ka, first);
    double x = ceil(worst / cfg->target - 1e-9);
    int limit = p->sc->fleet.concurrency > 0 ? HR_FLEET_MAX_WORKERS / p->sc->fleet.concurrency
                                             : INT_MAX / 2;
    int needed = x < (double)limit ? (int)x : limit;
    hr_policy_format_duration(cfg->lead_s, lead, sizeof lead);
    int n = snprintf(why, size, "forecast %s %.1f at +%s: %d", hr_metric_name(cfg->metric), worst,
                     lead, needed);
    size_t used = n > 0 ? (size_t)n : 0;
    if (used >= size)
        return needed;
    if (cfg->has_max_capacity_buffer) {
        double lim = ceil((double)needed * (1 + cfg->max_capacity_buffer_pct / 100) - 1e-9);
        int room = lim < (double)limit ? (int)lim : limit;
        if (room > obs->max) {
            *raise = room;
            snprintf(why + used, size - used, ", max %d -> %d (buffer %g%%)", obs->max, room,
                     cfg->max_capacity_buffer_pct);
        }
    } else if (needed > obs->max) {
        snprintf(why + used, size - used, ", held to max %d", obs->max);
        needed = obs->max;
    }
    return needed;
}

static void pred_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    const hr_policy_config *cfg = p->cfg;
    pred_state *st = p->state;
    observe(st, cfg, obs);
    hr_decision fb = {.desired = -1};
    const char *fb_name = "";
    if (st->has_fallback) {
        hr_children_decide(&st->fallback, 0, obs, &fb);
        fb_name = p->sc->policies[cfg->fallback].name;
    }
    char own[HR_REASON_MAX];
    int raise = 0;
    int cap = forecast_capacity(p, obs, &raise, own, sizeof own);
    if (cap < 0 || cfg->forecast_only) {
        /* the fallback alone */
        out->desired = fb.desired;
        out->raise_max = fb.raise_max;
        const char *mode = cap >= 0 ? " (forecast_only)" : "";
        if (st->has_fallback)
            hr_policy_reason(out, "%s%s; %s: %s", own, mode, fb_name, fb.reason);
        else
            hr_policy_reason(out, "%s%s: no action", own, mode);
        return;
    }
    out->raise_max = raise > fb.raise_max ? raise : fb.raise_max;
    int base = fb.desired >= 0 ? fb.desired : obs->desired;
    if (cap >= base) {
        out->desired = cap;
        if (st->has_fallback)
            hr_policy_reason(out, "%s >= %s %s", own, fb_name,
                             fb.desired >= 0 ? "proposal" : "(no opinion)");
        else
            hr_policy_reason(out, "%s", own);
    } else if (st->has_fallback) {
        out->desired = base;
        hr_policy_reason(out, "%s < %s: %s", own, fb_name, fb.reason);
    } else {
        out->desired = base;
        hr_policy_reason(out, "%s: no scale-in on a forecast, hold at %d", own, base);
    }
}

static void pred_applied(hr_policy *p, double now, int from, int to)
{
    pred_state *st = p->state;
    if (st->has_fallback)
        hr_children_applied(&st->fallback, now, from, to);
}

static void pred_forecast_error(const hr_policy *p, double *sum_pct, size_t *n)
{
    const pred_state *st = p->state;
    *sum_pct += st->ape_sum_pct;
    *n += st->n_ape;
    if (st->has_fallback)
        hr_children_forecast_error(&st->fallback, sum_pct, n);
}

static void pred_free(hr_policy *p)
{
    pred_state *st = p->state;
    if (st == NULL)
        return;
    if (st->has_fallback)
        hr_children_free(&st->fallback);
    if (st->has_hw)
        hr_hw_free(&st->hw);
    free(st->y);
    free(st->pending);
    free(st);
    p->state = NULL;
}

const hr_policy_ops hr_policy_predictive_ops = {
    .kind = "predictive",
    .init = pred_init,
    .decide = pred_decide,
    .applied = pred_applied,
    .free = pred_free,
    .forecast_error = pred_forecast_error,
};
