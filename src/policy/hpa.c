/* hpa.c - the Kubernetes HorizontalPodAutoscaler (autoscaling/v2) as its
 * controller computes it.
 *
 * Sources (kubernetes/kubernetes, release 1.33+): pkg/controller/podautoscaler/
 * horizontal.go (reconcileAutoscaler, computeReplicasForMetrics, the two
 * normalize paths, storeScaleEvent), replica_calculator.go (one function per
 * metric source, groupPods), metrics/utilization.go, and
 * pkg/apis/autoscaling/v2/defaults.go (filled in by the loader). docs/policies.md
 * gives the rules one by one and every place headroom differs.
 *
 * One reconcile, every sync period (15s):
 *
 *  1. The first reconcile seeds the recommendation history with the current
 *     replicas, so nothing scales down during the first stabilization window.
 *  2. current = the desired capacity (scale.spec.replicas). current 0 with
 *     minReplicas > 0: autoscaling disabled. current above maxReplicas or
 *     below minReplicas: straight to the bound, no metrics read.
 *  3. Each metric proposes replicas from its usage ratio r = value / target,
 *     which counts as "no change" while 1 - tol_down <= r <= 1 + tol_up:
 *       Resource, Pods (per-pod averages):  ceil(r x ready pods), or, when
 *         some pods are unready or missing, the ratio recomputed with them at
 *         0 (scale-up) or at the target (missing pods on scale-down) and
 *         ceil(r' x pods), holding if the direction flips or r' is in tolerance;
 *       Object/External Value:              ceil(r x ready pods);
 *       Object/External AverageValue:       ceil(value / target), with
 *         r = value / (target x existing pods).
 *     In the controller's integer units: utilization in whole percents,
 *     averages truncated to a milli-unit, single values rounded up to one.
 *  4. The largest proposal wins. If every metric is missing, or some are and
 *     the others would scale down, nothing changes.
 *  5. Without `behavior`: the proposal is raised to the highest recommendation
 *     of the last 5 minutes (downscale stabilization), then held to
 *     [minReplicas, min(maxReplicas, max(2 x current, 4))].
 *     With `behavior`: held between the lowest recommendation of the up window
 *     and the highest of the down window (records strictly inside each), then
 *     to the rate the scaling policies allow from the replicas at the start
 *     of each period (current - added + removed in the period), combined by
 *     selectPolicy (Max: the largest change, Min: the smallest, Disabled: none),
 *     and to [minReplicas, maxReplicas].
 *  6. The raw proposal of step 4 joins the history. With `behavior`, the
 *     change the controller applies (hpa_applied) is a scale event that later
 *     periods count.
 *
 * Pods and headroom's instances (group_pods): a booting instance is a
 * Pending pod, unready for every metric; a crashed, undetected one a pod
 * without metrics, missing. A serving instance joins the datapoints one
 * metrics.period after it starts serving (the first sample whose window
 * starts after its readiness, as the controller's CPU initialization rule
 * requires); until then it is unready for cpu and missing for the others. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/policy.h"
#include "policy_internal.h"

typedef struct hpa_record {
    double time_s;
    int value;  /* a recommendation, or a scale event's replica change (> 0) */
} hpa_record;

/* Records: recommendations oldest first; scale events in the slots the
 * controller's mark-and-overwrite leaves them in. */
typedef struct hpa_list {
    hpa_record *items;
    size_t n, cap;
} hpa_list;

typedef struct hpa_state {
    bool seeded;          /* the first reconcile happened */
    hpa_list recs;        /* recommendations */
    hpa_list ups, downs;  /* scale events of the behavior path */
    double rec_keep_s;    /* how long a recommendation can still count */
    double up_keep_s, down_keep_s; /* the longest period of each direction's policies */
} hpa_state;

/* ---- record lists ------------------------------------------------------ */

/* Drop the recommendations too old to count again: those keep_s old or
 * older. (The path without behavior counts a record exactly at its cutoff;
 * the controller re-queues 15 s after a reconcile ends, so on a real cluster
 * no record is ever exactly that old, and the exact 15 s grid here would
 * otherwise hold every scale-down one sync longer.) */
