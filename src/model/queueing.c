/* queueing.c - Erlang C and Pollaczek-Khinchine; see queueing.h. */
#include "headroom/queueing.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

double hr_erlang_c(int c, double a)
{
    if (c <= 0 || a >= c)
        return 1.0;
    if (a <= 0)
        return 0.0;
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return c * b / (c - a * (1.0 - b));
}

double hr_mmc_mean_wait_s(int c, double lambda_rps, double mean_service_s)
{
    double mu = 1.0 / mean_service_s;
    double a = lambda_rps * mean_service_s;
    if (a >= c)
        return INFINITY;
    return hr_erlang_c(c, a) / (c * mu - lambda_rps);
}

int hr_mmc_servers_for_wait(double lambda_rps, double mean_service_s, double wait_s, double tail)
{
    double a = lambda_rps * mean_service_s;
    if (!(a > 0))
        return 0;
    if (a > HR_MMC_SEARCH_MAX_ERLANGS)
        return (int)fmin(ceil(a + 3.0 * sqrt(a)), (double)INT_MAX);
    /* Erlang B by its recursion up to the answer: each step is one more
     * server, so the search costs O(answer). */
    double mu = 1.0 / mean_service_s, b = 1.0;
    for (int k = 1;; k++) {
        b = a * b / (k + a * b);
        if (k <= a)
            continue;
        double c = k * b / (k - a * (1.0 - b));
        if (c * exp(-(k * mu - lambda_rps) * fmax(wait_s, 0.0)) <= tail)
            return k;
    }
}

double hr_mg1_mean_wait_s(double lambda_rps, double mean_service_s, double var_service_s2)
{
    double rho = lambda_rps * mean_service_s;
    if (rho >= 1.0)
        return INFINITY;
    double second_moment = var_service_s2 + mean_service_s * mean_service_s;
    return lambda_rps * second_moment / (2.0 * (1.0 - rho));
}

int hr_mgc_servers_for_response(double lambda_rps, double mean_service_s, double scv,
                                const double *service_s, const double *weight, size_t n,
                                double latency_s, double tail, int step)
{
    double a = lambda_rps * mean_service_s;
    if (!(a > 0))
        return 0;
    if (step < 1)
        step = 1;
    if (a > HR_MMC_SEARCH_MAX_ERLANGS) {
        double c = ceil((a + 3.0 * sqrt(a)) / step) * step;
        return (int)fmin(c, (double)(INT_MAX / step * step));
    }
    double p_long = 0;
    for (size_t i = 0; i < n; i++)
        if (service_s[i] > latency_s)
            p_long += weight[i];
    bool reachable = p_long < tail;
    double mu = 1.0 / mean_service_s, slow = 2.0 / (1.0 + (scv > 0 ? scv : 0));
    double b = 1.0;
    for (int k = 1;; k++) {
        b = a * b / (k + a * b);
        if (k <= a || k % step != 0)
            continue;
        double wait_p = k * b / (k - a * (1.0 - b));
        if (!reachable) {
            if (wait_p <= tail)
                return k;
            continue;
        }
        double theta = (k * mu - lambda_rps) * slow, p = p_long;
        for (size_t i = 0; i < n && p <= tail; i++)
            if (service_s[i] <= latency_s)
                p += weight[i] * wait_p * exp(-theta * (latency_s - service_s[i]));
        if (p <= tail)
            return k;
    }
}
