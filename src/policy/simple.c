/* simple.c - AWS simple scaling: one alarm, one adjustment, a cooldown.
 *
 * Model (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html,
 * adjustment types and rounding:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html#as-scaling-adjustment):
 *
 * - The alarm: the metric at or above `above` (or at or below `below`) for
 *   N = ceil(breach / metrics.period) consecutive datapoints; a missing
 *   datapoint as missing_data says (skipped by default).
 * - In ALARM, the policy applies its adjustment: ChangeInCapacity adds
 *   (removes) a number of instances, ExactCapacity sets the capacity,
 *   PercentChangeInCapacity adds a percentage of it, rounded as AWS rounds:
 *   above 1 down (12.7 -> 12), between 0 and 1 to 1, between -1 and 0 to -1,
 *   below -1 up towards 0 (-6.67 -> -6); then at least
 *   min_adjustment_magnitude in size.
 * - After a scaling activity the policy answers no alarm until the activity
 *   has completed (no instance pending or warming after a scale-out, none
 *   draining after a scale-in) and the cooldown (default 300 s) has ended,
 *   whichever is later: AWS's simple policies "must wait for the scaling
 *   activity ... to complete and the cooldown period to end before
 *   responding to additional alarms". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "headroom/policy.h"
#include "policy_internal.h"

typedef struct simple_state {
    int datapoints_to_alarm;  /* N >= 1 */
    int n_breach;             /* consecutive breaching datapoints */
    bool has_last;
    double last_m;
    bool has_activity;
    double activity_s;
    int activity_dir;         /* +1 out, -1 in */
    /* the activity as it was before the last proposal, for simple_applied */
    bool was_activity;
    double was_activity_s;
    int was_activity_dir;
} simple_state;

static int simple_init(hr_policy *p, hr_error *err)
{
    if (p->sc == NULL || p->sc->metrics.period_s <= 0)
        return hr_error_set(err, HR_EINVAL,
                            "simple policy needs metrics.period > 0 to count breaching datapoints");
    simple_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    double n = ceil(p->cfg->breach_s / p->sc->metrics.period_s - 1e-9);
    st->datapoints_to_alarm = n < 1 ? 1 : (int)n;
    p->state = st;
    hr_policy_read_metric(p);
    return HR_OK;
}

int hr_policy_percent_change(int capacity, double percent, int min_magnitude)
{
    double x = capacity * percent / 100.0;
    int change;
    if (x > 1)
        change = (int)floor(x + 1e-9);
    else if (x > 0)
        change = 1;
    else if (x > -1)
        change = x < 0 ? -1 : 0;
    else
        change = (int)ceil(x - 1e-9);
    if (change != 0 && abs(change) < min_magnitude)
        change = change > 0 ? min_magnitude : -min_magnitude;
    return change;
}

static bool breaches(const hr_policy_config *cfg, double m)
{
    return cfg->simple_above ? m >= cfg->simple_threshold : m <= cfg->simple_threshold;
}

