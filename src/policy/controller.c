/* controller.c - the limits every policy is held to, in the order
 * controller.h gives: proposal, min/max, budget guard, rolling hourly caps.
 *
 * The hourly caps count instances added (or removed) by the changes this
 * controller applied in the rolling window (now - 3600s, now]: an event
 * exactly one hour old no longer counts. The history keeps only that window,
 * so it holds at most one event per decision of the last hour. */
#include "headroom/controller.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HR_CONTROLLER_WINDOW_S 3600.0

int hr_controller_init(hr_controller *c, const hr_fleet_config *fleet, const hr_limits *limits,
                       hr_error *err)
{
    if (c == NULL || fleet == NULL || limits == NULL)
        return hr_error_set(err, HR_EINTERNAL, "hr_controller_init: NULL argument");
    memset(c, 0, sizeof *c);
    if (fleet->min < 0 || fleet->max < fleet->min)
        return hr_error_set(err, HR_EINVAL,
                            "fleet: min %d and max %d must satisfy 0 <= min <= max", fleet->min,
                            fleet->max);
    if (limits->has_max_scale_out_per_hour && limits->max_scale_out_per_hour < 0)
        return hr_error_set(err, HR_EINVAL, "limits.max_scale_out_per_hour: expected >= 0, got %d",
                            limits->max_scale_out_per_hour);
    if (limits->has_max_scale_in_per_hour && limits->max_scale_in_per_hour < 0)
        return hr_error_set(err, HR_EINVAL, "limits.max_scale_in_per_hour: expected >= 0, got %d",
                            limits->max_scale_in_per_hour);
    if (limits->has_budget_per_hour && !(limits->budget_per_hour >= 0))
        return hr_error_set(err, HR_EINVAL, "limits.budget_per_hour: expected >= 0, got %g",
                            limits->budget_per_hour);
    c->min = fleet->min;
    c->max = fleet->max;
    c->limits = *limits;
    c->price_per_hour = fleet->price_per_hour;
    return HR_OK;
}

void hr_controller_free(hr_controller *c)
{
    if (c == NULL)
        return;
    free(c->history);
    c->history = NULL;
    c->n_history = c->cap_history = 0;
}

void hr_controller_set_bounds(hr_controller *c, int min, int max)
{
    c->min = min;
    c->max = max;
    c->scheduled = true;
}

/* Append to the reason (HR_DECISION_REASON_MAX bytes), truncating
 * silently at its size. */
