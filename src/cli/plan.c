/* plan.c - `headroom plan SCENARIO`: a capacity plan month by month under a
 * growth projection (plan.h), as a table, CSV or JSON, and a chart. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "headroom/duration.h"
#include "headroom/plan.h"
#include "headroom/report.h"
#include "headroom/scenario.h"

const char hr_cli_plan_help[] =
    "usage: headroom plan SCENARIO [options]\n"
    "\n"
    "A capacity plan: for this month and each of the next, the scenario's peak\n"
    "load grown by the projection, the least fleet that holds the SLO at that\n"
    "peak (found by simulation: steady-state runs of the scenario's instance,\n"
    "bisecting the fleet size), what it costs a month on demand as the fleet\n"
    "follows the load's daily shape, and the reserved / spot / on-demand mix that\n"
    "costs least with at most --spot-max-share of the peak fleet on spot.\n"
    "\n"
    "options:\n"
    "  --months N           months after this one (default 12)\n"
    "  --growth G           conservative (15%/month), moderate (25%), aggressive\n"
    "                       (40%), hockey_stick (60%), a number like 0.1, or\n"
    "                       fit:TRACE.csv to fit a trace's daily means (linear,\n"
    "                       quadratic and exponential least squares, best R^2)\n"
    "                       (default moderate)\n"
    "  --test-duration D    simulated time of each steady-state test (default 20m)\n"
    "  --reserved-price P   per reserved instance-hour (default: fleet.reserved's;\n"
    "                       none: no reservations in the mix)\n"
    "  --spot-discount D    spot discount (default: fleet.spot's; none: no spot)\n"
    "  --spot-max-share S   the most of the peak fleet on spot (default 0.3)\n"
    "  --seed N             seed instead of the scenario's\n"
    "  --chart FILE         draw the plan (gnuplot; .png, .svg or .pdf)\n"
    "  --csv | --json       the months as CSV or JSON instead of the table\n"
    "  -h, --help           show this text\n"
    "\n"
    "Exit status: 0 ok, 1 a run or the chart failed, 2 bad usage or input.\n";

typedef struct plan_options {
    const char *scenario_path, *growth, *chart_path;
    int months;
    double test_s, reserved_price, spot_discount, spot_max_share;
    bool has_reserved_price, has_spot_discount, has_seed, csv, json;
    uint64_t seed;
} plan_options;

static int number_option(const char *opt, const char *val, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (*end || errno || !(v >= lo && v <= hi))
        return hr_cli_fail(HR_EXIT_USAGE, "%s expects a number from %g to %g, got '%s'", opt, lo,
                           hi, val);
    *out = v;
    return HR_EXIT_OK;
}

static int parse_options(int argc, char **argv, plan_options *o)
{
    *o = (plan_options){.growth = "moderate", .months = 12, .test_s = 1200, .spot_max_share = 0.3};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool takes = strcmp(a, "--months") == 0 || strcmp(a, "--growth") == 0 ||
                     strcmp(a, "--test-duration") == 0 || strcmp(a, "--reserved-price") == 0 ||
                     strcmp(a, "--spot-discount") == 0 || strcmp(a, "--spot-max-share") == 0 ||
                     strcmp(a, "--seed") == 0 || strcmp(a, "--chart") == 0;
        const char *val = takes && i + 1 < argc ? argv[++i] : NULL;
        if (takes && val == NULL)
            return hr_cli_fail(HR_EXIT_USAGE, "%s needs a value; see 'headroom help plan'", a);
        double v;
        if (strcmp(a, "--months") == 0) {
            if (number_option(a, val, 1, 120, &v) || v != floor(v))
                return hr_cli_fail(HR_EXIT_USAGE, "--months expects a whole number from 1 to 120");
            o->months = (int)v;
        } else if (strcmp(a, "--growth") == 0) {
            o->growth = val;
        } else if (strcmp(a, "--test-duration") == 0) {
            if (hr_duration_parse(val, &o->test_s) != HR_OK || !(o->test_s > 0))
                return hr_cli_fail(HR_EXIT_USAGE, "--test-duration expects a duration like 20m, got '%s'",
                                   val);
        } else if (strcmp(a, "--reserved-price") == 0) {
            if (number_option(a, val, 0, 1e6, &o->reserved_price))
                return HR_EXIT_USAGE;
            o->has_reserved_price = true;
        } else if (strcmp(a, "--spot-discount") == 0) {
            if (number_option(a, val, 0, 0.999999, &o->spot_discount))
                return HR_EXIT_USAGE;
            o->has_spot_discount = true;
        } else if (strcmp(a, "--spot-max-share") == 0) {
            if (number_option(a, val, 0, 1, &o->spot_max_share))
                return HR_EXIT_USAGE;
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
            return hr_cli_fail(HR_EXIT_USAGE, "unknown option %s; see 'headroom help plan'", a);
        } else if (!o->scenario_path) {
            o->scenario_path = a;
        } else {
            return hr_cli_fail(HR_EXIT_USAGE, "plan takes one scenario, got '%s' and '%s'",
                               o->scenario_path, a);
        }
    }
    if (!o->scenario_path)
        return hr_cli_fail(HR_EXIT_USAGE, "plan needs a scenario; see 'headroom help plan'");
    if (o->csv && o->json)
        return hr_cli_fail(HR_EXIT_USAGE, "give --csv or --json, not both");
    return HR_EXIT_OK;
}

/* The named projections' monthly compound growth. */
static const struct {
    const char *name;
    double monthly;
} projections[] = {
    {"conservative", 0.15}, {"moderate", 0.25}, {"aggressive", 0.40}, {"hockey_stick", 0.60},
};

