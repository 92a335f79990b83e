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

/* How a fleet's servers share their queues, for the conditional wait:
 * POOLED one queue for all (M/G/c, the formula above); JSQ a queue per
 * instance of `step` servers, each arrival joining the least loaded (the
 * least_outstanding and two_choices load balancers): the probability of
 * waiting is the pool's, but a waiting request waits for a server of its
 * own instance to free, not any server: its conditional wait, taken
 * exponential, has the pool's mean 1 / (c mu - lambda) plus the wait for
 * one of its instance's step servers, (1 - step / c) / (step mu)
 * (Allen-Cunneen-corrected as above); SPLIT independent instances each at
 * its share of the rate (round_robin, random): M/G/step at
 * lambda / instances. */
typedef enum hr_queue_sharing { HR_QUEUES_POOLED = 0, HR_QUEUES_JSQ, HR_QUEUES_SPLIT } hr_queue_sharing;

/* A fleet's service for hr_mgc_servers_for_response_mix. */
typedef struct hr_mgc_model {
    double mean_service_s, scv;   /* E[S] and its squared coefficient of variation */
    const double *service_s;      /* a weighted sample of S (a quantile grid) */
    const double *weight;         /* summing to 1 */
    size_t n_service;
    int step;                     /* servers per instance: answers are multiples of it */
    hr_queue_sharing sharing;
} hr_mgc_model;

/* The same over a stretch of n periods of period_s each at rates
 * lambda_rps[0..n), for the fleet m: the fewest servers c (a multiple of
 * m->step) for which the share of all the stretch's responses above
 * latency_s, sum_j lambda_j P_j(T > x) / sum_j lambda_j, stays at or below
 * tail. This is how an SLO window judges a p95 (the share of its
 * responses over the SLO), so a short burst may borrow from the quiet rest
 * of the window. Each period is steady as above (with m->sharing), plus a
 * fluid backlog carried from period to period (from none at the start): a
 * period where the rate exceeds c mu adds (lambda - c mu) period_s
 * requests, a quieter one drains them, and a stable period's arrivals wait
 * the larger of its two levels over c mu on top of the steady wait. In an
 * overloaded period the backlog is a diffusion: Gaussian with the fluid
 * level at the period's end as mean and variance (lambda + c mu) period_s
 * (1 + scv) / 2, and a response is slow when more requests are ahead of it
 * than c mu (x - S) (the heavy-traffic approximation; Whitt,
 * Stochastic-Process Limits, 2002, chapter 5). With period_s 0, an
 * overloaded period counts all its responses as slow.
 *
 * The share is the window's expectation; a window's own share scatters
 * around it, and more than a binomial would: slow waits come in clusters
 * (a busy spell slows every arrival in it). With z > 0 the answer keeps
 * share + z sd <= tail, sd the scatter of the window's count of slow
 * responses over its requests: slow services independent (variance
 * n p_long (1 - p_long)), slow waits in clusters of 1 + 2 lambda / theta
 * arrivals (the arrivals within the wait's relaxation time; 1 + 2 lambda
 * period_s in an overloaded period). z is the normal quantile of the
 * share of windows that must comply (2.58 for 99.5%); 0, or period_s 0,
 * asks for the expectation alone.
 *
 * scratch holds n doubles. When P(S > x) >= tail, the share of responses
 * that wait stands in for the share above x. 0 when every rate is 0. */
int hr_mgc_servers_for_response_mix(const hr_mgc_model *m, const double *lambda_rps, size_t n,
                                    double period_s, double latency_s, double tail, double z,
                                    double *scratch);

/* Mean time in queue of M/G/1 by Pollaczek-Khinchine, given E[S] and
 * Var[S]; INFINITY when unstable. */
double hr_mg1_mean_wait_s(double lambda_rps, double mean_service_s, double var_service_s2);

#endif
