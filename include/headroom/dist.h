/* dist.h - the distributions a scenario can name for service and boot times:
 * {dist: NAME, mean: DURATION, ...}.
 *
 *   constant     always mean
 *   exponential  rate 1/mean
 *   normal       mean, sd; truncated at 0 (negative draws are redrawn)
 *   lognormal    mean and either sigma (sd of log) or p99
 *   gamma        mean and cv (coefficient of variation, sd/mean)
 */
#ifndef HEADROOM_DIST_H
#define HEADROOM_DIST_H

#include <math.h>

#include <gsl/gsl_rng.h>

#include "headroom/error.h"
#include "headroom/rng.h"

typedef enum hr_dist_kind {
    HR_DIST_CONSTANT = 0,
    HR_DIST_EXPONENTIAL,
    HR_DIST_NORMAL,
    HR_DIST_LOGNORMAL,
    HR_DIST_GAMMA
} hr_dist_kind;

typedef struct hr_dist {
    hr_dist_kind kind;
    double mean_s;  /* > 0 (>= 0 for constant) */
    double sd_s;    /* normal: standard deviation, >= 0 */
    double sigma;   /* lognormal: sd of the log; derived from p99 when given */
    double p99_s;   /* lognormal: 99th percentile, 0 when sigma was given */
    double cv;      /* gamma: sd/mean, > 0 */
    /* derived by hr_dist_prepare: */
    double mu;      /* lognormal: mean of the log */
    double shape;   /* gamma shape k = 1/cv^2 */
    double scale;   /* gamma scale theta = mean*cv^2 */
} hr_dist;

/* Derive the internal parameters from the user's ones and check them.
 * Lognormal from p99: mean = exp(mu + s^2/2), p99 = exp(mu + z s) with
 * z = 2.3263, so s = z - sqrt(z^2 - 2 ln(p99/mean)) (the smaller root); this
 * needs mean < p99 <= mean * exp(z^2/2) (about 14.9x). On a bad combination
 * returns HR_EINVAL with a message naming the parameter (without file
 * position; the loader adds it). */
int hr_dist_prepare(hr_dist *d, hr_error *err);

/* An exponential draw of the given mean by inverse transform,
 * -mean ln(U) with U in (0,1). Same law as gsl_ran_exponential, which takes
 * log1p(-U); plain log is markedly cheaper and this is the hottest draw of
 * a run (every arrival and every exponential service time), so the uniform
 * is drawn inline (hr_rng_uniform_pos: the same number as GSL's). */
static inline double hr_exponential(gsl_rng *r, double mean)
{
    return -mean * log(hr_rng_uniform_pos(r));
}

/* One draw, >= 0, from the given generator. */
double hr_dist_sample(const hr_dist *d, gsl_rng *r);

/* The draw whose CDF value is u in (0,1) (inverse transform), for
 * counter-based draws. Normal is truncated at 0 here too. */
double hr_dist_quantile(const hr_dist *d, double u);

/* The mean of what hr_dist_sample draws: mean_s, except for a normal whose
 * truncation at 0 matters (sd comparable to mean), where it is the mean of
 * the truncated distribution. Used by validation. */
double hr_dist_mean(const hr_dist *d);

/* The distribution's variance (s^2), used by validation; for normal, the
 * variance of the distribution truncated at 0 (what sample draws). */
double hr_dist_variance(const hr_dist *d);

/* Name as written in scenarios ("lognormal"). */
const char *hr_dist_name(hr_dist_kind kind);

#endif
