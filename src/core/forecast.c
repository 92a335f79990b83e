/* forecast.c - seasonal naive, polynomial least squares and Holt-Winters
 * forecasters (forecast.h has the equations). */
#include "headroom/forecast.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

int hr_forecast_seasonal_naive(const double *y, size_t n, size_t season, size_t h,
                               double *out, hr_error *err)
{
    if (season < 1 || n < season || h < 1)
        return hr_error_set(err, HR_EINVAL,
                            "seasonal naive needs a season of values (have %zu of %zu)", n,
                            season);
    size_t back = season * ((h + season - 1) / season); /* season x ceil(h / season) */
    *out = y[n - 1 + h - back];
    return HR_OK;
}

int hr_forecast_polynomial(const double *y, size_t n, int degree, size_t h, double *out,
                           hr_error *err)
{
    if (degree < 1 || degree > HR_FORECAST_MAX_DEGREE)
        return hr_error_set(err, HR_EINVAL, "polynomial degree %d is not from 1 to %d", degree,
                            HR_FORECAST_MAX_DEGREE);
    size_t p = (size_t)degree + 1;
    if (n < p || h < 1)
        return hr_error_set(err, HR_EINVAL,
                            "a polynomial of degree %d needs at least %zu values, have %zu",
                            degree, p, n);
    gsl_matrix *X = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
    gsl_vector *Y = gsl_vector_alloc(n), *c = gsl_vector_alloc(p);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, p);
    int rc = HR_OK;
    if (!X || !cov || !Y || !c || !w) {
        rc = hr_error_set(err, HR_ENOMEM, "out of memory fitting a polynomial");
        goto done;
    }
    /* u = (i - (n - 1)) / n lies in (-1, 0]: the last value at 0 */
    double scale = (double)n;
    for (size_t i = 0; i < n; i++) {
        double u = ((double)i - (double)(n - 1)) / scale, v = 1;
        for (size_t k = 0; k < p; k++, v *= u)
            gsl_matrix_set(X, i, k, v);
        gsl_vector_set(Y, i, y[i]);
    }
    double chisq;
    int st = gsl_multifit_linear(X, Y, c, cov, &chisq, w);
    if (st != GSL_SUCCESS) {
        rc = hr_error_set(err, HR_EINTERNAL, "least squares failed: %s", gsl_strerror(st));
        goto done;
    }
    double u = (double)h / scale, v = 1, f = 0;
    for (size_t k = 0; k < p; k++, v *= u)
        f += gsl_vector_get(c, k) * v;
    *out = f;
done:
    gsl_multifit_linear_free(w);
    gsl_vector_free(c);
    gsl_vector_free(Y);
    gsl_matrix_free(cov);
    gsl_matrix_free(X);
    return rc;
}

/* ---- Holt-Winters -------------------------------------------------------- */

/* Divisions of the multiplicative model stay away from 0. */
#define HW_TINY 1e-12

int hr_hw_start(hr_holt_winters *hw, hr_seasonality seasonality, size_t season, double alpha,
                double beta, double gamma, const double *y, size_t n, hr_error *err)
{
    *hw = (hr_holt_winters){0};
    if (season < 2)
        return hr_error_set(err, HR_EINVAL, "Holt-Winters needs a season of at least 2 values");
    if (n < 2 * season)
        return hr_error_set(err, HR_EINVAL,
                            "Holt-Winters starts from two seasons of values (%zu), have %zu",
                            2 * season, n);
    if (!(alpha >= 0 && alpha <= 1 && beta >= 0 && beta <= 1 && gamma >= 0 && gamma <= 1))
        return hr_error_set(err, HR_EINVAL, "smoothing parameters must be from 0 to 1");
    double mean[2] = {0, 0};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < season; i++)
            mean[k] += y[k * season + i];
        mean[k] /= (double)season;
    }
    bool mult = seasonality == HR_SEASONALITY_MULTIPLICATIVE;
    if (mult && !(mean[0] > HW_TINY && mean[1] > HW_TINY))
        return hr_error_set(err, HR_EINVAL,
                            "multiplicative Holt-Winters needs a positive mean in each of the "
                            "first two seasons (%g, %g)",
                            mean[0], mean[1]);
    hw->seasonal = calloc(season, sizeof *hw->seasonal);
    if (hw->seasonal == NULL)
        return hr_error_set(err, HR_ENOMEM, "out of memory starting Holt-Winters");
    hw->seasonality = seasonality;
    hw->season = season;
    hw->alpha = alpha;
    hw->beta = beta;
    hw->gamma = gamma;
    double m = (double)season, mid = (m - 1) / 2;
    hw->trend = (mean[1] - mean[0]) / m;
    /* the line through the seasons' centres, at the first season's end */
    hw->level = mean[0] + hw->trend * mid;
    for (size_t i = 0; i < season; i++) {
        double s = 0;
        for (size_t k = 0; k < 2; k++) {
            double line = mean[k] + hw->trend * ((double)i - mid);
            double v = y[k * season + i];
            s += mult ? (line > HW_TINY ? v / line : 1.0) : v - line;
        }
        hw->seasonal[i] = s / 2;
    }
    hw->n = season;
    for (size_t t = season; t < n; t++)
        hr_hw_update(hw, y[t]);
    return HR_OK;
}

