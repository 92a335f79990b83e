/* dist.c - service and boot time distributions (see headroom/dist.h). */
#include "headroom/dist.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

/* Standard normal 0.99 quantile, Phi^-1(0.99). */
#define Z99 2.326347874040841

/* Redraws of a negative normal sample before giving up and returning 0. With
 * mean > 0 a draw is negative with probability < 1/2, so 64 failures in a
 * row happen with probability < 2^-64. */
#define NORMAL_MAX_TRIES 64

const char *hr_dist_name(hr_dist_kind kind)
{
    switch (kind) {
    case HR_DIST_CONSTANT: return "constant";
    case HR_DIST_EXPONENTIAL: return "exponential";
    case HR_DIST_NORMAL: return "normal";
    case HR_DIST_LOGNORMAL: return "lognormal";
    case HR_DIST_GAMMA: return "gamma";
    }
    return "unknown";
}

/* Seconds as milliseconds for messages ("40ms", "0.25ms"). */
typedef struct ms_text {
    char s[48];
} ms_text;

static ms_text ms(double seconds)
{
    ms_text t;
    snprintf(t.s, sizeof t.s, "%.6gms", seconds * 1000.0);
    return t;
}

/* x rounded down to 3 significant digits, for an upper bound in a message
 * that must not read as allowing more than it does. */
static double floor3(double x)
{
    if (!(x > 0) || !isfinite(x))
        return x;
    double scale = pow(10.0, floor(log10(x)) - 2.0);
    return floor(x / scale) * scale;
}

static int prepare_lognormal(hr_dist *d, hr_error *err)
{
    bool has_sigma = d->sigma != 0.0;
    bool has_p99 = d->p99_s != 0.0;

    if (has_sigma && has_p99)
        return hr_error_set(err, HR_EINVAL,
                            "lognormal: give either sigma or p99, not both");
    if (!has_sigma && !has_p99)
        return hr_error_set(err, HR_EINVAL,
                            "lognormal needs a spread; give sigma (sd of the log, "
                            "e.g. 0.5) or p99 (e.g. %s)",
                            ms(3.0 * d->mean_s).s);
    if (has_sigma) {
        if (!(d->sigma > 0) || !isfinite(d->sigma))
            return hr_error_set(err, HR_EINVAL,
                                "lognormal sigma must be a positive number; got %g",
                                d->sigma);
    } else {
        /* mean = exp(mu + s^2/2) and p99 = exp(mu + z s) give
         * s^2/2 - z s + ln(p99/mean) = 0, so s = z -/+ sqrt(z^2 - 2 ln r),
         * r = p99/mean. Real roots need ln r <= z^2/2; s > 0 needs r > 1.
         * The smaller root is the one where p99 is above the median. */
        double ratio = d->p99_s / d->mean_s;
        double disc = Z99 * Z99 - 2.0 * log(ratio);
        if (!(ratio > 1.0) || !(disc >= 0.0) || !isfinite(d->p99_s)) {
            double max_ratio = exp(Z99 * Z99 / 2.0);
            return hr_error_set(err, HR_EINVAL,
                                "lognormal p99 must be between the mean (%s) and "
                                "%.1fx the mean (%s); got %s",
                                ms(d->mean_s).s, floor(max_ratio * 10.0) / 10.0,
                                ms(floor3(d->mean_s * max_ratio)).s, ms(d->p99_s).s);
        }
        d->sigma = Z99 - sqrt(disc);
    }
    d->mu = log(d->mean_s) - d->sigma * d->sigma / 2.0;
    return HR_OK;
}

