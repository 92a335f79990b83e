/* bench_mmc - events per second of request mode on the M/M/4 model of
 * ../shared/bench/mmc_heap.c (lambda 30/s, mu 10/s, c 4), with everything a
 * real run does switched on: thinning against the rate function, the load
 * balancer, the worker pool and queue, four latency histograms per
 * completion, gauges, ticks, metric periods, SLO windows and the policy.
 *
 *   bench_mmc [EVENTS]     default 20,000,000
 *
 * Prints one line: events, wall seconds, events per second, peak RSS. Not
 * part of the test suite: run it with tests/bench/run.sh beside the floor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "headroom/engine.h"
#include "headroom/scenario.h"

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    double events = argc > 1 ? atof(argv[1]) : 20e6;
    /* arrivals + departures = 2 x 30 per second */
    double duration_s = events / 60.0;
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "scenario: bench-mmc\n"
             "duration: %.0f\n"
             "tick: 1s\n"
             "traffic: {base_rps: 30}\n"
             "workload: {classes: [{name: a, share: 1, service: {dist: exponential, mean: 100ms}}]}\n"
             "fleet: {instance: {concurrency: 4, price_per_hour: 1}, initial: 1, min: 1, max: 1}\n"
             "slo: {latency_p95: 500ms, window: 5m}\n"
             "policies: [{name: one, kind: static, instances: 1}]\n",
             duration_s);
    hr_scenario sc;
    hr_error err;
    if (hr_scenario_load_string("bench.yaml", yaml, strlen(yaml), &sc, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    hr_run_spec spec = {.scenario = &sc, .policy_index = 0, .seed = 1, .replication = 0};
    hr_run_result res;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (hr_engine_run(&spec, &res, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double wall = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("headroom requests=%llu events=%llu wall_s=%.3f events_per_s=%.0f mean_wait_ms=%.2f peak_rss_mib=%.1f\n",
           (unsigned long long)res.summary.requests, (unsigned long long)res.summary.events, wall,
           (double)res.summary.events / wall, res.summary.mean_wait_ms, ru.ru_maxrss / 1024.0);
    hr_run_result_free(&res);
    hr_scenario_free(&sc);
    return 0;
}