static void list_prune(hpa_list *l, double now, double keep_s)
{
    size_t drop = 0;
    while (drop < l->n && l->items[drop].time_s <= now - keep_s)
        drop++;
    if (drop == 0)
        return;
    memmove(l->items, l->items + drop, (l->n - drop) * sizeof *l->items);
    l->n -= drop;
}

static bool list_push(hpa_list *l, double now, int value)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        hpa_record *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            return false;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = (hpa_record){.time_s = now, .value = value};
    return true;
}

/* Replicas changed by the events of the last period_s (strictly after the
 * cutoff, getReplicasChangePerPeriod). */
static long list_sum_since(const hpa_list *l, double now, double period_s)
{
    long sum = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].time_s > now - period_s)
            sum += l->items[i].value;
    return sum;
}

/* ---- init -------------------------------------------------------------- */

static int longest_period(const hr_hpa_rules *r)
{
    int longest = 0;
    for (size_t i = 0; i < r->n_rates; i++)
        if (r->rates[i].period_s > longest)
            longest = r->rates[i].period_s;
    return longest;
}

static int hpa_init(hr_policy *p, hr_error *err)
{
    const hr_hpa_config *h = &p->cfg->hpa;
    if (h->n_metrics == 0 || h->n_metrics > HR_HPA_MAX_METRICS)
        return hr_error_set(err, HR_EINVAL, "hpa: expected 1 to %d metrics, got %zu",
                            HR_HPA_MAX_METRICS, h->n_metrics);
    if (h->min_replicas < 1 || h->max_replicas < h->min_replicas)
        return hr_error_set(err, HR_EINVAL,
                            "hpa: minReplicas %d and maxReplicas %d must satisfy 1 <= min <= max",
                            h->min_replicas, h->max_replicas);
    if (!(h->sync_period_s > 0))
        return hr_error_set(err, HR_EINVAL, "hpa: sync_period must be > 0");
    hpa_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    if (h->has_behavior) {
        st->rec_keep_s = fmax(h->up.stabilization_s, h->down.stabilization_s);
        st->up_keep_s = longest_period(&h->up);
        st->down_keep_s = longest_period(&h->down);
    } else {
        st->rec_keep_s = h->downscale_window_s;
    }
    p->state = st;
    for (size_t i = 0; i < h->n_metrics; i++) {
        const hr_hpa_metric *m = &h->metrics[i];
        bool total = m->source == HR_HPA_OBJECT || m->source == HR_HPA_EXTERNAL;
        p->inputs[i] = (hr_policy_input){.name = m->name,
                                         .metric = m->metric,
                                         .scope = total ? HR_SCOPE_TOTAL : HR_SCOPE_AVERAGE,
                                         .scale = m->scale};
    }
    p->n_inputs = h->n_metrics;
    p->sync_period_s = h->sync_period_s;
    /* a pod joins the datapoints from the first metric window that starts
     * after it became ready (the CPU initialization rule) */
    p->metric_warmup_s = p->sc != NULL ? p->sc->metrics.period_s : 0;
    return HR_OK;
}

static void hpa_free(hr_policy *p)
{
    hpa_state *st = p->state;
    if (st != NULL) {
        free(st->recs.items);
        free(st->ups.items);
        free(st->downs.items);
        free(st);
    }
    p->state = NULL;
}

/* ---- one metric's proposal (replica_calculator.go) ---------------------- */

/* The pods as the controller groups them for one metric. */
typedef struct pods {
    int current;   /* scale.spec.replicas: the desired capacity */
    int status;    /* scale.status.replicas: pods not terminating */
    int ready;     /* Ready, with a value in the datapoint */
    int unready;   /* not Ready (booting), or for cpu not a full window ready yet */
    int missing;   /* without a value: crashed, or (not cpu) just ready */
    int serving;   /* Running and Ready: the count Object and External Value use */
} pods;

typedef struct tolerance {
    double down, up;
} tolerance;

