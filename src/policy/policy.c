/* policy.c - the registration table of policy kinds and the dispatch
 * around it. Adding a kind means one new file filling an hr_policy_ops and
 * one line in hr_policy_kinds[]. */
#include "headroom/policy.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "policy_internal.h"

/* Indexed by hr_policy_kind; every enum value must have an entry. */
static const hr_policy_ops *const hr_policy_kinds[] = {
    [HR_POLICY_STATIC] = &hr_policy_static_ops,
    [HR_POLICY_STEP] = &hr_policy_step_ops,
    [HR_POLICY_TARGET_TRACKING] = &hr_policy_target_tracking_ops,
    [HR_POLICY_HPA] = &hr_policy_hpa_ops,
    [HR_POLICY_SIMPLE] = &hr_policy_simple_ops,
    [HR_POLICY_ORACLE] = &hr_policy_oracle_ops,
    [HR_POLICY_SCHEDULED] = &hr_policy_scheduled_ops,
    [HR_POLICY_PREDICTIVE] = &hr_policy_predictive_ops,
    [HR_POLICY_MAX] = &hr_policy_max_ops,
    [HR_POLICY_MIN] = &hr_policy_min_ops,
};

#define HR_POLICY_N_KINDS (sizeof hr_policy_kinds / sizeof hr_policy_kinds[0])

static const hr_policy_ops *policy_ops_for(hr_policy_kind kind)
{
    if ((unsigned)kind >= HR_POLICY_N_KINDS)
        return NULL;
    return hr_policy_kinds[kind];
}

int hr_policy_new(const hr_policy_config *cfg, const hr_scenario *sc, hr_policy **out,
                  hr_error *err)
{
    if (out == NULL)
        return hr_error_set(err, HR_EINTERNAL, "hr_policy_new: out is NULL");
    *out = NULL;
    if (cfg == NULL)
        return hr_error_set(err, HR_EINTERNAL, "hr_policy_new: cfg is NULL");
    const char *name = cfg->name ? cfg->name : "(unnamed)";
    const hr_policy_ops *ops = policy_ops_for(cfg->kind);
    if (ops == NULL) {
        char kinds[256] = "";
        size_t used = 0;
        for (size_t k = 0; k < HR_POLICY_N_KINDS && used < sizeof kinds; k++) {
            if (hr_policy_kinds[k] == NULL)
                continue;
            int w = snprintf(kinds + used, sizeof kinds - used, "%s%s", used ? ", " : "",
                             hr_policy_kinds[k]->kind);
            used += w > 0 ? (size_t)w : 0;
        }
        return hr_error_set(err, HR_EINVAL, "policy \"%s\": unknown kind %d; kinds are %s", name,
                            (int)cfg->kind, kinds);
    }

    hr_policy *p = calloc(1, sizeof *p);
    if (p == NULL)
        return hr_error_set(err, HR_ENOMEM, "policy \"%s\": out of memory", name);
    p->ops = ops;
    p->cfg = cfg;
    p->sc = sc;
    int rc = ops->init(p, err);
    if (rc != HR_OK) {
        free(p);
        if (err != NULL)
            hr_error_prefix(err, "policy \"%s\"", name);
        return rc;
    }
    *out = p;
    return HR_OK;
}

void hr_policy_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    out->desired = -1;
    out->reason[0] = '\0';
    out->raise_max = 0;
    p->ops->decide(p, obs, out);
}

void hr_policy_applied(hr_policy *p, double now, int from, int to)
{
    if (p->ops->applied != NULL)
        p->ops->applied(p, now, from, to);
}

double hr_policy_metric_warmup_s(const hr_policy *p)
{
    return p->metric_warmup_s;
}

size_t hr_policy_inputs(const hr_policy *p, const hr_policy_input **out)
{
    *out = p->inputs;
    return p->n_inputs;
}

double hr_policy_forecast_mape_pct(const hr_policy *p)
{
    double sum = 0;
    size_t n = 0;
    if (p->ops->forecast_error != NULL)
        p->ops->forecast_error(p, &sum, &n);
    return n > 0 ? sum / (double)n : NAN;
}

size_t hr_policy_forecasts_scored(const hr_policy *p)
{
    double sum = 0;
    size_t n = 0;
    if (p->ops->forecast_error != NULL)
        p->ops->forecast_error(p, &sum, &n);
    return n;
}

double hr_policy_sync_period_s(const hr_policy *p)
{
    return p->sync_period_s;
}

double hr_policy_foresight_s(const hr_policy *p)
{
    return p->foresight_s;
}

void hr_policy_read_metric(hr_policy *p)
{
    p->inputs[0] = (hr_policy_input){.name = hr_metric_name(p->cfg->metric),
                                     .metric = p->cfg->metric,
                                     .scope = HR_SCOPE_AVERAGE,
                                     .scale = 1.0};
    p->n_inputs = 1;
}

void hr_policy_free(hr_policy *p)
{
    if (p == NULL)
        return;
    if (p->ops != NULL && p->ops->free != NULL)
        p->ops->free(p);
    free(p);
}

const char *hr_policy_kind_name(hr_policy_kind kind)
{
    const hr_policy_ops *ops = policy_ops_for(kind);
    return ops ? ops->kind : "unknown";
}

char *hr_policy_format_duration(double seconds, char *buf, size_t len)
{
    double r = nearbyint(seconds);
    bool whole = fabs(seconds - r) < 1e-9;
    if (whole && r != 0 && fmod(r, 3600.0) == 0)
        snprintf(buf, len, "%.0fh", r / 3600.0);
    else if (whole && r != 0 && fmod(r, 60.0) == 0)
        snprintf(buf, len, "%.0fm", r / 60.0);
    else if (whole)
        snprintf(buf, len, "%.0fs", r);
    else
        snprintf(buf, len, "%gs", seconds);
    return buf;
}

void hr_policy_reason(hr_decision *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
}

void hr_policy_no_data(const hr_policy *p, hr_decision *out)
{
    /* Like a CloudWatch alarm in INSUFFICIENT_DATA: no action either way.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html */
    out->desired = -1;
    hr_policy_reason(out, "%s: insufficient data",
             hr_metric_name(p->cfg->metric));
}

int hr_policy_unsettled(const hr_observation *obs)
{
    int u = obs->pending + obs->warming;
    return obs->desired - obs->counted > u ? obs->desired - obs->counted : u;
}

int hr_policy_bounded(const hr_observation *obs, int v)
{
    if (v > obs->max)
        v = obs->max;
    if (v < obs->min)
        v = obs->min;
    return v;
}
