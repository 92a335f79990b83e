/* static.c - the static policy: a fixed fleet of cfg->instances.
 *
 * The baseline every other policy is compared with. It reads no metric, so
 * it proposes the same capacity whether or not a datapoint was published;
 * the controller still applies min/max and the budget guard to it. */
#include <stdio.h>

#include "headroom/policy.h"
#include "policy_internal.h"

static int static_init(hr_policy *p, hr_error *err)
{
    if (p->cfg->instances < 0)
        return hr_error_set(err, HR_EINVAL,
                            "instances: expected a count >= 0, got %d", p->cfg->instances);
    p->state = NULL;
    return HR_OK;
}

static void static_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    (void)obs;
    out->desired = p->cfg->instances;
    hr_policy_reason(out, "static policy: %d instances", p->cfg->instances);
}

static void static_free(hr_policy *p)
{
    p->state = NULL;
}

const hr_policy_ops hr_policy_static_ops = {
    .kind = "static",
    .init = static_init,
    .decide = static_decide,
    .free = static_free,
};
