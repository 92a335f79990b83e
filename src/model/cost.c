/* cost.c - per-instance billing; see cost.h. */
#include "headroom/cost.h"

#include <math.h>

double hr_cost_instance(const hr_fleet_config *fleet, double life_s)
{
    double g = fleet->billing_granularity_s;
    /* a hair of tolerance so 60.0000000001 s of float error is not a
     * second billed period */
    double billed_s = ceil(life_s / g - 1e-9) * g;
    if (billed_s < fleet->billing_minimum_s)
        billed_s = fleet->billing_minimum_s;
    return billed_s / 3600.0 * fleet->price_per_hour;
}