void hr_hw_update(hr_holt_winters *hw, double y)
{
    size_t i = hw->n % hw->season;
    double s_old = hw->seasonal[i], l_old = hw->level, b_old = hw->trend;
    double f = hr_hw_forecast(hw, 1);
    hw->sse += (y - f) * (y - f);
    hw->n_errors++;
    if (hw->seasonality == HR_SEASONALITY_MULTIPLICATIVE) {
        double deseason = fabs(s_old) > HW_TINY ? y / s_old : l_old + b_old;
        hw->level = hw->alpha * deseason + (1 - hw->alpha) * (l_old + b_old);
        hw->trend = hw->beta * (hw->level - l_old) + (1 - hw->beta) * b_old;
        if (fabs(hw->level) > HW_TINY)
            hw->seasonal[i] = hw->gamma * (y / hw->level) + (1 - hw->gamma) * s_old;
    } else {
        hw->level = hw->alpha * (y - s_old) + (1 - hw->alpha) * (l_old + b_old);
        hw->trend = hw->beta * (hw->level - l_old) + (1 - hw->beta) * b_old;
        hw->seasonal[i] = hw->gamma * (y - hw->level) + (1 - hw->gamma) * s_old;
    }
    hw->n++;
}

double hr_hw_forecast(const hr_holt_winters *hw, size_t h)
{
    /* the last consumed value is time n - 1; the target n - 1 + h */
    double s = hw->seasonal[(hw->n - 1 + h) % hw->season];
    double base = hw->level + (double)h * hw->trend;
    return hw->seasonality == HR_SEASONALITY_MULTIPLICATIVE ? base * s : base + s;
}

void hr_hw_free(hr_holt_winters *hw)
{
    free(hw->seasonal);
    hw->seasonal = NULL;
}

static const double hw_alphas[] = {0.1, 0.3, 0.5, 0.7, 0.9};
static const double hw_betas[] = {0.01, 0.05, 0.1, 0.3};
static const double hw_gammas[] = {0.05, 0.1, 0.3, 0.5};
#define HW_N(a) (sizeof a / sizeof a[0])

int hr_hw_fit(hr_seasonality seasonality, size_t season, const double *y, size_t n,
              double *alpha, double *beta, double *gamma, hr_error *err)
{
    double best = INFINITY;
    *alpha = hw_alphas[0];
    *beta = hw_betas[0];
    *gamma = hw_gammas[0];
    for (size_t a = 0; a < HW_N(hw_alphas); a++)
        for (size_t b = 0; b < HW_N(hw_betas); b++)
            for (size_t g = 0; g < HW_N(hw_gammas); g++) {
                hr_holt_winters hw;
                int rc = hr_hw_start(&hw, seasonality, season, hw_alphas[a], hw_betas[b],
                                     hw_gammas[g], y, n, err);
                if (rc != HR_OK)
                    return rc;
                /* strictly better only: ties keep the earlier (smoother) one */
                if (hw.sse < best) {
                    best = hw.sse;
                    *alpha = hw_alphas[a];
                    *beta = hw_betas[b];
                    *gamma = hw_gammas[g];
                }
                hr_hw_free(&hw);
            }
    return HR_OK;
}
