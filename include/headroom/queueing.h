/* queueing.h - closed-form results of queueing theory: what the validation
 * tests check request mode against, and what fluid mode will build on.
 *
 * Erlang C (M/M/c): offered load a = lambda / mu, c servers, a < c.
 *   Erlang B by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1));
 *   P(wait) = C(c, a) = c B(c) / (c - a (1 - B(c)));
 *   E[Wq] = C(c, a) / (c mu - lambda).
 * Pollaczek-Khinchine (M/G/1): E[Wq] = lambda E[S^2] / (2 (1 - rho)),
 *   rho = lambda E[S]; for deterministic service E[S^2] = E[S]^2, so
 *   M/D/1: E[Wq] = rho E[S] / (2 (1 - rho)).
 * Sources: Kleinrock, Queueing Systems vol. 1 (1975), sections 3.5 and 5.6;
 * Gross and Harris, Fundamentals of Queueing Theory, chapter 2.
 */
#ifndef HEADROOM_QUEUEING_H
#define HEADROOM_QUEUEING_H

#include <stddef.h>

/* Probability that an arrival waits in M/M/c with offered load a (Erlangs);
 * 1 when a >= c (unstable). */
double hr_erlang_c(int c, double a);

/* Mean time in queue of M/M/c, seconds; INFINITY when unstable. */
double hr_mmc_mean_wait_s(int c, double lambda_rps, double mean_service_s);

/* The fewest servers c for which an M/M/c queue at lambda_rps with mean
 * service mean_service_s keeps P(wait > wait_s) = C(c, a) e^(-(c mu -
 * lambda) wait_s) at or below tail; 0 when lambda is 0. Above
 * HR_MMC_SEARCH_MAX_ERLANGS of offered load, the square-root staffing rule
 * a + 3 sqrt(a) (Halfin and Whitt) stands in for the search. */
#define HR_MMC_SEARCH_MAX_ERLANGS 1e6
int hr_mmc_servers_for_wait(double lambda_rps, double mean_service_s, double wait_s, double tail);

/* The fewest servers c, a multiple of step (>= 1), for which an M/G/c
 * queue at lambda_rps keeps the share of response times (wait + service)
 * above latency_s at or below tail; 0 when lambda is 0. The service time
 * is given by its mean, its squared coefficient of variation scv and a
 * weighted sample service_s[i], weight[i] (weights summing to 1; a
 * quantile grid) for its tail. The approximation (Allen and Cunneen for
 * the wait, the wait independent of the service time):
 *
 *   P(wait > 0) = C(c, a),  a = lambda E[S]        (Erlang C, as M/M/c)
 *   wait | wait > 0 ~ exponential of rate theta = (c mu - lambda) 2 / (1 + scv)
 *   P(T > x) = P(S > x) + C(c, a) E[exp(-theta (x - S)); S <= x]
 *
 * exact for exponential service (scv 1, whose P(T > x) is M/M/c's). When
 * P(S > x) alone is at or above tail, no number of servers holds it: the
 * answer is then the fewest that keep P(wait > 0) at or below tail. Above
 * HR_MMC_SEARCH_MAX_ERLANGS, a + 3 sqrt(a) rounded up to a multiple of
 * step. Source: Allen, Probability, Statistics and Queueing Theory (1990),
 * section 6.4; Gross and Harris, section 7.3 on M/G/c. */
int hr_mgc_servers_for_response(double lambda_rps, double mean_service_s, double scv,
                                const double *service_s, const double *weight, size_t n,
                                double latency_s, double tail, int step);

/* Mean time in queue of M/G/1 by Pollaczek-Khinchine, given E[S] and
 * Var[S]; INFINITY when unstable. */
double hr_mg1_mean_wait_s(double lambda_rps, double mean_service_s, double var_service_s2);

#endif
