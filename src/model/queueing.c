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

/* Share of responses above latency_s when each waits wait_s (a backlog)
 * plus, with probability wait_p, an exponential wait of rate theta
 * (theta 0: none), the service time given by its grid (see queueing.h). */
static double response_tail(double wait_s, double wait_p, double theta, const double *service_s,
                            const double *weight, size_t n, double latency_s)
{
    double x = latency_s - wait_s, p = 0;
    for (size_t i = 0; i < n; i++) {
        if (service_s[i] > x)
            p += weight[i];
        else if (theta > 0)
            p += weight[i] * wait_p * exp(-theta * (x - service_s[i]));
    }
    return p;
}

/* Share of responses above latency_s when the backlog ahead of each is
 * Gaussian, mean m and sd sd requests (reflected at 0), served at
 * drain_rps: an overloaded period as a diffusion. */
static double backlog_tail(double m, double sd, double drain_rps, const double *service_s,
                           const double *weight, size_t n, double latency_s)
{
    double p = 0;
    for (size_t i = 0; i < n; i++) {
        double room = drain_rps * (latency_s - service_s[i]); /* requests that fit ahead */
        if (room <= 0)
            p += weight[i];
        else if (sd > 0)
            p += weight[i] * 0.5 * erfc((room - m) / (sd * 1.4142135623730951));
        else if (m >= room)
            p += weight[i];
    }
    return p;
}

/* P(wait > 0) and the rate of the conditional wait at k servers (a
 * multiple of m->step) for offered load a (< k) at lambda, with b the
 * Erlang B of (k, a); see hr_queue_sharing. */
static void station_wait(const hr_mgc_model *m, int k, double a, double lambda, double b,
                         double *wait_p, double *theta)
{
    double mu = 1.0 / m->mean_service_s, slow = 2.0 / (1.0 + fmax(m->scv, 0.0));
    int per = m->step;
    if (m->sharing == HR_QUEUES_SPLIT) {
        double queues = (double)k / per;
        *wait_p = hr_erlang_c(per, a / queues);
        *theta = (per * mu - lambda / queues) * slow;
        return;
    }
    *wait_p = k * b / (k - a * (1.0 - b));
    double mean_wait_s = 1.0 / (k * mu - lambda);
    if (m->sharing == HR_QUEUES_JSQ)
        mean_wait_s += (1.0 - (double)per / k) / (per * mu);
    *theta = slow / mean_wait_s;
}

int hr_mgc_servers_for_response_mix(const hr_mgc_model *m, const double *lambda_rps, size_t n,
                                    double period_s, double latency_s, double tail, double z,
                                    double *scratch)
{
    int step = m->step < 1 ? 1 : m->step;
    double total = 0, a_max = 0, mean_s = m->mean_service_s;
    for (size_t j = 0; j < n; j++) {
        if (lambda_rps[j] > 0)
            total += lambda_rps[j];
        a_max = fmax(a_max, lambda_rps[j] * mean_s);
    }
    if (!(total > 0) || !(mean_s > 0))
        return 0;
    if (a_max > HR_MMC_SEARCH_MAX_ERLANGS) {
        double c = ceil((a_max + 3.0 * sqrt(a_max)) / step) * step;
        return (int)fmin(c, (double)(INT_MAX / step * step));
    }
    double p_long = 0;
    for (size_t i = 0; i < m->n_service; i++)
        if (m->service_s[i] > latency_s)
            p_long += m->weight[i];
    bool reachable = p_long < tail;
    double mu = 1.0 / mean_s;
    double *b = scratch; /* Erlang B of each period, advanced one server at a time */
    for (size_t j = 0; j < n; j++)
        b[j] = 1.0;
    /* Far above the load no request waits, and more servers change nothing:
     * when the slow services alone and the window's scatter keep the share
     * above tail (a few percent of services over the latency, a quiet
     * window), no fleet reaches it; the search ends there with the least
     * fleet that is as good as any. */
    double k_enough = ceil((a_max + 8.0 * sqrt(a_max) + 20.0) / step) * step;
    for (int k = 1;; k++) {
        for (size_t j = 0; j < n; j++) {
            double a = lambda_rps[j] * mean_s;
            if (a > 0)
                b[j] = a * b[j] / (k + a * b[j]);
        }
        if (k % step != 0 || (period_s <= 0 && n == 1 && k <= a_max))
            continue;
        double drain_rps = k * mu, backlog = 0, slow_share = 0, var = 0;
        for (size_t j = 0; j < n && slow_share <= tail; j++) {
            double lam = lambda_rps[j], a = lam * mean_s;
            /* the fluid backlog over the period: a stable period's
             * arrivals wait for the larger of its levels at the ends */
            double before = backlog;
            backlog = period_s > 0 ? fmax(0.0, backlog + (lam - drain_rps) * period_s) : 0;
            if (!(lam > 0))
                continue;
            double share, cluster;
            if (k <= a) {
                /* overloaded: steady, every response is slow; in a period,
                 * the backlog grows by (lambda - c mu) period_s on average,
                 * with the spread of the period's arrivals and services
                 * (a diffusion: variance (lambda + c mu) period_s (1 + scv) / 2) */
                double sd = sqrt((lam + drain_rps) * period_s * (1.0 + fmax(m->scv, 0.0)) / 2.0);
                share = period_s > 0 ? backlog_tail(backlog, sd, drain_rps, m->service_s, m->weight,
                                                    m->n_service, latency_s)
                                     : 1.0;
                cluster = 1.0 + 2.0 * lam * period_s;
            } else {
                double wait_p, theta, fluid_s = fmax(before, backlog) / drain_rps;
                station_wait(m, k, a, lam, b[j], &wait_p, &theta);
                share = reachable ? response_tail(fluid_s, wait_p, theta, m->service_s, m->weight,
                                                  m->n_service, latency_s)
                                  : (fluid_s > 0 ? 1.0 : wait_p);
                cluster = 1.0 + 2.0 * lam / theta + 2.0 * lam * fmin(fluid_s, period_s);
            }
            slow_share += lam / total * share;
            /* the window's count of slow responses: the slow services
             * independent, the slow waits in clusters (a busy spell
             * slows the cluster factor's worth of arrivals together) */
            double count = lam * period_s, waits = fmax(share - p_long, 0.0);
            var += count * (p_long * (1 - p_long) + cluster * waits * (1 - fmin(waits, 1.0)));
        }
        double requests = total * period_s;
        if (period_s > 0 && z > 0 && requests > 0)
            slow_share += z * sqrt(var) / requests;
        if (slow_share <= tail || k >= k_enough)
            return k;
    }
}

int hr_mgc_servers_for_response(double lambda_rps, double mean_service_s, double scv,
                                const double *service_s, const double *weight, size_t n,
                                double latency_s, double tail, int step)
{
    hr_mgc_model m = {.mean_service_s = mean_service_s, .scv = scv, .service_s = service_s,
                      .weight = weight, .n_service = n, .step = step, .sharing = HR_QUEUES_POOLED};
    double scratch;
    return hr_mgc_servers_for_response_mix(&m, &lambda_rps, 1, 0, latency_s, tail, 0, &scratch);
}
