/* forecast.h - forecasters of an evenly spaced series (one value per
 * metrics period), for the predictive policy.
 *
 * Pure functions over a caller's array y[0..n) (oldest first): nothing is
 * kept between calls except in an hr_holt_winters the caller owns. A
 * horizon h >= 1 counts steps after the last value: h = 1 is the value that
 * follows y[n - 1]. Forecasts are the model's values; the caller clamps
 * them (a load is never negative). */
#ifndef HEADROOM_FORECAST_H
#define HEADROOM_FORECAST_H

#include <stddef.h>

#include "headroom/error.h"

/* Seasonal naive: the value one season before the target, repeated for
 * horizons beyond a season:  F(n - 1 + h) = y[n - 1 + h - season * ceil(h / season)].
 * Needs n >= season >= 1. HR_EINVAL otherwise. */
int hr_forecast_seasonal_naive(const double *y, size_t n, size_t season, size_t h,
                               double *out, hr_error *err);

/* Least-squares polynomial of the given degree (1: a straight line) through
 * the n points (i, y[i]), evaluated at n - 1 + h (GSL gsl_multifit_linear;
 * abscissae are rescaled to [-1, 0] so high degrees stay well
 * conditioned). Needs n >= degree + 1, degree 1..HR_FORECAST_MAX_DEGREE.
 * HR_EINVAL for too few points, HR_ENOMEM, HR_EINTERNAL when GSL fails. */
#define HR_FORECAST_MAX_DEGREE 6
int hr_forecast_polynomial(const double *y, size_t n, int degree, size_t h, double *out,
                           hr_error *err);

typedef enum hr_seasonality {
    HR_SEASONALITY_ADDITIVE = 0,   /* y = level + trend + seasonal */
    HR_SEASONALITY_MULTIPLICATIVE  /* y = (level + trend) x seasonal */
} hr_seasonality;

/* Holt-Winters triple exponential smoothing (Holt 1957, Winters 1960; the
 * recursions of Hyndman & Athanasopoulos, "Forecasting: Principles and
 * Practice", 8.3). With m the season, at each new value y_t:
 *
 *   additive:        l = a (y - s[t-m]) + (1 - a)(l + b)
 *                    b = B (l - l_prev) + (1 - B) b
 *                    s[t] = g (y - l) + (1 - g) s[t-m]
 *                    F(t + h) = l + h b + s[t + h - m k]   (k: the latest season)
 *   multiplicative:  l = a (y / s[t-m]) + (1 - a)(l + b),  s[t] = g (y / l) + (1 - g) s[t-m],
 *                    F(t + h) = (l + h b) s[t + h - m k]
 *
 * Initial state from the first two seasons (hr_hw_start): b the difference
 * of their means over m, l the first season's mean carried to its last
 * point, s the first two seasons' deviations (ratios) from that line,
 * averaged. On a series that is exactly linear trend + additive season the
 * start is exact and every later error is 0. */
typedef struct hr_holt_winters {
    hr_seasonality seasonality;
    size_t season;              /* m >= 2 */
    double alpha, beta, gamma;  /* smoothing, each in [0, 1] */
    double level, trend;
    double *seasonal;           /* m entries, indexed by time mod m; owned */
    size_t n;                   /* values consumed (the next one is time n) */
    double sse;                 /* sum of squared one-step errors after the start */
    size_t n_errors;
} hr_holt_winters;

/* Start hw on y[0..n) (n >= 2 * season, season >= 2, parameters in [0, 1])
 * and consume the values after the first season. A multiplicative model
 * needs the first two seasons' means > 0. HR_EINVAL (message says why),
 * HR_ENOMEM. On success free with hr_hw_free. */
int hr_hw_start(hr_holt_winters *hw, hr_seasonality seasonality, size_t season, double alpha,
                double beta, double gamma, const double *y, size_t n, hr_error *err);

/* Consume the next value (time hw->n). */
void hr_hw_update(hr_holt_winters *hw, double y);

/* The forecast h >= 1 steps after the last consumed value. */
double hr_hw_forecast(const hr_holt_winters *hw, size_t h);

void hr_hw_free(hr_holt_winters *hw);

/* Choose alpha, beta and gamma by the least sum of squared one-step errors
 * over y[0..n) among a fixed grid (alpha 0.1..0.9, beta 0.01..0.3, gamma
 * 0.05..0.5; hr_hw_grid in forecast.c lists them). Needs what hr_hw_start
 * needs. */
int hr_hw_fit(hr_seasonality seasonality, size_t season, const double *y, size_t n,
              double *alpha, double *beta, double *gamma, hr_error *err);

#endif
