/* composite.c - policies run inside another (hr_children), and the
 * combinators max and min built on them.
 *
 * A child is a full hr_policy built from another policy of the scenario:
 * it keeps its own state (alarms, cooldowns, history) and sees every
 * observation its parent sees, with its own inputs picked out of the
 * parent's. A child that is also listed in policies runs there as a
 * candidate of its own too; the two instances share nothing.
 *
 * kind: max proposes the largest of its children's proposals, kind: min
 * the smallest; a child with no opinion counts as the current desired
 * capacity. Max over target-tracking policies is AWS's rule for several
 * target-tracking policies on one group: it scales out when any child asks
 * to, and in only when every child asks to, to the largest capacity any of
 * them asks for (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html,
 * "Multiple target tracking scaling policies"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/policy.h"
#include "policy_internal.h"

void hr_children_free(hr_children *c)
{
    for (size_t k = 0; k < c->n; k++)
        hr_policy_free(c->p[k]);
    free(c->p);
    free(c->map);
    free(c->last);
    *c = (hr_children){0};
}

/* The parent's input equal to in, appended when it has none; its index,
 * or -1 when the parent's inputs are full. */
static int share_input(hr_policy *parent, const hr_policy_input *in)
{
    for (size_t i = 0; i < parent->n_inputs; i++) {
        const hr_policy_input *q = &parent->inputs[i];
        if (q->metric == in->metric && q->scope == in->scope && q->scale == in->scale &&
            (q->metric < HR_METRIC_COUNT || strcmp(q->name, in->name) == 0))
            return (int)i;
    }
    if (parent->n_inputs == HR_POLICY_MAX_INPUTS)
        return -1;
    parent->inputs[parent->n_inputs] = *in;
    return (int)parent->n_inputs++;
}

int hr_children_new(hr_policy *parent, const size_t *idx, size_t n, hr_children *c,
                    hr_error *err)
{
    const hr_scenario *sc = parent->sc;
    *c = (hr_children){0};
    if (sc == NULL)
        return hr_error_set(err, HR_EINTERNAL, "child policies need the scenario");
    c->p = calloc(n, sizeof *c->p);
    c->map = calloc(n, sizeof *c->map);
    c->last = calloc(n, sizeof *c->last);
    if (c->p == NULL || c->map == NULL || c->last == NULL) {
        hr_children_free(c);
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        if (idx[k] >= sc->n_policies) {
            hr_children_free(c);
            return hr_error_set(err, HR_EINTERNAL, "no policy number %zu", idx[k]);
        }
        int rc = hr_policy_new(&sc->policies[idx[k]], sc, &c->p[k], err);
        if (rc != HR_OK) {
            hr_children_free(c);
            return rc;
        }
        c->n = k + 1;
        c->p[k]->child = true;
        const hr_policy *ch = c->p[k];
        for (size_t j = 0; j < ch->n_inputs; j++) {
            int at = share_input(parent, &ch->inputs[j]);
            if (at < 0) {
                hr_children_free(c);
                return hr_error_set(err, HR_EINVAL,
                                    "its policies read more than %d metrics together",
                                    HR_POLICY_MAX_INPUTS);
            }
            c->map[k][j] = (size_t)at;
        }
        if (ch->metric_warmup_s > parent->metric_warmup_s)
            parent->metric_warmup_s = ch->metric_warmup_s;
        if (k > 0 && fabs(ch->sync_period_s - parent->sync_period_s) > 1e-9) {
            hr_children_free(c);
            return hr_error_set(err, HR_EINVAL,
                                "its policies are evaluated on different clocks");
        }
        parent->sync_period_s = ch->sync_period_s;
    }
    return HR_OK;
}

void hr_children_decide(hr_children *c, size_t k, const hr_observation *obs, hr_decision *out)
{
    hr_observation o = *obs;
    const hr_policy *ch = c->p[k];
    for (size_t j = 0; j < ch->n_inputs; j++)
        o.input[j] = obs->input[c->map[k][j]];
    for (size_t j = ch->n_inputs; j < HR_POLICY_MAX_INPUTS; j++)
        o.input[j] = NAN;
    hr_policy_decide(c->p[k], &o, out);
}

