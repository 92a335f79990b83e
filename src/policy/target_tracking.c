/* target_tracking.c - AWS-style target tracking.
 *
 * Model (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html,
 * https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html,
 * instance warm-up: https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html):
 *
 * The metric is a per-instance average ("higher is more load": cpu,
 * request_rate, concurrency, queue_depth, latency_p95, error_rate) over the
 * `counted` instances: serving and at least warmup_s old. Instances younger
 * than that are left out of the metric, but those already serving carry
 * their share of the load all the same. With S the instances that served
 * during the datapoint's period (counted or not; at least C = counted), m
 * the datapoint and T the target, the load the datapoint shows needs
 *
 *     needed = ceil(S * m / T)
 *
 * instances to bring the metric back to T (the proportional rule: m scales
 * as 1/capacity for a fixed load; AWS applies the ratio to the group's
 * capacity). Sizing from C alone undercounts the load while a scale-out
 * warms: a second load step would wait for the new instances to be counted.
 * A datapoint without a value (NaN: a latency with nothing completed) is
 * no datapoint.
 *
 * - Scale out as soon as needed > desired, straight to needed. Instances
 *   still booting or warming are already part of desired, so they are not
 *   added again: AWS scales out during warm-up "only if the metric value
 *   from instances that are not warming up" calls for more than is already
 *   on its way. (Adding the uncounted instances on top of needed would ask
 *   for the same instances once per datapoint until they are counted.)
 * - Scale-out cooldown (default 60s): while it runs, the capacity the last
 *   scale-out asked for counts as already added, so a further scale-out
 *   needs more than that (AWS: "the capacity that has been added by the
 *   previous scale out event ... is calculated as part of the desired
 *   capacity for the next scale out"). It binds when the controller trimmed
 *   that scale-out.
 * - Scale in conservatively, only to a fleet that would run at or below
 *   90% of the target:
 *
 *       needed_in = ceil(S * m / (0.9 * T)),  scale in when needed_in < desired
 *
 *   AWS removes capacity only once the metric is "usually more than 10%"
 *   below the target (how target tracking works, above); applying that
 *   margin to the smaller fleet keeps a fleet of 2-3 instances, where one
 *   instance is a large share, from flapping around the target. Never while any instance
 *   is pending, warming or not yet counted (AWS blocks scale-in until new
 *   instances finish warming up); never within scale_in_cooldown_s
 *   (default 300s) of the last scale-in; never below min; and gradually
 *   (AWS: "scales in more gradually"): at most max(1, floor(10% of desired))
 *   instances per datapoint. A metric of 0 thus walks the fleet down to min.
 *   The scale-in cooldown runs from the last scale-in only (AWS: "after a
 *   scale-in activity completes"); a scale-out does not start it.
 * - disable_scale_in: never propose less than desired.
 * - A scale-out during the scale-in cooldown happens at once (AWS: "if
 *   another alarm triggers a scale out ... during the cooldown period after
 *   a scale-in, [it] scales out your scalable target immediately").
 *
 * A scaling activity is a proposal that, held to [min, max], differs from
 * the current desired capacity. Proposals above max are not clamped here so
 * that the controller reports the unmet demand ("clamped to max 200"). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "headroom/policy.h"
#include "policy_internal.h"

/* Share of the desired capacity one datapoint may remove (at least 1). */
#define TT_SCALE_IN_MAX_FRACTION 0.10
/* The fleet left after a scale-in must run at or below this share of the target. */
#define TT_SCALE_IN_HEADROOM 0.90

typedef struct tt_state {
    bool has_out;
    double out_s;       /* last scale-out */
    int out_desired;    /* what it asked for */
    bool has_in;
    double in_s;        /* last scale-in: the scale-in cooldown runs from it */
    /* as they were before the last proposal, for tt_applied */
    bool was_out, was_in;
    double was_out_s, was_in_s;
    int was_out_desired;
    bool has_last;
    double last_m;      /* the last datapoint's value (missing_data: ignore) */
    int last_serving;
    int n_high, n_low;  /* consecutive datapoints breaching the high and low alarms */
} tt_state;

