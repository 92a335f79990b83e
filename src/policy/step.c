/* step.c - AWS step scaling: up to two alarms (scale-out, scale-in), each
 * with step adjustments by the size of the breach.
 *
 * Model (Amazon EC2 Auto Scaling / Application Auto Scaling step scaling,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * and https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html;
 * step bounds: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html;
 * warm-up: https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html):
 *
 * - The alarms. Scale-out: metric >= its threshold; scale-in: metric <= its
 *   threshold. The short form (`steps: [{above: 70, add: 1}, ...]`) makes
 *   the lowest `above` the scale-out threshold and the highest `below` the
 *   scale-in one; scale_out/scale_in give them as AWS does, with step bounds
 *   relative to the threshold. An alarm goes to ALARM when
 *   N = ceil(breach_s / period) consecutive datapoints breach (CloudWatch
 *   "datapoints to alarm" N of N); a datapoint that does not breach resets
 *   the count, a missing one does what missing_data says.
 * - While an alarm is in ALARM the policy runs at every datapoint (AWS: "the
 *   adjustments can continue for additional alarm breaches until the alarm
 *   state returns to OK"). The step whose interval holds the metric applies
 *   (scale-out steps [lower, upper), scale-in steps (lower, upper]); its
 *   adjustment is read as the alarm's adjustment_type: ChangeInCapacity,
 *   PercentChangeInCapacity (rounded as AWS rounds, at least
 *   min_adjustment_magnitude) or ExactCapacity.
 * - EC2 Auto Scaling (warmup, the default): no cooldown. For warmup_s after
 *   it starts serving a new instance is left out of the metric; a
 *   scale-out counts the instances still starting or warming as capacity
 *   on its way: the adjustment applies to the capacity without them, and
 *   the policy adds only what exceeds the desired capacity (a +1 step
 *   breached again while the +1 warms adds nothing; a +3 step then adds
 *   2). Scale-in waits until no instance is starting or warming.
 * - Application Auto Scaling (cooldown): one cooldown for both directions
 *   (default 300s) after a scaling activity: no scale-in until it ends; a
 *   scale-out during the cooldown of a scale-out applies its adjustment to
 *   the capacity before the one in progress ("the capacity added by the
 *   previous scale-out event that initiated the cooldown is calculated as
 *   part of the desired capacity for the next scale out": +1 in progress,
 *   then a +3 step adds 2); a scale-out during the cooldown of a scale-in
 *   happens at once.
 *
 * A scaling activity is a proposal that, once held to [min, max], differs
 * from the current desired capacity; a proposal the bounds cancel (scale-out
 * at max) starts no cooldown. If both alarms are in ALARM at once (the
 * scenario's steps overlap) scale-out wins, for availability. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/policy.h"
#include "policy_internal.h"

enum { OUT = 0, IN = 1 };

typedef struct step_state {
    double period_s;
    int datapoints_to_alarm;  /* N, >= 1 */
    hr_step_alarm alarm[2];   /* OUT, IN; steps owned here */
    int n_breach[2];          /* consecutive breaching datapoints, each alarm */
    bool has_activity;        /* cooldown mode: the last scaling activity */
    double activity_s;
    int activity_dir;         /* +1 scale-out, -1 scale-in */
    int out_in_progress;      /* what the scale-out that started the cooldown added to its base */
    /* the activity as it was before the last proposal, for step_applied */
    bool was_activity;
    double was_activity_s;
    int was_activity_dir, was_in_progress;
    bool has_last;
    double last_m;            /* the last datapoint's value (missing_data: ignore) */
} step_state;

static int by_above(const void *a, const void *b)
{
    double x = ((const hr_step_adjustment *)a)->above, y = ((const hr_step_adjustment *)b)->above;
    return (x > y) - (x < y);
}

static int by_below(const void *a, const void *b)
{
    double x = ((const hr_step_adjustment *)a)->below, y = ((const hr_step_adjustment *)b)->below;
    return (x > y) - (x < y);
}

/* The short form's steps of one side as an alarm: above-steps cover
 * [above, next above), below-steps (next below, below]. */
