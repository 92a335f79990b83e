/* step.c - AWS-style step scaling with ChangeInCapacity adjustments.
 *
 * Model (Amazon EC2 Auto Scaling / Application Auto Scaling step scaling,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
 * and https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html):
 *
 * - Two CloudWatch alarms. The scale-out alarm is "metric >= the lowest
 *   `above` bound", the scale-in alarm "metric <= the highest `below`
 *   bound". An alarm goes to ALARM when N = ceil(breach_s / period)
 *   consecutive datapoints breach (CloudWatch "datapoints to alarm" = N of
 *   N evaluation periods, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html);
 *   any datapoint that does not breach, or a missing one, resets the count.
 * - While an alarm is in ALARM the policy runs at every datapoint (AWS: "the
 *   adjustments can continue for additional alarm breaches until the alarm
 *   state returns to OK"). The step whose interval holds the metric applies:
 *   above-steps cover [above, next above), so the highest above <= metric;
 *   below-steps cover (next below, below], so the lowest below >= metric.
 * - The adjustment is relative to the current desired capacity.
 * - Cooldown (one value for both directions, default 300s) after a scaling
 *   activity: no scale-in until it ends; a scale-out during the cooldown of
 *   a scale-out only adds what its step exceeds the in-progress one (AWS:
 *   "the capacity added by the previous scale-out event that initiated the
 *   cooldown is calculated as part of the desired capacity for the next
 *   scale out": +1 in progress, then a +3 step adds 2); a scale-out during
 *   the cooldown of a scale-in happens at once.
 *
 * A scaling activity is a proposal that, once held to [min, max], differs
 * from the current desired capacity; a proposal the bounds cancel (scale-out
 * at max) starts no cooldown. If both alarms are in ALARM at once (the
 * scenario's steps overlap) scale-out wins, for availability. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "headroom/policy.h"
#include "policy_internal.h"

typedef struct step_state {
    double period_s;
    int datapoints_to_alarm;  /* N, >= 1 */
    bool has_out, has_in;
    double out_threshold;     /* lowest `above` */
    double in_threshold;      /* highest `below` */
    int n_out, n_in;          /* consecutive breaching datapoints, each alarm */
    bool has_activity;
    double activity_s;        /* time of the last scaling activity */
    int activity_dir;         /* +1 scale-out, -1 scale-in */
    int out_in_progress;      /* the adjustment of the scale-out that started the cooldown */
    bool has_last;
    double last_m;            /* the last datapoint's value (missing_data: ignore) */
} step_state;

/* A step belongs to the scale-out alarm when it has an `above` bound, to the
 * scale-in alarm otherwise (the loader gives each step exactly one bound). */
static bool step_is_above(const hr_step_adjustment *s)
{
    return s->has_above;
}

static int step_init(hr_policy *p, hr_error *err)
{
    const hr_policy_config *cfg = p->cfg;
    if (p->sc == NULL || p->sc->metrics.period_s <= 0)
        return hr_error_set(err, HR_EINVAL,
                            "step policy needs metrics.period > 0 to count breaching datapoints");
    if (cfg->n_steps == 0 || cfg->steps == NULL)
        return hr_error_set(err, HR_EINVAL,
                            "steps: expected at least one step like {above: 70, add: 1}");

    step_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    hr_policy_read_metric(p);
    st->period_s = p->sc->metrics.period_s;
    /* ceil with a tolerance so that breach 3m over 60s periods is 3, not 4. */
    double n = ceil(cfg->breach_s / st->period_s - 1e-9);
    st->datapoints_to_alarm = n < 1 ? 1 : (int)n;

    for (size_t i = 0; i < cfg->n_steps; i++) {
        const hr_step_adjustment *s = &cfg->steps[i];
        if (step_is_above(s)) {
            if (!st->has_out || s->above < st->out_threshold)
                st->out_threshold = s->above;
            st->has_out = true;
        } else if (s->has_below) {
            if (!st->has_in || s->below > st->in_threshold)
                st->in_threshold = s->below;
            st->has_in = true;
        }
    }
    p->state = st;
    return HR_OK;
}

/* The above-step whose interval holds m: the highest above <= m. */
static const hr_step_adjustment *pick_above(const hr_policy_config *cfg, double m)
{
    const hr_step_adjustment *best = NULL;
    for (size_t i = 0; i < cfg->n_steps; i++) {
        const hr_step_adjustment *s = &cfg->steps[i];
        if (step_is_above(s) && s->above <= m && (best == NULL || s->above > best->above))
            best = s;
    }
    return best;
}

/* The below-step whose interval holds m: the lowest below >= m. */
static const hr_step_adjustment *pick_below(const hr_policy_config *cfg, double m)
{
    const hr_step_adjustment *best = NULL;
    for (size_t i = 0; i < cfg->n_steps; i++) {
        const hr_step_adjustment *s = &cfg->steps[i];
        if (!step_is_above(s) && s->has_below && s->below >= m &&
            (best == NULL || s->below < best->below))
            best = s;
    }
    return best;
}

static void record_activity(step_state *st, const hr_observation *obs, int target, int dir,
                            int change)
{
    if (hr_policy_bounded(obs, target) == obs->desired)
        return;
    st->has_activity = true;
    st->activity_s = obs->time_s;
    st->activity_dir = dir;
    st->out_in_progress = dir > 0 ? change : 0;
}

