/* curve.c - `headroom curve SCENARIO`: the load-test curve of the
 * scenario's instance and its knee (curve.h), as a table, CSV or JSON, and
 * a chart. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "headroom/curve.h"
#include "headroom/duration.h"
#include "headroom/report.h"
#include "headroom/scenario.h"

const char hr_cli_curve_help[] =
    "usage: headroom curve SCENARIO [options]\n"
    "\n"
    "The load-test curve capacity reviews start from: one instance of the\n"
    "scenario (its workers, queue limit, timeout and request classes) under a\n"
    "constant offered load, step by step, with its throughput, latency\n"
    "p50/p95/p99, error rate and CPU at each step, and the knee: the most load\n"
    "before p95 (or p99) latency or the error rate breaks the scenario's SLO.\n"
    "Each step is a run of its own: one warm instance that never fails, flat\n"
    "Poisson traffic (no profiles or events), the same seed.\n"
    "\n"
    "options:\n"
    "  --steps N           load steps (default 24)\n"
    "  --max-rps R         the last step's load (default 1.2 x the instance's\n"
    "                      nominal capacity, concurrency / mean service time)\n"
    "  --step-duration D   simulated time per step (default 10m)\n"
    "  --seed N            seed instead of the scenario's\n"
    "  --chart FILE        draw the curve (gnuplot; .png, .svg or .pdf)\n"
    "  --csv | --json      the points as CSV or JSON instead of the table\n"
    "  -h, --help          show this text\n"
    "\n"
    "Exit status: 0 ok, 1 a run or the chart failed, 2 bad usage or input.\n";

typedef struct curve_options {
    const char *scenario_path;
    int steps;
    double max_rps, step_s;
    bool has_seed, csv, json;
    uint64_t seed;
    const char *chart_path;
} curve_options;

static int parse_options(int argc, char **argv, curve_options *o)
{
    *o = (curve_options){.steps = 24, .step_s = 600};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool takes = strcmp(a, "--steps") == 0 || strcmp(a, "--max-rps") == 0 ||
                     strcmp(a, "--step-duration") == 0 || strcmp(a, "--seed") == 0 ||
                     strcmp(a, "--chart") == 0;
        const char *val = takes && i + 1 < argc ? argv[++i] : NULL;
        if (takes && val == NULL)
            return hr_cli_fail(HR_EXIT_USAGE, "%s needs a value; see 'headroom help curve'", a);
        char *end;
        errno = 0;
        if (strcmp(a, "--steps") == 0) {
            long v = strtol(val, &end, 10);
            if (*end || errno || v < 2 || v > 1000)
                return hr_cli_fail(HR_EXIT_USAGE, "--steps expects 2 to 1000, got '%s'", val);
            o->steps = (int)v;
        } else if (strcmp(a, "--max-rps") == 0) {
            o->max_rps = strtod(val, &end);
            if (*end || errno || !(o->max_rps > 0) || !isfinite(o->max_rps))
                return hr_cli_fail(HR_EXIT_USAGE, "--max-rps expects a rate > 0, got '%s'", val);
        } else if (strcmp(a, "--step-duration") == 0) {
            if (hr_duration_parse(val, &o->step_s) != HR_OK || !(o->step_s > 0))
                return hr_cli_fail(HR_EXIT_USAGE, "--step-duration expects a duration like 10m, got '%s'",
                                   val);
        } else if (strcmp(a, "--seed") == 0) {
            if (hr_cli_seed_option(val, &o->seed))
                return HR_EXIT_USAGE;
            o->has_seed = true;
        } else if (strcmp(a, "--chart") == 0) {
            o->chart_path = val;
        } else if (strcmp(a, "--csv") == 0) {
            o->csv = true;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (a[0] == '-' && a[1]) {
            return hr_cli_fail(HR_EXIT_USAGE, "unknown option %s; see 'headroom help curve'", a);
        } else if (!o->scenario_path) {
            o->scenario_path = a;
        } else {
            return hr_cli_fail(HR_EXIT_USAGE, "curve takes one scenario, got '%s' and '%s'",
                               o->scenario_path, a);
        }
    }
    if (!o->scenario_path)
        return hr_cli_fail(HR_EXIT_USAGE, "curve needs a scenario; see 'headroom help curve'");
    if (o->csv && o->json)
        return hr_cli_fail(HR_EXIT_USAGE, "give --csv or --json, not both");
    return HR_EXIT_OK;
}

/* A number for JSON: null when not finite. */
static void json_number(double v)
{
    if (isfinite(v))
        printf("%.6g", v);
    else
        fputs("null", stdout);
}

