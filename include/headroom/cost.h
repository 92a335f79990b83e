/* cost.h - billing of one instance.
 *
 * An instance is billed from launch to termination (or to the end of the
 * run), rounded up to the billing granularity and at least the billing
 * minimum: billed_s = max(minimum, ceil(life / granularity) * granularity),
 * cost = billed_s / 3600 * price_per_hour (EC2 per-second billing is
 * granularity 1s, minimum 60s). */
#ifndef HEADROOM_COST_H
#define HEADROOM_COST_H

#include "headroom/scenario.h"

/* Cost of an instance alive for life_s seconds under fleet's billing. */
double hr_cost_instance(const hr_fleet_config *fleet, double life_s);

#endif