static int short_form_alarm(const hr_policy_config *cfg, bool above, hr_step_alarm *a)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_steps; i++)
        n += cfg->steps[i].has_above == above;
    if (n == 0)
        return HR_OK;
    hr_step_adjustment *side = malloc(n * sizeof *side);
    a->steps = calloc(n, sizeof *a->steps);
    if (side == NULL || a->steps == NULL) {
        free(side);
        return HR_ENOMEM;
    }
    n = 0;
    for (size_t i = 0; i < cfg->n_steps; i++)
        if (cfg->steps[i].has_above == above)
            side[n++] = cfg->steps[i];
    qsort(side, n, sizeof *side, above ? by_above : by_below);
    for (size_t i = 0; i < n; i++) {
        hr_step_interval *v = &a->steps[i];
        v->adjustment = side[i].change;
        v->pos = side[i].pos;
        if (above) {
            v->has_lower = true;
            v->lower = side[i].above;
            v->has_upper = i + 1 < n;
            v->upper = v->has_upper ? side[i + 1].above : 0;
        } else {
            v->has_upper = true;
            v->upper = side[i].below;
            v->has_lower = i > 0;
            v->lower = i > 0 ? side[i - 1].below : 0;
        }
    }
    a->present = true;
    a->threshold = above ? side[0].above : side[n - 1].below;
    a->adjustment_type = HR_ADJUST_CHANGE;
    a->min_adjustment_magnitude = 1;
    a->n_steps = n;
    free(side);
    return HR_OK;
}

static int copy_alarm(const hr_step_alarm *from, hr_step_alarm *to)
{
    *to = *from;
    to->steps = NULL;
    if (!from->present || from->n_steps == 0)
        return HR_OK;
    to->steps = malloc(from->n_steps * sizeof *to->steps);
    if (to->steps == NULL)
        return HR_ENOMEM;
    memcpy(to->steps, from->steps, from->n_steps * sizeof *to->steps);
    return HR_OK;
}

static void step_free(hr_policy *p)
{
    step_state *st = p->state;
    if (st != NULL) {
        free(st->alarm[OUT].steps);
        free(st->alarm[IN].steps);
    }
    free(st);
    p->state = NULL;
}

static int step_init(hr_policy *p, hr_error *err)
{
    const hr_policy_config *cfg = p->cfg;
    if (p->sc == NULL || p->sc->metrics.period_s <= 0)
        return hr_error_set(err, HR_EINVAL,
                            "step policy needs metrics.period > 0 to count breaching datapoints");
    bool aws_form = cfg->scale_out.present || cfg->scale_in.present;
    if (!aws_form && (cfg->n_steps == 0 || cfg->steps == NULL))
        return hr_error_set(err, HR_EINVAL,
                            "steps: expected at least one step like {above: 70, add: 1}");

    step_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    p->state = st;
    int rc = aws_form ? copy_alarm(&cfg->scale_out, &st->alarm[OUT])
                      : short_form_alarm(cfg, true, &st->alarm[OUT]);
    if (rc == HR_OK)
        rc = aws_form ? copy_alarm(&cfg->scale_in, &st->alarm[IN])
                      : short_form_alarm(cfg, false, &st->alarm[IN]);
    if (rc != HR_OK) {
        step_free(p);
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    }
    hr_policy_read_metric(p);
    if (cfg->step_warmup)
        p->metric_warmup_s = cfg->warmup_s;
    st->period_s = p->sc->metrics.period_s;
    /* ceil with a tolerance so that breach 3m over 60s periods is 3, not 4. */
    double n = ceil(cfg->breach_s / st->period_s - 1e-9);
    st->datapoints_to_alarm = n < 1 ? 1 : (int)n;
    return HR_OK;
}

static bool breaches(const step_state *st, int side, double m)
{
    const hr_step_alarm *a = &st->alarm[side];
    return a->present && (side == OUT ? m >= a->threshold : m <= a->threshold);
}

/* The step whose interval holds m (the nearest one when none does: a
 * missing datapoint read as breaching sits at the threshold). */
static const hr_step_interval *pick(const hr_step_alarm *a, int side, double m)
{
    for (size_t i = 0; i < a->n_steps; i++) {
        const hr_step_interval *v = &a->steps[i];
        bool lo = !v->has_lower || (side == OUT ? v->lower <= m : v->lower < m);
        bool hi = !v->has_upper || (side == OUT ? m < v->upper : m <= v->upper);
        if (lo && hi)
            return v;
    }
    return side == OUT ? &a->steps[0] : &a->steps[a->n_steps - 1];
}

/* The capacity the step asks for, applied to base (never below 0). */
static int adjusted(const hr_step_alarm *a, const hr_step_interval *v, int base)
{
    int target;
    switch (a->adjustment_type) {
    case HR_ADJUST_EXACT:
        target = (int)v->adjustment;
        break;
    case HR_ADJUST_PERCENT:
        target = base + hr_policy_percent_change(base, v->adjustment, a->min_adjustment_magnitude);
        break;
    default:
        target = base + (int)v->adjustment;
    }
    return target < 0 ? 0 : target;
}