static int tt_init(hr_policy *p, hr_error *err)
{
    if (!(p->cfg->target > 0))
        return hr_error_set(err, HR_EINVAL, "target: expected a number > 0, got %g",
                            p->cfg->target);
    tt_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    p->state = st;
    hr_policy_read_metric(p);
    /* AWS "instance warmup": new instances are left out of the metric */
    p->metric_warmup_s = p->cfg->warmup_s;
    return HR_OK;
}

/* ceil(serving * m / target), tolerant of rounding (10 * 70 / 70 is 10). */
static int tt_needed(int serving, double m, double target)
{
    double x = ceil((double)serving * (m > 0 ? m : 0) / target - 1e-9);
    if (!(x < (double)INT_MAX / 2))
        return INT_MAX / 2;
    return x < 0 ? 0 : (int)x;
}

static void tt_scale_out(hr_policy *p, const hr_observation *obs, int needed, const char *head,
                         hr_decision *out)
{
    tt_state *st = p->state;
    int cur = obs->desired;
    double since_s = obs->time_s - st->out_s;
    bool cooling = st->has_out && since_s < p->cfg->scale_out_cooldown_s;
    char left[32];

    if (cooling && needed <= st->out_desired) {
        out->desired = cur;
        hr_policy_reason(out,
                 "%s: needs %d, scale-out to %d in progress (cooldown %s left): hold at %d", head,
                 needed, st->out_desired,
                 hr_policy_format_duration(p->cfg->scale_out_cooldown_s - since_s, left, sizeof left),
                 cur);
        return;
    }
    out->desired = needed;
    hr_policy_reason(out, "%s: %d -> %d", head, cur, needed);
    if (hr_policy_bounded(obs, needed) != cur) {
        st->has_out = true;
        st->out_s = obs->time_s;
        st->out_desired = needed;
    }
}

static void tt_scale_in(hr_policy *p, const hr_observation *obs, int needed, const char *head,
                        hr_decision *out)
{
    tt_state *st = p->state;
    const hr_policy_config *cfg = p->cfg;
    int cur = obs->desired;
    int unsettled = hr_policy_unsettled(obs);
    double since_s = obs->time_s - st->in_s;
    char left[32];

    out->desired = cur;
    if (cfg->disable_scale_in) {
        hr_policy_reason(out, "%s: needs %d, scale-in disabled: hold at %d",
                 head, needed, cur);
        return;
    }
    if (cur <= obs->min) {
        hr_policy_reason(out, "%s: needs %d, at min %d: hold at %d", head,
                 needed, obs->min, cur);
        return;
    }
    if (unsettled > 0) {
        hr_policy_reason(out,
                 "%s: needs %d, scale-in waits for %d instance%s pending or warming: hold at %d",
                 head, needed, unsettled, unsettled == 1 ? "" : "s", cur);
        return;
    }
    if (st->has_in && since_s < cfg->scale_in_cooldown_s) {
        hr_policy_reason(out,
                 "%s: needs %d, scale-in cooldown (%s left): hold at %d", head, needed,
                 hr_policy_format_duration(cfg->scale_in_cooldown_s - since_s, left, sizeof left),
                 cur);
        return;
    }
    int max_step = (int)floor(TT_SCALE_IN_MAX_FRACTION * cur);
    if (max_step < 1)
        max_step = 1;
    int target = needed;
    bool gradual = false;
    if (target < cur - max_step) {
        target = cur - max_step;
        gradual = true;
    }
    if (target < obs->min)
        target = obs->min;
    out->desired = target;
    if (gradual)
        hr_policy_reason(out, "%s: needs %d, %d -> %d (at most -%d per datapoint)",
                 head, needed, cur, target, max_step);
    else
        hr_policy_reason(out, "%s: %d -> %d", head, cur, target);
    if (hr_policy_bounded(obs, target) != cur) {
        st->has_in = true;
        st->in_s = obs->time_s;
    }
}