static void reason_append(char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reason_append(char *reason, const char *fmt, ...)
{
    size_t len = strlen(reason);
    if (len + 1 >= HR_DECISION_REASON_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason + len, HR_DECISION_REASON_MAX - len, fmt, ap);
    va_end(ap);
}

/* Drop events that left the window (now - 3600, now]. */
static void history_prune(hr_controller *c, double now)
{
    size_t keep = 0;
    while (keep < c->n_history && c->history[keep].time_s <= now - HR_CONTROLLER_WINDOW_S)
        keep++;
    if (keep == 0)
        return;
    memmove(c->history, c->history + keep, (c->n_history - keep) * sizeof *c->history);
    c->n_history -= keep;
}

static int history_push(hr_controller *c, double now, int delta)
{
    if (c->n_history == c->cap_history) {
        size_t cap = c->cap_history ? 2 * c->cap_history : 16;
        hr_scale_event *h = realloc(c->history, cap * sizeof *h);
        if (h == NULL)
            return HR_ENOMEM;
        c->history = h;
        c->cap_history = cap;
    }
    c->history[c->n_history++] = (hr_scale_event){.time_s = now, .delta = delta};
    return HR_OK;
}

/* Instances added (sign > 0) or removed (sign < 0) in the window, >= 0. */
static int history_sum(const hr_controller *c, int sign)
{
    long sum = 0;
    for (size_t i = 0; i < c->n_history; i++) {
        int d = c->history[i].delta;
        if (sign > 0 && d > 0)
            sum += d;
        else if (sign < 0 && d < 0)
            sum -= d;
    }
    return sum > INT_MAX ? INT_MAX : (int)sum;
}

/* The budget guard: the fleet's cost rate may not exceed the budget, so at
 * most floor(budget / price) instances; when that is below min, min wins. */
static int apply_budget(const hr_controller *c, int d, char *reason)
{
    if (!c->limits.has_budget_per_hour || !(c->price_per_hour > 0))
        return d;
    double allowed = floor(c->limits.budget_per_hour / c->price_per_hour + 1e-9);
    int cap = allowed > (double)INT_MAX ? INT_MAX : (int)allowed;
    if (d <= cap)
        return d;
    if (cap >= c->min) {
        reason_append(reason, "; budget %g/h at %g/h per instance allows %d: %d -> %d",
                      c->limits.budget_per_hour, c->price_per_hour, cap, d, cap);
        return cap;
    }
    reason_append(reason,
                  "; budget %g/h at %g/h per instance allows only %d, below min %d: "
                  "budget cannot be honoured, keeping %d",
                  c->limits.budget_per_hour, c->price_per_hour, cap, c->min, c->min);
    return c->min;
}

/* The rolling hourly caps: trim the change to what the window has left. */
static int apply_hourly_caps(const hr_controller *c, int current, int d, char *reason)
{
    int delta = d - current;
    if (delta > 0 && c->limits.has_max_scale_out_per_hour) {
        int cap = c->limits.max_scale_out_per_hour;
        int left = cap - history_sum(c, +1);
        if (left < 0)
            left = 0;
        if (delta > left) {
            reason_append(reason, "; scale-out cap %d/h reached: %+d -> %+d", cap, delta, left);
            return current + left;
        }
    } else if (delta < 0 && c->limits.has_max_scale_in_per_hour) {
        int cap = c->limits.max_scale_in_per_hour;
        int left = cap - history_sum(c, -1);
        if (left < 0)
            left = 0;
        if (-delta > left) {
            reason_append(reason, "; scale-in cap %d/h reached: %+d -> %+d", cap, delta, -left);
            return current - left;
        }
    }
    return d;
}

int hr_controller_apply(hr_controller *c, double now, int current, const hr_decision *proposal,
                        hr_decision_record *rec)
{
    history_prune(c, now);

    /* every byte of the record defined (padding), so two runs with the
     * same inputs give byte-identical records; metric is the caller's
     * (controller.h) */
    double metric = rec->metric;
    memset(rec, 0, sizeof *rec);
    rec->metric = metric;
    rec->time_s = now;
    rec->current = current;
    rec->proposed = proposal->desired >= 0 ? proposal->desired : current;
    char *reason = c->reason;
    rec->reason = reason;
    reason[0] = '\0';
    if (proposal->reason[0] != '\0')
        reason_append(reason, "%s", proposal->reason);
    else
        reason_append(reason, proposal->desired >= 0 ? "policy proposal" : "no proposal");

    /* a predictive policy's max_capacity_buffer: the max rises, and stays */
    if (proposal->raise_max > c->max) {
        reason_append(reason, "; max raised %d -> %d", c->max, proposal->raise_max);
        c->max = proposal->raise_max;
    }
    int d = rec->proposed;
    const char *by = c->scheduled ? " (scheduled)" : "";
    if (d < c->min) {
        reason_append(reason, "; clamped to min %d%s", c->min, by);
        d = c->min;
    } else if (d > c->max) {
        reason_append(reason, "; clamped to max %d%s", c->max, by);
        d = c->max;
    }
    d = apply_budget(c, d, reason);
    d = apply_hourly_caps(c, current, d, reason);
    rec->desired = d;

    if (d != current && history_push(c, now, d - current) != HR_OK)
        return -1;
    return d;
}