void hr_children_applied(hr_children *c, double now, int from, int to)
{
    for (size_t k = 0; k < c->n; k++)
        hr_policy_applied(c->p[k], now, from, to);
}

void hr_children_forecast_error(const hr_children *c, double *sum_pct, size_t *n)
{
    for (size_t k = 0; k < c->n; k++)
        if (c->p[k]->ops->forecast_error != NULL)
            c->p[k]->ops->forecast_error(c->p[k], sum_pct, n);
}

/* ---- kind: max and kind: min -------------------------------------------- */

static int combine_init(hr_policy *p, hr_error *err)
{
    if (p->cfg->n_children < 2)
        return hr_error_set(err, HR_EINVAL, "policies: combine at least two policies, got %zu",
                            p->cfg->n_children);
    hr_children *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    int rc = hr_children_new(p, p->cfg->children, p->cfg->n_children, c, err);
    if (rc != HR_OK) {
        free(c);
        return rc;
    }
    p->state = c;
    return HR_OK;
}

/* The children's proposals, the winner's (largest for max, smallest for
 * min; the first on a tie) with its reason, then the others' capacities. */
static void combine_decide(hr_policy *p, const hr_observation *obs, hr_decision *out, bool max)
{
    hr_children *c = p->state;
    hr_decision *d = c->last;
    size_t n = c->n, best = 0;
    int best_v = 0, opinions = 0, raise = 0;
    for (size_t k = 0; k < n; k++) {
        hr_children_decide(c, k, obs, &d[k]);
        int v = d[k].desired >= 0 ? d[k].desired : obs->desired;
        opinions += d[k].desired >= 0;
        if (d[k].raise_max > raise)
            raise = d[k].raise_max;
        if (k == 0 || (max ? v > best_v : v < best_v)) {
            best = k;
            best_v = v;
        }
    }
    out->raise_max = raise;
    out->desired = opinions > 0 ? best_v : -1;
    char others[HR_REASON_MAX] = "";
    size_t used = 0;
    for (size_t k = 0; k < n && used < sizeof others; k++) {
        if (k == best)
            continue;
        int w = d[k].desired >= 0
                    ? snprintf(others + used, sizeof others - used, "%s%s %d", used ? ", " : "",
                               p->sc->policies[p->cfg->children[k]].name, d[k].desired)
                    : snprintf(others + used, sizeof others - used, "%s%s none",
                               used ? ", " : "", p->sc->policies[p->cfg->children[k]].name);
        used += w > 0 ? (size_t)w : 0;
    }
    const char *name = p->sc->policies[p->cfg->children[best]].name;
    if (opinions == 0)
        hr_policy_reason(out, "%s: no policy has an opinion (%s: %s)", max ? "max" : "min", name,
                         d[best].reason);
    else
        hr_policy_reason(out, "%s: %s %d [%s] (others: %s)", max ? "max" : "min", name, best_v,
                         d[best].reason, others);
}

static void max_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    combine_decide(p, obs, out, true);
}

static void min_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    combine_decide(p, obs, out, false);
}

static void combine_applied(hr_policy *p, double now, int from, int to)
{
    hr_children_applied(p->state, now, from, to);
}

static void combine_forecast_error(const hr_policy *p, double *sum_pct, size_t *n)
{
    hr_children_forecast_error(p->state, sum_pct, n);
}

static void combine_free(hr_policy *p)
{
    if (p->state != NULL)
        hr_children_free(p->state);
    free(p->state);
    p->state = NULL;
}

const hr_policy_ops hr_policy_max_ops = {
    .kind = "max",
    .init = combine_init,
    .decide = max_decide,
    .applied = combine_applied,
    .free = combine_free,
    .forecast_error = combine_forecast_error,
};

const hr_policy_ops hr_policy_min_ops = {
    .kind = "min",
    .init = combine_init,
    .decide = min_decide,
    .applied = combine_applied,
    .free = combine_free,
    .forecast_error = combine_forecast_error,
};
