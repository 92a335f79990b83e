/* plan.c - the capacity plan (plan.h): growth fits with GSL's linear least
 * squares, and per month a search by simulation for the least fleet that
 * holds the SLO at the month's peak (steady-state runs of hr_curve_steady). */
#include "headroom/plan.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "headroom/curve.h"
#include "headroom/traffic.h"

#define DAY_S 86400.0
#define MONTH_DAYS 30.0
#define MONTH_HOURS 730.0

const char *hr_fit_name(hr_fit_model m)
{
    static const char *const names[] = {"linear", "quadratic", "exponential"};
    return (unsigned)m < HR_FIT_COUNT ? names[m] : "unknown";
}

/* ---- fits -------------------------------------------------------------- */

/* The trace's mean rate over each whole day, sampled each minute (a row
 * holds until the next). */
static double *daily_means(const hr_replay_config *t, size_t *days)
{
    *days = (size_t)floor(t->end_s / DAY_S);
    if (*days == 0)
        return NULL;
    double *y = calloc(*days, sizeof *y);
    if (!y)
        return NULL;
    size_t row = 0;
    for (size_t d = 0; d < *days; d++) {
        double sum = 0;
        int n = 0;
        for (double s = d * DAY_S; s < (d + 1) * DAY_S; s += 60, n++) {
            while (row + 1 < t->n && t->time_s[row + 1] <= s)
                row++;
            sum += t->rate[row];
        }
        y[d] = sum / n;
    }
    return y;
}

/* Least squares of y (or log y) on 1, d (and d^2): coef[0..p). */
static int least_squares(const double *y, size_t n, int p, bool logs, double coef[3])
{
    gsl_matrix *X = gsl_matrix_alloc(n, (size_t)p);
    gsl_vector *v = gsl_vector_alloc(n), *c = gsl_vector_alloc((size_t)p);
    gsl_matrix *cov = gsl_matrix_alloc((size_t)p, (size_t)p);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, (size_t)p);
    int rc = HR_ENOMEM;
    if (X && v && c && cov && w) {
        for (size_t i = 0; i < n; i++) {
            for (int j = 0; j < p; j++)
                gsl_matrix_set(X, i, (size_t)j, pow((double)i, j));
            gsl_vector_set(v, i, logs ? log(y[i]) : y[i]);
        }
        double chisq;
        rc = gsl_multifit_linear(X, v, c, cov, &chisq, w) == GSL_SUCCESS ? HR_OK : HR_EINVAL;
        for (int j = 0; j < 3; j++)
            coef[j] = j < p && rc == HR_OK ? gsl_vector_get(c, (size_t)j) : 0;
    }
    gsl_multifit_linear_free(w);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(v);
    gsl_matrix_free(X);
    return rc;
}

static double fit_at(const hr_growth_fit *f, hr_fit_model m, double d)
{
    const double *c = f->coef[m];
    switch (m) {
    case HR_FIT_LINEAR:
        return c[0] + c[1] * d;
    case HR_FIT_QUADRATIC:
        return c[0] + c[1] * d + c[2] * d * d;
    case HR_FIT_EXPONENTIAL:
        return exp(c[0] + c[1] * d);
    case HR_FIT_COUNT:
        break;
    }
    return NAN;
}