static void print_json(const hr_scenario *sc, const hr_curve *c)
{
    printf("{\n  \"scenario\": \"%s\",\n  \"concurrency\": %d,\n  \"nominal_rps\": ", sc->name,
           sc->fleet.concurrency);
    json_number(c->nominal_rps);
    fputs(",\n  \"knee_rps\": ", stdout);
    json_number(c->knee >= 0 ? c->points[c->knee].offered_rps : NAN);
    fputs(",\n  \"points\": [\n", stdout);
    for (size_t i = 0; i < c->n; i++) {
        const hr_curve_point *p = &c->points[i];
        fputs("    {\"offered_rps\": ", stdout);
        json_number(p->offered_rps);
        fputs(", \"throughput_rps\": ", stdout);
        json_number(p->throughput_rps);
        fputs(", \"latency_p50_ms\": ", stdout);
        json_number(p->latency_p50_ms);
        fputs(", \"latency_p95_ms\": ", stdout);
        json_number(p->latency_p95_ms);
        fputs(", \"latency_p99_ms\": ", stdout);
        json_number(p->latency_p99_ms);
        fputs(", \"error_rate_pct\": ", stdout);
        json_number(p->error_rate_pct);
        fputs(", \"cpu_pct\": ", stdout);
        json_number(p->cpu_pct);
        printf(", \"slo_met\": %s}%s\n", p->slo_ok ? "true" : "false", i + 1 < c->n ? "," : "");
    }
    fputs("  ]\n}\n", stdout);
}

static void print_table(const hr_scenario *sc, const hr_curve *c, bool csv)
{
    if (csv)
        puts("offered_rps,throughput_rps,latency_p50_ms,latency_p95_ms,latency_p99_ms,error_rate_pct,cpu_pct,slo_met");
    else
        printf("%11s %11s %8s %8s %8s %7s %6s  %s\n", "offered/s", "through/s", "p50 ms", "p95 ms",
               "p99 ms", "err %", "cpu %", "SLO");
    for (size_t i = 0; i < c->n; i++) {
        const hr_curve_point *p = &c->points[i];
        if (csv)
            printf("%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%s\n", p->offered_rps, p->throughput_rps,
                   p->latency_p50_ms, p->latency_p95_ms, p->latency_p99_ms, p->error_rate_pct,
                   p->cpu_pct, p->slo_ok ? "true" : "false");
        else
            printf("%11.2f %11.2f %8.1f %8.1f %8.1f %7.3f %6.1f  %s%s%s\n", p->offered_rps,
                   p->throughput_rps, p->latency_p50_ms, p->latency_p95_ms, p->latency_p99_ms,
                   p->error_rate_pct, p->cpu_pct, p->slo_ok ? "met" : "MISSED",
                   p->slo_ok ? "" : ": ", p->why);
    }
    if (csv)
        return;
    if (c->knee < 0) {
        printf("knee: none; even %.4g req/s breaks the SLO (%s)\n", c->points[0].offered_rps,
               c->points[0].why);
        return;
    }
    const hr_curve_point *k = &c->points[c->knee];
    printf("knee: %.4g req/s per instance (%.0f%% of the nominal %.4g req/s of %d workers), p95 %.0f ms",
           k->offered_rps, 100.0 * k->offered_rps / c->nominal_rps, c->nominal_rps,
           sc->fleet.concurrency, k->latency_p95_ms);
    if ((size_t)c->knee + 1 < c->n)
        printf("; %.4g req/s breaks it (%s)\n", c->points[c->knee + 1].offered_rps,
               c->points[c->knee + 1].why);
    else
        printf("; no step broke the SLO: raise --max-rps\n");
}

int hr_cli_curve(int argc, char **argv)
{
    curve_options o;
    if (parse_options(argc, argv, &o) != HR_EXIT_OK)
        return HR_EXIT_USAGE;
    hr_scenario sc;
    hr_error err;
    int rc = hr_scenario_load(o.scenario_path, &sc, &err);
    if (rc != HR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return rc == HR_ENOMEM ? HR_EXIT_FAILED : HR_EXIT_USAGE;
    }
    hr_cli_print_warnings(&sc);
    double ticks = o.step_s / sc.tick_s;
    if (fabs(ticks - nearbyint(ticks)) > 1e-9 * ticks || ticks < 1) {
        char t[32];
        hr_duration_format(sc.tick_s, t, sizeof t);
        hr_scenario_free(&sc);
        return hr_cli_fail(HR_EXIT_USAGE, "--step-duration must be a multiple of the tick (%s)", t);
    }
    hr_curve_spec spec = {.scenario = &sc, .steps = o.steps, .max_rps = o.max_rps,
                          .step_s = o.step_s, .seed = o.has_seed ? o.seed : sc.seed};
    hr_curve c;
    int status = HR_EXIT_OK;
    rc = hr_curve_run(&spec, &c, &err);
    if (rc != HR_OK) {
        status = hr_cli_fail(hr_error_exit_status(rc), "%s", err.msg);
    } else {
        if (o.json)
            print_json(&sc, &c);
        else
            print_table(&sc, &c, o.csv);
        status = hr_cli_flush_stdout();
        if (o.chart_path) {
            if ((rc = hr_report_curve_chart(&sc, &c, o.chart_path, &err)) != HR_OK)
                status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
            else
                fprintf(stderr, "headroom: chart written to %s\n", o.chart_path);
        }
        hr_curve_free(&c);
    }
    hr_scenario_free(&sc);
    return status;
}
