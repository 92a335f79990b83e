/* oracle.c - the perfect-foresight bound (kind: oracle). Not a real policy:
 * the yardstick `run` measures every real policy's cost against.
 *
 * It is the one policy that reads the truth (DESIGN.md): the engine fills
 * its observation's future_need[] with the fewest instances at full speed
 * that hold the latency SLO for the true load in the SLO window of each
 * step ahead (the engine's foresight, src/engine/foresight.c). It reads
 * no metric.
 *
 * Rule. A launch at t is at full speed by t + lead, where
 *
 *     lead = boot p99 (slow boots included) + warm-up
 *
 * and the oracle is asked again every interval (10s). So the capacity it
 * sets at t is all that serves until its next decision's launches are at
 * full speed, t + interval + lead; it asks for
 *
 *     desired(t) = max { need(u) : t <= u < t + lead + interval }
 *
 * Scaling out: the need at t + lead (+ interval) is launched now, so it is
 * there when the load arrives. Scaling in: only once the need over the whole
 * lead + interval ahead allows it, since an instance removed now could not
 * be back at full speed sooner than lead. The p99 of the boot, not its
 * mean: launched at the mean, half the new capacity would come late; at
 * the p99, 1 launch in 100 does (the oracle knows the load, not each
 * launch's draw). Warming instances are not counted as capacity (they run
 * at reduced speed): a conservative choice, which costs at most the
 * warm-up of each added instance.
 *
 * Why it is a bound, and where it is not: docs/policies.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "headroom/policy.h"
#include "policy_internal.h"

/* Seconds between the oracle's decisions: the step of its foresight. */
#define ORACLE_INTERVAL_S 10.0

/* Quantile of the boot time the lead allows for. */
#define ORACLE_BOOT_QUANTILE 0.99

/* Points of the boot distribution's quantile grid, for the mixture with
 * slow boots. */
#define ORACLE_BOOT_GRID 2000

typedef struct oracle_state {
    double boot_s;      /* the boot time's p99, slow boots included */
    double warmup_s;
    double lead_s;      /* boot_s + warmup_s */
    double interval_s;
} oracle_state;

/* Share of the grid q[0..n) (ascending) at or below x. */
static double grid_cdf(const double *q, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (q[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (double)lo / (double)n;
}

/* The boot time's ORACLE_BOOT_QUANTILE: of fleet.boot, or, when a share of
 * launches boots slow_boot_factor times longer, of that mixture (found by
 * bisection on the two distributions' quantile grids). HR_ENOMEM. */
static int boot_quantile(const hr_fleet_config *f, double *out, hr_error *err)
{
    double p = ORACLE_BOOT_QUANTILE, s = f->slow_boot_share, k = f->slow_boot_factor;
    if (!(s > 0) || !(k > 1)) {
        *out = hr_dist_quantile(&f->boot, p);
        return HR_OK;
    }
    double *q = malloc(ORACLE_BOOT_GRID * sizeof *q);
    if (!q)
        return hr_error_set(err, HR_ENOMEM, "out of memory for the boot quantiles");
    for (size_t i = 0; i < ORACLE_BOOT_GRID; i++)
        q[i] = hr_dist_quantile(&f->boot, (i + 0.5) / ORACLE_BOOT_GRID);
    double lo = 0, hi = k * q[ORACLE_BOOT_GRID - 1];
    for (int it = 0; it < 100 && hi - lo > 1e-6; it++) {
        double x = 0.5 * (lo + hi);
        double mix = (1 - s) * grid_cdf(q, ORACLE_BOOT_GRID, x) + s * grid_cdf(q, ORACLE_BOOT_GRID, x / k);
        if (mix >= p)
            hi = x;
        else
            lo = x;
    }
    free(q);
    *out = hi;
    return HR_OK;
}

static int oracle_init(hr_policy *p, hr_error *err)
{
    oracle_state *st = calloc(1, sizeof *st);
    if (!st)
        return hr_error_set(err, HR_ENOMEM, "out of memory");
    int rc = boot_quantile(&p->sc->fleet, &st->boot_s, err);
    if (rc != HR_OK) {
        free(st);
        return rc;
    }
    st->warmup_s = p->sc->fleet.warmup_s;
    st->lead_s = st->boot_s + st->warmup_s;
    st->interval_s = ORACLE_INTERVAL_S;
    p->state = st;
    p->sync_period_s = st->interval_s;
    p->foresight_s = st->lead_s + st->interval_s;
    return HR_OK;
}

static void oracle_decide(hr_policy *p, const hr_observation *obs, hr_decision *out)
{
    const oracle_state *st = p->state;
    char lead[32], ahead[32], at[32];
    if (obs->n_future == 0 || obs->future_need == NULL || !(obs->future_step_s > 0)) {
        out->desired = -1;
        hr_policy_reason(out, "oracle: no foresight of the load (only a simulation run gives it)");
        return;
    }
    double horizon_s = st->lead_s + st->interval_s;
    size_t cells = (size_t)ceil(horizon_s / obs->future_step_s - 1e-9);
    if (cells < 1)
        cells = 1;
    if (cells > obs->n_future)
        cells = obs->n_future;
    size_t peak = 0;
    for (size_t k = 1; k < cells; k++)
        if (obs->future_need[k] > obs->future_need[peak])
            peak = k;
    int need = obs->future_need[peak];
    out->desired = need;
    hr_policy_format_duration(ceil(st->lead_s - 1e-9), lead, sizeof lead);
    hr_policy_format_duration((double)cells * obs->future_step_s, ahead, sizeof ahead);
    hr_policy_format_duration((double)peak * obs->future_step_s, at, sizeof at);
    if (need > obs->desired)
        hr_policy_reason(out, "oracle: the true load needs %d instance%s in %s; launched now, "
                         "they are at full speed within %s", need, need == 1 ? "" : "s", at, lead);
    else if (need < obs->desired)
        hr_policy_reason(out, "oracle: the true load needs at most %d instance%s over the next %s "
                         "(an instance removed now takes %s to come back)", need,
                         need == 1 ? "" : "s", ahead, lead);
    else
        hr_policy_reason(out, "oracle: %d instance%s hold%s the SLO over the next %s", need,
                         need == 1 ? "" : "s", need == 1 ? "s" : "", ahead);
}

static void oracle_free(hr_policy *p)
{
    free(p->state);
    p->state = NULL;
}

const hr_policy_ops hr_policy_oracle_ops = {
    .kind = "oracle",
    .init = oracle_init,
    .decide = oracle_decide,
    .free = oracle_free,
};