int hr_plan_fit(const hr_replay_config *trace, hr_growth_fit *out, hr_error *err)
{
    *out = (hr_growth_fit){0};
    size_t n;
    double *y = daily_means(trace, &n);
    if (n < 3) {
        free(y);
        return hr_error_set(err, HR_EINVAL,
                            "%s: %zu whole days; a growth fit needs at least 3", trace->file, n);
    }
    if (!y)
        return hr_error_set(err, HR_ENOMEM, "out of memory fitting the trace");
    double mean = 0;
    bool positive = true;
    for (size_t i = 0; i < n; i++) {
        mean += y[i] / (double)n;
        positive = positive && y[i] > 0;
    }
    double ss_tot = 0;
    for (size_t i = 0; i < n; i++)
        ss_tot += (y[i] - mean) * (y[i] - mean);
    int rc = HR_OK;
    for (int m = 0; m < HR_FIT_COUNT && rc == HR_OK; m++) {
        out->r2[m] = -INFINITY;
        if (m == HR_FIT_EXPONENTIAL && !positive)
            continue; /* a day without traffic has no logarithm */
        rc = least_squares(y, n, m == HR_FIT_QUADRATIC ? 3 : 2, m == HR_FIT_EXPONENTIAL,
                           out->coef[m]);
        if (rc != HR_OK)
            break;
        double ss_res = 0;
        for (size_t i = 0; i < n; i++) {
            double e = y[i] - fit_at(out, (hr_fit_model)m, (double)i);
            ss_res += e * e;
        }
        out->r2[m] = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
    }
    free(y);
    if (rc == HR_ENOMEM)
        return hr_error_set(err, HR_ENOMEM, "out of memory fitting the trace");
    if (rc != HR_OK || mean <= 0)
        return hr_error_set(err, HR_EINVAL, "%s: no traffic to fit a growth to", trace->file);
    out->days = n;
    out->last_day = (double)(n - 1);
    for (int m = 1; m < HR_FIT_COUNT; m++)
        if (out->r2[m] > out->r2[out->best])
            out->best = (hr_fit_model)m;
    return HR_OK;
}

double hr_plan_fit_factor(const hr_growth_fit *f, double months)
{
    double now = fit_at(f, f->best, f->last_day);
    double then = fit_at(f, f->best, f->last_day + MONTH_DAYS * months);
    if (!(now > 0))
        return NAN;
    return then > 0 ? then / now : 0;
}

/* ---- the plan ---------------------------------------------------------- */

/* The scenario's load without noise, sampled over its duration: *peak its
 * maximum, shape[k] each sample over the peak. */
static int load_shape(const hr_scenario *sc, double **shape, size_t *n, double *peak,
                      hr_error *err)
{
    hr_traffic_config quiet = sc->traffic;
    quiet.noise_sigma = 0;
    hr_traffic tr;
    int rc = hr_traffic_init(&tr, &quiet, sc->duration_s, NULL, err);
    if (rc != HR_OK)
        return rc;
    hr_traffic_add_tenants(&tr, sc->tenants, sc->n_tenants);
    double step = fmax(60.0, sc->duration_s / 20000.0);
    *n = (size_t)ceil(sc->duration_s / step);
    *shape = malloc(*n * sizeof **shape);
    if (!*shape) {
        hr_traffic_free(&tr);
        return hr_error_set(err, HR_ENOMEM, "out of memory planning");
    }
    *peak = 0;
    for (size_t k = 0; k < *n; k++) {
        (*shape)[k] = hr_traffic_rate(&tr, (k + 0.5) * step);
        *peak = fmax(*peak, (*shape)[k]);
    }
    for (size_t k = 0; k < *n; k++)
        (*shape)[k] = *peak > 0 ? (*shape)[k] / *peak : 0;
    hr_traffic_free(&tr);
    return HR_OK;
}

/* The least fleet meeting the SLO at rps, by steady-state runs: from the
 * fleet that would be fully busy, doubling until one holds, then bisecting. */
static int least_fleet(const hr_plan_spec *spec, double rps, int *out, double *p95_ms,
                       hr_error *err)
{
    const hr_scenario *sc = spec->scenario;
    int max = sc->fleet.max;
    double busy = rps / hr_curve_nominal_rps(sc);
    int lo = (int)fmax(0, floor(busy)); /* lo fails (or is 0): it would be fully busy */
    int hi = lo + 1;
    hr_curve_point p;
    int rc;
    for (;;) {
        if (hi > max || lo >= max) {
            *out = -1; /* beyond the fleet's max */
            return HR_OK;
        }
        if ((rc = hr_curve_steady(sc, hi, rps, spec->test_s, spec->seed, &p, err)) != HR_OK)
            return rc;
        if (p.slo_ok)
            break;
        lo = hi;
        hi = hi < 4 ? hi + 1 : hi * 2;
        if (hi > max && lo < max)
            hi = max;
    }
    *p95_ms = p.latency_p95_ms;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if ((rc = hr_curve_steady(sc, mid, rps, spec->test_s, spec->seed, &p, err)) != HR_OK)
            return rc;
        if (p.slo_ok) {
            hi = mid;
            *p95_ms = p.latency_p95_ms;
        } else {
            lo = mid;
        }
    }
    *out = hi;
    return HR_OK;
}