/* "step +3", "step +10%", "step exact 12". */
static void describe_step(const hr_step_alarm *a, const hr_step_interval *v, char *buf, size_t len)
{
    if (a->adjustment_type == HR_ADJUST_EXACT)
        snprintf(buf, len, "step exact %d", (int)v->adjustment);
    else if (a->adjustment_type == HR_ADJUST_PERCENT)
        snprintf(buf, len, "step %+g%%", v->adjustment);
    else
        snprintf(buf, len, "step %+d", (int)v->adjustment);
}

static void record_activity(step_state *st, const hr_observation *obs, int target, int dir,
                            int added)
{
    if (hr_policy_bounded(obs, target) == obs->desired)
        return;
    st->has_activity = true;
    st->activity_s = obs->time_s;
    st->activity_dir = dir;
    st->out_in_progress = dir > 0 ? added : 0;
}

/* Application Auto Scaling: the cooldown gates the policy. */
static void apply_cooldown(hr_policy *p, const hr_observation *obs, int side,
                           const hr_step_interval *v, const char *head, hr_decision *out)
{
    step_state *st = p->state;
    const hr_step_alarm *a = &st->alarm[side];
    double since_s = obs->time_s - st->activity_s;
    bool cooling = st->has_activity && since_s < p->cfg->cooldown_s;
    int cur = obs->desired;
    char left[32];
    if (cooling)
        hr_policy_format_duration(p->cfg->cooldown_s - since_s, left, sizeof left);

    if (side == IN) {
        if (cooling) {
            out->desired = cur;
            hr_policy_reason(out, "%s blocked by cooldown (%s left): hold at %d", head, left, cur);
            return;
        }
        int target = adjusted(a, v, cur);
        out->desired = target;
        hr_policy_reason(out, "%s (%d -> %d)", head, cur, target);
        record_activity(st, obs, target, -1, 0);
        return;
    }
    if (cooling && st->activity_dir > 0) {
        int base = cur - st->out_in_progress;
        int target = adjusted(a, v, base);
        if (target <= cur) {
            out->desired = cur;
            hr_policy_reason(out, "%s, %+d already in progress (cooldown %s left): hold at %d",
                             head, st->out_in_progress, left, cur);
            return;
        }
        out->desired = target;
        hr_policy_reason(out, "%s, %+d in progress: %+d (%d -> %d)", head, st->out_in_progress,
                         target - cur, cur, target);
        record_activity(st, obs, target, +1, target - base);
        return;
    }
    int target = adjusted(a, v, cur);
    out->desired = target;
    hr_policy_reason(out, "%s (%d -> %d)", head, cur, target);
    record_activity(st, obs, target, +1, target - cur);
}

/* EC2 Auto Scaling: the instance warm-up gates the policy. */
static void apply_warmup(hr_policy *p, const hr_observation *obs, int side,
                         const hr_step_interval *v, const char *head, hr_decision *out)
{
    step_state *st = p->state;
    const hr_step_alarm *a = &st->alarm[side];
    int cur = obs->desired;
    int warming = hr_policy_unsettled(obs);
    if (side == IN) {
        out->desired = cur;
        if (warming > 0) {
            hr_policy_reason(out, "%s waits for %d instance%s to finish warming up: hold at %d",
                             head, warming, warming == 1 ? "" : "s", cur);
            return;
        }
        out->desired = adjusted(a, v, cur);
        hr_policy_reason(out, "%s (%d -> %d)", head, cur, out->desired);
        return;
    }
    int target = adjusted(a, v, cur - warming);
    if (target <= cur) {
        out->desired = cur;
        hr_policy_reason(out, "%s, covered by %d instance%s warming: hold at %d", head, warming,
                         warming == 1 ? "" : "s", cur);
        return;
    }
    out->desired = target;
    if (warming > 0)
        hr_policy_reason(out, "%s, %d warming: %+d (%d -> %d)", head, warming, target - cur, cur,
                         target);
    else
        hr_policy_reason(out, "%s (%d -> %d)", head, cur, target);
}

