/* controller.h - applies the limits every policy is held to, and records
 * each decision with its reason.
 *
 * Order: the policy's proposal, then min/max, then the budget guard (the
 * fleet's on-demand cost rate may not exceed limits.budget_per_hour, so at
 * most floor(budget / price) instances), then the rolling one-hour caps on
 * instances added and removed. Each clamp appends to the reason. A
 * proposal's raise_max above max raises max for good first (a predictive
 * policy's max_capacity_buffer, AWS IncreaseMaxCapacity). */
#ifndef HEADROOM_CONTROLLER_H
#define HEADROOM_CONTROLLER_H

#include <stdbool.h>
#include <stddef.h>

#include "headroom/error.h"
#include "headroom/policy.h"
#include "headroom/scenario.h"

/* The longest reason of a decision (terminator included): the policy's,
 * then what the controller's clamps append. Longer ones are cut. */
#define HR_DECISION_REASON_MAX (2 * HR_REASON_MAX)

/* One entry of the decision log. The reason is not stored in the record:
 * a run result's records point into its table of distinct reasons
 * (results.h), so a long log costs a small record per decision. */
typedef struct hr_decision_record {
    double time_s;
    int current;      /* desired capacity before the decision */
    int proposed;     /* what the policy asked for (current when it had no opinion) */
    int desired;      /* what the controller applied */
    double metric;    /* the datapoint the policy read, NaN when none */
    const char *reason; /* NUL-terminated, shorter than HR_DECISION_REASON_MAX; not
                           owned by the record (hr_controller_apply: the controller's,
                           until its next decision) */
} hr_decision_record;

/* A past scale event, for the rolling caps. */
typedef struct hr_scale_event {
    double time_s;
    int delta;  /* > 0 added, < 0 removed */
} hr_scale_event;

typedef struct hr_controller {
    int min, max;             /* the group's bounds: the fleet's, or a schedule's;
                                 max also what a proposal raised it to */
    bool scheduled;           /* a scheduled action set them (the reason says so) */
    hr_limits limits;
    double price_per_hour;
    hr_scale_event *history;  /* events of the last hour, oldest first */
    size_t n_history, cap_history;
    char reason[HR_DECISION_REASON_MAX]; /* the last decision's reason */
} hr_controller;

/* Prepare a controller for the fleet's bounds and the given limits. */
int hr_controller_init(hr_controller *c, const hr_fleet_config *fleet, const hr_limits *limits,
                       hr_error *err);

void hr_controller_free(hr_controller *c);

/* Set the group's bounds (0 <= min <= max), as a scheduled action does;
 * later proposals are clamped to them. */
void hr_controller_set_bounds(hr_controller *c, int min, int max);

/* Apply the limits to proposal at time now, given the current desired
 * capacity. Fills *rec (time, current, proposed, desired, reason; metric is
 * left for the caller) and returns the capacity to apply. rec->reason is
 * the controller's text, valid until its next decision or
 * hr_controller_free: copy it to keep it. A change counts against the
 * hourly caps. Returns -1 only when memory for the history runs out. */
int hr_controller_apply(hr_controller *c, double now, int current, const hr_decision *proposal,
                        hr_decision_record *rec);

#endif
