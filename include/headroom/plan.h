/* plan.h - a capacity plan: month by month under a growth projection, the
 * least fleet that holds the SLO at the month's peak (found by simulation),
 * what it costs on demand, and the reserved / spot / on-demand mix that
 * costs least within an acceptable interruption risk.
 *
 * Growth is compound at a monthly rate, or fitted to a trace: the trace's
 * daily mean rates are fitted by least squares (GSL) with a line, a
 * quadratic and an exponential (a line through the logs), each with its
 * coefficient of determination R^2 on the daily rates, and the best fit is
 * extrapolated from the trace's last day. */
#ifndef HEADROOM_PLAN_H
#define HEADROOM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/error.h"
#include "headroom/scenario.h"

typedef enum hr_fit_model {
    HR_FIT_LINEAR = 0,   /* a + b d */
    HR_FIT_QUADRATIC,    /* a + b d + c d^2 */
    HR_FIT_EXPONENTIAL,  /* exp(a + b d) */
    HR_FIT_COUNT
} hr_fit_model;

/* "linear", "quadratic", "exponential". */
const char *hr_fit_name(hr_fit_model m);

typedef struct hr_growth_fit {
    double coef[HR_FIT_COUNT][3];
    double r2[HR_FIT_COUNT];     /* on the daily mean rates */
    hr_fit_model best;           /* the highest R^2 */
    size_t days;                 /* daily means fitted */
    double last_day;             /* d of the last day (days since the trace's start) */
} hr_growth_fit;

/* Fit the daily mean rates of a trace (rows of time_s and rate, as a
 * replay holds them; at least 3 whole days). HR_EINVAL when too short or
 * the rates are all zero; HR_ENOMEM. */
int hr_plan_fit(const hr_replay_config *trace, hr_growth_fit *out, hr_error *err);

/* The growth factor after `months` (30 days each) from the trace's last
 * day, by the best fit (never below 0). */
double hr_plan_fit_factor(const hr_growth_fit *f, double months);

typedef struct hr_plan_spec {
    const hr_scenario *scenario;
    int months;                  /* months after this one, 1 .. 120 */
    double monthly;              /* compound growth a month, when fit is NULL */
    const hr_growth_fit *fit;    /* or NULL */
    double test_s;               /* simulated time of each steady-state test */
    uint64_t seed;
    double reserved_price;       /* per reserved instance-hour; < 0: no reservations */
    double spot_discount;        /* < 0: no spot */
    double spot_max_share;       /* the most of the peak fleet that may be spot, [0, 1] */
} hr_plan_spec;

typedef struct hr_plan_month {
    int month;                   /* 0 = now */
    double factor;               /* growth since now */
    double peak_rps;             /* the scenario's peak rate x factor */
    int instances;               /* the least fleet holding the SLO at peak_rps; -1 when even
                                    fleet.max does not (the figures below are then NaN) */
    double p95_ms;               /* at that fleet */
    double hours;                /* instance-hours a month following the load's shape */
    double cost_on_demand;       /* those hours on demand, a month */
    int reserved, spot_max;      /* the mix: reserved instances, spot instances at most */
    double cost_mix;             /* the mix's cost a month */
} hr_plan_month;

/* Plan months 0 .. spec->months into out[months + 1]. The peak and the
 * load's shape come from the scenario's traffic without noise (events and
 * tenants included); hours follow that shape with the fleet scaled in
 * proportion to the load (a month is 730 hours). HR_EINVAL when the SLO
 * judges neither latency nor errors; engine errors. */
int hr_plan_run(const hr_plan_spec *spec, hr_plan_month *out, hr_error *err);

#endif
