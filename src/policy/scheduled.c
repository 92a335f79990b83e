/* scheduled.c - kind scheduled: only the schedule changes the capacity, as
 * an AWS Auto Scaling group with scheduled actions and no scaling policy.
 *
 * The engine runs the policy's schedule (schedule.h) for every kind; this
 * kind adds no opinion of its own, so between actions the capacity stays
 * where the last action (or the fleet's initial capacity) put it, while
 * the controller still applies the limits every policy is held to. */
#include "headroom/policy.h"
#include "policy_internal.h"

static int scheduled_init(hr_policy *p, hr_error *err)
{
    if (p->cfg->n_schedule == 0)
        return hr_error_set(err, HR_EINVAL, "schedule: a scheduled policy needs at least one action");
    p->state = NULL;
    return HR_OK;
}

static void scheduled_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    (void)p;
    out->desired = -1;
    hr_policy_reason(out, "scheduled: capacity %d between scheduled actions (min %d, max %d)",
                     obs->desired, obs->min, obs->max);
}

static void scheduled_free(hr_policy *p)
{
    p->state = NULL;
}

const hr_policy_ops hr_policy_scheduled_ops = {
    .kind = "scheduled",
    .init = scheduled_init,
    .decide = scheduled_decide,
    .free = scheduled_free,
};