static void tt_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    const hr_policy_config *cfg = p->cfg;
    tt_state *st = p->state;
    st->was_out = st->has_out;
    st->was_out_s = st->out_s;
    st->was_out_desired = st->out_desired;
    st->was_in = st->has_in;
    st->was_in_s = st->in_s;
    double m = obs->input[0];
    int serving = obs->serving > obs->counted ? obs->serving : obs->counted;
    bool fresh = obs->has_datapoint && obs->counted > 0 && !isnan(m);
    if (!fresh) {
        /* missing_data: missing (default) skips it; ignore lets the last
         * datapoint stand, as an alarm keeps its state */
        if (cfg->missing_data != HR_MISSING_IGNORE || !st->has_last) {
            hr_policy_no_data(p, out);
            return;
        }
        m = st->last_m;
        serving = st->last_serving;
    }
    int needed = tt_needed(serving, m, cfg->target);
    int needed_in = tt_needed(serving, m, TT_SCALE_IN_HEADROOM * cfg->target);
    if (fresh) {
        /* a fresh datapoint moves the alarms; a repeated one (ignore)
         * leaves them as they are */
        st->has_last = true;
        st->last_m = m;
        st->last_serving = serving;
        st->n_high = m > cfg->target ? st->n_high + 1 : 0;
        st->n_low = needed_in < obs->desired ? st->n_low + 1 : 0;
    }
    char head[HR_REASON_MAX];
    snprintf(head, sizeof head, "%s %.1f vs target %g", hr_metric_name(cfg->metric), m, cfg->target);

    int n_out = cfg->scale_out_datapoints > 1 ? cfg->scale_out_datapoints : 1;
    int n_in = cfg->scale_in_datapoints > 1 ? cfg->scale_in_datapoints : 1;
    if (needed > obs->desired && st->n_high < n_out) {
        out->desired = obs->desired;
        hr_policy_reason(out, "%s: needs %d, high alarm at %d of %d datapoints: hold at %d", head,
                         needed, st->n_high, n_out, obs->desired);
    } else if (needed > obs->desired) {
        tt_scale_out(p, obs, needed, head, out);
    } else if (needed_in < obs->desired && st->n_low < n_in) {
        out->desired = obs->desired;
        hr_policy_reason(out, "%s: needs %d, low alarm at %d of %d datapoints: hold at %d", head,
                         needed_in, st->n_low, n_in, obs->desired);
    } else if (needed_in < obs->desired) {
        tt_scale_in(p, obs, needed_in, head, out);
    } else if (needed < obs->desired) {
        out->desired = obs->desired;
        hr_policy_reason(out, "%s: hold at %d (scale-in only to a fleet at <= %g)", head,
                         obs->desired, TT_SCALE_IN_HEADROOM * cfg->target);
    } else {
        out->desired = obs->desired;
        hr_policy_reason(out, "%s: hold at %d", head, obs->desired);
    }
}

/* Run inside another policy (kind max, a predictive fallback), a proposal
 * of this one may be outvoted: a scale-in or scale-out that did not happen
 * is no activity and starts no cooldown (AWS counts cooldowns from the
 * group's scaling activities). A policy of its own keeps its proposals'
 * cooldowns as they are. */
static void tt_applied(hr_policy *p, double now, int from, int to)
{
    tt_state *st = p->state;
    if (!p->child)
        return;
    if (st->has_in && st->in_s == now && to >= from) {
        st->has_in = st->was_in;
        st->in_s = st->was_in_s;
    }
    if (st->has_out && st->out_s == now && to <= from) {
        st->has_out = st->was_out;
        st->out_s = st->was_out_s;
        st->out_desired = st->was_out_desired;
    }
}

static void tt_free(hr_policy *p)
{
    free(p->state);
    p->state = NULL;
}

const hr_policy_ops hr_policy_target_tracking_ops = {
    .kind = "target_tracking",
    .init = tt_init,
    .decide = tt_decide,
    .applied = tt_applied,
    .free = tt_free,
};