static bool within(const tolerance *t, double r)
{
    return 1.0 - t->down <= r && r <= 1.0 + t->up;
}

/* int32(ceil(x)) with the conversion held in range. */
static int ceil_replicas(double x)
{
    double c = ceil(x);
    if (!(c < (double)INT_MAX))
        return c != c ? 0 : INT_MAX;
    return c < 0 ? 0 : (int)c;
}

/* A measured value in the controller's integer units, truncated (the
 * average of measured values, an integer division). The slack, relative,
 * keeps 0.5 read from a CSV as 500m rather than 499m. */
static double units_floor(double v)
{
    return floor(v + 1e-9 * fmax(1.0, fabs(v)));
}

/* MilliValue: a quantity in milli-units, rounded up (a target, or the
 * single value of an Object or External metric); at least 1m for a
 * positive target, as Kubernetes rounds anything below 1n up. */
static double units_ceil(double v)
{
    double c = ceil(v - 1e-9 * fmax(1.0, fabs(v)));
    return c < 1 && v > 0 ? 1 : c;
}

/* Resource and Pods metrics: calcPlainMetricReplicas (GetResourceReplicas
 * is the same rule for utilization). raw is the ready pods' average and
 * target the target, both already in the controller's units (whole percent
 * or milli-units); fallback is what a missing pod counts on scale-down (the
 * target for averages, max(100, target) for utilization). The controller
 * truncates its averages: the ready pods' one, and again the one with the
 * missing and unready pods filled in. */