int hr_dist_prepare(hr_dist *d, hr_error *err)
{
    const char *name = hr_dist_name(d->kind);

    if (d->kind == HR_DIST_CONSTANT) {
        if (!(d->mean_s >= 0) || !isfinite(d->mean_s))
            return hr_error_set(err, HR_EINVAL,
                                "constant: mean must be 0 or more; got %s",
                                ms(d->mean_s).s);
        return HR_OK;
    }
    if (!(d->mean_s > 0) || !isfinite(d->mean_s))
        return hr_error_set(err, HR_EINVAL,
                            "%s: mean must be greater than 0; got %s "
                            "(use dist: constant for a fixed 0)",
                            name, ms(d->mean_s).s);

    switch (d->kind) {
    case HR_DIST_EXPONENTIAL:
        return HR_OK;
    case HR_DIST_NORMAL:
        if (!(d->sd_s >= 0) || !isfinite(d->sd_s))
            return hr_error_set(err, HR_EINVAL,
                                "normal: sd must be 0 or more; got %s", ms(d->sd_s).s);
        return HR_OK;
    case HR_DIST_LOGNORMAL:
        return prepare_lognormal(d, err);
    case HR_DIST_GAMMA:
        if (!(d->cv > 0) || !isfinite(d->cv))
            return hr_error_set(err, HR_EINVAL,
                                "gamma: cv (sd/mean) must be greater than 0; got %g "
                                "(cv 1 is exponential)",
                                d->cv);
        d->shape = 1.0 / (d->cv * d->cv);
        d->scale = d->mean_s * d->cv * d->cv;
        return HR_OK;
    case HR_DIST_CONSTANT:
        break;
    }
    return hr_error_set(err, HR_EINVAL,
                        "unknown distribution kind %d; use constant, exponential, "
                        "normal, lognormal or gamma",
                        (int)d->kind);
}

double hr_dist_sample(const hr_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case HR_DIST_CONSTANT:
        return d->mean_s;
    case HR_DIST_EXPONENTIAL:
        return hr_exponential(r, d->mean_s);
    case HR_DIST_NORMAL:
        if (d->sd_s == 0.0)
            return d->mean_s;
        for (int i = 0; i < NORMAL_MAX_TRIES; i++) {
            double x = d->mean_s + gsl_ran_gaussian(r, d->sd_s);
            if (x >= 0.0)
                return x;
        }
        return 0.0;
    case HR_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, d->mu, d->sigma);
    case HR_DIST_GAMMA:
        return gsl_ran_gamma(r, d->shape, d->scale);
    }
    return d->mean_s;
}

/* Quantile of Gamma(k, 1) at u in (0, 1).
 *
 * Not gsl_cdf_gamma_Pinv: for shapes below about 0.3 (cv above 1.8) it fails
 * to converge even at the median, and with GSL's default error handler that
 * aborts the process. Instead: solve in t = ln x, where the lower tail is
 * nearly linear (P(x) ~ x^k / Gamma(k+1) for small x), for
 *     h(t) = P(e^t) - u          when u <= 1/2,
 *     h(t) = (1 - u) - Q(e^t)    otherwise (1 - u is exact there),
 * both increasing in t with dh/dt = x f(x) = exp(k t - x - lnGamma(k)).
 * Newton steps that leave the sign-change bracket become bisections. */
static double gamma_quantile_unit(double k, double u)
{
    bool upper = u > 0.5;
    double target = upper ? 1.0 - u : u;
    double lgk = gsl_sf_lngamma(k);

    /* Start: the small-x approximation for the lower tail, Wilson-Hilferty
     * (cube of a normal) elsewhere. */
    double t_small = (log(target) + gsl_sf_lngamma(k + 1.0)) / k;
    if (!upper && t_small < -700.0)
        return exp(t_small); /* far below any representable time: 0 */
    double w = 1.0 - 1.0 / (9.0 * k) + gsl_cdf_ugaussian_Pinv(u) / (3.0 * sqrt(k));
    double t = log(k) + 3.0 * log(w > 0.0 ? w : 1e-3);
    if (!upper && (w <= 0.0 || t_small < t))
        t = t_small;

#define H(tt) (upper ? target - gsl_cdf_gamma_Q(exp(tt), k, 1.0) \
                     : gsl_cdf_gamma_P(exp(tt), k, 1.0) - target)

    /* Bracket the root: widen from t in doubling steps. */
    double lo = t, hi = t;
    double step = 0.5;
    if (H(t) < 0.0) {
        while (hi < 700.0 && H(hi) < 0.0) {
            lo = hi;
            hi += step;
            step *= 2.0;
        }
    } else {
        while (lo > -700.0 && H(lo) > 0.0) {
            hi = lo;
            lo -= step;
            step *= 2.0;
        }
    }

    t = 0.5 * (lo + hi);
    for (int i = 0; i < 200; i++) {
        double x = exp(t);
        double h = H(t);
        if (h == 0.0)
            break;
        if (h < 0.0)
            lo = t;
        else
            hi = t;
        double slope = exp(k * t - x - lgk);
        double next = t - h / slope;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - t) < 1e-14 * (1.0 + fabs(t))) {
            t = next;
            break;
        }
        t = next;
    }