/* --growth into a monthly rate, or a fit of a trace (*fit set). */
static int parse_growth(const char *g, double *monthly, hr_growth_fit *fit, bool *has_fit)
{
    *has_fit = false;
    for (size_t i = 0; i < sizeof projections / sizeof projections[0]; i++)
        if (strcmp(g, projections[i].name) == 0) {
            *monthly = projections[i].monthly;
            return HR_EXIT_OK;
        }
    if (strncmp(g, "fit:", 4) == 0) {
        hr_replay_config trace;
        hr_error err;
        int rc = hr_trace_load(g + 4, &trace, &err);
        if (rc == HR_OK) {
            rc = hr_plan_fit(&trace, fit, &err);
            hr_trace_free(&trace);
        }
        if (rc != HR_OK)
            return hr_cli_fail(hr_error_exit_status(rc) == HR_EXIT_USAGE || rc == HR_EIO
                                   ? HR_EXIT_USAGE
                                   : HR_EXIT_FAILED,
                               "%s", err.msg);
        *has_fit = true;
        return HR_EXIT_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(g, &end);
    if (*end || errno || !(v > -1 && v <= 10))
        return hr_cli_fail(HR_EXIT_USAGE,
                           "--growth expects conservative, moderate, aggressive, hockey_stick, a "
                           "monthly rate like 0.1, or fit:TRACE.csv; got '%s'",
                           g);
    *monthly = v;
    return HR_EXIT_OK;
}

static void json_num(double v)
{
    if (isfinite(v))
        printf("%.6g", v);
    else
        fputs("null", stdout);
}

static void print_plan(const hr_scenario *sc, const char *growth, const hr_growth_fit *fit,
                       const hr_plan_month *m, int months, const plan_options *o)
{
    if (o->json) {
        printf("{\n  \"scenario\": \"%s\",\n  \"growth\": \"%s\",\n", sc->name, growth);
        if (fit) {
            printf("  \"fit\": {\"days\": %zu, \"best\": \"%s\"", fit->days, hr_fit_name(fit->best));
            for (int k = 0; k < HR_FIT_COUNT; k++) {
                printf(", \"r2_%s\": ", hr_fit_name((hr_fit_model)k));
                json_num(fit->r2[k]);
            }
            fputs("},\n", stdout);
        }
        fputs("  \"months\": [\n", stdout);
        for (int k = 0; k <= months; k++) {
            printf("    {\"month\": %d, \"growth_factor\": ", m[k].month);
            json_num(m[k].factor);
            fputs(", \"peak_rps\": ", stdout);
            json_num(m[k].peak_rps);
            if (m[k].instances < 0)
                fputs(", \"instances\": null, \"p95_ms\": ", stdout);
            else
                printf(", \"instances\": %d, \"p95_ms\": ", m[k].instances);
            json_num(m[k].p95_ms);
            fputs(", \"instance_hours\": ", stdout);
            json_num(m[k].hours);
            fputs(", \"cost_on_demand\": ", stdout);
            json_num(m[k].cost_on_demand);
            printf(", \"reserved\": %d, \"spot_max\": %d, \"cost_mix\": ", m[k].reserved,
                   m[k].spot_max);
            json_num(m[k].cost_mix);
            printf("}%s\n", k < months ? "," : "");
        }
        fputs("  ]\n}\n", stdout);
        return;
    }
    if (o->csv) {
        puts("month,growth_factor,peak_rps,instances,p95_ms,instance_hours,cost_on_demand,reserved,spot_max,cost_mix");
        for (int k = 0; k <= months; k++)
            printf("%d,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%d,%d,%.6g\n", m[k].month, m[k].factor,
                   m[k].peak_rps, m[k].instances, m[k].p95_ms, m[k].hours, m[k].cost_on_demand,
                   m[k].reserved, m[k].spot_max, m[k].cost_mix);
        return;
    }
    if (fit)
        printf("growth fitted to %zu days: linear R2 %.3f, quadratic R2 %.3f, exponential R2 %.3f; "
               "using %s\n",
               fit->days, fit->r2[HR_FIT_LINEAR], fit->r2[HR_FIT_QUADRATIC],
               fit->r2[HR_FIT_EXPONENTIAL], hr_fit_name(fit->best));
    printf("%5s %7s %10s %9s %7s %10s %13s %8s %8s %13s\n", "month", "growth", "peak rps",
           "instances", "p95 ms", "inst-h", "on demand/mo", "reserved", "spot<=", "mix/mo");
    for (int k = 0; k <= months; k++) {
        if (m[k].instances < 0) {
            char more[16];
            snprintf(more, sizeof more, ">%d", sc->fleet.max);
            printf("%5d %6.2fx %10.1f %9s  beyond fleet.max: raise it to plan this month\n",
                   m[k].month, m[k].factor, m[k].peak_rps, more);
            continue;
        }
        printf("%5d %6.2fx %10.1f %9d %7.1f %10.0f %13.2f %8d %8d %13.2f\n", m[k].month,
               m[k].factor, m[k].peak_rps, m[k].instances, m[k].p95_ms, m[k].hours,
               m[k].cost_on_demand, m[k].reserved, m[k].spot_max, m[k].cost_mix);
    }
}

int hr_cli_plan(int argc, char **argv)
{
    plan_options o;
    if (parse_options(argc, argv, &o) != HR_EXIT_OK)
        return HR_EXIT_USAGE;
    double monthly = 0;
    hr_growth_fit fit;
    bool has_fit;
    int status = parse_growth(o.growth, &monthly, &fit, &has_fit);
    if (status != HR_EXIT_OK)
        return status;
    hr_scenario sc;
    hr_error err;
    int rc = hr_scenario_load(o.scenario_path, &sc, &err);
    if (rc != HR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return rc == HR_ENOMEM ? HR_EXIT_FAILED : HR_EXIT_USAGE;
    }
    hr_cli_print_warnings(&sc);
    hr_plan_spec spec = {
        .scenario = &sc,
        .months = o.months,
        .monthly = monthly,
        .fit = has_fit ? &fit : NULL,
        .test_s = o.test_s,
        .seed = o.has_seed ? o.seed : sc.seed,
        .reserved_price = o.has_reserved_price ? o.reserved_price
                          : sc.fleet.reserved_count > 0 ? sc.fleet.reserved_price_per_hour
                                                        : -1,
        .spot_discount = o.has_spot_discount ? o.spot_discount
                         : sc.fleet.spot_share > 0 ? sc.fleet.spot_discount
                                                   : -1,
        .spot_max_share = o.spot_max_share,
    };
    if (spec.reserved_price < 0)
        fprintf(stderr, "headroom: no reserved price (fleet.reserved or --reserved-price): the mix "
                        "has no reservations\n");
    if (spec.spot_discount < 0)
        fprintf(stderr, "headroom: no spot discount (fleet.spot or --spot-discount): the mix has no "
                        "spot\n");
    hr_plan_month *months = calloc((size_t)o.months + 1, sizeof *months);
    if (!months) {
        hr_scenario_free(&sc);
        return hr_cli_fail(HR_EXIT_FAILED, "out of memory");
    }
    rc = hr_plan_run(&spec, months, &err);
    if (rc != HR_OK) {
        status = hr_cli_fail(hr_error_exit_status(rc), "%s", err.msg);
    } else {
        print_plan(&sc, o.growth, has_fit ? &fit : NULL, months, o.months, &o);
        status = hr_cli_flush_stdout();
        if (o.chart_path) {
            if ((rc = hr_report_plan_chart(sc.name, o.growth, months, (size_t)o.months + 1,
                                           o.chart_path, &err)) != HR_OK)
                status = hr_cli_fail(HR_EXIT_FAILED, "%s", err.msg);
            else
                fprintf(stderr, "headroom: chart written to %s\n", o.chart_path);
        }
    }
    free(months);
    hr_scenario_free(&sc);
    return status;
}