static void step_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    step_state *st = p->state;
    st->was_activity = st->has_activity;
    st->was_activity_s = st->activity_s;
    st->was_activity_dir = st->activity_dir;
    st->was_in_progress = st->out_in_progress;
    const hr_policy_config *cfg = p->cfg;
    const char *name = hr_metric_name(cfg->metric);
    double m = obs->input[0];
    int n_alarm = st->datapoints_to_alarm;
    bool breach[2];
    const char *note = "";
    if (!obs->has_datapoint || isnan(m)) {
        /* No datapoint (none published, or a latency with nothing
         * finished): as CloudWatch's TreatMissingData says. */
        switch (cfg->missing_data) {
        case HR_MISSING_NOT_BREACHING:
            st->n_breach[OUT] = st->n_breach[IN] = 0;
            hr_policy_no_data(p, out);
            return;
        case HR_MISSING_IGNORE:
            /* the alarms keep their state: one in ALARM acts again on the
             * last value, the runs of breaches do not move */
            if (!st->has_last || (st->n_breach[OUT] < n_alarm && st->n_breach[IN] < n_alarm)) {
                hr_policy_no_data(p, out);
                return;
            }
            m = st->last_m;
            breach[OUT] = st->n_breach[OUT] >= n_alarm;
            breach[IN] = !breach[OUT] && st->n_breach[IN] >= n_alarm;
            note = " (no datapoint: alarm state kept)";
            break;
        case HR_MISSING_BREACHING:
            for (int side = OUT; side <= IN; side++) {
                breach[side] = st->alarm[side].present;
                st->n_breach[side] = breach[side] ? st->n_breach[side] + 1 : 0;
            }
            /* the step taken is the one at the alarm's threshold */
            m = breach[OUT] && (st->n_breach[OUT] >= n_alarm || !breach[IN])
                    ? st->alarm[OUT].threshold
                    : st->alarm[IN].threshold;
            note = " (no datapoint: read as breaching)";
            break;
        default: /* HR_MISSING_MISSING: skipped */
            hr_policy_no_data(p, out);
            return;
        }
    } else {
        st->has_last = true;
        st->last_m = m;
        for (int side = OUT; side <= IN; side++) {
            breach[side] = breaches(st, side, m);
            st->n_breach[side] = breach[side] ? st->n_breach[side] + 1 : 0;
        }
    }

    char held[32], need[32], what[48], head[HR_REASON_MAX];
    hr_policy_format_duration(n_alarm * st->period_s, need, sizeof need);

    if (st->n_breach[OUT] >= n_alarm || st->n_breach[IN] >= n_alarm) {
        int side = st->n_breach[OUT] >= n_alarm ? OUT : IN; /* scale-out wins a tie */
        const hr_step_alarm *a = &st->alarm[side];
        const hr_step_interval *v = pick(a, side, m);
        double bound = side == OUT ? (v->has_lower ? v->lower : a->threshold)
                                   : (v->has_upper ? v->upper : a->threshold);
        describe_step(a, v, what, sizeof what);
        snprintf(head, sizeof head, "%s %.1f %s %g for %s%s: %s", name, m, side == OUT ? ">=" : "<=",
                 bound, need, note, what);
        if (cfg->step_warmup)
            apply_warmup(p, obs, side, v, head, out);
        else
            apply_cooldown(p, obs, side, v, head, out);
        return;
    }

    /* No alarm in ALARM: no opinion, but say how close one is. */
    out->desired = -1;
    if (breach[OUT] || breach[IN]) {
        int side = breach[OUT] ? OUT : IN;
        hr_policy_format_duration(st->n_breach[side] * st->period_s, held, sizeof held);
        hr_policy_reason(out, "%s %.1f %s %g for %s of %s: waiting", name, m,
                         side == OUT ? ">=" : "<=", st->alarm[side].threshold, held, need);
    } else {
        hr_policy_reason(out, "%s %.1f: no alarm", name, m);
    }
}

/* Run inside another policy (kind max or min, a predictive fallback), a
 * proposal may be outvoted: a scaling activity that did not happen starts
 * no cooldown (AWS counts cooldowns from the group's activities). A policy
 * of its own keeps its proposals' cooldowns as they are. */
static void step_applied(hr_policy *p, double now, int from, int to)
{
    step_state *st = p->state;
    if (!p->child || !st->has_activity || st->activity_s != now)
        return;
    if (st->activity_dir > 0 ? to <= from : to >= from) {
        st->has_activity = st->was_activity;
        st->activity_s = st->was_activity_s;
        st->activity_dir = st->was_activity_dir;
        st->out_in_progress = st->was_in_progress;
    }
}

const hr_policy_ops hr_policy_step_ops = {
    .kind = "step",
    .init = step_init,
    .decide = step_decide,
    .applied = step_applied,
    .free = step_free,
};