#undef H
    return exp(t);
}

double hr_dist_quantile(const hr_dist *d, double u)
{
    /* Keep u inside (0, 1): the inverse CDFs are infinite at the ends. */
    if (!(u > DBL_MIN))
        u = DBL_MIN;
    if (u > 1.0 - DBL_EPSILON / 2.0)
        u = 1.0 - DBL_EPSILON / 2.0;

    switch (d->kind) {
    case HR_DIST_CONSTANT:
        return d->mean_s;
    case HR_DIST_EXPONENTIAL:
        return gsl_cdf_exponential_Pinv(u, d->mean_s);
    case HR_DIST_NORMAL: {
        if (d->sd_s == 0.0)
            return d->mean_s;
        /* Truncated at 0: map u onto [F(0), 1) of the untruncated CDF. */
        double f0 = gsl_cdf_gaussian_P(-d->mean_s, d->sd_s);
        double v = f0 + u * (1.0 - f0);
        if (v >= 1.0)
            v = 1.0 - DBL_EPSILON / 2.0;
        double x = d->mean_s + gsl_cdf_gaussian_Pinv(v, d->sd_s);
        return x > 0.0 ? x : 0.0;
    }
    case HR_DIST_LOGNORMAL:
        return gsl_cdf_lognormal_Pinv(u, d->mu, d->sigma);
    case HR_DIST_GAMMA:
        return gamma_quantile_unit(d->shape, u) * d->scale;
    }
    return d->mean_s;
}

/* Truncated normal N(mean, sd^2) restricted to [0, inf): with
 * a = -mean/sd and lambda = phi(a) / (1 - Phi(a)),
 *   E[X] = mean + sd lambda,  Var[X] = sd^2 (1 + a lambda - lambda^2)
 * (Johnson, Kotz and Balakrishnan, Continuous Univariate Distributions,
 * vol. 1, 2nd ed., section 10.1). */
static void truncated_normal_moments(const hr_dist *d, double *mean, double *var)
{
    if (d->sd_s == 0.0) {
        *mean = d->mean_s;
        *var = 0.0;
        return;
    }
    double a = -d->mean_s / d->sd_s;
    double tail = gsl_cdf_ugaussian_Q(a); /* 1 - Phi(a), accurate for a << 0 */
    double lambda = gsl_ran_ugaussian_pdf(a) / tail;
    *mean = d->mean_s + d->sd_s * lambda;
    *var = d->sd_s * d->sd_s * (1.0 + a * lambda - lambda * lambda);
}

double hr_dist_mean(const hr_dist *d)
{
    if (d->kind == HR_DIST_NORMAL) {
        double m, v;
        truncated_normal_moments(d, &m, &v);
        return m;
    }
    return d->mean_s;
}

double hr_dist_variance(const hr_dist *d)
{
    double m = d->mean_s;
    switch (d->kind) {
    case HR_DIST_CONSTANT:
        return 0.0;
    case HR_DIST_EXPONENTIAL:
        return m * m;
    case HR_DIST_NORMAL: {
        double mean, var;
        truncated_normal_moments(d, &mean, &var);
        return var;
    }
    case HR_DIST_LOGNORMAL:
        return m * m * expm1(d->sigma * d->sigma);
    case HR_DIST_GAMMA:
        return m * m * d->cv * d->cv;
    }
    return 0.0;
}