static int plain_replicas(const pods *pd, double raw, double target, double fallback,
                          const tolerance *tol)
{
    double ratio = units_floor(raw) / target;
    bool up_with_unready = pd->unready > 0 && ratio > 1.0;
    if (!up_with_unready && pd->missing == 0) {
        if (within(tol, ratio))
            return pd->current;
        return ceil_replicas(ratio * pd->ready);
    }
    /* Rebalance: missing pods at 0 on scale-up and at the fallback on
     * scale-down (not added when the ratio is exactly 1); unready pods at 0
     * on scale-up. */
    double sum = raw * pd->ready;
    int count = pd->ready;
    if (pd->missing > 0 && ratio < 1.0) {
        sum += fallback * pd->missing;
        count += pd->missing;
    } else if (pd->missing > 0 && ratio > 1.0) {
        count += pd->missing;
    }
    if (up_with_unready)
        count += pd->unready;
    double new_ratio = units_floor(sum / count) / target;
    if (within(tol, new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
        (ratio > 1.0 && new_ratio < 1.0))
        return pd->current;
    int replicas = ceil_replicas(new_ratio * count);
    if ((new_ratio < 1.0 && replicas > pd->current) || (new_ratio > 1.0 && replicas < pd->current))
        return pd->current;
    return replicas;
}

typedef struct proposal {
    int replicas;
    bool valid;
    char why[96]; /* "cpu 85%/70%: 13", or why the metric is invalid */
} proposal;

static void metric_proposal(const hr_hpa_metric *m, double value, const pods *pd,
                            const tolerance *tol, proposal *out)
{
    out->valid = false;
    if (isnan(value)) {
        snprintf(out->why, sizeof out->why, "%s: no value", m->name);
        return;
    }
    bool per_pod = m->source == HR_HPA_RESOURCE || m->source == HR_HPA_PODS;
    if (per_pod && pd->ready <= 0) {
        snprintf(out->why, sizeof out->why, "%s: no ready pod with metrics", m->name);
        return;
    }
    out->valid = true;
    if (m->target_type == HR_HPA_UTILIZATION) {
        double target = m->target;
        out->replicas = plain_replicas(pd, value, target, fmax(100.0, target), tol);
        snprintf(out->why, sizeof out->why, "%s %.0f%%/%g%%: %d", m->name, units_floor(value),
                 target, out->replicas);
        return;
    }
    double target_milli = units_ceil(m->target * 1000.0);
    if (per_pod) {
        out->replicas = plain_replicas(pd, value * 1000.0, target_milli, target_milli, tol);
    } else if (m->target_type == HR_HPA_VALUE) {
        /* getUsageRatioReplicaCount */
        double ratio = units_ceil(value * 1000.0) / target_milli;
        out->replicas = within(tol, ratio) ? pd->current : ceil_replicas(ratio * pd->serving);
    } else {
        /* GetObjectPerPodMetricReplicas, GetExternalPerPodMetricReplicas:
         * against the pods that exist (status.replicas) */
        double usage_milli = units_ceil(value * 1000.0);
        double ratio = usage_milli / (target_milli * pd->status);
        out->replicas = within(tol, ratio) ? pd->status : ceil_replicas(usage_milli / target_milli);
    }
    snprintf(out->why, sizeof out->why, "%s %.4g/%.4g%s: %d", m->name, value, m->target,
             m->target_type == HR_HPA_AVERAGE_VALUE ? " per pod" : "", out->replicas);
}

/* How the controller would group the pods for metric m (groupPods). A
 * booting instance is a Pending pod: unready for every metric. A crashed,
 * undetected one is a pod that was ready long ago and has no metrics:
 * missing. A serving instance not yet in the datapoint is unready for cpu
 * (no full metric window since it became ready) and missing otherwise. */
static pods group_pods(const hr_hpa_metric *m, const hr_observation *obs)
{
    pods pd = {.current = obs->desired};
    int serving = obs->warming + obs->in_service;
    if (serving > pd.current)
        serving = pd.current;
    int ready = obs->counted < serving ? obs->counted : serving;
    if (ready < 0)
        ready = 0;
    int pending = obs->pending < pd.current - serving ? obs->pending : pd.current - serving;
    if (pending < 0)
        pending = 0;
    pd.serving = serving;
    pd.ready = ready;
    pd.unready = pending;
    pd.missing = pd.current - serving - pending;
    if (m->source == HR_HPA_RESOURCE && m->metric == HR_METRIC_CPU)
        pd.unready += serving - ready;
    else
        pd.missing += serving - ready;
    pd.status = obs->pending + obs->warming + obs->in_service + obs->failed;
    if (pd.status < 1)
        pd.status = pd.current;
    return pd;
}

/* computeReplicasForMetrics: the largest valid proposal; -1 when every
 * metric is invalid, or some are and the rest would scale down. */
static int replicas_for_metrics(const hr_policy *p, const hr_observation *obs, char *why,
                                size_t why_len)
{
    const hr_hpa_config *h = &p->cfg->hpa;
    tolerance tol = {h->tolerance, h->tolerance};
    if (h->has_behavior && h->down.has_tolerance)
        tol.down = h->down.tolerance;
    if (h->has_behavior && h->up.has_tolerance)
        tol.up = h->up.tolerance;

    int best = 0, invalid = 0;
    size_t used = 0;
    why[0] = '\0';
    for (size_t i = 0; i < h->n_metrics; i++) {
        const hr_hpa_metric *m = &h->metrics[i];
        pods pd = group_pods(m, obs);
        double value = obs->has_datapoint ? obs->input[i] : NAN;
        proposal pr;
        metric_proposal(m, value, &pd, &tol, &pr);
        if (used < why_len) {
            int w = snprintf(why + used, why_len - used, "%s%s", i ? ", " : "", pr.why);
            used += w > 0 ? (size_t)w : 0;
        }
        if (!pr.valid) {
            invalid++;
            continue;
        }
        if (best == 0 || pr.replicas > best)
            best = pr.replicas;
    }
    if (invalid == (int)h->n_metrics || (invalid > 0 && best < obs->desired))
        return -1;
    return best;
}

/* ---- normalization (horizontal.go) -------------------------------------- */

/* Without behavior: stabilizeRecommendation (downscale only). */
static int stabilize_plain(const hpa_state *st, int pre)
{
    int best = pre;
    for (size_t i = 0; i < st->recs.n; i++)
        if (st->recs.items[i].value > best)
            best = st->recs.items[i].value;
    return best;
}

/* With behavior: stabilizeRecommendationWithBehaviors. */
static int stabilize_behavior(const hr_hpa_config *h, const hpa_state *st, double now, int current,
                              int pre)
{
    int up = pre, down = pre;
    for (size_t i = 0; i < st->recs.n; i++) {
        const hpa_record *r = &st->recs.items[i];
        if (r->time_s > now - h->up.stabilization_s && r->value < up)
            up = r->value;
        if (r->time_s > now - h->down.stabilization_s && r->value > down)
            down = r->value;
    }
    int rec = current;
    if (rec < up)
        rec = up;
    if (rec > down)
        rec = down;
    return rec;
}

static int clamp_int(long v)
{
    return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* calculateScaleUpLimitWithScalingRules and calculateScaleDownLimitWithBehaviors. */
static int rate_limit(const hr_hpa_rules *r, const hpa_state *st, double now, int current, bool up)
{
    if (r->select == HR_HPA_SELECT_DISABLED)
        return current;
    /* Max (the default) takes the largest change: the highest limit up, the
     * lowest down; Min the smallest. */
    bool take_high = (r->select == HR_HPA_SELECT_MAX) == up;
    long result = take_high ? LONG_MIN : LONG_MAX;
    for (size_t i = 0; i < r->n_rates; i++) {
        const hr_hpa_rate *rate = &r->rates[i];
        long added = list_sum_since(&st->ups, now, rate->period_s);
        long removed = list_sum_since(&st->downs, now, rate->period_s);
        long start = (long)current - added + removed;
        long proposed;
        if (!rate->percent)
            proposed = up ? start + rate->value : start - rate->value;
        else if (up)
            proposed = (long)ceil((double)start * (1 + (double)rate->value / 100));
        else
            proposed = (long)((double)start * (1 - (double)rate->value / 100));
        result = take_high ? (proposed > result ? proposed : result)
                           : (proposed < result ? proposed : result);
    }
    return clamp_int(result);
}

static const char *rates_text(const hr_hpa_rules *r, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_rates && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%d%s/%ds", i ? (r->select == HR_HPA_SELECT_MIN ? " min " : " max ") : "",
                         r->rates[i].value, r->rates[i].percent ? "%" : " pods",
                         r->rates[i].period_s);
        used += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

/* Append to out->reason. */
static void reason_add(hr_decision *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reason_add(hr_decision *out, const char *fmt, ...)
{
    size_t len = strlen(out->reason);
    if (len + 1 >= sizeof out->reason)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason + len, sizeof out->reason - len, fmt, ap);
    va_end(ap);
}

/* convertDesiredReplicasWithBehaviorRate. */
static int limit_behavior(const hr_hpa_config *h, const hpa_state *st, double now, int current,
                          int want, hr_decision *out)
{
    char rates[96];
    if (want > current) {
        int limit = rate_limit(&h->up, st, now, current, true);
        if (limit < current)
            limit = current;
        int upper = h->max_replicas;
        bool by_rate = upper > limit;
        if (by_rate)
            upper = limit;
        if (want > upper) {
            if (by_rate)
                reason_add(out, "; ScaleUpLimit %s: %d", h->up.select == HR_HPA_SELECT_DISABLED
                                                             ? "(scale-up disabled)"
                                                             : rates_text(&h->up, rates, sizeof rates),
                           upper);
            else
                reason_add(out, "; TooManyReplicas: max %d", upper);
            return upper;
        }
    } else if (want < current) {
        int limit = rate_limit(&h->down, st, now, current, false);
        if (limit > current)
            limit = current;
        int lower = h->min_replicas;
        bool by_rate = lower < limit;
        if (by_rate)
            lower = limit;
        if (want < lower) {
            if (by_rate)
                reason_add(out, "; ScaleDownLimit %s: %d",
                           h->down.select == HR_HPA_SELECT_DISABLED
                               ? "(scale-down disabled)"
                               : rates_text(&h->down, rates, sizeof rates),
                           lower);
            else
                reason_add(out, "; TooFewReplicas: min %d", lower);
            return lower;
        }
    }
    return want;
}

/* convertDesiredReplicasWithRules: [min, min(max, max(2 x current, 4))]. */
static int limit_plain(const hr_hpa_config *h, int current, int want, hr_decision *out)
{
    double up_limit = fmax(2.0 * current, 4.0);
    int upper = h->max_replicas;
    bool by_rate = (double)upper > up_limit;
    if (by_rate)
        upper = (int)up_limit;
    if (want < h->min_replicas) {
        reason_add(out, "; TooFewReplicas: min %d", h->min_replicas);
        return h->min_replicas;
    }
    if (want > upper) {
        if (by_rate)
            reason_add(out, "; ScaleUpLimit max(2 x %d, 4): %d", current, upper);
        else
            reason_add(out, "; TooManyReplicas: max %d", upper);
        return upper;
    }
    return want;
}

/* ---- the reconcile ----------------------------------------------------- */

/* storeScaleEvent, after a change the controller really made: events
 * older than the direction's longest period are outdated, and the last
 * outdated one is overwritten (markScaleEventsOutdated); the others stay and
 * still count in the other direction's periods, as in the controller. */
static void hpa_applied(hr_policy *p, double now, int from, int to)
{
    const hr_hpa_config *h = &p->cfg->hpa;
    hpa_state *st = p->state;
    if (!h->has_behavior || to == from)
        return;
    bool up = to > from;
    hpa_list *l = up ? &st->ups : &st->downs;
    double longest_s = up ? st->up_keep_s : st->down_keep_s;
    int change = up ? to - from : from - to;
    for (size_t i = l->n; i-- > 0;) {
        if (l->items[i].time_s < now - longest_s) {
            l->items[i] = (hpa_record){.time_s = now, .value = change};
            return;
        }
    }
    /* Out of memory only loses rate history: the limits then allow more. */
    (void)list_push(l, now, change);
}

static void hpa_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    const hr_hpa_config *h = &p->cfg->hpa;
    hpa_state *st = p->state;
    double now = obs->time_s;
    int current = obs->desired;

    list_prune(&st->recs, now, st->rec_keep_s);
    if (!st->seeded) {
        st->seeded = true;
        (void)list_push(&st->recs, now, current);
    }

    if (current == 0 && h->min_replicas != 0) {
        out->desired = -1;
        hr_policy_reason(out, "hpa: scaled to 0, autoscaling disabled (ScalingDisabled)");
        return;
    }
    if (current > h->max_replicas || current < h->min_replicas) {
        int bound = current > h->max_replicas ? h->max_replicas : h->min_replicas;
        out->desired = bound;
        hr_policy_reason(out, "hpa: %d replicas %s %s %d: %d -> %d", current,
                         current > bound ? "above" : "below",
                         current > bound ? "maxReplicas" : "minReplicas", bound, current, bound);
        return;
    }

    char why[HR_REASON_MAX];
    int pre = replicas_for_metrics(p, obs, why, sizeof why);
    if (pre < 0) {
        out->desired = current;
        hr_policy_reason(out, "hpa: %s: metrics invalid, hold at %d", why, current);
        return;
    }
    hr_policy_reason(out, "hpa: %s", why);
    int stab = h->has_behavior ? stabilize_behavior(h, st, now, current, pre)
                               : stabilize_plain(st, pre);
    /* The raw proposal joins the history (storeRecommendation). */
    (void)list_push(&st->recs, now, pre);
    /* the condition's reason as the controller sets it: the path without
     * behavior stabilizes scale-down only */
    if (stab != pre)
        reason_add(out, "; %s: %d",
                   h->has_behavior && pre >= current ? "ScaleUpStabilized" : "ScaleDownStabilized",
                   stab);
    int desired = h->has_behavior ? limit_behavior(h, st, now, current, stab, out)
                                  : limit_plain(h, current, stab, out);
    reason_add(out, "; %d -> %d", current, desired);
    out->desired = desired;
}

const hr_policy_ops hr_policy_hpa_ops = {
    .kind = "hpa",
    .init = hpa_init,
    .decide = hpa_decide,
    .applied = hpa_applied,
    .free = hpa_free,
};