static void simple_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    simple_state *st = p->state;
    st->was_activity = st->has_activity;
    st->was_activity_s = st->activity_s;
    st->was_activity_dir = st->activity_dir;
    const hr_policy_config *cfg = p->cfg;
    const char *name = hr_metric_name(cfg->metric);
    const char *cmp = cfg->simple_above ? ">=" : "<=";
    double m = obs->input[0];
    const char *note = "";
    if (!obs->has_datapoint || isnan(m)) {
        switch (cfg->missing_data) {
        case HR_MISSING_NOT_BREACHING:
            st->n_breach = 0;
            hr_policy_no_data(p, out);
            return;
        case HR_MISSING_BREACHING:
            st->n_breach++;
            m = cfg->simple_threshold;
            note = " (no datapoint: read as breaching)";
            break;
        case HR_MISSING_IGNORE:
            if (!st->has_last || st->n_breach < st->datapoints_to_alarm) {
                hr_policy_no_data(p, out);
                return;
            }
            m = st->last_m;
            note = " (no datapoint: alarm state kept)";
            break;
        default:
            hr_policy_no_data(p, out);
            return;
        }
    } else {
        st->has_last = true;
        st->last_m = m;
        st->n_breach = breaches(cfg, m) ? st->n_breach + 1 : 0;
    }

    char need[32], left[32];
    hr_policy_format_duration(st->datapoints_to_alarm * p->sc->metrics.period_s, need, sizeof need);
    out->desired = -1;
    if (st->n_breach < st->datapoints_to_alarm) {
        if (st->n_breach > 0)
            hr_policy_reason(out, "%s %.1f %s %g, %d of %d datapoints: waiting", name, m, cmp,
                             cfg->simple_threshold, st->n_breach, st->datapoints_to_alarm);
        else
            hr_policy_reason(out, "%s %.1f: no alarm", name, m);
        return;
    }
    int cur = obs->desired;
    if (st->has_activity) {
        double since = obs->time_s - st->activity_s;
        int unfinished = st->activity_dir > 0 ? obs->pending + obs->warming : obs->draining;
        if (since < cfg->cooldown_s) {
            hr_policy_reason(out, "%s %.1f %s %g for %s%s: cooldown (%s left): hold at %d", name, m,
                             cmp, cfg->simple_threshold, need, note,
                             hr_policy_format_duration(cfg->cooldown_s - since, left, sizeof left),
                             cur);
            out->desired = cur;
            return;
        }
        if (unfinished > 0) {
            hr_policy_reason(out, "%s %.1f %s %g for %s%s: last scaling activity not complete "
                                  "(%d instance%s %s): hold at %d",
                             name, m, cmp, cfg->simple_threshold, need, note, unfinished,
                             unfinished == 1 ? "" : "s",
                             st->activity_dir > 0 ? "starting" : "draining", cur);
            out->desired = cur;
            return;
        }
    }
    int target;
    char what[64];
    switch (cfg->adjustment_type) {
    case HR_ADJUST_EXACT:
        target = (int)cfg->adjustment;
        snprintf(what, sizeof what, "exact %d", target);
        break;
    case HR_ADJUST_PERCENT: {
        int change = hr_policy_percent_change(cur, cfg->adjustment, cfg->min_adjustment_magnitude);
        target = cur + change;
        snprintf(what, sizeof what, "%+g%% of %d: %+d", cfg->adjustment, cur, change);
        break;
    }
    default:
        target = cur + (int)cfg->adjustment;
        snprintf(what, sizeof what, "%+d", (int)cfg->adjustment);
    }
    if (target < 0)
        target = 0;
    out->desired = target;
    hr_policy_reason(out, "%s %.1f %s %g for %s%s: %s (%d -> %d)", name, m, cmp,
                     cfg->simple_threshold, need, note, what, cur, target);
    if (hr_policy_bounded(obs, target) != cur) {
        st->has_activity = true;
        st->activity_s = obs->time_s;
        st->activity_dir = hr_policy_bounded(obs, target) > cur ? 1 : -1;
    }
}

static void simple_free(hr_policy *p)
{
    free(p->state);
    p->state = NULL;
}

/* As step_applied: inside another policy, an outvoted activity starts no
 * cooldown and is not waited for. */
static void simple_applied(hr_policy *p, double now, int from, int to)
{
    simple_state *st = p->state;
    if (!p->child || !st->has_activity || st->activity_s != now)
        return;
    if (st->activity_dir > 0 ? to <= from : to >= from) {
        st->has_activity = st->was_activity;
        st->activity_s = st->was_activity_s;
        st->activity_dir = st->was_activity_dir;
    }
}

const hr_policy_ops hr_policy_simple_ops = {
    .kind = "simple",
    .init = simple_init,
    .decide = simple_decide,
    .applied = simple_applied,
    .free = simple_free,
};