/* Hours and the cheapest mix for a fleet of n at the peak, following the
 * load's shape: reservations are tried from none to n, spot takes what is
 * above them up to its cap, on demand the rest. */
static void month_costs(const hr_plan_spec *spec, const double *shape, size_t n_shape,
                        hr_plan_month *m)
{
    const hr_fleet_config *f = &spec->scenario->fleet;
    double scale = MONTH_HOURS / (double)n_shape; /* hours a month per sample */
    double hours = 0;
    for (size_t k = 0; k < n_shape; k++)
        hours += ceil(m->instances * shape[k] - 1e-9);
    m->hours = hours * scale;
    m->cost_on_demand = m->hours * f->price_per_hour;
    m->spot_max = spec->spot_discount >= 0 ? (int)floor(spec->spot_max_share * m->instances) : 0;
    double spot_price = spec->spot_discount >= 0 ? f->price_per_hour * (1 - spec->spot_discount) : 0;
    int max_reserved = spec->reserved_price >= 0 ? m->instances : 0;
    m->cost_mix = INFINITY;
    for (int r = 0; r <= max_reserved; r++) {
        double spot_h = 0, od_h = 0;
        for (size_t k = 0; k < n_shape; k++) {
            double need = ceil(m->instances * shape[k] - 1e-9), above = fmax(0, need - r);
            double s = fmin(above, m->spot_max);
            spot_h += s;
            od_h += above - s;
        }
        double cost = r * fmax(spec->reserved_price, 0) * MONTH_HOURS +
                      (spot_h * spot_price + od_h * f->price_per_hour) * scale;
        if (cost < m->cost_mix - 1e-9) {
            m->cost_mix = cost;
            m->reserved = r;
        }
    }
}

int hr_plan_run(const hr_plan_spec *spec, hr_plan_month *out, hr_error *err)
{
    const hr_scenario *sc = spec->scenario;
    const hr_slo_config *slo = &sc->slo;
    if (!(slo->latency_p95_s > 0) && !(slo->latency_p99_s > 0) && slo->error_rate_pct < 0)
        return hr_error_set(err, HR_EINVAL,
                            "%s: the slo judges neither latency nor errors, so no fleet size can "
                            "be found to hold it; give slo.latency_p95 (or latency_p99, error_rate)",
                            sc->path);
    double *shape = NULL, peak;
    size_t n_shape;
    int rc = load_shape(sc, &shape, &n_shape, &peak, err);
    if (rc != HR_OK)
        return rc;
    for (int k = 0; k <= spec->months && rc == HR_OK; k++) {
        hr_plan_month *m = &out[k];
        *m = (hr_plan_month){.month = k};
        m->factor = spec->fit ? hr_plan_fit_factor(spec->fit, k) : pow(1 + spec->monthly, k);
        m->peak_rps = peak * m->factor;
        if (m->peak_rps > 0)
            rc = least_fleet(spec, m->peak_rps, &m->instances, &m->p95_ms, err);
        if (rc != HR_OK) {
            hr_error_prefix(err, "month %d", k);
        } else if (m->instances < 0) {
            m->p95_ms = m->hours = m->cost_on_demand = m->cost_mix = NAN;
        } else {
            month_costs(spec, shape, n_shape, m);
        }
    }
    free(shape);
    return rc;
}