/* Apply a step's change; head is "cpu 91.2 >= 85 for 3m: step +3". */
static void apply_change(hr_policy *p, const hr_observation *obs, int change, const char *head,
                         hr_decision *out)
{
    step_state *st = p->state;
    double since_s = obs->time_s - st->activity_s;
    bool cooling = st->has_activity && since_s < p->cfg->cooldown_s;
    int cur = obs->desired;
    char left[32];

    if (change == 0) {
        out->desired = cur;
        hr_policy_reason(out, "%s: hold at %d", head, cur);
        return;
    }
    if (change < 0) {
        if (cooling) {
            out->desired = cur;
            hr_policy_reason(out, "%s blocked by cooldown (%s left): hold at %d",
                     head, hr_policy_format_duration(p->cfg->cooldown_s - since_s, left, sizeof left),
                     cur);
            return;
        }
        int target = cur + change < 0 ? 0 : cur + change;
        out->desired = target;
        hr_policy_reason(out, "%s (%d -> %d)", head, cur, target);
        record_activity(st, obs, target, -1, change);
        return;
    }
    if (cooling && st->activity_dir > 0) {
        int extra = change - st->out_in_progress;
        if (extra <= 0) {
            out->desired = cur;
            hr_policy_reason(out,
                     "%s, %+d already in progress (cooldown %s left): hold at %d", head,
                     st->out_in_progress,
                     hr_policy_format_duration(p->cfg->cooldown_s - since_s, left, sizeof left), cur);
            return;
        }
        int target = cur + extra;
        out->desired = target;
        hr_policy_reason(out, "%s, %+d in progress: %+d (%d -> %d)", head,
                 st->out_in_progress, extra, cur, target);
        record_activity(st, obs, target, +1, change);
        return;
    }
    int target = cur + change;
    out->desired = target;
    hr_policy_reason(out, "%s (%d -> %d)", head, cur, target);
    record_activity(st, obs, target, +1, change);
}

static void step_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    step_state *st = p->state;
    const hr_policy_config *cfg = p->cfg;
    const char *name = hr_metric_name(cfg->metric);
    double m = obs->input[0];
    int n_alarm = st->datapoints_to_alarm;
    bool out_breach, in_breach;
    const char *note = "";
    if (!obs->has_datapoint || isnan(m)) {
        /* No datapoint (none published, or a latency with nothing
         * finished): as CloudWatch's TreatMissingData says. */
        switch (cfg->missing_data) {
        case HR_MISSING_NOT_BREACHING:
            st->n_out = st->n_in = 0;
            hr_policy_no_data(p, out);
            return;
        case HR_MISSING_IGNORE:
            /* the alarms keep their state: one in ALARM acts again on the
             * last value, the runs of breaches do not move */
            if (!st->has_last || (st->n_out < n_alarm && st->n_in < n_alarm)) {
                hr_policy_no_data(p, out);
                return;
            }
            m = st->last_m;
            out_breach = st->n_out >= n_alarm;
            in_breach = !out_breach && st->n_in >= n_alarm;
            note = " (no datapoint: alarm state kept)";
            break;
        case HR_MISSING_BREACHING:
            out_breach = st->has_out;
            in_breach = st->has_in;
            st->n_out = out_breach ? st->n_out + 1 : 0;
            st->n_in = in_breach ? st->n_in + 1 : 0;
            /* the step taken is the one at the alarm's threshold */
            m = out_breach && (st->n_out >= n_alarm || !in_breach) ? st->out_threshold
                                                                   : st->in_threshold;
            note = " (no datapoint: read as breaching)";
            break;
        default: /* HR_MISSING_MISSING: skipped */
            hr_policy_no_data(p, out);
            return;
        }
    } else {
        st->has_last = true;
        st->last_m = m;
        out_breach = st->has_out && m >= st->out_threshold;
        in_breach = st->has_in && m <= st->in_threshold;
        st->n_out = out_breach ? st->n_out + 1 : 0;
        st->n_in = in_breach ? st->n_in + 1 : 0;
    }

    char held[32], need[32], head[HR_REASON_MAX];
    hr_policy_format_duration(n_alarm * st->period_s, need, sizeof need);

    if (st->n_out >= n_alarm || st->n_in >= n_alarm) {
        bool up = st->n_out >= n_alarm; /* the scale-out alarm wins a tie */
        const hr_step_adjustment *s = up ? pick_above(cfg, m) : pick_below(cfg, m);
        snprintf(head, sizeof head, "%s %.1f %s %g for %s%s: step %+d", name, m, up ? ">=" : "<=",
                 up ? s->above : s->below, need, note, s->change);
        apply_change(p, obs, s->change, head, out);
        return;
    }

    /* No alarm in ALARM: no opinion, but say how close one is. */
    out->desired = -1;
    if (out_breach || in_breach) {
        int n = out_breach ? st->n_out : st->n_in;
        hr_policy_format_duration(n * st->period_s, held, sizeof held);
        hr_policy_reason(out, "%s %.1f %s %g for %s of %s: waiting", name, m,
                 out_breach ? ">=" : "<=", out_breach ? st->out_threshold : st->in_threshold,
                 held, need);
    } else {
        hr_policy_reason(out, "%s %.1f: no alarm", name, m);
    }
}

static void step_free(hr_policy *p)
{
    free(p->state);
    p->state = NULL;
}

const hr_policy_ops hr_policy_step_ops = {
    .kind = "step",
    .init = step_init,
    .decide = step_decide,
    .free = step_free,
};
