/* schedule.h - a policy's scheduled actions as events of a run, and what
 * each does to the group, as AWS EC2 Auto Scaling runs them
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html).
 *
 * hr_schedule_build turns the actions (wall-clock times in time zones,
 * scenario.h) into simulated times on the scenario's calendar:
 *   - the occurrences within the run, [0, duration], by time and, at the
 *     same instant, in the file's order;
 *   - for each action, its latest occurrence before t = 0 (searching back
 *     up to HR_SCHEDULE_LOOKBACK_DAYS): what a group that had the schedule
 *     before the run started would have run last. The engine replays those
 *     (in time order) into the state at t = 0, so a run starting at 10:00
 *     is inside the bounds an 08:00 action set.
 * A recurrence runs at each time its cron matches between its start and
 * end; like AWS, an action with a start also runs at the start itself.
 *
 * hr_schedule_apply sets the group's min, max and desired capacity as the
 * action says: the bounds it gives replace the group's; the desired
 * capacity is the action's, or the group's, clamped to the new bounds (so
 * raising min above the capacity scales out, lowering max scales in). */
#ifndef HEADROOM_SCHEDULE_H
#define HEADROOM_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "headroom/error.h"
#include "headroom/scenario.h"

/* How far back the latest occurrence before the run is looked for: eight
 * years covers every cron (February 29 on a Monday aside). */
#define HR_SCHEDULE_LOOKBACK_DAYS (8 * 366)

/* The most occurrences one run may hold (a cron every minute for 19 years). */
#define HR_SCHEDULE_MAX_EVENTS 10000000

typedef struct hr_schedule_event {
    double time_s;       /* simulated time; < 0 for one before the run */
    int64_t local_s;     /* the wall clock it was asked for, in the action's zone */
    size_t action;       /* index in the policy's schedule */
} hr_schedule_event;

typedef struct hr_schedule {
    hr_schedule_event *before;   /* each action's latest occurrence before t = 0, by time */
    size_t n_before;
    hr_schedule_event *events;   /* the occurrences in [0, duration], by time */
    size_t n_events;
} hr_schedule;

/* The occurrences of pc's schedule on cal over [0, duration_s] into *s
 * (free with hr_schedule_free). HR_ENOMEM, or HR_EINVAL when there are
 * more than HR_SCHEDULE_MAX_EVENTS. */
int hr_schedule_build(hr_schedule *s, const hr_policy_config *pc, const hr_calendar *cal,
                      double duration_s, hr_error *err);

void hr_schedule_free(hr_schedule *s);

/* The group as scheduled actions see it. */
typedef struct hr_group_size {
    int min, max, desired;
} hr_group_size;

/* Apply action a (occurring as ev) to *g and describe it in reason:
 * "schedule: 08:00 weekdays (Thu 2026-11-26 08:00 Europe/Berlin): min 12
 * max 40 desired 12". Returns false, leaving *g as it was, when the bounds
 * would cross (an action giving only max below the group's min, or only
 * min above its max), which AWS refuses too; the reason then says so. */
bool hr_schedule_apply(const hr_scheduled_action *a, const hr_schedule_event *ev,
                       const hr_calendar *cal, hr_group_size *g, char *reason, size_t len);

#endif
